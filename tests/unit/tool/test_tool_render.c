/* SPDX-License-Identifier: MIT */
/*
 * The tool's renderers from fixed bytes: Identify Controller/Namespace, SMART, Error and
 * Firmware logs as JSON with nvme-cli 2.x's keys and value types (numbers; 128-bit
 * counters and identifiers as strings), the human lines, and hex dumps.
 */
#include <nvme/types.h>

#include "check.h"
#include "output/fields.h"
#include "output/hexdump.h"
#include "output/id_render.h"
#include "output/log_render.h"

static char buf[65536];

/* Start capturing output into buf; finish with end_capture(). */
static FILE *capture(void)
{
	memset(buf, 0, sizeof(buf));
	return fmemopen(buf, sizeof(buf) - 1, "w");
}

static void put_le(void *p, uint64_t v, size_t size)
{
	for (size_t i = 0; i < size; i++)
		((uint8_t *)p)[i] = (uint8_t)(v >> (8 * i));
}

/* Identify Controller data like QEMU's emulated controller reports. */
static void qemu_like_ctrl(struct nvme_id_ctrl *id)
{
	memset(id, 0, sizeof(*id));
	put_le(&id->vid, 0x1b36, 2);
	put_le(&id->ssvid, 0x1af4, 2);
	memcpy(id->sn, "nvmu0               ", 20);
	memcpy(id->mn, "QEMU NVMe Ctrl                          ", 40);
	memcpy(id->fr, "7.2.22  ", 8);
	id->rab = 6;
	id->ieee[0] = 0x00;
	id->ieee[1] = 0x54;
	id->ieee[2] = 0x52;
	id->mdts = 7;
	put_le(&id->ver, 0x10400, 4);
	put_le(&id->oaes, 0x100, 4);
	id->cntrltype = 1;
	put_le(&id->oacs, 0x10a, 2);
	id->frmw = 3;
	put_le(&id->wctemp, 343, 2);
	memset(id->tnvmcap, 0xff, 16); /* 2^128 - 1 */
	id->unvmcap[0] = 1;
	id->unvmcap[8] = 1; /* 2^64 + 1 */
	for (int i = 0; i < 16; i++)
		id->fguid[i] = (uint8_t)i;
	id->sqes = 0x66;
	put_le(&id->nn, 256, 4);
	strcpy(id->subnqn, "nqn.2019-08.org.qemu:nvmu0");
	id->npss = 1;
	put_le(&id->psd[0].mp, 2500, 2);
	put_le(&id->psd[0].enlat, 16, 4);
	put_le(&id->psd[0].exlat, 4, 4);
	id->psd[1].ips = 2 << 6;
	id->psd[1].apws = 2 << 6 | 5;
}

TEST(id_ctrl_json_uses_nvme_cli_keys_and_types)
{
	struct nvme_id_ctrl id;
	FILE *out = capture();
	struct json j;

	qemu_like_ctrl(&id);
	json_init(&j, out);
	id_ctrl_json(&j, &id);
	json_finish(&j);
	fclose(out);
	CHECK(strncmp(buf, "{\n  \"vid\": 6966,\n  \"ssvid\": 6900,\n  \"sn\": \"nvmu0               \",\n", 60) == 0);
	CHECK_STR_CONTAINS(buf, "\"mn\": \"QEMU NVMe Ctrl                          \",\n");
	CHECK_STR_CONTAINS(buf, "\"fr\": \"7.2.22  \",\n  \"rab\": 6,\n  \"ieee\": 5395456,\n");
	CHECK_STR_CONTAINS(buf, "\"ver\": 66560,");
	CHECK_STR_CONTAINS(buf, "\"fguid\": \"00010203-0405-0607-0809-0a0b0c0d0e0f\",");
	CHECK_STR_CONTAINS(buf, "\"tnvmcap\": \"340282366920938463463374607431768211455\",");
	CHECK_STR_CONTAINS(buf, "\"unvmcap\": \"18446744073709551617\",");
	CHECK_STR_CONTAINS(buf, "\"megcap\": \"0\",");
	CHECK_STR_CONTAINS(buf, "\"maxdna\": \"0\",");
	CHECK_STR_CONTAINS(buf, "\"sqes\": 102,");
	CHECK_STR_CONTAINS(buf, "\"nn\": 256,");
	CHECK_STR_CONTAINS(buf, "\"subnqn\": \"nqn.2019-08.org.qemu:nvmu0\",");
	CHECK_STR_CONTAINS(buf, "\"ofcs\": 0,\n  \"psds\": [\n    {\n      \"max_power\": 2500,\n"
				"      \"flags\": 0,\n      \"entry_lat\": 16,\n      \"exit_lat\": 4,");
	/* npss 1: two power states; the second's scales and work value decoded from bits. */
	CHECK_STR_CONTAINS(buf, "\"idle_scale\": 2,");
	CHECK_STR_CONTAINS(buf, "\"active_power_work\": 5,\n      \"active_scale\": 2\n    }\n  ]\n}\n");
	CHECK(strstr(buf, "\"vs\"") == NULL); /* nvme-cli leaves the vendor area out */
}

