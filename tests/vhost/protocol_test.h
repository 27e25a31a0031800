/* SPDX-License-Identifier: MIT */
/*
 * What the files of the protocol test program share (test_vhost_protocol.c sets it up
 * and runs every test; test_vhost_inflight.c and test_vhost_intercept.c hold the tests
 * of the in-flight region and of an interceptor chain).
 */
#ifndef NVMU_TEST_VHOST_PROTOCOL_TEST_H
#define NVMU_TEST_VHOST_PROTOCOL_TEST_H

#include <stdbool.h>
#include <stddef.h>

#include "frontend.h"
#include "nvmu/host.h"
#include "nvmu/vhost_blk.h"

#define MEM_SIZE (4u << 20)
#define NUM 16
#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define T_GET_ID 8
#define T_DISCARD 11
#define T_WZ 13

extern struct nvmu_host_ctrl *host;
extern struct nvmu_vhost_blk *backend; /* serving on sock_path */
extern char sock_path[160];

/* A recognisable pattern for @p seed. */
void fill(void *p, size_t len, unsigned seed);
/* A front-end connected and started with 2 rings (or failing the test). */
bool open_fe(struct fe *f, bool event_idx, bool add_mem_reg);
/* Disconnect, and wait until the back-end has dropped the connection. */
void close_fe(struct fe *f);

void inflight_region_resends_what_a_dead_backend_had(void);
void interceptors_chain(void);

#endif
