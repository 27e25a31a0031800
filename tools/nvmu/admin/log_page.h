/* SPDX-License-Identifier: MIT */
/* Get Log Page for the tool: any size, in pieces the controller can transfer. */
#ifndef NVMU_TOOL_LOG_PAGE_H
#define NVMU_TOOL_LOG_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "unsupported.h"

/* What to ask for; zero-initialised fields mean 0. */
struct log_request {
	uint8_t lid;    /* log page identifier */
	uint8_t lsp;    /* log specific field (7 bits) */
	uint16_t lsi;   /* log specific identifier */
	bool rae;       /* retain asynchronous event */
	uint32_t nsid;
	uint64_t lpo;   /* byte offset into the log (a multiple of 4), or an index with ot */
	uint8_t uuid;   /* UUID index (7 bits) */
	uint8_t csi;    /* command set identifier */
	bool ot;        /* offset type: lpo is an index (the log is then read in one piece) */
};

/*
 * Read @p len bytes (a multiple of 4) of the log into @p buf, in transfers no larger than
 * the controller's maximum (with ot, one transfer: an index offset cannot be split). Returns 0, or a negative errno with a message (-EREMOTEIO
 * with the NVMe status; *cpl has the failed completion when not NULL).
 */
int log_page_read(struct tool_dev *d, const struct log_request *req, void *buf, size_t len,
		  struct nvmu_cpl *cpl);

/*
 * log_page_read() for a verb: on failure prints why - that the controller does not support
 * the page (@p cap: where Identify Controller advertises it) when it refused it as unknown,
 * else the error - and returns EXIT_FAILED; 0 on success.
 */
int log_page_fetch(const char *verb, struct tool_dev *d, const struct log_request *req,
		   void *buf, size_t len, const struct capability *cap);

#endif
