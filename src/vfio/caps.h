/* SPDX-License-Identifier: MIT */
/* Walking VFIO capability chains (region info, IOMMU info) without trusting them. */
#ifndef NVMU_VFIO_CAPS_H
#define NVMU_VFIO_CAPS_H

#include <linux/vfio.h>
#include <stddef.h>
#include <stdint.h>

#include "nvmu/vfio.h"

/*
 * Return the capability of @p id in the chain of an info structure of @p argsz bytes
 * whose first capability is at @p first (0 = none), with at least @p min_size bytes
 * inside the structure; NULL if absent. A chain that points outside the structure or
 * backwards ends the walk.
 */
const struct vfio_info_cap_header *nvmu_vfio_find_cap(const void *info, uint32_t argsz,
						      uint32_t first, uint16_t id, size_t min_size);

/*
 * Run a VFIO "get info" ioctl whose answer may carry capabilities: @p query (of
 * @p size bytes, with argsz and any input fields set) is sent once, and again with the
 * larger argsz the kernel asked for. Returns the malloc'd answer (free() it), or NULL
 * with errno set.
 */
void *nvmu_vfio_query_info(int fd, unsigned long request, const void *query, size_t size);

/* Fill the sparse areas and MSI-X mappability of @p r from a region info's caps. */
void nvmu_vfio_parse_region_caps(const struct vfio_region_info *info, struct nvmu_vfio_region *r);

#endif
