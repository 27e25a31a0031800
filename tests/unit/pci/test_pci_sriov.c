/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for SR-IOV in the PCI layer on a fake sysfs/procfs tree: a PF's VFs
 * (virtfnN), sriov_numvfs and its refusals, vfio-pci's enable_sriov switch, and the
 * processes that have a function open through VFIO.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "fake_sysfs.h"
#include "nvmu/pci.h"

#define NVME_CLASS 0x010802
#define PF "0000:01:00.0"
#define VF "0000:01:00.1"
#define PLAIN "0000:00:10.0"
#define PARAM "sys/module/vfio_pci/parameters/enable_sriov"

/* A PF on vfio-pci (group 3) offering 2 VFs with VF 1 enabled (group 4), and a function
 * without SR-IOV. */
static void build_tree(struct fake *f)
{
	fake_init(f);
	fake_add_driver(f, "vfio-pci");
	fake_add_dev(f, PF, 0x1b36, 0x0010, NVME_CLASS, "vfio-pci", 3);
	fake_add_dev(f, VF, 0x1b36, 0x0010, NVME_CLASS, "vfio-pci", 4);
	fake_add_vf(f, VF, PF, 2, 1);
	fake_symlink(f, "sys/devices/pci0000:00/" PF "/virtfn0", "sys/devices/pci0000:00/" VF);
	fake_add_dev(f, PLAIN, 0x1b36, 0x0010, NVME_CLASS, "vfio-pci", 5);
}

TEST(vf_addresses_from_virtfn_links)
{
	char addr[NVMU_PCI_ADDR_LEN];
	struct fake f;

	build_tree(&f);
	CHECK_EQ(nvmu_pci_vf_addr("01:00.0", 0, addr), 0);
	CHECK(strcmp(addr, VF) == 0);
	CHECK_EQ(nvmu_pci_vf_addr(PF, 1, addr), -ENODEV);
	CHECK_STR_CONTAINS(nvmu_last_error(), PF " has no VF 2");
	fake_cleanup(&f);
}

TEST(numvfs_refusals_and_write)
{
	struct fake f;

	build_tree(&f);
	CHECK_EQ(nvmu_pci_set_numvfs(PF, 3), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), PF " offers 2 VFs; cannot enable 3");
	CHECK_EQ(nvmu_pci_set_numvfs(PLAIN, 1), -ENOTSUP);
	CHECK_STR_CONTAINS(nvmu_last_error(), PLAIN " is not SR-IOV capable");
	CHECK_EQ(nvmu_pci_set_numvfs(PF, 2), 0);
	CHECK(strcmp(fake_read(&f, "sys/devices/pci0000:00/" PF "/sriov_numvfs"), "2") == 0);
	fake_cleanup(&f);
}

TEST(enable_sriov_switch)
{
	struct fake f;
	bool on = true;

	build_tree(&f);
	CHECK_EQ(nvmu_pci_vfio_sriov_enabled(&on), -ENOENT);
	CHECK(!on);
	CHECK_STR_CONTAINS(nvmu_last_error(), "vfio-pci is not loaded");
	fake_write(&f, PARAM, "N\n");
	CHECK_EQ(nvmu_pci_vfio_sriov_enabled(&on), 0);
	CHECK(!on);
	CHECK_EQ(nvmu_pci_vfio_enable_sriov(), 0);
	CHECK(strcmp(fake_read(&f, PARAM), "Y") == 0);
	CHECK_EQ(nvmu_pci_vfio_sriov_enabled(&on), 0);
	CHECK(on);
	fake_cleanup(&f);
}

TEST(vfio_users_are_named)
{
	char msg[256];
	struct fake f;

	build_tree(&f);
	CHECK_EQ(nvmu_pci_vfio_users(VF, msg, sizeof(msg)), 0);
	CHECK(msg[0] == '\0');
	fake_write(&f, "proc/555/comm", "qemu-system-x86\n");
	fake_raw_link(&f, "proc/555/fd/0", "/dev/pts/0");
	fake_raw_link(&f, "proc/555/fd/7", "/dev/vfio/4");
	fake_write(&f, "proc/556/comm", "nvmu\n");
	fake_raw_link(&f, "proc/556/fd/5", "/dev/vfio/3"); /* the PF's group */
	fake_raw_link(&f, "proc/557/fd/9", "/dev/vfio/vfio"); /* a container only */
	CHECK_EQ(nvmu_pci_vfio_users(VF, msg, sizeof(msg)), 1);
	CHECK(strcmp(msg, "pid 555 (qemu-system-x86)") == 0);
	CHECK_EQ(nvmu_pci_vfio_users(PF, msg, sizeof(msg)), 1);
	CHECK(strcmp(msg, "pid 556 (nvmu)") == 0);
	CHECK_EQ(nvmu_pci_vfio_users("0000:09:00.0", msg, sizeof(msg)), -ENODEV);
	fake_cleanup(&f);
}

int main(void)
{
	static const struct check_test tests[] = {
		T(vf_addresses_from_virtfn_links), T(numvfs_refusals_and_write),
		T(enable_sriov_switch), T(vfio_users_are_named),
	};

	return check_run(tests, sizeof(tests) / sizeof(tests[0]));
}
