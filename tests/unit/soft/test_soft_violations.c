/* SPDX-License-Identifier: MIT */
/* What the software controller counts as protocol violations, driven by a raw driver:
 * doorbells, CIDs, PRPs, SGLs, unmapped memory, registers; SGL transfers and shadow
 * doorbells; the option string. */
#include "check.h"
#include "raw_driver.h"
#include "soft_env.h"
#include "transport/soft/sgl.h"

#define SPEC "mode=step,size=1M,sgl=1"

TEST(doorbells_out_of_range)
{
	struct raw r;

	CHECK_EQ(raw_open(&r, SPEC), 0);
	*nvmu_doorbell(r.t->doorbells, 5, false, 0) = 1; /* SQ 5 does not exist */
	nvmu_soft_step(r.t, 0);
	CHECK_EQ(raw_violations(&r, NVMU_SOFT_V_DOORBELL_QUEUE), 1);
	*r.sq[0].doorbell = 100; /* beyond 16 entries */
	nvmu_soft_step(r.t, 0);
	CHECK_EQ(raw_violations(&r, NVMU_SOFT_V_SQ_TAIL), 1);
	*r.cq[0].doorbell = 50;
	nvmu_soft_step(r.t, 0);
	*r.cq[0].doorbell = 3; /* nothing was posted */
	nvmu_soft_step(r.t, 0);
	CHECK_EQ(raw_violations(&r, NVMU_SOFT_V_CQ_HEAD), 2);
	raw_close(&r);
}

TEST(cid_reused_while_in_flight)
{
	struct raw r;
	struct nvmu_soft_fault never = { .match = NVMU_SOFT_MATCH_IO, .times = 1,
					 .action = NVMU_SOFT_FAULT_NEVER };
	struct nvmu_sqe a = { .opcode = nvme_cmd_flush, .nsid = 1, .cid = 7 }, b = a;

	CHECK_EQ(raw_open(&r, SPEC), 0);
	CHECK_EQ(raw_create_io(&r), 0);
	CHECK(nvmu_soft_fault_add(r.t, &never) >= 0);
	CHECK_EQ(raw_cmd(&r, 1, &a, NULL), -1); /* held */
	CHECK_EQ(raw_cmd(&r, 1, &b, NULL), SC_DNR(NVME_SCT_GENERIC, NVME_SC_CMDID_CONFLICT));
	CHECK_EQ(raw_violations(&r, NVMU_SOFT_V_CID_IN_FLIGHT), 1);
	raw_close(&r);
}

/* A read of @len bytes at block 0 with the given data pointer. */
static int read_with(struct raw *r, uint64_t prp1, uint64_t prp2, size_t len, uint8_t flags)
{
	struct nvmu_sqe cmd = { .opcode = nvme_cmd_read, .flags = flags, .nsid = 1, .prp1 = prp1,
				.prp2 = prp2, .cdw12 = (uint32_t)(len / 512 - 1) };

	return raw_cmd(r, 1, &cmd, NULL);
}

TEST(malformed_and_unmapped_prps)
{
	struct raw r;
	struct nvmu_dma_buf data = { 0 }, list = { 0 };
	uint64_t *entries;
	const int bad_offset = SC_DNR(NVME_SCT_GENERIC, NVME_SC_PRP_INVALID_OFFSET);
	const int xfer = SC_DNR(NVME_SCT_GENERIC, NVME_SC_DATA_XFER_ERROR);

	CHECK_EQ(raw_open(&r, SPEC), 0);
	CHECK_EQ(raw_create_io(&r), 0);
	CHECK_EQ(raw_dma(&r, 4 * 4096, &data), 0);
	CHECK_EQ(raw_dma(&r, 4096, &list), 0);
	entries = list.vaddr;
	CHECK_EQ(read_with(&r, data.iova + 2, 0, 512, 0), bad_offset);
	CHECK_EQ(read_with(&r, data.iova, data.iova + 4096 + 8, 8192, 0), bad_offset);
	entries[0] = data.iova + 4096;
	entries[1] = data.iova + 8192 + 16;
	CHECK_EQ(read_with(&r, data.iova, list.iova, 3 * 4096, 0), bad_offset);
	CHECK_EQ(raw_violations(&r, NVMU_SOFT_V_PRP), 3);
	entries[1] = data.iova + 8192;
	CHECK_EQ(read_with(&r, data.iova, list.iova, 3 * 4096, 0), 0);
	/* Unmapped: a data page, the guard page after a buffer, a PRP list. */
	CHECK_EQ(read_with(&r, 0x1000, 0, 512, 0), xfer);
	CHECK_EQ(read_with(&r, data.iova + 3 * 4096, data.iova + 4 * 4096, 8192, 0), xfer);
	CHECK_EQ(read_with(&r, data.iova, 0x7000, 3 * 4096, 0), xfer);
	CHECK_EQ(raw_violations(&r, NVMU_SOFT_V_UNMAPPED_DATA), 3);
	/* A CPU address is not a device address. */
	CHECK_EQ(read_with(&r, (uint64_t)(uintptr_t)data.vaddr, 0, 512, 0), xfer);
	raw_free(&r, &data);
	raw_free(&r, &list);
	raw_close(&r);
}

