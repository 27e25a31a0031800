/* SPDX-License-Identifier: MIT */
/*
 * nvmu vhost-blk: serve a namespace to virtual machines as a vhost-user-blk disk (the
 * library's backend, vhost_blk.h), with interceptors from the command line, until
 * SIGINT or SIGTERM.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "device.h"
#include "output/json.h"
#include "verbs.h"
#include "nvmu/vhost_blk.h"
#include "vhost/interceptors.h"

#define MAX_ICPT 8

struct vb_args {
	const char *dev, *socket;
	struct nvmu_vhost_blk_opts opts;
	enum cli_format format;
	char *icpt_specs[MAX_ICPT];
	unsigned nicpt;
	const struct tool_icpt *icpt[MAX_ICPT]; /* created, with their state */
	void *icpt_arg[MAX_ICPT];
	int cpus[NVMU_VHOST_BLK_MAX_QUEUES * 4];
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* "0,2-3": CPU numbers and ranges. Returns 0 or EXIT_USAGE. */
static int parse_cpus(const char *verb, const char *text, struct vb_args *a)
{
	char copy[256], *save = NULL;
	cpu_set_t allowed;

	if (strlen(text) >= sizeof(copy))
		return cli_usage_error(verb, "--cpus: the list is too long");
	if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0)
		CPU_ZERO(&allowed);
	strcpy(copy, text);
	for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(item, '-');
		uint32_t lo, hi;

		if (dash)
			*dash = '\0';
		if (cli_parse_u32(verb, "--cpus", item, CPU_SETSIZE - 1, &lo) ||
		    cli_parse_u32(verb, "--cpus", dash ? dash + 1 : item, CPU_SETSIZE - 1, &hi))
			return EXIT_USAGE;
		if (hi < lo)
			return cli_usage_error(verb, "--cpus: range %u-%u goes backwards", lo, hi);
		for (uint32_t c = lo; c <= hi; c++) {
			if (!CPU_ISSET(c, &allowed))
				return cli_usage_error(verb, "--cpus: CPU %u is not one this "
						       "process may run on (see taskset -p $$)",
						       c);
			if (a->opts.ncpus == sizeof(a->cpus) / sizeof(a->cpus[0]))
				return cli_usage_error(verb, "--cpus: too many CPUs");
			a->cpus[a->opts.ncpus++] = (int)c;
		}
	}
	if (!a->opts.ncpus)
		return cli_usage_error(verb, "--cpus expects a list such as 0,2-3");
	a->opts.cpus = a->cpus;
	return 0;
}

