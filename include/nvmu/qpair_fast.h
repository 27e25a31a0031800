/* SPDX-License-Identifier: MIT */
/**
 * @file qpair_fast.h
 * @brief The inline submission fast path of an I/O queue pair, for layers built on the
 *        core that post commands at the highest rate (the host API is one).
 *
 * A read or write of one buffer of at most two memory pages is posted in a few dozen
 * instructions with no call: take the free tracker at the head of the pair's free list,
 * build the command straight in the submission queue slot at the tail, move the tail.
 * For that the layout of a queue pair is visible here. Its fields belong to the core:
 * a layer above reads and changes them only through the functions of this file, and the
 * core's own submission paths (nvme.h) go through the same functions.
 *
 * The fast path does not look at the SQ head: a free tracker implies a free SQ slot. A
 * pair has at most min(entries - 1, NVMU_MAX_TRACKERS) trackers, and every slot the
 * device has not fetched yet holds the command of a tracker still taken. A tracker is
 * freed when its command completes (a device fetches a command before it completes it)
 * or when the driver ends it, which it does only where the device no longer fetches from
 * the queue: removed (the pair stays halted), the pair deleted, or reset (the rings
 * restart empty and each command posted again keeps its tracker). So while a tracker is
 * free at most entries - 2 slots are unfetched, and the slot at the tail is not one of
 * them, whatever SQ head the completions reported. Linux and SPDK size their queues the
 * same way.
 *
 * Threads: like every queue pair function, these run on the thread that owns the pair.
 * Only the hold word may be changed from another thread.
 */
#ifndef NVMU_QPAIR_FAST_H
#define NVMU_QPAIR_FAST_H

#include <stdbool.h>
#include <stdint.h>

#include "nvmu/dptr.h"
#include "nvmu/nvme.h"
#include "nvmu/queue.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Commands one queue pair keeps in flight at most, whatever the size of its SQ. The CID
 * then keeps 6 bits of generation, so that a late or duplicate completion is caught even
 * when the same tracker is reused at once.
 */
#define NVMU_MAX_TRACKERS 1024

/** What the core knows of one command in flight: its callback, deadline and PRP pages. */
struct nvmu_tracker {
	nvmu_cmd_cb cb;
	void *arg;
	union {
		/* The fields below as one word, so that taking or releasing a tracker is one
		 * store (a little-endian host, as the whole driver assumes). */
		uint64_t word;
		struct {
			uint32_t live_cid; /**< the CID it accepts a completion for; a bit above
						the 16 of a CID is set while it accepts none */
			uint8_t state;     /**< free, busy or abandoned (the core's) */
			uint8_t flags;     /**< recovery flags (the core's) */
			uint8_t retries;   /**< reposts so far */
			uint8_t spare;
		};
	};
	uint32_t deadline;   /**< in the pair's coarse milliseconds */
	uint16_t end_status; /**< status of a completion the driver makes itself */
	struct nvmu_tracker *next_free;
	struct nvmu_prp_pages prp; /**< this tracker's pre-mapped PRP list pages */
};

/** The trackers of one queue pair and their free list. */
struct nvmu_tracker_table {
	struct nvmu_tracker *t;    /**< 2^idx_bits slots; those from n on are never used */
	struct nvmu_tracker *free; /**< first free tracker, NULL when none */
	uint16_t n;                /**< trackers handed out: indexes 0..n-1 */
	uint8_t idx_bits;          /**< CID bits holding the index; the rest a generation */
	uint32_t idx_mask;
	uint32_t gen_step;         /**< 1 << idx_bits: one generation */
};

/**
 * Take @p trk, the head of the free list: it accepts its CID from now on, with the state
 * and flags of @p busy (the pair's word for a new command).
 */
static inline struct nvmu_tracker *nvmu_tracker_take(struct nvmu_tracker_table *tt,
						     struct nvmu_tracker *trk, uint64_t busy)
{
	tt->free = trk->next_free;
	trk->word = (uint16_t)trk->live_cid | busy;
	return trk;
}

/** The CID that names @p trk in its current generation. */
static inline uint16_t nvmu_tracker_cid(const struct nvmu_tracker *trk)
{
	return (uint16_t)trk->live_cid;
}

/** The index of @p trk in its table. */
static inline uint16_t nvmu_tracker_index(const struct nvmu_tracker_table *tt,
					  const struct nvmu_tracker *trk)
{
	return (uint16_t)(trk->live_cid & tt->idx_mask);
}

/**
 * Why a queue pair's new commands leave the fast path: bits of its hold word, which the
 * fast path tests with one load. Bits from NVMU_QPAIR_HOLD_OWNER up belong to the layer
 * that owns the pair, for reasons of its own (the host API holds a pair during a pause
 * for a reset, and while requests wait for a slot, so that order is kept).
 */
enum nvmu_qpair_hold_bits {
	NVMU_QPAIR_HOLD_HALTED = 1u << 0, /**< controller not live, or the pair being
					       deleted: nothing is posted at all */
	NVMU_QPAIR_HOLD_SAVED = 1u << 1,  /**< each command is kept to be posted again */
	NVMU_QPAIR_HOLD_SGL = 1u << 2,    /**< data is described with SGLs by default */
	NVMU_QPAIR_HOLD_OWNER = 1u << 8,  /**< the first of the owner's bits */
};