TEST(unmapped_queue_memory_is_fatal)
{
	struct raw r;
	struct nvmu_sqe flush = { .opcode = nvme_cmd_flush, .nsid = 1 };

	CHECK_EQ(raw_open(&r, SPEC), 0);
	CHECK_EQ(raw_create_io(&r), 0);
	raw_free(&r, &r.cq_mem[1]); /* the driver frees a CQ still in use */
	flush.cid = 1;
	CHECK_EQ(nvmu_sq_post(&r.sq[1], &flush), 0);
	nvmu_sq_ring(&r.sq[1]);
	CHECK_EQ(nvmu_soft_step(r.t, 0), 1);
	CHECK_EQ(raw_violations(&r, NVMU_SOFT_V_UNMAPPED_QUEUE), 1);
	CHECK(NVME_CSTS_CFS(r.t->ops->read32(r.t, NVME_REG_CSTS)));
	raw_close(&r);
}

static void sgl_desc(void *at, uint64_t addr, uint32_t len, unsigned type)
{
	struct soft_sgl_desc d = { .addr = addr, .len = len, .type = SOFT_SGL_TYPE(type) };

	memcpy(at, &d, sizeof(d));
}

TEST(sgl_transfers_and_errors)
{
	struct raw r;
	struct nvmu_dma_buf data = { 0 }, seg = { 0 };
	uint8_t *ns, *d, *s;
	struct nvmu_sqe cmd = { .opcode = nvme_cmd_read, .nsid = 1, .cdw12 = 7,
				.flags = SOFT_PSDT_FLAGS(SOFT_PSDT_SGL_MPTR_SGL) };

	CHECK_EQ(raw_open(&r, SPEC), 0);
	CHECK_EQ(raw_create_io(&r), 0);
	CHECK_EQ(raw_dma(&r, 8192, &data), 0);
	CHECK_EQ(raw_dma(&r, 4096, &seg), 0);
	ns = nvmu_soft_ns_data(r.t, 1, NULL);
	for (int i = 0; i < 4096; i++)
		ns[i] = (uint8_t)(i * 7);
	d = data.vaddr;
	s = seg.vaddr;
	/* One data block, byte aligned. */
	sgl_desc(&cmd.prp1, data.iova + 3, 4096, SOFT_SGL_DATA_BLOCK);
	CHECK_EQ(raw_cmd(&r, 1, &cmd, NULL), 0);
	CHECK(memcmp(d + 3, ns, 4096) == 0);
	/* Segment (two blocks + a last segment descriptor) -> last segment (one block). */
	memset(d, 0, 8192);
	sgl_desc(s, data.iova + 5000, 1000, SOFT_SGL_DATA_BLOCK);
	sgl_desc(s + 16, data.iova, 96, SOFT_SGL_DATA_BLOCK);
	sgl_desc(s + 32, seg.iova + 1024, 16, SOFT_SGL_LAST_SEGMENT);
	sgl_desc(s + 1024, data.iova + 200, 3000, SOFT_SGL_DATA_BLOCK);
	sgl_desc(&cmd.prp1, seg.iova, 48, SOFT_SGL_SEGMENT);
	cmd.cid = 0;
	CHECK_EQ(raw_cmd(&r, 1, &cmd, NULL), 0);
	CHECK(memcmp(d + 5000, ns, 1000) == 0);
	CHECK(memcmp(d, ns + 1000, 96) == 0);
	CHECK(memcmp(d + 200, ns + 1096, 3000) == 0);
	/* Errors: bit bucket, too short, segment descriptor inside a last segment. */
	sgl_desc(&cmd.prp1, data.iova, 4096, SOFT_SGL_BIT_BUCKET);
	cmd.cid = 0;
	CHECK_EQ(raw_cmd(&r, 1, &cmd, NULL), SC_DNR(NVME_SCT_GENERIC, NVME_SC_SGL_INVALID_TYPE));
	sgl_desc(&cmd.prp1, data.iova, 4000, SOFT_SGL_DATA_BLOCK);
	cmd.cid = 0;
	CHECK_EQ(raw_cmd(&r, 1, &cmd, NULL), SC_DNR(NVME_SCT_GENERIC, NVME_SC_SGL_INVALID_DATA));
	sgl_desc(s + 1024, seg.iova, 48, SOFT_SGL_SEGMENT);
	sgl_desc(&cmd.prp1, seg.iova + 1024, 16, SOFT_SGL_LAST_SEGMENT);
	cmd.cid = 0;
	CHECK_EQ(raw_cmd(&r, 1, &cmd, NULL), SC_DNR(NVME_SCT_GENERIC, NVME_SC_SGL_INVALID_LAST));
	/* A segment that points at itself ends. */
	sgl_desc(s, seg.iova, 16, SOFT_SGL_SEGMENT);
	sgl_desc(&cmd.prp1, seg.iova, 16, SOFT_SGL_SEGMENT);
	cmd.cid = 0;
	CHECK_EQ(raw_cmd(&r, 1, &cmd, NULL), SC_DNR(NVME_SCT_GENERIC, NVME_SC_SGL_INVALID_COUNT));
	CHECK_EQ(raw_violations(&r, NVMU_SOFT_V_SGL), 4);
	/* No SGLs on the admin queue. */
	cmd = (struct nvmu_sqe){ .opcode = nvme_admin_identify, .cdw10 = 1,
				 .flags = SOFT_PSDT_FLAGS(SOFT_PSDT_SGL_MPTR_SGL) };
	CHECK_EQ(raw_cmd(&r, 0, &cmd, NULL), SC_DNR(NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD));
	raw_free(&r, &data);
	raw_free(&r, &seg);
	raw_close(&r);
}

