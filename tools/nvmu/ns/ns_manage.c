/* SPDX-License-Identifier: MIT */
/*
 * nvmu create-ns, delete-ns, attach-ns, detach-ns: Namespace Management and Attachment
 * through the host API, with nvme-cli 2.3's options and messages.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "device.h"
#include "unsupported.h"
#include "verb_opts.h"
#include "verbs.h"

#define NS_TIMEOUT_MS 120000u /* nvme-cli's default: creating may take a while */
#define NO_FLBAS 0xff

static struct capability ns_mgmt_cap(struct tool_dev *d, const char *what)
{
	return (struct capability){ .what = what, .field = "OACS bit 3",
				    .present = nvmu_ctrl_id(d->ctrl)->oacs &
					       NVME_CTRL_OACS_NS_MGMT };
}

/* The LBA formats to choose from: Identify Namespace for every namespace, or the first
 * active namespace's when the controller does not answer for 0xffffffff. */
static int lba_formats(const char *verb, struct tool_dev *d, struct nvme_id_ns *id)
{
	if (nvmu_admin_identify_ns(d->ctrl, NVME_NSID_ALL, id, NULL) == 0)
		return 0;
	if (nvmu_host_ns_count(d->host) > 0) {
		*id = *nvmu_ns_identify(nvmu_host_ns(d->host, 0));
		return 0;
	}
	fprintf(stderr, "nvmu %s: cannot read the LBA formats (no namespace answers Identify): "
		"give the format with --flbas\n", verb);
	return EXIT_FAILED;
}

/* The format index of @p bs-byte blocks without metadata, or -1. */
static int format_of(const struct nvme_id_ns *id, uint64_t bs)
{
	for (unsigned i = 0; i <= id->nlbaf && i < 64; i++)
		if (id->lbaf[i].ds < 64 && 1ull << id->lbaf[i].ds == bs && id->lbaf[i].ms == 0)
			return (int)i;
	return -1;
}

/* A byte size (-S/-C) in blocks of format @p flbas. */
static int bytes_to_blocks(const char *verb, const char *opt, uint64_t bytes,
			   const struct nvme_id_ns *id, uint8_t flbas, uint64_t *blocks)
{
	unsigned ds = id->lbaf[flbas & 0xf].ds;

	if (ds < 9 || ds > 31 || bytes % (1ull << ds)) {
		fprintf(stderr, "nvmu %s: %s %llu bytes is not a whole number of %llu-byte "
			"blocks\n", verb, opt, (unsigned long long)bytes,
			ds < 64 ? 1ull << ds : 0ull);
		return EXIT_FAILED;
	}
	*blocks = bytes >> ds;
	return 0;
}

