/* SPDX-License-Identifier: MIT */
/* A DMA chunk: memory mapped once, carved into page-granular buffers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iommu/dma_chunk.h"
#include "iommu/iommu_internal.h"
#include "iommu/page_bitmap.h"
#include "support/pow2.h"

/* Returns the alignment that nvmu_mem_alloc() guarantees for @p flags. */
static size_t mem_alignment(unsigned flags)
{
	return flags & NVMU_MEM_HUGEPAGE ? DMA_HUGEPAGE_SIZE : nvmu_page_size();
}

/* Returns the largest power of two modulo which @p vaddr and @p iova are equal, so that
 * pages of that size line up in both address spaces. */
static uint64_t congruence_of(uintptr_t vaddr, uint64_t iova)
{
	uint64_t diff = (uint64_t)vaddr ^ iova;

	return diff ? lowest_bit(diff) : 1ull << 63;
}

/* Allocate the memory of @p c, over-allocating when the mapped start must be better aligned. */
static int alloc_memory(struct dma_chunk *c, const struct dma_chunk_spec *spec)
{
	size_t given = mem_alignment(spec->mem_flags);
	size_t align = spec->mem_align > given ? spec->mem_align : given;
	size_t extra = align - given;
	int rc;

	c->mem_flags = spec->mem_flags;
	c->mem_len = spec->len + extra;
	rc = nvmu_mem_alloc(c->mem_len, c->mem_flags, &c->mem);
	if (rc)
		return rc;
	c->vaddr = (uintptr_t)nvmu_align_up((uintptr_t)c->mem, align);
	return 0;
}

/* Map the chunk, asking for the wanted congruence first and the needed one after. */
static int map_memory(struct dma_chunk *c, struct nvmu_iommu *iommu,
		      const struct dma_chunk_spec *spec)
{
	int rc = iommu_map_congruent(iommu, (void *)c->vaddr, c->len, NVMU_DMA_RW, NVMU_MAP_FIXED,
				     spec->want_congruence, &c->iova);

	if (rc == -ENOSPC && spec->need_congruence < spec->want_congruence)
		rc = iommu_map_congruent(iommu, (void *)c->vaddr, c->len, NVMU_DMA_RW,
					 NVMU_MAP_FIXED, spec->need_congruence, &c->iova);
	if (rc)
		return rc;
	c->congruence = congruence_of(c->vaddr, c->iova);
	return 0;
}

int dma_chunk_create(struct dma_chunk *c, struct nvmu_iommu *iommu,
		     const struct dma_chunk_spec *spec)
{
	int rc;

	memset(c, 0, sizeof(*c));
	c->len = spec->len;
	c->page = spec->page;
	c->npages = spec->len / spec->page;
	c->dedicated = spec->dedicated;
	c->used = calloc(bitmap_words(c->npages), sizeof(uint64_t));
	c->starts = calloc(bitmap_words(c->npages), sizeof(uint64_t));
	if (!c->used || !c->starts) {
		rc = nvmu_fail(ENOMEM, "cannot allocate the page maps of a %zu-byte DMA chunk",
			       c->len);
		goto fail_bitmaps;
	}
	rc = alloc_memory(c, spec);
	if (rc)
		goto fail_bitmaps;
	rc = map_memory(c, iommu, spec);
	if (rc)
		goto fail_memory;
	return 0;

fail_memory:
	nvmu_mem_free(c->mem, c->mem_len, c->mem_flags);
fail_bitmaps:
	free(c->used);
	free(c->starts);
	memset(c, 0, sizeof(*c));
	return rc;
}

int dma_chunk_destroy(struct dma_chunk *c, struct nvmu_iommu *iommu)
{
	int rc = nvmu_iommu_unmap(iommu, (void *)c->vaddr);

	if (rc)
		nvmu_log(NVMU_LOG_WARN,
			 "DMA pool: keeping %zu bytes at %p that could not be unmapped: %s",
			 c->mem_len, c->mem, nvmu_last_error());
	else
		nvmu_mem_free(c->mem, c->mem_len, c->mem_flags);
	free(c->used);
	free(c->starts);
	memset(c, 0, sizeof(*c));
	return rc;
}

bool dma_chunk_find(const struct dma_chunk *c, size_t n, size_t align, size_t *first)
{
	size_t step = align / c->page;
	/* First page whose address is a multiple of align. */
	size_t base = ((align - (c->vaddr & (align - 1))) & (align - 1)) / c->page;
	size_t p = base;

	while (p < c->npages && c->npages - p >= n) {
		size_t free_at = bitmap_next_clear(c->used, c->npages, p), used_at;

		if (free_at != p) {
			p = free_at;
		} else {
			used_at = bitmap_next_set(c->used, c->npages, p);
			if (used_at - p >= n) {
				*first = p;
				return true;
			}
			p = used_at;
		}
		/* Next aligned page at or after p. */
		p = base + (p - base + step - 1) / step * step;
	}
	return false;
}

void dma_chunk_take(struct dma_chunk *c, size_t first, size_t n)
{
	bitmap_set_range(c->used, first, n);
	bitmap_set_range(c->starts, first, 1);
	c->used_pages += n;
}

size_t dma_chunk_buffer_pages(const struct dma_chunk *c, size_t first)
{
	size_t free_at, next_start;

	if (first >= c->npages || !bitmap_test(c->starts, first))
		return 0;
	/* The buffer ends where the pages in use end or where the next buffer starts. */
	free_at = bitmap_next_clear(c->used, c->npages, first);
	next_start = bitmap_next_set(c->starts, c->npages, first + 1);
	return (free_at < next_start ? free_at : next_start) - first;
}

void dma_chunk_give_back(struct dma_chunk *c, size_t first, size_t n)
{
	bitmap_clear_range(c->used, first, n);
	bitmap_clear_range(c->starts, first, 1);
	c->used_pages -= n;
}
