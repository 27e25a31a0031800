/* SPDX-License-Identifier: MIT */
/*
 * Receiving: a state machine over the byte stream (common header, rest of the header and
 * its digest, padding, data, data digest), fed by non-blocking reads. Headers are read
 * through a small staging buffer, so that one read takes several small PDUs; large data
 * is read straight into the command's buffers. The peer is not trusted: every field of
 * every PDU is checked against what is in flight before it is used, and anything wrong
 * fails the connection (the controller then resets and reconnects).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "tcp.h"

#define RX_IOV 64
#define RX_DIRECT_MIN 1024u /* smaller data goes through the staging buffer */

enum fill_result { FILL_DONE, FILL_MORE, FILL_FAIL };

static uint32_t get_le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint16_t get_le16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Read more bytes into the staging buffer, which is empty. */
static enum fill_result stage_read(struct tcp_conn *c)
{
	ssize_t n;

	c->stage_pos = c->stage_len = 0;
	if (c->fd < 0)
		return FILL_MORE; /* fed by tcp_rx_feed() */
	do
		n = recv(c->fd, c->stage, TCP_STAGE_BYTES, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		c->stage_len = (uint32_t)n;
		return FILL_DONE;
	}
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return FILL_MORE;
	tcp_conn_fail(c, n == 0 ? "the target closed the connection" : "receive failed: %s",
		      strerror(errno));
	return FILL_FAIL;
}

/* Bring c->got up to c->need bytes of c->hdr. */
static enum fill_result fill_hdr(struct tcp_conn *c)
{
	while (c->got < c->need) {
		uint32_t n = c->need - c->got, have = c->stage_len - c->stage_pos;
		enum fill_result r;

		if (have == 0) {
			r = stage_read(c);
			if (r != FILL_DONE)
				return r;
			continue;
		}
		if (n > have)
			n = have;
		memcpy(c->hdr + c->got, c->stage + c->stage_pos, n);
		c->stage_pos += n;
		c->got += n;
	}
	return FILL_DONE;
}

static int fail(struct tcp_conn *c, const char *what, uint32_t v)
{
	return tcp_conn_fail(c, "malformed PDU from the target: %s (%u)", what, v);
}

static bool digest_ok(const uint8_t *p, uint32_t len, const uint8_t *dgst)
{
	return (tcp_crc(TCP_CRC_SEED, p, len) ^ TCP_CRC_SEED) == get_le32(dgst);
}

/* The slot a PDU names by @cid, if a command of the core or the transport is out there. */
static struct tcp_slot *slot_of(struct tcp_conn *c, uint16_t cid)
{
	if (cid >= c->nslots || c->slots[cid].state != SLOT_SENT)
		return NULL;
	return &c->slots[cid];
}

static int got_resp(struct tcp_ctrl *tc, struct tcp_conn *c, struct tcp_queue *q,
		    uint32_t plen)
{
	struct nvmu_cqe cqe;
	struct tcp_slot *s;

	memcpy(&cqe, c->hdr + TCP_CH_LEN, sizeof(cqe));
	if (plen != c->need)
		return fail(c, "CapsuleResp with PLEN", plen);
	s = slot_of(c, cqe.cid);
	if (!s)
		return fail(c, "CapsuleResp for a command not in flight, CID", cqe.cid);
	if (s->in_fifo || s->tx_done < s->r2t_end)
		return fail(c, "CapsuleResp while its data is being sent, CID", cqe.cid);
	tcp_complete(tc, c, q, s, &cqe);
	return 0;
}

static int got_r2t(struct tcp_conn *c, uint32_t plen)
{
	uint16_t cid = get_le16(c->hdr + 8);
	uint32_t off = get_le32(c->hdr + 12), len = get_le32(c->hdr + 16);
	struct tcp_slot *s = slot_of(c, cid);

	if (plen != c->need)
		return fail(c, "R2T with PLEN", plen);
	if (!s || !s->write)
		return fail(c, "R2T for no write in flight, CCCID", cid);
	if (s->in_fifo || s->tx_done != s->r2t_end || off != s->tx_done)
		return fail(c, "R2T out of order, offset", off);
	if (len == 0 || len > s->len - off)
		return fail(c, "R2T length beyond the command's data", len);
	s->ttag = get_le16(c->hdr + 10);
	s->r2t_end = off + len;
	tcp_tx_h2c(c, s);
	return 0;
}

