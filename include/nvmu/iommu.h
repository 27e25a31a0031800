/* SPDX-License-Identifier: MIT */
/**
 * @file iommu.h
 * @brief IOMMU layer: IOVA space, DMA mappings with vaddr->IOVA lookup, and a DMA buffer pool.
 *
 * An nvmu_iommu owns one IOVA space (the ranges the IOMMU can translate, minus reserved
 * windows) and the mappings made in it. It reaches the hardware only through an
 * nvmu_iommu_ops table, so the backend is replaceable (VFIO type1 today; iommufd or a
 * software IOMMU for tests tomorrow).
 *
 * IOVA allocation: long-lived ("fixed") mappings are placed from the bottom of the space
 * upwards, short-lived ("temporary") ones from the top downwards, and temporary mappings
 * can be released in one call. Freed ranges are reused.
 *
 * Mappings are few and large (VFIO type1 allows ~65535 per container by default): the
 * DMA pool carves queue memory and I/O buffers out of a few big mappings, and every
 * buffer it hands out carries its IOVA so hot paths never look anything up.
 *
 * Threads: a context and its pools are not locked. Calls that change them (map, unmap,
 * reserve, release, pool alloc/free) must be serialised by the caller; translate and the
 * counters may run concurrently with each other, but not with a change.
 */
#ifndef NVMU_IOMMU_H
#define NVMU_IOMMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nvmu/support.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An inclusive range of IO virtual addresses [start, last]. */
struct nvmu_iova_range {
	uint64_t start;
	uint64_t last;
};

/** DMA direction rights of a mapping, as seen from the device. */
enum nvmu_dma_prot {
	NVMU_DMA_READ = 1u << 0,  /**< device may read (host-to-device) */
	NVMU_DMA_WRITE = 1u << 1, /**< device may write (device-to-host) */
	NVMU_DMA_RW = NVMU_DMA_READ | NVMU_DMA_WRITE,
};

/** The hardware side of an IOMMU; each returns 0 or a negative errno (with nvmu_fail()). */
struct nvmu_iommu_ops {
	/** Map [vaddr, vaddr+len) at @p iova with @p prot (enum nvmu_dma_prot). */
	int (*map)(void *ctx, void *vaddr, uint64_t iova, size_t len, unsigned prot);
	/** Remove the mapping of [iova, iova+len). */
	int (*unmap)(void *ctx, uint64_t iova, size_t len);
};

struct nvmu_iommu;

/** Creation parameters of an IOMMU context. */
struct nvmu_iommu_config {
	const struct nvmu_iommu_ops *ops;
	void *ctx;                           /**< passed to every op */
	const struct nvmu_iova_range *ranges; /**< usable IOVA ranges (any order) */
	size_t nranges;
	uint64_t page_size;                  /**< IOMMU page size (power of two, e.g. 4096) */
	uint64_t max_mappings;               /**< backend's mapping limit, 0 = unlimited */
};

/**
 * Create an IOMMU context over the given IOVA ranges. IOVA 0 is never handed out.
 * Returns 0 and sets *out, -EINVAL for an empty or invalid configuration, or -ENOMEM.
 */
NVMU_API int nvmu_iommu_create(const struct nvmu_iommu_config *cfg, struct nvmu_iommu **out);

/**
 * Destroy the context: unmaps every remaining mapping through the backend and frees
 * the bookkeeping. Memory belonging to the caller is not freed.
 */
NVMU_API void nvmu_iommu_destroy(struct nvmu_iommu *iommu);

/**
 * Exclude [start, last] from future allocations (e.g. an MSI window or a device's BAR
 * range). Returns 0, or -EBUSY if a live mapping already overlaps the window.
 */
NVMU_API int nvmu_iommu_reserve(struct nvmu_iommu *iommu, uint64_t start, uint64_t last);

/** Lifetime class of a mapping; decides where its IOVA is placed. */
enum nvmu_map_kind {
	NVMU_MAP_FIXED = 0,     /**< long-lived: allocated from the bottom, growing up */
	NVMU_MAP_TEMPORARY = 1, /**< short-lived: allocated from the top, growing down */
};

/**
 * Map [vaddr, vaddr+len) for DMA. @p vaddr and @p len must be multiples of the IOMMU
 * page size. Sets *iova to the device address of vaddr.
 *
 * Placement: where the space allows, the IOVA is congruent to @p vaddr modulo the largest
 * power of two not above @p len, capped at 2 MiB (1 GiB for mappings of 1 GiB or more);
 * otherwise it is only page aligned. So a buffer aligned in vaddr is aligned alike in IOVA,
 * and hugepage-backed memory can be mapped with IOMMU superpages.
 *
 * Returns 0; -EINVAL (misaligned/zero length), -EEXIST (overlaps an existing mapping),
 * -ENOSPC (no IOVA range large enough, or the backend's mapping limit reached), or the
 * backend's error (e.g. -ENOMEM when the memlock limit is too low).
 */
