/* SPDX-License-Identifier: MIT */
/**
 * @file dptr.h
 * @brief Data pointers: PRP entries and lists, SGL descriptors and segments, and the
 *        scattered buffers (iovecs of struct nvmu_dma_buf) they describe.
 */
#ifndef NVMU_DPTR_H
#define NVMU_DPTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nvmu/iommu.h"
#include "nvmu/support.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- PRP building ---------------------------------------------------------------- */

/** PRP list pages a tracker owns: @p npages contiguous pages, CPU and device address. */
struct nvmu_prp_pages {
	uint64_t *vaddr;
	uint64_t iova;
	uint32_t npages;
};

/**
 * Fill @p prp1 and @p prp2 for a transfer of @p len bytes at device address @p iova with
 * controller pages of @p page_size bytes: PRP1 alone, PRP1 + PRP2 (two pages), or PRP2
 * pointing to a PRP list in @p list, whose pages are chained through their last entry
 * when one page is not enough. @p iova must be 4-byte aligned. len 0 gives two zeros.
 * Returns 0; -EINVAL (misaligned iova, bad page size), -E2BIG (longer than @p max_len
 * when non-zero, or than the list pages can describe), with a message.
 */
NVMU_API int nvmu_prp_build(uint64_t iova, size_t len, uint32_t page_size, size_t max_len,
			    const struct nvmu_prp_pages *list, uint64_t *prp1, uint64_t *prp2);

/**
 * Returns the number of PRP list pages a transfer of @p len bytes needs when it starts
 * @p offset bytes into a page; 0 when it needs none, when @p len is 0, or when
 * @p page_size is not a power of two of at least 4096.
 */
NVMU_API uint32_t nvmu_prp_list_pages(size_t offset, size_t len, uint32_t page_size);

/**
 * The PRP fast check: true if @p len bytes (at least one) at @p iova, a dword-aligned
 * address, lie in at most two memory pages (@p page_mask: the page size - 1). PRP1 is
 * then @p iova and *prp2 gets PRP2: the second page, or 0 when the range ends in the
 * first.
 */
static inline bool nvmu_prp_two_pages(uint64_t iova, size_t len, uint64_t page_mask,
				      uint64_t *prp2)
{
	uint64_t last = (iova & page_mask) + len - 1; /* the last byte, from the first page */

	if (iova & 3)
		return false;
	*prp2 = 0;
	if (__builtin_expect(last > page_mask, 0)) {
		if (last > 2 * page_mask + 1)
			return false;
		*prp2 = (iova | page_mask) + 1;
	}
	return true;
}

/**
 * For a range of more than two pages that one PRP list page describes: write the list
 * into the first page of @p list and set *prp2 to it (PRP1 is @p iova). Returns false,
 * with nothing written, when the range needs a chained list, @p list has no page, or
 * @p iova is not dword-aligned: nvmu_prp_build() handles those.
 */
NVMU_API bool nvmu_prp_one_list(uint64_t iova, size_t len, uint64_t page_size,
				const struct nvmu_prp_pages *list, uint64_t *prp2);

/**
 * PRP2 for @p len bytes (at least one) at @p iova, PRP1 being @p iova, where no chained
 * list is needed: nvmu_prp_two_pages(), else nvmu_prp_one_list() in @p list (NULL: no
 * list). Returns false, with *prp2 unspecified, when neither can.
 */
static inline bool nvmu_prp_fast(uint64_t iova, size_t len, uint64_t page_size,
				 const struct nvmu_prp_pages *list, uint64_t *prp2)
{
	return nvmu_prp_two_pages(iova, len, page_size - 1, prp2) ||
	       (list && nvmu_prp_one_list(iova, len, page_size, list, prp2));
}

/**
 * PRPs for bytes [@p skip, @p skip + @p len) of the scattered buffer @p iov (@p iovcnt
 * pieces, each with its device address in .iova; .vaddr is not used). The range must be
 * PRP-compatible: its first piece 4-byte aligned, every piece but the first starting on a
 * page boundary and every piece but the last ending on one. Otherwise as nvmu_prp_build().
 * Returns 0; -EINVAL (not PRP-compatible, the message names the piece; range beyond the
 * iovec; bad page size), -E2BIG (as nvmu_prp_build()).
 */
