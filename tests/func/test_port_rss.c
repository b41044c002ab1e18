/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Functional test of synq_port_rss_query() (lib/port/port_rss.c) on ports that
 * synq_ports_start() configured from a config, as app/synq does: a net_null port of 4
 * rx queues (the one virtual device that keeps an RSS key and table and tells them),
 * whose key and table the test sets and then reads back through the query, checking
 * the queue of random replies against rte_softrss() and the table the test wrote; its
 * refusal when the device hashes no TCP; a ring port of 2 rx queues (no RSS: -ENOTSUP,
 * "queue 0" left); a ring port of one queue (every local port qualifies).
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_eth_ring.h>
#include <rte_ring.h>
#include <rte_thash.h>

#include "runtime_dir.h"
#include "synq_config.h"
#include "synq_port.h"
#include "synq_port_rss.h"
#include "synq_rss.h"
#include "synq_worker.h"

#define SEED 4242u
#define NULL_RXQ 4
#define NULL_RETA 128 /* net_null's table */
#define RSS_TCP (RTE_ETH_RSS_NONFRAG_IPV4_TCP | RTE_ETH_RSS_NONFRAG_IPV6_TCP)

/* ports[] in this order: P_NULL, P_RING2, P_RING1 */
enum { P_NULL, P_RING2, P_RING1 };

static const char config_text[] =
	"{ \"ports\": ["
	"    { \"name\": \"net_null0\", \"ipv4\": [\"198.18.0.1\"], \"rx_queues\": 4,"
	"      \"rx_desc\": 128, \"tx_desc\": 128 },"
	"    { \"name\": \"net_ring_rss2\", \"ipv4\": [\"198.18.1.1\"], \"rx_queues\": 2,"
	"      \"rx_desc\": 128, \"tx_desc\": 128 },"
	"    { \"name\": \"net_ring_rss1\", \"ipv4\": [\"198.18.2.1\"],"
	"      \"rx_desc\": 128, \"tx_desc\": 128 } ],"
	"  \"lcores\": [ { \"lcore\": 0, \"role\": \"both\", \"rx\": ["
	"    { \"port\": \"net_null0\", \"queue\": 0 }, { \"port\": \"net_null0\", \"queue\": 1 },"
	"    { \"port\": \"net_null0\", \"queue\": 2 }, { \"port\": \"net_null0\", \"queue\": 3 },"
	"    { \"port\": \"net_ring_rss2\", \"queue\": 0 },"
	"    { \"port\": \"net_ring_rss2\", \"queue\": 1 },"
	"    { \"port\": \"net_ring_rss1\", \"queue\": 0 } ] } ],"
	"  \"mempool\": { \"mbufs\": 4096, \"cache\": 32 } }";

static char prefix[64];
static struct synq_config cfg;
static struct synq_ports ports;
static struct synq_rss rss;

static int
setup_failed(const char *what)
{
	fprintf(stderr, "test_port_rss: %s\n", what);
	return -1;
}

