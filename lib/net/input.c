/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethernet and 802.1Q: check that a frame is for us, find its L3 header, dispatch.
 */

#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "net_priv.h"

bool
net_reply_l2(const struct synq_iface *ifc, struct net_frame *f, const struct rte_ether_addr *dst,
	uint16_t l3_len)
{
	struct rte_mbuf *m = f->m;
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	uint16_t len = f->l2_len + l3_len;
	uint16_t room = m->buf_len - m->data_off;

	if (len < NET_ETH_MIN_LEN) {
		if (room < NET_ETH_MIN_LEN)
			return false;
		memset(f->l3 + l3_len, 0, NET_ETH_MIN_LEN - len);
		len = NET_ETH_MIN_LEN;
	}
	if (len > room)
		return false;
	eth->dst_addr = dst != NULL ? *dst : eth->src_addr;
	eth->src_addr = ifc->mac;
	m->data_len = len;
	m->pkt_len = len;
	/* Checksums are complete in software; nothing is left for the NIC. */
	m->ol_flags = 0;
	return true;
}

void
synq_net_worker_init(struct synq_net_worker *nw, uint64_t tsc_hz, uint32_t echo_per_s,
	uint32_t echo_burst, uint64_t now_tsc)
{
	memset(nw, 0, sizeof(*nw));
	nw->now_tsc = now_tsc;
	nw->tsc_hz = tsc_hz;
	nw->echo.tsc_per_token = echo_per_s != 0 ? RTE_MAX(tsc_hz / echo_per_s, (uint64_t)1) : 0;
	nw->echo.burst = RTE_MAX(echo_burst, 1u);
	nw->echo.tokens = nw->echo.burst;
	nw->echo.earned_tsc = now_tsc;
}

/*
 * One token from @p b at @p now, after adding those the time since earned_tsc paid
 * for. A full bucket earns nothing: its clock restarts. A TSC behind earned_tsc
 * (never on one lcore) earns nothing either.
 */
static bool
bucket_take(struct synq_net_bucket *b, uint64_t now)
{
	if (b->tsc_per_token == 0)
		return true;
	if (b->tokens >= b->burst) {
		b->earned_tsc = now;
	} else if ((int64_t)(now - b->earned_tsc) > 0) {
		uint64_t n = (now - b->earned_tsc) / b->tsc_per_token;

		if (n >= b->burst - b->tokens) {
			b->tokens = b->burst;
			b->earned_tsc = now;
		} else {
			/* keep the part of a token already earned */
			b->tokens += (uint32_t)n;
			b->earned_tsc += n * b->tsc_per_token;
		}
	}
	if (b->tokens == 0)
		return false;
	b->tokens--;
	return true;
}

void
net_neigh_fact(struct synq_counters *ctr, struct net_frame *f, uint8_t family, const uint8_t *addr,
	const struct rte_ether_addr *mac, uint8_t flags)
{
	struct synq_neigh_fact *fact;

	if (f->nw == NULL)
		return;
	/* RFC 826, RFC 4861 4.6.1: a station's address, never a group nor zero; refused
	 * here once rather than by every worker's table */
	if (mac != NULL && !rte_is_valid_assigned_ether_addr(mac)) {
		synq_counter_inc(ctr, SYNQ_CTR_NEIGH_BAD_MAC);
		return;
	}
	if (f->nw->nb_facts == SYNQ_NET_FACTS) {
		synq_counter_inc(ctr, SYNQ_CTR_NEIGH_FACTS_LOST);
		return;
	}
	fact = &f->nw->facts[f->nw->nb_facts++];
	memset(fact, 0, sizeof(*fact));
	memcpy(fact->addr, addr, family == SYNQ_NEIGH_V4 ? 4 : 16);
	if (mac != NULL)
		fact->mac = *mac;
	else
		flags |= SYNQ_NEIGH_FACT_NO_LLADDR; /* the MAC stays zero */
	fact->family = family;
	fact->flags = flags;
}

bool
net_echo_allowed(struct net_frame *f)
{
	return f->nw == NULL || bucket_take(&f->nw->echo, f->nw->now_tsc);
}

