/* SPDX-License-Identifier: MIT */
/* Queue pairs: rings, trackers with PRP pages, submission and completion (admin and I/O). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nvme_internal.h"

static int alloc_rings(struct nvmu_qpair *qp, uint32_t entries)
{
	struct nvmu_transport *t = qp->ctrl->t;
	int ret;

	ret = t->ops->dma_alloc(t, entries * sizeof(struct nvmu_sqe), &qp->sq_mem);
	if (ret == 0)
		ret = t->ops->dma_alloc(t, entries * sizeof(struct nvmu_cqe), &qp->cq_mem);
	if (ret < 0)
		return nvmu_fail_context(-ret, "queue %u rings (%u entries)", qp->qid, entries);
	return 0;
}

/* One DMA allocation holds every tracker's PRP list pages, back to back. */
static int alloc_prp_pages(struct nvmu_qpair *qp)
{
	struct nvmu_transport *t = qp->ctrl->t;
	uint32_t ps = qp->ctrl->page_size;
	size_t per = (size_t)qp->prp_pages * ps;
	int ret;

	if (qp->prp_pages == 0)
		return 0;
	ret = t->ops->dma_alloc(t, per * qp->trk.n, &qp->prp_mem);
	if (ret < 0)
		return nvmu_fail_context(-ret, "PRP list pages of queue %u", qp->qid);
	for (uint32_t i = 0; i < qp->trk.n; i++) {
		struct nvmu_prp_pages *p = &qp->trk.t[i].prp;

		p->vaddr = (uint64_t *)((uint8_t *)qp->prp_mem.vaddr + i * per);
		p->iova = qp->prp_mem.iova + i * per;
		p->npages = qp->prp_pages;
	}
	return 0;
}

int qpair_alloc(struct nvmu_ctrl *ctrl, uint16_t qid, uint32_t entries, size_t max_transfer,
		struct nvmu_qpair **out)
{
	struct nvmu_qpair *qp = calloc(1, sizeof(*qp));
	int ret;

	if (!qp)
		return nvmu_fail(ENOMEM, "out of memory for queue %u", qid);
	qp->ctrl = ctrl;
	qp->qid = qid;
	qp->vector = -1;
	qp->efd = -1;
	qp->max_transfer = max_transfer;
	qp->prp_pages = nvmu_prp_list_pages(ctrl->page_size - 4, max_transfer, ctrl->page_size);
	if (qp->prp_pages == 0)
		qp->prp_pages = 1; /* a page for SGL segments and small payloads (range lists) */
	ret = tracker_table_init(&qp->trk, entries - 1);
	if (ret == 0)
		ret = alloc_rings(qp, entries);
	if (ret == 0)
		ret = alloc_prp_pages(qp);
	if (ret < 0) {
		qpair_free(qp);
		return ret;
	}
	qp->sq.ring = qp->sq_mem.vaddr;
	qp->sq.size = (uint16_t)entries;
	qp->sq.doorbell = nvmu_doorbell(ctrl->t->doorbells, qid, false, ctrl->dstrd);
	qp->cq.ring = qp->cq_mem.vaddr;
	qp->cq.size = (uint16_t)entries;
	qp->cq.phase = 1;
	qp->cq.doorbell = nvmu_doorbell(ctrl->t->doorbells, qid, true, ctrl->dstrd);
	if (qid > 0)
		dbbuf_attach(qp);
	*out = qp;
	return 0;
}

void qpair_free(struct nvmu_qpair *qp)
{
	struct nvmu_transport *t;

	if (!qp)
		return;
	t = qp->ctrl->t;
	t->ops->dma_free(t, &qp->sq_mem);
	t->ops->dma_free(t, &qp->cq_mem);
	t->ops->dma_free(t, &qp->prp_mem);
	tracker_table_fini(&qp->trk);
	free(qp);
}

/* PRP or SGL for [skip, skip+len) of @iov into @cmd's data pointer, in @trk's pages. */
static int build_dptr(struct nvmu_qpair *qp, struct nvmu_tracker *trk, struct nvmu_sqe *cmd,
		      const struct nvmu_dma_buf *iov, unsigned iovcnt, size_t skip, size_t len,
		      enum nvmu_dptr_kind kind)
{
	bool sgl = kind == NVMU_DPTR_SGL || (kind == NVMU_DPTR_DEFAULT && qp->sgl);

