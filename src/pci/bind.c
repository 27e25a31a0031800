/* SPDX-License-Identifier: MIT */
/*
 * Binding to vfio-pci and back through sysfs: driver_override, the drivers' unbind/bind
 * files and drivers_probe. The driver a device had is remembered in the state folder
 * (one file per address) so unbinding returns the device to it.
 */
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nvmu/pci.h"
#include "pci/pcifs.h"

#define VFIO_PCI "vfio-pci"

static int write_attr(const char *value, const char *fmt, ...) NVMU_PRINTF(2, 3);

/* Write @p value to the sysfs file <sys root><formatted path>. Returns 0, or the negative
 * errno with a message that names the file, so the user can see which step failed. */
static int write_attr(const char *value, const char *fmt, ...)
{
	char rel[PATH_MAX], shown[PATH_MAX];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (ret < 0 || (size_t)ret >= sizeof(rel))
		return nvmu_fail(ENAMETOOLONG, "sysfs path %.64s... is too long", rel);
	ret = pcifs_write_sys(rel, value);
	if (!ret)
		return 0;
	if (pcifs_sys_path(shown, "%s", rel))
		snprintf(shown, sizeof(shown), "%s", rel);
	return nvmu_fail(-ret, "cannot write '%s' to %s: %s%s",
			 value[0] == '\n' ? "\\n" : value, shown, strerror(-ret),
			 ret == -EACCES || ret == -EPERM ? " (binding drivers needs root)" : "");
}

static int set_override(const char *addr, const char *driver)
{
	return write_attr(driver, "/bus/pci/devices/%s/%s", addr, "driver_override");
}

static int unbind_from(const char *addr, const char *driver)
{
	return write_attr(addr, "/bus/pci/drivers/%s/%s", driver, "unbind");
}

static int bind_to(const char *addr, const char *driver)
{
	return write_attr(addr, "/bus/pci/drivers/%s/%s", driver, "bind");
}

/* Ask the kernel to find a driver for the device. The kernel honours driver_override, so
 * after set_override() this picks that driver. */
static int probe(const char *addr)
{
	return write_attr(addr, "/bus/pci/drivers_probe");
}

/* Put the name of the driver bound to @p addr now in @p buf, or "" if there is none. */
static void current_driver(const char *addr, char *buf, size_t len)
{
	char path[PATH_MAX];

	if (pcifs_sys_path(path, "/bus/pci/devices/%s/driver", addr) ||
	    pcifs_link_name(path, buf, len))
		buf[0] = '\0';
}

/* ---- the state folder -------------------------------------------------------------- */

/* <state>/<addr>.driver holds the driver a device had before it was bound to vfio-pci. */

static int state_file(const char *addr, char *path)
{
	return pcifs_state_path(path, "/%s.driver", addr);
}

static int remember_driver(const char *addr, const char *driver)
{
	char path[PATH_MAX];
	FILE *f;

	if (state_file(addr, path))
		return nvmu_fail(ENAMETOOLONG, "state folder path %s is too long",
				 pcifs_state_dir());
	if (!driver[0]) {
		/* The device had no driver. A record left from an earlier bind must go, or an
		 * unbind would send the device to that old driver. */
		unlink(path);
		return 0;
	}
	if (mkdir(pcifs_state_dir(), 0755) && errno != EEXIST)
		return nvmu_fail(errno, "cannot create state folder %s: %s", pcifs_state_dir(),
				 strerror(errno));
	f = fopen(path, "we");
	if (!f)
		return nvmu_fail(errno, "cannot record the driver of %s in %s: %s", addr, path,
				 strerror(errno));
	fprintf(f, "%s\n", driver);
	if (fclose(f))
		return nvmu_fail(errno, "cannot record the driver of %s in %s: %s", addr, path,
				 strerror(errno));
	return 0;
}

/* Put the driver recorded for @p addr in @p buf, or "" if none was recorded. */
static void remembered_driver(const char *addr, char *buf, size_t len)
{
	char path[PATH_MAX];

	if (state_file(addr, path) || pcifs_read_text(path, buf, len))
		buf[0] = '\0';
}

static void forget_driver(const char *addr)
{
	char path[PATH_MAX];

	if (!state_file(addr, path))
		unlink(path);
}

/* ---- bind ------------------------------------------------------------------------- */

static int check_bindable(const struct nvmu_pci_dev *dev, unsigned flags)
{
	char users[768];
	int ret;

	if (dev->iommu_group < 0)
		return nvmu_fail(EINVAL,
				 "%s has no IOMMU group: the IOMMU is off. Enable it with "
				 "intel_iommu=on (Intel) or amd_iommu=on (AMD) on the kernel "
				 "command line and VT-d / AMD-Vi in the firmware setup, then "
				 "reboot", dev->addr);
	if (!nvmu_pci_driver_loaded(VFIO_PCI))
		return nvmu_fail(ENOENT, "vfio-pci driver is not loaded: run 'modprobe vfio-pci'");
	if (flags & NVMU_PCI_BIND_FORCE)
		return 0;
	ret = nvmu_pci_check_in_use(dev->addr, users, sizeof(users));
	if (ret == -EBUSY)
		return nvmu_fail(EBUSY, "refusing to bind %s: %s (unmount/stop them first, or "
				 "pass --force)", dev->addr, users);
	return ret;
}

