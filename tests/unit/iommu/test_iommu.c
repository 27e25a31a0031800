/* SPDX-License-Identifier: MIT */
/* Unit tests for the IOMMU context (nvmu_iommu_*) over a fake backend. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "fake_backend.h"
#include "nvmu/iommu.h"

#define PG 4096ull
#define MB (1ull << 20)

/* The context never touches the memory, so tests use made-up page-aligned addresses. */
#define VA(x) ((void *)(uintptr_t)(x))

static const struct nvmu_iova_range one_gib = { 0, (1ull << 30) - 1 };
/* Starts on a 1 MiB boundary, so placements do not depend on congruence padding. */
static const struct nvmu_iova_range from_1mib = { 1ull << 20, (1ull << 30) - 1 };

/* Destroy, then check that the backend saw exactly matching unmaps for every map. */
static void finish(struct nvmu_iommu *iommu, struct fake_backend *f)
{
	nvmu_iommu_destroy(iommu);
	CHECK_EQ(f->live, 0);
	CHECK_EQ(f->violations, 0);
	CHECK_EQ(f->unmaps_ok, f->maps_ok);
	fake_backend_fini(f);
}

static uint64_t map_ok(struct nvmu_iommu *iommu, uintptr_t va, size_t len, enum nvmu_map_kind kind)
{
	uint64_t iova = 0;

	CHECK_EQ(nvmu_iommu_map(iommu, VA(va), len, NVMU_DMA_RW, kind, &iova), 0);
	return iova;
}

/* Map read-write and return only the status. */
static int map_rc(struct nvmu_iommu *iommu, uintptr_t va, size_t len, enum nvmu_map_kind kind)
{
	uint64_t iova;

	return nvmu_iommu_map(iommu, VA(va), len, NVMU_DMA_RW, kind, &iova);
}

TEST(create_rejects_bad_configuration)
{
	struct fake_backend f;
	struct nvmu_iommu *iommu = NULL;
	const struct nvmu_iova_range page0 = { 0, PG - 1 };
	const struct nvmu_iommu_ops no_unmap = { .map = fake_backend_ops.map };
	struct nvmu_iommu_config cfg = { .ops = &fake_backend_ops, .ctx = &f, .ranges = &one_gib,
					 .nranges = 1, .page_size = PG };

	fake_backend_init(&f, PG);
	CHECK_EQ(nvmu_iommu_create(NULL, &iommu), -EINVAL);
	cfg.page_size = 3000;
	CHECK_EQ(nvmu_iommu_create(&cfg, &iommu), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "power of two");
	cfg.page_size = PG;
	cfg.ops = &no_unmap;
	CHECK_EQ(nvmu_iommu_create(&cfg, &iommu), -EINVAL);
	cfg.ops = &fake_backend_ops;
	cfg.nranges = 0;
	CHECK_EQ(nvmu_iommu_create(&cfg, &iommu), -EINVAL);
	cfg.nranges = 1;
	cfg.ranges = &page0;
	CHECK_EQ(nvmu_iommu_create(&cfg, &iommu), -EINVAL);
	CHECK(iommu == NULL);
	cfg.ranges = &one_gib;
	CHECK_EQ(nvmu_iommu_create(&cfg, &iommu), 0);
	CHECK_EQ(nvmu_iommu_page_size(iommu), PG);
	CHECK_EQ(nvmu_iommu_mapping_count(iommu), 0);
	finish(iommu, &f);
}

TEST(ranges_exclude_page_zero)
{
	struct fake_backend f;
	struct nvmu_iova_range r = { 0, 3 * PG - 1 };
	struct nvmu_iommu *iommu = fake_iommu(&f, &r, 1, 0);

	CHECK_EQ(map_ok(iommu, 0x100000, PG, NVMU_MAP_FIXED), PG);
	CHECK_EQ(map_ok(iommu, 0x200000, PG, NVMU_MAP_FIXED), 2 * PG);
	CHECK_EQ(map_rc(iommu, 0x300000, PG, NVMU_MAP_TEMPORARY), -ENOSPC);
	for (size_t i = 0; i < f.nmaps; i++)
		CHECK(f.maps[i].iova != 0);
	finish(iommu, &f);
}

