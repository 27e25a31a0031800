/* SPDX-License-Identifier: MIT */
/*
 * The vhost-user-blk back-end against a test front-end (frontend.h) that sends correct
 * I/O, then malformed messages and descriptor chains: the back-end answers correct
 * requests, refuses or fails bad ones, or ends the connection - it never crashes and
 * never touches memory outside the announced region (run under ASan in CI).
 *
 * Usage: test_vhost_protocol [DEV [zero-copy]]   (default DEV soft:size=16M)
 * With "zero-copy" (a PCIe device behind an IOMMU, in the guest rig), every request
 * must go to the device without a bounce buffer. The tests of the in-flight region and
 * of an interceptor chain are in test_vhost_inflight.c and test_vhost_intercept.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "frontend.h"
#include "protocol_test.h"
#include "nvmu/host.h"
#include "nvmu/nvme.h"
#include "nvmu/nvme_soft.h"
#include "nvmu/support.h"
#include "nvmu/vhost_blk.h"

struct nvmu_host_ctrl *host;
struct nvmu_vhost_blk *backend;
char sock_path[160];
static const char *dev = "soft:size=16M";
static bool zero_copy;

void fill(void *p, size_t len, unsigned seed)
{
	uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 9));
}

bool open_fe(struct fe *f, bool event_idx, bool add_mem_reg)
{
	memset(f, 0, sizeof(*f));
	f->sock = -1;
	if (fe_memory(f, MEM_SIZE) < 0 || fe_connect(f, sock_path) < 0) {
		CHECK(!"front-end set-up");
		return false;
	}
	int ret = fe_start(f, 2, NUM, event_idx, add_mem_reg);

	CHECK_EQ(ret, 0);
	return ret == 0;
}

void close_fe(struct fe *f)
{
	fe_close(f);
	munmap(f->mem, f->mem_size);
	close(f->memfd);
	for (int q = 0; q < 2; q++) {
		if (f->ring[q].call > 0) {
			close(f->ring[q].call);
			close(f->ring[q].kick);
		}
	}
	/* The back-end notices the disconnection and drops the connection's state. */
	for (int i = 0; i < 500; i++) {
		struct nvmu_vhost_blk_stats st;

		nvmu_vhost_blk_stats(backend, &st);
		if (!st.connected)
			break;
		usleep(10000);
	}
}

TEST(write_then_read_on_two_queues)
{
	struct fe f;

	for (int variant = 0; variant < 2; variant++) {
		if (!open_fe(&f, variant == 0, variant == 1))
			return;
		fill(fe_gpa(&f, FE_DATA_GPA), 8192, 1 + variant);
		CHECK_EQ(fe_blk(&f, 0, T_OUT, 8, 0, 8192), 0);
		memset(fe_gpa(&f, FE_DATA_GPA + 65536), 0, 8192);
		CHECK_EQ(fe_blk(&f, 1, T_IN, 8, 65536, 8192), 0);
		CHECK(memcmp(fe_gpa(&f, FE_DATA_GPA), fe_gpa(&f, FE_DATA_GPA + 65536), 8192) == 0);
		CHECK_EQ(fe_blk(&f, 0, T_FLUSH, 0, 0, 0), 0);
		close_fe(&f);
	}
}

/* The request's parts do not follow descriptor boundaries. */
TEST(framing_independent_of_descriptors)
{
	uint32_t hdr[4] = { T_IN, 0, 8, 0 }, id, len;
	struct fe f;

	if (!open_fe(&f, true, false))
		return;
	fill(fe_gpa(&f, FE_DATA_GPA), 4096, 3);
	CHECK_EQ(fe_blk(&f, 0, T_OUT, 16, 0, 4096), 0);
	/* header in two pieces; data and status in one descriptor */
	memcpy(fe_gpa(&f, FE_HDR_GPA), hdr, 8);
	memcpy(fe_gpa(&f, FE_HDR_GPA + 64), (uint32_t[]){ 16, 0 }, 8);
	struct fe_desc d[3] = {
		{ FE_HDR_GPA, 8, FE_DESC_NEXT, 1 },
		{ FE_HDR_GPA + 64, 8, FE_DESC_NEXT, 2 },
		{ FE_DATA_GPA + 65536, 4097, FE_DESC_WRITE, 0 },
	};
	uint8_t *out = fe_gpa(&f, FE_DATA_GPA + 65536);

	out[4096] = 0xee;
	fe_submit(&f, 0, d, 3);
	CHECK_EQ(fe_wait_used(&f, 0, &id, &len), 0);
	CHECK_EQ(len, 4097);
	CHECK_EQ(out[4096], 0);
	CHECK(memcmp(out, fe_gpa(&f, FE_DATA_GPA), 4096) == 0);
	close_fe(&f);
}

