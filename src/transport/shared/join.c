/* SPDX-License-Identifier: MIT */
/* Who owns a shared controller: a process that opens a shareable device string joins the
 * primary listening on its socket, or takes its lock and becomes the primary. The
 * primaries of this process are kept in a small table, by transport. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared.h"

#define RETRY_SLEEP_US 20000

struct owner {
	struct owner *next;
	const struct nvmu_transport *t;
	struct share_paths paths;
	int lock_fd;
	struct share_primary *primary; /* while serving */
};

static pthread_mutex_t owners_lock = PTHREAD_MUTEX_INITIALIZER;
static struct owner *owners;

/* The record of @t, or NULL; owners_lock is held. */
static struct owner *find_locked(const struct nvmu_transport *t)
{
	for (struct owner *o = owners; o; o = o->next)
		if (o->t == t)
			return o;
	return NULL;
}

static int add_owner(const struct nvmu_transport *t, const struct share_paths *p, int lock_fd)
{
	struct owner *o = calloc(1, sizeof(*o));

	if (!o)
		return nvmu_fail(ENOMEM, "out of memory");
	o->t = t;
	o->paths = *p;
	o->lock_fd = lock_fd;
	pthread_mutex_lock(&owners_lock);
	o->next = owners;
	owners = o;
	pthread_mutex_unlock(&owners_lock);
	return 0;
}

/* Open the controller ourselves, holding its lock. */
static int open_primary(const struct nvmu_transport_class *cls, const char *rest,
			const struct nvmu_transport_open_opts *opts, const struct share_paths *p,
			int lock_fd, struct nvmu_transport **out)
{
	int ret = cls->open(rest, opts, out);

	if (ret == 0)
		ret = add_owner(*out, p, lock_fd);
	if (ret < 0) {
		nvmu_transport_close(*out);
		*out = NULL;
		close(lock_fd);
	}
	return ret;
}

int share_open(const struct nvmu_transport_class *cls, const char *rest, const char *key,
	       const struct nvmu_transport_open_opts *opts, struct nvmu_transport **out)
{
	uint64_t deadline = nvmu_deadline_ms(SHARE_JOIN_WAIT_MS);
	struct share_paths p;
	char name[256];
	int ret = share_paths(key, &p);

	/* Without a run directory (a user who may not create /run/nvmu) nothing is shared,
	 * but the device still opens as before. */
	if (ret < 0) {
		nvmu_log(NVMU_LOG_INFO, "%s:%s is not shared with other processes: %s", cls->name,
			 rest, nvmu_last_error());
		return cls->open(rest, opts, out);
	}
	snprintf(name, sizeof(name), "%s:%s", cls->name, rest);
	for (;;) {
		int sock, lock_fd;
		pid_t holder;

		if (share_connect(&p, &sock) == 0)
			return share_secondary_open(sock, name, out);
		ret = share_lock(&p, &lock_fd, &holder);
		if (ret == 0)
			return open_primary(cls, rest, opts, &p, lock_fd, out);
		if (ret != -EWOULDBLOCK)
			return ret;
		/* Another process owns it and is still bringing it up, or does not serve it. */
		if (nvmu_deadline_passed(deadline))
			return nvmu_fail(EBUSY, "%s is held by process %d (lock %s), which does not "
					 "accept other processes on %s: use it only through that "
					 "process, or stop it", name, (int)holder, p.lock, p.sock);
		nvmu_sleep_us(RETRY_SLEEP_US);
	}
}

void share_forget(struct nvmu_transport *t)
{
	struct owner **pp, *o = NULL;

	pthread_mutex_lock(&owners_lock);
	for (pp = &owners; *pp; pp = &(*pp)->next) {
		if ((*pp)->t == t) {
			o = *pp;
			*pp = o->next;
			break;
		}
	}
	pthread_mutex_unlock(&owners_lock);
	if (!o)
		return;
	if (o->primary) /* nvmu_share_stop() was not called: stop serving at least */
		share_primary_stop(o->primary);
	close(o->lock_fd);
	free(o);
}

