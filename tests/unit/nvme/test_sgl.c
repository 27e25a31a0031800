/* SPDX-License-Identifier: MIT */
/* SGL and iovec layouts without hardware: data block, last segment, segment chains, PRPs
 * of PRP-compatible iovecs and the errors of those that are not. */
#include <errno.h>

#include "check.h"
#include "nvmu/nvme.h"

#define PS 4096u
#define PER_PAGE (PS / 16)
#define LIST_IOVA 0x7000000ull
#define MAX_PAGES 4

static struct nvmu_sgl_desc seg_mem[MAX_PAGES * PER_PAGE];
static uint64_t prp_mem[MAX_PAGES * (PS / 8)];

static struct nvmu_prp_pages sgl_pages(uint32_t n)
{
	memset(seg_mem, 0, sizeof(seg_mem));
	return (struct nvmu_prp_pages){ .vaddr = (uint64_t *)seg_mem, .iova = LIST_IOVA, .npages = n };
}

static uint8_t type_of(const struct nvmu_sgl_desc *d)
{
	return d->type >> 4;
}

/* @n pieces of 512 bytes, 4 KiB apart (so none can merge). */
static void make_iov(struct nvmu_dma_buf *iov, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		iov[i] = (struct nvmu_dma_buf){ NULL, 0x100000000ull + i * 4096ull, 512 };
}

/* Walk an SGL as a controller would; returns the data blocks seen in order. */
static size_t walk(const struct nvmu_sgl_desc *dptr, uint64_t *addrs, size_t max)
{
	struct nvmu_sgl_desc d = *dptr;
	size_t n = 0;

	if (type_of(&d) == NVMU_SGL_DATA_BLOCK) {
		addrs[n++] = d.addr;
		return n;
	}
	for (int hops = 0; hops < MAX_PAGES; hops++) {
		const struct nvmu_sgl_desc *seg = &seg_mem[(d.addr - LIST_IOVA) / 16];
		size_t k = d.len / 16;
		bool last = type_of(&d) == NVMU_SGL_LAST_SEGMENT, chained = false;

		CHECK_EQ(d.len % 16, 0);
		CHECK_EQ(d.addr % PS, 0);
		for (size_t i = 0; i < k; i++) {
			if (type_of(&seg[i]) == NVMU_SGL_DATA_BLOCK) {
				if (n < max)
					addrs[n] = seg[i].addr;
				n++;
				continue;
			}
			CHECK(!last);      /* no segment descriptor inside a last segment */
			CHECK_EQ(i, k - 1); /* only in the last slot */
			d = seg[i];
			chained = true;
		}
		if (!chained) {
			CHECK(last);
			return n;
		}
	}
	CHECK(0);
	return n;
}

TEST(one_piece_is_a_data_block_in_the_command)
{
	struct nvmu_dma_buf b = { NULL, 0x123456789ull, 12345 };
	struct nvmu_prp_pages p = sgl_pages(1);
	struct nvmu_sgl_desc d;

	CHECK_EQ(nvmu_sgl_build(&b, 1, 0, 12345, PS, &p, &d), 0);
	CHECK_EQ(type_of(&d), NVMU_SGL_DATA_BLOCK);
	CHECK_EQ(d.addr, 0x123456789ull); /* no alignment needed */
	CHECK_EQ(d.len, 12345);
	/* A range inside the piece moves the address. */
	CHECK_EQ(nvmu_sgl_build(&b, 1, 100, 512, PS, &p, &d), 0);
	CHECK_EQ(d.addr, 0x123456789ull + 100);
	CHECK_EQ(d.len, 512);
}

