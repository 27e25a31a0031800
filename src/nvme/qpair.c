/* SPDX-License-Identifier: MIT */
/* Queue pairs, admin and I/O alike: their rings, their trackers with the PRP list pages
 * each one owns, submission, and the completion poll. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
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
	qp->progress = ctrl->t->ops->poll_queue;
	qp->max_transfer = max_transfer;
	qp->page_size = ctrl->page_size;
	qp->page_mask = ctrl->page_size - 1;
	qpair_set_clock(qp, ctrl_now_ms(ctrl), qid ? ctrl->io_timeout_ms : ctrl->admin_timeout_ms);
	qp->trk_busy = tracker_word(0, TRACKER_BUSY, qp->timeout_ms ? 0 : TRK_NO_TIMEOUT);
	qp->next_check = nvmu_ticks() + check_interval_ticks(ctrl);
	qp->last_check_ns = nvmu_now_ns();
	qp->last_check_ticks = nvmu_ticks();
	qp->prp_pages = nvmu_prp_list_pages(ctrl->page_size - 4, max_transfer, ctrl->page_size);
	if (qp->prp_pages == 0)
		qp->prp_pages = 1; /* a page for SGL segments and small payloads (range lists) */
	ret = tracker_table_init(&qp->trk, entries - 1 < NVMU_MAX_TRACKERS ? entries - 1
									  : NVMU_MAX_TRACKERS);
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
	qp->cqe_sqid = qid;
	/* A transport that shares the controller knows the queue's real ID and doorbells. */
	if (qid > 0 && ctrl->t->ops->queue_doorbells) {
		ret = ctrl->t->ops->queue_doorbells(ctrl->t, qid, &qp->cqe_sqid, &qp->sq.doorbell,
						    &qp->cq.doorbell);
		if (ret < 0) {
			qpair_free(qp);
			return ret;
		}
	}
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
	free(qp->saved);
	free(qp);
}

/* Fill @cmd's data pointer for bytes [skip, skip+len) of @iov, as PRPs or as an SGL.
 * Any list or segment pages needed are @trk's own, so they stay valid until the command
 * completes. */
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
		return nvmu_fail(E2BIG, "transfer of %zu bytes exceeds the limit of %zu (MDTS)",
				 len, qp->max_transfer);
	cmd->flags |= NVMU_SQE_PSDT_SGL;
	return nvmu_sgl_build(iov, iovcnt, skip, len, qp->ctrl->page_size, &trk->prp,
			      (struct nvmu_sgl_desc *)&cmd->prp1);
}

/* Why nothing can be posted on a halted pair: -ENODEV, -EIO or -EAGAIN, with a message. */
static int halted_error(const struct nvmu_qpair *qp)
{
	enum nvmu_ctrl_state st = nvmu_ctrl_state(qp->ctrl);

	if (qp->deleting)
		return nvmu_fail(ESHUTDOWN, "%s: queue %u is being deleted", qp->ctrl->t->name,
				 qp->qid);
	if (st == NVMU_CTRL_REMOVED)
		return nvmu_fail(ENODEV, "%s: the device was removed (%s)", qp->ctrl->t->name,
				 nvmu_ctrl_reason(qp->ctrl));
	if (st == NVMU_CTRL_FAILED)
		return nvmu_fail(EIO, "%s: the controller failed (%s); reset it", qp->ctrl->t->name,
				 nvmu_ctrl_reason(qp->ctrl));
	return nvmu_fail(EAGAIN, "%s: the controller is %s (%s): submit again after the reset",
			 qp->ctrl->t->name, nvmu_ctrl_state_name(st), nvmu_ctrl_reason(qp->ctrl));
}

/* Find the free tracker a new command will take. It stays free until post_cmd(), so a
 * caller that fails before posting has nothing to undo. Returns 0, -EAGAIN when the queue
 * is full, or the error of halted_error(). */
static int free_tracker(struct nvmu_qpair *qp, struct nvmu_tracker **out)
{
	if (qpair_halted(qp))
		return halted_error(qp);
	if (nvmu_sq_full(&qp->sq) || !qp->trk.free)
		return nvmu_fail(EAGAIN, "queue %u is full (%u commands outstanding)", qp->qid,
				 nvmu_qpair_outstanding(qp));
	*out = qp->trk.free;
	return 0;
}

