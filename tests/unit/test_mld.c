/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of IPv6 as a host (lib/net/mld.c): the MLDv2 report and the duplicate
 * address detection probe read back byte by byte (checksums with the tests' own sum,
 * tests/lib), MLD queries answered or refused (RFC 3810 5.1.14) and their budget,
 * tentative addresses left unanswered, an advertisement or another node's probe
 * making one duplicate, the end of detection. Fake mbufs, no EAL.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fake_mbuf.h"
#include "synq_config.h"
#include "synq_frame.h"
#include "synq_iface.h"
#include "synq_net.h"
#include "synq_stats.h"

#define ETH_HLEN 14
#define VLAN_HLEN 4
#define IP6_HLEN 40
#define HBH_LEN 8
#define REC_LEN 20
#define FRAME_MAX 256
#define HZ 1000000u /* the test's TSC: a microsecond a cycle */

static const uint8_t our_mac[6] = {0x02, 0x53, 0x51, 0x00, 0x00, 0x01};
static const uint8_t peer_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0a};
static const uint8_t mld_mac[6] = {0x33, 0x33, 0, 0, 0, 0x16};
static const uint8_t all_nodes_mac[6] = {0x33, 0x33, 0, 0, 0, 0x01};

/* 2001:2::1 and 2001:2::5:0:77 (another solicited-node group), then fe80::53:51ff:fe00:1 */
static const uint8_t ip6_a[16] = {0x20, 0x01, 0x00, 0x02, [15] = 0x01};
static const uint8_t ip6_b[16] = {0x20, 0x01, 0x00, 0x02, [11] = 0x05, [15] = 0x77};
static const uint8_t ip6_ll[16] = {
	0xfe, 0x80, [9] = 0x53, [10] = 0x51, [11] = 0xff, [12] = 0xfe, [15] = 0x01};
static const uint8_t ip6_peer[16] = {0x20, 0x01, 0x00, 0x02, [15] = 0x02};
static const uint8_t ip6_ll_peer[16] = {0xfe, 0x80, [15] = 0x02};
static const uint8_t unspec[16];
static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 0x01};
static const uint8_t all_mld_routers[16] = {0xff, 0x02, [15] = 0x16};
static const uint8_t sn_b[16] = {0xff, 0x02, [11] = 0x01, [12] = 0xff, [15] = 0x77};
static const uint8_t sn_other[16] = {0xff, 0x02, [11] = 0x01, [12] = 0xff, [15] = 0x99};

static struct synq_iface ifc;
static struct synq_iface_live live;
static struct synq_net_worker nw;
static struct synq_counters ctr;

/* The port: untagged or 802.1Q @p vlan, 2001:2::1 and 2001:2::5:0:77, DAD @p dad. */
static void
make_iface(uint16_t vlan, bool with_live, bool dad)
{
	struct synq_config_port cp;

	memset(&cp, 0, sizeof(cp));
	memcpy(cp.mac.addr_bytes, our_mac, 6);
	cp.vlan = vlan;
	memcpy(cp.ipv6[0], ip6_a, 16);
	memcpy(cp.ipv6[1], ip6_b, 16);
	cp.nb_ipv6 = 2;
	synq_iface_init(&ifc, 0, &cp, &cp.mac);
	assert_memory_equal(ifc.ipv6[2], ip6_ll, 16);
	if (with_live)
		synq_iface_live_init(&ifc, &live, dad);
	memset(&ctr, 0, sizeof(ctr));
	synq_net_worker_init(&nw, HZ, 0, 1, 5 * HZ);
}

static uint8_t
state_of(unsigned int i)
{
	return synq_iface_ipv6_state(&ifc, i);
}

/* The ICMPv6 message at @p icmp (@p len bytes) after the IPv6 header at @p ip6 sums right. */
static void
check_cksum(const uint8_t *ip6, const uint8_t *icmp, uint16_t len)
{
	uint32_t sum = synq_frame_phdr6(ip6, 58, len);

	assert_int_equal(synq_frame_cksum_fold(synq_frame_cksum_add(sum, icmp, len)), 0);
}

/* An empty fake mbuf over junk. */
static struct rte_mbuf *
empty_mbuf(struct fake_mbuf *fm)
{
	uint8_t junk[FRAME_MAX];
	struct rte_mbuf *m;

	memset(junk, 0xaa, sizeof(junk));
	m = fake_mbuf_set(fm, junk, sizeof(junk));
	m->data_len = 0;
	m->pkt_len = 0;
	return m;
}