enum net_verdict
net_tcp_input(const struct synq_iface *ifc, struct synq_counters *ctr, struct net_frame *f,
	uint8_t family, uint16_t l3_len, uint16_t l4_len, int daddr_idx, uint32_t saddr4,
	uint32_t daddr4)
{
	struct synq_tcp_seg seg = {
		.m = f->m,
		.l3 = f->l3,
		.l2_len = f->l2_len,
		.l3_len = l3_len,
		.l4_len = l4_len,
		.family = family,
		.rxq_idx = f->rxq_idx,
		.saddr4 = saddr4,
		.daddr4 = daddr4,
	};

	/* TCP only to one of our unicast addresses: never to broadcast or a group */
	if (daddr_idx < 0 || f->l2_group) {
		synq_counter_inc(ctr, family == 4 ? SYNQ_CTR_IP_IN_ADDR_ERRORS :
						    SYNQ_CTR_IP6_IN_ADDR_ERRORS);
		return NET_DROP;
	}
	seg.daddr_idx = (uint8_t)daddr_idx;
	switch (synq_tcp_input(f->tcp, ctr, ifc, &seg)) {
	case SYNQ_TCP_REPLY:
		return NET_REPLY;
	case SYNQ_TCP_CONSUMED:
		return NET_CONSUMED;
	default:
		return NET_DROP;
	}
}

/*
 * rte_is_valid_assigned_ether_addr() in two loads: the I/G bit of the first byte
 * clear, and not all six bytes zero.
 */
static inline bool
src_mac_valid(const struct rte_ether_addr *a)
{
	uint32_t head;
	uint16_t tail;

	memcpy(&head, a->addr_bytes, sizeof(head));
	memcpy(&tail, a->addr_bytes + sizeof(head), sizeof(tail));
	return !(a->addr_bytes[0] & 0x01) && (head | tail) != 0;
}

static enum net_verdict
frame_input(const struct synq_iface *ifc, struct synq_counters *ctr, struct synq_net_worker *nw,
	struct synq_tcp_worker *tcp, uint8_t rxq_idx, struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	uint16_t len = rte_pktmbuf_data_len(m);
	struct net_frame f = {
		.m = m, .l2_len = sizeof(*eth), .tcp = tcp, .nw = nw, .rxq_idx = rxq_idx};
	uint16_t type;

	/* Replies are written into the frame's own buffer: it must be ours alone. */
	if (m->nb_segs != 1 || !RTE_MBUF_DIRECT(m) || rte_mbuf_refcnt_read(m) != 1) {
		synq_counter_inc(ctr, SYNQ_CTR_DROP_UNWRITABLE);
		return NET_DROP;
	}
	if (len < sizeof(*eth)) {
		synq_counter_inc(ctr, SYNQ_CTR_DROP_RUNT);
		return NET_DROP;
	}
	/*
	 * IEEE 802 (and RFC 1812 5.3.7 for routers): a source is one station, never a
	 * group nor all zeros. Every reply of every layer goes to the frame's source (or
	 * a SYN's, remembered), so a forged broadcast source would have synq answer the
	 * whole link: such frames stop here, before anything can answer them.
	 */
	if (unlikely(!src_mac_valid(&eth->src_addr) ||
		    rte_is_same_ether_addr(&eth->src_addr, &ifc->mac))) {
		synq_counter_inc(ctr, SYNQ_CTR_DROP_SRC_MAC_INVALID);
		return NET_DROP;
	}
	/* Multicast and broadcast pass here; L3 decides whether they are ours. */
	if (rte_is_unicast_ether_addr(&eth->dst_addr) &&
		!rte_is_same_ether_addr(&eth->dst_addr, &ifc->mac)) {
		synq_counter_inc(ctr, SYNQ_CTR_DROP_OTHER_HOST);
		return NET_DROP;
	}
	f.l2_group = rte_is_multicast_ether_addr(&eth->dst_addr);
	type = rte_be_to_cpu_16(eth->ether_type);
	if (type == RTE_ETHER_TYPE_VLAN) {
		const struct rte_vlan_hdr *vh = (const struct rte_vlan_hdr *)(eth + 1);

		if (len < sizeof(*eth) + sizeof(*vh)) {
			synq_counter_inc(ctr, SYNQ_CTR_DROP_RUNT);
			return NET_DROP;
		}
		if (ifc->vlan == 0 || (rte_be_to_cpu_16(vh->vlan_tci) & 0xfff) != ifc->vlan) {
			synq_counter_inc(ctr, SYNQ_CTR_DROP_VLAN);
			return NET_DROP;
		}
		type = rte_be_to_cpu_16(vh->eth_proto);
		f.l2_len += sizeof(*vh);
	} else if (ifc->vlan != 0) {
		synq_counter_inc(ctr, SYNQ_CTR_DROP_VLAN);
		return NET_DROP;
	}
	f.l3 = rte_pktmbuf_mtod_offset(m, uint8_t *, f.l2_len);
	f.l3_len = len - f.l2_len;

	switch (type) {
	case RTE_ETHER_TYPE_ARP:
		return net_arp_input(ifc, ctr, &f);
	case RTE_ETHER_TYPE_IPV4:
		return net_ipv4_input(ifc, ctr, &f);
	case RTE_ETHER_TYPE_IPV6:
		return net_ipv6_input(ifc, ctr, &f);
	default:
		synq_counter_inc(ctr, SYNQ_CTR_DROP_ETHERTYPE);
		return NET_DROP;
	}
}

