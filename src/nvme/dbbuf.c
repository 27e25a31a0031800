/* SPDX-License-Identifier: MIT */
/*
 * Shadow doorbells (Doorbell Buffer Config): two host pages, the shadow doorbells (PRP1)
 * and the controller's EventIdx values (PRP2), laid out like the doorbell registers. An
 * I/O queue writes its new tail/head to the shadow and writes the MMIO doorbell only when
 * the event-index rule says the controller is waiting (nvmu_sq_ring(), nvmu_cq_ring()).
 * The admin queue keeps its MMIO doorbells.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nvme_internal.h"

static size_t dbbuf_bytes(const struct nvmu_ctrl *ctrl)
{
	return ((size_t)ctrl->io_queues + 1) * 2 * (4u << ctrl->dstrd);
}

void dbbuf_release(struct nvmu_ctrl *ctrl)
{
	ctrl->t->ops->dma_free(ctrl->t, &ctrl->dbbuf_shadow);
	ctrl->t->ops->dma_free(ctrl->t, &ctrl->dbbuf_eventidx);
}

void dbbuf_setup(struct nvmu_ctrl *ctrl, const struct nvmu_ctrl_opts *o)
{
	struct nvmu_transport *t = ctrl->t;
	struct nvmu_sqe cmd = { .opcode = nvme_admin_dbbuf };
	const char *reason;
	int ret;

	if (!(ctrl->id.oacs & NVME_CTRL_OACS_DBBUF_CFG))
		return;
	if (o->no_dbbuf) {
		snprintf(ctrl->dbbuf_note, sizeof(ctrl->dbbuf_note),
			 "shadow doorbells turned off by the options (no_dbbuf)");
		return;
	}
	if ((ctrl_quirks(ctrl, &reason) & CTRL_QUIRK_DBBUF_NO_GAIN) && !o->force_dbbuf) {
		snprintf(ctrl->dbbuf_note, sizeof(ctrl->dbbuf_note), "%s", reason);
		nvmu_log(NVMU_LOG_INFO, "%s: %s", t->name, reason);
		return;
	}
	ret = t->ops->dma_alloc(t, dbbuf_bytes(ctrl), &ctrl->dbbuf_shadow);
	if (ret == 0)
		ret = t->ops->dma_alloc(t, dbbuf_bytes(ctrl), &ctrl->dbbuf_eventidx);
	if (ret == 0) {
		cmd.prp1 = ctrl->dbbuf_shadow.iova;
		cmd.prp2 = ctrl->dbbuf_eventidx.iova;
		ret = nvmu_admin_cmd(ctrl, &cmd, 0, 0, 0, NULL);
	}
	if (ret < 0) {
		snprintf(ctrl->dbbuf_note, sizeof(ctrl->dbbuf_note),
			 "shadow doorbells not used: Doorbell Buffer Config failed (%s)",
			 nvmu_last_error());
		nvmu_log(NVMU_LOG_WARN, "%s: %s; doorbells stay MMIO", t->name, ctrl->dbbuf_note);
		dbbuf_release(ctrl);
	}
}

void dbbuf_restore(struct nvmu_ctrl *ctrl)
{
	struct nvmu_sqe cmd = { .opcode = nvme_admin_dbbuf };

	if (!ctrl->dbbuf_shadow.vaddr)
		return;
	memset(ctrl->dbbuf_shadow.vaddr, 0, dbbuf_bytes(ctrl));
	memset(ctrl->dbbuf_eventidx.vaddr, 0, dbbuf_bytes(ctrl));
	cmd.prp1 = ctrl->dbbuf_shadow.iova;
	cmd.prp2 = ctrl->dbbuf_eventidx.iova;
	if (admin_cmd_locked(ctrl, &cmd, 0, 0, 0, NULL) == 0)
		return;
	snprintf(ctrl->dbbuf_note, sizeof(ctrl->dbbuf_note),
		 "shadow doorbells not restored after a reset (%s)", nvmu_last_error());
	nvmu_log(NVMU_LOG_WARN, "%s: %s; doorbells go back to MMIO", ctrl->t->name,
		 ctrl->dbbuf_note);
	for (struct nvmu_qpair *qp = ctrl->qpairs; qp; qp = qp->next) {
		qp->sq.shadow = qp->sq.eventidx = NULL;
		qp->cq.shadow = qp->cq.eventidx = NULL;
	}
	dbbuf_release(ctrl);
}

static volatile uint32_t *slot(const struct nvmu_dma_buf *b, const struct nvmu_ctrl *ctrl,
			       uint16_t qid, bool cq)
{
	return nvmu_doorbell((volatile uint8_t *)b->vaddr, qid, cq, ctrl->dstrd);
}

void dbbuf_attach(struct nvmu_qpair *qp)
{
	struct nvmu_ctrl *ctrl = qp->ctrl;

	if (!ctrl->dbbuf_shadow.vaddr)
		return;
	/* A queue ID used before may hold old values: a new queue starts at 0. */
	qp->sq.shadow = slot(&ctrl->dbbuf_shadow, ctrl, qp->qid, false);
	qp->sq.eventidx = slot(&ctrl->dbbuf_eventidx, ctrl, qp->qid, false);
	qp->cq.shadow = slot(&ctrl->dbbuf_shadow, ctrl, qp->qid, true);
	qp->cq.eventidx = slot(&ctrl->dbbuf_eventidx, ctrl, qp->qid, true);
	*qp->sq.shadow = 0;
	*qp->sq.eventidx = 0;
	*qp->cq.shadow = 0;
	*qp->cq.eventidx = 0;
}

bool nvmu_ctrl_dbbuf_enabled(const struct nvmu_ctrl *ctrl)
{
	return ctrl->dbbuf_shadow.vaddr != NULL;
}

const char *nvmu_ctrl_dbbuf_note(const struct nvmu_ctrl *ctrl)
{
	return ctrl->dbbuf_note;
}