	/* Without data the command keeps its own PRP fields (queue bases, raw commands). */
	if (len == 0)
		return 0;
	cmd->flags &= (uint8_t)~NVMU_SQE_PSDT_MASK;
	if (!sgl)
		return nvmu_prp_build_iov(iov, iovcnt, skip, len, qp->ctrl->page_size,
					  qp->max_transfer, &trk->prp, &cmd->prp1, &cmd->prp2);
	if (!qp->sgl_ok)
		return nvmu_fail(ENOTSUP, "%s: queue %u cannot take SGLs (%s)", qp->ctrl->t->name,
				 qp->qid, qp->qid ? "Identify Controller SGLS says none"
						  : "admin commands use PRPs");
	if (len > qp->max_transfer)
		return nvmu_fail(E2BIG, "transfer of %zu bytes exceeds the limit of %zu (MDTS)", len,
				 qp->max_transfer);
	cmd->flags |= NVMU_SQE_PSDT_SGL;
	return nvmu_sgl_build(iov, iovcnt, skip, len, qp->ctrl->page_size, &trk->prp,
			      (struct nvmu_sgl_desc *)&cmd->prp1);
}

static struct nvmu_tracker *take_tracker(struct nvmu_qpair *qp)
{
	struct nvmu_tracker *trk = NULL;

	if (nvmu_sq_space(&qp->sq) == 0 || !(trk = tracker_get(&qp->trk)))
		nvmu_fail(EAGAIN, "queue %u is full (%u commands outstanding)", qp->qid,
			  qp->trk.in_use);
	return trk;
}

static void post_with(struct nvmu_qpair *qp, struct nvmu_tracker *trk, struct nvmu_sqe *cmd,
		      nvmu_cmd_cb cb, void *arg)
{
	trk->cb = cb;
	trk->arg = arg;
	cmd->cid = tracker_cid(&qp->trk, trk);
	nvmu_sq_post(&qp->sq, cmd);
	qp->stats.submitted++;
}

static int post_iov(struct nvmu_qpair *qp, struct nvmu_sqe *cmd, const struct nvmu_dma_buf *iov,
		    unsigned iovcnt, size_t skip, size_t len, enum nvmu_dptr_kind kind,
		    nvmu_cmd_cb cb, void *arg, struct nvmu_tracker **out)
{
	struct nvmu_tracker *trk = take_tracker(qp);
	int ret;

	if (!trk)
		return -EAGAIN;
	ret = build_dptr(qp, trk, cmd, iov, iovcnt, skip, len, kind);
	if (ret < 0) {
		tracker_put(&qp->trk, trk);
		return ret;
	}
	post_with(qp, trk, cmd, cb, arg);
	if (out)
		*out = trk;
	return 0;
}

int nvmu_qpair_try_submit_prp(struct nvmu_qpair *qp, struct nvmu_sqe *cmd, uint64_t iova,
			      size_t len, nvmu_cmd_cb cb, void *arg)
{
	struct nvmu_tracker *trk;

	if (len > qp->max_transfer || nvmu_sq_space(&qp->sq) == 0 || !(trk = tracker_get(&qp->trk)))
		return 1;
	if (!prp_fill_contiguous(iova, len, qp->ctrl->page_size, &trk->prp, &cmd->prp1, &cmd->prp2)) {
		tracker_put(&qp->trk, trk);
		return 1;
	}
	cmd->flags &= (uint8_t)~NVMU_SQE_PSDT_MASK;
	post_with(qp, trk, cmd, cb, arg);
	return 0;
}

int qpair_post(struct nvmu_qpair *qp, struct nvmu_sqe *cmd, uint64_t iova, size_t len,
	       nvmu_cmd_cb cb, void *arg, struct nvmu_tracker **out)
{
	struct nvmu_dma_buf one = { NULL, iova, len };

	return post_iov(qp, cmd, &one, 1, 0, len, NVMU_DPTR_DEFAULT, cb, arg, out);
}

int nvmu_qpair_submit_iov(struct nvmu_qpair *qp, struct nvmu_sqe *cmd,
			  const struct nvmu_dma_buf *iov, unsigned iovcnt, size_t skip, size_t len,
			  enum nvmu_dptr_kind kind, nvmu_cmd_cb cb, void *arg)
{
	return post_iov(qp, cmd, iov, iovcnt, skip, len, kind, cb, arg, NULL);
}

int nvmu_qpair_submit_payload(struct nvmu_qpair *qp, struct nvmu_sqe *cmd, const void *data,
			      size_t len, nvmu_cmd_cb cb, void *arg)
{
	struct nvmu_tracker *trk;

	if (len > qp->ctrl->page_size)
		return nvmu_fail(E2BIG, "a payload of %zu bytes exceeds one %u-byte page", len,
				 qp->ctrl->page_size);
	trk = take_tracker(qp);
	if (!trk)
		return -EAGAIN;
	memcpy(trk->prp.vaddr, data, len);
	cmd->flags &= (uint8_t)~NVMU_SQE_PSDT_MASK;
	cmd->prp1 = trk->prp.iova;
	cmd->prp2 = 0;
	post_with(qp, trk, cmd, cb, arg);
	return 0;
}

