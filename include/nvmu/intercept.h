/* SPDX-License-Identifier: MIT */
/**
 * @file intercept.h
 * @brief Interception of a vhost-user-blk backend's guest requests (vhost_blk.h): see,
 *        pass, answer, pause, rewrite each request and read or change its data, as
 *        BitVisor's storage extensions do with a guest's NVMe commands.
 *
 * Each guest request goes through the interceptors in the order they were added: the
 * callback of its kind (on_read, on_write, on_flush, on_discard, on_write_zeroes) returns
 * a verdict. NVMU_ICPT_PASS hands it to the next interceptor and, after the last, to the
 * device; NVMU_ICPT_COMPLETE ends it here with r->status; NVMU_ICPT_PAUSE holds it until
 * the interceptor calls nvmu_icpt_resume() (go on as if it had passed) or
 * nvmu_icpt_complete(), from any callback that runs on the same poller thread. Before it
 * passes, an interceptor may rewrite the request: its LBA range, its kind (a write turned
 * into a flush), the ranges of a discard; or split it into pieces (nvmu_icpt_split()),
 * each with its own LBA range and slice of the data, that go on as requests of their
 * own and complete the guest's request once, when all of them have completed.
 *
 * When the device completed the request, on_complete runs for each interceptor that
 * passed it, in reverse order: it may change read data in place (the guest sees it
 * after the last one) or set r->status to fail the request. An interceptor's
 * on_complete sees what its request callback saw: the interceptors after one that split
 * a request see each piece, the splitting one and those before it the whole request.
 *
 * Data: r->iov is the guest's memory itself (zero copy). An interceptor that must not
 * change the guest's buffer - an encrypted write must not leave ciphertext in the guest's
 * page cache - calls nvmu_icpt_own_data() first, which gives the request a private copy
 * that the device then receives.
 *
 * Its own I/O: an interceptor may submit commands of its own on r->qp, the poller's queue
 * pair (the host API, host.h), to any namespace of the controller (geometry->host); their
 * callbacks run on the same poller thread, where a paused guest request can be resumed.
 * For another device it attaches itself, it creates a queue pair per virtqueue in
 * on_init and reaps it in on_poll, which the poller of that virtqueue calls. Its data
 * buffers then are foreign to that device: pieces of r->iov carry device addresses of the
 * backend's controller only, so the interceptor passes them with iova 0 (and
 * NVMU_IO_BOUNCE, or after mapping the memory for its device).
 *
 * Callbacks run on poller threads (one per virtqueue), several at once: an interceptor
 * protects what its callbacks share. They must not block.
 */
#ifndef NVMU_INTERCEPT_H
#define NVMU_INTERCEPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nvmu/host.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Kinds of guest requests. */
enum nvmu_icpt_op {
	NVMU_ICPT_READ,
	NVMU_ICPT_WRITE,
	NVMU_ICPT_FLUSH,
	NVMU_ICPT_DISCARD,
	NVMU_ICPT_WRITE_ZEROES,
};

/** What a request callback decided. */
enum nvmu_icpt_verdict {
	NVMU_ICPT_PASS = 0,     /**< on to the next interceptor, then the device */
	NVMU_ICPT_COMPLETE = 1, /**< completed here, with r->status */
	NVMU_ICPT_PAUSE = 2,    /**< held until nvmu_icpt_resume() or nvmu_icpt_complete() */
};

/** Request statuses, as virtio-blk's. */
enum nvmu_icpt_status {
	NVMU_ICPT_S_OK = 0,
	NVMU_ICPT_S_IOERR = 1,
	NVMU_ICPT_S_UNSUPP = 2,
};

/** The most ranges of a discard request. */
#define NVMU_ICPT_MAX_RANGES 16

/** The most pieces nvmu_icpt_split() cuts a request into. */
#define NVMU_ICPT_MAX_SPLIT 32

/** The device as the guest sees it, known before the guest's first request. */
struct nvmu_icpt_geometry {
	struct nvmu_host_ctrl *host; /**< the controller, for the interceptor's own I/O */
	struct nvmu_ns *ns;          /**< the namespace served */
	uint32_t nsid;
	uint32_t lba_size;           /**< bytes per block (the guest's BLK_SIZE) */
	uint64_t blocks;             /**< capacity in blocks */
	unsigned queues;             /**< virtqueues, each with its poller and queue pair */
	bool read_only;
	bool discard;                /**< DISCARD offered to the guest: on_init may clear it */
	bool write_zeroes;           /**< WRITE_ZEROES offered: on_init may clear it (an
					  interceptor that changes data, as encryption does,
					  cannot let the device write plain zeroes) */
};

