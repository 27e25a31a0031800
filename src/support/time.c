/* SPDX-License-Identifier: MIT */
/* Monotonic time and deadlines: every wait on a device is bounded by one of these. */
#include <errno.h>
#include <time.h>

#include "nvmu/support.h"

uint64_t nvmu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t nvmu_deadline_ms(uint64_t ms)
{
	return nvmu_now_ns() + ms * 1000000ull;
}

bool nvmu_deadline_passed(uint64_t deadline)
{
	return nvmu_now_ns() >= deadline;
}

void nvmu_sleep_us(uint64_t us)
{
	struct timespec ts = { .tv_sec = (time_t)(us / 1000000),
			       .tv_nsec = (long)(us % 1000000) * 1000 };

	/* A signal cuts the sleep short; nanosleep() leaves the time still to sleep in ts. */
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}
