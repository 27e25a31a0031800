/* SPDX-License-Identifier: MIT */
/* Recovery from surprise removal, on the software controller: the device's registers read
 * all-ones, every command (in flight or waiting in software) ends with -ENODEV, new ones
 * are refused, resets fail and detach returns at once; removal while idle is seen by the
 * admin poll alone, and removal during a reset stops that reset. */
#include <pthread.h>

#include "check.h"
#include "recovery_env.h"

TEST(surprise_removal_ends_everything)
{
	struct rig r;
	uint32_t ms;

	if (!rig_open(&r, SPEC, NULL, &(struct nvmu_host_qpair_opts){ .entries = 8 }))
		goto out;
	fault(&r, io_any(NVMU_SOFT_FAULT_REMOVE, 3, 1));
	for (unsigned i = 0; i < 24; i++) /* 7 in flight, the rest waiting in software */
		submit(&r, false, i, 0);
	ms = run_until_state(&r, false, NVMU_CTRL_REMOVED, WAIT_MS);
	CHECK(ms <= 300);
	check_all(&r, 2, -ENODEV);
	CHECK_EQ(r.req[2].status, NVMU_STATUS_HOST(NVME_SC_HOST_PATH_ERROR));
	CHECK_STR_CONTAINS(nvmu_ctrl_reason(nvmu_host_core(r.h)), "all-ones");
	check_refused(&r, false, -ENODEV);
	CHECK_EQ(nvmu_host_reset(r.h), -ENODEV);
	fprintf(stderr, "# %s: removal seen in %u ms\n", __func__, ms);
	CHECK_EQ(rig_close_at_once(&r), -ENODEV);
	return;
out:
	rig_close(&r);
}

/* Removal while idle is seen by the admin poll alone; a command submitted meanwhile ends. */
TEST(surprise_removal_seen_by_admin_poll)
{
	struct rig r;
	uint64_t t0;
	uint32_t ms;

	if (!rig_open(&r, SPEC, NULL, NULL))
		goto out;
	submit(&r, false, 0, 0);
	CHECK(run(&r, false, WAIT_MS));
	nvmu_soft_surprise_remove(r.t);
	t0 = nvmu_now_ns();
	submit(&r, false, 1, 0);
	while (nvmu_host_state(r.h) != NVMU_CTRL_REMOVED && ms_since(t0) < WAIT_MS)
		nvmu_host_admin_poll(r.h);
	ms = ms_since(t0);
	CHECK(ms <= 300);
	CHECK_EQ(r.req[1].calls, 0);
	/* The pair's next poll ends its command. */
	nvmu_host_qpair_poll(r.qp, 0);
	CHECK_EQ(r.req[1].calls, 1);
	check_all(&r, 1, -ENODEV);
	CHECK_EQ(rig_close(&r), -ENODEV);
	return;
out:
	rig_close(&r);
}

struct remover {
	struct nvmu_transport *t;
	uint32_t after_ms;
};

static void *remove_later(void *arg)
{
	struct remover *rm = arg;

	nvmu_sleep_us(rm->after_ms * 1000ull);
	nvmu_soft_surprise_remove(rm->t);
	return NULL;
}

/* The device goes away while a reset waits for it to become ready: the reset stops at
 * once with -ENODEV, and the commands it held end with -ENODEV, as removal says. */
TEST(surprise_removal_during_reset)
{
	struct rig r;
	struct remover rm;
	pthread_t th;
	uint64_t t0;
	int id;

	if (!rig_open(&r, "to=10," SPEC, NULL, &(struct nvmu_host_qpair_opts){ .retries = 1 }))
		goto out;
	id = hold_io(&r, 3, 3000);
	for (unsigned i = 0; i < 3; i++)
		submit(&r, false, i, 0);
	wait_hits(&r, id, 3);
	nvmu_soft_set_ready_delay(r.t, 4000);
	rm = (struct remover){ r.t, 200 };
	CHECK_EQ(pthread_create(&th, NULL, remove_later, &rm), 0);
	t0 = nvmu_now_ns();
	CHECK_EQ(nvmu_host_reset(r.h), -ENODEV);
	CHECK(ms_since(t0) < PROMPT_MS);
	pthread_join(th, NULL);
	CHECK_EQ(nvmu_host_state(r.h), NVMU_CTRL_REMOVED);
	check_all(&r, 0, -ENODEV);
	CHECK_EQ(rig_close(&r), -ENODEV);
	return;
out:
	rig_close(&r);
}

RUN_TESTS(T(surprise_removal_ends_everything), T(surprise_removal_seen_by_admin_poll),
	  T(surprise_removal_during_reset))
