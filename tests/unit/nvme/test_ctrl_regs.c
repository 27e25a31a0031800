/* SPDX-License-Identifier: MIT */
/* Controller Configuration chosen from CAP and the host page size. */
#include "check.h"
#include "nvme/nvme_internal.h"

static uint64_t cap_of(unsigned mpsmin, unsigned mpsmax, unsigned css, unsigned to)
{
	return NVME_SET((uint64_t)mpsmin, CAP_MPSMIN) | NVME_SET((uint64_t)mpsmax, CAP_MPSMAX) |
	       NVME_SET((uint64_t)css, CAP_CSS) | NVME_SET((uint64_t)to, CAP_TO) | 0x7ff;
}

TEST(qemu_like_cap_gives_4k_pages_and_csi)
{
	uint32_t cc = 0, ps = 0;

	CHECK_EQ(ctrl_choose_cc(cap_of(0, 4, 0xc1, 15), 4096, &cc, &ps), 0);
	CHECK_EQ(ps, 4096);
	CHECK_EQ(NVME_CC_MPS(cc), 0);
	CHECK_EQ(NVME_CC_CSS(cc), NVME_CC_CSS_CSI);
	CHECK_EQ(NVME_CC_IOSQES(cc), 6);
	CHECK_EQ(NVME_CC_IOCQES(cc), 4);
	CHECK_EQ(NVME_CC_EN(cc), 0);
	CHECK_EQ(NVME_CC_SHN(cc), 0);
	CHECK_EQ(ctrl_cap_timeout_ms(cap_of(0, 4, 1, 15)), 7500);
	CHECK_EQ(ctrl_cap_timeout_ms(cap_of(0, 4, 1, 0)), 500);
}

TEST(page_size_within_mpsmin_mpsmax)
{
	uint32_t cc = 0, ps = 0;

	/* 64 KiB host pages on a controller that stops at 16 KiB: use 16 KiB. */
	CHECK_EQ(ctrl_choose_cc(cap_of(0, 2, 1, 1), 65536, &cc, &ps), 0);
	CHECK_EQ(ps, 16384);
	CHECK_EQ(NVME_CC_MPS(cc), 2);
	CHECK_EQ(NVME_CC_CSS(cc), NVME_CC_CSS_NVM);
	/* 4 KiB host pages on a controller whose smallest page is 8 KiB: refused. */
	CHECK_EQ(ctrl_choose_cc(cap_of(1, 4, 1, 1), 4096, &cc, &ps), -ENOTSUP);
	CHECK_STR_CONTAINS(nvmu_last_error(), "smallest memory page size 8192 (CAP.MPSMIN 1)");
}

TEST(command_set_from_cap_css)
{
	uint32_t cc = 0, ps = 0;

	CHECK_EQ(ctrl_choose_cc(cap_of(0, 0, 0x80, 1), 4096, &cc, &ps), 0);
	CHECK_EQ(NVME_CC_CSS(cc), NVME_CC_CSS_ADMIN);
	CHECK_EQ(ctrl_choose_cc(cap_of(0, 0, 0, 1), 4096, &cc, &ps), -ENOTSUP);
	CHECK_STR_CONTAINS(nvmu_last_error(), "no known command set");
}

RUN_TESTS(T(qemu_like_cap_gives_4k_pages_and_csi), T(page_size_within_mpsmin_mpsmax),
	  T(command_set_from_cap_css))
