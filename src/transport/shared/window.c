/* SPDX-License-Identifier: MIT */
/* A secondary's DMA memory: one memfd the primary maps for the device, carved into runs
 * of pages here. The allocator's state is private to the secondary, so nothing a crash
 * leaves behind can corrupt another process. Not on the I/O path. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shared.h"

enum { PAGE_FREE = 0, PAGE_FIRST = 1, PAGE_MORE = 2 };

int share_window_init(struct share_window *w, size_t len)
{
	memset(w, 0, sizeof(*w));
	w->fd = memfd_create("nvmu-share-window", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (w->fd < 0)
		return nvmu_fail(errno, "memfd for the shared DMA window: %s", strerror(errno));
	if (ftruncate(w->fd, (off_t)len) < 0) {
		int err = errno;

		share_window_fini(w);
		return nvmu_fail(err, "sizing the shared DMA window to %zu bytes: %s", len,
				 strerror(err));
	}
	/* Sealed at its size: the primary maps it, and a window that shrank under it would
	 * fault the primary on its next copy. */
	if (fcntl(w->fd, F_ADD_SEALS, SHARE_WINDOW_SEALS) < 0) {
		int err = errno;

		share_window_fini(w);
		return nvmu_fail(err, "sealing the shared DMA window: %s", strerror(err));
	}
	w->base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, w->fd, 0);
	if (w->base == MAP_FAILED) {
		int err = errno;

		w->base = NULL;
		share_window_fini(w);
		return nvmu_fail(err, "mapping the shared DMA window: %s", strerror(err));
	}
	w->len = len;
	w->pages = len / nvmu_page_size();
	w->used = calloc(w->pages, 1);
	if (!w->used) {
		share_window_fini(w);
		return nvmu_fail(ENOMEM, "out of memory");
	}
	w->used[0] = PAGE_FIRST; /* the control page, which the primary writes */
	return 0;
}

void share_window_fini(struct share_window *w)
{
	if (w->base)
		munmap(w->base, w->len);
	if (w->fd >= 0)
		close(w->fd);
	free(w->used);
	memset(w, 0, sizeof(*w));
	w->fd = -1;
}

int share_window_alloc(struct share_window *w, size_t len, struct nvmu_dma_buf *buf)
{
	size_t page = nvmu_page_size(), need = (len ? len + page - 1 : page) / page, run = 0;

	for (size_t i = 0; i < w->pages; i++) {
		run = w->used[i] == PAGE_FREE ? run + 1 : 0;
		if (run < need)
			continue;
		size_t first = i + 1 - need;

		w->used[first] = PAGE_FIRST;
		memset(w->used + first + 1, PAGE_MORE, need - 1);
		buf->vaddr = w->base + first * page;
		buf->iova = w->iova + first * page;
		buf->len = len;
		memset(buf->vaddr, 0, need * page);
		return 0;
	}
	return nvmu_fail(ENOMEM, "the shared DMA window (%zu MiB) has no %zu free contiguous "
			 "pages left", w->len >> 20, need);
}

void share_window_free(struct share_window *w, struct nvmu_dma_buf *buf)
{
	size_t page = nvmu_page_size(), i;

	if (!buf->vaddr)
		return;
	i = (size_t)((uint8_t *)buf->vaddr - w->base) / page;
	if ((uint8_t *)buf->vaddr < w->base || i >= w->pages || w->used[i] != PAGE_FIRST) {
		nvmu_log(NVMU_LOG_WARN, "DMA free of %p, which the shared window did not hand "
			 "out; ignored", buf->vaddr);
		return;
	}
	w->used[i++] = PAGE_FREE;
	while (i < w->pages && w->used[i] == PAGE_MORE)
		w->used[i++] = PAGE_FREE;
	memset(buf, 0, sizeof(*buf));
}
