/* SPDX-License-Identifier: MIT */
/*
 * The primary's service: a thread of the library that accepts secondaries on the
 * controller's socket, maps their windows for the device, hands out queue IDs and runs
 * their admin commands. A secondary's hang-up (exit, crash, SIGKILL) is seen by poll():
 * its queues are deleted and its window unmapped before anything else happens.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "shared.h"

#define SEND_TIMEOUT_S 1 /* a secondary that does not read its replies is dropped */
#define WINDOW_MAX (1ull << 30)

/* Put the failure @ret (a negative errno whose message is set) into @rp. */
static int reply_fail(struct share_rep *rp, int ret)
{
	rp->err = ret;
	snprintf(rp->text, sizeof(rp->text), "%s", nvmu_last_error());
	return ret;
}

/* Map @c's window (@fd) here and for the device. */
static int map_window(struct share_primary *p, struct share_client *c, int fd, uint64_t len)
{
	uint64_t page = nvmu_page_size();
	struct stat st;
	int seals, ret;
	void *win;

	if (fd < 0)
		return nvmu_fail(EPROTO, "no memory came with the join request");
	if (len < 2 * page || len > WINDOW_MAX || len % page)
		return nvmu_fail(EINVAL, "a DMA window of %llu bytes is not 2 pages..1 GiB in "
				 "whole pages", (unsigned long long)len);
	seals = fcntl(fd, F_GET_SEALS);
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_size != len || seals < 0 ||
	    (seals & (F_SEAL_SHRINK | F_SEAL_GROW)) != (F_SEAL_SHRINK | F_SEAL_GROW))
		return nvmu_fail(EINVAL, "the DMA window must be a memfd of %llu bytes sealed "
				 "against shrinking and growing", (unsigned long long)len);
	win = mmap(NULL, (size_t)len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (win == MAP_FAILED)
		return nvmu_fail(errno, "mapping a secondary's DMA window: %s", strerror(errno));
	c->win = win;
	c->win_len = (size_t)len;
	ret = p->t->ops->map_peer(p->t, win, (size_t)len, &c->win_iova);
	c->mapped = ret == 0;
	return ret;
}

static int hello(struct share_primary *p, struct share_client *c, const struct share_req *rq,
		 int fd, struct share_rep *rp, int *db_fd)
{
	uint16_t n = nvmu_ctrl_io_queues(p->ctrl);
	uint64_t off;
	size_t len;
	int ret;

	if (rq->version != SHARE_VERSION)
		return reply_fail(rp, nvmu_fail(EPROTO, "protocol version %u, the primary speaks "
						"%u: use the same nvmu", rq->version,
						SHARE_VERSION));
	if (c->win)
		return reply_fail(rp, nvmu_fail(EPROTO, "joined already"));
	c->rqid = calloc((size_t)n + 1, sizeof(*c->rqid));
	c->sq_live = calloc((size_t)n + 1, sizeof(bool));
	c->cq_live = calloc((size_t)n + 1, sizeof(bool));
	if (!c->rqid || !c->sq_live || !c->cq_live)
		return reply_fail(rp, nvmu_fail(ENOMEM, "out of memory"));
	ret = map_window(p, c, fd, rq->window_len);
	if (ret == 0)
		ret = p->t->ops->doorbell_fd(p->t, db_fd, &off, &len);
	if (ret < 0)
		return reply_fail(rp, ret);
	share_ctl_set(c, SHARE_CTL_LIVE, false, NULL);
	rp->cap = nvmu_ctrl_cap(p->ctrl);
	rp->vs = p->t->ops->read32(p->t, NVME_REG_VS);
	rp->pid = (int32_t)getpid();
	rp->io_queues = n;
	rp->window_iova = c->win_iova;
	rp->db_offset = off;
	rp->db_len = len;
	return 0;
}

/* The real queue ID of @c's virtual queue @rq->vqid, reserved at its first use. */
static void qid(struct share_primary *p, struct share_client *c, const struct share_req *rq,
		struct share_rep *rp)
{
	uint16_t n = nvmu_ctrl_io_queues(p->ctrl), r;
	int ret;

	if (!c->rqid || rq->vqid == 0 || rq->vqid > n) {
		reply_fail(rp, nvmu_fail(EINVAL, "queue %u is outside 1..%u", rq->vqid, n));
		return;
	}
	if (!c->rqid[rq->vqid]) {
		ret = nvmu_ctrl_qid_reserve(p->ctrl, &r);
		if (ret < 0) {
			reply_fail(rp, ret);
			return;
		}
		c->rqid[rq->vqid] = r;
	}
	rp->rqid = c->rqid[rq->vqid];
}

