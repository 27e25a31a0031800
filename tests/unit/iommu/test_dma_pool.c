/* SPDX-License-Identifier: MIT */
/* Unit tests for the DMA buffer pool (nvmu_dma_*) over a fake IOMMU backend and real memory. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "fake_backend.h"
#include "nvmu/iommu.h"

#define KB 1024ull
#define MB (1024ull * KB)
#define PG 4096ull

static const struct nvmu_iova_range space = { 0, (1ull << 40) - 1 };

/* Log capture: counts warnings, remembers the last one. */
static int warnings;
static char last_warning[512];

static void capture(void *ctx, enum nvmu_log_level level, const char *msg)
{
	(void)ctx;
	if (level == NVMU_LOG_WARN) {
		warnings++;
		snprintf(last_warning, sizeof(last_warning), "%s", msg);
	}
}

struct rig {
	struct fake_backend f;
	struct nvmu_iommu *iommu;
	struct nvmu_dma_pool *pool;
};

static void rig_up(struct rig *r, const struct nvmu_dma_pool_config *cfg, uint64_t max_mappings)
{
	r->iommu = fake_iommu(&r->f, &space, 1, max_mappings);
	CHECK(r->iommu != NULL);
	r->pool = NULL;
	CHECK_EQ(nvmu_dma_pool_create(r->iommu, cfg, &r->pool), 0);
	warnings = 0;
	last_warning[0] = '\0';
	nvmu_log_set_sink(capture, NULL);
}

/* Destroy the pool, check it unmapped all it mapped, then the rest. */
static void rig_down(struct rig *r)
{
	nvmu_dma_pool_destroy(r->pool);
	CHECK_EQ(r->f.live, 0);
	CHECK_EQ(nvmu_iommu_mapping_count(r->iommu), 0);
	nvmu_iommu_destroy(r->iommu);
	CHECK_EQ(r->f.violations, 0);
	CHECK_EQ(r->f.unmaps_ok, r->f.maps_ok);
	fake_backend_fini(&r->f);
	nvmu_log_set_sink(NULL, NULL);
}

static struct nvmu_dma_pool_stats stats_of(const struct nvmu_dma_pool *pool)
{
	struct nvmu_dma_pool_stats st;

	nvmu_dma_pool_stats(pool, &st);
	return st;
}

/* A buffer must be inside one mapping, and its iova must be what the IOMMU says. */
static bool translates(const struct nvmu_iommu *iommu, const struct nvmu_dma_buf *b)
{
	uint64_t iova = 0;

	return nvmu_iommu_translate(iommu, b->vaddr, b->len, &iova) == 0 && iova == b->iova;
}

static bool all_zero(const struct nvmu_dma_buf *b)
{
	const unsigned char *p = b->vaddr;

	for (size_t i = 0; i < b->len; i++)
		if (p[i])
			return false;
	return true;
}

TEST(small_allocations_share_one_chunk)
{
	struct rig r;
	struct nvmu_dma_buf b[200];
	size_t used = 0;

	rig_up(&r, NULL, 0);
	CHECK_EQ(stats_of(r.pool).chunks, 0); /* nothing mapped before the first allocation */
	CHECK_EQ(r.f.map_calls, 0);
	for (int i = 0; i < 200; i++) {
		CHECK_EQ(nvmu_dma_alloc(r.pool, 1 + (size_t)i * 37, 0, &b[i]), 0);
		CHECK_EQ(b[i].len, 1 + (size_t)i * 37);
		CHECK(translates(r.iommu, &b[i]));
		used += nvmu_align_up(b[i].len, PG);
	}
	CHECK_EQ(r.f.map_calls, 1);
	CHECK_EQ(r.f.maps[0].len, 4 * MB);
	CHECK_EQ(r.f.maps[0].prot, NVMU_DMA_RW);
	CHECK_EQ(stats_of(r.pool).chunks, 1);
	CHECK_EQ(stats_of(r.pool).mapped_bytes, 4 * MB);
	CHECK_EQ(stats_of(r.pool).used_bytes, used);
	CHECK_EQ(used, 200 * PG + 89 * PG); /* requests 111..199 are over a page */
	for (int i = 0; i < 200; i++)
		nvmu_dma_free(r.pool, &b[i]);
	CHECK_EQ(stats_of(r.pool).used_bytes, 0);
	CHECK_EQ(stats_of(r.pool).chunks, 1); /* one idle chunk is kept */
	CHECK_EQ(warnings, 0);
	rig_down(&r);
}

