/* SPDX-License-Identifier: MIT */
/*
 * Namespaces: storage in RAM (allocated lazily by the kernel) or, with file=PATH, in a
 * shared mapping of a file (namespace i at byte i x size), LBA formats, Format NVM.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "soft.h"

#define NSID_ALL 0xffffffffu
#define FORMAT_LBAF_MASK 0xfu
#define FORMAT_PI_SHIFT 5
#define FORMAT_PI_MASK 0x7u
#define FORMAT_SES_SHIFT 9
#define FORMAT_SES_MASK 0x7u
#define FORMAT_SES_CRYPTO 2u

/* Map namespace @p i of the file @p fd (grown to hold it; sparse). */
static int map_file_ns(struct soft_ctrl *c, int fd, uint32_t i, void **mem)
{
	off_t end = (off_t)((i + 1) * c->o.ns_bytes);
	struct stat st;

	if (fstat(fd, &st) != 0 || (st.st_size < end && ftruncate(fd, end) != 0))
		return -errno;
	*mem = mmap(NULL, c->o.ns_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    (off_t)(i * c->o.ns_bytes));
	return *mem == MAP_FAILED ? -errno : 0;
}

/*
 * RAM storage of a namespace: anonymous memory the kernel fills with zero pages on first
 * touch, with no swap reserved (MAP_NORESERVE), so a namespace larger than the machine's
 * memory opens and only the blocks written take memory.
 */
int soft_ns_map_ram(uint64_t bytes, void **mem)
{
	*mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (*mem != MAP_FAILED)
		return 0;
	*mem = NULL;
	return nvmu_fail(errno, "cannot reserve %llu bytes of address space: %s",
			 (unsigned long long)bytes, strerror(errno));
}

/* Storage of namespace @p i: RAM, or the file's part. */
static int ns_storage(struct soft_ctrl *c, int fd, uint32_t i, void **mem)
{
	int ret = fd >= 0 ? map_file_ns(c, fd, i, mem) : soft_ns_map_ram(c->o.ns_bytes, mem);

	if (ret < 0 && fd >= 0)
		return nvmu_fail(-ret, "soft: file=%s: namespace %u: %s", c->o.file, i + 1,
				 strerror(-ret));
	return ret;
}

/*
 * Open (or create) the backing file. The tool may run as root on a path a user chose, so
 * a symbolic link at the path is refused rather than followed (it could point root's
 * writes at any file), and so is anything but a regular file: a FIFO, a device or a
 * directory cannot hold namespaces, and opening one must not block or take a terminal.
 */
static int open_backing_file(const struct soft_ctrl *c, int *out)
{
	int fd = open(c->o.file, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK |
			  O_NOCTTY, 0600);
	struct stat st;

	if (fd < 0 && errno == ELOOP)
		return nvmu_fail(ELOOP, "soft: file=%s is a symbolic link; give the path of a "
				 "regular file itself", c->o.file);
	if (fd < 0 && errno == EISDIR)
		return nvmu_fail(EISDIR, "soft: file=%s is not a regular file but a directory; "
				 "give the path of a regular file", c->o.file);
	if (fd < 0)
		return nvmu_fail(errno, "soft: file=%s: %s", c->o.file, strerror(errno));
	if (fstat(fd, &st) != 0) {
		int err = errno;

		close(fd);
		return nvmu_fail(err, "soft: file=%s: %s", c->o.file, strerror(err));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return nvmu_fail(EINVAL, "soft: file=%s is not a regular file; give the path of "
				 "a regular file", c->o.file);
	}
	*out = fd;
	return 0;
}

int soft_ns_init(struct soft_ctrl *c)
{
	int fd = -1, ret;

	c->nn = c->o.nns > SOFT_MIN_NN ? c->o.nns : SOFT_MIN_NN;
	c->ns = calloc(c->nn, sizeof(*c->ns));
	if (!c->ns)
		return nvmu_fail(ENOMEM, "out of memory");
	if (c->o.file[0] && (ret = open_backing_file(c, &fd)) < 0)
		return ret;
	for (uint32_t i = 0; i < c->o.nns; i++) {
		void *mem = NULL;
		int ret = ns_storage(c, fd, i, &mem);

		if (ret < 0) {
			if (fd >= 0)
				close(fd);
			return nvmu_fail_context(-ret, "soft: namespace %u of %llu bytes", i + 1,
						 (unsigned long long)c->o.ns_bytes);
		}
		c->ns[i] = (struct soft_ns){ .data = mem,
					     .bytes = c->o.ns_bytes,
					     .allocated = true,
					     .attached = true,
					     .file_backed = fd >= 0,
					     .file_fd = fd,
					     .file_off = (uint64_t)i * c->o.ns_bytes,
					     .lbaf = c->o.lbs == 4096 ? SOFT_LBAF_4096
								      : SOFT_LBAF_512 };
	}
	/* Reads and writes go to the file itself (file_io.c); the mappings serve the other
	 * commands, and the kernel keeps the two coherent. */
	return fd >= 0 ? soft_file_open(c, fd) : 0;
}

