/* SPDX-License-Identifier: MIT */
/* Get Log Page: Error Information, SMART / Health Information, and the pages other files
 * keep (firmware slots, effects, supported pages, self-test, sanitize). */
#include <stdlib.h>
#include <string.h>

#include "soft.h"

#define LOG_MAX_BYTES (1u << 20)
#define TEMP_NOW_K 313 /* 40 C */
#define SPARE_PERCENT 100
#define SPARE_THRESHOLD 10
#define DATA_UNIT_BLOCKS 1000 /* SMART data units: thousands of 512-byte units */
#define PARAM_LOCATION_NONE 0xffff

void soft_error_record(struct soft_ctrl *c, const struct soft_cmd *cmd, uint16_t status)
{
	struct nvme_error_log_page *e = &c->errlog[c->error_count % SOFT_ERROR_LOG_ENTRIES];

	memset(e, 0, sizeof(*e));
	e->error_count = ++c->error_count;
	e->sqid = cmd->sqid;
	e->cmdid = cmd->sqe.cid;
	e->status_field = (uint16_t)(status << 1);
	e->parm_error_location = PARAM_LOCATION_NONE;
	e->lba = cmd->lba;
	e->nsid = cmd->sqe.nsid;
}

/* Newest entry first, as the specification orders them. */
size_t soft_error_log(struct soft_ctrl *c, uint8_t *buf)
{
	struct nvme_error_log_page *out = (struct nvme_error_log_page *)buf;
	uint64_t n = c->error_count < SOFT_ERROR_LOG_ENTRIES ? c->error_count
							     : SOFT_ERROR_LOG_ENTRIES;

	for (uint64_t i = 0; i < n; i++)
		out[i] = c->errlog[(c->error_count - 1 - i) % SOFT_ERROR_LOG_ENTRIES];
	return SOFT_ERROR_LOG_ENTRIES * sizeof(*out);
}

/* A 128-bit little-endian counter. */
static void put128(uint8_t *field, uint64_t v)
{
	memset(field, 0, 16);
	memcpy(field, &v, sizeof(v));
}

size_t soft_smart_log(struct soft_ctrl *c, uint8_t *buf)
{
	struct nvme_smart_log *s = (struct nvme_smart_log *)buf;
	uint16_t temp = TEMP_NOW_K;

	s->critical_warning = c->critical_warning;
	memcpy(s->temperature, &temp, sizeof(temp));
	s->avail_spare = SPARE_PERCENT;
	s->spare_thresh = SPARE_THRESHOLD;
	put128(s->data_units_read, (c->units_read + DATA_UNIT_BLOCKS - 1) / DATA_UNIT_BLOCKS);
	put128(s->data_units_written, (c->units_written + DATA_UNIT_BLOCKS - 1) / DATA_UNIT_BLOCKS);
	put128(s->host_reads, c->host_reads);
	put128(s->host_writes, c->host_writes);
	put128(s->power_cycles, 1);
	put128(s->num_err_log_entries, c->error_count);
	s->temp_sensor[0] = temp;
	return sizeof(*s);
}

uint16_t soft_get_log_page(struct soft_ctrl *c, struct soft_cmd *cmd)
{
	uint8_t lid = (uint8_t)cmd->sqe.cdw10;
	uint64_t numd = ((uint64_t)(cmd->sqe.cdw11 & 0xffff) << 16 | cmd->sqe.cdw10 >> 16) + 1;
	uint64_t offset = (uint64_t)cmd->sqe.cdw13 << 32 | cmd->sqe.cdw12;
	_Alignas(16) uint8_t log[LOG_PAGE_BUF_BYTES];
	size_t size, len = (size_t)numd * 4;
	uint8_t *out;
	uint16_t st;

	memset(log, 0, sizeof(log));
	switch (lid) {
	case NVME_LOG_LID_ERROR: size = soft_error_log(c, log); break;
	case NVME_LOG_LID_SMART: size = soft_smart_log(c, log); break;
	case NVME_LOG_LID_CHANGED_NS:
		size = soft_changed_ns_log(c, cmd->sqe.cdw10 & (1u << 15), log);
		break;
	case NVME_LOG_LID_TELEMETRY_HOST:
	case NVME_LOG_LID_TELEMETRY_CTRL:
		size = soft_telemetry_log(c, lid, (uint8_t)(cmd->sqe.cdw10 >> 8 & 0x7f), log);
		break;
	case NVME_LOG_LID_FW_SLOT: size = soft_fw_slot_log(c, log); break;
	case NVME_LOG_LID_SUPPORTED_LOG_PAGES: size = soft_supported_logs(c, log); break;
	case NVME_LOG_LID_CMD_EFFECTS: size = soft_effects_log(c, log); break;
	case NVME_LOG_LID_DEVICE_SELF_TEST:
		size = sizeof(c->self_test);
		memcpy(log, &c->self_test, size);
		break;
	case NVME_LOG_LID_SANITIZE:
		size = sizeof(c->sanitize);
		memcpy(log, &c->sanitize, size);
		break;
	default: return SOFT_SPECIFIC(NVME_SC_INVALID_LOG_PAGE);
	}
	if (offset & 3 || offset > size || len > LOG_MAX_BYTES)
		return SOFT_GENERIC(NVME_SC_INVALID_FIELD);
	out = calloc(1, len);
	if (!out)
		return SOFT_STATUS(NVME_SCT_GENERIC, NVME_SC_INTERNAL);
	memcpy(out, log + offset, size - offset < len ? size - offset : len);
	st = soft_data_out(c, cmd, out, len);
	free(out);
	return st;
}