TEST(alignment_holds_in_vaddr_and_iova)
{
	static const size_t aligns[] = { 0, PG, 8 * KB, 64 * KB, 1 * MB, 2 * MB, 4 * MB };
	struct rig r;
	struct nvmu_dma_buf pad, b;

	rig_up(&r, NULL, 0);
	CHECK_EQ(nvmu_dma_alloc(r.pool, PG, 0, &pad), 0); /* so offset 0 is taken */
	for (size_t i = 0; i < sizeof(aligns) / sizeof(aligns[0]); i++) {
		size_t a = aligns[i] ? aligns[i] : PG;

		for (size_t len = PG - 1; len <= 3 * PG; len += PG) {
			CHECK_EQ(nvmu_dma_alloc(r.pool, len, aligns[i], &b), 0);
			CHECK_EQ((uintptr_t)b.vaddr % a, 0);
			CHECK_EQ(b.iova % a, 0);
			CHECK(translates(r.iommu, &b));
			CHECK(all_zero(&b));
			nvmu_dma_free(r.pool, &b);
		}
	}
	nvmu_dma_free(r.pool, &pad);
	CHECK_EQ(warnings, 0);
	rig_down(&r);
}

TEST(bad_requests_are_einval)
{
	struct nvmu_dma_pool_config huge_chunks = { .chunk_size = SIZE_MAX };
	struct nvmu_dma_pool *other = NULL;
	struct rig r;
	struct nvmu_dma_buf b = { 0 };

	rig_up(&r, NULL, 0);
	CHECK_EQ(nvmu_dma_alloc(r.pool, 0, 0, &b), -EINVAL);
	CHECK_EQ(nvmu_dma_alloc(r.pool, PG, 3 * PG, &b), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "power of two");
	CHECK_EQ(nvmu_dma_alloc(r.pool, PG, 8 * MB, &b), -EINVAL);
	CHECK_EQ(nvmu_dma_alloc(r.pool, SIZE_MAX, 0, &b), -EINVAL);
	CHECK_EQ(nvmu_dma_alloc(NULL, PG, 0, &b), -EINVAL);
	CHECK_EQ(nvmu_dma_alloc(r.pool, PG, 0, NULL), -EINVAL);
	CHECK_EQ(nvmu_dma_pool_create(NULL, NULL, &other), -EINVAL);
	CHECK_EQ(nvmu_dma_pool_create(r.iommu, &huge_chunks, &other), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "too large");
	CHECK(b.vaddr == NULL && other == NULL);
	CHECK_EQ(r.f.map_calls, 0);
	/* Small alignments are fine: everything is page aligned anyway. */
	CHECK_EQ(nvmu_dma_alloc(r.pool, 10, 16, &b), 0);
	CHECK_EQ((uintptr_t)b.vaddr % PG, 0);
	nvmu_dma_free(r.pool, &b);
	rig_down(&r);
}

TEST(freed_buffers_are_reused_and_zeroed)
{
	struct rig r;
	struct nvmu_dma_buf a, b, c, d;
	void *old_vaddr;
	uint64_t old_iova;

	rig_up(&r, NULL, 0);
	CHECK_EQ(nvmu_dma_alloc(r.pool, 3 * PG, 0, &a), 0);
	CHECK_EQ(nvmu_dma_alloc(r.pool, 3 * PG, 0, &b), 0);
	CHECK_EQ(nvmu_dma_alloc(r.pool, 3 * PG, 0, &c), 0);
	CHECK((char *)b.vaddr == (char *)a.vaddr + 3 * PG);
	memset(b.vaddr, 0xab, b.len);
	old_vaddr = b.vaddr;
	old_iova = b.iova;
	nvmu_dma_free(r.pool, &b);
	CHECK(b.vaddr == NULL && b.iova == 0 && b.len == 0); /* the descriptor is cleared */
	CHECK_EQ(nvmu_dma_alloc(r.pool, 2 * PG, 0, &d), 0);
	CHECK(d.vaddr == old_vaddr);
	CHECK_EQ(d.iova, old_iova);
	CHECK(all_zero(&d));
	/* The page left over from the hole is used next. */
	CHECK_EQ(nvmu_dma_alloc(r.pool, PG, 0, &b), 0);
	CHECK((char *)b.vaddr == (char *)old_vaddr + 2 * PG);
	CHECK(all_zero(&b));
	CHECK_EQ(r.f.map_calls, 1);
	nvmu_dma_free(r.pool, &a);
	nvmu_dma_free(r.pool, &b);
	nvmu_dma_free(r.pool, &c);
	nvmu_dma_free(r.pool, &d);
	CHECK_EQ(stats_of(r.pool).used_bytes, 0);
	CHECK_EQ(warnings, 0);
	rig_down(&r);
}

