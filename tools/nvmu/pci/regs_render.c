/* SPDX-License-Identifier: MIT */
/* Controller register rendering: one table drives the text, the decoding, JSON, binary. */
#include <nvme/types.h>
#include <string.h>

#include "regs_render.h"

typedef void (*decode_fn)(FILE *out, uint64_t v);

static const char *yes_no(uint64_t bit)
{
	return bit ? "Yes" : "No";
}

static const char *supported(uint64_t bit)
{
	return bit ? "Supported" : "Not Supported";
}

static void decode_cap(FILE *out, uint64_t v)
{
	fprintf(out, "\tController Ready With Media Support (CRWMS): %s\n", supported(v >> 59 & 1));
	fprintf(out, "\tController Ready Independent of Media Support (CRIMS): %s\n",
		supported(v >> 60 & 1));
	fprintf(out, "\tController Memory Buffer Supported (CMBS): The Controller Memory Buffer "
		"is %s\n", supported(NVME_CAP_CMBS(v)));
	fprintf(out, "\tPersistent Memory Region Supported (PMRS): The Persistent Memory Region "
		"is %s\n", supported(NVME_CAP_PMRS(v)));
	fprintf(out, "\tMemory Page Size Maximum         (MPSMAX): %u bytes\n",
		1u << (12 + NVME_CAP_MPSMAX(v)));
	fprintf(out, "\tMemory Page Size Minimum         (MPSMIN): %u bytes\n",
		1u << (12 + NVME_CAP_MPSMIN(v)));
	fprintf(out, "\tBoot Partition Support              (BPS): %s\n", yes_no(NVME_CAP_BPS(v)));
	fprintf(out, "\tCommand Sets Supported              (CSS): NVM command set is %s\n",
		supported(NVME_CAP_CSS(v) & 1));
	fprintf(out, "\t                                           One or more I/O Command Sets "
		"are %s\n", supported(NVME_CAP_CSS(v) >> 6 & 1));
	fprintf(out, "\t                                           %s\n",
		NVME_CAP_CSS(v) >> 7 & 1 ? "Only Admin Command Set Supported"
					 : "I/O Command Set is Supported");
	fprintf(out, "\tNVM Subsystem Reset Supported     (NSSRS): %s\n", yes_no(NVME_CAP_NSSRC(v)));
	fprintf(out, "\tDoorbell Stride                   (DSTRD): %u bytes\n",
		1u << (2 + NVME_CAP_DSTRD(v)));
	fprintf(out, "\tTimeout                              (TO): %u ms\n",
		(unsigned)NVME_CAP_TO(v) * 500);
	fprintf(out, "\tArbitration Mechanism Supported     (AMS): Weighted Round Robin with Urgent "
		"Priority Class is %s\n", NVME_CAP_AMS(v) & 1 ? "supported" : "not supported");
	fprintf(out, "\tContiguous Queues Required          (CQR): %s\n", yes_no(NVME_CAP_CQR(v)));
	fprintf(out, "\tMaximum Queue Entries Supported    (MQES): %u\n\n",
		(unsigned)NVME_CAP_MQES(v) + 1);
}

static void decode_vs(FILE *out, uint64_t v)
{
	fprintf(out, "\tNVMe specification %u.%u\n\n", (unsigned)(v >> 16 & 0xffff),
		(unsigned)(v >> 8 & 0xff));
}

static const char *const shn_text[] = { "No notification; no effect",
					"Normal shutdown notification",
					"Abrupt shutdown notification", "Reserved" };

static const char *ams_text(unsigned ams)
{
	return ams == 0 ? "Round Robin"
	       : ams == 1 ? "Weighted Round Robin with Urgent Priority Class"
	       : ams == 7 ? "Vendor Specific" : "Reserved";
}

static const char *css_text(unsigned css)
{
	return css == 0 ? "NVM Command Set"
	       : css == 6 ? "All supported I/O Command Sets"
	       : css == 7 ? "Admin Command Set only" : "Reserved";
}

