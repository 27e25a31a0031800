/* SPDX-License-Identifier: MIT */
/* Unit tests for in-use detection: mounts (by major:minor and by name), root fs, swap, dm/md holders, multipath. */
#include <errno.h>

#include "check.h"
#include "fake_sysfs.h"
#include "nvmu/pci.h"

#define DEV "0000:00:10.0"
#define MOUNT_SYS "22 1 0:21 / /sys rw shared:7 - sysfs sysfs rw\n"
#define MOUNT_PROC "23 1 0:22 / /proc rw shared:12 - proc proc rw\n"
#define SWAPS_HEADER "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"

static char msg[1024];

/*
 * 0000:00:10.0 (nvme0): nvme0n1 259:0 with partitions p1 259:1, p2 259:2, p3 259:3.
 * 0000:00:11.0 (nvme1): nvme1n1 259:4, which tests use as the "other" device.
 */
static void build_tree(struct fake *f)
{
	fake_init(f);
	fake_add_dev(f, DEV, 0x1b36, 0x0010, 0x010802, "nvme", 3);
	fake_add_ctrl(f, DEV, "nvme0");
	fake_add_blockdev(f, DEV, "nvme0", NULL, "nvme0n1", "259:0\n");
	fake_add_blockdev(f, DEV, "nvme0", "nvme0n1", "nvme0n1p1", "259:1\n");
	fake_add_blockdev(f, DEV, "nvme0", "nvme0n1", "nvme0n1p2", "259:2\n");
	fake_add_blockdev(f, DEV, "nvme0", "nvme0n1", "nvme0n1p3", "259:3\n");
	fake_add_dev(f, "0000:00:11.0", 0x1b36, 0x0010, 0x010802, "nvme", 4);
	fake_add_ctrl(f, "0000:00:11.0", "nvme1");
	fake_add_blockdev(f, "0000:00:11.0", "nvme1", NULL, "nvme1n1", "259:4\n");
	fake_write(f, "proc/self/mountinfo", MOUNT_SYS MOUNT_PROC);
	fake_write(f, "proc/swaps", SWAPS_HEADER);
}

static int in_use(void)
{
	return nvmu_pci_check_in_use(DEV, msg, sizeof(msg));
}

TEST(unused_device_is_free_even_if_another_one_is_busy)
{
	struct fake f;

	build_tree(&f);
	fake_write(&f, "proc/self/mountinfo", MOUNT_SYS "30 1 259:4 / /data rw - ext4 /dev/nvme1n1 rw\n");
	fake_write(&f, "proc/swaps", SWAPS_HEADER "/dev/nvme1n1 partition 65532 0 -2\n");
	CHECK_EQ(in_use(), 0);
	CHECK(msg[0] == '\0');
	CHECK_EQ(nvmu_pci_check_in_use("0000:00:11.0", msg, sizeof(msg)), -EBUSY);
	CHECK(strcmp(msg, "nvme1n1 is mounted on /data; nvme1n1 is used as swap") == 0);
	fake_cleanup(&f);
}

TEST(mount_is_matched_by_major_minor_not_only_name)
{
	struct fake f;

	build_tree(&f);
	fake_write(&f, "proc/self/mountinfo", MOUNT_SYS "30 1 259:1 / /boot rw,relatime - ext4 /dev/root rw\n"
						       "31 1 259:3 / /mnt/my\\040disk rw - xfs /dev/disk/by-label/x rw\n");
	CHECK_EQ(in_use(), -EBUSY);
	CHECK(strcmp(msg, "nvme0n1p1 is mounted on /boot; nvme0n1p3 is mounted on /mnt/my disk") == 0);
	CHECK(strcmp(nvmu_last_error(),
		     DEV " is in use: nvme0n1p1 is mounted on /boot; nvme0n1p3 is mounted on /mnt/my disk") == 0);
	fake_cleanup(&f);
}

TEST(mount_with_anonymous_device_number_is_matched_by_source_name)
{
	struct fake f;

	build_tree(&f);
	/* btrfs reports an anonymous 0:NN device; the source still names the partition */
	fake_write(&f, "proc/self/mountinfo", MOUNT_SYS "30 1 0:45 / /home rw shared:1 - btrfs /dev/nvme0n1p2 rw\n");
	CHECK_EQ(in_use(), -EBUSY);
	CHECK(strcmp(msg, "nvme0n1p2 is mounted on /home") == 0);
	fake_cleanup(&f);
}

TEST(proc_mounts_is_the_fallback_without_mountinfo)
{
	struct fake f;

	build_tree(&f);
	fake_remove(&f, "proc/self/mountinfo");
	fake_write(&f, "proc/mounts", "sysfs /sys sysfs rw 0 0\n/dev/nvme0n1 /data ext4 rw 0 0\n");
	CHECK_EQ(in_use(), -EBUSY);
	CHECK(strcmp(msg, "nvme0n1 is mounted on /data") == 0);
	fake_cleanup(&f);
}

TEST(root_filesystem_is_named_as_such)
{
	struct fake f;

	build_tree(&f);
	fake_write(&f, "proc/self/mountinfo", "1 0 259:2 / / rw - ext4 /dev/root rw\n" MOUNT_PROC);
	CHECK_EQ(in_use(), -EBUSY);
	CHECK(strcmp(msg, "nvme0n1p2 holds the root filesystem") == 0);
	fake_cleanup(&f);
}

