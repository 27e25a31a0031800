/* SPDX-License-Identifier: MIT */
/* The host API's objects, shared by its source files (not a public interface). */
#ifndef NVMU_SRC_HOST_HOST_INTERNAL_H
#define NVMU_SRC_HOST_HOST_INTERNAL_H

#include <pthread.h>

#include "nvmu/host.h"
#include "nvmu/share.h"
#include "nvmu/qpair_fast.h"

#define HOST_INLINE_IOV 8        /* iovec pieces copied into the request itself */
#define HOST_MAX_AERS 4          /* Asynchronous Event Requests kept armed (at most) */
#define HOST_EVENT_RING 32       /* events kept until nvmu_host_admin_poll() */
#define HOST_MAX_NLB 65536u      /* NLB is a 16-bit 0-based field */
#define HOST_WAIT_DEFAULT_MS 30000
#define HOST_FORGET_MAX 16       /* waiters that may give up during one pause */
#define HOST_REASON_LEN 160      /* why a namespace is unusable, with its NUL */

struct nvmu_ns {
	struct nvmu_host_ctrl *h;
	uint32_t lba_shift;   /* log2 of the LBA size */
	uint64_t lba_mask;    /* LBA size - 1; all ones when the fast path cannot serve it */
	/* The first try of the fast path (ns_fast_limits()): at most fast_max bytes, a whole
	 * number of blocks, from an LBA below fast_end, so never past the namespace's end. */
	uint64_t fast_max, fast_end;
	struct nvmu_ns_info info;
	struct nvme_id_ns id;
	/* Why the driver cannot do I/O on it (its format), or "" when it can. */
	char unusable[HOST_REASON_LEN];
};

struct nvmu_host_ctrl {
	char *name;
	struct nvmu_transport *t;    /* from nvmu_transport_open(), closed through its ops */
	struct nvmu_ctrl *ctrl;
	struct nvmu_iommu *iommu;    /* NULL when the transport has none to translate with */
	pthread_mutex_t lock;        /* DMA memory, IOMMU, the list of queue pairs */
	struct nvmu_ns *ns;
	unsigned nns;
	size_t verify_limit, wz_limit; /* bytes per command (0 = none), Identify CNS 06h */
	struct nvmu_host_qpair *qpairs;
	/* asynchronous events: filled under ev_lock by the AER callback (admin lock held) */
	pthread_mutex_t ev_lock;
	nvmu_host_event_cb event_cb;
	void *event_arg;
	struct nvmu_host_event events[HOST_EVENT_RING];
	unsigned ev_head, ev_count;
	unsigned to_arm;
	uint64_t events_seen;
	bool no_aer, auto_reset;
	/* recovery: a pause of every queue pair around a reset */
	pthread_mutex_t reset_lock;
	volatile uint32_t stop;  /* 0, or the number of the pause in progress */
	uint32_t stop_seq;
};

enum req_kind {
	REQ_LBA,     /* LBA range command, with or without data: split as needed */
	REQ_SINGLE,  /* one command as given (flush, raw) */
	REQ_DSM,     /* range list payload */
	REQ_COPY,    /* range list payload */
};

