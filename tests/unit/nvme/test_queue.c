/* SPDX-License-Identifier: MIT */
/* Queue rings on plain memory (wrap, phase, batched doorbells) and a queue pair over a
 * fake transport: CIDs, PRPs into tracker pages, bogus completions counted not followed. */
#include "check.h"
#include "fake_transport.h"
#include "nvme/nvme_internal.h"

#define DB_UNTOUCHED 0xdeadbeefu

TEST(sq_fills_wraps_and_rings_once_per_batch)
{
	struct nvmu_sqe ring[4] = { 0 };
	uint32_t db = DB_UNTOUCHED;
	struct nvmu_sq sq = { .ring = ring, .doorbell = &db, .size = 4 };
	struct nvmu_sqe cmd = { .opcode = 2 };

	CHECK_EQ(nvmu_sq_space(&sq), 3);
	nvmu_sq_ring(&sq); /* nothing posted: no doorbell write */
	CHECK_EQ(db, DB_UNTOUCHED);
	for (int i = 0; i < 3; i++) {
		cmd.cid = (uint16_t)i;
		CHECK_EQ(nvmu_sq_post(&sq, &cmd), 0);
	}
	CHECK_EQ(nvmu_sq_post(&sq, &cmd), -EAGAIN); /* N entries hold N-1 commands */
	CHECK_EQ(ring[2].cid, 2);
	nvmu_sq_ring(&sq);
	CHECK_EQ(db, 3);
	db = DB_UNTOUCHED;
	nvmu_sq_ring(&sq);
	CHECK_EQ(db, DB_UNTOUCHED);
	/* The controller consumed two: two slots free, the tail wraps to 0 then 1. */
	CHECK(nvmu_sq_set_head(&sq, 2));
	CHECK_EQ(nvmu_sq_space(&sq), 2);
	cmd.cid = 3;
	CHECK_EQ(nvmu_sq_post(&sq, &cmd), 0);
	cmd.cid = 4;
	CHECK_EQ(nvmu_sq_post(&sq, &cmd), 0);
	CHECK_EQ(sq.tail, 1);
	CHECK_EQ(ring[3].cid, 3);
	CHECK_EQ(ring[0].cid, 4);
	nvmu_sq_ring(&sq);
	CHECK_EQ(db, 1);
	CHECK(!nvmu_sq_set_head(&sq, 4)); /* outside the queue: refused */
	CHECK_EQ(sq.head, 2);
}

static void post_cqe(struct nvmu_cqe *ring, uint16_t slot, uint16_t cid, uint16_t phase)
{
	ring[slot].cid = cid;
	ring[slot].status = phase;
}

TEST(cq_phase_flips_on_wrap)
{
	struct nvmu_cqe ring[3] = { 0 };
	uint32_t db = DB_UNTOUCHED;
	struct nvmu_cq cq = { .ring = ring, .doorbell = &db, .size = 3, .phase = 1 };

	CHECK(nvmu_cq_peek(&cq) == NULL); /* zeroed memory has phase 0: nothing new */
	for (uint16_t i = 0; i < 3; i++)
		post_cqe(ring, i, i, 1);
	for (uint16_t i = 0; i < 3; i++) {
		const volatile struct nvmu_cqe *c = nvmu_cq_peek(&cq);

		CHECK(c != NULL);
		if (c)
			CHECK_EQ(c->cid, i);
		nvmu_cq_advance(&cq);
	}
	CHECK_EQ(cq.head, 0);
	CHECK_EQ(cq.phase, 0);
	/* The old entries still carry phase 1: not new any more. */
	CHECK(nvmu_cq_peek(&cq) == NULL);
	nvmu_cq_ring(&cq);
	CHECK_EQ(db, 0);
	post_cqe(ring, 0, 9, 0);
	CHECK(nvmu_cq_peek(&cq) != NULL);
	nvmu_cq_advance(&cq);
	db = DB_UNTOUCHED;
	nvmu_cq_ring(&cq);
	CHECK_EQ(db, 1);
	db = DB_UNTOUCHED;
	nvmu_cq_ring(&cq); /* nothing consumed since: no write */
	CHECK_EQ(db, DB_UNTOUCHED);
}