TEST(large_request_gets_a_dedicated_chunk)
{
	struct rig r;
	struct nvmu_dma_buf small, big, small2;
	unsigned char *p;

	rig_up(&r, NULL, 0);
	CHECK_EQ(nvmu_dma_alloc(r.pool, PG, 0, &small), 0);
	CHECK_EQ(nvmu_dma_alloc(r.pool, 5 * MB + 1, 0, &big), 0);
	CHECK_EQ(big.len, 5 * MB + 1);
	CHECK_EQ(r.f.map_calls, 2);
	CHECK_EQ(r.f.maps[1].len, 5 * MB + PG);
	CHECK(r.f.maps[1].vaddr == (uintptr_t)big.vaddr);
	CHECK(translates(r.iommu, &big));
	CHECK_EQ(big.iova % (2 * MB), (uintptr_t)big.vaddr % (2 * MB)); /* superpage friendly */
	CHECK_EQ(stats_of(r.pool).chunks, 2);
	CHECK_EQ(stats_of(r.pool).mapped_bytes, 4 * MB + 5 * MB + PG);
	CHECK_EQ(stats_of(r.pool).used_bytes, PG + 5 * MB + PG);
	p = big.vaddr;
	CHECK(p[0] == 0 && p[big.len - 1] == 0);
	p[0] = p[big.len - 1] = 1;
	/* Small requests do not go into the dedicated chunk. */
	CHECK_EQ(nvmu_dma_alloc(r.pool, PG, 0, &small2), 0);
	CHECK((char *)small2.vaddr == (char *)small.vaddr + PG);
	/* Freeing it unmaps and releases it at once. */
	nvmu_dma_free(r.pool, &big);
	CHECK_EQ(r.f.unmaps_ok, 1);
	CHECK(fake_backend_live_at(&r.f, r.f.maps[1].iova) == NULL);
	CHECK_EQ(stats_of(r.pool).chunks, 1);
	CHECK_EQ(stats_of(r.pool).mapped_bytes, 4 * MB);
	CHECK_EQ(stats_of(r.pool).used_bytes, 2 * PG);
	/* Alignment as large as the chunk: only a dedicated chunk can give it. */
	CHECK_EQ(nvmu_dma_alloc(r.pool, PG, 4 * MB, &big), 0);
	CHECK_EQ((uintptr_t)big.vaddr % (4 * MB), 0);
	CHECK_EQ(big.iova % (4 * MB), 0);
	CHECK_EQ(big.len, PG);
	CHECK(translates(r.iommu, &big));
	nvmu_dma_free(r.pool, &big);
	nvmu_dma_free(r.pool, &small);
	nvmu_dma_free(r.pool, &small2);
	CHECK_EQ(warnings, 0);
	rig_down(&r);
}

TEST(only_one_idle_chunk_is_kept)
{
	struct nvmu_dma_pool_config cfg = { .chunk_size = 64 * KB };
	struct rig r;
	struct nvmu_dma_buf b[48], extra;

	rig_up(&r, &cfg, 0);
	for (int i = 0; i < 48; i++)
		CHECK_EQ(nvmu_dma_alloc(r.pool, PG, 0, &b[i]), 0);
	CHECK_EQ(stats_of(r.pool).chunks, 3);
	CHECK_EQ(stats_of(r.pool).mapped_bytes, 3 * 64 * KB);
	CHECK_EQ(r.f.map_calls, 3);
	for (int i = 0; i < 48; i++)
		nvmu_dma_free(r.pool, &b[i]);
	CHECK_EQ(stats_of(r.pool).chunks, 1);
	CHECK_EQ(stats_of(r.pool).mapped_bytes, 64 * KB);
	CHECK_EQ(r.f.unmaps_ok, 2);
	CHECK_EQ(r.f.live, 1);
	/* The kept chunk serves the next request without a new mapping. */
	CHECK_EQ(nvmu_dma_alloc(r.pool, 16 * PG, 0, &extra), 0);
	CHECK_EQ(r.f.map_calls, 3);
	/* Alternating across a boundary does not map and unmap every time. */
	for (int i = 0; i < 10; i++) {
		CHECK_EQ(nvmu_dma_alloc(r.pool, PG, 0, &b[0]), 0);
		nvmu_dma_free(r.pool, &b[0]);
	}
	CHECK_EQ(r.f.map_calls, 4);
	CHECK_EQ(stats_of(r.pool).chunks, 2);
	nvmu_dma_free(r.pool, &extra);
	CHECK_EQ(stats_of(r.pool).chunks, 1);
	rig_down(&r);
}

