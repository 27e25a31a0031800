/* SPDX-License-Identifier: MIT */
/* Completion status fields and their text. */
#include "check.h"
#include "nvmu/nvme.h"

static uint16_t status(unsigned sct, unsigned sc)
{
	return (uint16_t)(NVME_SET(sct, SCT) | NVME_SET(sc, SC));
}

TEST(fields_of_a_status)
{
	uint16_t s = status(NVME_SCT_CMD_SPECIFIC, NVME_SC_QID_INVALID) | NVME_SC_DNR;
	struct nvmu_cqe cqe = { .status = (uint16_t)(s << 1 | 1) };

	CHECK_EQ(nvmu_cqe_status(&cqe), s);
	CHECK_EQ(nvmu_status_sct(s), 1);
	CHECK_EQ(nvmu_status_sc(s), 1);
	CHECK(nvmu_status_dnr(s));
	CHECK(!nvmu_status_more(s));
	CHECK_EQ(nvmu_status_crd(s | 0x1000), 2);
}

TEST(text_names_codes_and_flags)
{
	char buf[NVMU_STATUS_TEXT_MAX];

	CHECK(strcmp(nvmu_status_text(status(0, 2) | NVME_SC_DNR, buf, sizeof(buf)),
		     "INVALID_FIELD (sct 0 sc 0x2) dnr") == 0);
	CHECK(strcmp(nvmu_status_text(0, buf, sizeof(buf)), "SUCCESS (sct 0 sc 0x0)") == 0);
	CHECK(strcmp(nvmu_status_text(status(2, 0x81) | NVME_SC_MORE | 0x800, buf, sizeof(buf)),
		     "READ_ERROR (sct 2 sc 0x81) more crd 1") == 0);
	CHECK(strcmp(nvmu_status_name(status(1, 0x0e)), "FEATURE_NOT_CHANGEABLE") == 0);
	CHECK(strcmp(nvmu_status_name(status(0, 0x0c)), "CMD_SEQ_ERROR") == 0);
	CHECK(strcmp(nvmu_status_name(status(7, 0x10)), "VENDOR_SPECIFIC") == 0);
	CHECK(strcmp(nvmu_status_name(status(0, 0x7f)), "UNKNOWN") == 0);
	CHECK(strcmp(nvmu_status_name(status(3, 0x71)), "CMD_ABORTED_BY_HOST") == 0);
}

TEST(text_truncates_safely)
{
	char small[8];

	nvmu_status_text(status(0, 2) | NVME_SC_DNR | 0x1800, small, sizeof(small));
	CHECK_EQ(strlen(small), 7);
	CHECK(nvmu_status_text(0, small, 0) == small);
}

RUN_TESTS(T(fields_of_a_status), T(text_names_codes_and_flags), T(text_truncates_safely))
