/* SPDX-License-Identifier: MIT */
/*
 * Several processes on one software controller (soft:name=NAME): a secondary's data
 * round trip seen by the primary, admin commands from a secondary, two secondaries doing
 * verified I/O on disjoint ranges at once, a secondary killed with SIGKILL (the primary
 * reclaims its queues: a new secondary gets all of them again), the primary killed (the
 * secondary's commands end with -ENODEV and a reason, and a new primary starts), and a
 * process of another user refused.
 *
 * Other processes are this program run again with a role (argv[1]); they talk to the
 * test over pipes, one line per request and per answer.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "nvmu/host.h"
#include "nvmu/nvme_soft.h"
#include "nvmu/share.h"

#define QUEUES 4          /* of the controller: a secondary can take them all */
#define BLOCKS_PER_WORKER 256
#define WAIT_MS 10000
#define IO_WAIT_MS 30000 /* an I/O may wait out a reset of both processes on a busy host */

static char run_dir[64];
static int seq;

/* ---- the processes ---- */

struct proc {
	pid_t pid;
	FILE *to, *from;
};

static void dev_name(char *buf, size_t len, int id)
{
	snprintf(buf, len, "soft:name=t%d-%d,queues=%d,size=4M,lbs=512", (int)getpid(), id,
		 QUEUES);
}

