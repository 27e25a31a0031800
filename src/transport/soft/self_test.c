/* SPDX-License-Identifier: MIT */
/*
 * Device Self-test (admin 14h) and its log page (06h). RAM holds no faults to find, so a
 * short or extended test ends at once without error: the command records its result as
 * the newest of the log's 20 entries, and no operation is ever in progress.
 */
#include <string.h>

#include "soft.h"

#define NSID_ALL 0xffffffffu
#define STC_MASK 0xfu
#define POWER_ON_HOURS 1

void soft_self_test_init(struct soft_ctrl *c)
{
	memset(&c->self_test, 0, sizeof(c->self_test));
	for (unsigned i = 0; i < NVME_LOG_ST_MAX_RESULTS; i++)
		c->self_test.result[i].dsts = NVME_ST_RESULT_NOT_USED;
}

uint16_t soft_self_test(struct soft_ctrl *c, struct soft_cmd *cmd)
{
	uint8_t stc = cmd->sqe.cdw10 & STC_MASK;
	uint32_t nsid = cmd->sqe.nsid;
	struct nvme_st_result *r = c->self_test.result;

	if (nsid != 0 && nsid != NSID_ALL && !soft_ns_get(c, nsid))
		return SOFT_GENERIC(NVME_SC_INVALID_NS);
	if (stc == NVME_ST_CODE_ABORT)
		return 0; /* no test is running: nothing to abort */
	if (stc != NVME_ST_CODE_SHORT && stc != NVME_ST_CODE_EXTENDED)
		return SOFT_GENERIC(NVME_SC_INVALID_FIELD);
	memmove(&r[1], &r[0], (NVME_LOG_ST_MAX_RESULTS - 1) * sizeof(r[0]));
	memset(&r[0], 0, sizeof(r[0]));
	r[0].dsts = (uint8_t)(stc << NVME_ST_CODE_SHIFT | NVME_ST_RESULT_NO_ERR);
	r[0].poh = POWER_ON_HOURS;
	if (nsid != 0) {
		r[0].vdi = NVME_ST_VALID_DIAG_INFO_NSID;
		r[0].nsid = nsid;
	}
	return 0;
}
