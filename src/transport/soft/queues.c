/* SPDX-License-Identifier: MIT */
/* Queue state: doorbells and shadow doorbells, fetching commands, posting completions,
 * interrupts. Queue memory that is not mapped is a fatal error (CSTS.CFS). */
#include <string.h>
#include <unistd.h>

#include "soft.h"

#define CQE_STATUS_OFFSET 14

static size_t doorbell_stride(const struct soft_ctrl *c)
{
	return 4u << NVME_CAP_DSTRD(c->cap);
}

static volatile uint32_t *doorbell(struct soft_ctrl *c, size_t slot)
{
	return (volatile uint32_t *)(c->db_area + slot * doorbell_stride(c));
}

void soft_doorbell_clear(struct soft_ctrl *c, uint16_t qid, bool is_cq)
{
	size_t slot = 2u * qid + (is_cq ? 1u : 0u);

	if ((slot + 1) * doorbell_stride(c) > c->db_bytes)
		return;
	__atomic_store_n(doorbell(c, slot), 0, __ATOMIC_RELEASE);
	c->db_seen[slot] = 0;
}

void soft_queues_reset(struct soft_ctrl *c)
{
	memset(c->sq, 0, ((size_t)c->o.queues + 1) * sizeof(*c->sq));
	memset(c->cq, 0, ((size_t)c->o.queues + 1) * sizeof(*c->cq));
	memset(c->db_area, 0, c->db_bytes);
	memset(c->db_seen, 0, c->db_bytes);
	c->stats.io_queues_live = 0;
}

void soft_queues_admin(struct soft_ctrl *c)
{
	c->sq[0] = (struct soft_sq){ .live = true, .base = c->asq,
				     .size = (uint16_t)(NVME_AQA_ASQS(c->aqa) + 1) };
	c->cq[0] = (struct soft_cq){ .live = true, .base = c->acq,
				     .size = (uint16_t)(NVME_AQA_ACQS(c->aqa) + 1), .phase = 1,
				     .ien = true };
}

uint32_t soft_cq_space(const struct soft_cq *cq)
{
	uint32_t used = (uint32_t)(cq->tail + cq->size - cq->head) % cq->size;

	return cq->size - 1u - used;
}

static void set_sq_tail(struct soft_ctrl *c, uint16_t qid, uint32_t v)
{
	struct soft_sq *sq = &c->sq[qid];

	if (v >= sq->size) {
		soft_violation(c, NVMU_SOFT_V_SQ_TAIL,
			       "SQ %u tail doorbell %u beyond its %u entries", qid, v, sq->size);
		return;
	}
	sq->tail = (uint16_t)v;
}

static void set_cq_head(struct soft_ctrl *c, uint16_t qid, uint32_t v)
{
	struct soft_cq *cq = &c->cq[qid];
	uint32_t posted = (uint32_t)(cq->tail + cq->size - cq->head) % cq->size;

	if (v >= cq->size) {
		soft_violation(c, NVMU_SOFT_V_CQ_HEAD,
			       "CQ %u head doorbell %u beyond its %u entries", qid, v, cq->size);
		return;
	}
	if ((v + cq->size - cq->head) % cq->size > posted) {
		soft_violation(c, NVMU_SOFT_V_CQ_HEAD, "CQ %u head doorbell %u passes the %u "
			       "entries posted after head %u", qid, v, posted, cq->head);
		return;
	}
	cq->head = (uint16_t)v;
}

static bool queue_live(struct soft_ctrl *c, size_t qid, bool is_cq)
{
	return qid <= c->o.queues && (is_cq ? c->cq[qid].live : c->sq[qid].live);
}

static void doorbell_written(struct soft_ctrl *c, size_t slot, uint32_t v)
{
	uint16_t qid = (uint16_t)(slot / 2);
	bool is_cq = slot & 1;

	if (!queue_live(c, slot / 2, is_cq)) {
		soft_violation(c, NVMU_SOFT_V_DOORBELL_QUEUE, "%s doorbell %zu written (%u) but "
			       "that queue does not exist", is_cq ? "CQ" : "SQ", slot / 2, v);
		return;
	}
	if (qid > 0 && c->dbbuf_shadow)
		return; /* the shadow doorbell is the value that counts */
	if (is_cq)
		set_cq_head(c, qid, v);
	else
		set_sq_tail(c, qid, v);
}

/* Shadow doorbells of I/O queues [first, last]; the event index follows what was read. */
static void shadow_scan(struct soft_ctrl *c, uint16_t first, uint16_t last)
{
	size_t stride = doorbell_stride(c), bytes = ((size_t)c->o.queues + 1) * 2 * stride;
	uint8_t *shadow = soft_dma_lookup(c, c->dbbuf_shadow, bytes);
	uint8_t *ei = soft_dma_lookup(c, c->dbbuf_eventidx, bytes);

	if (!shadow || !ei) {
		soft_violation(c, NVMU_SOFT_V_UNMAPPED_QUEUE, "shadow doorbell buffer %#llx or "
			       "event index buffer %#llx is no longer mapped",
			       (unsigned long long)c->dbbuf_shadow,
			       (unsigned long long)c->dbbuf_eventidx);
		soft_set_fatal(c, "shadow doorbell memory not mapped");
		return;
	}
	for (uint16_t q = first; q <= last; q++) {
		for (unsigned is_cq = 0; is_cq < 2; is_cq++) {
			size_t off = (2u * q + is_cq) * stride;
			uint32_t v = __atomic_load_n((uint32_t *)(shadow + off), __ATOMIC_ACQUIRE);
			uint16_t cur = is_cq ? c->cq[q].head : c->sq[q].tail;

			if (!queue_live(c, q, is_cq) || v == cur)
				continue;
			if (is_cq)
				set_cq_head(c, q, v);
			else
				set_sq_tail(c, q, v);
			__atomic_store_n((uint32_t *)(ei + off),
					 is_cq ? c->cq[q].head : c->sq[q].tail, __ATOMIC_RELEASE);
		}
	}
}

