/* SPDX-License-Identifier: MIT */
/* I/O queue pairs: this file hands out queue IDs, sends Create and Delete I/O CQ and SQ,
 * and connects each queue's MSI-X vector to an eventfd when interrupts are asked for. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "nvme_internal.h"
#include "support/opts.h"

/* Queue IDs are taken under state_lock, since a sharing primary reserves them for other
 * processes from its service thread while the application creates its own pairs. */
static int take_qid(struct nvmu_ctrl *ctrl, uint16_t *qid)
{
	pthread_mutex_lock(&ctrl->state_lock);
	for (uint32_t q = 1; q <= ctrl->io_queues; q++) {
		if (!ctrl->qid_used[q]) {
			ctrl->qid_used[q] = true;
			*qid = (uint16_t)q;
			pthread_mutex_unlock(&ctrl->state_lock);
			return 0;
		}
	}
	pthread_mutex_unlock(&ctrl->state_lock);
	return nvmu_fail(EBUSY, "%s: all %u I/O queue pairs the controller granted are in use",
			 ctrl->t->name, ctrl->io_queues);
}

static void put_qid(struct nvmu_ctrl *ctrl, uint16_t qid)
{
	pthread_mutex_lock(&ctrl->state_lock);
	ctrl->qid_used[qid] = false;
	pthread_mutex_unlock(&ctrl->state_lock);
}

int nvmu_ctrl_qid_reserve(struct nvmu_ctrl *ctrl, uint16_t *qid)
{
	return take_qid(ctrl, qid);
}

void nvmu_ctrl_qid_release(struct nvmu_ctrl *ctrl, uint16_t qid)
{
	if (qid >= 1 && qid <= ctrl->io_queues)
		put_qid(ctrl, qid);
}

static int pick_entries(const struct nvmu_ctrl *ctrl, const struct nvmu_qpair_opts *opts,
			uint32_t *entries)
{
	uint32_t max = nvmu_ctrl_max_queue_entries(ctrl);
	uint32_t want = opts ? opts->entries : 0;

	if (want == 0) {
		*entries = NVMU_IO_ENTRIES_DEFAULT < max ? NVMU_IO_ENTRIES_DEFAULT : max;
		return 0;
	}
	if (want < 2 || want > max)
		return nvmu_fail(EINVAL, "%s: I/O queue size %u is outside 2..%u (CAP.MQES+1)",
				 ctrl->t->name, want, max);
	*entries = want;
	return 0;
}

/* Connect an eventfd to the interrupt of @qp. The CQ uses the MSI-X vector whose number
 * is its QID, since vector 0 belongs to the admin queue; a device with too few vectors
 * gets -ENOSPC. */
static int connect_irq(struct nvmu_qpair *qp)
{
	struct nvmu_transport *t = qp->ctrl->t;
	uint32_t vectors = t->ops->irq_count(t);
	int ret;

	if (qp->qid >= vectors)
		return nvmu_fail(ENOSPC, "%s: queue %u needs MSI-X vector %u; the device has %u",
				 t->name, qp->qid, qp->qid, vectors);
	qp->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (qp->efd < 0)
		return nvmu_fail(errno, "eventfd for queue %u: %s", qp->qid, strerror(errno));
	ret = t->ops->irq_connect(t, qp->qid, qp->efd);
	if (ret < 0) {
		close(qp->efd);
		qp->efd = -1;
		return ret;
	}
	qp->vector = qp->qid;
	return 0;
}

static void disconnect_irq(struct nvmu_qpair *qp)
{
	struct nvmu_transport *t = qp->ctrl->t;

	if (qp->vector >= 0)
		t->ops->irq_connect(t, (uint32_t)qp->vector, -1);
	if (qp->efd >= 0)
		close(qp->efd);
	qp->vector = -1;
	qp->efd = -1;
}

/* How many consumed entries the CQ head doorbell of @qp may lag behind. A queue with
 * an interrupt rings at every reap: the controller may keep the interrupt asserted, or
 * coalesce the next one, by the head it knows. With shadow doorbells a head update is a
 * memory write that the controller reads itself, so there is nothing to save. Otherwise
 * a quarter of the queue: one doorbell write per 16 completions on a 64-entry queue,
 * instead of one per poll that found any. */
static uint16_t polled_cq_lag(const struct nvmu_qpair *qp)
{
	return qp->vector < 0 && !qp->cq.shadow ? qp->cq.size / 4 : 0;
}

