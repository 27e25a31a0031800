/* SPDX-License-Identifier: MIT */
/* nvmu dsm: Dataset Management (deallocate) of ranges given as nvme-cli's comma lists. */
#include <endian.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "io_common.h"
#include "verbs.h"

#define DSM_RANGES_MAX 256 /* NVMe: NR is 0-based in 8 bits */

struct dsm_args {
	struct io_args io;
	uint64_t slbas[DSM_RANGES_MAX], blocks[DSM_RANGES_MAX], cattrs[DSM_RANGES_MAX];
	unsigned nslbas, nblocks, ncattrs;
	bool ad, idr, idw, has_cdw11;
	uint32_t cdw11;
};

/* Command dword 11 of Dataset Management: the attributes. */
#define DSM_IDR (1u << 0) /* integral dataset for read */
#define DSM_IDW (1u << 1) /* integral dataset for write */
#define DSM_AD (1u << 2)  /* deallocate */

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
		{ "idr", no_argument, NULL, 'r' },
		{ "idw", no_argument, NULL, 'w' },
		{ "ctx-attrs", required_argument, NULL, 'a' },
		{ "cdw11", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, ret = 0;

	memset(a, 0, sizeof(*a));
	while (!ret && (opt = cli_getopt(argc, argv, "n:s:b:drwa:c:", longopts)) != -1) {
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
		case 'a':
			ret = parse_list(argv[0], "-a", optarg, 0, UINT32_MAX, a->cattrs,
					 &a->ncattrs);
			break;
		case 'c':
			ret = cli_parse_u32(argv[0], "--cdw11", optarg, UINT32_MAX, &a->cdw11) ?
				      EXIT_USAGE : 0;
			a->has_cdw11 = true;
			break;
		case 'd': a->ad = true; break;
		case 'r': a->idr = true; break;
		case 'w': a->idw = true; break;
		default: return EXIT_USAGE;
		}
	}
	if (ret)
		return ret;
	if (!a->ad && !a->idr && !a->idw && !a->has_cdw11)
		return cli_usage_error(argv[0], "give the attributes: --ad (deallocate), --idr, "
				       "--idw, or --cdw11=N");
	if (a->ncattrs && a->ncattrs != a->nslbas)
		return cli_usage_error(argv[0], "-a has %u values and -s %u: one of each per range",
				       a->ncattrs, a->nslbas);
	if (!a->nslbas || !a->nblocks)
		return cli_usage_error(argv[0],
				       "give the ranges with -s SLBA,... and -b BLOCKS,...");
	if (a->nslbas != a->nblocks)
		return cli_usage_error(argv[0], "-s has %u values and -b %u: one of each per range",
				       a->nslbas, a->nblocks);
	return io_parse_end(argc, argv, true, &a->io);
}

/* A range beyond the namespace: refused before sending, as the deallocate path does. */
static int check_ranges(const char *verb, const struct io_ctx *io, const struct dsm_args *a)
{
	uint64_t blocks = nvmu_ns_blocks(io->ns);

	for (unsigned i = 0; i < a->nslbas; i++) {
		if (a->slbas[i] < blocks && a->blocks[i] <= blocks - a->slbas[i])
			continue;
		fprintf(stderr, "nvmu %s: range %u (blocks %llu-%llu) is beyond namespace %u "
			"(%llu blocks)\n", verb, i, (unsigned long long)a->slbas[i],
			(unsigned long long)(a->slbas[i] + a->blocks[i] - 1), a->io.nsid,
			(unsigned long long)blocks);
		return EXIT_FAILED;
	}
	return 0;
}

/*
 * Any attributes (--idr, --idw, -a, --cdw11): the command as given, with the ranges in a
 * DMA buffer (16 bytes each: context attributes, length, starting LBA; little-endian).
 */
static int submit_raw(const char *verb, struct io_ctx *io, const struct dsm_args *a,
		      struct nvmu_host_waiter *w)
{
	struct nvmu_dma_buf buf;
	struct nvmu_sqe cmd = {
		.opcode = nvme_cmd_dsm,
		.nsid = a->io.nsid,
		.cdw10 = a->nslbas - 1,
		.cdw11 = a->has_cdw11 ? a->cdw11 : (a->ad ? DSM_AD : 0) | (a->idw ? DSM_IDW : 0) |
						 (a->idr ? DSM_IDR : 0),
	};
	int ret = check_ranges(verb, io, a);

	if (ret || (ret = io_buffer(verb, io, a->nslbas * sizeof(struct nvme_dsm_range), &buf)))
		return ret;
	for (unsigned i = 0; i < a->nslbas; i++) {
		struct nvme_dsm_range *r = (struct nvme_dsm_range *)buf.vaddr + i;

		r->cattr = htole32(a->ncattrs ? (uint32_t)a->cattrs[i] : 0);
		r->nlb = htole32((uint32_t)a->blocks[i]);
		r->slba = htole64(a->slbas[i]);
	}
	ret = nvmu_host_raw_io(io->qp, &cmd, &buf, 1, 0, nvmu_host_sync_cb, w);
	return io_wait(verb, io, ret, w);
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
	if (a.idr || a.idw || a.ncattrs || a.has_cdw11 || !a.ad) {
		if (!(ret = submit_raw(argv[0], &io, &a, &w)))
			printf("NVMe DSM: success\n");
		io_close(&io);
		return ret;
	}
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
	.usage = "Usage: nvmu dsm <dev> -n NSID [--ad] [--idr] [--idw] [-c CDW11]\n"
		 "                -s SLBA[,SLBA...] -b BLOCKS[,BLOCKS...] [-a ATTR[,ATTR...]]\n"
		 "\n"
		 "Send an NVMe Dataset Management command with the attributes given for the\n"
		 "ranges given: the i-th value of -s starts the i-th range, the i-th value of -b\n"
		 "is its length in blocks (e.g. -s 0,100 -b 8,16: blocks 0-7 and 100-115), the\n"
		 "i-th value of -a its context attributes. A range beyond the namespace is\n"
		 "refused before anything is sent. Reading deallocated blocks returns what\n"
		 "Identify Namespace DLFEAT says (often zeroes).\n"
		 DEVICE_HELP
		 "\n"
		 "Options (nvme-cli's):\n"
		 "  -n, --namespace-id NSID     namespace (required; an active one)\n"
		 "  -d, --ad                    attribute Deallocate\n"
		 "  -r, --idr                   attribute Integral Dataset for Read\n"
		 "  -w, --idw                   attribute Integral Dataset for Write\n"
		 "  -c, --cdw11 N               command dword 11 as it is (instead of the three\n"
		 "                              flags above); one at least is required\n"
		 "  -a, --ctx-attrs A,...       context attributes of each range (default 0)\n"
		 "  -s, --slbs SLBA,...         first block of each range (1-256 ranges)\n"
		 "  -b, --blocks N,...          blocks of each range (1-4294967295)\n"
		 "  -h, --help                  show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_dsm,
};
