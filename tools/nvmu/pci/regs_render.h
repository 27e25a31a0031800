/* SPDX-License-Identifier: MIT */
/*
 * The controller registers as show-regs prints them: nvme-cli's text ("cap     : 4000..."),
 * -H's decoding in its words, JSON with its keys, or the register file's bytes.
 */
#ifndef NVMU_TOOL_REGS_RENDER_H
#define NVMU_TOOL_REGS_RENDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "output/json.h"

#define REGS_BYTES 0xe1c /* the registers up to PMRMSCU, as nvme-cli's binary output */

/* The registers' values, read by the caller (64-bit ones whole). */
struct regs_values {
	uint64_t v[24]; /* one per register of regs_render.c's table */
};

/* Read each register through @p read (@p is64: an 8-byte register) into @p out. */
void regs_read(uint64_t (*read)(void *ctx, uint32_t offset, bool is64), void *ctx,
	       struct regs_values *out);

/* nvme-cli's text lines, each followed by its decoding with @p human. */
void regs_print(FILE *out, const struct regs_values *r, bool human);

/* One JSON object with nvme-cli's keys. */
void regs_json(struct json *j, const struct regs_values *r);

/* The registers at their offsets in @p buf (REGS_BYTES; other bytes zero). */
void regs_binary(const struct regs_values *r, uint8_t buf[REGS_BYTES]);

#endif
