/* SPDX-License-Identifier: MIT */
/*
 * Telemetry Host-Initiated (07h) and Controller-Initiated (08h) log pages. Asking for
 * the host-initiated page with "create" (LSP bit 0) takes a snapshot of the controller's
 * state in three 512-byte data areas - the SMART / Health log, the newest Error
 * Information entries, and the Device Self-test log - and counts a new generation. The
 * controller never starts a capture of its own, so its page says no data is available.
 */
#include <string.h>

#include "soft.h"

#define BLOCK NVME_LOG_TELEM_BLOCK_SIZE
#define LSP_CREATE 1u
#define IEEE_OUI 0x000000 /* no vendor-specific data format */

static void snapshot(struct soft_ctrl *c)
{
	uint8_t *area = c->telemetry + BLOCK, page[LOG_PAGE_BUF_BYTES];
	struct nvme_telemetry_log *h = (struct nvme_telemetry_log *)c->telemetry;
	uint8_t gen = (uint8_t)(h->hostdgn + 1);

	memset(c->telemetry, 0, sizeof(c->telemetry));
	h->lpi = NVME_LOG_LID_TELEMETRY_HOST;
	h->dalb1 = 1;
	h->dalb2 = 2;
	h->dalb3 = 3;
	h->hostdgn = gen;
	memset(page, 0, sizeof(page));
	soft_smart_log(c, page);
	memcpy(area, page, BLOCK);
	memset(page, 0, sizeof(page));
	soft_error_log(c, page);
	memcpy(area + BLOCK, page, BLOCK);
	memcpy(area + 2 * BLOCK, &c->self_test, BLOCK);
}

size_t soft_telemetry_log(struct soft_ctrl *c, uint8_t lid, uint8_t lsp, uint8_t *buf)
{
	struct nvme_telemetry_log *h = (struct nvme_telemetry_log *)buf;

	if (lid == NVME_LOG_LID_TELEMETRY_CTRL) {
		h->lpi = NVME_LOG_LID_TELEMETRY_CTRL;
		h->ctrlavail = 0; /* no controller-initiated data */
		return BLOCK;
	}
	if (lsp & LSP_CREATE)
		snapshot(c);
	memcpy(buf, c->telemetry, sizeof(c->telemetry));
	h->lpi = NVME_LOG_LID_TELEMETRY_HOST;
	return sizeof(c->telemetry);
}
