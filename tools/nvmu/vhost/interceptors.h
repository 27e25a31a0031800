/* SPDX-License-Identifier: MIT */
/*
 * The interceptors `nvmu vhost-blk --intercept NAME[,OPT=V...]` knows, by name. Each
 * parses its own options and builds its struct nvmu_intercept_ops and state.
 */
#ifndef NVMU_TOOL_VHOST_INTERCEPTORS_H
#define NVMU_TOOL_VHOST_INTERCEPTORS_H

#include <stddef.h>

#include "nvmu/intercept.h"

#define ICPT_MAX_OPTS 8

/* One "OPT=V" of the command line. */
struct icpt_opt {
	const char *key, *value;
};

struct tool_icpt {
	const char *name;
	const char *help; /* one line per option for the usage text */
	/*
	 * Build the interceptor from its options. Returns 0 and sets *ops and *arg, or an
	 * exit status after printing why: EXIT_USAGE (unknown or bad option, unreadable key
	 * file), EXIT_FAILED.
	 */
	int (*create)(const char *verb, const struct icpt_opt *opts, unsigned nopts,
		      const struct nvmu_intercept_ops **ops, void **arg);
	/* Optional: its state in one line of text (what nvmu vhost-blk reports). */
	void (*state)(void *arg, char *buf, size_t len);
};

extern const struct tool_icpt icpt_encrypt;
extern const struct tool_icpt icpt_mirror;
extern const struct tool_icpt icpt_split;

/*
 * Parse "NAME[,OPT=V...]" (@p spec is changed in place) and create that interceptor; an
 * option dev= takes the rest of the spec, since device strings hold commas. Sets *which.
 * Returns 0 or an exit status after printing why.
 */
int icpt_from_spec(const char *verb, char *spec, const struct tool_icpt **which,
		   const struct nvmu_intercept_ops **ops, void **arg);

/* Returns true when @p key is one of @p allowed (NULL-terminated), else prints why. */
int icpt_check_keys(const char *verb, const char *name, const struct icpt_opt *opts,
		    unsigned nopts, const char *const *allowed);

#endif
