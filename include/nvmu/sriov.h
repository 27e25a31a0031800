/* SPDX-License-Identifier: MIT */
/**
 * @file sriov.h
 * @brief SR-IOV: the secondary controllers (virtual functions) of an NVMe primary
 *        controller (the physical function) driven by nvmu through vfio-pci.
 *
 * Three groups of functions:
 * - the admin commands of NVMe virtualization on any controller: Identify Primary
 *   Controller Capabilities (CNS 14h), Secondary Controller List (CNS 15h), decoded into
 *   libnvme's structures, and Virtualization Management (assign, offline, online,
 *   primary flexible allocation);
 * - a PF handle (struct nvmu_sriov) that provisions VFs in the one order that works on
 *   the PF's controller: release the primary's flexible resources, reset the function
 *   once (FLR) before any VF exists, set the VF token, enable the VFs through sysfs while
 *   the PF stays open (vfio-pci resets a PF when it is opened or closed, and a device may
 *   lose its VFs at that reset), then assign resources to each secondary and bring it
 *   online;
 * - the rule that the PF's owner outlives the VFs' users: nvmu_sriov_close() refuses to
 *   let the PF go while VFs it enabled are online, unless asked to tear them down.
 *
 * A VF is opened like any controller, by its PCI address, with the PF's VF token
 * (nvmu_host_opts.vf_token or nvmu_transport_open_opts.vf_token).
 *
 * Every function that can fail returns 0 or a negative errno and leaves a message for
 * nvmu_last_error(). Not thread-safe: one thread drives a PF handle.
 */
#ifndef NVMU_SRIOV_H
#define NVMU_SRIOV_H

#include <stdbool.h>
#include <stdint.h>

#include <nvme/types.h>

#include "nvmu/nvme.h"
#include "nvmu/pci.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Room for a UUID string "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" + NUL. */
#define NVMU_SRIOV_TOKEN_LEN 37

/* ---- admin commands ----------------------------------------------------------------- */

/**
 * Identify Primary Controller Capabilities (CNS 14h) of controller @p cntlid (the
 * controller itself when it is the one @p ctrl drives) into *out. Returns 0, or an error
 * of nvmu_admin_cmd() (-EREMOTEIO: the controller does not support it).
 */
NVMU_API int nvmu_sriov_primary_caps(struct nvmu_ctrl *ctrl, uint16_t cntlid,
				     struct nvme_primary_ctrl_cap *out);

/**
 * Identify Secondary Controller List (CNS 15h) from secondary controller ID @p first_scid
 * up into *out. Returns 0, -EPROTO if the controller reports more entries than the list
 * holds, or an error of nvmu_admin_cmd().
 */
NVMU_API int nvmu_sriov_secondary_list(struct nvmu_ctrl *ctrl, uint16_t first_scid,
				       struct nvme_secondary_ctrl_list *out);

/**
 * Virtualization Management: action @p act (enum nvme_virt_mgmt_act) on resource type
 * @p rt (enum nvme_virt_mgmt_rt) of controller @p cntlid, with @p nr resources.
 * *changed, if not NULL, gets the number of resources the controller modified (DW0).
 * Returns 0, or -EREMOTEIO with the status in words (invalid controller ID, invalid
 * secondary state, invalid number of resources) and the numbers asked for, or another
 * error of nvmu_admin_cmd().
 */
NVMU_API int nvmu_sriov_virt_mgmt(struct nvmu_ctrl *ctrl, unsigned act, unsigned rt,
				  uint16_t cntlid, uint16_t nr, uint32_t *changed);

/**
 * Write a new random UUID (version 4, from getrandom()) into @p out. Returns 0 or -errno.
 */
NVMU_API int nvmu_sriov_new_token(char out[NVMU_SRIOV_TOKEN_LEN]);

/** True if @p text is a UUID in the form "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx". */
NVMU_API bool nvmu_sriov_token_valid(const char *text);

/* ---- a PF and its VFs --------------------------------------------------------------- */

struct nvmu_sriov;

/** One secondary controller and its VF, as last read. */
struct nvmu_sriov_vf {
	uint16_t vfn;                 /**< virtual function number, 1-based */
	uint16_t scid;                /**< secondary controller ID */
	bool online;                  /**< secondary controller state */
	uint16_t nvq;                 /**< VQ resources assigned (queue pairs incl. admin) */
	uint16_t nvi;                 /**< VI resources assigned (interrupt vectors) */
	char addr[NVMU_PCI_ADDR_LEN]; /**< the VF's PCI address, "" while VFs are disabled */
	char driver[NVMU_PCI_NAME_LEN]; /**< the VF's kernel driver, "" if none */
};

/**
 * Take SR-IOV control of the PF whose controller @p pf is: a controller on the PCIe
 * transport (bound to vfio-pci), SR-IOV capable, that answers Identify CNS 14h and 15h.
 * Reads its capabilities and secondary controllers. @p pf must stay open until nvmu_sriov_close().
 * Returns 0 and sets *out; -ENOTSUP (not PCIe, no SR-IOV capability, or no answer to
 * those Identify commands), or another error.
 */
NVMU_API int nvmu_sriov_open(struct nvmu_ctrl *pf, struct nvmu_sriov **out);

