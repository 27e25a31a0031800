/* SPDX-License-Identifier: MIT */
/* Controller objects: bring-up, accessors, normal shutdown and release. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "nvme_internal.h"
#include "support/opts.h"

static struct nvmu_ctrl_opts apply_opts(struct nvmu_ctrl *ctrl, const struct nvmu_ctrl_opts *opts,
					uint16_t *admin_entries, uint16_t *io_queues)
{
	struct nvmu_ctrl_opts o;

	OPTS_COPY(o, opts);

	*admin_entries = o.admin_entries ? o.admin_entries : NVMU_ADMIN_ENTRIES_DEFAULT;
	*io_queues = o.io_queues ? o.io_queues : NVMU_IO_QUEUES_DEFAULT;
	ctrl->admin_timeout_ms = o.admin_timeout_ms ? o.admin_timeout_ms
						    : NVMU_ADMIN_TIMEOUT_MS_DEFAULT;
	ctrl->io_timeout_ms = o.io_timeout_ms ? o.io_timeout_ms : NVMU_IO_TIMEOUT_MS_DEFAULT;
	ctrl->max_transfer = o.max_transfer ? o.max_transfer : NVMU_MAX_TRANSFER_DEFAULT;
	return o;
}

/* Bound max_transfer by MDTS (in units of the minimum memory page size). */
static void apply_mdts(struct nvmu_ctrl *ctrl)
{
	uint8_t mdts = ctrl->id.mdts;
	uint64_t limit;

	if (mdts == 0 || mdts >= 32)
		return;
	limit = (uint64_t)(4096u << NVME_CAP_MPSMIN(ctrl->cap)) << mdts;
	if (ctrl->max_transfer > limit)
		ctrl->max_transfer = (size_t)limit;
}

/* Everything up to the first admin command: read CAP, choose CC, disable the controller,
 * allocate the admin queue and the scratch page, and enable it again. */
static int bring_up(struct nvmu_ctrl *ctrl, uint16_t admin_entries)
{
	int ret;

	ctrl->cap = ctrl->t->ops->read64(ctrl->t, NVME_REG_CAP);
	if (ctrl->cap == UINT64_MAX)
		return nvmu_fail(ENODEV, "%s: controller is gone (CAP reads all-ones)",
				 ctrl->t->name);
	ctrl->dstrd = (unsigned)NVME_CAP_DSTRD(ctrl->cap);
	ctrl->ready_timeout_ms = ctrl_cap_timeout_ms(ctrl->cap);
	ret = ctrl_choose_cc(ctrl->cap, nvmu_page_size(), &ctrl->cc, &ctrl->page_size);
	if (ret < 0)
		return ret;
	if (admin_entries < 2 || admin_entries > NVMU_ADMIN_ENTRIES_MAX)
		return nvmu_fail(EINVAL, "admin queue size %u is outside 2..%u", admin_entries,
				 NVMU_ADMIN_ENTRIES_MAX);
	ret = ctrl_disable(ctrl);
	if (ret == 0)
		ret = qpair_alloc(ctrl, 0, admin_entries, NVMU_MAX_TRANSFER_DEFAULT, &ctrl->admin);
	if (ret == 0)
		ret = ctrl->t->ops->dma_alloc(ctrl->t, NVME_IDENTIFY_DATA_SIZE, &ctrl->scratch);
	if (ret == 0)
		ret = ctrl_enable(ctrl);
	return ret;
}

/* Learn what the core needs from the controller: Identify Controller (for MDTS and the
 * optional features) and how many I/O queues Set Features Number of Queues grants. */
static int discover(struct nvmu_ctrl *ctrl, uint16_t io_queues)
{
	int ret = nvmu_admin_identify(ctrl, NVME_IDENTIFY_CNS_CTRL, 0, &ctrl->id);

	if (ret < 0)
		return ret;
	apply_mdts(ctrl);
	ret = nvmu_admin_set_num_queues(ctrl, io_queues, io_queues, &ctrl->io_queues);
	if (ret < 0)
		return ret;
	if (ctrl->io_queues > io_queues)
		ctrl->io_queues = io_queues; /* the controller may grant more than asked */
	ctrl->qid_used = calloc((size_t)ctrl->io_queues + 1, sizeof(bool));
	if (!ctrl->qid_used)
		return nvmu_fail(ENOMEM, "out of memory");
	return 0;
}

