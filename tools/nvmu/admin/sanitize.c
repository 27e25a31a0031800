/* SPDX-License-Identifier: MIT */
/* nvmu sanitize (start a sanitize operation) and sanitize-log (log page 81h), as nvme-cli. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "log_page.h"
#include "output/hexdump.h"
#include "output/json.h"
#include "verb_opts.h"
#include "verbs.h"

#define NO_TIME 0xffffffffu
#define SPROG_FULL 0x10000

static const char *sstat_text(uint16_t sstat)
{
	switch (sstat & NVME_SANITIZE_SSTAT_STATUS_MASK) {
	case NVME_SANITIZE_SSTAT_STATUS_NEVER_SANITIZED:
		return "NVM Subsystem has never been sanitized.";
	case NVME_SANITIZE_SSTAT_STATUS_COMPLETE_SUCCESS:
		return "Most Recent Sanitize Command Completed Successfully.";
	case NVME_SANITIZE_SSTAT_STATUS_IN_PROGESS:
		return "Sanitize in Progress.";
	case NVME_SANITIZE_SSTAT_STATUS_COMPLETED_FAILED:
		return "Most Recent Sanitize Command Failed.";
	case NVME_SANITIZE_SSTAT_STATUS_ND_COMPLETE_SUCCESS:
		return "Most Recent Sanitize Command (No-Deallocate After Sanitize) Completed "
		       "Successfully.";
	default:
		return "Unknown";
	}
}

static unsigned passes(uint16_t sstat)
{
	return sstat >> NVME_SANITIZE_SSTAT_COMPLETED_PASSES_SHIFT &
	       NVME_SANITIZE_SSTAT_COMPLETED_PASSES_MASK;
}

/* ---- sanitize-log ---- */

static void log_json(const char *dev, const struct nvme_sanitize_log_page *l)
{
	const struct named_time {
		const char *key;
		uint32_t v;
	} times[] = {
		{ "cdw10_info", l->scdw10 },
		{ "time_over_write", l->eto },
		{ "time_block_erase", l->etbe },
		{ "time_crypto_erase", l->etce },
		{ "time_over_write_no_dealloc", l->etond },
		{ "time_block_erase_no_dealloc", l->etbend },
		{ "time_crypto_erase_no_dealloc", l->etcend },
	};
	char status[160];
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j);
	json_key(&j, dev);
	json_object_begin(&j);
	json_key(&j, "sprog");
	json_uint(&j, l->sprog);
	json_key(&j, "sstat");
	json_object_begin(&j);
	json_key(&j, "global_erased");
	json_uint(&j, (l->sstat & NVME_SANITIZE_SSTAT_GLOBAL_DATA_ERASED) ? 1 : 0);
	json_key(&j, "no_cmplted_passes");
	json_uint(&j, passes(l->sstat));
	snprintf(status, sizeof(status), "(%u) %s", l->sstat & NVME_SANITIZE_SSTAT_STATUS_MASK,
		 sstat_text(l->sstat));
	json_key(&j, "status");
	json_string(&j, status);
	json_object_end(&j);
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		json_key(&j, times[i].key);
		json_uint(&j, times[i].v);
	}
	json_object_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

static void print_time(const char *label, uint32_t v)
{
	printf("%s:  %u%s\n", label, v, v == NO_TIME ? " (No time period reported)" : "");
}

