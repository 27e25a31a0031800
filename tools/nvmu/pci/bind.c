/* SPDX-License-Identifier: MIT */
/* nvmu bind / nvmu unbind: move NVMe functions to vfio-pci and back to their kernel driver. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "nvmu/pci.h"
#include "verbs.h"

/*
 * Check every argument's form before touching any device: a PCI address, or a kernel
 * NVMe device (/dev/nvme0, nvme0n1...) that names the function it belongs to. Other
 * device strings (soft:, and transports registered later) have no PCI function to bind.
 * Returns 0, or prints the first problem as a usage error and returns EXIT_USAGE.
 */
static int check_addresses(const char *verb, int argc, char **argv)
{
	char addr[NVMU_PCI_ADDR_LEN];

	if (optind >= argc)
		return cli_usage_error(verb, "no PCI address given (e.g. 'nvmu %s 0000:00:10.0')",
				       verb);
	for (int i = optind; i < argc; i++)
		if (!nvmu_pci_is_addr(argv[i], addr) && !nvmu_pci_is_kernel_nvme(argv[i]))
			return cli_usage_error(verb, "'%s' is neither a PCI address (0000:01:00.0 "
					       "or 01:00.0) nor a kernel NVMe device (/dev/nvme0, "
					       "nvme0n1): %s acts on PCI functions", argv[i], verb);
	return 0;
}

/* The PCI function @arg names, into @addr: 0, or -1 with a message (a kernel device that
 * does not exist, or whose controller is not on PCIe). */
static int function_of(const char *arg, char addr[NVMU_PCI_ADDR_LEN])
{
	if (nvmu_pci_is_addr(arg, addr))
		return 0;
	return nvmu_pci_kernel_nvme_addr(arg, addr, NULL) < 0 ? -1 : 0;
}

/*
 * Load vfio-pci with modprobe if it is not registered yet (the library never loads
 * modules). Not against a fake sysfs tree (NVMU_SYSFS_ROOT): modprobe acts on the real one.
 */
