/* SPDX-License-Identifier: MIT */
/* Synchronous waits and what a poll reports: a waiter serves one command after another,
 * a wait that times out counts the commands really in flight, and a poll says when the
 * device was removed or the controller failed. */
#include <errno.h>

#include "check.h"
#include "recovery_env.h"

/* A command that never completes, for the next I/O command from now on (the @nth). */
static void lose_io(struct rig *r, unsigned nth)
{
	fault(r, io_any(NVMU_SOFT_FAULT_NEVER, nth, 1));
}

/* Submit a read or write of block @lba with @w (the fast path), which the device never
 * completes, and wait @ms for it. Returns what nvmu_host_wait() returns. */
static int wait_for_lost(struct rig *r, bool write, uint64_t lba, struct nvmu_host_waiter *w,
			 uint32_t ms)
{
	struct nvmu_dma_buf one = nvmu_dma_slice(&r->buf, 0, LBS);

	lose_io(r, 1);
	CHECK_EQ((write ? nvmu_ns_write : nvmu_ns_read)(r->qp, r->ns, lba, &one, 1, 0,
							 nvmu_host_sync_cb, w), 0);
	return nvmu_host_wait(r->qp, w, ms);
}

/*
 * A waiter done with one write serves the next: the second write (the fast path) never
 * completes, and the wait for it times out instead of returning the first one's success.
 * A submission that becomes a request (a flush) starts its waiter again too.
 */
TEST(a_reused_waiter_waits_for_its_new_command)
{
	struct rig r;
	struct nvmu_host_waiter w = { 0 };
	struct nvmu_dma_buf one;

	if (!rig_open(&r, SPEC, NULL, NULL))
		goto out;
	one = nvmu_dma_slice(&r.buf, 0, LBS);
	CHECK_EQ(nvmu_ns_write(r.qp, r.ns, 0, &one, 1, 0, nvmu_host_sync_cb, &w), 0);
	CHECK_EQ(nvmu_host_wait(r.qp, &w, WAIT_MS), 0);
	CHECK_EQ(wait_for_lost(&r, true, 1, &w, 50), -ETIMEDOUT);
	CHECK_EQ(nvmu_host_qpair_pending(r.qp), 1);
	/* A waiter whose owner polled .done itself: the request path clears it. */
	w.done = true;
	lose_io(&r, 1);
	CHECK_EQ(nvmu_ns_flush(r.qp, r.ns, nvmu_host_sync_cb, &w), 0);
	CHECK(!w.done);
	CHECK_EQ(nvmu_host_wait(r.qp, &w, 50), -ETIMEDOUT);
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* The message of a wait that timed out counts the command the fast path posted. */
TEST(a_timed_out_wait_counts_fast_path_commands)
{
	struct rig r;
	struct nvmu_host_waiter w = { 0 };

	if (!rig_open(&r, SPEC, NULL, NULL))
		goto out;
	CHECK_EQ(wait_for_lost(&r, false, 0, &w, 20), -ETIMEDOUT);
	CHECK_STR_CONTAINS(nvmu_last_error(), "(1 commands in flight or waiting on queue pair 1)");
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* Poll (bounded) until it returns an error; returns it, or 0 if none came. */
static int poll_until_error(struct rig *r)
{
	uint64_t deadline = nvmu_deadline_ms(WAIT_MS);
	int n = 0;

	while (n >= 0 && !nvmu_deadline_passed(deadline))
		n = nvmu_host_qpair_poll(r->qp, 0);
	return n < 0 ? n : 0;
}

/* After a surprise removal the poll returns -ENODEV (with the reason); the command in
 * flight ended with -ENODEV. */
TEST(a_poll_reports_a_removed_device)
{
	struct rig r;

	if (!rig_open(&r, SPEC, NULL, NULL))
		goto out;
	lose_io(&r, 1);
	submit(&r, false, 0, 0);
	nvmu_soft_surprise_remove(r.t);
	CHECK_EQ(poll_until_error(&r), -ENODEV);
	CHECK_STR_CONTAINS(nvmu_last_error(), "removed");
	CHECK_EQ(r.req[0].calls, 1);
	check_err(&r, 0, -ENODEV);
	CHECK_EQ(nvmu_host_qpair_poll(r.qp, 0), -ENODEV);
	rig_close_at_once(&r);
	return;
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* After a reset that failed the poll returns -EIO, and again 0 once a reset worked. */
TEST(a_poll_reports_a_failed_controller)
{
	struct rig r;

	if (!rig_open(&r, "to=2," SPEC, NULL, NULL))
		goto out;
	nvmu_soft_set_ready_delay(r.t, 5000);
	CHECK(nvmu_host_reset(r.h) < 0);
	CHECK_EQ(nvmu_host_state(r.h), NVMU_CTRL_FAILED);
	CHECK_EQ(nvmu_host_qpair_poll(r.qp, 0), -EIO);
	CHECK_STR_CONTAINS(nvmu_last_error(), "failed");
	nvmu_soft_set_ready_delay(r.t, 0);
	CHECK_EQ(nvmu_host_reset(r.h), 0);
	CHECK_EQ(nvmu_host_qpair_poll(r.qp, 0), 0);
out:
	CHECK_EQ(rig_close(&r), 0);
}

RUN_TESTS(T(a_reused_waiter_waits_for_its_new_command),
	  T(a_timed_out_wait_counts_fast_path_commands), T(a_poll_reports_a_removed_device),
	  T(a_poll_reports_a_failed_controller))
