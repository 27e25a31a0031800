/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "fd_pass.h"

void fd_pass_attach(struct msghdr *mh, union fd_pass_space *space, int fd)
{
	struct cmsghdr *c;

	memset(space, 0, sizeof(*space));
	mh->msg_control = space->buf;
	mh->msg_controllen = sizeof(space->buf);
	c = CMSG_FIRSTHDR(mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
}
