/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_NET_PRIV_H
#define SYNQ_NET_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "synq_net.h"

/* What became of one frame. */
enum net_verdict {
	NET_DROP,
	NET_REPLY,    /* a reply was built in the frame's mbuf */
	NET_CONSUMED, /* something else keeps the mbuf now */
	NET_PENDING,  /* a cookie SYN: its SYN-ACK comes at the burst's end */
};

/*
 * One received frame, parsed down to L3. The L2 header (with any VLAN tag) stays in
 * place and is reused by the reply: net_reply_l2() swaps its addresses.
 */
struct net_frame {
	struct rte_mbuf *m;
	uint8_t *l3;		     /* first byte after Ethernet (and VLAN) */
	struct synq_tcp_worker *tcp; /* the worker's handshake engine, or NULL */
	struct synq_net_worker *nw;  /* the worker's reply budgets, or NULL: no limit */
	uint16_t l2_len;	     /* 14 or 18 */
	uint16_t l3_len;	     /* bytes available from l3 to the end of the segment */
	bool l2_group;		     /* sent to an Ethernet broadcast or multicast address */
	uint8_t rxq_idx;	     /* the worker's rx queue it came from */
	uint16_t idx;		     /* its place in the burst */
};

/* Minimum Ethernet frame without FCS; shorter replies are zero padded. */
#define NET_ETH_MIN_LEN 60

/* The port's Ethernet header length: 14, or 18 with an 802.1Q tag. */
static inline uint16_t
net_l2_len(const struct synq_iface *ifc)
{
	return sizeof(struct rte_ether_hdr) + (ifc->vlan != 0 ? sizeof(struct rte_vlan_hdr) : 0);
}

/* Write the Ethernet (and 802.1Q) header of what synq originates: to @p dst, type @p type. */
static inline void
net_write_l2(const struct synq_iface *ifc, struct rte_ether_hdr *eth,
	const struct rte_ether_addr *dst, uint16_t type)
{
	eth->dst_addr = *dst;
	eth->src_addr = ifc->mac;
	if (ifc->vlan != 0) {
		struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eth + 1);

		eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_VLAN);
		vh->vlan_tci = rte_cpu_to_be_16(ifc->vlan);
		vh->eth_proto = rte_cpu_to_be_16(type);
	} else {
		eth->ether_type = rte_cpu_to_be_16(type);
	}
}

enum net_verdict net_arp_input(
	const struct synq_iface *ifc, struct synq_counters *ctr, struct net_frame *f);
enum net_verdict net_ipv4_input(
	const struct synq_iface *ifc, struct synq_counters *ctr, struct net_frame *f);
enum net_verdict net_ipv6_input(
	const struct synq_iface *ifc, struct synq_counters *ctr, struct net_frame *f);

/* mld.c: MLD queries and the duplicate address detection's input side */

struct rte_ipv6_hdr;

/*
 * A packet whose next header is Hop-by-Hop (0): an MLD query (RFC 3810 5.1) is
 * checked (5.1.14) and answered with a report built in its mbuf, at most one a
 * second a port; anything else is dropped and counted. @p len: the payload length.
 */
enum net_verdict net_mld_input(const struct synq_iface *ifc, struct synq_counters *ctr,
	struct net_frame *f, struct rte_ipv6_hdr *ip6, uint16_t len);

/*
 * May a neighbour solicitation for our address @p target be answered: true when the
 * address is preferred. Else (RFC 4862 5.4.3) it is not: from :: (@p from_dad, another
 * node's probe) a tentative address becomes duplicate; counted either way.
 */
bool net_dad_ns_allowed(const struct synq_iface *ifc, struct synq_counters *ctr,
	const uint8_t target[16], bool from_dad);

/*
 * A neighbour advertisement (RFC 4861 4.4) of @p len bytes at @p na: one for a
 * tentative address of ours makes it duplicate (RFC 4862 5.4.4). Never answered.
 */
enum net_verdict net_dad_na_input(const struct synq_iface *ifc, struct synq_counters *ctr,
	const struct rte_ipv6_hdr *ip6, const uint8_t *na, uint16_t len);

/*
 * Is @p ip6 (of payload @p len) a neighbour advertisement from one of our addresses
 * that is not preferred: the answer of the node that defends it (RFC 4861 7.2.4 sends
 * it from the target), which the check of sources must let through.
 */
bool net_dad_defence(const struct synq_iface *ifc, const struct rte_ipv6_hdr *ip6, uint16_t len);

/*
 * Leave in the frame's worker what a message said of neighbour @p addr (family 4 or
 * 6, IPv4 in the first 4 bytes): its MAC @p mac (NULL: the message gave none, the fact
 * marked SYNQ_NEIGH_FACT_NO_LLADDR) and SYNQ_NEIGH_FACT_* @p flags. No-op without a
 * worker (benchmarks, fuzzing); counted when its facts are full.
 */
void net_neigh_fact(struct synq_counters *ctr, struct net_frame *f, uint8_t family,
	const uint8_t *addr, const struct rte_ether_addr *mac, uint8_t flags);

/*
 * Take a token from the frame's worker's echo budget: false when it is spent (the
 * request goes unanswered), true when the reply may go, or when there is no budget.
 */
bool net_echo_allowed(struct net_frame *f);

/*
 * Hand a TCP segment for our address number @p daddr_idx to the handshake engine:
 * @p l3_len bytes of IP header, @p l4_len of TCP header and data; IPv4's addresses
 * @p saddr4 and @p daddr4 as the IP input read them (0 for IPv6), so that no layer
 * above reads them again.
 */
enum net_verdict net_tcp_input(const struct synq_iface *ifc, struct synq_counters *ctr,
	struct net_frame *f, uint8_t family, uint16_t l3_len, uint16_t l4_len, int daddr_idx,
	uint32_t saddr4, uint32_t daddr4);

/* Marks a frame of the fast path in a verdict array until it is handled. */
#define NET_FAST 0xff

/*
 * The fast path's parse of @p n frames (issue 14, input.c): each IPv4 TCP segment to
 * the port's MAC and one of its addresses that every check of the slow path's
 * (frame_input(), net_ipv4_input(), synq_tcp_input()) passes is read into its record
 * in @p seg, kept, and marked NET_FAST in @p v; every other frame NET_DROP, for the
 * slow path to take. @p seg[i].tag is i. The number of records made.
 */
unsigned int net_chunk_parse(const struct synq_iface *ifc, uint8_t rxq_idx, struct rte_mbuf **pkts,
	uint16_t n, struct synq_tcp_seg *seg, uint8_t *v);

/*
 * Turn the frame's L2 header into the reply's: destination @p dst (NULL: back to the
 * frame's sender), source our MAC, VLAN tag unchanged; then set the frame length to
 * l2_len + @p l3_len, zero padding up to the Ethernet minimum. False when the mbuf
 * cannot hold that.
 */
bool net_reply_l2(const struct synq_iface *ifc, struct net_frame *f,
	const struct rte_ether_addr *dst, uint16_t l3_len);

#endif /* SYNQ_NET_PRIV_H */
