/* SPDX-License-Identifier: MIT */
/*
 * The nvmu tool's I/O verbs end to end on the software controller, its namespaces kept in
 * a file (soft:file=PATH) so data outlives each command: write -> read -> compare
 * byte-exact, dsm and write-zeroes read back zeroes, and every bad input with its
 * one-line message and exit status (0 ok, 1 failed, 2 usage). (--help of every verb:
 * test_tool_soft.c.)
 */
#include <stdbool.h>

#include "check.h"
#include "tool_run.h"

/* 1 MiB namespaces of 512-byte blocks (2048 each), two of them, stored in f.root/ns.img. */
#define DEV "soft:ns=2,size=1M,file=%s/ns.img"

static char data_path[PATH_MAX + 16], back_path[PATH_MAX + 16];

/* A fresh tree and a data file of @p len patterned bytes (seeded by @p seed). */
static void setup_data(size_t len, unsigned seed)
{
	FILE *o;

	setup();
	snprintf(data_path, sizeof(data_path), "%s/data", f.root);
	snprintf(back_path, sizeof(back_path), "%s/back", f.root);
	o = fopen(data_path, "wb");
	for (size_t i = 0; o && i < len; i++)
		fputc((int)((i * 7 + seed + i / 512) & 0xff), o);
	if (o)
		fclose(o);
}

/* Bytes [@p off, @p off + @p len) of the data file equal @p got (of @p got_len bytes). */
static bool data_is(size_t off, const char *got, size_t got_len, size_t len)
{
	char want[8192];
	FILE *in = fopen(data_path, "rb");
	bool ok = in && got_len == len && len <= sizeof(want) && fseek(in, (long)off, SEEK_SET) == 0 &&
		  fread(want, 1, len, in) == len && memcmp(want, got, len) == 0;

	if (in)
		fclose(in);
	return ok;
}

/* True if the files at @p a and @p b hold the same bytes. */
static bool same_file(const char *a, const char *b)
{
	char cmd[2 * PATH_MAX + 80];

	snprintf(cmd, sizeof(cmd), "cmp -s '%s' '%s'", a, b);
	return system(cmd) == 0;
}

/* True if the file at @p path has @p len bytes, all zero. */
static bool zero_file(const char *path, size_t len)
{
	FILE *in = fopen(path, "rb");
	size_t n = 0;
	int c;

	if (!in)
		return false;
	while ((c = fgetc(in)) != EOF && c == 0)
		n++;
	fclose(in);
	return c == EOF && n == len;
}

TEST(write_read_compare_round_trip)
{
	setup_data(4096, 1);
	CHECK_EQ(nvmu("write " DEV " -n 1 -s 100 -c 7 -z 4096 -d %s", f.root, data_path), 0);
	CHECK(strcmp(err, "write: Success\n") == 0);
	CHECK(out[0] == '\0');
	CHECK_EQ(nvmu("read " DEV " --namespace-id=1 --start-block=100 --block-count=7 "
		      "--data-size=4096 --data=%s", f.root, back_path), 0);
	CHECK(strcmp(err, "read: Success\n") == 0);
	CHECK(same_file(data_path, back_path));
	/* To stdout as raw bytes. */
	CHECK_EQ(nvmu("read " DEV " -n 1 -s 104 -c 3", f.root), 0);
	CHECK(data_is(2048, out, out_len, 2048));
	/* A zero-padded block number is decimal (not octal 0104 = 68, as strtoull base 0). */
	CHECK_EQ(nvmu("read " DEV " -n 1 -s 0104 -c 03", f.root), 0);
	CHECK(data_is(2048, out, out_len, 2048));
	CHECK_EQ(nvmu("read " DEV " -n 1 -s 0x68 -c 3", f.root), 0);
	CHECK(data_is(2048, out, out_len, 2048));
	CHECK_EQ(nvmu("compare " DEV " -n 1 -s 100 -c 7 -z 4096 -d %s", f.root, data_path), 0);
	CHECK(strcmp(err, "compare: Success\n") == 0);
	/* The other namespace was not touched. */
	CHECK_EQ(nvmu("read " DEV " -n 2 -s 100 -c 7 -d %s", f.root, back_path), 0);
	CHECK(zero_file(back_path, 4096));
	/* Force Unit Access, and a 4096-byte LBA format. */
	CHECK_EQ(nvmu("write " DEV " -n 2 -s 2040 -c 7 -d %s --force-unit-access", f.root, data_path), 0);
	CHECK_EQ(nvmu("compare " DEV " -n 2 -s 2040 -c 7 -d %s -f", f.root, data_path), 0);
	CHECK_EQ(nvmu("write soft:lbs=4096,size=1M,file=%s/ns4k.img -n 1 -s 255 -c 0 -z 4096 -d %s",
		      f.root, data_path), 0);
	CHECK_EQ(nvmu("read soft:lbs=4096,size=1M,file=%s/ns4k.img -n 1 -s 255 -d %s", f.root,
		      back_path), 0);
	CHECK(same_file(data_path, back_path));
	fake_cleanup(&f);
}

