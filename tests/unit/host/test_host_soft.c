/* SPDX-License-Identifier: MIT */
/* The host API on the software controller: namespaces, random I/O of every buffer shape
 * checked against a model (PRP, SGL, iovecs, split by MDTS), queueing when the queue is
 * full (order kept), each namespace command, precise errors, asynchronous events. The
 * pair's bounds are in test_host_bounds.c. */
#include <errno.h>
#include <stdlib.h>

#include "check.h"
#include "iov_check.h"
#include "nvmu/host.h"
#include "nvmu/nvme_soft.h"
#include "host_soft_env.h"

#define TIMEOUT_MS 5000
#define NS_BYTES (8u << 20)


TEST(attach_lists_namespaces)
{
	struct nvmu_host_ctrl *h = attach("soft:ns=3,size=4M,lbs=4096");
	struct nvmu_ns *ns;

	if (!h)
		return;
	CHECK_EQ(nvmu_host_ns_count(h), 3);
	ns = nvmu_host_ns_by_id(h, 2);
	CHECK(ns != NULL);
	if (ns) {
		CHECK_EQ(nvmu_ns_id(ns), 2);
		CHECK_EQ(nvmu_ns_lba_size(ns), 4096);
		CHECK_EQ(nvmu_ns_blocks(ns), 1024);
		CHECK_EQ(nvmu_ns_capacity(ns), 4u << 20);
		CHECK_EQ(nvmu_ns_info(ns)->ms, 0);
		CHECK_EQ(nvmu_ns_identify(ns)->nsze, 1024);
	}
	CHECK(nvmu_host_ns_by_id(h, 4) == NULL);
	CHECK(nvmu_host_ns(h, 3) == NULL);
	CHECK(nvmu_host_supports(h, NVMU_HOST_CMD_COPY));
	detach(h);
	CHECK(nvmu_host_attach("nonsense", NULL, &h) == -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "neither a PCI address");
}

/* ---- random I/O against a model ---- */

enum shape { SHAPE_ALIGNED, SHAPE_OFFSET, SHAPE_IOV_PRP, SHAPE_IOV_ANY, SHAPE_COUNT };

/* Build an iovec of @len bytes over @buf in the given shape; returns the piece count. */
static unsigned make_shape(enum shape s, const struct nvmu_dma_buf *buf, size_t len,
			   struct nvmu_dma_buf *iov, bool sgl_ok)
{
	size_t off = 0, pos = 0;
	unsigned n = 0;

	switch (s) {
	case SHAPE_ALIGNED:
		iov[0] = nvmu_dma_slice(buf, 0, len);
		return 1;
	case SHAPE_OFFSET:
		iov[0] = nvmu_dma_slice(buf, 4 * (1 + (size_t)rand() % 1000), len);
		return 1;
	case SHAPE_IOV_PRP: /* first piece ends on a page, the others are pages, the last short */
		off = 4096 - 512 * (1 + (size_t)rand() % 7);
		while (pos < len) {
			size_t piece = n == 0 ? 4096 - off : 4096;

			if (piece > len - pos)
				piece = len - pos;
			iov[n] = nvmu_dma_slice(buf, n == 0 ? off : 8192 * n, piece);
			pos += piece;
			n++;
		}
		return n;
	case SHAPE_IOV_ANY: /* odd pieces scattered: needs an SGL */
		if (!sgl_ok)
			return make_shape(SHAPE_ALIGNED, buf, len, iov, sgl_ok);
		while (pos < len && n < 15) {
			size_t piece = 4 * (1 + (size_t)rand() % 700);

			if (piece > len - pos || n == 14)
				piece = len - pos;
			iov[n] = nvmu_dma_slice(buf, 6000 * n + 4 * (size_t)(rand() % 100), piece);
			pos += piece;
			n++;
		}
		return n;
	default:
		return 0;
	}
}

struct slot {
	struct nvmu_dma_buf buf;
	struct nvmu_dma_buf iov[24];
	unsigned iovcnt;
	uint64_t lba;
	size_t len;
	bool write;
};

static void fill(struct slot *s, uint8_t *model, uint32_t lbs)
{
	size_t pos = 0;

	for (unsigned i = 0; i < s->iovcnt; i++) {
		uint8_t *p = s->iov[i].vaddr;

		for (size_t k = 0; k < s->iov[i].len; k++)
			p[k] = (uint8_t)rand();
		memcpy(model + s->lba * lbs + pos, p, s->iov[i].len);
		pos += s->iov[i].len;
	}
}

