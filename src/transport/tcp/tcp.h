/* SPDX-License-Identifier: MIT */
/*
 * The NVMe/TCP host transport's state, shared by its source files (not a public
 * interface). The transport plays an NVMe controller towards the core (registers, rings,
 * doorbells) and a host towards the target: see docs/tcp.md.
 *
 * Locking: the admin connection, the registers and the association state are guarded by
 * tcp_ctrl.lock (register ops, the admin queue's poll and the keep-alive thread all use
 * them). An I/O connection is used only by the thread that polls its queue pair, and by
 * the admin path while that pair is not polled (create, delete, reset). The interrupt
 * thread (irq.c) touches only tcp_queue.irq_fired, .irq_vector and tcp_ctrl.irq_fd, with
 * atomic accesses.
 */
#ifndef NVMU_SRC_TRANSPORT_TCP_TCP_H
#define NVMU_SRC_TRANSPORT_TCP_TCP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "nvmu/nvme.h"
#include "nvmu/transport.h"

/* ---- PDUs (NVMe/TCP transport specification 1.0) ---- */

enum tcp_pdu_type {
	TCP_ICREQ = 0x00,
	TCP_ICRESP = 0x01,
	TCP_H2C_TERM = 0x02,
	TCP_C2H_TERM = 0x03,
	TCP_CAPSULE_CMD = 0x04,
	TCP_CAPSULE_RESP = 0x05,
	TCP_H2C_DATA = 0x06,
	TCP_C2H_DATA = 0x07,
	TCP_R2T = 0x09,
};

enum tcp_pdu_flags {
	TCP_F_HDGST = 1u << 0,
	TCP_F_DDGST = 1u << 1,
	TCP_F_LAST = 1u << 2,
	TCP_F_SUCCESS = 1u << 3,
};

#define TCP_CH_LEN 8
#define TCP_IC_LEN 128
#define TCP_CMD_HLEN 72
#define TCP_RESP_HLEN 24
#define TCP_DATA_HLEN 24
#define TCP_TERM_HLEN 24
#define TCP_DGST_LEN 4
#define TCP_HDR_MAX (TCP_IC_LEN + TCP_DGST_LEN)
#define TCP_MAXH2C_MIN 4096u
#define TCP_PDO_MAX 255u /* PDO is one byte */

/* The common header every PDU starts with. */
struct tcp_ch {
	uint8_t type;
	uint8_t flags;
	uint8_t hlen;
	uint8_t pdo;
	uint32_t plen;
};

/* CRC32C of @len bytes at @p, continuing @crc (start with TCP_CRC_SEED; the digest on the
 * wire is the result XOR ~0). */
#define TCP_CRC_SEED 0xffffffffu
uint32_t tcp_crc(uint32_t crc, const void *p, size_t len);

/* ---- fabrics commands ---- */

#define TCP_FABRICS_OPCODE 0x7f
#define TCP_FCTYPE_PROP_SET 0x00
#define TCP_FCTYPE_CONNECT 0x01
#define TCP_FCTYPE_PROP_GET 0x04
#define TCP_CONNECT_DATA_LEN 1024
#define TCP_CATTR_NO_SQFLOW (1u << 2)
#define TCP_ADMIN_CNTLID 0xffffu
#define TCP_NQN_MAX 224 /* 223 characters and the NUL */
#define TCP_DISCOVERY_NQN "nqn.2014-08.org.nvmexpress.discovery"

/* ---- options (options.c) ---- */

struct tcp_opts {
	char host[256];  /* address without brackets */
	char port[8];
	char subnqn[TCP_NQN_MAX];
	char hostnqn[TCP_NQN_MAX];
	uint8_t hostid[16];
	uint16_t queues;      /* I/O queues at most */
	uint16_t queue_size;  /* entries per I/O queue at most */
	uint32_t kato_ms;
	bool hdgst, ddgst;
	uint32_t connect_timeout_ms;
	uint32_t reconnect_delay_ms;
	uint32_t ctrl_loss_tmo_ms;
};

/* Parse "ADDR[:PORT]/SUBNQN[?OPT=VAL&...]" into @o. Returns 0 or -EINVAL with a message
 * naming what was wrong. */
int tcp_opts_parse(const char *spec, struct tcp_opts *o);

/* ---- a command in flight on a connection ---- */

enum tcp_data_kind {
	TCP_DATA_NONE,
	TCP_DATA_PRP,  /* PRP1/PRP2 of the core's command (CPU addresses) */
	TCP_DATA_SGL,  /* the SGL of the core's command */
	TCP_DATA_FLAT, /* one buffer of the transport's own (Connect data) */
};

