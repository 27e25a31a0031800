/* SPDX-License-Identifier: MIT */
/* One test per fault class of the software controller, asserting what the NVMe core does
 * today. Where the core has no recovery yet (timeouts of I/O, abort, reset: a later
 * issue), the test asserts the controller's side and that nothing hangs or crashes. */
#include "check.h"
#include "soft_env.h"

struct rig {
	struct env e;
	struct nvmu_qpair *qp;
	struct nvmu_dma_buf buf;
};

static bool rig_open(struct rig *r, const char *spec)
{
	uint32_t max;

	memset(r, 0, sizeof(*r));
	CHECK_EQ(env_open(&r->e, spec, NULL), 0);
	if (!r->e.ctrl)
		return false;
	max = nvmu_ctrl_max_queue_entries(r->e.ctrl);
	CHECK_EQ(nvmu_qpair_create(r->e.ctrl, &(struct nvmu_qpair_opts){ .entries = max < 16 ? max : 16 },
				   &r->qp), 0);
	CHECK_EQ(nvmu_ctrl_dma_alloc(r->e.ctrl, 8192, &r->buf), 0);
	return r->qp != NULL;
}

static int rig_close(struct rig *r)
{
	if (r->e.ctrl)
		nvmu_ctrl_dma_free(r->e.ctrl, &r->buf);
	CHECK_EQ(env_violations(&r->e), 0);
	return r->e.ctrl ? env_close(&r->e) : 0;
}

static int fault(struct rig *r, struct nvmu_soft_fault f)
{
	int id = nvmu_soft_fault_add(r->e.t, &f);

	CHECK(id >= 0);
	return id;
}

/* Submit a read of block @slba and ring; the callback fills *w. */
static void submit_read(struct rig *r, uint64_t slba, struct io_wait *w)
{
	struct nvmu_sqe cmd = rw_cmd(nvme_cmd_read, 1, slba, 1);

	memset(w, 0, sizeof(*w));
	CHECK_EQ(nvmu_qpair_submit(r->qp, &cmd, r->buf.iova, 512, io_done, w), 0);
	nvmu_qpair_ring(r->qp);
}

static struct nvmu_qpair_stats qstats(struct rig *r)
{
	struct nvmu_qpair_stats st;

	nvmu_qpair_stats(r->qp, &st);
	return st;
}

TEST(status_delivered_in_full)
{
	struct rig r;
	struct io_wait w[4];
	int id;

	if (!rig_open(&r, "mode=step"))
		goto out;
	id = fault(&r, (struct nvmu_soft_fault){
		.match = NVMU_SOFT_MATCH_OPCODE | NVMU_SOFT_MATCH_IO, .opcode = nvme_cmd_read,
		.nth = 3, .action = NVMU_SOFT_FAULT_STATUS,
		.status = SC_DNR(NVME_SCT_MEDIA, NVME_SC_READ_ERROR) | NVME_SC_MORE });
	for (int i = 0; i < 4; i++) {
		submit_read(&r, (uint64_t)i, &w[i]);
		CHECK(env_reap(&r.e, r.qp, &w[i].done, 1, 2000));
		CHECK_EQ(w[i].cpl.status,
			 i == 2 ? SC_DNR(NVME_SCT_MEDIA, NVME_SC_READ_ERROR) | NVME_SC_MORE : 0);
	}
	CHECK(nvmu_status_more(w[2].cpl.status));
	CHECK_EQ(nvmu_soft_fault_hits(r.e.t, id), 1);
out:
	CHECK_EQ(rig_close(&r), 0);
}

TEST(lba_range_rule)
{
	struct rig r;
	struct io_wait w;

	if (!rig_open(&r, "mode=step"))
		goto out;
	fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_LBA, .lba_first = 100,
					    .lba_last = 199, .action = NVMU_SOFT_FAULT_STATUS,
					    .status = SC(NVME_SCT_GENERIC, NVME_SC_INTERNAL) });
	submit_read(&r, 99, &w);
	CHECK(env_reap(&r.e, r.qp, &w.done, 1, 2000));
	CHECK_EQ(w.cpl.status, 0);
	submit_read(&r, 150, &w);
	CHECK(env_reap(&r.e, r.qp, &w.done, 1, 2000));
	CHECK_EQ(w.cpl.status, SC(NVME_SCT_GENERIC, NVME_SC_INTERNAL));
	CHECK(!nvmu_status_dnr(w.cpl.status));
