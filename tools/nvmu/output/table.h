/* SPDX-License-Identifier: MIT */
/* Aligned text tables for human output: a header row, then rows, columns padded to fit. */
#ifndef NVMU_TOOL_TABLE_H
#define NVMU_TOOL_TABLE_H

#include <stddef.h>
#include <stdio.h>

struct table {
	size_t ncols;
	const char *const *header; /* ncols titles, not copied */
	char **cells;              /* nrows * ncols copies */
	size_t nrows;
};

/* Start a table with @p ncols columns titled @p header (kept by reference). */
void table_init(struct table *t, size_t ncols, const char *const *header);
/* Append a row of ncols strings (copied). Returns 0 or -ENOMEM. */
int table_add(struct table *t, const char *const *row);
/* Print the header and rows, columns separated by two spaces. */
void table_print(const struct table *t, FILE *out);
void table_free(struct table *t);

#endif
