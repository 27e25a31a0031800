/* SPDX-License-Identifier: MIT */
/* Internal: the transport registry's table, shared by the registry and the string parser. */
#ifndef NVMU_SRC_TRANSPORT_REGISTRY_H
#define NVMU_SRC_TRANSPORT_REGISTRY_H

#include "nvmu/transport.h"

/* Most classes the registry holds, built-in ones included. */
#define NVMU_TRANSPORT_CLASSES_MAX 16
/* Longest scheme name, NUL included. */
#define NVMU_TRANSPORT_NAME_MAX 32

/* The built-in classes (pcie/pcie_class.c, soft/soft_class.c, tcp/tcp_class.c). */
extern const struct nvmu_transport_class nvmu_transport_pcie_class;
extern const struct nvmu_transport_class nvmu_transport_soft_class;
extern const struct nvmu_transport_class nvmu_transport_tcp_class;

/*
 * Copy the registered classes, in registration order (built-ins first), into @p out
 * (NVMU_TRANSPORT_CLASSES_MAX entries). Returns how many there are. A snapshot taken under
 * the registry's lock: classes are never removed, so the pointers stay valid.
 */
size_t nvmu_transport_classes(const struct nvmu_transport_class **out);

/* The forms of every class on one line, "FORMS; FORMS", into @p buf (as snprintf(); help.c). */
size_t nvmu_transport_forms_list(char *buf, size_t len);

/* True if the @p len characters at @p name form a valid scheme name. */
bool nvmu_transport_name_valid(const char *name, size_t len);

#endif
