/* SPDX-License-Identifier: MIT */
/*
 * Poller threads: one per virtqueue, each with a queue pair of its own. A poller takes
 * new requests from its ring and reaps completions in a loop. With nothing in flight,
 * after a spin without work, it asks the driver for kicks and sleeps on the ring's kick
 * eventfd; the spin adapts between 5 us and idle_spin_us (halved when it found nothing,
 * doubled when it found a request), so that it costs a slow guest little. With requests
 * in flight, as soon as there is no work, it sleeps on the kick eventfd and the queue
 * pair's completion interrupt (a pair without interrupts is polled until they are done).
 * So an idle VM costs next to no CPU and a busy one does not lose a CPU to a spinning
 * backend.
 *
 * Quiescing: the socket thread changes rings and guest memory only while every poller
 * waits at a point with no request in flight (vh_quiesce()), so that the pollers read
 * them without a lock, and no request uses memory that is about to go away.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vhost_internal.h"

#define SLEEP_MS 200 /* idle sleep: deadlines and removal are noticed at this pace */
#define INFLIGHT_SLEEP_MS 100 /* with requests in flight, as host.h asks of interrupts */
#define SPIN_MIN_NS 5000 /* the shortest idle spin: a guest's next request may come soon */

static void note_failure(struct nvmu_vhost_blk *b, int err)
{
	int none = 0;

	if (atomic_compare_exchange_strong(&b->failed, &none, err))
		b->failed_why = err == -ENODEV ? "the device was removed"
						: "the controller failed and could not be reset";
}

/* Completions of the poller's queue pair and of the interceptors' own. */
static unsigned reap(struct vh_poller *p)
{
	struct nvmu_vhost_blk *b = p->b;
	int n = nvmu_host_qpair_poll(p->qp, 0);
	unsigned work = n > 0 ? (unsigned)n : 0;

	if (n < 0 && n != -EBUSY)
		note_failure(b, n);
	for (unsigned i = 0; i < b->nicpt; i++)
		if (b->icpt[i].ops.on_poll)
			work += b->icpt[i].ops.on_poll(b->icpt[i].arg, p->index);
	return work;
}

/* Finish what is in flight on the poller's ring (the device answers, or the host ends
 * the commands with an error). */
static void drain(struct vh_poller *p)
{
	struct vh_vring *vq = &p->b->vq[p->index];

	while (vq->inflight) {
		reap(p);
		if (vq->desc)
			vh_vring_notify(vq);
		if (vq->inflight)
			sched_yield();
	}
}

static void rebuild_epoll(struct vh_poller *p)
{
	struct vh_vring *vq = &p->b->vq[p->index];
	struct epoll_event ev = { .events = EPOLLIN };

	close(p->epfd);
	p->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (p->epfd < 0)
		return;
	epoll_ctl(p->epfd, EPOLL_CTL_ADD, p->wake_fd, &ev);
	if (vq->kick_fd >= 0)
		epoll_ctl(p->epfd, EPOLL_CTL_ADD, vq->kick_fd, &ev);
	if (nvmu_host_qpair_eventfd(p->qp) >= 0)
		epoll_ctl(p->epfd, EPOLL_CTL_ADD, nvmu_host_qpair_eventfd(p->qp), &ev);
}

static void wait_resume(struct vh_poller *p)
{
	struct nvmu_vhost_blk *b = p->b;

	drain(p);
	pthread_mutex_lock(&b->lock);
	b->paused++;
	pthread_cond_broadcast(&b->cond);
	while (atomic_load(&b->pause))
		pthread_cond_wait(&b->cond, &b->lock);
	b->paused--;
	pthread_cond_broadcast(&b->cond);
	pthread_mutex_unlock(&b->lock);
	rebuild_epoll(p);
}

/* Sleep until the driver kicks, the device interrupts (requests in flight on a pair
 * with interrupts), or the socket thread wakes us. */
static void sleep_on_kicks(struct vh_poller *p, struct vh_vring *vq)
{
	struct epoll_event ev[3];
	eventfd_t v;

	if (vq->kick_fd >= 0)
		eventfd_read(vq->kick_fd, &v); /* kicks counted while we spun */
	if (vh_vring_runnable(vq) && vh_vring_kicks(vq, true))
		return; /* entries arrived meanwhile */
	/* Completions that came after the last poll have signalled the eventfd again. */
	if (nvmu_host_qpair_ack_irq(p->qp) && reap(p))
		return;
	atomic_fetch_add_explicit(&p->st.sleeps, 1, memory_order_relaxed);
	epoll_wait(p->epfd, ev, 3, vq->inflight ? INFLIGHT_SLEEP_MS : SLEEP_MS);
	eventfd_read(p->wake_fd, &v);
	if (vh_vring_runnable(vq))
		vh_vring_kicks(vq, false);
}

