/* SPDX-License-Identifier: MIT */
/* The host API's bounds on the software controller: at most 1024 commands in flight per
 * pair, no SQ slot overwritten while the device fetches nothing, a waiter that gives up
 * is never written to, callbacks run by a pair's deletion cannot leave a command behind,
 * and reads at the fast path's limits. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "host_soft_env.h"

#define TIMEOUT_MS 5000

/* One read per slot: how many times its callback ran, what it got, and what a
 * resubmission from inside the callback returned. */
struct again_slot {
	struct nvmu_host_qpair *qp;
	struct nvmu_ns *ns;
	struct nvmu_dma_buf *buf;
	unsigned calls;
	int err, resubmit;
};

static void resubmit_done(void *arg, const struct nvmu_cpl *cpl)
{
	struct again_slot *s = arg;

	s->calls++;
	s->err = cpl->err;
	s->resubmit = nvmu_ns_read(s->qp, s->ns, 0, s->buf, 1, 0, resubmit_done, s);
}

static void count_ok(void *arg, const struct nvmu_cpl *cpl)
{
	CHECK_EQ(cpl->err, 0);
	(*(unsigned *)arg)++;
}

TEST(large_queue_keeps_at_most_1024_commands_in_flight)
{
	struct nvmu_host_ctrl *h = attach("soft:size=8M,lbs=4096,mode=step,mqes=4095");
	struct nvmu_host_qpair_opts qo = { .entries = 2048, .requests = 1100 };
	struct nvmu_host_qpair *qp = NULL;
	struct nvmu_dma_buf buf;
	struct nvmu_ns *ns;
	unsigned done = 0;

	if (!h)
		return;
	ns = nvmu_host_ns(h, 0);
	CHECK_EQ(nvmu_host_qpair_create(h, &qo, &qp), 0);
	CHECK_EQ(nvmu_host_dma_alloc(h, 4096, &buf), 0);
	for (unsigned i = 0; i < 1100 && qp; i++)
		CHECK_EQ(nvmu_ns_read(qp, ns, i % 2048, &buf, 1, 0, count_ok, &done), 0);
	/* The CID keeps generation bits: 1024 go to the device, the rest wait in order. */
	CHECK_EQ(nvmu_qpair_outstanding(nvmu_host_qpair_core(qp)), 1024);
	CHECK_EQ(nvmu_host_qpair_waiting(qp), 76);
	for (unsigned k = 0; k < 2000 && done < 1100; k++) {
		nvmu_soft_step(nvmu_ctrl_transport(nvmu_host_core(h)), 0);
		nvmu_host_qpair_poll(qp, 0);
	}
	CHECK_EQ(done, 1100);
	CHECK_EQ(nvmu_host_qpair_pending(qp), 0);
	nvmu_host_dma_free(h, &buf);
	CHECK_EQ(nvmu_host_qpair_delete(qp), 0);
	detach(h);
}

/* Step the software controller and reap until @want completions are counted in @done. */
static bool step_until(struct nvmu_host_ctrl *h, struct nvmu_host_qpair *qp,
		       const unsigned *done, unsigned want)
{
	for (unsigned k = 0; k < 1000 && *done < want; k++) {
		nvmu_soft_step(nvmu_ctrl_transport(nvmu_host_core(h)), 0);
		nvmu_host_qpair_poll(qp, 0);
	}
	return *done == want;
}

/*
 * The fast path does not look at the SQ head: a free tracker is its proof of a free slot.
 * A device that fetches nothing (stepped, never stepped) never moves its head; the pair
 * posts three commands into its four slots, the fourth slot stays untouched, and every
 * other read waits. Once the device runs, each read completes once with its own block.
 */
