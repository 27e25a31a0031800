/* SPDX-License-Identifier: MIT */
/* Hex dumps in the layout nvme-cli users know: header row, offset, bytes, text. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>

#include "hexdump.h"

void hexdump(FILE *out, const void *data, size_t len)
{
	const uint8_t *b = data;

	fprintf(out, "      ");
	for (unsigned i = 0; i < 16; i++)
		fprintf(out, "%2x ", i);
	fputc('\n', out);
	for (size_t off = 0; off < len; off += 16) {
		size_t n = len - off < 16 ? len - off : 16;

		fprintf(out, "%04zx: ", off);
		for (size_t i = 0; i < 16; i++) {
			if (i < n)
				fprintf(out, "%02x ", b[off + i]);
			else
				fputs("   ", out);
		}
		fputc('"', out);
		for (size_t i = 0; i < n; i++)
			fputc(isgraph(b[off + i]) ? b[off + i] : '.', out);
		fputs("\"\n", out);
	}
}

int raw_write(FILE *out, const void *data, size_t len)
{
	/* The write's own errno (ENOSPC, EPIPE, ...) says what to do about it; EIO would not. */
	errno = 0;
	if (fwrite(data, 1, len, out) != len || fflush(out))
		return errno ? -errno : -EIO;
	return 0;
}
