/* SPDX-License-Identifier: MIT */
/* Per-thread failure messages: what went wrong and what to do about it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nvmu/support.h"

#define NVMU_ERROR_MAX 1024

static _Thread_local char last_error[NVMU_ERROR_MAX];

const char *nvmu_last_error(void)
{
	return last_error;
}

void nvmu_clear_error(void)
{
	last_error[0] = '\0';
}

int nvmu_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	nvmu_log(NVMU_LOG_DEBUG, "%s", last_error);
	return -err;
}

int nvmu_fail_context(int err, const char *fmt, ...)
{
	char prefix[NVMU_ERROR_MAX];
	char old[NVMU_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, last_error, sizeof(old));
	/* Truncating a very long message is acceptable; the length is not needed. */
	if (snprintf(last_error, sizeof(last_error), "%s: %s", prefix,
		     old[0] ? old : strerror(err)) < 0)
		last_error[0] = '\0';
	return -err;
}
