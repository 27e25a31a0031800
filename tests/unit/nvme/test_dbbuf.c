/* SPDX-License-Identifier: MIT */
/* Shadow doorbells: the event-index rule, and MMIO writes only when it asks for them. */
#include "check.h"
#include "nvmu/nvme.h"

#define DB_UNTOUCHED 0xdeadbeefu

TEST(event_index_rule)
{
	/* The controller waits at 5 (it consumed up to there): moving 5 -> 6 crosses it. */
	CHECK(nvmu_dbbuf_need_event(5, 6, 5));
	/* It still works on entries before 5: moving 5 -> 8 does not need a doorbell... */
	CHECK(!nvmu_dbbuf_need_event(3, 8, 5));
	/* ...but it does when the event index lies in [old, new). */
	CHECK(nvmu_dbbuf_need_event(7, 8, 5));
	CHECK(!nvmu_dbbuf_need_event(8, 8, 5));
	/* Across the 16-bit wrap. */
	CHECK(nvmu_dbbuf_need_event(0xffff, 2, 0xfffe));
	CHECK(!nvmu_dbbuf_need_event(0xfffd, 2, 0xfffe));
	/* Nothing moved: never. */
	CHECK(!nvmu_dbbuf_need_event(5, 5, 5));
}

TEST(sq_writes_the_shadow_and_mmio_only_when_asked)
{
	struct nvmu_sqe ring[8] = { 0 };
	uint32_t db = DB_UNTOUCHED, shadow = 0, ei = 0;
	struct nvmu_sq sq = { .ring = ring, .doorbell = &db, .size = 8, .shadow = &shadow,
			      .eventidx = &ei };
	struct nvmu_sqe cmd = { .opcode = 1 };

	nvmu_sq_post(&sq, &cmd);
	nvmu_sq_ring(&sq); /* event index 0 in [0, 1): MMIO */
	CHECK_EQ(shadow, 1);
	CHECK_EQ(db, 1);
	db = DB_UNTOUCHED;
	nvmu_sq_post(&sq, &cmd);
	nvmu_sq_ring(&sq); /* the controller has not caught up (event index 0): shadow only */
	CHECK_EQ(shadow, 2);
	CHECK_EQ(db, DB_UNTOUCHED);
	ei = 2; /* it consumed everything and waits at 2 */
	nvmu_sq_post(&sq, &cmd);
	nvmu_sq_post(&sq, &cmd);
	nvmu_sq_ring(&sq);
	CHECK_EQ(shadow, 4);
	CHECK_EQ(db, 4);
	db = DB_UNTOUCHED;
	nvmu_sq_ring(&sq); /* nothing new: nothing written */
	CHECK_EQ(db, DB_UNTOUCHED);
}

TEST(cq_head_follows_the_same_rule)
{
	struct nvmu_cqe ring[4] = { 0 };
	uint32_t db = DB_UNTOUCHED, shadow = 0, ei = 0;
	struct nvmu_cq cq = { .ring = ring, .doorbell = &db, .size = 4, .phase = 1,
			      .shadow = &shadow, .eventidx = &ei };

	ring[0].status = 1;
	ring[1].status = 1;
	nvmu_cq_advance(&cq);
	nvmu_cq_ring(&cq); /* event index 0 in [0, 1) */
	CHECK_EQ(shadow, 1);
	CHECK_EQ(db, 1);
	db = DB_UNTOUCHED;
	nvmu_cq_advance(&cq);
	nvmu_cq_ring(&cq); /* event index still 0: shadow only */
	CHECK_EQ(shadow, 2);
	CHECK_EQ(db, DB_UNTOUCHED);
}

TEST(without_shadow_every_batch_rings_mmio)
{
	struct nvmu_sqe ring[4] = { 0 };
	uint32_t db = DB_UNTOUCHED;
	struct nvmu_sq sq = { .ring = ring, .doorbell = &db, .size = 4 };
	struct nvmu_sqe cmd = { 0 };

	nvmu_sq_post(&sq, &cmd);
	nvmu_sq_ring(&sq);
	CHECK_EQ(db, 1);
}

RUN_TESTS(T(event_index_rule), T(sq_writes_the_shadow_and_mmio_only_when_asked),
	  T(cq_head_follows_the_same_rule), T(without_shadow_every_batch_rings_mmio))
