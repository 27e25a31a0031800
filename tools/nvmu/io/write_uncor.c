/* SPDX-License-Identifier: MIT */
/* nvmu write-uncor: Write Uncorrectable on a block range, as nvme-cli 2.3. */
#include <stdio.h>

#include "cli.h"
#include "io_common.h"
#include "verbs.h"

static int run_write_uncor(int argc, char **argv)
{
	static const struct option longopts[] = {
		IO_RANGE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct nvmu_host_waiter w = { 0 };
	struct io_args a = { 0 };
	struct io_ctx io;
	int opt, ret;

	while ((opt = cli_getopt(argc, argv, "n:s:c:", longopts)) != -1)
		if (opt == '?' || io_parse_opt(argv[0], opt, optarg, &a) != 0)
			return EXIT_USAGE;
	if ((ret = io_parse_end(argc, argv, true, &a)) ||
	    (ret = io_open(argv[0], a.dev, a.nsid, &io)))
		return ret;
	ret = nvmu_ns_write_uncorrectable(io.qp, io.ns, a.slba, a.nlb0 + 1ull,
					  nvmu_host_sync_cb, &w);
	if (!(ret = io_wait(argv[0], &io, ret, &w)))
		printf("NVME Write Uncorrectable Success\n");
	io_close(&io);
	return ret;
}

const struct nvmu_verb nvmu_verb_write_uncor = {
	.name = "write-uncor",
	.summary = "mark blocks uncorrectable (Write Uncorrectable)",
	.usage = "Usage: nvmu write-uncor <dev> -n NSID [-s SLBA] [-c COUNT]\n"
		 "\n"
		 "Send Write Uncorrectable: reading the blocks fails (Unrecovered Read Error) until\n"
		 "they are written again. Prints \"NVME Write Uncorrectable Success\". A controller\n"
		 "without the command (Identify Controller ONCS bit 1) is reported as such.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -n, --namespace-id=NSID     namespace (required; an active one)\n"
		 "  -s, --start-block=SLBA      first logical block (default 0)\n"
		 "  -c, --block-count=N         number of blocks minus one, 0-65535 (default 0: one\n"
		 "                              block), as nvme-cli\n"
		 "  -h, --help                  show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_write_uncor,
};
