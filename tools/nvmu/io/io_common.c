/* SPDX-License-Identifier: MIT */
/* Shared parts of the I/O verbs: range options, namespace + queue pair, one command's wait. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "io_common.h"
#include "verbs.h"

int io_parse_opt(const char *verb, int opt, const char *arg, struct io_args *a)
{
	switch (opt) {
	case 'n':
		if (cli_parse_u32(verb, "-n", arg, UINT32_MAX, &a->nsid))
			return EXIT_USAGE;
		if (a->nsid == 0)
			return cli_usage_error(verb, "-n 0 is not a namespace (NSIDs start at 1)");
		return 0;
	case 's':
		return cli_parse_u64(verb, "-s", arg, UINT64_MAX, &a->slba) ? EXIT_USAGE : 0;
	case 'c':
		return cli_parse_u32(verb, "-c", arg, UINT16_MAX, &a->nlb0) ? EXIT_USAGE : 0;
	default:
		return 1;
	}
}

int io_parse_end(int argc, char **argv, bool need_ns, struct io_args *a)
{
	if (need_ns && !a->nsid)
		return cli_usage_error(argv[0], "give the namespace with -n NSID");
	return cli_device_arg(argc, argv, &a->dev);
}

int io_open(const char *verb, const char *dev, uint32_t nsid, struct io_ctx *io)
{
	int ret;

	memset(io, 0, sizeof(*io));
	if ((ret = device_open(verb, dev, &io->d)))
		return ret;
	if (nsid && (ret = device_ns(verb, &io->d, nsid, &io->ns))) {
		device_close(&io->d);
		return ret;
	}
	/* Sizes come from the LBA size, which an unusable namespace does not have. */
	if (io->ns && !nvmu_ns_usable(io->ns)) {
		fprintf(stderr, "nvmu %s: %s\n", verb, nvmu_ns_unusable_reason(io->ns));
		device_close(&io->d);
		return EXIT_FAILED;
	}
	if (nvmu_host_qpair_create(io->d.host, NULL, &io->qp) < 0) {
		ret = cli_fail(verb);
		device_close(&io->d);
	}
	return ret;
}

void io_close(struct io_ctx *io)
{
	nvmu_host_dma_free(io->d.host, &io->buf);
	/* Detaching frees the queue pair. */
	device_close(&io->d);
	io->qp = NULL;
}

int io_buffer(const char *verb, struct io_ctx *io, size_t len, struct nvmu_dma_buf *data)
{
	if (nvmu_host_dma_alloc(io->d.host, len, &io->buf) < 0)
		return cli_fail(verb);
	*data = io->buf; /* its len is the size asked for: the transfer's length */
	return 0;
}

int io_wait(const char *verb, struct io_ctx *io, int ret, struct nvmu_host_waiter *w)
{
	if (ret == 0)
		ret = nvmu_host_wait(io->qp, w, 0);
	return ret < 0 ? cli_fail(verb) : 0;
}

uint64_t io_bytes(const struct io_ctx *io, const struct io_args *a)
{
	return ((uint64_t)a->nlb0 + 1) * nvmu_ns_lba_size(io->ns);
}
