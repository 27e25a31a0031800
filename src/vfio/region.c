/* SPDX-License-Identifier: MIT */
/* Device regions: BAR mappings that honour sparse mmap areas, region I/O, config space. */
#include <errno.h>
#include <linux/vfio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vfio/caps.h"
#include "vfio/mmio_guard.h"
#include "vfio/vfio_internal.h"

#define PCI_COMMAND 0x04
#define PCI_COMMAND_MASTER 0x4

int nvmu_vfio_region_info(struct nvmu_vfio_device *d, uint32_t index,
			  struct nvmu_vfio_region *r)
{
	struct vfio_region_info *info;

	if (index >= d->num_regions)
		return nvmu_fail(EINVAL, "%s has %u regions; there is no region %u", d->addr,
				 d->num_regions, index);
	struct vfio_region_info query = { .argsz = sizeof(query), .index = index };

	info = nvmu_vfio_query_info(d->fd, VFIO_DEVICE_GET_REGION_INFO, &query, sizeof(query));
	if (!info)
		return nvmu_fail(errno ? errno : ENOMEM,
				 "VFIO_DEVICE_GET_REGION_INFO %s region %u: %s", d->addr, index,
				 strerror(errno ? errno : ENOMEM));
	memset(r, 0, sizeof(*r));
	r->index = index;
	r->size = info->size;
	r->offset = info->offset;
	r->readable = info->flags & VFIO_REGION_INFO_FLAG_READ;
	r->writable = info->flags & VFIO_REGION_INFO_FLAG_WRITE;
	r->mmappable = info->flags & VFIO_REGION_INFO_FLAG_MMAP;
	nvmu_vfio_parse_region_caps(info, r);
	free(info);
	return 0;
}

/* Map one area of a BAR over the reserved range at base+off. Returns 0, -EINVAL if the
 * kernel gave an area outside the BAR, or the errno of mmap(). */
static int map_area(struct nvmu_vfio_device *d, const struct nvmu_vfio_region *r, char *base,
		    uint64_t off, uint64_t size)
{
	int prot = (r->readable ? PROT_READ : 0) | (r->writable ? PROT_WRITE : 0);
	void *p;

	if (off + size > r->size || off + size < off)
		return nvmu_fail(EINVAL, "%s BAR%u: mmap area [%#llx, +%#llx) lies outside the "
				 "%#llx-byte BAR", d->addr, r->index, (unsigned long long)off,
				 (unsigned long long)size, (unsigned long long)r->size);
	p = mmap(base + off, size, prot, MAP_SHARED | MAP_FIXED, d->fd,
		 (off_t)(r->offset + off));
	if (p == MAP_FAILED)
		return nvmu_fail(errno, "cannot mmap %s BAR%u at %#llx: %s", d->addr, r->index,
				 (unsigned long long)off, strerror(errno));
	return 0;
}

