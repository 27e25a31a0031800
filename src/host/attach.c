/* SPDX-License-Identifier: MIT */
/* Controllers of the host API: attach (through the transport registry), detach, probe. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host_internal.h"
#include "support/opts.h"

static void host_free(struct nvmu_host_ctrl *h)
{
	nvmu_transport_close(h->t);
	pthread_mutex_destroy(&h->lock);
	pthread_mutex_destroy(&h->ev_lock);
	pthread_mutex_destroy(&h->reset_lock);
	free(h->ns);
	free(h->name);
	free(h);
}

/* How a sharing primary resets the controller: as the host API does, every local pair
 * paused (the sharing layer stops the other processes' queues around it). */
static void share_reset(void *arg)
{
	struct nvmu_host_ctrl *h = arg;

	if (nvmu_host_reset(h) < 0)
		nvmu_log(NVMU_LOG_WARN, "%s: reset asked for by a process sharing it: %s",
			 h->name, nvmu_last_error());
}

int nvmu_host_attach(const char *dev, const struct nvmu_host_opts *user_opts,
		     struct nvmu_host_ctrl **out)
{
	struct nvmu_host_opts o;
	const struct nvmu_host_opts *opts = OPTS_COPY(o, user_opts);
	const struct nvmu_transport_open_opts topts = { .vf_token = opts->vf_token };
	struct nvmu_host_ctrl *h = calloc(1, sizeof(*h));
	int ret;

	if (!h || !(h->name = strdup(dev ? dev : ""))) {
		free(h);
		return nvmu_fail(ENOMEM, "out of memory");
	}
	pthread_mutex_init(&h->lock, NULL);
	pthread_mutex_init(&h->ev_lock, NULL);
	pthread_mutex_init(&h->reset_lock, NULL);
	h->auto_reset = !opts->no_auto_reset;
	h->no_aer = opts->no_aer;
	h->event_cb = opts->event_cb;
	h->event_arg = opts->event_arg;
	ret = nvmu_transport_open(dev, &topts, &h->t);
	if (ret == 0) {
		h->iommu = nvmu_transport_iommu(h->t);
		ret = nvmu_ctrl_open(h->t, &opts->ctrl, &h->ctrl);
	}
	if (ret == 0)
		ret = ns_discover(h);
	if (ret < 0) {
		nvmu_fail_context(-ret, "attach %s", h->name);
		if (h->ctrl)
			nvmu_ctrl_close(h->ctrl);
		host_free(h);
		return ret;
	}
	ns_read_limits(h);
	if (!h->no_aer)
		events_start(h);
	/* Sharing is offered, not required: a controller that cannot be shared still works. */
	if (nvmu_share_start(h->ctrl, share_reset, h) < 0)
		nvmu_log(NVMU_LOG_INFO, "%s: not shared with other processes: %s", h->name,
			 nvmu_last_error());
	*out = h;
	return 0;
}

int nvmu_host_detach(struct nvmu_host_ctrl *h)
{
	int ret;

	if (!h)
		return 0;
	nvmu_share_stop(h->ctrl); /* secondaries' queues go while the admin queue works */
	/* Not nvmu_host_qpair_delete(), which may defer or refuse: detach ends everything. */
	while (h->qpairs)
		host_qpair_destroy(h->qpairs);
	ret = nvmu_ctrl_close(h->ctrl);
	host_free(h);
	return ret;
}

int nvmu_host_probe(char (*addrs)[NVMU_PCI_ADDR_LEN], size_t max, size_t *n)
{
	struct nvmu_pci_dev *devs = NULL;
	size_t count = 0;
	int ret = nvmu_pci_list_nvme(&devs, &count);

	*n = 0;
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < count; i++) {
		if (strcmp(devs[i].driver, "vfio-pci") != 0)
			continue;
		if (*n < max)
			memcpy(addrs[*n], devs[i].addr, NVMU_PCI_ADDR_LEN);
		(*n)++;
	}
	nvmu_pci_free_list(devs);
	return 0;
}

