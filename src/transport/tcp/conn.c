/* SPDX-License-Identifier: MIT */
/*
 * Connections: one per queue. Opening one is TCP connect, ICReq/ICResp (digests and the
 * data limits are agreed there) and a Fabrics Connect for its queue, each step within
 * connect-timeout and each failure told in words. A connection's commands live in slots
 * allocated with it: nothing is allocated per command.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nvmu/dptr.h"
#include "tcp.h"

#define ADMIN_INCAPSULE 8192u /* what Linux and nvmet use on the admin queue */
#define SGL_INCAPSULE 0x01u   /* Data Block, sub type Offset */
#define SGL_TRANSPORT 0x5au   /* Transport SGL Data Block, sub type Transport specific */
#define SC_CONNECT_INVALID_PARAM 0x82
#define SC_CONNECT_INVALID_HOST 0x84
#define CONNECT_AUTH_REQUIRED (1u << 17)

int tcp_conn_fail(struct tcp_conn *c, const char *fmt, ...)
{
	va_list ap;

	if (c->dead)
		return -EIO;
	c->dead = true;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	return -EIO;
}

void tcp_conn_close(struct tcp_conn *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c->slots);
	free(c->fifo);
	free(c->stage);
	free(c);
}

struct tcp_conn *tcp_conn_alloc(uint16_t qid, uint16_t entries)
{
	struct tcp_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->fd = -1;
	c->qid = qid;
	c->nslots = (uint16_t)(entries + 2u);
	c->slots = calloc(c->nslots, sizeof(*c->slots));
	c->fifo = calloc(c->nslots, sizeof(*c->fifo));
	c->stage = malloc(TCP_STAGE_BYTES);
	if (!c->slots || !c->fifo || !c->stage) {
		tcp_conn_close(c);
		return NULL;
	}
	return c;
}

void tcp_slot_send(struct tcp_conn *c, struct tcp_slot *s, const struct nvmu_sqe *cmd,
		   uint32_t len, bool write, uint32_t incapsule)
{
	struct nvmu_sqe w = *cmd;
	struct nvmu_sgl_desc *d = (struct nvmu_sgl_desc *)&w.prp1;

	s->cid = cmd->cid;
	s->opcode = cmd->opcode;
	s->cdw10 = cmd->cdw10;
	s->nsid = cmd->nsid;
	s->len = len;
	s->write = write;
	s->incapsule = incapsule;
	s->rx_done = s->tx_done = s->r2t_end = 0;
	if (s->kind == TCP_DATA_NONE && len) {
		s->kind = (cmd->flags & NVMU_SQE_PSDT_MASK) == NVMU_SQE_PSDT_SGL ? TCP_DATA_SGL
										  : TCP_DATA_PRP;
		s->dptr[0] = cmd->prp1;
		s->dptr[1] = cmd->prp2;
	}
	w.cid = (uint16_t)(s - c->slots);
	w.flags = (uint8_t)((w.flags & ~NVMU_SQE_PSDT_MASK) | NVMU_SQE_PSDT_SGL);
	memset(d, 0, sizeof(*d));
	d->len = len;
	d->type = incapsule ? SGL_INCAPSULE : SGL_TRANSPORT;
	memcpy(s->hdr + TCP_CH_LEN, &w, sizeof(w));
	c->outstanding++;
	tcp_tx_capsule(c, s);
}

/* Read exactly @len bytes within @deadline (connection setup only). */
static int read_exact(struct tcp_conn *c, void *buf, size_t len, uint64_t deadline)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = recv(c->fd, p, len, MSG_DONTWAIT);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n == 0)
			return -ECONNRESET;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		if (tcp_sock_wait(c->fd, false, deadline) < 0)
			return -ETIMEDOUT;
	}
	return 0;
}

static int write_exact(struct tcp_conn *c, const void *buf, size_t len, uint64_t deadline)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = send(c->fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		if (tcp_sock_wait(c->fd, true, deadline) < 0)
			return -ETIMEDOUT;
	}
	return 0;
}

