/* SPDX-License-Identifier: MIT */
/*
 * The host API's controller management on the software controller: namespace
 * management and attachment (with the Changed Namespace List log and I/O on the new
 * namespace), device self-test, sanitize, firmware download and commit, Write
 * Uncorrectable with Get LBA Status, and reservations. A controller whose Identify data
 * advertises none of them gets -ENOTSUP with a message naming the field, and nothing is
 * sent.
 */
#include <errno.h>
#include <string.h>

#include "host_soft_env.h"
#include "nvmu/nvme_cmd.h"

static const struct nvmu_host_opts opts = { .no_aer = true };

static struct nvmu_host_ctrl *open_quiet(const char *dev)
{
	struct nvmu_host_ctrl *h = NULL;

	CHECK_EQ(nvmu_host_attach(dev, &opts, &h), 0);
	return h;
}

/* Identify CNS @cns for @nsid into @buf (4096 bytes). */
static int identify(struct nvmu_host_ctrl *h, uint8_t cns, uint32_t nsid, void *buf)
{
	return nvmu_admin_identify(nvmu_host_core(h), cns, nsid, buf);
}

TEST(namespace_create_attach_io_detach_delete)
{
	struct nvmu_ns_create p = { .opts_size = sizeof(p), .nsze = 2048, .flbas = 1 };
	struct nvmu_host_ctrl *h = open_quiet("soft:ns=2");
	_Alignas(8) uint8_t buf[4096];
	struct nvme_ns_list *list = (struct nvme_ns_list *)buf;
	struct nvme_id_ns *id = (struct nvme_id_ns *)buf;
	struct nvmu_host_waiter w = { 0 };
	struct nvmu_host_qpair *qp = NULL;
	struct nvmu_dma_buf data = { 0 };
	uint32_t nsid = 0;

	if (!h)
		return;
	CHECK_EQ(nvmu_host_id(h)->nn, 16);
	CHECK_EQ(nvmu_host_ns_create(h, &p, 0, &nsid, NULL), 0);
	CHECK_EQ(nsid, 3);
	/* Allocated, not active. */
	CHECK_EQ(identify(h, NVME_IDENTIFY_CNS_NS_ACTIVE_LIST, 0, buf), 0);
	CHECK_EQ(list->ns[2], 0);
	CHECK_EQ(identify(h, NVME_IDENTIFY_CNS_ALLOCATED_NS_LIST, 0, buf), 0);
	CHECK_EQ(list->ns[2], 3);
	CHECK_EQ(identify(h, NVME_IDENTIFY_CNS_ALLOCATED_NS, 3, buf), 0);
	CHECK_EQ(id->nsze, 2048);
	CHECK_EQ(id->flbas, 1);
	CHECK_EQ(nvmu_host_ns_attach(h, 3, true, NULL, 0, NULL), 0);
	CHECK_EQ(identify(h, NVME_IDENTIFY_CNS_NS_ACTIVE_LIST, 0, buf), 0);
	CHECK_EQ(list->ns[2], 3);
	/* Attaching twice is refused with the device's status. */
	CHECK_EQ(nvmu_host_ns_attach(h, 3, true, NULL, 0, NULL), -EREMOTEIO);
	CHECK_STR_CONTAINS(nvmu_last_error(), "attach namespace 3");
	/* The change is in the Changed Namespace List log, once; reading it clears it. */
	CHECK_EQ(nvmu_host_get_log(h, NVME_LOG_LID_CHANGED_NS, NVME_NSID_ALL, buf, 4096), 0);
	CHECK_EQ(list->ns[0], 3);
	CHECK_EQ(list->ns[1], 0);
	CHECK_EQ(nvmu_host_get_log(h, NVME_LOG_LID_CHANGED_NS, NVME_NSID_ALL, buf, 4096), 0);
	CHECK_EQ(list->ns[0], 0);
	/* I/O on the new namespace: a 4 KiB block written and read back. */
	CHECK_EQ(nvmu_host_qpair_create(h, NULL, &qp), 0);
	CHECK_EQ(nvmu_host_dma_alloc(h, 4096, &data), 0);
	if (qp && data.vaddr) {
		struct nvmu_sqe wr = { .opcode = nvme_cmd_write, .nsid = 3, .cdw10 = 2047 };
		struct nvmu_sqe rd = { .opcode = nvme_cmd_read, .nsid = 3, .cdw10 = 2047 };

		memset(data.vaddr, 0x5a, 4096);
		CHECK_EQ(nvmu_host_raw_io(qp, &wr, &data, 1, 0, nvmu_host_sync_cb, &w), 0);
		CHECK_EQ(nvmu_host_wait(qp, &w, 0), 0);
		memset(data.vaddr, 0, 4096);
		CHECK_EQ(nvmu_host_raw_io(qp, &rd, &data, 1, 0, nvmu_host_sync_cb, &w), 0);
		CHECK_EQ(nvmu_host_wait(qp, &w, 0), 0);
		CHECK_EQ(((uint8_t *)data.vaddr)[4095], 0x5a);
	}
	nvmu_host_dma_free(h, &data);
	CHECK_EQ(nvmu_host_ns_attach(h, 3, false, NULL, 0, NULL), 0);
	CHECK_EQ(nvmu_host_ns_attach(h, 3, false, NULL, 0, NULL), -EREMOTEIO);
	CHECK_EQ(nvmu_host_ns_delete(h, 3, 0, NULL), 0);
	CHECK_EQ(nvmu_host_ns_delete(h, 3, 0, NULL), -EREMOTEIO);
	CHECK_EQ(identify(h, NVME_IDENTIFY_CNS_ALLOCATED_NS_LIST, 0, buf), 0);
	CHECK_EQ(list->ns[2], 0);
	/* A list naming a controller that does not exist is refused. */
	CHECK_EQ(nvmu_host_ns_attach(h, 1, false, (const uint16_t[]){ 7 }, 1, NULL), -EREMOTEIO);
	detach(h);
}