/*
 * The report at @p r (@p l2 bytes of L2 header, @p len in all): from @p src, to
 * ff02::16 with hop limit 1, Hop-by-Hop with Router Alert, @p nb records of @p type
 * for @p groups; the checksum right over the pseudo-header.
 */
static void
check_report(const uint8_t *r, size_t l2, uint16_t len, const uint8_t src[16], uint8_t type,
	const uint8_t (*groups)[16], unsigned int nb)
{
	const uint8_t *ip6 = r + l2;
	const uint8_t *hbh = ip6 + IP6_HLEN;
	const uint8_t *icmp = hbh + HBH_LEN;
	const uint16_t icmp_len = (uint16_t)(8 + nb * REC_LEN);

	assert_memory_equal(r, mld_mac, 6);
	assert_memory_equal(r + 6, our_mac, 6);
	assert_int_equal(synq_bytes_get16(r + l2 - 2), 0x86dd);
	assert_int_equal(len, l2 + IP6_HLEN + HBH_LEN + icmp_len);
	assert_int_equal(ip6[0] >> 4, 6);
	assert_int_equal(synq_bytes_get16(ip6 + 4), HBH_LEN + icmp_len);
	assert_int_equal(ip6[6], 0); /* next header: Hop-by-Hop */
	assert_int_equal(ip6[7], 1); /* hop limit */
	assert_memory_equal(ip6 + 8, src, 16);
	assert_memory_equal(ip6 + 24, all_mld_routers, 16);
	/* ICMPv6 next, 8 bytes, Router Alert (type 5, length 2, value 0: MLD), PadN */
	assert_int_equal(hbh[0], 58);
	assert_int_equal(hbh[1], 0);
	assert_int_equal(hbh[2], 5);
	assert_int_equal(hbh[3], 2);
	assert_int_equal(synq_bytes_get16(hbh + 4), 0);
	assert_int_equal(hbh[6], 1);
	assert_int_equal(hbh[7], 0);
	assert_int_equal(icmp[0], 143);
	assert_int_equal(icmp[1], 0);
	assert_int_equal(synq_bytes_get16(icmp + 4), 0);
	assert_int_equal(synq_bytes_get16(icmp + 6), nb);
	for (unsigned int i = 0; i < nb; i++) {
		const uint8_t *rec = icmp + 8 + i * REC_LEN;

		assert_int_equal(rec[0], type);
		assert_int_equal(rec[1], 0);
		assert_int_equal(synq_bytes_get16(rec + 2), 0);
		assert_memory_equal(rec + 4, groups[i], 16);
	}
	check_cksum(ip6, icmp, icmp_len);
}

static void
test_report_bytes(void **state)
{
	const uint8_t groups[2][16] = {
		{0xff, 0x02, [11] = 0x01, [12] = 0xff, [15] = 0x01},
		{0xff, 0x02, [11] = 0x01, [12] = 0xff, [15] = 0x77},
	};
	struct fake_mbuf fm;
	struct rte_mbuf *m;

	(void)state;
	/* all preferred: from the link-local address; 2001:2::1 and the link-local share
	 * ff02::1:ff00:1, one record */
	make_iface(0, false, false);
	m = empty_mbuf(&fm);
	m->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	assert_int_equal(synq_net_build_mld_report(&ifc, true, m), 0);
	assert_int_equal(m->data_len, m->pkt_len);
	assert_int_equal(m->ol_flags, 0);
	check_report(fake_mbuf_data(&fm), ETH_HLEN, m->data_len, ip6_ll, 4, groups, 2);
	/* an answer to a query: MODE_IS_EXCLUDE */
	m = empty_mbuf(&fm);
	assert_int_equal(synq_net_build_mld_report(&ifc, false, m), 0);
	check_report(fake_mbuf_data(&fm), ETH_HLEN, m->data_len, ip6_ll, 2, groups, 2);
	/* 802.1Q */
	make_iface(100, false, false);
	m = empty_mbuf(&fm);
	assert_int_equal(synq_net_build_mld_report(&ifc, true, m), 0);
	assert_int_equal(synq_bytes_get16(fake_mbuf_data(&fm) + 12), 0x8100);
	assert_int_equal(synq_bytes_get16(fake_mbuf_data(&fm) + 14), 100);
	check_report(fake_mbuf_data(&fm), ETH_HLEN + VLAN_HLEN, m->data_len, ip6_ll, 4, groups, 2);
	/* too small */
	m = empty_mbuf(&fm);
	m->buf_len = m->data_off + ETH_HLEN + IP6_HLEN + HBH_LEN + 8 + 2 * REC_LEN - 1;
	assert_int_equal(synq_net_build_mld_report(&ifc, true, m), -ENOSPC);
}

