/* SPDX-License-Identifier: MIT */
/*
 * Recovery in the host API: a reset pauses every queue pair first. The resetting thread
 * raises h->stop; each pair's owner acknowledges it at its next
 * nvmu_host_qpair_poll() and posts nothing until h->stop drops (its submissions
 * wait in the pair's queue), so the core can rebuild the queues under nobody's feet.
 * Pairs the resetting thread itself last used need no acknowledgement.
 */
#include <errno.h>

#include "host_internal.h"

#define PAUSE_WAIT_MS 10000
#define PAUSE_POLL_US 100

/* True if @qp's completions were last processed by thread @t. */
static bool owned_by(const struct nvmu_host_qpair *qp, pthread_t t)
{
	return pthread_equal(__atomic_load_n(&qp->owner, __ATOMIC_RELAXED), t);
}

/* True if every queue pair acknowledged pause @seq, or is the calling thread's own. */
static bool all_paused(struct nvmu_host_ctrl *h, uint32_t seq, uint16_t *late)
{
	pthread_t self = pthread_self();
	bool all = true;

	pthread_mutex_lock(&h->lock);
	for (struct nvmu_host_qpair *qp = h->qpairs; qp && all; qp = qp->next) {
		if (!owned_by(qp, self) &&
		    __atomic_load_n(&qp->parked, __ATOMIC_ACQUIRE) != seq) {
			*late = nvmu_qpair_id(qp->core);
			all = false;
		}
	}
	pthread_mutex_unlock(&h->lock);
	return all;
}

/* Wait until every queue pair acknowledged pause @seq, for at most PAUSE_WAIT_MS. The
 * lock is not held while waiting, because an owner may need it to finish the submission
 * it is in. Returns 0, or -EBUSY naming a pair whose thread did not answer. */
static int wait_paused(struct nvmu_host_ctrl *h, uint32_t seq)
{
	uint64_t deadline = nvmu_deadline_ms(PAUSE_WAIT_MS);
	uint16_t late = 0;

	while (!all_paused(h, seq, &late)) {
		if (nvmu_deadline_passed(deadline))
			return nvmu_fail(EBUSY, "%s: queue pair %u did not pause for the reset "
					 "within %u ms: its thread must call "
					 "nvmu_host_qpair_poll()", h->name, late,
					 PAUSE_WAIT_MS);
		nvmu_sleep_us(PAUSE_POLL_US);
	}
	return 0;
}

/* Acknowledge the pause in progress for the pairs this thread owns: it is blocked in
 * lock_reset() and touches none of them until it returns. */
static void park_own(struct nvmu_host_ctrl *h)
{
	uint32_t stop = __atomic_load_n(&h->stop, __ATOMIC_ACQUIRE);
	pthread_t self = pthread_self();

	if (!stop)
		return;
	pthread_mutex_lock(&h->lock);
	for (struct nvmu_host_qpair *qp = h->qpairs; qp; qp = qp->next)
		if (owned_by(qp, self))
			__atomic_store_n(&qp->parked, stop, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&h->lock);
}

/* Take the reset lock. While another thread holds it for a reset, this thread's pairs are
 * acknowledged as paused: that reset waits for them, and their owner is waiting here. */
static void lock_reset(struct nvmu_host_ctrl *h)
{
	while (pthread_mutex_trylock(&h->reset_lock) != 0) {
		park_own(h);
		nvmu_sleep_us(PAUSE_POLL_US);
	}
}

/* Pause every pair, reset the controller and arm the event requests again, with the reset
 * lock held. Returns 0 or the error of the pause or of the reset. */
static int reset_locked(struct nvmu_host_ctrl *h)
{
	uint32_t seq = ++h->stop_seq ? h->stop_seq : ++h->stop_seq;
	int ret;

	__atomic_store_n(&h->stop, seq, __ATOMIC_SEQ_CST);
	ret = wait_paused(h, seq);
	if (ret == 0)
		ret = nvmu_ctrl_reset(h->ctrl);
	if (ret == 0 && !h->no_aer) {
		/* The reset ended every event request, so a full set is armed again and none
		 * is counted as waiting to be re-armed. */
		pthread_mutex_lock(&h->ev_lock);
		h->to_arm = 0;
		pthread_mutex_unlock(&h->ev_lock);
		events_start(h);
	}
	__atomic_store_n(&h->stop, 0, __ATOMIC_SEQ_CST);
	if (ret < 0)
		nvmu_log(NVMU_LOG_WARN, "%s: reset failed: %s", h->name, nvmu_last_error());
	return ret;
}

int nvmu_host_reset(struct nvmu_host_ctrl *h)
{
	int ret;

	lock_reset(h);
	ret = reset_locked(h);
	pthread_mutex_unlock(&h->reset_lock);
	return ret;
}

enum nvmu_ctrl_state nvmu_host_state(const struct nvmu_host_ctrl *h)
{
	return nvmu_ctrl_state(h->ctrl);
}

void recover_if_needed(struct nvmu_host_ctrl *h)
{
	if (!h->auto_reset || nvmu_ctrl_state(h->ctrl) != NVMU_CTRL_NEEDS_RESET)
		return;
	lock_reset(h);
	/* Another thread may have done the reset while this one waited for the lock. */
	if (nvmu_ctrl_state(h->ctrl) == NVMU_CTRL_NEEDS_RESET)
		reset_locked(h);
	pthread_mutex_unlock(&h->reset_lock);
}

int host_state_error(const struct nvmu_host_ctrl *h)
{
	switch (nvmu_ctrl_state(h->ctrl)) {
	case NVMU_CTRL_REMOVED:
		return nvmu_fail(ENODEV, "%s: the device was removed (%s); detach it", h->name,
				 nvmu_ctrl_reason(h->ctrl));
	case NVMU_CTRL_FAILED:
		return nvmu_fail(EIO, "%s: the controller failed (%s); try nvmu_host_reset() or "
				 "detach it", h->name, nvmu_ctrl_reason(h->ctrl));
	default:
		return 0;
	}
}
