/* SPDX-License-Identifier: MIT */
/*
 * Opening the <dev> of a verb: any device string of the library's transport registry (a PCI
 * address of a controller bound to vfio-pci, "soft:OPTIONS", a registered "NAME:REST"),
 * attached through the host API (nvmu_host_attach()). Only `reset` opens the bare
 * transport, to reset the PCI function before the controller is brought up.
 */
#ifndef NVMU_TOOL_DEVICE_H
#define NVMU_TOOL_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nvmu/host.h"
#include "nvmu/nvme.h"

/*
 * Help text shared by the verbs that take a <dev>: a mark that device_print_usage()
 * replaces with the device forms of the library's transport registry (nvmu_transport_help()),
 * so the help always lists what the parser accepts.
 */
#define DEVICE_HELP_MARK "@DEVICE_FORMS@\n"
#define DEVICE_HELP DEVICE_HELP_MARK
/* After the forms: what happens to a device the kernel's nvme driver has. */
#define DEVICE_KERNEL_HELP                                                                \
	"A device of the kernel nvme driver (/dev/nvme0, /dev/nvme0n1, /dev/ng0n1) is refused\n" \
	"with the PCI address of its controller, to 'nvmu bind' and use instead.\n"
#define DEVICE_OUTPUT_HELP                                            \
	"  -o, --output-format FORMAT  normal (the default) or json\n" \
	"  -h, --help                  show this help\n"
/* The same for a verb whose result is one NVMe data structure (cli_output_opt()). */
#define DEVICE_OUTPUT_BINARY_HELP                                                   \
	"  -o, --output-format FORMAT  normal (the default), json, or binary (the data\n" \
	"                              structure's bytes as the controller sent them)\n" \
	"  -b, --raw-binary            the same as -o binary\n"                          \
	"  -h, --help                  show this help\n"
/* -H of the verbs that decode bit fields as nvme-cli does. */
#define DEVICE_HUMAN_HELP \
	"  -H, --human-readable        decode the bit fields, as nvme-cli -H\n"
#define DEVICE_EXIT_HELP                                                                  \
	"\nExit status: 0 on success, 1 if the device cannot be opened or the command\n" \
	"failed (its NVMe status is printed in words), 2 on a usage error.\n"

/*
 * The VF token of the devices this command opens (an SR-IOV VF whose PF is held through
 * vfio-pci needs it): --vf-token UUID, or else the environment's NVMU_VF_TOKEN; NULL when
 * neither is given. Every opener below passes it on.
 */
const char *device_vf_token(void);

/*
 * Take "--vf-token UUID" or "--vf-token=UUID" out of a verb's arguments (before any
 * "--"), for device_vf_token(). @p usage is the verb's: a verb without a <dev> refuses
 * the option. Returns 0, or EXIT_USAGE after a message (a token that is not a UUID).
 */
int device_take_vf_token(const char *verb, const char *usage, int *argc, char **argv);

struct tool_dev {
	const char *name;            /* as typed */
	struct nvmu_host_ctrl *host; /* set by device_open() */
	struct nvmu_transport *t;    /* set by device_open_transport() only */
	struct nvmu_ctrl *ctrl;      /* the core controller; NULL until opened/started */
};

/*
 * Attach @p name with the host API (bring-up, Identify, namespaces; no asynchronous
 * events armed). Returns 0, or prints "nvmu <verb>: <why>" (unknown device, bound to the
 * kernel driver, bad soft: option...) and returns EXIT_FAILED.
 */
int device_open(const char *verb, const char *name, struct tool_dev *d);

/*
 * Only the transport (the controller stays as it is), for `reset --flr`; 0 or
 * EXIT_FAILED with a message.
 */
int device_open_transport(const char *verb, const char *name, struct tool_dev *d);

/* Print a verb's @p usage to @p out, with the device forms in place of DEVICE_HELP. */
void device_print_usage(FILE *out, const char *usage);

/* Bring up the controller of a transport opened by device_open_transport(). */
int device_start(const char *verb, struct tool_dev *d);

/* Detach, or shut the controller down (if started) and close the transport. 0 or -errno. */
int device_close(struct tool_dev *d);

/*
 * Run admin command @p cmd with @p len bytes of data in @p data: sent to the controller
 * when @p to_device, else received into @p data. The data goes through DMA memory of the
 * controller's transport. @p timeout_ms 0 is the controller's default. *cpl gets the
 * completion. Returns 0 or a negative errno with a message (-EREMOTEIO: error status).
 */
int device_admin(struct tool_dev *d, struct nvmu_sqe *cmd, void *data, size_t len, bool to_device,
		 uint32_t timeout_ms, struct nvmu_cpl *cpl);

/*
 * Check that @p nsid is an active namespace of a device opened by device_open(). Returns
 * 0, or prints "nvmu <verb>: namespace N does not exist on <dev> (active namespaces: 1,
 * 2)" and returns EXIT_FAILED.
 */
int device_check_ns(const char *verb, struct tool_dev *d, uint32_t nsid);

/* device_check_ns(), and *ns set to the namespace. */
int device_ns(const char *verb, struct tool_dev *d, uint32_t nsid, struct nvmu_ns **ns);

#endif
