/* SPDX-License-Identifier: MIT */
/*
 * The transport of a secondary: a process that joined the primary of a controller. Its
 * core sees a controller of its own: CAP and VS are the real ones, CC and CSTS only change
 * what it sees (enable, shutdown), admin commands run in the primary (admin_cmd op), and
 * its I/O queues live in its own DMA window with their real doorbells (queue_doorbells
 * op), which it writes directly. The socket is used only for admin commands, queue IDs
 * and the periodic check that the primary is still there.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "shared.h"

#define CSTS_ALL_ONES 0xffffffffu

struct secondary {
	struct nvmu_transport t;
	char name[300];
	int sock;
	pthread_mutex_t lock; /* the socket (one request at a time) and the window */
	uint64_t seq;
	struct share_window win;
	uint64_t cap;
	uint32_t vs, cc, aqa;
	uint64_t asq, acq;
	pid_t primary;
	unsigned dstrd;
	uint8_t *db_map;      /* the primary's doorbells, mapped here */
	size_t db_map_len;
	volatile uint8_t *db; /* the doorbell of SQ 0 in db_map */
	size_t db_len;
	void *own_db;         /* the admin queue's doorbells: never rung, kept apart */
	const struct share_ctl *ctl; /* the control page: first page of the window */
	bool awaiting;        /* CC.EN went to 0: ready again only after a reset's epoch */
	uint32_t await_epoch;
	/* Asynchronous Event Requests kept (the core's admin lock serialises them) and the
	 * number of the control page's events already given out. */
	struct {
		void (*cb)(void *arg, const struct nvmu_cpl *cpl);
		void *arg;
	} aer[SHARE_EVENTS];
	unsigned naer;
	uint32_t ev_seen;
	bool gone;            /* under lock, read atomically */
	char why[512]; /* name (300) and the text around it */
};

static const struct nvmu_transport_ops secondary_ops;

static struct secondary *sec_of(struct nvmu_transport *t)
{
	return (struct secondary *)t;
}

bool share_is_secondary(const struct nvmu_transport *t)
{
	return t && t->ops == &secondary_ops;
}

/* Let go of the device's doorbells (a removed device is released only once every
 * mapping of it is gone): the same addresses become plain memory, so a late doorbell
 * write of a pair does no harm. The lock is held. */
