/* SPDX-License-Identifier: MIT */
/* Opening and closing a vfio-pci device, with errors that say what to do. */
#include <errno.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "nvmu/pci.h"
#include "support/opts.h"
#include "vfio/vfio_internal.h"

/* Check, before touching VFIO, that the device exists, is on vfio-pci and has a group. */
static int check_device(const char *addr, struct nvmu_pci_dev *pci)
{
	int ret = nvmu_pci_get(addr, pci);

	if (ret < 0)
		return ret;
	if (pci->iommu_group < 0)
		return nvmu_fail(ENODEV, "%s has no IOMMU group: the IOMMU is off. Enable VT-d "
				 "(Intel) or AMD-Vi in the firmware and boot Linux with "
				 "intel_iommu=on (or amd_iommu=on)", addr);
	if (strcmp(pci->driver, "vfio-pci") != 0) {
		if (pci->driver[0] == '\0')
			return nvmu_fail(EBUSY, "%s is not bound to any driver: run 'nvmu bind %s' "
					 "to give it to vfio-pci", addr, addr);
		return nvmu_fail(EBUSY, "%s is bound to the %s driver, not vfio-pci: run "
				 "'nvmu bind %s' first (the kernel then stops using it)", addr,
				 pci->driver, addr);
	}
	return 0;
}

/* Returns the device fd from the group, or a negative errno with a message. -EACCES means
 * a VF whose PF is on vfio-pci was opened without the PF's VF token, or with another. */
static int get_device_fd(struct nvmu_vfio_group *g, const char *addr, const char *vf_token)
{
	char name[128];
	int fd;

	if (vf_token)
		snprintf(name, sizeof(name), "%s vf_token=%s", addr, vf_token);
	else
		snprintf(name, sizeof(name), "%s", addr);
	fd = ioctl(g->fd, VFIO_GROUP_GET_DEVICE_FD, name);
	if (fd >= 0)
		return fd;
	switch (errno) {
	case EBUSY:
		return nvmu_fail(EBUSY, "%s is already open (through VFIO, by this or another "
				 "process)", addr);
	case EACCES:
		if (!vf_token)
			return nvmu_fail(EACCES, "VFIO refused %s: it is an SR-IOV VF whose PF is "
					 "on vfio-pci, so it needs the PF's VF token (vf_token)",
					 addr);
		return nvmu_fail(EACCES, "VFIO refused %s with the given VF token (it must match "
				 "the token set on the PF)", addr);
	default:
		return nvmu_fail(errno, "VFIO_GROUP_GET_DEVICE_FD %s: %s", addr, strerror(errno));
	}
}

/* Read the device's flags, region and IRQ counts, and where its config space lies in the
 * device fd. Returns 0, -ENOTSUP if it is not a PCI device, or the errno of an ioctl. */
static int read_device_info(struct nvmu_vfio_device *d)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_region_info cfg = { .argsz = sizeof(cfg),
					.index = VFIO_PCI_CONFIG_REGION_INDEX };

	if (ioctl(d->fd, VFIO_DEVICE_GET_INFO, &info) < 0)
		return nvmu_fail(errno, "VFIO_DEVICE_GET_INFO %s: %s", d->addr, strerror(errno));
	if (!(info.flags & VFIO_DEVICE_FLAGS_PCI))
		return nvmu_fail(ENOTSUP, "%s is not a VFIO PCI device", d->addr);
	d->flags = info.flags;
	d->num_regions = info.num_regions;
	d->num_irqs = info.num_irqs;
	if (ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, &cfg) < 0)
		return nvmu_fail(errno, "cannot find the config space of %s: %s", d->addr,
				 strerror(errno));
	d->config_offset = cfg.offset;
	return 0;
}

int nvmu_vfio_device_open(struct nvmu_vfio_container *c, const char *addr,
			  const struct nvmu_vfio_device_opts *user_opts,
			  struct nvmu_vfio_device **out)
{
	struct nvmu_vfio_device_opts o;
	const struct nvmu_vfio_device_opts *opts = OPTS_COPY(o, user_opts);
	struct nvmu_pci_dev pci;
	struct nvmu_vfio_device *d;
	char norm[NVMU_PCI_ADDR_LEN];
	int ret;

