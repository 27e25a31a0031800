/* SPDX-License-Identifier: MIT */
/* Namespace commands. Each one is validated first, so a mistake gets a precise message,
 * and then becomes a request in the wait queue, unless the fast path can post it directly.
 */
#include <errno.h>
#include <string.h>

#include "host_internal.h"

#define DSM_MAX_RANGES 256u
#define COPY_MAX_RANGES 128u /* format 0 descriptors in one 4 KiB page */

static int check_ns(const struct nvmu_host_qpair *qp, const struct nvmu_ns *ns)
{
	if (!ns || ns->h != qp->h)
		return nvmu_fail(EINVAL, "namespace %u does not belong to controller %s",
				 ns ? ns->info.nsid : 0, qp->h->name);
	if (ns->unusable[0])
		return nvmu_fail(ENOTSUP, "%s", ns->unusable);
	if (ns->info.ms)
		return nvmu_fail(ENOTSUP, "namespace %u has %u bytes of metadata per block; the "
				 "host API moves data only (use nvmu_host_raw_io())",
				 ns->info.nsid, ns->info.ms);
	return 0;
}

/* Write @lba + @nlb in decimal into @buf: the sum needs 65 bits when it passes 2^64. */
static const char *range_end(uint64_t lba, uint64_t nlb, char buf[24])
{
	unsigned __int128 end = (unsigned __int128)lba + nlb;
	char *p = buf + 23;

	*p = '\0';
	do {
		*--p = (char)('0' + (unsigned)(end % 10));
		end /= 10;
	} while (end);
	return p;
}

/* The check never computes lba + nlb in 64 bits, so a range that wraps is refused. */
static int check_range(const struct nvmu_ns *ns, uint64_t lba, uint64_t nlb)
{
	char end[24];

	if (nlb == 0)
		return nvmu_fail(EINVAL, "a command on namespace %u needs at least one block",
				 ns->info.nsid);
	if (lba >= ns->info.nsze || nlb > ns->info.nsze - lba)
		return nvmu_fail(ERANGE, "blocks [%llu, %s) go beyond namespace %u, which has "
				 "%llu", (unsigned long long)lba, range_end(lba, nlb, end),
				 ns->info.nsid, (unsigned long long)ns->info.nsze);
	return 0;
}

static int check_supported(const struct nvmu_host_qpair *qp, enum nvmu_host_cmd cmd,
			   const char *name)
{
	if (!nvmu_host_supports(qp->h, cmd))
		return nvmu_fail(ENOTSUP, "%s does not support %s (Identify Controller ONCS)",
				 qp->h->name, name);
	return 0;
}

/* Choose PRPs or an SGL to describe @iov. An iovec that PRPs cannot express uses an SGL
 * when the queue pair has SGLs. Returns 0, -ENOTSUP when SGLs are asked for but the
 * controller has none, or -EINVAL when PRPs are needed and cannot express @iov. */
static int choose_dptr(const struct nvmu_host_qpair *qp, const struct nvmu_dma_buf *iov,
		       unsigned iovcnt, size_t len, unsigned flags, enum nvmu_dptr_kind *kind)
{
	uint32_t ps = nvmu_ctrl_page_size(qp->h->ctrl);
	bool sgl_ok = qp->max_desc > 0;
	uint64_t pages;

	if (flags & NVMU_IO_SGL) {
		if (!sgl_ok)
			return nvmu_fail(ENOTSUP, "%s: SGLs asked for, but the controller has none",
					 qp->h->name);
		*kind = NVMU_DPTR_SGL;
		return 0;
	}
	if (!(flags & NVMU_IO_PRP) && nvmu_qpair_sgl(qp->core)) {
		*kind = NVMU_DPTR_SGL;
		return 0;
	}
	*kind = NVMU_DPTR_PRP;
	if (nvmu_prp_iov_pages(iov, iovcnt, 0, len, ps, &pages) == 0)
		return 0;
	if (sgl_ok && !(flags & NVMU_IO_PRP)) {
		nvmu_clear_error();
		*kind = NVMU_DPTR_SGL;
		return 0;
	}
	return -EINVAL; /* the message says which piece */
}

