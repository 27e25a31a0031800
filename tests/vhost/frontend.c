/* SPDX-License-Identifier: MIT */
/* The test front-end (frontend.h). */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "frontend.h"

#define TIMEOUT_MS 5000
/* MQ, REPLY_ACK, CONFIG, INFLIGHT_SHMFD, CONFIGURE_MEM_SLOTS */
#define PF_WANTED ((1ull << 0) | (1ull << 3) | (1ull << 9) | (1ull << 12) | (1ull << 15))
#define F_EVENT_IDX (1ull << 29)

int fe_connect(struct fe *f, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	f->sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (f->sock < 0)
		return -errno;
	strncpy(sa.sun_path, path, sizeof(sa.sun_path) - 1);
	if (connect(f->sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

int fe_send(struct fe *f, uint32_t req, uint32_t flags, const void *payload, uint32_t size,
	    const int *fds, unsigned nfds)
{
	uint32_t hdr[3] = { req, 1 | flags, size };
	struct iovec iov[2] = { { hdr, sizeof(hdr) }, { (void *)payload, size } };
	union {
		char buf[CMSG_SPACE(sizeof(int) * 16)];
		struct cmsghdr align;
	} control;
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = size ? 2 : 1 };

	if (nfds) {
		mh.msg_control = control.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	return sendmsg(f->sock, &mh, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

static int read_timed(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		struct pollfd pf = { fd, POLLIN, 0 };

		if (poll(&pf, 1, TIMEOUT_MS) <= 0)
			return -ETIMEDOUT;
		ssize_t n = read(fd, (uint8_t *)buf + done, len - done);

		if (n <= 0)
			return -ECONNRESET;
		done += (size_t)n;
	}
	return 0;
}

/* The reply's header, and the descriptor sent with it (-1: none). */
static int read_header(int sock, uint32_t hdr[3], int *fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec io = { hdr, 12 };
	struct msghdr mh = { .msg_iov = &io, .msg_iovlen = 1, .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf) };
	struct pollfd pf = { sock, POLLIN, 0 };
	ssize_t n;

	*fd = -1;
	if (poll(&pf, 1, TIMEOUT_MS) <= 0)
		return -ETIMEDOUT;
	n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	if (n <= 0)
		return -ECONNRESET;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	return n < 12 ? read_timed(sock, (uint8_t *)hdr + n, 12 - (size_t)n) : 0;
}

int fe_recv(struct fe *f, void *payload, uint32_t max)
{
	int fd, ret = fe_recv_fd(f, payload, max, &fd);

	if (fd >= 0)
		close(fd);
	return ret;
}

int fe_recv_fd(struct fe *f, void *payload, uint32_t max, int *fd)
{
	uint32_t hdr[3];
	uint8_t sink[512];
	int ret = read_header(f->sock, hdr, fd);

	if (ret < 0)
		return ret;
	if (hdr[2] > sizeof(sink))
		return -EPROTO;
	ret = read_timed(f->sock, sink, hdr[2]);
	if (ret < 0)
		return ret;
	memcpy(payload, sink, hdr[2] < max ? hdr[2] : max);
	return (int)hdr[2];
}

int fe_ack(struct fe *f, uint32_t req, const void *payload, uint32_t size, const int *fds,
	   unsigned nfds)
{
	uint64_t ack = 0;
	int ret = fe_send(f, req, FE_NEED_REPLY, payload, size, fds, nfds);

	if (ret < 0)
		return ret;
	ret = fe_recv(f, &ack, sizeof(ack));
	return ret < 0 ? ret : (int)ack;
}

bool fe_closed(struct fe *f)
{
	uint8_t b[64];

	for (;;) {
		int ret = read_timed(f->sock, b, 1);

		if (ret == -ECONNRESET)
			return true;
		if (ret < 0)
			return false;
	}
}

int fe_memory(struct fe *f, size_t mem_size)
{
	f->memfd = memfd_create("fe-guest", MFD_CLOEXEC);
	if (f->memfd < 0 || ftruncate(f->memfd, (off_t)mem_size) < 0)
		return -errno;
	f->mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE, MAP_SHARED, f->memfd, 0);
	if (f->mem == MAP_FAILED)
		return -errno;
	f->mem_size = mem_size;
	return 0;
}

void *fe_gpa(struct fe *f, uint64_t gpa)
{
	return f->mem + gpa;
}

static int get_u64(struct fe *f, uint32_t req, uint64_t *v)
{
	int ret = fe_send(f, req, 0, NULL, 0, NULL, 0);

	if (ret < 0)
		return ret;
	ret = fe_recv(f, v, sizeof(*v));
	return ret == 8 ? 0 : ret < 0 ? ret : -EPROTO;
}

int fe_start_ring(struct fe *f, unsigned q, uint16_t base)
{
	uint64_t ring = FE_RING_GPA(q), qva = (uint64_t)(uintptr_t)f->mem;
	uint32_t st[2] = { q, f->num };
	uint64_t addr[5] = { 0, qva + ring, qva + ring + 0x8000, qva + ring + 0x4000, 0 };
	uint32_t idx[2] = { q, 0 };
	uint64_t v;
	int ret;

	memcpy(addr, idx, 8); /* index, flags */
	if ((ret = fe_ack(f, FE_SET_VRING_NUM, st, 8, NULL, 0)))
		return ret;
	st[1] = base;
	if ((ret = fe_ack(f, FE_SET_VRING_BASE, st, 8, NULL, 0)))
		return ret;
	if ((ret = fe_ack(f, FE_SET_VRING_ADDR, addr, sizeof(addr), NULL, 0)))
		return ret;
	if (f->ring[q].call <= 0) {
		f->ring[q].call = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		f->ring[q].kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	}
	v = q;
	if ((ret = fe_ack(f, FE_SET_VRING_CALL, &v, 8, &f->ring[q].call, 1)))
		return ret;
	if ((ret = fe_ack(f, FE_SET_VRING_KICK, &v, 8, &f->ring[q].kick, 1)))
		return ret;
	f->ring[q].avail_idx = base;
	f->ring[q].used_seen = *(volatile uint16_t *)fe_gpa(f, ring + 0x8000 + 2);
	st[1] = 1;
	return fe_ack(f, FE_SET_VRING_ENABLE, st, 8, NULL, 0);
}

int fe_start(struct fe *f, unsigned queues, unsigned num, bool event_idx, bool add_mem_reg)
{
	uint64_t v, region[4] = { 0, f->mem_size, (uint64_t)(uintptr_t)f->mem, 0 };
	uint8_t table[8 + 32] = { 1 };
	int ret;

	f->num = num;
	f->queues = queues;
	if ((ret = get_u64(f, FE_GET_FEATURES, &f->features)))
		return ret;
	/* protocol features first, as QEMU: acks need REPLY_ACK */
	if ((ret = get_u64(f, FE_GET_PROTOCOL_FEATURES, &v)))
		return ret;
	v &= PF_WANTED;
	if ((ret = fe_send(f, FE_SET_PROTOCOL_FEATURES, 0, &v, 8, NULL, 0)))
		return ret;
	v = event_idx ? f->features : f->features & ~F_EVENT_IDX;
	if ((ret = fe_ack(f, FE_SET_FEATURES, &v, 8, NULL, 0)))
		return ret;
	if ((ret = fe_ack(f, FE_SET_OWNER, NULL, 0, NULL, 0)))
		return ret;
	if (add_mem_reg) {
		uint64_t msg[5] = { 0, region[0], region[1], region[2], region[3] };

		ret = fe_ack(f, FE_ADD_MEM_REG, msg, sizeof(msg), &f->memfd, 1);
	} else {
		memcpy(table + 8, region, sizeof(region));
		ret = fe_ack(f, FE_SET_MEM_TABLE, table, sizeof(table), &f->memfd, 1);
	}
	for (unsigned q = 0; q < queues && ret == 0; q++)
		ret = fe_start_ring(f, q, 0);
	return ret;
}

void fe_submit(struct fe *f, unsigned q, const struct fe_desc *descs, unsigned n)
{
	uint64_t ring = FE_RING_GPA(q);
	uint16_t *avail = fe_gpa(f, ring + 0x4000);
	struct fe_ring *r = &f->ring[q];

	memcpy(fe_gpa(f, ring), descs, n * sizeof(*descs));
	avail[2 + r->avail_idx % f->num] = 0;
	r->avail_idx++;
	__atomic_store_n(&avail[1], r->avail_idx, __ATOMIC_RELEASE);
	eventfd_write(r->kick, 1);
}

int fe_wait_used(struct fe *f, unsigned q, uint32_t *id, uint32_t *len)
{
	uint64_t ring = FE_RING_GPA(q);
	volatile uint16_t *used_idx = fe_gpa(f, ring + 0x8000 + 2);
	struct fe_ring *r = &f->ring[q];

	for (int i = 0; i < TIMEOUT_MS; i++) {
		if (__atomic_load_n(used_idx, __ATOMIC_ACQUIRE) != r->used_seen) {
			uint32_t *elem = fe_gpa(f, ring + 0x8000 + 4 + 8 * (r->used_seen % f->num));

			*id = elem[0];
			*len = elem[1];
			r->used_seen++;
			return 0;
		}
		usleep(1000);
	}
	return -ETIMEDOUT;
}

int fe_blk(struct fe *f, unsigned q, uint32_t type, uint64_t sector, uint64_t data_off,
	   uint32_t len)
{
	uint8_t *status = fe_gpa(f, FE_STATUS_GPA);
	uint32_t hdr[4] = { type, 0, (uint32_t)sector, (uint32_t)(sector >> 32) };
	bool in = type == 0 || type == 8;
	struct fe_desc d[3] = {
		{ FE_HDR_GPA, 16, FE_DESC_NEXT, 1 },
		{ FE_DATA_GPA + data_off, len, FE_DESC_NEXT | (in ? FE_DESC_WRITE : 0), 2 },
		{ FE_STATUS_GPA, 1, FE_DESC_WRITE, 0 },
	};
	uint32_t id, used_len;

	memcpy(fe_gpa(f, FE_HDR_GPA), hdr, sizeof(hdr));
	*status = 0xee;
	if (len) {
		fe_submit(f, q, d, 3);
	} else {
		d[0].next = 2;
		fe_submit(f, q, (struct fe_desc[]){ d[0], d[1], d[2] }, 3);
	}
	if (fe_wait_used(f, q, &id, &used_len) < 0)
		return -2;
	return used_len == 0 ? -1 : *status;
}

void fe_close(struct fe *f)
{
	if (f->sock >= 0)
		close(f->sock);
	f->sock = -1;
}
