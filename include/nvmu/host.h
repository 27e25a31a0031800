/* SPDX-License-Identifier: MIT */
/**
 * @file host.h
 * @brief Host API: attach controllers, see their namespaces, and run asynchronous
 *        namespace commands with completion callbacks on per-thread queue pairs.
 *
 * A typical program:
 *
 *     nvmu_host_attach("0000:01:00.0", NULL, &h);          // or "soft:ns=2,lbs=4096"
 *     ns = nvmu_host_ns(h, 0);                             // first active namespace
 *     nvmu_host_qpair_create(h, NULL, &qp);                // one per thread
 *     nvmu_host_dma_alloc(h, 4096, &buf);                  // carries its IOVA
 *     nvmu_ns_write(qp, ns, lba, &buf, 1, 0, done, ctx);   // asynchronous
 *     while (!finished && nvmu_host_qpair_poll(qp, 0) >= 0);
 *
 * Data buffers are arrays of struct nvmu_dma_buf pieces ({vaddr, iova, len}). A buffer
 * from nvmu_host_dma_alloc() (or any piece of it, nvmu_dma_slice()) carries its device
 * address, so nothing is looked up. A piece with iova 0 is "foreign": its address is
 * translated through the IOMMU context (nvmu_iommu_translate(), O(log n)) if the memory was
 * mapped with nvmu_host_dma_map(); otherwise the command fails with -EFAULT, or, with
 * NVMU_IO_BOUNCE, goes through a bounce buffer the host allocates (and copies) for it.
 *
 * Requests: each queue pair owns a fixed set of request objects allocated at creation;
 * nothing is allocated per command. When the submission queue or its trackers are full,
 * requests wait in order in software and are submitted as completions free slots: a full
 * queue never produces an error. A command larger than one NVMe command can carry (MDTS,
 * the tracker's PRP list/SGL pages, 65536 blocks, the Verify/Write Zeroes size limits) is
 * split into child commands and completed once, with the first error status.
 *
 * Errors returned by submission functions (and nothing else):
 * - -EINVAL: a bad argument; the message says which (no data, a length that is not a
 *   non-zero multiple of the LBA size, a misaligned or not PRP-compatible buffer on a
 *   controller without SGLs, too many foreign pieces to translate, a bad range count).
 * - -ERANGE: the LBA range goes beyond the namespace (NSZE).
 * - -ENOTSUP: the controller does not support the command (ONCS) or SGLs.
 * - -EFAULT: a foreign buffer (iova 0) is not mapped for DMA (and no NVMU_IO_BOUNCE).
 * - -ENOBUFS: every request object of the queue pair is in use (waiting or in flight):
 *   process completions, or create the pair with more requests (opts.requests).
 * - -E2BIG: a piece layout needs more SGL descriptors for one LBA than a command holds.
 * - -ENOMEM: NVMU_IO_BOUNCE could not allocate its bounce buffer or its copy of a long
 *   iovec, or Deallocate or Copy its copy of a long range list.
 * - -ESHUTDOWN: the queue pair is being freed (a callback submitted from inside
 *   nvmu_host_qpair_delete(), or after the pair was deleted from a callback).
 * - -EBUSY: another thread is inside a call on the queue pair at this moment (see
 *   "Threads" below); nothing was done.
 * - -ENODEV: the device was removed.
 * - -EIO: the controller failed, because a reset did not bring it back.
 * While a reset is pending or running, submissions do not fail: they wait in the queue
 * pair. When a submission function returns an error its callback is never called; when
 * it returns 0 the callback is called exactly once.
 *
 * Completion (struct nvmu_cpl .err):
 * - 0: success (.dw0/.dw1 from the last completion).
 * - -EREMOTEIO: the device returned an error status; .status has SCT, SC, CRD, More, DNR
 *   (nvmu_status_sct() ..., nvmu_status_text()); .dw0/.dw1 of that completion.
 * - -ETIMEDOUT: no completion within the command's timeout (it was aborted, or ended by
 *   the reset that followed), or it waited in software for a queue slot that long.
 * - -ECANCELED: the queue pair was freed, or a controller reset ended the command (and
 *   the pair allows no repost, or it had used its reposts).
 * - -ENODEV: the device was removed before it answered.
 * - -EIO: a child command of a split request could not be built (message logged).
 *
 * Recovery: a command past its deadline is aborted; when the Abort fails or does not end
 * it in time, or the controller reports a fatal status (CSTS.CFS), the controller is
 * reset from the next nvmu_host_qpair_poll() or nvmu_host_admin_poll() (unless
 * opts.no_auto_reset): every queue pair is paused, the controller is re-enabled behind
 * the same handles, commands in flight end or are reposted, and events are re-armed. A
 * removed device (the system's hot-remove request, or registers reading all-ones) ends
 * every command with -ENODEV; detach it to let the system finish the removal.
 *
 * Threads: a queue pair belongs to one thread at a time and takes no lock; every
 * callback runs on the thread that processes its completions. It may move to another
 * thread between calls. A second thread that calls nvmu_host_qpair_poll(),
 * nvmu_host_wait(), nvmu_host_qpair_delete() or a submission that takes the general path
 * while the first one is inside one of these gets -EBUSY with a message (and a warning in
 * the log) instead of corrupting the pair. The inline fast path of a read or write is not
 * checked, so that it stays cheap: do not rely on the check, give each thread its own
 * pair. Admin functions, DMA helpers and nvmu_host_admin_poll() may be called from any
 * thread.
 *
 * Callbacks may submit, poll and wait on their own queue pair (nvmu_ns_read_sync() inside
 * a callback works; each nested poll rings the completion queue head for what was
 * consumed before it), and may delete it: see nvmu_host_qpair_delete().
 */
