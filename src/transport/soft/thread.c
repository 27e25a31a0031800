/* SPDX-License-Identifier: MIT */
/* The controller's own thread: steps while there is work, then idles politely (a short
 * spin, then sleeps that double up to a bound while nothing arrives). With a file= it
 * sleeps on the eventfd of the io_urings, so that it wakes when a transfer ends on a
 * queue its host does not poll (a queue its host polls wakes the host: file_ring.c). */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>

#include "soft.h"

#define SPIN_STEPS 200     /* empty steps before the first sleep */
#define SLEEP_MIN_US 20
/* The longest idle sleep. Hosts that poll their queues execute their commands themselves
 * (soft_step_queue_locked()), so an idle thread can sleep long; a controller that other
 * processes share (name=) sees their commands only through this thread, so it comes
 * back sooner. */
#define SLEEP_MAX_US 2000
#define SLEEP_MAX_SHARED_US 500

/* Sleep up to @us, or until a file transfer of a queue no host polls ends: its command
 * completes as soon as the transfer is done, not when this thread's back-off ends. */
static void idle_wait(struct soft_ctrl *c, uint64_t us)
{
	int efd = soft_file_eventfd(c);
	struct pollfd pfd = { .fd = efd, .events = POLLIN };
	struct timespec ts = { .tv_sec = (time_t)(us / 1000000),
			       .tv_nsec = (long)(us % 1000000) * 1000 };
	eventfd_t v;

	if (efd < 0) {
		nvmu_sleep_us(us);
		return;
	}
	if (ppoll(&pfd, 1, &ts, NULL) > 0)
		eventfd_read(efd, &v);
}

static void *run(void *arg)
{
	struct soft_ctrl *c = arg;
	unsigned idle = 0;
	uint64_t sleep_us = SLEEP_MIN_US;
	uint64_t sleep_max = c->o.name[0] ? SLEEP_MAX_SHARED_US : SLEEP_MAX_US;

	while (!atomic_load_explicit(&c->stop, memory_order_acquire)) {
		unsigned n, reaped;

		pthread_mutex_lock(&c->lock);
		n = soft_step_counting_locked(c, 0, &reaped);
		pthread_mutex_unlock(&c->lock);
		if (n > reaped) {
			idle = 0;
			sleep_us = SLEEP_MIN_US;
		} else if (reaped) {
			/* Only file transfers that ended: the ring's eventfd announces the next
			 * ones, so there is nothing to spin for. */
			idle = SPIN_STEPS;
		} else if (++idle > SPIN_STEPS) {
			idle_wait(c, sleep_us);
			sleep_us = sleep_us * 2 > sleep_max ? sleep_max : sleep_us * 2;
		}
	}
	return NULL;
}

int soft_thread_start(struct soft_ctrl *c)
{
	int err;

	atomic_store(&c->stop, false);
	err = pthread_create(&c->thread, NULL, run, c);
	if (err)
		return nvmu_fail(err, "%s: cannot start the controller thread: %s", c->name,
				 strerror(err));
	c->thread_running = true;
	return 0;
}

void soft_thread_stop(struct soft_ctrl *c)
{
	if (!c->thread_running)
		return;
	atomic_store_explicit(&c->stop, true, memory_order_release);
	pthread_join(c->thread, NULL);
	c->thread_running = false;
}
