/* SPDX-License-Identifier: MIT */
/* The tool's option helpers: numbers (decimal, hex, range, garbage) and input files. */
#include <stdint.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"
#include "input_file.h"
#include "verbs.h"

TEST(numbers_in_decimal_and_hex)
{
	uint64_t v = 0;
	uint32_t w = 0;

	CHECK_EQ(cli_parse_u64("t", "-x", "0", 10, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(cli_parse_u64("t", "-x", "4096", UINT64_MAX, &v), 0);
	CHECK_EQ(v, 4096);
	CHECK_EQ(cli_parse_u64("t", "-x", "0x1F", UINT64_MAX, &v), 0);
	CHECK_EQ(v, 31);
	CHECK_EQ(cli_parse_u64("t", "-x", "18446744073709551615", UINT64_MAX, &v), 0);
	CHECK(v == UINT64_MAX);
	CHECK_EQ(cli_parse_u32("t", "-x", "0xffffffff", UINT32_MAX, &w), 0);
	CHECK(w == UINT32_MAX);
	CHECK_EQ(cli_parse_u32("t", "-x", "255", 255, &w), 0);
	CHECK_EQ(w, 255);
}

/* The help says "decimal or 0x hex": a zero-padded number is decimal, never octal, so a
 * padded LBA in a script reaches the block it names. */
TEST(leading_zeros_are_decimal)
{
	uint64_t v = 0;

	CHECK_EQ(cli_parse_u64("t", "-s", "010", UINT64_MAX, &v), 0);
	CHECK_EQ(v, 10);
	CHECK_EQ(cli_parse_u64("t", "-s", "08", UINT64_MAX, &v), 0);
	CHECK_EQ(v, 8);
	CHECK_EQ(cli_parse_u64("t", "-s", "0009", UINT64_MAX, &v), 0);
	CHECK_EQ(v, 9);
	CHECK_EQ(cli_parse_u64("t", "-s", "00", UINT64_MAX, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(cli_parse_u64("t", "-s", "0x010", UINT64_MAX, &v), 0);
	CHECK_EQ(v, 16);
	CHECK_EQ(cli_parse_u64("t", "-s", "0XfF", UINT64_MAX, &v), 0);
	CHECK_EQ(v, 255);
}

TEST(bad_numbers_are_refused_and_leave_the_value)
{
	uint64_t v = 7;
	uint32_t w = 7;

	/* each prints a usage error on stderr (visible in the test log) */
	CHECK_EQ(cli_parse_u64("t", "-x", "", 10, &v), -1);
	CHECK_EQ(cli_parse_u64("t", "-x", "-1", UINT64_MAX, &v), -1);
	CHECK_EQ(cli_parse_u64("t", "-x", " 1", UINT64_MAX, &v), -1);
	CHECK_EQ(cli_parse_u64("t", "-x", "+1", UINT64_MAX, &v), -1);
	CHECK_EQ(cli_parse_u64("t", "-x", "12abc", UINT64_MAX, &v), -1);
	CHECK_EQ(cli_parse_u64("t", "-x", "0x", UINT64_MAX, &v), -1);
	CHECK_EQ(cli_parse_u64("t", "-x", "0x-1", UINT64_MAX, &v), -1);
	CHECK_EQ(cli_parse_u64("t", "-x", "0x+1", UINT64_MAX, &v), -1);
	CHECK_EQ(cli_parse_u64("t", "-x", "0x 1", UINT64_MAX, &v), -1);
	CHECK_EQ(cli_parse_u64("t", "-x", "0x0x1", UINT64_MAX, &v), -1);
	CHECK_EQ(cli_parse_u64("t", "-x", "1e3", UINT64_MAX, &v), -1);
	CHECK_EQ(cli_parse_u64("t", "-x", "18446744073709551616", UINT64_MAX, &v), -1);
	CHECK_EQ(cli_parse_u64("t", "-x", "11", 10, &v), -1);
	CHECK_EQ(v, 7);
	CHECK_EQ(cli_parse_u32("t", "-x", "0x100000000", UINT32_MAX, &w), -1);
	CHECK_EQ(cli_parse_u32("t", "-x", "256", 255, &w), -1);
	CHECK_EQ(w, 7);
}

/* Write @p len bytes of 'x' to a new temporary file; its name goes into @p path. */
static void temp_file(char path[64], size_t len)
{
	int fd;

	snprintf(path, 64, "/tmp/nvmu-tool-cli-XXXXXX");
	fd = mkstemp(path);
	CHECK(fd >= 0);
	for (size_t i = 0; i < len; i++)
		CHECK_EQ(write(fd, "x", 1), 1);
	close(fd);
}

TEST(input_file_must_match_the_size)
{
	char path[64], data[16];

	temp_file(path, 8);
	memset(data, 0, sizeof(data));
	CHECK_EQ(input_file_read("t", path, data, 8), EXIT_OK);
	CHECK(memcmp(data, "xxxxxxxx", 8) == 0);
	CHECK_EQ(input_file_read("t", path, data, 16), EXIT_FAILED); /* shorter */
	CHECK_EQ(input_file_read("t", path, data, 4), EXIT_FAILED);  /* longer */
	unlink(path);
	CHECK_EQ(input_file_read("t", path, data, 8), EXIT_FAILED);  /* gone */
	CHECK_EQ(input_file_read("t", "/tmp", data, 8), EXIT_FAILED); /* a directory */
}

RUN_TESTS(T(numbers_in_decimal_and_hex), T(leading_zeros_are_decimal),
	  T(bad_numbers_are_refused_and_leave_the_value),
	  T(input_file_must_match_the_size))