static void release_doorbells(struct secondary *s)
{
	if (s->db_map && mmap(s->db_map, s->db_map_len, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		nvmu_log(NVMU_LOG_WARN, "%s: cannot release the doorbells: %s", s->name,
			 strerror(errno));
}

/* The primary hung up; the lock is held. */
static void mark_gone(struct secondary *s)
{
	if (__atomic_load_n(&s->gone, __ATOMIC_ACQUIRE))
		return;
	release_doorbells(s);
	snprintf(s->why, sizeof(s->why), "the process that owns %s (pid %d) exited or stopped "
		 "sharing it; attach again to become its primary or join a new one", s->name,
		 (int)s->primary);
	__atomic_store_n(&s->gone, true, __ATOMIC_RELEASE);
}

/* Send @rq and wait for its reply; 0 or a negative errno with a message. */
static int request(struct secondary *s, struct share_req *rq, int fd, struct share_rep *rp,
		   int timeout_ms)
{
	uint64_t deadline = nvmu_deadline_ms((uint32_t)timeout_ms);
	int ret;

	pthread_mutex_lock(&s->lock);
	rq->seq = ++s->seq;
	ret = s->gone ? -EPIPE : share_send(s->sock, rq, sizeof(*rq), fd);
	while (ret == 0) {
		ret = share_recv(s->sock, rp, sizeof(*rp), NULL, timeout_ms);
		if (ret == 0 && rp->seq == rq->seq)
			break;
		if (ret == 0 && nvmu_deadline_passed(deadline))
			ret = -ETIMEDOUT; /* only late replies of abandoned requests came */
	}
	if (ret == -EPIPE)
		mark_gone(s);
	pthread_mutex_unlock(&s->lock);
	if (ret == -EPIPE)
		return nvmu_fail(ENODEV, "%s", s->why);
	if (ret == -ETIMEDOUT)
		return nvmu_fail(ETIMEDOUT, "%s: the process that owns it (pid %d) did not answer "
				 "within %d ms", s->name, (int)s->primary, timeout_ms);
	if (ret < 0)
		return nvmu_fail(-ret, "%s: talking to the process that owns it (pid %d): %s",
				 s->name, (int)s->primary, strerror(-ret));
	if (rp->err < 0) {
		rp->text[sizeof(rp->text) - 1] = '\0';
		return nvmu_fail(-rp->err, "%s", rp->text);
	}
	return 0;
}

/* CSTS as this process sees it: the real controller's state comes from the control page
 * (a reset of the primary's shows as CSTS.CFS until this process stopped its queues, so
 * that its recovery does), enable and shutdown from its own CC. */
static uint32_t csts(struct secondary *s)
{
	uint32_t state = __atomic_load_n(&s->ctl->state, __ATOMIC_ACQUIRE);
	uint32_t epoch = __atomic_load_n(&s->ctl->epoch, __ATOMIC_ACQUIRE);
	bool ready = state == SHARE_CTL_LIVE && (!s->awaiting || epoch != s->await_epoch);

	if (__atomic_load_n(&s->gone, __ATOMIC_ACQUIRE) || state == SHARE_CTL_REMOVED)
		return CSTS_ALL_ONES;
	if ((s->cc & NVME_SET(1, CC_EN)) && ready)
		s->awaiting = false;
	return ((s->cc & NVME_SET(1, CC_EN)) && ready ? NVME_SET(1, CSTS_RDY) : 0) |
	       (state != SHARE_CTL_LIVE && !s->awaiting ? NVME_SET(1, CSTS_CFS) : 0) |
	       (s->cc & NVME_SET(NVME_CC_SHN_MASK, CC_SHN)
			? NVME_SET(NVME_CSTS_SHST_CMPLT, CSTS_SHST) : 0);
}

/* End every kept event request with @status, as a controller ends them when disabled. */
static void end_event_requests(struct secondary *s, uint16_t status)
{
	struct nvmu_cpl cpl = { .err = -ECANCELED, .status = status };

	while (s->naer) {
		s->naer--;
		s->aer[s->naer].cb(s->aer[s->naer].arg, &cpl);
	}
}

/* CC.EN went from 1 to 0: the queues of this process are stopped. The primary resets the
 * controller (or is doing so); enabling again waits for that reset to end. */
static void disabled(struct secondary *s)
{
	struct share_req rq = { .type = SHARE_DISABLE };
	struct share_rep rp;

	end_event_requests(s, NVMU_STATUS_HOST(NVME_SC_CMD_ABORTED_BY_HOST));
	s->await_epoch = __atomic_load_n(&s->ctl->epoch, __ATOMIC_ACQUIRE);
	s->awaiting = true;
	if (request(s, &rq, -1, &rp, SHARE_REPLY_MARGIN_MS) < 0)
		nvmu_log(NVMU_LOG_WARN, "%s: %s", s->name, nvmu_last_error());
}

static uint32_t op_read32(struct nvmu_transport *t, uint32_t off)
{
	struct secondary *s = sec_of(t);

	switch (off) {
	case NVME_REG_CAP: return (uint32_t)s->cap;
	case NVME_REG_CAP + 4: return (uint32_t)(s->cap >> 32);
	case NVME_REG_VS: return s->vs;
	case NVME_REG_CC: return s->cc;
	case NVME_REG_AQA: return s->aqa;
	case NVME_REG_CSTS:
		return csts(s);
	default: return 0;
	}
}

static uint64_t op_read64(struct nvmu_transport *t, uint32_t off)
{
	struct secondary *s = sec_of(t);

	switch (off) {
	case NVME_REG_CAP: return s->cap;
	case NVME_REG_ASQ: return s->asq;
	case NVME_REG_ACQ: return s->acq;
	default: return 0;
	}
}

static void op_write32(struct nvmu_transport *t, uint32_t off, uint32_t val)
{
	struct secondary *s = sec_of(t);

	if (off == NVME_REG_CC) {
		bool was_on = s->cc & NVME_SET(1, CC_EN);

		s->cc = val;
		if (was_on && !(val & NVME_SET(1, CC_EN)))
			disabled(s);
	}
	else if (off == NVME_REG_AQA)
		s->aqa = val;
}

static void op_write64(struct nvmu_transport *t, uint32_t off, uint64_t val)
{
	struct secondary *s = sec_of(t);

	if (off == NVME_REG_ASQ)
		s->asq = val;
	else if (off == NVME_REG_ACQ)
		s->acq = val;
}

static int op_dma_alloc(struct nvmu_transport *t, size_t len, struct nvmu_dma_buf *buf)
{
	struct secondary *s = sec_of(t);
	int ret;

	pthread_mutex_lock(&s->lock);
	ret = share_window_alloc(&s->win, len, buf);
	pthread_mutex_unlock(&s->lock);
	return ret;
}

static void op_dma_free(struct nvmu_transport *t, struct nvmu_dma_buf *buf)
{
	struct secondary *s = sec_of(t);

	pthread_mutex_lock(&s->lock);
	share_window_free(&s->win, buf);
	pthread_mutex_unlock(&s->lock);
}

static uint32_t op_irq_count(struct nvmu_transport *t)
{
	(void)t;
	return 0; /* a secondary's queues are polled */
}

static int op_irq_connect(struct nvmu_transport *t, uint32_t vector, int fd)
{
	(void)fd;
	return nvmu_fail(ENOTSUP, "%s: a process sharing a controller has no interrupt vectors "
			 "(vector %u asked for): poll its queues", t->name, vector);
}

/* The periodic check of the core asks this every 100 ms: has the primary hung up? */
static bool op_gone(struct nvmu_transport *t)
{
	struct secondary *s = sec_of(t);
	struct pollfd pfd = { .fd = s->sock, .events = POLLRDHUP };

	if (__atomic_load_n(&s->gone, __ATOMIC_ACQUIRE))
		return true;
	if (__atomic_load_n(&s->ctl->state, __ATOMIC_ACQUIRE) == SHARE_CTL_REMOVED) {
		pthread_mutex_lock(&s->lock);
		snprintf(s->why, sizeof(s->why), "%.*s (seen by the process that owns it, pid %d)",
			 (int)sizeof(s->ctl->reason), s->ctl->reason, (int)s->primary);
		release_doorbells(s);
		/* Hanging up tells the primary that no doorbell of ours will be written now. */
		shutdown(s->sock, SHUT_RDWR);
		__atomic_store_n(&s->gone, true, __ATOMIC_RELEASE);
		pthread_mutex_unlock(&s->lock);
		return true;
	}
	if (poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR))) {
		pthread_mutex_lock(&s->lock);
		mark_gone(s);
		pthread_mutex_unlock(&s->lock);
		return true;
	}
	return false;
}

