/* SPDX-License-Identifier: MIT */
/*
 * The vhost-user-blk backend's private structures. Ownership between threads:
 * - the socket thread (control.c) owns the connection, the memory table and every ring's
 *   configuration; it changes them only while the pollers are quiesced (poller.c);
 * - each poller thread owns one ring's processing state (indexes, request slots) and its
 *   queue pair, and reads the memory table without a lock.
 */
#ifndef NVMU_SRC_VHOST_INTERNAL_H
#define NVMU_SRC_VHOST_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "nvmu/host.h"
#include "nvmu/intercept.h"
#include "nvmu/vhost_blk.h"

#define VH_MAX_REGIONS 8     /* memory slots we announce (GET_MAX_MEM_SLOTS) */
#define VH_MAX_RING 1024     /* largest virtqueue accepted */
#define VH_SEG_MAX 254       /* data segments per request announced (SEG_MAX) */
#define VH_MAX_PIECES 272    /* pieces of one chain, header and status included */
#define VH_SIZE_MAX (1u << 20) /* bytes per segment announced (SIZE_MAX) */
#define VH_MAX_ICPT 8        /* interceptors in a chain */
#define VH_CONFIG_SIZE 60    /* struct virtio_blk_config */
#define VH_MAX_DISCARD_SEG 16
#define VH_SERIAL_LEN 20     /* VIRTIO_BLK_ID_BYTES */

/* ---- guest memory (mem_table.c) ---------------------------------------------------- */

struct vh_region {
	uint64_t gpa, size, qva; /* guest physical, front-end virtual, bytes */
	uint8_t *host;           /* our mapping of gpa */
	void *map_base;          /* what mmap() returned, and its length */
	size_t map_len;
	uint64_t iova;           /* device address of map_base, 0: no DMA mapping */
};

struct vh_mem {
	struct vh_region r[VH_MAX_REGIONS];
	unsigned n;
};

struct vh_piece {
	uint8_t *host;
	uint64_t iova; /* 0 when the region has no DMA mapping */
	uint32_t len;
};

/* Regions in one message: guest physical address, size, front-end address, file offset. */
struct vh_region_msg {
	uint64_t gpa, size, qva, mmap_offset;
};

int vh_mem_add(struct vh_mem *m, struct nvmu_host_ctrl *h, const struct vh_region_msg *rm,
	       int fd);
int vh_mem_remove(struct vh_mem *m, struct nvmu_host_ctrl *h, const struct vh_region_msg *rm);
void vh_mem_clear(struct vh_mem *m, struct nvmu_host_ctrl *h);
/* Our address of [qva, qva+len) of the front-end's memory, inside one region, or NULL. */
void *vh_mem_qva(const struct vh_mem *m, uint64_t qva, uint64_t len);
/* Our address of [gpa, gpa+len) inside one region, or NULL. */
void *vh_mem_gpa(const struct vh_mem *m, uint64_t gpa, uint64_t len);
/*
 * Append the pieces of guest range [gpa, gpa+len) to @p out (*n of @p max used). Returns
 * 0, -EFAULT when part of it lies outside every region, -E2BIG when out is full.
 */
int vh_mem_pieces(const struct vh_mem *m, uint64_t gpa, uint32_t len, struct vh_piece *out,
		  unsigned *n, unsigned max);

/* ---- virtqueues (vring.c) -------------------------------------------------------- */

struct vh_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct vh_blk_req;
struct vh_inflight_queue;

/* A head the previous back-end had taken and not completed (inflight.c). */
struct vh_resubmit {
	uint16_t head;
	uint64_t counter;
};

struct vh_vring {
	unsigned index;
	/* configuration, set by the socket thread */
	uint32_t num;
	uint64_t desc_qva, avail_qva, used_qva;
	bool addr_set, enabled, started;
	int kick_fd, call_fd, err_fd;
	uint16_t base; /* SET_VRING_BASE */
	/* processing state, owned by the poller while it runs */
	struct vh_desc *desc;
	volatile uint16_t *avail;       /* flags, idx, ring[num], used_event */
	volatile uint8_t *used;         /* flags, idx, ring[num] of {id, len}, avail_event */
	uint16_t last_avail, used_idx, signalled_used;
	bool event_idx, indirect, broken, notify_off;
	struct vh_blk_req *reqs;       /* num slots */
	struct nvmu_dma_buf *iov_space; /* VH_MAX_PIECES data pieces per slot */
	struct vh_blk_req **free_slots;
	unsigned nfree, inflight;
	/* in-flight tracking in the front-end's memory (NULL: not negotiated) */
	struct vh_inflight_queue *log;
	uint64_t counter;              /* order in which heads were taken */
	struct vh_resubmit *resubmit;  /* num slots: heads to send again, oldest first */
	unsigned nresubmit, resubmit_pos;
};

