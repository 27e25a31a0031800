/* SPDX-License-Identifier: MIT */
/*
 * An application that happens to define functions named like nvmu's internal ones, linked
 * statically against the installed libnvmu.a. The link must succeed (no multiple
 * definition) and the library must keep calling its own copies: these abort if reached.
 * It attaches the software controller and writes a block, which goes through the
 * library's request pool (req_get) and DMA page bitmap (bitmap_set_range).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nvmu/host.h>

void bitmap_set_range(uint64_t *bm, size_t from, size_t n);
int req_get(void *qp, void **out);

void bitmap_set_range(uint64_t *bm, size_t from, size_t n)
{
	(void)bm, (void)from, (void)n;
	fprintf(stderr, "the library called the application's bitmap_set_range\n");
	abort();
}

int req_get(void *qp, void **out)
{
	(void)qp, (void)out;
	fprintf(stderr, "the library called the application's req_get\n");
	abort();
}

static int fail(const char *what)
{
	fprintf(stderr, "%s: %s\n", what, nvmu_last_error());
	return 1;
}

int main(void)
{
	struct nvmu_host_ctrl *h;
	struct nvmu_host_qpair *qp;
	struct nvmu_dma_buf buf, block;
	struct nvmu_ns *ns;

	if (nvmu_host_attach("soft:size=1M", NULL, &h) < 0)
		return fail("attach");
	ns = nvmu_host_ns(h, 0);
	if (!ns || nvmu_host_qpair_create(h, NULL, &qp) < 0 ||
	    nvmu_host_dma_alloc(h, nvmu_ns_lba_size(ns), &buf) < 0)
		return fail("setup");
	/* A transfer is as long as its buffer, and the allocation is page sized. */
	block = nvmu_dma_slice(&buf, 0, nvmu_ns_lba_size(ns));
	memset(block.vaddr, 0xa5, block.len);
	if (nvmu_ns_write_sync(qp, ns, 0, &block, 1, 0, 10000, NULL) < 0)
		return fail("write");
	nvmu_host_dma_free(h, &buf);
	if (nvmu_host_detach(h) < 0)
		return fail("detach");
	printf("linked and ran; last error: \"%s\"\n", nvmu_last_error());
	return 0;
}