static void log_print(const struct nvme_sanitize_log_page *l, bool human)
{
	uint16_t status = l->sstat & NVME_SANITIZE_SSTAT_STATUS_MASK;

	printf("Sanitize Progress                      (SPROG) :  %u", l->sprog);
	if (human && status == NVME_SANITIZE_SSTAT_STATUS_IN_PROGESS)
		printf("\t(%f%%)\n", (double)l->sprog * 100 / SPROG_FULL);
	else
		printf("\n");
	printf("Sanitize Status                        (SSTAT) :  %#x\n", status);
	if (human) {
		printf("\t[2:0]\t%s\n", sstat_text(l->sstat));
		printf("\t[7:3]\tNumber of completed passes if most recent operation was "
		       "overwrite:\t%u\n", passes(l->sstat));
		printf("\t  [8]\t%s\n", l->sstat & NVME_SANITIZE_SSTAT_GLOBAL_DATA_ERASED ?
		       "Global Data Erased set: no NS LB in the NVM subsystem has been written to "
		       "and no PMR in the NVM subsystem has been enabled" :
		       "Global Data Erased cleared: a NS LB in the NVM subsystem has been written "
		       "to or a PMR in the NVM subsystem has been enabled");
	}
	printf("Sanitize Command Dword 10 Information (SCDW10) :  %#x\n", l->scdw10);
	print_time("Estimated Time For Overwrite                   ", l->eto);
	print_time("Estimated Time For Block Erase                 ", l->etbe);
	print_time("Estimated Time For Crypto Erase                ", l->etce);
	print_time("Estimated Time For Overwrite (No-Deallocate)   ", l->etond);
	print_time("Estimated Time For Block Erase (No-Deallocate) ", l->etbend);
	print_time("Estimated Time For Crypto Erase (No-Deallocate)", l->etcend);
}

static int run_sanitize_log(int argc, char **argv)
{
	enum cli_format format = CLI_FORMAT_NORMAL;
	bool rae = false, human = false, raw = false;
	const struct verb_opt opts[] = {
		{ 'r', "rae", VOPT_FLAG, &rae, 0, NULL },
		{ 'o', "output-format", VOPT_FORMAT, &format, 0, NULL },
		{ 'H', "human-readable", VOPT_FLAG, &human, 0, NULL },
		{ 'b', "raw-binary", VOPT_FLAG, &raw, 0, NULL },
	};
	struct log_request req = { .lid = NVME_LOG_LID_SANITIZE, .nsid = NVME_NSID_ALL };
	struct capability cap = { .what = "Sanitize and its log page", .field = "SANICAP" };
	struct nvme_sanitize_log_page log;
	struct tool_dev d;
	const char *dev;
	int ret;

	if ((ret = VERB_PARSE(argc, argv, opts, &dev)) || (ret = device_open(argv[0], dev, &d)))
		return ret;
	req.rae = rae;
	cap.present = nvmu_ctrl_id(d.ctrl)->sanicap != 0;
	ret = log_page_fetch(argv[0], &d, &req, &log, sizeof(log), &cap);
	if (!ret && raw) {
		if (raw_write(stdout, &log, sizeof(log)) < 0)
			ret = EXIT_FAILED;
	} else if (!ret && format == CLI_FORMAT_JSON) {
		log_json(dev, &log);
	} else if (!ret) {
		log_print(&log, human);
	}
	device_close(&d);
	return ret;
}

/* ---- sanitize ---- */

/* The action by name (a prefix, as nvme-cli takes it) or number. 0 or -1 after a message. */
static int parse_sanact(const char *verb, const char *text, uint8_t *out)
{
	static const struct {
		const char *name;
		size_t min; /* shortest prefix accepted */
	} names[] = { { "exit-failure", 1 }, { "start-block-erase", 7 },
		      { "start-overwrite", 7 }, { "start-crypto-erase", 7 } };
	size_t len = strlen(text);
	uint64_t v;

	for (unsigned i = 0; i < 4; i++) {
		if (len >= names[i].min && len <= strlen(names[i].name) &&
		    !strncasecmp(text, names[i].name, len)) {
			*out = (uint8_t)(i + 1);
			return 0;
		}
	}
	if (nvmu_parse_u64(text, false, &v) == 0 && v >= 1 && v <= 4) {
		*out = (uint8_t)v;
		return 0;
	}
	cli_usage_error(verb, "--sanact %s: expected 1 or exit-failure, 2 or start-block-erase, "
			"3 or start-overwrite, 4 or start-crypto-erase", text);
	return -1;
}

