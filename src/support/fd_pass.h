/* SPDX-License-Identifier: MIT */
/* Passing a file descriptor with a message on a unix socket (SCM_RIGHTS). */
#ifndef NVMU_SRC_SUPPORT_FD_PASS_H
#define NVMU_SRC_SUPPORT_FD_PASS_H

#include <sys/socket.h>

/* Room for one descriptor's control message, aligned as cmsghdr wants. */
union fd_pass_space {
	char buf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr align;
};

/* Make @p mh carry descriptor @p fd, its control message in @p space. */
void fd_pass_attach(struct msghdr *mh, union fd_pass_space *space, int fd);

#endif