out:
	CHECK_EQ(rig_close(&r), 0);
}

TEST(admin_error_fails_open_with_status)
{
	struct env e;
	struct nvmu_soft_fault f = { .match = NVMU_SOFT_MATCH_OPCODE | NVMU_SOFT_MATCH_QUEUE,
				     .opcode = nvme_admin_identify, .qid = 0,
				     .action = NVMU_SOFT_FAULT_STATUS,
				     .status = SC_DNR(NVME_SCT_GENERIC, NVME_SC_INTERNAL) };
	struct nvmu_soft_stats st;

	CHECK_EQ(nvmu_soft_open("", &e.t), 0);
	CHECK(nvmu_soft_fault_add(e.t, &f) >= 0);
	CHECK_EQ(nvmu_ctrl_open(e.t, NULL, &e.ctrl), -EREMOTEIO);
	CHECK_STR_CONTAINS(nvmu_last_error(), "identify");
	CHECK_STR_CONTAINS(nvmu_last_error(), "INTERNAL");
	nvmu_soft_stats(e.t, &st);
	CHECK_EQ(st.dma_mappings, 0);
	CHECK(!NVME_CSTS_RDY(st.csts)); /* the core disabled it again */
	nvmu_soft_close(e.t);
}

TEST(refused_queue_creation)
{
	struct rig r;
	struct nvmu_qpair *qp2 = NULL;
	struct nvmu_soft_stats st;

	if (!rig_open(&r, ""))
		goto out;
	fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_OPCODE | NVMU_SOFT_MATCH_QUEUE,
					    .opcode = nvme_admin_create_sq,
					    .action = NVMU_SOFT_FAULT_STATUS,
					    .status = SC_DNR(NVME_SCT_CMD_SPECIFIC, NVME_SC_QID_INVALID) });
	CHECK_EQ(nvmu_qpair_create(r.e.ctrl, NULL, &qp2), -EREMOTEIO);
	CHECK_STR_CONTAINS(nvmu_last_error(), "create I/O SQ");
	CHECK_STR_CONTAINS(nvmu_last_error(), "QID_INVALID");
	nvmu_soft_stats(r.e.t, &st);
	CHECK_EQ(st.io_queues_live, 2); /* its CQ was deleted again; the rig's pair remains */
out:
	CHECK_EQ(rig_close(&r), 0);
}

TEST(never_completed_io_no_hang)
{
	struct rig r;
	struct io_wait w;
	struct nvmu_soft_stats st;

	if (!rig_open(&r, "mode=step"))
		goto out;
	fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO, .times = 1,
					    .action = NVMU_SOFT_FAULT_NEVER });
	submit_read(&r, 0, &w);
	CHECK(!env_reap(&r.e, r.qp, &w.done, 1, 30));
	CHECK_EQ(nvmu_qpair_outstanding(r.qp), 1);
	nvmu_soft_stats(r.e.t, &st);
	CHECK_EQ(st.pending, 1);
	/* The next command is served; the held one stays held. */
	submit_read(&r, 1, &w);
	CHECK(env_reap(&r.e, r.qp, &w.done, 1, 2000));
	CHECK_EQ(nvmu_qpair_outstanding(r.qp), 1);
	/* Deleting the SQ aborts it on the controller's side. */
	CHECK_EQ(nvmu_qpair_delete(r.qp), 0);
	r.qp = NULL;
	nvmu_soft_stats(r.e.t, &st);
	CHECK_EQ(st.pending, 0);
out:
	CHECK_EQ(rig_close(&r), 0);
}

TEST(never_completed_admin_times_out)
{
	struct rig r;
	struct nvmu_sqe get = { .opcode = nvme_admin_get_features, .cdw10 = NVME_FEAT_FID_ARBITRATION };

	if (!rig_open(&r, ""))
		goto out;
	fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_OPCODE | NVMU_SOFT_MATCH_QUEUE,
					    .opcode = nvme_admin_get_features,
					    .action = NVMU_SOFT_FAULT_NEVER });
	CHECK_EQ(nvmu_admin_cmd(r.e.ctrl, &get, 0, 0, 50, NULL), -ETIMEDOUT);
	CHECK_STR_CONTAINS(nvmu_last_error(), "no completion within 50 ms");
out:
	CHECK_EQ(rig_close(&r), 0);
}

