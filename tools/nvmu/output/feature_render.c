/* SPDX-License-Identifier: MIT */
/* Feature names, data lengths and value fields (the words of the NVMe specification). */
#include "feature_render.h"
#include "hexdump.h"

struct feature_info {
	uint8_t fid;
	uint16_t data_len;
	const char *name;
};

static const struct feature_info features[] = {
	{ 0x01, 0, "Arbitration" },
	{ 0x02, 0, "Power Management" },
	{ 0x03, 4096, "LBA Range Type" },
	{ 0x04, 0, "Temperature Threshold" },
	{ 0x05, 0, "Error Recovery" },
	{ 0x06, 0, "Volatile Write Cache" },
	{ 0x07, 0, "Number of Queues" },
	{ 0x08, 0, "Interrupt Coalescing" },
	{ 0x09, 0, "Interrupt Vector Configuration" },
	{ 0x0a, 0, "Write Atomicity Normal" },
	{ 0x0b, 0, "Async Event Configuration" },
	{ 0x0c, 256, "Autonomous Power State Transition" },
	{ 0x0d, 4096, "Host Memory Buffer" },
	{ 0x0e, 8, "Timestamp" },
	{ 0x0f, 0, "Keep Alive Timer" },
	{ 0x10, 0, "Host Controlled Thermal Management" },
	{ 0x11, 0, "Non-Operational Power State Config" },
	{ 0x12, 0, "Read Recovery Level" },
	{ 0x16, 0, "Host Behavior" },
	{ 0x17, 0, "Sanitize" },
	{ 0x80, 0, "Software Progress" },
	{ 0x81, 8, "Host Identifier" },
	{ 0x82, 0, "Reservation Notification Mask" },
	{ 0x83, 0, "Reservation Persistence" },
	{ 0x84, 0, "Namespace Write Protect" },
};

#define NFEATURES (sizeof(features) / sizeof(features[0]))

static const struct feature_info *find(uint8_t fid)
{
	for (size_t i = 0; i < NFEATURES; i++)
		if (features[i].fid == fid)
			return &features[i];
	return NULL;
}

const char *feature_name(uint8_t fid)
{
	const struct feature_info *f = find(fid);

	return f ? f->name : "Unknown";
}

uint32_t feature_data_len(uint8_t fid)
{
	const struct feature_info *f = find(fid);

	return f ? f->data_len : 0;
}

const char *feature_sel_name(unsigned sel)
{
	static const char *const names[] = { "Current", "Default", "Saved",
					     "Supported capabilities" };

	if (sel < 4)
		return names[sel];
	return sel == FEATURE_SEL_CHANGED ? "Changed" : "Reserved";
}

enum field_show {
	SHOW_UINT,      /* the number */
	SHOW_PLUS1,     /* a 0's based count */
	SHOW_ENABLED,   /* Enabled / Disabled */
	SHOW_TRUE,      /* True / False */
	SHOW_AEN,       /* Send async event / Do not send async event */
	SHOW_X100,      /* the number x 100 and the unit */
	SHOW_KELVIN_C,  /* "N Kelvin (C°C)" */
	SHOW_BURST,     /* 2^N, 7: No limit */
	SHOW_WORDS,     /* "N - <its words>" */
	SHOW_CELSIUS_K, /* "C°C (N Kelvin)" */
};

/* A field of a feature's value: bits [lo, lo + width), its label and how it reads. */
struct value_field {
	uint8_t fid, lo, width, show;
	const char *label; /* with its padding, as nvme-cli aligns them */
	const char *unit;  /* SHOW_X100 */
	const char *const *words; /* SHOW_WORDS: of values 0..; NULL-terminated; past: Reserved */
};

static const char *const workload_hints[] = {
	"No Workload", "Extended Idle Period with a Burst of Random Writes",
	"Heavy Sequential Writes", NULL,
};

static const char *const threshold_types[] = {
	"Over Temperature Threshold", "Under Temperature Threshold", NULL,
};

static const char *const threshold_sensors[] = {
	"Composite Temperature", "Temperature Sensor 1", "Temperature Sensor 2",
	"Temperature Sensor 3", "Temperature Sensor 4", "Temperature Sensor 5",
	"Temperature Sensor 6", "Temperature Sensor 7", "Temperature Sensor 8", NULL,
};

