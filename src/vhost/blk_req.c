/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk requests (virtio 1.x, section 5.2.6): a 16-byte header the device reads
 * (type, reserved, sector), the data, and a status byte the device writes last. The
 * framing is not fixed by descriptors: the header may be split over several of them and
 * data may share one with the header or the status, so the chain's readable and
 * writable bytes are cut where the request says, never where descriptors end.
 *
 * Data goes to the device in place (guest memory mapped for DMA) when it can; otherwise
 * through a bounce buffer kept with the request slot, counted.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "vhost_internal.h"

#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define T_GET_ID 8
#define T_DISCARD 11
#define T_WRITE_ZEROES 13
#define WZ_F_UNMAP 1
#define BAD_LOG_MAX 16 /* malformed chains logged per connection, then only counted */

void vh_gather(void *dst, const struct nvmu_dma_buf *iov, unsigned n)
{
	uint8_t *p = dst;

	for (unsigned i = 0; i < n; i++) {
		memcpy(p, iov[i].vaddr, iov[i].len);
		p += iov[i].len;
	}
}

void vh_scatter(const struct nvmu_dma_buf *iov, unsigned n, const void *src)
{
	const uint8_t *p = src;

	for (unsigned i = 0; i < n; i++) {
		memcpy(iov[i].vaddr, p, iov[i].len);
		p += iov[i].len;
	}
}

int vh_buf_ensure(struct nvmu_host_ctrl *h, struct nvmu_dma_buf *buf, size_t len)
{
	size_t want = len < 128 * 1024 ? 128 * 1024 : nvmu_align_up(len, 128 * 1024);

	if (buf->vaddr && buf->len >= len)
		return 0;
	nvmu_host_dma_free(h, buf);
	return nvmu_host_dma_alloc(h, want, buf);
}

static void release_slot(struct vh_blk_req *req)
{
	struct vh_vring *vq = req->vq;

	vq->free_slots[vq->nfree++] = req;
	vq->inflight--;
}

void vh_blk_finish(struct vh_blk_req *req, uint8_t status)
{
	struct vh_poller *p = req->p;

	*(volatile uint8_t *)req->status = status;
	vh_vring_push_used(req->vq, req->head, req->written);
	atomic_fetch_add_explicit(&p->st.requests, 1, memory_order_relaxed);
	if (status)
		atomic_fetch_add_explicit(&p->st.errors, 1, memory_order_relaxed);
	release_slot(req);
}

/* A chain we cannot even answer through its status byte: give the head back unused. */
static void refuse(struct vh_blk_req *req, const char *why)
{
	uint64_t n = atomic_fetch_add_explicit(&req->p->st.bad_requests, 1,
					       memory_order_relaxed);

	if (n < BAD_LOG_MAX)
		nvmu_log(NVMU_LOG_WARN, "vhost-blk: queue %u: refused request: %s",
			 req->vq->index, why);
	vh_vring_push_used(req->vq, req->head, 0);
	release_slot(req);
}

/* The request is malformed but has a status byte: fail it with IOERR. */
static void fail_bad(struct vh_blk_req *req, const char *why)
{
	uint64_t n = atomic_fetch_add_explicit(&req->p->st.bad_requests, 1,
					       memory_order_relaxed);

	if (n < BAD_LOG_MAX)
		nvmu_log(NVMU_LOG_WARN, "vhost-blk: queue %u: failed request: %s",
			 req->vq->index, why);
	vh_blk_finish(req, NVMU_ICPT_S_IOERR);
}

/* req->iov = the bytes of @p pc (@p n pieces) after the first @p skip, without the last
 * @p drop; returns their length. */
static size_t cut(struct vh_blk_req *req, const struct vh_piece *pc, unsigned n, size_t skip,
		  size_t drop)
{
	size_t total = 0, kept = 0;

	for (unsigned i = 0; i < n; i++)
		total += pc[i].len;
	size_t end = total - drop, pos = 0;

	req->iovcnt = 0;
	for (unsigned i = 0; i < n && pos < end; pos += pc[i].len, i++) {
		size_t from = skip > pos ? skip - pos : 0;
		size_t to = end - pos < pc[i].len ? end - pos : pc[i].len;

		if (from >= to)
			continue;
		req->iov[req->iovcnt++] = (struct nvmu_dma_buf){
			.vaddr = pc[i].host + from,
			.iova = pc[i].iova ? pc[i].iova + from : 0,
			.len = to - from,
		};
		kept += to - from;
	}
	return kept;
}

