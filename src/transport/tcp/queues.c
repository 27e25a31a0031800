/* SPDX-License-Identifier: MIT */
/*
 * Queues: the step the core runs before it looks at a CQ (nvmu_transport_ops.poll_queue).
 * It reads the SQ tail doorbell, turns each new command into a capsule, sends what is
 * queued, and reads what the target sent, which ends in the CQ ring. With nothing in
 * flight and nothing posted it makes no system call.
 *
 * On the admin queue the queue commands are the transport's own: Create I/O SQ opens the
 * queue's connection (ICReq, Connect), Delete I/O SQ closes it, the CQ commands only
 * record the ring. Abort names the target's command ID, not the core's.
 */
#include <errno.h>
#include <string.h>

#include "tcp.h"

#define SC_INVALID_QID 0x01
#define SC_INVALID_QSIZE 0x02
#define SC_INVALID_VECTOR 0x08
#define CQ_IEN (1u << 1)
#define SC_ABORT_NOT_DONE 1u /* Abort DW0 bit 0: the command was not aborted */

static volatile uint32_t *doorbell(struct tcp_ctrl *tc, uint16_t qid, bool cq)
{
	return (volatile uint32_t *)(tc->db + (2u * qid + (cq ? 1u : 0u)) * 4u);
}

static void post(struct tcp_ctrl *tc, const struct nvmu_sqe *cmd, uint16_t status)
{
	tcp_post_cqe(tc, &tc->q[0], 0, cmd->cid, 0, 0, status);
}

static uint16_t create_cq(struct tcp_ctrl *tc, const struct nvmu_sqe *cmd)
{
	uint16_t qid = (uint16_t)cmd->cdw10;
	uint32_t size = (cmd->cdw10 >> 16) + 1u;
	struct tcp_queue *q = &tc->q[qid];

	if (qid == 0 || qid > tc->o.queues || q->cq_live)
		return TCP_STATUS(NVME_SCT_CMD_SPECIFIC, SC_INVALID_QID);
	if (size < 2 || size > (tc->cap & 0xffffu) + 1u)
		return TCP_STATUS(NVME_SCT_CMD_SPECIFIC, SC_INVALID_QSIZE);
	if (!(cmd->cdw11 & 1) || !cmd->prp1)
		return TCP_STATUS(NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD);
	if ((cmd->cdw11 & CQ_IEN) && (cmd->cdw11 >> 16) > tc->o.queues)
		return TCP_STATUS(NVME_SCT_CMD_SPECIFIC, SC_INVALID_VECTOR);
	q->irq_vector = (cmd->cdw11 & CQ_IEN) ? (int)(cmd->cdw11 >> 16) : -1;
	q->cq = (uint8_t *)(uintptr_t)cmd->prp1;
	q->cq_size = (uint16_t)size;
	q->cq_tail = 0;
	q->cq_phase = 1;
	q->cq_live = true;
	*doorbell(tc, qid, true) = 0;
	return 0;
}

static uint16_t create_sq(struct tcp_ctrl *tc, const struct nvmu_sqe *cmd)
{
	uint16_t qid = (uint16_t)cmd->cdw10, cqid = (uint16_t)(cmd->cdw11 >> 16);
	uint32_t size = (cmd->cdw10 >> 16) + 1u;
	struct tcp_queue *q = &tc->q[qid];
	struct tcp_conn *c = NULL;

	if (qid == 0 || qid > tc->o.queues || q->sq_live || cqid != qid || !q->cq_live)
		return TCP_STATUS(NVME_SCT_CMD_SPECIFIC, SC_INVALID_QID);
	if (size < 2 || size > (tc->cap & 0xffffu) + 1u)
		return TCP_STATUS(NVME_SCT_CMD_SPECIFIC, SC_INVALID_QSIZE);
	if (!(cmd->cdw11 & 1) || !cmd->prp1)
		return TCP_STATUS(NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD);
	if (tcp_conn_open(tc, qid, (uint16_t)size, &c) < 0) {
		nvmu_log(NVMU_LOG_WARN, "%s: I/O queue %u: %s", tc->name, qid, nvmu_last_error());
		return TCP_STATUS(NVME_SCT_GENERIC, NVME_SC_INTERNAL);
	}
	q->sq = (uint8_t *)(uintptr_t)cmd->prp1;
	q->sq_size = (uint16_t)size;
	q->sq_head = 0;
	q->cqid = cqid;
	*doorbell(tc, qid, false) = 0;
	q->conn = c;
	q->sq_live = true;
	tcp_irq_watch(tc, q);
	return 0;
}

