/* SPDX-License-Identifier: MIT */
/*
 * The NVMe/TCP transport against a fake target on loopback (fake_target.c): bring-up
 * through Property Get/Set, in-capsule writes, R2T and H2CData, reads in C2HData, digests,
 * the errors of a connection that cannot be made, and recovery from a target that sends
 * garbage or drops the connection.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#include "check.h"
#include "fake_target.h"
#include "nvmu/host.h"
#include "nvmu/nvme.h"
#include "transport/tcp/tcp.h"

static struct fake_target f;

static void start(uint32_t maxh2c, uint32_t c2h_chunk)
{
	memset(&f, 0, sizeof(f));
	f.maxh2c = maxh2c;
	f.c2h_chunk = c2h_chunk;
	CHECK_EQ(fake_target_start(&f), 0);
}

static const char *dev(const char *opts)
{
	static char s[512];

	snprintf(s, sizeof(s), "tcp://127.0.0.1:%u/%s%s%s", f.port, FAKE_NQN, opts[0] ? "?" : "",
		 opts);
	return s;
}

static struct nvmu_host_ctrl *attach(const char *opts)
{
	struct nvmu_host_ctrl *h = NULL;
	int ret = nvmu_host_attach(dev(opts), NULL, &h);

	if (ret < 0)
		fprintf(stderr, "attach: %s\n", nvmu_last_error());
	CHECK_EQ(ret, 0);
	return h;
}

static struct nvmu_host_qpair *qpair(struct nvmu_host_ctrl *h, uint8_t retries)
{
	struct nvmu_host_qpair_opts o = { .opts_size = sizeof(o), .entries = 32,
					  .retries = retries };
	struct nvmu_host_qpair *qp = NULL;
	int ret = nvmu_host_qpair_create(h, &o, &qp);

	if (ret < 0)
		fprintf(stderr, "qpair: %s\n", nvmu_last_error());
	CHECK_EQ(ret, 0);
	return qp;
}

static void fill(uint8_t *p, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 31u + seed + (i >> 9));
}

/* Write @len bytes at @lba, read them back into another buffer and compare, and compare
 * with what the target holds. */
static void round_trip(struct nvmu_host_ctrl *h, struct nvmu_host_qpair *qp, uint64_t lba,
		       size_t len, unsigned seed)
{
	struct nvmu_ns *ns = nvmu_host_ns(h, 0);
	struct nvmu_dma_buf w, r;
	int ret;

	CHECK_EQ(nvmu_host_dma_alloc(h, len, &w), 0);
	CHECK_EQ(nvmu_host_dma_alloc(h, len, &r), 0);
	fill(w.vaddr, len, seed);
	ret = nvmu_ns_write_sync(qp, ns, lba, &w, 1, 0, 10000, NULL);
	if (ret < 0)
		fprintf(stderr, "write of %zu: %s\n", len, nvmu_last_error());
	CHECK_EQ(ret, 0);
	ret = nvmu_ns_read_sync(qp, ns, lba, &r, 1, 0, 10000, NULL);
	if (ret < 0)
		fprintf(stderr, "read of %zu: %s\n", len, nvmu_last_error());
	CHECK_EQ(ret, 0);
	CHECK(memcmp(w.vaddr, r.vaddr, len) == 0);
	CHECK(memcmp(w.vaddr, f.disk + lba * 512, len) == 0);
	nvmu_host_dma_free(h, &w);
	nvmu_host_dma_free(h, &r);
}

