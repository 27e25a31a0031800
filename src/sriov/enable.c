/* SPDX-License-Identifier: MIT */
/*
 * Enabling VFs in the order that works on a PF held through vfio-pci:
 *
 * 1. check the request against what the PF offers and what is free, before touching it;
 * 2. release the primary's flexible resources (Virtualization Management action 1 with
 *    NR 0), which a controller applies only at its next function-level reset;
 * 3. reset the PF once (FLR) while no VF exists - a reset of the PF with VFs enabled may
 *    take them down (QEMU 7.2 unrealizes them and leaves VF Enable set) - and bring its
 *    controller up again;
 * 4. set the VF token and write sriov_numvfs while this process holds the PF open, since
 *    vfio-pci resets a PF each time it is opened or closed;
 * 5. per VF: assign VQ and VI resources to its secondary controller, then bring it online
 *    (an offline secondary reads 0 in every register but CSTS, which shows CFS).
 *
 * A failure after VFs exist offlines them and disables them again.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sriov/sriov_internal.h"
#include "support/opts.h"

#define VF_BIND_WAIT_MS 10000

/* The even share of the free resources of one type for @p vfs VFs: at most the
 * per-secondary maximum, rounded down to the preferred granularity. */
static uint16_t even_share(const struct nvmu_sriov *s, unsigned vfs, bool vi)
{
	uint32_t total = le32toh(vi ? s->caps.vifrt : s->caps.vqfrt);
	uint32_t max = le16toh(vi ? s->caps.vifrsm : s->caps.vqfrsm);
	uint32_t gran = le16toh(vi ? s->caps.vigran : s->caps.vqgran);
	uint32_t taken = sriov_assigned_to_others(s, 1, vfs, vi);
	uint32_t share = total > taken ? (total - taken) / vfs : 0;

	if (share > max)
		share = max;
	if (gran > 1)
		share -= share % gran;
	return (uint16_t)(share > 0xffff ? 0xffff : share);
}

/* Fill in the defaults of @p o and check it. */
static int plan(struct nvmu_sriov *s, struct nvmu_sriov_enable_opts *o)
{
	unsigned enabled = nvmu_sriov_num_vfs(s);
	int ret;

	if (o->vfs == 0 || o->vfs > s->total_vfs)
		return nvmu_fail(EINVAL, "%s offers %u VF%s; cannot enable %u", s->addr,
				 s->total_vfs, s->total_vfs > 1 ? "s" : "", o->vfs);
	if (o->vfs > s->list.num)
		return nvmu_fail(EINVAL, "%s lists %u secondary controllers; cannot enable %u VFs",
				 s->addr, s->list.num, o->vfs);
	if (enabled)
		return nvmu_fail(EBUSY, "%s has %u VFs enabled already (by another owner, or "
				 "before nvmu opened the PF): disable them first", s->addr, enabled);
	if (o->token && !nvmu_sriov_token_valid(o->token))
		return nvmu_fail(EINVAL, "VF token '%s' is not a UUID (expected xxxxxxxx-xxxx-"
				 "xxxx-xxxx-xxxxxxxxxxxx)", o->token);
	if (!o->vq)
		o->vq = even_share(s, o->vfs, false);
	if (!o->vi)
		o->vi = even_share(s, o->vfs, true);
	if ((ret = sriov_check_resources(s, 1, o->vfs, o->vq, false)) < 0 ||
	    (ret = sriov_check_resources(s, 1, o->vfs, o->vi, true)) < 0)
		return ret;
	return 0;
}

