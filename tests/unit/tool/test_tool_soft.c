/* SPDX-License-Identifier: MIT */
/*
 * The nvmu tool's admin verbs end to end on the software controller (soft:OPTIONS), and
 * their refusals: output on stdout, one-line errors on stderr, exit statuses (0 ok,
 * 1 failed, 2 usage). PCI addresses are tried against a fake sysfs tree (a device on the
 * kernel driver, one that does not exist). The tool is found through $NVMU_EXE.
 */
#include "check.h"
#include "tool_run.h"

TEST(id_ctrl)
{
	setup();
	CHECK_EQ(nvmu("id-ctrl soft: -o json"), 0);
	CHECK(strncmp(out, "{\n  \"vid\": ", 11) == 0);
	CHECK_STR_CONTAINS(out, "\"mn\": \"nvmu software NVMe controller");
	CHECK_STR_CONTAINS(out, "\"subnqn\": \"nqn.");
	CHECK_STR_CONTAINS(out, "\"psds\": [\n    {\n      \"max_power\": ");
	CHECK(err[0] == '\0');
	CHECK_EQ(nvmu("id-ctrl soft:"), 0);
	CHECK(strncmp(out, "NVME Identify Controller:\nvid       : ", 37) == 0);
	CHECK_STR_CONTAINS(out, "\nmn        : nvmu software NVMe controller");
	CHECK_EQ(nvmu("id-ctrl soft: --output-format=xml"), 2);
	CHECK_STR_CONTAINS(err, "unknown output format 'xml'");
	fake_cleanup(&f);
}

TEST(id_ns_and_list_ns)
{
	setup();
	CHECK_EQ(nvmu("id-ns soft:ns=2,size=1M,lbs=4096 -n 2 -o json"), 0);
	CHECK_STR_CONTAINS(out, "{\n  \"nsze\": 256,\n  \"ncap\": 256,\n");
	CHECK_STR_CONTAINS(out, "\"lbafs\": [");
	CHECK_EQ(nvmu("id-ns soft:ns=2,size=1M,lbs=4096 --namespace-id=1"), 0);
	CHECK_STR_CONTAINS(out, "nsze    : 0x100\n");
	CHECK_STR_CONTAINS(out, "lbads:12 rp:0 (in use)\n");
	CHECK_EQ(nvmu("list-ns soft:ns=3 -o json"), 0);
	CHECK(strcmp(out, "{\n  \"nsid_list\": [\n    {\n      \"nsid\": 1\n    },\n    {\n      \"nsid\": 2\n"
			  "    },\n    {\n      \"nsid\": 3\n    }\n  ]\n}\n") == 0);
	CHECK_EQ(nvmu("list-ns soft:ns=2"), 0);
	CHECK(strcmp(out, "[   0]:0x1\n[   1]:0x2\n") == 0);
	fake_cleanup(&f);
}

TEST(namespace_that_does_not_exist)
{
	setup();
	CHECK_EQ(nvmu("id-ns soft:ns=2 -n 3"), 1);
	CHECK(strcmp(err, "nvmu id-ns: namespace 3 does not exist on soft:ns=2 (active namespaces: 1, 2)\n") == 0);
	CHECK(out[0] == '\0');
	CHECK_EQ(nvmu("smart-log soft: -n 9"), 1);
	CHECK_STR_CONTAINS(err, "namespace 9 does not exist on soft: (active namespaces: 1)");
	CHECK_EQ(nvmu("get-feature soft: -f 7 -n 4"), 1);
	CHECK_STR_CONTAINS(err, "namespace 4 does not exist");
	CHECK_EQ(nvmu("format soft: -n 2 -l 0 --force"), 1);
	CHECK_STR_CONTAINS(err, "namespace 2 does not exist");
	CHECK_EQ(nvmu("id-ns soft:"), 2);
	CHECK_STR_CONTAINS(err, "give the namespace with -n NSID");
	CHECK_EQ(nvmu("id-ns soft: -n 0"), 2);
	fake_cleanup(&f);
}

