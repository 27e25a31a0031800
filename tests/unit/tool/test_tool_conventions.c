/* SPDX-License-Identifier: MIT */
/*
 * The conventions every verb shares, on the software controller: -o normal|json|binary,
 * -b, -H, sizes with units, -v/--verbose and NVMU_LOG_LEVEL, `nvmu help soft`, a RAM
 * namespace larger than the machine's memory, and nvme-cli's options of read/write, dsm,
 * format, admin-passthru and get-log.
 */
#include "check.h"
#include "tool_run.h"

TEST(raw_binary_is_the_structure)
{
	setup();
	CHECK_EQ(nvmu("id-ctrl soft: -b"), 0);
	CHECK_EQ(out_len, 4096);
	CHECK(!memcmp(out + 24, "nvmu software", 13)); /* MN at byte 24 */
	CHECK_EQ(nvmu("id-ctrl soft: -o binary"), 0);
	CHECK_EQ(out_len, 4096);
	CHECK_EQ(nvmu("id-ns soft: -n 1 --raw-binary"), 0);
	CHECK_EQ(out_len, 4096);
	CHECK_EQ(nvmu("smart-log soft: -b"), 0);
	CHECK_EQ(out_len, 512);
	CHECK_EQ(nvmu("error-log soft: -e 3 -b"), 0);
	CHECK_EQ(out_len, 3 * 64);
	CHECK_EQ(nvmu("fw-log soft: -o binary"), 0);
	CHECK_EQ(out_len, 512);
	CHECK_EQ(nvmu("list-ns soft:ns=2 -o binary"), 0);
	CHECK_EQ(out_len, 8);
	CHECK(out[0] == 1 && out[4] == 2);
	CHECK_EQ(nvmu("get-log soft: -i 2 -l 512 --output-format=binary"), 0);
	CHECK_EQ(out_len, 512);
	CHECK_EQ(nvmu("list -o binary"), 2); /* no NVMe structure: no binary form */
	CHECK_STR_CONTAINS(err, "unknown output format 'binary' (expected json or normal)");
	CHECK_EQ(nvmu("id-ctrl soft: -o yaml"), 2);
	CHECK_STR_CONTAINS(err, "unknown output format 'yaml' (expected normal, json or binary)");
	fake_cleanup(&f);
}

TEST(human_readable_decodes)
{
	setup();
	CHECK_EQ(nvmu("id-ctrl soft: -H"), 0);
	CHECK_STR_CONTAINS(out, "\noacs      : ");
	CHECK_STR_CONTAINS(out, "\tFormat NVM Supported\n");
	CHECK_STR_CONTAINS(out, "\nps      0 : mp:25.00W operational enlat:");
	CHECK_EQ(nvmu("id-ns soft:lbs=4096 -n 1 --human-readable"), 0);
	CHECK_STR_CONTAINS(out, "Data Size: 4096 bytes - Relative Performance: 0 Best (in use)\n");
	CHECK_EQ(nvmu("smart-log soft: -H"), 0);
	CHECK_STR_CONTAINS(out, "Smart Log for NVME device:soft: namespace-id:ffffffff\n");
	CHECK_STR_CONTAINS(out, "      Volatile mem. backup failed[4] : 0\n");
	CHECK_EQ(nvmu("error-log soft: -e 1 -H"), 0);
	CHECK_STR_CONTAINS(out, "Error Log Entries for device:soft: entries:1\n");
	fake_cleanup(&f);
}

TEST(sizes_take_units_and_say_so)
{
	setup();
	CHECK_EQ(nvmu("get-log soft: -i 2 -l 1k -b"), 0);
	CHECK_EQ(out_len, 1024);
	CHECK_EQ(nvmu("get-log soft: -i 2 -l 1x"), 2);
	CHECK_STR_CONTAINS(err, "--log-len expects a number (decimal, 0x hex, or with a unit k, m, g, "
				"t (4k = 4096)), not '1x'");
	CHECK_EQ(nvmu("admin-passthru soft: -o 6 --cdw10=1 -l 4k -r -b"), 0);
	CHECK_EQ(out_len, 4096);
	CHECK_EQ(nvmu("get-feature soft: -f 7 -n 1k"), 2); /* not a size: no units */
	CHECK_STR_CONTAINS(err, "expects a number (decimal or 0x hex), not '1k'");
	fake_cleanup(&f);
}

