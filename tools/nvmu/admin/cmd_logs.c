/* SPDX-License-Identifier: MIT */
/*
 * nvmu effects-log (Commands Supported and Effects, log page 05h) and supported-log-pages
 * (Supported Log Pages, 00h), printed and keyed as nvme-cli 2.3 does.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log_page.h"
#include "output/hexdump.h"
#include "output/json.h"
#include "output/names.h"
#include "verb_opts.h"
#include "verbs.h"

#define CSE_SHIFT 16
#define CSE_MASK 3u
#define DASHES "--------------------------------------------------------------------------------"

/* ---- effects-log ---- */

static void effects_json(struct json *j, uint8_t csi, const struct nvme_cmd_effects_log *log)
{
	char key[96];

	json_object_begin(j);
	json_key(j, "command_set_identifier");
	json_uint(j, csi);
	for (int admin = 1; admin >= 0; admin--) {
		const __le32 *t = admin ? log->acs : log->iocs;

		json_key(j, admin ? "admin_cmd_set" : "io_cmd_set");
		json_object_begin(j);
		for (unsigned op = 0; op < 256; op++) {
			if (!(t[op] & NVME_CMD_EFFECTS_CSUPP))
				continue;
			snprintf(key, sizeof(key), "%s_%u (%s)", admin ? "ACS" : "IOCS", op,
				 opcode_name(admin, (uint8_t)op));
			json_key(j, key);
			json_uint(j, t[op]);
		}
		json_object_end(j);
	}
	json_object_end(j);
}

static void effect_bits(uint32_t e)
{
	static const char *const cse[] = { "No command restriction",
					   "No other command for same namespace",
					   "No other command for any namespace", "Reserved CSE" };

	printf("  CSUPP+  LBCC%c  NCC%c  NIC%c  CCC%c  USS%c  %s\n",
	       e & NVME_CMD_EFFECTS_LBCC ? '+' : '-', e & NVME_CMD_EFFECTS_NCC ? '+' : '-',
	       e & NVME_CMD_EFFECTS_NIC ? '+' : '-', e & NVME_CMD_EFFECTS_CCC ? '+' : '-',
	       e & NVME_CMD_EFFECTS_UUID_SEL ? '+' : '-', cse[e >> CSE_SHIFT & CSE_MASK]);
}

/* Opcodes [from, to) of one table under @p header, if any of them is supported. */
static void effects_segment(bool admin, unsigned from, unsigned to, const __le32 *t,
			    const char *header, bool human)
{
	bool any = false;

	for (unsigned op = from; op < to; op++) {
		if (!(t[op] & NVME_CMD_EFFECTS_CSUPP))
			continue;
		if (!any)
			printf("%s\n", header);
		any = true;
		printf(admin ? "ACS%-6u[%-32s] %08x" : "IOCS%-5u[%-32s] %08x", op,
		       opcode_name(admin, (uint8_t)op), t[op]);
		if (human)
			effect_bits(t[op]);
		else
			printf("\n");
	}
	if (any)
		printf("\n");
}

static void effects_print(uint8_t csi, const struct nvme_cmd_effects_log *log, bool human)
{
	printf("%s Command Set Log Page\n%s\n",
	       csi == NVME_CSI_NVM ? "NVM" : csi == NVME_CSI_ZNS ? "ZNS" : "Unknown", DASHES);
	/* The ranges nvme-cli prints (the last opcode of each admin range is left out). */
	effects_segment(true, 0, 0xbf, log->acs, "Admin Commands", human);
	effects_segment(true, 0xc0, 0xff, log->acs, "Vendor Specific Admin Commands", human);
	effects_segment(false, 0, 0x80, log->iocs, "I/O Commands", human);
	effects_segment(false, 0x80, 0x100, log->iocs, "Vendor Specific I/O Commands", human);
}

static int run_effects_log(int argc, char **argv)
{
	enum cli_format format = CLI_FORMAT_NORMAL;
	bool human = false, raw = false, has_csi = false;
	uint8_t csi = 0, csis[2];
	const struct verb_opt opts[] = {
		{ 'o', "output-format", VOPT_FORMAT, &format, 0, NULL },
		{ 'H', "human-readable", VOPT_FLAG, &human, 0, NULL },
		{ 'b', "raw-binary", VOPT_FLAG, &raw, 0, NULL },
		{ 'c', "csi", VOPT_U8, &csi, 0, &has_csi },
	};
	static struct nvme_cmd_effects_log logs[2];
	struct capability cap = { .what = "the Commands Supported and Effects log page",
				  .field = "LPA bit 1" };
	struct tool_dev d;
	unsigned n = 0;
	const char *dev;
	struct json j;
	int ret;

	if ((ret = VERB_PARSE(argc, argv, opts, &dev)) || (ret = device_open(argv[0], dev, &d)))
		return ret;
	cap.present = nvmu_ctrl_id(d.ctrl)->lpa & NVME_CTRL_LPA_CMD_EFFECTS;
	/* As nvme-cli: without --csi, the NVM command set's page, and the ZNS one too when
	 * CAP.CSS says the controller has I/O command sets; listed last read first. */
	if (has_csi) {
		csis[n++] = csi;
	} else {
		if (NVME_CAP_CSS(nvmu_ctrl_cap(d.ctrl)) & NVME_CAP_CSS_CSI)
			csis[n++] = NVME_CSI_ZNS;
		csis[n++] = NVME_CSI_NVM;
	}
	for (unsigned i = n; !ret && i-- > 0;) {
		struct log_request req = { .lid = NVME_LOG_LID_CMD_EFFECTS, .csi = csis[i] };

		ret = log_page_fetch(argv[0], &d, &req, &logs[i], sizeof(logs[i]), &cap);
	}
	if (!ret && format == CLI_FORMAT_JSON) {
		json_init(&j, stdout);
		json_array_begin(&j);
		for (unsigned i = 0; i < n; i++)
			effects_json(&j, csis[i], &logs[i]);
		json_array_end(&j);
		json_finish(&j);
	}
	for (unsigned i = 0; !ret && format != CLI_FORMAT_JSON && i < n; i++) {
		if (raw && raw_write(stdout, &logs[i], sizeof(logs[i])) < 0)
			ret = EXIT_FAILED;
		else if (!raw)
			effects_print(csis[i], &logs[i], human);
	}
	device_close(&d);
	return ret;
}

