/* SPDX-License-Identifier: MIT */
/*
 * Field tables: how to show the fields of a little-endian NVMe data structure (identify
 * data, log pages) both as nvme-cli-compatible JSON and as "name : value" lines. One
 * table per structure drives both outputs, so they never disagree.
 */
#ifndef NVMU_TOOL_FIELDS_H
#define NVMU_TOOL_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

enum field_kind {
	FIELD_UINT,    /* little-endian integer of 1, 2, 4 or 8 bytes, decimal */
	FIELD_HEX,     /* the same, shown in hex in human output (JSON: a number) */
	FIELD_TEXT,    /* fixed-length ASCII (serial, model), kept as is */
	FIELD_CSTR,    /* NUL-terminated string within its size (subnqn) */
	FIELD_U128,    /* 16-byte little-endian counter: a decimal string in JSON */
	FIELD_IEEE,    /* 3-byte IEEE OUI, least significant byte first: a number */
	FIELD_UUID,    /* 16 bytes as 8-4-4-4-12 hex digits */
	FIELD_BYTES,   /* bytes in hex, in order (EUI-64, NGUID) */
	FIELD_KELVIN,  /* temperature in Kelvin: JSON the number, human "N°C (K Kelvin)" */
	FIELD_PERCENT, /* JSON the number, human "N%" */
};

struct field {
	const char *key;   /* nvme-cli's JSON key */
	const char *label; /* label of the human output; NULL means the key */
	uint16_t offset;
	uint16_t size;
	uint8_t kind;      /* enum field_kind */
};

/* A field of struct @p type, member @p member. */
#define FIELD(type, key, member, kind) \
	{ key, NULL, offsetof(type, member), sizeof(((type *)0)->member), kind }
/* The same with a human label different from the key. */
#define FIELD_L(type, key, label, member, kind) \
	{ key, label, offsetof(type, member), sizeof(((type *)0)->member), kind }

/* A value decoded by hand (bit fields, derived values), with its JSON key. */
struct named_value {
	const char *key;
	uint64_t value;
};

/* Write each value as a key and a number into the current JSON object. */
void named_values_json(struct json *j, const struct named_value *v, size_t n);

/* Little-endian unsigned integer of @p size (1..8) bytes at @p p. */
uint64_t field_le(const void *p, size_t size);

/* A 16-byte little-endian number as decimal digits into @p out (at least 40 bytes). */
void field_u128_text(const uint8_t *p, char *out, size_t len);

/*
 * The value of field @p f at @p p as text into @p out: as the text output shows it when
 * @p human (hex, units, "°C"), else as JSON's strings carry it.
 */
void field_text(const struct field *f, const uint8_t *p, bool human, char *out, size_t len);

/* Write each field of @p data as a key and value into the current JSON object. */
void fields_json(struct json *j, const struct field *f, size_t n, const void *data);

/*
 * Print each field as "<label padded to width>: <value>" lines, as nvme-cli does; with
 * @p decode (-H), each followed by its bit fields decoded (bits_print()).
 */
void fields_print(FILE *out, const struct field *f, size_t n, const void *data, int width,
		  bool decode);

#endif
