/* SPDX-License-Identifier: MIT */
/**
 * @file nvme.h
 * @brief NVMe core: controller bring-up and shutdown, admin commands, I/O queue pairs,
 *        request trackers, PRP building, and the inline queue primitives of the hot path.
 *
 * The core reaches the device only through a transport (struct nvmu_transport): register
 * access, a CPU-visible doorbell area, DMA memory and interrupt vectors. The PCIe/VFIO
 * transport is in nvme_pcie.h.
 *
 * Data structures of the specification (identify data, register fields, status codes,
 * opcodes) come from libnvme's <nvme/types.h>; the 64-byte command and the 16-byte
 * completion of the hot path are nvmu's own (struct nvmu_sqe, struct nvmu_cqe).
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

#include "nvmu/iommu.h"
#include "nvmu/mmio.h"
#include "nvmu/support.h"
#include "nvmu/transport.h"

#ifdef __cplusplus
extern "C" {
#endif

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "nvmu's NVMe core assumes a little-endian host"
#endif

/* ---- commands and completions (ours: the hot path) ------------------------------- */

/** A 64-byte submission queue entry. */
struct nvmu_sqe {
	uint8_t opcode;
	uint8_t flags; /**< FUSE (bits 1:0), PSDT (bits 7:6; 0 = PRP) */
	uint16_t cid;  /**< set by the core when submitted through a tracker */
	uint32_t nsid;
	uint32_t cdw2;
	uint32_t cdw3;
	uint64_t mptr;
	uint64_t prp1;
	uint64_t prp2;
	uint32_t cdw10;
	uint32_t cdw11;
	uint32_t cdw12;
	uint32_t cdw13;
	uint32_t cdw14;
	uint32_t cdw15;
};

/** A 16-byte completion queue entry. */
struct nvmu_cqe {
	uint32_t dw0;
	uint32_t dw1;
	uint16_t sqhd; /**< submission queue head the controller reached */
	uint16_t sqid;
	uint16_t cid;
	uint16_t status; /**< bit 0: phase tag; bits 15:1: status field */
};

_Static_assert(sizeof(struct nvmu_sqe) == 64, "an NVMe command is 64 bytes");
_Static_assert(sizeof(struct nvmu_cqe) == 16, "an NVMe completion is 16 bytes");

/** The 15-bit status field of a completion (SC, SCT, CRD, More, DNR; no phase tag). */
static inline uint16_t nvmu_cqe_status(const struct nvmu_cqe *cqe)
{
	return (uint16_t)(cqe->status >> 1);
}

/** Status Code Type of a status field (enum nvme_status_field: NVME_SCT_*). */
static inline unsigned nvmu_status_sct(uint16_t status)
{
	return NVME_GET(status, SCT);
}

/** Status Code of a status field (NVME_SC_*). */
static inline unsigned nvmu_status_sc(uint16_t status)
{
	return NVME_GET(status, SC);
}

/** True if the Do Not Retry bit is set. */
static inline bool nvmu_status_dnr(uint16_t status)
{
	return (status & NVME_SC_DNR) != 0;
}

/** True if the More bit is set (the Error Information log page has more). */
static inline bool nvmu_status_more(uint16_t status)
{
	return (status & NVME_SC_MORE) != 0;
}

/** Command Retry Delay index (0-3) of a status field. */
static inline unsigned nvmu_status_crd(uint16_t status)
{
	return (status & NVME_SC_CRD) >> 11;
}

/**
 * A command's outcome, as completion callbacks and synchronous calls receive it.
 * .err is 0, or:
 * - -EREMOTEIO: the device returned an error status (.status says which);
 * - -ETIMEDOUT: no completion within the command's timeout; it was aborted, or ended by
 *   the controller reset that followed;
 * - -ECANCELED: ended by a controller reset or by the deletion of its queue pair;
 * - -ENODEV: the device was removed (or failed for good) before it answered.
 * Completions the driver makes itself carry a Path Related status: Command Aborted By
 * Host (SCT 3h, SC 71h), or Host Pathing Error (70h) for a removed device.
 */
struct nvmu_cpl {
	int err;
	uint16_t status; /**< NVMe status field (no phase): SCT, SC, CRD, More, DNR */
	uint32_t dw0, dw1;
};

