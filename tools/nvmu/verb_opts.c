/* SPDX-License-Identifier: MIT */
/* Option tables for verbs (see verb_opts.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verb_opts.h"
#include "verbs.h"

#define MAX_OPTS 32

static uint64_t kind_max(const struct verb_opt *o)
{
	static const uint64_t type_max[] = { [VOPT_U8] = UINT8_MAX, [VOPT_U16] = UINT16_MAX,
					     [VOPT_U32] = UINT32_MAX, [VOPT_U64] = UINT64_MAX,
					     [VOPT_SIZE] = UINT64_MAX,
					     [VOPT_LIST] = UINT64_MAX };

	return o->max ? o->max : type_max[o->kind];
}

/* "a,b,c" into @p l; 0 or -1 after a usage error. */
static int parse_list(const char *verb, const char *opt, const char *text, uint64_t max,
		      struct opt_list *l)
{
	char buf[4096], *save = NULL, *tok;

	if (strlen(text) >= sizeof(buf)) {
		cli_usage_error(verb, "%s: the list is too long", opt);
		return -1;
	}
	strcpy(buf, text);
	l->n = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (l->n == OPT_LIST_MAX) {
			cli_usage_error(verb, "%s takes at most %u values", opt, OPT_LIST_MAX);
			return -1;
		}
		if (cli_parse_u64(verb, opt, tok, max, &l->v[l->n]))
			return -1;
		l->n++;
	}
	if (l->n == 0) {
		cli_usage_error(verb, "%s needs at least one number", opt);
		return -1;
	}
	return 0;
}

/* Store @p arg into option @p o. Returns 0 or -1 after a usage error. */
static int store(const char *verb, const struct verb_opt *o, const char *arg)
{
	char name[48];
	uint64_t v;

	snprintf(name, sizeof(name), "--%s", o->name);
	switch (o->kind) {
	case VOPT_FLAG:
		*(bool *)o->target = true;
		return 0;
	case VOPT_FORMAT:
		return cli_parse_format(verb, arg, o->target);
	case VOPT_STR:
		*(const char **)o->target = arg;
		return 0;
	case VOPT_LIST:
		return parse_list(verb, name, arg, kind_max(o), o->target);
	default:
		break;
	}
	if (o->kind == VOPT_SIZE) {
		if (nvmu_parse_u64(arg, true, &v) < 0 || v > kind_max(o)) {
			cli_usage_error(verb, "%s expects a number (decimal or 0x hex, with an "
					"optional unit k, m, g or t) up to %llu, not '%s'", name,
					(unsigned long long)kind_max(o), arg);
			return -1;
		}
	} else if (cli_parse_u64(verb, name, arg, kind_max(o), &v)) {
		return -1;
	}
	if (o->kind == VOPT_U8)
		*(uint8_t *)o->target = (uint8_t)v;
	else if (o->kind == VOPT_U16)
		*(uint16_t *)o->target = (uint16_t)v;
	else if (o->kind == VOPT_U32)
		*(uint32_t *)o->target = (uint32_t)v;
	else
		*(uint64_t *)o->target = v;
	return 0;
}

int verb_parse_options(int argc, char **argv, const struct verb_opt *opts, unsigned n)
{
	struct option longopts[MAX_OPTS + 1];
	char shortopts[2 * MAX_OPTS + 1];
	size_t len = 0;
	int c;

	if (n > MAX_OPTS)
		return cli_usage_error(argv[0], "internal error: too many options");
	for (unsigned i = 0; i < n; i++) {
		bool arg = opts[i].kind != VOPT_FLAG;

		shortopts[len++] = opts[i].letter;
		if (arg)
			shortopts[len++] = ':';
		longopts[i] = (struct option){ opts[i].name, arg ? required_argument : no_argument,
					       NULL, opts[i].letter };
	}
	shortopts[len] = '\0';
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };
	while ((c = cli_getopt(argc, argv, shortopts, longopts)) != -1) {
		const struct verb_opt *o = NULL;

		for (unsigned i = 0; i < n && !o; i++)
			if (opts[i].letter == c)
				o = &opts[i];
		if (!o || store(argv[0], o, optarg))
			return EXIT_USAGE;
		if (o->seen)
			*o->seen = true;
	}
	return 0;
}

int verb_parse(int argc, char **argv, const struct verb_opt *opts, unsigned n, const char **dev)
{
	int ret = verb_parse_options(argc, argv, opts, n);

	return ret ? ret : cli_device_arg(argc, argv, dev);
}
