/* SPDX-License-Identifier: MIT */
/*
 * nvmu perf: the summary — a row per job, per device (with several threads) and the
 * total: IOPS, MiB/s, mean/min/max latency and percentiles; as a table or JSON with
 * "total": {"iops", "mean_latency_us", ...} (the contract of docs/bench.md).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "output/json.h"
#include "perf.h"

static const double pcts[] = { 50, 90, 99, 99.9, 99.99 };
static const char *const pct_keys[] = { "p50_us", "p90_us", "p99_us", "p99.9_us", "p99.99_us" };
#define NPCTS (sizeof(pcts) / sizeof(pcts[0]))

/* Numbers of one row. */
struct row {
	struct perf_stats st;
	struct perf_hist all; /* the latencies of both directions */
	double iops, mib_s;   /* sums of the jobs' own rates */
	double dir_iops[2], dir_mib_s[2]; /* the same for the reads [0] and the writes [1] */
};

static const char *const dir_names[2] = { "read", "write" };

void perf_stats_merge(struct perf_stats *dst, const struct perf_stats *src)
{
	dst->ios += src->ios;
	dst->reads += src->reads;
	dst->writes += src->writes;
	dst->bytes += src->bytes;
	dst->errors += src->errors;
	dst->mismatches += src->mismatches;
	if (src->ticks > dst->ticks)
		dst->ticks = src->ticks;
	perf_hist_merge(&dst->hist[0], &src->hist[0]);
	perf_hist_merge(&dst->hist[1], &src->hist[1]);
}

/* Add job @j to row @r. */
static void row_add(struct row *r, const struct perf_clock *c, const struct perf_job *j)
{
	double s = perf_clock_ns(c, j->st.ticks) / 1e9;

	double io_bytes = (double)j->blocks * j->dev->lba_size;
	uint64_t dir_ios[2] = { j->st.reads, j->st.writes };

	perf_stats_merge(&r->st, &j->st);
	perf_hist_merge(&r->all, &j->st.hist[0]);
	perf_hist_merge(&r->all, &j->st.hist[1]);
	if (s <= 0)
		return;
	r->iops += (double)j->st.ios / s;
	r->mib_s += (double)j->st.bytes / s / (1024.0 * 1024.0);
	for (int d = 0; d < 2; d++) {
		r->dir_iops[d] += (double)dir_ios[d] / s;
		r->dir_mib_s[d] += (double)dir_ios[d] * io_bytes / s / (1024.0 * 1024.0);
	}
}

static void row_init(struct row *r)
{
	memset(r, 0, sizeof(*r));
	perf_hist_reset(&r->st.hist[0]);
	perf_hist_reset(&r->st.hist[1]);
	perf_hist_reset(&r->all);
}

/* A mixed workload reports the reads and the writes apart as well. */
static bool mixed(const struct perf_opts *o)
{
	return o->read_pct != 0 && o->read_pct != 100;
}

static double us(const struct perf_clock *c, uint64_t ticks)
{
	return perf_clock_ns(c, ticks) / 1000.0;
}

static double mean_us(const struct perf_clock *c, const struct perf_hist *h)
{
	return h->count ? us(c, h->sum) / (double)h->count : 0.0;
}

/* One line of the table: the rates and the latencies of @p h. */
static void text_line(const struct perf_clock *c, const char *dev, const char *thr,
		      const char *cpu, double iops, double mib_s, const struct perf_hist *h)
{
	printf("%-20s %3s %5s %11.0f %9.1f %8.1f %8.1f %8.1f", dev, thr, cpu, iops, mib_s,
	       mean_us(c, h), h->count ? us(c, h->min) : 0.0, us(c, h->max));
	for (size_t i = 0; i < NPCTS; i++)
		printf(" %8.1f", us(c, perf_hist_percentile(h, pcts[i])));
	putchar('\n');
}

/* A row, and with a mixed workload its reads and its writes on lines of their own. */
static void text_row(const struct perf_opts *o, const struct perf_clock *c, const char *dev,
		     const char *thr, const char *cpu, const struct row *r)
{
	char label[64];

	text_line(c, dev, thr, cpu, r->iops, r->mib_s, &r->all);
	for (int d = 0; mixed(o) && d < 2; d++) {
		snprintf(label, sizeof(label), "  %s", dir_names[d]);
		text_line(c, label, "", "", r->dir_iops[d], r->dir_mib_s[d], &r->st.hist[d]);
	}
}

/* The latency keys of @p h: mean, min, max and the percentiles, in microseconds. */
static void json_latencies(struct json *js, const struct perf_clock *c, const struct perf_hist *h)
{
	json_key(js, "mean_latency_us");
	json_double(js, mean_us(c, h), 3);
	json_key(js, "min_latency_us");
	json_double(js, h->count ? us(c, h->min) : 0.0, 3);
	json_key(js, "max_latency_us");
	json_double(js, us(c, h->max), 3);
	for (size_t i = 0; i < NPCTS; i++) {
		json_key(js, pct_keys[i]);
		json_double(js, us(c, perf_hist_percentile(h, pcts[i])), 3);
	}
}

