/* SPDX-License-Identifier: MIT */
/* The software NVMe controller's state, shared by its source files (not a public interface).
 * Every function here runs with the controller's lock held unless it says otherwise. */
#ifndef NVMU_SRC_TRANSPORT_SOFT_SOFT_H
#define NVMU_SRC_TRANSPORT_SOFT_SOFT_H

#include <pthread.h>
#include <stdatomic.h>

#include "nvmu/nvme_soft.h"

#define SOFT_MAX_NS 1024
#define SOFT_MIN_NN 16 /* Identify NN at least: NSIDs past ns= are free to create */
#define SOFT_MAX_QUEUES 1024
#define SOFT_MAX_RULES 64
#define SOFT_MAX_EVENTS 16
#define SOFT_AERL 3               /* Identify AERL: 4 requests outstanding at most */
#define SOFT_ERROR_LOG_ENTRIES 16 /* Identify ELPE + 1 */
#define SOFT_VIOLATION_LOG 16
#define SOFT_VIOLATION_MSG 160
#define SOFT_LBAF_512 0
#define SOFT_LBAF_4096 1
#define SOFT_NLBAF 2
#define SOFT_COPY_MAX_RANGE_BLOCKS 256 /* Identify Namespace MSSRL */
#define SOFT_COPY_MAX_BLOCKS 4096      /* MCL */
#define SOFT_COPY_MAX_RANGES 16        /* MSRC + 1 */
#define SOFT_FW_SLOTS 3              /* Identify FRMW: slot 1 read-only, 2 and 3 writable */
#define SOFT_FW_MAX_BYTES (1u << 20) /* largest firmware image Firmware Image Download takes */
#define SOFT_UNCOR_RANGES 64         /* Write Uncorrectable ranges kept per namespace */
#define SOFT_TELEMETRY_BYTES (4 * 512) /* telemetry header and three 512-byte data areas */
#define LOG_PAGE_BUF_BYTES 4096        /* holds the largest log page offered */
#define SOFT_VS(major, minor) ((uint32_t)(major) << 16 | (uint32_t)(minor) << 8)

/* Status "hold the command" (an AER waits for an event): no completion now. */
#define SOFT_HOLD 0xffffu
/* Status "the transfer is under way" (file_io.c): it completes the command later. */
#define SOFT_ASYNC 0xfffeu

/* Status field values (no phase bit). */
#define SOFT_STATUS(sct, sc) ((uint16_t)(((sct) << NVME_SCT_SHIFT) | (sc)))
#define SOFT_DNR(sct, sc) ((uint16_t)(SOFT_STATUS(sct, sc) | NVME_SC_DNR))
#define SOFT_GENERIC(sc) SOFT_DNR(NVME_SCT_GENERIC, sc)
#define SOFT_SPECIFIC(sc) SOFT_DNR(NVME_SCT_CMD_SPECIFIC, sc)

/* Options from the spec string. */
struct soft_opts {
	uint32_t nns;
	uint64_t ns_bytes;
	uint32_t lbs;
	uint8_t mdts;
	uint16_t mqes;
	uint16_t queues;
	bool sgl, dbbuf, stepped;
	bool dbbuf_given; /* dbbuf= was in the string (a named controller has none else) */
	bool iommu;       /* iommu=1: an IOMMU context applications map their memory into */
	uint8_t to, dstrd, mpsmin, mpsmax;
	uint32_t ready_delay_ms;
	uint32_t vs;    /* VS register: major << 16 | minor << 8 */
	char file[256]; /* file=PATH: namespaces stored in this file (kept between runs) */
	char name[64];  /* name=NAME: other processes attaching soft:name=NAME share it */
};

/* What a soft controller's name may hold (it becomes part of a file name). */
#define SOFT_NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."

/* One DMA buffer handed out: device address -> CPU address. */
struct soft_mapping {
	uint64_t iova;
	uint64_t len;
	uint8_t *vaddr;
	bool peer; /* another process's memory (map_peer): not ours to free */
};

