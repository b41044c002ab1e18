/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/listener without EAL: listeners made from a config (an accept queue each, the
 * TCP knobs with the listener's overrides, the SYN backlog shared by the workers),
 * the lookup by family, address and port, the size of the session pool, their part
 * of the stats document, and the per-source limits' table.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rte_byteorder.h>

#include "synq_listener.h"
#include "synq_srclimit.h"

static const char config_text[] =
	"{ \"ports\": [ { \"name\": \"p0\", \"mac\": \"02:53:51:00:00:01\","
	"    \"ipv4\": [\"198.18.0.1\", \"198.18.0.2\"], \"ipv6\": [\"2001:2::1\"],"
	"    \"rx_queues\": 2 } ],"
	"  \"lcores\": [ { \"lcore\": 1, \"role\": \"worker\","
	"      \"rx\": [ { \"port\": \"p0\", \"queue\": 0 } ] },"
	"    { \"lcore\": 2, \"role\": \"both\", \"rx\": [ { \"port\": \"p0\", \"queue\": 1 } ] } "
	"],"
	"  \"tcp\": { \"max_syn_backlog\": 5, \"max_flows\": 100 },"
	"  \"listeners\": ["
	"    { \"address\": \"0.0.0.0\", \"port\": 80, \"backlog\": 8 },"
	"    { \"address\": \"::\", \"port\": 80, \"backlog\": 4, \"queue_model\": \"bsd\" },"
	"    { \"address\": \"198.18.0.2\", \"port\": 81, \"app\": \"echo\", \"max_flows\": 10 },"
	"    { \"port\": 82, \"http_body\": \"hi\", \"max_conns_per_source\": 3,"
	"      \"max_conns_per_prefix\": 5 } ] }";

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
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(arr, 0), "address")), "0.0.0.0");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(arr, 0), "send_q")), 8);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(arr, 0), "recv_q")), 0);
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(arr, 1), "queue_model")), "bsd");
	assert_non_null(json_object_get(json_array_get(arr, 1), "bsd_len"));
	assert_null(json_object_get(json_array_get(arr, 0), "bsd_len"));
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(arr, 3), "address")), "*");
	json_decref(arr);
}

/*
 * Listener 3 allows 3 connections an address and 5 a /24, over 2 workers: 2 and 3 on
 * each. Refusals are counted by reason and keep nothing; a put gives the place back.
 */
static void
test_srclimit_shares(void **state __rte_unused)
{
	static struct synq_counters ctr;
	const uint8_t a[4] = {203, 0, 113, 7}, b[4] = {203, 0, 113, 8}, c[4] = {203, 0, 114, 7};
	struct synq_srclimit *t;

	/* limited listeners past the table's half load: refused, not silently capped */
	{
		uint32_t keep = ls.l[3].tcp.max_flows;

		ls.l[3].tcp.max_flows = 1u << 20;
		assert_int_equal(synq_srclimit_create(&t, &ls, 0), -E2BIG);
		assert_null(t);
		ls.l[3].tcp.max_flows = keep;
	}
	assert_int_equal(synq_srclimit_create(&t, &ls, 0), 0);
	assert_non_null(t);
	/* listeners without limits: always in, nothing kept */
	for (unsigned int i = 0; i < 10; i++)
		assert_int_equal(synq_srclimit_take(t, &ctr, 0, 4, a), 0);
	assert_int_equal(synq_srclimit_count(t, 0, 4, a, false), 0);
	assert_int_equal(synq_srclimit_take(t, &ctr, 3, 4, a), 0);
	assert_int_equal(synq_srclimit_take(t, &ctr, 3, 4, a), 0);
	assert_int_equal(synq_srclimit_take(t, &ctr, 3, 4, a), -EBUSY);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_SRC_LIMIT_SOURCE), 1);
	assert_int_equal(synq_srclimit_take(t, &ctr, 3, 4, b), 0);
	assert_int_equal(synq_srclimit_take(t, &ctr, 3, 4, b), -EBUSY);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_SRC_LIMIT_PREFIX), 1);
	assert_int_equal(synq_srclimit_count(t, 3, 4, b, false), 1);
	assert_int_equal(synq_srclimit_count(t, 3, 4, a, true), 3);
	assert_int_equal(synq_srclimit_take(t, &ctr, 3, 4, c), 0);
	synq_srclimit_put(t, 3, 4, a);
	assert_int_equal(synq_srclimit_take(t, &ctr, 3, 4, b), 0);
	assert_int_equal(synq_srclimit_count(t, 3, 4, b, false), 2);
	synq_srclimit_put(t, 3, 4, a);
	synq_srclimit_put(t, 3, 4, b);
	synq_srclimit_put(t, 3, 4, b);
	synq_srclimit_put(t, 3, 4, c);
	assert_int_equal(synq_srclimit_count(t, 3, 4, a, true), 0);
	assert_int_equal(synq_srclimit_count(t, 3, 4, c, true), 0);
	synq_srclimit_free(t);
}

