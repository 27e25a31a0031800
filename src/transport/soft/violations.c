/* SPDX-License-Identifier: MIT */
/* Protocol violations by the driver: counted by class, the latest kept as messages. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "soft.h"

static const char *const names[NVMU_SOFT_V_COUNT] = {
	[NVMU_SOFT_V_DOORBELL_QUEUE] = "doorbell-queue",
	[NVMU_SOFT_V_SQ_TAIL] = "sq-tail",
	[NVMU_SOFT_V_CQ_HEAD] = "cq-head",
	[NVMU_SOFT_V_CID_IN_FLIGHT] = "cid-in-flight",
	[NVMU_SOFT_V_PRP] = "prp",
	[NVMU_SOFT_V_SGL] = "sgl",
	[NVMU_SOFT_V_UNMAPPED_DATA] = "unmapped-data",
	[NVMU_SOFT_V_UNMAPPED_QUEUE] = "unmapped-queue",
	[NVMU_SOFT_V_QUEUE_ARGS] = "queue-args",
	[NVMU_SOFT_V_REGISTER] = "register",
};

const char *nvmu_soft_violation_name(enum nvmu_soft_violation v)
{
	return (unsigned)v < NVMU_SOFT_V_COUNT ? names[v] : "?";
}

void soft_violation(struct soft_ctrl *c, enum nvmu_soft_violation v, const char *fmt, ...)
{
	char *msg = c->vlog[c->vlog_next++ % SOFT_VIOLATION_LOG];
	int n = snprintf(msg, SOFT_VIOLATION_MSG, "%s: ", names[v]);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg + n, SOFT_VIOLATION_MSG - (size_t)n, fmt, ap);
	va_end(ap);
	c->v.count[v]++;
	c->v.total++;
	nvmu_log(NVMU_LOG_INFO, "%s: protocol violation %s", c->name, msg);
}

void nvmu_soft_violations(struct nvmu_transport *t, struct nvmu_soft_violations *out)
{
	struct soft_ctrl *c = soft_of(t);

	pthread_mutex_lock(&c->lock);
	*out = c->v;
	pthread_mutex_unlock(&c->lock);
}

/* snprintf that keeps counting the length needed once @buf is full. */
static size_t append(char *buf, size_t len, size_t used, const char *fmt, ...) NVMU_PRINTF(4, 5);
static size_t append(char *buf, size_t len, size_t used, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(used < len ? buf + used : NULL, used < len ? len - used : 0, fmt, ap);
	va_end(ap);
	return used + (n > 0 ? (size_t)n : 0);
}

size_t nvmu_soft_violations_text(struct nvmu_transport *t, char *buf, size_t len)
{
	struct soft_ctrl *c = soft_of(t);
	size_t used = 0;
	uint64_t first;

	if (len)
		buf[0] = '\0';
	pthread_mutex_lock(&c->lock);
	used = append(buf, len, used, "%llu protocol violations\n", (unsigned long long)c->v.total);
	for (int v = 0; v < NVMU_SOFT_V_COUNT; v++)
		if (c->v.count[v])
			used = append(buf, len, used, "  %s: %llu\n", names[v],
				      (unsigned long long)c->v.count[v]);
	first = c->vlog_next > SOFT_VIOLATION_LOG ? c->vlog_next - SOFT_VIOLATION_LOG : 0;
	for (uint64_t i = first; i < c->vlog_next; i++)
		used = append(buf, len, used, "%s\n", c->vlog[i % SOFT_VIOLATION_LOG]);
	pthread_mutex_unlock(&c->lock);
	return used;
}

void nvmu_soft_violations_clear(struct nvmu_transport *t)
{
	struct soft_ctrl *c = soft_of(t);

	pthread_mutex_lock(&c->lock);
	memset(&c->v, 0, sizeof(c->v));
	c->vlog_next = 0;
	pthread_mutex_unlock(&c->lock);
}