TEST(indirect_descriptors)
{
	uint32_t hdr[4] = { T_OUT, 0, 24, 0 }, id, len;
	struct fe_desc *table;
	struct fe f;

	if (!open_fe(&f, false, false))
		return;
	table = fe_gpa(&f, FE_INDIRECT_GPA);
	memcpy(fe_gpa(&f, FE_HDR_GPA), hdr, sizeof(hdr));
	fill(fe_gpa(&f, FE_DATA_GPA), 2048, 4);
	/* data in two pieces of 1 KiB */
	table[0] = (struct fe_desc){ FE_HDR_GPA, 16, FE_DESC_NEXT, 1 };
	table[1] = (struct fe_desc){ FE_DATA_GPA, 1024, FE_DESC_NEXT, 2 };
	table[2] = (struct fe_desc){ FE_DATA_GPA + 1024, 1024, FE_DESC_NEXT, 3 };
	table[3] = (struct fe_desc){ FE_STATUS_GPA, 1, FE_DESC_WRITE, 0 };
	fe_submit(&f, 0, (struct fe_desc[]){ { FE_INDIRECT_GPA, 64, FE_DESC_INDIRECT, 0 } }, 1);
	CHECK_EQ(fe_wait_used(&f, 0, &id, &len), 0);
	CHECK_EQ(*(uint8_t *)fe_gpa(&f, FE_STATUS_GPA), 0);
	CHECK_EQ(fe_blk(&f, 1, T_IN, 24, 65536, 2048), 0);
	CHECK(memcmp(fe_gpa(&f, FE_DATA_GPA), fe_gpa(&f, FE_DATA_GPA + 65536), 2048) == 0);
	close_fe(&f);
}

TEST(get_id_config_discard_write_zeroes)
{
	uint8_t cfg[12 + 60] = { 0 }, zero[4096] = { 0 };
	uint32_t req[3] = { 0, 60, 0 };
	uint64_t cap;
	uint32_t blk, seg[4];
	struct fe f;

	if (!open_fe(&f, true, false))
		return;
	CHECK_EQ(fe_blk(&f, 0, T_GET_ID, 0, 0, 20), 0);
	CHECK(memcmp(fe_gpa(&f, FE_DATA_GPA), "vhost-test", 11) == 0);
	CHECK_EQ(fe_send(&f, FE_GET_CONFIG, 0, req, sizeof(req), NULL, 0), 0);
	CHECK_EQ(fe_recv(&f, cfg, sizeof(cfg)), 12 + 60);
	memcpy(&cap, cfg + 12, 8);
	memcpy(&blk, cfg + 12 + 20, 4);
	struct nvmu_ns *ns = nvmu_host_ns(host, 0);

	CHECK_EQ(cap, nvmu_ns_blocks(ns) * nvmu_ns_lba_size(ns) / 512);
	CHECK_EQ(blk, nvmu_ns_lba_size(ns));
	/* write zeroes over data written first, then read zeroes back */
	fill(fe_gpa(&f, FE_DATA_GPA), 4096, 5);
	CHECK_EQ(fe_blk(&f, 0, T_OUT, 64, 0, 4096), 0);
	seg[0] = 64;
	seg[1] = 0;
	seg[2] = 8; /* sectors */
	seg[3] = 0;
	memcpy(fe_gpa(&f, FE_DATA_GPA), seg, 16);
	CHECK_EQ(fe_blk(&f, 0, T_WZ, 0, 0, 16), 0);
	CHECK_EQ(fe_blk(&f, 0, T_IN, 64, 8192, 4096), 0);
	CHECK(memcmp(fe_gpa(&f, FE_DATA_GPA + 8192), zero, 4096) == 0);
	seg[3] = 1; /* the unmap flag is not allowed on a discard */
	memcpy(fe_gpa(&f, FE_DATA_GPA), seg, 16);
	CHECK_EQ(fe_blk(&f, 0, T_DISCARD, 0, 0, 16), 1);
	seg[3] = 0;
	memcpy(fe_gpa(&f, FE_DATA_GPA), seg, 16);
	CHECK_EQ(fe_blk(&f, 0, T_DISCARD, 0, 0, 16), 0);
	close_fe(&f);
}

