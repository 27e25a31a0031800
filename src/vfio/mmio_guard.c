/* SPDX-License-Identifier: MIT */
/* The MMIO guard: survive SIGBUS on dead BAR mappings (see mmio_guard.h). */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "nvmu/support.h"
#include "vfio/mmio_guard.h"

#define MAX_GUARDED 64

struct guarded_range {
	uintptr_t start; /* 0 marks a free slot */
	size_t size;
	volatile sig_atomic_t *lost;
};

static struct guarded_range ranges[MAX_GUARDED];
static pthread_mutex_t ranges_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sigaction previous;
static int installed;

/* Replace the dead BAR mapping that holds @p addr by all-ones memory. It only calls mmap
 * and memset, which is async-signal-safe enough for a fault handler. Returns 1 if @p addr
 * lay in a guarded range, else 0. */
static int rescue(uintptr_t addr)
{
	for (int i = 0; i < MAX_GUARDED; i++) {
		uintptr_t start = __atomic_load_n(&ranges[i].start, __ATOMIC_ACQUIRE);

		if (!start || addr < start || addr - start >= ranges[i].size)
			continue;
		void *p = mmap((void *)start, ranges[i].size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (p == MAP_FAILED)
			return 0;
		memset(p, 0xff, ranges[i].size);
		*ranges[i].lost = 1;
		return 1;
	}
	return 0;
}

static void on_sigbus(int sig, siginfo_t *info, void *ctx)
{
	int saved = errno;

	if (rescue((uintptr_t)info->si_addr)) {
		errno = saved;
		/* The faulting access runs again and now reads all-ones. */
		return;
	}
	errno = saved;
	if (previous.sa_flags & SA_SIGINFO && previous.sa_sigaction) {
		previous.sa_sigaction(sig, info, ctx);
	} else if (previous.sa_handler != SIG_IGN && previous.sa_handler != SIG_DFL &&
		   previous.sa_handler) {
		previous.sa_handler(sig);
	} else {
		/* Not ours and nobody else's: let the default action happen on return. */
		signal(SIGBUS, SIG_DFL);
	}
}

static int install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, &previous) < 0)
		return nvmu_fail(errno, "cannot install the SIGBUS handler that guards device "
				 "memory: %s", strerror(errno));
	installed = 1;
	return 0;
}

int nvmu_mmio_guard_add(void *base, size_t size, volatile sig_atomic_t *lost)
{
	int ret = 0;

	pthread_mutex_lock(&ranges_lock);
	if (!installed)
		ret = install();
	for (int i = 0; ret == 0 && i < MAX_GUARDED; i++) {
		if (ranges[i].start)
			continue;
		ranges[i].size = size;
		ranges[i].lost = lost;
		__atomic_store_n(&ranges[i].start, (uintptr_t)base, __ATOMIC_RELEASE);
		pthread_mutex_unlock(&ranges_lock);
		return 0;
	}
	pthread_mutex_unlock(&ranges_lock);
	return ret ? ret : nvmu_fail(ENOSPC, "at most %d device memory ranges can be guarded",
				     MAX_GUARDED);
}

void nvmu_mmio_guard_remove(void *base)
{
	pthread_mutex_lock(&ranges_lock);
	for (int i = 0; i < MAX_GUARDED; i++)
		if (ranges[i].start == (uintptr_t)base)
			__atomic_store_n(&ranges[i].start, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&ranges_lock);
}
