/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Functional tests of the neighbour tables wired into the workers (issue 13): what
 * synq_net_send_routed() (through synq_worker_send_routed()) sends, queues and drops,
 * the ARP requests and neighbour solicitations the tables ask for, the answers fed in
 * on the ring port releasing the queued packets with the right MAC, and an answer one
 * worker receives applied by the other worker of the port through its ring.
 *
 * Two workers poll the ring port: lcore 0 its rx queue 0 (tx queue 0), lcore 1 its rx
 * queue 1 (tx queue 1). Every frame is checked byte by byte here, with the tests'
 * own checksum.
 */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_ring.h>

#include "bytes.h"
#include "harness.h"

static const char config_text[] =
	"{ \"ports\": [ { \"name\": \"net_ring_func\", \"ipv4\": [\"198.18.0.1/24\"],"
	"    \"ipv6\": [\"2001:2::1/64\"], \"rx_queues\": 2, \"rx_desc\": 128,"
	"    \"tx_desc\": 128 } ],"
	"  \"lcores\": ["
	"    { \"lcore\": 0, \"role\": \"worker\","
	"      \"rx\": [ { \"port\": \"net_ring_func\", \"queue\": 0 } ] },"
	"    { \"lcore\": 1, \"role\": \"worker\","
	"      \"rx\": [ { \"port\": \"net_ring_func\", \"queue\": 1 } ] } ],"
	"  \"routes\": [ { \"prefix\": \"198.51.100.0/24\", \"via\": \"198.18.0.254\" } ],"
	"  \"mempool\": { \"mbufs\": 2048, \"cache\": 32 },"
	"  \"listeners\": [ { \"port\": 80 } ] }";

HARNESS_SETUP(.name = "neigh_wire", .config = config_text, .rx_queues = 2, .tx_queues = 2,
	.lcores = "0,1");

#define ET_ARP 0x0806
#define ET_IPV4 0x0800
#define ET_IPV6 0x86dd
#define PKT_PAYLOAD 20 /* bytes after the IP header of the packets sent */

static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t zero6[6];

static struct synq_worker *
worker1(void)
{
	return rt.lcore[1];
}

/* Counter @p id of worker lcore @p lcore. */
static uint64_t
ctr(unsigned int lcore, enum synq_counter id)
{
	return synq_counter_read(synq_stats_lcore(lcore), id);
}

/* A new frame of @p n zero bytes (the data starting at the pool's headroom). */
static struct rte_mbuf *
new_frame(uint16_t n, uint8_t **p)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(frames);

	assert_non_null(m);
	*p = rte_pktmbuf_mtod(m, uint8_t *);
	assert_true(rte_pktmbuf_tailroom(m) >= n);
	assert_non_null(rte_pktmbuf_append(m, n));
	memset(*p, 0, n);
	return m;
}

/*
 * An IPv4 (4 bytes at @p dst) or IPv6 packet from us to @p dst, L3 on, with
 * PKT_PAYLOAD bytes after its header, the last @p tag; its bytes copied to @p copy.
 */
static struct rte_mbuf *
packet(uint8_t family, const uint8_t *dst, uint8_t tag, uint8_t *copy, uint16_t *len)
{
	uint16_t n = (uint16_t)((family == 4 ? 20 : 40) + PKT_PAYLOAD);
	uint8_t *p;
	struct rte_mbuf *m = new_frame(n, &p);

	if (family == 4) {
		p[0] = 0x45;
		synq_bytes_put16(p + 2, n);
		p[8] = 64;
		p[9] = 6;
		memcpy(p + 12, our_ip4, 4);
		memcpy(p + 16, dst, 4);
		synq_bytes_put16(p + 10, synq_frame_cksum(p, 20));
	} else {
		p[0] = 0x60;
		synq_bytes_put16(p + 4, PKT_PAYLOAD);
		p[6] = 6;
		p[7] = 64;
		memcpy(p + 8, our_ip6, 16);
		memcpy(p + 24, dst, 16);
	}
	p[n - 1] = tag;
	memcpy(copy, p, n);
	*len = n;
	return m;
}