/* RFC 3810 5.2.13: from :: while the link-local address is tentative; no duplicate's group. */
static void
test_report_while_tentative(void **state)
{
	const uint8_t groups[1][16] = {{0xff, 0x02, [11] = 0x01, [12] = 0xff, [15] = 0x01}};
	struct fake_mbuf fm;
	struct rte_mbuf *m;

	(void)state;
	make_iface(0, true, true);
	atomic_store(&live.ipv6_state[1], SYNQ_IP6_DUPLICATE);
	m = empty_mbuf(&fm);
	assert_int_equal(synq_net_build_mld_report(&ifc, true, m), 0);
	check_report(fake_mbuf_data(&fm), ETH_HLEN, m->data_len, unspec, 4, groups, 1);
}

static void
test_dad_ns_bytes(void **state)
{
	const uint8_t sn_mac_b[6] = {0x33, 0x33, 0xff, 0x00, 0x00, 0x77};
	struct fake_mbuf fm;
	struct rte_mbuf *m;
	const uint8_t *r, *ip6;

	(void)state;
	make_iface(0, true, true);
	m = empty_mbuf(&fm);
	assert_int_equal(synq_net_build_dad_ns(&ifc, 1, m), 0);
	r = fake_mbuf_data(&fm);
	ip6 = r + ETH_HLEN;
	assert_int_equal(m->data_len, ETH_HLEN + IP6_HLEN + 24);
	assert_memory_equal(r, sn_mac_b, 6);
	assert_memory_equal(r + 6, our_mac, 6);
	assert_int_equal(synq_bytes_get16(r + 12), 0x86dd);
	assert_int_equal(synq_bytes_get16(ip6 + 4), 24); /* no option: no source link-layer */
	assert_int_equal(ip6[6], 58);
	assert_int_equal(ip6[7], 255);
	assert_memory_equal(ip6 + 8, unspec, 16);
	assert_memory_equal(ip6 + 24, sn_b, 16);
	assert_int_equal(ip6[40], 135);
	assert_int_equal(ip6[41], 0);
	assert_int_equal(synq_bytes_get32(ip6 + 44), 0);
	assert_memory_equal(ip6 + 48, ip6_b, 16);
	check_cksum(ip6, ip6 + 40, 24);
	assert_int_equal(synq_net_build_dad_ns(&ifc, 3, m), -EINVAL);
	m = empty_mbuf(&fm);
	m->buf_len = m->data_off + ETH_HLEN + IP6_HLEN + 23;
	assert_int_equal(synq_net_build_dad_ns(&ifc, 0, m), -ENOSPC);
}

/* --- input ------------------------------------------------------------------------- */

/* Hand @p len bytes at @p frame to the handler; true when answered (then in @p fm). */
static bool
feed(struct fake_mbuf *fm, const uint8_t *frame, size_t len)
{
	struct rte_mbuf *pkts[1] = {fake_mbuf_set(fm, frame, (uint16_t)len)};
	struct rte_mbuf *tx[1], *drop[1];
	uint16_t nb_drop;

	return synq_net_input(&ifc, &ctr, &nw, NULL, 0, pkts, 1, tx, drop, &nb_drop) == 1;
}

/* Ethernet and an IPv6 header, next header @p nh, @p plen bytes of payload to follow. */
static size_t
put_ip6(uint8_t *p, const uint8_t eth_dst[6], const uint8_t src[16], const uint8_t dst[16],
	uint8_t nh, uint8_t hlim, uint16_t plen)
{
	memset(p, 0, FRAME_MAX);
	memcpy(p, eth_dst, 6);
	memcpy(p + 6, peer_mac, 6);
	synq_bytes_put16(p + 12, 0x86dd);
	p[14] = 0x60;
	synq_bytes_put16(p + 18, plen);
	p[20] = nh;
	p[21] = hlim;
	memcpy(p + 22, src, 16);
	memcpy(p + 38, dst, 16);
	return ETH_HLEN + IP6_HLEN;
}

