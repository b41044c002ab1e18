/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The statistics document in the Prometheus text exposition format 0.0.4
 * (prometheus.io/docs/instrumenting/exposition_formats): "# HELP", "# TYPE", then
 * the family's samples, each family's lines together and its name once. jansson and
 * libc only (no DPDK): synqctl links this file on its own (the synq_prom library).
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synq_prom.h"

static const struct {
	const char *name;
	const char *desc;
} counters[] = {
#define SYNQ_COUNTER(id, name, desc) {name, desc},
#include "synq_counters.def"
#undef SYNQ_COUNTER
};

#define GAUGE_PREFIX "gauge: "

/* Room for a sample's labels: addresses, names of ports and pools, all short. */
#define LABELS_MAX 512

static bool
is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool
is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

size_t
synq_prom_name(const char *nstat_name, int counter, char *out, size_t len)
{
	const char *p = nstat_name;
	size_t n = 0;

	/* synq's own counters: their Synq is the prefix already */
	if (strncmp(p, "Synq", 4) == 0 && is_upper(p[4]))
		p += 4;
#define PUT(ch)                                                                                    \
	do {                                                                                       \
		if (n + 1 >= len)                                                                  \
			return 0;                                                                  \
		out[n++] = (ch);                                                                   \
	} while (0)
	for (const char *s = "synq_"; *s != '\0'; s++)
		PUT(*s);
	for (size_t i = 0; p[i] != '\0'; i++) {
		char c = p[i];

		if (is_upper(c)) {
			if (i > 0 && (is_lower(p[i - 1]) || is_digit(p[i - 1]) ||
					     (is_upper(p[i - 1]) && is_lower(p[i + 1]) &&
						     is_lower(p[i + 2]))))
				PUT('_');
			c = (char)(c - 'A' + 'a');
		} else if (!is_lower(c) && !is_digit(c)) {
			c = '_';
		}
		PUT(c);
	}
	if (counter)
		for (const char *s = "_total"; *s != '\0'; s++)
			PUT(*s);
#undef PUT
	out[n] = '\0';
	return n;
}

/* HELP text: a backslash and a line feed escaped, as the format says. */
static void
put_help(FILE *f, const char *s)
{
	for (;;) {
		size_t n = strcspn(s, "\\\n");

		fwrite(s, 1, n, f);
		s += n;
		if (*s == '\0')
			return;
		fputs(*s == '\\' ? "\\\\" : "\\n", f);
		s++;
	}
}

/*
 * Append label @p key="@p value" to @p buf (NUL-terminated, @p len bytes), the value
 * escaped (backslash, double quote, line feed). A value too long to fit is cut.
 */
static void
label_add(char *buf, size_t len, const char *key, const char *value)
{
	size_t n = strlen(buf);
	int k = snprintf(buf + n, len - n, "%s%s=\"", n != 0 ? "," : "", key);

	if (k < 0 || (size_t)k >= len - n) {
		buf[n] = '\0';
		return;
	}
	n += (size_t)k;
	for (; *value != '\0' && n + 3 < len; value++) {
		if (*value == '\\' || *value == '"') {
			buf[n++] = '\\';
			buf[n++] = *value;
		} else if (*value == '\n') {
			buf[n++] = '\\';
			buf[n++] = 'n';
		} else {
			buf[n++] = *value;
		}
	}
	buf[n++] = '"';
	buf[n] = '\0';
}

/* A family: its header goes out with its first sample, so an empty one has none. */
struct family {
	const char *name;
	const char *type;
	const char *help;
	const char *help_prefix; /* written before help, then ": " (the nstat name) */
	bool started;
};

static void
sample(FILE *f, struct family *fam, const char *labels, const json_t *v, double scale)
{
	if (!json_is_number(v))
		return;
	if (!fam->started) {
		fprintf(f, "# HELP %s ", fam->name);
		if (fam->help_prefix != NULL) {
			put_help(f, fam->help_prefix);
			fputs(": ", f);
		}
		put_help(f, fam->help);
		fprintf(f, "\n# TYPE %s %s\n", fam->name, fam->type);
		fam->started = true;
	}
	fputs(fam->name, f);
	if (labels != NULL && labels[0] != '\0')
		fprintf(f, "{%s}", labels);
	if (json_is_integer(v) && scale == 0)
		/* counters are uint64_t, carried in json_int_t: those past 2^63 too */
		fprintf(f, " %llu\n", (unsigned long long)json_integer_value(v));
	else
		fprintf(f, " %.17g\n", json_number_value(v) * (scale == 0 ? 1 : scale));
}

/*
 * Every counter of synq_counters.def, one series per lcore (or the sums alone). Each
 * lcore's labels and counters object are looked up once, not once a counter.
 */
