/* SPDX-License-Identifier: MIT */
/* The admin queue: commands sent and waited for with a deadline, commands posted with a
 * callback (Asynchronous Event Requests), and the admin commands the core itself needs
 * (Identify, Number of Queues, the active namespace list). */
#include <errno.h>
#include <string.h>

#include "nvme_internal.h"

#define CSTS_CHECK_INTERVAL_MS 10
#define BUSY_POLLS_BEFORE_SLEEP 100
#define POLL_SLEEP_US 50

struct sync_wait {
	bool done;
	struct nvmu_cpl cpl;
};

static void sync_done(void *arg, const struct nvmu_cpl *cpl)
{
	struct sync_wait *w = arg;

	w->cpl = *cpl;
	w->done = true;
}

/* Give up on @trk: it stays reserved until the device answers; a command that should
 * have been answered (not an Asynchronous Event Request) makes the controller ask for a
 * reset. */
static int give_up(struct nvmu_ctrl *ctrl, struct nvmu_tracker *trk, const struct nvmu_sqe *cmd,
		   uint32_t timeout_ms)
{
	uint32_t csts = ctrl_read32(ctrl, NVME_REG_CSTS);

	tracker_abandon(trk);
	ctrl->rec.timeouts++;
	if (cmd->opcode != nvme_admin_async_event)
		ctrl_request_reset(ctrl, "admin command opcode %#04x got no completion "
				   "within %u ms", cmd->opcode, timeout_ms);
	return nvmu_fail(ETIMEDOUT, "%s: admin command opcode %#04x (CID %#x) got no completion "
			 "within %u ms; CSTS=%#x", ctrl->t->name, cmd->opcode, cmd->cid, timeout_ms,
			 csts);
}

/* Poll the admin queue until @w is done, the deadline passes or the controller fails.
 * Polling sleeps a little after a run of empty polls, so a long command does not keep
 * a core busy. CSTS is read every few milliseconds, because a controller that has
 * failed never answers and the caller should learn that before the deadline. */
static int wait_admin(struct nvmu_ctrl *ctrl, struct sync_wait *w, struct nvmu_tracker *trk,
		      const struct nvmu_sqe *cmd, uint32_t timeout_ms)
{
	uint64_t deadline = nvmu_deadline_ms(timeout_ms);
	uint64_t next_check = nvmu_deadline_ms(CSTS_CHECK_INTERVAL_MS);
	unsigned idle = 0;
	int ret;

	while (!w->done) {
		if (nvmu_qpair_poll(ctrl->admin, 0))
			continue;
		if (++idle > BUSY_POLLS_BEFORE_SLEEP)
			nvmu_sleep_us(POLL_SLEEP_US);
		else
			nvmu_cpu_relax();
		if (nvmu_deadline_passed(next_check)) {
			uint32_t csts = ctrl_read32(ctrl, NVME_REG_CSTS);

			ret = ctrl_check_csts(ctrl, csts, true, "waiting for an admin command");
			if (ret < 0) {
				tracker_abandon(trk);
				nvmu_ctrl_check(ctrl);
				return ret;
			}
			next_check = nvmu_deadline_ms(CSTS_CHECK_INTERVAL_MS);
		}
		if (nvmu_deadline_passed(deadline) && !nvmu_qpair_poll(ctrl->admin, 0) && !w->done)
			return give_up(ctrl, trk, cmd, timeout_ms);
	}
	return 0;
}

/* Returns 0 if an admin command may be sent now. Otherwise it returns -ENODEV when the
 * device was removed, or -EIO when the controller failed or waits for a reset, with a
 * message that gives the recorded reason. */
