/* SPDX-License-Identifier: MIT */
/* nvmu get-log: any log page, as a hex dump or raw bytes. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "device.h"
#include "log_page.h"
#include "output/hexdump.h"
#include "verbs.h"

#define LOG_LEN_MAX (64u << 20) /* bytes; one buffer in memory */

struct get_log_args {
	struct log_request req;
	uint32_t len;
	bool raw;
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
		{ NULL, 0, NULL, 0 },
	};
	uint32_t v;
	uint64_t lpo;
	bool has_id = false;
	int opt;

	*a = (struct get_log_args){ .req = { .nsid = NVME_NSID_ALL } };
	while ((opt = cli_getopt(argc, argv, "i:l:n:o:s:S:rb", longopts)) != -1) {
		switch (opt) {
		case 'i':
			if (cli_parse_u32(argv[0], "--log-id", optarg, 0xff, &v))
				return EXIT_USAGE;
			a->req.lid = (uint8_t)v;
			has_id = true;
			break;
		case 'l':
			if (cli_parse_u32(argv[0], "--log-len", optarg, LOG_LEN_MAX, &a->len))
				return EXIT_USAGE;
			break;
		case 'n':
			if (cli_parse_u32(argv[0], "--namespace-id", optarg, UINT32_MAX,
					  &a->req.nsid))
				return EXIT_USAGE;
			break;
		case 'o':
			if (cli_parse_u64(argv[0], "--lpo", optarg, UINT64_MAX, &lpo))
				return EXIT_USAGE;
			if (lpo % 4)
				return cli_usage_error(argv[0], "--lpo %s is not a multiple of 4",
						       optarg);
			a->req.lpo = lpo;
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
			a->raw = true;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (!has_id)
		return cli_usage_error(argv[0], "give the log page with --log-id=N");
	if (a->len == 0 || a->len % 4)
		return cli_usage_error(argv[0], "give --log-len=N, a non-zero multiple of 4 bytes");
	return cli_device_arg(argc, argv, &a->dev);
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
	} else if (a.raw) {
		if (raw_write(stdout, buf, a.len) < 0)
			ret = EXIT_FAILED;
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
		 "                   [--lsp=N] [--lsi=N] [--rae] [--raw-binary]\n"
		 "\n"
		 "Send Get Log Page and print the data as a hex dump, or the raw bytes. A log\n"
		 "longer than the controller transfers at once is read in pieces (by offset).\n"
		 DEVICE_HELP
		 "\n"
		 "Options (as nvme-cli's):\n"
		 "  -i, --log-id N        log page identifier, 0-255 (required)\n"
		 "  -l, --log-len N       bytes to read, a multiple of 4 (required; up to 64 MiB)\n"
		 "  -n, --namespace-id N  namespace (default 0xffffffff)\n"
		 "  -o, --lpo N           byte offset into the log (a multiple of 4)\n"
		 "  -s, --lsp N           log specific field, 0-127\n"
		 "  -S, --lsi N           log specific identifier, 0-65535\n"
		 "  -r, --rae             retain the asynchronous event\n"
		 "  -b, --raw-binary      write the bytes to stdout as they are\n"
		 "  -h, --help            show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_get_log,
};