struct host_req {
	struct host_req *next; /* free list or wait queue */
	struct nvmu_host_qpair *qp;
	nvmu_host_cb cb;
	void *arg;
	struct nvmu_host_waiter *waiter;
	struct nvmu_sqe cmd;   /* template: opcode, nsid, flags in CDW12... */
	uint32_t deadline;     /* on the core pair's clock: the end of waiting for a slot */
	bool timed;            /* the deadline applies (the pair has a timeout) */
	enum req_kind kind;
	enum nvmu_dptr_kind dptr;
	const struct nvmu_dma_buf *iov; /* data as the device sees it */
	unsigned iovcnt;
	size_t off;            /* data bytes submitted so far */
	size_t bytes;          /* data bytes in all (raw commands) */
	uint32_t lba_size;
	uint64_t lba;          /* next LBA to submit */
	uint64_t left;         /* blocks (REQ_LBA) or commands (others) not yet submitted */
	uint32_t max_blocks;   /* per child, commands without data */
	size_t max_bytes;      /* per child, commands with data */
	uint32_t inflight;
	bool in_use;
	const struct nvmu_lba_range *ranges; /* a copy made at submission (buf_keep()) */
	unsigned nranges;
	struct nvmu_cpl cpl; /* the first error, or the last success */
	struct nvmu_dma_buf bounce;
	const struct nvmu_dma_buf *user_iov; /* bounced reads copy back here: a copy of the
						 caller's iovec, made at submission */
	unsigned user_iovcnt;
	bool copy_back;
	void *heap_copy; /* what buf_keep() could not fit inline; buf_release() frees it */
	union { /* the caller's iovec or ranges, kept by buf_keep() (DSM and Copy have no data) */
		struct nvmu_dma_buf inline_iov[HOST_INLINE_IOV];
		struct nvmu_lba_range inline_ranges[HOST_INLINE_IOV * sizeof(struct nvmu_dma_buf) /
						    sizeof(struct nvmu_lba_range)];
	};
};

struct nvmu_host_qpair {
	struct nvmu_host_ctrl *h;
	struct nvmu_qpair *core;
	struct host_req *reqs;
	uint32_t nreqs;
	struct host_req *free;
	struct host_req *wait_head, *wait_tail;
	uint32_t waiting, pending;
	uint32_t children;      /* core commands of requests in flight (the rest are fast) */
	const volatile uint32_t *stop; /* the controller's pause word (h->stop) */
	volatile uint32_t parked;      /* the pause this pair acknowledged */
	pthread_t owner;        /* the thread that last processed its completions */
	/* The thread inside a call on this pair that is guarded (host_enter()), or 0, and how
	 * deep its calls nest: a callback that polls, waits or submits enters again. */
	uintptr_t user;
	unsigned depth;
	bool defer, draining, closing;
	bool delete_pending; /* deleted from a callback: freed when the outermost call ends */
	uint32_t wait_clock;  /* the pair's clock when the waiting requests' deadlines were
				 last looked at */
	size_t max_desc; /* SGL descriptors per command (0: no SGLs) */
	bool sgl_default; /* the core pair describes data with SGLs by default */
	/* Waiters that gave up during a pause on commands the fast path posted: their
	 * callbacks are dropped before the next poll (sync_forget_pending()). */
	struct nvmu_host_waiter *forget[HOST_FORGET_MAX];
	unsigned nforget;
	struct nvmu_host_qpair *next;
};

/* ---- requests and the wait queue (requests.c) ---- */

/* Take a free request of @qp, zeroed except for its queue pair. It enters the pair
 * (host_enter()) until req_put() or req_enqueue(), one of which must follow a success.
 * Returns 0, -EBUSY when another thread is inside a call on the pair, -ESHUTDOWN when the
 * pair is being freed, -ENODEV or -EIO when the controller was removed or failed, or
 * -ENOBUFS when every request is in use; each error sets a message. */
int req_get(struct nvmu_host_qpair *qp, struct host_req **out);

/* Give back a request that was never queued, for example after buf_resolve() failed, and
 * leave the pair that req_get() entered. */
void req_put(struct host_req *r);

/* Queue @r behind the requests already waiting, so requests start in the order they were
 * made, then submit as many as the queue has room for. The doorbell is rung unless the
 * caller deferred it. Then it leaves the pair that req_get() entered, which frees the
 * pair if a callback run meanwhile deleted it. Always returns 0: a request that cannot
 * start yet waits, until its deadline at most (req_expire_waiting()). */
int req_enqueue(struct host_req *r);

/* End with -ETIMEDOUT the waiting requests whose deadline passed on the core pair's
 * clock. It looks at them only when that clock moved since the last look. */
void req_expire_waiting(struct nvmu_host_qpair *qp);

