/* SPDX-License-Identifier: MIT */
/* Splitting math of the host API: bytes per child under MDTS, SGL descriptors and NLB. */
#include "check.h"
#include "host/host_internal.h"

TEST(contiguous_buffer_splits_at_max_bytes)
{
	struct nvmu_dma_buf b = { NULL, 0x1000, 100 * 512 };

	CHECK_EQ(split_child_bytes(&b, 1, 0, 100 * 512, 16384, 0, 512), 16384);
	CHECK_EQ(split_child_bytes(&b, 1, 3 * 16384, 100 * 512 - 3 * 16384, 16384, 0, 512), 4 * 512);
	/* A limit that is not a block multiple rounds down to whole blocks. */
	CHECK_EQ(split_child_bytes(&b, 1, 0, 100 * 512, 5000, 0, 4096), 4096);
}

TEST(sgl_descriptor_limit_bounds_the_child)
{
	struct nvmu_dma_buf iov[6];

	for (int i = 0; i < 6; i++)
		iov[i] = (struct nvmu_dma_buf){ NULL, 0x100000ull * (i + 1), 1024 };
	/* 2 descriptors reach 2048 bytes = 4 blocks of 512. */
	CHECK_EQ(split_child_bytes(iov, 6, 0, 6144, 1 << 20, 2, 512), 2048);
	/* From inside piece 1: 512 left there + 1024 of piece 2 = 1536. */
	CHECK_EQ(split_child_bytes(iov, 6, 1536, 6144 - 1536, 1 << 20, 2, 512), 1536);
	/* 4 KiB blocks across 1 KiB pieces need 4 descriptors each. */
	CHECK_EQ(split_child_bytes(iov, 6, 0, 4096, 1 << 20, 3, 4096), 0);
	CHECK(!split_fits(iov, 4, 4096, 1 << 20, 3, 4096));
	CHECK(split_fits(iov, 4, 4096, 1 << 20, 4, 4096));
}

TEST(children_cover_the_request_exactly)
{
	struct nvmu_dma_buf iov[5] = {
		{ NULL, 0x10000, 3000 }, { NULL, 0x20000, 1096 }, { NULL, 0x30000, 8192 },
		{ NULL, 0x40000, 512 }, { NULL, 0x50000, 3584 },
	};
	size_t total = 3000 + 1096 + 8192 + 512 + 3584, off = 0;
	unsigned children = 0;

	CHECK_EQ(total % 512, 0);
	while (off < total) {
		size_t n = split_child_bytes(iov, 5, off, total - off, 4096, 2, 512);

		CHECK(n > 0 && n % 512 == 0 && n <= 4096);
		if (n == 0)
			break;
		off += n;
		children++;
	}
	CHECK_EQ(off, total);
	CHECK(children >= 4);
}

RUN_TESTS(T(contiguous_buffer_splits_at_max_bytes), T(sgl_descriptor_limit_bounds_the_child),
	  T(children_cover_the_request_exactly))
