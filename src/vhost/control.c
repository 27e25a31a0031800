/* SPDX-License-Identifier: MIT */
/*
 * The vhost-user protocol, back-end side: feature negotiation, guest memory, ring
 * configuration, config space. Every message that changes state is handled while the
 * pollers are quiesced (no request in flight, see poller.c). A message that breaks the
 * protocol is answered with a failure when the front-end asked for an answer
 * (REPLY_ACK), and otherwise ends the connection: we never guess what it meant.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "vhost_internal.h"

enum {
	GET_FEATURES = 1, SET_FEATURES = 2, SET_OWNER = 3, RESET_OWNER = 4,
	SET_MEM_TABLE = 5, SET_VRING_NUM = 8, SET_VRING_ADDR = 9, SET_VRING_BASE = 10,
	GET_VRING_BASE = 11, SET_VRING_KICK = 12, SET_VRING_CALL = 13, SET_VRING_ERR = 14,
	GET_PROTOCOL_FEATURES = 15, SET_PROTOCOL_FEATURES = 16, GET_QUEUE_NUM = 17,
	SET_VRING_ENABLE = 18, SET_SLAVE_REQ_FD = 21, GET_CONFIG = 24, SET_CONFIG = 25,
	GET_INFLIGHT_FD = 31, SET_INFLIGHT_FD = 32, RESET_DEVICE = 34, GET_MAX_MEM_SLOTS = 36,
	ADD_MEM_REG = 37, REM_MEM_REG = 38,
};

#define PF_MQ 0
#define PF_REPLY_ACK 3
#define PF_CONFIG 9
#define PF_INFLIGHT_SHMFD 12
#define PF_CONFIGURE_MEM_SLOTS 15
#define PROTOCOL_FEATURES (1ull << PF_MQ | 1ull << PF_REPLY_ACK | 1ull << PF_CONFIG | \
			   1ull << PF_INFLIGHT_SHMFD | 1ull << PF_CONFIGURE_MEM_SLOTS)
#define F_PROTOCOL_FEATURES (1ull << 30)
#define F_INDIRECT (1ull << 28)
#define F_EVENT_IDX (1ull << 29)
#define FLAG_NEED_REPLY (1u << 3)
#define VRING_NOFD (1ull << 8)
#define WCE_OFFSET 32

struct vring_state {
	uint32_t index, num;
};

struct vring_addr {
	uint32_t index, flags;
	uint64_t desc, used, avail, log;
};

struct cfg_msg {
	uint32_t offset, size, flags;
	uint8_t data[256];
};

static int short_msg(const struct vh_msg *m, size_t need)
{
	return m->size < need ? nvmu_fail(EPROTO, "message %u: payload of %u bytes, %zu "
					  "needed", m->request, m->size, need) : 0;
}

static struct vh_vring *ring_of(struct nvmu_vhost_blk *b, uint32_t index)
{
	if (index >= b->opts.queues) {
		nvmu_fail(EPROTO, "virtqueue %u does not exist (the device has %u)", index,
			  b->opts.queues);
		return NULL;
	}
	return &b->vq[index];
}

/* Point the rings at the (new) memory table. */
static void refresh_rings(struct nvmu_vhost_blk *b)
{
	for (unsigned i = 0; i < b->opts.queues; i++)
		vh_vring_map(&b->vq[i], &b->mem);
}

static int take_fd(struct vh_msg *m, int *dst)
{
	if (m->nfds != 1)
		return nvmu_fail(EPROTO, "message %u carries %u file descriptors, 1 expected",
				 m->request, m->nfds);
	*dst = m->fds[0];
	m->nfds = 0;
	return 0;
}

/* SET_VRING_KICK/CALL/ERR: the ring index and a descriptor, or the no-descriptor flag. */
static int ring_fd(struct nvmu_vhost_blk *b, struct vh_msg *m, struct vh_vring **vq, int *fd)
{
	int ret = short_msg(m, 8);
	uint64_t v = m->payload.u64;

	if (ret < 0)
		return ret;
	*vq = ring_of(b, (uint32_t)(v & 0xff));
	if (!*vq)
		return -EPROTO;
	*fd = -1;
	if (v & VRING_NOFD)
		return m->nfds ? nvmu_fail(EPROTO, "ring descriptor message with a descriptor "
					   "and the no-descriptor flag") : 0;
	ret = take_fd(m, fd);
	/* Never block on the front-end's descriptors: QEMU makes its eventfds non-blocking
	 * itself, and a front-end that did not would otherwise stall a poller. */
	if (ret == 0) {
		int fl = fcntl(*fd, F_GETFL);

		if (fl < 0 || fcntl(*fd, F_SETFL, fl | O_NONBLOCK) < 0) {
			close(*fd);
			return nvmu_fail(EPROTO, "ring descriptor message with a descriptor that "
					 "cannot be made non-blocking");
		}
	}
	return ret;
}

