/* SPDX-License-Identifier: MIT */
/* What a completion callback may do with its own queue pair: delete it (the fast path
 * and the request path), wait for synchronous I/O on it for more than a queue's worth of
 * completions; and what another thread gets when it uses the pair at the same time. */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "host_soft_env.h"

#define TIMEOUT_MS 5000

/* A pair, one namespace and a buffer of a few blocks, on a software controller. */
struct env {
	struct nvmu_host_ctrl *h;
	struct nvmu_transport *t;
	struct nvmu_host_qpair *qp;
	struct nvmu_ns *ns;
	struct nvmu_dma_buf buf;
};

static bool env_open(struct env *e, const char *dev, const struct nvmu_host_qpair_opts *qo)
{
	memset(e, 0, sizeof(*e));
	e->h = attach(dev);
	if (!e->h)
		return false;
	e->t = nvmu_ctrl_transport(nvmu_host_core(e->h));
	e->ns = nvmu_host_ns(e->h, 0);
	CHECK_EQ(nvmu_host_qpair_create(e->h, qo, &e->qp), 0);
	CHECK_EQ(nvmu_host_dma_alloc(e->h, 4 * 4096, &e->buf), 0);
	return e->qp && e->buf.vaddr;
}

static void env_close(struct env *e)
{
	if (!e->h)
		return;
	nvmu_host_dma_free(e->h, &e->buf);
	detach(e->h);
}

/* ---- deleting the pair from one of its callbacks ---- */

struct deleter {
	struct nvmu_host_qpair *qp;
	unsigned calls;
	int err, deleted;
};

static void delete_in_callback(void *arg, const struct nvmu_cpl *cpl)
{
	struct deleter *d = arg;

	d->calls++;
	d->err = cpl->err;
	if (d->calls == 1)
		d->deleted = nvmu_host_qpair_delete(d->qp);
}

static void count_calls(void *arg, const struct nvmu_cpl *cpl)
{
	struct deleter *d = arg;

	d->calls++;
	d->err = cpl->err;
}

/* Delete the pair from the callback of its first command (a read that takes the fast
 * path, or a flush, which is a request), with a read in flight behind it, and poll until
 * the pair is gone. The first command succeeded, the read ended once; the poll that ran
 * the callback returned normally. */
static void delete_from_callback(bool request)
{
	struct env e;
	struct deleter first = { 0 }, second = { 0 };
	struct nvmu_dma_buf one;
	int polled = -1;

	if (!env_open(&e, "soft:size=1M,lbs=4096,mode=step", NULL))
		goto out;
	first.qp = e.qp;
	one = nvmu_dma_slice(&e.buf, 0, 4096);
	CHECK_EQ(request ? nvmu_ns_flush(e.qp, e.ns, delete_in_callback, &first)
			 : nvmu_ns_read(e.qp, e.ns, 0, &one, 1, 0, delete_in_callback, &first), 0);
	nvmu_soft_step(e.t, 0); /* the first command completes, the read never does */
	CHECK_EQ(nvmu_ns_read(e.qp, e.ns, 8, &one, 1, 0, count_calls, &second), 0);
	for (unsigned k = 0; k < 100 && first.calls == 0; k++)
		polled = nvmu_host_qpair_poll(e.qp, 0);
	/* The pair is gone: only the results are looked at. */
	CHECK(polled >= 1);
	CHECK_EQ(first.calls, 1);
	CHECK_EQ(first.err, 0);
	CHECK_EQ(first.deleted, 0);
	CHECK_EQ(second.calls, 1);
	CHECK_EQ(second.err, -ECANCELED);
out:
	env_close(&e);
}

TEST(a_fast_path_callback_deletes_its_pair)
{
	delete_from_callback(false);
}

TEST(a_request_callback_deletes_its_pair)
{
	delete_from_callback(true);
}

/* A callback that deletes the pair while it waits inside nvmu_host_wait() on it: the wait
 * returns the waiter's result and only then is the pair freed. */
