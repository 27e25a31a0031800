/* SPDX-License-Identifier: MIT */
/* Admin commands of the software controller through the NVMe core: identify, features,
 * queue creation and deletion with their error statuses, logs, abort, asynchronous events,
 * doorbell buffer config, format. */
#include "check.h"
#include "soft_env.h"

static uint16_t admin(struct env *e, struct nvmu_sqe cmd, uint64_t iova, size_t len,
		      struct nvmu_cpl *cpl)
{
	struct nvmu_cpl local;
	int ret;

	memset(&local, 0, sizeof(local));
	ret = nvmu_admin_cmd(e->ctrl, &cmd, iova, len, 2000, &local);
	if (cpl)
		*cpl = local;
	CHECK(ret == 0 || ret == -EREMOTEIO);
	return ret == 0 ? 0 : local.status;
}

/* Forget the violations a test caused on purpose, checking their class and number. */
static void expect_violations(struct env *e, enum nvmu_soft_violation v, uint64_t n)
{
	struct nvmu_soft_violations got;

	nvmu_soft_violations(e->t, &got);
	CHECK_EQ(got.count[v], n);
	CHECK_EQ(got.total, n);
	nvmu_soft_violations_clear(e->t);
}

TEST(identify_ctrl_ns_lists_descriptors)
{
	struct env e;
	struct nvmu_ns_info info;
	struct nvme_id_ns id;
	uint32_t nsids[8];
	size_t n = 0;
	_Alignas(8) uint8_t desc[NVME_IDENTIFY_DATA_SIZE];

	CHECK_EQ(env_open(&e, "ns=3,size=16M,lbs=4096", NULL), 0);
	if (!e.ctrl)
		return;
	CHECK_EQ(nvmu_admin_identify_ns(e.ctrl, 2, &id, &info), 0);
	CHECK_EQ(info.lba_size, 4096);
	CHECK_EQ(info.nsze, 4096);
	CHECK_EQ(id.nlbaf, 1);
	CHECK_EQ(id.dlfeat & NVME_NS_DLFEAT_RB, NVME_NS_DLFEAT_RB_ALL_0S);
	CHECK_EQ(nvmu_admin_active_ns(e.ctrl, 0, nsids, 8, &n), 0);
	CHECK_EQ(n, 3);
	CHECK_EQ(nsids[2], 3);
	CHECK_EQ(nvmu_admin_active_ns(e.ctrl, 1, nsids, 8, &n), 0);
	CHECK_EQ(n, 2);
	CHECK_EQ(nsids[0], 2);
	CHECK_EQ(nvmu_admin_identify(e.ctrl, NVME_IDENTIFY_CNS_NS_DESC_LIST, 3, desc), 0);
	CHECK_EQ(desc[0], NVME_NIDT_EUI64);
	CHECK_EQ(desc[1], NVME_NIDT_EUI64_LEN);
	CHECK_EQ(desc[4 + 7], 3);
	CHECK_EQ(desc[12], NVME_NIDT_NGUID);
	CHECK_EQ(nvmu_admin_identify(e.ctrl, NVME_IDENTIFY_CNS_NS, 4, desc), -EREMOTEIO);
	CHECK_STR_CONTAINS(nvmu_last_error(), "INVALID_NS");
	CHECK_EQ(nvmu_admin_identify(e.ctrl, 0x1f, 0, desc), -EREMOTEIO);
	CHECK_STR_CONTAINS(nvmu_last_error(), "INVALID_FIELD");
	CHECK_EQ(nvmu_ctrl_id(e.ctrl)->oncs & NVME_CTRL_ONCS_COPY, NVME_CTRL_ONCS_COPY);
	CHECK_EQ(env_violations(&e), 0);
	CHECK_EQ(env_close(&e), 0);
}

static struct nvmu_sqe features(uint8_t opcode, uint32_t cdw10, uint32_t cdw11)
{
	return (struct nvmu_sqe){ .opcode = opcode, .cdw10 = cdw10, .cdw11 = cdw11 };
}