struct soft_dma {
	struct soft_mapping *map; /* sorted by iova */
	size_t n, cap;
	uint64_t next_iova;
};

struct soft_sq {
	bool live;
	uint64_t base;
	uint16_t size, head, tail, cqid;
	uint16_t last_cid; /* CID of the last command completed (for stale CID faults) */
	bool completed_any;
};

struct soft_cq {
	bool live;
	uint64_t base;
	uint16_t size, head, tail, vector;
	uint8_t phase;
	bool ien, signal;
};

struct soft_range {
	uint64_t slba, nlb;
};

struct soft_ns {
	uint8_t *data;
	uint64_t bytes; /* allocated (size option) */
	uint8_t lbaf;   /* SOFT_LBAF_* */
	uint8_t *id_override; /* Identify Namespace data given by the test, or NULL */
	/* Blocks marked by Write Uncorrectable (reads fail) until written again. */
	struct soft_range uncor[SOFT_UNCOR_RANGES];
	uint32_t nuncor;
	bool allocated;   /* exists (ns= at start, or Namespace Management created it) */
	bool attached;    /* attached to the controller: active */
	bool file_backed; /* storage is a part of file= (else RAM) */
	int file_fd;        /* ... that file (file_io.c owns it) */
	uint64_t file_off;  /* ... and where in it the namespace starts */
	/* reservations.c: the host's registration and reservation */
	bool registered;
	uint64_t rkey;
	uint8_t rtype; /* 0: no reservation held */
	uint32_t resv_gen;
};

/* A piece of host memory a command's data pointer resolved to. */
struct soft_seg {
	uint8_t *ptr;
	size_t len;
};

/* A command being executed. */
struct soft_cmd {
	struct nvmu_sqe sqe;
	uint16_t sqid;
	uint32_t dw0;
	uint64_t lba; /* for the error log */
};

enum soft_pending_kind { PENDING_AER, PENDING_NEVER, PENDING_LATE };

/* A command fetched and not completed yet. */
struct soft_pending {
	struct soft_pending *next;
	enum soft_pending_kind kind;
	uint16_t sqid, cid;
	uint32_t dw0;
	uint16_t status;
	uint64_t due_ns, due_step;
};

struct soft_rule {
	struct nvmu_soft_fault r;
	uint64_t seen, hits;
	bool used;
};

/* True if the controller implements NVMe 2.0's I/O Command Sets: CAP.CSS bit 6, CC.CSS
 * 110b and Identify CNS 06h. Older versions (the default, 1.4) have none of them. */
static inline bool soft_io_command_sets(const struct soft_opts *o)
{
	return o->vs >= SOFT_VS(2, 0);
}

struct soft_features {
	uint32_t arbitration, power_mgmt, temp_over, temp_under, err_recovery;
	uint32_t vwc, irq_coalesce, async_event, write_atomic;
	uint16_t nsq, ncq; /* granted I/O queues (0-based, as in the feature) */
	bool queues_set;
};

struct soft_ctrl {
	struct nvmu_transport t; /* first: the core hands this back */
	struct soft_opts o;
	pthread_mutex_t lock;
	char name[96];

	/* registers */
	uint64_t cap;
	uint32_t cc, aqa, intms;
	uint64_t asq, acq;
	bool enabled, fatal, removed;
	uint8_t shst;
	uint64_t ready_at_ns;
	uint32_t ready_delay_ms;
	uint32_t page_size; /* CC.MPS at enable */

	/* doorbells: the area the driver writes, the last value seen of each slot */
	uint8_t *db_area;
	size_t db_bytes;
	int db_fd; /* the memfd behind db_area, which processes sharing the controller map */
	uint32_t *db_seen;
	uint64_t dbbuf_shadow, dbbuf_eventidx; /* 0 = off */

