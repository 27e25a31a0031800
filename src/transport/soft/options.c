/* SPDX-License-Identifier: MIT */
/* The option string of a software controller ("ns=2,size=64M,lbs=4096,..."). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soft.h"

static void set_defaults(struct soft_opts *o)
{
	*o = (struct soft_opts){
		.nns = 1,
		.ns_bytes = 64ull << 20,
		.lbs = 512,
		.mdts = 5,
		.mqes = 1023,
		.queues = 16,
		.dbbuf = true,
		.to = 20,
		.mpsmax = 4,
		.vs = SOFT_VS(1, 4),
	};
}

static int parse_range(const char *key, const char *val, uint64_t min, uint64_t max,
		       uint64_t *out)
{
	if (nvmu_parse_u64(val, true, out) < 0 || *out < min || *out > max)
		return nvmu_fail(EINVAL, "soft: option %s=%s: expected a number in %llu..%llu", key,
				 val, (unsigned long long)min, (unsigned long long)max);
	return 0;
}

static int parse_mode(const char *val, struct soft_opts *o)
{
	if (strcmp(val, "thread") == 0)
		o->stepped = false;
	else if (strcmp(val, "step") == 0)
		o->stepped = true;
	else
		return nvmu_fail(EINVAL, "soft: option mode=%s: expected thread or step", val);
	return 0;
}

/* The version "MAJOR.MINOR", 1.0 to 2.x: what the VS register and Identify VER report. */
static int parse_version(const char *val, struct soft_opts *o)
{
	unsigned major, minor;
	int end = 0;

	if (sscanf(val, "%u.%u%n", &major, &minor, &end) != 2 || val[end] || major < 1 ||
	    major > 2 || minor > 255 || val[0] < '0' || val[0] > '9')
		return nvmu_fail(EINVAL, "soft: option vs=%s: expected a version 1.0 to 2.255 "
				 "such as 1.4 or 2.0", val);
	o->vs = SOFT_VS(major, minor);
	return 0;
}

/* Apply one key=value pair. */
static int apply(struct soft_opts *o, const char *key, const char *val)
{
	uint64_t v = 0;
	int ret;

	if (strcmp(key, "mode") == 0)
		return parse_mode(val, o);
	if (strcmp(key, "vs") == 0)
		return parse_version(val, o);
	if (strcmp(key, "file") == 0) {
		if (!*val || strlen(val) >= sizeof(o->file))
			return nvmu_fail(EINVAL, "soft: option file=%s: expected a path of 1 to "
					 "%zu characters", val, sizeof(o->file) - 1);
		strcpy(o->file, val);
		return 0;
	}
	if (strcmp(key, "dbbuf") == 0)
		o->dbbuf_given = true; /* and parsed below */
	if (strcmp(key, "name") == 0) {
		if (strlen(val) >= sizeof(o->name) ||
		    strspn(val, SOFT_NAME_CHARS) != strlen(val))
			return nvmu_fail(EINVAL, "soft: option name=%s: expected 1 to %zu letters, "
					 "digits, '-', '_' or '.'", val, sizeof(o->name) - 1);
		strcpy(o->name, val);
		return 0;
	}
	if (strcmp(key, "size") == 0) {
		if (nvmu_parse_u64(val, true, &v) < 0 || v == 0)
			return nvmu_fail(EINVAL, "soft: option size=%s: expected a byte count such "
					 "as 64M or 1G", val);
		o->ns_bytes = v;
		return 0;
	}
	if (strcmp(key, "lbs") == 0) {
		if (nvmu_parse_u64(val, true, &v) < 0 || (v != 512 && v != 4096))
			return nvmu_fail(EINVAL, "soft: option lbs=%s: the LBA size is 512 or 4096",
					 val);
		o->lbs = (uint32_t)v;
		return 0;
	}
#define RANGE(name, field, min, max)                                         \
	if (strcmp(key, name) == 0) {                                        \
		ret = parse_range(key, val, min, max, &v);                   \
		if (ret == 0)                                                \
			o->field = (__typeof__(o->field))v;                  \
		return ret;                                                  \
	}
	RANGE("ns", nns, 1, SOFT_MAX_NS)
	RANGE("mdts", mdts, 0, 20)
	RANGE("mqes", mqes, 1, 65535)
	RANGE("queues", queues, 1, SOFT_MAX_QUEUES)
	RANGE("sgl", sgl, 0, 1)
	RANGE("iommu", iommu, 0, 1)
	RANGE("dbbuf", dbbuf, 0, 1)
	RANGE("to", to, 1, 255)
	RANGE("dstrd", dstrd, 0, 4)
	RANGE("mpsmin", mpsmin, 0, 15)
	RANGE("mpsmax", mpsmax, 0, 15)
	RANGE("ready_delay", ready_delay_ms, 0, 600000)
#undef RANGE
	return nvmu_fail(EINVAL, "soft: unknown option '%s' (known: %s)", key,
			 soft_known_options());
}

/* Checks between options. */
static int check(const struct soft_opts *o)
{
	if (o->mpsmax < o->mpsmin)
		return nvmu_fail(EINVAL, "soft: mpsmax=%u is below mpsmin=%u", o->mpsmax,
				 o->mpsmin);
	if (o->ns_bytes % o->lbs)
		return nvmu_fail(EINVAL, "soft: size=%llu is not a multiple of lbs=%u",
				 (unsigned long long)o->ns_bytes, o->lbs);
	if (o->ns_bytes % 4096)
		return nvmu_fail(EINVAL, "soft: size=%llu is not a multiple of 4096 (every LBA "
				 "format must fit)", (unsigned long long)o->ns_bytes);
	return 0;
}

int soft_opts_parse(const char *spec, struct soft_opts *o)
{
	char *copy, *save = NULL, *item;
	int ret = 0;

	set_defaults(o);
	if (!spec || !*spec)
		return 0;
	copy = strdup(spec);
	if (!copy)
		return nvmu_fail(ENOMEM, "out of memory");
	for (item = strtok_r(copy, ",", &save); item && ret == 0;
	     item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');

		if (!eq || eq == item || !eq[1]) {
			ret = nvmu_fail(EINVAL, "soft: option '%s' is not key=value (known: %s)",
					item, soft_known_options());
			break;
		}
		*eq = '\0';
		ret = apply(o, item, eq + 1);
	}
	free(copy);
	/* A controller other processes share keeps MMIO doorbells unless asked: with shadow
	 * doorbells on, they would have to write the primary's shadow buffer. */
	if (o->name[0] && !o->dbbuf_given)
		o->dbbuf = false;
	return ret < 0 ? ret : check(o);
}
