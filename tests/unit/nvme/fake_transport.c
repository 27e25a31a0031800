/* SPDX-License-Identifier: MIT */
/* A transport on plain memory for unit tests (see fake_transport.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fake_transport.h"

static struct fake_transport *fake(struct nvmu_transport *t)
{
	return (struct fake_transport *)t;
}

static uint32_t fake_read32(struct nvmu_transport *t, uint32_t off)
{
	return fake(t)->regs[off / 4];
}

static uint64_t fake_read64(struct nvmu_transport *t, uint32_t off)
{
	return fake(t)->regs[off / 4] | (uint64_t)fake(t)->regs[off / 4 + 1] << 32;
}

static void fake_write32(struct nvmu_transport *t, uint32_t off, uint32_t val)
{
	fake(t)->regs[off / 4] = val;
}

static void fake_write64(struct nvmu_transport *t, uint32_t off, uint64_t val)
{
	fake(t)->regs[off / 4] = (uint32_t)val;
	fake(t)->regs[off / 4 + 1] = (uint32_t)(val >> 32);
}

static int fake_dma_alloc(struct nvmu_transport *t, size_t len, struct nvmu_dma_buf *buf)
{
	size_t rounded = (len + 4095) & ~(size_t)4095;
	void *p = aligned_alloc(4096, rounded);

	if (!p)
		return -ENOMEM;
	memset(p, 0, rounded);
	buf->vaddr = p;
	buf->iova = (uint64_t)(uintptr_t)p + FAKE_IOVA_OFFSET;
	buf->len = len;
	fake(t)->live_allocs++;
	return 0;
}

static void fake_dma_free(struct nvmu_transport *t, struct nvmu_dma_buf *buf)
{
	if (!buf->vaddr)
		return;
	free(buf->vaddr);
	memset(buf, 0, sizeof(*buf));
	fake(t)->live_allocs--;
}

static uint32_t fake_irq_count(struct nvmu_transport *t)
{
	(void)t;
	return 0;
}

static int fake_irq_connect(struct nvmu_transport *t, uint32_t vector, int fd)
{
	(void)t;
	(void)vector;
	(void)fd;
	return -ENOTSUP;
}

static const struct nvmu_transport_ops fake_ops = {
	.read32 = fake_read32,
	.read64 = fake_read64,
	.write32 = fake_write32,
	.write64 = fake_write64,
	.dma_alloc = fake_dma_alloc,
	.dma_free = fake_dma_free,
	.irq_count = fake_irq_count,
	.irq_connect = fake_irq_connect,
};

void fake_transport_init(struct fake_transport *f)
{
	memset(f, 0, sizeof(*f));
	f->t.ops = &fake_ops;
	f->t.doorbells = (volatile uint8_t *)f->doorbells;
	f->t.name = "fake";
}
