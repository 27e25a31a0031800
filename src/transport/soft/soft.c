/* SPDX-License-Identifier: MIT */
/* The software transport: opening and closing a controller, its ops table (registers,
 * DMA memory, interrupt vectors) and the calls that step it and report on it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soft.h"

#define PAGE 4096u

static uint32_t op_read32(struct nvmu_transport *t, uint32_t off)
{
	struct soft_ctrl *c = soft_of(t);
	uint32_t v;

	pthread_mutex_lock(&c->lock);
	if (c->o.stepped)
		soft_step_locked(c, 0);
	v = soft_reg_read32(c, off);
	pthread_mutex_unlock(&c->lock);
	return v;
}

static uint64_t op_read64(struct nvmu_transport *t, uint32_t off)
{
	struct soft_ctrl *c = soft_of(t);
	uint64_t v;

	pthread_mutex_lock(&c->lock);
	if (c->o.stepped)
		soft_step_locked(c, 0);
	v = soft_reg_read32(c, off) | (uint64_t)soft_reg_read32(c, off + 4) << 32;
	pthread_mutex_unlock(&c->lock);
	return v;
}

static void op_write32(struct nvmu_transport *t, uint32_t off, uint32_t val)
{
	struct soft_ctrl *c = soft_of(t);

	pthread_mutex_lock(&c->lock);
	soft_reg_write32(c, off, val);
	if (c->o.stepped)
		soft_step_locked(c, 0);
	pthread_mutex_unlock(&c->lock);
}

static void op_write64(struct nvmu_transport *t, uint32_t off, uint64_t val)
{
	struct soft_ctrl *c = soft_of(t);

	pthread_mutex_lock(&c->lock);
	soft_reg_write32(c, off, (uint32_t)val);
	soft_reg_write32(c, off + 4, (uint32_t)(val >> 32));
	pthread_mutex_unlock(&c->lock);
}

static int op_dma_alloc(struct nvmu_transport *t, size_t len, struct nvmu_dma_buf *buf)
{
	struct soft_ctrl *c = soft_of(t);
	int ret;

	pthread_mutex_lock(&c->lock);
	ret = soft_dma_alloc(c, len, buf);
	pthread_mutex_unlock(&c->lock);
	return ret;
}

static void op_dma_free(struct nvmu_transport *t, struct nvmu_dma_buf *buf)
{
	struct soft_ctrl *c = soft_of(t);

	pthread_mutex_lock(&c->lock);
	soft_dma_free(c, buf);
	pthread_mutex_unlock(&c->lock);
}

static uint32_t op_irq_count(struct nvmu_transport *t)
{
	return soft_of(t)->vectors;
}

static int op_irq_connect(struct nvmu_transport *t, uint32_t vector, int fd)
{
	struct soft_ctrl *c = soft_of(t);

	if (vector >= c->vectors)
		return nvmu_fail(EINVAL, "%s has %u interrupt vectors; no vector %u", c->name,
				 c->vectors, vector);
	pthread_mutex_lock(&c->lock);
	c->irq_fd[vector] = fd;
	soft_file_route_reset(c); /* the next polls route transfers to the new eventfds */
	pthread_mutex_unlock(&c->lock);
	return 0;
}

/* A host polling a queue executes its new commands itself, on its own thread: no handoff
 * to the controller's thread and back per command (step mode: the caller steps). */
static void op_poll_queue(struct nvmu_transport *t, uint16_t qid)
{
	struct soft_ctrl *c = soft_of(t);

	if (c->o.stepped)
		return;
	pthread_mutex_lock(&c->lock);
	soft_step_queue_locked(c, qid);
	pthread_mutex_unlock(&c->lock);
}

static const struct nvmu_transport_ops soft_ops = {
	.read32 = op_read32,
	.read64 = op_read64,
	.write32 = op_write32,
	.write64 = op_write64,
	.dma_alloc = op_dma_alloc,
	.dma_free = op_dma_free,
	.irq_count = op_irq_count,
	.irq_connect = op_irq_connect,
	.close = nvmu_soft_close,
	.iommu = soft_iommu,
	.poll_queue = op_poll_queue,
	.map_peer = soft_map_peer,
	.unmap_peer = soft_unmap_peer,
	.doorbell_fd = soft_doorbell_fd,
};

