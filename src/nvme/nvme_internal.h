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
#define NVMU_CHECK_INTERVAL_MS 100

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
	struct nvme_id_ctrl id;
};

/* The controller's state, from any thread (an acquire load). */
static inline enum nvmu_ctrl_state ctrl_state(const struct nvmu_ctrl *ctrl)
{
	return (enum nvmu_ctrl_state)__atomic_load_n(&ctrl->state, __ATOMIC_ACQUIRE);
}

/* Move the controller to state @st (state_lock held; readers may not hold it). */
static inline void ctrl_set_state(struct nvmu_ctrl *ctrl, enum nvmu_ctrl_state st)
{
	__atomic_store_n(&ctrl->state, (int)st, __ATOMIC_RELEASE);
}

/* True if nothing may be posted on @qp (controller not live, or the pair being deleted). */
static inline bool qpair_halted(const struct nvmu_qpair *qp)
{
	return nvmu_qpair_hold(qp) & NVMU_QPAIR_HOLD_HALTED;
}

/* ---- registers (ctrl_regs.c) ---- */

uint32_t ctrl_read32(const struct nvmu_ctrl *ctrl, uint32_t off);
void ctrl_write32(struct nvmu_ctrl *ctrl, uint32_t off, uint32_t val);

/* Compute CC (without EN) for @cap and host page size @host_page: MPS within
 * CAP.MPSMIN..MPSMAX, 64/16-byte entries, CSS from CAP.CSS. Sets *cc and *page_size.
 * Returns 0 or -ENOTSUP with a message. */
int ctrl_choose_cc(uint64_t cap, size_t host_page, uint32_t *cc, uint32_t *page_size);

/* Milliseconds CAP.TO allows for RDY transitions. */
uint32_t ctrl_cap_timeout_ms(uint64_t cap);

/* -ENODEV if @csts reads all-ones, -EIO if CSTS.CFS is set (when @cfs_fatal); else 0.
 * The message says what the driver was doing (@doing). */
int ctrl_check_csts(const struct nvmu_ctrl *ctrl, uint32_t csts, bool cfs_fatal,
		    const char *doing);

/* CC.EN=0 and wait for CSTS.RDY=0. */
int ctrl_disable(struct nvmu_ctrl *ctrl);

/* Program AQA/ASQ/ACQ for the admin pair, CC with EN=1, wait for CSTS.RDY=1. */
int ctrl_enable(struct nvmu_ctrl *ctrl);

/* CC.SHN normal, wait for CSTS.SHST complete within @timeout_ms. */
int ctrl_shutdown(struct nvmu_ctrl *ctrl, uint32_t timeout_ms);

/* ---- queue pairs (qpair.c) ---- */

/* Allocate rings, trackers and PRP pages of queue @qid with @entries entries and
 * doorbells from the transport; nothing is sent to the device. */
int qpair_alloc(struct nvmu_ctrl *ctrl, uint16_t qid, uint32_t entries, size_t max_transfer,
		struct nvmu_qpair **out);

/* Free what qpair_alloc() allocated (the device must no longer use the queue). */
void qpair_free(struct nvmu_qpair *qp);

/* Post the saved command of @trk again, counting a retry, for a caller that knows a slot
 * is free (after a reset the ring is empty; a retry checks). No doorbell is rung. */
void qpair_repost(struct nvmu_qpair *qp, struct nvmu_tracker *trk);

/* nvmu_qpair_submit() that also hands back the tracker (for synchronous waiters). */
int qpair_post(struct nvmu_qpair *qp, struct nvmu_sqe *cmd, uint64_t iova, size_t len,
	       nvmu_cmd_cb cb, void *arg, struct nvmu_tracker **trk);

/* ---- admin commands (admin_queue.c) ---- */

/* nvmu_admin_cmd() with the admin lock already held. */
int admin_cmd_locked(struct nvmu_ctrl *ctrl, struct nvmu_sqe *cmd, uint64_t iova, size_t len,
		     uint32_t timeout_ms, struct nvmu_cpl *cpl);

/* ---- shadow doorbells (dbbuf.c) ---- */

/* Doorbell Buffer Config when OACS offers it and @wanted; a failure only logs (MMIO stays). */
void dbbuf_setup(struct nvmu_ctrl *ctrl, bool wanted);

/* Doorbell Buffer Config again after a reset (admin lock held); on failure the I/O
 * queues go back to MMIO doorbells. */
void dbbuf_restore(struct nvmu_ctrl *ctrl);

/* Point I/O queue pair @qp at its shadow doorbell slots (zeroed) when shadows are on. */
void dbbuf_attach(struct nvmu_qpair *qp);

/* Free the shadow doorbell buffers (after the controller stopped using them). */
void dbbuf_release(struct nvmu_ctrl *ctrl);

/* ---- periodic checks: deadlines, Abort, fatal status (check.c) ---- */

/* Ticks between periodic checks (100 ms at the learnt rate). */
uint64_t check_interval_ticks(const struct nvmu_ctrl *ctrl);

/* The periodic check of @qp: controller status, then deadlines of its commands (an Abort
 * for each newly timed-out one; a reset asked when one cannot be aborted in time). */
void qpair_check(struct nvmu_qpair *qp);

/* Milliseconds since the controller opened (the coarse clock's source). */
uint32_t ctrl_now_ms(const struct nvmu_ctrl *ctrl);

/* Set @qp's coarse clock to @now_ms and its timeout to @timeout_ms (with the deadline of
 * new commands that follows from them). */
static inline void qpair_set_clock(struct nvmu_qpair *qp, uint32_t now_ms, uint32_t timeout_ms)
{
	qp->now_ms = now_ms;
	qp->timeout_ms = timeout_ms;
	qp->deadline = now_ms + timeout_ms;
}

/* ---- recovery (recovery.c) ---- */

/* Ask for a reset (state NEEDS_RESET unless removed or resetting), with the reason. */
void ctrl_request_reset(struct nvmu_ctrl *ctrl, const char *fmt, ...) NVMU_PRINTF(2, 3);

/* End every busy tracker of @qp with @status (-> TRK_ENDED): completed by the next poll. */
void qpair_end_all(struct nvmu_qpair *qp, uint16_t status);

/* Complete the trackers ended by the driver (from poll, on the pair's thread). */
void qpair_complete_ended(struct nvmu_qpair *qp);

/* The error a completion status means for @trk (0 for success). */
int cpl_err(const struct nvmu_tracker *trk, uint16_t status);

/* ---- I/O queue pairs (io_queue.c) ---- */

/* Delete every I/O pair still open (on close). */
void io_queues_delete_all(struct nvmu_ctrl *ctrl);

/* Delete I/O SQ then CQ of @qp on the controller (admin lock held; each command waits
 * at most @timeout_ms). Returns 0 or the first error. */
int io_queue_delete_on_device(struct nvmu_qpair *qp, uint32_t timeout_ms);

/* Create I/O CQ and SQ of @qp on the controller (its memory and vector as they are). */
int io_queue_create_on_device(struct nvmu_qpair *qp);

#endif
