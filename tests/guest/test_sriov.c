/* SPDX-License-Identifier: MIT */
/*
 * Guest test of SR-IOV support in the PCI and VFIO layers: PF/VF relations and the VF
 * token that VFIO requires to open a VF whose PF is on vfio-pci (needs the guest rig,
 * vfio-pci loaded with enable_sriov=1, the PF bound to vfio-pci and VFs enabled).
 *
 * usage: test_sriov PF_ADDR VF_ADDR
 */
#include <errno.h>

#include "check.h"
#include "nvmu/pci.h"
#include "nvmu/vfio.h"

#define TOKEN "2ab74924-c335-45f4-9b16-8569e5b08258"
#define OTHER_TOKEN "00000000-1111-2222-3333-444444444444"

static const char *pf_addr, *vf_addr;
static struct nvmu_vfio_container *container;
static struct nvmu_vfio_device *pf;

static int open_vf(const char *token, struct nvmu_vfio_device **vf)
{
	struct nvmu_vfio_device_opts opts = { .vf_token = token };

	return nvmu_vfio_device_open(container, vf_addr, &opts, vf);
}

TEST(pf_and_vf_relations)
{
	struct nvmu_pci_dev p, v;

	CHECK_EQ(nvmu_pci_get(pf_addr, &p), 0);
	CHECK_EQ(nvmu_pci_get(vf_addr, &v), 0);
	CHECK(!p.is_vf);
	CHECK_EQ(p.sriov_totalvfs, 2);
	CHECK(p.sriov_numvfs >= 1);
	CHECK(v.is_vf);
	CHECK(strcmp(v.physfn, pf_addr) == 0);
	CHECK(strcmp(v.driver, "vfio-pci") == 0);
}

TEST(vf_needs_token)
{
	struct nvmu_vfio_device *vf = NULL;

	CHECK_EQ(nvmu_vfio_container_open(&container), 0);
	CHECK_EQ(nvmu_vfio_device_open(container, pf_addr, NULL, &pf), 0);
	CHECK_EQ(open_vf(NULL, &vf), -EACCES);
	CHECK_STR_CONTAINS(nvmu_last_error(), "needs the PF's VF token");
}

TEST(token_is_checked)
{
	struct nvmu_vfio_device *vf = NULL;

	CHECK_EQ(nvmu_vfio_set_vf_token(pf, "not-a-uuid"), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "'not-a-uuid' is not a UUID");
	CHECK_EQ(nvmu_vfio_set_vf_token(pf, TOKEN), 0);
	CHECK_EQ(open_vf(OTHER_TOKEN, &vf), -EACCES);
	CHECK_STR_CONTAINS(nvmu_last_error(), "must match the token set on the PF");
}

TEST(vf_opens_with_token)
{
	struct nvmu_vfio_device *vf = NULL;
	uint16_t vid = 0;

	CHECK_EQ(open_vf(TOKEN, &vf), 0);
	if (!vf)
		return;
	CHECK_EQ(nvmu_vfio_config_read16(vf, 0, &vid), 0);
	CHECK_EQ(vid, 0x1b36);
	CHECK(nvmu_vfio_device_group(vf) != nvmu_vfio_device_group(pf));
	nvmu_vfio_device_close(vf);
	nvmu_vfio_device_close(pf);
	nvmu_vfio_container_close(container);
}

int main(int argc, char **argv)
{
	static const struct check_test tests[] = {
		T(pf_and_vf_relations), T(vf_needs_token), T(token_is_checked), T(vf_opens_with_token),
	};

	if (argc != 3) {
		fprintf(stderr, "usage: test_sriov PF_ADDR VF_ADDR\n");
		return 2;
	}
	pf_addr = argv[1];
	vf_addr = argv[2];
	return check_run(tests, sizeof(tests) / sizeof(tests[0]));
}
