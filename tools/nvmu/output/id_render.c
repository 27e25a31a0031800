/* SPDX-License-Identifier: MIT */
/* Identify Controller / Namespace rendering: field tables with nvme-cli 2.x's JSON keys. */
#include "id_render.h"
#include "fields.h"

#define C(key, member, kind) FIELD(struct nvme_id_ctrl, key, member, kind)

/* In the order nvme-cli 2.x writes them. */
static const struct field ctrl_fields[] = {
	C("vid", vid, FIELD_HEX), C("ssvid", ssvid, FIELD_HEX), C("sn", sn, FIELD_TEXT),
	C("mn", mn, FIELD_TEXT), C("fr", fr, FIELD_TEXT), C("rab", rab, FIELD_UINT),
	C("ieee", ieee, FIELD_IEEE), C("cmic", cmic, FIELD_HEX), C("mdts", mdts, FIELD_UINT),
	C("cntlid", cntlid, FIELD_HEX), C("ver", ver, FIELD_HEX), C("rtd3r", rtd3r, FIELD_HEX),
	C("rtd3e", rtd3e, FIELD_HEX), C("oaes", oaes, FIELD_HEX), C("ctratt", ctratt, FIELD_HEX),
	C("rrls", rrls, FIELD_HEX), C("cntrltype", cntrltype, FIELD_UINT),
	C("fguid", fguid, FIELD_UUID), C("crdt1", crdt1, FIELD_UINT), C("crdt2", crdt2, FIELD_UINT),
	C("crdt3", crdt3, FIELD_UINT), C("nvmsr", nvmsr, FIELD_UINT), C("vwci", vwci, FIELD_UINT),
	C("mec", mec, FIELD_UINT), C("oacs", oacs, FIELD_HEX), C("acl", acl, FIELD_UINT),
	C("aerl", aerl, FIELD_UINT), C("frmw", frmw, FIELD_HEX), C("lpa", lpa, FIELD_HEX),
	C("elpe", elpe, FIELD_UINT), C("npss", npss, FIELD_UINT), C("avscc", avscc, FIELD_HEX),
	C("apsta", apsta, FIELD_HEX), C("wctemp", wctemp, FIELD_UINT),
	C("cctemp", cctemp, FIELD_UINT), C("mtfa", mtfa, FIELD_UINT), C("hmpre", hmpre, FIELD_UINT),
	C("hmmin", hmmin, FIELD_UINT), C("tnvmcap", tnvmcap, FIELD_U128),
	C("unvmcap", unvmcap, FIELD_U128), C("rpmbs", rpmbs, FIELD_HEX),
	C("edstt", edstt, FIELD_UINT), C("dsto", dsto, FIELD_UINT), C("fwug", fwug, FIELD_UINT),
	C("kas", kas, FIELD_UINT), C("hctma", hctma, FIELD_HEX), C("mntmt", mntmt, FIELD_UINT),
	C("mxtmt", mxtmt, FIELD_UINT), C("sanicap", sanicap, FIELD_HEX),
	C("hmminds", hmminds, FIELD_UINT), C("hmmaxd", hmmaxd, FIELD_UINT),
	C("nsetidmax", nsetidmax, FIELD_UINT), C("endgidmax", endgidmax, FIELD_UINT),
	C("anatt", anatt, FIELD_UINT), C("anacap", anacap, FIELD_HEX),
	C("anagrpmax", anagrpmax, FIELD_UINT), C("nanagrpid", nanagrpid, FIELD_UINT),
	C("pels", pels, FIELD_UINT), C("domainid", domainid, FIELD_UINT),
	C("megcap", megcap, FIELD_U128), C("sqes", sqes, FIELD_HEX), C("cqes", cqes, FIELD_HEX),
	C("maxcmd", maxcmd, FIELD_UINT), C("nn", nn, FIELD_UINT), C("oncs", oncs, FIELD_HEX),
	C("fuses", fuses, FIELD_HEX), C("fna", fna, FIELD_HEX), C("vwc", vwc, FIELD_HEX),
	C("awun", awun, FIELD_UINT), C("awupf", awupf, FIELD_UINT),
	C("icsvscc", icsvscc, FIELD_UINT), C("nwpc", nwpc, FIELD_UINT), C("acwu", acwu, FIELD_UINT),
	C("ocfs", ocfs, FIELD_HEX), C("sgls", sgls, FIELD_HEX), C("mnan", mnan, FIELD_UINT),
	C("maxdna", maxdna, FIELD_U128), C("maxcna", maxcna, FIELD_UINT),
	C("subnqn", subnqn, FIELD_CSTR), C("ioccsz", ioccsz, FIELD_UINT),
	C("iorcsz", iorcsz, FIELD_UINT), C("icdoff", icdoff, FIELD_UINT),
	C("fcatt", fcatt, FIELD_UINT), C("msdbd", msdbd, FIELD_UINT), C("ofcs", ofcs, FIELD_UINT),
};
#undef C

