/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the NVMe/TCP transport's receive path. The input's first byte chooses
 * the digests and whether SQ flow control is off; the rest is the byte stream a target
 * sends, fed to a connection that has a read, a write and a read of scattered pages in
 * flight. Whatever comes, the transport must only fail the connection with a reason:
 * any crash, sanitizer report, write outside the commands' buffers or completion of a
 * command not in flight is a finding.
 *
 * Built by tests/fuzz/meson.build whenever the compiler takes -fsanitize=fuzzer (clang).
 * Run: fuzz_tcp_pdu -max_total_time=60 CORPUS_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transport/tcp/tcp.h"

#define ENTRIES 8
#define CQ_ENTRIES 16
#define READ_LEN 8192
#define WRITE_LEN 16384
#define PAGES 3

static void in_flight(struct tcp_conn *c, uint16_t i, bool write, uint8_t *buf, uint32_t len)
{
	struct tcp_slot *s = &c->slots[i];

	s->state = SLOT_SENT;
	s->kind = TCP_DATA_FLAT;
	s->flat = buf;
	s->len = len;
	s->write = write;
	s->cid = (uint16_t)(0x100 + i);
	c->outstanding++;
}

/* A read described by PRPs over three separate pages. */
static void prp_read(struct tcp_conn *c, uint16_t i, uint8_t **pages, uint64_t *list)
{
	struct tcp_slot *s = &c->slots[i];

	in_flight(c, i, false, NULL, PAGES * 4096);
	s->kind = TCP_DATA_PRP;
	s->dptr[0] = (uint64_t)(uintptr_t)pages[0];
	s->dptr[1] = (uint64_t)(uintptr_t)list;
	list[0] = (uint64_t)(uintptr_t)pages[1];
	list[1] = (uint64_t)(uintptr_t)pages[2];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tcp_ctrl *tc = calloc(1, sizeof(*tc));
	struct tcp_conn *c = tcp_conn_alloc(1, ENTRIES);
	uint8_t *rbuf = malloc(READ_LEN), *wbuf = calloc(1, WRITE_LEN), *pages[PAGES];
	uint64_t *list = aligned_alloc(4096, 4096);
	uint8_t mode = size ? data[0] : 0;

	for (int i = 0; i < PAGES; i++)
		pages[i] = aligned_alloc(4096, 4096);
	tc->o.queues = 1;
	tc->q = calloc(2, sizeof(*tc->q));
	tc->db_bytes = 4096;
	tc->db = calloc(1, tc->db_bytes);
	tc->q[1].cq = calloc(CQ_ENTRIES, sizeof(struct nvmu_cqe));
	tc->q[1].cq_size = CQ_ENTRIES;
	tc->q[1].cq_phase = 1;
	tc->q[1].cq_live = true;
	tc->q[1].conn = c;
	tc->sqflow_off = mode & 4;
	snprintf(tc->name, sizeof(tc->name), "fuzz");
	c->hdgst = mode & 1;
	c->ddgst = mode & 2;
	c->maxh2c = 4096;
	in_flight(c, 0, false, rbuf, READ_LEN);
	in_flight(c, 1, true, wbuf, WRITE_LEN);
	prp_read(c, 2, pages, list);
	if (size > 1)
		tcp_rx_feed(tc, c, &tc->q[1], data + 1, size - 1);
	tcp_conn_close(c);
	for (int i = 0; i < PAGES; i++)
		free(pages[i]);
	free(list);
	free(rbuf);
	free(wbuf);
	free(tc->q[1].cq);
	free(tc->db);
	free(tc->q);
	free(tc);
	return 0;
}
