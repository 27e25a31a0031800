/* SPDX-License-Identifier: MIT */
/* What the DMA pool needs from the IOMMU context beyond the public interface. */
#ifndef NVMU_SRC_IOMMU_IOMMU_INTERNAL_H
#define NVMU_SRC_IOMMU_IOMMU_INTERNAL_H

#include "nvmu/iommu.h"

/**
 * nvmu_iommu_map() that guarantees iova % @p modulus == vaddr % @p modulus, so every
 * alignment up to @p modulus inside the mapping holds for the IOVA too (@p modulus a power
 * of two; below the page size means the page size). Same returns as nvmu_iommu_map().
 */
int iommu_map_congruent(struct nvmu_iommu *iommu, void *vaddr, size_t len, unsigned prot,
			enum nvmu_map_kind kind, uint64_t modulus, uint64_t *iova);

#endif
