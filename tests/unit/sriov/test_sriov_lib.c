/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the SR-IOV layer without a device: VF tokens, and what the layer says on
 * a controller that cannot have VFs (the software controller: not PCIe, no
 * virtualization commands). The flow itself runs in the guest rig (suite-sriov.sh).
 */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "nvmu/host.h"
#include "nvmu/sriov.h"

TEST(tokens_are_random_version_4_uuids)
{
	char a[NVMU_SRIOV_TOKEN_LEN], b[NVMU_SRIOV_TOKEN_LEN];

	CHECK_EQ(nvmu_sriov_new_token(a), 0);
	CHECK_EQ(nvmu_sriov_new_token(b), 0);
	CHECK(nvmu_sriov_token_valid(a));
	CHECK(strcmp(a, b) != 0);
	CHECK_EQ(a[14], '4');
	CHECK(strchr("89ab", a[19]) != NULL);
}

TEST(token_form_is_checked)
{
	CHECK(nvmu_sriov_token_valid("2ab74924-c335-45f4-9b16-8569e5b08258"));
	CHECK(nvmu_sriov_token_valid("2AB74924-C335-45F4-9B16-8569E5B08258"));
	CHECK(!nvmu_sriov_token_valid(NULL));
	CHECK(!nvmu_sriov_token_valid(""));
	CHECK(!nvmu_sriov_token_valid("2ab74924-c335-45f4-9b16-8569e5b0825"));
	CHECK(!nvmu_sriov_token_valid("2ab74924-c335-45f4-9b16-8569e5b082588"));
	CHECK(!nvmu_sriov_token_valid("2ab74924c335-45f4-9b16-8569e5b082588"));
	CHECK(!nvmu_sriov_token_valid("2ab74924-c335-45f4-9b16-8569e5b0825g"));
}

TEST(a_controller_that_is_not_pcie_is_refused)
{
	struct nvmu_host_ctrl *h = NULL;
	struct nvmu_sriov *s = NULL;

	CHECK_EQ(nvmu_host_attach("soft", NULL, &h), 0);
	if (!h)
		return;
	CHECK_EQ(nvmu_sriov_open(nvmu_host_core(h), &s), -ENOTSUP);
	CHECK_STR_CONTAINS(nvmu_last_error(), "is not a PCIe controller");
	CHECK(s == NULL);
	CHECK_EQ(nvmu_host_detach(h), 0);
}

TEST(virtualization_commands_report_the_refusal)
{
	struct nvme_primary_ctrl_cap caps;
	struct nvmu_host_ctrl *h = NULL;

	CHECK_EQ(nvmu_host_attach("soft", NULL, &h), 0);
	if (!h)
		return;
	/* The software controller has neither: an error status, named. */
	CHECK_EQ(nvmu_sriov_virt_mgmt(nvmu_host_core(h), NVME_VIRT_MGMT_ACT_ONLINE_SEC_CTRL,
				      NVME_VIRT_MGMT_RT_VQ_RESOURCE, 1, 0, NULL), -EREMOTEIO);
	CHECK_STR_CONTAINS(nvmu_last_error(), "Virtualization Management secondary online");
	CHECK_EQ(nvmu_sriov_primary_caps(nvmu_host_core(h), 0, &caps), -EREMOTEIO);
	CHECK_STR_CONTAINS(nvmu_last_error(), "Identify Primary Controller Capabilities");
	CHECK_EQ(nvmu_sriov_virt_mgmt(nvmu_host_core(h), 16, 0, 1, 0, NULL), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "out of range");
	CHECK_EQ(nvmu_host_detach(h), 0);
}

int main(void)
{
	static const struct check_test tests[] = {
		T(tokens_are_random_version_4_uuids), T(token_form_is_checked),
		T(a_controller_that_is_not_pcie_is_refused),
		T(virtualization_commands_report_the_refusal),
	};

	return check_run(tests, sizeof(tests) / sizeof(tests[0]));
}