/*
 * packet() sent by worker @p w through its resolver: what synq_net_send_routed()
 * returns (1 when queued, where the worker's callback says 0).
 */
static int
send_pkt(struct synq_worker *w, uint8_t family, const uint8_t *dst, uint8_t tag, uint8_t *copy,
	uint16_t *len)
{
	return synq_net_send_routed(&w->res, packet(family, dst, tag, copy, len), family, dst);
}

/* The frames on tx ring @p q, at most @p max. */
static unsigned int
sent(unsigned int q, struct rte_mbuf **out, unsigned int max)
{
	return rte_ring_dequeue_burst(tx_ring[q], (void **)out, max, NULL);
}

/* @p m is the packet @p pkt (@p len bytes) in Ethernet to @p mac, of ethertype @p type. */
static void
check_released(
	struct rte_mbuf *m, const uint8_t mac[6], uint16_t type, const uint8_t *pkt, uint16_t len)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);

	/* zero padded to the Ethernet minimum */
	assert_int_equal(rte_pktmbuf_data_len(m), RTE_MAX(14 + len, ETH_MIN));
	assert_int_equal(rte_pktmbuf_pkt_len(m), rte_pktmbuf_data_len(m));
	assert_memory_equal(p, mac, 6);
	assert_memory_equal(p + 6, our_mac.addr_bytes, 6);
	assert_int_equal(synq_bytes_get16(p + 12), type);
	assert_memory_equal(p + 14, pkt, len);
	for (unsigned int i = 14 + len; i < rte_pktmbuf_data_len(m); i++)
		assert_int_equal(p[i], 0);
	rte_pktmbuf_free(m);
}

/* @p m is an ARP request from us for @p tip, to @p dst (broadcast or the MAC known). */
static void
check_arp_request(struct rte_mbuf *m, const uint8_t dst[6], const uint8_t tip[4])
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *a = p + 14;

	assert_int_equal(rte_pktmbuf_data_len(m), ETH_MIN);
	assert_memory_equal(p, dst, 6);
	assert_memory_equal(p + 6, our_mac.addr_bytes, 6);
	assert_int_equal(synq_bytes_get16(p + 12), ET_ARP);
	assert_int_equal(synq_bytes_get16(a), 1); /* Ethernet */
	assert_int_equal(synq_bytes_get16(a + 2), ET_IPV4);
	assert_int_equal(a[4], 6);
	assert_int_equal(a[5], 4);
	assert_int_equal(synq_bytes_get16(a + 6), 1); /* request */
	assert_memory_equal(a + 8, our_mac.addr_bytes, 6);
	assert_memory_equal(a + 14, our_ip4, 4);
	assert_memory_equal(a + 18, zero6, 6);
	assert_memory_equal(a + 24, tip, 4);
	rte_pktmbuf_free(m);
}

/* An ARP reply from @p sip at @p sha, unicast to us, for our address. */
static struct rte_mbuf *
arp_reply(const uint8_t sha[6], const uint8_t sip[4])
{
	uint8_t *p, *a;
	struct rte_mbuf *m = new_frame(ETH_MIN, &p);

	memcpy(p, our_mac.addr_bytes, 6);
	memcpy(p + 6, sha, 6);
	synq_bytes_put16(p + 12, ET_ARP);
	a = p + 14;
	synq_bytes_put16(a, 1);
	synq_bytes_put16(a + 2, ET_IPV4);
	a[4] = 6;
	a[5] = 4;
	synq_bytes_put16(a + 6, 2);
	memcpy(a + 8, sha, 6);
	memcpy(a + 14, sip, 4);
	memcpy(a + 18, our_mac.addr_bytes, 6);
	memcpy(a + 24, our_ip4, 4);
	return m;
}

