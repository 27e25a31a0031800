/* SPDX-License-Identifier: MIT */
/* nvmu get-feature, set-feature: Get/Set Features with the value, data and full status. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "device.h"
#include "input_file.h"
#include "output/hexdump.h"
#include "output/json.h"
#include "verbs.h"

/* Features nvmu names, and the data a Get Features transfers for them. */
struct feature_info {
	uint8_t fid;
	uint16_t data_len;
	const char *name;
};

static const struct feature_info features[] = {
	{ 0x01, 0, "Arbitration" },
	{ 0x02, 0, "Power Management" },
	{ 0x03, 4096, "LBA Range Type" },
	{ 0x04, 0, "Temperature Threshold" },
	{ 0x05, 0, "Error Recovery" },
	{ 0x06, 0, "Volatile Write Cache" },
	{ 0x07, 0, "Number of Queues" },
	{ 0x08, 0, "Interrupt Coalescing" },
	{ 0x09, 0, "Interrupt Vector Configuration" },
	{ 0x0a, 0, "Write Atomicity Normal" },
	{ 0x0b, 0, "Asynchronous Event Configuration" },
	{ 0x0c, 256, "Autonomous Power State Transition" },
	{ 0x0d, 4096, "Host Memory Buffer" },
	{ 0x0e, 8, "Timestamp" },
	{ 0x0f, 0, "Keep Alive Timer" },
	{ 0x10, 0, "Host Controlled Thermal Management" },
	{ 0x11, 0, "Non-Operational Power State Config" },
	{ 0x80, 0, "Software Progress Marker" },
	{ 0x81, 8, "Host Identifier" },
	{ 0x82, 0, "Reservation Notification Mask" },
	{ 0x83, 0, "Reservation Persistence" },
};

static const struct feature_info *feature_find(uint8_t fid)
{
	static const struct feature_info unknown = { 0, 0, "Unknown" };

	for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++)
		if (features[i].fid == fid)
			return &features[i];
	return &unknown;
}

static const char *const sel_names[] = { "Current", "Default", "Saved", "Supported capabilities" };

struct feature_args {
	uint8_t fid;
	uint8_t sel;
	uint32_t cdw11, cdw12, nsid, data_len;
	bool has_fid, has_value, has_data_len, save, raw;
	const char *data_file;
	enum cli_format format;
	const char *dev;
};

static const struct option get_longopts[] = {
	{ "feature-id", required_argument, NULL, 'f' },
	{ "sel", required_argument, NULL, 's' },
	{ "cdw11", required_argument, NULL, 'c' },
	{ "namespace-id", required_argument, NULL, 'n' },
	{ "data-len", required_argument, NULL, 'l' },
	{ "raw-binary", no_argument, NULL, 'b' },
	{ "output", required_argument, NULL, 'o' },
	{ "output-format", required_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 },
};

static const struct option set_longopts[] = {
	{ "feature-id", required_argument, NULL, 'f' },
	{ "value", required_argument, NULL, 'v' },
	{ "cdw12", required_argument, NULL, 'C' },
	{ "save", no_argument, NULL, 'S' },
	{ "namespace-id", required_argument, NULL, 'n' },
	{ "data-len", required_argument, NULL, 'l' },
	{ "data", required_argument, NULL, 'd' },
	{ NULL, 0, NULL, 0 },
};