NVMU_API int nvmu_iommu_map(struct nvmu_iommu *iommu, void *vaddr, size_t len, unsigned prot,
			    enum nvmu_map_kind kind, uint64_t *iova);

/**
 * Unmap the mapping that starts at @p vaddr. Returns 0, -ENOENT if no mapping starts
 * there, or the backend's error (the mapping then stays in place).
 */
NVMU_API int nvmu_iommu_unmap(struct nvmu_iommu *iommu, void *vaddr);

/**
 * Unmap every temporary mapping at once. Returns how many were released, or the first
 * backend error; the mappings whose unmap failed then stay in place, and the others are
 * released.
 */
NVMU_API int nvmu_iommu_release_temporary(struct nvmu_iommu *iommu);

/**
 * Translate [vaddr, vaddr+len) to a device address in O(log n). The whole range must
 * lie inside one mapping. Returns 0 and sets *iova, or -EFAULT if it is not mapped.
 */
NVMU_API int nvmu_iommu_translate(const struct nvmu_iommu *iommu, const void *vaddr, size_t len,
				  uint64_t *iova);

/**
 * Find the mapping that holds @p vaddr and give its start (*base), length (*len) and
 * device address (*iova). Returns 0, or -EFAULT if @p vaddr is not mapped.
 */
NVMU_API int nvmu_iommu_mapping_of(const struct nvmu_iommu *iommu, const void *vaddr,
				   void **base, size_t *len, uint64_t *iova);

/** Returns the number of live mappings. */
NVMU_API size_t nvmu_iommu_mapping_count(const struct nvmu_iommu *iommu);

/** Returns the IOMMU page size the context was created with. */
NVMU_API uint64_t nvmu_iommu_page_size(const struct nvmu_iommu *iommu);

/* ---- DMA buffer pool ------------------------------------------------------------- */

/**
 * A DMA-able buffer: CPU address, device address, length. The length is what a transfer
 * from the buffer moves: for an allocated buffer, the size that was asked for, even though
 * the memory behind it is rounded up to whole pages.
 */
struct nvmu_dma_buf {
	void *vaddr;
	uint64_t iova;
	size_t len;
};

/** Pool options; zero-initialised means defaults. */
struct nvmu_dma_pool_config {
	size_t opts_size; /**< sizeof(the structure) as built, or 0 (see support.h) */
	size_t chunk_size; /**< bytes mapped at a time (default 4 MiB; rounded to the page) */
	size_t max_bytes;  /**< upper bound on memory the pool maps (0 = unlimited) */
	bool hugepages;    /**< back chunks with 2 MiB hugepages (only when asked) */
};

struct nvmu_dma_pool;

/**
 * Create a pool that maps its chunks through @p iommu (destroy the pool before the
 * IOMMU context). No memory is mapped until the first allocation. @p cfg may be NULL.
 * Returns 0 or a negative errno (-EINVAL, -ENOMEM).
 */
NVMU_API int nvmu_dma_pool_create(struct nvmu_iommu *iommu, const struct nvmu_dma_pool_config *cfg,
				  struct nvmu_dma_pool **out);

/** Unmap and free every chunk. Buffers still allocated become invalid. */
NVMU_API void nvmu_dma_pool_destroy(struct nvmu_dma_pool *pool);

/**
 * Allocate @p len bytes, zeroed, aligned to @p align bytes (0 = page; a power of two up to
 * the chunk size). The pool reserves whole pages, but buf->len is @p len itself, so a
 * command that takes its length from the buffer moves what was asked for and no more; the
 * pool keeps the rounded size. Requests larger than a chunk get a chunk of their own.
 * Returns 0 and fills *buf; -EINVAL, or -ENOMEM when max_bytes would be exceeded or memory
 * cannot be had.
 */
NVMU_API int nvmu_dma_alloc(struct nvmu_dma_pool *pool, size_t len, size_t align,
			    struct nvmu_dma_buf *buf);

/**
 * Return a buffer to the pool and zero *@p buf, so freeing it twice is harmless (a zeroed
 * @p buf is ignored). The buffer is found from its address (vaddr and iova) and all its
 * pages go back: len may have been shortened since the allocation, but not grown past
 * them. A buffer the pool did not hand out, one already freed through a copy, or a len
 * beyond its pages is reported with a warning in the log and changes nothing.
 */
NVMU_API void nvmu_dma_free(struct nvmu_dma_pool *pool, struct nvmu_dma_buf *buf);

/** Pool statistics. */
struct nvmu_dma_pool_stats {
	size_t chunks;       /**< chunks mapped */
	size_t mapped_bytes; /**< bytes mapped through the IOMMU */
	size_t used_bytes;   /**< bytes handed out, in whole pages */
};

/** Fill *st with the pool's current statistics. */
NVMU_API void nvmu_dma_pool_stats(const struct nvmu_dma_pool *pool, struct nvmu_dma_pool_stats *st);

#ifdef __cplusplus
}
#endif
#endif