/* Submit a raw chain and return the used length, or -2 on a timeout. */
static long raw_chain(struct fe *f, const struct fe_desc *d, unsigned n)
{
	uint32_t id, len;

	fe_submit(f, 0, d, n);
	return fe_wait_used(f, 0, &id, &len) < 0 ? -2 : (long)len;
}

TEST(malformed_chains_are_refused)
{
	uint32_t hdr[4] = { T_IN, 0, 0, 0 };
	struct fe_desc *table;
	struct nvmu_vhost_blk_stats before, after;
	uint64_t outside = MEM_SIZE + 4096;
	struct fe f;

	if (!open_fe(&f, true, false))
		return;
	nvmu_vhost_blk_stats(backend, &before);
	memcpy(fe_gpa(&f, FE_HDR_GPA), hdr, sizeof(hdr));
	table = fe_gpa(&f, FE_INDIRECT_GPA);
	/* data outside guest memory */
	CHECK_EQ(raw_chain(&f, (struct fe_desc[]){
		{ FE_HDR_GPA, 16, FE_DESC_NEXT, 1 },
		{ outside, 4096, FE_DESC_NEXT | FE_DESC_WRITE, 2 },
		{ FE_STATUS_GPA, 1, FE_DESC_WRITE, 0 } }, 3), 0);
	/* data that starts inside and runs past the end */
	CHECK_EQ(raw_chain(&f, (struct fe_desc[]){
		{ FE_HDR_GPA, 16, FE_DESC_NEXT, 1 },
		{ MEM_SIZE - 512, 4096, FE_DESC_NEXT | FE_DESC_WRITE, 2 },
		{ FE_STATUS_GPA, 1, FE_DESC_WRITE, 0 } }, 3), 0);
	/* a loop */
	CHECK_EQ(raw_chain(&f, (struct fe_desc[]){
		{ FE_HDR_GPA, 16, FE_DESC_NEXT, 1 },
		{ FE_DATA_GPA, 512, FE_DESC_NEXT | FE_DESC_WRITE, 0 } }, 2), 0);
	/* next beyond the table */
	CHECK_EQ(raw_chain(&f, (struct fe_desc[]){
		{ FE_HDR_GPA, 16, FE_DESC_NEXT, 200 } }, 1), 0);
	/* a readable descriptor after a writable one */
	CHECK_EQ(raw_chain(&f, (struct fe_desc[]){
		{ FE_STATUS_GPA, 1, FE_DESC_WRITE | FE_DESC_NEXT, 1 },
		{ FE_HDR_GPA, 16, 0, 0 } }, 2), 0);
	/* no writable byte for the status */
	CHECK_EQ(raw_chain(&f, (struct fe_desc[]){ { FE_HDR_GPA, 16, 0, 0 } }, 1), 0);
	/* an indirect table inside an indirect table, and one of a bad length */
	table[0] = (struct fe_desc){ FE_INDIRECT_GPA, 32, FE_DESC_INDIRECT, 0 };
	CHECK_EQ(raw_chain(&f, (struct fe_desc[]){
		{ FE_INDIRECT_GPA, 32, FE_DESC_INDIRECT, 0 } }, 1), 0);
	CHECK_EQ(raw_chain(&f, (struct fe_desc[]){
		{ FE_INDIRECT_GPA, 24, FE_DESC_INDIRECT, 0 } }, 1), 0);
	CHECK_EQ(raw_chain(&f, (struct fe_desc[]){
		{ outside, 48, FE_DESC_INDIRECT, 0 } }, 1), 0);
	/* a loop inside an indirect table */
	table[0] = (struct fe_desc){ FE_HDR_GPA, 16, FE_DESC_NEXT, 1 };
	table[1] = (struct fe_desc){ FE_DATA_GPA, 512, FE_DESC_NEXT | FE_DESC_WRITE, 0 };
	CHECK_EQ(raw_chain(&f, (struct fe_desc[]){
		{ FE_INDIRECT_GPA, 32, FE_DESC_INDIRECT, 0 } }, 1), 0);
	/* a read into a device-readable buffer: failed, the buffer untouched */
	uint8_t *data = fe_gpa(&f, FE_DATA_GPA);

	memset(data, 0x5a, 512);
	CHECK_EQ(raw_chain(&f, (struct fe_desc[]){
		{ FE_HDR_GPA, 16, FE_DESC_NEXT, 1 },
		{ FE_DATA_GPA, 512, FE_DESC_NEXT, 2 },
		{ FE_STATUS_GPA, 1, FE_DESC_WRITE, 0 } }, 3), 1);
	CHECK_EQ(*(uint8_t *)fe_gpa(&f, FE_STATUS_GPA), 1);
	CHECK_EQ(data[0], 0x5a);
	CHECK_EQ(data[511], 0x5a);
	/* beyond the end of the disk, misaligned length, unknown type, short header */
	CHECK_EQ(fe_blk(&f, 0, T_IN, UINT64_MAX / 1024, 0, 512), 1);
	CHECK_EQ(fe_blk(&f, 0, T_IN, 0, 0, 100), 1);
	CHECK_EQ(fe_blk(&f, 0, 77, 0, 0, 512), 2);
	CHECK_EQ(raw_chain(&f, (struct fe_desc[]){
		{ FE_HDR_GPA, 8, FE_DESC_NEXT, 1 },
		{ FE_STATUS_GPA, 1, FE_DESC_WRITE, 0 } }, 2), 1);
	CHECK_EQ(*(uint8_t *)fe_gpa(&f, FE_STATUS_GPA), 1);
	/* and the ring still serves */
	fill(data, 4096, 9);
	CHECK_EQ(fe_blk(&f, 0, T_OUT, 32, 0, 4096), 0);
	CHECK_EQ(fe_blk(&f, 0, T_IN, 32, 8192, 4096), 0);
	CHECK(memcmp(data, data + 8192, 4096) == 0);
	nvmu_vhost_blk_stats(backend, &after);
	CHECK(after.bad_requests - before.bad_requests >= 14);
	close_fe(&f);
}