	struct soft_sq *sq; /* [queues + 1] */
	struct soft_cq *cq;
	struct soft_dma dma;
	struct soft_ns *ns; /* [nn]: NSID i + 1 */
	uint32_t nn;        /* Identify NN: namespace IDs */
	/* Changed Namespace List log (ns_mgmt.c): NSIDs since it was last read */
	uint32_t changed[NVME_ID_NS_LIST_MAX];
	uint32_t nchanged;
	bool changed_overflow;
	struct soft_features feat;
	uint8_t *id_override[2]; /* CNS 0 (namespace) and 1 (controller) */

	struct soft_pending *pending;
	uint32_t npending, aers;
	uint32_t events[SOFT_MAX_EVENTS];
	uint32_t nevents;

	struct nvme_error_log_page errlog[SOFT_ERROR_LOG_ENTRIES];
	uint64_t error_count;
	uint64_t units_read, units_written, host_reads, host_writes; /* SMART */
	uint8_t critical_warning;

	struct nvme_self_test_log self_test;   /* Device Self-test log (self_test.c) */
	struct nvme_sanitize_log_page sanitize; /* Sanitize Status log (sanitize.c) */
	uint8_t telemetry[SOFT_TELEMETRY_BYTES]; /* the last host-initiated snapshot */

	/* firmware.c: slot revisions, the active slot, the slot to activate at the next reset,
	 * and the image downloaded so far (not committed yet). */
	char fw_rev[SOFT_FW_SLOTS][8];
	uint8_t fw_active, fw_next;
	uint8_t *fw_image;
	size_t fw_image_len;

	struct soft_rule rules[SOFT_MAX_RULES];
	uint32_t nrules;

	struct nvmu_soft_violations v;
	char vlog[SOFT_VIOLATION_LOG][SOFT_VIOLATION_MSG];
	uint64_t vlog_next;

	int *irq_fd; /* [queues + 1], -1 = not connected */
	uint32_t vectors;

	struct soft_seg *segs; /* data pointer of the command being executed */
	size_t nsegs, segs_cap;
	bool defer_ok;         /* ... may complete later (no fault rule matched it) */

	struct soft_file *file;   /* file_io.c: file= storage, NULL in RAM */
	struct nvmu_iommu *iommu; /* iommu.c: with iommu=1 */

	struct nvmu_soft_stats stats;
	uint64_t steps;

	pthread_t thread;
	bool thread_running;
	atomic_bool stop;
};

static inline struct soft_ctrl *soft_of(struct nvmu_transport *t)
{
	return (struct soft_ctrl *)t;
}

/* ---- options.c ---- */
/* Parse @spec into *o (defaults first). 0 or -EINVAL with a message naming the option. */
int soft_opts_parse(const char *spec, struct soft_opts *o);

/* The option keys, "ns, size, ...", for messages (from the table of options_help.c). */
const char *soft_known_options(void);

/* ---- regs.c ---- */
uint64_t soft_cap_initial(const struct soft_opts *o);
uint32_t soft_reg_read32(struct soft_ctrl *c, uint32_t off);
void soft_reg_write32(struct soft_ctrl *c, uint32_t off, uint32_t val);
/* CSTS as a read returns it now (RDY once the ready delay passed). */
uint32_t soft_csts(struct soft_ctrl *c);
/* True when the controller processes commands (enabled, ready, no CFS, not removed,
 * not shut down). */
bool soft_running(struct soft_ctrl *c);
/* Raise CSTS.CFS. */
void soft_set_fatal(struct soft_ctrl *c, const char *why);

