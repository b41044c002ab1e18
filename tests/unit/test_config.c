/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Config parsing: defaults, every class of error naming its key path, the shipped
 * examples, and docs/configuration.md covering every key the dump shows.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <arpa/inet.h>

#include "synq_config.h"
#include "config_priv.h"

static struct synq_config cfg;
static char err[SYNQ_CONFIG_ERR_LEN];

#define PORT "{\"name\":\"p0\"}"
#define LCORE "{\"lcore\":1,\"rx\":[{\"port\":\"p0\"}]}"
#define MINIMAL "{\"ports\":[" PORT "],\"lcores\":[" LCORE "]}"

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/* Parsing @p text fails and the message contains every string of @p want. */
static void
expect_error(const char *text, const char *want1, const char *want2)
{
	assert_int_equal(synq_config_parse(text, &cfg, err, sizeof(err)), -EINVAL);
	if (strstr(err, want1) == NULL || (want2 != NULL && strstr(err, want2) == NULL))
		fail_msg("error \"%s\" lacks \"%s\" / \"%s\"", err, want1, want2 ? want2 : "");
	assert_non_null(strstr(err, "expected"));
	assert_null(strchr(err, '\n'));
}

static void
test_minimal_gets_defaults(void **state __rte_unused)
{
	assert_int_equal(synq_config_parse(MINIMAL, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.nb_ports, 1);
	assert_string_equal(cfg.ports[0].name, "p0");
	assert_int_equal(cfg.ports[0].rx_queues, 1);
	assert_int_equal(cfg.ports[0].rx_desc, 1024);
	assert_int_equal(cfg.ports[0].tx_desc, 1024);
	assert_int_equal(cfg.ports[0].vlan, 0);
	assert_false(cfg.ports[0].mac_set);
	assert_true(cfg.ports[0].ipv6_dad); /* RFC 4862 5.4: on unless turned off */
	assert_int_equal(cfg.nb_lcores, 1);
	assert_int_equal(cfg.lcores[0].lcore_id, 1);
	assert_int_equal(cfg.lcores[0].role, SYNQ_ROLE_WORKER);
	assert_int_equal(cfg.mbufs, 0);
	assert_int_equal(cfg.mbuf_cache, 256);
	assert_int_equal(cfg.stats_interval_ms, 1000);
	assert_string_equal(cfg.stats_file, "");
}

static void
test_full_port(void **state __rte_unused)
{
	const char *text = "{\"ports\":[{\"name\":\"p0\",\"mac\":\"02:00:00:00:00:09\","
			   "\"vlan\":42,\"ipv4\":[\"198.18.0.1\",\"198.19.0.1\"],"
			   "\"ipv6\":[\"2001:2::1\"],\"rx_queues\":2,\"promiscuous\":true,"
			   "\"ipv6_dad\":false}],"
			   "\"lcores\":[{\"lcore\":1,\"rx\":[{\"port\":\"p0\",\"queue\":0}]},"
			   "{\"lcore\":2,\"role\":\"both\",\"rx\":[{\"port\":\"p0\",\"queue\":1}]},"
			   "{\"lcore\":3,\"role\":\"app\"}]}";
	uint8_t v6[16];

	assert_int_equal(synq_config_parse(text, &cfg, err, sizeof(err)), 0);
	assert_true(cfg.ports[0].mac_set);
	assert_int_equal(cfg.ports[0].mac.addr_bytes[5], 9);
	assert_int_equal(cfg.ports[0].vlan, 42);
	assert_int_equal(cfg.ports[0].nb_ipv4, 2);
	assert_int_equal(cfg.ports[0].ipv4[1], inet_addr("198.19.0.1"));
	inet_pton(AF_INET6, "2001:2::1", v6);
	assert_memory_equal(cfg.ports[0].ipv6[0], v6, 16);
	assert_true(cfg.ports[0].promiscuous);
	assert_false(cfg.ports[0].ipv6_dad);
	assert_int_equal(cfg.lcores[1].role, SYNQ_ROLE_BOTH);
	assert_int_equal(cfg.lcores[2].role, SYNQ_ROLE_APP);
	/* one tx queue per polling lcore, in config order */
	assert_int_equal(synq_config_nb_txq(&cfg, 0), 2);
	assert_int_equal(synq_config_txq(&cfg, 0, 0), 0);
	assert_int_equal(synq_config_txq(&cfg, 1, 0), 1);
	assert_int_equal(synq_config_txq(&cfg, 2, 0), -1);
}

/* Config bytes quoted in an error (a JSON syntax error, a key) never break its line. */
static void
test_error_one_line(void **state)
{
	(void)state;
	/* found by fuzz_config: jansson quotes the raw newline after the backslash */
	expect_error("{\"ports{\\\n\"", "invalid escape", "near");
	expect_error("{\"a\\u001b[2J\": 1}", "a?[2J", NULL);
	expect_error("{\"ports\": [ { \"name\": \"p\", \"x\\ny\": 1 } ] }", "x?y", NULL);
}

static void
test_unknown_keys(void **state __rte_unused)
{
	expect_error("{\"ports\":[" PORT "],\"lcores\":[" LCORE "],\"port\":1}", "port:",
		"unknown key");
	expect_error("{\"ports\":[{\"name\":\"p0\",\"rx_queue\":2}],\"lcores\":[" LCORE "]}",
		"ports[0].rx_queue", "unknown key");
	expect_error("{\"ports\":[" PORT "],\"lcores\":[{\"lcore\":1,\"rx\":[{\"port\":\"p0\","
		     "\"q\":0}]}]}",
		"lcores[0].rx[0].q", "unknown key");
	expect_error("{\"ports\":[" PORT "],\"lcores\":[" LCORE "],\"stats\":{\"intervall\":1}}",
		"stats.intervall", "unknown key");
}

static void
test_wrong_types(void **state __rte_unused)
{
	expect_error("{\"ports\":[{\"name\":\"p0\",\"rx_queues\":\"2\"}],\"lcores\":[" LCORE "]}",
		"ports[0].rx_queues: \"2\" is a string", "integer");
	expect_error("{\"ports\":{},\"lcores\":[" LCORE "]}", "ports: {} is an object", "array");
	expect_error("{\"ports\":[{\"name\":7}],\"lcores\":[" LCORE "]}", "ports[0].name: 7",
		NULL);
	expect_error("{\"ports\":[{\"name\":\"p0\",\"promiscuous\":1}],\"lcores\":[" LCORE "]}",
		"ports[0].promiscuous: 1", "true or false");
	expect_error("{\"ports\":[{\"name\":\"p0\",\"ipv6_dad\":0}],\"lcores\":[" LCORE "]}",
		"ports[0].ipv6_dad: 0", "true or false");
	expect_error("{\"ports\":[{\"name\":\"p0\",\"ipv4\":\"198.18.0.1\"}],\"lcores\":[" LCORE
		     "]}",
		"ports[0].ipv4", "array");
	expect_error("[1]", "(top level)", "object");
	expect_error("{\"ports\":[" PORT "],\"lcores\":[{\"lcore\":1.5,\"rx\":[]}]}",
		"lcores[0].lcore: 1.5", "integer");
}

static void
test_out_of_range(void **state __rte_unused)
{
	expect_error("{\"ports\":[{\"name\":\"p0\",\"rx_queues\":0}],\"lcores\":[" LCORE "]}",
		"ports[0].rx_queues: 0 is out of range", "1..64");
	expect_error("{\"ports\":[{\"name\":\"p0\",\"vlan\":4095}],\"lcores\":[" LCORE "]}",
		"ports[0].vlan: 4095", "0..4094");
	expect_error("{\"ports\":[{\"name\":\"p0\",\"rx_desc\":-1}],\"lcores\":[" LCORE "]}",
		"ports[0].rx_desc: -1", "64..16384");
	expect_error("{\"ports\":[" PORT "],\"lcores\":[{\"lcore\":1,\"rx\":[{\"port\":\"p0\","
		     "\"queue\":1}]}]}",
		"lcores[0].rx[0].queue: 1", "0..0");
	expect_error("{\"ports\":[" PORT "],\"lcores\":[" LCORE "],\"mempool\":{\"mbufs\":10}}",
		"mempool.mbufs: 10", "1024");
	expect_error("{\"ports\":[" PORT "],\"lcores\":[" LCORE "],\"mempool\":{\"conn_share\":0}}",
		"mempool.conn_share: 0", "1..100");
	expect_error("{\"ports\":[" PORT "],\"lcores\":[" LCORE "],\"stats\":{\"interval_ms\":"
		     "99999999}}",
		"stats.interval_ms", "out of range");
}

static void
test_bad_values(void **state __rte_unused)
{
	expect_error("{\"ports\":[{\"name\":\"p0\",\"mac\":\"01:00:5e:00:00:01\"}],\"lcores\":["
		LCORE "]}", "ports[0].mac", "unicast");
	expect_error("{\"ports\":[{\"name\":\"p0\",\"mac\":\"zz\"}],\"lcores\":[" LCORE "]}",
		"ports[0].mac: \"zz\"", NULL);
	expect_error("{\"ports\":[{\"name\":\"p0\",\"ipv4\":[\"198.18.0.300\"]}],\"lcores\":["
		LCORE "]}", "ports[0].ipv4[0]: \"198.18.0.300\"", NULL);
	expect_error("{\"ports\":[{\"name\":\"p0\",\"ipv4\":[\"224.0.0.1\"]}],\"lcores\":["
		LCORE "]}", "ports[0].ipv4[0]", "unicast");
	expect_error("{\"ports\":[{\"name\":\"p0\",\"ipv6\":[\"ff02::1\"]}],\"lcores\":[" LCORE
		     "]}",
		"ports[0].ipv6[0]", "unicast");
	expect_error("{\"ports\":[" PORT "],\"lcores\":[{\"lcore\":1,\"role\":\"boss\","
		     "\"rx\":[{\"port\":\"p0\"}]}]}",
		"lcores[0].role: \"boss\"", "\"worker\"");
	expect_error("{\"ports\":[" PORT "],\"lcores\":[{\"lcore\":1,\"rx\":[{\"port\":\"p9\"}]}]}",
		"lcores[0].rx[0].port: \"p9\"", "ports");
}

static void
test_structure(void **state __rte_unused)
{
	expect_error("{\"lcores\":[" LCORE "]}", "ports", "is missing");
	expect_error("{\"ports\":[" PORT "]}", "lcores", "is missing");
	expect_error("{\"ports\":[],\"lcores\":[" LCORE "]}", "ports", "1..16");
	expect_error("{\"ports\":[{}],\"lcores\":[" LCORE "]}", "ports[0].name", "missing");
	expect_error("{\"ports\":[" PORT "," PORT "],\"lcores\":[" LCORE "]}", "ports[1].name",
		"twice");
	expect_error("{\"ports\":[" PORT "],\"lcores\":[" LCORE "," LCORE "]}", "lcores[1].lcore",
		"twice");
	/* every rx queue has exactly one poller */
	expect_error("{\"ports\":[{\"name\":\"p0\",\"rx_queues\":2}],\"lcores\":[" LCORE "]}",
		"ports[0].rx_queues", "queue 1 is polled by no lcore");
	expect_error("{\"ports\":[" PORT "],\"lcores\":[" LCORE ",{\"lcore\":2,\"rx\":[{\"port\":"
		     "\"p0\"}]}]}",
		"lcores[1].rx[0]", "already polled");
	expect_error("{\"ports\":[" PORT "],\"lcores\":[" LCORE ",{\"lcore\":2,\"role\":\"app\","
		     "\"rx\":[{\"port\":\"p0\"}]}]}",
		"lcores[1].rx", "app lcore");
	expect_error("{\"ports\":[" PORT "],\"lcores\":[{\"lcore\":1}]}", "lcores[0].rx",
		"missing");
	expect_error("{\"ports\": [", "line 1", "JSON");
	expect_error("{\"ports\":[" PORT "],\"ports\":[" PORT "],\"lcores\":[" LCORE "]}",
		"duplicate", "JSON");
}

#define LCORE_BOTH "{\"lcore\":1,\"role\":\"both\",\"rx\":[{\"port\":\"p0\"}]}"
#define WITH_V4 "{\"ports\":[{\"name\":\"p0\",\"ipv4\":[\"198.18.0.1\"]}],\"lcores\":[" LCORE_BOTH "]"

static void
test_tcp_and_listeners(void **state __rte_unused)
{
	const char *text = WITH_V4 ",\"tcp\":{\"somaxconn\":128,\"syncookies\":2,"
			   "\"cookie_secret\":\"000102030405060708090a0b0c0d0e0f\"},"
			   "\"listeners\":[{\"port\":80},"
			   "{\"address\":\"198.18.0.1\",\"port\":81,\"backlog\":-1,"
			   "\"queue_model\":\"bsd\",\"app\":\"reset\",\"syncookies\":0},"
			   "{\"address\":\"::\",\"port\":82,\"backlog\":100000}]}";

	assert_int_equal(synq_config_parse(MINIMAL, &cfg, err, sizeof(err)), 0);
	/* Linux's defaults */
	assert_int_equal(cfg.tcp.syncookies, 1);
	assert_int_equal(cfg.tcp.somaxconn, 4096);
	assert_int_equal(cfg.http_head_buffers, 1024);
	assert_int_equal(cfg.tcp.challenge_ack_limit, 1000);
	assert_int_equal(cfg.tcp.fin_timeout_ms, 60000);
	assert_int_equal(cfg.tcp.max_orphans, 4096);
	assert_int_equal(cfg.tcp.orphan_timeout_ms, 120000);
	assert_int_equal(cfg.tcp.max_syn_backlog, 4096);
	assert_int_equal(cfg.tcp.abort_on_overflow, 0);
	assert_int_equal(cfg.tcp.synack_retries, 5);
	assert_int_equal(cfg.tcp.queue_model, SYNQ_QUEUE_LINUX);
	assert_false(cfg.cookie_secret_set);
	assert_int_equal(cfg.nb_listeners, 0);
	/* Linux's icmp_msgs_per_sec and icmp_msgs_burst */
	assert_int_equal(cfg.icmp_echo_per_s, 1000);
	assert_int_equal(cfg.icmp_echo_burst, 50);
	assert_int_equal(synq_config_parse(WITH_V4 ",\"icmp\":{\"echo_per_s\":0,"
		"\"echo_burst\":7}}", &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.icmp_echo_per_s, 0);
	assert_int_equal(cfg.icmp_echo_burst, 7);

	if (synq_config_parse(text, &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_true(cfg.cookie_secret_set);
	assert_int_equal(cfg.cookie_secret[15], 0x0f);
	assert_int_equal(cfg.nb_listeners, 3);
	assert_true(cfg.listeners[0].any);
	assert_int_equal(cfg.listeners[0].family, 0);
	assert_int_equal(cfg.listeners[0].backlog, 128); /* 511 capped to somaxconn */
	assert_int_equal(cfg.listeners[0].app, SYNQ_APP_HOLD);
	assert_int_equal(cfg.listeners[0].tcp.syncookies, 2); /* inherited */
	assert_int_equal(cfg.listeners[1].family, 4);
	assert_false(cfg.listeners[1].any);
	assert_int_equal(cfg.listeners[1].backlog_asked, -1);
	assert_int_equal(cfg.listeners[1].backlog, 128); /* -1 = somaxconn */
	assert_int_equal(cfg.listeners[1].tcp.queue_model, SYNQ_QUEUE_BSD);
	assert_int_equal(cfg.listeners[1].tcp.syncookies, 0); /* overridden */
	assert_int_equal(cfg.listeners[1].app, SYNQ_APP_RESET);
	assert_int_equal(cfg.listeners[2].family, 6);
	assert_true(cfg.listeners[2].any);
	assert_int_equal(cfg.listeners[2].backlog, 128);
}

/* WITH_V4's port with a subnet and IPv6, one proxy listener; "%s" its keys after "app". */
#define PROXY_CFG "{\"ports\":[{\"name\":\"p0\",\"ipv4\":[\"198.18.8.1/24\"],\"ipv6\":" \
	"[\"2001:db8::1/64\"]}],\"lcores\":[" LCORE_BOTH "],\"listeners\":[{\"port\":80," \
	"\"app\":\"proxy\"%s}]}"
#define ONE_BACKEND ",\"backends\":[{\"address\":\"198.18.8.2\",\"port\":80}]"

/*
 * The enums named in the config, each by its table: lcores[].role, tcp.queue_model and
 * listeners[].app. For each, the start of the message refusing a name, a config that
 * gives it a name, the value parsed and the name printed (synq_*_name() and the dump).
 */
enum { ENUM_ROLE, ENUM_QUEUE_MODEL, ENUM_APP, ENUM_BALANCE, ENUM_COUNT };

static const struct config_enum_name *const enum_tables[ENUM_COUNT] = {
	[ENUM_ROLE] = config_roles,
	[ENUM_QUEUE_MODEL] = config_queue_models,
	[ENUM_APP] = config_apps,
	[ENUM_BALANCE] = config_balances,
};

static const char *const enum_refused[ENUM_COUNT] = {
	[ENUM_ROLE] = "is not a role, expected",
	[ENUM_QUEUE_MODEL] = "is not a queue model, expected",
	[ENUM_APP] = "is not an application, expected",
	[ENUM_BALANCE] = "is not a balance, expected",
};

static void
config_naming(unsigned int t, const char *name, char *text, size_t len)
{
	bool polls = strcmp(name, "app") != 0; /* an app lcore polls no queue */
	char keys[256];

	switch (t) {
	case ENUM_ROLE:
		snprintf(text, len, "{\"ports\":[{\"name\":\"p0\",\"rx_queues\":%d}],"
			"\"lcores\":[" LCORE ",{\"lcore\":2,\"role\":\"%s\"%s}]}", polls ? 2 : 1,
			name, polls ? ",\"rx\":[{\"port\":\"p0\",\"queue\":1}]" : "");
		break;
	case ENUM_QUEUE_MODEL:
		snprintf(text, len, WITH_V4 ",\"tcp\":{\"queue_model\":\"%s\"}}", name);
		break;
	case ENUM_BALANCE:
		snprintf(keys, sizeof(keys), ONE_BACKEND ",\"balance\":\"%s\"", name);
		snprintf(text, len, PROXY_CFG, keys);
		break;
	default:
		/* a proxy needs its backends */
		if (strcmp(name, "proxy") == 0) {
			snprintf(text, len, PROXY_CFG, ONE_BACKEND);
			break;
		}
		/* metrics answers only the sources it is told (issue 15) */
		if (strcmp(name, "metrics") == 0) {
			snprintf(text, len, WITH_V4 ",\"listeners\":[{\"port\":80,\"app\":"
				"\"metrics\",\"allow\":[\"198.18.0.0/24\"]}]}");
			break;
		}
		snprintf(text, len, WITH_V4 ",\"listeners\":[{\"port\":80,\"app\":\"%s\"}]}",
			name);
	}
}

static int
parsed_value(unsigned int t)
{
	switch (t) {
	case ENUM_ROLE:
		return (int)cfg.lcores[1].role;
	case ENUM_QUEUE_MODEL:
		return (int)cfg.tcp.queue_model;
	case ENUM_BALANCE:
		return (int)cfg.listeners[0].proxy.balance;
	default:
		return (int)cfg.listeners[0].app;
	}
}

static const char *
printed_name(unsigned int t, int value)
{
	switch (t) {
	case ENUM_ROLE:
		return synq_role_name((enum synq_role)value);
	case ENUM_QUEUE_MODEL:
		return synq_queue_model_name((enum synq_queue_model)value);
	case ENUM_BALANCE:
		return synq_balance_name((enum synq_balance)value);
	default:
		return synq_app_name((enum synq_app)value);
	}
}

/* The name --dump-config shows for the enum of table @p t; @p j stays the owner. */
static const char *
dumped_name(unsigned int t, json_t *j)
{
	switch (t) {
	case ENUM_ROLE:
		return json_string_value(json_object_get(json_array_get(json_object_get(j,
			"lcores"), 1), "role"));
	case ENUM_QUEUE_MODEL:
		return json_string_value(json_object_get(json_object_get(j, "tcp"),
			"queue_model"));
	case ENUM_BALANCE:
		return json_string_value(json_object_get(json_array_get(json_object_get(j,
			"listeners"), 0), "balance"));
	default:
		return json_string_value(json_object_get(json_array_get(json_object_get(j,
			"listeners"), 0), "app"));
	}
}

/* Every name of every table parses to its value, and prints back as itself. */
/* issue 15: "allow" parsed, matched and dumped as given; none: every source. */
static void
test_listener_allow(void **state __rte_unused)
{
	static const uint8_t in[4] = {198, 18, 0, 77}, out[4] = {198, 18, 1, 1};
	static const uint8_t lo6[16] = {[15] = 1};
	json_t *j;

	if (synq_config_parse(WITH_V4 ",\"listeners\":[{\"port\":80,\"app\":\"metrics\","
			      "\"allow\":[\"198.18.0.0/24\",\"::1\",\"0.0.0.0/0\"]},"
			      "{\"port\":81}]}",
		    &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg.listeners[0].nb_allow, 3);
	assert_int_equal(cfg.listeners[0].allow[1].plen, 128);
	assert_true(synq_prefix_match(&cfg.listeners[0].allow[0], 4, in));
	assert_false(synq_prefix_match(&cfg.listeners[0].allow[0], 4, out));
	assert_false(synq_prefix_match(&cfg.listeners[0].allow[0], 6, in));
	assert_true(synq_prefix_match(&cfg.listeners[0].allow[1], 6, lo6));
	assert_true(synq_prefix_match(&cfg.listeners[0].allow[2], 4, out));
	assert_int_equal(cfg.listeners[1].nb_allow, 0);
	j = synq_config_to_json(&cfg);
	assert_string_equal(json_string_value(json_array_get(json_object_get(json_array_get(
		json_object_get(j, "listeners"), 0), "allow"), 1)), "::1/128");
	assert_null(json_object_get(json_array_get(json_object_get(j, "listeners"), 1), "allow"));
	json_decref(j);
	/* /0 is every source of the family: written 0.0.0.0/0, as any network address */
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":80,\"allow\":[\"10.0.0.0/0\"]}]}",
		"listeners[0].allow[0]", "host bits");
}

static void
test_enum_names_round_trip(void **state __rte_unused)
{
	for (unsigned int t = 0; t < ENUM_COUNT; t++) {
		for (const struct config_enum_name *e = enum_tables[t]; e->name != NULL; e++) {
			char text[512];
			int v = -1;
			json_t *j;

			assert_int_equal(config_enum_by_name(enum_tables[t], e->name, &v), 0);
			assert_int_equal(v, e->value);
			assert_string_equal(config_enum_by_value(enum_tables[t], e->value),
				e->name);
			assert_string_equal(printed_name(t, e->value), e->name);

			config_naming(t, e->name, text, sizeof(text));
			if (synq_config_parse(text, &cfg, err, sizeof(err)) != 0)
				fail_msg("%s: %s", text, err);
			assert_int_equal(parsed_value(t), e->value);
			j = synq_config_to_json(&cfg);
			assert_string_equal(dumped_name(t, j), e->name);
			json_decref(j);
		}
	}
}

/* An unknown name is refused, and the message lists every name of the table. */
static void
test_enum_unknown_name(void **state __rte_unused)
{
	char list[64];

	for (unsigned int t = 0; t < ENUM_COUNT; t++) {
		char text[512];
		int v = -1;

		assert_int_equal(config_enum_by_name(enum_tables[t], "nope", &v), -ENOENT);
		assert_int_equal(config_enum_by_name(enum_tables[t], "", &v), -ENOENT);
		assert_int_equal(config_enum_by_name(enum_tables[t], NULL, &v), -ENOENT);
		assert_int_equal(v, -1);
		assert_string_equal(config_enum_by_value(enum_tables[t], 99), "?");
		assert_string_equal(printed_name(t, 99), "?");

		config_naming(t, "nope", text, sizeof(text));
		expect_error(text, "\"nope\"", enum_refused[t]);
		for (const struct config_enum_name *e = enum_tables[t]; e->name != NULL; e++) {
			char quoted[32];

			snprintf(quoted, sizeof(quoted), "\"%s\"", e->name);
			if (strstr(err, quoted) == NULL)
				fail_msg("\"%s\" does not list %s", err, quoted);
		}
	}
	/* the list reads as a sentence; a short buffer cuts it after a whole name */
	assert_string_equal(config_enum_list(config_queue_models, list, sizeof(list)),
		"\"linux\" or \"bsd\"");
	assert_string_equal(config_enum_list(config_roles, list, sizeof(list)),
		"\"worker\", \"app\" or \"both\"");
	assert_string_equal(config_enum_list(config_roles, list, 12), "\"worker\"");
}

/* syncookies keeps Linux's numbers, which other modules and the file use. */
static void
test_syncookies_values(void **state __rte_unused)
{
	assert_int_equal(SYNQ_SYNCOOKIES_NEVER, 0);
	assert_int_equal(SYNQ_SYNCOOKIES_WHEN_FULL, 1);
	assert_int_equal(SYNQ_SYNCOOKIES_ALWAYS, 2);
	assert_int_equal(synq_config_parse(WITH_V4 ",\"tcp\":{\"syncookies\":2}}", &cfg, err,
		sizeof(err)), 0);
	assert_int_equal(cfg.tcp.syncookies, SYNQ_SYNCOOKIES_ALWAYS);
}

static void
test_listener_errors(void **state __rte_unused)
{
	expect_error(WITH_V4 ",\"listeners\":[{\"address\":\"198.18.0.9\",\"port\":80}]}",
		"listeners[0].address: \"198.18.0.9\" is on no port", NULL);
	expect_error(WITH_V4 ",\"listeners\":[{\"address\":\"x\",\"port\":80}]}",
		"listeners[0].address: \"x\"", NULL);
	expect_error(WITH_V4 ",\"listeners\":[{\"address\":\"*\"}]}", "listeners[0].port",
		"missing");
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":0}]}", "listeners[0].port: 0",
		"1..65535");
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":80},{\"address\":\"198.18.0.1\","
			     "\"port\":80}]}",
		"listeners[1].port: 80 overlaps listeners[0]", NULL);
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":80,\"backlog\":-2}]}",
		"listeners[0].backlog: -2", "-1..");
	expect_error("{\"ports\":[{\"name\":\"p0\"}],\"lcores\":[" LCORE "],\"listeners\":"
		     "[{\"port\":80},{\"port\":81,\"app\":\"close\"}]}",
		"listeners[1].app: \"close\" accepts connections but no lcore runs applications",
		"\"both\"");
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":80,\"app\":\"ftp\"}]}",
		"listeners[0].app: \"ftp\"", "\"http\"");
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":80,\"http_body\":5}]}",
		"listeners[0].http_body: 5", "at most 1024 bytes");
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":80,\"rcv_buf\":100}]}",
		"listeners[0].rcv_buf: 100", "4096..");
	expect_error(WITH_V4 ",\"tcp\":{\"max_flows\":0}}", "tcp.max_flows: 0", "1..");
	/* issue 11, applications: the http head pool and deadline, per-source limits */
	expect_error(WITH_V4 ",\"http\":{\"head_buffers\":-1}}", "http.head_buffers: -1",
		"0..1048576");
	expect_error(WITH_V4 ",\"http\":{\"buffers\":1}}", "http.buffers", "unknown key");
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":80,\"http_head_timeout_ms\":\"1s\"}]}",
		"listeners[0].http_head_timeout_ms: \"1s\"", "0..86400000");
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":80,\"max_conns_per_source\":4194305}]}",
		"listeners[0].max_conns_per_source: 4194305", "0..4194304");
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":80,\"max_conns_per_prefix\":-2}]}",
		"listeners[0].max_conns_per_prefix: -2", "0..4194304");
	/* issue 15: the sources a listener answers, required for app metrics */
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":80,\"app\":\"metrics\"}]}",
		"listeners[0].allow", "is missing");
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":80,\"allow\":[]}]}",
		"listeners[0].allow", "1..16");
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":80,\"allow\":\"198.18.0.0/24\"}]}",
		"listeners[0].allow", "array");
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":80,\"allow\":[24]}]}",
		"listeners[0].allow[0]: 24", "prefix string");
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":80,\"allow\":[\"198.18.0.0/33\"]}]}",
		"listeners[0].allow[0]: \"198.18.0.0/33\"", "/0../32");
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":80,\"allow\":[\"nowhere\"]}]}",
		"listeners[0].allow[0]: \"nowhere\"", "not an address");
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":80,\"allow\":[\"198.18.0.1/24\"]}]}",
		"listeners[0].allow[0]: \"198.18.0.1/24\" has host bits set", "198.18.0.0/24");
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":80,\"allow\":[\"::ffff:1.2.3.0/120\"]}]}",
		"listeners[0].allow[0]", "IPv4-mapped");
	/* memory (issue 11) */
	expect_error(WITH_V4 ",\"tcp\":{\"unaccepted_mem\":100}}", "tcp.unaccepted_mem: 100",
		"65536..");
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":80,\"unaccepted_mem\":-1}]}",
		"listeners[0].unaccepted_mem: -1", "65536..");
	expect_error(WITH_V4 ",\"test\":{\"reorder_permille\":501}}",
		"test.reorder_permille: 501", "0..500");
	expect_error(WITH_V4 ",\"test\":{\"reorder\":1}}", "test.reorder", "unknown key");
	expect_error(WITH_V4 ",\"icmp\":{\"echo_per_s\":-1}}", "icmp.echo_per_s: -1",
		"0..1000000");
	expect_error(WITH_V4 ",\"icmp\":{\"echo_burst\":0}}", "icmp.echo_burst: 0",
		"1..100000");
	expect_error(WITH_V4 ",\"icmp\":{\"echo_per_s\":\"fast\"}}", "icmp.echo_per_s",
		"expected an integer");
	expect_error(WITH_V4 ",\"icmp\":{\"per_s\":1}}", "icmp.per_s", "unknown key");
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":80,\"queue_model\":\"osx\"}]}",
		"listeners[0].queue_model: \"osx\"", "\"bsd\"");
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":80,\"somaxconn\":5}]}",
		"listeners[0].somaxconn", "unknown key");
	expect_error(WITH_V4 ",\"tcp\":{\"syncookies\":3}}", "tcp.syncookies: 3", "0..2");
	/* the state rules against hostile peers: bounds, and a global knob stays global */
	expect_error(WITH_V4 ",\"tcp\":{\"fin_timeout_ms\":86400001}}",
		"tcp.fin_timeout_ms: 86400001", "0..86400000");
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":80,\"max_orphans\":-1}]}",
		"listeners[0].max_orphans: -1", "0..4194304");
	/* orphans (issue 11): a deadline a day at most, per listener too */
	expect_error(WITH_V4 ",\"tcp\":{\"orphan_timeout_ms\":86400001}}",
		"tcp.orphan_timeout_ms: 86400001", "0..86400000");
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":80,\"orphan_timeout_ms\":\"1s\"}]}",
		"listeners[0].orphan_timeout_ms", "expected");
	expect_error(WITH_V4 ",\"tcp\":{\"challenge_ack_limit\":0}}",
		"tcp.challenge_ack_limit: 0", "1..1000000000");
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":80,\"challenge_ack_limit\":5}]}",
		"listeners[0].challenge_ack_limit", "unknown key");
	expect_error(WITH_V4 ",\"tcp\":{\"cookie_secret\":\"abc\"}}", "tcp.cookie_secret",
		"32 hex digits");
	expect_error(WITH_V4 ",\"tcp\":{\"cookie_secret\":\"000102030405060708090a0b0c0d0e0g\"}}",
		"tcp.cookie_secret", "32 hex digits");
	expect_error(WITH_V4 ",\"tcp\":{\"cookie_secret_file\":\"/nonexistent\"}}",
		"tcp.cookie_secret_file: \"/nonexistent\" cannot be opened", NULL);
}