TEST(stop_and_restart_rings)
{
	uint32_t st[2] = { 0, 0 };
	struct fe f;

	if (!open_fe(&f, true, false))
		return;
	for (int i = 0; i < 5; i++)
		CHECK_EQ(fe_blk(&f, 0, T_IN, (uint64_t)i * 8, 0, 4096), 0);
	/* a stop as QEMU does it: disable, then GET_VRING_BASE */
	st[1] = 0;
	CHECK_EQ(fe_ack(&f, FE_SET_VRING_ENABLE, st, 8, NULL, 0), 0);
	st[1] = 0;
	CHECK_EQ(fe_send(&f, FE_GET_VRING_BASE, 0, st, 8, NULL, 0), 0);
	CHECK_EQ(fe_recv(&f, st, sizeof(st)), 8);
	CHECK_EQ(st[0], 0);
	CHECK_EQ(st[1], 5);
	/* start again where it stopped */
	CHECK_EQ(fe_start_ring(&f, 0, 5), 0);
	fill(fe_gpa(&f, FE_DATA_GPA), 4096, 11);
	CHECK_EQ(fe_blk(&f, 0, T_OUT, 40, 0, 4096), 0);
	CHECK_EQ(fe_blk(&f, 0, T_IN, 40, 8192, 4096), 0);
	CHECK(memcmp(fe_gpa(&f, FE_DATA_GPA), fe_gpa(&f, FE_DATA_GPA + 8192), 4096) == 0);
	close_fe(&f);
}

