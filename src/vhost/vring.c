/* SPDX-License-Identifier: MIT */
/*
 * Split virtqueues as the driver in the guest lays them out (virtio 1.x, section 2.7):
 * the descriptor table, the avail ring the driver fills and the used ring we fill. All
 * three live in guest memory that the guest changes under us, so every field is read
 * once into a local copy and checked there: a head or next index beyond the table, a
 * chain longer than its table (a loop), a nested or malformed indirect table, a readable
 * descriptor after a writable one, or an address outside guest memory refuses the chain.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vhost_internal.h"

#define DESC_F_NEXT 1
#define DESC_F_WRITE 2
#define DESC_F_INDIRECT 4
#define USED_F_NO_NOTIFY 1
#define AVAIL_F_NO_INTERRUPT 1

bool vh_vring_map(struct vh_vring *vq, const struct vh_mem *m)
{
	uint64_t num = vq->num;

	vq->desc = NULL;
	vq->avail = NULL;
	vq->used = NULL;
	if (!vq->addr_set || num == 0)
		return false;
	if ((vq->desc_qva & 15) || (vq->avail_qva & 1) || (vq->used_qva & 3))
		return false;
	vq->desc = vh_mem_qva(m, vq->desc_qva, 16 * num);
	vq->avail = vh_mem_qva(m, vq->avail_qva, 6 + 2 * num);
	vq->used = vh_mem_qva(m, vq->used_qva, 6 + 8 * num);
	if (!vq->desc || !vq->avail || !vq->used) {
		vq->desc = NULL;
		vq->avail = NULL;
		vq->used = NULL;
		return false;
	}
	return true;
}

bool vh_vring_runnable(const struct vh_vring *vq)
{
	return vq->started && vq->enabled && !vq->broken && vq->desc && vq->reqs;
}

int vh_vring_alloc(struct vh_vring *vq, struct nvmu_vhost_blk *b)
{
	struct vh_poller *p = &b->pollers[vq->index];

	if (vq->reqs)
		return 0;
	vq->reqs = calloc(vq->num, sizeof(*vq->reqs));
	vq->free_slots = calloc(vq->num, sizeof(*vq->free_slots));
	vq->iov_space = calloc((size_t)vq->num * VH_MAX_PIECES, sizeof(*vq->iov_space));
	vq->resubmit = calloc(vq->num, sizeof(*vq->resubmit));
	if (!vq->reqs || !vq->free_slots || !vq->iov_space || !vq->resubmit) {
		vh_vring_free(vq, b->h);
		return nvmu_fail(ENOMEM, "no memory for %u request slots", vq->num);
	}
	for (unsigned i = 0; i < vq->num; i++) {
		vq->reqs[i].vq = vq;
		vq->reqs[i].p = p;
		vq->reqs[i].iov = &vq->iov_space[(size_t)i * VH_MAX_PIECES];
		vq->free_slots[i] = &vq->reqs[vq->num - 1 - i];
	}
	vq->nfree = vq->num;
	vq->inflight = 0;
	return 0;
}

void vh_vring_free(struct vh_vring *vq, struct nvmu_host_ctrl *h)
{
	if (vq->reqs) {
		for (unsigned i = 0; i < vq->num; i++)
			vh_blk_req_free(&vq->reqs[i], h);
	}
	free(vq->reqs);
	free(vq->free_slots);
	free(vq->iov_space);
	free(vq->resubmit);
	vq->reqs = NULL;
	vq->iov_space = NULL;
	vq->free_slots = NULL;
	vq->resubmit = NULL;
	vq->nfree = vq->nresubmit = vq->resubmit_pos = 0;
	vq->log = NULL;
}

void vh_vring_reset(struct vh_vring *vq, struct nvmu_host_ctrl *h)
{
	unsigned index = vq->index;

	vh_vring_free(vq, h);
	if (vq->kick_fd >= 0)
		close(vq->kick_fd);
	if (vq->call_fd >= 0)
		close(vq->call_fd);
	if (vq->err_fd >= 0)
		close(vq->err_fd);
	memset(vq, 0, sizeof(*vq));
	vq->index = index;
	vq->kick_fd = vq->call_fd = vq->err_fd = -1;
}

uint16_t vh_vring_avail_idx(const struct vh_vring *vq)
{
	return __atomic_load_n(&vq->avail[1], __ATOMIC_ACQUIRE);
}

uint16_t vh_vring_avail_head(const struct vh_vring *vq, uint16_t idx)
{
	return __atomic_load_n(&vq->avail[2 + idx % vq->num], __ATOMIC_RELAXED);
}

static void read_desc(const struct vh_desc *table, unsigned i, struct vh_desc *d)
{
	/* One copy: the guest may change the descriptor while we look at it. */
	memcpy(d, (const void *)&table[i], sizeof(*d));
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