/*
 * Many sources in, out in a random order: every count stays right through the
 * backward-shift deletions, the table ends empty; filled past its size, a new source
 * is refused as table full (fail closed), and counted.
 */
static void
test_srclimit_churn(void **state __rte_unused)
{
	static struct synq_counters ctr;
	enum { N = 200 };
	uint8_t addr[N][16];
	unsigned int order[N];
	struct synq_srclimit *t;
	unsigned int full = 0;

	assert_int_equal(synq_srclimit_create(&t, &ls, 0), 0);
	srand(11);
	for (unsigned int i = 0; i < N; i++) {
		memset(addr[i], 0, sizeof(addr[i]));
		addr[i][0] = 0x20;
		addr[i][1] = 0x01;
		addr[i][6] = (uint8_t)(i >> 8);
		addr[i][7] = (uint8_t)i; /* a /64 each */
		addr[i][15] = 1;
		order[i] = i;
		assert_int_equal(synq_srclimit_take(t, &ctr, 3, 6, addr[i]), 0);
	}
	for (unsigned int i = N - 1; i > 0; i--) {
		unsigned int j = (unsigned int)rand() % (i + 1), x = order[i];

		order[i] = order[j];
		order[j] = x;
	}
	for (unsigned int k = 0; k < N; k++) {
		synq_srclimit_put(t, 3, 6, addr[order[k]]);
		assert_int_equal(synq_srclimit_count(t, 3, 6, addr[order[k]], false), 0);
		for (unsigned int m = k + 1; m < N; m++) {
			assert_int_equal(synq_srclimit_count(t, 3, 6, addr[order[m]], false), 1);
			assert_int_equal(synq_srclimit_count(t, 3, 6, addr[order[m]], true), 1);
		}
	}
	/* 2 * 2 * (max_flows 100 + 1) wanted, 512 slots: 256 sources fill it */
	for (unsigned int i = 0; i < 300; i++) {
		uint8_t x[16] = {0x20, 0x01, 0, 0, 0, 0, (uint8_t)(i >> 8), (uint8_t)i};

		full += synq_srclimit_take(t, &ctr, 3, 6, x) == -ENOSPC;
	}
	assert_int_equal(full, 300 - 256);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_SRC_LIMIT_TABLE_FULL), 300 - 256);
	synq_srclimit_free(t);
}

/*
 * issue 13: a proxy listener is made, its flows and sessions counted twice (a backend
 * connection for each client's); one with a health_check is refused until they exist
 */