TEST(several_pieces_use_one_last_segment)
{
	struct nvmu_dma_buf iov[3];
	struct nvmu_prp_pages p = sgl_pages(1);
	struct nvmu_sgl_desc d;
	uint64_t seen[8];

	make_iov(iov, 3);
	CHECK_EQ(nvmu_sgl_build(iov, 3, 0, 1536, PS, &p, &d), 0);
	CHECK_EQ(type_of(&d), NVMU_SGL_LAST_SEGMENT);
	CHECK_EQ(d.addr, LIST_IOVA);
	CHECK_EQ(d.len, 3 * 16);
	CHECK_EQ(walk(&d, seen, 8), 3);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(seen[i], iov[i].iova);
	CHECK_EQ(seg_mem[1].len, 512);
	/* Skip into the first piece and stop inside the last one. */
	CHECK_EQ(nvmu_sgl_build(iov, 3, 256, 1024, PS, &p, &d), 0);
	CHECK_EQ(d.len, 3 * 16);
	CHECK_EQ(seg_mem[0].addr, iov[0].iova + 256);
	CHECK_EQ(seg_mem[0].len, 256);
	CHECK_EQ(seg_mem[2].len, 256);
}

static void chain(unsigned pieces, uint32_t pages_needed)
{
	static struct nvmu_dma_buf iov[MAX_PAGES * PER_PAGE];
	static uint64_t seen[MAX_PAGES * PER_PAGE];
	struct nvmu_prp_pages p = sgl_pages(MAX_PAGES);
	struct nvmu_sgl_desc d;

	make_iov(iov, pieces);
	CHECK_EQ(nvmu_sgl_build(iov, pieces, 0, (size_t)pieces * 512, PS, &p, &d), 0);
	CHECK_EQ(type_of(&d), pages_needed == 1 ? NVMU_SGL_LAST_SEGMENT : NVMU_SGL_SEGMENT);
	CHECK_EQ(walk(&d, seen, MAX_PAGES * PER_PAGE), pieces);
	for (unsigned i = 0; i < pieces; i++)
		if (seen[i] != iov[i].iova) {
			CHECK_EQ(seen[i], iov[i].iova);
			break;
		}
	/* One page fewer is refused, not overrun. */
	p.npages = pages_needed - 1;
	CHECK_EQ(nvmu_sgl_build(iov, pieces, 0, (size_t)pieces * 512, PS, &p, &d), -E2BIG);
	CHECK_STR_CONTAINS(nvmu_last_error(), "segment page");
}

TEST(a_full_page_stays_one_last_segment)
{
	chain(PER_PAGE, 1);
}

TEST(one_more_chains_a_segment_to_a_last_segment)
{
	chain(PER_PAGE + 1, 2);
	/* The first page: 255 data blocks, then a Last Segment of the 2 that remain. */
	CHECK_EQ(type_of(&seg_mem[PER_PAGE - 1]), NVMU_SGL_LAST_SEGMENT);
	CHECK_EQ(seg_mem[PER_PAGE - 1].len, 2 * 16);
	CHECK_EQ(seg_mem[PER_PAGE - 1].addr, LIST_IOVA + PS);
}

TEST(three_pages_chain_segment_segment_last)
{
	chain(2 * (PER_PAGE - 1) + 5, 3);
	CHECK_EQ(type_of(&seg_mem[PER_PAGE - 1]), NVMU_SGL_SEGMENT);
	CHECK_EQ(seg_mem[PER_PAGE - 1].len, PS);
	CHECK_EQ(type_of(&seg_mem[2 * PER_PAGE - 1]), NVMU_SGL_LAST_SEGMENT);
	CHECK_EQ(seg_mem[2 * PER_PAGE - 1].len, 5 * 16);
	CHECK_EQ(nvmu_sgl_capacity(PS, 3), 3 * (PER_PAGE - 1) + 1);
	CHECK_EQ(nvmu_sgl_capacity(PS, 1), PER_PAGE);
}

TEST(sgl_range_beyond_the_iovec_is_refused)
{
	struct nvmu_dma_buf iov[2];
	struct nvmu_prp_pages p = sgl_pages(1);
	struct nvmu_sgl_desc d;

	make_iov(iov, 2);
	CHECK_EQ(nvmu_sgl_build(iov, 2, 512, 1024, PS, &p, &d), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "beyond");
	CHECK_EQ(nvmu_iov_pieces(iov, 2, 0, 1024), 2);
	CHECK_EQ(nvmu_iov_pieces(iov, 2, 100, 100), 1);
	CHECK_EQ(nvmu_iov_bytes(iov, 2), 1024);
}

