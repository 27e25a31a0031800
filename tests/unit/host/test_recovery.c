/* SPDX-License-Identifier: MIT */
/* Recovery of the host API on the software controller: one test per fault (lost
 * completion, Abort refused or lost, wrong/stale/duplicate CIDs, CSTS.CFS, surprise
 * removal, slow ready, error status with and without DNR, resets by the application, also
 * from another thread). Each asserts the outcome, that every request completed exactly
 * once, that nothing is left pending, and that acknowledged writes read back intact. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>

#include "check.h"
#include "nvmu/host.h"
#include "nvmu/nvme_soft.h"

#define LBS 4096u
#define MAX_REQS 96
#define SHORT_MS 200   /* deadline of the commands meant to time out */
#define LONG_MS 10000  /* deadline of the commands that must not */
#define WAIT_MS 3000   /* bound of every wait */
#define SETTLE_MS 50   /* polling after the last completion, to catch a second one */
#define SPEC "lbs=4096,size=4M"

#define STATUS(sct, sc) ((uint16_t)((sct) << NVME_SCT_SHIFT | (sc)))
#define ABORTED_BY_HOST NVMU_STATUS_HOST(NVME_SC_CMD_ABORTED_BY_HOST)

/* What one request's callback saw. */
struct tally {
	unsigned calls;
	int err;
	uint16_t status;
	uint64_t submit_ns, done_ns;
};

struct rig {
	struct nvmu_host_ctrl *h;
	struct nvmu_transport *t;
	struct nvmu_ns *ns;
	struct nvmu_host_qpair *qp;
	struct nvmu_host_qpair *qp2; /* a second pair, when a test makes one */
	struct nvmu_dma_buf buf; /* one block per request */
	struct tally req[MAX_REQS];
	unsigned n;              /* requests submitted */
};

static void tally_cb(void *arg, const struct nvmu_cpl *cpl)
{
	struct tally *t = arg;

	t->calls++;
	t->err = cpl->err;
	t->status = cpl->status;
	t->done_ns = nvmu_now_ns();
}

static uint32_t ms_since(uint64_t ns)
{
	return (uint32_t)((nvmu_now_ns() - ns) / 1000000u);
}

/* Attach "soft:@spec" with @ho and create a pair with @qo. */
static bool rig_open(struct rig *r, const char *spec, const struct nvmu_host_opts *ho,
		     const struct nvmu_host_qpair_opts *qo)
{
	char dev[128];

	memset(r, 0, sizeof(*r));
	snprintf(dev, sizeof(dev), "soft:%s", spec);
	if (nvmu_host_attach(dev, ho, &r->h) < 0) {
		fprintf(stderr, "attach %s: %s\n", dev, nvmu_last_error());
		check_failures++;
		return false;
	}
	r->t = nvmu_ctrl_transport(nvmu_host_core(r->h));
	r->ns = nvmu_host_ns(r->h, 0);
	CHECK_EQ(nvmu_host_qpair_create(r->h, qo, &r->qp), 0);
	CHECK_EQ(nvmu_host_dma_alloc(r->h, (size_t)MAX_REQS * LBS, &r->buf), 0);
	return r->ns && r->qp && r->buf.vaddr;
}

static uint64_t violations(struct rig *r)
{
	struct nvmu_soft_violations v;

	nvmu_soft_violations(r->t, &v);
	if (v.total) {
		char text[2048];

		nvmu_soft_violations_text(r->t, text, sizeof(text));
		fprintf(stderr, "%s", text);
	}
	return v.total;
}

/* Detach (bounded: it must return within a second); returns detach's result. */
static int rig_close(struct rig *r)
{
	uint64_t t0 = nvmu_now_ns();
	int ret;

	if (!r->h)
		return 0;
	CHECK_EQ(violations(r), 0);
	nvmu_host_dma_free(r->h, &r->buf);
	ret = nvmu_host_detach(r->h);
	CHECK(ms_since(t0) < 1000);
	r->h = NULL;
	return ret;
}

static int fault(struct rig *r, struct nvmu_soft_fault f)
{
	int id = nvmu_soft_fault_add(r->t, &f);

	CHECK(id >= 0);
	return id;
}

/* Wait (bounded) until rule @id fired @n times: the commands it holds were fetched. */
static void wait_hits(struct rig *r, int id, uint64_t n)
{
	uint64_t deadline = nvmu_deadline_ms(WAIT_MS);

	while (nvmu_soft_fault_hits(r->t, id) < n && !nvmu_deadline_passed(deadline))
		nvmu_sleep_us(100);
	CHECK_EQ(nvmu_soft_fault_hits(r->t, id), n);
}

/* A rule matching the I/O commands of @opcode. */
static struct nvmu_soft_fault io_rule(uint8_t opcode, enum nvmu_soft_fault_action a)
{
	return (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO | NVMU_SOFT_MATCH_OPCODE,
					 .opcode = opcode, .action = a };
}

/* A rule matching admin commands of @opcode. */
static struct nvmu_soft_fault admin_rule(uint8_t opcode, enum nvmu_soft_fault_action a)
{
	return (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_QUEUE | NVMU_SOFT_MATCH_OPCODE,
					 .opcode = opcode, .qid = 0, .action = a };
}

/* The 64-bit words of block @lba written in round @gen (round 0: never written, zeroes). */
static uint64_t pattern(uint64_t lba, unsigned gen, size_t word)
{
	return gen ? lba << 40 | (uint64_t)gen << 20 | word : 0;
}

static void fill(void *p, uint64_t lba, unsigned gen)
{
	uint64_t *w = p;

	for (size_t i = 0; i < LBS / 8; i++)
		w[i] = pattern(lba, gen, i);
}

static bool holds(const void *p, uint64_t lba, unsigned gen)
{
	const uint64_t *w = p;

	for (size_t i = 0; i < LBS / 8; i++)
		if (w[i] != pattern(lba, gen, i))
			return false;
	return true;
}

/* Submit on @qp a read (or a write of round @gen's pattern) of block @lba with request
 * slot r->n. Returns the slot. */
static unsigned submit_on(struct rig *r, struct nvmu_host_qpair *qp, bool write, uint64_t lba,
			  unsigned gen)
{
	unsigned i = r->n++;
	struct nvmu_dma_buf piece = nvmu_dma_slice(&r->buf, (size_t)i * LBS, LBS);
	int ret;

	r->req[i].submit_ns = nvmu_now_ns();
	if (write) {
		fill(piece.vaddr, lba, gen);
		ret = nvmu_ns_write(qp, r->ns, lba, &piece, 1, 0, tally_cb, &r->req[i]);
	} else {
		memset(piece.vaddr, 0, LBS);
		ret = nvmu_ns_read(qp, r->ns, lba, &piece, 1, 0, tally_cb, &r->req[i]);
	}
	if (ret < 0)
		fprintf(stderr, "submission %u: %s\n", i, nvmu_last_error());
	CHECK_EQ(ret, 0);
	return i;
}

static unsigned submit(struct rig *r, bool write, uint64_t lba, unsigned gen)
{
	return submit_on(r, r->qp, write, lba, gen);
}

