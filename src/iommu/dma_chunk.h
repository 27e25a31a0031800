/* SPDX-License-Identifier: MIT */
/*
 * A DMA chunk: one piece of memory mapped once (fixed, read-write) through the IOMMU and
 * carved into page-granular buffers, tracked by two bitmaps: pages in use, and pages that
 * start a buffer (so a free can be checked against exactly one live buffer).
 */
#ifndef NVMU_SRC_IOMMU_DMA_CHUNK_H
#define NVMU_SRC_IOMMU_DMA_CHUNK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nvmu/iommu.h"

/** Size and alignment of the hugepages behind NVMU_MEM_HUGEPAGE memory. */
#define DMA_HUGEPAGE_SIZE (2ull << 20)

struct dma_chunk {
	void *mem;           /**< from nvmu_mem_alloc() */
	size_t mem_len;      /**< as given to nvmu_mem_alloc() */
	unsigned mem_flags;
	uintptr_t vaddr;     /**< mapped start, inside mem */
	size_t len;          /**< mapped bytes */
	uint64_t iova;
	uint64_t congruence; /**< vaddr and iova agree modulo this power of two */
	size_t page;
	size_t npages;
	size_t used_pages;
	uint64_t *used;      /**< bit per page: handed out */
	uint64_t *starts;    /**< bit per page: first page of a live buffer */
	bool dedicated;      /**< holds one large buffer; never shared */
};

/** Parameters of a new chunk. */
struct dma_chunk_spec {
	size_t len;              /**< bytes to map (multiple of page) */
	size_t page;             /**< buffer granule */
	size_t mem_align;        /**< alignment of the mapped start in virtual memory */
	unsigned mem_flags;      /**< NVMU_MEM_* */
	uint64_t want_congruence; /**< IOVA/vaddr congruence to ask for first */
	uint64_t need_congruence; /**< congruence to fall back to if the first does not fit */
	bool dedicated;
};

/**
 * Allocate zeroed memory and map it. Returns 0 and fills *c, or a negative errno with a
 * message (nothing is left allocated or mapped).
 */
int dma_chunk_create(struct dma_chunk *c, struct nvmu_iommu *iommu,
		     const struct dma_chunk_spec *spec);

/**
 * Unmap and free the chunk. Returns 0, or the unmap error: then the memory is deliberately
 * kept (the device may still reach it) and only the bookkeeping is freed.
 */
int dma_chunk_destroy(struct dma_chunk *c, struct nvmu_iommu *iommu);

/**
 * Find @p n free pages whose first page is aligned to @p align bytes (a power of two no
 * larger than c->congruence) in virtual and device address alike. First fit.
 */
bool dma_chunk_find(const struct dma_chunk *c, size_t n, size_t align, size_t *first);

/** Mark pages [first, first+n) as one live buffer. */
void dma_chunk_take(struct dma_chunk *c, size_t first, size_t n);

/**
 * Returns the number of pages of the live buffer that starts at page @p first, or 0 when
 * no live buffer starts there. The pool frees a buffer from its address with it.
 */
size_t dma_chunk_buffer_pages(const struct dma_chunk *c, size_t first);

/** Release the live buffer at pages [first, first+n) (n from dma_chunk_buffer_pages()). */
void dma_chunk_give_back(struct dma_chunk *c, size_t first, size_t n);

/** Whether @p addr lies inside the mapped part of the chunk. */
static inline bool dma_chunk_contains(const struct dma_chunk *c, uintptr_t addr)
{
	return addr >= c->vaddr && addr - c->vaddr < c->len;
}

#endif
