/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the packet handler (lib/net): frames are built byte by byte here,
 * fed to synq_net_input() in fake mbufs, and the replies are read back byte by byte.
 * Checksums are computed and verified with the tests' own one's-complement sum
 * (tests/lib), not with DPDK's or lib/iface's, so that the test is an independent
 * check of lib/net.
 */

#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_mbuf.h"
#include "synq_cksum.h"
#include "synq_config.h"
#include "synq_frame.h"
#include "synq_net.h"
#include "synq_stats.h"

#define ETH_HLEN 14
#define VLAN_HLEN 4
#define ARP_LEN 28
#define IP4_HLEN 20
#define IP6_HLEN 40
#define ICMP_HLEN 8
#define ETH_MIN 60

#define ET_ARP 0x0806
#define ET_IPV4 0x0800
#define ET_IPV6 0x86dd
#define ET_VLAN 0x8100
#define ET_LLDP 0x88cc

#define NO_VLAN (-1)
#define TEST_VLAN 100

static const uint8_t our_mac[6] = {0x02, 0x53, 0x51, 0x00, 0x00, 0x01};
static const uint8_t peer_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0a};
static const uint8_t other_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0b};
static const uint8_t bcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t zero_mac[6];
static const uint8_t sn_mac[6] = {0x33, 0x33, 0xff, 0x00, 0x00, 0x01};
static const uint8_t all_nodes_mac[6] = {0x33, 0x33, 0x00, 0x00, 0x00, 0x01};

static const uint8_t ip_ours[4] = {198, 18, 0, 1};
static const uint8_t ip_peer[4] = {198, 18, 0, 2};
static const uint8_t ip_other[4] = {198, 18, 0, 9};
static const uint8_t ip_bcast[4] = {255, 255, 255, 255};

static const uint8_t ip6_ours[16] = {0x20, 0x01, 0x00, 0x02, [15] = 0x01};
static const uint8_t ip6_peer[16] = {0x20, 0x01, 0x00, 0x02, [15] = 0x02};
static const uint8_t ip6_other[16] = {0x20, 0x01, 0x00, 0x02, [15] = 0x77};
static const uint8_t ip6_unspec[16];
/* fe80::53:51ff:fe00:1, the modified EUI-64 of our MAC */
static const uint8_t ip6_ll_ours[16] = {0xfe, 0x80, [9] = 0x53, [10] = 0x51, [11] = 0xff,
	[12] = 0xfe, [13] = 0x00, [14] = 0x00, [15] = 0x01};
static const uint8_t ip6_ll_peer[16] = {0xfe, 0x80, [15] = 0x02};
/* ff02::1:ff00:1, solicited-node group of both 2001:2::1 and the link-local */
static const uint8_t ip6_sn_ours[16] = {0xff, 0x02, [11] = 0x01, [12] = 0xff, [15] = 0x01};
static const uint8_t ip6_sn_other[16] = {0xff, 0x02, [11] = 0x01, [12] = 0xff, [15] = 0x77};
static const uint8_t ip6_all_nodes[16] = {0xff, 0x02, [15] = 0x01};

static struct synq_iface ifc_plain; /* untagged */
static struct synq_iface ifc_vlan;  /* 802.1Q id 100 */

/* Big enough for every frame built here, the fuzz included. */
#define FRAME_MAX 256

/* --- checksums: the tests' own (tests/lib), independent of DPDK and lib/iface --- */

/* IPv6 pseudo-header (RFC 8200 8.1) for ICMPv6, plus the message at ip6 + 40. */
static uint16_t
icmp6_cksum(const uint8_t *ip6)
{
	uint16_t plen = synq_bytes_get16(ip6 + 4);
	uint32_t sum = synq_frame_phdr6(ip6, 58, plen);

	return synq_frame_cksum_fold(synq_frame_cksum_add(sum, ip6 + IP6_HLEN, plen));
}

/* Recompute the ICMP checksum of the IPv4 packet at @p ip. */
static void
icmp4_fix_cksum(uint8_t *ip)
{
	size_t hlen = (size_t)(ip[0] & 0x0f) * 4;
	uint8_t *icmp = ip + hlen;
	size_t len = synq_bytes_get16(ip + 2) - hlen;

	synq_bytes_put16(icmp + 2, 0);
	synq_bytes_put16(icmp + 2, synq_frame_cksum(icmp, len));
}

static void
icmp6_fix_cksum(uint8_t *ip6)
{
	synq_bytes_put16(ip6 + IP6_HLEN + 2, 0);
	synq_bytes_put16(ip6 + IP6_HLEN + 2, icmp6_cksum(ip6));
}

/* --- frame builders: every frame here is built in a FRAME_MAX buffer ------------- */

/* Ethernet header, with an 802.1Q tag when @p vlan >= 0; returns its length. */
static size_t
put_eth(uint8_t *p, size_t cap, const uint8_t dst[6], const uint8_t src[6], int vlan, uint16_t type)
{
	struct synq_frame_eth eth = {.tagged = vlan >= 0, .tci = (uint16_t)vlan};
	size_t len;

	memcpy(eth.dst, dst, 6);
	memcpy(eth.src, src, 6);
	len = synq_frame_put_eth(p, cap, &eth, type);
	assert_int_not_equal(len, 0);
	return len;
}

static size_t
build_arp(uint8_t *p, int vlan, uint16_t op, const uint8_t sha[6], const uint8_t sip[4],
	const uint8_t tha[6], const uint8_t tip[4])
{
	size_t l2 = put_eth(p, FRAME_MAX, op == 1 ? bcast_mac : our_mac, sha, vlan, ET_ARP);
	uint8_t *a = p + l2;

	synq_bytes_put16(a, 1); /* Ethernet */
	synq_bytes_put16(a + 2, ET_IPV4);
	a[4] = 6;
	a[5] = 4;
	synq_bytes_put16(a + 6, op);
	memcpy(a + 8, sha, 6);
	memcpy(a + 14, sip, 4);
	memcpy(a + 18, tha, 6);
	memcpy(a + 24, tip, 4);
	return l2 + ARP_LEN;
}

static size_t
build_arp_request(uint8_t *p, int vlan, const uint8_t tip[4])
{
	return build_arp(p, vlan, 1, peer_mac, ip_peer, zero_mac, tip);
}

/*
 * IPv4 header (IHL 5, DF set, TTL 50) from peer to @p dst, protocol @p proto, with
 * @p l4_len bytes of payload to follow, at @p ip with room for @p cap bytes; returns
 * the header length.
 */
static size_t
put_ip4(uint8_t *ip, size_t cap, const uint8_t dst[4], uint8_t proto, size_t l4_len)
{
	const struct synq_frame_ip hdr = {.family = 4, .src = ip_peer, .dst = dst, .ttl = 50,
		.id = 0x1234, .frag = SYNQ_FRAME_DF};
	size_t len = synq_frame_put_ip(ip, cap, &hdr, proto, l4_len);

	assert_int_equal(len, IP4_HLEN);
	return len;
}

/* The echo payload: bytes that a swap or a shift would show. */
static void
fill_data(uint8_t *p, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

/* ICMP echo request from peer to @p dst with @p dlen bytes of data. */
static size_t
build_echo4(uint8_t *p, int vlan, const uint8_t dst[4], size_t dlen)
{
	size_t l2 = put_eth(p, FRAME_MAX, our_mac, peer_mac, vlan, ET_IPV4);
	uint8_t *ip = p + l2;
	uint8_t *icmp = ip + put_ip4(ip, FRAME_MAX - l2, dst, 1, ICMP_HLEN + dlen);

	icmp[0] = 8;
	icmp[1] = 0;
	synq_bytes_put16(icmp + 4, 0xbeef); /* identifier */
	synq_bytes_put16(icmp + 6, 0x0102); /* sequence */
	fill_data(icmp + ICMP_HLEN, dlen, 0x30);
	icmp4_fix_cksum(ip);
	return l2 + IP4_HLEN + ICMP_HLEN + dlen;
}

/* IPv6 header and @p plen bytes of @p payload (ICMPv6, checksum filled in). */
static size_t
build_icmp6(uint8_t *p, int vlan, const uint8_t eth_dst[6], const uint8_t src[16],
	const uint8_t dst[16], uint8_t hlim, const uint8_t *payload, uint16_t plen)
{
	const struct synq_frame_ip hdr = {.family = 6, .src = src, .dst = dst, .ttl = hlim};
	size_t l2 = put_eth(p, FRAME_MAX, eth_dst, peer_mac, vlan, ET_IPV6);
	uint8_t *ip6 = p + l2;

	assert_int_equal(synq_frame_put_ip(ip6, FRAME_MAX - l2, &hdr, 58, plen), IP6_HLEN);
	memcpy(ip6 + IP6_HLEN, payload, plen);
	icmp6_fix_cksum(ip6);
	return l2 + IP6_HLEN + plen;
}

#define ECHO6_DATA 20

static size_t
build_echo6(uint8_t *p, const uint8_t dst[16])
{
	uint8_t msg[ICMP_HLEN + ECHO6_DATA] = {128, 0};

	synq_bytes_put16(msg + 4, 0xcafe);
	synq_bytes_put16(msg + 6, 0x0007);
	fill_data(msg + ICMP_HLEN, ECHO6_DATA, 0x51);
	return build_icmp6(p, NO_VLAN, our_mac, ip6_peer, dst, 60, msg, sizeof(msg));
}

/* Neighbour solicitation for @p target, with a source link-layer option if @p slla. */
static size_t
build_ns(uint8_t *p, int vlan, const uint8_t eth_dst[6], const uint8_t src[16],
	const uint8_t dst[16], uint8_t hlim, const uint8_t target[16], bool slla)
{
	uint8_t msg[32] = {135, 0};

	memcpy(msg + 8, target, 16);
	msg[24] = 1;
	msg[25] = 1;
	memcpy(msg + 26, peer_mac, 6);
	return build_icmp6(p, vlan, eth_dst, src, dst, hlim, msg, slla ? 32 : 24);
}

/* Neighbour advertisement of @p target with @p flags, a target link-layer option if @p tlla. */
static size_t
build_na(uint8_t *p, const uint8_t eth_dst[6], const uint8_t src[16], const uint8_t dst[16],
	uint8_t hlim, const uint8_t target[16], uint32_t flags, bool tlla)
{
	uint8_t msg[32] = {136, 0};

	synq_bytes_put32(msg + 4, flags);
	memcpy(msg + 8, target, 16);
	msg[24] = 2;
	msg[25] = 1;
	memcpy(msg + 26, peer_mac, 6);
	return build_icmp6(p, NO_VLAN, eth_dst, src, dst, hlim, msg, tlla ? 32 : 24);
}

/* --- running the handler ------------------------------------------------------- */

/* Counters that say why a frame was dropped: each drop bumps exactly one. */
static const enum synq_counter drop_reasons[] = {
	SYNQ_CTR_DROP_UNWRITABLE,
	SYNQ_CTR_DROP_RUNT,
	SYNQ_CTR_DROP_OTHER_HOST,
	SYNQ_CTR_DROP_VLAN,
	SYNQ_CTR_DROP_ETHERTYPE,
	SYNQ_CTR_ARP_DROP_MALFORMED,
	SYNQ_CTR_ARP_DROP_NOT_OURS,
	SYNQ_CTR_IP_IN_HDR_ERRORS,
	SYNQ_CTR_IP_IN_CSUM_ERRORS,
	SYNQ_CTR_IP_IN_ADDR_ERRORS,
	SYNQ_CTR_IP_DROP_OPTIONS,
	SYNQ_CTR_IP_REASM_REQDS,
	SYNQ_CTR_IP_IN_UNKNOWN_PROTOS,
	SYNQ_CTR_ICMP_IN_ERRORS,
	SYNQ_CTR_ICMP_IN_CSUM_ERRORS,
	SYNQ_CTR_ICMP_IN_IGNORED,
	SYNQ_CTR_IP6_IN_HDR_ERRORS,
	SYNQ_CTR_IP6_IN_ADDR_ERRORS,
	SYNQ_CTR_IP6_IN_UNKNOWN_PROTOS,
	SYNQ_CTR_ICMP6_IN_ERRORS,
	SYNQ_CTR_ICMP6_IN_CSUM_ERRORS,
	SYNQ_CTR_ICMP6_IN_IGNORED,
	SYNQ_CTR_TCP_NO_LISTENER,
	SYNQ_CTR_DROP_SRC_MAC_INVALID,
	SYNQ_CTR_IP_DROP_BAD_SOURCE,
	SYNQ_CTR_IP6_DROP_BAD_SOURCE,
	SYNQ_CTR_ICMP_ECHO_RATE_LIMITED,
	SYNQ_CTR_ICMP6_ECHO_RATE_LIMITED,
	/* handled, nothing to send: what they say went to the worker's facts */
	SYNQ_CTR_ARP_IN_REPLIES,
	SYNQ_CTR_ICMP6_IN_NEIGHBOR_ADVERTISEMENTS,
	SYNQ_CTR_MLD_DROP_INVALID,
	SYNQ_CTR_MLD_QUERY_RATE_LIMITED,
	SYNQ_CTR_IP6_DROP_TENTATIVE,
};

/* Counters of replies built: each reply bumps exactly one. */
static const enum synq_counter reply_kinds[] = {
	SYNQ_CTR_ARP_OUT_REPLIES,
	SYNQ_CTR_ICMP_OUT_ECHO_REPS,
	SYNQ_CTR_ICMP6_OUT_ECHO_REPLIES,
	SYNQ_CTR_ICMP6_OUT_NEIGHBOR_ADVERTISEMENTS,
	SYNQ_CTR_ICMP6_OUT_MLDV2_REPORTS,
};

static uint64_t
sum_ctrs(const struct synq_counters *ctr, const enum synq_counter *ids, size_t n)
{
	uint64_t s = 0;

	for (size_t i = 0; i < n; i++)
		s += synq_counter_read(ctr, ids[i]);
	return s;
}

/* Every drop counted under one reason, every reply under one kind. */
static void
check_accounting(const struct synq_counters *ctr, uint64_t nb_tx, uint64_t nb_drop)
{
	assert_int_equal(synq_counter_read(ctr, SYNQ_CTR_RX_FRAMES), nb_tx + nb_drop);
	assert_int_equal(sum_ctrs(ctr, drop_reasons, RTE_DIM(drop_reasons)), nb_drop);
	assert_int_equal(sum_ctrs(ctr, reply_kinds, RTE_DIM(reply_kinds)), nb_tx);
}

struct ctr_val {
	enum synq_counter id;
	uint64_t v;
};

/* @p ctr holds exactly the listed values, and zero in every other counter. */
static void
check_ctrs_exact(const struct synq_counters *ctr, const struct ctr_val *exp, size_t n)
{
	bool ok = true;

	for (unsigned int id = 0; id < SYNQ_CTR_MAX; id++) {
		uint64_t want = 0;

		for (size_t i = 0; i < n; i++)
			if (exp[i].id == id)
				want = exp[i].v;
		if (synq_counter_read(ctr, id) != want) {
			print_error("counter %s = %" PRIu64 ", expected %" PRIu64 "\n",
				synq_counter_name(id), synq_counter_read(ctr, id), want);
			ok = false;
		}
	}
	assert_true(ok);
}

#define CHECK_CTRS(ctr, ...)                                                                       \
	check_ctrs_exact(ctr, (const struct ctr_val[]){__VA_ARGS__},                               \
		sizeof((const struct ctr_val[]){__VA_ARGS__}) / sizeof(struct ctr_val))

/* The reply budgets input_mbuf() hands over: NULL (none) unless a test sets them. */
static struct synq_net_worker *test_nw;

/* Hand @p m alone to the handler; true when it was answered. */
static bool
input_mbuf(const struct synq_iface *ifc, struct synq_counters *ctr, struct rte_mbuf *m)
{
	struct rte_mbuf *pkts[1] = {m};
	struct rte_mbuf *tx[1] = {NULL};
	struct rte_mbuf *drop[1] = {NULL};
	uint16_t nb_drop = UINT16_MAX;
	uint16_t nb_tx;

	nb_tx = synq_net_input(ifc, ctr, test_nw, NULL, 0, pkts, 1, tx, drop, &nb_drop);
	assert_int_equal(nb_tx + nb_drop, 1);
	if (nb_tx == 1) {
		assert_ptr_equal(tx[0], m);
		assert_null(drop[0]);
	} else {
		assert_ptr_equal(drop[0], m);
		assert_null(tx[0]);
	}
	return nb_tx == 1;
}

static bool
input_one(const struct synq_iface *ifc, struct synq_counters *ctr, struct fake_mbuf *fm,
	const uint8_t *frame, size_t len)
{
	return input_mbuf(ifc, ctr, fake_mbuf_set(fm, frame, (uint16_t)len));
}

/* Feed a frame that must be dropped, and check that it was counted under @p why only. */
static void
expect_drop(const struct synq_iface *ifc, const uint8_t *frame, size_t len, enum synq_counter why)
{
	struct synq_counters ctr;
	struct fake_mbuf fm;

	memset(&ctr, 0, sizeof(ctr));
	assert_false(input_one(ifc, &ctr, &fm, frame, len));
	check_accounting(&ctr, 0, 1);
	if (synq_counter_read(&ctr, why) != 1)
		print_error("expected %s = 1\n", synq_counter_name(why));
	assert_int_equal(synq_counter_read(&ctr, why), 1);
}

static uint16_t
reply_len(struct fake_mbuf *fm)
{
	assert_int_equal(fm->m.data_len, fm->m.pkt_len);
	assert_int_equal(fm->m.nb_segs, 1);
	return fm->m.data_len;
}

/* --- setup ---------------------------------------------------------------------- */

static void
make_port(struct synq_config_port *cp, uint16_t vlan)
{
	memset(cp, 0, sizeof(*cp));
	snprintf(cp->name, sizeof(cp->name), "net_null%u", vlan);
	memcpy(cp->mac.addr_bytes, our_mac, 6);
	cp->mac_set = true;
	cp->vlan = vlan;
	memcpy(&cp->ipv4[0], ip_ours, 4);
	cp->nb_ipv4 = 1;
	memcpy(cp->ipv6[0], ip6_ours, 16);
	cp->nb_ipv6 = 1;
	cp->rx_queues = 1;
	cp->rx_desc = 1024;
	cp->tx_desc = 1024;
}

static int
group_setup(void **state)
{
	struct synq_config_port cp;

	(void)state;
	make_port(&cp, 0);
	synq_iface_init(&ifc_plain, 0, &cp, &cp.mac);
	make_port(&cp, TEST_VLAN);
	synq_iface_init(&ifc_vlan, 1, &cp, &cp.mac);
	return 0;
}

/* --- iface ---------------------------------------------------------------------- */

/*
 * lib/iface's checksum helpers against the test's own sum: every length up to 300
 * at every alignment, chained sums, odd lengths, and both pseudo-headers, on random
 * bytes (runs of 0xff included, where carries pile up).
 */
static void
test_cksum(void **state)
{
	uint64_t rng = 0x9e3779b97f4a7c15u;
	uint8_t buf[320 + 8];

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++) {
		rng = rng * 6364136223846793005u + 1442695040888963407u;
		buf[i] = i % 97 < 40 ? 0xff : (uint8_t)(rng >> 56);
	}
	for (size_t off = 0; off < 8; off++) {
		for (size_t len = 0; len <= 300; len++) {
			const uint8_t *p = buf + off;
			uint16_t got = synq_cksum_value(synq_cksum_add(0, p, len));
			uint8_t stored[2];
			size_t half = len / 2 & ~(size_t)1; /* an even split keeps the words */

			memcpy(stored, &got, 2);
			assert_int_equal(synq_bytes_get16(stored), synq_frame_cksum(p, len));
			got = synq_cksum_value(synq_cksum_add(synq_cksum_add(0, p, half), p + half,
				len - half));
			memcpy(stored, &got, 2);
			assert_int_equal(synq_bytes_get16(stored), synq_frame_cksum(p, len));
		}
	}

	/* pseudo-headers: the bytes of RFC 9293 3.1 and RFC 8200 8.1, summed here */
	for (unsigned int n = 0; n < 1000; n++) {
		uint8_t ph4[12] = {0}, ph6[40] = {0};
		uint32_t src, dst;
		uint16_t l4 = (uint16_t)(n * 37 % 1500);
		uint16_t got;
		uint8_t stored[2];

		rng = rng * 6364136223846793005u + 1442695040888963407u;
		memcpy(ph4, &rng, 8);
		memcpy(&src, ph4, 4);
		memcpy(&dst, ph4 + 4, 4);
		ph4[8] = 0;
		ph4[9] = 6;
		synq_bytes_put16(ph4 + 10, l4);
		got = synq_cksum_value(synq_cksum_add(synq_cksum_ipv4_phdr(src, dst, 6, l4),
			buf + n % 8, l4 % 300));
		memcpy(stored, &got, 2);
		assert_int_equal(synq_bytes_get16(stored),
			synq_frame_cksum_fold(synq_frame_cksum_add(
				synq_frame_cksum_add(0, ph4, 12), buf + n % 8, l4 % 300)));

		memcpy(ph6, buf + n % 200, 32);
		synq_bytes_put16(ph6 + 34, l4);
		ph6[39] = 58;
		got = synq_cksum_value(synq_cksum_ipv6_phdr(ph6, ph6 + 16, 58, l4));
		memcpy(stored, &got, 2);
		assert_int_equal(synq_bytes_get16(stored), synq_frame_cksum(ph6, 40));
	}
}

