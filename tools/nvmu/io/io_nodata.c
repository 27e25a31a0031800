/* SPDX-License-Identifier: MIT */
/* nvmu flush, write-zeroes, verify: namespace commands that move no data. */
#include <stdio.h>

#include "cli.h"
#include "io_common.h"
#include "verbs.h"

/* Flush namespace @p ns and wait; 0 or EXIT_FAILED with a message. */
static int flush_one(const char *verb, struct io_ctx *io, struct nvmu_ns *ns)
{
	struct nvmu_host_waiter w = { 0 };

	return io_wait(verb, io, nvmu_ns_flush(io->qp, ns, nvmu_host_sync_cb, &w), &w);
}

static int run_flush(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "namespace-id", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct io_args a = { 0 };
	struct io_ctx io;
	int opt, ret;

	while ((opt = cli_getopt(argc, argv, "n:", longopts)) != -1)
		if (io_parse_opt(argv[0], opt, optarg, &a) != 0)
			return EXIT_USAGE;
	if ((ret = io_parse_end(argc, argv, false, &a)) ||
	    (ret = io_open(argv[0], a.dev, a.nsid, &io)))
		return ret;
	if (io.ns) {
		ret = flush_one(argv[0], &io, io.ns);
	} else { /* every active namespace */
		for (unsigned i = 0; !ret && i < nvmu_host_ns_count(io.d.host); i++)
			ret = flush_one(argv[0], &io, nvmu_host_ns(io.d.host, i));
	}
	if (!ret)
		printf("NVMe Flush: success\n");
	io_close(&io);
	return ret;
}

/* write-zeroes and verify: a block range, one flag. */
static int run_range(int argc, char **argv, bool zeroes)
{
	static const struct option longopts[] = {
		IO_RANGE_LONGOPTS,
		{ "deac", no_argument, NULL, 'd' },
		{ "force-unit-access", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct nvmu_host_waiter w = { 0 };
	struct io_args a = { 0 };
	unsigned flags = 0;
	struct io_ctx io;
	int opt, ret;

	while ((opt = cli_getopt(argc, argv, zeroes ? "n:s:c:d" : "n:s:c:f", longopts)) != -1) {
		if (opt == '?')
			return EXIT_USAGE;
		if ((ret = io_parse_opt(argv[0], opt, optarg, &a)) != 1) {
			if (ret)
				return ret;
		} else if (zeroes && opt == 'd') {
			flags |= NVMU_IO_DEALLOCATE;
		} else if (!zeroes && opt == 'f') {
			flags |= NVMU_IO_FUA;
		} else {
			return cli_usage_error(argv[0], "unknown option '%s'", argv[optind - 1]);
		}
	}
	if ((ret = io_parse_end(argc, argv, true, &a)) ||
	    (ret = io_open(argv[0], a.dev, a.nsid, &io)))
		return ret;
	if (zeroes)
		ret = nvmu_ns_write_zeroes(io.qp, io.ns, a.slba, a.nlb0 + 1ull, flags,
					   nvmu_host_sync_cb, &w);
	else
		ret = nvmu_ns_verify(io.qp, io.ns, a.slba, a.nlb0 + 1ull, flags, nvmu_host_sync_cb,
				     &w);
	if (!(ret = io_wait(argv[0], &io, ret, &w)))
		/* nvme-cli prints these words, and scripts may look for them. */
		printf("NVME %s Success\n", zeroes ? "Write Zeroes" : "Verify");
	io_close(&io);
	return ret;
}

static int run_write_zeroes(int argc, char **argv)
{
	return run_range(argc, argv, true);
}

static int run_verify(int argc, char **argv)
{
	return run_range(argc, argv, false);
}

const struct nvmu_verb nvmu_verb_flush = {
	.name = "flush",
	.summary = "flush the volatile write cache of a namespace (or of all)",
	.usage = "Usage: nvmu flush <dev> [-n NSID]\n"
		 "\n"
		 "Send an NVMe Flush to namespace -n, or to every active namespace in turn.\n"
		 DEVICE_HELP
		 "\n"
		 "Options (nvme-cli's):\n"
		 "  -n, --namespace-id NSID     namespace (default: every active one)\n"
		 "  -h, --help                  show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_flush,
};

const struct nvmu_verb nvmu_verb_write_zeroes = {
	.name = "write-zeroes",
	.summary = "set a range of blocks to zeroes (NVMe Write Zeroes)",
	.usage = "Usage: nvmu write-zeroes <dev> -n NSID [-s SLBA] [-c NLB-1] [--deac]\n"
		 "\n"
		 "Send an NVMe Write Zeroes for -c + 1 blocks at block -s of namespace -n; a\n"
		 "range beyond the namespace is refused before anything is sent.\n"
		 DEVICE_HELP
		 "\n"
		 "Options (nvme-cli's):\n"
		 IO_RANGE_HELP
		 "  -d, --deac                  deallocate the blocks too (DEAC)\n"
		 "  -h, --help                  show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_write_zeroes,
};

const struct nvmu_verb nvmu_verb_verify = {
	.name = "verify",
	.summary = "check that a range of blocks is readable (NVMe Verify)",
	.usage = "Usage: nvmu verify <dev> -n NSID [-s SLBA] [-c NLB-1] [-f]\n"
		 "\n"
		 "Send an NVMe Verify for -c + 1 blocks at block -s of namespace -n (no data\n"
		 "moves); a range beyond the namespace is refused before anything is sent.\n"
		 DEVICE_HELP
		 "\n"
		 "Options (nvme-cli's):\n"
		 IO_RANGE_HELP
		 "  -f, --force-unit-access     Force Unit Access\n"
		 "  -h, --help                  show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_verify,
};
