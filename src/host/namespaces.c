/* SPDX-License-Identifier: MIT */
/* The namespaces of an attached controller: reading the active namespace list, Identify
 * Namespace for each one, and the accessors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "host_internal.h"

#define NS_BATCH 64
#define NVME_VER_2_0 0x00020000u /* VER: major in bits 31:16, minor in 15:8 */

/*
 * The fast path's first try on @ns: up to two memory pages (PRP1/PRP2), within the
 * controller's maximum transfer (every I/O pair has it) and the 16-bit block count, in
 * whole blocks; none for a namespace with metadata. fast_end keeps such a command inside
 * the namespace: a start below it plus at most fast_max bytes ends at its last block at
 * most. Commands past either limit take the general path, which checks them exactly.
 */
static void ns_fast_limits(struct nvmu_ns *ns, const struct nvmu_ctrl *ctrl)
{
	uint64_t max = 2ull * nvmu_ctrl_page_size(ctrl);
	uint64_t blocks;

	if (nvmu_ctrl_max_transfer(ctrl) < max)
		max = nvmu_ctrl_max_transfer(ctrl);
	blocks = ns->info.ms ? 0 : max >> ns->lba_shift;
	if (blocks > HOST_MAX_NLB)
		blocks = HOST_MAX_NLB;
	ns->fast_max = blocks << ns->lba_shift;
	ns->fast_end = blocks && ns->info.nsze >= blocks ? ns->info.nsze - blocks + 1 : 0;
}

/*
 * Keep @ns, whose format the driver cannot use, with the reason the decoder gave: one
 * such namespace must not make the others unreachable. Its LBA size stays 0, and the
 * fast path's limits refuse every command, so each one reaches check_ns(), which refuses
 * it with the reason.
 */
static void ns_unusable(struct nvmu_ns *ns, uint32_t nsid)
{
	snprintf(ns->unusable, sizeof(ns->unusable), "%s (Format NVM with an LBA format of "
		 "512 bytes to 2 GiB makes it usable)", nvmu_last_error());
	nvmu_clear_error();
	ns->info = (struct nvmu_ns_info){ .nsid = nsid, .nsze = ns->id.nsze,
					  .ncap = ns->id.ncap, .nuse = ns->id.nuse };
	ns->lba_shift = 0;
	ns->lba_mask = ~0ull;
	ns->fast_max = ns->fast_end = 0;
}

static int add_ns(struct nvmu_host_ctrl *h, uint32_t nsid)
{
	struct nvmu_ns *grown = realloc(h->ns, (h->nns + 1) * sizeof(*h->ns));
	struct nvmu_ns *ns;
	int ret;

	if (!grown)
		return nvmu_fail(ENOMEM, "out of memory");
	h->ns = grown;
	ns = &h->ns[h->nns];
	*ns = (struct nvmu_ns){ .h = h };
	ret = nvmu_admin_identify_ns(h->ctrl, nsid, &ns->id, NULL);
	if (ret == -ENOENT)
		return 0; /* it went inactive after the list was read */
	if (ret < 0)
		return ret;
	h->nns++;
	if (nvmu_ns_info_decode(&ns->id, &ns->info) < 0) {
		nvmu_fail_context(EINVAL, "namespace %u cannot be used", nsid);
		ns_unusable(ns, nsid);
		return 0;
	}
	ns->info.nsid = nsid;
	ns->lba_shift = (uint32_t)__builtin_ctz(ns->info.lba_size);
	/* Metadata namespaces never take the fast path (the mask refuses every length). */
	ns->lba_mask = ns->info.ms ? ~0ull : ns->info.lba_size - 1u;
	ns_fast_limits(ns, h->ctrl);
	return 0;
}

int ns_discover(struct nvmu_host_ctrl *h)
{
	uint32_t nsids[NS_BATCH], after = 0;
	size_t n;
	int ret;

	do {
		ret = nvmu_admin_active_ns(h->ctrl, after, nsids, NS_BATCH, &n);
		for (size_t i = 0; ret == 0 && i < n; i++)
			ret = add_ns(h, nsids[i]);
		if (n)
			after = nsids[n - 1];
	} while (ret == 0 && n == NS_BATCH);
	return ret;
}