/** Options of nvmu_sriov_enable(); zero-initialised means defaults. */
struct nvmu_sriov_enable_opts {
	size_t opts_size; /**< sizeof(the structure) as built, or 0 (see support.h) */
	unsigned vfs;     /**< VFs to enable (1..sriov_totalvfs) */
	uint16_t vq;      /**< VQ resources per VF (>= 2); 0: an even share of the free ones */
	uint16_t vi;      /**< VI resources per VF (>= 1); 0: an even share of the free ones */
	const char *token; /**< the VF token to set (a UUID); NULL: a new random one */
};

/**
 * Enable VFs: check the request against the free resources, release the primary's
 * flexible resources, reset the PF (FLR) and bring its controller up again, set the VF
 * token, turn on vfio-pci's enable_sriov if needed, write sriov_numvfs, and assign @p vq
 * and @p vi resources to each secondary and bring it online. The VFs bind to vfio-pci.
 * On failure the VFs are offlined and disabled again. Returns 0; -EINVAL (more VFs than
 * offered, fewer or more resources than allowed or free: the message gives the numbers),
 * -EBUSY (enabled already), or the error of the step that failed.
 */
NVMU_API int nvmu_sriov_enable(struct nvmu_sriov *s, const struct nvmu_sriov_enable_opts *opts);

/**
 * Offline every secondary and disable the VFs. Refuses with -EBUSY, naming the processes,
 * while another process has a VF open, unless @p force. Returns 0 or a negative errno.
 */
NVMU_API int nvmu_sriov_disable(struct nvmu_sriov *s, bool force);

/** Flags of nvmu_sriov_close(). */
enum nvmu_sriov_close_flags {
	/** Offline and disable the VFs this handle enabled, even if processes use them. */
	NVMU_SRIOV_TEARDOWN = 1u << 0,
};

/**
 * Let go of the PF: refuses with -EBUSY (and keeps the handle) while VFs that this
 * handle enabled are online, since closing the PF resets it and takes the VFs away from
 * their users; with NVMU_SRIOV_TEARDOWN they are offlined and disabled first. Returns 0
 * (the handle is freed) or -EBUSY. NULL is ignored.
 */
NVMU_API int nvmu_sriov_close(struct nvmu_sriov *s, unsigned flags);

/** Returns the PF's normalised PCI address. */
NVMU_API const char *nvmu_sriov_pf_addr(const struct nvmu_sriov *s);

/** Returns the VF token set on the PF, or "" if none was set through this handle. */
NVMU_API const char *nvmu_sriov_token(const struct nvmu_sriov *s);

/** Set the VF token (a UUID) on the PF. Returns 0, -EINVAL (not a UUID) or -errno. */
NVMU_API int nvmu_sriov_set_token(struct nvmu_sriov *s, const char *uuid);

/** Returns the primary controller capabilities as read by the last refresh. */
NVMU_API const struct nvme_primary_ctrl_cap *nvmu_sriov_caps(const struct nvmu_sriov *s);

/** Returns the number of VFs the PF offers (sriov_totalvfs). */
NVMU_API unsigned nvmu_sriov_total_vfs(const struct nvmu_sriov *s);

/** Returns the number of VFs enabled now (sriov_numvfs). */
NVMU_API unsigned nvmu_sriov_num_vfs(const struct nvmu_sriov *s);

/**
 * Read the capabilities and the secondary controller list again. Returns 0 or the error
 * of the Identify that failed.
 */
NVMU_API int nvmu_sriov_refresh(struct nvmu_sriov *s);

/** Returns the number of secondary controllers in the last list read. */
NVMU_API unsigned nvmu_sriov_secondaries(const struct nvmu_sriov *s);

/**
 * Secondary controller @p index (0-based, in list order) as last read, with its VF's
 * address and driver from sysfs, into *out. Returns 0 or -EINVAL (no such index).
 */
NVMU_API int nvmu_sriov_secondary(const struct nvmu_sriov *s, unsigned index,
				  struct nvmu_sriov_vf *out);

/**
 * Assign @p nvq VQ and @p nvi VI resources to the secondary of VF @p vfn (1-based), which
 * must be offline; 0 leaves that type alone. Returns 0; -EINVAL (no such VF, or more than
 * the per-secondary maximum or the free resources: the message gives the numbers);
 * -EBUSY (the secondary is online); or the error of the command.
 */
NVMU_API int nvmu_sriov_assign(struct nvmu_sriov *s, unsigned vfn, uint16_t nvq, uint16_t nvi);

/**
 * Offline the secondary of VF @p vfn: its resources go back to the free pool and the VF
 * stops working. Refuses with -EBUSY, naming them, while another process has the VF open,
 * unless @p force. Returns 0 or a negative errno.
 */
NVMU_API int nvmu_sriov_offline(struct nvmu_sriov *s, unsigned vfn, bool force);

/**
 * Bring the secondary of VF @p vfn online. Needs at least 2 VQ and 1 VI resources
 * assigned and the VF enabled. Returns 0, -EINVAL (not enough resources, or no such VF:
 * the message says which) or the error of the command.
 */
NVMU_API int nvmu_sriov_online(struct nvmu_sriov *s, unsigned vfn);

#ifdef __cplusplus
}
#endif
#endif
