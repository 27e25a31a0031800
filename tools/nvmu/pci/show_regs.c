/* SPDX-License-Identifier: MIT */
/* nvmu show-regs: the controller registers of BAR0, read through VFIO, raw and decoded. */
#include <nvme/types.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "nvmu/mmio.h"
#include "device.h"
#include "output/json.h"
#include "verbs.h"

struct reg {
	const char *name; /* nvme-cli's JSON key */
	uint32_t offset;
	void (*decode)(uint64_t value); /* prints the fields, or NULL */
};

static void decode_cap(uint64_t v)
{
	printf("    MQES %llu (max queue entries %llu), CQR %llu, AMS %#llx, TO %llu (%llu ms), "
	       "DSTRD %llu, NSSRS %llu, CSS %#llx, BPS %llu, MPSMIN %llu (%u KiB), MPSMAX %llu "
	       "(%u KiB), PMRS %llu, CMBS %llu\n",
	       (unsigned long long)NVME_CAP_MQES(v), (unsigned long long)NVME_CAP_MQES(v) + 1,
	       (unsigned long long)NVME_CAP_CQR(v), (unsigned long long)NVME_CAP_AMS(v),
	       (unsigned long long)NVME_CAP_TO(v), (unsigned long long)NVME_CAP_TO(v) * 500,
	       (unsigned long long)NVME_CAP_DSTRD(v), (unsigned long long)NVME_CAP_NSSRC(v),
	       (unsigned long long)NVME_CAP_CSS(v), (unsigned long long)NVME_CAP_BPS(v),
	       (unsigned long long)NVME_CAP_MPSMIN(v), 4u << NVME_CAP_MPSMIN(v),
	       (unsigned long long)NVME_CAP_MPSMAX(v), 4u << NVME_CAP_MPSMAX(v),
	       (unsigned long long)NVME_CAP_PMRS(v), (unsigned long long)NVME_CAP_CMBS(v));
}

static void decode_vs(uint64_t v)
{
	printf("    NVMe %u.%u.%u\n", (unsigned)(v >> 16), (unsigned)(v >> 8) & 0xff,
	       (unsigned)v & 0xff);
}

static void decode_cc(uint64_t v)
{
	printf("    EN %u, CSS %u, MPS %u (%u KiB), AMS %u, SHN %u, IOSQES %u (%u bytes), "
	       "IOCQES %u (%u bytes)\n",
	       (unsigned)NVME_CC_EN(v), (unsigned)NVME_CC_CSS(v), (unsigned)NVME_CC_MPS(v),
	       4u << NVME_CC_MPS(v), (unsigned)NVME_CC_AMS(v), (unsigned)NVME_CC_SHN(v),
	       (unsigned)NVME_CC_IOSQES(v), 1u << NVME_CC_IOSQES(v), (unsigned)NVME_CC_IOCQES(v),
	       1u << NVME_CC_IOCQES(v));
}

static void decode_csts(uint64_t v)
{
	printf("    RDY %u, CFS %u, SHST %u, NSSRO %u, PP %u\n", (unsigned)NVME_CSTS_RDY(v),
	       (unsigned)NVME_CSTS_CFS(v), (unsigned)NVME_CSTS_SHST(v),
	       (unsigned)NVME_CSTS_NSSRO(v), (unsigned)NVME_CSTS_PP(v));
}

static void decode_aqa(uint64_t v)
{
	printf("    ASQS %u, ACQS %u (entries, 0-based)\n", (unsigned)NVME_AQA_ASQS(v),
	       (unsigned)NVME_AQA_ACQS(v));
}