/* A region removed while a ring runs: its requests wait, nothing is touched. */
TEST(memory_region_removed_and_added_back)
{
	uint64_t region[4] = { 0, MEM_SIZE, 0, 0 }, msg[5] = { 0 };
	uint32_t id, len;
	struct fe f;

	if (!open_fe(&f, true, true))
		return;
	region[2] = (uint64_t)(uintptr_t)f.mem;
	memcpy(msg + 1, region, sizeof(region));
	CHECK_EQ(fe_ack(&f, FE_REM_MEM_REG, msg, sizeof(msg), NULL, 0), 0);
	uint32_t hdr[4] = { T_IN, 0, 0, 0 };

	memcpy(fe_gpa(&f, FE_HDR_GPA), hdr, sizeof(hdr));
	fe_submit(&f, 0, (struct fe_desc[]){
		{ FE_HDR_GPA, 16, FE_DESC_NEXT, 1 },
		{ FE_DATA_GPA, 512, FE_DESC_NEXT | FE_DESC_WRITE, 2 },
		{ FE_STATUS_GPA, 1, FE_DESC_WRITE, 0 } }, 3);
	usleep(100000);
	CHECK_EQ(*(volatile uint16_t *)fe_gpa(&f, FE_RING_GPA(0) + 0x8000 + 2), 0);
	CHECK_EQ(fe_ack(&f, FE_ADD_MEM_REG, msg, sizeof(msg), &f.memfd, 1), 0);
	eventfd_write(f.ring[0].kick, 1);
	CHECK_EQ(fe_wait_used(&f, 0, &id, &len), 0);
	CHECK_EQ(len, 513);
	close_fe(&f);
}

/* Each message breaks the protocol: a failure ack, or the connection ends. */
TEST(malformed_messages)
{
	uint8_t big[5000] = { 0 }, table[8 + 32 * 9] = { 9 };
	uint32_t st[2];
	uint64_t v, msg[5] = { 0, 0, 4096, 0, 0 };
	struct fe f;

	/* before any start-up */
	memset(&f, 0, sizeof(f));
	if (fe_memory(&f, MEM_SIZE) < 0 || fe_connect(&f, sock_path) < 0) {
		CHECK(!"front-end set-up");
		return;
	}
	/* without REPLY_ACK, a message the back-end does not know ends the connection */
	CHECK_EQ(fe_send(&f, 99, 0, NULL, 0, NULL, 0), 0);
	CHECK(fe_closed(&f));
	fe_close(&f);
	CHECK_EQ(fe_connect(&f, sock_path), 0);
	v = (1ull << 0) | (1ull << 3) | (1ull << 9) | (1ull << 15); /* MQ, REPLY_ACK, ... */
	CHECK_EQ(fe_send(&f, FE_SET_PROTOCOL_FEATURES, 0, &v, 8, NULL, 0), 0);
	CHECK_EQ(fe_ack(&f, 99, NULL, 0, NULL, 0), 1);
	CHECK_EQ(fe_ack(&f, FE_SET_MEM_TABLE, table, sizeof(table), NULL, 0), 1);
	st[0] = 0;
	st[1] = 3;
	CHECK_EQ(fe_ack(&f, FE_SET_VRING_NUM, st, 8, NULL, 0), 1);
	st[0] = 200;
	st[1] = 16;
	CHECK_EQ(fe_ack(&f, FE_SET_VRING_NUM, st, 8, NULL, 0), 1);
	CHECK_EQ(fe_ack(&f, FE_ADD_MEM_REG, msg, sizeof(msg), NULL, 0), 1);
	v = 1ull << 63;
	CHECK_EQ(fe_ack(&f, FE_SET_FEATURES, &v, 8, NULL, 0), 1);
	CHECK_EQ(fe_ack(&f, FE_SET_VRING_NUM, st, 4, NULL, 0), 1); /* short payload */
	/* a ring whose addresses lie outside guest memory does not start */
	uint8_t one[8 + 32] = { 1 };
	uint64_t region[4] = { 0, MEM_SIZE, (uint64_t)(uintptr_t)f.mem, 0 };

	memcpy(one + 8, region, sizeof(region));
	CHECK_EQ(fe_ack(&f, FE_SET_MEM_TABLE, one, sizeof(one), &f.memfd, 1), 0);
	st[0] = 0;
	CHECK_EQ(fe_ack(&f, FE_SET_VRING_NUM, st, 8, NULL, 0), 0);
	uint64_t addr[5] = { 0, 1ull << 40, 1ull << 40, 1ull << 40, 0 };

	CHECK_EQ(fe_ack(&f, FE_SET_VRING_ADDR, addr, sizeof(addr), NULL, 0), 0);
	int kick = eventfd(0, 0);

	v = 0;
	CHECK_EQ(fe_ack(&f, FE_SET_VRING_KICK, &v, 8, &kick, 1), 1);
	close(kick);
	/* GET_CONFIG of a bad size asks for no ack: the connection ends */
	uint32_t cfg[3] = { 0, 300, 0 };

	CHECK_EQ(fe_send(&f, FE_GET_CONFIG, 0, cfg, sizeof(cfg), NULL, 0), 0);
	CHECK(fe_closed(&f));
	fe_close(&f);

	/* a payload larger than any message */
	CHECK_EQ(fe_connect(&f, sock_path), 0);
	CHECK_EQ(fe_send(&f, FE_GET_FEATURES, 0, big, sizeof(big), NULL, 0), 0);
	CHECK(fe_closed(&f));
	fe_close(&f);

	/* too many descriptors */
	int fds[16];

	for (int i = 0; i < 16; i++)
		fds[i] = f.memfd;
	CHECK_EQ(fe_connect(&f, sock_path), 0);
	CHECK_EQ(fe_send(&f, FE_SET_OWNER, 0, NULL, 0, fds, 16), 0);
	CHECK(fe_closed(&f));
	fe_close(&f);

	/* a message cut short by the front-end going away */
	CHECK_EQ(fe_connect(&f, sock_path), 0);
	uint32_t hdr[4] = { FE_SET_FEATURES, 1, 8, 0 };

	CHECK(write(f.sock, hdr, 16) == 16);
	fe_close(&f);
	munmap(f.mem, f.mem_size);
	close(f.memfd);

	/* a bad avail index stops the ring, and the next connection is served */
	if (!open_fe(&f, true, false))
		return;
	uint16_t *avail = fe_gpa(&f, FE_RING_GPA(0) + 0x4000);
	uint32_t id, len;

	avail[1] = 100;
	eventfd_write(f.ring[0].kick, 1);
	CHECK_EQ(fe_wait_used(&f, 0, &id, &len), -ETIMEDOUT);
	close_fe(&f);
	if (!open_fe(&f, false, false))
		return;
	CHECK_EQ(fe_blk(&f, 0, T_IN, 0, 0, 4096), 0);
	close_fe(&f);
}