/* An ICMPv6 message of @p len bytes at @p msg, checksum filled in. */
static size_t
build_icmp6(uint8_t *p, const uint8_t eth_dst[6], const uint8_t src[16], const uint8_t dst[16],
	uint8_t hlim, const uint8_t *msg, uint16_t len)
{
	size_t off = put_ip6(p, eth_dst, src, dst, 58, hlim, len);
	uint8_t *icmp = p + off;

	memcpy(icmp, msg, len);
	synq_bytes_put16(icmp + 2, 0);
	synq_bytes_put16(icmp + 2, synq_frame_cksum_fold(synq_frame_cksum_add(
					   synq_frame_phdr6(p + ETH_HLEN, 58, len), icmp, len)));
	return off + len;
}

#define Q_RA 1	/* the Hop-by-Hop header has a Router Alert */
#define Q_V1 2	/* a 24-byte MLDv1 query, not 28 */
#define Q_BAD 4 /* a wrong checksum */
#define Q_26 8	/* 26 bytes, neither MLDv1 nor MLDv2 */

/* An MLD query for @p group from @p src to @p dst with hop limit @p hlim. */
static size_t
build_query(uint8_t *p, const uint8_t src[16], const uint8_t dst[16], uint8_t hlim,
	const uint8_t group[16], unsigned int flags)
{
	uint16_t qlen = (flags & Q_V1) ? 24 : (flags & Q_26) ? 26 : 28;
	size_t off = put_ip6(p, all_nodes_mac, src, dst, 0, hlim, (uint16_t)(HBH_LEN + qlen));
	uint8_t *hbh = p + off;
	uint8_t *q = hbh + HBH_LEN;

	hbh[0] = 58;
	hbh[1] = 0;
	if (flags & Q_RA) {
		hbh[2] = 5;
		hbh[3] = 2;
		hbh[6] = 1; /* PadN, 0 bytes */
	} else {
		hbh[2] = 1; /* PadN, 4 bytes */
		hbh[3] = 4;
	}
	q[0] = 130;
	synq_bytes_put16(q + 4, 1000); /* Maximum Response Code */
	memcpy(q + 8, group, 16);
	if (!(flags & Q_V1))
		q[24] = 2; /* QRV */
	synq_bytes_put16(q + 2, synq_frame_cksum_fold(synq_frame_cksum_add(
					synq_frame_phdr6(p + ETH_HLEN, 58, qlen), q, qlen)));
	if (flags & Q_BAD)
		q[3] ^= 1;
	return off + HBH_LEN + qlen;
}

static void
test_query_answered(void **state)
{
	const uint8_t groups[2][16] = {
		{0xff, 0x02, [11] = 0x01, [12] = 0xff, [15] = 0x01},
		{0xff, 0x02, [11] = 0x01, [12] = 0xff, [15] = 0x77},
	};
	uint8_t f[FRAME_MAX];
	struct fake_mbuf fm;
	size_t len;

	(void)state;
	make_iface(0, true, false);
	len = build_query(f, ip6_ll_peer, all_nodes, 1, unspec, Q_RA);
	assert_true(feed(&fm, f, len));
	check_report(fake_mbuf_data(&fm), ETH_HLEN, fm.m.data_len, ip6_ll, 2, groups, 2);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ICMP6_IN_GROUP_MEMB_QUERIES), 1);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ICMP6_OUT_MLDV2_REPORTS), 1);
	/* a second within the second: counted, unanswered (a flood is not reflected) */
	nw.now_tsc += HZ - 1;
	assert_false(feed(&fm, f, len));
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_MLD_QUERY_RATE_LIMITED), 1);
	/* a second after the answer: answered again; a group query for ours, MLDv1 too */
	nw.now_tsc += 1;
	len = build_query(f, ip6_ll_peer, sn_b, 1, sn_b, Q_RA | Q_V1);
	assert_true(feed(&fm, f, len));
	/* RFC 3810 6.2: the answer to a query for one group names that group alone */
	check_report(fake_mbuf_data(&fm), ETH_HLEN, fm.m.data_len, ip6_ll, 2, &groups[1], 1);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ICMP6_OUT_MLDV2_REPORTS), 2);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_MLD_QUERY_RATE_LIMITED), 1);
}

