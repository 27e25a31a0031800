/* SPDX-License-Identifier: MIT */
/*
 * Interrupt mode: one vector per queue (vector N is the one a Create I/O CQ names in IV).
 * A thread per controller waits in epoll_wait() on the sockets of the queues whose CQ has
 * interrupts enabled, each registered EPOLLIN|EPOLLONESHOT, and writes the eventfd
 * connected to the queue's vector when its socket has data. The fired registration stays
 * disarmed until the queue's owner thread has drained the socket in its poll and arms it
 * again (tcp_irq_rearm): one system call per wait cycle, and none for polled queues. The
 * registration is level-triggered, so data that came between the drain and the re-arm
 * fires at once and no wake-up is lost.
 *
 * The thread starts with the first connected vector and stops on close; a queue's socket
 * leaves the epoll set before it is closed (delete, reset), and a new socket after a
 * reconnect joins it when its queue is created again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "tcp.h"

#define IRQ_WAKE UINT32_MAX /* epoll data of the eventfd that stops the thread */
#define IRQ_EVENTS 16

static void signal_queue(struct tcp_ctrl *tc, uint32_t qid)
{
	struct tcp_queue *q;
	int vector, fd;
	uint64_t one = 1;

	if (qid > tc->o.queues)
		return;
	q = &tc->q[qid];
	__atomic_store_n(&q->irq_fired, true, __ATOMIC_RELEASE);
	vector = __atomic_load_n(&q->irq_vector, __ATOMIC_ACQUIRE);
	if (vector < 0 || (uint32_t)vector > tc->o.queues)
		return;
	fd = __atomic_load_n(&tc->irq_fd[vector], __ATOMIC_ACQUIRE);
	/* A full eventfd counter (EAGAIN) still reads as signalled: nothing is lost. */
	if (fd >= 0 && write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		nvmu_log(NVMU_LOG_WARN, "%s: signalling vector %d: %s", tc->name, vector,
			 strerror(errno));
}

static void *irq_thread(void *arg)
{
	struct tcp_ctrl *tc = arg;
	struct epoll_event ev[IRQ_EVENTS];

	for (;;) {
		int n = epoll_wait(tc->irq_epfd, ev, IRQ_EVENTS, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			nvmu_log(NVMU_LOG_ERROR, "%s: epoll_wait of the interrupt thread: %s; "
				 "interrupts stop, polling still works", tc->name, strerror(errno));
			return NULL;
		}
		for (int i = 0; i < n; i++) {
			if (ev[i].data.u32 == IRQ_WAKE)
				return NULL;
			signal_queue(tc, ev[i].data.u32);
		}
	}
}

/* Start the thread and its epoll set (under tc->lock). */
static int irq_start(struct tcp_ctrl *tc)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = IRQ_WAKE };
	int ret;

	if (tc->irq_running)
		return 0;
	tc->irq_epfd = epoll_create1(EPOLL_CLOEXEC);
	if (tc->irq_epfd < 0)
		return nvmu_fail(errno, "%s: epoll_create1 for interrupts: %s", tc->name,
				 strerror(errno));
	tc->irq_wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (tc->irq_wake < 0 || epoll_ctl(tc->irq_epfd, EPOLL_CTL_ADD, tc->irq_wake, &ev) < 0) {
		ret = nvmu_fail(errno, "%s: eventfd for the interrupt thread: %s", tc->name,
				strerror(errno));
		goto fail;
	}
	ret = pthread_create(&tc->irq_thread, NULL, irq_thread, tc);
	if (ret) {
		ret = nvmu_fail(ret, "%s: interrupt thread: %s", tc->name, strerror(ret));
		goto fail;
	}
	tc->irq_running = true;
	return 0;
fail:
	if (tc->irq_wake >= 0)
		close(tc->irq_wake);
	close(tc->irq_epfd);
	tc->irq_wake = tc->irq_epfd = -1;
	return ret;
}