static int parse_args(int argc, char **argv, struct vb_args *a)
{
	static const struct option longopts[] = {
		{ "namespace-id", required_argument, NULL, 'n' },
		{ "socket", required_argument, NULL, 's' },
		{ "queues", required_argument, NULL, 'q' },
		{ "read-only", no_argument, NULL, 'r' },
		{ "serial", required_argument, NULL, 'S' },
		{ "intercept", required_argument, NULL, 'i' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "output-format", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *verb = argv[0];
	uint32_t v;
	int opt;

	a->opts.opts_size = sizeof(a->opts);
	a->opts.queues = 1;
	while ((opt = cli_getopt(argc, argv, "n:s:q:rS:i:c:o:", longopts)) != -1) {
		switch (opt) {
		case 'n':
			if (cli_parse_u32(verb, "-n", optarg, UINT32_MAX - 1, &a->opts.nsid))
				return EXIT_USAGE;
			if (!a->opts.nsid)
				return cli_usage_error(verb, "-n: namespace IDs start at 1");
			break;
		case 's': a->socket = optarg; break;
		case 'q':
			if (cli_parse_u32(verb, "--queues", optarg, NVMU_VHOST_BLK_MAX_QUEUES, &v))
				return EXIT_USAGE;
			if (!v)
				return cli_usage_error(verb, "--queues must be at least 1");
			a->opts.queues = v;
			break;
		case 'r': a->opts.read_only = true; break;
		case 'S':
			if (strlen(optarg) > 20)
				return cli_usage_error(verb, "--serial: at most 20 characters");
			a->opts.serial = optarg;
			break;
		case 'i':
			if (a->nicpt == MAX_ICPT)
				return cli_usage_error(verb, "at most %d --intercept", MAX_ICPT);
			a->icpt_specs[a->nicpt++] = optarg;
			break;
		case 'c':
			if (parse_cpus(verb, optarg, a))
				return EXIT_USAGE;
			break;
		case 'o':
			if (cli_parse_format(verb, optarg, &a->format))
				return EXIT_USAGE;
			break;
		default: return EXIT_USAGE;
		}
	}
	if (cli_device_arg(argc, argv, &a->dev))
		return EXIT_USAGE;
	if (!a->socket)
		return cli_usage_error(verb, "--socket PATH is required (QEMU's -chardev "
				       "socket,path=PATH)");
	struct stat st;

	if (lstat(a->socket, &st) == 0 && !S_ISSOCK(st.st_mode))
		return cli_usage_error(verb, "--socket %s exists and is not a socket: remove it "
				       "or choose another path", a->socket);
	return 0;
}

static void print_ready(const struct vb_args *a, struct nvmu_vhost_blk *b)
{
	const struct nvmu_icpt_geometry *g = nvmu_vhost_blk_geometry(b);
	struct json j;

	if (a->format != CLI_FORMAT_JSON) {
		printf("ready\n");
		fflush(stdout);
		return;
	}
	json_init(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "ready");
	json_bool(&j, true);
	json_key(&j, "socket");
	json_string(&j, a->socket);
	json_key(&j, "nsid");
	json_uint(&j, g->nsid);
	json_key(&j, "lba_size");
	json_uint(&j, g->lba_size);
	json_key(&j, "blocks");
	json_uint(&j, g->blocks);
	json_key(&j, "queues");
	json_uint(&j, g->queues);
	json_key(&j, "read_only");
	json_bool(&j, g->read_only);
	json_key(&j, "discard");
	json_bool(&j, g->discard);
	json_key(&j, "write_zeroes");
	json_bool(&j, g->write_zeroes);
	json_object_end(&j);
	json_finish(&j);
	fflush(stdout);
}

static void print_summary(const struct vb_args *a, struct nvmu_vhost_blk *b)
{
	struct nvmu_vhost_blk_stats st;
	char state[MAX_ICPT][256] = { { 0 } };
	struct json j;

	nvmu_vhost_blk_stats(b, &st);
	for (unsigned i = 0; i < a->nicpt; i++)
		if (a->icpt[i] && a->icpt[i]->state)
			a->icpt[i]->state(a->icpt_arg[i], state[i], sizeof(state[i]));
	if (a->format != CLI_FORMAT_JSON) {
		for (unsigned i = 0; i < a->nicpt; i++)
			if (state[i][0])
				printf("%s\n", state[i]);
		printf("stopped: %llu requests, %llu errors, %llu bounced, %llu refused, "
		       "%llu connections, %llu sleeps, %llu resubmitted\n",
		       (unsigned long long)st.requests, (unsigned long long)st.errors,
		       (unsigned long long)st.bounced, (unsigned long long)st.bad_requests,
		       (unsigned long long)st.connections, (unsigned long long)st.sleeps,
		       (unsigned long long)st.resubmitted);
		return;
	}
	json_init(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "requests");
	json_uint(&j, st.requests);
	json_key(&j, "errors");
	json_uint(&j, st.errors);
	json_key(&j, "bounced");
	json_uint(&j, st.bounced);
	json_key(&j, "refused");
	json_uint(&j, st.bad_requests);
	json_key(&j, "connections");
	json_uint(&j, st.connections);
	json_key(&j, "sleeps");
	json_uint(&j, st.sleeps);
	json_key(&j, "resubmitted");
	json_uint(&j, st.resubmitted);
	json_key(&j, "interceptors");
	json_array_begin(&j);
	for (unsigned i = 0; i < a->nicpt; i++)
		if (state[i][0])
			json_string(&j, state[i]);
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

static int add_interceptors(const char *verb, struct vb_args *a, struct nvmu_vhost_blk *b)
{
	for (unsigned i = 0; i < a->nicpt; i++) {
		const struct nvmu_intercept_ops *ops;
		void *arg;
		int ret = icpt_from_spec(verb, a->icpt_specs[i], &a->icpt[i], &ops, &arg);

		if (ret)
			return ret;
		a->icpt_arg[i] = arg;
		if (nvmu_vhost_blk_add_interceptor(b, ops, arg) < 0) {
			if (ops->on_fini)
				ops->on_fini(arg);
			return cli_fail(verb);
		}
	}
	return 0;
}

/* Serve until a signal, or until the device fails under us. */
static int serve(const char *verb, struct tool_dev *d, struct nvmu_vhost_blk *b)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESETHAND };
	const char *why;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop_signal) {
		nvmu_sleep_us(100000);
		nvmu_host_admin_poll(d->host);
		if (nvmu_vhost_blk_failed(b, &why) < 0) {
			fprintf(stderr, "nvmu %s: %s: guest requests fail from now on; stopping\n",
				verb, why);
			return EXIT_FAILED;
		}
	}
	return EXIT_OK;
}

