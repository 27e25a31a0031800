/* SPDX-License-Identifier: MIT */
/* Bit field decodings of Identify Controller and Namespace fields (the words of the spec). */
#include <string.h>

#include "bits.h"

enum bit_kind {
	BIT_SUPPORTED, /* "<text> Supported" or "<text> Not Supported" */
	BIT_EITHER,    /* one text when set, another when clear */
	BIT_VALUE,     /* the text as it is: the field is a number */
	BIT_POW2,      /* the text and "(2^value)" */
	BIT_FLUSH,     /* VWC bits 2:1: the Flush command's broadcast NSID behaviour */
	BIT_NOT_SET,   /* "<text> Not Supported" when set, "<text> Supported" when clear */
	BIT_CHOICE,    /* the text followed by the words of the value (8 at most) */
};

struct bit_line {
	uint8_t hi, lo, kind;
	const char *set, *clear;     /* clear: only for BIT_EITHER */
	const char *const *choices;  /* BIT_CHOICE: the words of values 0-7 */
};

struct bit_table {
	const char *key;
	const struct bit_line *lines;
	size_t n;
};

#define S(hi, lo, text) { hi, lo, BIT_SUPPORTED, text, NULL, NULL }
#define E(hi, lo, set, clear) { hi, lo, BIT_EITHER, set, clear, NULL }
#define V(hi, lo, text) { hi, lo, BIT_VALUE, text, NULL, NULL }

static const struct bit_line cmic[] = {
	E(3, 3, "ANA supported", "ANA not supported"), E(2, 2, "SR-IOV", "PCI"),
	E(1, 1, "Multi Controller", "Single Controller"), E(0, 0, "Multi Port", "Single Port"),
};

static const struct bit_line oacs[] = {
	S(10, 10, "Lockdown Command and Feature"), S(9, 9, "Get LBA Status Capability"),
	S(8, 8, "Doorbell Buffer Config"), S(7, 7, "Virtualization Management"),
	S(6, 6, "NVMe-MI Send and Receive"), S(5, 5, "Directives"),
	S(4, 4, "Device Self-test"), S(3, 3, "NS Management and Attachment"),
	S(2, 2, "FW Commit and Download"), S(1, 1, "Format NVM"),
	S(0, 0, "Security Send and Receive"),
};

static const struct bit_line frmw[] = {
	S(5, 5, "Multiple FW or Boot Update Detection"),
	S(4, 4, "Firmware Activate Without Reset"), V(3, 1, "Number of Firmware Slots"),
	E(0, 0, "Firmware Slot 1 Read-Only", "Firmware Slot 1 Read/Write"),
};

static const struct bit_line lpa[] = {
	S(6, 6, "Telemetry Log Data Area 4"),
	S(5, 5, "LID 0x0, Scope of each command in LID 0x5, 0x12, 0x13"),
	S(4, 4, "Persistent Event log"), S(3, 3, "Telemetry host/controller initiated log page"),
	S(2, 2, "Extended data for Get Log Page"), S(1, 1, "Command Effects Log Page"),
	S(0, 0, "SMART/Health Log Page per NS"),
};

static const struct bit_line sqes[] = {
	{ 7, 4, BIT_POW2, "Max SQ Entry Size", NULL, NULL },
	{ 3, 0, BIT_POW2, "Min SQ Entry Size", NULL, NULL },
};

static const struct bit_line cqes[] = {
	{ 7, 4, BIT_POW2, "Max CQ Entry Size", NULL, NULL },
	{ 3, 0, BIT_POW2, "Min CQ Entry Size", NULL, NULL },
};

static const struct bit_line oncs[] = {
	S(8, 8, "Copy"), S(7, 7, "Verify"), S(6, 6, "Timestamp"), S(5, 5, "Reservations"),
	S(4, 4, "Save and Select"), S(3, 3, "Write Zeroes"), S(2, 2, "Data Set Management"),
	S(1, 1, "Write Uncorrectable"), S(0, 0, "Compare"),
};

static const struct bit_line fuses[] = { S(0, 0, "Fused Compare and Write") };

static const struct bit_line vwc[] = {
	{ 2, 1, BIT_FLUSH, NULL, NULL, NULL },
	E(0, 0, "Volatile Write Cache Present", "Volatile Write Cache Not Present"),
};

static const struct bit_line oaes[] = {
	S(31, 31, "Discovery Log Change Notice"), S(27, 27, "Zone Descriptor Changed Notices"),
	S(15, 15, "Normal NSS Shutdown Event"),
	S(14, 14, "Endurance Group Event Aggregate Log Page Change Notice"),
	S(13, 13, "LBA Status Information Notices"),
	S(12, 12, "Predictable Latency Event Aggregate Log Change Notices"),
	S(11, 11, "Asymmetric Namespace Access Change Notices"),
	S(9, 9, "Firmware Activation Notices"), S(8, 8, "Namespace Attribute Changed Event"),
};

