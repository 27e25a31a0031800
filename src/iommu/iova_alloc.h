/* SPDX-License-Identifier: MIT */
/*
 * IOVA interval allocator: the free part of an IOVA space as a sorted array of disjoint,
 * non-adjacent intervals. Page granular; page 0 is never free. Allocations are placed
 * lowest-first or highest-first and may ask for a congruence (start % modulus == phase)
 * so that a virtual address and its IOVA share their low bits.
 *
 * Returning a range never allocates memory: the array's capacity is kept at least
 * (free intervals + live allocations), and each return adds at most one interval.
 */
#ifndef NVMU_SRC_IOMMU_IOVA_ALLOC_H
#define NVMU_SRC_IOMMU_IOVA_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "nvmu/iommu.h"

/** A free interval [start, last] (inclusive, page aligned). */
struct iova_interval {
	uint64_t start;
	uint64_t last;
};

/** Where to place an allocation inside the free set. */
enum iova_place {
	IOVA_LOWEST,  /**< first fit from the bottom of the space */
	IOVA_HIGHEST, /**< first fit from the top of the space */
};

struct iova_alloc {
	struct iova_interval *free; /**< sorted by start; disjoint; never adjacent */
	size_t nfree;
	size_t cap;
	size_t nlive;   /**< allocations not yet returned */
	uint64_t page;  /**< granule (power of two) */
};

/**
 * Build the free set from @p n usable ranges (any order, may overlap or touch): each is
 * shrunk to whole pages, page 0 is removed, and the rest is merged.
 * Returns 0; -EINVAL (bad page size, start > last, nothing usable left), -ENOMEM.
 */
int iova_alloc_init(struct iova_alloc *a, const struct nvmu_iova_range *ranges, size_t n,
		    uint64_t page);

/** Free the bookkeeping. */
void iova_alloc_fini(struct iova_alloc *a);

/**
 * Take @p len bytes (a page multiple) whose start satisfies start % @p modulus == @p phase
 * (@p modulus a power of two >= page, @p phase a page multiple below it).
 * Returns 0 and sets *start; -ENOSPC if no free interval can hold it; -ENOMEM; -EINVAL.
 */
int iova_alloc_get(struct iova_alloc *a, uint64_t len, uint64_t modulus, uint64_t phase,
		   enum iova_place place, uint64_t *start);

/**
 * Return [start, start+len) taken by iova_alloc_get(), merging it with free neighbours.
 * Returns 0, or -EINVAL (and changes nothing) if any part of it is already free.
 */
int iova_alloc_put(struct iova_alloc *a, uint64_t start, uint64_t len);

/**
 * Remove [start, last], widened to whole pages, from the free set; parts that are not
 * free are left alone. Returns 0 or -ENOMEM.
 */
int iova_alloc_exclude(struct iova_alloc *a, uint64_t start, uint64_t last);

/** Total free bytes. */
uint64_t iova_alloc_free_bytes(const struct iova_alloc *a);

#endif