static int run_create_ns(int argc, char **argv)
{
	struct nvmu_ns_create p = { .opts_size = sizeof(p), .flbas = NO_FLBAS };
	uint64_t bs = 0, nsze_bytes = 0, ncap_bytes = 0, lbstm = 0;
	uint32_t timeout = NS_TIMEOUT_MS, nsid;
	const struct verb_opt opts[] = {
		{ 's', "nsze", VOPT_SIZE, &p.nsze, 0, NULL },
		{ 'c', "ncap", VOPT_SIZE, &p.ncap, 0, NULL },
		{ 'f', "flbas", VOPT_U8, &p.flbas, 0x7f, NULL },
		{ 'd', "dps", VOPT_U8, &p.dps, 0, NULL },
		{ 'm', "nmic", VOPT_U8, &p.nmic, 1, NULL },
		{ 'a', "anagrp-id", VOPT_U32, &p.anagrpid, 0, NULL },
		{ 'i', "nvmset-id", VOPT_U16, &p.nvmsetid, 0, NULL },
		{ 'b', "block-size", VOPT_SIZE, &bs, 0, NULL },
		{ 't', "timeout", VOPT_U32, &timeout, 0, NULL },
		{ 'y', "csi", VOPT_U8, &p.csi, 0, NULL },
		{ 'l', "lbstm", VOPT_U64, &lbstm, 0, NULL },
		{ 'S', "nsze-si", VOPT_SIZE, &nsze_bytes, 0, NULL },
		{ 'C', "ncap-si", VOPT_SIZE, &ncap_bytes, 0, NULL },
	};
	struct nvmu_cpl cpl = { 0 };
	struct capability cap;
	struct nvme_id_ns id;
	struct tool_dev d;
	const char *dev;
	int ret, f, err;

	if ((ret = VERB_PARSE(argc, argv, opts, &dev)))
		return ret;
	if (p.flbas != NO_FLBAS && bs)
		return cli_usage_error(argv[0], "give the format with --flbas or --block-size, "
				       "not both");
	if (p.flbas == NO_FLBAS && !bs)
		return cli_usage_error(argv[0], "give the format with --flbas=INDEX or "
				       "--block-size=BYTES");
	if (bs & (bs - 1))
		return cli_usage_error(argv[0], "--block-size %llu is not a power of two",
				       (unsigned long long)bs);
	if (!p.nsze && !nsze_bytes)
		return cli_usage_error(argv[0], "give the size with --nsze=BLOCKS or "
				       "--nsze-si=BYTES");
	if (lbstm)
		return cli_usage_error(argv[0], "--lbstm (logical block storage tag mask) needs "
				       "an extended-LBA namespace, which nvmu does not create");
	if ((ret = device_open(argv[0], dev, &d)))
		return ret;
	if ((bs || nsze_bytes || ncap_bytes) && (ret = lba_formats(argv[0], &d, &id)))
		goto out;
	if (bs && (f = format_of(&id, bs)) < 0) {
		fprintf(stderr, "nvmu %s: no LBA format has %llu-byte blocks without metadata; "
			"give the format with --flbas\n", argv[0], (unsigned long long)bs);
		ret = EXIT_FAILED;
		goto out;
	}
	if (bs)
		p.flbas = (uint8_t)f;
	if ((nsze_bytes && (ret = bytes_to_blocks(argv[0], "--nsze-si", nsze_bytes, &id, p.flbas,
						  &p.nsze))) ||
	    (ncap_bytes && (ret = bytes_to_blocks(argv[0], "--ncap-si", ncap_bytes, &id, p.flbas,
						  &p.ncap))))
		goto out;
	cap = ns_mgmt_cap(&d, "Namespace Management");
	if ((err = nvmu_host_ns_create(d.host, &p, timeout, &nsid, &cpl)) < 0)
		ret = unsupported_fail(argv[0], dev, &cap, err, &cpl);
	else
		printf("%s: Success, created nsid:%u\n", argv[0], nsid);
out:
	device_close(&d);
	return ret;
}

static int run_delete_ns(int argc, char **argv)
{
	uint32_t nsid = 0, timeout = NS_TIMEOUT_MS;
	const struct verb_opt opts[] = {
		{ 'n', "namespace-id", VOPT_U32, &nsid, 0, NULL },
		{ 't', "timeout", VOPT_U32, &timeout, 0, NULL },
	};
	struct nvmu_cpl cpl = { 0 };
	struct capability cap;
	struct tool_dev d;
	const char *dev;
	int ret, err;

	if ((ret = VERB_PARSE(argc, argv, opts, &dev)))
		return ret;
	if (nsid == 0)
		return cli_usage_error(argv[0], "give the namespace with -n NSID (0xffffffff: "
				       "every namespace)");
	if ((ret = device_open(argv[0], dev, &d)))
		return ret;
	cap = ns_mgmt_cap(&d, "Namespace Management");
	if ((err = nvmu_host_ns_delete(d.host, nsid, timeout, &cpl)) < 0)
		ret = unsupported_fail(argv[0], dev, &cap, err, &cpl);
	else
		printf("%s: Success, deleted nsid:%u\n", argv[0], nsid);
	device_close(&d);
	return ret;
}

static int run_attach(int argc, char **argv, bool attach)
{
	static struct opt_list ctrls;
	uint32_t nsid = 0;
	const struct verb_opt opts[] = {
		{ 'n', "namespace-id", VOPT_U32, &nsid, 0, NULL },
		{ 'c', "controllers", VOPT_LIST, &ctrls, UINT16_MAX, NULL },
	};
	uint16_t ids[OPT_LIST_MAX];
	struct nvmu_cpl cpl = { 0 };
	struct capability cap;
	struct tool_dev d;
	const char *dev;
	int ret, err;

	ctrls.n = 0;
	if ((ret = VERB_PARSE(argc, argv, opts, &dev)))
		return ret;
	if (nsid == 0)
		return cli_usage_error(argv[0], "give the namespace with -n NSID");
	for (unsigned i = 0; i < ctrls.n; i++)
		ids[i] = (uint16_t)ctrls.v[i];
	if ((ret = device_open(argv[0], dev, &d)))
		return ret;
	cap = ns_mgmt_cap(&d, "Namespace Attachment");
	if ((err = nvmu_host_ns_attach(d.host, nsid, attach, ids, ctrls.n, &cpl)) < 0)
		ret = unsupported_fail(argv[0], dev, &cap, err, &cpl);
	else
		printf("%s: Success, nsid:%u\n", argv[0], nsid);
	device_close(&d);
	return ret;
}

