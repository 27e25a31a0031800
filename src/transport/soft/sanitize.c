/* SPDX-License-Identifier: MIT */
/*
 * Sanitize (admin 84h): block erase, overwrite and crypto erase all end at once by
 * erasing every namespace; the Sanitize Status log (81h) then reports the operation as
 * completed, with the command's dword 10.
 */
#include <string.h>

#include "soft.h"

#define SANACT_MASK 0x7u
#define SANACT_EXIT_FAILURE 1u
#define SANACT_BLOCK_ERASE 2u
#define SANACT_OVERWRITE 3u
#define SANACT_CRYPTO_ERASE 4u
#define NODAS (1u << 9) /* No Deallocate After Sanitize */
#define OWPASS_SHIFT 4
#define OWPASS_MASK 0xfu
#define SPROG_DONE 0xffff

uint16_t soft_sanitize(struct soft_ctrl *c, struct soft_cmd *cmd)
{
	uint32_t cdw10 = cmd->sqe.cdw10, sanact = cdw10 & SANACT_MASK;
	struct nvme_sanitize_log_page *log = &c->sanitize;
	uint16_t sstat;

	if (sanact == SANACT_EXIT_FAILURE)
		return 0; /* a sanitize never fails here: there is no failure mode to leave */
	if (sanact < SANACT_BLOCK_ERASE || sanact > SANACT_CRYPTO_ERASE)
		return SOFT_GENERIC(NVME_SC_INVALID_FIELD);
	for (uint32_t i = 0; i < c->nn; i++)
		if (c->ns[i].allocated)
			soft_ns_erase(&c->ns[i]);
	sstat = cdw10 & NODAS ? NVME_SANITIZE_SSTAT_STATUS_ND_COMPLETE_SUCCESS
			      : NVME_SANITIZE_SSTAT_STATUS_COMPLETE_SUCCESS;
	if (sanact == SANACT_OVERWRITE) {
		uint16_t passes = cdw10 >> OWPASS_SHIFT & OWPASS_MASK;

		if (passes == 0)
			passes = 16; /* OWPASS 0 means 16 passes */

		sstat |= (uint16_t)(passes << NVME_SANITIZE_SSTAT_COMPLETED_PASSES_SHIFT);
	}
	sstat |= NVME_SANITIZE_SSTAT_GLOBAL_DATA_ERASED;
	memset(log, 0, sizeof(*log));
	log->sprog = SPROG_DONE;
	log->sstat = sstat;
	log->scdw10 = cdw10;
	return 0;
}
