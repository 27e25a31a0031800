/* SPDX-License-Identifier: MIT */
/*
 * nvmu fw-download: send a firmware image file to the controller with Firmware Image
 * Download, in pieces, as nvme-cli 2.3 does (the host API does each piece).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "device.h"
#include "input_file.h"
#include "nvmu/nvme_cmd.h"
#include "unsupported.h"
#include "verb_opts.h"
#include "verbs.h"

#define XFER_UNIT 4096u
#define FW_FILE_MAX (1u << 30) /* refuse to read more than this into memory */

/* The size of @p path, a non-empty multiple of 4 bytes. 0 or EXIT_FAILED. */
static int image_size(const char *verb, const char *path, size_t *size)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "nvmu %s: cannot open firmware file %s: %s\n", verb, path,
			strerror(errno));
		return EXIT_FAILED;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0 || st.st_size % 4 || st.st_size > FW_FILE_MAX) {
		fprintf(stderr, "nvmu %s: firmware file %s: %lld bytes; expected a regular file "
			"of a non-zero multiple of 4 bytes up to 1 GiB\n", verb, path,
			(long long)st.st_size);
		return EXIT_FAILED;
	}
	*size = (size_t)st.st_size;
	return 0;
}

/* True if @p cpl is the Overlapping Range status that --ignore-ovr lets pass. */
static bool overlap(int ret, const struct nvmu_cpl *cpl)
{
	return ret == -EREMOTEIO && nvmu_status_sct(cpl->status) == NVME_SCT_CMD_SPECIFIC &&
	       nvmu_status_sc(cpl->status) == NVME_SC_OVERLAPPING_RANGE;
}

static int run_fw_download(int argc, char **argv)
{
	const char *file = NULL;
	uint64_t xfer = XFER_UNIT;
	uint32_t offset = 0;
	bool progress = false, ignore_ovr = false;
	const struct verb_opt opts[] = {
		{ 'f', "fw", VOPT_STR, &file, 0, NULL },
		{ 'x', "xfer", VOPT_SIZE, &xfer, UINT32_MAX, NULL },
		{ 'o', "offset", VOPT_U32, &offset, UINT32_MAX / 4, NULL },
		{ 'p', "progress", VOPT_FLAG, &progress, 0, NULL },
		{ 'i', "ignore-ovr", VOPT_FLAG, &ignore_ovr, 0, NULL },
	};
	struct capability cap = { .what = "Firmware Image Download", .field = "OACS bit 2" };
	struct nvmu_cpl cpl = { 0 };
	struct tool_dev d;
	const char *dev;
	uint8_t *img;
	size_t size, max;
	int ret;

	if ((ret = VERB_PARSE(argc, argv, opts, &dev)))
		return ret;
	if (!file)
		return cli_usage_error(argv[0], "give the firmware file with -f/--fw");
	if (xfer == 0 || xfer % XFER_UNIT)
		xfer = XFER_UNIT; /* as nvme-cli: whole 4 KiB units */
	if ((ret = image_size(argv[0], file, &size)))
		return ret;
	if ((uint64_t)offset * 4 + size > UINT32_MAX)
		return cli_usage_error(argv[0], "--offset %u dwords and %zu bytes of image go "
				       "beyond the 4 GiB a firmware image can have", offset, size);
	if (!(img = malloc(size))) {
		fprintf(stderr, "nvmu %s: out of memory for %zu bytes\n", argv[0], size);
		return EXIT_FAILED;
	}
	if ((ret = input_file_read(argv[0], file, img, size)) ||
	    (ret = device_open(argv[0], dev, &d))) {
		free(img);
		return ret;
	}
	cap.present = nvmu_ctrl_id(d.ctrl)->oacs & NVME_CTRL_OACS_FW;
	max = nvmu_ctrl_max_transfer(d.ctrl);
	if (xfer > max) /* whole 4 KiB units unless the controller takes less */
		xfer = max >= XFER_UNIT ? max / XFER_UNIT * XFER_UNIT : max & ~(size_t)3;
	for (size_t done = 0; !ret && done < size; done += xfer) {
		size_t n = size - done < xfer ? size - done : xfer;
		uint32_t at = (uint32_t)(offset * 4u + done);
		int err;

		if (progress)
			printf("Firmware download: transferring 0x%08zx/0x%08zx bytes: %03d%%\r",
			       done, size, (int)(100 * done / size));
		err = nvmu_host_fw_download(d.host, img + done, n, at, (uint32_t)n, &cpl);
		if (err < 0 && !(ignore_ovr && overlap(err, &cpl)))
			ret = unsupported_fail(argv[0], dev, &cap, err, &cpl);
	}
	if (!ret) {
		if (progress)
			printf("\n");
		printf("Firmware download success\n");
	}
	device_close(&d);
	free(img);
	return ret;
}

const struct nvmu_verb nvmu_verb_fw_download = {
	.name = "fw-download",
	.summary = "send a firmware image (Firmware Image Download)",
	.usage = "Usage: nvmu fw-download <dev> -f FILE [-x BYTES] [-o DWORDS] [-p] [-i]\n"
		 "\n"
		 "Send the firmware image in FILE (a multiple of 4 bytes) to the controller in\n"
		 "pieces, then print \"Firmware download success\"; activate it with fw-commit.\n"
		 "A controller without the command (Identify Controller OACS bit 2) is reported\n"
		 "as such.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -f, --fw=FILE               the firmware image (required)\n"
		 "  -x, --xfer=BYTES            bytes per command, a multiple of 4096 (4k, 8k...;\n"
		 "                              default 4k; at most the controller's transfer size)\n"
		 "  -o, --offset=DWORDS         where FILE starts in the image, in dwords (for an\n"
		 "                              image split into several files; default 0)\n"
		 "  -p, --progress              show the progress\n"
		 "  -i, --ignore-ovr            go on after an Overlapping Range status\n"
		 "  -h, --help                  show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_fw_download,
};
