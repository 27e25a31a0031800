/* SPDX-License-Identifier: MIT */
/*
 * Admin commands of secondaries, run by the primary on the one admin queue. Queue
 * commands are rewritten from the secondary's queue IDs to the real ones and checked
 * (its own queues, memory inside its window, polled CQs); other commands get no data
 * pointer of the secondary's: their data is copied between its window and a buffer of
 * the primary, so the device never reads a pointer a secondary wrote.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "shared.h"

#define QID_MASK 0xffffu
#define PSDT_MASK 0xc0u          /* CDW0 bits 7:6: PRP or SGL */
#define DIR_TO_DEVICE 0x1u       /* opcode bits 1:0, data transfer direction */
#define DIR_FROM_DEVICE 0x2u

/* True if [iova, iova+len) lies in @c's window. */
static bool in_window(const struct share_client *c, uint64_t iova, uint64_t len)
{
	return iova >= c->win_iova && len <= c->win_len && iova - c->win_iova <= c->win_len - len;
}

/* The real queue ID of @c's queue @vqid, or 0 when it has none. */
static uint16_t real_qid(struct share_primary *p, const struct share_client *c, uint32_t vqid)
{
	return vqid >= 1 && vqid <= nvmu_ctrl_io_queues(p->ctrl) ? c->rqid[vqid] : 0;
}

/* Rewrite Create I/O CQ/SQ; 0 or a negative errno with a message. */
static int check_create(struct share_primary *p, const struct share_client *c,
			struct nvmu_sqe *cmd)
{
	bool sq = cmd->opcode == nvme_admin_create_sq;
	uint32_t vqid = cmd->cdw10 & QID_MASK, entries = (cmd->cdw10 >> 16) + 1;
	uint16_t r = real_qid(p, c, vqid);

	if (!r)
		return nvmu_fail(EINVAL, "queue %u was not given to this process", vqid);
	if (!(cmd->cdw11 & 1u))
		return nvmu_fail(EINVAL, "queues of a shared controller must be contiguous (PC)");
	if (!in_window(c, cmd->prp1, (uint64_t)entries * (sq ? 64u : 16u)))
		return nvmu_fail(EFAULT, "queue %u's memory is outside the process's DMA window",
				 vqid);
	cmd->prp2 = 0;
	cmd->cdw10 = (cmd->cdw10 & ~QID_MASK) | r;
	if (sq) {
		uint32_t vcq = cmd->cdw11 >> 16;
		uint16_t rcq = real_qid(p, c, vcq);

		if (!rcq || !c->cq_live[vcq])
			return nvmu_fail(EINVAL, "SQ %u names CQ %u, which this process has not "
					 "created", vqid, vcq);
		cmd->cdw11 = (cmd->cdw11 & QID_MASK) | (uint32_t)rcq << 16;
	} else {
		cmd->cdw11 &= 1u; /* polled: no interrupt enable, no vector */
	}
	return 0;
}

/* Rewrite Delete I/O CQ/SQ and Abort, which name one of the process's queues. */
static int check_qid_field(struct share_primary *p, const struct share_client *c,
			   struct nvmu_sqe *cmd)
{
	uint32_t vqid = cmd->cdw10 & QID_MASK;
	uint16_t r = real_qid(p, c, vqid);

	if (!r)
		return nvmu_fail(EINVAL, "queue %u was not given to this process", vqid);
	cmd->cdw10 = (cmd->cdw10 & ~QID_MASK) | r;
	return 0;
}

/* Remember which of @c's queues exist on the device after a successful @opcode. */
static void track(struct share_client *c, uint8_t opcode, uint32_t vqid)
{
	switch (opcode) {
	case nvme_admin_create_sq: c->sq_live[vqid] = true; break;
	case nvme_admin_create_cq: c->cq_live[vqid] = true; break;
	case nvme_admin_delete_sq: c->sq_live[vqid] = false; break;
	case nvme_admin_delete_cq: c->cq_live[vqid] = false; break;
	default: break;
	}
}

/* Number of Queues: the secondary numbers its queues 1..N, N the primary's grant. */
static void num_queues(struct share_primary *p, struct share_rep *rp)
{
	uint32_t n = nvmu_ctrl_io_queues(p->ctrl) - 1u;

	rp->cpl.dw0 = n | n << 16;
}

/* Run a command with data through a buffer of ours, copied from and to the window. */
static int run_bounced(struct share_primary *p, struct share_client *c,
		       const struct share_req *rq, struct nvmu_sqe *cmd, struct share_rep *rp)
{
	struct nvmu_dma_buf buf = { 0 };
	uint8_t *data = c->win + (rq->iova - c->win_iova);
	int ret;

	if (!in_window(c, rq->iova, rq->len))
		return nvmu_fail(EFAULT, "admin data at %#llx (+%llu) is outside the process's "
				 "DMA window", (unsigned long long)rq->iova,
				 (unsigned long long)rq->len);
	ret = nvmu_ctrl_dma_alloc(p->ctrl, (size_t)rq->len, &buf);
	if (ret < 0)
		return ret;
	if (cmd->opcode & DIR_TO_DEVICE)
		memcpy(buf.vaddr, data, (size_t)rq->len);
	ret = nvmu_admin_cmd(p->ctrl, cmd, buf.iova, (size_t)rq->len, rq->timeout_ms, &rp->cpl);
	if (ret == -ETIMEDOUT)
		return ret; /* the device may still write the buffer: keep it */
	if ((cmd->opcode & DIR_FROM_DEVICE) && (ret == 0 || ret == -EREMOTEIO)) {
		/* Secondaries ring MMIO doorbells: they must not see Doorbell Buffer Config. */
		if (cmd->opcode == nvme_admin_identify && (cmd->cdw10 & 0xffu) ==
		    NVME_IDENTIFY_CNS_CTRL && rq->len >= sizeof(struct nvme_id_ctrl))
			((struct nvme_id_ctrl *)buf.vaddr)->oacs &= ~NVME_CTRL_OACS_DBBUF_CFG;
		memcpy(data, buf.vaddr, (size_t)rq->len);
	}
	nvmu_ctrl_dma_free(p->ctrl, &buf);
	return ret;
}

