/* SPDX-License-Identifier: MIT */
/*
 * The submission fast path of a queue pair, inline so that the host API's common case
 * (one contiguous buffer, PRPs) compiles into a few dozen instructions with no call:
 * take a free tracker, fill PRP1/PRP2, write the command straight into the SQ slot at
 * the tail, move the tail. Not a public interface: nvmu_qpair_try_submit_prp() is the
 * exported form.
 *
 * It does not look at the SQ head: a free tracker implies a free SQ slot. A pair has at
 * most min(entries - 1, NVMU_MAX_TRACKERS) trackers, and every slot the device has not
 * fetched yet holds the command of a tracker still taken. A tracker is freed when its
 * command completes (a device fetches a command before it completes it) or when the
 * driver ends it, which it does only where the device no longer fetches from the queue:
 * removed (the pair stays halted), the pair deleted, or reset (the rings restart empty
 * and each command posted again keeps its tracker). So while a tracker is free at most
 * entries - 2 slots are unfetched, and the slot at the tail is not one of them, whatever
 * SQ head the completions reported (Linux and SPDK size their queues the same way). The
 * general path (take_tracker()) and the retry of a failed command keep the SQ-full
 * test as a second guard.
 */
#ifndef NVMU_SRC_NVME_QPAIR_FAST_H
#define NVMU_SRC_NVME_QPAIR_FAST_H

#include "nvme_internal.h"

/* The SQ slot after @tail. */
static inline uint16_t sq_next(const struct nvmu_sq *sq, uint16_t tail)
{
	unsigned next = tail + 1u;

	if (__builtin_expect(next == sq->size, 0)) { /* once per lap */
		next = 0;
		__asm__ volatile(""); /* a branch, not a conditional move */
	}
	return (uint16_t)next;
}

/* True if the SQ has no free slot (a queue of N entries holds N-1). */
static inline bool sq_full(const struct nvmu_sq *sq)
{
	return sq_next(sq, sq->tail) == sq->head;
}

/* An SQE as eight little-endian 64-bit words (x86 and arm64 hosts), for whole-word stores. */
typedef uint64_t __attribute__((may_alias)) sqe_word;

/* Write a command @opcode with @cid, @nsid, PRP1/PRP2, CDW10-11 @slba and CDW12-13 @cdw12
 * into @sqe, every other field zero: in whole words where it can. */
static inline void sqe_store(struct nvmu_sqe *sqe, uint8_t opcode, uint16_t cid, uint32_t nsid,
			     uint64_t prp1, uint64_t prp2, uint64_t slba, uint64_t cdw12)
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
	w[6] = cdw12; /* CDW12, CDW13 */
	w[7] = 0; /* CDW14, CDW15 */
}

/* Bind a tracker to its callback and the pair's deadline. */
static inline void qpair_fast_bind(const struct nvmu_qpair *qp, struct nvmu_tracker *trk,
				   nvmu_cmd_cb cb, void *arg)
{
	trk->cb = cb;
	trk->arg = arg;
	trk->deadline = qp->deadline;
}

/* The command of @trk is in SQ slot @tail: keep a copy when the pair reposts (@saved: it
 * may; false when its hold word is 0), move the tail to @next (the doorbell rings later,
 * once per batch). */
static inline void qpair_fast_post(struct nvmu_qpair *qp, const struct nvmu_tracker *trk,
				   uint16_t tail, uint16_t next, bool saved)
{
	if (saved && qp->saved)
		qp->saved[tracker_index(&qp->trk, trk)] = qp->sq.ring[tail];
	qp->sq.tail = next;
	qp->stats.submitted++;
}

/*
 * The free tracker a contiguous PRP transfer of @len bytes at @iova would take, with
 * PRP1/PRP2 filled in (a PRP list in the tracker's pages only when @lists); or NULL, with
 * @prp1 and @prp2 unchanged, when the pair is halted or has no free tracker, the
 * transfer is empty or too long, or the address not one PRPs can take this way.
 */
