/* SPDX-License-Identifier: MIT */
/* The device string of the TCP transport: "ADDR[:PORT][/SUBNQN][?OPT=VAL&...]". */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "tcp.h"

#define KNOWN_OPTIONS "hostnqn, hostid, queues, queue-size, kato, hdgst, ddgst, " \
		      "connect-timeout, reconnect-delay, ctrl-loss-tmo"
#define FORM "tcp://ADDR[:PORT]/SUBNQN[?OPTION=VALUE&...] (IPv6 as [ADDR])"

static void set_defaults(struct tcp_opts *o)
{
	*o = (struct tcp_opts){
		.port = "4420",
		.subnqn = TCP_DISCOVERY_NQN,
		.queues = 8,
		.queue_size = 128,
		.kato_ms = 5000,
		.connect_timeout_ms = 5000,
		.reconnect_delay_ms = 2000,
		.ctrl_loss_tmo_ms = 600000,
	};
}

static int parse_range(const char *key, const char *val, uint64_t min, uint64_t max,
		       uint64_t *out)
{
	if (nvmu_parse_u64(val, false, out) < 0 || *out < min || *out > max)
		return nvmu_fail(EINVAL, "tcp: option %s=%s: expected a number in %llu..%llu", key,
				 val, (unsigned long long)min, (unsigned long long)max);
	return 0;
}