static void
test_query_refused(void **state)
{
	uint8_t f[FRAME_MAX];
	struct fake_mbuf fm;
	size_t len;

	(void)state;
	make_iface(0, true, false);
	/* RFC 3810 5.1.14: a global source, a hop limit of 255, no Router Alert */
	len = build_query(f, ip6_peer, all_nodes, 1, unspec, Q_RA);
	assert_false(feed(&fm, f, len));
	len = build_query(f, ip6_ll_peer, all_nodes, 255, unspec, Q_RA);
	assert_false(feed(&fm, f, len));
	len = build_query(f, ip6_ll_peer, all_nodes, 1, unspec, 0);
	assert_false(feed(&fm, f, len));
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_MLD_DROP_INVALID), 3);
	/* RFC 3810 8.1: 24 bytes is MLDv1, 28 or more MLDv2, any other length ignored */
	len = build_query(f, ip6_ll_peer, all_nodes, 1, unspec, Q_RA | Q_26);
	assert_false(feed(&fm, f, len));
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_MLD_DROP_INVALID), 4);
	/* a bad checksum */
	len = build_query(f, ip6_ll_peer, all_nodes, 1, unspec, Q_RA | Q_BAD);
	assert_false(feed(&fm, f, len));
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ICMP6_IN_CSUM_ERRORS), 1);
	/* a group we are not in, sent to it: not for us at all; to all-nodes: ignored */
	len = build_query(f, ip6_ll_peer, sn_other, 1, sn_other, Q_RA);
	assert_false(feed(&fm, f, len));
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_IP6_IN_ADDR_ERRORS), 1);
	len = build_query(f, ip6_ll_peer, all_nodes, 1, sn_other, Q_RA);
	assert_false(feed(&fm, f, len));
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ICMP6_IN_IGNORED), 1);
	/* a Hop-by-Hop header longer than the packet, one with an option past its end */
	len = build_query(f, ip6_ll_peer, all_nodes, 1, unspec, Q_RA);
	f[ETH_HLEN + IP6_HLEN + 1] = 9;
	assert_false(feed(&fm, f, len));
	len = build_query(f, ip6_ll_peer, all_nodes, 1, unspec, Q_RA);
	f[ETH_HLEN + IP6_HLEN + 7] = 1;
	assert_false(feed(&fm, f, len));
	/* RFC 8200 4.2: an unknown option of type 01xxxxxx (after the Router Alert,
	 * instead of the PadN) discards the packet */
	len = build_query(f, ip6_ll_peer, all_nodes, 1, unspec, Q_RA);
	f[ETH_HLEN + IP6_HLEN + 6] = 0x43;
	assert_false(feed(&fm, f, len));
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_IP6_IN_HDR_ERRORS), 3);
	/* Hop-by-Hop before UDP: unknown, as before */
	len = build_query(f, ip6_ll_peer, all_nodes, 1, unspec, Q_RA);
	f[ETH_HLEN + IP6_HLEN] = 17;
	assert_false(feed(&fm, f, len));
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_IP6_IN_UNKNOWN_PROTOS), 1);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ICMP6_OUT_MLDV2_REPORTS), 0);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_MLD_QUERY_RATE_LIMITED), 0);
}

static size_t
build_echo(uint8_t *p, const uint8_t dst[16])
{
	uint8_t msg[16] = {128, 0, 0, 0, 0x12, 0x34, 0, 1};

	return build_icmp6(p, our_mac, ip6_peer, dst, 64, msg, sizeof(msg));
}

/* A neighbour solicitation for @p target from @p src, to its solicited-node group. */
static size_t
build_ns(uint8_t *p, const uint8_t src[16], const uint8_t target[16])
{
	uint8_t msg[32] = {135, 0};
	uint8_t eth[6] = {0x33, 0x33, 0xff, target[13], target[14], target[15]};
	uint8_t group[16] = {0xff, 0x02, [11] = 0x01, [12] = 0xff};
	bool dad = memcmp(src, unspec, 16) == 0;

	memcpy(group + 13, target + 13, 3);
	memcpy(msg + 8, target, 16);
	msg[24] = 1; /* source link-layer address, not from :: */
	msg[25] = 1;
	memcpy(msg + 26, peer_mac, 6);
	return build_icmp6(p, eth, src, group, 255, msg, dad ? 24 : 32);
}