/* Hand @p m to rx queue 0 and poll worker 0 once. */
static void
receive0(struct rte_mbuf *m)
{
	assert_int_equal(rte_ring_enqueue(rx_ring[0], m), 0);
	assert_int_equal(synq_worker_poll(worker()), 1);
}

/*
 * An IPv4 packet to an unresolved on-link next hop: an ARP request, three packets
 * queued, the fourth dropped and counted; the reply releases the three with the
 * replier's MAC. Worker 1 had queued one to the same next hop: the reply came on
 * worker 0's queue, and worker 1 applies it from its ring.
 */
static void
test_arp_resolve(void **state __rte_unused)
{
	static const uint8_t nh[4] = {198, 18, 0, 7};
	static const uint8_t nh_mac[6] = {0x02, 0xbb, 0, 0, 0, 0x07};
	uint8_t pkt[4][64], pkt1[64];
	struct rte_mbuf *out[8];
	uint16_t len[4], len1;
	struct snap s;
	uint64_t posted = ctr(0, SYNQ_CTR_NEIGH_FACTS_POSTED);
	uint64_t w1_out = ctr(1, SYNQ_CTR_ROUTE_OUT);

	snap_take(&s);
	/* worker 1 first: its own entry, its own request on its tx queue */
	assert_int_equal(
		synq_worker_send_routed(worker1(), packet(4, nh, 0x10, pkt1, &len1), 4, nh, 0), 0);
	assert_int_equal(sent(1, out, 8), 1);
	check_arp_request(out[0], bcast, nh);

	/* worker 0: one request, then three queued, the fourth dropped */
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(send_pkt(worker(), 4, nh, (uint8_t)i, pkt[i], &len[i]), 1);
	assert_int_equal(sent(0, out, 8), 1);
	check_arp_request(out[0], bcast, nh);
	assert_int_equal(delta(&s, SYNQ_CTR_ARP_OUT_REQUESTS), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_NEIGH_SOLICITS), 1);
	assert_int_equal(send_pkt(worker(), 4, nh, 3, pkt[3], &len[3]), -ENOBUFS);
	assert_int_equal(delta(&s, SYNQ_CTR_NEIGH_QUEUE_FULL), 1);
	assert_int_equal(sent(0, out, 8), 0);

	/* the reply, on worker 0's queue: its three packets go, to the replier's MAC */
	receive0(arp_reply(nh_mac, nh));
	assert_int_equal(sent(0, out, 8), 3);
	for (unsigned int i = 0; i < 3; i++)
		check_released(out[i], nh_mac, ET_IPV4, pkt[i], len[i]);
	assert_int_equal(delta(&s, SYNQ_CTR_ARP_IN_REPLIES), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_ROUTE_OUT), 3);
	assert_int_equal(synq_neigh_state(worker()->neigh, 0, SYNQ_NEIGH_V4,
				 (const uint8_t[16]){198, 18, 0, 7}),
		SYNQ_NEIGH_REACHABLE);
	assert_int_equal(ctr(0, SYNQ_CTR_NEIGH_FACTS_POSTED), posted + 1);

	/* worker 1 never saw the reply: its ring brings it, and its packet goes */
	assert_int_equal(sent(1, out, 8), 0);
	synq_worker_poll(worker1());
	assert_int_equal(sent(1, out, 8), 1);
	check_released(out[0], nh_mac, ET_IPV4, pkt1, len1);
	assert_int_equal(ctr(1, SYNQ_CTR_ROUTE_OUT), w1_out + 1);

	/* resolved: the next packet goes at once */
	assert_int_equal(send_pkt(worker(), 4, nh, 9, pkt[0], &len[0]), 0);
	assert_int_equal(sent(0, out, 8), 1);
	check_released(out[0], nh_mac, ET_IPV4, pkt[0], len[0]);
}

