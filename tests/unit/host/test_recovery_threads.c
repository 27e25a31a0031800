/* SPDX-License-Identifier: MIT */
/* Resets from more than one thread, on the software controller: a thread keeps writes in
 * flight on its own pair while another resets the controller (none lost or doubled, the
 * last acknowledged write of each block reads back); two threads, each owning a pair,
 * reset it at the same time. */
#include <pthread.h>

#include "check.h"
#include "recovery_env.h"

/* A worker thread keeps writes in flight on its own pair while the main thread resets the
 * controller three times: the pair pauses, its commands are reposted, none is lost or
 * doubled, and the last acknowledged write of each block reads back. */
#define WORKER_BLOCKS 32
#define WORKER_DEPTH 8
#define WORKER_LBA 512

struct worker {
	struct rig *r;
	struct nvmu_host_qpair *qp;
	struct nvmu_dma_buf buf;
	bool stop; /* atomic */
	unsigned gen[WORKER_BLOCKS];      /* round of the write in flight per block */
	unsigned acked[WORKER_BLOCKS];    /* round last acknowledged per block */
	bool busy[WORKER_BLOCKS];         /* a write of the block is in flight */
	unsigned submitted, completed, failed;
	unsigned doubled;                 /* completions of a block with none in flight */
};

struct worker_io {
	struct worker *w;
	unsigned block;
};

static struct worker_io worker_ios[WORKER_BLOCKS];

static void worker_done(void *arg, const struct nvmu_cpl *cpl)
{
	struct worker_io *io = arg;
	struct worker *w = io->w;

	if (!w->busy[io->block])
		w->doubled++;
	w->busy[io->block] = false;
	w->completed++;
	if (cpl->err)
		w->failed++;
	else
		w->acked[io->block] = w->gen[io->block];
}

static void worker_submit(struct worker *w, unsigned b)
{
	struct nvmu_dma_buf piece = nvmu_dma_slice(&w->buf, (size_t)b * LBS, LBS);

	w->gen[b]++;
	fill(piece.vaddr, WORKER_LBA + b, w->gen[b]);
	w->busy[b] = true;
	if (nvmu_ns_write(w->qp, w->r->ns, WORKER_LBA + b, &piece, 1, 0, worker_done,
			  &worker_ios[b]) < 0) {
		w->busy[b] = false;
		w->failed++;
		return;
	}
	w->submitted++;
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	unsigned next = 0;
	uint64_t deadline = nvmu_deadline_ms(10000);

	while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE) && !nvmu_deadline_passed(deadline)) {
		unsigned inflight = w->submitted - w->completed;

		if (inflight < WORKER_DEPTH && !w->busy[next]) {
			worker_submit(w, next);
			next = (next + 1) % WORKER_BLOCKS;
		}
		nvmu_host_qpair_poll(w->qp, 0);
	}
	while (w->submitted != w->completed && !nvmu_deadline_passed(deadline))
		nvmu_host_qpair_poll(w->qp, 0);
	return NULL;
}