/* Doorbells, queue tables and interrupt vectors for the options. */
static int alloc_parts(struct soft_ctrl *c)
{
	size_t queues = (size_t)c->o.queues + 1;
	int ret;

	c->db_bytes = (size_t)nvmu_align_up(queues * 2 * (4u << c->o.dstrd), PAGE);
	ret = soft_doorbells_alloc(c);
	if (ret < 0)
		return ret;
	c->t.doorbells = c->db_area;
	c->db_seen = calloc(1, c->db_bytes);
	c->sq = calloc(queues, sizeof(*c->sq));
	c->cq = calloc(queues, sizeof(*c->cq));
	c->irq_fd = malloc(queues * sizeof(int));
	if (!c->db_seen || !c->sq || !c->cq || !c->irq_fd)
		return nvmu_fail(ENOMEM, "out of memory");
	c->vectors = (uint32_t)queues;
	for (size_t i = 0; i < queues; i++)
		c->irq_fd[i] = -1;
	return soft_ns_init(c);
}

int nvmu_soft_open(const char *spec, struct nvmu_transport **out)
{
	struct soft_ctrl *c = calloc(1, sizeof(*c));
	int ret;

	if (!c)
		return nvmu_fail(ENOMEM, "out of memory");
	pthread_mutex_init(&c->lock, NULL);
	c->db_fd = -1;
	snprintf(c->name, sizeof(c->name), "soft:%s", spec ? spec : "");
	c->t.ops = &soft_ops;
	c->t.name = c->name;
	ret = soft_opts_parse(spec, &c->o);
	if (ret == 0) {
		c->cap = soft_cap_initial(&c->o);
		c->ready_delay_ms = c->o.ready_delay_ms;
		ret = alloc_parts(c);
	}
	if (ret == 0)
		ret = soft_iommu_init(c);
	if (ret == 0) {
		soft_features_reset(c);
		soft_self_test_init(c);
		soft_fw_init(c);
		if (!c->o.stepped)
			ret = soft_thread_start(c);
	}
	if (ret < 0) {
		nvmu_soft_close(&c->t);
		return ret;
	}
	*out = &c->t;
	return 0;
}

void nvmu_soft_close(struct nvmu_transport *t)
{
	struct soft_ctrl *c = soft_of(t);

	if (!t)
		return;
	soft_thread_stop(c);
	soft_file_close(c);
	soft_pending_drop(c);
	soft_ns_fini(c);
	soft_fw_fini(c);
	soft_iommu_fini(c);
	soft_dma_fini(c);
	soft_doorbells_free(c);
	free(c->db_seen);
	free(c->sq);
	free(c->cq);
	free(c->irq_fd);
	free(c->segs);
	free(c->id_override[0]);
	free(c->id_override[1]);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

bool nvmu_soft_is(const struct nvmu_transport *t)
{
	return t && t->ops == &soft_ops;
}

bool nvmu_soft_stepped(struct nvmu_transport *t)
{
	return nvmu_soft_is(t) && soft_of(t)->o.stepped;
}

unsigned nvmu_soft_step(struct nvmu_transport *t, unsigned max)
{
	struct soft_ctrl *c = soft_of(t);
	unsigned n;

	pthread_mutex_lock(&c->lock);
	n = soft_step_locked(c, max);
	pthread_mutex_unlock(&c->lock);
	return n;
}

void nvmu_soft_stats(struct nvmu_transport *t, struct nvmu_soft_stats *out)
{
	struct soft_ctrl *c = soft_of(t);

	pthread_mutex_lock(&c->lock);
	*out = c->stats;
	out->cc = c->cc;
	out->csts = soft_csts(c);
	pthread_mutex_unlock(&c->lock);
}

void *nvmu_soft_ns_data(struct nvmu_transport *t, uint32_t nsid, uint64_t *bytes)
{
	struct soft_ctrl *c = soft_of(t);
	struct soft_ns *ns;

	pthread_mutex_lock(&c->lock);
	ns = soft_ns_get(c, nsid);
	pthread_mutex_unlock(&c->lock);
	if (bytes)
		*bytes = ns ? ns->bytes : 0;
	return ns ? ns->data : NULL;
}

int nvmu_soft_raise_event(struct nvmu_transport *t, uint8_t type, uint8_t info, uint8_t log_page)
{
	struct soft_ctrl *c = soft_of(t);
	int ret;

	pthread_mutex_lock(&c->lock);
	ret = soft_event_queue(c, type | (uint32_t)info << 8 | (uint32_t)log_page << 16);
	pthread_mutex_unlock(&c->lock);
	return ret;
}
