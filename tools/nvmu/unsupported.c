/* SPDX-License-Identifier: MIT */
/* Messages for commands a controller does not support (see unsupported.h). */
#include <stdio.h>

#include "cli.h"
#include "nvmu/nvme_cmd.h"
#include "unsupported.h"
#include "verbs.h"

/* True if @p status is how a controller refuses a command it does not implement. */
static bool refusal(uint16_t status, bool present)
{
	unsigned sct = nvmu_status_sct(status), sc = nvmu_status_sc(status);

	if (sct == NVME_SCT_GENERIC && sc == NVME_SC_INVALID_OPCODE)
		return true;
	if (sct == NVME_SCT_CMD_SPECIFIC && sc == NVME_SC_INVALID_LOG_PAGE)
		return true;
	return !present && sct == NVME_SCT_GENERIC && sc == NVME_SC_INVALID_FIELD;
}

int unsupported_fail(const char *verb, const char *dev, const struct capability *cap, int ret,
		     const struct nvmu_cpl *cpl)
{
	char text[128];

	if (ret != -EREMOTEIO || !cpl || !refusal(cpl->status, cap->present))
		return cli_fail(verb);
	nvmu_status_text(cpl->status, text, sizeof(text));
	if (cap->present)
		fprintf(stderr, "nvmu %s: %s does not support %s (the device answered: %s, "
			"although Identify Controller %s is 1)\n", verb, dev, cap->what, text,
			cap->field);
	else
		fprintf(stderr, "nvmu %s: %s does not support %s (Identify Controller %s is 0; "
			"the device answered: %s)\n", verb, dev, cap->what, cap->field, text);
	return EXIT_FAILED;
}

int unsupported_check(const char *verb, const char *dev, const struct capability *cap)
{
	if (cap->present)
		return 0;
	fprintf(stderr, "nvmu %s: %s does not support %s (Identify Controller %s is 0)\n", verb,
		dev, cap->what, cap->field);
	return EXIT_FAILED;
}
