/* SPDX-License-Identifier: MIT */
/*
 * Data buffers of requests. Pieces that carry their IOVA are used as they are (no lookup;
 * iovecs of up to HOST_INLINE_IOV pieces are copied into the request).
 * Foreign pieces (iova 0) are translated through the IOMMU context into the request's
 * own copy of the iovec, or bounced through a DMA buffer when the caller allows it. A
 * bounced read keeps its own copy of the caller's iovec, of any length, to scatter into.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host_internal.h"

static bool has_foreign(const struct nvmu_dma_buf *iov, unsigned iovcnt)
{
	for (unsigned i = 0; i < iovcnt; i++)
		if (iov[i].iova == 0)
			return true;
	return false;
}

/* Copy @iov into r->inline_iov, translating each foreign piece through the IOMMU. The
 * lock is held because the IOMMU's mappings may change under other threads. Returns 0,
 * or -EFAULT with a message that names the first piece that is not mapped. */
static int translate(struct host_req *r, const struct nvmu_dma_buf *iov, unsigned iovcnt)
{
	struct nvmu_host_ctrl *h = r->qp->h;
	int ret = 0;

	pthread_mutex_lock(&h->lock);
	for (unsigned i = 0; i < iovcnt && ret == 0; i++) {
		r->inline_iov[i] = iov[i];
		if (iov[i].iova)
			continue;
		ret = nvmu_iommu_translate(h->iommu, iov[i].vaddr, iov[i].len,
					   &r->inline_iov[i].iova);
		if (ret < 0)
			ret = nvmu_fail(EFAULT, "buffer piece %u at %p (%zu bytes) is not mapped "
					"for DMA: allocate it with nvmu_host_dma_alloc(), map it "
					"with nvmu_host_dma_map(), or pass NVMU_IO_BOUNCE", i,
					iov[i].vaddr, iov[i].len);
	}
	pthread_mutex_unlock(&h->lock);
	return ret;
}

static void gather(void *dst, const struct nvmu_dma_buf *iov, unsigned iovcnt)
{
	uint8_t *p = dst;

	for (unsigned i = 0; i < iovcnt; i++) {
		memcpy(p, iov[i].vaddr, iov[i].len);
		p += iov[i].len;
	}
}

static void scatter(const struct nvmu_dma_buf *iov, unsigned iovcnt, const void *src)
{
	const uint8_t *p = src;

	for (unsigned i = 0; i < iovcnt; i++) {
		memcpy(iov[i].vaddr, p, iov[i].len);
		p += iov[i].len;
	}
}

void *buf_keep(struct host_req *r, void *inline_dst, size_t inline_size, const void *src,
	       size_t bytes, const char *what)
{
	void *dst = inline_dst;

	if (bytes > inline_size) {
		dst = malloc(bytes);
		if (!dst) {
			nvmu_fail(ENOMEM, "no memory to copy %s (%zu bytes) at submission", what,
				  bytes);
			return NULL;
		}
		r->heap_copy = dst;
	}
	return memcpy(dst, src, bytes);
}

/* Replace @iov by a DMA buffer of the same size. For a write the data is gathered into it
 * now; for a read, buf_release() scatters it back into the pieces of @iov, whose array is
 * copied now because the caller may free it once the submission returns. Returns 0 or
 * -ENOMEM. */
static int bounce(struct host_req *r, const struct nvmu_dma_buf *iov, unsigned iovcnt,
		  bool to_device)
{
	size_t total = nvmu_iov_bytes(iov, iovcnt);
	int ret;

	if (!to_device) {
		r->user_iov = buf_keep(r, r->inline_iov, sizeof(r->inline_iov), iov,
				       iovcnt * sizeof(*iov), "the iovec of a bounced read");
		if (!r->user_iov)
			return -ENOMEM;
		r->user_iovcnt = iovcnt;
		r->copy_back = true;
	}
	ret = nvmu_host_dma_alloc(r->qp->h, total, &r->bounce);
	if (ret < 0) {
		buf_release(r);
		return nvmu_fail_context(-ret, "bounce buffer of %zu bytes", total);
	}
	if (to_device)
		gather(r->bounce.vaddr, iov, iovcnt);
	/* The bounce buffer's len is total, as asked, so it is the device's whole iovec. */
	r->iov = &r->bounce;
	r->iovcnt = 1;
	return 0;
}

int buf_resolve(struct host_req *r, const struct nvmu_dma_buf *iov, unsigned iovcnt,
		unsigned flags, bool to_device)
{
	struct nvmu_host_ctrl *h = r->qp->h;
	int ret;

	r->iov = iov;
	r->iovcnt = iovcnt;
	if (!has_foreign(iov, iovcnt)) {
		/* A short iovec is copied, so the caller may free its own array at once. */
		if (iovcnt <= HOST_INLINE_IOV) {
			memcpy(r->inline_iov, iov, iovcnt * sizeof(*iov));
			r->iov = r->inline_iov;
		}
		return 0;
	}
	if (h->iommu && iovcnt <= HOST_INLINE_IOV) {
		ret = translate(r, iov, iovcnt);
		if (ret == 0) {
			r->iov = r->inline_iov;
			return 0;
		}
	} else if (h->iommu) {
		ret = nvmu_fail(EINVAL, "%u foreign buffer pieces: at most %u are translated; "
				"give the pieces their IOVA or pass NVMU_IO_BOUNCE", iovcnt,
				HOST_INLINE_IOV);
	} else {
		ret = nvmu_fail(EFAULT, "foreign buffer pieces, but transport %s cannot "
				"translate addresses: use nvmu_host_dma_alloc() buffers or "
				"NVMU_IO_BOUNCE", h->name);
	}
	if (flags & NVMU_IO_BOUNCE)
		return bounce(r, iov, iovcnt, to_device);
	return ret;
}

void buf_release(struct host_req *r)
{
	if (r->bounce.vaddr) {
		if (r->copy_back && r->cpl.err == 0)
			scatter(r->user_iov, r->user_iovcnt, r->bounce.vaddr);
		nvmu_host_dma_free(r->qp->h, &r->bounce);
	}
	if (r->heap_copy) {
		free(r->heap_copy);
		r->heap_copy = NULL;
	}
}
