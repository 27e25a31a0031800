/* SPDX-License-Identifier: MIT */
/* What `nvmu list` shows of a controller it can open: identity, namespaces, capacity. */
#ifndef NVMU_TOOL_LIST_CTRL_H
#define NVMU_TOOL_LIST_CTRL_H

#include <stdbool.h>
#include <stdint.h>

#include "nvmu/pci.h"

#define LIST_NS_MAX 32 /* namespaces detailed by list -v */

/* A namespace as list -v shows it. */
struct list_ns {
	uint32_t nsid;
	uint64_t blocks;   /* NSZE */
	uint32_t lba_size; /* bytes */
};

struct list_ctrl {
	bool opened;                   /* false: not on vfio-pci, or nvmu could not open it */
	char sn[21], mn[41], fr[9];    /* Identify Controller strings, trailing blanks cut */
	unsigned namespaces;           /* active namespaces */
	uint64_t capacity;             /* bytes: sum of NSZE x LBA size over them */
	struct list_ns ns[LIST_NS_MAX]; /* the first namespaces */
	char why[256];                 /* on vfio-pci but not opened: the reason */
};

/*
 * For a function bound to vfio-pci, attach it briefly with the host API and fill *out;
 * otherwise (or when it cannot be opened, e.g. in use by another process) out->opened is
 * false. Never prints.
 */
void list_ctrl_read(const struct nvmu_pci_dev *d, struct list_ctrl *out);

/* @p bytes in decimal units as nvme-cli shows sizes: "67.11 MB". */
void list_size_text(uint64_t bytes, char *buf, size_t len);

#endif