static const char *op_why_gone(struct nvmu_transport *t)
{
	return sec_of(t)->why;
}

static int op_queue_doorbells(struct nvmu_transport *t, uint16_t qid, uint16_t *dev_qid,
			      volatile uint32_t **sq, volatile uint32_t **cq)
{
	struct secondary *s = sec_of(t);
	struct share_req rq = { .type = SHARE_QID, .vqid = qid };
	struct share_rep rp;
	int ret = request(s, &rq, -1, &rp, SHARE_REPLY_MARGIN_MS);

	if (ret < 0)
		return ret;
	if (((2u * rp.rqid + 2u) << (2 + s->dstrd)) > s->db_len)
		return nvmu_fail(EPROTO, "%s: queue ID %u from the primary is beyond its doorbells",
				 s->name, rp.rqid);
	*dev_qid = rp.rqid;
	*sq = nvmu_doorbell(s->db, rp.rqid, false, s->dstrd);
	*cq = nvmu_doorbell(s->db, rp.rqid, true, s->dstrd);
	return 0;
}

static int op_admin_cmd(struct nvmu_transport *t, struct nvmu_sqe *cmd, uint64_t iova,
			size_t len, uint32_t timeout_ms, struct nvmu_cpl *cpl)
{
	struct secondary *s = sec_of(t);
	struct share_req rq = { .type = SHARE_ADMIN, .sqe = *cmd, .iova = iova, .len = len,
				.timeout_ms = timeout_ms };
	struct share_rep rp;
	int ret = request(s, &rq, -1, &rp, (int)(timeout_ms + SHARE_REPLY_MARGIN_MS));

	/* The completion is the device's even when the command failed there. */
	if ((ret == 0 || ret == -EREMOTEIO) && cpl)
		*cpl = rp.cpl;
	return ret;
}

static int op_event_request(struct nvmu_transport *t,
			    void (*cb)(void *arg, const struct nvmu_cpl *cpl), void *arg)
{
	struct secondary *s = sec_of(t);

	if (s->naer == SHARE_EVENTS)
		return nvmu_fail(EBUSY, "%s: %u asynchronous event requests are waiting already",
				 s->name, SHARE_EVENTS);
	s->aer[s->naer].cb = cb;
	s->aer[s->naer].arg = arg;
	s->naer++;
	return 0;
}

/* Complete kept event requests with the events the primary wrote since the last call;
 * events wait while no request is kept, as they do in a controller. */
static unsigned op_events_poll(struct nvmu_transport *t)
{
	struct secondary *s = sec_of(t);
	uint32_t count = __atomic_load_n(&s->ctl->ev_count, __ATOMIC_ACQUIRE);
	unsigned n = 0;

	if (count - s->ev_seen > SHARE_EVENTS)
		s->ev_seen = count - SHARE_EVENTS; /* the oldest were overwritten */
	while (s->ev_seen != count && s->naer) {
		struct nvmu_cpl cpl = { .dw0 = s->ctl->events[s->ev_seen % SHARE_EVENTS] };

		s->ev_seen++;
		s->naer--;
		s->aer[s->naer].cb(s->aer[s->naer].arg, &cpl);
		n++;
	}
	return n;
}