TEST(max_bytes_is_enforced_with_enomem)
{
	struct nvmu_dma_pool_config cfg = { .max_bytes = 8 * MB };
	struct rig r;
	struct nvmu_dma_buf a, b, c, s1, s2;
	struct nvmu_dma_pool_stats before;

	rig_up(&r, &cfg, 0);
	CHECK_EQ(nvmu_dma_alloc(r.pool, 3 * MB, 0, &a), 0);
	CHECK_EQ(nvmu_dma_alloc(r.pool, 3 * MB, 0, &b), 0);
	CHECK_EQ(stats_of(r.pool).mapped_bytes, 8 * MB);
	before = stats_of(r.pool);
	c.vaddr = NULL;
	CHECK_EQ(nvmu_dma_alloc(r.pool, 3 * MB, 0, &c), -ENOMEM);
	CHECK_STR_CONTAINS(nvmu_last_error(), "DMA pool limit of 8388608 bytes reached");
	CHECK(c.vaddr == NULL);
	CHECK_EQ(r.f.map_calls, 2);
	CHECK_EQ(stats_of(r.pool).chunks, before.chunks);
	CHECK_EQ(stats_of(r.pool).mapped_bytes, before.mapped_bytes);
	CHECK_EQ(stats_of(r.pool).used_bytes, before.used_bytes);
	/* What is left inside the chunks is still usable. */
	CHECK_EQ(nvmu_dma_alloc(r.pool, 1 * MB, 0, &s1), 0);
	CHECK_EQ(nvmu_dma_alloc(r.pool, 1 * MB, 0, &s2), 0);
	CHECK_EQ(nvmu_dma_alloc(r.pool, PG, 0, &c), -ENOMEM);
	nvmu_dma_free(r.pool, &a);
	CHECK_EQ(nvmu_dma_alloc(r.pool, 3 * MB, 0, &c), 0);
	nvmu_dma_free(r.pool, &b);
	nvmu_dma_free(r.pool, &c);
	nvmu_dma_free(r.pool, &s1);
	nvmu_dma_free(r.pool, &s2);
	rig_down(&r);

	/* A budget below one chunk shrinks the chunk rather than refusing everything. */
	cfg.max_bytes = 1 * MB + 100;
	rig_up(&r, &cfg, 0);
	CHECK_EQ(nvmu_dma_alloc(r.pool, 64 * KB, 0, &a), 0);
	CHECK_EQ(stats_of(r.pool).mapped_bytes, 1 * MB);
	CHECK_EQ(nvmu_dma_alloc(r.pool, 1 * MB, 0, &b), -ENOMEM);
	CHECK_EQ(nvmu_dma_alloc(r.pool, 1 * MB - 64 * KB, 0, &b), 0);
	nvmu_dma_free(r.pool, &a);
	nvmu_dma_free(r.pool, &b);
	rig_down(&r);
}