/* Submit one with a deadline of @ms, then go back to @after_ms for the next ones. */
static unsigned submit_timed(struct rig *r, bool write, uint64_t lba, uint32_t ms,
			     uint32_t after_ms)
{
	unsigned i;

	CHECK_EQ(nvmu_host_qpair_set_timeout(r->qp, ms), 0);
	i = submit(r, write, lba, 0);
	CHECK_EQ(nvmu_host_qpair_set_timeout(r->qp, after_ms), 0);
	return i;
}

static bool all_done(const struct rig *r)
{
	for (unsigned i = 0; i < r->n; i++)
		if (r->req[i].calls == 0)
			return false;
	return nvmu_host_qpair_pending(r->qp) == 0 &&
	       (!r->qp2 || nvmu_host_qpair_pending(r->qp2) == 0);
}

static void poll_once(struct rig *r, bool admin)
{
	nvmu_host_process_completions(r->qp, 0);
	if (r->qp2)
		nvmu_host_process_completions(r->qp2, 0);
	if (admin)
		nvmu_host_admin_poll(r->h);
}

/* Poll (also the admin queue when @admin) until every request completed or @ms passed;
 * then a little longer to catch a second completion. Returns true if all completed. */
static bool run(struct rig *r, bool admin, uint32_t ms)
{
	uint64_t deadline = nvmu_deadline_ms(ms);
	bool done;

	while (!(done = all_done(r)) && !nvmu_deadline_passed(deadline))
		poll_once(r, admin);
	deadline = nvmu_deadline_ms(SETTLE_MS);
	while (!nvmu_deadline_passed(deadline))
		poll_once(r, admin);
	return done;
}

/* Poll until the controller's state is @st or @ms passed; returns the milliseconds it took. */
static uint32_t run_until_state(struct rig *r, bool admin, enum nvmu_ctrl_state st, uint32_t ms)
{
	uint64_t t0 = nvmu_now_ns(), deadline = nvmu_deadline_ms(ms);

	while (nvmu_host_state(r->h) != st && !nvmu_deadline_passed(deadline))
		poll_once(r, admin);
	CHECK_EQ(nvmu_host_state(r->h), st);
	return ms_since(t0);
}

/* Every request submitted completed exactly once and nothing is pending. */
static void check_once(struct rig *r)
{
	for (unsigned i = 0; i < r->n; i++) {
		if (r->req[i].calls != 1) {
			fprintf(stderr, "request %u completed %u times\n", i, r->req[i].calls);
			check_failures++;
		}
	}
	CHECK_EQ(nvmu_host_qpair_pending(r->qp), 0);
	CHECK_EQ(nvmu_host_qpair_waiting(r->qp), 0);
	if (r->qp2)
		CHECK_EQ(nvmu_host_qpair_pending(r->qp2), 0);
}

/* Request @i's error, with its status in the message when it is not @err. */
static void check_err(const struct rig *r, unsigned i, int err)
{
	if (r->req[i].err != err) {
		char text[NVMU_STATUS_TEXT_MAX];

		fprintf(stderr, "request %u: err %d, expected %d (status %s)\n", i, r->req[i].err,
			err, nvmu_status_text(r->req[i].status, text, sizeof(text)));
		check_failures++;
	}
}

static void check_errs(const struct rig *r, unsigned from, unsigned to, int err)
{
	for (unsigned i = from; i < to; i++)
		check_err(r, i, err);
}

/* Milliseconds from request @i's submission to its completion. */
static uint32_t latency_ms(const struct rig *r, unsigned i)
{
	return (uint32_t)((r->req[i].done_ns - r->req[i].submit_ns) / 1000000u);
}

/* The longest a request took (how long the recovery held it up). */
static uint32_t worst_latency_ms(const struct rig *r)
{
	uint32_t worst = 0;

	for (unsigned i = 0; i < r->n; i++)
		if (latency_ms(r, i) > worst)
			worst = latency_ms(r, i);
	return worst;
}

static struct nvmu_ctrl_recovery_stats rec(const struct rig *r)
{
	struct nvmu_ctrl_recovery_stats st;

	nvmu_ctrl_recovery_stats(nvmu_host_core(r->h), &st);
	return st;
}

static struct nvmu_qpair_stats qstats(const struct rig *r)
{
	struct nvmu_qpair_stats st;

	nvmu_qpair_stats(nvmu_host_qpair_core(r->qp), &st);
	return st;
}

/* Reads of blocks [0, @count) return what round @gen wrote; the queue pair still works. */
static void check_blocks(struct rig *r, unsigned count, unsigned gen)
{
	unsigned first = r->n;

	for (unsigned b = 0; b < count; b++)
		submit(r, false, b, 0);
	CHECK(run(r, false, WAIT_MS));
	check_errs(r, first, r->n, 0);
	for (unsigned b = 0; b < count; b++) {
		if (!holds((uint8_t *)r->buf.vaddr + (size_t)(first + b) * LBS, b, gen)) {
			fprintf(stderr, "block %u does not hold round %u's data\n", b, gen);
			check_failures++;
		}
	}
}

static void report(const char *test, const struct rig *r, uint32_t ms)
{
	fprintf(stderr, "# %s: recovered in %u ms (last reset %llu us, %llu resets)\n", test, ms,
		(unsigned long long)rec(r).last_reset_us, (unsigned long long)rec(r).resets);
}

/* ---- lost completions: Abort, and the reset when Abort does not end them ---- */

TEST(lost_completion_is_aborted)
{
	struct rig r;

	if (!rig_open(&r, SPEC, NULL, &(struct nvmu_host_qpair_opts){ .timeout_ms = SHORT_MS }))
		goto out;
	fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO, .nth = 3, .times = 1,
					    .action = NVMU_SOFT_FAULT_NEVER });
	for (unsigned i = 0; i < 8; i++)
		submit(&r, false, i, 0);
	CHECK(run(&r, true, WAIT_MS));
	check_once(&r);
	check_errs(&r, 0, 2, 0);
	check_err(&r, 2, -ETIMEDOUT);
	check_errs(&r, 3, 8, 0);
	CHECK_EQ(r.req[2].status, STATUS(NVME_SCT_GENERIC, NVME_SC_ABORT_REQ));
	CHECK(latency_ms(&r, 2) >= SHORT_MS && latency_ms(&r, 2) < 1000);
	CHECK_EQ(rec(&r).timeouts, 1);
	CHECK_EQ(rec(&r).aborts_sent, 1);
	CHECK_EQ(rec(&r).aborts_done, 1);
	CHECK_EQ(rec(&r).resets, 0);
	CHECK_EQ(qstats(&r).timeouts, 1);
	CHECK_EQ(nvmu_host_state(r.h), NVMU_CTRL_LIVE);
	report(__func__, &r, latency_ms(&r, 2));
	check_blocks(&r, 4, 0); /* zeroes: never written */
	check_once(&r);
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* The Abort fails: the controller asks for a reset (observed with no_auto_reset), the
 * application resets; the timed-out command ends with -ETIMEDOUT, the others in flight
 * with -ECANCELED (no reposts). */
