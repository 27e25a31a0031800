/* SPDX-License-Identifier: MIT */
/*
 * Numbers as people type them in options and device strings: decimal or 0x hex, never
 * octal, so that a zero-padded "010" is ten, as a script that pads its LBAs means it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "nvmu/support.h"

/* The power of two a binary unit letter stands for, or 0 when @c is none. */
static unsigned unit_shift(char c)
{
	switch (c) {
	case 'k': case 'K': return 10;
	case 'm': case 'M': return 20;
	case 'g': case 'G': return 30;
	case 't': case 'T': return 40;
	default: return 0;
	}
}

int nvmu_parse_u64(const char *text, bool units, uint64_t *out)
{
	bool hex = text && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
	const char *digits = hex ? text + 2 : text;
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	/* strtoull() would accept a sign, blanks and, in base 16, a second 0x: here a
	 * number starts with a digit of its base. */
	if (!text || !(hex ? isxdigit : isdigit)((unsigned char)digits[0]) ||
	    (hex && (digits[1] == 'x' || digits[1] == 'X')))
		return nvmu_fail(EINVAL, "'%s' is not a number (decimal, or hex after 0x%s)",
				 text ? text : "", units ? ", with an optional k, m, g or t" : "");
	errno = 0;
	v = strtoull(digits, &end, hex ? 16 : 10);
	if (units && *end && !end[1])
		shift = unit_shift(*end);
	if (shift)
		end++;
	if (*end)
		return nvmu_fail(EINVAL, "'%s' is not a number (decimal, or hex after 0x%s)", text,
				 units ? ", with an optional k, m, g or t" : "");
	if (errno || (shift && v > (UINT64_MAX >> shift)))
		return nvmu_fail(ERANGE, "'%s' does not fit in 64 bits", text);
	*out = (uint64_t)v << shift;
	return 0;
}
