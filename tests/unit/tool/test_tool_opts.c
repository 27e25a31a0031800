/* SPDX-License-Identifier: MIT */
/*
 * The verbs' option tables (verb_opts.c): every kind of value, its range, lists, units,
 * flags and the "given" marks, and the device argument after the options. Messages go to
 * stderr; what matters here is what is parsed and the usage status (2).
 */
#include <getopt.h>
#include <stdio.h>

#include "check.h"
#include "verb_opts.h"
#include "verbs.h"

/* Parse the NULL-terminated words of @p args (args[0] the verb) with the test's table. */
#define PARSE(opts, dev, ...)                                                            \
	({                                                                                 \
		char *argv_[] = { __VA_ARGS__, NULL };                                     \
		optind = 0;                                                                \
		opterr = 0;                                                                \
		VERB_PARSE((int)(sizeof(argv_) / sizeof(argv_[0])) - 1, argv_, opts, dev); \
	})

struct vals {
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64, size;
	bool flag, u32_seen;
	const char *str;
	enum cli_format format;
	struct opt_list list;
};

static struct vals v;

static const struct verb_opt table[] = {
	{ 'a', "byte", VOPT_U8, &v.u8, 7, NULL },
	{ 'b', "short", VOPT_U16, &v.u16, 0, NULL },
	{ 'c', "word", VOPT_U32, &v.u32, 0, &v.u32_seen },
	{ 'd', "quad", VOPT_U64, &v.u64, 0, NULL },
	{ 'e', "size", VOPT_SIZE, &v.size, 1ull << 40, NULL },
	{ 'f', "flag", VOPT_FLAG, &v.flag, 0, NULL },
	{ 'g', "text", VOPT_STR, &v.str, 0, NULL },
	{ 'o', "output-format", VOPT_FORMAT, &v.format, 0, NULL },
	{ 'l', "list", VOPT_LIST, &v.list, 1000, NULL },
};

TEST(every_kind_of_value)
{
	const char *dev = NULL;

	v = (struct vals){ 0 };
	CHECK_EQ(PARSE(table, &dev, "t", "-a", "7", "--short=0xffff", "-c", "12", "--quad",
		       "18446744073709551615", "-e", "4k", "-f", "--text=hello", "-o", "json",
		       "--list=1,0x10,999", "soft:"), 0);
	CHECK_EQ(v.u8, 7);
	CHECK_EQ(v.u16, 0xffff);
	CHECK_EQ(v.u32, 12);
	CHECK(v.u32_seen);
	CHECK(v.u64 == UINT64_MAX);
	CHECK_EQ(v.size, 4096);
	CHECK(v.flag);
	CHECK(v.str && !strcmp(v.str, "hello"));
	CHECK_EQ(v.format, CLI_FORMAT_JSON);
	CHECK_EQ(v.list.n, 3);
	CHECK_EQ(v.list.v[1], 16);
	CHECK(dev && !strcmp(dev, "soft:"));
	v = (struct vals){ 0 };
	CHECK_EQ(PARSE(table, &dev, "t", "-e", "1t", "soft:"), 0);
	CHECK(v.size == 1ull << 40);
	CHECK(!v.u32_seen);
}

TEST(values_out_of_range_or_malformed_are_usage_errors)
{
	const char *dev = NULL;

	CHECK_EQ(PARSE(table, &dev, "t", "-a", "8", "soft:"), EXIT_USAGE);   /* max 7 */
	CHECK_EQ(PARSE(table, &dev, "t", "-b", "65536", "soft:"), EXIT_USAGE);
	CHECK_EQ(PARSE(table, &dev, "t", "-c", "0x100000000", "soft:"), EXIT_USAGE);
	CHECK_EQ(PARSE(table, &dev, "t", "-c", "12k", "soft:"), EXIT_USAGE); /* no units */
	CHECK_EQ(PARSE(table, &dev, "t", "-e", "2t", "soft:"), EXIT_USAGE);  /* max 1 TiB */
	CHECK_EQ(PARSE(table, &dev, "t", "-e", "4x", "soft:"), EXIT_USAGE);
	CHECK_EQ(PARSE(table, &dev, "t", "-o", "xml", "soft:"), EXIT_USAGE);
	CHECK_EQ(PARSE(table, &dev, "t", "-l", "1,1001", "soft:"), EXIT_USAGE);
	CHECK_EQ(PARSE(table, &dev, "t", "-l", "1,,x", "soft:"), EXIT_USAGE);
	CHECK_EQ(PARSE(table, &dev, "t", "-l", ",", "soft:"), EXIT_USAGE);
	CHECK_EQ(PARSE(table, &dev, "t", "-z", "soft:"), EXIT_USAGE);       /* unknown */
	CHECK_EQ(PARSE(table, &dev, "t", "-a"), EXIT_USAGE);                /* no value */
}

TEST(exactly_one_device)
{
	const char *dev = NULL;
	char many[OPT_LIST_MAX * 2 + 8];
	size_t n = 0;

	CHECK_EQ(PARSE(table, &dev, "t", "-f"), EXIT_USAGE);
	CHECK_EQ(PARSE(table, &dev, "t", "soft:", "soft:"), EXIT_USAGE);
	/* A list longer than the table holds is refused, not cut. */
	for (unsigned i = 0; i <= OPT_LIST_MAX; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "%s1", i ? "," : "");
	CHECK_EQ(PARSE(table, &dev, "t", "-l", many, "soft:"), EXIT_USAGE);
}

RUN_TESTS(T(every_kind_of_value), T(values_out_of_range_or_malformed_are_usage_errors),
	  T(exactly_one_device))
