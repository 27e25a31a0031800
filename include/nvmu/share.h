/* SPDX-License-Identifier: MIT */
/**
 * @file share.h
 * @brief Several processes on one controller: the first process that opens a shareable
 *        device string owns it (the primary), later ones join it (secondaries).
 *
 * Sharing is decided in nvmu_transport_open(): a device string whose class gives a share
 * key (transport.h) is looked up in the run directory (/run/nvmu, or $NVMU_STATE_DIR).
 * If a primary listens there, the process joins it and its transport forwards admin
 * commands to the primary, while its I/O queues live in its own memory and it rings their
 * doorbells itself. Otherwise the process takes the device's lock and opens it: it is the
 * primary, and serves others once nvmu_share_start() runs (nvmu_host_attach() calls it).
 * docs/architecture.md describes the design.
 *
 * Errors: 0 or a negative errno with a message (nvmu_last_error()).
 */
#ifndef NVMU_SHARE_H
#define NVMU_SHARE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "nvmu/nvme.h"
#include "nvmu/transport.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What a process is to a controller. */
enum nvmu_share_role {
	NVMU_SHARE_NONE = 0,  /**< not shared (an anonymous soft: controller, a PCI function) */
	NVMU_SHARE_PRIMARY,   /**< it opened the controller and may serve others */
	NVMU_SHARE_SECONDARY, /**< it joined the primary of the controller */
};

/** Returns the role of the process on the controller behind @p t. */
NVMU_API enum nvmu_share_role nvmu_share_role(const struct nvmu_transport *t);

/**
 * Start serving secondaries on @p ctrl when this process is its primary: listen on the
 * device's socket and answer joins, admin commands and queue requests from a thread of
 * the library. @p reset (may be NULL) resets the controller with this process's queue
 * pairs paused (the host API passes nvmu_host_reset()); it is called from a thread of the
 * library when a secondary or the controller's status asks for a reset, and every
 * secondary stops its queues before it and recreates them after. Returns 0 (also when the
 * process is not a primary, or serves already), or a negative errno when the socket
 * cannot be set up (the controller keeps working, unshared).
 */
NVMU_API int nvmu_share_start(struct nvmu_ctrl *ctrl, void (*reset)(void *arg), void *arg);

/**
 * Let members of group @p gid join as well as the primary's own user (the socket gets
 * that group and mode 0660). Returns 0, -ENOENT when @p ctrl is not served, or the error
 * of chown/chmod.
 */
NVMU_API int nvmu_share_allow_group(struct nvmu_ctrl *ctrl, gid_t gid);

/** Returns how many secondaries are joined to @p ctrl now (0 when it is not served). */
NVMU_API unsigned nvmu_share_secondaries(struct nvmu_ctrl *ctrl);

/**
 * Pass the asynchronous event @p dw0 (completion dword 0 of an Asynchronous Event Request
 * of this process) on to every secondary of @p ctrl; their event requests complete with
 * it. The host API calls it for each event it gets. Does nothing when @p ctrl is not
 * served. Any thread.
 */
NVMU_API void nvmu_share_event(struct nvmu_ctrl *ctrl, uint32_t dw0);

/**
 * Stop serving: close the socket and every secondary's connection (their commands end
 * with -ENODEV), delete their queues and unmap their memory. Call it before
 * nvmu_ctrl_close() (nvmu_host_detach() does). Does nothing when @p ctrl is not served.
 */
NVMU_API void nvmu_share_stop(struct nvmu_ctrl *ctrl);

#ifdef __cplusplus
}
#endif
#endif