/* Disable the controller after the failure @err. Disabling may itself fail and set a new
 * message, so the message of @err is saved and set again: the caller reports the first
 * failure, which is the useful one. */
static int disable_after(struct nvmu_ctrl *ctrl, int err)
{
	char saved[256];
	int ret;

	snprintf(saved, sizeof(saved), "%s", nvmu_last_error());
	ret = ctrl_disable(ctrl);
	if (err < 0)
		nvmu_fail(-err, "%s", saved);
	return ret;
}

static int check_timeouts(const struct nvmu_ctrl *ctrl)
{
	uint32_t t[2] = { ctrl->admin_timeout_ms, ctrl->io_timeout_ms };

	for (int i = 0; i < 2; i++)
		if (t[i] < NVMU_TIMEOUT_MIN_MS || t[i] > NVMU_TIMEOUT_MAX_MS)
			return nvmu_fail(EINVAL, "%s timeout of %u ms is outside %u..%u ms",
					 i ? "the I/O" : "the admin", t[i], NVMU_TIMEOUT_MIN_MS,
					 NVMU_TIMEOUT_MAX_MS);
	return 0;
}

/* The rate of nvmu_ticks() over the bring-up, so periodic checks start about right. */
static void learn_tick_rate(struct nvmu_ctrl *ctrl, uint64_t ticks0)
{
	uint64_t ns = nvmu_now_ns() - ctrl->t0_ns, ticks = nvmu_ticks() - ticks0;

	if (ns > 0 && ticks > 0)
		ctrl->ticks_per_ns = (double)ticks / (double)ns;
	ctrl->admin->next_check = nvmu_ticks() + check_interval_ticks(ctrl);
}

static void release(struct nvmu_ctrl *ctrl)
{
	qpair_free(ctrl->admin);
	ctrl->t->ops->dma_free(ctrl->t, &ctrl->scratch);
	dbbuf_release(ctrl);
	free(ctrl->qid_used);
	pthread_mutex_destroy(&ctrl->admin_lock);
	pthread_mutex_destroy(&ctrl->state_lock);
	free(ctrl);
}

int nvmu_ctrl_open(struct nvmu_transport *t, const struct nvmu_ctrl_opts *opts,
		   struct nvmu_ctrl **out)
{
	struct nvmu_ctrl *ctrl = calloc(1, sizeof(*ctrl));
	struct nvmu_ctrl_opts o;
	uint16_t admin_entries, io_queues;
	int ret;

	uint64_t ticks0 = nvmu_ticks();

	if (!ctrl)
		return nvmu_fail(ENOMEM, "out of memory");
	ctrl->t = t;
	ctrl->t0_ns = nvmu_now_ns();
	ctrl->ticks_per_ns = 1.0; /* learnt below and by every periodic check */
	pthread_mutex_init(&ctrl->admin_lock, NULL);
	pthread_mutex_init(&ctrl->state_lock, NULL);
	o = apply_opts(ctrl, opts, &admin_entries, &io_queues);
	ret = check_timeouts(ctrl);
	if (ret == 0)
		ret = bring_up(ctrl, admin_entries);
	if (ret == 0)
		ret = discover(ctrl, io_queues);
	if (ret == 0)
		dbbuf_setup(ctrl, &o);
	if (ret < 0) {
		/* Stop the device before its queue memory goes away. */
		if (ret != -ENODEV && ctrl->admin)
			disable_after(ctrl, ret);
		release(ctrl);
		return ret;
	}
	learn_tick_rate(ctrl, ticks0);
	*out = ctrl;
	return 0;
}

