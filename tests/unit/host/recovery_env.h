/* SPDX-License-Identifier: MIT */
/* The rig of the recovery tests (test_recovery_*.c): the host API attached to a software
 * controller with one queue pair (and sometimes a second), requests of one block each
 * whose callbacks count their calls, bounded polling, fault rules, and data patterns that
 * tell which round of writes a block holds. Include after check.h. */
#ifndef NVMU_TEST_RECOVERY_ENV_H
#define NVMU_TEST_RECOVERY_ENV_H

#include <errno.h>

#include "nvmu/host.h"
#include "soft/soft_env.h"

#define LBS 4096u
#define MAX_REQS 96
#define SHORT_MS 200   /* deadline of the commands meant to time out */
#define LONG_MS 10000  /* deadline of the commands that must not */
#define WAIT_MS 3000   /* bound of every wait */
/* "Promptly": what a short deadline or a removal must take at most. Far below LONG_MS and
 * the delays the tests set against it, with room for a machine loaded by other work (a
 * sanitizer build beside two guests took 1.2 s for a 200 ms deadline). */
#define PROMPT_MS 2500
#define SETTLE_MS 50   /* polling after the last completion, to catch a second one */
#define SPEC "lbs=4096,size=4M"

#define ABORTED_BY_HOST NVMU_STATUS_HOST(NVME_SC_CMD_ABORTED_BY_HOST)

/* What one request's callback saw. */
struct tally {
	unsigned calls;
	int err;
	uint16_t status;
	uint64_t submit_ns, done_ns;
};

struct rig {
	struct nvmu_host_ctrl *h;
	struct nvmu_transport *t;
	struct nvmu_ns *ns;
	struct nvmu_host_qpair *qp;
	struct nvmu_host_qpair *qp2; /* a second pair, when a test makes one */
	struct nvmu_dma_buf buf; /* one block per request */
	struct tally req[MAX_REQS];
	unsigned n;              /* requests submitted */
};

static inline void tally_cb(void *arg, const struct nvmu_cpl *cpl)
{
	struct tally *t = arg;

	t->calls++;
	t->err = cpl->err;
	t->status = cpl->status;
	t->done_ns = nvmu_now_ns();
}

static inline uint32_t ms_since(uint64_t ns)
{
	return (uint32_t)((nvmu_now_ns() - ns) / 1000000u);
}

/* Attach "soft:@spec" with @ho and create a pair with @qo. */
static inline bool rig_open(struct rig *r, const char *spec, const struct nvmu_host_opts *ho,
			    const struct nvmu_host_qpair_opts *qo)
{
	char dev[128];

	memset(r, 0, sizeof(*r));
	snprintf(dev, sizeof(dev), "soft:%s", spec);
	if (nvmu_host_attach(dev, ho, &r->h) < 0) {
		fprintf(stderr, "attach %s: %s\n", dev, nvmu_last_error());
		check_failures++;
		return false;
	}
	r->t = nvmu_ctrl_transport(nvmu_host_core(r->h));
	r->ns = nvmu_host_ns(r->h, 0);
	CHECK_EQ(nvmu_host_qpair_create(r->h, qo, &r->qp), 0);
	CHECK_EQ(nvmu_host_dma_alloc(r->h, (size_t)MAX_REQS * LBS, &r->buf), 0);
	return r->ns && r->qp && r->buf.vaddr;
}

/* Detach (bounded: it must return within a second); returns detach's result. */
static inline int rig_close(struct rig *r)
{
	uint64_t t0 = nvmu_now_ns();
	int ret;

	if (!r->h)
		return 0;
	CHECK_EQ(soft_violations(r->t), 0);
	nvmu_host_dma_free(r->h, &r->buf);
	ret = nvmu_host_detach(r->h);
	CHECK(ms_since(t0) < 1000);
	r->h = NULL;
	return ret;
}

/* Detach a controller that cannot be shut down cleanly any more: it must return within
 * half a second; returns detach's result. */
static inline int rig_close_at_once(struct rig *r)
{
	uint64_t t0 = nvmu_now_ns();
	int ret = rig_close(r);

	CHECK(ms_since(t0) < 500);
	return ret;
}

