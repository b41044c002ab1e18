/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Functional test of IPv6 as a host (lib/net/mld.c) through the worker, on the
 * harness's ring port with duplicate address detection on (the other tests turn it
 * off): the port's addresses tentative from the start (an echo and a SYN to one go
 * unanswered), the start (gratuitous ARP, an MLDv2 report from ::, one probe from ::
 * per address), an advertisement making one address duplicate, the end of detection
 * a second later on the worker's clock (the second report, from the link-local
 * address; the address answers, the duplicate never), and an MLD query answered once
 * a second. The tests run in this order: they share the port's one start.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "harness.h"
#include "synq_iface.h"
#include "synq_worker.h"

/* 2001:2::1 (the harness's our_ip6) and 2001:2::5:0:77, another solicited-node group */
static const char config_text[] =
	"{ \"ports\": [ { \"name\": \"net_ring_func\", \"ipv4\": [\"198.18.0.1\"],"
	"    \"ipv6\": [\"2001:2::1\", \"2001:2::5:0:77\"], \"rx_desc\": 128, \"tx_desc\": 128 } ],"
	"  \"lcores\": [ { \"lcore\": 0, \"role\": \"worker\","
	"    \"rx\": [ { \"port\": \"net_ring_func\", \"queue\": 0 } ] } ],"
	"  \"mempool\": { \"mbufs\": 2048, \"cache\": 32 },"
	"  \"listeners\": [ { \"port\": 80, \"backlog\": 4, \"app\": \"hold\" } ] }";

HARNESS_SETUP(.name = "host6", .config = config_text, .ipv6_dad = true);

static const uint8_t ip6_b[16] = {0x20, 0x01, 0x00, 0x02, [11] = 0x05, [15] = 0x77};
static const uint8_t ip6_peer[16] = {0x20, 0x01, 0x00, 0x02, [13] = 0x0d, [15] = 0x02};
static const uint8_t ll_peer[16] = {0xfe, 0x80, [15] = 0x02};
static const uint8_t unspec[16];
static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 0x01};
static const uint8_t all_mld_routers[16] = {0xff, 0x02, [15] = 0x16};
static const uint8_t mld_mac[6] = {0x33, 0x33, 0, 0, 0, 0x16};
static const uint8_t all_nodes_mac[6] = {0x33, 0x33, 0, 0, 0, 0x01};

/* The worker's clock at the start: detection ends a second after it. */
static uint64_t t0;

/* The sum over the IPv6 pseudo-header and the @p len bytes at @p l4 is right. */
static void
check_cksum(const uint8_t *ip6, const uint8_t *l4, uint16_t len)
{
	assert_int_equal(synq_frame_cksum_fold(
				 synq_frame_cksum_add(synq_frame_phdr6(ip6, 58, len), l4, len)),
		0);
}

/* An IPv6 frame from the peer: Ethernet to @p eth_dst, next header @p nh, @p plen bytes. */
static struct rte_mbuf *
ip6_frame(const uint8_t eth_dst[6], const uint8_t src[16], const uint8_t dst[16], uint8_t nh,
	uint8_t hlim, const uint8_t *payload, uint16_t plen, uint8_t **l4)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(frames);
	uint8_t *p;

	assert_non_null(m);
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(ETH_LEN + IP6_LEN + plen));
	assert_non_null(p);
	memset(p, 0, ETH_LEN + IP6_LEN);
	memcpy(p, eth_dst, 6);
	memcpy(p + 6, peer_mac.addr_bytes, 6);
	synq_bytes_put16(p + 12, RTE_ETHER_TYPE_IPV6);
	p[14] = 0x60;
	synq_bytes_put16(p + 18, plen);
	p[20] = nh;
	p[21] = hlim;
	memcpy(p + 22, src, 16);
	memcpy(p + 38, dst, 16);
	memcpy(p + ETH_LEN + IP6_LEN, payload, plen);
	*l4 = p + ETH_LEN + IP6_LEN;
	return m;
}

