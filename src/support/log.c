/* SPDX-License-Identifier: MIT */
/* The library's log sink: stderr by default, replaceable by the application. */
#include <stdio.h>
#include <stdlib.h>

#include "nvmu/support.h"

static const char *const level_names[] = { "error", "warning", "info", "debug" };

static void stderr_sink(void *ctx, enum nvmu_log_level level, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "nvmu %s: %s\n", level_names[level], msg);
}

static nvmu_log_fn sink = stderr_sink;
static void *sink_ctx;
/* Negative until the first message reads the level from $NVMU_LOG_LEVEL. */
static int max_level = -1;

void nvmu_log_set_sink(nvmu_log_fn fn, void *ctx)
{
	sink = fn ? fn : stderr_sink;
	sink_ctx = fn ? ctx : NULL;
}

void nvmu_log_set_level(enum nvmu_log_level level)
{
	max_level = level;
}

static int current_level(void)
{
	if (max_level < 0) {
		const char *env = getenv("NVMU_LOG_LEVEL");
		int v = env ? atoi(env) : NVMU_LOG_WARN;
		max_level = v < 0 ? 0 : v > NVMU_LOG_DEBUG ? NVMU_LOG_DEBUG : v;
	}
	return max_level;
}

void nvmu_log(enum nvmu_log_level level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if ((int)level > current_level())
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sink(sink_ctx, level, msg);
}
