/* SPDX-License-Identifier: MIT */
/* nvmu smart-log, error-log, fw-log: decoded log pages, human or as nvme-cli's JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "device.h"
#include "log_page.h"
#include "output/hexdump.h"
#include "output/log_render.h"
#include "verbs.h"

/* Options of the log verbs: -o FORMAT, -b, and -H / -n NSID / -e ENTRIES where the verb has
 * them. */
struct log_args {
	struct cli_output out;
	uint32_t nsid;
	uint32_t entries; /* 0: as many as the controller keeps */
	const char *dev;
};

static int parse_args(int argc, char **argv, const char *shortopts, struct log_args *a)
{
	static const struct option all[] = {
		CLI_OUTPUT_LONGOPTS,
		{ "namespace-id", required_argument, NULL, 'n' },
		{ "log-entries", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	struct option longopts[sizeof(all) / sizeof(all[0])];
	size_t n = 0;
	int opt;

	/* Only the long forms of this verb's short options. */
	for (size_t i = 0; all[i].name; i++)
		if (strchr(shortopts, all[i].val))
			longopts[n++] = all[i];
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };
	*a = (struct log_args){ .out = { CLI_FORMAT_NORMAL, false }, .nsid = NVME_NSID_ALL };
	while ((opt = cli_getopt(argc, argv, shortopts, longopts)) != -1) {
		int ret = cli_output_opt(argv[0], opt, optarg, &a->out);

		if (opt == '?' || (ret != 1 && ret))
			return EXIT_USAGE;
		if (opt == 'n' && cli_parse_u32(argv[0], "-n", optarg, UINT32_MAX, &a->nsid))
			return EXIT_USAGE;
		if (opt == 'e' && cli_parse_u32(argv[0], "-e", optarg, 256, &a->entries))
			return EXIT_USAGE;
		if (opt == 'e' && a->entries == 0)
			return cli_usage_error(argv[0], "-e needs at least 1 entry");
	}
	return cli_device_arg(argc, argv, &a->dev);
}

static int run_smart_log(int argc, char **argv)
{
	struct nvme_smart_log log;
	struct log_request req = { .lid = NVME_LOG_LID_SMART };
	struct tool_dev d;
	struct log_args a;
	struct json j;
	int ret;

	if ((ret = parse_args(argc, argv, "o:Hbn:", &a)) ||
	    (ret = device_open(argv[0], a.dev, &d)))
		return ret;
	req.nsid = a.nsid;
	if (a.nsid != NVME_NSID_ALL)
		ret = device_check_ns(argv[0], &d, a.nsid);
	if (!ret && log_page_read(&d, &req, &log, sizeof(log), NULL) < 0)
		ret = cli_fail(argv[0]);
	if (!ret && a.out.format == CLI_FORMAT_BINARY) {
		ret = raw_write(stdout, &log, sizeof(log)) ? EXIT_FAILED : 0;
	} else if (!ret && a.out.format == CLI_FORMAT_JSON) {
		json_init(&j, stdout);
		smart_log_json(&j, &log);
		json_finish(&j);
	} else if (!ret) {
		smart_log_print(stdout, &log, a.dev, a.nsid, a.out.human);
	}
	device_close(&d);
	return ret;
}

static int run_error_log(int argc, char **argv)
{
	struct log_request req = { .lid = NVME_LOG_LID_ERROR, .nsid = NVME_NSID_ALL };
	struct nvme_error_log_page *e;
	struct tool_dev d;
	struct log_args a;
	struct json j;
	int ret;

	if ((ret = parse_args(argc, argv, "o:Hbe:", &a)) ||
	    (ret = device_open(argv[0], a.dev, &d)))
		return ret;
	if (!a.entries)
		a.entries = nvmu_ctrl_id(d.ctrl)->elpe + 1u;
	e = calloc(a.entries, sizeof(*e));
	if (!e) {
		fprintf(stderr, "nvmu %s: out of memory\n", argv[0]);
		ret = EXIT_FAILED;
	} else if (log_page_read(&d, &req, e, a.entries * sizeof(*e), NULL) < 0) {
		ret = cli_fail(argv[0]);
	} else if (a.out.format == CLI_FORMAT_BINARY) {
		ret = raw_write(stdout, e, a.entries * sizeof(*e)) ? EXIT_FAILED : 0;
	} else if (a.out.format == CLI_FORMAT_JSON) {
		json_init(&j, stdout);
		error_log_json(&j, e, a.entries);
		json_finish(&j);
	} else {
		error_log_print(stdout, e, a.entries, a.dev);
	}
	free(e);
	device_close(&d);
	return ret;
}

static int run_fw_log(int argc, char **argv)
{
	struct log_request req = { .lid = NVME_LOG_LID_FW_SLOT, .nsid = NVME_NSID_ALL };
	struct nvme_firmware_slot fw;
	struct tool_dev d;
	struct log_args a;
	struct json j;
	int ret;

	if ((ret = parse_args(argc, argv, "o:b", &a)) || (ret = device_open(argv[0], a.dev, &d)))
		return ret;
	if (log_page_read(&d, &req, &fw, sizeof(fw), NULL) < 0) {
		ret = cli_fail(argv[0]);
	} else if (a.out.format == CLI_FORMAT_BINARY) {
		ret = raw_write(stdout, &fw, sizeof(fw)) ? EXIT_FAILED : 0;
	} else if (a.out.format == CLI_FORMAT_JSON) {
		json_init(&j, stdout);
		fw_log_json(&j, a.dev, &fw);
		json_finish(&j);
	} else {
		fw_log_print(stdout, a.dev, &fw);
	}
	device_close(&d);
	return ret;
}

const struct nvmu_verb nvmu_verb_smart_log = {
	.name = "smart-log",
	.summary = "SMART / Health Information log (log page 0x02)",
	.usage = "Usage: nvmu smart-log <dev> [-n NSID] [-o normal|json|binary] [-H] [-b]\n"
		 "\n"
		 "Read the SMART / Health Information log page and print it decoded as nvme-cli\n"
		 "does (\"Smart Log for NVME device:<dev> namespace-id:<nsid>\"), or as JSON with\n"
		 "nvme-cli 2.x's keys (critical_warning, temperature in Kelvin, avail_spare, ...,\n"
		 "128-bit counters such as data_units_read as decimal strings), or the 512 bytes.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -n, --namespace-id NSID     a namespace's log (default 0xffffffff: the "
		 "controller)\n"
		 "  -H, --human-readable        the Critical Warning bits one by one\n"
		 DEVICE_OUTPUT_BINARY_HELP
		 DEVICE_EXIT_HELP,
	.run = run_smart_log,
};

const struct nvmu_verb nvmu_verb_error_log = {
	.name = "error-log",
	.summary = "Error Information log (log page 0x01)",
	.usage = "Usage: nvmu error-log <dev> [-e ENTRIES] [-o normal|json|binary] [-b]\n"
		 "\n"
		 "Read Error Information log entries (64 bytes each) and print them as nvme-cli\n"
		 "does, each status in the driver's words (\"status_field : 0x4002(INVALID_FIELD\n"
		 "(sct 0 sc 0x2) dnr)\"), or the entries' bytes, or as JSON\n"
		 "{\"errors\": [{\"error_count\", \"sqid\", \"cmdid\", \"status_field\", ...}]} "
		 "as nvme-cli.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -e, --log-entries N         entries to read, 1-256 (default: ELPE + 1 from\n"
		 "                              Identify Controller)\n"
		 "  -H, --human-readable        accepted as nvme-cli's (the status is always in\n"
		 "                              words)\n"
		 DEVICE_OUTPUT_BINARY_HELP
		 DEVICE_EXIT_HELP,
	.run = run_error_log,
};

const struct nvmu_verb nvmu_verb_fw_log = {
	.name = "fw-log",
	.summary = "Firmware Slot Information log (log page 0x03)",
	.usage = "Usage: nvmu fw-log <dev> [-o normal|json|binary] [-b]\n"
		 "\n"
		 "Read the Firmware Slot Information log: the active slot (afi) and the revision\n"
		 "in each occupied slot. JSON as nvme-cli: {\"<dev>\": {\"Active Firmware Slot "
		 "(afi)\":\n"
		 "N, \"Firmware Rev Slot N\": \"<number> (<text>)\"}}.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 DEVICE_OUTPUT_BINARY_HELP
		 DEVICE_EXIT_HELP,
	.run = run_fw_log,
};
