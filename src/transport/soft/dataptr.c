/* SPDX-License-Identifier: MIT */
/*
 * A command's data pointer (PRP1/PRP2 with PRP lists, or an SGL of data block, segment and
 * last segment descriptors) resolved through the DMA table into host memory segments.
 * Every malformed pointer or unmapped address is a violation and an error status.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sgl.h"
#include "soft.h"

#define SGL_MAX_SEGMENTS 1024 /* segment descriptors followed before giving up */

static uint16_t push(struct soft_ctrl *c, uint8_t *ptr, size_t len)
{
	if (c->nsegs == c->segs_cap) {
		size_t cap = c->segs_cap ? c->segs_cap * 2 : 64;
		struct soft_seg *s = realloc(c->segs, cap * sizeof(*s));

		if (!s)
			return SOFT_STATUS(NVME_SCT_GENERIC, NVME_SC_INTERNAL);
		c->segs = s;
		c->segs_cap = cap;
	}
	c->segs[c->nsegs++] = (struct soft_seg){ .ptr = ptr, .len = len };
	return 0;
}

/* Host memory of data at [addr, addr+len), as one more segment. */
static uint16_t data_at(struct soft_ctrl *c, const struct soft_cmd *cmd, uint64_t addr, size_t len)
{
	uint8_t *p = soft_dma_lookup(c, addr, len);

	if (!p) {
		soft_violation(c, NVMU_SOFT_V_UNMAPPED_DATA, "SQ %u CID %#x opcode %#x: data at "
			       "%#llx+%zu is not mapped", cmd->sqid, cmd->sqe.cid, cmd->sqe.opcode,
			       (unsigned long long)addr, len);
		return SOFT_GENERIC(NVME_SC_DATA_XFER_ERROR);
	}
	return push(c, p, len);
}

/* A descriptor list (PRP list page, SGL segment) at [addr, addr+len), or NULL (counted). */
static const uint8_t *list_at(struct soft_ctrl *c, const struct soft_cmd *cmd, uint64_t addr,
			      size_t len, const char *what)
{
	const uint8_t *p = soft_dma_lookup(c, addr, len);

	if (!p)
		soft_violation(c, NVMU_SOFT_V_UNMAPPED_DATA,
			       "SQ %u CID %#x: %s at %#llx+%zu is not mapped", cmd->sqid,
			       cmd->sqe.cid, what, (unsigned long long)addr, len);
	return p;
}

static uint16_t bad_prp(struct soft_ctrl *c, const struct soft_cmd *cmd, const char *what,
			uint64_t value)
{
	soft_violation(c, NVMU_SOFT_V_PRP, "SQ %u CID %#x opcode %#x: %s (%#llx)", cmd->sqid,
		       cmd->sqe.cid, cmd->sqe.opcode, what, (unsigned long long)value);
	return SOFT_GENERIC(NVME_SC_PRP_INVALID_OFFSET);
}

/* The entries of PRP lists from @list on, for the @left bytes after PRP1. */
static uint16_t prp_list(struct soft_ctrl *c, const struct soft_cmd *cmd, uint64_t list,
			 size_t left)
{
	uint32_t ps = c->page_size;
	uint64_t hops = left / ps + 2;

	for (;;) {
		size_t n = (ps - (list & (ps - 1))) / 8;
		const uint8_t *page;

		if (list & 7)
			return bad_prp(c, cmd, "PRP list pointer not 8-byte aligned", list);
		if (hops-- == 0)
			return bad_prp(c, cmd, "PRP list chain does not end", list);
		page = list_at(c, cmd, list, n * 8, "PRP list");
		if (!page)
			return SOFT_GENERIC(NVME_SC_DATA_XFER_ERROR);
		for (size_t i = 0; i < n; i++) {
			uint64_t e;
			size_t chunk = left < ps ? left : ps;
			uint16_t st;

			memcpy(&e, page + i * 8, 8);
			if (i == n - 1 && left > ps) { /* last slot, more than a page left: chain */
				list = e;
				break;
			}
			if (e & (ps - 1))
				return bad_prp(c, cmd, "PRP entry not page aligned", e);
			if ((st = data_at(c, cmd, e, chunk)) != 0)
				return st;
			left -= chunk;
			if (left == 0)
				return 0;
		}
	}
}

