/* SPDX-License-Identifier: MIT */
/*
 * Saying that a controller does not support a command, rather than printing a bare
 * "Invalid Command Opcode": the message names the command and the Identify Controller
 * field that advertises it (OACS, ONCS, LPA, SANICAP), with the status the device gave.
 */
#ifndef NVMU_TOOL_UNSUPPORTED_H
#define NVMU_TOOL_UNSUPPORTED_H

#include <errno.h>
#include <stdbool.h>

#include "nvmu/nvme.h"

/* A command and where Identify Controller advertises it. */
struct capability {
	const char *what;  /* "Device Self-test", "the Sanitize Status log page" */
	const char *field; /* "OACS bit 4" */
	bool present;      /* the bit as the controller reports it */
};

/*
 * The message for a command that failed with @p ret (a negative errno from the library;
 * *cpl the completion when ret is -EREMOTEIO). When the device answered Invalid Command
 * Opcode, Invalid Log Page, or - with the capability bit clear - Invalid Field in Command,
 * prints "nvmu <verb>: <dev> does not support <what> (Identify Controller <field> is 0;
 * the device answered: <status>)" (or, with the bit set, "... (the device answered:
 * <status>, although Identify Controller <field> is 1)"); otherwise the library's message
 * (which for -ENOTSUP already says what is not supported). Returns EXIT_FAILED.
 */
int unsupported_fail(const char *verb, const char *dev, const struct capability *cap, int ret,
		     const struct nvmu_cpl *cpl);

/*
 * Before sending: when the capability is absent, print "nvmu <verb>: <dev> does not
 * support <what> (Identify Controller <field> is 0)" and return EXIT_FAILED; else 0.
 */
int unsupported_check(const char *verb, const char *dev, const struct capability *cap);

#endif