/* Queue @r, which the caller filled in, with its callback. A synchronous waiter is also
 * recorded, so that it can find its request again if it gives up. */
static int enqueue(struct host_req *r, nvmu_host_cb cb, void *arg)
{
	r->cb = cb;
	r->arg = arg;
	if (cb == nvmu_host_sync_cb)
		r->waiter = arg;
	return req_enqueue(r);
}

/* CDW12 and CDW13 of a read or write of @last + 1 blocks with @flags. NVMU_IO_FUA is moved
 * into place by a shift, without a branch. */
static inline uint64_t rw_cdw12(unsigned flags, uint64_t last)
{
	_Static_assert((uint64_t)NVMU_IO_FUA << 30 == (uint64_t)NVME_IO_FUA << 16,
		       "NVMU_IO_FUA is bit 0");
	return (uint64_t)(flags & NVMU_IO_FUA) << 30 | last;
}

/*
 * Post the common case in one step. It applies to one piece of at most two pages that
 * has its IOVA (so PRP1 and PRP2 describe it), one command within the namespace's fast
 * limits, nothing waiting (so the order is kept), no pause, and nothing else in the core
 * pair's hold word. The command goes to the core with the caller's own callback, so no
 * request object is used and the host API does nothing at completion; a waiter that gives
 * up finds the callback in the core pair (see sync.c).
 * Every test comes before anything is taken. Returns 0 when the command was posted, with
 * the doorbell not rung yet (see posted()), or 1 when the general path must take it.
 */
static inline int submit_direct_fast(struct nvmu_host_qpair *qp, const struct nvmu_ns *ns,
				     uint8_t opcode, uint64_t lba,
				     const struct nvmu_dma_buf *iov, unsigned iovcnt,
				     unsigned flags, nvmu_host_cb cb, void *arg)
{
	struct nvmu_qpair *core;
	uint64_t prp2;

	if (__builtin_expect(!ns || ns->h != qp->h || iovcnt != 1 || !iov ||
			     (flags & NVMU_IO_SGL), 0))
		return 1;
	core = qp->core;
	if (__builtin_expect(!nvmu_qpair_fast_ready(core) || iov->len - 1 >= ns->fast_max ||
			     (iov->len & ns->lba_mask) || lba >= ns->fast_end ||
			     iov->iova == 0 ||
			     !nvmu_qpair_fast_prps(core, iov->iova, iov->len, &prp2), 0))
		return 1;
	nvmu_qpair_fast_post_rw(core, opcode, ns->info.nsid, lba,
				rw_cdw12(flags, (iov->len - 1) >> ns->lba_shift), iov->iova,
				prp2, cb, arg);
	return 0;
}

/*
 * The same direct post, with every condition checked exactly and a PRP list page used
 * when the piece needs one. It catches what submit_direct_fast() left because of a fast
 * limit, a PRP list, a pair that keeps its commands for reposts, or a pause that is over.
 * Returns what submit_direct_fast() returns.
 */
static inline int submit_direct_checked(struct nvmu_host_qpair *qp,
					const struct nvmu_ns *ns, uint8_t opcode, uint64_t lba,
					const struct nvmu_dma_buf *iov, unsigned iovcnt,
					unsigned flags, nvmu_host_cb cb, void *arg)
{
	uint64_t len, last; /* last: the command's NLB field, blocks - 1 */

	if (!ns || ns->h != qp->h || iovcnt != 1 || !iov || host_paused(qp) || qp->closing ||
	    qp->wait_head || qp->sgl_default || (flags & NVMU_IO_SGL))
		return 1;
	len = iov->len;
	last = (len - 1) >> ns->lba_shift; /* huge for len 0 */
	if (iov->iova == 0 || (len & ns->lba_mask) || last >= HOST_MAX_NLB ||
	    lba >= ns->info.nsze || last >= ns->info.nsze - lba)
		return 1;
	return nvmu_qpair_try_rw(qp->core, opcode, ns->info.nsid, lba, rw_cdw12(flags, last),
				 iov->iova, len, cb, arg);
}

