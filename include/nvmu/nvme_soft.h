/* SPDX-License-Identifier: MIT */
/**
 * @file nvme_soft.h
 * @brief The software transport of the NVMe core: an NVMe controller inside the process.
 *
 * nvmu drives it exactly as it drives a PCIe device: registers and a doorbell page in
 * memory, queues and data in the process's memory. It acts as the IOMMU too: DMA memory
 * comes from the transport's dma_alloc with IO virtual addresses of its own, and every
 * address the driver hands the controller (queue bases, PRP entries and lists, SGL
 * descriptors) is looked up in that table. An address the driver did not map is a
 * protocol fault: a data transfer error for data, CSTS.CFS for queue memory.
 *
 * Every protocol violation by the driver (doorbell for a queue that does not exist, tail
 * or head beyond the queue, CID reused while in flight, malformed PRP or SGL, bad queue
 * creation arguments, unmapped addresses, bad register values) is counted with a reason.
 *
 * The controller runs on a thread of its own that polls its doorbells (a short spin, then
 * sleeps that grow while it is idle), or, with the option mode=step, only when the
 * caller steps it (nvmu_soft_step()), which makes runs deterministic. In stepped mode
 * every register access also steps the controller, so nvmu_ctrl_open() and synchronous
 * admin commands work unchanged (an admin command then completes when the core next
 * reads CSTS, within about 10 ms).
 *
 * A programmable fault schedule (nvmu_soft_fault_add()) makes the controller misbehave
 * on chosen commands; other calls raise CSTS.CFS, simulate a surprise removal, change
 * CAP, delay readiness or replace identify data.
 *
 * Threads: every function here may be called from any thread; the controller state is
 * behind one lock (never held while the driver's doorbell writes or completion reads run).
 */
