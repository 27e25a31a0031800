/* SPDX-License-Identifier: MIT */
/*
 * Splitting a request into pieces (nvmu_icpt_split()). A piece is a struct vh_blk_req of
 * its own - it goes through the rest of the chain and to the device like any request,
 * with its own interceptor state, bounce and private buffers - whose data is a slice of
 * the whole's, cut when the interceptor splits. The whole waits: when its last piece is
 * done it completes once, with the first failure of its pieces.
 *
 * The pieces and their slices live in storage that the first split on a request
 * allocates and that stays with it (as the bounce buffers do), so a slot that splits
 * allocates once, not for each request.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vhost_internal.h"

#define SPLIT_IOV (VH_MAX_PIECES + NVMU_ICPT_MAX_SPLIT)

struct vh_split {
	struct vh_blk_req piece[NVMU_ICPT_MAX_SPLIT];
	struct nvmu_dma_buf iov[SPLIT_IOV]; /* the pieces' slices of the whole's data */
	struct nvmu_icpt_piece plan[NVMU_ICPT_MAX_SPLIT];
	unsigned n;
	unsigned left;   /* pieces not yet done, plus one while they are being started */
	uint8_t status;  /* the first failure */
	bool planned;
};

static struct vh_blk_req *req_of(struct nvmu_icpt_req *r)
{
	return (struct vh_blk_req *)((char *)r - offsetof(struct vh_blk_req, icpt));
}

bool vh_split_planned(const struct vh_blk_req *req)
{
	return req->split && req->split->planned;
}

void vh_split_drop(struct vh_blk_req *req)
{
	if (req->split)
		req->split->planned = false;
}

static int check_plan(const struct vh_blk_req *req, const struct nvmu_icpt_piece *pieces,
		      unsigned n)
{
	const struct nvmu_icpt_req *r = &req->icpt;
	uint64_t blocks = req->p->b->geo.blocks, sum = 0;

	if (r->op != NVMU_ICPT_READ && r->op != NVMU_ICPT_WRITE &&
	    r->op != NVMU_ICPT_WRITE_ZEROES)
		return nvmu_fail(EINVAL, "only reads, writes and write zeroes are split (a "
				 "discard's ranges are rewritten instead)");
	if (n < 2 || n > NVMU_ICPT_MAX_SPLIT)
		return nvmu_fail(EINVAL, "a split makes 2 to %d pieces, not %u",
				 NVMU_ICPT_MAX_SPLIT, n);
	for (unsigned i = 0; i < n; i++) {
		if (!pieces[i].nlb || pieces[i].lba >= blocks ||
		    pieces[i].nlb > blocks - pieces[i].lba)
			return nvmu_fail(EINVAL, "split piece %u: %llu blocks at %llu: empty or "
					 "beyond the disk of %llu blocks", i,
					 (unsigned long long)pieces[i].nlb,
					 (unsigned long long)pieces[i].lba,
					 (unsigned long long)blocks);
		sum += pieces[i].nlb;
	}
	if (sum != r->nlb)
		return nvmu_fail(EINVAL, "split pieces of %llu blocks in all for a request of "
				 "%llu", (unsigned long long)sum, (unsigned long long)r->nlb);
	return 0;
}

/* Cut r->iov into the pieces' slices, in s->iov. 0 or -E2BIG. */
static int slice(struct vh_blk_req *req, struct vh_split *s)
{
	const struct nvmu_icpt_req *r = &req->icpt;
	unsigned shift = req->p->b->lba_shift, k = 0, used = 0;
	size_t off = 0;

	for (unsigned i = 0; i < s->n; i++) {
		struct vh_blk_req *pc = &s->piece[i];
		size_t bytes = (size_t)s->plan[i].nlb << shift;

		pc->iov = &s->iov[used];
		pc->iovcnt = 0;
		if (r->op == NVMU_ICPT_WRITE_ZEROES)
			continue;
		while (bytes) {
			size_t take = r->iov[k].len - off < bytes ? r->iov[k].len - off : bytes;

			if (used == SPLIT_IOV)
				return nvmu_fail(E2BIG, "the data of a split request is in too "
						 "many segments (%u)", r->iovcnt);
			s->iov[used++] = (struct nvmu_dma_buf){
				.vaddr = (uint8_t *)r->iov[k].vaddr + off,
				.iova = r->iov[k].iova ? r->iov[k].iova + off : 0,
				.len = take,
			};
			pc->iovcnt++;
			off += take;
			bytes -= take;
			if (off == r->iov[k].len) {
				k++;
				off = 0;
			}
		}
	}
	return 0;
}

