/* SPDX-License-Identifier: MIT */
/* Admin commands on queues: Create/Delete I/O CQ and SQ, Doorbell Buffer Config. Bad
 * arguments get the status the specification names and count as a violation. */
#include "soft.h"

#define CDW11_PC (1u << 0)  /* physically contiguous */
#define CDW11_IEN (1u << 1) /* CQ: interrupts enabled */
#define IOSQES_64 6
#define IOCQES_16 4

static uint16_t refuse(struct soft_ctrl *c, const struct soft_cmd *cmd, uint16_t status,
		       const char *why)
{
	soft_violation(c, NVMU_SOFT_V_QUEUE_ARGS, "admin opcode %#x (CDW10 %#x CDW11 %#x PRP1 "
		       "%#llx): %s", cmd->sqe.opcode, cmd->sqe.cdw10, cmd->sqe.cdw11,
		       (unsigned long long)cmd->sqe.prp1, why);
	return status;
}

/* Checks shared by both creations; @granted is the feature's count of that queue type. */
static uint16_t check_create(struct soft_ctrl *c, const struct soft_cmd *cmd, bool live,
			     uint32_t granted, uint32_t entry_size, bool entry_size_ok)
{
	uint32_t qid = cmd->sqe.cdw10 & 0xffff, qsize = cmd->sqe.cdw10 >> 16;
	uint64_t base = cmd->sqe.prp1;

	if (qid == 0 || qid > granted || live)
		return refuse(c, cmd, SOFT_SPECIFIC(NVME_SC_QID_INVALID),
			      "queue ID is 0, beyond the queues granted, or in use");
	if (qsize == 0 || qsize > NVME_CAP_MQES(c->cap))
		return refuse(c, cmd, SOFT_SPECIFIC(NVME_SC_QUEUE_SIZE),
			      "queue size is 1 or above CAP.MQES + 1");
	if (!(cmd->sqe.cdw11 & CDW11_PC))
		return refuse(c, cmd, SOFT_GENERIC(NVME_SC_INVALID_FIELD),
			      "queue not physically contiguous (CAP.CQR is 1)");
	if (!entry_size_ok)
		return refuse(c, cmd, SOFT_GENERIC(NVME_SC_INVALID_FIELD),
			      "CC.IOSQES/IOCQES not 64/16-byte entries");
	if (base & (c->page_size - 1))
		return refuse(c, cmd, SOFT_GENERIC(NVME_SC_PRP_INVALID_OFFSET),
			      "queue base not aligned to the memory page size");
	if (!soft_dma_lookup(c, base, (uint64_t)(qsize + 1) * entry_size))
		return refuse(c, cmd, SOFT_GENERIC(NVME_SC_INVALID_FIELD),
			      "queue memory not mapped");
	return 0;
}

uint16_t soft_create_cq(struct soft_ctrl *c, struct soft_cmd *cmd)
{
	uint16_t qid = (uint16_t)cmd->sqe.cdw10, vector = (uint16_t)(cmd->sqe.cdw11 >> 16);
	bool ien = cmd->sqe.cdw11 & CDW11_IEN;
	uint16_t st = check_create(c, cmd, qid <= c->o.queues && c->cq[qid].live,
				   c->feat.ncq + 1u, sizeof(struct nvmu_cqe),
				   NVME_GET(c->cc, CC_IOCQES) == IOCQES_16);

	if (st)
		return st;
	if (ien && vector >= c->vectors)
		return refuse(c, cmd, SOFT_SPECIFIC(NVME_SC_INVALID_VECTOR),
			      "interrupt vector beyond the controller's");
	c->cq[qid] = (struct soft_cq){ .live = true, .base = cmd->sqe.prp1,
				       .size = (uint16_t)((cmd->sqe.cdw10 >> 16) + 1), .phase = 1,
				       .ien = ien, .vector = vector };
	soft_doorbell_clear(c, qid, true);
	c->stats.io_queues_live++;
	return 0;
}

