/* SPDX-License-Identifier: MIT */
/*
 * The submission fast path of a queue pair, inline so that the host API's common case
 * (one contiguous buffer, PRPs) compiles into a few dozen instructions with no call:
 * find a free tracker and SQ slot, fill PRP1/PRP2, write the command straight into its
 * slot, move the tail. Not a public interface: nvmu_qpair_try_submit_prp() is the
 * exported form.
 */
#ifndef NVMU_SRC_NVME_QPAIR_FAST_H
#define NVMU_SRC_NVME_QPAIR_FAST_H

#include "nvme_internal.h"

/* The SQ slot after @tail. */
static inline uint16_t sq_next(const struct nvmu_sq *sq, uint16_t tail)
{
	unsigned next = tail + 1u;

	if (__builtin_expect(next == sq->size, 0)) /* once per lap */
		next = 0;
	return (uint16_t)next;
}

/* True if the SQ has no free slot (a queue of N entries holds N-1). */
static inline bool sq_full(const struct nvmu_sq *sq)
{
	return sq_next(sq, sq->tail) == sq->head;
}

/* An SQE as eight little-endian 64-bit words (x86 and arm64 hosts), for whole-word stores. */
typedef uint64_t __attribute__((may_alias)) sqe_word;

/* Write a command @opcode with @cid, @nsid, PRP1/PRP2, CDW10-11 @slba and CDW12 @cdw12
 * into @sqe, every other field zero: in whole words where it can. */
static inline void sqe_store(struct nvmu_sqe *sqe, uint8_t opcode, uint16_t cid, uint32_t nsid,
			     uint64_t prp1, uint64_t prp2, uint64_t slba, uint32_t cdw12)
{
	sqe_word *w = (sqe_word *)sqe;

	sqe->opcode = opcode;
	sqe->flags = 0;
	sqe->cid = cid;
	sqe->nsid = nsid;
	w[1] = 0; /* CDW2, CDW3 */
	w[2] = 0; /* MPTR */
	w[3] = prp1;
	w[4] = prp2;
	w[5] = slba; /* CDW10, CDW11 */
	w[6] = cdw12; /* CDW13 zero */
	w[7] = 0; /* CDW14, CDW15 */
}

/* Where a new command goes: its free tracker, its SQ slot and the tail after it. */
struct fast_pos {
	struct nvmu_tracker *trk;
	uint16_t tail, next;
};

/*
 * Where a contiguous PRP transfer of @len bytes at @iova would go, with PRP1/PRP2 filled
 * in (a PRP list in the tracker's pages only when @lists): true, nothing taken yet; or
 * false - @prp1 and @prp2 unchanged, nothing taken - when the pair is halted or full, the
 * transfer empty or too long, or the address not one PRPs can take this way. The SQ slot
 * is looked at last: its tail and the one after it are the values kept for the shortest.
 */
static inline bool qpair_fast_place(const struct nvmu_qpair *qp, uint64_t iova, size_t len,
				    bool lists, struct fast_pos *pos, uint64_t *prp1,
				    uint64_t *prp2)
{
	const struct nvmu_sq *sq = &qp->sq;
	uint64_t p1, p2;

	pos->trk = qp->trk.free;
	if (qp->halted || len - 1 >= qp->max_transfer || !pos->trk ||
	    !prp_fill_contiguous(iova, len, qp->page_size, lists ? &pos->trk->prp : NULL, &p1,
				 &p2))
		return false;
	pos->tail = sq->tail;
	pos->next = sq_next(sq, pos->tail);
	if (pos->next == sq->head)
		return false;
	*prp1 = p1;
	*prp2 = p2;
	return true;
}

/* Bind a taken tracker to its callback and the pair's deadline. */
static inline void qpair_fast_bind(const struct nvmu_qpair *qp, struct nvmu_tracker *trk,
				   nvmu_cmd_cb cb, void *arg)
{
	trk->cb = cb;
	trk->arg = arg;
	trk->deadline = qp->deadline;
}

/* Take the tracker qpair_fast_place() found, bound to @cb/@arg. */
static inline struct nvmu_tracker *qpair_fast_take(struct nvmu_qpair *qp,
						   const struct fast_pos *pos, nvmu_cmd_cb cb,
						   void *arg)
{
	struct nvmu_tracker *trk = tracker_take(&qp->trk, pos->trk, qp->trk_busy);

	qpair_fast_bind(qp, trk, cb, arg);
	return trk;
}

/* The command of @trk is in SQ slot @tail: keep a copy when the pair reposts after
 * resets, move the tail to @next (the doorbell rings later, once per batch). */
static inline void qpair_fast_post(struct nvmu_qpair *qp, const struct nvmu_tracker *trk,
				   uint16_t tail, uint16_t next)
{
	if (qp->saved)
		qp->saved[tracker_index(&qp->trk, trk)] = qp->sq.ring[tail];
	qp->sq.tail = next;
	qp->stats.submitted++;
}

/*
 * Post an NVM command with data in one contiguous range - Read, Write, Compare - built
 * straight in its slot: @opcode on namespace @nsid at @slba, CDW12 @cdw12 (NLB and
 * flags), @len bytes at @iova (@lists: a PRP list page may be needed). Returns 0, or 1
 * with nothing done (see qpair_fast_place()).
 */
static inline int qpair_fast_rw(struct nvmu_qpair *qp, uint8_t opcode, uint32_t nsid,
				uint64_t slba, uint32_t cdw12, uint64_t iova, size_t len,
				nvmu_cmd_cb cb, void *arg, bool lists)
{
	struct fast_pos pos;
	uint64_t prp1, prp2;
	struct nvmu_tracker *trk;

	if (!qpair_fast_place(qp, iova, len, lists, &pos, &prp1, &prp2))
		return 1;
	trk = qpair_fast_take(qp, &pos, cb, arg);
	sqe_store(&qp->sq.ring[pos.tail], opcode, tracker_cid(trk), nsid, prp1, prp2, slba, cdw12);
	qpair_fast_post(qp, trk, pos.tail, pos.next);
	return 0;
}

#endif
