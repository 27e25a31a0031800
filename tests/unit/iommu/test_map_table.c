/* SPDX-License-Identifier: MIT */
/* Unit tests for the sorted mapping table (src/iommu/map_table.c). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "iommu/map_table.h"

static struct map_entry entry(uintptr_t vaddr, size_t len, uint64_t iova)
{
	return (struct map_entry){ .vaddr = vaddr, .len = len, .iova = iova, .kind = NVMU_MAP_FIXED };
}

static bool sorted(const struct map_table *t)
{
	for (size_t i = 1; i < t->n; i++)
		if (t->v[i - 1].vaddr + t->v[i - 1].len > t->v[i].vaddr)
			return false;
	return true;
}

TEST(insert_keeps_order_and_rejects_overlap)
{
	struct map_table t;
	struct map_entry e;

	map_table_init(&t);
	e = entry(0x30000, 0x10000, 0x1000);
	CHECK_EQ(map_table_insert(&t, &e), 0);
	e = entry(0x10000, 0x10000, 0x2000);
	CHECK_EQ(map_table_insert(&t, &e), 0);
	e = entry(0x20000, 0x10000, 0x3000); /* touches both neighbours: fine */
	CHECK_EQ(map_table_insert(&t, &e), 0);
	CHECK_EQ(t.n, 3);
	CHECK(sorted(&t));
	CHECK_EQ(t.v[0].vaddr, 0x10000);
	CHECK_EQ(t.v[1].vaddr, 0x20000);
	CHECK_EQ(t.v[2].vaddr, 0x30000);

	e = entry(0x3f000, 0x2000, 0); /* last page of the last one */
	CHECK_EQ(map_table_insert(&t, &e), -EEXIST);
	e = entry(0xf000, 0x2000, 0); /* first page of the first one */
	CHECK_EQ(map_table_insert(&t, &e), -EEXIST);
	e = entry(0x8000, 0x40000, 0); /* covers them all */
	CHECK_EQ(map_table_insert(&t, &e), -EEXIST);
	e = entry(0x24000, 0x1000, 0); /* inside one */
	CHECK_EQ(map_table_insert(&t, &e), -EEXIST);
	e = entry(0x20000, 0x10000, 0); /* identical */
	CHECK_EQ(map_table_insert(&t, &e), -EEXIST);
	CHECK_EQ(t.n, 3);
	e = entry(0xf000, 0x1000, 0);
	CHECK_EQ(map_table_insert(&t, &e), 0);
	e = entry(0x40000, 0x1000, 0);
	CHECK_EQ(map_table_insert(&t, &e), 0);
	CHECK_EQ(t.n, 5);
	CHECK(sorted(&t));
	CHECK(map_table_overlap(&t, 0x41000, 0x100000) == NULL);
	CHECK(map_table_overlap(&t, 0x1000, 0xe000) == NULL);
	CHECK(map_table_overlap(&t, 0x1000, 0xe001) == &t.v[0]);
	map_table_fini(&t);
}

TEST(lookup_requires_the_whole_range_inside_one_entry)
{
	struct map_table t;
	struct map_entry e;
	const struct map_entry *hit;

	map_table_init(&t);
	e = entry(0x10000, 0x4000, 0xa0000);
	CHECK_EQ(map_table_insert(&t, &e), 0);
	e = entry(0x14000, 0x4000, 0xb0000);
	CHECK_EQ(map_table_insert(&t, &e), 0);

	hit = map_table_lookup(&t, 0x10000, 1);
	CHECK(hit && hit->iova == 0xa0000);
	hit = map_table_lookup(&t, 0x13fff, 1);
	CHECK(hit && hit->iova == 0xa0000);
	hit = map_table_lookup(&t, 0x10000, 0x4000);
	CHECK(hit && hit->iova == 0xa0000);
	hit = map_table_lookup(&t, 0x14000, 1);
	CHECK(hit && hit->iova == 0xb0000);
	/* Adjacent mappings are still two mappings. */
	CHECK(map_table_lookup(&t, 0x13fff, 2) == NULL);
	CHECK(map_table_lookup(&t, 0x10000, 0x4001) == NULL);
	CHECK(map_table_lookup(&t, 0xffff, 1) == NULL);
	CHECK(map_table_lookup(&t, 0x18000, 1) == NULL);
	CHECK(map_table_lookup(&t, 0x17fff, 2) == NULL);
	map_table_fini(&t);
	CHECK(map_table_lookup(&t, 0x10000, 1) == NULL);
}

TEST(index_of_and_remove)
{
	struct map_table t;
	struct map_entry e;

	map_table_init(&t);
	for (uintptr_t i = 0; i < 40; i++) {
		e = entry(0x100000 + ((i * 7) % 40) * 0x2000, 0x2000, i);
		CHECK_EQ(map_table_insert(&t, &e), 0);
	}
	CHECK(sorted(&t));
	CHECK_EQ(map_table_index_of(&t, 0x100000), 0);
	CHECK_EQ(map_table_index_of(&t, 0x100000 + 39 * 0x2000), 39);
	CHECK_EQ(map_table_index_of(&t, 0x101000), -1);
	CHECK_EQ(map_table_index_of(&t, 0xff000), -1);
	map_table_remove(&t, 10);
	CHECK_EQ(t.n, 39);
	CHECK_EQ(map_table_index_of(&t, 0x100000 + 10 * 0x2000), -1);
	CHECK_EQ(map_table_index_of(&t, 0x100000 + 11 * 0x2000), 10);
	CHECK(map_table_lookup(&t, 0x100000 + 10 * 0x2000 + 5, 1) == NULL);
	CHECK(sorted(&t));
	map_table_fini(&t);
}

static bool drop_odd_iova(const struct map_entry *e, void *ctx)
{
	(*(int *)ctx)++;
	return e->iova % 2;
}

TEST(drop_if_visits_everything_and_keeps_order)
{
	struct map_table t;
	struct map_entry e;
	int visits = 0;

	map_table_init(&t);
	for (uintptr_t i = 0; i < 10; i++) {
		e = entry(0x1000 * (10 - i), 0x1000, 10 - i);
		CHECK_EQ(map_table_insert(&t, &e), 0);
	}
	map_table_drop_if(&t, drop_odd_iova, &visits);
	CHECK_EQ(visits, 10);
	CHECK_EQ(t.n, 5);
	for (size_t i = 0; i < t.n; i++)
		CHECK_EQ(t.v[i].iova, 2 * (i + 1));
	CHECK(sorted(&t));
	map_table_fini(&t);
}

RUN_TESTS(T(insert_keeps_order_and_rejects_overlap),
	  T(lookup_requires_the_whole_range_inside_one_entry), T(index_of_and_remove),
	  T(drop_if_visits_everything_and_keeps_order))
