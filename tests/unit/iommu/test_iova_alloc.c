/* SPDX-License-Identifier: MIT */
/* Unit tests for the IOVA interval allocator (src/iommu/iova_alloc.c). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "iommu/iova_alloc.h"

#define PG 4096ull
#define MB (1ull << 20)

#define CHECK_FREE(a, i, s, l)                                                             \
	do {                                                                               \
		CHECK_EQ((a)->free[i].start, (s));                                         \
		CHECK_EQ((a)->free[i].last, (l));                                          \
	} while (0)

/* The allocator's own invariants: sorted, disjoint, non-adjacent, page aligned, no page 0. */
static void check_invariants(const struct iova_alloc *a)
{
	CHECK(a->cap >= a->nfree + a->nlive);
	for (size_t i = 0; i < a->nfree; i++) {
		CHECK(a->free[i].start <= a->free[i].last);
		CHECK(a->free[i].start >= a->page);
		CHECK_EQ(a->free[i].start % a->page, 0);
		CHECK_EQ((a->free[i].last + 1) % a->page, 0);
		if (i > 0)
			CHECK(a->free[i - 1].last + 1 < a->free[i].start);
	}
}

static void init_one(struct iova_alloc *a, uint64_t start, uint64_t last)
{
	struct nvmu_iova_range r = { start, last };

	CHECK_EQ(iova_alloc_init(a, &r, 1, PG), 0);
}

TEST(normalises_unsorted_overlapping_unaligned_ranges)
{
	const struct nvmu_iova_range r[] = {
		{ 0x40000, 0x4ffff },     /* touches the next one: merged */
		{ 0x0, 0x2fff },          /* contains page 0: becomes 0x1000-0x2fff */
		{ 0x10000, 0x20fff },
		{ 0x18000, 0x1bfff },     /* inside the previous one */
		{ 0x50000, 0x5ffff },
		{ 0x100800, 0x1037ff },   /* unaligned: shrinks to 0x101000-0x102fff */
		{ 0x200001, 0x200ffe },   /* no whole page: dropped */
		{ 0x20000, 0x27fff },     /* overlaps the 0x10000 one's end */
	};
	struct iova_alloc a;

	CHECK_EQ(iova_alloc_init(&a, r, sizeof(r) / sizeof(r[0]), PG), 0);
	CHECK_EQ(a.nfree, 4);
	CHECK_FREE(&a, 0, 0x1000, 0x2fff);
	CHECK_FREE(&a, 1, 0x10000, 0x27fff);
	CHECK_FREE(&a, 2, 0x40000, 0x5ffff);
	CHECK_FREE(&a, 3, 0x101000, 0x102fff);
	CHECK_EQ(iova_alloc_free_bytes(&a), 0x2000 + 0x18000 + 0x20000 + 0x2000);
	check_invariants(&a);
	iova_alloc_fini(&a);
}

TEST(rejects_bad_configuration)
{
	const struct nvmu_iova_range inverted = { 0x2000, 0x1000 };
	const struct nvmu_iova_range page0_only = { 0, PG - 1 };
	const struct nvmu_iova_range sub_page = { 0x1800, 0x27ff };
	const struct nvmu_iova_range ok = { 0x1000, 0xffff };
	struct iova_alloc a;

	CHECK_EQ(iova_alloc_init(&a, &inverted, 1, PG), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "inverted");
	CHECK_EQ(iova_alloc_init(&a, &page0_only, 1, PG), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "above IOVA 0");
	CHECK_EQ(iova_alloc_init(&a, &sub_page, 1, PG), -EINVAL);
	CHECK_EQ(iova_alloc_init(&a, NULL, 1, PG), -EINVAL);
	CHECK_EQ(iova_alloc_init(&a, &ok, 0, PG), -EINVAL);
	CHECK_EQ(iova_alloc_init(&a, &ok, 1, 3000), -EINVAL);
	CHECK_EQ(iova_alloc_init(&a, &ok, 1, 0), -EINVAL);
	CHECK(a.free == NULL);
}