TEST(late_completion_after_steps)
{
	struct rig r;
	struct io_wait w;

	if (!rig_open(&r, "mode=step"))
		goto out;
	fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO,
					    .action = NVMU_SOFT_FAULT_LATE, .delay_steps = 3 });
	submit_read(&r, 0, &w);
	CHECK_EQ(nvmu_soft_step(r.e.t, 0), 1); /* fetched, held */
	CHECK_EQ(nvmu_qpair_poll(r.qp, 0), 0);
	CHECK_EQ(nvmu_soft_step(r.e.t, 0), 0);
	CHECK_EQ(nvmu_soft_step(r.e.t, 0), 0);
	CHECK_EQ(nvmu_qpair_poll(r.qp, 0), 0);
	CHECK_EQ(nvmu_soft_step(r.e.t, 0), 1); /* third step after: posted */
	CHECK_EQ(nvmu_qpair_poll(r.qp, 0), 1);
	CHECK_EQ(w.done, 1);
	CHECK_EQ(w.cpl.status, 0);
out:
	CHECK_EQ(rig_close(&r), 0);
}

TEST(late_admin_completion_within_timeout)
{
	struct rig r;
	struct nvmu_sqe get = { .opcode = nvme_admin_get_features, .cdw10 = NVME_FEAT_FID_VOLATILE_WC };
	struct nvmu_cpl cpl;
	uint64_t t0;

	if (!rig_open(&r, ""))
		goto out;
	fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_OPCODE | NVMU_SOFT_MATCH_QUEUE,
					    .opcode = nvme_admin_get_features,
					    .action = NVMU_SOFT_FAULT_LATE, .delay_ms = 100 });
	t0 = nvmu_now_ns();
	CHECK_EQ(nvmu_admin_cmd(r.e.ctrl, &get, 0, 0, 5000, &cpl), 0);
	CHECK(nvmu_now_ns() - t0 >= 100 * 1000000ull);
	CHECK_EQ(cpl.dw0, 1);
out:
	CHECK_EQ(rig_close(&r), 0);
}

TEST(wrong_cid_counted_never_followed)
{
	struct rig r;
	struct io_wait w;

	if (!rig_open(&r, "mode=step"))
		goto out;
	fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO, .times = 1,
					    .action = NVMU_SOFT_FAULT_WRONG_CID, .cid = 0x3ff });
	submit_read(&r, 0, &w);
	CHECK(!env_reap(&r.e, r.qp, &w.done, 1, 30));
	CHECK_EQ(qstats(&r).bad_cids, 1);
	CHECK_EQ(qstats(&r).completed, 0);
	CHECK_EQ(nvmu_qpair_outstanding(r.qp), 1);
out:
	CHECK_EQ(rig_close(&r), 0);
}

TEST(stale_cid_counted)
{
	struct rig r;
	struct io_wait w1, w2;

	if (!rig_open(&r, "mode=step"))
		goto out;
	submit_read(&r, 0, &w1);
	CHECK(env_reap(&r.e, r.qp, &w1.done, 1, 2000));
	fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO,
					    .action = NVMU_SOFT_FAULT_STALE_CID });
	submit_read(&r, 1, &w2);
	CHECK(env_reap(&r.e, r.qp, &w2.done, 1, 2000));
	nvmu_qpair_poll(r.qp, 0);
	CHECK_EQ(w1.done, 1); /* the stale completion did not run its callback again */
	CHECK_EQ(w2.done, 1);
	CHECK_EQ(qstats(&r).bad_cids, 1);
	CHECK_EQ(qstats(&r).completed, 2);
out:
	CHECK_EQ(rig_close(&r), 0);
}

TEST(duplicate_cid_completes_once)
{
	struct rig r;
	struct io_wait w;

	if (!rig_open(&r, "mode=step"))
		goto out;
	fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO,
					    .action = NVMU_SOFT_FAULT_DUP_CID });
	submit_read(&r, 0, &w);
	CHECK(env_reap(&r.e, r.qp, &w.done, 1, 2000));
	nvmu_qpair_poll(r.qp, 0);
	CHECK_EQ(w.done, 1);
	CHECK_EQ(qstats(&r).bad_cids, 1);
	CHECK_EQ(nvmu_qpair_outstanding(r.qp), 0);
out:
	CHECK_EQ(rig_close(&r), 0);
}