/* An advertisement for @p target from @p src to all-nodes, override set. */
static size_t
build_na(uint8_t *p, const uint8_t src[16], const uint8_t target[16])
{
	uint8_t msg[32] = {136, 0, 0, 0, 0x20};

	memcpy(msg + 8, target, 16);
	msg[24] = 2; /* target link-layer address */
	msg[25] = 1;
	memcpy(msg + 26, peer_mac, 6);
	return build_icmp6(p, all_nodes_mac, src, all_nodes, 255, msg, sizeof(msg));
}

/* A SYN from the peer to @p dst port 80. */
static size_t
build_syn(uint8_t *p, const uint8_t dst[16])
{
	size_t off = put_ip6(p, our_mac, ip6_peer, dst, 6, 64, 20);
	uint8_t *th = p + off;

	synq_bytes_put16(th, 40000);
	synq_bytes_put16(th + 2, 80);
	th[12] = 5 << 4;
	th[13] = 0x02;
	synq_bytes_put16(th + 14, 64240);
	synq_bytes_put16(th + 16, synq_frame_cksum_fold(synq_frame_cksum_add(
					  synq_frame_phdr6(p + ETH_HLEN, 6, 20), th, 20)));
	return off + 20;
}

/* RFC 4862 5.4: a tentative address gets no answer and no TCP. */
static void
test_tentative_unanswered(void **state)
{
	uint8_t f[FRAME_MAX];
	struct fake_mbuf fm;

	(void)state;
	make_iface(0, true, true);
	assert_false(feed(&fm, f, build_echo(f, ip6_a)));
	assert_false(feed(&fm, f, build_syn(f, ip6_a)));
	assert_false(feed(&fm, f, build_ns(f, ip6_peer, ip6_a)));
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_IP6_DROP_TENTATIVE), 3);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_TCP_IN_SEGS), 0);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ICMP6_OUT_MSGS), 0);
	/* a unicast solicitation proves nothing: still tentative */
	assert_int_equal(state_of(0), SYNQ_IP6_TENTATIVE);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_IP6_DAD_DUPLICATES), 0);
	/* the same, once preferred: answered */
	make_iface(0, true, false);
	assert_true(feed(&fm, f, build_echo(f, ip6_a)));
	assert_true(feed(&fm, f, build_ns(f, ip6_peer, ip6_a)));
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_IP6_DROP_TENTATIVE), 0);
}

/*
 * RFC 4862 5.4.4: an advertisement for a tentative address (sent from that address
 * by its owner) makes it duplicate: counted once, never answered after, even once
 * detection ends; the others become preferred.
 */
static void
test_dad_advert_duplicate(void **state)
{
	uint8_t f[FRAME_MAX];
	struct fake_mbuf fm;

	(void)state;
	make_iface(0, true, true);
	assert_false(feed(&fm, f, build_na(f, ip6_b, ip6_b)));
	assert_int_equal(state_of(1), SYNQ_IP6_DUPLICATE);
	assert_int_equal(state_of(0), SYNQ_IP6_TENTATIVE);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_IP6_DAD_DUPLICATES), 1);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_IP6_DROP_BAD_SOURCE), 0);
	assert_true(atomic_load(&live.dup_pending));
	/* a second advertisement: counted as a packet, not as another duplicate */
	assert_false(feed(&fm, f, build_na(f, ip6_peer, ip6_b)));
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_IP6_DAD_DUPLICATES), 1);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_IP6_DROP_TENTATIVE), 2);
	/* the end of detection (no frame due: the reports are done) */
	live.started = true;
	live.dad_end_tsc = 10;
	live.reports_left = 0;
	assert_int_equal(synq_net_host6_tick(&ifc, &ctr, 9, HZ, NULL, NULL), 0);
	assert_int_equal(state_of(0), SYNQ_IP6_TENTATIVE);
	assert_false(atomic_load(&live.dup_pending)); /* logged */
	assert_int_equal(live.dup_logged, 1u << 1);
	assert_int_equal(synq_net_host6_tick(&ifc, &ctr, 10, HZ, NULL, NULL), 0);
	assert_int_equal(state_of(0), SYNQ_IP6_PREFERRED);
	assert_int_equal(state_of(2), SYNQ_IP6_PREFERRED);
	assert_int_equal(state_of(1), SYNQ_IP6_DUPLICATE);
	assert_true(feed(&fm, f, build_echo(f, ip6_a)));
	assert_false(feed(&fm, f, build_echo(f, ip6_b)));
	assert_false(feed(&fm, f, build_ns(f, ip6_peer, ip6_b)));
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_IP6_DROP_TENTATIVE), 4);
	/* an advertisement for a preferred address changes nothing; one from it is LAND */
	assert_false(feed(&fm, f, build_na(f, ip6_peer, ip6_a)));
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ICMP6_IN_IGNORED), 1);
	assert_false(feed(&fm, f, build_na(f, ip6_a, ip6_a)));
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_IP6_DROP_BAD_SOURCE), 1);
	assert_int_equal(state_of(0), SYNQ_IP6_PREFERRED);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_IP6_DAD_DUPLICATES), 1);
}

