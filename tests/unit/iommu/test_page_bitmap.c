/* SPDX-License-Identifier: MIT */
/* Unit tests for the page bitmap (src/iommu/page_bitmap.c) against a bool-per-bit model. */
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "iommu/page_bitmap.h"

#define NBITS 300 /* not a multiple of 64: the tail word is partly outside */

static uint64_t rng_state = 0x853c49e6748fea9bull;
static size_t rnd(size_t n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (size_t)((rng_state * 2685821657736338717ull) % n);
}

static size_t model_next(const bool *model, size_t nbits, size_t from, bool value)
{
	for (size_t i = from; i < nbits; i++)
		if (model[i] == value)
			return i;
	return nbits;
}

TEST(ranges_across_word_boundaries)
{
	uint64_t bm[5] = { 0 };

	CHECK_EQ(bitmap_words(NBITS), 5);
	CHECK_EQ(bitmap_words(64), 1);
	CHECK_EQ(bitmap_words(65), 2);
	bitmap_set_range(bm, 60, 10);
	CHECK_EQ(bm[0], 0xf000000000000000ull);
	CHECK_EQ(bm[1], 0x3f);
	bitmap_set_range(bm, 128, 64);
	CHECK_EQ(bm[2], ~0ull);
	bitmap_clear_range(bm, 62, 3);
	CHECK_EQ(bm[0], 0x3000000000000000ull);
	CHECK_EQ(bm[1], 0x3e);
	CHECK(bitmap_test(bm, 61));
	CHECK(!bitmap_test(bm, 62));
	CHECK_EQ(bitmap_next_set(bm, NBITS, 0), 60);
	CHECK_EQ(bitmap_next_set(bm, NBITS, 62), 65);
	CHECK_EQ(bitmap_next_clear(bm, NBITS, 128), 192);
	CHECK_EQ(bitmap_next_set(bm, NBITS, 192), NBITS);
	/* A search bounded below the set bits does not see them. */
	CHECK_EQ(bitmap_next_set(bm, 140, 70), 128);
	CHECK_EQ(bitmap_next_clear(bm, 150, 128), 150);
	CHECK_EQ(bitmap_next_set(bm, 100, 100), 100);
	CHECK_EQ(bitmap_next_set(bm, 100, 150), 100);
}

TEST(random_ranges_match_a_model)
{
	uint64_t bm[5] = { 0 };
	bool model[NBITS] = { false };
	int wrong = 0;

	for (int step = 0; step < 20000; step++) {
		size_t from = rnd(NBITS), n = rnd(NBITS - from + 1);
		bool set = rnd(2);

		if (set)
			bitmap_set_range(bm, from, n);
		else
			bitmap_clear_range(bm, from, n);
		for (size_t i = from; i < from + n; i++)
			model[i] = set;
		for (int probe = 0; probe < 8; probe++) {
			size_t limit = 1 + rnd(NBITS), at = rnd(NBITS + 2);

			if (bitmap_next_set(bm, limit, at) != model_next(model, limit, at, true))
				wrong++;
			if (bitmap_next_clear(bm, limit, at) != model_next(model, limit, at, false))
				wrong++;
		}
	}
	for (size_t i = 0; i < NBITS; i++)
		if (bitmap_test(bm, i) != model[i])
			wrong++;
	CHECK_EQ(wrong, 0);
}

RUN_TESTS(T(ranges_across_word_boundaries), T(random_ranges_match_a_model))
