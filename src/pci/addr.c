/* SPDX-License-Identifier: MIT */
/* PCI address parsing: "DDDD:BB:SS.F" or "BB:SS.F" into the normalised "dddd:bb:ss.f". */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nvmu/pci.h"
#include "pci/pcifs.h"

/* Parse @p min to @p max hex digits at *s, advancing *s past them. Returns their value, or
 * -1 if there are fewer than @p min or more than @p max. */
static long long hex_field(const char **s, size_t min, size_t max)
{
	long long v = 0;
	size_t n = 0;

	while (isxdigit((unsigned char)**s)) {
		if (++n > max)
			return -1;
		v = v * 16 + (isdigit((unsigned char)**s) ? **s - '0'
							  : tolower((unsigned char)**s) - 'a' + 10);
		(*s)++;
	}
	return n < min ? -1 : v;
}

static bool expect(const char **s, char c)
{
	if (**s != c)
		return false;
	(*s)++;
	return true;
}

int pcifs_normalise_addr(const char *text, char out[NVMU_PCI_ADDR_LEN])
{
	const char *s = text;
	long long domain = 0, bus, slot, fn;
	const char *colon2 = strchr(s, ':') ? strchr(strchr(s, ':') + 1, ':') : NULL;

	/* A domain is present when there are two colons; Linux prints at least 4 digits. */
	if (colon2) {
		domain = hex_field(&s, 4, 8);
		if (domain < 0 || !expect(&s, ':'))
			goto bad;
	}
	bus = hex_field(&s, 2, 2);
	if (bus < 0 || !expect(&s, ':'))
		goto bad;
	slot = hex_field(&s, 2, 2);
	if (slot < 0 || slot > 0x1f || !expect(&s, '.'))
		goto bad;
	fn = hex_field(&s, 1, 1);
	if (fn < 0 || fn > 7 || *s)
		goto bad;
	snprintf(out, NVMU_PCI_ADDR_LEN, "%04x:%02x:%02x.%x", (uint32_t)domain, (uint8_t)bus,
		 (uint8_t)slot, (uint8_t)fn);
	return 0;
bad:
	return -EINVAL;
}

bool nvmu_pci_is_addr(const char *text, char out[NVMU_PCI_ADDR_LEN])
{
	return text && !pcifs_normalise_addr(text, out);
}

int nvmu_pci_parse_addr(const char *text, char out[NVMU_PCI_ADDR_LEN])
{
	if (text && !pcifs_normalise_addr(text, out))
		return 0;
	return nvmu_fail(EINVAL, "'%.64s' is not a PCI address (expected DDDD:BB:SS.F or "
			 "BB:SS.F, e.g. 0000:00:10.0)", text ? text : "");
}
