/* SPDX-License-Identifier: MIT */
/*
 * Controllers that need the driver to behave differently, known by their Identify
 * Controller data rather than by PCI IDs, so that the rule holds on every transport.
 */
#include <string.h>

#include "nvme_internal.h"

struct quirk {
	const char *model;  /* Identify Controller MN, without its space padding */
	unsigned flags;     /* enum ctrl_quirk */
	const char *reason; /* what the driver does differently, and why */
};

static const struct quirk quirks[] = {
	{
		/* Measured in the guest rig (QEMU 7.2, docs/bench.md): with shadow doorbells
		 * every I/O still wrote both MMIO doorbells, and nvmu perf read 512-byte
		 * blocks 15-30% slower at queue depth 32. */
		"QEMU NVMe Ctrl", CTRL_QUIRK_DBBUF_NO_GAIN,
		"shadow doorbells not used: QEMU's emulated controller sets its EventIdx to the "
		"last value it read, so it asks for every MMIO doorbell once it has caught up, "
		"and reads the shadow values through DMA besides; force_dbbuf uses them anyway",
	},
};

/* True if the space-padded Identify field @field (of @len bytes) reads @text. */
static bool field_is(const char *field, size_t len, const char *text)
{
	size_t n = strlen(text);

	if (n > len || memcmp(field, text, n) != 0)
		return false;
	for (; n < len; n++)
		if (field[n] != ' ' && field[n] != '\0')
			return false;
	return true;
}

unsigned ctrl_quirks(const struct nvmu_ctrl *ctrl, const char **reason)
{
	for (size_t i = 0; i < sizeof(quirks) / sizeof(quirks[0]); i++)
		if (field_is(ctrl->id.mn, sizeof(ctrl->id.mn), quirks[i].model)) {
			*reason = quirks[i].reason;
			return quirks[i].flags;
		}
	*reason = "";
	return 0;
}
