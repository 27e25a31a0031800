/* SPDX-License-Identifier: MIT */
/* nvmu smart-log, error-log, fw-log: decoded log pages, human or as nvme-cli's JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "device.h"
#include "log_page.h"
#include "output/log_render.h"
#include "verbs.h"

/* Options of the log verbs: -o FORMAT, and -n NSID / -e ENTRIES where the verb has them. */
struct log_args {
	enum cli_format format;
	uint32_t nsid;
	uint32_t entries; /* 0: as many as the controller keeps */
	const char *dev;
};

static int parse_args(int argc, char **argv, const char *shortopts, struct log_args *a)
{
	static const struct option all[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "output-format", required_argument, NULL, 'o' },
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
	*a = (struct log_args){ .format = CLI_FORMAT_NORMAL, .nsid = NVME_NSID_ALL };
	while ((opt = cli_getopt(argc, argv, shortopts, longopts)) != -1) {
		if (opt == '?')
			return EXIT_USAGE;
		if (opt == 'o' && cli_parse_format(argv[0], optarg, &a->format))
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

	if ((ret = parse_args(argc, argv, "o:n:", &a)) || (ret = device_open(argv[0], a.dev, &d)))
		return ret;
	req.nsid = a.nsid;
	if (a.nsid != NVME_NSID_ALL)
		ret = device_check_ns(argv[0], &d, a.nsid);
	if (!ret && log_page_read(&d, &req, &log, sizeof(log), NULL) < 0)
		ret = cli_fail(argv[0]);
	if (!ret && a.format == CLI_FORMAT_JSON) {
		json_init(&j, stdout);
		smart_log_json(&j, &log);
		json_finish(&j);
	} else if (!ret) {
		smart_log_print(stdout, &log);
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

	if ((ret = parse_args(argc, argv, "o:e:", &a)) || (ret = device_open(argv[0], a.dev, &d)))
		return ret;
	if (!a.entries)
		a.entries = nvmu_ctrl_id(d.ctrl)->elpe + 1u;
	e = calloc(a.entries, sizeof(*e));
	if (!e) {
		fprintf(stderr, "nvmu %s: out of memory\n", argv[0]);
		ret = EXIT_FAILED;
	} else if (log_page_read(&d, &req, e, a.entries * sizeof(*e), NULL) < 0) {
		ret = cli_fail(argv[0]);
	} else if (a.format == CLI_FORMAT_JSON) {
		json_init(&j, stdout);
		error_log_json(&j, e, a.entries);
		json_finish(&j);
	} else {
		error_log_print(stdout, e, a.entries);
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

	if ((ret = parse_args(argc, argv, "o:", &a)) || (ret = device_open(argv[0], a.dev, &d)))
		return ret;
	if (log_page_read(&d, &req, &fw, sizeof(fw), NULL) < 0) {
		ret = cli_fail(argv[0]);
	} else if (a.format == CLI_FORMAT_JSON) {
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
	.usage = "Usage: nvmu smart-log <dev> [-n NSID] [-o json|normal]\n"
		 "\n"
		 "Read the SMART / Health Information log page and print it decoded, or as JSON\n"
		 "with nvme-cli 2.x's keys (critical_warning, temperature in Kelvin, avail_spare,\n"
		 "..., 128-bit counters such as data_units_read as decimal strings).\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -n, --namespace-id NSID     a namespace's log (default 0xffffffff: the "
		 "controller)\n"
		 DEVICE_OUTPUT_HELP
		 DEVICE_EXIT_HELP,
	.run = run_smart_log,
};

const struct nvmu_verb nvmu_verb_error_log = {
	.name = "error-log",
	.summary = "Error Information log (log page 0x01)",
	.usage = "Usage: nvmu error-log <dev> [-e ENTRIES] [-o json|normal]\n"
		 "\n"
		 "Read Error Information log entries (64 bytes each) and print them, or as JSON\n"
		 "{\"errors\": [{\"error_count\", \"sqid\", \"cmdid\", \"status_field\", ...}]} "
		 "as nvme-cli.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -e, --log-entries N         entries to read, 1-256 (default: ELPE + 1 from\n"
		 "                              Identify Controller)\n"
		 DEVICE_OUTPUT_HELP
		 DEVICE_EXIT_HELP,
	.run = run_error_log,
};

const struct nvmu_verb nvmu_verb_fw_log = {
	.name = "fw-log",
	.summary = "Firmware Slot Information log (log page 0x03)",
	.usage = "Usage: nvmu fw-log <dev> [-o json|normal]\n"
		 "\n"
		 "Read the Firmware Slot Information log: the active slot (afi) and the revision\n"
		 "in each occupied slot. JSON as nvme-cli: {\"<dev>\": {\"Active Firmware Slot "
		 "(afi)\":\n"
		 "N, \"Firmware Rev Slot N\": \"<number> (<text>)\"}}.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 DEVICE_OUTPUT_HELP
		 DEVICE_EXIT_HELP,
	.run = run_fw_log,
};
