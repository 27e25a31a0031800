/* SPDX-License-Identifier: MIT */
/*
 * Guest test of a VF that `nvmu sriov enable` provisioned and whose PF it holds: the PF/VF
 * relations in sysfs, the VF token VFIO requires to open the VF (none, a wrong one, the
 * right one), and the VF as a controller through the host API: its controller ID, the I/O
 * queues its VQ resources give, and the shared namespace.
 *
 * usage: test_sriov PF_ADDR VF_ADDR TOKEN CNTLID IO_QUEUES
 */
#include <errno.h>
#include <stdlib.h>

#include "check.h"
#include "nvmu/host.h"
#include "nvmu/pci.h"
#include "nvmu/sriov.h"
#include "nvmu/vfio.h"

#define OTHER_TOKEN "00000000-1111-2222-3333-444444444444"

static const char *pf_addr, *vf_addr, *token;
static unsigned cntlid, io_queues;

static int open_vf(const char *tok)
{
	struct nvmu_vfio_device_opts opts = { .vf_token = tok };
	struct nvmu_vfio_container *c = NULL;
	struct nvmu_vfio_device *vf = NULL;
	int ret = nvmu_vfio_open(vf_addr, &opts, &c, &vf);

	nvmu_vfio_device_close(vf);
	nvmu_vfio_container_close(c);
	return ret;
}

TEST(pf_and_vf_relations)
{
	struct nvmu_pci_dev p, v;
	char first[NVMU_PCI_ADDR_LEN];

	CHECK_EQ(nvmu_pci_get(pf_addr, &p), 0);
	CHECK_EQ(nvmu_pci_get(vf_addr, &v), 0);
	CHECK(!p.is_vf);
	CHECK_EQ(p.sriov_totalvfs, 2);
	CHECK_EQ(p.sriov_numvfs, 2);
	CHECK(v.is_vf);
	CHECK(strcmp(v.physfn, pf_addr) == 0);
	CHECK(strcmp(v.driver, "vfio-pci") == 0);
	CHECK_EQ(nvmu_pci_vf_addr(pf_addr, 0, first), 0);
	CHECK(strcmp(first, "0000:01:00.1") == 0);
	CHECK_EQ(nvmu_pci_vf_addr(pf_addr, 2, first), -ENODEV);
	/* The holder (`nvmu sriov enable`) has the PF open. */
	CHECK_EQ(nvmu_pci_vfio_users(pf_addr, NULL, 0), 1);
}

TEST(vf_needs_the_token)
{
	CHECK_EQ(open_vf(NULL), -EACCES);
	CHECK_STR_CONTAINS(nvmu_last_error(), "needs the PF's VF token");
	CHECK_EQ(open_vf(OTHER_TOKEN), -EACCES);
	CHECK_STR_CONTAINS(nvmu_last_error(), "must match the token set on the PF");
	CHECK_EQ(open_vf(token), 0);
}

TEST(vf_is_a_controller_with_its_queues)
{
	struct nvmu_host_opts opts = { .vf_token = token, .no_aer = true };
	struct nvmu_host_ctrl *h = NULL;

	CHECK_EQ(nvmu_host_attach(vf_addr, &opts, &h), 0);
	if (!h)
		return;
	CHECK_EQ(nvmu_host_id(h)->cntlid, cntlid);
	/* NVQ counts the admin queue: a VF gets NVQ - 1 I/O queue pairs. */
	CHECK_EQ(nvmu_ctrl_io_queues(nvmu_host_core(h)), io_queues);
	/* The shared namespace is attached to every controller of the subsystem. */
	CHECK_EQ(nvmu_host_ns_count(h), 1);
	CHECK_EQ(nvmu_host_detach(h), 0);
}

TEST(tokens)
{
	char t[NVMU_SRIOV_TOKEN_LEN], u[NVMU_SRIOV_TOKEN_LEN];

	CHECK(nvmu_sriov_token_valid(token));
	CHECK(!nvmu_sriov_token_valid("2ab74924-c335-45f4-9b16-8569e5b0825"));
	CHECK(!nvmu_sriov_token_valid("2ab74924-c335-45f4-9b16_8569e5b08258"));
	CHECK_EQ(nvmu_sriov_new_token(t), 0);
	CHECK_EQ(nvmu_sriov_new_token(u), 0);
	CHECK(nvmu_sriov_token_valid(t));
	CHECK(strcmp(t, u) != 0);
	CHECK_EQ(t[14], '4'); /* version 4 */
}

int main(int argc, char **argv)
{
	static const struct check_test tests[] = {
		T(pf_and_vf_relations), T(vf_needs_the_token), T(vf_is_a_controller_with_its_queues),
		T(tokens),
	};

	if (argc != 6) {
		fprintf(stderr, "usage: test_sriov PF_ADDR VF_ADDR TOKEN CNTLID IO_QUEUES\n");
		return 2;
	}
	pf_addr = argv[1];
	vf_addr = argv[2];
	token = argv[3];
	cntlid = (unsigned)atoi(argv[4]);
	io_queues = (unsigned)atoi(argv[5]);
	return check_run(tests, sizeof(tests) / sizeof(tests[0]));
}