static int admin_refused(struct nvmu_ctrl *ctrl)
{
	switch (ctrl_state(ctrl)) {
	case NVMU_CTRL_REMOVED:
		return nvmu_fail(ENODEV, "%s: the device was removed (%s)", ctrl->t->name,
				 ctrl->reason);
	case NVMU_CTRL_NEEDS_RESET:
	case NVMU_CTRL_FAILED:
		return nvmu_fail(EIO, "%s: the controller %s (%s)", ctrl->t->name,
				 ctrl_state(ctrl) == NVMU_CTRL_FAILED ? "failed" : "needs a reset",
				 ctrl->reason);
	default:
		return 0; /* live, or resetting (only the reset itself holds the admin lock) */
	}
}

int admin_cmd_locked(struct nvmu_ctrl *ctrl, struct nvmu_sqe *cmd, uint64_t iova, size_t len,
		     uint32_t timeout_ms, struct nvmu_cpl *cpl)
{
	struct sync_wait w = { 0 };
	struct nvmu_tracker *trk = NULL;
	char text[NVMU_STATUS_TEXT_MAX];
	int ret;

	if (timeout_ms == 0)
		timeout_ms = ctrl->admin_timeout_ms;
	ret = admin_refused(ctrl);
	/* A process sharing another's controller has its admin commands run there. */
	if (ret == 0 && ctrl->t->ops->admin_cmd)
		return ctrl->t->ops->admin_cmd(ctrl->t, cmd, iova, len, timeout_ms, cpl);
	if (ret == 0)
		ret = ctrl_check_csts(ctrl, ctrl_read32(ctrl, NVME_REG_CSTS), true,
				      "submitting an admin command");
	if (ret == 0)
		ret = qpair_post(ctrl->admin, cmd, iova, len, sync_done, &w, &trk);
	if (ret == 0) {
		trk->flags |= TRK_NO_TIMEOUT; /* the wait below has the deadline */
		nvmu_qpair_ring(ctrl->admin);
		ret = wait_admin(ctrl, &w, trk, cmd, timeout_ms);
	}
	if (ret < 0)
		return ret;
	if (cpl)
		*cpl = w.cpl;
	if (w.cpl.err == -EREMOTEIO)
		return nvmu_fail(EREMOTEIO, "%s: admin command opcode %#04x failed: %s",
				 ctrl->t->name, cmd->opcode,
				 nvmu_status_text(w.cpl.status, text, sizeof(text)));
	if (w.cpl.err < 0)
		return nvmu_fail(-w.cpl.err, "%s: admin command opcode %#04x %s (%s)",
				 ctrl->t->name, cmd->opcode,
				 w.cpl.err == -ENODEV ? "ended: device removed"
						      : "ended by a controller reset",
				 ctrl->reason);
	return 0;
}

int nvmu_admin_cmd(struct nvmu_ctrl *ctrl, struct nvmu_sqe *cmd, uint64_t iova, size_t len,
		   uint32_t timeout_ms, struct nvmu_cpl *cpl)
{
	int ret;

	pthread_mutex_lock(&ctrl->admin_lock);
	ret = admin_cmd_locked(ctrl, cmd, iova, len, timeout_ms, cpl);
	pthread_mutex_unlock(&ctrl->admin_lock);
	return ret;
}

/* nvmu_admin_submit() in a process sharing another's controller: the command runs there
 * and its callback here before this returns (an Abort: only after a timeout, so the wait
 * is rare). Event requests, which are answered only when an event happens, are kept by
 * the transport instead. */