TEST(doorbell_addresses_follow_the_stride)
{
	volatile uint8_t *base = (volatile uint8_t *)0x1000;

	CHECK_EQ((uintptr_t)nvmu_doorbell(base, 0, false, 0), 0x1000);
	CHECK_EQ((uintptr_t)nvmu_doorbell(base, 0, true, 0), 0x1004);
	CHECK_EQ((uintptr_t)nvmu_doorbell(base, 3, false, 0), 0x1018);
	CHECK_EQ((uintptr_t)nvmu_doorbell(base, 3, true, 2), 0x1000 + 7 * 16);
}

/* ---- a queue pair over the fake transport ---- */

static struct fake_transport ft;
/* Where the "controller" posts its next completion (reset by make_qpair()). */
static uint16_t dev_slot;
static uint8_t dev_phase;
static struct nvmu_ctrl ctrl;

struct done_log {
	unsigned calls;
	uint16_t last_status;
	int last_err;
};

static void on_done(void *arg, const struct nvmu_cpl *cpl)
{
	struct done_log *log = arg;

	log->calls++;
	log->last_status = cpl->status;
	log->last_err = cpl->err;
}

static struct nvmu_qpair *make_qpair(uint16_t qid, uint32_t entries)
{
	struct nvmu_qpair *qp = NULL;

	fake_transport_init(&ft);
	memset(&ctrl, 0, sizeof(ctrl));
	ctrl.t = &ft.t;
	ctrl.page_size = 4096;
	dev_slot = 0;
	dev_phase = 1;
	CHECK_EQ(qpair_alloc(&ctrl, qid, entries, 2u << 20, &qp), 0);
	return qp;
}

/* The "controller" completes the command with @cid, reporting SQ head @sqhd. */
static void device_completes(struct nvmu_qpair *qp, uint16_t cid, uint16_t sqhd, uint16_t status)
{
	struct nvmu_cqe *ring = (struct nvmu_cqe *)qp->cq_mem.vaddr;

	ring[dev_slot] = (struct nvmu_cqe){ .cid = cid, .sqhd = sqhd, .sqid = qp->qid,
					    .status = (uint16_t)(status << 1 | dev_phase) };
	if (++dev_slot == qp->cq.size) {
		dev_slot = 0;
		dev_phase ^= 1;
	}
}

