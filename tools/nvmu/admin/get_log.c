/* SPDX-License-Identifier: MIT */
/* nvmu get-log: any log page, as a hex dump or raw bytes. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "device.h"
#include "log_page.h"
#include "output/hexdump.h"
#include "output/json.h"
#include "verbs.h"

#define LOG_LEN_MAX (64u << 20) /* bytes; one buffer in memory */

struct get_log_args {
	struct log_request req;
	uint32_t len;
	enum cli_format format;
	const char *dev;
};

static int parse_args(int argc, char **argv, struct get_log_args *a)
{
	static const struct option longopts[] = {
		{ "log-id", required_argument, NULL, 'i' },
		{ "log-len", required_argument, NULL, 'l' },
		{ "namespace-id", required_argument, NULL, 'n' },
		{ "lpo", required_argument, NULL, 'o' },
		{ "lsp", required_argument, NULL, 's' },
		{ "lsi", required_argument, NULL, 'S' },
		{ "rae", no_argument, NULL, 'r' },
		{ "raw-binary", no_argument, NULL, 'b' },
		{ "csi", required_argument, NULL, 'y' },
		{ "ot", no_argument, NULL, 'O' },
		{ "uuid-index", required_argument, NULL, 'U' },
		{ "output-format", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	uint32_t v;
	uint64_t lpo;
	bool has_id = false;
	int opt;

	*a = (struct get_log_args){ .req = { .nsid = NVME_NSID_ALL } };
	while ((opt = cli_getopt(argc, argv, "i:l:n:o:s:S:rby:OU:", longopts)) != -1) {
		switch (opt) {
		case 'i':
			if (cli_parse_u32(argv[0], "--log-id", optarg, 0xff, &v))
				return EXIT_USAGE;
			a->req.lid = (uint8_t)v;
			has_id = true;
			break;
		case 'l':
			if (cli_parse_size(argv[0], "--log-len", optarg, LOG_LEN_MAX, &lpo))
				return EXIT_USAGE;
			a->len = (uint32_t)lpo;
			break;
		case 'n':
			if (cli_parse_u32(argv[0], "--namespace-id", optarg, UINT32_MAX,
					  &a->req.nsid))
				return EXIT_USAGE;
			break;
		case 'o':
			if (cli_parse_size(argv[0], "--lpo", optarg, UINT64_MAX, &a->req.lpo))
				return EXIT_USAGE;
			break;
		case 's':
			if (cli_parse_u32(argv[0], "--lsp", optarg, 0x7f, &v))
				return EXIT_USAGE;
			a->req.lsp = (uint8_t)v;
			break;
		case 'S':
			if (cli_parse_u32(argv[0], "--lsi", optarg, 0xffff, &v))
				return EXIT_USAGE;
			a->req.lsi = (uint16_t)v;
			break;
		case 'r':
			a->req.rae = true;
			break;
		case 'b':
			a->format = CLI_FORMAT_BINARY;
			break;
		case 'y':
			if (cli_parse_u32(argv[0], "--csi", optarg, 0xff, &v))
				return EXIT_USAGE;
			a->req.csi = (uint8_t)v;
			break;
		case 'O':
			a->req.ot = true;
			break;
		case 'U':
			if (cli_parse_u32(argv[0], "--uuid-index", optarg, 0x7f, &v))
				return EXIT_USAGE;
			a->req.uuid = (uint8_t)v;
			break;
		case 'F':
			if (cli_parse_output_format(argv[0], optarg, true, &a->format))
				return EXIT_USAGE;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (!has_id)
		return cli_usage_error(argv[0], "give the log page with --log-id=N");
	if (!a->req.ot && a->req.lpo % 4)
		return cli_usage_error(argv[0], "--lpo %llu is not a multiple of 4 bytes",
				       (unsigned long long)a->req.lpo);
	if (a->len == 0 || a->len % 4)
		return cli_usage_error(argv[0], "give --log-len=N, a non-zero multiple of 4 bytes");
	return cli_device_arg(argc, argv, &a->dev);
}

/* {"log_id": N, "namespace_id": N, "length": N, "data": "<hex>"} */
static void print_json(const struct get_log_args *a, const uint8_t *buf)
{
	char *hex = malloc(2 * (size_t)a->len + 1);
	struct json j;

	for (uint32_t i = 0; hex && i < a->len; i++)
		snprintf(hex + 2 * i, 3, "%02x", buf[i]);
	json_init(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "log_id");
	json_uint(&j, a->req.lid);
	json_key(&j, "namespace_id");
	json_uint(&j, a->req.nsid);
	json_key(&j, "length");
	json_uint(&j, a->len);
	json_key(&j, "data");
	json_string(&j, hex ? hex : "");
	json_object_end(&j);
	json_finish(&j);
	free(hex);
}

static int run_get_log(int argc, char **argv)
{
	struct get_log_args a;
	struct tool_dev d;
	uint8_t *buf;
	int ret;

	if ((ret = parse_args(argc, argv, &a)))
		return ret;
	buf = calloc(1, a.len);
	if (!buf) {
		fprintf(stderr, "nvmu %s: out of memory for %u bytes\n", argv[0], a.len);
		return EXIT_FAILED;
	}
	if ((ret = device_open(argv[0], a.dev, &d))) {
		free(buf);
		return ret;
	}
	if (log_page_read(&d, &a.req, buf, a.len, NULL) < 0) {
		ret = cli_fail(argv[0]);
	} else if (a.format == CLI_FORMAT_BINARY) {
		if (raw_write(stdout, buf, a.len) < 0)
			ret = EXIT_FAILED;
	} else if (a.format == CLI_FORMAT_JSON) {
		print_json(&a, buf);
	} else {
		printf("Device:%s log-id:%u namespace-id:%#x\n", a.dev, a.req.lid, a.req.nsid);
		hexdump(stdout, buf, a.len);
	}
	device_close(&d);
	free(buf);
	return ret;
}

const struct nvmu_verb nvmu_verb_get_log = {
	.name = "get-log",
	.summary = "read any log page (hex dump or raw bytes)",
	.usage = "Usage: nvmu get-log <dev> --log-id=N --log-len=N [--namespace-id=N] [--lpo=N]\n"
		 "                   [--lsp=N] [--lsi=N] [--rae] [--csi=N] [--ot] [-U N]\n"
		 "                   [--raw-binary] [--output-format=normal|json|binary]\n"
		 "\n"
		 "Send Get Log Page and print the data as a hex dump, or the raw bytes. A log\n"
		 "longer than the controller transfers at once is read in pieces (by offset).\n"
		 DEVICE_HELP
		 "\n"
		 "Options (as nvme-cli's):\n"
		 "  -i, --log-id N        log page identifier, 0-255 (required)\n"
		 "  -l, --log-len N       bytes to read, a multiple of 4 (required; up to 64m;\n"
		 "                        " CLI_SIZE_HELP ")\n"
		 "  -n, --namespace-id N  namespace (default 0xffffffff)\n"
		 "  -o, --lpo N           byte offset into the log (a multiple of 4; a size), or\n"
		 "                        with --ot an index\n"
		 "  -s, --lsp N           log specific field, 0-127\n"
		 "  -S, --lsi N           log specific identifier, 0-65535\n"
		 "  -r, --rae             retain the asynchronous event\n"
		 "  -y, --csi N           command set identifier, 0-255 (CDW14 bits 31:24)\n"
		 "  -O, --ot              offset type: --lpo is an index, not bytes (the log\n"
		 "                        is then read in one transfer)\n"
		 "  -U, --uuid-index N    UUID index, 0-127\n"
		 "  -b, --raw-binary      write the bytes to stdout as they are\n"
		 "      --output-format FORMAT  normal (a hex dump, the default), binary (as\n"
		 "                        -b) or json ({\"log_id\", \"namespace_id\", \"length\",\n"
		 "                        \"data\" in hex}); -o is --lpo, as nvme-cli's\n"
		 "  -h, --help            show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_get_log,
};