static void replace_fd(int *slot, int fd)
{
	if (*slot >= 0)
		close(*slot);
	*slot = fd;
}

static int start_ring(struct nvmu_vhost_blk *b, struct vh_vring *vq)
{
	if (!vh_vring_map(vq, &b->mem))
		return nvmu_fail(EPROTO, "virtqueue %u: its addresses are not in guest memory, "
				 "or its size or addresses were never set", vq->index);
	int ret = vh_vring_alloc(vq, b);

	if (ret < 0)
		return ret;
	vq->last_avail = vq->base;
	vq->used_idx = __atomic_load_n((volatile uint16_t *)(vq->used + 2), __ATOMIC_ACQUIRE);
	vq->signalled_used = vq->used_idx;
	vq->event_idx = b->acked & F_EVENT_IDX;
	vq->indirect = b->acked & F_INDIRECT;
	vq->broken = false;
	ret = vh_inflight_attach(vq, &b->inflight, b->acked);
	if (ret < 0)
		return ret;
	vq->started = true;
	if (!(b->acked & F_PROTOCOL_FEATURES))
		vq->enabled = true; /* without protocol features rings start enabled */
	return 0;
}

static int mem_regions(struct nvmu_vhost_blk *b, struct vh_msg *m)
{
	uint32_t n;
	int ret = short_msg(m, 8);

	if (ret < 0)
		return ret;
	memcpy(&n, m->payload.bytes, 4);
	if (n > VH_MAX_REGIONS || n != m->nfds)
		return nvmu_fail(EPROTO, "memory table of %u regions with %u descriptors", n,
				 m->nfds);
	ret = short_msg(m, 8 + 32 * (size_t)n);
	if (ret < 0)
		return ret;
	vh_mem_clear(&b->mem, b->h);
	for (uint32_t i = 0; i < n && ret == 0; i++) {
		struct vh_region_msg rm;

		memcpy(&rm, m->payload.bytes + 8 + 32 * i, sizeof(rm));
		ret = vh_mem_add(&b->mem, b->h, &rm, m->fds[i]);
	}
	refresh_rings(b);
	return ret;
}

static int add_region(struct nvmu_vhost_blk *b, struct vh_msg *m)
{
	struct vh_region_msg rm;
	int ret = short_msg(m, 8 + sizeof(rm));

	if (ret < 0)
		return ret;
	if (m->nfds != 1)
		return nvmu_fail(EPROTO, "ADD_MEM_REG with %u descriptors", m->nfds);
	memcpy(&rm, m->payload.bytes + 8, sizeof(rm));
	ret = vh_mem_add(&b->mem, b->h, &rm, m->fds[0]);
	refresh_rings(b);
	return ret;
}

static int rem_region(struct nvmu_vhost_blk *b, struct vh_msg *m)
{
	struct vh_region_msg rm;
	int ret = short_msg(m, 8 + sizeof(rm));

	if (ret < 0)
		return ret;
	memcpy(&rm, m->payload.bytes + 8, sizeof(rm));
	ret = vh_mem_remove(&b->mem, b->h, &rm);
	refresh_rings(b);
	return ret;
}

static int get_config(struct nvmu_vhost_blk *b, struct vh_msg *m)
{
	struct cfg_msg c = { 0 };
	uint8_t cfg[VH_CONFIG_SIZE];
	int ret = short_msg(m, 12);

	if (ret < 0)
		return ret;
	memcpy(&c, m->payload.bytes, 12);
	if (c.size > sizeof(c.data) || c.offset > sizeof(c.data) - c.size)
		return nvmu_fail(EPROTO, "GET_CONFIG of %u bytes at %u", c.size, c.offset);
	vh_blk_config(b, cfg);
	memset(c.data, 0, sizeof(c.data));
	if (c.offset < VH_CONFIG_SIZE)
		memcpy(c.data, cfg + c.offset, VH_CONFIG_SIZE - c.offset < c.size
		       ? VH_CONFIG_SIZE - c.offset : c.size);
	return vh_msg_reply(b->conn_fd, m, &c, 12 + c.size);
}

static int set_config(struct nvmu_vhost_blk *b, struct vh_msg *m)
{
	struct cfg_msg c;
	int ret = short_msg(m, 12);

	if (ret < 0)
		return ret;
	memcpy(&c, m->payload.bytes, 12);
	if (c.size > sizeof(c.data) || c.offset > sizeof(c.data) - c.size ||
	    m->size < 12 + c.size)
		return nvmu_fail(EPROTO, "SET_CONFIG of %u bytes at %u", c.size, c.offset);
	memcpy(c.data, m->payload.bytes + 12, c.size);
	/* Only the cache mode is writable (VIRTIO_BLK_F_CONFIG_WCE). */
	if (c.offset <= WCE_OFFSET && WCE_OFFSET < c.offset + c.size)
		b->writeback = c.data[WCE_OFFSET - c.offset] ? 1 : 0;
	return 0;
}