TEST(compare_that_differs_fails_with_the_status)
{
	setup_data(1024, 2);
	CHECK_EQ(nvmu("write " DEV " -n 1 -s 5 -c 1 -d %s", f.root, data_path), 0);
	setup_data(1024, 3); /* other bytes, fresh namespace file: everything differs */
	CHECK_EQ(nvmu("write " DEV " -n 1 -s 5 -c 1 -d %s", f.root, data_path), 0);
	CHECK_EQ(nvmu("compare " DEV " -n 1 -s 6 -c 1 -d %s", f.root, data_path), 1);
	CHECK_STR_CONTAINS(err, "nvmu compare: ");
	CHECK_STR_CONTAINS(err, "COMPARE_FAILED (sct 2 sc 0x85) dnr\n");
	CHECK_EQ(err_lines(), 1);
	fake_cleanup(&f);
}

TEST(data_verbs_refuse_bad_input)
{
	char block[513] = "";

	setup_data(1000, 4);
	/* LBA range beyond the namespace: refused before sending, with the size. */
	CHECK_EQ(nvmu("read " DEV " -n 1 -s 2047 -c 1", f.root), 1);
	CHECK(strcmp(err, "nvmu read: blocks [2047, 2049) go beyond namespace 1, which has 2048\n") == 0);
	CHECK(out_len == 0);
	memset(block, 'b', sizeof(block) - 1);
	fake_write(&f, "block", block);
	CHECK_EQ(nvmu("write " DEV " -n 1 -s 99999 -z 512 -d %s/block", f.root, f.root), 1);
	CHECK_STR_CONTAINS(err, "go beyond namespace 1, which has 2048");
	/* Data size that does not match. */
	CHECK_EQ(nvmu("read " DEV " -n 1 -c 1 -z 1000", f.root), 1);
	CHECK(strcmp(err, "nvmu read: data size mismatch: -z 1000, but -c 1 is 2 blocks of 512 "
			  "bytes = 1024 bytes on namespace 1\n") == 0);
	CHECK_EQ(nvmu("write " DEV " -n 1 -c 1 -d %s", f.root, data_path), 1);
	CHECK_STR_CONTAINS(err, "nvmu write: data size mismatch: input file");
	CHECK_STR_CONTAINS(err, "has 1000 bytes, the command transfers 1024 (-z)");
	CHECK_EQ(nvmu("compare " DEV " -n 1", f.root), 1); /* stdin is /dev/null */
	CHECK_STR_CONTAINS(err, "input file '-' has 0 bytes, the command transfers 512");
	/* Namespace that does not exist, input that cannot be read, output not created. */
	CHECK_EQ(nvmu("write " DEV " -n 3 -d %s", f.root, data_path), 1);
	CHECK(strstr(err, "nvmu write: namespace 3 does not exist on soft:ns=2") == err);
	CHECK_STR_CONTAINS(err, "(active namespaces: 1, 2)\n");
	CHECK_EQ(nvmu("write " DEV " -n 1 -d %s/missing", f.root, f.root), 1);
	CHECK_STR_CONTAINS(err, "cannot open input file");
	CHECK_STR_CONTAINS(err, "No such file or directory");
	CHECK_EQ(err_lines(), 1);
	CHECK_EQ(nvmu("read " DEV " -n 1 -d %s/no/such/dir", f.root, f.root), 1);
	CHECK_STR_CONTAINS(err, "cannot create output file");
	CHECK_EQ(err_lines(), 1);
	/* Usage errors. */
	CHECK_EQ(nvmu("read " DEV " -s 0", f.root), 2);
	CHECK_STR_CONTAINS(err, "give the namespace with -n NSID");
	CHECK_EQ(nvmu("read " DEV " -n 0", f.root), 2);
	CHECK_EQ(nvmu("read " DEV " -n 1 -c 65536", f.root), 2);
	CHECK_STR_CONTAINS(err, "-c 65536 is out of range (at most 65535");
	CHECK_EQ(nvmu("write " DEV " -n 1 -z 0", f.root), 2);
	CHECK_EQ(nvmu("read " DEV " -n 1 -s -1", f.root), 2);
	CHECK_EQ(nvmu("read -n 1"), 2);
	CHECK_STR_CONTAINS(err, "expected a device");
	CHECK_EQ(nvmu("read " DEV " -n 1 --bogus", f.root), 2);
	CHECK_EQ(nvmu("read 0000:00:10.0 -n 1"), 1);
	CHECK_STR_CONTAINS(err, "run 'nvmu bind 0000:00:10.0' first");
	fake_cleanup(&f);
}

