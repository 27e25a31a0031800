/* SPDX-License-Identifier: MIT */
/*
 * Log pages (SMART / Health, Error Information, Firmware Slot) as JSON with nvme-cli
 * 2.x's keys, or as text. Pure functions of the data, so they are unit-tested.
 */
#ifndef NVMU_TOOL_LOG_RENDER_H
#define NVMU_TOOL_LOG_RENDER_H

#include <nvme/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

/* The SMART / Health log as one JSON object. */
void smart_log_json(struct json *j, const struct nvme_smart_log *log);

/*
 * The same as nvme-cli's text, headed by device @p dev and namespace @p nsid; @p human
 * (-H) adds the Critical Warning bits.
 */
void smart_log_print(FILE *out, const struct nvme_smart_log *log, const char *dev,
		     uint32_t nsid, bool human);

/* @p n Error Information entries as {"errors": [...]}. */
void error_log_json(struct json *j, const struct nvme_error_log_page *e, size_t n);

/* The same as nvme-cli's text, one block per entry, the status in words. */
void error_log_print(FILE *out, const struct nvme_error_log_page *e, size_t n, const char *dev);

/* The Firmware Slot log as {"<dev>": {"Active Firmware Slot (afi)": N, ...}} as nvme-cli. */
void fw_log_json(struct json *j, const char *dev, const struct nvme_firmware_slot *fw);

/* The same as text. */
void fw_log_print(FILE *out, const char *dev, const struct nvme_firmware_slot *fw);

#endif