static const struct bit_line ctratt[] = {
	S(19, 19, "Flexible Data Placement"), S(15, 15, "Extended LBA Formats"),
	S(14, 14, "Delete NVM Set"), S(13, 13, "Delete Endurance Group"),
	S(12, 12, "Variable Capacity Management"), S(11, 11, "Fixed Capacity Management"),
	S(10, 10, "Multi Domain Subsystem"), S(9, 9, "UUID List"), S(8, 8, "SQ Associations"),
	S(7, 7, "Namespace Granularity"), S(6, 6, "Traffic Based Keep Alive"),
	S(5, 5, "Predictable Latency Mode"), S(4, 4, "Endurance Groups"),
	S(3, 3, "Read Recovery Levels"), S(2, 2, "NVM Sets"),
	S(1, 1, "Non-Operational Power State Permissive"), S(0, 0, "128-bit Host Identifier"),
};

static const char *const controller_types[8] = {
	"Controller type not reported", "I/O Controller", "Discovery Controller",
	"Administrative Controller", "Reserved", "Reserved", "Reserved", "Reserved",
};

static const struct bit_line cntrltype[] = {
	{ 1, 0, BIT_CHOICE, "", NULL, controller_types },
};

static const struct bit_line nvmsr[] = {
	E(1, 1, "NVM subsystem part of an Enclosure", "NVM subsystem Not part of an Enclosure"),
	E(0, 0, "NVM subsystem part of an Storage Device",
	  "NVM subsystem Not part of an Storage Device"),
};

static const struct bit_line vwci[] = {
	E(7, 7, "VPD Write Cycles Remaining field is valid.",
	  "VPD Write Cycles Remaining field is Not valid."),
	V(6, 0, "VPD Write Cycles Remaining"),
};

static const struct bit_line mec[] = {
	E(1, 1, "NVM subsystem contains a Management Endpoint on a PCIe port",
	  "NVM subsystem Not contains a Management Endpoint on a PCIe port"),
	E(0, 0, "NVM subsystem contains a Management Endpoint on an SMBus/I2C port",
	  "NVM subsystem Not contains a Management Endpoint on an SMBus/I2C port"),
};

static const struct bit_line ocfs[] = {
	S(1, 1, "Controller Copy Format 1h"), S(0, 0, "Controller Copy Format 0h"),
};

static const struct bit_line avscc[] = {
	E(0, 0, "Admin Vendor Specific Commands uses NVMe Format",
	  "Admin Vendor Specific Commands uses Vendor Specific Format"),
};

static const struct bit_line apsta[] = { S(0, 0, "Autonomous Power State Transitions") };

static const struct bit_line hctma[] = { S(0, 0, "Host Controlled Thermal Management") };

static const struct bit_line fna[] = {
	{ 3, 3, BIT_NOT_SET, "Format NVM Broadcast NSID (FFFFFFFFh)", NULL, NULL },
	E(2, 2, "Crypto Erase Supported as part of Secure Erase",
	  "Crypto Erase Not Supported as part of Secure Erase"),
	E(1, 1, "Crypto Erase Applies to All Namespace(s)",
	  "Crypto Erase Applies to Single Namespace(s)"),
	E(0, 0, "Format Applies to All Namespace(s)", "Format Applies to Single Namespace(s)"),
};

static const struct bit_line icsvscc[] = {
	E(0, 0, "NVM Vendor Specific Commands uses NVMe Format",
	  "NVM Vendor Specific Commands uses Vendor Specific Format"),
};

static const struct bit_line nwpc[] = {
	S(2, 2, "Permanent Write Protect"), S(1, 1, "Write Protect Until Power Supply"),
	S(0, 0, "No Write Protect and Write Protect Namespace"),
};

static const char *const pi_types[8] = {
	"Disabled", "Type 1 Enabled", "Type 2 Enabled", "Type 3 Enabled", "Reserved Enabled",
	"Reserved Enabled", "Reserved Enabled", "Reserved Enabled",
};

static const struct bit_line dps[] = {
	E(3, 3, "Protection Information is Transferred as First 8 Bytes of Metadata",
	  "Protection Information is Transferred as Last 8 Bytes of Metadata"),
	{ 2, 0, BIT_CHOICE, "Protection Information ", NULL, pi_types },
};

static const struct bit_line rescap[] = {
	E(7, 7, "Ignore Existing Key - Used as defined in revision 1.3 or later",
	  "Ignore Existing Key - Used as defined in revision 1.2.1 or earlier"),
	S(6, 6, "Exclusive Access - All Registrants"), S(5, 5, "Write Exclusive - All Registrants"),
	S(4, 4, "Exclusive Access - Registrants Only"), S(3, 3, "Write Exclusive - Registrants Only"),
	S(2, 2, "Exclusive Access"), S(1, 1, "Write Exclusive"),
	S(0, 0, "Persist Through Power Loss"),
};