/* An ICMPv6 message of @p len bytes, its checksum filled in. */
static struct rte_mbuf *
icmp6_frame(const uint8_t eth_dst[6], const uint8_t src[16], const uint8_t dst[16], uint8_t hlim,
	const uint8_t *msg, uint16_t len)
{
	uint8_t *l4;
	struct rte_mbuf *m = ip6_frame(eth_dst, src, dst, 58, hlim, msg, len, &l4);

	synq_bytes_put16(l4 + 2, 0);
	synq_bytes_put16(l4 + 2, synq_frame_cksum_fold(synq_frame_cksum_add(
					 synq_frame_phdr6(l4 - IP6_LEN, 58, len), l4, len)));
	return m;
}

static struct rte_mbuf *
echo_to(const uint8_t dst[16])
{
	const uint8_t msg[16] = {128, 0, 0, 0, 0x12, 0x34, 0, 1, 'h', 'o', 's', 't', '6'};

	return icmp6_frame(our_mac.addr_bytes, ip6_peer, dst, 64, msg, sizeof(msg));
}

/* A general MLDv2 query from a link-local router, hop limit 1, Router Alert. */
static struct rte_mbuf *
query(void)
{
	uint8_t msg[8 + 28] = {58, 0, 5, 2, 0, 0, 1, 0, 130};
	uint8_t *l4;
	struct rte_mbuf *m;

	synq_bytes_put16(msg + 8 + 4, 1000);
	msg[8 + 24] = 2;
	m = ip6_frame(all_nodes_mac, ll_peer, all_nodes, 0, 1, msg, sizeof(msg), &l4);
	synq_bytes_put16(l4 + 8 + 2, synq_frame_cksum_fold(synq_frame_cksum_add(
					     synq_frame_phdr6(l4 - IP6_LEN, 58, 28), l4 + 8, 28)));
	return m;
}

/* The solicited-node group of @p a. */
static void
solicited(uint8_t g[16], const uint8_t a[16])
{
	memset(g, 0, 16);
	g[0] = 0xff;
	g[1] = 0x02;
	g[11] = 0x01;
	g[12] = 0xff;
	memcpy(g + 13, a + 13, 3);
}

/* The records of a report of every address but the duplicate ones (the link-local
 * address shares 2001:2::1's group when the ring's MAC ends in 00:00:01). */
static unsigned int
nb_groups(bool with_b)
{
	const struct synq_iface *ifc = &ports.port[0].iface;

	return (with_b ? 2 : 1) + (memcmp(ifc->ipv6[0] + 13, ifc->ipv6[2] + 13, 3) != 0);
}

/*
 * @p m is an MLDv2 report from @p src with @p nb records of @p type, the first for
 * the group of @p first (ff02::1:ff00:1, as for 2001:2::1); frees it.
 */
static void
check_report(struct rte_mbuf *m, const uint8_t src[16], uint8_t type, unsigned int nb,
	const uint8_t first[16])
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *ip6 = p + ETH_LEN;
	const uint8_t *hbh = ip6 + IP6_LEN;
	const uint8_t *r = hbh + 8;
	uint16_t icmp_len = (uint16_t)(8 + 20 * nb);
	uint8_t g[16];

	assert_memory_equal(p, mld_mac, 6);
	assert_memory_equal(p + 6, our_mac.addr_bytes, 6);
	assert_int_equal(synq_bytes_get16(p + 12), RTE_ETHER_TYPE_IPV6);
	assert_int_equal(synq_bytes_get16(ip6 + 4), 8 + icmp_len);
	assert_int_equal(ip6[6], 0);
	assert_int_equal(ip6[7], 1);
	assert_memory_equal(ip6 + 8, src, 16);
	assert_memory_equal(ip6 + 24, all_mld_routers, 16);
	assert_int_equal(hbh[0], 58);
	assert_int_equal(hbh[2], 5); /* Router Alert */
	assert_int_equal(hbh[3], 2);
	assert_int_equal(synq_bytes_get16(hbh + 4), 0);
	assert_int_equal(r[0], 143);
	assert_int_equal(synq_bytes_get16(r + 6), nb);
	assert_int_equal(r[8], type);
	solicited(g, first);
	assert_memory_equal(r + 12, g, 16);
	check_cksum(ip6, r, icmp_len);
	rte_pktmbuf_free(m);
}

