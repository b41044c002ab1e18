/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 as a host on its link: Multicast Listener Discovery version 2 (RFC 3810) for
 * the solicited-node groups of our addresses, so that a snooping switch delivers the
 * neighbour solicitations sent to them, and duplicate address detection (RFC 4862
 * 5.4) of our addresses at start.
 *
 * An address's state lives in its port's synq_iface_live, shared by the port's
 * workers: the worker of rx queue 0 runs the start and the timers (the probes, the
 * reports, the end of the detection, the log line), any worker may find an address
 * duplicate. Nothing here logs or allocates at packet rate.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_log.h>

#include "net_priv.h"
#include "synq_cksum.h"

#define RTE_LOGTYPE_SYNQ_NET RTE_LOGTYPE_USER3
#define NET_LOG(level, fmt, ...) RTE_LOG(level, SYNQ_NET, "net: " fmt "\n", ##__VA_ARGS__)

#define MLD_QUERY 130		/* RFC 3810 5.1 (and RFC 2710's, same type) */
#define MLD_V2_REPORT 143	/* RFC 3810 5.2 */
#define MLD_MODE_IS_EXCLUDE 2	/* a current-state record (5.2.12) */
#define MLD_CHANGE_TO_EXCLUDE 4 /* a filter-mode-change record: a join */
#define MLD_V1_QUERY_LEN 24	/* an MLDv1 query (RFC 3810 8.1) */
#define MLD_V2_QUERY_MIN_LEN 28 /* an MLDv2 one; any other length is ignored */
#define ND_NEIGHBOR_SOLICIT 135
#define ND_NEIGHBOR_ADVERT 136
#define ND_HOP_LIMIT 255
#define ND_NA_MIN_LEN 24	  /* RFC 4861 7.1.2 */
#define ND_NA_FLAG_SOLICITED 0x40 /* in the first byte of the flags */
#define IP6_OPT_PAD1 0
#define IP6_OPT_ACTION 0xc0    /* RFC 8200 4.2: what an unknown option asks for */
#define IP6_OPT_ROUTER_ALERT 5 /* RFC 2711; value 0: an MLD message */

/* The Hop-by-Hop header of every report: Router Alert (MLD), then PadN to 8 bytes. */
static const uint8_t report_hbh[8] = {IPPROTO_ICMPV6, 0, IP6_OPT_ROUTER_ALERT, 2, 0, 0, 1, 0};
static const uint8_t all_mld_routers[16] = {0xff, 0x02, [15] = 0x16}; /* ff02::16 */
static const struct rte_ether_addr all_mld_routers_mac = {{0x33, 0x33, 0, 0, 0, 0x16}};

struct mld_report_hdr {
	uint8_t type;
	uint8_t code;
	rte_be16_t cksum;
	rte_be16_t reserved;
	rte_be16_t nb_records;
} __rte_packed;

struct mld_record {
	uint8_t type;
	uint8_t aux_len;
	rte_be16_t nb_sources;
	uint8_t group[16];
} __rte_packed;

/* The solicited-node group of @p a: ff02::1:ff00:0/104 and its last 24 bits. */
static void
solicited_node(uint8_t group[16], const uint8_t a[16])
{
	static const uint8_t prefix[13] = {0xff, 0x02, [11] = 0x01, [12] = 0xff};

	memcpy(group, prefix, sizeof(prefix));
	memcpy(group + 13, a + 13, 3);
}

/* An address is in a group synq listens to if it is not duplicate. */
static bool
listens(const struct synq_iface *ifc, unsigned int i)
{
	return synq_iface_ipv6_state(ifc, i) != SYNQ_IP6_DUPLICATE;
}

/* Is @p g the solicited-node group of one of the addresses we listen for? */
static bool
group_is_ours(const struct synq_iface *ifc, const uint8_t g[16])
{
	uint8_t sn[16];

	for (unsigned int i = 0; i < ifc->nb_ipv6; i++) {
		solicited_node(sn, ifc->ipv6[i]);
		if (listens(ifc, i) && memcmp(sn, g, 16) == 0)
			return true;
	}
	return false;
}

/*
 * Write the Ethernet header (and the port's VLAN tag) at the start of @p m, to @p dst;
 * return the L2 length, or 0 if @p m cannot hold @p l3_len more bytes.
 */
