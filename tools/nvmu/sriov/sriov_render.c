/* SPDX-License-Identifier: MIT */
/* Text and JSON of Primary Controller Capabilities, Secondary Controller List, sriov show. */
#include <endian.h>
#include <string.h>

#include "output/json.h"
#include "sriov/sriov_render.h"

/* One row of the capabilities: name, and its value in the structure. */
struct caps_field {
	const char *name;
	unsigned long long (*get)(const struct nvme_primary_ctrl_cap *c);
};

#define CAPS_GET(field, conv)                                                                \
	static unsigned long long get_##field(const struct nvme_primary_ctrl_cap *c)         \
	{                                                                                    \
		return conv(c->field);                                                       \
	}
CAPS_GET(vqfrt, le32toh) CAPS_GET(vqrfa, le32toh) CAPS_GET(vqrfap, le16toh)
CAPS_GET(vqprt, le16toh) CAPS_GET(vqfrsm, le16toh) CAPS_GET(vqgran, le16toh)
CAPS_GET(vifrt, le32toh) CAPS_GET(virfa, le32toh) CAPS_GET(virfap, le16toh)
CAPS_GET(viprt, le16toh) CAPS_GET(vifrsm, le16toh) CAPS_GET(vigran, le16toh)

/* The fields after CRT, in nvme-cli's order. */
static const struct caps_field caps_fields[] = {
	{ "vqfrt", get_vqfrt }, { "vqrfa", get_vqrfa }, { "vqrfap", get_vqrfap },
	{ "vqprt", get_vqprt }, { "vqfrsm", get_vqfrsm }, { "vqgran", get_vqgran },
	{ "vifrt", get_vifrt }, { "virfa", get_virfa }, { "virfap", get_virfap },
	{ "viprt", get_viprt }, { "vifrsm", get_vifrsm }, { "vigran", get_vigran },
};
#define NCAPS (sizeof(caps_fields) / sizeof(caps_fields[0]))

void sriov_render_caps(FILE *out, const struct nvme_primary_ctrl_cap *caps, bool human)
{
	fprintf(out, "NVME Identify Primary Controller Capabilities:\n");
	fprintf(out, "cntlid    : %x\n", le16toh(caps->cntlid));
	fprintf(out, "portid    : %x\n", le16toh(caps->portid));
	fprintf(out, "crt       : %#x\n", caps->crt);
	if (human) {
		fprintf(out, "  [1:1] %#x\tVI Resources are %ssupported\n", (caps->crt >> 1) & 1,
			caps->crt & 2 ? "" : "not ");
		fprintf(out, "  [0:0] %#x\tVQ Resources are %ssupported\n", caps->crt & 1,
			caps->crt & 1 ? "" : "not ");
	}
	for (size_t i = 0; i < NCAPS; i++)
		fprintf(out, "%-10s: %llu\n", caps_fields[i].name, caps_fields[i].get(caps));
}

static void caps_json_fields(struct json *j, const struct nvme_primary_ctrl_cap *caps)
{
	json_key(j, "cntlid");
	json_uint(j, le16toh(caps->cntlid));
	json_key(j, "portid");
	json_uint(j, le16toh(caps->portid));
	json_key(j, "crt");
	json_uint(j, caps->crt);
	for (size_t i = 0; i < NCAPS; i++) {
		json_key(j, caps_fields[i].name);
		json_uint(j, caps_fields[i].get(caps));
	}
}

void sriov_render_caps_json(FILE *out, const struct nvme_primary_ctrl_cap *caps)
{
	struct json j;

	json_init(&j, out);
	json_object_begin(&j);
	caps_json_fields(&j, caps);
	json_object_end(&j);
	json_finish(&j);
}

static unsigned entries_shown(const struct nvme_secondary_ctrl_list *list, unsigned max)
{
	return list->num < max ? list->num : max;
}

void sriov_render_list(FILE *out, const struct nvme_secondary_ctrl_list *list, unsigned max)
{
	static const char *const state[] = { "Offline", "Online" };

	fprintf(out, "Identify Secondary Controller List:\n");
	fprintf(out, "   NUMID       : Number of Identifiers           : %u\n", list->num);
	for (unsigned i = 0; i < entries_shown(list, max); i++) {
		const struct nvme_secondary_ctrl *e = &list->sc_entry[i];

		fprintf(out, "   SCEntry[%-3u]:\n", i);
		fprintf(out, "................\n");
		fprintf(out, "     SCID      : Secondary Controller Identifier : 0x%.04x\n",
			le16toh(e->scid));
		fprintf(out, "     PCID      : Primary Controller Identifier   : 0x%.04x\n",
			le16toh(e->pcid));
		fprintf(out, "     SCS       : Secondary Controller State      : 0x%.04x (%s)\n",
			e->scs, state[e->scs & 1]);
		fprintf(out, "     VFN       : Virtual Function Number         : 0x%.04x\n",
			le16toh(e->vfn));
		fprintf(out, "     NVQ       : Num VQ Flex Resources Assigned  : 0x%.04x\n",
			le16toh(e->nvq));
		fprintf(out, "     NVI       : Num VI Flex Resources Assigned  : 0x%.04x\n",
			le16toh(e->nvi));
	}
}