TEST(abort_refused_asks_for_reset)
{
	struct rig r;
	struct nvmu_soft_fault refuse = admin_rule(nvme_admin_abort_cmd, NVMU_SOFT_FAULT_STATUS);
	struct nvmu_soft_fault late = io_rule(nvme_cmd_read, NVMU_SOFT_FAULT_LATE);
	uint32_t ms;

	if (!rig_open(&r, SPEC, &(struct nvmu_host_opts){ .no_auto_reset = true }, NULL))
		goto out;
	refuse.status = STATUS(NVME_SCT_CMD_SPECIFIC, NVME_SC_ABORT_LIMIT) | NVME_SC_DNR;
	fault(&r, refuse);
	fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO, .times = 1,
					    .action = NVMU_SOFT_FAULT_NEVER });
	late.delay_ms = 5000;
	late.times = 4;
	fault(&r, late);
	submit_timed(&r, false, 0, SHORT_MS, LONG_MS);
	for (unsigned i = 1; i < 5; i++)
		submit(&r, false, i, 0);
	ms = run_until_state(&r, true, NVMU_CTRL_NEEDS_RESET, WAIT_MS);
	CHECK(ms >= SHORT_MS && ms < 1000);
	CHECK_STR_CONTAINS(nvmu_ctrl_reason(nvmu_host_core(r.h)), "Abort");
	CHECK_STR_CONTAINS(nvmu_ctrl_reason(nvmu_host_core(r.h)), "ABORT_LIMIT");
	for (unsigned i = 0; i < r.n; i++)
		CHECK_EQ(r.req[i].calls, 0); /* waiting for the reset */
	CHECK_EQ(nvmu_host_reset(r.h), 0);
	CHECK_EQ(nvmu_host_state(r.h), NVMU_CTRL_LIVE);
	CHECK(run(&r, true, WAIT_MS));
	check_once(&r);
	check_err(&r, 0, -ETIMEDOUT);
	check_errs(&r, 1, 5, -ECANCELED);
	CHECK_EQ(r.req[1].status, ABORTED_BY_HOST);
	CHECK_EQ(rec(&r).aborts_sent, 1);
	CHECK_EQ(rec(&r).aborts_done, 0);
	CHECK_EQ(rec(&r).resets, 1);
	CHECK_EQ(qstats(&r).bad_cids, 0); /* the held commands died with the reset */
	report(__func__, &r, ms);
	check_blocks(&r, 2, 0);
	check_once(&r);
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* Lost completion -> Abort (lost too) -> reset after a second deadline, automatically,
 * without anybody polling the admin queue; the commands of another pair are reposted. */
TEST(lost_completion_and_lost_abort_reset)
{
	struct rig r;
	struct nvmu_soft_fault late = io_rule(nvme_cmd_read, NVMU_SOFT_FAULT_LATE);
	struct nvmu_qpair_stats st2;
	int lost, held;

	if (!rig_open(&r, SPEC, NULL,
		      &(struct nvmu_host_qpair_opts){ .timeout_ms = SHORT_MS, .retries = 1 }))
		goto out;
	CHECK_EQ(nvmu_host_qpair_create(r.h, &(struct nvmu_host_qpair_opts){ .retries = 1 },
					&r.qp2), 0);
	fault(&r, admin_rule(nvme_admin_abort_cmd, NVMU_SOFT_FAULT_NEVER));
	lost = fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO, .times = 1,
						   .action = NVMU_SOFT_FAULT_NEVER });
	late.delay_ms = 5000;
	late.times = 3;
	held = fault(&r, late);
	submit(&r, false, 0, 0);
	wait_hits(&r, lost, 1);
	for (unsigned i = 1; i < 4; i++)
		submit_on(&r, r.qp2, false, i, 0);
	wait_hits(&r, held, 3);
	CHECK(run(&r, false, WAIT_MS));
	check_once(&r);
	check_err(&r, 0, -ETIMEDOUT);
	check_errs(&r, 1, 4, 0);
	CHECK_EQ(r.req[0].status, ABORTED_BY_HOST);
	CHECK(latency_ms(&r, 0) >= 2 * SHORT_MS && latency_ms(&r, 0) < 1500);
	CHECK_EQ(rec(&r).timeouts, 1);
	CHECK_EQ(rec(&r).aborts_sent, 1);
	CHECK_EQ(rec(&r).resets, 1);
	nvmu_qpair_stats(nvmu_host_qpair_core(r.qp2), &st2);
	CHECK_EQ(st2.reposted, 3);
	CHECK_EQ(qstats(&r).reposted, 0); /* the timed-out command is not reposted */
	report(__func__, &r, latency_ms(&r, 0));
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* Commands that take 40 ms on a pair with the shortest deadline (100 ms), submitted at
 * every moment between two periodic checks: none times out early. */
TEST(deadline_never_early)
{
	struct rig r;
	uint64_t next;

	if (!rig_open(&r, SPEC, NULL, &(struct nvmu_host_qpair_opts){ .timeout_ms = 100 }))
		goto out;
	fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO,
					    .action = NVMU_SOFT_FAULT_LATE, .delay_ms = 40 });
	next = nvmu_now_ns();
	while (r.n < 40) {
		if (nvmu_now_ns() >= next) {
			submit(&r, false, r.n % 8, 0);
			next += 7000000; /* 7 ms: out of step with the 100 ms checks */
		}
		poll_once(&r, true);
	}
	CHECK(run(&r, true, WAIT_MS));
	check_once(&r);
	check_errs(&r, 0, r.n, 0);
	CHECK_EQ(rec(&r).timeouts, 0);
	CHECK_EQ(rec(&r).aborts_sent, 0);
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* A completion with a wrong CID is ignored; its command times out, the controller says it
 * did not abort it, and the reset (started from the admin poll) ends it. */
TEST(wrong_cid_not_aborted_then_reset)
{
	struct rig r;

	if (!rig_open(&r, SPEC, NULL, &(struct nvmu_host_qpair_opts){ .timeout_ms = SHORT_MS }))
		goto out;
	fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO, .nth = 2, .times = 1,
					    .action = NVMU_SOFT_FAULT_WRONG_CID, .cid = 0x3ff });
	for (unsigned i = 0; i < 4; i++)
		submit(&r, false, i, 0);
	CHECK(run(&r, true, WAIT_MS));
	check_once(&r);
	check_err(&r, 0, 0);
	check_err(&r, 1, -ETIMEDOUT);
	check_errs(&r, 2, 4, 0);
	CHECK_EQ(qstats(&r).bad_cids, 1);
	CHECK_EQ(rec(&r).aborts_sent, 1);
	CHECK_EQ(rec(&r).aborts_done, 0);
	CHECK_EQ(rec(&r).resets, 1);
	CHECK_EQ(nvmu_host_state(r.h), NVMU_CTRL_LIVE);
	report(__func__, &r, latency_ms(&r, 1));
	check_blocks(&r, 4, 0);
	check_once(&r);
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* A completion posted with the wrong phase tag hides itself and every completion behind
 * it: those commands time out, the controller does not abort them (it answered), and the
 * reset ends them. */
