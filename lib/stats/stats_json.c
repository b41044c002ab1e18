/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The statistics document (jansson), its atomic file writer, and the same figures
 * as DPDK telemetry commands.
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_telemetry.h>

#include "stats_priv.h"
#include "synq_stats.h"

static json_t *
counters_json(const struct synq_counters *c)
{
	json_t *o = json_object();

	for (unsigned int i = 0; i < SYNQ_CTR_MAX; i++)
		json_object_set_new(o, synq_counter_name(i),
			json_integer((json_int_t)synq_counter_read(c, i)));
	return o;
}

/* The rte_eth_stats fields an operator reads first; see docs/counters.md. */
#define PORT_STATS_FIELDS(X)                                                                       \
	X(ipackets)                                                                                \
	X(opackets)                                                                                \
	X(ibytes)                                                                                  \
	X(obytes)                                                                                  \
	X(imissed)                                                                                 \
	X(ierrors)                                                                                 \
	X(oerrors)                                                                                 \
	X(rx_nombuf)

static json_t *
port_json(const struct stats_port *p)
{
	struct rte_eth_stats st;
	json_t *o = json_object();

	json_object_set_new(o, "port", json_integer(p->port_id));
	json_object_set_new(o, "name", json_string(p->name));
	if (p->ipv6_fn != NULL)
		json_object_set_new(o, "ipv6", p->ipv6_fn(p->ipv6_arg));
	if (rte_eth_stats_get(p->port_id, &st) != 0)
		return o;
#define X(f) json_object_set_new(o, #f, json_integer((json_int_t)st.f));
	PORT_STATS_FIELDS(X)
#undef X
	return o;
}

/* A pool's numbers, for the document and telemetry alike. */
#define POOL_FIELDS(X, p)                                                                         \
	X(size, (p)->mp->size)                                                                     \
	X(in_use, rte_mempool_in_use_count((p)->mp))                                               \
	X(free, rte_mempool_avail_count((p)->mp))                                                  \
	X(reserve, (p)->reserve)                                                                   \
	X(elt_size, (p)->mp->elt_size)

static json_t *
pool_json(const struct stats_pool *p)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(p->mp->name));
#define X(k, v) json_object_set_new(o, #k, json_integer((json_int_t)(v)));
	POOL_FIELDS(X, p)
#undef X
	return o;
}

json_t *
synq_stats_json(void)
{
	struct synq_counters sum;
	json_t *doc = json_object();
	json_t *lcores = json_array();
	json_t *ports = json_array();
	struct timespec now;
	struct tm utc;
	char iso[32];

	/*
	 * gmtime_r(), not gmtime()'s static struct: the main lcore's stats file (no lock
	 * held) and a metrics app lcore's render (issue 15) build this at the same time.
	 */
	clock_gettime(CLOCK_REALTIME, &now);
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now.tv_sec, &utc));
	json_object_set_new(doc, "version", json_string(SYNQ_VERSION));
	json_object_set_new(doc, "time", json_string(iso));
	json_object_set_new(doc, "time_unix", json_real(now.tv_sec + now.tv_nsec / 1e9));
	json_object_set_new(doc, "uptime_s", json_real(stats_uptime()));
	/* turns SynqBusyCycles into seconds; 0 without EAL */
	json_object_set_new(doc, "tsc_hz", json_integer((json_int_t)rte_get_tsc_hz()));

	synq_stats_sum(&sum);
	json_object_set_new(doc, "counters", counters_json(&sum));

	for (unsigned int l = 0; l < RTE_MAX_LCORE; l++) {
		json_t *o;

		if (stats_registry.lcore[l] == NULL)
			continue;
		o = json_object();
		json_object_set_new(o, "lcore", json_integer(l));
		json_object_set_new(o, "role", json_string(stats_registry.role[l]));
		json_object_set_new(o, "counters", counters_json(stats_registry.lcore[l]));
		json_array_append_new(lcores, o);
	}
	json_object_set_new(doc, "lcores", lcores);

	for (unsigned int i = 0; i < stats_registry.nb_ports; i++)
		json_array_append_new(ports, port_json(&stats_registry.ports[i]));
	json_object_set_new(doc, "ports", ports);
	{
		json_t *pools = json_array();

		for (unsigned int i = 0; i < stats_registry.nb_pools; i++)
			json_array_append_new(pools, pool_json(&stats_registry.pools[i]));
		json_object_set_new(doc, "mempools", pools);
	}
	json_object_set_new(doc, "listeners", stats_registry.listeners_fn != NULL
		? stats_registry.listeners_fn(stats_registry.listeners_arg) : json_array());
	return doc;
}

