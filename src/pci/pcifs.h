/* SPDX-License-Identifier: MIT */
/* Internal: paths under the configurable sysfs/procfs/state roots, and small file helpers. */
#ifndef NVMU_PCI_PCIFS_H
#define NVMU_PCI_PCIFS_H

#include <stdbool.h>
#include <stddef.h>

#include "nvmu/pci.h"

/* Build "<root><formatted path>" in @p buf, which has PATH_MAX bytes. Return 0, or
 * -ENAMETOOLONG if the path does not fit. */
int pcifs_sys_path(char *buf, const char *fmt, ...) NVMU_PRINTF(2, 3);
int pcifs_proc_path(char *buf, const char *fmt, ...) NVMU_PRINTF(2, 3);
int pcifs_state_path(char *buf, const char *fmt, ...) NVMU_PRINTF(2, 3);
/* Device nodes: "/dev", or "dev" next to a sysfs root given to nvmu_pci_set_roots(). */
int pcifs_dev_path(char *buf, const char *fmt, ...) NVMU_PRINTF(2, 3);
/* nvmu_pci_parse_addr() without a failure message, for callers that only test. Returns 0
 * or -EINVAL. */
int pcifs_normalise_addr(const char *text, char out[NVMU_PCI_ADDR_LEN]);

/* Returns the path of the state folder, where bind records each device's old driver. */
const char *pcifs_state_dir(void);

/* Read a small text file, dropping trailing whitespace. Returns 0 or -errno (no message). */
int pcifs_read_text(const char *path, char *buf, size_t len);
/* Read a number (any base strtol accepts: "0x1b36", "-1"). Returns 0 or -errno. */
int pcifs_read_long(const char *path, long *out);
/* Put the last component of a symlink's target in @p buf ("nvme" for driver ->
 * ../drivers/nvme). Returns 0, -ENAMETOOLONG if it does not fit, or the -errno of
 * readlink(). */
int pcifs_link_name(const char *path, char *buf, size_t len);
bool pcifs_exists(const char *path);

/*
 * Write @p value to the sysfs attribute at <sys root><rel> (as `echo -n value > attr`).
 * Returns 0 or -errno (no message). Calls the test write hook afterwards, if set.
 */
int pcifs_write_sys(const char *rel, const char *value);

/* List the names in a folder, sorted and without "." and "..". Returns 0 or -errno; free
 * the list with pcifs_free_names(). */
int pcifs_list_dir(const char *path, char ***names, size_t *n);
void pcifs_free_names(char **names, size_t n);

/*
 * Test hook: called after each sysfs write with the path relative to the sys root
 * ("/bus/pci/drivers_probe") and the value written, so a test can mimic the kernel
 * (e.g. re-point the fake "driver" link). NULL removes it.
 */
typedef void (*pcifs_write_hook)(void *ctx, const char *rel, const char *value);
void pcifs_set_write_hook(pcifs_write_hook fn, void *ctx);

/*
 * Test hook: replaces the exclusive open of a block device node (@p path, below the dev
 * root) by @p fn, which returns 0 (free), -EBUSY (claimed) or another -errno (unknown).
 * NULL restores the real probe.
 */
typedef int (*pcifs_excl_probe)(void *ctx, const char *path);
void pcifs_set_excl_probe(pcifs_excl_probe fn, void *ctx);

/* Open the block device node @p path exclusively and close it again. Returns 0 (nothing
 * holds it), -EBUSY (something does), or another -errno (no message). */
int pcifs_probe_exclusive(const char *path);

/* The command name of process @p pid (its comm), or "?". */
void pcifs_process_name(const char *pid, char *buf, size_t len);
/* True if @p name is all digits: a process folder of procfs. */
bool pcifs_is_pid(const char *name);

#endif
