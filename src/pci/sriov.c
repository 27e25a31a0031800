/* SPDX-License-Identifier: MIT */
/*
 * SR-IOV through sysfs: the VFs of a PF (virtfnN links), turning VFs on and off
 * (sriov_numvfs), vfio-pci's enable_sriov switch, and which processes have a function
 * open through VFIO (its /dev/vfio/<group> node in their file table).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nvmu/pci.h"
#include "pci/pcifs.h"

#define ENABLE_SRIOV_PARAM "/module/vfio_pci/parameters/enable_sriov"

int nvmu_pci_vf_addr(const char *pf, unsigned index, char addr[NVMU_PCI_ADDR_LEN])
{
	char norm[NVMU_PCI_ADDR_LEN], path[PATH_MAX], name[NVMU_PCI_NAME_LEN];
	int ret = nvmu_pci_parse_addr(pf, norm);

	if (ret < 0)
		return ret;
	if (pcifs_sys_path(path, "/bus/pci/devices/%s/virtfn%u", norm, index) ||
	    pcifs_link_name(path, name, sizeof(name)) ||
	    pcifs_normalise_addr(name, addr))
		return nvmu_fail(ENODEV, "%s has no VF %u (VFs enabled: see its sriov_numvfs)",
				 norm, index + 1);
	return 0;
}

int nvmu_pci_vfio_sriov_enabled(bool *on)
{
	char path[PATH_MAX], val[8];

	*on = false;
	if (pcifs_sys_path(path, "%s", ENABLE_SRIOV_PARAM) || pcifs_read_text(path, val, sizeof(val)))
		return nvmu_fail(ENOENT, "vfio-pci is not loaded, or too old for SR-IOV (no %s)",
				 path);
	*on = val[0] == 'Y' || val[0] == '1';
	return 0;
}

int nvmu_pci_vfio_enable_sriov(void)
{
	bool on;
	int ret = nvmu_pci_vfio_sriov_enabled(&on);

	if (ret < 0 || on)
		return ret;
	ret = pcifs_write_sys(ENABLE_SRIOV_PARAM, "Y");
	if (ret < 0)
		return nvmu_fail(-ret, "cannot turn on vfio-pci's enable_sriov (%s): %s; load "
				 "vfio-pci with enable_sriov=1", ENABLE_SRIOV_PARAM, strerror(-ret));
	nvmu_log(NVMU_LOG_INFO, "turned on vfio-pci's enable_sriov parameter");
	return 0;
}

int nvmu_pci_set_numvfs(const char *pf, int n)
{
	char norm[NVMU_PCI_ADDR_LEN], rel[PATH_MAX], val[16];
	struct nvmu_pci_dev dev;
	int ret = nvmu_pci_get(pf, &dev);

	if (ret < 0)
		return ret;
	strcpy(norm, dev.addr);
	if (dev.sriov_totalvfs <= 0)
		return nvmu_fail(ENOTSUP, "%s is not SR-IOV capable (no sriov_totalvfs)", norm);
	if (n < 0 || n > dev.sriov_totalvfs)
		return nvmu_fail(EINVAL, "%s offers %d VFs; cannot enable %d", norm,
				 dev.sriov_totalvfs, n);
	snprintf(rel, sizeof(rel), "/bus/pci/devices/%s/sriov_numvfs", norm);
	snprintf(val, sizeof(val), "%d", n);
	ret = pcifs_write_sys(rel, val);
	if (ret == 0)
		return 0;
	if (ret == -ENOENT && !strcmp(dev.driver, "vfio-pci"))
		return nvmu_fail(ENOENT, "vfio-pci refused to enable VFs on %s: load vfio-pci "
				 "with enable_sriov=1 (or write Y to /sys%s)", norm,
				 ENABLE_SRIOV_PARAM);
	if (ret == -EBUSY && n)
		return nvmu_fail(EBUSY, "%s already has %d VFs enabled: disable them first", norm,
				 dev.sriov_numvfs);
	return nvmu_fail(-ret, "cannot write %d to sriov_numvfs of %s: %s", n, norm,
			 strerror(-ret));
}

/* True if process @p pid has the device node @p node open. */
static bool holds(const char *pid, const char *node)
{
	char dir[PATH_MAX], path[PATH_MAX], target[PATH_MAX];
	char **names;
	size_t n;
	bool found = false;

	if (pcifs_proc_path(dir, "/%s/fd", pid) || pcifs_list_dir(dir, &names, &n))
		return false;
	for (size_t i = 0; i < n && !found; i++) {
		ssize_t r;

		if (pcifs_proc_path(path, "/%s/fd/%s", pid, names[i]) ||
		    (r = readlink(path, target, sizeof(target) - 1)) <= 0)
			continue;
		target[r] = '\0';
		found = !strcmp(target, node);
	}
	pcifs_free_names(names, n);
	return found;
}

int nvmu_pci_vfio_users(const char *addr, char *msg, size_t len)
{
	char path[PATH_MAX], node[64], self[16], comm[32];
	struct nvmu_pci_dev dev;
	char **names;
	size_t n, used = 0;
	int ret = nvmu_pci_get(addr, &dev), users = 0;

	if (msg && len)
		msg[0] = '\0';
	if (ret < 0)
		return ret;
	if (dev.iommu_group < 0)
		return 0;
	snprintf(node, sizeof(node), "/dev/vfio/%d", dev.iommu_group);
	snprintf(self, sizeof(self), "%d", (int)getpid());
	if (pcifs_proc_path(path, "/") || pcifs_list_dir(path, &names, &n))
		return nvmu_fail(ENOENT, "cannot list the processes in %s", path);
	for (size_t i = 0; i < n; i++) {
		if (!pcifs_is_pid(names[i]) || !strcmp(names[i], self) || !holds(names[i], node))
			continue;
		pcifs_process_name(names[i], comm, sizeof(comm));
		if (msg && used < len)
			used += (size_t)snprintf(msg + used, len - used, "%spid %s (%s)",
						 users ? ", " : "", names[i], comm);
		users++;
	}
	pcifs_free_names(names, n);
	return users;
}