TEST(id_ctrl_human_lines)
{
	struct nvme_id_ctrl id;
	FILE *out = capture();

	qemu_like_ctrl(&id);
	id_ctrl_print(out, &id, false);
	fclose(out);
	CHECK(strncmp(buf, "NVME Identify Controller:\nvid       : 0x1b36\nssvid     : 0x1af4\n", 60) == 0);
	CHECK_STR_CONTAINS(buf, "\nieee      : 525400\n");
	CHECK_STR_CONTAINS(buf, "\noacs      : 0x10a\nacl       : ");
	/* Power states as nvme-cli prints them: 2500 x 0.01 W, latencies, scaled powers. */
	CHECK_STR_CONTAINS(buf, "\nps      0 : mp:25.00W operational enlat:16 exlat:4 rrt:0 rrl:0\n"
				"            rwt:0 rwl:0 idle_power:- active_power:-\n"
				"            active_power_workload:-\n");
	CHECK_STR_CONTAINS(buf, "\nps      1 : mp:0.00W ");
	CHECK(strstr(buf, "Supported") == NULL); /* bit fields only with -H */
}

/* -H: each bit field under its value, in nvme-cli's words. */
TEST(id_ctrl_human_readable_decodes_bits)
{
	struct nvme_id_ctrl id;
	FILE *out = capture();

	qemu_like_ctrl(&id);
	id.psd[1].flags = 3;      /* MXPS (0.0001 W units) and NOPS */
	put_le(&id.psd[1].mp, 12345, 2);
	id.psd[1].ips = 2 << 6;   /* idle power in 0.01 W */
	put_le(&id.psd[1].idlp, 150, 2);
	id.psd[1].apws = 1 << 6 | 2;
	put_le(&id.psd[1].actp, 5, 2);
	id_ctrl_print(out, &id, true);
	fclose(out);
	CHECK_STR_CONTAINS(buf, "\noacs      : 0x10a\n  [10:10] : 0\tLockdown Command and Feature Not "
				"Supported\n");
	CHECK_STR_CONTAINS(buf, "  [8:8] : 0x1\tDoorbell Buffer Config Supported\n");
	CHECK_STR_CONTAINS(buf, "  [3:3] : 0x1\tNS Management and Attachment Supported\n");
	CHECK_STR_CONTAINS(buf, "  [1:1] : 0x1\tFormat NVM Supported\n"
				"  [0:0] : 0\tSecurity Send and Receive Not Supported\n\nacl ");
	CHECK_STR_CONTAINS(buf, "\nsqes      : 0x66\n  [7:4] : 0x6\tMax SQ Entry Size (64)\n"
				"  [3:0] : 0x6\tMin SQ Entry Size (64)\n");
	CHECK_STR_CONTAINS(buf, "\nps      1 : mp:1.2345W non-operational enlat:0 exlat:0 rrt:0 rrl:0\n"
				"            rwt:0 rwl:0 idle_power:1.50W active_power:0.0005W\n"
				"            active_power_workload:80K 128KiB SW\n");
}