TEST(verbose_and_log_level)
{
	setup();
	CHECK_EQ(nvmu("-v id-ctrl soft:"), 0);
	CHECK_EQ(nvmu("-vv id-ctrl soft: --verbose"), 0);
	CHECK_EQ(nvmu("id-ctrl --verbose soft:"), 0);
	CHECK_EQ(nvmu("--bogus id-ctrl soft:"), 2);
	CHECK_STR_CONTAINS(err, "unknown option '--bogus'");
	CHECK_EQ(nvmu("-x"), 2);
	fake_cleanup(&f);
	setup();
	setenv("NVMU_LOG_LEVEL", "loud", 1);
	CHECK_EQ(nvmu("id-ctrl soft:"), 2);
	CHECK_STR_CONTAINS(err, "NVMU_LOG_LEVEL='loud' is not a log level: give 0-3 or error, "
				"warning, info, debug");
	setenv("NVMU_LOG_LEVEL", "debug", 1);
	CHECK_EQ(nvmu("id-ctrl soft:"), 0);
	setenv("NVMU_LOG_LEVEL", "2", 1);
	CHECK_EQ(nvmu("id-ctrl soft:"), 0);
	unsetenv("NVMU_LOG_LEVEL");
	fake_cleanup(&f);
}

TEST(help_soft_and_a_large_ram_namespace)
{
	setup();
	CHECK_EQ(nvmu("help soft"), 0);
	CHECK_STR_CONTAINS(out, "\n  size         64M     ");
	CHECK_STR_CONTAINS(out, "\n  file         (RAM)   ");
	/* 1 TiB of RAM namespace on any machine: only the blocks written take memory. */
	CHECK_EQ(nvmu("id-ns soft:size=1t -n 1 -o json"), 0);
	CHECK_STR_CONTAINS(out, "\"nsze\": 2147483648,");
	fake_cleanup(&f);
}

TEST(io_show_command_dry_run_and_latency)
{
	setup();
	CHECK_EQ(nvmu("read soft: -n 1 -s 0x10 -c 7 -w"), 0);
	CHECK(strncmp(out, "opcode       : 02\nnsid         : 01\n", 36) == 0);
	CHECK_STR_CONTAINS(out, "\nnblocks      : 0007\n");
	CHECK_STR_CONTAINS(out, "\nslba         : 10\n");
	CHECK(err[0] == '\0'); /* nothing sent: no "read: Success" */
	CHECK_EQ(nvmu("read soft: -n 1 -t -d %s/blk", f.root), 0);
	CHECK_STR_CONTAINS(out, " latency: read: ");
	CHECK_EQ(nvmu("write soft: -n 1 -v -f -d %s/blk", f.root), 0);
	CHECK_STR_CONTAINS(out, "opcode       : 01\n");
	CHECK_STR_CONTAINS(out, "control      : 4000\n");
	fake_cleanup(&f);
}

TEST(dsm_attributes_format_block_size_passthru_extras)
{
	setup();
	CHECK_EQ(nvmu("dsm soft: -n 1 -s 0,8 -b 8,8 --idr --idw -a 1,2"), 0);
	CHECK_STR_CONTAINS(out, "NVMe DSM: success");
	CHECK_EQ(nvmu("dsm soft: -n 1 -s 0 -b 8 -c 4"), 0);
	CHECK_EQ(nvmu("dsm soft: -n 1 -s 0,8 -b 8,8 --idr -a 1"), 2);
	CHECK_EQ(nvmu("dsm soft: -n 1 -s 0 -b 8"), 2);
	CHECK_STR_CONTAINS(err, "give the attributes");
	CHECK_EQ(nvmu("dsm soft: -n 1 -s 131070 -b 8 --idw"), 1);
	CHECK_STR_CONTAINS(err, "is beyond namespace 1");
	CHECK_EQ(nvmu("format soft: -n 1 -b 4k -r --force"), 0);
	CHECK_STR_CONTAINS(out, "(LBA format 1: 4096-byte blocks");
	CHECK_STR_CONTAINS(out, "\nController reset\n");
	CHECK_EQ(nvmu("format soft: -n 1 -b 2k --force"), 1);
	CHECK_STR_CONTAINS(err, "no LBA format of 2048-byte blocks");
	CHECK_EQ(nvmu("format soft: -n 1 -b 4k -l 1 --force"), 2);
	CHECK_EQ(nvmu("admin-passthru soft: -o 0xc0 -l 8 -r -p 0xab -T"), 1);
	CHECK_STR_CONTAINS(out, "Admin Command 0xc0 latency: ");
	CHECK_EQ(nvmu("admin-passthru soft: --opcode=2 --cdw10=0x7f0002 -l 512 -r -p 0xab -b"), 0);
	CHECK_EQ(out_len, 512);
	CHECK_EQ(nvmu("admin-passthru soft: -o 6 --output-format=json"), 2);
	CHECK_EQ(nvmu("get-log soft: -i 2 -l 512 --csi=0 -U 0 --output-format=json"), 0);
	CHECK_STR_CONTAINS(out, "\"log_id\": 2,\n  \"namespace_id\": 4294967295,\n  \"length\": 512,");
	/* --ot: the offset is an index, not bytes, so no multiple of 4 is asked for; the
	 * controller has no index 1 of the SMART log. */
	CHECK_EQ(nvmu("get-log soft: -i 2 -l 512 --ot -o 0"), 0);
	CHECK_EQ(nvmu("get-log soft: -i 2 -l 512 --ot -o 1"), 1);
	CHECK_STR_CONTAINS(err, "INVALID_FIELD");
	CHECK_EQ(nvmu("get-log soft: -i 2 -l 512 -o 1"), 2);
	CHECK_STR_CONTAINS(err, "--lpo 1 is not a multiple of 4 bytes");
	fake_cleanup(&f);
}