/* Ring the doorbell after a fast-path post and return 0. It is out of line so that the
 * fast path makes no call and needs no stack frame: it leaves with a jump. */
__attribute__((noinline))
static int ring_posted(struct nvmu_host_qpair *qp)
{
	nvmu_qpair_ring(qp->core);
	return 0;
}

/* Finish a command that submit_direct_fast() posted: ring the doorbell unless the pair
 * defers it. Returns 0. */
static inline int posted(struct nvmu_host_qpair *qp)
{
	return qp->defer ? 0 : ring_posted(qp);
}

/* Give back request @r, which holds resolved buffers but was never queued, and return
 * @err. Its callback is not called and a bounced read copies nothing back. */
static int abandon(struct host_req *r, int err)
{
	r->cpl.err = err;
	buf_release(r);
	req_put(r);
	return err;
}

/* Submit a read, write or compare as a request. The length of the data in @iov decides
 * the block count. It is kept out of line so the fast path's stack frame stays small. */
__attribute__((noinline))
static int submit_data(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, uint8_t opcode,
		       uint64_t lba, const struct nvmu_dma_buf *iov, unsigned iovcnt,
		       unsigned flags, bool to_device, nvmu_host_cb cb, void *arg)
{
	uint32_t lbs;
	size_t len, max_bytes;
	struct host_req *r;
	enum nvmu_dptr_kind kind = NVMU_DPTR_PRP;
	int ret = check_ns(qp, ns);

	if (ret < 0)
		return ret;
	if ((ret = host_state_error(qp->h)) < 0)
		return ret;
	lbs = ns->info.lba_size;
	len = iov ? nvmu_iov_bytes(iov, iovcnt) : 0;
	if (len == 0)
		return nvmu_fail(EINVAL, "no data buffer (iovec of %u pieces, %zu bytes)", iovcnt,
				 len);
	if (len % lbs)
		return nvmu_fail(EINVAL, "buffer length %zu is not a multiple of namespace %u's "
				 "%u-byte LBA size", len, ns->info.nsid, lbs);
	if ((ret = check_range(ns, lba, len / lbs)) < 0)
		return ret;
	max_bytes = nvmu_qpair_max_transfer(qp->core);
	if (max_bytes > (size_t)HOST_MAX_NLB * lbs)
		max_bytes = (size_t)HOST_MAX_NLB * lbs;
	max_bytes = max_bytes / lbs * lbs;
	if ((ret = req_get(qp, &r)) < 0)
		return ret;
	if ((ret = buf_resolve(r, iov, iovcnt, flags, to_device)) < 0) {
		req_put(r);
		return ret;
	}
	/* The data pointer describes what the device sees: the pieces with their device
	 * addresses, or the one bounce buffer that replaced them. */
	if ((ret = choose_dptr(qp, r->iov, r->iovcnt, len, flags, &kind)) < 0)
		return abandon(r, ret);
	if (kind == NVMU_DPTR_SGL && r->iovcnt > qp->max_desc &&
	    !split_fits(r->iov, r->iovcnt, len, max_bytes, qp->max_desc, lbs))
		return abandon(r, nvmu_fail(E2BIG, "a block of the %u-piece buffer spans more "
					    "than the %zu SGL descriptors one command carries",
					    r->iovcnt, qp->max_desc));
	r->cmd = (struct nvmu_sqe){ .opcode = opcode, .nsid = ns->info.nsid,
				    .cdw12 = flags & NVMU_IO_FUA ? (uint32_t)NVME_IO_FUA << 16
								 : 0 };
	r->kind = REQ_LBA;
	r->dptr = kind;
	r->lba_size = lbs;
	r->lba = lba;
	r->left = len / lbs;
	r->max_bytes = max_bytes;
	return enqueue(r, cb, arg);
}

/* The general paths of read and write. They have the same signature as the public
 * functions, so the fast path (at most two pages) leaves to them with a jump and needs no
 * stack frame of its own. They try a direct post again, with a PRP list page, before they
 * build a request. */