static int submit_forwarded(struct nvmu_ctrl *ctrl, struct nvmu_sqe *cmd, uint64_t iova,
			    size_t len, nvmu_cmd_cb cb, void *arg)
{
	struct nvmu_cpl cpl = { 0 };
	int ret;

	pthread_mutex_lock(&ctrl->admin_lock);
	ret = admin_refused(ctrl);
	/* Event requests wait in the transport for the events the primary passes on. */
	if (ret == 0 && cmd->opcode == nvme_admin_async_event) {
		ret = ctrl->t->ops->event_request
			      ? ctrl->t->ops->event_request(ctrl->t, cb, arg)
			      : nvmu_fail(ENOTSUP, "%s: asynchronous event requests are not "
					  "forwarded by its transport", ctrl->t->name);
		pthread_mutex_unlock(&ctrl->admin_lock);
		return ret;
	}
	if (ret == 0)
		ret = ctrl->t->ops->admin_cmd(ctrl->t, cmd, iova, len, ctrl->admin_timeout_ms, &cpl);
	if (ret == 0 || ret == -EREMOTEIO) {
		cpl.err = ret;
		cb(arg, &cpl); /* with the admin lock held, as callbacks of admin commands are */
		ret = 0;
	}
	pthread_mutex_unlock(&ctrl->admin_lock);
	return ret;
}

int nvmu_admin_submit(struct nvmu_ctrl *ctrl, struct nvmu_sqe *cmd, uint64_t iova, size_t len,
		      nvmu_cmd_cb cb, void *arg)
{
	struct nvmu_tracker *trk = NULL;
	int ret;

	if (ctrl->t->ops->admin_cmd)
		return submit_forwarded(ctrl, cmd, iova, len, cb, arg);
	pthread_mutex_lock(&ctrl->admin_lock);
	ret = admin_refused(ctrl);
	if (ret == 0)
		ret = qpair_post(ctrl->admin, cmd, iova, len, cb, arg, &trk);
	if (ret == 0) {
		if (cmd->opcode == nvme_admin_async_event)
			trk->flags |= TRK_NO_TIMEOUT; /* answered only when an event happens */
		nvmu_qpair_ring(ctrl->admin);
	}
	pthread_mutex_unlock(&ctrl->admin_lock);
	return ret;
}

unsigned nvmu_admin_poll(struct nvmu_ctrl *ctrl)
{
	unsigned n;

	pthread_mutex_lock(&ctrl->admin_lock);
	n = nvmu_qpair_poll(ctrl->admin, 0);
	if (ctrl->t->ops->events_poll)
		n += ctrl->t->ops->events_poll(ctrl->t);
	pthread_mutex_unlock(&ctrl->admin_lock);
	return n;
}

int nvmu_admin_identify(struct nvmu_ctrl *ctrl, uint8_t cns, uint32_t nsid, void *out)
{
	struct nvmu_sqe cmd = {
		.opcode = nvme_admin_identify,
		.nsid = nsid,
		.cdw10 = cns,
	};
	int ret;

	/* The scratch page is shared: hold the admin lock from clearing it to copying out. */
	pthread_mutex_lock(&ctrl->admin_lock);
	memset(ctrl->scratch.vaddr, 0, NVME_IDENTIFY_DATA_SIZE);
	ret = admin_cmd_locked(ctrl, &cmd, ctrl->scratch.iova, NVME_IDENTIFY_DATA_SIZE, 0, NULL);
	if (ret == 0)
		memcpy(out, ctrl->scratch.vaddr, NVME_IDENTIFY_DATA_SIZE);
	pthread_mutex_unlock(&ctrl->admin_lock);
	if (ret < 0)
		return nvmu_fail_context(-ret, "identify (CNS %#x, NSID %u)", cns, nsid);
	return 0;
}

int nvmu_admin_set_num_queues(struct nvmu_ctrl *ctrl, uint16_t nsq, uint16_t ncq,
			      uint16_t *granted)
{
	struct nvmu_sqe cmd = {
		.opcode = nvme_admin_set_features,
		.cdw10 = NVME_FEAT_FID_NUM_QUEUES,
		.cdw11 = NVME_SET(nsq - 1u, FEAT_NRQS_NSQR) | NVME_SET(ncq - 1u, FEAT_NRQS_NCQR),
	};
	struct nvmu_cpl cpl;
	uint32_t sq, cq;
	int ret;

	if (nsq == 0 || ncq == 0 || nsq == UINT16_MAX || ncq == UINT16_MAX)
		return nvmu_fail(EINVAL, "queue counts are 1..65534, not %u/%u", nsq, ncq);
	ret = nvmu_admin_cmd(ctrl, &cmd, 0, 0, 0, &cpl);
	if (ret < 0)
		return nvmu_fail_context(-ret, "set features number of queues");
	sq = NVME_GET(cpl.dw0, FEAT_NRQS_NSQR) + 1;
	cq = NVME_GET(cpl.dw0, FEAT_NRQS_NCQR) + 1;
	if (granted)
		*granted = (uint16_t)(sq < cq ? sq : cq);
	return 0;
}