/* Forget the requests made so far: the next ones use the slots (and buffers) again. */
static inline void rig_forget(struct rig *r)
{
	r->n = 0;
	memset(r->req, 0, sizeof(r->req));
}

static inline int fault(struct rig *r, struct nvmu_soft_fault f)
{
	int id = nvmu_soft_fault_add(r->t, &f);

	CHECK(id >= 0);
	return id;
}

/* A rule on the I/O commands: from the @nth (0 or 1: the next), @times of them (0: all). */
static inline struct nvmu_soft_fault io_any(enum nvmu_soft_fault_action a, unsigned nth,
					    unsigned times)
{
	return (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO, .nth = nth, .times = times,
					 .action = a };
}

/* A rule matching the I/O commands of @opcode. */
static inline struct nvmu_soft_fault io_rule(uint8_t opcode, enum nvmu_soft_fault_action a)
{
	return (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_IO | NVMU_SOFT_MATCH_OPCODE,
					 .opcode = opcode, .action = a };
}

/* A rule matching admin commands of @opcode. */
static inline struct nvmu_soft_fault admin_rule(uint8_t opcode, enum nvmu_soft_fault_action a)
{
	return (struct nvmu_soft_fault){ .match = NVMU_SOFT_MATCH_QUEUE | NVMU_SOFT_MATCH_OPCODE,
					 .opcode = opcode, .qid = 0, .action = a };
}

/* Hold the next @times I/O commands @delay_ms each before completing them; the rule's id. */
static inline int hold_io(struct rig *r, unsigned times, uint32_t delay_ms)
{
	struct nvmu_soft_fault f = io_any(NVMU_SOFT_FAULT_LATE, 0, times);

	f.delay_ms = delay_ms;
	return fault(r, f);
}

/* Wait (bounded) until rule @id fired @n times: the commands it holds were fetched. */
static inline void wait_hits(struct rig *r, int id, uint64_t n)
{
	uint64_t deadline = nvmu_deadline_ms(WAIT_MS);

	while (nvmu_soft_fault_hits(r->t, id) < n && !nvmu_deadline_passed(deadline))
		nvmu_sleep_us(100);
	CHECK_EQ(nvmu_soft_fault_hits(r->t, id), n);
}

/* The 64-bit words of block @lba written in round @gen (round 0: never written, zeroes). */
static inline uint64_t pattern(uint64_t lba, unsigned gen, size_t word)
{
	return gen ? lba << 40 | (uint64_t)gen << 20 | word : 0;
}

static inline void fill(void *p, uint64_t lba, unsigned gen)
{
	uint64_t *w = p;

	for (size_t i = 0; i < LBS / 8; i++)
		w[i] = pattern(lba, gen, i);
}

static inline bool holds(const void *p, uint64_t lba, unsigned gen)
{
	const uint64_t *w = p;

	for (size_t i = 0; i < LBS / 8; i++)
		if (w[i] != pattern(lba, gen, i))
			return false;
	return true;
}

/* Request slot @i's block of the rig's buffer. */
static inline void *slot(const struct rig *r, unsigned i)
{
	return (uint8_t *)r->buf.vaddr + (size_t)i * LBS;
}

/* Submit on @qp a read (or a write of round @gen's pattern) of block @lba with request
 * slot r->n. Returns the slot. */
static inline unsigned submit_on(struct rig *r, struct nvmu_host_qpair *qp, bool write,
				 uint64_t lba, unsigned gen)
{
	unsigned i = r->n++;
	struct nvmu_dma_buf piece = nvmu_dma_slice(&r->buf, (size_t)i * LBS, LBS);
	int ret;

	r->req[i].submit_ns = nvmu_now_ns();
	if (write) {
		fill(piece.vaddr, lba, gen);
		ret = nvmu_ns_write(qp, r->ns, lba, &piece, 1, 0, tally_cb, &r->req[i]);
	} else {
		memset(piece.vaddr, 0, LBS);
		ret = nvmu_ns_read(qp, r->ns, lba, &piece, 1, 0, tally_cb, &r->req[i]);
	}
	if (ret < 0)
		fprintf(stderr, "submission %u: %s\n", i, nvmu_last_error());
	CHECK_EQ(ret, 0);
	return i;
}