TEST(get_set_features)
{
	struct env e;
	struct nvmu_cpl cpl;
	struct nvmu_qpair *qp = NULL;
	const uint8_t get = nvme_admin_get_features, set = nvme_admin_set_features;

	CHECK_EQ(env_open(&e, "queues=8", NULL), 0);
	if (!e.ctrl)
		return;
	/* Number of Queues: granted 8 (0-based 7) when asked for 64. */
	CHECK_EQ(admin(&e, features(get, NVME_FEAT_FID_NUM_QUEUES, 0), 0, 0, &cpl), 0);
	CHECK_EQ(cpl.dw0, 7u | 7u << 16);
	/* Plain features keep what was set; default is what they were. */
	CHECK_EQ(admin(&e, features(set, NVME_FEAT_FID_ARBITRATION, 0x03020103), 0, 0, NULL), 0);
	CHECK_EQ(admin(&e, features(get, NVME_FEAT_FID_ARBITRATION, 0), 0, 0, &cpl), 0);
	CHECK_EQ(cpl.dw0, 0x03020103);
	CHECK_EQ(admin(&e, features(get, NVME_FEAT_FID_ARBITRATION | 1u << 8, 0), 0, 0, &cpl), 0);
	CHECK_EQ(cpl.dw0, 0);
	CHECK_EQ(admin(&e, features(get, NVME_FEAT_FID_ARBITRATION | 3u << 8, 0), 0, 0, &cpl), 0);
	CHECK_EQ(cpl.dw0, 1u << 2); /* changeable, not saveable */
	CHECK_EQ(admin(&e, features(get, NVME_FEAT_FID_VOLATILE_WC, 0), 0, 0, &cpl), 0);
	CHECK_EQ(cpl.dw0, 1);
	CHECK_EQ(admin(&e, features(set, NVME_FEAT_FID_VOLATILE_WC, 0), 0, 0, NULL), 0);
	CHECK_EQ(admin(&e, features(get, NVME_FEAT_FID_VOLATILE_WC, 0), 0, 0, &cpl), 0);
	CHECK_EQ(cpl.dw0, 0);
	CHECK_EQ(admin(&e, features(set, NVME_FEAT_FID_POWER_MGMT, 0), 0, 0, NULL), 0);
	CHECK_EQ(admin(&e, features(set, NVME_FEAT_FID_POWER_MGMT, 1), 0, 0, NULL),
		 SC_DNR(NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD));
	/* Temperature threshold: over (THSEL 0) and under (THSEL 1) of the composite sensor. */
	CHECK_EQ(admin(&e, features(set, NVME_FEAT_FID_TEMP_THRESH, 350), 0, 0, NULL), 0);
	CHECK_EQ(admin(&e, features(set, NVME_FEAT_FID_TEMP_THRESH, 1u << 20 | 260), 0, 0, NULL), 0);
	CHECK_EQ(admin(&e, features(get, NVME_FEAT_FID_TEMP_THRESH, 0), 0, 0, &cpl), 0);
	CHECK_EQ(cpl.dw0, 350);
	CHECK_EQ(admin(&e, features(get, NVME_FEAT_FID_TEMP_THRESH, 1u << 20), 0, 0, &cpl), 0);
	CHECK_EQ(cpl.dw0, 260);
	CHECK_EQ(admin(&e, features(set, NVME_FEAT_FID_TEMP_THRESH, 3u << 16 | 300), 0, 0, NULL),
		 SC_DNR(NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD));
	CHECK_EQ(admin(&e, features(set, NVME_FEAT_FID_ASYNC_EVENT, 0xff), 0, 0, NULL), 0);
	CHECK_EQ(admin(&e, features(get, NVME_FEAT_FID_ASYNC_EVENT, 0), 0, 0, &cpl), 0);
	CHECK_EQ(cpl.dw0, 0xff);
	CHECK_EQ(admin(&e, features(set, NVME_FEAT_FID_IRQ_COALESCE, 0x0a04), 0, 0, NULL), 0);
	CHECK_EQ(admin(&e, features(get, NVME_FEAT_FID_IRQ_COALESCE, 0), 0, 0, &cpl), 0);
	CHECK_EQ(cpl.dw0, 0x0a04);
	CHECK_EQ(admin(&e, features(get, NVME_FEAT_FID_IRQ_CONFIG, 3), 0, 0, &cpl), 0);
	CHECK_EQ(admin(&e, features(set, NVME_FEAT_FID_ARBITRATION | 1u << 31, 0), 0, 0, NULL),
		 SC_DNR(NVME_SCT_CMD_SPECIFIC, NVME_SC_FEATURE_NOT_SAVEABLE));
	CHECK_EQ(admin(&e, features(get, NVME_FEAT_FID_HOST_MEM_BUF, 0), 0, 0, NULL),
		 SC_DNR(NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD));
	/* Number of Queues cannot change once I/O queues exist. */
	CHECK_EQ(nvmu_qpair_create(e.ctrl, NULL, &qp), 0);
	CHECK_EQ(admin(&e, features(set, NVME_FEAT_FID_NUM_QUEUES, 0), 0, 0, NULL),
		 SC_DNR(NVME_SCT_GENERIC, NVME_SC_CMD_SEQ_ERROR));
	CHECK_EQ(nvmu_qpair_delete(qp), 0);
	CHECK_EQ(admin(&e, features(set, NVME_FEAT_FID_NUM_QUEUES, 1u | 2u << 16), 0, 0, &cpl), 0);
	CHECK_EQ(cpl.dw0, 1u | 2u << 16);
	CHECK_EQ(env_violations(&e), 0);
	CHECK_EQ(env_close(&e), 0);
}

