/* SPDX-License-Identifier: MIT */
/* NVM command set: Read, Write, Flush, Write Zeroes, Dataset Management, Compare, Verify,
 * Copy (Write Uncorrectable: uncorrectable.c; reservations: reservations.c; Read, Write
 * and Flush of namespaces in a file: file_io.c). */
#include <stdlib.h>
#include <string.h>

#include "soft.h"

#define NSID_ALL 0xffffffffu
#define DSM_MAX_RANGES 256
#define COPY_FORMAT_SHIFT 8
#define COPY_FORMAT_MASK 0xfu
#define SECTOR_SHIFT 9 /* SMART counts 512-byte units */

static bool moves_blocks(uint8_t opcode)
{
	return opcode == nvme_cmd_read || opcode == nvme_cmd_write || opcode == nvme_cmd_compare ||
	       opcode == nvme_cmd_verify || opcode == nvme_cmd_write_zeroes;
}

bool soft_cmd_lba_range(struct soft_ctrl *c, const struct soft_cmd *cmd, uint64_t *first,
			uint64_t *last)
{
	(void)c;
	if (cmd->sqid == 0 || !moves_blocks(cmd->sqe.opcode))
		return false;
	*first = (uint64_t)cmd->sqe.cdw11 << 32 | cmd->sqe.cdw10;
	*last = *first + (cmd->sqe.cdw12 & 0xffff);
	return true;
}

static bool in_range(const struct soft_ns *ns, uint64_t slba, uint64_t nlb)
{
	uint64_t blocks = soft_ns_blocks(ns);

	return slba < blocks && nlb <= blocks - slba;
}

/* Largest data transfer of one command (MDTS in units of CAP.MPSMIN pages); 0 = none. */
static uint64_t max_transfer(const struct soft_ctrl *c)
{
	if (c->o.mdts == 0)
		return 0;
	return (uint64_t)(4096u << NVME_CAP_MPSMIN(c->cap)) << c->o.mdts;
}

void soft_count_io(struct soft_ctrl *c, bool write, uint64_t bytes)
{
	if (write) {
		c->units_written += bytes >> SECTOR_SHIFT;
		c->host_writes++;
	} else {
		c->units_read += bytes >> SECTOR_SHIFT;
		c->host_reads++;
	}
}

/* Read, Write, Compare, Verify, Write Zeroes. */
static uint16_t blocks_cmd(struct soft_ctrl *c, struct soft_cmd *cmd, struct soft_ns *ns)
{
	uint64_t slba = 0, last = 0, nlb, bytes, limit = max_transfer(c);
	uint32_t shift = soft_ns_lba_shift(ns);
	uint8_t op = cmd->sqe.opcode;
	bool data = op == nvme_cmd_read || op == nvme_cmd_write || op == nvme_cmd_compare;
	uint8_t *p;
	uint16_t st;

	soft_cmd_lba_range(c, cmd, &slba, &last);
	nlb = last - slba + 1;
	cmd->lba = slba;
	if (!in_range(ns, slba, nlb))
		return SOFT_GENERIC(NVME_SC_LBA_RANGE);
	bytes = nlb << shift;
	if (data && limit && bytes > limit)
		return SOFT_GENERIC(NVME_SC_INVALID_FIELD);
	p = ns->data + (slba << shift);
	switch (op) {
	case nvme_cmd_read:
		if (soft_uncor_hit(ns, slba, nlb))
			return SOFT_DNR(NVME_SCT_MEDIA, NVME_SC_READ_ERROR);
		if (ns->file_backed) /* counted there, when done */
			return soft_file_rw(c, cmd, ns, slba, nlb, false, c->defer_ok);
		st = soft_data_out(c, cmd, p, bytes);
		break;
	case nvme_cmd_write:
		if (ns->file_backed)
			return soft_file_rw(c, cmd, ns, slba, nlb, true, c->defer_ok);
		st = soft_data_in(c, cmd, p, bytes);
		if (st == 0)
			soft_uncor_clear(ns, slba, nlb);
		break;
	case nvme_cmd_compare:
		st = soft_dptr_resolve(c, cmd, bytes);
		if (st == 0 && !soft_segs_equal(c, p, bytes))
			st = SOFT_DNR(NVME_SCT_MEDIA, NVME_SC_COMPARE_FAILED);
		break;
	case nvme_cmd_write_zeroes:
		soft_ns_zero(ns, slba << shift, bytes);
		soft_uncor_clear(ns, slba, nlb);
		st = 0;
		break;
	default: /* verify: RAM holds no errors to find */
		st = 0;
		break;
	}
	if (st == 0 && data)
		soft_count_io(c, op == nvme_cmd_write, bytes);
	return st;
}

