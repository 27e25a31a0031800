/* SPDX-License-Identifier: MIT */
/* What the host API keeps of the caller's arguments: a DMA buffer transfers the length
 * that was asked for, not its page-rounded capacity; a bounced read keeps its own copy of
 * the iovec; Deallocate and Copy keep their own copy of the ranges. Each test changes or
 * frees the caller's array after submitting and checks what the device and the buffers
 * saw (under ASan a use of a freed array fails too). */
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

/* ---- a bounced read keeps its own copy of the iovec ---- */

enum after_submit { OVERWRITE_ARRAY, FREE_ARRAY };

/*
 * Read @n blocks into @n foreign pieces (the software controller has no IOMMU, so they are
 * bounced), then overwrite the iovec array with pieces of a decoy buffer, or free it,
 * before the completion is processed. The data must land in the pieces as submitted.
 */
static void bounced_read(unsigned n, enum after_submit what)
{
	struct nvmu_host_ctrl *h = attach("soft:size=1M,lbs=512");
	struct nvmu_dma_buf *iov = calloc(n, sizeof(*iov));
	uint8_t *dst = calloc(n, LBS), *decoy = calloc(n, LBS);
	struct nvmu_host_qpair *qp = NULL;
	struct io_ctx c = { 0 };

	if (!h || !iov || !dst || !decoy)
		goto out;
	stamp_blocks(ns_data(h), n);
	CHECK_EQ(nvmu_host_qpair_create(h, NULL, &qp), 0);
	/* Pieces in reverse order, so block b lands at piece n - 1 - b. */
	for (unsigned i = 0; i < n; i++)
		iov[i] = (struct nvmu_dma_buf){ dst + (size_t)(n - 1 - i) * LBS, 0, LBS };
	CHECK_EQ(nvmu_ns_read(qp, nvmu_host_ns(h, 0), 0, iov, n, NVMU_IO_BOUNCE, io_done, &c),
		 0);
	if (what == OVERWRITE_ARRAY) {
		for (unsigned i = 0; i < n; i++)
			iov[i].vaddr = decoy + (size_t)i * LBS;
	} else {
		free(iov);
		iov = NULL;
	}
	CHECK(reap(qp, &c.done, 1));
	CHECK_EQ(c.failed, 0);
	for (unsigned b = 0; b < n; b++) {
		CHECK(block_is(dst + (size_t)(n - 1 - b) * LBS, (uint8_t)(b + 1)));
		CHECK(block_is(decoy + (size_t)b * LBS, 0));
	}
	CHECK_EQ(nvmu_host_qpair_delete(qp), 0);
	detach(h);
out:
	free(iov);
	free(dst);
	free(decoy);
}

TEST(bounced_read_of_a_short_iovec_ignores_the_array_after_submission)
{
	bounced_read(3, OVERWRITE_ARRAY);
	bounced_read(8, FREE_ARRAY);
}

TEST(bounced_read_of_a_long_iovec_ignores_the_array_after_submission)
{
	bounced_read(9, OVERWRITE_ARRAY);
	bounced_read(24, FREE_ARRAY);
}

/* ---- Deallocate and Copy keep their own copy of the ranges ---- */

/* A command that waits in software behind a read whose completion is not processed yet,
 * on a pair with one command slot: its ranges are read when it is posted. */
struct waiting_cmd {
	struct nvmu_host_ctrl *h;
	struct nvmu_host_qpair *qp;
	struct nvmu_dma_buf rd;
	struct io_ctx c;
	uint8_t *data;
};

/* Attach, stamp the first @stamp blocks and fill the pair's one slot. Returns false when
 * that failed (the checks said why). */
static bool waiting_open(struct waiting_cmd *w, unsigned stamp)
{
	struct nvmu_host_qpair_opts qo = { .entries = 2 };

	*w = (struct waiting_cmd){ .h = attach("soft:size=1M,lbs=512") };
	if (!w->h)
		return false;
	w->data = ns_data(w->h);
	stamp_blocks(w->data, stamp);
	CHECK_EQ(nvmu_host_qpair_create(w->h, &qo, &w->qp), 0);
	CHECK_EQ(nvmu_host_dma_alloc(w->h, LBS, &w->rd), 0);
	if (w->qp)
		CHECK_EQ(nvmu_ns_read(w->qp, nvmu_host_ns(w->h, 0), 1000, &w->rd, 1, 0, io_done,
				      &w->c), 0);
	return w->qp != NULL;
}

