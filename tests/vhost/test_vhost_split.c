/* SPDX-License-Identifier: MIT */
/*
 * Splitting guest requests from an interceptor (nvmu_icpt_split()), through the test
 * front-end (frontend.h) against the software controller: a splitter cuts 16-block
 * reads, writes and write zeroes into pieces of 5, 6 and 5 blocks - in place, or placed
 * in reverse order as a stripe would - and a second interceptor behind it sees the
 * pieces, fails one, pauses one until a read of its own is done, and splits one again.
 * Checked: the data across the pieces' boundaries (which fall inside descriptors), where
 * each piece landed on the device (read back unsplit), the first error reaching the
 * guest, and that every request and piece completes exactly once.
 *
 * Usage: test_vhost_split [DEV [zero-copy]]   (default DEV soft:size=16M)
 * With "zero-copy" (a PCIe device behind an IOMMU, in the guest rig), the pieces' slices
 * carry device addresses into guest memory, and none may be bounced.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "frontend.h"
#include "nvmu/host.h"
#include "nvmu/intercept.h"
#include "nvmu/support.h"
#include "nvmu/vhost_blk.h"

#define MEM_SIZE (4u << 20)
#define NUM 16
#define T_IN 0
#define T_OUT 1
#define T_WZ 13
#define BLK 512u
#define NLB 16u      /* the splitter splits requests of exactly 16 blocks... */
#define IN_PLACE 1000 /* ...at [1000, 2000) in place, */
#define REVERSED 2000 /* [2000, 3000) placed in reverse order, */
#define FAULTY 3000   /* [3000, 4000) in place, where the second interceptor acts */
#define BAD_PLANS 4000 /* where the splitter tries plans that must be refused */
#define FAIL_LBA (FAULTY + 5)       /* the second interceptor fails this piece's writes */
#define PAUSE_LBA (FAULTY + 11)     /* and holds this piece's reads */
#define RESPLIT_LBA (IN_PLACE + 5)  /* and splits this piece again (3 + 3 blocks) */

static struct nvmu_host_ctrl *host;
static struct nvmu_vhost_blk *backend;
static char sock_path[160];
static bool zero_copy;

/* The splitter: what it split, and what its on_complete saw of the whole. */
static struct {
	int splits, wholes, whole_errors, not_whole, bad_plans_refused;
	int early; /* the whole completed while a piece was still going */
} sp;

/* The interceptor behind it: what reached it, and what it did. */
static struct {
	struct nvmu_ns *ns;
	struct nvmu_dma_buf own;
	int pieces, completes, failed, paused, resplit;
	int going; /* pieces it has seen that have not completed yet */
} pc;

static void fill(void *p, size_t len, unsigned seed)
{
	uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 9));
}

static bool splits(const struct nvmu_icpt_req *r)
{
	return r->nlb == NLB && r->lba >= IN_PLACE && r->lba < BAD_PLANS + 1000;
}

static void try_bad_plans(struct nvmu_icpt_req *r)
{
	const struct nvmu_icpt_piece short_sum[2] = { { r->lba, 5 }, { r->lba + 5, 6 } };
	const struct nvmu_icpt_piece empty[2] = { { r->lba, 0 }, { r->lba, NLB } };
	const struct nvmu_icpt_piece beyond[2] = { { r->lba, 8 }, { UINT64_MAX - 4, 8 } };
	const struct nvmu_icpt_piece one[1] = { { r->lba, NLB } };

	sp.bad_plans_refused += nvmu_icpt_split(r, short_sum, 2) == -EINVAL;
	sp.bad_plans_refused += nvmu_icpt_split(r, empty, 2) == -EINVAL;
	sp.bad_plans_refused += nvmu_icpt_split(r, beyond, 2) == -EINVAL;
	sp.bad_plans_refused += nvmu_icpt_split(r, one, 1) == -EINVAL;
}

static enum nvmu_icpt_verdict split_rw(void *arg, struct nvmu_icpt_req *r)
{
	uint64_t l = r->lba;
	struct nvmu_icpt_piece p[3] = { { l, 5 }, { l + 5, 6 }, { l + 11, 5 } };