TEST(bad_frees_are_reported_and_change_nothing)
{
	struct rig r;
	struct nvmu_dma_buf a, b, copy, bad, zero = { 0 };
	char stack_page[64];
	struct nvmu_dma_pool_stats st;

	rig_up(&r, NULL, 0);
	CHECK_EQ(nvmu_dma_alloc(r.pool, 2 * PG, 0, &a), 0);
	CHECK_EQ(nvmu_dma_alloc(r.pool, 2 * PG, 0, &b), 0);
	memset(b.vaddr, 0x5a, b.len);
	st = stats_of(r.pool);

	nvmu_dma_free(r.pool, &zero);
	nvmu_dma_free(r.pool, NULL);
	CHECK_EQ(warnings, 0);

	/* Double free through a copy. */
	copy = a;
	nvmu_dma_free(r.pool, &a);
	nvmu_dma_free(r.pool, &a); /* zeroed by the first free: ignored silently */
	CHECK_EQ(warnings, 0);
	nvmu_dma_free(r.pool, &copy);
	CHECK_EQ(warnings, 1);
	CHECK_STR_CONTAINS(last_warning, "not a live buffer");
	CHECK_EQ(stats_of(r.pool).used_bytes, st.used_bytes - 2 * PG);

	/* Foreign memory, a length beyond the buffer's pages, wrong IOVA, middle of a buffer. */
	bad = (struct nvmu_dma_buf){ stack_page, 0x1000, PG };
	nvmu_dma_free(r.pool, &bad);
	CHECK_EQ(warnings, 2);
	CHECK_STR_CONTAINS(last_warning, "not a buffer of this pool");
	bad = b;
	bad.len = 2 * PG + 1;
	nvmu_dma_free(r.pool, &bad);
	bad = b;
	bad.iova += PG;
	nvmu_dma_free(r.pool, &bad);
	bad = b;
	bad.vaddr = (char *)b.vaddr + PG;
	bad.iova += PG;
	bad.len = PG;
	nvmu_dma_free(r.pool, &bad);
	nvmu_dma_free(NULL, &b);
	CHECK_EQ(warnings, 6);
	CHECK(b.vaddr != NULL);
	/* b is intact and still allocated: a new buffer does not land on it. */
	CHECK_EQ(stats_of(r.pool).used_bytes, 2 * PG);
	CHECK(((unsigned char *)b.vaddr)[b.len - 1] == 0x5a);
	CHECK_EQ(nvmu_dma_alloc(r.pool, 4 * PG, 0, &a), 0);
	CHECK((char *)a.vaddr >= (char *)b.vaddr + b.len);
	nvmu_dma_free(r.pool, &a);
	nvmu_dma_free(r.pool, &b);
	CHECK_EQ(stats_of(r.pool).used_bytes, 0);
	CHECK_EQ(warnings, 6);
	rig_down(&r);
}

/*
 * A buffer's len is the size asked for, so a transfer from it moves no more; its pages
 * are the pool's to know. Free works from the address: a len shortened for a partial
 * transfer gives every page back, and the pages past len are zeroed on reuse too.
 */
TEST(len_is_the_size_asked_and_free_works_from_the_address)
{
	struct rig r;
	struct nvmu_dma_buf a, b;
	void *old_vaddr;

	rig_up(&r, NULL, 0);
	CHECK_EQ(nvmu_dma_alloc(r.pool, 512, 0, &a), 0);
	CHECK_EQ(a.len, 512);
	CHECK_EQ(stats_of(r.pool).used_bytes, PG);
	CHECK_EQ(nvmu_dma_alloc(r.pool, 2 * PG + 1, 0, &b), 0);
	CHECK_EQ(b.len, 2 * PG + 1);
	CHECK_EQ(stats_of(r.pool).used_bytes, 4 * PG);
	memset(b.vaddr, 0xab, 3 * PG); /* its whole capacity */
	old_vaddr = b.vaddr;
	b.len = 100;
	nvmu_dma_free(r.pool, &b);
	CHECK(b.vaddr == NULL && b.len == 0);
	CHECK_EQ(stats_of(r.pool).used_bytes, PG);
	CHECK_EQ(nvmu_dma_alloc(r.pool, 3 * PG, 0, &b), 0);
	CHECK(b.vaddr == old_vaddr);
	CHECK(all_zero(&b));
	nvmu_dma_free(r.pool, &a);
	nvmu_dma_free(r.pool, &b);
	CHECK_EQ(stats_of(r.pool).used_bytes, 0);
	CHECK_EQ(warnings, 0);
	rig_down(&r);
}

TEST(backend_failure_leaves_the_pool_unchanged)
{
	struct rig r;
	struct nvmu_dma_buf b = { 0 };

	rig_up(&r, NULL, 0);
	r.f.fail_map_call = 1;
	r.f.fail_map_err = -ENOMEM;
	CHECK_EQ(nvmu_dma_alloc(r.pool, PG, 0, &b), -ENOMEM);
	CHECK_STR_CONTAINS(nvmu_last_error(), "DMA pool: new chunk");
	CHECK_STR_CONTAINS(nvmu_last_error(), "fake backend refuses map call 1");
	CHECK(b.vaddr == NULL);
	CHECK_EQ(stats_of(r.pool).chunks, 0);
	CHECK_EQ(stats_of(r.pool).mapped_bytes, 0);
	CHECK_EQ(nvmu_dma_alloc(r.pool, PG, 0, &b), 0);
	CHECK_EQ(b.iova, r.f.failed_iova); /* the IOVA was not leaked */
	nvmu_dma_free(r.pool, &b);
	rig_down(&r);
}

