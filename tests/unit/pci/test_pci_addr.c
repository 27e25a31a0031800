/* SPDX-License-Identifier: MIT */
/* Unit tests for PCI address parsing and normalisation. */
#include <errno.h>

#include "check.h"
#include "nvmu/pci.h"

static void check_good(const char *text, const char *want)
{
	char out[NVMU_PCI_ADDR_LEN] = "";

	CHECK_EQ(nvmu_pci_parse_addr(text, out), 0);
	if (strcmp(out, want)) {
		fprintf(stderr, "parse '%s' gave '%s', want '%s'\n", text, out, want);
		check_failures++;
	}
}

static void check_bad(const char *text)
{
	char out[NVMU_PCI_ADDR_LEN];

	CHECK_EQ(nvmu_pci_parse_addr(text, out), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "is not a PCI address (expected DDDD:BB:SS.F or BB:SS.F, e.g. 0000:00:10.0)");
}

TEST(full_and_short_forms_normalise_to_lowercase)
{
	check_good("0000:00:10.0", "0000:00:10.0");
	check_good("00:10.0", "0000:00:10.0");
	check_good("0000:AB:1F.7", "0000:ab:1f.7");
	check_good("aB:0c.3", "0000:ab:0c.3");
	check_good("10000:e1:00.0", "10000:e1:00.0"); /* VMD domains have 5 digits */
	check_good("00000000:00:10.0", "0000:00:10.0");
}

TEST(malformed_addresses_are_rejected_with_a_hint)
{
	const char *bad[] = { "", "xyz", "0000:00:10", "0000:00:10.8", "0000:00:20.0", "000:00:10.0",
			      "0:00:10.0", "0000:0:10.0", "0000:00:1.0", "0000:00:10.0 ", " 0000:00:10.0",
			      "0000:00:10.00", "0000-00-10.0", "0000:00:10:0", "000000000:00:10.0",
			      "0000:00:10.0/", "g0:10.0", "0000:00:0x.0" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check_bad(bad[i]);
	check_bad(NULL);
	CHECK_EQ(nvmu_pci_parse_addr("xyz", (char[NVMU_PCI_ADDR_LEN]){ 0 }), -EINVAL);
	CHECK(strncmp(nvmu_last_error(), "'xyz' is not a PCI address", 26) == 0);
}

RUN_TESTS(T(full_and_short_forms_normalise_to_lowercase), T(malformed_addresses_are_rejected_with_a_hint))
