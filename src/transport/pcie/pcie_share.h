/* SPDX-License-Identifier: MIT */
/* The PCIe transport's part in sharing a controller (pcie_share.c; not a public interface). */
#ifndef NVMU_SRC_TRANSPORT_PCIE_PCIE_SHARE_H
#define NVMU_SRC_TRANSPORT_PCIE_PCIE_SHARE_H

#include <pthread.h>

#include "nvmu/transport.h"

/* Taken around every change of a PCIe transport's IOMMU mappings made through the
 * transport (its DMA pool, and other processes' windows mapped from the sharing thread),
 * since the IOMMU context has no lock of its own. */
extern pthread_mutex_t pcie_iommu_lock;

int pcie_map_peer(struct nvmu_transport *t, void *vaddr, size_t len, uint64_t *iova);
void pcie_unmap_peer(struct nvmu_transport *t, void *vaddr, uint64_t iova);
int pcie_doorbell_fd(struct nvmu_transport *t, int *fd, uint64_t *offset, size_t *len);
/* The class's share_key: "pci-DDDD:BB:DD.F" for a PCI address. */
int pcie_share_key(const char *rest, char *key, size_t len);

#endif