TEST(zero_copy_and_counts)
{
	struct nvmu_vhost_blk_stats st;
	struct fe f;

	if (!open_fe(&f, true, false))
		return;
	nvmu_vhost_blk_stats(backend, &st);
	printf("# regions %u (with DMA %u), requests %llu, bounced %llu, refused %llu\n",
	       st.regions, st.regions_dma, (unsigned long long)st.requests,
	       (unsigned long long)st.bounced, (unsigned long long)st.bad_requests);
	CHECK_EQ(st.regions, 1);
	CHECK(st.connections >= 8);
	if (zero_copy) {
		CHECK_EQ(st.regions_dma, 1);
		CHECK_EQ(st.bounced, 0);
	}
	close_fe(&f);
}

/* --read-only: RO offered, writes and discards fail, reads and flushes work. */
TEST(read_only_device)
{
	struct nvmu_vhost_blk_opts opts = { .opts_size = sizeof(opts), .queues = 2,
					    .read_only = true };
	char path[160], *saved = strdup(sock_path);
	struct nvmu_vhost_blk *ro;
	struct fe f;

	snprintf(path, sizeof(path), "%.120s.ro", sock_path);
	if (nvmu_vhost_blk_create(host, path, &opts, &ro) < 0 || nvmu_vhost_blk_start(ro) < 0) {
		CHECK(!"read-only back-end");
		free(saved);
		return;
	}
	snprintf(sock_path, sizeof(sock_path), "%s", path);
	if (open_fe(&f, true, false)) {
		CHECK(f.features & (1ull << 5));            /* VIRTIO_BLK_F_RO */
		CHECK(!(f.features & (1ull << 13)));        /* no DISCARD */
		CHECK_EQ(fe_blk(&f, 0, T_IN, 0, 0, 4096), 0);
		CHECK_EQ(fe_blk(&f, 0, T_OUT, 0, 0, 4096), 1);
		CHECK_EQ(fe_blk(&f, 0, T_FLUSH, 0, 0, 0), 0);
		close_fe(&f);
	}
	snprintf(sock_path, sizeof(sock_path), "%s", saved);
	free(saved);
	nvmu_vhost_blk_destroy(ro);
}

