/* SPDX-License-Identifier: MIT */
/* nvmu sriov show, assign, offline, online, disable on a PF handle (see sriov.h). */
#include <string.h>

#include "nvmu/support.h"
#include "output/json.h"
#include "sriov/sriov.h"
#include "sriov/sriov_render.h"
#include "verbs.h"

const char *sriov_sub_name(enum sriov_sub sub)
{
	static const char *const names[] = {
		[SRIOV_SHOW] = "show", [SRIOV_ENABLE] = "enable", [SRIOV_DISABLE] = "disable",
		[SRIOV_ASSIGN] = "assign", [SRIOV_OFFLINE] = "offline", [SRIOV_ONLINE] = "online",
	};

	return names[sub];
}

/* Print the VF's secondary controller after a change, as one line. */
static void print_vf(FILE *out, struct nvmu_sriov *s, unsigned vfn)
{
	struct nvmu_sriov_vf vf;

	for (unsigned i = 0; i < nvmu_sriov_secondaries(s); i++)
		if (nvmu_sriov_secondary(s, i, &vf) == 0 && vf.vfn == vfn)
			fprintf(out, "VF %u cntlid %u %s queues %u vectors %u\n", vf.vfn, vf.scid,
				vf.online ? "online" : "offline", vf.nvq, vf.nvi);
}

int sriov_do(struct nvmu_sriov *s, const struct sriov_req *r, FILE *out, FILE *err,
	     pid_t owner)
{
	int ret = 0;

	switch (r->sub) {
	case SRIOV_SHOW:
		ret = nvmu_sriov_refresh(s);
		if (ret == 0)
			sriov_render_show(out, s, r->format, owner);
		break;
	case SRIOV_ASSIGN:
		ret = nvmu_sriov_assign(s, r->vfn, (uint16_t)r->vq, (uint16_t)r->vi);
		break;
	case SRIOV_OFFLINE:
		ret = nvmu_sriov_offline(s, r->vfn, r->force);
		break;
	case SRIOV_ONLINE:
		ret = nvmu_sriov_online(s, r->vfn);
		break;
	case SRIOV_DISABLE:
		ret = nvmu_sriov_disable(s, r->force);
		if (ret == 0)
			fprintf(out, "%s: VFs disabled\n", nvmu_sriov_pf_addr(s));
		break;
	case SRIOV_ENABLE:
		fprintf(err, "nvmu sriov enable: %s is held by pid %d already\n", r->pf, (int)owner);
		return EXIT_FAILED;
	}
	if (ret < 0) {
		fprintf(err, "nvmu sriov %s: %s\n", sriov_sub_name(r->sub), nvmu_last_error());
		return EXIT_FAILED;
	}
	if (r->sub == SRIOV_ASSIGN || r->sub == SRIOV_OFFLINE || r->sub == SRIOV_ONLINE)
		print_vf(out, s, r->vfn);
	return EXIT_OK;
}

void sriov_print_ready(FILE *out, struct nvmu_sriov *s, enum cli_format format)
{
	unsigned n = nvmu_sriov_secondaries(s), vfs = nvmu_sriov_num_vfs(s);
	struct nvmu_sriov_vf vf;
	struct json j;

	json_init(&j, out);
	if (format == CLI_FORMAT_JSON) {
		json_object_begin(&j);
		json_key(&j, "pf");
		json_string(&j, nvmu_sriov_pf_addr(s));
		json_key(&j, "vfs");
		json_array_begin(&j);
	}
	for (unsigned i = 0; i < n && !nvmu_sriov_secondary(s, i, &vf); i++) {
		if (!vf.vfn || vf.vfn > vfs)
			continue;
		if (format != CLI_FORMAT_JSON) {
			fprintf(out, "VF %s cntlid %u queues %u vectors %u\n", vf.addr, vf.scid,
				vf.nvq, vf.nvi);
			continue;
		}
		json_object_begin(&j);
		json_key(&j, "bdf");
		json_string(&j, vf.addr);
		json_key(&j, "cntlid");
		json_uint(&j, vf.scid);
		json_key(&j, "queues");
		json_uint(&j, vf.nvq);
		json_key(&j, "vectors");
		json_uint(&j, vf.nvi);
		json_object_end(&j);
	}
	if (format == CLI_FORMAT_JSON) {
		json_array_end(&j);
		json_key(&j, "token");
		json_string(&j, nvmu_sriov_token(s));
		json_key(&j, "ready");
		json_bool(&j, true);
		json_object_end(&j);
		json_finish(&j);
	} else {
		fprintf(out, "token %s\nready\n", nvmu_sriov_token(s));
	}
	fflush(out);
}

void sriov_wait_unused(struct nvmu_sriov *s, unsigned timeout_s, const char *verb)
{
	uint64_t deadline = nvmu_deadline_ms(timeout_s * 1000ull);
	unsigned n = nvmu_sriov_secondaries(s);
	struct nvmu_sriov_vf vf;
	char users[256];
	bool told = false;

	for (unsigned i = 0; i < n; i++) {
		if (nvmu_sriov_secondary(s, i, &vf) || !vf.addr[0])
			continue;
		while (nvmu_pci_vfio_users(vf.addr, users, sizeof(users)) > 0) {
			if (nvmu_deadline_passed(deadline)) {
				fprintf(stderr, "nvmu %s: VF %s is still open by %s after %u s; "
					"tearing the VFs down anyway\n", verb, vf.addr, users,
					timeout_s);
				return;
			}
			if (!told)
				fprintf(stderr, "nvmu %s: waiting up to %u s for the users of the VFs "
					"to finish (%s has %s)\n", verb, timeout_s, vf.addr, users);
			told = true;
			nvmu_sleep_us(100000);
		}
	}
}
