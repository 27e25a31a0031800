/* SPDX-License-Identifier: MIT */
/* nvmu sriov show|enable|disable|assign|offline|online: the command line (see sriov.h). */
#include <errno.h>
#include <string.h>

#include "device.h"
#include "sriov/sriov.h"
#include "verbs.h"

static const struct {
	const char *name;
	enum sriov_sub sub;
	const char *shortopts;
} subs[] = {
	{ "show", SRIOV_SHOW, "o:" },
	{ "enable", SRIOV_ENABLE, "o:" },
	{ "disable", SRIOV_DISABLE, "" },
	{ "assign", SRIOV_ASSIGN, "" },
	{ "offline", SRIOV_OFFLINE, "" },
	{ "online", SRIOV_ONLINE, "" },
};

/* Which options each subcommand takes (long only, but -o). */
enum { OPT_VFS = 1000, OPT_VQ, OPT_VI, OPT_TOKEN, OPT_VF, OPT_FORCE };

static bool takes(enum sriov_sub sub, int opt)
{
	switch (opt) {
	case 'o': return sub == SRIOV_SHOW || sub == SRIOV_ENABLE;
	case OPT_VFS: case OPT_TOKEN: return sub == SRIOV_ENABLE;
	case OPT_VQ: case OPT_VI: return sub == SRIOV_ENABLE || sub == SRIOV_ASSIGN;
	case OPT_VF: return sub == SRIOV_ASSIGN || sub == SRIOV_OFFLINE || sub == SRIOV_ONLINE;
	case OPT_FORCE: return sub == SRIOV_OFFLINE || sub == SRIOV_DISABLE;
	default: return false;
	}
}

static const char *opt_name(int opt)
{
	switch (opt) {
	case 'o': return "-o";
	case OPT_VFS: return "--vfs";
	case OPT_VQ: return "--vq";
	case OPT_VI: return "--vi";
	case OPT_TOKEN: return "--token";
	case OPT_VF: return "--vf";
	default: return "--force";
	}
}

static int parse_opts(int argc, char **argv, const char *shortopts, struct sriov_req *r,
		      bool *has_vf)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "output-format", required_argument, NULL, 'o' },
		{ "vfs", required_argument, NULL, OPT_VFS },
		{ "vq", required_argument, NULL, OPT_VQ },
		{ "vi", required_argument, NULL, OPT_VI },
		{ "token", required_argument, NULL, OPT_TOKEN },
		{ "vf", required_argument, NULL, OPT_VF },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = cli_getopt(argc, argv, shortopts, longopts)) != -1) {
		if (opt == '?')
			return EXIT_USAGE;
		if (!takes(r->sub, opt))
			return cli_usage_error(argv[0], "option '%s' does not apply here",
					       opt_name(opt));
		if ((opt == 'o' && !cli_parse_format(argv[0], optarg, &r->format)) ||
		    (opt == OPT_VFS && !cli_parse_u32(argv[0], "--vfs", optarg, 0xffff, &r->vfs)) ||
		    (opt == OPT_VQ && !cli_parse_u32(argv[0], "--vq", optarg, 0xffff, &r->vq)) ||
		    (opt == OPT_VI && !cli_parse_u32(argv[0], "--vi", optarg, 0xffff, &r->vi)))
			continue;
		if (opt == OPT_VF && !cli_parse_u32(argv[0], "--vf", optarg, 0xffff, &r->vfn)) {
			*has_vf = true;
			continue;
		}
		if (opt == OPT_TOKEN && nvmu_sriov_token_valid(optarg)) {
			r->token = optarg;
			continue;
		}
		if (opt == OPT_TOKEN)
			return cli_usage_error(argv[0], "--token '%s' is not a UUID (expected "
					       "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", optarg);
		if (opt == OPT_FORCE) {
			r->force = true;
			continue;
		}
		return EXIT_USAGE;
	}
	return 0;
}

/* The options each subcommand needs. */
static int check_required(const char *verb, const struct sriov_req *r, bool has_vf)
{
	if (r->sub == SRIOV_ENABLE && r->vfs == 0)
		return cli_usage_error(verb, "give the number of VFs with --vfs N (1 or more)");
	if ((r->sub == SRIOV_ASSIGN || r->sub == SRIOV_OFFLINE || r->sub == SRIOV_ONLINE) &&
	    (!has_vf || r->vfn == 0))
		return cli_usage_error(verb, "give the VF with --vf N (1 for the first VF)");
	if (r->sub == SRIOV_ASSIGN && !r->vq && !r->vi)
		return cli_usage_error(verb, "give the resources with --vq Q and/or --vi V");
	return 0;
}

