/* SPDX-License-Identifier: MIT */
/* Hex dumps of command data: offset, 16 bytes in hex, the printable characters. */
#ifndef NVMU_TOOL_HEXDUMP_H
#define NVMU_TOOL_HEXDUMP_H

#include <stddef.h>
#include <stdio.h>

/* Print @p len bytes of @p data as a hex dump with a column header. */
void hexdump(FILE *out, const void *data, size_t len);

/* Write the bytes as they are (--raw-binary). Returns 0 or -errno. */
int raw_write(FILE *out, const void *data, size_t len);

#endif
