/* SPDX-License-Identifier: MIT */
/* nvmu io-passthru: any I/O command on a queue pair of its own; shows the full completion. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "device.h"
#include "passthru_cmd.h"
#include "verbs.h"

#define IO_TIMEOUT_DEFAULT_MS 30000

struct io_done {
	bool done;
	struct nvmu_cpl cqe;
};

static void io_done_cb(void *arg, const struct nvmu_cpl *cqe)
{
	struct io_done *d = arg;

	d->cqe = *cqe;
	d->done = true;
}

/*
 * Send @p cmd on a new I/O queue pair with @p len bytes of @p data (sent or received as
 * @p to_device says) and wait up to @p timeout_ms for its completion into *cqe. Raw: no
 * field is checked or changed but the CID and the data pointer. Returns 0, -EREMOTEIO
 * (error status), or another negative errno with a message.
 */
static int io_cmd(struct tool_dev *d, struct nvmu_sqe *cmd, uint8_t *data, size_t len,
		  bool to_device, uint32_t timeout_ms, struct nvmu_cpl *cqe)
{
	struct nvmu_dma_buf buf = { 0 };
	struct io_done done = { 0 };
	struct nvmu_qpair *qp;
	uint64_t deadline;
	int ret;

	if (len && nvmu_host_dma_alloc(d->host, len, &buf) < 0)
		return -ENOMEM;
	if (len && to_device)
		memcpy(buf.vaddr, data, len);
	if ((ret = nvmu_qpair_create(d->ctrl, NULL, &qp)) < 0)
		return ret;
	ret = nvmu_qpair_submit(qp, cmd, buf.iova, len, io_done_cb, &done);
	if (ret == 0)
		nvmu_qpair_ring(qp);
	deadline = nvmu_deadline_ms(timeout_ms ? timeout_ms : IO_TIMEOUT_DEFAULT_MS);
	while (ret == 0 && !done.done)
		if (nvmu_qpair_poll(qp, 0) == 0 && nvmu_deadline_passed(deadline))
			ret = nvmu_fail(ETIMEDOUT, "%s: no completion within %u ms", d->name,
					timeout_ms ? timeout_ms : IO_TIMEOUT_DEFAULT_MS);
	/* Deleting the queues first: a late completion can no longer reach the buffer. */
	nvmu_qpair_delete(qp);
	if (ret < 0)
		return ret;
	*cqe = done.cqe;
	if (len && !to_device)
		memcpy(data, buf.vaddr, len);
	nvmu_host_dma_free(d->host, &buf);
	if (cqe->status) {
		char text[NVMU_STATUS_TEXT_MAX];

		return nvmu_fail(EREMOTEIO, "%s: command failed: %s", d->name,
				 nvmu_status_text(cqe->status, text, sizeof(text)));
	}
	return 0;
}

static int send_io(struct tool_dev *d, const struct passthru_args *a, uint8_t *data,
		   struct nvmu_cpl *cpl)
{
	struct nvmu_sqe cmd = a->cmd;

	return io_cmd(d, &cmd, data, a->data_len, a->write, a->timeout_ms, cpl);
}

static int run_io_passthru(int argc, char **argv)
{
	return passthru_run(argc, argv, "I/O", send_io);
}

const struct nvmu_verb nvmu_verb_io_passthru = {
	.name = "io-passthru",
	.summary = "send any I/O command and show its full completion",
	.usage = "Usage: nvmu io-passthru <dev> --opcode=N [--namespace-id=N] [--cdw2=N]\n"
		 "         [--cdw3=N] [--cdw10=N ... --cdw15=N] [--data-len=N [--read | --write\n"
		 "         --input-file=FILE]] [--flags=N] [--timeout=MS] [--raw-binary]\n"
		 "         [--show-command] [--dry-run] [--prefill=BYTE] [--latency]\n"
		 "\n"
		 "Build an I/O command from the options, send it on an I/O queue pair of its own\n"
		 "and print the whole completion: the status in words, DW0, DW1, SQ head, SQ ID,\n"
		 "CID and the status word. Nothing is checked: any opcode, namespace, LBA range\n"
		 "or malformed field is sent as given, and the controller's answer is shown\n"
		 "either way (exit status 1 when it reports an error). Data received is shown as\n"
		 "a hex dump (or raw bytes). The default --timeout is 30000 ms.\n"
		 DEVICE_HELP
		 "\n"
		 "Options (nvme-cli's):\n"
		 PASSTHRU_OPTIONS_HELP
		 DEVICE_EXIT_HELP,
	.run = run_io_passthru,
};