/* Run @p r on a PF nobody holds: open it here. */
static int run_local(const char *verb, const struct sriov_req *r)
{
	struct nvmu_sriov *s;
	struct tool_dev d;
	int ret = device_open(verb, r->pf, &d);

	if (ret)
		return ret;
	if (nvmu_sriov_open(d.ctrl, &s) < 0) {
		ret = cli_fail(verb);
	} else {
		ret = sriov_do(s, r, stdout, stderr, 0);
		nvmu_sriov_close(s, 0);
	}
	device_close(&d);
	return ret;
}

static int run_sriov(int argc, char **argv)
{
	struct sriov_req r = { .format = CLI_FORMAT_NORMAL };
	char verb[32];
	const char *pf;
	bool has_vf = false;
	size_t i;
	int ret;

	if (argc < 2)
		return cli_usage_error(argv[0], "expected show, enable, disable, assign, offline "
				       "or online");
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]) && strcmp(subs[i].name, argv[1]); i++)
		;
	if (i == sizeof(subs) / sizeof(subs[0]))
		return cli_usage_error(argv[0], "unknown subcommand '%s' (expected show, enable, "
				       "disable, assign, offline or online)", argv[1]);
	r.sub = subs[i].sub;
	snprintf(verb, sizeof(verb), "sriov %s", subs[i].name);
	argv[1] = verb; /* messages name "sriov SUB" */
	if ((ret = parse_opts(argc - 1, argv + 1, subs[i].shortopts, &r, &has_vf)) ||
	    (ret = cli_device_arg(argc - 1, argv + 1, &pf)) ||
	    (ret = check_required(verb, &r, has_vf)))
		return ret;
	if (nvmu_pci_parse_addr(pf, r.pf) < 0)
		return cli_usage_error(verb, "%s", nvmu_last_error());
	if (r.sub == SRIOV_ENABLE)
		return sriov_enable_and_hold(&r);
	ret = sriov_ctl_request(&r);
	return ret == -ENOENT ? run_local(verb, &r) : ret;
}

const struct nvmu_verb nvmu_verb_sriov = {
	.name = "sriov",
	.summary = "SR-IOV: enable VFs with queues and vectors, hold the PF, show, disable",
	.usage =
	"Usage: nvmu sriov show <pf> [-o json]\n"
	"       nvmu sriov enable <pf> --vfs N [--vq Q] [--vi V] [--token UUID] [-o json]\n"
	"       nvmu sriov disable <pf> [--force]\n"
	"       nvmu sriov assign <pf> --vf N [--vq Q] [--vi V]\n"
	"       nvmu sriov offline <pf> --vf N [--force]\n"
	"       nvmu sriov online <pf> --vf N\n"
	"\n"
	"<pf> is the PCI address of an SR-IOV capable NVMe controller bound to vfio-pci.\n"
	"\n"
	"enable releases the primary controller's flexible resources, resets the PF once,\n"
	"sets the VF token (a new random UUID unless --token), turns on vfio-pci's\n"
	"enable_sriov, enables N VFs, gives each Q queue (VQ) and V interrupt (VI) resources\n"
	"(default: an even share of the free ones; a VF needs VQ >= 2: an admin queue and\n"
	"Q-1 I/O queues, and VI >= 1), brings each online, and prints\n"
	"    VF <bdf> cntlid <id> queues <q> vectors <v>\n"
	"per VF, then \"token <uuid>\" and \"ready\". It then holds the PF: vfio-pci resets a\n"
	"PF each time it is opened or closed, which takes the VFs away, so the PF's owner must\n"
	"outlive the VFs' users. Other nvmu processes reach the PF through it (show, assign,\n"
	"offline, online, disable). SIGINT, SIGTERM or `nvmu sriov disable` end the hold: the\n"
	"VFs are offlined and disabled and the PF released. While a process has a VF open,\n"
	"disable is refused with that process named; a second signal tears down anyway.\n"
	"A VF is used like any controller with the token: nvmu id-ctrl <vf> --vf-token UUID.\n"
	"\n"
	"show prints the primary's resources, every secondary controller (SCID, VF number,\n"
	"BDF, state, VQ and VI assigned, driver) and the VF token's state.\n"
	"assign, offline and online act on one secondary controller (--vf 1 is the first).\n"
	DEVICE_HELP
	"\n"
	"Options:\n"
	"  --vfs N          enable: the number of VFs\n"
	"  --vq Q, --vi V   queue and interrupt resources per VF\n"
	"  --token UUID     enable: the VF token to set instead of a random one\n"
	"  --vf N           the VF (1-based)\n"
	"  --force          offline, disable: even while a process has the VF open\n"
	DEVICE_OUTPUT_HELP
	DEVICE_EXIT_HELP,
	.run = run_sriov,
};
