/* SPDX-License-Identifier: MIT */
/* nvmu show-regs: the controller registers of BAR0, read through VFIO, raw and decoded. */
#include <nvme/types.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "nvmu/mmio.h"
#include "device.h"
#include "output/hexdump.h"
#include "output/json.h"
#include "regs_render.h"
#include "verbs.h"

/* Read one register through the transport, as the driver itself would. */
static uint64_t read_reg(void *ctx, uint32_t offset, bool is64)
{
	struct nvmu_transport *t = ctx;

	return is64 ? t->ops->read64(t, offset) : t->ops->read32(t, offset);
}

static int show(struct nvmu_transport *t, const struct cli_output *o)
{
	uint8_t bytes[REGS_BYTES];
	struct regs_values r;
	struct json j;

	regs_read(read_reg, t, &r);
	if (o->format == CLI_FORMAT_BINARY) {
		regs_binary(&r, bytes);
		return raw_write(stdout, bytes, sizeof(bytes)) ? EXIT_FAILED : EXIT_OK;
	}
	if (o->format == CLI_FORMAT_JSON) {
		json_init(&j, stdout);
		regs_json(&j, &r);
		json_finish(&j);
		return EXIT_OK;
	}
	regs_print(stdout, &r, o->human);
	return EXIT_OK;
}

static int run_show_regs(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_OUTPUT_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_output o = { CLI_FORMAT_NORMAL, false };
	struct tool_dev d;
	int opt, ret;

	while ((opt = cli_getopt(argc, argv, "o:Hb", longopts)) != -1) {
		if (cli_output_opt(argv[0], opt, optarg, &o))
			return EXIT_USAGE;
	}
	if (optind != argc - 1)
		return cli_usage_error(argv[0], "expected one device");
	/* The bare transport: reading the registers must not bring the controller up. */
	ret = device_open_transport(argv[0], argv[optind], &d);
	if (ret)
		return ret;
	ret = show(d.t, &o);
	device_close(&d);
	return ret;
}

const struct nvmu_verb nvmu_verb_show_regs = {
	.name = "show-regs",
	.summary = "show the controller registers (CAP, VS, CC, CSTS, ...)",
	.usage = "Usage: nvmu show-regs <dev> [-H] [-o normal|json|binary] [-b]\n"
		 "\n"
		 "Read the NVMe controller registers through the device's transport (BAR0\n"
		 "through VFIO for a PCIe device) and print them as nvme-cli does (\"cap     :\n"
		 "4000...\", in hex), with -H decoded in its words (CAP, VS, CC, CSTS, NSSR, INTMS,\n"
		 "INTMC, AQA, ASQ, ACQ). Reading does not change the controller's state: it is not\n"
		 "brought up.\n"
		 "\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -H, --human-readable        decode the registers' fields\n"
		 "  -o, --output-format FORMAT  normal (the default), json (nvme-cli's keys:\n"
		 "                              cap, vs, intms, intmc, cc, csts, ..., with\n"
		 "                              integer values), or binary: the 0xe1c bytes of\n"
		 "                              the register file with these registers at their\n"
		 "                              offsets (nvmu does not read the others)\n"
		 "  -b, --raw-binary            the same as -o binary\n"
		 "  -h, --help                  show this help\n"
		 "\n"
		 "Exit status: 0 on success, 1 if the device cannot be opened or read, 2 on a\n"
		 "usage error.\n",
	.run = run_show_regs,
};
