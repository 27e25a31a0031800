/* SPDX-License-Identifier: MIT */
/* Identify: controller, namespace, active namespace list, namespace descriptors. */
#include <stdio.h>
#include <string.h>

#include "soft.h"

#define NSID_BROADCAST 0xffffffffu
#define TEMP_WARNING_K 343  /* 70 C */
#define TEMP_CRITICAL_K 373 /* 100 C */
#define POWER_STATE0_CW 2500 /* 25 W in centiwatts */
#define ABORT_LIMIT 3         /* ACL: 4 concurrent aborts */
#define SGLS_NO_ALIGNMENT 1u  /* SGLs supported, no alignment requirement */
#define OCFS_FORMAT0 1u
#define CTRL_TYPE_IO 1
#define FRMW_SLOTS_SHIFT 1      /* number of slots, bits 3:1 */
#define CDW11_CSI_SHIFT 24      /* Identify CDW11 bits 31:24: Command Set Identifier */
#define RESCAP_TYPES_1_TO_6 0x7eu /* reservation types 1-6 (bits 6:1) */
#define RESCAP_IEKEY 0x80u        /* Ignore Existing Key as NVMe 1.3 and later define it */

/* Space-padded string field of identify data. */
static void pad(char *field, size_t len, const char *text)
{
	size_t n = strlen(text);

	memset(field, ' ', len);
	memcpy(field, text, n < len ? n : len);
}

static void fill_ctrl(struct soft_ctrl *c, struct nvme_id_ctrl *id)
{
	pad(id->sn, sizeof(id->sn), "NVMUSOFT0001");
	pad(id->mn, sizeof(id->mn), "nvmu software NVMe controller");
	memcpy(id->fr, c->fw_rev[c->fw_active - 1], sizeof(id->fr));
	id->mdts = c->o.mdts;
	id->cntlid = 1;
	/* VER was introduced by NVMe 1.2; older controllers leave it 0. */
	id->ver = c->o.vs >= SOFT_VS(1, 2) ? c->o.vs : 0;
	id->oaes = NVME_CTRL_OAES_NA;
	id->cntrltype = CTRL_TYPE_IO;
	id->oacs = NVME_CTRL_OACS_FORMAT | NVME_CTRL_OACS_FW | NVME_CTRL_OACS_SELF_TEST |
		   NVME_CTRL_OACS_NS_MGMT |
		   NVME_CTRL_OACS_LBA_STATUS | (c->o.dbbuf ? NVME_CTRL_OACS_DBBUF_CFG : 0);
	id->lpa = NVME_CTRL_LPA_CMD_EFFECTS | NVME_CTRL_LPA_TELEMETRY |
		  NVME_CTRL_LPA_LI0_LI5_LI12_LI13;
	id->sanicap = NVME_CTRL_SANICAP_CES | NVME_CTRL_SANICAP_BES | NVME_CTRL_SANICAP_OWS;
	id->acl = ABORT_LIMIT;
	id->aerl = SOFT_AERL;
	id->frmw = NVME_CTRL_FRMW_1ST_RO | SOFT_FW_SLOTS << FRMW_SLOTS_SHIFT |
		   NVME_CTRL_FRMW_FW_ACT_NO_RESET;
	id->elpe = SOFT_ERROR_LOG_ENTRIES - 1;
	id->wctemp = TEMP_WARNING_K;
	id->cctemp = TEMP_CRITICAL_K;
	id->sqes = (uint8_t)(6u << 4 | 6u);
	id->cqes = (uint8_t)(4u << 4 | 4u);
	id->nn = c->nn;
	id->oncs = NVME_CTRL_ONCS_COMPARE | NVME_CTRL_ONCS_WRITE_UNCORRECTABLE |
		   NVME_CTRL_ONCS_RESERVATIONS |
		   NVME_CTRL_ONCS_DSM | NVME_CTRL_ONCS_WRITE_ZEROES |
		   NVME_CTRL_ONCS_VERIFY | NVME_CTRL_ONCS_COPY;
	id->vwc = NVME_CTRL_VWC_PRESENT | NVME_CTRL_VWC_FLUSH;
	id->sgls = c->o.sgl ? SGLS_NO_ALIGNMENT : 0;
	id->ocfs = OCFS_FORMAT0;
	snprintf(id->subnqn, sizeof(id->subnqn), "nqn.2024-01.dev.nvmu:soft");
	id->psd[0].mp = POWER_STATE0_CW;
}

static void fill_ns(const struct soft_ns *ns, uint32_t nsid, struct nvme_id_ns *id)
{
	id->nsze = id->ncap = id->nuse = soft_ns_blocks(ns);
	id->nlbaf = SOFT_NLBAF - 1;
	id->flbas = ns->lbaf;
	id->lbaf[SOFT_LBAF_512].ds = 9;
	id->lbaf[SOFT_LBAF_4096].ds = 12;
	id->dlfeat = NVME_NS_DLFEAT_RB_ALL_0S | NVME_NS_DLFEAT_WRITE_ZEROES;
	id->rescap = RESCAP_TYPES_1_TO_6 | RESCAP_IEKEY;
	id->mssrl = SOFT_COPY_MAX_RANGE_BLOCKS;
	id->mcl = SOFT_COPY_MAX_BLOCKS;
	id->msrc = SOFT_COPY_MAX_RANGES - 1; /* 0-based */
	memcpy(id->eui64, "nvmu", 4);
	id->eui64[6] = (uint8_t)(nsid >> 8);
	id->eui64[7] = (uint8_t)nsid;
	memcpy(id->nguid, "nvmu-soft-ns", 12);
	memcpy(id->nguid + 12, &nsid, sizeof(nsid));
}

