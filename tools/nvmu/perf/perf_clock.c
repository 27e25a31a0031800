/* SPDX-License-Identifier: MIT */
/* nvmu perf: calibrating the latency clock (perf_clock.h). */
#include <string.h>

#include "perf_clock.h"

#define CALIBRATION_NS 20000000u

static uint64_t ns_since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (uint64_t)(b.tv_sec - a->tv_sec) * 1000000000u + (uint64_t)b.tv_nsec -
	       (uint64_t)a->tv_nsec;
}

bool perf_clock_init(struct perf_clock *c, enum perf_clock_kind kind)
{
	struct timespec pause = { 0, CALIBRATION_NS };

	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->ticks_per_ns = 1.0;
	if (kind == PERF_CLOCK_TSC && !PERF_HAVE_TSC)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &c->mono0);
	c->t0 = perf_clock_now(c);
	if (kind == PERF_CLOCK_TSC) {
		nanosleep(&pause, NULL);
		perf_clock_recalibrate(c);
	}
	return true;
}

void perf_clock_recalibrate(struct perf_clock *c)
{
	uint64_t ticks, ns;

	if (c->kind != PERF_CLOCK_TSC)
		return;
	ticks = perf_clock_now(c) - c->t0;
	ns = ns_since(&c->mono0);
	if (ns > 0 && ticks > 0)
		c->ticks_per_ns = (double)ticks / (double)ns;
}

double perf_clock_ns(const struct perf_clock *c, uint64_t ticks)
{
	return (double)ticks / c->ticks_per_ns;
}

uint64_t perf_clock_ticks(const struct perf_clock *c, double ns)
{
	return (uint64_t)(ns * c->ticks_per_ns);
}

const char *perf_clock_name(enum perf_clock_kind kind)
{
	return kind == PERF_CLOCK_TSC ? "tsc" : "monotonic";
}

bool perf_clock_parse(const char *name, enum perf_clock_kind *kind)
{
	if (!strcmp(name, "tsc"))
		*kind = PERF_CLOCK_TSC;
	else if (!strcmp(name, "monotonic"))
		*kind = PERF_CLOCK_MONOTONIC;
	else
		return false;
	return true;
}