#define N(key, member, kind) FIELD(struct nvme_id_ns, key, member, kind)

static const struct field ns_fields[] = {
	N("nsze", nsze, FIELD_HEX), N("ncap", ncap, FIELD_HEX), N("nuse", nuse, FIELD_HEX),
	N("nsfeat", nsfeat, FIELD_HEX), N("nlbaf", nlbaf, FIELD_UINT), N("flbas", flbas, FIELD_HEX),
	N("mc", mc, FIELD_HEX), N("dpc", dpc, FIELD_HEX), N("dps", dps, FIELD_HEX),
	N("nmic", nmic, FIELD_UINT), N("rescap", rescap, FIELD_HEX), N("fpi", fpi, FIELD_HEX),
	N("dlfeat", dlfeat, FIELD_UINT), N("nawun", nawun, FIELD_UINT),
	N("nawupf", nawupf, FIELD_UINT), N("nacwu", nacwu, FIELD_UINT),
	N("nabsn", nabsn, FIELD_UINT),
	N("nabo", nabo, FIELD_UINT), N("nabspf", nabspf, FIELD_UINT), N("noiob", noiob, FIELD_UINT),
	N("nvmcap", nvmcap, FIELD_U128), N("nsattr", nsattr, FIELD_UINT),
	N("nvmsetid", nvmsetid, FIELD_UINT), N("npwg", npwg, FIELD_UINT),
	N("npwa", npwa, FIELD_UINT),
	N("npdg", npdg, FIELD_UINT), N("npda", npda, FIELD_UINT), N("nows", nows, FIELD_UINT),
	N("mssrl", mssrl, FIELD_UINT), N("mcl", mcl, FIELD_UINT), N("msrc", msrc, FIELD_UINT),
	N("nulbaf", nulbaf, FIELD_UINT), N("anagrpid", anagrpid, FIELD_UINT),
	N("endgid", endgid, FIELD_UINT), N("eui64", eui64, FIELD_BYTES),
	N("nguid", nguid, FIELD_BYTES),
};

/* The text lines in nvme-cli's order, with its number bases; npwg..nows only with NSFEAT
 * bit 4 (the fields are valid then), as nvme-cli shows them. */
static const struct field ns_text_head[] = {
	N("nsze", nsze, FIELD_HEX), N("ncap", ncap, FIELD_HEX), N("nuse", nuse, FIELD_HEX),
	N("nsfeat", nsfeat, FIELD_HEX), N("nlbaf", nlbaf, FIELD_UINT), N("flbas", flbas, FIELD_HEX),
	N("mc", mc, FIELD_HEX), N("dpc", dpc, FIELD_HEX), N("dps", dps, FIELD_HEX),
	N("nmic", nmic, FIELD_HEX), N("rescap", rescap, FIELD_HEX), N("fpi", fpi, FIELD_HEX),
	N("dlfeat", dlfeat, FIELD_UINT), N("nawun", nawun, FIELD_UINT),
	N("nawupf", nawupf, FIELD_UINT), N("nacwu", nacwu, FIELD_UINT),
	N("nabsn", nabsn, FIELD_UINT), N("nabo", nabo, FIELD_UINT),
	N("nabspf", nabspf, FIELD_UINT), N("noiob", noiob, FIELD_UINT),
	N("nvmcap", nvmcap, FIELD_U128),
};