static void
test_iface_init(void **state)
{
	uint32_t a;

	(void)state;
	assert_int_equal(ifc_plain.port_id, 0);
	assert_int_equal(ifc_plain.vlan, 0);
	assert_memory_equal(ifc_plain.mac.addr_bytes, our_mac, 6);
	assert_int_equal(ifc_plain.nb_ipv4, 1);
	assert_memory_equal(&ifc_plain.ipv4[0], ip_ours, 4);
	/* the configured address, then the link-local one */
	assert_int_equal(ifc_plain.nb_ipv6, 2);
	assert_memory_equal(ifc_plain.ipv6[0], ip6_ours, 16);
	assert_memory_equal(ifc_plain.ipv6[1], ip6_ll_ours, 16);
	assert_int_equal(ifc_vlan.port_id, 1);
	assert_int_equal(ifc_vlan.vlan, TEST_VLAN);

	memcpy(&a, ip_ours, 4);
	assert_true(synq_iface_has_ipv4(&ifc_plain, a));
	memcpy(&a, ip_other, 4);
	assert_false(synq_iface_has_ipv4(&ifc_plain, a));
	assert_true(synq_iface_has_ipv6(&ifc_plain, ip6_ours));
	assert_true(synq_iface_has_ipv6(&ifc_plain, ip6_ll_ours));
	assert_false(synq_iface_has_ipv6(&ifc_plain, ip6_other));
	assert_false(synq_iface_has_ipv6(&ifc_plain, ip6_sn_ours));
}

/* --- ARP ------------------------------------------------------------------------ */

/* An Ethernet/IPv4 ARP header at @p a with these fields. */
static void
check_arp(const uint8_t *a, uint16_t op, const uint8_t sha[6], const uint8_t sip[4],
	const uint8_t tha[6], const uint8_t tip[4])
{
	assert_int_equal(synq_bytes_get16(a), 1);
	assert_int_equal(synq_bytes_get16(a + 2), ET_IPV4);
	assert_int_equal(a[4], 6);
	assert_int_equal(a[5], 4);
	assert_int_equal(synq_bytes_get16(a + 6), op);
	assert_memory_equal(a + 8, sha, 6);
	assert_memory_equal(a + 14, sip, 4);
	assert_memory_equal(a + 18, tha, 6);
	assert_memory_equal(a + 24, tip, 4);
}

/* An ARP reply from us to peer, at @p a (the ARP header of a frame). */
static void
check_arp_reply(const uint8_t *a)
{
	check_arp(a, 2, our_mac, ip_ours, peer_mac, ip_peer);
}

static void
test_arp_request(void **state)
{
	uint8_t f[FRAME_MAX];
	struct synq_counters ctr;
	struct fake_mbuf fm;
	size_t len = build_arp_request(f, NO_VLAN, ip_ours);
	const uint8_t *r;

	(void)state;
	memset(&ctr, 0, sizeof(ctr));
	assert_int_equal(len, 42);
	assert_true(input_one(&ifc_plain, &ctr, &fm, f, len));
	r = fake_mbuf_data(&fm);
	assert_int_equal(reply_len(&fm), ETH_MIN);
	assert_memory_equal(r, peer_mac, 6);
	assert_memory_equal(r + 6, our_mac, 6);
	assert_int_equal(synq_bytes_get16(r + 12), ET_ARP);
	check_arp_reply(r + ETH_HLEN);
	for (size_t i = ETH_HLEN + ARP_LEN; i < ETH_MIN; i++)
		assert_int_equal(r[i], 0);
	assert_int_equal(fm.m.ol_flags, 0);
	CHECK_CTRS(&ctr, {SYNQ_CTR_RX_FRAMES, 1}, {SYNQ_CTR_ARP_IN_REQUESTS, 1},
		{SYNQ_CTR_ARP_OUT_REPLIES, 1});
}

/* A request already padded to 60 bytes with garbage: the reply's padding is zeroed. */
static void
test_arp_request_padded(void **state)
{
	uint8_t f[FRAME_MAX];
	struct synq_counters ctr;
	struct fake_mbuf fm;
	size_t len = build_arp_request(f, NO_VLAN, ip_ours);
	const uint8_t *r;

	(void)state;
	memset(f + len, 0xee, ETH_MIN - len);
	memset(&ctr, 0, sizeof(ctr));
	assert_true(input_one(&ifc_plain, &ctr, &fm, f, ETH_MIN));
	r = fake_mbuf_data(&fm);
	assert_int_equal(reply_len(&fm), ETH_MIN);
	check_arp_reply(r + ETH_HLEN);
	for (size_t i = ETH_HLEN + ARP_LEN; i < ETH_MIN; i++)
		assert_int_equal(r[i], 0);
	/* unicast request (as a cache refresh is) */
	len = build_arp_request(f, NO_VLAN, ip_ours);
	memcpy(f, our_mac, 6);
	assert_true(input_one(&ifc_plain, &ctr, &fm, f, len));
	assert_memory_equal(fake_mbuf_data(&fm), peer_mac, 6);
	check_arp_reply(fake_mbuf_data(&fm) + ETH_HLEN);
}

static void
test_arp_not_ours(void **state)
{
	uint8_t f[FRAME_MAX];
	struct synq_counters ctr;
	struct fake_mbuf fm;
	size_t len = build_arp_request(f, NO_VLAN, ip_other);

	(void)state;
	memset(&ctr, 0, sizeof(ctr));
	assert_false(input_one(&ifc_plain, &ctr, &fm, f, len));
	/* dropped frames are left as they came */
	assert_memory_equal(fake_mbuf_data(&fm), f, len);
	assert_int_equal(fm.m.data_len, len);
	CHECK_CTRS(&ctr, {SYNQ_CTR_RX_FRAMES, 1}, {SYNQ_CTR_ARP_DROP_NOT_OURS, 1});
}

static void
test_arp_reply_dropped(void **state)
{
	uint8_t f[FRAME_MAX];
	struct synq_counters ctr;
	struct fake_mbuf fm;
	struct synq_net_worker nw;
	size_t len = build_arp(f, NO_VLAN, 2, peer_mac, ip_peer, our_mac, ip_ours);

	(void)state;
	memset(&ctr, 0, sizeof(ctr));
	synq_net_worker_init(&nw, 1000, 0, 1, 0);
	test_nw = &nw;
	/* a reply to us, for our address: dropped, what it says left for the tables */
	assert_false(input_one(&ifc_plain, &ctr, &fm, f, len));
	CHECK_CTRS(&ctr, {SYNQ_CTR_RX_FRAMES, 1}, {SYNQ_CTR_ARP_IN_REPLIES, 1});
	assert_int_equal(nw.nb_facts, 1);
	assert_int_equal(nw.facts[0].family, 4);
	assert_memory_equal(nw.facts[0].addr, ip_peer, 4);
	assert_memory_equal(nw.facts[0].mac.addr_bytes, peer_mac, 6);
	assert_int_equal(nw.facts[0].flags, SYNQ_NEIGH_FACT_SOLICITED | SYNQ_NEIGH_FACT_OVERRIDE);
	/* a gratuitous reply to broadcast: learned, not solicited */
	memcpy(f, bcast_mac, 6);
	assert_false(input_one(&ifc_plain, &ctr, &fm, f, len));
	assert_int_equal(nw.nb_facts, 1);
	assert_int_equal(nw.facts[0].flags, SYNQ_NEIGH_FACT_OVERRIDE);
	memcpy(f, our_mac, 6);
	/* a sender that is not the frame's source says nothing */
	memset(&ctr, 0, sizeof(ctr));
	f[6 + 5] ^= 1;
	assert_false(input_one(&ifc_plain, &ctr, &fm, f, len));
	CHECK_CTRS(&ctr, {SYNQ_CTR_RX_FRAMES, 1}, {SYNQ_CTR_DROP_SRC_MAC_INVALID, 1});
	assert_int_equal(nw.nb_facts, 0);
	/* a request for another address: not answered, its sender still learned (RFC 826) */
	memset(&ctr, 0, sizeof(ctr));
	len = build_arp(f, NO_VLAN, 1, peer_mac, ip_peer, zero_mac, ip_peer);
	assert_false(input_one(&ifc_plain, &ctr, &fm, f, len));
	CHECK_CTRS(&ctr, {SYNQ_CTR_RX_FRAMES, 1}, {SYNQ_CTR_ARP_DROP_NOT_OURS, 1});
	assert_int_equal(nw.nb_facts, 1);
	assert_int_equal(nw.facts[0].flags, SYNQ_NEIGH_FACT_OVERRIDE);
	/* an ARP probe (RFC 5227: sender 0.0.0.0) says nothing of anyone */
	len = build_arp(f, NO_VLAN, 1, peer_mac, (const uint8_t[4]){0}, zero_mac, ip_peer);
	assert_false(input_one(&ifc_plain, &ctr, &fm, f, len));
	assert_int_equal(nw.nb_facts, 0);
	test_nw = NULL;
}