TEST(fixed_grows_up_and_temporary_grows_down)
{
	const struct nvmu_iova_range r[] = { { 0xfef00000, 0x7fffffffff }, { 0, 0xfedfffff } };
	struct fake_backend f;
	struct nvmu_iommu *iommu = fake_iommu(&f, r, 2, 0);

	CHECK_EQ(map_ok(iommu, 0x10000000, PG, NVMU_MAP_FIXED), PG);
	CHECK_EQ(map_ok(iommu, 0x20000000, 2 * PG, NVMU_MAP_FIXED), 2 * PG);
	CHECK_EQ(map_ok(iommu, 0x30000000, PG, NVMU_MAP_FIXED), 4 * PG);
	CHECK_EQ(map_ok(iommu, 0x40000000, PG, NVMU_MAP_TEMPORARY), 0x8000000000 - PG);
	/* Placed right below, keeping vaddr's offset modulo 8 KiB (its size). */
	CHECK_EQ(map_ok(iommu, 0x50001000, 2 * PG, NVMU_MAP_TEMPORARY), 0x8000000000 - 3 * PG);
	CHECK_EQ(map_ok(iommu, 0x60000000, 2 * PG, NVMU_MAP_TEMPORARY), 0x8000000000 - 6 * PG);
	CHECK_EQ(nvmu_iommu_mapping_count(iommu), 6);
	CHECK_EQ(f.maps[3].iova, 0x8000000000 - PG);
	CHECK_EQ(f.maps[3].prot, NVMU_DMA_RW);
	finish(iommu, &f);
}

TEST(alignment_carries_over_to_the_iova)
{
	struct fake_backend f;
	struct nvmu_iommu *iommu = fake_iommu(&f, &one_gib, 1, 0);
	uint64_t iova;

	map_ok(iommu, 0x1000000, PG, NVMU_MAP_FIXED); /* IOVA 0x1000: shifts what follows */
	/* 2 MiB-aligned (hugepage) memory gets a 2 MiB-aligned IOVA: superpages possible. */
	iova = map_ok(iommu, 0x40000000, 4 * MB, NVMU_MAP_FIXED);
	CHECK_EQ(iova % (2 * MB), 0);
	/* A mapping of 64 KiB keeps vaddr's offset within 64 KiB. */
	iova = map_ok(iommu, 0x50003000, 64 * 1024, NVMU_MAP_FIXED);
	CHECK_EQ(iova % (64 * 1024), 0x3000);
	iova = map_ok(iommu, 0x60000000 + 5 * PG, 3 * MB, NVMU_MAP_TEMPORARY);
	CHECK_EQ(iova % (2 * MB), 5 * PG);
	/* 1 GiB and larger get 1 GiB congruence when the space has room. */
	finish(iommu, &f);

	{
		const struct nvmu_iova_range big = { 0, (1ull << 40) - 1 };

		iommu = fake_iommu(&f, &big, 1, 0);
		iova = map_ok(iommu, 0x4000000000, 1ull << 30, NVMU_MAP_FIXED);
		CHECK_EQ(iova, 1ull << 30);
		finish(iommu, &f);
	}
}

TEST(congruence_falls_back_to_pages_when_space_is_tight)
{
	struct fake_backend f;
	/* 3 MiB of space starting at 1 MiB: no 2 MiB-congruent place for 2 MiB at phase 0. */
	struct nvmu_iova_range r = { 1 * MB, 4 * MB - 1 - PG };
	struct nvmu_iommu *iommu = fake_iommu(&f, &r, 1, 0);

	CHECK_EQ(map_ok(iommu, 0x40000000, 2 * MB, NVMU_MAP_FIXED), 1 * MB);
	CHECK_EQ(nvmu_iommu_mapping_count(iommu), 1);
	finish(iommu, &f);
}

