/* SPDX-License-Identifier: MIT */
/*
 * The one parser of device strings: a string some class claims without a scheme (a PCI
 * address, a kernel NVMe device), "NAME:REST", "NAME://REST" or a bare "NAME", dispatched
 * to the registered class NAME.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "support/opts.h"
#include "transport/registry.h"
#include "transport/shared/shared.h"

#define FORMS_TEXT_MAX 512

/* Fail with @p err: the problem (printf-style), then what device strings are accepted. */
static int fail_accepted(int err, const char *fmt, ...) NVMU_PRINTF(2, 3);

static int fail_accepted(int err, const char *fmt, ...)
{
	char what[256], forms[FORMS_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	nvmu_transport_forms_list(forms, sizeof(forms));
	return nvmu_fail(err, "%s; a device is one of: %s", what, forms);
}

/* The first class that claims @p dev without a scheme, or NULL. */
static const struct nvmu_transport_class *claimant(const char *dev)
{
	const struct nvmu_transport_class *cls[NVMU_TRANSPORT_CLASSES_MAX];
	size_t n = nvmu_transport_classes(cls);

	for (size_t i = 0; i < n; i++)
		if (cls[i]->claims && cls[i]->claims(dev))
			return cls[i];
	return NULL;
}

/* The class named by @p dev's scheme and the text after it in *rest; NULL with a message. */
static const struct nvmu_transport_class *by_scheme(const char *dev, const char **rest)
{
	const struct nvmu_transport_class *cls = NULL;
	char scheme[NVMU_TRANSPORT_NAME_MAX];
	size_t len = strcspn(dev, ":");
	bool named = nvmu_transport_name_valid(dev, len);

	if (named) {
		memcpy(scheme, dev, len);
		scheme[len] = '\0';
		cls = nvmu_transport_find(scheme);
	}
	if (!cls) {
		if (named && dev[len])
			fail_accepted(EINVAL, "unknown transport '%s' in '%s'", scheme, dev);
		else
			fail_accepted(EINVAL,
				      dev[len] ? "'%s' is neither a PCI address nor NAME:ADDRESS "
						 "with a transport NAME"
					       : "'%s' is neither a PCI address, a kernel NVMe "
						 "device nor a transport name",
				      dev);
		return NULL;
	}
	*rest = dev + len;
	if (**rest == ':')
		(*rest)++;
	if (!strncmp(*rest, "//", 2))
		*rest += 2;
	return cls;
}

/* Open @rest of @cls, joining the process that owns it when the class shares it (a share
 * key) and such a process serves it (src/transport/shared/). */
static int share_or_open(const struct nvmu_transport_class *cls, const char *rest,
			 const struct nvmu_transport_open_opts *opts, struct nvmu_transport **out)
{
	char key[SHARE_KEY_MAX];
	int ret = cls->share_key ? cls->share_key(rest, key, sizeof(key)) : 0;

	if (ret < 0)
		return ret;
	if (ret == 0)
		return cls->open(rest, opts, out);
	return share_open(cls, rest, key, opts, out);
}

int nvmu_transport_open(const char *dev, const struct nvmu_transport_open_opts *user_opts,
			struct nvmu_transport **out)
{
	struct nvmu_transport_open_opts o;
	const struct nvmu_transport_open_opts *opts = OPTS_COPY(o, user_opts);
	const struct nvmu_transport_class *cls;
	const char *rest = dev;

	*out = NULL;
	if (!dev || !*dev)
		return fail_accepted(EINVAL, "no device given");
	cls = claimant(dev);
	if (!cls && !(cls = by_scheme(dev, &rest)))
		return -EINVAL;
	return share_or_open(cls, rest, opts, out);
}