static void op_close(struct nvmu_transport *t)
{
	struct secondary *s = sec_of(t);

	if (s->sock >= 0)
		close(s->sock); /* the primary deletes what is left of our queues */
	if (s->db_map)
		munmap(s->db_map, s->db_map_len);
	share_window_fini(&s->win);
	nvmu_mem_free(s->own_db, nvmu_page_size(), 0);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static const struct nvmu_transport_ops secondary_ops = {
	.read32 = op_read32,
	.read64 = op_read64,
	.write32 = op_write32,
	.write64 = op_write64,
	.dma_alloc = op_dma_alloc,
	.dma_free = op_dma_free,
	.irq_count = op_irq_count,
	.irq_connect = op_irq_connect,
	.gone = op_gone,
	.close = op_close,
	.queue_doorbells = op_queue_doorbells,
	.admin_cmd = op_admin_cmd,
	.why_gone = op_why_gone,
	.event_request = op_event_request,
	.events_poll = op_events_poll,
};

/* Map the doorbells the primary passed: @len bytes from @offset of @fd. */
static int map_doorbells(struct secondary *s, int fd, uint64_t offset, size_t len)
{
	uint64_t page = nvmu_page_size(), start = offset & ~(page - 1);

	s->db_map_len = (size_t)(offset - start) + len;
	s->db_map = mmap(NULL, s->db_map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 (off_t)start);
	if (s->db_map == MAP_FAILED) {
		s->db_map = NULL;
		return nvmu_fail(errno, "%s: mapping the doorbells: %s", s->name, strerror(errno));
	}
	s->db = s->db_map + (offset - start);
	s->db_len = len;
	return 0;
}

/* Join: pass the window, learn the controller and map its doorbells. */
static int hello(struct secondary *s)
{
	struct share_req rq = { .type = SHARE_HELLO, .version = SHARE_VERSION,
				.window_len = s->win.len };
	struct share_rep rp;
	int db_fd = -1, ret;

	rq.seq = ++s->seq;
	ret = share_send(s->sock, &rq, sizeof(rq), s->win.fd);
	/* A primary that refuses us answers at once and hangs up: read why even then. */
	if (ret == 0 || ret == -EPIPE)
		ret = share_recv(s->sock, &rp, sizeof(rp), &db_fd, SHARE_JOIN_WAIT_MS);
	if (ret < 0)
		return nvmu_fail(-ret, "%s: joining the process that owns it: %s", s->name,
				 ret == -EPIPE ? "it hung up" : strerror(-ret));
	if (rp.err < 0) {
		if (db_fd >= 0)
			close(db_fd);
		rp.text[sizeof(rp.text) - 1] = '\0';
		return nvmu_fail(-rp.err, "%s", rp.text);
	}
	if (db_fd < 0)
		return nvmu_fail(EPROTO, "%s: the primary sent no doorbells", s->name);
	s->cap = rp.cap;
	s->vs = rp.vs;
	s->primary = rp.pid;
	s->dstrd = (unsigned)NVME_CAP_DSTRD(rp.cap);
	s->win.iova = rp.window_iova;
	s->ctl = (const struct share_ctl *)s->win.base;
	s->ev_seen = __atomic_load_n(&s->ctl->ev_count, __ATOMIC_ACQUIRE);
	ret = map_doorbells(s, db_fd, rp.db_offset, (size_t)rp.db_len);
	close(db_fd);
	return ret;
}

int share_secondary_open(int sock, const char *name, struct nvmu_transport **out)
{
	struct secondary *s = calloc(1, sizeof(*s));
	int ret;

	if (!s) {
		close(sock);
		return nvmu_fail(ENOMEM, "out of memory");
	}
	s->sock = sock;
	s->win.fd = -1;
	pthread_mutex_init(&s->lock, NULL);
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->t.ops = &secondary_ops;
	s->t.name = s->name;
	ret = nvmu_mem_alloc(nvmu_page_size(), 0, &s->own_db);
	if (ret == 0)
		ret = share_window_init(&s->win, SHARE_WINDOW_BYTES);
	if (ret == 0)
		ret = hello(s);
	if (ret < 0) {
		op_close(&s->t);
		return ret;
	}
	s->t.doorbells = s->own_db;
	*out = &s->t;
	return 0;
}
