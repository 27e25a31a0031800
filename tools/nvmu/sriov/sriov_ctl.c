/* SPDX-License-Identifier: MIT */
/*
 * The channel between the process that holds a PF (`nvmu sriov enable`) and the other nvmu
 * processes that ask it to act on the PF: vfio-pci lets one process open the PF, and
 * opening it again after the holder let go would reset it and lose the VFs, so requests go
 * to the holder. A stream socket in the abstract namespace, "nvmu-sriov/<PF address>":
 * nothing to clean up when the holder dies. Only root or the holder's own user is served.
 *
 * Request: one line "SUB FORMAT VFN VFS VQ VI FORCE". Reply: one line "STATUS OUTLEN
 * ERRLEN", then the output and error text. The holder closes the connection when done,
 * which for a request that ends the hold is after the PF was released.
 */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sriov/sriov.h"
#include "verbs.h"

#define CTL_TIMEOUT_S 60 /* a request that ends the hold waits for the teardown */
#define CTL_LINE_MAX 128

static socklen_t ctl_addr(const char *pf, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	/* sun_path[0] stays NUL: the abstract namespace. */
	snprintf(sa->sun_path + 1, sizeof(sa->sun_path) - 1, "nvmu-sriov/%s", pf);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(sa->sun_path + 1));
}

static void set_timeout(int fd, int secs)
{
	struct timeval tv = { .tv_sec = secs };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Connect to the holder of @p pf. Returns the fd, or -ENOENT if nobody holds it. */
static int ctl_connect(const char *pf)
{
	struct sockaddr_un sa;
	socklen_t len = ctl_addr(pf, &sa);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, len) < 0) {
		int err = errno;

		close(fd);
		return err == ECONNREFUSED || err == ENOENT ? -ENOENT : -err;
	}
	set_timeout(fd, CTL_TIMEOUT_S);
	return fd;
}

static pid_t peer_pid(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 ? cred.pid : 0;
}

int sriov_ctl_listen(const char *pf, pid_t *holder)
{
	struct sockaddr_un sa;
	socklen_t len = ctl_addr(pf, &sa);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	*holder = 0;
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, len) < 0 || listen(fd, 8) < 0) {
		int err = errno, other;

		close(fd);
		if (err == EADDRINUSE && (other = ctl_connect(pf)) >= 0) {
			*holder = peer_pid(other);
			close(other);
		}
		return -err;
	}
	return fd;
}

/* Read (or, if @p out, write) exactly @p len bytes. Returns 0 or -1. */
static int transfer(int fd, void *buf, size_t len, bool out)
{
	for (size_t done = 0; done < len;) {
		ssize_t n = out ? write(fd, (char *)buf + done, len - done) :
				  read(fd, (char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
	return transfer(fd, buf, len, false);
}

static int write_all(int fd, const void *buf, size_t len)
{
	return transfer(fd, (void *)buf, len, true);
}

/* Read one line of at most CTL_LINE_MAX bytes, without its newline. Returns 0 or -1. */
static int read_line(int fd, char line[CTL_LINE_MAX])
{
	for (size_t i = 0; i < CTL_LINE_MAX - 1; i++) {
		if (read_all(fd, &line[i], 1) < 0)
			return -1;
		if (line[i] == '\n') {
			line[i] = '\0';
			return 0;
		}
	}
	return -1;
}

/* Copy @p len bytes from @p fd to @p out. */
static int copy_out(int fd, size_t len, FILE *out)
{
	char buf[4096];

	while (len) {
		size_t n = len < sizeof(buf) ? len : sizeof(buf);

		if (read_all(fd, buf, n) < 0)
			return -1;
		fwrite(buf, 1, n, out);
		len -= n;
	}
	return 0;
}

int sriov_ctl_request(const struct sriov_req *r)
{
	char line[CTL_LINE_MAX], rest;
	int fd = ctl_connect(r->pf), status;
	size_t outlen, errlen;

	if (fd < 0)
		return fd;
	snprintf(line, sizeof(line), "%d %d %u %u %u %u %d\n", (int)r->sub, (int)r->format,
		 r->vfn, r->vfs, r->vq, r->vi, r->force ? 1 : 0);
	if (write_all(fd, line, strlen(line)) < 0 || read_line(fd, line) < 0 ||
	    sscanf(line, "%d %zu %zu", &status, &outlen, &errlen) != 3 ||
	    copy_out(fd, outlen, stdout) < 0 || copy_out(fd, errlen, stderr) < 0) {
		fprintf(stderr, "nvmu sriov %s: no answer from pid %d, which holds %s\n",
			sriov_sub_name(r->sub), (int)peer_pid(fd), r->pf);
		close(fd);
		return EXIT_FAILED;
	}
	/* The holder closes the connection once it is done (for disable: PF released). */
	while (read(fd, &rest, 1) > 0)
		;
	close(fd);
	return status;
}

/* Only root and the holder's own user may act on the PF. */
static bool peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
	       (cred.uid == 0 || cred.uid == getuid());
}

/* Parse a request line into *r (whose pf is set). Returns 0 or -1. */
static int parse_request(const char *line, struct sriov_req *r)
{
	int sub, format, force;

	if (sscanf(line, "%d %d %u %u %u %u %d", &sub, &format, &r->vfn, &r->vfs, &r->vq,
		   &r->vi, &force) != 7 || sub < SRIOV_SHOW || sub > SRIOV_ONLINE ||
	    (format != CLI_FORMAT_NORMAL && format != CLI_FORMAT_JSON) ||
	    r->vq > 0xffff || r->vi > 0xffff)
		return -1;
	r->sub = (enum sriov_sub)sub;
	r->format = (enum cli_format)format;
	r->force = force != 0;
	return 0;
}

void sriov_ctl_serve(int listen_fd, sriov_ctl_handler handle, void *ctx, bool *stop, int *keep)
{
	char line[CTL_LINE_MAX], head[64];
	struct sriov_req r = { 0 };
	char *outbuf = NULL, *errbuf = NULL;
	size_t outlen = 0, errlen = 0;
	FILE *out, *err;
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC), status;

	*keep = -1;
	if (fd < 0)
		return;
	set_timeout(fd, 5);
	if (!peer_allowed(fd) || read_line(fd, line) < 0 || parse_request(line, &r) < 0) {
		close(fd);
		return;
	}
	out = open_memstream(&outbuf, &outlen);
	err = open_memstream(&errbuf, &errlen);
	if (!out || !err) {
		status = EXIT_FAILED;
	} else {
		status = handle(ctx, &r, out, err, stop);
		fflush(out);
		fflush(err);
		snprintf(head, sizeof(head), "%d %zu %zu\n", status, outlen, errlen);
		if (write_all(fd, head, strlen(head)) == 0 && write_all(fd, outbuf, outlen) == 0)
			write_all(fd, errbuf, errlen);
	}
	if (out)
		fclose(out);
	if (err)
		fclose(err);
	free(outbuf);
	free(errbuf);
	if (*stop)
		*keep = fd;
	else
		close(fd);
}
