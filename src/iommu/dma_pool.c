/* SPDX-License-Identifier: MIT */
/*
 * DMA buffer pool: a few large mapped chunks, carved into page-granular buffers.
 *
 * Policy: a request goes to the first shared chunk with a fitting aligned run of free
 * pages; else a new chunk of chunk_size bytes is mapped (shrunk to what max_bytes still
 * allows); a request that cannot fit a fresh chunk gets a dedicated chunk of its own.
 * A chunk that becomes empty is released when it is dedicated or when another empty
 * shared chunk is already kept: at most one idle chunk stays mapped, so a workload that
 * hovers around a chunk boundary does not map and unmap on every call.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iommu/dma_chunk.h"
#include "support/opts.h"
#include "support/pow2.h"
#include "support/upper_bound.h"

#define DEFAULT_CHUNK_SIZE (4ull << 20)
/* Bound on requests and chunk sizes, so sizes plus alignment padding never overflow. */
#define MAX_REQUEST (SIZE_MAX / 4)

struct nvmu_dma_pool {
	struct nvmu_iommu *iommu;
	size_t page;       /**< buffer granule: max(host page, IOMMU page) */
	size_t granule;    /**< chunk length unit and start alignment: page, or 2 MiB hugepage */
	size_t chunk_size;
	size_t max_bytes;
	unsigned mem_flags;
	struct dma_chunk *chunks; /**< sorted by vaddr */
	size_t nchunks;
	size_t cap;
	size_t mapped_bytes;
	size_t used_bytes;
};

int nvmu_dma_pool_create(struct nvmu_iommu *iommu, const struct nvmu_dma_pool_config *cfg,
			 struct nvmu_dma_pool **out)
{
	struct nvmu_dma_pool_config copy;
	struct nvmu_dma_pool *pool;
	uint64_t iommu_page;

	if (!iommu || !out)
		return nvmu_fail(EINVAL, "nvmu_dma_pool_create: NULL argument");
	cfg = OPTS_COPY(copy, cfg);
	if (cfg->chunk_size > MAX_REQUEST)
		return nvmu_fail(EINVAL, "DMA pool chunk size %zu is too large", cfg->chunk_size);
	iommu_page = nvmu_iommu_page_size(iommu);
	pool = calloc(1, sizeof(*pool));
	if (!pool)
		return nvmu_fail(ENOMEM, "cannot allocate a DMA pool");
	pool->iommu = iommu;
	pool->page = nvmu_page_size() > iommu_page ? nvmu_page_size() : iommu_page;
	pool->mem_flags = cfg->hugepages ? NVMU_MEM_HUGEPAGE : 0;
	pool->granule = pool->page;
	if (cfg->hugepages && pool->granule < DMA_HUGEPAGE_SIZE)
		pool->granule = DMA_HUGEPAGE_SIZE;
	pool->chunk_size = nvmu_align_up(cfg->chunk_size ? cfg->chunk_size : DEFAULT_CHUNK_SIZE,
					 pool->granule);
	pool->max_bytes = cfg->max_bytes;
	*out = pool;
	return 0;
}

void nvmu_dma_pool_destroy(struct nvmu_dma_pool *pool)
{
	if (!pool)
		return;
	for (size_t i = 0; i < pool->nchunks; i++)
		dma_chunk_destroy(&pool->chunks[i], pool->iommu);
	free(pool->chunks);
	free(pool);
}

/* Returns the index of the first chunk whose vaddr is above @p addr. */
static size_t chunk_upper_bound(const struct nvmu_dma_pool *pool, uintptr_t addr)
{
	return UPPER_BOUND(pool->chunks, pool->nchunks, vaddr, addr);
}

/* Returns the chunk that holds @p addr, or NULL. */
static struct dma_chunk *chunk_of(const struct nvmu_dma_pool *pool, uintptr_t addr)
{
	size_t i = chunk_upper_bound(pool, addr);

	if (i > 0 && dma_chunk_contains(&pool->chunks[i - 1], addr))
		return &pool->chunks[i - 1];
	return NULL;
}

/* Returns how many bytes a new chunk may have without going over max_bytes, in whole
 * granules, or SIZE_MAX when the pool is unlimited. */
