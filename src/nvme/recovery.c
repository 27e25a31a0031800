/* SPDX-License-Identifier: MIT */
/*
 * Controller states and recovery: asking for a reset, removal, ending commands the
 * device will never answer, and the reset itself, which brings the controller back
 * behind the same queue-pair handles.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nvme_internal.h"

#define CSTS_ALL_ONES 0xffffffffu
#define RESET_DELETE_TIMEOUT_MS 2000 /* per Delete I/O SQ/CQ before a reset */

/* Halt or release every I/O pair. The admin pair is halted only when the device is gone,
 * because the reset itself still needs it; a pair being deleted stays halted. */
static void halt_all(struct nvmu_ctrl *ctrl, bool halted)
{
	bool removed = ctrl_state(ctrl) == NVMU_CTRL_REMOVED;

	nvmu_qpair_hold_set(ctrl->admin, NVMU_QPAIR_HOLD_HALTED, halted && removed);
	for (struct nvmu_qpair *qp = ctrl->qpairs; qp; qp = qp->next)
		nvmu_qpair_hold_set(qp, NVMU_QPAIR_HOLD_HALTED, halted || qp->deleting);
}

/* Move to state @st and record why, from @fmt, unless @fmt is NULL. The caller holds
 * state_lock. Every pair is halted or released to match the new state. */
static void set_state(struct nvmu_ctrl *ctrl, enum nvmu_ctrl_state st, const char *fmt,
		      va_list ap)
{
	ctrl_set_state(ctrl, st);
	if (fmt)
		vsnprintf(ctrl->reason, sizeof(ctrl->reason), fmt, ap);
	halt_all(ctrl, st != NVMU_CTRL_LIVE);
}

void ctrl_request_reset(struct nvmu_ctrl *ctrl, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&ctrl->state_lock);
	if (ctrl_state(ctrl) == NVMU_CTRL_LIVE) {
		va_start(ap, fmt);
		set_state(ctrl, NVMU_CTRL_NEEDS_RESET, fmt, ap);
		va_end(ap);
		nvmu_log(NVMU_LOG_WARN, "%s: controller needs a reset: %s", ctrl->t->name,
			 ctrl->reason);
	}
	pthread_mutex_unlock(&ctrl->state_lock);
}

/* Make every pair run its periodic check at its next poll (state_lock held), so a pair
 * other than the one that noticed the removal ends its commands then, not up to a check
 * interval later. */
static void check_all_now(struct nvmu_ctrl *ctrl)
{
	__atomic_store_n(&ctrl->admin->next_check, 0, __ATOMIC_RELAXED);
	for (struct nvmu_qpair *qp = ctrl->qpairs; qp; qp = qp->next)
		__atomic_store_n(&qp->next_check, 0, __ATOMIC_RELAXED);
}

static void mark_removed(struct nvmu_ctrl *ctrl, const char *fmt, ...) NVMU_PRINTF(2, 3);
static void mark_removed(struct nvmu_ctrl *ctrl, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&ctrl->state_lock);
	if (ctrl_state(ctrl) != NVMU_CTRL_REMOVED) {
		va_start(ap, fmt);
		set_state(ctrl, NVMU_CTRL_REMOVED, fmt, ap);
		va_end(ap);
		check_all_now(ctrl);
		nvmu_log(NVMU_LOG_WARN, "%s: device removed: %s", ctrl->t->name, ctrl->reason);
	}
	pthread_mutex_unlock(&ctrl->state_lock);
}

void nvmu_ctrl_set_removed(struct nvmu_ctrl *ctrl, const char *why)
{
	mark_removed(ctrl, "%s", why && *why ? why : "marked removed by the application");
}

enum nvmu_ctrl_state nvmu_ctrl_state(const struct nvmu_ctrl *ctrl)
{
	return ctrl_state(ctrl);
}

const char *nvmu_ctrl_state_name(enum nvmu_ctrl_state st)
{
	switch (st) {
	case NVMU_CTRL_LIVE: return "live";
	case NVMU_CTRL_NEEDS_RESET: return "needs reset";
	case NVMU_CTRL_RESETTING: return "resetting";
	case NVMU_CTRL_FAILED: return "failed";
	case NVMU_CTRL_REMOVED: return "removed";
	}
	return "?";
}

const char *nvmu_ctrl_reason(const struct nvmu_ctrl *ctrl)
{
	return ctrl->reason;
}

