/* SPDX-License-Identifier: MIT */
/**
 * @file support.h
 * @brief Support layer: version, errors with messages, logging sink, deadlines, page-aligned
 *        memory.
 *
 * Every nvmu function that can fail returns 0 or a negative errno. When it fails it also
 * leaves a human-readable message for the calling thread, which says what went wrong and,
 * where there is one, what to do about it: read it with nvmu_last_error().
 */
#ifndef NVMU_SUPPORT_H
#define NVMU_SUPPORT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define NVMU_API __attribute__((visibility("default")))
#define NVMU_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define NVMU_API
#define NVMU_PRINTF(f, a)
#endif

/* A compile-time check in a public header, which C and C++ spell differently. */
#ifdef __cplusplus
#define NVMU_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define NVMU_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

/* ---- version --------------------------------------------------------------------- */

/*
 * The version of these headers. meson.build's project version is the same number (a unit
 * test checks it): change both together.
 */
#define NVMU_VERSION_MAJOR 0
#define NVMU_VERSION_MINOR 1
#define NVMU_VERSION_PATCH 0

#define NVMU_STRINGIFY_(x) #x
#define NVMU_STRINGIFY(x) NVMU_STRINGIFY_(x)
/** "MAJOR.MINOR.PATCH" of these headers, e.g. "0.1.0". */
#define NVMU_VERSION_STRING                                                                \
	NVMU_STRINGIFY(NVMU_VERSION_MAJOR) "." NVMU_STRINGIFY(NVMU_VERSION_MINOR) "."      \
	NVMU_STRINGIFY(NVMU_VERSION_PATCH)

/**
 * Returns the library's version, "MAJOR.MINOR.PATCH": NVMU_VERSION_STRING of the headers
 * it was built with, which a program linked with a shared library of another build can
 * compare with its own NVMU_VERSION_STRING.
 */
NVMU_API const char *nvmu_version(void);

/* ---- options structures ---------------------------------------------------------- */

/*
 * Every options structure of the library starts with `size_t opts_size`: the size of the
 * structure the program was built with (sizeof). The library reads only the first
 * opts_size bytes and gives every later field its default, so that a field added in a
 * later version never reads past an older program's structure. 0 - what a
 * zero-initialised structure has - means the structure's first version: programs that
 * leave it 0 keep today's behaviour. Set it to use a field added after the first
 * version.
 */

/* ---- errors ---------------------------------------------------------------------- */

/**
 * Returns the message of the last failure on this thread, or "" if there was none. The
 * string stays valid until the next failure on the same thread.
 */
NVMU_API const char *nvmu_last_error(void);

/**
 * Record a failure message for this thread (and log it at debug level).
 * Returns -err, so a caller can write `return nvmu_fail(ENODEV, "...")`.
 */
NVMU_API int nvmu_fail(int err, const char *fmt, ...) NVMU_PRINTF(2, 3);

/**
 * Prefix this thread's current failure message with more context (or, if there is none,
 * with strerror(@p err)). Returns -err, like nvmu_fail().
 */
NVMU_API int nvmu_fail_context(int err, const char *fmt, ...) NVMU_PRINTF(2, 3);

/** Forget the last failure message of this thread. */
NVMU_API void nvmu_clear_error(void);

/* ---- logging --------------------------------------------------------------------- */

enum nvmu_log_level {
	NVMU_LOG_ERROR = 0,
	NVMU_LOG_WARN = 1,
	NVMU_LOG_INFO = 2,
	NVMU_LOG_DEBUG = 3,
};

/** A log sink receives one formatted message (no trailing newline). */
typedef void (*nvmu_log_fn)(void *ctx, enum nvmu_log_level level, const char *msg);

/**
 * Route the library's log messages to @p fn (NULL restores the default sink, which writes
 * to stderr). The library never writes to stdout.
 */
NVMU_API void nvmu_log_set_sink(nvmu_log_fn fn, void *ctx);

/** Messages above @p level are dropped (default NVMU_LOG_WARN, or $NVMU_LOG_LEVEL 0-3). */
NVMU_API void nvmu_log_set_level(enum nvmu_log_level level);

/** Format one message and pass it to the sink, unless its level is above the one set. */
NVMU_API void nvmu_log(enum nvmu_log_level level, const char *fmt, ...) NVMU_PRINTF(2, 3);

/* ---- numbers --------------------------------------------------------------------- */

/**
 * Parse @p text as an unsigned number the way nvmu's options and device strings take
 * them: decimal (leading zeros allowed: "010" is ten, never octal) or hexadecimal after
 * "0x", digits only (no sign, no blanks), and, when @p units, an optional binary unit k,
 * m, g or t (either case) that multiplies it by 2^10, 2^20, 2^30 or 2^40. Returns 0 and
 * sets *out; -EINVAL (not such a number) or -ERANGE (more than 64 bits), with a message,
 * and *out unchanged.
 */
NVMU_API int nvmu_parse_u64(const char *text, bool units, uint64_t *out);

/* ---- time and deadlines ---------------------------------------------------------- */

/**
 * Returns the monotonic time in nanoseconds. CLOCK_MONOTONIC is served by the vDSO, so this
 * makes no system call.
 */
NVMU_API uint64_t nvmu_now_ns(void);

/** Returns the deadline @p ms milliseconds from now, in nvmu_now_ns() units. */
NVMU_API uint64_t nvmu_deadline_ms(uint64_t ms);

/** True once nvmu_now_ns() has reached @p deadline. */
NVMU_API bool nvmu_deadline_passed(uint64_t deadline);

/**
 * A cheap, monotonic tick count for hot paths: the CPU's time-stamp counter on x86
 * (rdtsc: one instruction, never a system call), nanoseconds of CLOCK_MONOTONIC
 * elsewhere. Its rate is not fixed: calibrate it against nvmu_now_ns().
 */
static inline uint64_t nvmu_ticks(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return __builtin_ia32_rdtsc();
#else
	return nvmu_now_ns();
#endif
}

/**
 * Sleep for @p us microseconds, resuming after signals. It makes a system call, so it is
 * not for hot paths.
 */
NVMU_API void nvmu_sleep_us(uint64_t us);

/* ---- page-aligned memory --------------------------------------------------------- */

/** Returns the host's base page size in bytes, asked of the kernel once. */
NVMU_API size_t nvmu_page_size(void);

enum nvmu_mem_flags {
	/** Back the memory with hugetlbfs pages; the allocation fails if none are reserved. */
	NVMU_MEM_HUGEPAGE = 1u << 0,
};

/**
 * Allocate @p len bytes (rounded up to the page size, or to 2 MiB for hugepages) of
 * zeroed, page-aligned anonymous memory. Returns 0 and sets *out; -EINVAL for 0 bytes, or
 * the negative errno of mmap() (-ENOMEM, typically) when the memory cannot be had.
 */
NVMU_API int nvmu_mem_alloc(size_t len, unsigned flags, void **out);

/**
 * Release memory from nvmu_mem_alloc(). Pass the @p len and @p flags given to it, since
 * they decide how much is unmapped. NULL is ignored.
 */
NVMU_API void nvmu_mem_free(void *ptr, size_t len, unsigned flags);

/** Round @p v up to a multiple of @p align (a power of two). */
static inline uint64_t nvmu_align_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) & ~(align - 1);
}

#ifdef __cplusplus
}
#endif
#endif
