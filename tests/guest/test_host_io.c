/* SPDX-License-Identifier: MIT */
/*
 * Guest test of the host API against QEMU's emulated NVMe (needs the guest rig): random
 * I/Os of random sizes and buffer shapes verified against a model of the namespace, each
 * namespace command, every namespace, queueing on a full queue, an asynchronous event
 * raised from the host, and the normal shutdown.
 *
 * usage: test_host_io --dev ADDR [--sgl] [--no-dbbuf] [--irq] [--qsize N] [--ios N]
 *                     [--seed S] [--expect-lbs 512|4096] [--expect-ns N] [--expect-mdts N]
 *                     [--aer] [--label TEXT]
 *   --sgl          the queue pair describes data with SGLs (the controller must have them)
 *   --no-dbbuf     no shadow doorbells (otherwise they must be in use)
 *   --irq          wait for completions through the eventfd with epoll
 *   --qsize N      I/O queue entries (2 makes almost every request wait in software)
 *   --aer          ask the rig to raise a SMART critical warning and expect the event
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "check.h"
#include "iov_check.h"
#include "nvmu/host.h"

#define TIMEOUT_MS 60000
#define AREA_BYTES (16u << 20) /* the part of namespace 1 the random I/Os use */
#define SLOTS 8
#define SLOT_BUF (1u << 20)
#define MAX_PIECES 24

static const char *dev, *label = "";
static bool opt_sgl, opt_no_dbbuf, opt_irq, opt_aer;
static uint32_t opt_qsize, opt_ios = 2000, opt_expect_lbs, opt_expect_ns, opt_expect_mdts;
static uint64_t seed = 1;

static struct nvmu_host_ctrl *h;
static struct nvmu_host_qpair *qp;
static struct nvmu_ns *ns1;
static uint32_t lbs;
static int epfd = -1;

struct ev_log {
	unsigned n;
	struct nvmu_host_event last;
};
static struct ev_log events;

static uint64_t rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

static void on_event(void *arg, const struct nvmu_host_event *ev)
{
	struct ev_log *log = arg;

	log->n++;
	log->last = *ev;
}

/* Wait for completions: poll, or (--irq) sleep in epoll on the eventfd between reaps. */
static bool reap_until(const unsigned *done, unsigned want)
{
	uint64_t deadline = nvmu_deadline_ms(TIMEOUT_MS);

	while (*done < want) {
		if (opt_irq) {
			struct epoll_event ev;

			nvmu_host_qpair_ack_irq(qp);
			while (nvmu_host_qpair_poll(qp, 0) > 0)
				;
			if (*done >= want)
				break;
			epoll_wait(epfd, &ev, 1, 100);
		} else if (nvmu_host_qpair_poll(qp, 0) < 0) {
			printf("# poll: %s\n", nvmu_last_error());
			return false;
		}
		if (nvmu_deadline_passed(deadline)) {
			printf("# %u of %u completions after %u ms (%u pending, %u waiting)\n", *done,
			       want, TIMEOUT_MS, nvmu_host_qpair_pending(qp), nvmu_host_qpair_waiting(qp));
			return false;
		}
	}
	return true;
}

struct io_ctx {
	unsigned done, failed;
	uint16_t status;
};

static void io_done(void *arg, const struct nvmu_cpl *cpl)
{
	struct io_ctx *c = arg;

	c->done++;
	if (cpl->err) {
		char text[NVMU_STATUS_TEXT_MAX];

		c->failed++;
		c->status = cpl->status;
		printf("# I/O failed: err %d, %s\n", cpl->err,
		       nvmu_status_text(cpl->status, text, sizeof(text)));
	}
}

/* One command through the callback, waited for; returns its completion error. */
static int run1(int submitted, struct io_ctx *c)
{
	if (submitted < 0) {
		printf("# submit: %s\n", nvmu_last_error());
		return submitted;
	}
	if (!reap_until(&c->done, 1))
		return -ETIMEDOUT;
	return c->failed ? -EREMOTEIO : 0;
}

