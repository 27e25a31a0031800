/* SPDX-License-Identifier: MIT */
/* Helpers shared by the verbs: option parsing, error reporting, output format. */
#ifndef NVMU_TOOL_CLI_H
#define NVMU_TOOL_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "nvmu/support.h"

enum cli_format {
	CLI_FORMAT_NORMAL,
	CLI_FORMAT_JSON,
};

/*
 * getopt_long() over a verb's arguments (argv[0] = verb) with error reporting of our
 * own: returns the option, -1 at the end, or '?' after printing a usage error.
 */
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts);

/* Parse the value of -o/--output. Returns 0, or prints a usage error and returns -1. */
int cli_parse_format(const char *verb, const char *text, enum cli_format *out);

/*
 * Parse a number given to option @p opt (decimal, or hex with 0x) that must not exceed
 * @p max. Returns 0 and sets *out, or prints a usage error naming the option and returns -1.
 */
int cli_parse_u64(const char *verb, const char *opt, const char *text, uint64_t max, uint64_t *out);

/* cli_parse_u64() into a 32-bit value. */
int cli_parse_u32(const char *verb, const char *opt, const char *text, uint32_t max, uint32_t *out);

/*
 * The single <dev> argument left after the options (argv[optind]). Returns 0 and sets
 * *dev, or prints a usage error and returns EXIT_USAGE.
 */
int cli_device_arg(int argc, char **argv, const char **dev);

/* Print "nvmu <verb>: <message>" and a hint to run --help; returns EXIT_USAGE. */
int cli_usage_error(const char *verb, const char *fmt, ...) NVMU_PRINTF(2, 3);

/* Print "nvmu <verb>: <nvmu_last_error()>"; returns EXIT_FAILED. */
int cli_fail(const char *verb);

#endif
