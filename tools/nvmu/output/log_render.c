/* SPDX-License-Identifier: MIT */
/* Log page rendering: field tables with nvme-cli 2.x's JSON keys. */
#include <ctype.h>
#include <string.h>

#include "fields.h"
#include "log_render.h"
#include "nvmu/nvme_cmd.h"

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

/* A 128-bit counter of 512,000-byte units as nvme-cli's SI size: "1.23 GB". */
static void si_size(const uint8_t *counter, char *out, size_t len)
{
	static const char *const units[] = { "", "k", "M", "G", "T", "P", "E", "Z", "Y" };
	long double v = 0;
	unsigned u = 0;

	for (int i = 15; i >= 0; i--)
		v = v * 256 + counter[i];
	v *= 1000 * 512;
	while (v >= 1000 && u < sizeof(units) / sizeof(units[0]) - 1) {
		v /= 1000;
		u++;
	}
	snprintf(out, len, "%.2Lf %sB", v, units[u]);
}

/* Critical Warning bits, as nvme-cli -H lists them. */
static const char *const critical_warning_bits[] = {
	"Available Spare[0]             ", "Temp. Threshold[1]             ",
	"NVM subsystem Reliability[2]   ", "Read-only[3]                   ",
	"Volatile mem. backup failed[4] ", "Persistent Mem. RO[5]          ",
};

/* One text line "label : value" with nvme-cli's label column. */
static void smart_line(FILE *out, const char *label, const char *value)
{
	fprintf(out, "%-40s: %s\n", label, value);
}

/* A field of the log as text, by its JSON key in smart_head/smart_tail. */
static void smart_field(FILE *out, const struct nvme_smart_log *log, const struct field *f,
			const char *label)
{
	char text[80];

	field_text(f, (const uint8_t *)log + f->offset, true, text, sizeof(text));
	smart_line(out, label, text);
}

/* nvme-cli's text labels of the counters, in the order of smart_head from index 6. */
static const char *const smart_head_labels[] = {
	"Data Units Read", "Data Units Written", "host_read_commands", "host_write_commands",
	"controller_busy_time", "power_cycles", "power_on_hours", "unsafe_shutdowns",
	"media_errors", "num_err_log_entries", "Warning Temperature Time",
	"Critical Composite Temperature Time",
};

static const char *const smart_tail_labels[] = {
	"Thermal Management T1 Trans Count", "Thermal Management T2 Trans Count",
	"Thermal Management T1 Total Time", "Thermal Management T2 Total Time",
};

void smart_log_print(FILE *out, const struct nvme_smart_log *log, const char *dev,
		     uint32_t nsid, bool human)
{
	struct field sensors[8];
	char keys[8][24], label[128], text[80], si[32];
	size_t ns = smart_sensors(log, sensors, keys);

	fprintf(out, "Smart Log for NVME device:%s namespace-id:%x\n", dev, nsid);
	snprintf(text, sizeof(text), "%#x", log->critical_warning);
	smart_line(out, "critical_warning", text);
	for (unsigned b = 0; human && b < 6; b++)
		fprintf(out, "      %s: %u\n", critical_warning_bits[b],
			(log->critical_warning >> b) & 1u);
	smart_field(out, log, &smart_head[1], "temperature");
	smart_field(out, log, &smart_head[2], "available_spare");
	smart_field(out, log, &smart_head[3], "available_spare_threshold");
	smart_field(out, log, &smart_head[4], "percentage_used");
	snprintf(text, sizeof(text), "%#x", log->endu_grp_crit_warn_sumry);
	smart_line(out, "endurance group critical warning summary", text);
	for (size_t i = 6; i < NFIELDS(smart_head); i++) {
		const struct field *f = &smart_head[i];

		if (i > 7) {
			smart_field(out, log, f, smart_head_labels[i - 6]);
			continue;
		}
		/* Data units: the count and its size in bytes (units of 1000 x 512 bytes). */
		field_text(f, (const uint8_t *)log + f->offset, true, text, sizeof(text));
		si_size((const uint8_t *)log + f->offset, si, sizeof(si));
		snprintf(label, sizeof(label), "%s (%s)", text, si);
		smart_line(out, smart_head_labels[i - 6], label);
	}
	for (size_t i = 0; i < ns; i++) {
		snprintf(label, sizeof(label), "Temperature Sensor %s", keys[i] + 19);
		smart_field(out, log, &sensors[i], label);
	}
	for (size_t i = 0; i < NFIELDS(smart_tail); i++)
		smart_field(out, log, &smart_tail[i], smart_tail_labels[i]);
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

void error_log_print(FILE *out, const struct nvme_error_log_page *e, size_t n, const char *dev)
{
	char status[NVMU_STATUS_TEXT_MAX];

	fprintf(out, "Error Log Entries for device:%s entries:%zu\n.................\n", dev, n);
	for (size_t i = 0; i < n; i++) {
		uint16_t sf = (uint16_t)field_le(&e[i].status_field, 2);

		fprintf(out, " Entry[%2zu]   \n.................\n", i);
		fprintf(out, "%-16s: %llu\n", "error_count",
			(unsigned long long)field_le(&e[i].error_count, 8));
		fprintf(out, "%-16s: %u\n", "sqid", (unsigned)field_le(&e[i].sqid, 2));
		fprintf(out, "%-16s: %#x\n", "cmdid", (unsigned)field_le(&e[i].cmdid, 2));
		/* The status in the driver's words; the field without its phase tag (bit 0). */
		fprintf(out, "%-16s: %#x(%s)\n", "status_field", sf >> 1u,
			sf >> 1 ? nvmu_status_text(sf >> 1, status, sizeof(status)) : "SUCCESS");
		fprintf(out, "%-16s: %#x\n", "phase_tag", sf & 1u);
		fprintf(out, "%-16s: %#x\n", "parm_err_loc",
			(unsigned)field_le(&e[i].parm_error_location, 2));
		fprintf(out, "%-16s: %#llx\n", "lba", (unsigned long long)field_le(&e[i].lba, 8));
		fprintf(out, "%-16s: %#x\n", "nsid", (unsigned)field_le(&e[i].nsid, 4));
		fprintf(out, "%-16s: %u\n", "vs", e[i].vs);
		fprintf(out, "%-16s: %u\n", "trtype", e[i].trtype);
		fprintf(out, "%-16s: %#llx\n", "cs", (unsigned long long)field_le(&e[i].cs, 8));
		fprintf(out, "%-16s: %#x\n", "trtype_spec_info",
			(unsigned)field_le(&e[i].trtype_spec_info, 2));
		fputs(".................\n", out);
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
	/* The text form pads to 16 characters, as nvme-cli's. */
	snprintf(out, len, hex ? "%#016llx (%s)" : "%llu (%s)", (unsigned long long)v, ascii);
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
		if (!fw->frs[i][0]) /* nvme-cli's text skips a slot whose first byte is 0 */
			continue;
		fw_slot_text(fw, i, true, text, sizeof(text));
		fprintf(out, "frs%u : %s\n", i + 1, text);
	}
}