int tcp_irq_init(struct tcp_ctrl *tc)
{
	tc->irq_epfd = tc->irq_wake = -1;
	tc->irq_fd = malloc(((size_t)tc->o.queues + 1) * sizeof(*tc->irq_fd));
	if (!tc->irq_fd)
		return nvmu_fail(ENOMEM, "out of memory");
	for (uint32_t v = 0; v <= tc->o.queues; v++)
		tc->irq_fd[v] = -1;
	return 0;
}

int tcp_irq_connect(struct tcp_ctrl *tc, uint32_t vector, int fd)
{
	int ret = 0;

	if (vector > tc->o.queues)
		return nvmu_fail(EINVAL, "%s: interrupt vector %u does not exist (%u vectors)",
				 tc->name, vector, tc->o.queues + 1u);
	pthread_mutex_lock(&tc->lock);
	if (fd >= 0)
		ret = irq_start(tc);
	if (ret == 0)
		__atomic_store_n(&tc->irq_fd[vector], fd, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&tc->lock);
	return ret;
}

void tcp_irq_stop(struct tcp_ctrl *tc)
{
	uint64_t one = 1;

	if (tc->irq_running) {
		/* The wake eventfd is never read, so the thread sees it however late it looks. */
		if (write(tc->irq_wake, &one, sizeof(one)) != sizeof(one))
			nvmu_log(NVMU_LOG_WARN, "%s: waking the interrupt thread: %s", tc->name,
				 strerror(errno));
		pthread_join(tc->irq_thread, NULL);
		tc->irq_running = false;
	}
	if (tc->irq_wake >= 0)
		close(tc->irq_wake);
	if (tc->irq_epfd >= 0)
		close(tc->irq_epfd);
	tc->irq_wake = tc->irq_epfd = -1;
	free(tc->irq_fd);
	tc->irq_fd = NULL;
}

static int arm(struct tcp_ctrl *tc, struct tcp_queue *q, int op)
{
	struct tcp_conn *c = q->conn;
	struct epoll_event ev = { .data.u32 = c->qid };

	/* EPOLLOUT too while PDUs wait for room in the socket: the owner must come back to
	 * send them even when nothing arrives. */
	ev.events = EPOLLIN | EPOLLONESHOT | (c->fifo_count ? EPOLLOUT : 0u);
	q->irq_out = c->fifo_count != 0;
	if (epoll_ctl(tc->irq_epfd, op, c->fd, &ev) < 0)
		return tcp_conn_fail(c, "arming its interrupt: %s", strerror(errno));
	return 0;
}

void tcp_irq_watch(struct tcp_ctrl *tc, struct tcp_queue *q)
{
	__atomic_store_n(&q->irq_fired, false, __ATOMIC_RELAXED);
	if (q->irq_vector < 0 || tc->irq_epfd < 0 || !q->conn)
		return;
	q->irq_watched = arm(tc, q, EPOLL_CTL_ADD) == 0;
}

void tcp_irq_unwatch(struct tcp_ctrl *tc, struct tcp_queue *q)
{
	if (!q->irq_watched)
		return;
	q->irq_watched = false;
	if (q->conn && q->conn->fd >= 0)
		epoll_ctl(tc->irq_epfd, EPOLL_CTL_DEL, q->conn->fd, NULL);
}

void tcp_irq_rearm(struct tcp_ctrl *tc, struct tcp_queue *q)
{
	struct tcp_conn *c = q->conn;

	if (c->dead)
		return; /* a dead socket stays readable (EOF): leave it disarmed */
	if (__atomic_load_n(&q->irq_fired, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&q->irq_fired, false, __ATOMIC_RELAXED);
		arm(tc, q, EPOLL_CTL_MOD);
	} else if (c->fifo_count && !q->irq_out) {
		arm(tc, q, EPOLL_CTL_MOD); /* still armed: add EPOLLOUT */
	}
}