TEST(qpair_submit_builds_prps_and_cids)
{
	struct nvmu_qpair *qp = make_qpair(1, 8);
	struct nvmu_sqe cmd = { .opcode = nvme_cmd_read, .nsid = 1 };
	struct done_log log = { 0 };
	const struct nvmu_sqe *ring;

	if (!qp)
		return;
	ring = qp->sq.ring;
	CHECK_EQ(qp->trk.n, 7);
	CHECK_EQ(qp->prp_pages, 1);
	/* Without data the command's own PRP fields go out unchanged (e.g. a queue base). */
	cmd.prp1 = 0x345000;
	CHECK_EQ(nvmu_qpair_submit(qp, &cmd, 0, 0, on_done, &log), 0);
	CHECK_EQ(ring[0].prp1, 0x345000);
	device_completes(qp, ring[0].cid, 1, 0);
	CHECK_EQ(nvmu_qpair_poll(qp, 0), 1);
	log.calls = 0;
	ring += 1; /* the two commands below land in slots 1 and 2 */
	CHECK_EQ(nvmu_qpair_submit(qp, &cmd, 0x200000, 512, on_done, &log), 0);
	CHECK_EQ(nvmu_qpair_submit(qp, &cmd, 0x200100, 3 * 4096, on_done, &log), 0);
	CHECK_EQ(ring[0].prp1, 0x200000);
	CHECK_EQ(ring[0].prp2, 0);
	CHECK_EQ(ring[1].prp1, 0x200100);
	CHECK_EQ(ring[1].prp2, qp->trk.t[ring[1].cid & 7].prp.iova); /* the tracker's page */
	CHECK_EQ(qp->trk.t[ring[1].cid & 7].prp.vaddr[0], 0x201000);
	CHECK_EQ(qp->trk.t[ring[1].cid & 7].prp.vaddr[2], 0x203000);
	CHECK(ring[0].cid != ring[1].cid);
	CHECK_EQ(ft.doorbells[2], 0); /* SQ 1 doorbell: not yet rung */
	nvmu_qpair_ring(qp);
	CHECK_EQ(ft.doorbells[2], 3);
	CHECK_EQ(nvmu_qpair_outstanding(qp), 2);
	/* Out-of-order completion with an error status. */
	device_completes(qp, ring[1].cid, 3, 0x4002);
	device_completes(qp, ring[0].cid, 3, 0);
	CHECK_EQ(nvmu_qpair_poll(qp, 1), 1);
	CHECK_EQ(log.last_status, 0x4002); /* ring[1]'s: the only error status */
	CHECK_EQ(log.last_err, -EREMOTEIO);
	CHECK_EQ(ft.doorbells[3], 2); /* CQ head doorbell after the reap */
	CHECK_EQ(nvmu_qpair_poll(qp, 0), 1);
	CHECK_EQ(log.calls, 2);
	CHECK_EQ(ft.doorbells[3], 3);
	CHECK_EQ(nvmu_qpair_poll(qp, 0), 0);
	CHECK_EQ(nvmu_qpair_outstanding(qp), 0);
	CHECK_EQ(qp->sq.head, 3);
	qpair_free(qp);
	CHECK_EQ(ft.live_allocs, 0);
}

TEST(bogus_completions_are_counted_not_followed)
{
	struct nvmu_qpair *qp = make_qpair(1, 8);
	struct nvmu_sqe cmd = { .opcode = nvme_cmd_flush, .nsid = 1 };
	struct done_log log = { 0 };
	struct nvmu_qpair_stats st;
	uint16_t first, second;

	if (!qp)
		return;
	nvmu_log_set_level(NVMU_LOG_ERROR); /* the warnings are expected here */
	CHECK_EQ(nvmu_qpair_submit(qp, &cmd, 0, 0, on_done, &log), 0);
	first = cmd.cid;
	device_completes(qp, first, 1, 0);
	device_completes(qp, first, 1, 0); /* duplicate: the tracker is idle now */
	device_completes(qp, 7, 1, 0);     /* index 7 of 7 trackers: out of range */
	CHECK_EQ(nvmu_qpair_poll(qp, 0), 3);
	CHECK_EQ(log.calls, 1);
	/* Reuse the tracker (new generation), then a late copy of the old CID arrives. */
	CHECK_EQ(nvmu_qpair_submit(qp, &cmd, 0, 0, on_done, &log), 0);
	second = cmd.cid;
	CHECK(second != first);
	CHECK_EQ(second & 7, first & 7);
	device_completes(qp, first, 2, 0);   /* stale generation */
	device_completes(qp, second, 200, 0); /* SQ head outside the queue */
	CHECK_EQ(nvmu_qpair_poll(qp, 0), 2);
	CHECK_EQ(log.calls, 2);
	nvmu_qpair_stats(qp, &st);
	CHECK_EQ(st.submitted, 2);
	CHECK_EQ(st.completed, 2);
	CHECK_EQ(st.bad_cids, 3);
	CHECK_EQ(st.bad_sqhd, 1);
	CHECK_EQ(qp->sq.head, 1); /* the bad head was not taken */
	nvmu_log_set_level(NVMU_LOG_WARN);
	qpair_free(qp);
}