int nvmu_icpt_split(struct nvmu_icpt_req *r, const struct nvmu_icpt_piece *pieces, unsigned n)
{
	struct vh_blk_req *req = req_of(r);
	int ret = check_plan(req, pieces, n);

	if (ret < 0)
		return ret;
	if (r->op != NVMU_ICPT_WRITE_ZEROES &&
	    nvmu_iov_bytes(r->iov, r->iovcnt) != r->nlb << req->p->b->lba_shift)
		return nvmu_fail(EINVAL, "the request's data does not match its %llu blocks",
				 (unsigned long long)r->nlb);
	if (!req->split) {
		req->split = calloc(1, sizeof(*req->split));
		if (!req->split)
			return nvmu_fail(ENOMEM, "no memory to split a request");
		for (unsigned i = 0; i < NVMU_ICPT_MAX_SPLIT; i++) {
			req->split->piece[i].vq = req->vq;
			req->split->piece[i].p = req->p;
			req->split->piece[i].whole = req;
		}
	}
	struct vh_split *s = req->split;

	s->planned = false;
	memcpy(s->plan, pieces, n * sizeof(*pieces));
	s->n = n;
	ret = slice(req, s);
	if (ret < 0)
		return ret;
	s->planned = true;
	return 0;
}

/* A piece of @p whole, or the start of its pieces, is done: the last completes it. */
static void one_done(struct vh_blk_req *whole, uint8_t status)
{
	struct vh_split *s = whole->split;

	if (status != NVMU_ICPT_S_OK && s->status == NVMU_ICPT_S_OK)
		s->status = status;
	if (--s->left == 0)
		vh_icpt_completed(whole, s->status);
}

void vh_split_launch(struct vh_blk_req *req)
{
	struct vh_split *s = req->split;

	s->planned = false;
	s->status = NVMU_ICPT_S_OK;
	s->left = s->n + 1; /* a piece completed at once cannot end the whole too early */
	for (unsigned i = 0; i < s->n; i++) {
		struct vh_blk_req *pc = &s->piece[i];

		pc->icpt = req->icpt;
		pc->icpt.lba = s->plan[i].lba;
		pc->icpt.nlb = s->plan[i].nlb;
		pc->icpt.iov = pc->iovcnt ? pc->iov : NULL;
		pc->icpt.iovcnt = pc->iovcnt;
		pc->icpt.data = NULL;
		pc->icpt.status = NVMU_ICPT_S_OK;
		pc->icpt_pos = pc->first = req->icpt_pos;
		pc->bounced_read = pc->own_read = false;
		memset(pc->icpt_data, 0, sizeof(pc->icpt_data));
	}
	for (unsigned i = 0; i < s->n; i++)
		vh_icpt_run(&s->piece[i]);
	one_done(req, NVMU_ICPT_S_OK); /* the start's own count */
}

void vh_split_piece_done(struct vh_blk_req *piece, uint8_t status)
{
	one_done(piece->whole, status);
}

void vh_blk_req_free(struct vh_blk_req *req, struct nvmu_host_ctrl *h)
{
	nvmu_host_dma_free(h, &req->bounce);
	nvmu_host_dma_free(h, &req->own);
	if (req->split) {
		for (unsigned i = 0; i < NVMU_ICPT_MAX_SPLIT; i++)
			vh_blk_req_free(&req->split->piece[i], h);
		free(req->split);
		req->split = NULL;
	}
}
