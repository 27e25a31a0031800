/* SPDX-License-Identifier: MIT */
/*
 * Identify Controller and Identify Namespace data as JSON with nvme-cli 2.x's keys, or as
 * "name : value" text. Pure functions of the data (no device), so they are unit-tested.
 */
#ifndef NVMU_TOOL_ID_RENDER_H
#define NVMU_TOOL_ID_RENDER_H

#include <nvme/types.h>
#include <stdbool.h>
#include <stdio.h>

#include "json.h"

/* One JSON object with the controller's fields and its power states ("psds"). */
void id_ctrl_json(struct json *j, const struct nvme_id_ctrl *id);

/* The same as nvme-cli's text lines, power states included; @p human (-H) decodes bit fields. */
void id_ctrl_print(FILE *out, const struct nvme_id_ctrl *id, bool human);

/* One JSON object with the namespace's fields and its LBA formats ("lbafs"). */
void id_ns_json(struct json *j, const struct nvme_id_ns *ns);

/*
 * Namespace @p nsid as nvme-cli's text lines; the LBA format in use is marked "(in use)".
 * @p human (-H) decodes bit fields and writes the LBA formats as a table in words.
 */
void id_ns_print(FILE *out, const struct nvme_id_ns *ns, uint32_t nsid, bool human);

/* Number of LBA formats the namespace describes (NLBAF + 1, at most 64). */
unsigned id_ns_lbaf_count(const struct nvme_id_ns *ns);

/* Index of the LBA format in use (FLBAS bits 3:0 and 6:5). */
unsigned id_ns_lbaf_in_use(const struct nvme_id_ns *ns);

#endif