TEST(abandoned_command_completes_late_without_callback)
{
	struct nvmu_qpair *qp = make_qpair(0, 4);
	struct nvmu_sqe cmd = { .opcode = nvme_admin_identify };
	struct done_log log = { 0 };
	struct nvmu_tracker *trk = NULL;
	struct nvmu_qpair_stats st;

	if (!qp)
		return;
	nvmu_log_set_level(NVMU_LOG_ERROR);
	CHECK_EQ(qpair_post(qp, &cmd, 0, 0, on_done, &log, &trk), 0);
	tracker_abandon(trk);
	CHECK_EQ(nvmu_qpair_outstanding(qp), 1); /* still reserved */
	device_completes(qp, cmd.cid, 1, 0);
	CHECK_EQ(nvmu_qpair_poll(qp, 0), 1);
	CHECK_EQ(log.calls, 0);
	nvmu_qpair_stats(qp, &st);
	CHECK_EQ(st.late, 1);
	CHECK_EQ(nvmu_qpair_outstanding(qp), 0);
	nvmu_log_set_level(NVMU_LOG_WARN);
	qpair_free(qp);
}

TEST(full_queue_says_so)
{
	struct nvmu_qpair *qp = make_qpair(1, 2);
	struct nvmu_sqe cmd = { .opcode = nvme_cmd_flush };

	if (!qp)
		return;
	CHECK_EQ(nvmu_qpair_submit(qp, &cmd, 0, 0, NULL, NULL), 0);
	CHECK_EQ(nvmu_qpair_submit(qp, &cmd, 0, 0, NULL, NULL), -EAGAIN);
	CHECK_STR_CONTAINS(nvmu_last_error(), "queue 1 is full (1 commands outstanding)");
	/* A transfer too big for the tracker's PRP page fails and frees the tracker. */
	qpair_free(qp);
	qp = make_qpair(1, 4);
	CHECK_EQ(nvmu_qpair_submit(qp, &cmd, 0x10000, 4u << 20, NULL, NULL), -E2BIG);
	CHECK_EQ(nvmu_qpair_outstanding(qp), 0);
	qpair_free(qp);
}

/* The fast path (nvmu_qpair_try_submit_prp()): one page, two pages, a list page; and
 * every refusal leaves the command and the pair as they were. */
