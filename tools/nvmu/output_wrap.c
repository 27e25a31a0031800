/* SPDX-License-Identifier: MIT */
/* -o/--output-format for the verbs that do not handle it: see output_wrap.h. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "device.h"
#include "help_gen.h"
#include "output/json.h"
#include "output_wrap.h"

bool output_wrap_applies(const struct nvmu_verb *v)
{
	char flags[USAGE_FLAGS_MAX][USAGE_FLAG_LEN];
	size_t n = usage_flags(v->usage, flags, USAGE_FLAGS_MAX);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(flags[i], "-o") || !strcmp(flags[i], "--output-format"))
			return false;
	return true;
}

void output_wrap_print_usage(FILE *out, const struct nvmu_verb *v)
{
	device_print_usage(out, v->usage);
	if (output_wrap_applies(v))
		fputs(OUTPUT_WRAP_HELP, out);
}

/*
 * Take -o FMT, -oFMT, --output-format FMT and --output-format=FMT out of the arguments
 * (before a "--"). Returns the new argc, or -1 after a usage error.
 */
static int take_format(int argc, char **argv, enum cli_format *format)
{
	int out = 1;

	for (int i = 1; i < argc; i++) {
		const char *value = NULL;

		if (!strcmp(argv[i], "--")) {
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output-format")) {
			if (i + 1 == argc) {
				cli_usage_error(argv[0], "option '%s' needs a value", argv[i]);
				return -1;
			}
			value = argv[++i];
		} else if (!strncmp(argv[i], "--output-format=", 16)) {
			value = argv[i] + 16;
		} else if (!strncmp(argv[i], "-o", 2)) {
			value = argv[i] + 2;
		}
		if (!value) {
			argv[out++] = argv[i];
			continue;
		}
		if (cli_parse_format(argv[0], value, format))
			return -1;
	}
	argv[out] = NULL;
	return out;
}

/* The captured output as {"command", "exit_status", "output": [lines]}. */
static void print_json(const char *verb, int status, char *text, size_t len)
{
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "command");
	json_string(&j, verb);
	json_key(&j, "exit_status");
	json_int(&j, status);
	json_key(&j, "output");
	json_array_begin(&j);
	for (char *line = text, *nl; line < text + len; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(text + len - line));
		if (!nl)
			nl = text + len;
		*nl = '\0';
		json_string(&j, line);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

/* Data rather than lines of text: control characters other than newline and tab. */
static bool binary(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)text[i] < 0x20 && text[i] != '\n' && text[i] != '\t') ||
		    text[i] == 0x7f)
			return true;
	return false;
}

int output_wrap_run(const struct nvmu_verb *v, int argc, char **argv)
{
	enum cli_format format = CLI_FORMAT_NORMAL;
	FILE *real = stdout, *capture;
	char *text = NULL;
	size_t len = 0;
	int status;

	if (!output_wrap_applies(v))
		return v->run(argc, argv);
	if ((argc = take_format(argc, argv, &format)) < 0)
		return EXIT_USAGE;
	if (format == CLI_FORMAT_NORMAL)
		return v->run(argc, argv);
	capture = open_memstream(&text, &len);
	if (!capture) {
		fprintf(stderr, "nvmu %s: out of memory\n", argv[0]);
		return EXIT_FAILED;
	}
	stdout = capture;
	status = v->run(argc, argv);
	stdout = real;
	if (fclose(capture) != 0) {
		free(text);
		fprintf(stderr, "nvmu %s: out of memory\n", argv[0]);
		return EXIT_FAILED;
	}
	if (binary(text, len)) {
		fprintf(stderr, "nvmu %s: the output is binary data, which JSON does not carry: "
			"write it to a file (-d FILE) or leave -o json out\n", argv[0]);
		status = status ? status : EXIT_FAILED;
	} else {
		print_json(v->name, status, text, len);
	}
	free(text);
	return status;
}
