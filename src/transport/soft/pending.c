/* SPDX-License-Identifier: MIT */
/* Commands fetched but not completed: Asynchronous Event Requests waiting for an event,
 * commands held by a fault (never, late), and the queue of events not yet reported. */
#include <errno.h>
#include <stdlib.h>

#include "soft.h"

static void unlink_pending(struct soft_ctrl *c, struct soft_pending **link)
{
	struct soft_pending *p = *link;

	*link = p->next;
	if (p->kind == PENDING_AER)
		c->aers--;
	c->npending--;
	c->stats.pending = c->npending;
	free(p);
}

void soft_pending_add(struct soft_ctrl *c, enum soft_pending_kind kind, const struct soft_cmd *cmd,
		      uint16_t status, uint32_t delay_ms, uint32_t delay_steps)
{
	struct soft_pending *p = calloc(1, sizeof(*p)), **tail = &c->pending;

	if (!p) {
		nvmu_log(NVMU_LOG_ERROR, "%s: out of memory holding CID %#x; completing it now",
			 c->name, cmd->sqe.cid);
		soft_cq_post(c, cmd->sqid, cmd->sqe.cid, cmd->dw0, status, false, -1);
		return;
	}
	*p = (struct soft_pending){
		.kind = kind, .sqid = cmd->sqid, .cid = cmd->sqe.cid, .dw0 = cmd->dw0,
		.status = status,
		.due_ns = delay_ms ? nvmu_now_ns() + (uint64_t)delay_ms * 1000000u : 0,
		.due_step = delay_steps ? c->steps + delay_steps : 0,
	};
	while (*tail) /* in arrival order: AERs complete first come, first served */
		tail = &(*tail)->next;
	*tail = p;
	if (kind == PENDING_AER)
		c->aers++;
	c->npending++;
	c->stats.pending = c->npending;
}

bool soft_pending_has_cid(struct soft_ctrl *c, uint16_t sqid, uint16_t cid)
{
	for (struct soft_pending *p = c->pending; p; p = p->next)
		if (p->sqid == sqid && p->cid == cid)
			return true;
	return false;
}

static bool due(const struct soft_ctrl *c, const struct soft_pending *p)
{
	if (p->kind != PENDING_LATE)
		return false;
	if (!p->due_ns && !p->due_step)
		return true;
	return (p->due_ns && nvmu_now_ns() >= p->due_ns) ||
	       (p->due_step && c->steps >= p->due_step);
}

/* The oldest event not yet reported, removed from the queue. */
static uint32_t take_event(struct soft_ctrl *c)
{
	uint32_t ev = c->events[0];

	for (uint32_t i = 1; i < c->nevents; i++)
		c->events[i - 1] = c->events[i];
	c->nevents--;
	return ev;
}

unsigned soft_pending_tick(struct soft_ctrl *c)
{
	struct soft_pending **link = &c->pending;
	unsigned n = 0;

	while (*link) {
		struct soft_pending *p = *link;
		bool aer_ready = p->kind == PENDING_AER && c->nevents > 0;

		if ((aer_ready || due(c, p)) &&
		    soft_cq_post(c, p->sqid, p->cid, aer_ready ? c->events[0] : p->dw0, p->status,
				 false, -1)) {
			if (aer_ready)
				take_event(c);
			unlink_pending(c, link);
			n++;
			continue;
		}
		link = &p->next;
	}
	return n;
}

bool soft_pending_abort(struct soft_ctrl *c, uint16_t sqid, uint16_t cid, uint16_t status)
{
	for (struct soft_pending **link = &c->pending; *link; link = &(*link)->next) {
		if ((*link)->sqid == sqid && (*link)->cid == cid) {
			soft_cq_post(c, sqid, cid, 0, status, false, -1);
			unlink_pending(c, link);
			return true;
		}
	}
	return false;
}

void soft_pending_abort_sq(struct soft_ctrl *c, uint16_t sqid, uint16_t status)
{
	struct soft_pending **link = &c->pending;

	while (*link) {
		if ((*link)->sqid == sqid) {
			soft_cq_post(c, sqid, (*link)->cid, 0, status, false, -1);
			unlink_pending(c, link);
		} else {
			link = &(*link)->next;
		}
	}
}

void soft_pending_drop(struct soft_ctrl *c)
{
	while (c->pending)
		unlink_pending(c, &c->pending);
}

int soft_event_queue(struct soft_ctrl *c, uint32_t dw0)
{
	if (c->nevents == SOFT_MAX_EVENTS)
		return nvmu_fail(ENOSPC, "%s: %u asynchronous events already queued", c->name,
				 SOFT_MAX_EVENTS);
	c->events[c->nevents++] = dw0;
	return 0;
}
