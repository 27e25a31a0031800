/* SPDX-License-Identifier: MIT */
/* The IOMMU context. An IOVA space and a table of mappings sit in front of a backend's ops
 * table, so the backend only maps and unmaps. */
#include <errno.h>
#include <stdlib.h>

#include "iommu/iommu_internal.h"
#include "iommu/iova_alloc.h"
#include "iommu/map_table.h"
#include "support/pow2.h"

#define SUPERPAGE_2M (2ull << 20)
#define SUPERPAGE_1G (1ull << 30)

struct nvmu_iommu {
	const struct nvmu_iommu_ops *ops;
	void *ctx;
	uint64_t page_size;
	uint64_t max_mappings;
	struct iova_alloc iova;
	struct map_table maps;
};

/*
 * Congruence we try to give a mapping of @p len bytes: the largest power of two not above
 * it, capped at the 2 MiB superpage (1 GiB for mappings that large). IOVA and vaddr then
 * share their low bits, so any 2 MiB (1 GiB) block that is physically contiguous can be
 * mapped as an IOMMU superpage, and alignments inside the mapping carry over to the IOVA.
 */
static uint64_t preferred_modulus(uint64_t len)
{
	uint64_t m;

	if (len >= SUPERPAGE_1G)
		return SUPERPAGE_1G;
	m = pow2_floor(len);
	return m > SUPERPAGE_2M ? SUPERPAGE_2M : m;
}

int nvmu_iommu_create(const struct nvmu_iommu_config *cfg, struct nvmu_iommu **out)
{
	struct nvmu_iommu *iommu;
	int rc;

	if (!cfg || !out)
		return nvmu_fail(EINVAL, "nvmu_iommu_create: NULL argument");
	if (!cfg->ops || !cfg->ops->map || !cfg->ops->unmap)
		return nvmu_fail(EINVAL, "nvmu_iommu_create: the backend ops need map and unmap");
	if (!is_pow2(cfg->page_size))
		return nvmu_fail(EINVAL, "IOMMU page size %llu is not a power of two",
				 (unsigned long long)cfg->page_size);
	iommu = calloc(1, sizeof(*iommu));
	if (!iommu)
		return nvmu_fail(ENOMEM, "cannot allocate an IOMMU context");
	iommu->ops = cfg->ops;
	iommu->ctx = cfg->ctx;
	iommu->page_size = cfg->page_size;
	iommu->max_mappings = cfg->max_mappings;
	map_table_init(&iommu->maps);
	rc = iova_alloc_init(&iommu->iova, cfg->ranges, cfg->nranges, cfg->page_size);
	if (rc) {
		free(iommu);
		return rc;
	}
	*out = iommu;
	return 0;
}

void nvmu_iommu_destroy(struct nvmu_iommu *iommu)
{
	if (!iommu)
		return;
	for (size_t i = 0; i < iommu->maps.n; i++) {
		const struct map_entry *e = &iommu->maps.v[i];
		int rc;

		nvmu_clear_error();
		rc = iommu->ops->unmap(iommu->ctx, e->iova, e->len);
		if (rc)
			nvmu_log(NVMU_LOG_WARN,
				 "destroy: cannot unmap IOVA 0x%llx (+%zu bytes): %s",
				 (unsigned long long)e->iova, e->len, nvmu_last_error());
	}
	map_table_fini(&iommu->maps);
	iova_alloc_fini(&iommu->iova);
	free(iommu);
}

int nvmu_iommu_reserve(struct nvmu_iommu *iommu, uint64_t start, uint64_t last)
{
	if (!iommu || start > last)
		return nvmu_fail(EINVAL, "cannot reserve IOVA window 0x%llx-0x%llx",
				 (unsigned long long)start, (unsigned long long)last);
	for (size_t i = 0; i < iommu->maps.n; i++) {
		const struct map_entry *e = &iommu->maps.v[i];

		if (e->iova <= last && start <= e->iova + e->len - 1)
			return nvmu_fail(EBUSY,
					 "cannot reserve IOVA 0x%llx-0x%llx: the mapping of %p at "
					 "IOVA 0x%llx (+%zu bytes) is live there",
					 (unsigned long long)start, (unsigned long long)last,
					 (void *)e->vaddr, (unsigned long long)e->iova, e->len);
	}
	return iova_alloc_exclude(&iommu->iova, start, last);
}

/* Return an IOVA range; a refusal means the bookkeeping is broken, so say so loudly. */
static void give_back_iova(struct nvmu_iommu *iommu, uint64_t iova, size_t len)
{
	if (iova_alloc_put(&iommu->iova, iova, len))
		nvmu_log(NVMU_LOG_ERROR, "IOVA bookkeeping: %s", nvmu_last_error());
}

