/* SPDX-License-Identifier: MIT */
/*
 * nvmu list-subsys: the NVM subsystems of the controllers nvmu can open - every NVMe
 * function bound to vfio-pci, or the one <dev> given - grouped by subsystem NQN, each
 * controller a "path" as nvme-cli 2.3 lists the kernel's. A controller is attached
 * briefly to read its NQN; one that cannot be opened (in use by another process) is
 * left out with a note on stderr.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "device.h"
#include "output/json.h"
#include "verb_opts.h"
#include "verbs.h"

#define MAX_CTRLS 256
#define HOSTNQN_FILE "/etc/nvme/hostnqn"
#define HOSTID_FILE "/etc/nvme/hostid"

struct path {
	char name[NVMU_PCI_ADDR_LEN + 96]; /* the device string */
	char nqn[NVME_NQN_LENGTH + 1];
	const char *transport;
	unsigned subsys; /* index of its subsystem in the listing */
};

/* The first line of @p file without its newline into @p out; false if unreadable. */
static bool read_line(const char *file, char *out, size_t len)
{
	FILE *f = fopen(file, "re");
	bool ok = f && fgets(out, (int)len, f);

	if (f)
		fclose(f);
	if (ok)
		out[strcspn(out, "\r\n")] = '\0';
	return ok && out[0];
}

/* Attach @p dev briefly for its subsystem NQN. */
static bool read_path(const char *dev, struct path *p)
{
	const struct nvmu_host_opts opts = { .no_aer = true };
	struct nvmu_host_ctrl *h;
	const char *nqn;

	if (nvmu_host_attach(dev, &opts, &h) < 0)
		return false;
	nqn = nvmu_host_id(h)->subnqn;
	snprintf(p->name, sizeof(p->name), "%s", dev);
	snprintf(p->nqn, sizeof(p->nqn), "%.*s", NVME_NQN_LENGTH, nqn);
	p->transport = strncmp(dev, "soft", 4) == 0 ? "soft" : "pcie";
	nvmu_host_detach(h);
	return true;
}

/* Number the subsystems in order of first appearance. Returns how many there are. */
static unsigned group(struct path *p, unsigned n)
{
	unsigned subsystems = 0;

	for (unsigned i = 0; i < n; i++) {
		p[i].subsys = subsystems;
		for (unsigned k = 0; k < i; k++)
			if (!strcmp(p[k].nqn, p[i].nqn)) {
				p[i].subsys = p[k].subsys;
				break;
			}
		if (p[i].subsys == subsystems)
			subsystems++;
	}
	return subsystems;
}

static void path_json(struct json *j, const struct path *p)
{
	json_object_begin(j);
	json_key(j, "Name");
	json_string(j, p->name);
	json_key(j, "Transport");
	json_string(j, p->transport);
	json_key(j, "Address");
	json_string(j, p->name);
	json_key(j, "State");
	json_string(j, "live");
	json_object_end(j);
}

