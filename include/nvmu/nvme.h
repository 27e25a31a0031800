/* SPDX-License-Identifier: MIT */
/**
 * @file nvme.h
 * @brief The NVMe core for programs that drive a controller below the host API: bring-up
 *        and shutdown, admin commands, I/O queue pairs, and recovery (deadlines, Abort,
 *        reset, removal).
 *
 * Applications normally use host.h instead, which adds namespaces, splitting, queuing and
 * automatic recovery on top of this. The core reaches the device only through a
 * transport (transport.h). Commands and completions are in nvme_cmd.h, data pointers in
 * dptr.h, raw rings in queue.h, and the inline submission fast path that layers built on
 * the core use is in qpair_fast.h.
 *
 * Errors: 0 or a negative errno with a message (nvmu_last_error()). A command that the
 * device completed with an error status returns -EREMOTEIO; the full status is in the
 * completion the caller passed, and the message spells it out (nvmu_status_text()).
 *
 * Threads: the admin queue is serialised inside (admin calls may come from any thread).
 * An I/O queue pair belongs to one thread at a time and takes no lock.
 */
#ifndef NVMU_NVME_H
#define NVMU_NVME_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nvme/types.h>

#include "nvmu/dptr.h"
#include "nvmu/iommu.h"
#include "nvmu/mmio.h"
#include "nvmu/nvme_cmd.h"
#include "nvmu/queue.h"
#include "nvmu/support.h"
#include "nvmu/transport.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- controller ------------------------------------------------------------------ */

struct nvmu_ctrl;
struct nvmu_qpair;

/** Options of nvmu_ctrl_open(); zero-initialised means defaults. */
struct nvmu_ctrl_opts {
	size_t opts_size; /**< sizeof(the structure) as built, or 0 (see support.h) */
	uint16_t admin_entries;    /**< admin queue size (default 32; 2..4096) */
	uint32_t admin_timeout_ms; /**< default deadline of admin commands (default 60000) */
	uint32_t io_timeout_ms;    /**< default deadline of I/O commands (default 30000) */
	uint16_t io_queues;        /**< I/O queue pairs to ask for (default 64) */
	size_t max_transfer;       /**< bytes per command (default 2 MiB; MDTS bounds it);
				        sets how many PRP list pages each tracker owns */
	bool no_dbbuf;             /**< do not use shadow doorbells even if OACS offers them */
	bool force_dbbuf;          /**< use them even on a controller known to gain nothing
					from them (see nvmu_ctrl_dbbuf_note()) */
};

/**
 * Bring up the controller behind @p t: disable it (wait CSTS.RDY=0 within CAP.TO),
 * program the admin queue (AQA/ASQ/ACQ) and CC (MPS = host page size, 64/16-byte
 * entries, command set from CAP.CSS), enable it (wait RDY=1), Identify Controller and
 * Set Features Number of Queues. The transport must outlive the controller.
 * Returns 0 and sets *out; -ETIMEDOUT (not ready in time), -EIO (CSTS.CFS), -ENODEV
 * (registers read all-ones: device gone), -ENOTSUP (page size or command set not
 * supported), -EREMOTEIO (a command failed), -ENOMEM; with a message naming the state.
 */
NVMU_API int nvmu_ctrl_open(struct nvmu_transport *t, const struct nvmu_ctrl_opts *opts,
			    struct nvmu_ctrl **out);

/**
 * Delete the I/O queue pairs still open, shut the controller down normally (CC.SHN,
 * wait CSTS.SHST complete within CAP.TO or RTD3E) and free everything. The controller is
 * left shut down (the next nvmu_ctrl_open() resets it); if the shutdown fails it is
 * disabled instead. Returns 0, or the shutdown's error (-ETIMEDOUT, -EIO, -ENODEV):
 * memory is freed anyway.
 */
NVMU_API int nvmu_ctrl_close(struct nvmu_ctrl *ctrl);

/** Returns the controller's CAP register as read at bring-up. */
NVMU_API uint64_t nvmu_ctrl_cap(const struct nvmu_ctrl *ctrl);

/** Reads CSTS now and returns it; it reads 0xffffffff when the device is gone. */
NVMU_API uint32_t nvmu_ctrl_csts(const struct nvmu_ctrl *ctrl);

/** Returns the Identify Controller data read at bring-up. */
NVMU_API const struct nvme_id_ctrl *nvmu_ctrl_id(const struct nvmu_ctrl *ctrl);

