/* SPDX-License-Identifier: MIT */
/* Log page rendering: field tables with nvme-cli 2.x's JSON keys. */
#include <ctype.h>
#include <string.h>

#include "fields.h"
#include "log_render.h"

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))
#define S(key, label, member, kind) FIELD_L(struct nvme_smart_log, key, label, member, kind)

/* The fields before the temperature sensors... */
static const struct field smart_head[] = {
	S("critical_warning", NULL, critical_warning, FIELD_HEX),
	S("temperature", NULL, temperature, FIELD_KELVIN),
	S("avail_spare", "available_spare", avail_spare, FIELD_PERCENT),
	S("spare_thresh", "available_spare_threshold", spare_thresh, FIELD_PERCENT),
	S("percent_used", "percentage_used", percent_used, FIELD_PERCENT),
	S("endurance_grp_critical_warning_summary", "endurance_group_critical_warning_summary",
	  endu_grp_crit_warn_sumry, FIELD_HEX),
	S("data_units_read", NULL, data_units_read, FIELD_U128),
	S("data_units_written", NULL, data_units_written, FIELD_U128),
	S("host_read_commands", NULL, host_reads, FIELD_U128),
	S("host_write_commands", NULL, host_writes, FIELD_U128),
	S("controller_busy_time", NULL, ctrl_busy_time, FIELD_U128),
	S("power_cycles", NULL, power_cycles, FIELD_U128),
	S("power_on_hours", NULL, power_on_hours, FIELD_U128),
	S("unsafe_shutdowns", NULL, unsafe_shutdowns, FIELD_U128),
	S("media_errors", NULL, media_errors, FIELD_U128),
	S("num_err_log_entries", NULL, num_err_log_entries, FIELD_U128),
	S("warning_temp_time", NULL, warning_temp_time, FIELD_UINT),
	S("critical_comp_time", NULL, critical_comp_time, FIELD_UINT),
};

/* ...and after them. */
static const struct field smart_tail[] = {
	S("thm_temp1_trans_count", NULL, thm_temp1_trans_count, FIELD_UINT),
	S("thm_temp2_trans_count", NULL, thm_temp2_trans_count, FIELD_UINT),
	S("thm_temp1_total_time", NULL, thm_temp1_total_time, FIELD_UINT),
	S("thm_temp2_total_time", NULL, thm_temp2_total_time, FIELD_UINT),
};
#undef S

/* The temperature sensors that report (non-zero), as fields "temperature_sensor_N". */
static size_t smart_sensors(const struct nvme_smart_log *log, struct field f[8], char keys[8][24])
{
	size_t n = 0;

	for (unsigned i = 0; i < 8; i++) {
		if (!field_le(&log->temp_sensor[i], 2))
			continue;
		snprintf(keys[n], sizeof(keys[n]), "temperature_sensor_%u", i + 1);
		f[n] = (struct field){ keys[n], NULL,
				       (uint16_t)(offsetof(struct nvme_smart_log, temp_sensor) +
						  2 * i),
				       2, FIELD_KELVIN };
		n++;
	}
	return n;
}

void smart_log_json(struct json *j, const struct nvme_smart_log *log)
{
	struct field sensors[8];
	char keys[8][24];
	size_t ns = smart_sensors(log, sensors, keys);

	json_object_begin(j);
	fields_json(j, smart_head, NFIELDS(smart_head), log);
	fields_json(j, sensors, ns, log);
	fields_json(j, smart_tail, NFIELDS(smart_tail), log);
	json_object_end(j);
}

void smart_log_print(FILE *out, const struct nvme_smart_log *log)
{
	struct field sensors[8];
	char keys[8][24];
	size_t ns = smart_sensors(log, sensors, keys);
	int width = 40;

	fprintf(out, "SMART / Health log:\n");
	fields_print(out, smart_head, NFIELDS(smart_head), log, width);
	fields_print(out, sensors, ns, log, width);
	fields_print(out, smart_tail, NFIELDS(smart_tail), log, width);
}

#define ERROR_VALUES 12