static uint16_t
start_frame(const struct synq_iface *ifc, struct rte_mbuf *m, const struct rte_ether_addr *dst,
	uint16_t l3_len)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	uint16_t l2_len = net_l2_len(ifc);
	uint16_t len = RTE_MAX(NET_ETH_MIN_LEN, l2_len + l3_len);

	if ((uint32_t)m->buf_len - m->data_off < len)
		return 0;
	memset(eth, 0, len);
	net_write_l2(ifc, eth, dst, RTE_ETHER_TYPE_IPV6);
	m->data_len = len;
	m->pkt_len = len;
	m->ol_flags = 0;
	return l2_len;
}

/*
 * synq_net_build_mld_report(), of group @p only alone (an answer to a query for that
 * group, RFC 3810 6.2: no other record) or, NULL, of every group. @p only must not
 * point into @p m.
 */
static int
build_report(const struct synq_iface *ifc, bool change, const uint8_t *only, struct rte_mbuf *m)
{
	uint8_t groups[SYNQ_IFACE_MAX_IPV6][16];
	unsigned int nb = 0;
	struct rte_ipv6_hdr *ip6;
	struct mld_report_hdr *r;
	struct mld_record *rec;
	uint16_t l2_len, icmp_len;

	/* one record a group: two addresses may share their last 24 bits */
	for (unsigned int i = 0; i < ifc->nb_ipv6; i++) {
		unsigned int j;

		if (!listens(ifc, i))
			continue;
		solicited_node(groups[nb], ifc->ipv6[i]);
		if (only != NULL && memcmp(groups[nb], only, 16) != 0)
			continue;
		for (j = 0; j < nb && memcmp(groups[j], groups[nb], 16) != 0; j++)
			;
		if (j == nb)
			nb++;
	}
	icmp_len = (uint16_t)(sizeof(*r) + nb * sizeof(*rec));
	l2_len = start_frame(ifc, m, &all_mld_routers_mac,
		(uint16_t)(sizeof(*ip6) + sizeof(report_hbh) + icmp_len));
	if (l2_len == 0)
		return -ENOSPC;
	ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, l2_len);
	ip6->vtc_flow = RTE_BE32(6u << 28);
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)(sizeof(report_hbh) + icmp_len));
	ip6->proto = 0; /* Hop-by-Hop */
	ip6->hop_limits = 1;
	/* RFC 3810 5.2.13: a link-local source, or :: while none is valid yet */
	for (unsigned int i = 0; i < ifc->nb_ipv6; i++)
		if (synq_in6_linklocal(ifc->ipv6[i]) && synq_iface_ipv6_usable(ifc, i)) {
			memcpy(ip6->src_addr, ifc->ipv6[i], 16);
			break;
		}
	memcpy(ip6->dst_addr, all_mld_routers, 16);
	memcpy(ip6 + 1, report_hbh, sizeof(report_hbh));
	r = (struct mld_report_hdr *)((uint8_t *)(ip6 + 1) + sizeof(report_hbh));
	r->type = MLD_V2_REPORT;
	r->nb_records = rte_cpu_to_be_16((uint16_t)nb);
	rec = (struct mld_record *)(r + 1);
	for (unsigned int i = 0; i < nb; i++) {
		rec[i].type = change ? MLD_CHANGE_TO_EXCLUDE : MLD_MODE_IS_EXCLUDE;
		memcpy(rec[i].group, groups[i], 16);
	}
	/* RFC 4443 2.3: the pseudo-header's length is the ICMPv6 message's */
	r->cksum = synq_cksum_value(synq_cksum_add(
		synq_cksum_ipv6_phdr(ip6->src_addr, ip6->dst_addr, IPPROTO_ICMPV6, icmp_len), r,
		icmp_len));
	return 0;
}

int
synq_net_build_mld_report(const struct synq_iface *ifc, bool change, struct rte_mbuf *m)
{
	return build_report(ifc, change, NULL, m);
}