/** Returns the controller memory page size chosen for CC.MPS, in bytes. */
NVMU_API uint32_t nvmu_ctrl_page_size(const struct nvmu_ctrl *ctrl);

/**
 * Returns the largest transfer of one command in bytes. MDTS bounds it, and so does the
 * number of PRP list pages nvmu gives each tracker.
 */
NVMU_API size_t nvmu_ctrl_max_transfer(const struct nvmu_ctrl *ctrl);

/** Returns the number of I/O queue pairs granted by Set Features Number of Queues. */
NVMU_API uint16_t nvmu_ctrl_io_queues(const struct nvmu_ctrl *ctrl);

/** Returns the largest I/O queue size, CAP.MQES + 1, capped at 65535. */
NVMU_API uint32_t nvmu_ctrl_max_queue_entries(const struct nvmu_ctrl *ctrl);

/** Returns true if I/O queues can use SGLs, as Identify Controller SGLS says. */
NVMU_API bool nvmu_ctrl_sgl_supported(const struct nvmu_ctrl *ctrl);

/**
 * Returns true if shadow doorbells are in use: OACS offers Doorbell Buffer Config, the
 * options did not turn it off, and the command succeeded at bring-up. The admin queue
 * always uses MMIO doorbells; I/O queues write the shadow, and write MMIO only when the
 * event-index rule says the controller is waiting.
 */
NVMU_API bool nvmu_ctrl_dbbuf_enabled(const struct nvmu_ctrl *ctrl);

/**
 * Returns why shadow doorbells are not in use although the controller offers them ("" if
 * they are, or if it does not offer them): the options turned them off, the command
 * failed, or the controller is one known to gain nothing from them - QEMU's emulated
 * controller asks for every MMIO doorbell once it has caught up and reads the shadow
 * values through DMA besides, so they only add work there (force_dbbuf uses them anyway).
 */
NVMU_API const char *nvmu_ctrl_dbbuf_note(const struct nvmu_ctrl *ctrl);

/** Returns the transport the controller runs on. */
NVMU_API struct nvmu_transport *nvmu_ctrl_transport(const struct nvmu_ctrl *ctrl);

/**
 * Allocate zeroed, page-aligned DMA memory through the controller's transport. buf->len is
 * @p len, not the page-rounded size of the memory, so a command that takes its length
 * from the buffer moves what was asked for. Returns 0 and fills *buf, or the transport's
 * negative errno (such as -ENOMEM).
 */
NVMU_API int nvmu_ctrl_dma_alloc(struct nvmu_ctrl *ctrl, size_t len,
				 struct nvmu_dma_buf *buf);

/** Free memory from nvmu_ctrl_dma_alloc(), found from its address, and zero *buf. */
NVMU_API void nvmu_ctrl_dma_free(struct nvmu_ctrl *ctrl, struct nvmu_dma_buf *buf);

/**
 * Reserve an I/O queue ID of the controller that no pair of this process will take, for
 * a queue another process creates through this one (a sharing primary, see share.h).
 * Returns 0 and sets *qid, or -EBUSY when every granted queue ID is in use.
 */
NVMU_API int nvmu_ctrl_qid_reserve(struct nvmu_ctrl *ctrl, uint16_t *qid);

/** Give back a queue ID from nvmu_ctrl_qid_reserve() (its queues must be deleted). */
NVMU_API void nvmu_ctrl_qid_release(struct nvmu_ctrl *ctrl, uint16_t qid);

/* ---- admin commands (synchronous, with a deadline) ------------------------------- */

/**
 * Submit the admin command @p cmd with data at [iova, iova+len) and wait for its
 * completion until @p timeout_ms passes (0 means the controller's default). The core sets
 * the CID and builds the PRPs; with len 0 the command's own PRP1/PRP2 are kept, as for a
 * queue's base address. *cpl, if not NULL, receives the completion.
 * Returns 0; -EREMOTEIO if the device returned an error status, which is kept in *cpl and
 * in the message; -ETIMEDOUT, in which case the command's tracker stays reserved until
 * the device answers; -EIO when CSTS.CFS is set or the controller needs a reset; -ENODEV
 * when the device is gone; or -E2BIG or -EINVAL from PRP building.
 */