/* Steps 2 and 3: release the primary's flexible resources and reset the PF. */
static int release_and_reset(struct nvmu_sriov *s)
{
	int ret = 0;

	/* CRT says which resource types the primary has flexible resources of. */
	if (s->caps.crt & 1)
		ret = nvmu_sriov_virt_mgmt(s->ctrl, NVME_VIRT_MGMT_ACT_PRIM_CTRL_FLEX_ALLOC,
					   NVME_VIRT_MGMT_RT_VQ_RESOURCE, s->cntlid, 0, NULL);
	if (ret == 0 && s->caps.crt & 2)
		ret = nvmu_sriov_virt_mgmt(s->ctrl, NVME_VIRT_MGMT_ACT_PRIM_CTRL_FLEX_ALLOC,
					   NVME_VIRT_MGMT_RT_VI_RESOURCE, s->cntlid, 0, NULL);
	if (ret == 0 && (ret = nvmu_vfio_reset(s->dev)) == 0)
		ret = nvmu_ctrl_reset(s->ctrl);
	if (ret < 0)
		return nvmu_fail_context(-ret, "releasing the primary's flexible resources and "
					 "resetting %s", s->addr);
	return nvmu_sriov_refresh(s);
}

/* Wait until each of the first @p vfs VFs exists and is bound to vfio-pci. */
static int wait_vfs_bound(struct nvmu_sriov *s, unsigned vfs)
{
	uint64_t deadline = nvmu_deadline_ms(VF_BIND_WAIT_MS);
	char addr[NVMU_PCI_ADDR_LEN];
	struct nvmu_pci_dev pci;

	for (unsigned i = 0; i < vfs; i++) {
		while (nvmu_pci_vf_addr(s->addr, i, addr) < 0 || nvmu_pci_get(addr, &pci) < 0 ||
		       strcmp(pci.driver, "vfio-pci")) {
			if (nvmu_deadline_passed(deadline))
				return nvmu_fail(ETIMEDOUT, "VF %u of %s is not bound to vfio-pci %d "
						 "s after it was enabled (driver '%s')", i + 1,
						 s->addr, VF_BIND_WAIT_MS / 1000,
						 addr[0] ? pci.driver : "");
			nvmu_sleep_us(10000);
			addr[0] = '\0';
		}
	}
	nvmu_clear_error();
	return 0;
}

/* Step 5 for VF @p vfn. */
static int provision(struct nvmu_sriov *s, unsigned vfn, uint16_t vq, uint16_t vi)
{
	int ret = nvmu_sriov_assign(s, vfn, vq, vi);

	if (ret == 0)
		ret = nvmu_sriov_online(s, vfn);
	return ret;
}

int nvmu_sriov_enable(struct nvmu_sriov *s, const struct nvmu_sriov_enable_opts *user_opts)
{
	struct nvmu_sriov_enable_opts o;
	char token[NVMU_SRIOV_TOKEN_LEN], why[512];
	int ret;

	OPTS_COPY(o, user_opts);
	if ((ret = nvmu_sriov_refresh(s)) < 0 || (ret = plan(s, &o)) < 0)
		return ret;
	if (o.token)
		snprintf(token, sizeof(token), "%s", o.token);
	else if ((ret = nvmu_sriov_new_token(token)) < 0)
		return ret;
	if ((ret = nvmu_pci_vfio_enable_sriov()) < 0 || (ret = sriov_offline_all(s)) < 0 ||
	    (ret = release_and_reset(s)) < 0 || (ret = nvmu_sriov_set_token(s, token)) < 0)
		return ret;
	if ((ret = nvmu_pci_set_numvfs(s->addr, (int)o.vfs)) < 0)
		return ret;
	s->enabled = o.vfs;
	ret = wait_vfs_bound(s, o.vfs);
	for (unsigned vfn = 1; ret == 0 && vfn <= o.vfs; vfn++)
		ret = provision(s, vfn, o.vq, o.vi);
	if (ret == 0)
		return 0;
	/* Back to where the PF was: the message of the failure, not of the way back. */
	snprintf(why, sizeof(why), "%s", nvmu_last_error());
	if (nvmu_sriov_disable(s, true) < 0)
		nvmu_log(NVMU_LOG_ERROR, "%s: disabling the VFs after a failed enable failed "
			 "too: %s", s->addr, nvmu_last_error());
	return nvmu_fail(-ret, "%s (the VFs were disabled again)", why);
}