static uint16_t create(struct env *e, uint8_t opcode, uint32_t cdw10, uint32_t cdw11, uint64_t base)
{
	return admin(e, (struct nvmu_sqe){ .opcode = opcode, .prp1 = base, .cdw10 = cdw10, .cdw11 = cdw11 },
		     0, 0, NULL);
}

TEST(create_delete_queue_statuses)
{
	struct env e;
	struct nvmu_dma_buf q = { 0 };
	const uint8_t ccq = nvme_admin_create_cq, csq = nvme_admin_create_sq;

	CHECK_EQ(env_open(&e, "queues=4,mqes=63", NULL), 0);
	if (!e.ctrl)
		return;
	CHECK_EQ(nvmu_ctrl_dma_alloc(e.ctrl, 8192, &q), 0);
	CHECK_EQ(create(&e, ccq, 0u | 15u << 16, 1, q.iova), SC_DNR(1, NVME_SC_QID_INVALID));
	CHECK_EQ(create(&e, ccq, 5u | 15u << 16, 1, q.iova), SC_DNR(1, NVME_SC_QID_INVALID));
	CHECK_EQ(create(&e, ccq, 1u | 64u << 16, 1, q.iova), SC_DNR(1, NVME_SC_QUEUE_SIZE));
	CHECK_EQ(create(&e, ccq, 1u | 0u << 16, 1, q.iova), SC_DNR(1, NVME_SC_QUEUE_SIZE));
	CHECK_EQ(create(&e, ccq, 1u | 15u << 16, 0, q.iova), SC_DNR(0, NVME_SC_INVALID_FIELD));
	CHECK_EQ(create(&e, ccq, 1u | 15u << 16, 3u | 9u << 16, q.iova), SC_DNR(1, NVME_SC_INVALID_VECTOR));
	CHECK_EQ(create(&e, ccq, 1u | 15u << 16, 1, q.iova + 64), SC_DNR(0, NVME_SC_PRP_INVALID_OFFSET));
	CHECK_EQ(create(&e, ccq, 1u | 15u << 16, 1, 0x4000), SC_DNR(0, NVME_SC_INVALID_FIELD));
	CHECK_EQ(create(&e, csq, 1u | 15u << 16, 1u | 1u << 16, q.iova), SC_DNR(1, NVME_SC_CQ_INVALID));
	expect_violations(&e, NVMU_SOFT_V_QUEUE_ARGS, 9);
	/* A good CQ; a second with the same ID is refused; the SQ on it works. */
	CHECK_EQ(create(&e, ccq, 1u | 15u << 16, 1, q.iova), 0);
	CHECK_EQ(create(&e, ccq, 1u | 15u << 16, 1, q.iova), SC_DNR(1, NVME_SC_QID_INVALID));
	CHECK_EQ(create(&e, csq, 1u | 15u << 16, 1u | 1u << 16, q.iova + 4096), 0);
	CHECK_EQ(admin(&e, (struct nvmu_sqe){ .opcode = nvme_admin_delete_cq, .cdw10 = 1 }, 0, 0, NULL),
		 SC_DNR(1, NVME_SC_INVALID_QUEUE));
	CHECK_EQ(admin(&e, (struct nvmu_sqe){ .opcode = nvme_admin_delete_sq, .cdw10 = 1 }, 0, 0, NULL), 0);
	CHECK_EQ(admin(&e, (struct nvmu_sqe){ .opcode = nvme_admin_delete_sq, .cdw10 = 1 }, 0, 0, NULL),
		 SC_DNR(1, NVME_SC_QID_INVALID));
	CHECK_EQ(admin(&e, (struct nvmu_sqe){ .opcode = nvme_admin_delete_cq, .cdw10 = 1 }, 0, 0, NULL), 0);
	CHECK_EQ(admin(&e, (struct nvmu_sqe){ .opcode = nvme_admin_delete_cq, .cdw10 = 0 }, 0, 0, NULL),
		 SC_DNR(1, NVME_SC_QID_INVALID));
	expect_violations(&e, NVMU_SOFT_V_QUEUE_ARGS, 4);
	nvmu_ctrl_dma_free(e.ctrl, &q);
	CHECK_EQ(env_close(&e), 0);
}