TEST(a_device_that_fetches_nothing_gets_no_slot_overwritten)
{
	struct nvmu_host_ctrl *h = attach("soft:size=1M,lbs=4096,mode=step");
	struct nvmu_host_qpair_opts qo = { .entries = 4 }; /* three commands in flight */
	struct nvmu_host_qpair *qp = NULL;
	struct nvmu_dma_buf buf, piece[13], sq_mem, cq_mem;
	const struct nvmu_sqe *sq;
	unsigned done = 0;
	struct nvmu_ns *ns;

	if (!h)
		return;
	ns = nvmu_host_ns(h, 0);
	CHECK_EQ(nvmu_host_dma_alloc(h, 13 * 4096, &buf), 0);
	CHECK_EQ(nvmu_host_qpair_create(h, NULL, &qp), 0); /* block i holds bytes i + 1 */
	for (unsigned i = 0; i < 13 && qp; i++) {
		piece[i] = nvmu_dma_slice(&buf, i * 4096, 4096);
		memset(piece[i].vaddr, (int)i + 1, 4096);
		CHECK_EQ(nvmu_ns_write(qp, ns, i, &piece[i], 1, 0, count_ok, &done), 0);
	}
	CHECK(step_until(h, qp, &done, 13));
	CHECK_EQ(nvmu_host_qpair_delete(qp), 0);
	memset(buf.vaddr, 0, 13 * 4096);
	qp = NULL;
	CHECK_EQ(nvmu_host_qpair_create(h, &qo, &qp), 0);
	if (!qp)
		goto out;
	nvmu_qpair_rings(nvmu_host_qpair_core(qp), &sq_mem, &cq_mem);
	sq = sq_mem.vaddr;
	done = 0;
	for (unsigned i = 0; i < 13; i++)
		CHECK_EQ(nvmu_ns_read(qp, ns, i, &piece[i], 1, 0, count_ok, &done), 0);
	CHECK_EQ(nvmu_qpair_outstanding(nvmu_host_qpair_core(qp)), 3);
	CHECK_EQ(nvmu_host_qpair_waiting(qp), 10);
	for (unsigned i = 0; i < 3; i++) {
		CHECK_EQ(sq[i].opcode, nvme_cmd_read);
		CHECK_EQ(sq[i].cdw10, i); /* posted in order, none overwritten */
		CHECK_EQ(sq[i].prp1, piece[i].iova);
	}
	CHECK(sq[0].cid != sq[1].cid && sq[1].cid != sq[2].cid && sq[0].cid != sq[2].cid);
	CHECK_EQ(sq[3].opcode, 0); /* the slot at the tail: never written */
	CHECK_EQ(sq[3].prp1, 0);
	CHECK(step_until(h, qp, &done, 13));
	for (unsigned i = 0; i < 13; i++)
		CHECK_EQ(((uint8_t *)piece[i].vaddr)[4095], i + 1);
	CHECK_EQ(nvmu_host_qpair_pending(qp), 0);
	CHECK_EQ(nvmu_host_qpair_delete(qp), 0);
out:
	nvmu_host_dma_free(h, &buf);
	detach(h);
}

/* Bytes a waiter that gave up is filled with: a callback that still ran would show. */
#define GAVE_UP 0xa5

static bool untouched(const struct nvmu_host_waiter *w)
{
	const uint8_t *p = (const uint8_t *)w;

	for (size_t i = 0; i < sizeof(*w); i++)
		if (p[i] != GAVE_UP)
			return false;
	return true;
}

static void *reset_thread(void *arg)
{
	return (void *)(intptr_t)nvmu_host_reset(arg);
}

/*
 * A read with nvmu_host_sync_cb takes the fast path (no request: the core tracker holds
 * the waiter). A waiter that gives up is never written to afterwards: its callback is
 * dropped at once, or - when it gives up during a reset, while the core pair is the
 * resetting thread's - before the pair's next poll.
 */