TEST(namespace_create_limits)
{
	struct nvmu_ns_create p = { .nsze = 8 };
	struct nvmu_host_ctrl *h = open_quiet("soft:ns=16");
	uint32_t nsid = 0;

	if (!h)
		return;
	/* Every NSID is in use. */
	CHECK_EQ(nvmu_host_ns_create(h, &p, 0, &nsid, NULL), -EREMOTEIO);
	CHECK_STR_CONTAINS(nvmu_last_error(), "NS_ID_UNAVAILABLE");
	p.nsze = 0;
	CHECK_EQ(nvmu_host_ns_create(h, &p, 0, &nsid, NULL), -EINVAL);
	CHECK_EQ(nvmu_host_ns_delete(h, NVME_NSID_ALL, 0, NULL), 0);
	p.nsze = 8;
	p.flbas = 5; /* no such format */
	CHECK_EQ(nvmu_host_ns_create(h, &p, 0, &nsid, NULL), -EREMOTEIO);
	p.flbas = 0;
	CHECK_EQ(nvmu_host_ns_create(h, &p, 0, &nsid, NULL), 0);
	CHECK_EQ(nsid, 1);
	detach(h);
}

TEST(self_test_and_its_log)
{
	struct nvmu_host_ctrl *h = open_quiet("soft:ns=2");
	struct nvme_self_test_log log;

	if (!h)
		return;
	CHECK_EQ(nvmu_host_get_log(h, NVME_LOG_LID_DEVICE_SELF_TEST, 0, &log, sizeof(log)), 0);
	CHECK_EQ(log.result[0].dsts, NVME_ST_RESULT_NOT_USED);
	CHECK_EQ(nvmu_host_self_test(h, 0, NVME_ST_CODE_SHORT, NULL), 0);
	CHECK_EQ(nvmu_host_self_test(h, 2, NVME_ST_CODE_EXTENDED, NULL), 0);
	CHECK_EQ(nvmu_host_get_log(h, NVME_LOG_LID_DEVICE_SELF_TEST, 0, &log, sizeof(log)), 0);
	CHECK_EQ(log.current_operation, 0);
	/* Newest first: the extended test of namespace 2, then the short one. */
	CHECK_EQ(log.result[0].dsts, NVME_ST_CODE_EXTENDED << 4 | NVME_ST_RESULT_NO_ERR);
	CHECK_EQ(log.result[0].vdi, NVME_ST_VALID_DIAG_INFO_NSID);
	CHECK_EQ(log.result[0].nsid, 2);
	CHECK_EQ(log.result[1].dsts, NVME_ST_CODE_SHORT << 4 | NVME_ST_RESULT_NO_ERR);
	CHECK_EQ(log.result[1].vdi, 0);
	CHECK_EQ(log.result[2].dsts, NVME_ST_RESULT_NOT_USED);
	CHECK_EQ(nvmu_host_self_test(h, 9, NVME_ST_CODE_SHORT, NULL), -EREMOTEIO);
	CHECK_EQ(nvmu_host_self_test(h, 0, 3, NULL), -EREMOTEIO); /* a reserved code */
	CHECK_EQ(nvmu_host_self_test(h, 0, NVME_ST_CODE_ABORT, NULL), 0);
	detach(h);
}

