/* SPDX-License-Identifier: MIT */
/* Discovery. A PCI function's identity and relations are read from sysfs, which is also
 * where the lists of NVMe functions and of IOMMU group members come from. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "nvmu/pci.h"
#include "pci/pcifs.h"

/* Returns <device>/<attr> read as a number, or @p fallback if the attribute is missing or
 * unreadable. Some attributes exist only on some devices (sriov_* only on SR-IOV capable
 * ones), and their absence is no reason to fail. */
static long dev_attr_long(const char *addr, const char *attr, long fallback)
{
	char path[PATH_MAX];
	long v;

	if (pcifs_sys_path(path, "/bus/pci/devices/%s/%s", addr, attr) ||
	    pcifs_read_long(path, &v))
		return fallback;
	return v;
}

/* Put the last component of the target of symlink <device>/<link> in @p buf, or "" if the
 * link is absent. */
static void dev_link_name(const char *addr, const char *link, char *buf, size_t len)
{
	char path[PATH_MAX];

	buf[0] = '\0';
	if (pcifs_sys_path(path, "/bus/pci/devices/%s/%s", addr, link) ||
	    pcifs_link_name(path, buf, len))
		buf[0] = '\0';
}

/* Put the first controller under <device>/nvme/ ("nvme0") in @p buf. The folder exists
 * only while the kernel nvme driver owns the device; otherwise @p buf gets "". */
static void dev_nvme_ctrl(const char *addr, char *buf, size_t len)
{
	char path[PATH_MAX];
	char **names;
	size_t n;

	buf[0] = '\0';
	if (pcifs_sys_path(path, "/bus/pci/devices/%s/nvme", addr) ||
	    pcifs_list_dir(path, &names, &n))
		return;
	if (n && strlen(names[0]) < len)
		strcpy(buf, names[0]);
	pcifs_free_names(names, n);
}

/* Fill *dev for a normalised address known to exist in sysfs. Missing attributes get
 * neutral values rather than failing the read. */
static void read_dev(const char *addr, struct nvmu_pci_dev *dev)
{
	char group[32];

	memset(dev, 0, sizeof(*dev));
	strcpy(dev->addr, addr);
	dev->vendor = (uint16_t)dev_attr_long(addr, "vendor", 0xffff);
	dev->device = (uint16_t)dev_attr_long(addr, "device", 0xffff);
	dev->subsystem_vendor = (uint16_t)dev_attr_long(addr, "subsystem_vendor", 0);
	dev->subsystem_device = (uint16_t)dev_attr_long(addr, "subsystem_device", 0);
	dev->class_code = (uint32_t)dev_attr_long(addr, "class", 0) & 0xffffff;
	dev->revision = (uint8_t)dev_attr_long(addr, "revision", 0);
	dev->numa_node = (int)dev_attr_long(addr, "numa_node", -1);
	dev->sriov_totalvfs = (int)dev_attr_long(addr, "sriov_totalvfs", 0);
	dev->sriov_numvfs = (int)dev_attr_long(addr, "sriov_numvfs", 0);
	dev_link_name(addr, "driver", dev->driver, sizeof(dev->driver));
	dev_link_name(addr, "iommu_group", group, sizeof(group));
	dev->iommu_group = group[0] ? atoi(group) : -1;
	dev_link_name(addr, "physfn", dev->physfn, sizeof(dev->physfn));
	dev->is_vf = dev->physfn[0] != '\0';
	if (!strcmp(dev->driver, "nvme"))
		dev_nvme_ctrl(addr, dev->nvme_ctrl, sizeof(dev->nvme_ctrl));
}

int nvmu_pci_get(const char *addr, struct nvmu_pci_dev *dev)
{
	char norm[NVMU_PCI_ADDR_LEN];
	char path[PATH_MAX];
	int ret = nvmu_pci_parse_addr(addr, norm);

	if (ret)
		return ret;
	ret = pcifs_sys_path(path, "/bus/pci/devices/%s", norm);
	if (ret)
		return nvmu_fail(-ret, "sysfs path of %s is too long", norm);
	if (!pcifs_exists(path))
		return nvmu_fail(ENODEV, "no PCI device %s (run 'nvmu list' to see NVMe devices)",
				 norm);
	read_dev(norm, dev);
	return 0;
}

/* Read every function named in folder @p path that @p keep accepts (all if @p keep is NULL)
 * into a new array. Returns 0, or the negative errno of listing the folder, or -ENOMEM;
 * the callers write the message. */
static int read_devs_in(const char *path, bool (*keep)(const struct nvmu_pci_dev *),
			struct nvmu_pci_dev **devs, size_t *n)
{
	struct nvmu_pci_dev *out = NULL;
	char **names;
	size_t count, kept = 0;
	int ret = pcifs_list_dir(path, &names, &count);

	*devs = NULL;
	*n = 0;
	if (ret)
		return ret;
	if (count) {
		out = calloc(count, sizeof(*out));
		if (!out) {
			pcifs_free_names(names, count);
			return -ENOMEM;
		}
	}
	for (size_t i = 0; i < count; i++) {
		char addr[NVMU_PCI_ADDR_LEN];

		/* Skip names that are not device addresses. A device that vanished after the
		 * listing reads as vendor 0xffff and class 0, so the NVMe list leaves it out. */
		if (pcifs_normalise_addr(names[i], addr) || strcmp(addr, names[i]))
			continue;
		read_dev(addr, &out[kept]);
		if (!keep || keep(&out[kept]))
			kept++;
	}
	pcifs_free_names(names, count);
	if (!kept) {
		free(out);
		out = NULL;
	}
	*devs = out;
	*n = kept;
	return 0;
}

static bool is_nvme(const struct nvmu_pci_dev *dev)
{
	return dev->class_code >> 8 == NVMU_PCI_CLASS_NVME;
}

int nvmu_pci_list_nvme(struct nvmu_pci_dev **devs, size_t *n)
{
	char path[PATH_MAX];
	int ret = pcifs_sys_path(path, "/bus/pci/devices");

	if (!ret)
		ret = read_devs_in(path, is_nvme, devs, n);
	if (ret == -ENOMEM)
		return nvmu_fail(ENOMEM, "out of memory listing PCI devices");
	if (ret)
		return nvmu_fail(-ret, "cannot list PCI devices in %s: %s (is sysfs mounted?)",
				 path, strerror(-ret));
	return 0;
}

int nvmu_pci_group_devices(int group, struct nvmu_pci_dev **devs, size_t *n)
{
	char path[PATH_MAX];
	int ret = pcifs_sys_path(path, "/kernel/iommu_groups/%d/devices", group);

	if (!ret)
		ret = read_devs_in(path, NULL, devs, n);
	if (ret == -ENOMEM)
		return nvmu_fail(ENOMEM, "out of memory listing IOMMU group %d", group);
	if (ret)
		return nvmu_fail(ENOENT, "no IOMMU group %d (%s: %s)", group, path, strerror(-ret));
	return 0;
}

void nvmu_pci_free_list(struct nvmu_pci_dev *devs)
{
	free(devs);
}

bool nvmu_pci_driver_loaded(const char *name)
{
	char path[PATH_MAX];

	return !pcifs_sys_path(path, "/bus/pci/drivers/%s", name) && pcifs_exists(path);
}
