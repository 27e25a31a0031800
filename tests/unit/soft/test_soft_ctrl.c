/* SPDX-License-Identifier: MIT */
/* The NVMe core brings a software controller up and down: enable, identify, number of
 * queues, normal shutdown observed, reopen, queue pairs, interrupts. */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "soft_env.h"

static void bring_up_and_shutdown(const char *spec)
{
	struct env e;
	struct nvmu_soft_stats st;
	const struct nvme_id_ctrl *id;

	CHECK_EQ(env_open(&e, spec, NULL), 0);
	if (!e.ctrl)
		return;
	id = nvmu_ctrl_id(e.ctrl);
	CHECK(memcmp(id->mn, "nvmu software NVMe controller", 29) == 0);
	CHECK_EQ(id->nn, 16); /* NSIDs past ns= are free for Namespace Management */
	CHECK_EQ(id->mdts, 5);
	CHECK_EQ(nvmu_ctrl_io_queues(e.ctrl), 16);
	CHECK_EQ(nvmu_ctrl_max_queue_entries(e.ctrl), 1024);
	CHECK_EQ(nvmu_ctrl_page_size(e.ctrl), 4096);
	CHECK_EQ(nvmu_ctrl_max_transfer(e.ctrl), 128 * 1024);
	CHECK(NVME_CSTS_RDY(nvmu_ctrl_csts(e.ctrl)));
	nvmu_soft_stats(e.t, &st);
	CHECK_EQ(st.enables, 1);
	CHECK(st.admin_cmds >= 2);
	CHECK_EQ(nvmu_ctrl_close(e.ctrl), 0);
	nvmu_soft_stats(e.t, &st);
	CHECK_EQ(st.shutdowns, 1);
	CHECK_EQ(NVME_CSTS_SHST(st.csts), NVME_CSTS_SHST_CMPLT);
	CHECK_EQ(st.dma_mappings, 0); /* the core freed everything it mapped */
	/* A second bring-up resets the shut-down controller. */
	CHECK_EQ(nvmu_ctrl_open(e.t, NULL, &e.ctrl), 0);
	nvmu_soft_stats(e.t, &st);
	CHECK_EQ(st.disables, 1);
	CHECK_EQ(st.enables, 2);
	CHECK_EQ(env_violations(&e), 0);
	CHECK_EQ(env_close(&e), 0);
}

TEST(bring_up_thread_mode)
{
	bring_up_and_shutdown("");
}

TEST(bring_up_stepped_mode)
{
	bring_up_and_shutdown("mode=step");
}

TEST(queues_granted_follow_options)
{
	struct nvmu_ctrl_opts o = { .io_queues = 64, .admin_entries = 4 };
	struct env e;

	CHECK_EQ(env_open(&e, "queues=3,ns=5,mode=step", &o), 0);
	if (!e.ctrl)
		return;
	CHECK_EQ(nvmu_ctrl_io_queues(e.ctrl), 3);
	CHECK_EQ(nvmu_ctrl_id(e.ctrl)->nn, 16); /* at least 16 NSIDs, 5 of them active */
	CHECK_EQ(env_close(&e), 0);
}

TEST(qpair_create_delete_all_queues)
{
	struct env e;
	struct nvmu_qpair *qp[4] = { 0 };
	struct nvmu_soft_stats st;

	CHECK_EQ(env_open(&e, "queues=3", NULL), 0);
	if (!e.ctrl)
		return;
	for (int i = 0; i < 3; i++)
		CHECK_EQ(nvmu_qpair_create(e.ctrl, NULL, &qp[i]), 0);
	CHECK_EQ(nvmu_qpair_create(e.ctrl, NULL, &qp[3]), -EBUSY);
	nvmu_soft_stats(e.t, &st);
	CHECK_EQ(st.io_queues_live, 6);
	CHECK_EQ(nvmu_qpair_delete(qp[1]), 0);
	nvmu_soft_stats(e.t, &st);
	CHECK_EQ(st.io_queues_live, 4);
	/* The others are deleted by close. */
	CHECK_EQ(env_violations(&e), 0);
	CHECK_EQ(env_close(&e), 0);
}

TEST(interrupt_eventfd_signalled)
{
	struct nvmu_qpair_opts qo = { .entries = 16, .interrupts = true };
	struct nvmu_qpair *qp = NULL;
	struct nvmu_dma_buf buf = { 0 };
	struct nvmu_sqe cmd = rw_cmd(nvme_cmd_read, 1, 0, 8);
	struct io_wait w = { 0 };
	struct env e;
	struct pollfd pfd;
	uint64_t count = 0;

	CHECK_EQ(env_open(&e, "", NULL), 0);
	if (!e.ctrl)
		return;
	CHECK_EQ(nvmu_qpair_create(e.ctrl, &qo, &qp), 0);
	CHECK_EQ(nvmu_ctrl_dma_alloc(e.ctrl, 4096, &buf), 0);
	CHECK(qp && nvmu_qpair_eventfd(qp) >= 0);
	if (qp) {
		CHECK_EQ(nvmu_qpair_submit(qp, &cmd, buf.iova, 4096, io_done, &w), 0);
		nvmu_qpair_ring(qp);
		pfd = (struct pollfd){ .fd = nvmu_qpair_eventfd(qp), .events = POLLIN };
		CHECK_EQ(poll(&pfd, 1, 2000), 1);
		CHECK_EQ(read(pfd.fd, &count, sizeof(count)), sizeof(count));
		CHECK(count >= 1);
		CHECK_EQ(nvmu_qpair_poll(qp, 0), 1);
		CHECK_EQ(w.done, 1);
		CHECK_EQ(w.cpl.status, 0);
	}
	nvmu_ctrl_dma_free(e.ctrl, &buf);
	CHECK_EQ(env_violations(&e), 0);
	CHECK_EQ(env_close(&e), 0);
}

/* nvmu_soft_help(): the option table as text, measured and truncated as snprintf(). */
TEST(help_text_of_the_options)
{
	size_t need = nvmu_soft_help(NULL, 0);
	char small[16], *all = malloc(need + 1);

	CHECK(need > 200);
	CHECK(all != NULL);
	if (!all)
		return;
	CHECK_EQ(nvmu_soft_help(all, need + 1), need);
	CHECK_EQ(strlen(all), need);
	CHECK_STR_CONTAINS(all, "  ns           1       number of namespaces (1..1024)\n");
	CHECK_STR_CONTAINS(all, "\n  ready_delay  0       ");
	CHECK_EQ(nvmu_soft_help(small, sizeof(small)), need);
	CHECK_EQ(strlen(small), sizeof(small) - 1);
	CHECK(!strncmp(small, all, sizeof(small) - 1));
	free(all);
}

RUN_TESTS(T(help_text_of_the_options), T(bring_up_thread_mode), T(bring_up_stepped_mode), T(queues_granted_follow_options),
	  T(qpair_create_delete_all_queues), T(interrupt_eventfd_signalled))
