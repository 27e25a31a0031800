/* SPDX-License-Identifier: MIT */
/*
 * The nvmu verbs added to reach nvme-cli's set, end to end on the software controller:
 * their output (text and nvme-cli's JSON keys), their messages and exit statuses (0 ok,
 * 1 failed, 2 usage). Each run is a new soft: controller, so a verb's effect is checked
 * through what it prints; the library's own tests check sequences of commands.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "check.h"
#include "tool_run.h"

/* True if stdout begins with @p text. */
static bool starts(const char *text)
{
	return strncmp(out, text, strlen(text)) == 0;
}

TEST(every_new_verb_has_help_and_is_listed)
{
	static const char *const verbs[] = {
		"list-subsys", "get-property", "set-property", "subsystem-reset", "ns-descs",
		"create-ns", "delete-ns", "attach-ns", "detach-ns", "list-ctrl", "fw-download",
		"fw-commit", "effects-log", "supported-log-pages", "self-test-log", "sanitize-log",
		"changed-ns-list-log", "telemetry-log", "device-self-test", "sanitize",
		"get-lba-status", "write-uncor", "copy", "resv-register", "resv-acquire",
		"resv-release", "resv-report",
	};

	setup();
	CHECK_EQ(nvmu("help"), 0);
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		char want[64];

		snprintf(want, sizeof(want), "\n  %s ", verbs[i]);
		CHECK_STR_CONTAINS(out, want);
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		char want[64];

		CHECK_EQ(nvmu("%s --help", verbs[i]), 0);
		snprintf(want, sizeof(want), "Usage: nvmu %s ", verbs[i]);
		CHECK_STR_CONTAINS(out, want);
		CHECK_STR_CONTAINS(out, "Exit status");
		CHECK_STR_CONTAINS(out, "soft:");
	}
	fake_cleanup(&f);
}

TEST(effects_and_supported_log_pages)
{
	setup();
	CHECK_EQ(nvmu("effects-log soft:"), 0);
	CHECK(starts("NVM Command Set Log Page\n-----"));
	CHECK_STR_CONTAINS(out, "\nAdmin Commands\nACS0     [Delete I/O Submission Queue     ] "
			   "00000001\n");
	CHECK_STR_CONTAINS(out, "ACS128   [Format NVM                      ] 00020007\n");
	CHECK_STR_CONTAINS(out, "\nI/O Commands\nIOCS0    [Flush                           ]");
	CHECK_EQ(nvmu("effects-log soft: -H"), 0);
	CHECK_STR_CONTAINS(out, "[Write                           ] 00000003  CSUPP+  LBCC+  NCC-"
			   "  NIC-  CCC-  USS-  No command restriction\n");
	CHECK_EQ(nvmu("effects-log soft: -o json"), 0);
	CHECK(starts("[\n  {\n    \"command_set_identifier\": 0,\n    \"admin_cmd_set\": {\n"
			  "      \"ACS_0 (Delete I/O Submission Queue)\": 1,"));
	CHECK_STR_CONTAINS(out, "\"IOCS_4 (Write Uncorrectable)\": 3,");
	/* 2.0 controllers have I/O command sets: the ZNS page first, as nvme-cli lists it;
	 * this controller has no ZNS commands, so the page is all zeroes. */
	CHECK_EQ(nvmu("effects-log soft:vs=2.0 -o json"), 0);
	CHECK(starts("[\n  {\n    \"command_set_identifier\": 2,"));
	CHECK_EQ(nvmu("effects-log soft: -b"), 0);
	CHECK_EQ(out_len, 4096);
	CHECK_EQ(nvmu("effects-log soft: --csi=256"), 2);
	CHECK_EQ(nvmu("supported-log-pages soft:"), 0);
	CHECK(starts("Support Log Pages Details for soft::\nLID 0x0 (Supported Log Pages), "
			  "supports 0x1\n"));
	CHECK_STR_CONTAINS(out, "LID 0x81 (Sanitize Status), supports 0x1\n");
	CHECK_EQ(nvmu("supported-log-pages soft: -v -o json"), 0);
	CHECK_STR_CONTAINS(out, "{\n  \"supported_logs\": {\n    \"lid_0x0\": 1,\n    \"lid_0x1\": 1,");
	fake_cleanup(&f);
}

