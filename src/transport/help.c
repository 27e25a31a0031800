/* SPDX-License-Identifier: MIT */
/* The registered classes described for people: help texts and the list in error messages. */
#include <stdarg.h>
#include <stdio.h>

#include "transport/registry.h"

/* Append to buf as snprintf() would, counting what the full text needs in *used. */
static void append(char *buf, size_t len, size_t *used, const char *fmt, ...) NVMU_PRINTF(4, 5);

static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(*used < len ? buf + *used : NULL, *used < len ? len - *used : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used += (size_t)n;
}

/* Every class, as two lines ("  FORMS" and "      DESCRIPTION") or as "FORMS; FORMS". */
static size_t describe(char *buf, size_t len, bool lines)
{
	const struct nvmu_transport_class *cls[NVMU_TRANSPORT_CLASSES_MAX];
	size_t n = nvmu_transport_classes(cls), used = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		/* A class that gives no forms is reached by its bare scheme. */
		const char *forms = cls[i]->forms ? cls[i]->forms : cls[i]->name;

		if (lines)
			append(buf, len, &used, "  %s\n      %s\n", forms,
			       cls[i]->description ? cls[i]->description : "");
		else
			append(buf, len, &used, "%s%s", i ? "; " : "", forms);
	}
	return used;
}

size_t nvmu_transport_help(char *buf, size_t len)
{
	return describe(buf, len, true);
}

size_t nvmu_transport_forms_list(char *buf, size_t len)
{
	return describe(buf, len, false);
}