TEST(attach)
{
	/* QEMU's controller gains nothing from shadow doorbells, so the driver leaves them
	 * off there unless forced: forced, they stay tested against a real device model. */
	struct nvmu_host_opts o = { .ctrl.no_dbbuf = opt_no_dbbuf,
				    .ctrl.force_dbbuf = !opt_no_dbbuf, .event_cb = on_event,
				    .event_arg = &events };
	struct nvmu_host_qpair_opts qo = { .entries = opt_qsize, .interrupts = opt_irq,
					   .sgl = opt_sgl };
	struct nvmu_ctrl *core;

	CHECK_EQ(nvmu_host_attach(dev, &o, &h), 0);
	if (!h) {
		printf("# %s\n", nvmu_last_error());
		exit(1);
	}
	core = nvmu_host_core(h);
	CHECK_EQ(nvmu_ctrl_dbbuf_enabled(core), !opt_no_dbbuf);
	if (opt_expect_mdts)
		CHECK_EQ(nvmu_host_id(h)->mdts, opt_expect_mdts);
	if (nvmu_host_qpair_create(h, &qo, &qp) < 0) {
		printf("# queue pair: %s\n", nvmu_last_error());
		CHECK(0);
		exit(1);
	}
	if (opt_irq) {
		struct epoll_event ev = { .events = EPOLLIN };

		CHECK(nvmu_host_qpair_eventfd(qp) >= 0);
		epfd = epoll_create1(EPOLL_CLOEXEC);
		CHECK_EQ(epoll_ctl(epfd, EPOLL_CTL_ADD, nvmu_host_qpair_eventfd(qp), &ev), 0);
	}
	ns1 = nvmu_host_ns(h, 0);
	CHECK(ns1 != NULL);
	if (!ns1)
		exit(1);
	lbs = nvmu_ns_lba_size(ns1);
	printf("# %s: %u namespace(s), LBA %u, max transfer %zu, SGL %s, shadow doorbells %s, "
	       "queue %u entries, %s\n", dev, nvmu_host_ns_count(h), lbs,
	       nvmu_qpair_max_transfer(nvmu_host_qpair_core(qp)),
	       nvmu_ctrl_sgl_supported(core) ? "yes" : "no",
	       nvmu_ctrl_dbbuf_enabled(core) ? "on" : "off",
	       nvmu_qpair_entries(nvmu_host_qpair_core(qp)), opt_irq ? "interrupts" : "polled");
	if (opt_expect_lbs)
		CHECK_EQ(lbs, opt_expect_lbs);
	if (opt_expect_ns)
		CHECK_EQ(nvmu_host_ns_count(h), opt_expect_ns);
}

/* ---- random I/O against a model ---- */

enum shape { ALIGNED, OFFSET, MULTI_PAGE_IOV, ODD_IOV, SHAPES };
static const char *const shape_names[SHAPES] = { "aligned", "offset", "page-iovec", "odd-iovec" };

struct slot {
	struct nvmu_dma_buf buf;
	struct nvmu_dma_buf iov[MAX_PIECES];
	unsigned iovcnt;
	uint64_t lba;
	size_t len;
	bool write;
	enum shape shape;
};

static unsigned make_shape(struct slot *s)
{
	size_t pos = 0;
	unsigned n = 0;

	switch (s->shape) {
	case ALIGNED:
		s->iov[0] = nvmu_dma_slice(&s->buf, 0, s->len);
		return 1;
	case OFFSET: /* any 4-byte aligned start */
		s->iov[0] = nvmu_dma_slice(&s->buf, 4 * (1 + rnd() % 1000), s->len);
		return 1;
	case MULTI_PAGE_IOV: /* PRP-compatible: first piece ends on a page, then pages */
		while (pos < s->len && n < MAX_PIECES - 1) {
			size_t off = n == 0 ? 4096 - 4 * (1 + rnd() % 1023) : 0;
			size_t piece = n == 0 ? 4096 - off : 4096 * (1 + rnd() % 3);

			if (piece > s->len - pos)
				piece = s->len - pos;
			s->iov[n] = nvmu_dma_slice(&s->buf, 16384 * n + off, piece);
			pos += piece;
			n++;
		}
		break;
	case ODD_IOV: /* odd lengths anywhere: SGL only */
		while (pos < s->len && n < MAX_PIECES - 1) {
			size_t piece = 4 * (1 + rnd() % 1500);

			if (piece > s->len - pos)
				piece = s->len - pos;
			s->iov[n] = nvmu_dma_slice(&s->buf, 16384 * n + 4 * (rnd() % 64), piece);
			pos += piece;
			n++;
		}
		break;
	default:
		break;
	}
	if (pos < s->len) { /* the rest in one last piece (PRP-compatible: starts on a page) */
		s->iov[n] = nvmu_dma_slice(&s->buf, 16384 * n, s->len - pos);
		n++;
	}
	return n;
}

