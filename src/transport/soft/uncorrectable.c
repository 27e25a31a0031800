/* SPDX-License-Identifier: MIT */
/*
 * Write Uncorrectable (I/O 04h) marks blocks so that reading them fails with Unrecovered
 * Read Error until they are written again; Get LBA Status (admin 86h) reports the marked
 * ranges as potentially unrecoverable LBAs, as a controller reports the blocks it knows
 * are bad.
 */
#include <stdlib.h>
#include <string.h>

#include "soft.h"

#define ATYPE_SHIFT 24
#define RL_MASK 0xffffu
#define CMPC_MNDW 1  /* stopped: the descriptors filled MNDW dwords */
#define CMPC_RANGE 2 /* every block of the range (RL, or to the end) was examined */
#define LBA_STATUS_HDR 8

static bool overlaps(const struct soft_range *r, uint64_t slba, uint64_t nlb)
{
	return r->slba < slba + nlb && slba < r->slba + r->nlb;
}

bool soft_uncor_hit(const struct soft_ns *ns, uint64_t slba, uint64_t nlb)
{
	for (uint32_t i = 0; i < ns->nuncor; i++)
		if (overlaps(&ns->uncor[i], slba, nlb))
			return true;
	return false;
}

/* Add [slba, slba + nlb) as one range; false when the table is full. */
static bool add(struct soft_ns *ns, uint64_t slba, uint64_t nlb)
{
	if (ns->nuncor == SOFT_UNCOR_RANGES)
		return false;
	ns->uncor[ns->nuncor++] = (struct soft_range){ slba, nlb };
	return true;
}

void soft_uncor_clear(struct soft_ns *ns, uint64_t slba, uint64_t nlb)
{
	uint64_t end = slba + nlb;

	for (uint32_t i = 0; i < ns->nuncor;) {
		struct soft_range r = ns->uncor[i];

		if (!overlaps(&r, slba, nlb)) {
			i++;
			continue;
		}
		/* Remove it, then put back what lies outside the written blocks: at most two
		 * pieces, and the removal made room for one. With the table full, the piece
		 * after the write is forgotten (it reads without error). Pieces land at the
		 * end, outside the written blocks, so the loop does not meet them again. */
		ns->uncor[i] = ns->uncor[--ns->nuncor];
		if (r.slba < slba)
			add(ns, r.slba, slba - r.slba);
		if (r.slba + r.nlb > end)
			add(ns, end, r.slba + r.nlb - end);
	}
}

uint16_t soft_write_uncor(struct soft_ctrl *c, struct soft_cmd *cmd, struct soft_ns *ns)
{
	uint64_t slba = (uint64_t)cmd->sqe.cdw11 << 32 | cmd->sqe.cdw10;
	uint64_t nlb = (cmd->sqe.cdw12 & 0xffff) + 1ull, blocks = soft_ns_blocks(ns);

	(void)c;
	cmd->lba = slba;
	if (slba >= blocks || nlb > blocks - slba)
		return SOFT_GENERIC(NVME_SC_LBA_RANGE);
	soft_uncor_clear(ns, slba, nlb); /* no duplicates */
	if (!add(ns, slba, nlb))
		return SOFT_DNR(NVME_SCT_CMD_SPECIFIC, NVME_SC_CMD_SIZE_LIMIT_EXCEEDED);
	return 0;
}

static int by_slba(const void *a, const void *b)
{
	const struct soft_range *x = a, *y = b;

	return x->slba < y->slba ? -1 : x->slba > y->slba;
}

uint16_t soft_get_lba_status(struct soft_ctrl *c, struct soft_cmd *cmd)
{
	struct soft_ns *ns = soft_ns_get(c, cmd->sqe.nsid);
	uint64_t slba = (uint64_t)cmd->sqe.cdw11 << 32 | cmd->sqe.cdw10;
	size_t len = ((size_t)cmd->sqe.cdw12 + 1) * 4, max_desc;
	uint32_t rl = cmd->sqe.cdw13 & RL_MASK, atype = cmd->sqe.cdw13 >> ATYPE_SHIFT;
	_Alignas(16) uint8_t buf[LBA_STATUS_HDR + SOFT_UNCOR_RANGES * 16];
	struct nvme_lba_status *st = (struct nvme_lba_status *)buf;
	struct soft_range sorted[SOFT_UNCOR_RANGES];
	uint64_t end;
	uint32_t n = 0;
	bool full = false;

	if (!ns)
		return SOFT_GENERIC(NVME_SC_INVALID_NS);
	if (atype != NVME_LBA_STATUS_ATYPE_SCAN_UNTRACKED &&
	    atype != NVME_LBA_STATUS_ATYPE_SCAN_TRACKED)
		return SOFT_GENERIC(NVME_SC_INVALID_FIELD);
	if (slba >= soft_ns_blocks(ns))
		return SOFT_GENERIC(NVME_SC_LBA_RANGE);
	end = rl ? slba + rl : soft_ns_blocks(ns);
	max_desc = len < LBA_STATUS_HDR ? 0 : (len - LBA_STATUS_HDR) / 16;
	memset(buf, 0, sizeof(buf));
	memcpy(sorted, ns->uncor, ns->nuncor * sizeof(sorted[0]));
	qsort(sorted, ns->nuncor, sizeof(sorted[0]), by_slba);
	for (uint32_t i = 0; i < ns->nuncor && !full; i++) {
		if (!overlaps(&sorted[i], slba, end - slba))
			continue;
		if (n == max_desc) {
			full = true;
			break;
		}
		st->descs[n].dslba = sorted[i].slba;
		st->descs[n].nlb = (uint32_t)sorted[i].nlb;
		n++;
	}
	st->nlsd = n;
	st->cmpc = full ? CMPC_MNDW : CMPC_RANGE;
	if (len > sizeof(buf))
		len = sizeof(buf); /* the rest of the host's buffer is left as it is */
	return soft_data_out(c, cmd, buf, len);
}
