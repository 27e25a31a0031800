/* SPDX-License-Identifier: MIT */
/*
 * The in-flight region (vhost-user INFLIGHT_SHMFD) through the test front-end: the
 * front-end plays what a back-end that died leaves in it, and the back-end must send
 * again exactly what was still in flight (part of test_vhost_protocol).
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "protocol_test.h"

/* The in-flight region's layout (vhost-user's INFLIGHT_SHMFD, split rings). */
struct inflight_msg {
	uint64_t size, offset;
	uint16_t queues, queue_size;
	uint32_t pad;
};
struct inflight_queue {
	uint64_t features;
	uint16_t version, desc_num, last_batch_head, used_idx;
};
struct inflight_desc {
	uint8_t inflight, padding[5];
	uint16_t next;
	uint64_t counter;
};

/*
 * The in-flight region as a back-end that died leaves it: it had taken heads 8, 4 and 0
 * from the avail ring, published head 8's used entry and died before clearing its flag.
 * The next back-end sends 4 and 0 again, not 8, and takes the avail entries after them
 * as new.
 */
void inflight_region_resends_what_a_dead_backend_had(void)
{
	struct inflight_msg im = { 0, 0, 2, NUM, 0 };
	uint32_t st[2] = { 0, 0 }, id[2], len;
	uint64_t ring = FE_RING_GPA(0);
	struct nvmu_vhost_blk_stats before, after;
	struct fe f;
	int fd = -1;

	if (!open_fe(&f, true, false))
		return;
	nvmu_vhost_blk_stats(backend, &before);
	/* stop the rings as QEMU does, then ask for the region */
	for (uint32_t q = 0; q < 2; q++) {
		st[0] = q;
		st[1] = 0;
		CHECK_EQ(fe_ack(&f, FE_SET_VRING_ENABLE, st, 8, NULL, 0), 0);
		CHECK_EQ(fe_send(&f, FE_GET_VRING_BASE, 0, st, 8, NULL, 0), 0);
		CHECK_EQ(fe_recv(&f, st, sizeof(st)), 8);
		CHECK_EQ(st[1], 0);
	}
	CHECK_EQ(fe_send(&f, FE_GET_INFLIGHT_FD, 0, &im, sizeof(im), NULL, 0), 0);
	CHECK_EQ(fe_recv_fd(&f, &im, sizeof(im), &fd), (int)sizeof(im));
	CHECK(fd >= 0);
	CHECK(im.size >= 2 * (sizeof(struct inflight_queue) + NUM * sizeof(struct inflight_desc)));
	uint8_t *region = fd < 0 ? MAP_FAILED : mmap(NULL, im.size, PROT_READ | PROT_WRITE,
						     MAP_SHARED, fd, (off_t)im.offset);

	CHECK(region != MAP_FAILED);
	if (region == MAP_FAILED) {
		close_fe(&f);
		return;
	}
	struct inflight_queue *iq = (void *)region;
	struct inflight_desc *d = (void *)(region + sizeof(*iq));

	CHECK_EQ(iq->version, 0); /* new */
	CHECK_EQ(iq->desc_num, NUM);

	struct fe_desc *table = fe_gpa(&f, ring);
	uint16_t *avail = fe_gpa(&f, ring + 0x4000), *used = fe_gpa(&f, ring + 0x8000);
	uint32_t *used_elem = fe_gpa(&f, ring + 0x8000 + 4);
	uint32_t h4[4] = { T_OUT, 0, 96, 0 }, h0[4] = { T_OUT, 0, 104, 0 };
	uint32_t h8[4] = { T_FLUSH, 0, 0, 0 };
	uint8_t *status = fe_gpa(&f, FE_STATUS_GPA);

	memcpy(fe_gpa(&f, FE_HDR_GPA), h4, 16);
	memcpy(fe_gpa(&f, FE_HDR_GPA + 16), h0, 16);
	memcpy(fe_gpa(&f, FE_HDR_GPA + 32), h8, 16);
	fill(fe_gpa(&f, FE_DATA_GPA), 8192, 41);
	memset(status, 0xee, 3);
	table[4] = (struct fe_desc){ FE_HDR_GPA, 16, FE_DESC_NEXT, 5 };
	table[5] = (struct fe_desc){ FE_DATA_GPA, 4096, FE_DESC_NEXT, 6 };
	table[6] = (struct fe_desc){ FE_STATUS_GPA, 1, FE_DESC_WRITE, 0 };
	table[0] = (struct fe_desc){ FE_HDR_GPA + 16, 16, FE_DESC_NEXT, 1 };
	table[1] = (struct fe_desc){ FE_DATA_GPA + 4096, 4096, FE_DESC_NEXT, 2 };
	table[2] = (struct fe_desc){ FE_STATUS_GPA + 1, 1, FE_DESC_WRITE, 0 };
	table[8] = (struct fe_desc){ FE_HDR_GPA + 32, 16, FE_DESC_NEXT, 9 };
	table[9] = (struct fe_desc){ FE_STATUS_GPA + 2, 1, FE_DESC_WRITE, 0 };
	avail[2] = 8;
	avail[3] = 4;
	avail[4] = 0;
	avail[1] = 3;
	used_elem[0] = 8;
	used_elem[1] = 1;
	used[1] = 1;
	iq->version = 1;
	iq->used_idx = 0;
	iq->last_batch_head = 8;
	d[8] = (struct inflight_desc){ .inflight = 1, .counter = 1 };
	d[4] = (struct inflight_desc){ .inflight = 1, .counter = 2 };
	d[0] = (struct inflight_desc){ .inflight = 1, .counter = 3 };
	/* a region too small for its queues is refused, and the connection goes on */
	uint64_t size = im.size;

	im.size = 64;
	CHECK_EQ(fe_ack(&f, FE_SET_INFLIGHT_FD, &im, sizeof(im), &fd, 1), 1);
	im.size = size;
	CHECK_EQ(fe_ack(&f, FE_SET_INFLIGHT_FD, &im, sizeof(im), &fd, 1), 0);
	/* QEMU starts the ring again at the used index: it could not ask the dead one */
	CHECK_EQ(fe_start_ring(&f, 0, 1), 0);
	CHECK_EQ(fe_start_ring(&f, 1, 0), 0);
	f.ring[0].avail_idx = 3;
	CHECK_EQ(fe_wait_used(&f, 0, &id[0], &len), 0);
	CHECK_EQ(fe_wait_used(&f, 0, &id[1], &len), 0);
	CHECK((id[0] == 4 && id[1] == 0) || (id[0] == 0 && id[1] == 4));
	CHECK_EQ(status[0], 0);
	CHECK_EQ(status[1], 0);
	CHECK_EQ(status[2], 0xee); /* the flush was not sent again */
	CHECK_EQ(d[0].inflight + d[4].inflight + d[8].inflight, 0);
	CHECK_EQ(iq->used_idx, 3);
	/* the two writes landed; the read is the only new entry taken after them */
	CHECK_EQ(fe_blk(&f, 0, T_IN, 96, 65536, 8192), 0);
	CHECK(memcmp(fe_gpa(&f, FE_DATA_GPA), fe_gpa(&f, FE_DATA_GPA + 65536), 8192) == 0);
	CHECK_EQ(__atomic_load_n(&used[1], __ATOMIC_ACQUIRE), 4);
	nvmu_vhost_blk_stats(backend, &after);
	CHECK_EQ(after.resubmitted - before.resubmitted, 2);
	/* no new region under running rings (their marks are in this one) */
	CHECK_EQ(fe_ack(&f, FE_SET_INFLIGHT_FD, &im, sizeof(im), &fd, 1), 1);
	CHECK_EQ(fe_blk(&f, 1, T_IN, 96, 65536, 4096), 0);
	munmap(region, im.size);
	close(fd);
	close_fe(&f);
}
