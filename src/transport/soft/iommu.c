/* SPDX-License-Identifier: MIT */
/*
 * The software controller's IOMMU context (option iommu=1): what a controller behind VFIO
 * offers, so that an application can map memory of its own for the device's DMA once
 * (nvmu_host_dma_map(), e.g. vhost-blk with a guest's memory) and hand the device its
 * addresses, instead of going through bounce buffers. The context places the mappings
 * in an IOVA window far above the controller's own buffers (dma.c), and its backend adds
 * them to and removes them from the controller's table of mappings, where every device
 * access is looked up.
 */
#include <errno.h>

#include "nvmu/iommu.h"
#include "soft.h"

#define WINDOW_START (1ull << 44) /* far above dma.c's IOVAs, which start at 4 GiB */
#define WINDOW_LAST ((1ull << 47) - 1)

static int map_op(void *ctx, void *vaddr, uint64_t iova, size_t len, unsigned prot)
{
	struct soft_ctrl *c = ctx;
	int ret;

	(void)prot; /* the controller's table has no per-mapping rights */
	pthread_mutex_lock(&c->lock);
	ret = soft_dma_map_at(c, vaddr, iova, len);
	pthread_mutex_unlock(&c->lock);
	return ret;
}

static int unmap_op(void *ctx, uint64_t iova, size_t len)
{
	struct soft_ctrl *c = ctx;

	(void)len;
	pthread_mutex_lock(&c->lock);
	soft_dma_unmap_peer(c, iova);
	pthread_mutex_unlock(&c->lock);
	return 0;
}

static const struct nvmu_iommu_ops ops = { .map = map_op, .unmap = unmap_op };

int soft_iommu_init(struct soft_ctrl *c)
{
	static const struct nvmu_iova_range window = { WINDOW_START, WINDOW_LAST };
	struct nvmu_iommu_config cfg = { .ops = &ops, .ctx = c, .ranges = &window,
					 .nranges = 1, .page_size = 4096 };
	int ret;

	if (!c->o.iommu)
		return 0;
	ret = nvmu_iommu_create(&cfg, &c->iommu);
	return ret < 0 ? nvmu_fail_context(-ret, "%s: IOMMU context", c->name) : 0;
}

void soft_iommu_fini(struct soft_ctrl *c)
{
	if (c->iommu)
		nvmu_iommu_destroy(c->iommu);
	c->iommu = NULL;
}

struct nvmu_iommu *soft_iommu(struct nvmu_transport *t)
{
	return soft_of(t)->iommu;
}
