/* SPDX-License-Identifier: MIT */
/*
 * The periodic check of a queue pair, run from its poll every 100 ms (gated by a tick
 * count, so the hot path reads no clock): the controller's status (removed, fatal), then
 * the deadlines of its commands and the SQ head the device reports. A command whose
 * deadline passes is aborted (I/O) or makes the controller ask for a reset (admin); one
 * that an Abort did not end within another deadline asks for a reset too, as does an SQ
 * head that stays behind completed commands.
 *
 * Deadlines are kept on a coarse per-pair clock (now_ms) that advances at each check by
 * the time since the previous one, but by at most CHECK_STEP_MAX_MS: a pair nobody polled
 * for a while does not see a command it just submitted as already overdue. Deadlines
 * therefore count time during which the pair is polled. A command is stamped with the
 * clock of the last check, up to one check interval old, so it is overdue only once the
 * clock passed its deadline by a whole interval: never early, at most two intervals late.
 */
#include <stdlib.h>

#include "nvme_internal.h"

#define CHECK_STEP_MAX_MS 250

uint32_t ctrl_now_ms(const struct nvmu_ctrl *ctrl)
{
	return (uint32_t)((nvmu_now_ns() - ctrl->t0_ns) / 1000000u);
}

uint64_t check_interval_ticks(const struct nvmu_ctrl *ctrl)
{
	double rate; /* every pair's check stores it, so a relaxed load is enough */

	__atomic_load(&ctrl->ticks_per_ns, &rate, __ATOMIC_RELAXED);
	return (uint64_t)(rate * NVMU_CHECK_INTERVAL_MS * 1e6);
}

struct abort_ctx {
	struct nvmu_ctrl *ctrl;
	uint16_t qid, cid;
};

/* The Abort's answer: dw0 bit 0 clear means the command was aborted (it then completes
 * with Command Abort Requested); otherwise only a reset ends it. */
static void abort_done(void *arg, const struct nvmu_cpl *cpl)
{
	struct abort_ctx *a = arg;
	char text[NVMU_STATUS_TEXT_MAX];

	if (cpl->err == 0 && !(cpl->dw0 & 1)) {
		a->ctrl->rec.aborts_done++;
	} else if (cpl->err == 0) {
		ctrl_request_reset(a->ctrl, "Abort of CID %#x on queue %u: the controller did not "
				   "abort it", a->cid, a->qid);
	} else if (cpl->err == -EREMOTEIO) {
		ctrl_request_reset(a->ctrl, "Abort of CID %#x on queue %u failed: %s", a->cid,
				   a->qid, nvmu_status_text(cpl->status, text, sizeof(text)));
	}
	free(a);
}

static void send_abort(struct nvmu_qpair *qp, struct nvmu_tracker *trk)
{
	struct nvmu_ctrl *ctrl = qp->ctrl;
	struct abort_ctx *a = malloc(sizeof(*a));
	struct nvmu_sqe cmd = { .opcode = nvme_admin_abort_cmd };
	int ret = -ENOMEM;

	if (a) {
		*a = (struct abort_ctx){ ctrl, qp->qid, nvmu_tracker_cid(trk) };
		cmd.cdw10 = (uint32_t)a->cid << 16 | qp->qid;
		ret = nvmu_admin_submit(ctrl, &cmd, 0, 0, abort_done, a);
	}
	if (ret < 0) {
		free(a);
		ctrl_request_reset(ctrl, "CID %#x on queue %u timed out and no Abort could be sent "
				   "(%s)", nvmu_tracker_cid(trk), qp->qid, nvmu_last_error());
		return;
	}
	ctrl->rec.aborts_sent++;
	trk->flags |= TRK_ABORT_SENT;
}

/* @trk's deadline passed. An I/O command gets an Abort and a second, shorter deadline;
 * an admin command cannot be aborted on its own queue, so it makes the controller ask
 * for a reset instead, as does an I/O command whose Abort did not end it in time. */
