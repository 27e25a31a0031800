/* SPDX-License-Identifier: MIT */
/**
 * @file nvme_pcie.h
 * @brief The PCIe transport of the NVMe core: a controller bound to vfio-pci.
 *
 * Opens the device in a VFIO container of its own, turns on bus mastering, maps BAR0
 * (registers and doorbells), creates an IOMMU context and a DMA pool for queues, PRP
 * lists and data buffers, and connects MSI-X vectors to eventfds on request.
 */
#ifndef NVMU_NVME_PCIE_H
#define NVMU_NVME_PCIE_H

#include "nvmu/iommu.h"
#include "nvmu/nvme.h"
#include "nvmu/vfio.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options of nvmu_pcie_open(); zero-initialised (or NULL) means defaults. */
struct nvmu_pcie_opts {
	size_t opts_size; /**< sizeof(the structure) as built, or 0 (see support.h) */
	const char *vf_token;      /**< VF token for an SR-IOV VF whose PF is on vfio-pci */
	struct nvmu_dma_pool_config pool; /**< DMA pool settings (chunk size, limit, hugepages) */
};

/**
 * Open the NVMe controller at PCI address @p addr (bound to vfio-pci) as a transport for
 * nvmu_ctrl_open(). Returns 0 and sets *out, or a negative errno with a message (as
 * nvmu_vfio_open(), plus -ENOTSUP when BAR0's registers cannot be mapped).
 */
NVMU_API int nvmu_pcie_open(const char *addr, const struct nvmu_pcie_opts *opts,
			    struct nvmu_transport **out);

/** Close a transport from nvmu_pcie_open() (its controller must be closed first). */
NVMU_API void nvmu_pcie_close(struct nvmu_transport *t);

/** True if @p t is a PCIe transport (from nvmu_pcie_open()). */
NVMU_API bool nvmu_pcie_is(const struct nvmu_transport *t);

/** Returns the VFIO device behind a PCIe transport, for config space, reset and interrupts. */
NVMU_API struct nvmu_vfio_device *nvmu_pcie_vfio_device(struct nvmu_transport *t);

/** Returns the DMA pool of a PCIe transport, for data buffers that carry their IOVA. */
NVMU_API struct nvmu_dma_pool *nvmu_pcie_dma_pool(struct nvmu_transport *t);

/** Returns the IOMMU context of a PCIe transport, through which foreign buffers are mapped. */
NVMU_API struct nvmu_iommu *nvmu_pcie_iommu(struct nvmu_transport *t);

#ifdef __cplusplus
}
#endif
#endif