static void
test_cookie_secret_file(void **state __rte_unused)
{
	char path[] = "/tmp/synq-secret-XXXXXX";
	char text[512];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "ffeeddccbbaa99887766554433221100\n", 33), 33);
	close(fd);
	snprintf(text, sizeof(text), WITH_V4 ",\"tcp\":{\"cookie_secret_file\":\"%s\"}}", path);
	if (synq_config_parse(text, &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_true(cfg.cookie_secret_set);
	assert_int_equal(cfg.cookie_secret[0], 0xff);
	assert_int_equal(cfg.cookie_secret[15], 0x00);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "not a secret\n", 13), 13);
	close(fd);
	assert_int_equal(synq_config_parse(text, &cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "does not hold a secret"));
	unlink(path);
}

static void
test_missing_file(void **state __rte_unused)
{
	assert_int_equal(synq_config_load("/nonexistent/synq.json", &cfg, err, sizeof(err)),
		-ENOENT);
	assert_non_null(strstr(err, "/nonexistent/synq.json"));
}

static void
test_shipped_configs_parse(void **state __rte_unused)
{
	static const char *const files[] = {"config/default.json", "config/baremetal-2q.json"};
	char path[512];

	for (unsigned int i = 0; i < RTE_DIM(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", SYNQ_SOURCE_ROOT, files[i]);
		if (synq_config_load(path, &cfg, err, sizeof(err)) != 0)
			fail_msg("%s: %s", files[i], err);
	}
	/* the built-in default is config/default.json */
	assert_int_equal(synq_config_parse(synq_config_default_text(), &cfg, err, sizeof(err)),
		0);
	assert_string_equal(cfg.ports[0].name, "net_af_packet0");
}

/*
 * The cookie secret never appears in what synq prints: not in the dump (a
 * placeholder, which does not parse back as a secret), not in an error about it,
 * not even when it was given as the file's name or with one digit wrong.
 */
static void
test_cookie_secret_never_shown(void **state __rte_unused)
{
	/* a secret, and near-secrets, whose digits must not show */
	static const char *const secrets[] = {"7b3f09a1c4d2e8f60a1b2c3d4e5f6071",
		"7b3f09a1c4d2e8f60a1b2c3d4e5f607", "7b3f09a1c4d2e8f60a1b2c3d4e5f6071a",
		"7b3f09a1c4d2e8f60a1b2c3d4e5f607g"};
	const char *leak = "7b3f09a1c4d2";
	char text[512];
	json_t *j;
	char *dump;

	snprintf(text, sizeof(text), WITH_V4 ",\"tcp\":{\"cookie_secret\":\"%s\"}}", secrets[0]);
	if (synq_config_parse(text, &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_true(cfg.cookie_secret_set);
	assert_int_equal(cfg.cookie_secret[0], 0x7b);
	j = synq_config_to_json(&cfg);
	dump = json_dumps(j, JSON_INDENT(2));
	json_decref(j);
	if (strstr(dump, leak) != NULL)
		fail_msg("--dump-config shows the secret: %s", dump);
	assert_non_null(strstr(dump, "\"cookie_secret\": \"" SYNQ_COOKIE_SECRET_SHOWN "\""));
	/* the dump fed back: refused, saying what to give instead */
	assert_int_equal(synq_config_parse(dump, &cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "tcp.cookie_secret"));
	assert_non_null(strstr(err, "--dump-config"));
	free(dump);

	for (size_t i = 1; i < RTE_DIM(secrets); i++) {
		snprintf(text, sizeof(text), WITH_V4 ",\"tcp\":{\"cookie_secret\":\"%s\"}}",
			secrets[i]);
		expect_error(text, "tcp.cookie_secret", "32 hex digits");
		if (strstr(err, leak) != NULL)
			fail_msg("the error shows the secret: %s", err);
		assert_non_null(strstr(err, "not shown"));
	}
	expect_error(WITH_V4 ",\"tcp\":{\"cookie_secret\":12345678901234}}",
		"tcp.cookie_secret: is an integer", "32 hex digits");
	assert_null(strstr(err, "12345678901234"));
	/* the secret where its file's path should be */
	snprintf(text, sizeof(text), WITH_V4 ",\"tcp\":{\"cookie_secret_file\":\"%s\"}}",
		secrets[0]);
	expect_error(text, "tcp.cookie_secret_file", "path of a file");
	if (strstr(err, leak) != NULL)
		fail_msg("the error shows the secret: %s", err);
	/* and near-secrets there (a digit off, a space or a newline more): not echoed */
	for (size_t i = 0; i < 3; i++) {
		static const char *const fmt[] = {"%.31s", "%s ", "%s\\n"};
		char bad[64];

		snprintf(bad, sizeof(bad), fmt[i], secrets[0]);
		snprintf(text, sizeof(text), WITH_V4 ",\"tcp\":{\"cookie_secret_file\":\"%s\"}}",
			bad);
		expect_error(text, "tcp.cookie_secret_file", "not shown");
		if (strstr(err, leak) != NULL)
			fail_msg("the error shows the secret: %s", err);
	}
	/* without a secret, the dump says null, which parses back as "draw one" */
	assert_int_equal(synq_config_parse(WITH_V4 "}", &cfg, err, sizeof(err)), 0);
	j = synq_config_to_json(&cfg);
	assert_true(json_is_null(json_object_get(json_object_get(j, "tcp"), "cookie_secret")));
	json_decref(j);
}

/* The dump, parsed back, gives the same config: nothing is lost or renamed. */
static void
test_dump_round_trip(void **state __rte_unused)
{
	static struct synq_config again;
	char path[512];
	json_t *j;
	char *text;

	snprintf(path, sizeof(path), "%s/config/baremetal-2q.json", SYNQ_SOURCE_ROOT);
	assert_int_equal(synq_config_load(path, &cfg, err, sizeof(err)), 0);
	j = synq_config_to_json(&cfg);
	text = json_dumps(j, 0);
	json_decref(j);
	assert_int_equal(synq_config_parse(text, &again, err, sizeof(err)), 0);
	free(text);
	assert_memory_equal(&cfg, &again, sizeof(cfg));

	/* and without a MAC: the dump says null, which parses back as "the device's" */
	assert_int_equal(synq_config_parse(MINIMAL, &cfg, err, sizeof(err)), 0);
	j = synq_config_to_json(&cfg);
	assert_true(json_is_null(json_object_get(json_array_get(json_object_get(j, "ports"), 0),
		"mac")));
	text = json_dumps(j, 0);
	json_decref(j);
	assert_int_equal(synq_config_parse(text, &again, err, sizeof(err)), 0);
	free(text);
	assert_false(again.ports[0].mac_set);
}

static void
collect_paths(json_t *v, const char *path, const char *doc)
{
	const char *key;
	json_t *child;
	char sub[256];

	if (json_is_array(v)) {
		size_t i;

		snprintf(sub, sizeof(sub), "%s[]", path);
		json_array_foreach(v, i, child)
			collect_paths(child, sub, doc);
		return;
	}
	if (!json_is_object(v))
		return;
	json_object_foreach(v, key, child)
	{
		char quoted[300];

		snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", key);
		snprintf(quoted, sizeof(quoted), "`%s`", sub);
		if (strstr(doc, quoted) == NULL)
			fail_msg("docs/configuration.md does not document %s", quoted);
		collect_paths(child, sub, doc);
	}
}

static void
test_every_key_documented(void **state __rte_unused)
{
	char path[512];
	char *doc;
	json_t *j;

	snprintf(path, sizeof(path), "%s/config/baremetal-2q.json", SYNQ_SOURCE_ROOT);
	assert_int_equal(synq_config_load(path, &cfg, err, sizeof(err)), 0);
	cfg.ports[0].mac_set = true;
	snprintf(path, sizeof(path), "%s/docs/configuration.md", SYNQ_SOURCE_ROOT);
	doc = read_file(path);
	j = synq_config_to_json(&cfg);
	collect_paths(j, "", doc);
	json_decref(j);
	free(doc);
}

/* issue 13, routes: addresses with prefixes and the "routes" array */

/* Two ports with subnets, both polled by lcore 1; "%s" is the rest of the top level. */
#define TWO_PORTS "{\"ports\":[{\"name\":\"p0\",\"ipv4\":[\"198.18.8.1/24\",\"198.18.0.1\"]," \
	"\"ipv6\":[\"2001:db8::1/64\"]},{\"name\":\"p1\",\"ipv4\":[\"192.0.2.1/24\"]," \
	"\"ipv6\":[\"2001:db8:2::1/64\"]}],\"lcores\":[{\"lcore\":1,\"rx\":[{\"port\":\"p0\"}," \
	"{\"port\":\"p1\"}]}]"

static void
expect_route_error(const char *rest, const char *want1, const char *want2)
{
	char text[10240];

	snprintf(text, sizeof(text), TWO_PORTS "%s}", rest);
	expect_error(text, want1, want2);
}

static void
test_prefixes_and_routes(void **state __rte_unused)
{
	static struct synq_config again;
	const char *text = TWO_PORTS ",\"routes\":[{\"prefix\":\"0.0.0.0/0\",\"via\":"
		"\"198.18.8.254\"},{\"prefix\":\"2001:db8:5::/48\",\"via\":\"2001:db8:2::fe\"},"
		"{\"prefix\":\"::/0\",\"via\":\"fe80::1\",\"port\":\"p0\"},"
		"{\"prefix\":\"203.0.113.7\",\"via\":\"192.0.2.9\"}],\"listeners\":[{\"address\":"
		"\"198.18.8.1\",\"port\":80}]}";
	uint8_t a[16];
	char *dump;
	json_t *j;

	assert_int_equal(synq_config_parse(text, &cfg, err, sizeof(err)), 0);
	/* the address is the address: "is it ours" and listeners never see the length */
	assert_int_equal(cfg.ports[0].ipv4[0], inet_addr("198.18.8.1"));
	assert_int_equal(cfg.ports[0].ipv4_plen[0], 24);
	assert_int_equal(cfg.ports[0].ipv4_plen[1], 32); /* bare: a host address */
	assert_int_equal(cfg.ports[0].ipv6_plen[0], 64);
	assert_int_equal(cfg.nb_routes, 4);
	assert_int_equal(cfg.routes[0].family, 4);
	assert_int_equal(cfg.routes[0].plen, 0);
	assert_int_equal(cfg.routes[0].port, 0);
	assert_int_equal(cfg.routes[1].family, 6);
	assert_int_equal(cfg.routes[1].plen, 48);
	assert_int_equal(cfg.routes[1].port, 1); /* the port whose subnet holds via */
	inet_pton(AF_INET6, "2001:db8:5::", a);
	assert_memory_equal(cfg.routes[1].prefix, a, 16);
	inet_pton(AF_INET6, "2001:db8:2::fe", a);
	assert_memory_equal(cfg.routes[1].via, a, 16);
	assert_int_equal(cfg.routes[2].port, 0); /* link-local: the port named */
	assert_int_equal(cfg.routes[3].plen, 32); /* a bare prefix: a host route */
	assert_int_equal(cfg.routes[3].port, 1);

	/* the dump says it as the file does, and parses back to the same config */
	j = synq_config_to_json(&cfg);
	assert_string_equal(json_string_value(json_array_get(json_object_get(json_array_get(
		json_object_get(j, "ports"), 0), "ipv4"), 0)), "198.18.8.1/24");
	assert_string_equal(json_string_value(json_array_get(json_object_get(json_array_get(
		json_object_get(j, "ports"), 0), "ipv4"), 1)), "198.18.0.1");
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(j,
		"routes"), 3), "prefix")), "203.0.113.7/32");
	dump = json_dumps(j, 0);
	json_decref(j);
	assert_int_equal(synq_config_parse(dump, &again, err, sizeof(err)), 0);
	free(dump);
	assert_memory_equal(&cfg, &again, sizeof(cfg));
	/* and docs/configuration.md has every key a route has */
	{
		char path[512];
		char *doc;

		snprintf(path, sizeof(path), "%s/docs/configuration.md", SYNQ_SOURCE_ROOT);
		doc = read_file(path);
		j = synq_config_to_json(&cfg);
		collect_paths(j, "", doc);
		json_decref(j);
		free(doc);
	}
}

