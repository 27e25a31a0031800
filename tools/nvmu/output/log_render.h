/* SPDX-License-Identifier: MIT */
/*
 * Log pages (SMART / Health, Error Information, Firmware Slot) as JSON with nvme-cli
 * 2.x's keys, or as text. Pure functions of the data, so they are unit-tested.
 */
#ifndef NVMU_TOOL_LOG_RENDER_H
#define NVMU_TOOL_LOG_RENDER_H

#include <nvme/types.h>
#include <stddef.h>
#include <stdio.h>

#include "json.h"

/* The SMART / Health log as one JSON object. */
void smart_log_json(struct json *j, const struct nvme_smart_log *log);

/* The same as text lines. */
void smart_log_print(FILE *out, const struct nvme_smart_log *log);

/* @p n Error Information entries as {"errors": [...]}. */
void error_log_json(struct json *j, const struct nvme_error_log_page *e, size_t n);

/* The same as text, one block per entry. */
void error_log_print(FILE *out, const struct nvme_error_log_page *e, size_t n);

/* The Firmware Slot log as {"<dev>": {"Active Firmware Slot (afi)": N, ...}} as nvme-cli. */
void fw_log_json(struct json *j, const char *dev, const struct nvme_firmware_slot *fw);

/* The same as text. */
void fw_log_print(FILE *out, const char *dev, const struct nvme_firmware_slot *fw);

#endif
