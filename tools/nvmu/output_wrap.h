/* SPDX-License-Identifier: MIT */
/*
 * -o/--output-format for the verbs that print no data of their own (flush, bind, format,
 * ...): a verb whose usage text names neither -o nor --output-format gets them from the
 * dispatcher, which runs it with its stdout captured and writes, for -o json,
 * {"command": VERB, "exit_status": N, "output": [its lines]}. A verb that documents -o
 * handles it itself, so the verbs added later get one or the other with nothing to do.
 */
#ifndef NVMU_TOOL_OUTPUT_WRAP_H
#define NVMU_TOOL_OUTPUT_WRAP_H

#include <stdbool.h>
#include <stdio.h>

#include "verbs.h"

/* The help of the option the dispatcher adds, printed after such a verb's usage. */
#define OUTPUT_WRAP_HELP                                                                    \
	"\nOutput format (as every nvmu command):\n"                                           \
	"  -o, --output-format FORMAT  normal (the default) or json: {\"command\",\n"          \
	"                              \"exit_status\", \"output\": [the lines printed]}\n"

/* True if the dispatcher handles -o for verb @p v (its usage text does not name it). */
bool output_wrap_applies(const struct nvmu_verb *v);

/* Print @p v's usage (device forms in place) and, where it applies, OUTPUT_WRAP_HELP. */
void output_wrap_print_usage(FILE *out, const struct nvmu_verb *v);

/*
 * Run @p v with argv[0] = its name, taking -o/--output-format out of the arguments
 * first where the dispatcher handles it. Returns the verb's exit status, or EXIT_USAGE
 * for a bad format.
 */
int output_wrap_run(const struct nvmu_verb *v, int argc, char **argv);

#endif