/* Check the arguments of a map request; returns 0 or -EINVAL with a message. */
static int check_map_args(const struct nvmu_iommu *iommu, void *vaddr, size_t len, unsigned prot,
			  enum nvmu_map_kind kind, const uint64_t *iova)
{
	uintptr_t va = (uintptr_t)vaddr;
	uint64_t mask = iommu->page_size - 1;

	if (!vaddr || !iova)
		return nvmu_fail(EINVAL, "DMA map: NULL address");
	if (len == 0 || (va & mask) || (len & mask))
		return nvmu_fail(EINVAL, "DMA map of %p (+%zu bytes): address and length must be "
				 "non-zero multiples of the IOMMU page size %llu", vaddr, len,
				 (unsigned long long)iommu->page_size);
	if (va + len < va)
		return nvmu_fail(EINVAL, "DMA map of %p (+%zu bytes) wraps around", vaddr, len);
	if (!prot || (prot & ~(unsigned)NVMU_DMA_RW))
		return nvmu_fail(EINVAL, "DMA map: bad protection 0x%x", prot);
	if (kind != NVMU_MAP_FIXED && kind != NVMU_MAP_TEMPORARY)
		return nvmu_fail(EINVAL, "DMA map: bad mapping kind %d", (int)kind);
	return 0;
}

/* Take an IOVA for [va, va+len): the preferred congruence if possible, else the required one. */
static int take_iova(struct nvmu_iommu *iommu, uintptr_t va, size_t len, enum nvmu_map_kind kind,
		     uint64_t required, uint64_t *iova)
{
	enum iova_place place = kind == NVMU_MAP_FIXED ? IOVA_LOWEST : IOVA_HIGHEST;
	uint64_t preferred = preferred_modulus(len);
	int rc;

	if (preferred < required)
		preferred = required;
	rc = iova_alloc_get(&iommu->iova, len, preferred, va & (preferred - 1), place, iova);
	if (rc == -ENOSPC && preferred > required)
		rc = iova_alloc_get(&iommu->iova, len, required, va & (required - 1), place, iova);
	if (rc)
		return nvmu_fail_context(-rc, "DMA map of %p (+%zu bytes; %llu bytes of IOVA free)",
					 (void *)va, len,
					 (unsigned long long)iova_alloc_free_bytes(&iommu->iova));
	return 0;
}

int iommu_map_congruent(struct nvmu_iommu *iommu, void *vaddr, size_t len, unsigned prot,
			enum nvmu_map_kind kind, uint64_t modulus, uint64_t *iova)
{
	const struct map_entry *clash;
	struct map_entry e;
	int rc;

	if (!iommu)
		return nvmu_fail(EINVAL, "DMA map: NULL IOMMU context");
	rc = check_map_args(iommu, vaddr, len, prot, kind, iova);
	if (rc)
		return rc;
	if (!is_pow2(modulus) || modulus < iommu->page_size)
		modulus = iommu->page_size;
	clash = map_table_overlap(&iommu->maps, (uintptr_t)vaddr, len);
	if (clash)
		return nvmu_fail(EEXIST, "DMA map of %p (+%zu bytes) overlaps the mapping of %p "
				 "(+%zu bytes)", vaddr, len, (void *)clash->vaddr, clash->len);
	if (iommu->max_mappings && iommu->maps.n >= iommu->max_mappings)
		return nvmu_fail(ENOSPC,
				 "DMA map of %p: the backend's limit of %llu mappings is reached "
				 "(VFIO type1: dma_entry_limit; map fewer, larger regions, e.g. "
				 "through the DMA pool)", vaddr,
				 (unsigned long long)iommu->max_mappings);
	rc = map_table_reserve_one(&iommu->maps);
	if (rc)
		return rc;
	e = (struct map_entry){ .vaddr = (uintptr_t)vaddr, .len = len, .kind = kind };
	rc = take_iova(iommu, e.vaddr, len, kind, modulus, &e.iova);
	if (rc)
		return rc;
	/* A backend that fails without a message must not inherit an older one. */
	nvmu_clear_error();
	rc = iommu->ops->map(iommu->ctx, vaddr, e.iova, len, prot);
	if (rc) {
		int err = rc < 0 ? -rc : EIO;

		give_back_iova(iommu, e.iova, len);
		return nvmu_fail_context(err, "DMA map of %p (+%zu bytes) at IOVA 0x%llx", vaddr,
					 len, (unsigned long long)e.iova);
	}
	/* This cannot fail: the overlap was checked and the room reserved above. */
	map_table_insert(&iommu->maps, &e);
	*iova = e.iova;
	return 0;
}