TEST(mapping_limit_reaches_the_caller)
{
	struct rig r;
	struct nvmu_dma_buf a, b;

	rig_up(&r, NULL, 1);
	CHECK_EQ(nvmu_dma_alloc(r.pool, PG, 0, &a), 0);
	CHECK_EQ(nvmu_dma_alloc(r.pool, 8 * MB, 0, &b), -ENOSPC);
	CHECK_STR_CONTAINS(nvmu_last_error(), "limit of 1 mappings");
	CHECK_EQ(stats_of(r.pool).chunks, 1);
	nvmu_dma_free(r.pool, &a);
	rig_down(&r);
}

TEST(iommu_pages_larger_than_host_pages)
{
	struct fake_backend f;
	struct nvmu_iommu *iommu = fake_iommu_paged(&f, &space, 1, 0, 64 * KB);
	struct nvmu_dma_pool_config cfg = { .chunk_size = 100 * KB };
	struct nvmu_dma_pool *pool = NULL;
	struct nvmu_dma_buf a, b;

	CHECK_EQ(nvmu_dma_pool_create(iommu, &cfg, &pool), 0);
	CHECK_EQ(nvmu_dma_alloc(pool, 1, 0, &a), 0);
	CHECK_EQ(a.len, 1);
	CHECK_EQ((uintptr_t)a.vaddr % (64 * KB), 0);
	CHECK_EQ(a.iova % (64 * KB), 0);
	CHECK_EQ(stats_of(pool).mapped_bytes, 128 * KB); /* chunk rounded to IOMMU pages */
	CHECK_EQ(nvmu_dma_alloc(pool, 64 * KB + 1, 0, &b), 0);
	CHECK_EQ(b.len, 64 * KB + 1);
	CHECK_EQ(stats_of(pool).used_bytes, 3 * 64 * KB);
	CHECK_EQ(stats_of(pool).chunks, 2);
	CHECK_EQ(f.violations, 0);
	nvmu_dma_free(pool, &a);
	nvmu_dma_free(pool, &b);
	nvmu_dma_pool_destroy(pool);
	CHECK_EQ(f.live, 0);
	nvmu_iommu_destroy(iommu);
	fake_backend_fini(&f);
}

TEST(tight_iova_space_weakens_congruence_and_the_pool_copes)
{
	/*
	 * W: a 4 MiB window at 64 KiB past a 4 MiB boundary, so a chunk placed there is 4 MiB
	 * congruent only if its vaddr is 64 KiB past one too; R: more space, occupied for now.
	 */
	const struct nvmu_iova_range ranges[] = { { 4 * MB + 64 * KB, 8 * MB + 64 * KB - 1 },
						  { 16 * MB, 32 * MB - 1 } };
	struct fake_backend f;
	struct nvmu_iommu *iommu = fake_iommu(&f, ranges, 2, 0);
	struct nvmu_dma_pool *pool = NULL;
	struct nvmu_dma_buf a, b;
	uint64_t occupier_iova, diff, congruence;
	size_t maps;

	CHECK_EQ(nvmu_iommu_map(iommu, (void *)(uintptr_t)(2 * MB), 16 * MB, NVMU_DMA_RW, NVMU_MAP_FIXED,
				&occupier_iova), 0);
	CHECK_EQ(occupier_iova, 16 * MB);
	CHECK_EQ(nvmu_dma_pool_create(iommu, NULL, &pool), 0);
	/* The chunk only fits W, so it takes what congruence it gets. */
	CHECK_EQ(nvmu_dma_alloc(pool, PG, 0, &a), 0);
	CHECK_EQ(f.maps[1].iova, 4 * MB + 64 * KB);
	diff = (uint64_t)f.maps[1].vaddr ^ f.maps[1].iova;
	congruence = diff & -diff;
	CHECK_EQ(nvmu_iommu_unmap(iommu, (void *)(uintptr_t)(2 * MB)), 0);
	if (diff && congruence < 4 * MB) {
		/* An alignment the first chunk can give in vaddr but not in IOVA: a new chunk. */
		CHECK_EQ(nvmu_dma_alloc(pool, PG, 2 * congruence, &b), 0);
		CHECK_EQ((uintptr_t)b.vaddr % (2 * congruence), 0);
		CHECK_EQ(b.iova % (2 * congruence), 0);
		CHECK_EQ(stats_of(pool).chunks, 2);
		CHECK(translates(iommu, &b));
		nvmu_dma_free(pool, &b);
	} else {
		printf("# chunk vaddr happened to be 4 MiB congruent; check skipped\n");
	}
	/* Weaker alignments are still served without a new mapping. */
	maps = f.map_calls;
	CHECK_EQ(nvmu_dma_alloc(pool, 64 * KB, 64 * KB, &b), 0);
	CHECK_EQ(f.map_calls, maps);
	CHECK(translates(iommu, &b));
	nvmu_dma_free(pool, &a);
	nvmu_dma_free(pool, &b);
	nvmu_dma_pool_destroy(pool);
	CHECK_EQ(f.live, 0);
	CHECK_EQ(f.violations, 0);
	nvmu_iommu_destroy(iommu);
	fake_backend_fini(&f);
}