static void json_stats(struct json *js, const struct perf_clock *c, const struct row *r)
{
	uint64_t dir_ios[2] = { r->st.reads, r->st.writes };

	json_key(js, "ios");
	json_uint(js, r->st.ios);
	json_key(js, "reads");
	json_uint(js, r->st.reads);
	json_key(js, "writes");
	json_uint(js, r->st.writes);
	json_key(js, "seconds");
	json_double(js, perf_clock_ns(c, r->st.ticks) / 1e9, 3);
	json_key(js, "iops");
	json_double(js, r->iops, 1);
	json_key(js, "mib_s");
	json_double(js, r->mib_s, 2);
	json_latencies(js, c, &r->all);
	json_key(js, "errors");
	json_uint(js, r->st.errors);
	json_key(js, "mismatches");
	json_uint(js, r->st.mismatches);
	/* Each direction apart (as fio's "read" and "write"), whatever the workload. */
	for (int d = 0; d < 2; d++) {
		json_key(js, dir_names[d]);
		json_object_begin(js);
		json_key(js, "ios");
		json_uint(js, dir_ios[d]);
		json_key(js, "iops");
		json_double(js, r->dir_iops[d], 1);
		json_key(js, "mib_s");
		json_double(js, r->dir_mib_s[d], 2);
		json_latencies(js, c, &r->st.hist[d]);
		json_object_end(js);
	}
}

/* What recovery did on device @i: resets by --reset-interval, reposts, timeouts. */
struct recovery {
	uint64_t resets, reposted, timeouts;
	double reset_ms_mean, reset_ms_max;
	bool removed;
};

static struct recovery recovery_of(const struct perf_opts *o, const struct perf_dev *devs,
				   const struct perf_job *jobs, unsigned i)
{
	const struct perf_dev *d = &devs[i];
	struct recovery rc = { .resets = d->resets, .removed = d->removed,
			       .reset_ms_max = d->reset_us_max / 1000.0 };

	rc.reset_ms_mean = d->resets ? d->reset_us_total / 1000.0 / (double)d->resets : 0.0;
	for (unsigned t = 0; t < o->threads; t++) {
		struct nvmu_qpair_stats st;

		nvmu_qpair_stats(nvmu_host_qpair_core(jobs[i * o->threads + t].qp), &st);
		rc.reposted += st.reposted;
		rc.timeouts += st.timeouts;
	}
	return rc;
}

static void json_recovery(struct json *js, const struct recovery *rc)
{
	json_key(js, "resets");
	json_uint(js, rc->resets);
	json_key(js, "reset_ms_mean");
	json_double(js, rc->reset_ms_mean, 3);
	json_key(js, "reset_ms_max");
	json_double(js, rc->reset_ms_max, 3);
	json_key(js, "reposted");
	json_uint(js, rc->reposted);
	json_key(js, "timeouts");
	json_uint(js, rc->timeouts);
	json_key(js, "removed");
	json_bool(js, rc->removed);
}

/* Seconds measured: the longest window of the jobs (shorter than -t after Ctrl-C). */
static double measured_s(const struct perf_opts *o, const struct perf_clock *c,
			 const struct perf_job *jobs)
{
	uint64_t ticks = 0;

	for (unsigned k = 0; k < o->ndevs * o->threads; k++)
		if (jobs[k].st.ticks > ticks)
			ticks = jobs[k].st.ticks;
	return perf_clock_ns(c, ticks) / 1e9;
}

