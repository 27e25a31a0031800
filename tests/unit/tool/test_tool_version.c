/* SPDX-License-Identifier: MIT */
/*
 * The version: the macros of <nvmu/support.h> are meson.build's project version (passed
 * in as NVMU_PROJECT_VERSION), nvmu_version() is the same, and `nvmu version` prints it
 * as nvme-cli prints its own (`nvme version 2.3`), in text and JSON.
 */
#include <stdio.h>

#include "check.h"
#include "nvmu/support.h"
#include "tool_run.h"

TEST(header_and_library_carry_the_project_version)
{
	char parts[32];

	CHECK(strcmp(NVMU_VERSION_STRING, NVMU_PROJECT_VERSION) == 0);
	snprintf(parts, sizeof(parts), "%d.%d.%d", NVMU_VERSION_MAJOR, NVMU_VERSION_MINOR,
		 NVMU_VERSION_PATCH);
	CHECK(strcmp(parts, NVMU_PROJECT_VERSION) == 0);
	CHECK(strcmp(nvmu_version(), NVMU_PROJECT_VERSION) == 0);
}

TEST(version_verb)
{
	char want[96];

	setup();
	snprintf(want, sizeof(want), "nvmu version %s\n", NVMU_PROJECT_VERSION);
	CHECK_EQ(nvmu("version"), 0);
	CHECK(strcmp(out, want) == 0);
	snprintf(want, sizeof(want), "{\n  \"version\": \"%s\",\n  \"major\": %d,\n"
		 "  \"minor\": %d,\n  \"patch\": %d\n}\n", NVMU_PROJECT_VERSION, NVMU_VERSION_MAJOR,
		 NVMU_VERSION_MINOR, NVMU_VERSION_PATCH);
	CHECK_EQ(nvmu("version -o json"), 0);
	CHECK(strcmp(out, want) == 0);
	snprintf(want, sizeof(want), "nvmu %s\n", NVMU_PROJECT_VERSION);
	CHECK_EQ(nvmu("--version"), 0);
	CHECK(strcmp(out, want) == 0);
	CHECK_EQ(nvmu("version --help"), 0);
	CHECK_STR_CONTAINS(out, "Usage: nvmu version [-o json|normal]");
	CHECK_EQ(nvmu("help"), 0);
	CHECK_STR_CONTAINS(out, "\n  version ");
	CHECK_EQ(nvmu("version soft:"), 2);
	CHECK_STR_CONTAINS(err, "nvmu version: unexpected argument 'soft:'");
	CHECK_EQ(nvmu("version -o xml"), 2);
	fake_cleanup(&f);
}

RUN_TESTS(T(header_and_library_carry_the_project_version), T(version_verb))
