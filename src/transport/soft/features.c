/* SPDX-License-Identifier: MIT */
/* Get/Set Features: arbitration, power management, temperature threshold, error recovery,
 * volatile write cache, number of queues, interrupt coalescing and vector configuration,
 * write atomicity, asynchronous event configuration. Nothing is saveable. */
#include "soft.h"

#define SAVE_BIT (1u << 31)          /* Set Features CDW10 SV */
#define SUPPORTED_CHANGEABLE (1u << 2) /* Get Features SEL 3: the feature is changeable */
#define TEMP_OVER_DEFAULT 343         /* Kelvin, Identify WCTEMP */
#define THSEL_OVER 0
#define THSEL_UNDER 1
#define TMPSEL_COMPOSITE 0
#define QUEUES_INVALID 0xffffu

static struct soft_features defaults(const struct soft_ctrl *c)
{
	return (struct soft_features){
		.temp_over = TEMP_OVER_DEFAULT,
		.vwc = 1,
		.nsq = (uint16_t)(c->o.queues - 1),
		.ncq = (uint16_t)(c->o.queues - 1),
	};
}

void soft_features_reset(struct soft_ctrl *c)
{
	c->feat = defaults(c);
}

/* The stored word of a feature kept as one value, or NULL. */
static uint32_t *plain(struct soft_features *f, uint8_t fid)
{
	switch (fid) {
	case NVME_FEAT_FID_ARBITRATION: return &f->arbitration;
	case NVME_FEAT_FID_POWER_MGMT: return &f->power_mgmt;
	case NVME_FEAT_FID_ERR_RECOVERY: return &f->err_recovery;
	case NVME_FEAT_FID_VOLATILE_WC: return &f->vwc;
	case NVME_FEAT_FID_IRQ_COALESCE: return &f->irq_coalesce;
	case NVME_FEAT_FID_WRITE_ATOMIC: return &f->write_atomic;
	case NVME_FEAT_FID_ASYNC_EVENT: return &f->async_event;
	default: return NULL;
	}
}

/* The temperature threshold CDW11 selects, or NULL for a sensor or type not offered. */
static uint32_t *threshold(struct soft_features *f, uint32_t cdw11)
{
	unsigned thsel = NVME_GET(cdw11, FEAT_TT_THSEL), tmpsel = NVME_GET(cdw11, FEAT_TT_TMPSEL);

	if (tmpsel != TMPSEL_COMPOSITE)
		return NULL;
	return thsel == THSEL_OVER ? &f->temp_over : thsel == THSEL_UNDER ? &f->temp_under : NULL;
}

/* Read feature @fid from @f into *dw0; false if the feature is not offered. */
static bool read_feature(struct soft_ctrl *c, struct soft_features *f, uint8_t fid,
			 uint32_t cdw11, uint32_t *dw0)
{
	uint32_t *slot = plain(f, fid);

	if (slot) {
		*dw0 = *slot;
		return true;
	}
	switch (fid) {
	case NVME_FEAT_FID_TEMP_THRESH:
		slot = threshold(f, cdw11);
		*dw0 = slot ? *slot : 0;
		return slot != NULL;
	case NVME_FEAT_FID_NUM_QUEUES:
		*dw0 = NVME_SET((uint32_t)f->nsq, FEAT_NRQS_NSQR) |
		       NVME_SET((uint32_t)f->ncq, FEAT_NRQS_NCQR);
		return true;
	case NVME_FEAT_FID_IRQ_CONFIG:
		*dw0 = cdw11 & 0xffff; /* the vector; coalescing not disabled */
		return (cdw11 & 0xffff) < c->vectors;
	default:
		return false;
	}
}

uint16_t soft_get_features(struct soft_ctrl *c, struct soft_cmd *cmd)
{
	uint8_t fid = (uint8_t)cmd->sqe.cdw10;
	unsigned sel = (cmd->sqe.cdw10 >> 8) & 7;
	struct soft_features def = defaults(c);
	struct soft_features *f = sel == NVME_GET_FEATURES_SEL_CURRENT ? &c->feat : &def;
	uint32_t dw0 = 0;

	if (!read_feature(c, f, fid, cmd->sqe.cdw11, &dw0))
		return SOFT_GENERIC(NVME_SC_INVALID_FIELD);
	if (sel > NVME_GET_FEATURES_SEL_SUPPORTED)
		return SOFT_GENERIC(NVME_SC_INVALID_FIELD);
	cmd->dw0 = sel == NVME_GET_FEATURES_SEL_SUPPORTED ? SUPPORTED_CHANGEABLE : dw0;
	return 0;
}

static bool io_queues_exist(const struct soft_ctrl *c)
{
	return c->stats.io_queues_live != 0;
}

static uint16_t set_num_queues(struct soft_ctrl *c, struct soft_cmd *cmd)
{
	uint32_t nsq = NVME_GET(cmd->sqe.cdw11, FEAT_NRQS_NSQR);
	uint32_t ncq = NVME_GET(cmd->sqe.cdw11, FEAT_NRQS_NCQR);
	uint32_t max = c->o.queues - 1u;

	if (io_queues_exist(c))
		return SOFT_GENERIC(NVME_SC_CMD_SEQ_ERROR);
	if (nsq == QUEUES_INVALID || ncq == QUEUES_INVALID)
		return SOFT_GENERIC(NVME_SC_INVALID_FIELD);
	c->feat.nsq = (uint16_t)(nsq < max ? nsq : max);
	c->feat.ncq = (uint16_t)(ncq < max ? ncq : max);
	c->feat.queues_set = true;
	read_feature(c, &c->feat, NVME_FEAT_FID_NUM_QUEUES, 0, &cmd->dw0);
	return 0;
}

uint16_t soft_set_features(struct soft_ctrl *c, struct soft_cmd *cmd)
{
	uint8_t fid = (uint8_t)cmd->sqe.cdw10;
	uint32_t v = cmd->sqe.cdw11;
	uint32_t *slot = plain(&c->feat, fid);

	if (cmd->sqe.cdw10 & SAVE_BIT)
		return SOFT_SPECIFIC(NVME_SC_FEATURE_NOT_SAVEABLE);
	switch (fid) {
	case NVME_FEAT_FID_NUM_QUEUES:
		return set_num_queues(c, cmd);
	case NVME_FEAT_FID_TEMP_THRESH:
		slot = threshold(&c->feat, v);
		v = NVME_GET(v, FEAT_TT_TMPTH);
		break;
	case NVME_FEAT_FID_POWER_MGMT:
		if (NVME_GET(v, FEAT_PWRMGMT_PS) != 0) /* one power state (NPSS 0) */
			slot = NULL;
		break;
	case NVME_FEAT_FID_IRQ_CONFIG:
		return (v & 0xffff) < c->vectors ? 0 : SOFT_GENERIC(NVME_SC_INVALID_FIELD);
	default:
		break;
	}
	if (!slot)
		return SOFT_GENERIC(NVME_SC_INVALID_FIELD);
	*slot = v;
	return 0;
}
