/* SPDX-License-Identifier: MIT */
/*
 * nvmu perf --verify: the tag every written logical block carries at its start (magic,
 * its LBA, a generation, a seed) and a checksum over the whole block, and the check of a
 * block read back against the generation the run expects there.
 */
#ifndef NVMU_TOOL_PERF_TAG_H
#define NVMU_TOOL_PERF_TAG_H

#include <stdint.h>

#define PERF_TAG_MAGIC 0x6e766d7570657266ull /* "nvmuperf" */

struct perf_tag {
	uint64_t magic;
	uint64_t lba;
	uint32_t gen;
	uint32_t seed;  /* the run's seed: data of an earlier run does not match */
	uint64_t check; /* FNV-1a over the block's 64-bit words, this field counted as 0 */
};

enum perf_tag_result {
	PERF_TAG_OK = 0,
	PERF_TAG_BAD_MAGIC, /* no tag: never written by this tool, or overwritten */
	PERF_TAG_BAD_SEED,  /* written by another run */
	PERF_TAG_BAD_LBA,   /* the block of another LBA */
	PERF_TAG_BAD_GEN,   /* an older (or newer) write of this LBA */
	PERF_TAG_BAD_CHECK, /* the tag is right, the data is corrupt */
};

/* Write the tag of (@lba, @gen, @seed) into the @lba_size-byte (multiple of 8) block. */
void perf_tag_stamp(void *block, uint32_t lba_size, uint64_t lba, uint32_t gen, uint32_t seed);

/* Check a block read back; *found (if not NULL) gets the generation it carries. */
enum perf_tag_result perf_tag_check(const void *block, uint32_t lba_size, uint64_t lba,
				    uint32_t gen, uint32_t seed, uint32_t *found);

/* Words for a result ("stale generation"...). */
const char *perf_tag_result_name(enum perf_tag_result r);

#endif