/** Status field of a completion the driver made: Path Related, @p sc (70h or 71h). */
#define NVMU_STATUS_HOST(sc) ((uint16_t)(NVME_SCT_PATH << NVME_SCT_SHIFT | (sc)))

/**
 * Name of a status (e.g. "INVALID_FIELD"), from its SCT and SC; "SUCCESS" for 0 and
 * "UNKNOWN" for a code nvmu has no name for. Never NULL.
 */
NVMU_API const char *nvmu_status_name(uint16_t status);

/**
 * Write a status as text into @p buf, e.g. "INVALID_FIELD (sct 0 sc 0x2) dnr", with
 * "more" and "crd N" when set. Returns @p buf (always NUL-terminated when @p len > 0).
 */
NVMU_API char *nvmu_status_text(uint16_t status, char *buf, size_t len);

/** Buffer size that always holds nvmu_status_text()'s output. */
#define NVMU_STATUS_TEXT_MAX 96

/* ---- queue primitives (inline: no system calls, no locks) ------------------------ */

/** A submission queue ring. */
struct nvmu_sq {
	struct nvmu_sqe *ring;
	volatile uint32_t *doorbell;
	uint16_t size;     /**< entries */
	uint16_t tail;     /**< next slot to fill */
	uint16_t head;     /**< last head the controller reported (CQE sqhd) */
	uint16_t rung;     /**< tail last written to the doorbell (or its shadow) */
	volatile uint32_t *shadow;   /**< shadow doorbell (Doorbell Buffer Config), or NULL */
	volatile uint32_t *eventidx; /**< its EventIdx entry, or NULL */
};

/** A completion queue ring. */
struct nvmu_cq {
	volatile struct nvmu_cqe *ring;
	volatile uint32_t *doorbell;
	uint16_t size;
	uint16_t head;  /**< next entry to look at */
	uint8_t phase;  /**< phase tag that marks a new entry (starts at 1) */
	bool consumed;  /**< entries consumed since the last head doorbell */
	uint16_t rung;  /**< head last written to the doorbell (or its shadow) */
	volatile uint32_t *shadow;   /**< shadow doorbell (Doorbell Buffer Config), or NULL */
	volatile uint32_t *eventidx; /**< its EventIdx entry, or NULL */
};

/**
 * The event-index rule of shadow doorbells: after moving a doorbell value from @p old_idx
 * to @p new_idx, the MMIO doorbell must be written only if the controller's EventIdx
 * @p event_idx lies in [old_idx, new_idx) (modulo 2^16). Otherwise the controller reads
 * the shadow value itself and the MMIO write (a trap in a VM) is saved.
 */
static inline bool nvmu_dbbuf_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event_idx - 1) < (uint16_t)(new_idx - old_idx);
}

/**
 * Store @p value in a shadow doorbell and tell whether the MMIO doorbell must be written
 * too (nvmu_dbbuf_need_event() against the current EventIdx, @p old the previous value).
 */
static inline bool nvmu_dbbuf_update(volatile uint32_t *shadow, const volatile uint32_t *eventidx,
				     uint16_t value, uint16_t old)
{
	nvmu_wmb(); /* queue entries before the shadow value */
	*shadow = value;
	nvmu_mb(); /* the shadow value visible before the EventIdx is read */
	return nvmu_dbbuf_need_event((uint16_t)*eventidx, value, old);
}

/** Number of entries that can still be posted (a queue of N entries holds N-1). */
static inline uint16_t nvmu_sq_space(const struct nvmu_sq *sq)
{
	uint16_t used = (uint16_t)((sq->tail + sq->size - sq->head) % sq->size);

	return (uint16_t)(sq->size - 1 - used);
}

/** Copy @p cmd into the next slot (no doorbell). Returns 0, or -EAGAIN if the queue is full. */
static inline int nvmu_sq_post(struct nvmu_sq *sq, const struct nvmu_sqe *cmd)
{
	if (nvmu_sq_space(sq) == 0)
		return -EAGAIN;
	sq->ring[sq->tail] = *cmd;
	sq->tail = (uint16_t)(sq->tail + 1 == sq->size ? 0 : sq->tail + 1);
	return 0;
}

/**
 * Ring the SQ tail doorbell if anything was posted since the last ring (once per batch).
 * With a shadow doorbell, the tail goes to the shadow and MMIO is written only when the
 * event-index rule asks for it.
 */
