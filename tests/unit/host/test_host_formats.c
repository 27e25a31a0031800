/* SPDX-License-Identifier: MIT */
/*
 * Namespaces whose Identify data the driver cannot use: an LBA data size below 512 bytes
 * or above 2^31, a format index beyond NLBAF. Attach keeps them, unusable with a reason,
 * and the other namespaces work. Extreme values are handled without wrapping: NLBAF 255,
 * an NSZE of 2^64 - 1 (capacity saturates) and ranges whose end passes 2^64.
 */
#include <errno.h>
#include <string.h>

#include "host_soft_env.h"

#define MAX_SHAPED 4
#define TIMEOUT_MS 5000

/* Identify Namespace data the "shaped" transport gives namespace i + 1 (if set). */
static struct nvme_id_ns shaped_ns[MAX_SHAPED];
static bool shaped_set[MAX_SHAPED];

static int shaped_open(const char *rest, const struct nvmu_transport_open_opts *opts,
		       struct nvmu_transport **out)
{
	int ret = nvmu_soft_open(rest, out);

	(void)opts;
	for (uint32_t i = 0; ret == 0 && i < MAX_SHAPED; i++)
		if (shaped_set[i])
			ret = nvmu_soft_identify_ns_override(*out, i + 1, &shaped_ns[i]);
	return ret;
}

static const struct nvmu_transport_class shaped_class = {
	.name = "shaped",
	.forms = "shaped://OPTIONS",
	.description = "a software controller with Identify Namespace data of the test's",
	.open = shaped_open,
};

/* Namespace @nsid reports NSZE @nsze, NLBAF @nlbaf, FLBAS @flbas and format 0 of 2^@ds. */
static void shape(uint32_t nsid, uint64_t nsze, uint8_t nlbaf, uint8_t flbas, uint8_t ds)
{
	struct nvme_id_ns *id = &shaped_ns[nsid - 1];

	memset(id, 0, sizeof(*id));
	id->nsze = id->ncap = id->nuse = nsze;
	id->nlbaf = nlbaf;
	id->flbas = flbas;
	id->lbaf[0].ds = ds;
	id->lbaf[1].ds = 12;
	shaped_set[nsid - 1] = true;
}

static void unshape(void)
{
	memset(shaped_set, 0, sizeof(shaped_set));
}

TEST(bad_formats_leave_the_other_namespaces_working)
{
	static const char *const reasons[] = {
		NULL, "invalid data size 2^8", "invalid data size 2^40",
		"format index 5 beyond its 2 LBA formats",
	};
	struct nvmu_host_ctrl *h;
	struct nvmu_host_qpair *qp = NULL;
	struct nvmu_dma_buf buf;
	struct nvmu_ns *ns;

	unshape();
	shape(2, 2048, 0, 0, 8);
	shape(3, 2048, 0, 0, 40);
	shape(4, 2048, 1, 5, 9);
	h = attach("shaped://ns=4,size=1M");
	if (!h)
		return;
	CHECK_EQ(nvmu_host_ns_count(h), 4);
	for (unsigned i = 0; i < 4; i++) {
		ns = nvmu_host_ns(h, i);
		CHECK_EQ(nvmu_ns_id(ns), i + 1);
		CHECK_EQ(nvmu_ns_usable(ns), reasons[i] == NULL);
		if (reasons[i])
			CHECK_STR_CONTAINS(nvmu_ns_unusable_reason(ns), reasons[i]);
		else
			CHECK(nvmu_ns_unusable_reason(ns) == NULL);
	}
	CHECK_EQ(nvmu_ns_lba_size(nvmu_host_ns(h, 1)), 0);
	CHECK_EQ(nvmu_ns_capacity(nvmu_host_ns(h, 1)), 0);
	CHECK_EQ(nvmu_ns_blocks(nvmu_host_ns(h, 1)), 2048);
	CHECK_EQ(nvmu_host_qpair_create(h, NULL, &qp), 0);
	CHECK_EQ(nvmu_host_dma_alloc(h, 4096, &buf), 0);
	/* I/O on an unusable namespace is refused with the reason, on every path. */
	for (unsigned i = 1; qp && i < 4; i++) {
		ns = nvmu_host_ns(h, i);
		CHECK_EQ(nvmu_ns_read_sync(qp, ns, 0, &buf, 1, 0, TIMEOUT_MS, NULL), -ENOTSUP);
		CHECK_STR_CONTAINS(nvmu_last_error(), reasons[i]);
		CHECK_EQ(nvmu_ns_write(qp, ns, 0, &buf, 1, 0, nvmu_host_sync_cb, NULL), -ENOTSUP);
		CHECK_EQ(nvmu_ns_verify(qp, ns, 0, 1, 0, nvmu_host_sync_cb, NULL), -ENOTSUP);
		CHECK_EQ(nvmu_ns_flush(qp, ns, nvmu_host_sync_cb, NULL), -ENOTSUP);
		CHECK_STR_CONTAINS(nvmu_last_error(), "cannot be used");
	}
	/* The good namespace works. */
	ns = nvmu_host_ns(h, 0);
	memset(buf.vaddr, 0x5a, 4096);
	if (qp) {
		CHECK_EQ(nvmu_ns_write_sync(qp, ns, 3, &buf, 1, 0, TIMEOUT_MS, NULL), 0);
		memset(buf.vaddr, 0, 4096);
		CHECK_EQ(nvmu_ns_read_sync(qp, ns, 3, &buf, 1, 0, TIMEOUT_MS, NULL), 0);
		CHECK_EQ(((uint8_t *)buf.vaddr)[4095], 0x5a);
		CHECK_EQ(nvmu_host_qpair_delete(qp), 0);
	}
	nvmu_host_dma_free(h, &buf);
	detach(h);
}

