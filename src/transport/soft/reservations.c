/* SPDX-License-Identifier: MIT */
/*
 * Reservations (I/O Reservation Register 0Dh, Report 0Eh, Acquire 11h, Release 15h) for
 * the one host the controller has (controller ID 1, host identifier 0): its registration
 * key, and the reservation it holds with its type. Keys are checked as the specification
 * says (Reservation Conflict for a wrong current key unless IEKEY), so a host's sequence
 * of commands behaves as on a real namespace; the data access restrictions of the types
 * do not apply, since no other host exists to be restricted.
 */
#include <string.h>

#include "soft.h"

#define ACTION_MASK 0x7u
#define IEKEY (1u << 3)
#define RTYPE_SHIFT 8
#define RTYPE_MAX 6
#define EDS 1u
#define CTRL_ID 1
#define RCSTS_HOLDS 1u
#define REPORT_HDR 24
#define REPORT_HDR_EXT 64

enum { REGISTER = 0, UNREGISTER = 1, REPLACE = 2 };
enum { ACQUIRE = 0, PREEMPT = 1, PREEMPT_ABORT = 2 };
enum { RELEASE = 0, CLEAR = 1 };

static uint16_t conflict(void)
{
	return SOFT_GENERIC(NVME_SC_RESERVATION_CONFLICT); /* a generic status, 83h */
}

/* The current key is right (or IEKEY says not to look at it)? */
static bool key_ok(const struct soft_ns *ns, uint32_t cdw10, uint64_t crkey)
{
	return ns->registered && ((cdw10 & IEKEY) || ns->rkey == crkey);
}

static uint16_t resv_register(struct soft_ns *ns, struct soft_cmd *cmd, const uint64_t *keys)
{
	uint32_t cdw10 = cmd->sqe.cdw10;

	switch (cdw10 & ACTION_MASK) {
	case REGISTER:
		if (ns->registered)
			return ns->rkey == keys[1] ? 0 : conflict();
		ns->registered = true;
		ns->rkey = keys[1];
		break;
	case UNREGISTER:
		if (!key_ok(ns, cdw10, keys[0]))
			return conflict();
		ns->registered = false;
		ns->rtype = 0; /* the reservation goes with the registration */
		break;
	case REPLACE:
		if (!(cdw10 & IEKEY) && (!ns->registered || ns->rkey != keys[0]))
			return conflict();
		ns->registered = true;
		ns->rkey = keys[1];
		break;
	default:
		return SOFT_GENERIC(NVME_SC_INVALID_FIELD);
	}
	ns->resv_gen++;
	return 0;
}

static uint16_t resv_acquire(struct soft_ns *ns, struct soft_cmd *cmd, const uint64_t *keys)
{
	uint32_t cdw10 = cmd->sqe.cdw10, action = cdw10 & ACTION_MASK;
	uint8_t rtype = (uint8_t)(cdw10 >> RTYPE_SHIFT);

	if (action > PREEMPT_ABORT || rtype == 0 || rtype > RTYPE_MAX)
		return SOFT_GENERIC(NVME_SC_INVALID_FIELD);
	if (!key_ok(ns, cdw10, keys[0]))
		return conflict();
	if (action == ACQUIRE) {
		if (ns->rtype && ns->rtype != rtype)
			return conflict(); /* holds another type: release it first */
		ns->rtype = rtype;
		return 0;
	}
	/* Preempt: the only registrant can preempt only itself, by its own key. */
	if (keys[1] != ns->rkey)
		return SOFT_GENERIC(NVME_SC_INVALID_FIELD); /* no registrant has that key */
	ns->rtype = rtype;
	ns->resv_gen++;
	return 0;
}

static uint16_t resv_release(struct soft_ns *ns, struct soft_cmd *cmd, const uint64_t *keys)
{
	uint32_t cdw10 = cmd->sqe.cdw10, action = cdw10 & ACTION_MASK;
	uint8_t rtype = (uint8_t)(cdw10 >> RTYPE_SHIFT);

	if (action > CLEAR)
		return SOFT_GENERIC(NVME_SC_INVALID_FIELD);
	if (!key_ok(ns, cdw10, keys[0]))
		return conflict();
	if (action == CLEAR) {
		ns->registered = false;
		ns->rtype = 0;
		ns->resv_gen++;
		return 0;
	}
	if (ns->rtype && ns->rtype != rtype)
		return SOFT_GENERIC(NVME_SC_INVALID_FIELD); /* not the type held */
	ns->rtype = 0; /* releasing no reservation succeeds and does nothing */
	return 0;
}

static uint16_t resv_report(struct soft_ctrl *c, struct soft_ns *ns, struct soft_cmd *cmd)
{
	_Alignas(8) uint8_t buf[REPORT_HDR_EXT + 64];
	struct nvme_resv_status *st = (struct nvme_resv_status *)buf;
	size_t len = ((size_t)cmd->sqe.cdw10 + 1) * 4, size;
	bool eds = cmd->sqe.cdw11 & EDS;

	memset(buf, 0, sizeof(buf));
	st->gen = ns->resv_gen;
	st->rtype = ns->rtype;
	st->regctl[0] = ns->registered ? 1 : 0;
	if (eds && ns->registered) {
		st->regctl_eds[0].cntlid = CTRL_ID;
		st->regctl_eds[0].rcsts = ns->rtype ? RCSTS_HOLDS : 0;
		st->regctl_eds[0].rkey = ns->rkey;
	} else if (ns->registered) {
		st->regctl_ds[0].cntlid = CTRL_ID;
		st->regctl_ds[0].rcsts = ns->rtype ? RCSTS_HOLDS : 0;
		st->regctl_ds[0].rkey = ns->rkey;
	}
	size = eds ? REPORT_HDR_EXT + 64 : REPORT_HDR + 24;
	return soft_data_out(c, cmd, buf, len < size ? len : size);
}

uint16_t soft_reservation(struct soft_ctrl *c, struct soft_cmd *cmd, struct soft_ns *ns)
{
	uint64_t keys[2] = { 0, 0 };
	uint8_t op = cmd->sqe.opcode;
	uint16_t st;

	if (op == nvme_cmd_resv_report)
		return resv_report(c, ns, cmd);
	/* Register and Acquire carry two keys, Release one. */
	st = soft_data_in(c, cmd, keys, op == nvme_cmd_resv_release ? 8 : 16);
	if (st)
		return st;
	if (op == nvme_cmd_resv_register)
		return resv_register(ns, cmd, keys);
	if (op == nvme_cmd_resv_acquire)
		return resv_acquire(ns, cmd, keys);
	return resv_release(ns, cmd, keys);
}
