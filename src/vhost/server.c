/* SPDX-License-Identifier: MIT */
/*
 * The backend's life: the listening socket, the socket thread that accepts one front-end
 * at a time (a front-end that goes away leaves the backend serving: the next one is
 * accepted), the interceptor chain, statistics.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "support/opts.h"
#include "vhost_internal.h"

#define STOP_TIMEOUT_MS 30000

static int check_ns(struct nvmu_vhost_blk *b)
{
	const struct nvmu_ns_info *info;

	b->ns = b->opts.nsid ? nvmu_host_ns_by_id(b->h, b->opts.nsid) : nvmu_host_ns(b->h, 0);
	if (!b->ns)
		return b->opts.nsid ? nvmu_fail(EINVAL, "namespace %u is not active on %s",
						b->opts.nsid, nvmu_host_name(b->h))
				    : nvmu_fail(EINVAL, "%s has no active namespace",
						nvmu_host_name(b->h));
	info = nvmu_ns_info(b->ns);
	if (!nvmu_ns_usable(b->ns))
		return nvmu_fail(EINVAL, "namespace %u cannot be served: %s", info->nsid,
				 nvmu_ns_unusable_reason(b->ns));
	if (info->ms)
		return nvmu_fail(EINVAL, "namespace %u has %u bytes of metadata per block, which "
				 "a virtio-blk disk cannot carry: format it without metadata",
				 info->nsid, info->ms);
	if (info->lba_size > 65536)
		return nvmu_fail(EINVAL, "namespace %u has %u-byte blocks; virtio-blk guests "
				 "take at most 64 KiB", info->nsid, info->lba_size);
	b->geo = (struct nvmu_icpt_geometry){
		.host = b->h, .ns = b->ns, .nsid = info->nsid, .lba_size = info->lba_size,
		.blocks = nvmu_ns_blocks(b->ns), .queues = b->opts.queues,
		.read_only = b->opts.read_only,
		.discard = !b->opts.read_only && nvmu_host_supports(b->h, NVMU_HOST_CMD_DSM),
		.write_zeroes = !b->opts.read_only &&
				nvmu_host_supports(b->h, NVMU_HOST_CMD_WRITE_ZEROES),
	};
	b->lba_shift = (unsigned)__builtin_ctz(info->lba_size);
	return 0;
}

static int listen_on(struct nvmu_vhost_blk *b, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;

	if (strlen(path) >= sizeof(sa.sun_path))
		return nvmu_fail(EINVAL, "socket path %s is longer than %zu bytes", path,
				 sizeof(sa.sun_path) - 1);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return nvmu_fail(EEXIST, "%s exists and is not a socket: remove it or "
					 "choose another path", path);
		unlink(path); /* a socket left by an earlier run */
	}
	strcpy(sa.sun_path, path);
	b->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (b->listen_fd < 0)
		return nvmu_fail(errno, "socket: %s", strerror(errno));
	if (bind(b->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return nvmu_fail(errno, "binding the socket %s: %s", path, strerror(errno));
	if (listen(b->listen_fd, 1) < 0)
		return nvmu_fail(errno, "listening on %s: %s", path, strerror(errno));
	b->path = strdup(path);
	return b->path ? 0 : nvmu_fail(ENOMEM, "no memory");
}

int nvmu_vhost_blk_create(struct nvmu_host_ctrl *h, const char *path,
			  const struct nvmu_vhost_blk_opts *opts, struct nvmu_vhost_blk **out)
{
	struct nvmu_vhost_blk *b = calloc(1, sizeof(*b));
	int ret;

	if (!b)
		return nvmu_fail(ENOMEM, "no memory for the vhost-blk backend");
	OPTS_COPY(b->opts, opts);
	b->opts.serial = NULL;
	b->h = h;
	b->listen_fd = b->conn_fd = b->stop_fd = -1;
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->cond, NULL);
	for (unsigned i = 0; i < NVMU_VHOST_BLK_MAX_QUEUES; i++) {
		b->vq[i].index = i;
		b->vq[i].kick_fd = b->vq[i].call_fd = b->vq[i].err_fd = -1;
		b->pollers[i].epfd = b->pollers[i].wake_fd = -1;
	}
	if (!b->opts.queues)
		b->opts.queues = 1;
	if (!b->opts.idle_spin_us)
		b->opts.idle_spin_us = 200;
	b->writeback = 1;
	if (b->opts.queues > NVMU_VHOST_BLK_MAX_QUEUES) {
		ret = nvmu_fail(EINVAL, "%u queues: at most %d", b->opts.queues,
				NVMU_VHOST_BLK_MAX_QUEUES);
		goto fail;
	}
	if (opts && opts->serial && strlen(opts->serial) > VH_SERIAL_LEN) {
		ret = nvmu_fail(EINVAL, "serial \"%s\" is longer than %d bytes", opts->serial,
				VH_SERIAL_LEN);
		goto fail;
	}
	if ((ret = check_ns(b)) < 0)
		goto fail;
	if (opts && opts->serial)
		memcpy(b->serial, opts->serial, strlen(opts->serial));
	else
		vh_blk_default_serial(b);
	b->features = vh_blk_features(b);
	b->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (b->stop_fd < 0) {
		ret = nvmu_fail(errno, "eventfd: %s", strerror(errno));
		goto fail;
	}
	if ((ret = listen_on(b, path)) < 0)
		goto fail;
	*out = b;
	return 0;
fail:
	nvmu_vhost_blk_destroy(b);
	return ret;
}

