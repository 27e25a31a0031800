/* SPDX-License-Identifier: MIT */
/*
 * nvmu device-self-test (start, abort or watch a Device Self-test) and self-test-log
 * (log page 06h), with nvme-cli 2.3's options, messages and JSON keys.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "log_page.h"
#include "output/json.h"
#include "verb_opts.h"
#include "verbs.h"

#define STC_SHOW 0 /* no code: show the progress of the running test */
#define WAIT_POLL_S 1
#define BAR_WIDTH 50

static const char *const results[] = {
	"Operation completed without error",
	"Operation was aborted by a Device Self-test command",
	"Operation was aborted by a Controller Level Reset",
	"Operation was aborted due to a removal of a namespace from the namespace inventory",
	"Operation was aborted due to the processing of a Format NVM command",
	"A fatal error or unknown test error occurred while the controller was executing the "
	"device self-test operation and the operation did not complete",
	"Operation completed with a segment that failed and the segment that failed is not "
	"known",
	"Operation completed with one or more failed segments and the first segment that failed "
	"is indicated in the SegmentNumber field",
	"Operation was aborted for unknown reason",
	"Operation was aborted due to a sanitize operation",
};

static struct capability self_test_cap(struct tool_dev *d)
{
	return (struct capability){ .what = "Device Self-test", .field = "OACS bit 4",
				    .present = nvmu_ctrl_id(d->ctrl)->oacs &
					       NVME_CTRL_OACS_SELF_TEST };
}

static int read_log(const char *verb, struct tool_dev *d, struct nvme_self_test_log *log)
{
	struct log_request req = { .lid = NVME_LOG_LID_DEVICE_SELF_TEST, .nsid = NVME_NSID_ALL };
	struct capability cap = self_test_cap(d);

	return log_page_fetch(verb, d, &req, log, sizeof(*log), &cap);
}

/* ---- self-test-log ---- */

static void result_json(struct json *j, const struct nvme_st_result *r)
{
	uint8_t op = r->dsts & NVME_ST_RESULT_MASK;

	json_object_begin(j);
	json_key(j, "Self test result");
	json_uint(j, op);
	if (op != NVME_ST_RESULT_NOT_USED) {
		json_key(j, "Self test code");
		json_uint(j, r->dsts >> NVME_ST_CODE_SHIFT);
		json_key(j, "Segment number");
		json_uint(j, r->seg);
		json_key(j, "Valid Diagnostic Information");
		json_uint(j, r->vdi);
		json_key(j, "Power on hours");
		json_uint(j, r->poh);
		if (r->vdi & NVME_ST_VALID_DIAG_INFO_NSID) {
			json_key(j, "Namespace Identifier");
			json_uint(j, r->nsid);
		}
		if (r->vdi & NVME_ST_VALID_DIAG_INFO_FLBA) {
			json_key(j, "Failing LBA");
			json_uint(j, r->flba);
		}
		if (r->vdi & NVME_ST_VALID_DIAG_INFO_SCT) {
			json_key(j, "Status Code Type");
			json_uint(j, r->sct);
		}
		if (r->vdi & NVME_ST_VALID_DIAG_INFO_SC) {
			json_key(j, "Status Code");
			json_uint(j, r->sc);
		}
		json_key(j, "Vendor Specific");
		json_uint(j, (unsigned)r->vs[1] << 8 | r->vs[0]);
	}
	json_object_end(j);
}

static void log_json(const struct nvme_self_test_log *log, unsigned entries)
{
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "Current Device Self-Test Operation");
	json_uint(&j, log->current_operation);
	json_key(&j, "Current Device Self-Test Completion");
	json_uint(&j, log->completion);
	json_key(&j, "List of Valid Reports");
	json_array_begin(&j);
	for (unsigned i = 0; i < entries; i++)
		result_json(&j, &log->result[i]);
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

