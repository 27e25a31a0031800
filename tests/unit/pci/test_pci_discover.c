/* SPDX-License-Identifier: MIT */
/* Unit tests for sysfs discovery: device attributes, NVMe listing, SR-IOV relations, IOMMU groups. */
#include <errno.h>

#include "check.h"
#include "fake_sysfs.h"
#include "nvmu/pci.h"

#define NVME_CLASS 0x010802
#define NET_CLASS 0x020000

/* Two NVMe PFs (one with a VF), a NIC sharing group 3 with the first, a device without IOMMU group. */
static void build_tree(struct fake *f)
{
	fake_add_dev(f, "0000:00:10.0", 0x1b36, 0x0010, NVME_CLASS, "nvme", 3);
	fake_add_ctrl(f, "0000:00:10.0", "nvme0");
	fake_add_dev(f, "0000:00:02.0", 0x8086, 0x10d3, NET_CLASS, "e1000e", 3);
	fake_add_dev(f, "0000:00:11.0", 0x1b36, 0x0010, NVME_CLASS, "vfio-pci", 4);
	fake_add_dev(f, "0000:00:11.1", 0x1b36, 0x0010, NVME_CLASS, NULL, 5);
	fake_add_vf(f, "0000:00:11.1", "0000:00:11.0", 4, 1);
	fake_add_dev(f, "0000:01:00.0", 0x144d, 0xa808, NVME_CLASS, NULL, -1);
	fake_write(f, "sys/devices/pci0000:00/0000:01:00.0/numa_node", "1\n");
}

TEST(get_reads_identity_driver_group_and_controller)
{
	struct fake f;
	struct nvmu_pci_dev dev;

	fake_init(&f);
	build_tree(&f);
	CHECK_EQ(nvmu_pci_get("00:10.0", &dev), 0);
	CHECK(strcmp(dev.addr, "0000:00:10.0") == 0);
	CHECK_EQ(dev.vendor, 0x1b36);
	CHECK_EQ(dev.device, 0x0010);
	CHECK_EQ(dev.subsystem_vendor, 0x1b36);
	CHECK_EQ(dev.subsystem_device, 0x1100);
	CHECK_EQ(dev.class_code, NVME_CLASS);
	CHECK_EQ(dev.revision, 2);
	CHECK(strcmp(dev.driver, "nvme") == 0);
	CHECK(strcmp(dev.nvme_ctrl, "nvme0") == 0);
	CHECK_EQ(dev.iommu_group, 3);
	CHECK_EQ(dev.numa_node, -1);
	CHECK(!dev.is_vf);
	CHECK_EQ(dev.sriov_totalvfs, 0);

	CHECK_EQ(nvmu_pci_get("0000:01:00.0", &dev), 0);
	CHECK(dev.driver[0] == '\0');
	CHECK(dev.nvme_ctrl[0] == '\0');
	CHECK_EQ(dev.iommu_group, -1);
	CHECK_EQ(dev.numa_node, 1);
	fake_cleanup(&f);
}

TEST(get_of_a_missing_device_says_how_to_find_one)
{
	struct fake f;
	struct nvmu_pci_dev dev;

	fake_init(&f);
	build_tree(&f);
	CHECK_EQ(nvmu_pci_get("0000:00:99.0", &dev), -EINVAL); /* slot 0x99 > 0x1f */
	CHECK_EQ(nvmu_pci_get("0000:00:1f.0", &dev), -ENODEV);
	CHECK(strcmp(nvmu_last_error(), "no PCI device 0000:00:1f.0 (run 'nvmu list' to see NVMe devices)") == 0);
	CHECK_EQ(nvmu_pci_get("junk", &dev), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "'junk' is not a PCI address");
	fake_cleanup(&f);
}

