/* SPDX-License-Identifier: MIT */
/*
 * nvmu copy: the Copy command (descriptor format 0) through the host API's
 * nvmu_ns_copy(), with nvme-cli 2.3's options. The protection information, directive and
 * other-format options are accepted with their default values only, since the host API
 * copies without them; any other value is refused with a message.
 */
#include <stdio.h>

#include "cli.h"
#include "io_common.h"
#include "verb_opts.h"
#include "verbs.h"

struct copy_args {
	uint32_t nsid;
	uint64_t sdlba, ilbrt;
	struct opt_list slbs, nlbs, eilbrts, elbats, elbatms;
	bool lr, fua;
	uint8_t prinfow, prinfor, dtype, format;
	uint16_t lbat, lbatm, dspec;
};

/* The name of the first option given that nvmu_ns_copy() cannot honour, or NULL. */
static const char *unsupported(const struct copy_args *a)
{
	const struct {
		bool set;
		const char *name;
	} opts[] = {
		{ a->lr, "--limited-retry" }, { a->fua, "--force-unit-access" },
		{ a->prinfow, "--prinfow" }, { a->prinfor, "--prinfor" }, { a->ilbrt, "--ref-tag" },
		{ a->eilbrts.n, "--expected-ref-tags" }, { a->lbat, "--app-tag" },
		{ a->elbats.n, "--expected-app-tags" }, { a->lbatm, "--app-tag-mask" },
		{ a->elbatms.n, "--expected-app-tag-masks" }, { a->dtype, "--dir-type" },
		{ a->dspec, "--dir-spec" }, { a->format, "--format" },
	};

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (opts[i].set)
			return opts[i].name;
	return NULL;
}

static int run_copy(int argc, char **argv)
{
	static struct copy_args a;
	const struct verb_opt opts[] = {
		{ 'n', "namespace-id", VOPT_U32, &a.nsid, 0, NULL },
		{ 'd', "sdlba", VOPT_U64, &a.sdlba, 0, NULL },
		{ 's', "slbs", VOPT_LIST, &a.slbs, 0, NULL },
		{ 'b', "blocks", VOPT_LIST, &a.nlbs, UINT16_MAX, NULL },
		{ 'l', "limited-retry", VOPT_FLAG, &a.lr, 0, NULL },
		{ 'f', "force-unit-access", VOPT_FLAG, &a.fua, 0, NULL },
		{ 'p', "prinfow", VOPT_U8, &a.prinfow, 0xf, NULL },
		{ 'P', "prinfor", VOPT_U8, &a.prinfor, 0xf, NULL },
		{ 'r', "ref-tag", VOPT_U64, &a.ilbrt, 0, NULL },
		{ 'R', "expected-ref-tags", VOPT_LIST, &a.eilbrts, 0, NULL },
		{ 'a', "app-tag", VOPT_U16, &a.lbat, 0, NULL },
		{ 'A', "expected-app-tags", VOPT_LIST, &a.elbats, UINT16_MAX, NULL },
		{ 'm', "app-tag-mask", VOPT_U16, &a.lbatm, 0, NULL },
		{ 'M', "expected-app-tag-masks", VOPT_LIST, &a.elbatms, UINT16_MAX, NULL },
		{ 'T', "dir-type", VOPT_U8, &a.dtype, 0, NULL },
		{ 'S', "dir-spec", VOPT_U16, &a.dspec, 0, NULL },
		{ 'F', "format", VOPT_U8, &a.format, 0xf, NULL },
	};
	struct nvmu_lba_range ranges[OPT_LIST_MAX];
	struct nvmu_host_waiter w = { 0 };
	const char *dev, *bad;
	struct io_ctx io;
	int ret;

	if ((ret = VERB_PARSE(argc, argv, opts, &dev)))
		return ret;
	if (a.nsid == 0)
		return cli_usage_error(argv[0], "give the namespace with -n NSID");
	if (a.slbs.n == 0 || a.slbs.n != a.nlbs.n)
		return cli_usage_error(argv[0], "give as many source blocks (--slbs) as block "
				       "counts (--blocks), at least one");
	if ((bad = unsupported(&a)))
		return cli_usage_error(argv[0], "%s: nvmu copies with descriptor format 0, "
				       "without protection information, directives or limited "
				       "retry; leave it out", bad);
	for (unsigned i = 0; i < a.slbs.n; i++) /* --blocks counts from 0, as NLB does */
		ranges[i] = (struct nvmu_lba_range){ a.slbs.v[i], (uint32_t)a.nlbs.v[i] + 1 };
	if ((ret = io_open(argv[0], dev, a.nsid, &io)))
		return ret;
	ret = nvmu_ns_copy(io.qp, io.ns, a.sdlba, ranges, a.slbs.n, nvmu_host_sync_cb, &w);
	if (!(ret = io_wait(argv[0], &io, ret, &w)))
		printf("NVMe Copy: success\n");
	io_close(&io);
	return ret;
}

const struct nvmu_verb nvmu_verb_copy = {
	.name = "copy",
	.summary = "copy block ranges within a namespace (Copy)",
	.usage = "Usage: nvmu copy <dev> -n NSID -d SDLBA -s SLBA,... -b COUNT,...\n"
		 "\n"
		 "Copy the source ranges, in order, to consecutive blocks from SDLBA, and print\n"
		 "\"NVMe Copy: success\". The namespace's limits (MSRC, MSSRL, MCL) are checked\n"
		 "before sending; a controller without Copy (ONCS bit 8) is reported as such.\n"
		 "nvme-cli's options for protection information (-p -P -r -R -a -A -m -M),\n"
		 "directives (-T -S), limited retry (-l), FUA (-f) and other descriptor formats\n"
		 "(-F) are refused unless 0.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -n, --namespace-id=NSID     namespace (required; an active one)\n"
		 "  -d, --sdlba=SDLBA           the first destination block\n"
		 "  -s, --slbs=SLBA,...         the first block of each source range\n"
		 "  -b, --blocks=COUNT,...      blocks of each range minus one (NLB), as nvme-cli\n"
		 "  -l, --limited-retry         (refused)\n"
		 "  -f, --force-unit-access     (refused)\n"
		 "  -p, --prinfow=N             (0 only)\n"
		 "  -P, --prinfor=N             (0 only)\n"
		 "  -r, --ref-tag=N             (0 only)\n"
		 "  -R, --expected-ref-tags=N,...  (refused)\n"
		 "  -a, --app-tag=N             (0 only)\n"
		 "  -A, --expected-app-tags=N,...  (refused)\n"
		 "  -m, --app-tag-mask=N        (0 only)\n"
		 "  -M, --expected-app-tag-masks=N,...  (refused)\n"
		 "  -T, --dir-type=N            (0 only)\n"
		 "  -S, --dir-spec=N            (0 only)\n"
		 "  -F, --format=N              (0 only)\n"
		 "  -h, --help                  show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_copy,
};
