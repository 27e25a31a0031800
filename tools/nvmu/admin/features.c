/* SPDX-License-Identifier: MIT */
/*
 * nvmu get-feature, set-feature: Get/Set Features with the value, data and full status;
 * get-feature without -f reads every feature, as nvme-cli does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "device.h"
#include "input_file.h"
#include "output/feature_render.h"
#include "output/hexdump.h"
#include "output/json.h"
#include "verbs.h"

struct feature_args {
	uint8_t fid, uuid;
	uint8_t sel; /* 0-3, or FEATURE_SEL_CHANGED */
	uint32_t cdw11, cdw12, nsid, data_len;
	bool has_fid, has_value, has_data_len, save;
	const char *data_file;
	struct cli_output out;
	const char *dev;
};

static const struct option get_longopts[] = {
	{ "feature-id", required_argument, NULL, 'f' },
	{ "sel", required_argument, NULL, 's' },
	{ "cdw11", required_argument, NULL, 'c' },
	{ "namespace-id", required_argument, NULL, 'n' },
	{ "data-len", required_argument, NULL, 'l' },
	{ "uuid-index", required_argument, NULL, 'U' },
	CLI_OUTPUT_LONGOPTS,
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
	{ "uuid-index", required_argument, NULL, 'U' },
	{ NULL, 0, NULL, 0 },
};

/* One option of either verb; 0, or EXIT_USAGE after printing why. */
static int parse_opt(const char *verb, int opt, struct feature_args *a)
{
	uint64_t size;
	uint32_t v;
	int bad = 0;

	switch (opt) {
	case 'f':
		bad = cli_parse_u32(verb, "--feature-id", optarg, 0xff, &v);
		a->fid = (uint8_t)v;
		a->has_fid = true;
		break;
	case 's':
		bad = cli_parse_u32(verb, "--sel", optarg, FEATURE_SEL_CHANGED, &v);
		if (!bad && v > 3 && v != FEATURE_SEL_CHANGED)
			return cli_usage_error(verb, "--sel %s: 0 current, 1 default, 2 saved, "
					       "3 supported capabilities, or 8 changed", optarg);
		a->sel = (uint8_t)v;
		break;
	case 'c':
	case 'v':
	case 'V':
		bad = cli_parse_u32(verb, opt == 'c' ? "--cdw11" : "--value", optarg, UINT32_MAX,
				    &a->cdw11);
		a->has_value = true;
		break;
	case 'C':
		bad = cli_parse_u32(verb, "--cdw12", optarg, UINT32_MAX, &a->cdw12);
		break;
	case 'S':
		a->save = true;
		break;
	case 'n':
		bad = cli_parse_u32(verb, "--namespace-id", optarg, UINT32_MAX, &a->nsid);
		break;
	case 'l':
		bad = cli_parse_size(verb, "--data-len", optarg, 1u << 20, &size);
		a->data_len = (uint32_t)size;
		a->has_data_len = true;
		break;
	case 'U':
		bad = cli_parse_u32(verb, "--uuid-index", optarg, 0x7f, &v);
		a->uuid = (uint8_t)v;
		break;
	case 'd':
		a->data_file = optarg;
		break;
	default:
		bad = cli_output_opt(verb, opt, optarg, &a->out);
	}
	return bad ? EXIT_USAGE : 0;
}

/* Parse the options of get-feature (@p set false) or set-feature. */
static int parse_args(int argc, char **argv, bool set, struct feature_args *a)
{
	const char *opts = set ? "f:v:V:C:sSn:l:d:U:" : "f:s:c:n:l:U:bHo:";
	const struct option *longopts = set ? set_longopts : get_longopts;
	int opt;

	*a = (struct feature_args){ .out = { CLI_FORMAT_NORMAL, false } };
	while ((opt = cli_getopt(argc, argv, opts, longopts)) != -1) {
		if (set && opt == 's') /* set-feature's -s is --save, as nvme-cli's */
			opt = 'S';
		if (opt == '?' || parse_opt(argv[0], opt, a))
			return EXIT_USAGE;
	}
	if (set && !a->has_fid)
		return cli_usage_error(argv[0], "give the feature with -f FID");
	if (set && !a->has_value)
		return cli_usage_error(argv[0], "give the value with -v VALUE");
	if (set && (a->data_file != NULL) != (a->data_len != 0))
		return cli_usage_error(argv[0], "--data FILE and --data-len N go together");
	if (!set && !a->has_fid && a->has_data_len)
		return cli_usage_error(argv[0], "--data-len needs one feature (-f FID)");
	return cli_device_arg(argc, argv, &a->dev);
}

/* The data a Get Features of @p fid transfers: -l, else the feature's, none for Select 3. */
static uint32_t get_data_len(const struct feature_args *a, uint8_t fid, uint8_t sel)
{
	if (sel == 3)
		return 0;
	return a->has_data_len ? a->data_len : feature_data_len(fid);
}

