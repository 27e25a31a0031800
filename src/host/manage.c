/* SPDX-License-Identifier: MIT */
/*
 * The host API's controller management: namespace management and attachment, device
 * self-test, sanitize, firmware download and commit. Each checks the capability Identify
 * Controller reported before it sends anything, so that an unsupported command fails
 * with a message naming the field instead of a bare Invalid Opcode status.
 */
#include <errno.h>
#include <string.h>

#include "host_internal.h"
#include "support/opts.h"

#define NS_MGMT_DATA_BYTES 4096
#define CTRL_LIST_MAX 2047
#define CSI_SHIFT 24
#define FWUG_UNIT 4096u
#define FWUG_NONE 0xffu /* no granularity restriction */

/* -ENOTSUP with a message unless Identify's OACS has @p bit. */
static int need_oacs(struct nvmu_host_ctrl *h, uint16_t bit, const char *what)
{
	unsigned n = 0;

	if (nvmu_ctrl_id(h->ctrl)->oacs & bit)
		return 0;
	while (!(bit >> n & 1))
		n++;
	return nvmu_fail(ENOTSUP, "%s does not support %s (Identify Controller "
			 "OACS bit %u is 0)", h->name, what, n);
}

/* Run @p cmd with @p len bytes at @p data through a temporary DMA buffer. */
static int admin_with_data(struct nvmu_host_ctrl *h, struct nvmu_sqe *cmd, const void *data,
			   size_t len, uint32_t timeout_ms, struct nvmu_cpl *cpl)
{
	struct nvmu_dma_buf buf = { 0 };
	int ret = nvmu_host_dma_alloc(h, len, &buf);

	if (ret < 0)
		return ret;
	memcpy(buf.vaddr, data, len);
	ret = nvmu_admin_cmd(h->ctrl, cmd, buf.iova, len, timeout_ms, cpl);
	/* After a timeout the device may still read the buffer: keep it (a small leak). */
	if (ret != -ETIMEDOUT)
		nvmu_host_dma_free(h, &buf);
	return ret;
}

int nvmu_host_ns_create(struct nvmu_host_ctrl *h, const struct nvmu_ns_create *p,
			uint32_t timeout_ms, uint32_t *nsid, struct nvmu_cpl *out)
{
	struct nvmu_ns_create o;
	_Alignas(8) uint8_t data[NS_MGMT_DATA_BYTES];
	struct nvme_id_ns *id = (struct nvme_id_ns *)data;
	struct nvmu_sqe cmd = { .opcode = nvme_admin_ns_mgmt, .cdw10 = NVME_NS_MGMT_SEL_CREATE };
	struct nvmu_cpl cpl;
	int ret = need_oacs(h, NVME_CTRL_OACS_NS_MGMT, "Namespace Management");

	if (ret < 0)
		return ret;
	OPTS_COPY(o, p);
	if (o.nsze == 0)
		return nvmu_fail(EINVAL, "create namespace: a size (nsze) of 0 blocks");
	memset(data, 0, sizeof(data));
	id->nsze = o.nsze;
	id->ncap = o.ncap ? o.ncap : o.nsze;
	id->flbas = o.flbas;
	id->dps = o.dps;
	id->nmic = o.nmic;
	id->anagrpid = o.anagrpid;
	id->nvmsetid = o.nvmsetid;
	cmd.cdw11 = (uint32_t)o.csi << CSI_SHIFT;
	ret = admin_with_data(h, &cmd, data, sizeof(data), timeout_ms, &cpl);
	if (out)
		*out = cpl;
	if (ret < 0)
		return nvmu_fail_context(-ret, "create namespace");
	*nsid = cpl.dw0;
	return 0;
}

int nvmu_host_ns_delete(struct nvmu_host_ctrl *h, uint32_t nsid, uint32_t timeout_ms,
			struct nvmu_cpl *cpl)
{
	struct nvmu_sqe cmd = { .opcode = nvme_admin_ns_mgmt, .nsid = nsid,
				.cdw10 = NVME_NS_MGMT_SEL_DELETE };
	int ret = need_oacs(h, NVME_CTRL_OACS_NS_MGMT, "Namespace Management");

	if (ret == 0)
		ret = nvmu_admin_cmd(h->ctrl, &cmd, 0, 0, timeout_ms, cpl);
	return ret < 0 ? nvmu_fail_context(-ret, "delete namespace %u", nsid) : 0;
}

int nvmu_host_ns_attach(struct nvmu_host_ctrl *h, uint32_t nsid, bool attach,
			const uint16_t *ctrls, unsigned n, struct nvmu_cpl *cpl)
{
	_Alignas(8) struct nvme_ctrl_list list;
	struct nvmu_sqe cmd = { .opcode = nvme_admin_ns_attach, .nsid = nsid,
				.cdw10 = attach ? NVME_NS_ATTACH_SEL_CTRL_ATTACH
						: NVME_NS_ATTACH_SEL_CTRL_DEATTACH };
	int ret = need_oacs(h, NVME_CTRL_OACS_NS_MGMT, "Namespace Attachment");

	if (ret < 0)
		return ret;
	if (n > CTRL_LIST_MAX)
		return nvmu_fail(EINVAL, "%u controllers: a controller list holds %u at most", n,
				 CTRL_LIST_MAX);
	memset(&list, 0, sizeof(list));
	if (n == 0) {
		list.num = 1;
		list.identifier[0] = nvmu_ctrl_id(h->ctrl)->cntlid;
	}
	for (unsigned i = 0; i < n; i++)
		list.identifier[i] = ctrls[i];
	if (n)
		list.num = (uint16_t)n;
	ret = admin_with_data(h, &cmd, &list, sizeof(list), 0, cpl);
	return ret < 0 ? nvmu_fail_context(-ret, "%s namespace %u", attach ? "attach" : "detach",
					   nsid) : 0;
}

