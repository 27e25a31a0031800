/* SPDX-License-Identifier: MIT */
/* nvmu: the command-line tool. Dispatches `nvmu <verb> ...` to the verbs of verbs.h. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "device.h"
#include "help_gen.h"
#include "output_wrap.h"
#include "nvmu/pci.h"
#include "verbs.h"

#define NVMU_VERB_ENTRY(id) &nvmu_verb_##id,
static const struct nvmu_verb *const verbs[] = { NVMU_VERBS(NVMU_VERB_ENTRY) };
#undef NVMU_VERB_ENTRY
#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

static const struct nvmu_verb *find_verb(const char *name)
{
	for (size_t i = 0; i < NVERBS; i++)
		if (!strcmp(verbs[i]->name, name))
			return verbs[i];
	return NULL;
}

static void print_overview(FILE *out)
{
	fprintf(out, "Usage: nvmu [-v...] <command> [options] [arguments]\n"
		     "       nvmu <command> --help | nvmu help [<command> | soft] | nvmu version\n"
		     "\n"
		     "nvmu drives NVMe controllers from user space through VFIO.\n"
		     "\n"
		     "Commands:\n");
	for (size_t i = 0; i < NVERBS; i++)
		fprintf(out, "  %-20s  %s\n", verbs[i]->name, verbs[i]->summary);
	fprintf(out, "\n"
		     "Output goes to stdout, errors to stderr. Exit status: 0 on success, 1 if an\n"
		     "operation failed, 2 on a usage error. Numbers are decimal or 0x hex; sizes\n"
		     "also take a unit k, m, g or t (4k = 4096). 'nvmu help soft' lists the\n"
		     "options of the software controller (soft:), which every command accepts.\n"
		     "\n"
		     "-v, --verbose (before the command, or --verbose after it; repeatable) shows\n"
		     "the library's messages: once info, twice debug.\n"
		     "Environment: NVMU_LOG_LEVEL (0-3, or error, warning, info, debug) sets the\n"
		     "library's log level; NVMU_VF_TOKEN is the VF token for SR-IOV VFs (as\n"
		     "--vf-token); NVMU_SYSFS_ROOT, NVMU_PROCFS_ROOT and NVMU_STATE_DIR replace\n"
		     "/sys, /proc and /run/nvmu (for tests).\n");
}

static int unknown_verb(const char *name)
{
	fprintf(stderr, "nvmu: unknown command '%s'\nRun 'nvmu help' for the list of commands.\n",
		name);
	return EXIT_USAGE;
}

/* `nvmu help [verb]` */
static int help(int argc, char **argv)
{
	const struct nvmu_verb *verb;

	if (argc < 3) {
		print_overview(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[2], "soft")) {
		help_print_soft(stdout);
		return EXIT_OK;
	}
	verb = find_verb(argv[2]);
	if (!verb)
		return unknown_verb(argv[2]);
	output_wrap_print_usage(stdout, verb);
	return EXIT_OK;
}

/* True if the verb's arguments ask for help (before any "--"). */
static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

/* Point the PCI layer at other sysfs/procfs/state roots if the environment asks to. */
static int apply_environment(void)
{
	const char *sys = getenv("NVMU_SYSFS_ROOT");
	const char *proc = getenv("NVMU_PROCFS_ROOT");
	const char *state = getenv("NVMU_STATE_DIR");

	if ((sys || proc || state) && nvmu_pci_set_roots(sys, proc, state)) {
		fprintf(stderr, "nvmu: %s\n", nvmu_last_error());
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/*
 * The first error of a write to stdout. stdio keeps only a flag: the errno of a flush
 * that failed inside some printf() is gone by the time the verb returns, so stdout
 * writes through stdout_write(), which remembers it.
 */
static int stdout_errno;

static ssize_t stdout_write(void *cookie, const char *buf, size_t len)
{
	size_t done = 0;

	(void)cookie;
	/* All of it or an error: stdio takes a short count for a failure. */
	while (done < len) {
		ssize_t n = write(STDOUT_FILENO, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (!stdout_errno)
				stdout_errno = errno;
			return done ? (ssize_t)done : -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)done;
}

static int stdout_close(void *cookie)
{
	(void)cookie;
	if (close(STDOUT_FILENO) == 0)
		return 0;
	if (!stdout_errno)
		stdout_errno = errno;
	return -1;
}

/* Make stdout remember its first write error (stdout_errno), buffered as before. */
static void watch_stdout(void)
{
	cookie_io_functions_t io = { .write = stdout_write, .close = stdout_close };
	FILE *s = fopencookie(NULL, "w", io);

	if (!s)
		return; /* stdout as it was: finish_output() still sees its error flag */
	setvbuf(s, NULL, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, BUFSIZ);
	stdout = s;
}

/*
 * Flush and close stdout after the command: output that could not be written fails the
 * command (exit 1), saying why, since a caller would otherwise take a truncated or
 * missing report for a whole one. Returns the command's exit status.
 */
static int finish_output(const char *verb, int status)
{
	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout) && fclose(stdout) == 0 && !stdout_errno)
		return status;
	if (!stdout_errno)
		stdout_errno = errno ? errno : EIO;
	fprintf(stderr, "nvmu%s%s: cannot write output: %s\n", verb ? " " : "", verb ? verb : "",
		strerror(stdout_errno));
	return status == EXIT_OK ? EXIT_FAILED : status;
}

/*
 * The library's log level: NVMU_LOG_LEVEL (a number 0-3 or a level's name; anything else
 * is refused), raised by each -v/--verbose from warning.
 */
static int apply_log_level(void)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	const char *env = getenv("NVMU_LOG_LEVEL");
	int level = NVMU_LOG_WARN;

	if (env) {
		level = -1;
		for (int i = 0; i < 4; i++)
			if (!strcmp(env, names[i]) || (env[0] == '0' + i && !env[1]))
				level = i;
		if (level < 0) {
			fprintf(stderr, "nvmu: NVMU_LOG_LEVEL='%s' is not a log level: give 0-3 or "
				"error, warning, info, debug\n", env);
			return EXIT_USAGE;
		}
	}
	level += cli_verbose;
	nvmu_log_set_level(level > NVMU_LOG_DEBUG ? NVMU_LOG_DEBUG : (enum nvmu_log_level)level);
	return EXIT_OK;
}

