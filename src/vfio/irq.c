/* SPDX-License-Identifier: MIT */
/* Interrupts: eventfds for MSI-X, INTx, error and device-request notifications. */
#include <errno.h>
#include <linux/vfio.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vfio/vfio_internal.h"

static const char *const irq_names[] = { "INTx", "MSI", "MSI-X", "ERR", "REQ" };

static const char *irq_name(uint32_t index)
{
	return index < sizeof(irq_names) / sizeof(irq_names[0]) ? irq_names[index] : "unknown";
}

uint32_t nvmu_vfio_irq_count(struct nvmu_vfio_device *d, uint32_t index, uint32_t *flags)
{
	struct vfio_irq_info info = { .argsz = sizeof(info), .index = index };

	if (index >= d->num_irqs || ioctl(d->fd, VFIO_DEVICE_GET_IRQ_INFO, &info) < 0) {
		if (flags)
			*flags = 0;
		return 0;
	}
	if (flags)
		*flags = info.flags;
	return info.count;
}

int nvmu_vfio_irq_set_eventfds(struct nvmu_vfio_device *d, uint32_t index, uint32_t first,
			       uint32_t n, const int *fds)
{
	uint32_t count = nvmu_vfio_irq_count(d, index, NULL);
	struct vfio_irq_set *set;
	size_t sz = sizeof(*set) + n * sizeof(int32_t);
	int ret = 0;

	if (n == 0 || first + n > count || first + n < first)
		return nvmu_fail(EINVAL, "%s has %u %s vector(s); cannot connect [%u, %u)", d->addr,
				 count, irq_name(index), first, first + n);
	set = calloc(1, sz);
	if (!set)
		return nvmu_fail(ENOMEM, "out of memory");
	set->argsz = (uint32_t)sz;
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = index;
	set->start = first;
	set->count = n;
	memcpy(set->data, fds, n * sizeof(int32_t));
	if (ioctl(d->fd, VFIO_DEVICE_SET_IRQS, set) < 0)
		ret = nvmu_fail(errno, "cannot connect %s vectors [%u, %u) of %s: %s",
				irq_name(index), first, first + n, d->addr, strerror(errno));
	else
		d->irqs_enabled |= 1u << index;
	free(set);
	return ret;
}

int nvmu_vfio_irq_disable(struct nvmu_vfio_device *d, uint32_t index)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		.index = index,
		.start = 0,
		.count = 0,
	};

	d->irqs_enabled &= ~(1u << index);
	if (ioctl(d->fd, VFIO_DEVICE_SET_IRQS, &set) < 0)
		return nvmu_fail(errno, "cannot disable %s of %s: %s", irq_name(index), d->addr,
				 strerror(errno));
	return 0;
}

int nvmu_vfio_intx_unmask(struct nvmu_vfio_device *d)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
		.index = VFIO_PCI_INTX_IRQ_INDEX,
		.start = 0,
		.count = 1,
	};

	if (ioctl(d->fd, VFIO_DEVICE_SET_IRQS, &set) < 0)
		return nvmu_fail(errno, "cannot unmask INTx of %s: %s", d->addr, strerror(errno));
	return 0;
}

int64_t nvmu_vfio_eventfd_wait(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t count;
	int n;

	do
		n = poll(&p, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return nvmu_fail(errno, "poll on eventfd %d: %s", fd, strerror(errno));
	if (n == 0)
		return 0;
	if (read(fd, &count, sizeof(count)) != sizeof(count))
		return nvmu_fail(errno, "read of eventfd %d: %s", fd, strerror(errno));
	return (int64_t)count;
}