static void
test_arp_malformed(void **state)
{
	uint8_t f[FRAME_MAX];
	size_t len = build_arp_request(f, NO_VLAN, ip_ours);

	(void)state;
	/* truncated: 27 of the 28 bytes, then only the fixed part */
	expect_drop(&ifc_plain, f, len - 1, SYNQ_CTR_ARP_DROP_MALFORMED);
	expect_drop(&ifc_plain, f, ETH_HLEN + 8, SYNQ_CTR_ARP_DROP_MALFORMED);
	expect_drop(&ifc_plain, f, ETH_HLEN, SYNQ_CTR_ARP_DROP_MALFORMED);
	/* hardware type, protocol type, address lengths */
	f[ETH_HLEN + 1] = 6;
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ARP_DROP_MALFORMED);
	len = build_arp_request(f, NO_VLAN, ip_ours);
	synq_bytes_put16(f + ETH_HLEN + 2, ET_IPV6);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ARP_DROP_MALFORMED);
	len = build_arp_request(f, NO_VLAN, ip_ours);
	f[ETH_HLEN + 4] = 8;
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ARP_DROP_MALFORMED);
	len = build_arp_request(f, NO_VLAN, ip_ours);
	f[ETH_HLEN + 5] = 16;
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ARP_DROP_MALFORMED);
}

/* --- IPv4 / ICMP ---------------------------------------------------------------- */

/*
 * @p r is the reply to @p req (both whole frames, untagged, @p hlen-byte IP header):
 * addresses swapped, type 0, TTL 64, the rest unchanged, both checksums valid.
 */
static void
check_echo4_reply(const uint8_t *r, size_t rlen, const uint8_t *req, size_t hlen)
{
	const uint8_t *ip = r + ETH_HLEN;
	const uint8_t *qip = req + ETH_HLEN;
	uint16_t tot = synq_bytes_get16(qip + 2);
	const uint8_t *icmp = ip + hlen;
	const uint8_t *qicmp = qip + hlen;

	assert_int_equal(rlen, RTE_MAX(ETH_MIN, ETH_HLEN + tot));
	assert_memory_equal(r, peer_mac, 6);
	assert_memory_equal(r + 6, our_mac, 6);
	assert_int_equal(synq_bytes_get16(r + 12), ET_IPV4);

	assert_int_equal(ip[0], qip[0]);
	assert_int_equal(synq_bytes_get16(ip + 2), tot);
	assert_int_equal(ip[8], 64);
	assert_int_equal(ip[9], 1);
	assert_memory_equal(ip + 12, ip_ours, 4);
	assert_memory_equal(ip + 16, ip_peer, 4);
	if (hlen > IP4_HLEN)
		assert_memory_equal(ip + IP4_HLEN, qip + IP4_HLEN, hlen - IP4_HLEN);
	assert_int_equal(synq_frame_cksum(ip, hlen), 0);

	assert_int_equal(icmp[0], 0);
	assert_int_equal(icmp[1], 0);
	assert_memory_equal(icmp + 4, qicmp + 4, tot - hlen - 4); /* id, seq, data */
	assert_int_equal(synq_frame_cksum(icmp, tot - hlen), 0);
	for (size_t i = ETH_HLEN + tot; i < rlen; i++)
		assert_int_equal(r[i], 0);
}

static void
test_icmp_echo(void **state)
{
	uint8_t f[FRAME_MAX];
	struct synq_counters ctr;
	struct fake_mbuf fm;
	size_t len = build_echo4(f, NO_VLAN, ip_ours, 32);

	(void)state;
	memset(&ctr, 0, sizeof(ctr));
	/* the test's own checksums are right to begin with */
	assert_int_equal(synq_frame_cksum(f + ETH_HLEN, IP4_HLEN), 0);
	assert_int_equal(synq_frame_cksum(f + ETH_HLEN + IP4_HLEN, ICMP_HLEN + 32), 0);
	assert_true(input_one(&ifc_plain, &ctr, &fm, f, len));
	check_echo4_reply(fake_mbuf_data(&fm), reply_len(&fm), f, IP4_HLEN);
	assert_int_equal(reply_len(&fm), len);
	CHECK_CTRS(&ctr, {SYNQ_CTR_RX_FRAMES, 1}, {SYNQ_CTR_IP_IN_RECEIVES, 1},
		{SYNQ_CTR_ICMP_IN_MSGS, 1}, {SYNQ_CTR_ICMP_IN_ECHOS, 1},
		{SYNQ_CTR_ICMP_OUT_MSGS, 1}, {SYNQ_CTR_ICMP_OUT_ECHO_REPS, 1});
}

/* Odd-length data, an empty echo, IP options: the checksums still come out right. */
static void
test_icmp_echo_shapes(void **state)
{
	static const size_t dlens[] = {0, 1, 33, 100, 173};
	uint8_t f[FRAME_MAX];
	struct synq_counters ctr;
	struct fake_mbuf fm;
	size_t len;
	uint8_t *ip = f + ETH_HLEN;

	(void)state;
	memset(&ctr, 0, sizeof(ctr));
	for (size_t i = 0; i < RTE_DIM(dlens); i++) {
		len = build_echo4(f, NO_VLAN, ip_ours, dlens[i]);
		assert_true(input_one(&ifc_plain, &ctr, &fm, f, len));
		check_echo4_reply(fake_mbuf_data(&fm), reply_len(&fm), f, IP4_HLEN);
	}

	check_accounting(&ctr, RTE_DIM(dlens), 0);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ICMP_OUT_ECHO_REPS), RTE_DIM(dlens));

	/* IHL 6 with a 4-byte option (NOP, NOP, NOP, EOL): dropped, as is a source route */
	len = build_echo4(f, NO_VLAN, ip_ours, 16);
	memmove(ip + 24, ip + 20, len - ETH_HLEN - IP4_HLEN);
	ip[0] = 0x46;
	ip[20] = 1;
	ip[21] = 1;
	ip[22] = 1;
	ip[23] = 0;
	len += 4;
	synq_bytes_put16(ip + 2, (uint16_t)(len - ETH_HLEN));
	synq_frame_fix_ip4(ip);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_IP_DROP_OPTIONS);
	ip[20] = 131; /* LSRR, length 3, pointer 4: an empty route */
	ip[21] = 3;
	ip[22] = 4;
	synq_frame_fix_ip4(ip);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_IP_DROP_OPTIONS);
}

/* Ethernet padding after total_length is not part of the packet. */
static void
test_icmp_echo_padding(void **state)
{
	uint8_t f[FRAME_MAX];
	struct synq_counters ctr;
	struct fake_mbuf fm;
	size_t len;

	(void)state;
	memset(&ctr, 0, sizeof(ctr));
	/* 42 bytes padded to 60 with non-zero bytes */
	len = build_echo4(f, NO_VLAN, ip_ours, 0);
	assert_int_equal(len, 42);
	memset(f + len, 0xee, ETH_MIN - len);
	assert_true(input_one(&ifc_plain, &ctr, &fm, f, ETH_MIN));
	check_echo4_reply(fake_mbuf_data(&fm), reply_len(&fm), f, IP4_HLEN);
	assert_int_equal(reply_len(&fm), ETH_MIN);

	/* 54 bytes with 6 bytes of trailer: the reply is 54 bytes, padded to 60 */
	len = build_echo4(f, NO_VLAN, ip_ours, 12);
	memset(f + len, 0xee, 6);
	assert_true(input_one(&ifc_plain, &ctr, &fm, f, len + 6));
	check_echo4_reply(fake_mbuf_data(&fm), reply_len(&fm), f, IP4_HLEN);
	assert_int_equal(reply_len(&fm), ETH_MIN);

	/* 82 bytes with 8 bytes of trailer: the reply is 82 bytes */
	len = build_echo4(f, NO_VLAN, ip_ours, 40);
	memset(f + len, 0xee, 8);
	assert_true(input_one(&ifc_plain, &ctr, &fm, f, len + 8));
	check_echo4_reply(fake_mbuf_data(&fm), reply_len(&fm), f, IP4_HLEN);
	assert_int_equal(reply_len(&fm), len);
	check_accounting(&ctr, 3, 0);
}

static void
test_ip_bad_cksum(void **state)
{
	uint8_t f[FRAME_MAX];
	size_t len = build_echo4(f, NO_VLAN, ip_ours, 8);

	(void)state;
	f[ETH_HLEN + 10] ^= 0x01;
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_IP_IN_CSUM_ERRORS);
	/* a changed byte under a stale checksum */
	len = build_echo4(f, NO_VLAN, ip_ours, 8);
	f[ETH_HLEN + 8] = 1;
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_IP_IN_CSUM_ERRORS);
}

static void
test_icmp_bad_cksum(void **state)
{
	uint8_t f[FRAME_MAX];
	struct synq_counters ctr;
	struct fake_mbuf fm;
	size_t len = build_echo4(f, NO_VLAN, ip_ours, 8);

	(void)state;
	f[len - 1] ^= 0x80;
	memset(&ctr, 0, sizeof(ctr));
	assert_false(input_one(&ifc_plain, &ctr, &fm, f, len));
	CHECK_CTRS(&ctr, {SYNQ_CTR_RX_FRAMES, 1}, {SYNQ_CTR_IP_IN_RECEIVES, 1},
		{SYNQ_CTR_ICMP_IN_MSGS, 1}, {SYNQ_CTR_ICMP_IN_CSUM_ERRORS, 1});
}

static void
test_ip_hdr_errors(void **state)
{
	uint8_t f[FRAME_MAX];
	uint8_t *ip = f + ETH_HLEN;
	size_t len;

	(void)state;
	/* total_length one more than the frame holds */
	len = build_echo4(f, NO_VLAN, ip_ours, 8);
	synq_bytes_put16(ip + 2, (uint16_t)(len - ETH_HLEN + 1));
	synq_frame_fix_ip4(ip);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_IP_IN_HDR_ERRORS);
	/* total_length smaller than the header */
	len = build_echo4(f, NO_VLAN, ip_ours, 8);
	synq_bytes_put16(ip + 2, 19);
	synq_frame_fix_ip4(ip);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_IP_IN_HDR_ERRORS);
	/* IHL 4 (checksum right over the 20 bytes) */
	len = build_echo4(f, NO_VLAN, ip_ours, 8);
	ip[0] = 0x44;
	synq_frame_fix_ip4(ip);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_IP_IN_HDR_ERRORS);
	/* IHL 0 */
	ip[0] = 0x40;
	synq_frame_fix_ip4(ip);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_IP_IN_HDR_ERRORS);
	/* IHL 15: 60 bytes, more than the 36 the frame holds */
	len = build_echo4(f, NO_VLAN, ip_ours, 8);
	ip[0] = 0x4f;
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_IP_IN_HDR_ERRORS);
	/* version 6 with ethertype IPv4 */
	len = build_echo4(f, NO_VLAN, ip_ours, 8);
	ip[0] = 0x65;
	synq_frame_fix_ip4(ip);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_IP_IN_HDR_ERRORS);
	/* shorter than an IPv4 header */
	len = build_echo4(f, NO_VLAN, ip_ours, 8);
	expect_drop(&ifc_plain, f, ETH_HLEN + 19, SYNQ_CTR_IP_IN_HDR_ERRORS);
	/* ICMP shorter than its header */
	len = build_echo4(f, NO_VLAN, ip_ours, 0);
	synq_bytes_put16(ip + 2, IP4_HLEN + 4);
	synq_frame_fix_ip4(ip);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP_IN_ERRORS);
}

static void
test_ip_fragment(void **state)
{
	uint8_t f[FRAME_MAX];
	uint8_t *ip = f + ETH_HLEN;
	size_t len;

	(void)state;
	/* first fragment: MF set, offset 0 */
	len = build_echo4(f, NO_VLAN, ip_ours, 16);
	synq_bytes_put16(ip + 6, 0x2000);
	synq_frame_fix_ip4(ip);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_IP_REASM_REQDS);
	/* last fragment: MF clear, offset 3 (24 bytes) */
	synq_bytes_put16(ip + 6, 0x0003);
	synq_frame_fix_ip4(ip);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_IP_REASM_REQDS);
}

