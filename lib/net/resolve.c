/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What synq sends on its own initiative (synq_resolve.h): route, neighbour, Ethernet
 * header, the worker's tx queue; and the ARP requests and neighbour solicitations the
 * neighbour table asks for (RFC 826, RFC 4861 7.2.2 and 7.3.3).
 */

#include <assert.h>
#include <errno.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ip.h>

#include "net_priv.h"
#include "synq_cksum.h"
#include "synq_resolve.h"

#define ND_NEIGHBOR_SOLICIT 135
#define ND_OPT_SOURCE_LLADDR 1
#define ND_HOP_LIMIT 255
/* RFC 4861 4.3: type, code, checksum, reserved, target; then the 8-byte SLLA option */
#define NS_LEN (8 + 16 + 8)

static_assert(sizeof(struct synq_neigh_fact) == 32, "a fact is 32 bytes on the rings");

/*
 * Put the Ethernet header before @p m's IP packet (its headroom was checked), and zero
 * padding up to the Ethernet minimum where the segment has room (a NIC pads anyway;
 * software ports do not).
 */
static void
push_l2(const struct synq_iface *ifc, struct rte_mbuf *m, uint8_t family,
	const struct rte_ether_addr *dst)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, net_l2_len(ifc));
	uint16_t short_by =
		m->pkt_len < NET_ETH_MIN_LEN ? (uint16_t)(NET_ETH_MIN_LEN - m->pkt_len) : 0;
	char *pad;

	net_write_l2(
		ifc, eth, dst, family == SYNQ_NEIGH_V4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6);
	m->l2_len = net_l2_len(ifc);
	if (short_by != 0 && m->nb_segs == 1 && (pad = rte_pktmbuf_append(m, short_by)) != NULL)
		memset(pad, 0, short_by);
}

static void
build_arp(const struct synq_iface *ifc, const struct synq_config_port *cp, unsigned int src,
	const struct synq_neigh_solicit *sol, struct rte_mbuf *m, uint16_t len)
{
	static const struct rte_ether_addr bcast = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *arp = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, net_l2_len(ifc));

	memset(eth, 0, len);
	/* RFC 826: broadcast while resolving; a probe of a MAC known goes to it (as Linux) */
	net_write_l2(ifc, eth, sol->unicast ? &sol->mac : &bcast, RTE_ETHER_TYPE_ARP);
	arp->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = sizeof(uint32_t);
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
	arp->arp_data.arp_sha = ifc->mac;
	arp->arp_data.arp_sip = cp->ipv4[src];
	/* arp_tha stays zero: what we ask for */
	memcpy(&arp->arp_data.arp_tip, sol->addr, 4);
}

static void
build_ns(const struct synq_iface *ifc, const struct synq_config_port *cp, unsigned int src,
	const struct synq_neigh_solicit *sol, struct rte_mbuf *m, uint16_t len)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, net_l2_len(ifc));
	uint8_t *ns = (uint8_t *)(ip6 + 1);
	struct rte_ether_addr dst_mac;
	uint16_t cksum;

	memset(eth, 0, len);
	ip6->vtc_flow = RTE_BE32(6u << 28);
	ip6->payload_len = RTE_BE16(NS_LEN);
	ip6->proto = IPPROTO_ICMPV6;
	ip6->hop_limits = ND_HOP_LIMIT; /* RFC 4861 7.1.1: receivers check it */
	memcpy(ip6->src_addr, cp->ipv6[src], 16);
	if (sol->unicast) {
		/* 7.3.3 PROBE: unicast to the target, at the MAC known */
		memcpy(ip6->dst_addr, sol->addr, 16);
		dst_mac = sol->mac;
	} else {
		/* 7.2.2: the target's solicited-node group (RFC 4291 2.7.1), ff02::1:ffXX:XXXX,
		 * on its Ethernet group 33:33:ff:XX:XX:XX (RFC 2464 7) */
		static const uint8_t snm[13] = {0xff, 0x02, [11] = 0x01, [12] = 0xff};

		memcpy(ip6->dst_addr, snm, sizeof(snm));
		memcpy(ip6->dst_addr + 13, sol->addr + 13, 3);
		dst_mac = (struct rte_ether_addr){
			{0x33, 0x33, 0xff, sol->addr[13], sol->addr[14], sol->addr[15]}};
	}
	net_write_l2(ifc, eth, &dst_mac, RTE_ETHER_TYPE_IPV6);
	ns[0] = ND_NEIGHBOR_SOLICIT;
	memcpy(ns + 8, sol->addr, 16);
	/* 7.2.2: the source link-layer address, so that the target can answer at once */
	ns[24] = ND_OPT_SOURCE_LLADDR;
	ns[25] = 1;
	memcpy(ns + 26, ifc->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	cksum = synq_cksum_value(synq_cksum_add(
		synq_cksum_ipv6_phdr(ip6->src_addr, ip6->dst_addr, IPPROTO_ICMPV6, NS_LEN), ns,
		NS_LEN));
	memcpy(ns + 2, &cksum, sizeof(cksum));
}