TEST(page_zero_is_never_handed_out)
{
	struct iova_alloc a;
	uint64_t s = 1;

	init_one(&a, 0, 4 * PG - 1);
	CHECK_EQ(a.free[0].start, PG);
	CHECK_EQ(iova_alloc_get(&a, PG, PG, 0, IOVA_LOWEST, &s), 0);
	CHECK_EQ(s, PG);
	CHECK_EQ(iova_alloc_get(&a, 2 * PG, PG, 0, IOVA_LOWEST, &s), 0);
	CHECK_EQ(s, 2 * PG);
	CHECK_EQ(iova_alloc_get(&a, PG, PG, 0, IOVA_HIGHEST, &s), -ENOSPC);
	CHECK_EQ(iova_alloc_put(&a, 0, PG), -EINVAL);
	iova_alloc_fini(&a);
}

TEST(lowest_grows_up_and_highest_grows_down)
{
	struct iova_alloc a;
	uint64_t s;

	init_one(&a, 0x100000, 0x1fffff);
	for (uint64_t i = 0; i < 4; i++) {
		CHECK_EQ(iova_alloc_get(&a, 2 * PG, PG, 0, IOVA_LOWEST, &s), 0);
		CHECK_EQ(s, 0x100000 + i * 2 * PG);
	}
	for (uint64_t i = 0; i < 4; i++) {
		CHECK_EQ(iova_alloc_get(&a, 3 * PG, PG, 0, IOVA_HIGHEST, &s), 0);
		CHECK_EQ(s, 0x200000 - (i + 1) * 3 * PG);
	}
	CHECK_EQ(a.nfree, 1);
	CHECK_FREE(&a, 0, 0x108000, 0x200000 - 12 * PG - 1);
	check_invariants(&a);
	iova_alloc_fini(&a);
}

TEST(directions_pick_the_lowest_and_highest_interval)
{
	const struct nvmu_iova_range r[] = { { 0x900000, 0x9fffff }, { 0x10000, 0x1ffff },
					     { 0x400000, 0x4fffff } };
	struct iova_alloc a;
	uint64_t s;

	CHECK_EQ(iova_alloc_init(&a, r, 3, PG), 0);
	CHECK_EQ(iova_alloc_get(&a, PG, PG, 0, IOVA_LOWEST, &s), 0);
	CHECK_EQ(s, 0x10000);
	CHECK_EQ(iova_alloc_get(&a, PG, PG, 0, IOVA_HIGHEST, &s), 0);
	CHECK_EQ(s, 0x9ff000);
	/* Too big for the low interval: the next one up. */
	CHECK_EQ(iova_alloc_get(&a, 0x20000, PG, 0, IOVA_LOWEST, &s), 0);
	CHECK_EQ(s, 0x400000);
	iova_alloc_fini(&a);
}

TEST(congruence_is_honoured_both_ways)
{
	struct iova_alloc a;
	uint64_t s;

	init_one(&a, 0x1000, 0x7fffffff);
	CHECK_EQ(iova_alloc_get(&a, 2 * MB, 2 * MB, 0x5000, IOVA_LOWEST, &s), 0);
	CHECK_EQ(s, 0x5000);
	CHECK_EQ(iova_alloc_get(&a, 2 * MB, 2 * MB, 0, IOVA_LOWEST, &s), 0);
	CHECK_EQ(s, 4 * MB);
	CHECK_EQ(iova_alloc_get(&a, 4 * MB, 2 * MB, 0x3000, IOVA_HIGHEST, &s), 0);
	CHECK_EQ(s % (2 * MB), 0x3000);
	CHECK(s + 4 * MB - 1 <= 0x7fffffff);
	CHECK(s + 4 * MB - 1 > 0x7fffffff - 2 * MB);
	/* The padding below the first one stays free. */
	CHECK_FREE(&a, 0, 0x1000, 0x4fff);
	CHECK_EQ(iova_alloc_get(&a, PG, PG, 0, IOVA_LOWEST, &s), 0);
	CHECK_EQ(s, 0x1000);
	/* Bad requests. */
	CHECK_EQ(iova_alloc_get(&a, PG, 3 * PG, 0, IOVA_LOWEST, &s), -EINVAL);
	CHECK_EQ(iova_alloc_get(&a, PG, 2 * PG, 2 * PG, IOVA_LOWEST, &s), -EINVAL);
	CHECK_EQ(iova_alloc_get(&a, PG, 2 * PG, 0x800, IOVA_LOWEST, &s), -EINVAL);
	CHECK_EQ(iova_alloc_get(&a, 100, PG, 0, IOVA_LOWEST, &s), -EINVAL);
	CHECK_EQ(iova_alloc_get(&a, 0, PG, 0, IOVA_LOWEST, &s), -EINVAL);
	check_invariants(&a);
	iova_alloc_fini(&a);
}

