/* SPDX-License-Identifier: MIT */
/**
 * @file queue.h
 * @brief Raw NVMe queues: submission and completion rings, their doorbells and shadow
 *        doorbells, as inline functions with no system call and no lock.
 *
 * These are the only functions in nvmu that write a command into a submission queue slot
 * or consume a completion: the core's queue pairs are built on them, and a program that
 * drives queues of its own (a test, a device model) uses the same ones.
 */
#ifndef NVMU_QUEUE_H
#define NVMU_QUEUE_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "nvmu/mmio.h"
#include "nvmu/nvme_cmd.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A submission queue ring. */
struct nvmu_sq {
	struct nvmu_sqe *ring;
	volatile uint32_t *doorbell;
	uint16_t size;     /**< entries */
	uint16_t tail;     /**< next slot to fill */
	uint16_t head;     /**< last head the controller reported (CQE sqhd) */
	uint16_t rung;     /**< tail last written to the doorbell (or its shadow) */
	volatile uint32_t *shadow;   /**< shadow doorbell (Doorbell Buffer Config), or NULL */
	volatile uint32_t *eventidx; /**< its EventIdx entry, or NULL */
};

/** A completion queue ring. */
struct nvmu_cq {
	volatile struct nvmu_cqe *ring;
	volatile uint32_t *doorbell;
	uint16_t size;
	uint16_t head;  /**< next entry to look at */
	uint8_t phase;  /**< phase tag that marks a new entry (starts at 1) */
	bool wrapped;   /**< the head wrapped since the last head doorbell */
	uint16_t rung;  /**< head last written to the doorbell (or its shadow) */
	uint16_t lag;   /**< consumed entries the head doorbell may lag behind (0: none) */
	volatile uint32_t *shadow;   /**< shadow doorbell (Doorbell Buffer Config), or NULL */
	volatile uint32_t *eventidx; /**< its EventIdx entry, or NULL */
};

/**
 * The event-index rule of shadow doorbells: after moving a doorbell value from @p old_idx
 * to @p new_idx, the MMIO doorbell must be written only if the controller's EventIdx
 * @p event_idx lies in [old_idx, new_idx) (modulo 2^16). Otherwise the controller reads
 * the shadow value itself and the MMIO write (a trap in a VM) is saved.
 */
static inline bool nvmu_dbbuf_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event_idx - 1) < (uint16_t)(new_idx - old_idx);
}

/**
 * Store @p value in a shadow doorbell and tell whether the MMIO doorbell must be written
 * too (nvmu_dbbuf_need_event() against the current EventIdx, @p old the previous value).
 */
static inline bool nvmu_dbbuf_update(volatile uint32_t *shadow, const volatile uint32_t *eventidx,
				     uint16_t value, uint16_t old)
{
	nvmu_wmb(); /* queue entries before the shadow value */
	*shadow = value;
	nvmu_mb(); /* the shadow value visible before the EventIdx is read */
	return nvmu_dbbuf_need_event((uint16_t)*eventidx, value, old);
}

/**
 * The slot after @p slot. The wrap is a branch taken once per lap, not a conditional
 * move, so that the common case costs one comparison.
 */
static inline uint16_t nvmu_sq_next(const struct nvmu_sq *sq, uint16_t slot)
{
	unsigned next = slot + 1u;

	if (__builtin_expect(next == sq->size, 0)) {
		next = 0;
		__asm__ volatile(""); /* keeps the branch */
	}
	return (uint16_t)next;
}

/** True if no slot is free: a queue of N entries holds N-1 commands. */
static inline bool nvmu_sq_full(const struct nvmu_sq *sq)
{
	return nvmu_sq_next(sq, sq->tail) == sq->head;
}

/** Number of entries that can still be posted. */
static inline uint16_t nvmu_sq_space(const struct nvmu_sq *sq)
{
	uint16_t used = (uint16_t)((sq->tail + sq->size - sq->head) % sq->size);

	return (uint16_t)(sq->size - 1 - used);
}

/**
 * Copy @p cmd into the slot at the tail and move the tail, for a caller that knows a slot
 * is free (nvmu_sq_post() checks). No doorbell is rung. Returns the slot written.
 */
static inline struct nvmu_sqe *nvmu_sq_push(struct nvmu_sq *sq, const struct nvmu_sqe *cmd)
{
	uint16_t tail = sq->tail;

	sq->ring[tail] = *cmd;
	sq->tail = nvmu_sq_next(sq, tail);
	return &sq->ring[tail];
}

/** An SQE seen as eight little-endian 64-bit words, for whole-word stores. */
typedef uint64_t __attribute__((may_alias)) nvmu_sqe_word;

/**
 * Build a command with one data range straight in the slot at the tail and move the
 * tail, for a caller that knows a slot is free: @p opcode with @p cid on namespace
 * @p nsid, data pointer @p dptr1 / @p dptr2 (PRP1/PRP2), CDW10-11 @p cdw10 and CDW12-13
 * @p cdw12 as 64-bit words (a read or write puts its start LBA and its block count with
 * flags there); every other field is zero. It writes whole words, which costs fewer
 * stores than building a command elsewhere and copying it. Returns the slot written.
 */