__attribute__((noinline))
static int read_general(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, uint64_t lba,
			const struct nvmu_dma_buf *iov, unsigned iovcnt, unsigned flags,
			nvmu_host_cb cb, void *arg)
{
	if (submit_direct_checked(qp, ns, nvme_cmd_read, lba, iov, iovcnt, flags, cb,
				  arg) == 0)
		return posted(qp);
	return submit_data(qp, ns, nvme_cmd_read, lba, iov, iovcnt, flags, false, cb, arg);
}

__attribute__((noinline))
static int write_general(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, uint64_t lba,
			 const struct nvmu_dma_buf *iov, unsigned iovcnt, unsigned flags,
			 nvmu_host_cb cb, void *arg)
{
	if (submit_direct_checked(qp, ns, nvme_cmd_write, lba, iov, iovcnt, flags, cb,
				  arg) == 0)
		return posted(qp);
	return submit_data(qp, ns, nvme_cmd_write, lba, iov, iovcnt, flags, true, cb, arg);
}

int nvmu_ns_read(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, uint64_t lba,
		 const struct nvmu_dma_buf *iov, unsigned iovcnt, unsigned flags,
		 nvmu_host_cb cb, void *arg)
{
	if (submit_direct_fast(qp, ns, nvme_cmd_read, lba, iov, iovcnt, flags, cb, arg) == 0)
		return posted(qp);
	return read_general(qp, ns, lba, iov, iovcnt, flags, cb, arg); /* a tail call */
}

int nvmu_ns_write(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, uint64_t lba,
		  const struct nvmu_dma_buf *iov, unsigned iovcnt, unsigned flags,
		  nvmu_host_cb cb, void *arg)
{
	if (submit_direct_fast(qp, ns, nvme_cmd_write, lba, iov, iovcnt, flags, cb, arg) == 0)
		return posted(qp);
	return write_general(qp, ns, lba, iov, iovcnt, flags, cb, arg); /* a tail call */
}

int nvmu_ns_compare(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, uint64_t lba,
		    const struct nvmu_dma_buf *iov, unsigned iovcnt, unsigned flags,
		    nvmu_host_cb cb, void *arg)
{
	int ret = check_supported(qp, NVMU_HOST_CMD_COMPARE, "Compare");

	if (ret == 0 && submit_direct_checked(qp, ns, nvme_cmd_compare, lba, iov, iovcnt, flags,
					      cb, arg) == 0)
		return posted(qp);
	return ret < 0 ? ret : submit_data(qp, ns, nvme_cmd_compare, lba, iov, iovcnt, flags,
					   true, cb, arg);
}

/* Submit a Verify or Write Zeroes, which has a block count but no data. Each child command
 * covers at most @limit bytes (0 means no limit). */
static int submit_blocks(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, uint8_t opcode,
			 uint64_t lba, uint64_t nlb, uint32_t cdw12_flags, size_t limit,
			 nvmu_host_cb cb, void *arg)
{
	uint64_t max_blocks = HOST_MAX_NLB;
	struct host_req *r;
	int ret = check_ns(qp, ns);

	if (ret < 0 || (ret = check_range(ns, lba, nlb)) < 0)
		return ret;
	if (limit && limit / ns->info.lba_size < max_blocks)
		max_blocks = limit / ns->info.lba_size ? limit / ns->info.lba_size : 1;
	if ((ret = req_get(qp, &r)) < 0)
		return ret;
	r->cmd = (struct nvmu_sqe){ .opcode = opcode, .nsid = ns->info.nsid,
				    .cdw12 = cdw12_flags };
	r->kind = REQ_LBA;
	r->lba_size = ns->info.lba_size;
	r->lba = lba;
	r->left = nlb;
	r->max_blocks = (uint32_t)max_blocks;
	return enqueue(r, cb, arg);
}

