/* SPDX-License-Identifier: MIT */
/*
 * Reads and writes of a file= namespace through the host API: the data lands in the file
 * (read back with pread, not through the controller), what the file holds is what a read
 * returns, from memory the application mapped itself (iommu=1) as from the controller's
 * own DMA buffers; pieces O_DIRECT cannot take (not aligned) and many commands in flight
 * at once are served alike; Flush succeeds; a reset and the close wait for what is in
 * flight.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "nvmu/host.h"

#define LBA 512
#define BIG (64 * 1024)
#define DEPTH 32

static char path[64];
static const struct nvmu_host_opts opts = { .no_aer = true };

static void fill(uint8_t *p, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + seed + (i >> 9));
}

/* @len bytes of the file at byte @off equal @want. */
static bool file_holds(uint64_t off, const void *want, size_t len)
{
	uint8_t *got = malloc(len);
	int fd = open(path, O_RDONLY);
	bool same = got && fd >= 0 && pread(fd, got, len, (off_t)off) == (ssize_t)len &&
		    memcmp(got, want, len) == 0;

	if (fd >= 0)
		close(fd);
	free(got);
	return same;
}

static struct nvmu_host_ctrl *attach(const char *extra)
{
	struct nvmu_host_ctrl *h = NULL;
	char dev[160];

	snprintf(dev, sizeof(dev), "soft:size=4M,file=%s%s", path, extra);
	CHECK_EQ(nvmu_host_attach(dev, &opts, &h), 0);
	return h;
}

TEST(mapped_memory_goes_to_the_file_and_back)
{
	struct nvmu_host_ctrl *h = attach(",iommu=1");
	struct nvmu_host_qpair *qp = NULL;
	uint8_t *buf = aligned_alloc(4096, BIG), *back = aligned_alloc(4096, BIG);
	struct nvmu_dma_buf piece = { .vaddr = buf, .len = BIG };
	struct nvmu_ns *ns;

	if (!h || !buf || !back)
		return;
	ns = nvmu_host_ns(h, 0);
	CHECK_EQ(nvmu_host_qpair_create(h, NULL, &qp), 0);
	CHECK_EQ(nvmu_host_dma_map(h, buf, BIG), 0);
	CHECK_EQ(nvmu_host_dma_map(h, back, BIG), 0);
	CHECK_EQ(nvmu_host_dma_iova(h, buf, BIG, &piece.iova), 0);
	CHECK(piece.iova != 0);
	fill(buf, BIG, 1);
	CHECK_EQ(nvmu_ns_write_sync(qp, ns, 16, &piece, 1, 0, 0, NULL), 0);
	CHECK(file_holds(16 * LBA, buf, BIG)); /* O_DIRECT: on the file, not in our cache */
	/* What another writer put into the file is what a read returns. */
	int fd = open(path, O_WRONLY);

	fill(back, BIG, 9);
	CHECK(fd >= 0 && pwrite(fd, back, BIG, 256 * LBA) == BIG);
	if (fd >= 0)
		close(fd);
	memset(buf, 0, BIG);
	CHECK_EQ(nvmu_ns_read_sync(qp, ns, 256, &piece, 1, 0, 0, NULL), 0);
	CHECK(memcmp(buf, back, BIG) == 0);
	/* FUA and Flush. */
	fill(buf, BIG, 3);
	CHECK_EQ(nvmu_ns_write_sync(qp, ns, 1024, &piece, 1, NVMU_IO_FUA, 0, NULL), 0);
	CHECK(file_holds(1024 * LBA, buf, BIG));
	CHECK_EQ(nvmu_ns_flush_sync(qp, ns, 0, NULL), 0);
	CHECK_EQ(nvmu_host_qpair_delete(qp), 0);
	CHECK_EQ(nvmu_host_dma_unmap(h, buf), 0);
	CHECK_EQ(nvmu_host_dma_unmap(h, back), 0);
	CHECK_EQ(nvmu_host_detach(h), 0);
	free(buf);
	free(back);
}

/* Pieces at 8-byte offsets in memory: not what O_DIRECT takes, so through the page cache,
 * with the same result. */
TEST(unaligned_pieces_through_the_page_cache)
{
	struct nvmu_host_ctrl *h = attach("");
	struct nvmu_host_qpair *qp = NULL;
	struct nvmu_dma_buf dma = { 0 };
	struct nvmu_ns *ns;

	if (!h)
		return;
	ns = nvmu_host_ns(h, 0);
	CHECK_EQ(nvmu_host_qpair_create(h, NULL, &qp), 0);
	CHECK_EQ(nvmu_host_dma_alloc(h, 2 * 4096, &dma), 0);
	struct nvmu_dma_buf piece = { (uint8_t *)dma.vaddr + 8, dma.iova + 8, 4096 };

	fill(piece.vaddr, 4096, 5);
	CHECK_EQ(nvmu_ns_write_sync(qp, ns, 40, &piece, 1, 0, 0, NULL), 0);
	CHECK(file_holds(40 * LBA, piece.vaddr, 4096));
	memset(dma.vaddr, 0, 2 * 4096);
	CHECK_EQ(nvmu_ns_read_sync(qp, ns, 40, &piece, 1, 0, 0, NULL), 0);
	CHECK(file_holds(40 * LBA, piece.vaddr, 4096));
	nvmu_host_dma_free(h, &dma);
	CHECK_EQ(nvmu_host_qpair_delete(qp), 0);
	CHECK_EQ(nvmu_host_detach(h), 0);
}

