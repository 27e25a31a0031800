/* SPDX-License-Identifier: MIT */
/*
 * Running the nvmu tool from unit tests: a fake sysfs tree (a device on the kernel nvme
 * driver), the tool found through $NVMU_EXE, its stdout/stderr captured.
 */
#ifndef NVMU_TEST_TOOL_RUN_H
#define NVMU_TEST_TOOL_RUN_H

#include <stddef.h>

#include "../pci/fake_sysfs.h"

extern struct fake f;          /* the fake tree; f.root is a scratch folder too */
extern char out[65536], err[4096];
extern size_t out_len;         /* bytes of stdout (it may hold binary data) */

/* Run "nvmu <args...>" (stdin /dev/null); returns its exit status, fills out/err. */
int nvmu(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* As nvmu(), with stdout going to @p stdout_path (e.g. /dev/full) instead of out. */
int nvmu_stdout_to(const char *stdout_path, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Number of lines of err (a one-line message has exactly one). */
int err_lines(void);

/* A fresh fake tree with 0000:00:10.0 on the nvme driver and vfio-pci known. */
void setup(void);

#endif