TEST(misaligned_or_invalid_requests_are_einval)
{
	struct fake_backend f;
	struct nvmu_iommu *iommu = fake_iommu(&f, &one_gib, 1, 0);
	uint64_t iova;

	CHECK_EQ(map_rc(iommu, 0x10000800, PG, NVMU_MAP_FIXED), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "multiples of the IOMMU page size 4096");
	CHECK_EQ(map_rc(iommu, 0x10000000, PG + 1, NVMU_MAP_FIXED), -EINVAL);
	CHECK_EQ(map_rc(iommu, 0x10000000, 0, NVMU_MAP_FIXED), -EINVAL);
	CHECK_EQ(nvmu_iommu_map(iommu, NULL, PG, NVMU_DMA_RW, NVMU_MAP_FIXED, &iova), -EINVAL);
	CHECK_EQ(nvmu_iommu_map(iommu, VA(0x10000000), PG, NVMU_DMA_RW, NVMU_MAP_FIXED, NULL), -EINVAL);
	CHECK_EQ(nvmu_iommu_map(iommu, VA(0x10000000), PG, 0, NVMU_MAP_FIXED, &iova), -EINVAL);
	CHECK_EQ(nvmu_iommu_map(iommu, VA(0x10000000), PG, 4, NVMU_MAP_FIXED, &iova), -EINVAL);
	CHECK_EQ(nvmu_iommu_map(iommu, VA(0x10000000), PG, NVMU_DMA_RW, (enum nvmu_map_kind)7, &iova),
		 -EINVAL);
	CHECK_EQ(nvmu_iommu_map(iommu, VA(UINTPTR_MAX - PG + 1), 2 * PG, NVMU_DMA_RW, NVMU_MAP_FIXED,
				&iova), -EINVAL);
	CHECK_EQ(nvmu_iommu_map(NULL, VA(0x10000000), PG, NVMU_DMA_RW, NVMU_MAP_FIXED, &iova), -EINVAL);
	CHECK_EQ(f.map_calls, 0);
	CHECK_EQ(nvmu_iommu_mapping_count(iommu), 0);
	/* Read-only and write-only mappings are passed through. */
	CHECK_EQ(nvmu_iommu_map(iommu, VA(0x10000000), PG, NVMU_DMA_READ, NVMU_MAP_FIXED, &iova), 0);
	CHECK_EQ(f.maps[0].prot, NVMU_DMA_READ);
	CHECK_EQ(nvmu_iommu_map(iommu, VA(0x10001000), PG, NVMU_DMA_WRITE, NVMU_MAP_FIXED, &iova), 0);
	CHECK_EQ(f.maps[1].prot, NVMU_DMA_WRITE);
	finish(iommu, &f);
}

TEST(overlapping_maps_are_eexist)
{
	struct fake_backend f;
	struct nvmu_iommu *iommu = fake_iommu(&f, &one_gib, 1, 0);

	map_ok(iommu, 0x10004000, 4 * PG, NVMU_MAP_FIXED);
	CHECK_EQ(map_rc(iommu, 0x10004000, 4 * PG, NVMU_MAP_FIXED), -EEXIST);
	CHECK_STR_CONTAINS(nvmu_last_error(), "overlaps");
	CHECK_EQ(map_rc(iommu, 0x10002000, 3 * PG, NVMU_MAP_FIXED), -EEXIST);
	CHECK_EQ(map_rc(iommu, 0x10007000, PG, NVMU_MAP_TEMPORARY), -EEXIST);
	CHECK_EQ(map_rc(iommu, 0x10000000, 16 * PG, NVMU_MAP_FIXED), -EEXIST);
	CHECK_EQ(f.map_calls, 1);
	/* Touching neighbours are fine. */
	map_ok(iommu, 0x10003000, PG, NVMU_MAP_FIXED);
	map_ok(iommu, 0x10008000, PG, NVMU_MAP_FIXED);
	CHECK_EQ(nvmu_iommu_mapping_count(iommu), 3);
	finish(iommu, &f);
}