enum tcp_slot_state {
	SLOT_FREE,
	SLOT_QUEUED, /* its capsule waits to be sent, or is being sent */
	SLOT_SENT,   /* the capsule is out: waiting for R2T, data or the response */
};

struct tcp_slot {
	uint8_t state;
	uint8_t kind;      /* enum tcp_data_kind */
	bool write;        /* data goes to the controller */
	bool internal;     /* the transport's own command: its answer goes into .result */
	bool done;         /* internal: answered */
	bool in_fifo;      /* a PDU of it waits in the send FIFO */
	uint16_t cid;      /* the core's CID, put back into the completion */
	uint8_t opcode;
	uint32_t len;      /* bytes of data */
	uint32_t incapsule; /* bytes sent in the capsule */
	uint32_t rx_done;  /* bytes received (C2HData), in order */
	uint32_t tx_done;  /* bytes sent (in-capsule or H2CData) */
	uint32_t r2t_end;  /* end offset of the data the current R2T asked for */
	uint16_t ttag;
	uint32_t cdw10;    /* for the admin snoops */
	uint32_t nsid;
	uint64_t dptr[2];  /* PRP1/PRP2 or the first SGL descriptor */
	uint8_t *flat;     /* TCP_DATA_FLAT */
	struct nvmu_cqe result;
	/* the PDU this slot has in the send FIFO */
	uint8_t hdr[TCP_PDO_MAX + 1]; /* header, header digest, padding up to PDO */
	uint32_t hdr_len;  /* bytes of hdr that go out before the data */
	uint32_t pdu_off, pdu_len; /* data range of that PDU */
	uint8_t ddgst[TCP_DGST_LEN];
};

enum tcp_rx_state { RX_CH, RX_PSH, RX_PAD, RX_DATA, RX_DDGST };

struct tcp_conn {
	int fd;
	uint16_t qid;
	bool dead;
	bool hdgst, ddgst;  /* negotiated */
	uint8_t cpda;
	uint32_t maxh2c;
	uint32_t incapsule_max;
	uint16_t nslots;    /* ring entries + 2 internal (sync, keep-alive) */
	uint16_t outstanding;
	uint16_t next_free; /* where the search for a free slot starts */
	struct tcp_slot *slots;
	/* send FIFO: slot indexes whose PDU waits, the head one partly sent */
	uint16_t *fifo;
	uint16_t fifo_head, fifo_count;
	uint32_t head_sent;
	/* receive state */
	enum tcp_rx_state rx;
	uint8_t hdr[TCP_HDR_MAX];
	uint32_t got, need;
	struct tcp_slot *rx_slot;
	uint32_t rx_off, rx_left, rx_crc;
	uint8_t *stage;     /* bytes read ahead of the current state */
	uint32_t stage_pos, stage_len;
	char why[160];      /* why it died */
};

#define TCP_STAGE_BYTES 8192u
#define TCP_SLOT_SYNC(c) ((uint16_t)((c)->nslots - 2))
#define TCP_SLOT_KA(c) ((uint16_t)((c)->nslots - 1))

/* ---- the controller as the core sees it ---- */

struct tcp_queue {
	uint8_t *sq, *cq;    /* ring memory (CPU addresses) */
	uint16_t sq_size, cq_size, sq_head, cq_tail, cqid;
	uint8_t cq_phase;
	bool sq_live, cq_live;
	struct tcp_conn *conn;
	/* interrupt mode (irq.c) */
	int irq_vector;      /* from Create I/O CQ (IEN, IV), -1 without interrupts */
	bool irq_watched;    /* the socket is in the interrupt thread's epoll set */
	bool irq_out;        /* ... registered for EPOLLOUT too */
	bool irq_fired;      /* the thread signalled: the owner re-arms after draining */
};

#define TCP_NS_MAX 1024

