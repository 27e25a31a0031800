/* SPDX-License-Identifier: MIT */
/* The VFIO container (/dev/vfio/vfio) and the IOMMU groups attached to it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vfio/vfio_internal.h"

#define VFIO_CONTAINER_PATH "/dev/vfio/vfio"

int nvmu_vfio_container_open(struct nvmu_vfio_container **out)
{
	struct nvmu_vfio_container *c;
	int fd, version;

	fd = open(VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;

		if (err == ENOENT)
			return nvmu_fail(ENOENT, "%s does not exist: the vfio modules are not "
					 "loaded (run 'modprobe vfio-pci')", VFIO_CONTAINER_PATH);
		if (err == EACCES || err == EPERM)
			return nvmu_fail(EACCES, "permission denied opening %s: run as root or "
					 "grant your user access to /dev/vfio",
					 VFIO_CONTAINER_PATH);
		return nvmu_fail(err, "cannot open %s: %s", VFIO_CONTAINER_PATH, strerror(err));
	}
	version = ioctl(fd, VFIO_GET_API_VERSION);
	if (version != VFIO_API_VERSION) {
		close(fd);
		return nvmu_fail(ENOTSUP, "unknown VFIO API version %d (expected %d)", version,
				 VFIO_API_VERSION);
	}
	if (ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0) {
		close(fd);
		return nvmu_fail(ENOTSUP, "the kernel's VFIO has no type1v2 IOMMU backend "
				 "(load vfio_iommu_type1)");
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return nvmu_fail(ENOMEM, "out of memory");
	}
	c->fd = fd;
	*out = c;
	return 0;
}

void nvmu_vfio_container_close(struct nvmu_vfio_container *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->ngroups; i++) {
		if (c->groups[i].users)
			nvmu_log(NVMU_LOG_WARN,
				 "closing VFIO container with IOMMU group %d still in use",
				 c->groups[i].number);
		if (c->groups[i].fd >= 0)
			close(c->groups[i].fd);
	}
	close(c->fd);
	free(c);
}

int nvmu_vfio_container_fd(const struct nvmu_vfio_container *c)
{
	return c->fd;
}

bool nvmu_vfio_container_ready(const struct nvmu_vfio_container *c)
{
	return c->iommu_set;
}

/* Returns the fd of /dev/vfio/<number>, or a negative errno with a message that says what
 * to do: -ENODEV if nothing of the group is on vfio-pci, -EBUSY if it is open elsewhere,
 * -EACCES without permission. */
static int open_group_fd(int number)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/vfio/%d", number);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	switch (errno) {
	case ENOENT:
		return nvmu_fail(ENODEV, "%s does not exist: no device of IOMMU group %d is bound "
				 "to vfio-pci (run 'nvmu bind <addr>')", path, number);
	case EBUSY:
		return nvmu_fail(EBUSY, "IOMMU group %d is in use (%s is already open, by another "
				 "process or another container of this one)", number, path);
	case EACCES:
	case EPERM:
		return nvmu_fail(EACCES, "permission denied opening %s: run as root, or give your "
				 "user that file (chown) and a high enough memlock limit", path);
	default:
		return nvmu_fail(errno, "cannot open %s: %s", path, strerror(errno));
	}
}

/* Attach the open group @p fd to the container. The IOMMU type can only be set once a
 * group is attached, so the first group also sets it. Returns 0, -EPERM (with the
 * devices to blame) if the group is not viable, or the errno of a failed ioctl. */
static int attach_group(struct nvmu_vfio_container *c, int number, int fd)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };

	if (ioctl(fd, VFIO_GROUP_GET_STATUS, &status) < 0)
		return nvmu_fail(errno, "VFIO_GROUP_GET_STATUS on group %d: %s", number,
				 strerror(errno));
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return nvmu_vfio_explain_not_viable(number);
	if (ioctl(fd, VFIO_GROUP_SET_CONTAINER, &c->fd) < 0)
		return nvmu_fail(errno, "cannot attach IOMMU group %d to the VFIO container: %s",
				 number, strerror(errno));
	if (!c->iommu_set) {
		if (ioctl(c->fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) < 0) {
			int err = errno;

			ioctl(fd, VFIO_GROUP_UNSET_CONTAINER);
			return nvmu_fail(err, "cannot set the type1v2 IOMMU on the container: %s",
					 strerror(err));
		}
		c->iommu_set = true;
	}
	return 0;
}

static struct nvmu_vfio_group *free_slot(struct nvmu_vfio_container *c)
{
	for (int i = 0; i < c->ngroups; i++)
		if (c->groups[i].fd < 0)
			return &c->groups[i];
	return c->ngroups < NVMU_VFIO_MAX_GROUPS ? &c->groups[c->ngroups] : NULL;
}

int nvmu_vfio_group_get(struct nvmu_vfio_container *c, int number,
			struct nvmu_vfio_group **out)
{
	struct nvmu_vfio_group *g;
	int fd, ret;

	for (int i = 0; i < c->ngroups; i++) {
		if (c->groups[i].number == number && c->groups[i].fd >= 0) {
			c->groups[i].users++;
			*out = &c->groups[i];
			return 0;
		}
	}
	g = free_slot(c);
	if (!g)
		return nvmu_fail(ENOSPC, "a container holds at most %d IOMMU groups",
				 NVMU_VFIO_MAX_GROUPS);
	fd = open_group_fd(number);
	if (fd < 0)
		return fd;
	ret = attach_group(c, number, fd);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	if (g == &c->groups[c->ngroups])
		c->ngroups++;
	g->number = number;
	g->fd = fd;
	g->users = 1;
	*out = g;
	return 0;
}

void nvmu_vfio_group_put(struct nvmu_vfio_container *c, struct nvmu_vfio_group *g)
{
	if (--g->users > 0)
		return;
	ioctl(g->fd, VFIO_GROUP_UNSET_CONTAINER);
	close(g->fd);
	/* The slot can be reused. Devices keep pointers to their group, so slots never move. */
	g->fd = -1;
	for (int i = 0; i < c->ngroups; i++)
		if (c->groups[i].fd >= 0)
			return;
	/* The kernel drops the container's IOMMU with its last group; the next one sets it. */
	c->iommu_set = false;
}
