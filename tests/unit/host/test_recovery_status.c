/* SPDX-License-Identifier: MIT */
/* Recovery from completions that are wrong or carry an error, on the software controller:
 * stale, duplicate and wrong-SQ-head completions are ignored (also a duplicate arriving
 * after its tracker was reused); an error status is reposted without DNR when reposts are
 * allowed, and delivered with DNR or without reposts; a failed child of a split request is
 * reposted alone. Each checks that every request completed exactly once. */
#include "check.h"
#include "recovery_env.h"

TEST(stale_and_duplicate_cids_ignored)
{
	struct rig r;
	struct nvmu_soft_fault bad_sqhd = io_any(NVMU_SOFT_FAULT_BAD_SQHD, 9, 0);
	int dup, stale, sqhd;

	if (!rig_open(&r, SPEC, NULL, &(struct nvmu_host_qpair_opts){ .timeout_ms = SHORT_MS }))
		goto out;
	dup = fault(&r, io_any(NVMU_SOFT_FAULT_DUP_CID, 3, 0));
	stale = fault(&r, io_any(NVMU_SOFT_FAULT_STALE_CID, 6, 0));
	bad_sqhd.cid = 0xffff;
	sqhd = fault(&r, bad_sqhd);
	for (unsigned i = 0; i < 8; i++)
		submit(&r, true, i, 1);
	CHECK(run(&r, false, WAIT_MS));
	for (unsigned i = 8; i < 24; i++) /* as completions arrive: CIDs get reused */
		submit(&r, false, i % 8, 0);
	check_all(&r, r.n, 0);
	CHECK_EQ(nvmu_soft_fault_hits(r.t, dup), 1);
	CHECK_EQ(nvmu_soft_fault_hits(r.t, stale), 1);
	CHECK_EQ(nvmu_soft_fault_hits(r.t, sqhd), 1);
	CHECK_EQ(qstats(&r).bad_cids, 2);
	CHECK_EQ(qstats(&r).bad_sqhd, 1);
	CHECK_EQ(qstats(&r).timeouts, 0);
	CHECK_EQ(rec(&r).resets, 0);
	for (unsigned i = 8; i < 24; i++)
		CHECK(holds(slot(&r, i), i % 8, 1));
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* Each read's completion is posted twice and the callback submits the next read at once,
 * so the duplicate arrives after its tracker was reused: its old generation is told apart
 * (the new read is not completed by it: its data is there), 200 times on one tracker.
 * A pair keeps at most 1024 commands in flight whatever its size, so the CID always has
 * 6 generation bits for this. */
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
	fault(&r, io_rule(nvme_cmd_read, NVMU_SOFT_FAULT_DUP_CID));
	c->r = &r;
	chain_submit(c);
	/* A few completions per call: the CQ head doorbell then follows (one call reaping
	 * the whole chain would fill the CQ as the controller sees it, and it drops a
	 * duplicate it has no room for). */
	while ((c->next < CHAIN_READS || nvmu_host_qpair_pending(r.qp)) &&
	       !nvmu_deadline_passed(deadline))
		nvmu_host_qpair_poll(r.qp, 4);
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
	f.status = SC(NVME_SCT_GENERIC, NVME_SC_NS_NOT_READY);
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

/* The first read on the rig's pair fails once with @status: it ends at once with
 * -EREMOTEIO and that status, not reposted. */
static void read_fails_once(struct rig *r, uint16_t status)
{
	struct nvmu_soft_fault f = io_rule(nvme_cmd_read, NVMU_SOFT_FAULT_STATUS);

	f.times = 1;
	f.status = status;
	fault(r, f);
	submit(r, false, 1, 0);
	CHECK(run(r, false, WAIT_MS));
	check_err(r, 0, -EREMOTEIO);
	CHECK_EQ(r->req[0].status, status);
	CHECK_EQ(qstats(r).reposted, 0);
	check_once(r);
}

/* With DNR no repost happens; without reposts configured neither. The status is kept. */
TEST(error_with_dnr_or_without_retries_fails)
{
	struct rig r;

	if (!rig_open(&r, SPEC, NULL, &(struct nvmu_host_qpair_opts){ .retries = 2 }))
		goto out;
	read_fails_once(&r, SC_DNR(NVME_SCT_MEDIA, NVME_SC_READ_ERROR));
	CHECK(nvmu_status_dnr(r.req[0].status));
	CHECK_EQ(rig_close(&r), 0);

	if (!rig_open(&r, SPEC, NULL, NULL))
		goto out;
	read_fails_once(&r, SC(NVME_SCT_GENERIC, NVME_SC_INTERNAL));
out:
	CHECK_EQ(rig_close(&r), 0);
}

/* A request split into children (beyond MDTS) whose one child fails once is reposted
 * alone and the request succeeds once; its data reads back. */
TEST(split_request_child_retried)
{
	struct rig r;

	if (!rig_open(&r, SPLIT_SPEC, NULL, &(struct nvmu_host_qpair_opts){ .retries = 1 }))
		goto out;
	split_write(&r, NVMU_SOFT_FAULT_STATUS, SC(NVME_SCT_GENERIC, NVME_SC_INTERNAL), 7, false);
	check_once(&r);
	check_err(&r, 0, 0);
	CHECK_EQ(qstats(&r).reposted, 1);
	check_blocks(&r, SPLIT_BLOCKS, 7);
out:
	CHECK_EQ(rig_close(&r), 0);
}

RUN_TESTS(T(stale_and_duplicate_cids_ignored), T(duplicate_cid_after_reuse_ignored),
	  T(error_without_dnr_is_retried), T(error_with_dnr_or_without_retries_fails),
	  T(split_request_child_retried))
