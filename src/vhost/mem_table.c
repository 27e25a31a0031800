/* SPDX-License-Identifier: MIT */
/*
 * Guest memory: the regions the front-end announced, each mapped from its file descriptor
 * and, when the transport has an IOMMU context, mapped for the device's DMA once, so
 * that descriptor buffers go to the device as they are (zero copy). Every translation -
 * guest physical addresses of descriptors, front-end virtual addresses of rings - is
 * checked to lie wholly inside announced regions: nothing else is ever touched.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vhost_internal.h"

/* a + b without wrapping, or UINT64_MAX. */
static uint64_t end_of(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

int vh_mem_add(struct vh_mem *m, struct nvmu_host_ctrl *h, const struct vh_region_msg *rm,
	       int fd)
{
	size_t page = nvmu_page_size();
	uint64_t off = rm->mmap_offset & ~(uint64_t)(page - 1);
	uint64_t lead = rm->mmap_offset - off;
	struct vh_region *r;
	void *base;

	if (m->n == VH_MAX_REGIONS)
		return nvmu_fail(ENOSPC, "more than %d guest memory regions", VH_MAX_REGIONS);
	if (rm->size == 0 || rm->size > (1ull << 46) || end_of(rm->gpa, rm->size) == UINT64_MAX ||
	    end_of(rm->qva, rm->size) == UINT64_MAX)
		return nvmu_fail(EINVAL, "guest memory region at 0x%llx of 0x%llx bytes is "
				 "malformed", (unsigned long long)rm->gpa,
				 (unsigned long long)rm->size);
	for (unsigned i = 0; i < m->n; i++)
		if (rm->gpa < m->r[i].gpa + m->r[i].size && m->r[i].gpa < rm->gpa + rm->size)
			return nvmu_fail(EINVAL, "guest memory region at 0x%llx overlaps the one "
					 "at 0x%llx", (unsigned long long)rm->gpa,
					 (unsigned long long)m->r[i].gpa);
	size_t len = nvmu_align_up(rm->size + lead, page);

	base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, (off_t)off);
	if (base == MAP_FAILED)
		return nvmu_fail(errno, "mapping guest memory region at 0x%llx (%llu MiB): %s; "
				 "the VM's memory must be shared and file-backed (QEMU: "
				 "memory-backend-memfd with share=on)",
				 (unsigned long long)rm->gpa,
				 (unsigned long long)(rm->size >> 20), strerror(errno));
	r = &m->r[m->n];
	*r = (struct vh_region){ .gpa = rm->gpa, .size = rm->size, .qva = rm->qva,
				 .host = (uint8_t *)base + lead, .map_base = base, .map_len = len };
	/* The device reaches the region directly when it can; a transport without an IOMMU
	 * context (soft:) cannot, and its requests go through bounce buffers. */
	if (nvmu_host_dma_map(h, base, len) == 0 &&
	    nvmu_host_dma_iova(h, base, len, &r->iova) < 0) {
		nvmu_host_dma_unmap(h, base);
		r->iova = 0;
	}
	nvmu_clear_error();
	m->n++;
	return 0;
}

static void unmap_region(struct vh_region *r, struct nvmu_host_ctrl *h)
{
	if (r->iova && nvmu_host_dma_unmap(h, r->map_base) < 0)
		nvmu_log(NVMU_LOG_WARN, "vhost-blk: unmapping guest memory for DMA: %s",
			 nvmu_last_error());
	munmap(r->map_base, r->map_len);
}

int vh_mem_remove(struct vh_mem *m, struct nvmu_host_ctrl *h, const struct vh_region_msg *rm)
{
	for (unsigned i = 0; i < m->n; i++) {
		if (m->r[i].gpa != rm->gpa || m->r[i].size != rm->size)
			continue;
		unmap_region(&m->r[i], h);
		m->r[i] = m->r[--m->n];
		return 0;
	}
	return nvmu_fail(ENOENT, "no guest memory region at 0x%llx of 0x%llx bytes to remove",
			 (unsigned long long)rm->gpa, (unsigned long long)rm->size);
}

void vh_mem_clear(struct vh_mem *m, struct nvmu_host_ctrl *h)
{
	for (unsigned i = 0; i < m->n; i++)
		unmap_region(&m->r[i], h);
	m->n = 0;
}

void *vh_mem_qva(const struct vh_mem *m, uint64_t qva, uint64_t len)
{
	for (unsigned i = 0; i < m->n; i++) {
		const struct vh_region *r = &m->r[i];

		if (qva >= r->qva && qva - r->qva < r->size && len <= r->size - (qva - r->qva))
			return r->host + (qva - r->qva);
	}
	return NULL;
}

static const struct vh_region *region_of(const struct vh_mem *m, uint64_t gpa)
{
	for (unsigned i = 0; i < m->n; i++)
		if (gpa >= m->r[i].gpa && gpa - m->r[i].gpa < m->r[i].size)
			return &m->r[i];
	return NULL;
}

void *vh_mem_gpa(const struct vh_mem *m, uint64_t gpa, uint64_t len)
{
	const struct vh_region *r = region_of(m, gpa);

	if (!r || len > r->size - (gpa - r->gpa))
		return NULL;
	return r->host + (gpa - r->gpa);
}

int vh_mem_pieces(const struct vh_mem *m, uint64_t gpa, uint32_t len, struct vh_piece *out,
		  unsigned *n, unsigned max)
{
	while (len) {
		const struct vh_region *r = region_of(m, gpa);

		if (!r)
			return -EFAULT;
		if (*n == max)
			return -E2BIG;
		uint64_t off = gpa - r->gpa, room = r->size - off;
		uint32_t take = room < len ? (uint32_t)room : len;
		/* r->iova is the device address of the mapping's start, before r->host */
		uint64_t lead = (uint64_t)(r->host - (uint8_t *)r->map_base);

		out[*n] = (struct vh_piece){
			.host = r->host + off,
			.iova = r->iova ? r->iova + lead + off : 0,
			.len = take,
		};
		(*n)++;
		gpa += take;
		len -= take;
	}
	return 0;
}