/* ---- supported-log-pages ---- */

static void supported_json(const struct nvme_supported_log_pages *log)
{
	struct json j;
	char key[16];

	json_init(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "supported_logs");
	json_object_begin(&j);
	for (unsigned lid = 0; lid < 256; lid++) {
		if (!(log->lid_support[lid] & 1))
			continue;
		snprintf(key, sizeof(key), "lid_0x%x", lid);
		json_key(&j, key);
		json_uint(&j, log->lid_support[lid]);
	}
	json_object_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

static void supported_print(const char *dev, const struct nvme_supported_log_pages *log,
			    bool verbose)
{
	printf("Support Log Pages Details for %s:\n", dev);
	for (unsigned lid = 0; lid < 256; lid++) {
		uint32_t s = log->lid_support[lid];

		if (!(s & 1))
			continue;
		printf("LID 0x%x (%s), supports 0x%x\n", lid, log_page_name((uint8_t)lid), s);
		if (!verbose) {
			printf("\n");
			continue;
		}
		printf("  LSUPP is supported\n  IOS is %s\n", s & 2 ? "supported" : "not supported");
		if (lid == NVME_LOG_LID_PERSISTENT_EVENT)
			printf("  Establish Context and Read 512 Bytes of Header is %s\n",
			       s >> 22 & 1 ? "supported" : "not supported");
	}
}

static int run_supported_log_pages(int argc, char **argv)
{
	enum cli_format format = CLI_FORMAT_NORMAL;
	bool verbose = false;
	const struct verb_opt opts[] = {
		{ 'o', "output-format", VOPT_FORMAT, &format, 0, NULL },
		{ 'v', "verbose", VOPT_FLAG, &verbose, 0, NULL },
	};
	struct log_request req = { .lid = NVME_LOG_LID_SUPPORTED_LOG_PAGES };
	struct capability cap = { .what = "the Supported Log Pages log page", .field = "LPA bit 5" };
	struct nvme_supported_log_pages log;
	struct tool_dev d;
	const char *dev;
	int ret;

	if ((ret = VERB_PARSE(argc, argv, opts, &dev)) || (ret = device_open(argv[0], dev, &d)))
		return ret;
	cap.present = nvmu_ctrl_id(d.ctrl)->lpa & NVME_CTRL_LPA_LI0_LI5_LI12_LI13;
	ret = log_page_fetch(argv[0], &d, &req, &log, sizeof(log), &cap);
	if (!ret && format == CLI_FORMAT_JSON)
		supported_json(&log);
	else if (!ret)
		supported_print(dev, &log, verbose);
	device_close(&d);
	return ret;
}

const struct nvmu_verb nvmu_verb_effects_log = {
	.name = "effects-log",
	.summary = "Commands Supported and Effects log (log page 0x05)",
	.usage = "Usage: nvmu effects-log <dev> [-c CSI] [-H] [-b] [-o json|normal]\n"
		 "\n"
		 "Read the Commands Supported and Effects log and list each supported admin and\n"
		 "I/O command with its effects dword, as nvme-cli: without --csi the NVM command\n"
		 "set's page, and the ZNS one too when CAP.CSS has I/O command sets. JSON: a list\n"
		 "of {\"command_set_identifier\", \"admin_cmd_set\": {\"ACS_<op> (<name>)\": N},\n"
		 "\"io_cmd_set\": {\"IOCS_<op> (<name>)\": N}}.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -c, --csi=CSI               the page of command set CSI only (0 NVM, 2 ZNS)\n"
		 "  -H, --human-readable        decode each effects dword (LBCC, NCC, NIC, ...)\n"
		 "  -b, --raw-binary            write the pages' bytes to stdout as they are\n"
		 DEVICE_OUTPUT_HELP
		 DEVICE_EXIT_HELP,
	.run = run_effects_log,
};

const struct nvmu_verb nvmu_verb_supported_log_pages = {
	.name = "supported-log-pages",
	.summary = "Supported Log Pages log (log page 0x00)",
	.usage = "Usage: nvmu supported-log-pages <dev> [-v] [-o json|normal]\n"
		 "\n"
		 "Read the Supported Log Pages log and list each log page the controller\n"
		 "supports with its support dword. JSON: {\"supported_logs\": {\"lid_0x<id>\": N}}.\n"
		 "A controller that does not support the page (Identify Controller LPA bit 5) is\n"
		 "reported as such.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -v, --verbose               decode each support dword (LSUPP, IOS)\n"
		 DEVICE_OUTPUT_HELP
		 DEVICE_EXIT_HELP,
	.run = run_supported_log_pages,
};
