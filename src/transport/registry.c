/* SPDX-License-Identifier: MIT */
/*
 * The transport registry: classes by scheme name, the built-in "pcie", "soft" and "tcp"
 * first.
 * A small lock guards the table; it is taken when a class registers and when a device
 * string is opened, never on the I/O path.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "transport/registry.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const struct nvmu_transport_class *classes[NVMU_TRANSPORT_CLASSES_MAX] = {
	&nvmu_transport_pcie_class,
	&nvmu_transport_soft_class,
	&nvmu_transport_tcp_class,
};
static size_t nclasses = 3;

bool nvmu_transport_name_valid(const char *name, size_t len)
{
	if (len == 0 || len >= NVMU_TRANSPORT_NAME_MAX || !islower((unsigned char)name[0]))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!islower((unsigned char)name[i]) && !isdigit((unsigned char)name[i]) &&
		    name[i] != '-' && name[i] != '_')
			return false;
	return true;
}

size_t nvmu_transport_classes(const struct nvmu_transport_class **out)
{
	size_t n;

	pthread_mutex_lock(&lock);
	n = nclasses;
	memcpy(out, classes, n * sizeof(*out));
	pthread_mutex_unlock(&lock);
	return n;
}

/* The class called @p name in the table, or NULL; the lock is held. */
static const struct nvmu_transport_class *find_locked(const char *name)
{
	for (size_t i = 0; i < nclasses; i++)
		if (!strcmp(classes[i]->name, name))
			return classes[i];
	return NULL;
}

int nvmu_transport_register(const struct nvmu_transport_class *cls)
{
	int ret = 0;

	if (!cls || !cls->name || !nvmu_transport_name_valid(cls->name, strlen(cls->name)))
		return nvmu_fail(EINVAL, "transport class name '%s' is not a scheme: it must be a "
				 "lowercase letter followed by lowercase letters, digits, '-' or "
				 "'_' (at most %d characters)",
				 cls && cls->name ? cls->name : "(null)",
				 NVMU_TRANSPORT_NAME_MAX - 1);
	if (!cls->open)
		return nvmu_fail(EINVAL, "transport class '%s' has no open function", cls->name);
	pthread_mutex_lock(&lock);
	if (find_locked(cls->name))
		ret = nvmu_fail(EEXIST, "a transport class named '%s' is registered already",
				cls->name);
	else if (nclasses == NVMU_TRANSPORT_CLASSES_MAX)
		ret = nvmu_fail(ENOSPC, "the transport registry is full (%d classes); '%s' cannot "
				"be added", NVMU_TRANSPORT_CLASSES_MAX, cls->name);
	else
		classes[nclasses++] = cls;
	pthread_mutex_unlock(&lock);
	return ret;
}

const struct nvmu_transport_class *nvmu_transport_find(const char *name)
{
	const struct nvmu_transport_class *cls;

	if (!name)
		return NULL;
	pthread_mutex_lock(&lock);
	cls = find_locked(name);
	pthread_mutex_unlock(&lock);
	return cls;
}
