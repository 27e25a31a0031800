/* SPDX-License-Identifier: MIT */
/* Controller registers: CAP, VS, CC, CSTS, AQA, ASQ, ACQ; enable, disable and shutdown. */
#include <errno.h>
#include <string.h>

#include "soft.h"

#define ALL_ONES 0xffffffffu
#define ADMIN_BASE_RESERVED 0xfffull /* ASQ/ACQ bits 11:0 are reserved */

uint64_t soft_cap_initial(const struct soft_opts *o)
{
	return NVME_SET((uint64_t)o->mqes, CAP_MQES) | NVME_SET(1ull, CAP_CQR) |
	       NVME_SET((uint64_t)o->to, CAP_TO) | NVME_SET((uint64_t)o->dstrd, CAP_DSTRD) |
	       NVME_SET((uint64_t)(NVME_CAP_CSS_NVM |
				   (soft_io_command_sets(o) ? NVME_CAP_CSS_CSI : 0)), CAP_CSS) |
	       NVME_SET((uint64_t)o->mpsmin, CAP_MPSMIN) |
	       NVME_SET((uint64_t)o->mpsmax, CAP_MPSMAX);
}

bool soft_running(struct soft_ctrl *c)
{
	return c->enabled && !c->fatal && !c->removed && c->shst == NVME_CSTS_SHST_NORMAL &&
	       nvmu_now_ns() >= c->ready_at_ns;
}

uint32_t soft_csts(struct soft_ctrl *c)
{
	uint32_t csts = NVME_SET((uint32_t)c->shst, CSTS_SHST);

	if (c->removed)
		return ALL_ONES;
	if (c->enabled && nvmu_now_ns() >= c->ready_at_ns)
		csts |= NVME_SET(1u, CSTS_RDY);
	if (c->fatal)
		csts |= NVME_SET(1u, CSTS_CFS);
	return csts;
}

void soft_set_fatal(struct soft_ctrl *c, const char *why)
{
	if (!c->fatal)
		nvmu_log(NVMU_LOG_INFO, "%s: controller fatal status: %s", c->name, why);
	c->fatal = true;
}

/* Why CC (with EN=1) and the admin queue registers cannot start the controller, or NULL. */
static const char *enable_problem(struct soft_ctrl *c, uint32_t cc)
{
	unsigned mps = NVME_GET(cc, CC_MPS), css = NVME_GET(cc, CC_CSS);

	if (mps < NVME_CAP_MPSMIN(c->cap) || mps > NVME_CAP_MPSMAX(c->cap))
		return "CC.MPS outside CAP.MPSMIN..MPSMAX";
	if (css != NVME_CC_CSS_NVM && css != NVME_CC_CSS_ADMIN &&
	    !(css == NVME_CC_CSS_CSI && (NVME_CAP_CSS(c->cap) & NVME_CAP_CSS_CSI)))
		return "CC.CSS names a command set the controller does not support";
	if (NVME_AQA_ASQS(c->aqa) == 0 || NVME_AQA_ACQS(c->aqa) == 0)
		return "AQA gives an admin queue of one entry";
	if ((c->asq & ADMIN_BASE_RESERVED) || (c->acq & ADMIN_BASE_RESERVED))
		return "ASQ or ACQ is not 4 KiB aligned";
	if (c->asq == 0 || c->acq == 0)
		return "ASQ or ACQ is zero";
	return NULL;
}

static void enable(struct soft_ctrl *c, uint32_t cc)
{
	const char *problem = enable_problem(c, cc);

	c->stats.enables++;
	if (problem) {
		soft_violation(c, NVMU_SOFT_V_REGISTER, "enable with CC=%#x AQA=%#x ASQ=%#llx "
			       "ACQ=%#llx: %s", cc, c->aqa, (unsigned long long)c->asq,
			       (unsigned long long)c->acq, problem);
		soft_set_fatal(c, problem);
	}
	c->enabled = true;
	c->page_size = 4096u << NVME_GET(cc, CC_MPS);
	c->ready_at_ns = nvmu_now_ns() + (uint64_t)c->ready_delay_ms * 1000000u;
	soft_queues_admin(c);
}