TEST(prp_compatible_iovec_gives_page_entries)
{
	/* Piece 0 ends on a page boundary, piece 1 is whole pages, piece 2 starts on one. */
	struct nvmu_dma_buf iov[3] = {
		{ NULL, 0x10000f00ull, 0x100 },
		{ NULL, 0x20000000ull, 2 * PS },
		{ NULL, 0x30000000ull, 0x200 },
	};
	struct nvmu_prp_pages p = { .vaddr = prp_mem, .iova = LIST_IOVA, .npages = 1 };
	uint64_t prp1, prp2, pages;

	CHECK_EQ(nvmu_prp_iov_pages(iov, 3, 0, 0x100 + 2 * PS + 0x200, PS, &pages), 0);
	CHECK_EQ(pages, 4);
	CHECK_EQ(nvmu_prp_build_iov(iov, 3, 0, 0x100 + 2 * PS + 0x200, PS, 0, &p, &prp1, &prp2), 0);
	CHECK_EQ(prp1, 0x10000f00ull);
	CHECK_EQ(prp2, LIST_IOVA);
	CHECK_EQ(prp_mem[0], 0x20000000ull);
	CHECK_EQ(prp_mem[1], 0x20001000ull);
	CHECK_EQ(prp_mem[2], 0x30000000ull);
	/* Two pages: PRP2 is the second page itself. */
	CHECK_EQ(nvmu_prp_build_iov(iov, 3, 0, 0x100 + 0x10, PS, 0, &p, &prp1, &prp2), 0);
	CHECK_EQ(prp2, 0x20000000ull);
	/* A sub-range starting inside piece 1 keeps its offset in PRP1. */
	CHECK_EQ(nvmu_prp_build_iov(iov, 3, 0x100 + 0x800, PS, PS, 0, &p, &prp1, &prp2), 0);
	CHECK_EQ(prp1, 0x20000800ull);
	CHECK_EQ(prp2, 0x20001000ull);
}

TEST(prp_incompatible_iovecs_name_the_piece)
{
	struct nvmu_dma_buf gap[2] = { { NULL, 0x10000000ull, 0x200 }, { NULL, 0x20000000ull, 0x200 } };
	struct nvmu_dma_buf mid[2] = { { NULL, 0x10000000ull, PS }, { NULL, 0x20000200ull, 0x200 } };
	struct nvmu_dma_buf odd[1] = { { NULL, 0x10000002ull, 0x200 } };
	struct nvmu_prp_pages p = { .vaddr = prp_mem, .iova = LIST_IOVA, .npages = 1 };
	uint64_t prp1, prp2;

	CHECK_EQ(nvmu_prp_build_iov(gap, 2, 0, 0x400, PS, 0, &p, &prp1, &prp2), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "piece 0 ends");
	CHECK_EQ(nvmu_prp_build_iov(mid, 2, 0, PS + 0x200, PS, 0, &p, &prp1, &prp2), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "piece 1 starts");
	CHECK_EQ(nvmu_prp_build_iov(odd, 1, 0, 0x200, PS, 0, &p, &prp1, &prp2), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "4-byte aligned");
	CHECK_EQ(prp1, 0);
}

RUN_TESTS(T(one_piece_is_a_data_block_in_the_command), T(several_pieces_use_one_last_segment),
	  T(a_full_page_stays_one_last_segment), T(one_more_chains_a_segment_to_a_last_segment),
	  T(three_pages_chain_segment_segment_last), T(sgl_range_beyond_the_iovec_is_refused),
	  T(prp_compatible_iovec_gives_page_entries), T(prp_incompatible_iovecs_name_the_piece))