TEST(dsm_and_write_zeroes_read_back_zeroes)
{
	setup_data(16 * 512, 5);
	CHECK_EQ(nvmu("write " DEV " -n 1 -s 0 -c 15 -d %s", f.root, data_path), 0);
	CHECK_EQ(nvmu("write " DEV " -n 1 -s 100 -c 15 -d %s", f.root, data_path), 0);
	CHECK_EQ(nvmu("dsm " DEV " -n 1 --ad -s 0,100 -b 8,16", f.root), 0);
	CHECK(strcmp(out, "NVMe DSM: success\n") == 0);
	CHECK_EQ(nvmu("read " DEV " -n 1 -s 0 -c 7 -d %s", f.root, back_path), 0);
	CHECK(zero_file(back_path, 8 * 512));
	CHECK_EQ(nvmu("read " DEV " -n 1 -s 100 -c 15 -d %s", f.root, back_path), 0);
	CHECK(zero_file(back_path, 16 * 512));
	CHECK_EQ(nvmu("read " DEV " -n 1 -s 8 -c 0", f.root), 0); /* just after the first range */
	CHECK(data_is(8 * 512, out, out_len, 512));
	CHECK_EQ(nvmu("write " DEV " -n 1 -s 0 -c 15 -d %s", f.root, data_path), 0);
	CHECK_EQ(nvmu("write-zeroes " DEV " -n 1 -s 4 -c 3", f.root), 0);
	CHECK(strcmp(out, "NVME Write Zeroes Success\n") == 0);
	CHECK_EQ(nvmu("read " DEV " -n 1 -s 4 -c 3 -d %s", f.root, back_path), 0);
	CHECK(zero_file(back_path, 4 * 512));
	CHECK_EQ(nvmu("read " DEV " -n 1 -s 3 -c 0", f.root), 0);
	CHECK(data_is(3 * 512, out, out_len, 512));
	CHECK_EQ(nvmu("write-zeroes " DEV " -n 1 -s 8 -c 0 --deac", f.root), 0);
	/* Refusals. */
	CHECK_EQ(nvmu("dsm " DEV " -n 1 --ad -s 0,2048 -b 8,1", f.root), 1);
	CHECK_STR_CONTAINS(err, "blocks [2048, 2049) go beyond namespace 1, which has 2048");
	CHECK_EQ(err_lines(), 1);
	CHECK_EQ(nvmu("write-zeroes " DEV " -n 2 -s 2040 -c 8", f.root), 1);
	CHECK_STR_CONTAINS(err, "go beyond namespace 2, which has 2048");
	CHECK_EQ(nvmu("dsm " DEV " -n 1 --ad -s 0,100 -b 8", f.root), 2);
	CHECK_STR_CONTAINS(err, "-s has 2 values and -b 1");
	CHECK_EQ(nvmu("dsm " DEV " -n 1 -s 0 -b 8", f.root), 2);
	CHECK_STR_CONTAINS(err, "--ad");
	CHECK_EQ(nvmu("dsm " DEV " -n 1 --ad -s 0,x -b 8,8", f.root), 2);
	CHECK_STR_CONTAINS(err, "-s expects a number");
	CHECK_EQ(nvmu("dsm " DEV " -n 1 --ad -s 0 -b 0", f.root), 2);
	CHECK_EQ(nvmu("dsm " DEV " -n 4 --ad -s 0 -b 1", f.root), 1);
	CHECK_STR_CONTAINS(err, "namespace 4 does not exist");
	CHECK_EQ(nvmu("write-zeroes " DEV " -n 1 -f", f.root), 2); /* not an option of it */
	fake_cleanup(&f);
}

