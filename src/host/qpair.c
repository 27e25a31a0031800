/* SPDX-License-Identifier: MIT */
/* Queue pairs of the host API. Each one wraps a core queue pair and adds requests that
 * are allocated up front, so submitting never allocates memory. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "host_internal.h"
#include "support/opts.h"

#define REQUESTS_PER_ENTRY 4
#define REQUESTS_MIN 64

static int alloc_requests(struct nvmu_host_qpair *qp, uint32_t n)
{
	qp->reqs = calloc(n, sizeof(*qp->reqs));
	if (!qp->reqs)
		return nvmu_fail(ENOMEM, "out of memory for %u requests", n);
	qp->nreqs = n;
	for (uint32_t i = n; i-- > 0;) {
		qp->reqs[i].qp = qp;
		qp->reqs[i].next = qp->free;
		qp->free = &qp->reqs[i];
	}
	return 0;
}

int nvmu_host_qpair_create(struct nvmu_host_ctrl *h, const struct nvmu_host_qpair_opts *opts,
			   struct nvmu_host_qpair **out)
{
	struct nvmu_host_qpair_opts copy;
	const struct nvmu_host_qpair_opts *o = OPTS_COPY(copy, opts);
	const struct nvmu_qpair_opts co = { .entries = o->entries, .interrupts = o->interrupts,
					    .sgl = o->sgl, .timeout_ms = o->timeout_ms,
					    .retries = o->retries };
	struct nvmu_host_qpair *qp = calloc(1, sizeof(*qp));
	uint32_t nreqs;
	int ret;

	if (!qp)
		return nvmu_fail(ENOMEM, "out of memory");
	qp->h = h;
	qp->defer = o->defer_doorbell;
	qp->stop = &h->stop;
	qp->owner = pthread_self();
	/* The queue memory comes from the DMA pool, which all pairs share. */
	pthread_mutex_lock(&h->lock);
	ret = nvmu_qpair_create(h->ctrl, &co, &qp->core);
	pthread_mutex_unlock(&h->lock);
	if (ret == 0) {
		nreqs = o->requests ? o->requests
				   : nvmu_qpair_entries(qp->core) * REQUESTS_PER_ENTRY;
		ret = alloc_requests(qp, nreqs < REQUESTS_MIN && !o->requests ? REQUESTS_MIN
									    : nreqs);
	}
	if (ret < 0) {
		if (qp->core)
			nvmu_qpair_delete(qp->core);
		free(qp);
		return ret;
	}
	qp->max_desc = nvmu_qpair_max_sgl_descriptors(qp->core);
	qp->sgl_default = nvmu_qpair_sgl(qp->core);
	pthread_mutex_lock(&h->lock);
	qp->next = h->qpairs;
	h->qpairs = qp;
	pthread_mutex_unlock(&h->lock);
	*out = qp;
	return 0;
}

static void unlink_qpair(struct nvmu_host_qpair *qp)
{
	struct nvmu_host_qpair **p;

	pthread_mutex_lock(&qp->h->lock);
	for (p = &qp->h->qpairs; *p && *p != qp; p = &(*p)->next)
		;
	if (*p)
		*p = qp->next;
	pthread_mutex_unlock(&qp->h->lock);
}

int host_qpair_destroy(struct nvmu_host_qpair *qp)
{
	bool deferred = qp->delete_pending;
	int ret;

	qp->closing = true;
	qp->delete_pending = false;
	unlink_qpair(qp);
	sync_forget_pending(qp);
	pthread_mutex_lock(&qp->h->lock);
	ret = nvmu_qpair_delete(qp->core);
	pthread_mutex_unlock(&qp->h->lock);
	req_cancel_all(qp, -ECANCELED);
	if (ret < 0 && deferred)
		nvmu_log(NVMU_LOG_WARN, "%s: deleting queue pair from a callback: %s",
			 qp->h->name, nvmu_last_error());
	free(qp->reqs);
	free(qp);
	return ret;
}

int host_busy(const struct nvmu_host_qpair *qp, uintptr_t user)
{
	nvmu_log(NVMU_LOG_WARN, "%s: queue pair %u used by two threads at once (thread %#lx "
		 "is inside a call on it)", qp->h->name, nvmu_qpair_id(qp->core),
		 (unsigned long)user);
	return nvmu_fail(EBUSY, "%s: queue pair %u is in use by another thread: a queue pair "
			 "belongs to one thread at a time, so create one per thread",
			 qp->h->name, nvmu_qpair_id(qp->core));
}

int nvmu_host_qpair_delete(struct nvmu_host_qpair *qp)
{
	int ret;

	if (!qp)
		return 0;
	if ((ret = host_enter(qp, host_self())) < 0)
		return ret;
	if (qp->closing || qp->depth > 1) {
		/* Inside a call on the pair (a callback, or a deletion already under way):
		 * that call still uses the pair, so it is freed when the outermost one ends.
		 * New commands are refused from now on. */
		if (!qp->closing) {
			qp->closing = qp->delete_pending = true;
			nvmu_qpair_hold_set(qp->core, HOST_HOLD_CLOSING, true);
		}
		host_leave(qp);
		return 0;
	}
	return host_qpair_destroy(qp);
}

