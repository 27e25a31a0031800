/* SPDX-License-Identifier: MIT */
/*
 * The verbs of the nvmu tool. Adding a verb: write <family>/<verb>.c (pci/, admin/,
 * passthru/, io/, perf/, vhost/; here for one of no family, as version.c) defining
 * `const struct nvmu_verb nvmu_verb_<id> = {...}`, add it to that folder's meson.build,
 * and add X(<id>) to NVMU_VERBS below (the order is the order of `nvmu help`).
 */
#ifndef NVMU_TOOL_VERBS_H
#define NVMU_TOOL_VERBS_H

/* Exit statuses of every verb. */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1, /* the operation failed (the reason is on stderr) */
	EXIT_USAGE = 2,  /* the command line was wrong */
};

struct nvmu_verb {
	const char *name;    /* as typed: "list", "show-regs" */
	const char *summary; /* one line for `nvmu help` */
	const char *usage;   /* full text for `nvmu <verb> --help`, starting with "Usage: " */
	/* Run with argv[0] = the verb name; --help is handled before. Returns an exit status. */
	int (*run)(int argc, char **argv);
};

#define NVMU_VERBS(X) \
	X(list)       \
	X(bind)       \
	X(unbind)     \
	X(show_regs)      \
	X(id_ctrl)        \
	X(id_ns)          \
	X(list_ns)        \
	X(smart_log)      \
	X(error_log)      \
	X(fw_log)         \
	X(get_log)        \
	X(get_feature)    \
	X(set_feature)    \
	X(admin_passthru) \
	X(format)         \
	X(reset)          \
	X(read)           \
	X(write)          \
	X(compare)        \
	X(flush)          \
	X(dsm)            \
	X(write_zeroes)   \
	X(verify)         \
	X(io_passthru)     \
	X(perf)           \
	X(vhost_blk)      \
	X(version)

#define NVMU_DECLARE_VERB(id) extern const struct nvmu_verb nvmu_verb_##id;
NVMU_VERBS(NVMU_DECLARE_VERB)
#undef NVMU_DECLARE_VERB

#endif