static inline unsigned submit(struct rig *r, bool write, uint64_t lba, unsigned gen)
{
	return submit_on(r, r->qp, write, lba, gen);
}

/* A submission on the rig's pair that must be refused with @err (not counted as a
 * request: the controller cannot take it). */
static inline void check_refused(struct rig *r, bool write, int err)
{
	struct nvmu_dma_buf piece = nvmu_dma_slice(&r->buf, 0, LBS);
	struct tally *t = &r->req[r->n];

	CHECK_EQ(write ? nvmu_ns_write(r->qp, r->ns, 0, &piece, 1, 0, tally_cb, t)
		       : nvmu_ns_read(r->qp, r->ns, 0, &piece, 1, 0, tally_cb, t), err);
}

static inline bool all_done(const struct rig *r)
{
	for (unsigned i = 0; i < r->n; i++)
		if (r->req[i].calls == 0)
			return false;
	return nvmu_host_qpair_pending(r->qp) == 0 &&
	       (!r->qp2 || nvmu_host_qpair_pending(r->qp2) == 0);
}

static inline void poll_once(struct rig *r, bool admin)
{
	nvmu_host_qpair_poll(r->qp, 0);
	if (r->qp2)
		nvmu_host_qpair_poll(r->qp2, 0);
	if (admin)
		nvmu_host_admin_poll(r->h);
}

/* Poll (also the admin queue when @admin) until every request completed or @ms passed;
 * then a little longer to catch a second completion. Returns true if all completed. */
static inline bool run(struct rig *r, bool admin, uint32_t ms)
{
	uint64_t deadline = nvmu_deadline_ms(ms);
	bool done;

	while (!(done = all_done(r)) && !nvmu_deadline_passed(deadline))
		poll_once(r, admin);
	deadline = nvmu_deadline_ms(SETTLE_MS);
	while (!nvmu_deadline_passed(deadline))
		poll_once(r, admin);
	return done;
}

/* Poll until the controller's state is @st or @ms passed; returns the milliseconds it took. */
static inline uint32_t run_until_state(struct rig *r, bool admin, enum nvmu_ctrl_state st,
				       uint32_t ms)
{
	uint64_t t0 = nvmu_now_ns(), deadline = nvmu_deadline_ms(ms);

	while (nvmu_host_state(r->h) != st && !nvmu_deadline_passed(deadline))
		poll_once(r, admin);
	CHECK_EQ(nvmu_host_state(r->h), st);
	return ms_since(t0);
}

/* The rig of the split requests: MDTS 5 splits SPLIT_BLOCKS (256 KiB) in two children. */
#define SPLIT_SPEC "mdts=5," SPEC
#define SPLIT_BLOCKS 64

/* A write of blocks [0, SPLIT_BLOCKS) in round @gen as one request with slot r->n, whose
 * second child meets fault @a (with @status, for NVMU_SOFT_FAULT_STATUS); polls (the
 * admin queue too when @admin) until it completed and nothing is pending, then a little
 * longer. Returns the slot. */
static inline unsigned split_write(struct rig *r, enum nvmu_soft_fault_action a,
				   uint16_t status, unsigned gen, bool admin)
{
	struct nvmu_soft_fault f = io_rule(nvme_cmd_write, a);
	unsigned i = r->n++;
	struct nvmu_dma_buf big;
	uint64_t deadline = nvmu_deadline_ms(WAIT_MS);

	f.nth = 2;
	f.times = 1;
	f.status = status;
	fault(r, f);
	CHECK_EQ(nvmu_host_dma_alloc(r->h, (size_t)SPLIT_BLOCKS * LBS, &big), 0);
	for (unsigned b = 0; b < SPLIT_BLOCKS; b++)
		fill((uint8_t *)big.vaddr + (size_t)b * LBS, b, gen);
	r->req[i].submit_ns = nvmu_now_ns();
	CHECK_EQ(nvmu_ns_write(r->qp, r->ns, 0, &big, 1, 0, tally_cb, &r->req[i]), 0);
	while ((r->req[i].calls == 0 || nvmu_host_qpair_pending(r->qp)) &&
	       !nvmu_deadline_passed(deadline))
		poll_once(r, admin);
	CHECK(run(r, admin, WAIT_MS)); /* settles: a second call (the Abort's own completion) */
	nvmu_host_dma_free(r->h, &big);
	return i;
}