/* Rewrite or refuse @cmd; 1 when it was answered here. */
static int prepare(struct share_primary *p, const struct share_client *c,
		   struct nvmu_sqe *cmd, struct share_rep *rp)
{
	switch (cmd->opcode) {
	case nvme_admin_create_sq:
	case nvme_admin_create_cq:
		return check_create(p, c, cmd);
	case nvme_admin_delete_sq:
	case nvme_admin_delete_cq:
	case nvme_admin_abort_cmd:
		return check_qid_field(p, c, cmd);
	case nvme_admin_dbbuf:
		return nvmu_fail(ENOTSUP, "Doorbell Buffer Config belongs to the process that owns "
				 "the controller");
	case nvme_admin_async_event:
		return nvmu_fail(ENOTSUP, "asynchronous event requests are not forwarded");
	case nvme_admin_set_features:
		if ((cmd->cdw10 & 0xffu) == NVME_FEAT_FID_NUM_QUEUES) {
			num_queues(p, rp);
			return 1;
		}
		return 0;
	default:
		return 0;
	}
}

void share_admin(struct share_primary *p, struct share_client *c, const struct share_req *rq,
		 struct share_rep *rp)
{
	struct nvmu_sqe cmd = rq->sqe;
	int ret;

	/* Data pointers come from the primary only. */
	cmd.flags &= (uint8_t)~PSDT_MASK;
	cmd.mptr = 0;
	cmd.prp1 = cmd.opcode == nvme_admin_create_sq || cmd.opcode == nvme_admin_create_cq
			   ? cmd.prp1 : 0;
	cmd.prp2 = 0;
	ret = prepare(p, c, &cmd, rp);
	if (ret == 0)
		ret = rq->len ? run_bounced(p, c, rq, &cmd, rp)
			      : nvmu_admin_cmd(p->ctrl, &cmd, 0, 0, rq->timeout_ms, &rp->cpl);
	if (ret == 0)
		track(c, cmd.opcode, rq->sqe.cdw10 & QID_MASK);
	if (ret < 0) {
		rp->err = ret;
		snprintf(rp->text, sizeof(rp->text), "%s", nvmu_last_error());
	}
}

/* Delete @c's queues that exist on the device, every SQ before any CQ (an SQ may use
 * another of its CQs), each command waiting at most @timeout_ms (0: the admin default).
 * A queue whose deletion failed is forgotten too: the reset that follows, or the removal
 * that made it fail, takes it from the device. */
static void delete_live(struct share_primary *p, struct share_client *c, uint32_t timeout_ms)
{
	uint16_t n = nvmu_ctrl_io_queues(p->ctrl);

	for (int cq = 0; cq < 2; cq++) {
		for (uint32_t v = 1; v <= n; v++) {
			bool *live = cq ? &c->cq_live[v] : &c->sq_live[v];
			struct nvmu_sqe cmd = {
				.opcode = cq ? nvme_admin_delete_cq : nvme_admin_delete_sq,
				.cdw10 = c->rqid[v],
			};

			if (*live && nvmu_admin_cmd(p->ctrl, &cmd, 0, 0, timeout_ms, NULL) < 0)
				nvmu_log(NVMU_LOG_WARN, "%s: deleting %cQ %u of process %d: %s",
					 p->t->name, cq ? 'C' : 'S', c->rqid[v], (int)c->pid,
					 nvmu_last_error());
			*live = false;
		}
	}
}

/* True if the controller takes admin commands now: live (the core refuses them once it
 * needs a reset, failed or was removed; a reset under way removes every queue anyway),
 * ready and not fatal. */
static bool device_answers(struct share_primary *p)
{
	uint32_t csts;

	if (nvmu_ctrl_state(p->ctrl) != NVMU_CTRL_LIVE)
		return false;
	csts = nvmu_ctrl_csts(p->ctrl);
	return csts != 0xffffffffu && !NVME_CSTS_CFS(csts) && NVME_CSTS_RDY(csts);
}

void share_client_queues_stop(struct share_primary *p, struct share_client *c)
{
	/* A controller that takes no command now is left to the reset, which disables it. */
	if (c->rqid && device_answers(p))
		delete_live(p, c, SHARE_STOP_DELETE_MS);
}

void share_client_queues_release(struct share_primary *p, struct share_client *c)
{
	uint16_t n = nvmu_ctrl_io_queues(p->ctrl);

	if (!c->rqid)
		return;
	if (nvmu_ctrl_state(p->ctrl) != NVMU_CTRL_REMOVED) /* else nothing to ask */
		delete_live(p, c, 0);
	for (uint32_t v = 1; v <= n; v++) {
		if (c->rqid[v])
			nvmu_ctrl_qid_release(p->ctrl, c->rqid[v]);
		c->sq_live[v] = c->cq_live[v] = false;
		c->rqid[v] = 0;
	}
}