json_t *
synq_stats_json_try(void)
{
	json_t *doc;

	if (pthread_mutex_trylock(&stats_registry.lock) != 0)
		return NULL;
	doc = stats_registry.live ? synq_stats_json() : NULL;
	pthread_mutex_unlock(&stats_registry.lock);
	return doc;
}

/*
 * The temporary file beside @p path (same directory, so rename() is atomic): its
 * name ends in six random characters and it is created exclusively (mkostemp(3):
 * O_CREAT | O_EXCL, so never through a link someone left there, retried on a
 * collision). A name built from the pid could be guessed, and a local user who
 * created it first would stop synq from starting. Its mode is 0644 less the umask
 * synq started with (synq_stats_check_file() reads it, before any thread runs).
 */
static mode_t file_mode = 0644;

static int
open_tmp(const char *path, char *tmp, size_t len)
{
	int fd;

	if (snprintf(tmp, len, "%s.XXXXXX", path) >= (int)len)
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, file_mode) != 0) {
		int rc = -errno;

		close(fd);
		unlink(tmp);
		return rc;
	}
	return fd;
}

int
synq_stats_check_file(const char *path)
{
	char tmp[PATH_MAX + 32];
	struct stat st;
	mode_t mask = umask(0);
	int fd;

	umask(mask);
	file_mode = 0644 & ~mask;
	/* what is there already must be a file we can replace, not a directory or a fifo */
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
		return -EISDIR;
	fd = open_tmp(path, tmp, sizeof(tmp));
	if (fd < 0)
		return fd;
	close(fd);
	unlink(tmp);
	return 0;
}

int
synq_stats_write_file(const char *path)
{
	char tmp[PATH_MAX + 32];
	json_t *doc;
	FILE *f;
	int fd;
	int rc = 0;

	fd = open_tmp(path, tmp, sizeof(tmp));
	if (fd < 0)
		return fd;
	f = fdopen(fd, "w");
	if (f == NULL) {
		rc = -errno;
		close(fd);
		unlink(tmp);
		return rc;
	}
	doc = synq_stats_json();
	if (json_dumpf(doc, f, JSON_INDENT(1) | JSON_SORT_KEYS) != 0 || fputc('\n', f) == EOF)
		rc = -EIO;
	json_decref(doc);
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc != 0)
		unlink(tmp);
	return rc;
}

/* Telemetry: the same counters, in DPDK's own wire format. */

static void
tel_counters(struct rte_tel_data *d, const struct synq_counters *c)
{
	rte_tel_data_start_dict(d);
	for (unsigned int i = 0; i < SYNQ_CTR_MAX; i++)
		rte_tel_data_add_dict_u64(d, synq_counter_name(i), synq_counter_read(c, i));
}

/* Telemetry runs on its own thread: hold the registry still, and only while live. */
static bool
tel_enter(void)
{
	pthread_mutex_lock(&stats_registry.lock);
	if (stats_registry.live)
		return true;
	pthread_mutex_unlock(&stats_registry.lock);
	return false;
}

static void
tel_leave(void)
{
	pthread_mutex_unlock(&stats_registry.lock);
}

static int
tel_stats(const char *cmd __rte_unused, const char *params __rte_unused, struct rte_tel_data *d)
{
	struct synq_counters sum;

	if (!tel_enter())
		return -EAGAIN;
	synq_stats_sum(&sum);
	tel_leave();
	tel_counters(d, &sum);
	return 0;
}

