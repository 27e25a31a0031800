/* SPDX-License-Identifier: MIT */
/*
 * Option tables for verbs: each option once (letter, long name, kind, where its value
 * goes, its largest value), from which the getopt tables are built and every value is
 * parsed and range-checked with the same messages as the other verbs (cli.h).
 */
#ifndef NVMU_TOOL_VERB_OPTS_H
#define NVMU_TOOL_VERB_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"

#define OPT_LIST_MAX 256

enum verb_opt_kind {
	VOPT_U8,     /* uint8_t, at most .max */
	VOPT_U16,    /* uint16_t */
	VOPT_U32,    /* uint32_t */
	VOPT_U64,    /* uint64_t */
	VOPT_SIZE,   /* uint64_t with an optional binary unit: 4k, 1m, 2g, 1t */
	VOPT_FLAG,   /* bool set to true */
	VOPT_FORMAT, /* enum cli_format from -o/--output-format */
	VOPT_STR,    /* const char * */
	VOPT_LIST,   /* struct opt_list: comma-separated numbers */
};

/* Numbers of a comma-separated list option. */
struct opt_list {
	uint64_t v[OPT_LIST_MAX];
	unsigned n;
};

struct verb_opt {
	char letter;
	const char *name; /* long name, without "--" */
	enum verb_opt_kind kind;
	void *target;
	uint64_t max;     /* numbers: the largest value accepted (0: the type's largest) */
	bool *seen;       /* when not NULL, set to true if the option was given */
};

/*
 * Parse argv (argv[0] = the verb) with @p n options of @p opts, then the one <dev>
 * argument into *dev. Returns 0, or EXIT_USAGE after printing what was wrong.
 */
int verb_parse(int argc, char **argv, const struct verb_opt *opts, unsigned n, const char **dev);

/* The options alone: the arguments after them start at argv[optind]. 0 or EXIT_USAGE. */
int verb_parse_options(int argc, char **argv, const struct verb_opt *opts, unsigned n);

#define VERB_PARSE(argc, argv, opts, dev) \
	verb_parse(argc, argv, opts, sizeof(opts) / sizeof(opts[0]), dev)

#endif
