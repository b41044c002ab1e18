/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethernet and 802.1Q: check that a frame is for us, find its L3 header, dispatch.
 */

#include <assert.h>
#include <stddef.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "net_priv.h"
#include "synq_bytes.h"
#include "synq_cksum.h"

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

/*
 * TCP's verdicts are the frame's, number for number: the chunk's loops turn one into
 * the other with no switch (a table of two per frame, the tags' loop's included).
 */
static_assert(NET_DROP == (int)SYNQ_TCP_DROP && NET_REPLY == (int)SYNQ_TCP_REPLY &&
		      NET_CONSUMED == (int)SYNQ_TCP_CONSUMED &&
		      NET_PENDING == (int)SYNQ_TCP_DEFERRED,
	"enum net_verdict and enum synq_tcp_verdict number alike");

static inline enum net_verdict
net_of_tcp(enum synq_tcp_verdict v)
{
	return (enum net_verdict)v;
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
		.tag = f->idx,
	};

	/* TCP only to one of our unicast addresses: never to broadcast or a group */
	if (daddr_idx < 0 || f->l2_group) {
		synq_counter_inc(ctr,
			family == 4 ? SYNQ_CTR_IP_IN_ADDR_ERRORS : SYNQ_CTR_IP6_IN_ADDR_ERRORS);
		return NET_DROP;
	}
	seg.daddr_idx = (uint8_t)daddr_idx;
	return net_of_tcp(synq_tcp_input(f->tcp, ctr, ifc, &seg));
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
	struct synq_tcp_worker *tcp, uint8_t rxq_idx, struct rte_mbuf *m, uint16_t idx)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	uint16_t len = rte_pktmbuf_data_len(m);
	struct net_frame f = {.m = m,
		.l2_len = sizeof(*eth),
		.tcp = tcp,
		.nw = nw,
		.rxq_idx = rxq_idx,
		.idx = idx};
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
 * Byte swaps the compiler sees through: DPDK's x86 rte_bswap16/32 of a variable are
 * volatile asm, which pins registers and can be neither merged nor moved.
 */
static inline uint16_t
be16_host(rte_be16_t v)
{
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	return __builtin_bswap16(v);
#else
	return v;
#endif
}

static inline uint32_t
be32_host(rte_be32_t v)
{
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	return __builtin_bswap32(v);
#else
	return v;
#endif
}

/*
 * What the fast path compares every frame of a chunk with, read from the port once a
 * chunk, as words that loads of the frame are compared with whole (issue 14):
 * - its MAC, the low 6 bytes of a word (a load of the destination and 2 bytes more);
 * - the 8 bytes from the Ethernet type on, masked: without 802.1Q the IPv4 type and
 *   the version and header length (4, 5: no options); with it, the 802.1Q type, the
 *   tag's VLAN ID (not its priority), the IPv4 type, version and header length;
 * - its address when it has one only (every config seen), else the address list.
 * An untagged port with one address (plain) has its loop made with these as constants
 * (net_chunk_parse()), the others read them from here.
 */
struct fast_ctx {
	uint64_t mac;
	uint64_t l2_mask;
	uint64_t l2_want;
	uint32_t addr; /* the one address, network order, when one_addr */
	bool one_addr;
	uint16_t l2;
};

