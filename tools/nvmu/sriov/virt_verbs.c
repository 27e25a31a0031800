/* SPDX-License-Identifier: MIT */
/*
 * nvmu virt-mgmt, primary-ctrl-caps, list-secondary: the NVMe virtualization commands under
 * nvme-cli's names, with its options and its output (text, JSON, or the raw data).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "device.h"
#include "nvmu/sriov.h"
#include "sriov/sriov_render.h"
#include "verbs.h"

/* The output formats of these verbs: nvme-cli's normal, json and binary. */
enum virt_format { VIRT_NORMAL, VIRT_JSON, VIRT_BINARY };

static int parse_virt_format(const char *verb, const char *text, enum virt_format *out)
{
	enum cli_format f;

	if (!strcmp(text, "binary")) {
		*out = VIRT_BINARY;
		return 0;
	}
	if (cli_parse_format(verb, text, &f))
		return -1;
	*out = f == CLI_FORMAT_JSON ? VIRT_JSON : VIRT_NORMAL;
	return 0;
}

/* The words nvme-cli prints for the statuses of Virtualization Management. */
static const char *virt_status_words(uint16_t status)
{
	if (nvmu_status_sct(status) != NVME_SCT_CMD_SPECIFIC)
		return NULL;
	switch (nvmu_status_sc(status)) {
	case NVME_SC_INVALID_CTRL_ID:
		return "Invalid Controller Identifier: An invalid controller id was specified";
	case NVME_SC_INVALID_SEC_CTRL_STATE:
		return "Invalid Secondary Controller State: The requested secondary controller "
		       "action is invalid based on the secondary and primary controllers current "
		       "states";
	case NVME_SC_INVALID_CTRL_RESOURCES:
		return "Invalid Number of Controller Resources: The specified number of Flexible "
		       "Resources is invalid";
	case NVME_SC_INVALID_RESOURCE_ID:
		return "Invalid Resource Identifier: At least one of the specified resource "
		       "identifiers was invalid";
	default:
		return NULL;
	}
}