int nvmu_ns_verify(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, uint64_t lba, uint64_t nlb,
		   unsigned flags, nvmu_host_cb cb, void *arg)
{
	int ret = check_supported(qp, NVMU_HOST_CMD_VERIFY, "Verify");

	return ret < 0 ? ret
		       : submit_blocks(qp, ns, nvme_cmd_verify, lba, nlb,
				       flags & NVMU_IO_FUA ? (uint32_t)NVME_IO_FUA << 16 : 0,
				       qp->h->verify_limit, cb, arg);
}

int nvmu_ns_write_zeroes(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, uint64_t lba,
			 uint64_t nlb, unsigned flags, nvmu_host_cb cb, void *arg)
{
	int ret = check_supported(qp, NVMU_HOST_CMD_WRITE_ZEROES, "Write Zeroes");

	return ret < 0 ? ret
		       : submit_blocks(qp, ns, nvme_cmd_write_zeroes, lba, nlb,
				       flags & NVMU_IO_DEALLOCATE ? (uint32_t)NVME_IO_DEAC << 16
								  : 0,
				       qp->h->wz_limit, cb, arg);
}

int nvmu_ns_write_uncorrectable(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, uint64_t lba,
				uint64_t nlb, nvmu_host_cb cb, void *arg)
{
	int ret = check_supported(qp, NVMU_HOST_CMD_WRITE_UNCORRECTABLE, "Write Uncorrectable");

	return ret < 0 ? ret
		       : submit_blocks(qp, ns, nvme_cmd_write_uncor, lba, nlb, 0, 0, cb, arg);
}

int nvmu_ns_flush(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, nvmu_host_cb cb,
		  void *arg)
{
	struct host_req *r;
	int ret = check_ns(qp, ns);

	if (ret < 0)
		return ret;
	if ((ret = req_get(qp, &r)) < 0)
		return ret;
	r->cmd = (struct nvmu_sqe){ .opcode = nvme_cmd_flush, .nsid = ns->info.nsid };
	r->kind = REQ_SINGLE;
	r->left = 1;
	return enqueue(r, cb, arg);
}

static int check_ranges(const struct nvmu_ns *ns, const struct nvmu_lba_range *ranges,
			unsigned n, unsigned max, const char *what)
{
	int ret;

	if (!ranges || n == 0 || n > max)
		return nvmu_fail(EINVAL, "%s takes 1..%u ranges, not %u", what, max, n);
	for (unsigned i = 0; i < n; i++)
		if ((ret = check_range(ns, ranges[i].slba, ranges[i].nlb)) < 0)
			return nvmu_fail_context(-ret, "%s range %u", what, i);
	return 0;
}

static int submit_ranges(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, enum req_kind kind,
			 struct nvmu_sqe cmd, const struct nvmu_lba_range *ranges,
			 unsigned nranges, nvmu_host_cb cb, void *arg)
{
	struct host_req *r = NULL;
	int ret = req_get(qp, &r);

	if (ret < 0)
		return ret;
	/* The range list is written when the command is posted, which may be after a wait
	 * for a queue slot: the request keeps its own copy, so the caller's array is free. */
	r->ranges = buf_keep(r, r->inline_ranges, sizeof(r->inline_ranges), ranges,
			     nranges * sizeof(*ranges), "the range list");
	if (!r->ranges) {
		req_put(r);
		return -ENOMEM;
	}
	cmd.nsid = ns->info.nsid;
	r->cmd = cmd;
	r->kind = kind;
	r->nranges = nranges;
	r->left = 1;
	return enqueue(r, cb, arg);
}

int nvmu_ns_deallocate(struct nvmu_host_qpair *qp, struct nvmu_ns *ns,
		       const struct nvmu_lba_range *ranges, unsigned nranges, nvmu_host_cb cb,
		       void *arg)
{
	struct nvmu_sqe cmd = { .opcode = nvme_cmd_dsm, .cdw10 = nranges - 1,
				.cdw11 = NVME_DSMGMT_AD };
	int ret = check_supported(qp, NVMU_HOST_CMD_DSM, "Dataset Management");

	if (ret < 0 || (ret = check_ns(qp, ns)) < 0 ||
	    (ret = check_ranges(ns, ranges, nranges, DSM_MAX_RANGES, "Deallocate")) < 0)
		return ret;
	return submit_ranges(qp, ns, REQ_DSM, cmd, ranges, nranges, cb, arg);
}