static inline void
fast_ctx_init(const struct synq_iface *ifc, struct fast_ctx *fc)
{
	uint8_t vid_hi = (uint8_t)(ifc->vlan >> 8), vid_lo = (uint8_t)ifc->vlan;

	fc->mac = 0;
	memcpy(&fc->mac, ifc->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	if (ifc->vlan == 0) {
		fc->l2_mask = SYNQ_BYTES8(0xff, 0xff, 0xff, 0, 0, 0, 0, 0);
		fc->l2_want = SYNQ_BYTES8(0x08, 0x00, RTE_IPV4_VHL_DEF, 0, 0, 0, 0, 0);
	} else {
		fc->l2_mask = SYNQ_BYTES8(0xff, 0xff, 0x0f, 0xff, 0xff, 0xff, 0xff, 0);
		fc->l2_want = SYNQ_BYTES8(0x81, 0x00, vid_hi, vid_lo, 0x08, 0x00, RTE_IPV4_VHL_DEF, 0);
	}
	fc->one_addr = ifc->nb_ipv4 == 1;
	fc->addr = ifc->ipv4[0];
	fc->l2 = net_l2_len(ifc);
}

/*
 * The checksums a port's flags leave to software, checked; false when one is bad:
 * the IPv4 header's (RFC 791 3.1: without options, 20 bytes) and the segment's with
 * its pseudo-header (RFC 9293 3.1). RTE_MBUF_F_RX_*_CKSUM_NONE (the data is valid,
 * the field not) passes, as on the slow path. A virtual port sets no flag: one test
 * sends it to both sums.
 */
static inline bool
tcp4_cksums_ok(
	uint64_t ol, const struct rte_ipv4_hdr *ip, const struct rte_tcp_hdr *th, uint16_t l4_len)
{
	uint64_t ip_csum = ol & RTE_MBUF_F_RX_IP_CKSUM_MASK;
	uint64_t l4_csum = ol & RTE_MBUF_F_RX_L4_CKSUM_MASK;
	bool ip_vouched = false, l4_vouched = false; /* by the port, GOOD or NONE */

	if (ip_csum != RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN ||
		l4_csum != RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN) {
		if (ip_csum == RTE_MBUF_F_RX_IP_CKSUM_BAD || l4_csum == RTE_MBUF_F_RX_L4_CKSUM_BAD)
			return false;
		ip_vouched = ip_csum != RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN;
		l4_vouched = l4_csum != RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN;
	}
	return (ip_vouched || synq_cksum_ok(synq_cksum_add(0, ip, sizeof(*ip)))) &&
	       (l4_vouched ||
		       synq_cksum_ok(synq_cksum_add(synq_cksum_ipv4_phdr(ip->src_addr, ip->dst_addr,
							    IPPROTO_TCP, l4_len),
			       th, l4_len)));
}

static_assert(
	offsetof(struct rte_mbuf, nb_segs) == offsetof(struct rte_mbuf, refcnt) + sizeof(uint16_t),
	"tcp4_parse() reads the mbuf's references and segments as one word");

/*
 * The fast path's parse of one frame (issue 14, "parse once"): an IPv4 TCP segment to
 * one of our unicast addresses and our MAC, that every check of frame_input(),
 * net_ipv4_input() and synq_tcp_input() passes, is read once, here, into @p seg:
 * Ethernet, IP and TCP, each field once, each check once. True when it is one; the
 * counters such a frame would have met on the way (IpInReceives, TcpInSegs) are the
 * caller's to add. False for every other frame, which frame_input() then takes as it
 * always did, counters and all: so the fast path never decides a frame the slow one
 * would have decided otherwise, it only decides the common one with fewer reads.
 * Checks that must all hold are made on whole words (struct fast_ctx) where they can
 * be; a check stricter than the slow path's only sends a frame there.
 */
static __rte_always_inline bool
tcp4_parse(const struct synq_iface *ifc, const struct fast_ctx *fc, bool plain, uint8_t rxq_idx,
	struct rte_mbuf *m, uint16_t idx, struct synq_tcp_seg *seg)
{
	const uint64_t mac_mask = SYNQ_BYTES8(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0);
	const unsigned int group_shift = __builtin_ctzll(SYNQ_BYTES8(0x01, 0, 0, 0, 0, 0, 0, 0)) + 1;
	const uint32_t frag_proto_mask = SYNQ_BYTES4(0x3f, 0xff, 0, 0xff);
	const uint32_t frag_proto_want = SYNQ_BYTES4(0, 0, 0, IPPROTO_TCP);
	uint8_t *base = rte_pktmbuf_mtod(m, uint8_t *);
	uint16_t l2 = plain ? RTE_ETHER_HDR_LEN : fc->l2;
	uint64_t l2_mask = plain ? SYNQ_BYTES8(0xff, 0xff, 0xff, 0, 0, 0, 0, 0) : fc->l2_mask;
	uint64_t l2_want =
		plain ? SYNQ_BYTES8(0x08, 0x00, RTE_IPV4_VHL_DEF, 0, 0, 0, 0, 0) : fc->l2_want;
	uint16_t len = rte_pktmbuf_data_len(m);
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(base + l2);
	const struct rte_tcp_hdr *th = (const struct rte_tcp_hdr *)(ip + 1);
	uint64_t ol = m->ol_flags;
	uint64_t dst, src;
	uint32_t saddr, daddr, frag_proto, refs_segs;
	uint16_t tot, l4_len, doff;
	uint8_t a;
	int didx;

	/*
	 * frame_input(): ours alone (one reference, one segment: the two 16-bit fields
	 * side by side, both 1, read as one word whatever the byte order), long enough,
	 * to our MAC from a station not us
	 */
	memcpy(&refs_segs, &m->refcnt, sizeof(refs_segs));
	if (refs_segs != (UINT32_C(1) << 16 | 1) ||
		(ol & (RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL)) != 0 ||
		len < l2 + sizeof(*ip) + sizeof(*th))
		return false;
	/* the record's fields as soon as known: fewer values held to the end (a frame
	 * that fails a check leaves a record nobody reads) */
	seg->m = m;
	seg->l3 = (uint8_t *)ip;
	seg->l2_len = l2;
	seg->l3_len = sizeof(*ip);
	seg->family = 4;
	seg->rxq_idx = rxq_idx;
	seg->tag = idx;
	seg->hashed = false;
	dst = synq_load64(base) & mac_mask;
	src = synq_load64(base + RTE_ETHER_ADDR_LEN) & mac_mask;
	/*
	 * a station: the source rotated to have its group bit on top is positive, which
	 * a group (top bit set) and all zeros are not
	 */
	if (dst != fc->mac || src == fc->mac ||
		(int64_t)(src >> group_shift | src << (64 - group_shift)) <= 0)
		return false;
	/* the Ethernet type (802.1Q's, the tag), IPv4 version 4 without options */
	if ((synq_load64(base + 2 * RTE_ETHER_ADDR_LEN) & l2_mask) != l2_want)
		return false;
	/* net_ipv4_input(): not a fragment, TCP, its length, to our address from a source
	 * a host may use (RFC 1122 3.2.1.3, as src_valid() in ipv4.c) */
	memcpy(&frag_proto, &ip->fragment_offset, sizeof(frag_proto));
	tot = be16_host(ip->total_length);
	if ((frag_proto & frag_proto_mask) != frag_proto_want ||
		(uint16_t)(tot - sizeof(*ip) - sizeof(*th)) >
			(uint16_t)(len - l2 - sizeof(*ip) - sizeof(*th)))
		return false;
	l4_len = (uint16_t)(tot - sizeof(*ip));
	seg->l4_len = l4_len;
	saddr = ip->src_addr;
	daddr = ip->dst_addr;
	seg->saddr4 = saddr;
	seg->daddr4 = daddr;
	a = *(const uint8_t *)&ip->src_addr; /* the first octet */
	if ((uint8_t)(a - 1) >= 0xdf || a == 127)
		return false;
	if (plain) {
		if (daddr != fc->addr || saddr == fc->addr)
			return false;
		didx = 0;
	} else {
		didx = synq_iface_ipv4_index(ifc, daddr);
		if (didx < 0 || synq_iface_has_ipv4(ifc, saddr))
			return false;
	}
	seg->daddr_idx = (uint8_t)didx;
	/* synq_tcp_input(): the data offset; both checksums */
	doff = (uint16_t)((th->data_off & 0xf0) >> 2);
	if (doff < sizeof(*th) || doff > l4_len || !tcp4_cksums_ok(ol, ip, th, l4_len))
		return false;
	seg->th = th;
	seg->seq = be32_host(th->sent_seq);
	seg->ack = be32_host(th->recv_ack);
	seg->doff = doff;
	seg->flags = th->tcp_flags;
	return true;
}

/* The loop of net_chunk_parse(), made for a plain port or for any. */
static __rte_always_inline unsigned int
parse_loop(const struct synq_iface *ifc, const struct fast_ctx *fc, bool plain, uint8_t rxq_idx,
	struct rte_mbuf **pkts, uint16_t n, struct synq_tcp_seg *seg, uint8_t *v)
{
	unsigned int nb_fast = 0;

	for (uint16_t i = 0; i < n; i++) {
		bool fast = tcp4_parse(ifc, fc, plain, rxq_idx, pkts[i], i, &seg[i]);

		v[i] = fast ? NET_FAST : NET_DROP;
		seg[i].kept = fast; /* here until the burst ends */
		nb_fast += fast;
	}
	return nb_fast;
}

/* Frames synq_net_input() takes at a time: its per-frame arrays are on the stack. */
#define NET_CHUNK SYNQ_TCP_BURST_MAX

/*
 * Step (1) of chunk_input(), a function of its own (net_priv.h), not inlined: the loop
 * keeps the port's words (struct fast_ctx) and the frame's in registers, which it
 * cannot beside everything chunk_input() inlines.
 */
__rte_noinline unsigned int
net_chunk_parse(const struct synq_iface *ifc, uint8_t rxq_idx, struct rte_mbuf **pkts, uint16_t n,
	struct synq_tcp_seg *seg, uint8_t *v)
{
	struct fast_ctx fc;

	fast_ctx_init(ifc, &fc);
	/* untagged with one address, every config seen: its words are constants */
	if (ifc->vlan == 0 && fc.one_addr)
		return parse_loop(ifc, &fc, true, rxq_idx, pkts, n, seg, v);
	return parse_loop(ifc, &fc, false, rxq_idx, pkts, n, seg, v);
}

/*
 * One chunk of a burst, as a vector (issue 14): (1) every frame parsed, the IPv4 TCP
 * segments that pass every stateless check into a record each (tcp4_parse()); (2)
 * the SYN-table slots the SYNs and ACKs among them will read start loading (where a
 * listener keeps a table); (3) every frame handled in arrival order, the records by
 * synq_tcp_input_parsed(), the others by frame_input(), a verdict each, the SYN-ACKs
 * of cookie SYNs deferred; (4) the burst's cookies computed in one loop and their
 * SYN-ACKs written (synq_tcp_burst_end()); (5) the frames compacted into tx[] and
 * drop[], in arrival order. Arrival order is kept where state is: a segment may
 * depend on the one before it (a RST, then a new SYN of the 4-tuple).
 */
static void
chunk_input(const struct synq_iface *ifc, struct synq_counters *ctr, struct synq_net_worker *nw,
	struct synq_tcp_worker *tcp, uint8_t rxq_idx, struct rte_mbuf **pkts, uint16_t n,
	struct rte_mbuf **tx, uint16_t *nb_tx, struct rte_mbuf **drop, uint16_t *nb_drop)
{
	struct synq_tcp_seg seg[NET_CHUNK];
	uint8_t v[NET_CHUNK];
	uint16_t tags[SYNQ_TCP_BURST_MAX];
	enum synq_tcp_verdict tv[SYNQ_TCP_BURST_MAX];
	unsigned int nb_fast = 0, nd;

	if (tcp != NULL)
		nb_fast = net_chunk_parse(ifc, rxq_idx, pkts, n, seg, v);
	else
		memset(v, NET_DROP, n);
	/* what frame_input() would have counted for each on its way to TCP: once a chunk */
	if (nb_fast != 0) {
		synq_counter_add(ctr, SYNQ_CTR_IP_IN_RECEIVES, nb_fast);
		synq_counter_add(ctr, SYNQ_CTR_TCP_IN_SEGS, nb_fast);
	}
	/*
	 * A SYN table of a flood is larger than the caches: one miss a segment would be
	 * paid in turn; loaded ahead, the chunk's misses overlap.
	 */
	if (nb_fast != 0 && synq_tcp_prefetch_wanted(tcp))
		synq_tcp_prefetch_burst(tcp, seg, v, NET_FAST, n);
	if (tcp != NULL)
		synq_tcp_burst_begin(tcp, seg, n);
	for (uint16_t i = 0; i < n; i++)
		v[i] = v[i] == NET_FAST ? net_of_tcp(synq_tcp_input_parsed(tcp, ctr, ifc, &seg[i]))
					: frame_input(ifc, ctr, nw, tcp, rxq_idx, pkts[i], i);
	if (tcp != NULL) {
		nd = synq_tcp_burst_end(tcp, ctr, tags, tv);
		for (unsigned int k = 0; k < nd; k++)
			v[tags[k]] = net_of_tcp(tv[k]);
	}
	for (uint16_t i = 0; i < n; i++) {
		switch (v[i]) {
		case NET_REPLY:
			tx[(*nb_tx)++] = pkts[i];
			break;
		case NET_CONSUMED:
			break;
		default:
			drop[(*nb_drop)++] = pkts[i];
		}
	}
}

uint16_t
synq_net_input(const struct synq_iface *ifc, struct synq_counters *ctr, struct synq_net_worker *nw,
	struct synq_tcp_worker *tcp, uint8_t rxq_idx, struct rte_mbuf **pkts, uint16_t n,
	struct rte_mbuf **tx, struct rte_mbuf **drop, uint16_t *nb_drop)
{
	uint16_t nb_tx = 0;
	uint16_t nd = 0;

	synq_counter_add(ctr, SYNQ_CTR_RX_FRAMES, n);
	if (nw != NULL)
		nw->nb_facts = 0;
	for (uint16_t i = 0; i < n; i += NET_CHUNK)
		chunk_input(ifc, ctr, nw, tcp, rxq_idx, pkts + i, RTE_MIN(n - i, NET_CHUNK), tx,
			&nb_tx, drop, &nd);
	*nb_drop = nd;
	return nb_tx;
}