NVMU_API int nvmu_admin_cmd(struct nvmu_ctrl *ctrl, struct nvmu_sqe *cmd, uint64_t iova,
			    size_t len, uint32_t timeout_ms, struct nvmu_cpl *cpl);

/**
 * Post admin command @p cmd without waiting (e.g. Asynchronous Event Requests) and ring
 * the doorbell. @p cb(arg, cqe) runs from nvmu_admin_poll() or from inside any synchronous
 * admin command waiting at that moment, on that thread, with the admin queue's lock held:
 * it must not issue admin commands itself. Returns 0 or as nvmu_qpair_submit().
 */
NVMU_API int nvmu_admin_submit(struct nvmu_ctrl *ctrl, struct nvmu_sqe *cmd, uint64_t iova,
			       size_t len, nvmu_cmd_cb cb, void *arg);

/**
 * Reap admin completions, which runs the callbacks of nvmu_admin_submit(). Returns the
 * number of completions reaped.
 */
NVMU_API unsigned nvmu_admin_poll(struct nvmu_ctrl *ctrl);

/**
 * Identify with @p cns / @p nsid into @p out (NVME_IDENTIFY_DATA_SIZE bytes), through
 * the controller's own DMA page. Returns 0 or an error of nvmu_admin_cmd().
 */
NVMU_API int nvmu_admin_identify(struct nvmu_ctrl *ctrl, uint8_t cns, uint32_t nsid,
				 void *out);

/**
 * Set Features Number of Queues asking for @p nsq/@p ncq I/O queues (1-based counts).
 * *granted, if not NULL, gets the number of pairs granted, the smaller of the two counts.
 * Returns 0, -EINVAL for a count of 0 or 65535, or an error of nvmu_admin_cmd().
 */
NVMU_API int nvmu_admin_set_num_queues(struct nvmu_ctrl *ctrl, uint16_t nsq, uint16_t ncq,
				       uint16_t *granted);

/**
 * Read the active namespace IDs above @p after (0 means from the start) into @p nsids:
 * up to @p max of them, and at most NVME_ID_NS_LIST_MAX per call. Sets *n. A list that
 * is not in ascending order is cut at the first bad entry, with a warning. Returns 0 or
 * an error of nvmu_admin_cmd().
 */
NVMU_API int nvmu_admin_active_ns(struct nvmu_ctrl *ctrl, uint32_t after, uint32_t *nsids,
				  size_t max, size_t *n);

/** Facts about a namespace, decoded from Identify Namespace. */
struct nvmu_ns_info {
	uint32_t nsid;
	uint64_t nsze, ncap, nuse; /**< in logical blocks */
	uint32_t lba_size;         /**< bytes of data per logical block */
	uint16_t ms;               /**< metadata bytes per logical block */
	uint8_t lbaf;              /**< index of the LBA format in use */
	bool meta_extended;        /**< metadata transferred at the end of each LBA */
};

/**
 * Decode @p id into *info; the caller sets info->nsid. Returns 0, or -EINVAL when the
 * format index or the LBA data size in @p id is invalid.
 */
NVMU_API int nvmu_ns_info_decode(const struct nvme_id_ns *id, struct nvmu_ns_info *info);

/**
 * Identify Namespace @p nsid: *id (if not NULL) gets the raw data, *info (if not NULL)
 * the decoded facts. Returns 0, -ENOENT for an inactive namespace (its data is all
 * zeroes), -EINVAL when the data cannot be decoded, or an error of nvmu_admin_cmd().
 */
NVMU_API int nvmu_admin_identify_ns(struct nvmu_ctrl *ctrl, uint32_t nsid,
				    struct nvme_id_ns *id, struct nvmu_ns_info *info);

/* ---- I/O queue pairs --------------------------------------------------------------- */

/** Options of nvmu_qpair_create(); zero-initialised means defaults. */
struct nvmu_qpair_opts {
	size_t opts_size; /**< sizeof(the structure) as built, or 0 (see support.h) */
	uint32_t entries;   /**< queue size, 2..min(CAP.MQES+1, 65535) (default 256); at
				 most 1024 commands are in flight per pair whatever the size */
	bool interrupts;    /**< give the CQ an MSI-X vector connected to an eventfd */
	bool sgl;           /**< describe data with SGLs by default (needs SGL support) */
	uint32_t timeout_ms; /**< deadline of each command (default: the controller's I/O
				  timeout); see nvmu_qpair_set_timeout() */
	uint8_t retries;    /**< repost a command up to this many times when a reset
				 interrupted it (else it ends with -ECANCELED) or the device
				 failed it without Do Not Retry (else it ends with -EREMOTEIO);
				 0: never. Each command is then kept (64 bytes copied at submit) */
};