/* A namespace like QEMU's 64 MiB one: 8 LBA formats, format 4 (4 KiB) in use. */
static void qemu_like_ns(struct nvme_id_ns *ns)
{
	memset(ns, 0, sizeof(*ns));
	put_le(&ns->nsze, 16384, 8);
	put_le(&ns->ncap, 16384, 8);
	put_le(&ns->nuse, 16384, 8);
	ns->nsfeat = 0x14;
	ns->nlbaf = 7;
	ns->flbas = 4;
	for (int i = 0; i < 8; i++) {
		static const uint16_t ms[4] = { 0, 8, 16, 64 };

		put_le(&ns->lbaf[i].ms, ms[i % 4], 2);
		ns->lbaf[i].ds = i < 4 ? 9 : 12;
	}
	for (int i = 0; i < 8; i++)
		ns->eui64[i] = (uint8_t)(0xa0 + i);
	ns->nguid[15] = 0xee;
	put_le(&ns->mcl, 128, 4);
}

TEST(id_ns_json_and_lbafs)
{
	struct nvme_id_ns ns;
	FILE *out = capture();
	struct json j;

	qemu_like_ns(&ns);
	json_init(&j, out);
	id_ns_json(&j, &ns);
	json_finish(&j);
	fclose(out);
	CHECK(strncmp(buf, "{\n  \"nsze\": 16384,\n  \"ncap\": 16384,\n  \"nuse\": 16384,\n  \"nsfeat\": 20,\n", 60) == 0);
	CHECK_STR_CONTAINS(buf, "\"nvmcap\": \"0\",");
	CHECK_STR_CONTAINS(buf, "\"mcl\": 128,");
	CHECK_STR_CONTAINS(buf, "\"eui64\": \"a0a1a2a3a4a5a6a7\",");
	CHECK_STR_CONTAINS(buf, "\"nguid\": \"000000000000000000000000000000ee\",\n  \"lbafs\": [\n"
				"    {\n      \"ms\": 0,\n      \"ds\": 9,\n      \"rp\": 0\n    },");
	CHECK_STR_CONTAINS(buf, "{\n      \"ms\": 64,\n      \"ds\": 12,\n      \"rp\": 0\n    }\n  ]\n}\n");
	CHECK_EQ(id_ns_lbaf_count(&ns), 8);
	CHECK_EQ(id_ns_lbaf_in_use(&ns), 4);
	ns.flbas = 0x21; /* bits 6:5 are the high bits of the index */
	CHECK_EQ(id_ns_lbaf_in_use(&ns), 17);
}

TEST(id_ns_human_marks_format_in_use)
{
	struct nvme_id_ns ns;
	FILE *out = capture();

	qemu_like_ns(&ns);
	id_ns_print(out, &ns, 1, false);
	fclose(out);
	CHECK(strncmp(buf, "NVME Identify Namespace 1:\nnsze    : 0x4000\n", 44) == 0);
	CHECK_STR_CONTAINS(buf, "lbaf  3 : ms:64  lbads:9  rp:0 \n");
	CHECK_STR_CONTAINS(buf, "lbaf  4 : ms:0   lbads:12 rp:0 (in use)\n");
	/* NSFEAT bit 4 set: the I/O optimization fields are shown, as nvme-cli does. */
	CHECK_STR_CONTAINS(buf, "\nnvmcap  : 0\nnpwg    : ");
	out = capture();
	id_ns_print(out, &ns, 7, true);
	fclose(out);
	CHECK(strncmp(buf, "NVME Identify Namespace 7:\n", 27) == 0);
	CHECK_STR_CONTAINS(buf, "LBA Format  3 : Metadata Size: 64  bytes - Data Size: 512 bytes - "
				"Relative Performance: 0 Best \n");
	CHECK_STR_CONTAINS(buf, "LBA Format  4 : Metadata Size: 0   bytes - Data Size: 4096 bytes - "
				"Relative Performance: 0 Best (in use)\n");
	CHECK_STR_CONTAINS(buf, "\nflbas   : 0x4\n  [6:5] : 0\tMost significant 2 bits of Current "
				"LBA Format Selected\n");
	CHECK_STR_CONTAINS(buf, "  [3:0] : 0x4\tLeast significant 4 bits of Current LBA Format "
				"Selected\n");
}