/* The NSIDs after @p after that are active (or, with @p allocated, merely allocated). */
static void fill_ns_list(struct soft_ctrl *c, uint32_t after, bool allocated,
			 struct nvme_ns_list *list)
{
	size_t n = 0;

	for (uint32_t nsid = after + 1; nsid <= c->nn && n < NVME_ID_NS_LIST_MAX; nsid++)
		if (allocated ? soft_ns_allocated(c, nsid) != NULL : soft_ns_get(c, nsid) != NULL)
			list->ns[n++] = nsid;
}

/* The controllers (only this one, ID 1) from ID @p from; attached to @p ns when given. */
static void fill_ctrl_list(uint16_t from, const struct soft_ns *ns, bool for_ns,
			   struct nvme_ctrl_list *list)
{
	if (from <= 1 && (!for_ns || ns->attached)) {
		list->num = 1;
		list->identifier[0] = 1;
	}
}

/* Namespace identification descriptors: EUI-64, NGUID, CSI. */
static void fill_descriptors(const struct soft_ns *ns, uint32_t nsid, uint8_t *buf)
{
	struct nvme_id_ns id;
	uint8_t *p = buf;

	memset(&id, 0, sizeof(id));
	fill_ns(ns, nsid, &id);
	p[0] = NVME_NIDT_EUI64;
	p[1] = NVME_NIDT_EUI64_LEN;
	memcpy(p + 4, id.eui64, NVME_NIDT_EUI64_LEN);
	p += 4 + NVME_NIDT_EUI64_LEN;
	p[0] = NVME_NIDT_NGUID;
	p[1] = NVME_NIDT_NGUID_LEN;
	memcpy(p + 4, id.nguid, NVME_NIDT_NGUID_LEN);
	p += 4 + NVME_NIDT_NGUID_LEN;
	p[0] = NVME_NIDT_CSI;
	p[1] = NVME_NIDT_CSI_LEN;
	p[4] = NVME_CSI_NVM;
}

uint16_t soft_identify(struct soft_ctrl *c, struct soft_cmd *cmd)
{
	uint8_t cns = (uint8_t)cmd->sqe.cdw10;
	uint32_t nsid = cmd->sqe.nsid;
	struct soft_ns *ns = soft_ns_get(c, nsid);
	_Alignas(16) uint8_t buf[NVME_IDENTIFY_DATA_SIZE];

	memset(buf, 0, sizeof(buf));
	switch (cns) {
	case NVME_IDENTIFY_CNS_CTRL:
		if (c->id_override[1])
			memcpy(buf, c->id_override[1], sizeof(buf));
		else
			fill_ctrl(c, (struct nvme_id_ctrl *)buf);
		break;
	case NVME_IDENTIFY_CNS_NS:
		if (!ns)
			return SOFT_GENERIC(NVME_SC_INVALID_NS);
		if (ns->id_override)
			memcpy(buf, ns->id_override, sizeof(buf));
		else if (c->id_override[0])
			memcpy(buf, c->id_override[0], sizeof(buf));
		else
			fill_ns(ns, nsid, (struct nvme_id_ns *)buf);
		break;
	case NVME_IDENTIFY_CNS_NS_ACTIVE_LIST:
		if (nsid >= NSID_BROADCAST - 1)
			return SOFT_GENERIC(NVME_SC_INVALID_NS);
		fill_ns_list(c, nsid, false, (struct nvme_ns_list *)buf);
		break;
	case NVME_IDENTIFY_CNS_ALLOCATED_NS_LIST:
		if (nsid >= NSID_BROADCAST - 1)
			return SOFT_GENERIC(NVME_SC_INVALID_NS);
		fill_ns_list(c, nsid, true, (struct nvme_ns_list *)buf);
		break;
	case NVME_IDENTIFY_CNS_ALLOCATED_NS:
		if (!(ns = soft_ns_allocated(c, nsid)))
			return soft_data_out(c, cmd, buf, sizeof(buf)); /* zeroes: not allocated */
		fill_ns(ns, nsid, (struct nvme_id_ns *)buf);
		break;
	case NVME_IDENTIFY_CNS_NS_CTRL_LIST:
		if (!(ns = soft_ns_allocated(c, nsid)))
			return SOFT_GENERIC(NVME_SC_INVALID_NS);
		fill_ctrl_list((uint16_t)(cmd->sqe.cdw10 >> 16), ns, true,
			       (struct nvme_ctrl_list *)buf);
		break;
	case NVME_IDENTIFY_CNS_CTRL_LIST:
		fill_ctrl_list((uint16_t)(cmd->sqe.cdw10 >> 16), NULL, false,
			       (struct nvme_ctrl_list *)buf);
		break;
	case NVME_IDENTIFY_CNS_CSI_CTRL:
		/* NVM Command Set specific controller data (NVMe 2.0): all zero, no limits on
		 * Verify, Write Zeroes or Write Uncorrectable. Older versions fail it, as real
		 * controllers do. */
		if (!soft_io_command_sets(&c->o) ||
		    cmd->sqe.cdw11 >> CDW11_CSI_SHIFT != NVME_CSI_NVM)
			return SOFT_GENERIC(NVME_SC_INVALID_FIELD);
		break;
	case NVME_IDENTIFY_CNS_NS_DESC_LIST:
		if (!ns)
			return SOFT_GENERIC(NVME_SC_INVALID_NS);
		fill_descriptors(ns, nsid, buf);
		break;
	default:
		return SOFT_GENERIC(NVME_SC_INVALID_FIELD);
	}
	return soft_data_out(c, cmd, buf, sizeof(buf));
}
