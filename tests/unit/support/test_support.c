/* SPDX-License-Identifier: MIT */
/* Unit tests for the support layer: error messages, log sink, deadlines, memory. */
#include <errno.h>
#include <stdint.h>

#include "check.h"
#include "nvmu/support.h"

TEST(fail_sets_message_and_returns_negative_errno)
{
	CHECK_EQ(nvmu_fail(ENODEV, "device %s is gone", "0000:00:10.0"), -ENODEV);
	CHECK(strcmp(nvmu_last_error(), "device 0000:00:10.0 is gone") == 0);
	CHECK_EQ(nvmu_fail_context(ENODEV, "open %s", "x"), -ENODEV);
	CHECK(strcmp(nvmu_last_error(), "open x: device 0000:00:10.0 is gone") == 0);
	nvmu_clear_error();
	CHECK(nvmu_last_error()[0] == '\0');
}

static int sink_calls;
static enum nvmu_log_level sink_level;
static char sink_msg[128];

static void test_sink(void *ctx, enum nvmu_log_level level, const char *msg)
{
	CHECK(ctx == &sink_calls);
	sink_calls++;
	sink_level = level;
	snprintf(sink_msg, sizeof(sink_msg), "%s", msg);
}

TEST(log_sink_and_level_filter)
{
	nvmu_log_set_sink(test_sink, &sink_calls);
	nvmu_log_set_level(NVMU_LOG_INFO);
	nvmu_log(NVMU_LOG_INFO, "hello %d", 7);
	CHECK_EQ(sink_calls, 1);
	CHECK_EQ(sink_level, NVMU_LOG_INFO);
	CHECK(strcmp(sink_msg, "hello 7") == 0);
	nvmu_log(NVMU_LOG_DEBUG, "dropped");
	CHECK_EQ(sink_calls, 1);
	nvmu_log_set_sink(NULL, NULL);
}

TEST(deadlines_pass)
{
	uint64_t now = nvmu_now_ns();
	uint64_t dl = nvmu_deadline_ms(5);

	CHECK(dl >= now + 5000000ull);
	CHECK(!nvmu_deadline_passed(dl));
	nvmu_sleep_us(6000);
	CHECK(nvmu_deadline_passed(dl));
}

TEST(memory_is_page_aligned_and_zeroed)
{
	void *p = NULL;
	size_t page = nvmu_page_size();

	CHECK_EQ(nvmu_mem_alloc(page + 1, 0, &p), 0);
	CHECK(((uintptr_t)p & (page - 1)) == 0);
	CHECK(((unsigned char *)p)[page] == 0);
	nvmu_mem_free(p, page + 1, 0);
	CHECK_EQ(nvmu_mem_alloc(0, 0, &p), -EINVAL);
	CHECK_EQ(nvmu_align_up(4097, 4096), 8192);
}

/* One number syntax for the tool and soft: options: decimal (never octal) or 0x hex, and
 * binary units where a size is taken. */
TEST(numbers_are_decimal_or_hex_with_units)
{
	uint64_t v = 7;

	CHECK_EQ(nvmu_parse_u64("010", false, &v), 0);
	CHECK_EQ(v, 10);
	CHECK_EQ(nvmu_parse_u64("08", false, &v), 0);
	CHECK_EQ(v, 8);
	CHECK_EQ(nvmu_parse_u64("0X1f", false, &v), 0);
	CHECK_EQ(v, 31);
	CHECK_EQ(nvmu_parse_u64("4k", true, &v), 0);
	CHECK_EQ(v, 4096);
	CHECK_EQ(nvmu_parse_u64("0x10M", true, &v), 0);
	CHECK_EQ(v, 16ull << 20);
	CHECK_EQ(nvmu_parse_u64("2T", true, &v), 0);
	CHECK_EQ(v, 2ull << 40);
	v = 7;
	CHECK_EQ(nvmu_parse_u64("4k", false, &v), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "'4k' is not a number");
	CHECK_EQ(nvmu_parse_u64("4kb", true, &v), -EINVAL);
	CHECK_EQ(nvmu_parse_u64("k", true, &v), -EINVAL);
	CHECK_EQ(nvmu_parse_u64("-1", false, &v), -EINVAL);
	CHECK_EQ(nvmu_parse_u64(" 1", false, &v), -EINVAL);
	CHECK_EQ(nvmu_parse_u64("0x", false, &v), -EINVAL);
	CHECK_EQ(nvmu_parse_u64("0x0x1", false, &v), -EINVAL);
	CHECK_EQ(nvmu_parse_u64("", false, &v), -EINVAL);
	CHECK_EQ(nvmu_parse_u64("18446744073709551616", false, &v), -ERANGE);
	CHECK_EQ(nvmu_parse_u64("16777216T", true, &v), -ERANGE);
	CHECK_EQ(v, 7);
}

RUN_TESTS(T(fail_sets_message_and_returns_negative_errno), T(log_sink_and_level_filter),
	  T(deadlines_pass), T(memory_is_page_aligned_and_zeroed),
	  T(numbers_are_decimal_or_hex_with_units))