TEST(list_keeps_only_nvme_class_sorted)
{
	struct fake f;
	struct nvmu_pci_dev *devs;
	size_t n;

	fake_init(&f);
	build_tree(&f);
	fake_write(&f, "sys/bus/pci/devices/not-an-address", "");
	CHECK_EQ(nvmu_pci_list_nvme(&devs, &n), 0);
	CHECK_EQ(n, 4);
	if (n == 4) {
		CHECK(strcmp(devs[0].addr, "0000:00:10.0") == 0);
		CHECK(strcmp(devs[1].addr, "0000:00:11.0") == 0);
		CHECK(strcmp(devs[2].addr, "0000:00:11.1") == 0);
		CHECK(strcmp(devs[3].addr, "0000:01:00.0") == 0);
		CHECK(strcmp(devs[1].driver, "vfio-pci") == 0);
		CHECK(devs[1].nvme_ctrl[0] == '\0');
	}
	nvmu_pci_free_list(devs);
	fake_cleanup(&f);
}

TEST(list_without_nvme_devices_is_empty)
{
	struct fake f;
	struct nvmu_pci_dev *devs = (struct nvmu_pci_dev *)&f;
	size_t n = 7;

	fake_init(&f);
	fake_add_dev(&f, "0000:00:02.0", 0x8086, 0x10d3, NET_CLASS, "e1000e", 3);
	CHECK_EQ(nvmu_pci_list_nvme(&devs, &n), 0);
	CHECK_EQ(n, 0);
	CHECK(devs == NULL);
	fake_cleanup(&f);
}

TEST(list_without_sysfs_fails_with_a_reason)
{
	struct nvmu_pci_dev *devs;
	size_t n;

	nvmu_pci_set_roots("/nonexistent-nvmu-sys", NULL, NULL);
	CHECK_EQ(nvmu_pci_list_nvme(&devs, &n), -ENOENT);
	CHECK_STR_CONTAINS(nvmu_last_error(), "cannot list PCI devices in /nonexistent-nvmu-sys/bus/pci/devices");
	nvmu_pci_set_roots(NULL, NULL, NULL);
}

TEST(vf_knows_its_pf_and_pf_counts_vfs)
{
	struct fake f;
	struct nvmu_pci_dev dev;

	fake_init(&f);
	build_tree(&f);
	CHECK_EQ(nvmu_pci_get("0000:00:11.1", &dev), 0);
	CHECK(dev.is_vf);
	CHECK(strcmp(dev.physfn, "0000:00:11.0") == 0);
	CHECK_EQ(nvmu_pci_get("0000:00:11.0", &dev), 0);
	CHECK(!dev.is_vf);
	CHECK(dev.physfn[0] == '\0');
	CHECK_EQ(dev.sriov_totalvfs, 4);
	CHECK_EQ(dev.sriov_numvfs, 1);
	fake_cleanup(&f);
}

TEST(group_lists_every_member_of_any_class)
{
	struct fake f;
	struct nvmu_pci_dev *devs;
	size_t n;

	fake_init(&f);
	build_tree(&f);
	CHECK_EQ(nvmu_pci_group_devices(3, &devs, &n), 0);
	CHECK_EQ(n, 2);
	if (n == 2) {
		CHECK(strcmp(devs[0].addr, "0000:00:02.0") == 0);
		CHECK(strcmp(devs[0].driver, "e1000e") == 0);
		CHECK_EQ(devs[0].class_code, NET_CLASS);
		CHECK(strcmp(devs[1].addr, "0000:00:10.0") == 0);
	}
	nvmu_pci_free_list(devs);
	CHECK_EQ(nvmu_pci_group_devices(42, &devs, &n), -ENOENT);
	CHECK_STR_CONTAINS(nvmu_last_error(), "no IOMMU group 42");
	fake_cleanup(&f);
}

TEST(driver_loaded_looks_at_the_bus_drivers)
{
	struct fake f;

	fake_init(&f);
	CHECK(!nvmu_pci_driver_loaded("vfio-pci"));
	fake_add_driver(&f, "vfio-pci");
	CHECK(nvmu_pci_driver_loaded("vfio-pci"));
	fake_cleanup(&f);
}

RUN_TESTS(T(get_reads_identity_driver_group_and_controller), T(get_of_a_missing_device_says_how_to_find_one),
	  T(list_keeps_only_nvme_class_sorted), T(list_without_nvme_devices_is_empty),
	  T(list_without_sysfs_fails_with_a_reason), T(vf_knows_its_pf_and_pf_counts_vfs),
	  T(group_lists_every_member_of_any_class), T(driver_loaded_looks_at_the_bus_drivers))
