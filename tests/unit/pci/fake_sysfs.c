/* SPDX-License-Identifier: MIT */
/* A fake sysfs/procfs tree in a temporary folder, for PCI layer tests. */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake_sysfs.h"
#include "nvmu/pci.h"

static void die(const char *what, const char *path)
{
	fprintf(stderr, "fake sysfs: %s %s: %s\n", what, path, strerror(errno));
	exit(99);
}

/* snprintf into an array, stopping the test on truncation. */
#define PATHF(buf, ...)                                                                    \
	do {                                                                               \
		if ((size_t)snprintf(buf, sizeof(buf), __VA_ARGS__) >= sizeof(buf))        \
			die("path too long", buf);                                         \
	} while (0)

static void full_path(struct fake *f, char *buf, const char *rel)
{
	if (snprintf(buf, PATH_MAX, "%s/%s", f->root, rel) >= PATH_MAX)
		die("path too long", rel);
}

/* mkdir -p of the folder holding @p path (or of @p path itself when @p self). */
static void make_dirs(const char *path, int self)
{
	char tmp[PATH_MAX];

	PATHF(tmp, "%s", path);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(tmp, 0755) && errno != EEXIST)
				die("mkdir", tmp);
			*p = '/';
		}
	if (self && mkdir(tmp, 0755) && errno != EEXIST)
		die("mkdir", tmp);
}

static void fake_mkdir(struct fake *f, const char *rel)
{
	char path[PATH_MAX];

	full_path(f, path, rel);
	make_dirs(path, 1);
}

