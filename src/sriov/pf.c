/* SPDX-License-Identifier: MIT */
/*
 * A PF under nvmu's SR-IOV control: its capabilities and secondary controllers, and the
 * operations on them (assign, offline, online, disable, close). Enabling VFs, which needs
 * a plan and a way back, is in enable.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nvmu/nvme_pcie.h"
#include "sriov/sriov_internal.h"

int nvmu_sriov_open(struct nvmu_ctrl *pf, struct nvmu_sriov **out)
{
	struct nvmu_transport *t = nvmu_ctrl_transport(pf);
	struct nvmu_pci_dev pci;
	struct nvmu_sriov *s;
	int ret;

	if (!nvmu_pcie_is(t))
		return nvmu_fail(ENOTSUP, "%s is not a PCIe controller: SR-IOV needs a PF bound to "
				 "vfio-pci", t->name);
	ret = nvmu_pci_get(nvmu_vfio_device_addr(nvmu_pcie_vfio_device(t)), &pci);
	if (ret < 0)
		return ret;
	if (pci.sriov_totalvfs <= 0)
		return nvmu_fail(ENOTSUP, "%s has no SR-IOV capability (it offers no VFs)",
				 pci.addr);
	s = calloc(1, sizeof(*s));
	if (!s)
		return nvmu_fail(ENOMEM, "out of memory");
	s->ctrl = pf;
	s->dev = nvmu_pcie_vfio_device(t);
	s->total_vfs = (unsigned)pci.sriov_totalvfs;
	s->cntlid = nvmu_ctrl_id(pf)->cntlid;
	strcpy(s->addr, pci.addr);
	/* Not OACS bit 7: QEMU 7.2 supports Virtualization Management without setting it. */
	ret = nvmu_sriov_refresh(s);
	if (ret < 0) {
		free(s);
		return nvmu_fail_context(ENOTSUP, "%s offers %d VFs but nvmu cannot give them "
					 "resources", pci.addr, pci.sriov_totalvfs);
	}
	*out = s;
	return 0;
}

int nvmu_sriov_refresh(struct nvmu_sriov *s)
{
	int ret = nvmu_sriov_primary_caps(s->ctrl, s->cntlid, &s->caps);

	if (ret == 0)
		ret = nvmu_sriov_secondary_list(s->ctrl, 0, &s->list);
	if (ret < 0)
		return nvmu_fail_context(-ret, "%s", s->addr);
	return 0;
}

const char *nvmu_sriov_pf_addr(const struct nvmu_sriov *s)
{
	return s->addr;
}

const char *nvmu_sriov_token(const struct nvmu_sriov *s)
{
	return s->token;
}

int nvmu_sriov_set_token(struct nvmu_sriov *s, const char *uuid)
{
	int ret;

	if (!nvmu_sriov_token_valid(uuid))
		return nvmu_fail(EINVAL, "VF token '%s' is not a UUID (expected xxxxxxxx-xxxx-xxxx-"
				 "xxxx-xxxxxxxxxxxx)", uuid ? uuid : "(null)");
	ret = nvmu_vfio_set_vf_token(s->dev, uuid);
	if (ret < 0)
		return ret;
	snprintf(s->token, sizeof(s->token), "%s", uuid);
	return 0;
}

const struct nvme_primary_ctrl_cap *nvmu_sriov_caps(const struct nvmu_sriov *s)
{
	return &s->caps;
}

unsigned nvmu_sriov_total_vfs(const struct nvmu_sriov *s)
{
	return s->total_vfs;
}

unsigned nvmu_sriov_num_vfs(const struct nvmu_sriov *s)
{
	struct nvmu_pci_dev pci;

	return nvmu_pci_get(s->addr, &pci) == 0 && pci.sriov_numvfs > 0 ?
	       (unsigned)pci.sriov_numvfs : 0;
}

unsigned nvmu_sriov_secondaries(const struct nvmu_sriov *s)
{
	return s->list.num;
}

int nvmu_sriov_secondary(const struct nvmu_sriov *s, unsigned index, struct nvmu_sriov_vf *out)
{
	const struct nvme_secondary_ctrl *e;
	struct nvmu_pci_dev pci;

	if (index >= s->list.num)
		return nvmu_fail(EINVAL, "%s has %u secondary controllers; no index %u", s->addr,
				 s->list.num, index);
	e = &s->list.sc_entry[index];
	memset(out, 0, sizeof(*out));
	out->scid = le16toh(e->scid);
	out->vfn = le16toh(e->vfn);
	out->online = e->scs & 1;
	out->nvq = le16toh(e->nvq);
	out->nvi = le16toh(e->nvi);
	/* The VF exists only while VFs are enabled; without it addr and driver stay "". */
	if (out->vfn && nvmu_sriov_num_vfs(s) >= out->vfn &&
	    nvmu_pci_vf_addr(s->addr, out->vfn - 1u, out->addr) == 0 &&
	    nvmu_pci_get(out->addr, &pci) == 0)
		strcpy(out->driver, pci.driver);
	nvmu_clear_error();
	return 0;
}

