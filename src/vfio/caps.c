/* SPDX-License-Identifier: MIT */
/* Walking VFIO capability chains (region info, IOMMU info) without trusting them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vfio/caps.h"

const struct vfio_info_cap_header *nvmu_vfio_find_cap(const void *info, uint32_t argsz,
						      uint32_t first, uint16_t id, size_t min_size)
{
	uint32_t off = first;

	while (off && off + sizeof(struct vfio_info_cap_header) <= argsz) {
		const struct vfio_info_cap_header *hdr = (const void *)((const char *)info + off);

		if (hdr->id == id)
			return off + min_size <= argsz ? hdr : NULL;
		if (hdr->next <= off)
			/* A chain must move forward; a link back could loop for ever. */
			break;
		off = hdr->next;
	}
	return NULL;
}

void *nvmu_vfio_query_info(int fd, unsigned long request, const void *query, size_t size)
{
	uint32_t need;
	void *info = malloc(size);

	if (!info)
		return NULL;
	memcpy(info, query, size);
	if (ioctl(fd, request, info) < 0)
		goto fail;
	/* Every info structure starts with argsz, where the kernel says how much it needs. */
	memcpy(&need, info, sizeof(need));
	if (need > size) {
		void *big = realloc(info, need);

		if (!big)
			goto fail;
		info = big;
		memset(info, 0, need);
		memcpy(info, query, size);
		memcpy(info, &need, sizeof(need));
		if (ioctl(fd, request, info) < 0)
			goto fail;
	}
	return info;
fail:
	free(info);
	return NULL;
}

/* The kernel may place capabilities at 4-byte offsets, so fields are copied out, never read
 * through a cast pointer. */
void nvmu_vfio_parse_region_caps(const struct vfio_region_info *info,
				 struct nvmu_vfio_region *r)
{
	const size_t areas_at = offsetof(struct vfio_region_info_cap_sparse_mmap, areas);
	const char *sp;
	uint32_t first, nr;
	size_t room;

	if (!(info->flags & VFIO_REGION_INFO_FLAG_CAPS))
		return;
	first = info->cap_offset;
	r->msix_mappable = nvmu_vfio_find_cap(info, info->argsz, first,
					      VFIO_REGION_INFO_CAP_MSIX_MAPPABLE,
					      sizeof(struct vfio_info_cap_header)) != NULL;
	sp = (const char *)nvmu_vfio_find_cap(info, info->argsz, first,
					      VFIO_REGION_INFO_CAP_SPARSE_MMAP, areas_at);
	if (!sp)
		return;
	memcpy(&nr, sp + offsetof(struct vfio_region_info_cap_sparse_mmap, nr_areas), sizeof(nr));
	room = info->argsz - (size_t)(sp - (const char *)info) - areas_at;
	for (uint32_t i = 0; i < nr && r->nr_sparse < NVMU_VFIO_MAX_SPARSE; i++) {
		struct vfio_region_sparse_mmap_area area;

		if ((i + 1) * sizeof(area) > room)
			/* The area list runs past the structure: trust none of the rest. */
			break;
		memcpy(&area, sp + areas_at + i * sizeof(area), sizeof(area));
		r->sparse[r->nr_sparse].offset = area.offset;
		r->sparse[r->nr_sparse].size = area.size;
		r->nr_sparse++;
	}
}