/* Submit waiting requests in order for as long as the queue has room. */
void req_drain(struct nvmu_host_qpair *qp);

/* Complete every request in use with @err. It is used when the queue pair goes away, so no
 * caller is left waiting for a callback. */
void req_cancel_all(struct nvmu_host_qpair *qp, int err);

/* End the requests that wait for a queue slot with @err, because the controller is gone
 * or has failed and no slot will ever free up for them. */
void req_fail_waiting(struct nvmu_host_qpair *qp, int err);

/* The host API's bits in its core pair's hold word (the owner's bits of enum
 * nvmu_qpair_hold_bits): while one is set, a command leaves the fast path for the
 * general one. */
enum host_hold {
	/* The pair's thread acknowledged a pause and has not yet seen it end. */
	HOST_HOLD_PAUSED = NVMU_QPAIR_HOLD_OWNER << 0,
	/* Requests wait for a queue slot, so a new command must queue behind them to keep
	 * the order. */
	HOST_HOLD_WAITING = NVMU_QPAIR_HOLD_OWNER << 1,
	/* The pair was deleted from a callback and is freed when that call ends: new
	 * commands go the general way, which refuses them. */
	HOST_HOLD_CLOSING = NVMU_QPAIR_HOLD_OWNER << 2,
};

/* ---- one thread at a time, deletion from a callback (qpair.c) ---- */

/* Fail with -EBUSY because thread @user is inside a call on @qp. */
int host_busy(const struct nvmu_host_qpair *qp, uintptr_t user);

/* Free @qp now: its requests and commands end with -ECANCELED. Returns 0 or the queue
 * deletion's error. */
int host_qpair_destroy(struct nvmu_host_qpair *qp);

/* The calling thread, as host_enter() records it. */
static inline uintptr_t host_self(void)
{
	return (uintptr_t)pthread_self();
}

/*
 * Enter a call on @qp from thread @self. A pair belongs to one thread at a time, and
 * this makes a second thread inside it at the same moment fail instead of corrupting its
 * lists: the poll, the wait, the general submission path and the deletion enter; the
 * inline fast path does not, to stay cheap. One atomic exchange, which the same thread
 * skips when it enters again from a callback. Returns 0 or -EBUSY (host_busy()).
 */
static inline int host_enter(struct nvmu_host_qpair *qp, uintptr_t self)
{
	uintptr_t none = 0;

	if (__atomic_load_n(&qp->user, __ATOMIC_RELAXED) == self) {
		qp->depth++;
		return 0;
	}
	if (__builtin_expect(!__atomic_compare_exchange_n(&qp->user, &none, self, false,
							  __ATOMIC_ACQUIRE, __ATOMIC_RELAXED), 0))
		return host_busy(qp, none);
	qp->depth = 1;
	return 0;
}

/* Leave a call on @qp. The outermost one frees the pair if a callback deleted it, so the
 * caller must not touch @qp afterwards; otherwise it lets other threads in again. */
static inline void host_leave(struct nvmu_host_qpair *qp)
{
	if (--qp->depth)
		return;
	if (__builtin_expect(qp->delete_pending, 0)) {
		qp->depth = 1; /* callbacks run by the deletion enter again */
		host_qpair_destroy(qp);
		return;
	}
	__atomic_store_n(&qp->user, 0, __ATOMIC_RELEASE);
}

/* The number of the pause in progress, or 0 when there is none. The load is an acquire:
 * once it reads 0 after a pause, what the reset did to the core pair is visible to this
 * thread. */
static inline uint32_t host_paused(const struct nvmu_host_qpair *qp)
{
	return __atomic_load_n(qp->stop, __ATOMIC_ACQUIRE);
}

/* True if @qp may post to the device now: no pause is in progress and the controller is
 * live. */
static inline bool host_can_post(const struct nvmu_host_qpair *qp)
{
	return host_paused(qp) == 0 && nvmu_ctrl_state(qp->h->ctrl) == NVMU_CTRL_LIVE;
}

