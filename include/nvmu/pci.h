/* SPDX-License-Identifier: MIT */
/**
 * @file pci.h
 * @brief PCI layer: sysfs discovery of NVMe functions, binding to vfio-pci and back.
 *
 * Everything here reads and writes sysfs and procfs files; nothing touches the device
 * itself. The roots of those trees are configurable (nvmu_pci_set_roots()) so tests can
 * run against a fake tree.
 *
 * Binding a device to vfio-pci detaches it from its kernel driver, so nvmu refuses to do
 * it while the device's namespaces are in use (mounted in any mount namespace, swap, held
 * by dm/md/LVM, root filesystem, open in a process, claimed by the kernel) unless asked
 * to with NVMU_PCI_BIND_FORCE. The previous driver is recorded
 * in a state folder so nvmu_pci_unbind_vfio() can give the device back to it.
 *
 * Every function that can fail returns 0 or a negative errno and leaves a message for
 * nvmu_last_error().
 */
#ifndef NVMU_PCI_H
#define NVMU_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nvmu/support.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Room for a normalised PCI address "dddd:bb:ss.f" (domains up to 8 hex digits) + NUL. */
#define NVMU_PCI_ADDR_LEN 20
/** Room for a kernel driver or device name ("vfio-pci", "nvme0") + NUL. */
#define NVMU_PCI_NAME_LEN 64

/** PCI class code (base class, subclass) of NVMe controllers; the low byte is the prog-if. */
#define NVMU_PCI_CLASS_NVME 0x0108

/** What sysfs says about one PCI function. */
struct nvmu_pci_dev {
	char addr[NVMU_PCI_ADDR_LEN];       /**< "0000:00:10.0" */
	uint16_t vendor;                    /**< vendor ID */
	uint16_t device;                    /**< device ID */
	uint16_t subsystem_vendor;          /**< subsystem vendor ID */
	uint16_t subsystem_device;          /**< subsystem device ID */
	uint32_t class_code;                /**< 24-bit class code, e.g. 0x010802 */
	uint8_t revision;                   /**< revision ID */
	char driver[NVMU_PCI_NAME_LEN];     /**< bound kernel driver, "" if none */
	int iommu_group;                    /**< IOMMU group number, -1 if none (IOMMU off) */
	int numa_node;                      /**< NUMA node, -1 if unknown */
	bool is_vf;                         /**< an SR-IOV virtual function */
	char physfn[NVMU_PCI_ADDR_LEN];     /**< for a VF: its physical function, else "" */
	int sriov_totalvfs;                 /**< VFs the PF supports, 0 if not SR-IOV capable */
	int sriov_numvfs;                   /**< VFs currently enabled */
	char nvme_ctrl[NVMU_PCI_NAME_LEN];  /**< on the kernel nvme driver: "nvme0", else "" */
};

/** Flags of nvmu_pci_bind_vfio(). */
enum nvmu_pci_bind_flags {
	NVMU_PCI_BIND_FORCE = 1u << 0, /**< bind even if the device's namespaces are in use */
};

/**
 * Use @p sys_root, @p proc_root and @p state_dir instead of "/sys", "/proc" and
 * "/run/nvmu" (NULL restores a default). Device nodes are then looked up in the folder
 * "dev" next to @p sys_root instead of "/dev", so a fake tree never reaches real devices.
 * For tests; not thread-safe against other nvmu_pci_* calls. Returns 0, or
 * -ENAMETOOLONG.
 */
NVMU_API int nvmu_pci_set_roots(const char *sys_root, const char *proc_root,
				 const char *state_dir);

/**
 * Parse a PCI address "DDDD:BB:SS.F" or "BB:SS.F" (hex, any case) into the normalised
 * lowercase form "dddd:bb:ss.f" in @p out. Returns 0, or -EINVAL for anything else.
 */
NVMU_API int nvmu_pci_parse_addr(const char *text, char out[NVMU_PCI_ADDR_LEN]);

/**
 * nvmu_pci_parse_addr() for a caller that only asks whether @p text is a PCI address (a
 * device-string parser trying its forms): no failure message is left. Returns true, with
 * the normalised form in @p out, or false.
 */
NVMU_API bool nvmu_pci_is_addr(const char *text, char out[NVMU_PCI_ADDR_LEN]);

/**
 * True if @p dev looks like a device of the kernel NVMe driver, with or without "/dev/": a
 * controller ("nvme0"), a namespace ("nvme0n1"), a partition ("nvme0n1p1"), a path device
 * ("nvme0c0n1") or a generic namespace device ("ng0n1"). Looks at the text only.
 */
NVMU_API bool nvmu_pci_is_kernel_nvme(const char *dev);

/**
 * The PCI address of the controller behind kernel NVMe device @p dev (a name that
 * nvmu_pci_is_kernel_nvme() accepts), read from sysfs: the controller whose folder holds
 * the device's (or, for a native-multipath head, one of its paths'), then
 * <sys>/class/nvme/<ctrl>/device. @p ctrl, if not NULL, gets the controller's name
 * ("nvme0"; NVMU_PCI_NAME_LEN bytes). Returns 0; -EINVAL (not such a name); -ENODEV (no
 * such device in sysfs); -ENOTSUP (the controller is not on PCIe, e.g. NVMe over TCP: the
 * message names its transport).
 */
