/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "tcp" object and the listeners: Linux's TCP knobs and their defaults, which every
 * listener inherits and may override, the cookie secret, and the listening sockets
 * themselves. Parsed after the ports and lcores, against whose addresses and roles
 * the listeners are checked; errors have config.c's form.
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "synq_config.h"
#include "config_priv.h"

/* tcp.rcv_buf and snd_buf, in bytes */
#define TCP_BUF_MIN 4096
#define TCP_BUF_MAX (1u << 30)

/* tcp.unaccepted_mem, in bytes of buffers (truesize): 64 KiB..16 GiB-ish */
#define TCP_UNACCEPTED_MEM_MIN 65536
#define TCP_UNACCEPTED_MEM_MAX (1u << 31)

/* tcp.idle_timeout_ms, first_byte_timeout_ms and the others in ms: a day */
#define TCP_TIMEOUT_MS_MAX 86400000

/* tcp.challenge_ack_limit: Linux's own limit is an int */
#define TCP_CHALLENGE_ACK_LIMIT_MAX 1000000000

/* The largest window scale shift (RFC 7323 2.3). */
#define TCP_WSCALE_MAX 14

/* Linux's defaults (net.ipv4.tcp_*, net.core.somaxconn on a 5.4+ kernel). */
static const struct synq_config_tcp tcp_defaults = {
	.syncookies = SYNQ_SYNCOOKIES_WHEN_FULL,
	.somaxconn = 4096,
	.challenge_ack_limit = 1000,
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
	.fin_timeout_ms = 60000,
	.max_orphans = 4096,
	/* orphans (issue 11): 256 KiB (snd_buf) at 2.2 KB/s, then a RST */
	.orphan_timeout_ms = 120000,
	/* memory (issue 11): 910 buffers of 2 KiB */
	.unaccepted_mem = 2097152,
	/* active open (issue 13): Linux's tcp_syn_retries would be 6; RFC 6298's 1, 3, 7 s */
	.syn_retries = 3,
	/* Linux's net.ipv4.ip_local_port_range */
	.local_port_lo = 32768,
	.local_port_hi = 60999,
	/*
	 * Off, as issue 13 asks ("never reused while in TIME-WAIT") and as Linux's
	 * net.ipv4.tcp_tw_reuse = 2 is for other than loopback; true: its = 1, on the
	 * connections synq opens
	 */
	.tw_reuse = false,
};

/* The knobs a listener may override; the "tcp" object has them plus global ones. */
static int
parse_tcp_knobs(struct config_parse *p, const json_t *obj, const char *path,
	struct synq_config_tcp *t)
{
	if (CONFIG_GET_UINT(p, obj, path, "syncookies", SYNQ_SYNCOOKIES_NEVER,
			SYNQ_SYNCOOKIES_ALWAYS, t->syncookies) != 0 ||
		CONFIG_GET_UINT(p, obj, path, "max_syn_backlog", 1, SYNQ_MAX_SYN_BACKLOG_MAX,
			t->max_syn_backlog) != 0 ||
		CONFIG_GET_UINT(p, obj, path, "abort_on_overflow", 0, 1,
			t->abort_on_overflow) != 0 ||
		CONFIG_GET_UINT(p, obj, path, "synack_retries", 0, 10, t->synack_retries) != 0 ||
		CONFIG_GET_UINT(p, obj, path, "syn_retries", 0, 10, t->syn_retries) != 0 ||
		CONFIG_GET_UINT(p, obj, path, "window_scale", 0, TCP_WSCALE_MAX,
			t->window_scale) != 0 ||
		CONFIG_GET_UINT(p, obj, path, "max_flows", 1, 1u << 22, t->max_flows) != 0 ||
		CONFIG_GET_UINT(p, obj, path, "rcv_buf", TCP_BUF_MIN, TCP_BUF_MAX,
			t->rcv_buf) != 0 ||
		CONFIG_GET_UINT(p, obj, path, "snd_buf", TCP_BUF_MIN, TCP_BUF_MAX,
			t->snd_buf) != 0 ||
		CONFIG_GET_UINT(p, obj, path, "idle_timeout_ms", 0, TCP_TIMEOUT_MS_MAX,
			t->idle_timeout_ms) != 0 ||
		CONFIG_GET_UINT(p, obj, path, "first_byte_timeout_ms", 0, TCP_TIMEOUT_MS_MAX,
			t->first_byte_timeout_ms) != 0 ||
		CONFIG_GET_UINT(p, obj, path, "fin_timeout_ms", 0, TCP_TIMEOUT_MS_MAX,
			t->fin_timeout_ms) != 0 ||
		CONFIG_GET_UINT(p, obj, path, "max_orphans", 0, 1u << 22, t->max_orphans) != 0 ||
		/* orphans (issue 11) */
		CONFIG_GET_UINT(p, obj, path, "orphan_timeout_ms", 0, TCP_TIMEOUT_MS_MAX,
			t->orphan_timeout_ms) != 0 ||
		/* memory (issue 11) */
		CONFIG_GET_UINT(p, obj, path, "unaccepted_mem", TCP_UNACCEPTED_MEM_MIN,
			TCP_UNACCEPTED_MEM_MAX, t->unaccepted_mem) != 0 ||
		CONFIG_GET_ENUM(p, obj, path, "queue_model", config_queue_models, "a queue model",
			t->queue_model) != 0)
		return -EINVAL;
	return 0;
}