static void
test_proxy_checks(void **state __rte_unused)
{
	static struct synq_config pc;
	static struct synq_listeners pls;
	char err[SYNQ_CONFIG_ERR_LEN];
	static const char base[] =
		"{\"ports\":[{\"name\":\"p0\",\"ipv4\":"
		"[\"198.18.0.1/24\"]}],\"lcores\":[{\"lcore\":1,\"role\":\"both\",\"rx\":"
		"[{\"port\":\"p0\"}]}],\"listeners\":[{\"port\":80,\"app\":\"echo\","
		"\"max_flows\":100,\"backlog\":10},"
		"{\"port\":81,\"app\":\"proxy\",\"max_flows\":100,\"backlog\":10,"
		"\"backends\":[{\"address\":\"198.18.0.2\",\"port\":80}]%s}]}";
	char text[1024];

	snprintf(text, sizeof(text), base, "");
	assert_int_equal(synq_config_parse(text, &pc, err, sizeof(err)), 0);
	assert_int_equal(synq_listeners_check(&pc, err, sizeof(err)), 0);
	assert_int_equal(synq_listeners_create(&pls, &pc, 2, 0, err, sizeof(err)), 0);
	assert_int_equal(synq_listener_flows(&pls.l[0]), 100);
	assert_int_equal(synq_listener_flows(&pls.l[1]), 200);
	/* slack 1024, (10 + 1) twice, 2 workers x (100 + 200) */
	assert_int_equal(synq_listeners_max_sessions(&pls), 1024 + 22 + 2 * 300);
	synq_listeners_free(&pls);

	/* health checks run (issue 13): the listener starts, each backend up, stats kept */
	snprintf(text, sizeof(text), base, ",\"health_check\":{\"interval_ms\":1000}");
	assert_int_equal(synq_config_parse(text, &pc, err, sizeof(err)), 0);
	assert_int_equal(synq_listeners_check(&pc, err, sizeof(err)), 0);
	assert_int_equal(synq_listeners_create(&pls, &pc, 1, 0, err, sizeof(err)), 0);
	assert_int_equal(pls.nb, 2);
	assert_null(pls.l[0].be_stats);
	assert_non_null(pls.l[1].be_stats);
	assert_int_equal(pls.l[1].be_state[0], 0);
	/* a slot for each backend's check beside the clients' and their backends' */
	assert_int_equal(synq_listener_flows(&pls.l[1]), 201);
	/* the document sums each lcore's row and merges the connect-time buckets: 98
	 * connects of 8..15 us on lcore 0, 2 of 1..2 ms on lcore 5 -> p50 16 us, p99 2048 */
	synq_backend_stats_at(&pls.l[1], 0, 0)->connect_us[3] = 98;
	synq_backend_stats_at(&pls.l[1], 5, 0)->connect_us[10] = 2;
	synq_backend_stats_at(&pls.l[1], 0, 0)->bytes_to = 100;
	synq_backend_stats_at(&pls.l[1], 5, 0)->bytes_to = 23;
	atomic_store(&pls.l[1].be_state[0], SYNQ_BACKEND_DOWN);
	{
		json_t *doc = synq_listeners_json(&pls);
		json_t *b = json_array_get(json_object_get(json_array_get(doc, 1), "backends"), 0);

		assert_null(json_object_get(json_array_get(doc, 0), "backends"));
		assert_non_null(b);
		assert_int_equal(json_integer_value(json_object_get(b, "connect_us_p50")), 16);
		assert_int_equal(json_integer_value(json_object_get(b, "connect_us_p99")), 2048);
		assert_int_equal(json_integer_value(json_object_get(b, "bytes_to")), 123);
		assert_int_equal(json_integer_value(json_object_get(b, "port")), 80);
		assert_string_equal(json_string_value(json_object_get(b, "state")), "down");
		assert_string_equal(json_string_value(json_object_get(b, "address")), "198.18.0.2");
		json_decref(doc);
	}
	synq_listeners_free(&pls);
}

/*
 * Issue 15: a listener a reload removed drains in its slot, and the lookup still finds
 * it for its handshakes in progress; but never in place of a live listener the segment
 * matches too. "*" -> "0.0.0.0" -> "*" by three reloads leaves the "0.0.0.0" slot
 * removed after the "*" one taken back: IPv4 SYNs went to the removed wildcard (the
 * last wildcard won), port 90 closed. A removed address of port 91 hid the live
 * wildcard beside it: its SYNs found the port closed until a restart.
 */
