/* SPDX-License-Identifier: MIT */
/*
 * nvmu list: every NVMe function with its driver, IOMMU group, NUMA node and SR-IOV
 * relation, and for those on vfio-pci that nvmu can open, serial, model, firmware,
 * namespaces and capacity.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "list_ctrl.h"
#include "nvmu/pci.h"
#include "output/json.h"
#include "output/table.h"
#include "verbs.h"

/* "nvme (nvme0)", "vfio-pci", or "-". */
static void driver_text(const struct nvmu_pci_dev *d, char *buf, size_t len)
{
	if (!d->driver[0])
		snprintf(buf, len, "-");
	else if (d->nvme_ctrl[0])
		snprintf(buf, len, "%s (%s)", d->driver, d->nvme_ctrl);
	else
		snprintf(buf, len, "%s", d->driver);
}

/* "vf of 0000:00:11.0", "1/4 VFs", or "-". */
static void sriov_text(const struct nvmu_pci_dev *d, char *buf, size_t len)
{
	if (d->is_vf)
		snprintf(buf, len, "vf of %s", d->physfn);
	else if (d->sriov_totalvfs > 0)
		snprintf(buf, len, "%d/%d VFs", d->sriov_numvfs, d->sriov_totalvfs);
	else
		snprintf(buf, len, "-");
}

