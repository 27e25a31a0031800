/* SPDX-License-Identifier: MIT */
/*
 * vhost_guard: a vhost-user-blk disk for a VM with an interceptor of its own, built only
 * against nvmu's installed headers and library (intercept.h, vhost_blk.h):
 *
 *     cc vhost_guard.c $(pkg-config --cflags --libs nvmu) -o vhost_guard
 *     vhost_guard soft:size=64M,file=disk.img /tmp/vm.sock 2048 &
 *     qemu-system-x86_64 ... -object memory-backend-memfd,id=mem,size=1G,share=on \
 *         -numa node,memdev=mem -chardev socket,id=c0,path=/tmp/vm.sock \
 *         -device vhost-user-blk-pci,chardev=c0
 *
 * The interceptor write-protects the first GUARD blocks of the disk (a boot area the
 * guest may read but not change: its writes fail with an I/O error), and holds each
 * guest flush until a Flush of its own, sent on the poller's queue pair, completed: the
 * two ways a callback can answer later - pause, then resume or complete. Ctrl-C prints
 * what it saw.
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "nvmu/host.h"
#include "nvmu/intercept.h"
#include "nvmu/vhost_blk.h"

struct guard {
	uint64_t guard_blocks;
	struct nvmu_ns *ns;
	atomic_ulong reads, writes, refused, flushes;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int guard_init(void *arg, struct nvmu_icpt_geometry *g)
{
	struct guard *gd = arg;

	gd->ns = g->ns;
	printf("serving %llu blocks of %u bytes; blocks 0..%llu are read-only\n",
	       (unsigned long long)g->blocks, g->lba_size,
	       (unsigned long long)gd->guard_blocks - 1);
	return 0;
}

static enum nvmu_icpt_verdict guard_read(void *arg, struct nvmu_icpt_req *r)
{
	struct guard *gd = arg;

	(void)r;
	atomic_fetch_add(&gd->reads, 1);
	return NVMU_ICPT_PASS;
}

/* Writes, discards and write zeroes that touch the guarded blocks fail. */
static enum nvmu_icpt_verdict guard_change(void *arg, struct nvmu_icpt_req *r)
{
	struct guard *gd = arg;
	uint64_t first = r->lba;

	if (r->op == NVMU_ICPT_DISCARD)
		for (unsigned i = 0; i < r->nranges; i++)
			first = r->ranges[i].slba < first ? r->ranges[i].slba : first;
	atomic_fetch_add(&gd->writes, 1);
	if (first >= gd->guard_blocks)
		return NVMU_ICPT_PASS;
	atomic_fetch_add(&gd->refused, 1);
	r->status = NVMU_ICPT_S_IOERR;
	return NVMU_ICPT_COMPLETE;
}

/* Our own Flush finished: let the guest's flush go on to the device. */
static void own_flush_done(void *arg, const struct nvmu_cpl *cpl)
{
	struct nvmu_icpt_req *r = arg;

	if (cpl->err)
		nvmu_icpt_complete(r, NVMU_ICPT_S_IOERR);
	else
		nvmu_icpt_resume(r);
}

static enum nvmu_icpt_verdict guard_flush(void *arg, struct nvmu_icpt_req *r)
{
	struct guard *gd = arg;

	atomic_fetch_add(&gd->flushes, 1);
	if (nvmu_ns_flush(r->qp, gd->ns, own_flush_done, r) < 0) {
		r->status = NVMU_ICPT_S_IOERR;
		return NVMU_ICPT_COMPLETE;
	}
	return NVMU_ICPT_PAUSE;
}

static const struct nvmu_intercept_ops guard_ops = {
	.ops_size = sizeof(struct nvmu_intercept_ops),
	.name = "guard",
	.on_init = guard_init,
	.on_read = guard_read,
	.on_write = guard_change,
	.on_discard = guard_change,
	.on_write_zeroes = guard_change,
	.on_flush = guard_flush,
};

int main(int argc, char **argv)
{
	struct guard gd = { .guard_blocks = 2048 };
	struct nvmu_host_ctrl *h;
	struct nvmu_vhost_blk *b;

	if (argc < 3) {
		fprintf(stderr, "usage: vhost_guard DEV SOCKET [GUARD_BLOCKS]\n");
		return 2;
	}
	if (argc > 3)
		gd.guard_blocks = strtoull(argv[3], NULL, 0);
	if (nvmu_host_attach(argv[1], NULL, &h) < 0) {
		fprintf(stderr, "vhost_guard: %s\n", nvmu_last_error());
		return 1;
	}
	if (nvmu_vhost_blk_create(h, argv[2], NULL, &b) < 0 ||
	    nvmu_vhost_blk_add_interceptor(b, &guard_ops, &gd) < 0 ||
	    nvmu_vhost_blk_start(b) < 0) {
		fprintf(stderr, "vhost_guard: %s\n", nvmu_last_error());
		nvmu_host_detach(h);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("ready\n");
	fflush(stdout);
	while (!stop)
		pause();
	nvmu_vhost_blk_destroy(b);
	nvmu_host_detach(h);
	printf("%lu reads, %lu writes (%lu refused), %lu flushes\n", atomic_load(&gd.reads),
	       atomic_load(&gd.writes), atomic_load(&gd.refused), atomic_load(&gd.flushes));
	return 0;
}
