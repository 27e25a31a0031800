/* SPDX-License-Identifier: MIT */
/* Mapping table: sorted by virtual address, binary-searched. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iommu/map_table.h"
#include "support/upper_bound.h"

void map_table_init(struct map_table *t)
{
	memset(t, 0, sizeof(*t));
}

void map_table_fini(struct map_table *t)
{
	free(t->v);
	map_table_init(t);
}

int map_table_reserve_one(struct map_table *t)
{
	struct map_entry *grown;
	size_t cap;

	if (t->n < t->cap)
		return 0;
	cap = t->cap ? t->cap * 2 : 16;
	grown = realloc(t->v, cap * sizeof(*grown));
	if (!grown)
		return nvmu_fail(ENOMEM, "cannot grow the DMA mapping table to %zu entries", cap);
	t->v = grown;
	t->cap = cap;
	return 0;
}

/* Returns the index of the first entry whose vaddr is above @p vaddr. */
static size_t upper_bound(const struct map_table *t, uintptr_t vaddr)
{
	return UPPER_BOUND(t->v, t->n, vaddr, vaddr);
}

/* Returns how many bytes of entry @p e lie at or after @p vaddr, or 0 if it ends before. */
static size_t covers_from(const struct map_entry *e, uintptr_t vaddr)
{
	uintptr_t end = e->vaddr + e->len;

	return end > vaddr ? end - vaddr : 0;
}

const struct map_entry *map_table_overlap(const struct map_table *t, uintptr_t vaddr, size_t len)
{
	size_t i = upper_bound(t, vaddr);

	if (i > 0 && covers_from(&t->v[i - 1], vaddr))
		return &t->v[i - 1];
	if (i < t->n && t->v[i].vaddr - vaddr < len)
		return &t->v[i];
	return NULL;
}

int map_table_insert(struct map_table *t, const struct map_entry *e)
{
	size_t i;
	int rc;

	if (map_table_overlap(t, e->vaddr, e->len))
		return -EEXIST;
	rc = map_table_reserve_one(t);
	if (rc)
		return rc;
	i = upper_bound(t, e->vaddr);
	memmove(&t->v[i + 1], &t->v[i], (t->n - i) * sizeof(*e));
	t->v[i] = *e;
	t->n++;
	return 0;
}

const struct map_entry *map_table_lookup(const struct map_table *t, uintptr_t vaddr, size_t len)
{
	size_t i = upper_bound(t, vaddr);

	if (i == 0 || covers_from(&t->v[i - 1], vaddr) < len)
		return NULL;
	return &t->v[i - 1];
}

ptrdiff_t map_table_index_of(const struct map_table *t, uintptr_t vaddr)
{
	size_t i = upper_bound(t, vaddr);

	return i > 0 && t->v[i - 1].vaddr == vaddr ? (ptrdiff_t)(i - 1) : -1;
}

void map_table_remove(struct map_table *t, size_t index)
{
	memmove(&t->v[index], &t->v[index + 1], (t->n - index - 1) * sizeof(t->v[0]));
	t->n--;
}

void map_table_drop_if(struct map_table *t, bool (*drop)(const struct map_entry *e, void *ctx),
		       void *ctx)
{
	size_t kept = 0;

	for (size_t i = 0; i < t->n; i++) {
		if (drop(&t->v[i], ctx))
			continue;
		t->v[kept++] = t->v[i];
	}
	t->n = kept;
}