static void fill(struct slot *s, uint8_t *model)
{
	size_t pos = 0;

	for (unsigned i = 0; i < s->iovcnt; i++) {
		uint8_t *p = s->iov[i].vaddr;

		for (size_t k = 0; k < s->iov[i].len; k += 8) { /* pieces may be 4-byte aligned */
			uint64_t v = rnd();
			size_t n = s->iov[i].len - k < 8 ? s->iov[i].len - k : 8;

			memcpy(p + k, &v, n);
		}
		memcpy(model + s->lba * lbs + pos, p, s->iov[i].len);
		pos += s->iov[i].len;
	}
}

static bool matches(const struct slot *s, const uint8_t *model)
{
	return iov_equals(s->iov, s->iovcnt, model + s->lba * lbs);
}

static bool load_model(uint8_t *model)
{
	struct nvmu_dma_buf buf;
	bool ok;

	if (nvmu_host_dma_alloc(h, AREA_BYTES, &buf) < 0)
		return false;
	ok = nvmu_ns_read_sync(qp, ns1, 0, &buf, 1, 0, TIMEOUT_MS, NULL) == 0;
	if (ok)
		memcpy(model, buf.vaddr, AREA_BYTES);
	nvmu_host_dma_free(h, &buf);
	return ok;
}

TEST(random_io_reads_back_what_was_written)
{
	uint8_t *model = malloc(AREA_BYTES);
	size_t max_xfer = nvmu_qpair_max_transfer(nvmu_host_qpair_core(qp));
	size_t max_len = 3 * max_xfer < 512u << 10 ? 3 * max_xfer : 512u << 10; /* splits */
	bool sgl = nvmu_ctrl_sgl_supported(nvmu_host_core(h));
	struct slot slots[SLOTS];
	unsigned ios = 0, shapes[SHAPES] = { 0 }, bad = 0;
	uint64_t region = AREA_BYTES / lbs / SLOTS;

	CHECK(model && load_model(model));
	for (int i = 0; i < SLOTS; i++)
		CHECK_EQ(nvmu_host_dma_alloc(h, SLOT_BUF + MAX_PIECES * 16384, &slots[i].buf), 0);
	while (ios < opt_ios && !bad && check_failures == 0) {
		struct io_ctx c = { 0 };

		for (int i = 0; i < SLOTS; i++) {
			struct slot *s = &slots[i];

			/* Mostly small I/Os, one in four up to three times the maximum transfer. */
			s->len = (1 + rnd() % ((rnd() % 4 ? 32768 : max_len) / lbs)) * lbs;
			s->lba = region * i + rnd() % (region - s->len / lbs);
			s->write = rnd() % 2;
			s->shape = (enum shape)(rnd() % (sgl ? SHAPES : ODD_IOV));
			s->iovcnt = make_shape(s);
			shapes[s->shape]++;
			if (s->write)
				fill(s, model);
			if ((s->write ? nvmu_ns_write : nvmu_ns_read)(qp, ns1, s->lba, s->iov, s->iovcnt,
								      0, io_done, &c) < 0) {
				printf("# submit %s %s: %s\n", s->write ? "write" : "read",
				       shape_names[s->shape], nvmu_last_error());
				CHECK(0);
				c.done++;
			}
		}
		CHECK(reap_until(&c.done, SLOTS));
		CHECK_EQ(c.failed, 0);
		for (int i = 0; i < SLOTS; i++) {
			if (!slots[i].write && !matches(&slots[i], model)) {
				printf("# read of %zu bytes at LBA %llu (%s, %u pieces) differs\n",
				       slots[i].len, (unsigned long long)slots[i].lba,
				       shape_names[slots[i].shape], slots[i].iovcnt);
				bad++;
			}
		}
		ios += SLOTS;
	}
	CHECK_EQ(bad, 0);
	/* Everything written reads back as the model says. */
	if (check_failures == 0) {
		uint8_t *copy = malloc(AREA_BYTES);

		CHECK(copy && load_model(copy) && memcmp(copy, model, AREA_BYTES) == 0);
		free(copy);
	}
	printf("# %u I/Os up to %zu bytes (max transfer %zu): %u aligned, %u offset, %u page-iovec, "
	       "%u odd-iovec\n", ios, max_len, max_xfer, shapes[ALIGNED], shapes[OFFSET],
	       shapes[MULTI_PAGE_IOV], shapes[ODD_IOV]);
	for (int i = 0; i < SLOTS; i++)
		nvmu_host_dma_free(h, &slots[i].buf);
	free(model);
}

