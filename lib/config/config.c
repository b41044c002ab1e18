/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON -> struct synq_config. Every object checks its keys against the ones it knows,
 * every value its type and range, and the first error stops the parse with one line:
 *   config error: <key path>: <value> <problem>, expected <what>
 * Cross-references (a worker's rx queue names a port) are resolved here too, so a
 * config that parses is complete: only EAL facts (is lcore 3 enabled? is there a
 * device called net_ring0?) are left to the modules that start things.
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>

#include "synq_config.h"
#include "config_default.h"
#include "config_priv.h"

#define KEY_PATH_LEN 128

/* The largest file synq_config_load() reads. */
#define CONFIG_FILE_MAX (1 << 24)

/* 802.1Q: 0 means untagged, 4095 is reserved. */
#define VLAN_ID_MAX 4094

/* ports[].rx_desc and tx_desc, before the device rounds them */
#define PORT_DESC_MIN 64
#define PORT_DESC_MAX 16384
#define PORT_DESC_DEFAULT 1024

/* mempool.mbufs: 0 sizes the pool from the ports, else MBUFS_MIN..MBUFS_MAX */
#define MBUFS_MIN 1024u
#define MBUFS_MAX (1u << 24)

/* tcp.rcv_buf and snd_buf, in bytes */
#define TCP_BUF_MIN 4096
#define TCP_BUF_MAX (1u << 30)

/* tcp.idle_timeout_ms and first_byte_timeout_ms: a day */
#define TCP_TIMEOUT_MS_MAX 86400000

/* The largest window scale shift (RFC 7323 2.3). */
#define TCP_WSCALE_MAX 14

struct parse {
	char *err;
	size_t errlen;
};

static int
fail(struct parse *p, const char *path, const char *key, const json_t *val, const char *fmt, ...)
{
	char what[256];
	char *shown = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (val != NULL)
		shown = json_dumps(val, JSON_ENCODE_ANY | JSON_COMPACT);
	snprintf(p->err, p->errlen, "config error: %s%s%s: %s%s%s", path,
		(*path != '\0' && key != NULL) ? "." : "", key != NULL ? key : "",
		shown != NULL ? shown : "", shown != NULL ? " " : "", what);
	free(shown);
	return -EINVAL;
}

static const char *
type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a real number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

/* Reject keys an object does not know; typos must not pass silently. */
static int
check_keys(struct parse *p, const json_t *obj, const char *path, const char *const *known)
{
	const char *key;
	json_t *val;

	json_object_foreach((json_t *)(uintptr_t)obj, key, val)
	{
		char list[256] = "";
		bool found = false;

		for (const char *const *k = known; *k != NULL; k++) {
			if (strcmp(key, *k) == 0)
				found = true;
			strncat(list, *k, sizeof(list) - strlen(list) - 1);
			if (k[1] != NULL)
				strncat(list, ", ", sizeof(list) - strlen(list) - 1);
		}
		if (!found)
			return fail(p, path, key, NULL, "unknown key, expected one of: %s", list);
	}
	return 0;
}

static int
get_uint(struct parse *p, const json_t *obj, const char *path, const char *key, uint64_t min,
	uint64_t max, uint64_t *out)
{
	const json_t *v = json_object_get(obj, key);
	json_int_t i;

	if (v == NULL)
		return 0; /* keep the default already in *out */
	if (!json_is_integer(v))
		return fail(p, path, key, v, "is %s, expected an integer %" PRIu64 "..%" PRIu64,
			type_name(v), min, max);
	i = json_integer_value(v);
	if (i < 0 || (uint64_t)i < min || (uint64_t)i > max)
		return fail(p, path, key, v, "is out of range, expected an integer %" PRIu64
			"..%" PRIu64, min, max);
	*out = (uint64_t)i;
	return 0;
}

#define GET_UINT(p, obj, path, key, min, max, field)                                               \
	({                                                                                         \
		uint64_t v_ = (field);                                                             \
		int rc_ = get_uint(p, obj, path, key, min, max, &v_);                              \
		(field) = (__typeof__(field))v_;                                                   \
		rc_;                                                                               \
	})

static int
get_bool(struct parse *p, const json_t *obj, const char *path, const char *key, bool *out)
{
	const json_t *v = json_object_get(obj, key);

	if (v == NULL)
		return 0;
	if (!json_is_boolean(v))
		return fail(p, path, key, v, "is %s, expected true or false", type_name(v));
	*out = json_is_true(v);
	return 0;
}

/* An enum by its name in @p table; @p what is what a value is ("a role"). */
static int
get_enum(struct parse *p, const json_t *obj, const char *path, const char *key,
	const struct config_enum_name *table, const char *what, int *out)
{
	const json_t *v = json_object_get(obj, key);
	char names[256];

	if (v == NULL)
		return 0; /* keep the default already in *out */
	if (config_enum_by_name(table, json_string_value(v), out) == 0)
		return 0;
	return fail(p, path, key, v, "is not %s, expected %s", what,
		config_enum_list(table, names, sizeof(names)));
}

#define GET_ENUM(p, obj, path, key, table, what, field)                                            \
	({                                                                                         \
		int v_ = (int)(field);                                                             \
		int rc_ = get_enum(p, obj, path, key, table, what, &v_);                           \
		(field) = (__typeof__(field))v_;                                                   \
		rc_;                                                                               \
	})

/* A string value; @p v NULL means absent. */
static int
want_string(struct parse *p, const json_t *v, const char *path, const char *key, const char *what)
{
	if (!json_is_string(v))
		return fail(p, path, key, v, "is %s, expected %s", type_name(v), what);
	return 0;
}

static int
want_object(struct parse *p, const json_t *v, const char *path, const char *key)
{
	if (!json_is_object(v))
		return fail(p, path, key, v, "is %s, expected an object", type_name(v));
	return 0;
}

static int
want_array(struct parse *p, const json_t *v, const char *path, const char *key, size_t min,
	size_t max)
{
	if (!json_is_array(v))
		return fail(p, path, key, v, "is %s, expected an array of %zu..%zu items",
			type_name(v), min, max);
	if (json_array_size(v) < min || json_array_size(v) > max)
		return fail(p, path, key, NULL, "has %zu items, expected %zu..%zu",
			json_array_size(v), min, max);
	return 0;
}

static int
parse_addresses(struct parse *p, const json_t *port, const char *path, struct synq_config_port *cp)
{
	const json_t *arr;
	char ipath[KEY_PATH_LEN + 32];
	size_t i;
	json_t *v;

	arr = json_object_get(port, "ipv4");
	if (arr != NULL) {
		if (want_array(p, arr, path, "ipv4", 0, SYNQ_MAX_ADDRS) != 0)
			return -EINVAL;
		json_array_foreach(arr, i, v)
		{
			struct in_addr a;
			uint32_t h;

			snprintf(ipath, sizeof(ipath), "%s.ipv4[%zu]", path, i);
			if (want_string(p, v, ipath, NULL, "an IPv4 address string") != 0)
				return -EINVAL;
			if (inet_pton(AF_INET, json_string_value(v), &a) != 1)
				return fail(p, ipath, NULL, v, "is not an IPv4 address, "
					"expected dotted quad such as \"198.18.0.1\"");
			h = ntohl(a.s_addr);
			if (h == INADDR_ANY || h == INADDR_BROADCAST || IN_MULTICAST(h) ||
				(h >> 24) == IN_LOOPBACKNET)
				return fail(p, ipath, NULL, v, "cannot be a host address, expected "
					"a unicast address (not 0, broadcast, multicast or loopback)");
			cp->ipv4[cp->nb_ipv4++] = a.s_addr;
		}
	}
	arr = json_object_get(port, "ipv6");
	if (arr != NULL) {
		if (want_array(p, arr, path, "ipv6", 0, SYNQ_MAX_ADDRS) != 0)
			return -EINVAL;
		json_array_foreach(arr, i, v)
		{
			struct in6_addr a;

			snprintf(ipath, sizeof(ipath), "%s.ipv6[%zu]", path, i);
			if (want_string(p, v, ipath, NULL, "an IPv6 address string") != 0)
				return -EINVAL;
			if (inet_pton(AF_INET6, json_string_value(v), &a) != 1)
				return fail(p, ipath, NULL, v, "is not an IPv6 address, "
					"expected such as \"2001:2::1\"");
			if (IN6_IS_ADDR_MULTICAST(&a) || IN6_IS_ADDR_UNSPECIFIED(&a) ||
				IN6_IS_ADDR_LOOPBACK(&a))
				return fail(p, ipath, NULL, v, "cannot be a host address, expected "
					"a unicast address (not ::, ::1 or multicast)");
			memcpy(cp->ipv6[cp->nb_ipv6++], a.s6_addr, 16);
		}
	}
	return 0;
}

static int
parse_port(struct parse *p, const json_t *port, unsigned int idx, struct synq_config *cfg)
{
	static const char *const known[] = {"name", "mac", "vlan", "ipv4", "ipv6", "rx_queues",
		"rx_desc", "tx_desc", "promiscuous", NULL};
	struct synq_config_port *cp = &cfg->ports[idx];
	char path[KEY_PATH_LEN];
	const json_t *v;

	snprintf(path, sizeof(path), "ports[%u]", idx);
	if (want_object(p, port, path, NULL) != 0 || check_keys(p, port, path, known) != 0)
		return -EINVAL;

	v = json_object_get(port, "name");
	if (v == NULL)
		return fail(p, path, "name", NULL, "is missing, expected the DPDK device name "
			"(\"net_af_packet0\", \"0000:03:00.0\")");
	if (want_string(p, v, path, "name", "a DPDK device name") != 0)
		return -EINVAL;
	if (json_string_length(v) == 0 || json_string_length(v) >= sizeof(cp->name))
		return fail(p, path, "name", v, "has a bad length, expected 1..%zu characters",
			sizeof(cp->name) - 1);
	strcpy(cp->name, json_string_value(v));
	for (unsigned int i = 0; i < idx; i++)
		if (strcmp(cfg->ports[i].name, cp->name) == 0)
			return fail(p, path, "name", v, "is used twice, expected one entry a port");

	/* null, as --dump-config shows it, means the device's own address */
	v = json_object_get(port, "mac");
	if (v != NULL && !json_is_null(v)) {
		if (want_string(p, v, path, "mac", "a MAC address string") != 0)
			return -EINVAL;
		if (rte_ether_unformat_addr(json_string_value(v), &cp->mac) != 0 ||
			!rte_is_valid_assigned_ether_addr(&cp->mac))
			return fail(p, path, "mac", v, "is not a unicast MAC address, expected "
				"such as \"02:53:51:00:00:01\"");
		cp->mac_set = true;
	}
	cp->rx_queues = 1;
	cp->rx_desc = PORT_DESC_DEFAULT;
	cp->tx_desc = PORT_DESC_DEFAULT;
	cp->promiscuous = false;
	if (GET_UINT(p, port, path, "vlan", 0, VLAN_ID_MAX, cp->vlan) != 0 ||
		GET_UINT(p, port, path, "rx_queues", 1, SYNQ_MAX_RXQ, cp->rx_queues) != 0 ||
		GET_UINT(p, port, path, "rx_desc", PORT_DESC_MIN, PORT_DESC_MAX,
			cp->rx_desc) != 0 ||
		GET_UINT(p, port, path, "tx_desc", PORT_DESC_MIN, PORT_DESC_MAX,
			cp->tx_desc) != 0 ||
		get_bool(p, port, path, "promiscuous", &cp->promiscuous) != 0)
		return -EINVAL;
	return parse_addresses(p, port, path, cp);
}

static int
port_index(const struct synq_config *cfg, const char *name)
{
	for (unsigned int i = 0; i < cfg->nb_ports; i++)
		if (strcmp(cfg->ports[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int
parse_rxq(struct parse *p, const json_t *rxq, const char *path, struct synq_config *cfg,
	struct synq_config_rxq *out)
{
	static const char *const known[] = {"port", "queue", NULL};
	const json_t *v;
	int idx;

	if (want_object(p, rxq, path, NULL) != 0 || check_keys(p, rxq, path, known) != 0)
		return -EINVAL;
	v = json_object_get(rxq, "port");
	if (v == NULL)
		return fail(p, path, "port", NULL, "is missing, expected the name of a port");
	if (want_string(p, v, path, "port", "the name of a port in \"ports\"") != 0)
		return -EINVAL;
	idx = port_index(cfg, json_string_value(v));
	if (idx < 0)
		return fail(p, path, "port", v, "names no port, expected the name of an entry "
			"of \"ports\"");
	out->port = (uint16_t)idx;
	out->queue = 0;
	return GET_UINT(p, rxq, path, "queue", 0, cfg->ports[idx].rx_queues - 1, out->queue);
}

static int
parse_lcore(struct parse *p, const json_t *lc, unsigned int idx, struct synq_config *cfg)
{
	static const char *const known[] = {"lcore", "role", "rx", NULL};
	struct synq_config_lcore *cl = &cfg->lcores[idx];
	char path[KEY_PATH_LEN];
	char rpath[KEY_PATH_LEN + 32];
	const json_t *v;
	size_t i;
	json_t *r;

	snprintf(path, sizeof(path), "lcores[%u]", idx);
	if (want_object(p, lc, path, NULL) != 0 || check_keys(p, lc, path, known) != 0)
		return -EINVAL;
	if (json_object_get(lc, "lcore") == NULL)
		return fail(p, path, "lcore", NULL, "is missing, expected an EAL lcore id");
	if (GET_UINT(p, lc, path, "lcore", 0, RTE_MAX_LCORE - 1, cl->lcore_id) != 0)
		return -EINVAL;
	for (unsigned int j = 0; j < idx; j++)
		if (cfg->lcores[j].lcore_id == cl->lcore_id)
			return fail(p, path, "lcore", json_object_get(lc, "lcore"),
				"is used twice, expected one entry an lcore");

	cl->role = SYNQ_ROLE_WORKER;
	if (GET_ENUM(p, lc, path, "role", config_roles, "a role", cl->role) != 0)
		return -EINVAL;

	v = json_object_get(lc, "rx");
	if (cl->role == SYNQ_ROLE_APP) {
		if (v != NULL && json_array_size(v) != 0)
			return fail(p, path, "rx", NULL, "is set on an app lcore, expected no rx "
				"queues (only workers poll ports)");
		return 0;
	}
	if (v == NULL)
		return fail(p, path, "rx", NULL, "is missing, expected the (port, queue) pairs "
			"this %s lcore polls", synq_role_name(cl->role));
	if (want_array(p, v, path, "rx", 1, SYNQ_MAX_RXQ_PER_LCORE) != 0)
		return -EINVAL;
	json_array_foreach(v, i, r)
	{
		snprintf(rpath, sizeof(rpath), "%s.rx[%zu]", path, i);
		if (parse_rxq(p, r, rpath, cfg, &cl->rx[i]) != 0)
			return -EINVAL;
		cl->nb_rx++;
	}
	return 0;
}

/* Each rx queue of each port must be polled by exactly one worker. */
static int
check_rx_ownership(struct parse *p, const struct synq_config *cfg)
{
	for (unsigned int pi = 0; pi < cfg->nb_ports; pi++) {
		for (unsigned int q = 0; q < cfg->ports[pi].rx_queues; q++) {
			int owner = -1;

			for (unsigned int l = 0; l < cfg->nb_lcores; l++) {
				const struct synq_config_lcore *cl = &cfg->lcores[l];

				for (unsigned int r = 0; r < cl->nb_rx; r++) {
					char path[KEY_PATH_LEN];

					if (cl->rx[r].port != pi || cl->rx[r].queue != q)
						continue;
					if (owner >= 0) {
						snprintf(path, sizeof(path), "lcores[%u].rx[%u]", l,
							r);
						return fail(p, path, NULL, NULL, "repeats port "
							"\"%s\" queue %u, already polled by "
							"lcores[%d], expected one poller a queue",
							cfg->ports[pi].name, q, owner);
					}
					owner = (int)l;
				}
			}
			if (owner < 0) {
				char path[KEY_PATH_LEN];

				snprintf(path, sizeof(path), "ports[%u]", pi);
				return fail(p, path, "rx_queues", NULL, "queue %u is polled by "
					"no lcore, expected an entry in some lcores[].rx", q);
			}
		}
	}
	return 0;
}

/* Linux's defaults (net.ipv4.tcp_*, net.core.somaxconn on a 5.4+ kernel). */
static const struct synq_config_tcp tcp_defaults = {
	.syncookies = SYNQ_SYNCOOKIES_WHEN_FULL,
	.somaxconn = 4096,
	.max_syn_backlog = 4096,
	.abort_on_overflow = 0,
	.synack_retries = 5,
	.queue_model = SYNQ_QUEUE_LINUX,
	.window_scale = 7,
	.max_flows = 16384,
	.rcv_buf = 262144,
	.snd_buf = 262144,
	.idle_timeout_ms = 300000,
	.first_byte_timeout_ms = 30000,
};

/* The knobs a listener may override; the "tcp" object has them plus global ones. */
static int
parse_tcp_knobs(struct parse *p, const json_t *obj, const char *path, struct synq_config_tcp *t)
{
	if (GET_UINT(p, obj, path, "syncookies", SYNQ_SYNCOOKIES_NEVER, SYNQ_SYNCOOKIES_ALWAYS,
			t->syncookies) != 0 ||
		GET_UINT(p, obj, path, "max_syn_backlog", 1, SYNQ_MAX_SYN_BACKLOG_MAX,
			t->max_syn_backlog) != 0 ||
		GET_UINT(p, obj, path, "abort_on_overflow", 0, 1, t->abort_on_overflow) != 0 ||
		GET_UINT(p, obj, path, "synack_retries", 0, 10, t->synack_retries) != 0 ||
		GET_UINT(p, obj, path, "window_scale", 0, TCP_WSCALE_MAX, t->window_scale) != 0 ||
		GET_UINT(p, obj, path, "max_flows", 1, 1u << 22, t->max_flows) != 0 ||
		GET_UINT(p, obj, path, "rcv_buf", TCP_BUF_MIN, TCP_BUF_MAX, t->rcv_buf) != 0 ||
		GET_UINT(p, obj, path, "snd_buf", TCP_BUF_MIN, TCP_BUF_MAX, t->snd_buf) != 0 ||
		GET_UINT(p, obj, path, "idle_timeout_ms", 0, TCP_TIMEOUT_MS_MAX,
			t->idle_timeout_ms) != 0 ||
		GET_UINT(p, obj, path, "first_byte_timeout_ms", 0, TCP_TIMEOUT_MS_MAX,
			t->first_byte_timeout_ms) != 0 ||
		GET_ENUM(p, obj, path, "queue_model", config_queue_models, "a queue model",
			t->queue_model) != 0)
		return -EINVAL;
	return 0;
}

/* @p s is the secret in hex: two digits a byte, nothing after them. */
static int
hex_secret(const char *s, uint8_t out[SYNQ_COOKIE_SECRET_LEN])
{
	for (unsigned int i = 0; i < SYNQ_COOKIE_SECRET_LEN; i++) {
		unsigned int b;

		if (sscanf(s + 2 * i, "%2x", &b) != 1 || !isxdigit((unsigned char)s[2 * i]) ||
			!isxdigit((unsigned char)s[2 * i + 1]))
			return -EINVAL;
		out[i] = (uint8_t)b;
	}
	return s[2 * SYNQ_COOKIE_SECRET_LEN] == '\0' ? 0 : -EINVAL;
}

static int
parse_tcp(struct parse *p, const json_t *root, struct synq_config *cfg)
{
	static const char *const known[] = {"syncookies", "somaxconn", "max_syn_backlog",
		"abort_on_overflow", "synack_retries", "queue_model", "window_scale",
		"max_flows", "rcv_buf", "snd_buf", "idle_timeout_ms", "first_byte_timeout_ms",
		"cookie_secret", "cookie_secret_file", NULL};
	const json_t *obj = json_object_get(root, "tcp");
	const json_t *sec, *file;

	cfg->tcp = tcp_defaults;
	if (obj == NULL)
		return 0;
	if (want_object(p, obj, "", "tcp") != 0 || check_keys(p, obj, "tcp", known) != 0 ||
		GET_UINT(p, obj, "tcp", "somaxconn", 0, SYNQ_SOMAXCONN_MAX, cfg->tcp.somaxconn) != 0 ||
		parse_tcp_knobs(p, obj, "tcp", &cfg->tcp) != 0)
		return -EINVAL;

	sec = json_object_get(obj, "cookie_secret");
	file = json_object_get(obj, "cookie_secret_file");
	if (sec != NULL && !json_is_null(sec) && file != NULL)
		return fail(p, "tcp", "cookie_secret_file", NULL, "is set beside cookie_secret, "
			"expected one of the two");
	if (sec != NULL && !json_is_null(sec)) {
		if (!json_is_string(sec) || hex_secret(json_string_value(sec), cfg->cookie_secret))
			return fail(p, "tcp", "cookie_secret", sec, "is not a secret, expected 32 "
				"hex digits (128 bits), e.g. from openssl rand -hex 16");
		cfg->cookie_secret_set = true;
	}
	if (file != NULL) {
		char text[80] = "";
		size_t n;
		FILE *f;

		if (want_string(p, file, "tcp", "cookie_secret_file", "a file path") != 0)
			return -EINVAL;
		f = fopen(json_string_value(file), "r");
		if (f == NULL)
			return fail(p, "tcp", "cookie_secret_file", file, "cannot be opened (%s), "
				"expected a readable file", strerror(errno));
		n = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
		while (n > 0 && isspace((unsigned char)text[n - 1]))
			text[--n] = '\0';
		if (hex_secret(text, cfg->cookie_secret) != 0)
			return fail(p, "tcp", "cookie_secret_file", file, "does not hold a secret, "
				"expected 32 hex digits");
		cfg->cookie_secret_set = true;
	}
	return 0;
}

static bool
port_owns(const struct synq_config *cfg, uint8_t family, const uint8_t *addr)
{
	for (unsigned int i = 0; i < cfg->nb_ports; i++) {
		const struct synq_config_port *cp = &cfg->ports[i];

		for (unsigned int a = 0; family == 4 && a < cp->nb_ipv4; a++)
			if (memcmp(&cp->ipv4[a], addr, 4) == 0)
				return true;
		for (unsigned int a = 0; family == 6 && a < cp->nb_ipv6; a++)
			if (memcmp(cp->ipv6[a], addr, 16) == 0)
				return true;
	}
	return false;
}

static int
parse_listener(struct parse *p, const json_t *lj, unsigned int idx, struct synq_config *cfg)
{
	static const char *const known[] = {"address", "port", "backlog", "app", "syncookies",
		"max_syn_backlog", "abort_on_overflow", "synack_retries", "queue_model",
		"window_scale", "max_flows", "rcv_buf", "snd_buf", "idle_timeout_ms",
		"first_byte_timeout_ms", "http_body", NULL};
	struct synq_config_listener *l = &cfg->listeners[idx];
	char path[KEY_PATH_LEN];
	const json_t *v;
	const char *s;
	json_int_t b;

	snprintf(path, sizeof(path), "listeners[%u]", idx);
	if (want_object(p, lj, path, NULL) != 0 || check_keys(p, lj, path, known) != 0)
		return -EINVAL;

	v = json_object_get(lj, "address");
	s = v == NULL ? "*" : json_is_string(v) ? json_string_value(v) : NULL;
	if (s == NULL)
		return fail(p, path, "address", v, "is %s, expected an address string",
			type_name(v));
	if (strcmp(s, "*") == 0) {
		l->any = true;
	} else if (inet_pton(AF_INET, s, l->addr) == 1) {
		l->family = 4;
		l->any = memcmp(l->addr, (const uint8_t[4]){0}, 4) == 0;
	} else if (inet_pton(AF_INET6, s, l->addr) == 1) {
		l->family = 6;
		l->any = memcmp(l->addr, (const uint8_t[16]){0}, 16) == 0;
	} else {
		return fail(p, path, "address", v, "is not an address, expected \"*\", "
			"\"0.0.0.0\", \"::\" or one of the ports' addresses");
	}
	if (!l->any && !port_owns(cfg, l->family, l->addr))
		return fail(p, path, "address", v, "is on no port, expected one of the "
			"addresses in ports[].ipv4 / ipv6, or a wildcard");

	if (json_object_get(lj, "port") == NULL)
		return fail(p, path, "port", NULL, "is missing, expected a TCP port 1..65535");
	if (GET_UINT(p, lj, path, "port", 1, 65535, l->port) != 0)
		return -EINVAL;
	for (unsigned int i = 0; i < idx; i++) {
		const struct synq_config_listener *o = &cfg->listeners[i];
		bool fam = o->family == 0 || l->family == 0 || o->family == l->family;
		bool addr = o->any || l->any || memcmp(o->addr, l->addr, 16) == 0;

		if (o->port == l->port && fam && addr)
			return fail(p, path, "port", json_object_get(lj, "port"), "overlaps "
				"listeners[%u], expected one listener an address and port", i);
	}

	l->tcp = cfg->tcp;
	if (parse_tcp_knobs(p, lj, path, &l->tcp) != 0)
		return -EINVAL;

	/* listen(2): -1 asks for somaxconn; larger values are capped to it. */
	l->backlog_asked = 511;
	v = json_object_get(lj, "backlog");
	if (v != NULL) {
		if (!json_is_integer(v))
			return fail(p, path, "backlog", v, "is %s, expected an integer -1..%d",
				type_name(v), INT32_MAX);
		b = json_integer_value(v);
		if (b < -1 || b > INT32_MAX)
			return fail(p, path, "backlog", v, "is out of range, expected an integer "
				"-1..%d (-1: somaxconn)", INT32_MAX);
		l->backlog_asked = (int32_t)b;
	}
	l->backlog = l->backlog_asked < 0 || (uint32_t)l->backlog_asked > cfg->tcp.somaxconn
		? cfg->tcp.somaxconn : (uint32_t)l->backlog_asked;

	l->app = SYNQ_APP_HOLD;
	if (GET_ENUM(p, lj, path, "app", config_apps, "an application", l->app) != 0)
		return -EINVAL;
	snprintf(l->http_body, sizeof(l->http_body), "%s", "Hello from synq\n");
	v = json_object_get(lj, "http_body");
	if (v != NULL) {
		if (!json_is_string(v) || json_string_length(v) > SYNQ_HTTP_BODY_MAX)
			return fail(p, path, "http_body", v, "is not a body, expected a string of "
				"at most %d bytes", SYNQ_HTTP_BODY_MAX);
		if (strlen(json_string_value(v)) != json_string_length(v))
			return fail(p, path, "http_body", v, "holds a NUL byte, expected text");
		snprintf(l->http_body, sizeof(l->http_body), "%s", json_string_value(v));
	}
	return 0;
}

static int
parse_listeners(struct parse *p, const json_t *root, struct synq_config *cfg)
{
	const json_t *v = json_object_get(root, "listeners");
	bool apps = false;
	size_t i;
	json_t *e;

	if (v == NULL)
		return 0;
	if (want_array(p, v, "", "listeners", 0, SYNQ_MAX_LISTENERS) != 0)
		return -EINVAL;
	json_array_foreach(v, i, e)
	{
		if (parse_listener(p, e, (unsigned int)i, cfg) != 0)
			return -EINVAL;
		cfg->nb_listeners++;
	}
	for (unsigned int l = 0; l < cfg->nb_lcores; l++)
		apps |= cfg->lcores[l].role != SYNQ_ROLE_WORKER;
	for (unsigned int l = 0; l < cfg->nb_listeners && !apps; l++) {
		char path[KEY_PATH_LEN];

		if (cfg->listeners[l].app == SYNQ_APP_HOLD)
			continue;
		snprintf(path, sizeof(path), "listeners[%u]", l);
		return fail(p, path, "app", json_object_get(json_array_get(v, l), "app"),
			"accepts connections but no lcore runs applications, expected an "
			"lcores[] entry with role \"app\" or \"both\"");
	}
	return 0;
}

static int
parse_root(struct parse *p, const json_t *root, struct synq_config *cfg)
{
	static const char *const known[] = {"ports", "lcores", "mempool", "stats", "tcp",
		"listeners", "test", NULL};
	static const char *const known_test[] = {"reorder_permille", NULL};
	static const char *const known_mempool[] = {"mbufs", "cache", NULL};
	static const char *const known_stats[] = {"interval_ms", "file", NULL};
	const json_t *v;
	size_t i;
	json_t *e;

	if (want_object(p, root, "(top level)", NULL) != 0 || check_keys(p, root, "", known) != 0)
		return -EINVAL;

	v = json_object_get(root, "ports");
	if (v == NULL)
		return fail(p, "", "ports", NULL, "is missing, expected an array of ports");
	if (want_array(p, v, "", "ports", 1, SYNQ_MAX_PORTS) != 0)
		return -EINVAL;
	json_array_foreach(v, i, e)
	{
		if (parse_port(p, e, (unsigned int)i, cfg) != 0)
			return -EINVAL;
		cfg->nb_ports++;
	}

	v = json_object_get(root, "lcores");
	if (v == NULL)
		return fail(p, "", "lcores", NULL, "is missing, expected an array of lcore roles");
	if (want_array(p, v, "", "lcores", 1, SYNQ_MAX_LCORES) != 0)
		return -EINVAL;
	json_array_foreach(v, i, e)
	{
		if (parse_lcore(p, e, (unsigned int)i, cfg) != 0)
			return -EINVAL;
		cfg->nb_lcores++;
	}
	if (check_rx_ownership(p, cfg) != 0)
		return -EINVAL;
	if (parse_tcp(p, root, cfg) != 0 || parse_listeners(p, root, cfg) != 0)
		return -EINVAL;

	v = json_object_get(root, "test");
	if (v != NULL && (want_object(p, v, "", "test") != 0 ||
		check_keys(p, v, "test", known_test) != 0 ||
		GET_UINT(p, v, "test", "reorder_permille", 0, 500, cfg->reorder_permille) != 0))
		return -EINVAL;

	cfg->mbufs = 0;
	cfg->mbuf_cache = 256;
	v = json_object_get(root, "mempool");
	if (v != NULL) {
		if (want_object(p, v, "", "mempool") != 0 ||
			check_keys(p, v, "mempool", known_mempool) != 0 ||
			GET_UINT(p, v, "mempool", "mbufs", 0, MBUFS_MAX, cfg->mbufs) != 0 ||
			GET_UINT(p, v, "mempool", "cache", 0, RTE_MEMPOOL_CACHE_MAX_SIZE,
				cfg->mbuf_cache) != 0)
			return -EINVAL;
		if (cfg->mbufs != 0 && cfg->mbufs < MBUFS_MIN)
			return fail(p, "mempool", "mbufs", json_object_get(v, "mbufs"),
				"is too small, expected 0 (sized from the ports) or %u..%u",
				MBUFS_MIN, MBUFS_MAX);
	}

	cfg->stats_interval_ms = 1000;
	v = json_object_get(root, "stats");
	if (v != NULL) {
		const json_t *f;

		if (want_object(p, v, "", "stats") != 0 ||
			check_keys(p, v, "stats", known_stats) != 0 ||
			GET_UINT(p, v, "stats", "interval_ms", 0, 3600000,
				cfg->stats_interval_ms) != 0)
			return -EINVAL;
		f = json_object_get(v, "file");
		if (f != NULL) {
			if (want_string(p, f, "stats", "file", "a file path") != 0)
				return -EINVAL;
			if (json_string_length(f) >= sizeof(cfg->stats_file))
				return fail(p, "stats", "file", NULL, "is too long, expected a "
					"path shorter than %zu", sizeof(cfg->stats_file));
			strcpy(cfg->stats_file, json_string_value(f));
		}
	}
	return 0;
}

int
synq_config_parse(const char *text, struct synq_config *cfg, char *err, size_t errlen)
{
	struct parse p = {.err = err, .errlen = errlen};
	json_error_t jerr;
	json_t *root;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		snprintf(err, errlen, "config error: line %d column %d: %s, expected valid JSON",
			jerr.line, jerr.column, jerr.text);
		return -EINVAL;
	}
	rc = parse_root(&p, root, cfg);
	json_decref(root);
	return rc;
}

int
synq_config_load(const char *path, struct synq_config *cfg, char *err, size_t errlen)
{
	char *text;
	long size;
	FILE *f;
	int rc;

	f = fopen(path, "r");
	if (f == NULL) {
		rc = -errno;
		snprintf(err, errlen, "config error: cannot open %s: %s", path, strerror(errno));
		return rc;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
		size > CONFIG_FILE_MAX) {
		fclose(f);
		snprintf(err, errlen, "config error: cannot read %s: not a regular file of at "
			"most %d MiB", path, CONFIG_FILE_MAX >> 20);
		return -EINVAL;
	}
	text = malloc((size_t)size + 1);
	if (text == NULL) {
		fclose(f);
		snprintf(err, errlen, "config error: %s: out of memory", path);
		return -ENOMEM;
	}
	if (fread(text, 1, (size_t)size, f) != (size_t)size) {
		free(text);
		fclose(f);
		snprintf(err, errlen, "config error: cannot read %s", path);
		return -EIO;
	}
	fclose(f);
	text[size] = '\0';
	rc = synq_config_parse(text, cfg, err, errlen);
	free(text);
	return rc;
}

const char *
synq_config_default_text(void)
{
	return SYNQ_DEFAULT_CONFIG;
}

static bool
lcore_polls_port(const struct synq_config_lcore *cl, unsigned int port_idx)
{
	for (unsigned int r = 0; r < cl->nb_rx; r++)
		if (cl->rx[r].port == port_idx)
			return true;
	return false;
}

int
synq_config_txq(const struct synq_config *cfg, unsigned int lcore_idx, unsigned int port_idx)
{
	int q = 0;

	if (lcore_idx >= cfg->nb_lcores || !lcore_polls_port(&cfg->lcores[lcore_idx], port_idx))
		return -1;
	for (unsigned int l = 0; l < lcore_idx; l++)
		q += lcore_polls_port(&cfg->lcores[l], port_idx);
	return q;
}

unsigned int
synq_config_nb_txq(const struct synq_config *cfg, unsigned int port_idx)
{
	unsigned int n = 0;

	for (unsigned int l = 0; l < cfg->nb_lcores; l++)
		n += lcore_polls_port(&cfg->lcores[l], port_idx);
	return n;
}
