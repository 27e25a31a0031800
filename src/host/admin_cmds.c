/* SPDX-License-Identifier: MIT */
/* The host API's admin commands: a raw command with a data buffer, and log pages. Any
 * thread may call them: the core serialises the admin queue. */
#include <errno.h>
#include <string.h>

#include "host_internal.h"

#define LOG_MAX_BYTES (1u << 20)

int nvmu_host_admin(struct nvmu_host_ctrl *h, struct nvmu_sqe *cmd,
		    const struct nvmu_dma_buf *buf, uint32_t timeout_ms, struct nvmu_cpl *cpl)
{
	return nvmu_admin_cmd(h->ctrl, cmd, buf ? buf->iova : 0, buf ? buf->len : 0, timeout_ms,
			      cpl);
}

int nvmu_host_get_log(struct nvmu_host_ctrl *h, uint8_t lid, uint32_t nsid, void *out,
		      size_t len)
{
	struct nvmu_dma_buf buf = { 0 };
	uint32_t numd = (uint32_t)(len / 4 - 1);
	struct nvmu_sqe cmd = {
		.opcode = nvme_admin_get_log_page,
		.nsid = nsid,
		.cdw10 = lid | (numd & 0xffffu) << 16,
		.cdw11 = numd >> 16,
	};
	int ret;

	if (len < 4 || len % 4 || len > LOG_MAX_BYTES)
		return nvmu_fail(EINVAL, "log page length %zu is not a multiple of 4 in 4..%u",
				 len, LOG_MAX_BYTES);
	ret = nvmu_host_dma_alloc(h, len, &buf);
	if (ret < 0)
		return ret;
	ret = nvmu_admin_cmd(h->ctrl, &cmd, buf.iova, len, 0, NULL);
	if (ret == 0)
		memcpy(out, buf.vaddr, len);
	else
		nvmu_fail_context(-ret, "get log page %#x", lid);
	nvmu_host_dma_free(h, &buf);
	return ret;
}