/* Acknowledge pause @stop for @qp. From then until the pause is over, @qp posts nothing
 * and touches nothing else of its core pair, so the reset can work on it (qpair.c). */
void host_ack_pause(struct nvmu_host_qpair *qp, uint32_t stop);

/* ---- synchronous waits (sync.c) ---- */

/* Drop the callbacks of the waiters that gave up during a pause. This must happen before
 * a poll or the pair's deletion could run them, since the waiters' memory is gone. */
void sync_forget_pending(struct nvmu_host_qpair *qp);

/* ---- recovery (recovery.c) ---- */

/* Reset the controller when it asks for a reset and automatic resets are on. If another
 * thread did the reset meanwhile, nothing more happens. */
void recover_if_needed(struct nvmu_host_ctrl *h);

/* What the submission path returns when the controller cannot take commands. Returns 0
 * when a reset will bring it back (the request waits), -ENODEV when it was removed, or
 * -EIO when it failed; the errors set a message. */
int host_state_error(const struct nvmu_host_ctrl *h);

/* ---- data buffers (buffers.c) ---- */

/* Make @r's data @iov usable by the device. Pieces with an IOVA are used as given, foreign
 * pieces are translated through the IOMMU, and if that fails and @flags has
 * NVMU_IO_BOUNCE the data goes through a bounce buffer. @to_device is true when the data
 * goes to the device (write, compare), so a bounce buffer is filled first. Returns 0,
 * -EFAULT (not mapped, or no IOMMU), -EINVAL (too many foreign pieces) or -ENOMEM. */
int buf_resolve(struct host_req *r, const struct nvmu_dma_buf *iov, unsigned iovcnt,
		unsigned flags, bool to_device);

/* Copy the data of a successful bounced read back to the caller's buffer, then free the
 * bounce buffer and what buf_keep() allocated. A request that fails before it is queued
 * sets r->cpl.err first, so nothing is copied back. */
void buf_release(struct host_req *r);

/* Keep a copy of the caller's @bytes at @src that @r needs after the submission returns,
 * so the caller may free or reuse its array at once. The copy goes to @inline_dst
 * (@inline_size bytes inside @r) when it fits, and otherwise to memory allocated here,
 * which is outside the fast path. Returns the copy, or NULL with -ENOMEM's message naming
 * @what. */
void *buf_keep(struct host_req *r, void *inline_dst, size_t inline_size, const void *src,
	       size_t bytes, const char *what);

/* ---- splitting (split.c) ---- */

/* The size in bytes of the next child command. It is at most @left and @max_bytes, spans
 * at most @max_desc pieces of @iov from @off (0 means no limit), and is rounded down to
 * whole @lba_size blocks. Returns 0 when a single block needs more than @max_desc pieces.
 */
size_t split_child_bytes(const struct nvmu_dma_buf *iov, unsigned iovcnt, size_t off,
			 size_t left, size_t max_bytes, size_t max_desc, uint32_t lba_size);

/* True if every child command of a split of bytes [0, total) fits in @max_desc
 * descriptors. */
bool split_fits(const struct nvmu_dma_buf *iov, unsigned iovcnt, size_t total, size_t max_bytes,
		size_t max_desc, uint32_t lba_size);

/* ---- namespaces (namespaces.c) ---- */

/* Read the active namespace list, then Identify Namespace for each namespace in it.
 * Returns 0 or a negative errno. */
int ns_discover(struct nvmu_host_ctrl *h);

/* Read the Verify and Write Zeroes size limits from Identify Controller for the NVM
 * command set (CNS 06h). A controller without that page leaves them unlimited. */
void ns_read_limits(struct nvmu_host_ctrl *h);

/* ---- events (events.c) ---- */

/* Enable the SMART and notice events, then arm the Asynchronous Event Requests so the
 * controller can report them. */
void events_start(struct nvmu_host_ctrl *h);

#endif
