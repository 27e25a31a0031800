/* SPDX-License-Identifier: MIT */
/*
 * The mirror interceptor: every guest write, discard and write zeroes also goes to a
 * second namespace (another device the interceptor attaches), before the backend's own
 * device gets it, so that the guest's completion comes after both. Flushes flush both.
 * Reads come from the backend's device; a read it fails is read again from the mirror.
 * When the mirror fails a command it is marked out of sync and no longer written: the
 * guest keeps running on the primary, and nvmu vhost-blk reports the state.
 *
 * The guest's buffers carry device addresses of the primary's IOMMU only; for the mirror
 * they are foreign (iova 0) and go through its bounce buffers (NVMU_IO_BOUNCE).
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "verbs.h"
#include "nvmu/vhost_blk.h"
#include "vhost/interceptors.h"

#define MAX_PIECES 288

struct mirror {
	const char *dev;
	uint32_t nsid;
	struct nvmu_host_ctrl *h;
	struct nvmu_ns *ns;
	unsigned queues;
	struct nvmu_host_qpair *qp[NVMU_VHOST_BLK_MAX_QUEUES];
	atomic_bool out_of_sync;
	atomic_ulong mirrored, failures, recovered;
	char why[160];
};

static int mirror_init(void *arg, struct nvmu_icpt_geometry *g)
{
	struct mirror *m = arg;
	int ret = nvmu_host_attach(m->dev, NULL, &m->h);

	if (ret < 0)
		return nvmu_fail_context(-ret, "mirror %s", m->dev);
	m->ns = m->nsid ? nvmu_host_ns_by_id(m->h, m->nsid) : nvmu_host_ns(m->h, 0);
	if (!m->ns)
		return nvmu_fail(EINVAL, "mirror %s: namespace %u is not active", m->dev,
				 m->nsid);
	if (nvmu_ns_lba_size(m->ns) != g->lba_size || nvmu_ns_blocks(m->ns) < g->blocks)
		return nvmu_fail(EINVAL, "mirror %s: namespace %u has %llu blocks of %u bytes; "
				 "it needs at least %llu of %u", m->dev, nvmu_ns_id(m->ns),
				 (unsigned long long)nvmu_ns_blocks(m->ns),
				 nvmu_ns_lba_size(m->ns), (unsigned long long)g->blocks,
				 g->lba_size);
	m->queues = g->queues;
	for (unsigned i = 0; i < g->queues; i++)
		if ((ret = nvmu_host_qpair_create(m->h, NULL, &m->qp[i])) < 0)
			return nvmu_fail_context(-ret, "mirror %s: queue pair", m->dev);
	/* The mirror must be able to do what the guest is offered. */
	g->discard = g->discard && nvmu_host_supports(m->h, NVMU_HOST_CMD_DSM);
	g->write_zeroes = g->write_zeroes &&
			  nvmu_host_supports(m->h, NVMU_HOST_CMD_WRITE_ZEROES);
	return 0;
}

static void mark_failed(struct mirror *m, const char *what)
{
	atomic_fetch_add(&m->failures, 1);
	if (!atomic_exchange(&m->out_of_sync, true))
		snprintf(m->why, sizeof(m->why), "%s failed", what);
}

/* The mirror's command of a guest request ended: the request goes on to the primary. */
static void mirrored(void *arg, const struct nvmu_cpl *cpl)
{
	struct nvmu_icpt_req *r = arg;
	struct mirror *m = r->data;

	if (cpl->err)
		mark_failed(m, "a mirrored command");
	else
		atomic_fetch_add(&m->mirrored, 1);
	nvmu_icpt_resume(r);
}

/* r->iov as foreign pieces for the mirror, in @p out. */
static unsigned foreign(const struct nvmu_icpt_req *r, struct nvmu_dma_buf *out)
{
	unsigned n = r->iovcnt < MAX_PIECES ? r->iovcnt : MAX_PIECES;

	for (unsigned i = 0; i < n; i++)
		out[i] = (struct nvmu_dma_buf){ r->iov[i].vaddr, 0, r->iov[i].len };
	return n;
}

static enum nvmu_icpt_verdict mirror_change(void *arg, struct nvmu_icpt_req *r)
{
	struct mirror *m = arg;
	struct nvmu_host_qpair *qp = m->qp[r->queue];
	struct nvmu_dma_buf iov[MAX_PIECES];
	int ret;

