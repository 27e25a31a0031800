/* SPDX-License-Identifier: MIT */
/*
 * nvmu_host_attach() opens every controller through the transport registry: the built-in
 * soft forms, a class registered by the application (reached as "NAME://REST" without
 * any change to the host API), and refusals with the registry's messages.
 */
#include <errno.h>

#include "check.h"
#include "nvmu/host.h"
#include "nvmu/nvme_soft.h"

/* A class of the application: a software controller behind a scheme of its own. */
static int closes;

static void wrapped_close(struct nvmu_transport *t)
{
	closes++;
	nvmu_soft_close(t);
}

static int wrapped_open(const char *rest, const struct nvmu_transport_open_opts *opts,
			struct nvmu_transport **out)
{
	static struct nvmu_transport_ops ops;
	int ret = nvmu_soft_open(rest, out);

	(void)opts;
	if (ret < 0)
		return ret;
	/* The soft controller's ops, with a close that counts. */
	ops = *(*out)->ops;
	ops.close = wrapped_close;
	(*out)->ops = &ops;
	return 0;
}

static const struct nvmu_transport_class wrapped_class = {
	.name = "wrapped",
	.forms = "wrapped://OPTIONS",
	.description = "a software controller under another name",
	.open = wrapped_open,
};

static const struct nvmu_host_opts opts = { .no_aer = true };

TEST(soft_forms)
{
	static const char *const forms[] = { "soft", "soft:", "soft:ns=2", "soft://ns=2" };
	static const unsigned nns[] = { 1, 1, 2, 2 };
	struct nvmu_host_ctrl *h;
	char buf[64];

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		h = NULL;
		CHECK_EQ(nvmu_host_attach(forms[i], &opts, &h), 0);
		if (!h)
			continue;
		CHECK_EQ(nvmu_host_ns_count(h), nns[i]);
		CHECK(strcmp(nvmu_host_name(h), forms[i]) == 0);
		CHECK(nvmu_soft_is(nvmu_ctrl_transport(nvmu_host_core(h))));
		/* The soft controller has no IOMMU context: the transport's iommu op says so. */
		CHECK_EQ(nvmu_host_dma_map(h, buf, sizeof(buf)), -ENOTSUP);
		CHECK_EQ(nvmu_host_detach(h), 0);
	}
}

TEST(a_registered_class_without_touching_the_host_api)
{
	struct nvmu_host_ctrl *h = NULL;

	CHECK_EQ(nvmu_host_attach("wrapped://ns=3", &opts, &h), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "attach wrapped://ns=3: unknown transport 'wrapped'");
	CHECK_EQ(nvmu_transport_register(&wrapped_class), 0);
	CHECK_EQ(nvmu_host_attach("wrapped://ns=3", &opts, &h), 0);
	if (h) {
		CHECK_EQ(nvmu_host_ns_count(h), 3);
		CHECK_EQ(closes, 0);
		CHECK_EQ(nvmu_host_detach(h), 0);
	}
	CHECK_EQ(closes, 1); /* detach closed it through its ops */
	/* An open that fails leaves nothing to close. */
	CHECK_EQ(nvmu_host_attach("wrapped:ns=0", &opts, &h), -EINVAL);
	CHECK_EQ(closes, 1);
	/* A bring-up that fails (not ready within CAP.TO, 500 ms) closes what was opened. */
	CHECK_EQ(nvmu_host_attach("wrapped:to=1,ready_delay=2000", &opts, &h), -ETIMEDOUT);
	CHECK_EQ(closes, 2);
}

TEST(refusals)
{
	struct nvmu_host_ctrl *h = NULL;

	CHECK_EQ(nvmu_host_attach("", &opts, &h), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "no device given; a device is one of:");
	CHECK_EQ(nvmu_host_attach(NULL, &opts, &h), -EINVAL);
	CHECK_EQ(nvmu_host_attach("rdma://10.0.0.1/nqn", &opts, &h), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "unknown transport 'rdma'");
	CHECK_EQ(nvmu_host_attach("soft:bogus=1", &opts, &h), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "bogus");
	CHECK(h == NULL);
}

/* Numbers in soft: options are decimal with leading zeros, or hex after 0x: "010M" is ten
 * MiB, never octal eight, and "08" is eight, not an error. */
TEST(soft_numbers_are_decimal_or_hex)
{
	static const struct {
		const char *dev;
		uint64_t bytes;
	} cases[] = {
		{ "soft:size=010M", 10ull << 20 },
		{ "soft:size=08M", 8ull << 20 },
		{ "soft:size=0x100000", 1ull << 20 },
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nvmu_host_ctrl *h = NULL;

		CHECK_EQ(nvmu_host_attach(cases[i].dev, NULL, &h), 0);
		if (!h)
			continue;
		CHECK_EQ(nvmu_ns_capacity(nvmu_host_ns(h, 0)), cases[i].bytes);
		nvmu_host_detach(h);
	}
	CHECK(nvmu_host_attach("soft:size=0x", NULL, &(struct nvmu_host_ctrl *){ NULL }) < 0);
}

RUN_TESTS(T(soft_forms), T(a_registered_class_without_touching_the_host_api), T(refusals),
	  T(soft_numbers_are_decimal_or_hex))