static void
test_prefix_errors(void **state __rte_unused)
{
	expect_error("{\"ports\":[{\"name\":\"p0\",\"ipv4\":[\"198.18.8.1/33\"]}],\"lcores\":["
		LCORE "]}", "ports[0].ipv4[0]: \"198.18.8.1/33\"", "/1../32");
	expect_error("{\"ports\":[{\"name\":\"p0\",\"ipv4\":[\"198.18.8.1/\"]}],\"lcores\":["
		LCORE "]}", "ports[0].ipv4[0]", "prefix length");
	expect_error("{\"ports\":[{\"name\":\"p0\",\"ipv4\":[\"198.18.8.1/024\"]}],\"lcores\":["
		LCORE "]}", "ports[0].ipv4[0]", "prefix length");
	expect_error("{\"ports\":[{\"name\":\"p0\",\"ipv4\":[\"198.18.8.1/2x\"]}],\"lcores\":["
		LCORE "]}", "ports[0].ipv4[0]", "prefix length");
	expect_error("{\"ports\":[{\"name\":\"p0\",\"ipv6\":[\"2001:db8::1/129\"]}],\"lcores\":["
		LCORE "]}", "ports[0].ipv6[0]", "/1../128");
	expect_error("{\"ports\":[{\"name\":\"p0\",\"ipv4\":[\"198.18/24\"]}],\"lcores\":["
		LCORE "]}", "ports[0].ipv4[0]", "not an IPv4 address");
	expect_error("{\"ports\":[{\"name\":\"p0\",\"ipv4\":[\"198.18.8.255/24\"]}],\"lcores\":["
		LCORE "]}", "ports[0].ipv4[0]", "broadcast");
	expect_error("{\"ports\":[{\"name\":\"p0\",\"ipv4\":[\"198.18.8.0/24\"]}],\"lcores\":["
		LCORE "]}", "ports[0].ipv4[0]", "network");
	expect_error("{\"ports\":[{\"name\":\"p0\",\"ipv6\":[\"2001:db8::/64\"]}],\"lcores\":["
		LCORE "]}", "ports[0].ipv6[0]", "anycast");
	/* RFC 3021 and RFC 6164: point-to-point links use both addresses */
	assert_int_equal(synq_config_parse("{\"ports\":[{\"name\":\"p0\",\"ipv4\":["
		"\"198.18.8.0/31\"],\"ipv6\":[\"2001:db8::/127\"]}],\"lcores\":[" LCORE "]}", &cfg,
		err, sizeof(err)), 0);
	/* and with no routes, the two ports of the route tests parse */
	assert_int_equal(synq_config_parse(TWO_PORTS "}", &cfg, err, sizeof(err)), 0);
}