static size_t bytes_of(const struct vh_piece *pc, unsigned n)
{
	size_t total = 0;

	for (unsigned i = 0; i < n; i++)
		total += pc[i].len;
	return total;
}

/* Copy the first @p len bytes of @p pc into @p dst. */
static void peek(void *dst, const struct vh_piece *pc, size_t len)
{
	uint8_t *d = dst;

	for (unsigned i = 0; len; i++) {
		size_t take = pc[i].len < len ? pc[i].len : len;

		memcpy(d, pc[i].host, take);
		d += take;
		len -= take;
	}
}

/* Blocks of a byte count or byte offset in 512-byte sectors, if the LBA size divides it. */
static bool to_blocks(const struct nvmu_vhost_blk *b, uint64_t sectors, uint64_t *blocks)
{
	uint64_t bytes = sectors << 9;

	if (sectors > (UINT64_MAX >> 9) || (bytes & (b->geo.lba_size - 1)))
		return false;
	*blocks = bytes >> b->lba_shift;
	return true;
}

static bool in_range(const struct nvmu_vhost_blk *b, uint64_t lba, uint64_t nlb)
{
	return nlb && lba < b->geo.blocks && nlb <= b->geo.blocks - lba;
}

/* Discard and Write Zeroes: their segments, {sector, num_sectors, flags}, as ranges. */
static const char *parse_ranges(struct vh_blk_req *req, size_t len, bool wz)
{
	const struct nvmu_vhost_blk *b = req->p->b;
	struct nvmu_icpt_req *r = &req->icpt;
	uint8_t seg[VH_MAX_DISCARD_SEG * 16];
	unsigned n = (unsigned)(len / 16);

	if (len % 16 || n == 0 || n > (wz ? 1u : VH_MAX_DISCARD_SEG))
		return "bad number of discard or write-zeroes segments";
	vh_gather(seg, req->iov, req->iovcnt);
	r->nranges = n;
	for (unsigned i = 0; i < n; i++) {
		uint64_t sector, lba, nlb;
		uint32_t sectors, flags;

		memcpy(&sector, seg + 16 * i, 8);
		memcpy(&sectors, seg + 16 * i + 8, 4);
		memcpy(&flags, seg + 16 * i + 12, 4);
		sector = le64toh(sector);
		sectors = le32toh(sectors);
		flags = le32toh(flags);
		if (flags & ~(uint32_t)(wz ? WZ_F_UNMAP : 0))
			return "unknown segment flags";
		if (!to_blocks(b, sector, &lba) || !to_blocks(b, sectors, &nlb) ||
		    !in_range(b, lba, nlb) || nlb > UINT32_MAX)
			return "segment not aligned to the block size or beyond the disk";
		r->ranges[i] = (struct nvmu_lba_range){ .slba = lba, .nlb = (uint32_t)nlb };
		r->unmap = flags & WZ_F_UNMAP;
	}
	r->lba = r->ranges[0].slba;
	r->nlb = r->ranges[0].nlb;
	return NULL;
}

/* Parse the request of a walked chain into req->icpt; NULL or why it is malformed. */
static const char *parse(struct vh_blk_req *req, const struct vh_piece *pc, unsigned nout,
			 unsigned nin, uint64_t sector)
{
	const struct nvmu_vhost_blk *b = req->p->b;
	struct nvmu_icpt_req *r = &req->icpt;
	size_t len;

	memset(r, 0, sizeof(*r));
	r->qp = req->p->qp;
	r->queue = req->vq->index;
	req->written = 1;
	switch (req->type) {
	case T_IN:
	case T_OUT:
		if (req->type == T_IN)
			len = cut(req, pc + nout, nin, 0, 1);
		else
			len = cut(req, pc, nout, 16, 0);
		r->op = req->type == T_IN ? NVMU_ICPT_READ : NVMU_ICPT_WRITE;
		r->iov = req->iov;
		r->iovcnt = req->iovcnt;
		r->fua = r->op == NVMU_ICPT_WRITE && !b->writeback;
		if (!to_blocks(b, sector, &r->lba) || (len & (b->geo.lba_size - 1)))
			return "not aligned to the block size";
		r->nlb = len >> b->lba_shift;
		if (!in_range(b, r->lba, r->nlb))
			return "beyond the end of the disk";
		if (r->op == NVMU_ICPT_READ)
			req->written = (uint32_t)len + 1;
		return NULL;
	case T_FLUSH:
		r->op = NVMU_ICPT_FLUSH;
		return NULL;
	case T_DISCARD:
	case T_WRITE_ZEROES:
		len = cut(req, pc, nout, 16, 0);
		r->op = req->type == T_DISCARD ? NVMU_ICPT_DISCARD : NVMU_ICPT_WRITE_ZEROES;
		return parse_ranges(req, len, req->type == T_WRITE_ZEROES);
	}
	return NULL;
}

