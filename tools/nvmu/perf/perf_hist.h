/* SPDX-License-Identifier: MIT */
/*
 * nvmu perf: a log-linear latency histogram. Values (clock ticks) below 2^HIST_SUB_BITS
 * have a bucket each; above, every power of two is cut into 2^HIST_SUB_BITS equal
 * buckets, so a bucket is at most 1/32 (3 %) of its values wide. Adding a value is a
 * count-leading-zeros, a shift and an increment: cheap enough for every I/O.
 */
#ifndef NVMU_TOOL_PERF_HIST_H
#define NVMU_TOOL_PERF_HIST_H

#include <stdint.h>

#define HIST_SUB_BITS 5
#define HIST_SUB (1u << HIST_SUB_BITS)
#define HIST_GROUPS (64 - HIST_SUB_BITS + 1)
#define HIST_BUCKETS (HIST_GROUPS * HIST_SUB)

struct perf_hist {
	uint64_t count, sum, min, max;
	uint64_t b[HIST_BUCKETS];
};

/* The bucket of value @v. */
static inline unsigned perf_hist_bucket(uint64_t v)
{
	unsigned shift;

	if (v < HIST_SUB)
		return (unsigned)v;
	shift = (unsigned)(63 - __builtin_clzll(v)) - HIST_SUB_BITS;
	return (shift + 1) * HIST_SUB + (unsigned)((v >> shift) - HIST_SUB);
}

/* Count value @v. */
static inline void perf_hist_add(struct perf_hist *h, uint64_t v)
{
	h->b[perf_hist_bucket(v)]++;
	h->count++;
	h->sum += v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

/* An empty histogram. */
void perf_hist_reset(struct perf_hist *h);

/* Add every value of @src to @dst. */
void perf_hist_merge(struct perf_hist *dst, const struct perf_hist *src);

/* Smallest value of bucket @i and its width. */
void perf_hist_bucket_range(unsigned i, uint64_t *low, uint64_t *width);

/*
 * The @pct-th percentile (0 < pct <= 100): the middle of the bucket holding the value of
 * rank ceil(pct/100 * count), clamped to [min, max]; 0 for an empty histogram.
 */
uint64_t perf_hist_percentile(const struct perf_hist *h, double pct);

#endif
