/* SPDX-License-Identifier: MIT */
/*
 * Keep Alive: a thread sends one every KATO/2 on the admin connection, so the target keeps
 * the controller even when the application polls nothing (nvmet drops a controller whose
 * keep-alive timer expires). An answer that does not come within KATO fails the
 * connection, and the controller resets and reconnects.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "tcp.h"

static void tick(struct tcp_ctrl *tc)
{
	struct tcp_conn *c = tc->q[0].conn;
	struct tcp_slot *ka;
	struct nvmu_sqe cmd = { .opcode = nvme_admin_keep_alive };

	if (!c || c->dead || !tc->associated)
		return;
	ka = &c->slots[TCP_SLOT_KA(c)];
	/* pick up what came in meanwhile, the last answer included */
	if (tcp_tx_flush(c) == 0 && c->outstanding)
		tcp_rx_progress(tc, c, &tc->q[0]);
	if (c->dead) {
		tcp_mark_lost(tc, c->why);
		return;
	}
	if (ka->state != SLOT_FREE) {
		if (nvmu_now_ns() - tc->ka_sent_ns > (uint64_t)tc->o.kato_ms * 1000000u) {
			tcp_conn_fail(c, "no answer to Keep Alive within KATO (%u ms)",
				      tc->o.kato_ms);
			tcp_mark_lost(tc, c->why);
		}
		return;
	}
	ka->internal = true;
	ka->kind = TCP_DATA_NONE;
	tcp_slot_send(c, ka, &cmd, 0, false, 0);
	tc->ka_sent_ns = nvmu_now_ns();
	tcp_tx_flush(c);
	if (c->dead)
		tcp_mark_lost(tc, c->why);
}

static void *run(void *arg)
{
	struct tcp_ctrl *tc = arg;

	pthread_mutex_lock(&tc->lock);
	while (!tc->ka_stop) {
		struct timespec ts;
		uint64_t half_ns = (uint64_t)tc->o.kato_ms * 500000u;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += (time_t)(half_ns / 1000000000u);
		ts.tv_nsec += (long)(half_ns % 1000000000u);
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (pthread_cond_timedwait(&tc->ka_cond, &tc->lock, &ts) == ETIMEDOUT &&
		    !tc->ka_stop)
			tick(tc);
	}
	pthread_mutex_unlock(&tc->lock);
	return NULL;
}

int tcp_ka_start(struct tcp_ctrl *tc)
{
	pthread_condattr_t attr;
	int err;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&tc->ka_cond, &attr);
	pthread_condattr_destroy(&attr);
	err = pthread_create(&tc->ka_thread, NULL, run, tc);
	if (err)
		pthread_cond_destroy(&tc->ka_cond);
	if (err)
		return nvmu_fail(err, "%s: cannot start the keep-alive thread: %s", tc->name,
				 strerror(err));
	tc->ka_running = true;
	return 0;
}

void tcp_ka_stop(struct tcp_ctrl *tc)
{
	if (!tc->ka_running)
		return;
	pthread_mutex_lock(&tc->lock);
	tc->ka_stop = true;
	pthread_cond_signal(&tc->ka_cond);
	pthread_mutex_unlock(&tc->lock);
	pthread_join(tc->ka_thread, NULL);
	pthread_cond_destroy(&tc->ka_cond);
	tc->ka_running = false;
}
