/* SPDX-License-Identifier: MIT */
/*
 * The verbs of the nvmu tool. Adding a verb: write <family>/<verb>.c (pci/, admin/, ns/,
 * fw/, resv/, passthru/, io/, perf/, sriov/, share/, fabrics/, vhost/; here for one of no
 * family, as version.c) defining `const struct nvmu_verb nvmu_verb_<id> = {...}`, add it
 * to that folder's meson.build,
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
	X(list_subsys) \
	X(bind)       \
	X(unbind)     \
	X(show_regs)      \
	X(get_property)   \
	X(set_property)   \
	X(subsystem_reset) \
	X(id_ctrl)        \
	X(id_ns)          \
	X(list_ns)        \
	X(ns_descs)       \
	X(create_ns)      \
	X(delete_ns)      \
	X(attach_ns)      \
	X(detach_ns)      \
	X(list_ctrl)      \
	X(smart_log)      \
	X(error_log)      \
	X(fw_log)         \
	X(fw_download)    \
	X(fw_commit)      \
	X(get_log)        \
	X(effects_log)    \
	X(supported_log_pages) \
	X(self_test_log)  \
	X(sanitize_log)   \
	X(changed_ns_list_log) \
	X(telemetry_log)  \
	X(get_feature)    \
	X(set_feature)    \
	X(admin_passthru) \
	X(format)         \
	X(get_lba_status) \
	X(device_self_test) \
	X(sanitize)       \
	X(reset)          \
	X(read)           \
	X(write)          \
	X(compare)        \
	X(flush)          \
	X(dsm)            \
	X(write_zeroes)   \
	X(verify)         \
	X(write_uncor)    \
	X(copy)           \
	X(resv_register)  \
	X(resv_acquire)   \
	X(resv_release)   \
	X(resv_report)    \
	X(io_passthru)     \
	X(perf)           \
	X(sriov)          \
	X(virt_mgmt)      \
	X(primary_ctrl_caps) \
	X(list_secondary) \
	X(serve)          \
	X(discover)       \
	X(vhost_blk)      \
	X(version)

#define NVMU_DECLARE_VERB(id) extern const struct nvmu_verb nvmu_verb_##id;
NVMU_VERBS(NVMU_DECLARE_VERB)
#undef NVMU_DECLARE_VERB

#endif
