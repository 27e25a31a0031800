/* SPDX-License-Identifier: MIT */
/* The NVMe core's objects, shared by its source files (not a public interface). */
#ifndef NVMU_SRC_NVME_NVME_INTERNAL_H
#define NVMU_SRC_NVME_NVME_INTERNAL_H

#include <pthread.h>

#include "nvmu/nvme.h"
#include "nvmu/qpair_fast.h"
#include "tracker.h"

/* Queue creation flags of Create I/O SQ/CQ (CDW11). */
#define NVMU_QUEUE_PHYS_CONTIG (1u << 0)
#define NVMU_CQ_IRQ_ENABLED (1u << 1)

#define NVMU_ADMIN_ENTRIES_DEFAULT 32
#define NVMU_ADMIN_ENTRIES_MAX 4096 /* AQA.ASQS/ACQS are 12 bits */
#define NVMU_ADMIN_TIMEOUT_MS_DEFAULT 60000
#define NVMU_IO_QUEUES_DEFAULT 64
#define NVMU_IO_ENTRIES_DEFAULT 256
#define NVMU_MAX_TRANSFER_DEFAULT (2u << 20)
#define NVMU_IO_TIMEOUT_MS_DEFAULT 30000
#define NVMU_TIMEOUT_MIN_MS 100
#define NVMU_TIMEOUT_MAX_MS 3600000
#define NVMU_CHECK_INTERVAL_MS NVMU_QPAIR_CHECK_INTERVAL_MS

struct nvmu_ctrl {
	struct nvmu_transport *t;
	uint64_t cap;
	uint32_t page_size;
	uint32_t cc; /* as programmed at enable */
	unsigned dstrd;
	uint32_t ready_timeout_ms; /* from CAP.TO */
	uint32_t admin_timeout_ms;
	uint32_t io_timeout_ms;
	uint64_t t0_ns;            /* nvmu_now_ns() at open: origin of the coarse clocks */
	double ticks_per_ns;       /* nvmu_ticks() rate, learnt by the periodic checks */
	int state;                 /* enum nvmu_ctrl_state: ctrl_state(), ctrl_set_state() */
	char reason[256];          /* why it needs a reset, failed or was removed */
	pthread_mutex_t state_lock; /* state changes and reason */
	struct nvmu_ctrl_recovery_stats rec;
	bool no_dbbuf;
	size_t max_transfer;
	uint16_t io_queues; /* granted */
	bool *qid_used;     /* [0..io_queues] */
	struct nvmu_qpair *admin;
	struct nvmu_qpair *qpairs;
	pthread_mutex_t admin_lock;
	struct nvmu_dma_buf scratch; /* one page for identify data */
	struct nvmu_dma_buf dbbuf_shadow, dbbuf_eventidx; /* shadow doorbells, when enabled */
	char dbbuf_note[320]; /* why shadow doorbells are not used ("" when they are) */
	struct nvme_id_ctrl id;
	nvmu_ctrl_reset_hook reset_hook; /* told before and after each reset (share.h) */
	void *reset_hook_arg;
};

/* The controller's state. Any thread may read it without a lock: the acquire load pairs
 * with the release store in ctrl_set_state(), so the reason written before is visible. */
static inline enum nvmu_ctrl_state ctrl_state(const struct nvmu_ctrl *ctrl)
{
	return (enum nvmu_ctrl_state)__atomic_load_n(&ctrl->state, __ATOMIC_ACQUIRE);
}

/* Move the controller to state @st. Writers hold state_lock, but readers may not, so the
 * store is a release. */
static inline void ctrl_set_state(struct nvmu_ctrl *ctrl, enum nvmu_ctrl_state st)
{
	__atomic_store_n(&ctrl->state, (int)st, __ATOMIC_RELEASE);
}

/* True if nothing may be posted on @qp, because the controller is not live or the pair
 * is being deleted. */
static inline bool qpair_halted(const struct nvmu_qpair *qp)
{
	return nvmu_qpair_hold(qp) & NVMU_QPAIR_HOLD_HALTED;
}

/* ---- registers (ctrl_regs.c) ---- */

uint32_t ctrl_read32(const struct nvmu_ctrl *ctrl, uint32_t off);
void ctrl_write32(struct nvmu_ctrl *ctrl, uint32_t off, uint32_t val);

