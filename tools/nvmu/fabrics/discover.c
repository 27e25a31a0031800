/* SPDX-License-Identifier: MIT */
/*
 * nvmu discover: the Discovery Log Page (log 70h) of a fabrics discovery controller, as
 * nvme-cli's `discover` prints it (the same JSON keys), plus the device string that
 * reaches each entry.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "device.h"
#include "output/json.h"
#include "verbs.h"

#define HEADER_BYTES 1024u
#define ENTRY_BYTES 1024u
#define MAX_RECORDS 1024u  /* a bound on what a target may claim */
#define GENCTR_TRIES 10    /* the log changed under us: read it again */

static const char *trtype_str(uint8_t v)
{
	switch (v) {
	case NVMF_TRTYPE_RDMA: return "rdma";
	case NVMF_TRTYPE_FC: return "fc";
	case NVMF_TRTYPE_TCP: return "tcp";
	case NVMF_TRTYPE_LOOP: return "loop";
	default: return "unrecognized";
	}
}

static const char *adrfam_str(uint8_t v)
{
	switch (v) {
	case NVMF_ADDR_FAMILY_IP4: return "ipv4";
	case NVMF_ADDR_FAMILY_IP6: return "ipv6";
	case NVMF_ADDR_FAMILY_IB: return "infiniband";
	case NVMF_ADDR_FAMILY_FC: return "fibre-channel";
	case NVMF_ADDR_FAMILY_LOOP: return "loop";
	default: return "unrecognized";
	}
}

static const char *subtype_str(uint8_t v)
{
	switch (v) {
	case NVME_NQN_DISC: return "referral";
	case NVME_NQN_NVME: return "nvme subsystem";
	case NVME_NQN_CURR: return "current discovery subsystem";
	default: return "unrecognized";
	}
}

static void treq_str(uint8_t v, char *buf, size_t len)
{
	static const char *const base[] = { "not specified", "required", "not required",
					    "unrecognized" };

	snprintf(buf, len, "%s%s", base[v & 3],
		 v & NVMF_TREQ_DISABLE_SQFLOW ? ", sq flow control disable supported" : "");
}

static void eflags_str(uint16_t v, char *buf, size_t len)
{
	static const struct { uint16_t bit; const char *text; } names[] = {
		{ NVMF_DISC_EFLAGS_EPCSD, "explicit discovery connections" },
		{ NVMF_DISC_EFLAGS_DUPRETINFO, "duplicate discovery information" },
		{ NVMF_DISC_EFLAGS_NCC, "no cdc connectivity" },
	};
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (v & names[i].bit)
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? ", " : "",
					      names[i].text);
	if (!n)
		snprintf(buf, len, "none");
}

static const char *sectype_str(uint8_t v)
{
	switch (v) {
	case NVMF_TCP_SECTYPE_NONE: return "none";
	case NVMF_TCP_SECTYPE_TLS: return "tls";
	case NVMF_TCP_SECTYPE_TLS13: return "tls13";
	default: return "unrecognized";
	}
}

/* A fixed-size, space or NUL padded field of the log as a string. */
static void field(const char *src, size_t size, char *out)
{
	size_t n = strnlen(src, size);

	while (n && src[n - 1] == ' ')
		n--;
	memcpy(out, src, n);
	out[n] = '\0';
}

/* The nvmu device string for entry @e: "tcp://ADDR:PORT/SUBNQN" ("" for other kinds). */
static void entry_device(const struct nvmf_disc_log_entry *e, char *out, size_t len)
{
	char addr[NVMF_TRADDR_SIZE + 1], port[NVMF_TRSVCID_SIZE + 1], nqn[NVME_NQN_LENGTH + 1];
	bool v6 = e->adrfam == NVMF_ADDR_FAMILY_IP6;

	out[0] = '\0';
	if (e->trtype != NVMF_TRTYPE_TCP)
		return;
	field(e->traddr, sizeof(e->traddr), addr);
	field(e->trsvcid, sizeof(e->trsvcid), port);
	field(e->subnqn, sizeof(e->subnqn), nqn);
	snprintf(out, len, "tcp://%s%s%s:%s/%s", v6 ? "[" : "", addr, v6 ? "]" : "", port, nqn);
}

