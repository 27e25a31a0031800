/* SPDX-License-Identifier: MIT */
/*
 * nvmu perf: a job's I/O loop. It keeps -q I/Os in flight on its own queue pair. A
 * completion's callback accounts the I/O (latency, --verify check) and, while other I/Os
 * of the job are still in flight, starts the next one at once, as SPDK's perf does; the
 * pair rings the SQ doorbell once at the end of the poll. An I/O that leaves nothing in
 * flight (always, at queue depth 1), a failed one, and those of a stopping run are noted
 * and handled after the poll. Nothing in the loop allocates, locks, searches or makes a
 * system call (polled mode; --irq waits in poll()): the clock is rdtsc (or the vDSO),
 * buffers carry their IOVA, the doorbell rings only after something was posted. With
 * --yield, a poll that finds nothing gives the CPU to another runnable thread
 * (sched_yield()): a system call only when the job has nothing to do. docs/bench.md
 * gives the measurements behind each choice.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "nvmu/nvme_soft.h"
#include "perf.h"
#include "perf_tag.h"

#define GEN_BUSY 0x80000000u   /* an I/O of the unit is in flight */
#define GEN_UNKNOWN 0x7fffffffu /* a write failed: contents unknown, do not check */
#define GEN_MASK 0x7fffffffu
#define EMPTY_POLLS_PER_CLOCK 256 /* polls that found nothing between two clock reads */
#define BUSY_POLLS_PER_CLOCK 64   /* polls whose completions were all resubmitted */
#define IRQ_WAIT_MS 100

/* --verify: every block of a read unit against the generation expected there. */
static void verify_read(struct perf_job *j, struct perf_io *io)
{
	uint32_t lbs = j->dev->lba_size;
	uint64_t lba = io->unit * j->blocks;

	for (uint32_t b = 0; b < j->blocks; b++) {
		uint32_t found;
		enum perf_tag_result r = perf_tag_check((uint8_t *)io->buf.vaddr + (size_t)b * lbs,
							lbs, lba + b, io->gen, j->seed, &found);

		if (r == PERF_TAG_OK)
			continue;
		if (j->st.mismatches++ < PERF_MAX_REPORTED_MISMATCHES)
			fprintf(stderr, "nvmu perf: %s: verify mismatch at LBA %llu: %s (expected "
				"generation %u, found %u)\n", j->dev->name,
				(unsigned long long)(lba + b), perf_tag_result_name(r), io->gen,
				found);
	}
}

/* Account a finished I/O completed at @now: release its unit, check it, count it. */
static void finish_io(struct perf_job *j, struct perf_io *io, uint64_t now, bool measuring)
{
	if (j->o->verify && io->unit < j->dev->gen_units) {
		uint32_t *g = &j->dev->gens[io->unit];

		if (io->write)
			*g = io->gen; /* the new generation (or unknown after an error) */
		else {
			*g &= ~GEN_BUSY;
			if (io->gen != 0 && io->gen != GEN_UNKNOWN)
				verify_read(j, io);
		}
	}
	if (!measuring)
		return;
	perf_hist_add(&j->st.hist[io->write], now - io->start);
	j->st.ios++;
	j->st.reads += !io->write;
	j->st.writes += io->write;
}

/* --verify: the first unit from a random one that has no I/O in flight (at most -q of the
 * job's 2 x -q units or more are busy, so the walk is short), busy-marked. */
static void pick_verify_unit(struct perf_job *j, struct perf_io *io)
{
	uint64_t u = perf_wl_unit(&j->wl), last = j->wl.first + j->wl.units - 1;
	uint32_t *g;

	while (*(g = &j->dev->gens[u]) & GEN_BUSY)
		u = u == last ? j->wl.first : u + 1;
	io->unit = u;
	if (io->write) {
		uint32_t next = (*g & GEN_MASK) + 1;

		io->gen = next >= GEN_UNKNOWN ? 1 : next;
	} else {
		io->gen = *g;
	}
	*g |= GEN_BUSY;
}

/* The completion callback, which may start the slot's next I/O. */
static void io_done(void *arg, const struct nvmu_cpl *cpl);

/* Start I/O @io at time @now. Returns 0, or a submission error (recorded in the job). */
static int submit_io(struct perf_job *j, struct perf_io *io, uint64_t now)
{
	uint64_t lba;
	int ret;

	io->write = !perf_wl_is_read(&j->wl);
	if (j->o->verify) {
		pick_verify_unit(j, io);
		if (io->write) {
			uint32_t lbs = j->dev->lba_size;

			for (uint32_t b = 0; b < j->blocks; b++)
				perf_tag_stamp((uint8_t *)io->buf.vaddr + (size_t)b * lbs, lbs,
					       io->unit * j->blocks + b, io->gen, j->seed);
		}
	} else {
		io->unit = perf_wl_unit(&j->wl);
	}
	lba = io->unit * j->blocks;
	io->start = now;
	ret = io->write ? nvmu_ns_write(j->qp, j->dev->ns, lba, &io->buf, 1, 0, io_done, io)
			: nvmu_ns_read(j->qp, j->dev->ns, lba, &io->buf, 1, 0, io_done, io);
	if (ret < 0) {
		j->err = ret;
		snprintf(j->errmsg, sizeof(j->errmsg), "submission failed: %s", nvmu_last_error());
		if (j->o->verify)
			j->dev->gens[io->unit] &= ~GEN_BUSY;
	}
	return ret;
}