/* After the command was submitted (@submitted: what the call returned) and while it
 * waits, move the caller's @n ranges by @shift blocks, or free them; then let it run. */
static void waiting_run(struct waiting_cmd *w, int submitted, struct nvmu_lba_range **ranges,
			unsigned n, uint64_t shift, enum after_submit what)
{
	CHECK_EQ(submitted, 0);
	CHECK_EQ(nvmu_host_qpair_waiting(w->qp), 1);
	if (what == OVERWRITE_ARRAY) {
		for (unsigned i = 0; i < n; i++)
			(*ranges)[i].slba += shift;
	} else {
		free(*ranges);
		*ranges = NULL;
	}
	CHECK(reap(w->qp, &w->c.done, 2));
	CHECK_EQ(w->c.failed, 0);
}

static void waiting_close(struct waiting_cmd *w)
{
	nvmu_host_dma_free(w->h, &w->rd);
	CHECK_EQ(nvmu_host_qpair_delete(w->qp), 0);
	detach(w->h);
}

/* Deallocate blocks 0..n-1 (one range each), move the ranges to blocks 512..512+n-1 or
 * free them, and check that the device deallocated the first ones. */
static void deallocate_ranges(unsigned n, enum after_submit what)
{
	struct nvmu_lba_range *ranges = calloc(n, sizeof(*ranges));
	struct waiting_cmd w;
	unsigned wrong = 0;

	if (!ranges || !waiting_open(&w, 1024))
		goto out;
	for (unsigned i = 0; i < n; i++)
		ranges[i] = (struct nvmu_lba_range){ .slba = i, .nlb = 1 };
	waiting_run(&w, nvmu_ns_deallocate(w.qp, nvmu_host_ns(w.h, 0), ranges, n, io_done,
					   &w.c), &ranges, n, 512, what);
	for (unsigned b = 0; b < n; b++)
		wrong += !block_is(w.data + (size_t)b * LBS, 0) +
			 !block_is(w.data + (size_t)(512 + b) * LBS, (uint8_t)(512 + b + 1));
	CHECK_EQ(wrong, 0);
	waiting_close(&w);
out:
	free(ranges);
}

TEST(deallocate_uses_the_ranges_as_submitted)
{
	deallocate_ranges(3, OVERWRITE_ARRAY);
	deallocate_ranges(12, FREE_ARRAY);
	deallocate_ranges(40, OVERWRITE_ARRAY);
	deallocate_ranges(256, FREE_ARRAY);
}

/* Copy blocks 10 and 20..21 to block 50, move the ranges to blocks 30 and 40..41 or free
 * them, and check that the device copied the first ones. */
static void copy_ranges(enum after_submit what)
{
	struct nvmu_lba_range *ranges = calloc(2, sizeof(*ranges));
	struct waiting_cmd w;

	if (!ranges || !waiting_open(&w, 64))
		goto out;
	ranges[0] = (struct nvmu_lba_range){ .slba = 10, .nlb = 1 };
	ranges[1] = (struct nvmu_lba_range){ .slba = 20, .nlb = 2 };
	waiting_run(&w, nvmu_ns_copy(w.qp, nvmu_host_ns(w.h, 0), 50, ranges, 2, io_done, &w.c),
		    &ranges, 2, 20, what);
	CHECK(block_is(w.data + 50 * LBS, 11));
	CHECK(block_is(w.data + 51 * LBS, 21));
	CHECK(block_is(w.data + 52 * LBS, 22));
	waiting_close(&w);
out:
	free(ranges);
}

TEST(copy_uses_the_ranges_as_submitted)
{
	copy_ranges(OVERWRITE_ARRAY);
	copy_ranges(FREE_ARRAY);
}

RUN_TESTS(T(one_block_allocation_writes_one_block),
	  T(bounced_read_of_a_short_iovec_ignores_the_array_after_submission),
	  T(bounced_read_of_a_long_iovec_ignores_the_array_after_submission),
	  T(deallocate_uses_the_ranges_as_submitted), T(copy_uses_the_ranges_as_submitted))
