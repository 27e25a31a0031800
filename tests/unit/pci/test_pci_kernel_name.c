/* SPDX-License-Identifier: MIT */
/*
 * Kernel NVMe device names to the PCI address of their controller, against a fake sysfs:
 * controllers, namespaces, partitions, generic devices, a native-multipath head, a
 * controller on another transport, a device that does not exist.
 */
#include <errno.h>

#include "check.h"
#include "fake_sysfs.h"
#include "nvmu/pci.h"

#define DEV "0000:00:10.0"

static struct fake f;

static void setup(void)
{
	fake_init(&f);
	fake_add_dev(&f, DEV, 0x1b36, 0x0010, 0x010802, "nvme", 3);
	fake_add_nvme_class(&f, DEV, "nvme0");
	fake_add_blockdev(&f, DEV, "nvme0", NULL, "nvme0n1", "259:0\n");
	fake_add_blockdev(&f, DEV, "nvme0", "nvme0n1", "nvme0n1p1", "259:1\n");
	fake_add_generic(&f, DEV, "nvme0", "ng0n1");
	fake_add_fabrics_ctrl(&f, "nvme1", "tcp", "nvme1n1");
}

TEST(names_by_their_text)
{
	static const char *const yes[] = { "nvme0", "/dev/nvme0", "nvme12n3", "/dev/nvme0n1",
					   "/dev/nvme0n1p1", "nvme0c1n1", "/dev/ng0n1", "ng3n14" };
	static const char *const no[] = { "", "nvme", "/dev/nvme", "nvmex", "nvme0n", "nvme0n1p",
					  "nvme0n1x", "nvme0c", "ng0", "ng0n", "/dev/sda",
					  "0000:01:00.0", "soft:", "/dev/", "dev/nvme0" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!nvmu_pci_is_kernel_nvme(yes[i])) {
			fprintf(stderr, "'%s' should be a kernel NVMe name\n", yes[i]);
			CHECK(0);
		}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (nvmu_pci_is_kernel_nvme(no[i])) {
			fprintf(stderr, "'%s' should not be a kernel NVMe name\n", no[i]);
			CHECK(0);
		}
	CHECK(!nvmu_pci_is_kernel_nvme(NULL));
}

/* Every form of a device of controller nvme0 leads to its PCI function. */
TEST(every_form_reaches_the_function)
{
	static const char *const forms[] = { "nvme0", "/dev/nvme0", "/dev/nvme0n1", "nvme0n1",
					     "/dev/nvme0n1p1", "/dev/ng0n1" };
	char addr[NVMU_PCI_ADDR_LEN], ctrl[NVMU_PCI_NAME_LEN];

	setup();
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		memset(addr, 0, sizeof(addr));
		memset(ctrl, 0, sizeof(ctrl));
		CHECK_EQ(nvmu_pci_kernel_nvme_addr(forms[i], addr, ctrl), 0);
		if (strcmp(addr, DEV) || strcmp(ctrl, "nvme0")) {
			fprintf(stderr, "%s -> '%s' '%s' (%s)\n", forms[i], addr, ctrl,
				nvmu_last_error());
			CHECK(0);
		}
	}
	CHECK_EQ(nvmu_pci_kernel_nvme_addr("nvme0", addr, NULL), 0);
	fake_cleanup(&f);
}

/* A native-multipath head lives under the subsystem; one of its paths leads to the function. */
TEST(multipath_head_through_its_path)
{
	char addr[NVMU_PCI_ADDR_LEN] = "", ctrl[NVMU_PCI_NAME_LEN] = "";

	setup();
	fake_add_blockdev(&f, DEV, "nvme0", NULL, "nvme0c0n2", "259:5\n");
	fake_write(&f, "sys/devices/virtual/nvme-subsystem/nvme-subsys0/nvme4n2/dev", "259:6\n");
	fake_symlink(&f, "sys/class/block/nvme4n2",
		     "sys/devices/virtual/nvme-subsystem/nvme-subsys0/nvme4n2");
	fake_symlink(&f, "sys/devices/virtual/nvme-subsystem/nvme-subsys0/nvme4n2/multipath/nvme0c0n2",
		     "sys/devices/pci0000:00/" DEV "/nvme/nvme0/nvme0c0n2");
	CHECK_EQ(nvmu_pci_kernel_nvme_addr("/dev/nvme4n2", addr, ctrl), 0);
	CHECK(strcmp(addr, DEV) == 0);
	CHECK(strcmp(ctrl, "nvme0") == 0);
	fake_cleanup(&f);
}

TEST(not_pcie_names_the_transport)
{
	char addr[NVMU_PCI_ADDR_LEN];

	setup();
	CHECK_EQ(nvmu_pci_kernel_nvme_addr("/dev/nvme1", addr, NULL), -ENOTSUP);
	CHECK_STR_CONTAINS(nvmu_last_error(), "/dev/nvme1 belongs to NVMe controller nvme1");
	CHECK_STR_CONTAINS(nvmu_last_error(), "over 'tcp', not PCIe");
	CHECK_EQ(nvmu_pci_kernel_nvme_addr("/dev/nvme1n1", addr, NULL), -ENOTSUP);
	CHECK_STR_CONTAINS(nvmu_last_error(), "controller nvme1");
	fake_cleanup(&f);
}

TEST(no_such_device)
{
	char addr[NVMU_PCI_ADDR_LEN];

	setup();
	CHECK_EQ(nvmu_pci_kernel_nvme_addr("/dev/nvme7", addr, NULL), -ENODEV);
	CHECK_STR_CONTAINS(nvmu_last_error(), "/dev/nvme7: no such NVMe device in sysfs");
	CHECK_STR_CONTAINS(nvmu_last_error(), "nvmu list");
	CHECK_EQ(nvmu_pci_kernel_nvme_addr("/dev/nvme0n9", addr, NULL), -ENODEV);
	CHECK_EQ(nvmu_pci_kernel_nvme_addr("/dev/ng5n1", addr, NULL), -ENODEV);
	CHECK_STR_CONTAINS(nvmu_last_error(), "/dev/ng5n1");
	CHECK_EQ(nvmu_pci_kernel_nvme_addr("/dev/sda", addr, NULL), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "'/dev/sda' is not a kernel NVMe device");
	fake_cleanup(&f);
}

RUN_TESTS(T(names_by_their_text), T(every_form_reaches_the_function),
	  T(multipath_head_through_its_path), T(not_pcie_names_the_transport), T(no_such_device))
