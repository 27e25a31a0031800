/* SPDX-License-Identifier: MIT */
/* The io_uring rings of file= storage, one per queue (file_ring.c); used by file_io.c. */
#ifndef NVMU_SRC_TRANSPORT_SOFT_FILE_RING_H
#define NVMU_SRC_TRANSPORT_SOFT_FILE_RING_H

#include <liburing.h>
#include <stdbool.h>
#include <stdint.h>

struct soft_ring {
	struct io_uring ring;
	int efd;              /* the eventfd the ring signals, or -1 */
	int routed;           /* the fd soft_ring_route() asked for last (-2: none) */
	uint32_t nbusy;       /* transfers queued on it and not reaped */
	uint32_t unsubmitted; /* ... not handed to the kernel yet */
};

struct soft_rings {
	struct soft_ring **q; /* [n], by SQ id; NULL until the queue's first transfer */
	bool *failed;         /* [n]: no ring could be set up (transfers made at once) */
	uint32_t n;           /* 0: no rings (step mode, or no io_uring) */
	int efd;              /* the controller's: its thread sleeps on it */
};

/* Rings for SQs 0..@n-1, created when first used; @n 0 for none. 0 or -errno. */
int soft_rings_init(struct soft_rings *rs, uint32_t n);
/* The ring of SQ @qid, set up now if it is its first transfer; NULL when it has none. */
struct soft_ring *soft_ring_of(struct soft_rings *rs, uint16_t qid);
/* The ring of SQ @qid if it has one already (no set-up), else NULL. */
struct soft_ring *soft_ring_find(const struct soft_rings *rs, uint16_t qid);
/* Hand @r's queued transfers to the kernel (nothing for NULL or none queued). */
void soft_ring_submit(struct soft_ring *r);
/* Let the ring of SQ @qid signal @fd (the host's interrupt eventfd, or -1 for none) when
 * a transfer ends, instead of the controller's eventfd: its host polls the queue. */
void soft_ring_route(struct soft_rings *rs, uint16_t qid, int fd);
/* Every ring signals the controller's eventfd again (resets, interrupts reconnected). */
void soft_rings_route_reset(struct soft_rings *rs);
/* Hand the queued transfers of every ring to the kernel. */
void soft_rings_submit(struct soft_rings *rs);
/* Tear the rings down (no transfer in flight any more). */
void soft_rings_fini(struct soft_rings *rs);

#endif