static void list_json(const struct path *p, unsigned n, unsigned subsystems)
{
	char hostnqn[NVME_NQN_LENGTH + 1], hostid[64], name[32];
	struct json j;

	json_init(&j, stdout);
	json_array_begin(&j);
	json_object_begin(&j);
	if (read_line(HOSTNQN_FILE, hostnqn, sizeof(hostnqn))) {
		json_key(&j, "HostNQN");
		json_string(&j, hostnqn);
	}
	if (read_line(HOSTID_FILE, hostid, sizeof(hostid))) {
		json_key(&j, "HostID");
		json_string(&j, hostid);
	}
	json_key(&j, "Subsystems");
	json_array_begin(&j);
	for (unsigned s = 0; s < subsystems; s++) {
		unsigned first = 0;

		while (p[first].subsys != s)
			first++;
		snprintf(name, sizeof(name), "nvmu-subsys%u", s);
		json_object_begin(&j);
		json_key(&j, "Name");
		json_string(&j, name);
		json_key(&j, "NQN");
		json_string(&j, p[first].nqn);
		json_key(&j, "Paths");
		json_array_begin(&j);
		for (unsigned i = 0; i < n; i++)
			if (p[i].subsys == s)
				path_json(&j, &p[i]);
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_array_end(&j);
	json_finish(&j);
}

static void list_print(const struct path *p, unsigned n, unsigned subsystems)
{
	for (unsigned s = 0; s < subsystems; s++) {
		unsigned first = 0;

		while (p[first].subsys != s)
			first++;
		printf("nvmu-subsys%u - NQN=%s\n\\\n", s, p[first].nqn);
		for (unsigned i = 0; i < n; i++)
			if (p[i].subsys == s)
				printf(" +- %s %s %s live\n", p[i].name, p[i].transport, p[i].name);
	}
}

static int run_list_subsys(int argc, char **argv)
{
	enum cli_format format = CLI_FORMAT_NORMAL;
	bool verbose = false;
	const struct verb_opt opts[] = {
		{ 'o', "output-format", VOPT_FORMAT, &format, 0, NULL },
		{ 'v', "verbose", VOPT_FLAG, &verbose, 0, NULL },
	};
	static char addrs[MAX_CTRLS][NVMU_PCI_ADDR_LEN];
	static struct path paths[MAX_CTRLS];
	unsigned n = 0, subsystems;
	size_t found = 0;
	int ret;

	if ((ret = verb_parse_options(argc, argv, opts, sizeof(opts) / sizeof(opts[0]))))
		return ret;
	if (optind < argc - 1) /* the device is optional */
		return cli_usage_error(argv[0], "unexpected argument '%s'", argv[optind + 1]);
	(void)verbose;
	if (optind < argc) {
		if (!read_path(argv[optind], &paths[0]))
			return cli_fail(argv[0]);
		n = 1;
	} else {
		if (nvmu_host_probe(addrs, MAX_CTRLS, &found) < 0)
			return cli_fail(argv[0]);
		for (size_t i = 0; i < found && i < MAX_CTRLS; i++) {
			if (read_path(addrs[i], &paths[n]))
				n++;
			else
				fprintf(stderr, "nvmu %s: %s left out: %s\n", argv[0], addrs[i],
					nvmu_last_error());
		}
	}
	subsystems = group(paths, n);
	if (format == CLI_FORMAT_JSON)
		list_json(paths, n, subsystems);
	else
		list_print(paths, n, subsystems);
	return EXIT_OK;
}

const struct nvmu_verb nvmu_verb_list_subsys = {
	.name = "list-subsys",
	.summary = "NVM subsystems and their controllers",
	.usage = "Usage: nvmu list-subsys [<dev>] [-o json|normal]\n"
		 "\n"
		 "List the NVM subsystems of the NVMe functions bound to vfio-pci (or of <dev>\n"
		 "alone), grouped by subsystem NQN, each with its controllers:\n"
		 "  nvmu-subsys0 - NQN=nqn.2019-08.org.qemu:nvmu0\n"
		 "  \\\n"
		 "   +- 0000:01:00.0 pcie 0000:01:00.0 live\n"
		 "JSON as nvme-cli: [{\"HostNQN\", \"HostID\" (from /etc/nvme, when there),\n"
		 "\"Subsystems\": [{\"Name\", \"NQN\", \"Paths\": [{\"Name\", \"Transport\", \"Address\",\n"
		 "\"State\"}]}]}]. A controller nvmu cannot open is left out, with why on stderr.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -v, --verbose               accepted for nvme-cli's scripts; changes nothing\n"
		 DEVICE_OUTPUT_HELP
		 "\n"
		 "Exit status: 0 on success (also when nothing is listed), 1 if <dev> cannot be\n"
		 "opened, 2 on a usage error.\n",
	.run = run_list_subsys,
};
