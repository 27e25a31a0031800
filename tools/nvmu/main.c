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
	fprintf(out, "Usage: nvmu <command> [options] [arguments]\n"
		     "       nvmu <command> --help | nvmu help [<command>] | nvmu version\n"
		     "\n"
		     "nvmu drives NVMe controllers from user space through VFIO.\n"
		     "\n"
		     "Commands:\n");
	for (size_t i = 0; i < NVERBS; i++)
		fprintf(out, "  %-14s  %s\n", verbs[i]->name, verbs[i]->summary);
	fprintf(out, "\n"
		     "Output goes to stdout, errors to stderr. Exit status: 0 on success, 1 if an\n"
		     "operation failed, 2 on a usage error.\n"
		     "\n"
		     "Environment: NVMU_LOG_LEVEL (0-3) sets the library's log level;\n"
		     "NVMU_SYSFS_ROOT, NVMU_PROCFS_ROOT and NVMU_STATE_DIR replace /sys, /proc "
		     "and\n"
		     "/run/nvmu (for tests).\n");
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
	verb = find_verb(argv[2]);
	if (!verb)
		return unknown_verb(argv[2]);
	device_print_usage(stdout, verb->usage);
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

/* The command; *verb_name gets the verb for messages (NULL for nvmu's own options). */
static int run(int argc, char **argv, const char **verb_name)
{
	const struct nvmu_verb *verb;

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
	verb = find_verb(argv[1]);
	if (!verb)
		return unknown_verb(argv[1]);
	*verb_name = verb->name;
	if (wants_help(argc - 1, argv + 1)) {
		device_print_usage(stdout, verb->usage);
		return EXIT_OK;
	}
	if (apply_environment())
		return EXIT_USAGE;
	optind = 0; /* glibc: start getopt afresh on the verb's arguments */
	return verb->run(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
	const char *verb = NULL;
	int status;

	watch_stdout();
	status = run(argc, argv, &verb);
	return finish_output(verb, status);
}
