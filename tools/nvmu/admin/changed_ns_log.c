/* SPDX-License-Identifier: MIT */
/* nvmu changed-ns-list-log: the Changed Namespace List log (04h), as nvme-cli prints it. */
#include <stdio.h>

#include "cli.h"
#include "log_page.h"
#include "output/hexdump.h"
#include "output/json.h"
#include "verb_opts.h"
#include "verbs.h"

static void list_json(const char *dev, const struct nvme_ns_list *l)
{
	char key[16], value[16];
	struct json j;

	if (l->ns[0] == NVME_NSID_ALL)
		return; /* nvme-cli prints nothing for "more than 1024 changed" */
	json_init(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "Changed Namespace List Log");
	json_string(&j, dev);
	json_key(&j, dev);
	json_object_begin(&j);
	for (unsigned i = 0; i < NVME_ID_NS_LIST_MAX && l->ns[i]; i++) {
		snprintf(key, sizeof(key), "[%4u]", i + 1);
		snprintf(value, sizeof(value), "%#x", l->ns[i]);
		json_key(&j, key);
		json_string(&j, value);
	}
	json_object_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

static int run_changed_ns_list_log(int argc, char **argv)
{
	enum cli_format format = CLI_FORMAT_NORMAL;
	bool raw = false;
	const struct verb_opt opts[] = {
		{ 'o', "output-format", VOPT_FORMAT, &format, 0, NULL },
		{ 'b', "raw-binary", VOPT_FLAG, &raw, 0, NULL },
	};
	/* rae: reading the page must not clear a namespace notice another reader waits for */
	struct log_request req = { .lid = NVME_LOG_LID_CHANGED_NS, .nsid = NVME_NSID_ALL,
				   .rae = true };
	struct capability cap = { .what = "the Changed Namespace List log page",
				  .field = "OAES bit 8" };
	struct nvme_ns_list l;
	struct tool_dev d;
	const char *dev;
	int ret;

	if ((ret = VERB_PARSE(argc, argv, opts, &dev)) || (ret = device_open(argv[0], dev, &d)))
		return ret;
	cap.present = nvmu_ctrl_id(d.ctrl)->oaes & NVME_CTRL_OAES_NA;
	ret = log_page_fetch(argv[0], &d, &req, &l, sizeof(l), &cap);
	if (!ret && raw) {
		if (raw_write(stdout, &l, sizeof(l)) < 0)
			ret = EXIT_FAILED;
	} else if (!ret && format == CLI_FORMAT_JSON) {
		list_json(dev, &l);
	} else if (!ret && l.ns[0] == NVME_NSID_ALL) {
		printf("more than %d ns changed\n", NVME_ID_NS_LIST_MAX);
	} else if (!ret) {
		for (unsigned i = 0; i < NVME_ID_NS_LIST_MAX && l.ns[i]; i++)
			printf("[%4u]:%#x\n", i, l.ns[i]);
	}
	device_close(&d);
	return ret;
}

const struct nvmu_verb nvmu_verb_changed_ns_list_log = {
	.name = "changed-ns-list-log",
	.summary = "Changed Namespace List log (log page 0x04)",
	.usage = "Usage: nvmu changed-ns-list-log <dev> [-b] [-o json|normal]\n"
		 "\n"
		 "Read the Changed Namespace List log (retaining the asynchronous event): the\n"
		 "namespaces whose attributes changed since it was last read. JSON as nvme-cli:\n"
		 "{\"Changed Namespace List Log\": \"<dev>\", \"<dev>\": {\"[   1]\": \"0x1\"}}.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -b, --raw-binary            write the log's bytes to stdout as they are\n"
		 DEVICE_OUTPUT_HELP
		 DEVICE_EXIT_HELP,
	.run = run_changed_ns_list_log,
};
