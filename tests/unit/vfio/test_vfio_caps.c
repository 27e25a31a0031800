/* SPDX-License-Identifier: MIT */
/* Unit tests for VFIO capability-chain parsing: well-formed, looping and truncated chains. */
#include <stdalign.h>

#include "check.h"
#include "vfio/caps.h"

/* A region info followed by an MSI-X-mappable cap and a sparse cap with two areas
 * (the sparse cap ends in a flexible array, so it is laid out by hand after the rest). */
struct sparse_with_areas {
	struct vfio_info_cap_header header;
	uint32_t nr_areas;
	uint32_t reserved;
	struct vfio_region_sparse_mmap_area areas[2];
};

struct fake_region {
	struct vfio_region_info info;
	struct vfio_info_cap_header msix;
	struct sparse_with_areas sparse;
};

static void make_region(struct fake_region *f)
{
	memset(f, 0, sizeof(*f));
	f->info.argsz = sizeof(*f);
	f->info.flags = VFIO_REGION_INFO_FLAG_CAPS | VFIO_REGION_INFO_FLAG_MMAP;
	f->info.cap_offset = offsetof(struct fake_region, msix);
	f->msix.id = VFIO_REGION_INFO_CAP_MSIX_MAPPABLE;
	f->msix.version = 1;
	f->msix.next = offsetof(struct fake_region, sparse);
	f->sparse.header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
	f->sparse.header.version = 1;
	f->sparse.nr_areas = 2;
	f->sparse.areas[0].offset = 0;
	f->sparse.areas[0].size = 0x2000;
	f->sparse.areas[1].offset = 0x3000;
	f->sparse.areas[1].size = 0x1000;
}

TEST(sparse_areas_and_msix_mappable)
{
	struct fake_region f;
	struct nvmu_vfio_region r = { 0 };

	make_region(&f);
	nvmu_vfio_parse_region_caps(&f.info, &r);
	CHECK(r.msix_mappable);
	CHECK_EQ(r.nr_sparse, 2);
	CHECK_EQ(r.sparse[1].offset, 0x3000);
	CHECK_EQ(r.sparse[1].size, 0x1000);
}

TEST(no_caps_flag_means_no_caps)
{
	struct fake_region f;
	struct nvmu_vfio_region r = { 0 };

	make_region(&f);
	f.info.flags &= ~VFIO_REGION_INFO_FLAG_CAPS;
	nvmu_vfio_parse_region_caps(&f.info, &r);
	CHECK(!r.msix_mappable);
	CHECK_EQ(r.nr_sparse, 0);
}

TEST(looping_chain_ends)
{
	struct fake_region f;
	struct nvmu_vfio_region r = { 0 };

	make_region(&f);
	f.msix.id = 99; /* not the cap we look for, and it points at itself */
	f.msix.next = f.info.cap_offset;
	nvmu_vfio_parse_region_caps(&f.info, &r);
	CHECK(!r.msix_mappable);
	CHECK_EQ(r.nr_sparse, 0);
}

TEST(chain_outside_the_structure_is_ignored)
{
	struct fake_region f;
	struct nvmu_vfio_region r = { 0 };

	make_region(&f);
	f.msix.next = 4096; /* beyond argsz */
	nvmu_vfio_parse_region_caps(&f.info, &r);
	CHECK(r.msix_mappable);
	CHECK_EQ(r.nr_sparse, 0);
}

TEST(truncated_area_list_is_cut)
{
	struct fake_region f;
	struct nvmu_vfio_region r = { 0 };

	make_region(&f);
	f.sparse.nr_areas = 1000; /* claims more areas than fit */
	nvmu_vfio_parse_region_caps(&f.info, &r);
	CHECK_EQ(r.nr_sparse, 2);
	f.info.argsz = offsetof(struct fake_region, sparse.areas[1]);
	r.nr_sparse = 0;
	nvmu_vfio_parse_region_caps(&f.info, &r);
	CHECK_EQ(r.nr_sparse, 1);
}

TEST(find_cap_checks_minimum_size)
{
	struct fake_region f;

	make_region(&f);
	CHECK(nvmu_vfio_find_cap(&f, f.info.argsz, f.info.cap_offset,
				 VFIO_REGION_INFO_CAP_SPARSE_MMAP, sizeof(f.sparse)) == &f.sparse.header);
	CHECK(nvmu_vfio_find_cap(&f, offsetof(struct fake_region, sparse) + 8, f.info.cap_offset,
				 VFIO_REGION_INFO_CAP_SPARSE_MMAP, sizeof(f.sparse)) == NULL);
	CHECK(nvmu_vfio_find_cap(&f, f.info.argsz, 0, VFIO_REGION_INFO_CAP_SPARSE_MMAP, 8) == NULL);
}

TEST(caps_at_4_byte_offsets)
{
	/* The kernel may put a cap at an offset that is only 4-byte aligned; the parser must
	 * not read its 64-bit fields in place (UBSan catches that). */
	uint64_t buf[32] = { 0 };
	char *raw = (char *)buf;
	struct vfio_region_info info = { 0 };
	struct vfio_info_cap_header msix = { .id = VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, .version = 1 };
	struct vfio_info_cap_header sparse = { .id = VFIO_REGION_INFO_CAP_SPARSE_MMAP, .version = 1 };
	struct vfio_region_sparse_mmap_area area = { .offset = 0x1000, .size = 0x3000 };
	uint32_t nr = 1, sparse_at = sizeof(info) + sizeof(msix) + 4;
	struct nvmu_vfio_region r = { 0 };

	info.argsz = sparse_at + 16 + sizeof(area);
	info.flags = VFIO_REGION_INFO_FLAG_CAPS;
	info.cap_offset = sizeof(info);
	msix.next = sparse_at;
	memcpy(raw, &info, sizeof(info));
	memcpy(raw + sizeof(info), &msix, sizeof(msix));
	memcpy(raw + sparse_at, &sparse, sizeof(sparse));
	memcpy(raw + sparse_at + 8, &nr, sizeof(nr));
	memcpy(raw + sparse_at + 16, &area, sizeof(area));
	nvmu_vfio_parse_region_caps((const struct vfio_region_info *)buf, &r);
	CHECK(r.msix_mappable);
	CHECK_EQ(r.nr_sparse, 1);
	CHECK_EQ(r.sparse[0].offset, 0x1000);
	CHECK_EQ(r.sparse[0].size, 0x3000);
}

RUN_TESTS(T(caps_at_4_byte_offsets), T(sparse_areas_and_msix_mappable), T(no_caps_flag_means_no_caps), T(looping_chain_ends),
	  T(chain_outside_the_structure_is_ignored), T(truncated_area_list_is_cut),
	  T(find_cap_checks_minimum_size))