/* The ring's pointers from the memory table; false when they are not all inside it. */
bool vh_vring_map(struct vh_vring *vq, const struct vh_mem *m);
bool vh_vring_runnable(const struct vh_vring *vq);
/* Allocate request slots for vq->num entries; 0 or -ENOMEM. */
int vh_vring_alloc(struct vh_vring *vq, struct nvmu_vhost_blk *b);
void vh_vring_free(struct vh_vring *vq, struct nvmu_host_ctrl *h);
/* The avail index the driver published (acquire). */
uint16_t vh_vring_avail_idx(const struct vh_vring *vq);
uint16_t vh_vring_avail_head(const struct vh_vring *vq, uint16_t idx);
/* Walk the chain at @p head into out-pieces then in-pieces; 0 or -EINVAL (message). */
int vh_vring_walk(const struct vh_vring *vq, const struct vh_mem *m, uint16_t head,
		  struct vh_piece *pieces, unsigned *nout, unsigned *nin);
void vh_vring_push_used(struct vh_vring *vq, uint16_t head, uint32_t len);
/* Signal the call eventfd if the driver asked to hear about the used entries since last. */
void vh_vring_notify(struct vh_vring *vq);
/* Ask for (true) or suppress (false) kicks; true when entries arrived meanwhile. */
bool vh_vring_kicks(struct vh_vring *vq, bool on);
void vh_vring_reset(struct vh_vring *vq, struct nvmu_host_ctrl *h);

/* ---- requests in flight kept in the front-end's memory (inflight.c) ---------------- */

/* GET_INFLIGHT_FD and SET_INFLIGHT_FD payload */
struct vh_inflight_msg {
	uint64_t mmap_size, mmap_offset;
	uint16_t num_queues, queue_size;
};

/* The region of the connection (socket thread), mapped at SET_INFLIGHT_FD. */
struct vh_inflight {
	void *addr;
	uint64_t map_len, queue_bytes;
	uint16_t num_queues, queue_size;
};

/* Bytes of one queue's part of the region. */
uint64_t vh_inflight_queue_bytes(uint16_t queue_size);
/* GET_INFLIGHT_FD: a new zeroed region for @p m's queues; sets its size and *fd_out. */
int vh_inflight_create(struct vh_inflight_msg *m, int *fd_out);
/* SET_INFLIGHT_FD: map the front-end's region (replacing the one mapped before). */
int vh_inflight_map(struct vh_inflight *in, const struct vh_inflight_msg *m, int fd);
void vh_inflight_unmap(struct vh_inflight *in);
/* At ring start: take the ring's part of @p in; what it holds as in flight is queued
 * to be sent again and last_avail moves past it. 0 or -EPROTO (message). */
int vh_inflight_attach(struct vh_vring *vq, const struct vh_inflight *in, uint64_t features);
/* A head was taken from the avail ring (vq->log set). */
void vh_inflight_taken(struct vh_vring *vq, uint16_t head);
/* Around publishing @p head's used entry (vq->log set). */
void vh_inflight_publishing(struct vh_vring *vq, uint16_t head);
void vh_inflight_published(struct vh_vring *vq, uint16_t head);

/* ---- requests (blk_req.c, intercept.c) ---------------------------------------------- */

struct vh_poller;
struct vh_split;

/*
 * A guest request (a ring slot), or one piece of a split one (whole != NULL), on its way
 * through the interceptors to the device and back.
 */
struct vh_blk_req {
	struct vh_vring *vq;
	struct vh_poller *p;
	uint16_t head;
	uint32_t type;
	uint8_t *status;       /* the guest's status byte */
	uint32_t written;      /* bytes written to the guest, status included */
	struct nvmu_dma_buf *iov; /* the data: in guest memory (a slot's iov_space), or the
				     piece's slice of the whole's */
	unsigned iovcnt;
	struct vh_blk_req *whole; /* a piece: the request it is a piece of */
	struct vh_split *split;   /* pieces of a split (split.c), allocated at the first */
	unsigned first;           /* chain position where it started (a piece: after its
				     splitter); on_complete runs down to it */
	struct nvmu_dma_buf bounce, bounce_piece; /* kept between uses; bounce_piece: used */
	bool bounced_read;
	struct nvmu_dma_buf own, own_piece;  /* nvmu_icpt_own_data() */
	bool own_read;
	struct nvmu_icpt_req icpt;
	void *icpt_data[VH_MAX_ICPT];
	unsigned icpt_pos;
};

/* Take entries from the avail ring and start them; returns how many. */
unsigned vh_blk_process(struct vh_poller *p, struct vh_vring *vq);
/* Send the request as the interceptors left it to the device. */
void vh_blk_submit(struct vh_blk_req *req);
/* The request ended with @p status (after the device, or earlier): report it. */
void vh_blk_finish(struct vh_blk_req *req, uint8_t status);
/* Run the interceptors from req->icpt_pos on; then the device. */
void vh_icpt_run(struct vh_blk_req *req);
/* Run on_complete of the interceptors before req->icpt_pos, last first, then finish. */
void vh_icpt_completed(struct vh_blk_req *req, uint8_t status);
/* Splits (split.c): true when the request's last callback split it; then start the
 * pieces from req->icpt_pos on. */