struct done {
	unsigned n, errors;
};

static void count(void *arg, const struct nvmu_cpl *cpl)
{
	struct done *d = arg;

	d->n++;
	d->errors += cpl->err != 0;
}

/* DEPTH writes in flight at once, then DEPTH reads of them; then a reset with writes in
 * flight, and the close with more: nothing is lost or completes twice, and the writes
 * acknowledged are on the file. */
TEST(many_in_flight_and_a_reset)
{
	struct nvmu_host_ctrl *h = attach(",iommu=1");
	struct nvmu_host_qpair *qp = NULL;
	uint8_t *mem = aligned_alloc(4096, DEPTH * 4096);
	struct nvmu_dma_buf piece[DEPTH];
	struct done d = { 0 };
	struct nvmu_ns *ns;

	if (!h || !mem)
		return;
	ns = nvmu_host_ns(h, 0);
	CHECK_EQ(nvmu_host_qpair_create(h, NULL, &qp), 0);
	CHECK_EQ(nvmu_host_dma_map(h, mem, DEPTH * 4096), 0);
	for (unsigned i = 0; i < DEPTH; i++) {
		piece[i] = (struct nvmu_dma_buf){ mem + i * 4096, 0, 4096 };
		CHECK_EQ(nvmu_host_dma_iova(h, piece[i].vaddr, 4096, &piece[i].iova), 0);
		fill(piece[i].vaddr, 4096, 100 + i);
		CHECK_EQ(nvmu_ns_write(qp, ns, 8 * (i * 3), &piece[i], 1, 0, count, &d), 0);
	}
	for (int spins = 0; d.n < DEPTH && spins < 10000000; spins++)
		nvmu_host_qpair_poll(qp, 0);
	CHECK_EQ(d.n, DEPTH);
	CHECK_EQ(d.errors, 0);
	for (unsigned i = 0; i < DEPTH; i++)
		CHECK(file_holds(8 * (i * 3) * LBA, piece[i].vaddr, 4096));
	memset(mem, 0, DEPTH * 4096);
	d = (struct done){ 0 };
	for (unsigned i = 0; i < DEPTH; i++)
		CHECK_EQ(nvmu_ns_read(qp, ns, 8 * (i * 3), &piece[i], 1, 0, count, &d), 0);
	for (int spins = 0; d.n < DEPTH && spins < 10000000; spins++)
		nvmu_host_qpair_poll(qp, 0);
	CHECK_EQ(d.n, DEPTH);
	for (unsigned i = 0; i < DEPTH; i++)
		CHECK(file_holds(8 * (i * 3) * LBA, piece[i].vaddr, 4096));
	/* A reset under writes in flight: each completes once (done, or reposted). */
	d = (struct done){ 0 };
	for (unsigned i = 0; i < DEPTH; i++)
		CHECK_EQ(nvmu_ns_write(qp, ns, 2000 + 8 * i, &piece[i], 1, 0, count, &d), 0);
	nvmu_host_qpair_kick(qp);
	CHECK_EQ(nvmu_host_reset(h), 0);
	for (int spins = 0; d.n < DEPTH && spins < 10000000; spins++)
		nvmu_host_qpair_poll(qp, 0);
	CHECK_EQ(d.n, DEPTH);
	/* The close with writes in flight waits for them. */
	for (unsigned i = 0; i < DEPTH; i++)
		nvmu_ns_write(qp, ns, 3000 + 8 * i, &piece[i], 1, 0, count, &d);
	nvmu_host_qpair_kick(qp);
	CHECK_EQ(nvmu_host_qpair_delete(qp), 0);
	nvmu_host_dma_unmap(h, mem);
	CHECK_EQ(nvmu_host_detach(h), 0);
	free(mem);
}

int main(void)
{
	static const struct check_test tests[] = {
		T(mapped_memory_goes_to_the_file_and_back), T(unaligned_pieces_through_the_page_cache),
		T(many_in_flight_and_a_reset),
	};
	int ret;

	/* In /var/tmp: on disk (O_DIRECT) on hosts where /tmp is a tmpfs. */
	snprintf(path, sizeof(path), "/var/tmp/nvmu-file-io.%d", (int)getpid());
	ret = check_run(tests, sizeof(tests) / sizeof(tests[0]));
	unlink(path);
	return ret;
}
