/* SPDX-License-Identifier: MIT */
/*
 * nvmu sriov enable: open the PF, provision the VFs (nvmu_sriov_enable()), print one line
 * per VF, the token and "ready", then hold the PF - its owner must outlive the VFs' users,
 * since closing it resets it - serving the requests of other nvmu processes until SIGINT,
 * SIGTERM or `nvmu sriov disable`. Then the VFs are offlined and disabled and the PF
 * released. While a process has a VF open, a signal only says so; a second one tears the
 * VFs down anyway.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "device.h"
#include "sriov/sriov.h"
#include "verbs.h"

struct hold {
	struct nvmu_sriov *s;
	const struct sriov_req *r;
};

static int serve(void *ctx, const struct sriov_req *req, FILE *out, FILE *err, bool *stop)
{
	struct hold *h = ctx;
	int status = sriov_do(h->s, req, out, err, getpid());

	if (req->sub == SRIOV_DISABLE && status == EXIT_OK)
		*stop = true;
	return status;
}

/* A signal: disable unless a VF is in use; the second signal disables anyway. Returns
 * true when the hold ends. */
static bool on_signal(struct hold *h, int signo, unsigned *signals)
{
	bool force = ++*signals > 1;

	if (nvmu_sriov_disable(h->s, force) == 0)
		return true;
	fprintf(stderr, "nvmu sriov enable: %s (got %s; send it again to tear the VFs down "
		"anyway)\n", nvmu_last_error(), strsignal(signo));
	return false;
}

/* Serve requests and signals until the hold ends. */
static void hold(struct hold *h, int listen_fd, int sig_fd, int *keep)
{
	struct pollfd p[2] = { { .fd = listen_fd, .events = POLLIN },
			       { .fd = sig_fd, .events = POLLIN } };
	struct signalfd_siginfo si;
	unsigned signals = 0;
	bool stop = false;

	while (!stop) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents & POLLIN && read(sig_fd, &si, sizeof(si)) == sizeof(si))
			stop = on_signal(h, (int)si.ssi_signo, &signals);
		else if (p[0].revents & POLLIN)
			sriov_ctl_serve(listen_fd, serve, h, &stop, keep);
	}
}

/* Open the PF, start listening, enable. Returns 0 or an exit status after a message. */
static int start(const struct sriov_req *r, struct tool_dev *d, struct nvmu_sriov **s,
		 int *listen_fd)
{
	struct nvmu_sriov_enable_opts eo = { .vfs = r->vfs, .vq = (uint16_t)r->vq,
					     .vi = (uint16_t)r->vi, .token = r->token };
	pid_t holder;
	int ret;

	*listen_fd = sriov_ctl_listen(r->pf, &holder);
	if (*listen_fd == -EADDRINUSE) {
		fprintf(stderr, "nvmu sriov enable: %s is held by pid %d already (nvmu sriov "
			"enable): disable its VFs first\n", r->pf, (int)holder);
		return EXIT_FAILED;
	}
	if (*listen_fd < 0) {
		fprintf(stderr, "nvmu sriov enable: cannot listen for requests on %s: %s\n", r->pf,
			strerror(-*listen_fd));
		return EXIT_FAILED;
	}
	if ((ret = device_open("sriov enable", r->pf, d)))
		return ret;
	if (nvmu_sriov_open(d->ctrl, s) < 0 || nvmu_sriov_enable(*s, &eo) < 0)
		return cli_fail("sriov enable");
	return 0;
}

int sriov_enable_and_hold(const struct sriov_req *r)
{
	struct nvmu_sriov *s = NULL;
	struct tool_dev d = { 0 };
	sigset_t set, old;
	int listen_fd = -1, sig_fd = -1, keep = -1, ret;

	/* Signals are taken through a signalfd from the start: none ends the process while
	 * VFs are half set up. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, &old);
	ret = start(r, &d, &s, &listen_fd);
	if (ret == 0 && (sig_fd = signalfd(-1, &set, SFD_CLOEXEC)) < 0) {
		fprintf(stderr, "nvmu sriov enable: signalfd: %s\n", strerror(errno));
		nvmu_sriov_disable(s, true);
		ret = EXIT_FAILED;
	}
	if (ret == 0) {
		sriov_print_ready(stdout, s, r->format);
		hold(&(struct hold){ .s = s, .r = r }, listen_fd, sig_fd, &keep);
	}
	if (s && nvmu_sriov_close(s, NVMU_SRIOV_TEARDOWN) < 0)
		ret = cli_fail("sriov enable");
	device_close(&d);
	/* The PF is released: a `disable` waiting on this connection may go on. */
	if (keep >= 0)
		close(keep);
	if (sig_fd >= 0)
		close(sig_fd);
	if (listen_fd >= 0)
		close(listen_fd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