static void
test_ip_addr_and_proto(void **state)
{
	uint8_t f[FRAME_MAX];
	struct synq_counters ctr;
	struct fake_mbuf fm;
	uint8_t *ip = f + ETH_HLEN;
	size_t len;

	(void)state;
	len = build_echo4(f, NO_VLAN, ip_other, 8);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_IP_IN_ADDR_ERRORS);

	/* UDP datagram to us (port 7, 4 bytes of data) */
	len = put_eth(f, FRAME_MAX, our_mac, peer_mac, NO_VLAN, ET_IPV4);
	len += put_ip4(ip, FRAME_MAX - len, ip_ours, 17, 12);
	memset(f + len, 0, 12);
	synq_bytes_put16(f + len, 40000);
	synq_bytes_put16(f + len + 2, 7);
	synq_bytes_put16(f + len + 4, 12);
	len += 12;
	memset(&ctr, 0, sizeof(ctr));
	assert_false(input_one(&ifc_plain, &ctr, &fm, f, len));
	CHECK_CTRS(&ctr, {SYNQ_CTR_RX_FRAMES, 1}, {SYNQ_CTR_IP_IN_RECEIVES, 1},
		{SYNQ_CTR_IP_IN_UNKNOWN_PROTOS, 1});

	/* echo to the broadcast address: accepted by IP, not answered */
	len = build_echo4(f, NO_VLAN, ip_bcast, 8);
	memcpy(f, bcast_mac, 6);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP_IN_IGNORED);

	/* an echo reply is not answered */
	len = build_echo4(f, NO_VLAN, ip_ours, 8);
	ip[IP4_HLEN] = 0;
	icmp4_fix_cksum(ip);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP_IN_IGNORED);
	/* nor an echo request with a non-zero code */
	len = build_echo4(f, NO_VLAN, ip_ours, 8);
	ip[IP4_HLEN + 1] = 1;
	icmp4_fix_cksum(ip);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP_IN_IGNORED);
}

/* The NIC's checksum verdict, when it gives one, is trusted. */
static void
test_ip_cksum_offload(void **state)
{
	uint8_t f[FRAME_MAX];
	struct synq_counters ctr;
	struct fake_mbuf fm;
	struct rte_mbuf *m;
	size_t len;

	(void)state;
	memset(&ctr, 0, sizeof(ctr));
	/* GOOD over a wrong checksum: answered, with a right one */
	len = build_echo4(f, NO_VLAN, ip_ours, 8);
	f[ETH_HLEN + 10] ^= 0xff;
	m = fake_mbuf_set(&fm, f, (uint16_t)len);
	m->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	assert_true(input_mbuf(&ifc_plain, &ctr, m));
	assert_int_equal(synq_frame_cksum(fake_mbuf_data(&fm) + ETH_HLEN, IP4_HLEN), 0);
	assert_int_equal(m->ol_flags, 0);

	/* NONE: the field is wrong but the NIC verified the header: answered */
	len = build_echo4(f, NO_VLAN, ip_ours, 8);
	f[ETH_HLEN + 10] = 0;
	f[ETH_HLEN + 11] = 0;
	m = fake_mbuf_set(&fm, f, (uint16_t)len);
	m->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_NONE;
	assert_true(input_mbuf(&ifc_plain, &ctr, m));
	assert_int_equal(synq_frame_cksum(fake_mbuf_data(&fm) + ETH_HLEN, IP4_HLEN), 0);

	/* BAD over a right checksum: dropped */
	len = build_echo4(f, NO_VLAN, ip_ours, 8);
	m = fake_mbuf_set(&fm, f, (uint16_t)len);
	m->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_BAD;
	assert_false(input_mbuf(&ifc_plain, &ctr, m));
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_IP_IN_CSUM_ERRORS), 1);
	check_accounting(&ctr, 2, 1);
}

/*
 * A TCP SYN from the peer to port 80 of @p dst (4 or 16 bytes, by @p family), from
 * Ethernet source @p smac: with no listener (the handler gets no engine), a RST
 * answers it, unless the net layer stops it first.
 */
static size_t
build_syn(uint8_t *p, uint8_t family, const uint8_t *src, const uint8_t *dst,
	const uint8_t smac[6])
{
	struct synq_frame_tcp t = {
		.ip = {.family = family, .src = src, .dst = dst, .ttl = 64},
		.sport = 40000,
		.dport = 80,
		.seq = 1000,
		.flags = SYNQ_FRAME_SYN,
		.win = 65535,
	};
	size_t len;

	memcpy(t.eth.dst, our_mac, 6);
	memcpy(t.eth.src, smac, 6);
	len = synq_frame_build_tcp(p, FRAME_MAX, &t);
	assert_int_not_equal(len, 0);
	return len;
}

/* RFC 1122 3.2.1.3 / RFC 4291 2.7: no reply is ever aimed at such a source. */
static void
test_martian_sources(void **state)
{
	static const uint8_t bad4[][4] = {{0, 0, 0, 0}, {255, 255, 255, 255}, {224, 0, 0, 1},
		{127, 0, 0, 1}, {0, 1, 2, 3}, {240, 0, 0, 1}, {198, 18, 0, 1}};
	static const uint8_t loop6[16] = {[15] = 1};
	static const uint8_t mapped6[16] = {[10] = 0xff, [11] = 0xff, 198, 18, 0, 2};
	static const uint8_t compat6[16] = {[12] = 127, 0, 0, 1}; /* ::127.0.0.1 */
	const uint8_t *bad6[] = {ip6_all_nodes, loop6, mapped6, ip6_ours, ip6_unspec, compat6};
	uint8_t f[FRAME_MAX];
	size_t len;

	(void)state;
	for (size_t i = 0; i < RTE_DIM(bad4); i++) {
		len = build_echo4(f, NO_VLAN, ip_ours, 8);
		memcpy(f + ETH_HLEN + 12, bad4[i], 4);
		synq_frame_fix_ip4(f + ETH_HLEN);
		expect_drop(&ifc_plain, f, len, SYNQ_CTR_IP_DROP_BAD_SOURCE);
		/* a SYN from there (a LAND from our own address) reaches no TCP */
		len = build_syn(f, 4, bad4[i], ip_ours, peer_mac);
		expect_drop(&ifc_plain, f, len, SYNQ_CTR_IP_DROP_BAD_SOURCE);
	}
	for (size_t i = 0; i < RTE_DIM(bad6); i++) {
		len = build_echo6(f, ip6_ours);
		memcpy(f + ETH_HLEN + 8, bad6[i], 16);
		icmp6_fix_cksum(f + ETH_HLEN);
		expect_drop(&ifc_plain, f, len, SYNQ_CTR_IP6_DROP_BAD_SOURCE);
		/* and a SYN: :: above all, which only duplicate address detection may use */
		len = build_syn(f, 6, bad6[i], ip6_ours, peer_mac);
		expect_drop(&ifc_plain, f, len, SYNQ_CTR_IP6_DROP_BAD_SOURCE);
	}
}

/* The same SYNs from a good source are answered (no listener: a RST). */
static void
test_syn_answered(void **state)
{
	uint8_t f[FRAME_MAX];
	struct synq_counters ctr;
	struct fake_mbuf fm;
	size_t len;

	(void)state;
	memset(&ctr, 0, sizeof(ctr));
	len = build_syn(f, 4, ip_peer, ip_ours, peer_mac);
	assert_true(input_one(&ifc_plain, &ctr, &fm, f, len));
	assert_memory_equal(fake_mbuf_data(&fm), peer_mac, 6);
	len = build_syn(f, 6, ip6_peer, ip6_ours, peer_mac);
	assert_true(input_one(&ifc_plain, &ctr, &fm, f, len));
	assert_memory_equal(fake_mbuf_data(&fm), peer_mac, 6);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_TCP_OUT_RSTS), 2);
}

/*
 * A frame from a group or all-zero MAC is answered by no layer: ARP, ICMP, ICMPv6
 * echo and neighbour solicitation, TCP over IPv4 and IPv6. An ARP request whose
 * sender hardware address (where the reply would go) is a group neither.
 */
static void
test_src_mac_invalid(void **state)
{
	static const uint8_t mcast4_mac[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
	static const uint8_t odd_mac[6] = {0x03, 0x00, 0x00, 0x00, 0x00, 0x0a}; /* I/G bit */
	const uint8_t *bad[] = {bcast_mac, mcast4_mac, all_nodes_mac, odd_mac, zero_mac};
	uint8_t f[FRAME_MAX];
	size_t len;

	(void)state;
	for (size_t i = 0; i < RTE_DIM(bad); i++) {
		len = build_arp_request(f, NO_VLAN, ip_ours);
		memcpy(f + 6, bad[i], 6);
		expect_drop(&ifc_plain, f, len, SYNQ_CTR_DROP_SRC_MAC_INVALID);
		len = build_echo4(f, NO_VLAN, ip_ours, 8);
		memcpy(f + 6, bad[i], 6);
		expect_drop(&ifc_plain, f, len, SYNQ_CTR_DROP_SRC_MAC_INVALID);
		len = build_echo6(f, ip6_ours);
		memcpy(f + 6, bad[i], 6);
		expect_drop(&ifc_plain, f, len, SYNQ_CTR_DROP_SRC_MAC_INVALID);
		len = build_ns(f, NO_VLAN, sn_mac, ip6_peer, ip6_sn_ours, 255, ip6_ours, true);
		memcpy(f + 6, bad[i], 6);
		expect_drop(&ifc_plain, f, len, SYNQ_CTR_DROP_SRC_MAC_INVALID);
		len = build_syn(f, 4, ip_peer, ip_ours, bad[i]);
		expect_drop(&ifc_plain, f, len, SYNQ_CTR_DROP_SRC_MAC_INVALID);
		len = build_syn(f, 6, ip6_peer, ip6_ours, bad[i]);
		expect_drop(&ifc_plain, f, len, SYNQ_CTR_DROP_SRC_MAC_INVALID);
		/* the VLAN port alike */
		len = build_arp_request(f, TEST_VLAN, ip_ours);
		memcpy(f + 6, bad[i], 6);
		expect_drop(&ifc_vlan, f, len, SYNQ_CTR_DROP_SRC_MAC_INVALID);
		/* a good frame source, a group as the ARP sender: the reply would go there */
		len = build_arp(f, NO_VLAN, 1, peer_mac, ip_peer, zero_mac, ip_ours);
		memcpy(f + ETH_HLEN + 8, bad[i], 6);
		expect_drop(&ifc_plain, f, len, SYNQ_CTR_DROP_SRC_MAC_INVALID);
	}
	/* a frame from our own MAC: we would answer ourselves */
	len = build_syn(f, 4, ip_peer, ip_ours, our_mac);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_DROP_SRC_MAC_INVALID);
	/* an ARP request naming another station (or us) as its sender: no reply there */
	len = build_arp(f, NO_VLAN, 1, peer_mac, ip_peer, zero_mac, ip_ours);
	f[ETH_HLEN + 8 + 5] ^= 0x02;
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_DROP_SRC_MAC_INVALID);
	len = build_arp(f, NO_VLAN, 1, peer_mac, ip_peer, zero_mac, ip_ours);
	memcpy(f + ETH_HLEN + 8, our_mac, 6);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_DROP_SRC_MAC_INVALID);
}

/* Echo @p n requests (IPv4 when @p v4, else IPv6); returns how many were answered. */
static unsigned int
echo_many(struct synq_counters *ctr, unsigned int n, bool v4)
{
	uint8_t f[FRAME_MAX];
	struct fake_mbuf fm;
	unsigned int answered = 0;

	for (unsigned int i = 0; i < n; i++) {
		size_t len = v4 ? build_echo4(f, NO_VLAN, ip_ours, 8) : build_echo6(f, ip6_ours);

		answered += input_one(&ifc_plain, ctr, &fm, f, len);
	}
	return answered;
}

/*
 * Echo replies are a worker's budget, as Linux's icmp_msgs_per_sec/icmp_msgs_burst:
 * a burst of SYNQ_ICMP_ECHO_BURST_DEFAULT, then SYNQ_ICMP_ECHO_PER_S_DEFAULT a second, ICMP and
 * ICMPv6 together; what the budget refuses is counted, never answered.
 */
static void
test_echo_rate_limit(void **state)
{
	const uint64_t hz = 1000000; /* a 1 MHz TSC: 1000 cycles a reply */
	struct synq_net_worker nw;
	struct synq_counters ctr;
	uint64_t t0 = 5000000;

	(void)state;
	memset(&ctr, 0, sizeof(ctr));
	synq_net_worker_init(&nw, hz, SYNQ_ICMP_ECHO_PER_S_DEFAULT, SYNQ_ICMP_ECHO_BURST_DEFAULT,
		t0);
	test_nw = &nw;

	/* a flood at one instant: the burst, and no more */
	assert_int_equal(echo_many(&ctr, 40, true), 40);
	assert_int_equal(echo_many(&ctr, 40, false), SYNQ_ICMP_ECHO_BURST_DEFAULT - 40);
	assert_int_equal(echo_many(&ctr, 5, true), 0);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ICMP_ECHO_RATE_LIMITED), 5);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ICMP6_ECHO_RATE_LIMITED),
		80 - SYNQ_ICMP_ECHO_BURST_DEFAULT);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ICMP_IN_ECHOS), 45);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ICMP_OUT_ECHO_REPS), 40);
	check_accounting(&ctr, SYNQ_ICMP_ECHO_BURST_DEFAULT, 85 - SYNQ_ICMP_ECHO_BURST_DEFAULT);

	/* 7.5 ms later: 7 replies earned, the half token kept for the next */
	synq_net_clock(&nw, t0 + 7500);
	assert_int_equal(echo_many(&ctr, 20, true), 7);
	synq_net_clock(&nw, t0 + 8000);
	assert_int_equal(echo_many(&ctr, 20, false), 1);

	/* a second's flood at 10 requests a ms: about 1000 answered, not 10000 */
	memset(&ctr, 0, sizeof(ctr));
	for (uint64_t ms = 1; ms <= 1000; ms++) {
		synq_net_clock(&nw, t0 + 8000 + ms * 1000);
		echo_many(&ctr, 10, ms % 2 == 0);
	}
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ICMP_OUT_ECHO_REPS) +
			synq_counter_read(&ctr, SYNQ_CTR_ICMP6_OUT_ECHO_REPLIES),
		SYNQ_ICMP_ECHO_PER_S_DEFAULT);

	/* a long quiet spell earns a burst, not more */
	memset(&ctr, 0, sizeof(ctr));
	synq_net_clock(&nw, t0 + 100 * hz);
	assert_int_equal(echo_many(&ctr, 3 * SYNQ_ICMP_ECHO_BURST_DEFAULT, true),
		SYNQ_ICMP_ECHO_BURST_DEFAULT);
	/* a TSC behind the last fill earns nothing */
	synq_net_clock(&nw, t0);
	assert_int_equal(echo_many(&ctr, 3, true), 0);

	/* no limit (0 a second) */
	synq_net_worker_init(&nw, hz, 0, 1, t0);
	assert_int_equal(echo_many(&ctr, 200, false), 200);
	test_nw = NULL;
}

