/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 input (RFC 8200), ICMPv6 echo (RFC 4443 4.1/4.2) and neighbour discovery for
 * our addresses (RFC 4861 4.3, 4.4, 7.1.1, 7.2.4).
 */

#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "net_priv.h"
#include "synq_cksum.h"

#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define ND_NEIGHBOR_SOLICIT 135
#define ND_NEIGHBOR_ADVERT 136
#define ND_OPT_SOURCE_LLADDR 1
#define ND_OPT_TARGET_LLADDR 2
#define ND_NA_FLAG_SOLICITED 0x40000000
#define ND_NA_FLAG_OVERRIDE 0x20000000
#define ND_HOP_LIMIT 255
#define ECHO_HOP_LIMIT 64

struct icmp6_hdr {
	uint8_t type;
	uint8_t code;
	rte_be16_t cksum;
	rte_be32_t data; /* echo: id + seq; NA: flags; NS: reserved */
} __rte_packed;

/* NS and NA share this layout (RFC 4861 4.3, 4.4), options follow. */
struct nd_msg {
	struct icmp6_hdr hdr;
	uint8_t target[16];
} __rte_packed;

struct nd_opt_lladdr {
	uint8_t type;
	uint8_t len; /* in units of 8 bytes */
	struct rte_ether_addr mac;
} __rte_packed __rte_aligned(2);

static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 0x01};
static const uint8_t unspecified[16];
static const struct rte_ether_addr all_nodes_mac = {{0x33, 0x33, 0, 0, 0, 0x01}};

/* ff02::1:ffXX:XXXX of one of our addresses (RFC 4291 2.7.1)? */
static bool
is_our_solicited_node(const struct synq_iface *ifc, const uint8_t a[16])
{
	static const uint8_t prefix[13] = {0xff, 0x02, [11] = 0x01, [12] = 0xff};

	if (memcmp(a, prefix, sizeof(prefix)) != 0)
		return false;
	for (unsigned int i = 0; i < ifc->nb_ipv6; i++)
		if (memcmp(&ifc->ipv6[i][13], &a[13], 3) == 0)
			return true;
	return false;
}

/*
 * No reply may be aimed at multicast (RFC 4291 2.7), loopback (2.5.3), an
 * IPv4-mapped address (2.5.5.2, never on the wire) or ourselves. The unspecified
 * address (2.5.2) is a source only for duplicate address detection, an ICMPv6
 * neighbour solicitation, which ns_valid() checks: anything else from :: (TCP
 * above all) stops here; @p icmp6 says whether the packet is ICMPv6.
 */
static bool
src_valid(const struct synq_iface *ifc, const uint8_t a[16], bool icmp6)
{
	static const uint8_t v4mapped[12] = {[10] = 0xff, [11] = 0xff};

	if (a[0] == 0xff)
		return false;
	/* ::/96: ::1, the deprecated IPv4-compatible form (RFC 4291 2.5.5.1), and :: */
	if (memcmp(a, unspecified, 12) == 0)
		return icmp6 && memcmp(a, unspecified, 16) == 0;
	return memcmp(a, v4mapped, sizeof(v4mapped)) != 0 && !synq_iface_has_ipv6(ifc, a);
}

/* The sum of an ICMPv6 message with its pseudo-header (RFC 4443 2.3). */
static uint64_t
icmp6_sum(const struct rte_ipv6_hdr *ip6, const struct icmp6_hdr *icmp)
{
	uint16_t len = rte_be_to_cpu_16(ip6->payload_len);

	return synq_cksum_add(synq_cksum_ipv6_phdr(ip6->src_addr, ip6->dst_addr,
				      IPPROTO_ICMPV6, len), icmp, len);
}

static void
set_icmp6_cksum(struct rte_ipv6_hdr *ip6, struct icmp6_hdr *icmp)
{
	icmp->cksum = 0;
	icmp->cksum = synq_cksum_value(icmp6_sum(ip6, icmp));
}

static enum net_verdict
echo_input(const struct synq_iface *ifc, struct synq_counters *ctr, struct net_frame *f,
	struct rte_ipv6_hdr *ip6, struct icmp6_hdr *icmp, uint16_t len)
{
	uint8_t peer[16];

