/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/listener without EAL: listeners made from a config (an accept queue each, the
 * TCP knobs with the listener's overrides, the SYN backlog shared by the workers),
 * the lookup by family, address and port, the size of the session pool, and their
 * part of the stats document.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <rte_byteorder.h>

#include "synq_listener.h"

static const char config_text[] =
	"{ \"ports\": [ { \"name\": \"p0\", \"mac\": \"02:53:51:00:00:01\","
	"    \"ipv4\": [\"198.18.0.1\", \"198.18.0.2\"], \"ipv6\": [\"2001:2::1\"],"
	"    \"rx_queues\": 2 } ],"
	"  \"lcores\": [ { \"lcore\": 1, \"role\": \"worker\","
	"      \"rx\": [ { \"port\": \"p0\", \"queue\": 0 } ] },"
	"    { \"lcore\": 2, \"role\": \"both\", \"rx\": [ { \"port\": \"p0\", \"queue\": 1 } ] } ],"
	"  \"tcp\": { \"max_syn_backlog\": 5, \"max_flows\": 100 },"
	"  \"listeners\": ["
	"    { \"address\": \"0.0.0.0\", \"port\": 80, \"backlog\": 8 },"
	"    { \"address\": \"::\", \"port\": 80, \"backlog\": 4, \"queue_model\": \"bsd\" },"
	"    { \"address\": \"198.18.0.2\", \"port\": 81, \"app\": \"echo\", \"max_flows\": 10 },"
	"    { \"port\": 82, \"http_body\": \"hi\" } ] }";

static struct synq_config cfg;
static struct synq_listeners ls;

static int
setup(void **state __rte_unused)
{
	char err[SYNQ_CONFIG_ERR_LEN];

	if (synq_config_parse(config_text, &cfg, err, sizeof(err)) != 0 ||
		synq_listeners_create(&ls, &cfg, 2, 0, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int
teardown(void **state __rte_unused)
{
	synq_listeners_free(&ls);
	return 0;
}

static struct synq_listener *
find(uint8_t family, const uint8_t *addr, uint16_t port)
{
	return synq_listener_lookup(&ls, family, addr, rte_cpu_to_be_16(port));
}

static void
test_made_from_config(void **state __rte_unused)
{
	assert_int_equal(ls.nb, 4);
	assert_int_equal(ls.nb_workers, 2);
	for (unsigned int i = 0; i < ls.nb; i++) {
		assert_ptr_equal(ls.l[i].conf, &cfg.listeners[i]);
		assert_int_equal(ls.l[i].accept.backlog, ls.l[i].backlog);
		assert_int_equal(synq_listener_index(&ls, &ls.l[i]), i);
	}
	assert_int_equal(ls.l[0].backlog, 8);
	assert_int_equal(ls.l[1].accept.model, SYNQ_QUEUE_BSD);
	assert_int_equal(ls.l[2].app, SYNQ_APP_ECHO);
	assert_int_equal(ls.l[2].tcp.max_flows, 10);
	assert_string_equal(ls.l[3].conf->http_body, "hi");
	/* max_syn_backlog 5 over 2 workers: 3 each, rounded up */
	assert_int_equal(ls.l[0].syn_share, 3);
}

static void
test_lookup(void **state __rte_unused)
{
	const uint8_t a1[4] = {198, 18, 0, 1}, a2[4] = {198, 18, 0, 2};
	const uint8_t v6[16] = {0x20, 0x01, 0, 2, [15] = 1};

	/* the wildcards of port 80, one a family */
	assert_ptr_equal(find(4, a1, 80), &ls.l[0]);
	assert_ptr_equal(find(4, a2, 80), &ls.l[0]);
	assert_ptr_equal(find(6, v6, 80), &ls.l[1]);
	/* port 81: one address of one family */
	assert_ptr_equal(find(4, a2, 81), &ls.l[2]);
	assert_null(find(4, a1, 81));
	assert_null(find(6, v6, 81));
	/* port 82: "*", both families */
	assert_ptr_equal(find(4, a1, 82), &ls.l[3]);
	assert_ptr_equal(find(6, v6, 82), &ls.l[3]);
	/* no listener */
	assert_null(find(4, a1, 83));
}

/* Every accept queue full and every worker carrying each listener's max_flows. */
static void
test_max_sessions(void **state __rte_unused)
{
	uint32_t want = 0;

	for (unsigned int i = 0; i < ls.nb; i++)
		want += ls.l[i].backlog + 1 + 2 * ls.l[i].tcp.max_flows;
	assert_true(synq_listeners_max_sessions(&ls) > want);
	/* the slack is bounded: a pool is not sized by accident */
	assert_true(synq_listeners_max_sessions(&ls) <= want + 4096);
}

static void
test_json(void **state __rte_unused)
{
	json_t *arr = synq_listeners_json(&ls);

	assert_int_equal(json_array_size(arr), 4);
	assert_string_equal(json_string_value(json_object_get(json_array_get(arr, 0),
		"address")), "0.0.0.0");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(arr, 0), "send_q")), 8);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(arr, 0), "recv_q")), 0);
	assert_string_equal(json_string_value(json_object_get(json_array_get(arr, 1),
		"queue_model")), "bsd");
	assert_non_null(json_object_get(json_array_get(arr, 1), "bsd_len"));
	assert_null(json_object_get(json_array_get(arr, 0), "bsd_len"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(arr, 3),
		"address")), "*");
	json_decref(arr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_made_from_config),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_max_sessions),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
