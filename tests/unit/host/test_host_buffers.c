/* SPDX-License-Identifier: MIT */
/* What the host API keeps of the caller's arguments: a DMA buffer transfers the length
 * that was asked for, not its page-rounded capacity. */
#include <stdlib.h>

#include "check.h"
#include "nvmu/host.h"
#include "nvmu/nvme_soft.h"
#include "host_soft_env.h"

#define TIMEOUT_MS 5000
#define LBS 512u

static uint8_t *ns_data(struct nvmu_host_ctrl *h)
{
	return nvmu_soft_ns_data(nvmu_ctrl_transport(nvmu_host_core(h)), 1, NULL);
}

/* Give block @b of the first @n blocks the byte b + 1, so each block is recognisable. */
static void stamp_blocks(uint8_t *data, unsigned n)
{
	for (unsigned b = 0; b < n; b++)
		memset(data + (size_t)b * LBS, (int)b + 1, LBS);
}

static bool block_is(const uint8_t *p, uint8_t v)
{
	for (unsigned i = 0; i < LBS; i++)
		if (p[i] != v)
			return false;
	return true;
}

/* ---- a buffer transfers what was asked for ---- */

TEST(one_block_allocation_writes_one_block)
{
	struct nvmu_host_ctrl *h = attach("soft:size=1M,lbs=512");
	struct nvmu_host_qpair *qp = NULL;
	struct nvmu_dma_buf b = { 0 };
	uint8_t *data;

	if (!h)
		return;
	data = ns_data(h);
	stamp_blocks(data, 8);
	CHECK_EQ(nvmu_host_qpair_create(h, NULL, &qp), 0);
	CHECK_EQ(nvmu_host_dma_alloc(h, LBS, &b), 0);
	CHECK_EQ(b.len, LBS);
	memset(b.vaddr, 0xee, LBS);
	CHECK_EQ(nvmu_ns_write_sync(qp, nvmu_host_ns(h, 0), 0, &b, 1, 0, TIMEOUT_MS, NULL), 0);
	CHECK(block_is(data, 0xee));
	for (unsigned i = 1; i < 8; i++)
		CHECK(block_is(data + i * LBS, (uint8_t)(i + 1)));
	/* The buffer is freed from its address: its page-rounded capacity goes back. */
	nvmu_host_dma_free(h, &b);
	CHECK(b.vaddr == NULL && b.len == 0);
	CHECK_EQ(nvmu_host_qpair_delete(qp), 0);
	detach(h);
}

RUN_TESTS(T(one_block_allocation_writes_one_block))