/* The stats document shows address @p addr of the port in state @p state. */
static void
check_stats_state(const char *addr, const char *state)
{
	json_t *doc = synq_stats_json();
	json_t *a = json_object_get(json_array_get(json_object_get(doc, "ports"), 0), "ipv6");
	bool found = false;

	assert_true(json_is_array(a));
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *e = json_array_get(a, i);

		if (strcmp(json_string_value(json_object_get(e, "address")), addr) != 0)
			continue;
		assert_string_equal(json_string_value(json_object_get(e, "state")), state);
		found = true;
	}
	json_decref(doc);
	assert_true(found);
}

/* Tentative from the start: no echo reply, no SYN-ACK. */
static void
test_tentative_before_start(void **state __rte_unused)
{
	struct flow f = flow6(13, 40000, 80, 1000);
	struct snap s;

	snap_take(&s);
	exchange_silent(echo_to(our_ip6));
	exchange_silent(syn_frame(&f));
	check_stats_state("2001:2::1", "tentative");
	assert_int_equal(delta(&s, SYNQ_CTR_IP6_DROP_TENTATIVE), 2);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_IN_SEGS), 0);
	assert_int_equal(table_count(), 0);
}

/* The start: a gratuitous ARP, the report from ::, a probe from :: per address. */
static void
test_start(void **state __rte_unused)
{
	const struct synq_iface *ifc = &ports.port[0].iface;
	struct rte_mbuf *out[16];
	unsigned int n, nb_ns = 0;
	struct snap s;

	snap_take(&s);
	worker()->announces_left = 1;
	worker()->announce_tsc = 0;
	t0 = rte_rdtsc();
	synq_worker_tick(worker(), t0);
	n = rte_ring_dequeue_burst(tx_ring[0], (void **)out, RTE_DIM(out), NULL);
	assert_int_equal(n, 1 + 1 + ifc->nb_ipv6);
	assert_int_equal(
		synq_bytes_get16(rte_pktmbuf_mtod(out[0], uint8_t *) + 12), RTE_ETHER_TYPE_ARP);
	rte_pktmbuf_free(out[0]);
	assert_int_equal(ifc->nb_ipv6, 3);
	check_report(out[1], unspec, 4, nb_groups(true), our_ip6);
	for (unsigned int i = 2; i < n; i++) {
		const uint8_t *p = rte_pktmbuf_mtod(out[i], const uint8_t *);
		const uint8_t *ip6 = p + ETH_LEN;
		const uint8_t *ns = ip6 + IP6_LEN;
		uint8_t g[16];

		assert_int_equal(rte_pktmbuf_data_len(out[i]), ETH_LEN + IP6_LEN + 24);
		assert_int_equal(p[0], 0x33);
		assert_int_equal(p[2], 0xff);
		assert_memory_equal(p + 3, ifc->ipv6[i - 2] + 13, 3);
		assert_int_equal(ip6[7], 255);
		assert_memory_equal(ip6 + 8, unspec, 16);
		solicited(g, ifc->ipv6[i - 2]);
		assert_memory_equal(ip6 + 24, g, 16);
		assert_int_equal(ns[0], 135);
		assert_memory_equal(ns + 8, ifc->ipv6[i - 2], 16);
		check_cksum(ip6, ns, 24);
		nb_ns++;
		rte_pktmbuf_free(out[i]);
	}
	assert_int_equal(nb_ns, 3);
	assert_int_equal(delta(&s, SYNQ_CTR_ICMP6_OUT_DAD_SOLICITS), 3);
	assert_int_equal(delta(&s, SYNQ_CTR_ICMP6_OUT_MLDV2_REPORTS), 1);
	assert_int_equal(synq_counter_read(synq_stats_lcore(0), SYNQ_CTR_IP6_TENTATIVE), 3);
	/* still tentative */
	exchange_silent(echo_to(our_ip6));
}

