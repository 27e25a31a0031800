/* SPDX-License-Identifier: MIT */
/* Internal state of the VFIO layer, shared by its files. */
#ifndef NVMU_VFIO_INTERNAL_H
#define NVMU_VFIO_INTERNAL_H

#include <signal.h>

#include "nvmu/pci.h"
#include "nvmu/vfio.h"

#define NVMU_VFIO_MAX_GROUPS 64
#define NVMU_VFIO_NR_BARS 6

struct nvmu_vfio_group {
	int number;
	int fd;
	int users; /* the devices opened through this group */
};

struct nvmu_vfio_container {
	int fd;
	bool iommu_set;
	struct nvmu_vfio_group groups[NVMU_VFIO_MAX_GROUPS];
	int ngroups;
};

struct nvmu_vfio_bar_map {
	void *base;
	size_t size;
	struct nvmu_vfio_region region;
};

struct nvmu_vfio_device {
	struct nvmu_vfio_container *container;
	struct nvmu_vfio_group *group;
	char addr[NVMU_PCI_ADDR_LEN];
	int fd;
	uint32_t flags;       /* VFIO_DEVICE_FLAGS_* */
	uint32_t num_regions;
	uint32_t num_irqs;
	uint64_t config_offset;
	/* One bit per IRQ index that has vectors connected, so close can disconnect them. */
	uint32_t irqs_enabled;
	/* Set by the MMIO guard's signal handler when a BAR mapping died. */
	volatile sig_atomic_t mmio_lost;
	struct nvmu_vfio_bar_map bars[NVMU_VFIO_NR_BARS];
};

/* Take one more user of group @number, opening it and attaching it to the container on
 * first use, and set *out. Returns 0, -ENOSPC if the container holds too many groups, or
 * the error of opening or attaching the group. */
int nvmu_vfio_group_get(struct nvmu_vfio_container *c, int number,
			struct nvmu_vfio_group **out);
/* Drop one user of a group; the last one detaches and closes it. */
void nvmu_vfio_group_put(struct nvmu_vfio_container *c, struct nvmu_vfio_group *g);
/* Explain in the thread's error message why group @number is not viable, naming the
 * devices on other drivers. Returns -EPERM. */
int nvmu_vfio_explain_not_viable(int number);

#endif
