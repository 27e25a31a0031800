/* SPDX-License-Identifier: MIT */
/*
 * nvmu ns-descs: the Namespace Identification Descriptor list (Identify CNS 03h) - EUI-64,
 * NGUID, UUID, command set - printed and keyed as nvme-cli 2.3 does.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "device.h"
#include "output/hexdump.h"
#include "output/json.h"
#include "verb_opts.h"
#include "verbs.h"

#define DESC_HDR 4

/* One descriptor: its name ("eui64", ...) and value as text; false for an unknown type. */
static bool describe(const struct nvme_ns_id_desc *desc, const uint8_t *v, char *text,
		     const char **name)
{
	size_t len = 0;

	text[0] = '\0';
	switch (desc->nidt) {
	case NVME_NIDT_EUI64:
		*name = "eui64";
		len = NVME_NIDT_EUI64_LEN;
		break;
	case NVME_NIDT_NGUID:
		*name = "nguid";
		len = NVME_NIDT_NGUID_LEN;
		break;
	case NVME_NIDT_UUID:
		*name = "uuid";
		for (unsigned i = 0, o = 0; i < NVME_NIDT_UUID_LEN; i++)
			o += (unsigned)sprintf(text + o, "%s%02x",
					       i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "",
					       v[i]);
		return true;
	case NVME_NIDT_CSI:
		*name = "csi";
		sprintf(text, "%#x", v[0]);
		return true;
	default:
		return false;
	}
	for (size_t i = 0; i < len; i++)
		sprintf(text + 2 * i, "%02x", v[i]);
	return true;
}

/*
 * Walk the list: each descriptor, with @p fn called for the known ones. The list ends at a
 * descriptor of length 0 or at the end of the 4096 bytes; a length that would run past
 * the end (a device's mistake) ends it too.
 */
static void walk(const uint8_t *data, void (*fn)(void *, unsigned, const struct nvme_ns_id_desc *,
						 const char *, const char *), void *arg)
{
	char text[48];
	const char *name;

	for (unsigned pos = 0; pos + DESC_HDR <= NVME_IDENTIFY_DATA_SIZE;) {
		struct nvme_ns_id_desc d;

		/* A copy: descriptors of odd lengths (CSI's is 1) leave the next one unaligned. */
		memcpy(&d, data + pos, DESC_HDR);
		if (d.nidl == 0 || pos + DESC_HDR + d.nidl > NVME_IDENTIFY_DATA_SIZE)
			break;
		if (describe(&d, data + pos + DESC_HDR, text, &name))
			fn(arg, pos, &d, name, text);
		pos += DESC_HDR + d.nidl;
	}
}

static void one_json(void *arg, unsigned pos, const struct nvme_ns_id_desc *d, const char *name,
		     const char *text)
{
	struct json *j = arg;

	json_object_begin(j);
	json_key(j, "loc");
	json_uint(j, pos);
	json_key(j, "nidt");
	json_uint(j, d->nidt);
	json_key(j, "nidl");
	json_uint(j, d->nidl);
	json_key(j, "type");
	json_string(j, name);
	json_key(j, name);
	json_string(j, text);
	json_object_end(j);
}

static void one_print(void *arg, unsigned pos, const struct nvme_ns_id_desc *d, const char *name,
		      const char *text)
{
	(void)arg;
	(void)pos;
	(void)d;
	printf("%-8s: %s\n", name, text);
}

/* True if the list has at least one descriptor nvme-cli would show. */
static void count(void *arg, unsigned pos, const struct nvme_ns_id_desc *d, const char *name,
		  const char *text)
{
	(void)pos;
	(void)d;
	(void)name;
	(void)text;
	(*(unsigned *)arg)++;
}

static int run_ns_descs(int argc, char **argv)
{
	enum cli_format format = CLI_FORMAT_NORMAL;
	bool raw = false, has_nsid = false;
	uint32_t nsid = 0;
	const struct verb_opt opts[] = {
		{ 'n', "namespace-id", VOPT_U32, &nsid, 0, &has_nsid },
		{ 'o', "output-format", VOPT_FORMAT, &format, 0, NULL },
		{ 'b', "raw-binary", VOPT_FLAG, &raw, 0, NULL },
	};
	_Alignas(8) uint8_t data[NVME_IDENTIFY_DATA_SIZE];
	unsigned known = 0;
	struct tool_dev d;
	const char *dev;
	struct json j;
	int ret;

	if ((ret = VERB_PARSE(argc, argv, opts, &dev)))
		return ret;
	if (!has_nsid || nsid == 0)
		return cli_usage_error(argv[0], "give the namespace with -n NSID");
	if ((ret = device_open(argv[0], dev, &d)))
		return ret;
	if (nvmu_admin_identify(d.ctrl, NVME_IDENTIFY_CNS_NS_DESC_LIST, nsid, data) < 0) {
		ret = cli_fail(argv[0]);
	} else if (raw) {
		if (raw_write(stdout, data, sizeof(data)) < 0)
			ret = EXIT_FAILED;
	} else if (format == CLI_FORMAT_JSON) {
		json_init(&j, stdout);
		json_object_begin(&j);
		walk(data, count, &known);
		if (known) {
			json_key(&j, "ns-descs");
			json_array_begin(&j);
			walk(data, one_json, &j);
			json_array_end(&j);
		}
		json_object_end(&j);
		json_finish(&j);
	} else {
		printf("NVME Namespace Identification Descriptors NS %u:\n", nsid);
		walk(data, one_print, NULL);
	}
	device_close(&d);
	return ret;
}

const struct nvmu_verb nvmu_verb_ns_descs = {
	.name = "ns-descs",
	.summary = "Namespace Identification Descriptors (Identify CNS 0x03)",
	.usage = "Usage: nvmu ns-descs <dev> -n NSID [-b] [-o json|normal]\n"
		 "\n"
		 "Read a namespace's identification descriptors (EUI-64, NGUID, UUID, command set\n"
		 "identifier) and print them. JSON as nvme-cli: {\"ns-descs\": [{\"loc\", \"nidt\",\n"
		 "\"nidl\", \"type\", \"<type>\": \"<value>\"}]}.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -n, --namespace-id=NSID     the namespace (required)\n"
		 "  -b, --raw-binary            write the 4096 bytes to stdout as they are\n"
		 DEVICE_OUTPUT_HELP
		 DEVICE_EXIT_HELP,
	.run = run_ns_descs,
};
