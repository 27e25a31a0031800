/* SPDX-License-Identifier: MIT */
/*
 * Kernel NVMe device names ("/dev/nvme0", "nvme0n1p1", "/dev/ng0n1") to the PCI address of
 * their controller, through sysfs: the device's folder lies below its controller's, and
 * <sys>/class/nvme/<ctrl>/device links to the PCI function.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nvmu/pci.h"
#include "pci/pcifs.h"

#define DEV_PREFIX "/dev/"

enum name_kind {
	NAME_NONE,
	NAME_CTRL,    /* "nvme0", the controller's character device */
	NAME_BLOCK,   /* "nvme0n1", "nvme0n1p1", "nvme0c0n1": namespaces, partitions, paths */
	NAME_GENERIC, /* "ng0n1", a namespace's generic character device */
};

/* Advance *s past the decimal digits there. Returns false if there are none. */
static bool skip_digits(const char **s)
{
	const char *start = *s;

	while (isdigit((unsigned char)**s))
		(*s)++;
	return *s != start;
}

/* Advance *s past character @c and the digits after it. Returns false if they are not
 * there, and then *s may point anywhere. */
static bool skip_tagged(const char **s, char c)
{
	if (**s != c)
		return false;
	(*s)++;
	return skip_digits(s);
}

static enum name_kind classify(const char *name)
{
	const char *s = name;

	if (!strncmp(s, "ng", 2)) {
		s += 2;
		return skip_digits(&s) && skip_tagged(&s, 'n') && !*s ? NAME_GENERIC : NAME_NONE;
	}
	if (strncmp(s, "nvme", 4))
		return NAME_NONE;
	s += 4;
	if (!skip_digits(&s))
		return NAME_NONE;
	if (!*s)
		return NAME_CTRL;
	if (*s == 'c' && !skip_tagged(&s, 'c'))
		return NAME_NONE;
	if (!skip_tagged(&s, 'n'))
		return NAME_NONE;
	if (*s == 'p' && !skip_tagged(&s, 'p'))
		return NAME_NONE;
	return *s ? NAME_NONE : NAME_BLOCK;
}

static const char *base_name(const char *dev)
{
	return strncmp(dev, DEV_PREFIX, strlen(DEV_PREFIX)) ? dev : dev + strlen(DEV_PREFIX);
}

bool nvmu_pci_is_kernel_nvme(const char *dev)
{
	return dev && classify(base_name(dev)) != NAME_NONE;
}

/* True if folder @p real is the sysfs folder of controller @p name, the target of
 * <sys>/class/nvme/<name>. */
static bool is_ctrl_folder(const char *real, const char *name)
{
	char path[PATH_MAX], ctrl_real[PATH_MAX];

	return !strncmp(name, "nvme", 4) && !pcifs_sys_path(path, "/class/nvme/%s", name) &&
	       realpath(path, ctrl_real) && !strcmp(ctrl_real, real);
}

/* Find the controller whose folder holds sysfs folder @p real by walking up the path
 * until a folder is one. Returns true with its name in @p ctrl, or false. */
static bool ctrl_above(const char *real, char ctrl[NVMU_PCI_NAME_LEN])
{
	char path[PATH_MAX];
	char *slash;

	strcpy(path, real);
	while ((slash = strrchr(path, '/')) && slash != path) {
		if (strlen(slash + 1) < NVMU_PCI_NAME_LEN && is_ctrl_folder(path, slash + 1)) {
			strcpy(ctrl, slash + 1);
			return true;
		}
		*slash = '\0';
	}
	return false;
}

/* A native-multipath head (nvme0n1 under nvme-subsystem) has no controller above it, but
 * its path devices have. They are listed in <head>/multipath, or in its disk's folder for
 * a partition. Returns true with the controller of the first path in @p ctrl, or false. */