struct wait_delete {
	struct nvmu_host_qpair *qp;
	int deleted;
};

static void delete_then_note(void *arg, const struct nvmu_cpl *cpl)
{
	struct wait_delete *wd = arg;

	(void)cpl;
	wd->deleted = nvmu_host_qpair_delete(wd->qp);
}

TEST(a_callback_deletes_the_pair_a_wait_polls)
{
	struct env e;
	struct wait_delete wd = { 0 };
	struct nvmu_host_waiter w = { 0 };
	struct nvmu_dma_buf one;

	if (!env_open(&e, "soft:size=1M,lbs=4096", NULL))
		goto out;
	wd.qp = e.qp;
	one = nvmu_dma_slice(&e.buf, 0, 4096);
	CHECK_EQ(nvmu_ns_read(e.qp, e.ns, 0, &one, 1, 0, delete_then_note, &wd), 0);
	CHECK_EQ(nvmu_ns_read(e.qp, e.ns, 1, &one, 1, 0, nvmu_host_sync_cb, &w), 0);
	/* Either the read completed before the pair went, or the deletion cancelled it. */
	CHECK(nvmu_host_wait(e.qp, &w, TIMEOUT_MS) == 0 || w.cpl.err == -ECANCELED);
	CHECK_EQ(wd.deleted, 0);
out:
	env_close(&e);
}

/* ---- synchronous I/O inside a callback ---- */

struct nested {
	struct nvmu_host_qpair *qp;
	struct nvmu_ns *ns;
	struct nvmu_dma_buf buf;
	unsigned reads, ok;
};

static void read_sync_in_callback(void *arg, const struct nvmu_cpl *cpl)
{
	struct nested *n = arg;

	CHECK_EQ(cpl->err, 0);
	for (unsigned i = 0; i < n->reads; i++)
		if (nvmu_ns_read_sync(n->qp, n->ns, i, &n->buf, 1, 0, 500, NULL) == 0)
			n->ok++;
		else
			fprintf(stderr, "nested read %u: %s\n", i, nvmu_last_error());
}

static uint64_t completions_posted(struct nvmu_transport *t)
{
	struct nvmu_soft_stats st;

	nvmu_soft_stats(t, &st);
	return st.completions;
}

/*
 * Three reads fill a 4-entry CQ before the pair is polled. The poll takes the first two
 * and runs the third's callback, which reads synchronously 10 times on the same pair:
 * the device can post those completions only once the CQ head the outer poll consumed is
 * rung, so each nested poll rings what was consumed before it, even when it found
 * nothing yet, and the outer poll rings what is left.
 */
TEST(synchronous_io_inside_a_callback_outlasts_a_queue)
{
	struct nvmu_host_qpair_opts qo = { .entries = 4 };
	struct env e;
	struct nested n = { .reads = 10 };
	struct deleter a = { 0 }, b = { 0 };
	struct nvmu_dma_buf one;
	uint64_t before, deadline = nvmu_deadline_ms(TIMEOUT_MS);

	if (!env_open(&e, "soft:size=1M,lbs=4096", &qo))
		goto out;
	n.qp = e.qp;
	n.ns = e.ns;
	n.buf = nvmu_dma_slice(&e.buf, 4096, 4096);
	one = nvmu_dma_slice(&e.buf, 0, 4096);
	before = completions_posted(e.t);
	CHECK_EQ(nvmu_ns_read(e.qp, e.ns, 0, &one, 1, 0, count_calls, &a), 0);
	CHECK_EQ(nvmu_ns_read(e.qp, e.ns, 1, &one, 1, 0, count_calls, &b), 0);
	CHECK_EQ(nvmu_ns_read(e.qp, e.ns, 2, &one, 1, 0, read_sync_in_callback, &n), 0);
	while (completions_posted(e.t) < before + 3 && !nvmu_deadline_passed(deadline))
		nvmu_sleep_us(100);
	while (nvmu_host_qpair_pending(e.qp) && !nvmu_deadline_passed(deadline))
		nvmu_host_qpair_poll(e.qp, 0);
	CHECK_EQ(a.calls, 1);
	CHECK_EQ(b.calls, 1);
	CHECK_EQ(n.ok, n.reads);
	CHECK_EQ(nvmu_host_qpair_pending(e.qp), 0);
	CHECK_EQ(nvmu_host_qpair_delete(e.qp), 0);
out:
	env_close(&e);
}