static const struct reg regs[] = {
	{ "cap", NVME_REG_CAP, decode_cap },
	{ "vs", NVME_REG_VS, decode_vs },
	{ "intms", NVME_REG_INTMS, NULL },
	{ "intmc", NVME_REG_INTMC, NULL },
	{ "cc", NVME_REG_CC, decode_cc },
	{ "csts", NVME_REG_CSTS, decode_csts },
	{ "nssr", NVME_REG_NSSR, NULL },
	{ "aqa", NVME_REG_AQA, decode_aqa },
	{ "asq", NVME_REG_ASQ, NULL },
	{ "acq", NVME_REG_ACQ, NULL },
	{ "cmbloc", NVME_REG_CMBLOC, NULL },
	{ "cmbsz", NVME_REG_CMBSZ, NULL },
	{ "bpinfo", NVME_REG_BPINFO, NULL },
	{ "bprsel", NVME_REG_BPRSEL, NULL },
	{ "bpmbl", NVME_REG_BPMBL, NULL },
	{ "cmbmsc", NVME_REG_CMBMSC, NULL },
	{ "cmbsts", NVME_REG_CMBSTS, NULL },
	{ "pmrcap", NVME_REG_PMRCAP, NULL },
	{ "pmrctl", NVME_REG_PMRCTL, NULL },
	{ "pmrsts", NVME_REG_PMRSTS, NULL },
	{ "pmrebs", NVME_REG_PMREBS, NULL },
	{ "pmrswtp", NVME_REG_PMRSWTP, NULL },
	{ "pmrmscl", NVME_REG_PMRMSCL, NULL },
	{ "pmrmscu", NVME_REG_PMRMSCU, NULL },
};
#define NREGS (sizeof(regs) / sizeof(regs[0]))

/* Read one register through the transport, as the driver itself would. */
static uint64_t read_reg(struct nvmu_transport *t, const struct reg *r)
{
	return nvme_is_64bit_reg(r->offset) ? t->ops->read64(t, r->offset)
					     : t->ops->read32(t, r->offset);
}

static void show(struct nvmu_transport *t, const char *name, enum cli_format format)
{
	uint64_t vals[NREGS];
	struct json j;

	for (size_t i = 0; i < NREGS; i++)
		vals[i] = read_reg(t, &regs[i]);
	if (format == CLI_FORMAT_JSON) {
		json_init(&j, stdout);
		json_object_begin(&j);
		for (size_t i = 0; i < NREGS; i++) {
			json_key(&j, regs[i].name);
			json_int(&j, (long long)vals[i]);
		}
		json_object_end(&j);
		json_finish(&j);
		return;
	}
	printf("%s (controller registers)\n", name);
	for (size_t i = 0; i < NREGS; i++) {
		printf("%-8s : %#llx\n", regs[i].name, (unsigned long long)vals[i]);
		if (regs[i].decode)
			regs[i].decode(vals[i]);
	}
}

static int run_show_regs(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "output-format", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	enum cli_format format = CLI_FORMAT_NORMAL;
	struct tool_dev d;
	int opt, ret;

	while ((opt = cli_getopt(argc, argv, "o:", longopts)) != -1) {
		if (opt != 'o' || cli_parse_format(argv[0], optarg, &format))
			return EXIT_USAGE;
	}
	if (optind != argc - 1)
		return cli_usage_error(argv[0], "expected one device");
	/* The bare transport: reading the registers must not bring the controller up. */
	ret = device_open_transport(argv[0], argv[optind], &d);
	if (ret)
		return ret;
	show(d.t, argv[optind], format);
	device_close(&d);
	return EXIT_OK;
}

const struct nvmu_verb nvmu_verb_show_regs = {
	.name = "show-regs",
	.summary = "show the controller registers (CAP, VS, CC, CSTS, ...)",
	.usage = "Usage: nvmu show-regs <dev> [-o json|normal]\n"
		 "\n"
		 "Read the NVMe controller registers through the device's transport (BAR0\n"
		 "through VFIO for a PCIe device) and print them, raw and decoded (CAP, VS, CC,\n"
		 "CSTS, AQA). Reading does not change the controller's state: it is not brought\n"
		 "up.\n"
		 "\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -o, --output-format FORMAT  normal (the default) or json (nvme-cli's keys:\n"
		 "                              cap, vs, intms, intmc, cc, csts, ..., with\n"
		 "                              integer values)\n"
		 "  -h, --help                  show this help\n"
		 "\n"
		 "Exit status: 0 on success, 1 if the device cannot be opened or read, 2 on a\n"
		 "usage error.\n",
	.run = run_show_regs,
};
