/* SPDX-License-Identifier: MIT */
/* Walking VFIO capability chains (region info, IOMMU info) without trusting them. */
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
			break; /* a chain must move forward; never loop */
		off = hdr->next;
	}
	return NULL;
}

void nvmu_vfio_parse_region_caps(const struct vfio_region_info *info, struct nvmu_vfio_region *r)
{
	const struct vfio_region_info_cap_sparse_mmap *sp;
	uint32_t first;

	if (!(info->flags & VFIO_REGION_INFO_FLAG_CAPS))
		return;
	first = info->cap_offset;
	r->msix_mappable = nvmu_vfio_find_cap(info, info->argsz, first,
					      VFIO_REGION_INFO_CAP_MSIX_MAPPABLE,
					      sizeof(struct vfio_info_cap_header)) != NULL;
	sp = (const void *)nvmu_vfio_find_cap(info, info->argsz, first,
					      VFIO_REGION_INFO_CAP_SPARSE_MMAP, sizeof(*sp));
	if (!sp)
		return;
	for (uint32_t i = 0; i < sp->nr_areas && r->nr_sparse < NVMU_VFIO_MAX_SPARSE; i++) {
		size_t end = (size_t)((const char *)&sp->areas[i + 1] - (const char *)info);

		if (end > info->argsz)
			break; /* the area list runs past the structure */
		r->sparse[r->nr_sparse].offset = sp->areas[i].offset;
		r->sparse[r->nr_sparse].size = sp->areas[i].size;
		r->nr_sparse++;
	}
}