/* A route through a router: the router is resolved, its MAC carries the packet. */
static void
test_via_router(void **state __rte_unused)
{
	static const uint8_t dst[4] = {198, 51, 100, 9};
	static const uint8_t router[4] = {198, 18, 0, 254};
	static const uint8_t router_mac[6] = {0x02, 0xbb, 0, 0, 0, 0xfe};
	struct rte_mbuf *out[4];
	uint8_t pkt[64];
	uint16_t len;

	assert_int_equal(send_pkt(worker(), 4, dst, 1, pkt, &len), 1);
	assert_int_equal(sent(0, out, 4), 1);
	check_arp_request(out[0], bcast, router);
	receive0(arp_reply(router_mac, router));
	assert_int_equal(sent(0, out, 4), 1);
	check_released(out[0], router_mac, ET_IPV4, pkt, len);
	synq_worker_poll(worker1()); /* its table has no entry: nothing, nothing made */
	assert_int_equal(sent(1, out, 4), 0);
	assert_int_equal(synq_neigh_state(worker1()->neigh, 0, SYNQ_NEIGH_V4,
				 (const uint8_t[16]){198, 18, 0, 254}),
		SYNQ_NEIGH_FREE);
}

/* An IPv6 next hop: a neighbour solicitation to its solicited-node group. */
static void
test_nd_resolve(void **state __rte_unused)
{
	static const uint8_t nh[16] = {0x20, 0x01, 0, 0x02, [14] = 0x12, [15] = 0x34};
	static const uint8_t nh_mac[6] = {0x02, 0xbb, 0, 0, 0x12, 0x34};
	static const uint8_t snm[16] = {
		0xff, 0x02, [11] = 0x01, [12] = 0xff, [14] = 0x12, [15] = 0x34};
	static const uint8_t snm_mac[6] = {0x33, 0x33, 0xff, 0, 0x12, 0x34};
	struct rte_mbuf *out[4], *m;
	uint8_t pkt[80], *p, *ip6, *icmp;
	uint16_t len;
	struct snap s;

	snap_take(&s);
	assert_int_equal(send_pkt(worker(), 6, nh, 6, pkt, &len), 1);
	assert_int_equal(sent(0, out, 4), 1);
	p = rte_pktmbuf_mtod(out[0], uint8_t *);
	ip6 = p + 14;
	icmp = ip6 + 40;
	assert_int_equal(rte_pktmbuf_data_len(out[0]), 14 + 40 + 32);
	assert_memory_equal(p, snm_mac, 6);
	assert_memory_equal(p + 6, our_mac.addr_bytes, 6);
	assert_int_equal(synq_bytes_get16(p + 12), ET_IPV6);
	assert_int_equal(ip6[0] >> 4, 6);
	assert_int_equal(synq_bytes_get16(ip6 + 4), 32);
	assert_int_equal(ip6[6], 58);
	assert_int_equal(ip6[7], 255);
	assert_memory_equal(ip6 + 8, our_ip6, 16);
	assert_memory_equal(ip6 + 24, snm, 16);
	assert_int_equal(icmp[0], 135);
	assert_int_equal(icmp[1], 0);
	assert_int_equal(synq_bytes_get32(icmp + 4), 0);
	assert_memory_equal(icmp + 8, nh, 16);
	assert_int_equal(icmp[24], 1); /* source link-layer address */
	assert_int_equal(icmp[25], 1);
	assert_memory_equal(icmp + 26, our_mac.addr_bytes, 6);
	assert_int_equal(synq_frame_cksum_fold(
				 synq_frame_cksum_add(synq_frame_phdr6(ip6, 58, 32), icmp, 32)),
		0);
	rte_pktmbuf_free(out[0]);
	assert_int_equal(delta(&s, SYNQ_CTR_ICMP6_OUT_NEIGHBOR_SOLICITS), 1);

	/* the solicited advertisement, S and O, with its target link-layer address */
	m = new_frame(14 + 40 + 32, &p);
	memcpy(p, our_mac.addr_bytes, 6);
	memcpy(p + 6, nh_mac, 6);
	synq_bytes_put16(p + 12, ET_IPV6);
	ip6 = p + 14;
	icmp = ip6 + 40;
	ip6[0] = 0x60;
	synq_bytes_put16(ip6 + 4, 32);
	ip6[6] = 58;
	ip6[7] = 255;
	memcpy(ip6 + 8, nh, 16);
	memcpy(ip6 + 24, our_ip6, 16);
	icmp[0] = 136;
	synq_bytes_put32(icmp + 4, 0x60000000);
	memcpy(icmp + 8, nh, 16);
	icmp[24] = 2;
	icmp[25] = 1;
	memcpy(icmp + 26, nh_mac, 6);
	synq_bytes_put16(icmp + 2, synq_frame_cksum_fold(synq_frame_cksum_add(
					   synq_frame_phdr6(ip6, 58, 32), icmp, 32)));
	receive0(m);
	assert_int_equal(delta(&s, SYNQ_CTR_ICMP6_IN_NEIGHBOR_ADVERTISEMENTS), 1);
	assert_int_equal(sent(0, out, 4), 1);
	check_released(out[0], nh_mac, ET_IPV6, pkt, len);
}

