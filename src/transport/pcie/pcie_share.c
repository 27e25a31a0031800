/* SPDX-License-Identifier: MIT */
/* What processes sharing a PCIe controller need (src/transport/shared/): their windows
 * mapped through the primary's IOMMU context, and the VFIO device fd with the place of
 * the doorbells in it, which they mmap to ring their own queues. */
#include <errno.h>
#include <stdio.h>

#include "nvmu/nvme_pcie.h"
#include "nvmu/pci.h"
#include "nvmu/vfio.h"
#include "pcie_share.h"

#define DOORBELLS 0x1000u

pthread_mutex_t pcie_iommu_lock = PTHREAD_MUTEX_INITIALIZER;

int pcie_map_peer(struct nvmu_transport *t, void *vaddr, size_t len, uint64_t *iova)
{
	int ret;

	pthread_mutex_lock(&pcie_iommu_lock);
	ret = nvmu_iommu_map(nvmu_pcie_iommu(t), vaddr, len, NVMU_DMA_RW, NVMU_MAP_FIXED, iova);
	pthread_mutex_unlock(&pcie_iommu_lock);
	return ret;
}

void pcie_unmap_peer(struct nvmu_transport *t, void *vaddr, uint64_t iova)
{
	(void)iova;
	pthread_mutex_lock(&pcie_iommu_lock);
	if (nvmu_iommu_unmap(nvmu_pcie_iommu(t), vaddr) < 0)
		nvmu_log(NVMU_LOG_WARN, "%s: unmapping another process's DMA window: %s", t->name,
			 nvmu_last_error());
	pthread_mutex_unlock(&pcie_iommu_lock);
}

int pcie_doorbell_fd(struct nvmu_transport *t, int *fd, uint64_t *offset, size_t *len)
{
	struct nvmu_vfio_device *dev = nvmu_pcie_vfio_device(t);
	struct nvmu_vfio_region r;
	uint64_t end = 0;
	int ret = nvmu_vfio_region_info(dev, NVMU_VFIO_BAR0, &r);

	if (ret < 0)
		return ret;
	/* The mmappable area that holds the doorbells (QEMU keeps its MSI-X table in BAR0,
	 * outside every such area). */
	if (r.mmappable && r.nr_sparse == 0)
		end = r.size;
	for (uint32_t i = 0; i < r.nr_sparse; i++)
		if (r.sparse[i].offset <= DOORBELLS &&
		    DOORBELLS < r.sparse[i].offset + r.sparse[i].size)
			end = r.sparse[i].offset + r.sparse[i].size;
	if (end <= DOORBELLS)
		return nvmu_fail(ENOTSUP, "%s: BAR0's doorbells cannot be mmapped through VFIO",
				 t->name);
	*fd = nvmu_vfio_device_fd(dev);
	*offset = r.offset + DOORBELLS;
	*len = (size_t)(end - DOORBELLS);
	return 0;
}

int pcie_share_key(const char *rest, char *key, size_t len)
{
	char addr[NVMU_PCI_ADDR_LEN];

	if (nvmu_pci_is_kernel_nvme(rest) || nvmu_pci_parse_addr(rest, addr) < 0)
		return 0; /* refused by the class's open, with the reason */
	snprintf(key, len, "pci-%s", addr);
	return 1;
}