	/* Echo to a multicast group is not answered (one reply per member is noise). */
	if (!synq_iface_has_ipv6(ifc, ip6->dst_addr)) {
		synq_counter_inc(ctr, SYNQ_CTR_ICMP6_IN_IGNORED);
		return NET_DROP;
	}
	/* :: is a source only for duplicate address detection (RFC 4291 2.5.2). */
	if (memcmp(ip6->src_addr, unspecified, 16) == 0) {
		synq_counter_inc(ctr, SYNQ_CTR_IP6_DROP_BAD_SOURCE);
		return NET_DROP;
	}
	synq_counter_inc(ctr, SYNQ_CTR_ICMP6_IN_ECHOS);
	if (!net_echo_allowed(f)) {
		synq_counter_inc(ctr, SYNQ_CTR_ICMP6_ECHO_RATE_LIMITED);
		return NET_DROP;
	}
	memcpy(peer, ip6->src_addr, 16);
	memcpy(ip6->src_addr, ip6->dst_addr, 16);
	memcpy(ip6->dst_addr, peer, 16);
	ip6->hop_limits = ECHO_HOP_LIMIT;
	icmp->type = ICMP6_ECHO_REPLY;
	set_icmp6_cksum(ip6, icmp);
	if (!net_reply_l2(ifc, f, NULL, sizeof(*ip6) + len)) {
		synq_counter_inc(ctr, SYNQ_CTR_ICMP6_IN_ERRORS);
		return NET_DROP;
	}
	synq_counter_inc(ctr, SYNQ_CTR_ICMP6_OUT_ECHO_REPLIES);
	synq_counter_inc(ctr, SYNQ_CTR_ICMP6_OUT_MSGS);
	return NET_REPLY;
}

/* RFC 4861 7.1.1: the checks a node must make before it trusts a solicitation. */
static bool
ns_valid(const struct synq_iface *ifc, const struct rte_ipv6_hdr *ip6, const struct nd_msg *ns,
	uint16_t len)
{
	const uint8_t *opt = (const uint8_t *)(ns + 1);
	const uint8_t *end = (const uint8_t *)ns + len;
	bool dad = memcmp(ip6->src_addr, unspecified, 16) == 0;

	if (ip6->hop_limits != ND_HOP_LIMIT || ns->hdr.code != 0 || len < sizeof(*ns) ||
		ns->target[0] == 0xff)
		return false;
	if (dad && !is_our_solicited_node(ifc, ip6->dst_addr))
		return false;
	while (opt < end) {
		if (end - opt < 2 || opt[1] == 0 || opt[1] * 8 > end - opt)
			return false;
		if (dad && opt[0] == ND_OPT_SOURCE_LLADDR)
			return false;
		opt += opt[1] * 8;
	}
	return true;
}

/*
 * RFC 4861 7.2.3: a solicitation from an address (not ::) with a source link-layer
 * option says the solicitor's MAC: it updates an entry held for it (to STALE when the
 * MAC differs), never creates one. ns_valid() checked the options' lengths.
 */
static void
ns_learn(struct synq_counters *ctr, struct net_frame *f, const struct rte_ipv6_hdr *ip6,
	const struct nd_msg *ns, uint16_t len)
{
	const uint8_t *opt = (const uint8_t *)(ns + 1);
	const uint8_t *end = (const uint8_t *)ns + len;

	if (memcmp(ip6->src_addr, unspecified, 16) == 0)
		return;
	for (; opt < end; opt += opt[1] * 8)
		if (opt[0] == ND_OPT_SOURCE_LLADDR && opt[1] == 1) {
			net_neigh_fact(ctr, f, 6, ip6->src_addr,
				&((const struct nd_opt_lladdr *)(const void *)opt)->mac,
				SYNQ_NEIGH_FACT_OVERRIDE);
			return;
		}
}

/*
 * A neighbour advertisement (RFC 4861 4.4): checked as 7.1.2 says, then what its
 * target link-layer option says of the target goes to the neighbour tables with its
 * S and O flags (7.2.5: they update an entry held, never create one). Without that
 * option a solicited one still confirms the MAC an entry holds (7.2.5): a Linux host
 * leaves the option out when it answers a unicast solicitation, our probe of a STALE
 * entry (ndisc_recv_ns()), and an unanswered probe ends in FAILED. Nothing is sent.
 */
