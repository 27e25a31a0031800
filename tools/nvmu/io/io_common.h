/* SPDX-License-Identifier: MIT */
/*
 * What the I/O verbs share: nvme-cli's -n/-s/-c options, opening a namespace with a
 * queue pair through the host API, and waiting for one command with its status in words.
 */
#ifndef NVMU_TOOL_IO_COMMON_H
#define NVMU_TOOL_IO_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "device.h"

/* Options shared by the I/O verbs (getopt letters n, s, c). */
struct io_args {
	const char *dev;
	uint32_t nsid;     /* 0 until -n is given */
	uint64_t slba;     /* -s, --start-block */
	uint32_t nlb0;     /* -c, --block-count: blocks minus one, as nvme-cli */
};

/* getopt long options of struct io_args, for a verb's option table. */
#define IO_RANGE_LONGOPTS                                       \
	{ "namespace-id", required_argument, NULL, 'n' },      \
	{ "start-block", required_argument, NULL, 's' },       \
	{ "block-count", required_argument, NULL, 'c' }

/* Help lines of the options above. */
#define IO_RANGE_HELP                                                                     \
	"  -n, --namespace-id NSID     namespace (required; an active one)\n"                \
	"  -s, --start-block SLBA      first logical block (default 0)\n"                    \
	"  -c, --block-count N         number of blocks minus one, 0-65535 (default 0: one\n" \
	"                              block), as nvme-cli\n"

/*
 * Handle option @p opt (a getopt letter, value @p arg) if it is one of struct io_args.
 * Returns 1 if it is not, 0 when handled, EXIT_USAGE after printing a bad value.
 */
int io_parse_opt(const char *verb, int opt, const char *arg, struct io_args *a);

/*
 * After the options: the device argument, and -n (required when @p need_ns). Returns 0
 * or EXIT_USAGE with a message.
 */
int io_parse_end(int argc, char **argv, bool need_ns, struct io_args *a);

/* An open device with a namespace and a queue pair. */
struct io_ctx {
	struct tool_dev d;
	struct nvmu_ns *ns; /* NULL when opened with nsid 0 */
	struct nvmu_host_qpair *qp;
	struct nvmu_dma_buf buf; /* from io_buffer(), freed by io_close() */
};

/*
 * Open @p dev, find namespace @p nsid (0: none) and create a queue pair. Returns 0, or
 * EXIT_FAILED with a one-line message (device, namespace with the active ones listed).
 */
int io_open(const char *verb, const char *dev, uint32_t nsid, struct io_ctx *io);

/* Free the buffer and the queue pair, and detach. */
void io_close(struct io_ctx *io);

/*
 * Allocate the context's DMA buffer, and set *data to exactly its first @p len bytes
 * (the piece to transfer). Returns 0 or EXIT_FAILED with a message.
 */
int io_buffer(const char *verb, struct io_ctx *io, size_t len, struct nvmu_dma_buf *data);

/*
 * Wait for the command just submitted with nvmu_host_sync_cb and @p w (@p ret: the
 * submission's result). Returns 0, or EXIT_FAILED after printing why: the submission's
 * error (e.g. the LBA range beyond the namespace, refused before sending) or the NVMe
 * status in words.
 */
int io_wait(const char *verb, struct io_ctx *io, int ret, struct nvmu_host_waiter *w);

/* The transfer of blocks [slba, slba + nlb0 + 1) in bytes: (nlb0 + 1) x LBA size. */
uint64_t io_bytes(const struct io_ctx *io, const struct io_args *a);

#endif