static int
write_counters(FILE *f, const json_t *doc)
{
	const json_t *lcores = json_object_get(doc, "lcores");
	size_t nb = json_is_array(lcores) ? json_array_size(lcores) : 0;
	char(*labels)[LABELS_MAX] = NULL;
	const json_t **ctrs = NULL;
	size_t k;
	json_t *o;

	if (nb != 0) {
		labels = calloc(nb, sizeof(*labels));
		ctrs = calloc(nb, sizeof(*ctrs));
		if (labels == NULL || ctrs == NULL) {
			free(labels);
			free(ctrs);
			return -ENOMEM;
		}
	}
	json_array_foreach (lcores, k, o) {
		const char *role = json_string_value(json_object_get(o, "role"));
		char num[24];

		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
			json_integer_value(json_object_get(o, "lcore")));
		label_add(labels[k], sizeof(labels[k]), "lcore", num);
		if (role != NULL)
			label_add(labels[k], sizeof(labels[k]), "role", role);
		ctrs[k] = json_object_get(o, "counters");
	}
	for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		const char *desc = counters[i].desc;
		bool gauge = strncmp(desc, GAUGE_PREFIX, strlen(GAUGE_PREFIX)) == 0;
		char name[128];
		struct family fam = {
			.name = name,
			.type = gauge ? "gauge" : "counter",
			.help = gauge ? desc + strlen(GAUGE_PREFIX) : desc,
			.help_prefix = counters[i].name,
		};

		if (synq_prom_name(counters[i].name, !gauge, name, sizeof(name)) == 0)
			continue;
		if (nb == 0)
			sample(f, &fam, NULL,
				json_object_get(json_object_get(doc, "counters"), counters[i].name),
				0);
		for (k = 0; k < nb; k++)
			sample(f, &fam, labels[k], json_object_get(ctrs[k], counters[i].name), 0);
	}
	free(labels);
	free(ctrs);
	return 0;
}

/* "address:port" of a listener or backend, an IPv6 address in brackets (RFC 3986). */
static void
label_addr(char *buf, size_t len, const char *key, const json_t *o)
{
	const char *addr = json_string_value(json_object_get(o, "address"));
	char s[96];

	if (addr == NULL)
		addr = "*";
	snprintf(s, sizeof(s),
		strchr(addr, ':') != NULL ? "[%s]:%" JSON_INTEGER_FORMAT
					  : "%s:%" JSON_INTEGER_FORMAT,
		addr, json_integer_value(json_object_get(o, "port")));
	label_add(buf, len, key, s);
}

/* One member of an object the document has an array of, as a family. */
struct field {
	const char *key;
	const char *name;
	const char *type;
	const char *help;
	double scale; /* 0: the integer as it is */
};

static const struct field listener_fields[] = {
	{"recv_q", "synq_listener_recv_q", "gauge",
		"connections in the accept queue, not accepted yet (ss -lnt Recv-Q)", 0},
	{"send_q", "synq_listener_send_q", "gauge",
		"the accept queue's limit, the listener's backlog (ss -lnt Send-Q)", 0},
	{"mem_held", "synq_listener_mem_held_bytes", "gauge",
		"truesize of the mbufs the listener's connections hold", 0},
};

static const struct field backend_fields[] = {
	{"up", "synq_backend_up", "gauge", "1 when the backend is up, 0 when down", 0},
	{"weight", "synq_backend_weight", "gauge", "the backend's configured weight", 0},
	{"active", "synq_backend_active_connections", "gauge", "connections to the backend now", 0},
	{"connections", "synq_backend_connections_total", "counter",
		"connections opened to the backend", 0},
	{"connected", "synq_backend_connected_total", "counter",
		"connections to the backend that completed their handshake", 0},
	{"connect_failed", "synq_backend_connect_failed_total", "counter",
		"connections to the backend refused or failed", 0},
	{"connect_timeouts", "synq_backend_connect_timeouts_total", "counter",
		"connections to the backend past their connect timeout", 0},
	{"bytes_to", "synq_backend_sent_bytes_total", "counter",
		"bytes relayed from clients to the backend", 0},
	{"bytes_from", "synq_backend_received_bytes_total", "counter",
		"bytes relayed from the backend to clients", 0},
	{"connect_us_p50", "synq_backend_connect_p50_seconds", "gauge",
		"median connect time to the backend, from its histogram", 1e-6},
	{"connect_us_p99", "synq_backend_connect_p99_seconds", "gauge",
		"99th percentile of the connect time to the backend", 1e-6},
	{"checks_ok", "synq_backend_checks_ok_total", "counter",
		"health checks of the backend that passed", 0},
	{"checks_failed", "synq_backend_checks_failed_total", "counter",
		"health checks of the backend that failed", 0},
};

static const struct field port_fields[] = {
	{"ipackets", "synq_port_rx_packets_total", "counter",
		"packets the port received (rte_eth_stats ipackets)", 0},
	{"opackets", "synq_port_tx_packets_total", "counter",
		"packets the port sent (rte_eth_stats opackets)", 0},
	{"ibytes", "synq_port_rx_bytes_total", "counter",
		"bytes the port received (rte_eth_stats ibytes)", 0},
	{"obytes", "synq_port_tx_bytes_total", "counter",
		"bytes the port sent (rte_eth_stats obytes)", 0},
	{"imissed", "synq_port_rx_missed_total", "counter",
		"packets dropped by the device, its rx queues full (rte_eth_stats imissed)", 0},
	{"ierrors", "synq_port_rx_errors_total", "counter",
		"erroneous packets received (rte_eth_stats ierrors)", 0},
	{"oerrors", "synq_port_tx_errors_total", "counter",
		"packets the port failed to send (rte_eth_stats oerrors)", 0},
	{"rx_nombuf", "synq_port_rx_nombuf_total", "counter",
		"rx mbuf allocation failures (rte_eth_stats rx_nombuf)", 0},
};