#ifndef NVMU_HOST_H
#define NVMU_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nvme/types.h>

#include "nvmu/nvme.h"
#include "nvmu/pci.h"

#ifdef __cplusplus
extern "C" {
#endif

struct nvmu_host_ctrl;
struct nvmu_host_qpair;
struct nvmu_ns;

/* ---- controllers ------------------------------------------------------------------ */

/** An Asynchronous Event as the controller reported it in dword 0 of the request. */
struct nvmu_host_event {
	uint8_t type;     /**< enum nvme_async_event_type: 0 error, 1 SMART/health, 2 notice */
	uint8_t info;     /**< event information (e.g. NVME_AER_SMART_*) */
	uint8_t log_page; /**< the log page whose reading clears the event (e.g. SMART) */
	uint32_t dw0;     /**< the whole dword 0 */
};

/** Called from nvmu_host_admin_poll() for each asynchronous event. */
typedef void (*nvmu_host_event_cb)(void *arg, const struct nvmu_host_event *ev);

/** Options of nvmu_host_attach(); zero-initialised (or NULL) means defaults. */
struct nvmu_host_opts {
	size_t opts_size; /**< sizeof(the structure) as built, or 0 (see support.h) */
	struct nvmu_ctrl_opts ctrl;  /**< core options (admin queue, timeouts, no_dbbuf...) */
	const char *vf_token;        /**< PCIe: VF token of an SR-IOV VF */
	bool no_aer;                 /**< do not keep Asynchronous Event Requests armed */
	bool no_auto_reset;          /**< never reset on its own: the application calls
					  nvmu_host_reset() when nvmu_host_state() asks for it */
	nvmu_host_event_cb event_cb; /**< called for each asynchronous event; when NULL,
					  events are only counted */
	void *event_arg;
};

/**
 * Attach the controller named by device string @p dev, opened through the transport
 * registry (nvmu_transport_open(), transport.h): a PCI address ("0000:01:00.0" or
 * "01:00.0", bound to vfio-pci) or "pcie:ADDR" opens the PCIe transport; "soft",
 * "soft:OPTIONS" an in-process software controller (nvme_soft.h); a registered class
 * "NAME:REST" or "NAME://REST" its own. Brings the controller up, reads Identify Controller
 * and every active namespace, enables SMART and namespace-notice events and arms
 * Asynchronous Event Requests. Returns 0 and sets *out; -EINVAL (malformed device string
 * or unknown scheme), -EBUSY (a kernel NVMe device such as /dev/nvme0: the message names
 * the PCI address to bind), or the error of the transport or of bring-up
 * (nvmu_ctrl_open()), with a message.
 */
NVMU_API int nvmu_host_attach(const char *dev, const struct nvmu_host_opts *opts,
			      struct nvmu_host_ctrl **out);

/**
 * Detach: free the queue pairs still open (their requests complete with -ECANCELED),
 * shut the controller down normally (CC.SHN, wait for SHST) and close the transport.
 * Returns 0 or the shutdown's error (everything is freed anyway).
 */
NVMU_API int nvmu_host_detach(struct nvmu_host_ctrl *h);

/**
 * List the NVMe functions bound to vfio-pci (the ones nvmu_host_attach() can open):
 * up to @p max addresses into @p addrs, *n set to how many there are. Returns 0 or the
 * error of nvmu_pci_list_nvme().
 */
NVMU_API int nvmu_host_probe(char (*addrs)[NVMU_PCI_ADDR_LEN], size_t max, size_t *n);

/** Returns the core controller, for registers, queue primitives and raw admin commands. */
NVMU_API struct nvmu_ctrl *nvmu_host_core(const struct nvmu_host_ctrl *h);

/** Returns the Identify Controller data read at attach. */
NVMU_API const struct nvme_id_ctrl *nvmu_host_id(const struct nvmu_host_ctrl *h);

/** Returns the device string the controller was attached with. */
NVMU_API const char *nvmu_host_name(const struct nvmu_host_ctrl *h);

/** Returns the number of active namespaces found at attach. */
NVMU_API unsigned nvmu_host_ns_count(const struct nvmu_host_ctrl *h);

/** Returns the @p index-th active namespace in NSID order, or NULL past the last one. */
NVMU_API struct nvmu_ns *nvmu_host_ns(const struct nvmu_host_ctrl *h, unsigned index);

/** Returns the namespace with ID @p nsid, or NULL if it is not active. */
NVMU_API struct nvmu_ns *nvmu_host_ns_by_id(const struct nvmu_host_ctrl *h, uint32_t nsid);

/** Commands the host API knows (nvmu_host_supports()). */
enum nvmu_host_cmd {
	NVMU_HOST_CMD_COMPARE,
	NVMU_HOST_CMD_DSM,
	NVMU_HOST_CMD_WRITE_ZEROES,
	NVMU_HOST_CMD_VERIFY,
	NVMU_HOST_CMD_COPY,
	NVMU_HOST_CMD_FLUSH,
	NVMU_HOST_CMD_WRITE_UNCORRECTABLE,
	NVMU_HOST_CMD_RESERVATIONS,
};

/**
 * Returns true if the controller supports @p cmd, as ONCS says. Flush is always
 * supported, whether or not the controller has a volatile write cache.
 */
NVMU_API bool nvmu_host_supports(const struct nvmu_host_ctrl *h, enum nvmu_host_cmd cmd);

/* ---- namespaces ------------------------------------------------------------------- */

/** Returns the namespace's ID. */
NVMU_API uint32_t nvmu_ns_id(const struct nvmu_ns *ns);

/** Returns the decoded facts: NSZE, NCAP, NUSE, LBA size, metadata size and format. */
NVMU_API const struct nvmu_ns_info *nvmu_ns_info(const struct nvmu_ns *ns);

/** Returns the Identify Namespace data read at attach, for features and limits. */
NVMU_API const struct nvme_id_ns *nvmu_ns_identify(const struct nvmu_ns *ns);

/** Returns the number of bytes per logical block. */
NVMU_API uint32_t nvmu_ns_lba_size(const struct nvmu_ns *ns);

/** Returns the number of logical blocks in the namespace (NSZE). */
NVMU_API uint64_t nvmu_ns_blocks(const struct nvmu_ns *ns);

/**
 * Returns the capacity in bytes: NSZE times the LBA size; UINT64_MAX when that does not
 * fit in 64 bits (a namespace of 2^64 bytes or more), and 0 for a namespace that is not
 * usable (its LBA size is unknown).
 */
NVMU_API uint64_t nvmu_ns_capacity(const struct nvmu_ns *ns);

/**
 * Returns true if the driver can do I/O on the namespace. A namespace whose format it
 * cannot use (an LBA data size outside 512 bytes..2 GiB, a format index beyond NLBAF) is
 * still listed, with its Identify data, but every command on it is refused with -ENOTSUP;
 * nvmu_ns_unusable_reason() says why.
 */
NVMU_API bool nvmu_ns_usable(const struct nvmu_ns *ns);

/** Returns why the namespace is not usable, or NULL when it is. */
NVMU_API const char *nvmu_ns_unusable_reason(const struct nvmu_ns *ns);

/* ---- DMA buffers ---------------------------------------------------------------- */

/**
 * Allocate @p len bytes of zeroed, page-aligned DMA memory that carries its IOVA. buf->len
 * is @p len exactly: a read or write of the whole buffer transfers @p len bytes, so a
 * 512-byte buffer writes one 512-byte block, never the rest of its page (the memory is
 * rounded up to whole pages, and the allocator keeps that size itself). Any thread may
 * call it. Returns 0 and fills *buf, or -ENOMEM or the pool's error.
 */
NVMU_API int nvmu_host_dma_alloc(struct nvmu_host_ctrl *h, size_t len,
				 struct nvmu_dma_buf *buf);

/**
 * Free a buffer from nvmu_host_dma_alloc() and zero *buf, so that freeing it twice is
 * harmless: a zeroed buffer is ignored. The buffer is found from its address, so its len
 * may have been shortened for a transfer of part of it.
 */
NVMU_API void nvmu_host_dma_free(struct nvmu_host_ctrl *h, struct nvmu_dma_buf *buf);

/**
 * Map the page-aligned application memory [vaddr, vaddr+len) for DMA, so that foreign
 * pieces inside it can be translated. Returns 0, -ENOTSUP when the transport has no
 * IOMMU context (the software controller has none), or the error of nvmu_iommu_map().
 */
NVMU_API int nvmu_host_dma_map(struct nvmu_host_ctrl *h, void *vaddr, size_t len);

/** Undo nvmu_host_dma_map(). Returns 0 or nvmu_iommu_unmap()'s error. */
NVMU_API int nvmu_host_dma_unmap(struct nvmu_host_ctrl *h, void *vaddr);

/**
 * Set *iova to the device address of [vaddr, vaddr+len), memory mapped with
 * nvmu_host_dma_map(), so that a program which maps a large region once can give the
 * pieces it cuts from it their IOVA and skip the per-command lookup. Any thread.
 * Returns 0, -ENOTSUP without an IOMMU context, or -EFAULT when the range is not mapped.
 */
NVMU_API int nvmu_host_dma_iova(struct nvmu_host_ctrl *h, const void *vaddr, size_t len,
				uint64_t *iova);

/* ---- queue pairs ------------------------------------------------------------------ */

/** Options of nvmu_host_qpair_create(); zero-initialised (or NULL) means defaults. */
struct nvmu_host_qpair_opts {
	size_t opts_size; /**< sizeof(the structure) as built, or 0 (see support.h) */
	uint32_t entries;     /**< queue size (default 256, bounded by CAP.MQES+1) */
	uint32_t requests;    /**< request objects (default 4 x entries, at least 64) */
	bool interrupts;      /**< completion interrupts through an eventfd (see below) */
	bool sgl;             /**< describe data with SGLs (needs SGL support) */
	bool defer_doorbell;  /**< submissions only post; the SQ doorbell rings in
				   nvmu_host_qpair_poll() or nvmu_host_qpair_kick() */
	uint32_t timeout_ms;  /**< deadline of each command (default: the controller's I/O
				   timeout, 30 s); 0 keeps the default */
	uint8_t retries;      /**< repost a command up to this many times when a controller
				   reset interrupted it, or the device failed it without Do
				   Not Retry (nvmu_qpair_opts.retries); 0: never */
};

/**
 * Create an I/O queue pair for the calling thread, with its request objects. Returns 0
 * and sets *out, -ENOMEM, or the errors of nvmu_qpair_create(): -EBUSY when no queue is
 * left, -EINVAL for a bad size, -ENOSPC when no interrupt vector is left, -ENOTSUP when
 * SGLs are asked for and missing, and -EREMOTEIO when the controller refuses the queue.
 */
NVMU_API int nvmu_host_qpair_create(struct nvmu_host_ctrl *h,
				    const struct nvmu_host_qpair_opts *opts,
				    struct nvmu_host_qpair **out);

/**
 * Delete the queue pair. Requests still waiting or in flight complete with -ECANCELED
 * (their callbacks run inside this call). Returns 0 or the queue deletion's error, or
 * -EBUSY when another thread is inside a call on the pair (nothing is done).
 *
 * From inside a callback of the pair (or anything else that runs inside a call on it)
 * the deletion is deferred, as SPDK does: it returns 0 at once, new commands are refused
 * with -ESHUTDOWN, and the pair is deleted when the outermost call on it returns (the
 * nvmu_host_qpair_poll(), nvmu_host_wait() or submission that ran the callback); an error
 * of the queue deletion is then logged. The caller of that call must not use the pair
 * after it returned.
 */
NVMU_API int nvmu_host_qpair_delete(struct nvmu_host_qpair *qp);

/**
 * Reap up to @p max completions (0 means all there are), run the callbacks of finished
 * requests, submit waiting requests into the slots that freed up, end waiting requests
 * past their deadline with -ETIMEDOUT, and ring each doorbell once. It makes no system
 * call and takes no lock, so it can be called in a tight loop. Returns the number of
 * NVMe completions reaped (0 also while the pair is paused for a reset), or a negative
 * errno with a message, as SPDK's spdk_nvme_qpair_process_completions(): -ENODEV when the
 * device was removed, -EIO when the controller failed (its commands end in this poll or
 * the next), -EBUSY when another thread is inside a call on the pair. If a callback
 * deleted the pair, it is freed when this call returns.
 */
NVMU_API int nvmu_host_qpair_poll(struct nvmu_host_qpair *qp, unsigned max);

/**
 * Set the deadline of commands submitted on @p qp from now on: 0 for none, otherwise
 * 100..3600000 ms. Set it around one submission to give that command its own deadline.
 * Returns 0, or -EINVAL for a value outside that range.
 */
NVMU_API int nvmu_host_qpair_set_timeout(struct nvmu_host_qpair *qp, uint32_t ms);

/**
 * Ring the SQ doorbell for requests posted with defer_doorbell. During a pause for a
 * reset it does nothing, since the reset owns the queue.
 */
NVMU_API void nvmu_host_qpair_kick(struct nvmu_host_qpair *qp);

/**
 * Returns the eventfd of an interrupt-driven pair, or -1 when the pair is polled. Add it
 * to epoll with EPOLLIN; when readable, call nvmu_host_qpair_ack_irq() and then
 * nvmu_host_qpair_poll() until it returns 0. Wait with a timeout of about
 * 100 ms and call nvmu_host_qpair_poll() when it expires too: deadlines, fatal
 * status and removal are noticed while the pair is polled (a device that stops
 * answering sends no interrupt).
 */
NVMU_API int nvmu_host_qpair_eventfd(const struct nvmu_host_qpair *qp);

/**
 * Reset the eventfd's counter with one read system call. Returns the number of
 * interrupts counted, or 0 when none was signalled or the pair has no eventfd.
 */
NVMU_API uint64_t nvmu_host_qpair_ack_irq(struct nvmu_host_qpair *qp);

/** Returns the requests accepted and not yet completed, both waiting and in flight. */
NVMU_API uint32_t nvmu_host_qpair_pending(const struct nvmu_host_qpair *qp);

/** Returns the number of requests waiting in software for a queue slot. */
NVMU_API uint32_t nvmu_host_qpair_waiting(const struct nvmu_host_qpair *qp);

/** Returns the core queue pair, for statistics and the raw primitives. */
NVMU_API struct nvmu_qpair *nvmu_host_qpair_core(const struct nvmu_host_qpair *qp);

/* ---- asynchronous namespace commands ---------------------------------------------- */

/** Completion callback: runs once per accepted command (struct nvmu_cpl: see nvme.h). */
typedef nvmu_cmd_cb nvmu_host_cb;

/** Flags of namespace commands. */
enum nvmu_io_flags {
	NVMU_IO_FUA = 1u << 0,    /**< Force Unit Access (write, read, compare, verify) */
	NVMU_IO_SGL = 1u << 1,    /**< describe the data with an SGL */
	NVMU_IO_PRP = 1u << 2,    /**< describe the data with PRPs */
	NVMU_IO_BOUNCE = 1u << 3, /**< copy foreign unmapped buffers through a DMA buffer */
	NVMU_IO_DEALLOCATE = 1u << 4, /**< Write Zeroes: deallocate the blocks too */
};

/**
 * Read into @p iov (@p iovcnt pieces) starting at @p lba; the transfer is the iovec's
 * total length, a non-zero multiple of the LBA size. Data is described with the queue's
 * default (PRP, or SGL when created with .sgl) unless NVMU_IO_SGL/PRP say otherwise; an
 * iovec that is not PRP-compatible uses an SGL when the controller has them.
 * An iovec of up to 8 pieces is copied at submission, and so is the iovec of a read that
 * NVMU_IO_BOUNCE bounces, whatever its length (the copy of more than 8 pieces is
 * allocated at submission); the caller may free or reuse its array once the call
 * returns. Otherwise a longer array must stay valid until the callback. The memory itself
 * must stay valid until the callback.
 * Returns 0 or one of the submission errors listed at the top of this file.
 */
NVMU_API int nvmu_ns_read(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, uint64_t lba,
			  const struct nvmu_dma_buf *iov, unsigned iovcnt, unsigned flags,
			  nvmu_host_cb cb, void *arg);

/**
 * Write @p iov at @p lba, with the same rules and return values as nvmu_ns_read().
 * NVMU_IO_FUA asks for Force Unit Access.
 */
NVMU_API int nvmu_ns_write(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, uint64_t lba,
			   const struct nvmu_dma_buf *iov, unsigned iovcnt, unsigned flags,
			   nvmu_host_cb cb, void *arg);

/**
 * Compare @p iov with the blocks at @p lba. If they differ, the command completes with
 * the Compare Failure status. Returns as nvmu_ns_read(), and -ENOTSUP when ONCS has no
 * Compare.
 */
NVMU_API int nvmu_ns_compare(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, uint64_t lba,
			     const struct nvmu_dma_buf *iov, unsigned iovcnt, unsigned flags,
			     nvmu_host_cb cb, void *arg);

/**
 * Verify @p nlb blocks at @p lba; no data is transferred. Returns 0 or a submission
 * error, including -ENOTSUP when ONCS has no Verify.
 */
NVMU_API int nvmu_ns_verify(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, uint64_t lba,
			    uint64_t nlb, unsigned flags, nvmu_host_cb cb, void *arg);

/**
 * Write Zeroes to @p nlb blocks at @p lba; with NVMU_IO_DEALLOCATE the blocks are
 * deallocated too. Returns 0 or a submission error, including -ENOTSUP when ONCS has no
 * Write Zeroes.
 */
NVMU_API int nvmu_ns_write_zeroes(struct nvmu_host_qpair *qp, struct nvmu_ns *ns,
				  uint64_t lba, uint64_t nlb, unsigned flags, nvmu_host_cb cb,
				  void *arg);

/**
 * Write Uncorrectable on @p nlb blocks at @p lba: reading them fails (Unrecovered Read
 * Error) until they are written again. Returns 0 or a submission error, including
 * -ENOTSUP when ONCS has no Write Uncorrectable.
 */
NVMU_API int nvmu_ns_write_uncorrectable(struct nvmu_host_qpair *qp, struct nvmu_ns *ns,
					 uint64_t lba, uint64_t nlb, nvmu_host_cb cb, void *arg);

/** Flush the namespace's volatile write cache. Returns 0 or a submission error. */
NVMU_API int nvmu_ns_flush(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, nvmu_host_cb cb,
			   void *arg);

/** A range of logical blocks. */
struct nvmu_lba_range {
	uint64_t slba;
	uint32_t nlb; /**< blocks (1..2^32-1) */
};

/**
 * Deallocate @p nranges ranges (1..256) with Dataset Management, attribute AD. The array
 * is copied at submission (a long one into memory allocated then, outside the fast path),
 * so the caller may free or reuse it once the call returns. Returns 0 or a submission
 * error, including -ENOTSUP when ONCS has no Dataset Management and -ENOMEM when the copy
 * cannot be allocated.
 */
NVMU_API int nvmu_ns_deallocate(struct nvmu_host_qpair *qp, struct nvmu_ns *ns,
				const struct nvmu_lba_range *ranges, unsigned nranges,
				nvmu_host_cb cb, void *arg);

/**
 * Copy @p nranges source ranges (1..min(MSRC+1, 128), each up to MSSRL blocks, 65536
 * at most) of the namespace to @p dst_lba (source format 0). The array is copied at
 * submission, as nvmu_ns_deallocate() does. Returns 0 or a submission error, including
 * -ENOTSUP when ONCS has no Copy, -EINVAL when the ranges exceed MSRC, MSSRL or MCL, and
 * -ENOMEM when the copy cannot be allocated.
 */
NVMU_API int nvmu_ns_copy(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, uint64_t dst_lba,
			  const struct nvmu_lba_range *ranges, unsigned nranges,
			  nvmu_host_cb cb, void *arg);

/**
 * Submit a raw I/O command @p cmd with data @p iov; nvmu sets the CID and the data
 * pointer. With no data (NULL or 0 pieces), the command's own PRP1/PRP2 are kept. The
 * command is never split and never validated, so verification engineers can send what a
 * normal caller could not. Returns 0 or a submission error.
 */
NVMU_API int nvmu_host_raw_io(struct nvmu_host_qpair *qp, const struct nvmu_sqe *cmd,
			      const struct nvmu_dma_buf *iov, unsigned iovcnt, unsigned flags,
			      nvmu_host_cb cb, void *arg);

/* ---- reservations ------------------------------------------------------------------- */

/*
 * Reservation commands on namespace @p ns, sent on @p qp and waited for (the pair's
 * deadline): they are management operations, so each allocates a small DMA buffer for
 * its data. *cpl, if not NULL, gets the completion. Each returns 0; -ENOTSUP when ONCS has
 * no reservations (nothing is sent); -EINVAL for an action or length out of range; a
 * submission error; or what nvmu_host_wait() returns (-EREMOTEIO with the status, e.g.
 * Reservation Conflict for a wrong key).
 */

/**
 * Reservation Register: @p rrega 0 registers key @p nrkey, 1 unregisters, 2 replaces the
 * current key @p crkey with @p nrkey; @p iekey ignores the current key; @p cptpl (0-3)
 * changes Persist Through Power Loss.
 */
NVMU_API int nvmu_ns_resv_register(struct nvmu_host_qpair *qp, struct nvmu_ns *ns,
				   uint8_t rrega, uint8_t cptpl, bool iekey, uint64_t crkey,
				   uint64_t nrkey, struct nvmu_cpl *cpl);

/**
 * Reservation Acquire: @p racqa 0 acquires a reservation of type @p rtype (1-6), 1
 * preempts the registrant with key @p prkey, 2 preempts and aborts its commands.
 */
NVMU_API int nvmu_ns_resv_acquire(struct nvmu_host_qpair *qp, struct nvmu_ns *ns,
				  uint8_t racqa, uint8_t rtype, bool iekey, uint64_t crkey,
				  uint64_t prkey, struct nvmu_cpl *cpl);

/** Reservation Release: @p rrela 0 releases the reservation of type @p rtype, 1 clears all. */
NVMU_API int nvmu_ns_resv_release(struct nvmu_host_qpair *qp, struct nvmu_ns *ns,
				  uint8_t rrela, uint8_t rtype, bool iekey, uint64_t crkey,
				  struct nvmu_cpl *cpl);

/**
 * Reservation Report into @p out, @p len bytes (a multiple of 4, at least 24): the
 * reservation status and the registered controllers, with 64-byte entries and 128-bit
 * host identifiers when @p eds.
 */
NVMU_API int nvmu_ns_resv_report(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, bool eds,
				 void *out, size_t len, struct nvmu_cpl *cpl);

/* ---- synchronous helpers ---------------------------------------------------------- */

/**
 * A completion to wait for: pass nvmu_host_sync_cb and a zero-initialised waiter to any
 * command above, then nvmu_host_wait(). The waiter may go out of scope once
 * nvmu_host_wait() returned, also after a timeout (the request forgets it). It may also
 * serve the next command: nvmu_host_wait() clears .done when it returns, and a submission
 * that becomes a request clears it too. (The fast path does not look at the callback, so
 * that other callbacks pay nothing: a program that polls .done itself instead of calling
 * nvmu_host_wait() clears it before it reuses the waiter.)
 */
struct nvmu_host_waiter {
	bool done;
	struct nvmu_cpl cpl;
};

/** The callback that fills a struct nvmu_host_waiter and marks it done. */
NVMU_API void nvmu_host_sync_cb(void *arg, const struct nvmu_cpl *cpl);

/**
 * Process completions of @p qp until @p w is done or @p timeout_ms passes (0 means
 * 30 s), then clear w->done so that the waiter can serve the next command (w->cpl keeps
 * the completion). Returns @p w's completion error (0, -EREMOTEIO with w->cpl.status,
 * -ECANCELED, ...); or -ETIMEDOUT, the error of nvmu_host_qpair_poll() (-ENODEV, -EIO,
 * -EBUSY) when it stopped for it: then the request stays in flight and its completion
 * is dropped when it arrives.
 */
NVMU_API int nvmu_host_wait(struct nvmu_host_qpair *qp, struct nvmu_host_waiter *w,
			    uint32_t timeout_ms);

/**
 * Read synchronously: nvmu_ns_read() followed by nvmu_host_wait(). *cpl, if not NULL,
 * gets the completion. Returns the submission error, or what nvmu_host_wait() returns.
 */
NVMU_API int nvmu_ns_read_sync(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, uint64_t lba,
			       const struct nvmu_dma_buf *iov, unsigned iovcnt, unsigned flags,
			       uint32_t timeout_ms, struct nvmu_cpl *cpl);

/**
 * Write synchronously: nvmu_ns_write() followed by nvmu_host_wait(). Returns as
 * nvmu_ns_read_sync().
 */
NVMU_API int nvmu_ns_write_sync(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, uint64_t lba,
				const struct nvmu_dma_buf *iov, unsigned iovcnt, unsigned flags,
				uint32_t timeout_ms, struct nvmu_cpl *cpl);

/**
 * Flush synchronously: nvmu_ns_flush() followed by nvmu_host_wait(). Returns as
 * nvmu_ns_read_sync().
 */
NVMU_API int nvmu_ns_flush_sync(struct nvmu_host_qpair *qp, struct nvmu_ns *ns,
				uint32_t timeout_ms, struct nvmu_cpl *cpl);

/* ---- admin ------------------------------------------------------------------------ */

/**
 * Run the raw admin command @p cmd with the data @p buf, a DMA buffer that carries its
 * IOVA (NULL for none), and wait up to @p timeout_ms (0 means the controller's default).
 * Any thread may call it. *cpl, if not NULL, gets the completion. Returns what
 * nvmu_admin_cmd() returns.
 */
NVMU_API int nvmu_host_admin(struct nvmu_host_ctrl *h, struct nvmu_sqe *cmd,
			     const struct nvmu_dma_buf *buf, uint32_t timeout_ms,
			     struct nvmu_cpl *cpl);

/**
 * Get Log Page @p lid for @p nsid (0xffffffff: controller-wide) into @p out (@p len
 * bytes, up to 1 MiB) through a temporary DMA buffer; reading the page clears the event
 * that named it (RAE=0). Returns 0, -EINVAL when @p len is not a multiple of 4 in
 * 4..1 MiB, the allocation's error, or an error of nvmu_admin_cmd().
 */
NVMU_API int nvmu_host_get_log(struct nvmu_host_ctrl *h, uint8_t lid, uint32_t nsid,
			       void *out, size_t len);

/**
 * Reap admin completions, deliver asynchronous events to the event callback (on this
 * thread) and re-arm their requests. Call it from one thread every so often (e.g. from an
 * event loop tick); events wait in the controller until then. Returns the number of
 * events delivered.
 */
NVMU_API unsigned nvmu_host_admin_poll(struct nvmu_host_ctrl *h);

/**
 * Returns the controller's state: live, needs reset, resetting, failed or removed. Any
 * thread may call it.
 */
NVMU_API enum nvmu_ctrl_state nvmu_host_state(const struct nvmu_host_ctrl *h);

/**
 * Reset the controller now (see "Recovery" above): pause every queue pair - a pair used
 * by another thread pauses at its next nvmu_host_qpair_poll(), which must come
 * within 10 s - then nvmu_ctrl_reset(), re-enable events, and resume. Any thread.
 * Returns 0; -EBUSY (a pair did not pause: nothing was done), or nvmu_ctrl_reset()'s
 * error (-ENODEV removed; -ETIMEDOUT/-EIO/-EREMOTEIO: the controller failed).
 */
NVMU_API int nvmu_host_reset(struct nvmu_host_ctrl *h);

/** Returns the number of asynchronous events received since attach. */
NVMU_API uint64_t nvmu_host_events_seen(const struct nvmu_host_ctrl *h);

#ifdef __cplusplus
}
#endif

/* Namespace management, self-test, sanitize and firmware: host_manage.h. */
#include "nvmu/host_manage.h"
#endif
