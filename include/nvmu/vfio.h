/* SPDX-License-Identifier: MIT */
/**
 * @file vfio.h
 * @brief VFIO layer: container, IOMMU groups, devices, regions (BARs, config space),
 *        interrupts (MSI-X, INTx, error and device-request eventfds), reset.
 *
 * A container (/dev/vfio/vfio) holds the IOMMU groups of the devices a process drives;
 * all of them share one IOVA space. Opening a device by PCI address opens and attaches
 * its group, checks that the group is viable, and fails with a message that says what
 * is wrong and what to do (device still bound to the kernel driver, IOMMU off, group
 * shared with devices on other drivers, permission, group busy).
 *
 * The IOMMU backend (type1) is reached through iommu.h (nvmu_iommu_open_vfio()), so the
 * container stays independent of how DMA mappings are made.
 */
#ifndef NVMU_VFIO_H
#define NVMU_VFIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nvmu/support.h"

#ifdef __cplusplus
extern "C" {
#endif

struct nvmu_vfio_container;
struct nvmu_vfio_device;

/**
 * Open /dev/vfio/vfio and check the VFIO API version and type1 IOMMU support.
 * Returns 0 and sets *out; -ENOENT if vfio is not loaded, -EACCES without permission,
 * -ENOTSUP for an unknown API version or no type1v2 backend, -ENOMEM, or the errno of
 * open().
 */
NVMU_API int nvmu_vfio_container_open(struct nvmu_vfio_container **out);

/**
 * Close the container. Every device opened in it must be closed first; a group still in
 * use is closed anyway, with a warning in the log. NULL is ignored.
 */
NVMU_API void nvmu_vfio_container_close(struct nvmu_vfio_container *c);

/** Returns the container's file descriptor, which IOMMU backends issue their ioctls on. */
NVMU_API int nvmu_vfio_container_fd(const struct nvmu_vfio_container *c);

/**
 * True once a group is attached and the IOMMU type is set, since only then can DMA
 * mappings be made.
 */
NVMU_API bool nvmu_vfio_container_ready(const struct nvmu_vfio_container *c);

/** Options for nvmu_vfio_device_open(); zero-initialised means defaults. */
struct nvmu_vfio_device_opts {
	size_t opts_size; /**< sizeof(the structure) as built, or 0 (see support.h) */
	/**
	 * VF token (a UUID) shared with the PF's driver; needed to open an SR-IOV VF whose
	 * PF is bound to vfio-pci. NULL when not needed.
	 */
	const char *vf_token;
};

/**
 * Open the PCI device at @p addr (DDDD:BB:SS.F or BB:SS.F) bound to vfio-pci, in
 * container @p c. Returns 0 and sets *out, or a negative errno with a message:
 * -EINVAL bad address, -ENODEV no such device or no IOMMU group (IOMMU off),
 * -EBUSY bound to another driver or group/device in use, -EPERM group not viable,
 * -EACCES permission.
 */
NVMU_API int nvmu_vfio_device_open(struct nvmu_vfio_container *c, const char *addr,
				   const struct nvmu_vfio_device_opts *opts,
				   struct nvmu_vfio_device **out);

/**
 * Open the device at @p addr in a container of its own: checks the device first (so a
 * wrong address or driver is reported as such), then opens the container and the device.
 * Close with nvmu_vfio_device_close() then nvmu_vfio_container_close().
 * Returns 0, or a negative errno as nvmu_vfio_device_open() and nvmu_vfio_container_open()
 * do.
 */
NVMU_API int nvmu_vfio_open(const char *addr, const struct nvmu_vfio_device_opts *opts,
			    struct nvmu_vfio_container **container, struct nvmu_vfio_device **out);

/**
 * Disable the device's interrupts, unmap its BARs and close it, and its group when no
 * other device uses the group. NULL is ignored.
 */
NVMU_API void nvmu_vfio_device_close(struct nvmu_vfio_device *d);

/** Returns the device's normalised PCI address ("0000:00:10.0"). */
NVMU_API const char *nvmu_vfio_device_addr(const struct nvmu_vfio_device *d);

/** Returns the device's VFIO file descriptor. */
NVMU_API int nvmu_vfio_device_fd(const struct nvmu_vfio_device *d);

/** Returns the number of the device's IOMMU group. */
NVMU_API int nvmu_vfio_device_group(const struct nvmu_vfio_device *d);

/* ---- regions ---------------------------------------------------------------------- */

/** Region indexes of a vfio-pci device. */
enum nvmu_vfio_region_index {
	NVMU_VFIO_BAR0 = 0,
	NVMU_VFIO_BAR5 = 5,
	NVMU_VFIO_ROM = 6,
	NVMU_VFIO_CONFIG = 7,
};

#define NVMU_VFIO_MAX_SPARSE 8

/** What VFIO says about one region. */
struct nvmu_vfio_region {
	uint32_t index;
	uint64_t size;
	uint64_t offset; /**< offset of the region in the device fd */
	bool readable, writable, mmappable;
	/** The MSI-X table in this BAR may be mmapped too, as IRQ remapping protects it. */
	bool msix_mappable;
	/** The number of mmappable sub-areas. 0 means the whole region, if it is mmappable. */
	uint32_t nr_sparse;
	struct {
		uint64_t offset, size;
	} sparse[NVMU_VFIO_MAX_SPARSE];
};

/**
 * Fill *r with the description of region @p index. Returns 0, -EINVAL if the device has
 * no such region, or the errno of the ioctl (-ENOMEM if the answer cannot be stored).
 */
NVMU_API int nvmu_vfio_region_info(struct nvmu_vfio_device *d, uint32_t index,
				   struct nvmu_vfio_region *r);

/**
 * Map BAR @p bar into the process. The whole BAR gets a contiguous range of address
 * space; only the areas VFIO allows to be mmapped (the sparse-mmap capability: QEMU's
 * NVMe keeps its MSI-X table inside BAR0) are backed by the device, the rest stays
 * inaccessible and must be reached with nvmu_vfio_region_read/write().
 * Returns 0 and sets *base and *size; mapping twice returns the same base. Fails with
 * -EINVAL for a BAR number above 5, -ENODEV if the device has no such BAR, -ENOTSUP if
 * it cannot be mmapped, -ENOSPC if too many ranges are guarded, or the errno of mmap().
 */
NVMU_API int nvmu_vfio_map_bar(struct nvmu_vfio_device *d, unsigned bar, void **base,
			       size_t *size);

/** True if [off, off+len) of BAR @p bar is directly accessible through its mapping. */
NVMU_API bool nvmu_vfio_bar_range_mapped(const struct nvmu_vfio_device *d, unsigned bar,
					 uint64_t off, uint64_t len);

/**
 * True once an access to one of the device's BAR mappings faulted (SIGBUS: the device was
 * removed, its memory decoding turned off, or it is being reset). nvmu guards every BAR
 * mapping from its creation: the dead range is replaced by memory that reads all-ones, so
 * register reads return 0xffffffff and the process keeps running. Treat the device as gone.
 */
NVMU_API bool nvmu_vfio_device_mmio_lost(const struct nvmu_vfio_device *d);

/** Unmap BAR @p bar; nothing happens if it is not mapped. */
NVMU_API void nvmu_vfio_unmap_bar(struct nvmu_vfio_device *d, unsigned bar);

/**
 * Read @p len bytes at @p off of region @p index through the device fd. Returns 0,
 * -EINVAL if the range lies beyond the region, -EIO for a short read, or -errno.
 */
NVMU_API int nvmu_vfio_region_read(struct nvmu_vfio_device *d, uint32_t index, uint64_t off,
				   void *buf, size_t len);

/**
 * Write @p len bytes at @p off of region @p index through the device fd. Returns 0,
 * -EINVAL if the range lies beyond the region, -EIO for a short write, or -errno.
 */
NVMU_API int nvmu_vfio_region_write(struct nvmu_vfio_device *d, uint32_t index, uint64_t off,
				    const void *buf, size_t len);

/** Read a little-endian value of PCI config space. Returns 0 or -errno. */
NVMU_API int nvmu_vfio_config_read16(struct nvmu_vfio_device *d, uint32_t off, uint16_t *val);
NVMU_API int nvmu_vfio_config_read32(struct nvmu_vfio_device *d, uint32_t off, uint32_t *val);
/** Write a little-endian value of PCI config space. Returns 0 or -errno. */
NVMU_API int nvmu_vfio_config_write16(struct nvmu_vfio_device *d, uint32_t off, uint16_t val);

/** Turn PCI bus mastering (DMA by the device) on or off. Returns 0 or -errno. */
NVMU_API int nvmu_vfio_set_bus_master(struct nvmu_vfio_device *d, bool on);

/** True if VFIO can reset the device (FLR or another method). */
NVMU_API bool nvmu_vfio_can_reset(const struct nvmu_vfio_device *d);

/**
 * Reset the function (FLR where available). Returns 0, -ENOTSUP if VFIO cannot reset
 * it, or the errno of the reset.
 */
NVMU_API int nvmu_vfio_reset(struct nvmu_vfio_device *d);

/* ---- interrupts ------------------------------------------------------------------- */

/** IRQ indexes of a vfio-pci device. */
enum nvmu_vfio_irq_index {
	NVMU_VFIO_IRQ_INTX = 0,
	NVMU_VFIO_IRQ_MSI = 1,
	NVMU_VFIO_IRQ_MSIX = 2,
	NVMU_VFIO_IRQ_ERR = 3, /**< AER error notification */
	/** Device request: the kernel wants the device back, for a hot-remove. */
	NVMU_VFIO_IRQ_REQ = 4,
};

/**
 * Returns the number of vectors of interrupt @p index, or 0 if the device lacks it. If
 * @p flags is not NULL it gets VFIO's flags for the interrupt (0 if absent).
 */
NVMU_API uint32_t nvmu_vfio_irq_count(struct nvmu_vfio_device *d, uint32_t index,
				      uint32_t *flags);

/**
 * Connect eventfds to vectors [first, first+n) of interrupt @p index (MSI-X, INTx, ERR
 * or REQ); an fd of -1 disconnects that vector. Returns 0, -EINVAL (naming the vector
 * count) when the vectors are out of range, -ENOMEM, or the errno of the ioctl.
 */
NVMU_API int nvmu_vfio_irq_set_eventfds(struct nvmu_vfio_device *d, uint32_t index,
					uint32_t first, uint32_t n, const int *fds);

/** Disable every vector of interrupt @p index. Returns 0 or -errno. */
NVMU_API int nvmu_vfio_irq_disable(struct nvmu_vfio_device *d, uint32_t index);

/**
 * Unmask INTx after handling it, since VFIO masks the line when it fires. Returns 0 or
 * the -errno of the ioctl.
 */
NVMU_API int nvmu_vfio_intx_unmask(struct nvmu_vfio_device *d);

/**
 * Wait up to @p timeout_ms for eventfd @p fd to fire; returns the number of events
 * counted (>0), 0 on timeout, or -errno.
 */
NVMU_API int64_t nvmu_vfio_eventfd_wait(int fd, int timeout_ms);

/* ---- info queries and capability chains -------------------------------------------- */

/*
 * VFIO answers its "get info" ioctls (region, IRQ and IOMMU info) with a structure that
 * starts with argsz and may carry a chain of capabilities. Reading them is part of this
 * layer's interface because every VFIO client needs it, not only the device code: the
 * type1 IOMMU backend (nvmu_iommu_open_vfio()) reads the container's IOVA ranges and DMA
 * limit this way, and an application issuing its own VFIO ioctls can too.
 */

/* Declared in <linux/vfio.h>, which this header does not need to include. */
struct vfio_info_cap_header;

/**
 * Run a VFIO "get info" ioctl @p request on @p fd whose answer may carry capabilities:
 * @p query (of @p size bytes, with argsz and any input fields set) is sent once, and again
 * with the larger argsz the kernel asked for. Returns the malloc'd answer (free() it), or
 * NULL with errno set.
 */
NVMU_API void *nvmu_vfio_query_info(int fd, unsigned long request, const void *query,
				    size_t size);

/**
 * Returns the capability of @p id in the chain of an info structure of @p argsz bytes
 * whose first capability is at offset @p first (0 if it has none), provided at least
 * @p min_size bytes of it lie inside the structure; otherwise NULL. A chain that points
 * outside the structure or backwards ends the walk. Capabilities may sit at 4-byte
 * offsets: copy fields out of the result rather than casting it to a larger structure.
 */
NVMU_API const struct vfio_info_cap_header *nvmu_vfio_find_cap(const void *info,
								uint32_t argsz, uint32_t first,
								uint16_t id, size_t min_size);

/* ---- SR-IOV ----------------------------------------------------------------------- */

/**
 * Set the VF token (a UUID string) on PF @p pf, as required before its VFs can be opened.
 * Returns 0, -EINVAL if @p uuid is not a UUID, or the errno of the ioctl (the message
 * says to load vfio-pci with enable_sriov=1 when the kernel lacks the feature).
 */
NVMU_API int nvmu_vfio_set_vf_token(struct nvmu_vfio_device *pf, const char *uuid);

#ifdef __cplusplus
}
#endif
#endif
