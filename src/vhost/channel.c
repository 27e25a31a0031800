/* SPDX-License-Identifier: MIT */
/*
 * The vhost-user message channel: a 12-byte header (request, flags, payload size), the
 * payload, and file descriptors passed with SCM_RIGHTS alongside the header. The peer is
 * not trusted: a payload larger than any message has, or more descriptors than a message
 * carries, ends the connection.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support/fd_pass.h"
#include "vhost_internal.h"

#define VH_HDR_SIZE 12
#define VH_VERSION 0x1
#define VH_FLAG_REPLY (1u << 2)

void vh_msg_close_fds(struct vh_msg *msg)
{
	for (unsigned i = 0; i < msg->nfds; i++)
		if (msg->fds[i] >= 0)
			close(msg->fds[i]);
	msg->nfds = 0;
}

/* Read exactly @p len bytes; 1, 0 at end of stream before any byte, or negative errno. */
static int read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, (uint8_t *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return nvmu_fail(errno, "reading a vhost-user message: %s",
					 strerror(errno));
		if (n == 0)
			return done ? nvmu_fail(EPROTO, "the front-end closed the socket in the "
						"middle of a message") : 0;
		done += (size_t)n;
	}
	return 1;
}

static void take_fds(struct msghdr *mh, struct vh_msg *msg, bool *too_many)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		int fds[VH_MAX_FDS + 8];

		if (n > VH_MAX_FDS + 8)
			n = VH_MAX_FDS + 8;
		memcpy(fds, CMSG_DATA(c), n * sizeof(int));
		for (size_t i = 0; i < n; i++) {
			if (msg->nfds < VH_MAX_FDS) {
				msg->fds[msg->nfds++] = fds[i];
			} else {
				close(fds[i]);
				*too_many = true;
			}
		}
	}
}

int vh_msg_recv(int fd, struct vh_msg *msg)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * (VH_MAX_FDS + 8))];
		struct cmsghdr align;
	} control;
	uint32_t hdr[3];
	struct iovec iov = { .iov_base = hdr, .iov_len = VH_HDR_SIZE };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = sizeof(control.buf),
	};
	bool too_many = false;
	ssize_t n;
	int ret;

	msg->nfds = 0;
	do {
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return nvmu_fail(errno, "receiving a vhost-user message: %s", strerror(errno));
	if (n == 0)
		return 0;
	take_fds(&mh, msg, &too_many);
	if (mh.msg_flags & MSG_CTRUNC)
		too_many = true;
	if (n < VH_HDR_SIZE) {
		ret = read_full(fd, (uint8_t *)hdr + n, VH_HDR_SIZE - (size_t)n);
		if (ret <= 0) {
			vh_msg_close_fds(msg);
			return ret ? ret : nvmu_fail(EPROTO, "the front-end closed the socket in "
						      "the middle of a message header");
		}
	}
	msg->request = hdr[0];
	msg->flags = hdr[1];
	msg->size = hdr[2];
	if (too_many || msg->size > VH_MAX_PAYLOAD || (msg->flags & 0x3) != VH_VERSION) {
		vh_msg_close_fds(msg);
		return nvmu_fail(EPROTO, "malformed vhost-user message %u: %s", msg->request,
				 too_many ? "more than 8 file descriptors"
				 : msg->size > VH_MAX_PAYLOAD ? "payload larger than 4096 bytes"
				 : "not protocol version 1");
	}
	memset(&msg->payload, 0, sizeof(msg->payload.u64) * 4);
	if (msg->size) {
		ret = read_full(fd, msg->payload.bytes, msg->size);
		if (ret <= 0) {
			vh_msg_close_fds(msg);
			return ret ? ret : nvmu_fail(EPROTO, "the front-end closed the socket "
						      "before the payload");
		}
	}
	return 1;
}

int vh_msg_reply_fd(int fd, const struct vh_msg *req, const void *payload, uint32_t size,
		    int send_fd)
{
	uint8_t buf[VH_HDR_SIZE + 512];
	uint32_t hdr[3] = { req->request, VH_VERSION | VH_FLAG_REPLY, size };
	size_t len = VH_HDR_SIZE + size, done = 0;
	union fd_pass_space ctl;

	if (size > sizeof(buf) - VH_HDR_SIZE)
		return nvmu_fail(EMSGSIZE, "reply of %u bytes is too large", size);
	memcpy(buf, hdr, VH_HDR_SIZE);
	if (size)
		memcpy(buf + VH_HDR_SIZE, payload, size);
	while (done < len) {
		struct iovec io = { buf + done, len - done };
		struct msghdr mh = { .msg_iov = &io, .msg_iovlen = 1 };

		/* The descriptor goes with the first bytes of the reply. */
		if (send_fd >= 0 && done == 0)
			fd_pass_attach(&mh, &ctl, send_fd);
		ssize_t n = sendmsg(fd, &mh, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return nvmu_fail(errno, "sending a vhost-user reply: %s", strerror(errno));
		done += (size_t)n;
	}
	return 0;
}

int vh_msg_reply(int fd, const struct vh_msg *req, const void *payload, uint32_t size)
{
	return vh_msg_reply_fd(fd, req, payload, size, -1);
}