static uint16_t prp_resolve(struct soft_ctrl *c, const struct soft_cmd *cmd, size_t len)
{
	uint64_t prp1 = cmd->sqe.prp1, prp2 = cmd->sqe.prp2;
	uint32_t ps = c->page_size;
	size_t first = ps - (prp1 & (ps - 1));
	uint16_t st;

	if (prp1 & 3)
		return bad_prp(c, cmd, "PRP1 not 4-byte aligned", prp1);
	if (first > len)
		first = len;
	if ((st = data_at(c, cmd, prp1, first)) != 0 || first == len)
		return st;
	if (len - first <= ps) {
		if (prp2 & (ps - 1))
			return bad_prp(c, cmd, "PRP2 (a data page) not page aligned", prp2);
		return data_at(c, cmd, prp2, len - first);
	}
	return prp_list(c, cmd, prp2, len - first);
}

static uint16_t bad_sgl(struct soft_ctrl *c, const struct soft_cmd *cmd, uint8_t sc,
			const char *what)
{
	soft_violation(c, NVMU_SOFT_V_SGL, "SQ %u CID %#x opcode %#x: %s", cmd->sqid, cmd->sqe.cid,
		       cmd->sqe.opcode, what);
	return SOFT_GENERIC(sc);
}

/* A data block descriptor: @left bytes still to describe. */
static uint16_t sgl_data(struct soft_ctrl *c, const struct soft_cmd *cmd,
			 const struct soft_sgl_desc *d, size_t *left)
{
	uint16_t st;

	if ((d->type & 0xf) != 0)
		return bad_sgl(c, cmd, NVME_SC_SGL_INVALID_TYPE,
			       "SGL data block sub type is not 0");
	if (d->len > *left)
		return bad_sgl(c, cmd, NVME_SC_SGL_INVALID_DATA,
			       "SGL describes more data than the command transfers");
	if (d->len && (st = data_at(c, cmd, d->addr, d->len)) != 0)
		return st;
	*left -= d->len;
	return 0;
}

/* Walk segments from descriptor @d (a segment or last segment descriptor). */
static uint16_t sgl_segments(struct soft_ctrl *c, const struct soft_cmd *cmd,
			     struct soft_sgl_desc d, size_t *left)
{
	for (unsigned hops = 0; hops < SGL_MAX_SEGMENTS; hops++) {
		bool last = (d.type >> 4) == SOFT_SGL_LAST_SEGMENT;
		size_t k = d.len / sizeof(d);
		const uint8_t *list;
		bool chained = false;

		if ((d.type & 0xf) != 0)
			return bad_sgl(c, cmd, NVME_SC_SGL_INVALID_TYPE,
				       "SGL segment sub type is not 0");
		if (d.len == 0 || d.len % sizeof(d))
			return bad_sgl(c, cmd, NVME_SC_SGL_INVALID_COUNT,
				       "SGL segment length is not a non-zero multiple of 16");
		list = list_at(c, cmd, d.addr, d.len, "SGL segment");
		if (!list)
			return SOFT_GENERIC(NVME_SC_DATA_XFER_ERROR);
		for (size_t i = 0; i < k && !chained; i++) {
			struct soft_sgl_desc e;
			unsigned type;
			uint16_t st;

			memcpy(&e, list + i * sizeof(e), sizeof(e));
			type = e.type >> 4;
			if (type == SOFT_SGL_DATA_BLOCK) {
				if ((st = sgl_data(c, cmd, &e, left)) != 0)
					return st;
			} else if (type == SOFT_SGL_SEGMENT || type == SOFT_SGL_LAST_SEGMENT) {
				if (last || i != k - 1)
					return bad_sgl(c, cmd, NVME_SC_SGL_INVALID_LAST,
						       "SGL segment descriptor inside a last "
						       "segment or not at the end of its "
						       "segment");
				d = e;
				chained = true;
			} else {
				return bad_sgl(c, cmd, NVME_SC_SGL_INVALID_TYPE,
					       "SGL descriptor type not supported");
			}
		}
		if (!chained) {
			if (!last)
				return bad_sgl(c, cmd, NVME_SC_SGL_INVALID_LAST,
					       "SGL segment ends without a next segment "
					       "descriptor");
			return 0;
		}
	}
	return bad_sgl(c, cmd, NVME_SC_SGL_INVALID_COUNT, "SGL segment chain does not end");
}