TEST(logs)
{
	setup();
	CHECK_EQ(nvmu("smart-log soft: -o json"), 0);
	CHECK_STR_CONTAINS(out, "{\n  \"critical_warning\": 0,\n  \"temperature\": ");
	CHECK_STR_CONTAINS(out, "\"data_units_read\": \"");
	CHECK_STR_CONTAINS(out, "\"thm_temp2_total_time\": 0\n}\n");
	CHECK_EQ(nvmu("smart-log soft:"), 0);
	CHECK_STR_CONTAINS(out, "°C (");
	CHECK_EQ(nvmu("error-log soft: -e 2 -o json"), 0);
	CHECK_STR_CONTAINS(out, "{\n  \"errors\": [\n    {\n      \"error_count\": ");
	CHECK_STR_CONTAINS(out, "    },\n    {\n      \"error_count\": ");
	CHECK_EQ(nvmu("error-log soft: -e 0"), 2);
	CHECK_EQ(nvmu("error-log soft: -e 300"), 2);
	CHECK_STR_CONTAINS(err, "-e 300 is out of range (at most 256");
	CHECK_EQ(nvmu("error-log soft: --namespace-id=1"), 2); /* not an option of error-log */
	CHECK_EQ(nvmu("fw-log soft:ns=1 -o json"), 0);
	CHECK_STR_CONTAINS(out, "{\n  \"soft:ns=1\": {\n    \"Active Firmware Slot (afi)\": ");
	CHECK_EQ(nvmu("fw-log soft:"), 0);
	CHECK_STR_CONTAINS(out, "Firmware Log for device:soft:\nafi  : ");
	fake_cleanup(&f);
}

TEST(get_log)
{
	setup();
	CHECK_EQ(nvmu("get-log soft: --log-id=2 --log-len=512"), 0);
	CHECK(strncmp(out, "Device:soft: log-id:2 namespace-id:0xffffffff\n", 46) == 0);
	CHECK_STR_CONTAINS(out, "\n01f0: ");
	CHECK_EQ(nvmu("get-log soft: -i 2 -l 512 --raw-binary"), 0);
	CHECK_EQ(out_len, 512);
	CHECK_EQ(nvmu("get-log soft: --log-id=0x55 --log-len=4"), 1);
	CHECK_STR_CONTAINS(err, "INVALID_LOG_PAGE (sct 1 sc 0x9) dnr");
	CHECK_EQ(err_lines(), 1);
	CHECK_EQ(nvmu("get-log soft: --log-len=4"), 2);
	CHECK_STR_CONTAINS(err, "--log-id");
	CHECK_EQ(nvmu("get-log soft: --log-id=2 --log-len=6"), 2);
	CHECK_EQ(nvmu("get-log soft: --log-id=256 --log-len=4"), 2);
	CHECK_EQ(nvmu("get-log soft: --log-id=2 --log-len=4 --lpo=2"), 2);
	fake_cleanup(&f);
}

TEST(features)
{
	setup();
	CHECK_EQ(nvmu("get-feature soft: -f 7"), 0);
	CHECK(strncmp(out, "get-feature:0x07 (Number of Queues), Current value:0x", 52) == 0);
	CHECK_EQ(nvmu("get-feature soft: -f 7 -s 1 -o json"), 0);
	CHECK_STR_CONTAINS(out, "{\n  \"feature_id\": 7,\n  \"name\": \"Number of Queues\",\n  \"sel\": 1,\n  \"value\": ");
	CHECK_EQ(nvmu("set-feature soft: -f 6 -v 1"), 0);
	CHECK(strncmp(out, "set-feature:0x06 (Volatile Write Cache), value:0x00000001, cdw12:0x00000000, save:0", 82) == 0);
	CHECK_EQ(nvmu("get-feature soft: -f 0xee"), 1);
	CHECK_STR_CONTAINS(err, "INVALID_FIELD (sct 0 sc 0x2) dnr");
	CHECK_EQ(err_lines(), 1);
	/* Without -f: every feature the controller has, as nvme-cli; -s 8 only the changed. */
	CHECK_EQ(nvmu("get-feature soft:"), 0);
	CHECK(strncmp(out, "get-feature:0x01 (Arbitration), Current value:", 46) == 0);
	CHECK_STR_CONTAINS(out, "\nget-feature:0x07 (Number of Queues), Current value:0x000f000f\n");
	CHECK(strstr(out, "0xee") == NULL);
	CHECK_EQ(nvmu("get-feature soft: -H -f 7"), 0);
	CHECK_STR_CONTAINS(out, "\tNumber of IO Submission Queues Allocated (NSQA): 16\n");
	CHECK_EQ(nvmu("get-feature soft: -s 8"), 0);
	CHECK(out[0] == '\0'); /* a fresh controller: every value is its default */
	CHECK_EQ(nvmu("get-feature soft: -f 7 --sel=3"), 0);
	CHECK_STR_CONTAINS(out, "Supported capabilities value:");
	CHECK_EQ(nvmu("get-feature soft: -o json"), 0);
	CHECK_STR_CONTAINS(out, "{\n  \"features\": [\n    {\n      \"feature_id\": 1,");
	CHECK_EQ(nvmu("get-feature soft: -f 7 -s 5"), 2);
	CHECK_STR_CONTAINS(err, "or 8 changed");
	CHECK_EQ(nvmu("get-feature soft: -f 7 -s 4"), 2);
	CHECK_EQ(nvmu("set-feature soft: -f 6"), 2);
	CHECK_STR_CONTAINS(err, "give the value with -v VALUE");
	CHECK_EQ(nvmu("set-feature soft: -f 6 -v 1 --sel 1"), 2);
	CHECK_EQ(nvmu("set-feature soft: -f 6 -v 1 -l 8"), 2);
	fake_cleanup(&f);
}