/* ---- each command ---- */

TEST(compare_verify_write_zeroes_deallocate_flush_copy)
{
	struct nvmu_dma_buf buf, rd, odd;
	struct nvmu_lba_range ranges[2] = { { 0, 4 }, { 8, 4 } };
	uint64_t base = AREA_BYTES / lbs; /* beyond the random I/O area */
	struct nvmu_lba_range src[2] = { { base, 4 }, { base + 8, 4 } };
	struct io_ctx c;
	uint8_t *p, *r;

	CHECK_EQ(nvmu_host_dma_alloc(h, 16 * lbs, &buf), 0);
	CHECK_EQ(nvmu_host_dma_alloc(h, 16 * lbs, &rd), 0);
	p = buf.vaddr;
	r = rd.vaddr;
	for (size_t i = 0; i < 16u * lbs; i++)
		p[i] = (uint8_t)(i * 7 + 3);
	CHECK_EQ(nvmu_ns_write_sync(qp, ns1, base, &buf, 1, NVMU_IO_FUA, TIMEOUT_MS, NULL), 0);
	c = (struct io_ctx){ 0 };
	CHECK_EQ(run1(nvmu_ns_compare(qp, ns1, base, &buf, 1, 0, io_done, &c), &c), 0);
	p[5] ^= 0xff;
	c = (struct io_ctx){ 0 };
	CHECK_EQ(run1(nvmu_ns_compare(qp, ns1, base, &buf, 1, 0, io_done, &c), &c), -EREMOTEIO);
	CHECK_EQ(nvmu_status_sct(c.status), NVME_SCT_MEDIA);
	CHECK_EQ(nvmu_status_sc(c.status), NVME_SC_COMPARE_FAILED);
	p[5] ^= 0xff;
	c = (struct io_ctx){ 0 };
	if (nvmu_host_supports(h, NVMU_HOST_CMD_VERIFY)) /* split by VSL */
		CHECK_EQ(run1(nvmu_ns_verify(qp, ns1, 0, 8192, 0, io_done, &c), &c), 0);
	else /* QEMU 7.2 executes Verify but does not announce it in ONCS */
		CHECK_EQ(nvmu_ns_verify(qp, ns1, 0, 8192, 0, io_done, &c), -ENOTSUP);
	/* Copy two ranges to base + 100, then check they arrived. */
	if (nvmu_host_supports(h, NVMU_HOST_CMD_COPY)) {
		c = (struct io_ctx){ 0 };
		CHECK_EQ(run1(nvmu_ns_copy(qp, ns1, base + 100, src, 2, io_done, &c), &c), 0);
		CHECK_EQ(nvmu_ns_read_sync(qp, ns1, base + 100, &rd, 1, 0, TIMEOUT_MS, NULL), 0);
		CHECK(memcmp(r, p, 4 * lbs) == 0);
		CHECK(memcmp(r + 4 * lbs, p + 8 * lbs, 4 * lbs) == 0);
	}
	c = (struct io_ctx){ 0 };
	CHECK_EQ(run1(nvmu_ns_write_zeroes(qp, ns1, base + 2, 3, 0, io_done, &c), &c), 0);
	CHECK_EQ(nvmu_ns_read_sync(qp, ns1, base, &rd, 1, 0, TIMEOUT_MS, NULL), 0);
	CHECK(memcmp(r, p, 2 * lbs) == 0);
	for (size_t i = 2 * lbs; i < 5u * lbs; i++)
		if (r[i]) {
			CHECK_EQ(r[i], 0);
			break;
		}
	CHECK(memcmp(r + 5 * lbs, p + 5 * lbs, 11 * lbs) == 0);
	ranges[0].slba += base;
	ranges[1].slba += base;
	c = (struct io_ctx){ 0 };
	CHECK_EQ(run1(nvmu_ns_deallocate(qp, ns1, ranges, 2, io_done, &c), &c), 0);
	CHECK_EQ(nvmu_ns_flush_sync(qp, ns1, TIMEOUT_MS, NULL), 0);
	nvmu_host_dma_free(h, &rd);
	/* Precise errors before anything reaches the device. */
	CHECK_EQ(nvmu_ns_write(qp, ns1, nvmu_ns_blocks(ns1) - 1, &buf, 1, 0, io_done, &c), -ERANGE);
	odd = nvmu_dma_slice(&buf, 0, lbs + 4);
	CHECK_EQ(nvmu_ns_write(qp, ns1, 0, &odd, 1, 0, io_done, &c), -EINVAL);
	nvmu_host_dma_free(h, &buf);
}