int nvmu_host_self_test(struct nvmu_host_ctrl *h, uint32_t nsid, uint8_t stc,
			struct nvmu_cpl *cpl)
{
	struct nvmu_sqe cmd = { .opcode = nvme_admin_dev_self_test, .nsid = nsid, .cdw10 = stc };
	int ret = need_oacs(h, NVME_CTRL_OACS_SELF_TEST, "Device Self-test");

	if (ret == 0)
		ret = nvmu_admin_cmd(h->ctrl, &cmd, 0, 0, 0, cpl);
	return ret;
}

int nvmu_host_sanitize(struct nvmu_host_ctrl *h, const struct nvmu_sanitize *s,
		       struct nvmu_cpl *cpl)
{
	static const char *const names[] = { "", "Exit Failure Mode", "Block Erase", "Overwrite",
					     "Crypto Erase" };
	static const uint32_t caps[] = { 0, 0, NVME_CTRL_SANICAP_BES, NVME_CTRL_SANICAP_OWS,
					 NVME_CTRL_SANICAP_CES };
	uint32_t sanicap = nvmu_ctrl_id(h->ctrl)->sanicap;
	struct nvmu_sanitize o;
	struct nvmu_sqe cmd = { .opcode = nvme_admin_sanitize_nvm };

	OPTS_COPY(o, s);
	if (o.sanact < 1 || o.sanact > 4)
		return nvmu_fail(EINVAL, "sanitize action %u: expected 1 (exit failure mode), 2 "
				 "(block erase), 3 (overwrite) or 4 (crypto erase)", o.sanact);
	if (o.owpass > 15)
		return nvmu_fail(EINVAL, "%u overwrite passes: at most 15", o.owpass);
	if (!(sanicap & (NVME_CTRL_SANICAP_BES | NVME_CTRL_SANICAP_OWS | NVME_CTRL_SANICAP_CES)))
		return nvmu_fail(ENOTSUP, "%s does not support Sanitize (Identify "
				 "Controller SANICAP is 0)", h->name);
	if (caps[o.sanact] && !(sanicap & caps[o.sanact]))
		return nvmu_fail(ENOTSUP, "%s does not support the sanitize action "
				 "%s (Identify Controller SANICAP %#x)", h->name, names[o.sanact],
				 sanicap);
	cmd.cdw10 = o.sanact | (o.ause ? 1u << 3 : 0) | (uint32_t)o.owpass << 4 |
		    (o.oipbp ? 1u << 8 : 0) | (o.nodas ? 1u << 9 : 0);
	cmd.cdw11 = o.ovrpat;
	return nvmu_admin_cmd(h->ctrl, &cmd, 0, 0, 0, cpl);
}

/* The largest piece of a firmware download: the transfer limit, in FWUG units. */
static size_t fw_piece(struct nvmu_host_ctrl *h)
{
	size_t max = nvmu_ctrl_max_transfer(h->ctrl);
	uint8_t fwug = nvmu_ctrl_id(h->ctrl)->fwug;
	size_t unit = fwug && fwug != FWUG_NONE ? fwug * (size_t)FWUG_UNIT : 4;

	return max >= unit ? max / unit * unit : max & ~(size_t)3;
}

int nvmu_host_fw_download(struct nvmu_host_ctrl *h, const void *image, size_t len,
			  uint32_t offset, uint32_t xfer, struct nvmu_cpl *cpl)
{
	size_t max = fw_piece(h), done = 0;
	int ret = need_oacs(h, NVME_CTRL_OACS_FW, "Firmware Image Download");

	if (ret < 0)
		return ret;
	if (len == 0 || len % 4 || offset % 4)
		return nvmu_fail(EINVAL, "firmware download: length %zu and offset %u must be "
				 "multiples of 4 (and the length not 0)", len, offset);
	if (xfer && (xfer % 4 || xfer > nvmu_ctrl_max_transfer(h->ctrl)))
		return nvmu_fail(EINVAL, "firmware download: transfer size %u is not a multiple of "
				 "4 up to the controller's maximum, %zu", xfer,
				 nvmu_ctrl_max_transfer(h->ctrl));
	if (xfer)
		max = xfer;
	while (done < len) {
		size_t n = len - done < max ? len - done : max;
		uint64_t at = (uint64_t)offset + done;
		struct nvmu_sqe cmd = { .opcode = nvme_admin_fw_download,
					.cdw10 = (uint32_t)(n / 4 - 1), .cdw11 = (uint32_t)(at / 4) };

		ret = admin_with_data(h, &cmd, (const uint8_t *)image + done, n, 0, cpl);
		if (ret < 0)
			return nvmu_fail_context(-ret, "firmware download at offset %llu",
						 (unsigned long long)at);
		done += n;
	}
	return 0;
}

int nvmu_host_fw_commit(struct nvmu_host_ctrl *h, uint8_t slot, uint8_t action, uint8_t bpid,
			struct nvmu_cpl *cpl)
{
	struct nvmu_sqe cmd = { .opcode = nvme_admin_fw_commit };
	int ret = need_oacs(h, NVME_CTRL_OACS_FW, "Firmware Commit");

	if (ret < 0)
		return ret;
	if (slot > 7 || action > 7 || bpid > 1)
		return nvmu_fail(EINVAL, "firmware commit: slot %u (0-7), action %u (0-7), boot "
				 "partition %u (0-1)", slot, action, bpid);
	cmd.cdw10 = slot | (uint32_t)action << 3 | (uint32_t)bpid << 31;
	return nvmu_admin_cmd(h->ctrl, &cmd, 0, 0, 0, cpl);
}