TEST(sanitize_erases_and_logs)
{
	struct nvmu_sanitize s = { .opts_size = sizeof(s), .sanact = 3, .owpass = 2 };
	struct nvmu_host_ctrl *h = open_quiet("soft:ns=1,size=1M");
	struct nvme_sanitize_log_page log;
	uint64_t bytes = 0;
	uint8_t *ns;

	if (!h)
		return;
	ns = nvmu_soft_ns_data(nvmu_ctrl_transport(nvmu_host_core(h)), 1, &bytes);
	CHECK(ns != NULL);
	if (ns)
		memset(ns, 0xab, 4096);
	CHECK_EQ(nvmu_host_get_log(h, NVME_LOG_LID_SANITIZE, 0, &log, sizeof(log)), 0);
	CHECK_EQ(log.sstat, NVME_SANITIZE_SSTAT_STATUS_NEVER_SANITIZED);
	CHECK_EQ(nvmu_host_sanitize(h, &s, NULL), 0);
	CHECK_EQ(nvmu_host_get_log(h, NVME_LOG_LID_SANITIZE, 0, &log, sizeof(log)), 0);
	CHECK_EQ(log.sstat & NVME_SANITIZE_SSTAT_STATUS_MASK,
		 NVME_SANITIZE_SSTAT_STATUS_COMPLETE_SUCCESS);
	CHECK_EQ(log.sstat >> NVME_SANITIZE_SSTAT_COMPLETED_PASSES_SHIFT & 0x1f, 2);
	CHECK_EQ(log.scdw10 & 7, 3);
	CHECK_EQ(log.sprog, 0xffff);
	if (ns)
		CHECK_EQ(ns[100], 0);
	s.sanact = 9;
	CHECK_EQ(nvmu_host_sanitize(h, &s, NULL), -EINVAL);
	s.sanact = 2;
	s.owpass = 0;
	s.nodas = true;
	CHECK_EQ(nvmu_host_sanitize(h, &s, NULL), 0);
	CHECK_EQ(nvmu_host_get_log(h, NVME_LOG_LID_SANITIZE, 0, &log, sizeof(log)), 0);
	CHECK_EQ(log.sstat & NVME_SANITIZE_SSTAT_STATUS_MASK,
		 NVME_SANITIZE_SSTAT_STATUS_ND_COMPLETE_SUCCESS);
	detach(h);
}