/* Send a queue command (create or delete). During a reset, the resetting thread already
 * holds the admin lock and calls this itself, so the lock must not be taken again. */
static int queue_cmd(struct nvmu_ctrl *ctrl, struct nvmu_sqe *cmd)
{
	if (ctrl_state(ctrl) == NVMU_CTRL_RESETTING)
		return admin_cmd_locked(ctrl, cmd, 0, 0, 0, NULL);
	return nvmu_admin_cmd(ctrl, cmd, 0, 0, 0, NULL);
}

static int create_cq(struct nvmu_qpair *qp)
{
	struct nvmu_sqe cmd = {
		.opcode = nvme_admin_create_cq,
		.prp1 = qp->cq_mem.iova,
		.cdw10 = (uint32_t)(qp->cq.size - 1u) << 16 | qp->qid,
		.cdw11 = NVMU_QUEUE_PHYS_CONTIG,
	};

	if (qp->vector >= 0)
		cmd.cdw11 |= NVMU_CQ_IRQ_ENABLED | (uint32_t)qp->vector << 16;
	return queue_cmd(qp->ctrl, &cmd);
}

static int create_sq(struct nvmu_qpair *qp)
{
	struct nvmu_sqe cmd = {
		.opcode = nvme_admin_create_sq,
		.prp1 = qp->sq_mem.iova,
		.cdw10 = (uint32_t)(qp->sq.size - 1u) << 16 | qp->qid,
		.cdw11 = (uint32_t)qp->qid << 16 | NVMU_QUEUE_PHYS_CONTIG,
	};

	return queue_cmd(qp->ctrl, &cmd);
}

static int delete_queue(struct nvmu_ctrl *ctrl, uint8_t opcode, uint16_t qid);

int io_queue_create_on_device(struct nvmu_qpair *qp)
{
	int ret = create_cq(qp);

	if (ret < 0)
		return nvmu_fail_context(-ret, "create I/O CQ %u (%u entries)", qp->qid,
					 qp->cq.size);
	ret = create_sq(qp);
	if (ret < 0) {
		nvmu_fail_context(-ret, "create I/O SQ %u (%u entries)", qp->qid, qp->sq.size);
		delete_queue(qp->ctrl, nvme_admin_delete_cq, qp->qid);
	}
	return ret;
}

static int delete_queue(struct nvmu_ctrl *ctrl, uint8_t opcode, uint16_t qid)
{
	struct nvmu_sqe cmd = { .opcode = opcode, .cdw10 = qid };

	return queue_cmd(ctrl, &cmd);
}

static void unlink_qpair(struct nvmu_qpair *qp)
{
	struct nvmu_qpair **p = &qp->ctrl->qpairs;

	pthread_mutex_lock(&qp->ctrl->state_lock);
	while (*p && *p != qp)
		p = &(*p)->next;
	if (*p)
		*p = qp->next;
	qp->ctrl->qid_used[qp->qid] = false;
	pthread_mutex_unlock(&qp->ctrl->state_lock);
}

/* Apply the timeout and retry count of @opts to @qp. A pair that may repost its commands
 * keeps a copy of each one it submits, so the copies are allocated here. */
static int apply_recovery_opts(struct nvmu_qpair *qp, const struct nvmu_qpair_opts *opts)
{
	int ret = 0;

	if (opts && opts->timeout_ms)
		ret = nvmu_qpair_set_timeout(qp, opts->timeout_ms);
	if (ret == 0 && opts && opts->retries) {
		qp->retries = opts->retries;
		qp->saved = calloc(qp->trk.n, sizeof(*qp->saved));
		if (!qp->saved)
			ret = nvmu_fail(ENOMEM, "out of memory for the commands of queue %u",
					qp->qid);
		else
			nvmu_qpair_hold_set(qp, NVMU_QPAIR_HOLD_SAVED, true);
	}
	return ret;
}

int nvmu_qpair_create(struct nvmu_ctrl *ctrl, const struct nvmu_qpair_opts *user_opts,
		      struct nvmu_qpair **out)
{
	struct nvmu_qpair_opts o;
	const struct nvmu_qpair_opts *opts = OPTS_COPY(o, user_opts);
	struct nvmu_qpair *qp = NULL;
	uint32_t entries = 0;
	uint16_t qid = 0;
	int ret;