TEST(wrong_phase_recovered_by_reset)
{
	struct rig r;

	if (!rig_open(&r, SPEC, NULL, &(struct nvmu_host_qpair_opts){ .timeout_ms = SHORT_MS }))
		goto out;
	fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO, .nth = 2, .times = 1,
					    .action = NVMU_SOFT_FAULT_BAD_PHASE });
	submit(&r, false, 0, 0);
	CHECK(run(&r, true, WAIT_MS));
	for (unsigned i = 1; i < 4; i++)
		submit(&r, false, i, 0);
	CHECK(run(&r, true, WAIT_MS));
	check_once(&r);
	check_err(&r, 0, 0);
	check_errs(&r, 1, 4, -ETIMEDOUT);
	CHECK_EQ(rec(&r).resets, 1);
	CHECK_EQ(rec(&r).aborts_done, 0);
	report(__func__, &r, latency_ms(&r, 1));
	check_blocks(&r, 4, 0);
	check_once(&r);
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* One child of a split request is lost: it is aborted, and the request completes once
 * with -ETIMEDOUT. */
TEST(split_request_child_lost)
{
	struct rig r;
	struct nvmu_soft_fault f = io_rule(nvme_cmd_write, NVMU_SOFT_FAULT_NEVER);
	struct nvmu_dma_buf big;
	struct tally t = { 0 };
	uint64_t deadline;

	if (!rig_open(&r, "mdts=5," SPEC, NULL,
		      &(struct nvmu_host_qpair_opts){ .timeout_ms = SHORT_MS, .retries = 1 }))
		goto out;
	f.nth = 2;
	f.times = 1;
	fault(&r, f);
	CHECK_EQ(nvmu_host_dma_alloc(r.h, 64 * LBS, &big), 0); /* two 128 KiB children */
	CHECK_EQ(nvmu_ns_write(r.qp, r.ns, 0, &big, 1, 0, tally_cb, &t), 0);
	deadline = nvmu_deadline_ms(WAIT_MS);
	while ((t.calls == 0 || nvmu_host_qpair_pending(r.qp)) && !nvmu_deadline_passed(deadline))
		poll_once(&r, true);
	CHECK(run(&r, true, WAIT_MS)); /* settles: the Abort's own completion, a second call */
	CHECK_EQ(t.calls, 1);
	CHECK_EQ(t.err, -ETIMEDOUT);
	CHECK_EQ(nvmu_host_qpair_pending(r.qp), 0);
	CHECK_EQ(rec(&r).aborts_done, 1);
	CHECK_EQ(rec(&r).resets, 0);
	nvmu_host_dma_free(r.h, &big);
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* An admin command without an answer: -ETIMEDOUT, the controller asks for a reset, a read
 * submitted meanwhile waits for it and completes after; admin commands work again. */
TEST(admin_command_lost)
{
	struct rig r;
	struct nvmu_sqe get = { .opcode = nvme_admin_get_features,
				.cdw10 = NVME_FEAT_FID_ARBITRATION };
	uint64_t t0;

	if (!rig_open(&r, SPEC, NULL, NULL))
		goto out;
	fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_OPCODE | NVMU_SOFT_MATCH_QUEUE,
					    .opcode = nvme_admin_get_features, .times = 1,
					    .action = NVMU_SOFT_FAULT_NEVER });
	t0 = nvmu_now_ns();
	CHECK_EQ(nvmu_host_admin(r.h, &get, NULL, SHORT_MS, NULL), -ETIMEDOUT);
	CHECK(ms_since(t0) >= SHORT_MS && ms_since(t0) < 1000);
	CHECK_STR_CONTAINS(nvmu_last_error(), "no completion within");
	CHECK_EQ(nvmu_host_state(r.h), NVMU_CTRL_NEEDS_RESET);
	CHECK_STR_CONTAINS(nvmu_ctrl_reason(nvmu_host_core(r.h)), "admin command");
	submit(&r, false, 0, 0);
	CHECK(run(&r, false, WAIT_MS));
	check_once(&r);
	check_err(&r, 0, 0);
	CHECK_EQ(rec(&r).resets, 1);
	CHECK_EQ(nvmu_host_admin(r.h, &get, NULL, 0, NULL), 0);
	report(__func__, &r, ms_since(t0));
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* ---- completions that name the wrong command ---- */

TEST(stale_and_duplicate_cids_ignored)
{
	struct rig r;
	int dup, stale, sqhd;

	if (!rig_open(&r, SPEC, NULL, &(struct nvmu_host_qpair_opts){ .timeout_ms = SHORT_MS }))
		goto out;
	dup = fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO, .nth = 3,
						  .action = NVMU_SOFT_FAULT_DUP_CID });
	stale = fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO, .nth = 6,
						    .action = NVMU_SOFT_FAULT_STALE_CID });
	sqhd = fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO, .nth = 9,
						   .action = NVMU_SOFT_FAULT_BAD_SQHD,
						   .cid = 0xffff });
	for (unsigned i = 0; i < 8; i++)
		submit(&r, true, i, 1);
	CHECK(run(&r, false, WAIT_MS));
	for (unsigned i = 8; i < 24; i++) /* as completions arrive: CIDs get reused */
		submit(&r, false, i % 8, 0);
	CHECK(run(&r, false, WAIT_MS));
	check_once(&r);
	check_errs(&r, 0, r.n, 0);
	CHECK_EQ(nvmu_soft_fault_hits(r.t, dup), 1);
	CHECK_EQ(nvmu_soft_fault_hits(r.t, stale), 1);
	CHECK_EQ(nvmu_soft_fault_hits(r.t, sqhd), 1);
	CHECK_EQ(qstats(&r).bad_cids, 2);
	CHECK_EQ(qstats(&r).bad_sqhd, 1);
	CHECK_EQ(qstats(&r).timeouts, 0);
	CHECK_EQ(rec(&r).resets, 0);
	for (unsigned i = 8; i < 24; i++)
		CHECK(holds((uint8_t *)r.buf.vaddr + (size_t)i * LBS, i % 8, 1));
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* Each read's completion is posted twice and the callback submits the next read at once,
 * so the duplicate arrives after its tracker was reused: its old generation is told apart
 * (the new read is not completed by it: its data is there), 200 times on one tracker.
 * On the default queue size: a queue of more than 32768 entries leaves no CID bits for a
 * generation (tracker.c/tracker.h), and there the duplicate completes the next read early. */
#define CHAIN_READS 200

struct chain {
	struct rig *r;
	unsigned calls[CHAIN_READS];
	unsigned next, failed, wrong_data;
};

static void chain_submit(struct chain *c);

static void chain_done(void *arg, const struct nvmu_cpl *cpl)
{
	struct chain *c = arg;

	c->calls[c->next - 1]++;
	if (cpl->err)
		c->failed++;
	if (!holds(c->r->buf.vaddr, c->next % 8, 1))
		c->wrong_data++;
	if (c->next < CHAIN_READS)
		chain_submit(c);
}

static void chain_submit(struct chain *c)
{
	struct nvmu_dma_buf piece = nvmu_dma_slice(&c->r->buf, 0, LBS);

	c->next++;
	memset(piece.vaddr, 0, LBS);
	CHECK_EQ(nvmu_ns_read(c->r->qp, c->r->ns, c->next % 8, &piece, 1, 0, chain_done, c), 0);
}

