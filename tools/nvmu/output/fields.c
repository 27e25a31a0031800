/* SPDX-License-Identifier: MIT */
/* Field tables rendered as JSON (nvme-cli's keys and value types) or as text lines. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "bits.h"
#include "fields.h"

uint64_t field_le(const void *p, size_t size)
{
	const uint8_t *b = p;
	uint64_t v = 0;

	for (size_t i = size < 8 ? size : 8; i-- > 0;)
		v = v << 8 | b[i];
	return v;
}

void field_u128_text(const uint8_t *p, char *out, size_t len)
{
	uint8_t n[16];
	char digits[40];
	size_t nd = 0;
	bool zero;

	memcpy(n, p, sizeof(n));
	/* Divide the little-endian number by 10 repeatedly; the remainders are the digits. */
	do {
		unsigned rem = 0;

		zero = true;
		for (int i = 15; i >= 0; i--) {
			unsigned cur = rem << 8 | n[i];

			n[i] = (uint8_t)(cur / 10);
			rem = cur % 10;
			if (n[i])
				zero = false;
		}
		digits[nd++] = (char)('0' + rem);
	} while (!zero && nd < sizeof(digits));
	for (size_t i = 0; i < nd && i + 1 < len; i++)
		out[i] = digits[nd - 1 - i];
	if (len)
		out[nd < len ? nd : len - 1] = '\0';
}

/* The field as text: @p human selects hex and units where the human output shows them. */
void field_text(const struct field *f, const uint8_t *p, bool human, char *out, size_t len)
{
	uint64_t v = f->size <= 8 ? field_le(p, f->size) : 0;
	size_t n;

	switch (f->kind) {
	case FIELD_HEX:
		snprintf(out, len, human ? "%#llx" : "%llu", (unsigned long long)v);
		break;
	case FIELD_TEXT:
		n = f->size < len - 1 ? f->size : len - 1;
		for (size_t i = 0; i < n; i++)
			out[i] = isprint(p[i]) ? (char)p[i] : '.';
		out[n] = '\0';
		break;
	case FIELD_CSTR:
		n = strnlen((const char *)p, f->size);
		snprintf(out, len, "%.*s", (int)n, (const char *)p);
		break;
	case FIELD_U128:
		field_u128_text(p, out, len);
		break;
	case FIELD_IEEE: /* least significant byte first: a little-endian number */
		snprintf(out, len, human ? "%06llx" : "%llu", (unsigned long long)v);
		break;
	case FIELD_UUID:
		snprintf(out, len,
			 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			 p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11],
			 p[12], p[13], p[14], p[15]);
		break;
	case FIELD_BYTES:
		out[0] = '\0';
		for (size_t i = 0; i < f->size && 2 * i + 2 < len; i++)
			snprintf(out + 2 * i, len - 2 * i, "%02x", p[i]);
		break;
	case FIELD_KELVIN:
		if (human)
			snprintf(out, len, "%lld°C (%llu Kelvin)", (long long)v - 273,
				 (unsigned long long)v);
		else
			snprintf(out, len, "%llu", (unsigned long long)v);
		break;
	case FIELD_PERCENT:
		snprintf(out, len, human ? "%llu%%" : "%llu", (unsigned long long)v);
		break;
	default:
		snprintf(out, len, "%llu", (unsigned long long)v);
	}
}

/* True if the JSON value is a number (nvme-cli writes these kinds as numbers). */
static bool json_numeric(const struct field *f)
{
	return f->kind == FIELD_UINT || f->kind == FIELD_HEX || f->kind == FIELD_IEEE ||
	       f->kind == FIELD_KELVIN || f->kind == FIELD_PERCENT;
}

void fields_json(struct json *j, const struct field *f, size_t n, const void *data)
{
	const uint8_t *base = data;
	char text[80];

	for (size_t i = 0; i < n; i++) {
		json_key(j, f[i].key);
		if (json_numeric(&f[i])) {
			json_uint(j, field_le(base + f[i].offset, f[i].size));
			continue;
		}
		field_text(&f[i], base + f[i].offset, false, text, sizeof(text));
		json_string(j, text);
	}
}

void fields_print(FILE *out, const struct field *f, size_t n, const void *data, int width,
		  bool decode)
{
	const uint8_t *base = data;
	char text[80];

	for (size_t i = 0; i < n; i++) {
		field_text(&f[i], base + f[i].offset, true, text, sizeof(text));
		fprintf(out, "%-*s: %s\n", width, f[i].label ? f[i].label : f[i].key, text);
		if (decode && f[i].size <= 8)
			bits_print(out, f[i].key, field_le(base + f[i].offset, f[i].size));
	}
}

void named_values_json(struct json *j, const struct named_value *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		json_key(j, v[i].key);
		json_uint(j, v[i].value);
	}
}
