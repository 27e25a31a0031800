/* SPDX-License-Identifier: MIT */
/*
 * A small NVMe/TCP target for the transport's unit tests: it listens on loopback, serves
 * one namespace of RAM (512-byte blocks) the way Linux's nvmet does (one R2T for the whole
 * write, reads in C2HData with SUCCESS and no response when it may), checks the digests it
 * agreed to, and can misbehave on request. One thread per connection, blocking sockets.
 */
#ifndef NVMU_TEST_FAKE_TARGET_H
#define NVMU_TEST_FAKE_TARGET_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define FAKE_NQN "nqn.2024-01.io.nvmu:fake"
#define FAKE_BLOCKS 32768u /* 16 MiB of 512-byte blocks */

enum fake_fault {
	FAKE_FAULT_NONE,
	FAKE_FAULT_GARBAGE_ICRESP, /* answer ICReq with bytes that are no ICResp */
	FAKE_FAULT_SILENT,         /* accept, never answer */
	FAKE_FAULT_BAD_C2H_CID,    /* the next read's C2HData names a CID not in flight */
	FAKE_FAULT_C2H_OVERRUN,    /* the next read's C2HData carries more than asked */
	FAKE_FAULT_CLOSE_ON_WRITE, /* close the connection on the next write, unanswered */
	FAKE_FAULT_BAD_HDGST,      /* the next response has a wrong header digest */
	FAKE_FAULT_NO_KEEP_ALIVE,  /* Keep Alive commands get no answer from now on */
};

struct fake_target {
	int listen_fd;
	uint16_t port;
	bool ipv6;              /* listen on ::1 instead of 127.0.0.1 */
	pthread_t accept_thread;
	pthread_mutex_t lock;
	bool stop;
	uint8_t *disk;
	char allowed_host[256]; /* "" = any host */
	uint32_t maxh2c;        /* MAXH2CDATA it announces */
	uint32_t inline_bytes;  /* in-capsule data it takes on I/O queues */
	uint32_t c2h_chunk;     /* bytes per C2HData PDU (0: all in one) */
	uint8_t cpda;           /* data alignment it asks of the host: (cpda + 1) * 4 */
	uint32_t read_delay_us; /* a read's data waits this long (__atomic: set any time) */
	enum fake_fault fault;  /* consumed when it fires */
	/* what it saw */
	unsigned connections, icreqs_hdgst, icreqs_ddgst, r2ts, h2c_pdus, incapsule_writes;
	unsigned c2h_pdus, keep_alives, digest_errors, io_cmds;
	uint32_t cc;
	int conn_fds[64];
	pthread_t conn_threads[64];
	unsigned nconn;
};

/* Start listening on 127.0.0.1 or ::1 (an ephemeral port). Returns 0 or -errno. */
int fake_target_start(struct fake_target *f);
void fake_target_stop(struct fake_target *f);
/* Close every connection it has (a target that goes away for a moment). */
void fake_target_drop_connections(struct fake_target *f);
void fake_target_set_fault(struct fake_target *f, enum fake_fault fault);

#endif
