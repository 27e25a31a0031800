/* SPDX-License-Identifier: MIT */
/*
 * The admin commands of NVMe virtualization: Identify CNS 14h (primary controller
 * capabilities) and 15h (secondary controller list), and Virtualization Management, with
 * error messages that spell out what the controller refused.
 */
#include <errno.h>
#include <string.h>

#include "nvmu/sriov.h"

/* Identify with @p cns and the controller ID field of CDW10 into @p out (4 KiB). */
static int identify_cntid(struct nvmu_ctrl *ctrl, uint8_t cns, uint16_t cntid, void *out)
{
	struct nvmu_sqe cmd = { .opcode = nvme_admin_identify,
				.cdw10 = cns | (uint32_t)cntid << 16 };
	struct nvmu_dma_buf buf;
	int ret = nvmu_ctrl_dma_alloc(ctrl, NVME_IDENTIFY_DATA_SIZE, &buf);

	if (ret < 0)
		return ret;
	ret = nvmu_admin_cmd(ctrl, &cmd, buf.iova, NVME_IDENTIFY_DATA_SIZE, 0, NULL);
	/* After a timeout the device may still write the page: leave it allocated. */
	if (ret == -ETIMEDOUT)
		return ret;
	if (ret == 0)
		memcpy(out, buf.vaddr, NVME_IDENTIFY_DATA_SIZE);
	nvmu_ctrl_dma_free(ctrl, &buf);
	return ret;
}

int nvmu_sriov_primary_caps(struct nvmu_ctrl *ctrl, uint16_t cntlid,
			    struct nvme_primary_ctrl_cap *out)
{
	int ret = identify_cntid(ctrl, NVME_IDENTIFY_CNS_PRIMARY_CTRL_CAP, cntlid, out);

	if (ret < 0)
		return nvmu_fail_context(-ret, "Identify Primary Controller Capabilities");
	return 0;
}

int nvmu_sriov_secondary_list(struct nvmu_ctrl *ctrl, uint16_t first_scid,
			      struct nvme_secondary_ctrl_list *out)
{
	int ret = identify_cntid(ctrl, NVME_IDENTIFY_CNS_SECONDARY_CTRL_LIST, first_scid, out);

	if (ret < 0)
		return nvmu_fail_context(-ret, "Identify Secondary Controller List");
	if (out->num > NVME_ID_SECONDARY_CTRL_MAX)
		return nvmu_fail(EPROTO, "Identify Secondary Controller List reports %u entries; "
				 "a list holds at most %d", out->num, NVME_ID_SECONDARY_CTRL_MAX);
	return 0;
}

static const char *action_name(unsigned act)
{
	switch (act) {
	case NVME_VIRT_MGMT_ACT_PRIM_CTRL_FLEX_ALLOC: return "primary flexible allocation";
	case NVME_VIRT_MGMT_ACT_OFFLINE_SEC_CTRL: return "secondary offline";
	case NVME_VIRT_MGMT_ACT_ASSIGN_SEC_CTRL: return "secondary assign";
	case NVME_VIRT_MGMT_ACT_ONLINE_SEC_CTRL: return "secondary online";
	default: return "unknown action";
	}
}

/* What a command-specific status of Virtualization Management means, or NULL. */
static const char *refusal(uint16_t status)
{
	if (nvmu_status_sct(status) != NVME_SCT_CMD_SPECIFIC)
		return NULL;
	switch (nvmu_status_sc(status)) {
	case NVME_SC_INVALID_CTRL_ID: return "no such controller";
	case NVME_SC_INVALID_SEC_CTRL_STATE:
		return "the secondary is in the wrong state (assign needs it offline; online "
		       "needs resources assigned and its VF enabled)";
	case NVME_SC_INVALID_CTRL_RESOURCES:
		return "invalid number of resources (more than the per-secondary maximum or "
		       "than are free, or too few to bring it online)";
	case NVME_SC_INVALID_RESOURCE_ID: return "invalid resource type";
	default: return NULL;
	}
}

int nvmu_sriov_virt_mgmt(struct nvmu_ctrl *ctrl, unsigned act, unsigned rt, uint16_t cntlid,
			 uint16_t nr, uint32_t *changed)
{
	struct nvmu_sqe cmd = { .opcode = nvme_admin_virtual_mgmt,
				.cdw10 = (act & 0xf) | (rt & 0x7) << 8 | (uint32_t)cntlid << 16,
				.cdw11 = nr };
	struct nvmu_cpl cpl = { 0 };
	char text[NVMU_STATUS_TEXT_MAX];
	const char *why;
	int ret;

	if (act > 0xf || rt > 0x7)
		return nvmu_fail(EINVAL, "Virtualization Management: action %u or resource type %u "
				 "out of range (action 0-15, type 0-7)", act, rt);
	ret = nvmu_admin_cmd(ctrl, &cmd, 0, 0, 0, &cpl);
	if (ret == -EREMOTEIO && (why = refusal(cpl.status)))
		return nvmu_fail(EREMOTEIO, "Virtualization Management %s (action %u) of %s "
				 "resources, controller %u, %u resources: %s [%s]",
				 action_name(act), act, rt ? "VI" : "VQ", cntlid, nr, why,
				 nvmu_status_text(cpl.status, text, sizeof(text)));
	if (ret < 0)
		return nvmu_fail_context(-ret, "Virtualization Management %s (action %u) of "
					 "controller %u", action_name(act), act, cntlid);
	if (changed)
		*changed = cpl.dw0;
	return 0;
}
