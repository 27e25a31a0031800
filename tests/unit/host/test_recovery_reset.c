/* SPDX-License-Identifier: MIT */
/* Resets by the application, on the software controller: with I/O in flight (reposted or
 * cancelled, acknowledged writes read back); a controller slow to become ready at attach
 * or at a reset; a reset that fails (not ready in time, an I/O queue not re-created) and
 * a later one that brings the same pair back; events reported before a reset. */
#include "check.h"
#include "recovery_env.h"

/* Writes acknowledged, then more writes and reads of the acknowledged blocks in flight,
 * then a reset: with reposts everything completes; without, the ones in flight end with
 * -ECANCELED. Every acknowledged write reads back. */
static void reset_in_flight(const char *test, uint8_t retries)
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
	id = hold_io(&r, inflight, 2000);
	for (unsigned i = 0; i < writes; i++)
		submit(&r, true, acked + i, 8);
	for (unsigned i = 0; i < reads; i++)
		submit(&r, false, i, 0);
	wait_hits(&r, id, inflight);
	CHECK_EQ(nvmu_host_reset(r.h), 0);
	check_all(&r, acked, retries ? 0 : -ECANCELED);
	for (unsigned i = 0; retries && i < reads; i++)
		CHECK(holds(slot(&r, acked + writes + i), i, 8));
	CHECK_EQ(qstats(&r).reposted, retries ? inflight : 0);
	CHECK_EQ(rec(&r).resets, 1);
	report(test, &r, worst_latency_ms(&r));
	rig_forget(&r);
	check_blocks(&r, retries ? acked + writes : acked, 8);
out:
	CHECK_EQ(rig_close(&r), 0);
}

TEST(reset_with_io_in_flight_reposted)
{
	reset_in_flight(__func__, 1);
}

TEST(reset_with_io_in_flight_cancelled)
{
	reset_in_flight(__func__, 0);
}

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

/* A write of block @wlba (round @gen) and a read of block @rlba, both fetched by the
 * controller and held there for 3 s: in flight at the next reset. */
static void hold_write_and_read(struct rig *r, uint64_t wlba, unsigned gen, uint64_t rlba)
{
	int id = hold_io(r, 2, 3000);

	submit(r, true, wlba, gen);
	submit(r, false, rlba, 0);
	wait_hits(r, id, 2);
}

/* The reset returned @ret: it failed with @err and @why in the message, the controller
 * is FAILED, and the requests from @from on ended with -ECANCELED, each once. */
static void check_reset_failed(struct rig *r, int ret, int err, const char *why,
			       unsigned from)
{
	CHECK_EQ(ret, err);
	CHECK_STR_CONTAINS(nvmu_last_error(), why);
	CHECK_EQ(nvmu_host_state(r->h), NVMU_CTRL_FAILED);
	check_all(r, from, -ECANCELED);
}

/* A reset whose controller does not become ready in time fails (state FAILED, the message
 * names the state); submissions then fail with -EIO; a later reset brings it back behind
 * the same queue pair. A slow but timely ready is waited for. */
TEST(slow_ready_at_reset)
{
	struct rig r;
	uint64_t t0;
	int ret;

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
	hold_write_and_read(&r, 1, 4, 0);
	t0 = nvmu_now_ns();
	ret = nvmu_host_reset(r.h);
	CHECK(ms_since(t0) >= 1000 && ms_since(t0) < 2500);
	check_reset_failed(&r, ret, -ETIMEDOUT, "did not become ready", 1);
	CHECK_STR_CONTAINS(nvmu_ctrl_reason(nvmu_host_core(r.h)), "did not become ready");
	CHECK_EQ(rec(&r).resets_failed, 1);
	check_refused(&r, true, -EIO);

	nvmu_soft_set_ready_delay(r.t, 0);
	CHECK_EQ(nvmu_host_reset(r.h), 0);
	CHECK_EQ(nvmu_host_state(r.h), NVMU_CTRL_LIVE);
	check_once(&r);
	rig_forget(&r);
	check_blocks(&r, 1, 4); /* the write acknowledged before the resets */
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* A reset that cannot re-create an I/O queue fails with the device's status; a second
 * reset brings the pair back. */
TEST(reset_fails_to_recreate_queue)
{
	struct rig r;
	struct nvmu_soft_fault create = admin_rule(nvme_admin_create_sq, NVMU_SOFT_FAULT_STATUS);

	if (!rig_open(&r, SPEC, NULL, &(struct nvmu_host_qpair_opts){ .retries = 1 }))
		goto out;
	hold_write_and_read(&r, 0, 9, 1);
	create.times = 1;
	create.status = SC_DNR(NVME_SCT_GENERIC, NVME_SC_INTERNAL);
	fault(&r, create);
	check_reset_failed(&r, nvmu_host_reset(r.h), -EREMOTEIO, "create I/O SQ", 0);
	check_refused(&r, false, -EIO);
	CHECK_EQ(nvmu_host_reset(r.h), 0);
	CHECK_EQ(rec(&r).resets_failed, 1);
	CHECK_EQ(rec(&r).resets, 1);
	submit(&r, true, 0, 9);
	CHECK(run(&r, false, WAIT_MS));
	check_err(&r, 2, 0);
	check_blocks(&r, 1, 9);
out:
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

RUN_TESTS(T(reset_with_io_in_flight_reposted), T(reset_with_io_in_flight_cancelled),
	  T(slow_ready_at_attach_is_bounded), T(slow_ready_at_reset),
	  T(reset_fails_to_recreate_queue), T(events_after_reset))