/* ---- dma.c ---- */
int soft_dma_alloc(struct soft_ctrl *c, size_t len, struct nvmu_dma_buf *buf);
void soft_dma_free(struct soft_ctrl *c, struct nvmu_dma_buf *buf);
void soft_dma_fini(struct soft_ctrl *c);
/* Add [vaddr, vaddr+len), memory this controller did not allocate, to the table. */
int soft_dma_map_peer(struct soft_ctrl *c, void *vaddr, size_t len, uint64_t *iova);
/* Remove the mapping at @iova that soft_dma_map_peer() added. */
void soft_dma_unmap_peer(struct soft_ctrl *c, uint64_t iova);
/* Add [vaddr, vaddr+len) at device address @iova (the IOMMU context's placement). */
int soft_dma_map_at(struct soft_ctrl *c, void *vaddr, uint64_t iova, size_t len);
/* CPU address of [iova, iova+len) if one mapping holds it all, else NULL. */
void *soft_dma_lookup(struct soft_ctrl *c, uint64_t iova, uint64_t len);

/* ---- dataptr.c: PRP and SGL into c->segs ---- */
/* Resolve @cmd's data pointer for @len bytes. Returns 0 or a status (violations counted). */
uint16_t soft_dptr_resolve(struct soft_ctrl *c, const struct soft_cmd *cmd, size_t len);
/* Copy @len bytes from @src to the resolved host segments. */
void soft_segs_to_host(struct soft_ctrl *c, const void *src, size_t len);
/* Copy @len bytes from the resolved host segments to @dst. */
void soft_segs_from_host(struct soft_ctrl *c, void *dst, size_t len);
/* True if the host segments hold the same @len bytes as @ref. */
bool soft_segs_equal(struct soft_ctrl *c, const void *ref, size_t len);
/* Resolve and copy @len bytes of @src to the host: 0 or a status. */
uint16_t soft_data_out(struct soft_ctrl *c, const struct soft_cmd *cmd, const void *src,
		       size_t len);
/* Resolve and copy @len bytes from the host into @dst: 0 or a status. */
uint16_t soft_data_in(struct soft_ctrl *c, const struct soft_cmd *cmd, void *dst, size_t len);

/* ---- queues.c ---- */
/* Reset every queue (controller disable): I/O queues gone, admin queue from AQA/ASQ/ACQ. */
void soft_queues_reset(struct soft_ctrl *c);
/* Set up the admin queue from AQA/ASQ/ACQ. */
void soft_queues_admin(struct soft_ctrl *c);
/* Read the doorbells (or shadow doorbells) and update tails and heads. */
void soft_doorbells_scan(struct soft_ctrl *c);
/* The same for SQ @qid and its CQ only (a host polling that queue: not the whole page). */
void soft_doorbells_scan_queue(struct soft_ctrl *c, uint16_t qid);
/* Free CQ entries. */
uint32_t soft_cq_space(const struct soft_cq *cq);
/* Copy the SQE at @sq's head into *out and advance the head; false (CFS) if unmapped. */
bool soft_sq_fetch(struct soft_ctrl *c, uint16_t sqid, struct nvmu_sqe *out);
/* Post a completion for SQ @sqid. @phase_flip posts the wrong phase tag; @sqhd is the SQ
 * head reported (-1: the real one). False if the CQ is full or unmapped (CFS). */
bool soft_cq_post(struct soft_ctrl *c, uint16_t sqid, uint16_t cid, uint32_t dw0,
		  uint16_t status, bool phase_flip, int sqhd);
/* Signal the interrupts of CQs that got entries. */
void soft_irqs_signal(struct soft_ctrl *c);
/* Zero the doorbell of queue @qid (its CQ head when @is_cq, else its SQ tail). */
void soft_doorbell_clear(struct soft_ctrl *c, uint16_t qid, bool is_cq);

/* ---- queue_cmds.c: Create/Delete I/O SQ/CQ, Doorbell Buffer Config ---- */
uint16_t soft_create_cq(struct soft_ctrl *c, struct soft_cmd *cmd);
uint16_t soft_create_sq(struct soft_ctrl *c, struct soft_cmd *cmd);
uint16_t soft_delete_cq(struct soft_ctrl *c, struct soft_cmd *cmd);
uint16_t soft_delete_sq(struct soft_ctrl *c, struct soft_cmd *cmd);
uint16_t soft_dbbuf_config(struct soft_ctrl *c, struct soft_cmd *cmd);

