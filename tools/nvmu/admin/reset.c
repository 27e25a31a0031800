/* SPDX-License-Identifier: MIT */
/* nvmu reset: controller reset (CC.EN 1 -> 0 -> 1), or a PCI function level reset. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "device.h"
#include "nvmu/nvme_pcie.h"
#include "nvmu/vfio.h"
#include "verbs.h"

/* FLR of a PCIe transport's function; 0 or EXIT_FAILED with a message. */
static int flr(const char *verb, struct tool_dev *d)
{
	struct nvmu_vfio_device *vdev;

	if (!nvmu_pcie_is(d->t)) {
		fprintf(stderr, "nvmu %s: --flr needs a PCIe device; %s is not one\n", verb,
			d->name);
		return EXIT_FAILED;
	}
	vdev = nvmu_pcie_vfio_device(d->t);
	if (!nvmu_vfio_can_reset(vdev)) {
		fprintf(stderr, "nvmu %s: VFIO offers no reset for %s (no FLR); use the controller "
			"reset (without --flr)\n", verb, d->name);
		return EXIT_FAILED;
	}
	return nvmu_vfio_reset(vdev) < 0 ? cli_fail(verb) : 0;
}

/* The driver's controller reset; 0 or EXIT_FAILED with a message. */
static int ctrl_reset(const char *verb, struct tool_dev *d)
{
	struct nvmu_ctrl_recovery_stats st;

	if (nvmu_ctrl_reset(d->ctrl) < 0)
		return cli_fail(verb);
	nvmu_ctrl_recovery_stats(d->ctrl, &st);
	printf("Controller reset in %.1f ms (CC.EN 1 -> 0 -> 1, admin queue, Number of Queues%s "
	       "restored)\n", st.last_reset_us / 1000.0,
	       nvmu_ctrl_dbbuf_enabled(d->ctrl) ? " and shadow doorbells" : "");
	return 0;
}

static int run_reset(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "flr", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	bool use_flr = false;
	const char *dev;
	struct tool_dev d;
	int opt, ret;

	while ((opt = cli_getopt(argc, argv, "", longopts)) != -1) {
		if (opt != 'F')
			return EXIT_USAGE;
		use_flr = true;
	}
	if ((ret = cli_device_arg(argc, argv, &dev)) ||
	    (ret = device_open_transport(argv[0], dev, &d)))
		return ret;
	if (use_flr)
		ret = flr(argv[0], &d);
	/* Bring the controller up, then reset it the way recovery does (nvmu_ctrl_reset():
	 * disable, enable, admin queue and features restored), timing that reset. */
	if (!ret)
		ret = device_start(argv[0], &d);
	if (!ret && !use_flr)
		ret = ctrl_reset(argv[0], &d);
	if (!ret)
		printf("Reset of %s: %s done; controller ready again (CSTS %#x)\n", dev,
		       use_flr ? "function level reset" : "controller reset (CC.EN 1 -> 0 -> 1)",
		       nvmu_ctrl_csts(d.ctrl));
	device_close(&d);
	return ret;
}

const struct nvmu_verb nvmu_verb_reset = {
	.name = "reset",
	.summary = "reset the controller (CC.EN 1 -> 0 -> 1), or the PCI function (--flr)",
	.usage = "Usage: nvmu reset <dev> [--flr]\n"
		 "\n"
		 "Reset the controller: clear CC.EN and wait until CSTS.RDY is 0 (within\n"
		 "CAP.TO), then enable it again and wait for CSTS.RDY 1 and Identify. With --flr,\n"
		 "first reset the PCI function through VFIO (function level reset), which also\n"
		 "resets its PCI state; then bring the controller up the same way. As after every\n"
		 "nvmu command, the controller is shut down normally (CC.SHN) when nvmu exits.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  --flr       function level reset first (PCI devices only)\n"
		 "  -h, --help  show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_reset,
};
