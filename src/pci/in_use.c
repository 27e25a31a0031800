/* SPDX-License-Identifier: MIT */
/*
 * In-use checks: are the block devices of an NVMe function (namespaces, partitions, and
 * multipath heads reached through it) mounted (in any mount namespace), used as swap,
 * held by dm/md, the root filesystem, open in a process, or claimed by the kernel in a
 * way none of those show (a ZFS pool, a btrfs member, an exclusive opener)? Each user
 * found is named in the message.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "nvmu/pci.h"
#include "pci/pcifs.h"

/* One block device that belongs to the function. */
struct blockdev {
	char name[NVMU_PCI_NAME_LEN];
	unsigned major, minor;
	/* False if the "dev" file could not be read; the device is then matched by name. */
	bool has_dev;
	bool claimed;  /* an exclusive open was refused with EBUSY */
	bool reported; /* named for the process being looked at */
	int users;    /* users found and named */
};

/* The block devices of a function and the users found so far. */
struct in_use {
	struct blockdev *devs;
	size_t ndevs;
	/* The caller's buffer, which receives the users found, separated by "; ". */
	char *msg;
	size_t len;
	size_t used;
	int users;
	/* Where the mounts being read are seen: "" for our own mount namespace, else the
	 * process whose namespace it is (" in the mount namespace of process 42 (sh)"). */
	char where[96];
};

static void add_user(struct in_use *u, struct blockdev *d, const char *fmt, ...)
	NVMU_PRINTF(3, 4);

/* Count one more user of @p d and append its description to the message. A full buffer
 * truncates the message, but every user is still counted, so the check still fails. */
