/* SPDX-License-Identifier: MIT */
/* The host API's unit tests on the software controller: attach with a message on
 * failure, and detach checking that the controller saw no protocol violation. */
#ifndef NVMU_TEST_HOST_SOFT_ENV_H
#define NVMU_TEST_HOST_SOFT_ENV_H

#include <stdio.h>

#include "check.h"
#include "nvmu/host.h"
#include "nvmu/nvme_soft.h"

static inline struct nvmu_host_ctrl *attach(const char *dev)
{
	struct nvmu_host_ctrl *h = NULL;
	int ret = nvmu_host_attach(dev, NULL, &h);

	if (ret < 0)
		fprintf(stderr, "attach %s: %s\n", dev, nvmu_last_error());
	CHECK_EQ(ret, 0);
	return h;
}

static inline uint64_t violations(struct nvmu_host_ctrl *h)
{
	struct nvmu_soft_violations v;

	nvmu_soft_violations(nvmu_ctrl_transport(nvmu_host_core(h)), &v);
	return v.total;
}

static inline void detach(struct nvmu_host_ctrl *h)
{
	CHECK_EQ(violations(h), 0);
	CHECK_EQ(nvmu_host_detach(h), 0);
}

#endif
