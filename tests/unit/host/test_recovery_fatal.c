/* SPDX-License-Identifier: MIT */
/* Recovery from a fatal controller status (CSTS.CFS), on the software controller: the
 * automatic reset reposts the commands in flight (or cancels them without reposts) and the
 * stream goes on behind the same pair; an interrupt-driven pair still signals after it;
 * a controller left needing a reset detaches at once. */
#include <poll.h>

#include "check.h"
#include "recovery_env.h"

#define CFS_WRITES 48

/* CSTS.CFS raised by the 20th of CFS_WRITES writes of round @gen, on a pair of 16 entries
 * (the writes are more than it holds) with @retries reposts; polls until all completed,
 * each exactly once. False if the rig did not open. */
static bool cfs_mid_run(struct rig *r, uint8_t retries, unsigned gen)
{
	if (!rig_open(r, SPEC, NULL,
		      &(struct nvmu_host_qpair_opts){ .entries = 16, .retries = retries }))
		return false;
	fault(r, io_any(NVMU_SOFT_FAULT_CFS, 20, 1));
	for (unsigned i = 0; i < CFS_WRITES; i++)
		submit(r, true, i, gen);
	CHECK(run(r, false, WAIT_MS));
	check_once(r);
	return true;
}

/* With reposts: the reset reposts what was in flight, the stream goes on on the same
 * pair, and every write reads back. */
TEST(cfs_mid_run_reposted)
{
	struct rig r;

	if (!cfs_mid_run(&r, 2, 2))
		goto out;
	check_errs(&r, 0, CFS_WRITES, 0);
	CHECK_EQ(rec(&r).resets, 1);
	CHECK(qstats(&r).reposted >= 1);
	CHECK_EQ(nvmu_host_state(r.h), NVMU_CTRL_LIVE);
	report(__func__, &r, worst_latency_ms(&r));
	rig_forget(&r);
	check_blocks(&r, CFS_WRITES, 2);
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* Without reposts: the writes in flight end with -ECANCELED, the ones still waiting in
 * software go on after the reset. */
TEST(cfs_mid_run_cancelled)
{
	struct rig r;
	unsigned n = CFS_WRITES, ok = 0, cancelled = 0;

	if (!cfs_mid_run(&r, 0, 3))
		goto out;
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
	CHECK(irq_within(&r, PROMPT_MS));
	CHECK(run(&r, false, WAIT_MS));
	nvmu_soft_set_fatal(r.t);
	deadline = nvmu_deadline_ms(WAIT_MS);
	while (rec(&r).resets == 0 && !nvmu_deadline_passed(deadline))
		poll_once(&r, false);
	CHECK_EQ(rec(&r).resets, 1);
	submit(&r, false, 0, 0);
	CHECK(irq_within(&r, PROMPT_MS));
	check_all(&r, 2, 0);
	CHECK(holds(slot(&r, 1), 0, 10));
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* A controller left needing a reset (no automatic reset) detaches at once: its commands
 * end with -ECANCELED, the failed shutdown is reported. */
TEST(detach_while_needing_reset)
{
	struct rig r;

	if (!rig_open(&r, SPEC, &(struct nvmu_host_opts){ .no_auto_reset = true }, NULL))
		goto out;
	fault(&r, io_any(NVMU_SOFT_FAULT_CFS, 2, 1));
	for (unsigned i = 0; i < 4; i++)
		submit(&r, false, i, 0);
	run_until_state(&r, false, NVMU_CTRL_NEEDS_RESET, WAIT_MS);
	CHECK_STR_CONTAINS(nvmu_ctrl_reason(nvmu_host_core(r.h)), "CFS");
	CHECK_EQ(nvmu_host_qpair_delete(r.qp), -EIO); /* no Delete I/O SQ for it now */
	r.qp = NULL;
	check_err(&r, 0, 0);
	check_errs(&r, 1, 4, -ECANCELED);
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ(r.req[i].calls, 1);
	CHECK(rig_close_at_once(&r) < 0);
	return;
out:
	rig_close(&r);
}

RUN_TESTS(T(cfs_mid_run_reposted), T(cfs_mid_run_cancelled), T(interrupts_after_cfs_reset),
	  T(detach_while_needing_reset))