TEST(log_pages)
{
	struct env e;
	struct nvmu_dma_buf buf = { 0 };
	struct nvmu_qpair *qp = NULL;
	struct io_wait w;
	struct nvmu_sqe rd = rw_cmd(nvme_cmd_read, 1, 0, 8), bad = rw_cmd(nvme_cmd_read, 1, 1u << 30, 1);
	struct nvme_error_log_page *err;
	struct nvme_smart_log *smart;
	struct nvme_firmware_slot *fw;
	const uint32_t numd_4k = (4096 / 4 - 1) << 16;

	CHECK_EQ(env_open(&e, "", NULL), 0);
	if (!e.ctrl)
		return;
	CHECK_EQ(nvmu_ctrl_dma_alloc(e.ctrl, 4096, &buf), 0);
	CHECK_EQ(nvmu_qpair_create(e.ctrl, NULL, &qp), 0);
	CHECK_EQ(env_io(&e, qp, &rd, buf.iova, 4096, &w), 0);
	CHECK_EQ(env_io(&e, qp, &bad, buf.iova, 512, &w), 0);
	CHECK_EQ(w.cpl.status, SC_DNR(NVME_SCT_GENERIC, NVME_SC_LBA_RANGE));
	CHECK_EQ(admin(&e, (struct nvmu_sqe){ .opcode = nvme_admin_get_log_page,
					      .cdw10 = NVME_LOG_LID_ERROR | numd_4k }, buf.iova, 4096, NULL), 0);
	err = buf.vaddr;
	CHECK_EQ(err[0].error_count, 1);
	CHECK_EQ(err[0].sqid, nvmu_qpair_id(qp));
	CHECK_EQ(err[0].cmdid, bad.cid);
	CHECK_EQ(err[0].status_field >> 1, SC_DNR(NVME_SCT_GENERIC, NVME_SC_LBA_RANGE));
	CHECK_EQ(err[0].lba, 1u << 30);
	CHECK_EQ(admin(&e, (struct nvmu_sqe){ .opcode = nvme_admin_get_log_page,
					      .cdw10 = NVME_LOG_LID_SMART | numd_4k }, buf.iova, 4096, NULL), 0);
	smart = buf.vaddr;
	CHECK_EQ(smart->host_reads[0], 1);
	CHECK_EQ(smart->data_units_read[0], 1);
	CHECK_EQ(smart->avail_spare, 100);
	CHECK_EQ(smart->num_err_log_entries[0], 1);
	CHECK_EQ(admin(&e, (struct nvmu_sqe){ .opcode = nvme_admin_get_log_page,
					      .cdw10 = NVME_LOG_LID_FW_SLOT | (511u / 4) << 16 },
			buf.iova, 512, NULL), 0);
	fw = buf.vaddr;
	CHECK_EQ(fw->afi, 1);
	CHECK(memcmp(fw->frs[0], "0.1.0", 5) == 0);
	CHECK_EQ(admin(&e, (struct nvmu_sqe){ .opcode = nvme_admin_get_log_page,
					      .cdw10 = NVME_LOG_LID_ANA | numd_4k }, buf.iova, 4096, NULL),
		 SC_DNR(NVME_SCT_CMD_SPECIFIC, NVME_SC_INVALID_LOG_PAGE));
	nvmu_ctrl_dma_free(e.ctrl, &buf);
	CHECK_EQ(env_violations(&e), 0);
	CHECK_EQ(env_close(&e), 0);
}

