/* SPDX-License-Identifier: MIT */
/* nvmu perf --verify: block tags (perf_tag.h). */
#include <stddef.h>
#include <string.h>

#include "perf_tag.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

/* FNV-1a over the 64-bit words of the block, the check field read as 0. */
static uint64_t block_sum(const void *block, uint32_t lba_size)
{
	const unsigned char *p = block;
	const size_t skip = offsetof(struct perf_tag, check);
	uint64_t h = FNV_OFFSET, w;

	for (size_t off = 0; off + 8 <= lba_size; off += 8) {
		if (off == skip)
			w = 0;
		else
			memcpy(&w, p + off, 8);
		h = (h ^ w) * FNV_PRIME;
	}
	return h;
}

void perf_tag_stamp(void *block, uint32_t lba_size, uint64_t lba, uint32_t gen, uint32_t seed)
{
	struct perf_tag t = { .magic = PERF_TAG_MAGIC, .lba = lba, .gen = gen, .seed = seed };

	memcpy(block, &t, sizeof(t));
	t.check = block_sum(block, lba_size);
	memcpy((unsigned char *)block + offsetof(struct perf_tag, check), &t.check,
	       sizeof(t.check));
}

enum perf_tag_result perf_tag_check(const void *block, uint32_t lba_size, uint64_t lba,
				    uint32_t gen, uint32_t seed, uint32_t *found)
{
	struct perf_tag t;

	memcpy(&t, block, sizeof(t));
	if (found)
		*found = t.magic == PERF_TAG_MAGIC ? t.gen : 0;
	if (t.magic != PERF_TAG_MAGIC)
		return PERF_TAG_BAD_MAGIC;
	if (t.seed != seed)
		return PERF_TAG_BAD_SEED;
	if (t.lba != lba)
		return PERF_TAG_BAD_LBA;
	if (t.gen != gen)
		return PERF_TAG_BAD_GEN;
	if (t.check != block_sum(block, lba_size))
		return PERF_TAG_BAD_CHECK;
	return PERF_TAG_OK;
}

const char *perf_tag_result_name(enum perf_tag_result r)
{
	switch (r) {
	case PERF_TAG_OK: return "ok";
	case PERF_TAG_BAD_MAGIC: return "no tag (never written, or overwritten)";
	case PERF_TAG_BAD_SEED: return "tag of another run";
	case PERF_TAG_BAD_LBA: return "tag of another LBA";
	case PERF_TAG_BAD_GEN: return "stale or wrong generation";
	case PERF_TAG_BAD_CHECK: return "checksum mismatch (corrupt data)";
	}
	return "?";
}
