/* SPDX-License-Identifier: MIT */
/* Requests waiting in software for a queue slot: they have deadlines too, and a device
 * whose SQ head stays behind the commands it completed (so the queue looks full and no
 * slot ever frees up) is reset. */
#include "check.h"
#include "recovery_env.h"

/*
 * A 4-entry pair with 200 ms deadlines. The device completes the first write with SQ head
 * 2 while the tail is 1: the queue looks full, although nothing is in flight, and that
 * head never moves again. A flush submitted then waits for a slot, and ends with
 * -ETIMEDOUT at its deadline; the controller asks for a reset naming the SQ head, and
 * the reset restarts the rings, after which the pair works again.
 */
TEST(a_stuck_sq_head_times_out_waiting_requests_and_resets)
{
	struct nvmu_host_qpair_opts qo = { .entries = 4, .timeout_ms = SHORT_MS };
	struct nvmu_soft_fault bad = io_any(NVMU_SOFT_FAULT_BAD_SQHD, 1, 1);
	struct nvmu_host_opts ho = { .no_auto_reset = true }; /* to read the reason first */
	struct rig r;
	unsigned flush;

	if (!rig_open(&r, SPEC, &ho, &qo))
		goto out;
	bad.cid = 2; /* the SQ head posted */
	fault(&r, bad);
	submit(&r, true, 0, 1);
	CHECK(run(&r, false, WAIT_MS));
	check_err(&r, 0, 0);
	flush = r.n++;
	r.req[flush].submit_ns = nvmu_now_ns();
	CHECK_EQ(nvmu_ns_flush(r.qp, r.ns, tally_cb, &r.req[flush]), 0);
	CHECK_EQ(nvmu_host_qpair_waiting(r.qp), 1);
	CHECK(run(&r, false, WAIT_MS));
	check_err(&r, flush, -ETIMEDOUT);
	CHECK(latency_ms(&r, flush) >= SHORT_MS && latency_ms(&r, flush) < 4 * SHORT_MS);
	run_until_state(&r, false, NVMU_CTRL_NEEDS_RESET, WAIT_MS);
	CHECK_STR_CONTAINS(nvmu_ctrl_reason(nvmu_host_core(r.h)), "SQ head 2");
	CHECK_EQ(nvmu_host_reset(r.h), 0);
	CHECK_EQ(nvmu_host_state(r.h), NVMU_CTRL_LIVE);
	report(__func__, &r, latency_ms(&r, flush));
	check_once(&r);
	rig_forget(&r);
	check_blocks(&r, 1, 1); /* the write before, read back through the same pair */
out:
	CHECK_EQ(rig_close(&r), 0);
}

RUN_TESTS(T(a_stuck_sq_head_times_out_waiting_requests_and_resets))
