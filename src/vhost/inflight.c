/* SPDX-License-Identifier: MIT */
/*
 * Requests in flight kept in memory the front-end holds (vhost-user protocol feature
 * INFLIGHT_SHMFD, split rings), so that a back-end that dies does not lose them: QEMU
 * keeps the region across reconnections (chardev reconnect=) and hands it to the next
 * back-end, which sends again what the dead one had taken from the avail ring and not
 * yet put in the used ring, in the order it took them.
 *
 * The layout is the one the vhost-user specification gives, so that any back-end can
 * pick up after any other: per queue a header (features, version, descriptor count,
 * last_batch_head, used_idx) and one 16-byte entry per descriptor head (in-flight flag,
 * padding, next, counter). An entry is marked when its head is taken from the avail ring
 * and cleared after its used entry is published; last_batch_head and used_idx cover a
 * death between the two (the used index moved, the flag was not yet cleared).
 *
 * The front-end writes this memory too, so nothing read from it is trusted: a head at or
 * beyond the ring size is ignored, and the heads we send again are walked and checked
 * like any other chain.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vhost_internal.h"

#define INFLIGHT_VERSION 1
#define INFLIGHT_ALIGN 64
#define PAGE 4096ull

struct vh_inflight_desc {
	uint8_t inflight;
	uint8_t padding[5];
	uint16_t next;
	uint64_t counter;
};

struct vh_inflight_queue {
	uint64_t features;
	uint16_t version;
	uint16_t desc_num;
	uint16_t last_batch_head;
	uint16_t used_idx;
	struct vh_inflight_desc desc[];
};

uint64_t vh_inflight_queue_bytes(uint16_t queue_size)
{
	uint64_t n = sizeof(struct vh_inflight_queue) +
		     (uint64_t)queue_size * sizeof(struct vh_inflight_desc);

	return (n + INFLIGHT_ALIGN - 1) / INFLIGHT_ALIGN * INFLIGHT_ALIGN;
}

void vh_inflight_unmap(struct vh_inflight *in)
{
	if (in->addr)
		munmap(in->addr, in->map_len);
	*in = (struct vh_inflight){ 0 };
}

/* The queues a region is for: 1 to the most we serve, of 1 to the largest ring. */
static int check_queues(const char *msg, const struct vh_inflight_msg *m)
{
	if (m->num_queues == 0 || m->num_queues > NVMU_VHOST_BLK_MAX_QUEUES ||
	    m->queue_size == 0 || m->queue_size > VH_MAX_RING)
		return nvmu_fail(EPROTO, "%s for %u queues of %u entries (1 to %d queues of 1 "
				 "to %d entries)", msg, m->num_queues, m->queue_size,
				 NVMU_VHOST_BLK_MAX_QUEUES, VH_MAX_RING);
	return 0;
}

int vh_inflight_create(struct vh_inflight_msg *m, int *fd_out)
{
	uint64_t size;
	int fd, ret = check_queues("GET_INFLIGHT_FD", m);
	void *addr;

	if (ret < 0)
		return ret;
	size = m->num_queues * vh_inflight_queue_bytes(m->queue_size);
	fd = memfd_create("nvmu-vhost-inflight", MFD_CLOEXEC);
	if (fd < 0)
		return nvmu_fail(errno, "memfd_create for the in-flight region: %s",
				 strerror(errno));
	if (ftruncate(fd, (off_t)size) < 0) {
		int err = errno;

		close(fd);
		return nvmu_fail(err, "sizing the in-flight region: %s", strerror(err));
	}
	/* A new memfd reads as zeros: version 0 tells the first user it is new. Each queue
	 * says how many entries it has, as the specification asks of the back-end. */
	addr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (addr == MAP_FAILED) {
		int err = errno;

		close(fd);
		return nvmu_fail(err, "mapping the in-flight region: %s", strerror(err));
	}
	for (uint16_t q = 0; q < m->num_queues; q++) {
		struct vh_inflight_queue *iq =
			(void *)((uint8_t *)addr + q * vh_inflight_queue_bytes(m->queue_size));

		iq->desc_num = m->queue_size;
	}
	munmap(addr, size);
	m->mmap_size = size;
	m->mmap_offset = 0;
	*fd_out = fd;
	return 0;
}

