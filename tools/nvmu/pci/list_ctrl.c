/* SPDX-License-Identifier: MIT */
/* nvmu list: a brief attach of each vfio-pci function for its identity and capacity. */
#include <stdio.h>
#include <string.h>

#include "list_ctrl.h"
#include "nvmu/host.h"

/* Copy an Identify string field of @p n bytes, cutting the blank padding. */
static void id_string(char *out, const char *field, size_t n)
{
	memcpy(out, field, n);
	out[n] = '\0';
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\0'))
		out[--n] = '\0';
}

/* Log sink for the brief attach: its warnings are not list's output. */
static void quiet(void *ctx, enum nvmu_log_level level, const char *msg)
{
	(void)ctx;
	(void)level;
	(void)msg;
}

void list_ctrl_read(const struct nvmu_pci_dev *d, struct list_ctrl *out)
{
	const struct nvmu_host_opts opts = { .no_aer = true };
	const struct nvme_id_ctrl *id;
	struct nvmu_host_ctrl *h;

	memset(out, 0, sizeof(*out));
	if (strcmp(d->driver, "vfio-pci") != 0)
		return;
	/* A device nvmu cannot open is shown as "-": its reasons are not list's output. */
	nvmu_log_set_sink(quiet, NULL);
	if (nvmu_host_attach(d->addr, &opts, &h) < 0) {
		snprintf(out->why, sizeof(out->why), "%s", nvmu_last_error());
		nvmu_log_set_sink(NULL, NULL);
		return;
	}
	id = nvmu_host_id(h);
	id_string(out->sn, id->sn, sizeof(id->sn));
	id_string(out->mn, id->mn, sizeof(id->mn));
	id_string(out->fr, id->fr, sizeof(id->fr));
	out->namespaces = nvmu_host_ns_count(h);
	for (unsigned i = 0; i < out->namespaces; i++) {
		struct nvmu_ns *ns = nvmu_host_ns(h, i);

		out->capacity += nvmu_ns_capacity(ns);
		if (i < LIST_NS_MAX)
			out->ns[i] = (struct list_ns){ nvmu_ns_id(ns), nvmu_ns_blocks(ns),
						       nvmu_ns_lba_size(ns) };
	}
	out->opened = true;
	nvmu_host_detach(h);
	nvmu_log_set_sink(NULL, NULL);
}

void list_size_text(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB" };
	double v = (double)bytes;
	unsigned u = 0;

	while (v >= 1000.0 && u < sizeof(units) / sizeof(units[0]) - 1) {
		v /= 1000.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
	else
		snprintf(buf, len, "%.2f %s", v, units[u]);
}
