/* SPDX-License-Identifier: MIT */
/* Names of NVMe commands and log pages, as nvme-cli prints them. */
#ifndef NVMU_TOOL_NAMES_H
#define NVMU_TOOL_NAMES_H

#include <stdbool.h>
#include <stdint.h>

/* The name of admin (@p admin) or I/O command @p opcode; "Unknown" if it has none. */
const char *opcode_name(bool admin, uint8_t opcode);

/* The name of log page @p lid; "Unknown" if it has none. */
const char *log_page_name(uint8_t lid);

#endif
