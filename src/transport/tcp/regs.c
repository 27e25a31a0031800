/* SPDX-License-Identifier: MIT */
/*
 * Controller registers over fabrics: CAP, VS, CC and CSTS are Property Get/Set commands
 * on the admin connection; AQA, ASQ and ACQ stay here (they name the core's admin rings,
 * which the transport reads and writes itself).
 *
 * CC.EN 0 -> 1 sets up a new association when there is none (after a reset), retrying
 * every reconnect-delay until ctrl-loss-tmo; CC.EN 1 -> 0 closes every connection, which
 * is how a fabrics controller is reset (the target drops the old controller). A failed
 * connection makes CSTS read CFS, so the core resets; past ctrl-loss-tmo CSTS reads
 * all-ones, so the core sees the device as removed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tcp.h"

#define ALL_ONES 0xffffffffu
#define ADMIN_DEPTH 32u /* nvmet's admin queue; Linux asks for 32 too */
#define CAP_MPS_FIELDS (0xffull << 48)
#define CAP_NSSRS (1ull << 36)
#define CAP_DSTRD_FIELD (0xfull << 32)

static struct tcp_conn *admin(struct tcp_ctrl *tc)
{
	return tc->q[0].conn;
}

/* Send Property Get or Set @cmd on the admin connection; an error status is a failure. */
static int prop_cmd(struct tcp_ctrl *tc, struct nvmu_sqe *cmd, struct nvmu_cqe *cpl)
{
	bool set = cmd->nsid == TCP_FCTYPE_PROP_SET;
	int ret;

	if (!admin(tc))
		return nvmu_fail(ENOTCONN, "%s: not connected", tc->name);
	ret = tcp_conn_sync(tc, admin(tc), cmd, NULL, 0, tc->o.connect_timeout_ms, cpl);
	if (ret == 0 && cpl->status >> 1)
		ret = nvmu_fail(EREMOTEIO, "%s: Property %s of register %#x failed (status %#x)",
				tc->name, set ? "Set" : "Get", cmd->cdw11, cpl->status >> 1);
	return ret;
}

static int prop_get(struct tcp_ctrl *tc, uint32_t off, bool wide, uint64_t *val)
{
	struct nvmu_sqe cmd = { .opcode = TCP_FABRICS_OPCODE, .nsid = TCP_FCTYPE_PROP_GET,
				.cdw10 = wide ? 1 : 0, .cdw11 = off };
	struct nvmu_cqe cpl;
	int ret = prop_cmd(tc, &cmd, &cpl);

	if (ret == 0)
		*val = cpl.dw0 | (uint64_t)cpl.dw1 << 32;
	return ret;
}

static int prop_set(struct tcp_ctrl *tc, uint32_t off, uint32_t val)
{
	struct nvmu_sqe cmd = { .opcode = TCP_FABRICS_OPCODE, .nsid = TCP_FCTYPE_PROP_SET,
				.cdw11 = off, .cdw12 = val };
	struct nvmu_cqe cpl;

	return prop_cmd(tc, &cmd, &cpl);
}

void tcp_mark_lost(struct tcp_ctrl *tc, const char *why)
{
	if (tc->lost)
		return;
	snprintf(tc->lost_why, sizeof(tc->lost_why), "%s", why);
	tc->lost_at_ns = nvmu_now_ns();
	tc->lost = true;
	nvmu_log(NVMU_LOG_WARN, "%s: connection lost (%s): the controller resets and "
		 "reconnects", tc->name, why);
}

/* CAP as the core should see it: 4 KiB pages only (the data walk assumes them), queues
 * no larger than queue-size, no subsystem reset, doorbells 4 bytes apart. */
static uint64_t core_cap(const struct tcp_ctrl *tc, uint64_t cap)
{
	uint64_t mqes = cap & 0xffffu;

	if (mqes > tc->o.queue_size - 1u)
		mqes = tc->o.queue_size - 1u;
	return (cap & ~(CAP_MPS_FIELDS | CAP_NSSRS | CAP_DSTRD_FIELD | 0xffffull)) | mqes;
}

static int associate_once(struct tcp_ctrl *tc)
{
	struct tcp_conn *c = NULL;
	uint64_t cap = 0, vs = 0;
	int ret = tcp_conn_open(tc, 0, ADMIN_DEPTH, &c);

	if (ret < 0)
		return ret;
	tc->q[0].conn = c;
	ret = prop_get(tc, NVME_REG_CAP, true, &cap);
	if (ret == 0)
		ret = prop_get(tc, NVME_REG_VS, false, &vs);
	if (ret < 0) {
		tc->q[0].conn = NULL;
		tcp_conn_close(c);
		return ret;
	}
	tc->cap = core_cap(tc, cap);
	tc->vs = (uint32_t)vs;
	tc->lost = false;
	tc->csts_valid = false;
	return 0;
}

int tcp_associate(struct tcp_ctrl *tc, bool retry)
{
	uint64_t start = tc->lost_at_ns ? tc->lost_at_ns : nvmu_now_ns();
	uint64_t limit = (uint64_t)tc->o.ctrl_loss_tmo_ms * 1000000u;

	for (unsigned attempt = 1;; attempt++) {
		uint64_t spent;
		int ret = associate_once(tc);

		if (ret == 0) {
			if (attempt > 1)
				nvmu_log(NVMU_LOG_INFO, "%s: reconnected after %u attempts", tc->name,
					 attempt);
			tc->lost_at_ns = 0;
			return 0;
		}
		spent = nvmu_now_ns() - start;
		if (!retry)
			return ret;
		if (spent >= limit) {
			tc->gone = true;
			return nvmu_fail(ENODEV, "%s: no connection within ctrl-loss-tmo (%u ms): %s",
					 tc->name, tc->o.ctrl_loss_tmo_ms, nvmu_last_error());
		}
		nvmu_log(NVMU_LOG_INFO, "%s: reconnect attempt %u failed (%s); next in %u ms",
			 tc->name, attempt, nvmu_last_error(), tc->o.reconnect_delay_ms);
		spent = limit - spent;
		nvmu_sleep_us(spent < (uint64_t)tc->o.reconnect_delay_ms * 1000000u
				      ? spent / 1000u
				      : (uint64_t)tc->o.reconnect_delay_ms * 1000u);
	}
}

