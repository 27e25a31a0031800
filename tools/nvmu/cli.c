/* SPDX-License-Identifier: MIT */
/* Helpers shared by the verbs: option parsing, error reporting, output format. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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

int cli_verbose;

int cli_parse_output_format(const char *verb, const char *text, bool binary,
			    enum cli_format *out)
{
	if (!strcmp(text, "normal")) {
		*out = CLI_FORMAT_NORMAL;
	} else if (!strcmp(text, "json")) {
		*out = CLI_FORMAT_JSON;
	} else if (binary && !strcmp(text, "binary")) {
		*out = CLI_FORMAT_BINARY;
	} else {
		cli_usage_error(verb, "unknown output format '%s' (expected %s)", text,
				binary ? "normal, json or binary" : "json or normal");
		return -1;
	}
	return 0;
}

int cli_parse_format(const char *verb, const char *text, enum cli_format *out)
{
	return cli_parse_output_format(verb, text, false, out);
}

int cli_output_opt(const char *verb, int opt, const char *arg, struct cli_output *o)
{
	switch (opt) {
	case 'o':
		return cli_parse_output_format(verb, arg, true, &o->format) ? EXIT_USAGE : 0;
	case 'H':
		o->human = true;
		return 0;
	case 'b':
		o->format = CLI_FORMAT_BINARY;
		return 0;
	default:
		return 1;
	}
}

static int parse_number(const char *verb, const char *opt, const char *text, bool units,
			uint64_t max, uint64_t *out)
{
	uint64_t v;

	if (nvmu_parse_u64(text, units, &v) < 0) {
		cli_usage_error(verb, "%s expects a number (%s), not '%s'", opt,
				units ? CLI_SIZE_HELP : "decimal or 0x hex", text);
		return -1;
	}
	if (v > max) {
		cli_usage_error(verb, "%s %s is out of range (at most %llu, %#llx)", opt, text,
				(unsigned long long)max, (unsigned long long)max);
		return -1;
	}
	*out = v;
	return 0;
}

int cli_parse_u64(const char *verb, const char *opt, const char *text, uint64_t max, uint64_t *out)
{
	return parse_number(verb, opt, text, false, max, out);
}

int cli_parse_size(const char *verb, const char *opt, const char *text, uint64_t max,
		   uint64_t *out)
{
	return parse_number(verb, opt, text, true, max, out);
}

int cli_parse_u32(const char *verb, const char *opt, const char *text, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (cli_parse_u64(verb, opt, text, max, &v))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int cli_device_arg(int argc, char **argv, const char **dev)
{
	if (optind >= argc)
		return cli_usage_error(argv[0], "expected a device (a PCI address, "
				       "soft:OPTIONS, ...)");
	if (optind != argc - 1)
		return cli_usage_error(argv[0], "unexpected argument '%s'", argv[optind + 1]);
	*dev = argv[optind];
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
