/* SPDX-License-Identifier: MIT */
/* Helpers shared by the verbs: option parsing, error reporting, output format. */
#ifndef NVMU_TOOL_CLI_H
#define NVMU_TOOL_CLI_H

#include <getopt.h>
#include <stdbool.h>

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

/* Print "nvmu <verb>: <message>" and a hint to run --help; returns EXIT_USAGE. */
int cli_usage_error(const char *verb, const char *fmt, ...) NVMU_PRINTF(2, 3);

/* Print "nvmu <verb>: <nvmu_last_error()>"; returns EXIT_FAILED. */
int cli_fail(const char *verb);

#endif
