/* SPDX-License-Identifier: MIT */
/* The TCP transport: its ops table (registers, DMA memory, the queue step), opening and
 * closing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcp.h"

static uint32_t op_read32(struct nvmu_transport *t, uint32_t off)
{
	struct tcp_ctrl *tc = tcp_of(t);
	uint32_t v;

	pthread_mutex_lock(&tc->lock);
	v = tcp_reg_read32(tc, off);
	pthread_mutex_unlock(&tc->lock);
	return v;
}

static uint64_t op_read64(struct nvmu_transport *t, uint32_t off)
{
	struct tcp_ctrl *tc = tcp_of(t);
	uint64_t v;

	pthread_mutex_lock(&tc->lock);
	v = tcp_reg_read64(tc, off);
	pthread_mutex_unlock(&tc->lock);
	return v;
}

static void op_write32(struct nvmu_transport *t, uint32_t off, uint32_t val)
{
	struct tcp_ctrl *tc = tcp_of(t);

	pthread_mutex_lock(&tc->lock);
	tcp_reg_write32(tc, off, val);
	pthread_mutex_unlock(&tc->lock);
}

static void op_write64(struct nvmu_transport *t, uint32_t off, uint64_t val)
{
	struct tcp_ctrl *tc = tcp_of(t);

	pthread_mutex_lock(&tc->lock);
	tcp_reg_write32(tc, off, (uint32_t)val);
	tcp_reg_write32(tc, off + 4, (uint32_t)(val >> 32));
	pthread_mutex_unlock(&tc->lock);
}

/* DMA memory is ordinary memory whose IO address is its CPU address: the transport, not
 * a device, reads it, following the data pointers the core builds (data.c). */
static size_t rounded(size_t len)
{
	return (size_t)nvmu_align_up(len ? len : 1, nvmu_page_size());
}

static int op_dma_alloc(struct nvmu_transport *t, size_t len, struct nvmu_dma_buf *buf)
{
	void *mem = NULL;
	int ret = nvmu_mem_alloc(rounded(len), 0, &mem);

	if (ret < 0)
		return nvmu_fail_context(-ret, "%s: DMA buffer of %zu bytes", t->name, len);
	buf->vaddr = mem;
	buf->iova = (uint64_t)(uintptr_t)mem;
	buf->len = len;
	return 0;
}

static void op_dma_free(struct nvmu_transport *t, struct nvmu_dma_buf *buf)
{
	(void)t;
	if (!buf->vaddr)
		return;
	nvmu_mem_free(buf->vaddr, rounded(buf->len), 0);
	memset(buf, 0, sizeof(*buf));
}

/* One vector per queue, the admin queue's included (irq.c). */
static uint32_t op_irq_count(struct nvmu_transport *t)
{
	return tcp_of(t)->o.queues + 1u;
}

static int op_irq_connect(struct nvmu_transport *t, uint32_t vector, int fd)
{
	return tcp_irq_connect(tcp_of(t), vector, fd);
}

static bool op_gone(struct nvmu_transport *t)
{
	return tcp_of(t)->gone;
}

static void op_poll_queue(struct nvmu_transport *t, uint16_t qid)
{
	tcp_queue_progress(tcp_of(t), qid);
}

static void tcp_close(struct nvmu_transport *t)
{
	struct tcp_ctrl *tc = tcp_of(t);

	if (!t)
		return;
	tcp_ka_stop(tc);
	if (tc->q)
		tcp_queues_disconnect(tc);
	tcp_irq_stop(tc);
	if (tc->db)
		nvmu_mem_free(tc->db, tc->db_bytes, 0);
	free(tc->q);
	pthread_mutex_destroy(&tc->lock);
	free(tc);
}

static const struct nvmu_transport_ops tcp_ops = {
	.read32 = op_read32,
	.read64 = op_read64,
	.write32 = op_write32,
	.write64 = op_write64,
	.dma_alloc = op_dma_alloc,
	.dma_free = op_dma_free,
	.irq_count = op_irq_count,
	.irq_connect = op_irq_connect,
	.gone = op_gone,
	.close = tcp_close,
	.poll_queue = op_poll_queue,
};

int tcp_open(const char *spec, struct nvmu_transport **out)
{
	struct tcp_ctrl *tc = calloc(1, sizeof(*tc));
	void *db = NULL;
	int ret;

	if (!tc)
		return nvmu_fail(ENOMEM, "out of memory");
	pthread_mutex_init(&tc->lock, NULL);
	tc->irq_epfd = tc->irq_wake = -1;
	tc->t.ops = &tcp_ops;
	tc->t.name = tc->name;
	ret = tcp_opts_parse(spec, &tc->o);
	if (ret < 0) {
		pthread_mutex_destroy(&tc->lock);
		free(tc);
		return ret;
	}
	snprintf(tc->name, sizeof(tc->name), "tcp://%s%s%s:%s/%s", strchr(tc->o.host, ':') ? "[" : "",
		 tc->o.host, strchr(tc->o.host, ':') ? "]" : "", tc->o.port, tc->o.subnqn);
	tc->db_bytes = rounded(((size_t)tc->o.queues + 1) * 8u);
	tc->q = calloc((size_t)tc->o.queues + 1, sizeof(*tc->q));
	ret = tc->q ? tcp_irq_init(tc) : nvmu_fail(ENOMEM, "out of memory");
	for (uint32_t qid = 0; ret == 0 && qid <= tc->o.queues; qid++)
		tc->q[qid].irq_vector = -1;
	if (ret == 0)
		ret = nvmu_mem_alloc(tc->db_bytes, 0, &db);
	if (ret == 0) {
		tc->db = db;
		tc->t.doorbells = db;
		pthread_mutex_lock(&tc->lock);
		ret = tcp_associate(tc, false);
		pthread_mutex_unlock(&tc->lock);
	}
	if (ret == 0)
		ret = tcp_ka_start(tc);
	if (ret < 0) {
		tcp_close(&tc->t);
		return ret;
	}
	*out = &tc->t;
	return 0;
}
