/* SPDX-License-Identifier: MIT */
/*
 * bench_ipio: drive N 4 KiB reads at a fixed queue depth through the host API on the
 * software controller in stepped mode (soft:mode=step), stepping the controller itself
 * between reaps, so that the driver's work and the device model's work happen in
 * different functions. Under callgrind with collection toggled on only inside the
 * driver's entry points (nvmu_ns_read, nvmu_host_qpair_kick,
 * nvmu_host_qpair_poll) and off again inside the completion callback (read_done,
 * the application's work) the instructions counted are the driver's own cost of
 * submitting and completing the reads; bench/instructions-per-io.sh divides them by N.
 *
 * Usage: bench_ipio [N [QD]]   (defaults 100000 reads, queue depth 32)
 * Prints "reads N qd Q" and exits 0, or prints the error and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>

#include "nvmu/host.h"
#include "nvmu/nvme_soft.h"

#define IPIO_MAX_QD 1024
#define IPIO_BLOCK 4096u

struct ipio {
	struct nvmu_host_qpair *qp;
	struct nvmu_ns *ns;
	uint64_t blocks;
	unsigned long sent, done, failed;
	struct nvmu_dma_buf buf[IPIO_MAX_QD];
	unsigned ready[IPIO_MAX_QD]; /* slots whose read completed, to resubmit */
	unsigned nready;
};

/* One in-flight read: its buffer index and the run it belongs to. */
struct slot {
	struct ipio *b;
	unsigned idx;
};

/* Completion: count it and hand the slot back (the loop resubmits after the reap). Not
 * counted as the driver's cost: the script toggles collection off inside it. */
static void read_done(void *arg, const struct nvmu_cpl *cpl)
{
	struct slot *s = arg;

	s->b->failed += cpl->err != 0;
	s->b->done++;
	s->b->ready[s->b->nready++] = s->idx;
}

static int submit(struct ipio *b, struct slot *s)
{
	uint64_t lba = b->sent++ * 7919 % b->blocks;

	return nvmu_ns_read(b->qp, b->ns, lba, &b->buf[s->idx], 1, 0, read_done, s);
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 100000;
	unsigned qd = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 0) : 32;
	struct nvmu_host_qpair_opts qo = { .entries = 256, .defer_doorbell = true };
	struct nvmu_host_ctrl *h = NULL;
	struct nvmu_transport *t;
	static struct slot slots[IPIO_MAX_QD];
	static struct ipio b;

	if (qd == 0 || qd > IPIO_MAX_QD || n < qd) {
		fprintf(stderr, "usage: bench_ipio [N [QD]] (1 <= QD <= %d, QD <= N)\n", IPIO_MAX_QD);
		return 2;
	}
	if (nvmu_host_attach("soft:mode=step,lbs=4096,size=64M", NULL, &h) < 0 ||
	    !(b.ns = nvmu_host_ns(h, 0)) || nvmu_host_qpair_create(h, &qo, &b.qp) < 0)
		goto fail;
	t = nvmu_ctrl_transport(nvmu_host_core(h));
	b.blocks = nvmu_ns_blocks(b.ns);
	for (unsigned i = 0; i < qd; i++) {
		slots[i] = (struct slot){ &b, i };
		if (nvmu_host_dma_alloc(h, IPIO_BLOCK, &b.buf[i]) < 0)
			goto fail;
		b.ready[b.nready++] = i;
	}
	while (b.done < n) {
		/* Resubmit every finished slot (while reads remain), one doorbell for the batch. */
		while (b.nready && b.sent < n)
			if (submit(&b, &slots[b.ready[--b.nready]]) < 0)
				goto fail;
		nvmu_host_qpair_kick(b.qp);
		nvmu_soft_step(t, 0); /* the device model: not the driver's cost */
		nvmu_host_qpair_poll(b.qp, 0);
	}
	if (b.failed) {
		fprintf(stderr, "bench_ipio: %lu reads failed\n", b.failed);
		nvmu_host_detach(h);
		return 1;
	}
	printf("reads %lu qd %u\n", b.done, qd);
	for (unsigned i = 0; i < qd; i++)
		nvmu_host_dma_free(h, &b.buf[i]);
	nvmu_host_detach(h);
	return 0;
fail:
	fprintf(stderr, "bench_ipio: %s\n", nvmu_last_error());
	if (h)
		nvmu_host_detach(h);
	return 1;
}
