/* SPDX-License-Identifier: MIT */
/* Reading a caller's options structure whatever version of it the caller was built with. */
#ifndef NVMU_SRC_SUPPORT_OPTS_H
#define NVMU_SRC_SUPPORT_OPTS_H

#include <stddef.h>
#include <string.h>

/*
 * Copy the caller's options @src (NULL: all defaults) into @dst, the library's structure
 * of @size bytes: only the bytes the caller's structure has - its opts_size (the first
 * member), or @v1_size, the size of the first version, when that is 0 - and zeroes, the
 * defaults, for the rest. A caller built with a larger, later structure gets the fields
 * this library knows. Returns @dst.
 */
static inline void *opts_copy(void *dst, size_t size, const void *src, size_t v1_size)
{
	size_t n;

	memset(dst, 0, size);
	if (!src)
		return dst;
	memcpy(&n, src, sizeof(n));
	if (n == 0)
		n = v1_size;
	memcpy(dst, src, n < size ? n : size);
	memcpy(dst, &size, sizeof(size)); /* the copy is the library's own version */
	return dst;
}

/*
 * OPTS_COPY(dst, src): opts_copy() into the structure @dst (not a pointer), returning its
 * address, for a structure whose first version is the one this library has. When a field
 * is added to one, its callers pass the first version's size (a number) to opts_copy()
 * instead.
 */
#define OPTS_COPY(dst, src) opts_copy(&(dst), sizeof(dst), (src), sizeof(dst))

#endif
