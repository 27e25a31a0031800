/* SPDX-License-Identifier: MIT */
/* Options structures across versions: the library reads only the opts_size bytes a program
 * was built with, so fields added later never read past an older program's structure. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "host_soft_env.h"

/* A pair created with @opts: its result, the pair deleted again. */
static int create_with(struct nvmu_host_ctrl *h, const struct nvmu_host_qpair_opts *opts)
{
	struct nvmu_host_qpair *qp = NULL;
	int ret = nvmu_host_qpair_create(h, opts, &qp);

	if (ret == 0)
		CHECK_EQ(nvmu_host_qpair_delete(qp), 0);
	return ret;
}

/*
 * An older program's structure ends before timeout_ms: what lies past its opts_size (here
 * a deadline the library would refuse) is not the program's and must not be read.
 */
TEST(fields_past_opts_size_are_not_read)
{
	struct nvmu_host_ctrl *h = attach("soft:size=1M");
	struct nvmu_host_qpair_opts opts;

	if (!h)
		return;
	memset(&opts, 0, sizeof(opts));
	opts.entries = 16;
	opts.timeout_ms = 5; /* out of range: refused when read */
	opts.opts_size = sizeof(opts);
	CHECK_EQ(create_with(h, &opts), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "timeout");
	opts.opts_size = offsetof(struct nvmu_host_qpair_opts, timeout_ms);
	CHECK_EQ(create_with(h, &opts), 0);
	detach(h);
}

/* 0 is the first version, this one: a zero-initialised structure keeps working. A newer
 * program's larger structure is read as far as this library knows it. */
TEST(zero_means_the_first_version_and_larger_is_accepted)
{
	struct nvmu_host_ctrl *h = attach("soft:size=1M");
	struct {
		struct nvmu_host_qpair_opts o;
		uint64_t added_later;
	} newer;
	struct nvmu_host_qpair_opts opts = { .entries = 16, .timeout_ms = 5 };

	if (!h)
		return;
	CHECK_EQ(create_with(h, &opts), -EINVAL); /* all of it read */
	memset(&newer, 0xff, sizeof(newer));
	memset(&newer.o, 0, sizeof(newer.o));
	newer.o.opts_size = sizeof(newer);
	newer.o.entries = 16;
	CHECK_EQ(create_with(h, &newer.o), 0);
	CHECK_EQ(create_with(h, NULL), 0);
	detach(h);
}

/* The same rule on the attach options (and the core options inside them). */
TEST(attach_reads_its_options_by_size)
{
	struct nvmu_host_opts opts;
	struct nvmu_host_ctrl *h = NULL;

	memset(&opts, 0, sizeof(opts));
	opts.ctrl.admin_entries = 1; /* refused when read: an admin queue has 2 or more */
	opts.opts_size = offsetof(struct nvmu_host_opts, ctrl);
	CHECK_EQ(nvmu_host_attach("soft:size=1M", &opts, &h), 0);
	if (h)
		detach(h);
	h = NULL;
	opts.opts_size = 0;
	CHECK(nvmu_host_attach("soft:size=1M", &opts, &h) < 0);
	if (h)
		nvmu_host_detach(h);
}

RUN_TESTS(T(fields_past_opts_size_are_not_read),
	  T(zero_means_the_first_version_and_larger_is_accepted),
	  T(attach_reads_its_options_by_size))