struct entry_text {
	char trsvcid[NVMF_TRSVCID_SIZE + 1], subnqn[NVME_NQN_LENGTH + 1];
	char traddr[NVMF_TRADDR_SIZE + 1], treq[64], eflags[128], device[600];
};

static void entry_text(const struct nvmf_disc_log_entry *e, struct entry_text *t)
{
	field(e->trsvcid, sizeof(e->trsvcid), t->trsvcid);
	field(e->subnqn, sizeof(e->subnqn), t->subnqn);
	field(e->traddr, sizeof(e->traddr), t->traddr);
	treq_str(e->treq, t->treq, sizeof(t->treq));
	eflags_str(e->eflags, t->eflags, sizeof(t->eflags));
	entry_device(e, t->device, sizeof(t->device));
}

static void print_normal(const struct nvmf_discovery_log *log, uint64_t n)
{
	printf("\nDiscovery Log Number of Records %llu, Generation counter %llu\n",
	       (unsigned long long)n, (unsigned long long)log->genctr);
	for (uint64_t i = 0; i < n; i++) {
		const struct nvmf_disc_log_entry *e = &log->entries[i];
		struct entry_text t;

		entry_text(e, &t);
		printf("=====Discovery Log Entry %llu======\n", (unsigned long long)i);
		printf("trtype:  %s\n", trtype_str(e->trtype));
		printf("adrfam:  %s\n", adrfam_str(e->adrfam));
		printf("subtype: %s\n", subtype_str(e->subtype));
		printf("treq:    %s\n", t.treq);
		printf("portid:  %u\n", e->portid);
		printf("trsvcid: %s\n", t.trsvcid);
		printf("subnqn:  %s\n", t.subnqn);
		printf("traddr:  %s\n", t.traddr);
		printf("eflags:  %s\n", t.eflags);
		if (e->trtype == NVMF_TRTYPE_TCP)
			printf("sectype: %s\n", sectype_str(e->tsas.tcp.sectype));
		if (t.device[0])
			printf("device:  %s\n", t.device);
	}
}