static void
test_route_errors(void **state __rte_unused)
{
	char many[8192] = ",\"routes\":[";

	expect_route_error(",\"routes\":{}", "routes: {} is an object", "array");
	expect_route_error(",\"routes\":[{\"via\":\"198.18.8.254\"}]", "routes[0].prefix",
		"missing");
	expect_route_error(",\"routes\":[{\"prefix\":\"0.0.0.0/0\"}]", "routes[0].via", "missing");
	expect_route_error(",\"routes\":[{\"prefix\":\"0.0.0.0/0\",\"via\":\"198.18.8.254\","
		"\"metric\":1}]", "routes[0].metric", "unknown key");
	expect_route_error(",\"routes\":[{\"prefix\":\"10.0.0.300/8\",\"via\":\"198.18.8.254\"}]",
		"routes[0].prefix: \"10.0.0.300/8\"", "not an address");
	expect_route_error(",\"routes\":[{\"prefix\":\"10.0.0.0/40\",\"via\":\"198.18.8.254\"}]",
		"routes[0].prefix", "/0../32");
	expect_route_error(",\"routes\":[{\"prefix\":\"10.1.2.3/8\",\"via\":\"198.18.8.254\"}]",
		"routes[0].prefix", "host bits set, expected the network address \"10.0.0.0/8\"");
	expect_route_error(",\"routes\":[{\"prefix\":\"2001:db8:5::1/48\",\"via\":"
		"\"2001:db8::fe\"}]", "routes[0].prefix", "\"2001:db8:5::/48\"");
	expect_route_error(",\"routes\":[{\"prefix\":\"0.0.0.0/0\",\"via\":\"2001:db8::fe\"}]",
		"routes[0].via: \"2001:db8::fe\"", "IPv4");
	expect_route_error(",\"routes\":[{\"prefix\":\"::/0\",\"via\":\"198.18.8.254\"}]",
		"routes[0].via", "IPv6");
	expect_route_error(",\"routes\":[{\"prefix\":\"0.0.0.0/0\",\"via\":\"198.18.8.254/24\"}]",
		"routes[0].via", "without a length");
	expect_route_error(",\"routes\":[{\"prefix\":\"0.0.0.0/0\",\"via\":\"198.18.8.254/32\"}]",
		"routes[0].via", "without a length");
	expect_route_error(",\"routes\":[{\"prefix\":\"0.0.0.0/0\",\"via\":\"203.0.113.1\"}]",
		"routes[0].via: \"203.0.113.1\"", "no port's subnet");
	expect_route_error(",\"routes\":[{\"prefix\":\"0.0.0.0/0\",\"via\":\"198.18.0.2\"}]",
		"routes[0].via", "no port's subnet"); /* next to a host address: not on-link */
	expect_route_error(",\"routes\":[{\"prefix\":\"0.0.0.0/0\",\"via\":\"198.18.8.1\"}]",
		"routes[0].via", "our addresses");
	expect_route_error(",\"routes\":[{\"prefix\":\"0.0.0.0/0\",\"via\":\"198.18.8.255\"}]",
		"routes[0].via", "broadcast");
	expect_route_error(",\"routes\":[{\"prefix\":\"0.0.0.0/0\",\"via\":\"224.0.0.1\"}]",
		"routes[0].via", "unicast");
	expect_route_error(",\"routes\":[{\"prefix\":\"::/0\",\"via\":\"fe80::1\"}]",
		"routes[0].via", "\"port\"");
	expect_route_error(",\"routes\":[{\"prefix\":\"::/0\",\"via\":\"fe80::1\",\"port\":\"p9\"}]",
		"routes[0].port: \"p9\"", "ports");
	expect_route_error(",\"routes\":[{\"prefix\":\"0.0.0.0/0\",\"via\":\"198.18.8.254\","
		"\"port\":\"p1\"}]", "routes[0].via", "no subnet of ports[1]");
	expect_route_error(",\"routes\":[{\"prefix\":\"10.0.0.0/8\",\"via\":\"198.18.8.254\"},"
		"{\"prefix\":\"10.0.0.0/8\",\"via\":\"192.0.2.254\"}]", "routes[1].prefix",
		"repeats routes[0]");
	expect_route_error(",\"routes\":[{\"prefix\":\"192.0.2.0/24\",\"via\":\"198.18.8.254\"}]",
		"routes[0].prefix", "subnet of ports[1].ipv4[0]");
	/* too many */
	for (unsigned int i = 0; i <= SYNQ_MAX_ROUTES; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many),
			"%s{\"prefix\":\"10.%u.0.0/16\",\"via\":\"198.18.8.254\"}", i ? "," : "", i);
	strcat(many, "]");
	expect_route_error(many, "routes", "expected 0..64");
	assert_int_equal(synq_config_parse("{\"ports\":[{\"name\":\"p0\",\"ipv4\":[\"10.0.0.1/8\"]},"
		"{\"name\":\"p1\",\"ipv4\":[\"10.1.0.1/16\"]}],\"lcores\":[{\"lcore\":1,\"rx\":["
		"{\"port\":\"p0\"},{\"port\":\"p1\"}]}],\"routes\":[{\"prefix\":\"0.0.0.0/0\","
		"\"via\":\"10.1.0.254\",\"port\":\"p1\"}]}", &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.routes[0].port, 1);
	/* the same subnet on two ports */
	expect_error("{\"ports\":[{\"name\":\"p0\",\"ipv4\":[\"10.0.0.1/24\"]},{\"name\":\"p1\","
		"\"ipv4\":[\"10.0.0.2/24\"]}],\"lcores\":[{\"lcore\":1,\"rx\":[{\"port\":\"p0\"},"
		"{\"port\":\"p1\"}]}]}", "ports[1].ipv4[0]", "subnet of ports[0].ipv4[0]");
	/* a link-local next hop on a port with no IPv6 address to send from */
	expect_error("{\"ports\":[{\"name\":\"p0\",\"ipv4\":[\"10.0.0.1/24\"]}],\"lcores\":["
		LCORE "],\"routes\":[{\"prefix\":\"::/0\",\"via\":\"fe80::1\",\"port\":\"p0\"}]}",
		"routes[0].port", "no IPv6 address");
}