TEST(firmware_download_commit_activate)
{
	struct nvmu_host_ctrl *h = open_quiet("soft:mdts=0");
	struct nvme_firmware_slot fw;
	static uint8_t image[3 * 4096 + 8];
	struct nvmu_cpl cpl;

	if (!h)
		return;
	memcpy(image, "2.0.0-rc", 8);
	/* No image yet: a commit that replaces has nothing to put in the slot. */
	CHECK_EQ(nvmu_host_fw_commit(h, 2, 0, 0, &cpl), -EREMOTEIO);
	CHECK_EQ(nvmu_status_sc(cpl.status), NVME_SC_FIRMWARE_IMAGE);
	/* Three pieces of 4 KiB and a last one of 8 bytes. */
	CHECK_EQ(nvmu_host_fw_download(h, image, sizeof(image), 0, 4096, NULL), 0);
	CHECK_EQ(nvmu_host_fw_download(h, image, 6, 0, 0, NULL), -EINVAL);
	/* Slot 1 is read-only. */
	CHECK_EQ(nvmu_host_fw_commit(h, 1, 1, 0, &cpl), -EREMOTEIO);
	CHECK_EQ(nvmu_status_sc(cpl.status), NVME_SC_FIRMWARE_SLOT);
	CHECK_EQ(nvmu_host_fw_commit(h, 2, 1, 0, &cpl), 0); /* activate at the next reset */
	CHECK_EQ(nvmu_host_get_log(h, NVME_LOG_LID_FW_SLOT, NVME_NSID_ALL, &fw, sizeof(fw)), 0);
	CHECK_EQ(fw.afi, 0x21); /* slot 1 active, slot 2 next */
	CHECK(memcmp(fw.frs[1], "2.0.0-rc", 8) == 0);
	CHECK_EQ(nvmu_host_reset(h), 0);
	CHECK_EQ(nvmu_host_get_log(h, NVME_LOG_LID_FW_SLOT, NVME_NSID_ALL, &fw, sizeof(fw)), 0);
	CHECK_EQ(fw.afi, 0x02);
	/* Activate slot 1 again at once (action 3 needs an image: action 2 + reset). */
	CHECK_EQ(nvmu_host_fw_commit(h, 1, 2, 0, &cpl), 0);
	CHECK_EQ(nvmu_host_fw_commit(h, 3, 2, 0, &cpl), -EREMOTEIO); /* an empty slot */
	CHECK_EQ(nvmu_host_fw_commit(h, 8, 0, 0, &cpl), -EINVAL);
	detach(h);
}

TEST(write_uncorrectable_and_lba_status)
{
	struct nvmu_host_ctrl *h = open_quiet("soft:ns=1,size=1M");
	struct nvmu_host_qpair *qp = NULL;
	struct nvmu_host_waiter w = { 0 };
	struct nvmu_dma_buf data = { 0 };
	_Alignas(8) uint8_t buf[8 + 4 * 16];
	struct nvme_lba_status *st = (struct nvme_lba_status *)buf;
	struct nvmu_ns *ns;

	if (!h)
		return;
	ns = nvmu_host_ns(h, 0);
	CHECK(nvmu_host_supports(h, NVMU_HOST_CMD_WRITE_UNCORRECTABLE));
	CHECK_EQ(nvmu_host_qpair_create(h, NULL, &qp), 0);
	CHECK_EQ(nvmu_host_dma_alloc(h, 4 * 512, &data), 0);
	if (!qp || !data.vaddr)
		return;
	CHECK_EQ(nvmu_ns_write_uncorrectable(qp, ns, 10, 8, nvmu_host_sync_cb, &w), 0);
	CHECK_EQ(nvmu_host_wait(qp, &w, 0), 0);
	/* A read touching block 17 fails; one before block 10 does not. */
	CHECK_EQ(nvmu_ns_read_sync(qp, ns, 16, &data, 1, 0, 0, NULL), -EREMOTEIO);
	CHECK_EQ(w.cpl.err, 0);
	CHECK_EQ(nvmu_ns_read_sync(qp, ns, 6, &data, 1, 0, 0, NULL), 0);
	/* Writing blocks 12-15 splits the range in two: 10-11 and 16-17. */
	CHECK_EQ(nvmu_ns_write_sync(qp, ns, 12, &data, 1, 0, 0, NULL), 0);
	CHECK_EQ(nvmu_ns_read_sync(qp, ns, 12, &data, 1, 0, 0, NULL), 0);
	{
		struct nvmu_sqe cmd = { .opcode = nvme_admin_get_lba_status, .nsid = 1,
					.cdw12 = sizeof(buf) / 4 - 1, .cdw13 = 0x10u << 24 };
		struct nvmu_dma_buf b = { 0 };

		CHECK_EQ(nvmu_host_dma_alloc(h, sizeof(buf), &b), 0);
		CHECK_EQ(nvmu_host_admin(h, &cmd, &b, 0, NULL), 0);
		memcpy(buf, b.vaddr, sizeof(buf));
		nvmu_host_dma_free(h, &b);
	}
	CHECK_EQ(st->nlsd, 2);
	CHECK_EQ(st->cmpc, 2);
	CHECK_EQ(st->descs[0].dslba, 10);
	CHECK_EQ(st->descs[0].nlb, 2);
	CHECK_EQ(st->descs[1].dslba, 16);
	CHECK_EQ(st->descs[1].nlb, 2);
	CHECK_EQ(nvmu_ns_write_uncorrectable(qp, ns, 2048, 1, nvmu_host_sync_cb, &w), -ERANGE);
	nvmu_host_dma_free(h, &data);
	detach(h);
}

