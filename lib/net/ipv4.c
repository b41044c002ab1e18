/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 input (RFC 791, RFC 1122 3.2.1) and ICMP echo (RFC 792). Checks run in the
 * order of RFC 1122 3.2.1: version, header length, checksum, total length, then
 * the destination address.
 */

#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "net_priv.h"
#include "synq_cksum.h"

#define ECHO_TTL 64

/* A valid Internet checksum sums, with itself included, to all ones. */
static inline bool
cksum_ok(const void *buf, size_t len)
{
	return synq_cksum_fold(synq_cksum_add(0, buf, len)) == 0xffff;
}

/*
 * RFC 1122 3.2.1.3: a source no host may use (0/8 "this network", 127/8 loopback,
 * 224/4 multicast, 240/4 class E and broadcast) is discarded, so that no reply is
 * ever aimed at one; so is our own address coming back at us (LAND: a SYN from
 * ourselves to ourselves would have synq answer itself). Two compares and the
 * address list: no more on the flood path.
 */
static inline bool
src_valid(const struct synq_iface *ifc, rte_be32_t src)
{
	uint32_t a = rte_be_to_cpu_32(src);

	return (a >> 24) != 0 && (a >> 24) != 127 && (a >> 28) < 0xe &&
	       !synq_iface_has_ipv4(ifc, src);
}

static enum net_verdict
icmp_input(const struct synq_iface *ifc, struct synq_counters *ctr, struct net_frame *f,
	struct rte_ipv4_hdr *ip, uint16_t hlen, uint16_t tot)
{
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)((uint8_t *)ip + hlen);
	uint16_t icmp_len = tot - hlen;
	uint32_t peer;

	synq_counter_inc(ctr, SYNQ_CTR_ICMP_IN_MSGS);
	if (icmp_len < sizeof(*icmp)) {
		synq_counter_inc(ctr, SYNQ_CTR_ICMP_IN_ERRORS);
		return NET_DROP;
	}
	if (!cksum_ok(icmp, icmp_len)) {
		synq_counter_inc(ctr, SYNQ_CTR_ICMP_IN_CSUM_ERRORS);
		return NET_DROP;
	}
	/* Echo to a broadcast address is ignored, as Linux does by default. */
	if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0 ||
		!synq_iface_has_ipv4(ifc, ip->dst_addr)) {
		synq_counter_inc(ctr, SYNQ_CTR_ICMP_IN_IGNORED);
		return NET_DROP;
	}
	synq_counter_inc(ctr, SYNQ_CTR_ICMP_IN_ECHOS);
	if (!net_echo_allowed(f)) {
		synq_counter_inc(ctr, SYNQ_CTR_ICMP_ECHO_RATE_LIMITED);
		return NET_DROP;
	}

	/* RFC 792: reverse the addresses, type 0, same identifier, sequence and data. */
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = synq_cksum_value(synq_cksum_add(0, icmp, icmp_len));
	peer = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = peer;
	ip->time_to_live = ECHO_TTL;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = synq_cksum_value(synq_cksum_add(0, ip, hlen));
	if (!net_reply_l2(ifc, f, NULL, tot)) {
		synq_counter_inc(ctr, SYNQ_CTR_ICMP_IN_ERRORS);
		return NET_DROP;
	}
	synq_counter_inc(ctr, SYNQ_CTR_ICMP_OUT_ECHO_REPS);
	synq_counter_inc(ctr, SYNQ_CTR_ICMP_OUT_MSGS);
	return NET_REPLY;
}

enum net_verdict
net_ipv4_input(const struct synq_iface *ifc, struct synq_counters *ctr, struct net_frame *f)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)f->l3;
	uint64_t csum_flags = f->m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
	uint32_t saddr, daddr;
	uint16_t hlen;
	uint16_t tot;
	int didx;

	synq_counter_inc(ctr, SYNQ_CTR_IP_IN_RECEIVES);
	if (f->l3_len < sizeof(*ip) || (ip->version_ihl >> 4) != 4) {
		synq_counter_inc(ctr, SYNQ_CTR_IP_IN_HDR_ERRORS);
		return NET_DROP;
	}
	hlen = rte_ipv4_hdr_len(ip);
	if (hlen < sizeof(*ip) || hlen > f->l3_len) {
		synq_counter_inc(ctr, SYNQ_CTR_IP_IN_HDR_ERRORS);
		return NET_DROP;
	}
	/*
	 * Trust the NIC's verdict when it gave one: GOOD, or NONE ("the checksum field
	 * is wrong but the header was verified"); check in software when it is UNKNOWN.
	 */
	if (csum_flags == RTE_MBUF_F_RX_IP_CKSUM_BAD ||
		(csum_flags == RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN && !cksum_ok(ip, hlen))) {
		synq_counter_inc(ctr, SYNQ_CTR_IP_IN_CSUM_ERRORS);
		return NET_DROP;
	}
	/* Trailing bytes past total_length are Ethernet padding; fewer is a lie. */
	tot = rte_be_to_cpu_16(ip->total_length);
	if (tot < hlen || tot > f->l3_len) {
		synq_counter_inc(ctr, SYNQ_CTR_IP_IN_HDR_ERRORS);
		return NET_DROP;
	}
	/*
	 * RFC 1122 3.3.6: unicast inside a link-layer broadcast is discarded. The
	 * addresses are read once, and which of ours the destination is looked up once:
	 * TCP is handed both (net_tcp_input()).
	 */
	saddr = ip->src_addr;
	daddr = ip->dst_addr;
	didx = synq_iface_ipv4_index(ifc, daddr);
	if (didx < 0 ? daddr != RTE_BE32(UINT32_MAX) : f->l2_group) {
		synq_counter_inc(ctr, SYNQ_CTR_IP_IN_ADDR_ERRORS);
		return NET_DROP;
	}
	if (!src_valid(ifc, saddr)) {
		synq_counter_inc(ctr, SYNQ_CTR_IP_DROP_BAD_SOURCE);
		return NET_DROP;
	}
	/*
	 * Options are rare on real traffic and a classic attack surface: a source
	 * route would have to be reversed in every reply (RFC 1122 3.2.2.6), and Linux
	 * drops source-routed packets by default. synq drops every packet with options.
	 */
	if (hlen != sizeof(*ip)) {
		synq_counter_inc(ctr, SYNQ_CTR_IP_DROP_OPTIONS);
		return NET_DROP;
	}
	if ((ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) !=
		0) {
		synq_counter_inc(ctr, SYNQ_CTR_IP_REASM_REQDS);
		return NET_DROP;
	}
	switch (ip->next_proto_id) {
	case IPPROTO_ICMP:
		return icmp_input(ifc, ctr, f, ip, hlen, tot);
	case IPPROTO_TCP:
		return net_tcp_input(ifc, ctr, f, 4, hlen, tot - hlen, didx, saddr, daddr);
	default:
		synq_counter_inc(ctr, SYNQ_CTR_IP_IN_UNKNOWN_PROTOS);
		return NET_DROP;
	}
}
