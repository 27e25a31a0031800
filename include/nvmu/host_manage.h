/* SPDX-License-Identifier: MIT */
/**
 * @file host_manage.h
 * @brief Managing a controller through the host API: namespace management and
 *        attachment, device self-test, sanitize, firmware download and commit.
 *
 * host.h includes this header, so applications include host.h (or nvmu.h) alone; the
 * calls are apart because they administer the controller rather than do I/O on it.
 */
#ifndef NVMU_HOST_MANAGE_H
#define NVMU_HOST_MANAGE_H

#include "nvmu/host.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- controller management -------------------------------------------------------- */

/*
 * Each function below checks first that Identify Controller says the controller supports
 * the command (OACS, SANICAP): if not it returns -ENOTSUP with a message naming the
 * command and the field, and sends nothing. Otherwise it returns 0 or what
 * nvmu_admin_cmd() returns (-EREMOTEIO with the NVMe status in the message, and in *cpl,
 * the completion, when @p cpl is not NULL). None of them re-reads the namespace list: detach and
 * attach again to see namespaces that were created, attached or deleted.
 */

/** What nvmu_host_ns_create() asks for (the fields of Namespace Management's data). */
struct nvmu_ns_create {
	size_t opts_size; /**< sizeof(the structure) as built, or 0 (see support.h) */
	uint64_t nsze;    /**< size in logical blocks */
	uint64_t ncap;    /**< capacity in logical blocks (0: nsze) */
	uint8_t flbas;    /**< LBA format index and metadata placement, as Identify's FLBAS */
	uint8_t dps;      /**< end-to-end protection settings */
	uint8_t nmic;     /**< 1: the namespace may be attached to several controllers */
	uint32_t anagrpid; /**< ANA group (0: none) */
	uint16_t nvmsetid; /**< NVM set (0: none) */
	uint8_t csi;       /**< command set (0: NVM) */
};

/**
 * Create a namespace (Namespace Management, select Create) and set *nsid to its NSID. It
 * is not attached to any controller yet (nvmu_host_ns_attach()).
 */
NVMU_API int nvmu_host_ns_create(struct nvmu_host_ctrl *h, const struct nvmu_ns_create *p,
				 uint32_t timeout_ms, uint32_t *nsid, struct nvmu_cpl *cpl);

/** Delete namespace @p nsid (0xffffffff: every namespace) with Namespace Management. */
NVMU_API int nvmu_host_ns_delete(struct nvmu_host_ctrl *h, uint32_t nsid, uint32_t timeout_ms,
				 struct nvmu_cpl *cpl);

/**
 * Attach (or, with @p attach false, detach) namespace @p nsid to the @p n controllers of
 * @p ctrls (1..2047 controller IDs; n 0: this controller alone), with Namespace Attachment.
 * Returns -EINVAL for more than 2047 controllers.
 */
NVMU_API int nvmu_host_ns_attach(struct nvmu_host_ctrl *h, uint32_t nsid, bool attach,
				 const uint16_t *ctrls, unsigned n, struct nvmu_cpl *cpl);

/**
 * Start a Device Self-test with code @p stc (1 short, 2 extended, 0xe vendor specific, 0xf
 * abort) on namespace @p nsid (0: the controller only, 0xffffffff: every namespace). The
 * test runs in the background: its progress and result are in log page 06h.
 */
NVMU_API int nvmu_host_self_test(struct nvmu_host_ctrl *h, uint32_t nsid, uint8_t stc,
				 struct nvmu_cpl *cpl);

/** What nvmu_host_sanitize() does (Sanitize's dwords 10 and 11). */
struct nvmu_sanitize {
	size_t opts_size; /**< sizeof(the structure) as built, or 0 (see support.h) */
	uint8_t sanact;   /**< 1 exit failure mode, 2 block erase, 3 overwrite, 4 crypto erase */
	bool ause;        /**< allow unrestricted sanitize exit */
	uint8_t owpass;   /**< overwrite passes (0-15; 0 means 16) */
	bool oipbp;       /**< overwrite invert pattern between passes */
	bool nodas;       /**< no deallocate after sanitize */
	uint32_t ovrpat;  /**< overwrite pattern */
};

/**
 * Start a sanitize operation of the whole NVM subsystem. It runs in the background: its
 * progress is in log page 81h. -ENOTSUP also when SANICAP lacks the chosen action.
 */
NVMU_API int nvmu_host_sanitize(struct nvmu_host_ctrl *h, const struct nvmu_sanitize *s,
				struct nvmu_cpl *cpl);

/**
 * Download @p len bytes of a firmware image (a multiple of 4) to byte @p offset of the
 * image (a multiple of 4), in Firmware Image Download commands of at most @p xfer bytes
 * (0: the largest transfer the controller takes, rounded down to its update granularity
 * FWUG). *cpl, if not NULL, gets the completion of the last command. Returns -EINVAL for
 * a length or offset that is not a multiple of 4 or an @p xfer that is not a non-zero
 * multiple of 4 below the controller's maximum.
 */
NVMU_API int nvmu_host_fw_download(struct nvmu_host_ctrl *h, const void *image, size_t len,
				   uint32_t offset, uint32_t xfer, struct nvmu_cpl *cpl);

/**
 * Firmware Commit: @p action (0-7, the Commit Action) on slot @p slot (0-7; 0: the
 * controller chooses) or boot partition @p bpid. The statuses that ask for a reset
 * before the new firmware runs come back as -EREMOTEIO with *cpl's status.
 */
NVMU_API int nvmu_host_fw_commit(struct nvmu_host_ctrl *h, uint8_t slot, uint8_t action,
				 uint8_t bpid, struct nvmu_cpl *cpl);

#ifdef __cplusplus
}
#endif
#endif