/* CC.EN 1 -> 0: a controller reset. */
static void disable(struct soft_ctrl *c)
{
	c->stats.disables++;
	c->enabled = false;
	c->fatal = false;
	c->shst = NVME_CSTS_SHST_NORMAL;
	c->dbbuf_shadow = c->dbbuf_eventidx = 0;
	soft_file_drain(c, false); /* transfers in flight end before their memory may go */
	soft_pending_drop(c);
	soft_queues_reset(c);
	soft_features_reset(c);
	soft_fw_reset(c);
}

static void write_cc(struct soft_ctrl *c, uint32_t cc)
{
	uint32_t old = c->cc;
	bool en = NVME_GET(cc, CC_EN), was = NVME_GET(old, CC_EN);
	unsigned shn = NVME_GET(cc, CC_SHN), old_shn = NVME_GET(old, CC_SHN);

	c->cc = cc;
	if (en && !was)
		enable(c, cc);
	else if (!en && was)
		disable(c);
	if (shn && !old_shn) {
		/* RAM has nothing to flush; a file= is made durable. Then the shutdown is
		 * complete. */
		c->stats.shutdowns++;
		if (soft_file_sync(c) != 0)
			nvmu_log(NVMU_LOG_WARN, "%s: shutdown: fdatasync of %s: %s", c->name,
				 c->o.file, strerror(errno));
		c->shst = NVME_CSTS_SHST_CMPLT;
	} else if (!shn && old_shn) {
		c->shst = NVME_CSTS_SHST_NORMAL;
	}
}

static uint32_t half(uint64_t v, uint32_t off, uint32_t base)
{
	return off == base ? (uint32_t)v : (uint32_t)(v >> 32);
}

static void set_half(uint64_t *v, uint32_t off, uint32_t base, uint32_t val)
{
	if (off == base)
		*v = (*v & ~0xffffffffull) | val;
	else
		*v = (*v & 0xffffffffull) | (uint64_t)val << 32;
}

uint32_t soft_reg_read32(struct soft_ctrl *c, uint32_t off)
{
	if (c->removed)
		return ALL_ONES;
	switch (off) {
	case NVME_REG_CAP:
	case NVME_REG_CAP + 4: return half(c->cap, off, NVME_REG_CAP);
	case NVME_REG_VS: return c->o.vs;
	case NVME_REG_INTMS:
	case NVME_REG_INTMC: return c->intms;
	case NVME_REG_CC: return c->cc;
	case NVME_REG_CSTS: return soft_csts(c);
	case NVME_REG_AQA: return c->aqa;
	case NVME_REG_ASQ:
	case NVME_REG_ASQ + 4: return half(c->asq, off, NVME_REG_ASQ);
	case NVME_REG_ACQ:
	case NVME_REG_ACQ + 4: return half(c->acq, off, NVME_REG_ACQ);
	default: return 0;
	}
}

void soft_reg_write32(struct soft_ctrl *c, uint32_t off, uint32_t val)
{
	if (c->removed)
		return;
	switch (off) {
	case NVME_REG_CC: write_cc(c, val); break;
	case NVME_REG_INTMS: c->intms |= val; break;
	case NVME_REG_INTMC: c->intms &= ~val; break;
	case NVME_REG_AQA: c->aqa = val; break;
	case NVME_REG_ASQ:
	case NVME_REG_ASQ + 4: set_half(&c->asq, off, NVME_REG_ASQ, val); break;
	case NVME_REG_ACQ:
	case NVME_REG_ACQ + 4: set_half(&c->acq, off, NVME_REG_ACQ, val); break;
	case NVME_REG_CSTS: /* NSSRO is write-one-to-clear; nothing else is writable */
	case NVME_REG_NSSR: break;
	default:
		soft_violation(c, NVMU_SOFT_V_REGISTER, "write of %#x to register %#x, which is "
			       "read-only or reserved", val, off);
		break;
	}
}
