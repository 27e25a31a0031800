/* SPDX-License-Identifier: MIT */
/* The NVMe core's PCIe transport over VFIO: BAR0 registers, DMA pool, MSI-X eventfds. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "nvmu/iommu_vfio.h"
#include "nvmu/nvme_pcie.h"
#include "pcie_share.h"
#include "support/opts.h"

#define NVME_DOORBELL_OFFSET 0x1000
#define ADMIN_DOORBELLS_END (NVME_DOORBELL_OFFSET + 8)

struct pcie_transport {
	struct nvmu_transport t; /* first: the core hands this back */
	struct nvmu_vfio_container *container;
	struct nvmu_vfio_device *dev;
	struct nvmu_iommu *iommu;
	struct nvmu_dma_pool *pool;
	volatile uint8_t *bar0;
	uint32_t msix_vectors;
	bool msix_enabled;
	int req_fd;  /* the device-request (hot-remove) eventfd, -1 without one */
	bool gone;   /* latched: removed, or asked for back */
};

static struct pcie_transport *pcie(struct nvmu_transport *t)
{
	return (struct pcie_transport *)t;
}

static uint32_t pcie_read32(struct nvmu_transport *t, uint32_t off)
{
	return nvmu_mmio_read32(pcie(t)->bar0 + off);
}

static uint64_t pcie_read64(struct nvmu_transport *t, uint32_t off)
{
	return nvmu_mmio_read64(pcie(t)->bar0 + off);
}

static void pcie_write32(struct nvmu_transport *t, uint32_t off, uint32_t val)
{
	nvmu_mmio_write32(pcie(t)->bar0 + off, val);
}

static void pcie_write64(struct nvmu_transport *t, uint32_t off, uint64_t val)
{
	nvmu_mmio_write64(pcie(t)->bar0 + off, val);
}

static int pcie_dma_alloc(struct nvmu_transport *t, size_t len, struct nvmu_dma_buf *buf)
{
	int ret;

	pthread_mutex_lock(&pcie_iommu_lock);
	ret = nvmu_dma_alloc(pcie(t)->pool, len, 0, buf);
	pthread_mutex_unlock(&pcie_iommu_lock);
	return ret;
}

static void pcie_dma_free(struct nvmu_transport *t, struct nvmu_dma_buf *buf)
{
	pthread_mutex_lock(&pcie_iommu_lock);
	nvmu_dma_free(pcie(t)->pool, buf);
	pthread_mutex_unlock(&pcie_iommu_lock);
}

static uint32_t pcie_irq_count(struct nvmu_transport *t)
{
	return pcie(t)->msix_vectors;
}

/* The first connection enables every MSI-X vector at once (unconnected ones get -1), so
 * later vectors never need MSI-X disabled and re-enabled under running queues. */
static int enable_msix(struct pcie_transport *p, uint32_t vector, int fd)
{
	int *fds = malloc(p->msix_vectors * sizeof(int));
	int ret;

	if (!fds)
		return nvmu_fail(ENOMEM, "out of memory");
	for (uint32_t i = 0; i < p->msix_vectors; i++)
		fds[i] = i == vector ? fd : -1;
	ret = nvmu_vfio_irq_set_eventfds(p->dev, NVMU_VFIO_IRQ_MSIX, 0, p->msix_vectors, fds);
	free(fds);
	if (ret == 0)
		p->msix_enabled = true;
	return ret;
}

static int pcie_irq_connect(struct nvmu_transport *t, uint32_t vector, int fd)
{
	struct pcie_transport *p = pcie(t);

	if (vector >= p->msix_vectors)
		return nvmu_fail(EINVAL, "%s has %u MSI-X vectors; no vector %u", t->name,
				 p->msix_vectors, vector);
	if (!p->msix_enabled)
		return fd < 0 ? 0 : enable_msix(p, vector, fd);
	return nvmu_vfio_irq_set_eventfds(p->dev, NVMU_VFIO_IRQ_MSIX, vector, 1, &fd);
}

/* The device is gone when its BAR mapping died (SIGBUS guard) or the kernel asked for it
 * back through the device-request interrupt (one non-blocking eventfd read). */
static bool pcie_gone(struct nvmu_transport *t)
{
	struct pcie_transport *p = pcie(t);
	uint64_t count;

	if (!p->gone && nvmu_vfio_device_mmio_lost(p->dev))
		p->gone = true;
	if (!p->gone && p->req_fd >= 0 && read(p->req_fd, &count, sizeof(count)) == sizeof(count))
		p->gone = true;
	return p->gone;
}

/* Listen for the kernel's request to have the device back (hot-remove); a device
 * without the REQ interrupt is still noticed by its registers reading all-ones. */
