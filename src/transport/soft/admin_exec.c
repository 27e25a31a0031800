/* SPDX-License-Identifier: MIT */
/* The software controller executes admin commands: dispatch by opcode, Abort, and
 * Asynchronous Event Request. */
#include "sgl.h"
#include "soft.h"

#define ABORT_NOT_ABORTED 1u /* Abort dw0 bit 0: the command was not aborted */

static uint16_t abort_cmd(struct soft_ctrl *c, struct soft_cmd *cmd)
{
	uint16_t sqid = (uint16_t)cmd->sqe.cdw10, cid = (uint16_t)(cmd->sqe.cdw10 >> 16);
	bool aborted = soft_pending_abort(c, sqid, cid,
					  SOFT_STATUS(NVME_SCT_GENERIC, NVME_SC_ABORT_REQ));

	cmd->dw0 = aborted ? 0 : ABORT_NOT_ABORTED;
	return 0;
}

static uint16_t async_event_request(struct soft_ctrl *c)
{
	if (c->aers > SOFT_AERL)
		return SOFT_SPECIFIC(NVME_SC_ASYNC_LIMIT);
	return SOFT_HOLD;
}

uint16_t soft_admin_exec(struct soft_ctrl *c, struct soft_cmd *cmd)
{
	if (SOFT_PSDT(cmd->sqe.flags) != 0)
		return soft_dptr_resolve(c, cmd, 1); /* counted as an SGL violation */
	switch (cmd->sqe.opcode) {
	case nvme_admin_identify: return soft_identify(c, cmd);
	case nvme_admin_get_features: return soft_get_features(c, cmd);
	case nvme_admin_set_features: return soft_set_features(c, cmd);
	case nvme_admin_get_log_page: return soft_get_log_page(c, cmd);
	case nvme_admin_create_cq: return soft_create_cq(c, cmd);
	case nvme_admin_create_sq: return soft_create_sq(c, cmd);
	case nvme_admin_delete_sq: return soft_delete_sq(c, cmd);
	case nvme_admin_delete_cq: return soft_delete_cq(c, cmd);
	case nvme_admin_abort_cmd: return abort_cmd(c, cmd);
	case nvme_admin_async_event: return async_event_request(c);
	case nvme_admin_dbbuf: return soft_dbbuf_config(c, cmd);
	case nvme_admin_format_nvm: return soft_format(c, cmd);
	case nvme_admin_keep_alive: return 0;
	case nvme_admin_dev_self_test: return soft_self_test(c, cmd);
	case nvme_admin_sanitize_nvm: return soft_sanitize(c, cmd);
	case nvme_admin_fw_download: return soft_fw_download(c, cmd);
	case nvme_admin_fw_commit: return soft_fw_commit(c, cmd);
	case nvme_admin_get_lba_status: return soft_get_lba_status(c, cmd);
	case nvme_admin_ns_mgmt: return soft_ns_mgmt(c, cmd);
	case nvme_admin_ns_attach: return soft_ns_attach(c, cmd);
	default: return SOFT_GENERIC(NVME_SC_INVALID_OPCODE);
	}
}
