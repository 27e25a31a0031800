/* SPDX-License-Identifier: MIT */
/*
 * Features as get-feature shows them: names, the data length a Get Features returns, the
 * value line and -H's decoding of the value's fields, in nvme-cli's words. Pure functions.
 */
#ifndef NVMU_TOOL_FEATURE_RENDER_H
#define NVMU_TOOL_FEATURE_RENDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define FEATURE_SEL_CHANGED 8 /* not a Select value: current compared with default */

/* The feature's name ("Number of Queues"; "Unknown" when nvmu has none). */
const char *feature_name(uint8_t fid);

/* Bytes of data a Get Features of @p fid returns (0: the value alone). */
uint32_t feature_data_len(uint8_t fid);

/* "Current", "Default", "Saved", "Supported capabilities", "Changed", or "Reserved". */
const char *feature_sel_name(unsigned sel);

/*
 * The value as nvme-cli prints it: "get-feature:0x07 (Number of Queues), Current
 * value:0x003f003f", then for Select 3 the capabilities in words; else with @p human the
 * value's fields, and the data (@p len bytes) as a hex dump.
 */
void feature_print(FILE *out, uint8_t fid, unsigned sel, uint32_t value, const uint8_t *data,
		   uint32_t len, bool human);

#endif