/* Parse the options of get-feature (@p set false) or set-feature. */
static int parse_args(int argc, char **argv, bool set, struct feature_args *a)
{
	const char *opts = set ? "f:v:V:C:sSn:l:d:" : "f:s:c:n:l:bo:";
	const struct option *longopts = set ? set_longopts : get_longopts;
	uint32_t v;
	int opt;

	*a = (struct feature_args){ .format = CLI_FORMAT_NORMAL };
	while ((opt = cli_getopt(argc, argv, opts, longopts)) != -1) {
		int bad = 0;

		if (set && opt == 's') /* set-feature's -s is --save, as nvme-cli's */
			opt = 'S';
		switch (opt) {
		case 'f':
			bad = cli_parse_u32(argv[0], "--feature-id", optarg, 0xff, &v);
			a->fid = (uint8_t)v;
			a->has_fid = true;
			break;
		case 's':
			bad = cli_parse_u32(argv[0], "--sel", optarg, 3, &v);
			a->sel = (uint8_t)v;
			break;
		case 'c':
			bad = cli_parse_u32(argv[0], "--cdw11", optarg, UINT32_MAX, &a->cdw11);
			break;
		case 'v':
		case 'V':
			bad = cli_parse_u32(argv[0], "--value", optarg, UINT32_MAX, &a->cdw11);
			a->has_value = true;
			break;
		case 'C':
			bad = cli_parse_u32(argv[0], "--cdw12", optarg, UINT32_MAX, &a->cdw12);
			break;
		case 'S':
			a->save = true;
			break;
		case 'n':
			bad = cli_parse_u32(argv[0], "--namespace-id", optarg, UINT32_MAX,
					    &a->nsid);
			break;
		case 'l':
			bad = cli_parse_u32(argv[0], "--data-len", optarg, 1u << 20, &a->data_len);
			a->has_data_len = true;
			break;
		case 'd':
			a->data_file = optarg;
			break;
		case 'b':
			a->raw = true;
			break;
		case 'o':
			bad = cli_parse_format(argv[0], optarg, &a->format);
			break;
		default:
			return EXIT_USAGE;
		}
		if (bad)
			return EXIT_USAGE;
	}
	if (!a->has_fid)
		return cli_usage_error(argv[0], "give the feature with -f FID");
	if (set && !a->has_value)
		return cli_usage_error(argv[0], "give the value with -v VALUE");
	if (set && (a->data_file != NULL) != (a->data_len != 0))
		return cli_usage_error(argv[0], "--data FILE and --data-len N go together");
	if (!set && !a->has_data_len)
		a->data_len = feature_find(a->fid)->data_len;
	return cli_device_arg(argc, argv, &a->dev);
}

static void print_got(const struct feature_args *a, const struct nvmu_cpl *cpl, const uint8_t *data)
{
	const char *name = feature_find(a->fid)->name;
	struct json j;

	if (a->raw) {
		raw_write(stdout, data, a->data_len);
		return;
	}
	if (a->format == CLI_FORMAT_NORMAL) {
		printf("get-feature:0x%02x (%s), %s value:0x%08x\n", a->fid, name,
		       sel_names[a->sel], cpl->dw0);
		if (a->data_len)
			hexdump(stdout, data, a->data_len);
		return;
	}
	json_init(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "feature_id");
	json_uint(&j, a->fid);
	json_key(&j, "name");
	json_string(&j, name);
	json_key(&j, "sel");
	json_uint(&j, a->sel);
	json_key(&j, "value");
	json_uint(&j, cpl->dw0);
	if (a->data_len) {
		char *hex = malloc(2 * (size_t)a->data_len + 1);

		for (uint32_t i = 0; hex && i < a->data_len; i++)
			snprintf(hex + 2 * i, 3, "%02x", data[i]);
		json_key(&j, "data");
		json_string(&j, hex ? hex : "");
		free(hex);
	}
	json_object_end(&j);
	json_finish(&j);
}

