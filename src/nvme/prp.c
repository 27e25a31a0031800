/* SPDX-License-Identifier: MIT */
/*
 * PRP building. PRP1 may start anywhere (4-byte aligned) in a page; every later entry
 * is page aligned. Two pages fit in PRP1 + PRP2; more need a PRP list that PRP2 points
 * to. A list page holds page_size/8 entries; when a list needs another page, the last
 * entry of a full page points to the next page instead of to data.
 */
#include <errno.h>

#include "nvmu/nvme.h"

static uint32_t data_pages(size_t offset, size_t len, uint32_t page_size)
{
	return (uint32_t)((offset + len + page_size - 1) / page_size);
}

/* List pages needed for @entries PRP entries (entries after PRP1). */
static uint32_t list_pages_for(uint64_t entries, uint32_t page_size)
{
	uint64_t per_page = page_size / 8;

	if (entries <= 1) /* PRP2 holds the one entry directly */
		return 0;
	if (entries <= per_page)
		return 1;
	/* Every page but the last gives one slot to the chain pointer. */
	return (uint32_t)((entries - 1 + per_page - 2) / (per_page - 1));
}

uint32_t nvmu_prp_list_pages(size_t offset, size_t len, uint32_t page_size)
{
	if (len == 0 || page_size < 4096 || (page_size & (page_size - 1)))
		return 0;
	offset &= page_size - 1;
	return list_pages_for(data_pages(offset, len, page_size) - 1, page_size);
}

/* Write the data pages after the first into the chained list pages. */
static void fill_list(const struct nvmu_prp_pages *list, uint64_t first_page, uint64_t entries,
		      uint32_t page_size)
{
	uint32_t per_page = page_size / 8;
	uint64_t *slot = list->vaddr;
	uint32_t page = 0, used = 0;

	for (uint64_t i = 0; i < entries; i++) {
		if (used == per_page - 1 && entries - i > 1) {
			/* Last slot of a full page, more than one entry left: chain. */
			page++;
			slot[used] = list->iova + (uint64_t)page * page_size;
			slot = list->vaddr + (size_t)page * per_page;
			used = 0;
		}
		slot[used++] = first_page + i * page_size;
	}
}

int nvmu_prp_build(uint64_t iova, size_t len, uint32_t page_size, size_t max_len,
		   const struct nvmu_prp_pages *list, uint64_t *prp1, uint64_t *prp2)
{
	uint64_t offset, entries, next_page;
	uint32_t need;

	*prp1 = 0;
	*prp2 = 0;
	if (page_size < 4096 || (page_size & (page_size - 1)))
		return nvmu_fail(EINVAL, "PRP page size %u is not a power of two >= 4096", page_size);
	if (len == 0)
		return 0;
	if (iova & 3)
		return nvmu_fail(EINVAL, "data address 0x%llx is not 4-byte aligned, as PRPs require",
				 (unsigned long long)iova);
	if (max_len && len > max_len)
		return nvmu_fail(E2BIG, "transfer of %zu bytes exceeds the limit of %zu (MDTS)", len,
				 max_len);
	offset = iova & (page_size - 1);
	entries = data_pages(offset, len, page_size) - 1;
	next_page = iova - offset + page_size;
	*prp1 = iova;
	if (entries == 0)
		return 0;
	if (entries == 1) {
		*prp2 = next_page;
		return 0;
	}
	need = list_pages_for(entries, page_size);
	if (!list || !list->vaddr || need > list->npages) {
		*prp1 = 0;
		return nvmu_fail(E2BIG, "transfer of %zu bytes needs %u PRP list page(s); %u available",
				 len, need, list ? list->npages : 0);
	}
	fill_list(list, next_page, entries, page_size);
	*prp2 = list->iova;
	return 0;
}
