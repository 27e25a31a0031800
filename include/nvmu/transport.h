/* SPDX-License-Identifier: MIT */
/**
 * @file transport.h
 * @brief Transports: how the NVMe core reaches a controller, their lifecycle, and the
 *        registry that turns a device string into an open transport.
 *
 * A transport offers the core register access, a CPU-visible doorbell area, DMA memory and
 * interrupt vectors (struct nvmu_transport_ops), and owns what it opened: nvmu_transport_close()
 * frees it through its ops, and nvmu_transport_iommu() hands out its IOMMU context.
 *
 * Device strings are parsed in one place, nvmu_transport_open(), which dispatches to a
 * transport class by scheme, as Linux's nvme_ctrl_ops or SPDK's transport registry do:
 *
 * - A PCI address ("0000:01:00.0" or "01:00.0") is the built-in class "pcie" (a controller
 *   bound to vfio-pci). A string that parses as a PCI address is always PCIe, even when its
 *   bus number looks like a scheme name ("ab:00.0").
 * - A kernel NVMe device ("/dev/nvme0", "nvme0", "/dev/nvme0n1", "/dev/nvme0n1p1",
 *   "/dev/ng0n1") also goes to "pcie", which refuses it with the PCI address of its
 *   controller, the driver it is bound to, and the `nvmu bind` command that frees it.
 * - "NAME:REST" and "NAME://REST" go to the class called NAME with REST, so that
 *   "pcie:0000:01:00.0", "soft:ns=2" and, once such a class registers, "tcp://ADDR/NQN" work
 *   without any change to the host API or the tools. A bare "NAME" is "NAME:" ("soft").
 *
 * New transports plug in with nvmu_transport_register(). Registration and lookup take a
 * small lock and may happen from any thread; neither is on the I/O path.
 *
 * Errors: 0 or a negative errno with a message (nvmu_last_error()).
 */
#ifndef NVMU_TRANSPORT_H
#define NVMU_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nvmu/iommu.h"
#include "nvmu/support.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- transports ------------------------------------------------------------------ */

struct nvmu_transport;
struct nvmu_sqe;
struct nvmu_cpl;

/**
 * What a transport offers the core. Register offsets are NVME_REG_* (libnvme). Every
 * function that can fail returns 0 or a negative errno with a message.
 */
struct nvmu_transport_ops {
	/** Read a 32-bit controller register. */
	uint32_t (*read32)(struct nvmu_transport *t, uint32_t off);
	/** Read a 64-bit controller register (CAP, ASQ, ACQ). */
	uint64_t (*read64)(struct nvmu_transport *t, uint32_t off);
	/** Write a 32-bit controller register. */
	void (*write32)(struct nvmu_transport *t, uint32_t off, uint32_t val);
	/** Write a 64-bit controller register (ASQ, ACQ). */
	void (*write64)(struct nvmu_transport *t, uint32_t off, uint64_t val);
	/** Allocate zeroed, page-aligned DMA memory the device can read and write; buf->len
	 *  is @p len as asked, and dma_free finds the rounded allocation from the address. */
	int (*dma_alloc)(struct nvmu_transport *t, size_t len, struct nvmu_dma_buf *buf);
	/** Free memory from dma_alloc (zeroes *buf; a zeroed buf is ignored). */
	void (*dma_free)(struct nvmu_transport *t, struct nvmu_dma_buf *buf);
	/** Number of interrupt vectors (0 = polled only). */
	uint32_t (*irq_count)(struct nvmu_transport *t);
	/** Connect interrupt vector @p vector to eventfd @p fd (-1 disconnects). */
	int (*irq_connect)(struct nvmu_transport *t, uint32_t vector, int fd);
	/** True once the device is gone or the system asked for it back (may be NULL). */
	bool (*gone)(struct nvmu_transport *t);
	/**
	 * Free the transport and everything it opened (its controller must be closed first).
	 * Required for a transport that a class's open function returns.
	 */
	void (*close)(struct nvmu_transport *t);
	/**
	 * The IOMMU context the transport maps DMA memory through, so that applications can
	 * map memory of their own; NULL (or a NULL op) when it has none, e.g. the software
	 * controller, which translates addresses itself.
	 */
	struct nvmu_iommu *(*iommu)(struct nvmu_transport *t);

	/* ---- sharing the controller with other processes (optional; see share.h) ---- */