static const struct value_field value_fields[] = {
	{ 0x01, 24, 8, SHOW_PLUS1, "High Priority Weight   (HPW)", NULL, NULL },
	{ 0x01, 16, 8, SHOW_PLUS1, "Medium Priority Weight (MPW)", NULL, NULL },
	{ 0x01, 8, 8, SHOW_PLUS1, "Low Priority Weight    (LPW)", NULL, NULL },
	{ 0x01, 0, 3, SHOW_BURST, "Arbitration Burst       (AB)", NULL, NULL },
	{ 0x02, 5, 3, SHOW_WORDS, "Workload Hint (WH)", NULL, workload_hints },
	{ 0x02, 0, 5, SHOW_UINT, "Power State   (PS)", NULL, NULL },
	{ 0x04, 20, 2, SHOW_WORDS, "Threshold Type Select         (THSEL)", NULL, threshold_types },
	{ 0x04, 16, 4, SHOW_WORDS, "Threshold Temperature Select (TMPSEL)", NULL,
	  threshold_sensors },
	{ 0x04, 0, 16, SHOW_CELSIUS_K, "Temperature Threshold         (TMPTH)", NULL, NULL },
	{ 0x05, 16, 1, SHOW_ENABLED,
	  "Deallocated or Unwritten Logical Block Error Enable (DULBE)", NULL, NULL },
	{ 0x05, 0, 16, SHOW_X100, "Time Limited Error Recovery                          (TLER)",
	  " ms", NULL },
	{ 0x06, 0, 1, SHOW_ENABLED, "Volatile Write Cache Enable (WCE)", NULL, NULL },
	{ 0x07, 16, 16, SHOW_PLUS1, "Number of IO Completion Queues Allocated (NCQA)", NULL, NULL },
	{ 0x07, 0, 16, SHOW_PLUS1, "Number of IO Submission Queues Allocated (NSQA)", NULL, NULL },
	{ 0x08, 8, 8, SHOW_X100, "Aggregation Time     (TIME)", " usec", NULL },
	{ 0x08, 0, 8, SHOW_PLUS1, "Aggregation Threshold (THR)", NULL, NULL },
	{ 0x09, 16, 1, SHOW_TRUE, "Coalescing Disable (CD)", NULL, NULL },
	{ 0x09, 0, 16, SHOW_UINT, "Interrupt Vector   (IV)", NULL, NULL },
	{ 0x0a, 0, 1, SHOW_TRUE, "Disable Normal (DN)", NULL, NULL },
	{ 0x0b, 31, 1, SHOW_AEN, "Discovery Log Page Change Notices                         ",
	  NULL, NULL },
	{ 0x0b, 14, 1, SHOW_AEN, "Endurance Group Event Aggregate Log Change Notices        ",
	  NULL, NULL },
	{ 0x0b, 13, 1, SHOW_AEN, "LBA Status Information Notices                            ",
	  NULL, NULL },
	{ 0x0b, 12, 1, SHOW_AEN, "Predictable Latency Event Aggregate Log Change Notices    ",
	  NULL, NULL },
	{ 0x0b, 11, 1, SHOW_AEN, "Asymmetric Namespace Access Change Notices                ",
	  NULL, NULL },
	{ 0x0b, 10, 1, SHOW_AEN, "Telemetry Log Notices                                     ",
	  NULL, NULL },
	{ 0x0b, 9, 1, SHOW_AEN, "Firmware Activation Notices                               ",
	  NULL, NULL },
	{ 0x0b, 8, 1, SHOW_AEN, "Namespace Attribute Notices                               ",
	  NULL, NULL },
	{ 0x0b, 0, 8, SHOW_AEN, "SMART / Health Critical Warnings                          ",
	  NULL, NULL },
	{ 0x0c, 0, 1, SHOW_ENABLED, "Autonomous Power State Transition Enable (APSTE)", NULL, NULL },
	{ 0x0d, 0, 1, SHOW_ENABLED, "Enable Host Memory (EHM)", NULL, NULL },
	{ 0x0f, 0, 32, SHOW_UINT, "Keep Alive Timeout (KATO) in milliseconds", NULL, NULL },
	{ 0x10, 16, 16, SHOW_KELVIN_C, "Thermal Management Temperature 1 (TMT1) ", NULL, NULL },
	{ 0x10, 0, 16, SHOW_KELVIN_C, "Thermal Management Temperature 2 (TMT2) ", NULL, NULL },
};

static void print_field(FILE *out, const struct value_field *f, uint32_t value)
{
	uint32_t v = f->width == 32 ? value : value >> f->lo & ((1u << f->width) - 1u);

	fprintf(out, "\t%s: ", f->label);
	switch (f->show) {
	case SHOW_PLUS1:
		fprintf(out, "%u\n", v + 1);
		break;
	case SHOW_ENABLED:
		fputs(v ? "Enabled\n" : "Disabled\n", out);
		break;
	case SHOW_TRUE:
		fputs(v ? "True\n" : "False\n", out);
		break;
	case SHOW_AEN:
		fputs(v ? "Send async event\n" : "Do not send async event\n", out);
		break;
	case SHOW_X100:
		fprintf(out, "%u%s\n", v * 100, f->unit);
		break;
	case SHOW_KELVIN_C:
		fprintf(out, "%u Kelvin (%ld°C)\n", v, (long)v - 273);
		break;
	case SHOW_WORDS: {
		const char *w = "Reserved";

		for (uint32_t i = 0; f->words[i]; i++)
			if (i == v)
				w = f->words[i];
		fprintf(out, "%u - %s\n", v, w);
		break;
	}
	case SHOW_CELSIUS_K:
		fprintf(out, "%ld°C (%u Kelvin)\n", (long)v - 273, v);
		break;
	case SHOW_BURST:
		if (v == 7)
			fputs("No limit\n", out);
		else
			fprintf(out, "%u\n", 1u << v);
		break;
	default:
		fprintf(out, "%u\n", v);
	}
}

void feature_print(FILE *out, uint8_t fid, unsigned sel, uint32_t value, const uint8_t *data,
		   uint32_t len, bool human)
{
	/* nvme-cli's widths: "0x07" for a feature, "0x0000003f" for a value (0: "00000000"). */
	fprintf(out, "get-feature:%#0*x (%s), %s value:%#0*x\n", fid ? 4 : 2, fid,
		feature_name(fid), feature_sel_name(sel), value ? 10 : 8, value);
	if (sel == 3) {
		if (value & 1)
			fputs("  Feature is saveable\n", out);
		if (value & 2)
			fputs("  Feature is per-namespace\n", out);
		if (value & 4)
			fputs("  Feature is changeable\n", out);
		return;
	}
	for (size_t i = 0; human && i < sizeof(value_fields) / sizeof(value_fields[0]); i++)
		if (value_fields[i].fid == fid)
			print_field(out, &value_fields[i], value);
	if (len) /* nvmu does not decode the data structures of features: their bytes */
		hexdump(out, data, len);
}