static enum net_verdict
na_input(struct synq_counters *ctr, struct net_frame *f, const struct rte_ipv6_hdr *ip6,
	const struct nd_msg *na, uint16_t len)
{
	const uint8_t *opt = (const uint8_t *)(na + 1);
	const uint8_t *end = (const uint8_t *)na + len;
	const struct rte_ether_addr *tlla = NULL;
	uint32_t flags;

	/* 7.1.2: hop limit 255, code 0, 24 bytes or more, a target that is no group, from
	 * an address (an advertisement from :: is no one's), S clear when to a group */
	if (ip6->hop_limits != ND_HOP_LIMIT || na->hdr.code != 0 || len < sizeof(*na) ||
		na->target[0] == 0xff || memcmp(ip6->src_addr, unspecified, 16) == 0) {
		synq_counter_inc(ctr, SYNQ_CTR_ICMP6_IN_ERRORS);
		return NET_DROP;
	}
	flags = rte_be_to_cpu_32(na->hdr.data);
	if ((flags & ND_NA_FLAG_SOLICITED) && ip6->dst_addr[0] == 0xff) {
		synq_counter_inc(ctr, SYNQ_CTR_ICMP6_IN_ERRORS);
		return NET_DROP;
	}
	while (opt < end) {
		if (end - opt < 2 || opt[1] == 0 || opt[1] * 8 > end - opt) {
			synq_counter_inc(ctr, SYNQ_CTR_ICMP6_IN_ERRORS);
			return NET_DROP;
		}
		if (opt[0] == ND_OPT_TARGET_LLADDR && opt[1] == 1)
			tlla = &((const struct nd_opt_lladdr *)(const void *)opt)->mac;
		opt += opt[1] * 8;
	}
	synq_counter_inc(ctr, SYNQ_CTR_ICMP6_IN_NEIGHBOR_ADVERTISEMENTS);
	if (tlla != NULL)
		net_neigh_fact(ctr, f, 6, na->target, tlla,
			((flags & ND_NA_FLAG_SOLICITED) ? SYNQ_NEIGH_FACT_SOLICITED : 0) |
				((flags & ND_NA_FLAG_OVERRIDE) ? SYNQ_NEIGH_FACT_OVERRIDE : 0));
	else if (flags & ND_NA_FLAG_SOLICITED)
		net_neigh_fact(ctr, f, 6, na->target, NULL, SYNQ_NEIGH_FACT_SOLICITED);
	return NET_DROP;
}

static enum net_verdict
ns_input(const struct synq_iface *ifc, struct synq_counters *ctr, struct net_frame *f,
	struct rte_ipv6_hdr *ip6, struct nd_msg *ns, uint16_t len)
{
	const uint16_t na_len = sizeof(struct nd_msg) + sizeof(struct nd_opt_lladdr);
	const struct rte_ether_addr *dst = NULL; /* the solicitor */
	struct nd_opt_lladdr *tlla;
	bool dad;

	if (!ns_valid(ifc, ip6, ns, len)) {
		synq_counter_inc(ctr, SYNQ_CTR_ICMP6_IN_ERRORS);
		return NET_DROP;
	}
	if (!synq_iface_has_ipv6(ifc, ns->target)) {
		synq_counter_inc(ctr, SYNQ_CTR_ICMP6_IN_IGNORED);
		return NET_DROP;
	}
	if (!net_dad_ns_allowed(ifc, ctr, ns->target, memcmp(ip6->src_addr, unspecified, 16) == 0))
		return NET_DROP;
	synq_counter_inc(ctr, SYNQ_CTR_ICMP6_IN_NEIGHBOR_SOLICITS);
	ns_learn(ctr, f, ip6, ns, len);
	if ((uint32_t)f->m->buf_len - f->m->data_off < f->l2_len + sizeof(*ip6) + na_len) {
		synq_counter_inc(ctr, SYNQ_CTR_ICMP6_IN_ERRORS);
		return NET_DROP;
	}

	/*
	 * RFC 4861 7.2.4: answer to the soliciting address, or to all-nodes when it
	 * was a duplicate address detection probe from ::, with S set only in the
	 * first case; O set, as we are the address's owner.
	 */
	dad = memcmp(ip6->src_addr, unspecified, 16) == 0;
	if (dad) {
		memcpy(ip6->dst_addr, all_nodes, 16);
		dst = &all_nodes_mac;
	} else {
		memcpy(ip6->dst_addr, ip6->src_addr, 16);
	}
	memcpy(ip6->src_addr, ns->target, 16);
	ip6->vtc_flow = RTE_BE32(6u << 28);
	ip6->payload_len = rte_cpu_to_be_16(na_len);
	ip6->proto = IPPROTO_ICMPV6;
	ip6->hop_limits = ND_HOP_LIMIT;
	ns->hdr.type = ND_NEIGHBOR_ADVERT;
	ns->hdr.code = 0;
	ns->hdr.data = rte_cpu_to_be_32(ND_NA_FLAG_OVERRIDE | (dad ? 0 : ND_NA_FLAG_SOLICITED));
	tlla = (struct nd_opt_lladdr *)(ns + 1);
	tlla->type = ND_OPT_TARGET_LLADDR;
	tlla->len = 1;
	tlla->mac = ifc->mac;
	set_icmp6_cksum(ip6, &ns->hdr);
	if (!net_reply_l2(ifc, f, dst, sizeof(*ip6) + na_len)) {
		synq_counter_inc(ctr, SYNQ_CTR_ICMP6_IN_ERRORS);
		return NET_DROP;
	}
	synq_counter_inc(ctr, SYNQ_CTR_ICMP6_OUT_NEIGHBOR_ADVERTISEMENTS);
	synq_counter_inc(ctr, SYNQ_CTR_ICMP6_OUT_MSGS);
	return NET_REPLY;
}

