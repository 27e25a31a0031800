/* SPDX-License-Identifier: MIT */
/* nvmu perf: the command line (perf.h). */
#include <ctype.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "perf.h"
#include "verbs.h"

#define PERF_MAX_BS (64u << 20)

enum {
	OPT_THREADS = 0x100,
	OPT_IRQ,
	OPT_NO_DBBUF,
	OPT_DBBUF,
	OPT_SGL,
	OPT_VERIFY,
	OPT_CLOCK,
	OPT_RESET_INTERVAL,
	OPT_RETRIES,
	OPT_TIMEOUT,
	OPT_SRIOV_VFS,
	OPT_CPUS,
	OPT_YIELD,
};

/* -w: sets the pattern and, for the pure workloads, the read percentage. */
static int parse_workload(const char *verb, const char *text, struct perf_opts *o, bool *mixed)
{
	static const struct {
		const char *name;
		bool random;
		int read_pct; /* -1: mixed, -M decides */
	} w[] = {
		{ "read", false, 100 },   { "write", false, 0 }, { "randread", true, 100 },
		{ "randwrite", true, 0 }, { "rw", false, -1 },   { "randrw", true, -1 },
	};

	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		if (strcmp(text, w[i].name))
			continue;
		o->workload = w[i].name;
		o->random = w[i].random;
		*mixed = w[i].read_pct < 0;
		if (!*mixed)
			o->read_pct = (unsigned)w[i].read_pct;
		return 0;
	}
	return cli_usage_error(verb, "-w %s: expected read, write, randread, randwrite, rw or "
			       "randrw", text);
}

/* -b: bytes, with an optional binary unit (4k, 1m). */
static int parse_bs(const char *verb, const char *text, uint32_t *out)
{
	uint64_t v;

	if (nvmu_parse_u64(text, true, &v) < 0)
		return cli_usage_error(verb, "-b expects a size such as 4096 or 4k, not '%s'",
				       text);
	if (v == 0)
		return cli_usage_error(verb, "-b must not be 0");
	if (v > PERF_MAX_BS)
		return cli_usage_error(verb, "-b %s is out of range (at most %u bytes)", text,
				       PERF_MAX_BS);
	*out = (uint32_t)v;
	return 0;
}

/* A CPU of --cpus: one this process may run on. 0, or EXIT_USAGE after saying why. */
static int add_cpu(const char *verb, unsigned long cpu, const cpu_set_t *allowed,
		   struct perf_opts *o)
{
	if (cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, allowed))
		return cli_usage_error(verb, "--cpus: CPU %lu is not one this process may run on "
				       "(see 'taskset -p $$' or /proc/self/status Cpus_allowed_list)",
				       cpu);
	if (o->ncpus == PERF_MAX_THREADS)
		return cli_usage_error(verb, "--cpus: at most %d CPUs", PERF_MAX_THREADS);
	o->cpus[o->ncpus++] = (int)cpu;
	return 0;
}

/* --cpus LIST: "0-3,6", as taskset and /proc's lists write CPUs. */
static int parse_cpus(const char *verb, const char *text, struct perf_opts *o)
{
	cpu_set_t allowed;
	const char *p = text;

	if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0)
		CPU_ZERO(&allowed);
	o->ncpus = 0;
	while (*p) {
		unsigned long first, last;
		char *end;

		if (!isdigit((unsigned char)*p))
			break;
		first = last = strtoul(p, &end, 10);
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				break;
			last = strtoul(end + 1, &end, 10);
		}
		if (last < first || (*end && *end != ',') || (*end == ',' && !end[1]))
			break;
		for (unsigned long c = first; c <= last; c++)
			if (add_cpu(verb, c, &allowed, o))
				return EXIT_USAGE;
		p = *end ? end + 1 : end;
	}
	if (*p || !o->ncpus)
		return cli_usage_error(verb, "--cpus %s: expected a list of CPUs such as 0-3,6",
				       text);
	return 0;
}