TEST(swap_partition_is_detected)
{
	struct fake f;

	build_tree(&f);
	fake_write(&f, "proc/swaps", SWAPS_HEADER "/dev/nvme0n1p2                          partition\t8388604\t\t0\t\t-2\n"
				     "/swapfile file 1024 0 -3\n");
	CHECK_EQ(in_use(), -EBUSY);
	CHECK(strcmp(msg, "nvme0n1p2 is used as swap") == 0);
	fake_cleanup(&f);
}

TEST(dm_and_md_holders_are_named)
{
	struct fake f;

	build_tree(&f);
	fake_write(&f, "sys/devices/virtual/block/dm-0/dm/name", "vg-root\n");
	fake_symlink(&f, "sys/class/block/dm-0", "sys/devices/virtual/block/dm-0");
	fake_symlink(&f, "sys/devices/pci0000:00/" DEV "/nvme/nvme0/nvme0n1/nvme0n1p3/holders/dm-0",
		     "sys/devices/virtual/block/dm-0");
	fake_write(&f, "sys/devices/virtual/block/md0/md/level", "raid1\n");
	fake_symlink(&f, "sys/class/block/md0", "sys/devices/virtual/block/md0");
	fake_symlink(&f, "sys/devices/pci0000:00/" DEV "/nvme/nvme0/nvme0n1/nvme0n1p1/holders/md0",
		     "sys/devices/virtual/block/md0");
	CHECK_EQ(in_use(), -EBUSY);
	CHECK(strcmp(msg, "nvme0n1p1 is held by md0; nvme0n1p3 is held by dm-0 (vg-root)") == 0);
	fake_cleanup(&f);
}

TEST(every_user_is_listed_in_one_message)
{
	struct fake f;

	build_tree(&f);
	fake_write(&f, "proc/self/mountinfo", MOUNT_SYS "30 1 259:1 / /boot rw - vfat /dev/nvme0n1p1 rw\n");
	fake_write(&f, "proc/swaps", SWAPS_HEADER "/dev/nvme0n1p2 partition 1024 0 -2\n");
	CHECK_EQ(in_use(), -EBUSY);
	CHECK(strcmp(msg, "nvme0n1p1 is mounted on /boot; nvme0n1p2 is used as swap") == 0);
	CHECK_EQ(nvmu_pci_check_in_use(DEV, NULL, 0), -EBUSY);
	fake_cleanup(&f);
}

TEST(multipath_head_reached_through_the_device_counts)
{
	struct fake f;

	build_tree(&f);
	/* native multipath: nvme2c2n1 below the PCI function, head nvme2n1 in the subsystem */
	fake_add_dev(&f, "0000:00:12.0", 0x1b36, 0x0010, 0x010802, "nvme", 5);
	fake_add_ctrl(&f, "0000:00:12.0", "nvme2");
	fake_add_blockdev(&f, "0000:00:12.0", "nvme2", NULL, "nvme2c2n1", "259:8\n");
	fake_write(&f, "sys/devices/virtual/nvme-subsystem/nvme-subsys2/nvme2n1/dev", "259:9\n");
	fake_write(&f, "sys/devices/virtual/nvme-subsystem/nvme-subsys2/nvme2n1/nvme2n1p1/dev", "259:10\n");
	fake_symlink(&f, "sys/devices/virtual/nvme-subsystem/nvme-subsys2/nvme2n1/multipath/nvme2c2n1",
		     "sys/devices/pci0000:00/0000:00:12.0/nvme/nvme2/nvme2c2n1");
	fake_symlink(&f, "sys/class/block/nvme2n1", "sys/devices/virtual/nvme-subsystem/nvme-subsys2/nvme2n1");
	fake_symlink(&f, "sys/class/block/nvme2n1p1",
		     "sys/devices/virtual/nvme-subsystem/nvme-subsys2/nvme2n1/nvme2n1p1");
	fake_write(&f, "proc/self/mountinfo", MOUNT_SYS "30 1 259:10 / /srv rw - ext4 /dev/nvme2n1p1 rw\n");
	CHECK_EQ(nvmu_pci_check_in_use("0000:00:12.0", msg, sizeof(msg)), -EBUSY);
	CHECK(strcmp(msg, "nvme2n1p1 is mounted on /srv") == 0);
	CHECK_EQ(in_use(), 0);
	fake_cleanup(&f);
}

TEST(bad_or_missing_address_fails)
{
	struct fake f;

	build_tree(&f);
	CHECK_EQ(nvmu_pci_check_in_use("bogus", msg, sizeof(msg)), -EINVAL);
	CHECK_EQ(nvmu_pci_check_in_use("0000:00:1f.0", msg, sizeof(msg)), -ENODEV);
	CHECK_STR_CONTAINS(nvmu_last_error(), "no PCI device 0000:00:1f.0");
	fake_cleanup(&f);
}

RUN_TESTS(T(unused_device_is_free_even_if_another_one_is_busy), T(mount_is_matched_by_major_minor_not_only_name),
	  T(mount_with_anonymous_device_number_is_matched_by_source_name),
	  T(proc_mounts_is_the_fallback_without_mountinfo), T(root_filesystem_is_named_as_such),
	  T(swap_partition_is_detected), T(dm_and_md_holders_are_named), T(every_user_is_listed_in_one_message),
	  T(multipath_head_reached_through_the_device_counts), T(bad_or_missing_address_fails))