int
synq_net_build_dad_ns(const struct synq_iface *ifc, unsigned int addr_idx, struct rte_mbuf *m)
{
	const uint16_t icmp_len = 24; /* type, code, checksum, reserved, target */
	struct rte_ether_addr dst = {{0x33, 0x33, 0xff, 0, 0, 0}};
	struct rte_ipv6_hdr *ip6;
	uint8_t *ns;
	uint16_t l2_len;

	if (addr_idx >= ifc->nb_ipv6)
		return -EINVAL;
	/* RFC 2464 7: 33:33 and the group's last 32 bits */
	memcpy(&dst.addr_bytes[3], &ifc->ipv6[addr_idx][13], 3);
	l2_len = start_frame(ifc, m, &dst, (uint16_t)(sizeof(*ip6) + icmp_len));
	if (l2_len == 0)
		return -ENOSPC;
	ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, l2_len);
	ip6->vtc_flow = RTE_BE32(6u << 28);
	ip6->payload_len = rte_cpu_to_be_16(icmp_len);
	ip6->proto = IPPROTO_ICMPV6;
	ip6->hop_limits = ND_HOP_LIMIT;
	/* the source stays :: (RFC 4862 5.4.2), and no source link-layer option goes */
	solicited_node(ip6->dst_addr, ifc->ipv6[addr_idx]);
	ns = (uint8_t *)(ip6 + 1);
	ns[0] = ND_NEIGHBOR_SOLICIT;
	memcpy(ns + 8, ifc->ipv6[addr_idx], 16);
	{
		rte_be16_t ck = synq_cksum_value(
			synq_cksum_add(synq_cksum_ipv6_phdr(ip6->src_addr, ip6->dst_addr,
					       IPPROTO_ICMPV6, icmp_len),
				ns, icmp_len));

		memcpy(ns + 2, &ck, sizeof(ck));
	}
	return 0;
}

/*
 * Address number @p i is found duplicate: only the worker whose compare and swap
 * turns it from TENTATIVE counts it; rx queue 0's worker logs it from its tick.
 */
static void
mark_duplicate(const struct synq_iface *ifc, struct synq_counters *ctr, unsigned int i)
{
	uint8_t tentative = SYNQ_IP6_TENTATIVE;

	if (ifc->live == NULL ||
		!atomic_compare_exchange_strong_explicit(&ifc->live->ipv6_state[i], &tentative,
			SYNQ_IP6_DUPLICATE, memory_order_relaxed, memory_order_relaxed))
		return;
	synq_counter_inc(ctr, SYNQ_CTR_IP6_DAD_DUPLICATES);
	atomic_store_explicit(&ifc->live->dup_pending, true, memory_order_release);
}

bool
net_dad_ns_allowed(const struct synq_iface *ifc, struct synq_counters *ctr,
	const uint8_t target[16], bool from_dad)
{
	int i = synq_iface_ipv6_index(ifc, target);

	if (i < 0 || synq_iface_ipv6_usable(ifc, (unsigned int)i))
		return true;
	/* RFC 4862 5.4.3: another node probes the address we probe; both lose it */
	if (from_dad)
		mark_duplicate(ifc, ctr, (unsigned int)i);
	synq_counter_inc(ctr, SYNQ_CTR_IP6_DROP_TENTATIVE);
	return false;
}

/*
 * RFC 4861 7.1.2: what a node checks before it trusts an advertisement (the checksum
 * was checked before). The hop limit of 255 is what keeps a node off the link from
 * taking our tentative addresses.
 */
static bool
na_valid(const struct rte_ipv6_hdr *ip6, const uint8_t *na, uint16_t len)
{
	const uint8_t *opt = na + ND_NA_MIN_LEN;
	const uint8_t *end = na + len;

	if (len < ND_NA_MIN_LEN || ip6->hop_limits != ND_HOP_LIMIT || na[1] != 0 || na[8] == 0xff)
		return false;
	/* to a multicast destination, the Solicited flag clear */
	if (ip6->dst_addr[0] == 0xff && (na[4] & ND_NA_FLAG_SOLICITED))
		return false;
	/* every option longer than zero, and within the message */
	while (opt < end) {
		if (end - opt < 2 || opt[1] == 0 || opt[1] * 8 > end - opt)
			return false;
		opt += opt[1] * 8;
	}
	return true;
}

