/* SPDX-License-Identifier: MIT */
/*
 * The submission fast path of a queue pair, inline so that the host API's common case
 * (one contiguous buffer, PRPs) compiles into a few dozen instructions with no call:
 * take a tracker, fill PRP1/PRP2, write the command straight into its SQ slot, move the
 * tail. Not a public interface: nvmu_qpair_try_submit_prp() is the exported form.
 */
#ifndef NVMU_SRC_NVME_QPAIR_FAST_H
#define NVMU_SRC_NVME_QPAIR_FAST_H

#include "nvme_internal.h"

/* True if the SQ has no free slot (a queue of N entries holds N-1). */
static inline bool sq_full(const struct nvmu_sq *sq)
{
	return (uint16_t)(sq->tail + 1 == sq->size ? 0 : sq->tail + 1) == sq->head;
}

/*
 * The tracker a contiguous PRP transfer of @len bytes at @iova would use, with PRP1/PRP2
 * filled in (its list page too, when it needs one), or NULL - nothing taken - when the
 * pair is halted or full, the transfer too long, or the address not one PRPs can take.
 */
static inline struct nvmu_tracker *qpair_fast_tracker(struct nvmu_qpair *qp, uint64_t iova,
						      size_t len, uint64_t *prp1, uint64_t *prp2)
{
	struct tracker_table *tt = &qp->trk;
	struct nvmu_tracker *trk;

	if (qp->halted || len > qp->max_transfer || tt->free_head == TRACKER_NONE ||
	    sq_full(&qp->sq))
		return NULL;
	trk = &tt->t[tt->free_head];
	if (!prp_fill_contiguous(iova, len, qp->page_size, &trk->prp, prp1, prp2))
		return NULL;
	return tracker_get(tt);
}

/* Bind @trk to its callback and deadline; the SQ slot it goes into (the tail). */
static inline struct nvmu_sqe *qpair_fast_slot(struct nvmu_qpair *qp, struct nvmu_tracker *trk,
					       nvmu_cmd_cb cb, void *arg)
{
	trk->cb = cb;
	trk->arg = arg;
	trk->flags = qp->trk_flags;
	trk->deadline = qp->now_ms + qp->timeout_ms;
	trk->slot = qp->sq.tail;
	return &qp->sq.ring[qp->sq.tail];
}

/* The command is in its slot: keep a copy when the pair reposts after resets, move the
 * tail (the doorbell rings later, once per batch). */
static inline void qpair_fast_post(struct nvmu_qpair *qp, struct nvmu_tracker *trk)
{
	struct nvmu_sq *sq = &qp->sq;

	if (qp->saved)
		qp->saved[tracker_index(&qp->trk, trk)] = sq->ring[sq->tail];
	sq->tail = (uint16_t)(sq->tail + 1 == sq->size ? 0 : sq->tail + 1);
	qp->stats.submitted++;
}

/*
 * Post an NVM command with data in one contiguous range - Read, Write, Compare - built
 * straight in its slot: @opcode on namespace @nsid at @slba, CDW12 @cdw12 (NLB and
 * flags), @len bytes at @iova. Returns 0, or 1 with nothing done (see
 * qpair_fast_tracker()).
 */
static inline int qpair_fast_rw(struct nvmu_qpair *qp, uint8_t opcode, uint32_t nsid,
				uint64_t slba, uint32_t cdw12, uint64_t iova, size_t len,
				nvmu_cmd_cb cb, void *arg)
{
	uint64_t prp1, prp2;
	struct nvmu_tracker *trk = qpair_fast_tracker(qp, iova, len, &prp1, &prp2);
	struct nvmu_sqe *sqe;

	if (!trk)
		return 1;
	sqe = qpair_fast_slot(qp, trk, cb, arg);
	*sqe = (struct nvmu_sqe){ .opcode = opcode, .cid = tracker_cid(trk), .nsid = nsid,
				  .prp1 = prp1, .prp2 = prp2, .cdw10 = (uint32_t)slba,
				  .cdw11 = (uint32_t)(slba >> 32), .cdw12 = cdw12 };
	qpair_fast_post(qp, trk);
	return 0;
}

#endif
