/* SPDX-License-Identifier: MIT */
/*
 * The registry's "pcie" class: which device strings reach the PCIe transport (a PCI
 * address, with or without "pcie:"), and why a kernel NVMe device (/dev/nvme0) does not:
 * the kernel driver owns it, so the message says which function to bind instead.
 */
#include <errno.h>

#include "nvmu/nvme_pcie.h"
#include "nvmu/pci.h"
#include "pcie_share.h"
#include "transport/registry.h"

/* A bare PCI address or kernel NVMe device is the PCIe class's without "pcie:". */
static bool pcie_claims(const char *dev)
{
	char addr[NVMU_PCI_ADDR_LEN];

	return nvmu_pci_is_addr(dev, addr) || nvmu_pci_is_kernel_nvme(dev);
}

/* Refuse kernel NVMe device @p dev, naming its PCI function, driver and how to bind it. */
static int refuse_kernel_device(const char *dev)
{
	char addr[NVMU_PCI_ADDR_LEN], ctrl[NVMU_PCI_NAME_LEN];
	struct nvmu_pci_dev pd;
	int ret = nvmu_pci_kernel_nvme_addr(dev, addr, ctrl);

	if (ret < 0)
		return ret;
	if (nvmu_pci_get(addr, &pd) < 0)
		pd.driver[0] = '\0';
	return nvmu_fail(EBUSY, "%s is NVMe controller %s at PCI address %s, bound to %s%s: "
			 "nvmu drives controllers bound to vfio-pci, so run 'nvmu bind %s' (this "
			 "takes it away from the kernel), then use %s as the device", dev, ctrl,
			 addr,
			 pd.driver[0] ? "the kernel driver " : "no driver",
			 pd.driver, addr, addr);
}

static int pcie_class_open(const char *rest, const struct nvmu_transport_open_opts *opts,
			   struct nvmu_transport **out)
{
	struct nvmu_pcie_opts po = { 0 };
	char addr[NVMU_PCI_ADDR_LEN];

	if (nvmu_pci_is_kernel_nvme(rest))
		return refuse_kernel_device(rest);
	if (nvmu_pci_parse_addr(rest, addr) < 0)
		return -EINVAL; /* the message says what a PCI address looks like */
	if (opts) {
		po.vf_token = opts->vf_token;
		po.pool = opts->pool;
	}
	return nvmu_pcie_open(addr, &po, out);
}

const struct nvmu_transport_class nvmu_transport_pcie_class = {
	.name = "pcie",
	.forms = "0000:01:00.0, 01:00.0, pcie:ADDR",
	.description = "a PCIe controller bound to vfio-pci ('nvmu bind ADDR' first)",
	.claims = pcie_claims,
	.open = pcie_class_open,
	.share_key = pcie_share_key,
};