	(void)arg;
	if (!splits(r))
		return NVMU_ICPT_PASS;
	if (l >= BAD_PLANS) {
		try_bad_plans(r);
		return NVMU_ICPT_PASS; /* refused plans leave the request whole */
	}
	if (l >= REVERSED && l < FAULTY) {
		p[0].lba = l + 11;
		p[2].lba = l;
	}
	if (nvmu_icpt_split(r, p, 3) < 0) {
		r->status = NVMU_ICPT_S_IOERR;
		return NVMU_ICPT_COMPLETE;
	}
	sp.splits++;
	r->data = &sp;
	return NVMU_ICPT_PASS;
}

static void split_complete(void *arg, struct nvmu_icpt_req *r)
{
	(void)arg;
	if (r->data != &sp)
		return;
	sp.wholes++;
	sp.whole_errors += r->status != NVMU_ICPT_S_OK;
	sp.not_whole += r->nlb != NLB;
	sp.early += pc.going != 0;
}

static void own_read_done(void *arg, const struct nvmu_cpl *cpl)
{
	struct nvmu_icpt_req *r = arg;

	if (cpl->err)
		nvmu_icpt_complete(r, NVMU_ICPT_S_IOERR);
	else
		nvmu_icpt_resume(r);
}

static int pieces_init(void *arg, struct nvmu_icpt_geometry *g)
{
	(void)arg;
	pc.ns = g->ns;
	return nvmu_host_dma_alloc(g->host, 4096, &pc.own);
}

/* The pieces are of 5 and 6 blocks; the test's other requests of 8 or 16. */
static bool is_piece(const struct nvmu_icpt_req *r)
{
	return r->nlb == 5 || r->nlb == 6;
}

static enum nvmu_icpt_verdict pieces_rw(void *arg, struct nvmu_icpt_req *r)
{
	(void)arg;
	pc.pieces += is_piece(r);
	pc.going += is_piece(r);
	if (r->op == NVMU_ICPT_WRITE && r->lba == FAIL_LBA) {
		pc.failed++;
		pc.going--;
		r->status = NVMU_ICPT_S_IOERR;
		return NVMU_ICPT_COMPLETE;
	}
	if (r->op == NVMU_ICPT_READ && r->lba == PAUSE_LBA) {
		pc.paused++;
		pc.own.len = 4096;
		if (nvmu_ns_read(r->qp, pc.ns, 0, &pc.own, 1, 0, own_read_done, r) < 0) {
			pc.going--;
			r->status = NVMU_ICPT_S_IOERR;
			return NVMU_ICPT_COMPLETE;
		}
		return NVMU_ICPT_PAUSE;
	}
	if (r->lba == RESPLIT_LBA && r->nlb == 6) {
		const struct nvmu_icpt_piece p[2] = { { r->lba, 3 }, { r->lba + 3, 3 } };

		if (nvmu_icpt_split(r, p, 2) == 0)
			pc.resplit++;
	}
	return NVMU_ICPT_PASS;
}

static void pieces_complete(void *arg, struct nvmu_icpt_req *r)
{
	(void)arg;
	pc.completes += is_piece(r);
	pc.going -= is_piece(r);
}

static void pieces_fini(void *arg)
{
	(void)arg;
	nvmu_host_dma_free(host, &pc.own);
}

static const struct nvmu_intercept_ops splitter = {
	.ops_size = sizeof(struct nvmu_intercept_ops), .name = "splitter",
	.on_read = split_rw, .on_write = split_rw, .on_write_zeroes = split_rw,
	.on_complete = split_complete,
};

static const struct nvmu_intercept_ops behind = {
	.ops_size = sizeof(struct nvmu_intercept_ops), .name = "behind",
	.on_init = pieces_init, .on_read = pieces_rw, .on_write = pieces_rw,
	.on_write_zeroes = pieces_rw, .on_complete = pieces_complete, .on_fini = pieces_fini,
};

/* ---- the front-end side ---- */

/* Three data descriptors of 1536, 3072 and 3584 bytes (16 blocks), apart in memory: the
 * pieces' boundaries (at 2560 and 5632 bytes) fall inside the second and third. */