/*
 * A neighbour advertisement from @p nh (at @p nh_mac) for itself, unicast to us, with
 * @p flags (S 0x40000000, O 0x20000000), and its target link-layer option if @p tlla.
 */
static struct rte_mbuf *
nd_advert(const uint8_t nh[16], const uint8_t nh_mac[6], uint32_t flags, bool tlla)
{
	uint16_t icmp_len = tlla ? 32 : 24;
	uint8_t *p, *ip6, *icmp;
	struct rte_mbuf *m = new_frame(RTE_MAX(14 + 40 + icmp_len, ETH_MIN), &p);

	memcpy(p, our_mac.addr_bytes, 6);
	memcpy(p + 6, nh_mac, 6);
	synq_bytes_put16(p + 12, ET_IPV6);
	ip6 = p + 14;
	icmp = ip6 + 40;
	ip6[0] = 0x60;
	synq_bytes_put16(ip6 + 4, icmp_len);
	ip6[6] = 58;
	ip6[7] = 255;
	memcpy(ip6 + 8, nh, 16);
	memcpy(ip6 + 24, our_ip6, 16);
	icmp[0] = 136;
	synq_bytes_put32(icmp + 4, flags);
	memcpy(icmp + 8, nh, 16);
	if (tlla) {
		icmp[24] = 2;
		icmp[25] = 1;
		memcpy(icmp + 26, nh_mac, 6);
	}
	synq_bytes_put16(icmp + 2, synq_frame_cksum_fold(synq_frame_cksum_add(
					   synq_frame_phdr6(ip6, 58, icmp_len), icmp, icmp_len)));
	return m;
}

/* Tick worker @p w at @p ms on its resolver's clock (the TSC that makes it). */
static void
tick_ms(struct synq_worker *w, uint64_t ms)
{
	synq_worker_tick(w, ms * w->tsc_per_ms);
}

/*
 * RFC 4861 7.2.5 and 7.3.3: an IPv6 next hop in PROBE gets unicast solicitations, and
 * the answer of a Linux host to a unicast solicitation is a solicited advertisement
 * without a target link-layer option (ndisc_recv_ns() includes it only when the
 * solicitation was to a group). That answer confirms the MAC held: REACHABLE, no
 * more probes, the next packet goes at once. Ignored, the entry would fail after its
 * three probes and refuse its next hop for 3 s, every time a flow outlived
 * REACHABLE_TIME.
 */
