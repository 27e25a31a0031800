/* SPDX-License-Identifier: MIT */
/* Internal: the PF handle and the checks that pf.c and enable.c share. */
#ifndef NVMU_SRIOV_INTERNAL_H
#define NVMU_SRIOV_INTERNAL_H

#include <endian.h>

#include "nvmu/sriov.h"
#include "nvmu/vfio.h"

struct nvmu_sriov {
	struct nvmu_ctrl *ctrl;       /* the PF's controller, owned by the caller */
	struct nvmu_vfio_device *dev; /* its VFIO device (token, FLR) */
	char addr[NVMU_PCI_ADDR_LEN];
	uint16_t cntlid;              /* the primary controller's ID */
	unsigned total_vfs;           /* sriov_totalvfs */
	unsigned enabled;             /* VFs this handle enabled (0: none) */
	char token[NVMU_SRIOV_TOKEN_LEN];
	struct nvme_primary_ctrl_cap caps;
	struct nvme_secondary_ctrl_list list;
};

/* Secondary controller of VF @p vfn (1-based) from the last list read, into *vf. Returns 0
 * or -EINVAL naming the VFs there are. */
int sriov_find_vf(struct nvmu_sriov *s, unsigned vfn, struct nvmu_sriov_vf *vf);

/* Returns 0 if no other process has VF @p vf open through VFIO, else -EBUSY with a
 * message "cannot <what>: VF ... is open by pid N (comm)". */
int sriov_check_unused(struct nvmu_sriov *s, const struct nvmu_sriov_vf *vf, const char *what);

/* Offline every secondary of the last list read that is online. Returns 0 or the error of
 * the command. */
int sriov_offline_all(struct nvmu_sriov *s);

/* VQ (or VI, if @p vi) resources assigned to secondaries outside VFs [from_vfn, to_vfn]. */
uint32_t sriov_assigned_to_others(const struct nvmu_sriov *s, unsigned from_vfn, unsigned to_vfn,
				  bool vi);

/* Check that @p vfs VFs from @p first_vfn can each get @p per_vf VQ (or VI) resources: at
 * least the minimum to go online, at most the per-secondary maximum, and all of them
 * together no more than the flexible ones not assigned to other VFs. Returns 0 or -EINVAL
 * with the numbers. */
int sriov_check_resources(const struct nvmu_sriov *s, unsigned first_vfn, unsigned vfs,
			  uint32_t per_vf, bool vi);

#endif