static void result_print(const struct nvme_st_result *r, bool verbose)
{
	uint8_t op = r->dsts & NVME_ST_RESULT_MASK, code = r->dsts >> NVME_ST_CODE_SHIFT;
	char text[128];

	printf("  Operation Result             : %#x", op);
	if (verbose)
		printf(" %s", op == NVME_ST_RESULT_NOT_USED ?
			      "Entry not used (does not contain a result)" :
			      op < sizeof(results) / sizeof(results[0]) ? results[op] : "Reserved");
	printf("\n");
	if (op == NVME_ST_RESULT_NOT_USED)
		return;
	printf("  Self Test Code               : %x", code);
	if (verbose)
		printf(" %s", code == NVME_ST_CODE_SHORT ? "Short device self-test operation" :
			      code == NVME_ST_CODE_EXTENDED ? "Extended device self-test operation" :
			      code == NVME_ST_CODE_VS ? "Vendor specific" : "Reserved");
	printf("\n");
	if (op == NVME_ST_RESULT_KNOWN_SEG_FAIL)
		printf("  Segment Number               : %#x\n", r->seg);
	printf("  Valid Diagnostic Information : %#x\n", r->vdi);
	printf("  Power on hours (POH)         : %#llx\n", (unsigned long long)r->poh);
	if (r->vdi & NVME_ST_VALID_DIAG_INFO_NSID)
		printf("  Namespace Identifier         : %#x\n", r->nsid);
	if (r->vdi & NVME_ST_VALID_DIAG_INFO_FLBA)
		printf("  Failing LBA                  : %#llx\n", (unsigned long long)r->flba);
	if (r->vdi & NVME_ST_VALID_DIAG_INFO_SCT)
		printf("  Status Code Type             : %#x\n", r->sct);
	if (r->vdi & NVME_ST_VALID_DIAG_INFO_SC) {
		printf("  Status Code                  : %#x", r->sc);
		if (verbose)
			printf(" %s", nvmu_status_text((uint16_t)((r->sct & 7) << 8 | r->sc), text,
						       sizeof(text)));
		printf("\n");
	}
	printf("  Vendor Specific              : %#x %#x\n", r->vs[0], r->vs[1]);
}

static int run_self_test_log(int argc, char **argv)
{
	enum cli_format format = CLI_FORMAT_NORMAL;
	uint8_t entries = NVME_LOG_ST_MAX_RESULTS;
	bool verbose = false;
	const struct verb_opt opts[] = {
		{ 'e', "dst-entries", VOPT_U8, &entries, NVME_LOG_ST_MAX_RESULTS, NULL },
		{ 'o', "output-format", VOPT_FORMAT, &format, 0, NULL },
		{ 'v', "verbose", VOPT_FLAG, &verbose, 0, NULL },
	};
	struct nvme_self_test_log log;
	struct tool_dev d;
	const char *dev;
	int ret;

	if ((ret = VERB_PARSE(argc, argv, opts, &dev)) || (ret = device_open(argv[0], dev, &d)))
		return ret;
	ret = read_log(argv[0], &d, &log);
	if (!ret && format == CLI_FORMAT_JSON) {
		log_json(&log, entries);
	} else if (!ret) {
		printf("Device Self Test Log for NVME device:%s\n", dev);
		printf("Current operation  : %#x\n", log.current_operation);
		printf("Current Completion : %u%%\n", log.completion);
		for (unsigned i = 0; i < entries; i++) {
			printf("Self Test Result[%u]:\n", i);
			result_print(&log.result[i], verbose);
		}
	}
	device_close(&d);
	return ret;
}

/* ---- device-self-test ---- */

/*
 * Poll the log every second until no test runs. Gives up, as nvme-cli does, when the
 * completion has not moved for the extended test's time (EDSTT minutes) x 60% + 60 s.
 */
static int wait_test(const char *verb, struct tool_dev *d)
{
	unsigned limit = nvmu_ctrl_id(d->ctrl)->edstt * 60u / 100u + 60u, still = 0;
	struct nvme_self_test_log log;
	int last = -1, ret;

	printf("Waiting for self test completion...\n");
	fflush(stdout);
	while (!(ret = read_log(verb, d, &log)) && log.current_operation) {
		if (log.completion == last && ++still > limit) {
			fprintf(stderr, "nvmu %s: no progress for %u seconds, stop waiting\n", verb,
				limit);
			return EXIT_FAILED;
		}
		if (log.completion != last)
			still = 0;
		last = log.completion;
		sleep(WAIT_POLL_S);
	}
	if (!ret)
		printf("[%.*s] 100%%\n", BAR_WIDTH,
		       "==================================================");
	return ret;
}

