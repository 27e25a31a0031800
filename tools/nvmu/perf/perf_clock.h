/* SPDX-License-Identifier: MIT */
/*
 * nvmu perf: the latency clock. "tsc" reads the CPU's time-stamp counter (rdtsc: one
 * instruction, never a system call), calibrated against CLOCK_MONOTONIC at start and
 * again over the whole run; "monotonic" is clock_gettime(CLOCK_MONOTONIC), which is a
 * vDSO call only while the kernel's clocksource is the TSC: in a QEMU TCG guest the
 * kernel usually distrusts the TSC, and every read is then a system call (the loop
 * loses a large share of its IOPS). tsc is the default on x86.
 */
#ifndef NVMU_TOOL_PERF_CLOCK_H
#define NVMU_TOOL_PERF_CLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define PERF_HAVE_TSC 1
#else
#define PERF_HAVE_TSC 0
#endif

enum perf_clock_kind {
	PERF_CLOCK_TSC,
	PERF_CLOCK_MONOTONIC,
};

struct perf_clock {
	enum perf_clock_kind kind;
	double ticks_per_ns;   /* 1 for monotonic */
	uint64_t t0;           /* ticks at calibration start */
	struct timespec mono0; /* CLOCK_MONOTONIC then */
};

/* Nanoseconds of CLOCK_MONOTONIC. */
static inline uint64_t perf_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The clock now, in ticks. */
static inline uint64_t perf_clock_now(const struct perf_clock *c)
{
#if PERF_HAVE_TSC
	if (c->kind == PERF_CLOCK_TSC)
		return __rdtsc();
#endif
	(void)c;
	return perf_mono_ns();
}

/* Start the clock (a 20 ms calibration for tsc). Returns false if @kind is unavailable. */
bool perf_clock_init(struct perf_clock *c, enum perf_clock_kind kind);

/* Recalibrate over the time since perf_clock_init() (more precise after a long run). */
void perf_clock_recalibrate(struct perf_clock *c);

/* Ticks to nanoseconds / nanoseconds to ticks. */
double perf_clock_ns(const struct perf_clock *c, uint64_t ticks);
uint64_t perf_clock_ticks(const struct perf_clock *c, double ns);

/* "tsc" or "monotonic". */
const char *perf_clock_name(enum perf_clock_kind kind);

/* Parse a clock name; false if unknown. */
bool perf_clock_parse(const char *name, enum perf_clock_kind *kind);

#endif