/* Verbs that print no data of their own get -o json from the dispatcher: their lines and
 * exit status in one object; their --help, man page and completion say so. */
TEST(every_verb_takes_output_format)
{
	setup();
	CHECK_EQ(nvmu("flush soft: -o json"), 0);
	CHECK(strcmp(out, "{\n  \"command\": \"flush\",\n  \"exit_status\": 0,\n  \"output\": [\n"
			  "    \"NVMe Flush: success\"\n  ]\n}\n") == 0);
	CHECK_EQ(nvmu("write-zeroes soft: -n 1 --output-format=json"), 0);
	CHECK_STR_CONTAINS(out, "\"NVME Write Zeroes Success\"");
	CHECK_EQ(nvmu("set-feature soft: -f 0x7e -v 1 -o json"), 1);
	CHECK_STR_CONTAINS(out, "\"exit_status\": 1,");
	CHECK_STR_CONTAINS(err, "INVALID_FIELD");
	CHECK_EQ(nvmu("read soft: -n 1 -o json"), 1); /* the blocks read are not text */
	CHECK_STR_CONTAINS(err, "the output is binary data, which JSON does not carry");
	CHECK_EQ(nvmu("read soft: -n 1 -o json -d %s/blk", f.root), 0);
	CHECK_EQ(nvmu("flush soft: -o binary"), 2);
	CHECK_EQ(nvmu("flush soft: -o yaml"), 2);
	CHECK_EQ(nvmu("flush soft: -o"), 2);
	CHECK_EQ(nvmu("flush --help"), 0);
	CHECK_STR_CONTAINS(out, "  -o, --output-format FORMAT  normal (the default) or json");
	CHECK_EQ(nvmu("id-ctrl --help"), 0); /* a verb with its own -o: no second one */
	CHECK(strstr(out, "as every nvmu command") == NULL);
	fake_cleanup(&f);
}

/* list-ns takes nvme-cli's -n (the first NSID), -y (a command set's list) and -a. */
TEST(list_ns_options)
{
	setup();
	CHECK_EQ(nvmu("list-ns soft:ns=4 -n 3"), 0);
	CHECK(strcmp(out, "[   0]:0x3\n[   1]:0x4\n") == 0);
	CHECK_EQ(nvmu("list-ns soft:ns=4 --namespace-id=5 -o json"), 0);
	CHECK(strcmp(out, "{\n  \"nsid_list\": []\n}\n") == 0);
	/* -a: the allocated namespaces (the software controller manages namespaces). */
	CHECK_EQ(nvmu("list-ns soft:ns=4 -a -o json"), 0);
	CHECK_STR_CONTAINS(out, "\"nsid\": 4\n");
	/* It has no command-set-specific list: its refusal, and no partial JSON. */
	CHECK_EQ(nvmu("list-ns soft:ns=4 -y 0 -o json"), 1);
	CHECK_STR_CONTAINS(err, "INVALID_FIELD");
	CHECK(out[0] == '\0');
	CHECK_EQ(nvmu("list-ns soft: -y 0"), 1);
	CHECK_EQ(nvmu("list-ns soft: -n 0"), 2);
	CHECK_EQ(nvmu("id-ctrl soft: --all"), 2);
	CHECK_STR_CONTAINS(err, "this command has no --all option");
	fake_cleanup(&f);
}

RUN_TESTS(T(list_ns_options), T(every_verb_takes_output_format), T(raw_binary_is_the_structure), T(human_readable_decodes), T(sizes_take_units_and_say_so),
	  T(verbose_and_log_level), T(help_soft_and_a_large_ram_namespace),
	  T(io_show_command_dry_run_and_latency), T(dsm_attributes_format_block_size_passthru_extras))