TEST(sgl_refused_when_not_offered)
{
	struct raw r;

	CHECK_EQ(raw_open(&r, "mode=step,size=1M"), 0);
	CHECK_EQ(raw_create_io(&r), 0);
	CHECK_EQ(read_with(&r, 0, 0, 512, SOFT_PSDT_FLAGS(SOFT_PSDT_SGL_MPTR_SGL)),
		 SC_DNR(NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD));
	CHECK_EQ(raw_violations(&r, NVMU_SOFT_V_SGL), 1);
	raw_close(&r);
}

TEST(register_violations)
{
	struct nvmu_transport *t = NULL;
	struct nvmu_soft_violations v;
	char text[512];

	CHECK_EQ(nvmu_soft_open("mode=step,mpsmax=0", &t), 0);
	t->ops->write32(t, NVME_REG_CAP, 0);
	t->ops->write32(t, NVME_REG_AQA, 0x000f000f);
	t->ops->write32(t, NVME_REG_CC, NVME_SET(1u, CC_EN) | NVME_SET(1u, CC_MPS)); /* no ASQ */
	CHECK(NVME_CSTS_CFS(t->ops->read32(t, NVME_REG_CSTS)));
	nvmu_soft_violations(t, &v);
	CHECK_EQ(v.count[NVMU_SOFT_V_REGISTER], 2);
	CHECK(nvmu_soft_violations_text(t, text, sizeof(text)) < sizeof(text));
	CHECK_STR_CONTAINS(text, "2 protocol violations");
	CHECK_STR_CONTAINS(text, "register: write of 0 to register 0");
	CHECK_STR_CONTAINS(text, "CC.MPS outside CAP.MPSMIN..MPSMAX");
	CHECK(nvmu_soft_violations_text(t, text, 8) > 8);
	t->ops->write32(t, NVME_REG_CC, 0); /* a reset clears CFS */
	CHECK_EQ(t->ops->read32(t, NVME_REG_CSTS), 0);
	nvmu_soft_close(t);
}

