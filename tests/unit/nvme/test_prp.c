/* SPDX-License-Identifier: MIT */
/* PRP layouts without hardware: offsets, page crossings, lists, chained list pages, limits. */
#include <errno.h>

#include "check.h"
#include "nvmu/nvme.h"

#define PS 4096u
#define PER_PAGE (PS / 8)
#define DATA 0x100000000ull /* device address of the data buffer */
#define LIST_IOVA 0x7000000ull
#define MAX_LIST_PAGES 8

static uint64_t list_mem[MAX_LIST_PAGES * PER_PAGE];

static struct nvmu_prp_pages pages(uint32_t n)
{
	memset(list_mem, 0, sizeof(list_mem));
	return (struct nvmu_prp_pages){ .vaddr = list_mem, .iova = LIST_IOVA, .npages = n };
}

/* Walk the PRPs as a controller would and check they cover [iova, iova+len) in order. */
static void check_walk(uint64_t iova, size_t len, uint64_t prp1, uint64_t prp2)
{
	uint64_t expect = iova, covered;
	size_t entries, list_page = 0, slot = 0;

	CHECK_EQ(prp1, iova);
	covered = PS - (iova & (PS - 1));
	if (covered >= len) {
		CHECK_EQ(prp2, 0);
		return;
	}
	expect = (iova & ~(uint64_t)(PS - 1)) + PS;
	entries = (len - covered + PS - 1) / PS;
	if (entries == 1) {
		CHECK_EQ(prp2, expect);
		return;
	}
	CHECK_EQ(prp2, LIST_IOVA);
	for (size_t i = 0; i < entries; i++) {
		uint64_t e = list_mem[list_page * PER_PAGE + slot];

		if (slot == PER_PAGE - 1 && i < entries - 1) {
			/* chain pointer to the next list page */
			CHECK_EQ(e, LIST_IOVA + (list_page + 1) * PS);
			list_page++;
			slot = 0;
			e = list_mem[list_page * PER_PAGE];
		}
		if (e != expect) {
			CHECK_EQ(e, expect);
			return;
		}
		expect += PS;
		slot++;
	}
}

static void build_and_walk(uint64_t iova, size_t len, uint32_t npages)
{
	struct nvmu_prp_pages p = pages(npages);
	uint64_t prp1 = 1, prp2 = 1;

	CHECK_EQ(nvmu_prp_build(iova, len, PS, 0, &p, &prp1, &prp2), 0);
	check_walk(iova, len, prp1, prp2);
}

TEST(single_page_aligned_and_offset)
{
	uint64_t prp1, prp2;

	CHECK_EQ(nvmu_prp_build(DATA, PS, PS, 0, NULL, &prp1, &prp2), 0);
	CHECK_EQ(prp1, DATA);
	CHECK_EQ(prp2, 0);
	CHECK_EQ(nvmu_prp_build(DATA + 512, PS - 512, PS, 0, NULL, &prp1, &prp2), 0);
	CHECK_EQ(prp1, DATA + 512);
	CHECK_EQ(prp2, 0);
	CHECK_EQ(nvmu_prp_build(DATA + 4, 8, PS, 0, NULL, &prp1, &prp2), 0);
	CHECK_EQ(prp1, DATA + 4);
	CHECK_EQ(prp2, 0);
}

TEST(zero_length_gives_no_pointers)
{
	uint64_t prp1 = 1, prp2 = 1;

	CHECK_EQ(nvmu_prp_build(DATA, 0, PS, 0, NULL, &prp1, &prp2), 0);
	CHECK_EQ(prp1, 0);
	CHECK_EQ(prp2, 0);
}

TEST(two_pages_use_prp2_directly)
{
	uint64_t prp1, prp2;

	CHECK_EQ(nvmu_prp_build(DATA, 2 * PS, PS, 0, NULL, &prp1, &prp2), 0);
	CHECK_EQ(prp1, DATA);
	CHECK_EQ(prp2, DATA + PS);
	/* An unaligned start that crosses one page boundary: still two pages. */
	CHECK_EQ(nvmu_prp_build(DATA + 100, PS, PS, 0, NULL, &prp1, &prp2), 0);
	CHECK_EQ(prp1, DATA + 100);
	CHECK_EQ(prp2, DATA + PS);
	/* 512 bytes crossing a boundary. */
	CHECK_EQ(nvmu_prp_build(DATA + PS - 256, 512, PS, 0, NULL, &prp1, &prp2), 0);
	CHECK_EQ(prp2, DATA + PS);
}

TEST(three_pages_need_a_list)
{
	uint64_t prp1, prp2;
	struct nvmu_prp_pages p = pages(1);

	CHECK_EQ(nvmu_prp_build(DATA, 3 * PS, PS, 0, &p, &prp1, &prp2), 0);
	CHECK_EQ(prp1, DATA);
	CHECK_EQ(prp2, LIST_IOVA);
	CHECK_EQ(list_mem[0], DATA + PS);
	CHECK_EQ(list_mem[1], DATA + 2 * PS);
	CHECK_EQ(list_mem[2], 0); /* nothing written past the last entry */
	/* Two pages' worth at an offset spans three pages. */
	CHECK_EQ(nvmu_prp_build(DATA + 8, 2 * PS, PS, 0, &p, &prp1, &prp2), 0);
	CHECK_EQ(prp2, LIST_IOVA);
	CHECK_EQ(list_mem[1], DATA + 2 * PS);
}

TEST(list_without_pages_is_too_big)
{
	uint64_t prp1, prp2;

	CHECK_EQ(nvmu_prp_build(DATA, 3 * PS, PS, 0, NULL, &prp1, &prp2), -E2BIG);
	CHECK_STR_CONTAINS(nvmu_last_error(), "needs 1 PRP list page(s); 0 available");
}

