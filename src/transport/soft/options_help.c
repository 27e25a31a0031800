/* SPDX-License-Identifier: MIT */
/*
 * The soft: options described for people: one table that `nvmu help soft` prints and that
 * the parser's "known:" lists come from, so the help names exactly what is accepted.
 */
#include <stdio.h>
#include <string.h>

#include "nvmu/nvme_soft.h"
#include "soft.h"

struct soft_option_doc {
	const char *key;
	const char *meaning;
	const char *def;
};

static const struct soft_option_doc docs[] = {
	{ "ns", "number of namespaces (1..1024)", "1" },
	{ "size", "bytes per namespace, unit k, m, g, t (only blocks written take RAM)",
	  "64M" },
	{ "lbs", "LBA size: 512 or 4096", "512" },
	{ "mdts", "Identify MDTS: largest transfer 2^mdts pages (0: no limit; 0..20)", "5" },
	{ "mqes", "CAP.MQES: largest queue size - 1 (1..65535)", "1023" },
	{ "queues", "I/O queue pairs offered (1..1024)", "16" },
	{ "sgl", "1: SGLs on I/O queues", "0" },
	{ "iommu", "1: an IOMMU context (nvmu_host_dma_map() of the application's memory)",
	  "0" },
	{ "dbbuf", "1: Doorbell Buffer Config (shadow doorbells; off by default with name=)",
	  "1" },
	{ "mode", "thread (a thread serves the queues) or step (the caller does)", "thread" },
	{ "to", "CAP.TO in 500 ms units (1..255)", "20" },
	{ "dstrd", "CAP.DSTRD, doorbell stride (0..4)", "0" },
	{ "mpsmin", "CAP.MPSMIN (0..15)", "0" },
	{ "mpsmax", "CAP.MPSMAX (mpsmin..15)", "4" },
	{ "ready_delay", "milliseconds from CC.EN=1 to CSTS.RDY=1 (0..600000)", "0" },
	{ "vs", "NVMe version MAJOR.MINOR (1.0..2.255); 2.0+: I/O Command Sets", "1.4" },
	{ "file", "keep the namespaces in this regular file (namespace i at i x size; "
	  "O_DIRECT, io_uring)",
	  "(RAM)" },
	{ "name", "share the controller with other processes under this name (letters, "
	  "digits, '-', '_', '.')", "(none)" },
};

#define NDOCS (sizeof(docs) / sizeof(docs[0]))

const char *soft_known_options(void)
{
	static char list[256];

	if (!list[0]) {
		size_t len = 0;

		for (size_t i = 0; i < NDOCS && len < sizeof(list); i++)
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
						i ? ", " : "", docs[i].key);
	}
	return list;
}

size_t nvmu_soft_help(char *buf, size_t len)
{
	size_t need = 0;

	if (!buf)
		len = 0;
	for (size_t i = 0; i < NDOCS; i++) {
		int n = snprintf(buf ? buf + (need < len ? need : len) : NULL,
				 need < len ? len - need : 0, "  %-12s %-7s %s\n", docs[i].key,
				 docs[i].def, docs[i].meaning);

		need += n > 0 ? (size_t)n : 0;
	}
	if (buf && len && need == 0)
		buf[0] = '\0';
	return need;
}