int perf_parse_opts(int argc, char **argv, struct perf_opts *o)
{
	static const struct option longopts[] = {
		{ "workload", required_argument, NULL, 'w' },
		{ "rwmixread", required_argument, NULL, 'M' },
		{ "block-size", required_argument, NULL, 'b' },
		{ "queue-depth", required_argument, NULL, 'q' },
		{ "time", required_argument, NULL, 't' },
		{ "warmup", required_argument, NULL, 'a' },
		{ "namespace-id", required_argument, NULL, 'n' },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "irq", no_argument, NULL, OPT_IRQ },
		{ "no-dbbuf", no_argument, NULL, OPT_NO_DBBUF },
		{ "dbbuf", no_argument, NULL, OPT_DBBUF },
		{ "sgl", no_argument, NULL, OPT_SGL },
		{ "verify", no_argument, NULL, OPT_VERIFY },
		{ "clock", required_argument, NULL, OPT_CLOCK },
		{ "reset-interval", required_argument, NULL, OPT_RESET_INTERVAL },
		{ "retries", required_argument, NULL, OPT_RETRIES },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "output-format", required_argument, NULL, 'o' },
		{ "sriov-vfs", required_argument, NULL, OPT_SRIOV_VFS },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "yield", no_argument, NULL, OPT_YIELD },
		{ NULL, 0, NULL, 0 },
	};
	const char *verb = argv[0];
	bool mixed = false, mix_given = false, retries_given = false;
	uint32_t v;
	int opt;

	*o = (struct perf_opts){ .workload = "randread", .random = true, .read_pct = 100, .qd = 32,
				 .runtime_s = 10, .threads = 1,
				 .clock = PERF_HAVE_TSC ? PERF_CLOCK_TSC : PERF_CLOCK_MONOTONIC };
	while ((opt = cli_getopt(argc, argv, "w:M:b:q:t:a:n:o:", longopts)) != -1) {
		int bad = 0;

		switch (opt) {
		case 'w': bad = parse_workload(verb, optarg, o, &mixed); break;
		case 'M':
			bad = cli_parse_u32(verb, "-M", optarg, 100, &v);
			o->read_pct = v;
			mix_given = true;
			break;
		case 'b': bad = parse_bs(verb, optarg, &o->bs); break;
		case 'q': bad = cli_parse_u32(verb, "-q", optarg, PERF_MAX_QD, &o->qd); break;
		case 't': bad = cli_parse_u32(verb, "-t", optarg, 86400, &o->runtime_s); break;
		case 'a': bad = cli_parse_u32(verb, "-a", optarg, 3600, &o->warmup_s); break;
		case 'n': bad = cli_parse_u32(verb, "-n", optarg, UINT32_MAX - 1, &o->nsid); break;
		case OPT_THREADS:
			bad = cli_parse_u32(verb, "--threads", optarg, PERF_MAX_THREADS, &v);
			o->threads = v;
			break;
		case OPT_IRQ: o->irq = true; break;
		case OPT_NO_DBBUF: o->no_dbbuf = true; break;
		case OPT_DBBUF: o->force_dbbuf = true; break;
		case OPT_SGL: o->sgl = true; break;
		case OPT_VERIFY: o->verify = true; break;
		case OPT_CLOCK:
			if (!perf_clock_parse(optarg, &o->clock))
				return cli_usage_error(verb, "--clock %s: expected tsc or "
						       "monotonic", optarg);
			if (o->clock == PERF_CLOCK_TSC && !PERF_HAVE_TSC)
				return cli_usage_error(verb, "--clock tsc: this CPU has no TSC");
			break;
		case OPT_RESET_INTERVAL:
			bad = cli_parse_u32(verb, "--reset-interval", optarg, 86400,
					    &o->reset_interval_s);
			break;
		case OPT_RETRIES:
			bad = cli_parse_u32(verb, "--retries", optarg, 255, &o->retries);
			retries_given = true;
			break;
		case OPT_TIMEOUT:
			bad = cli_parse_u32(verb, "--timeout", optarg, 3600000, &o->timeout_ms);
			if (!bad && o->timeout_ms && o->timeout_ms < 100)
				return cli_usage_error(verb, "--timeout is 100..3600000 ms");
			break;
		case 'o': bad = cli_parse_format(verb, optarg, &o->format); break;
		case OPT_SRIOV_VFS:
			bad = cli_parse_u32(verb, "--sriov-vfs", optarg, 0xffff, &o->sriov_vfs);
			break;
		case OPT_CPUS: bad = parse_cpus(verb, optarg, o); break;
		case OPT_YIELD: o->yield = true; break;
		default: return EXIT_USAGE;
		}
		if (bad)
			return EXIT_USAGE;
	}
	if (mixed && !mix_given)
		o->read_pct = 50;
	if (!mixed && mix_given)
		return cli_usage_error(verb, "-M needs a mixed workload (-w rw or randrw)");
	if (o->qd == 0)
		return cli_usage_error(verb, "-q must be at least 1");
	if (o->runtime_s == 0)
		return cli_usage_error(verb, "-t must be at least 1 second");
	if (o->threads == 0)
		return cli_usage_error(verb, "--threads must be at least 1");
	if (o->yield && o->irq)
		return cli_usage_error(verb, "--yield is for polling: with --irq a job that waits "
				       "sleeps in poll() already");
	if (o->no_dbbuf && o->force_dbbuf)
		return cli_usage_error(verb, "--dbbuf and --no-dbbuf contradict each other: give "
				       "one of them");
	for (int i = optind; i < argc; i++) {
		if (o->ndevs == PERF_MAX_DEVS)
			return cli_usage_error(verb, "at most %d devices", PERF_MAX_DEVS);
		o->devs[o->ndevs++] = argv[i];
	}
	if (o->ndevs == 0)
		return cli_usage_error(verb, "no <dev> given");
	if (o->sriov_vfs && o->ndevs != 1)
		return cli_usage_error(verb, "--sriov-vfs enables VFs on one PF: give one <dev>, "
				       "not %u", o->ndevs);
	/* watch() (perf.c) resets from one interval after the start until a second before
	 * the end: an interval that does not fit would test no recovery at all. */
	if (o->reset_interval_s && o->reset_interval_s + 1 >= o->warmup_s + o->runtime_s)
		return cli_usage_error(verb, "--reset-interval %u would never reset: resets "
				       "start %u s into the run and stop 1 s before its end (-a %u "
				       "+ -t %u s); make -a + -t longer than %u s or the interval "
				       "shorter",
				       o->reset_interval_s, o->reset_interval_s, o->warmup_s,
				       o->runtime_s, o->reset_interval_s + 1);
	if (o->reset_interval_s && !retries_given)
		o->retries = PERF_RESET_RETRIES; /* I/Os a reset interrupts are reposted */
	if (o->ndevs * o->threads > PERF_MAX_THREADS)
		return cli_usage_error(verb, "%u devices x %u threads: at most %d jobs", o->ndevs,
				       o->threads, PERF_MAX_THREADS);
	return 0;
}