static void decode_cc(FILE *out, uint64_t v)
{
	fprintf(out, "\tController Ready Independent of Media Enable (CRIME): %s\n",
		v >> 24 & 1 ? "Enabled" : "Disabled");
	fprintf(out, "\tI/O Completion Queue Entry Size (IOCQES): %u bytes\n",
		1u << NVME_CC_IOCQES(v));
	fprintf(out, "\tI/O Submission Queue Entry Size (IOSQES): %u bytes\n",
		1u << NVME_CC_IOSQES(v));
	fprintf(out, "\tShutdown Notification              (SHN): %s\n", shn_text[NVME_CC_SHN(v) & 3]);
	fprintf(out, "\tArbitration Mechanism Selected     (AMS): %s\n",
		ams_text((unsigned)NVME_CC_AMS(v)));
	fprintf(out, "\tMemory Page Size                   (MPS): %u bytes\n",
		1u << (12 + NVME_CC_MPS(v)));
	fprintf(out, "\tI/O Command Set Selected           (CSS): %s\n",
		css_text((unsigned)NVME_CC_CSS(v)));
	fprintf(out, "\tEnable                              (EN): %s\n\n", yes_no(NVME_CC_EN(v)));
}

static const char *const shst_text[] = { "Normal operation (no shutdown has been requested)",
					 "Shutdown processing occurring",
					 "Shutdown processing complete", "Reserved" };

static void decode_csts(FILE *out, uint64_t v)
{
	fprintf(out, "\tProcessing Paused               (PP): %s\n", yes_no(NVME_CSTS_PP(v)));
	fprintf(out, "\tNVM Subsystem Reset Occurred (NSSRO): %s\n", yes_no(NVME_CSTS_NSSRO(v)));
	fprintf(out, "\tShutdown Status               (SHST): %s\n", shst_text[NVME_CSTS_SHST(v) & 3]);
	fprintf(out, "\tController Fatal Status        (CFS): %s\n",
		NVME_CSTS_CFS(v) ? "True" : "False");
	fprintf(out, "\tReady                          (RDY): %s\n\n", yes_no(NVME_CSTS_RDY(v)));
}

static void decode_nssr(FILE *out, uint64_t v)
{
	fprintf(out, "\tNVM Subsystem Reset Control (NSSRC): %u\n\n", (unsigned)v);
}

static void decode_intms(FILE *out, uint64_t v)
{
	fprintf(out, "\tInterrupt Vector Mask Set (IVMS): %x\n\n", (unsigned)v);
}

static void decode_intmc(FILE *out, uint64_t v)
{
	fprintf(out, "\tInterrupt Vector Mask Clear (IVMC): %x\n\n", (unsigned)v);
}

static void decode_aqa(FILE *out, uint64_t v)
{
	fprintf(out, "\tAdmin Completion Queue Size (ACQS): %u\n", (unsigned)NVME_AQA_ACQS(v) + 1);
	fprintf(out, "\tAdmin Submission Queue Size (ASQS): %u\n\n", (unsigned)NVME_AQA_ASQS(v) + 1);
}

static void decode_asq(FILE *out, uint64_t v)
{
	fprintf(out, "\tAdmin Submission Queue Base (ASQB): %llx\n\n", (unsigned long long)v);
}

static void decode_acq(FILE *out, uint64_t v)
{
	fprintf(out, "\tAdmin Completion Queue Base (ACQB): %llx\n\n", (unsigned long long)v);
}

struct reg {
	const char *key;   /* nvme-cli's JSON key */
	const char *label; /* its text label */
	uint32_t offset;
	bool is64;
	bool skip_all_ones; /* nvme-cli leaves it out when it reads 0xffffffff */
	decode_fn decode;  /* -H, or NULL */
};