/** How a command's data is described (per command; DEFAULT = the queue's choice). */
enum nvmu_dptr_kind {
	NVMU_DPTR_DEFAULT = 0, /**< the queue pair's default (PRP unless created with .sgl) */
	NVMU_DPTR_PRP,         /**< PRP entries / PRP lists */
	NVMU_DPTR_SGL,         /**< SGL descriptors (I/O queues of a controller with SGLs) */
};

/** Counters of a queue pair. */
struct nvmu_qpair_stats {
	uint64_t submitted, completed;
	uint64_t bad_cids;  /**< completions whose CID was out of range, idle or stale */
	uint64_t bad_sqhd;  /**< completions with an SQ head outside the queue */
	uint64_t late;      /**< completions of commands abandoned after a timeout */
	uint64_t timeouts;  /**< commands whose deadline passed */
	uint64_t ended;     /**< commands the driver ended (reset, removal, deletion) */
	uint64_t reposted;  /**< commands reposted (after a reset or a retryable error) */
};

/**
 * Create an I/O completion queue and submission queue (same QID) of @p opts->entries
 * entries, with one tracker per slot, each owning pre-mapped PRP list pages.
 * Returns 0 and sets *out; -EBUSY when no queue ID is left, -EINVAL for a bad size,
 * -ENOSPC when no interrupt vector is left, -ENOTSUP when SGLs are asked for and the
 * controller has none, -EREMOTEIO when a create command failed, or -ENOMEM.
 */
NVMU_API int nvmu_qpair_create(struct nvmu_ctrl *ctrl, const struct nvmu_qpair_opts *opts,
			       struct nvmu_qpair **out);

/**
 * Delete the SQ and then the CQ, disconnect the interrupt and free the pair. The pair is
 * freed even when the device refuses a delete command. Commands still outstanding end
 * with -ECANCELED (or -ENODEV for a removed device) from inside this call. Returns 0 or
 * the error of the first delete command that failed.
 */
NVMU_API int nvmu_qpair_delete(struct nvmu_qpair *qp);

/**
 * Post @p cmd with data at [iova, iova+len). The PRPs are built into the tracker's list
 * pages; with len 0 the command's own PRP1/PRP2 are sent unchanged. @p cb(arg, cqe) runs
 * from nvmu_qpair_poll(). No doorbell is rung, so that a batch costs one doorbell write:
 * call nvmu_qpair_ring() after it. Returns 0; -EAGAIN when all trackers or slots are in
 * use (the queue is full) or a reset is pending; -ESHUTDOWN when the pair is being
 * deleted; -ENODEV or -EIO when the controller was removed or failed; or -E2BIG or
 * -EINVAL from PRP building.
 */
NVMU_API int nvmu_qpair_submit(struct nvmu_qpair *qp, struct nvmu_sqe *cmd, uint64_t iova,
			       size_t len, nvmu_cmd_cb cb, void *arg);

/**
 * Post @p cmd with data at bytes [@p skip, @p skip + @p len) of the scattered buffer
 * @p iov, described as @p kind says (PRPs need a PRP-compatible range, see
 * nvmu_prp_build_iov()). No doorbell is rung. Returns 0; the errors of
 * nvmu_qpair_submit(); -ENOTSUP when an SGL is asked for on the admin queue or on a
 * controller without SGLs; -E2BIG when the data is longer than the queue's maximum
 * transfer or needs more descriptors than a tracker's pages hold; or -EINVAL.
 */
NVMU_API int nvmu_qpair_submit_iov(struct nvmu_qpair *qp, struct nvmu_sqe *cmd,
				   const struct nvmu_dma_buf *iov, unsigned iovcnt, size_t skip,
				   size_t len, enum nvmu_dptr_kind kind, nvmu_cmd_cb cb,
				   void *arg);

/**
 * Fast path of nvmu_qpair_submit_iov() for one contiguous piece described by PRPs: post
 * @p cmd with @p len bytes at @p iova (PRP1/PRP2, or a PRP list in the tracker's page)
 * when it fits as is. No doorbell is rung. Returns 0 when posted, or 1 with nothing done
 * and no error set (queue full, longer than the maximum transfer, an address PRPs cannot
 * take, or a list that needs more than one page): use nvmu_qpair_submit_iov() instead.
 */
