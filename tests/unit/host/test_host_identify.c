/* SPDX-License-Identifier: MIT */
/*
 * What attach asks of a controller: only the Identify data it supports. A controller
 * older than NVMe 2.0 (and without I/O Command Set support in CAP.CSS) fails Identify CNS
 * 06h with Invalid Field and logs an error each time, so attach must not send it; a 2.0
 * controller answers it and gets it.
 */
#include <errno.h>

#include "check.h"
#include "nvmu/host.h"
#include "nvmu/nvme_soft.h"

static const struct nvmu_host_opts opts = { .no_aer = true };

/* Error Information log entries the controller has counted (SMART log). */
static uint64_t error_entries(struct nvmu_host_ctrl *h)
{
	struct nvme_smart_log smart;
	uint64_t n = 0;

	CHECK_EQ(nvmu_host_get_log(h, NVME_LOG_LID_SMART, NVME_NSID_ALL, &smart, sizeof(smart)),
		 0);
	for (int i = 7; i >= 0; i--)
		n = n << 8 | smart.num_err_log_entries[i];
	return n;
}

/* Attach @dev, return the admin commands it took and the errors it logged. */
static void attach_counting(const char *dev, uint64_t *admin_cmds, uint64_t *errors)
{
	struct nvmu_host_ctrl *h = NULL;
	struct nvmu_soft_stats st;

	*admin_cmds = *errors = ~0ull;
	CHECK_EQ(nvmu_host_attach(dev, &opts, &h), 0);
	if (!h)
		return;
	nvmu_soft_stats(nvmu_ctrl_transport(nvmu_host_core(h)), &st);
	*admin_cmds = st.admin_cmds;
	*errors = error_entries(h);
	CHECK_EQ(nvmu_host_detach(h), 0);
}

TEST(older_controller_logs_no_error)
{
	static const char *const devs[] = { "soft", "soft:vs=1.4", "soft:vs=1.3", "soft:vs=1.0" };
	uint64_t cmds, errors;

	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		attach_counting(devs[i], &cmds, &errors);
		CHECK_EQ(errors, 0);
	}
	/* A second attach does not grow the log either. */
	attach_counting("soft", &cmds, &errors);
	CHECK_EQ(errors, 0);
}

TEST(version_2_controller_is_asked)
{
	uint64_t old_cmds, new_cmds, errors;

	attach_counting("soft:vs=1.4", &old_cmds, &errors);
	attach_counting("soft:vs=2.0", &new_cmds, &errors);
	CHECK_EQ(errors, 0);
	CHECK_EQ(new_cmds, old_cmds + 1); /* the one Identify CNS 06h, answered */
}

TEST(version_option_refusals)
{
	struct nvmu_host_ctrl *h = NULL;

	CHECK_EQ(nvmu_host_attach("soft:vs=3.0", &opts, &h), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "vs=3.0");
	CHECK_EQ(nvmu_host_attach("soft:vs=1", &opts, &h), -EINVAL);
	CHECK_EQ(nvmu_host_attach("soft:vs=1.x", &opts, &h), -EINVAL);
	CHECK(h == NULL);
}

RUN_TESTS(T(older_controller_logs_no_error), T(version_2_controller_is_asked),
	  T(version_option_refusals))