NVMU_API int nvmu_pci_kernel_nvme_addr(const char *dev, char addr[NVMU_PCI_ADDR_LEN], char *ctrl);

/**
 * Read what sysfs knows about the function at @p addr (any accepted address form).
 * Returns 0, -EINVAL for a malformed address, or -ENODEV if there is no such function.
 */
NVMU_API int nvmu_pci_get(const char *addr, struct nvmu_pci_dev *dev);

/**
 * List every NVMe function (class 0x0108xx), sorted by address. On success *devs is an
 * array of *n entries (NULL when *n is 0) to release with nvmu_pci_free_list().
 * Returns 0, -ENOENT if the PCI bus is not in sysfs, or -ENOMEM.
 */
NVMU_API int nvmu_pci_list_nvme(struct nvmu_pci_dev **devs, size_t *n);

/**
 * List every function (any class) in IOMMU group @p group, sorted by address; released
 * with nvmu_pci_free_list(). Returns 0, -ENOENT if the group does not exist, or -ENOMEM.
 */
NVMU_API int nvmu_pci_group_devices(int group, struct nvmu_pci_dev **devs, size_t *n);

/** Release an array from nvmu_pci_list_nvme() or nvmu_pci_group_devices(); NULL is fine. */
NVMU_API void nvmu_pci_free_list(struct nvmu_pci_dev *devs);

/** True if the kernel driver @p name is registered on the PCI bus (e.g. "vfio-pci"). */
NVMU_API bool nvmu_pci_driver_loaded(const char *name);

/**
 * Check whether the namespaces of the device at @p addr (and their partitions) are in
 * use: mounted (matched by major:minor, or by name; in our mount namespace or another
 * process's), holding the root filesystem, used as swap, held by a dm/md/LVM device, open
 * in a process (/proc/PID/fd), or claimed by the kernel (an exclusive open of the node
 * fails with EBUSY: a ZFS pool, a btrfs member, an exclusive opener). Returns 0 if
 * nothing uses them, or -EBUSY and writes the users to @p msg (e.g. "nvme0n1p1 is mounted
 * on /boot; nvme0n1p2 is used as swap"); @p msg may be NULL. Other negative errnos if the
 * device cannot be inspected. Processes it may not inspect (without privileges) are
 * skipped; run it as root.
 */
NVMU_API int nvmu_pci_check_in_use(const char *addr, char *msg, size_t len);

/**
 * Bind the device at @p addr to vfio-pci: set driver_override, unbind it from its
 * current driver (remembered in the state folder), and probe it. Returns 0 (also when it
 * is already on vfio-pci), -EINVAL if it has no IOMMU group (the IOMMU is off), -ENOENT
 * if vfio-pci is not loaded, -EBUSY if its namespaces are in use and @p flags lacks
 * NVMU_PCI_BIND_FORCE, -EIO if the device did not end up on vfio-pci, or the errno of a
 * failed sysfs access. The library never loads modules itself.
 */
NVMU_API int nvmu_pci_bind_vfio(const char *addr, unsigned flags);

/**
 * Give a device on vfio-pci back to the driver it had before nvmu_pci_bind_vfio() (or to
 * whatever driver the kernel picks if none was recorded): clear driver_override, unbind
 * from vfio-pci, bind. Returns 0 (also when the device is not on vfio-pci), -EIO if the
 * remembered driver did not take the device, or the errno of a failed sysfs access.
 */
NVMU_API int nvmu_pci_unbind_vfio(const char *addr);

/* ---- SR-IOV ----------------------------------------------------------------------- */

/**
 * The address of VF number @p index + 1 of PF @p pf (sysfs link virtfn<index>) into
 * @p addr. Returns 0, -EINVAL (bad address) or -ENODEV (no such VF enabled).
 */
NVMU_API int nvmu_pci_vf_addr(const char *pf, unsigned index, char addr[NVMU_PCI_ADDR_LEN]);

/**
 * Enable @p n VFs on @p pf (0 disables them) through its sriov_numvfs file. Returns 0;
 * -ENOTSUP (not SR-IOV capable), -EINVAL (more than sriov_totalvfs), -ENOENT (the PF is on
 * vfio-pci without enable_sriov: the message says how to set it), -EBUSY (VFs are enabled
 * already), or the errno of the write.
 */
NVMU_API int nvmu_pci_set_numvfs(const char *pf, int n);

/**
 * Whether vfio-pci lets the user of a PF enable VFs (its enable_sriov parameter) in *on.
 * Returns 0, or -ENOENT if vfio-pci is not loaded or has no such parameter.
 */
NVMU_API int nvmu_pci_vfio_sriov_enabled(bool *on);

/**
 * Turn vfio-pci's enable_sriov parameter on (it is writable at run time). Returns 0 (also
 * when it is on already), -ENOENT (vfio-pci not loaded), or the errno of the write.
 */
NVMU_API int nvmu_pci_vfio_enable_sriov(void);

/**
 * Count the other processes that have the function at @p addr open through VFIO (its
 * IOMMU group's /dev/vfio/N node in their file table) and name them in @p msg ("pid 42
 * (nvmu), pid 43 (qemu-system-x86)"; may be NULL). Returns the count, or a negative errno
 * (-ENODEV no such device).
 */
NVMU_API int nvmu_pci_vfio_users(const char *addr, char *msg, size_t len);

#ifdef __cplusplus
}
#endif
#endif
