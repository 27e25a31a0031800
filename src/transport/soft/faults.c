/* SPDX-License-Identifier: MIT */
/* The fault schedule: rules matched against each command fetched, and the calls that
 * change the controller's behaviour at once (CFS, surprise removal, CAP, ready delay,
 * identify data). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "soft.h"

static bool matches(struct soft_ctrl *c, const struct nvmu_soft_fault *r,
		    const struct soft_cmd *cmd)
{
	uint64_t first, last;

	if ((r->match & NVMU_SOFT_MATCH_OPCODE) && cmd->sqe.opcode != r->opcode)
		return false;
	if ((r->match & NVMU_SOFT_MATCH_QUEUE) && cmd->sqid != r->qid)
		return false;
	if ((r->match & NVMU_SOFT_MATCH_IO) && cmd->sqid == 0)
		return false;
	if (r->match & NVMU_SOFT_MATCH_LBA)
		return soft_cmd_lba_range(c, cmd, &first, &last) && first <= r->lba_last &&
		       last >= r->lba_first;
	return true;
}

const struct nvmu_soft_fault *soft_fault_match(struct soft_ctrl *c, const struct soft_cmd *cmd)
{
	for (uint32_t i = 0; i < c->nrules; i++) {
		struct soft_rule *rule = &c->rules[i];
		const struct nvmu_soft_fault *r = &rule->r;

		if (!rule->used || (r->times && rule->hits >= r->times) || !matches(c, r, cmd))
			continue;
		rule->seen++;
		if (r->nth && rule->seen != r->nth)
			continue;
		rule->hits++;
		c->stats.faults_fired++;
		return r;
	}
	return NULL;
}

int nvmu_soft_fault_add(struct nvmu_transport *t, const struct nvmu_soft_fault *rule)
{
	struct soft_ctrl *c = soft_of(t);
	int id;

	if ((unsigned)rule->action >= NVMU_SOFT_FAULT_ACTION_COUNT)
		return nvmu_fail(EINVAL, "soft: fault action %d is not one of the %d actions",
				 (int)rule->action, NVMU_SOFT_FAULT_ACTION_COUNT);
	pthread_mutex_lock(&c->lock);
	if (c->nrules == SOFT_MAX_RULES) {
		pthread_mutex_unlock(&c->lock);
		return nvmu_fail(ENOSPC, "soft: the fault schedule holds %d rules", SOFT_MAX_RULES);
	}
	id = (int)c->nrules++;
	c->rules[id] = (struct soft_rule){ .r = *rule, .used = true };
	pthread_mutex_unlock(&c->lock);
	return id;
}

uint64_t nvmu_soft_fault_hits(struct nvmu_transport *t, int id)
{
	struct soft_ctrl *c = soft_of(t);
	uint64_t hits = 0;

	pthread_mutex_lock(&c->lock);
	if (id >= 0 && (uint32_t)id < c->nrules)
		hits = c->rules[id].hits;
	pthread_mutex_unlock(&c->lock);
	return hits;
}

void nvmu_soft_fault_clear(struct nvmu_transport *t)
{
	struct soft_ctrl *c = soft_of(t);

	pthread_mutex_lock(&c->lock);
	memset(c->rules, 0, sizeof(c->rules));
	c->nrules = 0;
	pthread_mutex_unlock(&c->lock);
}

void nvmu_soft_set_fatal(struct nvmu_transport *t)
{
	struct soft_ctrl *c = soft_of(t);

	pthread_mutex_lock(&c->lock);
	soft_set_fatal(c, "raised by nvmu_soft_set_fatal()");
	pthread_mutex_unlock(&c->lock);
}

void nvmu_soft_surprise_remove(struct nvmu_transport *t)
{
	struct soft_ctrl *c = soft_of(t);

	pthread_mutex_lock(&c->lock);
	c->removed = true;
	pthread_mutex_unlock(&c->lock);
}

int nvmu_soft_set_cap(struct nvmu_transport *t, uint64_t cap)
{
	struct soft_ctrl *c = soft_of(t);
	size_t need = ((size_t)c->o.queues + 1) * 2 * (4u << NVME_CAP_DSTRD(cap));

	if (need > c->db_bytes)
		return nvmu_fail(EINVAL, "soft: CAP.DSTRD %u needs %zu bytes of doorbells; the "
				 "controller has %zu (open it with a larger dstrd option)",
				 (unsigned)NVME_CAP_DSTRD(cap), need, c->db_bytes);
	pthread_mutex_lock(&c->lock);
	c->cap = cap;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

void nvmu_soft_set_ready_delay(struct nvmu_transport *t, uint32_t ms)
{
	struct soft_ctrl *c = soft_of(t);

	pthread_mutex_lock(&c->lock);
	c->ready_delay_ms = ms;
	pthread_mutex_unlock(&c->lock);
}

/* A copy of @p data (NVME_IDENTIFY_DATA_SIZE bytes) in *copy, NULL for NULL. */
static int copy_identify(const void *data, uint8_t **copy)
{
	*copy = NULL;
	if (!data)
		return 0;
	*copy = malloc(NVME_IDENTIFY_DATA_SIZE);
	if (!*copy)
		return nvmu_fail(ENOMEM, "out of memory");
	memcpy(*copy, data, NVME_IDENTIFY_DATA_SIZE);
	return 0;
}

/* Replace the override in *slot by a copy of @p data under the lock. */
static int set_override(struct soft_ctrl *c, uint8_t **slot, const void *data)
{
	uint8_t *copy;
	int ret = copy_identify(data, &copy);

	if (ret < 0)
		return ret;
	pthread_mutex_lock(&c->lock);
	free(*slot);
	*slot = copy;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

int nvmu_soft_identify_override(struct nvmu_transport *t, uint8_t cns, const void *data)
{
	struct soft_ctrl *c = soft_of(t);

	if (cns != NVME_IDENTIFY_CNS_NS && cns != NVME_IDENTIFY_CNS_CTRL)
		return nvmu_fail(EINVAL, "soft: identify data of CNS %#x cannot be replaced (only "
				 "namespace 0 and controller 1)", cns);
	return set_override(c, &c->id_override[cns], data);
}

int nvmu_soft_identify_ns_override(struct nvmu_transport *t, uint32_t nsid, const void *data)
{
	struct soft_ctrl *c = soft_of(t);
	struct soft_ns *ns = soft_ns_get(c, nsid);

	if (!ns)
		return nvmu_fail(EINVAL, "soft: no active namespace %u (the controller started with "
				 "%u)", nsid, c->o.nns);
	return set_override(c, &ns->id_override, data);
}