static void add_user(struct in_use *u, struct blockdev *d, const char *fmt, ...)
{
	va_list ap;
	int n;

	u->users++;
	d->users++;
	if (!u->len || u->used + 1 >= u->len)
		return;
	if (u->used) {
		n = snprintf(u->msg + u->used, u->len - u->used, "; ");
		u->used += (size_t)n < u->len - u->used ? (size_t)n : u->len - u->used - 1;
	}
	va_start(ap, fmt);
	n = vsnprintf(u->msg + u->used, u->len - u->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		u->used += (size_t)n < u->len - u->used ? (size_t)n : u->len - u->used - 1;
}

/* True if @p path is @p root itself or lies below it. */
static bool path_under(const char *path, const char *root)
{
	size_t n = strlen(root);

	return !strncmp(path, root, n) && (path[n] == '/' || path[n] == '\0');
}

/* True if block device @p block is a multipath head with a path device (listed in
 * <block>/multipath/) below the function's folder @p pci. */
static bool head_reaches(const char *block, const char *pci)
{
	char dir[PATH_MAX], link[PATH_MAX], real[PATH_MAX];
	char **names;
	size_t n;
	bool found = false;

	if (pcifs_sys_path(dir, "/class/block/%s/multipath", block) ||
	    pcifs_list_dir(dir, &names, &n))
		return false;
	for (size_t i = 0; i < n && !found; i++)
		found = !pcifs_sys_path(link, "/class/block/%s/multipath/%s", block, names[i]) &&
			realpath(link, real) && path_under(real, pci);
	pcifs_free_names(names, n);
	return found;
}

/* Record block device @p name as one of the function's, with the major:minor numbers from
 * its "dev" file when that can be read. Returns 0 or -ENOMEM. */
static int add_blockdev(struct in_use *u, const char *name)
{
	char path[PATH_MAX], text[32];
	struct blockdev *d;
	struct blockdev *grown = realloc(u->devs, (u->ndevs + 1) * sizeof(*u->devs));

	if (!grown)
		return -ENOMEM;
	u->devs = grown;
	d = &u->devs[u->ndevs++];
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	if (!pcifs_sys_path(path, "/class/block/%s/dev", name) &&
	    !pcifs_read_text(path, text, sizeof(text)))
		d->has_dev = sscanf(text, "%u:%u", &d->major, &d->minor) == 2;
	return 0;
}

/*
 * Collect the block devices below the function's sysfs folder (namespaces, partitions),
 * plus native-multipath heads reached through it and their partitions. At most 8 heads
 * are followed. Returns 0, -ENODEV if the function is not in sysfs, or -ENOMEM.
 */
static int find_blockdevs(struct in_use *u, const char *addr)
{
	char path[PATH_MAX], pci[PATH_MAX], heads[8][PATH_MAX];
	char **names;
	size_t n, nheads = 0;
	int ret;

	if (pcifs_sys_path(path, "/bus/pci/devices/%s", addr) || !realpath(path, pci))
		return nvmu_fail(ENODEV, "no PCI device %s (run 'nvmu list' to see NVMe devices)",
				 addr);
	/* Without a block class there are no block devices, so nothing can be in use. */
	if (pcifs_sys_path(path, "/class/block") || pcifs_list_dir(path, &names, &n))
		return 0;
	for (size_t i = 0; i < n && nheads < 8; i++)
		if (head_reaches(names[i], pci) &&
		    !pcifs_sys_path(path, "/class/block/%s", names[i]) &&
		    realpath(path, heads[nheads]))
			nheads++;
	ret = 0;
	for (size_t i = 0; i < n && !ret; i++) {
		char real[PATH_MAX];
		bool ours;

		if (pcifs_sys_path(path, "/class/block/%s", names[i]) || !realpath(path, real))
			continue;
		ours = path_under(real, pci);
		for (size_t h = 0; h < nheads && !ours; h++)
			ours = path_under(real, heads[h]);
		if (ours)
			ret = add_blockdev(u, names[i]);
	}
	pcifs_free_names(names, n);
	return ret ? nvmu_fail(ENOMEM, "out of memory checking %s", addr) : 0;
}

/* Undo the octal escapes (\040 for a space) of /proc/self/mountinfo and /proc/swaps. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* Returns the function's block device that a mount source, swap file or open file name
 * such as "/dev/nvme0n1p1" names, or NULL. Another path is matched by its device numbers
 * (a path below /dev/ is looked up below the device root). */
static struct blockdev *by_dev_path(struct in_use *u, const char *path)
{
	char node[PATH_MAX];
	struct stat st;

	if (!strncmp(path, "/dev/", 5)) {
		for (size_t i = 0; i < u->ndevs; i++)
			if (!strcmp(path + 5, u->devs[i].name))
				return &u->devs[i];
		if (pcifs_dev_path(node, "%s", path + 4))
			return NULL;
		path = node;
	}
	if (path[0] == '/' && !stat(path, &st) && S_ISBLK(st.st_mode))
		for (size_t i = 0; i < u->ndevs; i++)
			if (u->devs[i].has_dev && major(st.st_rdev) == u->devs[i].major &&
			    minor(st.st_rdev) == u->devs[i].minor)
				return &u->devs[i];
	return NULL;
}

static struct blockdev *by_numbers(struct in_use *u, unsigned maj, unsigned min)
{
	for (size_t i = 0; i < u->ndevs; i++)
		if (u->devs[i].has_dev && u->devs[i].major == maj && u->devs[i].minor == min)
			return &u->devs[i];
	return NULL;
}

static void report_mount(struct in_use *u, struct blockdev *d, const char *mountpoint)
{
	if (!strcmp(mountpoint, "/"))
		add_user(u, d, "%s holds the root filesystem%s", d->name, u->where);
	else
		add_user(u, d, "%s is mounted on %s%s", d->name, mountpoint, u->where);
}

/* Check one line of /proc/self/mountinfo, which reads
 * "id parent maj:min root mountpoint opts [tags...] - fstype source superopts". The
 * device numbers are tried first; the source, by path, only if they match nothing. */
static void check_mountinfo_line(struct in_use *u, char *line)
{
	char *save, *field[5], *source = NULL, *tok;
	unsigned maj, min;
	struct blockdev *d;
	int i;

	for (i = 0; i < 5; i++) {
		field[i] = strtok_r(i ? NULL : line, " \n", &save);
		if (!field[i])
			return;
	}
	while ((tok = strtok_r(NULL, " \n", &save)))
		if (!strcmp(tok, "-")) {
			if (strtok_r(NULL, " \n", &save))
				source = strtok_r(NULL, " \n", &save);
			break;
		}
	unescape(field[4]);
	d = sscanf(field[2], "%u:%u", &maj, &min) == 2 ? by_numbers(u, maj, min) : NULL;
	if (!d && source) {
		unescape(source);
		d = by_dev_path(u, source);
	}
	if (d)
		report_mount(u, d, field[4]);
}

/* Check one line of /proc/mounts, "source mountpoint fstype opts 0 0". It is read only
 * when mountinfo is missing, since it gives no device numbers. */
static void check_mounts_line(struct in_use *u, char *line)
{
	char *save, *source = strtok_r(line, " \n", &save);
	char *mountpoint = strtok_r(NULL, " \n", &save);
	struct blockdev *d;

	if (!source || !mountpoint)
		return;
	unescape(source);
	unescape(mountpoint);
	d = by_dev_path(u, source);
	if (d)
		report_mount(u, d, mountpoint);
}

/* Call @p fn on each line of <proc root>/<name>, whatever its length (a mountinfo line
 * with long paths or options passes 4096 bytes). Returns false if the file cannot be
 * opened. */
static bool for_each_proc_line(struct in_use *u, const char *name,
			       void (*fn)(struct in_use *, char *))
{
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0;
	FILE *f;

	if (pcifs_proc_path(path, "/%s", name) || !(f = fopen(path, "re")))
		return false;
	while (getline(&line, &cap, f) > 0)
		fn(u, line);
	free(line);
	fclose(f);
	return true;
}

/* Check one line of /proc/swaps, "Filename Type Size Used Priority". The first line is
 * that header; it does not start with '/', so it is skipped. */
static void check_swaps_line(struct in_use *u, char *line)
{
	char *save, *file = strtok_r(line, " \t\n", &save);
	struct blockdev *d;

	if (!file || file[0] != '/')
		return;
	unescape(file);
	d = by_dev_path(u, file);
	if (d)
		add_user(u, d, "%s is used as swap", d->name);
}

/* Report the dm, md and LVM devices stacked on @p d, listed in <block>/holders/. A dm
 * device is named by its dm/name as well, since "dm-3" alone says little. */
static void check_holders(struct in_use *u, struct blockdev *d)
{
	char path[PATH_MAX], dmname[128];
	char **names;
	size_t n;

	if (pcifs_sys_path(path, "/class/block/%s/holders", d->name) ||
	    pcifs_list_dir(path, &names, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		if (!pcifs_sys_path(path, "/class/block/%s/dm/name", names[i]) &&
		    !pcifs_read_text(path, dmname, sizeof(dmname)) && dmname[0])
			add_user(u, d, "%s is held by %s (%s)", d->name, names[i], dmname);
		else
			add_user(u, d, "%s is held by %s", d->name, names[i]);
	}
	pcifs_free_names(names, n);
}

/* Report each of the function's block devices that process @p pid holds open, once. */
static void check_fds(struct in_use *u, const char *pid)
{
	char dir[PATH_MAX], path[PATH_MAX], target[PATH_MAX], comm[32] = "";
	char **names;
	size_t n;
	ssize_t r;

	if (pcifs_proc_path(dir, "/%s/fd", pid) || pcifs_list_dir(dir, &names, &n))
		return;
	for (size_t i = 0; i < u->ndevs; i++)
		u->devs[i].reported = false;
	for (size_t i = 0; i < n; i++) {
		struct blockdev *d;

		if (pcifs_proc_path(path, "/%s/fd/%s", pid, names[i]) ||
		    (r = readlink(path, target, sizeof(target) - 1)) <= 0)
			continue;
		target[r] = '\0';
		/* Only device nodes: a stat() of every open file could hang on a dead NFS. */
		if (strncmp(target, "/dev/", 5) || !(d = by_dev_path(u, target)) || d->reported)
			continue;
		d->reported = true;
		if (!comm[0])
			pcifs_process_name(pid, comm, sizeof(comm));
		add_user(u, d, "%s is open in process %s (%s)", d->name, pid, comm);
	}
	pcifs_free_names(names, n);
}

/* Mount namespaces whose mountinfo was read already (links such as "mnt:[4026531840]"). */
struct seen_ns {
	char (*ids)[64];
	size_t n;
};

/* Read the mountinfo of process @p pid if it lives in a mount namespace not read yet: a
 * mount there (a container's, a service's with a private /tmp) is not in ours. */
static void check_mount_ns(struct in_use *u, const char *pid, struct seen_ns *seen)
{
	char path[PATH_MAX], id[64], name[PATH_MAX], comm[32];
	char (*grown)[64];
	ssize_t r;

	if (pcifs_proc_path(path, "/%s/ns/mnt", pid) ||
	    (r = readlink(path, id, sizeof(id) - 1)) <= 0)
		return;
	id[r] = '\0';
	for (size_t i = 0; i < seen->n; i++)
		if (!strcmp(seen->ids[i], id))
			return;
	grown = realloc(seen->ids, (seen->n + 1) * sizeof(*seen->ids));
	if (!grown)
		return;
	seen->ids = grown;
	memcpy(seen->ids[seen->n++], id, sizeof(id));
	pcifs_process_name(pid, comm, sizeof(comm));
	snprintf(u->where, sizeof(u->where), " in the mount namespace of process %s (%s)", pid,
		 comm);
	snprintf(name, sizeof(name), "%s/mountinfo", pid);
	for_each_proc_line(u, name, check_mountinfo_line);
	u->where[0] = '\0';
}

/*
 * Look at every other process: the devices it holds open (a raw device open without
 * O_EXCL claims nothing in the kernel) and the mounts of its mount namespace when that is
 * not ours. Processes that vanish or that we may not inspect are skipped.
 */
static void check_processes(struct in_use *u)
{
	char path[PATH_MAX], self_pid[16];
	struct seen_ns seen = { 0 };
	char **names;
	size_t n;
	ssize_t r;

	snprintf(self_pid, sizeof(self_pid), "%d", (int)getpid());
	if (pcifs_proc_path(path, "/self/ns/mnt") == 0 &&
	    (seen.ids = malloc(sizeof(*seen.ids))) &&
	    (r = readlink(path, seen.ids[0], sizeof(seen.ids[0]) - 1)) > 0) {
		seen.ids[0][r] = '\0';
		seen.n = 1;
	}
	if (pcifs_proc_path(path, "/") == 0 && pcifs_list_dir(path, &names, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			if (!pcifs_is_pid(names[i]) || !strcmp(names[i], self_pid))
				continue;
			check_fds(u, names[i]);
			/* Without our own namespace's identity, another one cannot be told. */
			if (seen.n)
				check_mount_ns(u, names[i], &seen);
		}
		pcifs_free_names(names, n);
	}
	free(seen.ids);
}

/* True if a partition of @p d (named d's name, "p", a number) has a user or a claim. */
static bool partition_busy(const struct in_use *u, const struct blockdev *d)
{
	size_t len = strlen(d->name);

	for (size_t i = 0; i < u->ndevs; i++)
		if (!strncmp(u->devs[i].name, d->name, len) && u->devs[i].name[len] == 'p' &&
		    (u->devs[i].users || u->devs[i].claimed))
			return true;
	return false;
}

/*
 * Ask the kernel, as it would answer a filesystem or RAID that wants the device: an
 * exclusive open of each node fails with EBUSY while anything claims it. That finds what
 * the files above do not show (a ZFS pool, which registers no holders; the second device
 * of a btrfs RAID1, mounted under the first one's name; an exclusive opener). A device
 * already named, or whose partition is (its claim covers the whole disk), is not repeated.
 */
static void check_claims(struct in_use *u)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < u->ndevs; i++)
		u->devs[i].claimed = !pcifs_dev_path(path, "/%s", u->devs[i].name) &&
				     pcifs_probe_exclusive(path) == -EBUSY;
	for (size_t i = 0; i < u->ndevs; i++) {
		struct blockdev *d = &u->devs[i];

		if (d->claimed && !d->users && !partition_busy(u, d))
			add_user(u, d, "%s is claimed by the kernel (a ZFS pool, a btrfs or RAID "
				 "member, or a program that opened it exclusively)", d->name);
	}
}

int nvmu_pci_check_in_use(const char *addr, char *msg, size_t len)
{
	char norm[NVMU_PCI_ADDR_LEN];
	struct in_use u = { .msg = msg, .len = msg ? len : 0 };
	int ret = nvmu_pci_parse_addr(addr, norm);

	if (msg && len)
		msg[0] = '\0';
	if (ret)
		return ret;
	ret = find_blockdevs(&u, norm);
	if (!ret && u.ndevs) {
		if (!for_each_proc_line(&u, "self/mountinfo", check_mountinfo_line))
			for_each_proc_line(&u, "mounts", check_mounts_line);
		for_each_proc_line(&u, "swaps", check_swaps_line);
		for (size_t i = 0; i < u.ndevs; i++)
			check_holders(&u, &u.devs[i]);
		check_processes(&u);
		check_claims(&u);
	}
	free(u.devs);
	if (ret)
		return ret;
	if (u.users)
		return nvmu_fail(EBUSY, "%s is in use: %s", norm,
				 msg && len ? msg : "its namespaces are busy");
	return 0;
}