static void
test_nd_probe_confirmed(void **state __rte_unused)
{
	static const uint8_t nh[16] = {0x20, 0x01, 0, 0x02, [14] = 0x56, [15] = 0x78};
	static const uint8_t nh_mac[6] = {0x02, 0xbb, 0, 0, 0x56, 0x78};
	const uint8_t key[16] = {0x20, 0x01, 0, 0x02, [14] = 0x56, [15] = 0x78};
	struct synq_worker *w = worker();
	struct rte_mbuf *out[8];
	uint8_t pkt[80], *ip6;
	uint64_t t;
	uint16_t len;
	struct snap s;

	snap_take(&s);
	assert_int_equal(send_pkt(w, 6, nh, 1, pkt, &len), 1);
	assert_int_equal(sent(0, out, 8), 1);
	rte_pktmbuf_free(out[0]);
	receive0(nd_advert(nh, nh_mac, 0x60000000, true));
	assert_int_equal(sent(0, out, 8), 1);
	check_released(out[0], nh_mac, ET_IPV6, pkt, len);
	assert_int_equal(synq_neigh_state(w->neigh, 0, SYNQ_NEIGH_V6, key), SYNQ_NEIGH_REACHABLE);

	/* REACHABLE_TIME later: STALE; a packet goes at once and starts DELAY */
	t = w->res.now_ms + SYNQ_NEIGH_REACHABLE_MS + 10;
	tick_ms(w, t);
	assert_int_equal(synq_neigh_state(w->neigh, 0, SYNQ_NEIGH_V6, key), SYNQ_NEIGH_STALE);
	assert_int_equal(send_pkt(w, 6, nh, 2, pkt, &len), 0);
	assert_int_equal(sent(0, out, 8), 1);
	check_released(out[0], nh_mac, ET_IPV6, pkt, len);
	/* DELAY_FIRST_PROBE_TIME later: PROBE, a solicitation unicast to the MAC held */
	t += SYNQ_NEIGH_DELAY_MS + 10;
	tick_ms(w, t);
	assert_int_equal(synq_neigh_state(w->neigh, 0, SYNQ_NEIGH_V6, key), SYNQ_NEIGH_PROBE);
	assert_int_equal(sent(0, out, 8), 1);
	ip6 = rte_pktmbuf_mtod(out[0], uint8_t *) + 14;
	assert_memory_equal(rte_pktmbuf_mtod(out[0], uint8_t *), nh_mac, 6);
	assert_memory_equal(ip6 + 24, nh, 16);
	assert_int_equal(ip6[40], 135);
	rte_pktmbuf_free(out[0]);

	/* Linux's answer: S set, O clear, no target link-layer option */
	receive0(nd_advert(nh, nh_mac, 0x40000000, false));
	assert_int_equal(synq_neigh_state(w->neigh, 0, SYNQ_NEIGH_V6, key), SYNQ_NEIGH_REACHABLE);
	for (unsigned int k = 1; k <= 4; k++)
		tick_ms(w, t + k * (SYNQ_NEIGH_RETRANS_MS + 10));
	assert_int_equal(sent(0, out, 8), 0);
	assert_int_equal(delta(&s, SYNQ_CTR_NEIGH_RESOLVE_FAILED), 0);
	assert_int_equal(send_pkt(w, 6, nh, 3, pkt, &len), 0);
	assert_int_equal(sent(0, out, 8), 1);
	check_released(out[0], nh_mac, ET_IPV6, pkt, len);
	assert_int_equal(delta(&s, SYNQ_CTR_ICMP6_IN_NEIGHBOR_ADVERTISEMENTS), 2);

	/* worker 1 holds no entry for it: what its ring brings changes nothing there */
	while (rte_ring_count(worker1()->facts) != 0)
		synq_worker_poll(worker1());
	assert_int_equal(
		synq_neigh_state(worker1()->neigh, 0, SYNQ_NEIGH_V6, key), SYNQ_NEIGH_FREE);
	assert_int_equal(sent(1, out, 8), 0);
}