TEST(smart_log_json_keys)
{
	struct nvme_smart_log log;
	FILE *out = capture();
	struct json j;

	memset(&log, 0, sizeof(log));
	log.critical_warning = 0x04;
	put_le(log.temperature, 323, 2);
	log.avail_spare = 100;
	log.spare_thresh = 10;
	log.percent_used = 3;
	log.data_units_read[0] = 1;
	memset(log.host_reads, 0xff, 8); /* 2^64 - 1 */
	log.power_cycles[2] = 1;         /* 65536 */
	put_le(&log.warning_temp_time, 7, 4);
	put_le(&log.temp_sensor[2], 300, 2);
	put_le(&log.thm_temp2_total_time, 9, 4);
	json_init(&j, out);
	smart_log_json(&j, &log);
	json_finish(&j);
	fclose(out);
	CHECK_STR_CONTAINS(buf, "{\n  \"critical_warning\": 4,\n  \"temperature\": 323,\n  \"avail_spare\": 100,\n"
				"  \"spare_thresh\": 10,\n  \"percent_used\": 3,\n"
				"  \"endurance_grp_critical_warning_summary\": 0,\n  \"data_units_read\": \"1\",\n"
				"  \"data_units_written\": \"0\",\n  \"host_read_commands\": \"18446744073709551615\",");
	CHECK_STR_CONTAINS(buf, "\"power_cycles\": \"65536\",");
	CHECK_STR_CONTAINS(buf, "\"warning_temp_time\": 7,\n  \"critical_comp_time\": 0,\n"
				"  \"temperature_sensor_3\": 300,\n  \"thm_temp1_trans_count\": 0,");
	CHECK(strstr(buf, "temperature_sensor_1") == NULL); /* sensors reading 0 are absent */
	CHECK_STR_CONTAINS(buf, "\"thm_temp2_total_time\": 9\n}\n");
}

TEST(smart_log_human_units)
{
	struct nvme_smart_log log;
	FILE *out = capture();

	memset(&log, 0, sizeof(log));
	put_le(log.temperature, 323, 2);
	log.avail_spare = 100;
	log.critical_warning = 0x9;
	log.data_units_read[0] = 0x10; /* 16 x 512,000 bytes */
	smart_log_print(out, &log, "soft:", 0xffffffff, false);
	fclose(out);
	CHECK(strncmp(buf, "Smart Log for NVME device:soft: namespace-id:ffffffff\n"
			   "critical_warning                        : 0x9\n", 95) == 0);
	CHECK_STR_CONTAINS(buf, "temperature                             : 50°C (323 Kelvin)\n");
	CHECK_STR_CONTAINS(buf, "available_spare                         : 100%\n");
	CHECK_STR_CONTAINS(buf, "Data Units Read                         : 16 (8.19 MB)\n");
	CHECK_STR_CONTAINS(buf, "Data Units Written                      : 0 (0.00 B)\n");
	CHECK_STR_CONTAINS(buf, "Thermal Management T2 Total Time        : 0\n");
	CHECK(strstr(buf, "Available Spare[0]") == NULL);
	out = capture();
	smart_log_print(out, &log, "soft:", 1, true);
	fclose(out);
	CHECK_STR_CONTAINS(buf, "namespace-id:1\ncritical_warning                        : 0x9\n"
				"      Available Spare[0]             : 1\n"
				"      Temp. Threshold[1]             : 0\n");
	CHECK_STR_CONTAINS(buf, "      Read-only[3]                   : 1\n");
	CHECK_STR_CONTAINS(buf, "      Persistent Mem. RO[5]          : 0\ntemperature ");
}

