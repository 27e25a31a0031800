/* SPDX-License-Identifier: MIT */
/* A fake IOMMU backend for unit tests. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_backend.h"

static void violation(struct fake_backend *f, const char *what, uint64_t iova, size_t len)
{
	fprintf(stderr, "fake backend: %s (IOVA 0x%llx, %zu bytes)\n", what, (unsigned long long)iova,
		len);
	f->violations++;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static int fake_map(void *ctx, void *vaddr, uint64_t iova, size_t len, unsigned prot)
{
	struct fake_backend *f = ctx;
	uintptr_t va = (uintptr_t)vaddr;

	f->map_calls++;
	if (f->fail_map_call && f->map_calls == f->fail_map_call) {
		f->failed_iova = iova;
		if (f->fail_silently)
			return f->fail_map_err;
		return nvmu_fail(-f->fail_map_err, "fake backend refuses map call %zu", f->map_calls);
	}
	if (iova == 0 || len == 0 || iova % f->page || len % f->page || va % f->page || iova + len < iova)
		violation(f, "bad map request", iova, len);
	if (!prot || (prot & ~(unsigned)NVMU_DMA_RW))
		violation(f, "bad protection", iova, len);
	for (size_t i = 0; i < f->nmaps; i++) {
		const struct fake_map *m = &f->maps[i];

		if (m->live && overlaps(m->iova, m->len, iova, len))
			violation(f, "map overlaps a live IOVA range", iova, len);
		if (m->live && overlaps(m->vaddr, m->len, va, len))
			violation(f, "map overlaps a live vaddr range", iova, len);
	}
	if (f->nmaps == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		f->maps = realloc(f->maps, f->cap * sizeof(*f->maps));
		if (!f->maps) {
			fprintf(stderr, "fake backend: out of memory\n");
			exit(2);
		}
	}
	f->maps[f->nmaps++] = (struct fake_map){ va, iova, len, prot, true };
	f->live++;
	f->maps_ok++;
	return 0;
}

static int fake_unmap(void *ctx, uint64_t iova, size_t len)
{
	struct fake_backend *f = ctx;

	f->unmap_calls++;
	if (f->fail_unmap_call && f->unmap_calls == f->fail_unmap_call)
		return nvmu_fail(EIO, "fake backend refuses unmap call %zu", f->unmap_calls);
	for (size_t i = 0; i < f->nmaps; i++) {
		struct fake_map *m = &f->maps[i];

		if (m->live && m->iova == iova) {
			if (m->len != len)
				violation(f, "unmap length differs from the map", iova, len);
			m->live = false;
			f->live--;
			f->unmaps_ok++;
			return 0;
		}
	}
	violation(f, "unmap of an IOVA that is not mapped", iova, len);
	return nvmu_fail(ENOENT, "fake backend: nothing mapped at 0x%llx", (unsigned long long)iova);
}

const struct nvmu_iommu_ops fake_backend_ops = { .map = fake_map, .unmap = fake_unmap };

void fake_backend_init(struct fake_backend *f, uint64_t page)
{
	memset(f, 0, sizeof(*f));
	f->page = page;
}

void fake_backend_fini(struct fake_backend *f)
{
	free(f->maps);
	memset(f, 0, sizeof(*f));
}

const struct fake_map *fake_backend_live_at(const struct fake_backend *f, uint64_t iova)
{
	for (size_t i = 0; i < f->nmaps; i++)
		if (f->maps[i].live && f->maps[i].iova == iova)
			return &f->maps[i];
	return NULL;
}

struct nvmu_iommu *fake_iommu(struct fake_backend *f, const struct nvmu_iova_range *ranges,
			      size_t nranges, uint64_t max_mappings)
{
	return fake_iommu_paged(f, ranges, nranges, max_mappings, 4096);
}

struct nvmu_iommu *fake_iommu_paged(struct fake_backend *f, const struct nvmu_iova_range *ranges,
				    size_t nranges, uint64_t max_mappings, uint64_t page)
{
	struct nvmu_iommu_config cfg = {
		.ops = &fake_backend_ops,
		.ctx = f,
		.ranges = ranges,
		.nranges = nranges,
		.page_size = page,
		.max_mappings = max_mappings,
	};
	struct nvmu_iommu *iommu = NULL;

	fake_backend_init(f, page);
	if (nvmu_iommu_create(&cfg, &iommu)) {
		fprintf(stderr, "fake_iommu: %s\n", nvmu_last_error());
		return NULL;
	}
	return iommu;
}
