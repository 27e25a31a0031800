/* SPDX-License-Identifier: MIT */
/* Reading a region info's capabilities, inside the vfio layer. The generic query and
 * chain walk (nvmu_vfio_query_info(), nvmu_vfio_find_cap()) are in nvmu/vfio.h. */
#ifndef NVMU_VFIO_CAPS_H
#define NVMU_VFIO_CAPS_H

#include <linux/vfio.h>

#include "nvmu/vfio.h"

/* Fill the sparse areas and MSI-X mappability of @p r from the capabilities of a region
 * info. A malformed chain is read as far as it is sound, never past argsz. */
void nvmu_vfio_parse_region_caps(const struct vfio_region_info *info,
				 struct nvmu_vfio_region *r);

#endif
