/* SPDX-License-Identifier: MIT */
/*
 * Request trackers of one queue: CID = tracker index in the low bits, plus a generation
 * count in the spare high bits, so a completion whose CID is out of range, names an idle
 * tracker, or carries an old generation (a late or duplicate completion) is recognised
 * and never followed.
 *
 * The hot path is inline and branch-light: the table has 2^idx_bits slots (the ones past
 * n are never handed out), and each tracker keeps the one CID it accepts a completion for
 * in live_cid - bit 16 set while it accepts none - so matching a completion is a mask,
 * a load and one comparison.
 */
#ifndef NVMU_SRC_NVME_TRACKER_H
#define NVMU_SRC_NVME_TRACKER_H

#include <stdint.h>

#include "nvmu/qpair_fast.h"

#define TRACKER_IDLE 0x10000u      /* live_cid bit: no completion accepted */

enum tracker_state {
	TRACKER_FREE = 0,
	TRACKER_BUSY,      /* submitted, its callback runs on completion */
	TRACKER_ABANDONED, /* its waiter gave up: reserved until the device answers */
};

/* Per-tracker recovery flags. */
enum tracker_flag {
	TRK_TIMED_OUT = 1u << 0,  /* its deadline passed (an Abort may have been sent) */
	TRK_ABORT_SENT = 1u << 1, /* an Abort for it is outstanding */
	TRK_NO_TIMEOUT = 1u << 2, /* never times out (Asynchronous Event Requests) */
	TRK_ENDED = 1u << 3,      /* to be completed by the driver (status in end_status) */
	TRK_REPOST = 1u << 4,     /* kept across a reset, to be posted again */
};

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "tracker words are little-endian");

/* Build the 64-bit word that holds a tracker's live CID, state, flags and retry count, so
 * that taking or releasing a tracker is a single store. The retry count starts at 0. */
static inline uint64_t tracker_word(uint32_t live_cid, enum tracker_state state, uint8_t flags)
{
	return live_cid | (uint64_t)state << 32 | (uint64_t)flags << 40;
}

/** What a completion's CID names. */
enum cid_check {
	CID_OK = 0,
	CID_OUT_OF_RANGE, /* index beyond the table */
	CID_IDLE,         /* the tracker is not in use */
	CID_STALE,        /* the tracker is in use under another generation */
	CID_ABANDONED,    /* the tracker's waiter gave up: a late completion */
};

/* Allocate @n trackers (1..65535), all free. Returns 0 or -ENOMEM/-EINVAL. */
int tracker_table_init(struct nvmu_tracker_table *tt, uint32_t n);

/* Free the table's memory (not the PRP pages, which belong to the queue). */
void tracker_table_fini(struct nvmu_tracker_table *tt);

/* Take a free tracker (state BUSY, accepting its CID) or NULL when all are in use. */
static inline struct nvmu_tracker *tracker_get(struct nvmu_tracker_table *tt)
{
	return tt->free ? nvmu_tracker_take(tt, tt->free, tracker_word(0, TRACKER_BUSY, 0)) : NULL;
}

/* Release @trk, known by CID @cid: its generation moves on, so its old CID becomes stale. */
static inline void tracker_release(struct nvmu_tracker_table *tt, struct nvmu_tracker *trk,
				   uint32_t cid)
{
	trk->word = tracker_word(((cid + tt->gen_step) & 0xffffu) | TRACKER_IDLE, TRACKER_FREE, 0);
	trk->next_free = tt->free;
	tt->free = trk;
}

/* Release @trk using the CID it accepts, for callers that do not have the completion's
 * CID at hand. */
static inline void tracker_put(struct nvmu_tracker_table *tt, struct nvmu_tracker *trk)
{
	tracker_release(tt, trk, (uint16_t)trk->live_cid);
}

/* The busy tracker @cid (a 16-bit CID, widened) names, or NULL (then tracker_check() says
 * why). */
static inline struct nvmu_tracker *tracker_find(const struct nvmu_tracker_table *tt, uint32_t cid)
{
	struct nvmu_tracker *trk = &tt->t[cid & tt->idx_mask];

	return trk->live_cid == cid ? trk : NULL;
}

/* Stop accepting completions for @trk (abandoned, or ended by the driver): until it is
 * released, a completion naming it is counted and ignored. */
static inline void tracker_refuse(struct nvmu_tracker *trk)
{
	trk->live_cid |= TRACKER_IDLE;
}

/* The waiter of @trk gave up: the tracker stays reserved, refusing completions but the
 * late one tracker_check() recognises as abandoned, which frees it. */
static inline void tracker_abandon(struct nvmu_tracker *trk)
{
	trk->state = TRACKER_ABANDONED;
	tracker_refuse(trk);
	trk->cb = NULL;
	trk->arg = NULL;
}

/* Classify @cid, for a completion tracker_find() refused; *out gets an abandoned tracker. */
enum cid_check tracker_check(const struct nvmu_tracker_table *tt, uint16_t cid,
			     struct nvmu_tracker **out);

/* The name of a check result, used in log messages. */
const char *cid_check_name(enum cid_check c);

#endif