/* issue 13, proxy: a listener's backends and the keys beside them */


static void
expect_proxy_error(const char *keys, const char *want1, const char *want2)
{
	char text[4096];

	snprintf(text, sizeof(text), PROXY_CFG, keys);
	expect_error(text, want1, want2);
}

static void
test_proxy_config(void **state __rte_unused)
{
	static struct synq_config again;
	const struct synq_config_proxy *px = &cfg.listeners[0].proxy;
	char text[4096], many[4096] = ",\"backends\":[";
	char path[512];
	uint8_t a[16];
	json_t *j;
	char *dump, *doc;

	/* defaults */
	snprintf(text, sizeof(text), PROXY_CFG, ONE_BACKEND);
	if (synq_config_parse(text, &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg.listeners[0].app, SYNQ_APP_PROXY);
	assert_int_equal(px->nb_backends, 1);
	assert_int_equal(px->backends[0].family, 4);
	assert_int_equal(px->backends[0].port, 80);
	assert_int_equal(px->backends[0].weight, 1);
	assert_int_equal(px->balance, SYNQ_BALANCE_ROUND_ROBIN);
	assert_int_equal(px->proxy_protocol, 0);
	assert_int_equal(px->connect_timeout_ms, 3000);
	assert_int_equal(px->check_interval_ms, 2000);
	assert_int_equal(px->check_timeout_ms, 1000);
	assert_int_equal(px->check_rise, 2);
	assert_int_equal(px->check_fall, 3);

	/* everything given, both families; the dump parses back to the same struct */
	snprintf(text, sizeof(text), PROXY_CFG, ",\"backends\":[{\"address\":\"198.18.8.2\","
		"\"port\":80,\"weight\":3},{\"address\":\"2001:db8::2\",\"port\":8080,"
		"\"weight\":256},{\"address\":\"198.18.8.2\",\"port\":81},{\"address\":"
		"\"198.18.8.9\",\"port\":443}],\"balance\":\"least_conn\",\"proxy_protocol\":2,"
		"\"connect_timeout_ms\":500,\"health_check\":{\"interval_ms\":100,"
		"\"timeout_ms\":99,\"rise\":1,\"fall\":100}");
	if (synq_config_parse(text, &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(px->nb_backends, 4);
	assert_int_equal(px->backends[0].weight, 3);
	assert_int_equal(px->backends[1].family, 6);
	inet_pton(AF_INET6, "2001:db8::2", a);
	assert_memory_equal(px->backends[1].addr, a, 16);
	assert_int_equal(px->backends[1].port, 8080);
	assert_int_equal(px->backends[1].weight, 256);
	assert_int_equal(px->backends[2].port, 81);
	assert_int_equal(px->balance, SYNQ_BALANCE_LEAST_CONN);
	assert_int_equal(px->proxy_protocol, 2);
	assert_int_equal(px->connect_timeout_ms, 500);
	assert_int_equal(px->check_interval_ms, 100);
	assert_int_equal(px->check_timeout_ms, 99);
	assert_int_equal(px->check_rise, 1);
	assert_int_equal(px->check_fall, 100);
	j = synq_config_to_json(&cfg);
	dump = json_dumps(j, 0);
	assert_int_equal(synq_config_parse(dump, &again, err, sizeof(err)), 0);
	assert_memory_equal(&cfg, &again, sizeof(cfg));
	free(dump);
	/* and docs/configuration.md has every key a proxy listener has */
	snprintf(path, sizeof(path), "%s/docs/configuration.md", SYNQ_SOURCE_ROOT);
	doc = read_file(path);
	collect_paths(j, "", doc);
	free(doc);
	json_decref(j);
	/* a shorter interval takes the default timeout down with it */
	snprintf(text, sizeof(text), PROXY_CFG, ONE_BACKEND ",\"health_check\":{"
		"\"interval_ms\":500}");
	assert_int_equal(synq_config_parse(text, &cfg, err, sizeof(err)), 0);
	assert_int_equal(px->check_timeout_ms, 250);
	/* a listener of another app has no proxy keys, and dumps none */
	assert_int_equal(synq_config_parse(WITH_V4 ",\"listeners\":[{\"port\":80,\"app\":"
		"\"echo\"}]}", &cfg, err, sizeof(err)), 0);
	assert_int_equal(px->nb_backends, 0);
	j = synq_config_to_json(&cfg);
	assert_null(json_object_get(json_array_get(json_object_get(j, "listeners"), 0),
		"backends"));
	json_decref(j);

	/* the listener's keys */
	expect_proxy_error("", "listeners[0].backends", "is missing");
	expect_proxy_error(",\"backends\":[]", "listeners[0].backends", "expected 1..64");
	expect_proxy_error(",\"backends\":{}", "listeners[0].backends", "an array");
	for (unsigned int i = 0; i <= SYNQ_MAX_BACKENDS; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many),
			"%s{\"address\":\"192.0.2.%u\",\"port\":80}", i ? "," : "", i + 1);
	strcat(many, "]");
	expect_proxy_error(many, "listeners[0].backends", "expected 1..64");
	expect_proxy_error(ONE_BACKEND ",\"balance\":\"random\"", "listeners[0].balance: "
		"\"random\" is not a balance", "\"round_robin\", \"least_conn\" or \"source_hash\"");
	expect_proxy_error(ONE_BACKEND ",\"proxy_protocol\":3", "listeners[0].proxy_protocol: 3",
		"0..2");
	expect_proxy_error(ONE_BACKEND ",\"connect_timeout_ms\":0",
		"listeners[0].connect_timeout_ms: 0", "10..600000");
	expect_proxy_error(ONE_BACKEND ",\"health_check\":{\"interval_ms\":1000,"
		"\"timeout_ms\":1000}", "listeners[0].health_check.timeout_ms: 1000", "1..999");
	expect_proxy_error(ONE_BACKEND ",\"health_check\":{\"interval_ms\":99}",
		"listeners[0].health_check.interval_ms: 99", "100..3600000");
	expect_proxy_error(ONE_BACKEND ",\"health_check\":{\"rise\":0}",
		"listeners[0].health_check.rise: 0", "1..100");
	expect_proxy_error(ONE_BACKEND ",\"health_check\":{\"fall\":101}",
		"listeners[0].health_check.fall: 101", "1..100");
	expect_proxy_error(ONE_BACKEND ",\"health_check\":{\"inter\":1}",
		"listeners[0].health_check.inter", "unknown key");
	expect_proxy_error(ONE_BACKEND ",\"health_check\":2", "listeners[0].health_check: 2",
		"an object");
	/* the backends */
	expect_proxy_error(",\"backends\":[{\"port\":80}]", "listeners[0].backends[0].address",
		"is missing");
	expect_proxy_error(",\"backends\":[{\"address\":\"198.18.8.2\"}]",
		"listeners[0].backends[0].port", "is missing");
	expect_proxy_error(",\"backends\":[{\"address\":\"198.18.8.2\",\"port\":0}]",
		"listeners[0].backends[0].port: 0", "1..65535");
	expect_proxy_error(",\"backends\":[{\"address\":\"198.18.8.2\",\"port\":80,"
		"\"weight\":0}]", "listeners[0].backends[0].weight: 0", "1..256");
	expect_proxy_error(",\"backends\":[{\"address\":\"198.18.8.2\",\"port\":80,"
		"\"weight\":257}]", "listeners[0].backends[0].weight: 257", "1..256");
	expect_proxy_error(",\"backends\":[{\"address\":\"198.18.8.2\",\"port\":80,"
		"\"check\":true}]", "listeners[0].backends[0].check", "unknown key");
	expect_proxy_error(",\"backends\":[{\"address\":\"198.18.8.2\",\"port\":80},"
		"{\"address\":\"198.18.8.3\",\"port\":80},{\"address\":\"198.18.8.2\","
		"\"port\":80,\"weight\":2}]", "listeners[0].backends[2].address: \"198.18.8.2\" "
		"port 80 repeats backends[0]", NULL);
	{
		static const char *const bad[][2] = {
			{"198.18.8.2/32", "not an address"},
			{"backend.example", "not an address"},
			{"198.18.8.1", "our addresses"},
			{"2001:db8::1", "our addresses"},
			{"0.0.0.0", "unspecified"},
			{"0.1.2.3", "unspecified"},
			{"::", "unspecified"},
			{"127.0.0.1", "loopback"},
			{"::1", "loopback"},
			{"224.0.0.1", "multicast"},
			{"ff02::1", "multicast"},
			{"255.255.255.255", "broadcast"},
			{"198.18.8.255", "broadcast address of a port's subnet"},
			{"198.18.8.0", "network or broadcast"},
			{"2001:db8::", "subnet-router anycast"},
			{"::ffff:198.18.8.2", "IPv4-mapped"},
			{"::198.18.8.2", "IPv4-compatible"},
			{"fe80::2", "link-local"},
			{"203.0.113.9", "reached by no route"},
			{"2001:db8:5::9", "reached by no route"},
		};

		for (unsigned int i = 0; i < RTE_DIM(bad); i++) {
			char keys[256];

			snprintf(keys, sizeof(keys), ",\"backends\":[{\"address\":\"%s\","
				"\"port\":80}]", bad[i][0]);
			expect_proxy_error(keys, "listeners[0].backends[0].address", bad[i][1]);
			assert_non_null(strstr(err, bad[i][0]));
		}
	}
	/* IPv4 link-local: on a port's subnet, not through a router (RFC 3927 2.7) */
	expect_error("{\"ports\":[{\"name\":\"p0\",\"ipv4\":[\"198.18.8.1/24\"]}],"
		"\"lcores\":[" LCORE_BOTH "],\"routes\":[{\"prefix\":\"0.0.0.0/0\",\"via\":"
		"\"198.18.8.254\"}],\"listeners\":[{\"port\":80,\"app\":\"proxy\","
		"\"backends\":[{\"address\":\"169.254.1.1\",\"port\":80}]}]}",
		"listeners[0].backends[0].address: \"169.254.1.1\"", "no router forwards");
	assert_int_equal(synq_config_parse("{\"ports\":[{\"name\":\"p0\",\"ipv4\":"
		"[\"169.254.0.1/16\"]}],\"lcores\":[" LCORE_BOTH "],\"listeners\":[{\"port\":80,"
		"\"app\":\"proxy\",\"backends\":[{\"address\":\"169.254.1.1\",\"port\":80}]}]}",
		&cfg, err, sizeof(err)), 0);
	/* a route reaches what no subnet holds */
	assert_int_equal(synq_config_parse("{\"ports\":[{\"name\":\"p0\",\"ipv4\":"
		"[\"198.18.8.1/24\"]}],\"lcores\":[" LCORE_BOTH "],\"routes\":[{\"prefix\":"
		"\"203.0.113.0/24\",\"via\":\"198.18.8.254\"}],\"listeners\":[{\"port\":80,"
		"\"app\":\"proxy\",\"backends\":[{\"address\":\"203.0.113.9\",\"port\":80}]}]}",
		&cfg, err, sizeof(err)), 0);
	/* the proxy's keys on a listener of another app: a typo of "app" must not pass */
	{
		static const char *const keys[] = {ONE_BACKEND, ",\"balance\":\"least_conn\"",
			",\"proxy_protocol\":1", ",\"connect_timeout_ms\":100",
			",\"health_check\":{}"};

		for (unsigned int i = 0; i < RTE_DIM(keys); i++) {
			snprintf(text, sizeof(text), WITH_V4 ",\"listeners\":[{\"port\":80,"
				"\"app\":\"http\"%s}]}", keys[i]);
			expect_error(text, "listeners[0].", "is set for app \"http\", expected it "
				"only with \"app\": \"proxy\"");
		}
		snprintf(text, sizeof(text), WITH_V4 ",\"listeners\":[{\"port\":80%s}]}",
			ONE_BACKEND);
		expect_error(text, "listeners[0].backends", "app \"hold\"");
	}
	/* nor in "tcp", whose knobs are the listeners' defaults: the proxy's are no knobs */
	{
		static const char *const keys[] = {"\"backends\":[]", "\"balance\":\"least_conn\"",
			"\"proxy_protocol\":1", "\"connect_timeout_ms\":100",
			"\"health_check\":{}"};

		for (unsigned int i = 0; i < RTE_DIM(keys); i++) {
			snprintf(text, sizeof(text), WITH_V4 ",\"tcp\":{%s}}", keys[i]);
			expect_error(text, "tcp.", "unknown key");
		}
	}
}

/*
 * A config of @p nb proxy listeners of 64 backends each on port p0 (198.18.0.1/16),
 * with the routes @p routes: the backends 198.18.L.B (or @p net.L.B), all distinct, or
 * the same 64 in every listener when @p same.
 */
static void
next_hops_cfg(char *text, size_t len, unsigned int nb, const char *net, bool same,
	const char *routes)
{
	size_t n = (size_t)snprintf(text, len, "{\"ports\":[{\"name\":\"p0\",\"ipv4\":"
		"[\"198.18.0.1/16\"]}],\"lcores\":[" LCORE_BOTH "],\"routes\":[%s],"
		"\"listeners\":[", routes);

	for (unsigned int l = 0; l < nb; l++) {
		n += (size_t)snprintf(text + n, len - n, "%s{\"port\":%u,\"app\":\"proxy\","
			"\"backends\":[", l ? "," : "", 80 + l);
		for (unsigned int b = 0; b < SYNQ_MAX_BACKENDS; b++)
			n += (size_t)snprintf(text + n, len - n, "%s{\"address\":\"%s.%u.%u\","
				"\"port\":80}", b ? "," : "", net, same ? 1 : 1 + l, 2 + b);
		n += (size_t)snprintf(text + n, len - n, "]}");
	}
	snprintf(text + n, len - n, "]}");
	assert_true(n + 3 < len);
}

/*
 * The next hops a worker resolves, on-link backends and routes' next hops, are at most
 * what its neighbour table holds (SYNQ_MAX_NEXT_HOPS): the health checks keep each in
 * it, so one more would never resolve. Backends behind a router, or repeated across
 * listeners, are no more next hops.
 */
static void
test_proxy_next_hops(void **state __rte_unused)
{
	static const char route[] = "{\"prefix\":\"203.0.0.0/16\",\"via\":\"198.18.255.254\"}";
	const size_t len = 64 * 1024;
	char *text = malloc(len);
	unsigned int full = SYNQ_MAX_NEXT_HOPS / SYNQ_MAX_BACKENDS;
	char want[64];

	assert_non_null(text);
	assert_int_equal(full * SYNQ_MAX_BACKENDS, SYNQ_MAX_NEXT_HOPS);
	/* exactly as many as the table holds */
	next_hops_cfg(text, len, full, "198.18", false, "");
	if (synq_config_parse(text, &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	/* one more, on-link: refused, naming it */
	next_hops_cfg(text, len, full + 1, "198.18", false, "");
	snprintf(want, sizeof(want), "listeners[%u].backends[0].address", full);
	expect_error(text, want, "expected at most 256");
	/* a route's next hop is one of them */
	next_hops_cfg(text, len, full, "198.18", false, route);
	snprintf(want, sizeof(want), "listeners[%u].backends[%u].address", full - 1,
		SYNQ_MAX_BACKENDS - 1);
	expect_error(text, want, "one next hop more than the 256");
	/* the same backends in every listener: 64 next hops */
	next_hops_cfg(text, len, full + 1, "198.18", true, "");
	if (synq_config_parse(text, &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	/* behind a router: one next hop, however many backends */
	next_hops_cfg(text, len, full + 1, "203.0", false, route);
	if (synq_config_parse(text, &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg.nb_listeners, full + 1);
	free(text);
}

/*
 * The review of the routes (rev-13 R2, C1, C2): IPv4-mapped addresses, nested subnets
 * decided by the longest match as the lookup does, and what is no next hop or route.
 */
#define NESTED(route) "{\"ports\":[{\"name\":\"p0\",\"ipv4\":[\"10.0.0.1/8\"]}," \
	"{\"name\":\"p1\",\"ipv4\":[\"10.1.0.1/16\"]}],\"lcores\":[{\"lcore\":1,\"rx\":[" \
	"{\"port\":\"p0\"},{\"port\":\"p1\"}]}],\"routes\":[" route "]}"

static void
test_route_review(void **state __rte_unused)
{
	/* R2: ::ffff:a.b.c.d is IPv4, as a port address, a prefix or a next hop */
	expect_error("{\"ports\":[{\"name\":\"p0\",\"ipv6\":[\"::ffff:198.18.8.1/120\"]}],"
		"\"lcores\":[" LCORE "]}", "ports[0].ipv6[0]", "IPv4-mapped");
	expect_error("{\"ports\":[{\"name\":\"p0\",\"ipv6\":[\"::ffff:198.18.8.1\"]}],"
		"\"lcores\":[" LCORE "]}", "ports[0].ipv6[0]", "IPv4-mapped");
	expect_route_error(",\"routes\":[{\"prefix\":\"::ffff:0:0/96\",\"via\":"
		"\"2001:db8::fe\"}]", "routes[0].prefix: \"::ffff:0:0/96\"", "IPv4-mapped");
	expect_route_error(",\"routes\":[{\"prefix\":\"::ffff:198.51.100.0/120\",\"via\":"
		"\"2001:db8::fe\"}]", "routes[0].prefix", "IPv4-mapped");
	expect_route_error(",\"routes\":[{\"prefix\":\"::/0\",\"via\":\"::ffff:198.18.8.254\"}]",
		"routes[0].via", "IPv4-mapped");
	/* a prefix that holds the mapped range without being in it is a real IPv6 route */
	assert_int_equal(synq_config_parse(TWO_PORTS ",\"routes\":[{\"prefix\":\"::/64\","
		"\"via\":\"2001:db8::fe\"}]}", &cfg, err, sizeof(err)), 0);

	/* C1: nested subnets, 10/8 on p0 and 10.1/16 on p1: 10.1.0.254 is on p1's link */
	assert_int_equal(synq_config_parse(NESTED("{\"prefix\":\"0.0.0.0/0\",\"via\":"
		"\"10.1.0.254\"}"), &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.routes[0].port, 1);
	assert_int_equal(synq_config_parse(NESTED("{\"prefix\":\"0.0.0.0/0\",\"via\":"
		"\"10.2.0.254\"}"), &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.routes[0].port, 0);
	assert_int_equal(synq_config_parse(NESTED("{\"prefix\":\"0.0.0.0/0\",\"via\":"
		"\"10.1.0.254\",\"port\":\"p1\"}"), &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.routes[0].port, 1);
	expect_error(NESTED("{\"prefix\":\"0.0.0.0/0\",\"via\":\"10.1.0.254\",\"port\":\"p0\"}"),
		"routes[0].port: \"p0\" is not where via is: ports[1] has a longer subnet",
		"\"p1\"");
	/* ... whatever the order of the ports */
	assert_int_equal(synq_config_parse("{\"ports\":[{\"name\":\"p0\",\"ipv4\":[\"10.1.0.1/16\"]},"
		"{\"name\":\"p1\",\"ipv4\":[\"10.0.0.1/8\"]}],\"lcores\":[{\"lcore\":1,\"rx\":["
		"{\"port\":\"p0\"},{\"port\":\"p1\"}]}],\"routes\":[{\"prefix\":\"0.0.0.0/0\","
		"\"via\":\"10.1.0.254\"}]}", &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.routes[0].port, 0);

	/* C2: the subnet-router anycast address is no one router */
	expect_route_error(",\"routes\":[{\"prefix\":\"::/0\",\"via\":\"2001:db8::\"}]",
		"routes[0].via: \"2001:db8::\"", "subnet-router anycast");
	/* a port address with /0: every destination on-link */
	expect_error("{\"ports\":[{\"name\":\"p0\",\"ipv4\":[\"10.0.0.1/0\"]}],\"lcores\":["
		LCORE "]}", "ports[0].ipv4[0]: \"10.0.0.1/0\"", "/1../32");
	expect_error("{\"ports\":[{\"name\":\"p0\",\"ipv6\":[\"2001:db8::1/0\"]}],\"lcores\":["
		LCORE "]}", "ports[0].ipv6[0]", "/1../128");
	/* a route to one of our own addresses */
	expect_route_error(",\"routes\":[{\"prefix\":\"198.18.0.1/32\",\"via\":"
		"\"198.18.8.254\"}]", "routes[0].prefix: \"198.18.0.1/32\"", "our addresses");
	expect_route_error(",\"routes\":[{\"prefix\":\"2001:db8:2::1/128\",\"via\":"
		"\"2001:db8::fe\"}]", "routes[0].prefix", "our addresses");
}

/* Active open (issue 13): tcp.local_ports ("tcp" only) and syn_retries (per listener too). */
static void
test_active_open_config(void **state __rte_unused)
{
	assert_int_equal(synq_config_parse(MINIMAL, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.tcp.syn_retries, 3);
	assert_int_equal(cfg.tcp.local_port_lo, 32768);
	assert_int_equal(cfg.tcp.local_port_hi, 60999);
	assert_false(cfg.tcp.tw_reuse);
	assert_int_equal(
		synq_config_parse(WITH_V4 ",\"tcp\":{\"tw_reuse\":false}}", &cfg, err, sizeof(err)),
		0);
	assert_false(cfg.tcp.tw_reuse);
	assert_false(cfg.listeners[0].tcp.tw_reuse);
	expect_error(WITH_V4 ",\"tcp\":{\"tw_reuse\":1}}", "tcp.tw_reuse", "true or false");
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":80,\"tw_reuse\":false}]}",
		"listeners[0].tw_reuse", "unknown key");
	assert_int_equal(synq_config_parse(WITH_V4 ",\"tcp\":{\"local_ports\":\"40000-40009\","
				 "\"syn_retries\":5},\"listeners\":[{\"port\":80},"
				 "{\"port\":81,\"syn_retries\":1}]}",
				 &cfg, err, sizeof(err)),
		0);
	assert_int_equal(cfg.tcp.local_port_lo, 40000);
	assert_int_equal(cfg.tcp.local_port_hi, 40009);
	assert_int_equal(cfg.listeners[0].tcp.local_port_lo, 40000);
	assert_int_equal(cfg.listeners[0].tcp.syn_retries, 5);
	assert_int_equal(cfg.listeners[1].tcp.syn_retries, 1);
	expect_error(WITH_V4 ",\"tcp\":{\"local_ports\":\"60999-32768\"}}", "tcp.local_ports",
		"lo <= hi");
	expect_error(WITH_V4 ",\"tcp\":{\"local_ports\":\"80-1000\"}}", "tcp.local_ports",
		"1024 <= lo");
	expect_error(WITH_V4 ",\"tcp\":{\"local_ports\":\"32768-70000\"}}", "tcp.local_ports",
		"hi <= 65535");
	expect_error(WITH_V4 ",\"tcp\":{\"local_ports\":\"32768\"}}", "tcp.local_ports", "lo-hi");
	expect_error(WITH_V4 ",\"tcp\":{\"local_ports\":\"32768-60999x\"}}", "tcp.local_ports",
		"lo-hi");
	expect_error(WITH_V4 ",\"tcp\":{\"local_ports\":\" 1-2\"}}", "tcp.local_ports", "lo-hi");
	expect_error(WITH_V4 ",\"tcp\":{\"local_ports\":32768}}", "tcp.local_ports", "lo-hi");
	expect_error(WITH_V4 ",\"tcp\":{\"syn_retries\":11}}", "tcp.syn_retries: 11", "0..10");
	expect_error(WITH_V4 ",\"listeners\":[{\"port\":80,\"local_ports\":\"40000-40001\"}]}",
		"listeners[0].local_ports", "unknown key");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal_gets_defaults),
		cmocka_unit_test(test_full_port),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_error_one_line),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_tcp_and_listeners),
		cmocka_unit_test(test_active_open_config),
		cmocka_unit_test(test_listener_errors),
		cmocka_unit_test(test_enum_names_round_trip),
		cmocka_unit_test(test_listener_allow),
		cmocka_unit_test(test_enum_unknown_name),
		cmocka_unit_test(test_syncookies_values),
		cmocka_unit_test(test_cookie_secret_file),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_shipped_configs_parse),
		cmocka_unit_test(test_dump_round_trip),
		cmocka_unit_test(test_cookie_secret_never_shown),
		cmocka_unit_test(test_every_key_documented),
		/* issue 13, routes */
		cmocka_unit_test(test_prefixes_and_routes),
		cmocka_unit_test(test_prefix_errors),
		cmocka_unit_test(test_route_errors),
		cmocka_unit_test(test_route_review),
		/* issue 13, proxy */
		cmocka_unit_test(test_proxy_config),
		cmocka_unit_test(test_proxy_next_hops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