TEST(shadow_doorbells)
{
	struct raw r;
	struct nvmu_dma_buf db = { 0 };
	struct nvmu_sqe dbbc = { .opcode = nvme_admin_dbbuf }, flush = { .opcode = nvme_cmd_flush, .nsid = 1 };
	volatile uint32_t *shadow, *ei;
	struct nvmu_cqe cpl;

	CHECK_EQ(raw_open(&r, SPEC), 0);
	CHECK_EQ(raw_dma(&r, 8192, &db), 0);
	dbbc.prp1 = db.iova;
	dbbc.prp2 = db.iova + 4096;
	CHECK_EQ(raw_cmd(&r, 0, &dbbc, NULL), 0);
	CHECK_EQ(raw_create_io(&r), 0);
	shadow = db.vaddr;
	ei = (volatile uint32_t *)((uint8_t *)db.vaddr + 4096);
	/* The MMIO doorbell of an I/O queue is not what counts any more... */
	CHECK_EQ(raw_cmd(&r, 1, &flush, NULL), -1);
	/* ...its shadow is, and the event index follows. */
	shadow[2] = r.sq[1].tail;
	CHECK(raw_reap(&r, 1, &cpl));
	CHECK_EQ(ei[2], 1);
	shadow[3] = r.cq[1].head;
	nvmu_soft_step(r.t, 0);
	CHECK_EQ(ei[3], 1);
	CHECK_EQ(raw_violations(&r, NVMU_SOFT_V_CQ_HEAD), 0);
	raw_free(&r, &db);
	raw_close(&r);
}

TEST(option_errors)
{
	struct nvmu_transport *t = NULL;
	static const struct {
		const char *spec, *message;
	} bad[] = {
		{ "lbs=1024", "lbs=1024: the LBA size is 512 or 4096" },
		{ "size=12Q", "size=12Q: expected a byte count" },
		{ "ns=0", "ns=0: expected a number in 1..1024" },
		{ "queues=2000", "queues=2000" },
		{ "mode=fast", "expected thread or step" },
		{ "colour=red", "unknown option 'colour'" },
		{ "sgl", "not key=value" },
		{ "size=1000", "not a multiple of lbs=512" },
		{ "mpsmin=3,mpsmax=2", "mpsmax=2 is below mpsmin=3" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(nvmu_soft_open(bad[i].spec, &t), -EINVAL);
		CHECK_STR_CONTAINS(nvmu_last_error(), bad[i].message);
	}
	CHECK_EQ(nvmu_soft_open("ns=2,size=64M,lbs=4096,mdts=5,mqes=255,queues=8,sgl=1,dbbuf=1,"
				"mode=step", &t), 0);
	CHECK(nvmu_soft_is(t));
	CHECK_EQ(NVME_CAP_MQES(t->ops->read64(t, NVME_REG_CAP)), 255);
	CHECK_EQ(t->ops->irq_count(t), 9);
	CHECK_EQ(t->ops->read32(t, NVME_REG_VS), 0x10400);
	CHECK_STR_CONTAINS(nvmu_soft_violation_name(NVMU_SOFT_V_SQ_TAIL), "sq-tail");
	nvmu_soft_close(t);
}

RUN_TESTS(T(doorbells_out_of_range), T(cid_reused_while_in_flight), T(malformed_and_unmapped_prps),
	  T(unmapped_queue_memory_is_fatal), T(sgl_transfers_and_errors),
	  T(sgl_refused_when_not_offered), T(register_violations), T(shadow_doorbells),
	  T(option_errors))