	/** Primary: make @p len bytes at @p vaddr (another process's memory mapped here)
	 *  reachable by the device; sets *iova to the device address of @p vaddr. */
	int (*map_peer)(struct nvmu_transport *t, void *vaddr, size_t len, uint64_t *iova);
	/** Primary: undo map_peer() of the range at @p vaddr / @p iova. */
	void (*unmap_peer)(struct nvmu_transport *t, void *vaddr, uint64_t iova);
	/** Primary: a file descriptor another process can mmap() to reach the doorbells:
	 *  the doorbell of SQ 0 is at *offset, *len bytes from there may be mapped. The
	 *  descriptor stays owned by the transport. */
	int (*doorbell_fd)(struct nvmu_transport *t, int *fd, uint64_t *offset, size_t *len);
	/** Secondary: the controller's own ID of I/O queue @p qid (what its completions
	 *  carry) and its doorbells, asked for before the queue is created (the core uses
	 *  @p qid and the doorbell area when this op is NULL). */
	int (*queue_doorbells)(struct nvmu_transport *t, uint16_t qid, uint16_t *dev_qid,
			       volatile uint32_t **sq, volatile uint32_t **cq);
	/** Secondary: run an admin command somewhere else (the primary) instead of on the
	 *  admin queue; same contract as nvmu_admin_cmd(). */
	int (*admin_cmd)(struct nvmu_transport *t, struct nvmu_sqe *cmd, uint64_t iova,
			 size_t len, uint32_t timeout_ms, struct nvmu_cpl *cpl);
	/** Why gone() is true, for the controller's reason (may be NULL). */
	const char *(*why_gone)(struct nvmu_transport *t);
	/**
	 * Optional: make progress on queue @p qid (0 = admin) before the core looks at its CQ.
	 * A transport that is no memory-mapped device (NVMe/TCP) reads the SQ tail doorbell,
	 * sends the new commands and posts what came back into the CQ ring here. It runs on
	 * the thread that polls the queue; NULL for a device that does this itself.
	 */
	void (*poll_queue)(struct nvmu_transport *t, uint16_t qid);
	/** Secondary: keep an Asynchronous Event Request; @p cb runs from events_poll() when
	 *  an event the primary saw arrives, or when the request ends (CC.EN cleared). */
	int (*event_request)(struct nvmu_transport *t,
			     void (*cb)(void *arg, const struct nvmu_cpl *cpl), void *arg);
	/** Secondary: complete kept event requests with the events that arrived; returns
	 *  how many completed (nvmu_admin_poll() calls it with the admin lock held). */
	unsigned (*events_poll)(struct nvmu_transport *t);
};

/** A transport: its ops and the CPU-visible doorbell area (register offset 0x1000). */
struct nvmu_transport {
	const struct nvmu_transport_ops *ops;
	volatile uint8_t *doorbells;
	const char *name; /**< for messages, e.g. the PCI address */
};

/* ---- opening by device string ---------------------------------------------------- */

/** Options of nvmu_transport_open(); zero-initialised (or NULL) means defaults. */
struct nvmu_transport_open_opts {
	size_t opts_size; /**< sizeof(the structure) as built, or 0 (see support.h) */
	const char *vf_token;             /**< PCIe: VF token of an SR-IOV VF */
	struct nvmu_dma_pool_config pool; /**< PCIe: DMA pool (chunk size, limit, hugepages) */
};

/**
 * A kind of transport, reached through device strings "NAME:REST" or "NAME://REST".
 * The registry keeps a pointer: the class must stay valid while the process runs.
 */
struct nvmu_transport_class {
	/** The scheme: a letter, then letters, digits, '-' or '_' ("pcie", "soft", "tcp"). */
	const char *name;
	/** How its device strings look, for help texts ("soft, soft:OPTIONS"). */
	const char *forms;
	/** One line saying what it opens, for help texts. */
	const char *description;
	/**
	 * Optional: true if the class takes @p dev although it has no scheme (the PCIe class
	 * takes a bare PCI address); its open function then gets the whole string.
	 */
	bool (*claims)(const char *dev);
	/**
	 * Open the transport that @p rest names (the text after "NAME:" or "NAME://", or
	 * the whole string the class claimed). Returns 0 and sets *out (with ops->close
	 * set), or a negative errno with a message that says what was wrong with @p rest.
	 */
	int (*open)(const char *rest, const struct nvmu_transport_open_opts *opts,
		    struct nvmu_transport **out);
	/**
	 * Optional: the name under which other processes share the controller @p rest
	 * names (see share.h), written into @p key (@p len bytes: letters, digits, '-',
	 * '_', '.'). Returns 1 with a key, 0 when the controller is not shared (then every
	 * open is private, as for an anonymous soft: controller), or a negative errno.
	 */
	int (*share_key)(const char *rest, char *key, size_t len);
};

/**
 * Add @p cls to the registry, after the built-in classes "pcie", "soft" and "tcp".
 * Returns 0; -EINVAL (no name, a name that is not a valid scheme, no open function);
 * -EEXIST (a class of that name is registered already); -ENOSPC (the registry is full).
 */
NVMU_API int nvmu_transport_register(const struct nvmu_transport_class *cls);

/** Returns the class registered as @p name (built-ins included), or NULL if there is none. */
NVMU_API const struct nvmu_transport_class *nvmu_transport_find(const char *name);

/**
 * Write two lines per registered class into @p buf (NULL when @p len is 0): "  FORMS" and
 * "      DESCRIPTION", for help texts. Returns the length the full text needs, as
 * snprintf() does.
 */
NVMU_API size_t nvmu_transport_help(char *buf, size_t len);

/**
 * Open the transport named by device string @p dev (see the file comment for the forms).
 * Returns 0 and sets *out; -EINVAL for an empty or unparsable string or an unknown
 * scheme (the message lists the accepted forms), or the error of the class's open
 * function (for a kernel NVMe device, -EBUSY with the `nvmu bind` command to run).
 */
NVMU_API int nvmu_transport_open(const char *dev, const struct nvmu_transport_open_opts *opts,
				 struct nvmu_transport **out);

/** Close a transport (its controller must be closed first); NULL is ignored. */
NVMU_API void nvmu_transport_close(struct nvmu_transport *t);

/** Returns the IOMMU context of @p t (see nvmu_transport_ops.iommu), or NULL if it has none. */
NVMU_API struct nvmu_iommu *nvmu_transport_iommu(struct nvmu_transport *t);

#ifdef __cplusplus
}
#endif
#endif
