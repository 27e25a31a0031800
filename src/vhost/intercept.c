/* SPDX-License-Identifier: MIT */
/*
 * The request hub: each guest request goes through the interceptors in chain order,
 * then to the device; on the way back, on_complete runs for those it went through, last
 * first. req->icpt_pos is where the request stands in the chain, so that a paused
 * request resumes at the next interceptor and a request completed by interceptor i is
 * seen on its way back by those before i only. A request split by interceptor i goes on
 * as pieces from i + 1 (split.c); each piece's way back ends at i + 1 (req->first), and
 * the whole's way back starts at i once its last piece is done.
 */
#include <errno.h>
#include <stddef.h>

#include "vhost_internal.h"

static struct vh_blk_req *req_of(struct nvmu_icpt_req *r)
{
	return (struct vh_blk_req *)((char *)r - offsetof(struct vh_blk_req, icpt));
}

static enum nvmu_icpt_verdict (*hook(const struct nvmu_intercept_ops *ops,
				     enum nvmu_icpt_op op))(void *, struct nvmu_icpt_req *)
{
	switch (op) {
	case NVMU_ICPT_READ: return ops->on_read;
	case NVMU_ICPT_WRITE: return ops->on_write;
	case NVMU_ICPT_FLUSH: return ops->on_flush;
	case NVMU_ICPT_DISCARD: return ops->on_discard;
	case NVMU_ICPT_WRITE_ZEROES: return ops->on_write_zeroes;
	}
	return NULL;
}

void vh_icpt_run(struct vh_blk_req *req)
{
	struct nvmu_vhost_blk *b = req->p->b;
	struct nvmu_icpt_req *r = &req->icpt;

	for (;;) {
		if (vh_split_planned(req)) {
			vh_split_launch(req); /* the pieces go on from here */
			return;
		}
		if (req->icpt_pos >= b->nicpt)
			break;
		unsigned i = req->icpt_pos;
		const struct vh_icpt *ic = &b->icpt[i];
		enum nvmu_icpt_verdict (*fn)(void *, struct nvmu_icpt_req *);
		enum nvmu_icpt_verdict v = NVMU_ICPT_PASS;

		fn = hook(&ic->ops, r->op);
		if (fn) {
			r->data = req->icpt_data[i];
			v = fn(ic->arg, r);
			req->icpt_data[i] = r->data;
		}
		if (v == NVMU_ICPT_PAUSE)
			return; /* nvmu_icpt_resume() or nvmu_icpt_complete() goes on */
		if (v == NVMU_ICPT_COMPLETE) {
			vh_icpt_completed(req, r->status);
			return;
		}
		req->icpt_pos++;
	}
	vh_blk_submit(req);
}

void vh_icpt_completed(struct vh_blk_req *req, uint8_t status)
{
	struct nvmu_vhost_blk *b = req->p->b;
	struct nvmu_icpt_req *r = &req->icpt;

	r->status = status;
	vh_split_drop(req); /* a split planned by a callback that then completed it */
	for (unsigned i = req->icpt_pos; i-- > req->first;) {
		const struct vh_icpt *ic = &b->icpt[i];

		if (!ic->ops.on_complete)
			continue;
		r->data = req->icpt_data[i];
		ic->ops.on_complete(ic->arg, r);
		req->icpt_data[i] = r->data;
	}
	if (req->own_read && r->status == NVMU_ICPT_S_OK)
		vh_scatter(req->iov, req->iovcnt, req->own.vaddr);
	if (req->whole)
		vh_split_piece_done(req, r->status);
	else
		vh_blk_finish(req, r->status);
}

void nvmu_icpt_resume(struct nvmu_icpt_req *r)
{
	struct vh_blk_req *req = req_of(r);

	req->icpt_pos++;
	vh_icpt_run(req);
}

void nvmu_icpt_complete(struct nvmu_icpt_req *r, uint8_t status)
{
	vh_icpt_completed(req_of(r), status);
}

int nvmu_icpt_own_data(struct nvmu_icpt_req *r)
{
	struct vh_blk_req *req = req_of(r);
	size_t bytes;
	int ret;

	if (r->op != NVMU_ICPT_READ && r->op != NVMU_ICPT_WRITE)
		return nvmu_fail(EINVAL, "only reads and writes carry data of their own");
	if (r->iov == &req->own_piece)
		return 0;
	bytes = nvmu_iov_bytes(r->iov, r->iovcnt);
	ret = vh_buf_ensure(req->p->b->h, &req->own, bytes);
	if (ret < 0)
		return ret;
	if (r->op == NVMU_ICPT_WRITE)
		vh_gather(req->own.vaddr, r->iov, r->iovcnt);
	req->own_read = r->op == NVMU_ICPT_READ;
	req->own_piece = (struct nvmu_dma_buf){ req->own.vaddr, req->own.iova, bytes };
	r->iov = &req->own_piece;
	r->iovcnt = 1;
	return 0;
}