void host_ack_pause(struct nvmu_host_qpair *qp, uint32_t stop)
{
	if (!(nvmu_qpair_hold(qp->core) & HOST_HOLD_PAUSED))
		nvmu_qpair_hold_set(qp->core, HOST_HOLD_PAUSED, true);
	__atomic_store_n(&qp->parked, stop, __ATOMIC_RELEASE);
}

/* Handle the uncommon cases. A pause for a reset is acknowledged here. A controller that
 * is not live is reset if it asks for it and automatic resets are on; if it is gone or
 * has failed, the requests waiting for a slot end, since no slot will free up. Returns 0,
 * or -ENODEV or -EIO (with a message) when the controller was removed or failed. */
static int handle_pause_or_failure(struct nvmu_host_qpair *qp)
{
	uint32_t stop = host_paused(qp);
	int err;

	if (stop) {
		host_ack_pause(qp, stop);
		return 0;
	}
	recover_if_needed(qp->h);
	err = host_state_error(qp->h);
	if (err < 0)
		req_fail_waiting(qp, err);
	return err;
}

/* Run after a poll that found a bit of @hold set. The pause bit is cleared if the pause
 * this pair acknowledged is over and no new one began (a callback may have acknowledged
 * one). Waiting requests past their deadline end. Then a controller that is not live is
 * handled, and the requests waiting for a slot are submitted. Returns what
 * handle_pause_or_failure() returns, or 0. */
static int after_held_poll(struct nvmu_host_qpair *qp, uint32_t hold)
{
	int ret = 0;

	if ((hold & HOST_HOLD_PAUSED) && !host_paused(qp))
		nvmu_qpair_hold_set(qp->core, HOST_HOLD_PAUSED, false);
	if (qp->wait_head)
		req_expire_waiting(qp);
	if (nvmu_ctrl_state(qp->h->ctrl) != NVMU_CTRL_LIVE)
		ret = handle_pause_or_failure(qp);
	if (qp->wait_head)
		req_drain(qp);
	return ret;
}

int nvmu_host_qpair_poll(struct nvmu_host_qpair *qp, unsigned max)
{
	pthread_t self = pthread_self();
	uint32_t hold;
	int n;

	if ((n = host_enter(qp, (uintptr_t)self)) < 0)
		return n;
	/* Record the owner even when paused, since the pause is acknowledged for this
	 * thread. Resetting threads read it through owned_by(). */
	__atomic_store_n(&qp->owner, self, __ATOMIC_RELAXED);
	if (host_paused(qp)) {
		n = handle_pause_or_failure(qp);
		host_leave(qp);
		return n;
	}
	if (__builtin_expect(qp->nforget != 0, 0))
		sync_forget_pending(qp);
	n = (int)nvmu_qpair_poll(qp->core, max);
	hold = nvmu_qpair_hold(qp->core) &
	       (NVMU_QPAIR_HOLD_HALTED | HOST_HOLD_PAUSED | HOST_HOLD_WAITING);
	if (__builtin_expect(hold != 0, 0)) {
		int err = after_held_poll(qp, hold);

		if (err < 0)
			n = err;
	}
	/* One doorbell write covers what the callbacks and the wait queue posted. */
	nvmu_qpair_ring(qp->core);
	host_leave(qp); /* frees the pair if a callback deleted it */
	return n;
}

int nvmu_host_qpair_set_timeout(struct nvmu_host_qpair *qp, uint32_t ms)
{
	return nvmu_qpair_set_timeout(qp->core, ms);
}

void nvmu_host_qpair_kick(struct nvmu_host_qpair *qp)
{
	if (!host_paused(qp))
		nvmu_qpair_ring(qp->core);
}

int nvmu_host_qpair_eventfd(const struct nvmu_host_qpair *qp)
{
	return nvmu_qpair_eventfd(qp->core);
}

uint64_t nvmu_host_qpair_ack_irq(struct nvmu_host_qpair *qp)
{
	uint64_t count = 0;
	int fd = nvmu_qpair_eventfd(qp->core);

	if (fd >= 0 && read(fd, &count, sizeof(count)) != sizeof(count))
		count = 0; /* EAGAIN means no interrupt was signalled */
	return count;
}

uint32_t nvmu_host_qpair_pending(const struct nvmu_host_qpair *qp)
{
	/* The requests, plus the commands the fast path posted: those are the core commands
	 * that are not the child of any request. */
	return qp->pending + (nvmu_qpair_outstanding(qp->core) - qp->children);
}

uint32_t nvmu_host_qpair_waiting(const struct nvmu_host_qpair *qp)
{
	return qp->waiting;
}

struct nvmu_qpair *nvmu_host_qpair_core(const struct nvmu_host_qpair *qp)
{
	return qp->core;
}
