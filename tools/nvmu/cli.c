/* SPDX-License-Identifier: MIT */
/* Helpers shared by the verbs: option parsing, error reporting, output format. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "verbs.h"

int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts)
{
	char opts[64];
	int c;

	/* A leading ':' makes getopt report a missing argument as ':' and stay quiet. */
	snprintf(opts, sizeof(opts), ":%s", shortopts);
	c = getopt_long(argc, argv, opts, longopts, NULL);
	if (c == ':') {
		cli_usage_error(argv[0], "option '%s' needs a value", argv[optind - 1]);
		return '?';
	}
	if (c == '?') {
		if (optopt)
			cli_usage_error(argv[0], "unknown option '-%c'", optopt);
		else
			cli_usage_error(argv[0], "unknown option '%s'", argv[optind - 1]);
	}
	return c;
}

int cli_parse_format(const char *verb, const char *text, enum cli_format *out)
{
	if (!strcmp(text, "normal")) {
		*out = CLI_FORMAT_NORMAL;
	} else if (!strcmp(text, "json")) {
		*out = CLI_FORMAT_JSON;
	} else {
		cli_usage_error(verb, "unknown output format '%s' (expected json or normal)", text);
		return -1;
	}
	return 0;
}

int cli_usage_error(const char *verb, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nvmu %s: ", verb);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nRun 'nvmu %s --help' for usage.\n", verb);
	return EXIT_USAGE;
}

int cli_fail(const char *verb)
{
	fprintf(stderr, "nvmu %s: %s\n", verb, nvmu_last_error());
	return EXIT_FAILED;
}