/* Every request submitted completed exactly once and nothing is pending. */
static inline void check_once(struct rig *r)
{
	for (unsigned i = 0; i < r->n; i++) {
		if (r->req[i].calls != 1) {
			fprintf(stderr, "request %u completed %u times\n", i, r->req[i].calls);
			check_failures++;
		}
	}
	CHECK_EQ(nvmu_host_qpair_pending(r->qp), 0);
	CHECK_EQ(nvmu_host_qpair_waiting(r->qp), 0);
	if (r->qp2)
		CHECK_EQ(nvmu_host_qpair_pending(r->qp2), 0);
}

/* Request @i's error, with its status in the message when it is not @err. */
static inline void check_err(const struct rig *r, unsigned i, int err)
{
	if (r->req[i].err != err) {
		char text[NVMU_STATUS_TEXT_MAX];

		fprintf(stderr, "request %u: err %d, expected %d (status %s)\n", i, r->req[i].err,
			err, nvmu_status_text(r->req[i].status, text, sizeof(text)));
		check_failures++;
	}
}

static inline void check_errs(const struct rig *r, unsigned from, unsigned to, int err)
{
	for (unsigned i = from; i < to; i++)
		check_err(r, i, err);
}

/* Poll until every request completed (bounded), each exactly once, requests [0, @ok) with
 * no error and [@ok, r->n) with @err. */
static inline void check_all(struct rig *r, unsigned ok, int err)
{
	CHECK(run(r, false, WAIT_MS));
	check_once(r);
	check_errs(r, 0, ok, 0);
	check_errs(r, ok, r->n, err);
}

/* Milliseconds from request @i's submission to its completion. */
static inline uint32_t latency_ms(const struct rig *r, unsigned i)
{
	return (uint32_t)((r->req[i].done_ns - r->req[i].submit_ns) / 1000000u);
}

/* The longest a request took (how long the recovery held it up). */
static inline uint32_t worst_latency_ms(const struct rig *r)
{
	uint32_t worst = 0;

	for (unsigned i = 0; i < r->n; i++)
		if (latency_ms(r, i) > worst)
			worst = latency_ms(r, i);
	return worst;
}

static inline struct nvmu_ctrl_recovery_stats rec(const struct rig *r)
{
	struct nvmu_ctrl_recovery_stats st;

	nvmu_ctrl_recovery_stats(nvmu_host_core(r->h), &st);
	return st;
}

static inline struct nvmu_qpair_stats qstats_of(struct nvmu_host_qpair *qp)
{
	struct nvmu_qpair_stats st;

	nvmu_qpair_stats(nvmu_host_qpair_core(qp), &st);
	return st;
}

static inline struct nvmu_qpair_stats qstats(const struct rig *r)
{
	return qstats_of(r->qp);
}

/* Reads of blocks [0, @count) return what round @gen wrote; the queue pair still works. */
static inline void check_blocks(struct rig *r, unsigned count, unsigned gen)
{
	unsigned first = r->n;

	for (unsigned b = 0; b < count; b++)
		submit(r, false, b, 0);
	CHECK(run(r, false, WAIT_MS));
	check_errs(r, first, r->n, 0);
	for (unsigned b = 0; b < count; b++) {
		if (!holds(slot(r, first + b), b, gen)) {
			fprintf(stderr, "block %u does not hold round %u's data\n", b, gen);
			check_failures++;
		}
	}
	check_once(r);
}

static inline void report(const char *test, const struct rig *r, uint32_t ms)
{
	fprintf(stderr, "# %s: recovered in %u ms (last reset %llu us, %llu resets)\n", test, ms,
		(unsigned long long)rec(r).last_reset_us, (unsigned long long)rec(r).resets);
}

#endif
