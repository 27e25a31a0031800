/* SPDX-License-Identifier: MIT */
/*
 * Completions: a CQE for the core goes into the queue's CQ ring with the phase tag, as a
 * controller posts it. On the admin queue a few answers are looked at on their way, to
 * learn what the transport needs (namespace formats, the in-capsule size) and to adjust
 * what the core sees (MDTS capped at 4 MiB, no Doorbell Buffer Config, no more I/O queues
 * than the "queues" option): see docs/tcp.md.
 */
#include <string.h>

#include "tcp.h"

#define CQE_STATUS_OFFSET 14
#define ID_MDTS 77
#define ID_OACS 256
#define ID_IOCCSZ 1792
#define ID_NS_FLBAS 26
#define ID_NS_LBAF 128
#define MDTS_4MIB 10 /* 4 KiB << 10: nvmet refuses commands of more than 4 MiB */
#define OACS_DBBUF (1u << 8)

/* Copy @n bytes at offset @off of @s's data to @buf (@to_data false) or back. */
static bool data_copy(struct tcp_slot *s, uint32_t off, void *buf, uint32_t n, bool to_data)
{
	uint8_t *b = buf;

	while (n) {
		uint8_t *p;
		uint32_t avail;

		if (off >= s->len || tcp_data_at(s, off, &p, &avail) < 0)
			return false;
		avail = avail < n ? avail : n;
		if (to_data)
			memcpy(p, b, avail);
		else
			memcpy(b, p, avail);
		b += avail;
		off += avail;
		n -= avail;
	}
	return true;
}

static void snoop_id_ctrl(struct tcp_ctrl *tc, struct tcp_slot *s)
{
	uint8_t mdts;
	uint16_t oacs;
	uint32_t ioccsz;

	if (data_copy(s, ID_MDTS, &mdts, 1, false) && (mdts == 0 || mdts > MDTS_4MIB)) {
		mdts = MDTS_4MIB;
		data_copy(s, ID_MDTS, &mdts, 1, true);
	}
	if (data_copy(s, ID_OACS, &oacs, 2, false) && (oacs & OACS_DBBUF)) {
		oacs &= (uint16_t)~OACS_DBBUF;
		data_copy(s, ID_OACS, &oacs, 2, true);
	}
	if (data_copy(s, ID_IOCCSZ, &ioccsz, 4, false))
		tc->ioccsz_bytes = ioccsz >= 4 && ioccsz < (1u << 24) ? ioccsz * 16 - 64 : 0;
}

static void snoop_id_ns(struct tcp_ctrl *tc, struct tcp_slot *s)
{
	uint8_t flbas, lbads;
	unsigned idx;

	if (s->nsid == 0 || s->nsid > TCP_NS_MAX || !data_copy(s, ID_NS_FLBAS, &flbas, 1, false))
		return;
	idx = (flbas & 0xfu) | ((flbas >> 5) & 3u) << 4;
	if (idx < 64 && data_copy(s, ID_NS_LBAF + 4 * idx + 2, &lbads, 1, false) &&
	    lbads >= 9 && lbads <= 24)
		__atomic_store_n(&tc->lbads[s->nsid - 1], lbads, __ATOMIC_RELAXED);
}

/* Look at a successful admin completion; may change its DW0 or its data. */
static void snoop_admin(struct tcp_ctrl *tc, struct tcp_slot *s, struct nvmu_cqe *cqe)
{
	if (s->opcode == nvme_admin_identify && s->len >= NVME_IDENTIFY_DATA_SIZE) {
		if ((s->cdw10 & 0xffu) == NVME_IDENTIFY_CNS_CTRL)
			snoop_id_ctrl(tc, s);
		else if ((s->cdw10 & 0xffu) == NVME_IDENTIFY_CNS_NS)
			snoop_id_ns(tc, s);
	} else if (s->opcode == nvme_admin_set_features &&
		   (s->cdw10 & 0xffu) == NVME_FEAT_FID_NUM_QUEUES) {
		uint32_t max = tc->o.queues - 1u, nsq = cqe->dw0 & 0xffffu, ncq = cqe->dw0 >> 16;

		cqe->dw0 = (nsq < max ? nsq : max) | (ncq < max ? ncq : max) << 16;
	}
}

void tcp_post_cqe(struct tcp_ctrl *tc, struct tcp_queue *q, uint16_t qid, uint16_t cid,
		  uint32_t dw0, uint32_t dw1, uint16_t status)
{
	volatile uint32_t *head_db = (volatile uint32_t *)(tc->db + (2u * qid + 1u) * 4u);
	uint32_t head = __atomic_load_n(head_db, __ATOMIC_ACQUIRE);
	uint32_t used = (q->cq_tail + q->cq_size - (head % q->cq_size)) % q->cq_size;
	struct nvmu_cqe e = { .dw0 = dw0, .dw1 = dw1, .sqhd = q->sq_head, .sqid = qid, .cid = cid };
	uint8_t *p;

	if (!q->cq_live || used + 1u >= q->cq_size) {
		/* Cannot happen with the core, which keeps fewer commands than entries. */
		nvmu_log(NVMU_LOG_WARN, "%s: queue %u: completion queue full or gone; completion "
			 "of CID %#x dropped", tc->name, qid, cid);
		return;
	}
	p = q->cq + (size_t)q->cq_tail * sizeof(e);
	memcpy(p, &e, CQE_STATUS_OFFSET); /* the body first, then the status and phase tag */
	__atomic_store_n((uint16_t *)(p + CQE_STATUS_OFFSET),
			 (uint16_t)(status << 1 | q->cq_phase), __ATOMIC_RELEASE);
	if (++q->cq_tail == q->cq_size) {
		q->cq_tail = 0;
		q->cq_phase ^= 1;
	}
}

void tcp_complete(struct tcp_ctrl *tc, struct tcp_conn *c, struct tcp_queue *q,
		  struct tcp_slot *s, const struct nvmu_cqe *cqe)
{
	struct nvmu_cqe e = *cqe;

	s->state = SLOT_FREE;
	c->outstanding--;
	if (s->internal) {
		s->result = e;
		s->done = true;
		return;
	}
	if (c->qid == 0 && !(e.status >> 1))
		snoop_admin(tc, s, &e);
	tcp_post_cqe(tc, q, c->qid, s->cid, e.dw0, e.dw1, (uint16_t)(e.status >> 1));
}