/* A ring device "net_ring_<name>" of @p nb_rxq rx rings and one tx ring. */
static int
ring_port(const char *name, unsigned int nb_rxq)
{
	struct rte_ring *rx[2], *tx[1];
	char rname[RTE_RING_NAMESIZE];

	for (unsigned int q = 0; q < nb_rxq; q++) {
		snprintf(rname, sizeof(rname), "%s_rx%u", name, q);
		rx[q] = rte_ring_create(rname, 256, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (rx[q] == NULL)
			return -1;
	}
	snprintf(rname, sizeof(rname), "%s_tx", name);
	tx[0] = rte_ring_create(rname, 256, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (tx[0] == NULL)
		return -1;
	return rte_eth_from_rings(name, rx, nb_rxq, tx, 1, 0) < 0 ? -1 : 0;
}

static int
setup(void **state)
{
	(void)state;
	static char argv0[] = "test_port_rss";
	char err[SYNQ_CONFIG_ERR_LEN];
	char *argv[] = {argv0, "--no-pci", "--no-huge", "-m", "512", "--file-prefix", prefix, "-l",
		"0", "--vdev", "net_null0", "--log-level", "lib.eal:warning", NULL};

	snprintf(prefix, sizeof(prefix), "synq-port_rss-%d", (int)getpid());
	if (rte_eal_init(RTE_DIM(argv) - 1, argv) < 0)
		return setup_failed("rte_eal_init");
	if (ring_port("rss2", 2) != 0 || ring_port("rss1", 1) != 0)
		return setup_failed("ring ports");
	if (synq_config_parse(config_text, &cfg, err, sizeof(err)) != 0 ||
		synq_ports_start(&ports, &cfg, err, sizeof(err)) != 0)
		return setup_failed(err);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	synq_ports_stop(&ports);
	rte_eal_cleanup();
	runtime_dir_remove(prefix);
	return 0;
}

/*
 * Before the test sets its own: the key synq gave net_null0 at start is in the device
 * (read back through the query), it is the one the port keeps, and it is not the
 * driver's default (Microsoft's, public: anyone could aim a flood at one queue with it).
 */
static void
test_random_key(void **state)
{
	static const uint8_t default_key[40] = {
		0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
		0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
		0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
	};
	const struct synq_port *np = &ports.port[P_NULL];

	(void)state;
	assert_true(np->rss);
	assert_int_equal(np->rss_key_len, 40);
	assert_int_equal(synq_port_rss_query(np, &rss), 0);
	assert_int_equal(rss.key_len, 40);
	assert_memory_equal(rss.key, np->rss_key, 40);
	assert_memory_not_equal(rss.key, default_key, 40);
}

/*
 * Keys of every size a device may say (hash_key_size is a uint8_t): 40 by default, odd
 * sizes (i40e and ice: 52), and those past 64, which used to get no key at all (the
 * device kept its public default, without a word). Each draw is random: two differ.
 */
static void
test_key_sizes(void **state)
{
	static const unsigned int sizes[] = {0, 1, 13, 40, 52, 64, 65, 128, 255};
	uint8_t a[SYNQ_PORT_RSS_KEY_MAX + 1], b[SYNQ_PORT_RSS_KEY_MAX + 1];

	(void)state;
	for (unsigned int i = 0; i < RTE_DIM(sizes); i++) {
		unsigned int want = sizes[i] != 0 ? sizes[i] : 40;

		memset(a, 0xa5, sizeof(a));
		memset(b, 0xa5, sizeof(b));
		assert_int_equal(synq_port_rss_key_draw(a, sizes[i]), want);
		assert_int_equal(synq_port_rss_key_draw(b, sizes[i]), want);
		/* nothing past the key is written */
		assert_int_equal(a[want], 0xa5);
		if (want >= 8)
			assert_memory_not_equal(a, b, want);
	}
}

/* Give net_null0 @p key and @p reta, hashing TCP of both families. */
static void
null_set(uint8_t key[40], const uint16_t reta[NULL_RETA], uint64_t hf)
{
	struct rte_eth_rss_conf conf = {.rss_key = key, .rss_key_len = 40, .rss_hf = hf};
	struct rte_eth_rss_reta_entry64 rc[NULL_RETA / RTE_ETH_RETA_GROUP_SIZE];

	for (unsigned int i = 0; i < NULL_RETA; i++) {
		rc[i / RTE_ETH_RETA_GROUP_SIZE].mask = UINT64_MAX;
		rc[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE] = reta[i];
	}
	assert_int_equal(rte_eth_dev_rss_hash_update(ports.port[P_NULL].port_id, &conf), 0);
	assert_int_equal(rte_eth_dev_rss_reta_update(ports.port[P_NULL].port_id, rc, NULL_RETA), 0);
}

static uint32_t
softrss4(const uint8_t s[4], const uint8_t d[4], uint16_t sport, uint16_t dport, const uint8_t *key)
{
	struct rte_ipv4_tuple t = {
		.src_addr = (uint32_t)s[0] << 24 | s[1] << 16 | s[2] << 8 | s[3],
		.dst_addr = (uint32_t)d[0] << 24 | d[1] << 16 | d[2] << 8 | d[3],
		.sport = sport,
		.dport = dport,
	};

	return rte_softrss((uint32_t *)&t, RTE_THASH_V4_L4_LEN, key);
}

static void
test_null_key_and_table(void **state)
{
	(void)state;
	uint8_t key[40];
	uint16_t reta[NULL_RETA];
	struct synq_rss_ports it;
	unsigned int yielded = 0;
	int p;

	printf("seed %u\n", SEED);
	srand(SEED);
	assert_true(ports.port[P_NULL].rss);
	for (unsigned int i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)rand();
	for (unsigned int i = 0; i < NULL_RETA; i++)
		reta[i] = (uint16_t)(rand() % NULL_RXQ);
	null_set(key, reta, RSS_TCP);
	assert_int_equal(synq_port_rss_query(&ports.port[P_NULL], &rss), 0);
	assert_int_equal(rss.key_len, 40);
	assert_memory_equal(rss.key, key, 40);
	assert_int_equal(rss.reta_size, NULL_RETA);
	assert_int_equal(rss.nb_queues, NULL_RXQ);
	assert_memory_equal(rss.reta, reta, sizeof(reta));
	/* replies land where the device's own table sends their softrss hash */
	for (int n = 0; n < 2000; n++) {
		uint8_t s[16] = {0}, d[16] = {0};
		uint16_t sport = (uint16_t)rand(), dport = (uint16_t)rand();
		uint16_t q;

		for (int i = 0; i < 4; i++) {
			s[i] = (uint8_t)rand();
			d[i] = (uint8_t)rand();
		}
		q = reta[softrss4(s, d, sport, dport, key) % NULL_RETA];
		assert_true(synq_rss_lands(
			&rss, 4, s, d, rte_cpu_to_be_16(sport), rte_cpu_to_be_16(dport), q));
		assert_false(synq_rss_lands(&rss, 4, s, d, rte_cpu_to_be_16(sport),
			rte_cpu_to_be_16(dport), (uint16_t)((q + 1) % NULL_RXQ)));
	}
	/* the chooser on that port: 198.18.0.2:80 -> 198.18.0.1:[32768, 36863], queue 2 */
	synq_rss_ports_init(&it, &rss, 4, (const uint8_t[16]){198, 18, 0, 2},
		(const uint8_t[16]){198, 18, 0, 1}, rte_cpu_to_be_16(80), 32768, 36863, 33000, 2);
	while ((p = synq_rss_ports_next(&it)) >= 0) {
		assert_int_equal(
			reta[softrss4((const uint8_t[4]){198, 18, 0, 2},
				     (const uint8_t[4]){198, 18, 0, 1}, 80, (uint16_t)p, key) %
				NULL_RETA],
			2);
		yielded++;
	}
	/* about a quarter of 4096, as far as the random table gives queue 2 a quarter */
	assert_true(yielded > 4096 / NULL_RXQ / 2 && yielded < 4096 / NULL_RXQ * 2);
}

static void
test_null_without_tcp_hash(void **state)
{
	(void)state;
	uint8_t key[40] = {1, 2, 3};
	uint16_t reta[NULL_RETA] = {0};

	/* hashing IPv4 addresses only: the ports do not count, no choice can be made */
	null_set(key, reta, RTE_ETH_RSS_IPV4);
	assert_int_equal(synq_port_rss_query(&ports.port[P_NULL], &rss), -ENOTSUP);
	assert_int_equal(rss.reta_size, 0);
	null_set(key, reta, RSS_TCP);
	assert_int_equal(synq_port_rss_query(&ports.port[P_NULL], &rss), 0);
}

static void
test_ring_two_queues(void **state)
{
	(void)state;
	memset(&rss, 0xa5, sizeof(rss));
	assert_int_equal(ports.port[P_RING2].nb_rxq, 2);
	assert_int_equal(synq_port_rss_query(&ports.port[P_RING2], &rss), -ENOTSUP);
	assert_int_equal(rss.reta_size, 0);
	assert_int_equal(synq_rss_queue(&rss, 0x12345678), 0);
}

static void
test_ring_one_queue(void **state)
{
	(void)state;
	struct synq_rss_ports it;

	memset(&rss, 0xa5, sizeof(rss));
	assert_int_equal(synq_port_rss_query(&ports.port[P_RING1], &rss), 0);
	assert_int_equal(rss.reta_size, 0);
	synq_rss_ports_init(&it, &rss, 6, (const uint8_t[16]){0x20, 0x01, [15] = 2},
		(const uint8_t[16]){0x20, 0x01, [15] = 1}, rte_cpu_to_be_16(443), 40000, 40099,
		40000, 0);
	for (int i = 0; i < 100; i++)
		assert_int_equal(synq_rss_ports_next(&it), 40000 + i);
	assert_int_equal(synq_rss_ports_next(&it), -1);
}

/*
 * The runtime reads each port's key and table at init and keeps them for the
 * transport's local port choice (issue 13, active open): net_null's as the device
 * has them, none for the ring ports; and tells the application lcore which ports'
 * RSS it knows (synq_app_set_rss_ports(), the proxy's choice of worker).
 */
static void
test_runtime_rss(void **state)
{
	(void)state;
	static struct synq_runtime r;
	char err[SYNQ_CONFIG_ERR_LEN];
	uint8_t key[40];
	uint16_t reta[NULL_RETA];

	srand(SEED + 1);
	for (unsigned int i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)rand();
	for (unsigned int i = 0; i < NULL_RETA; i++)
		reta[i] = (uint16_t)(rand() % NULL_RXQ);
	null_set(key, reta, RSS_TCP);
	if (synq_runtime_init(&r, &cfg, &ports, err, sizeof(err)) != 0)
		fail_msg("synq_runtime_init: %s", err);
	assert_non_null(r.rss[P_NULL]);
	assert_int_equal(r.rss[P_NULL]->reta_size, NULL_RETA);
	assert_int_equal(r.rss[P_NULL]->nb_queues, NULL_RXQ);
	assert_memory_equal(r.rss[P_NULL]->key, key, sizeof(key));
	assert_memory_equal(r.rss[P_NULL]->reta, reta, sizeof(reta));
	assert_non_null(r.rss[P_RING2]);
	assert_int_equal(r.rss[P_RING2]->reta_size, 0);
	assert_non_null(r.rss[P_RING1]);
	assert_int_equal(r.rss[P_RING1]->reta_size, 0);
	/* the application lcore knows which: a worker of any queue of net_null0 may open
	 * connections from it, only queue 0's from the ring ports (the proxy's choice) */
	assert_non_null(r.lcore[0]);
	assert_non_null(r.lcore[0]->app);
	assert_int_equal(r.lcore[0]->app->rss_ports, 1u << P_NULL);
	synq_runtime_free(&r);
	assert_null(r.rss[P_NULL]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_key),
		cmocka_unit_test(test_key_sizes),
		cmocka_unit_test(test_null_key_and_table),
		cmocka_unit_test(test_null_without_tcp_hash),
		cmocka_unit_test(test_ring_two_queues),
		cmocka_unit_test(test_ring_one_queue),
		cmocka_unit_test(test_runtime_rss),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
