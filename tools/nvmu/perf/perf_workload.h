/* SPDX-License-Identifier: MIT */
/*
 * nvmu perf: the workload generator. I/Os address "units" of -b bytes, aligned; a job
 * walks its range of units in order (read, write, rw) or picks them at random (rand*),
 * and decides read or write by the read percentage. xorshift64* and a multiply-high
 * range reduction: no division, no system call.
 */
#ifndef NVMU_TOOL_PERF_WORKLOAD_H
#define NVMU_TOOL_PERF_WORKLOAD_H

#include <stdbool.h>
#include <stdint.h>

struct perf_wl {
	uint64_t rng;      /* xorshift64* state, never 0 */
	uint64_t first;    /* first unit of the job's range */
	uint64_t units;    /* units in the range (>= 1) */
	uint64_t next;     /* sequential: next unit, relative to first */
	bool random;
	uint32_t read_thr; /* read when a 32-bit random value is below this (pct scaled) */
	bool all_reads, all_writes;
};

/* A generator over units [first, first+units) with @read_pct % reads (0..100). */
void perf_wl_init(struct perf_wl *w, uint64_t seed, uint64_t first, uint64_t units, bool random,
		  unsigned read_pct);

static inline uint64_t perf_wl_rand(struct perf_wl *w)
{
	uint64_t x = w->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	w->rng = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* The next unit to address. */
static inline uint64_t perf_wl_unit(struct perf_wl *w)
{
	uint64_t u;

	if (w->random)
		return w->first + (uint64_t)(((unsigned __int128)perf_wl_rand(w) * w->units) >> 64);
	u = w->next;
	w->next = u + 1 == w->units ? 0 : u + 1;
	return w->first + u;
}

/* True if the next I/O is a read. */
static inline bool perf_wl_is_read(struct perf_wl *w)
{
	if (w->all_reads)
		return true;
	if (w->all_writes)
		return false;
	return (uint32_t)(perf_wl_rand(w) >> 32) < w->read_thr;
}

#endif