static inline struct nvmu_tracker *qpair_fast_place(const struct nvmu_qpair *qp, uint64_t iova,
						    size_t len, bool lists, uint64_t *prp1,
						    uint64_t *prp2)
{
	struct nvmu_tracker *trk = qp->trk.free;

	if (qpair_halted(qp) || len - 1 >= qp->max_transfer || !trk ||
	    !prp_fill_contiguous(iova, len, qp->page_size, lists ? &trk->prp : NULL, prp1, prp2))
		return NULL;
	return trk;
}

/*
 * Post through @trk, the free list's head, an NVM command with data in one contiguous
 * range - Read, Write, Compare - built straight in the SQ slot at the tail: @opcode on
 * namespace @nsid at @slba, CDW12-13 @cdw12 (NLB and flags), data pointer @prp1/@prp2
 * (@saved as for qpair_fast_post()).
 */
static inline void qpair_fast_write(struct nvmu_qpair *qp, struct nvmu_tracker *trk,
				    uint8_t opcode, uint32_t nsid, uint64_t slba, uint64_t cdw12,
				    uint64_t prp1, uint64_t prp2, nvmu_cmd_cb cb, void *arg,
				    bool saved)
{
	uint16_t tail = qp->sq.tail, next = sq_next(&qp->sq, tail); /* before the stores */

	tracker_take(&qp->trk, trk, qp->trk_busy);
	qpair_fast_bind(qp, trk, cb, arg);
	sqe_store(&qp->sq.ring[tail], opcode, tracker_cid(trk), nsid, prp1, prp2, slba, cdw12);
	qpair_fast_post(qp, trk, tail, next, saved);
}

/* qpair_fast_write() of @len bytes at @iova where qpair_fast_place() finds room: 0, or 1
 * with nothing done. */
static inline int qpair_fast_rw(struct nvmu_qpair *qp, uint8_t opcode, uint32_t nsid,
				uint64_t slba, uint64_t cdw12, uint64_t iova, size_t len,
				nvmu_cmd_cb cb, void *arg, bool lists)
{
	uint64_t prp1, prp2;
	struct nvmu_tracker *trk = qpair_fast_place(qp, iova, len, lists, &prp1, &prp2);

	if (!trk)
		return 1;
	qpair_fast_write(qp, trk, opcode, nsid, slba, cdw12, prp1, prp2, cb, arg, true);
	return 0;
}

/*
 * The host API's first try, in steps so that the caller can check its own conditions
 * between them while it still may go elsewhere. First: true if @qp takes a command as it
 * is, nothing in its hold word and a tracker free. (The hold word comes first: a load
 * made before its acquire would be made again after it.)
 */
static inline bool qpair_fast_open(const struct nvmu_qpair *qp)
{
	return qpair_hold(qp) == 0 && qp->trk.free;
}

/* Then: true if PRP1/PRP2 take @len bytes (1 to the pair's maximum transfer, which the
 * caller checked) at @iova - a dword-aligned address and two pages at most - with their
 * PRP2 in @prp2 (PRP1 is @iova). */
static inline bool qpair_fast_prps(const struct nvmu_qpair *qp, uint64_t iova, size_t len,
				   uint64_t *prp2)
{
	uint64_t end = (iova & qp->page_mask) + len; /* from the first page's start */

	if (iova & 3)
		return false;
	*prp2 = 0;
	if (__builtin_expect(end > qp->page_size, 0)) {
		if (end > 2 * qp->page_size)
			return false;
		*prp2 = (iova & ~qp->page_mask) + qp->page_size;
	}
	return true;
}

/* Post what qpair_fast_open() and qpair_fast_prps() accepted (arguments as for
 * qpair_fast_write()). */
static inline void qpair_fast_rw_ready(struct nvmu_qpair *qp, uint8_t opcode, uint32_t nsid,
				       uint64_t slba, uint64_t cdw12, uint64_t iova, uint64_t prp2,
				       nvmu_cmd_cb cb, void *arg)
{
	qpair_fast_write(qp, qp->trk.free, opcode, nsid, slba, cdw12, iova, prp2, cb, arg, false);
}

#endif
