/* SPDX-License-Identifier: MIT */
/* The NVMe core's objects, shared by its source files (not a public interface). */
#ifndef NVMU_SRC_NVME_NVME_INTERNAL_H
#define NVMU_SRC_NVME_NVME_INTERNAL_H

#include <pthread.h>

#include "nvmu/nvme.h"
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

struct nvmu_qpair {
	struct nvmu_ctrl *ctrl;
	struct nvmu_sq sq;
	struct nvmu_cq cq;
	struct tracker_table trk;
	struct nvmu_dma_buf sq_mem, cq_mem, prp_mem;
	uint32_t prp_pages;  /* list pages per tracker */
	size_t max_transfer; /* bytes one command may move */
	uint16_t qid;
	bool sgl;          /* SGLs by default */
	bool sgl_ok;       /* the controller takes SGLs on this queue */
	int vector; /* MSI-X vector, -1 when polled */
	int efd;    /* its eventfd, -1 when polled */
	struct nvmu_qpair_stats stats;
	struct nvmu_qpair *next; /* the controller's list of I/O pairs */
};

struct nvmu_ctrl {
	struct nvmu_transport *t;
	uint64_t cap;
	uint32_t page_size;
	uint32_t cc; /* as programmed at enable */
	unsigned dstrd;
	uint32_t ready_timeout_ms; /* from CAP.TO */
	uint32_t admin_timeout_ms;
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

/* nvmu_qpair_submit() that also hands back the tracker (for synchronous waiters). */
int qpair_post(struct nvmu_qpair *qp, struct nvmu_sqe *cmd, uint64_t iova, size_t len,
	       nvmu_cmd_cb cb, void *arg, struct nvmu_tracker **trk);

/* ---- shadow doorbells (dbbuf.c) ---- */

/* Doorbell Buffer Config when OACS offers it and @wanted; a failure only logs (MMIO stays). */
/*
 * Fill PRP1/PRP2 for one contiguous range that needs at most one PRP list page (written
 * to @p list). Returns false, changing nothing, when it cannot (length 0, misaligned
 * address, a chained list or no list page): the general builder handles those cases.
 */
bool prp_fill_contiguous(uint64_t iova, size_t len, uint64_t page_size,
			 const struct nvmu_prp_pages *list, uint64_t *prp1, uint64_t *prp2);

void dbbuf_setup(struct nvmu_ctrl *ctrl, bool wanted);

/* Point I/O queue pair @qp at its shadow doorbell slots (zeroed) when shadows are on. */
void dbbuf_attach(struct nvmu_qpair *qp);

/* Free the shadow doorbell buffers (after the controller stopped using them). */
void dbbuf_release(struct nvmu_ctrl *ctrl);

/* Give up waiting on @trk: it stays reserved until its completion arrives (counted late). */
void qpair_abandon(struct nvmu_qpair *qp, struct nvmu_tracker *trk);

/* ---- I/O queue pairs (io_queue.c) ---- */

/* Delete every I/O pair still open (on close). */
void io_queues_delete_all(struct nvmu_ctrl *ctrl);

#endif
