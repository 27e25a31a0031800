/* SPDX-License-Identifier: MIT */
/* nvmu read, write, compare: one range of blocks to/from a file, with nvme-cli's options. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "input_file.h"
#include "io_common.h"
#include "output/hexdump.h"
#include "verbs.h"

enum io_kind { IO_READ, IO_WRITE, IO_COMPARE };

struct data_args {
	struct io_args io;
	uint64_t data_size; /* -z; 0: not given */
	const char *file;   /* -d; NULL: stdout (read) or stdin (write, compare) */
	bool fua, show, dry_run, latency;
};

static int parse_args(int argc, char **argv, struct data_args *a)
{
	static const struct option longopts[] = {
		IO_RANGE_LONGOPTS,
		{ "data-size", required_argument, NULL, 'z' },
		{ "data", required_argument, NULL, 'd' },
		{ "force-unit-access", no_argument, NULL, 'f' },
		{ "show-command", no_argument, NULL, 'v' },
		{ "dry-run", no_argument, NULL, 'w' },
		{ "latency", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, ret;

	*a = (struct data_args){ 0 };
	while ((opt = cli_getopt(argc, argv, "n:s:c:z:d:fvwt", longopts)) != -1) {
		if ((ret = io_parse_opt(argv[0], opt, optarg, &a->io)) != 1) {
			if (ret)
				return ret;
			continue;
		}
		switch (opt) {
		case 'z':
			if (cli_parse_size(argv[0], "-z", optarg, UINT32_MAX, &a->data_size))
				return EXIT_USAGE;
			if (!a->data_size)
				return cli_usage_error(argv[0], "-z 0: the data size is at least "
						       "one block");
			break;
		case 'd': a->file = optarg; break;
		case 'f': a->fua = true; break;
		case 'v': a->show = true; break;
		case 'w': a->dry_run = a->show = true; break;
		case 't': a->latency = true; break;
		default: return EXIT_USAGE;
		}
	}
	return io_parse_end(argc, argv, true, &a->io);
}

/* -z must be the size of the blocks asked for; 0 or EXIT_FAILED naming both numbers. */
static int check_size(const char *verb, const struct io_ctx *io, const struct data_args *a)
{
	uint64_t bytes = io_bytes(io, &a->io);

	if (!a->data_size || a->data_size == bytes)
		return 0;
	fprintf(stderr, "nvmu %s: data size mismatch: -z %llu, but -c %u is %u blocks of %u bytes "
		"= %llu bytes on namespace %u\n", verb, (unsigned long long)a->data_size,
		a->io.nlb0,
		a->io.nlb0 + 1, nvmu_ns_lba_size(io->ns), (unsigned long long)bytes, a->io.nsid);
	return EXIT_FAILED;
}

/* The data read to -d FILE (created or truncated) or stdout. */
static int output(const char *verb, const char *path, const void *data, size_t len)
{
	FILE *f = path ? fopen(path, "wb") : stdout;
	int ret;

	if (!f) {
		fprintf(stderr, "nvmu %s: cannot create output file '%s': %s\n", verb, path,
			strerror(errno));
		return EXIT_FAILED;
	}
	ret = raw_write(f, data, len);
	if (f == stdout) /* main() says why stdout could not be written */
		return ret ? EXIT_FAILED : 0;
	if (fclose(f) != 0 && !ret)
		ret = -errno;
	if (ret) {
		fprintf(stderr, "nvmu %s: cannot write the data to %s: %s\n", verb, path,
			strerror(-ret));
		return EXIT_FAILED;
	}
	return 0;
}

static int submit(enum io_kind kind, struct io_ctx *io, const struct data_args *a,
		  const struct nvmu_dma_buf *data, struct nvmu_host_waiter *w)
{
	unsigned flags = a->fua ? NVMU_IO_FUA : 0;

	switch (kind) {
	case IO_READ:
		return nvmu_ns_read(io->qp, io->ns, a->io.slba, data, 1, flags, nvmu_host_sync_cb,
				    w);
	case IO_WRITE:
		return nvmu_ns_write(io->qp, io->ns, a->io.slba, data, 1, flags, nvmu_host_sync_cb,
				     w);
	case IO_COMPARE:
		return nvmu_ns_compare(io->qp, io->ns, a->io.slba, data, 1, flags,
				       nvmu_host_sync_cb, w);
	}
	return -EINVAL;
}

static const uint8_t opcodes[] = { [IO_READ] = nvme_cmd_read, [IO_WRITE] = nvme_cmd_write,
				   [IO_COMPARE] = nvme_cmd_compare };

/* -v, -w: the command's fields as nvme-cli shows them (before the buffer exists). */
static void show_command(enum io_kind kind, const struct data_args *a)
{
	printf("opcode       : %02x\nnsid         : %02x\nflags        : %02x\n"
	       "control      : %04x\nnblocks      : %04x\nmetadata     : %x\n"
	       "addr         : %x\nslba         : %llx\ndsmgmt       : %08x\n"
	       "reftag       : %x\napptag       : %04x\nappmask      : %04x\n"
	       "storagetagcheck : %04x\nstoragetag      : %x\npif             : %02x\n"
	       "sts             : %02x\n",
	       opcodes[kind], a->io.nsid, 0, a->fua ? 0x4000 : 0, a->io.nlb0, 0, 0,
	       (unsigned long long)a->io.slba, 0, 0, 0, 0, 0, 0, 0, 0);
}

static const char *const kind_names[] = { "read", "write", "compare" };

static int run_data(int argc, char **argv, enum io_kind kind)
{
	struct nvmu_dma_buf data;
	struct nvmu_host_waiter w = { 0 };
	struct data_args a;
	struct io_ctx io;
	uint64_t start;
	int ret;

	if ((ret = parse_args(argc, argv, &a)))
		return ret;
	if (a.show)
		show_command(kind, &a);
	if (a.dry_run)
		return EXIT_OK;
	if ((ret = io_open(argv[0], a.io.dev, a.io.nsid, &io)))
		return ret;
	if (!(ret = check_size(argv[0], &io, &a)))
		ret = io_buffer(argv[0], &io, io_bytes(&io, &a.io), &data);
	if (!ret && kind != IO_READ)
		ret = input_file_read_opt(argv[0], a.file ? a.file : "-", data.vaddr, data.len,
					  "-z");
	start = nvmu_now_ns();
	if (!ret)
		ret = io_wait(argv[0], &io, submit(kind, &io, &a, &data, &w), &w);
	/* nvme-cli's line on stdout, unless stdout carries the data read. */
	if (!ret && a.latency)
		fprintf(kind == IO_READ && !a.file ? stderr : stdout, " latency: %s: %llu us\n",
			kind_names[kind], (unsigned long long)(nvmu_now_ns() - start) / 1000);
	if (!ret && kind == IO_READ)
		ret = output(argv[0], a.file, data.vaddr, data.len);
	/* As nvme-cli: the success line on stderr (stdout may carry the data). */
	if (!ret)
		fprintf(stderr, "%s: Success\n", argv[0]);
	io_close(&io);
	return ret;
}

static int run_read(int argc, char **argv)
{
	return run_data(argc, argv, IO_READ);
}

static int run_write(int argc, char **argv)
{
	return run_data(argc, argv, IO_WRITE);
}

static int run_compare(int argc, char **argv)
{
	return run_data(argc, argv, IO_COMPARE);
}

#define DATA_OPTIONS_HELP                                                                   \
	"  -z, --data-size BYTES       the transfer's size; must be (-c + 1) x the LBA size\n"    \
	"                              (" CLI_SIZE_HELP ")\n"                                      \
	"                              (default: exactly that)\n"                                \
	"  -f, --force-unit-access     Force Unit Access\n"                                      \
	"  -v, --show-command          print the command's fields first (as nvme-cli)\n"          \
	"  -w, --dry-run               print them and send nothing\n"                             \
	"  -t, --latency               print the command's latency in microseconds (on\n"       \
	"                              stderr when the data read goes to stdout)\n"             \
	"  -h, --help                  show this help\n"                                         \
	"\nA range beyond the namespace is refused before anything is sent, with the\n"          \
	"namespace's size. On success '<verb>: Success' is printed on stderr, as nvme-cli does.\n" \
	DEVICE_EXIT_HELP

const struct nvmu_verb nvmu_verb_read = {
	.name = "read",
	.summary = "read blocks of a namespace to a file or stdout",
	.usage = "Usage: nvmu read <dev> -n NSID [-s SLBA] [-c NLB-1] [-z BYTES] [-d FILE] [-f]\n"
		 "                 [-v] [-w] [-t]\n"
		 "\n"
		 "Read -c + 1 logical blocks from block -s of namespace -n and write them to -d\n"
		 "FILE (created or truncated), or to stdout as raw bytes.\n"
		 DEVICE_HELP
		 "\n"
		 "Options (nvme-cli's):\n"
		 IO_RANGE_HELP
		 "  -d, --data FILE             where the data goes (default: stdout)\n"
		 DATA_OPTIONS_HELP,
	.run = run_read,
};

const struct nvmu_verb nvmu_verb_write = {
	.name = "write",
	.summary = "write blocks of a namespace from a file or stdin",
	.usage = "Usage: nvmu write <dev> -n NSID [-s SLBA] [-c NLB-1] [-z BYTES] [-d FILE] [-f]\n"
		 "                 [-v] [-w] [-t]\n"
		 "\n"
		 "Write -c + 1 logical blocks at block -s of namespace -n with the data of -d\n"
		 "FILE, or of stdin; the input must hold exactly that many bytes.\n"
		 DEVICE_HELP
		 "\n"
		 "Options (nvme-cli's):\n"
		 IO_RANGE_HELP
		 "  -d, --data FILE             the data to write (default: stdin)\n"
		 DATA_OPTIONS_HELP,
	.run = run_write,
};

const struct nvmu_verb nvmu_verb_compare = {
	.name = "compare",
	.summary = "compare blocks of a namespace with a file or stdin (NVMe Compare)",
	.usage = "Usage: nvmu compare <dev> -n NSID [-s SLBA] [-c NLB-1] [-z BYTES] [-d FILE] "
		 "[-f]\n"
		 "                    [-v] [-w] [-t]\n"
		 "\n"
		 "Send an NVMe Compare of -c + 1 logical blocks at block -s of namespace -n with\n"
		 "the data of -d FILE, or of stdin (exactly that many bytes). Data that differs\n"
		 "fails with the status COMPARE_FAILED (sct 2 sc 0x85) and exit status 1.\n"
		 DEVICE_HELP
		 "\n"
		 "Options (nvme-cli's):\n"
		 IO_RANGE_HELP
		 "  -d, --data FILE             the data to compare with (default: stdin)\n"
		 DATA_OPTIONS_HELP,
	.run = run_compare,
};
