/* SPDX-License-Identifier: MIT */
/* Explanations for VFIO refusals that name the devices involved. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nvmu/pci.h"
#include "vfio/vfio_internal.h"

/* VFIO accepts group members on a vfio driver, pci-stub, or no driver at all. */
static bool blocks_viability(const struct nvmu_pci_dev *dev)
{
	return dev->driver[0] && strcmp(dev->driver, "vfio-pci") != 0 &&
	       strcmp(dev->driver, "pci-stub") != 0;
}

int nvmu_vfio_explain_not_viable(int number)
{
	struct nvmu_pci_dev *devs = NULL;
	char list[768] = "";
	size_t n = 0, len = 0;

	if (nvmu_pci_group_devices(number, &devs, &n) < 0 || n == 0)
		return nvmu_fail(EPERM, "IOMMU group %d is not viable: every device in it must be "
				 "bound to vfio-pci or to no driver", number);
	for (size_t i = 0; i < n && len < sizeof(list) - 1; i++) {
		if (!blocks_viability(&devs[i]))
			continue;
		int w = snprintf(list + len, sizeof(list) - len, "%s%s (driver %s)",
				 len ? ", " : "", devs[i].addr, devs[i].driver);
		if (w < 0)
			break;
		len += (size_t)w;
	}
	nvmu_pci_free_list(devs);
	return nvmu_fail(EPERM, "IOMMU group %d is not viable: it also holds %s. Every device "
			 "of a group must be on vfio-pci or no driver: bind them too ('nvmu "
			 "bind ADDR'), unbind them, or move the device to a slot with a group "
			 "of its own", number, len ? list : "devices on other drivers");
}