TEST(options)
{
	struct tcp_opts o;

	CHECK_EQ(tcp_opts_parse("[::1]:4421/nqn.x?queues=2&hdgst=on,kato=2000", &o), 0);
	CHECK(strcmp(o.host, "::1") == 0);
	CHECK(strcmp(o.port, "4421") == 0);
	CHECK(strcmp(o.subnqn, "nqn.x") == 0);
	CHECK_EQ(o.queues, 2);
	CHECK(o.hdgst && !o.ddgst);
	CHECK_EQ(o.kato_ms, 2000);
	CHECK(o.hostnqn[0] != '\0');
	CHECK_EQ(tcp_opts_parse("10.0.0.1", &o), 0);
	CHECK(strcmp(o.port, "4420") == 0);
	CHECK(strcmp(o.subnqn, TCP_DISCOVERY_NQN) == 0);
	CHECK_EQ(tcp_opts_parse("::1/nqn", &o), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "brackets");
	CHECK_EQ(tcp_opts_parse("10.0.0.1/nqn?queues=0", &o), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "queues=0: expected a number in 1..128");
	CHECK_EQ(tcp_opts_parse("10.0.0.1/nqn?bogus=1", &o), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "unknown option 'bogus'");
	CHECK_EQ(tcp_opts_parse("10.0.0.1:99999/nqn", &o), -EINVAL);
	CHECK_EQ(tcp_opts_parse("10.0.0.1/nqn?hostid=123", &o), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "UUID");
}

TEST(bring_up_and_io_of_every_shape)
{
	struct nvmu_host_ctrl *h;
	struct nvmu_host_qpair *qp;
	static const size_t sizes[] = { 512, 4096, 8192, 16384, 16896, 65536, 1u << 20,
					(4u << 20) + 4096 };

	start(8192, 0);
	h = attach("queues=2&queue-size=64");
	if (!h)
		return;
	CHECK(strncmp((const char *)nvmu_host_id(h)->mn, "FAKE", 4) == 0);
	/* what the core sees: MDTS 4 MiB, no Doorbell Buffer Config */
	CHECK_EQ(nvmu_host_id(h)->mdts, 10);
	CHECK_EQ(nvmu_host_id(h)->oacs & (1u << 8), 0);
	CHECK_EQ(nvmu_ctrl_io_queues(nvmu_host_core(h)), 2);
	CHECK_EQ(nvmu_ctrl_max_queue_entries(nvmu_host_core(h)), 64);
	qp = qpair(h, 0);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		round_trip(h, qp, 8 * i, sizes[i], (unsigned)i);
	CHECK(f.incapsule_writes >= 4); /* up to 16 KiB */
	CHECK(f.r2ts >= 3);
	CHECK(f.h2c_pdus >= f.r2ts + (1u << 20) / 8192);
	CHECK_EQ(f.digest_errors, 0);
	CHECK_EQ(nvmu_host_qpair_delete(qp), 0);
	CHECK_EQ(nvmu_host_detach(h), 0);
	CHECK_EQ(f.cc >> 14 & 3, 1); /* a normal shutdown through Property Set */
	fake_target_stop(&f);
}

TEST(digests_and_split_reads)
{
	struct nvmu_host_ctrl *h;
	struct nvmu_host_qpair *qp;

	start(16384, 4096);
	f.cpda = 7; /* data of the host's PDUs 32-byte aligned */
	h = attach("hdgst=on&ddgst=on");
	if (!h)
		return;
	qp = qpair(h, 0);
	round_trip(h, qp, 0, 512, 1);
	round_trip(h, qp, 100, 12288, 2);
	round_trip(h, qp, 1000, 256 * 1024, 3);
	CHECK(f.icreqs_hdgst >= 2 && f.icreqs_ddgst >= 2);
	CHECK(f.c2h_pdus >= 64);
	CHECK_EQ(f.digest_errors, 0);
	CHECK_EQ(nvmu_host_detach(h), 0);
	fake_target_stop(&f);
}

TEST(ipv6)
{
	struct nvmu_host_ctrl *h = NULL;
	struct nvmu_host_qpair *qp;
	char d[256];
	int ret;

	memset(&f, 0, sizeof(f));
	f.ipv6 = true;
	CHECK_EQ(fake_target_start(&f), 0);
	snprintf(d, sizeof(d), "tcp://[::1]:%u/%s", f.port, FAKE_NQN);
	ret = nvmu_host_attach(d, NULL, &h);
	if (ret < 0)
		fprintf(stderr, "attach %s: %s\n", d, nvmu_last_error());
	CHECK_EQ(ret, 0);
	if (h) {
		CHECK_STR_CONTAINS(nvmu_host_name(h), "[::1]");
		qp = qpair(h, 0);
		round_trip(h, qp, 10, 8192, 4);
		CHECK_EQ(nvmu_host_detach(h), 0);
	}
	fake_target_stop(&f);
}

