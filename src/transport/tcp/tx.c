/* SPDX-License-Identifier: MIT */
/*
 * Sending: a FIFO of PDUs (command capsules, H2CData), each kept in its slot, written with
 * one sendmsg() for as many PDUs as fit in an iovec array, never blocking: what the socket
 * does not take now stays at the head of the FIFO, partly sent, for the next poll. Data is
 * sent straight from the command's buffers.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "tcp.h"

#define TX_IOV 64

static void put_le32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v)); /* the whole driver assumes a little-endian host */
}

static void put_le16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static uint32_t digest_len(const struct tcp_conn *c, const struct tcp_slot *s)
{
	return c->ddgst && s->pdu_len ? TCP_DGST_LEN : 0;
}

static uint32_t pdu_bytes(const struct tcp_conn *c, const struct tcp_slot *s)
{
	return s->hdr_len + s->pdu_len + digest_len(c, s);
}

/* Fill the common header and the digests of the PDU in @s, then queue it. */
static void finish_pdu(struct tcp_conn *c, struct tcp_slot *s, uint8_t type, uint8_t flags,
		       uint8_t hlen)
{
	uint32_t hd = c->hdgst ? TCP_DGST_LEN : 0, pdo = 0;

	/* Data starts at a multiple of what the controller asked for in ICResp (CPDA). */
	if (s->pdu_len)
		pdo = (uint32_t)nvmu_align_up(hlen + hd, (c->cpda + 1u) * 4u);
	s->hdr[0] = type;
	s->hdr[1] = (uint8_t)(flags | (c->hdgst ? TCP_F_HDGST : 0) |
			      (c->ddgst && s->pdu_len ? TCP_F_DDGST : 0));
	s->hdr[2] = hlen;
	s->hdr[3] = (uint8_t)pdo;
	s->hdr_len = pdo ? pdo : hlen + hd;
	memset(s->hdr + hlen + hd, 0, s->hdr_len - hlen - hd);
	put_le32(s->hdr + 4, pdu_bytes(c, s));
	if (hd)
		put_le32(s->hdr + hlen, tcp_crc(TCP_CRC_SEED, s->hdr, hlen) ^ TCP_CRC_SEED);
	if (c->ddgst && s->pdu_len) {
		uint32_t crc = TCP_CRC_SEED, off = s->pdu_off, left = s->pdu_len;

		while (left) {
			uint8_t *p;
			uint32_t avail;

			if (tcp_data_at(s, off, &p, &avail) < 0)
				break; /* checked when the command was taken */
			if (avail > left)
				avail = left;
			crc = tcp_crc(crc, p, avail);
			off += avail;
			left -= avail;
		}
		put_le32(s->ddgst, crc ^ TCP_CRC_SEED);
	}
	s->in_fifo = true;
	c->fifo[(c->fifo_head + c->fifo_count) % c->nslots] = (uint16_t)(s - c->slots);
	c->fifo_count++;
}

void tcp_tx_capsule(struct tcp_conn *c, struct tcp_slot *s)
{
	s->state = SLOT_QUEUED;
	s->pdu_off = 0;
	s->pdu_len = s->incapsule;
	s->tx_done = s->incapsule;
	finish_pdu(c, s, TCP_CAPSULE_CMD, 0, TCP_CMD_HLEN);
}

void tcp_tx_h2c(struct tcp_conn *c, struct tcp_slot *s)
{
	uint32_t chunk = s->r2t_end - s->tx_done;

	if (chunk > c->maxh2c)
		chunk = c->maxh2c;
	memset(s->hdr, 0, TCP_DATA_HLEN);
	put_le16(s->hdr + 8, (uint16_t)(s - c->slots));
	put_le16(s->hdr + 10, s->ttag);
	put_le32(s->hdr + 12, s->tx_done);
	put_le32(s->hdr + 16, chunk);
	s->pdu_off = s->tx_done;
	s->pdu_len = chunk;
	s->tx_done += chunk;
	finish_pdu(c, s, TCP_H2C_DATA, s->tx_done == s->r2t_end ? TCP_F_LAST : 0,
		   TCP_DATA_HLEN);
}

/* Add the bytes of @s's PDU from @skip on to @iov (which has @n entries). Returns the new
 * count; *whole says the whole rest of the PDU went in. */
static int add_pdu(const struct tcp_conn *c, const struct tcp_slot *s, uint32_t skip,
		   struct iovec *iov, int n, bool *whole)
{
	*whole = false;
	if (skip < s->hdr_len) {
		iov[n++] = (struct iovec){ (uint8_t *)s->hdr + skip, s->hdr_len - skip };
		skip = 0;
	} else {
		skip -= s->hdr_len;
	}
	if (skip < s->pdu_len) {
		uint32_t covered = 0;
		int got = tcp_data_iov(s, s->pdu_off + skip, s->pdu_len - skip, iov + n,
				       TX_IOV - 1 - n, &covered);

		if (got < 0)
			return n; /* cannot happen: the data pointer was checked when taken */
		n += got;
		if (covered < s->pdu_len - skip)
			return n; /* the rest goes with the next sendmsg() */
		skip = 0;
	} else {
		skip -= s->pdu_len;
	}
	if (digest_len(c, s) > skip)
		iov[n++] = (struct iovec){ (uint8_t *)s->ddgst + skip, TCP_DGST_LEN - skip };
	*whole = true;
	return n;
}

/* The head PDU of the FIFO was sent completely. */
static void pdu_sent(struct tcp_conn *c)
{
	struct tcp_slot *s = &c->slots[c->fifo[c->fifo_head]];

	c->fifo_head = (uint16_t)((c->fifo_head + 1) % c->nslots);
	c->fifo_count--;
	c->head_sent = 0;
	s->in_fifo = false;
	if (s->state == SLOT_QUEUED)
		s->state = SLOT_SENT;
	else if (s->tx_done < s->r2t_end)
		tcp_tx_h2c(c, s);
}

int tcp_tx_flush(struct tcp_conn *c)
{
	while (c->fifo_count && !c->dead) {
		struct iovec iov[TX_IOV];
		struct msghdr msg = { .msg_iov = iov };
		int n = 0;
		ssize_t sent;

		for (uint16_t i = 0; i < c->fifo_count && n < TX_IOV - 3; i++) {
			const struct tcp_slot *s =
				&c->slots[c->fifo[(c->fifo_head + i) % c->nslots]];

			bool whole;

			n = add_pdu(c, s, i ? 0 : c->head_sent, iov, n, &whole);
			if (!whole)
				break;
		}
		msg.msg_iovlen = (size_t)n;
		sent = sendmsg(c->fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (sent < 0 && errno == EINTR)
			continue;
		if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (sent <= 0)
			return tcp_conn_fail(c, "send failed: %s", strerror(errno));
		while (sent > 0) {
			const struct tcp_slot *s = &c->slots[c->fifo[c->fifo_head]];
			uint32_t rest = pdu_bytes(c, s) - c->head_sent;

			if ((size_t)sent < rest) {
				c->head_sent += (uint32_t)sent;
				break;
			}
			sent -= rest;
			pdu_sent(c);
		}
	}
	return c->dead ? -EIO : 0;
}