TEST(hugepages_when_the_host_has_them)
{
	struct nvmu_dma_pool_config cfg = { .hugepages = true, .chunk_size = 3 * MB };
	struct rig r;
	struct nvmu_dma_buf b = { 0 }, big, small;
	int rc;

	rig_up(&r, &cfg, 0);
	rc = nvmu_dma_alloc(r.pool, PG, 0, &b);
	if (rc == 0) {
		CHECK_EQ(stats_of(r.pool).mapped_bytes, 4 * MB); /* chunk rounded to hugepages */
		CHECK_EQ(r.f.maps[0].vaddr % (2 * MB), 0);
		CHECK_EQ(r.f.maps[0].iova % (2 * MB), 0);
		/* 5 MiB gets a dedicated 6 MiB chunk whose spare MiB is not shared. */
		if (nvmu_dma_alloc(r.pool, 5 * MB, 0, &big) == 0) {
			CHECK_EQ(stats_of(r.pool).mapped_bytes, 10 * MB);
			for (int i = 0; i < 1023; i++) {
				CHECK_EQ(nvmu_dma_alloc(r.pool, PG, 0, &small), 0);
				CHECK(!((char *)small.vaddr >= (char *)big.vaddr &&
					(char *)small.vaddr < (char *)big.vaddr + 6 * MB));
			}
			nvmu_dma_free(r.pool, &big);
			CHECK_EQ(stats_of(r.pool).mapped_bytes, 4 * MB);
		}
		nvmu_dma_free(r.pool, &b);
	} else {
		/* No hugepages reserved here: a clear error and nothing left behind. */
		CHECK_STR_CONTAINS(nvmu_last_error(), "hugepages");
		CHECK_EQ(stats_of(r.pool).chunks, 0);
		CHECK_EQ(r.f.map_calls, 0);
		printf("# no hugepages on this host: %s\n", nvmu_last_error());
	}
	rig_down(&r);
}

/* xorshift64* */
static uint64_t rng_state = 0xdeadbeefcafef00dull;
static uint64_t rnd(uint64_t n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (rng_state * 2685821657736338717ull) % n;
}

struct live_buf {
	struct nvmu_dma_buf b;
	uint64_t tag;
};

/* The bytes the pool reserved for @p b: its length rounded up to whole pages. */
static size_t capacity(const struct nvmu_dma_buf *b)
{
	return nvmu_align_up(b->len, PG);
}

/* Stamp the first 8-byte word of each page the pool reserved for @p b, and its last word,
 * with @p tag. */
static void stamp(const struct nvmu_dma_buf *b, uint64_t tag)
{
	for (size_t off = 0; off < capacity(b); off += PG)
		memcpy((char *)b->vaddr + off, &tag, sizeof(tag));
	memcpy((char *)b->vaddr + capacity(b) - sizeof(tag), &tag, sizeof(tag));
}

static bool stamped(const struct nvmu_dma_buf *b, uint64_t tag)
{
	uint64_t v;

	for (size_t off = 0; off < capacity(b); off += PG) {
		memcpy(&v, (char *)b->vaddr + off, sizeof(v));
		if (v != tag)
			return false;
	}
	memcpy(&v, (char *)b->vaddr + capacity(b) - sizeof(v), sizeof(v));
	return v == tag;
}

static int by_vaddr(const void *x, const void *y)
{
	uintptr_t a = (uintptr_t)((const struct live_buf *)x)->b.vaddr;
	uintptr_t b = (uintptr_t)((const struct live_buf *)y)->b.vaddr;

	return a < b ? -1 : a > b;
}