TEST(a_waiter_that_gives_up_is_not_written_to)
{
	struct nvmu_host_ctrl *h = attach("soft:size=1M,lbs=4096,mode=step,ready_delay=300");
	struct nvmu_host_qpair *qp = NULL;
	struct nvmu_host_waiter *w = malloc(sizeof(*w));
	struct nvmu_dma_buf buf;
	struct nvmu_ns *ns;
	pthread_t t;
	void *ret;
	int rc = 0;

	if (!h || !w)
		goto out;
	ns = nvmu_host_ns(h, 0);
	CHECK_EQ(nvmu_host_qpair_create(h, NULL, &qp), 0);
	CHECK_EQ(nvmu_host_dma_alloc(h, 4096, &buf), 0);
	/* Never stepped: no completion within the wait. */
	*w = (struct nvmu_host_waiter){ 0 };
	CHECK_EQ(nvmu_ns_read(qp, ns, 1, &buf, 1, 0, nvmu_host_sync_cb, w), 0);
	CHECK_EQ(nvmu_host_wait(qp, w, 20), -ETIMEDOUT);
	memset(w, GAVE_UP, sizeof(*w));
	for (unsigned k = 0; k < 100 && nvmu_host_qpair_pending(qp); k++) {
		nvmu_soft_step(nvmu_ctrl_transport(nvmu_host_core(h)), 0);
		nvmu_host_qpair_poll(qp, 0);
	}
	CHECK_EQ(nvmu_host_qpair_pending(qp), 0);
	CHECK(untouched(w));
	/*
	 * Again, giving up while another thread resets the controller (300 ms to ready). The
	 * resetting thread's register reads step the device (mode=step), which may answer the
	 * read before the reset pauses the pair: then the read succeeds within the wait, and
	 * the case is tried again.
	 */
	for (unsigned attempt = 0; attempt < 5 && rc != -ETIMEDOUT; attempt++) {
		*w = (struct nvmu_host_waiter){ 0 };
		CHECK_EQ(nvmu_ns_read(qp, ns, 2, &buf, 1, 0, nvmu_host_sync_cb, w), 0);
		CHECK_EQ(pthread_create(&t, NULL, reset_thread, h), 0);
		while (nvmu_host_state(h) != NVMU_CTRL_RESETTING)
			nvmu_host_qpair_poll(qp, 0); /* acknowledges the pause */
		rc = nvmu_host_wait(qp, w, 20);
		CHECK(rc == -ETIMEDOUT || rc == 0);
		if (rc == -ETIMEDOUT)
			memset(w, GAVE_UP, sizeof(*w));
		CHECK_EQ(pthread_join(t, &ret), 0);
		CHECK_EQ((intptr_t)ret, 0);
		for (unsigned k = 0; k < 100 && nvmu_host_qpair_pending(qp); k++) {
			nvmu_soft_step(nvmu_ctrl_transport(nvmu_host_core(h)), 0);
			nvmu_host_qpair_poll(qp, 0);
		}
		CHECK_EQ(nvmu_host_qpair_pending(qp), 0); /* ended by the reset, nobody told */
	}
	CHECK_EQ(rc, -ETIMEDOUT);
	CHECK(untouched(w));
	nvmu_host_dma_free(h, &buf);
	CHECK_EQ(nvmu_host_qpair_delete(qp), 0);
out:
	free(w);
	if (h)
		detach(h);
}

