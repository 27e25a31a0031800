/* SPDX-License-Identifier: MIT */
/* nvmu sriov show, assign, offline, online, disable on a PF handle (see sriov.h). */
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
