/* SPDX-License-Identifier: MIT */
/* Unit tests for in-use detection: mounts (by major:minor and by name), root fs, swap, dm/md holders, multipath. */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "fake_sysfs.h"
#include "nvmu/pci.h"
#include "pci/pcifs.h"

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

TEST(mountinfo_line_longer_than_4096_bytes)
{
	static char text[8192];
	struct fake f;
	int n;

	build_tree(&f);
	/* btrfs: an anonymous 0:NN device, so only the source, past 4096 bytes, names it. */
	n = snprintf(text, sizeof(text), "%s30 1 0:45 / /mnt/", MOUNT_SYS);
	memset(text + n, 'a', 5000);
	snprintf(text + n + 5000, sizeof(text) - (size_t)n - 5000,
		 " rw shared:1 - btrfs /dev/nvme0n1p2 rw\n" MOUNT_PROC);
	fake_write(&f, "proc/self/mountinfo", text);
	CHECK_EQ(in_use(), -EBUSY);
	CHECK_STR_CONTAINS(msg, "nvme0n1p2 is mounted on /mnt/aaaa");
	fake_cleanup(&f);
}

/* Process @pid named @comm in mount namespace @ns, where @mountinfo is mounted. */
static void fake_process(struct fake *f, const char *pid, const char *comm, const char *ns,
			 const char *mountinfo)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "proc/%s/ns/mnt", pid);
	fake_raw_link(f, rel, ns);
	snprintf(rel, sizeof(rel), "proc/%s/comm", pid);
	fake_write(f, rel, comm);
	snprintf(rel, sizeof(rel), "proc/%s/mountinfo", pid);
	fake_write(f, rel, mountinfo);
}

TEST(mount_seen_only_in_another_mount_namespace)
{
	static const char srv[] = "30 1 259:3 / /srv rw - ext4 /dev/nvme0n1p3 rw\n";
	struct fake f;

	build_tree(&f);
	fake_raw_link(&f, "proc/self/ns/mnt", "mnt:[4026531840]");
	/* Two processes of one container: reported once. */
	fake_process(&f, "4321", "containerd\n", "mnt:[4026532999]", srv);
	fake_process(&f, "4322", "sh\n", "mnt:[4026532999]", srv);
	/* A process in our own namespace adds nothing to our own mountinfo. */
	fake_process(&f, "77", "bash\n", "mnt:[4026531840]",
		     "30 1 259:1 / /boot rw - ext4 /dev/nvme0n1p1 rw\n");
	CHECK_EQ(in_use(), -EBUSY);
	CHECK(strcmp(msg, "nvme0n1p3 is mounted on /srv in the mount namespace of process 4321 "
		     "(containerd)") == 0);
	fake_cleanup(&f);
}

TEST(device_held_open_by_a_process)
{
	struct fake f;

	build_tree(&f);
	fake_write(&f, "proc/555/comm", "dd\n");
	fake_raw_link(&f, "proc/555/fd/0", "/dev/pts/0");
	fake_raw_link(&f, "proc/555/fd/3", "/dev/nvme0n1");
	fake_raw_link(&f, "proc/555/fd/4", "socket:[1234]");
	fake_raw_link(&f, "proc/556/fd/3", "/dev/nvme1n1"); /* the other device */
	CHECK_EQ(in_use(), -EBUSY);
	CHECK(strcmp(msg, "nvme0n1 is open in process 555 (dd)") == 0);
	fake_cleanup(&f);
}

/* The exclusive-open probe of the test: busy for the names in @ctx (a list ending in NULL),
 * which must be asked for below the fake tree's dev folder. */
static const char *probe_root;

static int fake_probe(void *ctx, const char *path)
{
	const char *const *busy = ctx;
	size_t n = strlen(probe_root);

	CHECK(strncmp(path, probe_root, n) == 0);
	for (; *busy; busy++)
		if (!strcmp(path + n, *busy))
			return -EBUSY;
	return 0;
}

TEST(exclusive_open_refused_by_the_kernel)
{
	static const char *const busy[] = { "/dev/nvme0n1", "/dev/nvme0n1p2", NULL };
	static const char *const mounted[] = { "/dev/nvme0n1", "/dev/nvme0n1p1", NULL };
	char root[PATH_MAX];
	struct fake f;

	build_tree(&f);
	snprintf(root, sizeof(root), "%s", f.root);
	probe_root = root;
	/* A ZFS pool or the second device of a btrfs RAID1: no mount names it, no holder. */
	pcifs_set_excl_probe(fake_probe, (void *)busy);
	CHECK_EQ(in_use(), -EBUSY);
	CHECK(strcmp(msg, "nvme0n1p2 is claimed by the kernel (a ZFS pool, a btrfs or RAID "
		     "member, or a program that opened it exclusively)") == 0);
	/* What the other checks name precisely is not repeated, nor is its whole disk. */
	fake_write(&f, "proc/self/mountinfo", MOUNT_SYS "30 1 259:1 / /boot rw - ext4 x rw\n");
	pcifs_set_excl_probe(fake_probe, (void *)mounted);
	CHECK_EQ(in_use(), -EBUSY);
	CHECK(strcmp(msg, "nvme0n1p1 is mounted on /boot") == 0);
	pcifs_set_excl_probe(NULL, NULL);
	/* The real probe finds no device nodes in the fake tree: nothing is busy. */
	fake_write(&f, "proc/self/mountinfo", MOUNT_SYS);
	CHECK_EQ(in_use(), 0);
	fake_cleanup(&f);
}

RUN_TESTS(T(unused_device_is_free_even_if_another_one_is_busy), T(mount_is_matched_by_major_minor_not_only_name),
	  T(mount_with_anonymous_device_number_is_matched_by_source_name),
	  T(proc_mounts_is_the_fallback_without_mountinfo), T(root_filesystem_is_named_as_such),
	  T(swap_partition_is_detected), T(dm_and_md_holders_are_named), T(every_user_is_listed_in_one_message),
	  T(multipath_head_reached_through_the_device_counts), T(bad_or_missing_address_fails),
	  T(mountinfo_line_longer_than_4096_bytes), T(mount_seen_only_in_another_mount_namespace),
	  T(device_held_open_by_a_process), T(exclusive_open_refused_by_the_kernel))