static bool matches(const struct slot *s, const uint8_t *model, uint32_t lbs)
{
	return iov_equals(s->iov, s->iovcnt, model + s->lba * lbs);
}

/* Rounds of 8 I/Os in flight at once on distinct LBA ranges, verified against a model. */
static void random_io(const char *dev, const struct nvmu_host_qpair_opts *qo, unsigned rounds)
{
	struct nvmu_host_ctrl *h = attach(dev);
	struct nvmu_host_qpair *qp = NULL;
	struct slot slots[8];
	uint8_t *model = calloc(1, NS_BYTES);
	struct nvmu_ns *ns;
	uint32_t lbs;
	bool sgl_ok;

	if (!h)
		goto out_free;
	CHECK_EQ(nvmu_host_qpair_create(h, qo, &qp), 0);
	ns = nvmu_host_ns(h, 0);
	lbs = nvmu_ns_lba_size(ns);
	sgl_ok = nvmu_ctrl_sgl_supported(nvmu_host_core(h));
	CHECK_EQ(nvmu_ctrl_dbbuf_enabled(nvmu_host_core(h)), strstr(dev, "dbbuf=0") == NULL);
	for (int i = 0; i < 8; i++)
		CHECK_EQ(nvmu_host_dma_alloc(h, 256 << 10, &slots[i].buf), 0);
	srand(42);
	for (unsigned r = 0; r < rounds && qp; r++) {
		struct io_ctx c = { 0 };
		uint64_t region = NS_BYTES / lbs / 8;

		for (int i = 0; i < 8; i++) {
			struct slot *s = &slots[i];
			size_t max_blocks = (64u << 10) / lbs;

			s->len = (1 + (size_t)rand() % max_blocks) * lbs;
			s->lba = region * i + (uint64_t)rand() % (region - s->len / lbs);
			s->write = rand() % 2;
			s->iovcnt = make_shape((enum shape)(rand() % SHAPE_COUNT), &s->buf, s->len,
					       s->iov, sgl_ok);
			if (s->write)
				fill(s, model, lbs);
			if ((s->write ? nvmu_ns_write : nvmu_ns_read)(qp, ns, s->lba, s->iov, s->iovcnt,
								      0, io_done, &c) < 0) {
				fprintf(stderr, "submit: %s\n", nvmu_last_error());
				CHECK(0);
				c.done++;
			}
		}
		CHECK(reap(qp, &c.done, 8));
		CHECK_EQ(c.failed, 0);
		for (int i = 0; i < 8; i++)
			if (!slots[i].write && !matches(&slots[i], model, lbs)) {
				fprintf(stderr, "round %u slot %d: read of %zu bytes at LBA %llu differs\n",
					r, i, slots[i].len, (unsigned long long)slots[i].lba);
				CHECK(0);
				r = rounds;
				break;
			}
	}
	CHECK(memcmp(nvmu_soft_ns_data(nvmu_ctrl_transport(nvmu_host_core(h)), 1, NULL), model,
		     NS_BYTES) == 0);
	for (int i = 0; i < 8; i++)
		nvmu_host_dma_free(h, &slots[i].buf);
	CHECK_EQ(nvmu_host_qpair_delete(qp), 0);
	detach(h);
out_free:
	free(model);
}

TEST(random_io_prp_split_by_mdts)
{
	random_io("soft:size=8M,mdts=1", NULL, 60);
}

TEST(random_io_sgl_4k_blocks)
{
	struct nvmu_host_qpair_opts qo = { .sgl = true, .entries = 16 };

	random_io("soft:size=8M,lbs=4096,sgl=1,mdts=2", &qo, 60);
}

TEST(random_io_iovecs_without_shadow_doorbells)
{
	random_io("soft:size=8M,sgl=1,dbbuf=0,mdts=0", NULL, 60);
}

/* ---- queueing when the queue is full ---- */

struct order_log {
	unsigned n;
	unsigned seq[64];
};

struct order_item {
	struct order_log *log;
	unsigned id;
};

static void order_done(void *arg, const struct nvmu_cpl *cpl)
{
	struct order_item *it = arg;

	CHECK_EQ(cpl->err, 0);
	it->log->seq[it->log->n++] = it->id;
}

