/* SPDX-License-Identifier: MIT */
/*
 * Namespaces kept in a file (option file=): Read and Write move data between the file
 * and the host memory the command's data pointer designates, with no copy of ours:
 * O_DIRECT when the pieces are aligned as the file system wants, the page cache
 * otherwise; Flush and shutdown make the file durable (fdatasync), and a write with FUA
 * is durable when it completes (RWF_DSYNC). So what the controller acknowledges is what a
 * disk would have, and a benchmark compares it honestly with other back-ends on the file.
 *
 * The transfers go through io_uring without waiting: the command completes when the
 * kernel says so, reaped by whichever thread steps the queue next (a host polling its
 * queue pair, or the controller's thread). Each I/O queue has its own ring, so that a
 * host polling a queue reaps its own transfers. A ring signals the controller's eventfd,
 * which its thread sleeps on, until the queue's host polls it: from then on the ring
 * signals the queue's completion interrupt itself, and the host, woken by the end of the
 * transfer, completes it with its next poll; no wake-up of the controller's thread in
 * between (file_ring.c). Without io_uring, without a free slot, in step mode, and for
 * commands a fault rule matched, the transfer is made at once with preadv/pwritev.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "file_ring.h"
#include "soft.h"

#define SLOTS 256       /* transfers in flight at most (more are made at once) */
#define IOV_INLINE 8    /* pieces held in the slot; more take a heap array */
#define DIO_ALIGN_UNKNOWN 4096 /* when the kernel does not say: the safe value */

enum aio_kind { AIO_READ, AIO_WRITE, AIO_FLUSH };

struct soft_aio {
	struct soft_cmd cmd;
	struct soft_ns *ns;
	uint64_t slba, nlb, off;
	size_t bytes;
	enum aio_kind kind;
	bool fua;
	uint32_t pos; /* index in busy[] */
	struct soft_ring *ring; /* the ring it is queued on */
	int fd;
	struct iovec *iov;
	unsigned iovcnt, iov_cap;
	struct iovec inline_iov[IOV_INLINE];
};

struct soft_file {
	int fd;  /* buffered */
	int dfd; /* O_DIRECT on the same file, or -1 */
	uint32_t mem_align, off_align;
	struct soft_rings rings; /* one per SQ (file_ring.c) */
	struct soft_aio slots[SLOTS];
	struct soft_aio *free[SLOTS];
	uint32_t nfree;
	struct soft_aio *busy[SLOTS];
	uint32_t nbusy;
};

/* The alignment O_DIRECT needs of memory and of file offsets and lengths. */
static void dio_alignment(struct soft_file *f)
{
	struct statx sx;

	f->mem_align = f->off_align = DIO_ALIGN_UNKNOWN;
#ifdef STATX_DIOALIGN
	if (statx(f->dfd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &sx) == 0 &&
	    (sx.stx_mask & STATX_DIOALIGN) && sx.stx_dio_mem_align && sx.stx_dio_offset_align) {
		f->mem_align = sx.stx_dio_mem_align;
		f->off_align = sx.stx_dio_offset_align;
	}
#else
	(void)sx;
#endif
}

/* A second open file description of @fd with O_DIRECT (through /proc, so that it is the
 * same file whatever happened to its path), or -1 if the file system has none. */
static int open_direct(int fd)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return open(path, O_RDWR | O_DIRECT | O_CLOEXEC);
}

int soft_file_open(struct soft_ctrl *c, int fd)
{
	struct soft_file *f = calloc(1, sizeof(*f));

	if (!f)
		return nvmu_fail(ENOMEM, "out of memory");
	if (soft_rings_init(&f->rings, c->o.stepped ? 0 : (uint32_t)c->o.queues + 1) < 0) {
		free(f);
		return nvmu_fail(ENOMEM, "out of memory");
	}
	f->fd = fd;
	f->dfd = open_direct(fd);
	if (f->dfd >= 0)
		dio_alignment(f);
	for (uint32_t i = 0; i < SLOTS; i++)
		f->free[f->nfree++] = &f->slots[SLOTS - 1 - i];
	c->file = f;
	return 0;
}