/* ---- admin_exec.c ---- */
uint16_t soft_admin_exec(struct soft_ctrl *c, struct soft_cmd *cmd);

/* ---- identify.c ---- */
uint16_t soft_identify(struct soft_ctrl *c, struct soft_cmd *cmd);

/* ---- features.c ---- */
void soft_features_reset(struct soft_ctrl *c);
uint16_t soft_get_features(struct soft_ctrl *c, struct soft_cmd *cmd);
uint16_t soft_set_features(struct soft_ctrl *c, struct soft_cmd *cmd);

/* ---- logs.c ---- */
uint16_t soft_get_log_page(struct soft_ctrl *c, struct soft_cmd *cmd);
/* The Error Information and SMART / Health pages into @buf; their sizes. */
size_t soft_error_log(struct soft_ctrl *c, uint8_t *buf);
size_t soft_smart_log(struct soft_ctrl *c, uint8_t *buf);
/* Record a failed command in the Error Information log. */
void soft_error_record(struct soft_ctrl *c, const struct soft_cmd *cmd, uint16_t status);

/* ---- log_support.c: Commands Supported and Effects, Supported Log Pages ---- */
/* Fill @buf with the page and return its size (4096 or 1024 bytes). */
size_t soft_effects_log(struct soft_ctrl *c, uint8_t *buf);
size_t soft_supported_logs(struct soft_ctrl *c, uint8_t *buf);

/* ---- telemetry.c: Telemetry Host- and Controller-Initiated log pages ---- */
size_t soft_telemetry_log(struct soft_ctrl *c, uint8_t lid, uint8_t lsp, uint8_t *buf);

/* ---- self_test.c: Device Self-test ---- */
void soft_self_test_init(struct soft_ctrl *c);
uint16_t soft_self_test(struct soft_ctrl *c, struct soft_cmd *cmd);

/* ---- sanitize.c: Sanitize ---- */
uint16_t soft_sanitize(struct soft_ctrl *c, struct soft_cmd *cmd);

/* ---- firmware.c: Firmware Image Download, Firmware Commit, Firmware Slot log ---- */
void soft_fw_init(struct soft_ctrl *c);
void soft_fw_fini(struct soft_ctrl *c);
/* Controller reset: a firmware committed "at the next reset" becomes active. */
void soft_fw_reset(struct soft_ctrl *c);
uint16_t soft_fw_download(struct soft_ctrl *c, struct soft_cmd *cmd);
uint16_t soft_fw_commit(struct soft_ctrl *c, struct soft_cmd *cmd);
size_t soft_fw_slot_log(struct soft_ctrl *c, uint8_t *buf);

/* ---- uncorrectable.c: Write Uncorrectable, reads of marked blocks, Get LBA Status ---- */
uint16_t soft_write_uncor(struct soft_ctrl *c, struct soft_cmd *cmd, struct soft_ns *ns);
/* True if a block of [slba, slba + nlb) is marked uncorrectable. */
bool soft_uncor_hit(const struct soft_ns *ns, uint64_t slba, uint64_t nlb);
/* Writes of [slba, slba + nlb) make those blocks readable again. */
void soft_uncor_clear(struct soft_ns *ns, uint64_t slba, uint64_t nlb);
uint16_t soft_get_lba_status(struct soft_ctrl *c, struct soft_cmd *cmd);