TEST(one_full_list_page_has_no_chain)
{
	struct nvmu_prp_pages p = pages(1);
	uint64_t prp1, prp2;
	size_t len = (1 + PER_PAGE) * PS; /* PRP1 + exactly 512 list entries */

	CHECK_EQ(nvmu_prp_build(DATA, len, PS, 0, &p, &prp1, &prp2), 0);
	CHECK_EQ(list_mem[PER_PAGE - 1], DATA + PER_PAGE * PS);
	check_walk(DATA, len, prp1, prp2);
	/* One more page needs a second list page. */
	CHECK_EQ(nvmu_prp_build(DATA, len + PS, PS, 0, &p, &prp1, &prp2), -E2BIG);
	CHECK_STR_CONTAINS(nvmu_last_error(), "needs 2 PRP list page(s); 1 available");
}

TEST(chained_list_pages)
{
	struct nvmu_prp_pages p = pages(3);
	uint64_t prp1, prp2;
	size_t len = (2 + PER_PAGE) * PS; /* 513 list entries: 511 + chain, then 2 */

	CHECK_EQ(nvmu_prp_build(DATA, len, PS, 0, &p, &prp1, &prp2), 0);
	CHECK_EQ(list_mem[PER_PAGE - 2], DATA + (PER_PAGE - 1) * PS);
	CHECK_EQ(list_mem[PER_PAGE - 1], LIST_IOVA + PS); /* chain pointer */
	CHECK_EQ(list_mem[PER_PAGE], DATA + PER_PAGE * PS);
	CHECK_EQ(list_mem[PER_PAGE + 1], DATA + (PER_PAGE + 1) * PS);
	check_walk(DATA, len, prp1, prp2);
	/* Unaligned start, three list pages: 8 MiB - a bit. */
	build_and_walk(DATA + 0x204, 3 * (PER_PAGE - 1) * PS, 3);
}

TEST(list_page_counts)
{
	CHECK_EQ(nvmu_prp_list_pages(0, 0, PS), 0);
	CHECK_EQ(nvmu_prp_list_pages(0, PS, PS), 0);
	CHECK_EQ(nvmu_prp_list_pages(0, 2 * PS, PS), 0);
	CHECK_EQ(nvmu_prp_list_pages(4, 2 * PS, PS), 1);
	CHECK_EQ(nvmu_prp_list_pages(0, (1 + PER_PAGE) * PS, PS), 1);
	CHECK_EQ(nvmu_prp_list_pages(0, (2 + PER_PAGE) * PS, PS), 2);
	CHECK_EQ(nvmu_prp_list_pages(PS - 4, 2u << 20, PS), 1); /* 2 MiB at worst offset */
	CHECK_EQ(nvmu_prp_list_pages(0, (1 + 2 * (PER_PAGE - 1) + 1) * PS, PS), 2);
	CHECK_EQ(nvmu_prp_list_pages(0, (1 + 2 * (PER_PAGE - 1) + 2) * PS, PS), 3);
}

TEST(every_length_and_offset_walks_correctly)
{
	static const uint64_t offsets[] = { 0, 4, 512, PS / 2, PS - 4 };
	static const size_t lens[] = { 4, 512, PS - 4, PS, PS + 4, 2 * PS, 3 * PS - 8, 17 * PS,
				       PER_PAGE * PS, (PER_PAGE + 1) * PS, (PER_PAGE + 2) * PS,
				       3 * PER_PAGE * PS };

	for (size_t o = 0; o < sizeof(offsets) / sizeof(offsets[0]); o++)
		for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++)
			build_and_walk(DATA + offsets[o], lens[l], MAX_LIST_PAGES);
}

TEST(limits_and_alignment)
{
	struct nvmu_prp_pages p = pages(1);
	uint64_t prp1, prp2;

	CHECK_EQ(nvmu_prp_build(DATA, 128 * 1024 + 512, PS, 128 * 1024, &p, &prp1, &prp2), -E2BIG);
	CHECK_STR_CONTAINS(nvmu_last_error(), "exceeds the limit of 131072 (MDTS)");
	CHECK_EQ(nvmu_prp_build(DATA, 128 * 1024, PS, 128 * 1024, &p, &prp1, &prp2), 0);
	CHECK_EQ(nvmu_prp_build(DATA + 2, 512, PS, 0, &p, &prp1, &prp2), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "not 4-byte aligned");
	CHECK_EQ(nvmu_prp_build(DATA, 512, 3000, 0, &p, &prp1, &prp2), -EINVAL);
}

TEST(larger_controller_pages)
{
	static uint64_t big[8192];
	struct nvmu_prp_pages p = { .vaddr = big, .iova = LIST_IOVA, .npages = 1 };
	uint64_t prp1, prp2;

	CHECK_EQ(nvmu_prp_build(DATA + 100, 3 * 65536, 65536, 0, &p, &prp1, &prp2), 0);
	CHECK_EQ(prp2, LIST_IOVA);
	CHECK_EQ(big[0], DATA + 65536);
	CHECK_EQ(big[2], DATA + 3 * 65536);
	CHECK_EQ(big[3], 0);
}

RUN_TESTS(T(single_page_aligned_and_offset), T(zero_length_gives_no_pointers),
	  T(two_pages_use_prp2_directly), T(three_pages_need_a_list),
	  T(list_without_pages_is_too_big), T(one_full_list_page_has_no_chain),
	  T(chained_list_pages), T(list_page_counts), T(every_length_and_offset_walks_correctly),
	  T(limits_and_alignment), T(larger_controller_pages))
