/* SPDX-License-Identifier: MIT */
/* Sockets of the TCP transport: a non-blocking connect with a deadline, and waits. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcp.h"

int tcp_sock_wait(int fd, bool out, uint64_t deadline)
{
	for (;;) {
		uint64_t now = nvmu_now_ns();
		struct pollfd p = { .fd = fd, .events = (short)(POLLIN | (out ? POLLOUT : 0)) };
		int ms, n;

		if (now >= deadline)
			return -ETIMEDOUT;
		ms = (int)((deadline - now + 999999) / 1000000);
		n = poll(&p, 1, ms);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

/* Wait for the non-blocking connect of @fd to end. Returns 0 or a negative errno. */
static int finish_connect(int fd, uint64_t deadline)
{
	for (;;) {
		uint64_t now = nvmu_now_ns();
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		int err = 0, n;
		socklen_t len = sizeof(err);

		if (now >= deadline)
			return -ETIMEDOUT;
		n = poll(&p, 1, (int)((deadline - now + 999999) / 1000000));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			continue;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			return -errno;
		return -err;
	}
}

static int connect_one(const struct addrinfo *ai, uint64_t deadline)
{
	int one = 1, ret;
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);

	if (fd < 0)
		return -errno;
	/* Commands are small and latency counts: no Nagle delay. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	ret = connect(fd, ai->ai_addr, ai->ai_addrlen);
	if (ret < 0 && errno == EINPROGRESS)
		ret = finish_connect(fd, deadline);
	else if (ret < 0)
		ret = -errno;
	if (ret < 0) {
		close(fd);
		return ret;
	}
	return fd;
}

int tcp_sock_connect(const struct tcp_opts *o, uint32_t timeout_ms, const char *name)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *res = NULL;
	uint64_t deadline = nvmu_deadline_ms(timeout_ms);
	int ret = getaddrinfo(o->host, o->port, &hints, &res);

	if (ret != 0)
		return nvmu_fail(EINVAL, "%s: '%s' is not an IPv4 or IPv6 address (%s); write "
				 "e.g. 192.168.1.2 or [fe80::1]", name, o->host, gai_strerror(ret));
	ret = -EHOSTUNREACH;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		ret = connect_one(ai, deadline);
		if (ret >= 0)
			break;
	}
	freeaddrinfo(res);
	if (ret == -ETIMEDOUT)
		return nvmu_fail(ETIMEDOUT, "%s: no answer from %s port %s within %u ms "
				 "(connect-timeout): is the address reachable?", name, o->host,
				 o->port, timeout_ms);
	if (ret == -ECONNREFUSED)
		return nvmu_fail(ECONNREFUSED, "%s: %s refused the connection on port %s: no NVMe/TCP "
				 "target listens there", name, o->host, o->port);
	if (ret < 0)
		return nvmu_fail(-ret, "%s: cannot connect to %s port %s: %s", name, o->host,
				 o->port, strerror(-ret));
	return ret;
}
