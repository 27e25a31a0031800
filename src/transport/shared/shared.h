/* SPDX-License-Identifier: MIT */
/* Sharing a controller between processes (not a public interface): the run directory,
 * the messages on the socket, the primary's service and the secondary's transport. */
#ifndef NVMU_SRC_TRANSPORT_SHARED_SHARED_H
#define NVMU_SRC_TRANSPORT_SHARED_SHARED_H

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

#include "nvmu/share.h"

#define SHARE_VERSION 1
#define SHARE_KEY_MAX 128
#define SHARE_WINDOW_BYTES (64u << 20) /* a secondary's DMA memory */
#define SHARE_JOIN_WAIT_MS 15000       /* a primary still bringing the controller up */
#define SHARE_REPLY_MARGIN_MS 5000     /* beyond an admin command's own deadline */
#define SHARE_MSG_TEXT 256
#define SHARE_QUIESCE_WAIT_MS 5000  /* for every secondary to stop before a reset */
#define SHARE_STOP_DELETE_MS 1000   /* per Delete I/O SQ/CQ of a secondary that stops */
#define SHARE_CHECK_MS 100          /* the sharing thread looks at the controller */
#define SHARE_LEAVE_WAIT_MS 3000    /* for secondaries to let go when the primary leaves */
/* A window is sealed so that it cannot shrink or grow once the primary maps it. */
#define SHARE_WINDOW_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

/* ---- the run directory (rundir.c) ---- */

struct share_paths {
	char dir[PATH_MAX];
	char lock[PATH_MAX];
	char sock[108]; /* sockaddr_un's sun_path */
};

/* The run directory and the lock and socket paths of @key. Creates the directory (0755)
 * and refuses one that others may write. */
int share_paths(const char *key, struct share_paths *p);

/* Take the lock file of @p without waiting: 0 and *fd, -EWOULDBLOCK when another
 * process holds it (*holder gets its pid, or 0), another negative errno otherwise. */
int share_lock(const struct share_paths *p, int *fd, pid_t *holder);

/* Connect to the socket of @p: 0 and *fd; -ENOENT or -ECONNREFUSED when nobody listens. */
int share_connect(const struct share_paths *p, int *fd);

/* Listen on the socket of @p (the lock is held: a stale socket is removed first). */
int share_listen(const struct share_paths *p, int *fd);

/* True if the peer of @fd may join: our own user, root, or a member of @gid (if set). */
bool share_peer_allowed(int fd, bool group_set, gid_t gid, pid_t *pid, uid_t *uid);

/* ---- messages (wire.c) ---- */

enum share_req_type {
	SHARE_HELLO = 1, /* join: the window's memfd travels with it */
	SHARE_QID,       /* the real queue ID of a virtual one */
	SHARE_ADMIN,     /* run an admin command */
	SHARE_DISABLE,   /* the secondary stopped its queues (its CC.EN went to 0): a reset */
};

/* The first page of a secondary's window: what the primary tells it without a message,
 * read from its periodic checks (CSTS). Only the primary writes it. */
enum share_ctl_state {
	SHARE_CTL_LIVE = 0,
	SHARE_CTL_RESETTING, /* stop your queues (CSTS.CFS), then wait for the next epoch */
	SHARE_CTL_FAILED,    /* the primary's reset failed */
	SHARE_CTL_REMOVED,   /* the device is gone (reason) */
};

#define SHARE_EVENTS 16 /* asynchronous events kept in the control page */

struct share_ctl {
	uint32_t state;  /* enum share_ctl_state */
	uint32_t epoch;  /* resets the primary completed */
	char reason[SHARE_MSG_TEXT];
	uint32_t ev_count; /* events written so far; the newest SHARE_EVENTS are kept */
	uint32_t events[SHARE_EVENTS]; /* completion dword 0 of each, at ev_count % N */
};

struct share_req {
	uint64_t seq; /* echoed in the reply, so a late reply is never taken for the next */
	uint32_t type;
	uint32_t version;
	uint64_t window_len;
	uint16_t vqid;
	uint32_t timeout_ms;
	uint64_t iova, len;
	struct nvmu_sqe sqe;
};

struct share_rep {
	uint64_t seq;
	int32_t err; /* 0 or a negative errno, with text */
	char text[SHARE_MSG_TEXT];
	/* join */
	uint64_t cap;
	uint32_t vs;
	int32_t pid;
	uint16_t io_queues;
	uint64_t window_iova;
	uint64_t db_offset, db_len;
	/* queue ID */
	uint16_t rqid;
	/* admin */
	struct nvmu_cpl cpl;
};

