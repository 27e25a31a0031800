/* SPDX-License-Identifier: MIT */
/*
 * nvmu sriov, virt-mgmt, primary-ctrl-caps, list-secondary and --vf-token without a device:
 * the command line (usage errors exit 2 with the reason), the refusals of a device that
 * cannot have VFs, and --vf-token / NVMU_VF_TOKEN reaching every verb with a <dev> (the
 * flow itself runs in the guest rig: tests/guest/suite-sriov.sh).
 */
#include "check.h"
#include "tool_run.h"

#define TOKEN "2ab74924-c335-45f4-9b16-8569e5b08258"

TEST(sriov_usage_errors)
{
	setup();
	CHECK_EQ(nvmu("sriov"), 2);
	CHECK_STR_CONTAINS(err, "expected show, enable, disable, assign, offline or online");
	CHECK_EQ(nvmu("sriov frob 01:00.0"), 2);
	CHECK_STR_CONTAINS(err, "unknown subcommand 'frob'");
	CHECK_EQ(nvmu("sriov enable 01:00.0"), 2);
	CHECK_STR_CONTAINS(err, "nvmu sriov enable: give the number of VFs with --vfs N");
	CHECK_EQ(nvmu("sriov enable 01:00.0 --vfs 2 --token 1234"), 2);
	CHECK_STR_CONTAINS(err, "--token '1234' is not a UUID");
	CHECK_EQ(nvmu("sriov online 01:00.0"), 2);
	CHECK_STR_CONTAINS(err, "nvmu sriov online: give the VF with --vf N");
	CHECK_EQ(nvmu("sriov assign 01:00.0 --vf 1"), 2);
	CHECK_STR_CONTAINS(err, "give the resources with --vq Q and/or --vi V");
	CHECK_EQ(nvmu("sriov show 01:00.0 --vfs 2"), 2);
	CHECK_STR_CONTAINS(err, "option '--vfs' does not apply here");
	CHECK_EQ(nvmu("sriov show xyz"), 2);
	CHECK_STR_CONTAINS(err, "nvmu sriov show: 'xyz'");
	CHECK(out[0] == '\0');
	fake_cleanup(&f);
}

TEST(sriov_refusals)
{
	setup();
	CHECK_EQ(nvmu("sriov show 0000:00:1e.0"), 1);
	CHECK_STR_CONTAINS(err, "no PCI device 0000:00:1e.0");
	CHECK_EQ(nvmu("sriov enable 0000:00:10.0 --vfs 1"), 1);
	CHECK_STR_CONTAINS(err, "is bound to the nvme driver, not vfio-pci: run 'nvmu bind "
			   "0000:00:10.0' first");
	CHECK_EQ(err_lines(), 1);
	CHECK_EQ(nvmu("sriov show soft"), 2);
	CHECK_STR_CONTAINS(err, "'soft'");
	CHECK_EQ(nvmu("primary-ctrl-caps soft"), 1);
	CHECK_STR_CONTAINS(err, "nvmu primary-ctrl-caps: Identify Primary Controller Capabilities");
	CHECK_EQ(nvmu("list-secondary soft -e 200"), 2);
	CHECK_STR_CONTAINS(err, "-e 200 is out of range (at most 127");
	CHECK_EQ(nvmu("virt-mgmt soft -a 16"), 2);
	CHECK_EQ(nvmu("virt-mgmt soft -c 1 -a 9"), 1);
	CHECK_EQ(err_lines(), 1);
	fake_cleanup(&f);
}

TEST(vf_token_option_for_every_verb_with_a_device)
{
	setup();
	CHECK_EQ(nvmu("id-ctrl soft --vf-token " TOKEN), 0);
	CHECK_EQ(nvmu("id-ctrl --vf-token=" TOKEN " soft"), 0);
	CHECK_EQ(nvmu("id-ctrl soft --vf-token 1234"), 2);
	CHECK_STR_CONTAINS(err, "nvmu id-ctrl: --vf-token '1234' is not a UUID");
	CHECK_EQ(nvmu("id-ctrl soft --vf-token"), 2);
	CHECK_STR_CONTAINS(err, "option '--vf-token' needs a value");
	CHECK_EQ(nvmu("list --vf-token " TOKEN), 2);
	CHECK_STR_CONTAINS(err, "nvmu list: this command opens no device, so it takes no "
			   "--vf-token");
	CHECK_EQ(nvmu("id-ctrl --help"), 0);
	CHECK_STR_CONTAINS(out, "--vf-token UUID");
	CHECK_STR_CONTAINS(out, "NVMU_VF_TOKEN");
	fake_cleanup(&f);
}

RUN_TESTS(T(sriov_usage_errors), T(sriov_refusals), T(vf_token_option_for_every_verb_with_a_device))
