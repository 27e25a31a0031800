/* SPDX-License-Identifier: MIT */
/**
 * @file vhost_blk.h
 * @brief A vhost-user-blk backend: serve one namespace of an attached controller to a
 *        virtual machine (QEMU's vhost-user-blk-pci, or any vhost-user front-end) over a
 *        unix socket.
 *
 * A typical program:
 *
 *     nvmu_host_attach("0000:01:00.0", NULL, &h);
 *     nvmu_vhost_blk_create(h, "/run/vm0.sock", &opts, &b);   // listens
 *     nvmu_vhost_blk_add_interceptor(b, &my_ops, my_ctx);     // optional, in order
 *     nvmu_vhost_blk_start(b);                                // threads run
 *     ...                                                     // until told to stop
 *     nvmu_vhost_blk_stop(b);                                 // in-flight requests end
 *     nvmu_vhost_blk_destroy(b);
 *
 * Guest memory: each region the front-end announces (SET_MEM_TABLE or ADD_MEM_REG) is
 * mapped into this process once and, when the transport has an IOMMU context, into the
 * device's IOMMU (nvmu_host_dma_map()); descriptor buffers then go to the device as they
 * are, without a copy. Only a request that the device cannot be given directly - memory
 * without a device address (a transport without IOMMU, such as soft:) or a buffer layout
 * that PRPs cannot express on a controller without SGLs - goes through a bounce buffer,
 * and is counted (struct nvmu_vhost_blk_stats.bounced). Nothing outside the announced
 * regions is ever read or written: a descriptor that points outside them fails its
 * request, a malformed ring or message ends the connection.
 *
 * Threads: one thread serves the socket (one front-end at a time; when it disconnects,
 * requests in flight are finished and the next connection is accepted), and one poller
 * thread per virtqueue owns a queue pair of the controller. A poller spins briefly while
 * idle, then sleeps on the virtqueue's kick eventfd.
 */
#ifndef NVMU_VHOST_BLK_H
#define NVMU_VHOST_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nvmu/host.h"
#include "nvmu/intercept.h"

#ifdef __cplusplus
extern "C" {
#endif

struct nvmu_vhost_blk;

/** The most virtqueues a device offers. */
#define NVMU_VHOST_BLK_MAX_QUEUES 16

/** Options of nvmu_vhost_blk_create(); zero-initialised (or NULL) means defaults. */
struct nvmu_vhost_blk_opts {
	size_t opts_size;    /**< sizeof(the structure) as built, or 0 (see support.h) */
	uint32_t nsid;       /**< namespace to serve; 0: the first active one */
	unsigned queues;     /**< virtqueues offered, 1..NVMU_VHOST_BLK_MAX_QUEUES (1) */
	bool read_only;      /**< offer VIRTIO_BLK_F_RO and fail every write */
	const char *serial;  /**< GET_ID answer, up to 20 bytes (default: the controller's
				  serial number and the NSID) */
	const int *cpus;     /**< CPUs for the poller threads, used in turn; NULL: any */
	unsigned ncpus;
	uint32_t idle_spin_us; /**< idle spin before a poller sleeps (default 200) */
};

/** Statistics of nvmu_vhost_blk_stats(); counters since creation. */
struct nvmu_vhost_blk_stats {
	uint64_t requests;     /**< guest requests completed */
	uint64_t errors;       /**< of them, completed with an error status */
	uint64_t bounced;      /**< requests whose data went through a bounce buffer */
	uint64_t bad_requests; /**< malformed requests refused (bad descriptor, range...) */
	uint64_t connections;  /**< front-ends accepted */
	uint64_t sleeps;       /**< times a poller went to sleep on its kick eventfds */
	uint32_t regions;      /**< guest memory regions mapped now */
	uint32_t regions_dma;  /**< of them, mapped for the device's DMA (zero copy) */
	bool connected;        /**< a front-end is connected now */
	uint64_t resubmitted;  /**< requests an earlier back-end had taken and not completed,
				    sent again from the front-end's in-flight region */
};

/**
 * Create a backend serving namespace @p opts->nsid of @p h on the unix socket @p path,
 * which it creates and listens on (a stale socket file is replaced; any other file at
 * that path is refused). Returns 0 and sets *out; -EINVAL for a bad option or a
 * namespace that cannot be served (inactive, unusable, with metadata), -EEXIST when
 * @p path exists and is not a socket, or the error of socket(), bind() or listen(),
 * with a message.
 */
NVMU_API int nvmu_vhost_blk_create(struct nvmu_host_ctrl *h, const char *path,
				   const struct nvmu_vhost_blk_opts *opts,
				   struct nvmu_vhost_blk **out);

/**
 * Add an interceptor to the chain, after those added before (see intercept.h); before
 * nvmu_vhost_blk_start() only. Its on_init runs in nvmu_vhost_blk_start(). Returns 0,
 * -EBUSY once started, -EINVAL for ops without a name, or -ENOMEM.
 */
NVMU_API int nvmu_vhost_blk_add_interceptor(struct nvmu_vhost_blk *b,
					    const struct nvmu_intercept_ops *ops, void *arg);

/**
 * Run every interceptor's on_init, then start the socket thread and the pollers.
 * Returns 0, an on_init's error (the message names the interceptor), or the error of
 * creating a queue pair or a thread.
 */
NVMU_API int nvmu_vhost_blk_start(struct nvmu_vhost_blk *b);

/**
 * Stop serving: stop accepting requests, wait until those in flight completed and every
 * interceptor's can_stop agrees (at most @p timeout_ms; 0: 30 s), close the connection
 * and join the threads. Returns 0, or -ETIMEDOUT when something was still in flight.
 */
NVMU_API int nvmu_vhost_blk_stop(struct nvmu_vhost_blk *b, uint32_t timeout_ms);

/** Stop if running, remove the socket file, free everything. NULL is ignored. */
NVMU_API void nvmu_vhost_blk_destroy(struct nvmu_vhost_blk *b);

/** Returns the geometry the guest sees (also passed to the interceptors' on_init). */
NVMU_API const struct nvmu_icpt_geometry *nvmu_vhost_blk_geometry(const struct nvmu_vhost_blk *b);

/** Copy the statistics into *st; any thread. */
NVMU_API void nvmu_vhost_blk_stats(const struct nvmu_vhost_blk *b,
				   struct nvmu_vhost_blk_stats *st);

/**
 * Returns a negative errno when the backend had to give up (the device was removed or
 * the controller failed: guest requests now fail with I/O errors), with the message in
 * *why; 0 while it serves. Any thread.
 */
NVMU_API int nvmu_vhost_blk_failed(const struct nvmu_vhost_blk *b, const char **why);

#ifdef __cplusplus
}
#endif
#endif
