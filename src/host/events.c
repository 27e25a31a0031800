/* SPDX-License-Identifier: MIT */
/*
 * Asynchronous events: SMART and notice events enabled at attach, Asynchronous Event
 * Requests kept armed. A completed request (reaped by whichever thread polls the admin
 * queue) only records its event; nvmu_host_admin_poll() delivers recorded events to the
 * application's callback and re-arms the requests, outside every lock.
 */
#include <errno.h>

#include "host_internal.h"

#define AEC_SMART_ALL 0xffu /* every SMART / health critical warning */

static void aer_done(void *arg, const struct nvmu_cpl *cpl)
{
	struct nvmu_host_ctrl *h = arg;

	pthread_mutex_lock(&h->ev_lock);
	if (cpl->err == 0) {
		struct nvmu_host_event *ev;

		/* A full ring drops its oldest event, so the newest state is what is seen. */
		if (h->ev_count == HOST_EVENT_RING) {
			h->ev_head = (h->ev_head + 1) % HOST_EVENT_RING;
			h->ev_count--;
		}
		ev = &h->events[(h->ev_head + h->ev_count++) % HOST_EVENT_RING];
		ev->dw0 = cpl->dw0;
		ev->type = (uint8_t)(cpl->dw0 & 0x7);
		ev->info = (uint8_t)(cpl->dw0 >> 8);
		ev->log_page = (uint8_t)(cpl->dw0 >> 16);
		h->events_seen++;
		h->to_arm++;
		nvmu_share_event(h->ctrl, cpl->dw0); /* to the processes sharing it, if any */
	} else {
		char text[NVMU_STATUS_TEXT_MAX];

		/* The request was ended by a reset or a shutdown, or the controller's limit
		 * was exceeded. It is not re-armed here, because a reset arms a new set. */
		nvmu_log(NVMU_LOG_INFO, "%s: asynchronous event request ended with %s", h->name,
			 nvmu_status_text(cpl->status, text, sizeof(text)));
	}
	pthread_mutex_unlock(&h->ev_lock);
}

static int arm_one(struct nvmu_host_ctrl *h)
{
	struct nvmu_sqe cmd = { .opcode = nvme_admin_async_event };

	return nvmu_admin_submit(h->ctrl, &cmd, 0, 0, aer_done, h);
}

void events_start(struct nvmu_host_ctrl *h)
{
	const struct nvme_id_ctrl *id = nvmu_ctrl_id(h->ctrl);
	struct nvmu_sqe cmd = {
		.opcode = nvme_admin_set_features,
		.cdw10 = NVME_FEAT_FID_ASYNC_EVENT,
		.cdw11 = AEC_SMART_ALL | (id->oaes & NVME_CTRL_OAES_NA),
	};
	unsigned n = id->aerl + 1u < HOST_MAX_AERS ? id->aerl + 1u : HOST_MAX_AERS;

	/* Fabrics targets (Linux's nvmet among them) report no SMART warnings and refuse a
	 * configuration that asks for them: ask again for what OAES says they send. */
	if (nvmu_admin_cmd(h->ctrl, &cmd, 0, 0, 0, NULL) < 0) {
		cmd.cdw11 &= ~AEC_SMART_ALL;
		if (cmd.cdw11 && nvmu_admin_cmd(h->ctrl, &cmd, 0, 0, 0, NULL) == 0)
			nvmu_log(NVMU_LOG_INFO, "%s: no SMART events (refused); namespace "
				 "notices only", h->name);
		else
			nvmu_log(NVMU_LOG_WARN, "%s: asynchronous event configuration refused: "
				 "%s", h->name, nvmu_last_error());
	}
	for (unsigned i = 0; i < n; i++) {
		if (arm_one(h) < 0) {
			nvmu_log(NVMU_LOG_WARN, "%s: asynchronous event request not armed: %s",
				 h->name, nvmu_last_error());
			break;
		}
	}
}

unsigned nvmu_host_admin_poll(struct nvmu_host_ctrl *h)
{
	struct nvmu_host_event evs[HOST_EVENT_RING];
	unsigned n = 0, arm;

	nvmu_admin_poll(h->ctrl);
	recover_if_needed(h);
	pthread_mutex_lock(&h->ev_lock);
	while (h->ev_count) {
		evs[n++] = h->events[h->ev_head];
		h->ev_head = (h->ev_head + 1) % HOST_EVENT_RING;
		h->ev_count--;
	}
	arm = h->to_arm;
	h->to_arm = 0;
	pthread_mutex_unlock(&h->ev_lock);
	for (unsigned i = 0; i < arm; i++) {
		if (arm_one(h) < 0) {
			nvmu_log(NVMU_LOG_WARN, "%s: asynchronous event request not re-armed: %s",
				 h->name, nvmu_last_error());
			pthread_mutex_lock(&h->ev_lock);
			h->to_arm += arm - i; /* try again on the next poll */
			pthread_mutex_unlock(&h->ev_lock);
			break;
		}
	}
	for (unsigned i = 0; i < n; i++)
		if (h->event_cb)
			h->event_cb(h->event_arg, &evs[i]);
	return n;
}

uint64_t nvmu_host_events_seen(const struct nvmu_host_ctrl *h)
{
	return __atomic_load_n(&h->events_seen, __ATOMIC_RELAXED);
}