static bool ctrl_of_head(const char *real, char ctrl[NVMU_PCI_NAME_LEN])
{
	static const char *const where[] = { "", "/.." };
	char dir[PATH_MAX + 16], link[2 * PATH_MAX], path_real[PATH_MAX];
	char **names;
	size_t n;
	bool found = false;

	for (size_t w = 0; w < 2 && !found; w++) {
		snprintf(dir, sizeof(dir), "%s%s/multipath", real, where[w]);
		if (pcifs_list_dir(dir, &names, &n))
			continue;
		if (n &&
		    (size_t)snprintf(link, sizeof(link), "%s/%s", dir, names[0]) < sizeof(link) &&
		    realpath(link, path_real))
			found = ctrl_above(path_real, ctrl);
		pcifs_free_names(names, n);
	}
	return found;
}

/* Find the controller behind device @p name of kind @p kind and put its name in @p ctrl.
 * Returns 0, or -ENODEV with a message that names @p dev as the user wrote it. */
static int find_ctrl(const char *dev, const char *name, enum name_kind kind,
		     char ctrl[NVMU_PCI_NAME_LEN])
{
	static const char *const class_of[] = {
		[NAME_CTRL] = "nvme", [NAME_BLOCK] = "block", [NAME_GENERIC] = "nvme-generic",
	};
	char path[PATH_MAX], real[PATH_MAX];

	if (pcifs_sys_path(path, "/class/%s/%s", class_of[kind], name) || !realpath(path, real)) {
		/* A generic device of a multipath head has no multipath folder: its block
		 * device ("ng0n1" -> "nvme0n1") has. */
		if (kind == NAME_GENERIC && strlen(name) + 2 < NVMU_PCI_NAME_LEN) {
			char block[NVMU_PCI_NAME_LEN];

			strcpy(block, "nvme");
			strcat(block, name + 2);
			if (!find_ctrl(dev, block, NAME_BLOCK, ctrl))
				return 0;
		}
		return nvmu_fail(ENODEV, "%s: no such NVMe device in sysfs (%s); 'nvmu list' shows "
				 "the NVMe functions and their drivers", dev, path);
	}
	if (kind == NAME_CTRL) {
		strcpy(ctrl, name);
		return 0;
	}
	if (ctrl_above(real, ctrl) || ctrl_of_head(real, ctrl))
		return 0;
	return nvmu_fail(ENODEV, "%s: no NVMe controller found above %s in sysfs", dev, real);
}

int nvmu_pci_kernel_nvme_addr(const char *dev, char addr[NVMU_PCI_ADDR_LEN], char *ctrl_out)
{
	char ctrl[NVMU_PCI_NAME_LEN], path[PATH_MAX], transport[32], pci[NVMU_PCI_NAME_LEN];
	const char *name = dev ? base_name(dev) : "";
	enum name_kind kind = classify(name);
	int ret;

	if (kind == NAME_NONE)
		return nvmu_fail(EINVAL, "'%s' is not a kernel NVMe device (expected /dev/nvme0, "
				 "/dev/nvme0n1, /dev/nvme0n1p1 or /dev/ng0n1)", dev ? dev : "");
	ret = find_ctrl(dev, name, kind, ctrl);
	if (ret < 0)
		return ret;
	if (pcifs_sys_path(path, "/class/nvme/%s/transport", ctrl) ||
	    pcifs_read_text(path, transport, sizeof(transport)))
		return nvmu_fail(ENODEV, "%s: controller %s has no transport in sysfs (%s)", dev,
				 ctrl, path);
	if (strcmp(transport, "pcie"))
		return nvmu_fail(ENOTSUP, "%s belongs to NVMe controller %s, which the kernel "
				 "reaches over '%s', not PCIe: nvmu drives PCIe controllers only",
				 dev, ctrl, transport);
	if (pcifs_sys_path(path, "/class/nvme/%s/device", ctrl) ||
	    pcifs_link_name(path, pci, sizeof(pci)) || pcifs_normalise_addr(pci, addr))
		return nvmu_fail(ENODEV, "%s: controller %s has no PCI device in sysfs (%s)", dev,
				 ctrl, path);
	if (ctrl_out)
		strcpy(ctrl_out, ctrl);
	return 0;
}
