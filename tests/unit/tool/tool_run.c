/* SPDX-License-Identifier: MIT */
/* Running the nvmu tool from unit tests: see tool_run.h. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tool_run.h"

struct fake f;
char out[65536], err[4096];
size_t out_len;

/* Run the tool with the arguments of @p fmt, stdout to @p stdout_path (NULL: f.root/out,
 * read into out). */
static int vrun(const char *stdout_path, const char *fmt, va_list ap)
{
	char args[1024], out_path[PATH_MAX + 8], cmd[PATH_MAX * 6 + 2048];
	const char *exe = getenv("NVMU_EXE");
	FILE *o;
	int status;

	vsnprintf(args, sizeof(args), fmt, ap);
	snprintf(out_path, sizeof(out_path), "%s/out", f.root);
	snprintf(cmd, sizeof(cmd), "NVMU_SYSFS_ROOT='%s/sys' NVMU_STATE_DIR='%s/state' '%s' %s "
		 "</dev/null >'%s' 2>'%s/err'", f.root, f.root, exe ? exe : "nvmu", args,
		 stdout_path ? stdout_path : out_path, f.root);
	status = system(cmd);
	memset(out, 0, sizeof(out));
	o = stdout_path ? NULL : fopen(out_path, "rb");
	out_len = o ? fread(out, 1, sizeof(out) - 1, o) : 0;
	if (o)
		fclose(o);
	snprintf(err, sizeof(err), "%s", fake_read(&f, "err"));
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int nvmu(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vrun(NULL, fmt, ap);
	va_end(ap);
	return ret;
}

int nvmu_stdout_to(const char *stdout_path, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vrun(stdout_path, fmt, ap);
	va_end(ap);
	return ret;
}

int err_lines(void)
{
	int n = 0;

	for (const char *p = err; *p; p++)
		n += *p == '\n';
	return n;
}

void setup(void)
{
	fake_init(&f);
	fake_add_driver(&f, "vfio-pci");
	fake_add_dev(&f, "0000:00:10.0", 0x1b36, 0x0010, 0x010802, "nvme", 3);
}
