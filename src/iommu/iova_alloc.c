/* SPDX-License-Identifier: MIT */
/* IOVA interval allocator: sorted free intervals, placement from either end, coalescing. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "iommu/iova_alloc.h"
#include "support/pow2.h"
#include "support/upper_bound.h"

/* Grow the interval array to hold at least @p need entries. */
static int ensure_capacity(struct iova_alloc *a, size_t need)
{
	struct iova_interval *grown;
	size_t cap;

	if (a->cap >= need)
		return 0;
	cap = a->cap ? a->cap : 8;
	while (cap < need)
		cap *= 2;
	grown = realloc(a->free, cap * sizeof(*grown));
	if (!grown)
		return nvmu_fail(ENOMEM, "cannot grow the IOVA free list to %zu entries", cap);
	a->free = grown;
	a->cap = cap;
	return 0;
}

/* Shrink [start, last] to whole pages above page 0; false if nothing is left. */
static bool page_round(uint64_t start, uint64_t last, uint64_t page, struct iova_interval *out)
{
	uint64_t mask = page - 1;

	if (start < page)
		start = page;
	if (start & mask) {
		if (start > UINT64_MAX - mask)
			return false;
		start = (start + mask) & ~mask;
	}
	/* last == UINT64_MAX ends on a page boundary (2^64) already. */
	if (last != UINT64_MAX && ((last + 1) & mask)) {
		uint64_t end = (last + 1) & ~mask;

		if (end == 0)
			return false;
		last = end - 1;
	}
	if (start > last)
		return false;
	out->start = start;
	out->last = last;
	return true;
}

static int by_start(const void *x, const void *y)
{
	const struct iova_interval *a = x, *b = y;

	return a->start < b->start ? -1 : a->start > b->start;
}

/* Merge sorted intervals that overlap or touch; returns the new count. */
static size_t merge_sorted(struct iova_interval *v, size_t n)
{
	size_t out = 0;

	for (size_t i = 1; i < n; i++) {
		struct iova_interval *cur = &v[out];

		if (cur->last == UINT64_MAX || v[i].start <= cur->last + 1) {
			if (v[i].last > cur->last)
				cur->last = v[i].last;
		} else {
			v[++out] = v[i];
		}
	}
	return n ? out + 1 : 0;
}

int iova_alloc_init(struct iova_alloc *a, const struct nvmu_iova_range *ranges, size_t n,
		    uint64_t page)
{
	size_t kept = 0;
	int rc;

	memset(a, 0, sizeof(*a));
	if (!is_pow2(page))
		return nvmu_fail(EINVAL, "IOMMU page size 0x%llx is not a power of two",
				 (unsigned long long)page);
	if (!ranges || n == 0)
		return nvmu_fail(EINVAL, "no usable IOVA ranges given");
	a->page = page;
	rc = ensure_capacity(a, n + 2);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (ranges[i].start > ranges[i].last) {
			iova_alloc_fini(a);
			return nvmu_fail(EINVAL,
					 "IOVA range %zu is inverted: start 0x%llx > last 0x%llx",
					 i, (unsigned long long)ranges[i].start,
					 (unsigned long long)ranges[i].last);
		}
		if (page_round(ranges[i].start, ranges[i].last, page, &a->free[kept]))
			kept++;
	}
	qsort(a->free, kept, sizeof(a->free[0]), by_start);
	a->nfree = merge_sorted(a->free, kept);
	if (a->nfree == 0) {
		iova_alloc_fini(a);
		return nvmu_fail(EINVAL, "the IOVA ranges hold no whole page of 0x%llx bytes above "
				 "IOVA 0", (unsigned long long)page);
	}
	return 0;
}

void iova_alloc_fini(struct iova_alloc *a)
{
	free(a->free);
	memset(a, 0, sizeof(*a));
}

/* Find the lowest start in @p iv for @p len bytes with start % modulus == phase. Returns
 * true with it in *start, or false if there is none. */
static bool fit_lowest(const struct iova_interval *iv, uint64_t len, uint64_t modulus,
		       uint64_t phase, uint64_t *start)
{
	/* The size minus one, which cannot overflow even for the whole 64-bit space. */
	uint64_t span = iv->last - iv->start;
	uint64_t pad;

	if (len - 1 > span)
		return false;
	pad = (phase - iv->start) & (modulus - 1);
	if (pad > span - (len - 1))
		return false;
	*start = iv->start + pad;
	return true;
}

/* Find the highest start in @p iv for @p len bytes with start % modulus == phase. Returns
 * true with it in *start, or false if there is none. */
static bool fit_highest(const struct iova_interval *iv, uint64_t len, uint64_t modulus,
			uint64_t phase, uint64_t *start)
{
	uint64_t top, pad;

	if (len - 1 > iv->last - iv->start)
		return false;
	top = iv->last - (len - 1);
	pad = (top - phase) & (modulus - 1);
	if (pad > top - iv->start)
		return false;
	*start = top - pad;
	return true;
}

/*
 * Remove [s, l] (inside free[i]) from the free set. The caller has ensured room for one
 * more interval. Returns the index of the first interval after the removed part.
 */