/* Convert a size limit of 2^@exp units of the minimum memory page size into bytes. An
 * exponent of 0 means no limit and gives 0. */
static size_t limit_bytes(const struct nvmu_host_ctrl *h, uint8_t exp)
{
	uint64_t mps_min = 4096ull << NVME_CAP_MPSMIN(nvmu_ctrl_cap(h->ctrl));

	if (exp == 0 || exp > 40)
		return 0;
	return (size_t)(mps_min << exp);
}

/*
 * True if the controller may have the I/O Command Set specific Identify Controller data
 * (CNS 06h). It came with I/O Command Sets (TP 4056), part of NVMe 2.0: a 2.0 controller
 * (Identify VER, which 1.2 introduced and older ones leave 0) or an earlier one that
 * implements them and says so in CAP.CSS bit 6. Any other controller fails the command
 * with Invalid Field and adds an entry to its error log on every attach; a 1.0 or 1.1
 * controller would even read the CNS field cut to 1 or 2 bits and return other data.
 */
static bool has_csi_ctrl_data(const struct nvmu_host_ctrl *h)
{
	return nvmu_ctrl_id(h->ctrl)->ver >= NVME_VER_2_0 ||
	       (NVME_CAP_CSS(nvmu_ctrl_cap(h->ctrl)) & NVME_CAP_CSS_CSI);
}

void ns_read_limits(struct nvmu_host_ctrl *h)
{
	struct nvme_id_ctrl_nvm nvm;

	if (!has_csi_ctrl_data(h))
		return; /* no such limits to report */
	/* A controller may still lack the page of the NVM Command Set; it then has no such
	 * limits either, so the failure is not an error. */
	if (nvmu_admin_identify(h->ctrl, NVME_IDENTIFY_CNS_CSI_CTRL, 0, &nvm) < 0) {
		nvmu_clear_error();
		return;
	}
	h->verify_limit = limit_bytes(h, nvm.vsl);
	h->wz_limit = limit_bytes(h, nvm.wzsl);
}

unsigned nvmu_host_ns_count(const struct nvmu_host_ctrl *h)
{
	return h->nns;
}

struct nvmu_ns *nvmu_host_ns(const struct nvmu_host_ctrl *h, unsigned index)
{
	return index < h->nns ? &h->ns[index] : NULL;
}

struct nvmu_ns *nvmu_host_ns_by_id(const struct nvmu_host_ctrl *h, uint32_t nsid)
{
	unsigned lo = 0, hi = h->nns;

	while (lo < hi) { /* the list is in ascending NSID order */
		unsigned mid = lo + (hi - lo) / 2;

		if (h->ns[mid].info.nsid == nsid)
			return &h->ns[mid];
		if (h->ns[mid].info.nsid < nsid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

uint32_t nvmu_ns_id(const struct nvmu_ns *ns)
{
	return ns->info.nsid;
}

const struct nvmu_ns_info *nvmu_ns_info(const struct nvmu_ns *ns)
{
	return &ns->info;
}

const struct nvme_id_ns *nvmu_ns_identify(const struct nvmu_ns *ns)
{
	return &ns->id;
}

uint32_t nvmu_ns_lba_size(const struct nvmu_ns *ns)
{
	return ns->info.lba_size;
}

uint64_t nvmu_ns_blocks(const struct nvmu_ns *ns)
{
	return ns->info.nsze;
}

uint64_t nvmu_ns_capacity(const struct nvmu_ns *ns)
{
	uint64_t bytes;

	/* NSZE is a 64-bit count of blocks: 2^64 bytes or more saturate rather than wrap to
	 * a small number that a caller would believe. */
	if (__builtin_mul_overflow(ns->info.nsze, (uint64_t)ns->info.lba_size, &bytes))
		return UINT64_MAX;
	return bytes;
}

bool nvmu_ns_usable(const struct nvmu_ns *ns)
{
	return ns->unusable[0] == '\0';
}

const char *nvmu_ns_unusable_reason(const struct nvmu_ns *ns)
{
	return ns->unusable[0] ? ns->unusable : NULL;
}
