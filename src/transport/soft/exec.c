/* SPDX-License-Identifier: MIT */
/* One step of the controller: read the doorbells, fetch and execute commands (applying
 * the fault schedule), post completions, signal interrupts. */
#include "soft.h"

/* Post the completion of @cmd, altered by fault rule @r if any. */
static void complete(struct soft_ctrl *c, const struct soft_cmd *cmd, uint16_t status,
		     const struct nvmu_soft_fault *r)
{
	struct soft_sq *sq = &c->sq[cmd->sqid];
	enum nvmu_soft_fault_action a = r ? r->action : NVMU_SOFT_FAULT_ACTION_COUNT;
	uint16_t cid = cmd->sqe.cid, previous = sq->completed_any ? sq->last_cid : cid;

	soft_cq_post(c, cmd->sqid, a == NVMU_SOFT_FAULT_WRONG_CID ? r->cid : cid, cmd->dw0, status,
		     a == NVMU_SOFT_FAULT_BAD_PHASE, a == NVMU_SOFT_FAULT_BAD_SQHD ? r->cid : -1);
	if (a == NVMU_SOFT_FAULT_DUP_CID || a == NVMU_SOFT_FAULT_STALE_CID)
		soft_cq_post(c, cmd->sqid, a == NVMU_SOFT_FAULT_DUP_CID ? cid : previous, cmd->dw0,
			     status, false, -1);
	sq->last_cid = cid;
	sq->completed_any = true;
}

/* Faults that replace the command's execution; true if @r was one of them. */
static bool fault_instead(struct soft_ctrl *c, const struct soft_cmd *cmd,
			  const struct nvmu_soft_fault *r)
{
	switch (r->action) {
	case NVMU_SOFT_FAULT_REMOVE:
		c->removed = true;
		return true;
	case NVMU_SOFT_FAULT_CFS:
		soft_set_fatal(c, "fault schedule");
		return true;
	case NVMU_SOFT_FAULT_STATUS:
		if (r->status)
			soft_error_record(c, cmd, r->status);
		complete(c, cmd, r->status, NULL);
		return true;
	case NVMU_SOFT_FAULT_NEVER:
		soft_pending_add(c, PENDING_NEVER, cmd, 0, 0, 0);
		return true;
	default:
		return false;
	}
}

void soft_cmd_complete(struct soft_ctrl *c, const struct soft_cmd *cmd, uint16_t status)
{
	if (status)
		soft_error_record(c, cmd, status);
	if (soft_cq_space(&c->cq[c->sq[cmd->sqid].cqid]) == 0)
		soft_pending_add(c, PENDING_LATE, cmd, status, 0, 0);
	else
		complete(c, cmd, status, NULL);
}

static void execute(struct soft_ctrl *c, uint16_t sqid, const struct nvmu_sqe *sqe)
{
	struct soft_cmd cmd = { .sqe = *sqe, .sqid = sqid };
	const struct nvmu_soft_fault *r;
	uint16_t status;

	if (sqid == 0)
		c->stats.admin_cmds++;
	else
		c->stats.io_cmds++;
	if (soft_pending_has_cid(c, sqid, sqe->cid) || soft_file_has_cid(c, sqid, sqe->cid)) {
		soft_violation(c, NVMU_SOFT_V_CID_IN_FLIGHT, "SQ %u CID %#x (opcode %#x) reused "
			       "while a command with that CID is in flight", sqid, sqe->cid,
			       sqe->opcode);
		complete(c, &cmd, SOFT_GENERIC(NVME_SC_CMDID_CONFLICT), NULL);
		return;
	}
	r = soft_fault_match(c, &cmd);
	if (r && fault_instead(c, &cmd, r))
		return;
	/* A transfer a fault rule matched completes here, so the rule acts on its status. */
	c->defer_ok = !r;
	status = sqid ? soft_io_exec(c, &cmd) : soft_admin_exec(c, &cmd);
	c->defer_ok = false;
	if (status == SOFT_ASYNC)
		return;
	if (status == SOFT_HOLD) {
		soft_pending_add(c, PENDING_AER, &cmd, 0, 0, 0);
		return;
	}
	if (status)
		soft_error_record(c, &cmd, status);
	if (r && r->action == NVMU_SOFT_FAULT_LATE)
		soft_pending_add(c, PENDING_LATE, &cmd, status, r->delay_ms, r->delay_steps);
	else
		complete(c, &cmd, status, r);
}

/* Processing stops at once on CFS, removal or shutdown. */
static bool still_running(const struct soft_ctrl *c)
{
	return !c->fatal && !c->removed && c->shst == NVME_CSTS_SHST_NORMAL;
}

/* Execute the new commands of SQ @q while @n stays below @max (0: no bound); the new n. */
static unsigned run_sq(struct soft_ctrl *c, uint32_t q, unsigned n, unsigned max)
{
	struct soft_sq *sq = &c->sq[q];
	struct nvmu_sqe sqe;

	while (sq->live && sq->head != sq->tail && (max == 0 || n < max) && still_running(c) &&
	       soft_cq_space(&c->cq[sq->cqid]) > 0 && soft_sq_fetch(c, (uint16_t)q, &sqe)) {
		execute(c, (uint16_t)q, &sqe);
		n++;
	}
	return n;
}

unsigned soft_step_counting_locked(struct soft_ctrl *c, unsigned max, unsigned *reaped)
{
	unsigned n;

	c->steps++;
	*reaped = 0;
	if (!soft_running(c))
		return 0;
	n = *reaped = soft_file_reap(c);
	soft_doorbells_scan(c);
	n += soft_pending_tick(c);
	for (uint32_t q = 0; q <= c->o.queues; q++)
		n = run_sq(c, q, n, max);
	soft_file_submit(c);
	soft_irqs_signal(c);
	return n;
}

unsigned soft_step_locked(struct soft_ctrl *c, unsigned max)
{
	unsigned reaped;

	return soft_step_counting_locked(c, max, &reaped);
}

/* The host polls SQ @qid: the end of a transfer of this queue wakes the host (through
 * its CQ's interrupt; a host polling without one spins), which completes it itself. */
static void route_transfers(struct soft_ctrl *c, uint16_t qid)
{
	const struct soft_sq *sq = &c->sq[qid];
	const struct soft_cq *cq = &c->cq[sq->cqid];
	int fd = -1;

	if (!sq->live || !cq->live)
		return;
	if (cq->ien && cq->vector < c->vectors)
		fd = c->irq_fd[cq->vector];
	soft_file_route(c, qid, fd);
}

unsigned soft_step_queue_locked(struct soft_ctrl *c, uint16_t qid)
{
	unsigned n;

	if (!soft_running(c) || qid > c->o.queues)
		return 0;
	route_transfers(c, qid);
	n = soft_file_reap_queue(c, qid);
	soft_doorbells_scan_queue(c, qid);
	if (qid == 0) /* the admin queue: also AERs with events, and late completions */
		n += soft_pending_tick(c);
	n = run_sq(c, qid, n, 0);
	soft_file_submit_queue(c, qid);
	/* The host looks at this CQ as soon as we return: an interrupt for what was posted
	 * into it would only wake the same thread later, for nothing (a system call per
	 * command). Other CQs that got entries are signalled. */
	if (c->sq[qid].live)
		c->cq[c->sq[qid].cqid].signal = false;
	soft_irqs_signal(c);
	return n;
}