static int run_vhost_blk(int argc, char **argv)
{
	const char *verb = argv[0];
	struct nvmu_vhost_blk *b = NULL;
	struct vb_args a = { 0 };
	struct tool_dev d;
	int ret = parse_args(argc, argv, &a), err;

	if (ret || (ret = device_open(verb, a.dev, &d)))
		return ret;
	err = nvmu_vhost_blk_create(d.host, a.socket, &a.opts, &b);
	if (err < 0) {
		/* A namespace that cannot be served or a file in the way: wrong input. */
		fprintf(stderr, "nvmu %s: %s\n", verb, nvmu_last_error());
		device_close(&d);
		return err == -EINVAL || err == -EEXIST ? EXIT_USAGE : EXIT_FAILED;
	}
	ret = add_interceptors(verb, &a, b);
	if (!ret && (err = nvmu_vhost_blk_start(b)) < 0) {
		fprintf(stderr, "nvmu %s: %s\n", verb, nvmu_last_error());
		ret = err == -EINVAL ? EXIT_USAGE : EXIT_FAILED;
	}
	if (!ret) {
		print_ready(&a, b);
		ret = serve(verb, &d, b);
		if (nvmu_vhost_blk_stop(b, 0) < 0 && !ret)
			ret = cli_fail(verb);
		print_summary(&a, b);
	}
	nvmu_vhost_blk_destroy(b);
	device_close(&d);
	return ret;
}

const struct nvmu_verb nvmu_verb_vhost_blk = {
	.name = "vhost-blk",
	.summary = "serve a namespace to virtual machines as a vhost-user-blk disk",
	.usage = "Usage: nvmu vhost-blk <dev> --socket PATH [-n NSID] [--queues N] [--read-only]\n"
		 "       [--serial S] [--intercept NAME[,OPT=V...]]... [--cpus LIST] [-o json]\n"
		 "\n"
		 "Serve namespace -n (default: the first active one) as a vhost-user-blk disk on\n"
		 "the unix socket PATH, for QEMU's -chardev socket,path=PATH -device\n"
		 "vhost-user-blk-pci,chardev=... (the VM's memory must be shared: a memfd memory\n"
		 "backend with share=on). Guest memory goes to the device without copies when\n"
		 "its transport has an IOMMU. Prints 'ready' once it listens; serves one VM at a\n"
		 "time, accepts the next when it goes away, and runs until SIGINT or SIGTERM,\n"
		 "then finishes what is in flight and prints a summary. If it dies instead, one\n"
		 "started again on PATH gets the guest's requests in flight from QEMU and sends\n"
		 "them again (QEMU keeps them when its chardev has reconnect=1).\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -s, --socket PATH           unix socket to listen on (a stale socket is\n"
		 "                              replaced; any other file is refused)\n"
		 "  -n, --namespace-id NSID     namespace to serve (default: the first active)\n"
		 "  -q, --queues N              virtqueues, each with its own queue pair (1..16,\n"
		 "                              default 1)\n"
		 "  -r, --read-only             offer a read-only disk\n"
		 "  -S, --serial S              what the guest reads as the disk's serial (up to\n"
		 "                              20 characters; default: controller serial-NSID)\n"
		 "  -i, --intercept SPEC        add an interceptor, in command-line order:\n"
		 "                              encrypt,key=FILE (AES-XTS, 32- or 64-byte key)\n"
		 "                              mirror[,ns=N],dev=DEV (writes go to both; dev=\n"
		 "                              takes the rest, commas included)\n"
		 "                              split,at=BYTES (cut requests at multiples of\n"
		 "                              BYTES, e.g. a device's optimal I/O boundary)\n"
		 "  -c, --cpus LIST             CPUs for the poller threads, e.g. 0,2-3\n"
		 "  -o, --output-format FORMAT  normal (the default) or json\n"
		 "  -h, --help                  show this help\n"
		 "\nExit status: 0 when stopped by a signal, 1 if the device cannot be opened or\n"
		 "failed while serving, 2 on a usage error (bad option, a namespace that is not\n"
		 "active or has metadata, a path that is not a socket, an unknown interceptor).\n",
	.run = run_vhost_blk,
};
