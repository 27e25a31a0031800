/* SPDX-License-Identifier: MIT */
/* I/O through the NVMe core on a software controller: random reads and writes of every
 * PRP shape checked against a model of the namespace, and each NVM command. */
#include <stdlib.h>

#include "check.h"
#include "soft_env.h"

#define NS_BYTES (8u << 20)
#define BUF_BYTES (2u << 20)

struct rig {
	struct env e;
	struct nvmu_qpair *qp;
	struct nvmu_dma_buf buf;
	uint8_t *model; /* what the namespace should hold */
};

static bool rig_open(struct rig *r, const char *spec)
{
	struct nvmu_qpair_opts qo = { .entries = 64 };

	memset(r, 0, sizeof(*r));
	CHECK_EQ(env_open(&r->e, spec, NULL), 0);
	if (!r->e.ctrl)
		return false;
	CHECK_EQ(nvmu_qpair_create(r->e.ctrl, &qo, &r->qp), 0);
	CHECK_EQ(nvmu_ctrl_dma_alloc(r->e.ctrl, BUF_BYTES + 4096, &r->buf), 0);
	r->model = calloc(1, NS_BYTES);
	return r->qp && r->buf.vaddr && r->model;
}

static void rig_close(struct rig *r)
{
	free(r->model);
	nvmu_ctrl_dma_free(r->e.ctrl, &r->buf);
	CHECK_EQ(env_violations(&r->e), 0);
	CHECK_EQ(env_close(&r->e), 0);
}

/* One command on the rig's pair with data at buffer offset @off; returns the status. */
static int rig_cmd(struct rig *r, struct nvmu_sqe cmd, size_t off, size_t len)
{
	struct io_wait w;
	int ret = env_io(&r->e, r->qp, &cmd, r->buf.iova + off, len, &w);

	CHECK_EQ(ret, 0);
	return ret < 0 ? -1 : w.cpl.status;
}

/* Random writes and reads, each at a random buffer offset (PRP1 anywhere in a page, 4-byte
 * aligned) and length (one page, two pages, PRP lists, chained list pages). */
static void random_io(const char *spec, uint32_t lbs, unsigned rounds)
{
	struct rig r;
	uint8_t *buf;
	size_t max_len;

	if (!rig_open(&r, spec)) {
		rig_close(&r);
		return;
	}
	buf = r.buf.vaddr;
	max_len = nvmu_ctrl_max_transfer(r.e.ctrl);
	srand(1234);
	for (unsigned i = 0; i < rounds; i++) {
		uint32_t blocks = NS_BYTES / lbs;
		uint32_t nlb = 1 + (uint32_t)rand() % (uint32_t)(max_len / lbs);
		uint64_t slba = (uint64_t)rand() % (blocks - nlb + 1);
		size_t off = ((size_t)rand() % 1024) * 4, len = (size_t)nlb * lbs;
		bool write = rand() & 1;

		if (write) {
			uint64_t x = (uint64_t)rand() << 1 | 1;

			for (size_t k = 0; k < len; k += 8) {
				x = x * 6364136223846793005ull + 1442695040888963407ull;
				memcpy(buf + off + k, &x, 8);
			}
			memcpy(r.model + slba * lbs, buf + off, len);
		}
		memset(buf + (write ? 0 : off), 0xee, write ? 0 : len);
		CHECK_EQ(rig_cmd(&r, rw_cmd(write ? nvme_cmd_write : nvme_cmd_read, 1, slba, nlb), off,
				 len), 0);
		if (!write && memcmp(buf + off, r.model + slba * lbs, len) != 0) {
			fprintf(stderr, "round %u: read of %u blocks at %llu (offset %zu) differs\n", i,
				nlb, (unsigned long long)slba, off);
			CHECK(0);
			break;
		}
	}
	CHECK(memcmp(nvmu_soft_ns_data(r.e.t, 1, NULL), r.model, NS_BYTES) == 0);
	rig_close(&r);
}

