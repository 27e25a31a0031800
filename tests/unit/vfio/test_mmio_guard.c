/* SPDX-License-Identifier: MIT */
/* Unit tests for the MMIO guard: a mapping that loses its backing (SIGBUS) reads all-ones
 * and flags its owner; SIGBUS elsewhere still reaches the handler that was there before. */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "vfio/mmio_guard.h"

/* A two-page shared file mapping whose file is then truncated: touching it raises SIGBUS,
 * the way a revoked BAR mapping does. */
static volatile uint32_t *doomed_mapping(size_t *size)
{
	char path[] = "/tmp/nvmu-guard-XXXXXX";
	int fd = mkstemp(path);
	void *p;

	*size = 2 * (size_t)sysconf(_SC_PAGESIZE);
	unlink(path);
	if (fd < 0 || ftruncate(fd, (off_t)*size) < 0)
		return NULL;
	p = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	((volatile uint32_t *)p)[0] = 0x12345678;
	if (ftruncate(fd, 0) < 0)
		return NULL;
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

TEST(guarded_range_reads_all_ones_after_sigbus)
{
	volatile sig_atomic_t lost = 0;
	size_t size;
	volatile uint32_t *reg = doomed_mapping(&size);

	CHECK(reg != NULL);
	if (!reg)
		return;
	CHECK_EQ(nvmu_mmio_guard_add((void *)reg, size, &lost), 0);
	CHECK_EQ(reg[1], 0xffffffff); /* would be SIGBUS without the guard */
	CHECK_EQ(lost, 1);
	CHECK_EQ(reg[(size / 4) - 1], 0xffffffff); /* the whole range was replaced */
	reg[0] = 1;                                  /* writes land harmlessly */
	nvmu_mmio_guard_remove((void *)reg);
	munmap((void *)reg, size);
}

static sigjmp_buf escape;
static volatile sig_atomic_t previous_called;

static void previous_handler(int sig)
{
	(void)sig;
	previous_called = 1;
	siglongjmp(escape, 1);
}

TEST(unguarded_sigbus_reaches_the_previous_handler)
{
	struct sigaction sa = { .sa_handler = previous_handler };
	volatile sig_atomic_t lost = 0;
	size_t size, size2;
	volatile uint32_t *guarded, *other;

	/* Install "the application's" handler, then let the guard install itself over it. */
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NODEFER;
	signal(SIGBUS, SIG_DFL);
	sigaction(SIGBUS, &sa, NULL);
	guarded = doomed_mapping(&size);
	other = doomed_mapping(&size2);
	CHECK(guarded && other);
	if (!guarded || !other)
		return;
	/* The guard installs its handler on its first use, here, over the one above. */
	CHECK_EQ(nvmu_mmio_guard_add((void *)guarded, size, &lost), 0);
	if (sigsetjmp(escape, 1) == 0)
		(void)other[1];
	CHECK_EQ(previous_called, 1);
	CHECK_EQ(lost, 0);
	nvmu_mmio_guard_remove((void *)guarded);
	munmap((void *)guarded, size);
	munmap((void *)other, size2);
}

RUN_TESTS(T(unguarded_sigbus_reaches_the_previous_handler), T(guarded_range_reads_all_ones_after_sigbus))