static int by_iova(const void *x, const void *y)
{
	uint64_t a = ((const struct live_buf *)x)->b.iova, b = ((const struct live_buf *)y)->b.iova;

	return a < b ? -1 : a > b;
}

/* No two live buffers overlap, in virtual or in device addresses. */
static int count_overlaps(struct live_buf *v, size_t n)
{
	int bad = 0;

	qsort(v, n, sizeof(*v), by_vaddr);
	for (size_t i = 1; i < n; i++)
		if ((char *)v[i - 1].b.vaddr + capacity(&v[i - 1].b) > (char *)v[i].b.vaddr)
			bad++;
	qsort(v, n, sizeof(*v), by_iova);
	for (size_t i = 1; i < n; i++)
		if (v[i - 1].b.iova + capacity(&v[i - 1].b) > v[i].b.iova)
			bad++;
	return bad;
}

TEST(random_alloc_free_stress)
{
	enum { MAX_LIVE = 300 };
	static struct live_buf live[MAX_LIVE];
	struct nvmu_dma_pool_config cfg = { .chunk_size = 256 * KB, .max_bytes = 24 * MB };
	struct rig r;
	size_t nlive = 0, used = 0, allocs = 0, enomem = 0;
	int bad = 0;
	uint64_t next_tag = 1;

	rig_up(&r, &cfg, 0);
	for (int step = 0; step < 20000; step++) {
		if (nlive < MAX_LIVE && (nlive == 0 || rnd(100) < 55)) {
			uint64_t kind = rnd(100);
			size_t len = kind < 80 ? 1 + rnd(16 * KB) : kind < 97 ? 1 + rnd(200 * KB) : 1 + rnd(3 * MB);
			size_t align = rnd(3) ? 0 : (size_t)PG << rnd(7);
			struct live_buf *l = &live[nlive];
			int rc = nvmu_dma_alloc(r.pool, len, align, &l->b);

			if (rc == -ENOMEM) {
				enomem++;
				continue;
			}
			CHECK_EQ(rc, 0);
			if (rc)
				continue;
			allocs++;
			if (l->b.len != len || (align && ((uintptr_t)l->b.vaddr % align ||
									 l->b.iova % align)))
				bad++;
			if (!translates(r.iommu, &l->b) || !all_zero(&l->b))
				bad++;
			l->tag = next_tag++;
			stamp(&l->b, l->tag);
			used += capacity(&l->b);
			nlive++;
		} else {
			size_t k = rnd(nlive);

			if (!stamped(&live[k].b, live[k].tag))
				bad++; /* another buffer overlapped this one */
			used -= capacity(&live[k].b);
			nvmu_dma_free(r.pool, &live[k].b);
			live[k] = live[--nlive];
		}
		if (stats_of(r.pool).used_bytes != used || stats_of(r.pool).mapped_bytes > 24 * MB)
			bad++;
		if (step % 1000 == 0)
			bad += count_overlaps(live, nlive);
	}
	bad += count_overlaps(live, nlive);
	CHECK_EQ(bad, 0);
	CHECK_EQ(warnings, 0);
	CHECK(allocs > 9000);
	CHECK_EQ(nvmu_iommu_mapping_count(r.iommu), stats_of(r.pool).chunks);
	while (nlive) {
		CHECK(stamped(&live[nlive - 1].b, live[nlive - 1].tag));
		nvmu_dma_free(r.pool, &live[--nlive].b);
	}
	CHECK_EQ(stats_of(r.pool).used_bytes, 0);
	CHECK_EQ(stats_of(r.pool).chunks, 1);
	printf("# %zu allocations, %zu refused by max_bytes, %zu maps\n", allocs, enomem, r.f.map_calls);
	rig_down(&r);
}

RUN_TESTS(T(small_allocations_share_one_chunk), T(alignment_holds_in_vaddr_and_iova),
	  T(bad_requests_are_einval), T(freed_buffers_are_reused_and_zeroed),
	  T(large_request_gets_a_dedicated_chunk), T(only_one_idle_chunk_is_kept),
	  T(max_bytes_is_enforced_with_enomem), T(bad_frees_are_reported_and_change_nothing),
	  T(len_is_the_size_asked_and_free_works_from_the_address),
	  T(backend_failure_leaves_the_pool_unchanged), T(mapping_limit_reaches_the_caller),
	  T(iommu_pages_larger_than_host_pages),
	  T(tight_iova_space_weakens_congruence_and_the_pool_copes),
	  T(hugepages_when_the_host_has_them),
	  T(random_alloc_free_stress))
