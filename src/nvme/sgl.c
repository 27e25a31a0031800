/* SPDX-License-Identifier: MIT */
/*
 * SGL building. One piece: a Data Block descriptor in the command. More: Data Block
 * descriptors in segment pages. The command's descriptor points to the first page: a Last
 * Segment descriptor when every descriptor fits in it, else a Segment descriptor. A page
 * followed by another holds page_size/16 - 1 data descriptors and, in its last slot, the
 * descriptor of the next page (Last Segment for the final page, Segment otherwise).
 */
#include <errno.h>
#include <string.h>

#include "pieces.h"

#define SGL_TYPE(t) ((uint8_t)((t) << 4))

size_t nvmu_sgl_capacity(uint32_t page_size, uint32_t npages)
{
	size_t per = page_size / sizeof(struct nvmu_sgl_desc);

	if (npages == 0)
		return 1; /* the command's own descriptor */
	return (size_t)npages * (per - 1) + 1;
}

static struct nvmu_sgl_desc desc(uint64_t addr, uint64_t len, enum nvmu_sgl_type type)
{
	struct nvmu_sgl_desc d = { .addr = addr, .len = (uint32_t)len, .type = SGL_TYPE(type) };

	return d;
}

/* The descriptor that points to segment page @page, which holds @count descriptors in
 * all. It is a Last Segment descriptor when @last, so the controller knows no further
 * page follows. */
static struct nvmu_sgl_desc segment_desc(const struct nvmu_prp_pages *list, uint32_t page,
					 uint32_t page_size, size_t count, bool last)
{
	return desc(list->iova + (uint64_t)page * page_size, count * sizeof(struct nvmu_sgl_desc),
		    last ? NVMU_SGL_LAST_SEGMENT : NVMU_SGL_SEGMENT);
}

int nvmu_sgl_build(const struct nvmu_dma_buf *iov, unsigned iovcnt, size_t skip, size_t len,
		   uint32_t page_size, const struct nvmu_prp_pages *list,
		   struct nvmu_sgl_desc *dptr)
{
	size_t per = page_size / sizeof(struct nvmu_sgl_desc);
	size_t pieces, left, in_page;
	struct nvmu_sgl_desc *slot;
	struct piece_walk w;
	uint32_t pages, page = 0;
	uint64_t iova = 0;
	size_t n = 0;

	memset(dptr, 0, sizeof(*dptr));
	if (len == 0)
		return 0;
	if (!piece_walk_start(&w, iov, iovcnt, skip, len))
		return nvmu_fail(EINVAL, "data range [%zu, +%zu) lies beyond the %zu-byte buffer",
				 skip, len, nvmu_iov_bytes(iov, iovcnt));
	pieces = nvmu_iov_pieces(iov, iovcnt, skip, len);
	if (pieces == 1) {
		piece_next(&w, &iova, &n);
		if (n > UINT32_MAX)
			return nvmu_fail(EINVAL, "an SGL data block holds less than 4 GiB, "
					 "not %zu bytes", n);
		*dptr = desc(iova, n, NVMU_SGL_DATA_BLOCK);
		return 0;
	}
	pages = chained_pages(pieces, per);
	if (!list || !list->vaddr || pages > list->npages)
		return nvmu_fail(E2BIG, "%zu SGL descriptors need %u segment page(s); %u available",
				 pieces, pages, list ? list->npages : 0);
	left = pieces;
	in_page = pages == 1 ? pieces : per;
	*dptr = segment_desc(list, 0, page_size, in_page, pages == 1);
	slot = (struct nvmu_sgl_desc *)list->vaddr;
	while (piece_next(&w, &iova, &n)) {
		if (n > UINT32_MAX)
			return nvmu_fail(EINVAL, "an SGL data block holds less than 4 GiB, "
					 "not %zu bytes", n);
		if (in_page == 1 && left > 1) {
			/* This is the last slot of a page and more descriptors follow, so the
			 * slot gets the descriptor of the next segment page. */
			bool last = left <= per;

			page++;
			*slot = segment_desc(list, page, page_size, last ? left : per, last);
			slot = (struct nvmu_sgl_desc *)((uint8_t *)list->vaddr +
							(size_t)page * page_size);
			in_page = last ? left : per;
		}
		*slot++ = desc(iova, n, NVMU_SGL_DATA_BLOCK);
		in_page--;
		left--;
	}
	return 0;
}