TEST(callbacks_during_pair_deletion_cannot_leave_commands_behind)
{
	struct nvmu_host_ctrl *h = attach("soft:size=1M,mode=step");
	struct nvmu_host_qpair *qp = NULL;
	struct again_slot slots[8];
	struct nvmu_dma_buf buf;

	if (!h)
		return;
	CHECK_EQ(nvmu_host_qpair_create(h, NULL, &qp), 0);
	CHECK_EQ(nvmu_host_dma_alloc(h, 512, &buf), 0);
	for (unsigned i = 0; i < 8 && qp; i++) {
		slots[i] = (struct again_slot){ qp, nvmu_host_ns(h, 0), &buf, 0, 1, 1 };
		CHECK_EQ(nvmu_ns_read(qp, slots[i].ns, i, &buf, 1, 0, resubmit_done, &slots[i]), 0);
	}
	/* Nothing stepped: all 8 are in flight when the pair goes; each ends once, and the
	 * read its callback tries to submit is refused, not lost. */
	CHECK_EQ(nvmu_host_qpair_delete(qp), 0);
	for (unsigned i = 0; i < 8; i++) {
		CHECK_EQ(slots[i].calls, 1);
		CHECK_EQ(slots[i].err, -ECANCELED);
		CHECK_EQ(slots[i].resubmit, -ESHUTDOWN);
	}
	nvmu_host_dma_free(h, &buf);
	detach(h);
}

/*
 * The fast path's first try takes up to two pages from a start that leaves room for them
 * (namespace limits set at attach); reads at the namespace's end, of three pages, or at an
 * offset that spans three pages go the exact way. Each reads its own blocks; one past the
 * end is refused.
 */
TEST(reads_at_the_fast_limits)
{
	struct nvmu_host_ctrl *h = attach("soft:size=1M,lbs=4096"); /* 256 blocks */
	struct nvmu_host_qpair *qp = NULL;
	struct nvmu_dma_buf buf, rd;
	struct nvmu_ns *ns;
	struct {
		uint64_t lba;
		size_t off, len;
	} cases[] = {
		{ 255, 0, 4096 }, { 254, 0, 8192 }, { 253, 0, 12288 }, { 100, 0, 8192 },
		{ 100, 2048, 4096 }, { 100, 2048, 8192 }, { 254, 4, 8192 },
	};

	if (!h)
		return;
	ns = nvmu_host_ns(h, 0);
	CHECK_EQ(nvmu_host_qpair_create(h, NULL, &qp), 0);
	CHECK_EQ(nvmu_host_dma_alloc(h, 256 * 4096, &buf), 0);
	CHECK_EQ(nvmu_host_dma_alloc(h, 4 * 4096, &rd), 0);
	for (size_t i = 0; i < 256 * 4096; i++)
		((uint8_t *)buf.vaddr)[i] = (uint8_t)(i / 4096 * 7 + i);
	CHECK_EQ(nvmu_ns_write_sync(qp, ns, 0, &buf, 1, 0, TIMEOUT_MS, NULL), 0);
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]) && qp; k++) {
		struct nvmu_dma_buf piece = nvmu_dma_slice(&rd, cases[k].off, cases[k].len);

		memset(rd.vaddr, 0, 4 * 4096);
		CHECK_EQ(nvmu_ns_read_sync(qp, ns, cases[k].lba, &piece, 1, 0, TIMEOUT_MS, NULL), 0);
		CHECK(memcmp(piece.vaddr, (uint8_t *)buf.vaddr + cases[k].lba * 4096,
			     cases[k].len) == 0);
	}
	rd.len = 8192;
	CHECK_EQ(nvmu_ns_read(qp, ns, 255, &rd, 1, 0, NULL, NULL), -ERANGE);
	rd.len = 4096;
	CHECK_EQ(nvmu_ns_read(qp, ns, 256, &rd, 1, 0, NULL, NULL), -ERANGE);
	rd.len = 4 * 4096;
	nvmu_host_dma_free(h, &rd);
	nvmu_host_dma_free(h, &buf);
	CHECK_EQ(nvmu_host_qpair_delete(qp), 0);
	detach(h);
}

/* ---- namespace commands ---- */

RUN_TESTS(T(large_queue_keeps_at_most_1024_commands_in_flight),
	  T(a_device_that_fetches_nothing_gets_no_slot_overwritten),
	  T(a_waiter_that_gives_up_is_not_written_to),
	  T(callbacks_during_pair_deletion_cannot_leave_commands_behind),
	  T(reads_at_the_fast_limits))