struct tcp_ctrl {
	struct nvmu_transport t;
	struct tcp_opts o;
	char name[300];
	pthread_mutex_t lock;
	/* registers */
	uint64_t cap;
	uint32_t vs, cc, aqa, csts_cache;
	bool csts_valid;
	uint64_t asq, acq;
	/* association */
	bool associated;       /* CC.EN=1 went through */
	uint16_t cntlid;
	uint32_t ioccsz_bytes; /* in-capsule data on I/O queues (from Identify) */
	bool sqflow_off;
	_Atomic bool lost;     /* a connection failed: CSTS reads CFS until a reset */
	_Atomic bool gone;     /* ctrl-loss-tmo passed: the device is removed */
	uint64_t lost_at_ns;
	char lost_why[200];
	uint8_t lbads[TCP_NS_MAX]; /* LBA data size shift per NSID (0: not known) */
	/* queues */
	struct tcp_queue *q;   /* [0..queues] */
	uint8_t *db;           /* doorbell area */
	size_t db_bytes;
	/* keep-alive */
	pthread_t ka_thread;
	bool ka_running, ka_stop;
	pthread_cond_t ka_cond;
	uint64_t ka_sent_ns;
	/* interrupts (irq.c) */
	int *irq_fd;           /* [0..queues]: the eventfd of each vector, -1 */
	int irq_epfd, irq_wake;
	pthread_t irq_thread;
	bool irq_running;
};

static inline struct tcp_ctrl *tcp_of(struct nvmu_transport *t)
{
	return (struct tcp_ctrl *)t;
}

/* ---- sockets (sock.c) ---- */

/* Connect to the options' address within @timeout_ms, non-blocking, TCP_NODELAY.
 * Returns the socket or a negative errno with a message. */
int tcp_sock_connect(const struct tcp_opts *o, uint32_t timeout_ms, const char *name);

/* Wait until @fd is readable (or writable too, @out) or @deadline (nvmu_deadline_ms())
 * passes. Returns 0, or -ETIMEDOUT. */
int tcp_sock_wait(int fd, bool out, uint64_t deadline);

/* ---- connections (conn.c) ---- */

/* A connection for queue @qid with @entries ring entries: TCP connect, ICReq/ICResp,
 * Fabrics Connect. Returns 0 and sets *out, or a negative errno with a message. */
int tcp_conn_open(struct tcp_ctrl *tc, uint16_t qid, uint16_t entries, struct tcp_conn **out);
void tcp_conn_close(struct tcp_conn *c);

/* A connection with no socket yet (fd -1) and its slots for @entries commands: what
 * tcp_conn_open() starts from, and what tests feed PDUs to. Returns NULL without memory. */
struct tcp_conn *tcp_conn_alloc(uint16_t qid, uint16_t entries);

/* Mark @c dead for the reason given (logged once). Returns -EIO. */
int tcp_conn_fail(struct tcp_conn *c, const char *fmt, ...) NVMU_PRINTF(2, 3);

/* Send @cmd on @c through its sync slot and wait for its answer into *@cpl, with
 * @data (@len bytes, in the capsule) when not NULL. Other PDUs that arrive meanwhile are
 * handled as usual (@tc's queue of @c gets their completions). Returns 0 (whatever the
 * status), or a negative errno with a message when the connection failed or the answer
 * did not come in @timeout_ms. */
int tcp_conn_sync(struct tcp_ctrl *tc, struct tcp_conn *c, const struct nvmu_sqe *cmd,
		  void *data, uint32_t len, uint32_t timeout_ms, struct nvmu_cqe *cpl);

/* ---- data of a command (data.c) ---- */

/* The length of the data @cmd moves, into *len; *write says it goes to the controller.
 * Returns 0, or -EINVAL when the transport cannot size it (a PRP command it does not
 * know, or an unknown namespace format). */
int tcp_cmd_data(const struct tcp_ctrl *tc, const struct nvmu_sqe *cmd, bool admin,
		 uint32_t *len, bool *write);

/* The contiguous bytes of @s's data at offset @off: *ptr and *avail (> 0). Returns 0, or
 * -EINVAL when the data pointer is malformed. */
int tcp_data_at(const struct tcp_slot *s, uint32_t off, uint8_t **ptr, uint32_t *avail);

/* Up to @max iovecs for bytes [off, off+len) of @s's data; *covered gets the bytes they
 * hold. Returns how many, or -EINVAL. */
int tcp_data_iov(const struct tcp_slot *s, uint32_t off, uint32_t len, struct iovec *iov,
		 int max, uint32_t *covered);

/* ---- sending (tx.c) ---- */

/* Put @s's capsule into the send FIFO: its command is at s->hdr + TCP_CH_LEN already, and
 * s->incapsule bytes of its data go with it. */
void tcp_tx_capsule(struct tcp_conn *c, struct tcp_slot *s);
/* Put the next H2CData PDU of @s (after an R2T) into the send FIFO. */
void tcp_tx_h2c(struct tcp_conn *c, struct tcp_slot *s);
/* Send what the FIFO holds, as far as the socket takes it without blocking. Returns 0 or
 * -EIO (the connection died). */