TEST(every_namespace_reads_back)
{
	struct nvmu_dma_buf buf, rd;

	CHECK_EQ(nvmu_host_dma_alloc(h, 8192, &buf), 0);
	CHECK_EQ(nvmu_host_dma_alloc(h, 8192, &rd), 0);
	for (unsigned i = 0; i < nvmu_host_ns_count(h); i++) {
		struct nvmu_ns *ns = nvmu_host_ns(h, i);
		uint32_t l = nvmu_ns_lba_size(ns);
		struct nvmu_dma_buf w = nvmu_dma_slice(&buf, 0, 2 * l > 8192 ? l : 2 * l);
		struct nvmu_dma_buf r = nvmu_dma_slice(&rd, 0, w.len);
		uint64_t last = nvmu_ns_blocks(ns) - w.len / l;

		memset(buf.vaddr, 0x40 + (int)nvmu_ns_id(ns), w.len);
		CHECK_EQ(nvmu_ns_write_sync(qp, ns, last, &w, 1, 0, TIMEOUT_MS, NULL), 0);
		CHECK_EQ(nvmu_ns_read_sync(qp, ns, last, &r, 1, 0, TIMEOUT_MS, NULL), 0);
		CHECK(memcmp(buf.vaddr, rd.vaddr, w.len) == 0);
		printf("# namespace %u: %llu blocks of %u, last blocks read back\n", nvmu_ns_id(ns),
		       (unsigned long long)nvmu_ns_blocks(ns), l);
	}
	nvmu_host_dma_free(h, &buf);
	nvmu_host_dma_free(h, &rd);
}

/* ---- a full queue ---- */

struct order_log {
	unsigned n, out_of_order;
};

struct order_item {
	struct order_log *log;
	unsigned id;
};

static void order_done(void *arg, const struct nvmu_cpl *cpl)
{
	struct order_item *it = arg;

	if (cpl->err || it->id != it->log->n)
		it->log->out_of_order++;
	it->log->n++;
}

