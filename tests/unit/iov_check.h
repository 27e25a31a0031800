/* SPDX-License-Identifier: MIT */
/* Test helper: does a scattered buffer hold the bytes a model expects? */
#ifndef NVMU_TEST_IOV_CHECK_H
#define NVMU_TEST_IOV_CHECK_H

#include <stdbool.h>
#include <string.h>

#include "nvmu/iommu.h"

/* True if the pieces of @iov, one after the other, equal @expect. */
static inline bool iov_equals(const struct nvmu_dma_buf *iov, unsigned iovcnt, const uint8_t *expect)
{
	size_t pos = 0;

	for (unsigned i = 0; i < iovcnt; i++) {
		if (memcmp(iov[i].vaddr, expect + pos, iov[i].len) != 0)
			return false;
		pos += iov[i].len;
	}
	return true;
}

#endif
