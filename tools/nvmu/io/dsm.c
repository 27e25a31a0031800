/* SPDX-License-Identifier: MIT */
/* nvmu dsm: Dataset Management (deallocate) of ranges given as nvme-cli's comma lists. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "io_common.h"
#include "verbs.h"

#define DSM_RANGES_MAX 256 /* NVMe: NR is 0-based in 8 bits */

struct dsm_args {
	struct io_args io;
	uint64_t slbas[DSM_RANGES_MAX], blocks[DSM_RANGES_MAX];
	unsigned nslbas, nblocks;
	bool ad;
};

/*
 * Parse "V1,V2,..." given to @p opt: each value at least @p min and at most @p max, up
 * to DSM_RANGES_MAX of them. Returns 0, or EXIT_USAGE after printing the bad item.
 */
static int parse_list(const char *verb, const char *opt, const char *text, uint64_t min,
		      uint64_t max, uint64_t *values, unsigned *n)
{
	char copy[DSM_RANGES_MAX * 24], *save = NULL;

	if (strlen(text) >= sizeof(copy))
		return cli_usage_error(verb, "%s: the list is too long", opt);
	strcpy(copy, text);
	*n = 0;
	for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		if (*n == DSM_RANGES_MAX)
			return cli_usage_error(verb, "%s: at most %d ranges", opt, DSM_RANGES_MAX);
		if (cli_parse_u64(verb, opt, item, max, &values[*n]))
			return EXIT_USAGE;
		if (values[*n] < min)
			return cli_usage_error(verb, "%s %s: a range has at least %llu block", opt,
					       item, (unsigned long long)min);
		(*n)++;
	}
	if (*n == 0)
		return cli_usage_error(verb, "%s expects a comma-separated list of numbers", opt);
	return 0;
}

static int parse_args(int argc, char **argv, struct dsm_args *a)
{
	static const struct option longopts[] = {
		{ "namespace-id", required_argument, NULL, 'n' },
		{ "slbs", required_argument, NULL, 's' },
		{ "blocks", required_argument, NULL, 'b' },
		{ "ad", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, ret = 0;

	memset(a, 0, sizeof(*a));
	while (!ret && (opt = cli_getopt(argc, argv, "n:s:b:d", longopts)) != -1) {
		switch (opt) {
		case 'n': ret = io_parse_opt(argv[0], opt, optarg, &a->io); break;
		case 's':
			ret = parse_list(argv[0], "-s", optarg, 0, UINT64_MAX, a->slbas,
					 &a->nslbas);
			break;
		case 'b':
			ret = parse_list(argv[0], "-b", optarg, 1, UINT32_MAX, a->blocks,
					 &a->nblocks);
			break;
		case 'd': a->ad = true; break;
		default: return EXIT_USAGE;
		}
	}
	if (ret)
		return ret;
	if (!a->ad)
		return cli_usage_error(argv[0], "give the attribute --ad (deallocate), the only "
				       "one nvmu sends");
	if (!a->nslbas || !a->nblocks)
		return cli_usage_error(argv[0],
				       "give the ranges with -s SLBA,... and -b BLOCKS,...");
	if (a->nslbas != a->nblocks)
		return cli_usage_error(argv[0], "-s has %u values and -b %u: one of each per range",
				       a->nslbas, a->nblocks);
	return io_parse_end(argc, argv, true, &a->io);
}

static int run_dsm(int argc, char **argv)
{
	struct nvmu_lba_range ranges[DSM_RANGES_MAX];
	struct nvmu_host_waiter w = { 0 };
	struct dsm_args a;
	struct io_ctx io;
	int ret;

	if ((ret = parse_args(argc, argv, &a)) ||
	    (ret = io_open(argv[0], a.io.dev, a.io.nsid, &io)))
		return ret;
	for (unsigned i = 0; i < a.nslbas; i++)
		ranges[i] = (struct nvmu_lba_range){ .slba = a.slbas[i],
						    .nlb = (uint32_t)a.blocks[i] };
	ret = nvmu_ns_deallocate(io.qp, io.ns, ranges, a.nslbas, nvmu_host_sync_cb, &w);
	if (!(ret = io_wait(argv[0], &io, ret, &w)))
		printf("NVMe DSM: success\n");
	io_close(&io);
	return ret;
}

const struct nvmu_verb nvmu_verb_dsm = {
	.name = "dsm",
	.summary = "deallocate ranges of blocks (NVMe Dataset Management)",
	.usage = "Usage: nvmu dsm <dev> -n NSID --ad -s SLBA[,SLBA...] -b BLOCKS[,BLOCKS...]\n"
		 "\n"
		 "Send an NVMe Dataset Management command with the Deallocate attribute for the\n"
		 "ranges given: the i-th value of -s starts the i-th range, the i-th value of -b\n"
		 "is its length in blocks (e.g. -s 0,100 -b 8,16: blocks 0-7 and 100-115). A\n"
		 "range beyond the namespace is refused before anything is sent. Reading\n"
		 "deallocated blocks returns what Identify Namespace DLFEAT says (often zeroes).\n"
		 DEVICE_HELP
		 "\n"
		 "Options (nvme-cli's):\n"
		 "  -n, --namespace-id NSID     namespace (required; an active one)\n"
		 "  -d, --ad                    attribute Deallocate (required; the only one "
		 "sent)\n"
		 "  -s, --slbs SLBA,...         first block of each range (1-256 ranges)\n"
		 "  -b, --blocks N,...          blocks of each range (1-4294967295)\n"
		 "  -h, --help                  show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_dsm,
};
