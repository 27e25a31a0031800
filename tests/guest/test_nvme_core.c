/* SPDX-License-Identifier: MIT */
/*
 * Guest test of the NVMe core over the PCIe/VFIO transport, against QEMU's emulated
 * controller (needs the guest rig): bring-up, identify, namespaces, admin errors and
 * deadlines, polled and MSI-X I/O queue pairs, write + read-back of several buffer
 * shapes, ring wrap on a 2-entry queue, queue deletion, normal shutdown.
 *
 * usage: test_nvme_core --dev ADDR --serial S [--max-transfer BYTES]
 *   --dev           an NVMe controller bound to vfio-pci; namespace 1 of 64 MiB, 512 B LBAs
 *   --max-transfer  ask the core for this many bytes per command (with mdts=0 a value
 *                   above 2 MiB exercises chained PRP list pages)
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>

#include "check.h"
#include "nvmu/nvme.h"
#include "nvmu/nvme_pcie.h"

#define QEMU_NVME_VENDOR 0x1b36
#define NS_BYTES (64ull << 20)
#define LBA 512u
#define IO_DEADLINE_MS 20000
#define AER_WAIT_MS 500

static const char *dev_addr, *serial;
static size_t want_max_transfer;
static struct nvmu_transport *t;
static struct nvmu_ctrl *ctrl;
static struct nvmu_qpair *polled, *irq_pair;
static struct nvmu_dma_buf wbuf, rbuf;
static size_t max_xfer;

struct io_wait {
	unsigned done;
	unsigned errors;
	uint16_t last_status;
};

static void io_done(void *arg, const struct nvmu_cpl *cqe)
{
	struct io_wait *w = arg;

	w->done++;
	w->last_status = cqe->status;
	if (w->last_status) {
		char text[NVMU_STATUS_TEXT_MAX];

		w->errors++;
		printf("# I/O completion status %s\n", nvmu_status_text(w->last_status, text,
									  sizeof(text)));
	}
}

static void rw_cmd(struct nvmu_sqe *c, uint8_t opcode, uint64_t slba, uint32_t nlb)
{
	*c = (struct nvmu_sqe){
		.opcode = opcode,
		.nsid = 1,
		.cdw10 = (uint32_t)slba,
		.cdw11 = (uint32_t)(slba >> 32),
		.cdw12 = nlb - 1,
	};
}

/* Poll @qp until @w has @n completions or the deadline passes. Returns true if done. */
static bool wait_done(struct nvmu_qpair *qp, struct io_wait *w, unsigned n)
{
	uint64_t deadline = nvmu_deadline_ms(IO_DEADLINE_MS);

	while (w->done < n && !nvmu_deadline_passed(deadline))
		if (!nvmu_qpair_poll(qp, 0))
			nvmu_sleep_us(20);
	return w->done >= n;
}