TEST(reservations_register_acquire_report_release)
{
	struct nvmu_host_ctrl *h = open_quiet("soft:");
	struct nvmu_host_qpair *qp = NULL;
	_Alignas(8) uint8_t buf[128];
	struct nvme_resv_status *st = (struct nvme_resv_status *)buf;
	struct nvmu_cpl cpl;
	struct nvmu_ns *ns;

	if (!h)
		return;
	ns = nvmu_host_ns(h, 0);
	CHECK_EQ(nvmu_host_qpair_create(h, NULL, &qp), 0);
	if (!qp)
		return;
	CHECK_EQ(nvmu_ns_resv_register(qp, ns, 0, 0, false, 0, 0xabc, NULL), 0);
	/* Acquire with a wrong key: Reservation Conflict. */
	CHECK_EQ(nvmu_ns_resv_acquire(qp, ns, 0, 1, false, 0x123, 0, &cpl), -EREMOTEIO);
	CHECK_EQ(nvmu_status_sct(cpl.status), NVME_SCT_GENERIC);
	CHECK_EQ(nvmu_status_sc(cpl.status), NVME_SC_RESERVATION_CONFLICT);
	CHECK_EQ(nvmu_ns_resv_acquire(qp, ns, 0, 1, false, 0xabc, 0, NULL), 0);
	CHECK_EQ(nvmu_ns_resv_report(qp, ns, false, buf, 48, NULL), 0);
	CHECK_EQ(st->rtype, 1);
	CHECK_EQ(st->regctl[0], 1);
	CHECK_EQ(st->regctl_ds[0].cntlid, 1);
	CHECK_EQ(st->regctl_ds[0].rcsts, 1);
	CHECK_EQ(st->regctl_ds[0].rkey, 0xabc);
	CHECK_EQ(nvmu_ns_resv_report(qp, ns, true, buf, 128, NULL), 0);
	CHECK_EQ(st->regctl_eds[0].rkey, 0xabc);
	/* Releasing another type than the one held is refused. */
	CHECK_EQ(nvmu_ns_resv_release(qp, ns, 0, 2, false, 0xabc, NULL), -EREMOTEIO);
	CHECK_EQ(nvmu_ns_resv_release(qp, ns, 0, 1, false, 0xabc, NULL), 0);
	CHECK_EQ(nvmu_ns_resv_register(qp, ns, 2, 0, true, 0, 0xdef, NULL), 0); /* replace */
	CHECK_EQ(nvmu_ns_resv_release(qp, ns, 1, 0, false, 0xdef, NULL), 0);   /* clear */
	CHECK_EQ(nvmu_ns_resv_report(qp, ns, false, buf, 48, NULL), 0);
	CHECK_EQ(st->regctl[0], 0);
	CHECK_EQ(st->gen, 3); /* register, replace, clear */
	CHECK_EQ(nvmu_ns_resv_report(qp, ns, false, buf, 6, NULL), -EINVAL);
	CHECK_EQ(nvmu_ns_resv_register(qp, ns, 5, 0, false, 0, 0, NULL), -EINVAL);
	detach(h);
}

/* ---- a controller that advertises none of it ---- */

static int bare_open(const char *rest, const struct nvmu_transport_open_opts *o,
		     struct nvmu_transport **out)
{
	struct nvme_id_ctrl id;
	struct nvmu_ctrl *ctrl;
	int ret = nvmu_soft_open(rest, out);

