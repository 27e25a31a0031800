/* SPDX-License-Identifier: MIT */
/* nvmu serve: hold a controller as the primary for other processes, without doing I/O,
 * until SIGINT or SIGTERM. */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "device.h"
#include "nvmu/share.h"
#include "verbs.h"

/* A group by name or number; 0 or EXIT_USAGE with a message. */
static int parse_group(const char *verb, const char *text, gid_t *gid)
{
	struct group *g = getgrnam(text);
	uint32_t n;

	if (g) {
		*gid = g->gr_gid;
		return 0;
	}
	if (cli_parse_u32(verb, "--group", text, UINT32_MAX - 1, &n))
		return cli_usage_error(verb, "--group %s: no such group (a name or a number)",
				       text);
	*gid = (gid_t)n;
	return 0;
}

/* Why @d cannot be served, or NULL if it is served. */
static const char *not_served(struct tool_dev *d)
{
	switch (nvmu_share_role(nvmu_ctrl_transport(d->ctrl))) {
	case NVMU_SHARE_SECONDARY:
		return "another process owns it already and serves it";
	case NVMU_SHARE_NONE:
		return "it cannot be shared (a software controller needs a name: soft:name=NAME)";
	default:
		return nvmu_share_start(d->ctrl, NULL, NULL) < 0 ? nvmu_last_error() : NULL;
	}
}

/* Wait for a signal of @stop, reaping admin completions (the events it passes on) every
 * 100 ms meanwhile. Returns the signal, or -1 when the device was removed: it is let go
 * then, so that the system can finish removing it. */
static int wait_for_signal(struct tool_dev *d, const sigset_t *stop)
{
	const struct timespec tick = { .tv_nsec = 100 * 1000 * 1000 };
	int sig;

	for (;;) {
		sig = sigtimedwait(stop, NULL, &tick);
		if (sig > 0)
			return sig;
		nvmu_host_admin_poll(d->host);
		if (nvmu_host_state(d->host) == NVMU_CTRL_REMOVED)
			return -1;
	}
}

static int run_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "group", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	/* Event requests armed: the events reach the secondaries that ask for them. */
	const struct nvmu_host_opts opts = { .ctrl.no_dbbuf = true };
	bool group_set = false;
	const char *dev, *why;
	struct tool_dev d;
	gid_t gid = 0;
	sigset_t stop;
	int opt, ret, sig = 0;

	while ((opt = cli_getopt(argc, argv, "g:", longopts)) != -1) {
		if (opt != 'g' || parse_group(argv[0], optarg, &gid))
			return EXIT_USAGE;
		group_set = true;
	}
	if ((ret = cli_device_arg(argc, argv, &dev)))
		return ret;
	/* Blocked before the library starts its threads, so that only sigwait() gets them. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	/* No shadow doorbells: other processes ring MMIO doorbells (share.h). */
	memset(&d, 0, sizeof(d));
	d.name = dev;
	if (nvmu_host_attach(dev, &opts, &d.host) < 0) {
		fprintf(stderr, "nvmu %s: %s\n", argv[0], nvmu_last_error());
		return EXIT_FAILED;
	}
	d.ctrl = nvmu_host_core(d.host);
	why = not_served(&d);
	if (!why && group_set && nvmu_share_allow_group(d.ctrl, gid) < 0)
		why = nvmu_last_error();
	if (why) {
		fprintf(stderr, "nvmu %s: cannot serve %s: %s\n", argv[0], dev, why);
		device_close(&d);
		return EXIT_FAILED;
	}
	printf("Serving %s as its primary (process %d)%s; stop with SIGINT or SIGTERM\n", dev,
	       (int)getpid(), group_set ? ", group members may join" : "");
	fflush(stdout);
	sig = wait_for_signal(&d, &stop);
	if (sig < 0) {
		fprintf(stderr, "nvmu %s: %s was removed (%s)\n", argv[0], dev,
			nvmu_ctrl_reason(d.ctrl));
		device_close(&d);
		return EXIT_FAILED;
	}
	printf("Stopped by %s; %u other process(es) were joined\n", sig == SIGINT ? "SIGINT"
	       : "SIGTERM", nvmu_share_secondaries(d.ctrl));
	return device_close(&d) < 0 ? cli_fail(argv[0]) : EXIT_OK;
}

const struct nvmu_verb nvmu_verb_serve = {
	.name = "serve",
	.summary = "hold a controller for other processes (the primary), doing no I/O",
	.usage = "Usage: nvmu serve <dev> [--group GROUP]\n"
		 "\n"
		 "Attach <dev> as its primary and serve the processes that attach it after\n"
		 "(every nvmu verb and every program of the library joins it without a flag),\n"
		 "until SIGINT or SIGTERM, or until the device is removed (exit status 1).\n"
		 "Only the same user (and root) may join, or members\n"
		 "of GROUP with --group. A software controller is shared only when it has a\n"
		 "name: soft:name=NAME,...\n"
		 "\n"
		 DEVICE_HELP
		 DEVICE_KERNEL_HELP
		 "\n"
		 "Options:\n"
		 "  -g, --group GROUP  let members of GROUP (a name or a number) join too\n"
		 "  -h, --help         show this help\n"
		 "\n"
		 "Exit status: 0 after a signal, 1 if the device cannot be opened or served,\n"
		 "2 on a usage error.\n",
	.run = run_serve,
};