static const char *const deallocated_reads[8] = {
	"Not Reported", "0x00", "0xFF", "Reserved Value", "Reserved Value", "Reserved Value",
	"Reserved Value", "Reserved Value",
};

static const struct bit_line dlfeat[] = {
	E(4, 4, "Guard Field of Deallocated Logical Blocks is set to CRC of The Value Read",
	  "Guard Field of Deallocated Logical Blocks is set to 0xFFFF"),
	S(3, 3, "Deallocate Bit in the Write Zeroes Command is"),
	{ 2, 0, BIT_CHOICE, "Bytes Read From a Deallocated Logical Block and its Metadata are ",
	  NULL, deallocated_reads },
};

static const struct bit_line nsfeat[] = {
	S(4, 4, "NPWG, NPWA, NPDG, NPDA, and NOWS are"),
	E(3, 3, "NGUID and EUI64 fields if non-zero, Never Reused",
	  "NGUID and EUI64 fields if non-zero, Reused"),
	S(2, 2, "Deallocated or Unwritten Logical Block error"),
	E(1, 1, "Namespace uses NAWUN, NAWUPF, and NACWU",
	  "Namespace uses AWUN, AWUPF, and ACWU"),
	S(0, 0, "Thin Provisioning"),
};

static const struct bit_line flbas[] = {
	V(6, 5, "Most significant 2 bits of Current LBA Format Selected"),
	E(4, 4, "Metadata Transferred at End of Data LBA",
	  "Metadata Transferred in Separate Contiguous Buffer"),
	V(3, 0, "Least significant 4 bits of Current LBA Format Selected"),
};

static const struct bit_line mc[] = {
	S(1, 1, "Metadata Pointer"), S(0, 0, "Metadata as Part of Extended Data LBA"),
};

static const struct bit_line dpc[] = {
	S(4, 4, "Protection Information Transferred as Last 8 Bytes of Metadata"),
	S(3, 3, "Protection Information Transferred as First 8 Bytes of Metadata"),
	S(2, 2, "Protection Information Type 3"), S(1, 1, "Protection Information Type 2"),
	S(0, 0, "Protection Information Type 1"),
};

static const struct bit_line nmic[] = {
	E(0, 0, "Namespace Multipath Capable", "Namespace Multipath Not Capable"),
};

#undef S
#undef E
#undef V

#define T(name) { #name, name, sizeof(name) / sizeof(name[0]) }

static const struct bit_table tables[] = {
	T(cmic), T(oaes), T(ctratt), T(cntrltype), T(nvmsr), T(vwci), T(mec), T(ocfs), T(oacs), T(frmw), T(lpa), T(avscc), T(apsta), T(hctma), T(sqes),
	T(cqes), T(oncs), T(fuses), T(fna), T(vwc), T(icsvscc), T(nwpc),
	T(nsfeat), T(flbas), T(mc), T(dpc), T(dps), T(nmic), T(rescap), T(dlfeat),
};

#undef T

static const char *const flush_nsid_all[] = {
	"Support for the NSID field set to FFFFFFFFh is not indicated",
	"Reserved",
	"The Flush command does not support NSID set to FFFFFFFFh",
	"The Flush command supports NSID set to FFFFFFFFh",
};

static void print_line(FILE *out, const struct bit_line *b, uint64_t v)
{
	unsigned width = b->hi - b->lo + 1u;
	unsigned f = (unsigned)(v >> b->lo) & ((1u << width) - 1u);

	fprintf(out, "  [%u:%u] : %#x\t", b->hi, b->lo, f);
	switch (b->kind) {
	case BIT_SUPPORTED:
		fprintf(out, "%s %sSupported\n", b->set, f ? "" : "Not ");
		break;
	case BIT_EITHER:
		fprintf(out, "%s\n", f ? b->set : b->clear);
		break;
	case BIT_POW2:
		fprintf(out, "%s (%u)\n", b->set, 1u << f);
		break;
	case BIT_FLUSH:
		fprintf(out, "%s\n", flush_nsid_all[f & 3]);
		break;
	case BIT_NOT_SET:
		fprintf(out, "%s %sSupported\n", b->set, f ? "Not " : "");
		break;
	case BIT_CHOICE:
		fprintf(out, "%s%s\n", b->set, b->choices[f & 7]);
		break;
	default:
		fprintf(out, "%s\n", b->set);
	}
}

void bits_print(FILE *out, const char *key, uint64_t v)
{
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		if (strcmp(tables[i].key, key))
			continue;
		for (size_t k = 0; k < tables[i].n; k++)
			print_line(out, &tables[i].lines[k], v);
		fputc('\n', out);
		return;
	}
}