TEST(congruence_that_does_not_fit_is_enospc)
{
	struct iova_alloc a;
	uint64_t s;

	/* 8 pages, but none at an address = 0x3000 modulo 64 KiB. */
	init_one(&a, 0x10000 + 4 * PG, 0x10000 + 12 * PG - 1);
	CHECK_EQ(iova_alloc_get(&a, PG, 0x10000, 0x3000, IOVA_LOWEST, &s), -ENOSPC);
	CHECK_EQ(iova_alloc_get(&a, PG, 0x10000, 0x3000, IOVA_HIGHEST, &s), -ENOSPC);
	CHECK_EQ(iova_alloc_get(&a, PG, 0x10000, 0x5000, IOVA_HIGHEST, &s), 0);
	CHECK_EQ(s, 0x15000);
	CHECK_EQ(a.nfree, 2);
	iova_alloc_fini(&a);
}

TEST(exhaustion_is_enospc_with_a_message)
{
	struct iova_alloc a;
	uint64_t s;

	init_one(&a, 0x1000, 0x10fff);
	for (int i = 0; i < 16; i++)
		CHECK_EQ(iova_alloc_get(&a, PG, PG, 0, i % 2 ? IOVA_LOWEST : IOVA_HIGHEST, &s), 0);
	CHECK_EQ(a.nfree, 0);
	CHECK_EQ(iova_alloc_free_bytes(&a), 0);
	nvmu_clear_error();
	CHECK_EQ(iova_alloc_get(&a, PG, PG, 0, IOVA_LOWEST, &s), -ENOSPC);
	CHECK_STR_CONTAINS(nvmu_last_error(), "no free IOVA range");
	CHECK_EQ(iova_alloc_put(&a, 0x8000, PG), 0);
	CHECK_EQ(iova_alloc_get(&a, PG, PG, 0, IOVA_HIGHEST, &s), 0);
	CHECK_EQ(s, 0x8000);
	iova_alloc_fini(&a);
}

TEST(fragmentation_then_coalescing)
{
	struct iova_alloc a;
	uint64_t s[32], big;

	init_one(&a, 0x100000, 0x100000 + 32 * PG - 1);
	for (int i = 0; i < 32; i++) {
		CHECK_EQ(iova_alloc_get(&a, PG, PG, 0, IOVA_LOWEST, &s[i]), 0);
		CHECK_EQ(s[i], 0x100000 + (uint64_t)i * PG);
	}
	for (int i = 0; i < 32; i += 2)
		CHECK_EQ(iova_alloc_put(&a, s[i], PG), 0);
	CHECK_EQ(a.nfree, 16);
	CHECK_EQ(iova_alloc_free_bytes(&a), 16 * PG);
	/* Half the space is free, yet no two pages are contiguous. */
	CHECK_EQ(iova_alloc_get(&a, 2 * PG, PG, 0, IOVA_LOWEST, &big), -ENOSPC);
	CHECK_EQ(iova_alloc_get(&a, 2 * PG, PG, 0, IOVA_HIGHEST, &big), -ENOSPC);
	/* Freeing one neighbour joins three pages into one interval. */
	CHECK_EQ(iova_alloc_put(&a, s[5], PG), 0);
	CHECK_EQ(a.nfree, 15);
	CHECK_EQ(iova_alloc_get(&a, 3 * PG, PG, 0, IOVA_LOWEST, &big), 0);
	CHECK_EQ(big, s[4]);
	CHECK_EQ(iova_alloc_put(&a, big, 3 * PG), 0);
	for (int i = 1; i < 32; i += 2)
		if (i != 5)
			CHECK_EQ(iova_alloc_put(&a, s[i], PG), 0);
	CHECK_EQ(a.nfree, 1);
	CHECK_FREE(&a, 0, 0x100000, 0x100000 + 32 * PG - 1);
	CHECK_EQ(a.nlive, 0);
	CHECK_EQ(iova_alloc_get(&a, 32 * PG, PG, 0, IOVA_HIGHEST, &big), 0);
	CHECK_EQ(big, 0x100000);
	check_invariants(&a);
	iova_alloc_fini(&a);
}

