/* SPDX-License-Identifier: MIT */
/*
 * nvmu get-lba-status: Get LBA Status (admin 86h), the blocks the controller reports as
 * potentially unrecoverable, printed as nvme-cli 2.3 does (hex where nvme-cli prints
 * decimal digits after "0x"); JSON with the field names of the specification.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "device.h"
#include "output/json.h"
#include "unsupported.h"
#include "verb_opts.h"
#include "verbs.h"

#define HDR 8
#define DESC 16
#define ATYPE_SHIFT 24

static void status_json(const struct nvme_lba_status *s, unsigned n)
{
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "nlsd");
	json_uint(&j, s->nlsd);
	json_key(&j, "cmpc");
	json_uint(&j, s->cmpc);
	json_key(&j, "lba_status_descriptors");
	json_array_begin(&j);
	for (unsigned i = 0; i < n; i++) {
		json_object_begin(&j);
		json_key(&j, "dslba");
		json_uint(&j, s->descs[i].dslba);
		json_key(&j, "nlb");
		json_uint(&j, s->descs[i].nlb);
		json_key(&j, "status");
		json_uint(&j, s->descs[i].status);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

static void status_print(const struct nvme_lba_status *s, unsigned n)
{
	printf("Number of LBA Status Descriptors(NLSD): %u\n", s->nlsd);
	printf("Completion Condition(CMPC): %u\n", s->cmpc);
	if (s->cmpc == 1)
		printf("\tCompleted due to transferring the amount of data specified in the MNDW "
		       "field\n");
	else if (s->cmpc == 2)
		printf("\tCompleted due to having performed the action\n\tspecified in the Action "
		       "Type field over the\n\tnumber of logical blocks specified in the\n\tRange "
		       "Length field\n");
	for (unsigned i = 0; i < n; i++)
		printf("{ DSLBA: 0x%016llx, NLB: 0x%08x, Status: 0x%02x }\n",
		       (unsigned long long)s->descs[i].dslba, s->descs[i].nlb, s->descs[i].status);
}

static int run_get_lba_status(int argc, char **argv)
{
	enum cli_format format = CLI_FORMAT_NORMAL;
	uint32_t nsid = 0, mndw = 0, timeout = 0;
	uint64_t slba = 0;
	uint8_t atype = 0;
	uint16_t rl = 0;
	const struct verb_opt opts[] = {
		{ 'n', "namespace-id", VOPT_U32, &nsid, 0, NULL },
		{ 's', "start-lba", VOPT_U64, &slba, 0, NULL },
		{ 'm', "max-dw", VOPT_U32, &mndw, 0, NULL },
		{ 'a', "action", VOPT_U8, &atype, 0, NULL },
		{ 'l', "range-len", VOPT_U16, &rl, 0, NULL },
		{ 't', "timeout", VOPT_U32, &timeout, 0, NULL },
		{ 'o', "output-format", VOPT_FORMAT, &format, 0, NULL },
	};
	struct nvmu_sqe cmd = { .opcode = nvme_admin_get_lba_status };
	struct capability cap = { .what = "Get LBA Status", .field = "OACS bit 9" };
	struct nvme_lba_status *s;
	struct nvmu_cpl cpl = { 0 };
	struct tool_dev d;
	const char *dev;
	size_t len;
	unsigned n;
	int ret;

	if ((ret = VERB_PARSE(argc, argv, opts, &dev)))
		return ret;
	if (!atype)
		return cli_usage_error(argv[0], "give the action type with -a/--action (0x10: "
				       "scan untracked blocks, 0x11: tracked blocks)");
	if (mndw >= (1u << 20) / 4)
		return cli_usage_error(argv[0], "--max-dw %u: at most %u dwords (1 MiB)", mndw,
				       (1u << 20) / 4 - 1);
	len = ((size_t)mndw + 1) * 4;
	if (!(s = calloc(1, len > HDR ? len : HDR))) {
		fprintf(stderr, "nvmu %s: out of memory\n", argv[0]);
		return EXIT_FAILED;
	}
	if ((ret = device_open(argv[0], dev, &d))) {
		free(s);
		return ret;
	}
	cap.present = nvmu_ctrl_id(d.ctrl)->oacs & NVME_CTRL_OACS_LBA_STATUS;
	cmd.nsid = nsid;
	cmd.cdw10 = (uint32_t)slba;
	cmd.cdw11 = (uint32_t)(slba >> 32);
	cmd.cdw12 = mndw;
	cmd.cdw13 = rl | (uint32_t)atype << ATYPE_SHIFT;
	if ((ret = device_admin(&d, &cmd, s, len, false, timeout, &cpl)) < 0) {
		ret = unsupported_fail(argv[0], dev, &cap, ret, &cpl);
	} else {
		/* Never more descriptors than the buffer holds, whatever NLSD says. */
		n = len < HDR ? 0 : (unsigned)((len - HDR) / DESC);
		n = s->nlsd < n ? s->nlsd : n;
		if (format == CLI_FORMAT_JSON)
			status_json(s, n);
		else
			status_print(s, n);
	}
	device_close(&d);
	free(s);
	return ret;
}

const struct nvmu_verb nvmu_verb_get_lba_status = {
	.name = "get-lba-status",
	.summary = "potentially unrecoverable blocks (Get LBA Status)",
	.usage = "Usage: nvmu get-lba-status <dev> -n NSID -a ACTION [-s SLBA] [-l LEN] [-m DWORDS]\n"
		 "                             [-t MS] [-o json|normal]\n"
		 "\n"
		 "Send Get LBA Status and list the ranges the controller reports. JSON:\n"
		 "{\"nlsd\", \"cmpc\", \"lba_status_descriptors\": [{\"dslba\", \"nlb\", \"status\"}]}\n"
		 "(nvme-cli 2.3 prints no JSON for it). A controller without the command\n"
		 "(Identify Controller OACS bit 9) is reported as such.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -n, --namespace-id=NSID     the namespace\n"
		 "  -a, --action=ACTION         0x10 scan for untracked blocks, 0x11 tracked ones\n"
		 "  -s, --start-lba=SLBA        the first block to look at (default 0)\n"
		 "  -l, --range-len=LEN         blocks to look at (default 0: to the end)\n"
		 "  -m, --max-dw=DWORDS         dwords of data minus one (default 0: the header)\n"
		 "  -t, --timeout=MS            command timeout (default: the controller's)\n"
		 DEVICE_OUTPUT_HELP
		 DEVICE_EXIT_HELP,
	.run = run_get_lba_status,
};
