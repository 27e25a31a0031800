/* SPDX-License-Identifier: MIT */
/* nvmu format: Format NVM of a namespace, confirmed on a terminal unless --force. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "device.h"
#include "output/id_render.h"
#include "verbs.h"

#define FORMAT_TIMEOUT_MS 600000u /* formatting may take minutes on a real device */

struct format_args {
	uint32_t nsid, lbaf, ses, pi, pil, ms, timeout_ms;
	uint64_t block_size; /* -b: the LBA format with these data bytes (0: -l given) */
	bool has_nsid, has_lbaf, force, reset;
	const char *dev;
};

static int parse_args(int argc, char **argv, struct format_args *a)
{
	static const struct option longopts[] = {
		{ "namespace-id", required_argument, NULL, 'n' },
		{ "lbaf", required_argument, NULL, 'l' },
		{ "ses", required_argument, NULL, 's' },
		{ "pi", required_argument, NULL, 'i' },
		{ "pil", required_argument, NULL, 'p' },
		{ "ms", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' },
		{ "force", no_argument, NULL, 'f' },
		{ "block-size", required_argument, NULL, 'b' },
		{ "reset", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, bad = 0;

	*a = (struct format_args){ .timeout_ms = FORMAT_TIMEOUT_MS };
	while (!bad && (opt = cli_getopt(argc, argv, "n:l:s:i:p:m:t:fb:r", longopts)) != -1) {
		switch (opt) {
		case 'n':
			bad = cli_parse_u32(argv[0], "--namespace-id", optarg, UINT32_MAX,
					    &a->nsid);
			a->has_nsid = true;
			break;
		case 'l':
			bad = cli_parse_u32(argv[0], "--lbaf", optarg, 63, &a->lbaf);
			a->has_lbaf = true;
			break;
		case 's':
			bad = cli_parse_u32(argv[0], "--ses", optarg, 7, &a->ses);
			break;
		case 'i':
			bad = cli_parse_u32(argv[0], "--pi", optarg, 7, &a->pi);
			break;
		case 'p':
			bad = cli_parse_u32(argv[0], "--pil", optarg, 1, &a->pil);
			break;
		case 'm':
			bad = cli_parse_u32(argv[0], "--ms", optarg, 1, &a->ms);
			break;
		case 't':
			bad = cli_parse_u32(argv[0], "--timeout", optarg, UINT32_MAX,
					    &a->timeout_ms);
			break;
		case 'f':
			a->force = true;
			break;
		case 'b':
			bad = cli_parse_size(argv[0], "--block-size", optarg, 1u << 30,
					     &a->block_size);
			if (!bad && (a->block_size < 512 || (a->block_size & (a->block_size - 1))))
				return cli_usage_error(argv[0], "--block-size %s: a power of two, "
						       "512 or more", optarg);
			break;
		case 'r':
			a->reset = true;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (bad)
		return EXIT_USAGE;
	if (!a->has_nsid || a->nsid == 0)
		return cli_usage_error(argv[0],
				       "give the namespace with -n NSID (0xffffffff: all)");
	if (a->has_lbaf == (a->block_size != 0))
		return cli_usage_error(argv[0], "give the LBA format with -l LBAF or the block size "
				       "with -b BYTES (one of them)");
	if (!a->force && !isatty(STDIN_FILENO))
		return cli_usage_error(argv[0], "formatting erases the namespace and stdin is not "
				       "a terminal to confirm it: pass --force");
	return cli_device_arg(argc, argv, &a->dev);
}

/* -b: the first LBA format with that many data bytes and no metadata, as nvme-cli. */
static int lbaf_of_block_size(const char *verb, const struct nvme_id_ns *id, uint32_t nsid,
			      struct format_args *a)
{
	for (unsigned i = 0; i < id_ns_lbaf_count(id); i++) {
		if ((1ull << (id->lbaf[i].ds & 63)) == a->block_size && !id->lbaf[i].ms) {
			a->lbaf = i;
			return 0;
		}
	}
	fprintf(stderr, "nvmu %s: namespace %u has no LBA format of %llu-byte blocks without "
		"metadata (see 'nvmu id-ns -n %u')\n", verb, nsid,
		(unsigned long long)a->block_size, nsid);
	return EXIT_FAILED;
}

/* Check the LBA format exists on the namespace and describe it into @p desc. */
static int check_lbaf(const char *verb, struct tool_dev *d, struct format_args *a,
		      char *desc, size_t len)
{
	struct nvme_id_ns id;
	uint32_t nsid = a->nsid == NVME_NSID_ALL ? 1 : a->nsid;
	int ret = device_check_ns(verb, d, nsid);

	if (ret)
		return ret;
	if (nvmu_admin_identify_ns(d->ctrl, nsid, &id, NULL) < 0)
		return cli_fail(verb);
	if (a->block_size && (ret = lbaf_of_block_size(verb, &id, nsid, a)))
		return ret;
	if (a->lbaf >= id_ns_lbaf_count(&id)) {
		fprintf(stderr, "nvmu %s: LBA format %u does not exist on namespace %u "
			"(formats 0-%u)\n",
			verb, a->lbaf, nsid, id_ns_lbaf_count(&id) - 1);
		return EXIT_FAILED;
	}
	snprintf(desc, len, "%u-byte blocks, %u bytes of metadata", 1u << id.lbaf[a->lbaf].ds,
		 (unsigned)id.lbaf[a->lbaf].ms);
	return 0;
}

/* Ask on the terminal; true if the answer is yes. */
static bool confirm(const char *dev, const struct format_args *a, const char *desc)
{
	char line[16];

	fprintf(stderr, "Format namespace %#x of %s to LBA format %u (%s)? All its data will be "
		"lost. Type 'yes' to go on: ", a->nsid, dev, a->lbaf, desc);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	line[strcspn(line, "\n")] = '\0';
	return !strcmp(line, "yes") || !strcmp(line, "y");
}

static int run_format(int argc, char **argv)
{
	struct format_args a;
	struct nvmu_cpl cpl;
	struct tool_dev d;
	char desc[64];
	int ret;

	if ((ret = parse_args(argc, argv, &a)) || (ret = device_open(argv[0], a.dev, &d)))
		return ret;
	ret = check_lbaf(argv[0], &d, &a, desc, sizeof(desc));
	if (!ret && !a.force && !confirm(a.dev, &a, desc)) {
		fprintf(stderr, "nvmu %s: not confirmed; nothing was changed\n", argv[0]);
		ret = EXIT_FAILED;
	}
	if (!ret) {
		struct nvmu_sqe cmd = {
			.opcode = nvme_admin_format_nvm,
			.nsid = a.nsid,
			.cdw10 = (a.lbaf & 0xf) | a.ms << 4 | a.pi << 5 | a.pil << 8 | a.ses << 9 |
				 (a.lbaf >> 4 & 3) << 12,
		};

		if (device_admin(&d, &cmd, NULL, 0, false, a.timeout_ms, &cpl) < 0)
			ret = cli_fail(argv[0]);
		else
			printf("Success formatting namespace:%x (LBA format %u: %s)\n", a.nsid,
			       a.lbaf, desc);
	}
	/* -r: a controller reset, so that everything reads the new format afresh. */
	if (!ret && a.reset && nvmu_host_reset(d.host) < 0)
		ret = cli_fail(argv[0]);
	else if (!ret && a.reset)
		printf("Controller reset\n");
	device_close(&d);
	return ret;
}

const struct nvmu_verb nvmu_verb_format = {
	.name = "format",
	.summary = "Format NVM: a namespace to an LBA format (erases it)",
	.usage = "Usage: nvmu format <dev> -n NSID -l LBAF|-b BYTES [--ses N] [--pi N] [--pil N]\n"
		 "                  [--ms N] [--timeout MS] [--reset] [--force]\n"
		 "\n"
		 "Send Format NVM for namespace NSID with LBA format LBAF (see 'nvmu id-ns' for\n"
		 "the formats). The namespace must be active and the format must exist. On a\n"
		 "terminal nvmu asks for confirmation unless --force; when stdin is not a\n"
		 "terminal it refuses without --force.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -n, --namespace-id NSID  the namespace (0xffffffff: all namespaces)\n"
		 "  -l, --lbaf LBAF          LBA format index, 0-63 (this or -b is required)\n"
		 "  -b, --block-size BYTES   the first LBA format with BYTES data bytes and no\n"
		 "                           metadata (512, 4k, ...)\n"
		 "  -s, --ses N              secure erase: 0 none, 1 user data, 2 cryptographic\n"
		 "  -i, --pi N               protection information type, 0-3\n"
		 "  -p, --pil N              protection information location, 0-1\n"
		 "  -m, --ms N               metadata settings: 1 extended LBA, 0 separate\n"
		 "  -t, --timeout MS         deadline (default 600000: 10 minutes)\n"
		 "  -r, --reset              reset the controller after the format\n"
		 "  -f, --force              do not ask for confirmation\n"
		 "  -h, --help               show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_format,
};
