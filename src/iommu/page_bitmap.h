/* SPDX-License-Identifier: MIT */
/* A bit per page, searched a 64-bit word at a time. */
#ifndef NVMU_SRC_IOMMU_PAGE_BITMAP_H
#define NVMU_SRC_IOMMU_PAGE_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Number of 64-bit words that hold @p nbits bits. */
static inline size_t bitmap_words(size_t nbits)
{
	return (nbits + 63) / 64;
}

/** Whether bit @p i is set. */
static inline bool bitmap_test(const uint64_t *bm, size_t i)
{
	return (bm[i / 64] >> (i % 64)) & 1;
}

/** Set bits [from, from+n). */
void bitmap_set_range(uint64_t *bm, size_t from, size_t n);

/** Clear bits [from, from+n). */
void bitmap_clear_range(uint64_t *bm, size_t from, size_t n);

/** First set bit at or after @p from, or @p nbits if there is none. */
size_t bitmap_next_set(const uint64_t *bm, size_t nbits, size_t from);

/** First clear bit at or after @p from, or @p nbits if there is none. */
size_t bitmap_next_clear(const uint64_t *bm, size_t nbits, size_t from);

#endif
