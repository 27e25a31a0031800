/* SPDX-License-Identifier: MIT */
/* The installed interface: only <nvmu/nvmu.h>, linked against the shared library, so a
 * function missing from the exported symbols or a header that does not stand alone fails. */
#include <errno.h>
#include <nvmu/nvmu.h>

#include "check.h"

TEST(umbrella_header_and_exported_symbols)
{
	char addr[NVMU_PCI_ADDR_LEN];

	CHECK_EQ(nvmu_pci_parse_addr("00:1F.7", addr), 0);
	CHECK(strcmp(addr, "0000:00:1f.7") == 0);
	CHECK_EQ(nvmu_pci_parse_addr("nvme0", addr), -EINVAL);
	CHECK_STR_CONTAINS(nvmu_last_error(), "'nvme0' is not a PCI address");
	CHECK(nvmu_page_size() >= 4096);
	CHECK(nvmu_iommu_create != NULL && nvmu_vfio_open != NULL && nvmu_iommu_open_vfio != NULL);
	CHECK(nvmu_vfio_query_info != NULL && nvmu_vfio_find_cap != NULL);
}

RUN_TESTS(T(umbrella_header_and_exported_symbols))