TEST(self_test)
{
	setup();
	CHECK_EQ(nvmu("device-self-test soft: -s 1"), 0);
	CHECK(strcmp(out, "Short Device self-test started\n") == 0);
	CHECK_EQ(nvmu("device-self-test soft: -s 2 -n 1 --wait"), 0);
	CHECK(strcmp(out, "Extended Device self-test started\nWaiting for self test completion...\n"
			  "[==================================================] 100%\n") == 0);
	CHECK_EQ(nvmu("device-self-test soft:"), 0);
	CHECK(strcmp(out, "no self test running\n") == 0);
	CHECK_EQ(nvmu("device-self-test soft: -s 0xf"), 0);
	CHECK(strcmp(out, "Aborting device self-test operation\n") == 0);
	CHECK_EQ(nvmu("device-self-test soft: -s 3"), 2);
	CHECK_STR_CONTAINS(err, "--self-test-code 3: expected 1 (short)");
	CHECK_EQ(nvmu("device-self-test soft: -s 1 -n 5"), 1);
	CHECK_STR_CONTAINS(err, "INVALID_NS");
	CHECK_EQ(err_lines(), 1);
	CHECK_EQ(nvmu("self-test-log soft: -e 1 -o json"), 0);
	CHECK(strcmp(out, "{\n  \"Current Device Self-Test Operation\": 0,\n  \"Current Device "
			  "Self-Test Completion\": 0,\n  \"List of Valid Reports\": [\n    {\n"
			  "      \"Self test result\": 15\n    }\n  ]\n}\n") == 0);
	CHECK_EQ(nvmu("self-test-log soft: -e 2 -v"), 0);
	CHECK(starts("Device Self Test Log for NVME device:soft:\nCurrent operation  : 0\n"
			   "Current Completion : 0%\nSelf Test Result[0]:\n  Operation Result"
			   "             : 0xf Entry not used (does not contain a result)\n"));
	CHECK_EQ(nvmu("self-test-log soft: -e 21"), 2);
	fake_cleanup(&f);
}

TEST(sanitize)
{
	setup();
	CHECK_EQ(nvmu("sanitize soft: -a start-block-erase"), 0);
	CHECK(out[0] == '\0' && err[0] == '\0');
	CHECK_EQ(nvmu("sanitize soft: --sanact=3 --owpass=16 --ovrpat=0x5a5a5a5a --oipbp"), 0);
	CHECK_EQ(nvmu("sanitize soft: -a 4 -d"), 0);
	CHECK_EQ(nvmu("sanitize soft: -a 1"), 0);
	CHECK_EQ(nvmu("sanitize soft:"), 2);
	CHECK_STR_CONTAINS(err, "give the action with -a/--sanact");
	CHECK_EQ(nvmu("sanitize soft: -a 5"), 2);
	CHECK_EQ(nvmu("sanitize soft: -a start-crypto-erase -n 2"), 2);
	CHECK_STR_CONTAINS(err, "apply to overwrite (--sanact 3) only");
	CHECK_EQ(nvmu("sanitize soft: -a 1 -u"), 2);
	CHECK_EQ(nvmu("sanitize-log soft:"), 0);
	CHECK(starts("Sanitize Progress                      (SPROG) :  0\nSanitize Status"
			   "                        (SSTAT) :  0\n"));
	CHECK_STR_CONTAINS(out, "Estimated Time For Crypto Erase (No-Deallocate):  0\n");
	CHECK_EQ(nvmu("sanitize-log soft: -H -o json"), 0);
	CHECK_STR_CONTAINS(out, "{\n  \"soft:\": {\n    \"sprog\": 0,\n    \"sstat\": {\n"
			   "      \"global_erased\": 0,\n      \"no_cmplted_passes\": 0,\n"
			   "      \"status\": \"(0) NVM Subsystem has never been sanitized.\"\n    },\n"
			   "    \"cdw10_info\": 0,");
	CHECK_EQ(nvmu("sanitize-log soft: -b"), 0);
	CHECK_EQ(out_len, 512);
	fake_cleanup(&f);
}

