/* SPDX-License-Identifier: MIT */
/*
 * Tests of the nvmu tool's list/bind/unbind verbs against a fake sysfs tree: output on
 * stdout, one-line errors on stderr, exit statuses (0 ok, 1 failed, 2 usage).
 * The tool is found through $NVMU_EXE (set by meson).
 */
#include <stdarg.h>
#include <sys/wait.h>

#include "check.h"
#include "fake_sysfs.h"

static struct fake f;
static char out[4096], err[4096];

/* Run "nvmu <args>" against the fake tree; returns its exit status, fills out/err. */
static int nvmu(const char *args)
{
	char cmd[PATH_MAX * 6];
	const char *exe = getenv("NVMU_EXE");
	int status;

	snprintf(cmd, sizeof(cmd),
		 "NVMU_SYSFS_ROOT='%s/sys' NVMU_PROCFS_ROOT='%s/proc' NVMU_STATE_DIR='%s/state' '%s' %s "
		 ">'%s/out' 2>'%s/err'",
		 f.root, f.root, f.root, exe ? exe : "nvmu", args, f.root, f.root);
	status = system(cmd);
	snprintf(out, sizeof(out), "%s", fake_read(&f, "out"));
	snprintf(err, sizeof(err), "%s", fake_read(&f, "err"));
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void check_text(const char *what, const char *got, const char *want)
{
	if (strcmp(got, want)) {
		fprintf(stderr, "%s:\n--- got\n%s--- want\n%s---\n", what, got, want);
		check_failures++;
	}
}

static void setup(void)
{
	fake_init(&f);
	fake_add_driver(&f, "vfio-pci");
	fake_add_dev(&f, "0000:00:10.0", 0x1b36, 0x0010, 0x010802, "nvme", 3);
	fake_add_ctrl(&f, "0000:00:10.0", "nvme0");
	fake_add_blockdev(&f, "0000:00:10.0", "nvme0", NULL, "nvme0n1", "259:0\n");
	fake_add_dev(&f, "0000:00:11.0", 0x1b36, 0x0010, 0x010802, "vfio-pci", 12);
	fake_add_dev(&f, "0000:00:11.1", 0x1b36, 0x0010, 0x010802, NULL, 13);
	fake_add_vf(&f, "0000:00:11.1", "0000:00:11.0", 4, 1);
	fake_write(&f, "sys/devices/pci0000:00/0000:00:11.1/numa_node", "0\n");
	fake_add_dev(&f, "0000:00:1f.0", 0x8086, 0x2918, 0x060100, "lpc_ich", 7);
	fake_write(&f, "proc/self/mountinfo", "22 1 0:21 / /sys rw - sysfs sysfs rw\n");
	fake_write(&f, "proc/swaps", "Filename Type Size Used Priority\n");
}

TEST(list_prints_an_aligned_table)
{
	setup();
	CHECK_EQ(nvmu("list"), 0);
	check_text("nvmu list", out,
		   "ADDRESS       VENDOR:DEVICE  DRIVER        IOMMU GROUP  NUMA  SR-IOV              SERIAL  MODEL  FIRMWARE  NS  CAPACITY\n"
		   "0000:00:10.0  1b36:0010      nvme (nvme0)  3            -     -                   -       -      -         -   -\n"
		   /* on vfio-pci, but the fake tree has no /dev/vfio: nvmu cannot open it */
		   "0000:00:11.0  1b36:0010      vfio-pci      12           -     1/4 VFs             -       -      -         -   -\n"
		   "0000:00:11.1  1b36:0010      -             13           0     vf of 0000:00:11.0  -       -      -         -   -\n");
	CHECK(err[0] == '\0');
	fake_cleanup(&f);
}

TEST(list_json_has_clear_keys)
{
	setup();
	CHECK_EQ(nvmu("list -o json"), 0);
	CHECK(strncmp(out, "{\n  \"Devices\": [\n    {\n      \"Address\": \"0000:00:10.0\",\n", 50) == 0);
	CHECK_STR_CONTAINS(out, "\"VendorId\": \"0x1b36\",\n      \"DeviceId\": \"0x0010\",");
	CHECK_STR_CONTAINS(out, "\"ClassCode\": \"0x010802\",");
	CHECK_STR_CONTAINS(out, "\"Driver\": \"nvme\",\n      \"Controller\": \"nvme0\",\n      \"IommuGroup\": 3,\n"
				"      \"NumaNode\": null,\n      \"IsVF\": false,\n      \"PhysicalFunction\": null,\n"
				"      \"TotalVFs\": 0,\n      \"NumVFs\": 0,\n      \"SerialNumber\": null,\n"
				"      \"ModelNumber\": null,\n      \"Firmware\": null,\n      \"Namespaces\": null,\n"
				"      \"PhysicalSize\": null\n    },");
	CHECK_STR_CONTAINS(out, "\"Driver\": null,");
	CHECK_STR_CONTAINS(out, "\"IsVF\": true,\n      \"PhysicalFunction\": \"0000:00:11.0\",");
	CHECK_STR_CONTAINS(out, "\"TotalVFs\": 4,\n      \"NumVFs\": 1,\n");
	CHECK(strstr(out, "0000:00:1f.0") == NULL);
	CHECK(strcmp(out + strlen(out) - 6, "  ]\n}\n") == 0);
	CHECK_EQ(nvmu("list --output=normal"), 0);
	CHECK_EQ(nvmu("list -o yaml"), 2);
	CHECK_STR_CONTAINS(err, "nvmu list: unknown output format 'yaml' (expected json or normal)");
	fake_cleanup(&f);
}

TEST(list_without_devices_says_so)
{
	fake_init(&f);
	CHECK_EQ(nvmu("list"), 0);
	check_text("empty list", out, "no NVMe devices found\n");
	fake_cleanup(&f);
}

TEST(bind_reports_refusal_and_failure_on_one_stderr_line)
{
	setup();
	fake_write(&f, "proc/swaps", "Filename Type Size Used Priority\n/dev/nvme0n1 partition 1 0 -2\n");
	CHECK_EQ(nvmu("bind 0000:00:10.0"), 1);
	check_text("refused bind", err,
		   "nvmu bind: refusing to bind 0000:00:10.0: nvme0n1 is used as swap (unmount/stop them first, "
		   "or pass --force)\n");
	CHECK(out[0] == '\0');
	/* in the fake tree nothing re-binds, so a forced bind ends in the post-check */
	CHECK_EQ(nvmu("bind --force 00:10.0"), 1);
	check_text("forced bind", err,
		   "nvmu bind: cannot bind 0000:00:10.0 to vfio-pci: after probing it is on nvme instead\n");
	CHECK(strcmp(fake_read(&f, "sys/bus/pci/drivers/nvme/unbind"), "0000:00:10.0") == 0);
	fake_cleanup(&f);
}

TEST(bind_and_unbind_of_a_device_already_in_place)
{
	setup();
	CHECK_EQ(nvmu("bind 0000:00:11.0"), 0);
	check_text("bind again", out, "0000:00:11.0: already bound to vfio-pci (IOMMU group 12, /dev/vfio/12)\n");
	CHECK_EQ(nvmu("unbind 0000:00:10.0"), 0);
	check_text("unbind on nvme", out, "0000:00:10.0: not bound to vfio-pci (driver nvme), nothing to do\n");
	fake_cleanup(&f);
}

/* A kernel NVMe device names the PCI function to bind: the natural next step after
 * 'nvmu id-ctrl /dev/nvme0' said the controller belongs to the kernel driver. */
TEST(bind_takes_a_kernel_device_name)
{
	setup();
	fake_add_nvme_class(&f, "0000:00:11.0", "nvme1");
	CHECK_EQ(nvmu("bind /dev/nvme1"), 0);
	check_text("bind nvme1", out,
		   "0000:00:11.0: already bound to vfio-pci (IOMMU group 12, /dev/vfio/12)\n");
	CHECK_EQ(nvmu("unbind nvme7"), 1);
	CHECK_STR_CONTAINS(err, "nvme7");
	fake_cleanup(&f);
}

TEST(bind_refuses_devices_that_are_not_nvme)
{
	setup();
	CHECK_EQ(nvmu("bind 0000:00:1f.0"), 1);
	CHECK_STR_CONTAINS(err, "nvmu bind: 0000:00:1f.0 is not an NVMe controller (class 060100)");
	CHECK(strcmp(fake_read(&f, "sys/bus/pci/drivers_probe"), "") == 0);
	fake_cleanup(&f);
}

TEST(usage_errors_exit_2_and_touch_nothing)
{
	setup();
	CHECK_EQ(nvmu("bind 0000:00:11.0 xyz"), 2);
	check_text("bad address", err,
		   "nvmu bind: 'xyz' is neither a PCI address (0000:01:00.0 or 01:00.0) nor a kernel "
		   "NVMe device (/dev/nvme0, nvme0n1): bind acts on PCI functions\n"
		   "Run 'nvmu bind --help' for usage.\n");
	CHECK_EQ(nvmu("bind soft:"), 2);
	CHECK_STR_CONTAINS(err, "'soft:' is neither a PCI address");
	CHECK(out[0] == '\0');
	CHECK_EQ(nvmu("bind"), 2);
	CHECK_STR_CONTAINS(err, "nvmu bind: no PCI address given");
	CHECK_EQ(nvmu("unbind --frobnicate 0000:00:10.0"), 2);
	CHECK_STR_CONTAINS(err, "nvmu unbind: unknown option '--frobnicate'");
	CHECK_EQ(nvmu("frob"), 2);
	check_text("unknown verb", err, "nvmu: unknown command 'frob'\nRun 'nvmu help' for the list of commands.\n");
	CHECK_EQ(nvmu(""), 2);
	CHECK_STR_CONTAINS(err, "Usage: nvmu [-v...] <command>");
	CHECK_EQ(nvmu("bind 0000:00:1e.0"), 1);
	check_text("missing device", err, "nvmu bind: no PCI device 0000:00:1e.0 (run 'nvmu list' to see NVMe devices)\n");
	fake_cleanup(&f);
}

TEST(help_and_version_go_to_stdout)
{
	setup();
	CHECK_EQ(nvmu("--version"), 0);
	CHECK(strncmp(out, "nvmu ", 5) == 0);
	CHECK_EQ(nvmu("help"), 0);
	CHECK_STR_CONTAINS(out, "  list                  list NVMe PCI functions");
	CHECK_STR_CONTAINS(out, "  unbind                return NVMe functions");
	CHECK_EQ(nvmu("bind --help"), 0);
	CHECK(strncmp(out, "Usage: nvmu bind [--force] ADDRESS...\n", 38) == 0);
	CHECK_EQ(nvmu("help list"), 0);
	CHECK(strncmp(out, "Usage: nvmu list [-o json|normal] [-v]\n", 39) == 0);
	CHECK_EQ(nvmu("help frob"), 2);
	CHECK(err[0] != '\0');
	fake_cleanup(&f);
}

RUN_TESTS(T(list_prints_an_aligned_table), T(list_json_has_clear_keys), T(list_without_devices_says_so),
	  T(bind_reports_refusal_and_failure_on_one_stderr_line), T(bind_and_unbind_of_a_device_already_in_place),
	  T(bind_takes_a_kernel_device_name), T(bind_refuses_devices_that_are_not_nvme),
	  T(usage_errors_exit_2_and_touch_nothing),
	  T(help_and_version_go_to_stdout))