/** A guest request as the interceptors see it. */
struct nvmu_icpt_req {
	enum nvmu_icpt_op op;        /**< may be rewritten (e.g. to NVMU_ICPT_FLUSH) */
	uint64_t lba;                /**< first block (read, write, write zeroes) */
	uint64_t nlb;                /**< blocks (read, write, write zeroes) */
	struct nvmu_dma_buf *iov;    /**< data of a read or write: the guest's memory */
	unsigned iovcnt;
	struct nvmu_lba_range ranges[NVMU_ICPT_MAX_RANGES]; /**< a discard's ranges */
	unsigned nranges;
	bool unmap;                  /**< write zeroes: the guest allows deallocation */
	bool fua;                    /**< write: the guest's cache is write-through */
	uint8_t status;              /**< enum nvmu_icpt_status, once completed */
	struct nvmu_host_qpair *qp;  /**< the poller's queue pair, for own I/O */
	unsigned queue;              /**< the virtqueue it came from */
	void *data;                  /**< the calling interceptor's own per-request pointer
					  (NULL at first; kept for its later callbacks) */
};

/** An interceptor: callbacks that may be NULL (a NULL request callback passes). */
struct nvmu_intercept_ops {
	size_t ops_size; /**< sizeof(the structure) as built, or 0 (see support.h) */
	const char *name;
	/** Geometry known, before the guest's first request: 0 or a negative errno. It may
	 *  clear g->discard and g->write_zeroes, which the guest is then not offered. */
	int (*on_init)(void *arg, struct nvmu_icpt_geometry *g);
	enum nvmu_icpt_verdict (*on_read)(void *arg, struct nvmu_icpt_req *r);
	enum nvmu_icpt_verdict (*on_write)(void *arg, struct nvmu_icpt_req *r);
	enum nvmu_icpt_verdict (*on_flush)(void *arg, struct nvmu_icpt_req *r);
	enum nvmu_icpt_verdict (*on_discard)(void *arg, struct nvmu_icpt_req *r);
	enum nvmu_icpt_verdict (*on_write_zeroes)(void *arg, struct nvmu_icpt_req *r);
	/** The device completed the request (r->status set): may change data or status. */
	void (*on_complete)(void *arg, struct nvmu_icpt_req *r);
	/** false while the interceptor still has work of its own: shutdown waits. */
	bool (*can_stop)(void *arg);
	/** The backend is destroyed: release what on_init took. */
	void (*on_fini)(void *arg);
	/** Called by the poller of virtqueue @p queue in each turn of its loop while it
	 *  runs or waits for requests in flight: reap the interceptor's own queue pairs
	 *  (e.g. of another device) there. Returns the completions it processed. */
	unsigned (*on_poll)(void *arg, unsigned queue);
};

/** Go on with a paused request, as if its callback had passed it. */
NVMU_API void nvmu_icpt_resume(struct nvmu_icpt_req *r);

/** Complete a paused request with @p status (enum nvmu_icpt_status). */
NVMU_API void nvmu_icpt_complete(struct nvmu_icpt_req *r, uint8_t status);

/**
 * Give a read or write a private copy of its data (a write's copy holds the guest's data;
 * a read's is copied to the guest after the last on_complete), so that the interceptor
 * may change it without the guest seeing the change. r->iov then points at the copy (one
 * piece). Returns 0, -EINVAL for a request without data, or -ENOMEM.
 */
NVMU_API int nvmu_icpt_own_data(struct nvmu_icpt_req *r);

/** One piece of a split request (nvmu_icpt_split()). */
struct nvmu_icpt_piece {
	uint64_t lba; /**< the first block it reads, writes or zeroes on the device */
	uint64_t nlb; /**< its blocks: of a read or write, the next nlb blocks of the data */
};

/**
 * Split a read, write or write zeroes into @p n pieces (2..NVMU_ICPT_MAX_SPLIT). Piece i
 * reads, writes or zeroes pieces[i].nlb blocks at pieces[i].lba; the pieces of a read or
 * write take the request's data (r->iov as it is now: call nvmu_icpt_own_data() first if
 * at all) in order, so their nlb add up to r->nlb. Their LBA ranges are free (a stripe
 * may send them anywhere on the disk), but must lie within it.
 *
 * The split takes effect when the calling callback returns NVMU_ICPT_PASS, or at
 * nvmu_icpt_resume() after NVMU_ICPT_PAUSE; NVMU_ICPT_COMPLETE drops it. Each piece then
 * goes on from the next interceptor as a request of its own (r->data NULL, r->status 0,
 * op, fua, unmap, qp and queue those of the whole): the later interceptors may pass,
 * pause, resume, complete, rewrite or split it again, and the device gets it. Once every
 * piece has completed, the whole request completes once, with the status of the first
 * piece that failed (or NVMU_ICPT_S_OK): on_complete of the splitting interceptor and of
 * those before it runs once, on the whole request as the splitter left it (its own lba,
 * nlb and iov), after the pieces' data is in place.
 *
 * Returns 0, -EINVAL (a request of another kind; n out of range; a piece of no blocks or
 * beyond the disk; blocks that do not add up to r->nlb), -E2BIG (the data is in more
 * segments than a split can slice: a piece that is split again, of a very fragmented
 * buffer) or -ENOMEM (the first split on a request slot allocates what splits need, kept
 * for the slot's later requests). A call that fails leaves the request whole; a second
 * call replaces the first's plan.
 */
NVMU_API int nvmu_icpt_split(struct nvmu_icpt_req *r, const struct nvmu_icpt_piece *pieces,
			     unsigned n);

#ifdef __cplusplus
}
#endif
#endif