static int run_feature(int argc, char **argv, bool set)
{
	struct feature_args a;
	struct nvmu_cpl cpl = { 0 };
	struct tool_dev d;
	uint8_t *data = NULL;
	int ret;

	if ((ret = parse_args(argc, argv, set, &a)))
		return ret;
	if (a.data_len && !(data = calloc(1, a.data_len))) {
		fprintf(stderr, "nvmu %s: out of memory\n", argv[0]);
		return EXIT_FAILED;
	}
	if (set && a.data_file && (ret = input_file_read(argv[0], a.data_file, data, a.data_len)))
		goto out;
	if ((ret = device_open(argv[0], a.dev, &d)))
		goto out;
	if (a.nsid && a.nsid != NVME_NSID_ALL)
		ret = device_check_ns(argv[0], &d, a.nsid);
	if (!ret) {
		struct nvmu_sqe cmd = {
			.opcode = set ? nvme_admin_set_features : nvme_admin_get_features,
			.nsid = a.nsid,
			.cdw10 = a.fid | (set ? (a.save ? 1u << 31 : 0) : (uint32_t)a.sel << 8),
			.cdw11 = a.cdw11,
			.cdw12 = a.cdw12,
		};

		if (device_admin(&d, &cmd, data, a.data_len, set, 0, &cpl) < 0)
			ret = cli_fail(argv[0]);
	}
	if (!ret && set)
		printf("set-feature:0x%02x (%s), value:0x%08x, cdw12:0x%08x, save:%d, "
		       "result:0x%08x\n",
		       a.fid, feature_find(a.fid)->name, a.cdw11, a.cdw12, a.save, cpl.dw0);
	else if (!ret)
		print_got(&a, &cpl, data);
	device_close(&d);
out:
	free(data);
	return ret;
}

static int run_get_feature(int argc, char **argv)
{
	return run_feature(argc, argv, false);
}

static int run_set_feature(int argc, char **argv)
{
	return run_feature(argc, argv, true);
}

const struct nvmu_verb nvmu_verb_get_feature = {
	.name = "get-feature",
	.summary = "Get Features: a feature's current, default, saved value or capabilities",
	.usage = "Usage: nvmu get-feature <dev> -f FID [-s SEL] [--cdw11 V] [-n NSID] [-l LEN]\n"
		 "                       [-b] [-o json|normal]\n"
		 "\n"
		 "Send Get Features and print the value (completion dword 0) and the feature's\n"
		 "data, if it has any (LBA Range Type, Autonomous Power State Transition, Host\n"
		 "Memory Buffer, Timestamp, Host Identifier), as a hex dump.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -f, --feature-id FID        feature identifier, 0-255 (required)\n"
		 "  -s, --sel SEL               0 current (default), 1 default, 2 saved,\n"
		 "                              3 supported capabilities\n"
		 "  -c, --cdw11 V               command dword 11 (feature specific)\n"
		 "  -n, --namespace-id NSID     namespace (default 0)\n"
		 "  -l, --data-len LEN          data bytes to receive (default: the feature's)\n"
		 "  -b, --raw-binary            write the data bytes to stdout as they are\n"
		 "  -o, --output-format FORMAT  normal (the default) or json: {\"feature_id\",\n"
		 "                              \"name\", \"sel\", \"value\", \"data\" (hex)} "
		 "(nvme-cli\n"
		 "                              2.3 has no JSON for this command)\n"
		 "  -h, --help                  show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_get_feature,
};

const struct nvmu_verb nvmu_verb_set_feature = {
	.name = "set-feature",
	.summary = "Set Features: change a feature's value (optionally saved)",
	.usage = "Usage: nvmu set-feature <dev> -f FID -v VALUE [--cdw12 V] [-s|--save] [-n NSID]\n"
		 "                       [-l LEN -d FILE]\n"
		 "\n"
		 "Send Set Features with VALUE in command dword 11 and print what was set and the\n"
		 "completion's dword 0. Note that each nvmu command brings the controller up and\n"
		 "shuts it down: a value that is not saved may be reset by the next command.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -f, --feature-id FID      feature identifier, 0-255 (required)\n"
		 "  -v, -V, --value VALUE     command dword 11 (required)\n"
		 "  -C, --cdw12 V             command dword 12\n"
		 "  -s, --save                save the value across power cycles (SV bit)\n"
		 "  -n, --namespace-id NSID   namespace (default 0)\n"
		 "  -l, --data-len LEN        bytes of data to send, with -d\n"
		 "  -d, --data FILE           the data (exactly LEN bytes; - is stdin)\n"
		 "  -h, --help                show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_set_feature,
};