int nvmu_admin_active_ns(struct nvmu_ctrl *ctrl, uint32_t after, uint32_t *nsids, size_t max,
			 size_t *n)
{
	struct nvme_ns_list list;
	int ret;

	*n = 0;
	ret = nvmu_admin_identify(ctrl, NVME_IDENTIFY_CNS_NS_ACTIVE_LIST, after, &list);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < NVME_ID_NS_LIST_MAX && *n < max && list.ns[i]; i++) {
		if (list.ns[i] <= after || (i > 0 && list.ns[i] <= list.ns[i - 1])) {
			nvmu_log(NVMU_LOG_WARN, "%s: active namespace list not ascending at "
				 "entry %zu (NSID %u); truncated", ctrl->t->name, i, list.ns[i]);
			break;
		}
		nsids[(*n)++] = list.ns[i];
	}
	return 0;
}

int nvmu_ns_info_decode(const struct nvme_id_ns *id, struct nvmu_ns_info *info)
{
	/* NLBAF is 0-based: up to 256 formats claimed, so the count needs more than 8 bits.
	 * Identify holds 64; the index FLBAS can name (6 bits) never reaches beyond them. */
	unsigned nlbaf = id->nlbaf + 1u;
	unsigned fmt = (id->flbas & NVME_NS_FLBAS_LOWER_MASK) |
		       (nlbaf > 16 ? (id->flbas & NVME_NS_FLBAS_HIGHER_MASK) >> 1 : 0u);
	const struct nvme_lbaf *lbaf;

	if (fmt >= nlbaf || fmt >= sizeof(id->lbaf) / sizeof(id->lbaf[0]))
		return nvmu_fail(EINVAL, "namespace format index %u beyond its %u LBA formats", fmt,
				 nlbaf);
	lbaf = &id->lbaf[fmt];
	if (lbaf->ds < 9 || lbaf->ds > 31)
		return nvmu_fail(EINVAL, "LBA format %u has an invalid data size 2^%u", fmt,
				 lbaf->ds);
	info->nsze = id->nsze;
	info->ncap = id->ncap;
	info->nuse = id->nuse;
	info->lba_size = 1u << lbaf->ds;
	info->ms = lbaf->ms;
	info->lbaf = fmt;
	info->meta_extended = (id->flbas & NVME_NS_FLBAS_META_EXT) != 0;
	return 0;
}

int nvmu_admin_identify_ns(struct nvmu_ctrl *ctrl, uint32_t nsid, struct nvme_id_ns *id,
			   struct nvmu_ns_info *info)
{
	struct nvme_id_ns data;
	int ret = nvmu_admin_identify(ctrl, NVME_IDENTIFY_CNS_NS, nsid, &data);

	if (ret < 0)
		return ret;
	if (id)
		*id = data;
	if (data.nsze == 0 && data.nlbaf == 0 && data.lbaf[0].ds == 0)
		return nvmu_fail(ENOENT, "%s: namespace %u is not active", ctrl->t->name, nsid);
	if (info) {
		ret = nvmu_ns_info_decode(&data, info);
		if (ret < 0)
			return nvmu_fail_context(-ret, "%s: namespace %u", ctrl->t->name, nsid);
		info->nsid = nsid;
	}
	return 0;
}
