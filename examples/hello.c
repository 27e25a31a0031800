/* SPDX-License-Identifier: MIT */
/*
 * hello: the nvmu host API in one page. Attach a controller, show what it is, write a
 * block, read it back, compare it, and detach.
 *
 *     nvmu bind 0000:01:00.0          # give the device to vfio-pci first
 *     hello 0000:01:00.0              # or: hello soft:size=16M (no hardware needed)
 */
#include <stdio.h>
#include <string.h>

#include "nvmu/host.h"

#define TIMEOUT_MS 10000

/* Completion callback of the asynchronous read below. */
static void read_done(void *arg, const struct nvmu_cpl *cpl)
{
	struct nvmu_cpl *result = arg;

	*result = *cpl;
}

int main(int argc, char **argv)
{
	const char *dev = argc > 1 ? argv[1] : "soft:size=16M";
	struct nvmu_host_ctrl *h;
	struct nvmu_host_qpair *qp;
	struct nvmu_dma_buf out, in;
	struct nvmu_cpl cpl = { .err = 1 }; /* 1: not completed yet */
	struct nvmu_ns *ns;
	uint32_t lbs;
	int ret, poll;

	/* 1. Attach: bring the controller up and read its namespaces. */
	if (nvmu_host_attach(dev, NULL, &h) < 0) {
		fprintf(stderr, "attach %s: %s\n", dev, nvmu_last_error());
		return 1;
	}
	ns = nvmu_host_ns(h, 0);
	if (!ns) {
		fprintf(stderr, "%s has no active namespace\n", dev);
		nvmu_host_detach(h);
		return 1;
	}
	lbs = nvmu_ns_lba_size(ns);
	printf("%s: model \"%.40s\", %u namespace(s); namespace %u: %llu blocks of %u bytes\n",
	       dev, nvmu_host_id(h)->mn, nvmu_host_ns_count(h), nvmu_ns_id(ns),
	       (unsigned long long)nvmu_ns_blocks(ns), lbs);

	/* 2. A queue pair for this thread, and DMA buffers (they carry their device address). */
	if (nvmu_host_qpair_create(h, NULL, &qp) < 0 || nvmu_host_dma_alloc(h, lbs, &out) < 0 ||
	    nvmu_host_dma_alloc(h, lbs, &in) < 0) {
		fprintf(stderr, "setup: %s\n", nvmu_last_error());
		nvmu_host_detach(h); /* frees queue pairs and DMA memory too */
		return 1;
	}
	/* A transfer is as long as the buffer: each holds one block, as asked. */
	snprintf(out.vaddr, lbs, "hello from nvmu at %llu ns", (unsigned long long)nvmu_now_ns());

	/* 3. Write block 0 and wait for it (the synchronous helper polls for us). */
	ret = nvmu_ns_write_sync(qp, ns, 0, &out, 1, NVMU_IO_FUA, TIMEOUT_MS, NULL);
	if (ret == 0) {
		/* 4. Read it back asynchronously: submit, then poll until the callback ran. */
		ret = nvmu_ns_read(qp, ns, 0, &in, 1, 0, read_done, &cpl);
		while (ret == 0 && cpl.err == 1)
			if ((poll = nvmu_host_qpair_poll(qp, 0)) < 0 && cpl.err == 1)
				ret = poll; /* -ENODEV removed, -EIO failed */
		if (ret == 0)
			ret = cpl.err; /* 0, or -EREMOTEIO with the NVMe status in cpl.status */
	}

	/* 5. Compare what came back, in memory and (when supported) on the device. */
	if (ret == 0 && memcmp(out.vaddr, in.vaddr, lbs) != 0)
		ret = -1;
	if (ret == 0 && nvmu_host_supports(h, NVMU_HOST_CMD_COMPARE)) {
		struct nvmu_host_waiter w = { 0 };

		ret = nvmu_ns_compare(qp, ns, 0, &out, 1, 0, nvmu_host_sync_cb, &w);
		if (ret == 0)
			ret = nvmu_host_wait(qp, &w, TIMEOUT_MS);
	}
	if (ret == 0)
		printf("read back: \"%s\"\n", (char *)in.vaddr);
	else
		fprintf(stderr, "I/O failed (%d): %s\n", ret, ret == -1 ? "data differs" : nvmu_last_error());

	/* 6. Detach: deletes the queues, shuts the controller down normally, frees memory. */
	nvmu_host_dma_free(h, &out);
	nvmu_host_dma_free(h, &in);
	if (nvmu_host_detach(h) < 0)
		fprintf(stderr, "detach: %s\n", nvmu_last_error());
	return ret == 0 ? 0 : 1;
}
