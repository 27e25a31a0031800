/* SPDX-License-Identifier: MIT */
/* CRC32C for the header and data digests, through Intel ISA-L. */
#include <isa-l/crc.h>
#include <limits.h>

#include "tcp.h"

uint32_t tcp_crc(uint32_t crc, const void *p, size_t len)
{
	/* crc32_iscsi() takes an int length: feed it in pieces that fit */
	while (len) {
		int n = len > INT_MAX ? INT_MAX : (int)len;

		crc = crc32_iscsi((unsigned char *)(uintptr_t)p, n, crc);
		p = (const unsigned char *)p + n;
		len -= (size_t)n;
	}
	return crc;
}
