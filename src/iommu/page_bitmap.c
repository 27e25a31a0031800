/* SPDX-License-Identifier: MIT */
/* A bit per page, searched a 64-bit word at a time. */
#include "iommu/page_bitmap.h"

/* Set (or clear) bits [from, from+n) a word at a time. */
static void assign_range(uint64_t *bm, size_t from, size_t n, bool set)
{
	while (n) {
		size_t bit = from % 64, take = 64 - bit < n ? 64 - bit : n;
		uint64_t mask = (take == 64 ? ~0ull : ((1ull << take) - 1)) << bit;

		if (set)
			bm[from / 64] |= mask;
		else
			bm[from / 64] &= ~mask;
		from += take;
		n -= take;
	}
}

void bitmap_set_range(uint64_t *bm, size_t from, size_t n)
{
	assign_range(bm, from, n, true);
}

void bitmap_clear_range(uint64_t *bm, size_t from, size_t n)
{
	assign_range(bm, from, n, false);
}

/* Returns the first bit equal to @p value at or after @p from, or @p nbits if none is. */
static size_t next_with(const uint64_t *bm, size_t nbits, size_t from, bool value)
{
	size_t nwords = bitmap_words(nbits);
	uint64_t flip = value ? 0 : ~0ull, word;

	if (from >= nbits)
		return nbits;
	/* Ignore the bits below @p from in the first word. */
	word = (bm[from / 64] ^ flip) & (~0ull << (from % 64));

	for (size_t w = from / 64;;) {
		if (word) {
			size_t i = w * 64 + (size_t)__builtin_ctzll(word);

			return i < nbits ? i : nbits;
		}
		if (++w >= nwords)
			return nbits;
		word = bm[w] ^ flip;
	}
}

size_t bitmap_next_set(const uint64_t *bm, size_t nbits, size_t from)
{
	return next_with(bm, nbits, from, true);
}

size_t bitmap_next_clear(const uint64_t *bm, size_t nbits, size_t from)
{
	return next_with(bm, nbits, from, false);
}
