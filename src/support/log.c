/* SPDX-License-Identifier: MIT */
/* The library's log sink: stderr by default, replaceable by the application. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/*
 * $NVMU_LOG_LEVEL: 0-3 or a level's name. Anything else keeps the default and says so once
 * (a typo must not silently hide the messages asked for).
 */
static int level_from_env(void)
{
	const char *env = getenv("NVMU_LOG_LEVEL");

	if (!env)
		return NVMU_LOG_WARN;
	for (int i = 0; i <= NVMU_LOG_DEBUG; i++)
		if (!strcmp(env, level_names[i]) || (env[0] == '0' + i && !env[1]))
			return i;
	sink(sink_ctx, NVMU_LOG_WARN, "NVMU_LOG_LEVEL is not 0-3 (error, warning, info, debug); "
	     "using 1 (warning)");
	return NVMU_LOG_WARN;
}

static int current_level(void)
{
	if (max_level < 0)
		max_level = level_from_env();
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