/* Why an ICResp in @r cannot be taken, or NULL; sets the connection's parameters. */
static const char *take_icresp(struct tcp_conn *c, const uint8_t *r, bool hdgst, bool ddgst)
{
	uint32_t plen, maxh2c;
	uint16_t pfv;

	memcpy(&plen, r + 4, 4);
	memcpy(&pfv, r + 8, 2);
	memcpy(&maxh2c, r + 12, 4);
	if (r[0] != TCP_ICRESP || r[2] != TCP_IC_LEN || plen != TCP_IC_LEN)
		return "its answer to ICReq is not an ICResp: is it an NVMe/TCP target?";
	if (pfv != 0)
		return "its ICResp names a PDU format version other than 0";
	if (r[10] > 31)
		return "its ICResp has a CPDA above 31";
	if (!!(r[11] & 1) != hdgst || !!(r[11] & 2) != ddgst)
		return "it did not accept the header and data digests as asked (hdgst, ddgst)";
	if (maxh2c < TCP_MAXH2C_MIN || maxh2c % 4)
		return "its ICResp has a MAXH2CDATA below 4096 or not a multiple of 4";
	c->cpda = r[10];
	c->hdgst = hdgst;
	c->ddgst = ddgst;
	c->maxh2c = maxh2c;
	return NULL;
}

static int initialize(struct tcp_ctrl *tc, struct tcp_conn *c, uint64_t deadline)
{
	uint8_t req[TCP_IC_LEN] = { TCP_ICREQ, 0, TCP_IC_LEN, 0, TCP_IC_LEN };
	uint8_t resp[TCP_IC_LEN];
	const char *why;
	int ret;

	req[11] = (uint8_t)((tc->o.hdgst ? 1 : 0) | (tc->o.ddgst ? 2 : 0));
	ret = write_exact(c, req, sizeof(req), deadline);
	if (ret == 0)
		ret = read_exact(c, resp, sizeof(resp), deadline);
	if (ret == -ETIMEDOUT)
		return nvmu_fail(ETIMEDOUT, "%s: queue %u: no ICResp from %s port %s within %u ms "
				 "(connect-timeout): is it an NVMe/TCP target?", tc->name, c->qid,
				 tc->o.host, tc->o.port, tc->o.connect_timeout_ms);
	if (ret < 0)
		return nvmu_fail(-ret, "%s: queue %u: the connection failed while initializing "
				 "(ICReq/ICResp): %s", tc->name, c->qid, strerror(-ret));
	why = take_icresp(c, resp, tc->o.hdgst, tc->o.ddgst);
	if (why)
		return nvmu_fail(EPROTO, "%s: queue %u: %s port %s: %s", tc->name, c->qid,
				 tc->o.host, tc->o.port, why);
	return 0;
}

static int connect_refused(struct tcp_ctrl *tc, uint16_t qid, const struct nvmu_cqe *cpl)
{
	uint16_t sf = (uint16_t)(cpl->status >> 1);
	unsigned sct = NVME_GET(sf, SCT), sc = NVME_GET(sf, SC);

	if (sct == NVME_SCT_CMD_SPECIFIC && sc == SC_CONNECT_INVALID_HOST)
		return nvmu_fail(EACCES, "%s: host NQN '%s' is not allowed to connect to "
				 "subsystem '%s' (add it to the subsystem's allowed hosts, or "
				 "pass hostnqn=)", tc->name, tc->o.hostnqn, tc->o.subnqn);
	if (sct == NVME_SCT_CMD_SPECIFIC && sc == SC_CONNECT_INVALID_PARAM)
		return nvmu_fail(ENOENT, "%s: the target refused Connect for queue %u with "
				 "invalid parameters: it serves no subsystem '%s' for this host, "
				 "or the queue size or ID is out of its range", tc->name, qid,
				 tc->o.subnqn);
	return nvmu_fail(EREMOTEIO, "%s: the target refused Connect for queue %u (status "
			 "%#x)", tc->name, qid, sf);
}