static const uint64_t seg_off[3] = { 0, 8192, 20480 };
static const uint32_t seg_len[3] = { 1536, 3072, 3584 };

static struct fe f;

static bool no_extra_used(unsigned q)
{
	volatile uint16_t *used_idx = fe_gpa(&f, FE_RING_GPA(q) + 0x8000 + 2);

	return *used_idx == f.ring[q].used_seen;
}

/* A 16-block read or write at @p lba with its data in three descriptors at FE_DATA_GPA +
 * @p base: the status byte, -1 when the chain came back unanswered, -2 on a timeout. */
static int rw3(unsigned q, uint32_t type, uint64_t lba, uint64_t base)
{
	uint32_t hdr[4] = { type, 0, (uint32_t)lba, (uint32_t)(lba >> 32) }, id, len;
	uint16_t w = type == T_IN ? FE_DESC_WRITE : 0;
	struct fe_desc d[5] = { { FE_HDR_GPA, 16, FE_DESC_NEXT, 1 } };

	for (unsigned i = 0; i < 3; i++)
		d[i + 1] = (struct fe_desc){ FE_DATA_GPA + base + seg_off[i], seg_len[i],
					     FE_DESC_NEXT | w, (uint16_t)(i + 2) };
	d[4] = (struct fe_desc){ FE_STATUS_GPA, 1, FE_DESC_WRITE, 0 };
	memcpy(fe_gpa(&f, FE_HDR_GPA), hdr, sizeof(hdr));
	*(uint8_t *)fe_gpa(&f, FE_STATUS_GPA) = 0xee;
	fe_submit(&f, q, d, 5);
	if (fe_wait_used(&f, q, &id, &len) < 0)
		return -2;
	return len == 0 ? -1 : *(uint8_t *)fe_gpa(&f, FE_STATUS_GPA);
}

/* The 16 blocks of the three descriptors at @p base, gathered into @p out. */
static void gather3(uint64_t base, uint8_t *out)
{
	for (unsigned i = 0; i < 3; i++) {
		memcpy(out, fe_gpa(&f, FE_DATA_GPA + base + seg_off[i]), seg_len[i]);
		out += seg_len[i];
	}
}

static void scatter3(uint64_t base, const uint8_t *in)
{
	for (unsigned i = 0; i < 3; i++) {
		memcpy(fe_gpa(&f, FE_DATA_GPA + base + seg_off[i]), in, seg_len[i]);
		in += seg_len[i];
	}
}

/* Read @p nlb (< 16: not split) blocks at @p lba into @p out, through one descriptor. */
static int read_unsplit(uint64_t lba, unsigned nlb, uint8_t *out)
{
	int st = fe_blk(&f, 1, T_IN, lba, 1 << 20, nlb * BLK);

	memcpy(out, fe_gpa(&f, FE_DATA_GPA + (1 << 20)), nlb * BLK);
	return st;
}

/* The 16 blocks at @p lba as they are on the device, read in two unsplit halves. */
static bool device_blocks(uint64_t lba, uint8_t *out)
{
	return read_unsplit(lba, 8, out) == 0 && read_unsplit(lba + 8, 8, out + 8 * BLK) == 0;
}

/* A split read of the 16 blocks at @p lba on queue @p q, into three descriptors away from
 * the written ones: answered once, OK, with @p want. */
static bool split_read_gives(unsigned q, uint64_t lba, const uint8_t *want)
{
	uint8_t back[NLB * BLK] = { 0 };

	scatter3(65536, back);
	if (rw3(q, T_IN, lba, 65536) != 0 || !no_extra_used(q))
		return false;
	gather3(65536, back);
	return memcmp(want, back, sizeof(back)) == 0;
}