int sriov_find_vf(struct nvmu_sriov *s, unsigned vfn, struct nvmu_sriov_vf *vf)
{
	for (unsigned i = 0; i < s->list.num; i++)
		if (le16toh(s->list.sc_entry[i].vfn) == vfn)
			return nvmu_sriov_secondary(s, i, vf);
	return nvmu_fail(EINVAL, "%s has no secondary controller for VF %u (VFs 1 to %u)",
			 s->addr, vfn, s->list.num);
}

int sriov_check_unused(struct nvmu_sriov *s, const struct nvmu_sriov_vf *vf, const char *what)
{
	char users[256];
	int n;

	if (!vf->addr[0])
		return 0;
	n = nvmu_pci_vfio_users(vf->addr, users, sizeof(users));
	if (n < 0)
		return n;
	if (n > 0)
		return nvmu_fail(EBUSY, "cannot %s: VF %u (%s) of %s is open by %s; close it there "
				 "first", what, vf->vfn, vf->addr, s->addr, users);
	return 0;
}

uint32_t sriov_assigned_to_others(const struct nvmu_sriov *s, unsigned from_vfn, unsigned to_vfn,
				  bool vi)
{
	uint32_t sum = 0;

	for (unsigned i = 0; i < s->list.num; i++) {
		const struct nvme_secondary_ctrl *e = &s->list.sc_entry[i];
		unsigned vfn = le16toh(e->vfn);

		if (vfn < from_vfn || vfn > to_vfn)
			sum += le16toh(vi ? e->nvi : e->nvq);
	}
	return sum;
}

int sriov_check_resources(const struct nvmu_sriov *s, unsigned first_vfn, unsigned vfs,
			  uint32_t per_vf, bool vi)
{
	const char *type = vi ? "VI (interrupt)" : "VQ (queue)";
	uint32_t total = le32toh(vi ? s->caps.vifrt : s->caps.vqfrt);
	uint32_t max = le16toh(vi ? s->caps.vifrsm : s->caps.vqfrsm);
	uint32_t taken = sriov_assigned_to_others(s, first_vfn, first_vfn + vfs - 1, vi);
	uint32_t free_ = total > taken ? total - taken : 0;
	uint32_t least = vi ? 1 : 2;

	if (per_vf < least)
		return nvmu_fail(EINVAL, "a VF needs at least %u %s resource%s (%s), not %u",
				 least, type, least > 1 ? "s" : "",
				 vi ? "one interrupt vector" : "an admin and an I/O queue", per_vf);
	if (per_vf > max)
		return nvmu_fail(EINVAL, "%s gives a VF at most %u %s resources, not %u", s->addr,
				 max, type, per_vf);
	if ((uint64_t)per_vf * vfs > free_)
		return nvmu_fail(EINVAL, "%u VF%s x %u %s resources = %u, but only %u of %s's %u "
				 "flexible ones are free (%u are assigned to other VFs)", vfs,
				 vfs > 1 ? "s" : "", per_vf, type, per_vf * vfs, free_, s->addr,
				 total, taken);
	return 0;
}

int nvmu_sriov_assign(struct nvmu_sriov *s, unsigned vfn, uint16_t nvq, uint16_t nvi)
{
	struct nvmu_sriov_vf vf;
	int ret = nvmu_sriov_refresh(s);

	if (ret == 0)
		ret = sriov_find_vf(s, vfn, &vf);
	if (ret < 0)
		return ret;
	if (vf.online)
		return nvmu_fail(EBUSY, "the secondary controller of VF %u (cntlid %u) is online: "
				 "offline it before assigning resources", vfn, vf.scid);
	if (nvq && (ret = sriov_check_resources(s, vfn, 1, nvq, false)) < 0)
		return ret;
	if (nvi && (ret = sriov_check_resources(s, vfn, 1, nvi, true)) < 0)
		return ret;
	if (nvq && (ret = nvmu_sriov_virt_mgmt(s->ctrl, NVME_VIRT_MGMT_ACT_ASSIGN_SEC_CTRL,
					       NVME_VIRT_MGMT_RT_VQ_RESOURCE, vf.scid, nvq,
					       NULL)) < 0)
		return ret;
	if (nvi && (ret = nvmu_sriov_virt_mgmt(s->ctrl, NVME_VIRT_MGMT_ACT_ASSIGN_SEC_CTRL,
					       NVME_VIRT_MGMT_RT_VI_RESOURCE, vf.scid, nvi,
					       NULL)) < 0)
		return ret;
	return nvmu_sriov_refresh(s);
}

