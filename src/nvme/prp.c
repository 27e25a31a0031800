/* SPDX-License-Identifier: MIT */
/*
 * PRP building. PRP1 may start anywhere (4-byte aligned) in a page; every later entry
 * is page aligned. Two pages fit in PRP1 + PRP2; more need a PRP list that PRP2 points
 * to. A list page holds page_size/8 entries; when a list needs another page, the last
 * entry of a full page points to the next page instead of to data. A scattered buffer
 * fits PRPs when only its first piece starts and only its last piece ends off a page
 * boundary.
 */
#include <errno.h>

#include "nvme_internal.h"
#include "pieces.h"

static bool valid_page_size(uint32_t page_size)
{
	return page_size >= 4096 && (page_size & (page_size - 1)) == 0;
}

static uint32_t data_pages(size_t offset, size_t len, uint32_t page_size)
{
	return (uint32_t)((offset + len + page_size - 1) / page_size);
}

/* The number of list pages needed for @entries PRP entries, counting only the entries
 * that follow PRP1. */
static uint32_t list_pages_for(uint64_t entries, uint32_t page_size)
{
	if (entries <= 1) /* PRP2 holds the one entry directly */
		return 0;
	return chained_pages(entries, page_size / 8);
}

uint32_t nvmu_prp_list_pages(size_t offset, size_t len, uint32_t page_size)
{
	if (len == 0 || !valid_page_size(page_size))
		return 0;
	offset &= page_size - 1;
	return list_pages_for(data_pages(offset, len, page_size) - 1, page_size);
}

/* Appends the PRP entries that follow PRP1. When there is only one, it goes straight into
 * PRP2; otherwise PRP2 points to the list and every entry goes into the list pages. */
struct prp_writer {
	const struct nvmu_prp_pages *list;
	uint64_t entries; /* total after PRP1 */
	uint64_t written;
	uint32_t per_page, page, used;
	uint64_t *prp2;
};

static void prp_put(struct prp_writer *w, uint64_t addr)
{
	uint64_t *slot;

	if (w->entries == 1) {
		*w->prp2 = addr;
		w->written++;
		return;
	}
	if (w->used == w->per_page - 1 && w->entries - w->written > 1) {
		/* This is the last slot of a full page and more than one entry is left, so the
		 * slot points to the next list page instead of holding data. */
		w->list->vaddr[(size_t)w->page * w->per_page + w->used] =
			w->list->iova + (uint64_t)(w->page + 1) * w->per_page * 8;
		w->page++;
		w->used = 0;
	}
	slot = w->list->vaddr + (size_t)w->page * w->per_page + w->used;
	*slot = addr;
	w->used++;
	w->written++;
}

int nvmu_prp_iov_pages(const struct nvmu_dma_buf *iov, unsigned iovcnt, size_t skip, size_t len,
		       uint32_t page_size, uint64_t *pages)
{
	uint64_t mask = page_size - 1, iova;
	struct piece_walk w;
	size_t n;
	unsigned k = 0;

	if (!piece_walk_start(&w, iov, iovcnt, skip, len))
		return nvmu_fail(EINVAL, "data range [%zu, +%zu) lies beyond the %zu-byte buffer",
				 skip, len, nvmu_iov_bytes(iov, iovcnt));
	*pages = 0;
	while (piece_next(&w, &iova, &n)) {
		if (k == 0 && (iova & 3))
			return nvmu_fail(EINVAL, "data address 0x%llx is not 4-byte aligned, "
					 "as PRPs require", (unsigned long long)iova);
		if (k > 0 && (iova & mask))
			return nvmu_fail(EINVAL, "iovec piece %u starts at 0x%llx, not on a page "
					 "boundary: not PRP-compatible (use an SGL)", k,
					 (unsigned long long)iova);
		if (w.left && ((iova + n) & mask))
			return nvmu_fail(EINVAL, "iovec piece %u ends at 0x%llx, not on a page "
					 "boundary, and more follows: not PRP-compatible "
					 "(use an SGL)", k, (unsigned long long)(iova + n));
		*pages += data_pages(iova & mask, n, page_size);
		k++;
	}
	return 0;
}