/* Answer one request of @c; false when @c must be dropped. */
static bool serve_one(struct share_primary *p, struct share_client *c)
{
	struct share_req rq;
	struct share_rep rp = { 0 };
	int fd = -1, db_fd = -1, ret = share_recv(c->fd, &rq, sizeof(rq), &fd, 0);

	if (ret < 0 || c->refused)
		return false;
	rp.seq = rq.seq;
	switch (rq.type) {
	case SHARE_HELLO:
		hello(p, c, &rq, fd, &rp, &db_fd);
		break;
	case SHARE_QID:
		qid(p, c, &rq, &rp);
		break;
	case SHARE_DISABLE:
		if (c->joined)
			share_client_disabled(p, c);
		break;
	case SHARE_ADMIN:
		if (c->win)
			share_admin(p, c, &rq, &rp);
		else
			reply_fail(&rp, nvmu_fail(EPROTO, "admin command before joining"));
		break;
	default:
		reply_fail(&rp, nvmu_fail(EPROTO, "unknown request %u", rq.type));
	}
	if (fd >= 0)
		close(fd);
	if (rq.type == SHARE_HELLO && rp.err == 0) {
		pthread_mutex_lock(&p->lock);
		c->joined = true;
		p->nclients++;
		pthread_mutex_unlock(&p->lock);
	}
	return share_send(c->fd, &rp, sizeof(rp), rp.err ? -1 : db_fd) == 0 &&
	       !(rq.type == SHARE_HELLO && rp.err);
}

static void client_free(struct share_primary *p, struct share_client *c)
{
	share_client_queues_release(p, c);
	if (c->mapped)
		p->t->ops->unmap_peer(p->t, c->win, c->win_iova);
	if (c->win)
		munmap(c->win, c->win_len);
	close(c->fd);
	free(c->rqid);
	free(c->sq_live);
	free(c->cq_live);
	free(c);
}

