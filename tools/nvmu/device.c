/* SPDX-License-Identifier: MIT */
/* The tool's device opener: PCI address (vfio-pci) or soft:OPTIONS; admin data through DMA. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "device.h"
#include "nvmu/nvme_pcie.h"
#include "nvmu/nvme_soft.h"
#include "verbs.h"

#define SOFT_PREFIX "soft:"

int device_open_transport(const char *verb, const char *name, struct tool_dev *d)
{
	int ret;

	memset(d, 0, sizeof(*d));
	d->name = name;
	if (!strcmp(name, "soft") || !strncmp(name, SOFT_PREFIX, strlen(SOFT_PREFIX))) {
		d->soft = true;
		ret = nvmu_soft_open(name[4] ? name + strlen(SOFT_PREFIX) : "", &d->t);
	} else {
		ret = nvmu_pcie_open(name, NULL, &d->t);
	}
	if (ret < 0) {
		d->t = NULL;
		return cli_fail(verb);
	}
	return 0;
}

int device_start(const char *verb, struct tool_dev *d)
{
	if (nvmu_ctrl_open(d->t, NULL, &d->ctrl) < 0) {
		d->ctrl = NULL;
		return cli_fail(verb);
	}
	return 0;
}

int device_open(const char *verb, const char *name, struct tool_dev *d)
{
	int ret = device_open_transport(verb, name, d);

	if (ret == 0 && (ret = device_start(verb, d)) != 0)
		device_close(d);
	return ret;
}

int device_close(struct tool_dev *d)
{
	int ret = 0;

	if (d->ctrl)
		ret = nvmu_ctrl_close(d->ctrl);
	if (d->t) {
		if (d->soft)
			nvmu_soft_close(d->t);
		else
			nvmu_pcie_close(d->t);
	}
	d->ctrl = NULL;
	d->t = NULL;
	return ret;
}

int device_admin(struct tool_dev *d, struct nvmu_sqe *cmd, void *data, size_t len, bool to_device,
		 uint32_t timeout_ms, struct nvmu_cqe *cpl)
{
	struct nvmu_dma_buf buf = { 0 };
	int ret;

	if (len) {
		ret = nvmu_ctrl_dma_alloc(d->ctrl, len, &buf);
		if (ret < 0)
			return ret;
		if (to_device)
			memcpy(buf.vaddr, data, len);
	}
	ret = nvmu_admin_cmd(d->ctrl, cmd, buf.iova, len, timeout_ms, cpl);
	/* After a timeout the device may still write the buffer: keep it (a small leak). */
	if (ret == -ETIMEDOUT)
		return ret;
	if (len && !to_device)
		memcpy(data, buf.vaddr, len);
	if (len)
		nvmu_ctrl_dma_free(d->ctrl, &buf);
	return ret;
}

int device_check_ns(const char *verb, struct tool_dev *d, uint32_t nsid)
{
	uint32_t ids[NVME_ID_NS_LIST_MAX];
	char list[256] = "";
	size_t n = 0, len = 0;

	if (nvmu_admin_active_ns(d->ctrl, 0, ids, NVME_ID_NS_LIST_MAX, &n) < 0)
		return cli_fail(verb);
	for (size_t i = 0; i < n; i++)
		if (ids[i] == nsid)
			return 0;
	for (size_t i = 0; i < n && len < sizeof(list) - 16; i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%u", i ? ", " : "", ids[i]);
	if (n > 0 && len >= sizeof(list) - 16)
		snprintf(list + len, sizeof(list) - len, ", ...");
	fprintf(stderr, "nvmu %s: namespace %u does not exist on %s (active namespaces: %s)\n", verb,
		nsid, d->name, n ? list : "none");
	return EXIT_FAILED;
}