TEST(split_in_place_keeps_data_across_boundaries)
{
	uint8_t data[NLB * BLK], back[NLB * BLK];
	int splits = sp.splits, wholes = sp.wholes, pieces = pc.pieces, completes = pc.completes;

	fill(data, sizeof(data), 1);
	scatter3(0, data);
	CHECK_EQ(rw3(0, T_OUT, IN_PLACE, 0), 0);
	CHECK(no_extra_used(0));
	/* split 5 + 6 + 5, and the 6 split again into 3 + 3 */
	CHECK_EQ(sp.splits - splits, 1);
	CHECK_EQ(sp.wholes - wholes, 1);
	CHECK_EQ(pc.pieces - pieces, 3);
	CHECK_EQ(pc.completes - completes, 3);
	CHECK_EQ(pc.resplit, 1);
	CHECK(device_blocks(IN_PLACE, back));
	CHECK(memcmp(data, back, sizeof(data)) == 0);
	CHECK(split_read_gives(0, IN_PLACE, data));
	CHECK_EQ(pc.resplit, 2);
	CHECK_EQ(sp.wholes - wholes, 2);
	CHECK_EQ(sp.not_whole, 0);
	CHECK_EQ(sp.whole_errors, 0);
}

TEST(split_pieces_placed_in_reverse)
{
	uint8_t data[NLB * BLK], back[NLB * BLK], want[NLB * BLK];

	fill(data, sizeof(data), 2);
	scatter3(0, data);
	CHECK_EQ(rw3(0, T_OUT, REVERSED, 0), 0);
	/* data blocks 0-4 at +11, 5-10 at +5, 11-15 at +0 */
	memcpy(want, data + 11 * BLK, 5 * BLK);
	memcpy(want + 5 * BLK, data + 5 * BLK, 6 * BLK);
	memcpy(want + 11 * BLK, data, 5 * BLK);
	CHECK(device_blocks(REVERSED, back));
	CHECK(memcmp(want, back, sizeof(want)) == 0);
	/* a split read maps them back */
	CHECK(split_read_gives(1, REVERSED, data));
}

TEST(an_error_in_one_piece_fails_the_request_once)
{
	uint8_t old[NLB * BLK], data[NLB * BLK], back[NLB * BLK];
	int wholes = sp.wholes, errors = sp.whole_errors, completes = pc.completes;

	/* old data at FAULTY, written unsplit (two halves), then a split write that fails */
	fill(old, sizeof(old), 3);
	memcpy(fe_gpa(&f, FE_DATA_GPA + (2 << 20)), old, sizeof(old));
	CHECK_EQ(fe_blk(&f, 0, T_OUT, FAULTY, 2 << 20, 8 * BLK), 0);
	CHECK_EQ(fe_blk(&f, 0, T_OUT, FAULTY + 8, (2 << 20) + 8 * BLK, 8 * BLK), 0);
	fill(data, sizeof(data), 4);
	scatter3(0, data);
	CHECK_EQ(rw3(0, T_OUT, FAULTY, 0), 1);
	CHECK(no_extra_used(0));
	CHECK_EQ(pc.failed, 1);
	CHECK_EQ(sp.wholes - wholes, 1);
	CHECK_EQ(sp.whole_errors - errors, 1);
	/* the two pieces the interceptor passed reached the device; the failed one did not */
	CHECK_EQ(pc.completes - completes, 2);
	CHECK(device_blocks(FAULTY, back));
	CHECK(memcmp(back, data, 5 * BLK) == 0);
	CHECK(memcmp(back + 5 * BLK, old + 5 * BLK, 6 * BLK) == 0);
	CHECK(memcmp(back + 11 * BLK, data + 11 * BLK, 5 * BLK) == 0);
}

TEST(a_paused_piece_resumes)
{
	uint8_t want[NLB * BLK];
	int paused = pc.paused, wholes = sp.wholes;

	CHECK(device_blocks(FAULTY, want));
	CHECK(split_read_gives(1, FAULTY, want));
	CHECK_EQ(pc.paused - paused, 1);
	CHECK_EQ(sp.wholes - wholes, 1);
}

TEST(write_zeroes_split)
{
	uint8_t zero[NLB * BLK] = { 0 }, back[NLB * BLK];
	uint32_t seg[4] = { IN_PLACE, 0, NLB, 0 };
	int pieces = pc.pieces, wholes = sp.wholes;

	memcpy(fe_gpa(&f, FE_DATA_GPA), seg, sizeof(seg));
	CHECK_EQ(fe_blk(&f, 0, T_WZ, 0, 0, 16), 0);
	CHECK(no_extra_used(0));
	CHECK_EQ(pc.pieces - pieces, 3);
	CHECK_EQ(sp.wholes - wholes, 1);
	CHECK(device_blocks(IN_PLACE, back));
	CHECK(memcmp(zero, back, sizeof(zero)) == 0);
}

