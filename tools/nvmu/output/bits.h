/* SPDX-License-Identifier: MIT */
/*
 * -H: the bit fields of Identify data decoded as nvme-cli -H shows them, one line per
 * field under the value ("  [3:3] : 0x1\tNS Management and Attachment Supported").
 */
#ifndef NVMU_TOOL_BITS_H
#define NVMU_TOOL_BITS_H

#include <stdint.h>
#include <stdio.h>

/* The lines of field @p key (an Identify JSON key: "oacs", "nsfeat"...) of value @p v;
 * nothing for a field without a decoding. */
void bits_print(FILE *out, const char *key, uint64_t v);

#endif