bool vh_split_planned(const struct vh_blk_req *req);
void vh_split_launch(struct vh_blk_req *req);
/* Forget a split planned but not launched (the request completes instead). */
void vh_split_drop(struct vh_blk_req *req);
/* A piece ended with @p status: the whole completes after its last piece. */
void vh_split_piece_done(struct vh_blk_req *piece, uint8_t status);
/* Release a request's DMA buffers and split storage (its pieces' too). */
void vh_blk_req_free(struct vh_blk_req *req, struct nvmu_host_ctrl *h);
/* Gather/scatter between an iovec and a flat buffer. */
void vh_gather(void *dst, const struct nvmu_dma_buf *iov, unsigned n);
void vh_scatter(const struct nvmu_dma_buf *iov, unsigned n, const void *src);
/* Make @p buf hold at least @p len bytes of DMA memory (kept between requests). */
int vh_buf_ensure(struct nvmu_host_ctrl *h, struct nvmu_dma_buf *buf, size_t len);

/* ---- pollers (poller.c) ------------------------------------------------------------ */

struct vh_poller_stats {
	_Atomic uint64_t requests, errors, bounced, bad_requests, sleeps, resubmitted;
};

struct vh_poller {
	struct nvmu_vhost_blk *b;
	unsigned index;
	pthread_t thread;
	bool thread_started;
	struct nvmu_host_qpair *qp;
	int epfd, wake_fd;
	struct vh_poller_stats st;
};

int vh_pollers_start(struct nvmu_vhost_blk *b);
void vh_pollers_join(struct nvmu_vhost_blk *b);
/* Stop every poller at a point with no request in flight; resume lets them go on. */
void vh_quiesce(struct nvmu_vhost_blk *b);
void vh_resume(struct nvmu_vhost_blk *b);

/* ---- the device ------------------------------------------------------------------- */

struct vh_icpt {
	struct nvmu_intercept_ops ops;
	void *arg;
};

struct nvmu_vhost_blk {
	struct nvmu_host_ctrl *h;
	struct nvmu_ns *ns;
	struct nvmu_vhost_blk_opts opts;
	struct nvmu_icpt_geometry geo;
	char serial[VH_SERIAL_LEN];
	char *path;
	unsigned lba_shift;
	/* negotiation (socket thread) */
	uint64_t features, acked, protocol;
	uint8_t writeback;
	bool owner;
	struct vh_mem mem;
	struct vh_inflight inflight;
	struct vh_vring vq[NVMU_VHOST_BLK_MAX_QUEUES];
	struct vh_poller pollers[NVMU_VHOST_BLK_MAX_QUEUES];
	struct vh_icpt icpt[VH_MAX_ICPT];
	unsigned nicpt;
	/* socket thread */
	int listen_fd, conn_fd, stop_fd;
	pthread_t ctl_thread;
	bool started, ctl_started;
	_Atomic uint64_t connections;
	_Atomic bool connected;
	/* quiescing (poller.c) */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	_Atomic bool pause, stopping;
	unsigned paused;
	/* failure of the device underneath */
	_Atomic int failed;
	const char *failed_why;
};

/* Features and config space (blk_config.c). */
uint64_t vh_blk_features(const struct nvmu_vhost_blk *b);
void vh_blk_config(const struct nvmu_vhost_blk *b, uint8_t cfg[VH_CONFIG_SIZE]);
void vh_blk_default_serial(struct nvmu_vhost_blk *b);

/* The socket thread (control.c): serve one connection until it ends or stop is asked. */
void vh_serve_connection(struct nvmu_vhost_blk *b);
/* Drop the connection's state: rings stopped (requests drained), memory unmapped. */
void vh_disconnect(struct nvmu_vhost_blk *b);

/* Messages on the socket (channel.c). */
#define VH_MAX_FDS 8
#define VH_MAX_PAYLOAD 4096

struct vh_msg {
	uint32_t request, flags, size;
	union {
		uint64_t u64;
		uint8_t bytes[VH_MAX_PAYLOAD];
	} payload;
	int fds[VH_MAX_FDS];
	unsigned nfds;
};

/* Receive one message; 1 on success, 0 at end of stream, negative errno on error. */
int vh_msg_recv(int fd, struct vh_msg *msg);
/* Send a reply of @p size payload bytes to @p msg's request. 0 or negative errno. */
int vh_msg_reply(int fd, const struct vh_msg *req, const void *payload, uint32_t size);
/* The same, with descriptor @p send_fd attached (-1: none). */
int vh_msg_reply_fd(int fd, const struct vh_msg *req, const void *payload, uint32_t size,
		    int send_fd);
void vh_msg_close_fds(struct vh_msg *msg);

#endif