int nvmu_prp_build_iov(const struct nvmu_dma_buf *iov, unsigned iovcnt, size_t skip,
		       size_t len, uint32_t page_size, size_t max_len,
		       const struct nvmu_prp_pages *list, uint64_t *prp1, uint64_t *prp2)
{
	struct prp_writer pw = { .list = list, .per_page = page_size / 8, .prp2 = prp2 };
	uint64_t pages = 0, iova = 0;
	struct piece_walk w;
	uint32_t need;
	size_t n = 0;
	bool first = true;
	int ret;

	*prp1 = 0;
	*prp2 = 0;
	if (!valid_page_size(page_size))
		return nvmu_fail(EINVAL, "PRP page size %u is not a power of two >= 4096",
				 page_size);
	if (len == 0)
		return 0;
	if (max_len && len > max_len)
		return nvmu_fail(E2BIG, "transfer of %zu bytes exceeds the limit of %zu (MDTS)",
				 len, max_len);
	ret = nvmu_prp_iov_pages(iov, iovcnt, skip, len, page_size, &pages);
	if (ret < 0)
		return ret;
	pw.entries = pages - 1;
	need = list_pages_for(pw.entries, page_size);
	if (need && (!list || !list->vaddr || need > list->npages))
		return nvmu_fail(E2BIG, "transfer of %zu bytes needs %u PRP list page(s); "
				 "%u available", len, need, list ? list->npages : 0);
	if (pw.entries > 1)
		*prp2 = list->iova;
	piece_walk_start(&w, iov, iovcnt, skip, len);
	while (piece_next(&w, &iova, &n)) {
		uint64_t page = iova & ~(uint64_t)(page_size - 1);

		if (first) {
			*prp1 = iova;
			page += page_size;
			first = false;
		}
		for (; page < iova + n; page += page_size)
			prp_put(&pw, page);
	}
	return 0;
}

bool nvmu_prp_one_list(uint64_t iova, size_t len, uint64_t page_size,
		       const struct nvmu_prp_pages *list, uint64_t *prp2)
{
	uint64_t mask = page_size - 1, end = (iova & mask) + len; /* from the first page's start */
	uint64_t page = (iova & ~mask) + page_size, last = iova + len;
	size_t i = 0;

	if ((iova & 3) || (end + mask) / page_size - 1 > page_size / 8 || !list || !list->vaddr ||
	    !list->npages)
		return false;
	for (; page < last; page += page_size)
		list->vaddr[i++] = page;
	*prp2 = list->iova;
	return true;
}

int nvmu_prp_build(uint64_t iova, size_t len, uint32_t page_size, size_t max_len,
		   const struct nvmu_prp_pages *list, uint64_t *prp1, uint64_t *prp2)
{
	struct nvmu_dma_buf one = { NULL, iova, len };

	if (len && valid_page_size(page_size) && (!max_len || len <= max_len) &&
	    nvmu_prp_fast(iova, len, page_size, list, prp2)) {
		*prp1 = iova;
		return 0;
	}
	return nvmu_prp_build_iov(&one, 1, 0, len, page_size, max_len, list, prp1, prp2);
}

size_t nvmu_iov_bytes(const struct nvmu_dma_buf *iov, unsigned iovcnt)
{
	size_t total = 0;

	for (unsigned k = 0; k < iovcnt; k++)
		total += iov[k].len;
	return total;
}

size_t nvmu_iov_pieces(const struct nvmu_dma_buf *iov, unsigned iovcnt, size_t skip, size_t len)
{
	struct piece_walk w;
	uint64_t iova;
	size_t n, count = 0;

	if (!piece_walk_start(&w, iov, iovcnt, skip, len))
		return 0;
	while (piece_next(&w, &iova, &n))
		count++;
	return count;
}
