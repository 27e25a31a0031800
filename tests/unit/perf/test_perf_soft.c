/* SPDX-License-Identifier: MIT */
/*
 * nvmu perf end to end on the software controller: a verified mixed run passes with 0
 * mismatches, -o json keeps the contract of docs/bench.md (total.iops,
 * total.mean_latency_us), I/Os larger than MDTS are split, several threads and devices
 * report, and bad options are usage errors. The tool is found through $NVMU_EXE.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "check.h"

static char out[1 << 17];

/* Run "nvmu perf <args>" (stderr to /dev/null); its exit status, stdout in out. */
static int perf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int perf(const char *fmt, ...)
{
	char args[512], cmd[1024];
	const char *exe = getenv("NVMU_EXE");
	va_list ap;
	FILE *p;
	size_t n;
	int status;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "'%s' perf %s 2>/dev/null </dev/null", exe ? exe : "nvmu", args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The number after "key": in out (first occurrence after @from), or -1. */
static double json_num(const char *from, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	p = from ? strstr(from, pat) : NULL;
	return p ? strtod(p + strlen(pat), NULL) : -1;
}

TEST(verified_randrw_passes)
{
	CHECK_EQ(perf("soft: -t 1 -w randrw -q 16 --verify"), 0);
	CHECK_STR_CONTAINS(out, ", 0 mismatches");
	CHECK_STR_CONTAINS(out, "total");
}

TEST(json_keeps_the_bench_contract)
{
	const char *total;

	CHECK_EQ(perf("soft:mode=step -t 1 -a 1 -w randread -b 4096 -q 32 -o json"), 0);
	total = strstr(out, "\"total\": {");
	CHECK(total != NULL);
	CHECK(json_num(total, "iops") > 0);
	CHECK(json_num(total, "mean_latency_us") > 0);
	CHECK(json_num(total, "p99_us") >= json_num(total, "p50_us"));
	CHECK_STR_CONTAINS(out, "\"clock\": \"");
	CHECK_EQ(json_num(total, "mismatches"), 0);
}

TEST(large_io_is_split_and_verified)
{
	/* soft's MDTS 5 is 128 KiB: 1 MiB I/Os are split by the host API. */
	CHECK_EQ(perf("soft:mode=step,size=256M -t 1 -w randrw -b 1m -q 4 --verify"), 0);
	CHECK_STR_CONTAINS(out, "1048576-byte I/Os");
	CHECK_STR_CONTAINS(out, ", 0 mismatches");
}

TEST(threads_and_devices_report_each)
{
	CHECK_EQ(perf("--threads 2 -t 1 -q 4 -w write --irq soft: soft:lbs=4096 -o json"), 0);
	CHECK_STR_CONTAINS(out, "\"device\": \"soft:lbs=4096\"");
	CHECK_STR_CONTAINS(out, "\"thread\": 1");
	CHECK_STR_CONTAINS(out, "\"completion\": \"interrupts\"");
	CHECK(json_num(strstr(out, "\"total\""), "writes") > 0);
}

TEST(bad_options_are_usage_errors)
{
	CHECK_EQ(perf("--help"), 0);
	CHECK_STR_CONTAINS(out, "Usage: nvmu perf");
	CHECK_EQ(perf("-w sideways soft:"), 2);
	CHECK_EQ(perf("-q 0 soft:"), 2);
	CHECK_EQ(perf("-M 30 -w randread soft:"), 2);
	CHECK_EQ(perf("-t 1"), 2);                 /* no device */
	CHECK_EQ(perf("-t 1 -b 1000 soft:"), 2);   /* not a multiple of 512 */
	CHECK_EQ(perf("-t 1 -n 9 soft:"), 1);      /* no such namespace */
	CHECK_EQ(perf("-t 1 --clock sundial soft:"), 2);
}

RUN_TESTS(T(verified_randrw_passes), T(json_keeps_the_bench_contract),
	  T(large_io_is_split_and_verified), T(threads_and_devices_report_each),
	  T(bad_options_are_usage_errors))
