/* SPDX-License-Identifier: MIT */
/*
 * Keep-alive over NVMe/TCP (guest, against Linux's nvmet-tcp): attach a tcp:// device,
 * leave it idle - nothing polled - for several KATOs, then write and read through it. A
 * host that sends no Keep Alive loses its controller to the target's keep-alive timer
 * (the I/O then needs a reset); this one must not.
 *
 * Usage: test_tcp_idle DEVICE IDLE_SECONDS   (DEVICE with ?kato=MS)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "nvmu/nvmu.h"

static const char *dev;
static unsigned idle_s;

TEST(idle_controller_is_kept)
{
	struct nvmu_host_ctrl *h = NULL;
	struct nvmu_host_qpair *qp = NULL;
	struct nvmu_ctrl_recovery_stats st;
	struct nvmu_dma_buf w, r;
	struct nvmu_ns *ns;
	uint32_t lbs;

	if (nvmu_host_attach(dev, NULL, &h) < 0) {
		fprintf(stderr, "attach %s: %s\n", dev, nvmu_last_error());
		CHECK(0);
		return;
	}
	CHECK_EQ(nvmu_host_qpair_create(h, NULL, &qp), 0);
	ns = nvmu_host_ns(h, 0);
	lbs = nvmu_ns_lba_size(ns);
	CHECK_EQ(nvmu_host_dma_alloc(h, 8 * lbs, &w), 0);
	CHECK_EQ(nvmu_host_dma_alloc(h, 8 * lbs, &r), 0);
	for (uint32_t i = 0; i < 8 * lbs; i++)
		((uint8_t *)w.vaddr)[i] = (uint8_t)(i * 7 + 3);
	printf("# idle for %u s\n", idle_s);
	sleep(idle_s);
	CHECK_EQ(nvmu_ns_write_sync(qp, ns, 16, &w, 1, 0, 10000, NULL), 0);
	CHECK_EQ(nvmu_ns_read_sync(qp, ns, 16, &r, 1, 0, 10000, NULL), 0);
	CHECK(memcmp(w.vaddr, r.vaddr, 8 * lbs) == 0);
	nvmu_ctrl_recovery_stats(nvmu_host_core(h), &st);
	printf("# resets after the idle time: %llu\n", (unsigned long long)st.resets);
	CHECK_EQ(st.resets, 0);
	nvmu_host_dma_free(h, &w);
	nvmu_host_dma_free(h, &r);
	CHECK_EQ(nvmu_host_qpair_delete(qp), 0);
	CHECK_EQ(nvmu_host_detach(h), 0);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s DEVICE IDLE_SECONDS\n", argv[0]);
		return 2;
	}
	dev = argv[1];
	idle_s = (unsigned)atoi(argv[2]);
	printf("1..1\n");
	idle_controller_is_kept();
	printf("%sok 1 - idle_controller_is_kept\n", check_failures ? "not " : "");
	return check_failures ? 1 : 0;
}