static size_t budget_left(const struct nvmu_dma_pool *pool)
{
	if (!pool->max_bytes)
		return SIZE_MAX;
	if (pool->mapped_bytes >= pool->max_bytes)
		return 0;
	return (pool->max_bytes - pool->mapped_bytes) / pool->granule * pool->granule;
}

/* Map a new chunk from @p spec and insert it in order; returns it through *out. */
static int add_chunk(struct nvmu_dma_pool *pool, const struct dma_chunk_spec *spec,
		     struct dma_chunk **out)
{
	struct dma_chunk c;
	size_t i;
	int rc;

	if (spec->len > budget_left(pool))
		return nvmu_fail(ENOMEM,
				 "DMA pool limit of %zu bytes reached: %zu bytes mapped, %zu more "
				 "needed (free buffers or raise max_bytes)",
				 pool->max_bytes, pool->mapped_bytes, spec->len);
	if (pool->nchunks == pool->cap) {
		size_t cap = pool->cap ? pool->cap * 2 : 8;
		struct dma_chunk *grown = realloc(pool->chunks, cap * sizeof(*grown));

		if (!grown)
			return nvmu_fail(ENOMEM, "cannot grow the DMA pool's chunk list");
		pool->chunks = grown;
		pool->cap = cap;
	}
	rc = dma_chunk_create(&c, pool->iommu, spec);
	if (rc)
		return nvmu_fail_context(-rc, "DMA pool: new chunk of %zu bytes", spec->len);
	i = chunk_upper_bound(pool, c.vaddr);
	memmove(&pool->chunks[i + 1], &pool->chunks[i], (pool->nchunks - i) * sizeof(c));
	pool->chunks[i] = c;
	pool->nchunks++;
	pool->mapped_bytes += c.len;
	*out = &pool->chunks[i];
	return 0;
}

/*
 * A new chunk for @p bytes aligned to @p align: a shared one when the request is sure to
 * fit a fresh chunk (shrunk to the budget if needed), else a dedicated one.
 */
static int new_chunk_for(struct nvmu_dma_pool *pool, size_t bytes, size_t align,
			 struct dma_chunk **out)
{
	/* A fresh shared chunk starts aligned to the granule; more alignment costs padding. */
	size_t worst = bytes + (align > pool->granule ? align - pool->granule : 0);
	size_t len = pool->chunk_size < budget_left(pool) ? pool->chunk_size : budget_left(pool);
	struct dma_chunk_spec spec = {
		.page = pool->page,
		.mem_flags = pool->mem_flags,
		.need_congruence = align,
	};

	if (worst <= len) {
		spec.len = len;
		spec.mem_align = pool->page;
		spec.want_congruence = pow2_floor(len);
	} else {
		spec.len = nvmu_align_up(bytes, pool->granule);
		spec.mem_align = align;
		spec.want_congruence = align;
		spec.dedicated = true;
	}
	return add_chunk(pool, &spec, out);
}

/* Place @p n pages in an existing shared chunk. Returns the chunk, with the first page in
 * *first, or NULL if none has room. */
static struct dma_chunk *find_in_chunks(struct nvmu_dma_pool *pool, size_t n, size_t align,
					size_t *first)
{
	for (size_t i = 0; i < pool->nchunks; i++) {
		struct dma_chunk *c = &pool->chunks[i];

		if (c->dedicated || c->npages - c->used_pages < n || c->congruence < align)
			continue;
		if (dma_chunk_find(c, n, align, first))
			return c;
	}
	return NULL;
}

