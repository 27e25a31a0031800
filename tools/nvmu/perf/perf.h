/* SPDX-License-Identifier: MIT */
/*
 * nvmu perf: objects shared by its files. perf_opts.c parses the command line,
 * perf_setup.c attaches devices and prepares one job (thread + queue pair) per device
 * and thread, perf_run.c is a job's I/O loop, perf_report.c prints the results, perf.c
 * is the verb (threads, progress line).
 */
#ifndef NVMU_TOOL_PERF_H
#define NVMU_TOOL_PERF_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "nvmu/host.h"
#include "nvmu/sriov.h"
#include "perf_clock.h"
#include "perf_hist.h"
#include "perf_workload.h"

#define PERF_MAX_DEVS 16
#define PERF_MAX_THREADS 256
#define PERF_MAX_QD 4096
#define PERF_VERIFY_MAX_UNITS (1ull << 24) /* generation table entries per device */
#define PERF_MAX_REPORTED_MISMATCHES 10    /* per job; the count covers all */
#define PERF_DRAIN_S 10                    /* after the run: wait this long for I/Os in flight */
#define PERF_SRIOV_WAIT_S 60                /* --sriov-vfs: wait for the VFs' users */
#define PERF_RESET_RETRIES 4               /* --retries default with --reset-interval */

/* The command line. */
struct perf_opts {
	const char *devs[PERF_MAX_DEVS];
	unsigned ndevs;
	const char *workload; /* as typed */
	bool random;
	unsigned read_pct;    /* 0..100 */
	uint32_t bs;          /* bytes per I/O (0: 4096, or the LBA size if larger) */
	uint32_t qd;
	uint32_t runtime_s, warmup_s;
	uint32_t nsid;        /* 0: the first active namespace */
	unsigned threads;     /* per device */
	bool irq, no_dbbuf, force_dbbuf, sgl, verify;
	bool yield;           /* sched_yield() when a poll finds nothing */
	uint32_t reset_interval_s; /* 0: none; else reset each device this often */
	uint32_t retries;          /* per I/O: reposts after a reset or retryable error */
	uint32_t timeout_ms;       /* per I/O deadline (0: the driver's default) */
	enum perf_clock_kind clock;
	enum cli_format format;
	uint32_t sriov_vfs;        /* --sriov-vfs: VFs to enable on the (one) device, a PF */
	int cpus[PERF_MAX_THREADS]; /* --cpus: the jobs' CPUs, in turn */
	unsigned ncpus;             /* 0: every CPU the process may use */
};

/* Parse argv (argv[0] = "perf"). Returns 0, or EXIT_USAGE after a message. */
int perf_parse_opts(int argc, char **argv, struct perf_opts *o);

/* Results of a job (also of a device and of the whole run, merged). */
struct perf_stats {
	uint64_t ios, reads, writes, bytes;
	uint64_t errors, mismatches;
	uint64_t ticks; /* measured window */
	struct perf_hist hist[2]; /* latencies of the reads [0] and of the writes [1] */
};

struct perf_dev {
	const char *name;
	struct nvmu_host_ctrl *h;
	struct nvmu_ns *ns;
	uint32_t lba_size;
	uint64_t units;    /* I/O units of -b bytes in the namespace */
	uint32_t *gens;    /* --verify: generation of each unit (of the first
			      PERF_VERIFY_MAX_UNITS); high bit: an I/O is in flight */
	uint64_t gen_units;
	struct nvmu_transport *step; /* soft:...mode=step: the jobs step the controller */
	/* --reset-interval: resets done by the main thread, and how long they took */
	uint64_t resets, reset_us_total, reset_us_max;
	bool removed;      /* the device went away during the run */
	struct nvmu_sriov *sriov; /* --sriov-vfs: the VFs this run enabled on the PF */
};

struct perf_job;

/* One I/O slot of a job: its buffer and the I/O it is doing. */
struct perf_io {
	struct perf_job *job;
	struct nvmu_dma_buf mem; /* as allocated, to free */
	struct nvmu_dma_buf buf; /* the -b bytes the I/O moves (the whole allocation) */
	uint64_t unit;
	uint64_t start; /* clock ticks at submission */
	uint32_t gen;   /* --verify: written or expected generation */
	bool write;
};

struct perf_job {
	const struct perf_opts *o;
	const struct perf_clock *clock;
	struct perf_dev *dev;
	unsigned index;  /* thread number within its device */
	int cpu;         /* pinned to, -1 if not */
	uint32_t seed;
	struct nvmu_host_qpair *qp;
	struct perf_io *ios;
	uint32_t *done;  /* indexes of slots whose I/O completed, to resubmit after the poll */
	uint32_t ndone;
	struct perf_wl wl;
	uint32_t blocks; /* LBAs per I/O */
	struct perf_stats st;
	uint64_t progress;      /* completions so far (read by the progress line) */
	const volatile bool *stop; /* set by the main thread (signal) */
	bool measuring;         /* past the warm-up: completions count */
	bool stopping;          /* the run ended: completions are only drained */
	int err;                /* a setup or submission error, with errmsg */
	char errmsg[256];
	pthread_t thread;
};

/* Bytes per I/O on @d: -b, or 4096 (the LBA size if it is larger). */
uint32_t perf_bs(const struct perf_opts *o, const struct perf_dev *d);

/* Attach every device, check the options against them, build the jobs (queue pairs,
 * buffers, generation tables). Returns 0 or EXIT_FAILED/EXIT_USAGE after a message. */
int perf_setup(const struct perf_opts *o, const struct perf_clock *clock, struct perf_dev *devs,
	       struct perf_job *jobs, const volatile bool *stop);

/* Free what perf_setup() built (also after a failed setup). */
void perf_teardown(const struct perf_opts *o, struct perf_dev *devs, struct perf_job *jobs);

/* A job's thread: warm-up, measured run, drain. */
void *perf_job_run(void *arg);

/* Print the summary (text or JSON) to stdout; @p sig is the signal that ended the run
 * early (SIGINT), or 0. */
void perf_report(const struct perf_opts *o, const struct perf_clock *clock,
		 const struct perf_dev *devs, const struct perf_job *jobs, int sig);

/* Merge @src into @dst (window: the longest of the two). */
void perf_stats_merge(struct perf_stats *dst, const struct perf_stats *src);

#endif
