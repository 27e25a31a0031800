/* SPDX-License-Identifier: MIT */
/*
 * nvmu resv-register, resv-acquire, resv-release, resv-report: the reservation commands
 * through the host API, with nvme-cli 2.3's options, messages and JSON keys.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "io/io_common.h"
#include "output/hexdump.h"
#include "output/json.h"
#include "verb_opts.h"
#include "verbs.h"

#define REPORT_BYTES 4096 /* nvme-cli's largest report */
#define HDR 24
#define HDR_EXT 64

/* Open namespace @p nsid with a queue pair; the nsid must have been given. */
static int open_ns(const char *verb, const char *dev, uint32_t nsid, struct io_ctx *io)
{
	if (nsid == 0)
		return cli_usage_error(verb, "give the namespace with -n NSID");
	return io_open(verb, dev, nsid, io);
}

static int run_resv_register(int argc, char **argv)
{
	uint32_t nsid = 0;
	uint64_t crkey = 0, nrkey = 0;
	uint8_t rrega = 0, cptpl = 0;
	bool iekey = false;
	const struct verb_opt opts[] = {
		{ 'n', "namespace-id", VOPT_U32, &nsid, 0, NULL },
		{ 'c', "crkey", VOPT_U64, &crkey, 0, NULL },
		{ 'k', "nrkey", VOPT_U64, &nrkey, 0, NULL },
		{ 'r', "rrega", VOPT_U8, &rrega, 2, NULL },
		{ 'p', "cptpl", VOPT_U8, &cptpl, 3, NULL },
		{ 'i', "iekey", VOPT_FLAG, &iekey, 0, NULL },
	};
	struct io_ctx io;
	const char *dev;
	int ret;

	if ((ret = VERB_PARSE(argc, argv, opts, &dev)) ||
	    (ret = open_ns(argv[0], dev, nsid, &io)))
		return ret;
	if (nvmu_ns_resv_register(io.qp, io.ns, rrega, cptpl, iekey, crkey, nrkey, NULL) < 0)
		ret = cli_fail(argv[0]);
	else
		printf("NVME Reservation  success\n");
	io_close(&io);
	return ret;
}

static int run_resv_acquire(int argc, char **argv)
{
	uint32_t nsid = 0;
	uint64_t crkey = 0, prkey = 0;
	uint8_t rtype = 0, racqa = 0;
	bool iekey = false;
	const struct verb_opt opts[] = {
		{ 'n', "namespace-id", VOPT_U32, &nsid, 0, NULL },
		{ 'c', "crkey", VOPT_U64, &crkey, 0, NULL },
		{ 'p', "prkey", VOPT_U64, &prkey, 0, NULL },
		{ 't', "rtype", VOPT_U8, &rtype, 6, NULL },
		{ 'a', "racqa", VOPT_U8, &racqa, 2, NULL },
		{ 'i', "iekey", VOPT_FLAG, &iekey, 0, NULL },
	};
	struct io_ctx io;
	const char *dev;
	int ret;

	if ((ret = VERB_PARSE(argc, argv, opts, &dev)) ||
	    (ret = open_ns(argv[0], dev, nsid, &io)))
		return ret;
	if (nvmu_ns_resv_acquire(io.qp, io.ns, racqa, rtype, iekey, crkey, prkey, NULL) < 0)
		ret = cli_fail(argv[0]);
	else
		printf("NVME Reservation Acquire success\n");
	io_close(&io);
	return ret;
}

static int run_resv_release(int argc, char **argv)
{
	uint32_t nsid = 0;
	uint64_t crkey = 0;
	uint8_t rtype = 0, rrela = 0;
	bool iekey = false;
	const struct verb_opt opts[] = {
		{ 'n', "namespace-id", VOPT_U32, &nsid, 0, NULL },
		{ 'c', "crkey", VOPT_U64, &crkey, 0, NULL },
		{ 't', "rtype", VOPT_U8, &rtype, 6, NULL },
		{ 'a', "rrela", VOPT_U8, &rrela, 1, NULL },
		{ 'i', "iekey", VOPT_FLAG, &iekey, 0, NULL },
	};
	struct io_ctx io;
	const char *dev;
	int ret;

	if ((ret = VERB_PARSE(argc, argv, opts, &dev)) ||
	    (ret = open_ns(argv[0], dev, nsid, &io)))
		return ret;
	if (nvmu_ns_resv_release(io.qp, io.ns, rrela, rtype, iekey, crkey, NULL) < 0)
		ret = cli_fail(argv[0]);
	else
		printf("NVME Reservation Release success\n");
	io_close(&io);
	return ret;
}