/* Shutdown deadline: CAP.TO, or RTD3 Entry Latency when the controller says it is longer. */
static uint32_t shutdown_timeout_ms(const struct nvmu_ctrl *ctrl)
{
	uint32_t rtd3e_ms = (uint32_t)(ctrl->id.rtd3e / 1000);

	return rtd3e_ms > ctrl->ready_timeout_ms ? rtd3e_ms : ctrl->ready_timeout_ms;
}

int nvmu_ctrl_close(struct nvmu_ctrl *ctrl)
{
	int ret;

	if (!ctrl)
		return 0;
	io_queues_delete_all(ctrl);
	if (ctrl_state(ctrl) == NVMU_CTRL_REMOVED) {
		ret = nvmu_fail(ENODEV, "%s: not shut down: the device was removed", ctrl->t->name);
	} else {
		ret = ctrl_check_csts(ctrl, ctrl_read32(ctrl, NVME_REG_CSTS), true,
				      "shutting it down");
		if (ret == 0)
			ret = ctrl_shutdown(ctrl, shutdown_timeout_ms(ctrl));
		/* A controller that shut down stays so (CSTS.SHST complete, as the Linux driver
		 * leaves it) until the next bring-up disables it. One that did not is disabled,
		 * so it stops using the queue memory freed below. */
		if (ret < 0 && ret != -ENODEV)
			disable_after(ctrl, ret);
	}
	/* Commands still on the admin queue (event requests) end before their memory goes. */
	pthread_mutex_lock(&ctrl->admin_lock);
	qpair_end_all(ctrl->admin, ctrl_state(ctrl) == NVMU_CTRL_REMOVED
					   ? NVMU_STATUS_HOST(NVME_SC_HOST_PATH_ERROR)
					   : NVMU_STATUS_HOST(NVME_SC_CMD_ABORTED_BY_HOST));
	qpair_complete_ended(ctrl->admin);
	pthread_mutex_unlock(&ctrl->admin_lock);
	release(ctrl);
	return ret;
}

uint64_t nvmu_ctrl_cap(const struct nvmu_ctrl *ctrl)
{
	return ctrl->cap;
}

uint32_t nvmu_ctrl_csts(const struct nvmu_ctrl *ctrl)
{
	return ctrl_read32(ctrl, NVME_REG_CSTS);
}

const struct nvme_id_ctrl *nvmu_ctrl_id(const struct nvmu_ctrl *ctrl)
{
	return &ctrl->id;
}

uint32_t nvmu_ctrl_page_size(const struct nvmu_ctrl *ctrl)
{
	return ctrl->page_size;
}

size_t nvmu_ctrl_max_transfer(const struct nvmu_ctrl *ctrl)
{
	return ctrl->max_transfer;
}

uint16_t nvmu_ctrl_io_queues(const struct nvmu_ctrl *ctrl)
{
	return ctrl->io_queues;
}

uint32_t nvmu_ctrl_max_queue_entries(const struct nvmu_ctrl *ctrl)
{
	uint32_t n = (uint32_t)NVME_CAP_MQES(ctrl->cap) + 1;

	return n > UINT16_MAX ? UINT16_MAX : n; /* ring indexes are 16 bits */
}

bool nvmu_ctrl_sgl_supported(const struct nvmu_ctrl *ctrl)
{
	return (ctrl->id.sgls & NVME_CTRL_SGLS_SUPPORTED) != 0;
}

struct nvmu_transport *nvmu_ctrl_transport(const struct nvmu_ctrl *ctrl)
{
	return ctrl->t;
}

int nvmu_ctrl_dma_alloc(struct nvmu_ctrl *ctrl, size_t len, struct nvmu_dma_buf *buf)
{
	return ctrl->t->ops->dma_alloc(ctrl->t, len, buf);
}

void nvmu_ctrl_dma_free(struct nvmu_ctrl *ctrl, struct nvmu_dma_buf *buf)
{
	ctrl->t->ops->dma_free(ctrl->t, buf);
}
