/* SPDX-License-Identifier: MIT */
/* nvmu version: the version of the library the tool is built with, as nvme-cli's. */
#include <stdio.h>

#include "cli.h"
#include "device.h"
#include "output/json.h"
#include "verbs.h"

static int run_version(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output-format", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	enum cli_format format = CLI_FORMAT_NORMAL;
	struct json j;
	int opt;

	while ((opt = cli_getopt(argc, argv, "o:", longopts)) != -1)
		if (opt != 'o' || cli_parse_format(argv[0], optarg, &format))
			return EXIT_USAGE;
	if (optind < argc)
		return cli_usage_error(argv[0], "unexpected argument '%s'", argv[optind]);
	if (format == CLI_FORMAT_NORMAL) {
		printf("nvmu version %s\n", nvmu_version());
		return EXIT_OK;
	}
	/* The parts as numbers too, so a script compares versions without parsing. */
	json_init(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "version");
	json_string(&j, nvmu_version());
	json_key(&j, "major");
	json_int(&j, NVMU_VERSION_MAJOR);
	json_key(&j, "minor");
	json_int(&j, NVMU_VERSION_MINOR);
	json_key(&j, "patch");
	json_int(&j, NVMU_VERSION_PATCH);
	json_object_end(&j);
	json_finish(&j);
	return EXIT_OK;
}

const struct nvmu_verb nvmu_verb_version = {
	.name = "version",
	.summary = "print the version of nvmu",
	.usage = "Usage: nvmu version [-o json|normal]\n"
		 "\n"
		 "Print the version of the nvmu library the tool is built with, as nvme-cli\n"
		 "prints its own: \"nvmu version 0.1.0\"; JSON: {\"version\": \"0.1.0\",\n"
		 "\"major\": 0, \"minor\": 1, \"patch\": 0}. `nvmu --version` prints\n"
		 "\"nvmu 0.1.0\".\n"
		 "\n"
		 "Options:\n"
		 DEVICE_OUTPUT_HELP
		 "\n"
		 "Exit status: 0 on success, 1 if the output cannot be written, 2 on a usage "
		 "error.\n",
	.run = run_version,
};
