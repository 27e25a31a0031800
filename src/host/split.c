/* SPDX-License-Identifier: MIT */
/* How much of a request the next child command carries. The limits are the maximum
 * transfer size (MDTS), the SGL descriptors one command can hold, and the 16-bit NLB. */
#include "host_internal.h"

/* The number of bytes from @off that fit in @max_desc pieces of @iov, but at most @cap. */
static size_t bytes_within_pieces(const struct nvmu_dma_buf *iov, unsigned iovcnt, size_t off,
				  size_t max_desc, size_t cap)
{
	size_t got = 0, pieces = 0;

	for (unsigned i = 0; i < iovcnt && got < cap && pieces < max_desc; i++) {
		if (off >= iov[i].len) {
			off -= iov[i].len;
			continue;
		}
		got += iov[i].len - off;
		off = 0;
		pieces++;
	}
	return got < cap ? got : cap;
}

size_t split_child_bytes(const struct nvmu_dma_buf *iov, unsigned iovcnt, size_t off,
			 size_t left, size_t max_bytes, size_t max_desc, uint32_t lba_size)
{
	size_t n = left < max_bytes ? left : max_bytes;

	if (max_desc)
		n = bytes_within_pieces(iov, iovcnt, off, max_desc, n);
	return n / lba_size * lba_size;
}

bool split_fits(const struct nvmu_dma_buf *iov, unsigned iovcnt, size_t total, size_t max_bytes,
		size_t max_desc, uint32_t lba_size)
{
	for (size_t off = 0; off < total;) {
		size_t n = split_child_bytes(iov, iovcnt, off, total - off, max_bytes, max_desc,
					     lba_size);

		if (n == 0)
			return false;
		off += n;
	}
	return true;
}
