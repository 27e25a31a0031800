/* SPDX-License-Identifier: MIT */
/*
 * Request trackers of one queue: CID = tracker index in the low bits, plus a generation
 * count in the spare high bits, so a completion whose CID is out of range, names an idle
 * tracker, or carries an old generation (a late or duplicate completion) is recognised
 * and never followed.
 */
#ifndef NVMU_SRC_NVME_TRACKER_H
#define NVMU_SRC_NVME_TRACKER_H

#include <stdint.h>

#include "nvmu/nvme.h"

enum tracker_state {
	TRACKER_FREE = 0,
	TRACKER_BUSY,      /* submitted, its callback runs on completion */
	TRACKER_ABANDONED, /* its waiter gave up (timeout): reserved until the device answers */
};

struct nvmu_tracker {
	nvmu_cmd_cb cb;
	void *arg;
	struct nvmu_prp_pages prp; /* this tracker's pre-mapped PRP list pages */
	uint16_t gen;
	uint16_t next_free;
	uint8_t state;
};

struct tracker_table {
	struct nvmu_tracker *t;
	uint16_t n;         /* trackers */
	uint8_t idx_bits;   /* CID bits holding the index; the rest hold the generation */
	uint16_t gen_mask;  /* generation values: 0..gen_mask */
	uint16_t free_head; /* first free tracker, n when none */
	uint32_t in_use;    /* busy + abandoned */
};

/** What a completion's CID names. */
enum cid_check {
	CID_OK = 0,
	CID_OUT_OF_RANGE, /* index beyond the table */
	CID_IDLE,         /* the tracker is not in use */
	CID_STALE,        /* the tracker is in use under another generation */
};

/* Allocate @n trackers (1..65535), all free. Returns 0 or -ENOMEM/-EINVAL. */
int tracker_table_init(struct tracker_table *tt, uint32_t n);

/* Free the table's memory (not the PRP pages, which belong to the queue). */
void tracker_table_fini(struct tracker_table *tt);

/* Take a free tracker (state BUSY) or NULL when all are in use. */
struct nvmu_tracker *tracker_get(struct tracker_table *tt);

/* Release a tracker: its generation moves on, so its old CID becomes stale. */
void tracker_put(struct tracker_table *tt, struct nvmu_tracker *trk);

/* The CID that names @trk in its current generation. */
uint16_t tracker_cid(const struct tracker_table *tt, const struct nvmu_tracker *trk);

/* Check @cid; on CID_OK sets *out to the tracker it names. */
enum cid_check tracker_lookup(const struct tracker_table *tt, uint16_t cid,
			      struct nvmu_tracker **out);

/* Name of a check result, for messages. */
const char *cid_check_name(enum cid_check c);

#endif
