/* SPDX-License-Identifier: MIT */
/*
 * A fake IOMMU backend for unit tests: records every map and unmap, can fail a chosen
 * call, and counts protocol violations (IOVA 0, misaligned or overlapping maps, unmaps that
 * do not match one live map exactly).
 */
#ifndef NVMU_TEST_FAKE_BACKEND_H
#define NVMU_TEST_FAKE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nvmu/iommu.h"

struct fake_map {
	uintptr_t vaddr;
	uint64_t iova;
	size_t len;
	unsigned prot;
	bool live;
};

struct fake_backend {
	struct fake_map *maps; /* every map ever made, in call order */
	size_t nmaps;
	size_t cap;
	size_t live;
	size_t map_calls;   /* every call */
	size_t unmap_calls;
	size_t maps_ok;     /* calls that succeeded */
	size_t unmaps_ok;
	uint64_t failed_iova; /* IOVA of the last map call made to fail */
	uint64_t page;
	size_t fail_map_call;   /* fail this map call (1-based; 0 = never) */
	int fail_map_err;       /* with this negative errno */
	bool fail_silently;     /* fail without leaving a message */
	size_t fail_unmap_call; /* fail this unmap call (1-based; 0 = never) with -EIO */
	int violations;
};

extern const struct nvmu_iommu_ops fake_backend_ops;

/** A fresh fake for IOMMU pages of @p page bytes. */
void fake_backend_init(struct fake_backend *f, uint64_t page);

/** Free the record. */
void fake_backend_fini(struct fake_backend *f);

/** The live map at exactly @p iova, or NULL. */
const struct fake_map *fake_backend_live_at(const struct fake_backend *f, uint64_t iova);

/** Create an IOMMU context over @p ranges on a fresh @p f (4 KiB pages); NULL on failure. */
struct nvmu_iommu *fake_iommu(struct fake_backend *f, const struct nvmu_iova_range *ranges,
			      size_t nranges, uint64_t max_mappings);

/** fake_iommu() with IOMMU pages of @p page bytes. */
struct nvmu_iommu *fake_iommu_paged(struct fake_backend *f, const struct nvmu_iova_range *ranges,
				    size_t nranges, uint64_t max_mappings, uint64_t page);

#endif
