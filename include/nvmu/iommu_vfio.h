/* SPDX-License-Identifier: MIT */
/**
 * @file iommu_vfio.h
 * @brief The VFIO type1 IOMMU backend: an nvmu_iommu over a VFIO container.
 */
#ifndef NVMU_IOMMU_VFIO_H
#define NVMU_IOMMU_VFIO_H

#include "nvmu/iommu.h"
#include "nvmu/vfio.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Create an IOMMU context over container @p c (which must have a device open, so the
 * type1 IOMMU is set). Its IOVA space comes from VFIO's IOVA-range capability, its page
 * size from the supported page sizes, and its mapping limit from the DMA-available
 * capability. A mapping that fails for lack of locked memory says which limit to raise.
 * Destroy it with nvmu_iommu_destroy() before closing the container. Returns 0 and sets
 * *out; -EINVAL if no device is open in the container yet, the errno of the
 * VFIO_IOMMU_GET_INFO ioctl (-ENOMEM if its answer cannot be stored), or the error of
 * nvmu_iommu_create().
 */
NVMU_API int nvmu_iommu_open_vfio(struct nvmu_vfio_container *c, struct nvmu_iommu **out);

#ifdef __cplusplus
}
#endif
#endif