	(void)o;
	if (ret < 0)
		return ret;
	/* Identify Controller as the software controller gives it, less the capabilities. */
	if ((ret = nvmu_ctrl_open(*out, NULL, &ctrl)) == 0) {
		id = *nvmu_ctrl_id(ctrl);
		nvmu_ctrl_close(ctrl);
		id.oacs = NVME_CTRL_OACS_FORMAT;
		id.oncs = 0;
		id.sanicap = 0;
		ret = nvmu_soft_identify_override(*out, NVME_IDENTIFY_CNS_CTRL, &id);
	}
	if (ret < 0)
		nvmu_soft_close(*out);
	return ret;
}

static const struct nvmu_transport_class bare_class = {
	.name = "bare",
	.forms = "bare://OPTIONS",
	.description = "a software controller advertising no management commands",
	.open = bare_open,
};

TEST(unsupported_commands_are_refused_before_sending)
{
	struct nvmu_sanitize s = { .sanact = 2 };
	struct nvmu_ns_create p = { .nsze = 8 };
	struct nvmu_host_ctrl *h;
	struct nvmu_host_qpair *qp = NULL;
	struct nvmu_soft_stats before, after;
	struct nvmu_host_waiter w = { 0 };
	uint8_t img[8] = { 0 };
	uint32_t nsid;

	CHECK_EQ(nvmu_transport_register(&bare_class), 0);
	h = open_quiet("bare://ns=1");
	if (!h)
		return;
	nvmu_soft_stats(nvmu_ctrl_transport(nvmu_host_core(h)), &before);
	CHECK_EQ(nvmu_host_self_test(h, 0, 1, NULL), -ENOTSUP);
	CHECK_STR_CONTAINS(nvmu_last_error(), "does not support Device Self-test (Identify "
			   "Controller OACS bit 4 is 0)");
	CHECK_EQ(nvmu_host_ns_create(h, &p, 0, &nsid, NULL), -ENOTSUP);
	CHECK_STR_CONTAINS(nvmu_last_error(), "Namespace Management (Identify Controller OACS "
			   "bit 3 is 0)");
	CHECK_EQ(nvmu_host_ns_attach(h, 1, true, NULL, 0, NULL), -ENOTSUP);
	CHECK_EQ(nvmu_host_ns_delete(h, 1, 0, NULL), -ENOTSUP);
	CHECK_EQ(nvmu_host_fw_download(h, img, sizeof(img), 0, 0, NULL), -ENOTSUP);
	CHECK_STR_CONTAINS(nvmu_last_error(), "OACS bit 2 is 0");
	CHECK_EQ(nvmu_host_fw_commit(h, 2, 0, 0, NULL), -ENOTSUP);
	CHECK_EQ(nvmu_host_sanitize(h, &s, NULL), -ENOTSUP);
	CHECK_STR_CONTAINS(nvmu_last_error(), "SANICAP is 0");
	CHECK_EQ(nvmu_host_qpair_create(h, NULL, &qp), 0);
	if (qp) {
		CHECK_EQ(nvmu_ns_resv_register(qp, nvmu_host_ns(h, 0), 0, 0, false, 0, 1, NULL),
			 -ENOTSUP);
		CHECK_STR_CONTAINS(nvmu_last_error(), "ONCS bit 5 is 0");
		CHECK_EQ(nvmu_ns_write_uncorrectable(qp, nvmu_host_ns(h, 0), 0, 1,
						     nvmu_host_sync_cb, &w), -ENOTSUP);
	}
	nvmu_soft_stats(nvmu_ctrl_transport(nvmu_host_core(h)), &after);
	/* Create I/O CQ and SQ for the queue pair, and nothing else. */
	CHECK_EQ(after.admin_cmds - before.admin_cmds, 2);
	detach(h);
}

RUN_TESTS(T(namespace_create_attach_io_detach_delete), T(namespace_create_limits),
	  T(self_test_and_its_log), T(sanitize_erases_and_logs),
	  T(firmware_download_commit_activate), T(write_uncorrectable_and_lba_status),
	  T(reservations_register_acquire_report_release),
	  T(unsupported_commands_are_refused_before_sending))