TEST(duplicate_cid_after_reuse_ignored)
{
	struct rig r;
	struct chain *c = calloc(1, sizeof(*c));
	uint64_t deadline = nvmu_deadline_ms(WAIT_MS);

	if (!c || !rig_open(&r, SPEC, NULL, NULL))
		goto out;
	for (unsigned b = 0; b < 8; b++)
		submit(&r, true, b, 1);
	CHECK(run(&r, false, WAIT_MS));
	fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO | NVMU_SOFT_MATCH_OPCODE,
					    .opcode = nvme_cmd_read,
					    .action = NVMU_SOFT_FAULT_DUP_CID });
	c->r = &r;
	chain_submit(c);
	/* A few completions per call: the CQ head doorbell then follows (one call reaping
	 * the whole chain would fill the CQ as the controller sees it, and it drops a
	 * duplicate it has no room for). */
	while ((c->next < CHAIN_READS || nvmu_host_qpair_pending(r.qp)) &&
	       !nvmu_deadline_passed(deadline))
		nvmu_host_process_completions(r.qp, 4);
	CHECK(run(&r, false, WAIT_MS));
	for (unsigned i = 0; i < CHAIN_READS; i++)
		if (c->calls[i] != 1)
			CHECK_EQ(c->calls[i], 1);
	CHECK_EQ(c->failed, 0);
	CHECK_EQ(c->wrong_data, 0);
	CHECK_EQ(qstats(&r).bad_cids, CHAIN_READS);
	CHECK_EQ(qstats(&r).completed, CHAIN_READS + 8);
out:
	free(c);
	CHECK_EQ(rig_close(&r), 0);
}

/* ---- fatal status ---- */

/* CSTS.CFS in the middle of a stream of writes (more than the queue holds): the reset
 * reposts what was in flight, the stream goes on on the same pair, and every write reads
 * back. */
TEST(cfs_mid_run_reposted)
{
	struct rig r;
	unsigned n = 48;

	if (!rig_open(&r, SPEC, NULL,
		      &(struct nvmu_host_qpair_opts){ .entries = 16, .retries = 2 }))
		goto out;
	fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO, .nth = 20, .times = 1,
					    .action = NVMU_SOFT_FAULT_CFS });
	for (unsigned i = 0; i < n; i++)
		submit(&r, true, i, 2);
	CHECK(run(&r, false, WAIT_MS));
	check_once(&r);
	check_errs(&r, 0, n, 0);
	CHECK_EQ(rec(&r).resets, 1);
	CHECK(qstats(&r).reposted >= 1);
	CHECK_EQ(nvmu_host_state(r.h), NVMU_CTRL_LIVE);
	report(__func__, &r, worst_latency_ms(&r));
	r.n = 0; /* the read-back uses the request slots again */
	memset(r.req, 0, sizeof(r.req));
	check_blocks(&r, n, 2);
	check_once(&r);
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* The same without reposts: the writes in flight end with -ECANCELED, the ones still
 * waiting in software go on after the reset. */
TEST(cfs_mid_run_cancelled)
{
	struct rig r;
	unsigned n = 48, ok = 0, cancelled = 0;

	if (!rig_open(&r, SPEC, NULL, &(struct nvmu_host_qpair_opts){ .entries = 16 }))
		goto out;
	fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO, .nth = 20, .times = 1,
					    .action = NVMU_SOFT_FAULT_CFS });
	for (unsigned i = 0; i < n; i++)
		submit(&r, true, i, 3);
	CHECK(run(&r, false, WAIT_MS));
	check_once(&r);
	for (unsigned i = 0; i < n; i++) {
		ok += r.req[i].err == 0;
		cancelled += r.req[i].err == -ECANCELED;
	}
	CHECK_EQ(ok + cancelled, n);
	CHECK(cancelled >= 1 && cancelled <= 15); /* at most a queue's worth was in flight */
	check_errs(&r, 0, 19, 0);              /* completed before the fault */
	check_err(&r, 19, -ECANCELED);          /* the one that raised CFS */
	check_errs(&r, 34, n, 0);               /* still waiting in software at the fault */
	CHECK_EQ(rec(&r).resets, 1);
	CHECK_EQ(qstats(&r).reposted, 0);
	report(__func__, &r, worst_latency_ms(&r));
	submit(&r, false, 0, 0); /* the same handle works */
	CHECK(run(&r, false, WAIT_MS));
	check_err(&r, n, 0);
	check_once(&r);
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* A pair driven by interrupts: after a CSTS.CFS reset its eventfd still signals. */
static bool irq_within(struct rig *r, int ms)
{
	struct pollfd pfd = { .fd = nvmu_host_qpair_eventfd(r->qp), .events = POLLIN };

	if (poll(&pfd, 1, ms) != 1)
		return false;
	nvmu_host_qpair_ack_irq(r->qp);
	return true;
}

TEST(interrupts_after_cfs_reset)
{
	struct rig r;
	uint64_t deadline;

	if (!rig_open(&r, SPEC, NULL, &(struct nvmu_host_qpair_opts){ .interrupts = true }))
		goto out;
	CHECK(nvmu_host_qpair_eventfd(r.qp) >= 0);
	submit(&r, true, 0, 10);
	CHECK(irq_within(&r, 1000));
	CHECK(run(&r, false, WAIT_MS));
	nvmu_soft_set_fatal(r.t);
	deadline = nvmu_deadline_ms(WAIT_MS);
	while (rec(&r).resets == 0 && !nvmu_deadline_passed(deadline))
		poll_once(&r, false);
	CHECK_EQ(rec(&r).resets, 1);
	submit(&r, false, 0, 0);
	CHECK(irq_within(&r, 1000));
	CHECK(run(&r, false, WAIT_MS));
	check_once(&r);
	check_errs(&r, 0, 2, 0);
	CHECK(holds((uint8_t *)r.buf.vaddr + LBS, 0, 10));
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* A controller left needing a reset (no automatic reset) detaches at once: its commands
 * end with -ECANCELED, the failed shutdown is reported. */
TEST(detach_while_needing_reset)
{
	struct rig r;
	uint64_t t0;

	if (!rig_open(&r, SPEC, &(struct nvmu_host_opts){ .no_auto_reset = true }, NULL))
		goto out;
	fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO, .nth = 2, .times = 1,
					    .action = NVMU_SOFT_FAULT_CFS });
	for (unsigned i = 0; i < 4; i++)
		submit(&r, false, i, 0);
	run_until_state(&r, false, NVMU_CTRL_NEEDS_RESET, WAIT_MS);
	CHECK_STR_CONTAINS(nvmu_ctrl_reason(nvmu_host_core(r.h)), "CFS");
	CHECK_EQ(nvmu_host_qpair_free(r.qp), -EIO); /* no Delete I/O SQ for it now */
	r.qp = NULL;
	check_err(&r, 0, 0);
	check_errs(&r, 1, 4, -ECANCELED);
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ(r.req[i].calls, 1);
	t0 = nvmu_now_ns();
	CHECK(rig_close(&r) < 0);
	CHECK(ms_since(t0) < 500);
	return;
out:
	rig_close(&r);
}

/* ---- removal ---- */