int nvmu_dma_alloc(struct nvmu_dma_pool *pool, size_t len, size_t align, struct nvmu_dma_buf *buf)
{
	struct dma_chunk *c;
	bool fresh = false;
	size_t n, first;
	int rc;

	if (!pool || !buf)
		return nvmu_fail(EINVAL, "nvmu_dma_alloc: NULL argument");
	if (len == 0 || len > MAX_REQUEST)
		return nvmu_fail(EINVAL, "nvmu_dma_alloc: cannot allocate %zu bytes", len);
	if (align && (!is_pow2(align) || align > pool->chunk_size))
		return nvmu_fail(EINVAL, "nvmu_dma_alloc: alignment %zu is not a power of two up "
				 "to the chunk size %zu", align, pool->chunk_size);
	if (align < pool->page)
		align = pool->page;
	n = nvmu_align_up(len, pool->page) / pool->page;
	c = find_in_chunks(pool, n, align, &first);
	if (!c) {
		rc = new_chunk_for(pool, n * pool->page, align, &c);
		if (rc)
			return rc;
		fresh = true;
		if (!dma_chunk_find(c, n, align, &first))
			return nvmu_fail(EFAULT, "DMA pool: internal error placing %zu pages", n);
	}
	dma_chunk_take(c, first, n);
	pool->used_bytes += n * pool->page;
	buf->vaddr = (void *)(c->vaddr + first * pool->page);
	buf->iova = c->iova + first * pool->page;
	/* The length is what was asked for, so a transfer from the whole buffer moves no
	 * more than that; the pages behind it are the pool's to know (nvmu_dma_free()). */
	buf->len = len;
	/* A fresh chunk is zero already; skipping it spares faulting in large buffers. */
	if (!fresh)
		memset(buf->vaddr, 0, n * pool->page);
	return 0;
}

/* True if a shared chunk other than @p c is empty. */
static bool has_other_idle_chunk(const struct nvmu_dma_pool *pool, const struct dma_chunk *c)
{
	for (size_t i = 0; i < pool->nchunks; i++) {
		const struct dma_chunk *o = &pool->chunks[i];

		if (o != c && !o->dedicated && o->used_pages == 0)
			return true;
	}
	return false;
}

/*
 * Unmap and drop an empty chunk. If the unmap fails its memory is abandoned, not freed
 * (the device may still reach it); the IOMMU context keeps the mapping for its destroy.
 */
static void release_chunk(struct nvmu_dma_pool *pool, struct dma_chunk *c)
{
	size_t i = (size_t)(c - pool->chunks);

	pool->mapped_bytes -= c->len;
	dma_chunk_destroy(c, pool->iommu);
	memmove(c, c + 1, (pool->nchunks - i - 1) * sizeof(*c));
	pool->nchunks--;
}

void nvmu_dma_free(struct nvmu_dma_pool *pool, struct nvmu_dma_buf *buf)
{
	struct dma_chunk *c;
	uintptr_t va;
	size_t off, n = 0;

	if (!buf || (!buf->vaddr && !buf->iova && !buf->len))
		return;
	va = (uintptr_t)buf->vaddr;
	c = pool ? chunk_of(pool, va) : NULL;
	if (!c) {
		nvmu_log(NVMU_LOG_WARN,
			 "DMA free of %p (+%zu bytes): not a buffer of this pool; ignored",
			 buf->vaddr, buf->len);
		return;
	}
	/* The buffer is found from its address: the caller may have shortened len (a
	 * transfer of part of it), but a len beyond its pages is a damaged descriptor. */
	off = va - c->vaddr;
	if (off % pool->page == 0 && buf->iova == c->iova + off)
		n = dma_chunk_buffer_pages(c, off / pool->page);
	if (n == 0 || buf->len > n * pool->page) {
		nvmu_log(NVMU_LOG_WARN,
			 "DMA free of %p (+%zu bytes, IOVA 0x%llx): not a live buffer (double "
			 "free or damaged descriptor); ignored", buf->vaddr, buf->len,
			 (unsigned long long)buf->iova);
		return;
	}
	dma_chunk_give_back(c, off / pool->page, n);
	pool->used_bytes -= n * pool->page;
	memset(buf, 0, sizeof(*buf));
	if (c->used_pages == 0 && (c->dedicated || has_other_idle_chunk(pool, c)))
		release_chunk(pool, c);
}

void nvmu_dma_pool_stats(const struct nvmu_dma_pool *pool, struct nvmu_dma_pool_stats *st)
{
	if (!st)
		return;
	memset(st, 0, sizeof(*st));
	if (!pool)
		return;
	st->chunks = pool->nchunks;
	st->mapped_bytes = pool->mapped_bytes;
	st->used_bytes = pool->used_bytes;
}
