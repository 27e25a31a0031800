/* SPDX-License-Identifier: MIT */
/* Reading command data from a file, refusing a file of another size than the command's. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "input_file.h"
#include "verbs.h"

int input_file_read(const char *verb, const char *path, void *buf, size_t len)
{
	return input_file_read_opt(verb, path, buf, len, "--data-len");
}

int input_file_read_opt(const char *verb, const char *path, void *buf, size_t len,
			const char *opt)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t got;
	int extra;

	if (!f) {
		fprintf(stderr, "nvmu %s: cannot open input file '%s': %s\n", verb, path,
			strerror(errno));
		return EXIT_FAILED;
	}
	got = fread(buf, 1, len, f);
	extra = got == len ? fgetc(f) : EOF;
	if (ferror(f)) {
		fprintf(stderr, "nvmu %s: cannot read input file '%s': %s\n", verb, path,
			strerror(errno));
		got = (size_t)-1;
	} else if (got != len || extra != EOF) {
		fprintf(stderr, "nvmu %s: data size mismatch: input file '%s' has %s%zu bytes, the "
			"command transfers %zu (%s)\n", verb, path, got == len ? "more than " : "",
			got, len, opt);
		got = (size_t)-1;
	}
	if (f != stdin)
		fclose(f);
	return got == len ? 0 : EXIT_FAILED;
}