TEST(error_log_splits_status_and_phase)
{
	struct nvme_error_log_page e[2];
	FILE *out = capture();
	struct json j;

	memset(e, 0, sizeof(e));
	put_le(&e[0].error_count, 5, 8);
	put_le(&e[0].sqid, 1, 2);
	put_le(&e[0].cmdid, 0x22, 2);
	put_le(&e[0].status_field, 0x4005, 2); /* status 0x2002, phase 1 */
	put_le(&e[0].lba, 0x1234, 8);
	put_le(&e[0].nsid, 1, 4);
	json_init(&j, out);
	error_log_json(&j, e, 2);
	json_finish(&j);
	fclose(out);
	CHECK_STR_CONTAINS(buf, "{\n  \"errors\": [\n    {\n      \"error_count\": 5,\n      \"sqid\": 1,\n"
				"      \"cmdid\": 34,\n      \"status_field\": 8194,\n      \"phase_tag\": 1,\n"
				"      \"parm_error_location\": 0,\n      \"lba\": 4660,\n      \"nsid\": 1,\n");
	CHECK_STR_CONTAINS(buf, "      \"trtype_spec_info\": 0\n    },\n    {\n      \"error_count\": 0,");
	/* Text: the status in the driver's words. */
	out = capture();
	put_le(&e[0].status_field, 0x0005, 2); /* sct 0 sc 2: Invalid Field, phase 1 */
	error_log_print(out, e, 2, "soft:");
	fclose(out);
	CHECK(strncmp(buf, "Error Log Entries for device:soft: entries:2\n.................\n"
			   " Entry[ 0]   \n", 77) == 0);
	CHECK_STR_CONTAINS(buf, "\nstatus_field    : 0x2(INVALID_FIELD (sct 0 sc 0x2))\n"
				"phase_tag       : 0x1\n");
	CHECK_STR_CONTAINS(buf, "\ncmdid           : 0x22\n");
	CHECK_STR_CONTAINS(buf, " Entry[ 1]   \n.................\nerror_count     : 0\n");
	CHECK_STR_CONTAINS(buf, "\nstatus_field    : 0(SUCCESS)\n");
}

TEST(fw_log_as_nvme_cli)
{
	struct nvme_firmware_slot fw;
	FILE *out = capture();
	struct json j;

	memset(&fw, 0, sizeof(fw));
	fw.afi = 1;
	memcpy(fw.frs[0], "1.0     ", 8);
	memcpy(fw.frs[2], "abc\0\0\0\0\0", 8);
	json_init(&j, out);
	fw_log_json(&j, "0000:00:10.0", &fw);
	json_finish(&j);
	fclose(out);
	CHECK(strcmp(buf, "{\n  \"0000:00:10.0\": {\n    \"Active Firmware Slot (afi)\": 1,\n"
			  "    \"Firmware Rev Slot 1\": \"2314885530819505713 (1.0.....)\",\n"
			  "    \"Firmware Rev Slot 3\": \"6513249 (abc.....)\"\n  }\n}\n") == 0);
	out = capture();
	fw_log_print(out, "soft:", &fw);
	fclose(out);
	CHECK(strcmp(buf, "Firmware Log for device:soft:\nafi  : 0x1\nfrs1 : 0x2020202020302e31 (1.0.....)\n"
			  "frs3 : 0x00000000636261 (abc.....)\n") == 0);
}

TEST(u128_decimal_text)
{
	uint8_t n[16] = { 0 };
	char text[40];

	field_u128_text(n, text, sizeof(text));
	CHECK(strcmp(text, "0") == 0);
	n[0] = 10;
	field_u128_text(n, text, sizeof(text));
	CHECK(strcmp(text, "10") == 0);
	memset(n, 0, sizeof(n));
	n[15] = 0x80; /* 2^127 */
	field_u128_text(n, text, sizeof(text));
	CHECK(strcmp(text, "170141183460469231731687303715884105728") == 0);
	field_u128_text(n, text, 5); /* truncated, still terminated */
	CHECK(strcmp(text, "1701") == 0);
}

TEST(hexdump_layout)
{
	uint8_t data[18];
	FILE *out = capture();

	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)('A' + i);
	data[1] = 0;
	hexdump(out, data, sizeof(data));
	fclose(out);
	CHECK(strcmp(buf, "       0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f \n"
			  "0000: 41 00 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50 \"A.CDEFGHIJKLMNOP\"\n"
			  "0010: 51 52                                           \"QR\"\n") == 0);
}

RUN_TESTS(T(id_ctrl_json_uses_nvme_cli_keys_and_types), T(id_ctrl_human_lines),
	  T(id_ctrl_human_readable_decodes_bits),
	  T(id_ns_json_and_lbafs), T(id_ns_human_marks_format_in_use), T(smart_log_json_keys),
	  T(smart_log_human_units), T(error_log_splits_status_and_phase), T(fw_log_as_nvme_cli),
	  T(u128_decimal_text), T(hexdump_layout))
