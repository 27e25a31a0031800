/* SPDX-License-Identifier: MIT */
/* The run directory of shared controllers: a lock file and a socket per controller,
 * created with safe permissions, and the check of who connects (SO_PEERCRED). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "shared.h"

#define RUN_DIR_DEFAULT "/run/nvmu"

/* The directory must be ours (or root's) and not writable by others, since whoever can
 * write it could put a socket of theirs where secondaries look. */
static int check_dir(const char *dir)
{
	struct stat st;

	if (lstat(dir, &st) < 0)
		return nvmu_fail(errno, "run directory %s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return nvmu_fail(ENOTDIR, "run directory %s is not a directory", dir);
	if (st.st_uid != geteuid() && st.st_uid != 0)
		return nvmu_fail(EPERM, "run directory %s belongs to user %u, neither us nor root",
				 dir, (unsigned)st.st_uid);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return nvmu_fail(EPERM, "run directory %s is writable by others (mode %03o): "
				 "make it 0755 or 0700", dir, (unsigned)(st.st_mode & 0777));
	return 0;
}

int share_paths(const char *key, struct share_paths *p)
{
	const char *dir = getenv("NVMU_STATE_DIR");

	if (!dir || !*dir)
		dir = RUN_DIR_DEFAULT;
	if ((size_t)snprintf(p->sock, sizeof(p->sock), "%s/%s.sock", dir, key) >= sizeof(p->sock))
		return nvmu_fail(ENAMETOOLONG, "socket path %s/%s.sock is longer than %zu "
				 "characters: choose a shorter run directory (NVMU_STATE_DIR)", dir,
				 key, sizeof(p->sock) - 1);
	snprintf(p->dir, sizeof(p->dir), "%s", dir);
	snprintf(p->lock, sizeof(p->lock), "%s/%s.lock", dir, key);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return nvmu_fail(errno, "cannot create the run directory %s: %s", dir,
				 strerror(errno));
	return check_dir(dir);
}

static pid_t read_holder(int fd)
{
	char buf[32] = "";
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	return n > 0 ? (pid_t)atoi(buf) : 0;
}

int share_lock(const struct share_paths *p, int *fd, pid_t *holder)
{
	char pid[32];
	int len, lfd = open(p->lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	*holder = 0;
	if (lfd < 0)
		return nvmu_fail(errno, "cannot open the lock file %s: %s", p->lock,
				 strerror(errno));
	if (flock(lfd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno;

		*holder = read_holder(lfd);
		close(lfd);
		if (err == EWOULDBLOCK)
			return -EWOULDBLOCK;
		return nvmu_fail(err, "cannot lock %s: %s", p->lock, strerror(err));
	}
	/* The pid is only for messages: the kernel releases the lock when we die. */
	len = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(lfd, 0) < 0 || pwrite(lfd, pid, (size_t)len, 0) != len)
		nvmu_log(NVMU_LOG_WARN, "cannot write our pid into %s", p->lock);
	*fd = lfd;
	return 0;
}

static void sock_addr(const struct share_paths *p, struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path, p->sock, strlen(p->sock) + 1);
}

int share_connect(const struct share_paths *p, int *fd)
{
	struct sockaddr_un a;
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (s < 0)
		return nvmu_fail(errno, "socket: %s", strerror(errno));
	sock_addr(p, &a);
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int err = errno;

		close(s);
		return nvmu_fail(err, "cannot connect to %s: %s", p->sock, strerror(err));
	}
	*fd = s;
	return 0;
}

int share_listen(const struct share_paths *p, int *fd)
{
	struct sockaddr_un a;
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (s < 0)
		return nvmu_fail(errno, "socket: %s", strerror(errno));
	sock_addr(p, &a);
	/* We hold the lock, so a socket file there is a dead primary's. */
	if (unlink(p->sock) < 0 && errno != ENOENT) {
		int err = errno;

		close(s);
		return nvmu_fail(err, "cannot remove the stale socket %s: %s", p->sock,
				 strerror(err));
	}
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || chmod(p->sock, 0600) < 0 ||
	    listen(s, 16) < 0) {
		int err = errno;

		close(s);
		unlink(p->sock);
		return nvmu_fail(err, "cannot listen on %s: %s", p->sock, strerror(err));
	}
	*fd = s;
	return 0;
}

/* True if process @pid has @gid among its supplementary groups (/proc/PID/status). */
static bool in_group(pid_t pid, gid_t gid)
{
	char path[64], line[1024];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *p = line + 7, *end;

		if (strncmp(line, "Groups:", 7) != 0)
			continue;
		for (;;) {
			unsigned long g = strtoul(p, &end, 10);

			if (end == p)
				break;
			if (g == gid)
				found = true;
			p = end;
		}
	}
	fclose(f);
	return found;
}

bool share_peer_allowed(int fd, bool group_set, gid_t gid, pid_t *pid, uid_t *uid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return false;
	*pid = cred.pid;
	*uid = cred.uid;
	if (cred.uid == geteuid() || cred.uid == 0)
		return true;
	return group_set && (cred.gid == gid || in_group(cred.pid, gid));
}
