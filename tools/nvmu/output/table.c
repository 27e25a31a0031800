/* SPDX-License-Identifier: MIT */
/* Aligned text tables for human output. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

void table_init(struct table *t, size_t ncols, const char *const *header)
{
	t->ncols = ncols;
	t->header = header;
	t->cells = NULL;
	t->nrows = 0;
}

int table_add(struct table *t, const char *const *row)
{
	char **cells = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(*cells));

	if (!cells)
		return -ENOMEM;
	t->cells = cells;
	for (size_t c = 0; c < t->ncols; c++) {
		cells[t->nrows * t->ncols + c] = strdup(row[c] ? row[c] : "");
		if (!cells[t->nrows * t->ncols + c]) {
			while (c--)
				free(cells[t->nrows * t->ncols + c]);
			return -ENOMEM;
		}
	}
	t->nrows++;
	return 0;
}

static void print_row(const struct table *t, const char *const *row, const size_t *width, FILE *out)
{
	for (size_t c = 0; c < t->ncols; c++) {
		if (c + 1 < t->ncols)
			fprintf(out, "%-*s  ", (int)width[c], row[c]);
		else
			fprintf(out, "%s\n", row[c]);
	}
}

void table_print(const struct table *t, FILE *out)
{
	size_t *width = calloc(t->ncols ? t->ncols : 1, sizeof(*width));

	if (!width)
		return;
	for (size_t c = 0; c < t->ncols; c++) {
		width[c] = strlen(t->header[c]);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t len = strlen(t->cells[r * t->ncols + c]);

			width[c] = len > width[c] ? len : width[c];
		}
	}
	print_row(t, t->header, width, out);
	for (size_t r = 0; r < t->nrows; r++)
		print_row(t, (const char *const *)&t->cells[r * t->ncols], width, out);
	free(width);
}

void table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = 0;
}