static uint16_t delete_queue(struct tcp_ctrl *tc, const struct nvmu_sqe *cmd, bool cq)
{
	uint16_t qid = (uint16_t)cmd->cdw10;
	struct tcp_queue *q = &tc->q[qid];

	if (qid == 0 || qid > tc->o.queues || !(cq ? q->cq_live : q->sq_live))
		return TCP_STATUS(NVME_SCT_CMD_SPECIFIC, SC_INVALID_QID);
	if (cq) {
		q->cq_live = false;
		return 0;
	}
	tcp_irq_unwatch(tc, q);
	tcp_conn_close(q->conn);
	q->conn = NULL;
	q->sq_live = false;
	return 0;
}

/* Abort names a command by SQ ID and CID: give the target the slot its capsule used. A
 * command the transport does not have in flight cannot be aborted. */
static bool abort_translate(struct tcp_ctrl *tc, struct nvmu_sqe *cmd)
{
	uint16_t qid = (uint16_t)cmd->cdw10, cid = (uint16_t)(cmd->cdw10 >> 16);
	struct tcp_conn *c = qid <= tc->o.queues ? tc->q[qid].conn : NULL;

	for (uint16_t i = 0; c && i < TCP_SLOT_SYNC(c); i++) {
		if (c->slots[i].state != SLOT_FREE && c->slots[i].cid == cid) {
			cmd->cdw10 = qid | (uint32_t)i << 16;
			return true;
		}
	}
	tcp_post_cqe(tc, &tc->q[0], 0, cmd->cid, SC_ABORT_NOT_DONE, 0, 0);
	return false;
}

/* Handle @cmd here if it is one of the transport's; returns false to send it on. */
static bool admin_intercept(struct tcp_ctrl *tc, struct nvmu_sqe *cmd)
{
	switch (cmd->opcode) {
	case nvme_admin_create_cq: post(tc, cmd, create_cq(tc, cmd)); return true;
	case nvme_admin_create_sq: post(tc, cmd, create_sq(tc, cmd)); return true;
	case nvme_admin_delete_cq: post(tc, cmd, delete_queue(tc, cmd, true)); return true;
	case nvme_admin_delete_sq: post(tc, cmd, delete_queue(tc, cmd, false)); return true;
	case nvme_admin_dbbuf:
		post(tc, cmd, TCP_STATUS(NVME_SCT_GENERIC, NVME_SC_INVALID_OPCODE));
		return true;
	case nvme_admin_abort_cmd: return !abort_translate(tc, cmd);
	case nvme_admin_set_features:
		/* A discovery controller has no I/O queues and refuses the feature: answer
		 * for it, so that the core's bring-up works there too. */
		if ((cmd->cdw10 & 0xffu) != NVME_FEAT_FID_NUM_QUEUES ||
		    strcmp(tc->o.subnqn, TCP_DISCOVERY_NQN))
			return false;
		post(tc, cmd, 0);
		return true;
	default: return false;
	}
}

/* Check that all of @s's data can be followed, so that sending and receiving never meet
 * a bad pointer halfway. */
static bool data_ok(const struct tcp_slot *s)
{
	for (uint32_t off = 0; off < s->len;) {
		uint8_t *p;
		uint32_t avail;

		if (tcp_data_at(s, off, &p, &avail) < 0 || !p)
			return false;
		off += avail;
	}
	return true;
}

/* A free slot for a command of the core: one not in flight among the first depth. */
static struct tcp_slot *free_slot(struct tcp_conn *c)
{
	for (uint16_t n = 0, i = c->next_free; n < TCP_SLOT_SYNC(c); n++) {
		struct tcp_slot *s = &c->slots[i];

		if (++i == TCP_SLOT_SYNC(c))
			i = 0;
		if (s->state == SLOT_FREE) {
			c->next_free = i;
			return s;
		}
	}
	return NULL;
}