static void print_json(const struct nvmf_discovery_log *log, uint64_t n)
{
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "genctr");
	json_uint(&j, log->genctr);
	json_key(&j, "records");
	json_array_begin(&j);
	for (uint64_t i = 0; i < n; i++) {
		const struct nvmf_disc_log_entry *e = &log->entries[i];
		struct entry_text t;

		entry_text(e, &t);
		json_object_begin(&j);
		json_key(&j, "trtype");
		json_string(&j, trtype_str(e->trtype));
		json_key(&j, "adrfam");
		json_string(&j, adrfam_str(e->adrfam));
		json_key(&j, "subtype");
		json_string(&j, subtype_str(e->subtype));
		json_key(&j, "treq");
		json_string(&j, t.treq);
		json_key(&j, "portid");
		json_uint(&j, e->portid);
		json_key(&j, "trsvcid");
		json_string(&j, t.trsvcid);
		json_key(&j, "subnqn");
		json_string(&j, t.subnqn);
		json_key(&j, "traddr");
		json_string(&j, t.traddr);
		json_key(&j, "eflags");
		json_string(&j, t.eflags);
		if (e->trtype == NVMF_TRTYPE_TCP) {
			json_key(&j, "sectype");
			json_string(&j, sectype_str(e->tsas.tcp.sectype));
		}
		json_key(&j, "device");
		json_string(&j, t.device[0] ? t.device : NULL);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

/* Read @len bytes of the Discovery Log Page into @buf (DMA memory). */
static int read_log(struct tool_dev *d, struct nvmu_dma_buf *buf, uint32_t len)
{
	uint32_t numd = len / 4 - 1;
	struct nvmu_sqe cmd = {
		.opcode = nvme_admin_get_log_page,
		.cdw10 = NVME_LOG_LID_DISCOVER | (numd & 0xffffu) << 16,
		.cdw11 = numd >> 16,
	};

	return nvmu_admin_cmd(d->ctrl, &cmd, buf->iova, len, 0, NULL);
}

/* The whole log, read again while GENCTR moves. Returns the record count or -errno. */
static long long read_discovery(const char *verb, struct tool_dev *d, struct nvmu_dma_buf *buf)
{
	const struct nvmf_discovery_log *log = buf->vaddr;

	for (int tries = 0; tries < GENCTR_TRIES; tries++) {
		uint64_t gen, n;
		uint32_t len;

		if (read_log(d, buf, HEADER_BYTES) < 0)
			return -1;
		gen = log->genctr;
		n = log->numrec;
		if (n > MAX_RECORDS) {
			fprintf(stderr, "nvmu %s: the target reports %llu records, more than the "
				"%u this tool reads\n", verb, (unsigned long long)n, MAX_RECORDS);
			n = MAX_RECORDS;
		}
		len = HEADER_BYTES + (uint32_t)n * ENTRY_BYTES;
		if (read_log(d, buf, len) < 0)
			return -1;
		if (log->genctr == gen && log->numrec >= n)
			return (long long)n;
	}
	nvmu_fail(EAGAIN, "the Discovery Log Page kept changing (GENCTR) over %d reads",
		  GENCTR_TRIES);
	return -1;
}

static int run_discover(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output-format", required_argument, NULL, 'o' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	enum cli_format format = CLI_FORMAT_NORMAL;
	struct nvmu_dma_buf buf = { 0 };
	const char *dev;
	struct tool_dev d;
	long long n = -1;
	int opt, ret;

	while ((opt = cli_getopt(argc, argv, "o:", longopts)) != -1)
		if (opt == '?' || cli_parse_format(argv[0], optarg, &format))
			return EXIT_USAGE;
	if ((ret = cli_device_arg(argc, argv, &dev)))
		return ret;
	if (strncmp(dev, "tcp://", 6))
		return cli_usage_error(argv[0], "'%s' is not a fabrics address: give "
				       "tcp://ADDR[:PORT]", dev);
	if ((ret = device_open_transport(argv[0], dev, &d)) || (ret = device_start(argv[0], &d)))
		return ret;
	if (nvmu_ctrl_dma_alloc(d.ctrl, HEADER_BYTES + MAX_RECORDS * ENTRY_BYTES, &buf) == 0)
		n = read_discovery(argv[0], &d, &buf);
	if (n < 0) {
		ret = cli_fail(argv[0]);
	} else if (format == CLI_FORMAT_JSON) {
		print_json(buf.vaddr, (uint64_t)n);
	} else {
		print_normal(buf.vaddr, (uint64_t)n);
	}
	nvmu_ctrl_dma_free(d.ctrl, &buf);
	device_close(&d);
	return ret;
}

const struct nvmu_verb nvmu_verb_discover = {
	.name = "discover",
	.summary = "read the discovery log of an NVMe/TCP target (the device string of each entry)",
	.usage = "Usage: nvmu discover tcp://ADDR[:PORT][?OPTIONS] [-o FORMAT]\n"
		 "\n"
		 "Connect to the discovery controller of the target at ADDR (port 4420 unless\n"
		 "given; IPv6 in brackets), read its Discovery Log Page (log 70h, read again\n"
		 "while its generation counter changes) and print each entry as nvme-cli's\n"
		 "`discover` does, with the nvmu device string that opens it. OPTIONS are those\n"
		 "of tcp:// devices (hostnqn=, hostid=, connect-timeout=, ...): the target\n"
		 "shows each host the subsystems it may use.\n"
		 "\n"
		 "  -o, --output-format FORMAT  normal (the default) or json\n"
		 "  -h, --help                  show this help\n"
		 DEVICE_EXIT_HELP,
	.run = run_discover,
};