NVMU_API int nvmu_qpair_try_submit_prp(struct nvmu_qpair *qp, struct nvmu_sqe *cmd,
				       uint64_t iova, size_t len, nvmu_cmd_cb cb, void *arg);

/**
 * Post @p cmd with a small host-to-device payload (e.g. Dataset Management or Copy range
 * lists): @p len bytes (at most one controller page) are copied from @p data into the
 * tracker's own pre-mapped page, and PRP1 points to it. No doorbell is rung. Returns 0,
 * -E2BIG when @p len is longer than a page, or the errors of nvmu_qpair_submit() for a
 * full or halted queue.
 */
NVMU_API int nvmu_qpair_submit_payload(struct nvmu_qpair *qp, struct nvmu_sqe *cmd,
				       const void *data, size_t len, nvmu_cmd_cb cb, void *arg);

/** Returns the largest transfer of one command on this pair, in bytes. */
NVMU_API size_t nvmu_qpair_max_transfer(const struct nvmu_qpair *qp);

/**
 * Returns how many SGL Data Block descriptors one command of this pair can carry, or 0
 * when the pair cannot use SGLs.
 */
NVMU_API size_t nvmu_qpair_max_sgl_descriptors(const struct nvmu_qpair *qp);

/** Returns true if the pair describes data with SGLs by default. */
NVMU_API bool nvmu_qpair_sgl(const struct nvmu_qpair *qp);

/** Ring the SQ doorbell for everything posted since the last ring. */
NVMU_API void nvmu_qpair_ring(struct nvmu_qpair *qp);

/**
 * Reap up to @p max completions (0 = no limit), run their callbacks, ring the CQ head
 * doorbell once. A completion with a bad CID or SQ head is counted and logged, never
 * followed. Returns the number of completions consumed.
 */
NVMU_API unsigned nvmu_qpair_poll(struct nvmu_qpair *qp, unsigned max);

/** Returns the queue ID. */
NVMU_API uint16_t nvmu_qpair_id(const struct nvmu_qpair *qp);

/** Returns the number of entries of the queue. */
NVMU_API uint32_t nvmu_qpair_entries(const struct nvmu_qpair *qp);

/**
 * Returns the number of commands submitted and not yet completed, including the ones
 * whose waiter abandoned them.
 */
NVMU_API uint32_t nvmu_qpair_outstanding(const struct nvmu_qpair *qp);

/**
 * Returns the eventfd signalled by the CQ's interrupt, or -1 for a polled pair. For
 * epoll, add it with EPOLLIN; when it is readable, read its 8-byte counter (it is
 * non-blocking) and then call nvmu_qpair_poll() until it returns 0. Reading first means
 * that an interrupt arriving while polling makes the fd readable again, so no completion
 * is missed. Poll every 100 ms or so even without an interrupt, because deadlines and the
 * controller's status are checked from nvmu_qpair_poll().
 */
NVMU_API int nvmu_qpair_eventfd(const struct nvmu_qpair *qp);

/** Returns the MSI-X vector of the CQ, or -1 for a polled pair. */
NVMU_API int nvmu_qpair_vector(const struct nvmu_qpair *qp);

/** Copy the pair's counters into *st. */
NVMU_API void nvmu_qpair_stats(const struct nvmu_qpair *qp, struct nvmu_qpair_stats *st);

/**
 * Fill *sq and *cq with the memory of the pair's rings, for diagnostics and
 * fault-injection tests.
 */
NVMU_API void nvmu_qpair_rings(const struct nvmu_qpair *qp, struct nvmu_dma_buf *sq,
			       struct nvmu_dma_buf *cq);

/**
 * Deadline of the commands submitted on @p qp from now on, in milliseconds (0: never
 * time out), 100..3600000 otherwise; commands already submitted keep theirs. Set it
 * around one submission for a per-command deadline. Deadlines are checked with 100 ms
 * granularity from nvmu_qpair_poll(). Returns 0 or -EINVAL.
 */
NVMU_API int nvmu_qpair_set_timeout(struct nvmu_qpair *qp, uint32_t ms);

/* ---- recovery -------------------------------------------------------------------- */