TEST(full_queue_waits_in_order)
{
	struct nvmu_host_ctrl *h = attach("soft:size=1M");
	struct nvmu_host_qpair_opts qo = { .entries = 2 }; /* one command at a time */
	struct nvmu_host_qpair *qp = NULL;
	struct order_log log = { 0 };
	struct order_item items[40];
	struct nvmu_dma_buf buf, rd;
	struct nvmu_ns *ns;

	if (!h)
		return;
	ns = nvmu_host_ns(h, 0);
	CHECK_EQ(nvmu_host_qpair_create(h, &qo, &qp), 0);
	CHECK_EQ(nvmu_host_dma_alloc(h, 40 * 512, &buf), 0);
	CHECK_EQ(nvmu_host_dma_alloc(h, 4096, &rd), 0);
	for (unsigned i = 0; i < 40 && qp; i++) {
		struct nvmu_dma_buf piece = nvmu_dma_slice(&buf, i * 512, 512);

		memset(piece.vaddr, (int)i + 1, 512);
		items[i] = (struct order_item){ &log, i };
		/* Every write goes to LBA 7: the last one submitted must be the one that stays. */
		CHECK_EQ(nvmu_ns_write(qp, ns, 7, &piece, 1, 0, order_done, &items[i]), 0);
	}
	CHECK(nvmu_host_qpair_waiting(qp) >= 38);
	CHECK(reap(qp, &log.n, 40));
	for (unsigned i = 0; i < log.n; i++)
		CHECK_EQ(log.seq[i], i);
	rd.len = 512;
	CHECK_EQ(nvmu_ns_read_sync(qp, ns, 7, &rd, 1, 0, TIMEOUT_MS, NULL), 0);
	CHECK_EQ(((uint8_t *)rd.vaddr)[0], 40);
	CHECK_EQ(nvmu_host_qpair_pending(qp), 0);
	rd.len = 4096;
	nvmu_host_dma_free(h, &rd);
	nvmu_host_dma_free(h, &buf);
	CHECK_EQ(nvmu_host_qpair_delete(qp), 0);
	detach(h);
}

/* ---- errors ---- */

TEST(precise_errors)
{
	struct nvmu_host_ctrl *h = attach("soft:size=1M");
	struct nvmu_host_qpair_opts qo = { .requests = 2, .entries = 2 };
	struct nvmu_host_qpair *qp = NULL;
	struct nvmu_dma_buf buf, part;
	struct io_ctx c = { 0 };
	uint8_t foreign[1024];
	struct nvmu_dma_buf fb = { foreign, 0, sizeof(foreign) };
	struct nvmu_ns *ns;

	if (!h)
		return;
	ns = nvmu_host_ns(h, 0);
	CHECK_EQ(nvmu_host_qpair_create(h, &qo, &qp), 0);
	CHECK_EQ(nvmu_host_dma_alloc(h, 8192, &buf), 0);
	part = nvmu_dma_slice(&buf, 0, 1000);
	CHECK_EQ(nvmu_ns_write(qp, ns, 0, &part, 1, 0, io_done, &c), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "not a multiple");
	part.len = 1024;
	CHECK_EQ(nvmu_ns_write(qp, ns, 2047, &part, 1, 0, io_done, &c), -ERANGE);
	CHECK_STR_CONTAINS(nvmu_last_error(), "beyond namespace 1");
	CHECK_EQ(nvmu_ns_write(qp, ns, 0, &part, 1, NVMU_IO_SGL, io_done, &c), -ENOTSUP);
	CHECK_EQ(nvmu_ns_write(qp, ns, 0, &fb, 1, 0, io_done, &c), -EFAULT);
	CHECK_STR_CONTAINS(nvmu_last_error(), "cannot translate");
	CHECK_EQ(nvmu_ns_verify(qp, ns, 0, 0, 0, io_done, &c), -EINVAL);
	/* Bounced: the foreign buffer goes through a DMA buffer both ways. */
	memset(foreign, 0x5a, sizeof(foreign));
	CHECK_EQ(nvmu_ns_write(qp, ns, 4, &fb, 1, NVMU_IO_BOUNCE, io_done, &c), 0);
	/* Two requests: the third is refused with -ENOBUFS, not a queue error. */
	CHECK_EQ(nvmu_ns_read(qp, ns, 4, &part, 1, 0, io_done, &c), 0);
	CHECK_EQ(nvmu_ns_read(qp, ns, 4, &part, 1, 0, io_done, &c), -ENOBUFS);
	CHECK_STR_CONTAINS(nvmu_last_error(), "requests");
	CHECK(reap(qp, &c.done, 2));
	CHECK_EQ(c.failed, 0);
	CHECK_EQ(((uint8_t *)buf.vaddr)[1023], 0x5a);
	memset(foreign, 0, sizeof(foreign));
	CHECK_EQ(nvmu_ns_read_sync(qp, ns, 4, &fb, 1, NVMU_IO_BOUNCE, TIMEOUT_MS, NULL), 0);
	CHECK_EQ(foreign[1000], 0x5a);
	nvmu_host_dma_free(h, &buf);
	CHECK_EQ(nvmu_host_qpair_delete(qp), 0);
	detach(h);
}

