/* SPDX-License-Identifier: MIT */
/* A minimal test harness: TEST() functions, CHECK macros, TAP output, exit status. */
#ifndef NVMU_TEST_CHECK_H
#define NVMU_TEST_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One count for the whole program, also when its tests are spread over several files
 * (each includes this header: the weak definitions are one variable). */
__attribute__((weak)) int check_failures;

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
			check_failures++;                                                  \
		}                                                                          \
	} while (0)

#define CHECK_EQ(a, b)                                                                     \
	do {                                                                               \
		long long check_a_ = (long long)(a), check_b_ = (long long)(b);            \
		if (check_a_ != check_b_) {                                                \
			fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld (0x%llx != 0x%llx)\n", \
				__FILE__, __LINE__, #a, #b, check_a_, check_b_,            \
				(unsigned long long)check_a_, (unsigned long long)check_b_); \
			check_failures++;                                                  \
		}                                                                          \
	} while (0)

#define CHECK_STR_CONTAINS(hay, needle)                                                    \
	do {                                                                               \
		const char *check_h_ = (hay);                                              \
		if (!check_h_ || !strstr(check_h_, (needle))) {                            \
			fprintf(stderr, "%s:%d: '%s' does not contain '%s'\n", __FILE__, __LINE__, \
				check_h_ ? check_h_ : "(null)", (needle));                 \
			check_failures++;                                                  \
		}                                                                          \
	} while (0)

struct check_test {
	const char *name;
	void (*fn)(void);
};

#define TEST(name) static void name(void)

/* Run each test, print one TAP line per test, return the process exit status. */
static inline int check_run(const struct check_test *tests, size_t n)
{
	int failed = 0;

	printf("1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		int before = check_failures;

		tests[i].fn();
		if (check_failures != before)
			failed++;
		printf("%s %zu - %s\n", check_failures != before ? "not ok" : "ok", i + 1, tests[i].name);
	}
	fflush(stdout);
	return failed ? 1 : 0;
}

#define RUN_TESTS(...)                                                                     \
	int main(void)                                                                     \
	{                                                                                  \
		static const struct check_test tests_[] = { __VA_ARGS__ };                 \
		return check_run(tests_, sizeof(tests_) / sizeof(tests_[0]));              \
	}
#define T(fn) { #fn, fn }

#endif
