/* SPDX-License-Identifier: MIT */
/* What admin-passthru and io-passthru share: nvme-cli's options, and the way the command
 * and its completion are shown, so both verbs accept and print the same things. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "device.h"
#include "input_file.h"
#include "output/hexdump.h"
#include "passthru_cmd.h"
#include "verbs.h"


/* Spec: opcode bits 1:0 give the data direction (01 to the controller, 10 from it). */
static void default_direction(struct passthru_args *a)
{
	if (a->read || a->write || !a->data_len)
		return;
	if ((a->cmd.opcode & 3) == 1)
		a->write = true;
	else
		a->read = true;
}

/*
 * Parse the options (argv[0] = verb) and the <dev> argument; @p admin selects the
 * wording of refusals. Returns 0 or EXIT_USAGE with a message.
 */
static int parse(int argc, char **argv, bool admin, struct passthru_args *a)
{
	static const struct option longopts[] = {
		{ "opcode", required_argument, NULL, 'O' },
		{ "prefill", required_argument, NULL, 'p' },
		{ "latency", no_argument, NULL, 'T' },
		{ "output-format", required_argument, NULL, 'F' },
		{ "flags", required_argument, NULL, 'f' },
		{ "namespace-id", required_argument, NULL, 'n' },
		{ "data-len", required_argument, NULL, 'l' },
		{ "metadata-len", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' },
		{ "cdw2", required_argument, NULL, '2' },
		{ "cdw3", required_argument, NULL, '3' },
		{ "cdw10", required_argument, NULL, '4' },
		{ "cdw11", required_argument, NULL, '5' },
		{ "cdw12", required_argument, NULL, '6' },
		{ "cdw13", required_argument, NULL, '7' },
		{ "cdw14", required_argument, NULL, '8' },
		{ "cdw15", required_argument, NULL, '9' },
		{ "input-file", required_argument, NULL, 'i' },
		{ "raw-binary", no_argument, NULL, 'b' },
		{ "show-command", no_argument, NULL, 's' },
		{ "dry-run", no_argument, NULL, 'd' },
		{ "read", no_argument, NULL, 'r' },
		{ "write", no_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	/* Where -2..-9 go, in the order of their option characters. */
	uint32_t *cdws[] = { &a->cmd.cdw2, &a->cmd.cdw3, &a->cmd.cdw10, &a->cmd.cdw11,
			     &a->cmd.cdw12, &a->cmd.cdw13, &a->cmd.cdw14, &a->cmd.cdw15 };
	static const char *const cdw_names[] = { "--cdw2", "--cdw3", "--cdw10", "--cdw11",
						 "--cdw12", "--cdw13", "--cdw14", "--cdw15" };
	bool has_opcode = false;
	uint32_t v;
	enum cli_format format;
	uint64_t size;
	int opt, bad;

	*a = (struct passthru_args){ 0 };
	while ((opt = cli_getopt(argc, argv, "o:O:f:n:l:m:t:2:3:4:5:6:7:8:9:i:bsdrwp:T",
				 longopts)) != -1) {
		if (opt == 'o') /* nvme-cli's short form of --opcode */
			opt = 'O';
		switch (opt) {
		case 'O':
			bad = cli_parse_u32(argv[0], "--opcode", optarg, 0xff, &v);
			a->cmd.opcode = (uint8_t)v;
			has_opcode = true;
			break;
		case 'f':
			bad = cli_parse_u32(argv[0], "--flags", optarg, 0xff, &v);
			a->cmd.flags = (uint8_t)v;
			break;
		case 'n':
			bad = cli_parse_u32(argv[0], "--namespace-id", optarg, UINT32_MAX,
					    &a->cmd.nsid);
			break;
		case 'l':
			bad = cli_parse_size(argv[0], "--data-len", optarg, DATA_LEN_MAX, &size);
			a->data_len = (uint32_t)size;
			break;
		case 'm':
			bad = cli_parse_u32(argv[0], "--metadata-len", optarg, UINT32_MAX,
					    &a->metadata_len);
			break;
		case 't':
			bad = cli_parse_u32(argv[0], "--timeout", optarg, UINT32_MAX,
					    &a->timeout_ms);
			break;
		case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
			bad = cli_parse_u32(argv[0], cdw_names[opt - '2'], optarg, UINT32_MAX,
					    cdws[opt - '2']);
			break;
		case 'i':
			a->input_file = optarg;
			bad = 0;
			break;
		case 'p':
			bad = cli_parse_u32(argv[0], "--prefill", optarg, 0xff, &v);
			a->prefill = (uint8_t)v;
			break;
		case 'F':
			bad = cli_parse_output_format(argv[0], optarg, true, &format);
			if (!bad && format == CLI_FORMAT_JSON)
				return cli_usage_error(argv[0], "the completion has no JSON form here: "
						       "--output-format is normal or binary");
			a->raw = a->raw || format == CLI_FORMAT_BINARY;
			break;
		case 'T': a->latency = true; bad = 0; break;
		case 'b': a->raw = true; bad = 0; break;
		case 's': a->show = true; bad = 0; break;
		case 'd': a->dry_run = a->show = true; bad = 0; break;
		case 'r': a->read = true; bad = 0; break;
		case 'w': a->write = true; bad = 0; break;
		default:
			return EXIT_USAGE;
		}
		if (bad)
			return EXIT_USAGE;
	}
	if (!has_opcode)
		return cli_usage_error(argv[0], "give the command's opcode with -o/--opcode=N");
	if (a->metadata_len)
		return cli_usage_error(argv[0], "--metadata-len is not supported (%s)",
				       admin ? "admin commands carry no metadata"
					     : "nvmu sends no metadata buffer");
	if (a->read && a->write)
		return cli_usage_error(argv[0], "--read and --write exclude each other");
	if ((a->read || a->write) && !a->data_len)
		return cli_usage_error(argv[0], "--read/--write need --data-len=N");
	default_direction(a);
	if (a->write && !a->input_file)
		return cli_usage_error(argv[0], "a command that sends data needs "
				       "--input-file=FILE");
	if (a->input_file && !a->write)
		return cli_usage_error(argv[0], "--input-file is for commands that send data "
					"(--write with --data-len)");
	return cli_device_arg(argc, argv, &a->dev);
}

static void show_command(const struct nvmu_sqe *c)
{
	const uint32_t *dw = (const uint32_t *)c;

	printf("opcode       : 0x%02x\nflags        : 0x%02x\nnsid         : 0x%08x\n", c->opcode,
	       c->flags, c->nsid);
	for (unsigned i = 2; i < 16; i++)
		if (i < 4 || i > 9)
			printf("cdw%-2u        : 0x%08x\n", i, dw[i]);
}

/* Every field of the completion; to stderr when stdout carries raw data. */
static void show_completion(FILE *out, const char *kind, uint8_t opcode, const struct nvmu_cpl *c)
{
	uint16_t status = c->status;
	char text[NVMU_STATUS_TEXT_MAX];

	fprintf(out, "%s command 0x%02x %s\n", kind, opcode, status ? "failed" : "succeeded");
	fprintf(out, "status : %s\n", nvmu_status_text(status, text, sizeof(text)));
	fprintf(out, "dw0    : 0x%08x\ndw1    : 0x%08x\nstatus field : 0x%04x\n", c->dw0, c->dw1,
		status);
}

/*
 * Show the command if asked, then allocate *data (--data-len bytes, zeroed) and read the
 * input file into it for a command that sends data. Returns 0; -1 for a dry run;
 * EXIT_FAILED with a message.
 */
static int prepare(const char *verb, const struct passthru_args *a, uint8_t **data)
{
	*data = NULL;
	if (a->show)
		show_command(&a->cmd);
	if (a->dry_run)
		return -1;
	if (a->data_len && !(*data = malloc(a->data_len))) {
		fprintf(stderr, "nvmu %s: out of memory\n", verb);
		return EXIT_FAILED;
	}
	if (a->data_len)
		memset(*data, a->prefill, a->data_len);
	if (a->write && input_file_read(verb, a->input_file, *data, a->data_len)) {
		free(*data);
		*data = NULL;
		return EXIT_FAILED;
	}
	return 0;
}

/* The data received: hex dump, or raw bytes with --raw-binary. Returns an exit status. */
static int output(const struct passthru_args *a, const uint8_t *data)
{
	if (a->read && a->raw)
		return raw_write(stdout, data, a->data_len) ? EXIT_FAILED : EXIT_OK;
	if (a->read)
		hexdump(stdout, data, a->data_len);
	return EXIT_OK;
}

int passthru_run(int argc, char **argv, const char *kind, passthru_send_fn send)
{
	struct passthru_args a;
	struct nvmu_cpl cpl = { 0 };
	struct tool_dev d;
	uint8_t *data = NULL;
	uint64_t start;
	int ret, err;

	if ((ret = parse(argc, argv, !strcmp(kind, "Admin"), &a)))
		return ret;
	if ((ret = prepare(argv[0], &a, &data)))
		return ret < 0 ? EXIT_OK : ret;
	if ((ret = device_open(argv[0], a.dev, &d)))
		goto out;
	start = nvmu_now_ns();
	err = send(&d, &a, data, &cpl);
	if (a.latency)
		fprintf(a.raw ? stderr : stdout, "%s Command 0x%02x latency: %llu us\n",
			strcmp(kind, "Admin") ? "IO" : "Admin", a.cmd.opcode,
			(unsigned long long)(nvmu_now_ns() - start) / 1000);
	if (err == 0 || err == -EREMOTEIO)
		show_completion(a.raw ? stderr : stdout, kind, a.cmd.opcode, &cpl);
	ret = err < 0 ? cli_fail(argv[0]) : output(&a, data);
	device_close(&d);
out:
	free(data);
	return ret;
}