enum net_verdict
net_dad_na_input(const struct synq_iface *ifc, struct synq_counters *ctr,
	const struct rte_ipv6_hdr *ip6, const uint8_t *na, uint16_t len)
{
	int i;

	if (!na_valid(ip6, na, len)) {
		synq_counter_inc(ctr, SYNQ_CTR_ICMP6_IN_ERRORS);
		return NET_DROP;
	}
	i = synq_iface_ipv6_index(ifc, na + 8);
	if (i < 0 || synq_iface_ipv6_usable(ifc, (unsigned int)i)) {
		synq_counter_inc(ctr, SYNQ_CTR_ICMP6_IN_IGNORED);
		return NET_DROP;
	}
	/* RFC 4862 5.4.4: someone has the address we were about to take */
	mark_duplicate(ifc, ctr, (unsigned int)i);
	synq_counter_inc(ctr, SYNQ_CTR_IP6_DROP_TENTATIVE);
	return NET_DROP;
}

bool
net_dad_defence(const struct synq_iface *ifc, const struct rte_ipv6_hdr *ip6, uint16_t len)
{
	int i;

	if (ip6->proto != IPPROTO_ICMPV6 || len < 1 ||
		*(const uint8_t *)(ip6 + 1) != ND_NEIGHBOR_ADVERT)
		return false;
	i = synq_iface_ipv6_index(ifc, ip6->src_addr);
	return i >= 0 && !synq_iface_ipv6_usable(ifc, (unsigned int)i);
}

/*
 * The Hop-by-Hop header at @p hbh, @p len bytes of payload: its length, whether its
 * options hold a Router Alert for MLD (RFC 2711, value 0). 0: malformed, or an option
 * that says to discard the packet.
 */
static uint16_t
hbh_parse(const uint8_t *hbh, uint16_t len, bool *router_alert)
{
	uint16_t hlen;
	uint16_t o = 2;

	*router_alert = false;
	if (len < 8)
		return 0;
	hlen = (uint16_t)((hbh[1] + 1) * 8);
	if (hlen > len)
		return 0;
	while (o < hlen) {
		if (hbh[o] == IP6_OPT_PAD1) {
			o++;
			continue;
		}
		if (hlen - o < 2 || hbh[o + 1] > hlen - o - 2)
			return 0;
		/* RFC 8200 4.2: an option we do not know whose type's two high bits are
		 * not 00 discards the packet (PadN and the Router Alert are 00) */
		if ((hbh[o] & IP6_OPT_ACTION) != 0)
			return 0;
		if (hbh[o] == IP6_OPT_ROUTER_ALERT && hbh[o + 1] == 2 && hbh[o + 2] == 0 &&
			hbh[o + 3] == 0)
			*router_alert = true;
		o = (uint16_t)(o + 2 + hbh[o + 1]);
	}
	return hlen;
}

/*
 * One report a second a port answers queries with, whatever worker they reach: a
 * query flood must not turn synq into a reflector. True when this one may go.
 */
static bool
answer_allowed(const struct synq_iface *ifc, const struct net_frame *f)
{
	uint64_t next;

	if (ifc->live == NULL || f->nw == NULL)
		return true;
	next = atomic_load_explicit(&ifc->live->mld_answer_tsc, memory_order_relaxed);
	if ((int64_t)(f->nw->now_tsc - next) < 0)
		return false;
	return atomic_compare_exchange_strong_explicit(&ifc->live->mld_answer_tsc, &next,
		f->nw->now_tsc + f->nw->tsc_hz, memory_order_relaxed, memory_order_relaxed);
}

enum net_verdict
net_mld_input(const struct synq_iface *ifc, struct synq_counters *ctr, struct net_frame *f,
	struct rte_ipv6_hdr *ip6, uint16_t len)
{
	const uint8_t *hbh = (const uint8_t *)(ip6 + 1);
	static const uint8_t unspecified[16];
	bool router_alert;
	uint16_t hlen = hbh_parse(hbh, len, &router_alert);
	uint8_t group[16];
	bool general;
	const uint8_t *q;
	uint16_t qlen;