static int got_c2h(struct tcp_ctrl *tc, struct tcp_conn *c, uint32_t plen)
{
	uint8_t flags = c->hdr[1], pdo = c->hdr[3];
	uint16_t cid = get_le16(c->hdr + 8);
	uint32_t off = get_le32(c->hdr + 12), len = get_le32(c->hdr + 16);
	uint32_t dd = c->ddgst ? TCP_DGST_LEN : 0;
	struct tcp_slot *s = slot_of(c, cid);

	if (!s || s->write || s->internal)
		return fail(c, "C2HData for no read in flight, CCCID", cid);
	if (off != s->rx_done || len == 0 || len > s->len - off)
		return fail(c, "C2HData offset or length outside the command's data, offset", off);
	if (pdo < c->need || (uint64_t)pdo + len + dd != plen)
		return fail(c, "C2HData with PDO, PLEN and DATAL that disagree, PLEN", plen);
	if (!!(flags & TCP_F_DDGST) != c->ddgst)
		return fail(c, "C2HData data digest flag against what was negotiated, flags", flags);
	if ((flags & TCP_F_SUCCESS) &&
	    (!(flags & TCP_F_LAST) || !tc->sqflow_off || off + len != s->len))
		return fail(c, "C2HData SUCCESS flag where no response may be left out, flags",
			    flags);
	c->rx_slot = s;
	c->rx_off = off;
	c->rx_left = len;
	c->rx_crc = TCP_CRC_SEED;
	c->need = pdo - c->need; /* padding up to the data */
	c->got = 0;
	c->rx = c->need ? RX_PAD : RX_DATA;
	return 0;
}

static int got_term(struct tcp_conn *c)
{
	return tcp_conn_fail(c, "the target ended the connection (C2HTermReq, fatal error "
			     "status %u)", get_le16(c->hdr + 8));
}

/* The whole header (and its digest) is in c->hdr. */
static int got_header(struct tcp_ctrl *tc, struct tcp_conn *c, struct tcp_queue *q)
{
	uint8_t type = c->hdr[0], hlen = c->hdr[2];
	uint32_t plen = get_le32(c->hdr + 4);

	if (c->hdgst && !digest_ok(c->hdr, hlen, c->hdr + hlen))
		return tcp_conn_fail(c, "header digest error in a PDU of type %#x", type);
	c->rx = RX_CH;
	c->got = 0;
	switch (type) {
	case TCP_CAPSULE_RESP: return got_resp(tc, c, q, plen);
	case TCP_R2T: return got_r2t(c, plen);
	case TCP_C2H_DATA: return got_c2h(tc, c, plen);
	case TCP_C2H_TERM: return got_term(c);
	default: return fail(c, "unexpected PDU type", type);
	}
}

/* The common header is in c->hdr: check it and say how much header follows. */
static int got_ch(struct tcp_conn *c)
{
	static const uint8_t hlens[] = {
		[TCP_C2H_TERM] = TCP_TERM_HLEN, [TCP_CAPSULE_RESP] = TCP_RESP_HLEN,
		[TCP_C2H_DATA] = TCP_DATA_HLEN, [TCP_R2T] = TCP_DATA_HLEN,
	};
	uint8_t type = c->hdr[0], flags = c->hdr[1], hlen = c->hdr[2];
	uint32_t plen = get_le32(c->hdr + 4), hd;

	if (type >= sizeof(hlens) || !hlens[type] || hlen != hlens[type])
		return fail(c, "type or header length, type", type);
	/* A TermReq carries no digest; everything else has the one negotiated. */
	hd = type != TCP_C2H_TERM && c->hdgst ? TCP_DGST_LEN : 0;
	if (type != TCP_C2H_TERM && !!(flags & TCP_F_HDGST) != c->hdgst)
		return fail(c, "header digest flag against what was negotiated, flags", flags);
	if (plen < hlen + hd || (type == TCP_C2H_TERM && plen > hlen + 128u))
		return fail(c, "PLEN", plen);
	c->need = hlen + hd;
	c->rx = RX_PSH;
	return 0;
}

/* Data of the current C2HData PDU has arrived at @p (@n bytes): account for it. */
static void data_arrived(struct tcp_conn *c, const uint8_t *p, uint32_t n)
{
	if (c->ddgst)
		c->rx_crc = tcp_crc(c->rx_crc, p, n);
	c->rx_off += n;
	c->rx_left -= n;
	c->rx_slot->rx_done += n;
}

