/* SPDX-License-Identifier: MIT */
/* The fake NVMe/TCP target of the unit tests (see fake_target.h). */
#include <errno.h>
#include <isa-l/crc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fake_target.h"

#define HDR_MAX 256
#define ADMIN_INLINE 8192u

struct fconn {
	struct fake_target *f;
	int fd;
	bool hdgst, ddgst, sqflow_off, admin;
	uint8_t *buf; /* one PDU */
	size_t buf_len;
	/* capsules that came while the data of a write was awaited, in order */
	uint8_t *backlog[64];
	unsigned nbacklog;
};

static uint32_t crc(const void *p, size_t len)
{
	return crc32_iscsi((unsigned char *)(uintptr_t)p, (int)len, 0xffffffffu) ^ 0xffffffffu;
}

static uint32_t le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static bool read_all(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = recv(fd, p, len, 0);

		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static bool write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static enum fake_fault take_fault(struct fake_target *f, enum fake_fault which)
{
	enum fake_fault got = FAKE_FAULT_NONE;

	pthread_mutex_lock(&f->lock);
	if (f->fault == which) {
		got = which;
		f->fault = FAKE_FAULT_NONE;
	}
	pthread_mutex_unlock(&f->lock);
	return got;
}

static void count(struct fake_target *f, unsigned *what)
{
	pthread_mutex_lock(&f->lock);
	(*what)++;
	pthread_mutex_unlock(&f->lock);
}

/* Send a PDU: header of @hlen at @hdr (its CH filled here), then @data of @dlen. */
static bool send_pdu(struct fconn *c, uint8_t *hdr, uint8_t type, uint8_t flags, uint8_t hlen,
		     const void *data, uint32_t dlen)
{
	uint32_t hd = c->hdgst ? 4 : 0, dd = c->ddgst && dlen ? 4 : 0;
	uint8_t d[4];

	hdr[0] = type;
	hdr[1] = (uint8_t)(flags | (hd ? 1 : 0) | (dd ? 2 : 0));
	hdr[2] = hlen;
	hdr[3] = dlen ? (uint8_t)(hlen + hd) : 0;
	put32(hdr + 4, hlen + hd + dlen + dd);
	if (hd) {
		put32(hdr + hlen, crc(hdr, hlen));
		if (take_fault(c->f, FAKE_FAULT_BAD_HDGST))
			hdr[hlen] ^= 0xff;
	}
	if (!write_all(c->fd, hdr, hlen + hd) || (dlen && !write_all(c->fd, data, dlen)))
		return false;
	put32(d, dlen ? crc(data, dlen) : 0);
	return !dd || write_all(c->fd, d, 4);
}

static bool respond(struct fconn *c, uint16_t cid, uint32_t dw0, uint32_t dw1, uint16_t sf)
{
	uint8_t h[HDR_MAX] = { 0 };

	put32(h + 8, dw0);
	put32(h + 12, dw1);
	memcpy(h + 20, &cid, 2);
	sf = (uint16_t)(sf << 1);
	memcpy(h + 22, &sf, 2);
	return send_pdu(c, h, 0x05, 0, 24, NULL, 0);
}

/* Read data to the host: C2HData PDUs, then a response unless SUCCESS may stand for it. */
static bool send_read(struct fconn *c, uint16_t cid, const uint8_t *data, uint32_t len)
{
	struct fake_target *f = c->f;
	uint32_t chunk = f->c2h_chunk ? f->c2h_chunk : len;
	bool success = c->sqflow_off && !c->ddgst;

	for (uint32_t off = 0; off < len; off += chunk) {
		uint8_t h[HDR_MAX] = { 0 };
		uint32_t n = len - off < chunk ? len - off : chunk;
		bool last = off + n == len;
		uint16_t ccid = cid;

		if (take_fault(f, FAKE_FAULT_BAD_C2H_CID))
			ccid = (uint16_t)(cid + 200);
		if (take_fault(f, FAKE_FAULT_C2H_OVERRUN))
			n = len - off + 512;
		memcpy(h + 8, &ccid, 2);
		put32(h + 12, off);
		put32(h + 16, n);
		count(f, &f->c2h_pdus);
		if (!send_pdu(c, h, 0x07, (uint8_t)(last ? (4 | (success ? 8 : 0)) : 0), 24,
			      data + off, n > len - off ? len - off : n))
			return false;
		if (n > len - off) /* the overrun: bytes it said it would send */
			write_all(c->fd, data, n - (len - off) + (c->ddgst ? 4 : 0));
	}
	return success || respond(c, cid, 0, 0, 0);
}

/* Receive @len bytes of write data for @cid through one R2T and H2CData PDUs. */
static bool receive_write(struct fconn *c, uint16_t cid, uint8_t *dst, uint32_t len)
{
	uint8_t h[HDR_MAX] = { 0 };
	uint32_t got = 0;
	uint16_t ttag = 7;

	memcpy(h + 8, &cid, 2);
	memcpy(h + 10, &ttag, 2);
	put32(h + 12, 0);
	put32(h + 16, len);
	count(c->f, &c->f->r2ts);
	if (!send_pdu(c, h, 0x09, 0, 24, NULL, 0))
		return false;
	while (got < len) {
		uint8_t ch[8];
		uint32_t plen, hd = c->hdgst ? 4 : 0, dlen, off;

		if (!read_all(c->fd, ch, 8))
			return false;
		plen = le32(ch + 4);
		if (ch[0] == 0x04 && plen <= c->buf_len && c->nbacklog < 64) {
			/* the host sends commands while it sends data: keep them for later */
			uint8_t *b = malloc(plen);

			memcpy(b, ch, 8);
			if (!b || !read_all(c->fd, b + 8, plen - 8))
				return false;
			c->backlog[c->nbacklog++] = b;
			continue;
		}
		if (ch[0] != 0x06 || plen > c->buf_len || plen < 24 + hd)
			return false;
		memcpy(c->buf, ch, 8);
		if (!read_all(c->fd, c->buf + 8, plen - 8))
			return false;
		if (hd && crc(c->buf, 24) != le32(c->buf + 24))
			count(c->f, &c->f->digest_errors);
		off = le32(c->buf + 12);
		dlen = le32(c->buf + 16);
		if (c->buf[3] % ((c->f->cpda + 1u) * 4u))
			return false;
		if (off != got || dlen > len - got || dlen > c->f->maxh2c ||
		    le32(c->buf + 8) != (uint32_t)(cid | ttag << 16))
			return false;
		if (c->ddgst && crc(c->buf + c->buf[3], dlen) != le32(c->buf + c->buf[3] + dlen))
			count(c->f, &c->f->digest_errors);
		memcpy(dst + off, c->buf + c->buf[3], dlen);
		got += dlen;
		count(c->f, &c->f->h2c_pdus);
		if ((got == len) != !!(c->buf[1] & 4))
			return false; /* LAST exactly on the final PDU */
	}
	return true;
}

static bool fabrics(struct fconn *c, const uint8_t *sqe, const uint8_t *data, uint32_t dlen)
{
	struct fake_target *f = c->f;
	uint16_t cid;
	uint32_t off = le32(sqe + 44);
	uint64_t cap = 1023 | 15ull << 24 | 1ull << 37;

	memcpy(&cid, sqe + 2, 2);
	switch (sqe[4]) {
	case 0x01: /* Connect */
		if (dlen != 1024)
			return respond(c, cid, 0, 0, 0x4002);
		if (strcmp((const char *)data + 256, FAKE_NQN) &&
		    strcmp((const char *)data + 256, "nqn.2014-08.org.nvmexpress.discovery"))
			return respond(c, cid, 0, 0, 0x4000 | 0x100 | 0x82);
		if (f->allowed_host[0] && strcmp((const char *)data + 512, f->allowed_host))
			return respond(c, cid, 0, 0, 0x4000 | 0x100 | 0x84);
		c->admin = le32(sqe + 40) >> 16 == 0;
		c->sqflow_off = sqe[46] & 4;
		return respond(c, cid, 1, 0, 0);
	case 0x04: /* Property Get */
		pthread_mutex_lock(&f->lock);
		if (off == 0x14)
			cap = f->cc;
		else if (off == 0x1c)
			cap = (f->cc & 1) | ((f->cc >> 14) & 3 ? 2u << 2 : 0);
		else if (off == 0x08)
			cap = 0x10300;
		pthread_mutex_unlock(&f->lock);
		return respond(c, cid, (uint32_t)cap, (uint32_t)(cap >> 32), 0);
	case 0x00: /* Property Set */
		if (off != 0x14)
			return respond(c, cid, 0, 0, 0x4002);
		pthread_mutex_lock(&f->lock);
		f->cc = le32(sqe + 48);
		pthread_mutex_unlock(&f->lock);
		return respond(c, cid, 0, 0, 0);
	default:
		return respond(c, cid, 0, 0, 0x4002);
	}
}

static bool identify(struct fconn *c, uint16_t cid, uint32_t cns, uint32_t nsid)
{
	uint8_t d[4096] = { 0 };
	uint64_t nsze = FAKE_BLOCKS;
	uint32_t ioccsz = (c->f->inline_bytes + 64) / 16;
	uint16_t oacs = 1u << 8;

	if (cns == 1) {
		memcpy(d + 24, "FAKE", 4); /* MN */
		memcpy(d + 256, &oacs, 2);
		put32(d + 516, 1);       /* NN */
		put32(d + 536, 0x100001); /* SGLS */
		memcpy(d + 768, FAKE_NQN, sizeof(FAKE_NQN));
		put32(d + 1792, ioccsz);
		put32(d + 1796, 1);
	} else if (cns == 0 && nsid == 1) {
		memcpy(d, &nsze, 8);
		memcpy(d + 8, &nsze, 8);
		memcpy(d + 16, &nsze, 8);
		d[130] = 9; /* LBAF0: 512-byte blocks */
	} else if (cns == 2) {
		put32(d, 1); /* the active namespace list */
	}
	return send_read(c, cid, d, sizeof(d));
}

static bool io(struct fconn *c, const uint8_t *sqe, const uint8_t *data, uint32_t dlen)
{
	struct fake_target *f = c->f;
	uint16_t cid;
	uint64_t slba;
	uint32_t nlb = (le32(sqe + 48) & 0xffff) + 1, len = nlb * 512, sgl_len = le32(sqe + 32);

	memcpy(&cid, sqe + 2, 2);
	memcpy(&slba, sqe + 40, 8);
	count(f, &f->io_cmds);
	if (slba + nlb > FAKE_BLOCKS || sgl_len != len)
		return respond(c, cid, 0, 0, 0x4002);
	if (sqe[0] == 0x02) {
		uint32_t delay = __atomic_load_n(&f->read_delay_us, __ATOMIC_RELAXED);

		if (delay)
			usleep(delay);
		return send_read(c, cid, f->disk + slba * 512, len);
	}
	if (sqe[0] != 0x01)
		return respond(c, cid, 0, 0, 0);
	if (take_fault(f, FAKE_FAULT_CLOSE_ON_WRITE))
		return false;
	if (sqe[39] == 0x01) {
		if (dlen != len)
			return respond(c, cid, 0, 0, 0x4002);
		memcpy(f->disk + slba * 512, data, len);
		count(f, &f->incapsule_writes);
	} else if (!receive_write(c, cid, f->disk + slba * 512, len)) {
		return false;
	}
	return respond(c, cid, 0, 0, 0);
}

/* The Discovery Log Page: this discovery controller, then the subsystem. */
static bool discovery_log(struct fconn *c, uint16_t cid, uint32_t off, uint32_t len)
{
	uint8_t log[3 * 1024] = { 0 };
	uint64_t genctr = 5, numrec = 2;
	char port[32];

	memcpy(log, &genctr, 8);
	memcpy(log + 8, &numrec, 8);
	snprintf(port, sizeof(port), "%u", c->f->port);
	for (int i = 0; i < 2; i++) {
		uint8_t *e = log + 1024 * (i + 1);
		const char *nqn = i ? FAKE_NQN : "nqn.2014-08.org.nvmexpress.discovery";

		e[0] = 3;             /* TCP */
		e[1] = 1;             /* IPv4 */
		e[2] = i ? 2 : 3;     /* NVM subsystem, current discovery subsystem */
		e[3] = 4;             /* SQ flow control disable supported */
		e[4] = 1;             /* port 1 */
		memcpy(e + 32, port, strlen(port));
		memcpy(e + 256, nqn, strlen(nqn));
		memcpy(e + 512, "127.0.0.1", 9);
	}
	if (off > sizeof(log) || len > sizeof(log) - off)
		return respond(c, cid, 0, 0, 0x4002);
	return send_read(c, cid, log + off, len);
}

static bool admin(struct fconn *c, const uint8_t *sqe)
{
	uint16_t cid;
	uint32_t cdw10 = le32(sqe + 40), len = le32(sqe + 32);
	static const uint8_t zeroes[4096];

	memcpy(&cid, sqe + 2, 2);
	switch (sqe[0]) {
	case 0x06: return identify(c, cid, cdw10 & 0xff, le32(sqe + 4));
	case 0x09: return respond(c, cid, (cdw10 & 0xff) == 7 ? 63u | 63u << 16 : 0, 0, 0);
	case 0x18:
		count(c->f, &c->f->keep_alives);
		pthread_mutex_lock(&c->f->lock);
		cid = c->f->fault == FAKE_FAULT_NO_KEEP_ALIVE ? 0xffff : cid;
		pthread_mutex_unlock(&c->f->lock);
		return cid == 0xffff || respond(c, cid, 0, 0, 0);
	case 0x0c: return true; /* an event request: no event ever comes */
	case 0x02:
		if ((cdw10 & 0xff) == 0x70)
			return discovery_log(c, cid, le32(sqe + 48), len);
		return send_read(c, cid, zeroes, len < sizeof(zeroes) ? len : sizeof(zeroes));
	default: return respond(c, cid, 0, 0, 0);
	}
}

static bool capsule(struct fconn *c, uint32_t plen)
{
	uint32_t hd = c->hdgst ? 4 : 0, pdo = c->buf[3], dlen = 0;
	const uint8_t *sqe = c->buf + 8, *data = NULL;

	if (pdo % ((c->f->cpda + 1u) * 4u))
		return false; /* data not where CPDA asked for it */
	if (hd && crc(c->buf, 72) != le32(c->buf + 72))
		count(c->f, &c->f->digest_errors);
	if (pdo) {
		dlen = plen - pdo - (c->ddgst ? 4 : 0);
		data = c->buf + pdo;
		if (c->ddgst && crc(data, dlen) != le32(data + dlen))
			count(c->f, &c->f->digest_errors);
	}
	if (sqe[0] == 0x7f)
		return fabrics(c, sqe, data, dlen);
	return c->admin ? admin(c, sqe) : io(c, sqe, data, dlen);
}

static bool initialize(struct fconn *c)
{
	uint8_t req[128], resp[128] = { 0x01, 0, 128, 0, 128 };

	if (!read_all(c->fd, req, sizeof(req)) || req[0] != 0x00)
		return false;
	if (take_fault(c->f, FAKE_FAULT_GARBAGE_ICRESP)) {
		memset(resp, 'x', sizeof(resp));
		write_all(c->fd, resp, sizeof(resp));
		return false;
	}
	if (take_fault(c->f, FAKE_FAULT_SILENT)) {
		char b;

		while (recv(c->fd, &b, 1, 0) > 0)
			;
		return false;
	}
	c->hdgst = req[11] & 1;
	c->ddgst = req[11] & 2;
	if (c->hdgst)
		count(c->f, &c->f->icreqs_hdgst);
	if (c->ddgst)
		count(c->f, &c->f->icreqs_ddgst);
	resp[10] = c->f->cpda;
	resp[11] = req[11] & 3;
	put32(resp + 12, c->f->maxh2c);
	return write_all(c->fd, resp, sizeof(resp));
}

static void *serve(void *arg)
{
	struct fconn *c = arg;

	if (initialize(c)) {
		for (;;) {
			uint8_t ch[8];
			uint32_t plen;

			if (c->nbacklog) {
				uint8_t *b = c->backlog[0];

				plen = le32(b + 4);
				memcpy(c->buf, b, plen);
				free(b);
				memmove(c->backlog, c->backlog + 1, --c->nbacklog * sizeof(b));
				if (!capsule(c, plen))
					break;
				continue;
			}
			if (!read_all(c->fd, ch, 8))
				break;
			plen = le32(ch + 4);
			if (ch[0] != 0x04 || plen > c->buf_len || plen < 72)
				break;
			memcpy(c->buf, ch, 8);
			if (!read_all(c->fd, c->buf + 8, plen - 8) || !capsule(c, plen))
				break;
		}
	}
	shutdown(c->fd, SHUT_RDWR);
	while (c->nbacklog)
		free(c->backlog[--c->nbacklog]);
	free(c->buf);
	free(c);
	return NULL;
}

static void *accept_loop(void *arg)
{
	struct fake_target *f = arg;

	for (;;) {
		int fd = accept(f->listen_fd, NULL, NULL), one = 1;
		struct fconn *c;

		if (fd < 0)
			return NULL;
		pthread_mutex_lock(&f->lock);
		if (f->stop || f->nconn == 64) {
			pthread_mutex_unlock(&f->lock);
			close(fd);
			return NULL;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c = calloc(1, sizeof(*c));
		c->f = f;
		c->fd = fd;
		c->buf_len = (f->maxh2c > ADMIN_INLINE ? f->maxh2c : ADMIN_INLINE) + 16384 + HDR_MAX;
		c->buf = malloc(c->buf_len);
		f->conn_fds[f->nconn] = fd;
		f->connections++;
		pthread_create(&f->conn_threads[f->nconn++], NULL, serve, c);
		pthread_mutex_unlock(&f->lock);
	}
}

int fake_target_start(struct fake_target *f)
{
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr *a = f->ipv6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a4;
	socklen_t len = f->ipv6 ? sizeof(a6) : sizeof(a4);

	pthread_mutex_init(&f->lock, NULL);
	if (!f->maxh2c)
		f->maxh2c = 65536;
	if (!f->inline_bytes)
		f->inline_bytes = 16384;
	f->disk = calloc(FAKE_BLOCKS, 512);
	f->listen_fd = socket(a->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (!f->disk || f->listen_fd < 0 || bind(f->listen_fd, a, len) < 0 ||
	    listen(f->listen_fd, 64) < 0 || getsockname(f->listen_fd, a, &len))
		return -errno;
	f->port = ntohs(f->ipv6 ? a6.sin6_port : a4.sin_port);
	return pthread_create(&f->accept_thread, NULL, accept_loop, f) ? -EAGAIN : 0;
}

void fake_target_drop_connections(struct fake_target *f)
{
	pthread_mutex_lock(&f->lock);
	for (unsigned i = 0; i < f->nconn; i++)
		shutdown(f->conn_fds[i], SHUT_RDWR);
	pthread_mutex_unlock(&f->lock);
}

void fake_target_stop(struct fake_target *f)
{
	pthread_mutex_lock(&f->lock);
	f->stop = true;
	pthread_mutex_unlock(&f->lock);
	shutdown(f->listen_fd, SHUT_RDWR);
	pthread_join(f->accept_thread, NULL);
	fake_target_drop_connections(f);
	for (unsigned i = 0; i < f->nconn; i++) {
		pthread_join(f->conn_threads[i], NULL);
		close(f->conn_fds[i]);
	}
	close(f->listen_fd);
	free(f->disk);
	pthread_mutex_destroy(&f->lock);
}

void fake_target_set_fault(struct fake_target *f, enum fake_fault fault)
{
	pthread_mutex_lock(&f->lock);
	f->fault = fault;
	pthread_mutex_unlock(&f->lock);
}
