/* SPDX-License-Identifier: MIT */
/* Tests of the software controller driven through the real NVMe core: open a soft
 * controller and a core controller on it, run I/O to completion with a deadline. */
#ifndef NVMU_TEST_SOFT_ENV_H
#define NVMU_TEST_SOFT_ENV_H

#include <errno.h>
#include <string.h>

#include "nvmu/nvme_soft.h"

#define ENV_IO_TIMEOUT_MS 2000

struct env {
	struct nvmu_transport *t;
	struct nvmu_ctrl *ctrl;
	bool stepped;
};

/* Open "soft:@spec" and the core on it; 0 or the failing call's error (both closed). */
static inline int env_open(struct env *e, const char *spec, const struct nvmu_ctrl_opts *opts)
{
	int ret;

	memset(e, 0, sizeof(*e));
	ret = nvmu_soft_open(spec, &e->t);
	if (ret < 0)
		return ret;
	e->stepped = strstr(spec, "mode=step") != NULL;
	ret = nvmu_ctrl_open(e->t, opts, &e->ctrl);
	if (ret < 0) {
		nvmu_soft_close(e->t);
		e->t = NULL;
	}
	return ret;
}

/* Close the core controller (its result is returned) and the soft controller. */
static inline int env_close(struct env *e)
{
	int ret = nvmu_ctrl_close(e->ctrl);

	nvmu_soft_close(e->t);
	memset(e, 0, sizeof(*e));
	return ret;
}

/* Violations the software controller @t counted so far (printed when there are any). */
static inline uint64_t soft_violations(struct nvmu_transport *t)
{
	struct nvmu_soft_violations v;

	nvmu_soft_violations(t, &v);
	if (v.total) {
		char text[2048];

		nvmu_soft_violations_text(t, text, sizeof(text));
		fprintf(stderr, "%s", text);
	}
	return v.total;
}

static inline uint64_t env_violations(struct env *e)
{
	return soft_violations(e->t);
}

struct io_wait {
	unsigned done;
	struct nvmu_cpl cpl;
};

static inline void io_done(void *arg, const struct nvmu_cpl *cpl)
{
	struct io_wait *w = arg;

	w->done++;
	w->cpl = *cpl;
}

/* Step (in stepped mode) and poll @qp until *@done reaches @want or @timeout_ms passes.
 * Returns true if it did. */
static inline bool env_reap(struct env *e, struct nvmu_qpair *qp, const unsigned *done,
			    unsigned want, uint32_t timeout_ms)
{
	uint64_t deadline = nvmu_deadline_ms(timeout_ms);

	while (*done < want) {
		if (e->stepped)
			nvmu_soft_step(e->t, 0);
		if (nvmu_qpair_poll(qp, 0) == 0 && nvmu_deadline_passed(deadline))
			return false;
	}
	return true;
}

/* Submit @cmd with data [iova, iova+len), ring, and wait for it. 0 when it completed
 * (status in w->cpl), -ETIMEDOUT, or the submit error. */
static inline int env_io(struct env *e, struct nvmu_qpair *qp, struct nvmu_sqe *cmd,
			 uint64_t iova, size_t len, struct io_wait *w)
{
	int ret;

	memset(w, 0, sizeof(*w));
	ret = nvmu_qpair_submit(qp, cmd, iova, len, io_done, w);
	if (ret < 0)
		return ret;
	nvmu_qpair_ring(qp);
	return env_reap(e, qp, &w->done, 1, ENV_IO_TIMEOUT_MS) ? 0 : -ETIMEDOUT;
}

/* A Read/Write/Compare/Verify/Write Zeroes command of @nlb blocks at @slba. */
static inline struct nvmu_sqe rw_cmd(uint8_t opcode, uint32_t nsid, uint64_t slba, uint32_t nlb)
{
	struct nvmu_sqe c = {
		.opcode = opcode,
		.nsid = nsid,
		.cdw10 = (uint32_t)slba,
		.cdw11 = (uint32_t)(slba >> 32),
		.cdw12 = nlb - 1,
	};

	return c;
}


#define SC(sct, sc) ((uint16_t)((sct) << 8 | (sc)))
#define SC_DNR(sct, sc) ((uint16_t)(SC(sct, sc) | NVME_SC_DNR))

#endif