static const struct field pool_fields[] = {
	{"size", "synq_mempool_size", "gauge", "mbufs in the pool", 0},
	{"in_use", "synq_mempool_in_use", "gauge", "mbufs of the pool in use", 0},
	{"free", "synq_mempool_free", "gauge", "mbufs of the pool free", 0},
	{"reserve", "synq_mempool_reserve", "gauge",
		"mbufs kept for the rx/tx descriptors and caches, not for connections", 0},
	{"elt_size", "synq_mempool_element_bytes", "gauge", "bytes of one element", 0},
};

/* The labels of an array's member: a listener, a backend (@p parent its listener)... */
typedef void (*labels_fn)(char *buf, size_t len, const json_t *o, const json_t *parent);

static void
listener_labels(char *buf, size_t len, const json_t *o, const json_t *parent)
{
	const char *app = json_string_value(json_object_get(o, "app"));

	(void)parent;
	label_addr(buf, len, "listener", o);
	if (app != NULL)
		label_add(buf, len, "app", app);
}

static void
backend_labels(char *buf, size_t len, const json_t *o, const json_t *parent)
{
	label_addr(buf, len, "listener", parent);
	label_addr(buf, len, "backend", o);
}

static void
named_labels(char *buf, size_t len, const char *key, const json_t *o)
{
	const char *name = json_string_value(json_object_get(o, "name"));

	if (name != NULL)
		label_add(buf, len, key, name);
}

static void
port_labels(char *buf, size_t len, const json_t *o, const json_t *parent)
{
	(void)parent;
	named_labels(buf, len, "port", o);
}

static void
pool_labels(char *buf, size_t len, const json_t *o, const json_t *parent)
{
	(void)parent;
	named_labels(buf, len, "pool", o);
}

/* The value of field @p fl in @p o; a backend's state as 1 (up) or 0. */
static json_t *
field_value(const json_t *o, const struct field *fl, json_t *tmp)
{
	if (strcmp(fl->key, "up") == 0) {
		const char *st = json_string_value(json_object_get(o, "state"));

		if (st == NULL)
			return NULL;
		json_integer_set(tmp, strcmp(st, "up") == 0);
		return tmp;
	}
	return json_object_get(o, fl->key);
}

/*
 * Each field of @p fields, one family, a sample for each member of @p arr (the
 * members of each of its members' @p inner array when @p inner is not NULL).
 */
static void
write_fields(FILE *f, const json_t *arr, const char *inner, const struct field *fields, size_t nb,
	labels_fn labels)
{
	json_t *tmp = json_integer(0);

	for (size_t i = 0; i < nb; i++) {
		struct family fam = {
			.name = fields[i].name, .type = fields[i].type, .help = fields[i].help};
		size_t k, j;
		json_t *o, *b;

		json_array_foreach (arr, k, o) {
			char buf[LABELS_MAX] = "";

			if (inner == NULL) {
				labels(buf, sizeof(buf), o, NULL);
				sample(f, &fam, buf, field_value(o, &fields[i], tmp),
					fields[i].scale);
				continue;
			}
			json_array_foreach (json_object_get(o, inner), j, b) {
				buf[0] = '\0';
				labels(buf, sizeof(buf), b, o);
				sample(f, &fam, buf, field_value(b, &fields[i], tmp),
					fields[i].scale);
			}
		}
	}
	json_decref(tmp);
}

#define NB(a) (sizeof(a) / sizeof((a)[0]))

int
synq_prom_write(FILE *f, const json_t *doc)
{
	const char *version = json_string_value(json_object_get(doc, "version"));
	const json_t *listeners = json_object_get(doc, "listeners");

	if (version != NULL) {
		struct family fam = {.name = "synq_info",
			.type = "gauge",
			.help = "always 1: synq's version in its label"};
		char labels[LABELS_MAX] = "";
		json_t *one = json_integer(1);

		label_add(labels, sizeof(labels), "version", version);
		sample(f, &fam, labels, one, 0);
		json_decref(one);
	}
	{
		struct family fam = {.name = "synq_uptime_seconds",
			.type = "gauge",
			.help = "seconds since synq started"};

		sample(f, &fam, NULL, json_object_get(doc, "uptime_s"), 0);
	}
	if (write_counters(f, doc) != 0)
		return -ENOMEM;
	write_fields(f, listeners, NULL, listener_fields, NB(listener_fields), listener_labels);
	write_fields(f, listeners, "backends", backend_fields, NB(backend_fields), backend_labels);
	write_fields(
		f, json_object_get(doc, "ports"), NULL, port_fields, NB(port_fields), port_labels);
	write_fields(f, json_object_get(doc, "mempools"), NULL, pool_fields, NB(pool_fields),
		pool_labels);
	return ferror(f) ? -EIO : 0;
}