/* The size of an in-flight description QEMU sends; the last 4 bytes are padding. */
#define INFLIGHT_MSG_MIN 20

static int get_inflight(struct nvmu_vhost_blk *b, struct vh_msg *m)
{
	struct vh_inflight_msg im = { 0 };
	int ret = short_msg(m, INFLIGHT_MSG_MIN), fd;

	if (ret < 0)
		return ret;
	memcpy(&im, m->payload.bytes, INFLIGHT_MSG_MIN);
	ret = vh_inflight_create(&im, &fd);
	if (ret < 0)
		return ret;
	ret = vh_msg_reply_fd(b->conn_fd, m, &im, sizeof(im), fd);
	close(fd); /* the front-end holds it now; SET_INFLIGHT_FD gives it back */
	return ret;
}

static int set_inflight(struct nvmu_vhost_blk *b, struct vh_msg *m)
{
	struct vh_inflight_msg im = { 0 };
	int ret = short_msg(m, INFLIGHT_MSG_MIN), fd = -1;

	if (ret == 0)
		ret = take_fd(m, &fd);
	if (ret < 0)
		return ret;
	/* The running rings' marks live in the region mapped now. */
	for (unsigned i = 0; i < b->opts.queues; i++) {
		if (b->vq[i].started) {
			close(fd);
			return nvmu_fail(EPROTO, "SET_INFLIGHT_FD while virtqueue %u runs", i);
		}
	}
	memcpy(&im, m->payload.bytes, INFLIGHT_MSG_MIN);
	ret = vh_inflight_map(&b->inflight, &im, fd);
	close(fd); /* the mapping keeps the memory */
	return ret;
}

static int reply_u64(struct nvmu_vhost_blk *b, const struct vh_msg *m, uint64_t v)
{
	return vh_msg_reply(b->conn_fd, m, &v, sizeof(v));
}

static void reset_rings(struct nvmu_vhost_blk *b)
{
	for (unsigned i = 0; i < NVMU_VHOST_BLK_MAX_QUEUES; i++)
		vh_vring_reset(&b->vq[i], b->h);
}