static void drop(struct share_primary *p, struct share_client *c)
{
	pthread_mutex_lock(&p->lock);
	for (struct share_client **pp = &p->clients; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	if (c->joined)
		p->nclients--;
	pthread_mutex_unlock(&p->lock);
	if (c->joined)
		nvmu_log(NVMU_LOG_INFO, "%s: process %d left; its queues are deleted",
			 p->t->name, (int)c->pid);
	client_free(p, c);
}

/* Accept one secondary, if it may join. */
static void accept_one(struct share_primary *p)
{
	struct timeval tv = { .tv_sec = SEND_TIMEOUT_S };
	struct share_client *c;
	bool allowed;
	pid_t pid;
	uid_t uid;
	int fd = accept4(p->listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	pthread_mutex_lock(&p->lock);
	allowed = share_peer_allowed(fd, p->group_set, p->gid, &pid, &uid);
	pthread_mutex_unlock(&p->lock);
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->fd = fd;
	c->pid = pid;
	c->uid = uid;
	if (!allowed) {
		/* Told now, closed once its join request is read: closing a socket with a
		 * request unread would reset the connection before it reads why. */
		struct share_rep rp = { .err = -EPERM };

		snprintf(rp.text, sizeof(rp.text), "%s is owned by user %u (process %d); user %u "
			 "may not join it: run as that user, or serve it with nvmu serve --group",
			 p->t->name, (unsigned)geteuid(), (int)getpid(), (unsigned)uid);
		share_send(fd, &rp, sizeof(rp), -1);
		c->refused = true;
	}
	pthread_mutex_lock(&p->lock);
	c->next = p->clients;
	p->clients = c;
	pthread_mutex_unlock(&p->lock);
}

/* Read the wake-ups of the stop pipe: false when one of them says stop (0). */
static bool drain_wakeups(struct share_primary *p)
{
	char b[16];
	ssize_t n = read(p->stop_fd[0], b, sizeof(b));

	for (ssize_t i = 0; i < n; i++)
		if (b[i] == 0)
			return false;
	return true;
}

static void *serve(void *arg)
{
	struct share_primary *p = arg;

	for (;;) {
		struct pollfd pfd[2 + 256];
		struct share_client *cl[256];
		nfds_t n = 2;

		pfd[0] = (struct pollfd){ .fd = p->stop_fd[0], .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = p->listen_fd, .events = POLLIN };
		/* Only this thread changes the list, so it reads it without the lock. */
		for (struct share_client *c = p->clients; c && n < 2 + 256; c = c->next) {
			cl[n - 2] = c;
			pfd[n++] = (struct pollfd){ .fd = c->fd, .events = POLLIN };
		}
		if (poll(pfd, n, SHARE_CHECK_MS) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents && !drain_wakeups(p))
			break;
		for (nfds_t i = 2; i < n; i++)
			if ((pfd[i].revents && !serve_one(p, cl[i - 2])) || cl[i - 2]->doomed)
				drop(p, cl[i - 2]);
		if (pfd[1].revents & POLLIN)
			accept_one(p);
		share_watch(p);
	}
	while (p->clients)
		drop(p, p->clients);
	return NULL;
}

static void stop_worker(struct share_primary *p)
{
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->worker, NULL);
}

int share_primary_start(struct nvmu_ctrl *ctrl, const struct share_paths *paths,
			void (*reset)(void *arg), void *reset_arg, struct share_primary **out)
{
	struct share_primary *p;
	int err;

	struct nvmu_transport *t = nvmu_ctrl_transport(ctrl);

	if (!t->ops->map_peer || !t->ops->unmap_peer || !t->ops->doorbell_fd)
		return nvmu_fail(ENOTSUP, "%s: its transport cannot be shared with other processes",
				 t->name);
	/* With shadow doorbells on, the controller would read every queue's doorbell from
	 * this process's shadow buffer, where no other process can write. */
	if (nvmu_ctrl_dbbuf_enabled(ctrl))
		return nvmu_fail(ENOTSUP, "%s: shadow doorbells are in use, which other processes "
				 "cannot ring; attach it with no_dbbuf (nvmu perf --no-dbbuf; nvmu "
				 "serve does) to share it", t->name);
	p = calloc(1, sizeof(*p));
	if (!p)
		return nvmu_fail(ENOMEM, "out of memory");
	p->ctrl = ctrl;
	p->t = t;
	p->paths = *paths;
	p->listen_fd = -1;
	p->reset = reset;
	p->reset_arg = reset_arg;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	if (pipe2(p->stop_fd, O_CLOEXEC | O_NONBLOCK) < 0) {
		err = errno;
		free(p);
		return nvmu_fail(err, "pipe: %s", strerror(err));
	}
	err = -share_listen(paths, &p->listen_fd);
	if (err == 0) {
		err = pthread_create(&p->worker, NULL, share_reset_worker, p);
		if (err == 0 && (err = pthread_create(&p->thread, NULL, serve, p)) != 0)
			stop_worker(p);
		if (err)
			nvmu_fail(err, "cannot start the sharing threads: %s", strerror(err));
	}
	if (err) {
		if (p->listen_fd >= 0) {
			close(p->listen_fd);
			unlink(paths->sock);
		}
		close(p->stop_fd[0]);
		close(p->stop_fd[1]);
		pthread_cond_destroy(&p->cond);
		pthread_mutex_destroy(&p->lock);
		free(p);
		return nvmu_fail_context(err, "%s: serving other processes", t->name);
	}
	nvmu_ctrl_set_reset_hook(ctrl, share_reset_hook, p);
	*out = p;
	return 0;
}

/* Tell every secondary that we leave, and give them the time of a few periodic checks to
 * stop ringing doorbells and hang up, before their queues are deleted. */
static void say_goodbye(struct share_primary *p)
{
	uint64_t deadline = nvmu_deadline_ms(SHARE_LEAVE_WAIT_MS);
	char why[SHARE_MSG_TEXT];
	unsigned left;

	snprintf(why, sizeof(why), "the process that owned %s (pid %d) stopped sharing it; "
		 "attach again to become its primary or join a new one", p->t->name,
		 (int)getpid());
	pthread_mutex_lock(&p->lock);
	p->removed_told = true;
	for (struct share_client *c = p->clients; c; c = c->next)
		if (c->joined)
			share_ctl_set(c, SHARE_CTL_REMOVED, false, why);
	left = p->nclients;
	pthread_mutex_unlock(&p->lock);
	while (left && !nvmu_deadline_passed(deadline)) {
		nvmu_sleep_us(10000);
		pthread_mutex_lock(&p->lock);
		left = p->nclients;
		pthread_mutex_unlock(&p->lock);
	}
}

void share_primary_stop(struct share_primary *p)
{
	char b = 0;

	/* The socket goes first: nobody joins a primary that is leaving. */
	unlink(p->paths.sock);
	stop_worker(p);
	say_goodbye(p);
	nvmu_ctrl_set_reset_hook(p->ctrl, NULL, NULL);
	if (write(p->stop_fd[1], &b, 1) < 0)
		nvmu_log(NVMU_LOG_WARN, "%s: cannot stop the sharing thread", p->t->name);
	pthread_join(p->thread, NULL);
	pthread_cond_destroy(&p->cond);
	close(p->listen_fd);
	close(p->stop_fd[0]);
	close(p->stop_fd[1]);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
