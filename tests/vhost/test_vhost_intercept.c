/* SPDX-License-Identifier: MIT */
/*
 * The interception API through the test front-end: a second back-end with two
 * interceptors in a chain that refuse, rewrite, pause, answer and change requests
 * (part of test_vhost_protocol).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nvmu/intercept.h"
#include "protocol_test.h"

struct icpt_a { /* refuses, rewrites, pauses, changes read data, answers flushes */
	struct nvmu_dma_buf own;
	struct nvmu_ns *ns;
	int paused_reads, flushes, inits, completes;
};

struct icpt_b { /* counts what reaches it, to check the order of the chain */
	uint64_t last_write_lba;
	int writes, completes, seen_refused;
};

static struct icpt_a ia;
static struct icpt_b ib;

static int a_init(void *arg, struct nvmu_icpt_geometry *g)
{
	struct icpt_a *a = arg;

	a->inits++;
	a->ns = g->ns;
	return nvmu_host_dma_alloc(g->host, 4096, &a->own);
}

static enum nvmu_icpt_verdict a_write(void *arg, struct nvmu_icpt_req *r)
{
	(void)arg;
	if (r->lba == 100) {
		r->status = NVMU_ICPT_S_IOERR;
		return NVMU_ICPT_COMPLETE;
	}
	if (r->lba == 200)
		r->lba = 300; /* rewritten: the device gets block 300 */
	return NVMU_ICPT_PASS;
}

static void a_own_read_done(void *arg, const struct nvmu_cpl *cpl)
{
	struct nvmu_icpt_req *r = arg;

	if (cpl->err)
		nvmu_icpt_complete(r, NVMU_ICPT_S_IOERR);
	else
		nvmu_icpt_resume(r);
}

static enum nvmu_icpt_verdict a_read(void *arg, struct nvmu_icpt_req *r)
{
	struct icpt_a *a = arg;

	if (r->lba != 400)
		return NVMU_ICPT_PASS;
	/* hold the guest's read until a read of our own, on the same queue pair, is done */
	a->paused_reads++;
	r->data = a;
	a->own.len = 4096;
	if (nvmu_ns_read(r->qp, a->ns, 0, &a->own, 1, 0, a_own_read_done, r) < 0) {
		r->status = NVMU_ICPT_S_IOERR;
		return NVMU_ICPT_COMPLETE;
	}
	return NVMU_ICPT_PAUSE;
}

static enum nvmu_icpt_verdict a_flush(void *arg, struct nvmu_icpt_req *r)
{
	struct icpt_a *a = arg;

	a->flushes++;
	r->status = NVMU_ICPT_S_OK;
	return NVMU_ICPT_COMPLETE;
}

static void a_complete(void *arg, struct nvmu_icpt_req *r)
{
	struct icpt_a *a = arg;

	a->completes++;
	if (r->op == NVMU_ICPT_READ && r->lba == 500 && r->status == NVMU_ICPT_S_OK)
		((uint8_t *)r->iov[0].vaddr)[0] ^= 0xff;
	if (r->op == NVMU_ICPT_READ && r->lba == 400 && r->data != a)
		r->status = NVMU_ICPT_S_IOERR; /* its per-request pointer was lost */
}

static enum nvmu_icpt_verdict b_write(void *arg, struct nvmu_icpt_req *r)
{
	struct icpt_b *b = arg;

	b->writes++;
	b->last_write_lba = r->lba;
	b->seen_refused += r->lba == 100;
	return NVMU_ICPT_PASS;
}

static void b_complete(void *arg, struct nvmu_icpt_req *r)
{
	struct icpt_b *b = arg;

	(void)r;
	b->completes++;
}

static void a_fini(void *arg)
{
	(void)arg;
	nvmu_host_dma_free(host, &ia.own);
}

static const struct nvmu_intercept_ops ops_a = {
	.ops_size = sizeof(struct nvmu_intercept_ops), .name = "a", .on_init = a_init,
	.on_read = a_read, .on_write = a_write, .on_flush = a_flush, .on_complete = a_complete,
	.on_fini = a_fini,
};

static const struct nvmu_intercept_ops ops_b = {
	.ops_size = sizeof(struct nvmu_intercept_ops), .name = "b", .on_write = b_write,
	.on_complete = b_complete,
};

void interceptors_chain(void)
{
	struct nvmu_vhost_blk_opts opts = { .opts_size = sizeof(opts), .queues = 2 };
	char path[160];
	struct nvmu_vhost_blk *b2;
	struct fe f;
	uint8_t *data;

	snprintf(path, sizeof(path), "%.120s.icpt", sock_path);
	if (nvmu_vhost_blk_create(host, path, &opts, &b2) < 0) {
		CHECK(!"second back-end");
		return;
	}
	CHECK_EQ(nvmu_vhost_blk_add_interceptor(b2, &ops_a, &ia), 0);
	CHECK_EQ(nvmu_vhost_blk_add_interceptor(b2, &ops_b, &ib), 0);
	CHECK_EQ(nvmu_vhost_blk_start(b2), 0);
	CHECK_EQ(ia.inits, 1);
	CHECK_EQ(nvmu_vhost_blk_add_interceptor(b2, &ops_b, &ib), -EBUSY);
	char *saved = strdup(sock_path);

	snprintf(sock_path, sizeof(sock_path), "%s", path);
	if (open_fe(&f, true, false)) {
		data = fe_gpa(&f, FE_DATA_GPA);
		fill(data, 512, 21);
		/* completed by a: the device and b never see it */
		CHECK_EQ(fe_blk(&f, 0, T_OUT, 100, 0, 512), 1);
		CHECK_EQ(ib.seen_refused, 0);
		/* rewritten by a: b sees block 300, the data lands there */
		CHECK_EQ(fe_blk(&f, 0, T_OUT, 200, 0, 512), 0);
		CHECK_EQ(ib.last_write_lba, 300);
		CHECK_EQ(fe_blk(&f, 1, T_IN, 300, 8192, 512), 0);
		CHECK(memcmp(data, data + 8192, 512) == 0);
		/* paused by a until its own read completed, then resumed */
		CHECK_EQ(fe_blk(&f, 0, T_IN, 400, 8192, 512), 0);
		CHECK_EQ(ia.paused_reads, 1);
		/* read data changed by a's on_complete */
		fill(data, 512, 22);
		CHECK_EQ(fe_blk(&f, 0, T_OUT, 500, 0, 512), 0);
		CHECK_EQ(fe_blk(&f, 0, T_IN, 500, 8192, 512), 0);
		CHECK_EQ(data[8192], data[0] ^ 0xff);
		CHECK(memcmp(data + 1, data + 8193, 511) == 0);
		/* answered by a */
		CHECK_EQ(fe_blk(&f, 0, T_FLUSH, 0, 0, 0), 0);
		CHECK_EQ(ia.flushes, 1);
		/* on_complete runs for what went past each: both saw the 5 requests that
		 * reached the device, neither the write and the flush that a answered */
		CHECK_EQ(ib.completes, 5);
		CHECK_EQ(ia.completes, 5);
		CHECK_EQ(ib.writes, 2);
		close_fe(&f);
	}
	snprintf(sock_path, sizeof(sock_path), "%s", saved);
	free(saved);
	nvmu_vhost_blk_destroy(b2);
}
