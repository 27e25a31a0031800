/* SPDX-License-Identifier: MIT */
/* Names of NVMe commands and log pages, as nvme-cli prints them (its keys contain them). */
#include <nvme/types.h>

#include "names.h"

struct name {
	uint8_t id;
	const char *text;
};

static const struct name admin_names[] = {
	{ nvme_admin_delete_sq, "Delete I/O Submission Queue" },
	{ nvme_admin_create_sq, "Create I/O Submission Queue" },
	{ nvme_admin_get_log_page, "Get Log Page" },
	{ nvme_admin_delete_cq, "Delete I/O Completion Queue" },
	{ nvme_admin_create_cq, "Create I/O Completion Queue" },
	{ nvme_admin_identify, "Identify" },
	{ nvme_admin_abort_cmd, "Abort" },
	{ nvme_admin_set_features, "Set Features" },
	{ nvme_admin_get_features, "Get Features" },
	{ nvme_admin_async_event, "Asynchronous Event Request" },
	{ nvme_admin_ns_mgmt, "Namespace Management" },
	{ nvme_admin_fw_commit, "Firmware Commit" },
	{ nvme_admin_fw_download, "Firmware Image Download" },
	{ nvme_admin_dev_self_test, "Device Self-test" },
	{ nvme_admin_ns_attach, "Namespace Attachment" },
	{ nvme_admin_keep_alive, "Keep Alive" },
	{ nvme_admin_directive_send, "Directive Send" },
	{ nvme_admin_directive_recv, "Directive Receive" },
	{ nvme_admin_virtual_mgmt, "Virtualization Management" },
	{ nvme_admin_nvme_mi_send, "NVMe-MI Send" },
	{ nvme_admin_nvme_mi_recv, "NVMe-MI Receive" },
	{ nvme_admin_dbbuf, "Doorbell Buffer Config" },
	{ nvme_admin_format_nvm, "Format NVM" },
	{ nvme_admin_security_send, "Security Send" },
	{ nvme_admin_security_recv, "Security Receive" },
	{ nvme_admin_sanitize_nvm, "Sanitize" },
	{ nvme_admin_get_lba_status, "Get LBA Status" },
};

static const struct name io_names[] = {
	{ nvme_cmd_flush, "Flush" },
	{ nvme_cmd_write, "Write" },
	{ nvme_cmd_read, "Read" },
	{ nvme_cmd_write_uncor, "Write Uncorrectable" },
	{ nvme_cmd_compare, "Compare" },
	{ nvme_cmd_write_zeroes, "Write Zeroes" },
	{ nvme_cmd_dsm, "Dataset Management" },
	{ nvme_cmd_resv_register, "Reservation Register" },
	{ nvme_cmd_resv_report, "Reservation Report" },
	{ nvme_cmd_resv_acquire, "Reservation Acquire" },
	{ nvme_cmd_resv_release, "Reservation Release" },
	{ nvme_cmd_verify, "Verify" },
	{ nvme_cmd_copy, "Copy" },
	{ nvme_zns_cmd_mgmt_send, "Zone Management Send" },
	{ nvme_zns_cmd_mgmt_recv, "Zone Management Receive" },
	{ nvme_zns_cmd_append, "Zone Append" },
};

static const struct name log_names[] = {
	{ NVME_LOG_LID_SUPPORTED_LOG_PAGES, "Supported Log Pages" },
	{ NVME_LOG_LID_ERROR, "Error Information" },
	{ NVME_LOG_LID_SMART, "SMART / Health Information" },
	{ NVME_LOG_LID_FW_SLOT, "Firmware Slot Information" },
	{ NVME_LOG_LID_CHANGED_NS, "Changed Namespace List" },
	{ NVME_LOG_LID_CMD_EFFECTS, "Commands Supported and Effects" },
	{ NVME_LOG_LID_DEVICE_SELF_TEST, "Device Self-test" },
	{ NVME_LOG_LID_TELEMETRY_HOST, "Telemetry Host-Initiated" },
	{ NVME_LOG_LID_TELEMETRY_CTRL, "Telemetry Controller-Initiated" },
	{ NVME_LOG_LID_ENDURANCE_GROUP, "Endurance Group Information" },
	{ NVME_LOG_LID_PREDICTABLE_LAT_NVMSET, "Predictable Latency Per NVM Set" },
	{ NVME_LOG_LID_PREDICTABLE_LAT_AGG, "Predictable Latency Event Aggregate" },
	{ NVME_LOG_LID_ANA, "Asymmetric Namespace Access" },
	{ NVME_LOG_LID_PERSISTENT_EVENT, "Persistent Event Log" },
	{ NVME_LOG_LID_LBA_STATUS, "LBA Status Information" },
	{ NVME_LOG_LID_ENDURANCE_GRP_EVT, "Endurance Group Event Aggregate" },
	{ NVME_LOG_LID_FID_SUPPORTED_EFFECTS, "Feature Identifiers Supported and Effects" },
	{ NVME_LOG_LID_BOOT_PARTITION, "Boot Partition" },
	{ NVME_LOG_LID_DISCOVER, "Discovery" },
	{ NVME_LOG_LID_RESERVATION, "Reservation Notification" },
	{ NVME_LOG_LID_SANITIZE, "Sanitize Status" },
	{ NVME_LOG_LID_ZNS_CHANGED_ZONES, "Changed Zone List" },
};

static const char *find(const struct name *t, unsigned n, uint8_t id)
{
	for (unsigned i = 0; i < n; i++)
		if (t[i].id == id)
			return t[i].text;
	return "Unknown";
}

#define FIND(table, id) find(table, sizeof(table) / sizeof(table[0]), id)

const char *opcode_name(bool admin, uint8_t opcode)
{
	return admin ? FIND(admin_names, opcode) : FIND(io_names, opcode);
}

const char *log_page_name(uint8_t lid)
{
	return FIND(log_names, lid);
}
