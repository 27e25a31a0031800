/* SPDX-License-Identifier: MIT */
/*
 * nvmu perf: attaching the devices and building the jobs — one queue pair per job, its
 * DMA buffers, its share of the namespace, the generation table of --verify. Everything
 * the I/O loop needs is allocated here, before it starts.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "device.h"
#include "nvmu/nvme_soft.h"
#include "perf.h"
#include "sriov/sriov.h"
#include "verbs.h"

static int fail(const char *what, const char *name)
{
	fprintf(stderr, "nvmu perf: %s: %s: %s\n", name, what, nvmu_last_error());
	return EXIT_FAILED;
}

uint32_t perf_bs(const struct perf_opts *o, const struct perf_dev *d)
{
	if (o->bs)
		return o->bs;
	return d->lba_size > 4096 ? d->lba_size : 4096;
}

/* Attach @d and pick its namespace; check -b against its LBA size. */
static int open_dev(const struct perf_opts *o, struct perf_dev *d)
{
	struct nvmu_host_opts ho = { .ctrl.no_dbbuf = o->no_dbbuf,
				     .ctrl.force_dbbuf = o->force_dbbuf, .no_aer = true,
				     .vf_token = device_vf_token() };
	uint32_t bs;

	if (nvmu_host_attach(d->name, &ho, &d->h) < 0)
		return fail("cannot attach", d->name);
	d->ns = o->nsid ? nvmu_host_ns_by_id(d->h, o->nsid) : nvmu_host_ns(d->h, 0);
	if (!d->ns) {
		fprintf(stderr, "nvmu perf: %s: namespace %u is not active (%u active "
			"namespaces)\n",
			d->name, o->nsid, nvmu_host_ns_count(d->h));
		return EXIT_FAILED;
	}
	if (!nvmu_ns_usable(d->ns)) { /* its LBA size is unknown (0) */
		fprintf(stderr, "nvmu perf: %s: %s\n", d->name, nvmu_ns_unusable_reason(d->ns));
		return EXIT_FAILED;
	}
	d->lba_size = nvmu_ns_lba_size(d->ns);
	/* A controller in stepped mode runs only when the I/O threads step it. */
	if (nvmu_soft_stepped(nvmu_ctrl_transport(nvmu_host_core(d->h))))
		d->step = nvmu_ctrl_transport(nvmu_host_core(d->h));
	if (d->step && o->reset_interval_s)
		return cli_usage_error("perf", "--reset-interval needs a device that runs on its "
				       "own; %s is stepped by the I/O threads", d->name);
	bs = perf_bs(o, d);
	if (bs % d->lba_size) {
		fprintf(stderr, "nvmu perf: %s: -b %u is not a multiple of namespace %u's %u-byte "
			"LBA size\n", d->name, bs, nvmu_ns_id(d->ns), d->lba_size);
		return EXIT_USAGE;
	}
	d->units = nvmu_ns_blocks(d->ns) / (bs / d->lba_size);
	if (d->units == 0) {
		fprintf(stderr, "nvmu perf: %s: -b %u is larger than the namespace\n", d->name, bs);
		return EXIT_USAGE;
	}
	if (o->verify) {
		d->gen_units = d->units < PERF_VERIFY_MAX_UNITS ? d->units : PERF_VERIFY_MAX_UNITS;
		d->gens = calloc(d->gen_units, sizeof(*d->gens));
		if (!d->gens) {
			fprintf(stderr, "nvmu perf: out of memory for the generation table\n");
			return EXIT_FAILED;
		}
	}
	return 0;
}

/* The CPUs this process may run on, in order; returns how many (0: unknown). */
static unsigned allowed_cpus(int *cpus, unsigned max)
{
	cpu_set_t set;
	unsigned n = 0;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 0;
	for (int c = 0; c < CPU_SETSIZE && n < max; c++)
		if (CPU_ISSET(c, &set))
			cpus[n++] = c;
	return n;
}

/*
 * Entries of a queue of job @j: room for -q I/Os of as many commands as -b needs (one
 * entry stays empty in an NVMe queue), at least 64, but no more than the controller
 * allows (CAP.MQES + 1) or PERF_MAX_QD. When the controller is what limits it, the
 * first job of the device says so: the other I/Os wait in the host, and the numbers are
 * those of a shallower queue than -q asks for.
 */
static uint32_t queue_entries(const struct perf_opts *o, const struct perf_dev *d,
			      const struct perf_job *j)
{
	const struct nvmu_ctrl *ctrl = nvmu_host_core(d->h);
	size_t max_tx = nvmu_ctrl_max_transfer(ctrl);
	uint64_t commands = (uint64_t)o->qd * ((perf_bs(o, d) + max_tx - 1) / max_tx);
	uint64_t entries = commands + 1 < 64 ? 64 : commands + 1;
	uint32_t dev_max = nvmu_ctrl_max_queue_entries(ctrl);
	uint32_t max = dev_max < PERF_MAX_QD ? dev_max : PERF_MAX_QD;

	if (commands + 1 > dev_max && j->index == 0)
		fprintf(stderr, "nvmu perf: %s: the controller's queues hold %u entries "
			"(CAP.MQES %u): each thread has %u command%s in the device at a time "
			"instead of %llu; the others wait in the host\n", d->name, dev_max,
			dev_max - 1, dev_max - 1, dev_max - 1 == 1 ? "" : "s",
			(unsigned long long)commands);
	return entries < max ? (uint32_t)entries : max;
}