/* Compute CC, without EN, for @cap and the host page size @host_page. MPS is the host page
 * size clamped to CAP.MPSMAX, and must not be below CAP.MPSMIN; entries are 64 bytes
 * (SQ) and 16 bytes (CQ); CSS is the richest command set CAP.CSS offers. Sets *cc and
 * *page_size. Returns 0, or -ENOTSUP with a message when no valid choice exists. */
int ctrl_choose_cc(uint64_t cap, size_t host_page, uint32_t *cc, uint32_t *page_size);

/* The milliseconds CAP.TO allows for CSTS.RDY to change. CAP.TO counts 500 ms units, and
 * a value of 0 is treated as 1. */
uint32_t ctrl_cap_timeout_ms(uint64_t cap);

/* Check a CSTS value read while doing @doing, which the message names. Returns -ENODEV
 * if @csts reads all-ones (the device is gone), -EIO if CSTS.CFS is set and @cfs_fatal,
 * and 0 otherwise. */
int ctrl_check_csts(const struct nvmu_ctrl *ctrl, uint32_t csts, bool cfs_fatal,
		    const char *doing);

/* Disable the controller: clear CC.EN and wait until CSTS.RDY is 0. A fatal status does
 * not stop it, since disabling is how CSTS.CFS is cleared. Returns 0, -ENODEV, or
 * -ETIMEDOUT after CAP.TO. */
int ctrl_disable(struct nvmu_ctrl *ctrl);

/* Enable the controller: program AQA, ASQ and ACQ for the admin pair, set CC with EN=1,
 * and wait until CSTS.RDY is 1. Returns 0, -ENODEV, -EIO on a fatal status, or
 * -ETIMEDOUT after CAP.TO. */
int ctrl_enable(struct nvmu_ctrl *ctrl);

/* Ask for a normal shutdown through CC.SHN and wait up to @timeout_ms for CSTS.SHST to
 * say it is complete. Returns 0, -ENODEV, -EIO or -ETIMEDOUT. */
int ctrl_shutdown(struct nvmu_ctrl *ctrl, uint32_t timeout_ms);

/* ---- queue pairs (qpair.c) ---- */

/* Allocate the rings, trackers and PRP list pages of queue @qid with @entries entries,
 * and point it at the transport's doorbells. Nothing is sent to the device; creating an
 * I/O queue there is a separate step. Returns 0, -ENOMEM or -EINVAL. */
int qpair_alloc(struct nvmu_ctrl *ctrl, uint16_t qid, uint32_t entries, size_t max_transfer,
		struct nvmu_qpair **out);

/* Free what qpair_alloc() allocated. The device must no longer use the queue, since its
 * memory goes away. */
void qpair_free(struct nvmu_qpair *qp);

/* Post the saved command of @trk again and count a retry. The caller must know a ring slot
 * is free: after a reset the ring is empty, and a retry checks first. No doorbell is rung.
 */
void qpair_repost(struct nvmu_qpair *qp, struct nvmu_tracker *trk);

/* Submit like nvmu_qpair_submit(), but also hand back the tracker in *trk, so that a
 * synchronous waiter can abandon it if it gives up. */
int qpair_post(struct nvmu_qpair *qp, struct nvmu_sqe *cmd, uint64_t iova, size_t len,
	       nvmu_cmd_cb cb, void *arg, struct nvmu_tracker **trk);

/* ---- admin commands (admin_queue.c) ---- */

/* Send an admin command and wait for it, as nvmu_admin_cmd() does, for a caller that
 * already holds the admin lock (the reset, and Identify, which must keep the shared
 * scratch page). Returns what nvmu_admin_cmd() returns. */
int admin_cmd_locked(struct nvmu_ctrl *ctrl, struct nvmu_sqe *cmd, uint64_t iova, size_t len,
		     uint32_t timeout_ms, struct nvmu_cpl *cpl);

/* ---- controllers that need different behaviour (quirks.c) ---- */

enum ctrl_quirk {
	CTRL_QUIRK_DBBUF_NO_GAIN = 1u << 0, /* shadow doorbells only add work */
};

/* Returns the quirks (enum ctrl_quirk) of @ctrl, known from its Identify Controller data,
 * and sets *reason to what they change and why ("" for none). */
