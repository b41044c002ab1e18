/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON -> struct synq_config. Every object checks its keys against the ones it knows,
 * every value its type and range, and the first error stops the parse with one line:
 *   config error: <key path>: <value> <problem>, expected <what>
 * Cross-references (a worker's rx queue names a port) are resolved here too, so a
 * config that parses is complete: only EAL facts (is lcore 3 enabled? is there a
 * device called net_ring0?) are left to the modules that start things.
 *
 * Here: the readers of JSON values (declared in config_priv.h), the top level, ports and
 * lcores. The ports' addresses and the routes are read in config_route.c, the "tcp"
 * object and the listeners in config_tcp.c, the enums' names are in config_enum.c, and
 * config_json.c writes the struct back out.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>

#include "synq_config.h"
#include "config_default.h"
#include "config_priv.h"

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

int
config_fail(struct config_parse *p, const char *path, const char *key, const json_t *val,
	const char *fmt, ...)
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

const char *
config_type_name(const json_t *v)
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

int
config_check_keys(struct config_parse *p, const json_t *obj, const char *path,
	const char *const *known)
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
			return config_fail(p, path, key, NULL, "unknown key, expected one of: %s",
				list);
	}
	return 0;
}

int
config_get_uint(struct config_parse *p, const json_t *obj, const char *path, const char *key,
	uint64_t min, uint64_t max, uint64_t *out)
{
	const json_t *v = json_object_get(obj, key);
	json_int_t i;

	if (v == NULL)
		return 0; /* keep the default already in *out */
	if (!json_is_integer(v))
		return config_fail(p, path, key, v, "is %s, expected an integer %" PRIu64
			"..%" PRIu64, config_type_name(v), min, max);
	i = json_integer_value(v);
	if (i < 0 || (uint64_t)i < min || (uint64_t)i > max)
		return config_fail(p, path, key, v, "is out of range, expected an integer %" PRIu64
			"..%" PRIu64, min, max);
	*out = (uint64_t)i;
	return 0;
}

int
config_get_bool(
	struct config_parse *p, const json_t *obj, const char *path, const char *key, bool *out)
{
	const json_t *v = json_object_get(obj, key);

	if (v == NULL)
		return 0;
	if (!json_is_boolean(v))
		return config_fail(p, path, key, v, "is %s, expected true or false",
			config_type_name(v));
	*out = json_is_true(v);
	return 0;
}

int
config_get_enum(struct config_parse *p, const json_t *obj, const char *path, const char *key,
	const struct config_enum_name *table, const char *what, int *out)
{
	const json_t *v = json_object_get(obj, key);
	char names[256];

	if (v == NULL)
		return 0; /* keep the default already in *out */
	if (config_enum_by_name(table, json_string_value(v), out) == 0)
		return 0;
	return config_fail(p, path, key, v, "is not %s, expected %s", what,
		config_enum_list(table, names, sizeof(names)));
}

int
config_want_string(struct config_parse *p, const json_t *v, const char *path, const char *key,
	const char *what)
{
	if (!json_is_string(v))
		return config_fail(p, path, key, v, "is %s, expected %s", config_type_name(v),
			what);
	return 0;
}

int
config_want_object(struct config_parse *p, const json_t *v, const char *path, const char *key)
{
	if (!json_is_object(v))
		return config_fail(p, path, key, v, "is %s, expected an object",
			config_type_name(v));
	return 0;
}

int
config_want_array(struct config_parse *p, const json_t *v, const char *path, const char *key,
	size_t min, size_t max)
{
	if (!json_is_array(v))
		return config_fail(p, path, key, v, "is %s, expected an array of %zu..%zu items",
			config_type_name(v), min, max);
	if (json_array_size(v) < min || json_array_size(v) > max)
		return config_fail(p, path, key, NULL, "has %zu items, expected %zu..%zu",
			json_array_size(v), min, max);
	return 0;
}