TEST(admin_passthru)
{
	char path[PATH_MAX + 16];

	setup();
	CHECK_EQ(nvmu("admin-passthru soft: --opcode=6 --cdw10=1 --data-len=4096 --read"), 0);
	CHECK(strncmp(out, "Admin command 0x06 succeeded\nstatus : SUCCESS (sct 0 sc 0x0)\ndw0    : ", 70) == 0);
	CHECK_STR_CONTAINS(out, "status field : 0x0000\n");
	CHECK_STR_CONTAINS(out, "\"....NVMUSOFT0001\"");
	/* A reserved opcode: the full completion, the status in words, exit 1. */
	CHECK_EQ(nvmu("admin-passthru soft: --opcode=0xff"), 1);
	CHECK_STR_CONTAINS(out, "Admin command 0xff failed\nstatus : INVALID_OPCODE (sct 0 sc 0x1) dnr\n");
	CHECK_STR_CONTAINS(out, "status field : 0x4001\n");
	CHECK_STR_CONTAINS(err, "INVALID_OPCODE (sct 0 sc 0x1) dnr");
	CHECK_EQ(err_lines(), 1);
	/* A malformed one: Identify with a reserved CNS. */
	CHECK_EQ(nvmu("admin-passthru soft: -O 6 -4 0x55 -l 4096 -r"), 1);
	CHECK_STR_CONTAINS(out, "status : INVALID_FIELD (sct 0 sc 0x2) dnr\n");
	/* Raw data on stdout, the completion on stderr. */
	CHECK_EQ(nvmu("admin-passthru soft: --opcode=6 --cdw10=1 --data-len=4096 -r -b"), 0);
	CHECK_EQ(out_len, 4096);
	CHECK(memcmp(out + 4, "NVMUSOFT0001", 12) == 0);
	CHECK_EQ(nvmu("admin-passthru soft: --opcode=6 --cdw10=1 --data-len=16 --dry-run"), 0);
	CHECK_STR_CONTAINS(out, "opcode       : 0x06\n");
	CHECK_STR_CONTAINS(out, "cdw10        : 0x00000001\n");
	/* Bad input: each one line and the right status. */
	CHECK_EQ(nvmu("admin-passthru soft:"), 2);
	CHECK_STR_CONTAINS(err, "--opcode");
	CHECK_EQ(nvmu("admin-passthru soft: --opcode=0x100"), 2);
	CHECK_EQ(nvmu("admin-passthru soft: --opcode=9 --data-len=8 --write"), 2);
	CHECK_STR_CONTAINS(err, "needs --input-file");
	CHECK_EQ(nvmu("admin-passthru soft: --opcode=9 --read --write --data-len=8"), 2);
	CHECK_EQ(nvmu("admin-passthru soft: --opcode=9 --data-len=8 -w -i %s/nonexistent", f.root), 1);
	CHECK_STR_CONTAINS(err, "cannot open input file");
	CHECK_STR_CONTAINS(err, "No such file or directory");
	CHECK_EQ(err_lines(), 1);
	fake_write(&f, "data12", "123456789012");
	snprintf(path, sizeof(path), "%s/data12", f.root);
	CHECK_EQ(nvmu("admin-passthru soft: --opcode=9 --data-len=8 -w -i %s", path), 1);
	CHECK_STR_CONTAINS(err, "data size mismatch: input file");
	CHECK_STR_CONTAINS(err, "has more than 8 bytes, the command transfers 8 (--data-len)");
	CHECK_EQ(nvmu("admin-passthru soft: --opcode=9 --data-len=16 -w -i %s", path), 1);
	CHECK_STR_CONTAINS(err, "has 12 bytes, the command transfers 16");
	CHECK_EQ(err_lines(), 1);
	fake_cleanup(&f);
}