static const struct field ns_text_io_opt[] = {
	N("npwg", npwg, FIELD_UINT), N("npwa", npwa, FIELD_UINT), N("npdg", npdg, FIELD_UINT),
	N("npda", npda, FIELD_UINT), N("nows", nows, FIELD_UINT),
};

static const struct field ns_text_tail[] = {
	N("mssrl", mssrl, FIELD_UINT), N("mcl", mcl, FIELD_UINT), N("msrc", msrc, FIELD_UINT),
	N("nulbaf", nulbaf, FIELD_UINT), N("anagrpid", anagrpid, FIELD_UINT),
	N("nsattr", nsattr, FIELD_UINT), N("nvmsetid", nvmsetid, FIELD_UINT),
	N("endgid", endgid, FIELD_UINT), N("nguid", nguid, FIELD_BYTES),
	N("eui64", eui64, FIELD_BYTES),
};
#undef N

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

#define PSD_VALUES 13

/* A power state descriptor's values, with nvme-cli's keys. */
static size_t psd_decode(const struct nvme_id_psd *p, struct named_value v[PSD_VALUES])
{
	size_t n = 0;

	v[n++] = (struct named_value){ "max_power", field_le(&p->mp, 2) };
	v[n++] = (struct named_value){ "flags", p->flags };
	v[n++] = (struct named_value){ "entry_lat", field_le(&p->enlat, 4) };
	v[n++] = (struct named_value){ "exit_lat", field_le(&p->exlat, 4) };
	v[n++] = (struct named_value){ "read_tput", p->rrt };
	v[n++] = (struct named_value){ "read_lat", p->rrl };
	v[n++] = (struct named_value){ "write_tput", p->rwt };
	v[n++] = (struct named_value){ "write_lat", p->rwl };
	v[n++] = (struct named_value){ "idle_power", field_le(&p->idlp, 2) };
	v[n++] = (struct named_value){ "idle_scale", p->ips >> 6 };
	v[n++] = (struct named_value){ "active_power", field_le(&p->actp, 2) };
	v[n++] = (struct named_value){ "active_power_work", p->apws & 7 };
	v[n++] = (struct named_value){ "active_scale", p->apws >> 6 };
	return n;
}

