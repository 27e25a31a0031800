/* SPDX-License-Identifier: MIT */
/*
 * What is generated from the verb table (name, summary, usage text) besides --help: the
 * man pages and the bash completion script, written at build time by `nvmu --dump-man DIR`
 * and `nvmu --dump-completion FILE` (tools/nvmu/meson.build), so a verb added to the table
 * gets both with nothing else to write.
 */
#ifndef NVMU_TOOL_HELP_GEN_H
#define NVMU_TOOL_HELP_GEN_H

#include <stddef.h>
#include <stdio.h>

#include "verbs.h"

#define USAGE_FLAGS_MAX 96
#define USAGE_FLAG_LEN 40

/*
 * The options a usage text names ("-n", "--namespace-id", ...), each once, in the order
 * they first appear. Returns how many were written to @p flags (at most @p max).
 */
size_t usage_flags(const char *usage, char flags[][USAGE_FLAG_LEN], size_t max);

/*
 * Write nvmu.1 (the text of @p overview, the commands, the soft: options) and
 * nvmu-<verb>.1 for each of the @p n verbs into the folder @p dir. Returns 0, or -1
 * after printing why.
 */
int help_write_man(const char *dir, const struct nvmu_verb *const *verbs, size_t n,
		   void (*overview)(FILE *out));

/* `nvmu help soft`: the soft: device string and its options (nvmu_soft_help()). */
void help_print_soft(FILE *out);

/* Write the bash completion script for the @p n verbs to @p out. */
void help_write_completion(FILE *out, const struct nvmu_verb *const *verbs, size_t n);

#endif