/* Handle @p m; 1 when it was answered already, 0 when it needs only an ack, or < 0. */
static int dispatch(struct nvmu_vhost_blk *b, struct vh_msg *m)
{
	struct vring_state st = { 0 };
	struct vring_addr va;
	struct vh_vring *vq;
	int ret, fd;

	switch (m->request) {
	case GET_FEATURES:
		return reply_u64(b, m, b->features) ?: 1;
	case SET_FEATURES:
		if ((ret = short_msg(m, 8)) < 0)
			return ret;
		if (m->payload.u64 & ~b->features)
			return nvmu_fail(EPROTO, "features 0x%llx were not offered",
					 (unsigned long long)(m->payload.u64 & ~b->features));
		b->acked = m->payload.u64;
		return 0;
	case GET_PROTOCOL_FEATURES:
		return reply_u64(b, m, PROTOCOL_FEATURES) ?: 1;
	case SET_PROTOCOL_FEATURES:
		if ((ret = short_msg(m, 8)) < 0)
			return ret;
		b->protocol = m->payload.u64 & PROTOCOL_FEATURES;
		return 0;
	case GET_QUEUE_NUM:
		return reply_u64(b, m, b->opts.queues) ?: 1;
	case GET_MAX_MEM_SLOTS:
		return reply_u64(b, m, VH_MAX_REGIONS) ?: 1;
	case SET_OWNER:
		b->owner = true;
		return 0;
	case RESET_OWNER:
	case RESET_DEVICE:
		reset_rings(b);
		vh_inflight_unmap(&b->inflight);
		b->acked = 0;
		return 0;
	case GET_INFLIGHT_FD:
	case SET_INFLIGHT_FD:
		if (!(b->protocol & (1ull << PF_INFLIGHT_SHMFD)))
			return nvmu_fail(EPROTO, "in-flight region message %u without the "
					 "INFLIGHT_SHMFD protocol feature", m->request);
		return m->request == GET_INFLIGHT_FD ? get_inflight(b, m) ?: 1
						     : set_inflight(b, m);
	case SET_SLAVE_REQ_FD:
		return 0; /* not offered; the descriptor is closed with the message */
	case SET_MEM_TABLE:
		return mem_regions(b, m);
	case ADD_MEM_REG:
		return add_region(b, m);
	case REM_MEM_REG:
		return rem_region(b, m);
	case GET_CONFIG:
		return get_config(b, m) ?: 1;
	case SET_CONFIG:
		return set_config(b, m);
	case SET_VRING_NUM:
	case SET_VRING_BASE:
	case SET_VRING_ENABLE:
	case GET_VRING_BASE:
		if ((ret = short_msg(m, sizeof(st))) < 0)
			return ret;
		memcpy(&st, m->payload.bytes, sizeof(st));
		if (!(vq = ring_of(b, st.index)))
			return -EPROTO;
		break;
	case SET_VRING_ADDR:
		if ((ret = short_msg(m, sizeof(va))) < 0)
			return ret;
		memcpy(&va, m->payload.bytes, sizeof(va));
		if (!(vq = ring_of(b, va.index)))
			return -EPROTO;
		if (vq->started)
			return nvmu_fail(EPROTO, "virtqueue %u: addresses changed while it runs",
					 va.index);
		vq->desc_qva = va.desc;
		vq->avail_qva = va.avail;
		vq->used_qva = va.used;
		vq->addr_set = true;
		return 0;
	case SET_VRING_KICK:
		if ((ret = ring_fd(b, m, &vq, &fd)) < 0)
			return ret;
		replace_fd(&vq->kick_fd, fd);
		return start_ring(b, vq);
	case SET_VRING_CALL:
		if ((ret = ring_fd(b, m, &vq, &fd)) < 0)
			return ret;
		replace_fd(&vq->call_fd, fd);
		return 0;
	case SET_VRING_ERR:
		if ((ret = ring_fd(b, m, &vq, &fd)) < 0)
			return ret;
		replace_fd(&vq->err_fd, fd);
		return 0;
	default:
		return nvmu_fail(EPROTO, "vhost-user message %u is not supported", m->request);
	}
	switch (m->request) {
	case SET_VRING_NUM:
		if (st.num == 0 || st.num > VH_MAX_RING || (st.num & (st.num - 1)))
			return nvmu_fail(EPROTO, "virtqueue %u: size %u is not a power of two "
					 "up to %d", st.index, st.num, VH_MAX_RING);
		if (vq->started)
			return nvmu_fail(EPROTO, "virtqueue %u: size changed while it runs",
					 st.index);
		vq->num = st.num;
		return 0;
	case SET_VRING_BASE:
		vq->base = (uint16_t)st.num;
		return 0;
	case SET_VRING_ENABLE:
		vq->enabled = st.num != 0;
		return 0;
	default: /* GET_VRING_BASE: stop the ring; its requests were finished (quiesced) */
		st.num = vq->started ? vq->last_avail : vq->base;
		vq->started = false;
		vq->base = (uint16_t)st.num;
		replace_fd(&vq->kick_fd, -1);
		vh_vring_free(vq, b->h);
		return vh_msg_reply(b->conn_fd, m, &st, sizeof(st)) ?: 1;
	}
}

static int handle(struct nvmu_vhost_blk *b, struct vh_msg *m)
{
	bool ack = (m->flags & FLAG_NEED_REPLY) && (b->protocol & (1ull << PF_REPLY_ACK));
	int ret;

	vh_quiesce(b);
	ret = dispatch(b, m);
	vh_resume(b);
	vh_msg_close_fds(m);
	if (ret == 1)
		return 0;
	if (ret < 0)
		nvmu_log(NVMU_LOG_WARN, "vhost-blk: %s", nvmu_last_error());
	if (ack)
		return reply_u64(b, m, ret < 0 ? 1 : 0);
	return ret;
}

void vh_disconnect(struct nvmu_vhost_blk *b)
{
	vh_quiesce(b);
	reset_rings(b);
	vh_inflight_unmap(&b->inflight);
	vh_mem_clear(&b->mem, b->h);
	b->acked = b->protocol = 0;
	b->owner = false;
	b->writeback = 1;
	vh_resume(b);
	if (b->conn_fd >= 0)
		close(b->conn_fd);
	b->conn_fd = -1;
	atomic_store(&b->connected, false);
}

void vh_serve_connection(struct nvmu_vhost_blk *b)
{
	struct vh_msg msg;

	for (;;) {
		struct pollfd pf[2] = { { b->conn_fd, POLLIN, 0 }, { b->stop_fd, POLLIN, 0 } };

		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[1].revents)
			break;
		int ret = vh_msg_recv(b->conn_fd, &msg);

		if (ret == 0) {
			nvmu_log(NVMU_LOG_INFO, "vhost-blk: the front-end disconnected");
			break;
		}
		if (ret < 0 || handle(b, &msg) < 0) {
			nvmu_log(NVMU_LOG_WARN, "vhost-blk: closing the connection: %s",
				 nvmu_last_error());
			break;
		}
	}
	vh_disconnect(b);
}