/* Send the core's command @cmd, or complete it at once with an error. */
static void take(struct tcp_ctrl *tc, struct tcp_conn *c, struct tcp_queue *q,
		 const struct nvmu_sqe *cmd, struct tcp_slot *s)
{
	uint32_t len;
	bool write;

	if (tcp_cmd_data(tc, cmd, c->qid == 0, &len, &write) < 0) {
		nvmu_log(NVMU_LOG_WARN, "%s: queue %u: %s", tc->name, c->qid, nvmu_last_error());
		tcp_post_cqe(tc, q, c->qid, cmd->cid, 0, 0,
			     TCP_STATUS(NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD));
		return;
	}
	s->internal = false;
	s->kind = TCP_DATA_NONE;
	s->len = len;
	s->dptr[0] = cmd->prp1;
	s->dptr[1] = cmd->prp2;
	s->kind = len == 0 ? TCP_DATA_NONE
			   : (cmd->flags & NVMU_SQE_PSDT_MASK) == NVMU_SQE_PSDT_SGL ? TCP_DATA_SGL
										     : TCP_DATA_PRP;
	if (len && !data_ok(s)) {
		s->kind = TCP_DATA_NONE;
		tcp_post_cqe(tc, q, c->qid, cmd->cid, 0, 0,
			     TCP_STATUS(NVME_SCT_GENERIC, NVME_SC_DATA_XFER_ERROR));
		return;
	}
	tcp_slot_send(c, s, cmd, len, write, write && len <= c->incapsule_max ? len : 0);
}

static void progress(struct tcp_ctrl *tc, struct tcp_queue *q, uint16_t qid)
{
	struct tcp_conn *c = q->conn;
	uint32_t tail;

	if (!c || !q->sq_live || c->dead)
		return;
	tail = __atomic_load_n(doorbell(tc, qid, false), __ATOMIC_ACQUIRE);
	while (q->sq_head != tail && tail < q->sq_size) {
		struct nvmu_sqe cmd;
		struct tcp_slot *s = free_slot(c);

		if (!s)
			break; /* the target's queue is full: the rest waits in the ring */
		memcpy(&cmd, q->sq + (size_t)q->sq_head * sizeof(cmd), sizeof(cmd));
		if (++q->sq_head == q->sq_size)
			q->sq_head = 0;
		if (qid == 0 && admin_intercept(tc, &cmd))
			continue;
		take(tc, c, q, &cmd, s);
	}
	if (c->fifo_count)
		tcp_tx_flush(c);
	/* A queue whose interrupt fired drains its socket even with nothing in flight, so
	 * that the re-armed registration does not fire again at once. */
	if ((c->outstanding || (q->irq_watched && __atomic_load_n(&q->irq_fired,
								   __ATOMIC_ACQUIRE))) &&
	    !c->dead)
		tcp_rx_progress(tc, c, q);
	if (c->fifo_count && !c->dead)
		tcp_tx_flush(c);
	if (q->irq_watched)
		tcp_irq_rearm(tc, q);
}

void tcp_queue_progress(struct tcp_ctrl *tc, uint16_t qid)
{
	struct tcp_queue *q = &tc->q[qid];

	if (qid != 0) {
		progress(tc, q, qid);
		if (__builtin_expect(q->conn && q->conn->dead && !tc->lost, 0)) {
			pthread_mutex_lock(&tc->lock);
			tcp_mark_lost(tc, q->conn->why);
			pthread_mutex_unlock(&tc->lock);
		}
		return;
	}
	pthread_mutex_lock(&tc->lock);
	progress(tc, q, qid);
	if (q->conn && q->conn->dead)
		tcp_mark_lost(tc, q->conn->why);
	pthread_mutex_unlock(&tc->lock);
}

void tcp_queues_disconnect(struct tcp_ctrl *tc)
{
	for (uint32_t qid = 0; qid <= tc->o.queues; qid++) {
		tcp_irq_unwatch(tc, &tc->q[qid]);
		tcp_conn_close(tc->q[qid].conn);
		memset(&tc->q[qid], 0, sizeof(tc->q[qid]));
		tc->q[qid].irq_vector = -1;
	}
	memset(tc->db, 0, tc->db_bytes);
	tc->associated = false;
	tc->csts_valid = false;
}