/* RFC 1122 3.3.6 (and Linux for IPv6): unicast inside a link-layer group frame. */
static void
test_unicast_in_l2_group(void **state)
{
	uint8_t f[FRAME_MAX];
	size_t len;

	(void)state;
	len = build_echo4(f, NO_VLAN, ip_ours, 8);
	memcpy(f, bcast_mac, 6);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_IP_IN_ADDR_ERRORS);
	len = build_echo6(f, ip6_ours);
	memcpy(f, all_nodes_mac, 6);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_IP6_IN_ADDR_ERRORS);
}

/* A reply is written in place: chained, indirect or shared mbufs are not touched. */
static void
test_unwritable_mbuf(void **state)
{
	uint8_t f[FRAME_MAX];
	struct synq_counters ctr;
	struct fake_mbuf fm;
	struct rte_mbuf *m;
	size_t len = build_arp_request(f, NO_VLAN, ip_ours);

	(void)state;
	memset(&ctr, 0, sizeof(ctr));
	m = fake_mbuf_set(&fm, f, (uint16_t)len);
	m->nb_segs = 2;
	assert_false(input_mbuf(&ifc_plain, &ctr, m));
	m = fake_mbuf_set(&fm, f, (uint16_t)len);
	rte_mbuf_refcnt_set(m, 2);
	assert_false(input_mbuf(&ifc_plain, &ctr, m));
	m = fake_mbuf_set(&fm, f, (uint16_t)len);
	m->ol_flags |= RTE_MBUF_F_INDIRECT;
	assert_false(input_mbuf(&ifc_plain, &ctr, m));
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_DROP_UNWRITABLE), 3);
	assert_memory_equal(fake_mbuf_data(&fm), f, len);
	check_accounting(&ctr, 0, 3);
}

/* --- IPv6 / ICMPv6 -------------------------------------------------------------- */

static void
test_icmp6_echo(void **state)
{
	uint8_t f[FRAME_MAX];
	struct synq_counters ctr;
	struct fake_mbuf fm;
	size_t len = build_echo6(f, ip6_ours);
	const uint8_t *r;
	const uint8_t *ip6;

	(void)state;
	memset(&ctr, 0, sizeof(ctr));
	assert_int_equal(icmp6_cksum(f + ETH_HLEN), 0);
	assert_true(input_one(&ifc_plain, &ctr, &fm, f, len));
	r = fake_mbuf_data(&fm);
	ip6 = r + ETH_HLEN;
	assert_int_equal(reply_len(&fm), len);
	assert_memory_equal(r, peer_mac, 6);
	assert_memory_equal(r + 6, our_mac, 6);
	assert_int_equal(synq_bytes_get16(r + 12), ET_IPV6);
	assert_int_equal(ip6[0] >> 4, 6);
	assert_int_equal(synq_bytes_get16(ip6 + 4), ICMP_HLEN + ECHO6_DATA);
	assert_int_equal(ip6[6], 58);
	assert_int_equal(ip6[7], 64);
	assert_memory_equal(ip6 + 8, ip6_ours, 16);
	assert_memory_equal(ip6 + 24, ip6_peer, 16);
	assert_int_equal(ip6[IP6_HLEN], 129);
	assert_int_equal(ip6[IP6_HLEN + 1], 0);
	assert_memory_equal(ip6 + IP6_HLEN + 4, f + ETH_HLEN + IP6_HLEN + 4, 4 + ECHO6_DATA);
	assert_int_equal(icmp6_cksum(ip6), 0);
	CHECK_CTRS(&ctr, {SYNQ_CTR_RX_FRAMES, 1}, {SYNQ_CTR_IP6_IN_RECEIVES, 1},
		{SYNQ_CTR_ICMP6_IN_MSGS, 1}, {SYNQ_CTR_ICMP6_IN_ECHOS, 1},
		{SYNQ_CTR_ICMP6_OUT_MSGS, 1}, {SYNQ_CTR_ICMP6_OUT_ECHO_REPLIES, 1});

	/* to the link-local address, with 4 bytes of trailer after the payload */
	len = build_echo6(f, ip6_ll_ours);
	memset(f + len, 0xee, 4);
	assert_true(input_one(&ifc_plain, &ctr, &fm, f, len + 4));
	ip6 = fake_mbuf_data(&fm) + ETH_HLEN;
	assert_int_equal(reply_len(&fm), len);
	assert_memory_equal(ip6 + 8, ip6_ll_ours, 16);
	assert_int_equal(icmp6_cksum(ip6), 0);
}

static void
test_icmp6_errors(void **state)
{
	uint8_t f[FRAME_MAX];
	struct synq_counters ctr;
	struct fake_mbuf fm;
	uint8_t *ip6 = f + ETH_HLEN;
	size_t len;

	(void)state;
	len = build_echo6(f, ip6_ours);
	f[len - 1] ^= 0x01;
	memset(&ctr, 0, sizeof(ctr));
	assert_false(input_one(&ifc_plain, &ctr, &fm, f, len));
	CHECK_CTRS(&ctr, {SYNQ_CTR_RX_FRAMES, 1}, {SYNQ_CTR_IP6_IN_RECEIVES, 1},
		{SYNQ_CTR_ICMP6_IN_MSGS, 1}, {SYNQ_CTR_ICMP6_IN_CSUM_ERRORS, 1});

	/* a checksum that would be right without the pseudo-header's addresses */
	len = build_echo6(f, ip6_ours);
	ip6[23] ^= 0x10;
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP6_IN_CSUM_ERRORS);

	/* payload length past the frame */
	len = build_echo6(f, ip6_ours);
	synq_bytes_put16(ip6 + 4, (uint16_t)(len - ETH_HLEN - IP6_HLEN + 1));
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_IP6_IN_HDR_ERRORS);
	/* version 4 with ethertype IPv6, and a header cut short */
	len = build_echo6(f, ip6_ours);
	ip6[0] = 0x40;
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_IP6_IN_HDR_ERRORS);
	len = build_echo6(f, ip6_ours);
	expect_drop(&ifc_plain, f, ETH_HLEN + IP6_HLEN - 1, SYNQ_CTR_IP6_IN_HDR_ERRORS);
	/* not our address */
	len = build_echo6(f, ip6_other);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_IP6_IN_ADDR_ERRORS);
	/* echo to all-nodes: accepted, not answered */
	len = build_echo6(f, ip6_all_nodes);
	memcpy(f, all_nodes_mac, 6);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP6_IN_IGNORED);
	/* an echo reply */
	len = build_echo6(f, ip6_ours);
	ip6[IP6_HLEN] = 129;
	icmp6_fix_cksum(ip6);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP6_IN_IGNORED);
	/* ICMPv6 shorter than its header */
	len = build_echo6(f, ip6_ours);
	synq_bytes_put16(ip6 + 4, 4);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP6_IN_ERRORS);
	/* UDP, and a hop-by-hop extension header */
	len = build_echo6(f, ip6_ours);
	ip6[6] = 17;
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_IP6_IN_UNKNOWN_PROTOS);
	ip6[6] = 0;
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_IP6_IN_UNKNOWN_PROTOS);
}

/*
 * @p r (@p rlen bytes) is our advertisement for @p target to @p ip_dst / @p eth_dst,
 * with @p flags as the first flags byte.
 */
static void
check_na(const uint8_t *r, size_t rlen, const uint8_t eth_dst[6], const uint8_t ip_dst[16],
	const uint8_t target[16], uint8_t flags)
{
	const uint8_t *ip6 = r + ETH_HLEN;
	const uint8_t *na = ip6 + IP6_HLEN;

	assert_int_equal(rlen, ETH_HLEN + IP6_HLEN + 32);
	assert_memory_equal(r, eth_dst, 6);
	assert_memory_equal(r + 6, our_mac, 6);
	assert_int_equal(synq_bytes_get16(r + 12), ET_IPV6);
	assert_int_equal(ip6[0] >> 4, 6);
	assert_int_equal(synq_bytes_get16(ip6 + 4), 32);
	assert_int_equal(ip6[6], 58);
	assert_int_equal(ip6[7], 255);
	assert_memory_equal(ip6 + 8, target, 16);
	assert_memory_equal(ip6 + 24, ip_dst, 16);
	assert_int_equal(na[0], 136);
	assert_int_equal(na[1], 0);
	assert_int_equal(na[4], flags);
	assert_int_equal(na[5], 0);
	assert_int_equal(na[6], 0);
	assert_int_equal(na[7], 0);
	assert_memory_equal(na + 8, target, 16);
	assert_int_equal(na[24], 2);
	assert_int_equal(na[25], 1);
	assert_memory_equal(na + 26, our_mac, 6);
	assert_int_equal(icmp6_cksum(ip6), 0);
}

static void
test_ns(void **state)
{
	uint8_t f[FRAME_MAX];
	struct synq_counters ctr;
	struct fake_mbuf fm;
	size_t len = build_ns(f, NO_VLAN, sn_mac, ip6_peer, ip6_sn_ours, 255, ip6_ours, true);

	(void)state;
	memset(&ctr, 0, sizeof(ctr));
	assert_int_equal(len, ETH_HLEN + IP6_HLEN + 32);
	assert_true(input_one(&ifc_plain, &ctr, &fm, f, len));
	check_na(fake_mbuf_data(&fm), reply_len(&fm), peer_mac, ip6_peer, ip6_ours, 0x60);
	CHECK_CTRS(&ctr, {SYNQ_CTR_RX_FRAMES, 1}, {SYNQ_CTR_IP6_IN_RECEIVES, 1},
		{SYNQ_CTR_ICMP6_IN_MSGS, 1}, {SYNQ_CTR_ICMP6_IN_NEIGHBOR_SOLICITS, 1},
		{SYNQ_CTR_ICMP6_OUT_MSGS, 1}, {SYNQ_CTR_ICMP6_OUT_NEIGHBOR_ADVERTISEMENTS, 1});
}

static void
test_ns_variants(void **state)
{
	uint8_t f[FRAME_MAX];
	struct synq_counters ctr;
	struct fake_mbuf fm;
	size_t len;

	(void)state;
	memset(&ctr, 0, sizeof(ctr));
	/* for the link-local address, from the peer's link-local */
	len = build_ns(f, NO_VLAN, sn_mac, ip6_ll_peer, ip6_sn_ours, 255, ip6_ll_ours, true);
	assert_true(input_one(&ifc_plain, &ctr, &fm, f, len));
	check_na(fake_mbuf_data(&fm), reply_len(&fm), peer_mac, ip6_ll_peer, ip6_ll_ours, 0x60);

	/* unicast (neighbour unreachability detection), no option: the NA grows to 32 */
	len = build_ns(f, NO_VLAN, our_mac, ip6_peer, ip6_ours, 255, ip6_ours, false);
	assert_int_equal(len, ETH_HLEN + IP6_HLEN + 24);
	assert_true(input_one(&ifc_plain, &ctr, &fm, f, len));
	check_na(fake_mbuf_data(&fm), reply_len(&fm), peer_mac, ip6_peer, ip6_ours, 0x60);

	/* duplicate address detection: from ::, no option; NA to all-nodes, S clear */
	len = build_ns(f, NO_VLAN, sn_mac, ip6_unspec, ip6_sn_ours, 255, ip6_ours, false);
	assert_true(input_one(&ifc_plain, &ctr, &fm, f, len));
	check_na(fake_mbuf_data(&fm), reply_len(&fm), all_nodes_mac, ip6_all_nodes, ip6_ours, 0x20);

	check_accounting(&ctr, 3, 0);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ICMP6_IN_NEIGHBOR_SOLICITS), 3);
}

/* The fact @p nw holds alone: @p addr (16 bytes) at peer_mac with @p flags. */
static void
check_fact6(struct synq_net_worker *nw, const uint8_t addr[16], uint8_t flags)
{
	assert_int_equal(nw->nb_facts, 1);
	assert_int_equal(nw->facts[0].family, 6);
	assert_memory_equal(nw->facts[0].addr, addr, 16);
	assert_memory_equal(nw->facts[0].mac.addr_bytes, peer_mac, 6);
	assert_int_equal(nw->facts[0].flags, flags);
}

/*
 * RFC 4861 7.2.3: a solicitation for our address from an address, with a source
 * link-layer option, says the solicitor's MAC (override, not solicited); one without
 * the option, or from :: (duplicate address detection), says nothing.
 */
static void
test_ns_learn(void **state)
{
	uint8_t f[FRAME_MAX];
	struct synq_counters ctr;
	struct fake_mbuf fm;
	struct synq_net_worker nw;
	size_t len;

	(void)state;
	memset(&ctr, 0, sizeof(ctr));
	synq_net_worker_init(&nw, 1000, 0, 1, 0);
	test_nw = &nw;
	len = build_ns(f, NO_VLAN, sn_mac, ip6_peer, ip6_sn_ours, 255, ip6_ours, true);
	assert_true(input_one(&ifc_plain, &ctr, &fm, f, len));
	check_fact6(&nw, ip6_peer, SYNQ_NEIGH_FACT_OVERRIDE);
	len = build_ns(f, NO_VLAN, our_mac, ip6_peer, ip6_ours, 255, ip6_ours, false);
	assert_true(input_one(&ifc_plain, &ctr, &fm, f, len));
	assert_int_equal(nw.nb_facts, 0);
	len = build_ns(f, NO_VLAN, sn_mac, ip6_unspec, ip6_sn_ours, 255, ip6_ours, false);
	assert_true(input_one(&ifc_plain, &ctr, &fm, f, len));
	assert_int_equal(nw.nb_facts, 0);
	test_nw = NULL;
}

/*
 * Neighbour advertisements (RFC 4861 7.1.2, 7.2.5): a valid one leaves its target's
 * MAC with its S and O flags and is dropped, nothing sent; one that breaks 7.1.2 is
 * counted as an error and says nothing.
 */