/* Send @len bytes of @msg and, if @fd >= 0, that descriptor. 0 or a negative errno. */
int share_send(int sock, const void *msg, size_t len, int fd);
/* Receive one message of exactly @len bytes into @msg, and a descriptor into *fd (-1 if
 * none; @fd may be NULL when none is expected). Waits up to @timeout_ms (-1: forever).
 * 0; -EPIPE when the peer hung up; -ETIMEDOUT; -EPROTO for a message of another size. */
int share_recv(int sock, void *msg, size_t len, int *fd, int timeout_ms);

/* ---- ownership (join.c) ---- */

struct share_primary;

/* The registry's way in: open @rest of @cls as the primary or a secondary. */
int share_open(const struct nvmu_transport_class *cls, const char *rest, const char *key,
	       const struct nvmu_transport_open_opts *opts, struct nvmu_transport **out);
/* Forget what share_open() kept for @t (its lock): nvmu_transport_close() calls it. */
void share_forget(struct nvmu_transport *t);

/* ---- the secondary's transport (secondary.c, window.c) ---- */

/* Join the primary listening on @sock (connected) for device @name. */
int share_secondary_open(int sock, const char *name, struct nvmu_transport **out);
bool share_is_secondary(const struct nvmu_transport *t);

/* A secondary's DMA memory: a memfd carved into page runs by a private bitmap. */
struct share_window {
	int fd;
	uint8_t *base;
	size_t len;
	uint64_t iova;     /* the device address of base, given by the primary */
	uint8_t *used;     /* one byte per page: 0 free, 1 first page of a run, 2 rest */
	size_t pages;
};

int share_window_init(struct share_window *w, size_t len);
void share_window_fini(struct share_window *w);
int share_window_alloc(struct share_window *w, size_t len, struct nvmu_dma_buf *buf);
void share_window_free(struct share_window *w, struct nvmu_dma_buf *buf);

/* ---- the primary's service (primary.c, primary_admin.c) ---- */

struct share_client {
	struct share_client *next;
	int fd;
	pid_t pid;
	uid_t uid;
	uint8_t *win;      /* the secondary's memfd, mapped here */
	size_t win_len;
	uint64_t win_iova; /* its device address, once mapped (mapped) */
	bool mapped, joined;
	uint16_t *rqid;    /* [vqid]: real queue ID, 0 = none; io_queues + 1 entries */
	bool *sq_live, *cq_live; /* [vqid] */
	bool refused;      /* told why it may not join: closed once its request is read */
	bool acked;        /* stopped its queues for the reset in progress (p->lock) */
	bool doomed;       /* did not stop in time: dropped by the sharing thread */
};

struct share_primary {
	struct nvmu_ctrl *ctrl;
	struct nvmu_transport *t;
	struct share_paths paths;
	int listen_fd;
	int stop_fd[2];
	bool group_set;
	gid_t gid;
	pthread_t thread;
	pthread_mutex_t lock; /* the list of clients, and the reset state below */
	pthread_cond_t cond;  /* acks of secondaries, reset requests */
	struct share_client *clients;
	unsigned nclients;
	bool resetting;       /* between the reset hook's two calls */
	bool reset_pending;   /* a reset was asked for and not done yet */
	bool stopping;
	bool removed_told;
	void (*reset)(void *arg); /* resets the controller with every local pair paused */
	void *reset_arg;
	pthread_t worker;     /* runs reset() when a secondary or a check asks for it */
};

/* Write @state (and @reason) into @c's control page. */
void share_ctl_set(struct share_client *c, enum share_ctl_state state, bool new_epoch,
		   const char *reason);
/* The reset hook of a served controller (nvmu_ctrl_set_reset_hook()). */
void share_reset_hook(void *arg, bool begin, int result);
/* The thread that runs the resets secondaries or the checks ask for. */
void *share_reset_worker(void *arg);
/* SHARE_DISABLE from @c: it stopped its queues; ask for a reset if none is under way. */
void share_client_disabled(struct share_primary *p, struct share_client *c);
/* The periodic look at the controller: removal told to everyone, a reset it needs asked
 * for. Runs on the sharing thread. */
void share_watch(struct share_primary *p);

/* Answer admin request @rq of @c into @rp. */
void share_admin(struct share_primary *p, struct share_client *c, const struct share_req *rq,
		 struct share_rep *rp);
/* Delete @c's live queues if the controller answers, keeping their queue IDs: it cleared
 * CC.EN, after which the device must no longer use its queues' memory. */
void share_client_queues_stop(struct share_primary *p, struct share_client *c);
/* Delete @c's live queues and give back its queue IDs (it hung up). */
void share_client_queues_release(struct share_primary *p, struct share_client *c);

/* Start the service of @t's controller (join.c knows the paths and the lock). */
int share_primary_start(struct nvmu_ctrl *ctrl, const struct share_paths *paths,
			void (*reset)(void *arg), void *reset_arg, struct share_primary **out);
void share_primary_stop(struct share_primary *p);

#endif