void nvmu_ctrl_recovery_stats(const struct nvmu_ctrl *ctrl, struct nvmu_ctrl_recovery_stats *st)
{
	*st = ctrl->rec;
}

enum nvmu_ctrl_state nvmu_ctrl_check(struct nvmu_ctrl *ctrl)
{
	struct nvmu_transport *t = ctrl->t;
	enum nvmu_ctrl_state st = ctrl_state(ctrl);
	uint32_t csts;

	if (st == NVMU_CTRL_REMOVED || st == NVMU_CTRL_RESETTING)
		return st;
	if (t->ops->gone && t->ops->gone(t)) {
		mark_removed(ctrl, "%s", t->ops->why_gone ? t->ops->why_gone(t)
			     : "the system asked for the device back (hot-remove)");
		return NVMU_CTRL_REMOVED;
	}
	csts = ctrl_read32(ctrl, NVME_REG_CSTS);
	if (csts == CSTS_ALL_ONES)
		mark_removed(ctrl, "its registers read all-ones");
	else if (NVME_CSTS_CFS(csts))
		ctrl_request_reset(ctrl, "controller fatal status (CSTS.CFS=1, CSTS=%#x)", csts);
	return ctrl_state(ctrl);
}

int cpl_err(const struct nvmu_tracker *trk, uint16_t status)
{
	if ((trk->flags & TRK_ENDED) && status == NVMU_STATUS_HOST(NVME_SC_HOST_PATH_ERROR))
		return -ENODEV;
	if (trk->flags & TRK_TIMED_OUT)
		return -ETIMEDOUT;
	if (trk->flags & TRK_ENDED)
		return -ECANCELED;
	return -EREMOTEIO;
}

/* Mark @trk as ended with @status, unless it already is. Its callback does not run here:
 * qpair_complete_ended() runs it later, from the poll on the pair's own thread. An
 * abandoned tracker has no callback and is freed at once, since its answer will never
 * come. */
static void end_one(struct nvmu_qpair *qp, struct nvmu_tracker *trk, uint16_t status)
{
	if (trk->state == TRACKER_ABANDONED) {
		tracker_put(&qp->trk, trk);
		qp->dropped++;
	} else if (trk->state == TRACKER_BUSY && !(trk->flags & TRK_ENDED)) {
		tracker_refuse(trk);
		trk->flags |= TRK_ENDED;
		trk->end_status = status;
		qp->ended++;
		qp->stats.ended++;
	}
}

void qpair_end_all(struct nvmu_qpair *qp, uint16_t status)
{
	for (uint32_t i = 0; i < qp->trk.n; i++)
		end_one(qp, &qp->trk.t[i], status);
}

void qpair_complete_ended(struct nvmu_qpair *qp)
{
	struct nvmu_tracker_table *tt = &qp->trk;

	for (uint32_t i = 0; i < tt->n && qp->ended; i++) {
		struct nvmu_tracker *trk = &tt->t[i];
		struct nvmu_cpl cpl = { 0 };
		nvmu_cmd_cb cb;
		void *arg;

		if (trk->state != TRACKER_BUSY || !(trk->flags & TRK_ENDED))
			continue;
		cpl.status = trk->end_status;
		cpl.err = cpl_err(trk, cpl.status);
		cb = trk->cb;
		arg = trk->arg;
		trk->flags = 0;
		qp->ended--;
		qp->dropped++;
		tracker_put(tt, trk); /* before the callback, which may submit again */
		if (cb)
			cb(arg, &cpl);
	}
}

/* ---- the reset ---- */

/* Zero a queue pair's ring state as a newly created queue has it. */
static void rings_reset(struct nvmu_qpair *qp)
{
	memset(qp->cq_mem.vaddr, 0, (size_t)qp->cq.size * sizeof(struct nvmu_cqe));
	qp->sq.tail = qp->sq.head = qp->sq.rung = 0;
	qp->cq.head = qp->cq.rung = 0;
	qp->cq.phase = 1;
	qp->cq.wrapped = false;
	if (qp->sq.shadow) {
		*qp->sq.shadow = 0;
		*qp->sq.eventidx = 0;
		*qp->cq.shadow = 0;
		*qp->cq.eventidx = 0;
	}
}

/* Sort @qp's commands in flight: the ones to repost keep their tracker (TRK_REPOST), the
 * others end with Command Aborted By Host. */