TEST(changed_ns_list_and_telemetry)
{
	char path[PATH_MAX + 32];
	struct stat st;

	setup();
	CHECK_EQ(nvmu("changed-ns-list-log soft:"), 0);
	CHECK(out[0] == '\0');
	CHECK_EQ(nvmu("changed-ns-list-log soft: -o json"), 0);
	CHECK(strcmp(out, "{\n  \"Changed Namespace List Log\": \"soft:\",\n  \"soft:\": {}\n}\n") ==
	      0);
	CHECK_EQ(nvmu("changed-ns-list-log soft: -b"), 0);
	CHECK_EQ(out_len, 4096);
	snprintf(path, sizeof(path), "%s/telemetry.bin", f.root);
	CHECK_EQ(nvmu("telemetry-log soft: -o %s", path), 0);
	CHECK(out[0] == '\0');
	CHECK_EQ(stat(path, &st), 0);
	CHECK_EQ(st.st_size, 4 * 512); /* header and data areas 1-3 */
	CHECK_EQ(nvmu("telemetry-log soft: --output-file=%s --data-area=1", path), 0);
	CHECK_EQ(stat(path, &st), 0);
	CHECK_EQ(st.st_size, 2 * 512);
	/* Without a new capture there is no data yet on a fresh controller. */
	CHECK_EQ(nvmu("telemetry-log soft: -o %s -g 0", path), 1);
	CHECK_STR_CONTAINS(err, "no telemetry data: data area 3 is empty");
	CHECK_EQ(nvmu("telemetry-log soft: -o %s -c", path), 0);
	CHECK(strcmp(out, "Warning: Telemetry Controller-Initiated Data Not Available.\n") == 0);
	CHECK_EQ(stat(path, &st), 0);
	CHECK_EQ(st.st_size, 512);
	CHECK_EQ(nvmu("telemetry-log soft: -o %s -d 4", path), 1);
	CHECK_STR_CONTAINS(err, "data area 4 is not supported");
	CHECK_EQ(nvmu("telemetry-log soft:"), 2);
	CHECK_STR_CONTAINS(err, "give the file to write with -o/--output-file");
	CHECK_EQ(nvmu("telemetry-log soft: -o %s/no/such/dir/t.bin", f.root), 1);
	CHECK_STR_CONTAINS(err, "cannot open");
	fake_cleanup(&f);
}

