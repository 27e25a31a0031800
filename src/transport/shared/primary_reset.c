/* SPDX-License-Identifier: MIT */
/*
 * Resets and removal of a shared controller, handled once, by the primary. Before its
 * reset every secondary is told (control page: CSTS.CFS for it) and waited for: its host
 * API pauses its pairs, deletes its queues if the controller still answers, and clears
 * CC.EN, which reaches the primary as SHARE_DISABLE. After the reset the control pages
 * get a new epoch, which lets the secondaries' CC.EN=1 become ready; they recreate their
 * queues through the primary, as after a reset of their own. A secondary's own reset
 * (a command that timed out, `nvmu reset`) asks the primary for this same reset.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shared.h"

#define WAIT_SLICE_MS 50

void share_ctl_set(struct share_client *c, enum share_ctl_state state, bool new_epoch,
		   const char *reason)
{
	struct share_ctl *ctl = (struct share_ctl *)c->win;

	snprintf(ctl->reason, sizeof(ctl->reason), "%s", reason ? reason : "");
	if (new_epoch)
		__atomic_add_fetch(&ctl->epoch, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&ctl->state, (uint32_t)state, __ATOMIC_RELEASE);
}

/* Wake the sharing thread, so that it drops secondaries that did not stop in time. */
static void wake_service(struct share_primary *p)
{
	char b = 1;

	if (write(p->stop_fd[1], &b, 1) < 0)
		nvmu_log(NVMU_LOG_WARN, "%s: cannot wake the sharing thread", p->t->name);
}

static bool all_acked(const struct share_primary *p)
{
	for (const struct share_client *c = p->clients; c; c = c->next)
		if (c->joined && !c->acked && !c->doomed)
			return false;
	return true;
}

/* Tell every secondary to stop its queues and wait until each did, or drop it. */
static void quiesce(struct share_primary *p)
{
	uint64_t deadline = nvmu_deadline_ms(SHARE_QUIESCE_WAIT_MS);

	pthread_mutex_lock(&p->lock);
	p->resetting = true;
	for (struct share_client *c = p->clients; c; c = c->next) {
		if (c->joined) /* acked stays: the secondary that asked stopped already */
			share_ctl_set(c, SHARE_CTL_RESETTING, false, "the controller is being reset");
	}
	while (!all_acked(p) && !nvmu_deadline_passed(deadline)) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += WAIT_SLICE_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->cond, &p->lock, &ts);
	}
	for (struct share_client *c = p->clients; c; c = c->next) {
		if (c->joined && !c->acked) {
			nvmu_log(NVMU_LOG_WARN, "%s: process %d did not stop its queues within %u ms "
				 "for a reset; it is disconnected", p->t->name, (int)c->pid,
				 SHARE_QUIESCE_WAIT_MS);
			c->doomed = true;
		}
	}
	pthread_mutex_unlock(&p->lock);
}

/* The reset ended with @result: the device has none of the secondaries' queues now. */
static void recovered(struct share_primary *p, int result)
{
	enum share_ctl_state st = result == 0 ? SHARE_CTL_LIVE
				  : result == -ENODEV ? SHARE_CTL_REMOVED : SHARE_CTL_FAILED;
	uint16_t n = nvmu_ctrl_io_queues(p->ctrl);

	pthread_mutex_lock(&p->lock);
	for (struct share_client *c = p->clients; c; c = c->next) {
		if (!c->joined)
			continue;
		c->acked = false;
		memset(c->sq_live, 0, ((size_t)n + 1) * sizeof(bool));
		memset(c->cq_live, 0, ((size_t)n + 1) * sizeof(bool));
		share_ctl_set(c, st, true, result == 0 ? NULL : nvmu_ctrl_reason(p->ctrl));
	}
	p->resetting = false;
	p->reset_pending = false;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	wake_service(p);
}

void share_reset_hook(void *arg, bool begin, int result)
{
	struct share_primary *p = arg;

	if (begin)
		quiesce(p);
	else
		recovered(p, result);
}

void share_client_disabled(struct share_primary *p, struct share_client *c)
{
	bool doomed;

	/* CC.EN=0 is done once the device no longer uses the queues: the secondary clears its
	 * rings when this answer comes, and creates them again later with the same memory. The
	 * controller's own disable comes only after every secondary answered, so its queues
	 * are deleted now: a completion the device posted into a ring already cleared would
	 * be taken for one of the queue's next incarnation, and the real one lost. (A
	 * secondary too late for the reset is dropped instead, with its queues.) */
	pthread_mutex_lock(&p->lock);
	doomed = c->doomed;
	pthread_mutex_unlock(&p->lock);
	if (!doomed)
		share_client_queues_stop(p, c);
	pthread_mutex_lock(&p->lock);
	c->acked = true;
	if (!p->resetting && !p->reset_pending) {
		/* A reset of the secondary's own: the controller is reset for everyone. */
		p->reset_pending = true;
	}
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

void *share_reset_worker(void *arg)
{
	struct share_primary *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->reset_pending && !p->stopping)
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->stopping)
			break;
		pthread_mutex_unlock(&p->lock);
		if (p->reset)
			p->reset(p->reset_arg); /* the hook clears reset_pending */
		pthread_mutex_lock(&p->lock);
		if (!p->reset) {
			nvmu_log(NVMU_LOG_WARN, "%s: a reset was asked for, but the process that owns "
				 "it cannot reset it", p->t->name);
			p->reset_pending = false;
		}
		if (p->reset_pending && !p->resetting)
			p->reset_pending = false; /* the reset did not run (removed, failed early) */
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

void share_watch(struct share_primary *p)
{
	enum nvmu_ctrl_state st;
	unsigned joined;

	/* Without secondaries the controller is the application's alone: its own checks and
	 * its own reset policy apply, unchanged by sharing. */
	pthread_mutex_lock(&p->lock);
	joined = p->nclients;
	pthread_mutex_unlock(&p->lock);
	if (!joined)
		return;
	st = nvmu_ctrl_check(p->ctrl);
	pthread_mutex_lock(&p->lock);
	if (st == NVMU_CTRL_REMOVED && !p->removed_told) {
		p->removed_told = true;
		for (struct share_client *c = p->clients; c; c = c->next)
			if (c->joined)
				share_ctl_set(c, SHARE_CTL_REMOVED, false, nvmu_ctrl_reason(p->ctrl));
	}
	if (st == NVMU_CTRL_NEEDS_RESET && p->reset && !p->resetting && !p->reset_pending) {
		p->reset_pending = true;
		pthread_cond_broadcast(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
}
