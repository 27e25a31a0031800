/* SPDX-License-Identifier: MIT */
/*
 * nvmu perf end to end on the software controller: a verified mixed run passes with 0
 * mismatches, -o json keeps the contract of docs/bench.md (total.iops,
 * total.mean_latency_us), I/Os larger than MDTS are split, several threads and devices
 * report, and bad options are usage errors. The tool is found through $NVMU_EXE.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static char out[1 << 17], err[8192];

/* The text of the file at @p path into @p buf (empty if it cannot be read). */
static void slurp(const char *path, char *buf, size_t size)
{
	FILE *in = fopen(path, "rb");
	size_t n = in ? fread(buf, 1, size - 1, in) : 0;

	buf[n] = '\0';
	if (in)
		fclose(in);
}

/* Run "nvmu perf <args>"; its exit status, stdout in out, stderr in err. */
static int perf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int perf(const char *fmt, ...)
{
	char args[512], cmd[1024], err_path[64];
	const char *exe = getenv("NVMU_EXE");
	va_list ap;
	FILE *p;
	size_t n;
	int status;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(err_path, sizeof(err_path), "/tmp/nvmu-perf-err-%d", (int)getpid());
	snprintf(cmd, sizeof(cmd), "'%s' perf %s 2>'%s' </dev/null", exe ? exe : "nvmu", args,
		 err_path);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	status = pclose(p);
	slurp(err_path, err, sizeof(err));
	unlink(err_path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Start "nvmu perf -t 60 -q 4 -o @p format soft:", send it SIGINT after 1.5 s (as Ctrl-C
 * does) and wait; its exit status, stdout in out. No shell: it would take the signal. */
static int perf_interrupted(const char *format)
{
	char out_path[] = "/tmp/nvmu-perf-out-XXXXXX";
	const char *exe = getenv("NVMU_EXE");
	struct timespec wait = { 1, 500000000 };
	int fd = mkstemp(out_path), status = -1;
	pid_t pid;

	if (fd < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fd, STDOUT_FILENO);
		execl(exe ? exe : "nvmu", "nvmu", "perf", "-t", "60", "-q", "4", "-o", format,
		      "soft:", (char *)NULL);
		_exit(127);
	}
	close(fd);
	nanosleep(&wait, NULL);
	if (pid > 0) {
		kill(pid, SIGINT);
		waitpid(pid, &status, 0);
	}
	slurp(out_path, out, sizeof(out));
	unlink(out_path);
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

/* A mixed run reports each direction: the reads' and the writes' IOPS add up to the
 * total's, each has its own latencies; the text shows them on lines of their own. */
TEST(mixed_workload_reports_reads_and_writes_apart)
{
	const char *total, *rd, *wr;
	double sum;

	CHECK_EQ(perf("soft:mode=step -t 1 -w randrw -M 70 -q 8 -o json"), 0);
	total = strstr(out, "\"total\": {");
	rd = total ? strstr(total, "\"read\": {") : NULL;
	wr = total ? strstr(total, "\"write\": {") : NULL;
	CHECK(rd != NULL && wr != NULL);
	if (!rd || !wr)
		return;
	CHECK(json_num(rd, "ios") > json_num(wr, "ios")); /* 70 % reads */
	CHECK(json_num(wr, "ios") > 0);
	sum = json_num(rd, "iops") + json_num(wr, "iops");
	CHECK(sum > 0.99 * json_num(total, "iops") && sum < 1.01 * json_num(total, "iops"));
	CHECK(json_num(rd, "mean_latency_us") > 0 && json_num(wr, "mean_latency_us") > 0);
	CHECK(json_num(wr, "p99_us") >= json_num(wr, "p50_us"));
	CHECK_EQ(perf("soft: -t 1 -w rw -q 4"), 0);
	CHECK_STR_CONTAINS(out, "\n  read ");
	CHECK_STR_CONTAINS(out, "\n  write ");
	CHECK_EQ(perf("soft: -t 1 -w randread -q 4"), 0);
	CHECK(strstr(out, "\n  read ") == NULL); /* one direction: one line */
}

/* --cpus pins the jobs to the CPUs listed, in turn; a CPU the process may not use, or a
 * malformed list, is a usage error. */
TEST(cpus_choose_where_threads_run)
{
	CHECK_EQ(perf("soft: -t 1 -q 2 --threads 2 --cpus 0 -o json"), 0);
	CHECK_STR_CONTAINS(out, "\"thread\": 0,\n      \"cpu\": 0,");
	CHECK_STR_CONTAINS(out, "\"thread\": 1,\n      \"cpu\": 0,");
	CHECK_EQ(perf("soft: -t 1 --cpus 99999"), 2);
	CHECK_STR_CONTAINS(err, "CPU 99999 is not one this process may run on");
	CHECK_EQ(perf("soft: -t 1 --cpus 1-0"), 2);
	CHECK_EQ(perf("soft: -t 1 --cpus 0,"), 2);
	CHECK_EQ(perf("soft: -t 1 --cpus x"), 2);
	CHECK_STR_CONTAINS(err, "expected a list of CPUs such as 0-3,6");
}

/* --yield: two jobs on one CPU give it to each other when they have nothing to reap; both
 * make progress and every block read back checks out. With --irq it is a usage error. */
TEST(yield_lets_jobs_share_a_cpu)
{
	CHECK_EQ(perf("soft: -t 1 -q 4 -w randrw --verify --threads 2 --cpus 0 --yield "
		      "-o json"), 0);
	CHECK(json_num(strstr(out, "\"thread\": 0"), "ios") > 0);
	CHECK(json_num(strstr(out, "\"thread\": 1"), "ios") > 0);
	CHECK_EQ(perf("soft: -t 1 --irq --yield"), 2);
	CHECK_STR_CONTAINS(err, "--yield is for polling");
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
	CHECK_EQ(perf("-t 1 --dbbuf --no-dbbuf soft:"), 2);
	CHECK_STR_CONTAINS(err, "contradict");
	CHECK_EQ(perf("-t 1 -q 2 --dbbuf soft:"), 0);
}

/* Ctrl-C ends the run early: the report says so and gives the time measured, and the exit
 * status is the shell's for SIGINT, so a script does not take it for a full run. */
TEST(interrupted_run_says_so)
{
	double s;

	CHECK_EQ(perf_interrupted("json"), 130);
	CHECK_STR_CONTAINS(out, "\"interrupted\": true");
	s = json_num(out, "measured_s"); /* 1.5 s less the start, which a sanitizer slows */
	CHECK(s > 0 && s < 30);
	CHECK(json_num(strstr(out, "\"total\""), "seconds") < 30);
	CHECK_EQ(perf_interrupted("normal"), 130);
	CHECK_STR_CONTAINS(out, "interrupted by SIGINT after ");
	CHECK_STR_CONTAINS(out, " s of the 60 s asked for");
	/* A run that is not interrupted says that too. */
	CHECK_EQ(perf("-t 1 -q 4 -o json soft:"), 0);
	CHECK_STR_CONTAINS(out, "\"interrupted\": false");
	CHECK(json_num(out, "measured_s") >= 0.9);
}

/* Resets run from --reset-interval after the start to a second before the end: an
 * interval that cannot fire in that window would test nothing, and is refused. */
TEST(reset_interval_must_fit_the_run)
{
	CHECK_EQ(perf("-t 10 --reset-interval 10 soft:"), 2);
	CHECK_STR_CONTAINS(err, "--reset-interval 10 would never reset");
	CHECK_EQ(perf("-t 2 --reset-interval 1 soft:"), 2);
	CHECK_EQ(perf("-t 2 -a 1 --reset-interval 1 -q 4 -o json soft:"), 0);
	CHECK(json_num(strstr(out, "\"devices\""), "resets") >= 1);
}

/* Queues are sized to what the controller allows (CAP.MQES + 1), with a note when that
 * limits the queue depth; the other I/Os wait in the host. */
TEST(queues_fit_the_device)
{
	CHECK_EQ(perf("soft:mqes=1 -q 8 -t 1"), 0);
	CHECK_STR_CONTAINS(err, "soft:mqes=1: the controller's queues hold 2 entries (CAP.MQES "
			   "1): each thread has 1 command in the device at a time instead of 8");
	CHECK_EQ(perf("soft:mqes=15 -q 4 -b 1m -t 1 -w randread"), 0); /* 8 commands an I/O */
	CHECK_STR_CONTAINS(err, "16 entries (CAP.MQES 15): each thread has 15 commands in the "
			   "device at a time instead of 32");
	CHECK_EQ(perf("soft:mqes=63 -q 8 -t 1"), 0);
	CHECK(strstr(err, "CAP.MQES") == NULL);
}

RUN_TESTS(T(verified_randrw_passes), T(json_keeps_the_bench_contract),
	  T(mixed_workload_reports_reads_and_writes_apart), T(cpus_choose_where_threads_run),
	  T(yield_lets_jobs_share_a_cpu),
	  T(large_io_is_split_and_verified), T(threads_and_devices_report_each),
	  T(bad_options_are_usage_errors), T(interrupted_run_says_so),
	  T(reset_interval_must_fit_the_run), T(queues_fit_the_device))