TEST(random_io_512_stepped)
{
	random_io("size=8M,lbs=512,mdts=0,mode=step", 512, 300);
}

TEST(random_io_4096_thread)
{
	random_io("size=8M,lbs=4096,mdts=3", 4096, 200);
}

TEST(many_in_flight_stepped)
{
	struct rig r;
	struct io_wait w[63];
	unsigned done = 0;

	if (!rig_open(&r, "size=8M,mode=step")) {
		rig_close(&r);
		return;
	}
	for (int i = 0; i < 63; i++) {
		struct nvmu_sqe cmd = rw_cmd(nvme_cmd_write, 1, (uint64_t)i * 8, 8);

		memset((uint8_t *)r.buf.vaddr + i * 4096, i + 1, 4096);
		memset(&w[i], 0, sizeof(w[i]));
		CHECK_EQ(nvmu_qpair_submit(r.qp, &cmd, r.buf.iova + (uint64_t)i * 4096, 4096, io_done,
					   &w[i]), 0);
	}
	CHECK_EQ(nvmu_qpair_submit(r.qp, &(struct nvmu_sqe){ .opcode = 0 }, 0, 0, io_done, &w[0]),
		 -EAGAIN);
	nvmu_qpair_ring(r.qp);
	CHECK_EQ(nvmu_soft_step(r.e.t, 10), 10); /* deterministic: exactly ten fetched */
	CHECK_EQ(nvmu_qpair_poll(r.qp, 0), 10);
	CHECK_EQ(nvmu_soft_step(r.e.t, 0), 53);
	CHECK_EQ(nvmu_qpair_poll(r.qp, 0), 53);
	for (int i = 0; i < 63; i++)
		done += w[i].done;
	CHECK_EQ(done, 63);
	CHECK_EQ(((uint8_t *)nvmu_soft_ns_data(r.e.t, 1, NULL))[62 * 4096 + 17], 63);
	rig_close(&r);
}

TEST(write_zeroes_flush_verify)
{
	struct rig r;
	uint8_t *ns;

	if (!rig_open(&r, "size=8M,mode=step")) {
		rig_close(&r);
		return;
	}
	ns = nvmu_soft_ns_data(r.e.t, 1, NULL);
	memset(r.buf.vaddr, 0x5a, 8192);
	CHECK_EQ(rig_cmd(&r, rw_cmd(nvme_cmd_write, 1, 100, 16), 0, 8192), 0);
	CHECK_EQ(rig_cmd(&r, rw_cmd(nvme_cmd_write_zeroes, 1, 104, 4), 0, 0), 0);
	CHECK_EQ(ns[100 * 512], 0x5a);
	CHECK_EQ(ns[104 * 512], 0);
	CHECK_EQ(ns[107 * 512 + 511], 0);
	CHECK_EQ(ns[108 * 512], 0x5a);
	CHECK_EQ(rig_cmd(&r, (struct nvmu_sqe){ .opcode = nvme_cmd_flush, .nsid = 1 }, 0, 0), 0);
	CHECK_EQ(rig_cmd(&r, (struct nvmu_sqe){ .opcode = nvme_cmd_flush, .nsid = 0xffffffff }, 0, 0), 0);
	CHECK_EQ(rig_cmd(&r, rw_cmd(nvme_cmd_verify, 1, 0, 256), 0, 0), 0);
	CHECK_EQ(rig_cmd(&r, rw_cmd(nvme_cmd_verify, 1, 16383, 2), 0, 0),
		 SC_DNR(NVME_SCT_GENERIC, NVME_SC_LBA_RANGE));
	CHECK_EQ(rig_cmd(&r, rw_cmd(nvme_cmd_read, 2, 0, 1), 0, 512),
		 SC_DNR(NVME_SCT_GENERIC, NVME_SC_INVALID_NS));
	CHECK_EQ(rig_cmd(&r, (struct nvmu_sqe){ .opcode = 0x7e, .nsid = 1 }, 0, 0),
		 SC_DNR(NVME_SCT_GENERIC, NVME_SC_INVALID_OPCODE));
	rig_close(&r);
}

