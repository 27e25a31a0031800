/* SPDX-License-Identifier: MIT */
/* A fake sysfs/procfs tree in a temporary folder, for PCI layer tests. */
#ifndef NVMU_TEST_FAKE_SYSFS_H
#define NVMU_TEST_FAKE_SYSFS_H

#include <limits.h>

struct fake {
	char root[PATH_MAX]; /* temporary folder holding sys/, proc/, state/ */
};

/* Create an empty tree and point the PCI layer at it. */
void fake_init(struct fake *f);
/* Remove the tree and restore the default roots. */
void fake_cleanup(struct fake *f);

/* Write @p content to <root>/<rel>, creating folders. */
void fake_write(struct fake *f, const char *rel, const char *content);
/* Make <root>/<link> a symlink to <root>/<target>, creating folders. */
void fake_symlink(struct fake *f, const char *link, const char *target);
/* Make <root>/<link> a symlink to the literal @p target (e.g. a /proc/PID/fd entry). */
void fake_raw_link(struct fake *f, const char *link, const char *target);
/* Remove <root>/<rel> (a file or symlink). */
void fake_remove(struct fake *f, const char *rel);
/* Contents of <root>/<rel> ("" if missing); a static buffer. */
const char *fake_read(struct fake *f, const char *rel);
/* True if <root>/<rel> exists. */
int fake_exists(struct fake *f, const char *rel);

/* A PCI driver folder with bind/unbind files. */
void fake_add_driver(struct fake *f, const char *name);
/*
 * A PCI function: vendor/device/class files, driver link (NULL = none), IOMMU group
 * link and group membership (group < 0 = none), driver_override.
 */
void fake_add_dev(struct fake *f, const char *addr, unsigned vendor, unsigned device, unsigned class_code,
		  const char *driver, int group);
/* Make @p vf a virtual function of @p pf (physfn link; sriov files on the PF). */
void fake_add_vf(struct fake *f, const char *vf, const char *pf, int totalvfs, int numvfs);
/* Controller folder <dev>/nvme/<ctrl>. */
void fake_add_ctrl(struct fake *f, const char *addr, const char *ctrl);
/*
 * A block device below <dev>/nvme/<ctrl>/ (or below block device @p parent for a
 * partition) with dev file @p devnum ("259:1"), holders/ folder and class/block link.
 */
void fake_add_blockdev(struct fake *f, const char *addr, const char *ctrl, const char *parent,
		       const char *name, const char *devnum);
/*
 * Controller @p ctrl as the kernel nvme driver shows it: its folder below the function,
 * transport "pcie", a device link to the function and <sys>/class/nvme/<ctrl>.
 */
void fake_add_nvme_class(struct fake *f, const char *addr, const char *ctrl);
/*
 * A fabrics controller (e.g. transport "tcp") under devices/virtual/nvme-fabrics, in
 * class/nvme, with namespace block device @p ns (NULL = none).
 */
void fake_add_fabrics_ctrl(struct fake *f, const char *ctrl, const char *transport,
			   const char *ns);
/* A generic namespace character device (e.g. "ng0n1") below controller @p ctrl. */
void fake_add_generic(struct fake *f, const char *addr, const char *ctrl, const char *name);

#endif
