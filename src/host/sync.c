/* SPDX-License-Identifier: MIT */
/*
 * Synchronous helpers: wait for one command with a deadline, forgetting it on timeout.
 * A command with nvmu_host_sync_cb is a request whose waiter is the argument or, posted
 * by the fast path, a core command whose tracker holds the callback and the waiter. A
 * waiter that gives up drops that callback; during a pause the core pair is the
 * resetting thread's, so the pair drops it before its next poll, the only place (with
 * the pair's deletion) where the callback could run.
 */
#include <errno.h>
#include <stdint.h>

#include "host_internal.h"

void nvmu_host_sync_cb(void *arg, const struct nvmu_cpl *cpl)
{
	struct nvmu_host_waiter *w = arg;

	w->cpl = *cpl;
	w->done = true;
}

/* The request of @qp that @w waits for, or NULL when its command went through the fast
 * path (the callback is then in the core pair). It looks at every request, which only a
 * waiter that gives up needs. */
static struct host_req *request_of(struct nvmu_host_qpair *qp,
				   const struct nvmu_host_waiter *w)
{
	for (uint32_t i = 0; i < qp->nreqs; i++)
		if (qp->reqs[i].in_use && qp->reqs[i].waiter == w)
			return &qp->reqs[i];
	return NULL;
}

void sync_forget_pending(struct nvmu_host_qpair *qp)
{
	while (qp->nforget)
		nvmu_qpair_drop_callback(qp->core, nvmu_host_sync_cb,
					 qp->forget[--qp->nforget]);
}

/* @w gives up on its command. The command still completes later, so its callback must no
 * longer point at @w, whose memory the caller is about to reuse. */
static void forget(struct nvmu_host_qpair *qp, struct nvmu_host_waiter *w)
{
	struct host_req *r = request_of(qp, w);
	uint32_t stop;

	if (r) {
		r->cb = NULL;
		r->waiter = NULL;
		return;
	}
	if (host_paused(qp) && qp->nforget < HOST_FORGET_MAX) {
		qp->forget[qp->nforget++] = w;
		return;
	}
	/* Either no pause is in progress, or more waiters gave up during this pause than the
	 * pair has room for (never seen in practice). Wait for the pause to end, keeping it
	 * acknowledged meanwhile, then drop the callback directly. */
	while ((stop = host_paused(qp)) != 0) {
		host_ack_pause(qp, stop);
		nvmu_sleep_us(100);
	}
	nvmu_qpair_drop_callback(qp->core, nvmu_host_sync_cb, w);
}

/* Poll @qp until @w is done or the wall-clock @deadline passes. Returns 0 when it is done,
 * or the poll's error or -ETIMEDOUT (with a message) after forgetting @w. */
static int wait_done(struct nvmu_host_qpair *qp, struct nvmu_host_waiter *w, uint64_t deadline,
		     uint32_t timeout_ms)
{
	uint32_t pending;
	int n;

	while (!w->done) {
		n = nvmu_host_qpair_poll(qp, 0);
		if (w->done)
			break;
		if (n < 0) {
			/* The controller was removed or failed: nothing more will complete. */
			forget(qp, w);
			return n;
		}
		if (n == 0 && nvmu_deadline_passed(deadline)) {
			pending = nvmu_host_qpair_pending(qp);
			forget(qp, w);
			return nvmu_fail(ETIMEDOUT, "%s: no completion within %u ms (%u commands "
					 "in flight or waiting on queue pair %u)", qp->h->name,
					 timeout_ms, pending, nvmu_qpair_id(qp->core));
		}
		if (n == 0)
			nvmu_cpu_relax();
	}
	return 0;
}

int nvmu_host_wait(struct nvmu_host_qpair *qp, struct nvmu_host_waiter *w,
		   uint32_t timeout_ms)
{
	uint64_t deadline = nvmu_deadline_ms(timeout_ms ? timeout_ms : HOST_WAIT_DEFAULT_MS);
	struct nvmu_host_ctrl *h = qp->h; /* outlives the pair, which a callback may delete */
	int ret = host_enter(qp, host_self());

	if (ret < 0)
		return ret;
	ret = wait_done(qp, w, deadline, timeout_ms);
	host_leave(qp);
	if (ret < 0)
		return ret;
	/* The result is taken: the waiter is ready for its next command. */
	w->done = false;
	if (w->cpl.err == -EREMOTEIO) {
		char text[NVMU_STATUS_TEXT_MAX];

		return nvmu_fail(EREMOTEIO, "%s: command failed: %s", h->name,
				 nvmu_status_text(w->cpl.status, text, sizeof(text)));
	}
	return w->cpl.err;
}

/* Wait for a command that was just submitted, unless its submission failed with @ret.
 * The completion goes into @cpl when given. Returns @ret or what nvmu_host_wait() returns.
 */
static int finish_sync(struct nvmu_host_qpair *qp, int ret, struct nvmu_host_waiter *w,
		       uint32_t timeout_ms, struct nvmu_cpl *cpl)
{
	if (ret == 0)
		ret = nvmu_host_wait(qp, w, timeout_ms);
	if (cpl)
		*cpl = w->cpl;
	return ret;
}

typedef int (*data_cmd_fn)(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, uint64_t lba,
			   const struct nvmu_dma_buf *iov, unsigned iovcnt, unsigned flags,
			   nvmu_host_cb cb, void *arg);

static int data_sync(data_cmd_fn submit, struct nvmu_host_qpair *qp, struct nvmu_ns *ns,
		     uint64_t lba, const struct nvmu_dma_buf *iov, unsigned iovcnt,
		     unsigned flags, uint32_t timeout_ms, struct nvmu_cpl *cpl)
{
	struct nvmu_host_waiter w = { 0 };

	return finish_sync(qp, submit(qp, ns, lba, iov, iovcnt, flags, nvmu_host_sync_cb, &w),
			   &w, timeout_ms, cpl);
}

int nvmu_ns_read_sync(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, uint64_t lba,
		      const struct nvmu_dma_buf *iov, unsigned iovcnt, unsigned flags,
		      uint32_t timeout_ms, struct nvmu_cpl *cpl)
{
	return data_sync(nvmu_ns_read, qp, ns, lba, iov, iovcnt, flags, timeout_ms, cpl);
}

int nvmu_ns_write_sync(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, uint64_t lba,
		       const struct nvmu_dma_buf *iov, unsigned iovcnt, unsigned flags,
		       uint32_t timeout_ms, struct nvmu_cpl *cpl)
{
	return data_sync(nvmu_ns_write, qp, ns, lba, iov, iovcnt, flags, timeout_ms, cpl);
}

int nvmu_ns_flush_sync(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, uint32_t timeout_ms,
		       struct nvmu_cpl *cpl)
{
	struct nvmu_host_waiter w = { 0 };

	return finish_sync(qp, nvmu_ns_flush(qp, ns, nvmu_host_sync_cb, &w), &w, timeout_ms,
			   cpl);
}