#ifndef NVMU_NVME_SOFT_H
#define NVMU_NVME_SOFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nvmu/nvme.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Open a software controller described by @p spec, the text after "soft:" in a device
 * string: comma-separated key=value options, all optional:
 *
 * | option      | meaning                                                  | default |
 * |-------------|----------------------------------------------------------|---------|
 * | ns          | number of namespaces (1..1024)                           | 1       |
 * | size        | bytes per namespace, suffix K/M/G/T (RAM: only blocks    | 64M     |
 * |             | written take memory: MAP_NORESERVE)                      |         |
 * | lbs         | LBA size: 512 or 4096                                    | 512     |
 * | mdts        | Identify MDTS (0 = no limit; max transfer 2^mdts pages)   | 5       |
 * | mqes        | CAP.MQES: largest queue size - 1 (1..65535)              | 1023    |
 * | queues      | I/O queue pairs offered (1..1024)                        | 16      |
 * | sgl         | 1: SGLs on I/O queues                                    | 0       |
 * | dbbuf       | 1: Doorbell Buffer Config (shadow doorbells)             | 1 (0    |
 * |             |                                                          | w/ name)|
 * | mode        | thread or step                                           | thread  |
 * | to          | CAP.TO in 500 ms units (1..255)                          | 20      |
 * | dstrd       | CAP.DSTRD (0..4)                                         | 0       |
 * | mpsmin      | CAP.MPSMIN (0..15)                                       | 0       |
 * | mpsmax      | CAP.MPSMAX (mpsmin..15)                                  | 4       |
 * | ready_delay | milliseconds from CC.EN=1 to CSTS.RDY=1                  | 0       |
 * | vs          | NVMe version MAJOR.MINOR (1.0..2.255) in VS and Identify | 1.4     |
 * |             | VER; from 2.0: I/O Command Sets (CAP.CSS bit 6, CC.CSS   |         |
 * |             | 110b, Identify CNS 06h), which older versions refuse     |         |
 * | file        | store the namespaces in this file (created, grown, kept:  | RAM     |
 * |             | namespace i at byte i x size), so data outlives the run; |         |
 * |             | a symbolic link or anything but a regular file is refused|         |
 * | name        | letters, digits, '-', '_', '.': other processes that     | none    |
 * |             | attach soft:name=NAME join this controller (share.h); its|         |
 * |             | other options are the first process's                    |         |
 *
 * Besides the NVM commands, the controller implements Namespace Management and Attachment
 * (Identify NN is the larger of ns and 16: the IDs past ns are free to create namespaces
 * in RAM; it is the only controller of its subsystem, ID 1), Device Self-test, Sanitize,
 * Firmware Image Download and Commit (slot 1 read-only, slots 2 and 3 writable; an
 * image's first 8 bytes are its revision), Write Uncorrectable with Get LBA Status, and
 * the log pages 00h-07h, 08h and 81h. State lives as long as the controller: a new
 * soft: device starts afresh (only file= keeps the data of the ns= namespaces).
 *
 * Returns 0 and sets *out; -EINVAL for a bad option (the message names it and what is
 * allowed) or a file= path that is not a regular file; -ELOOP when it is a symbolic link;
 * -EISDIR for a directory; another error of opening the file; -ENOMEM; or the error of
 * starting the thread.
 */
NVMU_API int nvmu_soft_open(const char *spec, struct nvmu_transport **out);

/**
 * The options above as text for people, one per line: "  KEY  DEFAULT  MEANING".
 * Writes at most @p len bytes (NUL-terminated when @p len > 0; @p buf may be NULL with
 * @p len 0) and returns the length the whole text needs, as snprintf() does.
 */
NVMU_API size_t nvmu_soft_help(char *buf, size_t len);

/** Stop the controller's thread and free everything (close its nvmu_ctrl first). */
NVMU_API void nvmu_soft_close(struct nvmu_transport *t);

/** True if @p t is a software controller (from nvmu_soft_open()). */
NVMU_API bool nvmu_soft_is(const struct nvmu_transport *t);

/**
 * True if @p t is a software controller opened with mode=step, which does nothing unless
 * its caller steps it with nvmu_soft_step(); false for any other transport.
 */
NVMU_API bool nvmu_soft_stepped(struct nvmu_transport *t);

/**
 * Process pending work now: doorbells, up to @p max commands (0 = all that are visible),
 * due delayed completions, interrupts. One call is one "step" for the fault schedule.
 * Returns the number of commands fetched plus delayed completions posted.
 */
NVMU_API unsigned nvmu_soft_step(struct nvmu_transport *t, unsigned max);

/* ---- protocol violations ------------------------------------------------------- */

/** Why the controller blames the driver. */
enum nvmu_soft_violation {
	NVMU_SOFT_V_DOORBELL_QUEUE = 0, /**< doorbell written for a queue that does not exist */
	NVMU_SOFT_V_SQ_TAIL,            /**< SQ tail doorbell beyond the queue size */
	NVMU_SOFT_V_CQ_HEAD,            /**< CQ head beyond the size or past posted entries */
	NVMU_SOFT_V_CID_IN_FLIGHT,      /**< a CID reused while its command is in flight */
	NVMU_SOFT_V_PRP,                /**< malformed PRP (offset, list) */
	NVMU_SOFT_V_SGL,                /**< malformed SGL (type, length, segment chain) */
	NVMU_SOFT_V_UNMAPPED_DATA,      /**< data or PRP/SGL list at an address not mapped */
	NVMU_SOFT_V_UNMAPPED_QUEUE,     /**< queue memory not mapped (sets CSTS.CFS) */
	NVMU_SOFT_V_QUEUE_ARGS,         /**< Create/Delete I/O SQ/CQ with bad arguments */
	NVMU_SOFT_V_REGISTER,           /**< bad register value or write to a read-only one */
	NVMU_SOFT_V_COUNT
};

/** Counters of violations. */
struct nvmu_soft_violations {
	uint64_t total;
	uint64_t count[NVMU_SOFT_V_COUNT];
};

/** Returns the short name of a violation class (e.g. "sq-tail"), or "?" for an unknown one. */
NVMU_API const char *nvmu_soft_violation_name(enum nvmu_soft_violation v);

/** Copy the violation counters into *out. */
NVMU_API void nvmu_soft_violations(struct nvmu_transport *t, struct nvmu_soft_violations *out);

/**
 * Write the counters and the most recent violation messages (the last 16) as text into
 * @p buf, one per line. Returns the length the full text needs (as snprintf()).
 */
NVMU_API size_t nvmu_soft_violations_text(struct nvmu_transport *t, char *buf, size_t len);

/** Forget the violations counted so far. */
NVMU_API void nvmu_soft_violations_clear(struct nvmu_transport *t);

/* ---- state and counters -------------------------------------------------------- */

/** What the controller has seen and done. */
struct nvmu_soft_stats {
	uint64_t admin_cmds, io_cmds; /**< commands fetched */
	uint64_t completions;         /**< completion entries posted */
	uint64_t interrupts;          /**< eventfd signals sent */
	uint64_t enables, disables;   /**< CC.EN transitions 0->1 and 1->0 */
	uint64_t shutdowns;           /**< CC.SHN normal or abrupt requests */
	uint64_t faults_fired;        /**< fault rules applied */
	uint32_t pending;             /**< commands held (AER, late, never completed) */
	uint32_t io_queues_live;      /**< I/O SQs plus CQs now created */
	uint32_t dma_mappings;        /**< buffers now allocated through the transport */
	uint32_t cc, csts;            /**< registers now (csts as a read would return it) */
};

/** Copy the counters into *out. */
NVMU_API void nvmu_soft_stats(struct nvmu_transport *t, struct nvmu_soft_stats *out);

/**
 * Returns the RAM behind namespace @p nsid (1-based) and puts its size in bytes in
 * *@p bytes, or returns NULL if there is no such namespace.
 */
NVMU_API void *nvmu_soft_ns_data(struct nvmu_transport *t, uint32_t nsid, uint64_t *bytes);

/* ---- events and faults --------------------------------------------------------- */

/**
 * Raise an asynchronous event: completes an outstanding Asynchronous Event Request with
 * dw0 = @p type | @p info << 8 | @p log_page << 16, or queues it (up to 16) until one
 * arrives. Returns 0 or -ENOSPC when the queue is full.
 */
NVMU_API int nvmu_soft_raise_event(struct nvmu_transport *t, uint8_t type, uint8_t info,
				   uint8_t log_page);

/** What a matching command gets. */
enum nvmu_soft_fault_action {
	NVMU_SOFT_FAULT_STATUS = 0, /**< complete at once with @c status, not executed */
	NVMU_SOFT_FAULT_NEVER,      /**< never complete (Abort or a reset still ends it) */
	NVMU_SOFT_FAULT_LATE,       /**< execute, complete after @c delay_ms / @c delay_steps */
	NVMU_SOFT_FAULT_WRONG_CID,  /**< execute, complete with CID @c cid instead */
	/** Execute, complete, then post the previous command's CID again. */
	NVMU_SOFT_FAULT_STALE_CID,
	NVMU_SOFT_FAULT_DUP_CID,    /**< execute, post its completion twice */
	NVMU_SOFT_FAULT_BAD_PHASE,  /**< execute, post the completion with the wrong phase tag */
	/** Execute, complete with SQ head @c cid, which may be out of range. */
	NVMU_SOFT_FAULT_BAD_SQHD,
	NVMU_SOFT_FAULT_CFS,        /**< raise CSTS.CFS and stop processing */
	/** Surprise removal: registers read all-ones and doorbells are ignored. */
	NVMU_SOFT_FAULT_REMOVE,
	NVMU_SOFT_FAULT_ACTION_COUNT
};

/** Which commands a rule matches (all set conditions must hold). */
enum nvmu_soft_fault_match {
	NVMU_SOFT_MATCH_OPCODE = 1u << 0, /**< opcode == @c opcode */
	NVMU_SOFT_MATCH_QUEUE = 1u << 1,  /**< submitted to SQ @c qid (0 = admin) */
	NVMU_SOFT_MATCH_IO = 1u << 2,     /**< submitted to any I/O SQ */
	/** An I/O whose LBA range overlaps [lba_first, lba_last]. */
	NVMU_SOFT_MATCH_LBA = 1u << 3,
};

/** A rule of the fault schedule. */
struct nvmu_soft_fault {
	uint32_t match;     /**< enum nvmu_soft_fault_match bits; 0 matches every command */
	uint8_t opcode;
	uint16_t qid;
	uint64_t lba_first, lba_last;
	uint32_t nth;       /**< fire on the nth matching command only (1-based); 0 = on each */
	uint32_t times;     /**< fire at most this often (0 = no limit) */
	enum nvmu_soft_fault_action action;
	uint16_t status;    /**< STATUS: status field (SC | SCT << 8 | NVME_SC_DNR ...) */
	uint16_t cid;       /**< WRONG_CID: the CID posted; BAD_SQHD: the SQ head posted */
	uint32_t delay_ms;  /**< LATE: milliseconds (thread mode) ... */
	uint32_t delay_steps; /**< ... or steps (either passing releases it) */
};

/** Add a rule; returns its id (>= 0), or -EINVAL (bad action) / -ENOSPC (64 rules). */
NVMU_API int nvmu_soft_fault_add(struct nvmu_transport *t, const struct nvmu_soft_fault *rule);

/** Returns how many times rule @p id fired, or 0 for an unknown id. */
NVMU_API uint64_t nvmu_soft_fault_hits(struct nvmu_transport *t, int id);

/** Remove every rule. */
NVMU_API void nvmu_soft_fault_clear(struct nvmu_transport *t);

/** Set CSTS.CFS now (a reset, CC.EN=0, clears it). */
NVMU_API void nvmu_soft_set_fatal(struct nvmu_transport *t);

/** Surprise removal now: registers read all-ones, doorbells and register writes ignored. */
NVMU_API void nvmu_soft_surprise_remove(struct nvmu_transport *t);

/**
 * Replace CAP (e.g. odd MQES, TO, DSTRD, MPSMIN). Takes effect on the next read; queue
 * sizes are checked against the new MQES. Returns 0, or -EINVAL if CAP.DSTRD needs more
 * doorbell space than the controller was opened with (use the dstrd option).
 */
NVMU_API int nvmu_soft_set_cap(struct nvmu_transport *t, uint64_t cap);

/** Milliseconds from CC.EN=1 to CSTS.RDY=1 for the next enable. */
NVMU_API void nvmu_soft_set_ready_delay(struct nvmu_transport *t, uint32_t ms);

/**
 * Return @p data (NVME_IDENTIFY_DATA_SIZE bytes) for Identify CNS @p cns (controller or
 * namespace: the same data for every namespace) instead of the controller's own; NULL
 * restores it. Returns 0 or -EINVAL for another CNS.
 */
NVMU_API int nvmu_soft_identify_override(struct nvmu_transport *t, uint8_t cns, const void *data);

/**
 * Return @p data (NVME_IDENTIFY_DATA_SIZE bytes) for Identify Namespace of namespace
 * @p nsid only, before any override of nvmu_soft_identify_override(); NULL restores it.
 * The data changes what the driver is told, not how the controller executes I/O. Returns
 * 0, -EINVAL when there is no such namespace, or -ENOMEM.
 */
NVMU_API int nvmu_soft_identify_ns_override(struct nvmu_transport *t, uint32_t nsid,
					    const void *data);

#ifdef __cplusplus
}
#endif
#endif
