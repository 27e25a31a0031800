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

/* Completions counted by io_done(), the callback of most tests. */
struct io_ctx {
	unsigned done, failed;
};

static inline void io_done(void *arg, const struct nvmu_cpl *cpl)
{
	struct io_ctx *c = arg;

	c->done++;
	if (cpl->err) {
		char text[NVMU_STATUS_TEXT_MAX];

		fprintf(stderr, "I/O failed: err %d %s\n", cpl->err,
			nvmu_status_text(cpl->status, text, sizeof(text)));
		c->failed++;
	}
}

/* Poll @qp until *@done reaches @want; false if 5 s pass without a completion at the end. */
static inline bool reap(struct nvmu_host_qpair *qp, const unsigned *done, unsigned want)
{
	uint64_t deadline = nvmu_deadline_ms(5000);

	while (*done < want)
		if (nvmu_host_qpair_poll(qp, 0) <= 0 && nvmu_deadline_passed(deadline))
			return false;
	return true;
}

#endif