TEST(fast_path_posts_or_takes_nothing)
{
	struct nvmu_qpair *qp = make_qpair(1, 4);
	struct nvmu_sqe cmd = { .opcode = nvme_cmd_read, .nsid = 1, .flags = 0x40 };
	struct done_log log = { 0 };
	const struct nvmu_sqe *ring;
	const struct nvmu_tracker *trk;

	if (!qp)
		return;
	ring = qp->sq.ring;
	CHECK_EQ(nvmu_qpair_try_submit_prp(qp, &cmd, 0x200000, 4096, on_done, &log), 0);
	CHECK_EQ(ring[0].prp1, 0x200000);
	CHECK_EQ(ring[0].prp2, 0);
	CHECK_EQ(ring[0].flags, 0); /* PSDT cleared: PRPs */
	CHECK_EQ(nvmu_qpair_try_submit_prp(qp, &cmd, 0x200ffc, 8, on_done, &log), 0);
	CHECK_EQ(ring[1].prp1, 0x200ffc);
	CHECK_EQ(ring[1].prp2, 0x201000); /* 4 bytes in each page */
	CHECK_EQ(nvmu_qpair_try_submit_prp(qp, &cmd, 0x300200, 2 * 4096, on_done, &log), 0);
	trk = &qp->trk.t[ring[2].cid & qp->trk.idx_mask];
	CHECK_EQ(ring[2].prp2, trk->prp.iova);
	CHECK_EQ(trk->prp.vaddr[0], 0x301000);
	CHECK_EQ(trk->prp.vaddr[1], 0x302000);
	CHECK_EQ(trk->state, TRACKER_BUSY);
	CHECK_EQ(trk->retries, 0);
	CHECK_EQ(trk->live_cid, ring[2].cid); /* accepting its CID */
	CHECK_EQ(qp->sq.tail, 3);
	CHECK_EQ(qp->stats.submitted, 3);
	/* Full (3 of 3): nothing changes, the command keeps its own PRP fields. */
	cmd.prp1 = 0x111;
	cmd.prp2 = 0x222;
	CHECK_EQ(nvmu_qpair_try_submit_prp(qp, &cmd, 0x400000, 4096, on_done, &log), 1);
	CHECK_EQ(cmd.prp1, 0x111);
	CHECK_EQ(cmd.prp2, 0x222);
	device_completes(qp, ring[0].cid, 1, 0);
	CHECK_EQ(nvmu_qpair_poll(qp, 0), 1);
	/* Refused, nothing taken: empty, misaligned, too long, halted. */
	CHECK_EQ(nvmu_qpair_try_submit_prp(qp, &cmd, 0x400000, 0, on_done, &log), 1);
	CHECK_EQ(nvmu_qpair_try_submit_prp(qp, &cmd, 0x400002, 512, on_done, &log), 1);
	CHECK_EQ(nvmu_qpair_try_submit_prp(qp, &cmd, 0x400000, (2u << 20) + 4096, on_done, &log), 1);
	nvmu_qpair_hold_set(qp, NVMU_QPAIR_HOLD_HALTED, true);
	CHECK_EQ(nvmu_qpair_try_submit_prp(qp, &cmd, 0x400000, 4096, on_done, &log), 1);
	nvmu_qpair_hold_set(qp, NVMU_QPAIR_HOLD_HALTED, false);
	CHECK_EQ(cmd.prp1, 0x111);
	CHECK_EQ(cmd.prp2, 0x222);
	CHECK_EQ(nvmu_qpair_outstanding(qp), 2);
	CHECK_EQ(qp->sq.tail, 3);
	CHECK_EQ(nvmu_qpair_try_submit_prp(qp, &cmd, 0x400000, 4096, on_done, &log), 0);
	CHECK_EQ(ring[3].prp1, 0x400000);
	CHECK_EQ(qp->sq.tail, 0); /* wrapped */
	qpair_free(qp);
}

/* Completions with a success status and with an error one, in one poll and across the
 * CQ's wrap: each callback once, with its status; the trackers go back to the free list. */
TEST(poll_takes_successes_and_errors)
{
	struct nvmu_qpair *qp = make_qpair(1, 4);
	struct nvmu_sqe cmd = { .opcode = nvme_cmd_flush, .nsid = 1 };
	struct done_log log = { 0 };
	uint16_t cid[3];

	if (!qp)
		return;
	for (unsigned round = 0; round < 3; round++) {
		for (unsigned i = 0; i < 3; i++) {
			CHECK_EQ(nvmu_qpair_submit(qp, &cmd, 0, 0, on_done, &log), 0);
			cid[i] = cmd.cid;
		}
		device_completes(qp, cid[1], (uint16_t)qp->sq.tail, 0);
		device_completes(qp, cid[0], (uint16_t)qp->sq.tail, 0x0002); /* Invalid Field */
		device_completes(qp, cid[2], (uint16_t)qp->sq.tail, 0);
		CHECK_EQ(nvmu_qpair_poll(qp, 2), 2);
		CHECK_EQ(log.last_status, 0x0002);
		CHECK_EQ(log.last_err, -EREMOTEIO);
		CHECK_EQ(nvmu_qpair_poll(qp, 0), 1);
		CHECK_EQ(log.last_status, 0);
		CHECK_EQ(log.last_err, 0);
		CHECK_EQ(nvmu_qpair_outstanding(qp), 0);
	}
	CHECK_EQ(log.calls, 9);
	CHECK_EQ(qp->stats.completed, 9);
	CHECK_EQ(qp->cq.phase, 1); /* 9 completions on a 4-entry CQ: flipped twice */
	CHECK_EQ(qp->cq.head, 1);
	qpair_free(qp);
}

/* ---- a lagging CQ head doorbell (polled queues) ---- */

