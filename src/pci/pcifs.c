/* SPDX-License-Identifier: MIT */
/* Paths under the configurable roots, and the small sysfs and procfs file helpers of the
 * PCI layer. The roots can be moved so that tests run against a fake tree. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nvmu/pci.h"
#include "pci/pcifs.h"

static char sys_root[PATH_MAX] = "/sys";
static char proc_root[PATH_MAX] = "/proc";
static char state_dir[PATH_MAX] = "/run/nvmu";
static char dev_root[PATH_MAX] = "/dev";

static pcifs_write_hook write_hook;
static void *write_hook_ctx;

/* Copy @p value, or @p fallback if it is NULL, to root @p dst. Returns 0, or -ENAMETOOLONG
 * with a message that calls the root @p what. */
static int set_root(char *dst, const char *value, const char *fallback, const char *what)
{
	const char *v = value ? value : fallback;

	if (strlen(v) >= PATH_MAX)
		return nvmu_fail(ENAMETOOLONG, "%s root '%.64s...' is too long", what, v);
	strcpy(dst, v);
	return 0;
}

int nvmu_pci_set_roots(const char *sys, const char *proc, const char *state)
{
	int ret = set_root(sys_root, sys, "/sys", "sysfs");

	if (!ret)
		ret = set_root(proc_root, proc, "/proc", "procfs");
	if (!ret)
		ret = set_root(state_dir, state, "/run/nvmu", "state");
	/* Device nodes follow a fake sysfs tree ("dev" next to its "sys"), so that checks
	 * against a fake tree never open the host's real devices. */
	if (!ret && sys) {
		const char *slash = strrchr(sys_root, '/');
		size_t n = slash ? (size_t)(slash - sys_root) : 0;

		if (n + sizeof("/dev") > PATH_MAX)
			return nvmu_fail(ENAMETOOLONG, "sysfs root '%.64s...' is too long", sys);
		memcpy(dev_root, sys_root, n);
		/* A relative root without a folder ("sys") has its nodes in "dev". */
		strcpy(dev_root + n, slash ? "/dev" : "dev");
	} else if (!ret) {
		strcpy(dev_root, "/dev");
	}
	return ret;
}

const char *pcifs_state_dir(void)
{
	return state_dir;
}

/* Returns 0, or -ENAMETOOLONG if root and path do not fit in PATH_MAX bytes. */
static int vpath(char *buf, const char *root, const char *fmt, va_list ap)
{
	size_t r = strlen(root);
	int n;

	memcpy(buf, root, r);
	n = vsnprintf(buf + r, PATH_MAX - r, fmt, ap);
	return n < 0 || (size_t)n >= PATH_MAX - r ? -ENAMETOOLONG : 0;
}

#define DEFINE_PATH_FN(name, root)                                                         \
	int name(char *buf, const char *fmt, ...)                                          \
	{                                                                                  \
		va_list ap;                                                                \
		int ret;                                                                   \
		va_start(ap, fmt);                                                         \
		ret = vpath(buf, root, fmt, ap);                                           \
		va_end(ap);                                                                \
		return ret;                                                                \
	}

DEFINE_PATH_FN(pcifs_sys_path, sys_root)
DEFINE_PATH_FN(pcifs_proc_path, proc_root)
DEFINE_PATH_FN(pcifs_state_path, state_dir)
DEFINE_PATH_FN(pcifs_dev_path, dev_root)

int pcifs_read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	close(fd);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		n--;
	buf[n] = '\0';
	return 0;
}

int pcifs_read_long(const char *path, long *out)
{
	char text[64];
	char *end;
	int ret = pcifs_read_text(path, text, sizeof(text));

	if (ret)
		return ret;
	errno = 0;
	*out = strtol(text, &end, 0);
	if (errno || end == text || *end)
		return -EINVAL;
	return 0;
}

int pcifs_link_name(const char *path, char *buf, size_t len)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	const char *base;

	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return 0;
}

bool pcifs_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

int pcifs_write_sys(const char *rel, const char *value)
{
	char path[PATH_MAX];
	size_t len = strlen(value);
	ssize_t n;
	int fd, ret;

	ret = pcifs_sys_path(path, "%s", rel);
	if (ret)
		return ret;
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	ret = n < 0 ? -errno : (size_t)n != len ? -EIO : 0;
	if (close(fd) && !ret)
		ret = -errno;
	if (write_hook)
		write_hook(write_hook_ctx, rel, value);
	return ret;
}

void pcifs_set_write_hook(pcifs_write_hook fn, void *ctx)
{
	write_hook = fn;
	write_hook_ctx = fn ? ctx : NULL;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int pcifs_list_dir(const char *path, char ***names, size_t *n)
{
	DIR *dir = opendir(path);
	struct dirent *e;
	char **list = NULL;
	size_t count = 0, cap = 0;

	*names = NULL;
	*n = 0;
	if (!dir)
		return -errno;
	while ((e = readdir(dir))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (count == cap) {
			char **grown = realloc(list, (cap ? cap * 2 : 16) * sizeof(*list));

			if (!grown)
				goto nomem;
			list = grown;
			cap = cap ? cap * 2 : 16;
		}
		list[count] = strdup(e->d_name);
		if (!list[count])
			goto nomem;
		count++;
	}
	closedir(dir);
	if (count)
		qsort(list, count, sizeof(*list), compare_names);
	*names = list;
	*n = count;
	return 0;
nomem:
	closedir(dir);
	pcifs_free_names(list, count);
	return -ENOMEM;
}

void pcifs_free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static pcifs_excl_probe excl_probe;
static void *excl_probe_ctx;

void pcifs_set_excl_probe(pcifs_excl_probe fn, void *ctx)
{
	excl_probe = fn;
	excl_probe_ctx = ctx;
}

int pcifs_probe_exclusive(const char *path)
{
	int fd;

	if (excl_probe)
		return excl_probe(excl_probe_ctx, path);
	/* O_EXCL on a block device asks the kernel for an exclusive claim, which fails with
	 * EBUSY while a filesystem, swap, md, dm, ZFS, btrfs or any exclusive opener holds
	 * it. Opening reads nothing from the device. */
	fd = open(path, O_RDONLY | O_EXCL | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

void pcifs_process_name(const char *pid, char *buf, size_t len)
{
	char path[PATH_MAX];

	if (pcifs_proc_path(path, "/%s/comm", pid) || pcifs_read_text(path, buf, len) || !buf[0])
		snprintf(buf, len, "?");
}

bool pcifs_is_pid(const char *name)
{
	if (!*name)
		return false;
	for (; *name; name++)
		if (*name < '0' || *name > '9')
			return false;
	return true;
}