size_t nvmu_qpair_max_transfer(const struct nvmu_qpair *qp)
{
	return qp->max_transfer;
}

size_t nvmu_qpair_max_sgl_descriptors(const struct nvmu_qpair *qp)
{
	return qp->sgl_ok ? nvmu_sgl_capacity(qp->ctrl->page_size, qp->prp_pages) : 0;
}

bool nvmu_qpair_sgl(const struct nvmu_qpair *qp)
{
	return qp->sgl;
}

void qpair_abandon(struct nvmu_qpair *qp, struct nvmu_tracker *trk)
{
	(void)qp;
	trk->state = TRACKER_ABANDONED;
	trk->cb = NULL;
	trk->arg = NULL;
}

int nvmu_qpair_submit(struct nvmu_qpair *qp, struct nvmu_sqe *cmd, uint64_t iova, size_t len,
		      nvmu_cmd_cb cb, void *arg)
{
	return qpair_post(qp, cmd, iova, len, cb, arg, NULL);
}

void nvmu_qpair_ring(struct nvmu_qpair *qp)
{
	nvmu_sq_ring(&qp->sq);
}

/* Match one completion to its tracker and finish it; a bogus one is counted and logged. */
static void complete_one(struct nvmu_qpair *qp, const struct nvmu_cqe *cqe)
{
	struct nvmu_tracker *trk = NULL;
	enum cid_check check = cqe->sqid == qp->qid ? tracker_lookup(&qp->trk, cqe->cid, &trk)
						     : CID_OUT_OF_RANGE;
	nvmu_cmd_cb cb;
	void *arg;

	if (check != CID_OK) {
		qp->stats.bad_cids++;
		nvmu_log(NVMU_LOG_WARN, "%s: queue %u: completion for SQ %u with CID %#x %s "
			 "(%u trackers); ignored", qp->ctrl->t->name, qp->qid, cqe->sqid, cqe->cid,
			 cid_check_name(check), qp->trk.n);
		return;
	}
	/* Only a completion that names a live command may move the SQ head. */
	if (!nvmu_sq_set_head(&qp->sq, cqe->sqhd)) {
		qp->stats.bad_sqhd++;
		nvmu_log(NVMU_LOG_WARN, "%s: queue %u: completion reports SQ head %u of %u entries; "
			 "head not taken", qp->ctrl->t->name, qp->qid, cqe->sqhd, qp->sq.size);
	}
	qp->stats.completed++;
	if (trk->state == TRACKER_ABANDONED) {
		qp->stats.late++;
		nvmu_log(NVMU_LOG_WARN, "%s: queue %u: CID %#x completed after its waiter gave up",
			 qp->ctrl->t->name, qp->qid, cqe->cid);
		tracker_put(&qp->trk, trk);
		return;
	}
	cb = trk->cb;
	arg = trk->arg;
	tracker_put(&qp->trk, trk); /* before the callback, which may submit again */
	if (cb)
		cb(arg, cqe);
}

unsigned nvmu_qpair_poll(struct nvmu_qpair *qp, unsigned max)
{
	const volatile struct nvmu_cqe *v;
	unsigned n = 0;

	while ((max == 0 || n < max) && (v = nvmu_cq_peek(&qp->cq)) != NULL) {
		struct nvmu_cqe cqe = { .dw0 = v->dw0, .dw1 = v->dw1, .sqhd = v->sqhd,
					.sqid = v->sqid, .cid = v->cid, .status = v->status };

		nvmu_cq_advance(&qp->cq);
		n++;
		complete_one(qp, &cqe);
	}
	nvmu_cq_ring(&qp->cq);
	return n;
}

uint16_t nvmu_qpair_id(const struct nvmu_qpair *qp)
{
	return qp->qid;
}

uint32_t nvmu_qpair_entries(const struct nvmu_qpair *qp)
{
	return qp->sq.size;
}

uint32_t nvmu_qpair_outstanding(const struct nvmu_qpair *qp)
{
	return qp->trk.in_use;
}

int nvmu_qpair_eventfd(const struct nvmu_qpair *qp)
{
	return qp->efd;
}

int nvmu_qpair_vector(const struct nvmu_qpair *qp)
{
	return qp->vector;
}

void nvmu_qpair_stats(const struct nvmu_qpair *qp, struct nvmu_qpair_stats *st)
{
	*st = qp->stats;
}