static void report_json(const struct perf_opts *o, const struct perf_clock *c,
			const struct perf_dev *devs, const struct perf_job *jobs, int sig)
{
	unsigned njobs = o->ndevs * o->threads;
	struct json js;
	static struct row r, dev, total;
	struct recovery rc;

	json_init(&js, stdout);
	json_object_begin(&js);
	json_key(&js, "workload");
	json_string(&js, o->workload);
	json_key(&js, "read_pct");
	json_uint(&js, o->read_pct);
	json_key(&js, "block_size");
	json_uint(&js, perf_bs(o, &devs[0]));
	json_key(&js, "queue_depth");
	json_uint(&js, o->qd);
	json_key(&js, "threads");
	json_uint(&js, o->threads);
	json_key(&js, "runtime_s");
	json_uint(&js, o->runtime_s);
	json_key(&js, "warmup_s");
	json_uint(&js, o->warmup_s);
	json_key(&js, "measured_s");
	json_double(&js, measured_s(o, c, jobs), 3);
	json_key(&js, "interrupted");
	json_bool(&js, sig != 0);
	json_key(&js, "completion");
	json_string(&js, o->irq ? "interrupts" : "polled");
	json_key(&js, "clock");
	json_string(&js, perf_clock_name(c->kind));
	json_key(&js, "clock_ticks_per_ns");
	json_double(&js, c->ticks_per_ns, 4);
	json_key(&js, "verify");
	json_bool(&js, o->verify);
	json_key(&js, "jobs");
	json_array_begin(&js);
	for (unsigned k = 0; k < njobs; k++) {
		row_init(&r);
		row_add(&r, c, &jobs[k]);
		json_object_begin(&js);
		json_key(&js, "device");
		json_string(&js, jobs[k].dev->name);
		json_key(&js, "thread");
		json_uint(&js, jobs[k].index);
		json_key(&js, "cpu");
		json_int(&js, jobs[k].cpu);
		json_stats(&js, c, &r);
		json_object_end(&js);
	}
	json_array_end(&js);
	json_key(&js, "devices");
	json_array_begin(&js);
	row_init(&total);
	for (unsigned i = 0; i < o->ndevs; i++) {
		row_init(&dev);
		for (unsigned t = 0; t < o->threads; t++)
			row_add(&dev, c, &jobs[i * o->threads + t]);
		for (unsigned t = 0; t < o->threads; t++)
			row_add(&total, c, &jobs[i * o->threads + t]);
		json_object_begin(&js);
		json_key(&js, "device");
		json_string(&js, devs[i].name);
		json_stats(&js, c, &dev);
		rc = recovery_of(o, devs, jobs, i);
		json_recovery(&js, &rc);
		json_object_end(&js);
	}
	json_array_end(&js);
	json_key(&js, "total");
	json_object_begin(&js);
	json_stats(&js, c, &total);
	json_object_end(&js);
	json_object_end(&js);
	json_finish(&js);
}

static void report_text(const struct perf_opts *o, const struct perf_clock *c,
			const struct perf_dev *devs, const struct perf_job *jobs, int sig)
{
	static struct row r, dev, total;
	char thr[16], cpu[16];

	printf("nvmu perf: %s", o->workload);
	if (o->read_pct != 0 && o->read_pct != 100)
		printf(" (%u%% reads)", o->read_pct);
	printf(", %u-byte I/Os, QD %u, %u thread(s) x %u device(s), %u s after %u s warm-up, %s, "
	       "clock %s (%.3f GHz)\n", perf_bs(o, &devs[0]), o->qd, o->threads,
	       o->ndevs, o->runtime_s, o->warmup_s, o->irq ? "interrupts" : "polled",
	       perf_clock_name(c->kind), c->ticks_per_ns);
	if (sig)
		printf("interrupted by %s after %.3f s of the %u s asked for; the numbers cover "
		       "that time\n", sig == SIGINT ? "SIGINT" : "SIGTERM",
		       measured_s(o, c, jobs), o->runtime_s);
	printf("%-20s %3s %5s %11s %9s %8s %8s %8s %8s %8s %8s %8s %8s\n", "device", "thr", "cpu",
	       "IOPS", "MiB/s", "avg us", "min us", "max us", "p50", "p90", "p99", "p99.9",
	       "p99.99");
	row_init(&total);
	for (unsigned i = 0; i < o->ndevs; i++) {
		row_init(&dev);
		for (unsigned t = 0; t < o->threads; t++) {
			const struct perf_job *j = &jobs[i * o->threads + t];

			row_init(&r);
			row_add(&r, c, j);
			row_add(&dev, c, j);
			row_add(&total, c, j);
			snprintf(thr, sizeof(thr), "%u", t);
			snprintf(cpu, sizeof(cpu), "%d", j->cpu);
			text_row(o, c, devs[i].name, thr, cpu, &r);
		}
		if (o->threads > 1)
			text_row(o, c, devs[i].name, "all", "", &dev);
	}
	text_row(o, c, "total", "", "", &total);
	if (o->verify)
		printf("verify: %llu reads and %llu writes measured, %llu mismatches\n",
		       (unsigned long long)total.st.reads, (unsigned long long)total.st.writes,
		       (unsigned long long)total.st.mismatches);
	if (total.st.errors)
		printf("errors: %llu I/Os failed\n", (unsigned long long)total.st.errors);
	for (unsigned i = 0; i < o->ndevs; i++) {
		struct recovery rc = recovery_of(o, devs, jobs, i);

		if (rc.resets || rc.reposted || rc.timeouts)
			printf("recovery: %s: %llu resets (mean %.1f ms, max %.1f ms), %llu I/Os "
			       "reposted, %llu timeouts\n", devs[i].name,
			       (unsigned long long)rc.resets, rc.reset_ms_mean, rc.reset_ms_max,
			       (unsigned long long)rc.reposted, (unsigned long long)rc.timeouts);
	}
}

void perf_report(const struct perf_opts *o, const struct perf_clock *clock,
		 const struct perf_dev *devs, const struct perf_job *jobs, int sig)
{
	if (o->format == CLI_FORMAT_JSON)
		report_json(o, clock, devs, jobs, sig);
	else
		report_text(o, clock, devs, jobs, sig);
}