static void sort_in_flight(struct nvmu_qpair *qp)
{
	for (uint32_t i = 0; i < qp->trk.n; i++) {
		struct nvmu_tracker *trk = &qp->trk.t[i];

		if (trk->state == TRACKER_BUSY && !(trk->flags & (TRK_ENDED | TRK_TIMED_OUT)) &&
		    qp->saved && trk->retries < qp->retries)
			trk->flags |= TRK_REPOST;
		else
			end_one(qp, trk, NVMU_STATUS_HOST(NVME_SC_CMD_ABORTED_BY_HOST));
	}
}

/* Put the commands kept for a repost back on the fresh queue, or end them if it failed. */
static void repost(struct nvmu_qpair *qp, bool ok)
{
	struct nvmu_tracker_table *tt = &qp->trk;

	for (uint32_t i = 0; i < tt->n; i++) {
		struct nvmu_tracker *trk = &tt->t[i];

		if (trk->state != TRACKER_BUSY || !(trk->flags & TRK_REPOST))
			continue;
		trk->flags &= (uint8_t)~TRK_REPOST;
		if (!ok) {
			end_one(qp, trk, NVMU_STATUS_HOST(NVME_SC_CMD_ABORTED_BY_HOST));
			continue;
		}
		qpair_repost(qp, trk);
	}
	if (ok)
		nvmu_sq_ring(&qp->sq);
}

/* Bring the controller back after the disable: enable it, ask again for the same number
 * of queues, restore the shadow doorbells and create every I/O queue again. A controller
 * that now grants fewer queues than are in use fails the reset with -EREMOTEIO. */
static int bring_back(struct nvmu_ctrl *ctrl)
{
	struct nvmu_cpl cpl;
	struct nvmu_sqe nq = {
		.opcode = nvme_admin_set_features,
		.cdw10 = NVME_FEAT_FID_NUM_QUEUES,
		.cdw11 = NVME_SET(ctrl->io_queues - 1u, FEAT_NRQS_NSQR) |
			 NVME_SET(ctrl->io_queues - 1u, FEAT_NRQS_NCQR),
	};
	int ret = ctrl_enable(ctrl);

	if (ret < 0)
		return nvmu_fail_context(-ret, "re-enabling the controller");
	ret = admin_cmd_locked(ctrl, &nq, 0, 0, 0, &cpl);
	if (ret < 0)
		return nvmu_fail_context(-ret, "set features number of queues after the reset");
	if (NVME_GET(cpl.dw0, FEAT_NRQS_NSQR) + 1u < ctrl->io_queues ||
	    NVME_GET(cpl.dw0, FEAT_NRQS_NCQR) + 1u < ctrl->io_queues)
		return nvmu_fail(EREMOTEIO, "%s: after the reset the controller grants fewer I/O "
				 "queues (dw0 %#x) than the %u in use", ctrl->t->name, cpl.dw0,
				 ctrl->io_queues);
	dbbuf_restore(ctrl);
	for (struct nvmu_qpair *qp = ctrl->qpairs; qp && ret == 0; qp = qp->next)
		ret = io_queue_create_on_device(qp);
	return ret;
}

/*
 * A controller that still answers gets its I/O queues deleted before the disable, as
 * Linux does: the device then ends its commands in flight itself (Aborted due to SQ
 * Deletion; those completions are not reaped - the reset ends the commands) instead of
 * having the disable pull the queues from under requests it is still executing. A
 * failed (@was FAILED: its last reset may have left some queues uncreated) or fatal
 * controller goes straight to the disable.
 */
static void delete_io_queues(struct nvmu_ctrl *ctrl, enum nvmu_ctrl_state was)
{
	uint32_t csts = ctrl_read32(ctrl, NVME_REG_CSTS);

	if (was == NVMU_CTRL_FAILED || csts == CSTS_ALL_ONES || NVME_CSTS_CFS(csts) ||
	    !NVME_CSTS_RDY(csts))
		return;
	for (struct nvmu_qpair *qp = ctrl->qpairs; qp; qp = qp->next) {
		if (io_queue_delete_on_device(qp, RESET_DELETE_TIMEOUT_MS) < 0) {
			nvmu_log(NVMU_LOG_INFO, "%s: queue %u not deleted before the reset (%s)",
				 ctrl->t->name, qp->qid, nvmu_last_error());
			return;
		}
	}
}

/* The device went away during the reset. The commands the reset ended are given the
 * status of a removal, so their callers see -ENODEV and not a cancelled command. */