static void *poller_main(void *arg)
{
	struct vh_poller *p = arg;
	struct nvmu_vhost_blk *b = p->b;
	struct vh_vring *vq = &b->vq[p->index];
	uint64_t spin_max = (uint64_t)b->opts.idle_spin_us * 1000, idle_since = 0;
	uint64_t spin_ns = spin_max;

	rebuild_epoll(p);
	while (!atomic_load(&b->stopping)) {
		unsigned work = 0;

		if (atomic_load(&b->pause)) {
			wait_resume(p);
			idle_since = 0;
			continue;
		}
		if (vh_vring_runnable(vq)) {
			work += vh_blk_process(p, vq);
			work += reap(p);
			vh_vring_notify(vq);
		} else {
			work += reap(p);
		}
		if (work || (vq->inflight && nvmu_host_qpair_eventfd(p->qp) < 0)) {
			/* Work found by a spin: spinning pays with this guest, spin longer. */
			if (work && idle_since && spin_ns < spin_max)
				spin_ns = spin_ns * 2 < spin_max ? spin_ns * 2 : spin_max;
			idle_since = 0; /* a polled pair is polled while requests are in flight */
			continue;
		}
		uint64_t now = nvmu_now_ns();

		if (!idle_since)
			idle_since = now;
		/* Spin for the next request only when nothing is in flight: a request in
		 * flight on a pair with interrupts wakes us when it completes, so spinning
		 * for it would only take a CPU from the VM (on a host with few CPUs, the
		 * vCPUs that make the requests) for as long as the device takes. */
		if (now - idle_since < spin_ns && !vq->inflight)
			continue;
		/* A spin that found nothing: the guest's next request comes later than we
		 * spin (a slow or idle guest), so spin half as long next time. */
		if (!vq->inflight && spin_ns > SPIN_MIN_NS)
			spin_ns /= 2;
		sleep_on_kicks(p, vq);
		idle_since = 0;
	}
	drain(p);
	return NULL;
}

int vh_pollers_start(struct nvmu_vhost_blk *b)
{
	for (unsigned i = 0; i < b->opts.queues; i++) {
		struct vh_poller *p = &b->pollers[i];
		int ret;

		p->b = b;
		p->index = i;
		p->epfd = -1;
		p->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (p->wake_fd < 0)
			return nvmu_fail(errno, "eventfd: %s", strerror(errno));
		/* Completion interrupts let a poller sleep while the device works, instead of
		 * taking a CPU from the VM; without a vector left, the pair is polled. */
		struct nvmu_host_qpair_opts qo = { .opts_size = sizeof(qo), .interrupts = true };

		ret = nvmu_host_qpair_create(b->h, &qo, &p->qp);
		if (ret == -ENOSPC || ret == -ENOTSUP)
			ret = nvmu_host_qpair_create(b->h, NULL, &p->qp);
		if (ret < 0)
			return nvmu_fail_context(-ret, "queue pair of virtqueue %u", i);
		ret = pthread_create(&p->thread, NULL, poller_main, p);
		if (ret)
			return nvmu_fail(ret, "starting the poller of virtqueue %u: %s", i,
					 strerror(ret));
		p->thread_started = true;
		char name[16];

		snprintf(name, sizeof(name), "nvmu-vq%u", i); /* for top -H and perf */
		pthread_setname_np(p->thread, name);
		if (b->opts.ncpus) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(b->opts.cpus[i % b->opts.ncpus], &set);
			pthread_setaffinity_np(p->thread, sizeof(set), &set);
		}
	}
	return 0;
}

void vh_pollers_join(struct nvmu_vhost_blk *b)
{
	atomic_store(&b->stopping, true);
	for (unsigned i = 0; i < b->opts.queues; i++) {
		struct vh_poller *p = &b->pollers[i];

		if (p->thread_started) {
			eventfd_write(p->wake_fd, 1);
			pthread_join(p->thread, NULL);
			p->thread_started = false;
		}
		if (p->qp)
			nvmu_host_qpair_delete(p->qp);
		p->qp = NULL;
		if (p->epfd >= 0)
			close(p->epfd);
		if (p->wake_fd >= 0)
			close(p->wake_fd);
		p->epfd = p->wake_fd = -1;
	}
}

static unsigned running(const struct nvmu_vhost_blk *b)
{
	unsigned n = 0;

	for (unsigned i = 0; i < b->opts.queues; i++)
		n += b->pollers[i].thread_started;
	return n;
}

void vh_quiesce(struct nvmu_vhost_blk *b)
{
	unsigned n = running(b);

	pthread_mutex_lock(&b->lock);
	while (b->paused) /* the pollers of the last pause have all left it */
		pthread_cond_wait(&b->cond, &b->lock);
	atomic_store(&b->pause, true);
	pthread_mutex_unlock(&b->lock);
	for (unsigned i = 0; i < b->opts.queues; i++)
		if (b->pollers[i].thread_started)
			eventfd_write(b->pollers[i].wake_fd, 1);
	pthread_mutex_lock(&b->lock);
	while (b->paused < n)
		pthread_cond_wait(&b->cond, &b->lock);
	pthread_mutex_unlock(&b->lock);
}

void vh_resume(struct nvmu_vhost_blk *b)
{
	pthread_mutex_lock(&b->lock);
	atomic_store(&b->pause, false);
	pthread_cond_broadcast(&b->cond);
	pthread_mutex_unlock(&b->lock);
}
