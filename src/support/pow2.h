/* SPDX-License-Identifier: MIT */
/* Power-of-two helpers (page sizes, alignments): generic arithmetic any layer may use. */
#ifndef NVMU_SRC_SUPPORT_POW2_H
#define NVMU_SRC_SUPPORT_POW2_H

#include <stdbool.h>
#include <stdint.h>

/** Whether @p v is a power of two (0 is not). */
static inline bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/** The largest power of two not above @p v (@p v > 0). */
static inline uint64_t pow2_floor(uint64_t v)
{
	return 1ull << (63 - __builtin_clzll(v));
}

/** The lowest set bit of @p v, i.e. the largest power of two dividing it (0 for 0). */
static inline uint64_t lowest_bit(uint64_t v)
{
	return v & -v;
}

#endif
