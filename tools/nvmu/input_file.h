/* SPDX-License-Identifier: MIT */
/* Data for commands that send data: read from a file whose size must match exactly. */
#ifndef NVMU_TOOL_INPUT_FILE_H
#define NVMU_TOOL_INPUT_FILE_H

#include <stddef.h>

/*
 * Read exactly @p len bytes from @p path ("-" is stdin) into @p buf. Returns 0, or prints
 * "nvmu <verb>: ..." (cannot open/read the file, or its size is not @p len) and returns
 * EXIT_FAILED.
 */
int input_file_read(const char *verb, const char *path, void *buf, size_t len);

/* input_file_read() whose size message names option @p opt (e.g. "--data-size") instead. */
int input_file_read_opt(const char *verb, const char *path, void *buf, size_t len,
			const char *opt);

#endif