static bool aligned(uint64_t v, uint32_t a)
{
	return (v & (a - 1)) == 0;
}

/* The pieces of the resolved data pointer as an iovec in @a; the descriptor to use. */
static int fill_iov(struct soft_ctrl *c, struct soft_aio *a)
{
	struct soft_file *f = c->file;
	bool direct = f->dfd >= 0 && aligned(a->off, f->off_align) &&
		      aligned(a->bytes, f->off_align);

	if (c->nsegs > a->iov_cap) {
		struct iovec *iov = a->iov == a->inline_iov ? NULL : a->iov;

		iov = realloc(iov, c->nsegs * sizeof(*iov));
		if (!iov)
			return -ENOMEM;
		a->iov = iov;
		a->iov_cap = (unsigned)c->nsegs;
	}
	for (size_t i = 0; i < c->nsegs; i++) {
		a->iov[i] = (struct iovec){ c->segs[i].ptr, c->segs[i].len };
		direct = direct && aligned((uintptr_t)c->segs[i].ptr, f->mem_align) &&
			 aligned(c->segs[i].len, f->off_align);
	}
	a->iovcnt = (unsigned)c->nsegs;
	a->fd = direct ? f->dfd : f->fd;
	return 0;
}

static uint16_t errno_status(const struct soft_aio *a, int err)
{
	if (err == EIO)
		return SOFT_DNR(NVME_SCT_MEDIA, a->kind == AIO_READ ? NVME_SC_READ_ERROR
								    : NVME_SC_WRITE_FAULT);
	return SOFT_STATUS(NVME_SCT_GENERIC, NVME_SC_INTERNAL);
}