/* Start this program as @role with @args; false (and a failed check) if it cannot. */
static bool spawn(struct proc *p, const char *role, const char *a1, const char *a2,
		  const char *a3)
{
	int in[2], out[2];

	if (pipe(in) < 0 || pipe(out) < 0) {
		CHECK(!"pipe");
		return false;
	}
	p->pid = fork();
	if (p->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl("/proc/self/exe", "test_share_soft", role, a1, a2, a3, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	p->to = fdopen(in[1], "w");
	p->from = fdopen(out[0], "r");
	setvbuf(p->to, NULL, _IOLBF, 0);
	return p->pid > 0;
}

/* Send @req (may be NULL) and read one answer line into @buf; false at end of file. */
static bool ask(struct proc *p, const char *req, char *buf, size_t len)
{
	if (req)
		fprintf(p->to, "%s\n", req);
	if (!fgets(buf, (int)len, p->from))
		return false;
	buf[strcspn(buf, "\n")] = '\0';
	return true;
}

static void expect(struct proc *p, const char *req, const char *want)
{
	char line[512] = "";

	CHECK(ask(p, req, line, sizeof(line)));
	CHECK_STR_CONTAINS(line, want);
}

/* End @p: SIGKILL if @kill, else "quit"; returns its exit status. */
static int finish(struct proc *p, bool kill_it)
{
	int st = 0;

	if (kill_it)
		kill(p->pid, SIGKILL);
	else
		fprintf(p->to, "quit\n");
	fclose(p->to);
	fclose(p->from);
	waitpid(p->pid, &st, 0);
	return st;
}

/* ---- what the roles do ---- */

/* Write block @lba of @ns with a pattern made of @lba and @tag, or check it. */
static void pattern(uint8_t *b, size_t len, uint64_t lba, unsigned tag)
{
	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)(lba * 7 + i + tag);
}

/* Write and read back @count blocks from @first with tag @tag; 0 or the first error. */
static int io_round_trip(struct nvmu_host_ctrl *h, struct nvmu_host_qpair *qp,
			 uint64_t first, unsigned count, unsigned tag, bool write)
{
	struct nvmu_ns *ns = nvmu_host_ns_by_id(h, 1);
	struct nvmu_dma_buf buf;
	uint32_t bs = nvmu_ns_lba_size(ns);
	uint8_t want[4096];
	int ret = nvmu_host_dma_alloc(h, bs, &buf);

	for (unsigned i = 0; ret == 0 && i < count; i++) {
		pattern(want, bs, first + i, tag);
		if (write) {
			memcpy(buf.vaddr, want, bs);
			ret = nvmu_ns_write_sync(qp, ns, first + i, &buf, 1, 0, IO_WAIT_MS, NULL);
			if (ret < 0)
				break;
		}
		memset(buf.vaddr, 0, bs);
		ret = nvmu_ns_read_sync(qp, ns, first + i, &buf, 1, 0, IO_WAIT_MS, NULL);
		if (ret == 0 && memcmp(buf.vaddr, want, bs) != 0)
			ret = -EILSEQ;
	}
	nvmu_host_dma_free(h, &buf);
	return ret;
}

/* The next request on stdin, polling @qp meanwhile as an application does (a reset
 * asked for by another thread pauses the pair at its next poll). False at the end. */
static bool next_line(struct nvmu_host_ctrl *h, struct nvmu_host_qpair *qp, char *line,
		      size_t len)
{
	struct pollfd pfd = { .fd = 0, .events = POLLIN };

	while (poll(&pfd, 1, 10) == 0) {
		nvmu_host_qpair_poll(qp, 0);
		nvmu_host_admin_poll(h); /* events, which it passes on to the secondaries */
	}
	return fgets(line, (int)len, stdin) != NULL;
}

/* A process serving requests on stdin until "quit" (or its end). */
static int role_loop(const char *dev, bool io_loop)
{
	struct nvmu_host_ctrl *h = NULL;
	struct nvmu_host_qpair *qp = NULL;
	char line[256];
	int ret = nvmu_host_attach(dev, NULL, &h);

	if (ret == 0)
		ret = nvmu_host_qpair_create(h, NULL, &qp);
	if (ret < 0) {
		printf("error %d %s\n", ret, nvmu_last_error());
		return 1;
	}
	printf("ready %s\n", nvmu_share_role(nvmu_ctrl_transport(nvmu_host_core(h))) ==
				     NVMU_SHARE_PRIMARY ? "primary" : "secondary");
	fflush(stdout);
	if (io_loop) { /* I/O until killed */
		for (unsigned i = 0;; i++)
			io_round_trip(h, qp, i % 64, 1, 9, true);
	}
	while (next_line(h, qp, line, sizeof(line))) {
		unsigned long first, count, tag;

		if (!strncmp(line, "quit", 4))
			break;
		if (!strncmp(line, "secondaries", 11)) {
			printf("secondaries %u\n", nvmu_share_secondaries(nvmu_host_core(h)));
		} else if (sscanf(line, "check %lu %lu %lu", &first, &count, &tag) == 3) {
			ret = io_round_trip(h, qp, first, (unsigned)count, (unsigned)tag, false);
			printf("check %d\n", ret);
		} else if (!strncmp(line, "resets", 6)) {
			struct nvmu_ctrl_recovery_stats st;

			nvmu_ctrl_recovery_stats(nvmu_host_core(h), &st);
			printf("resets %llu\n", (unsigned long long)st.resets);
		} else if (!strncmp(line, "reset", 5)) {
			printf("reset %d\n", nvmu_host_reset(h));
		} else if (sscanf(line, "never %lu", &first) == 1) {
			struct nvmu_soft_fault f = {
				.match = NVMU_SOFT_MATCH_IO | NVMU_SOFT_MATCH_LBA,
				.lba_first = first, .lba_last = first, .times = 1,
				.action = NVMU_SOFT_FAULT_NEVER,
			};

			printf("never %d\n", nvmu_soft_fault_add(nvmu_ctrl_transport(
						     nvmu_host_core(h)), &f) >= 0 ? 0 : -1);
		} else if (!strncmp(line, "event", 5)) {
			/* SMART / health: temperature above threshold, log page 2 */
			printf("event %d\n", nvmu_soft_raise_event(nvmu_ctrl_transport(
						     nvmu_host_core(h)), 1, 1, 2));
		} else if (!strncmp(line, "remove", 6)) {
			nvmu_soft_surprise_remove(nvmu_ctrl_transport(nvmu_host_core(h)));
			printf("removed\n");
		} else if (sscanf(line, "write %lu %lu %lu", &first, &count, &tag) == 3) {
			ret = io_round_trip(h, qp, first, (unsigned)count, (unsigned)tag, true);
			printf("write %d %s\n", ret, ret ? nvmu_last_error() : "");
		} else {
			printf("unknown request\n");
		}
		fflush(stdout);
	}
	nvmu_host_qpair_delete(qp);
	nvmu_host_detach(h);
	return 0;
}

/* ---- tests ---- */

static struct nvmu_host_ctrl *attach_ok(const char *dev, enum nvmu_share_role want)
{
	struct nvmu_host_ctrl *h = NULL;
	int ret = nvmu_host_attach(dev, NULL, &h);

	if (ret < 0)
		fprintf(stderr, "attach %s: %s\n", dev, nvmu_last_error());
	CHECK_EQ(ret, 0);
	if (ret == 0)
		CHECK_EQ(nvmu_share_role(nvmu_ctrl_transport(nvmu_host_core(h))), want);
	return ret == 0 ? h : NULL;
}

/* Poll the primary until it has @n secondaries; false after WAIT_MS. */
static bool wait_secondaries(struct proc *pri, unsigned n)
{
	uint64_t deadline = nvmu_deadline_ms(WAIT_MS);
	char line[128], want[64];

	snprintf(want, sizeof(want), "secondaries %u", n);
	do {
		if (!ask(pri, "secondaries", line, sizeof(line)))
			return false;
		if (!strcmp(line, want))
			return true;
		nvmu_sleep_us(10000);
	} while (!nvmu_deadline_passed(deadline));
	return false;
}

/* Start a primary of a new controller (named in @dev) and join it from this process,
 * with a queue pair in *qp when @qp is not NULL. */
static struct nvmu_host_ctrl *primary_and_secondary(struct proc *pri, char *dev, size_t len,
						    struct nvmu_host_qpair **qp)
{
	struct nvmu_host_ctrl *h;

	dev_name(dev, len, ++seq);
	if (!spawn(pri, "serve", dev, NULL, NULL))
		return NULL;
	expect(pri, NULL, "ready primary");
	h = attach_ok(dev, NVMU_SHARE_SECONDARY);
	if (!h)
		finish(pri, true);
	if (h && qp)
		CHECK_EQ(nvmu_host_qpair_create(h, NULL, qp), 0);
	return h;
}

TEST(secondary_round_trip_and_admin)
{
	struct nvmu_host_ctrl *h;
	struct nvmu_host_qpair *qp = NULL;
	struct proc pri;
	char dev[128], smart[512];

	h = primary_and_secondary(&pri, dev, sizeof(dev), NULL);
	if (!h)
		return;
	/* Identify came through the primary, without shadow doorbells. */
	CHECK_EQ(nvmu_host_id(h)->oacs & NVME_CTRL_OACS_DBBUF_CFG, 0);
	CHECK_EQ(nvmu_host_ns_count(h), 1);
	CHECK_EQ(nvmu_host_get_log(h, NVME_LOG_LID_SMART, 0xffffffff, smart, sizeof(smart)), 0);
	CHECK_EQ(nvmu_host_qpair_create(h, NULL, &qp), 0);
	if (qp) {
		/* Written here, read back here and by the primary on its own queue. */
		CHECK_EQ(io_round_trip(h, qp, 100, 8, 3, true), 0);
		expect(&pri, "check 100 8 3", "check 0");
		expect(&pri, "write 200 4 5", "write 0");
		CHECK_EQ(io_round_trip(h, qp, 200, 4, 5, false), 0);
		expect(&pri, "secondaries", "secondaries 1");
		CHECK_EQ(nvmu_host_qpair_delete(qp), 0);
	}
	CHECK_EQ(nvmu_host_detach(h), 0);
	CHECK(wait_secondaries(&pri, 0)); /* the primary sees the hang-up on its thread */
	CHECK_EQ(finish(&pri, false), 0);
}

TEST(two_secondaries_on_disjoint_ranges)
{
	struct proc pri, a, b;
	char dev[128], req[64];

	dev_name(dev, sizeof(dev), ++seq);
	if (!spawn(&pri, "serve", dev, NULL, NULL))
		return;
	expect(&pri, NULL, "ready primary");
	if (!spawn(&a, "serve", dev, NULL, NULL) || !spawn(&b, "serve", dev, NULL, NULL))
		return;
	expect(&a, NULL, "ready secondary");
	expect(&b, NULL, "ready secondary");
	/* Both write at once, then each checks its range and the other's. */
	snprintf(req, sizeof(req), "write 0 %u 1", BLOCKS_PER_WORKER);
	fprintf(a.to, "%s\n", req);
	snprintf(req, sizeof(req), "write %u %u 2", BLOCKS_PER_WORKER, BLOCKS_PER_WORKER);
	fprintf(b.to, "%s\n", req);
	expect(&a, NULL, "write 0");
	expect(&b, NULL, "write 0");
	snprintf(req, sizeof(req), "check %u %u 2", BLOCKS_PER_WORKER, BLOCKS_PER_WORKER);
	expect(&a, req, "check 0");
	snprintf(req, sizeof(req), "check 0 %u 1", BLOCKS_PER_WORKER);
	expect(&b, req, "check 0");
	expect(&pri, "secondaries", "secondaries 2");
	CHECK_EQ(finish(&a, false), 0);
	CHECK_EQ(finish(&b, false), 0);
	CHECK_EQ(finish(&pri, false), 0);
}

TEST(killed_secondary_is_reclaimed)
{
	struct nvmu_host_qpair *qps[QUEUES] = { 0 };
	struct nvmu_host_ctrl *h;
	struct proc pri, victim;
	char dev[128];
	int st;

	dev_name(dev, sizeof(dev), ++seq);
	if (!spawn(&pri, "serve", dev, NULL, NULL))
		return;
	expect(&pri, NULL, "ready primary"); /* it holds one queue */
	if (!spawn(&victim, "io", dev, NULL, NULL))
		return;
	expect(&victim, NULL, "ready secondary");
	st = finish(&victim, true); /* SIGKILL in the middle of its I/O */
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	CHECK(wait_secondaries(&pri, 0));
	/* Every queue the primary does not use is free again. */
	h = attach_ok(dev, NVMU_SHARE_SECONDARY);
	if (h) {
		for (int i = 0; i < QUEUES - 1; i++) {
			int ret = nvmu_host_qpair_create(h, NULL, &qps[i]);

			if (ret < 0)
				fprintf(stderr, "queue %d: %s\n", i, nvmu_last_error());
			CHECK_EQ(ret, 0);
		}
		if (qps[QUEUES - 2])
			CHECK_EQ(io_round_trip(h, qps[QUEUES - 2], 7, 4, 4, true), 0);
		CHECK_EQ(nvmu_host_qpair_create(h, NULL, &qps[QUEUES - 1]), -EBUSY);
		CHECK_EQ(nvmu_host_detach(h), 0);
	}
	CHECK_EQ(finish(&pri, false), 0);
}

TEST(killed_primary_fails_secondaries_and_a_new_primary_starts)
{
	struct nvmu_host_ctrl *h, *h2;
	struct nvmu_host_qpair *qp = NULL;
	struct proc pri;
	char dev[128];
	int ret = 0;

	h = primary_and_secondary(&pri, dev, sizeof(dev), &qp);
	if (!h)
		return;
	if (qp)
		CHECK_EQ(io_round_trip(h, qp, 0, 2, 1, true), 0);
	finish(&pri, true);
	/* The periodic check of the secondary's polls notices within about 100 ms. */
	for (int i = 0; qp && i < 1000 && ret != -ENODEV; i++)
		ret = io_round_trip(h, qp, 0, 1, 1, true);
	CHECK_EQ(ret, -ENODEV);
	CHECK_EQ(nvmu_host_state(h), NVMU_CTRL_REMOVED);
	CHECK_STR_CONTAINS(nvmu_ctrl_reason(nvmu_host_core(h)), "exited");
	{
		struct nvme_smart_log smart;

		CHECK_EQ(nvmu_host_get_log(h, NVME_LOG_LID_SMART, 0xffffffff, &smart,
					   sizeof(smart)), -ENODEV);
	}
	/* The next attach owns it: the stale socket is reclaimed under the lock. */
	h2 = attach_ok(dev, NVMU_SHARE_PRIMARY);
	if (h2)
		CHECK_EQ(nvmu_host_detach(h2), 0);
	nvmu_host_detach(h); /* its controller is gone: only memory to free */
}

/* I/O of a secondary on its own thread, counting rounds and failures, until stopped. */
struct io_loop {
	struct nvmu_host_ctrl *h;
	struct nvmu_host_qpair *qp;
	volatile bool stop;
	unsigned rounds, failures;
	int last_err;
	pthread_t thread;
};

static void *io_loop_run(void *arg)
{
	struct io_loop *l = arg;

	while (!l->stop) {
		int ret = io_round_trip(l->h, l->qp, 300 + l->rounds % 32, 1, 6, true);

		if (ret < 0) {
			l->failures++;
			l->last_err = ret;
			fprintf(stderr, "I/O loop round %u: %s\n", l->rounds, nvmu_last_error());
		}
		l->rounds++;
	}
	return NULL;
}

static bool io_loop_start(struct io_loop *l, struct nvmu_host_ctrl *h)
{
	const struct nvmu_host_qpair_opts qo = { .retries = 4 };

	memset(l, 0, sizeof(*l));
	l->h = h;
	CHECK_EQ(nvmu_host_qpair_create(h, &qo, &l->qp), 0);
	if (!l->qp)
		return false;
	CHECK_EQ(pthread_create(&l->thread, NULL, io_loop_run, l), 0);
	return true;
}

/* Let it run until it did @more rounds beyond now (a bounded wait). */
static void io_loop_more(struct io_loop *l, unsigned more)
{
	unsigned want = l->rounds + more;
	uint64_t deadline = nvmu_deadline_ms(WAIT_MS);

	while (l->rounds < want && !nvmu_deadline_passed(deadline))
		nvmu_sleep_us(1000);
	CHECK(l->rounds >= want);
}

static void io_loop_stop(struct io_loop *l)
{
	l->stop = true;
	pthread_join(l->thread, NULL);
	if (l->failures)
		fprintf(stderr, "I/O loop: %u of %u rounds failed, last %d\n", l->failures,
			l->rounds, l->last_err);
}

TEST(reset_by_the_primary_pauses_and_recovers_a_secondary)
{
	struct nvmu_ctrl_recovery_stats st;
	struct nvmu_host_ctrl *h;
	struct io_loop l;
	struct proc pri;
	char dev[128];

	h = primary_and_secondary(&pri, dev, sizeof(dev), NULL);
	if (!h)
		return;
	if (io_loop_start(&l, h)) {
		io_loop_more(&l, 20);
		expect(&pri, "reset", "reset 0");
		io_loop_more(&l, 20);
		io_loop_stop(&l);
		CHECK_EQ(l.failures, 0);
	}
	nvmu_ctrl_recovery_stats(nvmu_host_core(h), &st);
	CHECK_EQ(st.resets, 1); /* its own part of the primary's reset */
	expect(&pri, "resets", "resets 1");
	expect(&pri, "write 500 4 8", "write 0"); /* the primary's queue came back too */
	CHECK_EQ(nvmu_host_detach(h), 0);
	CHECK_EQ(finish(&pri, false), 0);
}

/* A primary of a new controller, and this process joined to it with a queue pair. */
struct env {
	struct nvmu_host_ctrl *h;
	struct nvmu_host_qpair *qp;
	struct proc pri;
	char dev[128];
};

static bool env_start(struct env *e)
{
	memset(e, 0, sizeof(*e));
	e->h = primary_and_secondary(&e->pri, e->dev, sizeof(e->dev), &e->qp);
	if (e->h && !e->qp) {
		nvmu_host_detach(e->h);
		finish(&e->pri, true);
	}
	return e->h && e->qp;
}

static void env_end(struct env *e)
{
	CHECK_EQ(nvmu_host_detach(e->h), 0);
	CHECK_EQ(finish(&e->pri, false), 0);
}

TEST(reset_asked_by_a_secondary_is_done_once_by_the_primary)
{
	struct env e;

	if (!env_start(&e))
		return;
	CHECK_EQ(io_round_trip(e.h, e.qp, 40, 2, 2, true), 0);
	CHECK_EQ(nvmu_host_reset(e.h), 0);
	expect(&e.pri, "resets", "resets 1");
	CHECK_EQ(io_round_trip(e.h, e.qp, 40, 2, 2, false), 0);
	expect(&e.pri, "check 40 2 2", "check 0");
	env_end(&e);
}

TEST(a_secondarys_timed_out_command_is_aborted_through_the_primary)
{
	struct nvmu_ctrl_recovery_stats st;
	struct env e;

	if (!env_start(&e))
		return;
	CHECK_EQ(nvmu_host_qpair_set_timeout(e.qp, 200), 0);
	expect(&e.pri, "never 77", "never 0");
	/* The soft controller holds it; the deadline sends an Abort, which ends it. */
	CHECK_EQ(io_round_trip(e.h, e.qp, 77, 1, 1, false), -ETIMEDOUT);
	CHECK_EQ(io_round_trip(e.h, e.qp, 78, 2, 1, true), 0);
	nvmu_ctrl_recovery_stats(nvmu_host_core(e.h), &st);
	CHECK_EQ(st.aborts_sent, 1);
	CHECK_EQ(st.aborts_done, 1);
	CHECK_EQ(st.resets, 0);
	expect(&e.pri, "resets", "resets 0"); /* one command, not the controller */
	env_end(&e);
}

static void count_event(void *arg, const struct nvmu_host_event *ev)
{
	struct nvmu_host_event *last = arg;

	*last = *ev;
}

TEST(an_event_seen_by_the_primary_reaches_its_secondary)
{
	struct nvmu_host_event last = { 0 };
	const struct nvmu_host_opts o = { .event_cb = count_event, .event_arg = &last };
	struct nvmu_host_ctrl *h = NULL;
	struct proc pri;
	char dev[128];
	uint64_t deadline;

	dev_name(dev, sizeof(dev), ++seq);
	if (!spawn(&pri, "serve", dev, NULL, NULL))
		return;
	expect(&pri, NULL, "ready primary");
	CHECK_EQ(nvmu_host_attach(dev, &o, &h), 0);
	if (!h) {
		finish(&pri, true);
		return;
	}
	expect(&pri, "event", "event 0");
	deadline = nvmu_deadline_ms(WAIT_MS);
	while (nvmu_host_events_seen(h) == 0 && !nvmu_deadline_passed(deadline)) {
		nvmu_host_admin_poll(h);
		nvmu_sleep_us(1000);
	}
	CHECK_EQ(nvmu_host_events_seen(h), 1);
	CHECK_EQ(last.type, 1);
	CHECK_EQ(last.info, 1);
	CHECK_EQ(last.log_page, 2);
	CHECK_EQ(nvmu_host_detach(h), 0);
	CHECK_EQ(finish(&pri, false), 0);
}

TEST(removal_seen_by_the_primary_reaches_a_secondary)
{
	struct nvmu_host_ctrl *h;
	struct nvmu_host_qpair *qp = NULL;
	struct proc pri;
	char dev[128];
	int ret = 0;

	h = primary_and_secondary(&pri, dev, sizeof(dev), &qp);
	if (!h)
		return;
	expect(&pri, "remove", "removed");
	/* The primary's sharing thread looks every 100 ms; this process's checks too. */
	for (int i = 0; qp && i < 1000 && ret != -ENODEV; i++) {
		ret = io_round_trip(h, qp, 0, 1, 1, true);
		nvmu_sleep_us(1000);
	}
	CHECK_EQ(ret, -ENODEV);
	CHECK_EQ(nvmu_host_state(h), NVMU_CTRL_REMOVED);
	CHECK_STR_CONTAINS(nvmu_ctrl_reason(nvmu_host_core(h)), "seen by the process that owns");
	nvmu_host_detach(h);
	finish(&pri, false);
}

TEST(another_user_is_refused)
{
	struct proc pri;
	char dev[128], line[512] = "", sock[128];
	int st;

	if (geteuid() != 0)
		return; /* only root can run a process as another user */
	dev_name(dev, sizeof(dev), ++seq);
	if (!spawn(&pri, "serve", dev, NULL, NULL))
		return;
	expect(&pri, NULL, "ready primary");
	/* Let the other user reach the socket, so that the peer check is what refuses. */
	chmod(run_dir, 0755);
	snprintf(sock, sizeof(sock), "%s/soft-t%d-%d.sock", run_dir, (int)getpid(), seq);
	CHECK_EQ(chmod(sock, 0666), 0);
	struct proc other;

	if (!spawn(&other, "nobody", dev, NULL, NULL))
		return;
	CHECK(ask(&other, NULL, line, sizeof(line)));
	CHECK_STR_CONTAINS(line, "error -1 ");
	CHECK_STR_CONTAINS(line, "may not join");
	st = finish(&other, false);
	CHECK(WIFEXITED(st));
	CHECK(wait_secondaries(&pri, 0));
	CHECK_EQ(finish(&pri, false), 0);
}

int main(int argc, char **argv)
{
	static const struct check_test tests[] = {
		{ "secondary_round_trip_and_admin", secondary_round_trip_and_admin },
		{ "two_secondaries_on_disjoint_ranges", two_secondaries_on_disjoint_ranges },
		{ "killed_secondary_is_reclaimed", killed_secondary_is_reclaimed },
		{ "killed_primary_fails_secondaries_and_a_new_primary_starts",
		  killed_primary_fails_secondaries_and_a_new_primary_starts },
		{ "reset_by_the_primary_pauses_and_recovers_a_secondary",
		  reset_by_the_primary_pauses_and_recovers_a_secondary },
		{ "reset_asked_by_a_secondary_is_done_once_by_the_primary",
		  reset_asked_by_a_secondary_is_done_once_by_the_primary },
		{ "a_secondarys_timed_out_command_is_aborted_through_the_primary",
		  a_secondarys_timed_out_command_is_aborted_through_the_primary },
		{ "an_event_seen_by_the_primary_reaches_its_secondary",
		  an_event_seen_by_the_primary_reaches_its_secondary },
		{ "removal_seen_by_the_primary_reaches_a_secondary",
		  removal_seen_by_the_primary_reaches_a_secondary },
		{ "another_user_is_refused", another_user_is_refused },
	};
	int ret;

	if (argc >= 3 && !strcmp(argv[1], "serve"))
		return role_loop(argv[2], false);
	if (argc >= 3 && !strcmp(argv[1], "io"))
		return role_loop(argv[2], true);
	if (argc >= 3 && !strcmp(argv[1], "nobody")) {
		if (setgid(65534) < 0 || setuid(65534) < 0)
			return 2;
		return role_loop(argv[2], false);
	}
	signal(SIGPIPE, SIG_IGN);
	snprintf(run_dir, sizeof(run_dir), "/tmp/nvmu-share-XXXXXX");
	if (!mkdtemp(run_dir))
		return 1;
	setenv("NVMU_STATE_DIR", run_dir, 1);
	ret = check_run(tests, sizeof(tests) / sizeof(tests[0]));
	/* The run directory's lock files: nothing else is left once every process ended. */
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", run_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", run_dir);
	}
	return ret;
}