static inline void nvmu_sq_ring(struct nvmu_sq *sq)
{
	if (sq->tail == sq->rung)
		return;
	if (sq->shadow && !nvmu_dbbuf_update(sq->shadow, sq->eventidx, sq->tail, sq->rung)) {
		sq->rung = sq->tail;
		return;
	}
	nvmu_wmb();
	nvmu_mmio_write32(sq->doorbell, sq->tail);
	sq->rung = sq->tail;
}

/**
 * Record the SQ head a completion reported. Returns false (and changes nothing) if the
 * device reported a head outside the queue.
 */
static inline bool nvmu_sq_set_head(struct nvmu_sq *sq, uint16_t sqhd)
{
	if (sqhd >= sq->size)
		return false;
	sq->head = sqhd;
	return true;
}

/** The next completion if the controller has posted it (phase tag matches), else NULL. */
static inline const volatile struct nvmu_cqe *nvmu_cq_peek(const struct nvmu_cq *cq)
{
	const volatile struct nvmu_cqe *cqe = &cq->ring[cq->head];

	if ((cqe->status & 1) != cq->phase)
		return NULL;
	nvmu_rmb(); /* read the body only after the phase tag */
	return cqe;
}

/** Consume the current completion: advance the head, flipping the phase on wrap. */
static inline void nvmu_cq_advance(struct nvmu_cq *cq)
{
	if (++cq->head == cq->size) {
		cq->head = 0;
		cq->phase ^= 1;
	}
	cq->consumed = true;
}

/**
 * Ring the CQ head doorbell if completions were consumed since the last ring (once per
 * reap; a full lap of the ring still rings, although the head is back where it was).
 * With a shadow doorbell, as nvmu_sq_ring().
 */
static inline void nvmu_cq_ring(struct nvmu_cq *cq)
{
	bool mmio = true;

	if (!cq->consumed)
		return;
	if (cq->shadow)
		mmio = nvmu_dbbuf_update(cq->shadow, cq->eventidx, cq->head, cq->rung) ||
		       cq->head == cq->rung; /* a full lap: let the controller know */
	if (mmio)
		nvmu_mmio_write32(cq->doorbell, cq->head);
	cq->rung = cq->head;
	cq->consumed = false;
}

/** Doorbell of SQ @p qid (CQ: @p cq true) in a doorbell area with stride 4 << @p dstrd. */
static inline volatile uint32_t *nvmu_doorbell(volatile uint8_t *doorbells, uint16_t qid,
					      bool cq, unsigned dstrd)
{
	return (volatile uint32_t *)(doorbells + ((2u * qid + (cq ? 1u : 0u)) << (2 + dstrd)));
}

/* ---- PRP building ---------------------------------------------------------------- */

/** PRP list pages a tracker owns: @p npages contiguous pages, CPU and device address. */
struct nvmu_prp_pages {
	uint64_t *vaddr;
	uint64_t iova;
	uint32_t npages;
};

/**
 * Fill @p prp1 and @p prp2 for a transfer of @p len bytes at device address @p iova with
 * controller pages of @p page_size bytes: PRP1 alone, PRP1 + PRP2 (two pages), or PRP2
 * pointing to a PRP list in @p list, whose pages are chained through their last entry
 * when one page is not enough. @p iova must be 4-byte aligned. len 0 gives two zeros.
 * Returns 0; -EINVAL (misaligned iova, bad page size), -E2BIG (longer than @p max_len
 * when non-zero, or than the list pages can describe), with a message.
 */
NVMU_API int nvmu_prp_build(uint64_t iova, size_t len, uint32_t page_size, size_t max_len,
			    const struct nvmu_prp_pages *list, uint64_t *prp1, uint64_t *prp2);

/** List pages needed for a transfer of @p len bytes starting @p offset into a page. */
NVMU_API uint32_t nvmu_prp_list_pages(size_t offset, size_t len, uint32_t page_size);

/**
 * PRPs for bytes [@p skip, @p skip + @p len) of the scattered buffer @p iov (@p iovcnt
 * pieces, each with its device address in .iova; .vaddr is not used). The range must be
 * PRP-compatible: its first piece 4-byte aligned, every piece but the first starting on a
 * page boundary and every piece but the last ending on one. Otherwise as nvmu_prp_build().
 * Returns 0; -EINVAL (not PRP-compatible, the message names the piece; range beyond the
 * iovec; bad page size), -E2BIG (as nvmu_prp_build()).
 */
