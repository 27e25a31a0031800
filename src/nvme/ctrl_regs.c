/* SPDX-License-Identifier: MIT */
/* The controller registers: choosing CC, and enabling, disabling and shutting down the
 * controller. Each wait for CSTS has a deadline taken from CAP.TO (or from the caller),
 * so a controller that never answers cannot hang the driver. */
#include <errno.h>

#include "nvme_internal.h"

#define CSTS_ALL_ONES 0xffffffffu
#define CSTS_SHST_FIELD (NVME_CSTS_SHST_MASK << NVME_CSTS_SHST_SHIFT)

uint32_t ctrl_read32(const struct nvmu_ctrl *ctrl, uint32_t off)
{
	return ctrl->t->ops->read32(ctrl->t, off);
}

void ctrl_write32(struct nvmu_ctrl *ctrl, uint32_t off, uint32_t val)
{
	ctrl->t->ops->write32(ctrl->t, off, val);
}

uint32_t ctrl_cap_timeout_ms(uint64_t cap)
{
	uint32_t to = (uint32_t)NVME_CAP_TO(cap);

	return (to ? to : 1) * 500;
}

static unsigned log2_exact(size_t v)
{
	return (unsigned)__builtin_ctzll(v);
}

int ctrl_choose_cc(uint64_t cap, size_t host_page, uint32_t *cc, uint32_t *page_size)
{
	unsigned mpsmin = (unsigned)NVME_CAP_MPSMIN(cap), mpsmax = (unsigned)NVME_CAP_MPSMAX(cap);
	unsigned css_cap = (unsigned)NVME_CAP_CSS(cap), host_shift, mps, css;

	if (host_page < 4096 || (host_page & (host_page - 1)))
		return nvmu_fail(ENOTSUP, "host page size %zu is not a power of two >= 4096",
				 host_page);
	host_shift = log2_exact(host_page);
	mps = host_shift - 12 < mpsmax ? host_shift - 12 : mpsmax;
	if (mps < mpsmin)
		return nvmu_fail(ENOTSUP, "host page size %zu is below the controller's smallest "
				 "memory page size %u (CAP.MPSMIN %u)", host_page, 4096u << mpsmin,
				 mpsmin);
	if (css_cap & NVME_CAP_CSS_CSI)
		css = NVME_CC_CSS_CSI;
	else if (css_cap & NVME_CAP_CSS_NVM)
		css = NVME_CC_CSS_NVM;
	else if (css_cap & NVME_CAP_CSS_ADMIN)
		css = NVME_CC_CSS_ADMIN;
	else
		return nvmu_fail(ENOTSUP, "controller supports no known command set (CAP.CSS %#x)",
				 css_cap);
	*cc = NVME_SET(css, CC_CSS) | NVME_SET(mps, CC_MPS) | NVME_SET(NVME_CC_AMS_RR, CC_AMS) |
	      NVME_SET(log2_exact(sizeof(struct nvmu_sqe)), CC_IOSQES) |
	      NVME_SET(log2_exact(sizeof(struct nvmu_cqe)), CC_IOCQES);
	*page_size = 4096u << mps;
	return 0;
}

int ctrl_check_csts(const struct nvmu_ctrl *ctrl, uint32_t csts, bool cfs_fatal,
		    const char *doing)
{
	if (csts == CSTS_ALL_ONES)
		return nvmu_fail(ENODEV, "%s: controller is gone (CSTS reads 0xffffffff) while %s",
				 ctrl->t->name, doing);
	if (cfs_fatal && NVME_CSTS_CFS(csts))
		return nvmu_fail(EIO, "%s: controller fatal status (CSTS.CFS=1, CSTS=%#x) "
				 "while %s; it needs a reset", ctrl->t->name, csts, doing);
	return 0;
}

/* Wait until (CSTS & mask) == want, polling once a millisecond. @doing describes the
 * state awaited and is used in the messages. Returns 0, -ETIMEDOUT when @timeout_ms
 * passes, or the error of ctrl_check_csts() when the controller is gone or has failed. */
static int wait_csts(struct nvmu_ctrl *ctrl, uint32_t mask, uint32_t want, uint32_t timeout_ms,
		     bool cfs_fatal, const char *doing)
{
	uint64_t deadline = nvmu_deadline_ms(timeout_ms);

	for (;;) {
		uint32_t csts = ctrl_read32(ctrl, NVME_REG_CSTS);
		int ret = ctrl_check_csts(ctrl, csts, cfs_fatal, doing);

		if (ret < 0)
			return ret;
		if ((csts & mask) == want)
			return 0;
		if (nvmu_deadline_passed(deadline))
			return nvmu_fail(ETIMEDOUT, "%s: controller %s within %u ms (CAP.TO %u); "
					 "CSTS=%#x", ctrl->t->name, doing, timeout_ms,
					 (unsigned)NVME_CAP_TO(ctrl->cap), csts);
		nvmu_sleep_us(1000);
	}
}

int ctrl_disable(struct nvmu_ctrl *ctrl)
{
	uint32_t cc = ctrl_read32(ctrl, NVME_REG_CC);
	uint32_t csts = ctrl_read32(ctrl, NVME_REG_CSTS);
	int ret = ctrl_check_csts(ctrl, csts, false, "disabling it");

	if (ret < 0)
		return ret;
	if (NVME_CSTS_CFS(csts))
		nvmu_log(NVMU_LOG_INFO, "%s: clearing a fatal status (CSTS=%#x) by disabling",
			 ctrl->t->name, csts);
	cc &= ~(NVME_SET(1, CC_EN) | NVME_SET(NVME_CC_SHN_MASK, CC_SHN));
	ctrl_write32(ctrl, NVME_REG_CC, cc);
	return wait_csts(ctrl, NVME_SET(1, CSTS_RDY), 0, ctrl->ready_timeout_ms, false,
			 "did not become not-ready after CC.EN=0");
}

int ctrl_enable(struct nvmu_ctrl *ctrl)
{
	uint32_t n = ctrl->admin->sq.size - 1u;
	struct nvmu_transport *t = ctrl->t;

	t->ops->write32(t, NVME_REG_AQA, NVME_SET(n, AQA_ASQS) | NVME_SET(n, AQA_ACQS));
	t->ops->write64(t, NVME_REG_ASQ, ctrl->admin->sq_mem.iova);
	t->ops->write64(t, NVME_REG_ACQ, ctrl->admin->cq_mem.iova);
	ctrl_write32(ctrl, NVME_REG_CC, ctrl->cc | NVME_SET(1, CC_EN));
	return wait_csts(ctrl, NVME_SET(1, CSTS_RDY), NVME_SET(1, CSTS_RDY),
			 ctrl->ready_timeout_ms, true, "did not become ready");
}

int ctrl_shutdown(struct nvmu_ctrl *ctrl, uint32_t timeout_ms)
{
	uint32_t cc = ctrl_read32(ctrl, NVME_REG_CC);

	cc &= ~NVME_SET(NVME_CC_SHN_MASK, CC_SHN);
	ctrl_write32(ctrl, NVME_REG_CC, cc | NVME_SET(NVME_CC_SHN_NORMAL, CC_SHN));
	return wait_csts(ctrl, CSTS_SHST_FIELD, NVME_SET(NVME_CSTS_SHST_CMPLT, CSTS_SHST),
			 timeout_ms, true, "did not complete its normal shutdown (CSTS.SHST)");
}