	/* only MLD comes after a Hop-by-Hop header here: anything else is unknown */
	if (len >= 1 && hbh[0] != IPPROTO_ICMPV6) {
		synq_counter_inc(ctr, SYNQ_CTR_IP6_IN_UNKNOWN_PROTOS);
		return NET_DROP;
	}
	if (hlen == 0) {
		synq_counter_inc(ctr, SYNQ_CTR_IP6_IN_HDR_ERRORS);
		return NET_DROP;
	}
	q = hbh + hlen;
	qlen = len - hlen;
	synq_counter_inc(ctr, SYNQ_CTR_ICMP6_IN_MSGS);
	if (qlen < 4) {
		synq_counter_inc(ctr, SYNQ_CTR_ICMP6_IN_ERRORS);
		return NET_DROP;
	}
	if (synq_cksum_fold(synq_cksum_add(
		    synq_cksum_ipv6_phdr(ip6->src_addr, ip6->dst_addr, IPPROTO_ICMPV6, qlen), q,
		    qlen)) != 0xffff) {
		synq_counter_inc(ctr, SYNQ_CTR_ICMP6_IN_CSUM_ERRORS);
		return NET_DROP;
	}
	if (q[0] != MLD_QUERY) {
		/* other listeners' reports, done messages: nothing for a host to do */
		synq_counter_inc(ctr, SYNQ_CTR_ICMP6_IN_IGNORED);
		return NET_DROP;
	}
	synq_counter_inc(ctr, SYNQ_CTR_ICMP6_IN_GROUP_MEMB_QUERIES);
	/* RFC 3810 5.1.14: from a link-local source, hop limit 1, Router Alert */
	if (!synq_in6_linklocal(ip6->src_addr) || ip6->hop_limits != 1 || !router_alert ||
		(qlen != MLD_V1_QUERY_LEN && qlen < MLD_V2_QUERY_MIN_LEN)) {
		synq_counter_inc(ctr, SYNQ_CTR_MLD_DROP_INVALID);
		return NET_DROP;
	}
	/* a general query (group ::) or one for a group we are in (5.1.15, 6.2) */
	memcpy(group, q + 8, 16); /* the report overwrites the query */
	general = memcmp(group, unspecified, 16) == 0;
	if (!general && !group_is_ours(ifc, group)) {
		synq_counter_inc(ctr, SYNQ_CTR_ICMP6_IN_IGNORED);
		return NET_DROP;
	}
	if (!answer_allowed(ifc, f)) {
		synq_counter_inc(ctr, SYNQ_CTR_MLD_QUERY_RATE_LIMITED);
		return NET_DROP;
	}
	/* the query's own mbuf, ours alone (frame_input checked), carries the report */
	if (build_report(ifc, false, general ? NULL : group, f->m) != 0) {
		synq_counter_inc(ctr, SYNQ_CTR_ICMP6_IN_ERRORS);
		return NET_DROP;
	}
	synq_counter_inc(ctr, SYNQ_CTR_ICMP6_OUT_MLDV2_REPORTS);
	synq_counter_inc(ctr, SYNQ_CTR_ICMP6_OUT_MSGS);
	return NET_REPLY;
}

/* The addresses still tentative, as the gauge shows them. */
static unsigned int
count_tentative(const struct synq_iface *ifc)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < ifc->nb_ipv6; i++)
		n += synq_iface_ipv6_state(ifc, i) == SYNQ_IP6_TENTATIVE;
	return n;
}

/*
 * The port's share of the gauge SynqIp6Tentative becomes its tentative addresses: the
 * gauge is the worker's, summed over the ports whose rx queue 0 it polls, so each port
 * adds what changed in its own share (a fall wraps around to an addition).
 */
static void
show_tentative(const struct synq_iface *ifc, struct synq_counters *ctr)
{
	struct synq_iface_live *live = ifc->live;
	unsigned int n = count_tentative(ifc);

	synq_counter_add(ctr, SYNQ_CTR_IP6_TENTATIVE, (uint64_t)n - live->tentative_shown);
	live->tentative_shown = n;
}

/* A report from @p pool in out[*n]; counted. */
static void
add_report(const struct synq_iface *ifc, struct synq_counters *ctr, struct rte_mempool *pool,
	struct rte_mbuf **out, unsigned int *n)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	if (m == NULL)
		return;
	if (synq_net_build_mld_report(ifc, true, m) != 0) {
		rte_pktmbuf_free(m);
		return;
	}
	out[(*n)++] = m;
	synq_counter_inc(ctr, SYNQ_CTR_ICMP6_OUT_MLDV2_REPORTS);
	synq_counter_inc(ctr, SYNQ_CTR_ICMP6_OUT_MSGS);
}