NVMU_API int nvmu_prp_build_iov(const struct nvmu_dma_buf *iov, unsigned iovcnt, size_t skip,
				size_t len, uint32_t page_size, size_t max_len,
				const struct nvmu_prp_pages *list, uint64_t *prp1, uint64_t *prp2);

/**
 * Check that bytes [@p skip, @p skip + @p len) of @p iov are PRP-compatible (see
 * nvmu_prp_build_iov()) and count the controller pages they touch into *pages.
 * Returns 0, or -EINVAL with a message naming the piece that breaks the rule.
 */
NVMU_API int nvmu_prp_iov_pages(const struct nvmu_dma_buf *iov, unsigned iovcnt, size_t skip,
				size_t len, uint32_t page_size, uint64_t *pages);

/* ---- SGL building ---------------------------------------------------------------- */

/** A 16-byte SGL descriptor (libnvme's types.h has none). */
struct nvmu_sgl_desc {
	uint64_t addr;
	uint32_t len;
	uint8_t rsvd[3];
	uint8_t type; /**< descriptor type in bits 7:4 (enum nvmu_sgl_type), sub type in 3:0 */
};

_Static_assert(sizeof(struct nvmu_sgl_desc) == 16, "an SGL descriptor is 16 bytes");

/** SGL descriptor types (bits 7:4 of the type byte; sub type 0 = address). */
enum nvmu_sgl_type {
	NVMU_SGL_DATA_BLOCK = 0x0,
	NVMU_SGL_SEGMENT = 0x2,
	NVMU_SGL_LAST_SEGMENT = 0x3,
};

/** PSDT field of a command's flags byte: SGL for data, MPTR a contiguous buffer. */
#define NVMU_SQE_PSDT_MASK 0xc0u
#define NVMU_SQE_PSDT_SGL 0x40u

/**
 * Build the SGL of bytes [@p skip, @p skip + @p len) of @p iov into @p dptr (the 16 bytes
 * of PRP1/PRP2): one piece is a Data Block descriptor in the command; more are Data Block
 * descriptors in segment pages from @p list, pointed to by a Last Segment descriptor, or,
 * when one page is not enough, by a chain of Segment descriptors (each page's last slot)
 * ending with a Last Segment. Returns 0; -EINVAL (range beyond the iovec, a piece of 4 GiB
 * or more), -E2BIG (more descriptors than the list pages hold), with a message.
 */
NVMU_API int nvmu_sgl_build(const struct nvmu_dma_buf *iov, unsigned iovcnt, size_t skip,
			    size_t len, uint32_t page_size, const struct nvmu_prp_pages *list,
			    struct nvmu_sgl_desc *dptr);

/** Data Block descriptors that @p npages segment pages of @p page_size bytes can hold. */
NVMU_API size_t nvmu_sgl_capacity(uint32_t page_size, uint32_t npages);

/** Pieces (descriptors) that bytes [@p skip, @p skip + @p len) of @p iov span. */
NVMU_API size_t nvmu_iov_pieces(const struct nvmu_dma_buf *iov, unsigned iovcnt, size_t skip,
				size_t len);

/** Total bytes of @p iov. */
NVMU_API size_t nvmu_iov_bytes(const struct nvmu_dma_buf *iov, unsigned iovcnt);

/** A piece of @p buf: @p len bytes from @p off (CPU and device address both moved). */
static inline struct nvmu_dma_buf nvmu_dma_slice(const struct nvmu_dma_buf *buf, size_t off,
						 size_t len)
{
	struct nvmu_dma_buf s = { (uint8_t *)buf->vaddr + off, buf->iova + off, len };

	return s;
}

/* ---- controller ------------------------------------------------------------------ */

struct nvmu_ctrl;
struct nvmu_qpair;