/* Account the I/O of @arg, and start the next one at once while other I/Os of the job are
 * in flight; otherwise (and after a failure) note the slot for after the poll. */
static void io_done(void *arg, const struct nvmu_cpl *cpl)
{
	struct perf_io *io = arg;
	struct perf_job *j = io->job;
	uint64_t now = perf_clock_now(j->clock);

	if (cpl->err) {
		if (cpl->err == -ENODEV)
			j->dev->removed = true; /* every job of the device stops */
		if (j->st.errors++ == 0) {
			char st[NVMU_STATUS_TEXT_MAX];

			snprintf(j->errmsg, sizeof(j->errmsg), "%s of unit %llu failed: %s",
				 io->write ? "write" : "read", (unsigned long long)io->unit,
				 cpl->err == -EREMOTEIO ? nvmu_status_text(cpl->status, st,
									   sizeof(st))
							: strerror(-cpl->err));
		}
		io->gen = io->write ? GEN_UNKNOWN : 0; /* nothing to check */
	}
	finish_io(j, io, now, j->measuring && !j->stopping);
	__atomic_store_n(&j->progress, j->progress + 1, __ATOMIC_RELAXED);
	/* With other I/Os in flight the device is still posting: the poll goes on reaping
	 * while this one is prepared, and one doorbell covers them all. */
	if (!cpl->err && !j->stopping && nvmu_host_qpair_pending(j->qp) > 0) {
		submit_io(j, io, now);
		return;
	}
	j->done[j->ndone++] = (uint32_t)(io - j->ios);
}

/* Submit every finished slot (until an error); one doorbell for all. */
static void submit_all(struct perf_job *j, uint64_t now)
{
	for (uint32_t i = 0; i < j->ndone; i++)
		if (submit_io(j, &j->ios[j->done[i]], now) < 0)
			break;
	j->ndone = 0;
	nvmu_host_qpair_kick(j->qp);
}

/* --irq: wait for the queue's interrupt (or IRQ_WAIT_MS) and acknowledge it. */
static void wait_irq(struct perf_job *j)
{
	struct pollfd p = { .fd = nvmu_host_qpair_eventfd(j->qp), .events = POLLIN };

	if (poll(&p, 1, IRQ_WAIT_MS) > 0)
		nvmu_host_qpair_ack_irq(j->qp);
}

void *perf_job_run(void *arg)
{
	struct perf_job *j = arg;
	const struct perf_opts *o = j->o;
	uint64_t now = perf_clock_now(j->clock);
	uint64_t warm_end = now + perf_clock_ticks(j->clock, o->warmup_s * 1e9);
	uint64_t end = warm_end + perf_clock_ticks(j->clock, o->runtime_s * 1e9);
	uint64_t start = now, drain_end = 0;
	unsigned empty = 0, busy = 0;

	j->measuring = o->warmup_s == 0;
	j->stopping = false;
	for (uint32_t i = 0; i < o->qd; i++)
		j->done[j->ndone++] = i;
	submit_all(j, now);
	while (!j->stopping || nvmu_host_qpair_pending(j->qp)) {
		if (j->dev->step)
			nvmu_soft_step(j->dev->step, 0); /* the device model (soft:mode=step) */
		if (nvmu_host_qpair_poll(j->qp, 0) > 0 && j->ndone == 0) {
			/* Every completion was resubmitted from its callback. */
			if (++busy < BUSY_POLLS_PER_CLOCK)
				continue;
		} else if (j->ndone == 0) {
			/* A spin with no pause: under QEMU's TCG a PAUSE sends the vCPU
			 * through the device model's lock (docs/bench.md). */
			if (o->irq && nvmu_host_qpair_pending(j->qp)) {
				wait_irq(j);
			} else if (o->yield) {
				/* Another job on this CPU (e.g. another process on the same
				 * controller) may have completions waiting: let it reap and
				 * resubmit them now rather than at the end of a time slice. */
				sched_yield();
			} else if (++empty < EMPTY_POLLS_PER_CLOCK) {
				continue;
			}
		}
		empty = busy = 0;
		now = perf_clock_now(j->clock);
		if (!j->measuring && now >= warm_end) {
			/* Only the latencies start again: errors and mismatches seen during
			 * the warm-up are still reported. */
			perf_hist_reset(&j->st.hist[0]);
			perf_hist_reset(&j->st.hist[1]);
			j->st.ios = j->st.reads = j->st.writes = 0;
			start = now;
			j->measuring = true;
		}
		if (!j->stopping && (now >= end || *j->stop || j->err || j->dev->removed)) {
			/* Stopped during the warm-up (Ctrl-C), nothing was measured. */
			j->st.ticks = j->measuring ? now - start : 0;
			j->stopping = true;
			drain_end = now + perf_clock_ticks(j->clock, PERF_DRAIN_S * 1e9);
		}
		if (j->stopping && now >= drain_end) {
			j->st.errors += nvmu_host_qpair_pending(j->qp);
			snprintf(j->errmsg, sizeof(j->errmsg),
				 "%u I/Os did not complete within %d s",
				 nvmu_host_qpair_pending(j->qp), PERF_DRAIN_S);
			break;
		}
		if (j->stopping)
			j->ndone = 0;
		else if (j->ndone)
			submit_all(j, now);
	}
	j->st.bytes = j->st.ios * (uint64_t)j->blocks * j->dev->lba_size;
	return NULL;
}
