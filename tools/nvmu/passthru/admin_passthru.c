/* SPDX-License-Identifier: MIT */
/* nvmu admin-passthru: any admin command, with nvme-cli's options; shows the full completion. */
#include "device.h"
#include "passthru_cmd.h"
#include "verbs.h"

/* The admin queue: through a DMA copy of the data. */
static int send_admin(struct tool_dev *d, const struct passthru_args *a, uint8_t *data,
		      struct nvmu_cpl *cpl)
{
	struct nvmu_sqe cmd = a->cmd;

	return device_admin(d, &cmd, data, a->data_len, a->write, a->timeout_ms, cpl);
}

static int run_admin_passthru(int argc, char **argv)
{
	return passthru_run(argc, argv, "Admin", send_admin);
}

const struct nvmu_verb nvmu_verb_admin_passthru = {
	.name = "admin-passthru",
	.summary = "send any admin command and show its full completion",
	.usage = "Usage: nvmu admin-passthru <dev> --opcode=N [--namespace-id=N] [--cdw2=N]\n"
		 "         [--cdw3=N] [--cdw10=N ... --cdw15=N] [--data-len=N [--read | --write\n"
		 "         --input-file=FILE]] [--flags=N] [--timeout=MS] [--raw-binary]\n"
		 "         [--show-command] [--dry-run] [--prefill=BYTE] [--latency]\n"
		 "\n"
		 "Build an admin command from the options, send it and print the whole\n"
		 "completion: the status in words, DW0, DW1, SQ head, SQ ID, CID and the status\n"
		 "word. Any command may be sent, including reserved opcodes and malformed\n"
		 "fields: the controller's answer is shown either way (exit status 1 when it\n"
		 "reports an error). Data received is shown as a hex dump (or raw bytes).\n"
		 DEVICE_HELP
		 "\n"
		 "Options (nvme-cli's):\n"
		 PASSTHRU_OPTIONS_HELP
		 DEVICE_EXIT_HELP,
	.run = run_admin_passthru,
};
