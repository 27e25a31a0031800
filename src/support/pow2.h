/* SPDX-License-Identifier: MIT */
/* Power-of-two helpers (page sizes, alignments): generic arithmetic any layer may use. */
#ifndef NVMU_SRC_SUPPORT_POW2_H
#define NVMU_SRC_SUPPORT_POW2_H

#include <stdbool.h>
#include <stdint.h>

/** True if @p v is a power of two. 0 is not one. */
static inline bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/** Returns the largest power of two not above @p v, which must not be 0. */
static inline uint64_t pow2_floor(uint64_t v)
{
	return 1ull << (63 - __builtin_clzll(v));
}

/** Returns the lowest set bit of @p v, which is the largest power of two that divides
 * it, or 0 for 0. */
static inline uint64_t lowest_bit(uint64_t v)
{
	return v & -v;
}

#endif