void fake_init(struct fake *f)
{
	char sys[PATH_MAX], proc[PATH_MAX], state[PATH_MAX];

	snprintf(f->root, sizeof(f->root), "%s/nvmu-fake-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(f->root))
		die("mkdtemp", f->root);
	fake_mkdir(f, "sys/bus/pci/devices");
	fake_mkdir(f, "sys/bus/pci/drivers");
	fake_mkdir(f, "sys/class/block");
	fake_mkdir(f, "sys/kernel/iommu_groups");
	fake_write(f, "sys/bus/pci/drivers_probe", "");
	fake_mkdir(f, "proc/self");
	full_path(f, sys, "sys");
	full_path(f, proc, "proc");
	full_path(f, state, "state");
	if (nvmu_pci_set_roots(sys, proc, state))
		die("set roots", f->root);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void fake_cleanup(struct fake *f)
{
	nftw(f->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	nvmu_pci_set_roots(NULL, NULL, NULL);
}

void fake_write(struct fake *f, const char *rel, const char *content)
{
	char path[PATH_MAX];
	FILE *file;

	full_path(f, path, rel);
	make_dirs(path, 0);
	file = fopen(path, "w");
	if (!file)
		die("create", path);
	fputs(content, file);
	fclose(file);
}

void fake_symlink(struct fake *f, const char *link, const char *target)
{
	char lpath[PATH_MAX], tpath[PATH_MAX];

	full_path(f, lpath, link);
	full_path(f, tpath, target);
	make_dirs(lpath, 0);
	unlink(lpath);
	if (symlink(tpath, lpath))
		die("symlink", lpath);
}

void fake_remove(struct fake *f, const char *rel)
{
	char path[PATH_MAX];

	full_path(f, path, rel);
	if (unlink(path))
		die("unlink", path);
}

const char *fake_read(struct fake *f, const char *rel)
{
	static char buf[4096];
	char path[PATH_MAX];
	FILE *file;
	size_t n;

	full_path(f, path, rel);
	buf[0] = '\0';
	file = fopen(path, "r");
	if (!file)
		return buf;
	n = fread(buf, 1, sizeof(buf) - 1, file);
	buf[n] = '\0';
	fclose(file);
	return buf;
}

int fake_exists(struct fake *f, const char *rel)
{
	char path[PATH_MAX];

	full_path(f, path, rel);
	return access(path, F_OK) == 0;
}

void fake_add_driver(struct fake *f, const char *name)
{
	char rel[PATH_MAX];

	PATHF(rel, "sys/bus/pci/drivers/%s/bind", name);
	fake_write(f, rel, "");
	PATHF(rel, "sys/bus/pci/drivers/%s/unbind", name);
	fake_write(f, rel, "");
}

static void dev_file(struct fake *f, const char *addr, const char *attr, const char *fmt, unsigned v)
{
	char rel[PATH_MAX], text[32];

	PATHF(rel, "sys/devices/pci0000:00/%s/%s", addr, attr);
	PATHF(text, fmt, v);
	fake_write(f, rel, text);
}

void fake_add_dev(struct fake *f, const char *addr, unsigned vendor, unsigned device, unsigned class_code,
		  const char *driver, int group)
{
	char rel[PATH_MAX], target[PATH_MAX];

	dev_file(f, addr, "vendor", "0x%04x\n", vendor);
	dev_file(f, addr, "device", "0x%04x\n", device);
	dev_file(f, addr, "subsystem_vendor", "0x%04x\n", vendor);
	dev_file(f, addr, "subsystem_device", "0x%04x\n", 0x1100);
	dev_file(f, addr, "class", "0x%06x\n", class_code);
	dev_file(f, addr, "revision", "0x%02x\n", 2);
	PATHF(rel, "sys/devices/pci0000:00/%s/numa_node", addr);
	fake_write(f, rel, "-1\n");
	PATHF(rel, "sys/devices/pci0000:00/%s/driver_override", addr);
	fake_write(f, rel, "(null)\n");
	PATHF(rel, "sys/bus/pci/devices/%s", addr);
	PATHF(target, "sys/devices/pci0000:00/%s", addr);
	fake_symlink(f, rel, target);
	if (driver) {
		fake_add_driver(f, driver);
		PATHF(rel, "sys/devices/pci0000:00/%s/driver", addr);
		PATHF(target, "sys/bus/pci/drivers/%s", driver);
		fake_symlink(f, rel, target);
	}
	if (group >= 0) {
		PATHF(rel, "sys/devices/pci0000:00/%s/iommu_group", addr);
		PATHF(target, "sys/kernel/iommu_groups/%d", group);
		fake_symlink(f, rel, target);
		PATHF(rel, "sys/kernel/iommu_groups/%d/devices/%s", group, addr);
		PATHF(target, "sys/devices/pci0000:00/%s", addr);
		fake_symlink(f, rel, target);
	}
}

void fake_add_vf(struct fake *f, const char *vf, const char *pf, int totalvfs, int numvfs)
{
	char rel[PATH_MAX], target[PATH_MAX];

	PATHF(rel, "sys/devices/pci0000:00/%s/physfn", vf);
	PATHF(target, "sys/devices/pci0000:00/%s", pf);
	fake_symlink(f, rel, target);
	dev_file(f, pf, "sriov_totalvfs", "%u\n", (unsigned)totalvfs);
	dev_file(f, pf, "sriov_numvfs", "%u\n", (unsigned)numvfs);
}

void fake_add_ctrl(struct fake *f, const char *addr, const char *ctrl)
{
	char rel[PATH_MAX];

	PATHF(rel, "sys/devices/pci0000:00/%s/nvme/%s", addr, ctrl);
	fake_mkdir(f, rel);
}

void fake_add_blockdev(struct fake *f, const char *addr, const char *ctrl, const char *parent,
		       const char *name, const char *devnum)
{
	char dir[PATH_MAX], rel[PATH_MAX + 64];

	if (parent)
		PATHF(dir, "sys/devices/pci0000:00/%s/nvme/%s/%s/%s", addr, ctrl, parent, name);
	else
		PATHF(dir, "sys/devices/pci0000:00/%s/nvme/%s/%s", addr, ctrl, name);
	PATHF(rel, "%s/dev", dir);
	fake_write(f, rel, devnum);
	PATHF(rel, "%s/holders", dir);
	fake_mkdir(f, rel);
	PATHF(rel, "sys/class/block/%s", name);
	fake_symlink(f, rel, dir);
}

void fake_add_nvme_class(struct fake *f, const char *addr, const char *ctrl)
{
	char rel[PATH_MAX], target[PATH_MAX];

	fake_add_ctrl(f, addr, ctrl);
	PATHF(rel, "sys/devices/pci0000:00/%s/nvme/%s/transport", addr, ctrl);
	fake_write(f, rel, "pcie\n");
	PATHF(rel, "sys/devices/pci0000:00/%s/nvme/%s/device", addr, ctrl);
	PATHF(target, "sys/devices/pci0000:00/%s", addr);
	fake_symlink(f, rel, target);
	PATHF(rel, "sys/class/nvme/%s", ctrl);
	PATHF(target, "sys/devices/pci0000:00/%s/nvme/%s", addr, ctrl);
	fake_symlink(f, rel, target);
}

void fake_add_fabrics_ctrl(struct fake *f, const char *ctrl, const char *transport,
			   const char *ns)
{
	char rel[PATH_MAX], target[PATH_MAX], text[64];

	PATHF(rel, "sys/devices/virtual/nvme-fabrics/ctl/%s/transport", ctrl);
	PATHF(text, "%s\n", transport);
	fake_write(f, rel, text);
	PATHF(rel, "sys/class/nvme/%s", ctrl);
	PATHF(target, "sys/devices/virtual/nvme-fabrics/ctl/%s", ctrl);
	fake_symlink(f, rel, target);
	if (!ns)
		return;
	PATHF(rel, "sys/devices/virtual/nvme-fabrics/ctl/%s/%s/dev", ctrl, ns);
	fake_write(f, rel, "259:9\n");
	PATHF(rel, "sys/class/block/%s", ns);
	PATHF(target, "sys/devices/virtual/nvme-fabrics/ctl/%s/%s", ctrl, ns);
	fake_symlink(f, rel, target);
}

void fake_add_generic(struct fake *f, const char *addr, const char *ctrl, const char *name)
{
	char rel[PATH_MAX], target[PATH_MAX];

	PATHF(rel, "sys/devices/pci0000:00/%s/nvme/%s/%s/dev", addr, ctrl, name);
	fake_write(f, rel, "242:0\n");
	PATHF(rel, "sys/class/nvme-generic/%s", name);
	PATHF(target, "sys/devices/pci0000:00/%s/nvme/%s/%s", addr, ctrl, name);
	fake_symlink(f, rel, target);
}

void fake_raw_link(struct fake *f, const char *link, const char *target)
{
	char path[2 * PATH_MAX];

	fake_write(f, link, "");
	snprintf(path, sizeof(path), "%s/%s", f->root, link);
	unlink(path);
	if (symlink(target, path)) {
		perror(path);
		abort();
	}
}
