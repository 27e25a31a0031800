/* SPDX-License-Identifier: MIT */
/* Request trackers: CID = index + generation (see tracker.h). */
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

int tracker_table_init(struct tracker_table *tt, uint32_t n)
{
	if (n == 0 || n > UINT16_MAX)
		return nvmu_fail(EINVAL, "a queue holds 1..65535 trackers, not %u", n);
	tt->t = calloc(n, sizeof(*tt->t));
	if (!tt->t)
		return nvmu_fail(ENOMEM, "out of memory for %u request trackers", n);
	tt->n = (uint16_t)n;
	tt->idx_bits = bits_for(n);
	tt->gen_mask = (uint16_t)((1u << (16 - tt->idx_bits)) - 1);
	tt->in_use = 0;
	for (uint32_t i = 0; i < n; i++)
		tt->t[i].next_free = (uint16_t)(i + 1);
	tt->free_head = 0;
	return 0;
}

void tracker_table_fini(struct tracker_table *tt)
{
	free(tt->t);
	tt->t = NULL;
	tt->n = 0;
}

struct nvmu_tracker *tracker_get(struct tracker_table *tt)
{
	struct nvmu_tracker *trk;

	if (tt->free_head >= tt->n)
		return NULL;
	trk = &tt->t[tt->free_head];
	tt->free_head = trk->next_free;
	trk->state = TRACKER_BUSY;
	tt->in_use++;
	return trk;
}

void tracker_put(struct tracker_table *tt, struct nvmu_tracker *trk)
{
	trk->state = TRACKER_FREE;
	trk->cb = NULL;
	trk->arg = NULL;
	trk->gen = (uint16_t)((trk->gen + 1) & tt->gen_mask);
	trk->next_free = tt->free_head;
	tt->free_head = (uint16_t)(trk - tt->t);
	tt->in_use--;
}

uint16_t tracker_cid(const struct tracker_table *tt, const struct nvmu_tracker *trk)
{
	uint32_t idx = (uint32_t)(trk - tt->t);

	if (tt->idx_bits >= 16)
		return (uint16_t)idx;
	return (uint16_t)(idx | (uint32_t)trk->gen << tt->idx_bits);
}

enum cid_check tracker_lookup(const struct tracker_table *tt, uint16_t cid,
			      struct nvmu_tracker **out)
{
	uint32_t idx = tt->idx_bits >= 16 ? cid : cid & ((1u << tt->idx_bits) - 1);
	uint32_t gen = tt->idx_bits >= 16 ? 0 : (uint32_t)cid >> tt->idx_bits;
	struct nvmu_tracker *trk;

	if (idx >= tt->n)
		return CID_OUT_OF_RANGE;
	trk = &tt->t[idx];
	if (trk->state == TRACKER_FREE)
		return CID_IDLE;
	if (trk->gen != gen)
		return CID_STALE;
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
	}
	return "?";
}