static uint16_t dataset_mgmt(struct soft_ctrl *c, struct soft_cmd *cmd, struct soft_ns *ns)
{
	struct nvme_dsm_range r[DSM_MAX_RANGES];
	uint32_t n = (cmd->sqe.cdw10 & 0xff) + 1u, shift = soft_ns_lba_shift(ns);
	uint16_t st = soft_data_in(c, cmd, r, n * sizeof(r[0]));

	if (st)
		return st;
	if (!(cmd->sqe.cdw11 & NVME_DSMGMT_AD))
		return 0; /* hints only */
	for (uint32_t i = 0; i < n; i++) {
		if (!in_range(ns, r[i].slba, r[i].nlb)) {
			cmd->lba = r[i].slba;
			return SOFT_GENERIC(NVME_SC_LBA_RANGE);
		}
	}
	for (uint32_t i = 0; i < n; i++) /* deallocated blocks read zeroes (DLFEAT) */
		soft_ns_zero(ns, r[i].slba << shift, (uint64_t)r[i].nlb << shift);
	return 0;
}

/* Copy (descriptor format 0): the ranges, in order, to consecutive blocks from SDLBA. */
static uint16_t copy_cmd(struct soft_ctrl *c, struct soft_cmd *cmd, struct soft_ns *ns)
{
	struct nvme_copy_range r[SOFT_COPY_MAX_RANGES];
	uint32_t n = (cmd->sqe.cdw12 & 0xff) + 1u, shift = soft_ns_lba_shift(ns);
	uint64_t sdlba = (uint64_t)cmd->sqe.cdw11 << 32 | cmd->sqe.cdw10, total = 0;
	uint8_t *tmp, *p;
	uint16_t st;

	cmd->lba = sdlba;
	if ((cmd->sqe.cdw12 >> COPY_FORMAT_SHIFT & COPY_FORMAT_MASK) != 0)
		return SOFT_GENERIC(NVME_SC_INVALID_FIELD);
	if (n > SOFT_COPY_MAX_RANGES)
		return SOFT_DNR(NVME_SCT_CMD_SPECIFIC, NVME_SC_CMD_SIZE_LIMIT_EXCEEDED);
	if ((st = soft_data_in(c, cmd, r, n * sizeof(r[0]))) != 0)
		return st;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t nlb = (uint64_t)r[i].nlb + 1;

		if (nlb > SOFT_COPY_MAX_RANGE_BLOCKS)
			return SOFT_DNR(NVME_SCT_CMD_SPECIFIC, NVME_SC_CMD_SIZE_LIMIT_EXCEEDED);
		if (!in_range(ns, r[i].slba, nlb))
			return SOFT_GENERIC(NVME_SC_LBA_RANGE);
		total += nlb;
	}
	if (total > SOFT_COPY_MAX_BLOCKS)
		return SOFT_DNR(NVME_SCT_CMD_SPECIFIC, NVME_SC_CMD_SIZE_LIMIT_EXCEEDED);
	if (!in_range(ns, sdlba, total))
		return SOFT_GENERIC(NVME_SC_LBA_RANGE);
	tmp = malloc(total << shift); /* sources may overlap the destination */
	if (!tmp)
		return SOFT_STATUS(NVME_SCT_GENERIC, NVME_SC_INTERNAL);
	p = tmp;
	for (uint32_t i = 0; i < n; i++) {
		size_t len = ((size_t)r[i].nlb + 1) << shift;

		memcpy(p, ns->data + (r[i].slba << shift), len);
		p += len;
	}
	memcpy(ns->data + (sdlba << shift), tmp, total << shift);
	free(tmp);
	return 0;
}

uint16_t soft_io_exec(struct soft_ctrl *c, struct soft_cmd *cmd)
{
	struct soft_ns *ns = soft_ns_get(c, cmd->sqe.nsid);
	uint8_t op = cmd->sqe.opcode;

	if (op == nvme_cmd_flush) /* a file's data is made durable; RAM has nothing to do */
		return ns || cmd->sqe.nsid == NSID_ALL ? soft_file_flush(c, cmd, c->defer_ok)
						       : SOFT_GENERIC(NVME_SC_INVALID_NS);
	bool resv = op == nvme_cmd_resv_register || op == nvme_cmd_resv_report ||
		    op == nvme_cmd_resv_acquire || op == nvme_cmd_resv_release;

	if (op != nvme_cmd_dsm && op != nvme_cmd_copy && op != nvme_cmd_write_uncor && !resv &&
	    !moves_blocks(op))
		return SOFT_GENERIC(NVME_SC_INVALID_OPCODE);
	if (!ns)
		return SOFT_GENERIC(NVME_SC_INVALID_NS);
	if (op == nvme_cmd_dsm)
		return dataset_mgmt(c, cmd, ns);
	if (op == nvme_cmd_copy)
		return copy_cmd(c, cmd, ns);
	if (op == nvme_cmd_write_uncor)
		return soft_write_uncor(c, cmd, ns);
	if (resv)
		return soft_reservation(c, cmd, ns);
	return blocks_cmd(c, cmd, ns);
}
