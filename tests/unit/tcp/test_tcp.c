/* SPDX-License-Identifier: MIT */
/*
 * The NVMe/TCP transport against a fake target on loopback (fake_target.c): bring-up
 * through Property Get/Set, in-capsule writes, R2T and H2CData, reads in C2HData, digests,
 * the errors of a connection that cannot be made, and recovery from a target that sends
 * garbage or drops the connection.
 */
#include <errno.h>
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

RUN_TESTS(T(options), T(discover_verb), T(bring_up_and_io_of_every_shape), T(digests_and_split_reads),
	  T(connections_that_cannot_be_made), T(garbage_from_the_target_resets_and_reconnects),
	  T(keep_alive_while_idle))