/** What the controller is doing. */
enum nvmu_ctrl_state {
	NVMU_CTRL_LIVE = 0,    /**< running */
	NVMU_CTRL_NEEDS_RESET, /**< a fatal status, a failed abort or a stuck command asked
				    for a reset (nvmu_ctrl_reason() says which); commands
				    wait */
	NVMU_CTRL_RESETTING,   /**< nvmu_ctrl_reset() is running */
	NVMU_CTRL_FAILED,      /**< the last reset failed; nvmu_ctrl_reset() may be tried
				    again */
	NVMU_CTRL_REMOVED,     /**< the device is gone: every command ends with -ENODEV */
};

/** Returns the controller's state. Any thread may call it. */
NVMU_API enum nvmu_ctrl_state nvmu_ctrl_state(const struct nvmu_ctrl *ctrl);

/**
 * Returns the name of a state: "live", "needs reset", "resetting", "failed" or
 * "removed" ("?" for a value outside the enum).
 */
NVMU_API const char *nvmu_ctrl_state_name(enum nvmu_ctrl_state st);

/**
 * Returns why the controller last asked for a reset, failed or was marked removed, or ""
 * if it never did. A successful reset clears it.
 */
NVMU_API const char *nvmu_ctrl_reason(const struct nvmu_ctrl *ctrl);

/**
 * Look at the controller now: CSTS all-ones or a transport that reports its device gone
 * marks it REMOVED; CSTS.CFS asks for a reset. The periodic check of nvmu_qpair_poll()
 * and nvmu_admin_poll() does this every 100 ms. Returns the state.
 */
NVMU_API enum nvmu_ctrl_state nvmu_ctrl_check(struct nvmu_ctrl *ctrl);

/**
 * Mark the controller removed (e.g. the OS asked for the device back): every command in
 * flight ends with -ENODEV from its pair's next poll, and new ones fail at once. This is
 * final: a removed controller cannot be reset.
 */
NVMU_API void nvmu_ctrl_set_removed(struct nvmu_ctrl *ctrl, const char *why);

/**
 * Reset the controller: disable it, re-enable it, and recreate the admin queue and every
 * I/O queue pair behind the same handles (same queue IDs, memory and interrupt vectors),
 * restoring Number of Queues and shadow doorbells. Commands in flight end - a timed-out
 * one with -ETIMEDOUT, the others with -ECANCELED unless their pair allows a repost and
 * they have one left - with callbacks run from each pair's next poll, on its own thread;
 * admin ones (e.g. Asynchronous Event Requests) end inside this call. None completes
 * twice. The caller must have the controller to itself: no other thread may use its
 * queue pairs during the call (the host API arranges this).
 * Returns 0 (state LIVE); -ENODEV (removed); -ETIMEDOUT, -EIO or -EREMOTEIO (state
 * FAILED), with a message naming the step.
 */
NVMU_API int nvmu_ctrl_reset(struct nvmu_ctrl *ctrl);

/**
 * Called by nvmu_ctrl_reset() of the controller it is set on: with @p begin true before the
 * reset takes the admin queue (@p result 0), and with @p begin false once it ended (@p
 * result is what nvmu_ctrl_reset() returns). A sharing primary (share.h) quiesces and
 * then recovers the other processes' queues with it.
 */
typedef void (*nvmu_ctrl_reset_hook)(void *arg, bool begin, int result);

/** Set the reset hook of @p ctrl (NULL removes it). Not to be called during a reset. */
NVMU_API void nvmu_ctrl_set_reset_hook(struct nvmu_ctrl *ctrl, nvmu_ctrl_reset_hook hook,
				       void *arg);

/** Counters of recovery. */
struct nvmu_ctrl_recovery_stats {
	uint64_t timeouts;      /**< commands (admin and I/O) whose deadline passed */
	uint64_t aborts_sent;   /**< Abort commands sent for them */
	uint64_t aborts_done;   /**< Aborts the controller carried out */
	uint64_t resets;        /**< resets completed */
	uint64_t resets_failed; /**< resets that failed */
	uint64_t last_reset_us; /**< duration of the last reset */
};

/** Copy the controller's recovery counters into *st. */
NVMU_API void nvmu_ctrl_recovery_stats(const struct nvmu_ctrl *ctrl,
				       struct nvmu_ctrl_recovery_stats *st);

#ifdef __cplusplus
}
#endif
#endif