static int
tel_lcores(const char *cmd __rte_unused, const char *params __rte_unused, struct rte_tel_data *d)
{
	if (!tel_enter())
		return -EAGAIN;
	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	for (unsigned int l = 0; l < RTE_MAX_LCORE; l++)
		if (stats_registry.lcore[l] != NULL)
			rte_tel_data_add_array_int(d, (int)l);
	tel_leave();
	return 0;
}

/* Each lcore that keeps counters -> its role ("worker", "app", ...): the labels of
 * synqctl metrics, which /synq/lcores' plain list of ids cannot carry. */
static int
tel_lcore_roles(const char *cmd __rte_unused, const char *params __rte_unused,
	struct rte_tel_data *d)
{
	if (!tel_enter())
		return -EAGAIN;
	rte_tel_data_start_dict(d);
	for (unsigned int l = 0; l < RTE_MAX_LCORE; l++) {
		char key[16];

		if (stats_registry.lcore[l] == NULL)
			continue;
		snprintf(key, sizeof(key), "%u", l);
		rte_tel_data_add_dict_string(d, key, stats_registry.role[l]);
	}
	tel_leave();
	return 0;
}

static int
tel_lcore_stats(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	char *end;
	unsigned long l;

	if (params == NULL || *params == '\0')
		return -EINVAL;
	l = strtoul(params, &end, 10);
	if (*end != '\0' || l >= RTE_MAX_LCORE)
		return -EINVAL;
	if (!tel_enter())
		return -EAGAIN;
	if (stats_registry.lcore[l] == NULL) {
		tel_leave();
		return -EINVAL;
	}
	tel_counters(d, stats_registry.lcore[l]);
	tel_leave();
	return 0;
}

static int
tel_ports(const char *cmd __rte_unused, const char *params __rte_unused, struct rte_tel_data *d)
{
	if (!tel_enter())
		return -EAGAIN;
	rte_tel_data_start_dict(d);
	for (unsigned int i = 0; i < stats_registry.nb_ports; i++) {
		const struct stats_port *p = &stats_registry.ports[i];
		struct rte_tel_data *pd = rte_tel_data_alloc();
		struct rte_eth_stats st;

		if (pd == NULL) {
			tel_leave();
			return -ENOMEM;
		}
		rte_tel_data_start_dict(pd);
		rte_tel_data_add_dict_int(pd, "port", p->port_id);
		if (rte_eth_stats_get(p->port_id, &st) == 0) {
#define X(f) rte_tel_data_add_dict_u64(pd, #f, st.f);
			PORT_STATS_FIELDS(X)
#undef X
		}
		rte_tel_data_add_dict_container(d, p->name, pd, 0);
	}
	tel_leave();
	return 0;
}

/* Each mbuf pool by name -> {size, in_use, free, reserve, elt_size}. */
static int
tel_pools(const char *cmd __rte_unused, const char *params __rte_unused, struct rte_tel_data *d)
{
	if (!tel_enter())
		return -EAGAIN;
	rte_tel_data_start_dict(d);
	for (unsigned int i = 0; i < stats_registry.nb_pools; i++) {
		const struct stats_pool *p = &stats_registry.pools[i];
		struct rte_tel_data *pd = rte_tel_data_alloc();

		if (pd == NULL) {
			tel_leave();
			return -ENOMEM;
		}
		rte_tel_data_start_dict(pd);
#define X(k, v) rte_tel_data_add_dict_u64(pd, #k, (uint64_t)(v));
		POOL_FIELDS(X, p)
#undef X
		rte_tel_data_add_dict_container(d, p->mp->name, pd, 0);
	}
	tel_leave();
	return 0;
}

/* A telemetry dict of @p o's integer and string members; NULL when none is left. */
static struct rte_tel_data *
tel_dict_of(json_t *o)
{
	struct rte_tel_data *t = rte_tel_data_alloc();
	const char *key;
	json_t *v;

	if (t == NULL)
		return NULL;
	rte_tel_data_start_dict(t);
	json_object_foreach(o, key, v)
	{
		if (json_is_integer(v))
			rte_tel_data_add_dict_u64(t, key, (uint64_t)json_integer_value(v));
		else if (json_is_string(v))
			rte_tel_data_add_dict_string(t, key, json_string_value(v));
	}
	return t;
}

