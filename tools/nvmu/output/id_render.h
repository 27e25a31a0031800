/* SPDX-License-Identifier: MIT */
/*
 * Identify Controller and Identify Namespace data as JSON with nvme-cli 2.x's keys, or as
 * "name : value" text. Pure functions of the data (no device), so they are unit-tested.
 */
#ifndef NVMU_TOOL_ID_RENDER_H
#define NVMU_TOOL_ID_RENDER_H

#include <nvme/types.h>
#include <stdio.h>

#include "json.h"

/* One JSON object with the controller's fields and its power states ("psds"). */
void id_ctrl_json(struct json *j, const struct nvme_id_ctrl *id);

/* The same as text lines. */
void id_ctrl_print(FILE *out, const struct nvme_id_ctrl *id);

/* One JSON object with the namespace's fields and its LBA formats ("lbafs"). */
void id_ns_json(struct json *j, const struct nvme_id_ns *ns);

/* The same as text lines; the LBA format in use is marked. */
void id_ns_print(FILE *out, const struct nvme_id_ns *ns);

/* Number of LBA formats the namespace describes (NLBAF + 1, at most 64). */
unsigned id_ns_lbaf_count(const struct nvme_id_ns *ns);

/* Index of the LBA format in use (FLBAS bits 3:0 and 6:5). */
unsigned id_ns_lbaf_in_use(const struct nvme_id_ns *ns);

#endif
