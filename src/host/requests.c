/* SPDX-License-Identifier: MIT */
/*
 * Requests of a queue pair: a fixed pool, a FIFO of requests waiting for queue slots,
 * child commands of split requests, and completion to the caller once, with the first
 * error. A request stays at the head of the FIFO until its last child is posted, so
 * requests reach the device in the order they were submitted.
 */
#include <errno.h>
#include <string.h>

#include "host_internal.h"

int req_get(struct nvmu_host_qpair *qp, struct host_req **out)
{
	struct host_req *r;
	int ret = host_enter(qp, host_self());

	if (ret < 0)
		return ret;
	r = qp->free;
	if (qp->closing)
		ret = nvmu_fail(ESHUTDOWN, "queue pair %u is being freed",
				nvmu_qpair_id(qp->core));
	else if ((ret = host_state_error(qp->h)) < 0)
		;
	else if (!r)
		ret = nvmu_fail(ENOBUFS, "all %u requests of queue pair %u are in use (%u "
				"waiting for a queue slot): process completions, or create the "
				"pair with more requests", qp->nreqs, nvmu_qpair_id(qp->core),
				qp->waiting);
	if (ret < 0) {
		host_leave(qp);
		return ret;
	}
	qp->free = r->next;
	memset(r, 0, offsetof(struct host_req, inline_iov));
	r->qp = qp;
	r->in_use = true;
	qp->pending++;
	*out = r;
	return 0;
}

/* Return @r to its pair's pool. */
static void req_release(struct host_req *r)
{
	struct nvmu_host_qpair *qp = r->qp;

	r->in_use = false;
	r->next = qp->free;
	qp->free = r;
	qp->pending--;
}

void req_put(struct host_req *r)
{
	struct nvmu_host_qpair *qp = r->qp;

	req_release(r);
	host_leave(qp);
}

/* Hand the result to the caller. The request goes back to the pool first, because the
 * callback may submit again and should find it free. */
static void req_finish(struct host_req *r)
{
	nvmu_host_cb cb = r->cb;
	void *arg = r->arg;
	struct nvmu_cpl cpl = r->cpl;

	buf_release(r);
	req_release(r);
	if (cb)
		cb(arg, &cpl);
}

static void child_done(void *arg, const struct nvmu_cpl *cpl)
{
	struct host_req *r = arg;

	r->inflight--;
	r->qp->children--;
	if (cpl->err && r->cpl.err == 0)
		r->cpl = *cpl; /* the first error */
	else if (r->cpl.err == 0) {
		r->cpl.dw0 = cpl->dw0;
		r->cpl.dw1 = cpl->dw1;
	}
	if (r->inflight == 0 && r->left == 0)
		req_finish(r);
}

/* Post the next child command of an LBA request, carrying as many blocks as one command
 * may. Returns 0, -E2BIG when a single block needs more SGL descriptors than a command
 * holds, or the submission's error (-EAGAIN when the queue is full). */
static int post_lba_child(struct nvmu_host_qpair *qp, struct host_req *r)
{
	struct nvmu_sqe cmd = r->cmd;
	size_t bytes = 0;
	uint64_t blocks;
	int ret;

	if (r->iovcnt) {
		bool sgl = r->dptr == NVMU_DPTR_SGL;

		bytes = split_child_bytes(r->iov, r->iovcnt, r->off, r->left * r->lba_size,
					  r->max_bytes, sgl ? qp->max_desc : 0, r->lba_size);
		if (bytes == 0)
			return nvmu_fail(E2BIG, "one block of the buffer needs more than %zu SGL "
					 "descriptors", qp->max_desc);
		blocks = bytes / r->lba_size;
	} else {
		blocks = r->left < r->max_blocks ? r->left : r->max_blocks;
	}
	cmd.cdw10 = (uint32_t)r->lba;
	cmd.cdw11 = (uint32_t)(r->lba >> 32);
	cmd.cdw12 = (cmd.cdw12 & 0xffff0000u) | (uint32_t)(blocks - 1);
	ret = nvmu_qpair_submit_iov(qp->core, &cmd, r->iov, r->iovcnt, r->off, bytes, r->dptr,
				    child_done, r);
	if (ret < 0)
		return ret;
	r->off += bytes;
	r->lba += blocks;
	r->left -= blocks;
	r->inflight++;
	qp->children++;
	return 0;
}

/* Write the range list of a Dataset Management or Copy (format 0) request into @page,
 * which is copied into the tracker's own page. Returns its size in bytes. */
static size_t format_ranges(const struct host_req *r, uint8_t *page)
{
	if (r->kind == REQ_DSM) {
		struct nvme_dsm_range *d = (struct nvme_dsm_range *)page;

		for (unsigned i = 0; i < r->nranges; i++)
			d[i] = (struct nvme_dsm_range){ .nlb = r->ranges[i].nlb,
							.slba = r->ranges[i].slba };
		return r->nranges * sizeof(*d);
	} else {
		struct nvme_copy_range *c = (struct nvme_copy_range *)page;

		for (unsigned i = 0; i < r->nranges; i++)
			c[i] = (struct nvme_copy_range){ .slba = r->ranges[i].slba,
							 .nlb = (uint16_t)(r->ranges[i].nlb - 1) };
		return r->nranges * sizeof(*c);
	}
}