static int run_virt_mgmt(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cntlid", required_argument, NULL, 'c' },
		{ "rt", required_argument, NULL, 'r' },
		{ "act", required_argument, NULL, 'a' },
		{ "nr", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	uint32_t cntlid = 0, rt = 0, act = 0, nr = 0, changed = 0;
	struct nvmu_cpl cpl = { 0 };
	struct nvmu_sqe cmd = { .opcode = nvme_admin_virtual_mgmt };
	const char *dev, *words;
	struct tool_dev d;
	int opt, ret;

	while ((opt = cli_getopt(argc, argv, "c:r:a:n:", longopts)) != -1) {
		if ((opt == 'c' && !cli_parse_u32(argv[0], "-c", optarg, 0xffff, &cntlid)) ||
		    (opt == 'r' && !cli_parse_u32(argv[0], "-r", optarg, 7, &rt)) ||
		    (opt == 'a' && !cli_parse_u32(argv[0], "-a", optarg, 15, &act)) ||
		    (opt == 'n' && !cli_parse_u32(argv[0], "-n", optarg, 0xffff, &nr)))
			continue;
		return EXIT_USAGE;
	}
	if ((ret = cli_device_arg(argc, argv, &dev)) || (ret = device_open(argv[0], dev, &d)))
		return ret;
	/* The raw command, as nvme-cli sends it: no checks of ours in the way. */
	cmd.cdw10 = act | rt << 8 | cntlid << 16;
	cmd.cdw11 = nr;
	ret = device_admin(&d, &cmd, NULL, 0, false, 0, &cpl);
	if (ret == 0) {
		changed = cpl.dw0;
		printf("success, Number of Controller Resources Modified (NRM):%#x\n", changed);
	} else if (ret == -EREMOTEIO && (words = virt_status_words(cpl.status))) {
		fprintf(stderr, "NVMe status: %s(%#x)\n", words, cpl.status);
		ret = EXIT_FAILED;
	} else {
		ret = cli_fail(argv[0]);
	}
	device_close(&d);
	return ret ? EXIT_FAILED : EXIT_OK;
}

static int run_primary_ctrl_caps(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cntlid", required_argument, NULL, 'c' },
		{ "output-format", required_argument, NULL, 'o' },
		{ "output", required_argument, NULL, 'o' },
		{ "human-readable", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	enum virt_format format = VIRT_NORMAL;
	struct nvme_primary_ctrl_cap caps;
	uint32_t cntlid = 0;
	bool human = false;
	const char *dev;
	struct tool_dev d;
	int opt, ret;

	while ((opt = cli_getopt(argc, argv, "c:o:H", longopts)) != -1) {
		if ((opt == 'c' && !cli_parse_u32(argv[0], "-c", optarg, 0xffff, &cntlid)) ||
		    (opt == 'o' && !parse_virt_format(argv[0], optarg, &format)))
			continue;
		if (opt == 'H') {
			human = true;
			continue;
		}
		return EXIT_USAGE;
	}
	if ((ret = cli_device_arg(argc, argv, &dev)) || (ret = device_open(argv[0], dev, &d)))
		return ret;
	if (nvmu_sriov_primary_caps(d.ctrl, (uint16_t)cntlid, &caps) < 0)
		ret = cli_fail(argv[0]);
	else if (format == VIRT_BINARY)
		fwrite(&caps, sizeof(caps), 1, stdout);
	else if (format == VIRT_JSON)
		sriov_render_caps_json(stdout, &caps);
	else
		sriov_render_caps(stdout, &caps, human);
	device_close(&d);
	return ret;
}

static int run_list_secondary(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cntid", required_argument, NULL, 'c' },
		{ "namespace-id", required_argument, NULL, 'n' },
		{ "num-entries", required_argument, NULL, 'e' },
		{ "output-format", required_argument, NULL, 'o' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	enum virt_format format = VIRT_NORMAL;
	struct nvme_secondary_ctrl_list list;
	uint32_t cntid = 0, nsid = 0, entries = NVME_ID_SECONDARY_CTRL_MAX;
	const char *dev;
	struct tool_dev d;
	int opt, ret;

	while ((opt = cli_getopt(argc, argv, "c:n:e:o:", longopts)) != -1) {
		if ((opt == 'c' && !cli_parse_u32(argv[0], "-c", optarg, 0xffff, &cntid)) ||
		    (opt == 'n' && !cli_parse_u32(argv[0], "-n", optarg, UINT32_MAX, &nsid)) ||
		    (opt == 'e' && !cli_parse_u32(argv[0], "-e", optarg,
						  NVME_ID_SECONDARY_CTRL_MAX, &entries)) ||
		    (opt == 'o' && !parse_virt_format(argv[0], optarg, &format)))
			continue;
		return EXIT_USAGE;
	}
	(void)nsid; /* nvme-cli takes it and sends it nowhere (CNS 15h has no namespace) */
	if ((ret = cli_device_arg(argc, argv, &dev)) || (ret = device_open(argv[0], dev, &d)))
		return ret;
	if (nvmu_sriov_secondary_list(d.ctrl, (uint16_t)cntid, &list) < 0)
		ret = cli_fail(argv[0]);
	else if (format == VIRT_BINARY)
		fwrite(&list, sizeof(list), 1, stdout);
	else if (format == VIRT_JSON)
		sriov_render_list_json(stdout, &list, entries);
	else
		sriov_render_list(stdout, &list, entries);
	device_close(&d);
	return ret;
}

const struct nvmu_verb nvmu_verb_virt_mgmt = {
	.name = "virt-mgmt",
	.summary = "Virtualization Management: assign, offline, online (nvme-cli's virt-mgmt)",
	.usage = "Usage: nvmu virt-mgmt <dev> [-c CNTLID] [-r RT] [-a ACT] [-n NR]\n"
		 "\n"
		 "Send Virtualization Management as given, with nvme-cli's options and output:\n"
		 "\"success, Number of Controller Resources Modified (NRM):N\", or the NVMe status\n"
		 "in nvme-cli's words. `nvmu sriov` does the same steps with checks and numbers.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -c, --cntlid CNTLID   controller: the primary's for action 1, else a secondary's\n"
		 "  -r, --rt RT           resource type: 0 VQ (queues), 1 VI (interrupts)\n"
		 "  -a, --act ACT         1 primary flexible allocation, 7 secondary offline,\n"
		 "                        8 secondary assign, 9 secondary online\n"
		 "  -n, --nr NR           number of resources\n"
		 "  -h, --help            show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_virt_mgmt,
};

const struct nvmu_verb nvmu_verb_primary_ctrl_caps = {
	.name = "primary-ctrl-caps",
	.summary = "Identify Primary Controller Capabilities (CNS 14h), as nvme-cli",
	.usage = "Usage: nvmu primary-ctrl-caps <dev> [-c CNTLID] [-o normal|json|binary] [-H]\n"
		 "\n"
		 "Print the primary controller's SR-IOV resources: flexible totals (VQFRT, VIFRT),\n"
		 "assigned to secondaries (VQRFA, VIRFA), to the primary (VQRFAP, VIRFAP), private\n"
		 "(VQPRT, VIPRT), per-secondary maximum (VQFRSM, VIFRSM), granularity.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -c, --cntlid CNTLID          the controller (default 0)\n"
		 "  -o, --output-format FORMAT   normal (the default), json or binary\n"
		 "  -H, --human-readable         decode CRT\n"
		 "  -h, --help                   show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_primary_ctrl_caps,
};

const struct nvmu_verb nvmu_verb_list_secondary = {
	.name = "list-secondary",
	.summary = "Identify Secondary Controller List (CNS 15h), as nvme-cli",
	.usage = "Usage: nvmu list-secondary <dev> [-c CNTID] [-e N] [-o normal|json|binary]\n"
		 "\n"
		 "Print the secondary controllers: ID, primary, state, VF number, VQ and VI\n"
		 "resources assigned.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -c, --cntid CNTID            the lowest secondary controller ID to list\n"
		 "  -e, --num-entries N          print at most N entries\n"
		 "  -n, --namespace-id NSID      accepted as nvme-cli does; not used\n"
		 "  -o, --output-format FORMAT   normal (the default), json or binary\n"
		 "  -h, --help                   show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_list_secondary,
};