TEST(nlbaf_255_does_not_wrap)
{
	struct nvmu_host_ctrl *h;
	struct nvmu_ns *ns;

	/* NLBAF 255 claims 256 formats (more than the 64 Identify can hold); format 1, in
	 * range, is used as the data describe it. */
	unshape();
	shape(1, 256, 255, 1, 9);
	shape(2, 256, 255, 0x60, 9); /* FLBAS bits 6:5 = 3: format 48, which is empty */
	h = attach("shaped://ns=2,size=1M");
	if (!h)
		return;
	ns = nvmu_host_ns(h, 0);
	CHECK(nvmu_ns_usable(ns));
	CHECK_EQ(nvmu_ns_lba_size(ns), 4096);
	ns = nvmu_host_ns(h, 1);
	CHECK(!nvmu_ns_usable(ns));
	CHECK_STR_CONTAINS(nvmu_ns_unusable_reason(ns), "LBA format 48 has an invalid data "
			   "size 2^0");
	detach(h);
	/* A format index beyond NLBAF names the real count. */
	unshape();
	shape(1, 256, 2, 3, 9);
	h = attach("shaped://ns=1,size=1M");
	if (!h)
		return;
	CHECK_STR_CONTAINS(nvmu_ns_unusable_reason(nvmu_host_ns(h, 0)),
			   "format index 3 beyond its 3 LBA formats");
	detach(h);
}

TEST(capacity_saturates)
{
	struct nvmu_host_ctrl *h;

	unshape();
	shape(1, UINT64_MAX, 1, 1, 9);
	shape(2, 1ull << 52, 1, 1, 9);     /* 2^52 blocks of 4 KiB: exactly 2^64 bytes */
	shape(3, (1ull << 52) - 1, 1, 1, 9);
	h = attach("shaped://ns=3,size=1M");
	if (!h)
		return;
	CHECK(nvmu_ns_capacity(nvmu_host_ns(h, 0)) == UINT64_MAX);
	CHECK(nvmu_ns_capacity(nvmu_host_ns(h, 1)) == UINT64_MAX);
	CHECK(nvmu_ns_capacity(nvmu_host_ns(h, 2)) == UINT64_MAX - 4095);
	detach(h);
}

TEST(ranges_past_2_64_print_their_real_end)
{
	static const struct nvmu_lba_range wrap = { .slba = UINT64_MAX - 1, .nlb = 2 };
	struct nvmu_host_ctrl *h;
	struct nvmu_host_qpair *qp = NULL;
	struct nvmu_ns *ns;

	unshape();
	shape(1, UINT64_MAX, 1, 0, 9);
	h = attach("shaped://ns=1,size=1M");
	if (!h)
		return;
	ns = nvmu_host_ns(h, 0);
	CHECK_EQ(nvmu_host_qpair_create(h, NULL, &qp), 0);
	if (qp) {
		CHECK_EQ(nvmu_ns_verify(qp, ns, UINT64_MAX - 1, 2, 0, nvmu_host_sync_cb, NULL),
			 -ERANGE);
		CHECK_STR_CONTAINS(nvmu_last_error(), "blocks [18446744073709551614, "
				   "18446744073709551616) go beyond namespace 1, which has "
				   "18446744073709551615");
		/* The largest start and count: the end is 2^65 - 2, and the check holds. */
		CHECK_EQ(nvmu_ns_write_zeroes(qp, ns, UINT64_MAX, UINT64_MAX, 0,
					      nvmu_host_sync_cb, NULL), -ERANGE);
		CHECK_STR_CONTAINS(nvmu_last_error(), "blocks [18446744073709551615, "
				   "36893488147419103230) go beyond");
		CHECK_EQ(nvmu_ns_deallocate(qp, ns, &wrap, 1, nvmu_host_sync_cb, NULL), -ERANGE);
		CHECK_STR_CONTAINS(nvmu_last_error(), "18446744073709551616)");
		CHECK_EQ(nvmu_host_qpair_delete(qp), 0);
	}
	detach(h);
}

int main(void)
{
	static const struct check_test tests[] = {
		T(bad_formats_leave_the_other_namespaces_working), T(nlbaf_255_does_not_wrap),
		T(capacity_saturates), T(ranges_past_2_64_print_their_real_end),
	};

	if (nvmu_transport_register(&shaped_class) < 0)
		return 1;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]));
}