TEST(surprise_removal_ends_everything)
{
	struct rig r;
	struct nvmu_dma_buf piece;
	uint32_t ms;
	uint64_t t0;

	if (!rig_open(&r, SPEC, NULL, &(struct nvmu_host_qpair_opts){ .entries = 8 }))
		goto out;
	fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO, .nth = 3, .times = 1,
					    .action = NVMU_SOFT_FAULT_REMOVE });
	for (unsigned i = 0; i < 24; i++) /* 7 in flight, the rest waiting in software */
		submit(&r, false, i, 0);
	ms = run_until_state(&r, false, NVMU_CTRL_REMOVED, WAIT_MS);
	CHECK(ms <= 300);
	CHECK(run(&r, false, WAIT_MS));
	check_once(&r);
	check_errs(&r, 0, 2, 0);
	check_errs(&r, 2, 24, -ENODEV);
	CHECK_EQ(r.req[2].status, NVMU_STATUS_HOST(NVME_SC_HOST_PATH_ERROR));
	CHECK_STR_CONTAINS(nvmu_ctrl_reason(nvmu_host_core(r.h)), "all-ones");
	piece = nvmu_dma_slice(&r.buf, 0, LBS);
	CHECK_EQ(nvmu_ns_read(r.qp, r.ns, 0, &piece, 1, 0, tally_cb, &r.req[r.n]), -ENODEV);
	CHECK_EQ(nvmu_host_reset(r.h), -ENODEV);
	fprintf(stderr, "# %s: removal seen in %u ms\n", __func__, ms);
	t0 = nvmu_now_ns();
	CHECK_EQ(rig_close(&r), -ENODEV);
	CHECK(ms_since(t0) < 500);
	return;
out:
	rig_close(&r);
}

/* Removal while idle is seen by the admin poll alone; a command submitted meanwhile ends. */
TEST(surprise_removal_seen_by_admin_poll)
{
	struct rig r;
	uint64_t t0;
	uint32_t ms;

	if (!rig_open(&r, SPEC, NULL, NULL))
		goto out;
	submit(&r, false, 0, 0);
	CHECK(run(&r, false, WAIT_MS));
	nvmu_soft_surprise_remove(r.t);
	t0 = nvmu_now_ns();
	submit(&r, false, 1, 0);
	while (nvmu_host_state(r.h) != NVMU_CTRL_REMOVED && ms_since(t0) < WAIT_MS)
		nvmu_host_admin_poll(r.h);
	ms = ms_since(t0);
	CHECK(ms <= 300);
	CHECK_EQ(r.req[1].calls, 0);
	/* The pair's next poll ends its command. */
	nvmu_host_process_completions(r.qp, 0);
	CHECK_EQ(r.req[1].calls, 1);
	CHECK(run(&r, false, WAIT_MS));
	check_once(&r);
	check_err(&r, 0, 0);
	check_err(&r, 1, -ENODEV);
	CHECK_EQ(rig_close(&r), -ENODEV);
	return;
out:
	rig_close(&r);
}

struct remover {
	struct nvmu_transport *t;
	uint32_t after_ms;
};

static void *remove_later(void *arg)
{
	struct remover *rm = arg;

	nvmu_sleep_us(rm->after_ms * 1000ull);
	nvmu_soft_surprise_remove(rm->t);
	return NULL;
}

/* The device goes away while a reset waits for it to become ready: the reset stops at
 * once with -ENODEV, and the commands it held end with -ENODEV, as removal says. */
TEST(surprise_removal_during_reset)
{
	struct rig r;
	struct remover rm;
	pthread_t th;
	uint64_t t0;
	int id;

	if (!rig_open(&r, "to=10," SPEC, NULL, &(struct nvmu_host_qpair_opts){ .retries = 1 }))
		goto out;
	id = fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO, .times = 3,
						 .action = NVMU_SOFT_FAULT_LATE,
						 .delay_ms = 3000 });
	for (unsigned i = 0; i < 3; i++)
		submit(&r, false, i, 0);
	wait_hits(&r, id, 3);
	nvmu_soft_set_ready_delay(r.t, 4000);
	rm = (struct remover){ r.t, 200 };
	CHECK_EQ(pthread_create(&th, NULL, remove_later, &rm), 0);
	t0 = nvmu_now_ns();
	CHECK_EQ(nvmu_host_reset(r.h), -ENODEV);
	CHECK(ms_since(t0) < 1000);
	pthread_join(th, NULL);
	CHECK_EQ(nvmu_host_state(r.h), NVMU_CTRL_REMOVED);
	CHECK(run(&r, false, WAIT_MS));
	check_once(&r);
	check_errs(&r, 0, 3, -ENODEV);
	CHECK_EQ(rig_close(&r), -ENODEV);
	return;
out:
	rig_close(&r);
}

/* ---- slow ready ---- */

TEST(slow_ready_at_attach_is_bounded)
{
	struct nvmu_host_ctrl *h = NULL;
	uint64_t t0 = nvmu_now_ns();

	/* CAP.TO = 1 (500 ms); ready only after 3 s. */
	CHECK_EQ(nvmu_host_attach("soft:to=1,ready_delay=3000", NULL, &h), -ETIMEDOUT);
	CHECK(ms_since(t0) >= 500 && ms_since(t0) < 1500);
	CHECK_STR_CONTAINS(nvmu_last_error(), "did not become ready");
	CHECK(h == NULL);
	/* Slow but within CAP.TO: fine. */
	CHECK_EQ(nvmu_host_attach("soft:to=2,ready_delay=300", NULL, &h), 0);
	CHECK_EQ(nvmu_host_detach(h), 0);
}

/* A reset whose controller does not become ready in time fails (state FAILED, the message
 * names the state); submissions then fail with -EIO; a later reset brings it back behind
 * the same queue pair. A slow but timely ready is waited for. */
TEST(slow_ready_at_reset)
{
	struct rig r;
	struct nvmu_dma_buf piece;
	uint64_t t0;
	int ret, id;

	if (!rig_open(&r, "to=2," SPEC, NULL, &(struct nvmu_host_qpair_opts){ .retries = 1 }))
		goto out;
	nvmu_soft_set_ready_delay(r.t, 400);
	submit(&r, true, 0, 4);
	CHECK_EQ(nvmu_host_reset(r.h), 0);
	CHECK(rec(&r).last_reset_us >= 400000);
	CHECK(run(&r, false, WAIT_MS));
	check_err(&r, 0, 0);
	report(__func__, &r, worst_latency_ms(&r));

	nvmu_soft_set_ready_delay(r.t, 5000);
	id = fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO, .times = 2,
						 .action = NVMU_SOFT_FAULT_LATE,
						 .delay_ms = 3000 });
	submit(&r, true, 1, 4);
	submit(&r, false, 0, 0);
	wait_hits(&r, id, 2);
	t0 = nvmu_now_ns();
	ret = nvmu_host_reset(r.h);
	CHECK_EQ(ret, -ETIMEDOUT);
	CHECK(ms_since(t0) >= 1000 && ms_since(t0) < 2500);
	CHECK_STR_CONTAINS(nvmu_last_error(), "did not become ready");
	CHECK_EQ(nvmu_host_state(r.h), NVMU_CTRL_FAILED);
	CHECK_STR_CONTAINS(nvmu_ctrl_reason(nvmu_host_core(r.h)), "did not become ready");
	CHECK_EQ(rec(&r).resets_failed, 1);
	CHECK(run(&r, false, WAIT_MS));
	check_errs(&r, 1, 3, -ECANCELED);
	piece = nvmu_dma_slice(&r.buf, 0, LBS);
	CHECK_EQ(nvmu_ns_write(r.qp, r.ns, 0, &piece, 1, 0, tally_cb, &r.req[r.n]), -EIO);

	nvmu_soft_set_ready_delay(r.t, 0);
	CHECK_EQ(nvmu_host_reset(r.h), 0);
	CHECK_EQ(nvmu_host_state(r.h), NVMU_CTRL_LIVE);
	check_once(&r);
	r.n = 0;
	memset(r.req, 0, sizeof(r.req));
	check_blocks(&r, 1, 4); /* the write acknowledged before the resets */
	check_once(&r);
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* A reset that cannot re-create an I/O queue fails with the device's status; a second
 * reset brings the pair back. */