TEST(put_rejects_double_and_partial_frees)
{
	struct iova_alloc a;
	uint64_t s1, s2;

	init_one(&a, 0x1000, 0xfffff);
	CHECK_EQ(iova_alloc_get(&a, 4 * PG, PG, 0, IOVA_LOWEST, &s1), 0);
	CHECK_EQ(iova_alloc_get(&a, 4 * PG, PG, 0, IOVA_LOWEST, &s2), 0);
	CHECK_EQ(iova_alloc_put(&a, s1, 4 * PG), 0);
	CHECK_EQ(iova_alloc_put(&a, s1, 4 * PG), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "already");
	CHECK_EQ(iova_alloc_put(&a, s2 - PG, 2 * PG), -EINVAL); /* straddles free and used */
	CHECK_EQ(iova_alloc_put(&a, s2, 5 * PG), -EINVAL);      /* runs into the free tail */
	CHECK_EQ(iova_alloc_put(&a, s2 + 1, PG), -EINVAL);
	CHECK_EQ(iova_alloc_put(&a, s2, 100), -EINVAL);
	CHECK_EQ(a.nfree, 2);
	CHECK_FREE(&a, 0, 0x1000, 0x4fff);
	CHECK_FREE(&a, 1, 0x9000, 0xfffff);
	CHECK_EQ(iova_alloc_put(&a, s2, 4 * PG), 0);
	CHECK_EQ(a.nfree, 1);
	iova_alloc_fini(&a);
}

TEST(exclude_splits_widens_and_skips_used_parts)
{
	const struct nvmu_iova_range r[] = { { 0x10000, 0x1ffff }, { 0x30000, 0x3ffff } };
	struct iova_alloc a;
	uint64_t s;

	CHECK_EQ(iova_alloc_init(&a, r, 2, PG), 0);
	/* Inside one interval, unaligned: widened to 0x14000-0x15fff. */
	CHECK_EQ(iova_alloc_exclude(&a, 0x14010, 0x15001), 0);
	CHECK_EQ(a.nfree, 3);
	CHECK_FREE(&a, 0, 0x10000, 0x13fff);
	CHECK_FREE(&a, 1, 0x16000, 0x1ffff);
	/* Across a hole and two intervals. */
	CHECK_EQ(iova_alloc_exclude(&a, 0x1e000, 0x31fff), 0);
	CHECK_FREE(&a, 1, 0x16000, 0x1dfff);
	CHECK_FREE(&a, 2, 0x32000, 0x3ffff);
	/* Over an allocated range: only the free part goes. */
	CHECK_EQ(iova_alloc_get(&a, PG, PG, 0, IOVA_HIGHEST, &s), 0);
	CHECK_EQ(s, 0x3f000);
	CHECK_EQ(iova_alloc_exclude(&a, 0x3e000, 0xffffffffffffffffull), 0);
	CHECK_FREE(&a, 2, 0x32000, 0x3dfff);
	CHECK_EQ(iova_alloc_put(&a, s, PG), 0);
	CHECK_FREE(&a, 3, 0x3f000, 0x3ffff); /* back, but not merged with the excluded page */
	/* Whole intervals, and windows in holes. */
	CHECK_EQ(iova_alloc_exclude(&a, 0, 0x13fff), 0);
	CHECK_EQ(iova_alloc_exclude(&a, 0x50000, 0x5ffff), 0);
	CHECK_EQ(a.nfree, 3);
	CHECK_FREE(&a, 0, 0x16000, 0x1dfff);
	CHECK_EQ(iova_alloc_exclude(&a, 2, 1), -EINVAL);
	check_invariants(&a);
	iova_alloc_fini(&a);
}

TEST(top_of_the_64_bit_space)
{
	struct iova_alloc a;
	uint64_t s;

	init_one(&a, 0, UINT64_MAX);
	CHECK_FREE(&a, 0, PG, UINT64_MAX);
	CHECK_EQ(iova_alloc_free_bytes(&a), 0 - PG);
	CHECK_EQ(iova_alloc_get(&a, 2 * MB, 2 * MB, 0, IOVA_HIGHEST, &s), 0);
	CHECK_EQ(s, 0 - 2 * MB);
	CHECK_EQ(iova_alloc_get(&a, PG, 2 * MB, 0x1000, IOVA_HIGHEST, &s), 0);
	CHECK_EQ(s, 0 - 4 * MB + 0x1000);
	CHECK_EQ(iova_alloc_put(&a, 0 - 2 * MB, 2 * MB), 0);
	CHECK_EQ(iova_alloc_put(&a, 0 - 4 * MB + 0x1000, PG), 0);
	CHECK_EQ(a.nfree, 1);
	CHECK_FREE(&a, 0, PG, UINT64_MAX);
	/* Unaligned near the top. */
	iova_alloc_fini(&a);
	init_one(&a, UINT64_MAX - 3 * PG + 2, UINT64_MAX - 1);
	CHECK_EQ(a.nfree, 1);
	CHECK_FREE(&a, 0, 0 - 2 * PG, 0 - PG - 1);
	iova_alloc_fini(&a);
}

