/* SPDX-License-Identifier: MIT */
/*
 * nvmu list-ctrl: the controllers of the NVM subsystem (Identify CNS 13h), or those a
 * namespace is attached to (CNS 12h), as nvme-cli 2.3 prints them.
 */
#include <stdio.h>

#include "cli.h"
#include "device.h"
#include "output/json.h"
#include "verb_opts.h"
#include "verbs.h"

#define CNTID_SHIFT 16

static void list_json(const struct nvme_ctrl_list *l)
{
	unsigned n = l->num < NVME_ID_CTRL_LIST_MAX ? l->num : NVME_ID_CTRL_LIST_MAX;
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "num_ctrl");
	json_uint(&j, l->num);
	json_key(&j, "ctrl_list");
	json_array_begin(&j);
	for (unsigned i = 0; i < n; i++) {
		json_object_begin(&j);
		json_key(&j, "ctrl_id");
		json_uint(&j, l->identifier[i]);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

static int run_list_ctrl(int argc, char **argv)
{
	enum cli_format format = CLI_FORMAT_NORMAL;
	uint16_t cntid = 0;
	uint32_t nsid = 0;
	const struct verb_opt opts[] = {
		{ 'c', "cntid", VOPT_U16, &cntid, 0, NULL },
		{ 'n', "namespace-id", VOPT_U32, &nsid, 0, NULL },
		{ 'o', "output-format", VOPT_FORMAT, &format, 0, NULL },
	};
	_Alignas(8) struct nvme_ctrl_list l;
	struct nvmu_sqe cmd = { .opcode = nvme_admin_identify };
	struct nvmu_cpl cpl;
	struct tool_dev d;
	const char *dev;
	int ret;

	if ((ret = VERB_PARSE(argc, argv, opts, &dev)) || (ret = device_open(argv[0], dev, &d)))
		return ret;
	cmd.nsid = nsid;
	cmd.cdw10 = (nsid ? NVME_IDENTIFY_CNS_NS_CTRL_LIST : NVME_IDENTIFY_CNS_CTRL_LIST) |
		    (uint32_t)cntid << CNTID_SHIFT;
	if (device_admin(&d, &cmd, &l, sizeof(l), false, 0, &cpl) < 0) {
		ret = cli_fail(argv[0]);
	} else if (format == CLI_FORMAT_JSON) {
		list_json(&l);
	} else {
		printf("num of ctrls present: %u\n", l.num);
		for (unsigned i = 0; i < l.num && i < NVME_ID_CTRL_LIST_MAX; i++)
			printf("[%4u]:%#x\n", i, l.identifier[i]);
	}
	device_close(&d);
	return ret;
}

const struct nvmu_verb nvmu_verb_list_ctrl = {
	.name = "list-ctrl",
	.summary = "controllers of the subsystem or of a namespace (Identify CNS 0x13/0x12)",
	.usage = "Usage: nvmu list-ctrl <dev> [-c CNTID] [-n NSID] [-o json|normal]\n"
		 "\n"
		 "List the controller IDs of the NVM subsystem from CNTID on, or with -n those\n"
		 "namespace NSID is attached to. JSON as nvme-cli: {\"num_ctrl\": N, \"ctrl_list\":\n"
		 "[{\"ctrl_id\": ID}]}.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -c, --cntid=CNTID           the lowest controller ID to list (default 0)\n"
		 "  -n, --namespace-id=NSID     the controllers attached to this namespace\n"
		 DEVICE_OUTPUT_HELP
		 DEVICE_EXIT_HELP,
	.run = run_list_ctrl,
};