static void ended_by_removal(struct nvmu_qpair *qp)
{
	for (uint32_t i = 0; i < qp->trk.n; i++) {
		struct nvmu_tracker *trk = &qp->trk.t[i];

		if (trk->state == TRACKER_BUSY && (trk->flags & TRK_ENDED))
			trk->end_status = NVMU_STATUS_HOST(NVME_SC_HOST_PATH_ERROR);
	}
}

void nvmu_ctrl_set_reset_hook(struct nvmu_ctrl *ctrl, nvmu_ctrl_reset_hook hook, void *arg)
{
	ctrl->reset_hook = hook;
	ctrl->reset_hook_arg = arg;
}

/* The reset itself; nvmu_ctrl_reset() adds the hook's calls around it. */
static int reset(struct nvmu_ctrl *ctrl)
{
	uint64_t start = nvmu_now_ns();
	enum nvmu_ctrl_state was;
	bool removed;
	int ret;

	pthread_mutex_lock(&ctrl->admin_lock);
	pthread_mutex_lock(&ctrl->state_lock);
	was = ctrl_state(ctrl);
	removed = was == NVMU_CTRL_REMOVED;
	if (!removed) {
		ctrl_set_state(ctrl, NVMU_CTRL_RESETTING);
		halt_all(ctrl, true);
	}
	pthread_mutex_unlock(&ctrl->state_lock);
	if (removed) {
		pthread_mutex_unlock(&ctrl->admin_lock);
		return nvmu_fail(ENODEV, "%s: cannot reset a removed device (%s)", ctrl->t->name,
				 ctrl->reason);
	}
	nvmu_log(NVMU_LOG_INFO, "%s: resetting the controller", ctrl->t->name);
	delete_io_queues(ctrl, was);
	ret = ctrl_disable(ctrl);
	/* The device no longer uses any queue: sort what was in flight. */
	qpair_end_all(ctrl->admin, NVMU_STATUS_HOST(NVME_SC_CMD_ABORTED_BY_HOST));
	qpair_complete_ended(ctrl->admin);
	rings_reset(ctrl->admin);
	for (struct nvmu_qpair *qp = ctrl->qpairs; qp; qp = qp->next) {
		sort_in_flight(qp);
		rings_reset(qp);
	}
	if (ret == 0) {
		ret = bring_back(ctrl);
	} else {
		nvmu_fail_context(-ret, "disabling the controller for a reset");
	}
	for (struct nvmu_qpair *qp = ctrl->qpairs; qp; qp = qp->next) {
		repost(qp, ret == 0);
		if (ret == -ENODEV)
			ended_by_removal(qp);
	}
	pthread_mutex_lock(&ctrl->state_lock);
	if (ret == 0) {
		ctrl_set_state(ctrl, NVMU_CTRL_LIVE);
		ctrl->reason[0] = '\0';
		halt_all(ctrl, false);
		ctrl->rec.resets++;
		ctrl->rec.last_reset_us = (nvmu_now_ns() - start) / 1000u;
	} else {
		ctrl_set_state(ctrl, ret == -ENODEV ? NVMU_CTRL_REMOVED : NVMU_CTRL_FAILED);
		snprintf(ctrl->reason, sizeof(ctrl->reason), "reset failed: %s", nvmu_last_error());
		halt_all(ctrl, true);
		ctrl->rec.resets_failed++;
	}
	pthread_mutex_unlock(&ctrl->state_lock);
	pthread_mutex_unlock(&ctrl->admin_lock);
	if (ret == 0)
		nvmu_log(NVMU_LOG_INFO, "%s: controller reset in %llu us", ctrl->t->name,
			 (unsigned long long)ctrl->rec.last_reset_us);
	return ret;
}

int nvmu_ctrl_reset(struct nvmu_ctrl *ctrl)
{
	char saved[256];
	int ret;

	/* Before the admin lock: the hook waits for other processes, whose admin commands
	 * the sharing thread may be running. */
	if (ctrl->reset_hook)
		ctrl->reset_hook(ctrl->reset_hook_arg, true, 0);
	ret = reset(ctrl);
	if (ctrl->reset_hook) {
		snprintf(saved, sizeof(saved), "%s", nvmu_last_error());
		ctrl->reset_hook(ctrl->reset_hook_arg, false, ret);
		if (ret < 0)
			nvmu_fail(-ret, "%s", saved);
	}
	return ret;
}
