/* SPDX-License-Identifier: MIT */
/* The VFIO type1 IOMMU backend: DMA map/unmap ioctls and the container's IOVA space. */
#include <errno.h>
#include <linux/vfio.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>

#include "nvmu/iommu_vfio.h"
/* This backend is a VFIO client like any other: it reaches the container and VFIO's info
 * queries and capability chains through the vfio layer's public interface only. */
#include "nvmu/vfio.h"

#define MAX_RANGES 32

static int container_fd(void *ctx)
{
	return (int)(intptr_t)ctx;
}

/* VFIO says only ENOMEM when it cannot pin memory; the usual cause is the locked-memory
 * limit, so the message names it and how to raise it. Returns -ENOMEM. */
static int explain_pin_failure(size_t len)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		return nvmu_fail(ENOMEM, "VFIO could not pin %zu bytes for DMA: the "
				 "locked-memory limit is %llu KiB (ulimit -l) and this process "
				 "lacks CAP_IPC_LOCK. Raise it (ulimit -l unlimited, 'memlock' in "
				 "/etc/security/limits.conf, or LimitMEMLOCK= for a service) or "
				 "run as root", len, (unsigned long long)rl.rlim_cur / 1024);
	return nvmu_fail(ENOMEM, "VFIO could not pin %zu bytes for DMA: out of memory", len);
}

static int type1_map(void *ctx, void *vaddr, uint64_t iova, size_t len, unsigned prot)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = (prot & NVMU_DMA_READ ? VFIO_DMA_MAP_FLAG_READ : 0) |
			 (prot & NVMU_DMA_WRITE ? VFIO_DMA_MAP_FLAG_WRITE : 0),
		.vaddr = (uintptr_t)vaddr,
		.iova = iova,
		.size = len,
	};

	if (ioctl(container_fd(ctx), VFIO_IOMMU_MAP_DMA, &map) == 0)
		return 0;
	switch (errno) {
	case ENOMEM:
		return explain_pin_failure(len);
	case ENOSPC:
		return nvmu_fail(ENOSPC, "VFIO has no DMA mapping left (type1's dma_entry_limit "
				 "is reached); use fewer, larger mappings");
	case EEXIST:
		return nvmu_fail(EEXIST, "IOVA %#llx+%#zx is already mapped in the container",
				 (unsigned long long)iova, len);
	default:
		return nvmu_fail(errno, "VFIO_IOMMU_MAP_DMA of %zu bytes at IOVA %#llx: %s", len,
				 (unsigned long long)iova, strerror(errno));
	}
}

static int type1_unmap(void *ctx, uint64_t iova, size_t len)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = len,
	};

	if (ioctl(container_fd(ctx), VFIO_IOMMU_UNMAP_DMA, &unmap) < 0)
		return nvmu_fail(errno, "VFIO_IOMMU_UNMAP_DMA at IOVA %#llx: %s",
				 (unsigned long long)iova, strerror(errno));
	if (unmap.size != len)
		return nvmu_fail(EIO, "VFIO unmapped %llu bytes at IOVA %#llx instead of %zu",
				 (unsigned long long)unmap.size, (unsigned long long)iova, len);
	return 0;
}

static const struct nvmu_iommu_ops type1_ops = {
	.map = type1_map,
	.unmap = type1_unmap,
};

/* Read the container's usable IOVA ranges and the number of DMA mappings still available
 * from the capabilities of its info. The kernel may place capabilities at 4-byte offsets,
 * so fields are copied out, never read through a cast pointer. */
static void parse_caps(const struct vfio_iommu_type1_info *info,
		       struct nvmu_iova_range *ranges, size_t *nranges, uint64_t *avail)
{
	const char *cap;
	uint32_t first = (info->flags & VFIO_IOMMU_INFO_CAPS) ? info->cap_offset : 0;
	uint32_t nr;

	cap = (const char *)nvmu_vfio_find_cap(info, info->argsz, first,
					       VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE,
					       offsetof(struct vfio_iommu_type1_info_cap_iova_range,
							iova_ranges));
	if (cap) {
		size_t room = info->argsz - (size_t)(cap - (const char *)info) -
			      offsetof(struct vfio_iommu_type1_info_cap_iova_range, iova_ranges);

		memcpy(&nr, cap + offsetof(struct vfio_iommu_type1_info_cap_iova_range, nr_iovas),
		       sizeof(nr));
		for (uint32_t i = 0; i < nr && *nranges < MAX_RANGES; i++) {
			struct vfio_iova_range r;

			if ((i + 1) * sizeof(r) > room)
				/* The list runs past the structure: trust none of the rest. */
				break;
			memcpy(&r,
			       cap + offsetof(struct vfio_iommu_type1_info_cap_iova_range,
					      iova_ranges) + i * sizeof(r),
			       sizeof(r));
			ranges[*nranges].start = r.start;
			ranges[*nranges].last = r.end;
			(*nranges)++;
		}
	}
	cap = (const char *)nvmu_vfio_find_cap(info, info->argsz, first,
					       VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL,
					       sizeof(struct vfio_iommu_type1_info_dma_avail));
	if (cap) {
		uint32_t n;

		memcpy(&n, cap + offsetof(struct vfio_iommu_type1_info_dma_avail, avail),
		       sizeof(n));
		*avail = n;
	}
}

int nvmu_iommu_open_vfio(struct nvmu_vfio_container *c, struct nvmu_iommu **out)
{
	struct nvmu_iova_range ranges[MAX_RANGES];
	struct vfio_iommu_type1_info *info;
	size_t nranges = 0;
	uint64_t avail = 0, page = nvmu_page_size();
	int fd = nvmu_vfio_container_fd(c);

	if (!nvmu_vfio_container_ready(c))
		return nvmu_fail(EINVAL, "the VFIO container has no IOMMU yet: open a device in it "
				 "first");
	struct vfio_iommu_type1_info query = { .argsz = sizeof(query) };

	info = nvmu_vfio_query_info(fd, VFIO_IOMMU_GET_INFO, &query, sizeof(query));
	if (!info)
		return nvmu_fail(errno ? errno : ENOMEM, "VFIO_IOMMU_GET_INFO: %s",
				 strerror(errno ? errno : ENOMEM));
	parse_caps(info, ranges, &nranges, &avail);
	if (info->flags & VFIO_IOMMU_INFO_PGSIZES) {
		uint64_t smallest = info->iova_pgsizes & (~info->iova_pgsizes + 1);

		if (smallest > page)
			page = smallest;
	}
	free(info);
	/* Old kernels report no IOVA ranges: assume the usual 39-bit space, all of it usable. */
	if (nranges == 0) {
		ranges[0].start = 0;
		ranges[0].last = (1ull << 39) - 1;
		nranges = 1;
	}
	struct nvmu_iommu_config cfg = {
		.ops = &type1_ops,
		.ctx = (void *)(intptr_t)fd,
		.ranges = ranges,
		.nranges = nranges,
		.page_size = page,
		.max_mappings = avail,
	};
	return nvmu_iommu_create(&cfg, out);
}
