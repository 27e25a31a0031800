/* SPDX-License-Identifier: MIT */
/* Request trackers. A CID is the tracker's index plus a generation count; tracker.h
 * explains why. */
#include <errno.h>
#include <stdlib.h>

#include "tracker.h"

static uint8_t bits_for(uint32_t n)
{
	uint8_t b = 0;

	while ((1u << b) < n)
		b++;
	return b;
}

int tracker_table_init(struct nvmu_tracker_table *tt, uint32_t n)
{
	uint32_t slots;

	if (n == 0 || n > UINT16_MAX)
		return nvmu_fail(EINVAL, "a queue holds 1..65535 trackers, not %u", n);
	tt->idx_bits = bits_for(n);
	slots = 1u << tt->idx_bits;
	tt->t = calloc(slots, sizeof(*tt->t));
	if (!tt->t)
		return nvmu_fail(ENOMEM, "out of memory for %u request trackers", n);
	tt->n = (uint16_t)n;
	tt->idx_mask = (uint16_t)(slots - 1);
	tt->gen_step = slots;
	for (uint32_t i = 0; i < slots; i++) {
		tt->t[i].live_cid = i | TRACKER_IDLE;
		tt->t[i].next_free = i + 1 < n ? &tt->t[i + 1] : NULL;
	}
	tt->free = tt->t;
	return 0;
}

void tracker_table_fini(struct nvmu_tracker_table *tt)
{
	free(tt->t);
	tt->t = NULL;
	tt->n = 0;
}

enum cid_check tracker_check(const struct nvmu_tracker_table *tt, uint16_t cid,
			     struct nvmu_tracker **out)
{
	uint32_t idx = cid & tt->idx_mask;
	struct nvmu_tracker *trk;

	if (idx >= tt->n)
		return CID_OUT_OF_RANGE;
	trk = &tt->t[idx];
	if (trk->state == TRACKER_FREE)
		return CID_IDLE;
	if ((uint16_t)trk->live_cid != cid)
		return CID_STALE;
	if (trk->state == TRACKER_ABANDONED) {
		*out = trk;
		return CID_ABANDONED;
	}
	if (trk->live_cid & TRACKER_IDLE)
		return CID_IDLE; /* ended by the driver: its answer is no longer awaited */
	*out = trk;
	return CID_OK;
}

const char *cid_check_name(enum cid_check c)
{
	switch (c) {
	case CID_OK: return "valid";
	case CID_OUT_OF_RANGE: return "out of range";
	case CID_IDLE: return "names an idle tracker";
	case CID_STALE: return "has a stale generation";
	case CID_ABANDONED: return "names an abandoned command";
	}
	return "?";
}