/*
 * A next hop that never answers: a request a second three times, then FAILED (the
 * queued packet dropped and counted), and the next packet refused at once.
 */
static void
test_failed(void **state __rte_unused)
{
	static const uint8_t nh[4] = {198, 18, 0, 99};
	/* the resolver's clock, which earlier tests may have moved past the TSC */
	uint64_t t0 = worker()->res.now_ms;
	struct rte_mbuf *out[4];
	uint8_t pkt[64];
	uint16_t len;
	struct snap s;

	snap_take(&s);
	assert_int_equal(send_pkt(worker(), 4, nh, 1, pkt, &len), 1);
	assert_int_equal(sent(0, out, 4), 1);
	check_arp_request(out[0], bcast, nh);
	for (unsigned int k = 1; k <= 2; k++) {
		tick_ms(worker(), t0 + k * 1100);
		assert_int_equal(sent(0, out, 4), 1);
		check_arp_request(out[0], bcast, nh);
	}
	assert_int_equal(delta(&s, SYNQ_CTR_NEIGH_RESOLVE_FAILED), 0);
	tick_ms(worker(), t0 + 3300);
	assert_int_equal(sent(0, out, 4), 0);
	assert_int_equal(delta(&s, SYNQ_CTR_ARP_OUT_REQUESTS), 3);
	assert_int_equal(delta(&s, SYNQ_CTR_NEIGH_RESOLVE_FAILED), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_NEIGH_UNRESOLVED_DROPS), 1);
	assert_int_equal(send_pkt(worker(), 4, nh, 2, pkt, &len), -EHOSTUNREACH);
	assert_int_equal(delta(&s, SYNQ_CTR_NEIGH_UNRESOLVED_DROPS), 2);
	assert_int_equal(sent(0, out, 4), 0);
}

/* No route, and what is no single host or is loopback: dropped and counted, nothing
 * sent. */
static void
test_no_route(void **state __rte_unused)
{
	static const uint8_t far[4] = {203, 0, 113, 1};
	static const uint8_t group[4] = {224, 0, 0, 1};
	static const uint8_t loop4[4] = {127, 0, 0, 1};
	static const uint8_t loop6[16] = {[15] = 1};
	struct rte_mbuf *out[4];
	uint8_t pkt[64];
	uint16_t len;
	struct snap s;

	snap_take(&s);
	assert_int_equal(send_pkt(worker(), 4, far, 1, pkt, &len), -ENETUNREACH);
	assert_int_equal(delta(&s, SYNQ_CTR_ROUTE_NO_ROUTE), 1);
	assert_int_equal(send_pkt(worker(), 4, group, 1, pkt, &len), -EINVAL);
	assert_int_equal(delta(&s, SYNQ_CTR_ROUTE_BAD_PACKET), 1);
	/* loopback, either family (RFC 1122 3.2.1.3, RFC 4291 2.5.3) */
	assert_int_equal(send_pkt(worker(), 4, loop4, 1, pkt, &len), -EINVAL);
	assert_int_equal(send_pkt(worker(), 6, loop6, 1, pkt, &len), -EINVAL);
	assert_int_equal(delta(&s, SYNQ_CTR_ROUTE_BAD_PACKET), 3);
	assert_int_equal(delta(&s, SYNQ_CTR_ROUTE_NO_ROUTE), 1);
	assert_int_equal(sent(0, out, 4), 0);
}

/*
 * A flood of ARP replies on worker 0's queue: each is posted to worker 1, whose ring
 * holds 255; the rest are dropped and counted, and worker 1 drains a burst a poll.
 */