static void
test_na(void **state)
{
	const uint32_t s_flag = 0x40000000, o_flag = 0x20000000;
	static const uint8_t group_target[16] = {0xff, 0x02, [15] = 0x05};
	uint8_t f[FRAME_MAX];
	uint8_t *ip6 = f + ETH_HLEN;
	struct synq_counters ctr;
	struct fake_mbuf fm;
	struct synq_net_worker nw;
	size_t len;

	(void)state;
	synq_net_worker_init(&nw, 1000, 0, 1, 0);
	test_nw = &nw;
	/* solicited, to us */
	memset(&ctr, 0, sizeof(ctr));
	len = build_na(f, our_mac, ip6_peer, ip6_ours, 255, ip6_peer, s_flag | o_flag, true);
	assert_false(input_one(&ifc_plain, &ctr, &fm, f, len));
	CHECK_CTRS(&ctr, {SYNQ_CTR_RX_FRAMES, 1}, {SYNQ_CTR_IP6_IN_RECEIVES, 1},
		{SYNQ_CTR_ICMP6_IN_MSGS, 1}, {SYNQ_CTR_ICMP6_IN_NEIGHBOR_ADVERTISEMENTS, 1});
	check_fact6(&nw, ip6_peer, SYNQ_NEIGH_FACT_SOLICITED | SYNQ_NEIGH_FACT_OVERRIDE);
	/* unsolicited, to all nodes, without override */
	len = build_na(f, all_nodes_mac, ip6_ll_peer, ip6_all_nodes, 255, ip6_peer, 0, true);
	assert_false(input_one(&ifc_plain, &ctr, &fm, f, len));
	check_fact6(&nw, ip6_peer, 0);
	/* a group as the target's link-layer address: refused here, not posted */
	len = build_na(f, our_mac, ip6_peer, ip6_ours, 255, ip6_peer, o_flag, true);
	memcpy(ip6 + IP6_HLEN + 26, bcast_mac, 6);
	icmp6_fix_cksum(ip6);
	memset(&ctr, 0, sizeof(ctr));
	assert_false(input_one(&ifc_plain, &ctr, &fm, f, len));
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_NEIGH_BAD_MAC), 1);
	assert_int_equal(nw.nb_facts, 0);
	/* no target link-layer option, solicited (a Linux host's answer to a unicast
	 * solicitation): a fact without a MAC, that confirms the one an entry holds */
	len = build_na(f, our_mac, ip6_peer, ip6_ours, 255, ip6_peer, s_flag, false);
	assert_false(input_one(&ifc_plain, &ctr, &fm, f, len));
	assert_int_equal(nw.nb_facts, 1);
	assert_int_equal(nw.facts[0].family, 6);
	assert_memory_equal(nw.facts[0].addr, ip6_peer, 16);
	assert_memory_equal(nw.facts[0].mac.addr_bytes, zero_mac, 6);
	assert_int_equal(nw.facts[0].flags, SYNQ_NEIGH_FACT_SOLICITED | SYNQ_NEIGH_FACT_NO_LLADDR);
	/* nor unsolicited: counted, nothing said */
	len = build_na(f, all_nodes_mac, ip6_ll_peer, ip6_all_nodes, 255, ip6_peer, o_flag, false);
	assert_false(input_one(&ifc_plain, &ctr, &fm, f, len));
	assert_int_equal(nw.nb_facts, 0);

	/* 7.1.2: hop limit 255 */
	len = build_na(f, our_mac, ip6_peer, ip6_ours, 64, ip6_peer, s_flag, true);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP6_IN_ERRORS);
	assert_int_equal(nw.nb_facts, 0);
	/* S set, sent to a group */
	len = build_na(f, all_nodes_mac, ip6_peer, ip6_all_nodes, 255, ip6_peer, s_flag, true);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP6_IN_ERRORS);
	assert_int_equal(nw.nb_facts, 0);
	/* a group as target */
	len = build_na(f, our_mac, ip6_peer, ip6_ours, 255, group_target, o_flag, true);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP6_IN_ERRORS);
	assert_int_equal(nw.nb_facts, 0);
	/* from :: (an advertisement speaks for an address) */
	len = build_na(f, our_mac, ip6_unspec, ip6_ours, 255, ip6_peer, o_flag, true);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP6_IN_ERRORS);
	assert_int_equal(nw.nb_facts, 0);
	/* code 1 */
	len = build_na(f, our_mac, ip6_peer, ip6_ours, 255, ip6_peer, o_flag, true);
	ip6[IP6_HLEN + 1] = 1;
	icmp6_fix_cksum(ip6);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP6_IN_ERRORS);
	/* an option of length 0 */
	len = build_na(f, our_mac, ip6_peer, ip6_ours, 255, ip6_peer, o_flag, true);
	ip6[IP6_HLEN + 25] = 0;
	icmp6_fix_cksum(ip6);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP6_IN_ERRORS);
	/* shorter than 24 bytes */
	len = build_na(f, our_mac, ip6_peer, ip6_ours, 255, ip6_peer, o_flag, false);
	synq_bytes_put16(ip6 + 4, 20);
	icmp6_fix_cksum(ip6);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP6_IN_ERRORS);
	assert_int_equal(nw.nb_facts, 0);
	test_nw = NULL;
}

/*
 * The solicitations the table asks for, on a tagged port: an ARP request broadcast
 * (or unicast to the MAC known) and an NS to the solicited-node group (or unicast),
 * from our address on the target's subnet, with our link-layer address.
 */
static void
test_build_solicit(void **state)
{
	static const uint8_t target6[16] = {
		0x20, 0x01, 0x00, 0x02, [13] = 0xab, [14] = 0xcd, [15] = 0xef};
	static const uint8_t sn_target[16] = {
		0xff, 0x02, [11] = 0x01, [12] = 0xff, [13] = 0xab, [14] = 0xcd, [15] = 0xef};
	static const uint8_t sn_target_mac[6] = {0x33, 0x33, 0xff, 0xab, 0xcd, 0xef};
	struct synq_neigh_solicit sol = {.family = SYNQ_NEIGH_V4};
	struct synq_config_port cp;
	struct fake_mbuf fm;
	struct rte_mbuf *m;
	const uint8_t *p, *a;
	uint8_t *ip6;

	(void)state;
	make_port(&cp, TEST_VLAN);
	cp.ipv4_plen[0] = 24;
	cp.ipv6_plen[0] = 64;
	memcpy(sol.addr, ip_other, 4);
	m = fake_mbuf_set(&fm, "", 0);
	assert_int_equal(synq_net_build_solicit(&ifc_vlan, &cp, &sol, m), 0);
	p = fake_mbuf_data(&fm);
	assert_int_equal(m->data_len, ETH_MIN);
	assert_memory_equal(p, bcast_mac, 6);
	assert_memory_equal(p + 6, our_mac, 6);
	assert_int_equal(synq_bytes_get16(p + 12), ET_VLAN);
	assert_int_equal(synq_bytes_get16(p + 14) & 0xfff, TEST_VLAN);
	assert_int_equal(synq_bytes_get16(p + 16), ET_ARP);
	a = p + ETH_HLEN + VLAN_HLEN;
	assert_int_equal(synq_bytes_get16(a + 6), 1);
	assert_memory_equal(a + 8, our_mac, 6);
	assert_memory_equal(a + 14, ip_ours, 4);
	assert_memory_equal(a + 18, zero_mac, 6);
	assert_memory_equal(a + 24, ip_other, 4);
	/* a probe goes to the MAC known */
	sol.unicast = true;
	memcpy(sol.mac.addr_bytes, peer_mac, 6);
	assert_int_equal(synq_net_build_solicit(&ifc_vlan, &cp, &sol, m), 0);
	assert_memory_equal(fake_mbuf_data(&fm), peer_mac, 6);

	sol = (struct synq_neigh_solicit){.family = SYNQ_NEIGH_V6};
	memcpy(sol.addr, target6, 16);
	assert_int_equal(synq_net_build_solicit(&ifc_vlan, &cp, &sol, m), 0);
	p = fake_mbuf_data(&fm);
	ip6 = fake_mbuf_data(&fm) + ETH_HLEN + VLAN_HLEN;
	assert_int_equal(m->data_len, ETH_HLEN + VLAN_HLEN + IP6_HLEN + 32);
	assert_memory_equal(p, sn_target_mac, 6);
	assert_int_equal(synq_bytes_get16(p + 16), ET_IPV6);
	assert_int_equal(ip6[7], 255);
	assert_memory_equal(ip6 + 8, ip6_ours, 16);
	assert_memory_equal(ip6 + 24, sn_target, 16);
	assert_int_equal(ip6[IP6_HLEN], 135);
	assert_memory_equal(ip6 + IP6_HLEN + 8, target6, 16);
	assert_int_equal(ip6[IP6_HLEN + 24], 1);
	assert_int_equal(ip6[IP6_HLEN + 25], 1);
	assert_memory_equal(ip6 + IP6_HLEN + 26, our_mac, 6);
	assert_int_equal(icmp6_cksum(ip6), 0);
	/* unicast in PROBE */
	sol.unicast = true;
	memcpy(sol.mac.addr_bytes, peer_mac, 6);
	assert_int_equal(synq_net_build_solicit(&ifc_vlan, &cp, &sol, m), 0);
	assert_memory_equal(fake_mbuf_data(&fm), peer_mac, 6);
	assert_memory_equal(ip6 + 24, target6, 16);
	assert_int_equal(icmp6_cksum(ip6), 0);
	/* the source still tentative, or duplicate: no solicitation from it (RFC 4862 5.4) */
	{
		static struct synq_iface_live live;
		struct synq_iface ifc = ifc_vlan;
		int src = synq_route_source(&cp, 6, target6);

		assert_true(src >= 0);
		ifc.live = &live;
		atomic_store(&live.ipv6_state[src], SYNQ_IP6_TENTATIVE);
		assert_int_equal(synq_net_build_solicit(&ifc, &cp, &sol, m), -EADDRNOTAVAIL);
		atomic_store(&live.ipv6_state[src], SYNQ_IP6_DUPLICATE);
		assert_int_equal(synq_net_build_solicit(&ifc, &cp, &sol, m), -EADDRNOTAVAIL);
		atomic_store(&live.ipv6_state[src], SYNQ_IP6_PREFERRED);
		assert_int_equal(synq_net_build_solicit(&ifc, &cp, &sol, m), 0);
	}
	/* a port without an address of the family */
	cp.nb_ipv6 = 0;
	assert_int_equal(synq_net_build_solicit(&ifc_vlan, &cp, &sol, m), -EINVAL);
}

/* What the resolver under test sent: the frames and their ports. */
static struct rte_mbuf *resolver_out[4];
static uint16_t resolver_port[4];
static unsigned int resolver_nb_out;

static void
resolver_tx(void *arg, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	(void)arg;
	for (uint16_t i = 0; i < n; i++) {
		assert_true(resolver_nb_out < RTE_DIM(resolver_out));
		resolver_port[resolver_nb_out] = port;
		resolver_out[resolver_nb_out++] = pkts[i];
	}
}

/* The neighbour table's drops are fake mbufs: nothing to free. */
static void
resolver_free(void *pkt)
{
	(void)pkt;
}

/*
 * synq_net_send_routed() on a tagged port, without EAL (no pool: the solicitation is
 * counted as not sent): queued while the next hop resolves, released by the fact with
 * an 802.1Q header and zero padding; refused without headroom, on a port the worker
 * has no tx queue on, or out another port than the connection's, each counted. A refused fake mbuf starts with a reference more,
 * so that its free only drops that one.
 */
static void
test_send_routed(void **state)
{
	static struct synq_config cfg;
	static struct synq_route_table routes;
	static struct synq_neigh_table neigh;
	static const uint8_t nh[4] = {198, 18, 0, 7};
	struct synq_neigh_fact fact = {.port = 0,
		.family = SYNQ_NEIGH_V4,
		.flags = SYNQ_NEIGH_FACT_SOLICITED | SYNQ_NEIGH_FACT_OVERRIDE};
	struct synq_counters ctr;
	struct synq_net_resolver r;
	struct fake_mbuf fm;
	uint8_t pkt[IP4_HLEN];
	struct rte_mbuf *m;
	const uint8_t *p;

	(void)state;
	memset(&ctr, 0, sizeof(ctr));
	memset(&cfg, 0, sizeof(cfg));
	make_port(&cfg.ports[0], TEST_VLAN);
	cfg.ports[0].ipv4_plen[0] = 24;
	cfg.ports[0].ipv6_plen[0] = 64;
	cfg.nb_ports = 1;
	assert_int_equal(synq_route_build(&routes, &cfg), 0);
	synq_neigh_init(&neigh, &cfg, resolver_free, &ctr);
	r = (struct synq_net_resolver){.neigh = &neigh,
		.routes = &routes,
		.cfg = &cfg,
		.iface = {&ifc_vlan},
		.ctr = &ctr,
		.tx = resolver_tx,
		.now_ms = 1000};
	resolver_nb_out = 0;

	/* an IPv4 header alone, to 198.18.0.7 */
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x45;
	synq_bytes_put16(pkt + 2, IP4_HLEN);
	memcpy(pkt + 12, ip_ours, 4);
	memcpy(pkt + 16, nh, 4);
	m = fake_mbuf_set(&fm, pkt, sizeof(pkt));
	assert_int_equal(synq_net_send_routed(&r, m, 4, nh), 1);
	assert_int_equal(resolver_nb_out, 0);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_NEIGH_SOLICITS), 1);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_NEIGH_SOLICIT_FAILED), 1);

	/* a solicited advertisement without a MAC: nothing for an INCOMPLETE entry */
	memcpy(fact.addr, nh, 4);
	fact.flags = SYNQ_NEIGH_FACT_SOLICITED | SYNQ_NEIGH_FACT_NO_LLADDR;
	assert_int_equal(synq_net_resolve_fact(&r, &fact), 0);
	assert_int_equal(resolver_nb_out, 0);
	assert_int_equal(
		synq_neigh_state(&neigh, 0, SYNQ_NEIGH_V4, (const uint8_t[16]){198, 18, 0, 7}),
		SYNQ_NEIGH_INCOMPLETE);
	fact.flags = SYNQ_NEIGH_FACT_SOLICITED | SYNQ_NEIGH_FACT_OVERRIDE;

	/* the answer: the packet goes, tagged and padded, to the MAC learned */
	memcpy(fact.mac.addr_bytes, peer_mac, 6);
	assert_int_equal(synq_net_resolve_fact(&r, &fact), 1);
	assert_int_equal(resolver_nb_out, 1);
	assert_ptr_equal(resolver_out[0], m);
	assert_int_equal(resolver_port[0], 0);
	p = fake_mbuf_data(&fm);
	assert_int_equal(m->data_len, ETH_MIN);
	assert_int_equal(m->pkt_len, ETH_MIN);
	assert_int_equal(m->l2_len, ETH_HLEN + VLAN_HLEN);
	assert_memory_equal(p, peer_mac, 6);
	assert_memory_equal(p + 6, our_mac, 6);
	assert_int_equal(synq_bytes_get16(p + 12), ET_VLAN);
	assert_int_equal(synq_bytes_get16(p + 14), TEST_VLAN);
	assert_int_equal(synq_bytes_get16(p + 16), ET_IPV4);
	assert_memory_equal(p + ETH_HLEN + VLAN_HLEN, pkt, sizeof(pkt));
	for (unsigned int i = ETH_HLEN + VLAN_HLEN + IP4_HLEN; i < ETH_MIN; i++)
		assert_int_equal(p[i], 0);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ROUTE_OUT), 1);

	/* no headroom for Ethernet and the tag */
	m = fake_mbuf_set(&fm, pkt, sizeof(pkt));
	m->data_off = ETH_HLEN;
	memcpy(fake_mbuf_data(&fm), pkt, sizeof(pkt));
	rte_mbuf_refcnt_set(m, 2);
	assert_int_equal(synq_net_send_routed(&r, m, 4, nh), -EINVAL);
	assert_int_equal(rte_mbuf_refcnt_read(m), 1);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ROUTE_BAD_PACKET), 1);
	/* a connection of another port: its replies would never come back to it */
	m = fake_mbuf_set(&fm, pkt, sizeof(pkt));
	rte_mbuf_refcnt_set(m, 2);
	assert_int_equal(synq_net_send_routed_via(&r, m, 4, nh, &ifc_plain), -EXDEV);
	assert_int_equal(rte_mbuf_refcnt_read(m), 1);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ROUTE_WRONG_PORT), 1);
	assert_int_equal(resolver_nb_out, 1);
	/* ... and its own port: it goes */
	m = fake_mbuf_set(&fm, pkt, sizeof(pkt));
	assert_int_equal(synq_net_send_routed_via(&r, m, 4, nh, &ifc_vlan), 0);
	assert_int_equal(resolver_nb_out, 2);
	resolver_nb_out = 1;
	/* a port this worker does not poll */
	r.iface[0] = NULL;
	m = fake_mbuf_set(&fm, pkt, sizeof(pkt));
	rte_mbuf_refcnt_set(m, 2);
	assert_int_equal(synq_net_send_routed(&r, m, 4, nh), -ENXIO);
	assert_int_equal(rte_mbuf_refcnt_read(m), 1);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ROUTE_NO_TXQ), 1);
	assert_int_equal(synq_net_resolve_fact(&r, &fact), -EINVAL);
	assert_int_equal(resolver_nb_out, 1);
	synq_neigh_flush(&neigh);
}