TEST(translate_at_the_boundaries)
{
	struct fake_backend f;
	struct nvmu_iommu *iommu = fake_iommu(&f, &one_gib, 1, 0);
	uint64_t a = map_ok(iommu, 0x10000000, 4 * PG, NVMU_MAP_FIXED);
	uint64_t b = map_ok(iommu, 0x10004000, 2 * PG, NVMU_MAP_TEMPORARY);
	uint64_t iova = 0;

	CHECK_EQ(nvmu_iommu_translate(iommu, VA(0x10000000), 1, &iova), 0);
	CHECK_EQ(iova, a);
	CHECK_EQ(nvmu_iommu_translate(iommu, VA(0x10000000), 4 * PG, &iova), 0);
	CHECK_EQ(iova, a);
	CHECK_EQ(nvmu_iommu_translate(iommu, VA(0x10003fff), 1, &iova), 0);
	CHECK_EQ(iova, a + 0x3fff);
	CHECK_EQ(nvmu_iommu_translate(iommu, VA(0x10001234), 0x100, &iova), 0);
	CHECK_EQ(iova, a + 0x1234);
	CHECK_EQ(nvmu_iommu_translate(iommu, VA(0x10004000), 1, &iova), 0);
	CHECK_EQ(iova, b);
	CHECK_EQ(nvmu_iommu_translate(iommu, VA(0x10005fff), 1, &iova), 0);
	CHECK_EQ(iova, b + 0x1fff);
	CHECK_EQ(nvmu_iommu_translate(iommu, VA(0x10002000), 0, &iova), 0); /* 0 = one byte */
	CHECK_EQ(iova, a + 0x2000);

	iova = 0x5a5a;
	/* Crossing into the adjacent mapping, past the end, or outside: not one mapping. */
	CHECK_EQ(nvmu_iommu_translate(iommu, VA(0x10003fff), 2, &iova), -EFAULT);
	CHECK_STR_CONTAINS(nvmu_last_error(), "not inside one DMA mapping");
	CHECK_EQ(nvmu_iommu_translate(iommu, VA(0x10000000), 4 * PG + 1, &iova), -EFAULT);
	CHECK_EQ(nvmu_iommu_translate(iommu, VA(0x10005fff), 2, &iova), -EFAULT);
	CHECK_EQ(nvmu_iommu_translate(iommu, VA(0x10006000), 1, &iova), -EFAULT);
	CHECK_EQ(nvmu_iommu_translate(iommu, VA(0x0fffffff), 1, &iova), -EFAULT);
	CHECK_EQ(nvmu_iommu_translate(iommu, VA(0x0fffffff), 2, &iova), -EFAULT);
	CHECK_EQ(nvmu_iommu_translate(iommu, VA(UINTPTR_MAX), 2, &iova), -EFAULT);
	CHECK_EQ(iova, 0x5a5a);
	/* After unmap the range is gone. */
	CHECK_EQ(nvmu_iommu_unmap(iommu, VA(0x10004000)), 0);
	CHECK_EQ(nvmu_iommu_translate(iommu, VA(0x10004000), 1, &iova), -EFAULT);
	finish(iommu, &f);
}

/* xorshift64* */
static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static uint64_t rnd(uint64_t n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (rng_state * 2685821657736338717ull) % n;
}

