/* SPDX-License-Identifier: MIT */
/* Request trackers: CID = index + generation; stale, idle and out-of-range CIDs. */
#include "check.h"
#include "nvme/tracker.h"

TEST(cid_is_index_plus_generation)
{
	struct nvmu_tracker_table tt;
	struct nvmu_tracker *a, *b, *found = NULL;

	CHECK_EQ(tracker_table_init(&tt, 31), 0); /* 5 index bits, 11 generation bits */
	CHECK_EQ(tt.idx_bits, 5);
	CHECK_EQ((0xffffu >> tt.idx_bits), 0x7ff);
	a = tracker_get(&tt);
	b = tracker_get(&tt);
	CHECK(a && b && a != b);
	CHECK_EQ(nvmu_tracker_cid(a), (uint16_t)(a - tt.t));
	CHECK_EQ(tracker_check(&tt, nvmu_tracker_cid(b), &found), CID_OK);
	CHECK(found == b);
	CHECK(tt.free == &tt.t[2]);
	tracker_table_fini(&tt);
}

TEST(released_cid_becomes_idle_then_stale)
{
	struct nvmu_tracker_table tt;
	struct nvmu_tracker *a, *again, *found = NULL;
	uint16_t old;

	CHECK_EQ(tracker_table_init(&tt, 8), 0);
	a = tracker_get(&tt);
	old = nvmu_tracker_cid(a);
	tracker_put(&tt, a);
	/* A duplicate completion of a finished command names an idle tracker. */
	CHECK_EQ(tracker_check(&tt, old, &found), CID_IDLE);
	/* The slot is reused (LIFO) under a new generation: the old CID is stale. */
	again = tracker_get(&tt);
	CHECK(again == a);
	CHECK(nvmu_tracker_cid(again) != old);
	CHECK_EQ(nvmu_tracker_cid(again) & 7, old & 7);
	CHECK_EQ(tracker_check(&tt, old, &found), CID_STALE);
	CHECK_EQ(tracker_check(&tt, nvmu_tracker_cid(again), &found), CID_OK);
	tracker_table_fini(&tt);
}

TEST(out_of_range_cids)
{
	struct nvmu_tracker_table tt;
	struct nvmu_tracker *found = NULL;

	CHECK_EQ(tracker_table_init(&tt, 5), 0); /* 3 index bits: indexes 5..7 do not exist */
	for (int i = 0; i < 5; i++)
		tracker_get(&tt);
	CHECK_EQ(tracker_check(&tt, 4, &found), CID_OK);
	CHECK_EQ(tracker_check(&tt, 5, &found), CID_OUT_OF_RANGE);
	CHECK_EQ(tracker_check(&tt, 7, &found), CID_OUT_OF_RANGE);
	CHECK_EQ(tracker_check(&tt, 0xffff, &found), CID_OUT_OF_RANGE);
	tracker_table_fini(&tt);
}

TEST(table_exhaustion_and_generation_wrap)
{
	struct nvmu_tracker_table tt;
	struct nvmu_tracker *t, *found = NULL;
	uint16_t first;

	CHECK_EQ(tracker_table_init(&tt, 3), 0); /* 2 index bits, 14 generation bits */
	CHECK(tracker_get(&tt) && tracker_get(&tt) && tracker_get(&tt));
	CHECK(tracker_get(&tt) == NULL);
	t = &tt.t[1];
	first = nvmu_tracker_cid(t);
	for (uint32_t i = 0; i <= (0xffffu >> tt.idx_bits); i++) {
		tracker_put(&tt, t);
		CHECK(tracker_get(&tt) == t);
	}
	/* After exactly 2^14 reuses the generation is back where it started. */
	CHECK_EQ(nvmu_tracker_cid(t), first);
	CHECK_EQ(tracker_check(&tt, first, &found), CID_OK);
	tracker_table_fini(&tt);
}

TEST(full_16_bit_index_has_no_generation)
{
	struct nvmu_tracker_table tt;
	struct nvmu_tracker *t, *found = NULL;

	CHECK_EQ(tracker_table_init(&tt, 65535), 0);
	CHECK_EQ(tt.idx_bits, 16);
	CHECK_EQ((0xffffu >> tt.idx_bits), 0);
	t = tracker_get(&tt);
	CHECK_EQ(nvmu_tracker_cid(t), 0);
	CHECK_EQ(tracker_check(&tt, 0, &found), CID_OK);
	CHECK_EQ(tracker_check(&tt, 0xffff, &found), CID_OUT_OF_RANGE);
	CHECK_EQ(tracker_check(&tt, 1, &found), CID_IDLE);
	tracker_table_fini(&tt);
	CHECK_EQ(tracker_table_init(&tt, 0), -EINVAL);
	CHECK_EQ(tracker_table_init(&tt, 65536), -EINVAL);
}

/* Taking and releasing write the tracker's word: state, flags, retries and CID together. */
TEST(take_and_release_set_the_whole_word)
{
	struct nvmu_tracker_table tt;
	struct nvmu_tracker *t;
	uint16_t cid;

	CHECK_EQ(tracker_table_init(&tt, 4), 0);
	t = nvmu_tracker_take(&tt, tt.free, tracker_word(0, TRACKER_BUSY, TRK_NO_TIMEOUT));
	CHECK(t == &tt.t[0]);
	CHECK(tt.free == &tt.t[1]);
	CHECK_EQ(t->state, TRACKER_BUSY);
	CHECK_EQ(t->flags, TRK_NO_TIMEOUT);
	CHECK_EQ(t->retries, 0);
	cid = nvmu_tracker_cid(t);
	CHECK(tracker_find(&tt, cid) == t);
	t->retries = 2;
	t->flags |= TRK_TIMED_OUT;
	tracker_put(&tt, t);
	CHECK_EQ(t->state, TRACKER_FREE);
	CHECK_EQ(t->flags, 0);
	CHECK_EQ(t->retries, 0);
	CHECK(t->live_cid & TRACKER_IDLE);
	CHECK(tracker_find(&tt, cid) == NULL);
	CHECK(tt.free == t); /* LIFO */
	t = tracker_get(&tt);
	CHECK_EQ(t->flags, 0);
	CHECK(nvmu_tracker_cid(t) != cid); /* next generation */
	CHECK(tracker_find(&tt, nvmu_tracker_cid(t)) == t);
	tracker_table_fini(&tt);
}

RUN_TESTS(T(cid_is_index_plus_generation), T(released_cid_becomes_idle_then_stale),
	  T(out_of_range_cids), T(table_exhaustion_and_generation_wrap),
	  T(full_16_bit_index_has_no_generation), T(take_and_release_set_the_whole_word))