/** An I/O or admin queue pair. Its fields are the core's (see the top of this file). */
struct nvmu_qpair {
	/* hot: submission and completion */
	struct nvmu_sq sq;
	struct nvmu_cq cq;
	struct nvmu_tracker_table trk;
	uint32_t hold;        /* enum nvmu_qpair_hold_bits; 0 lets the fast path post */
	uint64_t trk_busy;    /* the tracker word of a new command */
	uint32_t now_ms;      /* coarse clock of deadlines, moved by the periodic check */
	uint32_t timeout_ms;  /* time a new command gets */
	uint32_t deadline;    /* now_ms + timeout_ms: a new command's */
	uint32_t ended;       /* trackers the driver ended that still have to complete */
	uint64_t next_check;  /* nvmu_ticks() of the next periodic check */
	void (*progress)(struct nvmu_transport *t, uint16_t qid); /* the transport's
				poll_queue, or NULL (a device that posts completions itself) */
	uint64_t page_size;   /* the controller's memory page size */
	uint64_t page_mask;   /* page_size - 1 */
	struct nvmu_sqe *saved; /* per tracker: its command, to post again (or NULL) */
	/* cold */
	struct nvmu_ctrl *ctrl;
	struct nvmu_dma_buf sq_mem, cq_mem, prp_mem;
	uint32_t prp_pages;  /* list pages per tracker */
	size_t max_transfer; /* bytes one command may move */
	uint16_t qid;
	uint16_t cqe_sqid;   /* the SQ ID its completions carry: qid, or the controller's
				own number when another process hands out queue IDs (share.h) */
	bool sgl;            /* SGLs by default */
	bool sgl_ok;         /* the controller takes SGLs on this queue */
	int vector;          /* MSI-X vector, -1 when polled */
	int efd;             /* its eventfd, -1 when polled */
	struct nvmu_qpair_stats stats; /* submitted - completed - dropped: trackers in use */
	uint64_t dropped;    /* trackers freed with no completion counted (ended by the
				driver, or abandoned and then dropped) */
	uint8_t retries;     /* reposts allowed per command (resets, retryable errors) */
	bool deleting;       /* nvmu_qpair_delete() runs: nothing more is posted */
	bool head_behind;    /* the SQ head reported is behind commands already completed */
	uint16_t behind_head; /* ... that head, */
	uint32_t behind_since; /* ... and the clock (now_ms) when a check first saw it */
	uint64_t last_check_ns, last_check_ticks; /* the previous periodic check */
	struct nvmu_qpair *next; /* the controller's list of I/O pairs */
};

/**
 * The hold word of @p qp, read with acquire: what the thread that set a bit did before
 * is visible once the bit is seen.
 */
static inline uint32_t nvmu_qpair_hold(const struct nvmu_qpair *qp)
{
	return __atomic_load_n(&qp->hold, __ATOMIC_ACQUIRE);
}

/** Set (@p on) or clear @p bits of @p qp's hold word (any thread). */
static inline void nvmu_qpair_hold_set(struct nvmu_qpair *qp, uint32_t bits, bool on)
{
	if (on)
		__atomic_fetch_or(&qp->hold, bits, __ATOMIC_ACQ_REL);
	else
		__atomic_fetch_and(&qp->hold, ~bits, __ATOMIC_ACQ_REL);
}

/** Milliseconds between two periodic checks of a pair: its clock moves in such steps. */
#define NVMU_QPAIR_CHECK_INTERVAL_MS 100

/**
 * The deadline a command submitted on @p qp now gets, on the pair's clock
 * (nvmu_qpair_now_ms()), into *@p deadline. Returns false when the pair's commands have
 * no deadline (timeout 0).
 */
static inline bool nvmu_qpair_new_deadline(const struct nvmu_qpair *qp, uint32_t *deadline)
{
	*deadline = qp->deadline;
	return qp->timeout_ms != 0;
}

/**
 * Returns the pair's clock in milliseconds. It moves at the pair's periodic checks, by
 * the time since the previous one, so deadlines count the time the pair is polled.
 */
static inline uint32_t nvmu_qpair_now_ms(const struct nvmu_qpair *qp)
{
	return qp->now_ms;
}

/**
 * True if @p deadline, taken from nvmu_qpair_new_deadline(), has passed on @p qp's clock.
 * It was stamped with the clock of the last check, up to one interval old, so it counts as
 * passed once the clock is a whole interval beyond it: never early.
 */
static inline bool nvmu_qpair_overdue(const struct nvmu_qpair *qp, uint32_t deadline)
{
	return (int32_t)(qp->now_ms - deadline) >= NVMU_QPAIR_CHECK_INTERVAL_MS;
}

/**
 * Take @p trk, the head of @p qp's free list, for a new command whose end runs
 * @p cb(@p arg), with the pair's deadline. Returns the CID the command must carry.
 */