static void json_key_uint(struct json *j, const char *key, unsigned long long v)
{
	json_key(j, key);
	json_uint(j, v);
}

void sriov_render_list_json(FILE *out, const struct nvme_secondary_ctrl_list *list,
			    unsigned max)
{
	struct json j;

	json_init(&j, out);
	json_object_begin(&j);
	json_key_uint(&j, "num", list->num);
	json_key(&j, "secondary-controllers");
	json_array_begin(&j);
	for (unsigned i = 0; i < entries_shown(list, max); i++) {
		const struct nvme_secondary_ctrl *e = &list->sc_entry[i];

		json_object_begin(&j);
		json_key_uint(&j, "secondary-controller-identifier", le16toh(e->scid));
		json_key_uint(&j, "primary-controller-identifier", le16toh(e->pcid));
		json_key_uint(&j, "secondary-controller-state", e->scs);
		json_key_uint(&j, "virtual-function-number", le16toh(e->vfn));
		json_key_uint(&j, "num-virtual-queues", le16toh(e->nvq));
		json_key_uint(&j, "num-virtual-interrupts", le16toh(e->nvi));
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

static void show_text(FILE *out, const struct nvmu_sriov *s, pid_t owner)
{
	const struct nvme_primary_ctrl_cap *c = nvmu_sriov_caps(s);
	const char *token = nvmu_sriov_token(s);
	unsigned n = nvmu_sriov_secondaries(s);
	struct nvmu_sriov_vf vf;

	fprintf(out, "PF %s cntlid %u: %u of %u VFs enabled", nvmu_sriov_pf_addr(s),
		le16toh(c->cntlid), nvmu_sriov_num_vfs(s), nvmu_sriov_total_vfs(s));
	if (owner)
		fprintf(out, ", held by pid %d", (int)owner);
	fprintf(out, "\nVF token: %s\n", token[0] ? "set on the PF by its holder" :
		"not set by nvmu (vfio-pci's random one)");
	fprintf(out, "VQ resources: %u flexible (%u assigned to secondaries, %u to the primary), "
		"%u private, at most %u per VF\n", le32toh(c->vqfrt), le32toh(c->vqrfa),
		le16toh(c->vqrfap), le16toh(c->vqprt), le16toh(c->vqfrsm));
	fprintf(out, "VI resources: %u flexible (%u assigned to secondaries, %u to the primary), "
		"%u private, at most %u per VF\n", le32toh(c->vifrt), le32toh(c->virfa),
		le16toh(c->virfap), le16toh(c->viprt), le16toh(c->vifrsm));
	fprintf(out, "%-5s %-4s %-13s %-8s %-4s %-4s %s\n", "SCID", "VF", "BDF", "STATE", "VQ",
		"VI", "DRIVER");
	for (unsigned i = 0; i < n && !nvmu_sriov_secondary(s, i, &vf); i++)
		fprintf(out, "%-5u %-4u %-13s %-8s %-4u %-4u %s\n", vf.scid, vf.vfn,
			vf.addr[0] ? vf.addr : "-", vf.online ? "online" : "offline", vf.nvq,
			vf.nvi, vf.driver[0] ? vf.driver : "-");
}

static void show_json(FILE *out, const struct nvmu_sriov *s, pid_t owner)
{
	unsigned n = nvmu_sriov_secondaries(s);
	struct nvmu_sriov_vf vf;
	struct json j;

	json_init(&j, out);
	json_object_begin(&j);
	json_key(&j, "pf");
	json_string(&j, nvmu_sriov_pf_addr(s));
	json_key_uint(&j, "total_vfs", nvmu_sriov_total_vfs(s));
	json_key_uint(&j, "num_vfs", nvmu_sriov_num_vfs(s));
	json_key(&j, "owner_pid");
	json_int(&j, owner);
	json_key(&j, "vf_token");
	json_string(&j, nvmu_sriov_token(s)[0] ? "set" : "unset");
	json_key(&j, "primary");
	json_object_begin(&j);
	caps_json_fields(&j, nvmu_sriov_caps(s));
	json_object_end(&j);
	json_key(&j, "secondaries");
	json_array_begin(&j);
	for (unsigned i = 0; i < n && !nvmu_sriov_secondary(s, i, &vf); i++) {
		json_object_begin(&j);
		json_key_uint(&j, "scid", vf.scid);
		json_key_uint(&j, "vfn", vf.vfn);
		json_key(&j, "bdf");
		json_string(&j, vf.addr[0] ? vf.addr : NULL);
		json_key(&j, "state");
		json_string(&j, vf.online ? "online" : "offline");
		json_key_uint(&j, "vq", vf.nvq);
		json_key_uint(&j, "vi", vf.nvi);
		json_key(&j, "driver");
		json_string(&j, vf.driver[0] ? vf.driver : NULL);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

void sriov_render_show(FILE *out, const struct nvmu_sriov *s, enum cli_format format,
		       pid_t owner)
{
	if (format == CLI_FORMAT_JSON)
		show_json(out, s, owner);
	else
		show_text(out, s, owner);
}