/*
 * Before a burst is handled: where a frame looks like an IPv4 TCP SYN to one of our
 * addresses, have the handshake engine start loading the SYN-table slot it will read
 * (only where a listener keeps a SYN table: with syncookies 2 none does). A SYN table of a flood is larger than the caches, and one miss a SYN would
 * otherwise be paid in turn; this lets the burst's misses overlap. It only reads,
 * within the frame's bytes; frame_input() checks everything again.
 */
static void
prefetch_flow(const struct synq_iface *ifc, const struct synq_tcp_worker *tcp, uint8_t rxq_idx,
	const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t l2 = sizeof(struct rte_ether_hdr) + (ifc->vlan != 0 ? sizeof(struct rte_vlan_hdr) : 0);
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(p + l2);
	const struct rte_tcp_hdr *th = (const struct rte_tcp_hdr *)(ip + 1);
	rte_be16_t type;
	int idx;

	if (rte_pktmbuf_data_len(m) < l2 + sizeof(*ip) + sizeof(*th))
		return;
	memcpy(&type, p + l2 - sizeof(type), sizeof(type));
	if (type != RTE_BE16(RTE_ETHER_TYPE_IPV4) || ip->version_ihl != RTE_IPV4_VHL_DEF ||
		ip->next_proto_id != IPPROTO_TCP || !(th->tcp_flags & RTE_TCP_SYN_FLAG))
		return;
	idx = synq_iface_ipv4_index(ifc, ip->dst_addr);
	if (idx >= 0)
		synq_tcp_prefetch4(tcp, ip->src_addr, th->src_port, th->dst_port, (uint8_t)idx,
			rxq_idx);
}

uint16_t
synq_net_input(const struct synq_iface *ifc, struct synq_counters *ctr,
	struct synq_net_worker *nw, struct synq_tcp_worker *tcp, uint8_t rxq_idx,
	struct rte_mbuf **pkts, uint16_t n, struct rte_mbuf **tx, struct rte_mbuf **drop,
	uint16_t *nb_drop)
{
	uint16_t nb_tx = 0;
	uint16_t nd = 0;

	synq_counter_add(ctr, SYNQ_CTR_RX_FRAMES, n);
	if (nw != NULL)
		nw->nb_facts = 0;
	if (tcp != NULL && synq_tcp_prefetch_wanted(tcp))
		for (uint16_t i = 0; i < n; i++)
			prefetch_flow(ifc, tcp, rxq_idx, pkts[i]);
	for (uint16_t i = 0; i < n; i++) {
		switch (frame_input(ifc, ctr, nw, tcp, rxq_idx, pkts[i])) {
		case NET_REPLY:
			tx[nb_tx++] = pkts[i];
			break;
		case NET_CONSUMED:
			break;
		default:
			drop[nd++] = pkts[i];
		}
	}
	*nb_drop = nd;
	return nb_tx;
}