int
synq_net_build_solicit(const struct synq_iface *ifc, const struct synq_config_port *cp,
	const struct synq_neigh_solicit *sol, struct rte_mbuf *m)
{
	bool v4 = sol->family == SYNQ_NEIGH_V4;
	uint16_t len = net_l2_len(ifc) +
		       (v4 ? sizeof(struct rte_arp_hdr) : sizeof(struct rte_ipv6_hdr) + NS_LEN);
	int src;

	len = RTE_MAX(len, (uint16_t)NET_ETH_MIN_LEN);
	if (!v4 && sol->family != SYNQ_NEIGH_V6)
		return -EINVAL;
	src = synq_route_source(cp, v4 ? 4 : 6, sol->addr);
	if (src < 0)
		return -EINVAL;
	/* RFC 4862 5.4: a tentative address is no source, a duplicate one never again */
	if (!v4 && !synq_iface_ipv6_usable(ifc, (unsigned int)src))
		return -EADDRNOTAVAIL;
	if ((uint32_t)m->buf_len - m->data_off < len)
		return -ENOSPC;
	if (v4)
		build_arp(ifc, cp, (unsigned int)src, sol, m, len);
	else
		build_ns(ifc, cp, (unsigned int)src, sol, m, len);
	m->data_len = len;
	m->pkt_len = len;
	m->ol_flags = 0;
	return 0;
}

/* Build and send one solicitation the table asked for; false when none went. */
static bool
send_solicit(struct synq_net_resolver *r, const struct synq_neigh_solicit *sol)
{
	const struct synq_iface *ifc = sol->port < SYNQ_MAX_PORTS ? r->iface[sol->port] : NULL;
	struct rte_mbuf *m;

	m = ifc != NULL && r->pool != NULL ? rte_pktmbuf_alloc(r->pool) : NULL;
	if (m == NULL || synq_net_build_solicit(ifc, &r->cfg->ports[sol->port], sol, m) != 0) {
		rte_pktmbuf_free(m);
		synq_counter_inc(r->ctr, SYNQ_CTR_NEIGH_SOLICIT_FAILED);
		return false;
	}
	if (sol->family == SYNQ_NEIGH_V4) {
		synq_counter_inc(r->ctr, SYNQ_CTR_ARP_OUT_REQUESTS);
	} else {
		synq_counter_inc(r->ctr, SYNQ_CTR_ICMP6_OUT_NEIGHBOR_SOLICITS);
		synq_counter_inc(r->ctr, SYNQ_CTR_ICMP6_OUT_MSGS);
	}
	r->tx(r->tx_arg, sol->port, &m, 1);
	return true;
}

static void
refuse(struct synq_net_resolver *r, struct rte_mbuf *m, enum synq_counter id)
{
	rte_pktmbuf_free(m);
	synq_counter_inc(r->ctr, id);
}

/*
 * Whether @p dst of @p family is one host we may send to: not 0.0.0.0/8, loopback,
 * multicast, class E nor broadcast (RFC 1122 3.2.1.3); not ::, ::1, an IPv4-mapped
 * address nor multicast (RFC 4291 2.5.2, 2.5.3, 2.5.5.2, 2.7).
 */
static bool
destination_ok(uint8_t family, const uint8_t *dst)
{
	static const uint8_t v4mapped[12] = {[10] = 0xff, [11] = 0xff};
	static const uint8_t zero[16];

	if (family == SYNQ_NEIGH_V4)
		return dst[0] != 0 && dst[0] != 127 && dst[0] < 224;
	return family == SYNQ_NEIGH_V6 && dst[0] != 0xff &&
	       !(memcmp(dst, zero, 15) == 0 && dst[15] <= 1) &&
	       memcmp(dst, v4mapped, sizeof(v4mapped)) != 0;
}

int
synq_net_send_routed(
	struct synq_net_resolver *r, struct rte_mbuf *m, uint8_t family, const uint8_t *dst)
{
	return synq_net_send_routed_via(r, m, family, dst, NULL);
}