/* Check a Copy against the namespace's limits: the number of source ranges (MSRC), the
 * blocks per range (MSSRL) and the blocks in all (MCL). Returns 0 or -EINVAL. */
static int check_copy_limits(const struct nvmu_ns *ns, const struct nvmu_lba_range *ranges,
			     unsigned n)
{
	unsigned max_ranges = ns->id.msrc + 1u < COPY_MAX_RANGES ? ns->id.msrc + 1u
								 : COPY_MAX_RANGES;
	uint64_t total = 0;
	int ret = check_ranges(ns, ranges, n, max_ranges, "Copy");

	if (ret < 0)
		return ret;
	for (unsigned i = 0; i < n; i++) {
		uint32_t mssrl = ns->id.mssrl ? ns->id.mssrl : HOST_MAX_NLB;

		if (ranges[i].nlb > mssrl || ranges[i].nlb > HOST_MAX_NLB)
			return nvmu_fail(EINVAL, "Copy range %u has %u blocks; namespace %u allows "
					 "%u per range (MSSRL)", i, ranges[i].nlb, ns->info.nsid,
					 mssrl);
		total += ranges[i].nlb;
	}
	if (ns->id.mcl && total > ns->id.mcl)
		return nvmu_fail(EINVAL, "Copy of %llu blocks exceeds namespace %u's limit of %u "
				 "(MCL)", (unsigned long long)total, ns->info.nsid, ns->id.mcl);
	return 0;
}

int nvmu_ns_copy(struct nvmu_host_qpair *qp, struct nvmu_ns *ns, uint64_t dst_lba,
		 const struct nvmu_lba_range *ranges, unsigned nranges, nvmu_host_cb cb,
		 void *arg)
{
	struct nvmu_sqe cmd = { .opcode = nvme_cmd_copy, .cdw10 = (uint32_t)dst_lba,
				.cdw11 = (uint32_t)(dst_lba >> 32), .cdw12 = nranges - 1 };
	uint64_t total = 0;
	int ret = check_supported(qp, NVMU_HOST_CMD_COPY, "Copy");

	if (ret < 0 || (ret = check_ns(qp, ns)) < 0 ||
	    (ret = check_copy_limits(ns, ranges, nranges)) < 0)
		return ret;
	for (unsigned i = 0; i < nranges; i++)
		total += ranges[i].nlb;
	if ((ret = check_range(ns, dst_lba, total)) < 0)
		return nvmu_fail_context(-ret, "Copy destination");
	return submit_ranges(qp, ns, REQ_COPY, cmd, ranges, nranges, cb, arg);
}

int nvmu_host_raw_io(struct nvmu_host_qpair *qp, const struct nvmu_sqe *cmd,
		     const struct nvmu_dma_buf *iov, unsigned iovcnt, unsigned flags,
		     nvmu_host_cb cb, void *arg)
{
	struct host_req *r = NULL;
	int ret = req_get(qp, &r);

	if (ret < 0)
		return ret;
	/* Opcode bits 1:0 give the direction: 01b host to controller, 10b the reverse. */
	if (iov && iovcnt && (ret = buf_resolve(r, iov, iovcnt, flags, cmd->opcode & 1)) < 0) {
		req_put(r);
		return ret;
	}
	if (!iov)
		r->iovcnt = 0;
	r->cmd = *cmd;
	r->kind = REQ_SINGLE;
	r->bytes = iov ? nvmu_iov_bytes(iov, iovcnt) : 0;
	r->dptr = flags & NVMU_IO_SGL ? NVMU_DPTR_SGL : flags & NVMU_IO_PRP ? NVMU_DPTR_PRP
									    : NVMU_DPTR_DEFAULT;
	r->left = 1;
	return enqueue(r, cb, arg);
}