TEST(translate_with_thousands_of_mappings)
{
	enum { N = 5000 };
	static uint64_t iova_of[N];
	static unsigned order[N];
	const struct nvmu_iova_range big = { 0, (1ull << 40) - 1 };
	struct fake_backend f;
	struct nvmu_iommu *iommu = fake_iommu(&f, &big, 1, 0);
	uint64_t iova;
	int wrong = 0;

	/* Slot i is at 0x100000000 + i * 64 KiB, 1..15 pages long, mapped in random order. */
	for (unsigned i = 0; i < N; i++)
		order[i] = i;
	for (unsigned i = N - 1; i > 0; i--) {
		unsigned j = (unsigned)rnd(i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (unsigned k = 0; k < N; k++) {
		unsigned i = order[k];

		iova_of[i] = map_ok(iommu, 0x100000000ull + i * 0x10000ull, (1 + i % 15) * PG,
				    i % 3 ? NVMU_MAP_FIXED : NVMU_MAP_TEMPORARY);
	}
	CHECK_EQ(nvmu_iommu_mapping_count(iommu), N);
	for (int probe = 0; probe < 100000; probe++) {
		unsigned i = (unsigned)rnd(N);
		uint64_t len = (1 + i % 15) * PG, off = rnd(len);
		uintptr_t va = 0x100000000ull + i * 0x10000ull + off;

		if (nvmu_iommu_translate(iommu, VA(va), 1 + rnd(len - off), &iova) || iova != iova_of[i] + off)
			wrong++;
		/* The gap after each mapping is unmapped. */
		if (nvmu_iommu_translate(iommu, VA(0x100000000ull + i * 0x10000ull + len + rnd(0x10000 - len)),
					 1, &iova) != -EFAULT)
			wrong++;
	}
	CHECK_EQ(wrong, 0);
	/* Release the temporaries: a third are gone, the rest still translate. */
	CHECK_EQ(nvmu_iommu_release_temporary(iommu), (N + 2) / 3);
	CHECK_EQ(nvmu_iommu_mapping_count(iommu), N - (N + 2) / 3);
	for (unsigned i = 0; i < N; i++) {
		int rc = nvmu_iommu_translate(iommu, VA(0x100000000ull + i * 0x10000ull), 1, &iova);

		if (i % 3 ? rc != 0 || iova != iova_of[i] : rc != -EFAULT)
			wrong++;
	}
	CHECK_EQ(wrong, 0);
	finish(iommu, &f);
}

TEST(exhaustion_is_enospc)
{
	struct fake_backend f;
	struct nvmu_iova_range r = { 0x10000, 0x10000 + 8 * PG - 1 };
	struct nvmu_iommu *iommu = fake_iommu(&f, &r, 1, 0);

	for (int i = 0; i < 8; i++)
		map_ok(iommu, 0x10000000 + (uintptr_t)i * 0x100000, PG,
		       i % 2 ? NVMU_MAP_FIXED : NVMU_MAP_TEMPORARY);
	CHECK_EQ(map_rc(iommu, 0x20000000, PG, NVMU_MAP_FIXED), -ENOSPC);
	CHECK_STR_CONTAINS(nvmu_last_error(), "0 bytes of IOVA free");
	CHECK_EQ(f.map_calls, 8);
	CHECK_EQ(nvmu_iommu_unmap(iommu, VA(0x10300000)), 0);
	CHECK_EQ(map_ok(iommu, 0x20000000, PG, NVMU_MAP_TEMPORARY), f.maps[3].iova);
	finish(iommu, &f);
}

TEST(fragmentation_and_coalescing)
{
	struct fake_backend f;
	struct nvmu_iova_range r = { 0x100000, 0x100000 + 64 * PG - 1 };
	struct nvmu_iommu *iommu = fake_iommu(&f, &r, 1, 0);

	for (uintptr_t i = 0; i < 64; i++)
		CHECK_EQ(map_ok(iommu, 0x10000000 + i * 0x10000, PG, NVMU_MAP_FIXED), 0x100000 + i * PG);
	for (uintptr_t i = 0; i < 64; i += 2)
		CHECK_EQ(nvmu_iommu_unmap(iommu, VA(0x10000000 + i * 0x10000)), 0);
	/* 32 pages free, no two adjacent. */
	CHECK_EQ(map_rc(iommu, 0x20000000, 2 * PG, NVMU_MAP_FIXED), -ENOSPC);
	CHECK_STR_CONTAINS(nvmu_last_error(), "131072 bytes of IOVA free");
	CHECK_EQ(map_ok(iommu, 0x20000000, PG, NVMU_MAP_TEMPORARY), 0x100000 + 62 * PG);
	CHECK_EQ(nvmu_iommu_unmap(iommu, VA(0x20000000)), 0);
	for (uintptr_t i = 1; i < 64; i += 2)
		CHECK_EQ(nvmu_iommu_unmap(iommu, VA(0x10000000 + i * 0x10000)), 0);
	CHECK_EQ(nvmu_iommu_mapping_count(iommu), 0);
	/* Everything coalesced: the whole space fits one mapping again. */
	CHECK_EQ(map_ok(iommu, 0x20000000, 64 * PG, NVMU_MAP_TEMPORARY), 0x100000);
	finish(iommu, &f);
}

TEST(freed_ranges_are_reused)
{
	struct fake_backend f;
	struct nvmu_iommu *iommu = fake_iommu(&f, &from_1mib, 1, 0);
	uint64_t a, b, c;

	a = map_ok(iommu, 0x10000000, 4 * PG, NVMU_MAP_FIXED);
	b = map_ok(iommu, 0x20000000, 4 * PG, NVMU_MAP_FIXED);
	CHECK_EQ(a, 1 * MB);
	CHECK_EQ(b, 1 * MB + 4 * PG);
	CHECK_EQ(nvmu_iommu_unmap(iommu, VA(0x10000000)), 0);
	c = map_ok(iommu, 0x30000000, 2 * PG, NVMU_MAP_FIXED);
	CHECK_EQ(c, a);
	c = map_ok(iommu, 0x40000000, 2 * PG, NVMU_MAP_FIXED);
	CHECK_EQ(c, a + 2 * PG);
	c = map_ok(iommu, 0x50000000, PG, NVMU_MAP_FIXED);
	CHECK_EQ(c, b + 4 * PG);
	a = map_ok(iommu, 0x60000000, PG, NVMU_MAP_TEMPORARY);
	CHECK_EQ(nvmu_iommu_unmap(iommu, VA(0x60000000)), 0);
	CHECK_EQ(map_ok(iommu, 0x70000000, PG, NVMU_MAP_TEMPORARY), a);
	finish(iommu, &f);
}

TEST(reserved_windows_are_never_allocated)
{
	struct fake_backend f;
	struct nvmu_iova_range r = { 0, 64 * PG - 1 };
	struct nvmu_iommu *iommu = fake_iommu(&f, &r, 1, 0);
	uint64_t iova;
	int mapped = 0;

	CHECK_EQ(nvmu_iommu_reserve(iommu, 10 * PG + 17, 20 * PG - 100), 0); /* pages 10..19 */
	CHECK_EQ(nvmu_iommu_reserve(iommu, 60 * PG, 1ull << 40), 0);         /* pages 60..63 and beyond */
	CHECK_EQ(nvmu_iommu_reserve(iommu, 5, 3), -EINVAL);
	for (uintptr_t i = 0; i < 64; i++) {
		if (nvmu_iommu_map(iommu, VA(0x10000000 + i * 0x10000), PG, NVMU_DMA_RW,
				   i % 2 ? NVMU_MAP_FIXED : NVMU_MAP_TEMPORARY, &iova) == 0)
			mapped++;
	}
	CHECK_EQ(mapped, 63 - 10 - 4);
	for (size_t i = 0; i < f.nmaps; i++) {
		uint64_t page = f.maps[i].iova / PG;

		CHECK(page >= 1 && page < 60 && (page < 10 || page >= 20));
	}
	/* A big mapping cannot straddle the window either. */
	CHECK_EQ(nvmu_iommu_release_temporary(iommu), 25);
	for (uintptr_t i = 1; i < 64; i += 2)
		nvmu_iommu_unmap(iommu, VA(0x10000000 + i * 0x10000));
	CHECK_EQ(nvmu_iommu_mapping_count(iommu), 0);
	CHECK_EQ(map_rc(iommu, 0x20000000, 41 * PG, NVMU_MAP_FIXED), -ENOSPC);
	CHECK_EQ(map_ok(iommu, 0x20000000, 40 * PG, NVMU_MAP_FIXED), 20 * PG);
	CHECK_EQ(map_ok(iommu, 0x30000000, 9 * PG, NVMU_MAP_FIXED), PG);
	finish(iommu, &f);
}

TEST(reserving_over_a_live_mapping_is_ebusy)
{
	struct fake_backend f;
	struct nvmu_iommu *iommu = fake_iommu(&f, &from_1mib, 1, 0);
	uint64_t a = map_ok(iommu, 0x10000000, 4 * PG, NVMU_MAP_FIXED);
	uint64_t b = map_ok(iommu, 0x20000000, 4 * PG, NVMU_MAP_TEMPORARY);

	CHECK_EQ(nvmu_iommu_reserve(iommu, a + 4 * PG - 1, a + 4 * PG + 100), -EBUSY);
	CHECK_STR_CONTAINS(nvmu_last_error(), "is live there");
	CHECK_EQ(nvmu_iommu_reserve(iommu, b - 100, b), -EBUSY);
	CHECK_EQ(nvmu_iommu_reserve(iommu, 0, UINT64_MAX), -EBUSY);
	/* Right next to a mapping is fine, and that space is no longer handed out. */
	CHECK_EQ(nvmu_iommu_reserve(iommu, a + 4 * PG, a + 8 * PG - 1), 0);
	CHECK(map_ok(iommu, 0x30000000, PG, NVMU_MAP_FIXED) >= a + 8 * PG);
	/* After unmapping, the window can be reserved and the old IOVA is not reused. */
	CHECK_EQ(nvmu_iommu_unmap(iommu, VA(0x10000000)), 0);
	CHECK_EQ(nvmu_iommu_reserve(iommu, a, a + 4 * PG - 1), 0);
	CHECK(map_ok(iommu, 0x40000000, PG, NVMU_MAP_FIXED) != a);
	finish(iommu, &f);
}

TEST(temporary_mappings_are_released_in_bulk)
{
	struct fake_backend f;
	struct nvmu_iommu *iommu = fake_iommu(&f, &one_gib, 1, 0);
	uint64_t fixed[3], iova;

	for (uintptr_t i = 0; i < 10; i++) {
		if (i % 4 == 0)
			fixed[i / 4] = map_ok(iommu, 0x10000000 + i * 0x100000, PG, NVMU_MAP_FIXED);
		else
			map_ok(iommu, 0x10000000 + i * 0x100000, 2 * PG, NVMU_MAP_TEMPORARY);
	}
	CHECK_EQ(nvmu_iommu_release_temporary(iommu), 7);
	CHECK_EQ(nvmu_iommu_mapping_count(iommu), 3);
	CHECK_EQ(f.live, 3);
	CHECK_EQ(f.unmap_calls, 7);
	for (int i = 0; i < 3; i++) {
		CHECK(fake_backend_live_at(&f, fixed[i]) != NULL);
		CHECK_EQ(nvmu_iommu_translate(iommu, VA(0x10000000 + (uintptr_t)i * 0x400000), PG, &iova), 0);
		CHECK_EQ(iova, fixed[i]);
	}
	CHECK_EQ(nvmu_iommu_release_temporary(iommu), 0);
	/* The top of the space is free again. */
	CHECK_EQ(map_ok(iommu, 0x30000000, PG, NVMU_MAP_TEMPORARY), (1ull << 30) - PG);
	finish(iommu, &f);
}

TEST(a_failed_unmap_keeps_the_mapping)
{
	struct fake_backend f;
	struct nvmu_iommu *iommu = fake_iommu(&f, &one_gib, 1, 0);
	uint64_t a, b, iova;

	a = map_ok(iommu, 0x10000000, PG, NVMU_MAP_TEMPORARY);
	b = map_ok(iommu, 0x20000000, PG, NVMU_MAP_TEMPORARY);
	f.fail_unmap_call = 1;
	CHECK_EQ(nvmu_iommu_unmap(iommu, VA(0x10000000)), -EIO);
	CHECK_STR_CONTAINS(nvmu_last_error(), "fake backend refuses unmap call 1");
	CHECK_STR_CONTAINS(nvmu_last_error(), "DMA unmap of");
	CHECK_EQ(nvmu_iommu_translate(iommu, VA(0x10000000), PG, &iova), 0);
	CHECK_EQ(iova, a);
	/* Bulk release: one fails, the other goes; the error is reported. */
	f.fail_unmap_call = 2;
	CHECK_EQ(nvmu_iommu_release_temporary(iommu), -EIO);
	CHECK_STR_CONTAINS(nvmu_last_error(), "1 temporary mappings released");
	CHECK_EQ(nvmu_iommu_mapping_count(iommu), 1);
	CHECK_EQ(nvmu_iommu_translate(iommu, VA(0x20000000), PG, &iova), -EFAULT);
	/* The released IOVA is free again; the kept one is not. */
	CHECK_EQ(map_ok(iommu, 0x30000000, PG, NVMU_MAP_TEMPORARY), b);
	CHECK_EQ(map_ok(iommu, 0x40000000, PG, NVMU_MAP_TEMPORARY), b - PG);
	f.fail_unmap_call = 0;
	finish(iommu, &f);
}

TEST(unmap_of_an_unknown_address_is_enoent)
{
	struct fake_backend f;
	struct nvmu_iommu *iommu = fake_iommu(&f, &one_gib, 1, 0);

	map_ok(iommu, 0x10000000, 4 * PG, NVMU_MAP_FIXED);
	CHECK_EQ(nvmu_iommu_unmap(iommu, VA(0x10001000)), -ENOENT);
	CHECK_STR_CONTAINS(nvmu_last_error(), "inside the mapping that starts at");
	CHECK_EQ(nvmu_iommu_unmap(iommu, VA(0x20000000)), -ENOENT);
	CHECK_STR_CONTAINS(nvmu_last_error(), "no mapping starts at");
	CHECK_EQ(f.unmap_calls, 0);
	CHECK_EQ(nvmu_iommu_unmap(iommu, VA(0x10000000)), 0);
	CHECK_EQ(nvmu_iommu_unmap(iommu, VA(0x10000000)), -ENOENT);
	finish(iommu, &f);
}

TEST(mapping_limit_is_enospc_and_says_so)
{
	struct fake_backend f;
	struct nvmu_iommu *iommu = fake_iommu(&f, &one_gib, 1, 4);

	for (uintptr_t i = 0; i < 4; i++)
		map_ok(iommu, 0x10000000 + i * 0x10000, PG, NVMU_MAP_FIXED);
	CHECK_EQ(map_rc(iommu, 0x20000000, PG, NVMU_MAP_TEMPORARY), -ENOSPC);
	CHECK_STR_CONTAINS(nvmu_last_error(), "limit of 4 mappings");
	CHECK_STR_CONTAINS(nvmu_last_error(), "dma_entry_limit");
	CHECK_EQ(f.map_calls, 4);
	CHECK_EQ(nvmu_iommu_unmap(iommu, VA(0x10000000)), 0);
	map_ok(iommu, 0x20000000, PG, NVMU_MAP_TEMPORARY);
	CHECK_EQ(nvmu_iommu_mapping_count(iommu), 4);
	finish(iommu, &f);
}

TEST(backend_failure_rolls_back_the_iova)
{
	struct fake_backend f;
	struct nvmu_iommu *iommu = fake_iommu(&f, &one_gib, 1, 0);
	uint64_t first, iova = 0x77;

	first = map_ok(iommu, 0x10000000, PG, NVMU_MAP_FIXED);
	f.fail_map_call = 2;
	f.fail_map_err = -ENOMEM;
	CHECK_EQ(nvmu_iommu_map(iommu, VA(0x20000000), 8 * PG, NVMU_DMA_RW, NVMU_MAP_FIXED,
				&iova), -ENOMEM);
	CHECK_EQ(iova, 0x77);
	CHECK_STR_CONTAINS(nvmu_last_error(), "fake backend refuses map call 2");
	CHECK_STR_CONTAINS(nvmu_last_error(), "DMA map of");
	CHECK_EQ(nvmu_iommu_mapping_count(iommu), 1);
	CHECK_EQ(nvmu_iommu_translate(iommu, VA(0x20000000), 1, &iova), -EFAULT);
	/* No leaked IOVA: the same request now gets the IOVA the failed call was offered. */
	CHECK_EQ(f.failed_iova, first + 7 * PG); /* 32 KiB-congruent, right above the first */
	CHECK_EQ(map_ok(iommu, 0x20000000, 8 * PG, NVMU_MAP_FIXED), f.failed_iova);
	CHECK_EQ(map_ok(iommu, 0x30000000, PG, NVMU_MAP_FIXED), first + PG);
	finish(iommu, &f);
}

TEST(backend_failure_without_a_message_gets_one)
{
	struct fake_backend f;
	struct nvmu_iommu *iommu = fake_iommu(&f, &one_gib, 1, 0);

	nvmu_fail(EPERM, "an old unrelated failure");
	f.fail_map_call = 1;
	f.fail_map_err = -EFAULT;
	f.fail_silently = true;
	CHECK_EQ(map_rc(iommu, 0x10000000, PG, NVMU_MAP_TEMPORARY), -EFAULT);
	CHECK(strstr(nvmu_last_error(), "old unrelated") == NULL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "Bad address");
	CHECK_EQ(map_ok(iommu, 0x10000000, PG, NVMU_MAP_TEMPORARY), (1ull << 30) - PG);
	finish(iommu, &f);
}

TEST(destroy_unmaps_everything)
{
	struct fake_backend f;
	struct nvmu_iommu *iommu = fake_iommu(&f, &one_gib, 1, 0);

	for (uintptr_t i = 0; i < 100; i++)
		map_ok(iommu, 0x10000000 + i * 0x100000, (1 + i % 5) * PG,
		       i % 2 ? NVMU_MAP_FIXED : NVMU_MAP_TEMPORARY);
	for (uintptr_t i = 0; i < 100; i += 7)
		CHECK_EQ(nvmu_iommu_unmap(iommu, VA(0x10000000 + i * 0x100000)), 0);
	CHECK_EQ(f.live, 100 - 15);
	/* finish() checks every map got exactly one matching unmap. */
	finish(iommu, &f);
	nvmu_iommu_destroy(NULL);
}

RUN_TESTS(T(create_rejects_bad_configuration), T(ranges_exclude_page_zero),
	  T(fixed_grows_up_and_temporary_grows_down), T(alignment_carries_over_to_the_iova),
	  T(congruence_falls_back_to_pages_when_space_is_tight),
	  T(misaligned_or_invalid_requests_are_einval), T(overlapping_maps_are_eexist),
	  T(translate_at_the_boundaries), T(translate_with_thousands_of_mappings),
	  T(exhaustion_is_enospc), T(fragmentation_and_coalescing), T(freed_ranges_are_reused),
	  T(reserved_windows_are_never_allocated), T(reserving_over_a_live_mapping_is_ebusy),
	  T(temporary_mappings_are_released_in_bulk), T(a_failed_unmap_keeps_the_mapping),
	  T(unmap_of_an_unknown_address_is_enoent), T(mapping_limit_is_enospc_and_says_so),
	  T(backend_failure_rolls_back_the_iova), T(backend_failure_without_a_message_gets_one),
	  T(destroy_unmaps_everything))