/* A number, or "-" when negative (unknown). */
static void number_text(int v, char *buf, size_t len)
{
	if (v < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%d", v);
}

/* Format the controller's columns: serial, model, firmware, namespaces and capacity. Each
 * is "-" when the controller could not be opened, so the table keeps its shape. */
static void ctrl_texts(const struct list_ctrl *c, char *nns, size_t nns_len, char *cap,
		       size_t cap_len)
{
	snprintf(nns, nns_len, c->opened ? "%u" : "-", c->namespaces);
	if (c->opened)
		list_size_text(c->capacity, cap, cap_len);
	else
		snprintf(cap, cap_len, "-");
}

static int print_table(const struct nvmu_pci_dev *devs, const struct list_ctrl *ctrls, size_t n)
{
	static const char *const header[] = { "ADDRESS", "VENDOR:DEVICE", "DRIVER",
					      "IOMMU GROUP", "NUMA", "SR-IOV", "SERIAL", "MODEL",
					      "FIRMWARE", "NS", "CAPACITY" };
	struct table t;
	int ret = 0;

	if (!n) {
		printf("no NVMe devices found\n");
		return EXIT_OK;
	}
	table_init(&t, 11, header);
	for (size_t i = 0; i < n && !ret; i++) {
		char id[16], driver[2 * NVMU_PCI_NAME_LEN + 4], group[16], numa[16],
		     sriov[NVMU_PCI_ADDR_LEN + 8];
		char nns[16], cap[32];
		const struct list_ctrl *c = &ctrls[i];
		const char *row[] = { devs[i].addr, id, driver, group, numa, sriov,
				      c->opened ? c->sn : "-", c->opened ? c->mn : "-",
				      c->opened ? c->fr : "-", nns, cap };

		snprintf(id, sizeof(id), "%04x:%04x", devs[i].vendor, devs[i].device);
		driver_text(&devs[i], driver, sizeof(driver));
		number_text(devs[i].iommu_group, group, sizeof(group));
		number_text(devs[i].numa_node, numa, sizeof(numa));
		sriov_text(&devs[i], sriov, sizeof(sriov));
		ctrl_texts(c, nns, sizeof(nns), cap, sizeof(cap));
		ret = table_add(&t, row);
	}
	if (!ret)
		table_print(&t, stdout);
	table_free(&t);
	if (ret) {
		fprintf(stderr, "nvmu list: out of memory\n");
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

static void json_hex(struct json *j, const char *key, unsigned v, int digits)
{
	char text[16];

	snprintf(text, sizeof(text), "0x%0*x", digits, v);
	json_key(j, key);
	json_string(j, text);
}

/* A number, or null when negative (unknown). */
static void json_optional_int(struct json *j, const char *key, int v)
{
	json_key(j, key);
	if (v < 0)
		json_null(j);
	else
		json_int(j, v);
}

static void json_optional_string(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_string(j, s[0] ? s : NULL);
}

/* nvme-cli's keys of `nvme list -o json` where they exist; null when not opened. */
static void print_json_ctrl(struct json *j, const struct list_ctrl *c)
{
	json_optional_string(j, "SerialNumber", c->opened ? c->sn : "");
	json_optional_string(j, "ModelNumber", c->opened ? c->mn : "");
	json_optional_string(j, "Firmware", c->opened ? c->fr : "");
	json_key(j, "Namespaces");
	if (c->opened)
		json_int(j, c->namespaces);
	else
		json_null(j);
	json_key(j, "PhysicalSize");
	if (c->opened)
		json_uint(j, c->capacity);
	else
		json_null(j);
}

/* list -v: each namespace, or why the controller could not be opened. */
static void print_json_verbose(struct json *j, const struct list_ctrl *c)
{
	json_key(j, "NamespaceList");
	json_array_begin(j);
	for (unsigned i = 0; c->opened && i < c->namespaces && i < LIST_NS_MAX; i++) {
		json_object_begin(j);
		json_key(j, "NameSpace");
		json_uint(j, c->ns[i].nsid);
		json_key(j, "PhysicalSize");
		json_uint(j, c->ns[i].blocks * c->ns[i].lba_size);
		json_key(j, "SectorSize");
		json_uint(j, c->ns[i].lba_size);
		json_object_end(j);
	}
	json_array_end(j);
	json_optional_string(j, "Error", c->why);
}

static void print_json_dev(struct json *j, const struct nvmu_pci_dev *d, const struct list_ctrl *c,
			   bool verbose)
{
	json_object_begin(j);
	json_key(j, "Address");
	json_string(j, d->addr);
	json_hex(j, "VendorId", d->vendor, 4);
	json_hex(j, "DeviceId", d->device, 4);
	json_hex(j, "SubsystemVendorId", d->subsystem_vendor, 4);
	json_hex(j, "SubsystemDeviceId", d->subsystem_device, 4);
	json_hex(j, "ClassCode", d->class_code, 6);
	json_hex(j, "Revision", d->revision, 2);
	json_optional_string(j, "Driver", d->driver);
	json_optional_string(j, "Controller", d->nvme_ctrl);
	json_optional_int(j, "IommuGroup", d->iommu_group);
	json_optional_int(j, "NumaNode", d->numa_node);
	json_key(j, "IsVF");
	json_bool(j, d->is_vf);
	json_optional_string(j, "PhysicalFunction", d->physfn);
	json_key(j, "TotalVFs");
	json_int(j, d->sriov_totalvfs);
	json_key(j, "NumVFs");
	json_int(j, d->sriov_numvfs);
	print_json_ctrl(j, c);
	if (verbose)
		print_json_verbose(j, c);
	json_object_end(j);
}

static int print_json(const struct nvmu_pci_dev *devs, const struct list_ctrl *ctrls, size_t n,
		      bool verbose)
{
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "Devices");
	json_array_begin(&j);
	for (size_t i = 0; i < n; i++)
		print_json_dev(&j, &devs[i], &ctrls[i], verbose);
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
	return EXIT_OK;
}

/* list -v after the table: each controller's namespaces, or why it was not opened. */
static void print_details(const struct nvmu_pci_dev *devs, const struct list_ctrl *ctrls,
			  size_t n)
{
	char size[32];

	for (size_t i = 0; i < n; i++) {
		const struct list_ctrl *c = &ctrls[i];

		if (!c->opened && c->why[0])
			printf("%s: not opened: %s\n", devs[i].addr, c->why);
		for (unsigned k = 0; c->opened && k < c->namespaces && k < LIST_NS_MAX; k++) {
			list_size_text(c->ns[k].blocks * c->ns[k].lba_size, size, sizeof(size));
			printf("%s: namespace %u: %s (%llu blocks of %u bytes)\n", devs[i].addr,
			       c->ns[k].nsid, size, (unsigned long long)c->ns[k].blocks,
			       c->ns[k].lba_size);
		}
		if (c->opened && c->namespaces > LIST_NS_MAX)
			printf("%s: ... %u namespaces in all\n", devs[i].addr, c->namespaces);
	}
}

static int run_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output-format", required_argument, NULL, 'o' },
		{ "output", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	enum cli_format format = CLI_FORMAT_NORMAL;
	bool verbose = cli_verbose > 0;
	struct nvmu_pci_dev *devs;
	struct list_ctrl *ctrls;
	size_t n;
	int c, status;

	while ((c = cli_getopt(argc, argv, "o:v", longopts)) != -1) {
		if (c == 'v') {
			verbose = true;
			continue;
		}
		if (c != 'o' || cli_parse_format(argv[0], optarg, &format))
			return EXIT_USAGE;
	}
	if (optind < argc)
		return cli_usage_error(argv[0], "unexpected argument '%s'", argv[optind]);
	if (nvmu_pci_list_nvme(&devs, &n))
		return cli_fail(argv[0]);
	if (!(ctrls = calloc(n ? n : 1, sizeof(*ctrls)))) {
		nvmu_pci_free_list(devs);
		fprintf(stderr, "nvmu list: out of memory\n");
		return EXIT_FAILED;
	}
	for (size_t i = 0; i < n; i++)
		list_ctrl_read(&devs[i], &ctrls[i]);
	status = format == CLI_FORMAT_JSON ? print_json(devs, ctrls, n, verbose)
					   : print_table(devs, ctrls, n);
	if (verbose && format == CLI_FORMAT_NORMAL)
		print_details(devs, ctrls, n);
	free(ctrls);
	nvmu_pci_free_list(devs);
	return status;
}

const struct nvmu_verb nvmu_verb_list = {
	.name = "list",
	.summary = "list NVMe PCI functions: driver, IOMMU group, NUMA, SR-IOV; serial, model... "
		   "on vfio-pci",
	.usage = "Usage: nvmu list [-o json|normal] [-v]\n"
		 "\n"
		 "List every NVMe PCI function (class 01:08) in the system: PCI address,\n"
		 "vendor:device ID, kernel driver (with the nvme controller name on the kernel\n"
		 "nvme driver), IOMMU group, NUMA node, and SR-IOV relation (\"vf of <PF>\" for\n"
		 "a virtual function, \"<enabled>/<total> VFs\" for a physical function).\n"
		 "For a function on vfio-pci, nvmu attaches it briefly and adds its serial\n"
		 "number, model, firmware revision, active namespaces and their total capacity\n"
		 "(decimal units, as nvme-cli); \"-\" (JSON null) where it cannot open it (on\n"
		 "a kernel driver, or in use by another process).\n"
		 "\n"
		 "Options:\n"
		 "  -o, --output-format FORMAT  normal (an aligned table, the default) or json\n"
		 "                       ({\"Devices\": [{\"Address\": ..., ...}]}; nvme-cli's "
		 "keys\n"
		 "                       SerialNumber, ModelNumber, Firmware, PhysicalSize "
		 "(bytes),\n"
		 "                       and Namespaces); --output is the same\n"
		 "  -v, --verbose        also each namespace (NSID, size, LBA size) and why a\n"
		 "                       function on vfio-pci could not be opened (JSON:\n"
		 "                       NamespaceList [{NameSpace, PhysicalSize, SectorSize}],\n"
		 "                       Error)\n"
		 "  -h, --help           show this help\n"
		 "\n"
		 "Exit status: 0 on success, 1 if sysfs cannot be read, 2 on a usage error.\n",
	.run = run_list,
};