/*
 * tcp.local_ports, "lo-hi": the local ports of the connections synq opens (issue 13),
 * as Linux's ip_local_port_range; 1024 and up, lo <= hi. A port a listener holds is
 * skipped when one is chosen (tcp_active.c).
 */
static int
parse_local_ports(struct config_parse *p, const json_t *obj, struct synq_config_tcp *t)
{
	const json_t *v = json_object_get(obj, "local_ports");
	unsigned int lo, hi;
	int end = 0;

	if (v == NULL)
		return 0;
	if (!json_is_string(v) ||
		sscanf(json_string_value(v), "%5u-%5u%n", &lo, &hi, &end) != 2 ||
		json_string_value(v)[end] != '\0' || !isdigit((unsigned char)json_string_value(v)[0]))
		return config_fail(p, "tcp", "local_ports", v, "is not a range, expected "
			"\"lo-hi\" such as \"32768-60999\"");
	if (lo < 1024 || hi > 65535 || lo > hi)
		return config_fail(p, "tcp", "local_ports", v, "is out of bounds, expected "
			"1024 <= lo <= hi <= 65535");
	t->local_port_lo = (uint16_t)lo;
	t->local_port_hi = (uint16_t)hi;
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

/*
 * @p s could be a secret mistyped as a path: 16 or more hex digits with nothing else but
 * white space (no '/', no '.'). Such a value is never echoed in an error.
 */
static bool
looks_secret(const char *s)
{
	size_t digits = 0;

	for (; *s != '\0'; s++) {
		if (isxdigit((unsigned char)*s))
			digits++;
		else if (!isspace((unsigned char)*s))
			return false;
	}
	return digits >= 16;
}

int
synq_config_read_secret(const char *path, uint8_t secret[SYNQ_COOKIE_SECRET_LEN])
{
	char text[80] = "";
	struct stat st;
	ssize_t n;
	int fd;

	/*
	 * The main lcore reads it again at a reload or rotation (issue 15), between two
	 * passes of its loop: a FIFO or a device must not block it (open() of a FIFO
	 * waits for a writer), so only a regular file is read. Everything in it is read:
	 * beyond the secret and its line end, white space only.
	 */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0 || (size_t)n == sizeof(text) - 1)
		n = 0; /* unreadable, or more than a secret and white space: no secret */
	while (n > 0 && isspace((unsigned char)text[n - 1]))
		text[--n] = '\0';
	if (hex_secret(text, secret) != 0) {
		memset(secret, 0, SYNQ_COOKIE_SECRET_LEN);
		return -EINVAL;
	}
	return 0;
}