static void fill_pattern(uint8_t *p, size_t len, uint32_t seed)
{
	for (size_t i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

/* Write @len bytes from wbuf+@woff at @slba, read them back into rbuf+@roff, compare. */
static void write_read_back(struct nvmu_qpair *qp, uint64_t slba, size_t woff, size_t roff,
			    size_t len, uint32_t seed)
{
	struct io_wait w = { 0 };
	struct nvmu_sqe c;

	fill_pattern((uint8_t *)wbuf.vaddr + woff, len, seed);
	memset((uint8_t *)rbuf.vaddr + roff, 0, len);
	rw_cmd(&c, nvme_cmd_write, slba, (uint32_t)(len / LBA));
	CHECK_EQ(nvmu_qpair_submit(qp, &c, wbuf.iova + woff, len, io_done, &w), 0);
	nvmu_qpair_ring(qp);
	CHECK(wait_done(qp, &w, 1));
	rw_cmd(&c, nvme_cmd_read, slba, (uint32_t)(len / LBA));
	CHECK_EQ(nvmu_qpair_submit(qp, &c, rbuf.iova + roff, len, io_done, &w), 0);
	nvmu_qpair_ring(qp);
	CHECK(wait_done(qp, &w, 2));
	CHECK_EQ(w.errors, 0);
	if (memcmp((uint8_t *)wbuf.vaddr + woff, (uint8_t *)rbuf.vaddr + roff, len) != 0) {
		printf("# data mismatch: %zu bytes at LBA %llu (write offset %zu, read offset %zu)\n",
		       len, (unsigned long long)slba, woff, roff);
		CHECK(!"read back what was written");
	}
}

TEST(bring_up)
{
	struct nvmu_ctrl_opts opts = { .max_transfer = want_max_transfer };
	uint32_t csts;

	CHECK_EQ(nvmu_pcie_open(dev_addr, NULL, &t), 0);
	if (!t) {
		printf("# %s\n", nvmu_last_error());
		return;
	}
	CHECK_EQ(nvmu_ctrl_open(t, &opts, &ctrl), 0);
	if (!ctrl) {
		printf("# %s\n", nvmu_last_error());
		return;
	}
	csts = nvmu_ctrl_csts(ctrl);
	CHECK_EQ(NVME_CSTS_RDY(csts), 1);
	CHECK_EQ(NVME_CSTS_CFS(csts), 0);
	CHECK_EQ(nvmu_ctrl_page_size(ctrl), 4096);
	CHECK_EQ(nvmu_ctrl_max_queue_entries(ctrl), 2048); /* QEMU: MQES 0x7ff */
	CHECK(nvmu_ctrl_io_queues(ctrl) >= 2);
	max_xfer = nvmu_ctrl_max_transfer(ctrl);
	printf("# %u I/O queue pairs granted, max transfer %zu bytes\n", nvmu_ctrl_io_queues(ctrl),
	       max_xfer);
}

TEST(identify_controller)
{
	const struct nvme_id_ctrl *id;

	if (!ctrl)
		return;
	id = nvmu_ctrl_id(ctrl);
	CHECK_EQ(id->vid, QEMU_NVME_VENDOR);
	CHECK(strncmp(id->sn, serial, strlen(serial)) == 0);
	CHECK_EQ(id->nn, 256);
	CHECK_EQ(id->sqes, 0x66);
	CHECK_EQ(id->cqes, 0x44);
	if (id->mdts)
		CHECK_EQ(max_xfer <= (4096ull << id->mdts), 1);
}

TEST(namespaces)
{
	uint32_t nsids[16];
	size_t n = 0;
	struct nvmu_ns_info info = { 0 };
	struct nvme_id_ns id;
	char expect[64];

	if (!ctrl)
		return;
	CHECK_EQ(nvmu_admin_active_ns(ctrl, 0, nsids, 16, &n), 0);
	CHECK_EQ(n, 1);
	CHECK_EQ(nsids[0], 1);
	CHECK_EQ(nvmu_admin_identify_ns(ctrl, 1, &id, &info), 0);
	CHECK_EQ(info.nsid, 1);
	CHECK_EQ(info.lba_size, LBA);
	CHECK_EQ(info.ms, 0);
	CHECK_EQ(info.nsze * info.lba_size, NS_BYTES);
	CHECK_EQ(info.ncap, info.nsze);
	CHECK_EQ(id.nlbaf + 1, 8); /* QEMU: 512 B and 4 KiB x metadata 0/8/16/64 */
	/* An NSID the controller does not have: the full status reaches the caller. */
	CHECK_EQ(nvmu_admin_identify_ns(ctrl, 0xfffffff0, NULL, &info), -EREMOTEIO);
	CHECK_STR_CONTAINS(nvmu_last_error(), "INVALID_NS (sct 0 sc 0xb) dnr");
	snprintf(expect, sizeof(expect), "%s: admin command opcode 0x06 failed", dev_addr);
	CHECK_STR_CONTAINS(nvmu_last_error(), expect);
	/* An allocated-but-inactive NSID within NN reads as all zeroes. */
	CHECK_EQ(nvmu_admin_identify_ns(ctrl, 2, NULL, &info), -ENOENT);
}

TEST(admin_error_keeps_full_status)
{
	struct nvmu_sqe cmd = { .opcode = nvme_admin_get_features, .cdw10 = 0 /* no FID 0 */ };
	struct nvmu_cpl cpl = { 0 };
	uint16_t status;

	if (!ctrl)
		return;
	CHECK_EQ(nvmu_admin_cmd(ctrl, &cmd, 0, 0, 0, &cpl), -EREMOTEIO);
	status = cpl.status;
	CHECK_EQ(nvmu_status_sct(status), NVME_SCT_GENERIC);
	CHECK_EQ(nvmu_status_sc(status), NVME_SC_INVALID_FIELD);
	CHECK(nvmu_status_dnr(status));
	CHECK_STR_CONTAINS(nvmu_last_error(), "INVALID_FIELD (sct 0 sc 0x2) dnr");
}

TEST(admin_deadline_is_kept)
{
	/* An Asynchronous Event Request completes only when an event happens: the wait must
	 * end at its deadline, not spin forever. */
	struct nvmu_sqe cmd = { .opcode = nvme_admin_async_event };
	uint64_t start = nvmu_now_ns();

	if (!ctrl)
		return;
	CHECK_EQ(nvmu_admin_cmd(ctrl, &cmd, 0, 0, AER_WAIT_MS, NULL), -ETIMEDOUT);
	CHECK_STR_CONTAINS(nvmu_last_error(), "got no completion within 500 ms");
	CHECK(nvmu_now_ns() - start >= AER_WAIT_MS * 1000000ull);
	/* The admin queue still works afterwards. */
	struct nvmu_ns_info info;
	CHECK_EQ(nvmu_admin_identify_ns(ctrl, 1, NULL, &info), 0);
}

TEST(polled_pair_buffer_shapes)
{
	struct nvmu_qpair_opts opts = { .entries = 64 };
	struct nvmu_qpair_stats st;

	if (!ctrl)
		return;
	CHECK_EQ(nvmu_qpair_create(ctrl, &opts, &polled), 0);
	if (!polled) {
		printf("# %s\n", nvmu_last_error());
		return;
	}
	CHECK_EQ(nvmu_qpair_vector(polled), -1);
	CHECK_EQ(nvmu_qpair_eventfd(polled), -1);
	CHECK_EQ(nvmu_ctrl_dma_alloc(ctrl, max_xfer + 8192, &wbuf), 0);
	CHECK_EQ(nvmu_ctrl_dma_alloc(ctrl, max_xfer + 8192, &rbuf), 0);
	if (!wbuf.vaddr || !rbuf.vaddr)
		return;
	write_read_back(polled, 0, 0, 0, LBA, 1);                /* one LBA, PRP1 only */
	write_read_back(polled, 8, 512, 1024, 4096, 2);         /* crosses a page: PRP2 */
	write_read_back(polled, 32, 1024, 3584, 8192, 3);       /* three pages: PRP list */
	write_read_back(polled, 100, 0, 0, 64 * 1024, 4);       /* aligned list */
	write_read_back(polled, 300, 3584, 512, 64 * 1024, 5);  /* unaligned both sides */
	write_read_back(polled, 4096, 0, 0, max_xfer, 6);        /* the largest transfer */
	write_read_back(polled, 8192, 2048, 1536, max_xfer - 4096, 7);
	/* One too many bytes is refused before reaching the device. */
	struct nvmu_sqe c;
	rw_cmd(&c, nvme_cmd_read, 0, (uint32_t)(max_xfer / LBA) + 1);
	CHECK_EQ(nvmu_qpair_submit(polled, &c, rbuf.iova, max_xfer + LBA, io_done, NULL), -E2BIG);
	nvmu_qpair_stats(polled, &st);
	CHECK_EQ(st.bad_cids, 0);
	CHECK_EQ(st.bad_sqhd, 0);
	CHECK_EQ(st.completed, 14);
}

TEST(batch_of_commands_one_doorbell)
{
	struct io_wait w = { 0 };
	struct nvmu_sqe c;
	const unsigned n = 48;

	if (!polled || !wbuf.vaddr)
		return;
	fill_pattern(wbuf.vaddr, n * LBA, 11);
	for (unsigned i = 0; i < n; i++) {
		rw_cmd(&c, nvme_cmd_write, 20000 + i, 1);
		CHECK_EQ(nvmu_qpair_submit(polled, &c, wbuf.iova + i * LBA, LBA, io_done, &w), 0);
	}
	nvmu_qpair_ring(polled);
	CHECK(wait_done(polled, &w, n));
	memset(rbuf.vaddr, 0, n * LBA);
	for (unsigned i = 0; i < n; i++) {
		rw_cmd(&c, nvme_cmd_read, 20000 + i, 1);
		CHECK_EQ(nvmu_qpair_submit(polled, &c, rbuf.iova + i * LBA, LBA, io_done, &w), 0);
	}
	nvmu_qpair_ring(polled);
	CHECK(wait_done(polled, &w, 2 * n));
	CHECK_EQ(w.errors, 0);
	CHECK(memcmp(wbuf.vaddr, rbuf.vaddr, n * LBA) == 0);
	CHECK_EQ(nvmu_qpair_outstanding(polled), 0);
}

TEST(io_error_status_reaches_callback)
{
	struct io_wait w = { 0 };
	struct nvmu_sqe c;
	char text[NVMU_STATUS_TEXT_MAX];

	if (!polled || !rbuf.vaddr)
		return;
	rw_cmd(&c, nvme_cmd_read, NS_BYTES / LBA, 1); /* one past the end */
	CHECK_EQ(nvmu_qpair_submit(polled, &c, rbuf.iova, LBA, io_done, &w), 0);
	nvmu_qpair_ring(polled);
	CHECK(wait_done(polled, &w, 1));
	CHECK_EQ(nvmu_status_sc(w.last_status), NVME_SC_LBA_RANGE);
	CHECK_STR_CONTAINS(nvmu_status_text(w.last_status, text, sizeof(text)),
			   "LBA_RANGE (sct 0 sc 0x80)");
}

TEST(two_entry_queue_wraps)
{
	struct nvmu_qpair_opts opts = { .entries = 2 };
	struct nvmu_qpair *tiny = NULL;

	if (!ctrl || !wbuf.vaddr)
		return;
	CHECK_EQ(nvmu_qpair_create(ctrl, &opts, &tiny), 0);
	if (!tiny)
		return;
	CHECK_EQ(nvmu_qpair_entries(tiny), 2);
	/* Each command wraps the one-slot ring and flips the CQ phase every two. */
	for (uint32_t i = 0; i < 5; i++)
		write_read_back(tiny, 30000 + i * 8, 0, 512, 4096, 100 + i);
	struct nvmu_sqe c;
	rw_cmd(&c, nvme_cmd_read, 0, 1);
	CHECK_EQ(nvmu_qpair_submit(tiny, &c, rbuf.iova, LBA, NULL, NULL), 0);
	CHECK_EQ(nvmu_qpair_submit(tiny, &c, rbuf.iova, LBA, NULL, NULL), -EAGAIN);
	nvmu_qpair_ring(tiny);
	CHECK_EQ(nvmu_qpair_delete(tiny), 0); /* with one command outstanding */
}

TEST(queue_size_limits)
{
	struct nvmu_qpair_opts opts = { .entries = 2049 };
	struct nvmu_qpair *qp = NULL;

	if (!ctrl)
		return;
	CHECK_EQ(nvmu_qpair_create(ctrl, &opts, &qp), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "outside 2..2048 (CAP.MQES+1)");
	opts.entries = 2048;
	CHECK_EQ(nvmu_qpair_create(ctrl, &opts, &qp), 0);
	if (qp && wbuf.vaddr)
		write_read_back(qp, 40000, 0, 0, 4096, 200);
	CHECK_EQ(nvmu_qpair_delete(qp), 0);
}

TEST(msix_pair_signals_eventfd)
{
	struct nvmu_qpair_opts opts = { .entries = 32, .interrupts = true };
	struct io_wait w = { 0 };
	struct nvmu_sqe c;
	int64_t events = 0;
	uint64_t deadline;

	if (!ctrl || !rbuf.vaddr)
		return;
	CHECK_EQ(nvmu_qpair_create(ctrl, &opts, &irq_pair), 0);
	if (!irq_pair) {
		printf("# %s\n", nvmu_last_error());
		return;
	}
	CHECK_EQ(nvmu_qpair_vector(irq_pair), nvmu_qpair_id(irq_pair));
	CHECK(nvmu_qpair_eventfd(irq_pair) >= 0);
	for (int round = 0; round < 3; round++) {
		rw_cmd(&c, nvme_cmd_read, 8 * (uint64_t)round, 8);
		CHECK_EQ(nvmu_qpair_submit(irq_pair, &c, rbuf.iova, 4096, io_done, &w), 0);
		nvmu_qpair_ring(irq_pair);
		/* Sleep on the eventfd, then reap. */
		deadline = nvmu_deadline_ms(IO_DEADLINE_MS);
		while (w.done <= (unsigned)round && !nvmu_deadline_passed(deadline)) {
			events = nvmu_vfio_eventfd_wait(nvmu_qpair_eventfd(irq_pair), 1000);
			if (events > 0)
				nvmu_qpair_poll(irq_pair, 0);
		}
		CHECK_EQ(w.done, (unsigned)round + 1);
	}
	CHECK_EQ(w.errors, 0);
	/* The eventfd fired for this queue's vector (no stray polls completed the reads). */
	CHECK(events > 0);
	/* The interrupt path moved the same data as the polled one. */
	write_read_back(irq_pair, 50000, 0, 0, 8192, 300);
}

TEST(delete_pairs)
{
	if (!ctrl)
		return;
	CHECK_EQ(nvmu_qpair_delete(irq_pair), 0);
	CHECK_EQ(nvmu_qpair_delete(polled), 0);
	irq_pair = polled = NULL;
}

TEST(normal_shutdown_and_reopen)
{
	uint32_t csts;

	if (!ctrl)
		return;
	nvmu_ctrl_dma_free(ctrl, &wbuf);
	nvmu_ctrl_dma_free(ctrl, &rbuf);
	CHECK_EQ(nvmu_ctrl_close(ctrl), 0);
	ctrl = NULL;
	csts = t->ops->read32(t, NVME_REG_CSTS);
	CHECK_EQ(NVME_CSTS_SHST(csts), NVME_CSTS_SHST_CMPLT);
	CHECK_EQ(NVME_CSTS_CFS(csts), 0);
	/* A shut-down controller comes back on the next bring-up. */
	CHECK_EQ(nvmu_ctrl_open(t, NULL, &ctrl), 0);
	if (ctrl) {
		CHECK_EQ(NVME_CSTS_SHST(nvmu_ctrl_csts(ctrl)), NVME_CSTS_SHST_NORMAL);
		CHECK_EQ(nvmu_ctrl_id(ctrl)->vid, QEMU_NVME_VENDOR);
		CHECK_EQ(nvmu_ctrl_close(ctrl), 0);
	}
	struct nvmu_dma_pool_stats st;
	nvmu_dma_pool_stats(nvmu_pcie_dma_pool(t), &st);
	CHECK_EQ(st.used_bytes, 0); /* every queue, tracker page and buffer returned */
	nvmu_pcie_close(t);
	t = NULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "serial", required_argument, NULL, 's' },
		{ "max-transfer", required_argument, NULL, 'm' },
		{ 0 },
	};
	static const struct check_test tests[] = {
		T(bring_up), T(identify_controller), T(namespaces), T(admin_error_keeps_full_status),
		T(admin_deadline_is_kept), T(polled_pair_buffer_shapes),
		T(batch_of_commands_one_doorbell), T(io_error_status_reaches_callback),
		T(two_entry_queue_wraps), T(queue_size_limits), T(msix_pair_signals_eventfd),
		T(delete_pairs), T(normal_shutdown_and_reopen),
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dev_addr = optarg; break;
		case 's': serial = optarg; break;
		case 'm': want_max_transfer = strtoull(optarg, NULL, 0); break;
		default: return 2;
		}
	}
	if (!dev_addr || !serial) {
		fprintf(stderr, "usage: test_nvme_core --dev ADDR --serial S [--max-transfer BYTES]\n");
		return 2;
	}
	return check_run(tests, sizeof(tests) / sizeof(tests[0]));
}
