/* SPDX-License-Identifier: MIT */
/* nvmu perf: merging and reading the log-linear latency histogram (perf_hist.h). */
#include <math.h>
#include <string.h>

#include "perf_hist.h"

void perf_hist_reset(struct perf_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

void perf_hist_merge(struct perf_hist *dst, const struct perf_hist *src)
{
	for (unsigned i = 0; i < HIST_BUCKETS; i++)
		dst->b[i] += src->b[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

void perf_hist_bucket_range(unsigned i, uint64_t *low, uint64_t *width)
{
	unsigned shift;

	if (i < HIST_SUB) {
		*low = i;
		*width = 1;
		return;
	}
	shift = i / HIST_SUB - 1;
	*low = (uint64_t)(HIST_SUB + i % HIST_SUB) << shift;
	*width = (uint64_t)1 << shift;
}

uint64_t perf_hist_percentile(const struct perf_hist *h, double pct)
{
	uint64_t rank, seen = 0, low, width, v;

	if (h->count == 0)
		return 0;
	rank = (uint64_t)ceil(pct / 100.0 * (double)h->count - 1e-6); /* 99.9 % of 10000 is 9990 */
	if (rank == 0)
		rank = 1;
	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen < rank)
			continue;
		perf_hist_bucket_range(i, &low, &width);
		v = low + width / 2;
		return v < h->min ? h->min : v > h->max ? h->max : v;
	}
	return h->max;
}
