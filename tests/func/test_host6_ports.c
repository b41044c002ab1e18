/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Functional test of IPv6 as a host on a worker that polls two ports (the harness's
 * ring port and its spare one, "net_ring_func_one"), duplicate address detection on:
 * a port whose link is up starts (its MLD report, its probes) and ends its detection
 * while the other port's link is still down, the other one starts once its link comes
 * up, and the worker's gauge SynqIp6Tentative is the sum over both ports while their
 * detections overlap. The tests run in this order: they share the ports' one start.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "harness.h"
#include "synq_iface.h"
#include "synq_worker.h"

static const char config_text[] =
	"{ \"ports\": ["
	"    { \"name\": \"net_ring_func\", \"ipv4\": [\"198.18.0.1\"], \"ipv6\": [\"2001:2::1\"],"
	"      \"rx_desc\": 128, \"tx_desc\": 128 },"
	"    { \"name\": \"net_ring_func_one\", \"ipv4\": [\"198.18.1.1\"],"
	"      \"ipv6\": [\"2001:3::1\"], \"rx_desc\": 64, \"tx_desc\": 64 } ],"
	"  \"lcores\": [ { \"lcore\": 0, \"role\": \"worker\","
	"    \"rx\": [ { \"port\": \"net_ring_func\", \"queue\": 0 },"
	"             { \"port\": \"net_ring_func_one\", \"queue\": 0 } ] } ],"
	"  \"mempool\": { \"mbufs\": 2048, \"cache\": 32 },"
	"  \"listeners\": [ { \"port\": 80, \"backlog\": 4, \"app\": \"hold\" } ] }";

HARNESS_SETUP(.name = "host6_ports", .config = config_text, .spare_port = true, .ipv6_dad = true);

/* The worker's clock at each port's start. */
static uint64_t t0, t1;

/* Free what the worker sent on the ring port; return how many frames of each kind. */
static unsigned int
sent(unsigned int *nb_arp, unsigned int *nb_ip6)
{
	struct rte_mbuf *out[16];
	unsigned int n = rte_ring_dequeue_burst(tx_ring[0], (void **)out, RTE_DIM(out), NULL);

	*nb_arp = 0;
	*nb_ip6 = 0;
	for (unsigned int i = 0; i < n; i++) {
		uint16_t type = synq_bytes_get16(rte_pktmbuf_mtod(out[i], uint8_t *) + 12);

		*nb_arp += type == RTE_ETHER_TYPE_ARP;
		*nb_ip6 += type == RTE_ETHER_TYPE_IPV6;
		rte_pktmbuf_free(out[i]);
	}
	return n;
}

static uint8_t
state_of(unsigned int port, unsigned int i)
{
	return synq_iface_ipv6_state(&ports.port[port].iface, i);
}

/* The worker's gauge of tentative addresses, over both ports. */
static uint64_t
tentative(void)
{
	return synq_counter_read(synq_stats_lcore(0), SYNQ_CTR_IP6_TENTATIVE);
}

/* The spare port's link down: the ring port starts alone. */
static void
test_start_while_other_link_down(void **state __rte_unused)
{
	unsigned int nb_arp, nb_ip6;

	assert_int_equal(ports.nb, 2);
	assert_int_equal(rte_eth_dev_set_link_down(ports.port[1].port_id), 0);
	worker()->announces_left = 1;
	worker()->announce_tsc = 0;
	t0 = rte_rdtsc();
	synq_worker_tick(worker(), t0);
	/* no gratuitous ARP (it waits for every link); the report and two probes */
	assert_int_equal(sent(&nb_arp, &nb_ip6), 3);
	assert_int_equal(nb_arp, 0);
	assert_int_equal(nb_ip6, 3);
	assert_int_equal(worker()->announces_left, 1);
	assert_int_equal(state_of(0, 0), SYNQ_IP6_TENTATIVE);
	assert_int_equal(tentative(), 2);
}

/* Half a second on, the spare port's link up: the announcement, and its own start. */
static void
test_other_link_up(void **state __rte_unused)
{
	unsigned int nb_arp, nb_ip6;

	assert_int_equal(rte_eth_dev_set_link_up(ports.port[1].port_id), 0);
	t1 = t0 + rte_get_tsc_hz() / 2;
	synq_worker_tick(worker(), t1);
	/* the ring port's gratuitous ARP, nothing more for its IPv6 */
	assert_int_equal(sent(&nb_arp, &nb_ip6), 1);
	assert_int_equal(nb_arp, 1);
	assert_int_equal(worker()->announces_left, 0);
	/* both ports' addresses tentative now: the gauge is their sum */
	assert_int_equal(state_of(1, 0), SYNQ_IP6_TENTATIVE);
	assert_int_equal(tentative(), 4);
}

/* Each port's detection ends a second after its own start; the gauge follows. */
static void
test_detection_ends(void **state __rte_unused)
{
	uint64_t hz = rte_get_tsc_hz();
	unsigned int nb_arp, nb_ip6;

	synq_worker_tick(worker(), t0 + hz);
	assert_int_equal(sent(&nb_arp, &nb_ip6), 1); /* the ring port's second report */
	assert_int_equal(state_of(0, 0), SYNQ_IP6_PREFERRED);
	assert_int_equal(state_of(0, 1), SYNQ_IP6_PREFERRED);
	assert_int_equal(state_of(1, 0), SYNQ_IP6_TENTATIVE);
	assert_int_equal(tentative(), 2);
	synq_worker_tick(worker(), t1 + hz);
	assert_int_equal(state_of(1, 0), SYNQ_IP6_PREFERRED);
	assert_int_equal(state_of(1, 1), SYNQ_IP6_PREFERRED);
	assert_int_equal(tentative(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_while_other_link_down),
		cmocka_unit_test(test_other_link_up),
		cmocka_unit_test(test_detection_ends),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
