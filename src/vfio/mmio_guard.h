/* SPDX-License-Identifier: MIT */
/*
 * The MMIO guard: a SIGBUS handler that keeps a process alive when a device's BAR mapping
 * stops being backed (device removed, memory decoding turned off, reset in progress).
 * The dead range is replaced by anonymous memory reading all-ones, as a PCIe read from a
 * missing device would, and the owner's "lost" flag is raised.
 */
#ifndef NVMU_VFIO_MMIO_GUARD_H
#define NVMU_VFIO_MMIO_GUARD_H

#include <signal.h>
#include <stddef.h>

/* Guard [base, base+size); on a fault there, set *lost to 1. Installs the handler on
 * first use. Returns 0, or -ENOSPC when too many ranges are guarded. */
int nvmu_mmio_guard_add(void *base, size_t size, volatile sig_atomic_t *lost);

/* Stop guarding the range that starts at @p base (before it is unmapped). */
void nvmu_mmio_guard_remove(void *base);

#endif