TEST(compare_match_and_mismatch)
{
	struct rig r;

	if (!rig_open(&r, "size=8M,mode=step")) {
		rig_close(&r);
		return;
	}
	memset(r.buf.vaddr, 0x33, 4096);
	CHECK_EQ(rig_cmd(&r, rw_cmd(nvme_cmd_write, 1, 8, 8), 0, 4096), 0);
	CHECK_EQ(rig_cmd(&r, rw_cmd(nvme_cmd_compare, 1, 8, 8), 0, 4096), 0);
	((uint8_t *)r.buf.vaddr)[4095] = 0x34;
	CHECK_EQ(rig_cmd(&r, rw_cmd(nvme_cmd_compare, 1, 8, 8), 0, 4096),
		 SC_DNR(NVME_SCT_MEDIA, NVME_SC_COMPARE_FAILED));
	rig_close(&r);
}

TEST(dataset_management_deallocate)
{
	struct rig r;
	struct nvme_dsm_range *ranges;
	uint8_t *ns;
	struct nvmu_sqe dsm = { .opcode = nvme_cmd_dsm, .nsid = 1, .cdw10 = 1,
				.cdw11 = NVME_DSMGMT_AD };

	if (!rig_open(&r, "size=8M,mode=step")) {
		rig_close(&r);
		return;
	}
	ns = nvmu_soft_ns_data(r.e.t, 1, NULL);
	memset(ns, 0x77, 64 * 512);
	ranges = r.buf.vaddr;
	ranges[0] = (struct nvme_dsm_range){ .slba = 2, .nlb = 3 };
	ranges[1] = (struct nvme_dsm_range){ .slba = 40, .nlb = 1 };
	CHECK_EQ(rig_cmd(&r, dsm, 0, 2 * sizeof(*ranges)), 0);
	CHECK_EQ(ns[1 * 512], 0x77);
	CHECK_EQ(ns[2 * 512], 0);
	CHECK_EQ(ns[4 * 512 + 511], 0);
	CHECK_EQ(ns[5 * 512], 0x77);
	CHECK_EQ(ns[40 * 512], 0);
	ranges[0] = (struct nvme_dsm_range){ .slba = 16383, .nlb = 2 };
	dsm.cdw10 = 0;
	CHECK_EQ(rig_cmd(&r, dsm, 0, sizeof(*ranges)), SC_DNR(NVME_SCT_GENERIC, NVME_SC_LBA_RANGE));
	rig_close(&r);
}

/* Zeroing whole pages in RAM gives them back to the kernel (madvise): the blocks across
 * page edges read zeroes, the bytes just outside keep their data. */
TEST(zeroing_across_pages_keeps_the_edges)
{
	struct rig r;
	struct nvme_dsm_range *ranges;
	uint8_t *ns;
	struct nvmu_sqe dsm = { .opcode = nvme_cmd_dsm, .nsid = 1, .cdw11 = NVME_DSMGMT_AD };
	size_t first = 3 * 512, end = 53 * 512, i;
	bool zero = true, kept = true;

	if (!rig_open(&r, "size=8M,mode=step")) {
		rig_close(&r);
		return;
	}
	ns = nvmu_soft_ns_data(r.e.t, 1, NULL);
	memset(ns, 0x77, 64 * 512);
	ranges = r.buf.vaddr;
	ranges[0] = (struct nvme_dsm_range){ .slba = 3, .nlb = 50 };
	CHECK_EQ(rig_cmd(&r, dsm, 0, sizeof(*ranges)), 0);
	for (i = 0; i < 64 * 512; i++) {
		zero = zero && (i < first || i >= end || ns[i] == 0);
		kept = kept && ((i >= first && i < end) || ns[i] == 0x77);
	}
	CHECK(zero);
	CHECK(kept);
	memset(ns, 0x66, 64 * 512);
	CHECK_EQ(rig_cmd(&r, rw_cmd(nvme_cmd_write_zeroes, 1, 7, 33), 0, 0), 0);
	CHECK_EQ(ns[7 * 512 - 1], 0x66);
	CHECK_EQ(ns[7 * 512], 0);
	CHECK_EQ(ns[4096], 0);
	CHECK_EQ(ns[8191], 0);
	CHECK_EQ(ns[40 * 512 - 1], 0);
	CHECK_EQ(ns[40 * 512], 0x66);
	rig_close(&r);
}

