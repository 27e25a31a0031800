/* SPDX-License-Identifier: MIT */
/*
 * The host API's reservations: Register, Acquire, Release and Report on a namespace,
 * each sent on the caller's queue pair and waited for. Their data (the keys, the report)
 * goes through a DMA buffer allocated for the command: reservations are rare management
 * operations, not the I/O path, so the allocation costs nothing that matters.
 */
#include <errno.h>
#include <string.h>

#include "host_internal.h"

#define IEKEY (1u << 3)
#define RTYPE_SHIFT 8
#define CPTPL_SHIFT 30
#define EDS 1u
#define REPORT_MIN 24

/* Send @p cmd for @p ns with @p len bytes: @p data to the device, or from it into @p out. */
static int resv_cmd(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, struct nvmu_sqe *cmd,
		    const void *data, void *out, size_t len, struct nvmu_cpl *cpl)
{
	struct nvmu_host_waiter w = { 0 };
	struct nvmu_dma_buf buf = { 0 };
	bool in_flight = false;
	int ret;

	if (!nvmu_host_supports(qp->h, NVMU_HOST_CMD_RESERVATIONS))
		return nvmu_fail(ENOTSUP, "%s does not support reservations (Identify Controller "
				 "ONCS bit 5 is 0)", qp->h->name);
	if (!ns)
		return nvmu_fail(EINVAL, "a reservation command needs a namespace");
	if ((ret = nvmu_host_dma_alloc(qp->h, len, &buf)) < 0)
		return ret;
	if (data)
		memcpy(buf.vaddr, data, len);
	cmd->nsid = nvmu_ns_id(ns);
	ret = nvmu_host_raw_io(qp, cmd, &buf, 1, 0, nvmu_host_sync_cb, &w);
	if (ret == 0) {
		ret = nvmu_host_wait(qp, &w, 0);
		/* A wait that stopped without the completion (timeout, removal, failed
		 * controller) leaves the command in flight. */
		in_flight = ret != w.cpl.err;
	}
	if (cpl)
		*cpl = w.cpl;
	if (ret == 0 && out)
		memcpy(out, buf.vaddr, len);
	/* The device may still use the buffer of a command in flight: keep it (a leak). */
	if (!in_flight)
		nvmu_host_dma_free(qp->h, &buf);
	return ret;
}

int nvmu_ns_resv_register(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, uint8_t rrega,
			  uint8_t cptpl, bool iekey, uint64_t crkey, uint64_t nrkey,
			  struct nvmu_cpl *cpl)
{
	uint64_t keys[2] = { crkey, nrkey };
	struct nvmu_sqe cmd = { .opcode = nvme_cmd_resv_register,
				.cdw10 = (rrega & 7u) | (iekey ? IEKEY : 0) |
					 (uint32_t)(cptpl & 3u) << CPTPL_SHIFT };

	if (rrega > 2 || cptpl > 3)
		return nvmu_fail(EINVAL, "reservation register: action %u (0-2), cptpl %u (0-3)",
				 rrega, cptpl);
	return resv_cmd(qp, ns, &cmd, keys, NULL, sizeof(keys), cpl);
}

int nvmu_ns_resv_acquire(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, uint8_t racqa,
			 uint8_t rtype, bool iekey, uint64_t crkey, uint64_t prkey,
			 struct nvmu_cpl *cpl)
{
	uint64_t keys[2] = { crkey, prkey };
	struct nvmu_sqe cmd = { .opcode = nvme_cmd_resv_acquire,
				.cdw10 = (racqa & 7u) | (iekey ? IEKEY : 0) |
					 (uint32_t)rtype << RTYPE_SHIFT };

	if (racqa > 2)
		return nvmu_fail(EINVAL, "reservation acquire: action %u (0-2)", racqa);
	return resv_cmd(qp, ns, &cmd, keys, NULL, sizeof(keys), cpl);
}

int nvmu_ns_resv_release(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, uint8_t rrela,
			 uint8_t rtype, bool iekey, uint64_t crkey, struct nvmu_cpl *cpl)
{
	struct nvmu_sqe cmd = { .opcode = nvme_cmd_resv_release,
				.cdw10 = (rrela & 7u) | (iekey ? IEKEY : 0) |
					 (uint32_t)rtype << RTYPE_SHIFT };

	if (rrela > 1)
		return nvmu_fail(EINVAL, "reservation release: action %u (0-1)", rrela);
	return resv_cmd(qp, ns, &cmd, &crkey, NULL, sizeof(crkey), cpl);
}

int nvmu_ns_resv_report(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, bool eds, void *out,
			size_t len, struct nvmu_cpl *cpl)
{
	struct nvmu_sqe cmd = { .opcode = nvme_cmd_resv_report,
				.cdw10 = (uint32_t)(len / 4 - 1), .cdw11 = eds ? EDS : 0 };

	if (len < REPORT_MIN || len % 4 || len > UINT32_MAX)
		return nvmu_fail(EINVAL, "reservation report: %zu bytes; expected a multiple of 4 "
				 "of at least %u", len, REPORT_MIN);
	return resv_cmd(qp, ns, &cmd, NULL, out, len, cpl);
}
