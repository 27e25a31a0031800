/* SPDX-License-Identifier: MIT */
/* nvmu perf: setting up the workload generator (perf_workload.h). */
#include "perf_workload.h"

void perf_wl_init(struct perf_wl *w, uint64_t seed, uint64_t first, uint64_t units, bool random,
		  unsigned read_pct)
{
	w->rng = seed ? seed : 0x9e3779b97f4a7c15ull;
	w->first = first;
	w->units = units ? units : 1;
	w->next = 0;
	w->random = random;
	w->all_reads = read_pct >= 100;
	w->all_writes = read_pct == 0;
	w->read_thr = (uint32_t)((uint64_t)read_pct * 0x100000000ull / 100);
}