/* Another node defends 2001:2::5:0:77: it is ours no more. */
static void
test_advert_makes_duplicate(void **state __rte_unused)
{
	uint8_t na[32] = {136, 0, 0, 0, 0x20};
	struct snap s;

	memcpy(na + 8, ip6_b, 16);
	na[24] = 2;
	na[25] = 1;
	memcpy(na + 26, peer_mac.addr_bytes, 6);
	snap_take(&s);
	exchange_silent(icmp6_frame(all_nodes_mac, ip6_b, all_nodes, 255, na, sizeof(na)));
	assert_int_equal(delta(&s, SYNQ_CTR_IP6_DAD_DUPLICATES), 1);
	assert_int_equal(synq_iface_ipv6_state(&ports.port[0].iface, 1), SYNQ_IP6_DUPLICATE);
}

/* A second on: the others are preferred, the report goes again from the link-local address. */
static void
test_detection_ends(void **state __rte_unused)
{
	const struct synq_iface *ifc = &ports.port[0].iface;
	uint64_t hz = rte_get_tsc_hz();
	struct rte_mbuf *out[4], *r;
	struct flow f = flow6(13, 40001, 80, 2000);
	struct snap s;

	synq_worker_tick(worker(), t0 + hz - hz / 100);
	assert_int_equal(rte_ring_count(tx_ring[0]), 0);
	exchange_silent(echo_to(our_ip6));
	synq_worker_tick(worker(), t0 + hz);
	assert_int_equal(rte_ring_dequeue_burst(tx_ring[0], (void **)out, RTE_DIM(out), NULL), 1);
	/* the duplicate's group is left out */
	check_report(out[0], ifc->ipv6[2], 4, nb_groups(false), our_ip6);
	assert_int_equal(synq_counter_read(synq_stats_lcore(0), SYNQ_CTR_IP6_TENTATIVE), 0);

	snap_take(&s);
	r = exchange(echo_to(our_ip6));
	assert_non_null(r);
	assert_int_equal(rte_pktmbuf_mtod(r, uint8_t *)[ETH_LEN + IP6_LEN], 129);
	rte_pktmbuf_free(r);
	r = exchange(syn_frame(&f));
	assert_non_null(r);
	rte_pktmbuf_free(r);
	exchange_silent(rst_frame(&f, f.isn + 1));
	exchange_silent(echo_to(ip6_b));
	assert_int_equal(delta(&s, SYNQ_CTR_IP6_DROP_TENTATIVE), 1);
	/* no more reports */
	synq_worker_tick(worker(), t0 + 10 * hz);
	assert_int_equal(rte_ring_count(tx_ring[0]), 0);
	/* the stats document names each address's state */
	check_stats_state("2001:2::1", "preferred");
	check_stats_state("2001:2::5:0:77", "duplicate");
}

/* A query is answered at once; one more within the second is counted, unanswered. */
static void
test_query_once_a_second(void **state __rte_unused)
{
	struct rte_mbuf *r;
	struct snap s;

	snap_take(&s);
	r = exchange(query());
	assert_non_null(r);
	check_report(r, ports.port[0].iface.ipv6[2], 2, nb_groups(false), our_ip6);
	exchange_silent(query());
	assert_int_equal(delta(&s, SYNQ_CTR_ICMP6_IN_GROUP_MEMB_QUERIES), 2);
	assert_int_equal(delta(&s, SYNQ_CTR_MLD_QUERY_RATE_LIMITED), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_ICMP6_OUT_MLDV2_REPORTS), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tentative_before_start),
		cmocka_unit_test(test_start),
		cmocka_unit_test(test_advert_makes_duplicate),
		cmocka_unit_test(test_detection_ends),
		cmocka_unit_test(test_query_once_a_second),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