static int run_device_self_test(int argc, char **argv)
{
	uint32_t nsid = NVME_NSID_ALL;
	uint8_t stc = STC_SHOW;
	bool wait = false;
	const struct verb_opt opts[] = {
		{ 'n', "namespace-id", VOPT_U32, &nsid, 0, NULL },
		{ 's', "self-test-code", VOPT_U8, &stc, 0xf, NULL },
		{ 'w', "wait", VOPT_FLAG, &wait, 0, NULL },
	};
	struct nvme_self_test_log log;
	struct nvmu_cpl cpl = { 0 };
	struct capability cap;
	struct tool_dev d;
	const char *dev;
	int ret, err;

	if ((ret = VERB_PARSE(argc, argv, opts, &dev)))
		return ret;
	if (stc != STC_SHOW && stc != NVME_ST_CODE_SHORT && stc != NVME_ST_CODE_EXTENDED &&
	    stc != NVME_ST_CODE_VS && stc != NVME_ST_CODE_ABORT)
		return cli_usage_error(argv[0], "--self-test-code %u: expected 1 (short), 2 "
				       "(extended), 0xe (vendor specific) or 0xf (abort)", stc);
	if ((ret = device_open(argv[0], dev, &d)))
		return ret;
	if (stc == STC_SHOW) {
		ret = read_log(argv[0], &d, &log);
		if (!ret && log.current_operation == 0)
			printf("no self test running\n");
		else if (!ret && wait)
			ret = wait_test(argv[0], &d);
		else if (!ret)
			printf("progress %u%%\n", log.completion);
	} else if ((err = nvmu_host_self_test(d.host, nsid, stc, &cpl)) < 0) {
		cap = self_test_cap(&d);
		ret = unsupported_fail(argv[0], dev, &cap, err, &cpl);
	} else {
		printf("%s\n", stc == NVME_ST_CODE_ABORT ? "Aborting device self-test operation" :
			       stc == NVME_ST_CODE_EXTENDED ? "Extended Device self-test started" :
			       stc == NVME_ST_CODE_SHORT ? "Short Device self-test started" :
							   "Vendor specific device self-test started");
		if (wait && stc != NVME_ST_CODE_ABORT)
			ret = wait_test(argv[0], &d);
	}
	device_close(&d);
	return ret;
}

const struct nvmu_verb nvmu_verb_device_self_test = {
	.name = "device-self-test",
	.summary = "start, abort or watch a Device Self-test",
	.usage = "Usage: nvmu device-self-test <dev> [-n NSID] [-s CODE] [-w]\n"
		 "\n"
		 "Start a device self-test (Device Self-test command) and return, or with --wait\n"
		 "follow its progress in the Device Self-test log until it ends. Without -s, print\n"
		 "the progress of the test that runs (\"no self test running\" when none does).\n"
		 "A controller without the command (Identify Controller OACS bit 4) is reported as\n"
		 "such.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -n, --namespace-id=NSID     the namespaces to test: 0 the controller only,\n"
		 "                              0xffffffff (the default) every namespace\n"
		 "  -s, --self-test-code=CODE   1 short, 2 extended, 0xe vendor specific, 0xf abort\n"
		 "  -w, --wait                  wait until the test has ended\n"
		 "  -h, --help                  show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_device_self_test,
};

const struct nvmu_verb nvmu_verb_self_test_log = {
	.name = "self-test-log",
	.summary = "Device Self-test log (log page 0x06)",
	.usage = "Usage: nvmu self-test-log <dev> [-e N] [-v] [-o json|normal]\n"
		 "\n"
		 "Read the Device Self-test log: the test in progress and the results of the last\n"
		 "tests, newest first. JSON as nvme-cli: {\"Current Device Self-Test Operation\",\n"
		 "\"Current Device Self-Test Completion\", \"List of Valid Reports\": [...]}.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -e, --dst-entries=N         results to show, 0-20 (default 20)\n"
		 "  -v, --verbose               describe each result and test code in words\n"
		 DEVICE_OUTPUT_HELP
		 DEVICE_EXIT_HELP,
	.run = run_self_test_log,
};