static enum net_verdict
icmp6_input(const struct synq_iface *ifc, struct synq_counters *ctr, struct net_frame *f,
	struct rte_ipv6_hdr *ip6, uint16_t len)
{
	struct icmp6_hdr *icmp = (struct icmp6_hdr *)(ip6 + 1);

	synq_counter_inc(ctr, SYNQ_CTR_ICMP6_IN_MSGS);
	if (len < sizeof(*icmp)) {
		synq_counter_inc(ctr, SYNQ_CTR_ICMP6_IN_ERRORS);
		return NET_DROP;
	}
	if (synq_cksum_fold(icmp6_sum(ip6, icmp)) != 0xffff) {
		synq_counter_inc(ctr, SYNQ_CTR_ICMP6_IN_CSUM_ERRORS);
		return NET_DROP;
	}
	if (icmp->type == ICMP6_ECHO_REQUEST && icmp->code == 0)
		return echo_input(ifc, ctr, f, ip6, icmp, len);
	if (icmp->type == ND_NEIGHBOR_SOLICIT)
		return ns_input(ifc, ctr, f, ip6, (struct nd_msg *)icmp, len);
	if (icmp->type == ND_NEIGHBOR_ADVERT) {
		/* an advertisement for one of our addresses is about duplicate address
		 * detection (mld.c); any other says what a neighbour's MAC is */
		if (len >= sizeof(struct nd_msg) &&
			synq_iface_ipv6_index(ifc, ((const struct nd_msg *)icmp)->target) >= 0)
			return net_dad_na_input(ifc, ctr, ip6, (const uint8_t *)icmp, len);
		return na_input(ctr, f, ip6, (const struct nd_msg *)icmp, len);
	}
	synq_counter_inc(ctr, SYNQ_CTR_ICMP6_IN_IGNORED);
	return NET_DROP;
}

enum net_verdict
net_ipv6_input(const struct synq_iface *ifc, struct synq_counters *ctr, struct net_frame *f)
{
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)f->l3;
	int daddr_idx;
	uint16_t len;

	synq_counter_inc(ctr, SYNQ_CTR_IP6_IN_RECEIVES);
	if (f->l3_len < sizeof(*ip6) || (rte_be_to_cpu_32(ip6->vtc_flow) >> 28) != 6) {
		synq_counter_inc(ctr, SYNQ_CTR_IP6_IN_HDR_ERRORS);
		return NET_DROP;
	}
	len = rte_be_to_cpu_16(ip6->payload_len);
	if (len > f->l3_len - sizeof(*ip6)) {
		synq_counter_inc(ctr, SYNQ_CTR_IP6_IN_HDR_ERRORS);
		return NET_DROP;
	}
	daddr_idx = synq_iface_ipv6_index(ifc, ip6->dst_addr);
	if (daddr_idx >= 0
			? f->l2_group /* unicast in a link-layer multicast */
			: !is_our_solicited_node(ifc, ip6->dst_addr) &&
				memcmp(ip6->dst_addr, all_nodes, 16) != 0) {
		synq_counter_inc(ctr, SYNQ_CTR_IP6_IN_ADDR_ERRORS);
		return NET_DROP;
	}
	if (!src_valid(ifc, ip6->src_addr, ip6->proto == IPPROTO_ICMPV6) &&
		!net_dad_defence(ifc, ip6, len)) {
		synq_counter_inc(ctr, SYNQ_CTR_IP6_DROP_BAD_SOURCE);
		return NET_DROP;
	}
	/* RFC 4862 5.4: a tentative or duplicate address receives nothing */
	if (daddr_idx >= 0 && !synq_iface_ipv6_usable(ifc, (unsigned int)daddr_idx)) {
		synq_counter_inc(ctr, SYNQ_CTR_IP6_DROP_TENTATIVE);
		return NET_DROP;
	}
	switch (ip6->proto) {
	case 0: /* Hop-by-Hop: MLD (RFC 3810 5) */
		return net_mld_input(ifc, ctr, f, ip6, len);
	case IPPROTO_ICMPV6:
		return icmp6_input(ifc, ctr, f, ip6, len);
	case IPPROTO_TCP:
		return net_tcp_input(ifc, ctr, f, 6, sizeof(*ip6), len, daddr_idx, 0, 0);
	default:
		synq_counter_inc(ctr, SYNQ_CTR_IP6_IN_UNKNOWN_PROTOS);
		return NET_DROP;
	}
}