static int run_sanitize(int argc, char **argv)
{
	struct nvmu_sanitize s = { .opts_size = sizeof(s) };
	const char *sanact = NULL;
	const struct verb_opt opts[] = {
		{ 'd', "no-dealloc", VOPT_FLAG, &s.nodas, 0, NULL },
		{ 'i', "oipbp", VOPT_FLAG, &s.oipbp, 0, NULL },
		{ 'n', "owpass", VOPT_U8, &s.owpass, 16, NULL },
		{ 'u', "ause", VOPT_FLAG, &s.ause, 0, NULL },
		{ 'a', "sanact", VOPT_STR, &sanact, 0, NULL },
		{ 'p', "ovrpat", VOPT_U32, &s.ovrpat, 0, NULL },
	};
	struct capability cap = { .what = "Sanitize", .field = "SANICAP bits 2:0" };
	struct nvmu_cpl cpl = { 0 };
	struct tool_dev d;
	const char *dev;
	int ret, err;

	if ((ret = VERB_PARSE(argc, argv, opts, &dev)))
		return ret;
	if (!sanact)
		return cli_usage_error(argv[0], "give the action with -a/--sanact (1-4 or a name)");
	if (parse_sanact(argv[0], sanact, &s.sanact))
		return EXIT_USAGE;
	if (s.sanact == 1 && (s.ause || s.nodas))
		return cli_usage_error(argv[0], "--ause and --no-dealloc do not apply to exit "
				       "failure mode (--sanact 1)");
	if (s.sanact != 3 && (s.owpass || s.oipbp || s.ovrpat))
		return cli_usage_error(argv[0], "--owpass, --oipbp and --ovrpat apply to overwrite "
				       "(--sanact 3) only");
	if (s.owpass == 16)
		s.owpass = 0; /* the field's 0 means 16 passes */
	if ((ret = device_open(argv[0], dev, &d)))
		return ret;
	cap.present = nvmu_ctrl_id(d.ctrl)->sanicap & 7;
	if ((err = nvmu_host_sanitize(d.host, &s, &cpl)) < 0)
		ret = unsupported_fail(argv[0], dev, &cap, err, &cpl);
	device_close(&d);
	return ret;
}

const struct nvmu_verb nvmu_verb_sanitize = {
	.name = "sanitize",
	.summary = "start a sanitize operation (erases every namespace)",
	.usage = "Usage: nvmu sanitize <dev> -a ACTION [-d] [-i] [-n PASSES] [-u] [-p PATTERN]\n"
		 "\n"
		 "Send Sanitize: the controller erases all user data of the NVM subsystem in the\n"
		 "background (follow it with sanitize-log). Prints nothing on success, as nvme-cli.\n"
		 "An action the controller does not support (Identify Controller SANICAP) is\n"
		 "refused with a message and nothing is sent.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -a, --sanact=ACTION         1 exit-failure, 2 start-block-erase,\n"
		 "                              3 start-overwrite, 4 start-crypto-erase\n"
		 "  -d, --no-dealloc            no deallocate after sanitize\n"
		 "  -i, --oipbp                 overwrite: invert the pattern between passes\n"
		 "  -n, --owpass=PASSES         overwrite: passes, 0-16 (0 and 16 mean 16)\n"
		 "  -u, --ause                  allow unrestricted sanitize exit\n"
		 "  -p, --ovrpat=PATTERN        overwrite: the 32-bit pattern\n"
		 "  -h, --help                  show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_sanitize,
};

const struct nvmu_verb nvmu_verb_sanitize_log = {
	.name = "sanitize-log",
	.summary = "Sanitize Status log (log page 0x81)",
	.usage = "Usage: nvmu sanitize-log <dev> [-r] [-H] [-b] [-o json|normal]\n"
		 "\n"
		 "Read the Sanitize Status log: progress, status of the last sanitize, its dword 10\n"
		 "and the estimated times. JSON as nvme-cli: {\"<dev>\": {\"sprog\", \"sstat\":\n"
		 "{\"global_erased\", \"no_cmplted_passes\", \"status\"}, \"cdw10_info\", ...}}.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -r, --rae                   retain the asynchronous event\n"
		 "  -H, --human-readable        decode the status bits\n"
		 "  -b, --raw-binary            write the log's bytes to stdout as they are\n"
		 DEVICE_OUTPUT_HELP
		 DEVICE_EXIT_HELP,
	.run = run_sanitize_log,
};