uint16_t soft_create_sq(struct soft_ctrl *c, struct soft_cmd *cmd)
{
	uint16_t qid = (uint16_t)cmd->sqe.cdw10, cqid = (uint16_t)(cmd->sqe.cdw11 >> 16);
	uint16_t st = check_create(c, cmd, qid <= c->o.queues && c->sq[qid].live,
				   c->feat.nsq + 1u, sizeof(struct nvmu_sqe),
				   NVME_GET(c->cc, CC_IOSQES) == IOSQES_64);

	if (st)
		return st;
	if (cqid == 0 || cqid > c->o.queues || !c->cq[cqid].live)
		return refuse(c, cmd, SOFT_SPECIFIC(NVME_SC_CQ_INVALID),
			      "completion queue does not exist");
	c->sq[qid] = (struct soft_sq){ .live = true,
				       .base = cmd->sqe.prp1,
				       .size = (uint16_t)((cmd->sqe.cdw10 >> 16) + 1),
				       .cqid = cqid };
	soft_doorbell_clear(c, qid, false);
	c->stats.io_queues_live++;
	return 0;
}

uint16_t soft_delete_sq(struct soft_ctrl *c, struct soft_cmd *cmd)
{
	uint16_t qid = (uint16_t)cmd->sqe.cdw10;

	if (qid == 0 || qid > c->o.queues || !c->sq[qid].live)
		return refuse(c, cmd, SOFT_SPECIFIC(NVME_SC_QID_INVALID), "no such I/O SQ");
	soft_file_drain(c, true); /* its transfers in flight complete before it goes */
	soft_pending_abort_sq(c, qid, SOFT_STATUS(NVME_SCT_GENERIC, NVME_SC_ABORT_QUEUE));
	c->sq[qid].live = false;
	soft_doorbell_clear(c, qid, false);
	c->stats.io_queues_live--;
	return 0;
}

uint16_t soft_delete_cq(struct soft_ctrl *c, struct soft_cmd *cmd)
{
	uint16_t qid = (uint16_t)cmd->sqe.cdw10;

	if (qid == 0 || qid > c->o.queues || !c->cq[qid].live)
		return refuse(c, cmd, SOFT_SPECIFIC(NVME_SC_QID_INVALID), "no such I/O CQ");
	for (uint32_t q = 1; q <= c->o.queues; q++)
		if (c->sq[q].live && c->sq[q].cqid == qid)
			return refuse(c, cmd, SOFT_SPECIFIC(NVME_SC_INVALID_QUEUE),
				      "an I/O SQ still uses this CQ");
	c->cq[qid].live = false;
	soft_doorbell_clear(c, qid, true);
	c->stats.io_queues_live--;
	return 0;
}

uint16_t soft_dbbuf_config(struct soft_ctrl *c, struct soft_cmd *cmd)
{
	uint64_t shadow = cmd->sqe.prp1, ei = cmd->sqe.prp2;
	uint64_t bytes = ((uint64_t)c->o.queues + 1) * 2 * (4u << NVME_CAP_DSTRD(c->cap));

	if (!c->o.dbbuf)
		return SOFT_GENERIC(NVME_SC_INVALID_OPCODE);
	if (!shadow || !ei || (shadow & (c->page_size - 1)) || (ei & (c->page_size - 1)))
		return refuse(c, cmd, SOFT_GENERIC(NVME_SC_INVALID_FIELD),
			      "shadow doorbell or event index buffer zero or not page aligned");
	if (!soft_dma_lookup(c, shadow, bytes) || !soft_dma_lookup(c, ei, bytes))
		return refuse(c, cmd, SOFT_GENERIC(NVME_SC_INVALID_FIELD),
			      "shadow doorbell or event index buffer not mapped");
	c->dbbuf_shadow = shadow;
	c->dbbuf_eventidx = ei;
	return 0;
}