/* The registered controller entries the report holds: regctl, bounded by its size. */
static unsigned entries(const struct nvme_resv_status *s, size_t len, bool eds)
{
	unsigned regctl = (unsigned)s->regctl[0] | (unsigned)s->regctl[1] << 8;
	size_t room = eds ? (len - HDR_EXT) / 64 : (len - HDR) / 24;

	return regctl < room ? regctl : (unsigned)room;
}

static void hostid_text(const uint8_t *id, char *out)
{
	for (unsigned i = 0; i < 16; i++)
		sprintf(out + 2 * i, "%02x", id[i]);
}

static void report_json(const struct nvme_resv_status *s, size_t len, bool eds)
{
	unsigned n = entries(s, len, eds);
	char hostid[33];
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "gen");
	json_uint(&j, s->gen);
	json_key(&j, "rtype");
	json_uint(&j, s->rtype);
	json_key(&j, "regctl");
	json_uint(&j, (unsigned)s->regctl[0] | (unsigned)s->regctl[1] << 8);
	json_key(&j, "ptpls");
	json_uint(&j, s->ptpls);
	json_key(&j, eds ? "regctlext" : "regctls");
	json_array_begin(&j);
	for (unsigned i = 0; i < n; i++) {
		json_object_begin(&j);
		json_key(&j, "cntlid");
		json_uint(&j, eds ? s->regctl_eds[i].cntlid : s->regctl_ds[i].cntlid);
		json_key(&j, "rcsts");
		json_uint(&j, eds ? s->regctl_eds[i].rcsts : s->regctl_ds[i].rcsts);
		if (eds) {
			json_key(&j, "rkey");
			json_uint(&j, s->regctl_eds[i].rkey);
			hostid_text(s->regctl_eds[i].hostid, hostid);
			json_key(&j, "hostid");
			json_string(&j, hostid);
		} else {
			json_key(&j, "hostid");
			json_uint(&j, s->regctl_ds[i].hostid);
			json_key(&j, "rkey");
			json_uint(&j, s->regctl_ds[i].rkey);
		}
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

static void report_print(const struct nvme_resv_status *s, size_t len, bool eds)
{
	unsigned n = entries(s, len, eds);
	char hostid[33];

	printf("\nNVME Reservation status:\n\n");
	printf("gen       : %u\n", s->gen);
	printf("rtype     : %u\n", s->rtype);
	printf("regctl    : %u\n", (unsigned)s->regctl[0] | (unsigned)s->regctl[1] << 8);
	printf("ptpls     : %u\n", s->ptpls);
	for (unsigned i = 0; i < n; i++) {
		if (eds) {
			hostid_text(s->regctl_eds[i].hostid, hostid);
			printf("regctlext[%u] :\n  cntlid     : %x\n  rcsts      : %x\n"
			       "  rkey       : %llx\n  hostid     : %s\n", i,
			       s->regctl_eds[i].cntlid, s->regctl_eds[i].rcsts,
			       (unsigned long long)s->regctl_eds[i].rkey, hostid);
		} else {
			printf("regctl[%u] :\n  cntlid  : %x\n  rcsts   : %x\n  hostid  : %llx\n"
			       "  rkey    : %llx\n", i, s->regctl_ds[i].cntlid,
			       s->regctl_ds[i].rcsts, (unsigned long long)s->regctl_ds[i].hostid,
			       (unsigned long long)s->regctl_ds[i].rkey);
		}
	}
	printf("\n");
}

static int run_resv_report(int argc, char **argv)
{
	enum cli_format format = CLI_FORMAT_NORMAL;
	uint32_t nsid = 0, numd = 0;
	bool eds = false, raw = false;
	const struct verb_opt opts[] = {
		{ 'n', "namespace-id", VOPT_U32, &nsid, 0, NULL },
		{ 'd', "numd", VOPT_U32, &numd, 0, NULL },
		{ 'e', "eds", VOPT_FLAG, &eds, 0, NULL },
		{ 'o', "output-format", VOPT_FORMAT, &format, 0, NULL },
		{ 'b', "raw-binary", VOPT_FLAG, &raw, 0, NULL },
	};
	_Alignas(8) static uint8_t buf[REPORT_BYTES];
	const struct nvme_resv_status *s = (const struct nvme_resv_status *)buf;
	struct io_ctx io;
	const char *dev;
	size_t len;
	int ret;

	if ((ret = VERB_PARSE(argc, argv, opts, &dev)))
		return ret;
	/* As nvme-cli: NUMD 0 or beyond 4 KiB means 4 KiB, and at least 4 dwords. */
	if (numd == 0 || numd >= REPORT_BYTES / 4)
		numd = REPORT_BYTES / 4 - 1;
	if (numd < 3)
		numd = 3;
	len = ((size_t)numd + 1) * 4;
	if (eds && len < HDR_EXT)
		len = HDR_EXT;
	if ((ret = open_ns(argv[0], dev, nsid, &io)))
		return ret;
	if (nvmu_ns_resv_report(io.qp, io.ns, eds, buf, len, NULL) < 0)
		ret = cli_fail(argv[0]);
	else if (raw && raw_write(stdout, buf, len) < 0)
		ret = EXIT_FAILED;
	else if (!raw && format == CLI_FORMAT_JSON)
		report_json(s, len, eds);
	else if (!raw)
		report_print(s, len, eds);
	io_close(&io);
	return ret;
}

#define RESV_NS_HELP "  -n, --namespace-id=NSID     namespace (required; an active one)\n"
#define RESV_IEKEY_HELP "  -i, --iekey                 ignore the current key\n"
#define RESV_SUPPORT_TEXT \
	"A controller without reservations (Identify Controller ONCS bit 5) is reported as\n" \
	"such, and a wrong key as the Reservation Conflict status.\n"

const struct nvmu_verb nvmu_verb_resv_register = {
	.name = "resv-register",
	.summary = "register, unregister or replace a reservation key",
	.usage = "Usage: nvmu resv-register <dev> -n NSID [-r ACTION] [-c KEY] [-k KEY] [-p N] [-i]\n"
		 "\n"
		 "Send Reservation Register and print \"NVME Reservation  success\" as nvme-cli.\n"
		 RESV_SUPPORT_TEXT
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 RESV_NS_HELP
		 "  -r, --rrega=ACTION          0 register, 1 unregister, 2 replace (default 0)\n"
		 "  -c, --crkey=KEY             the current reservation key\n"
		 "  -k, --nrkey=KEY             the new reservation key\n"
		 "  -p, --cptpl=N               change persist through power loss: 0 no change,\n"
		 "                              2 clear, 3 set\n"
		 RESV_IEKEY_HELP
		 "  -h, --help                  show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_resv_register,
};

const struct nvmu_verb nvmu_verb_resv_acquire = {
	.name = "resv-acquire",
	.summary = "acquire or preempt a reservation",
	.usage = "Usage: nvmu resv-acquire <dev> -n NSID -t TYPE [-a ACTION] [-c KEY] [-p KEY] [-i]\n"
		 "\n"
		 "Send Reservation Acquire and print \"NVME Reservation Acquire success\".\n"
		 RESV_SUPPORT_TEXT
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 RESV_NS_HELP
		 "  -t, --rtype=TYPE            1 write exclusive, 2 exclusive access, 3/4 ... for\n"
		 "                              registrants only, 5/6 ... for all registrants\n"
		 "  -a, --racqa=ACTION          0 acquire, 1 preempt, 2 preempt and abort\n"
		 "  -c, --crkey=KEY             the current reservation key\n"
		 "  -p, --prkey=KEY             the key of the registrant to preempt\n"
		 RESV_IEKEY_HELP
		 "  -h, --help                  show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_resv_acquire,
};

const struct nvmu_verb nvmu_verb_resv_release = {
	.name = "resv-release",
	.summary = "release or clear a reservation",
	.usage = "Usage: nvmu resv-release <dev> -n NSID -t TYPE [-a ACTION] [-c KEY] [-i]\n"
		 "\n"
		 "Send Reservation Release and print \"NVME Reservation Release success\".\n"
		 RESV_SUPPORT_TEXT
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 RESV_NS_HELP
		 "  -t, --rtype=TYPE            the type of the reservation held (1-6)\n"
		 "  -a, --rrela=ACTION          0 release, 1 clear (every registration too)\n"
		 "  -c, --crkey=KEY             the current reservation key\n"
		 RESV_IEKEY_HELP
		 "  -h, --help                  show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_resv_release,
};

const struct nvmu_verb nvmu_verb_resv_report = {
	.name = "resv-report",
	.summary = "reservation status of a namespace (Reservation Report)",
	.usage = "Usage: nvmu resv-report <dev> -n NSID [-d NUMD] [-e] [-b] [-o json|normal]\n"
		 "\n"
		 "Send Reservation Report: the generation, the reservation type and each\n"
		 "registered controller. JSON as nvme-cli: {\"gen\", \"rtype\", \"regctl\", \"ptpls\",\n"
		 "\"regctls\" (or with -e \"regctlext\"): [{\"cntlid\", \"rcsts\", \"hostid\", \"rkey\"}]}.\n"
		 RESV_SUPPORT_TEXT
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 RESV_NS_HELP
		 "  -d, --numd=NUMD             dwords to read minus one (default and at most 1023)\n"
		 "  -e, --eds                   extended entries with 128-bit host identifiers\n"
		 "  -b, --raw-binary            write the report's bytes to stdout as they are\n"
		 DEVICE_OUTPUT_HELP
		 DEVICE_EXIT_HELP,
	.run = run_resv_report,
};