int
synq_net_send_routed_via(struct synq_net_resolver *r, struct rte_mbuf *m, uint8_t family,
	const uint8_t *dst, const struct synq_iface *via)
{
	struct synq_neigh_solicit sol;
	const struct synq_iface *ifc;
	struct synq_route_hop hop;
	struct rte_ether_addr mac;
	uint32_t dst4;
	bool solicit;
	int rc;

	if (!destination_ok(family, dst)) {
		refuse(r, m, SYNQ_CTR_ROUTE_BAD_PACKET);
		return -EINVAL;
	}
	if (family == SYNQ_NEIGH_V4) {
		memcpy(&dst4, dst, sizeof(dst4));
		rc = synq_route_lookup4(r->routes, dst4, &hop);
	} else {
		rc = synq_route_lookup6(r->routes, dst, &hop);
	}
	if (rc != 0) {
		refuse(r, m, SYNQ_CTR_ROUTE_NO_ROUTE);
		return -ENETUNREACH;
	}
	ifc = hop.port < SYNQ_MAX_PORTS ? r->iface[hop.port] : NULL;
	if (ifc == NULL) {
		refuse(r, m, SYNQ_CTR_ROUTE_NO_TXQ);
		return -ENXIO;
	}
	/* a connection's replies come back on the port it was made on, not on this one */
	if (via != NULL && ifc != via) {
		refuse(r, m, SYNQ_CTR_ROUTE_WRONG_PORT);
		return -EXDEV;
	}
	/* checked before the table may queue it: it is sent later with no way back */
	if (rte_pktmbuf_headroom(m) < net_l2_len(ifc)) {
		refuse(r, m, SYNQ_CTR_ROUTE_BAD_PACKET);
		return -EINVAL;
	}
	rc = synq_neigh_lookup(
		r->neigh, hop.port, family, hop.addr, m, r->now_ms, &mac, &sol, &solicit);
	if (solicit)
		send_solicit(r, &sol);
	if (rc != 0)
		return rc; /* queued, or dropped and counted by the table */
	push_l2(ifc, m, family, &mac);
	synq_counter_inc(r->ctr, SYNQ_CTR_ROUTE_OUT);
	r->tx(r->tx_arg, hop.port, &m, 1);
	return 0;
}

unsigned int
synq_net_resolve_timers(struct synq_net_resolver *r)
{
	struct synq_neigh_solicit sol[SYNQ_RESOLVE_BURST];
	unsigned int n = synq_neigh_timers(r->neigh, r->now_ms, sol, RTE_DIM(sol));
	unsigned int sent = 0;

	for (unsigned int i = 0; i < n; i++)
		sent += send_solicit(r, &sol[i]);
	return sent;
}

int
synq_net_resolve_fact(struct synq_net_resolver *r, const struct synq_neigh_fact *fact)
{
	void *out[SYNQ_NEIGH_QUEUE];
	struct rte_mbuf *pkts[SYNQ_NEIGH_QUEUE];
	const struct synq_iface *ifc;
	int n;

	/* the workers post a fact only to the peers of its port: never true but forged */
	ifc = fact->port < SYNQ_MAX_PORTS ? r->iface[fact->port] : NULL;
	if (ifc == NULL)
		return -EINVAL;
	if (fact->flags & SYNQ_NEIGH_FACT_NO_LLADDR) {
		/* RFC 4861 7.2.5: no target link-layer address: a solicited advertisement
		 * confirms the MAC held (REACHABLE), an unsolicited one changes nothing, an
		 * INCOMPLETE entry learns nothing */
		if (fact->flags & SYNQ_NEIGH_FACT_SOLICITED)
			synq_neigh_confirm(
				r->neigh, fact->port, fact->family, fact->addr, r->now_ms);
		return 0;
	}
	n = synq_neigh_advert(r->neigh, fact->port, fact->family, fact->addr, &fact->mac,
		(fact->flags & SYNQ_NEIGH_FACT_SOLICITED) != 0,
		(fact->flags & SYNQ_NEIGH_FACT_OVERRIDE) != 0, r->now_ms, out);
	if (n <= 0)
		return n;
	for (int i = 0; i < n; i++) {
		pkts[i] = out[i];
		push_l2(ifc, pkts[i], fact->family, &fact->mac);
	}
	synq_counter_add(r->ctr, SYNQ_CTR_ROUTE_OUT, (uint64_t)n);
	r->tx(r->tx_arg, fact->port, pkts, (uint16_t)n);
	return n;
}
