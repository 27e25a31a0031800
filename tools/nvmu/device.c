/* SPDX-License-Identifier: MIT */
/*
 * The tool's device opener: every <dev> string goes through the library's transport
 * registry (nvmu_host_attach(), or nvmu_transport_open() for the bare transport), so the
 * tool accepts exactly the forms the library does; admin data through DMA; namespace checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "device.h"
#include "nvmu/sriov.h"
#include "verbs.h"

#define VF_TOKEN_HELP \
	"  --vf-token UUID             the PF's VF token, to open an SR-IOV VF (also from\n" \
	"                              the environment's NVMU_VF_TOKEN)\n"

static const char *vf_token_option;

const char *device_vf_token(void)
{
	const char *env = getenv("NVMU_VF_TOKEN");

	if (vf_token_option)
		return vf_token_option;
	return env && env[0] ? env : NULL;
}

int device_take_vf_token(const char *verb, const char *usage, int *argc, char **argv)
{
	int out = 1;

	for (int i = 1; i < *argc; i++) {
		const char *value = NULL;

		if (!strcmp(argv[i], "--")) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if (!strcmp(argv[i], "--vf-token")) {
			if (i + 1 >= *argc)
				return cli_usage_error(verb, "option '--vf-token' needs a value");
			value = argv[++i];
		} else if (!strncmp(argv[i], "--vf-token=", 11)) {
			value = argv[i] + 11;
		} else {
			argv[out++] = argv[i];
			continue;
		}
		if (!strstr(usage, DEVICE_HELP_MARK))
			return cli_usage_error(verb, "this command opens no device, so it takes no "
					       "--vf-token");
		if (!nvmu_sriov_token_valid(value))
			return cli_usage_error(verb, "--vf-token '%s' is not a UUID (expected "
					       "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", value);
		vf_token_option = value;
	}
	*argc = out;
	argv[out] = NULL;
	return 0;
}

/* The attach error without the host API's "attach <dev>: " prefix (the tool names it). */
static int attach_fail(const char *verb, const char *dev)
{
	const char *msg = nvmu_last_error();
	size_t len = strlen(dev);

	if (!strncmp(msg, "attach ", 7) && !strncmp(msg + 7, dev, len) &&
	    !strncmp(msg + 7 + len, ": ", 2))
		msg += 7 + len + 2;
	fprintf(stderr, "nvmu %s: %s\n", verb, msg);
	return EXIT_FAILED;
}

int device_open(const char *verb, const char *name, struct tool_dev *d)
{
	/* One-shot commands: no Asynchronous Event Requests held by the controller. */
	const struct nvmu_host_opts opts = { .no_aer = true, .vf_token = device_vf_token() };

	memset(d, 0, sizeof(*d));
	d->name = name;
	if (nvmu_host_attach(name, &opts, &d->host) < 0) {
		d->host = NULL;
		return attach_fail(verb, name);
	}
	d->ctrl = nvmu_host_core(d->host);
	return 0;
}

int device_open_transport(const char *verb, const char *name, struct tool_dev *d)
{
	const struct nvmu_transport_open_opts opts = { .vf_token = device_vf_token() };

	memset(d, 0, sizeof(*d));
	d->name = name;
	if (nvmu_transport_open(name, &opts, &d->t) < 0) {
		d->t = NULL;
		return cli_fail(verb);
	}
	return 0;
}

void device_print_usage(FILE *out, const char *usage)
{
	const char *mark = strstr(usage, DEVICE_HELP_MARK), *options;
	size_t need;
	char *forms;

	if (!mark) {
		fputs(usage, out);
		return;
	}
	fwrite(usage, 1, (size_t)(mark - usage), out);
	fputs("<dev> is one of:\n", out);
	need = nvmu_transport_help(NULL, 0) + 1;
	forms = malloc(need);
	if (forms) {
		nvmu_transport_help(forms, need);
		fputs(forms, out);
		free(forms);
	}
	fputs(DEVICE_KERNEL_HELP, out);
	mark += strlen(DEVICE_HELP_MARK);
	/* The --vf-token option, which main.c handles for every verb with a <dev>, goes
	 * first in the verb's options. */
	options = strstr(mark, "Options:\n");
	if (!options) {
		fputs(mark, out);
		return;
	}
	options += strlen("Options:\n");
	fwrite(mark, 1, (size_t)(options - mark), out);
	fputs(VF_TOKEN_HELP, out);
	fputs(options, out);
}

int device_start(const char *verb, struct tool_dev *d)
{
	if (nvmu_ctrl_open(d->t, NULL, &d->ctrl) < 0) {
		d->ctrl = NULL;
		return cli_fail(verb);
	}
	return 0;
}

int device_close(struct tool_dev *d)
{
	int ret = 0;

	if (d->host)
		ret = nvmu_host_detach(d->host);
	else if (d->ctrl)
		ret = nvmu_ctrl_close(d->ctrl);
	nvmu_transport_close(d->t);
	d->host = NULL;
	d->ctrl = NULL;
	d->t = NULL;
	return ret;
}

int device_admin(struct tool_dev *d, struct nvmu_sqe *cmd, void *data, size_t len, bool to_device,
		 uint32_t timeout_ms, struct nvmu_cpl *cpl)
{
	struct nvmu_dma_buf buf = { 0 };
	int ret;

	if (len) {
		ret = nvmu_ctrl_dma_alloc(d->ctrl, len, &buf);
		if (ret < 0)
			return ret;
		if (to_device)
			memcpy(buf.vaddr, data, len);
	}
	ret = nvmu_admin_cmd(d->ctrl, cmd, buf.iova, len, timeout_ms, cpl);
	/* After a timeout the device may still write the buffer: keep it (a small leak). */
	if (ret == -ETIMEDOUT)
		return ret;
	if (len && !to_device)
		memcpy(data, buf.vaddr, len);
	if (len)
		nvmu_ctrl_dma_free(d->ctrl, &buf);
	return ret;
}

int device_ns(const char *verb, struct tool_dev *d, uint32_t nsid, struct nvmu_ns **ns)
{
	unsigned n = nvmu_host_ns_count(d->host);
	char list[256] = "";
	size_t len = 0;

	*ns = nvmu_host_ns_by_id(d->host, nsid);
	if (*ns)
		return 0;
	for (unsigned i = 0; i < n && len < sizeof(list) - 16; i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%u", i ? ", " : "",
					nvmu_ns_id(nvmu_host_ns(d->host, i)));
	if (n > 0 && len >= sizeof(list) - 16)
		snprintf(list + len, sizeof(list) - len, ", ...");
	fprintf(stderr, "nvmu %s: namespace %u does not exist on %s (active namespaces: %s)\n",
		verb, nsid, d->name, n ? list : "none");
	return EXIT_FAILED;
}

int device_check_ns(const char *verb, struct tool_dev *d, uint32_t nsid)
{
	struct nvmu_ns *ns;

	return device_ns(verb, d, nsid, &ns);
}
