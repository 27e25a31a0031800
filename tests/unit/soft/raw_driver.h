/* SPDX-License-Identifier: MIT */
/* A few lines of raw NVMe driver over a stepped software controller, for tests that must
 * do what the core never does: malformed PRPs and SGLs, bad doorbells, reused CIDs. */
#ifndef NVMU_TEST_RAW_DRIVER_H
#define NVMU_TEST_RAW_DRIVER_H

#include <string.h>

#include "nvmu/nvme_soft.h"

#define RAW_ENTRIES 16

struct raw {
	struct nvmu_transport *t;
	struct nvmu_dma_buf sq_mem[2], cq_mem[2];
	struct nvmu_sq sq[2];
	struct nvmu_cq cq[2];
	uint16_t cid;
};

static inline int raw_dma(struct raw *r, size_t len, struct nvmu_dma_buf *buf)
{
	return r->t->ops->dma_alloc(r->t, len, buf);
}

static inline void raw_free(struct raw *r, struct nvmu_dma_buf *buf)
{
	r->t->ops->dma_free(r->t, buf);
}

static inline void raw_rings(struct raw *r, uint16_t q)
{
	r->sq[q] = (struct nvmu_sq){ .ring = r->sq_mem[q].vaddr, .size = RAW_ENTRIES,
				     .doorbell = nvmu_doorbell(r->t->doorbells, q, false, 0) };
	r->cq[q] = (struct nvmu_cq){ .ring = r->cq_mem[q].vaddr, .size = RAW_ENTRIES, .phase = 1,
				     .doorbell = nvmu_doorbell(r->t->doorbells, q, true, 0) };
}

/* Open "soft:@spec" (stepped) and enable it with a 16-entry admin queue: 0 or -errno. */
static inline int raw_open(struct raw *r, const char *spec)
{
	const struct nvmu_transport_ops *ops;
	int ret;

	memset(r, 0, sizeof(*r));
	if ((ret = nvmu_soft_open(spec, &r->t)) < 0)
		return ret;
	ops = r->t->ops;
	if ((ret = raw_dma(r, 4096, &r->sq_mem[0])) < 0 || (ret = raw_dma(r, 4096, &r->cq_mem[0])) < 0)
		return ret;
	raw_rings(r, 0);
	ops->write32(r->t, NVME_REG_AQA, (RAW_ENTRIES - 1) | (RAW_ENTRIES - 1) << 16);
	ops->write64(r->t, NVME_REG_ASQ, r->sq_mem[0].iova);
	ops->write64(r->t, NVME_REG_ACQ, r->cq_mem[0].iova);
	ops->write32(r->t, NVME_REG_CC, NVME_SET(1u, CC_EN) | NVME_SET(6u, CC_IOSQES) |
					 NVME_SET(4u, CC_IOCQES));
	return NVME_CSTS_RDY(ops->read32(r->t, NVME_REG_CSTS)) ? 0 : -EIO;
}

/* Take the next completion of queue @q into *out (after stepping); false if none. */
static inline bool raw_reap(struct raw *r, uint16_t q, struct nvmu_cqe *out)
{
	const volatile struct nvmu_cqe *v;

	nvmu_soft_step(r->t, 0);
	v = nvmu_cq_peek(&r->cq[q]);
	if (!v)
		return false;
	memcpy(out, (const void *)v, sizeof(*out));
	nvmu_cq_advance(&r->cq[q]);
	nvmu_cq_ring(&r->cq[q]);
	return true;
}

/* Post @cmd (CID assigned when 0) on queue @q, ring, step; the completion (if any) into
 * *out. Returns its status, or -1 when there was none. */
static inline int raw_cmd(struct raw *r, uint16_t q, struct nvmu_sqe *cmd, struct nvmu_cqe *out)
{
	struct nvmu_cqe local;

	if (!out)
		out = &local;
	if (!cmd->cid)
		cmd->cid = ++r->cid;
	if (nvmu_sq_post(&r->sq[q], cmd) < 0)
		return -1;
	nvmu_sq_ring(&r->sq[q]);
	return raw_reap(r, q, out) ? nvmu_cqe_status(out) : -1;
}

/* Create I/O CQ and SQ 1 of 16 entries: the status of the first that fails, or 0. */
static inline int raw_create_io(struct raw *r)
{
	struct nvmu_sqe cq = { .opcode = nvme_admin_create_cq, .cdw10 = 1 | (RAW_ENTRIES - 1) << 16,
			       .cdw11 = 1 };
	struct nvmu_sqe sq = { .opcode = nvme_admin_create_sq, .cdw10 = 1 | (RAW_ENTRIES - 1) << 16,
			       .cdw11 = 1 | 1u << 16 };
	int st;

	if (raw_dma(r, 4096, &r->sq_mem[1]) < 0 || raw_dma(r, 4096, &r->cq_mem[1]) < 0)
		return -1;
	cq.prp1 = r->cq_mem[1].iova;
	sq.prp1 = r->sq_mem[1].iova;
	if ((st = raw_cmd(r, 0, &cq, NULL)) != 0 || (st = raw_cmd(r, 0, &sq, NULL)) != 0)
		return st;
	raw_rings(r, 1);
	return 0;
}

static inline void raw_close(struct raw *r)
{
	for (int q = 0; q < 2; q++) {
		raw_free(r, &r->sq_mem[q]);
		raw_free(r, &r->cq_mem[q]);
	}
	nvmu_soft_close(r->t);
}

/* Violations of class @v so far. */
static inline uint64_t raw_violations(struct raw *r, enum nvmu_soft_violation v)
{
	struct nvmu_soft_violations got;

	nvmu_soft_violations(r->t, &got);
	return got.count[v];
}

#endif