/* Queue pair and buffers of job @j (device @d, thread @t of o->threads). */
static int build_job(const struct perf_opts *o, struct perf_dev *d, struct perf_job *j)
{
	uint32_t bs = perf_bs(o, d);
	struct nvmu_host_qpair_opts qo = {
		.entries = queue_entries(o, d, j),
		.requests = o->qd + 8,
		.interrupts = o->irq,
		.sgl = o->sgl,
		.defer_doorbell = true,
		.timeout_ms = o->timeout_ms,
		.retries = (uint8_t)o->retries,
	};
	uint64_t units = o->verify ? d->gen_units : d->units, share;

	if (o->sgl && !nvmu_ctrl_sgl_supported(nvmu_host_core(d->h))) {
		fprintf(stderr, "nvmu perf: %s: --sgl: the controller does not support SGLs\n",
			d->name);
		return EXIT_FAILED;
	}
	if (nvmu_host_qpair_create(d->h, &qo, &j->qp) < 0)
		return fail("cannot create a queue pair", d->name);
	j->blocks = bs / d->lba_size;
	j->ios = calloc(o->qd, sizeof(*j->ios));
	j->done = calloc(o->qd, sizeof(*j->done));
	if (!j->ios || !j->done) {
		fprintf(stderr, "nvmu perf: out of memory\n");
		return EXIT_FAILED;
	}
	for (uint32_t i = 0; i < o->qd; i++) {
		j->ios[i].job = j;
		if (nvmu_host_dma_alloc(d->h, bs, &j->ios[i].mem) < 0)
			return fail("cannot allocate DMA buffers", d->name);
		j->ios[i].buf = nvmu_dma_slice(&j->ios[i].mem, 0, bs);
	}
	/* --verify: each thread owns a slice of the units (no other thread writes them). */
	share = o->verify ? units / o->threads : units;
	if (o->verify && share < 2ull * o->qd) {
		fprintf(stderr, "nvmu perf: %s: --verify needs at least %u units of -b bytes per "
			"thread (2 x -q); the namespace gives %llu\n", d->name, 2 * o->qd,
			(unsigned long long)share);
		return EXIT_USAGE;
	}
	perf_wl_init(&j->wl, 0x9e3779b97f4a7c15ull * (j->seed + 1),
		     o->verify ? share * j->index : 0, share, o->random, o->read_pct);
	perf_hist_reset(&j->st.hist[0]);
	perf_hist_reset(&j->st.hist[1]);
	return 0;
}

/* --sriov-vfs: take SR-IOV control of the PF @p d and enable the VFs, announced on stderr
 * (stdout has the report) as `nvmu sriov enable` does. */
static int enable_vfs(const struct perf_opts *o, struct perf_dev *d)
{
	struct nvmu_sriov_enable_opts eo = { .vfs = o->sriov_vfs, .token = device_vf_token() };

	if (nvmu_sriov_open(nvmu_host_core(d->h), &d->sriov) < 0)
		return fail("cannot enable VFs", d->name);
	if (nvmu_sriov_enable(d->sriov, &eo) < 0) {
		fail("cannot enable VFs", d->name);
		nvmu_sriov_close(d->sriov, 0);
		d->sriov = NULL;
		return EXIT_FAILED;
	}
	sriov_print_ready(stderr, d->sriov, CLI_FORMAT_NORMAL);
	return 0;
}

int perf_setup(const struct perf_opts *o, const struct perf_clock *clock, struct perf_dev *devs,
	       struct perf_job *jobs, const volatile bool *stop)
{
	int allowed[CPU_SETSIZE];
	unsigned nallowed = allowed_cpus(allowed, CPU_SETSIZE), k = 0;
	/* --cpus, or every CPU the process may use, each job on the next one in turn */
	const int *cpus = o->ncpus ? o->cpus : allowed;
	unsigned ncpus = o->ncpus ? o->ncpus : nallowed;
	uint32_t seed = (uint32_t)perf_mono_ns() | 1;
	int ret;

	for (unsigned i = 0; i < o->ndevs; i++) {
		devs[i].name = o->devs[i];
		if ((ret = open_dev(o, &devs[i])))
			return ret;
	}
	if (o->sriov_vfs && (ret = enable_vfs(o, &devs[0])))
		return ret;
	for (unsigned i = 0; i < o->ndevs; i++) {
		for (unsigned t = 0; t < o->threads; t++, k++) {
			struct perf_job *j = &jobs[k];

			j->o = o;
			j->clock = clock;
			j->dev = &devs[i];
			j->index = t;
			j->cpu = ncpus ? cpus[k % ncpus] : -1;
			j->seed = seed + k;
			j->stop = stop;
			if ((ret = build_job(o, &devs[i], j)))
				return ret;
		}
	}
	return 0;
}

void perf_teardown(const struct perf_opts *o, struct perf_dev *devs, struct perf_job *jobs)
{
	for (unsigned k = 0; k < o->ndevs * o->threads; k++) {
		struct perf_job *j = &jobs[k];

		if (j->qp)
			nvmu_host_qpair_delete(j->qp);
		for (uint32_t i = 0; j->ios && i < o->qd; i++)
			nvmu_host_dma_free(j->dev->h, &j->ios[i].mem);
		free(j->ios);
		free(j->done);
	}
	for (unsigned i = 0; i < o->ndevs; i++) {
		/* The PF must outlive the VFs' users: closing it would reset it under them. */
		if (devs[i].sriov) {
			sriov_wait_unused(devs[i].sriov, PERF_SRIOV_WAIT_S, "perf");
			nvmu_sriov_close(devs[i].sriov, NVMU_SRIOV_TEARDOWN);
		}
		if (devs[i].h)
			nvmu_host_detach(devs[i].h);
		free(devs[i].gens);
	}
}