/* Fabrics Connect for @c's queue with @entries entries. */
static int fabrics_connect(struct tcp_ctrl *tc, struct tcp_conn *c, uint16_t entries)
{
	uint8_t data[TCP_CONNECT_DATA_LEN] = { 0 };
	uint16_t cntlid = c->qid ? tc->cntlid : TCP_ADMIN_CNTLID;
	struct nvmu_sqe cmd = { .opcode = TCP_FABRICS_OPCODE, .nsid = TCP_FCTYPE_CONNECT };
	struct nvmu_cqe cpl;
	int ret;

	memcpy(data, tc->o.hostid, sizeof(tc->o.hostid));
	memcpy(data + 16, &cntlid, sizeof(cntlid));
	memcpy(data + 256, tc->o.subnqn, strlen(tc->o.subnqn));
	memcpy(data + 512, tc->o.hostnqn, strlen(tc->o.hostnqn));
	cmd.cdw10 = (uint32_t)c->qid << 16;
	cmd.cdw11 = (uint32_t)(entries - 1u) | TCP_CATTR_NO_SQFLOW << 16;
	cmd.cdw12 = tc->o.kato_ms;
	ret = tcp_conn_sync(tc, c, &cmd, data, sizeof(data), tc->o.connect_timeout_ms, &cpl);
	if (ret < 0)
		return ret;
	if (cpl.status >> 1)
		return connect_refused(tc, c->qid, &cpl);
	if (c->qid == 0) {
		if (cpl.dw0 & CONNECT_AUTH_REQUIRED)
			return nvmu_fail(ENOTSUP, "%s: the target requires in-band authentication, "
					 "which nvmu does not offer", tc->name);
		tc->cntlid = (uint16_t)cpl.dw0;
	}
	tc->sqflow_off = true;
	return 0;
}

int tcp_conn_open(struct tcp_ctrl *tc, uint16_t qid, uint16_t entries, struct tcp_conn **out)
{
	uint64_t deadline = nvmu_deadline_ms(tc->o.connect_timeout_ms);
	struct tcp_conn *c = tcp_conn_alloc(qid, entries);
	int ret;

	if (!c)
		return nvmu_fail(ENOMEM, "out of memory for a connection");
	ret = tcp_sock_connect(&tc->o, tc->o.connect_timeout_ms, tc->name);
	if (ret >= 0) {
		c->fd = ret;
		ret = initialize(tc, c, deadline);
	}
	if (ret == 0) {
		c->incapsule_max = qid ? tc->ioccsz_bytes : ADMIN_INCAPSULE;
		ret = fabrics_connect(tc, c, entries);
	}
	if (ret < 0) {
		tcp_conn_close(c);
		return ret;
	}
	*out = c;
	return 0;
}

int tcp_conn_sync(struct tcp_ctrl *tc, struct tcp_conn *c, const struct nvmu_sqe *cmd,
		  void *data, uint32_t len, uint32_t timeout_ms, struct nvmu_cqe *cpl)
{
	struct tcp_slot *s = &c->slots[TCP_SLOT_SYNC(c)];
	uint64_t deadline = nvmu_deadline_ms(timeout_ms);
	struct tcp_queue *q = &tc->q[c->qid];

	if (c->dead)
		return nvmu_fail(EIO, "%s: queue %u: the connection is down (%s)", tc->name, c->qid,
				 c->why);
	s->internal = true;
	s->done = false;
	s->kind = data ? TCP_DATA_FLAT : TCP_DATA_NONE;
	s->flat = data;
	tcp_slot_send(c, s, cmd, len, data != NULL, data ? len : 0);
	while (!s->done) {
		if (tcp_tx_flush(c) < 0 || tcp_rx_progress(tc, c, q) < 0)
			return nvmu_fail(EIO, "%s: queue %u: %s", tc->name, c->qid, c->why);
		if (s->done)
			break;
		if (tcp_sock_wait(c->fd, c->fifo_count != 0, deadline) < 0) {
			tcp_conn_fail(c, "no answer to a command (opcode %#x) within %u ms",
				      cmd->opcode, timeout_ms);
			return nvmu_fail(ETIMEDOUT, "%s: queue %u: %s", tc->name, c->qid, c->why);
		}
	}
	*cpl = s->result;
	s->kind = TCP_DATA_NONE;
	return 0;
}
