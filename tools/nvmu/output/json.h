/* SPDX-License-Identifier: MIT */
/*
 * A small streaming JSON writer with indentation. Calls must nest properly: inside an
 * object, each value is preceded by json_key(); inside an array, values come bare.
 */
#ifndef NVMU_TOOL_JSON_H
#define NVMU_TOOL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json {
	FILE *out;
	int depth;
	bool has_items[JSON_MAX_DEPTH]; /* a value was already written at this depth */
	bool after_key;                 /* a key was written; its value comes next */
};

/* Start a document written to @p out. */
void json_init(struct json *j, FILE *out);
/* Finish the document (a final newline). */
void json_finish(struct json *j);

void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);

/* The key of the next value in an object. */
void json_key(struct json *j, const char *key);

/* A string value, escaped as JSON requires; NULL writes null. */
void json_string(struct json *j, const char *s);
void json_int(struct json *j, long long v);
void json_uint(struct json *j, unsigned long long v);
void json_bool(struct json *j, bool v);
/* A number with up to @decimals digits after the point (JSON has no NaN/inf: null). */
void json_double(struct json *j, double v, int decimals);
void json_null(struct json *j);

/* Write @p s as a quoted, escaped JSON string (no separators or indentation). */
void json_write_escaped(FILE *out, const char *s);

#endif