static int
parse_port(struct config_parse *p, const json_t *port, unsigned int idx, struct synq_config *cfg)
{
	static const char *const known[] = {"name", "mac", "vlan", "ipv4", "ipv6", "rx_queues",
		"rx_desc", "tx_desc", "promiscuous", "ipv6_dad", NULL};
	struct synq_config_port *cp = &cfg->ports[idx];
	char path[CONFIG_KEY_PATH_LEN];
	const json_t *v;

	snprintf(path, sizeof(path), "ports[%u]", idx);
	if (config_want_object(p, port, path, NULL) != 0 ||
		config_check_keys(p, port, path, known) != 0)
		return -EINVAL;

	v = json_object_get(port, "name");
	if (v == NULL)
		return config_fail(p, path, "name", NULL, "is missing, expected the DPDK device "
			"name (\"net_af_packet0\", \"0000:03:00.0\")");
	if (config_want_string(p, v, path, "name", "a DPDK device name") != 0)
		return -EINVAL;
	if (json_string_length(v) == 0 || json_string_length(v) >= sizeof(cp->name))
		return config_fail(p, path, "name", v,
			"has a bad length, expected 1..%zu characters", sizeof(cp->name) - 1);
	strcpy(cp->name, json_string_value(v));
	for (unsigned int i = 0; i < idx; i++)
		if (strcmp(cfg->ports[i].name, cp->name) == 0)
			return config_fail(p, path, "name", v,
				"is used twice, expected one entry a port");

	/* null, as --dump-config shows it, means the device's own address */
	v = json_object_get(port, "mac");
	if (v != NULL && !json_is_null(v)) {
		if (config_want_string(p, v, path, "mac", "a MAC address string") != 0)
			return -EINVAL;
		if (rte_ether_unformat_addr(json_string_value(v), &cp->mac) != 0 ||
			!rte_is_valid_assigned_ether_addr(&cp->mac))
			return config_fail(p, path, "mac", v, "is not a unicast MAC address, "
				"expected such as \"02:53:51:00:00:01\"");
		cp->mac_set = true;
	}
	cp->rx_queues = 1;
	cp->rx_desc = PORT_DESC_DEFAULT;
	cp->tx_desc = PORT_DESC_DEFAULT;
	cp->promiscuous = false;
	cp->ipv6_dad = true;
	if (CONFIG_GET_UINT(p, port, path, "vlan", 0, VLAN_ID_MAX, cp->vlan) != 0 ||
		CONFIG_GET_UINT(p, port, path, "rx_queues", 1, SYNQ_MAX_RXQ, cp->rx_queues) != 0 ||
		CONFIG_GET_UINT(p, port, path, "rx_desc", PORT_DESC_MIN, PORT_DESC_MAX,
			cp->rx_desc) != 0 ||
		CONFIG_GET_UINT(p, port, path, "tx_desc", PORT_DESC_MIN, PORT_DESC_MAX,
			cp->tx_desc) != 0 ||
		config_get_bool(p, port, path, "promiscuous", &cp->promiscuous) != 0 ||
		config_get_bool(p, port, path, "ipv6_dad", &cp->ipv6_dad) != 0)
		return -EINVAL;
	return config_parse_addresses(p, port, path, cp);
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
parse_rxq(struct config_parse *p, const json_t *rxq, const char *path, struct synq_config *cfg,
	struct synq_config_rxq *out)
{
	static const char *const known[] = {"port", "queue", NULL};
	const json_t *v;
	int idx;

	if (config_want_object(p, rxq, path, NULL) != 0 ||
		config_check_keys(p, rxq, path, known) != 0)
		return -EINVAL;
	v = json_object_get(rxq, "port");
	if (v == NULL)
		return config_fail(p, path, "port", NULL,
			"is missing, expected the name of a port");
	if (config_want_string(p, v, path, "port", "the name of a port in \"ports\"") != 0)
		return -EINVAL;
	idx = port_index(cfg, json_string_value(v));
	if (idx < 0)
		return config_fail(p, path, "port", v, "names no port, expected the name of an "
			"entry of \"ports\"");
	out->port = (uint16_t)idx;
	out->queue = 0;
	return CONFIG_GET_UINT(p, rxq, path, "queue", 0, cfg->ports[idx].rx_queues - 1, out->queue);
}

static int
parse_lcore(struct config_parse *p, const json_t *lc, unsigned int idx, struct synq_config *cfg)
{
	static const char *const known[] = {"lcore", "role", "rx", NULL};
	struct synq_config_lcore *cl = &cfg->lcores[idx];
	char path[CONFIG_KEY_PATH_LEN];
	char rpath[CONFIG_KEY_PATH_LEN + 32];
	const json_t *v;
	size_t i;
	json_t *r;

	snprintf(path, sizeof(path), "lcores[%u]", idx);
	if (config_want_object(p, lc, path, NULL) != 0 ||
		config_check_keys(p, lc, path, known) != 0)
		return -EINVAL;
	if (json_object_get(lc, "lcore") == NULL)
		return config_fail(p, path, "lcore", NULL, "is missing, expected an EAL lcore id");
	if (CONFIG_GET_UINT(p, lc, path, "lcore", 0, RTE_MAX_LCORE - 1, cl->lcore_id) != 0)
		return -EINVAL;
	for (unsigned int j = 0; j < idx; j++)
		if (cfg->lcores[j].lcore_id == cl->lcore_id)
			return config_fail(p, path, "lcore", json_object_get(lc, "lcore"),
				"is used twice, expected one entry an lcore");

	cl->role = SYNQ_ROLE_WORKER;
	if (CONFIG_GET_ENUM(p, lc, path, "role", config_roles, "a role", cl->role) != 0)
		return -EINVAL;

	v = json_object_get(lc, "rx");
	if (cl->role == SYNQ_ROLE_APP) {
		if (v != NULL && json_array_size(v) != 0)
			return config_fail(p, path, "rx", NULL, "is set on an app lcore, expected "
				"no rx queues (only workers poll ports)");
		return 0;
	}
	if (v == NULL)
		return config_fail(p, path, "rx", NULL, "is missing, expected the (port, queue) "
			"pairs this %s lcore polls", synq_role_name(cl->role));
	if (config_want_array(p, v, path, "rx", 1, SYNQ_MAX_RXQ_PER_LCORE) != 0)
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
check_rx_ownership(struct config_parse *p, const struct synq_config *cfg)
{
	for (unsigned int pi = 0; pi < cfg->nb_ports; pi++) {
		for (unsigned int q = 0; q < cfg->ports[pi].rx_queues; q++) {
			int owner = -1;

			for (unsigned int l = 0; l < cfg->nb_lcores; l++) {
				const struct synq_config_lcore *cl = &cfg->lcores[l];

				for (unsigned int r = 0; r < cl->nb_rx; r++) {
					char path[CONFIG_KEY_PATH_LEN];

					if (cl->rx[r].port != pi || cl->rx[r].queue != q)
						continue;
					if (owner >= 0) {
						snprintf(path, sizeof(path), "lcores[%u].rx[%u]", l,
							r);
						return config_fail(p, path, NULL, NULL,
							"repeats port \"%s\" queue %u, "
							"already polled by lcores[%d], "
							"expected one poller a queue",
							cfg->ports[pi].name, q, owner);
					}
					owner = (int)l;
				}
			}
			if (owner < 0) {
				char path[CONFIG_KEY_PATH_LEN];

				snprintf(path, sizeof(path), "ports[%u]", pi);
				return config_fail(p, path, "rx_queues", NULL, "queue %u is polled "
					"by no lcore, expected an entry in some lcores[].rx", q);
			}
		}
	}
	return 0;
}

/*
 * icmp: the echo replies' budget of each worker (Linux's net.ipv4.icmp_msgs_per_sec
 * and icmp_msgs_burst), shared by ICMP and ICMPv6.
 */
static int
parse_icmp(struct config_parse *p, const json_t *root, struct synq_config *cfg)
{
	static const char *const known_icmp[] = {"echo_per_s", "echo_burst", NULL};
	const json_t *v = json_object_get(root, "icmp");

	cfg->icmp_echo_per_s = SYNQ_ICMP_ECHO_PER_S_DEFAULT;
	cfg->icmp_echo_burst = SYNQ_ICMP_ECHO_BURST_DEFAULT;
	if (v != NULL && (config_want_object(p, v, "", "icmp") != 0 ||
		config_check_keys(p, v, "icmp", known_icmp) != 0 ||
		CONFIG_GET_UINT(p, v, "icmp", "echo_per_s", 0, SYNQ_ICMP_ECHO_PER_S_MAX,
			cfg->icmp_echo_per_s) != 0 ||
		CONFIG_GET_UINT(p, v, "icmp", "echo_burst", 1, SYNQ_ICMP_ECHO_BURST_MAX,
			cfg->icmp_echo_burst) != 0))
		return -EINVAL;
	return 0;
}

static int
parse_root(struct config_parse *p, const json_t *root, struct synq_config *cfg)
{
	static const char *const known[] = {"ports", "lcores", "mempool", "stats", "tcp",
		"listeners", "icmp", "test", "http", "routes", NULL};
	static const char *const known_test[] = {"reorder_permille", NULL};
	static const char *const known_mempool[] = {"mbufs", "cache", "conn_share", NULL};
	static const char *const known_stats[] = {"interval_ms", "file", NULL};
	static const char *const known_http[] = {"head_buffers", NULL};
	const json_t *v;
	size_t i;
	json_t *e;

	if (config_want_object(p, root, "(top level)", NULL) != 0 ||
		config_check_keys(p, root, "", known) != 0)
		return -EINVAL;

	v = json_object_get(root, "ports");
	if (v == NULL)
		return config_fail(p, "", "ports", NULL, "is missing, expected an array of ports");
	if (config_want_array(p, v, "", "ports", 1, SYNQ_MAX_PORTS) != 0)
		return -EINVAL;
	json_array_foreach(v, i, e)
	{
		if (parse_port(p, e, (unsigned int)i, cfg) != 0)
			return -EINVAL;
		cfg->nb_ports++;
	}
	if (config_parse_routes(p, root, cfg) != 0)
		return -EINVAL;

	v = json_object_get(root, "lcores");
	if (v == NULL)
		return config_fail(p, "", "lcores", NULL,
			"is missing, expected an array of lcore roles");
	if (config_want_array(p, v, "", "lcores", 1, SYNQ_MAX_LCORES) != 0)
		return -EINVAL;
	json_array_foreach(v, i, e)
	{
		if (parse_lcore(p, e, (unsigned int)i, cfg) != 0)
			return -EINVAL;
		cfg->nb_lcores++;
	}
	if (check_rx_ownership(p, cfg) != 0)
		return -EINVAL;
	if (config_parse_tcp(p, root, cfg) != 0 || config_parse_listeners(p, root, cfg) != 0 ||
		parse_icmp(p, root, cfg) != 0)
		return -EINVAL;

	v = json_object_get(root, "test");
	if (v != NULL && (config_want_object(p, v, "", "test") != 0 ||
		config_check_keys(p, v, "test", known_test) != 0 ||
		CONFIG_GET_UINT(p, v, "test", "reorder_permille", 0, 500,
			cfg->reorder_permille) != 0))
		return -EINVAL;

	/* issue 11, applications: 2 MiB of heads an application lcore */
	cfg->http_head_buffers = 1024;
	v = json_object_get(root, "http");
	if (v != NULL && (config_want_object(p, v, "", "http") != 0 ||
		config_check_keys(p, v, "http", known_http) != 0 ||
		CONFIG_GET_UINT(p, v, "http", "head_buffers", 0, 1u << 20,
			cfg->http_head_buffers) != 0))
		return -EINVAL;

	cfg->mbufs = 0;
	cfg->mbuf_cache = 256;
	cfg->conn_share = 75;
	v = json_object_get(root, "mempool");
	if (v != NULL) {
		if (config_want_object(p, v, "", "mempool") != 0 ||
			config_check_keys(p, v, "mempool", known_mempool) != 0 ||
			CONFIG_GET_UINT(p, v, "mempool", "mbufs", 0, MBUFS_MAX, cfg->mbufs) != 0 ||
			CONFIG_GET_UINT(p, v, "mempool", "cache", 0, RTE_MEMPOOL_CACHE_MAX_SIZE,
				cfg->mbuf_cache) != 0 ||
			CONFIG_GET_UINT(p, v, "mempool", "conn_share", 1, 100, cfg->conn_share) != 0)
			return -EINVAL;
		if (cfg->mbufs != 0 && cfg->mbufs < MBUFS_MIN)
			return config_fail(p, "mempool", "mbufs", json_object_get(v, "mbufs"),
				"is too small, expected 0 (sized from the ports) or %u..%u",
				MBUFS_MIN, MBUFS_MAX);
	}

	cfg->stats_interval_ms = 1000;
	v = json_object_get(root, "stats");
	if (v != NULL) {
		const json_t *f;

		if (config_want_object(p, v, "", "stats") != 0 ||
			config_check_keys(p, v, "stats", known_stats) != 0 ||
			CONFIG_GET_UINT(p, v, "stats", "interval_ms", 0, 3600000,
				cfg->stats_interval_ms) != 0)
			return -EINVAL;
		f = json_object_get(v, "file");
		if (f != NULL) {
			if (config_want_string(p, f, "stats", "file", "a file path") != 0)
				return -EINVAL;
			if (json_string_length(f) >= sizeof(cfg->stats_file))
				return config_fail(p, "stats", "file", NULL, "is too long, "
					"expected a path shorter than %zu",
					sizeof(cfg->stats_file));
			strcpy(cfg->stats_file, json_string_value(f));
		}
	}
	return 0;
}

/*
 * An error is one line of text: bytes of the config that it quotes (jansson's "near
 * '...'", a key) may hold a newline or a terminal's escape; they become '?'.
 */
static void
err_one_line(char *err, size_t errlen)
{
	for (size_t i = 0; i < errlen && err[i] != '\0'; i++)
		if ((unsigned char)err[i] < ' ' || err[i] == 0x7f)
			err[i] = '?';
}

int
synq_config_parse(const char *text, struct synq_config *cfg, char *err, size_t errlen)
{
	struct config_parse p = {.err = err, .errlen = errlen};
	json_error_t jerr;
	json_t *root;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		snprintf(err, errlen, "config error: line %d column %d: %s, expected valid JSON",
			jerr.line, jerr.column, jerr.text);
		err_one_line(err, errlen);
		return -EINVAL;
	}
	rc = parse_root(&p, root, cfg);
	json_decref(root);
	if (rc != 0)
		err_one_line(err, errlen);
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
