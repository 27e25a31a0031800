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

int nvmu(const char *fmt, ...)
{
	char args[1024], cmd[PATH_MAX * 6 + 2048];
	const char *exe = getenv("NVMU_EXE");
	FILE *o;
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "NVMU_SYSFS_ROOT='%s/sys' NVMU_STATE_DIR='%s/state' '%s' %s "
		 "</dev/null >'%s/out' 2>'%s/err'", f.root, f.root, exe ? exe : "nvmu", args, f.root,
		 f.root);
	status = system(cmd);
	snprintf(cmd, sizeof(cmd), "%s/out", f.root);
	memset(out, 0, sizeof(out));
	o = fopen(cmd, "rb");
	out_len = o ? fread(out, 1, sizeof(out) - 1, o) : 0;
	if (o)
		fclose(o);
	snprintf(err, sizeof(err), "%s", fake_read(&f, "err"));
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
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
