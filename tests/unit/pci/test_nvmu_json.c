/* SPDX-License-Identifier: MIT */
/* Unit test of the tool's JSON writer: nesting, separators, escaping. */
#include "check.h"
#include "output/json.h"

/* Run @p fn writing to a memory buffer and return what it wrote (static buffer). */
static const char *capture(void (*fn)(struct json *))
{
	static char buf[4096];
	FILE *out = fmemopen(buf, sizeof(buf), "w");
	struct json j;

	json_init(&j, out);
	fn(&j);
	json_finish(&j);
	fclose(out);
	return buf;
}

static void nested(struct json *j)
{
	json_object_begin(j);
	json_key(j, "Devices");
	json_array_begin(j);
	json_object_begin(j);
	json_key(j, "A");
	json_string(j, "x");
	json_key(j, "N");
	json_int(j, -3);
	json_key(j, "B");
	json_bool(j, true);
	json_key(j, "Z");
	json_string(j, NULL);
	json_object_end(j);
	json_object_begin(j);
	json_object_end(j);
	json_array_end(j);
	json_key(j, "Empty");
	json_array_begin(j);
	json_array_end(j);
	json_object_end(j);
}

TEST(nesting_and_separators)
{
	const char *want = "{\n"
			   "  \"Devices\": [\n"
			   "    {\n"
			   "      \"A\": \"x\",\n"
			   "      \"N\": -3,\n"
			   "      \"B\": true,\n"
			   "      \"Z\": null\n"
			   "    },\n"
			   "    {}\n"
			   "  ],\n"
			   "  \"Empty\": []\n"
			   "}\n";
	const char *got = capture(nested);

	if (strcmp(got, want)) {
		fprintf(stderr, "got:\n%s\nwant:\n%s\n", got, want);
		check_failures++;
	}
}

static void escapes(struct json *j)
{
	json_array_begin(j);
	json_string(j, "q\"b\\s/n\nt\tr\rc\x01\x1f" "d\x7f" "é");
	json_array_end(j);
}

TEST(strings_are_escaped)
{
	const char *got = capture(escapes);

	CHECK(strcmp(got, "[\n  \"q\\\"b\\\\s/n\\nt\\tr\\rc\\u0001\\u001fd\\u007f\xc3\xa9\"\n]\n") == 0);
}

RUN_TESTS(T(nesting_and_separators), T(strings_are_escaped))