int tcp_tx_flush(struct tcp_conn *c);

/* ---- receiving (rx.c) ---- */

/* Read and handle what the socket has, without blocking. Completions of the core's
 * commands go into queue @q's CQ ring. Returns 0 or -EIO (the connection died). */
int tcp_rx_progress(struct tcp_ctrl *tc, struct tcp_conn *c, struct tcp_queue *q);

/* Handle the @len bytes at @p as if the socket had delivered them (the fuzz target and
 * tests feed PDUs through this). Returns 0 or -EIO. */
int tcp_rx_feed(struct tcp_ctrl *tc, struct tcp_conn *c, struct tcp_queue *q, const void *p,
		size_t len);

/* ---- completions and the admin snoops (complete.c) ---- */

/* Complete @s with @cqe (the target's or one made up): internal slots keep it, others go
 * into @q's CQ ring with the core's CID. Frees the slot. */
void tcp_complete(struct tcp_ctrl *tc, struct tcp_conn *c, struct tcp_queue *q,
		  struct tcp_slot *s, const struct nvmu_cqe *cqe);

/* Post a completion of the transport's own making for the core's command @cid. */
void tcp_post_cqe(struct tcp_ctrl *tc, struct tcp_queue *q, uint16_t qid, uint16_t cid,
		  uint32_t dw0, uint32_t dw1, uint16_t status);

/* Take @cmd into the free slot @s of @c (data length @len, @write, @incapsule bytes of it
 * in the capsule, described by the command's own data pointer unless s->kind is set
 * already) and queue its capsule. */
void tcp_slot_send(struct tcp_conn *c, struct tcp_slot *s, const struct nvmu_sqe *cmd,
		   uint32_t len, bool write, uint32_t incapsule);

/* ---- queues (queues.c) ---- */

/* Turn the SQEs the core posted on queue @qid into capsules, send, receive. */
void tcp_queue_progress(struct tcp_ctrl *tc, uint16_t qid);

/* Close every connection but keep the queues' memory addresses (reset, shutdown). */
void tcp_queues_disconnect(struct tcp_ctrl *tc);

/* ---- registers and the association (regs.c) ---- */

uint32_t tcp_reg_read32(struct tcp_ctrl *tc, uint32_t off);
uint64_t tcp_reg_read64(struct tcp_ctrl *tc, uint32_t off);
void tcp_reg_write32(struct tcp_ctrl *tc, uint32_t off, uint32_t val);

/* Set up the admin association (connect, ICReq, Connect) retrying every reconnect-delay
 * when @retry, until ctrl-loss-tmo. Returns 0 or a negative errno with a message. */
int tcp_associate(struct tcp_ctrl *tc, bool retry);

/* Record that the association failed (@why); CSTS reads CFS from now on. */
void tcp_mark_lost(struct tcp_ctrl *tc, const char *why);

/* ---- keep-alive (keepalive.c) ---- */

int tcp_ka_start(struct tcp_ctrl *tc);
void tcp_ka_stop(struct tcp_ctrl *tc);

/* ---- interrupts (irq.c) ---- */

/* Vectors with no eventfd (before the controller is used). Returns 0 or -ENOMEM. */
int tcp_irq_init(struct tcp_ctrl *tc);
/* Connect @vector (0..queues) to eventfd @fd (-1 disconnects); the first connection
 * starts the interrupt thread. Returns 0 or a negative errno with a message. */
int tcp_irq_connect(struct tcp_ctrl *tc, uint32_t vector, int fd);
/* Stop the thread and free what interrupts use (close). */
void tcp_irq_stop(struct tcp_ctrl *tc);
/* Add the new socket of @q to the epoll set when its CQ has interrupts enabled. */
void tcp_irq_watch(struct tcp_ctrl *tc, struct tcp_queue *q);
/* Take the socket of @q out of the epoll set, before it is closed. */
void tcp_irq_unwatch(struct tcp_ctrl *tc, struct tcp_queue *q);
/* After the owner drained @q's socket: arm it again if it fired, or for EPOLLOUT when
 * PDUs wait to be sent. */
void tcp_irq_rearm(struct tcp_ctrl *tc, struct tcp_queue *q);

/* ---- the transport (tcp.c) ---- */

int tcp_open(const char *spec, struct nvmu_transport **out);

/* Status field values (no phase bit). */
#define TCP_STATUS(sct, sc) ((uint16_t)(((sct) << NVME_SCT_SHIFT) | (sc) | NVME_SC_DNR))

#endif