static void listen_for_removal(struct pcie_transport *p)
{
	if (nvmu_vfio_irq_count(p->dev, NVMU_VFIO_IRQ_REQ, NULL) == 0)
		return;
	p->req_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (p->req_fd < 0 || nvmu_vfio_irq_set_eventfds(p->dev, NVMU_VFIO_IRQ_REQ, 0, 1,
						      &p->req_fd) < 0) {
		nvmu_log(NVMU_LOG_INFO, "%s: no device-request eventfd (%s); removal is noticed by "
			 "registers reading all-ones", p->t.name,
			 p->req_fd < 0 ? strerror(errno) : nvmu_last_error());
		if (p->req_fd >= 0)
			close(p->req_fd);
		p->req_fd = -1;
	}
}

static const struct nvmu_transport_ops pcie_ops = {
	.read32 = pcie_read32,
	.read64 = pcie_read64,
	.write32 = pcie_write32,
	.write64 = pcie_write64,
	.dma_alloc = pcie_dma_alloc,
	.dma_free = pcie_dma_free,
	.irq_count = pcie_irq_count,
	.irq_connect = pcie_irq_connect,
	.gone = pcie_gone,
	.close = nvmu_pcie_close,
	.iommu = nvmu_pcie_iommu,
	.map_peer = pcie_map_peer,
	.unmap_peer = pcie_unmap_peer,
	.doorbell_fd = pcie_doorbell_fd,
};

/* BAR0 mapped with its registers and admin doorbells reachable. */
static int map_registers(struct pcie_transport *p)
{
	void *base = NULL;
	size_t size = 0;
	int ret = nvmu_vfio_map_bar(p->dev, 0, &base, &size);

	if (ret < 0)
		return ret;
	if (!nvmu_vfio_bar_range_mapped(p->dev, 0, 0, ADMIN_DOORBELLS_END))
		return nvmu_fail(ENOTSUP, "%s: BAR0 registers and doorbells [0, %#x) cannot be "
				 "mmapped through VFIO", p->t.name, ADMIN_DOORBELLS_END);
	p->bar0 = base;
	p->t.doorbells = p->bar0 + NVME_DOORBELL_OFFSET;
	return 0;
}

static int open_parts(struct pcie_transport *p, const char *addr,
		      const struct nvmu_pcie_opts *opts)
{
	struct nvmu_vfio_device_opts dopts = { .vf_token = opts ? opts->vf_token : NULL };
	int ret;

	ret = nvmu_vfio_open(addr, &dopts, &p->container, &p->dev);
	if (ret < 0)
		return ret;
	p->t.name = nvmu_vfio_device_addr(p->dev);
	if ((ret = nvmu_vfio_set_bus_master(p->dev, true)) < 0 || (ret = map_registers(p)) < 0)
		return ret;
	if ((ret = nvmu_iommu_open_vfio(p->container, &p->iommu)) < 0)
		return ret;
	if ((ret = nvmu_dma_pool_create(p->iommu, opts ? &opts->pool : NULL, &p->pool)) < 0)
		return ret;
	p->msix_vectors = nvmu_vfio_irq_count(p->dev, NVMU_VFIO_IRQ_MSIX, NULL);
	listen_for_removal(p);
	return 0;
}

int nvmu_pcie_open(const char *addr, const struct nvmu_pcie_opts *user_opts,
		   struct nvmu_transport **out)
{
	struct nvmu_pcie_opts o;
	const struct nvmu_pcie_opts *opts = OPTS_COPY(o, user_opts);
	struct pcie_transport *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return nvmu_fail(ENOMEM, "out of memory");
	p->t.ops = &pcie_ops;
	p->t.name = addr;
	p->req_fd = -1;
	ret = open_parts(p, addr, opts);
	if (ret < 0) {
		nvmu_pcie_close(&p->t);
		return ret;
	}
	*out = &p->t;
	return 0;
}

void nvmu_pcie_close(struct nvmu_transport *t)
{
	struct pcie_transport *p = pcie(t);

	if (!t)
		return;
	if (p->msix_enabled)
		nvmu_vfio_irq_disable(p->dev, NVMU_VFIO_IRQ_MSIX);
	if (p->req_fd >= 0) {
		nvmu_vfio_irq_disable(p->dev, NVMU_VFIO_IRQ_REQ);
		close(p->req_fd);
	}
	if (p->pool)
		nvmu_dma_pool_destroy(p->pool);
	if (p->iommu)
		nvmu_iommu_destroy(p->iommu);
	if (p->dev)
		nvmu_vfio_device_close(p->dev);
	if (p->container)
		nvmu_vfio_container_close(p->container);
	free(p);
}

struct nvmu_vfio_device *nvmu_pcie_vfio_device(struct nvmu_transport *t)
{
	return pcie(t)->dev;
}

struct nvmu_dma_pool *nvmu_pcie_dma_pool(struct nvmu_transport *t)
{
	return pcie(t)->pool;
}

struct nvmu_iommu *nvmu_pcie_iommu(struct nvmu_transport *t)
{
	return pcie(t)->iommu;
}

bool nvmu_pcie_is(const struct nvmu_transport *t)
{
	return t && t->ops == &pcie_ops;
}