/* ---- namespaces.c ---- */
int soft_ns_init(struct soft_ctrl *c);
void soft_ns_fini(struct soft_ctrl *c);
/* Active (attached) namespace @nsid (1-based) or NULL. */
struct soft_ns *soft_ns_get(struct soft_ctrl *c, uint32_t nsid);
/* Allocated namespace @nsid, attached or not, or NULL. */
struct soft_ns *soft_ns_allocated(struct soft_ctrl *c, uint32_t nsid);
/* RAM storage of @p bytes: a mapping the kernel fills on first touch (no swap reserved). */
int soft_ns_map_ram(uint64_t bytes, void **mem);
/* Free the storage of @ns (it stays allocated until the caller says otherwise). */
void soft_ns_storage_free(struct soft_ns *ns);
uint32_t soft_ns_lba_shift(const struct soft_ns *ns);
uint64_t soft_ns_blocks(const struct soft_ns *ns);
/* Zero @p bytes at byte @p offset of the namespace (Write Zeroes, deallocation). */
void soft_ns_zero(struct soft_ns *ns, uint64_t offset, uint64_t bytes);
uint16_t soft_format(struct soft_ctrl *c, struct soft_cmd *cmd);
/* Every block of @ns reads zeroes again (Format NVM, Sanitize). */
void soft_ns_erase(struct soft_ns *ns);

/* ---- io.c ---- */
uint16_t soft_io_exec(struct soft_ctrl *c, struct soft_cmd *cmd);
/* Count a data transfer in the SMART counters. */
void soft_count_io(struct soft_ctrl *c, bool write, uint64_t bytes);

/* ---- file_io.c: namespaces in a file= ---- */
/* Take @fd, the open backing file: its O_DIRECT twin, the io_uring. */
int soft_file_open(struct soft_ctrl *c, int fd);
/* Read or Write [slba, slba + nlb) of @ns (resolving the data pointer): a status, or
 * SOFT_ASYNC when @defer allowed it to complete later (soft_file_reap()). */
uint16_t soft_file_rw(struct soft_ctrl *c, struct soft_cmd *cmd, struct soft_ns *ns,
		      uint64_t slba, uint64_t nlb, bool write, bool defer);
/* Flush: the file's data durable; a status or SOFT_ASYNC. 0 at once without a file. */
uint16_t soft_file_flush(struct soft_ctrl *c, struct soft_cmd *cmd, bool defer);
/* Hand the queued transfers to the kernel (one system call per ring for a batch). */
void soft_file_submit(struct soft_ctrl *c);
/* ... those of SQ @qid only. */
void soft_file_submit_queue(struct soft_ctrl *c, uint16_t qid);
/* Complete the commands whose transfers ended; returns how many. */
unsigned soft_file_reap(struct soft_ctrl *c);
/* ... those of SQ @qid only. */
unsigned soft_file_reap_queue(struct soft_ctrl *c, uint16_t qid);
/* The host polls SQ @qid: the end of its transfers signals @fd (the interrupt eventfd of
 * its CQ, -1 for none) rather than the controller's thread (file_ring.c). */
void soft_file_route(struct soft_ctrl *c, uint16_t qid, int fd);
/* The end of every transfer wakes the controller's thread again. */
void soft_file_route_reset(struct soft_ctrl *c);
/* Wait for every transfer in flight, completing their commands if @post. */
void soft_file_drain(struct soft_ctrl *c, bool post);
/* Drain, then make the file durable (shutdown): 0 or -1 with errno. */
int soft_file_sync(struct soft_ctrl *c);
bool soft_file_has_cid(const struct soft_ctrl *c, uint16_t sqid, uint16_t cid);
/* The eventfd the ring signals when a transfer ends, or -1. */
int soft_file_eventfd(const struct soft_ctrl *c);
void soft_file_close(struct soft_ctrl *c);

/* ---- iommu.c: the IOMMU context of iommu=1 ---- */
int soft_iommu_init(struct soft_ctrl *c);
void soft_iommu_fini(struct soft_ctrl *c);
struct nvmu_iommu *soft_iommu(struct nvmu_transport *t);

/* ---- reservations.c: Reservation Register, Report, Acquire, Release ---- */
uint16_t soft_reservation(struct soft_ctrl *c, struct soft_cmd *cmd, struct soft_ns *ns);