TEST(abort_held_command)
{
	struct env e;
	struct nvmu_qpair *qp = NULL;
	struct nvmu_dma_buf buf = { 0 };
	struct nvmu_sqe rd = rw_cmd(nvme_cmd_read, 1, 0, 1);
	struct nvmu_soft_fault never = { .match = NVMU_SOFT_MATCH_IO, .action = NVMU_SOFT_FAULT_NEVER };
	struct nvmu_cpl cpl;
	struct io_wait w = { 0 };
	struct nvmu_soft_stats st;

	CHECK_EQ(env_open(&e, "", NULL), 0);
	if (!e.ctrl)
		return;
	CHECK_EQ(nvmu_ctrl_dma_alloc(e.ctrl, 4096, &buf), 0);
	CHECK_EQ(nvmu_qpair_create(e.ctrl, NULL, &qp), 0);
	CHECK(nvmu_soft_fault_add(e.t, &never) >= 0);
	CHECK_EQ(nvmu_qpair_submit(qp, &rd, buf.iova, 512, io_done, &w), 0);
	nvmu_qpair_ring(qp);
	CHECK(!env_reap(&e, qp, &w.done, 1, 50));
	nvmu_soft_stats(e.t, &st);
	CHECK_EQ(st.pending, 1);
	CHECK_EQ(admin(&e, (struct nvmu_sqe){ .opcode = nvme_admin_abort_cmd,
					      .cdw10 = nvmu_qpair_id(qp) | (uint32_t)rd.cid << 16 }, 0, 0, &cpl), 0);
	CHECK_EQ(cpl.dw0 & 1, 0); /* aborted */
	CHECK(env_reap(&e, qp, &w.done, 1, 2000));
	CHECK_EQ(w.cpl.status, SC(NVME_SCT_GENERIC, NVME_SC_ABORT_REQ));
	CHECK_EQ(admin(&e, (struct nvmu_sqe){ .opcode = nvme_admin_abort_cmd,
					      .cdw10 = nvmu_qpair_id(qp) | 0x77u << 16 }, 0, 0, &cpl), 0);
	CHECK_EQ(cpl.dw0 & 1, 1); /* nothing to abort */
	nvmu_ctrl_dma_free(e.ctrl, &buf);
	CHECK_EQ(env_violations(&e), 0);
	CHECK_EQ(env_close(&e), 0);
}

TEST(async_event_requests)
{
	struct env e;
	struct nvmu_cpl cpl;
	struct nvmu_sqe aer = { .opcode = nvme_admin_async_event };
	struct nvmu_soft_stats st;

	CHECK_EQ(env_open(&e, "", NULL), 0);
	if (!e.ctrl)
		return;
	/* An event already queued completes the request at once. */
	CHECK_EQ(nvmu_soft_raise_event(e.t, NVME_AER_SMART, 1, NVME_LOG_LID_SMART), 0);
	CHECK_EQ(admin(&e, aer, 0, 0, &cpl), 0);
	CHECK_EQ(cpl.dw0, NVME_AER_SMART | 1u << 8 | NVME_LOG_LID_SMART << 16);
	/* Without an event the request is held (the core's wait gives up)... */
	aer.cid = 0;
	CHECK_EQ(nvmu_admin_cmd(e.ctrl, &aer, 0, 0, 30, &cpl), -ETIMEDOUT);
	nvmu_soft_stats(e.t, &st);
	CHECK_EQ(st.pending, 1);
	/* ...until one is raised. */
	CHECK_EQ(nvmu_soft_raise_event(e.t, NVME_AER_NOTICE, 0, NVME_LOG_LID_CHANGED_NS), 0);
	for (int i = 0; i < 200 && st.pending; i++) {
		nvmu_sleep_us(1000);
		nvmu_soft_stats(e.t, &st);
	}
	CHECK_EQ(st.pending, 0);
	/* At most AERL + 1 = 4 outstanding. */
	for (int i = 0; i < 4; i++)
		CHECK_EQ(nvmu_admin_cmd(e.ctrl, &aer, 0, 0, 10, &cpl), -ETIMEDOUT);
	CHECK_EQ(admin(&e, aer, 0, 0, &cpl), SC_DNR(NVME_SCT_CMD_SPECIFIC, NVME_SC_ASYNC_LIMIT));
	CHECK_EQ(env_violations(&e), 0);
	CHECK_EQ(env_close(&e), 0);
}