TEST(requests_wait_in_order_when_the_queue_is_full)
{
	enum { N = 300 };
	static struct order_item items[N];
	struct order_log log = { 0 };
	struct nvmu_dma_buf buf, rd;
	uint64_t lba = AREA_BYTES / lbs + 1000;
	uint32_t max_waiting = 0, entries = nvmu_qpair_entries(nvmu_host_qpair_core(qp));
	bool serial = entries == 2; /* one command in flight: completions come in order */
	unsigned nobufs = 0;
	int ret;

	CHECK_EQ(nvmu_host_dma_alloc(h, (size_t)N * lbs, &buf), 0);
	CHECK_EQ(nvmu_host_dma_alloc(h, (size_t)N * lbs, &rd), 0);
	for (unsigned i = 0; i < N; i++) {
		struct nvmu_dma_buf w = nvmu_dma_slice(&buf, (size_t)i * lbs, lbs);

		items[i] = (struct order_item){ &log, i };
		memcpy(w.vaddr, &i, sizeof(i));
		/* A queue of 2 takes every write to one block (the last submitted must win);
		 * a larger one, whose commands may complete in any order, one block each. */
		while ((ret = nvmu_ns_write(qp, ns1, serial ? lba : lba + i, &w, 1, 0, order_done,
					    &items[i])) == -ENOBUFS) {
			/* Every request object is taken: the documented answer is to reap. */
			nobufs++;
			nvmu_host_qpair_poll(qp, 0);
		}
		CHECK_EQ(ret, 0);
		if (nvmu_host_qpair_waiting(qp) > max_waiting)
			max_waiting = nvmu_host_qpair_waiting(qp);
		if (i % 50 == 49) /* let some complete while more arrive */
			nvmu_host_qpair_poll(qp, 0);
	}
	CHECK(reap_until(&log.n, N));
	printf("# %u writes accepted, at most %u waiting in software (queue of %u), %u completed "
	       "out of submission order, %u times all requests in use\n", N, max_waiting, entries,
	       log.out_of_order, nobufs);
	if (serial) {
		struct nvmu_dma_buf one = nvmu_dma_slice(&rd, 0, lbs);

		CHECK(max_waiting > 0);
		CHECK_EQ(log.out_of_order, 0);
		CHECK_EQ(nvmu_ns_read_sync(qp, ns1, lba, &one, 1, 0, TIMEOUT_MS, NULL), 0);
		CHECK_EQ(((uint32_t *)rd.vaddr)[0], N - 1); /* the last one submitted won */
	} else {
		CHECK_EQ(nvmu_ns_read_sync(qp, ns1, lba, &rd, 1, 0, TIMEOUT_MS, NULL), 0);
		for (unsigned i = 0; i < N; i++)
			if (memcmp((uint8_t *)rd.vaddr + (size_t)i * lbs, &i, sizeof(i)) != 0) {
				printf("# block %u does not hold its write\n", i);
				CHECK(0);
				break;
			}
	}
	nvmu_host_dma_free(h, &buf);
	nvmu_host_dma_free(h, &rd);
}

/* ---- asynchronous event ---- */

/* Send one request line to the rig on its channel and read the reply line (with a
 * deadline): the channel is the guest's serial port, whatever stdout was redirected to. */
static bool ask_rig(const char *request, char *reply, size_t len)
{
	const char *path = getenv("NVMU_RIG_CHANNEL") ? getenv("NVMU_RIG_CHANNEL") : "/dev/ttyS1";
	int fd = open(path, O_RDWR | O_NOCTTY);
	uint64_t deadline = nvmu_deadline_ms(TIMEOUT_MS);
	size_t got = 0;

	if (fd < 0)
		return false;
	if (write(fd, request, strlen(request)) != (ssize_t)strlen(request)) {
		close(fd);
		return false;
	}
	while (got + 1 < len && !nvmu_deadline_passed(deadline)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 100) <= 0)
			continue;
		if (read(fd, reply + got, 1) != 1)
			break;
		if (reply[got] == '\n')
			break;
		got++;
	}
	reply[got] = 0;
	close(fd);
	return strstr(reply, "@@nvmu-reply") != NULL;
}

TEST(smart_warning_arrives_as_an_event)
{
	uint64_t deadline;
	char reply[512];
	struct nvme_smart_log smart;

	if (!opt_aer) {
		printf("# skipped: no --aer\n");
		return;
	}
	/* Clear the warning (an earlier run in this boot may have set it), then raise it: QEMU
	 * signals the bits that turn on. */
	for (int value = 0; value <= 1; value++) {
		char req[256];

		snprintf(req, sizeof(req), "@@nvmu-host {\"qmp\": {\"execute\": \"qom-set\", "
			 "\"arguments\": {\"path\": \"/machine/peripheral/nvme0\", \"property\": "
			 "\"smart_critical_warning\", \"value\": %d}}}\n", value);
		CHECK(ask_rig(req, reply, sizeof(reply)));
	}
	printf("# rig: %s\n", reply);
	deadline = nvmu_deadline_ms(TIMEOUT_MS);
	while (events.n == 0 && !nvmu_deadline_passed(deadline)) {
		nvmu_host_admin_poll(h);
		nvmu_sleep_us(10000);
	}
	CHECK_EQ(events.n, 1);
	CHECK_EQ(events.last.type, NVME_AER_SMART);
	CHECK_EQ(events.last.log_page, NVME_LOG_LID_SMART);
	printf("# event dw0 %#x: type %u info %#x log page %#x\n", events.last.dw0,
	       events.last.type, events.last.info, events.last.log_page);
	/* Reading the log page clears the event; the warning is in it. */
	CHECK_EQ(nvmu_host_get_log(h, NVME_LOG_LID_SMART, NVME_NSID_ALL, &smart, sizeof(smart)), 0);
	CHECK(smart.critical_warning & 1);
}