TEST(format_and_reset)
{
	setup();
	CHECK_EQ(nvmu("format soft:ns=2 -n 2 -l 1"), 2); /* stdin is not a terminal */
	CHECK_STR_CONTAINS(err, "stdin is not a terminal to confirm it: pass --force");
	CHECK_EQ(nvmu("format soft:ns=2 -n 2 -l 1 --force"), 0);
	CHECK(strcmp(out, "Success formatting namespace:2 (LBA format 1: 4096-byte blocks, 0 bytes of metadata)\n") == 0);
	CHECK_EQ(nvmu("format soft: -n 1 -l 9 --force"), 1);
	CHECK(strcmp(err, "nvmu format: LBA format 9 does not exist on namespace 1 (formats 0-1)\n") == 0);
	CHECK_EQ(nvmu("format soft: -l 1 --force"), 2);
	CHECK_EQ(nvmu("reset soft:"), 0);
	CHECK_STR_CONTAINS(out, "Reset of soft:: controller reset (CC.EN 1 -> 0 -> 1) done");
	CHECK_EQ(nvmu("reset soft: --flr"), 1);
	CHECK_STR_CONTAINS(err, "--flr needs a PCIe device");
	fake_cleanup(&f);
}

TEST(devices_that_cannot_be_opened)
{
	setup();
	CHECK_EQ(nvmu("id-ctrl 0000:00:10.0"), 1);
	CHECK(strcmp(err, "nvmu id-ctrl: 0000:00:10.0 is bound to the nvme driver, not vfio-pci: run "
			  "'nvmu bind 0000:00:10.0' first (the kernel then stops using it)\n") == 0);
	CHECK_EQ(nvmu("smart-log 00:10.0"), 1); /* the short form names the same device */
	CHECK_STR_CONTAINS(err, "run 'nvmu bind 0000:00:10.0' first");
	CHECK_EQ(nvmu("id-ctrl 0000:00:1f.7"), 1);
	CHECK_STR_CONTAINS(err, "no PCI device 0000:00:1f.7");
	CHECK_EQ(err_lines(), 1);
	CHECK_EQ(nvmu("id-ctrl nonsense"), 1);
	CHECK_STR_CONTAINS(err, "'nonsense' is neither a PCI address");
	CHECK_EQ(nvmu("id-ctrl soft:bogus=1"), 1);
	CHECK_STR_CONTAINS(err, "unknown option 'bogus'");
	CHECK_EQ(err_lines(), 1);
	CHECK_EQ(nvmu("id-ctrl"), 2);
	CHECK_STR_CONTAINS(err, "expected a device");
	CHECK_EQ(nvmu("id-ctrl soft: soft:"), 2);
	CHECK_EQ(nvmu("id-ctrl soft: --bogus"), 2);
	CHECK_STR_CONTAINS(err, "unknown option '--bogus'");
	fake_cleanup(&f);
}

TEST(every_verb_has_help)
{
	static const char *const verbs[] = { "id-ctrl", "id-ns", "list-ns", "smart-log", "error-log",
					     "fw-log", "get-log", "get-feature", "set-feature",
					     "admin-passthru", "format", "reset", "read", "write",
					     "compare", "flush", "dsm", "write-zeroes", "verify",
					     "io-passthru" };

	setup();
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		char want[64];

		CHECK_EQ(nvmu("%s --help", verbs[i]), 0);
		snprintf(want, sizeof(want), "Usage: nvmu %s <dev>", verbs[i]);
		CHECK_STR_CONTAINS(out, want);
		CHECK_STR_CONTAINS(out, "Exit status");
		CHECK_EQ(nvmu("help"), 0);
		snprintf(want, sizeof(want), "\n  %s ", verbs[i]);
		CHECK_STR_CONTAINS(out, want);
	}
	fake_cleanup(&f);
}