static size_t carve(struct iova_alloc *a, size_t i, uint64_t s, uint64_t l)
{
	struct iova_interval iv = a->free[i];
	bool left = s > iv.start, right = l < iv.last;

	if (left && right) {
		memmove(&a->free[i + 2], &a->free[i + 1], (a->nfree - i - 1) * sizeof(iv));
		a->free[i].last = s - 1;
		a->free[i + 1].start = l + 1;
		a->free[i + 1].last = iv.last;
		a->nfree++;
		return i + 2;
	}
	if (left) {
		a->free[i].last = s - 1;
		return i + 1;
	}
	if (right) {
		a->free[i].start = l + 1;
		return i;
	}
	memmove(&a->free[i], &a->free[i + 1], (a->nfree - i - 1) * sizeof(iv));
	a->nfree--;
	return i;
}

int iova_alloc_get(struct iova_alloc *a, uint64_t len, uint64_t modulus, uint64_t phase,
		   enum iova_place place, uint64_t *start)
{
	uint64_t mask = a->page - 1;
	int rc;

	if (len == 0 || (len & mask) || !is_pow2(modulus) || modulus < a->page ||
	    phase >= modulus || (phase & mask))
		return nvmu_fail(EINVAL, "bad IOVA request: len 0x%llx modulus 0x%llx phase 0x%llx",
				 (unsigned long long)len, (unsigned long long)modulus,
				 (unsigned long long)phase);
	/* One split now, and room for every live allocation to come back without growing. */
	rc = ensure_capacity(a, a->nfree + a->nlive + 2);
	if (rc)
		return rc;
	for (size_t k = 0; k < a->nfree; k++) {
		size_t i = place == IOVA_LOWEST ? k : a->nfree - 1 - k;
		bool ok = place == IOVA_LOWEST
				  ? fit_lowest(&a->free[i], len, modulus, phase, start)
				  : fit_highest(&a->free[i], len, modulus, phase, start);

		if (ok) {
			carve(a, i, *start, *start + len - 1);
			a->nlive++;
			return 0;
		}
	}
	return nvmu_fail(ENOSPC, "no free IOVA range holds 0x%llx bytes (aligned to 0x%llx)",
			 (unsigned long long)len, (unsigned long long)modulus);
}

/* Returns the index of the first interval whose start is above @p addr. */
static size_t upper_bound(const struct iova_alloc *a, uint64_t addr)
{
	return UPPER_BOUND(a->free, a->nfree, start, addr);
}

int iova_alloc_put(struct iova_alloc *a, uint64_t start, uint64_t len)
{
	uint64_t mask = a->page - 1, last = start + len - 1;
	struct iova_interval *prev, *next;
	bool join_prev, join_next;
	size_t i;
	int rc;

	if (len == 0 || start == 0 || (start & mask) || (len & mask) || last < start)
		return nvmu_fail(EINVAL, "bad IOVA range to free: 0x%llx + 0x%llx",
				 (unsigned long long)start, (unsigned long long)len);
	i = upper_bound(a, start);
	prev = i > 0 ? &a->free[i - 1] : NULL;
	next = i < a->nfree ? &a->free[i] : NULL;
	if ((prev && prev->last >= start) || (next && next->start <= last))
		return nvmu_fail(EINVAL, "IOVA 0x%llx-0x%llx is already (partly) free",
				 (unsigned long long)start, (unsigned long long)last);
	join_prev = prev && prev->last + 1 == start;
	join_next = next && last + 1 == next->start;
	if (join_prev && join_next) {
		prev->last = next->last;
		memmove(next, next + 1, (a->nfree - i - 1) * sizeof(*next));
		a->nfree--;
	} else if (join_prev) {
		prev->last = last;
	} else if (join_next) {
		next->start = start;
	} else {
		/* Capacity is reserved at allocation; this only grows for foreign ranges. */
		rc = ensure_capacity(a, a->nfree + 1);
		if (rc)
			return rc;
		memmove(&a->free[i + 1], &a->free[i], (a->nfree - i) * sizeof(a->free[0]));
		a->free[i].start = start;
		a->free[i].last = last;
		a->nfree++;
	}
	if (a->nlive)
		a->nlive--;
	return 0;
}

int iova_alloc_exclude(struct iova_alloc *a, uint64_t start, uint64_t last)
{
	size_t i;
	int rc;

	if (start > last)
		return nvmu_fail(EINVAL, "inverted IOVA window 0x%llx-0x%llx",
				 (unsigned long long)start, (unsigned long long)last);
	start &= ~(a->page - 1);
	last |= a->page - 1;
	/* At most one interval is split in two. */
	rc = ensure_capacity(a, a->nfree + a->nlive + 1);
	if (rc)
		return rc;
	i = upper_bound(a, start);
	if (i > 0 && a->free[i - 1].last >= start)
		i--;
	while (i < a->nfree && a->free[i].start <= last) {
		uint64_t s = a->free[i].start > start ? a->free[i].start : start;
		uint64_t l = a->free[i].last < last ? a->free[i].last : last;

		i = carve(a, i, s, l);
	}
	return 0;
}

uint64_t iova_alloc_free_bytes(const struct iova_alloc *a)
{
	uint64_t total = 0;

	/* Disjoint pages above page 0: the sum stays below 2^64. */
	for (size_t i = 0; i < a->nfree; i++)
		total += a->free[i].last - a->free[i].start + 1;
	return total;
}
