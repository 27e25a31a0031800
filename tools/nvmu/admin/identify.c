/* SPDX-License-Identifier: MIT */
/* nvmu id-ctrl, id-ns, list-ns: Identify data, human or as nvme-cli's JSON. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "device.h"
#include "output/hexdump.h"
#include "output/id_render.h"
#include "verbs.h"

/* Options of the identify verbs: -o FORMAT, -H, -b, -v, -n NSID; list-ns: -n, -y, -a. */
struct id_args {
	struct cli_output out;
	uint32_t nsid;         /* id-ns: the namespace; list-ns: the first NSID listed */
	uint32_t csi;          /* list-ns -y: an I/O command set's namespaces */
	bool has_nsid, has_csi, all;
	bool vendor;           /* -v: the vendor specific area as a hex dump */
	const char *dev;
};

#define ID_VENDOR_HELP \
	"  -v, --vendor-specific       the vendor specific area too, as a hex dump (text)\n"

/* Parse the options of @p shortopts (a verb's subset of the identify options). */
static int parse_args(int argc, char **argv, const char *shortopts, struct id_args *a)
{
	static const struct option longopts[] = {
		CLI_OUTPUT_LONGOPTS,
		{ "namespace-id", required_argument, NULL, 'n' },
		{ "vendor-specific", no_argument, NULL, 'v' },
		{ "csi", required_argument, NULL, 'y' },
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, ret;

	*a = (struct id_args){ .out = { CLI_FORMAT_NORMAL, false } };
	while ((opt = cli_getopt(argc, argv, shortopts, longopts)) != -1) {
		/* A long option of another identify verb. */
		for (size_t i = 0; opt != '?' && !strchr(shortopts, opt) && longopts[i].name; i++)
			if (longopts[i].val == opt)
				return cli_usage_error(argv[0], "this command has no --%s option",
						       longopts[i].name);
		if ((ret = cli_output_opt(argv[0], opt, optarg, &a->out)) != 1) {
			if (ret)
				return ret;
			continue;
		}
		if (opt == 'v') {
			a->vendor = true;
		} else if (opt == 'a') {
			a->all = true;
		} else if (opt == 'n' &&
			   !cli_parse_u32(argv[0], "-n", optarg, UINT32_MAX - 1, &a->nsid)) {
			a->has_nsid = true;
		} else if (opt == 'y' && !cli_parse_u32(argv[0], "--csi", optarg, 0xff, &a->csi)) {
			a->has_csi = true;
		} else {
			return EXIT_USAGE;
		}
	}
	return cli_device_arg(argc, argv, &a->dev);
}

static int run_id_ctrl(int argc, char **argv)
{
	struct nvme_id_ctrl id;
	struct tool_dev d;
	struct id_args a;
	struct json j;
	int ret;

	if ((ret = parse_args(argc, argv, "o:Hbv", &a)) || (ret = device_open(argv[0], a.dev, &d)))
		return ret;
	if (nvmu_admin_identify(d.ctrl, NVME_IDENTIFY_CNS_CTRL, 0, &id) < 0) {
		ret = cli_fail(argv[0]);
	} else if (a.out.format == CLI_FORMAT_BINARY) {
		ret = raw_write(stdout, &id, sizeof(id)) ? EXIT_FAILED : 0;
	} else if (a.out.format == CLI_FORMAT_JSON) {
		json_init(&j, stdout);
		id_ctrl_json(&j, &id);
		json_finish(&j);
	} else {
		id_ctrl_print(stdout, &id, a.out.human);
		if (a.vendor) {
			printf("vs[]:\n");
			hexdump(stdout, id.vs, sizeof(id.vs));
		}
	}
	device_close(&d);
	return ret;
}

static int run_id_ns(int argc, char **argv)
{
	struct nvme_id_ns id;
	struct tool_dev d;
	struct id_args a;
	struct json j;
	int ret;

	if ((ret = parse_args(argc, argv, "o:Hbvn:", &a)))
		return ret;
	if (!a.has_nsid || a.nsid == 0)
		return cli_usage_error(argv[0], "give the namespace with -n NSID (1 or more)");
	if ((ret = device_open(argv[0], a.dev, &d)))
		return ret;
	if ((ret = device_check_ns(argv[0], &d, a.nsid)) == 0 &&
	    nvmu_admin_identify_ns(d.ctrl, a.nsid, &id, NULL) < 0)
		ret = cli_fail(argv[0]);
	if (ret == 0 && a.out.format == CLI_FORMAT_BINARY) {
		ret = raw_write(stdout, &id, sizeof(id)) ? EXIT_FAILED : 0;
	} else if (ret == 0 && a.out.format == CLI_FORMAT_JSON) {
		json_init(&j, stdout);
		id_ns_json(&j, &id);
		json_finish(&j);
	} else if (ret == 0) {
		id_ns_print(stdout, &id, a.nsid, a.out.human);
		if (a.vendor) {
			printf("vs[]:\n");
			hexdump(stdout, id.vs, sizeof(id.vs));
		}
	}
	device_close(&d);
	return ret;
}

/*
 * One Identify namespace list: active (CNS 02h), allocated with --all (10h), of an I/O
 * command set with --csi (07h, 1Ah); the NSIDs above @p after into @p ids, *n of them.
 */
static int ns_list_page(struct tool_dev *d, const struct id_args *a, uint32_t after,
			uint32_t ids[NVME_ID_NS_LIST_MAX], size_t *n)
{
	uint8_t cns = a->has_csi ? (a->all ? NVME_IDENTIFY_CNS_CSI_ALLOCATED_NS_LIST
					   : NVME_IDENTIFY_CNS_CSI_NS_ACTIVE_LIST)
				 : (a->all ? NVME_IDENTIFY_CNS_ALLOCATED_NS_LIST
					   : NVME_IDENTIFY_CNS_NS_ACTIVE_LIST);
	struct nvmu_sqe cmd = { .opcode = nvme_admin_identify, .nsid = after, .cdw10 = cns,
				.cdw11 = a->csi << 24 };
	uint8_t page[NVME_IDENTIFY_DATA_SIZE];
	struct nvmu_cpl cpl;

	if (device_admin(d, &cmd, page, sizeof(page), false, 0, &cpl) < 0)
		return -1;
	for (*n = 0; *n < NVME_ID_NS_LIST_MAX; (*n)++) {
		ids[*n] = (uint32_t)page[4 * *n] | (uint32_t)page[4 * *n + 1] << 8 |
			  (uint32_t)page[4 * *n + 2] << 16 | (uint32_t)page[4 * *n + 3] << 24;
		if (!ids[*n])
			break;
	}
	return 0;
}

/* Print the namespace IDs, NVME_ID_NS_LIST_MAX at a time (binary: the lists' IDs as
 * little-endian 32-bit numbers, as Identify returns them). */
static int list_ns(struct tool_dev *d, const struct id_args *a)
{
	enum cli_format format = a->out.format;
	uint32_t ids[NVME_ID_NS_LIST_MAX];
	size_t n, total = 0;
	uint32_t after = a->has_nsid ? a->nsid - 1 : 0;
	bool begun = false;
	struct json j;

	json_init(&j, stdout);
	do {
		if (ns_list_page(d, a, after, ids, &n) < 0)
			return -1;
		/* After the first answer: a refused list prints nothing. */
		if (format == CLI_FORMAT_JSON && !begun) {
			json_object_begin(&j);
			json_key(&j, "nsid_list");
			json_array_begin(&j);
		}
		begun = true;
		for (size_t i = 0; i < n; i++, total++) {
			if (format == CLI_FORMAT_BINARY) {
				uint8_t le[4] = { (uint8_t)ids[i], (uint8_t)(ids[i] >> 8),
						  (uint8_t)(ids[i] >> 16), (uint8_t)(ids[i] >> 24) };

				if (raw_write(stdout, le, sizeof(le)))
					return -1;
			} else if (format == CLI_FORMAT_JSON) {
				json_object_begin(&j);
				json_key(&j, "nsid");
				json_uint(&j, ids[i]);
				json_object_end(&j);
			} else {
				printf("[%4zu]:%#x\n", total, ids[i]);
			}
		}
		after = n ? ids[n - 1] : 0;
	} while (n == NVME_ID_NS_LIST_MAX && after < NVME_NSID_ALL - 1);
	if (format == CLI_FORMAT_JSON) {
		json_array_end(&j);
		json_object_end(&j);
		json_finish(&j);
	}
	return 0;
}

static int run_list_ns(int argc, char **argv)
{
	struct tool_dev d;
	struct id_args a;
	int ret;

	if ((ret = parse_args(argc, argv, "o:bn:y:a", &a)))
		return ret;
	if (a.has_nsid && a.nsid == 0)
		return cli_usage_error(argv[0], "-n 0: NSIDs start at 1");
	if ((ret = device_open(argv[0], a.dev, &d)))
		return ret;
	if (list_ns(&d, &a) < 0)
		ret = cli_fail(argv[0]);
	device_close(&d);
	return ret;
}

const struct nvmu_verb nvmu_verb_id_ctrl = {
	.name = "id-ctrl",
	.summary = "Identify Controller: the controller's identify data",
	.usage = "Usage: nvmu id-ctrl <dev> [-o normal|json|binary] [-H] [-b] [-v]\n"
		 "\n"
		 "Send Identify Controller (CNS 1) and print the data, one field per line and the\n"
		 "power states (\"ps    0 : mp:25.00W operational enlat:16 exlat:4 ...\") as\n"
		 "nvme-cli does, or as JSON with the keys nvme-cli 2.x uses (vid, ssvid, sn, mn,\n"
		 "fr, ..., psds), or the 4096 bytes as they are.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 DEVICE_HUMAN_HELP
		 ID_VENDOR_HELP
		 DEVICE_OUTPUT_BINARY_HELP
		 DEVICE_EXIT_HELP,
	.run = run_id_ctrl,
};

const struct nvmu_verb nvmu_verb_id_ns = {
	.name = "id-ns",
	.summary = "Identify Namespace: a namespace's identify data",
	.usage = "Usage: nvmu id-ns <dev> -n NSID [-o normal|json|binary] [-H] [-b] [-v]\n"
		 "\n"
		 "Send Identify Namespace (CNS 0) for an active namespace and print the data as\n"
		 "nvme-cli does (the LBA format in use marked \"(in use)\"), or JSON with nvme-cli\n"
		 "2.x's keys (nsze, ncap, nuse, ..., lbafs), or the 4096 bytes. A namespace that\n"
		 "is not active is refused with the list of the active ones.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -n, --namespace-id NSID     the namespace (required)\n"
		 DEVICE_HUMAN_HELP
		 "                              and the LBA formats as a table in words\n"
		 ID_VENDOR_HELP
		 DEVICE_OUTPUT_BINARY_HELP
		 DEVICE_EXIT_HELP,
	.run = run_id_ns,
};

const struct nvmu_verb nvmu_verb_list_ns = {
	.name = "list-ns",
	.summary = "list the active namespace IDs",
	.usage = "Usage: nvmu list-ns <dev> [-n NSID] [-y CSI] [-a] [-o normal|json|binary]\n"
		 "\n"
		 "Send Identify Active Namespace ID list (CNS 2) until every active namespace is\n"
		 "listed (or the list -y/-a ask for). Human output: \"[index]:0xNSID\" lines; JSON: {\"nsid_list\": "
		 "[{\"nsid\": N}]}\n"
		 "as nvme-cli.\n"
		 DEVICE_HELP
		 "\n"
		 "Options (nvme-cli's):\n"
		 "  -n, --namespace-id NSID     list from this NSID on (default 1)\n"
		 "  -y, --csi CSI               the namespaces of this I/O command set (CNS 07h;\n"
		 "                              with -a 1Ah), 0-255\n"
		 "  -a, --all                   allocated namespaces too, attached or not (CNS\n"
		 "                              10h; needs Namespace Management)\n"
		 DEVICE_OUTPUT_BINARY_HELP
		 DEVICE_EXIT_HELP,
	.run = run_list_ns,
};