static void
test_ring_full(void **state __rte_unused)
{
	const unsigned int flood = 300, half = 150;
	unsigned int room = SYNQ_NEIGH_FACT_RING - 1 - rte_ring_count(worker1()->facts);
	struct snap s;

	snap_take(&s);
	for (unsigned int round = 0; round < 2; round++) {
		for (unsigned int i = 0; i < half; i++) {
			const uint8_t sip[4] = {198, 18, 0, (uint8_t)(10 + i % 200)};

			assert_int_equal(
				rte_ring_enqueue(rx_ring[0],
					arp_reply((const uint8_t[6]){0x02, 0xcc, 0, 0, 0, 1}, sip)),
				0);
		}
		while (rte_ring_count(rx_ring[0]) != 0)
			synq_worker_poll(worker());
	}
	assert_int_equal(delta(&s, SYNQ_CTR_ARP_IN_REPLIES), flood);
	assert_int_equal(delta(&s, SYNQ_CTR_NEIGH_FACTS_POSTED), room);
	assert_int_equal(delta(&s, SYNQ_CTR_NEIGH_FACT_RING_FULL), flood - room);
	assert_int_equal(rte_ring_count(worker1()->facts), SYNQ_NEIGH_FACT_RING - 1);
	synq_worker_poll(worker1());
	assert_int_equal(rte_ring_count(worker1()->facts), SYNQ_NEIGH_FACT_RING - 1 - SYNQ_BURST);
	while (rte_ring_count(worker1()->facts) != 0)
		synq_worker_poll(worker1());
}

/*
 * A connection synq opens goes through the worker's routes and neighbour table (the
 * runtime's send_routed, not a fake): its SYN waits for the ARP reply, then leaves
 * with the backend's MAC.
 */
static void
test_connect_wired(void **state __rte_unused)
{
	static const uint8_t peer[4] = {198, 18, 0, 9};
	static const uint8_t peer_mac[6] = {0x02, 0xbb, 0, 0, 0, 0x09};
	struct synq_session *s;
	struct synq_app_event ev;
	struct rte_mbuf *out[8];
	const uint8_t *p;
	unsigned int n = 0;
	bool closed = false;

	assert_int_equal(synq_app_connect(&app, 0, &rt.listeners.l[0], 4, peer,
				 rte_cpu_to_be_16(8080), our_ip4, &s),
		0);
	for (unsigned int i = 0; i < 8 && n == 0; i++) {
		synq_worker_poll(worker());
		n = sent(0, out, 8);
	}
	assert_int_equal(n, 1);
	check_arp_request(out[0], bcast, peer);

	receive0(arp_reply(peer_mac, peer));
	assert_int_equal(sent(0, out, 8), 1);
	p = rte_pktmbuf_mtod(out[0], const uint8_t *);
	assert_memory_equal(p, peer_mac, 6);
	assert_memory_equal(p + 6, our_mac.addr_bytes, 6);
	assert_int_equal(synq_bytes_get16(p + 12), ET_IPV4);
	assert_int_equal(p[14 + 9], 6);
	assert_memory_equal(p + 14 + 16, peer, 4);
	assert_int_equal(synq_bytes_get16(p + 34 + 2), 8080);
	assert_int_equal(p[34 + 13], 0x02); /* SYN */
	rte_pktmbuf_free(out[0]);

	/* aborted in SYN-SENT: nothing sent (RFC 9293 3.10.4), its last event comes */
	assert_int_equal(synq_app_abort(&app, s), 0);
	for (unsigned int i = 0; i < 16 && !closed; i++) {
		synq_worker_poll(worker());
		while (synq_app_recv_burst(&app, &ev, 1) == 1)
			closed = closed || (ev.s == s && ev.kind == SYNQ_EV_CLOSED);
	}
	assert_true(closed);
	assert_int_equal(sent(0, out, 8), 0);
	assert_int_equal(synq_app_release(&app, s), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arp_resolve),
		cmocka_unit_test(test_via_router),
		cmocka_unit_test(test_nd_resolve),
		cmocka_unit_test(test_nd_probe_confirmed),
		cmocka_unit_test(test_no_route),
		cmocka_unit_test(test_ring_full),
		cmocka_unit_test(test_failed),
		cmocka_unit_test(test_connect_wired),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