NVMU_API int nvmu_prp_build_iov(const struct nvmu_dma_buf *iov, unsigned iovcnt, size_t skip,
				size_t len, uint32_t page_size, size_t max_len,
				const struct nvmu_prp_pages *list, uint64_t *prp1, uint64_t *prp2);

/**
 * Check that bytes [@p skip, @p skip + @p len) of @p iov are PRP-compatible (see
 * nvmu_prp_build_iov()) and count the controller pages they touch into *pages.
 * Returns 0, or -EINVAL with a message naming the piece that breaks the rule.
 */
NVMU_API int nvmu_prp_iov_pages(const struct nvmu_dma_buf *iov, unsigned iovcnt, size_t skip,
				size_t len, uint32_t page_size, uint64_t *pages);

/* ---- SGL building ---------------------------------------------------------------- */

/** A 16-byte SGL descriptor (libnvme's types.h has none). */
struct nvmu_sgl_desc {
	uint64_t addr;
	uint32_t len;
	uint8_t rsvd[3];
	uint8_t type; /**< descriptor type in bits 7:4 (enum nvmu_sgl_type), sub type in 3:0 */
};

NVMU_STATIC_ASSERT(sizeof(struct nvmu_sgl_desc) == 16, "an SGL descriptor is 16 bytes");

/** SGL descriptor types (bits 7:4 of the type byte; sub type 0 = address). */
enum nvmu_sgl_type {
	NVMU_SGL_DATA_BLOCK = 0x0,
	NVMU_SGL_SEGMENT = 0x2,
	NVMU_SGL_LAST_SEGMENT = 0x3,
};

/** PSDT field of a command's flags byte: SGL for data, MPTR a contiguous buffer. */
#define NVMU_SQE_PSDT_MASK 0xc0u
#define NVMU_SQE_PSDT_SGL 0x40u

/**
 * Build the SGL of bytes [@p skip, @p skip + @p len) of @p iov into @p dptr (the 16 bytes
 * of PRP1/PRP2): one piece is a Data Block descriptor in the command; more are Data Block
 * descriptors in segment pages from @p list, pointed to by a Last Segment descriptor, or,
 * when one page is not enough, by a chain of Segment descriptors (each page's last slot)
 * ending with a Last Segment. Returns 0; -EINVAL (range beyond the iovec, a piece of 4 GiB
 * or more), -E2BIG (more descriptors than the list pages hold), with a message.
 */
NVMU_API int nvmu_sgl_build(const struct nvmu_dma_buf *iov, unsigned iovcnt, size_t skip,
			    size_t len, uint32_t page_size, const struct nvmu_prp_pages *list,
			    struct nvmu_sgl_desc *dptr);

/**
 * Returns how many Data Block descriptors @p npages segment pages of @p page_size bytes
 * can hold, counting the one in the command itself; each page but the last gives one slot
 * to the pointer to the next page.
 */
NVMU_API size_t nvmu_sgl_capacity(uint32_t page_size, uint32_t npages);

/**
 * Returns the number of non-empty pieces, and so of SGL descriptors, that bytes
 * [@p skip, @p skip + @p len) of @p iov span; 0 when the range lies beyond the iovec.
 */
NVMU_API size_t nvmu_iov_pieces(const struct nvmu_dma_buf *iov, unsigned iovcnt, size_t skip,
				size_t len);

/** Returns the total number of bytes of @p iov. */
NVMU_API size_t nvmu_iov_bytes(const struct nvmu_dma_buf *iov, unsigned iovcnt);

/** A piece of @p buf: @p len bytes from @p off (CPU and device address both moved). */
static inline struct nvmu_dma_buf nvmu_dma_slice(const struct nvmu_dma_buf *buf, size_t off,
						 size_t len)
{
	struct nvmu_dma_buf s = { (uint8_t *)buf->vaddr + off, buf->iova + off, len };

	return s;
}

#ifdef __cplusplus
}
#endif
#endif
