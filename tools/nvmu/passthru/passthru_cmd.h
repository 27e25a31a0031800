/* SPDX-License-Identifier: MIT */
/*
 * What admin-passthru and io-passthru share: nvme-cli's options parsed into a command,
 * the data to send, the command and its full completion printed.
 */
#ifndef NVMU_TOOL_PASSTHRU_CMD_H
#define NVMU_TOOL_PASSTHRU_CMD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "nvmu/nvme.h"

#define DATA_LEN_MAX (16u << 20) /* bytes; PRPs bound what one command can move anyway */

struct passthru_args {
	struct nvmu_sqe cmd;
	uint32_t data_len, timeout_ms, metadata_len;
	bool read, write, raw, show, dry_run, latency;
	uint8_t prefill; /* every byte of the data buffer before the command (-p) */
	const char *input_file;
	const char *dev;
};

struct tool_dev;

/*
 * Send @p a->cmd with @p data (a->data_len bytes, direction a->write) to the opened device
 * and wait; *cpl gets the completion. Returns 0, -EREMOTEIO (error status) or another
 * negative errno, each with a message.
 */
typedef int (*passthru_send_fn)(struct tool_dev *d, const struct passthru_args *a, uint8_t *data,
				struct nvmu_cpl *cpl);

/*
 * A whole passthru verb: parse, show/dry-run, read the input, open the device, @p send,
 * print the completion of the @p kind ("Admin", "I/O") command and the data received.
 * Returns an exit status.
 */
int passthru_run(int argc, char **argv, const char *kind, passthru_send_fn send);

/* Help lines of the shared options. */
#define PASSTHRU_OPTIONS_HELP                                                                   \
	"  -o, --opcode N          opcode, 0-255 (required; -O is the same)\n"                   \
	"  -f, --flags N           command byte 1 (FUSE, PSDT)\n"                                 \
	"  -n, --namespace-id N    NSID\n"                                                         \
	"  -2, --cdw2 N  -3, --cdw3 N\n"                                                          \
	"  -4, --cdw10 N -5, --cdw11 N -6, --cdw12 N -7, --cdw13 N -8, --cdw14 N\n"              \
	"  -9, --cdw15 N           command dwords\n"                                               \
	"  -l, --data-len N        bytes of data (PRPs are built for them; up to 16m, k/m\n"      \
	"                          units taken,\n"                                                \
	"                          bounded by the controller's maximum transfer)\n"               \
	"  -r, --read              the controller sends the data\n"                                \
	"  -w, --write             the data goes to the controller (needs --input-file)\n"        \
	"                          (neither: the direction from the opcode's bits 1:0)\n"         \
	"  -i, --input-file FILE   the data to send, exactly --data-len bytes (- is stdin)\n"     \
	"  -t, --timeout MS        deadline in milliseconds (default: the controller's)\n"        \
	"  -b, --raw-binary        write received data to stdout as it is (the\n"                 \
	"                          completion then goes to stderr)\n"                             \
	"  -s, --show-command      print the command before sending it\n"                         \
	"  -d, --dry-run           print the command and do not send it\n"                        \
	"  -m, --metadata-len N    not supported (must be 0)\n"                                   \
	"  -h, --help              show this help\n"

#endif