TEST(namespace_verbs)
{
	setup();
	CHECK_EQ(nvmu("ns-descs soft:ns=2 -n 2"), 0);
	CHECK(strcmp(out, "NVME Namespace Identification Descriptors NS 2:\neui64   : "
			  "6e766d7500000002\nnguid   : 6e766d752d736f66742d6e7302000000\ncsi     : 0\n")
	      == 0);
	CHECK_EQ(nvmu("ns-descs soft: -n 1 -o json"), 0);
	CHECK_STR_CONTAINS(out, "{\n  \"ns-descs\": [\n    {\n      \"loc\": 0,\n      \"nidt\": 1,\n"
			   "      \"nidl\": 8,\n      \"type\": \"eui64\",\n      \"eui64\": "
			   "\"6e766d7500000001\"\n    },");
	CHECK_STR_CONTAINS(out, "\"loc\": 32,\n      \"nidt\": 4,\n      \"nidl\": 1,\n      "
			   "\"type\": \"csi\",\n      \"csi\": \"0\"");
	CHECK_EQ(nvmu("ns-descs soft: -n 3"), 1);
	CHECK_STR_CONTAINS(err, "INVALID_NS");
	CHECK_EQ(nvmu("ns-descs soft:"), 2);
	CHECK_EQ(nvmu("create-ns soft:ns=2 --nsze=0x800 --flbas=1"), 0);
	CHECK(strcmp(out, "create-ns: Success, created nsid:3\n") == 0);
	CHECK_EQ(nvmu("create-ns soft: -S 1m -b 4096"), 0); /* 256 blocks of 4 KiB */
	CHECK(strcmp(out, "create-ns: Success, created nsid:2\n") == 0);
	CHECK_EQ(nvmu("create-ns soft: -S 1000 -b 512"), 1);
	CHECK_STR_CONTAINS(err, "1000 bytes is not a whole number of 512-byte blocks");
	CHECK_EQ(nvmu("create-ns soft: -s 8 -b 1024"), 1);
	CHECK_STR_CONTAINS(err, "no LBA format has 1024-byte blocks");
	CHECK_EQ(nvmu("create-ns soft: -s 8"), 2);
	CHECK_STR_CONTAINS(err, "--flbas=INDEX or --block-size=BYTES");
	CHECK_EQ(nvmu("create-ns soft: -s 8 -f 0 -b 512"), 2);
	CHECK_EQ(nvmu("create-ns soft: -s 8 -b 1000"), 2);
	CHECK_EQ(nvmu("create-ns soft: -f 0"), 2);
	CHECK_EQ(nvmu("create-ns soft:ns=16 -s 8 -f 0"), 1);
	CHECK_STR_CONTAINS(err, "NS_ID_UNAVAILABLE");
	CHECK_EQ(err_lines(), 1);
	CHECK_EQ(nvmu("delete-ns soft:ns=2 -n 2"), 0);
	CHECK(strcmp(out, "delete-ns: Success, deleted nsid:2\n") == 0);
	CHECK_EQ(nvmu("delete-ns soft: -n 2"), 1);
	CHECK_EQ(nvmu("delete-ns soft:"), 2);
	CHECK_EQ(nvmu("detach-ns soft: -n 1"), 0);
	CHECK(strcmp(out, "detach-ns: Success, nsid:1\n") == 0);
	CHECK_EQ(nvmu("attach-ns soft: -n 1 -c 1"), 1);
	CHECK_STR_CONTAINS(err, "NS_ALREADY_ATTACHED");
	CHECK_EQ(nvmu("detach-ns soft: -n 1 --controllers=1,2"), 1);
	CHECK_STR_CONTAINS(err, "CTRL_LIST_INVALID");
	CHECK_EQ(nvmu("attach-ns soft: -n 1 -c 1,x"), 2);
	CHECK_EQ(nvmu("list-ctrl soft:"), 0);
	CHECK(strcmp(out, "num of ctrls present: 1\n[   0]:0x1\n") == 0);
	CHECK_EQ(nvmu("list-ctrl soft: -c 2 -o json"), 0);
	CHECK(strcmp(out, "{\n  \"num_ctrl\": 0,\n  \"ctrl_list\": []\n}\n") == 0);
	CHECK_EQ(nvmu("list-ctrl soft: -n 1 -o json"), 0);
	CHECK_STR_CONTAINS(out, "\"ctrl_list\": [\n    {\n      \"ctrl_id\": 1\n    }\n  ]");
	CHECK_EQ(nvmu("list-subsys soft:"), 0);
	CHECK(strcmp(out, "nvmu-subsys0 - NQN=nqn.2024-01.dev.nvmu:soft\n\\\n"
			  " +- soft: soft soft: live\n") == 0);
	CHECK_EQ(nvmu("list-subsys soft: -o json"), 0);
	CHECK_STR_CONTAINS(out, "\"Subsystems\": [\n      {\n        \"Name\": \"nvmu-subsys0\",\n"
			   "        \"NQN\": \"nqn.2024-01.dev.nvmu:soft\",\n        \"Paths\": [\n"
			   "          {\n            \"Name\": \"soft:\",\n            \"Transport\": "
			   "\"soft\",");
	CHECK_EQ(nvmu("list-subsys soft: soft:"), 2);
	fake_cleanup(&f);
}

