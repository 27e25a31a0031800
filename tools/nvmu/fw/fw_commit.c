/* SPDX-License-Identifier: MIT */
/* nvmu fw-commit: Firmware Commit (replace and/or activate a slot), as nvme-cli 2.3. */
#include <stdio.h>

#include "cli.h"
#include "device.h"
#include "nvmu/nvme_cmd.h"
#include "unsupported.h"
#include "verb_opts.h"
#include "verbs.h"

#define CA_BOOT_PARTITION 6 /* actions 6 and 7 concern a boot partition */

/* The reset a "needs reset" status asks for, or NULL for any other status. */
static const char *reset_needed(const struct nvmu_cpl *cpl)
{
	if (nvmu_status_sct(cpl->status) != NVME_SCT_CMD_SPECIFIC)
		return NULL;
	switch (nvmu_status_sc(cpl->status)) {
	case NVME_SC_FW_NEEDS_CONV_RESET: return "conventional";
	case NVME_SC_FW_NEEDS_SUBSYS_RESET: return "subsystem";
	case NVME_SC_FW_NEEDS_RESET: return "any controller";
	default: return NULL;
	}
}

static void print_target(uint8_t action, uint8_t slot, uint8_t bpid)
{
	printf("action:%u slot:%u", action, slot);
	if (action >= CA_BOOT_PARTITION)
		printf(" bpid:%u", bpid);
}

static int run_fw_commit(int argc, char **argv)
{
	uint8_t slot = 0, action = 0, bpid = 0;
	const struct verb_opt opts[] = {
		{ 's', "slot", VOPT_U8, &slot, 7, NULL },
		{ 'a', "action", VOPT_U8, &action, 7, NULL },
		{ 'b', "bpid", VOPT_U8, &bpid, 1, NULL },
	};
	struct capability cap = { .what = "Firmware Commit", .field = "OACS bit 2" };
	struct nvmu_cpl cpl = { 0 };
	const char *dev, *reset;
	struct tool_dev d;
	int ret, err;

	if ((ret = VERB_PARSE(argc, argv, opts, &dev)))
		return ret;
	if (action == 4 || action == 5)
		return cli_usage_error(argv[0], "--action %u is reserved (0-3, 6 or 7)", action);
	if ((ret = device_open(argv[0], dev, &d)))
		return ret;
	err = nvmu_host_fw_commit(d.host, slot, action, bpid, &cpl);
	reset = err == -EREMOTEIO ? reset_needed(&cpl) : NULL;
	cap.present = nvmu_ctrl_id(d.ctrl)->oacs & NVME_CTRL_OACS_FW;
	if (err < 0 && !reset) {
		ret = unsupported_fail(argv[0], dev, &cap, err, &cpl);
	} else {
		printf(reset ? "Success activating firmware " : "Success committing firmware ");
		print_target(action, slot, bpid);
		if (reset)
			printf(", but firmware requires %s reset", reset);
		printf("\nMultiple Update Detected (MUD) Value: %u\n", cpl.dw0);
		if (cpl.dw0 & 1)
			printf("Detected an overlapping firmware/boot partition image update command "
			       "sequence due to processing a command from a Management Endpoint\n");
		if (cpl.dw0 & 2)
			printf("Detected an overlapping firmware/boot partition image update command "
			       "sequence due to processing a command from an Admin SQ on a "
			       "controller\n");
	}
	device_close(&d);
	return ret;
}

const struct nvmu_verb nvmu_verb_fw_commit = {
	.name = "fw-commit",
	.summary = "commit or activate a firmware image (Firmware Commit)",
	.usage = "Usage: nvmu fw-commit <dev> [-s SLOT] [-a ACTION] [-b BPID]\n"
		 "\n"
		 "Commit the image sent with fw-download to a slot and/or activate a slot:\n"
		 "action 0 replaces the slot's image, 1 replaces and activates it at the next\n"
		 "reset, 2 activates the slot at the next reset, 3 replaces and activates at\n"
		 "once; 6 and 7 concern boot partition BPID. A status that asks for a reset is\n"
		 "printed as success with the reset it needs, as nvme-cli.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -s, --slot=SLOT             firmware slot 0-7 (0: the controller chooses)\n"
		 "  -a, --action=ACTION         commit action 0-3, 6, 7 (default 0)\n"
		 "  -b, --bpid=BPID             boot partition 0 or 1 (actions 6 and 7)\n"
		 "  -h, --help                  show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_fw_commit,
};
