/* SPDX-License-Identifier: MIT */
/**
 * @file nvme_cmd.h
 * @brief What goes over the wire and back: the 64-byte command, the 16-byte completion,
 *        their status field, and the outcome a completion callback receives.
 *
 * Everyone who sends NVMe commands reads this file: applications of the host API,
 * transports, and raw-queue users. The structures of the specification that are not on
 * the hot path (identify data, log pages, register fields, opcodes) come from libnvme's
 * <nvme/types.h>, which this header includes.
 */
#ifndef NVMU_NVME_CMD_H
#define NVMU_NVME_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nvme/types.h>

#include "nvmu/support.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "nvmu assumes a little-endian host"
#endif

#ifdef __cplusplus
extern "C" {
#endif


/** A 64-byte submission queue entry. */
struct nvmu_sqe {
	uint8_t opcode;
	uint8_t flags; /**< FUSE (bits 1:0), PSDT (bits 7:6; 0 = PRP) */
	uint16_t cid;  /**< set by the core when submitted through a tracker */
	uint32_t nsid;
	uint32_t cdw2;
	uint32_t cdw3;
	uint64_t mptr;
	uint64_t prp1;
	uint64_t prp2;
	uint32_t cdw10;
	uint32_t cdw11;
	uint32_t cdw12;
	uint32_t cdw13;
	uint32_t cdw14;
	uint32_t cdw15;
};

/** A 16-byte completion queue entry. */
struct nvmu_cqe {
	uint32_t dw0;
	uint32_t dw1;
	uint16_t sqhd; /**< submission queue head the controller reached */
	uint16_t sqid;
	uint16_t cid;
	uint16_t status; /**< bit 0: phase tag; bits 15:1: status field */
};

NVMU_STATIC_ASSERT(sizeof(struct nvmu_sqe) == 64, "an NVMe command is 64 bytes");
NVMU_STATIC_ASSERT(sizeof(struct nvmu_cqe) == 16, "an NVMe completion is 16 bytes");

/** The 15-bit status field of a completion (SC, SCT, CRD, More, DNR; no phase tag). */
static inline uint16_t nvmu_cqe_status(const struct nvmu_cqe *cqe)
{
	return (uint16_t)(cqe->status >> 1);
}

/** Status Code Type of a status field (enum nvme_status_field: NVME_SCT_*). */
static inline unsigned nvmu_status_sct(uint16_t status)
{
	return NVME_GET(status, SCT);
}

/** Status Code of a status field (NVME_SC_*). */
static inline unsigned nvmu_status_sc(uint16_t status)
{
	return NVME_GET(status, SC);
}

/** True if the Do Not Retry bit is set. */
static inline bool nvmu_status_dnr(uint16_t status)
{
	return (status & NVME_SC_DNR) != 0;
}

/** True if the More bit is set (the Error Information log page has more). */
static inline bool nvmu_status_more(uint16_t status)
{
	return (status & NVME_SC_MORE) != 0;
}

/** Command Retry Delay index (0-3) of a status field. */
static inline unsigned nvmu_status_crd(uint16_t status)
{
	return (status & NVME_SC_CRD) >> 11;
}

/**
 * A command's outcome, as completion callbacks and synchronous calls receive it.
 * .err is 0, or:
 * - -EREMOTEIO: the device returned an error status (.status says which);
 * - -ETIMEDOUT: no completion within the command's timeout; it was aborted, or ended by
 *   the controller reset that followed;
 * - -ECANCELED: ended by a controller reset or by the deletion of its queue pair;
 * - -ENODEV: the device was removed (or failed for good) before it answered.
 * Completions the driver makes itself carry a Path Related status: Command Aborted By
 * Host (SCT 3h, SC 71h), or Host Pathing Error (70h) for a removed device.
 */
struct nvmu_cpl {
	int err;
	uint16_t status; /**< NVMe status field (no phase): SCT, SC, CRD, More, DNR */
	uint32_t dw0, dw1;
};

/** Status field of a completion the driver made: Path Related, @p sc (70h or 71h). */
#define NVMU_STATUS_HOST(sc) ((uint16_t)(NVME_SCT_PATH << NVME_SCT_SHIFT | (sc)))

/**
 * Name of a status (e.g. "INVALID_FIELD"), from its SCT and SC; "SUCCESS" for 0 and
 * "UNKNOWN" for a code nvmu has no name for. Never NULL.
 */
NVMU_API const char *nvmu_status_name(uint16_t status);

/**
 * Write a status as text into @p buf, e.g. "INVALID_FIELD (sct 0 sc 0x2) dnr", with
 * "more" and "crd N" when set. Returns @p buf (always NUL-terminated when @p len > 0).
 */
NVMU_API char *nvmu_status_text(uint16_t status, char *buf, size_t len);

/** Buffer size that always holds nvmu_status_text()'s output. */
#define NVMU_STATUS_TEXT_MAX 96

/** Called once when a command ends (completed by the device or by the driver). */
typedef void (*nvmu_cmd_cb)(void *arg, const struct nvmu_cpl *cpl);


#ifdef __cplusplus
}
#endif
#endif