static int sync_cmd(struct nvmu_host_qpair *qp, int submitted, struct nvmu_host_waiter *w)
{
	CHECK_EQ(submitted, 0);
	return submitted < 0 ? submitted : nvmu_host_wait(qp, w, TIMEOUT_MS);
}

TEST(namespace_commands)
{
	struct nvmu_host_ctrl *h = attach("soft:size=4M");
	struct nvmu_host_qpair *qp = NULL;
	struct nvmu_host_waiter w = { 0 };
	struct nvmu_lba_range ranges[3] = { { 0, 8 }, { 100, 8 }, { 200, 1 } };
	struct nvmu_dma_buf buf, one;
	uint8_t *p, *data;
	struct nvmu_ns *ns;

	if (!h)
		return;
	ns = nvmu_host_ns(h, 0);
	data = nvmu_soft_ns_data(nvmu_ctrl_transport(nvmu_host_core(h)), 1, NULL);
	CHECK_EQ(nvmu_host_qpair_create(h, NULL, &qp), 0);
	CHECK_EQ(nvmu_host_dma_alloc(h, 4096, &buf), 0);
	p = buf.vaddr;
	one = nvmu_dma_slice(&buf, 0, 4096);
	memset(p, 0xab, 4096);
	CHECK_EQ(nvmu_ns_write_sync(qp, ns, 0, &one, 1, NVMU_IO_FUA, TIMEOUT_MS, NULL), 0);
	CHECK_EQ(sync_cmd(qp, nvmu_ns_compare(qp, ns, 0, &one, 1, 0, nvmu_host_sync_cb, &w), &w), 0);
	p[100] ^= 1;
	w = (struct nvmu_host_waiter){ 0 };
	CHECK_EQ(sync_cmd(qp, nvmu_ns_compare(qp, ns, 0, &one, 1, 0, nvmu_host_sync_cb, &w), &w),
		 -EREMOTEIO);
	CHECK_EQ(nvmu_status_sct(w.cpl.status), NVME_SCT_MEDIA);
	CHECK_EQ(nvmu_status_sc(w.cpl.status), NVME_SC_COMPARE_FAILED);
	CHECK_STR_CONTAINS(nvmu_last_error(), "COMPARE");
	w = (struct nvmu_host_waiter){ 0 };
	CHECK_EQ(sync_cmd(qp, nvmu_ns_verify(qp, ns, 0, 8000, 0, nvmu_host_sync_cb, &w), &w), 0);
	w = (struct nvmu_host_waiter){ 0 };
	CHECK_EQ(sync_cmd(qp, nvmu_ns_copy(qp, ns, 300, ranges, 2, nvmu_host_sync_cb, &w), &w), 0);
	CHECK(memcmp(data + 300 * 512, data, 4096) == 0);
	w = (struct nvmu_host_waiter){ 0 };
	CHECK_EQ(sync_cmd(qp, nvmu_ns_write_zeroes(qp, ns, 2, 3, 0, nvmu_host_sync_cb, &w), &w), 0);
	CHECK_EQ(data[2 * 512], 0);
	CHECK_EQ(data[5 * 512 - 1], 0);
	CHECK_EQ(data[5 * 512], 0xab);
	w = (struct nvmu_host_waiter){ 0 };
	CHECK_EQ(sync_cmd(qp, nvmu_ns_deallocate(qp, ns, ranges, 3, nvmu_host_sync_cb, &w), &w), 0);
	CHECK_EQ(nvmu_ns_flush_sync(qp, ns, TIMEOUT_MS, NULL), 0);
	CHECK_EQ(nvmu_ns_deallocate(qp, ns, ranges, 0, io_done, NULL), -EINVAL);
	nvmu_host_dma_free(h, &buf);
	CHECK_EQ(nvmu_host_qpair_delete(qp), 0);
	detach(h);
}