TEST(reset_fails_to_recreate_queue)
{
	struct rig r;
	struct nvmu_dma_buf piece;
	int id;

	if (!rig_open(&r, SPEC, NULL, &(struct nvmu_host_qpair_opts){ .retries = 1 }))
		goto out;
	id = fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO, .times = 2,
						 .action = NVMU_SOFT_FAULT_LATE,
						 .delay_ms = 3000 });
	submit(&r, true, 0, 9);
	submit(&r, false, 1, 0);
	wait_hits(&r, id, 2);
	fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_OPCODE | NVMU_SOFT_MATCH_QUEUE,
					    .opcode = nvme_admin_create_sq, .times = 1,
					    .action = NVMU_SOFT_FAULT_STATUS,
					    .status = STATUS(NVME_SCT_GENERIC, NVME_SC_INTERNAL) |
						      NVME_SC_DNR });
	CHECK_EQ(nvmu_host_reset(r.h), -EREMOTEIO);
	CHECK_STR_CONTAINS(nvmu_last_error(), "create I/O SQ");
	CHECK_EQ(nvmu_host_state(r.h), NVMU_CTRL_FAILED);
	CHECK(run(&r, false, WAIT_MS));
	check_once(&r);
	check_errs(&r, 0, 2, -ECANCELED);
	piece = nvmu_dma_slice(&r.buf, 0, LBS);
	CHECK_EQ(nvmu_ns_read(r.qp, r.ns, 0, &piece, 1, 0, tally_cb, &r.req[r.n]), -EIO);
	CHECK_EQ(nvmu_host_reset(r.h), 0);
	CHECK_EQ(rec(&r).resets_failed, 1);
	CHECK_EQ(rec(&r).resets, 1);
	submit(&r, true, 0, 9);
	CHECK(run(&r, false, WAIT_MS));
	check_err(&r, 2, 0);
	check_blocks(&r, 1, 9);
	check_once(&r);
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* ---- error status ---- */

/* Without DNR and with reposts allowed, a command that fails once succeeds. */
TEST(error_without_dnr_is_retried)
{
	struct rig r;
	struct nvmu_soft_fault f = io_rule(nvme_cmd_write, NVMU_SOFT_FAULT_STATUS);
	int id;

	if (!rig_open(&r, SPEC, NULL, &(struct nvmu_host_qpair_opts){ .retries = 2 }))
		goto out;
	f.nth = 1;
	f.times = 1;
	f.status = STATUS(NVME_SCT_GENERIC, NVME_SC_NS_NOT_READY);
	id = fault(&r, f);
	submit(&r, true, 5, 6);
	CHECK(run(&r, false, WAIT_MS));
	check_once(&r);
	check_err(&r, 0, 0);
	CHECK_EQ(r.req[0].status, 0);
	CHECK_EQ(nvmu_soft_fault_hits(r.t, id), 1);
	CHECK_EQ(qstats(&r).reposted, 1);
	/* Failing more often than the reposts allow: the last error is delivered. */
	f.nth = 0;
	f.times = 3;
	id = fault(&r, f);
	submit(&r, true, 6, 6);
	CHECK(run(&r, false, WAIT_MS));
	check_once(&r);
	check_err(&r, 1, -EREMOTEIO);
	CHECK_EQ(r.req[1].status, f.status);
	CHECK_EQ(nvmu_soft_fault_hits(r.t, id), 3);
	CHECK_EQ(qstats(&r).reposted, 3);
	CHECK_EQ(rec(&r).resets, 0);
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* With DNR no repost happens; without reposts configured neither. The status is kept. */
TEST(error_with_dnr_or_without_retries_fails)
{
	struct rig r;
	struct nvmu_soft_fault f = io_rule(nvme_cmd_read, NVMU_SOFT_FAULT_STATUS);
	uint16_t media = STATUS(NVME_SCT_MEDIA, NVME_SC_READ_ERROR) | NVME_SC_DNR;

	if (!rig_open(&r, SPEC, NULL, &(struct nvmu_host_qpair_opts){ .retries = 2 }))
		goto out;
	f.times = 1;
	f.status = media;
	fault(&r, f);
	submit(&r, false, 1, 0);
	CHECK(run(&r, false, WAIT_MS));
	check_err(&r, 0, -EREMOTEIO);
	CHECK_EQ(r.req[0].status, media);
	CHECK(nvmu_status_dnr(r.req[0].status));
	CHECK_EQ(qstats(&r).reposted, 0);
	check_once(&r);
	CHECK_EQ(rig_close(&r), 0);

	if (!rig_open(&r, SPEC, NULL, NULL))
		goto out;
	f.status = STATUS(NVME_SCT_GENERIC, NVME_SC_INTERNAL);
	fault(&r, f);
	submit(&r, false, 1, 0);
	CHECK(run(&r, false, WAIT_MS));
	check_err(&r, 0, -EREMOTEIO);
	CHECK_EQ(r.req[0].status, f.status);
	CHECK_EQ(qstats(&r).reposted, 0);
	check_once(&r);
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* A request split into children (beyond MDTS) whose one child fails once is reposted
 * alone and the request succeeds once; its data reads back. */
TEST(split_request_child_retried)
{
	struct rig r;
	struct nvmu_soft_fault f = io_rule(nvme_cmd_write, NVMU_SOFT_FAULT_STATUS);
	struct nvmu_dma_buf big;
	struct tally t = { 0 };
	unsigned blocks = 64; /* 256 KiB: MDTS 5 gives 128 KiB children */
	uint64_t deadline;

	if (!rig_open(&r, "mdts=5," SPEC, NULL, &(struct nvmu_host_qpair_opts){ .retries = 1 }))
		goto out;
	f.nth = 2;
	f.times = 1;
	f.status = STATUS(NVME_SCT_GENERIC, NVME_SC_INTERNAL);
	fault(&r, f);
	CHECK_EQ(nvmu_host_dma_alloc(r.h, (size_t)blocks * LBS, &big), 0);
	for (unsigned b = 0; b < blocks; b++)
		fill((uint8_t *)big.vaddr + (size_t)b * LBS, b, 7);
	CHECK_EQ(nvmu_ns_write(r.qp, r.ns, 0, &big, 1, 0, tally_cb, &t), 0);
	deadline = nvmu_deadline_ms(WAIT_MS);
	while (nvmu_host_qpair_pending(r.qp) && !nvmu_deadline_passed(deadline))
		nvmu_host_process_completions(r.qp, 0);
	CHECK_EQ(t.calls, 1);
	CHECK_EQ(t.err, 0);
	CHECK_EQ(qstats(&r).reposted, 1);
	nvmu_host_dma_free(r.h, &big);
	check_blocks(&r, blocks < MAX_REQS ? blocks : MAX_REQS, 7);
	check_once(&r);
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* ---- resets by the application ---- */

/* Writes acknowledged, then more writes and reads of the acknowledged blocks in flight,
 * then a reset: with reposts everything completes; without, the ones in flight end with
 * -ECANCELED. Every acknowledged write reads back. */
static void reset_in_flight(uint8_t retries)
{
	struct rig r;
	unsigned acked = 16, writes = 16, reads = 8, inflight = writes + reads;
	int id;

	if (!rig_open(&r, SPEC, NULL, &(struct nvmu_host_qpair_opts){ .retries = retries }))
		goto out;
	for (unsigned i = 0; i < acked; i++)
		submit(&r, true, i, 8);
	CHECK(run(&r, false, WAIT_MS));
	check_errs(&r, 0, acked, 0);
	id = fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO, .times = inflight,
						 .action = NVMU_SOFT_FAULT_LATE,
						 .delay_ms = 2000 });
	for (unsigned i = 0; i < writes; i++)
		submit(&r, true, acked + i, 8);
	for (unsigned i = 0; i < reads; i++)
		submit(&r, false, i, 0);
	wait_hits(&r, id, inflight);
	CHECK_EQ(nvmu_host_reset(r.h), 0);
	CHECK(run(&r, false, WAIT_MS));
	check_once(&r);
	check_errs(&r, acked, acked + inflight, retries ? 0 : -ECANCELED);
	for (unsigned i = 0; retries && i < reads; i++)
		CHECK(holds((uint8_t *)r.buf.vaddr + (size_t)(acked + writes + i) * LBS, i, 8));
	CHECK_EQ(qstats(&r).reposted, retries ? inflight : 0);
	CHECK_EQ(rec(&r).resets, 1);
	report(retries ? "reset_with_io_in_flight_reposted" : "reset_with_io_in_flight_cancelled",
	       &r, worst_latency_ms(&r));
	r.n = 0;
	memset(r.req, 0, sizeof(r.req));
	check_blocks(&r, retries ? acked + writes : acked, 8);
	check_once(&r);
out:
	CHECK_EQ(rig_close(&r), 0);
}

TEST(reset_with_io_in_flight_reposted)
{
	reset_in_flight(1);
}

TEST(reset_with_io_in_flight_cancelled)
{
	reset_in_flight(0);
}

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
		nvmu_host_process_completions(w->qp, 0);
	}
	while (w->submitted != w->completed && !nvmu_deadline_passed(deadline))
		nvmu_host_process_completions(w->qp, 0);
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
	CHECK_EQ(nvmu_host_qpair_free(w->qp), 0);
