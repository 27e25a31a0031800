/* SPDX-License-Identifier: MIT */
/*
 * The software controller's IOMMU: DMA memory handed to the driver gets IO virtual
 * addresses of the controller's own (never the CPU address), with an unmapped guard page
 * between buffers, and every device access is looked up in the sorted table of mappings.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "soft.h"
#include "support/upper_bound.h"

#define IOVA_BASE 0x100000000ull /* 4 GiB: far from typical CPU addresses of heap and mmap */
#define GUARD_BYTES 4096u

static int grow(struct soft_dma *d)
{
	size_t cap = d->cap ? d->cap * 2 : 64;
	struct soft_mapping *m = realloc(d->map, cap * sizeof(*m));

	if (!m)
		return nvmu_fail(ENOMEM, "out of memory for the soft controller's DMA table");
	d->map = m;
	d->cap = cap;
	return 0;
}

/* Index of the mapping that contains @iova, or d->n. */
static size_t find(const struct soft_dma *d, uint64_t iova)
{
	size_t i = UPPER_BOUND(d->map, d->n, iova, iova);

	if (i == 0 || iova - d->map[i - 1].iova >= d->map[i - 1].len)
		return d->n;
	return i - 1;
}

/* Add @m to the table, kept sorted by IOVA: the controller's own buffers and peers' memory
 * get IOVAs from below, the IOMMU context (iommu.c) places its mappings higher up. */
static int insert(struct soft_ctrl *c, struct soft_mapping m)
{
	struct soft_dma *d = &c->dma;
	size_t i;
	int ret;

	if (d->n == d->cap && (ret = grow(d)) < 0)
		return ret;
	i = UPPER_BOUND(d->map, d->n, iova, m.iova);
	if ((i > 0 && m.iova - d->map[i - 1].iova < d->map[i - 1].len) ||
	    (i < d->n && d->map[i].iova - m.iova < m.len))
		return nvmu_fail(EEXIST, "%s: DMA mapping at %#llx of %llu bytes overlaps another",
				 c->name, (unsigned long long)m.iova, (unsigned long long)m.len);
	memmove(&d->map[i + 1], &d->map[i], (d->n - i) * sizeof(d->map[0]));
	d->map[i] = m;
	d->n++;
	c->stats.dma_mappings = (uint32_t)d->n;
	return 0;
}

int soft_dma_alloc(struct soft_ctrl *c, size_t len, struct nvmu_dma_buf *buf)
{
	struct soft_dma *d = &c->dma;
	size_t rounded = (size_t)nvmu_align_up(len ? len : 1, nvmu_page_size());
	void *mem = NULL;
	int ret;

	if (d->next_iova == 0)
		d->next_iova = IOVA_BASE;
	ret = nvmu_mem_alloc(rounded, 0, &mem);
	if (ret < 0)
		return nvmu_fail_context(-ret, "%s: DMA buffer of %zu bytes", c->name, len);
	ret = insert(c, (struct soft_mapping){ .iova = d->next_iova, .len = rounded,
					       .vaddr = mem });
	if (ret < 0) {
		nvmu_mem_free(mem, rounded, 0);
		return ret;
	}
	buf->vaddr = mem;
	buf->iova = d->next_iova;
	buf->len = len; /* what was asked for; the table keeps the rounded size for free */
	d->next_iova += rounded + GUARD_BYTES;
	return 0;
}

int soft_dma_map_peer(struct soft_ctrl *c, void *vaddr, size_t len, uint64_t *iova)
{
	struct soft_dma *d = &c->dma;
	int ret;

	if (d->next_iova == 0)
		d->next_iova = IOVA_BASE;
	ret = insert(c, (struct soft_mapping){ .iova = d->next_iova, .len = len,
					       .vaddr = vaddr, .peer = true });
	if (ret < 0)
		return ret;
	*iova = d->next_iova;
	d->next_iova += nvmu_align_up(len, nvmu_page_size()) + GUARD_BYTES;
	return 0;
}

int soft_dma_map_at(struct soft_ctrl *c, void *vaddr, uint64_t iova, size_t len)
{
	return insert(c, (struct soft_mapping){ .iova = iova, .len = len, .vaddr = vaddr,
						.peer = true });
}

void soft_dma_free(struct soft_ctrl *c, struct nvmu_dma_buf *buf)
{
	struct soft_dma *d = &c->dma;
	size_t i;

	if (!buf->vaddr)
		return;
	i = find(d, buf->iova);
	if (i == d->n || d->map[i].vaddr != buf->vaddr || d->map[i].iova != buf->iova ||
	    d->map[i].peer) {
		nvmu_log(NVMU_LOG_WARN, "%s: DMA free of a buffer it did not hand out "
			 "(vaddr %p, iova %#llx); ignored", c->name, buf->vaddr,
			 (unsigned long long)buf->iova);
		return;
	}
	nvmu_mem_free(d->map[i].vaddr, d->map[i].len, 0);
	memmove(&d->map[i], &d->map[i + 1], (d->n - i - 1) * sizeof(d->map[0]));
	d->n--;
	c->stats.dma_mappings = (uint32_t)d->n;
	memset(buf, 0, sizeof(*buf));
}

void soft_dma_unmap_peer(struct soft_ctrl *c, uint64_t iova)
{
	struct soft_dma *d = &c->dma;
	size_t i = find(d, iova);

	if (i == d->n || d->map[i].iova != iova || !d->map[i].peer)
		return;
	memmove(&d->map[i], &d->map[i + 1], (d->n - i - 1) * sizeof(d->map[0]));
	d->n--;
	c->stats.dma_mappings = (uint32_t)d->n;
}

void soft_dma_fini(struct soft_ctrl *c)
{
	struct soft_dma *d = &c->dma;

	if (d->n)
		nvmu_log(NVMU_LOG_WARN, "%s: %zu DMA buffers were not freed before close", c->name,
			 d->n);
	for (size_t i = 0; i < d->n; i++)
		if (!d->map[i].peer)
			nvmu_mem_free(d->map[i].vaddr, d->map[i].len, 0);
	free(d->map);
	memset(d, 0, sizeof(*d));
}

void *soft_dma_lookup(struct soft_ctrl *c, uint64_t iova, uint64_t len)
{
	struct soft_dma *d = &c->dma;
	size_t i = find(d, iova);
	uint64_t off;

	if (i == d->n)
		return NULL;
	off = iova - d->map[i].iova;
	if (len > d->map[i].len - off)
		return NULL;
	return d->map[i].vaddr + off;
}
