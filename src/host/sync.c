/* SPDX-License-Identifier: MIT */
/* Synchronous helpers: wait for one request with a deadline, forgetting it on timeout. */
#include <errno.h>

#include "host_internal.h"

void nvmu_host_sync_cb(void *arg, const struct nvmu_cpl *cpl)
{
	struct nvmu_host_waiter *w = arg;

	w->cpl = *cpl;
	w->done = true;
	w->req = NULL;
}

int nvmu_host_wait(struct nvmu_host_qpair *qp, struct nvmu_host_waiter *w, uint32_t timeout_ms)
{
	uint64_t deadline = nvmu_deadline_ms(timeout_ms ? timeout_ms : HOST_WAIT_DEFAULT_MS);

	while (!w->done) {
		if (nvmu_host_process_completions(qp, 0) == 0 && nvmu_deadline_passed(deadline)) {
			struct host_req *r = w->req;

			if (w->done)
				break;
			if (r) { /* it completes later without anyone to tell */
				r->cb = NULL;
				r->waiter = NULL;
				w->req = NULL;
			}
			return nvmu_fail(ETIMEDOUT, "%s: no completion within %u ms (%u requests "
					 "pending on queue pair %u)", qp->h->name, timeout_ms,
					 qp->pending, nvmu_qpair_id(qp->core));
		}
	}
	if (w->cpl.err == -EREMOTEIO) {
		char text[NVMU_STATUS_TEXT_MAX];

		return nvmu_fail(EREMOTEIO, "%s: command failed: %s", qp->h->name,
				 nvmu_status_text(w->cpl.status, text, sizeof(text)));
	}
	return w->cpl.err;
}

/* Wait for a command just submitted (@ret its submission result) and report its status. */
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
		     uint64_t lba, const struct nvmu_dma_buf *iov, unsigned iovcnt, unsigned flags,
		     uint32_t timeout_ms, struct nvmu_cpl *cpl)
{
	struct nvmu_host_waiter w = { 0 };

	return finish_sync(qp, submit(qp, ns, lba, iov, iovcnt, flags, nvmu_host_sync_cb, &w), &w,
			   timeout_ms, cpl);
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

	return finish_sync(qp, nvmu_ns_flush(qp, ns, nvmu_host_sync_cb, &w), &w, timeout_ms, cpl);
}