	ret = pick_entries(ctrl, opts, &entries);
	if (ret < 0)
		return ret;
	ret = take_qid(ctrl, &qid);
	if (ret < 0)
		return ret;
	if (opts && opts->sgl && !nvmu_ctrl_sgl_supported(ctrl)) {
		put_qid(ctrl, qid);
		return nvmu_fail(ENOTSUP, "%s: SGLs asked for, but Identify Controller SGLS "
				 "says the controller has none", ctrl->t->name);
	}
	ret = qpair_alloc(ctrl, qid, entries, ctrl->max_transfer, &qp);
	if (ret == 0) {
		qp->sgl_ok = nvmu_ctrl_sgl_supported(ctrl);
		qp->sgl = opts && opts->sgl;
		nvmu_qpair_hold_set(qp, NVMU_QPAIR_HOLD_SGL, qp->sgl);
	}
	if (ret == 0)
		ret = apply_recovery_opts(qp, opts);
	if (ret == 0 && opts && opts->interrupts)
		ret = connect_irq(qp);
	if (ret == 0) {
		qp->cq.lag = polled_cq_lag(qp);
		ret = io_queue_create_on_device(qp);
	}
	if (ret < 0) {
		put_qid(ctrl, qid);
		if (qp)
			disconnect_irq(qp);
		qpair_free(qp);
		return ret;
	}
	pthread_mutex_lock(&ctrl->state_lock);
	nvmu_qpair_hold_set(qp, NVMU_QPAIR_HOLD_HALTED, ctrl_state(ctrl) != NVMU_CTRL_LIVE);
	qp->next = ctrl->qpairs;
	ctrl->qpairs = qp;
	pthread_mutex_unlock(&ctrl->state_lock);
	*out = qp;
	return 0;
}

int nvmu_qpair_delete(struct nvmu_qpair *qp)
{
	struct nvmu_ctrl *ctrl;
	int ret, ret_cq;

	if (!qp)
		return 0;
	ctrl = qp->ctrl;
	ret = ret_cq = 0;
	/* A callback run below may submit again. The halted flag makes that submission fail
	 * with -ESHUTDOWN, so no command is left behind on a queue about to be freed. */
	qp->deleting = true;
	nvmu_qpair_hold_set(qp, NVMU_QPAIR_HOLD_HALTED, true);
	if (ctrl_state(ctrl) != NVMU_CTRL_REMOVED) {
		ret = delete_queue(ctrl, nvme_admin_delete_sq, qp->qid);
		if (ret < 0)
			nvmu_fail_context(-ret, "delete I/O SQ %u", qp->qid);
		ret_cq = delete_queue(ctrl, nvme_admin_delete_cq, qp->qid);
		if (ret_cq < 0 && ret == 0)
			ret = nvmu_fail_context(-ret_cq, "delete I/O CQ %u", qp->qid);
	}
	/* The queue is gone, so whatever is still in flight ends now, each command once. */
	qpair_end_all(qp, ctrl_state(ctrl) == NVMU_CTRL_REMOVED
				  ? NVMU_STATUS_HOST(NVME_SC_HOST_PATH_ERROR)
				  : NVMU_STATUS_HOST(NVME_SC_CMD_ABORTED_BY_HOST));
	qpair_complete_ended(qp);
	disconnect_irq(qp);
	unlink_qpair(qp);
	qpair_free(qp);
	return ret;
}

int io_queue_delete_on_device(struct nvmu_qpair *qp, uint32_t timeout_ms)
{
	struct nvmu_sqe sq = { .opcode = nvme_admin_delete_sq, .cdw10 = qp->qid };
	struct nvmu_sqe cq = { .opcode = nvme_admin_delete_cq, .cdw10 = qp->qid };
	int ret = admin_cmd_locked(qp->ctrl, &sq, 0, 0, timeout_ms, NULL);

	if (ret == 0)
		ret = admin_cmd_locked(qp->ctrl, &cq, 0, 0, timeout_ms, NULL);
	return ret;
}

void io_queues_delete_all(struct nvmu_ctrl *ctrl)
{
	while (ctrl->qpairs)
		nvmu_qpair_delete(ctrl->qpairs);
}

void nvmu_qpair_rings(const struct nvmu_qpair *qp, struct nvmu_dma_buf *sq, struct nvmu_dma_buf *cq)
{
	*sq = qp->sq_mem;
	*cq = qp->cq_mem;
}