int vh_inflight_map(struct vh_inflight *in, const struct vh_inflight_msg *m, int fd)
{
	uint64_t per_queue = vh_inflight_queue_bytes(m->queue_size);
	int ret = check_queues("SET_INFLIGHT_FD", m);
	void *addr;

	if (ret < 0)
		return ret;
	if (m->mmap_size < m->num_queues * per_queue || m->mmap_size > (1ull << 30) ||
	    m->mmap_offset % PAGE || m->mmap_offset > (1ull << 40))
		return nvmu_fail(EPROTO, "SET_INFLIGHT_FD: %u queues of %u entries in %llu "
				 "bytes at offset %llu do not fit", m->num_queues,
				 m->queue_size, (unsigned long long)m->mmap_size,
				 (unsigned long long)m->mmap_offset);
	addr = mmap(NULL, m->mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    (off_t)m->mmap_offset);
	if (addr == MAP_FAILED)
		return nvmu_fail(errno, "SET_INFLIGHT_FD: mapping %llu bytes: %s",
				 (unsigned long long)m->mmap_size, strerror(errno));
	vh_inflight_unmap(in);
	in->addr = addr;
	in->map_len = m->mmap_size;
	in->num_queues = m->num_queues;
	in->queue_size = m->queue_size;
	in->queue_bytes = per_queue;
	return 0;
}

static int by_counter(const void *a, const void *b)
{
	const struct vh_resubmit *x = a, *y = b;

	return x->counter < y->counter ? -1 : x->counter > y->counter;
}

int vh_inflight_attach(struct vh_vring *vq, const struct vh_inflight *in, uint64_t features)
{
	struct vh_inflight_queue *iq;
	uint16_t used = vq->used_idx;
	unsigned n = 0;

	vq->log = NULL;
	vq->nresubmit = vq->resubmit_pos = 0;
	if (!in->addr || vq->index >= in->num_queues)
		return 0;
	if (vq->num > in->queue_size)
		return nvmu_fail(EPROTO, "virtqueue %u: %u entries, but the in-flight region "
				 "has room for %u", vq->index, vq->num, in->queue_size);
	iq = (void *)((uint8_t *)in->addr + vq->index * in->queue_bytes);
	vq->log = iq;
	vq->counter = 0;
	if (iq->version != INFLIGHT_VERSION) {
		/* New (or not ours to read): start it from this ring's state. */
		memset(iq->desc, 0, (size_t)in->queue_size * sizeof(iq->desc[0]));
		iq->features = features;
		iq->desc_num = in->queue_size;
		iq->used_idx = used;
		iq->version = INFLIGHT_VERSION;
		return 0;
	}
	/* The last back-end died after publishing a used entry and before clearing it. */
	if (iq->used_idx != used) {
		if (iq->last_batch_head < in->queue_size)
			iq->desc[iq->last_batch_head].inflight = 0;
		iq->used_idx = used;
	}
	for (unsigned i = 0; i < vq->num; i++) {
		if (iq->desc[i].inflight != 1)
			continue;
		vq->resubmit[n].head = (uint16_t)i;
		vq->resubmit[n].counter = iq->desc[i].counter;
		if (iq->desc[i].counter >= vq->counter)
			vq->counter = iq->desc[i].counter + 1;
		n++;
	}
	qsort(vq->resubmit, n, sizeof(vq->resubmit[0]), by_counter);
	vq->nresubmit = n;
	/* Taken from the avail ring = given back + still in flight, whatever order they
	 * completed in: the avail entries after these are new. */
	vq->last_avail = (uint16_t)(used + n);
	if (n)
		nvmu_log(NVMU_LOG_INFO, "vhost-blk: queue %u: %u requests were in flight when "
			 "the previous back-end stopped: sending them again", vq->index, n);
	return 0;
}

void vh_inflight_taken(struct vh_vring *vq, uint16_t head)
{
	volatile struct vh_inflight_desc *d = &vq->log->desc[head];

	d->counter = vq->counter++;
	__atomic_store_n(&d->inflight, 1, __ATOMIC_RELEASE);
}

void vh_inflight_publishing(struct vh_vring *vq, uint16_t head)
{
	__atomic_store_n(&vq->log->last_batch_head, head, __ATOMIC_RELEASE);
}

void vh_inflight_published(struct vh_vring *vq, uint16_t head)
{
	__atomic_store_n(&vq->log->desc[head].inflight, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&vq->log->used_idx, vq->used_idx, __ATOMIC_RELEASE);
}