/* In nvme-cli's text order. */
static const struct reg regs[] = {
	{ "cap", "cap", NVME_REG_CAP, true, true, decode_cap },
	{ "vs", "version", NVME_REG_VS, false, true, decode_vs },
	{ "cc", "cc", NVME_REG_CC, false, true, decode_cc },
	{ "csts", "csts", NVME_REG_CSTS, false, true, decode_csts },
	{ "nssr", "nssr", NVME_REG_NSSR, false, true, decode_nssr },
	{ "intms", "intms", NVME_REG_INTMS, false, false, decode_intms },
	{ "intmc", "intmc", NVME_REG_INTMC, false, false, decode_intmc },
	{ "aqa", "aqa", NVME_REG_AQA, false, false, decode_aqa },
	{ "asq", "asq", NVME_REG_ASQ, true, false, decode_asq },
	{ "acq", "acq", NVME_REG_ACQ, true, false, decode_acq },
	{ "cmbloc", "cmbloc", NVME_REG_CMBLOC, false, false, NULL },
	{ "cmbsz", "cmbsz", NVME_REG_CMBSZ, false, false, NULL },
	{ "bpinfo", "bpinfo", NVME_REG_BPINFO, false, false, NULL },
	{ "bprsel", "bprsel", NVME_REG_BPRSEL, false, false, NULL },
	{ "bpmbl", "bpmbl", NVME_REG_BPMBL, true, false, NULL },
	{ "cmbmsc", "cmbmsc", NVME_REG_CMBMSC, true, false, NULL },
	{ "cmbsts", "cmbsts", NVME_REG_CMBSTS, false, false, NULL },
	{ "pmrcap", "pmrcap", NVME_REG_PMRCAP, false, false, NULL },
	{ "pmrctl", "pmrctl", NVME_REG_PMRCTL, false, false, NULL },
	{ "pmrsts", "pmrsts", NVME_REG_PMRSTS, false, false, NULL },
	{ "pmrebs", "pmrebs", NVME_REG_PMREBS, false, false, NULL },
	{ "pmrswtp", "pmrswtp", NVME_REG_PMRSWTP, false, false, NULL },
	{ "pmrmscl", "pmrmscl", NVME_REG_PMRMSCL, false, false, NULL },
	{ "pmrmscu", "pmrmscu", NVME_REG_PMRMSCU, false, false, NULL },
};

#define NREGS (sizeof(regs) / sizeof(regs[0]))
_Static_assert(NREGS == sizeof(((struct regs_values *)0)->v) / sizeof(uint64_t),
	       "one value per register");

void regs_read(uint64_t (*read)(void *ctx, uint32_t offset, bool is64), void *ctx,
	       struct regs_values *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < NREGS; i++)
		out->v[i] = read(ctx, regs[i].offset, regs[i].is64);
}

void regs_print(FILE *out, const struct regs_values *r, bool human)
{
	for (size_t i = 0; i < NREGS; i++) {
		if (regs[i].skip_all_ones && r->v[i] == 0xffffffffu)
			continue;
		fprintf(out, "%-8s: %llx\n", regs[i].label, (unsigned long long)r->v[i]);
		if (human && regs[i].decode)
			regs[i].decode(out, r->v[i]);
	}
}

void regs_json(struct json *j, const struct regs_values *r)
{
	json_object_begin(j);
	for (size_t i = 0; i < NREGS; i++) {
		json_key(j, regs[i].key);
		json_uint(j, r->v[i]);
	}
	json_object_end(j);
}

void regs_binary(const struct regs_values *r, uint8_t buf[REGS_BYTES])
{
	memset(buf, 0, REGS_BYTES);
	for (size_t i = 0; i < NREGS; i++)
		for (unsigned b = 0; b < (regs[i].is64 ? 8u : 4u); b++)
			buf[regs[i].offset + b] = (uint8_t)(r->v[i] >> (8 * b));
}
