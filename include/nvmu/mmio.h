/* SPDX-License-Identifier: MIT */
/**
 * @file mmio.h
 * @brief Barriers and MMIO accessors for device registers (inline, hot-path safe).
 */
#ifndef NVMU_MMIO_H
#define NVMU_MMIO_H

#include <stdint.h>

/** Order earlier stores to memory before later stores (e.g. SQE before doorbell). */
#define nvmu_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
/** Order earlier loads before later loads (e.g. CQE phase before CQE body). */
#define nvmu_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
/** Order all earlier loads and stores before all later ones. */
#define nvmu_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)

/**
 * Tell the CPU the thread is spinning on memory another agent writes (a poll that found
 * no completion): PAUSE on x86, YIELD on arm64. A spin without it keeps reloading the
 * line the device writes and competes with it (and with a hyperthread sibling). Costs
 * tens of cycles, so call it only after a poll that found nothing. Under QEMU's TCG a
 * PAUSE leaves translated code and takes QEMU's global lock, which the emulated
 * controller holds while it works: `nvmu perf`'s own spin does without it
 * (docs/bench.md).
 */
static inline void nvmu_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#endif
}

/** Read a 32-bit device register. */
static inline uint32_t nvmu_mmio_read32(const volatile void *addr)
{
	return *(const volatile uint32_t *)addr;
}

/** Write a 32-bit device register. */
static inline void nvmu_mmio_write32(volatile void *addr, uint32_t val)
{
	*(volatile uint32_t *)addr = val;
}

/** Read a 64-bit register as two 32-bit reads, low half first (as NVMe allows). */
static inline uint64_t nvmu_mmio_read64(const volatile void *addr)
{
	const volatile uint32_t *p = (const volatile uint32_t *)addr;
	uint64_t lo = p[0];
	uint64_t hi = p[1];
	return lo | (hi << 32);
}

/** Write a 64-bit register as two 32-bit writes, low half first. */
static inline void nvmu_mmio_write64(volatile void *addr, uint64_t val)
{
	volatile uint32_t *p = (volatile uint32_t *)addr;
	p[0] = (uint32_t)val;
	p[1] = (uint32_t)(val >> 32);
}

#endif