static void load_vfio_pci(void)
{
	pid_t pid;
	int status;

	if (nvmu_pci_driver_loaded("vfio-pci") || getenv("NVMU_SYSFS_ROOT"))
		return;
	pid = fork();
	if (pid == 0) {
		execlp("modprobe", "modprobe", "vfio-pci", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return; /* binding will explain that vfio-pci is missing */
}

static const char *or_none(const char *driver)
{
	return driver[0] ? driver : "no driver";
}

static int bind_one(const char *arg, unsigned flags)
{
	char addr[NVMU_PCI_ADDR_LEN];
	struct nvmu_pci_dev before;

	if (function_of(arg, addr) || nvmu_pci_get(addr, &before))
		return -1;
	if (before.class_code >> 8 != NVMU_PCI_CLASS_NVME)
		return nvmu_fail(EINVAL, "%s is not an NVMe controller (class %06x); nvmu bind "
				 "only takes NVMe devices (run 'nvmu list' to see them)",
				 before.addr, before.class_code);
	if (!strcmp(before.driver, "vfio-pci")) {
		printf("%s: already bound to vfio-pci (IOMMU group %d, /dev/vfio/%d)\n",
		       before.addr, before.iommu_group, before.iommu_group);
		return 0;
	}
	load_vfio_pci();
	if (nvmu_pci_bind_vfio(addr, flags))
		return -1;
	printf("%s: bound to vfio-pci (was %s), IOMMU group %d (/dev/vfio/%d)\n", before.addr,
	       or_none(before.driver), before.iommu_group, before.iommu_group);
	return 0;
}

static int run_bind(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned flags = 0;
	int c, status = EXIT_OK;

	while ((c = cli_getopt(argc, argv, "f", longopts)) != -1) {
		if (c != 'f')
			return EXIT_USAGE;
		flags |= NVMU_PCI_BIND_FORCE;
	}
	if (check_addresses(argv[0], argc, argv))
		return EXIT_USAGE;
	for (int i = optind; i < argc; i++) {
		if (bind_one(argv[i], flags))
			status = cli_fail(argv[0]);
		fflush(stdout);
	}
	return status;
}

static int unbind_one(const char *arg)
{
	char addr[NVMU_PCI_ADDR_LEN];
	struct nvmu_pci_dev before, after;

	if (function_of(arg, addr) || nvmu_pci_get(addr, &before))
		return -1;
	if (strcmp(before.driver, "vfio-pci") && before.driver[0]) {
		printf("%s: not bound to vfio-pci (driver %s), nothing to do\n", before.addr,
		       before.driver);
		return 0;
	}
	if (nvmu_pci_unbind_vfio(addr) || nvmu_pci_get(addr, &after))
		return -1;
	if (!strcmp(after.driver, before.driver))
		printf("%s: has no driver and none was recorded, nothing to do\n", before.addr);
	else if (!after.driver[0])
		printf("%s: released from vfio-pci (no kernel driver took it)\n", before.addr);
	else
		printf("%s: returned to %s (was %s)\n", before.addr, after.driver,
		       or_none(before.driver));
	return 0;
}

static int run_unbind(int argc, char **argv)
{
	static const struct option longopts[] = { { NULL, 0, NULL, 0 } };
	int c, status = EXIT_OK;

	while ((c = cli_getopt(argc, argv, "", longopts)) != -1)
		return EXIT_USAGE;
	if (check_addresses(argv[0], argc, argv))
		return EXIT_USAGE;
	for (int i = optind; i < argc; i++) {
		if (unbind_one(argv[i]))
			status = cli_fail(argv[0]);
		fflush(stdout);
	}
	return status;
}

const struct nvmu_verb nvmu_verb_bind = {
	.name = "bind",
	.summary = "detach NVMe functions from their kernel driver and bind them to vfio-pci",
	.usage = "Usage: nvmu bind [--force] ADDRESS...\n"
		 "\n"
		 "Bind each NVMe PCI function (DDDD:BB:SS.F or BB:SS.F, or the function of a\n"
		 "kernel NVMe device: /dev/nvme0, nvme0n1) to vfio-pci so nvmu can drive it\n"
		 "from user space. The driver it had is remembered in /run/nvmu so\n"
		 "'nvmu unbind' can give it back. Loads vfio-pci with modprobe if needed. The\n"
		 "IOMMU must be on (intel_iommu=on or amd_iommu=on). Devices that are not NVMe\n"
		 "controllers are refused.\n"
		 "\n"
		 "A device whose namespaces are mounted, used as swap, held by dm/md/LVM or hold\n"
		 "the root filesystem is refused, naming each user.\n"
		 "\n"
		 "Options:\n"
		 "  -f, --force  bind even if the namespaces are in use (their users lose them)\n"
		 "  -h, --help   show this help\n"
		 "\n"
		 "Exit status: 0 if every device is on vfio-pci, 1 if binding one failed (the\n"
		 "others are still tried), 2 on a usage error such as a malformed address\n"
		 "(then nothing is done).\n",
	.run = run_bind,
};

const struct nvmu_verb nvmu_verb_unbind = {
	.name = "unbind",
	.summary = "return NVMe functions from vfio-pci to the kernel driver they had",
	.usage = "Usage: nvmu unbind ADDRESS...\n"
		 "\n"
		 "Release each PCI function (an address, as for bind) from vfio-pci and bind it\n"
		 "to the driver it had before\n"
		 "'nvmu bind' (recorded in /run/nvmu), or let the kernel pick one if none was\n"
		 "recorded. A device that is not on vfio-pci is left alone.\n"
		 "\n"
		 "Options:\n"
		 "  -h, --help  show this help\n"
		 "\n"
		 "Exit status: 0 on success, 1 if returning a device failed (the others are still\n"
		 "tried), 2 on a usage error such as a malformed address (nothing is done).\n",
	.run = run_unbind,
};
