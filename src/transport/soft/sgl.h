/* SPDX-License-Identifier: MIT */
/* SGL descriptors (NVMe base specification, "Scatter Gather List"). libnvme's types.h
 * has no structure for them; when the core builds SGLs this belongs in nvme.h. */
#ifndef NVMU_SRC_TRANSPORT_SOFT_SGL_H
#define NVMU_SRC_TRANSPORT_SOFT_SGL_H

#include <stdint.h>

/** A 16-byte SGL descriptor. */
struct soft_sgl_desc {
	uint64_t addr;
	uint32_t len;
	uint8_t rsvd[3];
	uint8_t type; /**< descriptor type in bits 7:4, sub type in bits 3:0 */
};

_Static_assert(sizeof(struct soft_sgl_desc) == 16, "an SGL descriptor is 16 bytes");

/** Descriptor types (bits 7:4 of the type byte). */
enum soft_sgl_type {
	SOFT_SGL_DATA_BLOCK = 0x0,
	SOFT_SGL_BIT_BUCKET = 0x1,
	SOFT_SGL_SEGMENT = 0x2,
	SOFT_SGL_LAST_SEGMENT = 0x3,
};

#define SOFT_SGL_TYPE(t) ((uint8_t)((t) << 4)) /* sub type 0: address */

/** PSDT (bits 7:6 of the command's flags byte): 0 PRP, 1 SGL (MPTR a buffer), 2 SGL. */
#define SOFT_PSDT(flags) (((flags) >> 6) & 3u)
#define SOFT_PSDT_SGL_MPTR_CONTIG 1u
#define SOFT_PSDT_SGL_MPTR_SGL 2u
#define SOFT_PSDT_FLAGS(psdt) ((uint8_t)((psdt) << 6))

#endif