/* Put a device whose bind failed back where it was, as far as that is possible. Errors are
 * ignored: the caller reports the failure of the bind, which is what the user needs. */
static void undo_bind(const struct nvmu_pci_dev *dev)
{
	char now[NVMU_PCI_NAME_LEN];

	set_override(dev->addr, "\n");
	current_driver(dev->addr, now, sizeof(now));
	if (!now[0] && !(dev->driver[0] && !bind_to(dev->addr, dev->driver)))
		probe(dev->addr);
	forget_driver(dev->addr);
}

/* Detach @p dev from its driver and let vfio-pci (named by driver_override) take it. */
static int switch_to_vfio(const struct nvmu_pci_dev *dev)
{
	int ret = set_override(dev->addr, VFIO_PCI);

	if (!ret && dev->driver[0])
		ret = unbind_from(dev->addr, dev->driver);
	if (!ret)
		ret = probe(dev->addr);
	return ret;
}

int nvmu_pci_bind_vfio(const char *addr, unsigned flags)
{
	char now[NVMU_PCI_NAME_LEN];
	struct nvmu_pci_dev dev;
	int ret = nvmu_pci_get(addr, &dev);

	if (ret)
		return ret;
	if (!strcmp(dev.driver, VFIO_PCI))
		return 0;
	ret = check_bindable(&dev, flags);
	if (!ret)
		ret = remember_driver(dev.addr, dev.driver);
	if (ret)
		return ret;
	ret = switch_to_vfio(&dev);
	if (ret) {
		char why[512];

		snprintf(why, sizeof(why), "%s", nvmu_last_error());
		undo_bind(&dev);
		return nvmu_fail(-ret, "cannot bind %s to vfio-pci: %s", dev.addr, why);
	}
	current_driver(dev.addr, now, sizeof(now));
	if (strcmp(now, VFIO_PCI)) {
		undo_bind(&dev);
		if (now[0])
			return nvmu_fail(EIO, "cannot bind %s to vfio-pci: after probing it is on "
					 "%s instead", dev.addr, now);
		return nvmu_fail(EIO, "cannot bind %s to vfio-pci: vfio-pci did not take it after "
				 "probing (see 'dmesg' for why)", dev.addr);
	}
	nvmu_log(NVMU_LOG_INFO, "%s: bound to vfio-pci (was %s)", dev.addr,
		 dev.driver[0] ? dev.driver : "no driver");
	return 0;
}

/* ---- unbind ----------------------------------------------------------------------- */

/* True if driver_override names vfio-pci. A device without a driver is still ours to give
 * back when a bind left it so. */
static bool override_is_vfio(const char *addr)
{
	char path[PATH_MAX], text[NVMU_PCI_NAME_LEN];

	return !pcifs_sys_path(path, "/bus/pci/devices/%s/driver_override", addr) &&
	       !pcifs_read_text(path, text, sizeof(text)) && !strcmp(text, VFIO_PCI);
}

/* Hand a device without a driver to @p driver, or to whatever the kernel picks. */
static int give_back(const char *addr, const char *driver)
{
	if (driver[0] && nvmu_pci_driver_loaded(driver) && !bind_to(addr, driver))
		return 0;
	return probe(addr);
}

int nvmu_pci_unbind_vfio(const char *addr)
{
	char prev[NVMU_PCI_NAME_LEN], now[NVMU_PCI_NAME_LEN];
	struct nvmu_pci_dev dev;
	int ret = nvmu_pci_get(addr, &dev);

	if (ret)
		return ret;
	if (strcmp(dev.driver, VFIO_PCI) && !(!dev.driver[0] && override_is_vfio(dev.addr)))
		return 0;
	remembered_driver(dev.addr, prev, sizeof(prev));
	ret = set_override(dev.addr, "\n");
	if (!ret && dev.driver[0])
		ret = unbind_from(dev.addr, VFIO_PCI);
	if (!ret)
		ret = give_back(dev.addr, prev);
	if (ret)
		return nvmu_fail_context(-ret, "cannot return %s to %s", dev.addr,
					 prev[0] ? prev : "its driver");
	current_driver(dev.addr, now, sizeof(now));
	if (prev[0] && strcmp(now, prev))
		return nvmu_fail(EIO, "%s left vfio-pci but %s did not take it back (%s; see "
				 "'dmesg' for why)", dev.addr, prev,
				 now[0] ? now : "it has no driver");
	forget_driver(dev.addr);
	nvmu_log(NVMU_LOG_INFO, "%s: returned to %s", dev.addr, now[0] ? now : "no driver");
	return 0;
}