static int parse_bool(const char *key, const char *val, bool *out)
{
	if (!strcmp(val, "1") || !strcmp(val, "on") || !strcmp(val, "yes"))
		*out = true;
	else if (!strcmp(val, "0") || !strcmp(val, "off") || !strcmp(val, "no"))
		*out = false;
	else
		return nvmu_fail(EINVAL, "tcp: option %s=%s: expected on or off", key, val);
	return 0;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* A UUID, 32 hex digits with optional dashes, into 16 bytes. */
static int parse_uuid(const char *val, uint8_t out[16])
{
	unsigned n = 0;

	for (const char *p = val; *p; p++) {
		int hi, lo;

		if (*p == '-')
			continue;
		hi = hexval(p[0]);
		lo = p[1] ? hexval(p[1]) : -1;
		if (hi < 0 || lo < 0 || n == 16)
			return nvmu_fail(EINVAL, "tcp: option hostid=%s: expected a UUID such as "
					 "0f8f4b6c-4e6b-4a8e-9d1e-6a2f3b4c5d6e", val);
		out[n++] = (uint8_t)(hi << 4 | lo);
		p++;
	}
	if (n != 16)
		return nvmu_fail(EINVAL, "tcp: option hostid=%s: a UUID has 32 hex digits", val);
	return 0;
}

static int copy_nqn(const char *what, const char *val, size_t len, char *out)
{
	if (len == 0 || len >= TCP_NQN_MAX)
		return nvmu_fail(EINVAL, "tcp: %s '%.*s' must have 1..%d characters", what,
				 (int)len, val, TCP_NQN_MAX - 1);
	memcpy(out, val, len);
	out[len] = '\0';
	return 0;
}

/* The numeric options: name, range, and where the value goes. */
static const struct number_option {
	const char *key;
	uint32_t min, max;
	size_t off;
	unsigned size; /* 2 or 4 bytes */
} numbers[] = {
	{ "queues", 1, 128, offsetof(struct tcp_opts, queues), 2 },
	{ "queue-size", 2, 1024, offsetof(struct tcp_opts, queue_size), 2 },
	{ "kato", 1000, 3600000, offsetof(struct tcp_opts, kato_ms), 4 },
	{ "connect-timeout", 100, 600000, offsetof(struct tcp_opts, connect_timeout_ms), 4 },
	{ "reconnect-delay", 10, 600000, offsetof(struct tcp_opts, reconnect_delay_ms), 4 },
	{ "ctrl-loss-tmo", 0, 86400000, offsetof(struct tcp_opts, ctrl_loss_tmo_ms), 4 },
};

static int set_number(struct tcp_opts *o, const struct number_option *n, const char *val)
{
	uint64_t v;
	int ret = parse_range(n->key, val, n->min, n->max, &v);

	if (ret < 0)
		return ret;
	if (n->size == 2) {
		uint16_t v16 = (uint16_t)v;

		memcpy((uint8_t *)o + n->off, &v16, sizeof(v16));
	} else {
		uint32_t v32 = (uint32_t)v;

		memcpy((uint8_t *)o + n->off, &v32, sizeof(v32));
	}
	return 0;
}

static int set_option(struct tcp_opts *o, const char *key, const char *val, bool *hostid_set)
{
	if (!strcmp(key, "hostnqn"))
		return copy_nqn("hostnqn", val, strlen(val), o->hostnqn);
	if (!strcmp(key, "hostid")) {
		*hostid_set = true;
		return parse_uuid(val, o->hostid);
	}
	if (!strcmp(key, "hdgst"))
		return parse_bool(key, val, &o->hdgst);
	if (!strcmp(key, "ddgst"))
		return parse_bool(key, val, &o->ddgst);
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
		if (!strcmp(key, numbers[i].key))
			return set_number(o, &numbers[i], val);
	return nvmu_fail(EINVAL, "tcp: unknown option '%s'; the options are %s", key,
			 KNOWN_OPTIONS);
}

static int parse_options(struct tcp_opts *o, char *s, bool *hostid_set)
{
	for (char *save = NULL, *tok = strtok_r(s, "&,", &save); tok;
	     tok = strtok_r(NULL, "&,", &save)) {
		char *eq = strchr(tok, '=');
		int ret;

		if (!eq || eq == tok || !eq[1])
			return nvmu_fail(EINVAL, "tcp: option '%s' is not OPTION=VALUE; the options "
					 "are %s", tok, KNOWN_OPTIONS);
		*eq = '\0';
		ret = set_option(o, tok, eq + 1, hostid_set);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* "ADDR[:PORT]" or "[ADDR6][:PORT]" of @len bytes at @s. */
static int parse_address(struct tcp_opts *o, const char *s, size_t len)
{
	const char *host = s, *port = NULL;
	size_t hlen = len;
	uint64_t v;

	if (len && s[0] == '[') {
		const char *end = memchr(s, ']', len);

		if (!end)
			return nvmu_fail(EINVAL, "tcp: '%.*s': an IPv6 address needs its closing ']'; "
					 "the form is %s", (int)len, s, FORM);
		host = s + 1;
		hlen = (size_t)(end - host);
		if (end + 1 < s + len) {
			if (end[1] != ':')
				return nvmu_fail(EINVAL, "tcp: '%.*s': expected ':PORT' after ']'",
						 (int)len, s);
			port = end + 2;
		}
	} else {
		const char *colon = memchr(s, ':', len);

		if (colon) {
			if (memchr(colon + 1, ':', (size_t)(s + len - colon - 1)))
				return nvmu_fail(EINVAL, "tcp: '%.*s': write an IPv6 address in "
						 "brackets, e.g. tcp://[::1]:4420/NQN", (int)len, s);
			hlen = (size_t)(colon - s);
			port = colon + 1;
		}
	}
	if (hlen == 0 || hlen >= sizeof(o->host))
		return nvmu_fail(EINVAL, "tcp: no address before the subsystem NQN; the form is %s",
				 FORM);
	memcpy(o->host, host, hlen);
	o->host[hlen] = '\0';
	if (port) {
		size_t plen = (size_t)(s + len - port);
		char buf[8];

		if (plen == 0 || plen >= sizeof(buf))
			return nvmu_fail(EINVAL, "tcp: '%.*s': the port must be 1..65535", (int)len,
					 s);
		memcpy(buf, port, plen);
		buf[plen] = '\0';
		if (parse_range("port", buf, 1, 65535, &v) < 0)
			return -EINVAL;
		snprintf(o->port, sizeof(o->port), "%u", (unsigned)v);
	}
	return 0;
}

/* The first line of @path without its newline, or "" when it cannot be read. */
static void read_first_line(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "re");

	out[0] = '\0';
	if (!f)
		return;
	if (fgets(out, (int)len, f))
		out[strcspn(out, "\r\n")] = '\0';
	fclose(f);
}

/* Host identity: the options', else the system's (/etc/nvme, as nvme-cli keeps them), else
 * a random host ID and the NQN made of it. */
static void default_identity(struct tcp_opts *o, bool hostid_set)
{
	char line[TCP_NQN_MAX];

	if (!hostid_set) {
		read_first_line("/etc/nvme/hostid", line, sizeof(line));
		if (!line[0] || parse_uuid(line, o->hostid) < 0) {
			if (getrandom(o->hostid, sizeof(o->hostid), 0) != sizeof(o->hostid))
				memset(o->hostid, 0x5a, sizeof(o->hostid));
			o->hostid[6] = (uint8_t)((o->hostid[6] & 0x0f) | 0x40); /* version 4 */
			o->hostid[8] = (uint8_t)((o->hostid[8] & 0x3f) | 0x80);
		}
	}
	if (o->hostnqn[0])
		return;
	read_first_line("/etc/nvme/hostnqn", line, sizeof(line));
	if (line[0]) {
		snprintf(o->hostnqn, sizeof(o->hostnqn), "%s", line);
		return;
	}
	snprintf(o->hostnqn, sizeof(o->hostnqn),
		 "nqn.2014-08.org.nvmexpress:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x", o->hostid[0], o->hostid[1], o->hostid[2],
		 o->hostid[3], o->hostid[4], o->hostid[5], o->hostid[6], o->hostid[7],
		 o->hostid[8], o->hostid[9], o->hostid[10], o->hostid[11], o->hostid[12],
		 o->hostid[13], o->hostid[14], o->hostid[15]);
}

int tcp_opts_parse(const char *spec, struct tcp_opts *o)
{
	const char *q, *slash;
	size_t addr_end;
	bool hostid_set = false;
	int ret = 0;

	set_defaults(o);
	if (!spec || !*spec)
		return nvmu_fail(EINVAL, "tcp: no address given; the form is %s", FORM);
	q = strchr(spec, '?');
	addr_end = q ? (size_t)(q - spec) : strlen(spec);
	slash = memchr(spec, '/', addr_end);
	ret = parse_address(o, spec, slash ? (size_t)(slash - spec) : addr_end);
	if (ret == 0 && slash && (size_t)(slash + 1 - spec) < addr_end)
		ret = copy_nqn("subsystem NQN", slash + 1, addr_end - (size_t)(slash + 1 - spec),
			       o->subnqn);
	if (ret == 0 && q) {
		char *opts = strdup(q + 1);

		if (!opts)
			return nvmu_fail(ENOMEM, "out of memory");
		ret = parse_options(o, opts, &hostid_set);
		free(opts);
	}
	if (ret == 0)
		default_identity(o, hostid_set);
	return ret;
}