out:
	free(w);
	CHECK_EQ(rig_close(&r), 0);
}

/* An event the controller reported before a reset is delivered after it, and the reset
 * leaves exactly the Asynchronous Event Requests the controller allows (none refused). */
TEST(events_after_reset)
{
	struct rig r;
	struct nvmu_sqe get = { .opcode = nvme_admin_get_features,
				.cdw10 = NVME_FEAT_FID_ARBITRATION };
	struct nvme_error_log_page err;
	uint64_t deadline, errors;

	if (!rig_open(&r, SPEC, NULL, NULL))
		goto out;
	CHECK_EQ(nvmu_host_get_log(r.h, NVME_LOG_LID_ERROR, NVME_NSID_ALL, &err, sizeof(err)), 0);
	errors = err.error_count; /* attach's (an Identify the controller does not have) */
	CHECK_EQ(nvmu_soft_raise_event(r.t, NVME_AER_SMART, 0, NVME_LOG_LID_SMART), 0);
	nvmu_sleep_us(20000);
	/* A synchronous admin command reaps the event's completion (not delivered yet). */
	CHECK_EQ(nvmu_host_admin(r.h, &get, NULL, 0, NULL), 0);
	CHECK_EQ(nvmu_host_events_seen(r.h), 1);
	CHECK_EQ(nvmu_host_reset(r.h), 0);
	CHECK_EQ(nvmu_host_admin_poll(r.h), 1);
	CHECK_EQ(nvmu_soft_raise_event(r.t, NVME_AER_SMART, 1, NVME_LOG_LID_SMART), 0);
	deadline = nvmu_deadline_ms(WAIT_MS);
	while (nvmu_host_events_seen(r.h) < 2 && !nvmu_deadline_passed(deadline))
		nvmu_host_admin_poll(r.h);
	CHECK_EQ(nvmu_host_events_seen(r.h), 2);
	nvmu_host_admin_poll(r.h);
	CHECK_EQ(nvmu_host_get_log(r.h, NVME_LOG_LID_ERROR, NVME_NSID_ALL, &err, sizeof(err)), 0);
	CHECK_EQ(err.error_count, errors); /* no Asynchronous Event Request Limit Exceeded */
out:
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

	nvmu_host_process_completions(rc->qp, 0); /* this thread owns the pair */
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
		nvmu_host_process_completions(rc->qp, 0);
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
	CHECK(a.worst_ms < 1000 && b.worst_ms < 1000);
	CHECK_EQ(rec(&r).resets, 2 * RACING_RESETS);
	nvmu_host_process_completions(r.qp2, 0); /* the main thread owns both again */
	submit(&r, false, 0, 0);
	submit_on(&r, r.qp2, false, 1, 0);
	CHECK(run(&r, false, WAIT_MS));
	check_once(&r);
	check_errs(&r, 0, 2, 0);
out:
	CHECK_EQ(rig_close(&r), 0);
}

RUN_TESTS(T(lost_completion_is_aborted), T(abort_refused_asks_for_reset),
	  T(lost_completion_and_lost_abort_reset), T(deadline_never_early),
	  T(wrong_cid_not_aborted_then_reset),
	  T(wrong_phase_recovered_by_reset), T(split_request_child_lost), T(admin_command_lost),
	  T(stale_and_duplicate_cids_ignored), T(duplicate_cid_after_reuse_ignored),
	  T(cfs_mid_run_reposted), T(cfs_mid_run_cancelled),
	  T(interrupts_after_cfs_reset), T(detach_while_needing_reset),
	  T(surprise_removal_ends_everything), T(surprise_removal_seen_by_admin_poll),
	  T(surprise_removal_during_reset), T(slow_ready_at_attach_is_bounded),
	  T(slow_ready_at_reset), T(reset_fails_to_recreate_queue),
	  T(error_without_dnr_is_retried), T(error_with_dnr_or_without_retries_fails),
	  T(split_request_child_retried), T(reset_with_io_in_flight_reposted),
	  T(reset_with_io_in_flight_cancelled), T(reset_from_another_thread),
	  T(events_after_reset), T(concurrent_resets_from_two_threads))
