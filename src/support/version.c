/* SPDX-License-Identifier: MIT */
/* The library's version: what a program linked with the shared library can ask it for. */
#include "nvmu/support.h"

const char *nvmu_version(void)
{
	return NVMU_VERSION_STRING;
}