void id_ctrl_json(struct json *j, const struct nvme_id_ctrl *id)
{
	struct named_value v[PSD_VALUES];

	json_object_begin(j);
	fields_json(j, ctrl_fields, NFIELDS(ctrl_fields), id);
	json_key(j, "psds");
	json_array_begin(j);
	for (unsigned ps = 0; ps <= id->npss && ps < 32; ps++) {
		size_t n = psd_decode(&id->psd[ps], v);

		json_object_begin(j);
		named_values_json(j, v, n);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

/* A power in the units of @p scale (Identify PSD IPS/APWS bits 7:6): "-", "0.0250W". */
static void print_power(FILE *out, unsigned power, unsigned scale)
{
	switch (scale) {
	case 0: /* not reported */
		fputs("-", out);
		break;
	case 1: /* 0.0001 W */
		fprintf(out, "%u.%04uW", power / 10000, power % 10000);
		break;
	case 2: /* 0.01 W */
		fprintf(out, "%u.%02uW", power / 100, power % 100);
		break;
	default:
		fputs("reserved", out);
	}
}

static const char *const workloads[8] = { "-", "1MiB 32 RW, 30s idle", "80K 128KiB SW",
					  "reserved", "reserved", "reserved", "reserved",
					  "reserved" };

/* A power state as nvme-cli shows it: "ps    0 : mp:25.00W operational enlat:16 ...". */
static void psd_print(FILE *out, unsigned ps, const struct nvme_id_psd *p)
{
	unsigned mp = (unsigned)field_le(&p->mp, 2);

	fprintf(out, "ps   %4u : mp:", ps);
	/* Flags bit 0 (MXPS): max power in 0.0001 W units instead of 0.01 W. */
	if (p->flags & 1)
		fprintf(out, "%u.%04uW ", mp / 10000, mp % 10000);
	else
		fprintf(out, "%u.%02uW ", mp / 100, mp % 100);
	/* Flags bit 1 (NOPS): a non-operational state. */
	fprintf(out, "%soperational enlat:%u exlat:%u rrt:%u rrl:%u\n"
		"            rwt:%u rwl:%u idle_power:", p->flags & 2 ? "non-" : "",
		(unsigned)field_le(&p->enlat, 4), (unsigned)field_le(&p->exlat, 4), p->rrt, p->rrl,
		p->rwt, p->rwl);
	print_power(out, (unsigned)field_le(&p->idlp, 2), p->ips >> 6);
	fputs(" active_power:", out);
	print_power(out, (unsigned)field_le(&p->actp, 2), p->apws >> 6);
	fprintf(out, "\n            active_power_workload:%s\n", workloads[p->apws & 7]);
}

void id_ctrl_print(FILE *out, const struct nvme_id_ctrl *id, bool human)
{
	fprintf(out, "NVME Identify Controller:\n");
	fields_print(out, ctrl_fields, NFIELDS(ctrl_fields), id, 10, human);
	for (unsigned ps = 0; ps <= id->npss && ps < 32; ps++)
		psd_print(out, ps, &id->psd[ps]);
}

unsigned id_ns_lbaf_count(const struct nvme_id_ns *ns)
{
	return ns->nlbaf < 64 ? ns->nlbaf + 1u : 64u;
}

unsigned id_ns_lbaf_in_use(const struct nvme_id_ns *ns)
{
	return (ns->flbas & 0xfu) | ((ns->flbas >> 5 & 0x3u) << 4);
}

void id_ns_json(struct json *j, const struct nvme_id_ns *ns)
{
	json_object_begin(j);
	fields_json(j, ns_fields, NFIELDS(ns_fields), ns);
	json_key(j, "lbafs");
	json_array_begin(j);
	for (unsigned i = 0; i < id_ns_lbaf_count(ns); i++) {
		json_object_begin(j);
		json_key(j, "ms");
		json_uint(j, field_le(&ns->lbaf[i].ms, 2));
		json_key(j, "ds");
		json_uint(j, ns->lbaf[i].ds);
		json_key(j, "rp");
		json_uint(j, ns->lbaf[i].rp);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

static const char *const relative_performance[4] = { "Best", "Better", "Good", "Degraded" };

void id_ns_print(FILE *out, const struct nvme_id_ns *ns, uint32_t nsid, bool human)
{
	fprintf(out, "NVME Identify Namespace %u:\n", nsid);
	fields_print(out, ns_text_head, NFIELDS(ns_text_head), ns, 8, human);
	if (ns->nsfeat & 0x10) /* NSFEAT bit 4: the I/O optimization fields are valid */
		fields_print(out, ns_text_io_opt, NFIELDS(ns_text_io_opt), ns, 8, human);
	fields_print(out, ns_text_tail, NFIELDS(ns_text_tail), ns, 8, human);
	for (unsigned i = 0; i < id_ns_lbaf_count(ns); i++) {
		unsigned ms = (unsigned)field_le(&ns->lbaf[i].ms, 2), rp = ns->lbaf[i].rp & 3u;
		const char *in_use = i == id_ns_lbaf_in_use(ns) ? "(in use)" : "";

		if (human)
			fprintf(out, "LBA Format %2u : Metadata Size: %-3u bytes - Data Size: %-2u "
				"bytes - Relative Performance: %#x %s %s\n", i, ms,
				1u << (ns->lbaf[i].ds & 31), rp, relative_performance[rp], in_use);
		else
			fprintf(out, "lbaf %2u : ms:%-3u lbads:%-2u rp:%#x %s\n", i, ms,
				ns->lbaf[i].ds, rp, in_use);
	}
}
