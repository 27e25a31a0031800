/* SPDX-License-Identifier: MIT */
/*
 * nvmu perf's pieces from fixed inputs: histogram buckets (continuous, within 1/32 of
 * the value), percentiles of known distributions, merging; block tags (a stamped block
 * checks, every kind of damage is named); the workload generator (ranges, read share).
 */
#include <string.h>

#include "check.h"
#include "perf/perf_hist.h"
#include "perf/perf_tag.h"
#include "perf/perf_workload.h"

static struct perf_hist h, h2;

TEST(bucket_bounds_hold_their_values)
{
	unsigned prev = 0;

	for (uint64_t v = 0; v < 100000; v += 1 + v / 50) {
		unsigned b = perf_hist_bucket(v);
		uint64_t low, width;

		perf_hist_bucket_range(b, &low, &width);
		CHECK(low <= v && v < low + width);
		CHECK(b >= prev); /* monotonic */
		CHECK(width == 1 || width * 32 <= low); /* at most 1/32 of the value wide */
		prev = b;
	}
	CHECK(perf_hist_bucket(UINT64_MAX) < HIST_BUCKETS);
	CHECK_EQ(perf_hist_bucket(31), 31);
	CHECK_EQ(perf_hist_bucket(32), 32);
	CHECK_EQ(perf_hist_bucket(64), 64);
}

/* |a - b| within 4 % of b */
static bool near(uint64_t a, uint64_t b)
{
	uint64_t d = a > b ? a - b : b - a;

	return d * 25 <= b;
}

TEST(percentiles_of_a_uniform_distribution)
{
	perf_hist_reset(&h);
	CHECK_EQ(perf_hist_percentile(&h, 50), 0);
	for (uint64_t v = 1; v <= 100000; v++)
		perf_hist_add(&h, v);
	CHECK_EQ(h.count, 100000);
	CHECK_EQ(h.min, 1);
	CHECK_EQ(h.max, 100000);
	CHECK_EQ(h.sum, 100000ull * 100001 / 2);
	CHECK(near(perf_hist_percentile(&h, 50), 50000));
	CHECK(near(perf_hist_percentile(&h, 90), 90000));
	CHECK(near(perf_hist_percentile(&h, 99), 99000));
	CHECK(near(perf_hist_percentile(&h, 99.9), 99900));
	CHECK(perf_hist_percentile(&h, 100) <= 100000);
}

TEST(percentiles_of_a_tail)
{
	perf_hist_reset(&h);
	for (int i = 0; i < 9990; i++)
		perf_hist_add(&h, 1000);
	for (int i = 0; i < 10; i++)
		perf_hist_add(&h, 1000000);
	CHECK(near(perf_hist_percentile(&h, 50), 1000));
	CHECK(near(perf_hist_percentile(&h, 99.9), 1000));
	CHECK(near(perf_hist_percentile(&h, 99.99), 1000000));
	CHECK_EQ(perf_hist_percentile(&h, 100), 1000000); /* clamped to max */
}

TEST(single_value_is_exact)
{
	perf_hist_reset(&h);
	perf_hist_add(&h, 123457);
	CHECK_EQ(perf_hist_percentile(&h, 50), 123457);
	CHECK_EQ(perf_hist_percentile(&h, 99.99), 123457);
}

TEST(merge_adds_counts_and_extremes)
{
	perf_hist_reset(&h);
	perf_hist_reset(&h2);
	for (uint64_t v = 100; v < 200; v++)
		perf_hist_add(&h, v);
	for (uint64_t v = 5000; v < 5100; v++)
		perf_hist_add(&h2, v);
	perf_hist_merge(&h, &h2);
	CHECK_EQ(h.count, 200);
	CHECK_EQ(h.min, 100);
	CHECK_EQ(h.max, 5099);
	CHECK(perf_hist_percentile(&h, 50) < 200);
	CHECK(perf_hist_percentile(&h, 51) >= 5000);
}

static uint8_t blk[4096], copy[4096];

TEST(tag_round_trip)
{
	uint32_t found = 0;

	memset(blk, 0xa5, sizeof(blk));
	perf_tag_stamp(blk, sizeof(blk), 777, 3, 42);
	CHECK_EQ(perf_tag_check(blk, sizeof(blk), 777, 3, 42, &found), PERF_TAG_OK);
	CHECK_EQ(found, 3);
	perf_tag_stamp(blk, 512, 9, 1, 42); /* 512-byte blocks too */
	CHECK_EQ(perf_tag_check(blk, 512, 9, 1, 42, NULL), PERF_TAG_OK);
}

TEST(tag_names_each_damage)
{
	uint32_t found = 0;

	memset(blk, 0, sizeof(blk));
	CHECK_EQ(perf_tag_check(blk, sizeof(blk), 1, 1, 42, &found), PERF_TAG_BAD_MAGIC);
	CHECK_EQ(found, 0);
	perf_tag_stamp(blk, sizeof(blk), 1000, 7, 42);
	memcpy(copy, blk, sizeof(blk));
	CHECK_EQ(perf_tag_check(blk, sizeof(blk), 1000, 7, 43, NULL), PERF_TAG_BAD_SEED);
	CHECK_EQ(perf_tag_check(blk, sizeof(blk), 1001, 7, 42, NULL), PERF_TAG_BAD_LBA);
	CHECK_EQ(perf_tag_check(blk, sizeof(blk), 1000, 8, 42, &found), PERF_TAG_BAD_GEN);
	CHECK_EQ(found, 7);
	blk[4000] ^= 1; /* one bit anywhere in the block */
	CHECK_EQ(perf_tag_check(blk, sizeof(blk), 1000, 7, 42, NULL), PERF_TAG_BAD_CHECK);
	memcpy(blk, copy, sizeof(blk));
	blk[40] ^= 0x80; /* inside the checksum itself */
	CHECK_EQ(perf_tag_check(blk, sizeof(blk), 1000, 7, 42, NULL), PERF_TAG_BAD_CHECK);
	CHECK_STR_CONTAINS(perf_tag_result_name(PERF_TAG_BAD_GEN), "generation");
}

TEST(workload_ranges_and_mix)
{
	struct perf_wl w;
	unsigned reads = 0;

	perf_wl_init(&w, 1, 100, 50, true, 70);
	for (int i = 0; i < 100000; i++) {
		uint64_t u = perf_wl_unit(&w);

		CHECK(u >= 100 && u < 150);
		reads += perf_wl_is_read(&w);
	}
	CHECK(reads > 69000 && reads < 71000);
	perf_wl_init(&w, 1, 10, 3, false, 100);
	CHECK_EQ(perf_wl_unit(&w), 10);
	CHECK_EQ(perf_wl_unit(&w), 11);
	CHECK_EQ(perf_wl_unit(&w), 12);
	CHECK_EQ(perf_wl_unit(&w), 10); /* wraps */
	CHECK(perf_wl_is_read(&w));
	perf_wl_init(&w, 1, 0, 8, false, 0);
	CHECK(!perf_wl_is_read(&w));
}

RUN_TESTS(T(bucket_bounds_hold_their_values), T(percentiles_of_a_uniform_distribution),
	  T(percentiles_of_a_tail), T(single_value_is_exact), T(merge_adds_counts_and_extremes),
	  T(tag_round_trip), T(tag_names_each_damage), T(workload_ranges_and_mix))
