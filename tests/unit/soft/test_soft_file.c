/* SPDX-License-Identifier: MIT */
/* The backing file of file=PATH: a regular file is created and used; a symbolic link, a
 * FIFO or a directory at PATH is refused with a message, and the link's target is left
 * untouched (root's `nvmu write` must not write through a link a user planted). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "nvmu/nvme_soft.h"

static char dir[64];

static void path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static int open_file(const char *path, struct nvmu_transport **t)
{
	char spec[160];

	snprintf(spec, sizeof(spec), "size=1M,file=%s", path);
	return nvmu_soft_open(spec, t);
}

TEST(regular_file_is_created_and_used)
{
	struct nvmu_transport *t = NULL;
	char path[128];
	struct stat st;

	path_of(path, sizeof(path), "ns.img");
	CHECK_EQ(open_file(path, &t), 0);
	if (t)
		nvmu_soft_close(t);
	CHECK_EQ(stat(path, &st), 0);
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(st.st_size, 1 << 20);
	/* An existing regular file is opened again. */
	t = NULL;
	CHECK_EQ(open_file(path, &t), 0);
	if (t)
		nvmu_soft_close(t);
	unlink(path);
}

TEST(symlink_is_refused)
{
	struct nvmu_transport *t = NULL;
	char target[128], link[128];
	struct stat st;
	int fd;

	path_of(target, sizeof(target), "victim");
	path_of(link, sizeof(link), "link.img");
	fd = open(target, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	CHECK_EQ(symlink(target, link), 0);
	CHECK_EQ(open_file(link, &t), -ELOOP);
	CHECK_STR_CONTAINS(nvmu_last_error(), "is a symbolic link");
	if (t)
		nvmu_soft_close(t);
	CHECK_EQ(stat(target, &st), 0);
	CHECK_EQ(st.st_size, 0); /* not grown through the link */
	/* A dangling link must not create its target either. */
	unlink(target);
	t = NULL;
	CHECK_EQ(open_file(link, &t), -ELOOP);
	if (t)
		nvmu_soft_close(t);
	CHECK(access(target, F_OK) != 0);
	unlink(link);
}

TEST(fifo_is_refused)
{
	struct nvmu_transport *t = NULL;
	char path[128];

	path_of(path, sizeof(path), "fifo");
	CHECK_EQ(mkfifo(path, 0600), 0);
	CHECK_EQ(open_file(path, &t), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "is not a regular file");
	if (t)
		nvmu_soft_close(t);
	unlink(path);
}

TEST(directory_is_refused)
{
	struct nvmu_transport *t = NULL;
	char path[128];
	int ret;

	path_of(path, sizeof(path), "subdir");
	CHECK_EQ(mkdir(path, 0700), 0);
	ret = open_file(path, &t);
	CHECK(ret == -EISDIR || ret == -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "is not a regular file");
	if (t)
		nvmu_soft_close(t);
	rmdir(path);
}

int main(void)
{
	static const struct check_test tests[] = {
		T(regular_file_is_created_and_used), T(symlink_is_refused), T(fifo_is_refused),
		T(directory_is_refused),
	};
	int ret;

	snprintf(dir, sizeof(dir), "/tmp/nvmu-soft-file.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	ret = check_run(tests, sizeof(tests) / sizeof(tests[0]));
	rmdir(dir);
	return ret;
}