static void
test_ns_rejected(void **state)
{
	uint8_t f[FRAME_MAX];
	uint8_t *ip6 = f + ETH_HLEN;
	size_t len;

	(void)state;
	/* RFC 4861 7.1.1: hop limit must be 255 */
	len = build_ns(f, NO_VLAN, sn_mac, ip6_peer, ip6_sn_ours, 64, ip6_ours, true);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP6_IN_ERRORS);
	/* code must be 0 */
	len = build_ns(f, NO_VLAN, sn_mac, ip6_peer, ip6_sn_ours, 255, ip6_ours, true);
	ip6[IP6_HLEN + 1] = 1;
	icmp6_fix_cksum(ip6);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP6_IN_ERRORS);
	/* shorter than 24 bytes */
	len = build_ns(f, NO_VLAN, sn_mac, ip6_peer, ip6_sn_ours, 255, ip6_ours, false);
	synq_bytes_put16(ip6 + 4, 20);
	icmp6_fix_cksum(ip6);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP6_IN_ERRORS);
	/* an option of length 0 */
	len = build_ns(f, NO_VLAN, sn_mac, ip6_peer, ip6_sn_ours, 255, ip6_ours, true);
	ip6[IP6_HLEN + 25] = 0;
	icmp6_fix_cksum(ip6);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP6_IN_ERRORS);
	/* an option longer than the message */
	len = build_ns(f, NO_VLAN, sn_mac, ip6_peer, ip6_sn_ours, 255, ip6_ours, true);
	ip6[IP6_HLEN + 25] = 2;
	icmp6_fix_cksum(ip6);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP6_IN_ERRORS);
	/* a multicast target */
	len = build_ns(f, NO_VLAN, sn_mac, ip6_peer, ip6_sn_ours, 255, ip6_all_nodes, true);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP6_IN_ERRORS);
	/* DAD with a source link-layer option */
	len = build_ns(f, NO_VLAN, sn_mac, ip6_unspec, ip6_sn_ours, 255, ip6_ours, true);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP6_IN_ERRORS);
	/* DAD to all-nodes rather than the target's solicited-node group */
	len = build_ns(f, NO_VLAN, all_nodes_mac, ip6_unspec, ip6_all_nodes, 255, ip6_ours, false);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP6_IN_ERRORS);
	/* DAD to a unicast address */
	len = build_ns(f, NO_VLAN, our_mac, ip6_unspec, ip6_ours, 255, ip6_ours, false);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP6_IN_ERRORS);

	/* a target that is not ours, sent to our address: ignored */
	len = build_ns(f, NO_VLAN, our_mac, ip6_peer, ip6_ours, 255, ip6_other, true);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP6_IN_IGNORED);
	/* ... and to its own solicited-node group, which we have not joined */
	len = build_ns(f, NO_VLAN, sn_mac, ip6_peer, ip6_sn_other, 255, ip6_other, true);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_IP6_IN_ADDR_ERRORS);
	/* a target that is not ours in our solicited-node group (same low 24 bits) */
	{
		static const uint8_t tgt[16] = {0x20, 0x01, 0x00, 0x03, [15] = 0x01};

		len = build_ns(f, NO_VLAN, sn_mac, ip6_peer, ip6_sn_ours, 255, tgt, true);
		expect_drop(&ifc_plain, f, len, SYNQ_CTR_ICMP6_IN_IGNORED);
	}
}

/* --- Ethernet and VLAN ---------------------------------------------------------- */

static void
test_eth_drops(void **state)
{
	uint8_t f[FRAME_MAX];
	struct synq_counters ctr;
	struct fake_mbuf fm;
	size_t len;

	(void)state;
	len = build_arp_request(f, NO_VLAN, ip_ours);
	expect_drop(&ifc_plain, f, 10, SYNQ_CTR_DROP_RUNT);
	expect_drop(&ifc_plain, f, 0, SYNQ_CTR_DROP_RUNT);
	expect_drop(&ifc_plain, f, ETH_HLEN - 1, SYNQ_CTR_DROP_RUNT);

	memset(&ctr, 0, sizeof(ctr));
	assert_false(input_one(&ifc_plain, &ctr, &fm, f, 10));
	CHECK_CTRS(&ctr, {SYNQ_CTR_RX_FRAMES, 1}, {SYNQ_CTR_DROP_RUNT, 1});

	/* unicast for another MAC: even an ARP request for our address */
	len = build_arp_request(f, NO_VLAN, ip_ours);
	memcpy(f, other_mac, 6);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_DROP_OTHER_HOST);
	len = build_echo4(f, NO_VLAN, ip_ours, 8);
	memcpy(f, other_mac, 6);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_DROP_OTHER_HOST);

	/* LLDP */
	len = put_eth(f, FRAME_MAX, our_mac, peer_mac, NO_VLAN, ET_LLDP);
	memset(f + len, 0, 46);
	expect_drop(&ifc_plain, f, len + 46, SYNQ_CTR_DROP_ETHERTYPE);

	/* tagged frames on the untagged port, with id 100 or the priority tag 0 */
	len = build_arp_request(f, TEST_VLAN, ip_ours);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_DROP_VLAN);
	len = build_arp_request(f, 0, ip_ours);
	expect_drop(&ifc_plain, f, len, SYNQ_CTR_DROP_VLAN);
	/* a tag cut short */
	expect_drop(&ifc_vlan, f, ETH_HLEN + 2, SYNQ_CTR_DROP_RUNT);
}

static void
test_vlan_iface(void **state)
{
	uint8_t f[FRAME_MAX];
	struct synq_counters ctr;
	struct fake_mbuf fm;
	const uint8_t *r;
	size_t len;

	(void)state;
	memset(&ctr, 0, sizeof(ctr));
	len = build_arp_request(f, TEST_VLAN, ip_ours);
	assert_int_equal(len, 46);
	assert_true(input_one(&ifc_vlan, &ctr, &fm, f, len));
	r = fake_mbuf_data(&fm);
	assert_int_equal(reply_len(&fm), ETH_MIN);
	assert_memory_equal(r, peer_mac, 6);
	assert_memory_equal(r + 6, our_mac, 6);
	assert_int_equal(synq_bytes_get16(r + 12), ET_VLAN);
	assert_int_equal(synq_bytes_get16(r + 14) & 0x0fff, TEST_VLAN);
	assert_int_equal(synq_bytes_get16(r + 16), ET_ARP);
	check_arp_reply(r + ETH_HLEN + VLAN_HLEN);
	for (size_t i = ETH_HLEN + VLAN_HLEN + ARP_LEN; i < ETH_MIN; i++)
		assert_int_equal(r[i], 0);
	CHECK_CTRS(&ctr, {SYNQ_CTR_RX_FRAMES, 1}, {SYNQ_CTR_ARP_IN_REQUESTS, 1},
		{SYNQ_CTR_ARP_OUT_REPLIES, 1});

	/* priority bits in the tag: still ours, and the tag is sent back as it came */
	len = build_arp_request(f, (5 << 13) | TEST_VLAN, ip_ours);
	assert_true(input_one(&ifc_vlan, &ctr, &fm, f, len));
	assert_int_equal(synq_bytes_get16(fake_mbuf_data(&fm) + 14), (5 << 13) | TEST_VLAN);

	/* echo over the tagged port */
	len = build_echo4(f, TEST_VLAN, ip_ours, 24);
	assert_true(input_one(&ifc_vlan, &ctr, &fm, f, len));
	r = fake_mbuf_data(&fm);
	assert_int_equal(reply_len(&fm), len);
	assert_int_equal(synq_bytes_get16(r + 14), TEST_VLAN);
	assert_int_equal(synq_frame_cksum(r + 18, IP4_HLEN), 0);
	assert_int_equal(synq_frame_cksum(r + 18 + IP4_HLEN, ICMP_HLEN + 24), 0);
	assert_int_equal(r[18 + IP4_HLEN], 0);

	/* neighbour solicitation over the tagged port */
	len = build_ns(f, TEST_VLAN, sn_mac, ip6_peer, ip6_sn_ours, 255, ip6_ours, true);
	assert_true(input_one(&ifc_vlan, &ctr, &fm, f, len));
	r = fake_mbuf_data(&fm);
	assert_int_equal(reply_len(&fm), ETH_HLEN + VLAN_HLEN + IP6_HLEN + 32);
	assert_int_equal(synq_bytes_get16(r + 14), TEST_VLAN);
	assert_int_equal(synq_bytes_get16(r + 16), ET_IPV6);
	assert_int_equal(r[18 + IP6_HLEN], 136);
	assert_int_equal(icmp6_cksum(r + 18), 0);

	/* another id, no tag */
	len = build_arp_request(f, 101, ip_ours);
	expect_drop(&ifc_vlan, f, len, SYNQ_CTR_DROP_VLAN);
	len = build_arp_request(f, NO_VLAN, ip_ours);
	expect_drop(&ifc_vlan, f, len, SYNQ_CTR_DROP_VLAN);
	/* the DEI bit is not part of the id */
	len = build_arp_request(f, 0x1000 | TEST_VLAN, ip_ours);
	assert_true(input_one(&ifc_vlan, &ctr, &fm, f, len));
	assert_int_equal(synq_bytes_get16(fake_mbuf_data(&fm) + 14), 0x1000 | TEST_VLAN);
	len = build_arp_request(f, 0x1000 | 101, ip_ours);
	expect_drop(&ifc_vlan, f, len, SYNQ_CTR_DROP_VLAN);
}

/* --- bursts --------------------------------------------------------------------- */

static void
test_burst(void **state)
{
	enum { N = 9 };
	static struct fake_mbuf fms[N];
	uint8_t f[FRAME_MAX];
	struct synq_counters ctr;
	struct rte_mbuf *pkts[N], *tx[N], *drop[N];
	const bool answered[N] = {true, false, true, false, false, true, false, true, true};
	uint16_t nb_tx, nb_drop = 0;
	unsigned int ti = 0, di = 0;
	size_t len;

	(void)state;
	len = build_arp_request(f, NO_VLAN, ip_ours);
	pkts[0] = fake_mbuf_set(&fms[0], f, (uint16_t)len);
	len = build_arp_request(f, NO_VLAN, ip_other);
	pkts[1] = fake_mbuf_set(&fms[1], f, (uint16_t)len);
	len = build_echo4(f, NO_VLAN, ip_ours, 16);
	pkts[2] = fake_mbuf_set(&fms[2], f, (uint16_t)len);
	pkts[3] = fake_mbuf_set(&fms[3], f, 10);
	memcpy(f, other_mac, 6);
	pkts[4] = fake_mbuf_set(&fms[4], f, (uint16_t)len);
	len = build_ns(f, NO_VLAN, sn_mac, ip6_peer, ip6_sn_ours, 255, ip6_ours, true);
	pkts[5] = fake_mbuf_set(&fms[5], f, (uint16_t)len);
	len = build_echo4(f, NO_VLAN, ip_ours, 16);
	f[ETH_HLEN + 9] = 17;
	synq_frame_fix_ip4(f + ETH_HLEN);
	pkts[6] = fake_mbuf_set(&fms[6], f, (uint16_t)len);
	len = build_echo6(f, ip6_ours);
	pkts[7] = fake_mbuf_set(&fms[7], f, (uint16_t)len);
	len = build_echo4(f, NO_VLAN, ip_ours, 1);
	pkts[8] = fake_mbuf_set(&fms[8], f, (uint16_t)len);

	memset(&ctr, 0, sizeof(ctr));
	memset(tx, 0, sizeof(tx));
	memset(drop, 0, sizeof(drop));
	nb_tx = synq_net_input(&ifc_plain, &ctr, NULL, NULL, 0, pkts, N, tx, drop, &nb_drop);
	assert_int_equal(nb_tx, 5);
	assert_int_equal(nb_drop, 4);
	/* in order, each frame in exactly one array */
	for (unsigned int i = 0; i < N; i++) {
		if (answered[i])
			assert_ptr_equal(tx[ti++], pkts[i]);
		else
			assert_ptr_equal(drop[di++], pkts[i]);
	}
	assert_int_equal(ti, nb_tx);
	assert_int_equal(di, nb_drop);
	check_accounting(&ctr, nb_tx, nb_drop);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_RX_FRAMES), N);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ARP_OUT_REPLIES), 1);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ICMP_OUT_ECHO_REPS), 2);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ICMP6_OUT_ECHO_REPLIES), 1);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ICMP6_OUT_NEIGHBOR_ADVERTISEMENTS), 1);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_DROP_RUNT), 1);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_DROP_OTHER_HOST), 1);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ARP_DROP_NOT_OURS), 1);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_IP_IN_UNKNOWN_PROTOS), 1);
	/* f still holds the last request */
	check_echo4_reply(fake_mbuf_data(&fms[8]), reply_len(&fms[8]), f, IP4_HLEN);

	/* an empty burst touches nothing */
	memset(&ctr, 0, sizeof(ctr));
	nb_drop = 77;
	assert_int_equal(
		synq_net_input(&ifc_plain, &ctr, NULL, NULL, 0, pkts, 0, tx, drop, &nb_drop), 0);
	assert_int_equal(nb_drop, 0);
	CHECK_CTRS(&ctr, {SYNQ_CTR_RX_FRAMES, 0});
}