enum nvmu_share_role nvmu_share_role(const struct nvmu_transport *t)
{
	bool primary;

	if (share_is_secondary(t))
		return NVMU_SHARE_SECONDARY;
	pthread_mutex_lock(&owners_lock);
	primary = find_locked(t) != NULL;
	pthread_mutex_unlock(&owners_lock);
	return primary ? NVMU_SHARE_PRIMARY : NVMU_SHARE_NONE;
}

int nvmu_share_start(struct nvmu_ctrl *ctrl, void (*reset)(void *arg), void *arg)
{
	struct owner *o;
	int ret = 0;

	pthread_mutex_lock(&owners_lock);
	o = find_locked(nvmu_ctrl_transport(ctrl));
	if (o && !o->primary)
		ret = share_primary_start(ctrl, &o->paths, reset, arg, &o->primary);
	pthread_mutex_unlock(&owners_lock);
	return ret;
}

/* The service of @ctrl, or NULL; owners_lock is held. */
static struct share_primary *served_locked(struct nvmu_ctrl *ctrl)
{
	struct owner *o = find_locked(nvmu_ctrl_transport(ctrl));

	return o ? o->primary : NULL;
}

int nvmu_share_allow_group(struct nvmu_ctrl *ctrl, gid_t gid)
{
	struct share_primary *p;
	int ret = 0;

	pthread_mutex_lock(&owners_lock);
	p = served_locked(ctrl);
	if (!p)
		ret = nvmu_fail(ENOENT, "%s is not served to other processes",
				nvmu_ctrl_transport(ctrl)->name);
	else if (chown(p->paths.sock, (uid_t)-1, gid) < 0 || chmod(p->paths.sock, 0660) < 0)
		ret = nvmu_fail(errno, "cannot give %s to group %u: %s", p->paths.sock,
				(unsigned)gid, strerror(errno));
	if (ret == 0) {
		pthread_mutex_lock(&p->lock);
		p->gid = gid;
		p->group_set = true;
		pthread_mutex_unlock(&p->lock);
	}
	pthread_mutex_unlock(&owners_lock);
	return ret;
}

unsigned nvmu_share_secondaries(struct nvmu_ctrl *ctrl)
{
	struct share_primary *p;
	unsigned n = 0;

	pthread_mutex_lock(&owners_lock);
	p = served_locked(ctrl);
	if (p) {
		pthread_mutex_lock(&p->lock);
		n = p->nclients;
		pthread_mutex_unlock(&p->lock);
	}
	pthread_mutex_unlock(&owners_lock);
	return n;
}

void nvmu_share_event(struct nvmu_ctrl *ctrl, uint32_t dw0)
{
	struct share_primary *p;

	pthread_mutex_lock(&owners_lock);
	p = served_locked(ctrl);
	if (p) {
		pthread_mutex_lock(&p->lock);
		for (struct share_client *c = p->clients; c; c = c->next) {
			struct share_ctl *ctl = (struct share_ctl *)c->win;
			uint32_t n = ctl->ev_count;

			if (!c->joined)
				continue;
			ctl->events[n % SHARE_EVENTS] = dw0;
			__atomic_store_n(&ctl->ev_count, n + 1, __ATOMIC_RELEASE);
		}
		pthread_mutex_unlock(&p->lock);
	}
	pthread_mutex_unlock(&owners_lock);
}

void nvmu_share_stop(struct nvmu_ctrl *ctrl)
{
	struct owner *o;
	struct share_primary *p = NULL;

	pthread_mutex_lock(&owners_lock);
	o = find_locked(nvmu_ctrl_transport(ctrl));
	if (o) {
		p = o->primary;
		o->primary = NULL;
	}
	pthread_mutex_unlock(&owners_lock);
	if (p)
		share_primary_stop(p);
}