TEST(wrong_phase_not_seen)
{
	struct rig r;
	struct io_wait w;
	struct nvmu_soft_stats st;

	if (!rig_open(&r, "mode=step"))
		goto out;
	fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO, .times = 1,
					    .action = NVMU_SOFT_FAULT_BAD_PHASE });
	submit_read(&r, 0, &w);
	CHECK(!env_reap(&r.e, r.qp, &w.done, 1, 30));
	nvmu_soft_stats(r.e.t, &st);
	CHECK_EQ(st.io_cmds, 1);
	CHECK_EQ(nvmu_qpair_outstanding(r.qp), 1);
	CHECK_EQ(qstats(&r).completed, 0);
out:
	CHECK_EQ(rig_close(&r), 0);
}

TEST(bad_sq_head_counted)
{
	struct rig r;
	struct io_wait w;

	if (!rig_open(&r, "mode=step"))
		goto out;
	fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO,
					    .action = NVMU_SOFT_FAULT_BAD_SQHD, .cid = 999 });
	submit_read(&r, 0, &w);
	CHECK(env_reap(&r.e, r.qp, &w.done, 1, 2000));
	CHECK_EQ(qstats(&r).bad_sqhd, 1);
	CHECK_EQ(w.done, 1);
out:
	CHECK_EQ(rig_close(&r), 0);
}

TEST(fatal_status_at_open)
{
	struct env e;
	struct nvmu_soft_fault f = { .match = NVMU_SOFT_MATCH_OPCODE | NVMU_SOFT_MATCH_QUEUE,
				     .opcode = nvme_admin_set_features, .action = NVMU_SOFT_FAULT_CFS };
	struct nvmu_soft_stats st;

	CHECK_EQ(nvmu_soft_open("", &e.t), 0);
	CHECK(nvmu_soft_fault_add(e.t, &f) >= 0);
	CHECK_EQ(nvmu_ctrl_open(e.t, NULL, &e.ctrl), -EIO);
	CHECK_STR_CONTAINS(nvmu_last_error(), "CSTS.CFS");
	nvmu_soft_stats(e.t, &st);
	CHECK(!NVME_CSTS_CFS(st.csts)); /* disabling the controller cleared it */
	CHECK_EQ(st.dma_mappings, 0);
	nvmu_soft_close(e.t);
}

TEST(fatal_status_while_running)
{
	struct rig r;
	struct nvmu_qpair *qp2 = NULL;

	if (!rig_open(&r, ""))
		goto out;
	nvmu_soft_set_fatal(r.e.t);
	CHECK_EQ(nvmu_qpair_create(r.e.ctrl, NULL, &qp2), -EIO);
	CHECK_STR_CONTAINS(nvmu_last_error(), "CSTS.CFS");
	nvmu_ctrl_dma_free(r.e.ctrl, &r.buf);
	CHECK_EQ(env_close(&r.e), -EIO);
	return;
out:
	rig_close(&r);
}

TEST(surprise_removal_at_open)
{
	struct nvmu_transport *t = NULL;
	struct nvmu_ctrl *ctrl = NULL;

	CHECK_EQ(nvmu_soft_open("mode=step", &t), 0);
	nvmu_soft_surprise_remove(t);
	CHECK_EQ(nvmu_ctrl_open(t, NULL, &ctrl), -ENODEV);
	CHECK_STR_CONTAINS(nvmu_last_error(), "all-ones");
	nvmu_soft_close(t);
}

TEST(surprise_removal_during_io)
{
	struct rig r;
	struct io_wait w;
	uint64_t t0, deadline;
	int ret, id;

	if (!rig_open(&r, ""))
		goto out;
	id = fault(&r, (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO,
						 .action = NVMU_SOFT_FAULT_REMOVE });
	submit_read(&r, 0, &w);
	/* The controller's thread removes itself when it reaches the read: wait for that
	 * (bounded) rather than for a fixed time, which a loaded machine may not honour. */
	deadline = nvmu_deadline_ms(10000);
	while (nvmu_soft_fault_hits(r.e.t, id) == 0 && !nvmu_deadline_passed(deadline))
		nvmu_sleep_us(1000);
	CHECK_EQ(nvmu_soft_fault_hits(r.e.t, id), 1);
	CHECK(!env_reap(&r.e, r.qp, &w.done, 1, 50));
	CHECK_EQ(nvmu_ctrl_csts(r.e.ctrl), 0xffffffff);
	nvmu_ctrl_dma_free(r.e.ctrl, &r.buf);
	t0 = nvmu_now_ns();
	ret = env_close(&r.e);
	CHECK_EQ(ret, -ENODEV);
	CHECK(nvmu_now_ns() - t0 < 2000 * 1000000ull); /* no wait for a device that is gone */
	return;
out:
	rig_close(&r);
}