static void
test_lookup_removed(void **state __rte_unused)
{
	/* each config alone has no overlap; a reload from the first to the second makes one */
	static const char text[] =
		"{ \"ports\": [ { \"name\": \"p0\", \"mac\": \"02:53:51:00:00:01\","
		"    \"ipv4\": [\"198.18.0.1\"], \"ipv6\": [\"2001:2::1\"] } ],"
		"  \"lcores\": [ { \"lcore\": 1, \"role\": \"both\","
		"      \"rx\": [ { \"port\": \"p0\", \"queue\": 0 } ] } ],"
		"  \"listeners\": [ %s ] }";
	const uint8_t a1[4] = {198, 18, 0, 1};
	const uint8_t v6[16] = {0x20, 0x01, 0, 2, [15] = 1};
	static struct synq_config c1, c2;
	struct synq_listeners rls;
	char err[SYNQ_CONFIG_ERR_LEN], buf[1024];
	uint32_t a1_be;

	memcpy(&a1_be, a1, sizeof(a1_be));
	snprintf(buf, sizeof(buf), text,
		"{ \"port\": 90 }, { \"address\": \"198.18.0.1\", \"port\": 91 }");
	if (synq_config_parse(buf, &c1, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	snprintf(buf, sizeof(buf), text,
		"{ \"address\": \"0.0.0.0\", \"port\": 90 }, { \"port\": 91 }");
	if (synq_config_parse(buf, &c2, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(synq_listeners_create(&rls, &c1, 1, 0, err, sizeof(err)), 0);
	/* the reload to c2: "*":90 and 198.18.0.1:91 removed, c2's two added */
	atomic_store(&rls.l[0].removed, true);
	atomic_store(&rls.l[1].removed, true);
	assert_int_equal(synq_listener_add(&rls, &c2.listeners[0], 0, err, sizeof(err)), 2);
	assert_int_equal(synq_listener_add(&rls, &c2.listeners[1], 0, err, sizeof(err)), 3);
	assert_ptr_equal(synq_listener_lookup4(&rls, a1_be, rte_cpu_to_be_16(90)), &rls.l[2]);
	/* IPv6 only has the removed one: found, for its handshakes (a SYN is refused) */
	assert_ptr_equal(synq_listener_lookup(&rls, 6, v6, rte_cpu_to_be_16(90)), &rls.l[0]);
	/* 198.18.0.1:91 removed: "*":91 takes its SYNs, as after a restart */
	assert_ptr_equal(synq_listener_lookup4(&rls, a1_be, rte_cpu_to_be_16(91)), &rls.l[3]);
	assert_ptr_equal(synq_listener_lookup(&rls, 4, a1, rte_cpu_to_be_16(91)), &rls.l[3]);
	/* back to c1: its two taken back from draining, c2's removed */
	assert_int_equal(synq_listener_retune(&rls.l[0], &c1.listeners[0], err, sizeof(err)), 0);
	assert_int_equal(synq_listener_retune(&rls.l[1], &c1.listeners[1], err, sizeof(err)), 0);
	atomic_store(&rls.l[2].removed, true);
	atomic_store(&rls.l[3].removed, true);
	assert_ptr_equal(synq_listener_lookup4(&rls, a1_be, rte_cpu_to_be_16(90)), &rls.l[0]);
	assert_ptr_equal(synq_listener_lookup(&rls, 4, a1, rte_cpu_to_be_16(90)), &rls.l[0]);
	assert_ptr_equal(synq_listener_lookup(&rls, 6, v6, rte_cpu_to_be_16(90)), &rls.l[0]);
	assert_ptr_equal(synq_listener_lookup4(&rls, a1_be, rte_cpu_to_be_16(91)), &rls.l[1]);
	/* every one removed: the address's own first, for its handshakes in progress */
	atomic_store(&rls.l[1].removed, true);
	assert_ptr_equal(synq_listener_lookup4(&rls, a1_be, rte_cpu_to_be_16(91)), &rls.l[1]);
	assert_ptr_equal(synq_listener_lookup(&rls, 6, v6, rte_cpu_to_be_16(91)), &rls.l[3]);
	synq_listeners_free(&rls);
}

/* every port and address of @p ls: the worker's index by port answers as the scan */
static void
ports_match_scan(struct synq_listeners *l, struct synq_listener_ports *pi)
{
	static const uint8_t addrs[][4] = {{198, 18, 0, 1}, {198, 18, 0, 2}, {10, 0, 0, 1}};

	for (unsigned int port = 0; port <= UINT16_MAX; port++) {
		for (unsigned int a = 0; a < RTE_DIM(addrs); a++) {
			uint16_t port_be = rte_cpu_to_be_16((uint16_t)port);
			struct synq_listener *want, *got;
			unsigned int li = UINT32_MAX;
			uint32_t daddr;

			memcpy(&daddr, addrs[a], sizeof(daddr));
			want = synq_listener_lookup4(l, daddr, port_be);
			got = synq_listener_lookup4_ports(l, pi, daddr, port_be, &li);
			assert_ptr_equal(got, want);
			if (got != NULL)
				assert_int_equal(li, synq_listener_index(l, got));
		}
	}
}

/*
 * Issue 14: a worker's IPv4 listeners by port (synq_listener_lookup4_ports()) answer
 * as the scan, at start and through reloads that add overlapping listeners (the index
 * built again when the number of listeners moves) and remove or take back others
 * (no rebuild: a port's one listener is its answer, removed or not).
 */
static void
test_lookup_ports(void **state __rte_unused)
{
	static const char text[] =
		"{ \"ports\": [ { \"name\": \"p0\", \"mac\": \"02:53:51:00:00:01\","
		"    \"ipv4\": [\"198.18.0.1\", \"198.18.0.2\"], \"ipv6\": [\"2001:2::1\"] } ],"
		"  \"lcores\": [ { \"lcore\": 1, \"role\": \"both\","
		"      \"rx\": [ { \"port\": \"p0\", \"queue\": 0 } ] } ],"
		"  \"listeners\": [ %s ] }";
	static struct synq_config c1, c2;
	static struct synq_listener_ports pi; /* zero: the index of no listener */
	struct synq_listeners rls;
	char err[SYNQ_CONFIG_ERR_LEN], buf[1024];

	snprintf(buf, sizeof(buf), text,
		"{ \"port\": 90 }, { \"address\": \"198.18.0.1\", \"port\": 91 },"
		"{ \"address\": \"::\", \"port\": 92 }, { \"address\": \"198.18.0.2\", "
		"\"port\": 93 }, { \"address\": \"198.18.0.1\", \"port\": 93 }");
	if (synq_config_parse(buf, &c1, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	snprintf(buf, sizeof(buf), text,
		"{ \"address\": \"0.0.0.0\", \"port\": 90 }, { \"port\": 91 },"
		"{ \"address\": \"198.18.0.2\", \"port\": 92 }");
	if (synq_config_parse(buf, &c2, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(synq_listeners_create(&rls, &c1, 1, 0, err, sizeof(err)), 0);
	ports_match_scan(&rls, &pi);
	/* a reload to c2, one addition at a time: the worker sees each */
	atomic_store(&rls.l[0].removed, true);
	atomic_store(&rls.l[1].removed, true);
	assert_int_equal(synq_listener_add(&rls, &c2.listeners[0], 0, err, sizeof(err)), 5);
	ports_match_scan(&rls, &pi);
	assert_int_equal(synq_listener_add(&rls, &c2.listeners[1], 0, err, sizeof(err)), 6);
	assert_int_equal(synq_listener_add(&rls, &c2.listeners[2], 0, err, sizeof(err)), 7);
	ports_match_scan(&rls, &pi);
	/* back: taken back from draining, c2's removed; the number of listeners unmoved */
	assert_int_equal(synq_listener_retune(&rls.l[0], &c1.listeners[0], err, sizeof(err)), 0);
	assert_int_equal(synq_listener_retune(&rls.l[1], &c1.listeners[1], err, sizeof(err)), 0);
	for (unsigned int i = 5; i < 8; i++)
		atomic_store(&rls.l[i].removed, true);
	ports_match_scan(&rls, &pi);
	synq_listeners_free(&rls);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_made_from_config),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_max_sessions),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_srclimit_shares),
		cmocka_unit_test(test_srclimit_churn),
		cmocka_unit_test(test_proxy_checks),
		cmocka_unit_test(test_lookup_removed),
		cmocka_unit_test(test_lookup_ports),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
