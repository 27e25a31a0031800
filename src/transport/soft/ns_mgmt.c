/* SPDX-License-Identifier: MIT */
/*
 * Namespace Management (admin 0Dh: create, delete), Namespace Attachment (15h: attach,
 * detach; the controller is the only one of its subsystem, controller ID 1), and the
 * Changed Namespace List log (04h) they fill. A created namespace lives in RAM, which
 * the kernel gives as blocks are written, also when the controller started with file=.
 * Each change raises a Namespace Attribute Changed notice.
 */
#include <string.h>

#include "soft.h"

#define NSID_ALL 0xffffffffu
#define SEL_MASK 0xfu
#define CSI_SHIFT 24
#define FLBAS_FORMAT_MASK 0xfu
#define CTRL_ID 1
#define NS_DATA_BYTES 4096
#define RAE (1u << 15)

static void changed(struct soft_ctrl *c, uint32_t nsid)
{
	for (uint32_t i = 0; i < c->nchanged; i++)
		if (c->changed[i] == nsid)
			return;
	if (c->nchanged == NVME_ID_NS_LIST_MAX)
		c->changed_overflow = true;
	else
		c->changed[c->nchanged++] = nsid;
	/* A full event queue drops the notice; the log page still has the change. */
	soft_event_queue(c, NVME_AER_NOTICE | (uint32_t)NVME_AER_NOTICE_NS_CHANGED << 8 |
				    (uint32_t)NVME_LOG_LID_CHANGED_NS << 16);
}

size_t soft_changed_ns_log(struct soft_ctrl *c, bool rae, uint8_t *buf)
{
	struct nvme_ns_list *l = (struct nvme_ns_list *)buf;

	if (c->changed_overflow)
		l->ns[0] = NSID_ALL;
	else
		memcpy(l->ns, c->changed, c->nchanged * sizeof(c->changed[0]));
	if (!rae) {
		c->nchanged = 0;
		c->changed_overflow = false;
	}
	return sizeof(*l);
}

static uint16_t create(struct soft_ctrl *c, struct soft_cmd *cmd)
{
	_Alignas(8) uint8_t data[NS_DATA_BYTES];
	const struct nvme_id_ns *id = (const struct nvme_id_ns *)data;
	struct soft_ns *ns = NULL;
	uint8_t lbaf;
	uint32_t shift;
	void *mem;
	uint16_t st = soft_data_in(c, cmd, data, sizeof(data));

	if (st)
		return st;
	lbaf = id->flbas & FLBAS_FORMAT_MASK;
	if (lbaf >= SOFT_NLBAF)
		return SOFT_SPECIFIC(NVME_SC_INVALID_FORMAT);
	if (cmd->sqe.cdw11 >> CSI_SHIFT != NVME_CSI_NVM || id->nsze == 0 || id->ncap > id->nsze ||
	    id->dps || id->nmic)
		return SOFT_GENERIC(NVME_SC_INVALID_FIELD);
	shift = lbaf == SOFT_LBAF_4096 ? 12 : 9;
	if (id->nsze > (UINT64_MAX >> shift))
		return SOFT_SPECIFIC(NVME_SC_NS_INSUFFICIENT_CAP);
	for (uint32_t i = 0; i < c->nn && !ns; i++)
		if (!c->ns[i].allocated)
			ns = &c->ns[i];
	if (!ns)
		return SOFT_SPECIFIC(NVME_SC_NS_ID_UNAVAILABLE);
	if (soft_ns_map_ram(id->nsze << shift, &mem) < 0)
		return SOFT_SPECIFIC(NVME_SC_NS_INSUFFICIENT_CAP);
	*ns = (struct soft_ns){ .data = mem, .bytes = id->nsze << shift, .lbaf = lbaf,
				.allocated = true };
	cmd->dw0 = (uint32_t)(ns - c->ns) + 1;
	return 0;
}

static void delete_one(struct soft_ctrl *c, struct soft_ns *ns)
{
	if (ns->attached)
		changed(c, (uint32_t)(ns - c->ns) + 1);
	soft_ns_storage_free(ns);
	memset(ns, 0, sizeof(*ns));
}

uint16_t soft_ns_mgmt(struct soft_ctrl *c, struct soft_cmd *cmd)
{
	uint32_t sel = cmd->sqe.cdw10 & SEL_MASK, nsid = cmd->sqe.nsid;
	struct soft_ns *ns;

	if (sel == NVME_NS_MGMT_SEL_CREATE)
		return create(c, cmd);
	if (sel != NVME_NS_MGMT_SEL_DELETE)
		return SOFT_GENERIC(NVME_SC_INVALID_FIELD);
	if (nsid == NSID_ALL) {
		for (uint32_t i = 0; i < c->nn; i++)
			if (c->ns[i].allocated)
				delete_one(c, &c->ns[i]);
		return 0;
	}
	ns = soft_ns_allocated(c, nsid);
	if (!ns)
		return SOFT_GENERIC(NVME_SC_INVALID_NS);
	delete_one(c, ns);
	return 0;
}

uint16_t soft_ns_attach(struct soft_ctrl *c, struct soft_cmd *cmd)
{
	_Alignas(8) struct nvme_ctrl_list list;
	uint32_t sel = cmd->sqe.cdw10 & SEL_MASK, nsid = cmd->sqe.nsid;
	struct soft_ns *ns = soft_ns_allocated(c, nsid);
	bool attach = sel == NVME_NS_ATTACH_SEL_CTRL_ATTACH;
	uint16_t st;

	if (sel != NVME_NS_ATTACH_SEL_CTRL_ATTACH && sel != NVME_NS_ATTACH_SEL_CTRL_DEATTACH)
		return SOFT_GENERIC(NVME_SC_INVALID_FIELD);
	if (!ns)
		return SOFT_GENERIC(nsid == NSID_ALL ? NVME_SC_INVALID_FIELD : NVME_SC_INVALID_NS);
	if ((st = soft_data_in(c, cmd, &list, sizeof(list))) != 0)
		return st;
	if (list.num == 0 || list.num > NVME_ID_CTRL_LIST_MAX)
		return SOFT_SPECIFIC(NVME_SC_CTRL_LIST_INVALID);
	for (unsigned i = 0; i < list.num; i++)
		if (list.identifier[i] != CTRL_ID)
			return SOFT_SPECIFIC(NVME_SC_CTRL_LIST_INVALID);
	if (attach && ns->attached)
		return SOFT_SPECIFIC(NVME_SC_NS_ALREADY_ATTACHED);
	if (!attach && !ns->attached)
		return SOFT_SPECIFIC(NVME_SC_NS_NOT_ATTACHED);
	ns->attached = attach;
	changed(c, nsid);
	return 0;
}
