/* SPDX-License-Identifier: MIT */
/* A transport on plain memory for unit tests: registers and doorbells are arrays, DMA
 * memory is page-aligned heap memory whose IOVA is its address plus a fixed offset. */
#ifndef NVMU_TEST_FAKE_TRANSPORT_H
#define NVMU_TEST_FAKE_TRANSPORT_H

#include "nvmu/nvme.h"

#define FAKE_IOVA_OFFSET 0x10000000000ull

struct fake_transport {
	struct nvmu_transport t;
	uint32_t regs[0x1000 / 4];
	uint32_t doorbells[0x1000 / 4];
	size_t live_allocs;
};

/* Set up *f (zeroed registers and doorbells). */
void fake_transport_init(struct fake_transport *f);

#endif