/* Output that cannot be written fails the command with the reason of the failed write,
 * whether text, JSON or raw bytes, whatever the verb. */
TEST(output_that_cannot_be_written_fails)
{
	static const char *const cmds[] = {
		"id-ctrl soft:", "id-ctrl soft: -o json", "id-ns soft: -n 1", "list-ns soft:",
		"smart-log soft:", "smart-log soft: -o json", "error-log soft:", "fw-log soft:",
		"get-log soft: -i 2 -l 512", "get-log soft: -i 2 -l 512 -b",
		"get-feature soft: -f 4", "get-feature soft: -f 4 -l 16 -b",
		"admin-passthru soft: --opcode=6 --cdw10=1 --data-len=4096 -r",
		"admin-passthru soft: --opcode=6 --cdw10=1 --data-len=4096 -r -b",
		"read soft: -n 1 -c 7", "perf -t 1 -q 4 soft:", "perf -t 1 -q 4 -o json soft:",
		"help", "--version", "version", "version -o json",
	};

	setup();
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char want[96];
		const char *verb = cmds[i][0] == '-' || !strcmp(cmds[i], "help") ? "" : cmds[i];

		int rc = nvmu_stdout_to("/dev/full", "%s", cmds[i]);

		snprintf(want, sizeof(want), "nvmu%s%.*s: cannot write output: No space left on "
			 "device\n", *verb ? " " : "", (int)strcspn(verb, " "), verb);
		if (rc != 1 || !strstr(err, want))
			fprintf(stderr, "nvmu %s > /dev/full: exit %d\n", cmds[i], rc);
		CHECK_EQ(rc, 1);
		CHECK_STR_CONTAINS(err, want);
		CHECK(strstr(err, "Success") == NULL);
	}
	/* A file named with -d keeps the real reason too. */
	CHECK_EQ(nvmu("read soft: -n 1 -d /dev/full"), 1);
	CHECK_STR_CONTAINS(err, "nvmu read: cannot write the data to /dev/full: No space left on "
			   "device\n");
	CHECK_EQ(err_lines(), 1);
	fake_cleanup(&f);
}

/* show-regs takes every device string, soft: included, and reads without bringing the
 * controller up (CC.EN stays 0). */
TEST(show_regs_on_the_software_controller)
{
	setup();
	CHECK_EQ(nvmu("show-regs soft:"), 0);
	CHECK(strncmp(out, "cap     : 400020140103ff\nversion : 10400\ncc      : 0\n", 52) == 0);
	CHECK(strstr(out, "\t") == NULL); /* decoded only with -H */
	CHECK_EQ(nvmu("show-regs soft: -H"), 0);
	CHECK_STR_CONTAINS(out, "\nversion : 10400\n\tNVMe specification 1.4\n\ncc      : 0\n");
	CHECK_STR_CONTAINS(out, "\tMaximum Queue Entries Supported    (MQES): 1024\n");
	CHECK_STR_CONTAINS(out, "\tEnable                              (EN): No\n");
	CHECK_EQ(nvmu("show-regs soft: --output-format json"), 0);
	CHECK_STR_CONTAINS(out, "\"vs\": 66560,");
	CHECK_EQ(nvmu("show-regs soft: -b"), 0);
	CHECK_EQ(out_len, 0xe1c);
	CHECK(out[8] == 0x00 && out[9] == 0x04 && out[10] == 0x01); /* VS 1.4 at offset 8 */
	CHECK_EQ(nvmu("show-regs soft: 0000:00:10.0"), 2);
	fake_cleanup(&f);
}

RUN_TESTS(T(show_regs_on_the_software_controller), T(id_ctrl), T(id_ns_and_list_ns), T(namespace_that_does_not_exist), T(logs), T(get_log),
	  T(features), T(admin_passthru), T(format_and_reset), T(devices_that_cannot_be_opened),
	  T(every_verb_has_help), T(output_that_cannot_be_written_fails))