unsigned int
synq_net_host6_start(const struct synq_iface *ifc, struct synq_counters *ctr, uint64_t now_tsc,
	uint64_t tsc_hz, struct rte_mempool *pool, struct rte_mbuf **out)
{
	struct synq_iface_live *live = ifc->live;
	unsigned int n = 0;
	unsigned int tentative;

	if (live == NULL || live->started)
		return 0;
	live->started = true;
	/* the gauge before the report's count: a reader that sees the report sent sees
	 * how many addresses are tentative (tests/e2e waits on the two) */
	show_tentative(ifc, ctr);
	tentative = live->tentative_shown;
	/* RFC 4862 5.4.2: join the solicited-node groups before probing */
	add_report(ifc, ctr, pool, out, &n);
	live->reports_left = 1;
	live->report_tsc = now_tsc + tsc_hz;
	if (tentative == 0)
		return n;
	/* DupAddrDetectTransmits 1, RetransTimer 1 s (RFC 4861 10) */
	live->dad_end_tsc = now_tsc + tsc_hz;
	for (unsigned int i = 0; i < ifc->nb_ipv6; i++) {
		struct rte_mbuf *m;

		if (synq_iface_ipv6_state(ifc, i) != SYNQ_IP6_TENTATIVE)
			continue;
		m = rte_pktmbuf_alloc(pool);
		if (m == NULL)
			break;
		if (synq_net_build_dad_ns(ifc, i, m) != 0) {
			rte_pktmbuf_free(m);
			continue;
		}
		out[n++] = m;
		synq_counter_inc(ctr, SYNQ_CTR_ICMP6_OUT_DAD_SOLICITS);
		synq_counter_inc(ctr, SYNQ_CTR_ICMP6_OUT_MSGS);
	}
	return n;
}

/* Log each address found duplicate, once. */
static void
log_duplicates(const struct synq_iface *ifc)
{
	struct synq_iface_live *live = ifc->live;

	atomic_store_explicit(&live->dup_pending, false, memory_order_relaxed);
	for (unsigned int i = 0; i < ifc->nb_ipv6; i++) {
		char s[INET6_ADDRSTRLEN];

		if (synq_iface_ipv6_state(ifc, i) != SYNQ_IP6_DUPLICATE ||
			(live->dup_logged & (1u << i)))
			continue;
		live->dup_logged |= 1u << i;
		if (inet_ntop(AF_INET6, ifc->ipv6[i], s, sizeof(s)) == NULL)
			snprintf(s, sizeof(s), "number %u", i);
		NET_LOG(ERR,
			"port %u: IPv6 address %s is in use by another node (duplicate "
			"address detection, RFC 4862 5.4.5): synq will not use it",
			ifc->port_id, s);
	}
}

unsigned int
synq_net_host6_tick(const struct synq_iface *ifc, struct synq_counters *ctr, uint64_t now_tsc,
	uint64_t tsc_hz, struct rte_mempool *pool, struct rte_mbuf **out)
{
	struct synq_iface_live *live = ifc->live;
	unsigned int n = 0;

	if (live == NULL || !live->started)
		return 0;
	if (atomic_load_explicit(&live->dup_pending, memory_order_acquire)) {
		log_duplicates(ifc);
		show_tentative(ifc, ctr);
	}
	if (live->dad_end_tsc != 0 && (int64_t)(now_tsc - live->dad_end_tsc) >= 0) {
		/* RFC 4862 5.4.3: no answer within RetransTimer; the address is ours */
		for (unsigned int i = 0; i < ifc->nb_ipv6; i++) {
			uint8_t tentative = SYNQ_IP6_TENTATIVE;

			atomic_compare_exchange_strong_explicit(&live->ipv6_state[i], &tentative,
				SYNQ_IP6_PREFERRED, memory_order_relaxed, memory_order_relaxed);
		}
		live->dad_end_tsc = 0;
		show_tentative(ifc, ctr);
	}
	if (live->reports_left != 0 && (int64_t)(now_tsc - live->report_tsc) >= 0) {
		live->reports_left--;
		live->report_tsc = now_tsc + tsc_hz;
		add_report(ifc, ctr, pool, out, &n);
	}
	return n;
}