TEST(flush_and_verify)
{
	setup();
	CHECK_EQ(nvmu("flush " DEV, f.root), 0); /* every namespace */
	CHECK(strcmp(out, "NVMe Flush: success\n") == 0);
	CHECK_EQ(nvmu("flush " DEV " -n 2", f.root), 0);
	CHECK_EQ(nvmu("flush " DEV " -n 7", f.root), 1);
	CHECK_STR_CONTAINS(err, "namespace 7 does not exist");
	CHECK_EQ(nvmu("flush " DEV " -s 1", f.root), 2);
	CHECK_EQ(nvmu("verify " DEV " -n 1 -s 0 -c 2047", f.root), 0);
	CHECK(strcmp(out, "NVME Verify Success\n") == 0);
	CHECK_EQ(nvmu("verify " DEV " -n 1 -s 2048", f.root), 1);
	CHECK_STR_CONTAINS(err, "go beyond namespace 1, which has 2048");
	CHECK_EQ(nvmu("verify " DEV " -s 1", f.root), 2);
	fake_cleanup(&f);
}

TEST(io_passthru)
{
	setup_data(512, 6);
	/* Write block 9 with a raw Write (opcode 1, CDW10 = SLBA), read it back with read. */
	CHECK_EQ(nvmu("io-passthru " DEV " --opcode=1 --namespace-id=1 --cdw10=9 --data-len=512 "
		      "--write --input-file=%s", f.root, data_path), 0);
	CHECK(strncmp(out, "I/O command 0x01 succeeded\nstatus : SUCCESS (sct 0 sc 0x0)\n", 58) == 0);
	CHECK_STR_CONTAINS(out, "status field : 0x0000\n");
	CHECK_EQ(nvmu("read " DEV " -n 1 -s 9 -d %s", f.root, back_path), 0);
	CHECK(same_file(data_path, back_path));
	/* A raw Read: the data as a hex dump, or raw. */
	CHECK_EQ(nvmu("io-passthru " DEV " -O 2 -n 1 -4 9 -l 512 -r -b", f.root), 0);
	CHECK(data_is(0, out, out_len, 512));
	CHECK_STR_CONTAINS(err, "I/O command 0x02 succeeded");
	/* Nothing checked: a range beyond the namespace goes to the controller, which says so. */
	CHECK_EQ(nvmu("io-passthru " DEV " -O 2 -n 1 -4 4096 -l 512 -r", f.root), 1);
	CHECK_STR_CONTAINS(out, "I/O command 0x02 failed\nstatus : LBA_RANGE (sct 0 sc 0x80) dnr\n");
	CHECK_STR_CONTAINS(err, "LBA_RANGE (sct 0 sc 0x80) dnr");
	CHECK_EQ(err_lines(), 1);
	CHECK_EQ(nvmu("io-passthru " DEV " --opcode=0x7f -n 1", f.root), 1);
	CHECK_STR_CONTAINS(out, "status : INVALID_OPCODE (sct 0 sc 0x1) dnr\n");
	CHECK_EQ(nvmu("io-passthru " DEV " --opcode=2 -n 9 -l 512 -r", f.root), 1);
	CHECK_STR_CONTAINS(out, "INVALID_NS");
	CHECK_EQ(nvmu("io-passthru " DEV " --opcode=1 -n 1 --cdw10=5 --dry-run", f.root), 0);
	CHECK_STR_CONTAINS(out, "opcode       : 0x01\n");
	CHECK_EQ(nvmu("io-passthru " DEV " --opcode=1 -l 512 -w", f.root), 2);
	CHECK_STR_CONTAINS(err, "needs --input-file");
	CHECK_EQ(nvmu("io-passthru " DEV " --opcode=1 -l 512 -w -i %s/missing", f.root, f.root), 1);
	CHECK_STR_CONTAINS(err, "cannot open input file");
	CHECK_EQ(nvmu("io-passthru " DEV " --opcode=1 -m 8", f.root), 2);
	CHECK_STR_CONTAINS(err, "nvmu sends no metadata buffer");
	fake_cleanup(&f);
}

RUN_TESTS(T(write_read_compare_round_trip), T(compare_that_differs_fails_with_the_status),
	  T(data_verbs_refuse_bad_input), T(dsm_and_write_zeroes_read_back_zeroes),
	  T(flush_and_verify), T(io_passthru))