/* --- gratuitous ARP ------------------------------------------------------------- */

static void
check_garp(const uint8_t *r, size_t l2)
{
	const uint8_t *a = r + l2;

	assert_memory_equal(r, bcast_mac, 6);
	assert_memory_equal(r + 6, our_mac, 6);
	assert_int_equal(synq_bytes_get16(r + l2 - 2), ET_ARP);
	check_arp(a, 1, our_mac, ip_ours, zero_mac, ip_ours);
	for (size_t i = l2 + ARP_LEN; i < ETH_MIN; i++)
		assert_int_equal(r[i], 0);
}

static void
test_garp(void **state)
{
	uint8_t junk[FRAME_MAX];
	struct fake_mbuf fm;
	struct rte_mbuf *m;
	const uint8_t *r;

	(void)state;
	memset(junk, 0xaa, sizeof(junk));
	/* an empty mbuf over a buffer full of junk */
	m = fake_mbuf_set(&fm, junk, sizeof(junk));
	m->data_len = 0;
	m->pkt_len = 0;
	m->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	assert_int_equal(synq_net_build_garp(&ifc_plain, 0, m), 0);
	assert_int_equal(reply_len(&fm), ETH_MIN);
	assert_int_equal(m->ol_flags, 0);
	r = fake_mbuf_data(&fm);
	check_garp(r, ETH_HLEN);

	m = fake_mbuf_set(&fm, junk, sizeof(junk));
	m->data_len = 0;
	m->pkt_len = 0;
	assert_int_equal(synq_net_build_garp(&ifc_vlan, 0, m), 0);
	assert_int_equal(reply_len(&fm), ETH_MIN);
	r = fake_mbuf_data(&fm);
	assert_int_equal(synq_bytes_get16(r + 12), ET_VLAN);
	assert_int_equal(synq_bytes_get16(r + 14), TEST_VLAN);
	check_garp(r, ETH_HLEN + VLAN_HLEN);

	/* bad index, mbuf too small */
	m = fake_mbuf_set(&fm, junk, 0);
	assert_int_equal(synq_net_build_garp(&ifc_plain, 1, m), -EINVAL);
	m->buf_len = m->data_off + ETH_MIN - 1;
	assert_int_equal(synq_net_build_garp(&ifc_plain, 0, m), -ENOSPC);
	m->buf_len = m->data_off + ETH_MIN;
	assert_int_equal(synq_net_build_garp(&ifc_plain, 0, m), 0);
}

/* Replies need room: an mbuf that cannot hold the padded reply is dropped, counted. */
static void
test_no_room(void **state)
{
	uint8_t f[FRAME_MAX];
	struct synq_counters ctr;
	struct fake_mbuf fm;
	struct rte_mbuf *m;
	size_t len;

	(void)state;
	memset(&ctr, 0, sizeof(ctr));
	len = build_arp_request(f, NO_VLAN, ip_ours);
	m = fake_mbuf_set(&fm, f, (uint16_t)len);
	m->buf_len = (uint16_t)(m->data_off + len);
	assert_false(input_mbuf(&ifc_plain, &ctr, m));
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ARP_DROP_MALFORMED), 1);

	len = build_ns(f, NO_VLAN, sn_mac, ip6_peer, ip6_sn_ours, 255, ip6_ours, false);
	m = fake_mbuf_set(&fm, f, (uint16_t)len);
	m->buf_len = (uint16_t)(m->data_off + len);
	assert_false(input_mbuf(&ifc_plain, &ctr, m));
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ICMP6_IN_ERRORS), 1);
	check_accounting(&ctr, 0, 2);
}

/* --- fuzz ----------------------------------------------------------------------- */

#define CANARY 0xa5

/* Whatever was answered must be a well-formed reply from us. */
static void
check_any_reply(const struct synq_iface *ifc, const uint8_t *r, size_t rlen)
{
	size_t l2 = ifc->vlan != 0 ? ETH_HLEN + VLAN_HLEN : ETH_HLEN;
	uint16_t type = synq_bytes_get16(r + l2 - 2);
	const uint8_t *l3 = r + l2;

	assert_true(rlen >= ETH_MIN);
	assert_memory_equal(r + 6, our_mac, 6);
	if (ifc->vlan != 0) {
		assert_int_equal(synq_bytes_get16(r + 12), ET_VLAN);
		assert_int_equal(synq_bytes_get16(r + 14) & 0x0fff, ifc->vlan);
	}
	switch (type) {
	case ET_ARP:
		assert_int_equal(synq_bytes_get16(l3 + 6), 2);
		assert_memory_equal(l3 + 8, our_mac, 6);
		assert_memory_equal(l3 + 14, ip_ours, 4);
		break;
	case ET_IPV4: {
		size_t hlen = (size_t)(l3[0] & 0x0f) * 4;
		uint16_t tot = synq_bytes_get16(l3 + 2);

		assert_true(hlen >= IP4_HLEN && hlen <= tot);
		assert_true(l2 + tot <= rlen);
		assert_memory_equal(l3 + 12, ip_ours, 4);
		assert_int_equal(synq_frame_cksum(l3, hlen), 0);
		assert_int_equal(l3[hlen], 0);
		assert_int_equal(synq_frame_cksum(l3 + hlen, tot - hlen), 0);
		break;
	}
	case ET_IPV6:
		assert_int_equal(l3[6], 58);
		assert_true(synq_iface_has_ipv6(ifc, l3 + 8));
		assert_true(l2 + IP6_HLEN + synq_bytes_get16(l3 + 4) <= rlen);
		assert_true(l3[IP6_HLEN] == 129 || l3[IP6_HLEN] == 136);
		assert_int_equal(icmp6_cksum(l3), 0);
		break;
	default:
		fail_msg("reply with ethertype %#x", type);
	}
}

/* Feed one fuzz frame; check that nothing outside the frame or the reply was written. */
static bool
fuzz_one(const struct synq_iface *ifc, struct synq_counters *ctr, const uint8_t *f, size_t len)
{
	static struct fake_mbuf fm;
	bool answered;
	size_t end;

	fake_mbuf_set(&fm, f, (uint16_t)len);
	memset(fm.buf, CANARY, FAKE_MBUF_HEADROOM);
	memset(fm.buf + FAKE_MBUF_HEADROOM + len, CANARY, FAKE_MBUF_ROOM - len);
	answered = input_mbuf(ifc, ctr, &fm.m);
	assert_int_equal(fm.m.data_off, FAKE_MBUF_HEADROOM);
	assert_ptr_equal(fm.m.buf_addr, fm.buf);
	if (answered) {
		check_any_reply(ifc, fake_mbuf_data(&fm), reply_len(&fm));
		end = RTE_MAX(len, (size_t)fm.m.data_len);
	} else {
		assert_int_equal(fm.m.data_len, len);
		assert_memory_equal(fake_mbuf_data(&fm), f, len);
		end = len;
	}
	for (size_t i = 0; i < FAKE_MBUF_HEADROOM; i++)
		assert_int_equal(fm.buf[i], CANARY);
	for (size_t i = FAKE_MBUF_HEADROOM + end; i < sizeof(fm.buf); i++)
		assert_int_equal(fm.buf[i], CANARY);
	return answered;
}

static void
test_fuzz_random(void **state)
{
	static const uint16_t types[] = {ET_ARP, ET_IPV4, ET_IPV6};
	uint8_t f[FRAME_MAX];
	uint8_t hdr[ETH_HLEN];
	struct synq_counters ctr;
	uint64_t nb_tx = 0;

	(void)state;
	srand(20221122);
	memset(&ctr, 0, sizeof(ctr));
	for (unsigned int i = 0; i < 2000; i++) {
		size_t len = (size_t)(rand() % 201);

		for (size_t j = 0; j < len; j++)
			f[j] = (uint8_t)rand();
		/* the Ethernet header, or as much of it as fits */
		put_eth(hdr, sizeof(hdr), our_mac, peer_mac, NO_VLAN, types[rand() % 3]);
		memcpy(f, hdr, RTE_MIN(len, sizeof(hdr)));
		nb_tx += fuzz_one(&ifc_plain, &ctr, f, len);
	}
	check_accounting(&ctr, nb_tx, 2000 - nb_tx);
}

/*
 * Valid requests with a few random bytes changed, cut at random, or both: reaches
 * further in than random bytes, which seldom pass a checksum. Some keep their
 * checksums fixed up after the change.
 */
static void
test_fuzz_mutate(void **state)
{
	uint8_t f[FRAME_MAX];
	struct synq_counters ctr;
	uint64_t nb_tx = 0;
	unsigned int n = 0;

	(void)state;
	srand(1122);
	memset(&ctr, 0, sizeof(ctr));
	for (unsigned int i = 0; i < 4000; i++) {
		const struct synq_iface *ifc = (i & 1) ? &ifc_vlan : &ifc_plain;
		int vlan = (i & 1) ? TEST_VLAN : NO_VLAN;
		size_t l2 = (i & 1) ? ETH_HLEN + VLAN_HLEN : ETH_HLEN;
		unsigned int kind = (unsigned int)rand() % 5;
		size_t len;

		memset(f, 0, sizeof(f));
		switch (kind) {
		case 0:
			len = build_arp_request(f, vlan, ip_ours);
			break;
		case 1:
			len = build_echo4(f, vlan, ip_ours, (size_t)(rand() % 120));
			break;
		case 2:
			len = build_ns(
				f, vlan, sn_mac, ip6_peer, ip6_sn_ours, 255, ip6_ours, rand() & 1);
			break;
		case 3:
			len = build_ns(
				f, vlan, sn_mac, ip6_unspec, ip6_sn_ours, 255, ip6_ll_ours, false);
			break;
		default: {
			uint8_t msg[ICMP_HLEN + 64] = {128, 0};
			uint16_t plen = (uint16_t)(ICMP_HLEN + rand() % 64);

			len = build_icmp6(f, vlan, our_mac, ip6_peer, ip6_ours, 64, msg, plen);
			break;
		}
		}
		/* change 1 to 3 bytes past the Ethernet header, inside or after the frame */
		for (int k = rand() % 4; k > 0; k--) {
			size_t at = l2 + (size_t)rand() % (len + 16 - l2);

			f[at] = (uint8_t)rand();
		}
		if (rand() % 4 == 0) {
			/* fix the checksums up, so the change reaches the checks behind them */
			if (kind == 1 && (f[l2] >> 4) == 4) {
				size_t tot = synq_bytes_get16(f + l2 + 2);

				synq_frame_fix_ip4(f + l2);
				if ((size_t)(f[l2] & 0x0f) * 4 + 4 <= tot && tot <= len - l2)
					icmp4_fix_cksum(f + l2);
			} else if (kind >= 2 &&
				synq_bytes_get16(f + l2 + 4) <= len - l2 - IP6_HLEN) {
				icmp6_fix_cksum(f + l2);
			}
		}
		if (rand() % 4 == 0)
			len = (size_t)rand() % (len + 1);
		else if (rand() % 8 == 0)
			len += (size_t)rand() % 16;
		nb_tx += fuzz_one(ifc, &ctr, f, len);
		n++;
	}
	check_accounting(&ctr, nb_tx, n - nb_tx);
	/* the mutations leave many frames valid: the answering paths ran too */
	assert_true(nb_tx > n / 10);
	assert_true(synq_counter_read(&ctr, SYNQ_CTR_ARP_OUT_REPLIES) > 0);
	assert_true(synq_counter_read(&ctr, SYNQ_CTR_ICMP_OUT_ECHO_REPS) > 0);
	assert_true(synq_counter_read(&ctr, SYNQ_CTR_ICMP6_OUT_ECHO_REPLIES) > 0);
	assert_true(synq_counter_read(&ctr, SYNQ_CTR_ICMP6_OUT_NEIGHBOR_ADVERTISEMENTS) > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cksum),
		cmocka_unit_test(test_iface_init),
		cmocka_unit_test(test_arp_request),
		cmocka_unit_test(test_arp_request_padded),
		cmocka_unit_test(test_arp_not_ours),
		cmocka_unit_test(test_arp_reply_dropped),
		cmocka_unit_test(test_arp_malformed),
		cmocka_unit_test(test_ns_learn),
		cmocka_unit_test(test_na),
		cmocka_unit_test(test_build_solicit),
		cmocka_unit_test(test_send_routed),
		cmocka_unit_test(test_icmp_echo),
		cmocka_unit_test(test_icmp_echo_shapes),
		cmocka_unit_test(test_icmp_echo_padding),
		cmocka_unit_test(test_ip_bad_cksum),
		cmocka_unit_test(test_icmp_bad_cksum),
		cmocka_unit_test(test_ip_hdr_errors),
		cmocka_unit_test(test_ip_fragment),
		cmocka_unit_test(test_ip_addr_and_proto),
		cmocka_unit_test(test_ip_cksum_offload),
		cmocka_unit_test(test_martian_sources),
		cmocka_unit_test(test_syn_answered),
		cmocka_unit_test(test_src_mac_invalid),
		cmocka_unit_test(test_echo_rate_limit),
		cmocka_unit_test(test_unicast_in_l2_group),
		cmocka_unit_test(test_unwritable_mbuf),
		cmocka_unit_test(test_icmp6_echo),
		cmocka_unit_test(test_icmp6_errors),
		cmocka_unit_test(test_ns),
		cmocka_unit_test(test_ns_variants),
		cmocka_unit_test(test_ns_rejected),
		cmocka_unit_test(test_eth_drops),
		cmocka_unit_test(test_vlan_iface),
		cmocka_unit_test(test_burst),
		cmocka_unit_test(test_garp),
		cmocka_unit_test(test_no_room),
		cmocka_unit_test(test_fuzz_random),
		cmocka_unit_test(test_fuzz_mutate),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