unsigned ctrl_quirks(const struct nvmu_ctrl *ctrl, const char **reason);

/* ---- shadow doorbells (dbbuf.c) ---- */

/* Send Doorbell Buffer Config when OACS says the controller supports it, unless @o turns
 * shadow doorbells off or the controller is known to gain nothing from them (and @o does
 * not force them). A failure only logs a warning, because the MMIO doorbells keep
 * working. Why they are not used goes into ctrl->dbbuf_note. */
void dbbuf_setup(struct nvmu_ctrl *ctrl, const struct nvmu_ctrl_opts *o);

/* Send Doorbell Buffer Config again after a reset, with the admin lock held. A reset
 * clears the controller's copy of it. On failure the I/O queues go back to MMIO
 * doorbells. */
void dbbuf_restore(struct nvmu_ctrl *ctrl);

/* When shadow doorbells are on, point I/O queue pair @qp at its slots and zero them, as a
 * queue ID used before may have left old values there. */
void dbbuf_attach(struct nvmu_qpair *qp);

/* Free the shadow doorbell buffers (after the controller stopped using them). */
void dbbuf_release(struct nvmu_ctrl *ctrl);

/* ---- periodic checks: deadlines, Abort, fatal status (check.c) ---- */

/* The number of nvmu_ticks() between periodic checks: 100 ms at the rate learnt so far.
 * The poll compares ticks, so it never reads a clock. */
uint64_t check_interval_ticks(const struct nvmu_ctrl *ctrl);

/* The periodic check of @qp. It first looks at the controller's status, then at the
 * deadlines of @qp's commands: each newly timed-out command gets an Abort, and a reset
 * is asked for when one cannot be aborted in time. */
void qpair_check(struct nvmu_qpair *qp);

/* Milliseconds since the controller was opened. The pairs' coarse clocks are set from
 * it. */
uint32_t ctrl_now_ms(const struct nvmu_ctrl *ctrl);

/* Set @qp's coarse clock to @now_ms and its timeout to @timeout_ms. The deadline given to
 * new commands is computed here once, so submission only copies it. */
static inline void qpair_set_clock(struct nvmu_qpair *qp, uint32_t now_ms, uint32_t timeout_ms)
{
	qp->now_ms = now_ms;
	qp->timeout_ms = timeout_ms;
	qp->deadline = now_ms + timeout_ms;
}

/* ---- recovery (recovery.c) ---- */

/* Ask for a reset and record the reason. Only a live controller moves to NEEDS_RESET:
 * one that is removed, resetting or already waiting for a reset keeps its state. */
void ctrl_request_reset(struct nvmu_ctrl *ctrl, const char *fmt, ...) NVMU_PRINTF(2, 3);

/* Mark every busy tracker of @qp as ended with @status (TRK_ENDED). Their callbacks run
 * from the next poll, or from qpair_complete_ended(), not from here. */
void qpair_end_all(struct nvmu_qpair *qp, uint16_t status);

/* Run the callbacks of the trackers the driver ended. It is called from the poll, so the
 * callbacks run on the pair's own thread like any other completion. */
void qpair_complete_ended(struct nvmu_qpair *qp);

/* The negative errno a failed completion of @trk means: -ENODEV when the device was
 * removed, -ETIMEDOUT when it timed out, -ECANCELED when the driver ended it, and
 * -EREMOTEIO when the device reported an error status. */
int cpl_err(const struct nvmu_tracker *trk, uint16_t status);

/* ---- I/O queue pairs (io_queue.c) ---- */

/* Delete every I/O pair that is still open. Closing the controller calls it. */
void io_queues_delete_all(struct nvmu_ctrl *ctrl);

/* Delete @qp's I/O SQ and then its CQ on the controller, with the admin lock held. Each
 * command waits at most @timeout_ms. Returns 0 or the first error. */
int io_queue_delete_on_device(struct nvmu_qpair *qp, uint32_t timeout_ms);

/* Create @qp's I/O CQ and then its SQ on the controller, using the memory and interrupt
 * vector the pair already has. If the SQ fails, the CQ is deleted again. Returns 0 or the
 * error of the failed command. */
int io_queue_create_on_device(struct nvmu_qpair *qp);

#endif
