/* SPDX-License-Identifier: MIT */
/*
 * nvmu perf: the verb. Parses the options, attaches the devices and builds the jobs
 * (perf_setup.c), runs one pinned thread per job (perf_run.c), prints a progress line
 * every second on a terminal, then the summary (perf_report.c).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device.h"
#include "perf.h"
#include "verbs.h"

static volatile bool stop_requested;
static volatile sig_atomic_t caught_signal; /* SIGINT or SIGTERM that ended the run early */
static unsigned running; /* job threads still running (atomic) */

static void on_signal(int sig)
{
	caught_signal = sig;
	stop_requested = true;
}

/* Ctrl-C (or SIGTERM) ends the run early but still reports it. The handler is reset on
 * the first signal, so a second one kills the tool when draining hangs on a device. */
static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESETHAND };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static void *job_thread(void *arg)
{
	perf_job_run(arg);
	__atomic_sub_fetch(&running, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Start job @j's thread, pinned to its CPU. Returns 0 or EXIT_FAILED. */
static int start_job(struct perf_job *j)
{
	pthread_attr_t attr;
	cpu_set_t set;
	int ret;

	pthread_attr_init(&attr);
	if (j->cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(j->cpu, &set);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	}
	ret = pthread_create(&j->thread, &attr, job_thread, j);
	pthread_attr_destroy(&attr);
	if (ret) {
		fprintf(stderr, "nvmu perf: cannot start a thread: %s\n", strerror(ret));
		return EXIT_FAILED;
	}
	return 0;
}

/* --reset-interval: reset every device now, timing each; a removed device stops its jobs. */
static void reset_devices(const struct perf_opts *o, struct perf_dev *devs)
{
	for (unsigned i = 0; i < o->ndevs; i++) {
		struct perf_dev *d = &devs[i];
		uint64_t t = perf_mono_ns(), us;

		if (d->removed)
			continue;
		if (nvmu_host_reset(d->h) < 0) {
			fprintf(stderr, "nvmu perf: %s: reset failed: %s\n", d->name,
				nvmu_last_error());
			if (nvmu_host_state(d->h) == NVMU_CTRL_REMOVED)
				d->removed = true;
			continue;
		}
		us = (perf_mono_ns() - t) / 1000u;
		d->resets++;
		d->reset_us_total += us;
		if (us > d->reset_us_max)
			d->reset_us_max = us;
	}
}

/* Until the jobs end: a progress line each second on a terminal (stderr), resets every
 * --reset-interval seconds, and a watch for removed devices. */
static void watch(const struct perf_opts *o, struct perf_dev *devs, struct perf_job *jobs,
		  unsigned njobs)
{
	bool tty = isatty(STDERR_FILENO), printed = false;
	uint64_t last = 0, t0 = perf_mono_ns(), prev = t0;
	uint64_t next_reset = t0 + o->reset_interval_s * 1000000000ull;
	/* Resets stop a second before the run ends: a job that has finished no longer polls,
	 * and a reset waits for every job's queue pair to pause. */
	uint64_t last_reset = t0 + (o->warmup_s + o->runtime_s - 1) * 1000000000ull;
	struct timespec tick = { 0, 100000000 };

	while (__atomic_load_n(&running, __ATOMIC_ACQUIRE)) {
		uint64_t now, sum = 0;

		nanosleep(&tick, NULL);
		now = perf_mono_ns();
		for (unsigned i = 0; i < o->ndevs; i++)
			if (nvmu_host_state(devs[i].h) == NVMU_CTRL_REMOVED)
				devs[i].removed = true;
		if (o->reset_interval_s && now >= next_reset && now < last_reset &&
		    !stop_requested && __atomic_load_n(&running, __ATOMIC_ACQUIRE) == njobs) {
			reset_devices(o, devs);
			next_reset = perf_mono_ns() + o->reset_interval_s * 1000000000ull;
		}
		if (!tty || now - prev < 1000000000u)
			continue;
		for (unsigned k = 0; k < njobs; k++)
			sum += __atomic_load_n(&jobs[k].progress, __ATOMIC_RELAXED);
		fprintf(stderr, "\r[%4llu/%u s] %12.0f IOPS %10.1f MiB/s ",
			(unsigned long long)((now - t0) / 1000000000u), o->warmup_s + o->runtime_s,
			(double)(sum - last) * 1e9 / (double)(now - prev),
			(double)(sum - last) * perf_bs(o, jobs[0].dev) * 1e9 /
				(double)(now - prev) / (1024.0 * 1024.0));
		last = sum;
		prev = now;
		printed = true;
	}
	if (printed)
		fputc('\n', stderr);
}

/* The jobs' errors and mismatches, on stderr; true if the run failed. */
static bool report_failures(const struct perf_opts *o, const struct perf_dev *devs,
			    const struct perf_job *jobs)
{
	bool failed = false;

	for (unsigned i = 0; i < o->ndevs; i++) {
		if (devs[i].removed) {
			fprintf(stderr, "nvmu perf: %s: the device was removed during the run "
				"(%s); the results cover the time before\n", devs[i].name,
				nvmu_ctrl_reason(nvmu_host_core(devs[i].h)));
			failed = true;
		}
	}

	for (unsigned k = 0; k < o->ndevs * o->threads; k++) {
		const struct perf_job *j = &jobs[k];

		if (j->err || j->st.errors) {
			fprintf(stderr, "nvmu perf: %s thread %u: %llu I/O errors; %s\n",
				j->dev->name, j->index, (unsigned long long)j->st.errors,
				j->errmsg);
			failed = true;
		}
		if (j->st.mismatches) {
			fprintf(stderr, "nvmu perf: %s thread %u: %llu verify mismatches\n",
				j->dev->name, j->index, (unsigned long long)j->st.mismatches);
			failed = true;
		}
	}
	return failed;
}

static int run_perf(int argc, char **argv)
{
	struct perf_opts o;
	struct perf_clock clock;
	static struct perf_dev devs[PERF_MAX_DEVS];
	struct perf_job *jobs = NULL;
	unsigned njobs, started = 0;
	int ret;

	if ((ret = perf_parse_opts(argc, argv, &o)))
		return ret;
	njobs = o.ndevs * o.threads;
	jobs = calloc(njobs, sizeof(*jobs));
	if (!jobs) {
		fprintf(stderr, "nvmu perf: out of memory\n");
		return EXIT_FAILED;
	}
	perf_clock_init(&clock, o.clock);
	catch_signals();
	ret = perf_setup(&o, &clock, devs, jobs, &stop_requested);
	__atomic_store_n(&running, njobs, __ATOMIC_RELEASE);
	for (; ret == 0 && started < njobs; started++)
		ret = start_job(&jobs[started]);
	if (ret) {
		stop_requested = true;
		__atomic_sub_fetch(&running, njobs - started, __ATOMIC_RELEASE);
	}
	watch(&o, devs, jobs, njobs);
	for (unsigned k = 0; k < started; k++)
		pthread_join(jobs[k].thread, NULL);
	perf_clock_recalibrate(&clock);
	if (ret == 0) {
		perf_report(&o, &clock, devs, jobs, caught_signal);
		fflush(stdout);
		/* A failure matters more than the interruption; an interrupted run exits as a
		 * shell reports a command the signal ended (130 for SIGINT), so a script does
		 * not take a shortened run for the one it asked for. */
		if (report_failures(&o, devs, jobs))
			ret = EXIT_FAILED;
		else if (caught_signal)
			ret = 128 + caught_signal;
	}
	perf_teardown(&o, devs, jobs);
	free(jobs);
	return ret;
}

const struct nvmu_verb nvmu_verb_perf = {
	.name = "perf",
	.summary = "measure I/O performance (IOPS, latency percentiles), optionally verifying data",
	.usage =
	"Usage: nvmu perf [options] <dev>...\n"
	"\n"
	"Keeps -q I/Os in flight on each device from each thread (its own queue pair, pinned\n"
	"to a CPU, round-robin over the CPUs the process may use) for -t seconds after -a\n"
	"seconds of warm-up, then prints IOPS, MiB/s, mean/min/max latency and percentiles\n"
	"(p50, p90, p99, p99.9, p99.99) per thread, per device and in total.\n"
	"\n"
	DEVICE_HELP
	"\n"
	"Options:\n"
	"  -w, --workload W        read, write, randread (default), randwrite, rw, randrw\n"
	"  -M, --rwmixread PCT     reads in percent for rw/randrw (default 50)\n"
	"  -b, --block-size N      bytes per I/O, a multiple of the LBA size (4096, 4k, 1m;\n"
	"                          default 4096, or the LBA size if larger); larger than MDTS\n"
	"                          is split by the host API\n"
	"  -q, --queue-depth N     I/Os in flight per thread (default 32)\n"
	"  -t, --time S            measured seconds (default 10)\n"
	"  -a, --warmup S          seconds of warm-up, not measured (default 0)\n"
	"  -n, --namespace-id ID   namespace (default: the first active one)\n"
	"      --threads N         threads per device, each with its own queue pair (default 1)\n"
	"      --cpus LIST         the CPUs the threads run on, in turn (\"0-3,6\"; default:\n"
	"                          every CPU the process may use)\n"
	"      --irq               wait for completion interrupts (eventfd + poll) instead of\n"
	"                          polling\n"
	"      --yield             when a poll finds no completion, give the CPU to another\n"
	"                          runnable thread (sched_yield(): a system call only when\n"
	"                          there is nothing to reap), so that processes sharing a CPU\n"
	"                          take turns as soon as one waits; under SCHED_FIFO or\n"
	"                          SCHED_RR (chrt) the turn is always given, under the normal\n"
	"                          policy only to a thread that has not run much longer\n"
	"      --no-dbbuf          do not use shadow doorbells (Doorbell Buffer Config)\n"
	"      --dbbuf             use them even on a controller known to gain nothing from\n"
	"                          them (QEMU's emulated one; see docs/bench.md)\n"
	"      --sgl               describe data with SGLs instead of PRPs\n"
	"      --verify            tag every written block with its LBA, a generation and a\n"
	"                          checksum, and check every block read back against the\n"
	"                          generation last written there; a mismatch is printed with\n"
	"                          its LBA and fails the run (needs a device that stores data)\n"
	"      --reset-interval S  reset each controller every S seconds while I/O runs (the\n"
	"                          recovery path under load; with --verify, checks that no\n"
	"                          acknowledged write is lost); sets --retries 4. Resets stop\n"
	"                          a second before the run ends, so S must be under -a + -t - 1\n"
	"      --retries N         repost an I/O up to N times after a reset or an error\n"
	"                          status without Do Not Retry (default 0)\n"
	"      --timeout MS        deadline of each I/O (default: the driver's, 30 s)\n"
	"      --sriov-vfs N       the device is an SR-IOV PF: enable N VFs on it first, as\n"
	"                          `nvmu sriov enable` does (even share of the resources; the\n"
	"                          token is --vf-token or a random one), print their lines,\n"
	"                          the token and \"ready\" on stderr, run on the PF while other\n"
	"                          processes use the VFs, and at the end wait up to 60 s for\n"
	"                          them to close the VFs before tearing the VFs down\n"
	"      --clock C           latency clock: tsc (default on x86: rdtsc, calibrated against\n"
	"                          CLOCK_MONOTONIC; never a system call) or monotonic\n"
	"                          (clock_gettime: a vDSO call only while the kernel's "
	"clocksource\n"
	"                          is the TSC; in a QEMU TCG guest it is often a system call)\n"
	DEVICE_OUTPUT_HELP
	"\n"
	"The I/O loop makes no system call in polled mode (but --yield's when it waits):\n"
	"each completion reads the clock (rdtsc or the vDSO) and starts the slot's next I/O\n"
	"while others are in flight (the last one after the poll), and the doorbell rings\n"
	"once per poll.\n"
	"JSON (-o json) has \"total\": {\"iops\", \"mean_latency_us\", ...}, \"devices\" and\n"
	"\"jobs\" with the same numbers, and \"clock\". Each has \"read\" and \"write\" too:\n"
	"the IOPS, MiB/s, latency and percentiles of each direction; the text report shows\n"
	"them on lines of their own for rw and randrw.\n"
	"\n"
	"A device that goes away during the run (hot-remove) ends its jobs at once: the run\n"
	"stops with a message and exit status 1.\n"
	"\n"
	"Ctrl-C (SIGINT) or SIGTERM ends the run early: the report covers the time measured\n"
	"and says it was interrupted (JSON \"interrupted\": true, \"measured_s\"); a second\n"
	"Ctrl-C quits at once.\n"
	"\n"
	"Exit status: 0 on success, 1 if a device cannot be used, an I/O failed, a device was\n"
	"removed or --verify found a mismatch, 2 on a usage error, 128 + the signal (130 for\n"
	"Ctrl-C, 143 for SIGTERM) if a signal ended an otherwise good run early.\n",
	.run = run_perf,
};
