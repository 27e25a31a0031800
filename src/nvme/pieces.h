/* SPDX-License-Identifier: MIT */
/* Walking bytes [skip, skip+len) of a scattered buffer piece by piece (PRP and SGL
 * builders), and the page count of chained descriptor lists. Not a public interface. */
#ifndef NVMU_SRC_NVME_PIECES_H
#define NVMU_SRC_NVME_PIECES_H

#include <stdbool.h>

#include "nvmu/nvme.h"

struct piece_walk {
	const struct nvmu_dma_buf *iov;
	unsigned iovcnt;
	unsigned i;  /* current iovec entry */
	size_t off;  /* offset in it */
	size_t left; /* bytes still to walk */
};

/* Start a walk at byte @skip; false if [skip, skip+len) does not lie inside the iovec. */
static inline bool piece_walk_start(struct piece_walk *w, const struct nvmu_dma_buf *iov,
				    unsigned iovcnt, size_t skip, size_t len)
{
	size_t total = nvmu_iov_bytes(iov, iovcnt);

	w->iov = iov;
	w->iovcnt = iovcnt;
	w->i = 0;
	w->off = 0;
	w->left = len;
	if (skip > total || len > total - skip)
		return false;
	while (w->i < iovcnt && skip >= iov[w->i].len) {
		skip -= iov[w->i].len;
		w->i++;
	}
	w->off = skip;
	return true;
}

/* The next non-empty piece: device address and length. False when the walk is done. */
static inline bool piece_next(struct piece_walk *w, uint64_t *iova, size_t *n)
{
	while (w->left && w->i < w->iovcnt) {
		const struct nvmu_dma_buf *b = &w->iov[w->i];
		size_t avail = b->len - w->off;

		if (avail == 0) {
			w->i++;
			w->off = 0;
			continue;
		}
		*n = avail < w->left ? avail : w->left;
		*iova = b->iova + w->off;
		w->off += *n;
		w->left -= *n;
		return true;
	}
	return false;
}

/* Pages of @per_page slots needed for @entries entries when a full page that is followed
 * by another gives its last slot to the pointer to the next page. */
static inline uint32_t chained_pages(uint64_t entries, uint64_t per_page)
{
	if (entries == 0)
		return 0;
	if (entries <= per_page)
		return 1;
	return (uint32_t)((entries - 1 + per_page - 2) / (per_page - 1));
}

#endif