static int run_attach_ns(int argc, char **argv)
{
	return run_attach(argc, argv, true);
}

static int run_detach_ns(int argc, char **argv)
{
	return run_attach(argc, argv, false);
}

#define ATTACH_OPTIONS_HELP                                                                \
	"  -n, --namespace-id=NSID     the namespace (required)\n"                             \
	"  -c, --controllers=ID,...    controller IDs (default: the controller of <dev>)\n"   \
	"  -h, --help                  show this help\n"

const struct nvmu_verb nvmu_verb_create_ns = {
	.name = "create-ns",
	.summary = "create a namespace (Namespace Management)",
	.usage = "Usage: nvmu create-ns <dev> (-s BLOCKS | -S BYTES) (-f FLBAS | -b BYTES)\n"
		 "                       [-c BLOCKS | -C BYTES] [-d DPS] [-m NMIC] [-t MS] ...\n"
		 "\n"
		 "Create a namespace and print \"create-ns: Success, created nsid:N\". It is not\n"
		 "attached to any controller yet: use attach-ns. A controller without Namespace\n"
		 "Management (Identify Controller OACS bit 3) is reported as such.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -s, --nsze=BLOCKS           size in logical blocks\n"
		 "  -c, --ncap=BLOCKS           capacity in logical blocks (default: the size)\n"
		 "  -S, --nsze-si=BYTES         size in bytes (k, m, g, t: powers of 1024)\n"
		 "  -C, --ncap-si=BYTES         capacity in bytes\n"
		 "  -f, --flbas=FLBAS           LBA format index (as Identify Namespace FLBAS)\n"
		 "  -b, --block-size=BYTES      the LBA format with this block size and no metadata\n"
		 "  -d, --dps=DPS               end-to-end protection settings\n"
		 "  -m, --nmic=NMIC             1: shareable between controllers\n"
		 "  -a, --anagrp-id=ID          ANA group\n"
		 "  -i, --nvmset-id=ID          NVM set\n"
		 "  -y, --csi=CSI               command set (0: NVM)\n"
		 "  -l, --lbstm=MASK            storage tag mask (refused: no extended LBAs)\n"
		 "  -t, --timeout=MS            command timeout (default 120000)\n"
		 "  -h, --help                  show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_create_ns,
};

const struct nvmu_verb nvmu_verb_delete_ns = {
	.name = "delete-ns",
	.summary = "delete a namespace (Namespace Management)",
	.usage = "Usage: nvmu delete-ns <dev> -n NSID [-t MS]\n"
		 "\n"
		 "Delete a namespace and print \"delete-ns: Success, deleted nsid:N\".\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -n, --namespace-id=NSID     the namespace (0xffffffff: every namespace)\n"
		 "  -t, --timeout=MS            command timeout (default 120000)\n"
		 "  -h, --help                  show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_delete_ns,
};

const struct nvmu_verb nvmu_verb_attach_ns = {
	.name = "attach-ns",
	.summary = "attach a namespace to controllers (Namespace Attachment)",
	.usage = "Usage: nvmu attach-ns <dev> -n NSID [-c ID,...]\n"
		 "\n"
		 "Attach a namespace to controllers and print \"attach-ns: Success, nsid:N\".\n"
		 "Without -c, the controller of <dev> (nvme-cli would send an empty list).\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 ATTACH_OPTIONS_HELP
		 DEVICE_EXIT_HELP,
	.run = run_attach_ns,
};

const struct nvmu_verb nvmu_verb_detach_ns = {
	.name = "detach-ns",
	.summary = "detach a namespace from controllers (Namespace Attachment)",
	.usage = "Usage: nvmu detach-ns <dev> -n NSID [-c ID,...]\n"
		 "\n"
		 "Detach a namespace from controllers and print \"detach-ns: Success, nsid:N\".\n"
		 "Without -c, the controller of <dev>.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 ATTACH_OPTIONS_HELP
		 DEVICE_EXIT_HELP,
	.run = run_detach_ns,
};