/* Post @cmd, whose data pointer is already built, through @trk, the free tracker that
 * free_tracker() returned. The doorbell is not rung here. */
static void post_cmd(struct nvmu_qpair *qp, struct nvmu_tracker *trk, struct nvmu_sqe *cmd,
		     nvmu_cmd_cb cb, void *arg)
{
	cmd->cid = nvmu_qpair_take(qp, trk, cb, arg);
	nvmu_qpair_posted(qp, trk, nvmu_sq_push(&qp->sq, cmd), true);
}

static int post_iov(struct nvmu_qpair *qp, struct nvmu_sqe *cmd, const struct nvmu_dma_buf *iov,
		    unsigned iovcnt, size_t skip, size_t len, enum nvmu_dptr_kind kind,
		    nvmu_cmd_cb cb, void *arg, struct nvmu_tracker **out)
{
	struct nvmu_tracker *trk = NULL;
	int ret = free_tracker(qp, &trk);

	if (ret == 0)
		ret = build_dptr(qp, trk, cmd, iov, iovcnt, skip, len, kind);
	if (ret < 0)
		return ret;
	post_cmd(qp, trk, cmd, cb, arg);
	if (out)
		*out = trk;
	return 0;
}

int nvmu_qpair_try_submit_prp(struct nvmu_qpair *qp, struct nvmu_sqe *cmd, uint64_t iova,
			      size_t len, nvmu_cmd_cb cb, void *arg)
{
	struct nvmu_tracker *trk = nvmu_qpair_place(qp, iova, len, &cmd->prp2);

	if (!trk)
		return 1;
	cmd->prp1 = iova;
	cmd->flags &= (uint8_t)~NVMU_SQE_PSDT_MASK;
	post_cmd(qp, trk, cmd, cb, arg);
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
	struct nvmu_tracker *trk = NULL;
	int ret;

	if (len > qp->ctrl->page_size)
		return nvmu_fail(E2BIG, "a payload of %zu bytes exceeds one %u-byte page", len,
				 qp->ctrl->page_size);
	ret = free_tracker(qp, &trk);
	if (ret < 0)
		return ret;
	memcpy(trk->prp.vaddr, data, len);
	cmd->flags &= (uint8_t)~NVMU_SQE_PSDT_MASK;
	cmd->prp1 = trk->prp.iova;
	cmd->prp2 = 0;
	post_cmd(qp, trk, cmd, cb, arg);
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

bool nvmu_qpair_drop_callback(struct nvmu_qpair *qp, nvmu_cmd_cb cb, const void *arg)
{
	for (uint32_t i = 0; i < qp->trk.n; i++) {
		struct nvmu_tracker *trk = &qp->trk.t[i];

		if (trk->state != TRACKER_FREE && trk->cb == cb && trk->arg == arg) {
			trk->cb = NULL;
			trk->arg = NULL;
			return true;
		}
	}
	return false;
}

int nvmu_qpair_submit(struct nvmu_qpair *qp, struct nvmu_sqe *cmd, uint64_t iova, size_t len,
		      nvmu_cmd_cb cb, void *arg)
{
	return qpair_post(qp, cmd, iova, len, cb, arg, NULL);
}

/* Ring the SQ doorbell for what was posted. A lagging CQ head is rung first if the
 * controller, once it may take every command in flight, could otherwise find the CQ full:
 * with the entries consumed but not rung, each of those commands must still find a free
 * entry (a CQ of N entries holds N-1). */
void nvmu_qpair_ring(struct nvmu_qpair *qp)
{
	struct nvmu_cq *cq = &qp->cq;

	if (cq->lag && qp->sq.tail != qp->sq.rung &&
	    (cq->wrapped || nvmu_cq_unrung(cq) + nvmu_qpair_outstanding(qp) >= cq->size))
		nvmu_cq_ring(cq);
	nvmu_sq_ring(&qp->sq);
}

/* Handle a completion that names no command in flight. A late answer to an abandoned
 * command is taken, which frees its tracker. Anything else is counted and logged but never
 * followed, because its CID cannot be trusted. */
__attribute__((noinline, cold))
static void take_unmatched_cqe(struct nvmu_qpair *qp, uint16_t cid, uint16_t sqid, uint16_t sqhd)
{
	struct nvmu_tracker *trk = NULL;
	enum cid_check check = sqid == qp->cqe_sqid ? tracker_check(&qp->trk, cid, &trk)
					       : CID_OUT_OF_RANGE;

	if (check == CID_ABANDONED) {
		nvmu_sq_set_head(&qp->sq, sqhd);
		qp->stats.completed++;
		qp->stats.late++;
		nvmu_log(NVMU_LOG_WARN, "%s: queue %u: CID %#x completed after its waiter gave up",
			 qp->ctrl->t->name, qp->qid, cid);
		tracker_put(&qp->trk, trk);
		return;
	}
	qp->stats.bad_cids++;
	nvmu_log(NVMU_LOG_WARN, "%s: queue %u: completion for SQ %u with CID %#x %s (%u "
		 "trackers); ignored", qp->ctrl->t->name, qp->qid, sqid, cid,
		 cid_check_name(check == CID_OK ? CID_IDLE : check), qp->trk.n);
}

__attribute__((noinline, cold))
static void bad_sqhd(struct nvmu_qpair *qp, uint16_t sqhd)
{
	qp->stats.bad_sqhd++;
	nvmu_log(NVMU_LOG_WARN, "%s: queue %u: completion reports SQ head %u of %u entries; "
		 "head not taken", qp->ctrl->t->name, qp->qid, sqhd, qp->sq.size);
}

/* DW0 and DW1 of a completion as one word (struct nvmu_cpl has them side by side too). */
typedef uint64_t __attribute__((may_alias)) cqe_dwords;
_Static_assert(offsetof(struct nvmu_cpl, dw1) == offsetof(struct nvmu_cpl, dw0) + 4,
	       "struct nvmu_cpl keeps DW0 and DW1 together");

void qpair_repost(struct nvmu_qpair *qp, struct nvmu_tracker *trk)
{
	trk->retries++;
	trk->deadline = qp->deadline;
	nvmu_sq_push(&qp->sq, &qp->saved[nvmu_tracker_index(&qp->trk, trk)]);
	qp->stats.reposted++;
}

/* Post @trk's command again when it failed with @status, Do Not Retry is clear, and it has
 * a retry left. The doorbell is rung once at the end of the poll, not here. */
static bool retry_error(struct nvmu_qpair *qp, struct nvmu_tracker *trk, uint16_t status)
{
	if (!qp->saved || nvmu_status_dnr(status) || trk->retries >= qp->retries ||
	    (trk->flags & TRK_TIMED_OUT) || nvmu_sq_full(&qp->sq))
		return false;
	qpair_repost(qp, trk);
	return true;
}

/* Handle a completion of @trk with the error status @status. Returns true if its command
 * was posted again, in which case no callback runs yet; otherwise the status and the
 * matching error go into @cpl. */
static bool complete_error(struct nvmu_qpair *qp, struct nvmu_tracker *trk, uint16_t status,
			   struct nvmu_cpl *cpl)
{
	if (retry_error(qp, trk, status))
		return true;
	cpl->status = status;
	cpl->err = cpl_err(trk, status);
	return false;
}

/*
 * Take the posted completion @v, whose status field is @status: move the CQ head, check
 * which command it names, and complete that command. @ok says the status is a success;
 * in the poll loop's common case it is a compile-time constant, so the error branch
 * disappears. Returns true if the command was posted again instead of completed.
 */
static inline __attribute__((always_inline)) bool
take_cqe(struct nvmu_qpair *qp, const volatile struct nvmu_cqe *v, uint16_t status, bool ok)
{
	struct nvmu_cq *cq = &qp->cq;
	struct nvmu_tracker_table *tt = &qp->trk;
	uint16_t sqid, sqhd;
	uint32_t cid;
	struct nvmu_tracker *trk;
	struct nvmu_cpl cpl;
	uint64_t dw01;

	nvmu_rmb(); /* read the body only after the phase tag */
	cid = v->cid;
	sqid = v->sqid;
	sqhd = v->sqhd;
	dw01 = *(const volatile cqe_dwords *)v; /* DW0 and DW1 in one load */
	nvmu_cq_advance(cq); /* before any callback, which may poll too */
	trk = tracker_find(tt, cid);
	if (!trk || sqid != qp->cqe_sqid) {
		take_unmatched_cqe(qp, (uint16_t)cid, sqid, sqhd);
		return false;
	}
	/* Only a completion that names a live command may move the SQ head. */
	if (!nvmu_sq_set_head(&qp->sq, sqhd))
		bad_sqhd(qp, sqhd);
	memcpy(&cpl.dw0, &dw01, sizeof(dw01));
	if (ok)
		memset(&cpl, 0, offsetof(struct nvmu_cpl, dw0)); /* err and status: one store */
	else if (complete_error(qp, trk, status >> 1, &cpl))
		return true;
	qp->stats.completed++;
	tracker_release(tt, trk, cid); /* before the callback: it may submit */
	if (trk->cb)
		trk->cb(trk->arg, &cpl);
	return false;
}

/* Take @v, which was posted with the error status @status. It is kept out of line so the
 * error handling does not grow the poll loop. Returns true if the command was posted
 * again. */
__attribute__((noinline))
static bool take_error_cqe(struct nvmu_qpair *qp, const volatile struct nvmu_cqe *v,
			   uint16_t status)
{
	return take_cqe(qp, v, status, false);
}

/* What the poll loop does after looking at an entry that is not a success. */
enum poll_step {
	POLL_STOP,     /* not posted yet: the loop ends */
	POLL_TAKEN,    /* an error completion, taken */
	POLL_REPOSTED, /* an error completion whose command was posted again */
};

/* The poll loop's uncommon case: @v, with status field @status, is either not posted yet
 * or posted with an error status. It is out of line, and a leaf function when it ends the
 * loop, so the common path stays small. */
__attribute__((noinline))
static enum poll_step take_cqe_uncommon(struct nvmu_qpair *qp, const volatile struct nvmu_cqe *v,
					uint16_t status)
{
	if ((status ^ qp->cq.phase) & 1)
		return POLL_STOP;
	return take_error_cqe(qp, v, status) ? POLL_REPOSTED : POLL_TAKEN;
}

unsigned nvmu_qpair_poll(struct nvmu_qpair *qp, unsigned max)
{
	struct nvmu_cq *cq = &qp->cq;
	unsigned left = max ? max : UINT_MAX; /* completions we may still take */
	bool reposted = false;
	unsigned n;

	if (qp->progress)
		qp->progress(qp->ctrl->t, qp->qid);
	if (qp->ended)
		qpair_complete_ended(qp);
	for (; left; left--) {
		const volatile struct nvmu_cqe *v = &cq->ring[cq->head];
		uint16_t status = v->status;
		enum poll_step step;

		if (status == cq->phase) { /* posted, with a success status */
			take_cqe(qp, v, status, true);
			continue;
		}
		step = take_cqe_uncommon(qp, v, status);
		if (step == POLL_STOP)
			break;
		reposted |= step == POLL_REPOSTED;
	}
	n = (max ? max : UINT_MAX) - left;
	/* Also when this poll took nothing: it may run inside a callback of an outer poll that
	 * consumed entries without ringing yet, and the device posts nothing more into a CQ it
	 * sees full. The head doorbell is written only when the head moved, and on a polled
	 * queue only every cq->lag entries. */
	nvmu_cq_ring_lagging(cq);
	if (reposted)
		nvmu_qpair_ring(qp);
	if (nvmu_ticks() >= qp->next_check)
		qpair_check(qp);
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
	return (uint32_t)(qp->stats.submitted - qp->stats.completed - qp->dropped);
}

int nvmu_qpair_set_timeout(struct nvmu_qpair *qp, uint32_t ms)
{
	if (ms != 0 && (ms < NVMU_TIMEOUT_MIN_MS || ms > NVMU_TIMEOUT_MAX_MS))
		return nvmu_fail(EINVAL, "a command timeout is 0 (none) or %u..%u ms, not %u",
				 NVMU_TIMEOUT_MIN_MS, NVMU_TIMEOUT_MAX_MS, ms);
	qpair_set_clock(qp, qp->now_ms, ms);
	qp->trk_busy = tracker_word(0, TRACKER_BUSY, ms ? 0 : TRK_NO_TIMEOUT);
	return 0;
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