TEST(firmware)
{
	char path[PATH_MAX + 32];
	FILE *fw;

	setup();
	snprintf(path, sizeof(path), "%s/fw.bin", f.root);
	fw = fopen(path, "w");
	CHECK(fw != NULL);
	if (!fw)
		return;
	fprintf(fw, "3.1.4-xy");
	for (int i = 0; i < 2046; i++)
		fputs("\xff\xff\xff\xff", fw);
	fclose(fw); /* 8 KiB */
	CHECK_EQ(nvmu("fw-download soft: --fw=%s", path), 0);
	CHECK(strcmp(out, "Firmware download success\n") == 0);
	CHECK_EQ(nvmu("fw-download soft: -f %s -x 8k --progress", path), 0);
	CHECK_STR_CONTAINS(out, "Firmware download: transferring 0x00000000/0x00002000 bytes: 000%\r");
	CHECK_EQ(nvmu("fw-download soft: -f %s/missing", f.root), 1);
	CHECK_STR_CONTAINS(err, "cannot open firmware file");
	CHECK_EQ(nvmu("fw-download soft:"), 2);
	/* Each run is a new controller: committing finds no image, activating slot 1 works. */
	CHECK_EQ(nvmu("fw-commit soft: -s 2 -a 1"), 1);
	CHECK_STR_CONTAINS(err, "FIRMWARE_IMAGE");
	CHECK_EQ(nvmu("fw-commit soft: --slot=1 --action=2"), 0);
	CHECK(strcmp(out, "Success committing firmware action:2 slot:1\n"
			  "Multiple Update Detected (MUD) Value: 0\n") == 0);
	CHECK_EQ(nvmu("fw-commit soft: -s 1 -a 1"), 1);
	CHECK_STR_CONTAINS(err, "FIRMWARE_SLOT");
	CHECK_EQ(nvmu("fw-commit soft: -a 5"), 2);
	CHECK_EQ(nvmu("fw-commit soft: -s 8"), 2);
	CHECK_EQ(nvmu("fw-commit soft: -b 2"), 2);
	fake_cleanup(&f);
}

TEST(properties)
{
	setup();
	CHECK_EQ(nvmu("get-property soft: -o 0x8"), 0);
	CHECK(strcmp(out, "property: 0x08 (Version), value: 10400\n") == 0);
	CHECK_EQ(nvmu("get-property soft: --offset=0"), 0);
	CHECK(strcmp(out, "property: 0x00 (Controller Capabilities), value: 400020140103ff\n") == 0);
	CHECK_EQ(nvmu("get-property soft: -o 0x1c -H"), 0);
	CHECK(strcmp(out, "csts : 0\n") == 0);
	CHECK_EQ(nvmu("set-property soft: -o 0xc -v 1"), 0);
	CHECK(strcmp(out, "set-property: 0c (Interrupt Vector Mask Set), value: 0x000001\n") == 0);
	CHECK_EQ(nvmu("get-property soft:"), 2);
	CHECK_EQ(nvmu("get-property soft: -o 2"), 2);
	CHECK_EQ(nvmu("get-property soft: -o 0x1000"), 2);
	CHECK_EQ(nvmu("set-property soft: -o 0x14"), 2);
	CHECK_EQ(nvmu("set-property soft: -o 0x14 -v 0x100000000"), 2);
	CHECK_EQ(nvmu("subsystem-reset soft:"), 1);
	CHECK(strcmp(err, "nvmu subsystem-reset: soft: does not support NVM Subsystem Reset "
			  "(CAP.NSSRS is 0)\n") == 0);
	fake_cleanup(&f);
}

TEST(io_management_verbs)
{
	setup();
	CHECK_EQ(nvmu("write-uncor soft: -n 1 -s 8 -c 7"), 0);
	CHECK(strcmp(out, "NVME Write Uncorrectable Success\n") == 0);
	CHECK_EQ(nvmu("write-uncor soft: -n 1 -s 131072"), 1);
	CHECK_STR_CONTAINS(err, "go beyond namespace 1");
	CHECK_EQ(nvmu("write-uncor soft:"), 2);
	CHECK_EQ(nvmu("copy soft: -n 1 --sdlba=100 --slbs=0,10 --blocks=3,0"), 0);
	CHECK(strcmp(out, "NVMe Copy: success\n") == 0);
	CHECK_EQ(nvmu("copy soft: -n 1 -d 100 -s 0,10 -b 3"), 2);
	CHECK_STR_CONTAINS(err, "as many source blocks");
	CHECK_EQ(nvmu("copy soft: -n 1 -d 100 -s 0 -b 3 --prinfow=1"), 2);
	CHECK_STR_CONTAINS(err, "--prinfow: nvmu copies with descriptor format 0");
	CHECK_EQ(nvmu("copy soft: -n 1 -d 0 -s 0 -b 300"), 1); /* beyond MSSRL */
	CHECK_STR_CONTAINS(err, "MSSRL");
	CHECK_EQ(nvmu("get-lba-status soft: -n 1 -a 0x11 -m 3"), 0);
	CHECK(strcmp(out, "Number of LBA Status Descriptors(NLSD): 0\nCompletion Condition(CMPC): 2\n"
			  "\tCompleted due to having performed the action\n\tspecified in the Action "
			  "Type field over the\n\tnumber of logical blocks specified in the\n\tRange "
			  "Length field\n") == 0);
	CHECK_EQ(nvmu("get-lba-status soft: -n 1 -a 0x10 -m 3 -o json"), 0);
	CHECK(strcmp(out, "{\n  \"nlsd\": 0,\n  \"cmpc\": 2,\n  \"lba_status_descriptors\": []\n}\n")
	      == 0);
	CHECK_EQ(nvmu("get-lba-status soft: -n 1 -a 0x12"), 1);
	CHECK_STR_CONTAINS(err, "INVALID_FIELD");
	CHECK_EQ(nvmu("get-lba-status soft: -n 1"), 2);
	fake_cleanup(&f);
}

