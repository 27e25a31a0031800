/* SPDX-License-Identifier: MIT */
/*
 * Guest test of recovery on QEMU's NVMe through VFIO: the DMA mapping that holds the
 * queues is taken out of the IOMMU behind the driver's back, so the controller's next
 * fetch of a command fails and it reports a fatal status (CSTS.CFS). The driver must
 * notice it while polling (state "needs reset", reason naming CFS), and once the memory
 * is mapped back, a reset must bring the controller back behind the same queue pair:
 * the read caught by the fault is reposted and completes, data written before the fault
 * reads back intact, and new I/O works (tests/guest/suite-recovery.sh runs it).
 *
 * usage: test_recovery ADDR
 */
#include <dirent.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "check.h"
#include "nvmu/host.h"
#include "nvmu/nvme_pcie.h"

#define BLOCKS 64
#define NOTICE_WAIT_MS 5000
#define IO_WAIT_MS 10000

static const char *addr;

/* The process's VFIO container fd (the transport keeps it private). */
static int container_fd(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int fd = -1;

	while (d && (e = readdir(d)) != NULL && fd < 0) {
		char path[300], target[64];
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = '\0';
			if (strcmp(target, "/dev/vfio/vfio") == 0)
				fd = atoi(e->d_name);
		}
	}
	if (d)
		closedir(d);
	return fd;
}

struct waiter {
	unsigned done;
	int err;
};

static void on_done(void *arg, const struct nvmu_cpl *cpl)
{
	struct waiter *w = arg;

	w->done++;
	w->err = cpl->err;
}

/* Poll until @w completed once (or the deadline); true if it did. */
static bool wait_done(struct nvmu_host_qpair *qp, struct waiter *w)
{
	uint64_t deadline = nvmu_deadline_ms(IO_WAIT_MS);

	while (w->done == 0 && !nvmu_deadline_passed(deadline))
		nvmu_host_qpair_poll(qp, 0);
	return w->done == 1;
}

static void fill(uint8_t *p, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + seed);
}

TEST(cfs_from_unmapped_queue_memory_then_reset)
{
	struct nvmu_host_opts ho = { .no_auto_reset = true };
	struct nvmu_host_qpair_opts qo = { .retries = 2 };
	struct nvmu_host_ctrl *h = NULL;
	struct nvmu_host_qpair *qp = NULL;
	struct nvmu_dma_buf wbuf, rbuf, sq, cq;
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap) };
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map),
						.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE };
	struct waiter w = { 0 };
	struct nvmu_ns *ns;
	void *base = NULL;
	size_t len = 0, bytes;
	uint64_t iova = 0, t0;
	int cfd;

	CHECK_EQ(nvmu_host_attach(addr, &ho, &h), 0);
	if (!h)
		return;
	ns = nvmu_host_ns(h, 0);
	bytes = (size_t)BLOCKS * nvmu_ns_lba_size(ns);
	CHECK_EQ(nvmu_host_qpair_create(h, &qo, &qp), 0);
	CHECK_EQ(nvmu_host_dma_alloc(h, bytes, &wbuf), 0);
	CHECK_EQ(nvmu_host_dma_alloc(h, bytes, &rbuf), 0);
	fill(wbuf.vaddr, bytes, 3);
	CHECK_EQ(nvmu_ns_write(qp, ns, 0, &wbuf, 1, 0, on_done, &w), 0);
	CHECK(wait_done(qp, &w));
	CHECK_EQ(w.err, 0);

	/* Take the mapping holding the I/O queues out of the IOMMU behind the driver. */
	nvmu_qpair_rings(nvmu_host_qpair_core(qp), &sq, &cq);
	CHECK_EQ(nvmu_iommu_mapping_of(nvmu_pcie_iommu(nvmu_ctrl_transport(nvmu_host_core(h))),
				       sq.vaddr, &base, &len, &iova), 0);
	cfd = container_fd();
	CHECK(cfd >= 0);
	unmap.iova = iova;
	unmap.size = len;
	CHECK_EQ(ioctl(cfd, VFIO_IOMMU_UNMAP_DMA, &unmap), 0);
	printf("# unmapped %zu bytes at IOVA %#llx (the SQ is at %#llx)\n", len,
	       (unsigned long long)iova, (unsigned long long)sq.iova);

	/* The next command cannot be fetched: the controller reports CFS. */
	memset(&w, 0, sizeof(w));
	memset(rbuf.vaddr, 0, bytes);
	CHECK_EQ(nvmu_ns_read(qp, ns, 0, &rbuf, 1, 0, on_done, &w), 0);
	t0 = nvmu_now_ns();
	{
		uint64_t deadline = nvmu_deadline_ms(NOTICE_WAIT_MS);

		while (nvmu_host_state(h) == NVMU_CTRL_LIVE && !nvmu_deadline_passed(deadline))
			nvmu_host_qpair_poll(qp, 0);
	}
	CHECK_EQ(nvmu_host_state(h), NVMU_CTRL_NEEDS_RESET);
	CHECK_STR_CONTAINS(nvmu_ctrl_reason(nvmu_host_core(h)), "CSTS.CFS=1");
	printf("# noticed in %.0f ms: %s\n", (nvmu_now_ns() - t0) / 1e6,
	       nvmu_ctrl_reason(nvmu_host_core(h)));
	CHECK_EQ(w.done, 0); /* the read waits for the reset: neither lost nor completed */

	/* Map it back where it was and reset: the read is reposted and completes. */
	map.vaddr = (uintptr_t)base;
	map.iova = iova;
	map.size = len;
	CHECK_EQ(ioctl(cfd, VFIO_IOMMU_MAP_DMA, &map), 0);
	t0 = nvmu_now_ns();
	CHECK_EQ(nvmu_host_reset(h), 0);
	printf("# reset in %.1f ms\n", (nvmu_now_ns() - t0) / 1e6);
	CHECK_EQ(nvmu_host_state(h), NVMU_CTRL_LIVE);
	CHECK(wait_done(qp, &w));
	CHECK_EQ(w.err, 0);
	CHECK(memcmp(rbuf.vaddr, wbuf.vaddr, bytes) == 0);

	/* The same queue pair keeps working: write and read back something new. */
	fill(wbuf.vaddr, bytes, 11);
	memset(&w, 0, sizeof(w));
	CHECK_EQ(nvmu_ns_write(qp, ns, BLOCKS, &wbuf, 1, 0, on_done, &w), 0);
	CHECK(wait_done(qp, &w));
	CHECK_EQ(w.err, 0);
	memset(&w, 0, sizeof(w));
	memset(rbuf.vaddr, 0, bytes);
	CHECK_EQ(nvmu_ns_read(qp, ns, BLOCKS, &rbuf, 1, 0, on_done, &w), 0);
	CHECK(wait_done(qp, &w));
	CHECK_EQ(w.err, 0);
	CHECK(memcmp(rbuf.vaddr, wbuf.vaddr, bytes) == 0);
	CHECK_EQ(nvmu_host_qpair_pending(qp), 0);
	nvmu_host_dma_free(h, &wbuf);
	nvmu_host_dma_free(h, &rbuf);
	CHECK_EQ(nvmu_host_detach(h), 0);
}

int main(int argc, char **argv)
{
	static const struct check_test tests[] = {
		T(cfs_from_unmapped_queue_memory_then_reset),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: test_recovery ADDR\n");
		return 2;
	}
	addr = argv[1];
	return check_run(tests, sizeof(tests) / sizeof(tests[0]));
}