TEST(copy_ranges)
{
	struct rig r;
	struct nvme_copy_range *ranges;
	uint8_t *ns;
	struct nvmu_sqe copy = { .opcode = nvme_cmd_copy, .nsid = 1, .cdw10 = 1000, .cdw12 = 1 };

	if (!rig_open(&r, "size=8M,mode=step")) {
		rig_close(&r);
		return;
	}
	ns = nvmu_soft_ns_data(r.e.t, 1, NULL);
	memset(ns + 10 * 512, 0xa1, 2 * 512);
	memset(ns + 20 * 512, 0xb2, 3 * 512);
	ranges = r.buf.vaddr;
	ranges[0] = (struct nvme_copy_range){ .slba = 10, .nlb = 1 };
	ranges[1] = (struct nvme_copy_range){ .slba = 20, .nlb = 2 };
	CHECK_EQ(rig_cmd(&r, copy, 0, 2 * sizeof(*ranges)), 0);
	CHECK_EQ(ns[1000 * 512], 0xa1);
	CHECK_EQ(ns[1001 * 512 + 511], 0xa1);
	CHECK_EQ(ns[1002 * 512], 0xb2);
	CHECK_EQ(ns[1004 * 512 + 511], 0xb2);
	CHECK_EQ(ns[1005 * 512], 0);
	ranges[0].nlb = 300; /* above MSSRL */
	CHECK_EQ(rig_cmd(&r, copy, 0, 2 * sizeof(*ranges)),
		 SC_DNR(NVME_SCT_CMD_SPECIFIC, NVME_SC_CMD_SIZE_LIMIT_EXCEEDED));
	rig_close(&r);
}

TEST(transfer_above_mdts_refused)
{
	struct rig r;

	if (!rig_open(&r, "size=8M,mdts=1,mode=step")) {
		rig_close(&r);
		return;
	}
	CHECK_EQ(nvmu_ctrl_max_transfer(r.e.ctrl), 8192);
	/* The core refuses to build it; the controller refuses it when asked anyway. */
	CHECK_EQ(rig_cmd(&r, rw_cmd(nvme_cmd_read, 1, 0, 32), 0, 4096),
		 SC_DNR(NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD));
	rig_close(&r);
}

TEST(two_namespaces_independent)
{
	struct rig r;

	if (!rig_open(&r, "ns=2,size=8M,lbs=4096,mode=step")) {
		rig_close(&r);
		return;
	}
	memset(r.buf.vaddr, 0x11, 4096);
	CHECK_EQ(rig_cmd(&r, rw_cmd(nvme_cmd_write, 2, 5, 1), 0, 4096), 0);
	CHECK_EQ(((uint8_t *)nvmu_soft_ns_data(r.e.t, 2, NULL))[5 * 4096], 0x11);
	CHECK_EQ(((uint8_t *)nvmu_soft_ns_data(r.e.t, 1, NULL))[5 * 4096], 0);
	rig_close(&r);
}

RUN_TESTS(T(random_io_512_stepped), T(random_io_4096_thread), T(many_in_flight_stepped),
	  T(write_zeroes_flush_verify), T(compare_match_and_mismatch),
	  T(dataset_management_deallocate), T(zeroing_across_pages_keeps_the_edges), T(copy_ranges), T(transfer_above_mdts_refused),
	  T(two_namespaces_independent))