static void start(struct vh_poller *p, struct vh_vring *vq, struct vh_blk_req *req,
		  uint16_t head)
{
	struct nvmu_vhost_blk *b = p->b;
	struct vh_piece pc[VH_MAX_PIECES];
	unsigned nout, nin;
	uint8_t hdr[16];
	uint64_t sector;
	const char *why;

	req->head = head;
	req->icpt_pos = req->first = 0;
	req->bounced_read = req->own_read = false;
	memset(req->icpt_data, 0, sizeof(req->icpt_data));
	if (vh_vring_walk(vq, &b->mem, head, pc, &nout, &nin) < 0) {
		refuse(req, nvmu_last_error());
		return;
	}
	if (nin == 0) {
		refuse(req, "no writable status byte");
		return;
	}
	const struct vh_piece *last = &pc[nout + nin - 1];

	req->status = last->host + last->len - 1;
	req->written = 1;
	if (bytes_of(pc, nout) < sizeof(hdr)) {
		fail_bad(req, "header shorter than 16 bytes");
		return;
	}
	peek(hdr, pc, sizeof(hdr));
	memcpy(&req->type, hdr, 4);
	memcpy(&sector, hdr + 8, 8);
	req->type = le32toh(req->type);
	sector = le64toh(sector);
	switch (req->type) {
	case T_GET_ID: {
		size_t len = cut(req, pc + nout, nin, 0, 1), n;

		n = len < VH_SERIAL_LEN ? len : VH_SERIAL_LEN;
		uint8_t id[VH_SERIAL_LEN];

		memcpy(id, b->serial, VH_SERIAL_LEN);
		/* At most 20 bytes, into the first pieces of the writable data. */
		for (unsigned i = 0, done = 0; i < req->iovcnt && done < n; i++) {
			size_t take = req->iov[i].len < n - done ? req->iov[i].len : n - done;

			memcpy(req->iov[i].vaddr, id + done, take);
			done += take;
		}
		req->written = (uint32_t)n + 1;
		vh_blk_finish(req, NVMU_ICPT_S_OK);
		return;
	}
	case T_IN:
	case T_OUT:
	case T_FLUSH:
	case T_DISCARD:
	case T_WRITE_ZEROES:
		break;
	default:
		vh_blk_finish(req, NVMU_ICPT_S_UNSUPP);
		return;
	}
	if (b->opts.read_only && req->type != T_IN && req->type != T_FLUSH) {
		vh_blk_finish(req, NVMU_ICPT_S_IOERR);
		return;
	}
	if ((req->type == T_DISCARD && !(b->acked & (1ull << 13))) ||
	    (req->type == T_WRITE_ZEROES && !(b->acked & (1ull << 14)))) {
		vh_blk_finish(req, NVMU_ICPT_S_UNSUPP);
		return;
	}
	why = parse(req, pc, nout, nin, sector);
	if (why) {
		fail_bad(req, why);
		return;
	}
	vh_icpt_run(req);
}

/* Start the request at @p head in a free slot. */
static void take(struct vh_poller *p, struct vh_vring *vq, uint16_t head)
{
	struct vh_blk_req *req = vq->free_slots[--vq->nfree];

	if (vq->log)
		vh_inflight_taken(vq, head);
	vq->inflight++;
	start(p, vq, req, head);
}

unsigned vh_blk_process(struct vh_poller *p, struct vh_vring *vq)
{
	uint16_t avail = vh_vring_avail_idx(vq);
	unsigned n = 0;

	if ((uint16_t)(avail - vq->last_avail) > vq->num) {
		vq->broken = true;
		nvmu_log(NVMU_LOG_WARN, "vhost-blk: queue %u: the driver published %u entries "
			 "in a ring of %u: ring stopped", vq->index,
			 (uint16_t)(avail - vq->last_avail), vq->num);
		return 0;
	}
	/* First what the previous back-end had taken and not completed (inflight.c). */
	while (vq->resubmit_pos < vq->nresubmit && vq->nfree) {
		atomic_fetch_add_explicit(&p->st.resubmitted, 1, memory_order_relaxed);
		take(p, vq, vq->resubmit[vq->resubmit_pos++].head);
		n++;
	}
	while (vq->last_avail != avail && vq->nfree) {
		uint16_t head = vh_vring_avail_head(vq, vq->last_avail);

		if (head >= vq->num) {
			vq->broken = true;
			nvmu_log(NVMU_LOG_WARN, "vhost-blk: queue %u: head %u beyond the ring "
				 "of %u: ring stopped", vq->index, head, vq->num);
			break;
		}
		vq->last_avail++;
		take(p, vq, head);
		n++;
	}
	return n;
}