/*
 * The telemetry key of @p o (a listener's or a backend's "address" and "port") into
 * @p name. DPDK 22.11 refuses, silently, a dict key with anything but letters,
 * digits, '_' and '/' (rte_telemetry.h; a '.' was refused too, so a listener with an
 * address was missing from /synq/listeners): every other character becomes '_':
 * "any_80", "198_18_0_1_80", "2001_2__1_80".
 */
static void
tel_name(const json_t *o, char *name, size_t len)
{
	const char *addr = json_string_value(json_object_get(o, "address"));

	snprintf(name, len, "%s_%" JSON_INTEGER_FORMAT,
		addr == NULL || strcmp(addr, "*") == 0 ? "any" : addr,
		json_integer_value(json_object_get(o, "port")));
	for (char *c = name; *c != '\0'; c++)
		if (!isalnum((unsigned char)*c) && *c != '_')
			*c = '_';
}

/* Each listener as "address:port" -> {recv_q, send_q, ...}, from the same JSON. */
static int
tel_listeners(const char *cmd __rte_unused, const char *params __rte_unused,
	struct rte_tel_data *d)
{
	json_t *arr;
	size_t i;
	json_t *l;

	if (!tel_enter())
		return -EAGAIN;
	arr = stats_registry.listeners_fn != NULL
		? stats_registry.listeners_fn(stats_registry.listeners_arg) : json_array();
	tel_leave();
	rte_tel_data_start_dict(d);
	json_array_foreach(arr, i, l)
	{
		struct rte_tel_data *ld = tel_dict_of(l);
		char name[RTE_TEL_MAX_STRING_LEN];

		if (ld == NULL)
			break;
		tel_name(l, name, sizeof(name));
		if (rte_tel_data_add_dict_container(d, name, ld, 0) != 0) {
			/* refused (full): still ours */
			rte_tel_data_free(ld);
			break;
		}
	}
	json_decref(arr);
	return 0;
}

/*
 * Each proxy listener's backends as "listener/backend" -> {state, active, ...}. A
 * telemetry dict holds RTE_TEL_MAX_DICT_ENTRIES (256) entries: past them DPDK refuses
 * the entry and leaves the container to its caller, freed here (32 listeners of 64
 * backends are 2048, a container 67 KB each: never freed, 120 MB a query). Even
 * fewer fit in telemetry's 16 KB reply: the stats file has them all.
 */
int
stats_tel_backends(const char *cmd __rte_unused, const char *params __rte_unused,
	struct rte_tel_data *d)
{
	json_t *arr;
	size_t i, k;
	json_t *l, *b;

	if (!tel_enter())
		return -EAGAIN;
	arr = stats_registry.listeners_fn != NULL
		? stats_registry.listeners_fn(stats_registry.listeners_arg) : json_array();
	tel_leave();
	rte_tel_data_start_dict(d);
	json_array_foreach(arr, i, l)
	{
		char lname[RTE_TEL_MAX_STRING_LEN];

		tel_name(l, lname, sizeof(lname));
		json_array_foreach(json_object_get(l, "backends"), k, b)
		{
			struct rte_tel_data *bd = tel_dict_of(b);
			char bname[RTE_TEL_MAX_STRING_LEN];
			char name[2 * RTE_TEL_MAX_STRING_LEN + 1];

			if (bd == NULL)
				break;
			tel_name(b, bname, sizeof(bname));
			snprintf(name, sizeof(name), "%s/%s", lname, bname);
			if (rte_tel_data_add_dict_container(d, name, bd, 0) != 0) {
				/* refused (full): still ours */
				rte_tel_data_free(bd);
				goto full;
			}
		}
	}
full:
	json_decref(arr);
	return 0;
}

/*
 * The connections, a page at a time (lib/worker/conns.c). The registry's lock is held
 * only to read who answers: the answer waits for the workers, and the stats dump of
 * the main lcore, itself a worker that must serve that wait, takes the same lock.
 */