static void overdue(struct nvmu_qpair *qp, struct nvmu_tracker *trk)
{
	struct nvmu_ctrl *ctrl = qp->ctrl;
	uint32_t wait = qp->timeout_ms < ctrl->admin_timeout_ms ? qp->timeout_ms
								 : ctrl->admin_timeout_ms;

	if (trk->flags & TRK_TIMED_OUT) {
		ctrl_request_reset(ctrl, "CID %#x on queue %u was not ended by its Abort within "
				   "%u ms", nvmu_tracker_cid(trk), qp->qid, wait);
		trk->flags |= TRK_NO_TIMEOUT; /* ask for the reset only once */
		return;
	}
	trk->flags |= TRK_TIMED_OUT;
	qp->stats.timeouts++;
	ctrl->rec.timeouts++;
	nvmu_log(NVMU_LOG_WARN, "%s: queue %u: CID %#x got no completion within its deadline%s",
		 ctrl->t->name, qp->qid, nvmu_tracker_cid(trk), qp->qid ? "; aborting it" : "");
	if (qp->qid == 0) {
		ctrl_request_reset(ctrl, "admin command CID %#x timed out", nvmu_tracker_cid(trk));
		trk->flags |= TRK_NO_TIMEOUT;
		return;
	}
	trk->deadline = qp->now_ms + (wait ? wait : NVMU_TIMEOUT_MIN_MS);
	send_abort(qp, trk);
}

static void check_deadlines(struct nvmu_qpair *qp)
{
	struct nvmu_tracker_table *tt = &qp->trk;
	uint32_t in_use = nvmu_qpair_outstanding(qp);

	for (uint32_t i = 0, seen = 0; i < tt->n && seen < in_use; i++) {
		struct nvmu_tracker *trk = &tt->t[i];

		if (trk->state == TRACKER_FREE)
			continue;
		seen++;
		if (trk->state != TRACKER_BUSY || (trk->live_cid & TRACKER_IDLE) ||
		    (trk->flags & TRK_NO_TIMEOUT) || !nvmu_qpair_overdue(qp, trk->deadline))
			continue;
		overdue(qp, trk);
	}
}

/*
 * Every SQ slot the device has not fetched holds a command still in flight, so a head
 * that leaves more slots unfetched than commands are in flight is behind commands the
 * device already completed: it was reported wrong. The general submission path then sees
 * a fuller queue than there is, and once it looks full nothing more is posted and the
 * head never moves again. A head that stays so for the pair's timeout is a device
 * failure: the controller asks for a reset, which restarts the rings.
 */
static void check_sq_head(struct nvmu_qpair *qp)
{
	uint32_t unfetched = qp->sq.size - 1u - nvmu_sq_space(&qp->sq);
	uint32_t limit = qp->timeout_ms ? qp->timeout_ms : qp->ctrl->io_timeout_ms;

	if (unfetched <= nvmu_qpair_outstanding(qp)) {
		qp->head_behind = false;
		return;
	}
	if (!qp->head_behind || qp->behind_head != qp->sq.head) {
		qp->head_behind = true;
		qp->behind_head = qp->sq.head;
		qp->behind_since = qp->now_ms;
		return;
	}
	if (!nvmu_qpair_overdue(qp, qp->behind_since + limit))
		return;
	qp->head_behind = false;
	ctrl_request_reset(qp->ctrl, "queue %u: the controller reported SQ head %u for %u ms, "
			   "behind commands it completed (%u slots unfetched, %u commands in "
			   "flight): the queue cannot take commands", qp->qid, qp->sq.head, limit,
			   unfetched, nvmu_qpair_outstanding(qp));
}

void qpair_check(struct nvmu_qpair *qp)
{
	struct nvmu_ctrl *ctrl = qp->ctrl;
	uint64_t ns = nvmu_now_ns(), ticks = nvmu_ticks();
	uint64_t elapsed = ns - qp->last_check_ns;
	enum nvmu_ctrl_state st;
	uint32_t step;

	if (elapsed > 0 && ticks > qp->last_check_ticks) {
		double rate = (double)(ticks - qp->last_check_ticks) / (double)elapsed;

		__atomic_store(&ctrl->ticks_per_ns, &rate, __ATOMIC_RELAXED);
	}
	qp->last_check_ns = ns;
	qp->last_check_ticks = ticks;
	qp->next_check = ticks + check_interval_ticks(ctrl);
	elapsed /= 1000000u;
	step = (uint32_t)(elapsed < CHECK_STEP_MAX_MS ? elapsed : CHECK_STEP_MAX_MS);
	qpair_set_clock(qp, qp->now_ms + step, qp->timeout_ms);
	st = nvmu_ctrl_check(ctrl);
	if (st == NVMU_CTRL_REMOVED) {
		qpair_end_all(qp, NVMU_STATUS_HOST(NVME_SC_HOST_PATH_ERROR));
		qpair_complete_ended(qp);
		return;
	}
	if (st != NVMU_CTRL_LIVE)
		return;
	check_deadlines(qp);
	if (qp->qid)
		check_sq_head(qp);
}