int nvmu_vfio_map_bar(struct nvmu_vfio_device *d, unsigned bar, void **base, size_t *size)
{
	struct nvmu_vfio_bar_map *m;
	char *reserve;
	int ret;

	if (bar >= NVMU_VFIO_NR_BARS)
		return nvmu_fail(EINVAL, "there is no BAR%u (BARs are 0-5)", bar);
	m = &d->bars[bar];
	if (m->base) {
		*base = m->base;
		*size = m->size;
		return 0;
	}
	ret = nvmu_vfio_region_info(d, bar, &m->region);
	if (ret < 0)
		return ret;
	if (m->region.size == 0)
		return nvmu_fail(ENODEV, "%s has no BAR%u", d->addr, bar);
	if (!m->region.mmappable)
		return nvmu_fail(ENOTSUP, "%s BAR%u cannot be mmapped (use region read/write)",
				 d->addr, bar);
	/* Reserve the whole BAR as inaccessible, then place the allowed areas over it. An
	 * access outside them then faults instead of reaching something else. */
	reserve = mmap(NULL, m->region.size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (reserve == MAP_FAILED)
		return nvmu_fail(errno, "cannot reserve %#llx bytes for %s BAR%u: %s",
				 (unsigned long long)m->region.size, d->addr, bar, strerror(errno));
	/* The range is guarded before the first byte is mapped, so a dead BAR never kills the
	 * process. */
	ret = nvmu_mmio_guard_add(reserve, m->region.size, &d->mmio_lost);
	if (ret == 0 && m->region.nr_sparse == 0)
		ret = map_area(d, &m->region, reserve, 0, m->region.size);
	for (uint32_t i = 0; i < m->region.nr_sparse && ret == 0; i++)
		ret = map_area(d, &m->region, reserve, m->region.sparse[i].offset,
			       m->region.sparse[i].size);
	if (ret < 0) {
		nvmu_mmio_guard_remove(reserve);
		munmap(reserve, m->region.size);
		return ret;
	}
	m->base = reserve;
	m->size = m->region.size;
	*base = m->base;
	*size = m->size;
	return 0;
}

bool nvmu_vfio_bar_range_mapped(const struct nvmu_vfio_device *d, unsigned bar, uint64_t off,
				uint64_t len)
{
	const struct nvmu_vfio_bar_map *m;

	if (bar >= NVMU_VFIO_NR_BARS || !d->bars[bar].base)
		return false;
	m = &d->bars[bar];
	if (off + len > m->size || off + len < off)
		return false;
	if (m->region.nr_sparse == 0)
		return true;
	for (uint32_t i = 0; i < m->region.nr_sparse; i++)
		if (off >= m->region.sparse[i].offset &&
		    off + len <= m->region.sparse[i].offset + m->region.sparse[i].size)
			return true;
	return false;
}

bool nvmu_vfio_device_mmio_lost(const struct nvmu_vfio_device *d)
{
	return d->mmio_lost;
}

void nvmu_vfio_unmap_bar(struct nvmu_vfio_device *d, unsigned bar)
{
	struct nvmu_vfio_bar_map *m;

	if (bar >= NVMU_VFIO_NR_BARS)
		return;
	m = &d->bars[bar];
	if (m->base) {
		nvmu_mmio_guard_remove(m->base);
		munmap(m->base, m->size);
	}
	memset(m, 0, sizeof(*m));
}

/* Find where @p len bytes at @p off of region @p index lie in the device fd. Returns 0,
 * -EINVAL if they go beyond the region, or the error of asking for its info. */
static int region_offset(struct nvmu_vfio_device *d, uint32_t index, uint64_t off, size_t len,
			 uint64_t *fd_off)
{
	struct nvmu_vfio_region r;
	int ret;

	if (index == VFIO_PCI_CONFIG_REGION_INDEX) {
		*fd_off = d->config_offset + off;
		return 0;
	}
	ret = nvmu_vfio_region_info(d, index, &r);
	if (ret < 0)
		return ret;
	if (off + len > r.size || off + len < off)
		return nvmu_fail(EINVAL, "%s region %u: [%#llx, +%zu) is beyond its %#llx bytes",
				 d->addr, index, (unsigned long long)off, len,
				 (unsigned long long)r.size);
	*fd_off = r.offset + off;
	return 0;
}

/* Move @p len bytes between @p buf and region @p index at @p off through the device fd.
 * Returns 0, or a negative errno (-EIO for a short transfer). */
static int region_io(struct nvmu_vfio_device *d, uint32_t index, uint64_t off, void *buf,
		     size_t len, bool write)
{
	uint64_t fd_off = 0;
	ssize_t n;
	int ret = region_offset(d, index, off, len, &fd_off);

	if (ret < 0)
		return ret;
	n = write ? pwrite(d->fd, buf, len, (off_t)fd_off)
		  : pread(d->fd, buf, len, (off_t)fd_off);
	if (n != (ssize_t)len)
		return nvmu_fail(n < 0 ? errno : EIO,
				 "%s of %zu bytes at %#llx of %s region %u failed%s%s",
				 write ? "write" : "read", len, (unsigned long long)off, d->addr,
				 index, n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
	return 0;
}

int nvmu_vfio_region_read(struct nvmu_vfio_device *d, uint32_t index, uint64_t off, void *buf,
			  size_t len)
{
	return region_io(d, index, off, buf, len, false);
}

int nvmu_vfio_region_write(struct nvmu_vfio_device *d, uint32_t index, uint64_t off,
			   const void *buf, size_t len)
{
	return region_io(d, index, off, (void *)buf, len, true);
}

int nvmu_vfio_config_read16(struct nvmu_vfio_device *d, uint32_t off, uint16_t *val)
{
	uint8_t b[2];
	int ret = nvmu_vfio_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, off, b, sizeof(b));

	if (ret == 0)
		*val = (uint16_t)(b[0] | b[1] << 8);
	return ret;
}

int nvmu_vfio_config_read32(struct nvmu_vfio_device *d, uint32_t off, uint32_t *val)
{
	uint8_t b[4];
	int ret = nvmu_vfio_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, off, b, sizeof(b));

	if (ret == 0)
		*val = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
		       (uint32_t)b[3] << 24;
	return ret;
}

int nvmu_vfio_config_write16(struct nvmu_vfio_device *d, uint32_t off, uint16_t val)
{
	uint8_t b[2] = { (uint8_t)val, (uint8_t)(val >> 8) };

	return nvmu_vfio_region_write(d, VFIO_PCI_CONFIG_REGION_INDEX, off, b, sizeof(b));
}

int nvmu_vfio_set_bus_master(struct nvmu_vfio_device *d, bool on)
{
	uint16_t cmd = 0;
	int ret = nvmu_vfio_config_read16(d, PCI_COMMAND, &cmd);

	if (ret < 0)
		return ret;
	cmd = on ? (uint16_t)(cmd | PCI_COMMAND_MASTER) : (uint16_t)(cmd & ~PCI_COMMAND_MASTER);
	return nvmu_vfio_config_write16(d, PCI_COMMAND, cmd);
}