static int
tel_conns(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	synq_stats_tel_fn fn;
	void *arg;

	if (!tel_enter())
		return -EAGAIN;
	fn = stats_registry.conns_fn;
	arg = stats_registry.conns_arg;
	tel_leave();
	return fn != NULL ? fn(arg, params, d) : -ENOTSUP;
}

/* issue 15: the commands that act, set by the runtime (synq_stats_set_control()) */
static synq_stats_cmd_t control_reload, control_rotate;

void
synq_stats_set_control(synq_stats_cmd_t reload, synq_stats_cmd_t rotate_secret)
{
	control_reload = reload;
	control_rotate = rotate_secret;
}

/*
 * /synq/reload and /synq/rotate_secret: the handler waits for the main lcore (bounded,
 * in the handler), so not under the registry's lock, which the main lcore takes to
 * dump stats; tel_enter() only says synq is still live.
 */
static int
tel_control(const char *cmd, const char *params __rte_unused, struct rte_tel_data *d)
{
	synq_stats_cmd_t fn = strcmp(cmd, "/synq/reload") == 0 ? control_reload : control_rotate;
	const char *key;
	json_t *reply, *v;

	if (fn == NULL)
		return -ENOTSUP;
	if (!tel_enter())
		return -EAGAIN;
	tel_leave();
	reply = fn();
	if (reply == NULL)
		return -ENOMEM;
	rte_tel_data_start_dict(d);
	json_object_foreach (reply, key, v) {
		char text[RTE_TEL_MAX_STRING_LEN];

		if (json_is_integer(v)) {
			rte_tel_data_add_dict_u64(d, key, (uint64_t)json_integer_value(v));
		} else if (json_is_string(v)) {
			snprintf(text, sizeof(text), "%s", json_string_value(v));
			rte_tel_data_add_dict_string(d, key, text);
		}
	}
	json_decref(reply);
	return 0;
}

int
synq_stats_telemetry_init(void)
{
	int rc = 0;

	rc |= rte_telemetry_register_cmd("/synq/stats", tel_stats,
		"Counters summed over lcores. No parameters");
	rc |= rte_telemetry_register_cmd("/synq/lcores", tel_lcores,
		"Lcores that keep counters. No parameters");
	rc |= rte_telemetry_register_cmd("/synq/lcore_roles", tel_lcore_roles,
		"Each lcore that keeps counters and its role. No parameters");
	rc |= rte_telemetry_register_cmd("/synq/lcore_stats", tel_lcore_stats,
		"Counters of one lcore. Parameters: int lcore_id");
	rc |= rte_telemetry_register_cmd("/synq/ports", tel_ports,
		"Device stats of synq's ports. No parameters");
	rc |= rte_telemetry_register_cmd("/synq/mempools", tel_pools,
		"Mbuf pools: size, in use, free, the queues' reserve. No parameters");
	rc |= rte_telemetry_register_cmd("/synq/listeners", tel_listeners,
		"Listeners: recv_q, send_q as ss -lnt shows them. No parameters");
	rc |= rte_telemetry_register_cmd("/synq/backends", stats_tel_backends,
		"Proxy listeners' backends: state, connections, bytes, connect time. No parameters");
	rc |= rte_telemetry_register_cmd("/synq/conns", tel_conns,
		"TCP connections as ss -tni, a page a call. Parameters: int cursor (0, then next)");
	rc |= rte_telemetry_register_cmd("/synq/syn_sources", stats_tel_syn_sources,
		"Top SYN sources and prefixes of the last second, distinct sources. "
		"Parameters: int N (default 10, at most 50)");
	rc |= rte_telemetry_register_cmd("/synq/reload", tel_control,
		"Read the config file again and apply what changed: {ok, message, added, "
		"removed, retuned}. No parameters");
	rc |= rte_telemetry_register_cmd("/synq/rotate_secret", tel_control,
		"Rotate the cookie secret to tcp.cookie_secret_file's: {ok, message, "
		"generation}. No parameters");
	return rc != 0 ? -EINVAL : 0;
}
