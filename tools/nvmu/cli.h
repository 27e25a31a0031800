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
	CLI_FORMAT_BINARY, /* the NVMe data structure's bytes as they are (-b, -o binary) */
};

/* How a verb shows its result: nvme-cli's -o FORMAT, -H and -b. */
struct cli_output {
	enum cli_format format;
	bool human; /* -H: bit fields decoded */
};

/* getopt long options of struct cli_output ("output" is the older spelling of -o). */
#define CLI_OUTPUT_LONGOPTS                                      \
	{ "output-format", required_argument, NULL, 'o' },      \
	{ "output", required_argument, NULL, 'o' },             \
	{ "human-readable", no_argument, NULL, 'H' },           \
	{ "raw-binary", no_argument, NULL, 'b' }

/*
 * Handle option @p opt (getopt letter o, H or b; value @p arg) into @p o; -o takes normal,
 * json or binary. Returns 1 if it is not one of them, 0 when handled, EXIT_USAGE after
 * printing a bad value.
 */
int cli_output_opt(const char *verb, int opt, const char *arg, struct cli_output *o);

/* The number of -v/--verbose given to nvmu (before or after the verb); see main.c. */
extern int cli_verbose;

/*
 * getopt_long() over a verb's arguments (argv[0] = verb) with error reporting of our
 * own: returns the option, -1 at the end, or '?' after printing a usage error.
 */
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts);

/* Parse the value of -o/--output: normal or json. Returns 0, or prints a usage error and
 * returns -1. */
int cli_parse_format(const char *verb, const char *text, enum cli_format *out);

/* The same, where @p binary also allows "binary" (a verb printing one NVMe structure). */
int cli_parse_output_format(const char *verb, const char *text, bool binary,
			    enum cli_format *out);

/*
 * Parse a number given to option @p opt (decimal, or hex with 0x) that must not exceed
 * @p max. Returns 0 and sets *out, or prints a usage error naming the option and returns -1.
 */
int cli_parse_u64(const char *verb, const char *opt, const char *text, uint64_t max, uint64_t *out);

/*
 * cli_parse_u64() for a size in bytes: also a binary unit k, m, g or t (4k = 4096), as
 * CLI_SIZE_HELP says.
 */
int cli_parse_size(const char *verb, const char *opt, const char *text, uint64_t max,
		   uint64_t *out);

/* How the help describes a size. */
#define CLI_SIZE_HELP "decimal, 0x hex, or with a unit k, m, g, t (4k = 4096)"

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