int nvmu_vhost_blk_add_interceptor(struct nvmu_vhost_blk *b,
				   const struct nvmu_intercept_ops *ops, void *arg)
{
	struct vh_icpt *ic;

	if (b->started)
		return nvmu_fail(EBUSY, "interceptors are added before the backend starts");
	if (!ops || !ops->name)
		return nvmu_fail(EINVAL, "an interceptor needs a name");
	if (b->nicpt == VH_MAX_ICPT)
		return nvmu_fail(ENOMEM, "at most %d interceptors", VH_MAX_ICPT);
	ic = &b->icpt[b->nicpt++];
	opts_copy(&ic->ops, sizeof(ic->ops), ops, sizeof(ic->ops));
	ic->arg = arg;
	return 0;
}

static void *socket_main(void *arg)
{
	struct nvmu_vhost_blk *b = arg;

	for (;;) {
		struct pollfd pf[2] = { { b->listen_fd, POLLIN, 0 }, { b->stop_fd, POLLIN, 0 } };

		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[1].revents)
			break;
		b->conn_fd = accept4(b->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (b->conn_fd < 0) {
			nvmu_sleep_us(10000); /* out of descriptors, say: do not spin on it */
			continue;
		}
		atomic_fetch_add(&b->connections, 1);
		atomic_store(&b->connected, true);
		vh_serve_connection(b);
	}
	return NULL;
}

int nvmu_vhost_blk_start(struct nvmu_vhost_blk *b)
{
	int ret;

	if (b->started)
		return nvmu_fail(EBUSY, "the backend runs already");
	for (unsigned i = 0; i < b->nicpt; i++) {
		struct vh_icpt *ic = &b->icpt[i];

		if (ic->ops.on_init && (ret = ic->ops.on_init(ic->arg, &b->geo)) < 0)
			return nvmu_fail_context(-ret, "interceptor %s", ic->ops.name);
	}
	b->features = vh_blk_features(b); /* an interceptor may have turned some off */
	b->started = true;
	ret = vh_pollers_start(b);
	if (ret == 0) {
		ret = pthread_create(&b->ctl_thread, NULL, socket_main, b);
		if (ret)
			ret = nvmu_fail(ret, "starting the socket thread: %s", strerror(ret));
		else
			b->ctl_started = true;
		if (!ret)
			pthread_setname_np(b->ctl_thread, "nvmu-vhost");
	}
	if (ret < 0)
		nvmu_vhost_blk_stop(b, 1000);
	return ret;
}

static bool interceptors_done(const struct nvmu_vhost_blk *b)
{
	for (unsigned i = 0; i < b->nicpt; i++)
		if (b->icpt[i].ops.can_stop && !b->icpt[i].ops.can_stop(b->icpt[i].arg))
			return false;
	return true;
}

int nvmu_vhost_blk_stop(struct nvmu_vhost_blk *b, uint32_t timeout_ms)
{
	uint64_t deadline = nvmu_deadline_ms(timeout_ms ? timeout_ms : STOP_TIMEOUT_MS);
	int ret = 0;

	if (!b->started)
		return 0;
	/* The socket thread ends the connection: the pollers finish what is in flight. */
	if (b->ctl_started) {
		eventfd_write(b->stop_fd, 1);
		pthread_join(b->ctl_thread, NULL);
		b->ctl_started = false;
	}
	while (!interceptors_done(b)) {
		if (nvmu_deadline_passed(deadline)) {
			ret = nvmu_fail(ETIMEDOUT, "an interceptor still had work when the "
					"backend stopped");
			break;
		}
		nvmu_sleep_us(1000);
	}
	vh_pollers_join(b);
	b->started = false;
	return ret;
}

void nvmu_vhost_blk_destroy(struct nvmu_vhost_blk *b)
{
	if (!b)
		return;
	nvmu_vhost_blk_stop(b, 0);
	for (unsigned i = 0; i < b->nicpt; i++)
		if (b->icpt[i].ops.on_fini)
			b->icpt[i].ops.on_fini(b->icpt[i].arg);
	for (unsigned i = 0; i < NVMU_VHOST_BLK_MAX_QUEUES; i++)
		vh_vring_reset(&b->vq[i], b->h);
	vh_mem_clear(&b->mem, b->h);
	if (b->listen_fd >= 0)
		close(b->listen_fd);
	if (b->stop_fd >= 0)
		close(b->stop_fd);
	if (b->path)
		unlink(b->path);
	free(b->path);
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->cond);
	free(b);
}

const struct nvmu_icpt_geometry *nvmu_vhost_blk_geometry(const struct nvmu_vhost_blk *b)
{
	return &b->geo;
}

void nvmu_vhost_blk_stats(const struct nvmu_vhost_blk *b, struct nvmu_vhost_blk_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (unsigned i = 0; i < b->opts.queues; i++) {
		const struct vh_poller_stats *p = &b->pollers[i].st;

		st->requests += atomic_load(&p->requests);
		st->errors += atomic_load(&p->errors);
		st->bounced += atomic_load(&p->bounced);
		st->bad_requests += atomic_load(&p->bad_requests);
		st->sleeps += atomic_load(&p->sleeps);
		st->resubmitted += atomic_load(&p->resubmitted);
	}
	st->connections = atomic_load(&b->connections);
	st->connected = atomic_load(&b->connected);
	/* The region counts are the socket thread's; a torn read is only a stale count. */
	st->regions = __atomic_load_n(&b->mem.n, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < st->regions && i < VH_MAX_REGIONS; i++)
		st->regions_dma += b->mem.r[i].iova != 0;
}

int nvmu_vhost_blk_failed(const struct nvmu_vhost_blk *b, const char **why)
{
	int err = atomic_load(&((struct nvmu_vhost_blk *)b)->failed);

	if (why)
		*why = err ? b->failed_why : NULL;
	return err;
}