/* The transfer of @a, made now; 0 or a status. */
static uint16_t transfer_now(struct soft_ctrl *c, struct soft_aio *a)
{
	struct soft_file *f = c->file;
	struct iovec *iov = a->iov;
	unsigned cnt = a->iovcnt;
	uint64_t off = a->off;

	if (a->kind == AIO_FLUSH)
		return fdatasync(f->fd) == 0 ? 0 : errno_status(a, errno);
	while (cnt) {
		ssize_t n = a->kind == AIO_READ ? preadv(a->fd, iov, (int)cnt, (off_t)off)
						: pwritev2(a->fd, iov, (int)cnt, (off_t)off,
							   a->fua ? RWF_DSYNC : 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return errno_status(a, n < 0 ? errno : EIO);
		off += (uint64_t)n;
		while (cnt && (size_t)n >= iov->iov_len) { /* skip what moved */
			n -= (ssize_t)iov->iov_len;
			iov++;
			cnt--;
		}
		if (cnt) {
			iov->iov_base = (uint8_t *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

/* What a finished transfer changes besides the data: counters, readable blocks. */
static void finished(struct soft_ctrl *c, struct soft_aio *a, uint16_t status)
{
	if (status || a->kind == AIO_FLUSH)
		return;
	if (a->kind == AIO_WRITE)
		soft_uncor_clear(a->ns, a->slba, a->nlb);
	soft_count_io(c, a->kind == AIO_WRITE, a->bytes);
}

/* The transfer of @a made now, and finished; 0 or a status. */
static uint16_t transfer_and_finish(struct soft_ctrl *c, struct soft_aio *a)
{
	uint16_t st = transfer_now(c, a);

	finished(c, a, st);
	return st;
}

static struct soft_aio *take_slot(struct soft_file *f)
{
	struct soft_aio *a = f->free[--f->nfree];

	if (!a->iov) {
		a->iov = a->inline_iov;
		a->iov_cap = IOV_INLINE;
	}
	return a;
}

static void put_slot(struct soft_file *f, struct soft_aio *a)
{
	f->free[f->nfree++] = a;
}

/* Queue @a on its queue's ring; false when there is none or it is full (the caller makes
 * the transfer at once). */
static bool queue(struct soft_file *f, struct soft_aio *a)
{
	struct soft_ring *r = soft_ring_of(&f->rings, a->cmd.sqid);
	struct io_uring_sqe *sqe = r ? io_uring_get_sqe(&r->ring) : NULL;

	if (r && !sqe) { /* the ring is full of queued transfers: hand them over first */
		soft_ring_submit(r);
		sqe = io_uring_get_sqe(&r->ring);
	}
	if (!sqe)
		return false;
	if (a->kind == AIO_FLUSH) {
		io_uring_prep_fsync(sqe, f->fd, IORING_FSYNC_DATASYNC);
	} else if (a->kind == AIO_READ) {
		io_uring_prep_readv(sqe, a->fd, a->iov, a->iovcnt, a->off);
	} else {
		io_uring_prep_writev(sqe, a->fd, a->iov, a->iovcnt, a->off);
		sqe->rw_flags = a->fua ? RWF_DSYNC : 0;
	}
	io_uring_sqe_set_data(sqe, a);
	a->pos = f->nbusy;
	a->ring = r;
	f->busy[f->nbusy++] = a;
	r->nbusy++;
	r->unsubmitted++;
	return true;
}

/* Run @a: queued (SOFT_ASYNC) when the command may complete later, else at once. */
static uint16_t run(struct soft_ctrl *c, struct soft_aio *a, bool defer)
{
	struct soft_file *f = c->file;
	uint16_t st;

	if (defer && queue(f, a))
		return SOFT_ASYNC;
	st = transfer_and_finish(c, a);
	put_slot(f, a);
	return st;
}

uint16_t soft_file_rw(struct soft_ctrl *c, struct soft_cmd *cmd, struct soft_ns *ns,
		      uint64_t slba, uint64_t nlb, bool write, bool defer)
{
	struct soft_file *f = c->file;
	size_t bytes = nlb << soft_ns_lba_shift(ns);
	uint16_t st = soft_dptr_resolve(c, cmd, bytes);
	struct soft_aio *a;

	if (st)
		return st;
	/* Without a free slot the transfer is made at once, in a slot on the stack. */
	struct soft_aio local = { .iov = local.inline_iov, .iov_cap = IOV_INLINE };

	a = f->nfree ? take_slot(f) : &local;
	a->cmd = *cmd;
	a->ns = ns;
	a->slba = slba;
	a->nlb = nlb;
	a->off = ns->file_off + (slba << soft_ns_lba_shift(ns));
	a->bytes = bytes;
	a->kind = write ? AIO_WRITE : AIO_READ;
	a->fua = write && (cmd->sqe.cdw12 >> 16 & NVME_IO_FUA);
	if (fill_iov(c, a) < 0) {
		if (a != &local)
			put_slot(f, a);
		return SOFT_STATUS(NVME_SCT_GENERIC, NVME_SC_INTERNAL);
	}
	if (a == &local) {
		st = transfer_and_finish(c, a);
		if (a->iov != a->inline_iov)
			free(a->iov);
		return st;
	}
	return run(c, a, defer);
}

uint16_t soft_file_flush(struct soft_ctrl *c, struct soft_cmd *cmd, bool defer)
{
	struct soft_file *f = c->file;
	struct soft_aio local = { .kind = AIO_FLUSH };

	if (!f)
		return 0;
	if (f->nfree == 0)
		return transfer_now(c, &local);
	struct soft_aio *a = take_slot(f);

	a->cmd = *cmd;
	a->kind = AIO_FLUSH;
	a->iovcnt = 0;
	return run(c, a, defer);
}

void soft_file_submit(struct soft_ctrl *c)
{
	if (c->file)
		soft_rings_submit(&c->file->rings);
}

void soft_file_submit_queue(struct soft_ctrl *c, uint16_t qid)
{
	if (c->file)
		soft_ring_submit(soft_ring_find(&c->file->rings, qid));
}

/* The end of a transfer the ring reports: a short one is finished at once. */
static void reaped(struct soft_ctrl *c, struct soft_aio *a, int res, bool post)
{
	struct soft_file *f = c->file;
	uint16_t st = 0;

	f->busy[a->pos] = f->busy[--f->nbusy];
	f->busy[a->pos]->pos = a->pos;
	a->ring->nbusy--;
	if (res < 0)
		st = errno_status(a, -res);
	else if (a->kind != AIO_FLUSH && (size_t)res != a->bytes)
		st = transfer_now(c, a); /* the whole transfer again: blocks are idempotent */
	finished(c, a, st);
	if (post)
		soft_cmd_complete(c, &a->cmd, st);
	put_slot(f, a);
}

/* Complete the transfers of ring @r that ended; how many. */
static unsigned reap(struct soft_ctrl *c, struct soft_ring *r, bool post)
{
	struct io_uring_cqe *cqe;
	unsigned n = 0;

	while (r->nbusy && io_uring_peek_cqe(&r->ring, &cqe) == 0) {
		struct soft_aio *a = io_uring_cqe_get_data(cqe);
		int res = cqe->res;

		io_uring_cqe_seen(&r->ring, cqe);
		reaped(c, a, res, post);
		n++;
	}
	return n;
}

unsigned soft_file_reap(struct soft_ctrl *c)
{
	struct soft_file *f = c->file;
	unsigned n = 0;

	for (uint32_t i = 0; f && f->nbusy && i < f->rings.n; i++)
		if (f->rings.q[i])
			n += reap(c, f->rings.q[i], true);
	return n;
}

unsigned soft_file_reap_queue(struct soft_ctrl *c, uint16_t qid)
{
	struct soft_ring *r = c->file ? soft_ring_find(&c->file->rings, qid) : NULL;

	return r ? reap(c, r, true) : 0;
}

void soft_file_route(struct soft_ctrl *c, uint16_t qid, int fd)
{
	if (c->file)
		soft_ring_route(&c->file->rings, qid, fd);
}

void soft_file_route_reset(struct soft_ctrl *c)
{
	if (c->file)
		soft_rings_route_reset(&c->file->rings);
}

void soft_file_drain(struct soft_ctrl *c, bool post)
{
	struct soft_file *f = c->file;

	if (!f)
		return;
	soft_file_submit(c);
	for (uint32_t i = 0; i < f->rings.n; i++) {
		struct soft_ring *r = f->rings.q[i];
		struct io_uring_cqe *cqe;

		while (r && r->nbusy) {
			int err = io_uring_wait_cqe(&r->ring, &cqe);

			if (err < 0 && err != -EINTR)
				break;
			reap(c, r, post);
		}
	}
	/* Queues may be deleted or the controller reset: until a host polls a queue again,
	 * the controller's thread is the one to wake for its transfers. */
	soft_rings_route_reset(&f->rings);
}

bool soft_file_has_cid(const struct soft_ctrl *c, uint16_t sqid, uint16_t cid)
{
	const struct soft_file *f = c->file;

	for (uint32_t i = 0; f && i < f->nbusy; i++)
		if (f->busy[i]->cmd.sqid == sqid && f->busy[i]->cmd.sqe.cid == cid)
			return true;
	return false;
}

int soft_file_eventfd(const struct soft_ctrl *c)
{
	return c->file && c->file->rings.n ? c->file->rings.efd : -1;
}

int soft_file_sync(struct soft_ctrl *c)
{
	if (!c->file)
		return 0;
	soft_file_drain(c, true);
	return fdatasync(c->file->fd);
}

void soft_file_close(struct soft_ctrl *c)
{
	struct soft_file *f = c->file;

	if (!f)
		return;
	soft_file_drain(c, false);
	soft_rings_fini(&f->rings);
	for (uint32_t i = 0; i < SLOTS; i++)
		if (f->slots[i].iov && f->slots[i].iov != f->slots[i].inline_iov)
			free(f->slots[i].iov);
	if (f->dfd >= 0)
		close(f->dfd);
	close(f->fd);
	free(f);
	c->file = NULL;
}