/* An error entry's values, with nvme-cli's keys (the status split from its phase tag). */
static size_t error_decode(const struct nvme_error_log_page *e, struct named_value v[ERROR_VALUES])
{
	uint16_t status = (uint16_t)field_le(&e->status_field, 2);
	size_t n = 0;

	v[n++] = (struct named_value){ "error_count", field_le(&e->error_count, 8) };
	v[n++] = (struct named_value){ "sqid", field_le(&e->sqid, 2) };
	v[n++] = (struct named_value){ "cmdid", field_le(&e->cmdid, 2) };
	v[n++] = (struct named_value){ "status_field", status >> 1 };
	v[n++] = (struct named_value){ "phase_tag", status & 1u };
	v[n++] = (struct named_value){ "parm_error_location",
				       field_le(&e->parm_error_location, 2) };
	v[n++] = (struct named_value){ "lba", field_le(&e->lba, 8) };
	v[n++] = (struct named_value){ "nsid", field_le(&e->nsid, 4) };
	v[n++] = (struct named_value){ "vs", e->vs };
	v[n++] = (struct named_value){ "trtype", e->trtype };
	v[n++] = (struct named_value){ "cs", field_le(&e->cs, 8) };
	v[n++] = (struct named_value){ "trtype_spec_info", field_le(&e->trtype_spec_info, 2) };
	return n;
}

void error_log_json(struct json *j, const struct nvme_error_log_page *e, size_t n)
{
	struct named_value v[ERROR_VALUES];

	json_object_begin(j);
	json_key(j, "errors");
	json_array_begin(j);
	for (size_t i = 0; i < n; i++) {
		json_object_begin(j);
		named_values_json(j, v, error_decode(&e[i], v));
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

void error_log_print(FILE *out, const struct nvme_error_log_page *e, size_t n)
{
	struct named_value v[ERROR_VALUES];

	fprintf(out, "Error Information log: %zu entries\n", n);
	for (size_t i = 0; i < n; i++) {
		size_t nv = error_decode(&e[i], v);

		fprintf(out, "Entry[%2zu]\n", i);
		for (size_t k = 0; k < nv; k++)
			fprintf(out, "  %-20s : %#llx\n", v[k].key, (unsigned long long)v[k].value);
	}
}

/* Slot @p i's revision as nvme-cli shows it: the 8 bytes as a number and as text. */
static void fw_slot_text(const struct nvme_firmware_slot *fw, unsigned i, bool hex, char *out,
			 size_t len)
{
	uint64_t v = field_le(fw->frs[i], 8);
	char ascii[9];

	for (unsigned k = 0; k < 8; k++)
		ascii[k] = isgraph((unsigned char)fw->frs[i][k]) ? fw->frs[i][k] : '.';
	ascii[8] = '\0';
	snprintf(out, len, hex ? "%#llx (%s)" : "%llu (%s)", (unsigned long long)v, ascii);
}

void fw_log_json(struct json *j, const char *dev, const struct nvme_firmware_slot *fw)
{
	char key[32], text[48];

	json_object_begin(j);
	json_key(j, dev);
	json_object_begin(j);
	json_key(j, "Active Firmware Slot (afi)");
	json_uint(j, fw->afi);
	for (unsigned i = 0; i < 7; i++) {
		if (!field_le(fw->frs[i], 8))
			continue;
		snprintf(key, sizeof(key), "Firmware Rev Slot %u", i + 1);
		fw_slot_text(fw, i, false, text, sizeof(text));
		json_key(j, key);
		json_string(j, text);
	}
	json_object_end(j);
	json_object_end(j);
}

void fw_log_print(FILE *out, const char *dev, const struct nvme_firmware_slot *fw)
{
	char text[48];

	fprintf(out, "Firmware Log for device:%s\n", dev);
	fprintf(out, "afi  : %#x\n", fw->afi);
	for (unsigned i = 0; i < 7; i++) {
		if (!field_le(fw->frs[i], 8))
			continue;
		fw_slot_text(fw, i, true, text, sizeof(text));
		fprintf(out, "frs%u : %s\n", i + 1, text);
	}
}