/* ---- a second thread on the pair ---- */

struct intruder {
	struct env *e;
	int inside, finished; /* set by the owner's callback, and by the intruder */
	int flush, poll, wait, del;
};

static void *intrude(void *arg)
{
	struct intruder *in = arg;
	struct nvmu_host_waiter w = { 0 };
	uint64_t deadline = nvmu_deadline_ms(TIMEOUT_MS);

	while (!__atomic_load_n(&in->inside, __ATOMIC_ACQUIRE) && !nvmu_deadline_passed(deadline))
		nvmu_sleep_us(100);
	in->flush = nvmu_ns_flush(in->e->qp, in->e->ns, nvmu_host_sync_cb, &w);
	in->poll = nvmu_host_qpair_poll(in->e->qp, 0);
	in->wait = nvmu_host_wait(in->e->qp, &w, 10);
	in->del = nvmu_host_qpair_delete(in->e->qp);
	__atomic_store_n(&in->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* The owner's callback: stays inside the poll until the intruder is done. */
static void hold_the_pair(void *arg, const struct nvmu_cpl *cpl)
{
	struct intruder *in = arg;
	uint64_t deadline = nvmu_deadline_ms(TIMEOUT_MS);

	CHECK_EQ(cpl->err, 0);
	__atomic_store_n(&in->inside, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&in->finished, __ATOMIC_ACQUIRE) &&
	       !nvmu_deadline_passed(deadline))
		nvmu_sleep_us(100);
}

/* While the owner is inside a poll of its pair, another thread's flush, poll, wait and
 * delete on the pair fail with -EBUSY and leave it intact; the owner then goes on. */
TEST(a_second_thread_inside_the_pair_gets_ebusy)
{
	struct env e;
	struct intruder in = { .e = &e };
	struct nvmu_dma_buf one;
	pthread_t t;

	if (!env_open(&e, "soft:size=1M,lbs=4096,mode=step", NULL))
		goto out;
	one = nvmu_dma_slice(&e.buf, 0, 4096);
	CHECK_EQ(nvmu_ns_read(e.qp, e.ns, 0, &one, 1, 0, hold_the_pair, &in), 0);
	nvmu_soft_step(e.t, 0);
	CHECK_EQ(pthread_create(&t, NULL, intrude, &in), 0);
	CHECK_EQ(nvmu_host_qpair_poll(e.qp, 0), 1);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(in.flush, -EBUSY);
	CHECK_EQ(in.poll, -EBUSY);
	CHECK_EQ(in.wait, -EBUSY);
	CHECK_EQ(in.del, -EBUSY);
	CHECK_EQ(nvmu_host_qpair_pending(e.qp), 0);
	/* The pair still works (the periodic check's register reads step the device). */
	CHECK_EQ(nvmu_ns_read_sync(e.qp, e.ns, 0, &one, 1, 0, TIMEOUT_MS, NULL), 0);
	CHECK_EQ(nvmu_host_qpair_delete(e.qp), 0);
out:
	env_close(&e);
}

RUN_TESTS(T(a_fast_path_callback_deletes_its_pair), T(a_request_callback_deletes_its_pair),
	  T(a_callback_deletes_the_pair_a_wait_polls),
	  T(synchronous_io_inside_a_callback_outlasts_a_queue),
	  T(a_second_thread_inside_the_pair_gets_ebusy))
