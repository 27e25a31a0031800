/* SPDX-License-Identifier: MIT */
/*
 * The io_uring rings of file= storage: one per submission queue, so that the host polling
 * a queue pair completes the transfers of its commands on its own thread.
 *
 * A ring signals the controller's eventfd when a transfer ends, and the controller's
 * thread, sleeping on it, completes the command: that serves hosts that never step the
 * queue themselves (another process sharing the controller). Once the queue's host polls
 * the queue (the transport's poll_queue op), the ring signals the host's completion
 * interrupt eventfd instead, or nothing when the queue has no interrupt (the host spins):
 * the end of a transfer then wakes the host directly, and its poll reaps the transfer and
 * posts the completion - one wake-up per request, not one of the controller's thread and
 * then one of the host. The controller's thread still reaps every ring when it steps, so
 * a command completes even if its host stops polling (later, after the thread's back-off).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "file_ring.h"

#define RING_ENTRIES 256
#define NOT_ROUTED (-2) /* the ring signals the controller's eventfd */

int soft_rings_init(struct soft_rings *rs, uint32_t n)
{
	*rs = (struct soft_rings){ .efd = -1 };
	if (n == 0)
		return 0;
	rs->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (rs->efd < 0)
		return 0; /* no rings: transfers are made at once */
	rs->q = calloc(n, sizeof(*rs->q));
	rs->failed = calloc(n, sizeof(*rs->failed));
	if (!rs->q || !rs->failed) {
		soft_rings_fini(rs);
		return -ENOMEM;
	}
	rs->n = n;
	return 0;
}

/* Point @r's eventfd at @fd (-1: none); on failure it signals nothing, and the
 * controller's thread still finds its transfers when its back-off ends. */
static void set_eventfd(struct soft_ring *r, int fd)
{
	if (r->efd >= 0)
		io_uring_unregister_eventfd(&r->ring);
	r->efd = -1;
	if (fd >= 0 && io_uring_register_eventfd(&r->ring, fd) == 0)
		r->efd = fd;
}

struct soft_ring *soft_ring_of(struct soft_rings *rs, uint16_t qid)
{
	struct soft_ring *r;

	if (qid >= rs->n || rs->failed[qid])
		return NULL;
	if (rs->q[qid])
		return rs->q[qid];
	r = calloc(1, sizeof(*r));
	if (!r || io_uring_queue_init(RING_ENTRIES, &r->ring, 0) != 0) {
		free(r);
		rs->failed[qid] = true;
		return NULL;
	}
	r->efd = -1;
	r->routed = NOT_ROUTED;
	set_eventfd(r, rs->efd);
	if (r->efd < 0) { /* nothing would wake the controller's thread: no ring */
		io_uring_queue_exit(&r->ring);
		free(r);
		rs->failed[qid] = true;
		return NULL;
	}
	rs->q[qid] = r;
	return r;
}

struct soft_ring *soft_ring_find(const struct soft_rings *rs, uint16_t qid)
{
	return qid < rs->n ? rs->q[qid] : NULL;
}

void soft_ring_submit(struct soft_ring *r)
{
	if (r && r->unsubmitted && io_uring_submit(&r->ring) >= 0)
		r->unsubmitted = 0;
}

void soft_ring_route(struct soft_rings *rs, uint16_t qid, int fd)
{
	struct soft_ring *r = soft_ring_find(rs, qid);

	if (!r || r->routed == fd)
		return;
	r->routed = fd;
	set_eventfd(r, fd);
	if (fd >= 0 && r->efd < 0) /* not an eventfd the ring takes: the thread completes */
		set_eventfd(r, rs->efd);
}

void soft_rings_route_reset(struct soft_rings *rs)
{
	for (uint32_t i = 0; i < rs->n; i++) {
		if (!rs->q[i] || rs->q[i]->routed == NOT_ROUTED)
			continue;
		rs->q[i]->routed = NOT_ROUTED;
		set_eventfd(rs->q[i], rs->efd);
	}
}

void soft_rings_submit(struct soft_rings *rs)
{
	for (uint32_t i = 0; i < rs->n; i++)
		soft_ring_submit(rs->q[i]);
}

void soft_rings_fini(struct soft_rings *rs)
{
	for (uint32_t i = 0; rs->q && i < rs->n; i++) {
		if (!rs->q[i])
			continue;
		io_uring_queue_exit(&rs->q[i]->ring);
		free(rs->q[i]);
	}
	free(rs->q);
	free(rs->failed);
	if (rs->efd >= 0)
		close(rs->efd);
	*rs = (struct soft_rings){ .efd = -1 };
}