static struct nvmu_transport *soft_transport(void)
{
	struct nvmu_transport *t = nvmu_ctrl_transport(nvmu_host_core(host));

	return nvmu_soft_is(t) ? t : NULL;
}

/* A controller reset underneath a running ring: requests wait and go on after it. */
TEST(controller_reset_under_a_running_ring)
{
	struct fe f;

	if (!open_fe(&f, true, false))
		return;
	fill(fe_gpa(&f, FE_DATA_GPA), 4096, 31);
	CHECK_EQ(fe_blk(&f, 0, T_OUT, 72, 0, 4096), 0);
	CHECK_EQ(nvmu_host_reset(host), 0);
	CHECK_EQ(fe_blk(&f, 1, T_IN, 72, 8192, 4096), 0);
	CHECK(memcmp(fe_gpa(&f, FE_DATA_GPA), fe_gpa(&f, FE_DATA_GPA + 8192), 4096) == 0);
	close_fe(&f);
}

/* Last: the device goes away; the guest's requests fail, the backend says why. */
TEST(device_removed)
{
	struct nvmu_transport *t = soft_transport();
	const char *why = NULL;
	struct fe f;

	if (!t) {
		printf("# skipped: the device is not soft:\n");
		return;
	}
	if (!open_fe(&f, true, false))
		return;
	CHECK_EQ(fe_blk(&f, 0, T_IN, 0, 0, 4096), 0);
	nvmu_soft_surprise_remove(t);
	CHECK_EQ(fe_blk(&f, 0, T_IN, 0, 0, 4096), 1);
	for (int i = 0; i < 200 && !nvmu_vhost_blk_failed(backend, &why); i++)
		usleep(10000);
	CHECK_EQ(nvmu_vhost_blk_failed(backend, &why), -ENODEV);
	CHECK_STR_CONTAINS(why, "removed");
	close_fe(&f);
}

static int run(void)
{
	static const struct check_test tests[] = {
		T(write_then_read_on_two_queues), T(framing_independent_of_descriptors),
		T(indirect_descriptors), T(get_id_config_discard_write_zeroes),
		T(malformed_chains_are_refused), T(stop_and_restart_rings),
		T(inflight_region_resends_what_a_dead_backend_had),
		T(memory_region_removed_and_added_back), T(malformed_messages),
		T(interceptors_chain), T(read_only_device),
		T(controller_reset_under_a_running_ring),
		T(zero_copy_and_counts), T(device_removed),
	};

	return check_run(tests, sizeof(tests) / sizeof(tests[0]));
}

int main(int argc, char **argv)
{
	struct nvmu_vhost_blk_opts opts = { .opts_size = sizeof(opts), .queues = 2,
					    .serial = "vhost-test" };
	char dir[] = "/tmp/nvmu-vhost-test.XXXXXX";
	int ret;

	if (argc > 1)
		dev = argv[1];
	zero_copy = argc > 2 && strcmp(argv[2], "zero-copy") == 0;
	if (!mkdtemp(dir) || nvmu_host_attach(dev, NULL, &host) < 0) {
		printf("Bail out! attach %s: %s\n", dev, nvmu_last_error());
		return 1;
	}
	snprintf(sock_path, sizeof(sock_path), "%s/vhost.sock", dir);
	if (nvmu_vhost_blk_create(host, sock_path, &opts, &backend) < 0 ||
	    nvmu_vhost_blk_start(backend) < 0) {
		printf("Bail out! backend: %s\n", nvmu_last_error());
		return 1;
	}
	nvmu_log_set_level(NVMU_LOG_ERROR); /* the refusals are expected */
	ret = run();
	CHECK_EQ(nvmu_vhost_blk_stop(backend, 0), 0);
	nvmu_vhost_blk_destroy(backend);
	nvmu_host_detach(host);
	rmdir(dir);
	return ret;
}