/* ---- to the device ------------------------------------------------------------------ */

static void device_done(void *arg, const struct nvmu_cpl *cpl)
{
	struct vh_blk_req *req = arg;
	uint8_t status = cpl->err ? NVMU_ICPT_S_IOERR : NVMU_ICPT_S_OK;

	if (req->bounced_read && status == NVMU_ICPT_S_OK)
		vh_scatter(req->icpt.iov, req->icpt.iovcnt, req->bounce.vaddr);
	vh_icpt_completed(req, status);
}

static bool has_iova(const struct nvmu_dma_buf *iov, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (!iov[i].iova)
			return false;
	return true;
}

static int rw(struct vh_blk_req *req, const struct nvmu_dma_buf *iov, unsigned n)
{
	struct nvmu_icpt_req *r = &req->icpt;
	struct nvmu_ns *ns = req->p->b->ns;
	unsigned flags = r->fua ? NVMU_IO_FUA : 0;

	if (r->op == NVMU_ICPT_READ)
		return nvmu_ns_read(r->qp, ns, r->lba, iov, n, flags, device_done, req);
	return nvmu_ns_write(r->qp, ns, r->lba, iov, n, flags, device_done, req);
}

/* Through the request's bounce buffer: memory without a device address, or a layout the
 * device cannot be given. */
static int rw_bounced(struct vh_blk_req *req, size_t bytes)
{
	struct nvmu_icpt_req *r = &req->icpt;
	int ret = vh_buf_ensure(req->p->b->h, &req->bounce, bytes);

	if (ret < 0)
		return ret;
	if (r->op == NVMU_ICPT_WRITE)
		vh_gather(req->bounce.vaddr, r->iov, r->iovcnt);
	req->bounce_piece = (struct nvmu_dma_buf){ req->bounce.vaddr, req->bounce.iova, bytes };
	req->bounced_read = r->op == NVMU_ICPT_READ;
	atomic_fetch_add_explicit(&req->p->st.bounced, 1, memory_order_relaxed);
	return rw(req, &req->bounce_piece, 1);
}

void vh_blk_submit(struct vh_blk_req *req)
{
	struct nvmu_icpt_req *r = &req->icpt;
	struct nvmu_vhost_blk *b = req->p->b;
	int ret;

	switch (r->op) {
	case NVMU_ICPT_READ:
	case NVMU_ICPT_WRITE: {
		size_t bytes = nvmu_iov_bytes(r->iov, r->iovcnt);

		if (!r->nlb || bytes != r->nlb << b->lba_shift) {
			ret = nvmu_fail(EINVAL, "data of %zu bytes for %llu blocks", bytes,
					(unsigned long long)r->nlb);
			break;
		}
		ret = -EFAULT;
		if (has_iova(r->iov, r->iovcnt))
			ret = rw(req, r->iov, r->iovcnt);
		if (ret == -EFAULT || ret == -EINVAL)
			ret = rw_bounced(req, bytes);
		break;
	}
	case NVMU_ICPT_FLUSH:
		ret = nvmu_ns_flush(r->qp, b->ns, device_done, req);
		break;
	case NVMU_ICPT_DISCARD:
		ret = nvmu_ns_deallocate(r->qp, b->ns, r->ranges, r->nranges, device_done, req);
		break;
	case NVMU_ICPT_WRITE_ZEROES:
		ret = nvmu_ns_write_zeroes(r->qp, b->ns, r->lba, r->nlb,
					   r->unmap ? NVMU_IO_DEALLOCATE : 0, device_done, req);
		break;
	default:
		ret = nvmu_fail(EINVAL, "unknown request kind %d", (int)r->op);
	}
	if (ret < 0) {
		nvmu_log(NVMU_LOG_DEBUG, "vhost-blk: queue %u: submission failed: %s",
			 req->vq->index, nvmu_last_error());
		vh_icpt_completed(req, NVMU_ICPT_S_IOERR);
	}
}