/* Take data: from the staging buffer first, then straight into the command's buffers. */
static enum fill_result take_data(struct tcp_conn *c)
{
	while (c->rx_left) {
		struct iovec iov[RX_IOV];
		uint32_t have = c->stage_len - c->stage_pos, covered;
		int n;
		ssize_t got;

		if (have || c->rx_left < RX_DIRECT_MIN || c->fd < 0) {
			uint8_t *p;
			uint32_t avail;

			if (have == 0) {
				enum fill_result r = stage_read(c);

				if (r != FILL_DONE)
					return r;
				continue;
			}
			if (tcp_data_at(c->rx_slot, c->rx_off, &p, &avail) < 0) {
				tcp_conn_fail(c, "a read's data pointer cannot be followed");
				return FILL_FAIL;
			}
			avail = avail < c->rx_left ? avail : c->rx_left;
			avail = avail < have ? avail : have;
			memcpy(p, c->stage + c->stage_pos, avail);
			c->stage_pos += avail;
			data_arrived(c, p, avail);
			continue;
		}
		n = tcp_data_iov(c->rx_slot, c->rx_off, c->rx_left, iov, RX_IOV, &covered);
		if (n <= 0) {
			tcp_conn_fail(c, "a read's data pointer cannot be followed");
			return FILL_FAIL;
		}
		do
			got = readv(c->fd, iov, n);
		while (got < 0 && errno == EINTR);
		if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return FILL_MORE;
		if (got <= 0) {
			tcp_conn_fail(c, got == 0 ? "the target closed the connection"
						  : "receive failed: %s", strerror(errno));
			return FILL_FAIL;
		}
		for (int i = 0; i < n && got > 0; i++) {
			uint32_t k = (size_t)got < iov[i].iov_len ? (uint32_t)got
								  : (uint32_t)iov[i].iov_len;

			data_arrived(c, iov[i].iov_base, k);
			got -= k;
		}
	}
	return FILL_DONE;
}

/* All data of the current C2HData PDU (and its digest) is in. */
static int data_done(struct tcp_ctrl *tc, struct tcp_conn *c, struct tcp_queue *q)
{
	struct tcp_slot *s = c->rx_slot;

	if (c->ddgst && (c->rx_crc ^ TCP_CRC_SEED) != get_le32(c->hdr))
		return tcp_conn_fail(c, "data digest error in C2HData for CCCID %u",
				     (unsigned)(s - c->slots));
	c->rx = RX_CH;
	c->got = 0;
	c->rx_slot = NULL;
	if (c->hdr[TCP_HDR_MAX - 1] & TCP_F_SUCCESS) {
		struct nvmu_cqe ok = { .cid = (uint16_t)(s - c->slots) };

		tcp_complete(tc, c, q, s, &ok);
	}
	return 0;
}

/* One step of the machine. Returns FILL_DONE to go on, FILL_MORE when bytes are missing. */
static enum fill_result step(struct tcp_ctrl *tc, struct tcp_conn *c, struct tcp_queue *q)
{
	enum fill_result r;

	switch (c->rx) {
	case RX_CH:
		c->need = TCP_CH_LEN;
		r = fill_hdr(c);
		if (r == FILL_DONE && got_ch(c) < 0)
			return FILL_FAIL;
		return r;
	case RX_PSH:
		r = fill_hdr(c);
		if (r != FILL_DONE)
			return r;
		/* keep the flags for the end of the data: the header buffer is reused */
		c->hdr[TCP_HDR_MAX - 1] = c->hdr[1];
		return got_header(tc, c, q) < 0 ? FILL_FAIL : FILL_DONE;
	case RX_PAD:
		while (c->got < c->need) {
			uint32_t have = c->stage_len - c->stage_pos, n = c->need - c->got;

			if (have == 0 && (r = stage_read(c)) != FILL_DONE)
				return r;
			have = c->stage_len - c->stage_pos;
			n = n < have ? n : have;
			c->stage_pos += n;
			c->got += n;
		}
		c->rx = RX_DATA;
		return FILL_DONE;
	case RX_DATA:
		r = take_data(c);
		if (r != FILL_DONE)
			return r;
		if (c->ddgst) {
			c->rx = RX_DDGST;
			c->got = 0;
			c->need = TCP_DGST_LEN;
			return FILL_DONE;
		}
		return data_done(tc, c, q) < 0 ? FILL_FAIL : FILL_DONE;
	case RX_DDGST:
		r = fill_hdr(c);
		if (r != FILL_DONE)
			return r;
		return data_done(tc, c, q) < 0 ? FILL_FAIL : FILL_DONE;
	}
	return FILL_FAIL;
}

int tcp_rx_progress(struct tcp_ctrl *tc, struct tcp_conn *c, struct tcp_queue *q)
{
	enum fill_result r;

	if (c->dead)
		return -EIO;
	do
		r = step(tc, c, q);
	while (r == FILL_DONE);
	return r == FILL_FAIL ? -EIO : 0;
}

int tcp_rx_feed(struct tcp_ctrl *tc, struct tcp_conn *c, struct tcp_queue *q, const void *p,
		size_t len)
{
	const uint8_t *b = p;

	while (len && !c->dead) {
		uint32_t n = len < TCP_STAGE_BYTES ? (uint32_t)len : TCP_STAGE_BYTES;

		memcpy(c->stage, b, n);
		c->stage_pos = 0;
		c->stage_len = n;
		b += n;
		len -= n;
		if (tcp_rx_progress(tc, c, q) < 0)
			return -EIO;
	}
	return c->dead ? -EIO : 0;
}