TEST(reset_from_another_thread)
{
	struct rig r;
	struct worker *w = NULL;
	pthread_t th;

	if (!rig_open(&r, SPEC, NULL, NULL) || !(w = calloc(1, sizeof(*w))))
		goto out;
	w->r = &r;
	CHECK_EQ(nvmu_host_qpair_create(r.h, &(struct nvmu_host_qpair_opts){ .retries = 3 },
					&w->qp), 0);
	CHECK_EQ(nvmu_host_dma_alloc(r.h, (size_t)WORKER_BLOCKS * LBS, &w->buf), 0);
	for (unsigned b = 0; b < WORKER_BLOCKS; b++)
		worker_ios[b] = (struct worker_io){ w, b };
	CHECK_EQ(pthread_create(&th, NULL, worker_run, w), 0);
	for (int i = 0; i < 3; i++) {
		nvmu_sleep_us(30000);
		CHECK_EQ(nvmu_host_reset(r.h), 0);
	}
	nvmu_sleep_us(30000);
	__atomic_store_n(&w->stop, true, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	CHECK_EQ(w->submitted, w->completed);
	CHECK_EQ(w->failed, 0);
	CHECK_EQ(w->doubled, 0);
	CHECK(w->submitted > 3 * WORKER_DEPTH);
	CHECK_EQ(rec(&r).resets, 3);
	CHECK_EQ(nvmu_host_qpair_pending(w->qp), 0);
	fprintf(stderr, "# %s: %u writes across 3 resets (last %llu us)\n", __func__,
		w->submitted, (unsigned long long)rec(&r).last_reset_us);
	for (unsigned b = 0; b < WORKER_BLOCKS; b++) {
		struct nvmu_dma_buf piece = nvmu_dma_slice(&r.buf, 0, LBS);

		CHECK_EQ(nvmu_ns_read_sync(r.qp, r.ns, WORKER_LBA + b, &piece, 1, 0, WAIT_MS, NULL),
			 0);
		if (!holds(piece.vaddr, WORKER_LBA + b, w->acked[b])) {
			fprintf(stderr, "block %u lost its acknowledged round %u\n", b,
				w->acked[b]);
			check_failures++;
		}
	}
	nvmu_host_dma_free(r.h, &w->buf);
	CHECK_EQ(nvmu_host_qpair_delete(w->qp), 0);
out:
	free(w);
	CHECK_EQ(rig_close(&r), 0);
}

/* Two threads, each owning a pair, reset the controller over and over at the same time:
 * one waiting for the other's reset does not hold up that reset's pause of its pair. */
#define RACING_RESETS 5

struct racer {
	struct nvmu_host_ctrl *h;
	struct nvmu_host_qpair *qp;
	int failed;
	uint32_t worst_ms;
	bool done;               /* atomic */
	const bool *other_done;
};

static void *race_resets(void *arg)
{
	struct racer *rc = arg;

	nvmu_host_qpair_poll(rc->qp, 0); /* this thread owns the pair */
	for (int i = 0; i < RACING_RESETS; i++) {
		uint64_t t0 = nvmu_now_ns();

		if (nvmu_host_reset(rc->h) < 0)
			rc->failed++;
		if (ms_since(t0) > rc->worst_ms)
			rc->worst_ms = ms_since(t0);
	}
	__atomic_store_n(&rc->done, true, __ATOMIC_RELEASE);
	/* The other thread's resets need this pair to pause too. */
	while (!__atomic_load_n(rc->other_done, __ATOMIC_ACQUIRE))
		nvmu_host_qpair_poll(rc->qp, 0);
	return NULL;
}

TEST(concurrent_resets_from_two_threads)
{
	struct rig r;
	struct racer a, b;
	pthread_t th;

	if (!rig_open(&r, SPEC, NULL, NULL))
		goto out;
	CHECK_EQ(nvmu_host_qpair_create(r.h, NULL, &r.qp2), 0);
	a = (struct racer){ .h = r.h, .qp = r.qp, .other_done = &b.done };
	b = (struct racer){ .h = r.h, .qp = r.qp2, .other_done = &a.done };
	CHECK_EQ(pthread_create(&th, NULL, race_resets, &b), 0);
	race_resets(&a);
	pthread_join(th, NULL);
	CHECK_EQ(a.failed + b.failed, 0);
	CHECK(a.worst_ms < PROMPT_MS && b.worst_ms < PROMPT_MS);
	CHECK_EQ(rec(&r).resets, 2 * RACING_RESETS);
	nvmu_host_qpair_poll(r.qp2, 0); /* the main thread owns both again */
	submit(&r, false, 0, 0);
	submit_on(&r, r.qp2, false, 1, 0);
	check_all(&r, 2, 0);
out:
	CHECK_EQ(rig_close(&r), 0);
}

RUN_TESTS(T(reset_from_another_thread), T(concurrent_resets_from_two_threads))