/** Options of nvmu_ctrl_open(); zero-initialised means defaults. */
struct nvmu_ctrl_opts {
	uint16_t admin_entries;    /**< admin queue size (default 32; 2..4096) */
	uint32_t admin_timeout_ms; /**< default deadline of admin commands (default 60000) */
	uint32_t io_timeout_ms;    /**< default deadline of I/O commands (default 30000) */
	uint16_t io_queues;        /**< I/O queue pairs to ask for (default 64) */
	size_t max_transfer;       /**< bytes per command (default 2 MiB; MDTS bounds it);
				        sets how many PRP list pages each tracker owns */
	bool no_dbbuf;             /**< do not use shadow doorbells even if OACS offers them */
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

/** The controller's CAP register as read at bring-up. */
NVMU_API uint64_t nvmu_ctrl_cap(const struct nvmu_ctrl *ctrl);

/** Read CSTS now (0xffffffff when the device is gone). */
NVMU_API uint32_t nvmu_ctrl_csts(const struct nvmu_ctrl *ctrl);

/** The Identify Controller data read at bring-up. */
NVMU_API const struct nvme_id_ctrl *nvmu_ctrl_id(const struct nvmu_ctrl *ctrl);

/** Controller memory page size chosen (CC.MPS) in bytes. */
NVMU_API uint32_t nvmu_ctrl_page_size(const struct nvmu_ctrl *ctrl);

/** Largest transfer of one command in bytes (from MDTS; bounded by nvmu's PRP pages). */
NVMU_API size_t nvmu_ctrl_max_transfer(const struct nvmu_ctrl *ctrl);

/** I/O queue pairs the controller granted (Set Features Number of Queues). */
NVMU_API uint16_t nvmu_ctrl_io_queues(const struct nvmu_ctrl *ctrl);

/** Largest I/O queue size (CAP.MQES + 1). */
NVMU_API uint32_t nvmu_ctrl_max_queue_entries(const struct nvmu_ctrl *ctrl);

/** True if I/O queues can use SGLs (Identify Controller SGLS). */
NVMU_API bool nvmu_ctrl_sgl_supported(const struct nvmu_ctrl *ctrl);

/**
 * True if shadow doorbells are in use: OACS offers Doorbell Buffer Config, the options did
 * not turn it off, and the command succeeded at bring-up. The admin queue always uses MMIO
 * doorbells; I/O queues write the shadow and MMIO only when the event-index rule says so.
 */
NVMU_API bool nvmu_ctrl_dbbuf_enabled(const struct nvmu_ctrl *ctrl);

/** The transport the controller runs on. */
NVMU_API struct nvmu_transport *nvmu_ctrl_transport(const struct nvmu_ctrl *ctrl);

/** Allocate DMA memory through the controller's transport (zeroed, page aligned). 0 or -errno. */
NVMU_API int nvmu_ctrl_dma_alloc(struct nvmu_ctrl *ctrl, size_t len, struct nvmu_dma_buf *buf);

/** Free memory from nvmu_ctrl_dma_alloc() and zero *buf. */
NVMU_API void nvmu_ctrl_dma_free(struct nvmu_ctrl *ctrl, struct nvmu_dma_buf *buf);

/* ---- admin commands (synchronous, with a deadline) ------------------------------- */

/**
 * Submit admin command @p cmd (its CID is set by the core) with data at [iova, iova+len)
 * (PRPs are built; with len 0 the command's PRP1/PRP2 are kept, e.g. a queue's base) and wait for its completion until @p timeout_ms
 * (0 = the controller's default). *cpl (if not NULL) receives the completion.
 * Returns 0; -EREMOTEIO if the device returned an error status (kept in *cpl and the
 * message); -ETIMEDOUT (the command's tracker stays reserved until the device answers);
 * -EIO (CSTS.CFS), -ENODEV (device gone); -E2BIG/-EINVAL from PRP building.
 */
NVMU_API int nvmu_admin_cmd(struct nvmu_ctrl *ctrl, struct nvmu_sqe *cmd, uint64_t iova,
			    size_t len, uint32_t timeout_ms, struct nvmu_cpl *cpl);

/** Called once when a command ends (completed by the device or by the driver). */
typedef void (*nvmu_cmd_cb)(void *arg, const struct nvmu_cpl *cpl);

/**
 * Post admin command @p cmd without waiting (e.g. Asynchronous Event Requests) and ring
 * the doorbell. @p cb(arg, cqe) runs from nvmu_admin_poll() or from inside any synchronous
 * admin command waiting at that moment, on that thread, with the admin queue's lock held:
 * it must not issue admin commands itself. Returns 0 or as nvmu_qpair_submit().
 */
NVMU_API int nvmu_admin_submit(struct nvmu_ctrl *ctrl, struct nvmu_sqe *cmd, uint64_t iova,
			       size_t len, nvmu_cmd_cb cb, void *arg);

/** Reap admin completions (runs callbacks of nvmu_admin_submit()). Returns the number reaped. */
NVMU_API unsigned nvmu_admin_poll(struct nvmu_ctrl *ctrl);

/**
 * Identify with @p cns / @p nsid into @p out (NVME_IDENTIFY_DATA_SIZE bytes), through
 * the controller's own DMA page. Returns 0 or as nvmu_admin_cmd().
 */
NVMU_API int nvmu_admin_identify(struct nvmu_ctrl *ctrl, uint8_t cns, uint32_t nsid, void *out);

/**
 * Set Features Number of Queues asking for @p nsq/@p ncq I/O queues (1-based counts).
 * *granted (if not NULL) gets the pairs granted (min of both). Returns 0 or as
 * nvmu_admin_cmd().
 */
NVMU_API int nvmu_admin_set_num_queues(struct nvmu_ctrl *ctrl, uint16_t nsq, uint16_t ncq,
				       uint16_t *granted);

/**
 * Active namespace IDs above @p after (0 = from the start) into @p nsids (up to
 * @p max, at most NVME_ID_NS_LIST_MAX per call). Sets *n. Returns 0 or as nvmu_admin_cmd().
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

/** Decode @p id into *info (nsid is set by the caller). Returns 0 or -EINVAL (bad format). */
NVMU_API int nvmu_ns_info_decode(const struct nvme_id_ns *id, struct nvmu_ns_info *info);

/**
 * Identify Namespace @p nsid: *id (if not NULL) gets the raw data, *info (if not NULL)
 * the decoded facts. Returns 0, -ENOENT for an inactive namespace (all zeroes), or as
 * nvmu_admin_cmd().
 */
NVMU_API int nvmu_admin_identify_ns(struct nvmu_ctrl *ctrl, uint32_t nsid, struct nvme_id_ns *id,
				    struct nvmu_ns_info *info);

/* ---- I/O queue pairs --------------------------------------------------------------- */

/** Options of nvmu_qpair_create(); zero-initialised means defaults. */
struct nvmu_qpair_opts {
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
 * Returns 0 and sets *out; -EBUSY (no queue ID left), -EINVAL (size), -ENOSPC (no
 * interrupt vector), -EREMOTEIO (create command failed), -ENOMEM.
 */
NVMU_API int nvmu_qpair_create(struct nvmu_ctrl *ctrl, const struct nvmu_qpair_opts *opts,
			       struct nvmu_qpair **out);

/**
 * Delete the SQ then the CQ, disconnect the interrupt and free the pair (also when the
 * device refuses: the error is returned). Commands still outstanding are abandoned.
 */
NVMU_API int nvmu_qpair_delete(struct nvmu_qpair *qp);

/**
 * Post @p cmd with data at [iova, iova+len) (PRPs built into the tracker's list pages;
 * with len 0 the command's own PRP1/PRP2 are sent unchanged); @p cb(arg, cqe) runs from nvmu_qpair_poll(). No doorbell is rung:
 * call nvmu_qpair_ring() after a batch. Returns 0; -EAGAIN when all trackers or slots
 * are in use (the queue is full); -E2BIG/-EINVAL from PRP building.
 */
NVMU_API int nvmu_qpair_submit(struct nvmu_qpair *qp, struct nvmu_sqe *cmd, uint64_t iova,
			       size_t len, nvmu_cmd_cb cb, void *arg);

/**
 * Post @p cmd with data at bytes [@p skip, @p skip + @p len) of the scattered buffer
 * @p iov, described as @p kind says (PRPs need a PRP-compatible range, see
 * nvmu_prp_build_iov()). No doorbell is rung. Returns 0; -EAGAIN (queue full), -ENOTSUP
 * (SGL asked on the admin queue or a controller without SGLs), -E2BIG (longer than the
 * queue's maximum transfer, or more descriptors than a tracker's pages hold), -EINVAL.
 */
NVMU_API int nvmu_qpair_submit_iov(struct nvmu_qpair *qp, struct nvmu_sqe *cmd,
				   const struct nvmu_dma_buf *iov, unsigned iovcnt, size_t skip,
				   size_t len, enum nvmu_dptr_kind kind, nvmu_cmd_cb cb, void *arg);

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
 * tracker's own pre-mapped page, and PRP1 points to it. No doorbell is rung. Returns 0;
 * -EAGAIN (queue full), -E2BIG (longer than a page).
 */
NVMU_API int nvmu_qpair_submit_payload(struct nvmu_qpair *qp, struct nvmu_sqe *cmd,
				       const void *data, size_t len, nvmu_cmd_cb cb, void *arg);

/** Largest transfer of one command on this pair in bytes. */
NVMU_API size_t nvmu_qpair_max_transfer(const struct nvmu_qpair *qp);

/** SGL Data Block descriptors one command of this pair can carry (0: no SGLs). */
NVMU_API size_t nvmu_qpair_max_sgl_descriptors(const struct nvmu_qpair *qp);

/** True if the pair describes data with SGLs by default. */
NVMU_API bool nvmu_qpair_sgl(const struct nvmu_qpair *qp);

/** Ring the SQ doorbell for everything posted since the last ring. */
NVMU_API void nvmu_qpair_ring(struct nvmu_qpair *qp);

/**
 * Reap up to @p max completions (0 = no limit), run their callbacks, ring the CQ head
 * doorbell once. A completion with a bad CID or SQ head is counted and logged, never
 * followed. Returns the number of completions consumed.
 */
NVMU_API unsigned nvmu_qpair_poll(struct nvmu_qpair *qp, unsigned max);

/** The queue ID. */
NVMU_API uint16_t nvmu_qpair_id(const struct nvmu_qpair *qp);

/** Entries of the queue. */
NVMU_API uint32_t nvmu_qpair_entries(const struct nvmu_qpair *qp);

/** Commands submitted and not yet completed (abandoned ones included). */
NVMU_API uint32_t nvmu_qpair_outstanding(const struct nvmu_qpair *qp);

/**
 * The eventfd signalled by the CQ's interrupt, or -1 for a polled pair. For epoll: add it
 * with EPOLLIN; when it is readable, read its 8-byte counter (it is non-blocking) and
 * then call nvmu_qpair_poll() until it returns 0 - reading first means an interrupt that
 * arrives while polling makes the fd readable again, so no completion is missed. Poll
 * every 100 ms or so even without an interrupt: deadlines and the controller's status
 * are checked from nvmu_qpair_poll().
 */
NVMU_API int nvmu_qpair_eventfd(const struct nvmu_qpair *qp);

/** The MSI-X vector of the CQ, or -1 for a polled pair. */
NVMU_API int nvmu_qpair_vector(const struct nvmu_qpair *qp);

/** Copy the pair's counters into *st. */
NVMU_API void nvmu_qpair_stats(const struct nvmu_qpair *qp, struct nvmu_qpair_stats *st);

/** The memory of the pair's SQ and CQ rings (diagnostics, fault-injection tests). */
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
	NVMU_CTRL_NEEDS_RESET, /**< a fatal status, a failed abort or a stuck command asked for
				    a reset (nvmu_ctrl_reset_reason() says which); commands
				    wait */
	NVMU_CTRL_RESETTING,   /**< nvmu_ctrl_reset() is running */
	NVMU_CTRL_FAILED,      /**< the last reset failed; nvmu_ctrl_reset() may be tried again */
	NVMU_CTRL_REMOVED,     /**< the device is gone: every command ends with -ENODEV */
};

/** The controller's state (any thread). */
NVMU_API enum nvmu_ctrl_state nvmu_ctrl_state(const struct nvmu_ctrl *ctrl);

/** Name of a state ("live", "needs reset", "resetting", "failed", "removed"). */
NVMU_API const char *nvmu_ctrl_state_name(enum nvmu_ctrl_state st);

/** Why the controller last asked for a reset, failed or was marked removed ("" if never). */
NVMU_API const char *nvmu_ctrl_reason(const struct nvmu_ctrl *ctrl);

/**
 * Look at the controller now: CSTS all-ones or a transport that reports its device gone
 * marks it REMOVED; CSTS.CFS asks for a reset. The periodic check of nvmu_qpair_poll()
 * and nvmu_admin_poll() does this every 100 ms. Returns the state.
 */
NVMU_API enum nvmu_ctrl_state nvmu_ctrl_check(struct nvmu_ctrl *ctrl);

/**
 * Mark the controller removed (e.g. the OS asked for the device back): every command in
 * flight ends with -ENODEV from its pair's next poll, and new ones fail at once. Final.
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
