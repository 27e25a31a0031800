/* SPDX-License-Identifier: MIT */
/* What processes sharing a software controller need (src/transport/shared/): its doorbells
 * in a memfd they map, their memory added to its address table, and its share key. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "soft.h"

int soft_doorbells_alloc(struct soft_ctrl *c)
{
	void *db;

	c->db_fd = memfd_create("nvmu-soft-doorbells", MFD_CLOEXEC);
	if (c->db_fd < 0)
		return nvmu_fail(errno, "%s: memfd for the doorbells: %s", c->name, strerror(errno));
	if (ftruncate(c->db_fd, (off_t)c->db_bytes) < 0)
		return nvmu_fail(errno, "%s: sizing the doorbell memfd: %s", c->name,
				 strerror(errno));
	db = mmap(NULL, c->db_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, c->db_fd, 0);
	if (db == MAP_FAILED)
		return nvmu_fail(errno, "%s: mapping the doorbells: %s", c->name, strerror(errno));
	c->db_area = db;
	return 0;
}

void soft_doorbells_free(struct soft_ctrl *c)
{
	if (c->db_area)
		munmap(c->db_area, c->db_bytes);
	if (c->db_fd >= 0)
		close(c->db_fd);
	c->db_area = NULL;
	c->db_fd = -1;
}

int soft_map_peer(struct nvmu_transport *t, void *vaddr, size_t len, uint64_t *iova)
{
	struct soft_ctrl *c = soft_of(t);
	int ret;

	pthread_mutex_lock(&c->lock);
	ret = soft_dma_map_peer(c, vaddr, len, iova);
	pthread_mutex_unlock(&c->lock);
	return ret;
}

void soft_unmap_peer(struct nvmu_transport *t, void *vaddr, uint64_t iova)
{
	struct soft_ctrl *c = soft_of(t);

	(void)vaddr;
	pthread_mutex_lock(&c->lock);
	soft_dma_unmap_peer(c, iova);
	pthread_mutex_unlock(&c->lock);
}

int soft_doorbell_fd(struct nvmu_transport *t, int *fd, uint64_t *offset, size_t *len)
{
	struct soft_ctrl *c = soft_of(t);

	*fd = c->db_fd;
	*offset = 0;
	*len = c->db_bytes;
	return 0;
}

int soft_share_key(const char *spec, char *key, size_t len)
{
	struct soft_opts o;
	int ret = soft_opts_parse(spec, &o);

	if (ret < 0)
		return ret;
	if (!o.name[0])
		return 0; /* an anonymous soft: is a new controller for every open */
	if ((size_t)snprintf(key, len, "soft-%s", o.name) >= len)
		return nvmu_fail(ENAMETOOLONG, "soft: name=%s is too long", o.name);
	return 1;
}
