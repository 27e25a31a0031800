/* SPDX-License-Identifier: MIT */
/*
 * The log pages that describe the controller itself: Commands Supported and Effects
 * (05h), one entry per command the software controller executes, and Supported Log Pages
 * (00h). Both are derived from the same lists as the dispatch in admin_exec.c and io.c,
 * so a command that is added there must be added here too.
 */
#include <string.h>

#include "soft.h"

#define CSE_ANY_NAMESPACE (2u << 16) /* no other command for any namespace meanwhile */

struct effect {
	uint8_t opcode;
	uint32_t effects; /* besides CSUPP */
};

static const struct effect admin_cmds[] = {
	{ nvme_admin_delete_sq, 0 },
	{ nvme_admin_create_sq, 0 },
	{ nvme_admin_get_log_page, 0 },
	{ nvme_admin_delete_cq, 0 },
	{ nvme_admin_create_cq, 0 },
	{ nvme_admin_identify, 0 },
	{ nvme_admin_abort_cmd, 0 },
	{ nvme_admin_set_features, 0 },
	{ nvme_admin_get_features, 0 },
	{ nvme_admin_async_event, 0 },
	{ nvme_admin_ns_mgmt, NVME_CMD_EFFECTS_NIC },
	{ nvme_admin_fw_commit, NVME_CMD_EFFECTS_CCC },
	{ nvme_admin_fw_download, 0 },
	{ nvme_admin_dev_self_test, 0 },
	{ nvme_admin_ns_attach, NVME_CMD_EFFECTS_NIC },
	{ nvme_admin_keep_alive, 0 },
	{ nvme_admin_dbbuf, 0 },
	{ nvme_admin_format_nvm, NVME_CMD_EFFECTS_LBCC | NVME_CMD_EFFECTS_NCC | CSE_ANY_NAMESPACE },
	{ nvme_admin_sanitize_nvm, NVME_CMD_EFFECTS_LBCC | NVME_CMD_EFFECTS_NCC |
				   CSE_ANY_NAMESPACE },
	{ nvme_admin_get_lba_status, 0 },
};

static const struct effect io_cmds[] = {
	{ nvme_cmd_flush, 0 },
	{ nvme_cmd_write, NVME_CMD_EFFECTS_LBCC },
	{ nvme_cmd_read, 0 },
	{ nvme_cmd_write_uncor, NVME_CMD_EFFECTS_LBCC },
	{ nvme_cmd_compare, 0 },
	{ nvme_cmd_write_zeroes, NVME_CMD_EFFECTS_LBCC },
	{ nvme_cmd_dsm, NVME_CMD_EFFECTS_LBCC },
	{ nvme_cmd_verify, 0 },
	{ nvme_cmd_copy, NVME_CMD_EFFECTS_LBCC },
	{ nvme_cmd_resv_register, 0 },
	{ nvme_cmd_resv_report, 0 },
	{ nvme_cmd_resv_acquire, 0 },
	{ nvme_cmd_resv_release, 0 },
};

static const uint8_t log_pages[] = {
	NVME_LOG_LID_SUPPORTED_LOG_PAGES, NVME_LOG_LID_ERROR, NVME_LOG_LID_SMART,
	NVME_LOG_LID_FW_SLOT, NVME_LOG_LID_CHANGED_NS, NVME_LOG_LID_CMD_EFFECTS,
	NVME_LOG_LID_DEVICE_SELF_TEST,
	NVME_LOG_LID_TELEMETRY_HOST, NVME_LOG_LID_TELEMETRY_CTRL,
	NVME_LOG_LID_SANITIZE,
};

size_t soft_effects_log(struct soft_ctrl *c, uint8_t *buf)
{
	struct nvme_cmd_effects_log *log = (struct nvme_cmd_effects_log *)buf;

	for (size_t i = 0; i < sizeof(admin_cmds) / sizeof(admin_cmds[0]); i++) {
		if (admin_cmds[i].opcode == nvme_admin_dbbuf && !c->o.dbbuf)
			continue;
		log->acs[admin_cmds[i].opcode] = NVME_CMD_EFFECTS_CSUPP | admin_cmds[i].effects;
	}
	for (size_t i = 0; i < sizeof(io_cmds) / sizeof(io_cmds[0]); i++)
		log->iocs[io_cmds[i].opcode] = NVME_CMD_EFFECTS_CSUPP | io_cmds[i].effects;
	return sizeof(*log);
}

size_t soft_supported_logs(struct soft_ctrl *c, uint8_t *buf)
{
	struct nvme_supported_log_pages *log = (struct nvme_supported_log_pages *)buf;

	(void)c;
	for (size_t i = 0; i < sizeof(log_pages); i++)
		log->lid_support[log_pages[i]] = 1; /* LSUPP */
	return sizeof(*log);
}