	if (atomic_load(&m->out_of_sync))
		return NVMU_ICPT_PASS;
	r->data = m;
	switch (r->op) {
	case NVMU_ICPT_WRITE:
		/* A bounced write gathers its data at submission: iov may go out of scope. */
		ret = nvmu_ns_write(qp, m->ns, r->lba, iov, foreign(r, iov),
				    NVMU_IO_BOUNCE | (r->fua ? NVMU_IO_FUA : 0), mirrored, r);
		break;
	case NVMU_ICPT_DISCARD:
		ret = nvmu_ns_deallocate(qp, m->ns, r->ranges, r->nranges, mirrored, r);
		break;
	case NVMU_ICPT_WRITE_ZEROES:
		ret = nvmu_ns_write_zeroes(qp, m->ns, r->lba, r->nlb,
					   r->unmap ? NVMU_IO_DEALLOCATE : 0, mirrored, r);
		break;
	default:
		ret = nvmu_ns_flush(qp, m->ns, mirrored, r);
	}
	if (ret < 0) {
		mark_failed(m, "submitting to the mirror");
		return NVMU_ICPT_PASS;
	}
	return NVMU_ICPT_PAUSE;
}

/* A read the primary failed: read it from the mirror instead. This waits on the mirror's
 * queue pair, which only this poller uses; it happens only when the primary fails. */
static void mirror_complete(void *arg, struct nvmu_icpt_req *r)
{
	struct mirror *m = arg;
	struct nvmu_dma_buf iov[MAX_PIECES];

	if (r->op != NVMU_ICPT_READ || r->status == NVMU_ICPT_S_OK ||
	    atomic_load(&m->out_of_sync))
		return;
	if (nvmu_ns_read_sync(m->qp[r->queue], m->ns, r->lba, iov, foreign(r, iov),
			      NVMU_IO_BOUNCE, 0, NULL) == 0) {
		r->status = NVMU_ICPT_S_OK;
		atomic_fetch_add(&m->recovered, 1);
	}
}

static unsigned mirror_poll(void *arg, unsigned queue)
{
	struct mirror *m = arg;
	int n = m->qp[queue] ? nvmu_host_qpair_poll(m->qp[queue], 0) : 0;

	if (n < 0 && n != -EBUSY)
		mark_failed(m, "the mirror device");
	return n > 0 ? (unsigned)n : 0;
}

static bool mirror_can_stop(void *arg)
{
	struct mirror *m = arg;

	for (unsigned i = 0; i < m->queues; i++)
		if (m->qp[i] && nvmu_host_qpair_pending(m->qp[i]))
			return false;
	return true;
}

static void mirror_fini(void *arg)
{
	struct mirror *m = arg;

	for (unsigned i = 0; i < m->queues; i++)
		if (m->qp[i])
			nvmu_host_qpair_delete(m->qp[i]);
	if (m->h)
		nvmu_host_detach(m->h);
	free(m);
}

static void mirror_state(void *arg, char *buf, size_t len)
{
	struct mirror *m = arg;

	snprintf(buf, len, "mirror %s: %s%s%s, %lu commands mirrored, %lu failed, %lu reads "
		 "recovered", m->dev, atomic_load(&m->out_of_sync) ? "out of sync (" : "in sync",
		 atomic_load(&m->out_of_sync) ? m->why : "",
		 atomic_load(&m->out_of_sync) ? ")" : "", atomic_load(&m->mirrored),
		 atomic_load(&m->failures), atomic_load(&m->recovered));
}

static const struct nvmu_intercept_ops mirror_ops = {
	.ops_size = sizeof(struct nvmu_intercept_ops),
	.name = "mirror",
	.on_init = mirror_init,
	.on_write = mirror_change,
	.on_discard = mirror_change,
	.on_write_zeroes = mirror_change,
	.on_flush = mirror_change,
	.on_complete = mirror_complete,
	.can_stop = mirror_can_stop,
	.on_fini = mirror_fini,
	.on_poll = mirror_poll,
};

static int mirror_create(const char *verb, const struct icpt_opt *opts, unsigned nopts,
			 const struct nvmu_intercept_ops **ops, void **arg)
{
	static const char *const keys[] = { "dev", "ns", NULL };
	struct mirror *m;
	int ret = icpt_check_keys(verb, "mirror", opts, nopts, keys);

	if (ret)
		return ret;
	m = calloc(1, sizeof(*m));
	if (!m) {
		fprintf(stderr, "nvmu %s: no memory\n", verb);
		return EXIT_FAILED;
	}
	for (unsigned i = 0; i < nopts; i++) {
		if (strcmp(opts[i].key, "dev") == 0)
			m->dev = opts[i].value;
		else if (cli_parse_u32(verb, "--intercept mirror,ns", opts[i].value,
				       UINT32_MAX - 1, &m->nsid) || !m->nsid)
			ret = EXIT_USAGE;
	}
	if (!ret && !m->dev)
		ret = cli_usage_error(verb, "--intercept mirror needs dev=DEVICE");
	if (ret) {
		free(m);
		return EXIT_USAGE;
	}
	*ops = &mirror_ops;
	*arg = m;
	return 0;
}

const struct tool_icpt icpt_mirror = {
	.name = "mirror",
	.help = "mirror[,ns=N],dev=DEV: also write to namespace N of DEV",
	.create = mirror_create,
	.state = mirror_state,
};
