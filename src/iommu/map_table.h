/* SPDX-License-Identifier: MIT */
/*
 * Mapping table: the live DMA mappings of an IOMMU context in an array sorted by virtual
 * address, so lookups are a binary search. Entries never overlap in virtual address.
 */
#ifndef NVMU_SRC_IOMMU_MAP_TABLE_H
#define NVMU_SRC_IOMMU_MAP_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nvmu/iommu.h"

/** One mapping: [vaddr, vaddr+len) is visible to the device at [iova, iova+len). */
struct map_entry {
	uintptr_t vaddr;
	size_t len;
	uint64_t iova;
	enum nvmu_map_kind kind;
};

struct map_table {
	struct map_entry *v; /**< sorted by vaddr */
	size_t n;
	size_t cap;
};

/** An empty table (no allocation). */
void map_table_init(struct map_table *t);

/** Free the table's memory. */
void map_table_fini(struct map_table *t);

/** Make room for one more entry so the next insert cannot fail. Returns 0 or -ENOMEM. */
int map_table_reserve_one(struct map_table *t);

/** An entry overlapping [vaddr, vaddr+len) (len > 0), or NULL. */
const struct map_entry *map_table_overlap(const struct map_table *t, uintptr_t vaddr, size_t len);

/**
 * Insert @p e. Returns 0; -EEXIST if it overlaps an entry; -ENOMEM (never after a
 * successful map_table_reserve_one()).
 */
int map_table_insert(struct map_table *t, const struct map_entry *e);

/** The entry that holds all of [vaddr, vaddr+len) (len > 0, no wrap), or NULL. */
const struct map_entry *map_table_lookup(const struct map_table *t, uintptr_t vaddr, size_t len);

/** Index of the entry that starts exactly at @p vaddr, or -1. */
ptrdiff_t map_table_index_of(const struct map_table *t, uintptr_t vaddr);

/** Remove the entry at @p index. */
void map_table_remove(struct map_table *t, size_t index);

/**
 * Visit every entry in order; entries for which @p drop returns true are removed.
 * Order is kept.
 */
void map_table_drop_if(struct map_table *t, bool (*drop)(const struct map_entry *e, void *ctx),
		       void *ctx);

#endif