/*
 * RFC 4861 7.1.2: an advertisement that fails the checks proves nothing: a hop limit
 * below 255 (a node off the link, through a router), the Solicited flag to all-nodes,
 * an option of length 0, a code other than 0. Counted, and the address stays tentative.
 */
static void
test_dad_advert_invalid(void **state)
{
	uint8_t msg[32] = {136, 0, 0, 0, 0x20};
	uint8_t f[FRAME_MAX];
	struct fake_mbuf fm;

	(void)state;
	make_iface(0, true, true);
	memcpy(msg + 8, ip6_a, 16);
	msg[24] = 2; /* target link-layer address */
	msg[25] = 1;
	memcpy(msg + 26, peer_mac, 6);
	assert_false(feed(
		&fm, f, build_icmp6(f, all_nodes_mac, ip6_peer, all_nodes, 254, msg, sizeof(msg))));
	msg[4] = 0x60; /* Solicited and Override */
	assert_false(feed(
		&fm, f, build_icmp6(f, all_nodes_mac, ip6_peer, all_nodes, 255, msg, sizeof(msg))));
	msg[4] = 0x20;
	msg[25] = 0;
	assert_false(feed(
		&fm, f, build_icmp6(f, all_nodes_mac, ip6_peer, all_nodes, 255, msg, sizeof(msg))));
	msg[25] = 1;
	msg[1] = 1;
	assert_false(feed(
		&fm, f, build_icmp6(f, all_nodes_mac, ip6_peer, all_nodes, 255, msg, sizeof(msg))));
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_ICMP6_IN_ERRORS), 4);
	assert_int_equal(state_of(0), SYNQ_IP6_TENTATIVE);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_IP6_DAD_DUPLICATES), 0);
	/* the same advertisement, valid: the address is lost */
	msg[1] = 0;
	assert_false(feed(
		&fm, f, build_icmp6(f, all_nodes_mac, ip6_peer, all_nodes, 255, msg, sizeof(msg))));
	assert_int_equal(state_of(0), SYNQ_IP6_DUPLICATE);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_IP6_DAD_DUPLICATES), 1);
}

/* RFC 4862 5.4.3: another node probing the same tentative address: duplicate for us. */
static void
test_dad_probe_duplicate(void **state)
{
	uint8_t f[FRAME_MAX];
	struct fake_mbuf fm;

	(void)state;
	make_iface(0, true, true);
	assert_false(feed(&fm, f, build_ns(f, unspec, ip6_a)));
	assert_int_equal(state_of(0), SYNQ_IP6_DUPLICATE);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_IP6_DAD_DUPLICATES), 1);
	/* once preferred, a probe from :: is answered (7.2.4) and changes nothing */
	make_iface(0, true, false);
	assert_true(feed(&fm, f, build_ns(f, unspec, ip6_a)));
	assert_int_equal(state_of(0), SYNQ_IP6_PREFERRED);
	assert_int_equal(synq_counter_read(&ctr, SYNQ_CTR_IP6_DAD_DUPLICATES), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_bytes),
		cmocka_unit_test(test_report_while_tentative),
		cmocka_unit_test(test_dad_ns_bytes),
		cmocka_unit_test(test_query_answered),
		cmocka_unit_test(test_query_refused),
		cmocka_unit_test(test_tentative_unanswered),
		cmocka_unit_test(test_dad_advert_duplicate),
		cmocka_unit_test(test_dad_advert_invalid),
		cmocka_unit_test(test_dad_probe_duplicate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
