/* SPDX-License-Identifier: MIT */
/* Binary search over arrays sorted by a 64-bit key at a fixed offset of their elements:
 * the IOMMU layer's free IOVA ranges, mappings and pool chunks, the software controller's
 * DMA mappings. A support header because layers that know nothing of each other use it. */
#ifndef NVMU_SRC_SUPPORT_UPPER_BOUND_H
#define NVMU_SRC_SUPPORT_UPPER_BOUND_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/**
 * Returns the index of the first of @p n elements (@p stride bytes apart from @p base) whose
 * 64-bit key at byte @p key_offset is above @p key, or @p n if none is. The key is copied out
 * with memcpy() because the element need not be aligned for a uint64_t.
 */
static inline size_t upper_bound_u64(const void *base, size_t n, size_t stride,
				     size_t key_offset, uint64_t key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t v;

		memcpy(&v, (const char *)base + mid * stride + key_offset, sizeof(v));
		if (v > key)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Runs upper_bound_u64() over the array @p arr of @p n elements, keyed by their member
 * @p field. The key is read as 64 bits, so a member of any other size fails to compile
 * rather than being read wrongly. */
#define UPPER_BOUND(arr, n, field, key)                                                      \
	((void)sizeof(char[sizeof((arr)[0].field) == sizeof(uint64_t) ? 1 : -1]),             \
	 upper_bound_u64((arr), (n), sizeof((arr)[0]), offsetof(__typeof__((arr)[0]), field), \
			 (uint64_t)(key)))

#endif