static uint16_t sgl_resolve(struct soft_ctrl *c, const struct soft_cmd *cmd, size_t len)
{
	struct soft_sgl_desc d;
	size_t left = len;
	uint16_t st;

	memcpy(&d, &cmd->sqe.prp1, sizeof(d));
	switch (d.type >> 4) {
	case SOFT_SGL_DATA_BLOCK: st = sgl_data(c, cmd, &d, &left); break;
	case SOFT_SGL_SEGMENT:
	case SOFT_SGL_LAST_SEGMENT: st = sgl_segments(c, cmd, d, &left); break;
	default:
		return bad_sgl(c, cmd, NVME_SC_SGL_INVALID_TYPE,
			       "SGL descriptor type not supported");
	}
	if (st == 0 && left)
		return bad_sgl(c, cmd, NVME_SC_SGL_INVALID_DATA,
			       "SGL describes less data than the command transfers");
	return st;
}

uint16_t soft_dptr_resolve(struct soft_ctrl *c, const struct soft_cmd *cmd, size_t len)
{
	unsigned psdt = SOFT_PSDT(cmd->sqe.flags);

	c->nsegs = 0;
	if (len == 0)
		return 0;
	if (psdt == 0)
		return prp_resolve(c, cmd, len);
	if (psdt == 3)
		return bad_sgl(c, cmd, NVME_SC_INVALID_FIELD, "PSDT 3 is reserved");
	if (cmd->sqid == 0)
		return bad_sgl(c, cmd, NVME_SC_INVALID_FIELD, "SGL on an admin command");
	if (!c->o.sgl)
		return bad_sgl(c, cmd, NVME_SC_INVALID_FIELD, "SGL but the controller offers none "
			       "(option sgl=1)");
	return sgl_resolve(c, cmd, len);
}

enum seg_op { SEG_TO_HOST, SEG_FROM_HOST, SEG_COMPARE };

/* Apply @op between the resolved host segments and @len bytes at @buf; false on a
 * mismatch (SEG_COMPARE). */
static bool segs_walk(struct soft_ctrl *c, enum seg_op op, uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < c->nsegs && len; i++) {
		size_t n = c->segs[i].len < len ? c->segs[i].len : len;

		if (op == SEG_TO_HOST)
			memcpy(c->segs[i].ptr, buf, n);
		else if (op == SEG_FROM_HOST)
			memcpy(buf, c->segs[i].ptr, n);
		else if (memcmp(c->segs[i].ptr, buf, n) != 0)
			return false;
		buf += n;
		len -= n;
	}
	return true;
}

void soft_segs_to_host(struct soft_ctrl *c, const void *src, size_t len)
{
	segs_walk(c, SEG_TO_HOST, (uint8_t *)(uintptr_t)src, len);
}

void soft_segs_from_host(struct soft_ctrl *c, void *dst, size_t len)
{
	segs_walk(c, SEG_FROM_HOST, dst, len);
}

bool soft_segs_equal(struct soft_ctrl *c, const void *ref, size_t len)
{
	return segs_walk(c, SEG_COMPARE, (uint8_t *)(uintptr_t)ref, len);
}

uint16_t soft_data_out(struct soft_ctrl *c, const struct soft_cmd *cmd, const void *src,
		       size_t len)
{
	uint16_t st = soft_dptr_resolve(c, cmd, len);

	if (st == 0)
		soft_segs_to_host(c, src, len);
	return st;
}

uint16_t soft_data_in(struct soft_ctrl *c, const struct soft_cmd *cmd, void *dst, size_t len)
{
	uint16_t st = soft_dptr_resolve(c, cmd, len);

	if (st == 0)
		soft_segs_from_host(c, dst, len);
	return st;
}