/* The admin rings from AQA/ASQ/ACQ, as a controller takes them at enable. */
static void admin_rings(struct tcp_ctrl *tc)
{
	struct tcp_queue *q = &tc->q[0];

	q->sq = (uint8_t *)(uintptr_t)tc->asq;
	q->cq = (uint8_t *)(uintptr_t)tc->acq;
	q->sq_size = (uint16_t)(NVME_AQA_ASQS(tc->aqa) + 1);
	q->cq_size = (uint16_t)(NVME_AQA_ACQS(tc->aqa) + 1);
	q->sq_head = q->cq_tail = 0;
	q->cq_phase = 1;
	q->sq_live = q->cq_live = tc->asq && tc->acq && q->sq_size > 1 && q->cq_size > 1;
}

static void enable(struct tcp_ctrl *tc, uint32_t cc)
{
	int ret = 0;

	if (!admin(tc) || admin(tc)->dead) {
		tcp_queues_disconnect(tc);
		ret = tcp_associate(tc, true);
	}
	if (ret == 0)
		ret = prop_set(tc, NVME_REG_CC, cc);
	if (ret < 0) {
		if (!tc->gone)
			tcp_mark_lost(tc, nvmu_last_error());
		return;
	}
	admin_rings(tc);
	tc->associated = true;
}

static void write_cc(struct tcp_ctrl *tc, uint32_t cc)
{
	bool en = cc & 1, was = tc->cc & 1;

	tc->cc = cc;
	tc->csts_valid = false;
	if (en && !was) {
		enable(tc, cc);
	} else if (!en && was) {
		/* A reset: the target forgets the controller when its connections close. */
		tcp_queues_disconnect(tc);
		tc->lost = false;
	} else if (tc->associated && prop_set(tc, NVME_REG_CC, cc) < 0) {
		tcp_mark_lost(tc, nvmu_last_error());
	}
}

static uint32_t read_csts(struct tcp_ctrl *tc)
{
	uint64_t v;
	uint32_t cc = tc->cc;

	if (tc->gone)
		return ALL_ONES;
	if (tc->lost)
		return NVME_SET(1u, CSTS_RDY) | NVME_SET(1u, CSTS_CFS);
	if (!tc->associated)
		return 0;
	if (tc->csts_valid)
		return tc->csts_cache;
	if (prop_get(tc, NVME_REG_CSTS, false, &v) < 0) {
		tcp_mark_lost(tc, nvmu_last_error());
		return NVME_SET(1u, CSTS_RDY) | NVME_SET(1u, CSTS_CFS);
	}
	tc->csts_cache = (uint32_t)v;
	/* Over fabrics CSTS changes only after a CC write (or with the association, which
	 * the transport watches itself), so a settled value is kept. */
	tc->csts_valid = NVME_CSTS_RDY(v) == (cc & 1) && !NVME_CSTS_CFS(v) &&
			 (NVME_GET(cc, CC_SHN) == 0 ||
			  NVME_GET((uint32_t)v, CSTS_SHST) == NVME_CSTS_SHST_CMPLT);
	return (uint32_t)v;
}

uint32_t tcp_reg_read32(struct tcp_ctrl *tc, uint32_t off)
{
	if (tc->gone)
		return ALL_ONES;
	switch (off) {
	case NVME_REG_CAP: return (uint32_t)tc->cap;
	case NVME_REG_CAP + 4: return (uint32_t)(tc->cap >> 32);
	case NVME_REG_VS: return tc->vs;
	case NVME_REG_CC: return tc->cc;
	case NVME_REG_CSTS: return read_csts(tc);
	case NVME_REG_AQA: return tc->aqa;
	case NVME_REG_ASQ: return (uint32_t)tc->asq;
	case NVME_REG_ASQ + 4: return (uint32_t)(tc->asq >> 32);
	case NVME_REG_ACQ: return (uint32_t)tc->acq;
	case NVME_REG_ACQ + 4: return (uint32_t)(tc->acq >> 32);
	default: return 0;
	}
}

uint64_t tcp_reg_read64(struct tcp_ctrl *tc, uint32_t off)
{
	return tcp_reg_read32(tc, off) | (uint64_t)tcp_reg_read32(tc, off + 4) << 32;
}

static void set_half(uint64_t *v, uint32_t off, uint32_t base, uint32_t val)
{
	if (off == base)
		*v = (*v & ~0xffffffffull) | val;
	else
		*v = (*v & 0xffffffffull) | (uint64_t)val << 32;
}

void tcp_reg_write32(struct tcp_ctrl *tc, uint32_t off, uint32_t val)
{
	if (tc->gone)
		return;
	switch (off) {
	case NVME_REG_CC: write_cc(tc, val); break;
	case NVME_REG_AQA: tc->aqa = val; break;
	case NVME_REG_ASQ:
	case NVME_REG_ASQ + 4: set_half(&tc->asq, off, NVME_REG_ASQ, val); break;
	case NVME_REG_ACQ:
	case NVME_REG_ACQ + 4: set_half(&tc->acq, off, NVME_REG_ACQ, val); break;
	default: break; /* nothing else is writable over fabrics */
	}
}