TEST(split_request_completes_once_with_the_first_error)
{
	struct nvmu_host_ctrl *h = attach("soft:size=4M,mdts=1"); /* 8 KiB per command */
	struct nvmu_soft_fault rule = {
		.match = NVMU_SOFT_MATCH_LBA, .lba_first = 40, .lba_last = 40,
		.action = NVMU_SOFT_FAULT_STATUS, .status = NVME_SC_WRITE_FAULT | NVME_SCT_MEDIA << 8,
	};
	struct nvmu_host_qpair *qp = NULL;
	struct nvmu_dma_buf buf;
	struct io_ctx c = { 0 };
	struct nvmu_cpl cpl;

	if (!h)
		return;
	CHECK_EQ(nvmu_host_qpair_create(h, NULL, &qp), 0);
	CHECK_EQ(nvmu_host_dma_alloc(h, 64 << 10, &buf), 0);
	CHECK(nvmu_soft_fault_add(nvmu_ctrl_transport(nvmu_host_core(h)), &rule) >= 0);
	/* 128 blocks = 8 children of 16; the third (LBAs 32-47) fails. */
	CHECK_EQ(nvmu_ns_write_sync(qp, nvmu_host_ns(h, 0), 0, &buf, 1, 0, TIMEOUT_MS, &cpl),
		 -EREMOTEIO);
	CHECK_EQ(nvmu_status_sc(cpl.status), NVME_SC_WRITE_FAULT);
	CHECK_EQ(nvmu_host_qpair_pending(qp), 0);
	CHECK_EQ(nvmu_qpair_outstanding(nvmu_host_qpair_core(qp)), 0);
	(void)c;
	nvmu_host_dma_free(h, &buf);
	CHECK_EQ(nvmu_host_qpair_delete(qp), 0);
	nvmu_soft_violations_clear(nvmu_ctrl_transport(nvmu_host_core(h)));
	detach(h);
}

/* ---- asynchronous events ---- */

struct ev_log {
	unsigned n;
	struct nvmu_host_event last;
};

static void on_event(void *arg, const struct nvmu_host_event *ev)
{
	struct ev_log *log = arg;

	log->n++;
	log->last = *ev;
}

static bool wait_events(struct nvmu_host_ctrl *h, struct ev_log *log, unsigned want)
{
	uint64_t deadline = nvmu_deadline_ms(TIMEOUT_MS);

	while (log->n < want && !nvmu_deadline_passed(deadline)) {
		nvmu_host_admin_poll(h);
		nvmu_sleep_us(1000);
	}
	return log->n >= want;
}

TEST(asynchronous_events_are_delivered_and_rearmed)
{
	struct ev_log log = { 0 };
	struct nvmu_host_opts o = { .event_cb = on_event, .event_arg = &log };
	struct nvmu_host_ctrl *h = NULL;
	struct nvmu_transport *t;

	CHECK_EQ(nvmu_host_attach("soft:size=1M", &o, &h), 0);
	if (!h)
		return;
	t = nvmu_ctrl_transport(nvmu_host_core(h));
	for (unsigned i = 1; i <= 6; i++) { /* more events than requests armed at once */
		CHECK_EQ(nvmu_soft_raise_event(t, NVME_AER_SMART, 0x01, NVME_LOG_LID_SMART), 0);
		CHECK(wait_events(h, &log, i));
	}
	CHECK_EQ(log.last.type, NVME_AER_SMART);
	CHECK_EQ(log.last.info, 0x01);
	CHECK_EQ(log.last.log_page, NVME_LOG_LID_SMART);
	CHECK_EQ(nvmu_host_events_seen(h), 6);
	detach(h);
}

RUN_TESTS(T(attach_lists_namespaces), T(random_io_prp_split_by_mdts), T(random_io_sgl_4k_blocks),
	  T(random_io_iovecs_without_shadow_doorbells), T(full_queue_waits_in_order),
	  T(precise_errors), T(namespace_commands),
	  T(split_request_completes_once_with_the_first_error),
	  T(asynchronous_events_are_delivered_and_rearmed))
