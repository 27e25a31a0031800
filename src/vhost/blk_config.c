/* SPDX-License-Identifier: MIT */
/*
 * What the virtio-blk device offers (feature bits) and shows (its config space, virtio
 * 1.x section 5.2.4), derived from the namespace and the controller: the block size is
 * the LBA size, discard and write zeroes are offered when the controller has Dataset
 * Management and Write Zeroes, and their limits are what one command carries.
 */
#include <endian.h>
#include <stdio.h>
#include <string.h>

#include "vhost_internal.h"

#define F_SIZE_MAX 1
#define F_SEG_MAX 2
#define F_RO 5
#define F_BLK_SIZE 6
#define F_FLUSH 9
#define F_TOPOLOGY 10
#define F_CONFIG_WCE 11
#define F_MQ 12
#define F_DISCARD 13
#define F_WRITE_ZEROES 14
#define F_INDIRECT_DESC 28
#define F_EVENT_IDX 29
#define F_PROTOCOL_FEATURES 30
#define F_VERSION_1 32

uint64_t vh_blk_features(const struct nvmu_vhost_blk *b)
{
	uint64_t f = 1ull << F_SIZE_MAX | 1ull << F_SEG_MAX | 1ull << F_BLK_SIZE |
		     1ull << F_FLUSH | 1ull << F_TOPOLOGY | 1ull << F_CONFIG_WCE | 1ull << F_MQ |
		     1ull << F_INDIRECT_DESC | 1ull << F_EVENT_IDX |
		     1ull << F_PROTOCOL_FEATURES | 1ull << F_VERSION_1;

	if (b->opts.read_only)
		f |= 1ull << F_RO;
	if (b->geo.discard)
		f |= 1ull << F_DISCARD;
	if (b->geo.write_zeroes)
		f |= 1ull << F_WRITE_ZEROES;
	return f;
}

static void put16(uint8_t *cfg, unsigned off, uint16_t v)
{
	v = htole16(v);
	memcpy(cfg + off, &v, 2);
}

static void put32(uint8_t *cfg, unsigned off, uint32_t v)
{
	v = htole32(v);
	memcpy(cfg + off, &v, 4);
}

static void put64(uint8_t *cfg, unsigned off, uint64_t v)
{
	v = htole64(v);
	memcpy(cfg + off, &v, 8);
}

void vh_blk_config(const struct nvmu_vhost_blk *b, uint8_t cfg[VH_CONFIG_SIZE])
{
	/* A discard or write-zeroes range of the guest becomes one NVMe range of at most
	 * 2^32-1 blocks (Write Zeroes: 65536, which the host splits); in sectors. */
	uint64_t range_blocks = UINT32_MAX;
	uint64_t sectors_per_block = b->geo.lba_size >> 9;
	uint64_t max_sectors = range_blocks * sectors_per_block;

	if (max_sectors > UINT32_MAX)
		max_sectors = UINT32_MAX & ~(sectors_per_block - 1);
	memset(cfg, 0, VH_CONFIG_SIZE);
	put64(cfg, 0, (b->geo.blocks << b->lba_shift) >> 9); /* capacity in sectors */
	put32(cfg, 8, VH_SIZE_MAX);
	put32(cfg, 12, VH_SEG_MAX);
	put32(cfg, 20, b->geo.lba_size);
	cfg[24] = 0;  /* physical_block_exp: one logical block per physical block */
	cfg[25] = 0;  /* alignment_offset */
	put16(cfg, 26, 1);  /* min_io_size, in logical blocks */
	put32(cfg, 28, 0);  /* opt_io_size: none known */
	cfg[32] = b->writeback;
	put16(cfg, 34, (uint16_t)b->opts.queues);
	put32(cfg, 36, (uint32_t)max_sectors);        /* max_discard_sectors */
	put32(cfg, 40, VH_MAX_DISCARD_SEG);           /* max_discard_seg */
	put32(cfg, 44, (uint32_t)sectors_per_block);  /* discard_sector_alignment */
	put32(cfg, 48, (uint32_t)max_sectors);        /* max_write_zeroes_sectors */
	put32(cfg, 52, 1);                            /* max_write_zeroes_seg */
	cfg[56] = 1;                                  /* write_zeroes_may_unmap */
}

void vh_blk_default_serial(struct nvmu_vhost_blk *b)
{
	const struct nvme_id_ctrl *id = nvmu_host_id(b->h);
	char sn[sizeof(id->sn) + 1], text[64];
	size_t n = sizeof(id->sn);

	memcpy(sn, id->sn, sizeof(id->sn));
	while (n && (sn[n - 1] == ' ' || sn[n - 1] == '\0'))
		n--;
	sn[n] = '\0';
	/* The serial and the NSID, cut to the 20 bytes the guest reads. */
	snprintf(text, sizeof(text), "%s-%u", sn, b->geo.nsid);
	memset(b->serial, 0, sizeof(b->serial));
	memcpy(b->serial, text, strnlen(text, VH_SERIAL_LEN));
}