/* A -v, -vv..., or --verbose: adds to cli_verbose and returns true. */
static bool verbose_arg(const char *arg)
{
	size_t n = strspn(arg + 1, "v");

	if (!strcmp(arg, "--verbose")) {
		cli_verbose++;
		return true;
	}
	if (arg[0] != '-' || n == 0 || arg[1 + n])
		return false;
	cli_verbose += (int)n;
	return true;
}

/*
 * Take nvmu's own -v/--verbose out of the arguments: any before the command, and the long
 * form after it (a verb's -v is its own, as in nvme-cli). Returns the new argc.
 */
static int take_verbose(int argc, char **argv)
{
	int out = 1, i = 1;

	while (i < argc && verbose_arg(argv[i]))
		i++;
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		if (strcmp(argv[i], "--verbose") || !verbose_arg(argv[i]))
			argv[out++] = argv[i];
	}
	argv[out] = NULL;
	return out;
}

/* `nvmu --dump-man DIR` and `nvmu --dump-completion FILE`, run by the build. */
static int dump(int argc, char **argv)
{
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "nvmu: %s needs one argument\n", argv[1]);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--dump-man"))
		return help_write_man(argv[2], verbs, NVERBS, print_overview) ? EXIT_FAILED
									       : EXIT_OK;
	f = fopen(argv[2], "w");
	if (!f) {
		fprintf(stderr, "nvmu: cannot create %s: %s\n", argv[2], strerror(errno));
		return EXIT_FAILED;
	}
	help_write_completion(f, verbs, NVERBS);
	if (fclose(f) == 0)
		return EXIT_OK;
	fprintf(stderr, "nvmu: cannot write %s: %s\n", argv[2], strerror(errno));
	return EXIT_FAILED;
}

/* The command; *verb_name gets the verb for messages (NULL for nvmu's own options). */
static int run(int argc, char **argv, const char **verb_name)
{
	const struct nvmu_verb *verb;

	argc = take_verbose(argc, argv);
	if (apply_log_level())
		return EXIT_USAGE;
	if (argc >= 2 && (!strcmp(argv[1], "--dump-man") || !strcmp(argv[1], "--dump-completion")))
		return dump(argc, argv);
	if (argc < 2) {
		print_overview(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("nvmu %s\n", nvmu_version());
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return help(argc, argv);
	if (argv[1][0] == '-') {
		fprintf(stderr, "nvmu: unknown option '%s' (nvmu's own are -v, --verbose, "
			"--version)\nRun 'nvmu help' for usage.\n", argv[1]);
		return EXIT_USAGE;
	}
	verb = find_verb(argv[1]);
	if (!verb)
		return unknown_verb(argv[1]);
	*verb_name = verb->name;
	if (wants_help(argc - 1, argv + 1)) {
		output_wrap_print_usage(stdout, verb);
		return EXIT_OK;
	}
	if (apply_environment())
		return EXIT_USAGE;
	argc--;
	argv++;
	if (device_take_vf_token(verb->name, verb->usage, &argc, argv))
		return EXIT_USAGE;
	optind = 0; /* glibc: start getopt afresh on the verb's arguments */
	return output_wrap_run(verb, argc, argv);
}

int main(int argc, char **argv)
{
	const char *verb = NULL;
	int status;

	watch_stdout();
	status = run(argc, argv, &verb);
	return finish_output(verb, status);
}