/* A tiny deterministic PRNG (xorshift64*). */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(uint64_t n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (rng_state * 2685821657736338717ull) % n;
}

#define MODEL_PAGES 512

/* Compare the allocator's free set with a page-by-page model. */
static bool same_as_model(const struct iova_alloc *a, const bool *model_free)
{
	bool pages[MODEL_PAGES] = { false };

	for (size_t i = 0; i < a->nfree; i++)
		for (uint64_t p = a->free[i].start / PG; p <= a->free[i].last / PG; p++) {
			if (p >= MODEL_PAGES)
				return false;
			pages[p] = true;
		}
	return memcmp(pages, model_free, sizeof(pages)) == 0;
}

TEST(random_operations_match_a_page_model)
{
	struct live { uint64_t start, len; } live[MODEL_PAGES];
	bool model[MODEL_PAGES] = { false };
	size_t nlive = 0, gets = 0, misses = 0;
	struct iova_alloc a;
	bool mismatch = false;

	init_one(&a, 0, MODEL_PAGES * PG - 1);
	for (int p = 1; p < MODEL_PAGES; p++)
		model[p] = true;
	for (int step = 0; step < 20000 && !mismatch; step++) {
		uint64_t op = rnd(100);

		if (op < 55) {
			uint64_t len = (1 + rnd(op < 5 ? 64 : 8)) * PG, modulus = PG << rnd(4);
			uint64_t phase = rnd(modulus / PG) * PG, s;
			int rc = iova_alloc_get(&a, len, modulus, phase, rnd(2) ? IOVA_LOWEST : IOVA_HIGHEST, &s);
			bool fits = false;

			for (uint64_t c = phase; c + len <= MODEL_PAGES * PG && !fits; c += modulus) {
				fits = true;
				for (uint64_t p = c / PG; p < (c + len) / PG; p++)
					fits = fits && model[p];
			}
			CHECK_EQ(rc, fits ? 0 : -ENOSPC);
			if (rc == 0) {
				gets++;
				CHECK_EQ(s % modulus, phase);
				for (uint64_t p = s / PG; p < (s + len) / PG; p++) {
					CHECK(model[p]);
					model[p] = false;
				}
				live[nlive++] = (struct live){ s, len };
			} else {
				misses++;
			}
		} else if (op < 97 && nlive) {
			size_t k = rnd(nlive);

			CHECK_EQ(iova_alloc_put(&a, live[k].start, live[k].len), 0);
			for (uint64_t p = live[k].start / PG; p < (live[k].start + live[k].len) / PG; p++)
				model[p] = true;
			live[k] = live[--nlive];
		} else if (op >= 97) {
			uint64_t s = rnd(MODEL_PAGES * PG), l = s + rnd(16 * PG);

			CHECK_EQ(iova_alloc_exclude(&a, s, l), 0);
			for (uint64_t p = s / PG; p <= l / PG && p < MODEL_PAGES; p++)
				model[p] = false;
		}
		if (!same_as_model(&a, model)) {
			fprintf(stderr, "free set differs from the model at step %d\n", step);
			mismatch = true;
			check_failures++;
		}
		check_invariants(&a);
	}
	CHECK(gets > 1000);
	CHECK(misses > 100);
	iova_alloc_fini(&a);
}

RUN_TESTS(T(normalises_unsorted_overlapping_unaligned_ranges), T(rejects_bad_configuration),
	  T(page_zero_is_never_handed_out), T(lowest_grows_up_and_highest_grows_down),
	  T(directions_pick_the_lowest_and_highest_interval), T(congruence_is_honoured_both_ways),
	  T(congruence_that_does_not_fit_is_enospc), T(exhaustion_is_enospc_with_a_message),
	  T(fragmentation_then_coalescing), T(put_rejects_double_and_partial_frees),
	  T(exclude_splits_widens_and_skips_used_parts), T(top_of_the_64_bit_space),
	  T(random_operations_match_a_page_model))