void soft_ns_storage_free(struct soft_ns *ns)
{
	free(ns->id_override);
	ns->id_override = NULL;
	if (ns->data)
		munmap(ns->data, ns->bytes); /* file or RAM: both are mappings */
	ns->data = NULL;
}

void soft_ns_fini(struct soft_ctrl *c)
{
	for (uint32_t i = 0; c->ns && i < c->nn; i++)
		soft_ns_storage_free(&c->ns[i]);
	free(c->ns);
	c->ns = NULL;
}

struct soft_ns *soft_ns_allocated(struct soft_ctrl *c, uint32_t nsid)
{
	return nsid >= 1 && nsid <= c->nn && c->ns[nsid - 1].allocated ? &c->ns[nsid - 1] : NULL;
}

struct soft_ns *soft_ns_get(struct soft_ctrl *c, uint32_t nsid)
{
	struct soft_ns *ns = soft_ns_allocated(c, nsid);

	return ns && ns->attached ? ns : NULL;
}

uint32_t soft_ns_lba_shift(const struct soft_ns *ns)
{
	return ns->lbaf == SOFT_LBAF_4096 ? 12 : 9;
}

uint64_t soft_ns_blocks(const struct soft_ns *ns)
{
	return ns->bytes >> soft_ns_lba_shift(ns);
}

void soft_ns_zero(struct soft_ns *ns, uint64_t offset, uint64_t bytes)
{
	uint8_t *p = ns->data + offset;
	uintptr_t page = 4096, first = ((uintptr_t)p + page - 1) & ~(page - 1);
	uintptr_t end = ((uintptr_t)p + bytes) & ~(page - 1);

	/* A file gets a hole (the blocks read zeroes and take no space), if its file system
	 * makes holes. */
	if (ns->file_backed && fallocate(ns->file_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
					 (off_t)(ns->file_off + offset), (off_t)bytes) == 0)
		return;
	/* In RAM the whole pages inside go back to the kernel: they read zeroes and cost
	 * nothing again (a private anonymous mapping). The edges, and a file, are written. */
	if (ns->file_backed || end <= first || madvise((void *)first, end - first, MADV_DONTNEED)) {
		memset(p, 0, bytes);
		return;
	}
	memset(p, 0, first - (uintptr_t)p);
	memset((void *)end, 0, (uintptr_t)p + bytes - end);
}

/* Every block reads zeroes again; the kernel takes RAM pages back (a file is rewritten). */
void soft_ns_erase(struct soft_ns *ns)
{
	ns->nuncor = 0;
	if (ns->file_backed) {
		soft_ns_zero(ns, 0, ns->bytes);
		return;
	}
	if (madvise(ns->data, ns->bytes, MADV_DONTNEED) != 0)
		memset(ns->data, 0, ns->bytes);
}

uint16_t soft_format(struct soft_ctrl *c, struct soft_cmd *cmd)
{
	uint32_t cdw10 = cmd->sqe.cdw10, nsid = cmd->sqe.nsid;
	uint8_t lbaf = cdw10 & FORMAT_LBAF_MASK;
	struct soft_ns *ns = soft_ns_get(c, nsid);

	if (!ns && nsid != NSID_ALL)
		return SOFT_GENERIC(NVME_SC_INVALID_NS);
	if (lbaf >= SOFT_NLBAF)
		return SOFT_SPECIFIC(NVME_SC_INVALID_FORMAT);
	if ((cdw10 >> FORMAT_PI_SHIFT & FORMAT_PI_MASK) != 0 ||
	    (cdw10 >> FORMAT_SES_SHIFT & FORMAT_SES_MASK) > FORMAT_SES_CRYPTO)
		return SOFT_GENERIC(NVME_SC_INVALID_FIELD);
	for (uint32_t i = 0; i < c->nn; i++) {
		if ((ns && &c->ns[i] != ns) || !c->ns[i].attached)
			continue;
		c->ns[i].lbaf = lbaf;
		soft_ns_erase(&c->ns[i]);
	}
	return 0;
}
