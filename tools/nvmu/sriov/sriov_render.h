/* SPDX-License-Identifier: MIT */
/*
 * Rendering of NVMe virtualization data: Primary Controller Capabilities and the Secondary
 * Controller List as nvme-cli 2.x prints them (text and JSON), and `nvmu sriov show`.
 */
#ifndef NVMU_TOOL_SRIOV_RENDER_H
#define NVMU_TOOL_SRIOV_RENDER_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "cli.h"
#include "nvmu/sriov.h"

/* nvme-cli's primary-ctrl-caps text; @p human adds the decoded CRT bits (-H). */
void sriov_render_caps(FILE *out, const struct nvme_primary_ctrl_cap *caps, bool human);
/* nvme-cli's primary-ctrl-caps JSON. */
void sriov_render_caps_json(FILE *out, const struct nvme_primary_ctrl_cap *caps);
/* nvme-cli's list-secondary text, at most @p max entries. */
void sriov_render_list(FILE *out, const struct nvme_secondary_ctrl_list *list, unsigned max);
/* nvme-cli's list-secondary JSON, at most @p max entries. */
void sriov_render_list_json(FILE *out, const struct nvme_secondary_ctrl_list *list,
			    unsigned max);

/*
 * `nvmu sriov show`: the PF, its capabilities, every secondary controller with its VF, and
 * the VF token's state. @p owner is the pid of the process that holds the PF (0: none).
 */
void sriov_render_show(FILE *out, const struct nvmu_sriov *s, enum cli_format format,
		       pid_t owner);

#endif
