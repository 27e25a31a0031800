/* SPDX-License-Identifier: MIT */
/* VF tokens: random version-4 UUIDs, and the check of a token's form. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "nvmu/sriov.h"

int nvmu_sriov_new_token(char out[NVMU_SRIOV_TOKEN_LEN])
{
	uint8_t b[16];
	size_t got = 0;

	while (got < sizeof(b)) {
		ssize_t n = getrandom(b + got, sizeof(b) - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return nvmu_fail(errno, "getrandom: %s", strerror(errno));
		got += (size_t)n;
	}
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); /* version 4: random */
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	snprintf(out, NVMU_SRIOV_TOKEN_LEN,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
		 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
		 b[15]);
	return 0;
}

bool nvmu_sriov_token_valid(const char *text)
{
	if (!text || strlen(text) != NVMU_SRIOV_TOKEN_LEN - 1)
		return false;
	for (int i = 0; i < NVMU_SRIOV_TOKEN_LEN - 1; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? text[i] != '-' : !isxdigit((unsigned char)text[i]))
			return false;
	}
	return true;
}
