/* SPDX-License-Identifier: MIT */
/* Recovery from commands that do not complete in time, on the software controller: a lost
 * completion is aborted; an Abort refused or lost leads to a reset; no deadline fires
 * early; a completion with a wrong CID or phase tag leaves its command to time out; a lost
 * admin command and a lost child of a split request. Each checks that every request
 * completed exactly once with the expected error and that the pair still works. */
#include "check.h"
#include "recovery_env.h"

TEST(lost_completion_is_aborted)
{
	struct rig r;

	if (!rig_open(&r, SPEC, NULL, &(struct nvmu_host_qpair_opts){ .timeout_ms = SHORT_MS }))
		goto out;
	fault(&r, io_any(NVMU_SOFT_FAULT_NEVER, 3, 1));
	for (unsigned i = 0; i < 8; i++)
		submit(&r, false, i, 0);
	CHECK(run(&r, true, WAIT_MS));
	check_once(&r);
	check_errs(&r, 0, 2, 0);
	check_err(&r, 2, -ETIMEDOUT);
	check_errs(&r, 3, 8, 0);
	CHECK_EQ(r.req[2].status, SC(NVME_SCT_GENERIC, NVME_SC_ABORT_REQ));
	CHECK(latency_ms(&r, 2) >= SHORT_MS && latency_ms(&r, 2) < PROMPT_MS);
	CHECK_EQ(rec(&r).timeouts, 1);
	CHECK_EQ(rec(&r).aborts_sent, 1);
	CHECK_EQ(rec(&r).aborts_done, 1);
	CHECK_EQ(rec(&r).resets, 0);
	CHECK_EQ(qstats(&r).timeouts, 1);
	CHECK_EQ(nvmu_host_state(r.h), NVMU_CTRL_LIVE);
	report(__func__, &r, latency_ms(&r, 2));
	check_blocks(&r, 4, 0); /* zeroes: never written */
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* Reads held @delay_ms each, @times of them (the ones in flight beside a lost command). */
static int hold_reads(struct rig *r, unsigned times, uint32_t delay_ms)
{
	struct nvmu_soft_fault late = io_rule(nvme_cmd_read, NVMU_SOFT_FAULT_LATE);

	late.delay_ms = delay_ms;
	late.times = times;
	return fault(r, late);
}

/* The Abort fails: the controller asks for a reset (observed with no_auto_reset), the
 * application resets; the timed-out command ends with -ETIMEDOUT, the others in flight
 * with -ECANCELED (no reposts). */
TEST(abort_refused_asks_for_reset)
{
	struct rig r;
	struct nvmu_soft_fault refuse = admin_rule(nvme_admin_abort_cmd, NVMU_SOFT_FAULT_STATUS);
	uint32_t ms;

	if (!rig_open(&r, SPEC, &(struct nvmu_host_opts){ .no_auto_reset = true }, NULL))
		goto out;
	refuse.status = SC_DNR(NVME_SCT_CMD_SPECIFIC, NVME_SC_ABORT_LIMIT);
	fault(&r, refuse);
	fault(&r, io_any(NVMU_SOFT_FAULT_NEVER, 0, 1));
	hold_reads(&r, 4, 5000);
	CHECK_EQ(nvmu_host_qpair_set_timeout(r.qp, SHORT_MS), 0);
	submit(&r, false, 0, 0);
	CHECK_EQ(nvmu_host_qpair_set_timeout(r.qp, LONG_MS), 0);
	for (unsigned i = 1; i < 5; i++)
		submit(&r, false, i, 0);
	ms = run_until_state(&r, true, NVMU_CTRL_NEEDS_RESET, WAIT_MS);
	CHECK(ms >= SHORT_MS && ms < PROMPT_MS);
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
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* Lost completion -> Abort (lost too) -> reset after a second deadline, automatically,
 * without anybody polling the admin queue; the commands of another pair are reposted. */
TEST(lost_completion_and_lost_abort_reset)
{
	struct rig r;
	int lost, held;

	if (!rig_open(&r, SPEC, NULL,
		      &(struct nvmu_host_qpair_opts){ .timeout_ms = SHORT_MS, .retries = 1 }))
		goto out;
	CHECK_EQ(nvmu_host_qpair_create(r.h, &(struct nvmu_host_qpair_opts){ .retries = 1 },
					&r.qp2), 0);
	fault(&r, admin_rule(nvme_admin_abort_cmd, NVMU_SOFT_FAULT_NEVER));
	lost = fault(&r, io_any(NVMU_SOFT_FAULT_NEVER, 0, 1));
	held = hold_reads(&r, 3, 5000);
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
	CHECK_EQ(qstats_of(r.qp2).reposted, 3);
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
	struct nvmu_soft_fault late = io_any(NVMU_SOFT_FAULT_LATE, 0, 0);
	uint64_t next;

	/* 40 ms late against a 400 ms deadline: room for a loaded machine (100 ms was not,
	 * with the unit tests running two at a time). */
	if (!rig_open(&r, SPEC, NULL, &(struct nvmu_host_qpair_opts){ .timeout_ms = 400 }))
		goto out;
	late.delay_ms = 40;
	fault(&r, late);
	next = nvmu_now_ns();
	while (r.n < 40) {
		if (nvmu_now_ns() >= next) {
			submit(&r, false, r.n % 8, 0);
			next += 7000000; /* 7 ms: out of step with the deadline checks */
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

/* Poll (also the admin queue) until the four reads submitted ended: [@from, @to) timed
 * out, the others succeeded. The controller aborted none of them (it had answered) and a
 * reset ended them; the controller is live again and the blocks read back. */
static void check_ended_by_reset(struct rig *r, const char *test, unsigned from, unsigned to)
{
	CHECK(run(r, true, WAIT_MS));
	check_once(r);
	check_errs(r, 0, from, 0);
	check_errs(r, from, to, -ETIMEDOUT);
	check_errs(r, to, r->n, 0);
	CHECK_EQ(rec(r).aborts_done, 0);
	CHECK_EQ(rec(r).resets, 1);
	CHECK_EQ(nvmu_host_state(r->h), NVMU_CTRL_LIVE);
	report(test, r, latency_ms(r, from));
	check_blocks(r, 4, 0);
}

/* A completion with a wrong CID is ignored; its command times out, the controller says it
 * did not abort it, and the reset (started from the admin poll) ends it. */
TEST(wrong_cid_not_aborted_then_reset)
{
	struct rig r;
	struct nvmu_soft_fault wrong = io_any(NVMU_SOFT_FAULT_WRONG_CID, 2, 1);

	if (!rig_open(&r, SPEC, NULL, &(struct nvmu_host_qpair_opts){ .timeout_ms = SHORT_MS }))
		goto out;
	wrong.cid = 0x3ff;
	fault(&r, wrong);
	for (unsigned i = 0; i < 4; i++)
		submit(&r, false, i, 0);
	check_ended_by_reset(&r, __func__, 1, 2);
	CHECK_EQ(qstats(&r).bad_cids, 1);
	CHECK_EQ(rec(&r).aborts_sent, 1);
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
	fault(&r, io_any(NVMU_SOFT_FAULT_BAD_PHASE, 2, 1));
	submit(&r, false, 0, 0);
	CHECK(run(&r, true, WAIT_MS));
	for (unsigned i = 1; i < 4; i++)
		submit(&r, false, i, 0);
	check_ended_by_reset(&r, __func__, 1, 4);
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* One child of a split request is lost: it is aborted, and the request completes once
 * with -ETIMEDOUT. */
TEST(split_request_child_lost)
{
	struct rig r;

	if (!rig_open(&r, SPLIT_SPEC, NULL,
		      &(struct nvmu_host_qpair_opts){ .timeout_ms = SHORT_MS, .retries = 1 }))
		goto out;
	split_write(&r, NVMU_SOFT_FAULT_NEVER, 0, 5, true);
	check_once(&r);
	check_err(&r, 0, -ETIMEDOUT);
	CHECK_EQ(rec(&r).aborts_done, 1);
	CHECK_EQ(rec(&r).resets, 0);
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* An admin command without an answer: -ETIMEDOUT, the controller asks for a reset, a read
 * submitted meanwhile waits for it and completes after; admin commands work again. */
TEST(admin_command_lost)
{
	struct rig r;
	struct nvmu_soft_fault lost = admin_rule(nvme_admin_get_features, NVMU_SOFT_FAULT_NEVER);
	struct nvmu_sqe get = { .opcode = nvme_admin_get_features,
				.cdw10 = NVME_FEAT_FID_ARBITRATION };
	uint64_t t0;

	if (!rig_open(&r, SPEC, NULL, NULL))
		goto out;
	lost.times = 1;
	fault(&r, lost);
	t0 = nvmu_now_ns();
	CHECK_EQ(nvmu_host_admin(r.h, &get, NULL, SHORT_MS, NULL), -ETIMEDOUT);
	CHECK(ms_since(t0) >= SHORT_MS && ms_since(t0) < PROMPT_MS);
	CHECK_STR_CONTAINS(nvmu_last_error(), "no completion within");
	CHECK_EQ(nvmu_host_state(r.h), NVMU_CTRL_NEEDS_RESET);
	CHECK_STR_CONTAINS(nvmu_ctrl_reason(nvmu_host_core(r.h)), "admin command");
	submit(&r, false, 0, 0);
	check_all(&r, 1, 0);
	CHECK_EQ(rec(&r).resets, 1);
	CHECK_EQ(nvmu_host_admin(r.h, &get, NULL, 0, NULL), 0);
	report(__func__, &r, ms_since(t0));
out:
	CHECK_EQ(rig_close(&r), 0);
}

RUN_TESTS(T(lost_completion_is_aborted), T(abort_refused_asks_for_reset),
	  T(lost_completion_and_lost_abort_reset), T(deadline_never_early),
	  T(wrong_cid_not_aborted_then_reset), T(wrong_phase_recovered_by_reset),
	  T(split_request_child_lost), T(admin_command_lost))