static void refused(const char *d, int err, const char *msg)
{
	struct nvmu_host_ctrl *h = NULL;

	CHECK_EQ(nvmu_host_attach(d, NULL, &h), err);
	CHECK_STR_CONTAINS(nvmu_last_error(), msg);
	CHECK(h == NULL);
}

TEST(connections_that_cannot_be_made)
{
	char d[256];
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	/* a port nobody listens on */
	CHECK_EQ(bind(fd, (struct sockaddr *)&a, len), 0);
	CHECK_EQ(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	snprintf(d, sizeof(d), "tcp://127.0.0.1:%u/%s", ntohs(a.sin_port), FAKE_NQN);
	refused(d, -ECONNREFUSED, "refused the connection");
	refused("tcp://not-an-address/nqn", -EINVAL, "is not an IPv4 or IPv6 address");

	start(0, 0);
	snprintf(d, sizeof(d), "tcp://127.0.0.1:%u/nqn.2024-01.io.nvmu:other", f.port);
	refused(d, -ENOENT, "serves no subsystem 'nqn.2024-01.io.nvmu:other'");
	snprintf(f.allowed_host, sizeof(f.allowed_host), "nqn.2024-01.io.nvmu:allowed");
	refused(dev("hostnqn=nqn.2024-01.io.nvmu:stranger"), -EACCES,
		"host NQN 'nqn.2024-01.io.nvmu:stranger' is not allowed");
	f.allowed_host[0] = '\0';
	fake_target_set_fault(&f, FAKE_FAULT_GARBAGE_ICRESP);
	refused(dev(""), -EPROTO, "is not an ICResp");
	fake_target_set_fault(&f, FAKE_FAULT_SILENT);
	refused(dev("connect-timeout=300"), -ETIMEDOUT, "no ICResp");
	fake_target_stop(&f);
}

/* A read whose data comes back malformed: the connection fails, the controller resets and
 * reconnects, and the read, posted again, completes with the right data. */
static void recovers_from(enum fake_fault fault, bool write)
{
	struct nvmu_host_ctrl *h;
	struct nvmu_host_qpair *qp;
	struct nvmu_ctrl_recovery_stats st;
	unsigned before;

	start(0, 0);
	h = attach("reconnect-delay=50&ctrl-loss-tmo=5000");
	if (!h)
		return;
	qp = qpair(h, 3);
	round_trip(h, qp, 0, 4096, 1);
	before = f.connections;
	fake_target_set_fault(&f, fault);
	if (write)
		round_trip(h, qp, 64, 65536, 5);
	else
		round_trip(h, qp, 0, 4096, 1);
	CHECK(f.connections >= before + 2); /* admin and I/O again */
	nvmu_ctrl_recovery_stats(nvmu_host_core(h), &st);
	CHECK(st.resets >= 1);
	CHECK_EQ(nvmu_host_state(h), NVMU_CTRL_LIVE);
	round_trip(h, qp, 200, 8192, 9);
	CHECK_EQ(nvmu_host_detach(h), 0);
	fake_target_stop(&f);
}

TEST(garbage_from_the_target_resets_and_reconnects)
{
	recovers_from(FAKE_FAULT_BAD_C2H_CID, false);
	recovers_from(FAKE_FAULT_C2H_OVERRUN, false);
	recovers_from(FAKE_FAULT_CLOSE_ON_WRITE, true);
}

TEST(keep_alive_while_idle)
{
	struct nvmu_host_ctrl *h;
	uint64_t deadline;

	start(0, 0);
	h = attach("kato=1000");
	if (!h)
		return;
	/* the application polls nothing: the transport's own thread keeps the controller */
	deadline = nvmu_deadline_ms(10000);
	while (f.keep_alives < 2 && !nvmu_deadline_passed(deadline))
		nvmu_sleep_us(10000);
	CHECK(f.keep_alives >= 2);
	CHECK_EQ(nvmu_host_detach(h), 0);
	fake_target_stop(&f);
}

/* Wait up to @ms for @qp's interrupt, then acknowledge it. Returns true when it came. */
static bool irq_came(struct nvmu_host_qpair *qp, int ms)
{
	struct pollfd p = { .fd = nvmu_host_qpair_eventfd(qp), .events = POLLIN };
	bool came = poll(&p, 1, ms) == 1;

	nvmu_host_qpair_ack_irq(qp);
	return came;
}

/* Read @len bytes at @lba, sleeping on the eventfd between polls; compare with the target.
 * Returns the interrupts it waited for. */
static unsigned read_by_irq(struct nvmu_host_ctrl *h, struct nvmu_host_qpair *qp,
			    uint64_t lba, size_t len)
{
	struct nvmu_host_waiter w = { 0 };
	struct nvmu_dma_buf r;
	unsigned irqs = 0;

	CHECK_EQ(nvmu_host_dma_alloc(h, len, &r), 0);
	CHECK_EQ(nvmu_ns_read(qp, nvmu_host_ns(h, 0), lba, &r, 1, 0, nvmu_host_sync_cb, &w), 0);
	for (int i = 0; i < 1000 && !w.done; i++) {
		CHECK(nvmu_host_qpair_poll(qp, 0) >= 0);
		if (w.done)
			break;
		/* Only the interrupt can end this wait: without it the read never completes. */
		if (!irq_came(qp, 5000))
			break;
		irqs++;
	}
	if (__atomic_load_n(&f.read_delay_us, __ATOMIC_RELAXED))
		CHECK(irqs >= 1);
	CHECK(w.done);
	CHECK_EQ(w.cpl.status, 0);
	CHECK(memcmp(r.vaddr, f.disk + lba * 512, len) == 0);
	nvmu_host_dma_free(h, &r);
	return irqs;
}

static struct nvmu_host_qpair *irq_qpair(struct nvmu_host_ctrl *h)
{
	struct nvmu_host_qpair_opts o = { .opts_size = sizeof(o), .entries = 32,
					  .retries = 3, .interrupts = true };
	struct nvmu_host_qpair *qp = NULL;
	int ret = nvmu_host_qpair_create(h, &o, &qp);

	if (ret < 0)
		fprintf(stderr, "qpair with interrupts: %s\n", nvmu_last_error());
	CHECK_EQ(ret, 0);
	CHECK(nvmu_host_qpair_eventfd(qp) >= 0);
	return qp;
}

/* A queue pair with interrupts: reads that wait on its eventfd, writes through
 * nvmu_host_wait(), an idle queue that signals nothing, a polled pair beside it, a pair
 * deleted and created again, and a reconnect after the target dropped every connection
 * (the dead socket itself signals the sleeping owner). */
TEST(interrupts)
{
	struct nvmu_host_ctrl *h;
	struct nvmu_host_qpair *qp, *polled;
	unsigned irqs = 0, before;

	start(0, 0);
	h = attach("queues=4&reconnect-delay=50&ctrl-loss-tmo=5000");
	if (!h)
		return;
	qp = irq_qpair(h);
	polled = qpair(h, 0);
	round_trip(h, qp, 0, 65536, 3);
	/* Reads answered late: the poll that sends one cannot see its data, so each read
	 * completes only if the interrupt wakes its owner. */
	__atomic_store_n(&f.read_delay_us, 2000, __ATOMIC_RELAXED);
	for (int i = 0; i < 20; i++)
		irqs += read_by_irq(h, qp, (uint64_t)i * 8, 4096);
	irqs += read_by_irq(h, qp, 0, 65536);
	CHECK(irqs >= 1);
	/* A signal the thread was late to write may still come: let it, poll (re-arm), ack.
	 * Then nothing is in flight and nothing arrives: no interrupt. */
	nvmu_sleep_us(50000);
	CHECK_EQ(nvmu_host_qpair_poll(qp, 0), 0);
	irq_came(qp, 0);
	CHECK(!irq_came(qp, 200));
	round_trip(h, polled, 512, 8192, 4);
	CHECK_EQ(nvmu_host_qpair_delete(qp), 0);
	qp = irq_qpair(h);
	round_trip(h, qp, 64, 16384, 5);
	CHECK(read_by_irq(h, qp, 64, 16384) + read_by_irq(h, qp, 70, 512) < 2000);

	before = f.connections;
	fake_target_drop_connections(&f);
	CHECK(irq_came(qp, 5000));
	round_trip(h, qp, 128, 8192, 6);
	CHECK(f.connections >= before + 3); /* admin and both I/O queues again */
	CHECK_EQ(nvmu_host_state(h), NVMU_CTRL_LIVE);
	irqs = 0;
	for (int i = 0; i < 20; i++)
		irqs += read_by_irq(h, qp, 128 + (uint64_t)i, 512);
	CHECK(irqs >= 1);
	round_trip(h, polled, 600, 4096, 7);
	CHECK_EQ(nvmu_host_detach(h), 0);
	fake_target_stop(&f);
}

/* Run the tool with @args; its stdout into @out. Returns the exit status. */
static int tool(char *out, size_t len, const char *args)
{
	char cmd[1024];
	const char *exe = getenv("NVMU_EXE");
	FILE *p;
	size_t n;
	int st;

	snprintf(cmd, sizeof(cmd), "%s %s", exe ? exe : "nvmu", args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(discover_verb)
{
	static char out[16384];
	char args[256], want[256];

	start(0, 0);
	snprintf(args, sizeof(args), "discover tcp://127.0.0.1:%u -o json", f.port);
	CHECK_EQ(tool(out, sizeof(out), args), 0);
	CHECK_STR_CONTAINS(out, "\"genctr\": 5");
	CHECK_STR_CONTAINS(out, "\"subtype\": \"current discovery subsystem\"");
	CHECK_STR_CONTAINS(out, "\"subtype\": \"nvme subsystem\"");
	CHECK_STR_CONTAINS(out, "\"treq\": \"not specified, sq flow control disable supported\"");
	CHECK_STR_CONTAINS(out, "\"sectype\": \"none\"");
	snprintf(want, sizeof(want), "\"device\": \"tcp://127.0.0.1:%u/%s\"", f.port, FAKE_NQN);
	CHECK_STR_CONTAINS(out, want);
	snprintf(args, sizeof(args), "discover tcp://127.0.0.1:%u", f.port);
	CHECK_EQ(tool(out, sizeof(out), args), 0);
	CHECK_STR_CONTAINS(out, "Discovery Log Number of Records 2, Generation counter 5");
	CHECK_STR_CONTAINS(out, "=====Discovery Log Entry 1======\ntrtype:  tcp\nadrfam:  ipv4\n");
	CHECK_EQ(tool(out, sizeof(out), "discover soft: 2>/dev/null"), 2);
	fake_target_stop(&f);
}

TEST(keep_alive_without_answer_reconnects)
{
	struct nvmu_host_ctrl *h;
	struct nvmu_ctrl_recovery_stats st = { 0 };
	uint64_t deadline;
	unsigned before;

	start(0, 0);
	h = attach("kato=1000&reconnect-delay=50");
	if (!h)
		return;
	before = f.connections;
	fake_target_set_fault(&f, FAKE_FAULT_NO_KEEP_ALIVE);
	/* the keep-alive thread gives up after KATO; the admin poll then resets */
	deadline = nvmu_deadline_ms(10000);
	while (st.resets == 0 && !nvmu_deadline_passed(deadline)) {
		nvmu_host_admin_poll(h);
		nvmu_ctrl_recovery_stats(nvmu_host_core(h), &st);
		nvmu_sleep_us(10000);
	}
	CHECK(st.resets >= 1);
	CHECK(f.connections > before);
	fake_target_set_fault(&f, FAKE_FAULT_NONE);
	CHECK_EQ(nvmu_host_detach(h), 0);
	fake_target_stop(&f);
}

/* A connection with a read (slot 0, 4 KiB) and a write (slot 1, 16 KiB) in flight, fed
 * the PDU @pdu of @len bytes: returns whether it survived, and the reason it died. */
static bool feed(const uint8_t *pdu, size_t len, bool hdgst, char *why, size_t why_len)
{
	static uint8_t rbuf[4096], wbuf[16384];
	struct tcp_ctrl *tc = calloc(1, sizeof(*tc));
	struct tcp_conn *c = tcp_conn_alloc(1, 8);
	bool alive;

	tc->o.queues = 1;
	tc->q = calloc(2, sizeof(*tc->q));
	tc->db_bytes = 4096;
	tc->db = calloc(1, tc->db_bytes);
	tc->q[1].cq = calloc(16, sizeof(struct nvmu_cqe));
	tc->q[1].cq_size = 16;
	tc->q[1].cq_phase = 1;
	tc->q[1].cq_live = true;
	c->hdgst = hdgst;
	c->maxh2c = 4096;
	for (int i = 0; i < 2; i++) {
		struct tcp_slot *s = &c->slots[i];

		s->state = SLOT_SENT;
		s->kind = TCP_DATA_FLAT;
		s->flat = i ? wbuf : rbuf;
		s->len = i ? sizeof(wbuf) : sizeof(rbuf);
		s->write = i;
		s->cid = (uint16_t)(0x40 + i);
		c->outstanding++;
	}
	tcp_rx_feed(tc, c, &tc->q[1], pdu, len);
	alive = !c->dead;
	snprintf(why, why_len, "%s", c->why);
	tcp_conn_close(c);
	free(tc->q[1].cq);
	free(tc->db);
	free(tc->q);
	free(tc);
	return alive;
}

/* A PDU header: type, flags, hlen, pdo, plen, then 16 bytes of fields. */
static size_t pdu(uint8_t *p, uint8_t type, uint8_t flags, uint8_t hlen, uint8_t pdo,
		  uint32_t plen, uint16_t cid, uint32_t off, uint32_t len)
{
	memset(p, 0, 64);
	p[0] = type;
	p[1] = flags;
	p[2] = hlen;
	p[3] = pdo;
	memcpy(p + 4, &plen, 4);
	memcpy(p + 8, &cid, 2);
	memcpy(p + 12, &off, 4);
	memcpy(p + 16, &len, 4);
	return hlen;
}

TEST(malformed_pdus_fail_the_connection)
{
	uint8_t p[8192];
	char why[200];
	size_t n;

	/* a good C2HData for the read, then its response: the connection lives */
	n = pdu(p, TCP_C2H_DATA, TCP_F_LAST, 24, 24, 24 + 512, 0, 0, 512);
	memset(p + n, 0xab, 512);
	CHECK(feed(p, n + 512, false, why, sizeof(why)));
	n = pdu(p, TCP_C2H_DATA, 0, 24, 24, 24 + 512, 0, 512, 512); /* out of order */
	CHECK(!feed(p, n + 512, false, why, sizeof(why)));
	CHECK_STR_CONTAINS(why, "C2HData offset or length outside");
	n = pdu(p, TCP_C2H_DATA, 0, 24, 24, 24 + 8192, 0, 0, 8192); /* beyond the 4 KiB */
	CHECK(!feed(p, n, false, why, sizeof(why)));
	CHECK_STR_CONTAINS(why, "outside the command's data");
	n = pdu(p, TCP_C2H_DATA, 0, 24, 24, 24 + 512, 1, 0, 512); /* into the write */
	CHECK(!feed(p, n, false, why, sizeof(why)));
	CHECK_STR_CONTAINS(why, "C2HData for no read in flight");
	n = pdu(p, TCP_C2H_DATA, 0, 24, 24, 24 + 100, 0, 0, 512); /* PLEN != PDO + DATAL */
	CHECK(!feed(p, n, false, why, sizeof(why)));
	CHECK_STR_CONTAINS(why, "disagree");
	n = pdu(p, TCP_C2H_DATA, TCP_F_LAST | TCP_F_SUCCESS, 24, 24, 24 + 512, 0, 0, 512);
	CHECK(!feed(p, n + 512, false, why, sizeof(why))); /* SUCCESS with flow control on */
	CHECK_STR_CONTAINS(why, "SUCCESS flag");
	n = pdu(p, TCP_R2T, 0, 24, 0, 24, 1, 0, 20000); /* more than the write has */
	CHECK(!feed(p, n, false, why, sizeof(why)));
	CHECK_STR_CONTAINS(why, "R2T length beyond");
	n = pdu(p, TCP_R2T, 0, 24, 0, 24, 0, 0, 512); /* for the read */
	CHECK(!feed(p, n, false, why, sizeof(why)));
	CHECK_STR_CONTAINS(why, "R2T for no write in flight");
	n = pdu(p, TCP_R2T, 0, 24, 0, 24, 1, 0, 4096); /* a good one */
	CHECK(feed(p, n, false, why, sizeof(why)));
	n = pdu(p, TCP_CAPSULE_RESP, 0, 24, 0, 24, 0, 0, 0);
	memset(p + 8, 0, 16);
	p[20] = 7; /* CID 7: nothing in flight there */
	CHECK(!feed(p, n, false, why, sizeof(why)));
	CHECK_STR_CONTAINS(why, "CapsuleResp for a command not in flight");
	n = pdu(p, TCP_CAPSULE_RESP, 0, 24, 0, 40, 0, 0, 0); /* PLEN too long */
	CHECK(!feed(p, n, false, why, sizeof(why)));
	CHECK_STR_CONTAINS(why, "CapsuleResp with PLEN");
	n = pdu(p, 0x42, 0, 24, 0, 24, 0, 0, 0);
	CHECK(!feed(p, n, false, why, sizeof(why)));
	CHECK_STR_CONTAINS(why, "type or header length");
	n = pdu(p, TCP_CAPSULE_RESP, 0, 72, 0, 72, 0, 0, 0);
	CHECK(!feed(p, n, false, why, sizeof(why)));
	CHECK_STR_CONTAINS(why, "type or header length");
	/* header digests: the flag must be there, and the digest right */
	n = pdu(p, TCP_CAPSULE_RESP, 0, 24, 0, 28, 0, 0, 0);
	CHECK(!feed(p, n + 4, true, why, sizeof(why)));
	CHECK_STR_CONTAINS(why, "header digest flag");
	n = pdu(p, TCP_CAPSULE_RESP, TCP_F_HDGST, 24, 0, 28, 0, 0, 0);
	memset(p + n, 0x55, 4);
	CHECK(!feed(p, n + 4, true, why, sizeof(why)));
	CHECK_STR_CONTAINS(why, "header digest error");
	n = pdu(p, TCP_C2H_TERM, 0, 24, 0, 24, 2, 0, 0);
	CHECK(!feed(p, n, false, why, sizeof(why)));
	CHECK_STR_CONTAINS(why, "C2HTermReq");
}

RUN_TESTS(T(options), T(discover_verb), T(malformed_pdus_fail_the_connection),
	  T(keep_alive_without_answer_reconnects), T(ipv6), T(bring_up_and_io_of_every_shape), T(digests_and_split_reads),
	  T(connections_that_cannot_be_made), T(garbage_from_the_target_resets_and_reconnects),
	  T(keep_alive_while_idle), T(interrupts))
