/* SPDX-License-Identifier: MIT */
/* nvmu admin-passthru: any admin command, with nvme-cli's options; shows the full completion. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "device.h"
#include "hexdump.h"
#include "input_file.h"
#include "verbs.h"

#define DATA_LEN_MAX (16u << 20) /* bytes; PRPs bound what one command can move anyway */

struct passthru_args {
	struct nvmu_sqe cmd;
	uint32_t data_len, timeout_ms, metadata_len;
	bool read, write, raw, show, dry_run;
	const char *input_file;
	const char *dev;
};

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

static int parse_args(int argc, char **argv, struct passthru_args *a)
{
	static const struct option longopts[] = {
		{ "opcode", required_argument, NULL, 'O' },
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
	int opt, bad;

	*a = (struct passthru_args){ 0 };
	while ((opt = cli_getopt(argc, argv, "O:f:n:l:m:t:2:3:4:5:6:7:8:9:i:bsdrw", longopts)) != -1) {
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
			bad = cli_parse_u32(argv[0], "--namespace-id", optarg, UINT32_MAX, &a->cmd.nsid);
			break;
		case 'l':
			bad = cli_parse_u32(argv[0], "--data-len", optarg, DATA_LEN_MAX, &a->data_len);
			break;
		case 'm':
			bad = cli_parse_u32(argv[0], "--metadata-len", optarg, UINT32_MAX, &a->metadata_len);
			break;
		case 't':
			bad = cli_parse_u32(argv[0], "--timeout", optarg, UINT32_MAX, &a->timeout_ms);
			break;
		case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
			bad = cli_parse_u32(argv[0], cdw_names[opt - '2'], optarg, UINT32_MAX, cdws[opt - '2']);
			break;
		case 'i':
			a->input_file = optarg;
			bad = 0;
			break;
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
		return cli_usage_error(argv[0], "give the command's opcode with --opcode=N");
	if (a->metadata_len)
		return cli_usage_error(argv[0], "--metadata-len is not supported (admin commands "
					"carry no metadata)");
	if (a->read && a->write)
		return cli_usage_error(argv[0], "--read and --write exclude each other");
	if ((a->read || a->write) && !a->data_len)
		return cli_usage_error(argv[0], "--read/--write need --data-len=N");
	default_direction(a);
	if (a->write && !a->input_file)
		return cli_usage_error(argv[0], "a command that sends data needs --input-file=FILE");
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

/* The completion, every field of it; to stderr when stdout carries raw data. */
static void show_completion(FILE *out, uint8_t opcode, const struct nvmu_cqe *c)
{
	uint16_t status = nvmu_cqe_status(c);
	char text[NVMU_STATUS_TEXT_MAX];

	fprintf(out, "Admin command 0x%02x %s\n", opcode, status ? "failed" : "succeeded");
	fprintf(out, "status : %s\n", nvmu_status_text(status, text, sizeof(text)));
	fprintf(out, "dw0    : 0x%08x\ndw1    : 0x%08x\nsqhd   : %u\nsqid   : %u\ncid    : 0x%04x\n"
		     "status word : 0x%04x (status field 0x%04x, phase %u)\n",
		c->dw0, c->dw1, c->sqhd, c->sqid, c->cid, c->status, status, c->status & 1u);
}

static int run_admin_passthru(int argc, char **argv)
{
	struct passthru_args a;
	struct nvmu_cqe cpl = { 0 };
	struct tool_dev d;
	uint8_t *data = NULL;
	int ret, err;

	if ((ret = parse_args(argc, argv, &a)))
		return ret;
	if (a.show)
		show_command(&a.cmd);
	if (a.dry_run)
		return EXIT_OK;
	if (a.data_len && !(data = calloc(1, a.data_len))) {
		fprintf(stderr, "nvmu %s: out of memory\n", argv[0]);
		return EXIT_FAILED;
	}
	if (a.write && (ret = input_file_read(argv[0], a.input_file, data, a.data_len)))
		goto out;
	if ((ret = device_open(argv[0], a.dev, &d)))
		goto out;
	err = device_admin(&d, &a.cmd, data, a.data_len, a.write, a.timeout_ms, &cpl);
	if (err == 0 || err == -EREMOTEIO)
		show_completion(a.raw ? stderr : stdout, a.cmd.opcode, &cpl);
	if (err < 0)
		ret = cli_fail(argv[0]);
	else if (a.read && a.raw)
		ret = raw_write(stdout, data, a.data_len) ? EXIT_FAILED : EXIT_OK;
	else if (a.read)
		hexdump(stdout, data, a.data_len);
	device_close(&d);
out:
	free(data);
	return ret;
}

const struct nvmu_verb nvmu_verb_admin_passthru = {
	.name = "admin-passthru",
	.summary = "send any admin command and show its full completion",
	.usage = "Usage: nvmu admin-passthru <dev> --opcode=N [--namespace-id=N] [--cdw2=N]\n"
		 "         [--cdw3=N] [--cdw10=N ... --cdw15=N] [--data-len=N [--read | --write\n"
		 "         --input-file=FILE]] [--flags=N] [--timeout=MS] [--raw-binary]\n"
		 "         [--show-command] [--dry-run]\n"
		 "\n"
		 "Build an admin command from the options, send it and print the whole\n"
		 "completion: the status in words, DW0, DW1, SQ head, SQ ID, CID and the status\n"
		 "word. Any command may be sent, including reserved opcodes and malformed\n"
		 "fields: the controller's answer is shown either way (exit status 1 when it\n"
		 "reports an error). Data received is shown as a hex dump (or raw bytes).\n"
		 DEVICE_HELP
		 "\n"
		 "Options (nvme-cli's):\n"
		 "  -O, --opcode N          opcode, 0-255 (required)\n"
		 "  -f, --flags N           command byte 1 (FUSE, PSDT)\n"
		 "  -n, --namespace-id N    NSID\n"
		 "  -2, --cdw2 N  -3, --cdw3 N\n"
		 "  -4, --cdw10 N -5, --cdw11 N -6, --cdw12 N -7, --cdw13 N -8, --cdw14 N\n"
		 "  -9, --cdw15 N           command dwords\n"
		 "  -l, --data-len N        bytes of data (PRPs are built for them; up to 16 MiB,\n"
		 "                          bounded by the controller's maximum transfer)\n"
		 "  -r, --read              the controller sends the data\n"
		 "  -w, --write             the data goes to the controller (needs --input-file)\n"
		 "                          (neither: the direction from the opcode's bits 1:0)\n"
		 "  -i, --input-file FILE   the data to send, exactly --data-len bytes (- is stdin)\n"
		 "  -t, --timeout MS        deadline in milliseconds (default: the controller's)\n"
		 "  -b, --raw-binary        write received data to stdout as it is (the\n"
		 "                          completion then goes to stderr)\n"
		 "  -s, --show-command      print the command before sending it\n"
		 "  -d, --dry-run           print the command and do not send it\n"
		 "  -m, --metadata-len N    not supported (must be 0)\n"
		 "  -h, --help              show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_admin_passthru,
};