static int bad_chain(uint16_t head, const char *why)
{
	return nvmu_fail(EINVAL, "descriptor chain at head %u: %s", head, why);
}

int vh_vring_walk(const struct vh_vring *vq, const struct vh_mem *m, uint16_t head,
		  struct vh_piece *pieces, unsigned *nout, unsigned *nin)
{
	const struct vh_desc *table = vq->desc;
	unsigned max = vq->num, count = 0, n = 0, i = head;
	bool indirect = false;
	struct vh_desc d;

	*nout = *nin = 0;
	for (;;) {
		if (i >= max)
			return bad_chain(head, "descriptor index beyond its table");
		if (++count > max)
			return bad_chain(head, "longer than its table: a loop");
		read_desc(table, i, &d);
		if (d.flags & DESC_F_INDIRECT) {
			if (indirect || !vq->indirect)
				return bad_chain(head, indirect ? "nested indirect table"
						 : "indirect descriptor not negotiated");
			if (d.flags & DESC_F_NEXT)
				return bad_chain(head, "indirect descriptor with NEXT");
			if (d.len == 0 || d.len % 16 || d.len / 16 > VH_MAX_RING)
				return bad_chain(head, "indirect table of a bad length");
			table = vh_mem_gpa(m, d.addr, d.len);
			if (!table)
				return bad_chain(head, "indirect table outside guest memory");
			max = d.len / 16;
			count = 0;
			i = 0;
			indirect = true;
			continue;
		}
		if (!(d.flags & DESC_F_WRITE) && *nin)
			return bad_chain(head, "a device-readable descriptor after a writable one");
		unsigned before = n;
		int ret = vh_mem_pieces(m, d.addr, d.len, pieces, &n, VH_MAX_PIECES);

		if (ret == -EFAULT)
			return bad_chain(head, "buffer outside guest memory");
		if (ret < 0)
			return bad_chain(head, "too many segments");
		if (d.flags & DESC_F_WRITE)
			*nin += n - before;
		else
			*nout += n - before;
		if (!(d.flags & DESC_F_NEXT))
			return 0;
		i = d.next;
	}
}

void vh_vring_push_used(struct vh_vring *vq, uint16_t head, uint32_t len)
{
	volatile uint8_t *elem = vq->used + 4 + 8 * (size_t)(vq->used_idx % vq->num);
	uint32_t v[2] = { head, len };

	if (vq->log)
		vh_inflight_publishing(vq, head);
	memcpy((void *)elem, v, sizeof(v));
	vq->used_idx++;
	/* The entry is visible before the index that publishes it. */
	__atomic_store_n((volatile uint16_t *)(vq->used + 2), vq->used_idx, __ATOMIC_RELEASE);
	if (vq->log)
		vh_inflight_published(vq, head);
}

void vh_vring_notify(struct vh_vring *vq)
{
	uint16_t now = vq->used_idx, old = vq->signalled_used;
	bool need;

	if (now == old || vq->call_fd < 0)
		return;
	/* The used index is stored before the driver's wish is read (see the driver's
	 * virtqueue_kick_prepare: the mirror image). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vq->event_idx) {
		uint16_t event = __atomic_load_n(&vq->avail[2 + vq->num], __ATOMIC_RELAXED);

		need = (uint16_t)(now - event - 1) < (uint16_t)(now - old);
	} else {
		need = !(__atomic_load_n(&vq->avail[0], __ATOMIC_RELAXED) & AVAIL_F_NO_INTERRUPT);
	}
	vq->signalled_used = now;
	if (need)
		eventfd_write(vq->call_fd, 1);
}

bool vh_vring_kicks(struct vh_vring *vq, bool on)
{
	volatile uint16_t *flags = (volatile uint16_t *)vq->used;

	if (vq->event_idx) {
		/* Kicks stay off while the event index lags; set it to where we are. */
		if (on)
			__atomic_store_n((volatile uint16_t *)(vq->used + 4 + 8 * (size_t)vq->num),
					 vq->last_avail, __ATOMIC_RELAXED);
	} else {
		__atomic_store_n(flags, on ? 0 : USED_F_NO_NOTIFY, __ATOMIC_RELAXED);
	}
	vq->notify_off = !on;
	if (!on)
		return false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return vh_vring_avail_idx(vq) != vq->last_avail;
}