TEST(slow_ready_within_cap_timeout)
{
	struct env e;
	uint64_t t0 = nvmu_now_ns();

	CHECK_EQ(env_open(&e, "ready_delay=300,to=4", NULL), 0);
	CHECK(nvmu_now_ns() - t0 >= 300 * 1000000ull);
	if (e.ctrl)
		CHECK_EQ(env_close(&e), 0);
}

TEST(slow_ready_beyond_cap_timeout)
{
	struct env e;
	uint64_t t0 = nvmu_now_ns();

	CHECK_EQ(env_open(&e, "ready_delay=5000,to=1", NULL), -ETIMEDOUT);
	CHECK_STR_CONTAINS(nvmu_last_error(), "did not become ready within 500 ms");
	CHECK(nvmu_now_ns() - t0 < 3000 * 1000000ull);
}

/* CAP as the controller reports it, with TO cleared. */
static uint64_t soft_cap_to_zero(struct nvmu_transport *t)
{
	uint64_t cap = t->ops->read64(t, NVME_REG_CAP);

	return cap & ~((uint64_t)NVME_CAP_TO_MASK << NVME_CAP_TO_SHIFT);
}

TEST(odd_cap_values)
{
	struct rig r;
	struct io_wait w;
	struct env e;
	struct nvmu_transport *t = NULL;
	struct nvmu_ctrl *ctrl = NULL;

	/* MQES 1: I/O queues of two entries, one command at a time. */
	if (rig_open(&r, "mqes=1,mode=step")) {
		CHECK_EQ(nvmu_qpair_entries(r.qp), 2);
		submit_read(&r, 0, &w);
		CHECK(env_reap(&r.e, r.qp, &w.done, 1, 2000));
	}
	CHECK_EQ(rig_close(&r), 0);
	/* A doorbell stride of 64 bytes. */
	if (rig_open(&r, "dstrd=4,mode=step")) {
		submit_read(&r, 0, &w);
		CHECK(env_reap(&r.e, r.qp, &w.done, 1, 2000));
	}
	CHECK_EQ(rig_close(&r), 0);
	/* Smallest memory page 8 KiB, above the host's 4 KiB. */
	CHECK_EQ(env_open(&e, "mpsmin=1,mpsmax=2,mode=step", NULL), -ENOTSUP);
	CHECK_STR_CONTAINS(nvmu_last_error(), "MPSMIN");
	/* CAP.TO 0 (the core treats it as 500 ms), replaced after open. */
	CHECK_EQ(nvmu_soft_open("mode=step", &t), 0);
	CHECK_EQ(nvmu_soft_set_cap(t, soft_cap_to_zero(t)), 0);
	CHECK_EQ(nvmu_ctrl_open(t, NULL, &ctrl), 0);
	CHECK_EQ(NVME_CAP_TO(nvmu_ctrl_cap(ctrl)), 0);
	CHECK_EQ(nvmu_ctrl_close(ctrl), 0);
	CHECK_EQ(nvmu_soft_set_cap(t, (uint64_t)15 << NVME_CAP_DSTRD_SHIFT), -EINVAL);
	nvmu_soft_close(t);
}

RUN_TESTS(T(status_delivered_in_full), T(lba_range_rule), T(admin_error_fails_open_with_status),
	  T(refused_queue_creation), T(never_completed_io_no_hang),
	  T(never_completed_admin_times_out), T(late_completion_after_steps),
	  T(late_admin_completion_within_timeout), T(wrong_cid_counted_never_followed),
	  T(stale_cid_counted), T(duplicate_cid_completes_once), T(wrong_phase_not_seen),
	  T(bad_sq_head_counted), T(fatal_status_at_open), T(fatal_status_while_running),
	  T(surprise_removal_at_open), T(surprise_removal_during_io),
	  T(slow_ready_within_cap_timeout), T(slow_ready_beyond_cap_timeout), T(odd_cap_values))