/* A controller that fetches what the SQ tail doorbell shows and completes in order, but
 * posts only while the CQ is not full by the head doorbell it was given, as a real one
 * must: a host that lets it find the CQ full, and then waits without ringing the head,
 * hangs. */
struct strict_dev {
	uint16_t sq_head;  /* next SQ slot to fetch */
	uint16_t cids[16]; /* fetched and not completed yet, oldest first */
	unsigned fetched;
	unsigned stalls;   /* times it had a completion to post and found the CQ full */
};

static void strict_dev_run(struct nvmu_qpair *qp, struct strict_dev *d)
{
	const struct nvmu_sqe *ring = qp->sq.ring;

	while (d->sq_head != (uint16_t)ft.doorbells[2]) { /* SQ 1 tail */
		CHECK(d->fetched < 16);
		d->cids[d->fetched++] = ring[d->sq_head].cid;
		d->sq_head = (uint16_t)((d->sq_head + 1) % qp->sq.size);
	}
	while (d->fetched) {
		if ((uint32_t)(dev_slot + 1) % qp->cq.size == ft.doorbells[3]) { /* CQ 1 head */
			d->stalls++;
			return;
		}
		device_completes(qp, d->cids[0], d->sq_head, 0);
		memmove(d->cids, d->cids + 1, --d->fetched * sizeof(d->cids[0]));
	}
}

TEST(lagging_cq_head_never_lets_the_cq_fill)
{
	struct nvmu_qpair *qp = make_qpair(1, 16);
	struct nvmu_sqe cmd = { .opcode = nvme_cmd_flush, .nsid = 1 };
	struct done_log log = { 0 };
	struct strict_dev d = { 0 };
	uint32_t seed = 7, submitted = 0;

	if (!qp)
		return;
	qp->cq.lag = 4; /* what a polled 16-entry queue gets */
	/* One command at a time: the head doorbell moves every fourth completion. */
	for (unsigned i = 1; i <= 8; i++) {
		CHECK_EQ(nvmu_qpair_submit(qp, &cmd, 0, 0, on_done, &log), 0);
		nvmu_qpair_ring(qp);
		strict_dev_run(qp, &d);
		CHECK_EQ(nvmu_qpair_poll(qp, 0), 1);
		CHECK_EQ(ft.doorbells[3], i / 4 * 4);
	}
	submitted = 8;
	/* Batches of any size up to a full queue (15 commands), reaped a few at a time: the
	 * head is rung whenever the controller could otherwise fill the CQ. */
	for (unsigned round = 0; round < 3000; round++) {
		uint32_t room = 15 - nvmu_qpair_outstanding(qp), n;

		seed = seed * 1103515245u + 12345u;
		n = (seed >> 16) % (room + 1);
		for (uint32_t k = 0; k < n; k++)
			CHECK_EQ(nvmu_qpair_submit(qp, &cmd, 0, 0, on_done, &log), 0);
		submitted += n;
		nvmu_qpair_ring(qp);
		strict_dev_run(qp, &d);
		CHECK_EQ(d.stalls, 0);
		if (d.stalls)
			break;
		seed = seed * 1103515245u + 12345u;
		nvmu_qpair_poll(qp, 1 + (seed >> 16) % 6);
	}
	while (nvmu_qpair_outstanding(qp) && !d.stalls) {
		strict_dev_run(qp, &d);
		nvmu_qpair_poll(qp, 0);
	}
	CHECK_EQ(d.stalls, 0);
	CHECK_EQ(log.calls, submitted);
	qpair_free(qp);
}

RUN_TESTS(T(sq_fills_wraps_and_rings_once_per_batch), T(cq_phase_flips_on_wrap),
	  T(doorbell_addresses_follow_the_stride), T(qpair_submit_builds_prps_and_cids),
	  T(bogus_completions_are_counted_not_followed),
	  T(abandoned_command_completes_late_without_callback), T(full_queue_says_so),
	  T(fast_path_posts_or_takes_nothing), T(poll_takes_successes_and_errors),
	  T(lagging_cq_head_never_lets_the_cq_fill))