TEST(doorbell_buffer_config)
{
	struct env e;
	struct nvmu_dma_buf bufs = { 0 };
	struct nvmu_sqe dbbc = { .opcode = nvme_admin_dbbuf };

	CHECK_EQ(env_open(&e, "dbbuf=0", NULL), 0);
	if (!e.ctrl)
		return;
	CHECK_EQ(nvmu_ctrl_id(e.ctrl)->oacs & NVME_CTRL_OACS_DBBUF_CFG, 0);
	CHECK_EQ(admin(&e, dbbc, 0, 0, NULL), SC_DNR(NVME_SCT_GENERIC, NVME_SC_INVALID_OPCODE));
	CHECK_EQ(env_close(&e), 0);

	CHECK_EQ(env_open(&e, "dbbuf=1", NULL), 0);
	if (!e.ctrl)
		return;
	CHECK(nvmu_ctrl_id(e.ctrl)->oacs & NVME_CTRL_OACS_DBBUF_CFG);
	CHECK_EQ(nvmu_ctrl_dma_alloc(e.ctrl, 8192, &bufs), 0);
	/* PRP1 = shadow doorbells, PRP2 = event indexes: the two pages of one buffer. */
	CHECK_EQ(admin(&e, dbbc, bufs.iova, 8192, NULL), 0);
	dbbc.prp1 = bufs.iova + 64;
	CHECK_EQ(nvmu_admin_cmd(e.ctrl, &dbbc, bufs.iova + 64, 4032, 2000, NULL), -EREMOTEIO);
	CHECK_STR_CONTAINS(nvmu_last_error(), "INVALID_FIELD");
	expect_violations(&e, NVMU_SOFT_V_QUEUE_ARGS, 1);
	nvmu_ctrl_dma_free(e.ctrl, &bufs);
	CHECK_EQ(env_close(&e), 0);
}

TEST(format_nvm_changes_lba_size)
{
	struct env e;
	struct nvmu_ns_info info;
	uint8_t *ns;

	CHECK_EQ(env_open(&e, "size=8M,lbs=512", NULL), 0);
	if (!e.ctrl)
		return;
	ns = nvmu_soft_ns_data(e.t, 1, NULL);
	memset(ns, 0xab, 4096);
	CHECK_EQ(admin(&e, (struct nvmu_sqe){ .opcode = nvme_admin_format_nvm, .nsid = 1, .cdw10 = 1 },
		       0, 0, NULL), 0);
	CHECK_EQ(nvmu_admin_identify_ns(e.ctrl, 1, NULL, &info), 0);
	CHECK_EQ(info.lba_size, 4096);
	CHECK_EQ(info.nsze, 2048);
	CHECK_EQ(ns[0], 0);
	CHECK_EQ(admin(&e, (struct nvmu_sqe){ .opcode = nvme_admin_format_nvm, .nsid = 1, .cdw10 = 5 },
		       0, 0, NULL), SC_DNR(NVME_SCT_CMD_SPECIFIC, NVME_SC_INVALID_FORMAT));
	CHECK_EQ(admin(&e, (struct nvmu_sqe){ .opcode = nvme_admin_format_nvm, .nsid = 0xffffffff },
		       0, 0, NULL), 0);
	CHECK_EQ(nvmu_admin_identify_ns(e.ctrl, 1, NULL, &info), 0);
	CHECK_EQ(info.lba_size, 512);
	CHECK_EQ(admin(&e, (struct nvmu_sqe){ .opcode = 0xc5 }, 0, 0, NULL),
		 SC_DNR(NVME_SCT_GENERIC, NVME_SC_INVALID_OPCODE));
	CHECK_EQ(env_violations(&e), 0);
	CHECK_EQ(env_close(&e), 0);
}

RUN_TESTS(T(identify_ctrl_ns_lists_descriptors), T(get_set_features),
	  T(create_delete_queue_statuses), T(log_pages), T(abort_held_command),
	  T(async_event_requests), T(doorbell_buffer_config), T(format_nvm_changes_lba_size))