static int post_single(struct nvmu_host_qpair *qp, struct host_req *r)
{
	struct nvmu_sqe cmd = r->cmd;
	int ret;

	if (r->kind == REQ_DSM || r->kind == REQ_COPY) {
		uint8_t page[4096];

		ret = nvmu_qpair_submit_payload(qp->core, &cmd, page, format_ranges(r, page),
						child_done, r);
	} else {
		ret = nvmu_qpair_submit_iov(qp->core, &cmd, r->iov, r->iovcnt, 0, r->bytes,
					    r->dptr, child_done, r);
	}
	if (ret == 0) {
		r->left = 0;
		r->inflight++;
		qp->children++;
	}
	return ret;
}

static int post_next(struct nvmu_host_qpair *qp, struct host_req *r)
{
	return r->kind == REQ_LBA ? post_lba_child(qp, r) : post_single(qp, r);
}

/* Append @r to the wait queue. The first request to wait sets HOST_HOLD_WAITING, which
 * sends new commands off the fast path so they cannot overtake it. */
static void wait_push(struct nvmu_host_qpair *qp, struct host_req *r)
{
	r->next = NULL;
	if (qp->wait_tail) {
		qp->wait_tail->next = r;
	} else {
		qp->wait_head = r;
		nvmu_qpair_hold_set(qp->core, HOST_HOLD_WAITING, true);
	}
	qp->wait_tail = r;
	qp->waiting++;
}

/* Take the head off the wait queue. When the queue becomes empty, the fast path is
 * allowed again. */
static struct host_req *wait_pop(struct nvmu_host_qpair *qp)
{
	struct host_req *r = qp->wait_head;

	qp->wait_head = r->next;
	if (!qp->wait_head) {
		qp->wait_tail = NULL;
		nvmu_qpair_hold_set(qp->core, HOST_HOLD_WAITING, false);
	}
	qp->waiting--;
	return r;
}

void req_drain(struct nvmu_host_qpair *qp)
{
	struct host_req *r;

	if (qp->draining || !host_can_post(qp))
		/* Either a callback submitted from inside a drain, which the outer loop
		 * continues, or the controller is paused for a reset. */
		return;
	qp->draining = true;
	while ((r = qp->wait_head) != NULL) {
		if (r->cpl.err)
			r->left = 0; /* a child failed, so no more of this request is sent */
		while (r->left) {
			int ret = post_next(qp, r);

			if (ret == -EAGAIN)
				goto out; /* full, or a reset is pending: a later drain retries */
			if (ret < 0) {
				nvmu_log(NVMU_LOG_WARN, "%s: request not submitted: %s",
					 nvmu_host_name(qp->h), nvmu_last_error());
				r->cpl.err = -EIO;
				r->left = 0;
			}
		}
		wait_pop(qp);
		if (r->inflight == 0)
			req_finish(r);
	}
out:
	qp->draining = false;
}

int req_enqueue(struct host_req *r)
{
	struct nvmu_host_qpair *qp = r->qp;

	/* A waiter used before starts again: nvmu_host_wait() must not see its old result. */
	if (r->waiter)
		r->waiter->done = false;
	r->timed = nvmu_qpair_new_deadline(qp->core, &r->deadline);
	wait_push(qp, r);
	req_drain(qp);
	/* During a pause the core pair belongs to the resetting thread, so it is not rung. */
	if (!qp->defer && !host_paused(qp))
		nvmu_qpair_ring(qp->core);
	host_leave(qp); /* entered by req_get() */
	return 0;
}

void req_expire_waiting(struct nvmu_host_qpair *qp)
{
	uint32_t now = nvmu_qpair_now_ms(qp->core);
	struct host_req **p = &qp->wait_head, *r, *prev = NULL, *expired = NULL;
	struct host_req **last = &expired;

	if (now == qp->wait_clock)
		return;
	qp->wait_clock = now;
	/* Unlink them first: their callbacks may submit, which appends to the wait queue. */
	while ((r = *p) != NULL) {
		if (!r->timed || !nvmu_qpair_overdue(qp->core, r->deadline)) {
			prev = r;
			p = &r->next;
			continue;
		}
		*p = r->next;
		if (qp->wait_tail == r)
			qp->wait_tail = prev;
		qp->waiting--;
		r->next = NULL;
		*last = r;
		last = &r->next;
	}
	if (!qp->wait_head)
		nvmu_qpair_hold_set(qp->core, HOST_HOLD_WAITING, false);
	while ((r = expired) != NULL) {
		expired = r->next;
		nvmu_log(NVMU_LOG_WARN, "%s: queue pair %u: a request waited for a queue slot "
			 "past its deadline (%u commands in flight)", nvmu_host_name(qp->h),
			 nvmu_qpair_id(qp->core), nvmu_qpair_outstanding(qp->core));
		r->left = 0;
		if (r->cpl.err == 0)
			r->cpl = (struct nvmu_cpl){ .err = -ETIMEDOUT, .status = NVMU_STATUS_HOST(
							    NVME_SC_CMD_ABORTED_BY_HOST) };
		if (r->inflight == 0)
			req_finish(r); /* otherwise its last child finishes it */
	}
}

void req_fail_waiting(struct nvmu_host_qpair *qp, int err)
{
	struct host_req *r;

	while (qp->wait_head) {
		r = wait_pop(qp);
		r->left = 0;
		if (r->cpl.err == 0)
			r->cpl.err = err;
		if (r->inflight == 0)
			req_finish(r);
	}
}

void req_cancel_all(struct nvmu_host_qpair *qp, int err)
{
	/* The core pair is already gone, so its hold word is not cleared. */
	qp->wait_head = qp->wait_tail = NULL;
	qp->waiting = 0;
	for (uint32_t i = 0; i < qp->nreqs; i++) {
		struct host_req *r = &qp->reqs[i];

		if (!r->in_use)
			continue;
		if (r->cpl.err == 0)
			r->cpl.err = err;
		req_finish(r);
	}
}
