/* SPDX-License-Identifier: MIT */
/*
 * Firmware Image Download (admin 11h), Firmware Commit (10h) and the Firmware Slot
 * Information log (03h). Slot 1 holds the read-only factory image "0.1.0"; slots 2 and 3
 * take downloaded images. An image's revision is its first 8 bytes (bytes outside
 * printable ASCII shown as '?'), as the revision is part of a real image's header. The
 * download must come in order, without gaps or overlaps.
 */
#include <stdlib.h>
#include <string.h>

#include "soft.h"

#define FS_MASK 0x7u
#define CA_SHIFT 3
#define CA_MASK 0x7u
#define CA_REPLACE 0u
#define CA_REPLACE_ACTIVATE 1u   /* replace, activate at the next reset */
#define CA_ACTIVATE 2u           /* activate the slot at the next reset */
#define CA_REPLACE_ACTIVATE_NOW 3u
#define FACTORY_REVISION "0.1.0   "
#define AFI_NEXT_SHIFT 4

void soft_fw_init(struct soft_ctrl *c)
{
	memset(c->fw_rev, 0, sizeof(c->fw_rev));
	memcpy(c->fw_rev[0], FACTORY_REVISION, sizeof(c->fw_rev[0]));
	c->fw_active = 1;
	c->fw_next = 0;
}

void soft_fw_fini(struct soft_ctrl *c)
{
	free(c->fw_image);
	c->fw_image = NULL;
	c->fw_image_len = 0;
}

void soft_fw_reset(struct soft_ctrl *c)
{
	if (c->fw_next)
		c->fw_active = c->fw_next;
	c->fw_next = 0;
}

uint16_t soft_fw_download(struct soft_ctrl *c, struct soft_cmd *cmd)
{
	uint64_t len = ((uint64_t)cmd->sqe.cdw10 + 1) * 4, off = (uint64_t)cmd->sqe.cdw11 * 4;
	uint8_t *img;
	uint16_t st;

	if (off != c->fw_image_len && off != 0)
		return SOFT_SPECIFIC(NVME_SC_OVERLAPPING_RANGE);
	if (len > SOFT_FW_MAX_BYTES - off)
		return SOFT_GENERIC(NVME_SC_INVALID_FIELD);
	img = realloc(c->fw_image, off + len);
	if (!img)
		return SOFT_STATUS(NVME_SCT_GENERIC, NVME_SC_INTERNAL);
	c->fw_image = img;
	st = soft_data_in(c, cmd, img + off, len);
	if (st == 0)
		c->fw_image_len = off + len; /* offset 0 starts a new image */
	return st;
}

/* The downloaded image becomes slot @p slot's content. */
static void replace(struct soft_ctrl *c, uint8_t slot)
{
	char *rev = c->fw_rev[slot - 1];

	memset(rev, ' ', sizeof(c->fw_rev[0]));
	for (size_t i = 0; i < sizeof(c->fw_rev[0]) && i < c->fw_image_len; i++)
		rev[i] = c->fw_image[i] >= 0x20 && c->fw_image[i] < 0x7f ? (char)c->fw_image[i]
									 : '?';
	soft_fw_fini(c); /* a committed image is consumed */
}

uint16_t soft_fw_commit(struct soft_ctrl *c, struct soft_cmd *cmd)
{
	uint8_t slot = cmd->sqe.cdw10 & FS_MASK, ca = cmd->sqe.cdw10 >> CA_SHIFT & CA_MASK;
	bool replaces = ca == CA_REPLACE || ca == CA_REPLACE_ACTIVATE ||
			ca == CA_REPLACE_ACTIVATE_NOW;

	if (ca > CA_REPLACE_ACTIVATE_NOW)
		return SOFT_GENERIC(NVME_SC_INVALID_FIELD); /* no boot partitions */
	if (slot == 0) /* the controller chooses: a writable slot, or the active one */
		slot = replaces ? 2 : c->fw_active;
	if (slot > SOFT_FW_SLOTS || (replaces && slot == 1))
		return SOFT_SPECIFIC(NVME_SC_FIRMWARE_SLOT);
	if (replaces && !c->fw_image_len)
		return SOFT_SPECIFIC(NVME_SC_FIRMWARE_IMAGE);
	if (!replaces && !c->fw_rev[slot - 1][0])
		return SOFT_SPECIFIC(NVME_SC_FIRMWARE_IMAGE); /* nothing in that slot */
	if (replaces)
		replace(c, slot);
	if (ca == CA_REPLACE_ACTIVATE_NOW)
		c->fw_active = slot; /* FRMW: activation without a reset */
	else if (ca != CA_REPLACE)
		c->fw_next = slot;
	return 0;
}

size_t soft_fw_slot_log(struct soft_ctrl *c, uint8_t *buf)
{
	struct nvme_firmware_slot *f = (struct nvme_firmware_slot *)buf;

	f->afi = (uint8_t)(c->fw_active | c->fw_next << AFI_NEXT_SHIFT);
	for (unsigned i = 0; i < SOFT_FW_SLOTS; i++)
		memcpy(f->frs[i], c->fw_rev[i], sizeof(f->frs[i]));
	return sizeof(*f);
}