TEST(reservations)
{
	setup();
	CHECK_EQ(nvmu("resv-register soft: -n 1 --nrkey=0x1234"), 0);
	CHECK(strcmp(out, "NVME Reservation  success\n") == 0);
	CHECK_EQ(nvmu("resv-acquire soft: -n 1 -t 1 -c 5"), 1);
	CHECK_STR_CONTAINS(err, "RESERVATION_CONFLICT (sct 0 sc 0x83)");
	CHECK_EQ(err_lines(), 1);
	CHECK_EQ(nvmu("resv-release soft: -n 1 -t 1 -a 1"), 1);
	CHECK_STR_CONTAINS(err, "RESERVATION_CONFLICT");
	CHECK_EQ(nvmu("resv-report soft: -n 1"), 0);
	CHECK(strcmp(out, "\nNVME Reservation status:\n\ngen       : 0\nrtype     : 0\n"
			  "regctl    : 0\nptpls     : 0\n\n") == 0);
	CHECK_EQ(nvmu("resv-report soft: -n 1 -o json"), 0);
	CHECK(strcmp(out, "{\n  \"gen\": 0,\n  \"rtype\": 0,\n  \"regctl\": 0,\n  \"ptpls\": 0,\n"
			  "  \"regctls\": []\n}\n") == 0);
	CHECK_EQ(nvmu("resv-report soft: -n 1 --eds -b"), 0);
	CHECK_EQ(out_len, 4096);
	CHECK_EQ(nvmu("resv-register soft: -n 1 -r 3"), 2);
	CHECK_EQ(nvmu("resv-acquire soft: -n 1 -t 7"), 2);
	CHECK_EQ(nvmu("resv-report soft:"), 2);
	CHECK_EQ(nvmu("resv-report soft: -n 2"), 1);
	CHECK_STR_CONTAINS(err, "namespace 2 does not exist");
	fake_cleanup(&f);
}

TEST(numbers_in_hex_and_with_units)
{
	setup();
	CHECK_EQ(nvmu("create-ns soft: --nsze-si=2M --flbas=0x0"), 0);
	CHECK_EQ(nvmu("create-ns soft: --nsze=4k --flbas=0"), 0); /* 4096 blocks */
	CHECK_EQ(nvmu("create-ns soft: --nsze=12q --flbas=0"), 2);
	CHECK_STR_CONTAINS(err, "--nsze expects a number (decimal or 0x hex, with an optional unit");
	CHECK_EQ(nvmu("self-test-log soft: -e 0x14"), 0);
	CHECK_EQ(nvmu("list-ctrl soft: --cntid=0x10000"), 2);
	CHECK_STR_CONTAINS(err, "--cntid 0x10000 is out of range (at most 65535");
	fake_cleanup(&f);
}

RUN_TESTS(T(every_new_verb_has_help_and_is_listed), T(effects_and_supported_log_pages),
	  T(self_test), T(sanitize), T(changed_ns_list_and_telemetry), T(namespace_verbs),
	  T(firmware), T(properties), T(io_management_verbs), T(reservations),
	  T(numbers_in_hex_and_with_units))
