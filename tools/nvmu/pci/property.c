/* SPDX-License-Identifier: MIT */
/*
 * nvmu get-property, set-property, subsystem-reset: controller registers through the
 * device's transport, as show-regs reads them (the controller is not brought up). On
 * NVMe over Fabrics these are the Property Get/Set commands nvme-cli sends; on PCIe and
 * soft: the properties are the BAR0 registers, so nvmu reads and writes those.
 */
#include <nvme/types.h>
#include <stdio.h>

#include "cli.h"
#include "device.h"
#include "verb_opts.h"
#include "verbs.h"

#define REG_AREA_END 0x1000u /* the doorbells start here */
#define NSSR_RESET 0x4E564D65u /* "NVMe": the value that starts an NVM Subsystem Reset */

static const char *reg_name(uint32_t off)
{
	switch (off) {
	case NVME_REG_CAP: return "Controller Capabilities";
	case NVME_REG_VS: return "Version";
	case NVME_REG_INTMS: return "Interrupt Vector Mask Set";
	case NVME_REG_INTMC: return "Interrupt Vector Mask Clear";
	case NVME_REG_CC: return "Controller Configuration";
	case NVME_REG_CSTS: return "Controller Status";
	case NVME_REG_NSSR: return "NVM Subsystem Reset";
	case NVME_REG_AQA: return "Admin Queue Attributes";
	case NVME_REG_ASQ: return "Admin Submission Queue Base Address";
	case NVME_REG_ACQ: return "Admin Completion Queue Base Address";
	case NVME_REG_CMBLOC: return "Controller Memory Buffer Location";
	case NVME_REG_CMBSZ: return "Controller Memory Buffer Size";
	default: return "Unknown";
	}
}

/* The short name -H prints before the value, as nvme-cli, or NULL. */
static const char *reg_short(uint32_t off)
{
	switch (off) {
	case NVME_REG_CAP: return "cap";
	case NVME_REG_VS: return "version";
	case NVME_REG_CC: return "cc";
	case NVME_REG_CSTS: return "csts";
	case NVME_REG_NSSR: return "nssr";
	case NVME_REG_CRTO: return "crto";
	default: return NULL;
	}
}

static int check_offset(const char *verb, bool given, uint32_t off)
{
	if (!given)
		return cli_usage_error(verb, "give the register with -o/--offset=OFFSET "
				       "(CAP=0x0, VS=0x8, CC=0x14, CSTS=0x1c, NSSR=0x20, ...)");
	if (off % 4 || off >= REG_AREA_END || (nvme_is_64bit_reg(off) && off % 8))
		return cli_usage_error(verb, "--offset %#x is not a register: expected a multiple "
				       "of 4 below 0x1000", off);
	return 0;
}

static int run_get_property(int argc, char **argv)
{
	uint32_t off = 0;
	bool has_off = false, human = false;
	const struct verb_opt opts[] = {
		{ 'o', "offset", VOPT_U32, &off, 0, &has_off },
		{ 'H', "human-readable", VOPT_FLAG, &human, 0, NULL },
	};
	struct nvmu_transport *t;
	const char *dev, *name;
	struct tool_dev d;
	uint64_t v;
	int ret;

	if ((ret = VERB_PARSE(argc, argv, opts, &dev)) ||
	    (ret = check_offset(argv[0], has_off, off)) ||
	    (ret = device_open_transport(argv[0], dev, &d)))
		return ret;
	t = d.t;
	v = nvme_is_64bit_reg(off) ? t->ops->read64(t, off) : t->ops->read32(t, off);
	name = reg_short(off);
	if (human && name)
		printf("%s : %llx\n", name, (unsigned long long)v);
	else if (human)
		printf("unknown property: 0x%02x (%s), value: %llx\n", off, reg_name(off),
		       (unsigned long long)v);
	else
		printf("property: 0x%02x (%s), value: %llx\n", off, reg_name(off),
		       (unsigned long long)v);
	device_close(&d);
	return ret;
}

