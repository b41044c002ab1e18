/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP (RFC 826) for our IPv4 addresses: answer requests, announce at start
 * (RFC 5227 2.3), and tell the neighbour tables what requests and replies say of their
 * senders. Replies to clients never look in those tables: every reply goes to the MAC
 * that the request (or the SYN) came from.
 */

#include <errno.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>

#include "net_priv.h"

/*
 * RFC 826 "packet reception": the sender's <protocol, address> pair updates an entry
 * held for it (the merge flag), whoever the target; the neighbour tables create none.
 * Only from a station that speaks for itself (its hardware address the frame's source,
 * which frame_input() checked is one station) and with an address (an ARP probe's
 * sender is 0.0.0.0, RFC 5227 2.1.1). A reply is solicited when it came to us alone,
 * for our address. False when the sender is not the frame's source.
 */
static bool
arp_learn(const struct synq_iface *ifc, struct synq_counters *ctr, struct net_frame *f,
	const struct rte_arp_hdr *arp)
{
	const struct rte_arp_ipv4 *d = &arp->arp_data;
	bool reply = arp->arp_opcode == RTE_BE16(RTE_ARP_OP_REPLY);
	uint8_t addr[4];

	if (!rte_is_same_ether_addr(
		    &d->arp_sha, &rte_pktmbuf_mtod(f->m, const struct rte_ether_hdr *)->src_addr))
		return false;
	if (d->arp_sip == 0)
		return true;
	memcpy(addr, &d->arp_sip, sizeof(addr));
	net_neigh_fact(ctr, f, 4, addr, &d->arp_sha,
		SYNQ_NEIGH_FACT_OVERRIDE |
			(reply && !f->l2_group && synq_iface_has_ipv4(ifc, d->arp_tip)
					? SYNQ_NEIGH_FACT_SOLICITED
					: 0));
	return true;
}

enum net_verdict
net_arp_input(const struct synq_iface *ifc, struct synq_counters *ctr, struct net_frame *f)
{
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)f->l3;
	struct rte_arp_ipv4 *d = &arp->arp_data;
	struct rte_ether_addr requester;
	uint32_t asked;

	if (f->l3_len < sizeof(*arp) || arp->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
		arp->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
		arp->arp_hlen != RTE_ETHER_ADDR_LEN || arp->arp_plen != sizeof(uint32_t)) {
		synq_counter_inc(ctr, SYNQ_CTR_ARP_DROP_MALFORMED);
		return NET_DROP;
	}
	if (arp->arp_opcode == RTE_BE16(RTE_ARP_OP_REPLY)) {
		synq_counter_inc(ctr, arp_learn(ifc, ctr, f, arp) ? SYNQ_CTR_ARP_IN_REPLIES
								  : SYNQ_CTR_DROP_SRC_MAC_INVALID);
		return NET_DROP;
	}
	if (arp->arp_opcode == RTE_BE16(RTE_ARP_OP_REQUEST))
		arp_learn(ifc, ctr, f, arp);
	if (arp->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST) ||
		!synq_iface_has_ipv4(ifc, d->arp_tip)) {
		synq_counter_inc(ctr, SYNQ_CTR_ARP_DROP_NOT_OURS);
		return NET_DROP;
	}
	/*
	 * The reply goes to the sender's hardware address, which must be the frame's
	 * source (checked already: one station, not ours): else a request from one
	 * station would send our reply to another.
	 */
	if (!rte_is_same_ether_addr(&d->arp_sha,
		    &rte_pktmbuf_mtod(f->m, const struct rte_ether_hdr *)->src_addr)) {
		synq_counter_inc(ctr, SYNQ_CTR_DROP_SRC_MAC_INVALID);
		return NET_DROP;
	}
	synq_counter_inc(ctr, SYNQ_CTR_ARP_IN_REQUESTS);

	/* RFC 826 "packet reception": swap sender and target, fill in our address. */
	requester = d->arp_sha;
	asked = d->arp_tip;
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	d->arp_tha = requester;
	d->arp_tip = d->arp_sip;
	d->arp_sha = ifc->mac;
	d->arp_sip = asked;
	if (!net_reply_l2(ifc, f, &requester, sizeof(*arp))) {
		synq_counter_inc(ctr, SYNQ_CTR_ARP_DROP_MALFORMED);
		return NET_DROP;
	}
	synq_counter_inc(ctr, SYNQ_CTR_ARP_OUT_REPLIES);
	return NET_REPLY;
}

int
synq_net_build_garp(const struct synq_iface *ifc, unsigned int addr_idx, struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;
	uint16_t l2_len = net_l2_len(ifc);
	uint16_t len = RTE_MAX(NET_ETH_MIN_LEN, l2_len + (uint16_t)sizeof(*arp));
	static const struct rte_ether_addr bcast = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};

	if (addr_idx >= ifc->nb_ipv4)
		return -EINVAL;
	if ((uint32_t)m->buf_len - m->data_off < len)
		return -ENOSPC;
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	memset(eth, 0, len);
	net_write_l2(ifc, eth, &bcast, RTE_ETHER_TYPE_ARP);
	arp = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, l2_len);
	arp->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = sizeof(uint32_t);
	/* An announcement is a request with sender and target both our address. */
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
	arp->arp_data.arp_sha = ifc->mac;
	arp->arp_data.arp_sip = ifc->ipv4[addr_idx];
	arp->arp_data.arp_tip = ifc->ipv4[addr_idx];
	m->data_len = len;
	m->pkt_len = len;
	m->ol_flags = 0;
	return 0;
}
