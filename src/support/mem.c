/* SPDX-License-Identifier: MIT */
/* Page-aligned anonymous memory, optionally backed by hugepages. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "nvmu/support.h"

#define HUGEPAGE_SIZE (2ull << 20)

size_t nvmu_page_size(void)
{
	static size_t page;

	if (!page)
		page = (size_t)sysconf(_SC_PAGESIZE);
	return page;
}

/* The length actually mapped. nvmu_mem_free() must unmap the same length, so both round
 * the same way. */
static size_t rounded(size_t len, unsigned flags)
{
	return nvmu_align_up(len, flags & NVMU_MEM_HUGEPAGE ? HUGEPAGE_SIZE : nvmu_page_size());
}

int nvmu_mem_alloc(size_t len, unsigned flags, void **out)
{
	int mflags = MAP_PRIVATE | MAP_ANONYMOUS;
	void *p;

	if (len == 0)
		return nvmu_fail(EINVAL, "cannot allocate 0 bytes");
	if (flags & NVMU_MEM_HUGEPAGE)
		mflags |= MAP_HUGETLB;
	p = mmap(NULL, rounded(len, flags), PROT_READ | PROT_WRITE, mflags, -1, 0);
	if (p == MAP_FAILED) {
		int err = errno;

		if (flags & NVMU_MEM_HUGEPAGE)
			return nvmu_fail(err, "cannot allocate %zu bytes of hugepages: %s "
					 "(reserve some with 'echo N > "
					 "/proc/sys/vm/nr_hugepages', or do not ask for "
					 "hugepages)", len, strerror(err));
		return nvmu_fail(err, "cannot allocate %zu bytes: %s", len, strerror(err));
	}
	*out = p;
	return 0;
}

void nvmu_mem_free(void *ptr, size_t len, unsigned flags)
{
	if (ptr)
		munmap(ptr, rounded(len, flags));
}