static inline struct nvmu_sqe *nvmu_sq_push_rw(struct nvmu_sq *sq, uint8_t opcode, uint16_t cid,
					       uint32_t nsid, uint64_t dptr1, uint64_t dptr2,
					       uint64_t cdw10, uint64_t cdw12)
{
	/* Read before the stores: the word stores may alias anything, the tail included. */
	uint16_t tail = sq->tail, next = nvmu_sq_next(sq, tail);
	struct nvmu_sqe *sqe = &sq->ring[tail];
	nvmu_sqe_word *w = (nvmu_sqe_word *)sqe;

	sqe->opcode = opcode;
	sqe->flags = 0;
	sqe->cid = cid;
	sqe->nsid = nsid;
	w[1] = 0; /* CDW2, CDW3 */
	w[2] = 0; /* MPTR */
	w[3] = dptr1;
	w[4] = dptr2;
	w[5] = cdw10; /* CDW10, CDW11 */
	w[6] = cdw12; /* CDW12, CDW13 */
	w[7] = 0;     /* CDW14, CDW15 */
	sq->tail = next;
	return sqe;
}

/** Copy @p cmd into the next slot (no doorbell). Returns 0, or -EAGAIN if the queue is full. */
static inline int nvmu_sq_post(struct nvmu_sq *sq, const struct nvmu_sqe *cmd)
{
	if (nvmu_sq_full(sq))
		return -EAGAIN;
	nvmu_sq_push(sq, cmd);
	return 0;
}

/**
 * Ring the SQ tail doorbell if anything was posted since the last ring (once per batch).
 * With a shadow doorbell, the tail goes to the shadow and MMIO is written only when the
 * event-index rule asks for it.
 */
static inline void nvmu_sq_ring(struct nvmu_sq *sq)
{
	if (sq->tail == sq->rung)
		return;
	if (sq->shadow && !nvmu_dbbuf_update(sq->shadow, sq->eventidx, sq->tail, sq->rung)) {
		sq->rung = sq->tail;
		return;
	}
	nvmu_wmb();
	nvmu_mmio_write32(sq->doorbell, sq->tail);
	sq->rung = sq->tail;
}

/**
 * Record the SQ head a completion reported. Returns false (and changes nothing) if the
 * device reported a head outside the queue.
 */
static inline bool nvmu_sq_set_head(struct nvmu_sq *sq, uint16_t sqhd)
{
	if (sqhd >= sq->size)
		return false;
	sq->head = sqhd;
	return true;
}

/** The next completion if the controller has posted it (phase tag matches), else NULL. */
static inline const volatile struct nvmu_cqe *nvmu_cq_peek(const struct nvmu_cq *cq)
{
	const volatile struct nvmu_cqe *cqe = &cq->ring[cq->head];

	if ((cqe->status & 1) != cq->phase)
		return NULL;
	nvmu_rmb(); /* read the body only after the phase tag */
	return cqe;
}

/** Consume the current completion: advance the head, flipping the phase on wrap. */
static inline void nvmu_cq_advance(struct nvmu_cq *cq)
{
	if (++cq->head == cq->size) {
		cq->head = 0;
		cq->phase ^= 1;
		cq->wrapped = true;
	}
}

/**
 * Ring the CQ head doorbell if completions were consumed since the last ring: the head
 * moved, or it wrapped (a full lap brings it back where it was). Call it once per reap.
 * With a shadow doorbell, as nvmu_sq_ring().
 */
static inline void nvmu_cq_ring(struct nvmu_cq *cq)
{
	bool mmio = true;

	if (cq->head == cq->rung && !cq->wrapped)
		return;
	if (cq->shadow)
		mmio = nvmu_dbbuf_update(cq->shadow, cq->eventidx, cq->head, cq->rung) ||
		       cq->head == cq->rung; /* a full lap: let the controller know */
	if (mmio)
		nvmu_mmio_write32(cq->doorbell, cq->head);
	cq->rung = cq->head;
	cq->wrapped = false;
}

/** Entries consumed since the last head doorbell (less than a lap unless wrapped). */
static inline uint16_t nvmu_cq_unrung(const struct nvmu_cq *cq)
{
	return cq->head >= cq->rung ? (uint16_t)(cq->head - cq->rung)
				    : (uint16_t)(cq->head + cq->size - cq->rung);
}

/**
 * nvmu_cq_ring() once the head is @p cq->lag entries or a lap ahead of the doorbell. A
 * polled queue needs its head doorbell only so that the controller never sees the CQ
 * full; until then each write is a trap into the hypervisor in a VM, and on QEMU's
 * emulated controller one that waits for the device model's lock. The caller keeps the
 * CQ from filling (nvmu_qpair_ring() rings the head before it lets the controller take
 * more commands than the lagging head leaves room for).
 */
static inline void nvmu_cq_ring_lagging(struct nvmu_cq *cq)
{
	if (cq->lag && !cq->wrapped && nvmu_cq_unrung(cq) < cq->lag)
		return;
	nvmu_cq_ring(cq);
}

/** Doorbell of SQ @p qid (CQ: @p cq true) in a doorbell area with stride 4 << @p dstrd. */
static inline volatile uint32_t *nvmu_doorbell(volatile uint8_t *doorbells, uint16_t qid,
					      bool cq, unsigned dstrd)
{
	return (volatile uint32_t *)(doorbells + ((2u * qid + (cq ? 1u : 0u)) << (2 + dstrd)));
}

#ifdef __cplusplus
}
#endif
#endif