int nvmu_iommu_map(struct nvmu_iommu *iommu, void *vaddr, size_t len, unsigned prot,
		   enum nvmu_map_kind kind, uint64_t *iova)
{
	return iommu_map_congruent(iommu, vaddr, len, prot, kind, 0, iova);
}

/* Unmap @p e through the backend and give its IOVA back; returns 0 or the backend's error. */
static int unmap_entry(struct nvmu_iommu *iommu, const struct map_entry *e)
{
	int rc;

	nvmu_clear_error();
	rc = iommu->ops->unmap(iommu->ctx, e->iova, e->len);
	if (rc)
		return nvmu_fail_context(rc < 0 ? -rc : EIO,
					 "DMA unmap of %p (+%zu bytes) at IOVA 0x%llx",
					 (void *)e->vaddr, e->len, (unsigned long long)e->iova);
	give_back_iova(iommu, e->iova, e->len);
	return 0;
}

int nvmu_iommu_unmap(struct nvmu_iommu *iommu, void *vaddr)
{
	const struct map_entry *inside;
	ptrdiff_t i;
	int rc;

	if (!iommu)
		return nvmu_fail(EINVAL, "DMA unmap: NULL IOMMU context");
	i = map_table_index_of(&iommu->maps, (uintptr_t)vaddr);
	if (i < 0) {
		inside = map_table_lookup(&iommu->maps, (uintptr_t)vaddr, 1);
		if (inside)
			return nvmu_fail(ENOENT,
					 "DMA unmap: %p is inside the mapping that starts at %p",
					 vaddr, (void *)inside->vaddr);
		return nvmu_fail(ENOENT, "DMA unmap: no mapping starts at %p", vaddr);
	}
	rc = unmap_entry(iommu, &iommu->maps.v[i]);
	if (rc)
		return rc;
	map_table_remove(&iommu->maps, (size_t)i);
	return 0;
}

struct release_state {
	struct nvmu_iommu *iommu;
	int released;
	int first_error;
};

static bool release_if_temporary(const struct map_entry *e, void *ctx)
{
	struct release_state *st = ctx;
	int rc;

	if (e->kind != NVMU_MAP_TEMPORARY)
		return false;
	rc = unmap_entry(st->iommu, e);
	if (rc) {
		nvmu_log(NVMU_LOG_WARN, "%s", nvmu_last_error());
		if (!st->first_error)
			st->first_error = rc;
		return false;
	}
	st->released++;
	return true;
}

int nvmu_iommu_release_temporary(struct nvmu_iommu *iommu)
{
	struct release_state st = { .iommu = iommu };

	if (!iommu)
		return nvmu_fail(EINVAL, "release of temporary mappings: NULL IOMMU context");
	map_table_drop_if(&iommu->maps, release_if_temporary, &st);
	if (st.first_error)
		return nvmu_fail_context(-st.first_error,
					 "%d temporary mappings released, some failed",
					 st.released);
	return st.released;
}

int nvmu_iommu_translate(const struct nvmu_iommu *iommu, const void *vaddr, size_t len,
			 uint64_t *iova)
{
	uintptr_t va = (uintptr_t)vaddr;
	const struct map_entry *e;

	if (!iommu || !iova)
		return nvmu_fail(EINVAL, "DMA translate: NULL argument");
	if (len == 0)
		len = 1;
	/* A range that wraps cannot lie inside a mapping: lookup rejects it. */
	e = map_table_lookup(&iommu->maps, va, len);
	if (!e)
		return nvmu_fail(EFAULT, "%p (+%zu bytes) is not inside one DMA mapping", vaddr,
				 len);
	*iova = e->iova + (va - e->vaddr);
	return 0;
}

int nvmu_iommu_mapping_of(const struct nvmu_iommu *iommu, const void *vaddr, void **base,
			  size_t *len, uint64_t *iova)
{
	const struct map_entry *e = iommu ? map_table_lookup(&iommu->maps, (uintptr_t)vaddr, 1)
					  : NULL;

	if (!e)
		return nvmu_fail(EFAULT, "%p is not inside a DMA mapping", vaddr);
	*base = (void *)e->vaddr;
	*len = e->len;
	*iova = e->iova;
	return 0;
}

size_t nvmu_iommu_mapping_count(const struct nvmu_iommu *iommu)
{
	return iommu ? iommu->maps.n : 0;
}

uint64_t nvmu_iommu_page_size(const struct nvmu_iommu *iommu)
{
	return iommu ? iommu->page_size : 0;
}
