/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: random device behaviour fed to the NVMe core through the software
 * controller. The input chooses the controller's options, a CAP value, identify data,
 * and a fault schedule (statuses, wrong/stale/duplicate CIDs, wrong phase tags, bad SQ
 * heads, held and late completions, CFS, surprise removal); the core then brings the
 * controller up, runs a few I/Os and closes it. Any crash, sanitizer report, command
 * completed twice or DMA memory left mapped is a finding.
 *
 * Built by tests/fuzz/meson.build whenever the compiler takes -fsanitize=fuzzer (clang).
 * Run: fuzz_soft_device -max_total_time=60 CORPUS_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nvmu/nvme_soft.h"

#define MAX_RULES 4
#define MAX_IOS 6
#define IO_WAIT_MS 20
#define ADMIN_TIMEOUT_MS 30

/* The input, consumed from the front; zeroes once it runs out. */
struct input {
	const uint8_t *p;
	size_t left;
};

static uint8_t u8(struct input *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static uint16_t u16(struct input *in)
{
	return (uint16_t)(u8(in) | u8(in) << 8);
}

static uint64_t u64(struct input *in)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)u8(in) << (8 * i);
	return v;
}

static void quiet(void *ctx, enum nvmu_log_level level, const char *msg)
{
	(void)ctx;
	(void)level;
	(void)msg;
}

static void spec_from(struct input *in, char *spec, size_t len, unsigned *dstrd)
{
	uint8_t flags = u8(in);

	*dstrd = flags >> 6 & 1;
	snprintf(spec, len, "size=1M,lbs=%u,mqes=%u,queues=%u,sgl=%u,dbbuf=%u,dstrd=%u,"
		 "ready_delay=%u,mdts=%u", flags & 1 ? 4096 : 512, 1 + u8(in) % 64,
		 1 + (flags >> 1 & 3), flags >> 3 & 1, flags >> 4 & 1, *dstrd, u8(in) % 3, u8(in) % 8);
}

/* A CAP that keeps the doorbell stride the controller was opened with (or smaller). */
static void cap_from(struct input *in, struct nvmu_transport *t, unsigned dstrd)
{
	uint64_t cap = u64(in);

	cap &= ~((uint64_t)NVME_CAP_DSTRD_MASK << NVME_CAP_DSTRD_SHIFT);
	cap |= (uint64_t)(dstrd & (unsigned)(cap >> 60)) << NVME_CAP_DSTRD_SHIFT;
	nvmu_soft_set_cap(t, cap);
}

static void identify_from(struct input *in, struct nvmu_transport *t, uint8_t cns)
{
	uint8_t data[NVME_IDENTIFY_DATA_SIZE];

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = in->left ? u8(in) : (uint8_t)i;
	nvmu_soft_identify_override(t, cns, data);
}

static void rules_from(struct input *in, struct nvmu_transport *t)
{
	unsigned n = u8(in) % (MAX_RULES + 1);

	for (unsigned i = 0; i < n; i++) {
		struct nvmu_soft_fault f = {
			.match = u8(in) & 0xf,
			.opcode = u8(in),
			.qid = u8(in) % 3,
			.lba_first = u8(in),
			.lba_last = u8(in),
			.nth = u8(in) % 4,
			.times = u8(in) % 3,
			.action = (enum nvmu_soft_fault_action)(u8(in) % NVMU_SOFT_FAULT_ACTION_COUNT),
			.status = u16(in) & 0x7fff,
			.cid = u16(in),
			.delay_ms = u8(in) % 4,
			.delay_steps = u8(in) % 4,
		};

		nvmu_soft_fault_add(t, &f);
	}
}

struct done {
	unsigned calls;
};

static void on_done(void *arg, const struct nvmu_cpl *cqe)
{
	struct done *d = arg;

	(void)cqe;
	if (++d->calls > 1)
		abort(); /* a command completed twice */
}

/* A few reads and writes with random LBAs, sizes and buffer offsets. */
static void run_io(struct input *in, struct nvmu_ctrl *ctrl)
{
	struct nvmu_qpair *qp = NULL;
	struct nvmu_dma_buf buf = { 0 };
	struct done d[MAX_IOS];
	struct nvmu_qpair_opts qo = { .entries = 2 + u8(in) % 8 };
	unsigned n = u8(in) % (MAX_IOS + 1);

	memset(d, 0, sizeof(d));
	if (nvmu_qpair_create(ctrl, &qo, &qp) < 0)
		return;
	if (nvmu_ctrl_dma_alloc(ctrl, 16384, &buf) == 0) {
		for (unsigned i = 0; i < n; i++) {
			uint32_t nlb = 1 + u8(in) % 8;
			struct nvmu_sqe cmd = {
				.opcode = u8(in) & 1 ? nvme_cmd_write : nvme_cmd_read,
				.nsid = 1 + (u8(in) & 1),
				.cdw10 = u16(in),
				.cdw12 = nlb - 1,
			};
			size_t off = (size_t)(u8(in) % 64) * 4;

			if (nvmu_qpair_submit(qp, &cmd, buf.iova + off, nlb * 512, on_done, &d[i]) < 0)
				break;
		}
		nvmu_qpair_ring(qp);
		for (uint64_t deadline = nvmu_deadline_ms(IO_WAIT_MS); !nvmu_deadline_passed(deadline);)
			if (nvmu_qpair_poll(qp, 0) == 0 && nvmu_qpair_outstanding(qp) == 0)
				break;
		nvmu_ctrl_dma_free(ctrl, &buf);
	}
	nvmu_qpair_delete(qp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { .p = data, .left = size };
	struct nvmu_ctrl_opts opts = { .admin_timeout_ms = ADMIN_TIMEOUT_MS, .io_queues = 2 };
	struct nvmu_transport *t = NULL;
	struct nvmu_ctrl *ctrl = NULL;
	struct nvmu_soft_stats st;
	uint8_t what;
	unsigned dstrd;
	char spec[160];

	nvmu_log_set_sink(quiet, NULL);
	spec_from(&in, spec, sizeof(spec), &dstrd);
	if (nvmu_soft_open(spec, &t) < 0)
		return 0;
	what = u8(&in);
	if (what & 1)
		cap_from(&in, t, dstrd);
	if (what & 2)
		identify_from(&in, t, NVME_IDENTIFY_CNS_CTRL);
	if (what & 4)
		identify_from(&in, t, NVME_IDENTIFY_CNS_NS);
	rules_from(&in, t);
	opts.admin_entries = (uint16_t)(2 + u8(&in) % 30);
	if (nvmu_ctrl_open(t, &opts, &ctrl) == 0) {
		struct nvmu_ns_info info;

		nvmu_admin_identify_ns(ctrl, 1, NULL, &info);
		run_io(&in, ctrl);
		nvmu_ctrl_close(ctrl);
	}
	nvmu_soft_stats(t, &st);
	if (st.dma_mappings != 0)
		abort(); /* the core left DMA memory behind */
	nvmu_soft_close(t);
	return 0;
}