int nvmu_sriov_offline(struct nvmu_sriov *s, unsigned vfn, bool force)
{
	struct nvmu_sriov_vf vf;
	int ret = nvmu_sriov_refresh(s);

	if (ret == 0)
		ret = sriov_find_vf(s, vfn, &vf);
	if (ret == 0 && !force)
		ret = sriov_check_unused(s, &vf, "offline it");
	if (ret == 0)
		ret = nvmu_sriov_virt_mgmt(s->ctrl, NVME_VIRT_MGMT_ACT_OFFLINE_SEC_CTRL,
					   NVME_VIRT_MGMT_RT_VQ_RESOURCE, vf.scid, 0, NULL);
	return ret < 0 ? ret : nvmu_sriov_refresh(s);
}

int nvmu_sriov_online(struct nvmu_sriov *s, unsigned vfn)
{
	struct nvmu_sriov_vf vf;
	unsigned enabled = nvmu_sriov_num_vfs(s);
	int ret = nvmu_sriov_refresh(s);

	if (ret == 0)
		ret = sriov_find_vf(s, vfn, &vf);
	if (ret < 0)
		return ret;
	if (vfn > enabled)
		return nvmu_fail(EINVAL, "VF %u of %s is not enabled (%u VFs are): enable VFs "
				 "before bringing their secondaries online", vfn, s->addr, enabled);
	if (vf.nvq < 2 || vf.nvi < 1)
		return nvmu_fail(EINVAL, "VF %u has %u VQ and %u VI resources; online needs at "
				 "least 2 VQ and 1 VI: assign them first", vfn, vf.nvq, vf.nvi);
	ret = nvmu_sriov_virt_mgmt(s->ctrl, NVME_VIRT_MGMT_ACT_ONLINE_SEC_CTRL,
				   NVME_VIRT_MGMT_RT_VQ_RESOURCE, vf.scid, 0, NULL);
	return ret < 0 ? ret : nvmu_sriov_refresh(s);
}

int sriov_offline_all(struct nvmu_sriov *s)
{
	for (unsigned i = 0; i < s->list.num; i++) {
		int ret;

		if (!(s->list.sc_entry[i].scs & 1))
			continue;
		ret = nvmu_sriov_virt_mgmt(s->ctrl, NVME_VIRT_MGMT_ACT_OFFLINE_SEC_CTRL,
					   NVME_VIRT_MGMT_RT_VQ_RESOURCE,
					   le16toh(s->list.sc_entry[i].scid), 0, NULL);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int nvmu_sriov_disable(struct nvmu_sriov *s, bool force)
{
	unsigned enabled = nvmu_sriov_num_vfs(s);
	struct nvmu_sriov_vf vf;
	int ret = nvmu_sriov_refresh(s);

	for (unsigned vfn = 1; ret == 0 && !force && vfn <= enabled; vfn++)
		if ((ret = sriov_find_vf(s, vfn, &vf)) == 0)
			ret = sriov_check_unused(s, &vf, "disable the VFs");
	if (ret < 0 || (ret = sriov_offline_all(s)) < 0)
		return ret;
	if (enabled && (ret = nvmu_pci_set_numvfs(s->addr, 0)) < 0)
		return ret;
	s->enabled = 0;
	return nvmu_sriov_refresh(s);
}

int nvmu_sriov_close(struct nvmu_sriov *s, unsigned flags)
{
	unsigned online = 0;
	int ret;

	if (!s)
		return 0;
	if (s->enabled && nvmu_sriov_num_vfs(s) && nvmu_sriov_refresh(s) == 0)
		for (unsigned i = 0; i < s->list.num; i++)
			online += s->list.sc_entry[i].scs & 1;
	if (online && !(flags & NVMU_SRIOV_TEARDOWN))
		return nvmu_fail(EBUSY, "%s has %u VF%s online that nvmu enabled: closing the PF "
				 "resets it and takes them away from their users; disable them "
				 "first (or close with teardown)", s->addr, online,
				 online > 1 ? "s" : "");
	if (s->enabled && (ret = nvmu_sriov_disable(s, true)) < 0)
		nvmu_log(NVMU_LOG_ERROR, "%s: teardown of the VFs failed: %s", s->addr,
			 nvmu_last_error());
	free(s);
	return 0;
}