static inline uint16_t nvmu_qpair_take(struct nvmu_qpair *qp, struct nvmu_tracker *trk,
				       nvmu_cmd_cb cb, void *arg)
{
	nvmu_tracker_take(&qp->trk, trk, qp->trk_busy);
	trk->cb = cb;
	trk->arg = arg;
	trk->deadline = qp->deadline;
	return nvmu_tracker_cid(trk);
}

/**
 * Count the command of @p trk that was just written into @p slot, and keep a copy of it
 * when the pair posts commands again after a reset (@p may_save false: the caller knows
 * it does not). The doorbell rings later, once per batch.
 */
static inline void nvmu_qpair_posted(struct nvmu_qpair *qp, const struct nvmu_tracker *trk,
				     const struct nvmu_sqe *slot, bool may_save)
{
	if (may_save && qp->saved)
		qp->saved[nvmu_tracker_index(&qp->trk, trk)] = *slot;
	qp->stats.submitted++;
}

/**
 * True if @p qp takes a command on the fast path now: nothing in its hold word and a
 * tracker free. The hold word is read first: a load made before its acquire would have
 * to be made again after it.
 */
static inline bool nvmu_qpair_fast_ready(const struct nvmu_qpair *qp)
{
	return nvmu_qpair_hold(qp) == 0 && qp->trk.free;
}

/**
 * True if PRP1/PRP2 alone describe @p len bytes (at least one) at @p iova on @p qp's
 * controller; *prp2 gets PRP2 (PRP1 is @p iova). See nvmu_prp_two_pages().
 */
static inline bool nvmu_qpair_fast_prps(const struct nvmu_qpair *qp, uint64_t iova, size_t len,
					uint64_t *prp2)
{
	return nvmu_prp_two_pages(iova, len, qp->page_mask, prp2);
}

/**
 * Post, after nvmu_qpair_fast_ready() said yes, an NVM command with one contiguous data
 * range (Read, Write, Compare): @p opcode on namespace @p nsid at @p slba, CDW12-13
 * @p cdw12 (block count - 1 and flags), data at @p iova with PRP2 @p prp2 (from
 * nvmu_qpair_fast_prps()). Its end runs @p cb(@p arg). No doorbell is rung.
 */
static inline void nvmu_qpair_fast_post_rw(struct nvmu_qpair *qp, uint8_t opcode, uint32_t nsid,
					   uint64_t slba, uint64_t cdw12, uint64_t iova,
					   uint64_t prp2, nvmu_cmd_cb cb, void *arg)
{
	uint16_t cid = nvmu_qpair_take(qp, qp->trk.free, cb, arg);

	nvmu_sq_push_rw(&qp->sq, opcode, cid, nsid, iova, prp2, slba, cdw12);
	qp->stats.submitted++;
}

/**
 * Returns the free tracker through which @p len bytes at @p iova can be posted on @p qp
 * at once, with every condition checked: the pair not halted, a tracker free, 1 byte to
 * the pair's maximum transfer, and PRP1/PRP2 or one PRP list page of that tracker to
 * describe them (PRP2 goes into *prp2, PRP1 is @p iova). NULL when one fails, with
 * nothing changed but *prp2.
 */
static inline struct nvmu_tracker *nvmu_qpair_place(const struct nvmu_qpair *qp,
						    uint64_t iova, size_t len, uint64_t *prp2)
{
	struct nvmu_tracker *trk = qp->trk.free;

	if ((nvmu_qpair_hold(qp) & NVMU_QPAIR_HOLD_HALTED) || len - 1 >= qp->max_transfer ||
	    !trk || !nvmu_prp_fast(iova, len, qp->page_size, &trk->prp, prp2))
		return NULL;
	return trk;
}

/**
 * The same post as nvmu_qpair_fast_post_rw() with every condition checked here
 * (nvmu_qpair_place()). It also serves a pair that keeps its commands for reposts.
 * Returns 0 when posted (no doorbell rung), or 1 with nothing done and no error set: the
 * caller takes its general path.
 */
static inline int nvmu_qpair_try_rw(struct nvmu_qpair *qp, uint8_t opcode, uint32_t nsid,
				    uint64_t slba, uint64_t cdw12, uint64_t iova, size_t len,
				    nvmu_cmd_cb cb, void *arg)
{
	uint64_t prp2;
	struct nvmu_tracker *trk = nvmu_qpair_place(qp, iova, len, &prp2);
	const struct nvmu_sqe *slot;
	uint16_t cid;

	if (!trk)
		return 1;
	cid = nvmu_qpair_take(qp, trk, cb, arg);
	slot = nvmu_sq_push_rw(&qp->sq, opcode, cid, nsid, iova, prp2, slba, cdw12);
	nvmu_qpair_posted(qp, trk, slot, true);
	return 0;
}

/**
 * Drop the callback of the command in flight on @p qp that was posted with @p cb and
 * @p arg (a waiter that gives up): its completion is then taken without it. Returns true
 * if there was one. Not for the hot path: it looks at every tracker.
 */
NVMU_API bool nvmu_qpair_drop_callback(struct nvmu_qpair *qp, nvmu_cmd_cb cb, const void *arg);

#ifdef __cplusplus
}
#endif
#endif
