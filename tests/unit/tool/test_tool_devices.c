/* SPDX-License-Identifier: MIT */
/*
 * The device strings every nvmu verb accepts are the library's (the transport registry):
 * the soft forms, the PCIe forms, kernel NVMe devices refused with the address to bind,
 * unknown schemes, and help texts generated from the registry. The tool is found through
 * $NVMU_EXE and sees the fake sysfs tree of setup().
 */
#include "check.h"
#include "nvmu/transport.h"
#include "tool_run.h"

/* setup(), plus 0000:00:10.0 as the kernel nvme driver shows it, and a TCP controller. */
static void setup_kernel(void)
{
	setup();
	fake_add_nvme_class(&f, "0000:00:10.0", "nvme0");
	fake_add_blockdev(&f, "0000:00:10.0", "nvme0", NULL, "nvme0n1", "259:0\n");
	fake_add_blockdev(&f, "0000:00:10.0", "nvme0", "nvme0n1", "nvme0n1p1", "259:1\n");
	fake_add_generic(&f, "0000:00:10.0", "nvme0", "ng0n1");
	fake_add_fabrics_ctrl(&f, "nvme1", "tcp", "nvme1n1");
}

TEST(soft_forms_on_every_path)
{
	static const char *const forms[] = { "soft", "soft:", "soft:ns=2", "soft://ns=2" };

	setup();
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		CHECK_EQ(nvmu("id-ctrl %s", forms[i]), 0);
		CHECK_STR_CONTAINS(out, "mn        : nvmu software NVMe controller");
		CHECK_EQ(nvmu("read %s -n 1 -s 0 -c 0", forms[i]), 0); /* the I/O verbs */
		CHECK_EQ(nvmu("reset %s", forms[i]), 0);                 /* the bare transport */
		CHECK_STR_CONTAINS(out, "controller reset (CC.EN 1 -> 0 -> 1) done");
	}
	CHECK_EQ(nvmu("list-ns soft://ns=2"), 0);
	CHECK(strcmp(out, "[   0]:0x1\n[   1]:0x2\n") == 0);
	CHECK_EQ(nvmu("reset soft --flr"), 1);
	CHECK_STR_CONTAINS(err, "--flr needs a PCIe device; soft is not one");
	/* Stepped mode is asked of the controller, not read from the string. */
	CHECK_EQ(nvmu("perf -t 3 --reset-interval 1 soft://mode=step"), 2);
	CHECK_STR_CONTAINS(err, "soft://mode=step is stepped by the I/O threads");
	fake_cleanup(&f);
}

TEST(pcie_forms)
{
	static const char *const forms[] = { "0000:00:10.0", "00:10.0", "pcie:0000:00:10.0",
					     "pcie:00:10.0", "pcie://00:10.0" };

	setup();
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		CHECK_EQ(nvmu("id-ctrl %s", forms[i]), 1);
		CHECK_STR_CONTAINS(err, "0000:00:10.0 is bound to the nvme driver, not vfio-pci: run "
				   "'nvmu bind 0000:00:10.0' first");
		CHECK_EQ(err_lines(), 1);
		CHECK_EQ(nvmu("reset %s", forms[i]), 1);
		CHECK_STR_CONTAINS(err, "'nvmu bind 0000:00:10.0' first");
	}
	fake_cleanup(&f);
}

TEST(kernel_devices_name_what_to_bind)
{
	static const char *const forms[] = { "/dev/nvme0", "nvme0", "/dev/nvme0n1",
					     "/dev/nvme0n1p1", "/dev/ng0n1" };

	setup_kernel();
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		CHECK_EQ(nvmu("id-ctrl %s", forms[i]), 1);
		CHECK_STR_CONTAINS(err, "is NVMe controller nvme0 at PCI address 0000:00:10.0, bound "
				   "to the kernel driver nvme: nvmu drives controllers bound to "
				   "vfio-pci, so run 'nvmu bind 0000:00:10.0'");
		CHECK_EQ(err_lines(), 1);
	}
	CHECK_EQ(nvmu("reset /dev/nvme0"), 1);
	CHECK_STR_CONTAINS(err, "then use 0000:00:10.0 as the device");
	CHECK_EQ(nvmu("id-ctrl /dev/nvme1n1"), 1);
	CHECK_STR_CONTAINS(err, "/dev/nvme1n1 belongs to NVMe controller nvme1, which the kernel "
			   "reaches over 'tcp', not PCIe");
	CHECK_EQ(nvmu("smart-log /dev/nvme5"), 1);
	CHECK_STR_CONTAINS(err, "/dev/nvme5: no such NVMe device in sysfs");
	fake_cleanup(&f);
}

TEST(what_is_not_accepted)
{
	setup();
	CHECK_EQ(nvmu("id-ctrl rdma://10.0.0.1/nqn.2014-08.org.example"), 1);
	CHECK_STR_CONTAINS(err, "unknown transport 'rdma' in 'rdma://10.0.0.1/nqn.2014-08.org.example'; "
			   "a device is one of: 0000:01:00.0, 01:00.0, pcie:ADDR; soft, soft:OPTIONS");
	CHECK_EQ(err_lines(), 1);
	CHECK_EQ(nvmu("reset bogus:"), 1);
	CHECK_STR_CONTAINS(err, "unknown transport 'bogus'");
	CHECK_EQ(nvmu("id-ctrl ''"), 1);
	CHECK_STR_CONTAINS(err, "no device given");
	fake_cleanup(&f);
}

/* Every verb's help lists the registry's classes, never the mark they replace. */
TEST(help_comes_from_the_registry)
{
	static const char *const verbs[] = { "id-ctrl", "smart-log", "reset", "read", "perf" };
	char forms[1024];

	nvmu_transport_help(forms, sizeof(forms));
	setup();
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		CHECK_EQ(nvmu("%s --help", verbs[i]), 0);
		CHECK_STR_CONTAINS(out, "<dev> is one of:\n");
		CHECK_STR_CONTAINS(out, forms);
		CHECK_STR_CONTAINS(out, "/dev/nvme0");
		CHECK(!strstr(out, "@DEVICE_FORMS@"));
	}
	fake_cleanup(&f);
}

RUN_TESTS(T(soft_forms_on_every_path), T(pcie_forms), T(kernel_devices_name_what_to_bind),
	  T(what_is_not_accepted), T(help_comes_from_the_registry))