struct nvmu_ctrl *nvmu_host_core(const struct nvmu_host_ctrl *h)
{
	return h->ctrl;
}

const struct nvme_id_ctrl *nvmu_host_id(const struct nvmu_host_ctrl *h)
{
	return nvmu_ctrl_id(h->ctrl);
}

const char *nvmu_host_name(const struct nvmu_host_ctrl *h)
{
	return h->name;
}

bool nvmu_host_supports(const struct nvmu_host_ctrl *h, enum nvmu_host_cmd cmd)
{
	uint16_t oncs = nvmu_ctrl_id(h->ctrl)->oncs;

	switch (cmd) {
	case NVMU_HOST_CMD_COMPARE: return oncs & NVME_CTRL_ONCS_COMPARE;
	case NVMU_HOST_CMD_DSM: return oncs & NVME_CTRL_ONCS_DSM;
	case NVMU_HOST_CMD_WRITE_ZEROES: return oncs & NVME_CTRL_ONCS_WRITE_ZEROES;
	case NVMU_HOST_CMD_VERIFY: return oncs & NVME_CTRL_ONCS_VERIFY;
	case NVMU_HOST_CMD_COPY: return oncs & NVME_CTRL_ONCS_COPY;
	case NVMU_HOST_CMD_FLUSH: return true;
	case NVMU_HOST_CMD_WRITE_UNCORRECTABLE: return oncs & NVME_CTRL_ONCS_WRITE_UNCORRECTABLE;
	case NVMU_HOST_CMD_RESERVATIONS: return oncs & NVME_CTRL_ONCS_RESERVATIONS;
	}
	return false;
}

int nvmu_host_dma_alloc(struct nvmu_host_ctrl *h, size_t len, struct nvmu_dma_buf *buf)
{
	int ret;

	pthread_mutex_lock(&h->lock);
	ret = nvmu_ctrl_dma_alloc(h->ctrl, len, buf);
	pthread_mutex_unlock(&h->lock);
	return ret;
}

void nvmu_host_dma_free(struct nvmu_host_ctrl *h, struct nvmu_dma_buf *buf)
{
	pthread_mutex_lock(&h->lock);
	nvmu_ctrl_dma_free(h->ctrl, buf);
	pthread_mutex_unlock(&h->lock);
}

int nvmu_host_dma_map(struct nvmu_host_ctrl *h, void *vaddr, size_t len)
{
	uint64_t iova;
	int ret;

	if (!h->iommu)
		return nvmu_fail(ENOTSUP, "%s has no IOMMU context to map application memory into",
				 h->name);
	pthread_mutex_lock(&h->lock);
	ret = nvmu_iommu_map(h->iommu, vaddr, len, NVMU_DMA_RW, NVMU_MAP_FIXED, &iova);
	pthread_mutex_unlock(&h->lock);
	return ret;
}

int nvmu_host_dma_iova(struct nvmu_host_ctrl *h, const void *vaddr, size_t len,
		       uint64_t *iova)
{
	int ret;

	if (!h->iommu)
		return nvmu_fail(ENOTSUP, "%s has no IOMMU context", h->name);
	pthread_mutex_lock(&h->lock);
	ret = nvmu_iommu_translate(h->iommu, vaddr, len, iova);
	pthread_mutex_unlock(&h->lock);
	return ret;
}

int nvmu_host_dma_unmap(struct nvmu_host_ctrl *h, void *vaddr)
{
	int ret;

	if (!h->iommu)
		return nvmu_fail(ENOTSUP, "%s has no IOMMU context", h->name);
	pthread_mutex_lock(&h->lock);
	ret = nvmu_iommu_unmap(h->iommu, vaddr);
	pthread_mutex_unlock(&h->lock);
	return ret;
}
