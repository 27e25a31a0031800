/* SPDX-License-Identifier: MIT */
/*
 * A minimal NVMe admin queue for the VFIO-layer guest tests: just enough to make QEMU's
 * controller do DMA and raise an interrupt (Identify Controller). Test-only; the real
 * driver lives in the NVMe core.
 */
#ifndef NVMU_TEST_MINI_ADMIN_H
#define NVMU_TEST_MINI_ADMIN_H

#include <stdint.h>

#include "nvmu/iommu.h"

struct mini_admin {
	volatile uint8_t *bar0;
	struct nvmu_dma_pool *pool;
	struct nvmu_dma_buf sq, cq, data;
	uint16_t sq_tail, cq_head, qsize;
	uint8_t phase;
	uint64_t cap;
	uint32_t timeout_ms; /* from CAP.TO */
};

/* Disable the controller, set up a 16-entry admin queue and enable it. 0 or -errno. */
int mini_admin_enable(struct mini_admin *a, volatile void *bar0, struct nvmu_dma_pool *pool);

/* Post Identify (CNS @cns) into a.data and ring the doorbell; does not wait. */
void mini_admin_submit_identify(struct mini_admin *a, uint32_t cns);

/* Poll for the next completion until @timeout_ms; returns its 15-bit status or -ETIMEDOUT. */
int mini_admin_reap(struct mini_admin *a, int timeout_ms);

/* Normal shutdown (CC.SHN), then disable. Returns 0 or -ETIMEDOUT. */
int mini_admin_shutdown(struct mini_admin *a);

/* Release the queue memory. */
void mini_admin_free(struct mini_admin *a);

#endif
