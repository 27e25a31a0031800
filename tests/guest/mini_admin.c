/* SPDX-License-Identifier: MIT */
/* A minimal NVMe admin queue for the VFIO-layer guest tests (see mini_admin.h). */
#include <errno.h>
#include <nvme/types.h>
#include <string.h>

#include "mini_admin.h"
#include "nvmu/mmio.h"
#include "nvmu/support.h"

#define QSIZE 16
#define DOORBELL_BASE 0x1000

static uint32_t rd32(struct mini_admin *a, uint32_t off)
{
	return nvmu_mmio_read32(a->bar0 + off);
}

static void wr32(struct mini_admin *a, uint32_t off, uint32_t v)
{
	nvmu_mmio_write32(a->bar0 + off, v);
}

static int wait_csts(struct mini_admin *a, uint32_t mask, uint32_t want)
{
	uint64_t deadline = nvmu_deadline_ms(a->timeout_ms);

	while ((rd32(a, NVME_REG_CSTS) & mask) != want) {
		if (nvmu_deadline_passed(deadline))
			return -ETIMEDOUT;
		nvmu_sleep_us(1000);
	}
	return 0;
}

int mini_admin_enable(struct mini_admin *a, volatile void *bar0, struct nvmu_dma_pool *pool)
{
	int ret;

	memset(a, 0, sizeof(*a));
	a->bar0 = bar0;
	a->pool = pool;
	a->qsize = QSIZE;
	a->phase = 1;
	a->cap = nvmu_mmio_read64(a->bar0 + NVME_REG_CAP);
	a->timeout_ms = (uint32_t)(NVME_CAP_TO(a->cap) + 1) * 500;
	wr32(a, NVME_REG_CC, 0);
	if ((ret = wait_csts(a, 1, 0)) < 0)
		return ret;
	if ((ret = nvmu_dma_alloc(pool, QSIZE * 64, 0, &a->sq)) < 0 ||
	    (ret = nvmu_dma_alloc(pool, QSIZE * 16, 0, &a->cq)) < 0 ||
	    (ret = nvmu_dma_alloc(pool, 4096, 0, &a->data)) < 0)
		return ret;
	wr32(a, NVME_REG_AQA, (QSIZE - 1) | (QSIZE - 1) << 16);
	nvmu_mmio_write64(a->bar0 + NVME_REG_ASQ, a->sq.iova);
	nvmu_mmio_write64(a->bar0 + NVME_REG_ACQ, a->cq.iova);
	/* EN, NVM command set, 4 KiB pages, 64-byte SQEs, 16-byte CQEs. */
	wr32(a, NVME_REG_CC, 1u | 6u << 16 | 4u << 20);
	return wait_csts(a, 1, 1);
}

void mini_admin_submit_identify(struct mini_admin *a, uint32_t cns)
{
	uint32_t *sqe = (uint32_t *)((uint8_t *)a->sq.vaddr + a->sq_tail * 64);

	memset(sqe, 0, 64);
	sqe[0] = nvme_admin_identify | (uint32_t)a->sq_tail << 16; /* opcode, CID */
	sqe[6] = (uint32_t)a->data.iova;
	sqe[7] = (uint32_t)(a->data.iova >> 32);
	sqe[10] = cns;
	a->sq_tail = (uint16_t)((a->sq_tail + 1) % a->qsize);
	nvmu_wmb();
	wr32(a, DOORBELL_BASE, a->sq_tail);
}

int mini_admin_reap(struct mini_admin *a, int timeout_ms)
{
	volatile uint32_t *cqe = (volatile uint32_t *)((uint8_t *)a->cq.vaddr + a->cq_head * 16);
	uint64_t deadline = nvmu_deadline_ms((uint64_t)timeout_ms);
	int status;

	while (((cqe[3] >> 16) & 1) != a->phase) {
		if (nvmu_deadline_passed(deadline))
			return -ETIMEDOUT;
	}
	nvmu_rmb();
	status = (int)((cqe[3] >> 17) & 0x7fff);
	if (++a->cq_head == a->qsize) {
		a->cq_head = 0;
		a->phase ^= 1;
	}
	wr32(a, DOORBELL_BASE + 4, a->cq_head);
	return status;
}

int mini_admin_shutdown(struct mini_admin *a)
{
	uint32_t cc = rd32(a, NVME_REG_CC);
	int ret;

	wr32(a, NVME_REG_CC, (cc & ~(3u << 14)) | (uint32_t)NVME_CC_SHN_NORMAL << 14);
	ret = wait_csts(a, 3u << 2, (uint32_t)NVME_CSTS_SHST_CMPLT << 2);
	wr32(a, NVME_REG_CC, 0);
	if (ret == 0)
		ret = wait_csts(a, 1, 0);
	return ret;
}

void mini_admin_free(struct mini_admin *a)
{
	nvmu_dma_free(a->pool, &a->sq);
	nvmu_dma_free(a->pool, &a->cq);
	nvmu_dma_free(a->pool, &a->data);
}