/* One Get Features; *data is allocated (free it). 0, or a negative errno with *cpl. */
static int get_one(struct tool_dev *d, const struct feature_args *a, uint8_t fid, uint8_t sel,
		   uint8_t **data, uint32_t *len, struct nvmu_cpl *cpl)
{
	struct nvmu_sqe cmd = {
		.opcode = nvme_admin_get_features,
		.nsid = a->nsid,
		.cdw10 = fid | (uint32_t)sel << 8,
		.cdw11 = a->cdw11,
		.cdw14 = a->uuid,
	};

	*len = get_data_len(a, fid, sel);
	*data = *len ? calloc(1, *len) : NULL;
	if (*len && !*data)
		return -ENOMEM;
	return device_admin(d, &cmd, *data, *len, false, 0, cpl);
}

static void json_feature(struct json *j, uint8_t fid, uint8_t sel, uint32_t value,
			 const uint8_t *data, uint32_t len)
{
	json_object_begin(j);
	json_key(j, "feature_id");
	json_uint(j, fid);
	json_key(j, "name");
	json_string(j, feature_name(fid));
	json_key(j, "sel");
	json_uint(j, sel);
	json_key(j, "value");
	json_uint(j, value);
	if (len) {
		char *hex = malloc(2 * (size_t)len + 1);

		for (uint32_t i = 0; hex && i < len; i++)
			snprintf(hex + 2 * i, 3, "%02x", data[i]);
		json_key(j, "data");
		json_string(j, hex ? hex : "");
		free(hex);
	}
	json_object_end(j);
}

/* True for the status of a feature the controller does not have: Invalid Field. */
static bool not_supported(int err, const struct nvmu_cpl *cpl)
{
	return err == -EREMOTEIO && nvmu_status_sct(cpl->status) == NVME_SCT_GENERIC &&
	       nvmu_status_sc(cpl->status) == NVME_SC_INVALID_FIELD;
}

/*
 * Get feature @p fid and show it. With Select 8 the current value is shown only when it
 * differs from the default. Returns 0, -1 when @p all and the controller does not have the
 * feature (skipped silently, as nvme-cli), or EXIT_FAILED with a message.
 */
static int show_feature(struct tool_dev *d, const struct feature_args *a, uint8_t fid, bool all,
			struct json *j)
{
	uint8_t sel = a->sel == FEATURE_SEL_CHANGED ? 0 : a->sel, *data, *def = NULL;
	struct nvmu_cpl cpl = { 0 }, cpl_def = { 0 };
	uint32_t len, def_len;
	int err = get_one(d, a, fid, sel, &data, &len, &cpl), ret = 0;

	if (err == 0 && a->sel == FEATURE_SEL_CHANGED)
		err = get_one(d, a, fid, 1, &def, &def_len, &cpl_def);
	if (err < 0 && all && (not_supported(err, &cpl) || not_supported(err, &cpl_def)))
		ret = -1;
	else if (err < 0)
		ret = cli_fail("get-feature");
	else if (a->sel == FEATURE_SEL_CHANGED && cpl.dw0 == cpl_def.dw0 &&
		 (!len || !memcmp(data, def, len)))
		ret = 0; /* unchanged: nothing to show */
	else if (a->out.format == CLI_FORMAT_BINARY && len) /* no data: the line, as nvme-cli */
		ret = raw_write(stdout, data, len) ? EXIT_FAILED : 0;
	else if (a->out.format == CLI_FORMAT_JSON)
		json_feature(j, fid, a->sel, cpl.dw0, data, len);
	else
		feature_print(stdout, fid, a->sel, cpl.dw0, data, len, a->out.human);
	free(data);
	free(def);
	return ret;
}

/* get-feature: one feature, or every one (1-255) the controller has. */
static int get_features(struct tool_dev *d, const struct feature_args *a)
{
	bool json = a->out.format == CLI_FORMAT_JSON;
	unsigned shown = 0;
	struct json j;
	int ret = 0;

	json_init(&j, stdout);
	if (json && !a->has_fid) {
		json_object_begin(&j);
		json_key(&j, "features");
		json_array_begin(&j);
	}
	for (unsigned fid = a->has_fid ? a->fid : 1; fid <= (a->has_fid ? a->fid : 0xffu); fid++) {
		ret = show_feature(d, a, (uint8_t)fid, !a->has_fid, &j);
		if (ret > 0)
			break;
		shown += ret == 0;
		ret = 0;
	}
	if (json && !a->has_fid) {
		json_array_end(&j);
		json_object_end(&j);
	}
	if (json && (shown || !a->has_fid))
		json_finish(&j);
	return ret;
}