/* ---- shutdown ---- */

TEST(detach_shuts_down_normally)
{
	struct nvmu_qpair_stats st;

	nvmu_qpair_stats(nvmu_host_qpair_core(qp), &st);
	CHECK_EQ(st.bad_cids, 0);
	CHECK_EQ(st.bad_sqhd, 0);
	CHECK_EQ(st.late, 0);
	CHECK_EQ(nvmu_host_qpair_pending(qp), 0);
	if (epfd >= 0)
		close(epfd);
	/* Detach deletes the queues and sets CC.SHN; it returns 0 only once CSTS.SHST said
	 * the shutdown completed within the deadline (else -ETIMEDOUT). */
	CHECK_EQ(nvmu_host_detach(h), 0);
}

/* Without force_dbbuf the driver knows QEMU's controller gains nothing from shadow
 * doorbells: it leaves them off and says why (after the detach: one attach at a time). */
TEST(shadow_doorbells_off_where_they_gain_nothing)
{
	struct nvmu_host_opts o = { .no_aer = true };
	struct nvmu_host_ctrl *other = NULL;

	CHECK_EQ(nvmu_host_attach(dev, &o, &other), 0);
	if (!other)
		return;
	CHECK(!nvmu_ctrl_dbbuf_enabled(nvmu_host_core(other)));
	CHECK_STR_CONTAINS(nvmu_ctrl_dbbuf_note(nvmu_host_core(other)), "QEMU");
	CHECK_EQ(nvmu_host_detach(other), 0);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "sgl", no_argument, NULL, 'g' },
		{ "no-dbbuf", no_argument, NULL, 'b' },
		{ "irq", no_argument, NULL, 'i' },
		{ "qsize", required_argument, NULL, 'q' },
		{ "ios", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "expect-lbs", required_argument, NULL, 'l' },
		{ "expect-ns", required_argument, NULL, 'N' },
		{ "expect-mdts", required_argument, NULL, 'm' },
		{ "aer", no_argument, NULL, 'a' },
		{ "label", required_argument, NULL, 'L' },
		{ 0 },
	};
	static const struct check_test tests[] = {
		T(attach), T(random_io_reads_back_what_was_written),
		T(compare_verify_write_zeroes_deallocate_flush_copy), T(every_namespace_reads_back),
		T(requests_wait_in_order_when_the_queue_is_full), T(smart_warning_arrives_as_an_event),
		T(detach_shuts_down_normally), T(shadow_doorbells_off_where_they_gain_nothing),
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dev = optarg; break;
		case 'g': opt_sgl = true; break;
		case 'b': opt_no_dbbuf = true; break;
		case 'i': opt_irq = true; break;
		case 'q': opt_qsize = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'n': opt_ios = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 's': seed = strtoull(optarg, NULL, 0) | 1; break;
		case 'l': opt_expect_lbs = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'N': opt_expect_ns = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'm': opt_expect_mdts = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'a': opt_aer = true; break;
		case 'L': label = optarg; break;
		default: return 2;
		}
	}
	if (!dev) {
		fprintf(stderr, "usage: test_host_io --dev ADDR [--sgl] [--no-dbbuf] [--irq] "
			"[--qsize N] [--ios N] [--seed S] [--expect-lbs 512|4096] [--expect-ns N] "
			"[--expect-mdts N] [--aer] [--label TEXT]\n");
		return 2;
	}
	printf("# test_host_io %s\n", label);
	return check_run(tests, sizeof(tests) / sizeof(tests[0]));
}
