/* SPDX-License-Identifier: MIT */
/*
 * The split interceptor: a guest read, write or write zeroes that crosses a multiple of
 * at=BYTES is split there (nvmu_icpt_split()), so that no device command crosses such a
 * boundary - a device's optimal I/O boundary (Identify Namespace NOIOB: commands across
 * it are slower) or a stripe unit of what lies beneath. Each piece goes on to the
 * interceptors after it (encrypt sees each piece at its own LBA) and to the device; the
 * guest's request completes when all pieces did.
 *
 * A request that crosses more than NVMU_ICPT_MAX_SPLIT - 1 boundaries keeps its last
 * piece across the rest (the guest's largest requests, 1 MiB or so, cross at most 31 of
 * 32 KiB); a split the backend cannot make (no memory) passes the request whole: the
 * device serves it either way, and the summary counts both.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "verbs.h"
#include "vhost/interceptors.h"

struct split {
	uint64_t at_bytes;
	uint64_t at;        /* in blocks */
	atomic_ulong split, pieces, whole;
};

static int split_init(void *arg, struct nvmu_icpt_geometry *g)
{
	struct split *s = arg;

	if (s->at_bytes % g->lba_size)
		return nvmu_fail(EINVAL, "split: at=%llu is not a multiple of the %u-byte "
				 "blocks", (unsigned long long)s->at_bytes, g->lba_size);
	s->at = s->at_bytes / g->lba_size;
	return 0;
}

static enum nvmu_icpt_verdict split_rw(void *arg, struct nvmu_icpt_req *r)
{
	struct split *s = arg;
	struct nvmu_icpt_piece p[NVMU_ICPT_MAX_SPLIT];
	uint64_t lba = r->lba, end = r->lba + r->nlb;
	unsigned n = 0;

	if (r->nlb == 0 || lba / s->at == (end - 1) / s->at)
		return NVMU_ICPT_PASS;
	while (lba < end) {
		uint64_t next = (lba / s->at + 1) * s->at;

		if (next > end || n == NVMU_ICPT_MAX_SPLIT - 1)
			next = end;
		p[n++] = (struct nvmu_icpt_piece){ lba, next - lba };
		lba = next;
	}
	if (nvmu_icpt_split(r, p, n) < 0) {
		atomic_fetch_add_explicit(&s->whole, 1, memory_order_relaxed);
		return NVMU_ICPT_PASS;
	}
	atomic_fetch_add_explicit(&s->split, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->pieces, n, memory_order_relaxed);
	return NVMU_ICPT_PASS;
}

static void split_fini(void *arg)
{
	free(arg);
}

static void split_state(void *arg, char *buf, size_t len)
{
	struct split *s = arg;

	snprintf(buf, len, "split at %llu bytes: %lu requests split into %lu pieces, %lu "
		 "passed whole", (unsigned long long)s->at_bytes, atomic_load(&s->split),
		 atomic_load(&s->pieces), atomic_load(&s->whole));
}

static const struct nvmu_intercept_ops split_ops = {
	.ops_size = sizeof(struct nvmu_intercept_ops),
	.name = "split",
	.on_init = split_init,
	.on_read = split_rw,
	.on_write = split_rw,
	.on_write_zeroes = split_rw,
	.on_fini = split_fini,
};

static int split_create(const char *verb, const struct icpt_opt *opts, unsigned nopts,
			const struct nvmu_intercept_ops **ops, void **arg)
{
	static const char *const keys[] = { "at", NULL };
	uint64_t at = 0;
	int ret = icpt_check_keys(verb, "split", opts, nopts, keys);

	if (ret)
		return ret;
	for (unsigned i = 0; i < nopts; i++)
		if (cli_parse_size(verb, "--intercept split,at", opts[i].value, 1ull << 40, &at))
			return EXIT_USAGE;
	if (at < 512)
		return cli_usage_error(verb, "--intercept split needs at=BYTES, at least 512 "
				       "(a multiple of the block size, e.g. at=128k)");
	struct split *s = calloc(1, sizeof(*s));

	if (!s) {
		fprintf(stderr, "nvmu %s: no memory\n", verb);
		return EXIT_FAILED;
	}
	s->at_bytes = at;
	*ops = &split_ops;
	*arg = s;
	return 0;
}

const struct tool_icpt icpt_split = {
	.name = "split",
	.help = "split,at=BYTES: split requests at every multiple of BYTES",
	.create = split_create,
	.state = split_state,
};