static void slot_scan(struct soft_ctrl *c, size_t slot)
{
	uint32_t v = __atomic_load_n(doorbell(c, slot), __ATOMIC_ACQUIRE);

	if (v == c->db_seen[slot])
		return;
	c->db_seen[slot] = v;
	doorbell_written(c, slot, v);
}

/* Steps between two looks at the doorbells past the last queue's, which only a faulty
 * host writes (the thread steps after each file transfer: a page of loads each time
 * would be most of its work). */
#define FULL_SCAN_STEPS 64

void soft_doorbells_scan(struct soft_ctrl *c)
{
	size_t slots = c->db_bytes / doorbell_stride(c), used = ((size_t)c->o.queues + 1) * 2;

	if (used < slots && !c->o.stepped && c->steps % FULL_SCAN_STEPS)
		slots = used;
	for (size_t slot = 0; slot < slots; slot++)
		slot_scan(c, slot);
	if (c->dbbuf_shadow)
		shadow_scan(c, 1, (uint16_t)c->o.queues);
}

void soft_doorbells_scan_queue(struct soft_ctrl *c, uint16_t qid)
{
	uint16_t cqid = c->sq[qid].live ? c->sq[qid].cqid : qid;

	slot_scan(c, 2u * qid);
	slot_scan(c, 2u * cqid + 1);
	if (c->dbbuf_shadow && qid > 0) {
		shadow_scan(c, qid, qid);
		if (cqid != qid)
			shadow_scan(c, cqid, cqid);
	}
}

static void *queue_entry(struct soft_ctrl *c, uint64_t base, uint16_t idx, size_t size,
			 const char *what, uint16_t qid)
{
	void *p = soft_dma_lookup(c, base + (uint64_t)idx * size, size);

	if (!p) {
		soft_violation(c, NVMU_SOFT_V_UNMAPPED_QUEUE,
			       "%s %u entry %u at %#llx is not mapped", what, qid, idx,
			       (unsigned long long)(base + (uint64_t)idx * size));
		soft_set_fatal(c, "queue memory not mapped");
	}
	return p;
}

bool soft_sq_fetch(struct soft_ctrl *c, uint16_t sqid, struct nvmu_sqe *out)
{
	struct soft_sq *sq = &c->sq[sqid];
	const void *p = queue_entry(c, sq->base, sq->head, sizeof(*out), "SQ", sqid);

	if (!p)
		return false;
	memcpy(out, p, sizeof(*out));
	sq->head = (uint16_t)((sq->head + 1u) % sq->size);
	return true;
}

bool soft_cq_post(struct soft_ctrl *c, uint16_t sqid, uint16_t cid, uint32_t dw0,
		  uint16_t status, bool phase_flip, int sqhd)
{
	struct soft_sq *sq = &c->sq[sqid];
	struct soft_cq *cq = &c->cq[sq->cqid];
	struct nvmu_cqe e = {
		.dw0 = dw0,
		.sqhd = sqhd < 0 ? sq->head : (uint16_t)sqhd,
		.sqid = sqid,
		.cid = cid,
	};
	uint8_t *p;

	if (!cq->live || soft_cq_space(cq) == 0)
		return false;
	p = queue_entry(c, cq->base, cq->tail, sizeof(e), "CQ", sq->cqid);
	if (!p)
		return false;
	memcpy(p, &e, CQE_STATUS_OFFSET); /* the body first, then status with the phase tag */
	__atomic_store_n((uint16_t *)(p + CQE_STATUS_OFFSET),
			 (uint16_t)(status << 1 | (cq->phase ^ (phase_flip ? 1u : 0u))),
			 __ATOMIC_RELEASE);
	if (++cq->tail == cq->size) {
		cq->tail = 0;
		cq->phase ^= 1;
	}
	cq->signal |= cq->ien;
	c->stats.completions++;
	return true;
}

void soft_irqs_signal(struct soft_ctrl *c)
{
	static const uint64_t one = 1;

	for (uint32_t q = 0; q <= c->o.queues; q++) {
		struct soft_cq *cq = &c->cq[q];

		if (!cq->live || !cq->signal)
			continue;
		cq->signal = false;
		if (cq->vector < c->vectors && c->irq_fd[cq->vector] >= 0 &&
		    write(c->irq_fd[cq->vector], &one, sizeof(one)) == sizeof(one))
			c->stats.interrupts++;
	}
}