TEST(bad_plans_are_refused)
{
	uint8_t data[NLB * BLK], back[NLB * BLK];
	int splits = sp.splits;

	fill(data, sizeof(data), 5);
	scatter3(0, data);
	CHECK_EQ(rw3(0, T_OUT, BAD_PLANS, 0), 0);
	CHECK_EQ(sp.bad_plans_refused, 4);
	CHECK_EQ(sp.splits, splits);
	CHECK(device_blocks(BAD_PLANS, back));
	CHECK(memcmp(data, back, sizeof(data)) == 0);
}

TEST(nothing_completed_twice)
{
	struct nvmu_vhost_blk_stats st;

	usleep(100000); /* a second completion of any request would have shown by now */
	CHECK(no_extra_used(0));
	CHECK(no_extra_used(1));
	nvmu_vhost_blk_stats(backend, &st);
	CHECK_EQ(st.requests, (uint64_t)(uint16_t)(f.ring[0].used_seen + f.ring[1].used_seen));
	printf("# requests %llu, bounced %llu\n", (unsigned long long)st.requests,
	       (unsigned long long)st.bounced);
	if (zero_copy)
		CHECK_EQ(st.bounced, 0);
	CHECK_EQ(sp.wholes, sp.splits);
	CHECK_EQ(sp.early, 0);
	CHECK_EQ(pc.going, 0);
}

static int run(void)
{
	static const struct check_test tests[] = {
		T(split_in_place_keeps_data_across_boundaries), T(split_pieces_placed_in_reverse),
		T(an_error_in_one_piece_fails_the_request_once), T(a_paused_piece_resumes),
		T(write_zeroes_split), T(bad_plans_are_refused), T(nothing_completed_twice),
	};

	return check_run(tests, sizeof(tests) / sizeof(tests[0]));
}

int main(int argc, char **argv)
{
	struct nvmu_vhost_blk_opts opts = { .opts_size = sizeof(opts), .queues = 2 };
	const char *dev = argc > 1 ? argv[1] : "soft:size=16M";
	char dir[] = "/tmp/nvmu-vhost-split.XXXXXX";
	int ret;

	zero_copy = argc > 2 && strcmp(argv[2], "zero-copy") == 0;
	if (!mkdtemp(dir) || nvmu_host_attach(dev, NULL, &host) < 0) {
		printf("Bail out! attach %s: %s\n", dev, nvmu_last_error());
		return 1;
	}
	snprintf(sock_path, sizeof(sock_path), "%s/vhost.sock", dir);
	if (nvmu_vhost_blk_create(host, sock_path, &opts, &backend) < 0 ||
	    nvmu_vhost_blk_add_interceptor(backend, &splitter, NULL) < 0 ||
	    nvmu_vhost_blk_add_interceptor(backend, &behind, NULL) < 0 ||
	    nvmu_vhost_blk_start(backend) < 0) {
		printf("Bail out! backend: %s\n", nvmu_last_error());
		return 1;
	}
	nvmu_log_set_level(NVMU_LOG_ERROR);
	f.sock = -1;
	if (fe_memory(&f, MEM_SIZE) < 0 || fe_connect(&f, sock_path) < 0 ||
	    fe_start(&f, 2, NUM, true, false) < 0) {
		printf("Bail out! front-end: %s\n", strerror(errno));
		return 1;
	}
	ret = run();
	fe_close(&f);
	CHECK_EQ(nvmu_vhost_blk_stop(backend, 0), 0);
	nvmu_vhost_blk_destroy(backend);
	munmap(f.mem, f.mem_size);
	close(f.memfd);
	for (int q = 0; q < 2; q++) {
		close(f.ring[q].call);
		close(f.ring[q].kick);
	}
	nvmu_host_detach(host);
	rmdir(dir);
	return ret;
}