int
config_parse_tcp(struct config_parse *p, const json_t *root, struct synq_config *cfg)
{
	static const char *const known[] = {"syncookies", "somaxconn", "challenge_ack_limit",
		"max_syn_backlog",
		"abort_on_overflow", "synack_retries", "syn_retries", "local_ports", "queue_model",
		"window_scale", "max_flows", "rcv_buf", "snd_buf", "idle_timeout_ms", "first_byte_timeout_ms",
		"fin_timeout_ms", "max_orphans", "cookie_secret", "cookie_secret_file",
		"unaccepted_mem", "orphan_timeout_ms", "tw_reuse", NULL};
	const json_t *obj = json_object_get(root, "tcp");
	const json_t *sec, *file;

	cfg->tcp = tcp_defaults;
	if (obj == NULL)
		return 0;
	if (config_want_object(p, obj, "", "tcp") != 0 ||
		config_check_keys(p, obj, "tcp", known) != 0 ||
		CONFIG_GET_UINT(p, obj, "tcp", "somaxconn", 0, SYNQ_SOMAXCONN_MAX,
			cfg->tcp.somaxconn) != 0 ||
		CONFIG_GET_UINT(p, obj, "tcp", "challenge_ack_limit", 1,
			TCP_CHALLENGE_ACK_LIMIT_MAX, cfg->tcp.challenge_ack_limit) != 0 ||
		parse_tcp_knobs(p, obj, "tcp", &cfg->tcp) != 0 ||
		parse_local_ports(p, obj, &cfg->tcp) != 0 ||
		config_get_bool(p, obj, "tcp", "tw_reuse", &cfg->tcp.tw_reuse) != 0)
		return -EINVAL;

	sec = json_object_get(obj, "cookie_secret");
	file = json_object_get(obj, "cookie_secret_file");
	if (sec != NULL && !json_is_null(sec) && file != NULL)
		return config_fail(p, "tcp", "cookie_secret_file", NULL, "is set beside "
			"cookie_secret, expected one of the two");
	if (sec != NULL && !json_is_null(sec)) {
		if (json_is_string(sec) &&
			strcmp(json_string_value(sec), SYNQ_COOKIE_SECRET_SHOWN) == 0)
			return config_fail(p, "tcp", "cookie_secret", sec, "is what --dump-config "
				"shows in place of the secret, expected the secret itself "
				"(32 hex digits) or cookie_secret_file");
		/* Never echo the value: a secret with one digit wrong is nearly the secret. */
		if (!json_is_string(sec))
			return config_fail(p, "tcp", "cookie_secret", NULL, "is %s (not shown), "
				"expected 32 hex digits (128 bits) in a string, e.g. from "
				"openssl rand -hex 16", config_type_name(sec));
		if (hex_secret(json_string_value(sec), cfg->cookie_secret) != 0)
			return config_fail(p, "tcp", "cookie_secret", NULL, "is not a secret "
				"(a string of %zu characters, not shown), expected 32 hex "
				"digits (128 bits), e.g. from openssl rand -hex 16",
				strlen(json_string_value(sec)));
		cfg->cookie_secret_set = true;
	}
	if (file != NULL) {
		int rc;

		if (config_want_string(p, file, "tcp", "cookie_secret_file", "a file path") != 0)
			return -EINVAL;
		/* The secret itself given as the file's name: say so, never show it. */
		if (hex_secret(json_string_value(file), cfg->cookie_secret) == 0) {
			memset(cfg->cookie_secret, 0, sizeof(cfg->cookie_secret));
			return config_fail(p, "tcp", "cookie_secret_file", NULL, "is a secret "
				"(not shown), expected the path of a file that holds it, or "
				"the secret as tcp.cookie_secret");
		}
		rc = synq_config_read_secret(json_string_value(file), cfg->cookie_secret);
		/* a name that looks like a secret (a digit off, a space more) is not echoed */
		if (rc != 0 && rc != -EINVAL && looks_secret(json_string_value(file)))
			return config_fail(p, "tcp", "cookie_secret_file", NULL,
				"cannot be opened "
				"(%s; not shown: it looks like a secret), expected the path of a "
				"readable file",
				strerror(-rc));
		if (rc != 0 && rc != -EINVAL)
			return config_fail(p, "tcp", "cookie_secret_file", file,
				"cannot be opened "
				"(%s), expected a readable file",
				strerror(-rc));
		if (rc != 0)
			return config_fail(p, "tcp", "cookie_secret_file", file, "does not hold a "
				"secret, expected 32 hex digits");
		/* kept for the rotations (lib/worker/reload.c): they read it again */
		snprintf(cfg->cookie_secret_file, sizeof(cfg->cookie_secret_file), "%s",
			json_string_value(file));
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
parse_listener(struct config_parse *p, const json_t *lj, unsigned int idx,
	struct synq_config *cfg)
{
	static const char *const known[] = {"address", "port", "backlog", "app", "syncookies",
		"max_syn_backlog", "abort_on_overflow", "synack_retries", "syn_retries",
		"queue_model", "window_scale", "max_flows", "rcv_buf", "snd_buf", "idle_timeout_ms",
		"first_byte_timeout_ms", "fin_timeout_ms", "max_orphans", "http_body",
		"http_head_timeout_ms", "max_conns_per_source", "max_conns_per_prefix",
		"unaccepted_mem", "orphan_timeout_ms", "backends", "balance", "proxy_protocol",
		"connect_timeout_ms", "health_check", "allow", NULL};
	struct synq_config_listener *l = &cfg->listeners[idx];
	char path[CONFIG_KEY_PATH_LEN];
	const json_t *v;
	const char *s;
	json_int_t b;

	snprintf(path, sizeof(path), "listeners[%u]", idx);
	if (config_want_object(p, lj, path, NULL) != 0 ||
		config_check_keys(p, lj, path, known) != 0)
		return -EINVAL;

	v = json_object_get(lj, "address");
	s = v == NULL ? "*" : json_is_string(v) ? json_string_value(v) : NULL;
	if (s == NULL)
		return config_fail(p, path, "address", v, "is %s, expected an address string",
			config_type_name(v));
	if (strcmp(s, "*") == 0) {
		l->any = true;
	} else if (inet_pton(AF_INET, s, l->addr) == 1) {
		l->family = 4;
		l->any = memcmp(l->addr, (const uint8_t[4]){0}, 4) == 0;
	} else if (inet_pton(AF_INET6, s, l->addr) == 1) {
		l->family = 6;
		l->any = memcmp(l->addr, (const uint8_t[16]){0}, 16) == 0;
	} else {
		return config_fail(p, path, "address", v, "is not an address, expected \"*\", "
			"\"0.0.0.0\", \"::\" or one of the ports' addresses");
	}
	if (!l->any && !port_owns(cfg, l->family, l->addr))
		return config_fail(p, path, "address", v, "is on no port, expected one of the "
			"addresses in ports[].ipv4 / ipv6, or a wildcard");

	if (json_object_get(lj, "port") == NULL)
		return config_fail(p, path, "port", NULL,
			"is missing, expected a TCP port 1..65535");
	if (CONFIG_GET_UINT(p, lj, path, "port", 1, 65535, l->port) != 0)
		return -EINVAL;
	for (unsigned int i = 0; i < idx; i++) {
		const struct synq_config_listener *o = &cfg->listeners[i];
		bool fam = o->family == 0 || l->family == 0 || o->family == l->family;
		bool addr = o->any || l->any || memcmp(o->addr, l->addr, 16) == 0;

		if (o->port == l->port && fam && addr)
			return config_fail(p, path, "port", json_object_get(lj, "port"), "overlaps "
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
			return config_fail(p, path, "backlog", v, "is %s, expected an integer "
				"-1..%d", config_type_name(v), INT32_MAX);
		b = json_integer_value(v);
		if (b < -1 || b > INT32_MAX)
			return config_fail(p, path, "backlog", v, "is out of range, expected an "
				"integer -1..%d (-1: somaxconn)", INT32_MAX);
		l->backlog_asked = (int32_t)b;
	}
	l->backlog = l->backlog_asked < 0 || (uint32_t)l->backlog_asked > cfg->tcp.somaxconn
		? cfg->tcp.somaxconn : (uint32_t)l->backlog_asked;

	l->app = SYNQ_APP_HOLD;
	if (CONFIG_GET_ENUM(p, lj, path, "app", config_apps, "an application", l->app) != 0)
		return -EINVAL;
	snprintf(l->http_body, sizeof(l->http_body), "%s", "Hello from synq\n");
	v = json_object_get(lj, "http_body");
	if (v != NULL) {
		if (!json_is_string(v) || json_string_length(v) > SYNQ_HTTP_BODY_MAX)
			return config_fail(p, path, "http_body", v, "is not a body, expected a "
				"string of at most %d bytes", SYNQ_HTTP_BODY_MAX);
		if (strlen(json_string_value(v)) != json_string_length(v))
			return config_fail(p, path, "http_body", v,
				"holds a NUL byte, expected text");
		snprintf(l->http_body, sizeof(l->http_body), "%s", json_string_value(v));
	}
	/* issue 11, applications: nginx's client_header_timeout; per-source limits off */
	l->http_head_timeout_ms = 60000;
	l->max_conns_per_source = 0;
	l->max_conns_per_prefix = 0;
	if (CONFIG_GET_UINT(p, lj, path, "http_head_timeout_ms", 0, TCP_TIMEOUT_MS_MAX,
		    l->http_head_timeout_ms) != 0 ||
		CONFIG_GET_UINT(p, lj, path, "max_conns_per_source", 0, 1u << 22,
			l->max_conns_per_source) != 0 ||
		CONFIG_GET_UINT(p, lj, path, "max_conns_per_prefix", 0, 1u << 22,
			l->max_conns_per_prefix) != 0 ||
		config_parse_allow(p, lj, path, l) != 0)
		return -EINVAL;
	/* issue 13, proxy: the backends and how they are used */
	return config_parse_proxy(p, lj, path, cfg, l);
}

int
config_parse_listeners(struct config_parse *p, const json_t *root, struct synq_config *cfg)
{
	const json_t *v = json_object_get(root, "listeners");
	bool apps = false;
	size_t i;
	json_t *e;

	if (v == NULL)
		return 0;
	if (config_want_array(p, v, "", "listeners", 0, SYNQ_MAX_LISTENERS) != 0)
		return -EINVAL;
	json_array_foreach(v, i, e)
	{
		if (parse_listener(p, e, (unsigned int)i, cfg) != 0)
			return -EINVAL;
		cfg->nb_listeners++;
	}
	if (config_check_next_hops(p, v, cfg) != 0)
		return -EINVAL;
	for (unsigned int l = 0; l < cfg->nb_lcores; l++)
		apps |= cfg->lcores[l].role != SYNQ_ROLE_WORKER;
	for (unsigned int l = 0; l < cfg->nb_listeners && !apps; l++) {
		char path[CONFIG_KEY_PATH_LEN];

		if (cfg->listeners[l].app == SYNQ_APP_HOLD)
			continue;
		snprintf(path, sizeof(path), "listeners[%u]", l);
		return config_fail(p, path, "app", json_object_get(json_array_get(v, l), "app"),
			"accepts connections but no lcore runs applications, expected an "
			"lcores[] entry with role \"app\" or \"both\"");
	}
	return 0;
}
