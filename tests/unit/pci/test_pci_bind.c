/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for binding to vfio-pci and back on a fake sysfs tree. A write hook records
 * every sysfs write and, when asked, mimics the kernel (unbind drops the driver link,
 * drivers_probe binds the driver_override driver, a driver's bind file binds it).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>

#include "check.h"
#include "fake_sysfs.h"
#include "nvmu/pci.h"
#include "pci/pcifs.h"

#define DEV "0000:00:10.0"
#define DEVDIR "sys/devices/pci0000:00/" DEV

static struct fake f;
static char writes[4096]; /* "rel=value|" per write, newlines shown as \n */
static bool mimic_kernel;  /* make writes take effect as in the kernel */
static bool probe_binds;   /* drivers_probe binds a driver */

static void set_driver(const char *driver)
{
	char target[PATH_MAX];

	if (!driver) {
		if (fake_exists(&f, DEVDIR "/driver"))
			fake_remove(&f, DEVDIR "/driver");
		return;
	}
	snprintf(target, sizeof(target), "sys/bus/pci/drivers/%s", driver);
	fake_symlink(&f, DEVDIR "/driver", target);
}

static void record_write(void *ctx, const char *rel, const char *value)
{
	size_t used = strlen(writes);
	char override[64];

	(void)ctx;
	snprintf(writes + used, sizeof(writes) - used, "%s=%s|", rel, strcmp(value, "\n") ? value : "\\n");
	if (!mimic_kernel)
		return;
	if (strstr(rel, "/unbind")) {
		set_driver(NULL);
	} else if (!strcmp(rel, "/bus/pci/drivers_probe") && probe_binds) {
		snprintf(override, sizeof(override), "%s", fake_read(&f, DEVDIR "/driver_override"));
		set_driver(override[0] && override[0] != '\n' && strcmp(override, "(null)\n") ? override : "nvme");
	} else if (strstr(rel, "/bind")) {
		char driver[64];

		sscanf(rel, "/bus/pci/drivers/%63[^/]", driver);
		set_driver(driver);
	}
}

/* An NVMe device on nvme with one namespace (259:0) and partitions p1 (259:1), p2 (259:2). */
static void setup(bool with_vfio, bool kernel)
{
	fake_init(&f);
	fake_add_dev(&f, DEV, 0x1b36, 0x0010, 0x010802, "nvme", 3);
	fake_add_ctrl(&f, DEV, "nvme0");
	fake_add_blockdev(&f, DEV, "nvme0", NULL, "nvme0n1", "259:0\n");
	fake_add_blockdev(&f, DEV, "nvme0", "nvme0n1", "nvme0n1p1", "259:1\n");
	fake_add_blockdev(&f, DEV, "nvme0", "nvme0n1", "nvme0n1p2", "259:2\n");
	fake_write(&f, "proc/self/mountinfo", "22 1 0:21 / /sys rw - sysfs sysfs rw\n");
	fake_write(&f, "proc/swaps", "Filename Type Size Used Priority\n");
	if (with_vfio)
		fake_add_driver(&f, "vfio-pci");
	writes[0] = '\0';
	mimic_kernel = kernel;
	probe_binds = true;
	pcifs_set_write_hook(record_write, NULL);
}

static void teardown(void)
{
	pcifs_set_write_hook(NULL, NULL);
	fake_cleanup(&f);
}

static const char *driver_now(void)
{
	static struct nvmu_pci_dev dev;

	if (nvmu_pci_get(DEV, &dev))
		return "?";
	return dev.driver;
}

static void make_busy(void)
{
	fake_write(&f, "proc/self/mountinfo", "30 1 259:1 / /boot rw - ext4 /dev/nvme0n1p1 rw\n");
	fake_write(&f, "proc/swaps", "Filename Type Size Used Priority\n/dev/nvme0n1p2 partition 1024 0 -2\n");
}

TEST(busy_device_is_refused_with_every_user_named)
{
	setup(true, true);
	make_busy();
	CHECK_EQ(nvmu_pci_bind_vfio(DEV, 0), -EBUSY);
	CHECK(strcmp(nvmu_last_error(), "refusing to bind 0000:00:10.0: nvme0n1p1 is mounted on /boot; "
					"nvme0n1p2 is used as swap (unmount/stop them first, or pass --force)") == 0);
	CHECK(strcmp(writes, "") == 0);
	CHECK(strcmp(driver_now(), "nvme") == 0);
	CHECK(!fake_exists(&f, "state/" DEV ".driver"));
	teardown();
}

TEST(force_binds_and_remembers_the_previous_driver)
{
	setup(true, true);
	make_busy();
	CHECK_EQ(nvmu_pci_bind_vfio("00:10.0", NVMU_PCI_BIND_FORCE), 0);
	CHECK(strcmp(writes, "/bus/pci/devices/" DEV "/driver_override=vfio-pci|"
			     "/bus/pci/drivers/nvme/unbind=" DEV "|"
			     "/bus/pci/drivers_probe=" DEV "|") == 0);
	CHECK(strcmp(driver_now(), "vfio-pci") == 0);
	CHECK(strcmp(fake_read(&f, DEVDIR "/driver_override"), "vfio-pci") == 0);
	CHECK(strcmp(fake_read(&f, "state/" DEV ".driver"), "nvme\n") == 0);
	teardown();
}

TEST(already_on_vfio_pci_is_success_without_writes)
{
	setup(true, true);
	set_driver("vfio-pci");
	CHECK_EQ(nvmu_pci_bind_vfio(DEV, 0), 0);
	CHECK(strcmp(writes, "") == 0);
	teardown();
}

TEST(missing_vfio_pci_driver_says_to_load_it)
{
	setup(false, true);
	CHECK_EQ(nvmu_pci_bind_vfio(DEV, 0), -ENOENT);
	CHECK(strcmp(nvmu_last_error(), "vfio-pci driver is not loaded: run 'modprobe vfio-pci'") == 0);
	CHECK(strcmp(writes, "") == 0);
	teardown();
}

TEST(device_without_iommu_group_explains_how_to_enable_the_iommu)
{
	setup(true, true);
	fake_remove(&f, DEVDIR "/iommu_group");
	CHECK_EQ(nvmu_pci_bind_vfio(DEV, NVMU_PCI_BIND_FORCE), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "0000:00:10.0 has no IOMMU group: the IOMMU is off");
	CHECK_STR_CONTAINS(nvmu_last_error(), "intel_iommu=on");
	CHECK_STR_CONTAINS(nvmu_last_error(), "amd_iommu=on");
	CHECK_STR_CONTAINS(nvmu_last_error(), "VT-d / AMD-Vi in the firmware");
	CHECK(strcmp(writes, "") == 0);
	teardown();
}

TEST(missing_device_and_bad_address_are_reported)
{
	setup(true, true);
	CHECK_EQ(nvmu_pci_bind_vfio("0000:00:1f.0", 0), -ENODEV);
	CHECK(strcmp(nvmu_last_error(), "no PCI device 0000:00:1f.0 (run 'nvmu list' to see NVMe devices)") == 0);
	CHECK_EQ(nvmu_pci_bind_vfio("nvme0", 0), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "'nvme0' is not a PCI address");
	CHECK_EQ(nvmu_pci_unbind_vfio("0000:00:1f.0"), -ENODEV);
	teardown();
}

TEST(driver_unchanged_after_probe_is_reported_and_undone)
{
	setup(true, false); /* plain files: nothing re-binds */
	CHECK_EQ(nvmu_pci_bind_vfio(DEV, 0), -EIO);
	CHECK(strcmp(nvmu_last_error(), "cannot bind 0000:00:10.0 to vfio-pci: after probing it is on nvme instead") == 0);
	CHECK(strcmp(fake_read(&f, "sys/bus/pci/drivers/nvme/unbind"), DEV) == 0);
	CHECK(strcmp(fake_read(&f, "sys/bus/pci/drivers_probe"), DEV) == 0);
	CHECK(strcmp(fake_read(&f, DEVDIR "/driver_override"), "\n") == 0);
	CHECK(!fake_exists(&f, "state/" DEV ".driver"));
	teardown();
}

TEST(vfio_pci_refusing_the_device_returns_it_to_its_driver)
{
	setup(true, true);
	probe_binds = false;
	CHECK_EQ(nvmu_pci_bind_vfio(DEV, 0), -EIO);
	CHECK(strcmp(nvmu_last_error(), "cannot bind 0000:00:10.0 to vfio-pci: vfio-pci did not take it after "
					"probing (see 'dmesg' for why)") == 0);
	CHECK(strcmp(writes, "/bus/pci/devices/" DEV "/driver_override=vfio-pci|"
			     "/bus/pci/drivers/nvme/unbind=" DEV "|"
			     "/bus/pci/drivers_probe=" DEV "|"
			     "/bus/pci/devices/" DEV "/driver_override=\\n|"
			     "/bus/pci/drivers/nvme/bind=" DEV "|") == 0);
	CHECK(strcmp(driver_now(), "nvme") == 0);
	teardown();
}

TEST(failed_sysfs_write_names_the_file_and_undoes)
{
	setup(true, true);
	fake_remove(&f, "sys/bus/pci/drivers/nvme/unbind");
	CHECK_EQ(nvmu_pci_bind_vfio(DEV, 0), -ENOENT);
	CHECK_STR_CONTAINS(nvmu_last_error(), "cannot bind 0000:00:10.0 to vfio-pci: cannot write '0000:00:10.0' to ");
	CHECK_STR_CONTAINS(nvmu_last_error(), "/sys/bus/pci/drivers/nvme/unbind: No such file or directory");
	CHECK(strcmp(fake_read(&f, DEVDIR "/driver_override"), "\n") == 0);
	CHECK(strcmp(driver_now(), "nvme") == 0);
	CHECK(!fake_exists(&f, "state/" DEV ".driver"));
	teardown();
}

TEST(unbind_returns_the_device_to_the_remembered_driver)
{
	setup(true, true);
	CHECK_EQ(nvmu_pci_bind_vfio(DEV, 0), 0);
	writes[0] = '\0';
	CHECK_EQ(nvmu_pci_unbind_vfio(DEV), 0);
	CHECK(strcmp(writes, "/bus/pci/devices/" DEV "/driver_override=\\n|"
			     "/bus/pci/drivers/vfio-pci/unbind=" DEV "|"
			     "/bus/pci/drivers/nvme/bind=" DEV "|") == 0);
	CHECK(strcmp(driver_now(), "nvme") == 0);
	CHECK(!fake_exists(&f, "state/" DEV ".driver"));
	teardown();
}

TEST(unbind_without_a_record_lets_the_kernel_pick)
{
	setup(true, true);
	set_driver("vfio-pci");
	CHECK_EQ(nvmu_pci_unbind_vfio(DEV), 0);
	CHECK(strcmp(writes, "/bus/pci/devices/" DEV "/driver_override=\\n|"
			     "/bus/pci/drivers/vfio-pci/unbind=" DEV "|"
			     "/bus/pci/drivers_probe=" DEV "|") == 0);
	CHECK(strcmp(driver_now(), "nvme") == 0);
	teardown();
}

TEST(unbind_of_a_device_not_on_vfio_pci_does_nothing)
{
	setup(true, true);
	CHECK_EQ(nvmu_pci_unbind_vfio(DEV), 0);
	CHECK(strcmp(writes, "") == 0);
	teardown();
}

TEST(unbind_reports_a_driver_that_does_not_take_the_device_back)
{
	setup(true, false);
	set_driver("vfio-pci");
	fake_write(&f, "state/" DEV ".driver", "nvme\n");
	CHECK_EQ(nvmu_pci_unbind_vfio(DEV), -EIO);
	CHECK(strcmp(nvmu_last_error(), "0000:00:10.0 left vfio-pci but nvme did not take it back (vfio-pci; "
					"see 'dmesg' for why)") == 0);
	CHECK(strcmp(fake_read(&f, "sys/bus/pci/drivers/nvme/bind"), DEV) == 0);
	teardown();
}

RUN_TESTS(T(busy_device_is_refused_with_every_user_named), T(force_binds_and_remembers_the_previous_driver),
	  T(already_on_vfio_pci_is_success_without_writes), T(missing_vfio_pci_driver_says_to_load_it),
	  T(device_without_iommu_group_explains_how_to_enable_the_iommu),
	  T(missing_device_and_bad_address_are_reported), T(driver_unchanged_after_probe_is_reported_and_undone),
	  T(vfio_pci_refusing_the_device_returns_it_to_its_driver), T(failed_sysfs_write_names_the_file_and_undoes),
	  T(unbind_returns_the_device_to_the_remembered_driver), T(unbind_without_a_record_lets_the_kernel_pick),
	  T(unbind_of_a_device_not_on_vfio_pci_does_nothing),
	  T(unbind_reports_a_driver_that_does_not_take_the_device_back))