static int run_set_property(int argc, char **argv)
{
	uint32_t off = 0;
	uint64_t value = 0;
	bool has_off = false, has_value = false;
	const struct verb_opt opts[] = {
		{ 'o', "offset", VOPT_U32, &off, 0, &has_off },
		{ 'v', "value", VOPT_U64, &value, 0, &has_value },
	};
	struct nvmu_transport *t;
	struct tool_dev d;
	const char *dev;
	int ret;

	if ((ret = VERB_PARSE(argc, argv, opts, &dev)) ||
	    (ret = check_offset(argv[0], has_off, off)))
		return ret;
	if (!has_value)
		return cli_usage_error(argv[0], "give the value with -v/--value=VALUE");
	if (!nvme_is_64bit_reg(off) && value > UINT32_MAX)
		return cli_usage_error(argv[0], "--value %#llx does not fit the 32-bit register "
				       "at %#x", (unsigned long long)value, off);
	if ((ret = device_open_transport(argv[0], dev, &d)))
		return ret;
	t = d.t;
	if (nvme_is_64bit_reg(off))
		t->ops->write64(t, off, value);
	else
		t->ops->write32(t, off, (uint32_t)value);
	printf("set-property: %02x (%s), value: %#08llx\n", off, reg_name(off),
	       (unsigned long long)value);
	device_close(&d);
	return ret;
}

static int run_subsystem_reset(int argc, char **argv)
{
	struct nvmu_transport *t;
	struct tool_dev d;
	const char *dev;
	int ret;

	if ((ret = verb_parse(argc, argv, NULL, 0, &dev)) ||
	    (ret = device_open_transport(argv[0], dev, &d)))
		return ret;
	t = d.t;
	if (!NVME_CAP_NSSRC(t->ops->read64(t, NVME_REG_CAP))) {
		fprintf(stderr, "nvmu %s: %s does not support NVM Subsystem Reset (CAP.NSSRS is "
			"0)\n", argv[0], dev);
		ret = EXIT_FAILED;
	} else {
		t->ops->write32(t, NVME_REG_NSSR, NSSR_RESET);
	}
	device_close(&d);
	return ret;
}

const struct nvmu_verb nvmu_verb_get_property = {
	.name = "get-property",
	.summary = "read a controller register (property)",
	.usage = "Usage: nvmu get-property <dev> -o OFFSET [-H]\n"
		 "\n"
		 "Read the controller register at OFFSET (64 bits for CAP, ASQ, ACQ, BPMBL, CMBMSC)\n"
		 "and print \"property: 0x14 (Controller Configuration), value: 460001\" as\n"
		 "nvme-cli. nvme-cli reads properties with the Fabrics Property Get command; a PCIe\n"
		 "or soft: controller has them as registers, which nvmu reads directly.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -o, --offset=OFFSET         the register: CAP=0x0, VS=0x8, CC=0x14, CSTS=0x1c,\n"
		 "                              NSSR=0x20, ... (a multiple of 4 below 0x1000)\n"
		 "  -H, --human-readable        print \"cc : 460001\" (show-regs decodes the fields)\n"
		 "  -h, --help                  show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_get_property,
};

const struct nvmu_verb nvmu_verb_set_property = {
	.name = "set-property",
	.summary = "write a controller register (property)",
	.usage = "Usage: nvmu set-property <dev> -o OFFSET -v VALUE\n"
		 "\n"
		 "Write VALUE to the controller register at OFFSET, then print \"set-property: 14\n"
		 "(Controller Configuration), value: 0x460001\". The controller is not brought up\n"
		 "around it: writing CC or the admin queue registers acts on the device as it is.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -o, --offset=OFFSET         the register (a multiple of 4 below 0x1000)\n"
		 "  -v, --value=VALUE           the value (64 bits for CAP, ASQ, ACQ, BPMBL, CMBMSC)\n"
		 "  -h, --help                  show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_set_property,
};

const struct nvmu_verb nvmu_verb_subsystem_reset = {
	.name = "subsystem-reset",
	.summary = "NVM Subsystem Reset (NSSR register)",
	.usage = "Usage: nvmu subsystem-reset <dev>\n"
		 "\n"
		 "Write \"NVMe\" (0x4e564d65) to the NSSR register: every controller of the NVM\n"
		 "subsystem resets, and must be brought up again (the next verb does). Prints\n"
		 "nothing on success. A controller whose CAP.NSSRS is 0 is reported as not\n"
		 "supporting it, and nothing is written.\n"
		 DEVICE_HELP
		 "\n"
		 "Options:\n"
		 "  -h, --help                  show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_subsystem_reset,
};
