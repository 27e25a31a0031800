/* SPDX-License-Identifier: MIT */
/*
 * nvmu telemetry-log: the Telemetry Host-Initiated (07h) or Controller-Initiated (08h)
 * log, header and data areas 1 to N, written to a file as nvme-cli does.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "log_page.h"
#include "verb_opts.h"
#include "verbs.h"

#define BLOCK NVME_LOG_TELEM_BLOCK_SIZE
#define LSP_CREATE 1

/* The last block of data area @p da (1-4) from the header; -1 for area 4 unsupported. */
static long long last_block(const struct nvme_telemetry_log *h, uint32_t da, bool da4_ok)
{
	switch (da) {
	case 1: return h->dalb1;
	case 2: return h->dalb2;
	case 3: return h->dalb3;
	default: return da4_ok ? (long long)h->dalb4 : -1;
	}
}

/* Write all of @p data to @p path (created or truncated). 0 or EXIT_FAILED. */
static int write_file(const char *verb, const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	size_t done = 0;

	if (fd < 0) {
		fprintf(stderr, "nvmu %s: cannot open %s: %s\n", verb, path, strerror(errno));
		return EXIT_FAILED;
	}
	while (done < len) {
		ssize_t n = write(fd, (const uint8_t *)data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		done += (size_t)n;
	}
	if (done < len || fsync(fd) != 0) {
		fprintf(stderr, "nvmu %s: cannot write %s: %s\n", verb, path, strerror(errno));
		close(fd);
		return EXIT_FAILED;
	}
	close(fd);
	return 0;
}

static int run_telemetry_log(int argc, char **argv)
{
	const char *file = NULL;
	uint32_t host_gen = 1, da = 3;
	bool ctrl_init = false;
	const struct verb_opt opts[] = {
		{ 'o', "output-file", VOPT_STR, &file, 0, NULL },
		{ 'g', "host-generate", VOPT_U32, &host_gen, 0, NULL },
		{ 'c', "controller-init", VOPT_FLAG, &ctrl_init, 0, NULL },
		{ 'd', "data-area", VOPT_U32, &da, 4, NULL },
	};
	struct capability cap = { .what = "the telemetry log pages", .field = "LPA bit 3" };
	struct log_request req = { .nsid = NVME_NSID_ALL };
	_Alignas(8) uint8_t header[BLOCK];
	struct nvme_telemetry_log *h = (struct nvme_telemetry_log *)header;
	uint8_t *log = NULL;
	long long last;
	struct tool_dev d;
	const char *dev;
	size_t size = BLOCK;
	int ret;

	if ((ret = VERB_PARSE(argc, argv, opts, &dev)))
		return ret;
	if (!file)
		return cli_usage_error(argv[0], "give the file to write with -o/--output-file");
	if (da == 0)
		return cli_usage_error(argv[0], "--data-area 0: expected 1, 2, 3 or 4");
	if ((ret = device_open(argv[0], dev, &d)))
		return ret;
	cap.present = nvmu_ctrl_id(d.ctrl)->lpa & NVME_CTRL_LPA_TELEMETRY;
	req.lid = ctrl_init ? NVME_LOG_LID_TELEMETRY_CTRL : NVME_LOG_LID_TELEMETRY_HOST;
	/* rae for the controller's page, so reading it does not end its capture. */
	req.rae = ctrl_init;
	req.lsp = !ctrl_init && host_gen ? LSP_CREATE : 0;
	ret = log_page_fetch(argv[0], &d, &req, header, sizeof(header), &cap);
	req.lsp = 0; /* the rest of the snapshot just created */
	if (!ret && ctrl_init && !h->ctrlavail) {
		printf("Warning: Telemetry Controller-Initiated Data Not Available.\n");
	} else if (!ret) {
		last = last_block(h, da, nvmu_ctrl_id(d.ctrl)->lpa & NVME_CTRL_LPA_DA4_TELEMETRY);
		if (last < 0) {
			fprintf(stderr, "nvmu %s: data area 4 is not supported (Identify Controller "
				"LPA bit 6 is 0)\n", argv[0]);
			ret = EXIT_FAILED;
		} else if (last == 0) {
			fprintf(stderr, "nvmu %s: no telemetry data: data area %u is empty\n",
				argv[0], da);
			ret = EXIT_FAILED;
		}
		size = ((size_t)last + 1) * BLOCK;
	}
	if (!ret && size > BLOCK && !(log = malloc(size))) {
		fprintf(stderr, "nvmu %s: out of memory for %zu bytes\n", argv[0], size);
		ret = EXIT_FAILED;
	}
	if (!ret && log)
		ret = log_page_fetch(argv[0], &d, &req, log, size, &cap);
	if (!ret)
		ret = write_file(argv[0], file, log ? log : header, size);
	free(log);
	device_close(&d);
	return ret;
}

const struct nvmu_verb nvmu_verb_telemetry_log = {
	.name = "telemetry-log",
	.summary = "Telemetry log (log page 0x07 or 0x08) into a file",
	.usage = "Usage: nvmu telemetry-log <dev> -o FILE [-g 0|1] [-c] [-d AREA]\n"
		 "\n"
		 "Read the Telemetry Host-Initiated log - asking the controller for a new capture\n"
		 "unless -g 0 - or with -c the Controller-Initiated one, and write its header and\n"
		 "data areas 1 to AREA to FILE (created or truncated), as nvme-cli.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -o, --output-file=FILE      the file to write (required)\n"
		 "  -g, --host-generate=0|1     1 (the default): have the controller capture new data\n"
		 "  -c, --controller-init       the controller-initiated log instead\n"
		 "  -d, --data-area=AREA        the last data area to read, 1-4 (default 3)\n"
		 "  -h, --help                  show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_telemetry_log,
};
