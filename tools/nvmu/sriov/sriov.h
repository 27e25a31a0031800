/* SPDX-License-Identifier: MIT */
/*
 * nvmu sriov: objects shared by its files. sriov.c parses the command line and runs a
 * request on the PF, locally or through the process that holds the PF (sriov_ctl.c);
 * sriov_ops.c carries out show, assign, offline, online and disable on a PF handle;
 * sriov_hold.c is `enable`: it provisions the VFs and then holds the PF, serving the
 * requests of other nvmu processes, until a signal or `disable` ends it.
 */
#ifndef NVMU_TOOL_SRIOV_H
#define NVMU_TOOL_SRIOV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "cli.h"
#include "nvmu/sriov.h"

enum sriov_sub { SRIOV_SHOW, SRIOV_ENABLE, SRIOV_DISABLE, SRIOV_ASSIGN, SRIOV_OFFLINE,
		 SRIOV_ONLINE };

/* One request: a subcommand and its options. */
struct sriov_req {
	enum sriov_sub sub;
	enum cli_format format;
	char pf[NVMU_PCI_ADDR_LEN]; /* normalised */
	uint32_t vfn;               /* assign, offline, online */
	uint32_t vfs, vq, vi;       /* enable (vfs), assign and enable (vq, vi) */
	bool force;                 /* offline, disable: even if a process has the VF open */
	const char *token;          /* enable: the VF token to set (NULL: random) */
};

/* The subcommand's name ("show"...). */
const char *sriov_sub_name(enum sriov_sub sub);

/*
 * Carry out request @p r (not enable) on PF handle @p s, printing its output to @p out and
 * errors ("nvmu sriov <sub>: ...") to @p err. @p owner is the pid that holds the PF (0:
 * none) for show. Returns an exit status.
 */
int sriov_do(struct nvmu_sriov *s, const struct sriov_req *r, FILE *out, FILE *err,
	     pid_t owner);

/* The lines "VF <bdf> cntlid <id> queues <q> vectors <v>", "token <uuid>" and "ready"
 * (or one JSON object) for the VFs enabled on @p s, flushed. */
void sriov_print_ready(FILE *out, struct nvmu_sriov *s, enum cli_format format);

/* Wait until no other process has a VF of @p s open, at most @p timeout_s seconds, saying
 * so on stderr ("nvmu <verb>: ..."). */
void sriov_wait_unused(struct nvmu_sriov *s, unsigned timeout_s, const char *verb);

/* `nvmu sriov enable`: provision, print, hold. Returns an exit status. */
int sriov_enable_and_hold(const struct sriov_req *r);

/*
 * Start serving requests for PF @p pf: a socket in the abstract namespace named after it.
 * Returns the listening fd, or -EADDRINUSE if another process holds the PF already (its
 * pid in *holder when known), or another negative errno.
 */
int sriov_ctl_listen(const char *pf, pid_t *holder);

/*
 * Send request @p r to the process holding its PF. Returns -ENOENT if no process holds it
 * (the caller then opens the PF itself), else the exit status of the request, whose output
 * and errors are copied to stdout and stderr. Waits until the holder closed the
 * connection, which it does after releasing the PF when the request ended its hold.
 */
int sriov_ctl_request(const struct sriov_req *r);

/*
 * Answer one connection on @p listen_fd: read the request, run @p handle, send the result.
 * @p handle returns the exit status and sets *stop when the hold must end; the
 * connection then stays open and its fd goes to *keep, to be closed once the PF is
 * released (-1 otherwise).
 */
typedef int (*sriov_ctl_handler)(void *ctx, const struct sriov_req *r, FILE *out, FILE *err,
				 bool *stop);
void sriov_ctl_serve(int listen_fd, sriov_ctl_handler handle, void *ctx, bool *stop, int *keep);

#endif