static int set_feature(struct tool_dev *d, const struct feature_args *a, uint8_t *data)
{
	struct nvmu_cpl cpl = { 0 };
	struct nvmu_sqe cmd = {
		.opcode = nvme_admin_set_features,
		.nsid = a->nsid,
		.cdw10 = a->fid | (a->save ? 1u << 31 : 0),
		.cdw11 = a->cdw11,
		.cdw12 = a->cdw12,
		.cdw14 = a->uuid,
	};

	if (device_admin(d, &cmd, data, a->data_len, true, 0, &cpl) < 0)
		return cli_fail("set-feature");
	printf("set-feature:0x%02x (%s), value:0x%08x, cdw12:0x%08x, save:%d, result:0x%08x\n",
	       a->fid, feature_name(a->fid), a->cdw11, a->cdw12, a->save, cpl.dw0);
	return 0;
}

static int run_feature(int argc, char **argv, bool set)
{
	struct feature_args a;
	struct tool_dev d;
	uint8_t *data = NULL;
	int ret;

	if ((ret = parse_args(argc, argv, set, &a)))
		return ret;
	if (set && a.data_len && !(data = calloc(1, a.data_len))) {
		fprintf(stderr, "nvmu %s: out of memory\n", argv[0]);
		return EXIT_FAILED;
	}
	if (set && a.data_file && (ret = input_file_read(argv[0], a.data_file, data, a.data_len)))
		goto out;
	if ((ret = device_open(argv[0], a.dev, &d)))
		goto out;
	if (a.nsid && a.nsid != NVME_NSID_ALL)
		ret = device_check_ns(argv[0], &d, a.nsid);
	if (!ret)
		ret = set ? set_feature(&d, &a, data) : get_features(&d, &a);
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
	.usage = "Usage: nvmu get-feature <dev> [-f FID] [-s SEL] [--cdw11 V] [-n NSID] [-l LEN]\n"
		 "                       [-U UUID] [-H] [-b] [-o normal|json|binary]\n"
		 "\n"
		 "Send Get Features and print the value (completion dword 0) as nvme-cli does\n"
		 "(\"get-feature:0x07 (Number of Queues), Current value:0x003f003f\") and the\n"
		 "feature's data, if it has any (LBA Range Type, Autonomous Power State\n"
		 "Transition, Host Memory Buffer, Timestamp, Host Identifier), as a hex dump.\n"
		 "Without -f, every feature 1-255 the controller has (those it answers Invalid\n"
		 "Field for are skipped).\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -f, --feature-id FID        feature identifier, 0-255 (default: all)\n"
		 "  -s, --sel SEL               0 current (default), 1 default, 2 saved,\n"
		 "                              3 supported capabilities, 8 changed (the current\n"
		 "                              value, shown only where it is not the default)\n"
		 "  -c, --cdw11 V               command dword 11 (feature specific)\n"
		 "  -n, --namespace-id NSID     namespace (default 0)\n"
		 "  -l, --data-len LEN          data bytes to receive (default: the feature's;\n"
		 "                              up to 1m, with a unit k or m if you like)\n"
		 "  -U, --uuid-index UUID       UUID index (command dword 14), 0-127\n"
		 "  -H, --human-readable        the value's fields in words\n"
		 "  -b, --raw-binary            write the data bytes to stdout as they are (a\n"
		 "                              feature without data: its value line)\n"
		 "  -o, --output-format FORMAT  normal (the default), binary (as -b), or json:\n"
		 "                              {\"feature_id\", \"name\", \"sel\", \"value\", \"data\"\n"
		 "                              (hex)}; without -f {\"features\": [...]} (nvme-cli\n"
		 "                              2.3 has no JSON for this command)\n"
		 "  -h, --help                  show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_get_feature,
};

const struct nvmu_verb nvmu_verb_set_feature = {
	.name = "set-feature",
	.summary = "Set Features: change a feature's value (optionally saved)",
	.usage = "Usage: nvmu set-feature <dev> -f FID -v VALUE [--cdw12 V] [-s|--save] [-n NSID]\n"
		 "                       [-U UUID] [-l LEN -d FILE]\n"
		 "\n"
		 "Send Set Features with VALUE in command dword 11 and print what was set and the\n"
		 "completion's dword 0. Note that each nvmu command brings the controller up and\n"
		 "shuts it down: a value that is not saved may be reset by the next command.\n"
		 DEVICE_HELP
		 "\n"
		 "Options (nvme-cli's):\n"
		 "  -f, --feature-id FID      feature identifier, 0-255 (required)\n"
		 "  -v, -V, --value VALUE     command dword 11 (required)\n"
		 "  -C, --cdw12 V             command dword 12\n"
		 "  -s, --save                save the value across power cycles (SV bit)\n"
		 "  -n, --namespace-id NSID   namespace (default 0)\n"
		 "  -U, --uuid-index UUID     UUID index (command dword 14), 0-127\n"
		 "  -l, --data-len LEN        bytes of data to send, with -d (up to 1m)\n"
		 "  -d, --data FILE           the data (exactly LEN bytes; - is stdin)\n"
		 "  -h, --help                show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_set_feature,
};
