/* SPDX-License-Identifier: MIT */
/* Get Log Page (opcode 0x02) split into transfers of at most the controller's maximum. */
#include <errno.h>

#include "log_page.h"

int log_page_read(struct tool_dev *d, const struct log_request *req, void *buf, size_t len,
		  struct nvmu_cpl *cpl)
{
	size_t max = nvmu_ctrl_max_transfer(d->ctrl) & ~(size_t)3;
	struct nvmu_cpl local;
	size_t done = 0;

	if (!cpl)
		cpl = &local;
	if (req->ot && len > max)
		return nvmu_fail(EINVAL, "log page %#x: %zu bytes with an index offset (--ot) cannot "
				 "be read in pieces: at most %zu bytes", req->lid, len, max);
	while (done < len) {
		size_t n = len - done < max ? len - done : max;
		uint32_t numd = (uint32_t)(n / 4 - 1);
		uint64_t lpo = req->lpo + (req->ot ? 0 : done);
		struct nvmu_sqe cmd = {
			.opcode = nvme_admin_get_log_page,
			.nsid = req->nsid,
			.cdw10 = req->lid | (uint32_t)(req->lsp & 0x7f) << 8 |
				 (req->rae ? 1u << 15 : 0) | (numd & 0xffff) << 16,
			.cdw11 = numd >> 16 | (uint32_t)req->lsi << 16,
			.cdw12 = (uint32_t)lpo,
			.cdw13 = (uint32_t)(lpo >> 32),
			.cdw14 = (req->uuid & 0x7fu) | (req->ot ? 1u << 23 : 0) |
				 (uint32_t)req->csi << 24,
		};
		int ret = device_admin(d, &cmd, (uint8_t *)buf + done, n, false, 0, cpl);

		if (ret < 0)
			return ret;
		done += n;
	}
	return 0;
}

int log_page_fetch(const char *verb, struct tool_dev *d, const struct log_request *req,
		   void *buf, size_t len, const struct capability *cap)
{
	struct nvmu_cpl cpl = { 0 };
	int ret = log_page_read(d, req, buf, len, &cpl);

	return ret < 0 ? unsupported_fail(verb, d->name, cap, ret, &cpl) : 0;
}