	ret = nvmu_pci_parse_addr(addr, norm);
	if (ret < 0)
		return ret;
	ret = check_device(norm, &pci);
	if (ret < 0)
		return ret;
	d = calloc(1, sizeof(*d));
	if (!d)
		return nvmu_fail(ENOMEM, "out of memory");
	d->container = c;
	d->fd = -1;
	snprintf(d->addr, sizeof(d->addr), "%s", norm);
	ret = nvmu_vfio_group_get(c, pci.iommu_group, &d->group);
	if (ret < 0)
		goto fail;
	ret = get_device_fd(d->group, norm, opts->vf_token);
	if (ret < 0)
		goto fail;
	d->fd = ret;
	ret = read_device_info(d);
	if (ret < 0)
		goto fail;
	*out = d;
	return 0;
fail:
	nvmu_vfio_device_close(d);
	return ret;
}

int nvmu_vfio_open(const char *addr, const struct nvmu_vfio_device_opts *opts,
		   struct nvmu_vfio_container **container, struct nvmu_vfio_device **out)
{
	struct nvmu_pci_dev pci;
	char norm[NVMU_PCI_ADDR_LEN];
	int ret;

	ret = nvmu_pci_parse_addr(addr, norm);
	if (ret == 0)
		ret = check_device(norm, &pci);
	if (ret == 0)
		ret = nvmu_vfio_container_open(container);
	if (ret < 0)
		return ret;
	ret = nvmu_vfio_device_open(*container, norm, opts, out);
	if (ret < 0) {
		nvmu_vfio_container_close(*container);
		*container = NULL;
	}
	return ret;
}

void nvmu_vfio_device_close(struct nvmu_vfio_device *d)
{
	if (!d)
		return;
	for (uint32_t i = 0; i <= NVMU_VFIO_IRQ_REQ; i++)
		if (d->irqs_enabled & (1u << i))
			nvmu_vfio_irq_disable(d, i);
	for (unsigned bar = 0; bar < NVMU_VFIO_NR_BARS; bar++)
		nvmu_vfio_unmap_bar(d, bar);
	if (d->fd >= 0)
		close(d->fd);
	if (d->group)
		nvmu_vfio_group_put(d->container, d->group);
	free(d);
}

const char *nvmu_vfio_device_addr(const struct nvmu_vfio_device *d)
{
	return d->addr;
}

int nvmu_vfio_device_fd(const struct nvmu_vfio_device *d)
{
	return d->fd;
}

int nvmu_vfio_device_group(const struct nvmu_vfio_device *d)
{
	return d->group->number;
}

bool nvmu_vfio_can_reset(const struct nvmu_vfio_device *d)
{
	return d->flags & VFIO_DEVICE_FLAGS_RESET;
}

int nvmu_vfio_reset(struct nvmu_vfio_device *d)
{
	if (!nvmu_vfio_can_reset(d))
		return nvmu_fail(ENOTSUP, "VFIO cannot reset %s (no FLR or other reset method)",
				 d->addr);
	if (ioctl(d->fd, VFIO_DEVICE_RESET) < 0)
		return nvmu_fail(errno, "reset of %s failed: %s", d->addr, strerror(errno));
	return 0;
}

int nvmu_vfio_set_vf_token(struct nvmu_vfio_device *pf, const char *uuid_text)
{
	uint8_t raw[sizeof(struct vfio_device_feature) + 16] __attribute__((aligned(8))) = { 0 };
	struct vfio_device_feature *feat = (struct vfio_device_feature *)raw;
	unsigned v[16];

	if (!uuid_text || sscanf(uuid_text, "%2x%2x%2x%2x-%2x%2x-%2x%2x-%2x%2x-%2x%2x%2x%2x%2x%2x",
				 &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8],
				 &v[9], &v[10], &v[11], &v[12], &v[13], &v[14], &v[15]) != 16)
		return nvmu_fail(EINVAL, "'%s' is not a UUID (expected xxxxxxxx-xxxx-xxxx-xxxx-"
				 "xxxxxxxxxxxx)", uuid_text ? uuid_text : "(null)");
	for (int i = 0; i < 16; i++)
		feat->data[i] = (uint8_t)v[i];
	feat->argsz = sizeof(raw);
	feat->flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN;
	if (ioctl(pf->fd, VFIO_DEVICE_FEATURE, feat) < 0)
		return nvmu_fail(errno, "cannot set the VF token on %s: %s%s", pf->addr,
				 strerror(errno), errno == ENOTTY || errno == EINVAL ?
				 " (load vfio-pci with enable_sriov=1)" : "");
	return 0;
}
