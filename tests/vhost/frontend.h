/* SPDX-License-Identifier: MIT */
/*
 * A minimal vhost-user front-end for tests: it plays QEMU's part (messages, shared guest
 * memory from a memfd, split rings it fills itself) so that tests can send what QEMU
 * never would - malformed messages, descriptor chains that point outside memory, loops -
 * and check how the back-end answers. One request at a time: the chain under test
 * always starts at descriptor 0 of the table.
 */
#ifndef NVMU_TEST_VHOST_FRONTEND_H
#define NVMU_TEST_VHOST_FRONTEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* vhost-user messages the tests send */
enum {
	FE_GET_FEATURES = 1, FE_SET_FEATURES = 2, FE_SET_OWNER = 3, FE_SET_MEM_TABLE = 5,
	FE_SET_VRING_NUM = 8, FE_SET_VRING_ADDR = 9, FE_SET_VRING_BASE = 10,
	FE_GET_VRING_BASE = 11, FE_SET_VRING_KICK = 12, FE_SET_VRING_CALL = 13,
	FE_GET_PROTOCOL_FEATURES = 15, FE_SET_PROTOCOL_FEATURES = 16, FE_GET_QUEUE_NUM = 17,
	FE_SET_VRING_ENABLE = 18, FE_GET_CONFIG = 24, FE_SET_CONFIG = 25,
	FE_GET_INFLIGHT_FD = 31, FE_SET_INFLIGHT_FD = 32, FE_GET_MAX_MEM_SLOTS = 36,
	FE_ADD_MEM_REG = 37, FE_REM_MEM_REG = 38,
};

#define FE_NEED_REPLY (1u << 3)
#define FE_DESC_NEXT 1
#define FE_DESC_WRITE 2
#define FE_DESC_INDIRECT 4

/* guest physical layout of the test's memory */
#define FE_RING_GPA(q) ((uint64_t)(q) * 0x10000)
#define FE_INDIRECT_GPA 0x40000ull
#define FE_HDR_GPA 0x50000ull
#define FE_STATUS_GPA 0x58000ull
#define FE_DATA_GPA 0x100000ull

struct fe_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct fe_ring {
	int kick, call;
	uint16_t avail_idx, used_seen;
};

struct fe {
	int sock;
	int memfd;
	uint8_t *mem;
	size_t mem_size;
	unsigned num, queues;
	uint64_t features;
	struct fe_ring ring[2];
};

/* Connect to the back-end's socket; 0 or -errno. */
int fe_connect(struct fe *f, const char *path);
/* Send one message (flags: FE_NEED_REPLY or 0) with descriptors; 0 or -errno. */
int fe_send(struct fe *f, uint32_t req, uint32_t flags, const void *payload, uint32_t size,
	    const int *fds, unsigned nfds);
/* Receive a reply within 5 s: its payload size, -ETIMEDOUT, or -ECONNRESET at EOF. */
int fe_recv(struct fe *f, void *payload, uint32_t max);
/* The same, and the descriptor that came with it in *fd (-1: none). */
int fe_recv_fd(struct fe *f, void *payload, uint32_t max, int *fd);
/* Send with FE_NEED_REPLY and return the ack (0 success, 1 failure) or a negative errno. */
int fe_ack(struct fe *f, uint32_t req, const void *payload, uint32_t size, const int *fds,
	   unsigned nfds);
/* true once the back-end closed the connection (within 5 s). */
bool fe_closed(struct fe *f);
/* Map @p mem_size bytes of memfd memory as the guest's (gpa 0 = offset 0). */
int fe_memory(struct fe *f, size_t mem_size);
/*
 * The whole start-up of a device: features (EVENT_IDX only when @p event_idx), protocol
 * features, memory (ADD_MEM_REG when @p add_mem_reg, else SET_MEM_TABLE), and @p queues
 * rings of @p num entries started and enabled. 0 or the first failure.
 */
int fe_start(struct fe *f, unsigned queues, unsigned num, bool event_idx, bool add_mem_reg);
/* Start ring @p q (size, base, addresses, call, kick, enable); 0 or the first failure. */
int fe_start_ring(struct fe *f, unsigned q, uint16_t base);
/* Put chain descs[0..n) at descriptor 0 of ring @p q's table and kick. */
void fe_submit(struct fe *f, unsigned q, const struct fe_desc *descs, unsigned n);
/* Wait up to 5 s for the next used entry of ring @p q: 0 and its id/len, or -ETIMEDOUT. */
int fe_wait_used(struct fe *f, unsigned q, uint32_t *id, uint32_t *len);
/* Our pointer to guest physical address @p gpa. */
void *fe_gpa(struct fe *f, uint64_t gpa);
/*
 * A well-formed virtio-blk request: header (type, sector), @p len bytes of data at
 * FE_DATA_GPA + @p data_off (device-writable for reads), status. Returns the status
 * byte, or -1 when the back-end gave the chain back unanswered, -2 on a timeout.
 */
int fe_blk(struct fe *f, unsigned q, uint32_t type, uint64_t sector, uint64_t data_off,
	   uint32_t len);
void fe_close(struct fe *f);

#endif