/* ---- ns_mgmt.c: Namespace Management, Namespace Attachment, Changed NS List log ---- */
uint16_t soft_ns_mgmt(struct soft_ctrl *c, struct soft_cmd *cmd);
uint16_t soft_ns_attach(struct soft_ctrl *c, struct soft_cmd *cmd);
size_t soft_changed_ns_log(struct soft_ctrl *c, bool rae, uint8_t *buf);

/* ---- pending.c: held commands, AERs, events ---- */
void soft_pending_add(struct soft_ctrl *c, enum soft_pending_kind kind, const struct soft_cmd *cmd,
		      uint16_t status, uint32_t delay_ms, uint32_t delay_steps);
bool soft_pending_has_cid(struct soft_ctrl *c, uint16_t sqid, uint16_t cid);
/* Complete commands that are due and AERs that have events; returns completions posted. */
unsigned soft_pending_tick(struct soft_ctrl *c);
/* Complete pending command @cid of SQ @sqid with @status; false if none. */
bool soft_pending_abort(struct soft_ctrl *c, uint16_t sqid, uint16_t cid, uint16_t status);
/* Complete every pending command of SQ @sqid with @status (SQ deletion). */
void soft_pending_abort_sq(struct soft_ctrl *c, uint16_t sqid, uint16_t status);
/* Drop every pending command (reset). */
void soft_pending_drop(struct soft_ctrl *c);
int soft_event_queue(struct soft_ctrl *c, uint32_t dw0);

/* ---- faults.c ---- */
/* The rule that fires for @cmd (counting matches), or NULL. */
const struct nvmu_soft_fault *soft_fault_match(struct soft_ctrl *c, const struct soft_cmd *cmd);
/* LBA range [*first, *last] an I/O command touches; false if it has none. */
bool soft_cmd_lba_range(struct soft_ctrl *c, const struct soft_cmd *cmd, uint64_t *first,
			uint64_t *last);

/* ---- violations.c ---- */
void soft_violation(struct soft_ctrl *c, enum nvmu_soft_violation v, const char *fmt, ...)
	NVMU_PRINTF(3, 4);

/* ---- exec.c ---- */
/* One step: doorbells, commands (up to @max, 0 = all), delayed completions, interrupts. */
unsigned soft_step_locked(struct soft_ctrl *c, unsigned max);
/* The same, telling in *@reaped how many of the commands it completed were file transfers
 * that ended (the controller's thread need not spin for those). */
unsigned soft_step_counting_locked(struct soft_ctrl *c, unsigned max, unsigned *reaped);
/* The step a host polling queue @qid makes (transport op poll_queue): transfers that
 * ended, then the new commands of SQ @qid (and for the admin queue, held completions that
 * are due), on the polling thread, with no handoff. */
unsigned soft_step_queue_locked(struct soft_ctrl *c, uint16_t qid);
/* Complete @cmd with @status (recorded in the error log when not 0); the completion is
 * held until the CQ has room. */
void soft_cmd_complete(struct soft_ctrl *c, const struct soft_cmd *cmd, uint16_t status);

/* ---- share.c: what processes sharing the controller need (called without the lock) ---- */
/* The doorbell area in a memfd, so that other processes can map it. */
int soft_doorbells_alloc(struct soft_ctrl *c);
void soft_doorbells_free(struct soft_ctrl *c);
int soft_map_peer(struct nvmu_transport *t, void *vaddr, size_t len, uint64_t *iova);
void soft_unmap_peer(struct nvmu_transport *t, void *vaddr, uint64_t iova);
int soft_doorbell_fd(struct nvmu_transport *t, int *fd, uint64_t *offset, size_t *len);
/* The class's share_key: "soft-NAME" for soft:name=NAME, none without a name. */
int soft_share_key(const char *spec, char *key, size_t len);

/* ---- thread.c (called without the lock) ---- */
int soft_thread_start(struct soft_ctrl *c);
void soft_thread_stop(struct soft_ctrl *c);

#endif
