/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frames the transport sends, built whole in one mbuf (the request's own, or a fresh
 * one for a retransmission or a segment of data): Ethernet (with the port's VLAN
 * tag), IPv4 or IPv6, TCP with options and payload. And the two replies built in the
 * segment that asked for them: the RST (rate limited) and the ACK of where we stand.
 * And the two limits every answer to a refused segment goes through, whatever state
 * its flow is in: a gap per flow (Linux's tcp_invalid_ratelimit) and, for challenge
 * ACKs, the worker's budget (tcp.challenge_ack_limit).
 */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ip.h>
#include <rte_random.h>
#include <rte_tcp.h>

#include "synq_cksum.h"
#include "tcp_frame.h"
#include "tcp_priv.h"

/* Copy @p len bytes from byte @p off of the segments @p src (linked by next) to @p dst. */
static int
copy_payload(uint8_t *dst, const struct rte_mbuf *src, uint32_t off, uint16_t len)
{
	while (src != NULL && off >= src->data_len) {
		off -= src->data_len;
		src = src->next;
	}
	while (len != 0) {
		uint16_t n;

		if (src == NULL)
			return -EINVAL;
		n = (uint16_t)RTE_MIN((uint32_t)len, src->data_len - off);
		memcpy(dst, rte_pktmbuf_mtod_offset(src, const uint8_t *, off), n);
		dst += n;
		len = (uint16_t)(len - n);
		off = 0;
		src = src->next;
	}
	return 0;
}

int
tcp_build(struct rte_mbuf *m, const struct synq_iface *ifc, const struct tcp_peer *p,
	uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win, const uint8_t *opt,
	unsigned int opt_len)
{
	return tcp_build_data(m, ifc, p, seq, ack, flags, win, opt, opt_len, NULL, 0, 0);
}

int
tcp_build_data(struct rte_mbuf *m, const struct synq_iface *ifc, const struct tcp_peer *p,
	uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win, const uint8_t *opt,
	unsigned int opt_len, const struct rte_mbuf *src, uint32_t off, uint16_t data_len)
{
	uint16_t l2 = sizeof(struct rte_ether_hdr) + (ifc->vlan != 0 ? sizeof(struct rte_vlan_hdr) : 0);
	uint16_t l3 = p->family == 4 ? sizeof(struct rte_ipv4_hdr) : sizeof(struct rte_ipv6_hdr);
	uint16_t l4 = sizeof(struct rte_tcp_hdr) + opt_len + data_len;
	uint16_t len = l2 + l3 + l4;
	uint16_t frame = RTE_MAX(len, (uint16_t)TCP_ETH_MIN_LEN);
	uint8_t *base = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)base;
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(base + l2 + l3);

	if ((uint32_t)m->buf_len - m->data_off < frame || opt_len > SYNQ_TCP_OPTS_MAX)
		return -ENOSPC;
	/* first, and memmove: @p opt may live in the frame we overwrite */
	if (opt_len != 0)
		memmove(th + 1, opt, opt_len);
	if (data_len != 0 && copy_payload((uint8_t *)(th + 1) + opt_len, src, off, data_len) != 0)
		return -EINVAL;

	eth->dst_addr = p->cmac;
	eth->src_addr = ifc->mac;
	if (ifc->vlan != 0) {
		struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eth + 1);

		eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_VLAN);
		vh->vlan_tci = rte_cpu_to_be_16(ifc->vlan);
		vh->eth_proto = rte_cpu_to_be_16(p->family == 4 ? RTE_ETHER_TYPE_IPV4 :
								 RTE_ETHER_TYPE_IPV6);
	} else {
		eth->ether_type = rte_cpu_to_be_16(p->family == 4 ? RTE_ETHER_TYPE_IPV4 :
								     RTE_ETHER_TYPE_IPV6);
	}

	th->src_port = p->sport;
	th->dst_port = p->cport;
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = (uint8_t)(((sizeof(*th) + opt_len) / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = rte_cpu_to_be_16(win);
	th->cksum = 0;
	th->tcp_urp = 0;

	m->ol_flags = 0;
	if (p->family == 4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(base + l2);

		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->type_of_service = 0;
		ip->total_length = rte_cpu_to_be_16(l3 + l4);
		ip->packet_id = 0;
		/* DF: path MTU discovery, as every modern stack does (RFC 1191) */
		ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
		ip->time_to_live = TCP_TTL;
		ip->next_proto_id = IPPROTO_TCP;
		ip->hdr_checksum = 0;
		memcpy(&ip->src_addr, p->saddr, 4);
		memcpy(&ip->dst_addr, p->caddr, 4);
		if (ifc->tx_cksum_offload) {
			m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM |
				RTE_MBUF_F_TX_TCP_CKSUM;
			th->cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
		} else {
			ip->hdr_checksum = synq_cksum_value(synq_cksum_add(0, ip, sizeof(*ip)));
			th->cksum = synq_cksum_value(synq_cksum_add(synq_cksum_ipv4_phdr(ip->src_addr,
									    ip->dst_addr, IPPROTO_TCP, l4),
				th, l4));
		}
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(base + l2);

		ip6->vtc_flow = RTE_BE32(6u << 28);
		ip6->payload_len = rte_cpu_to_be_16(l4);
		ip6->proto = IPPROTO_TCP;
		ip6->hop_limits = TCP_TTL;
		memcpy(ip6->src_addr, p->saddr, 16);
		memcpy(ip6->dst_addr, p->caddr, 16);
		if (ifc->tx_cksum_offload) {
			m->ol_flags = RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_CKSUM;
			th->cksum = rte_ipv6_phdr_cksum(ip6, m->ol_flags);
		} else {
			th->cksum = synq_cksum_value(synq_cksum_add(synq_cksum_ipv6_phdr(ip6->src_addr,
									    ip6->dst_addr, IPPROTO_TCP, l4),
				th, l4));
		}
	}
	if (frame > len)
		memset(base + len, 0, frame - len);
	m->l2_len = l2;
	m->l3_len = l3;
	m->data_len = frame;
	m->pkt_len = frame;
	return 0;
}

/* The native word of the bytes @p a @p b: what a sum adds for them (RFC 1071). */
#define W2(a, b) RTE_BE16((uint16_t)((a) << 8 | (b)))
/* The same of a 4-byte word, as two 16-bit ones; of a word named by a macro. */
#define W4(a, b, c, d) (W2(a, b) + W2(c, d))
#define WSUM(...) W4(__VA_ARGS__)

/* Our SYN-ACK's option words (synq_tcp_opts_write_synack()), their variable bytes 0. */
#define MSS_WORD SYNQ_TCP_OPT_MSS, 4, 0, 0
#define SACK_TS_WORD SYNQ_TCP_OPT_SACK_PERM, 2, SYNQ_TCP_OPT_TS, 10
#define NOP_TS_WORD SYNQ_TCP_OPT_NOP, SYNQ_TCP_OPT_NOP, SYNQ_TCP_OPT_TS, 10
#define NOP_SACK_WORD SYNQ_TCP_OPT_NOP, SYNQ_TCP_OPT_NOP, SYNQ_TCP_OPT_SACK_PERM, 2
#define NOP_WS_WORD SYNQ_TCP_OPT_NOP, SYNQ_TCP_OPT_WSCALE, 3, 0
#define TS_VALUES 0, 0, 0, 0, 0, 0, 0, 0

/*
 * A layout of @p len bytes of options, the words @p opt_sum sums to, the options' bytes
 * after: the IPv4 header as tcp_build() writes it (DF: RFC 1191), the TCP header.
 */
#define LAYOUT(len, opt_sum, ...)                                                                  \
	{                                                                                          \
		.ip = {RTE_IPV4_VHL_DEF, 0, 0, 40 + (len), 0, 0, 0x40, 0, TCP_TTL, IPPROTO_TCP, 0, \
			0},                                                                        \
		.tcp = {(20 + (len)) / 4 << 4, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG},               \
		.opt = {__VA_ARGS__},                                                              \
		.ip_sum = W4(RTE_IPV4_VHL_DEF, 0, 0, 40 + (len)) + W4(0, 0, 0x40, 0) +             \
			  W4(TCP_TTL, IPPROTO_TCP, 0, 0),                                          \
		.tcp_sum = W2((20 + (len)) / 4 << 4, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG) +        \
			   (opt_sum),                                                              \
		.ph_sum = RTE_BE16(20 + (len)) + RTE_BE16(IPPROTO_TCP), .n = (len),                \
	}

/*
 * The 8 layouts, constants the compiler sees: written nowhere, so that the loads of a
 * SYN-ACK's layout are not made again after each store into its frame. The unit test
 * holds each against synq_tcp_opts_write_synack()'s bytes and synq_cksum_add()'s sums.
 */
const struct tcp_synack_layout tcp_synack_layouts[8] = {
	LAYOUT(4, WSUM(MSS_WORD), MSS_WORD),
	LAYOUT(8, WSUM(MSS_WORD) + WSUM(NOP_WS_WORD), MSS_WORD, NOP_WS_WORD),
	LAYOUT(8, WSUM(MSS_WORD) + WSUM(NOP_SACK_WORD), MSS_WORD, NOP_SACK_WORD),
	LAYOUT(12, WSUM(MSS_WORD) + WSUM(NOP_SACK_WORD) + WSUM(NOP_WS_WORD), MSS_WORD,
		NOP_SACK_WORD, NOP_WS_WORD),
	LAYOUT(16, WSUM(MSS_WORD) + WSUM(NOP_TS_WORD), MSS_WORD, NOP_TS_WORD, TS_VALUES),
	LAYOUT(20, WSUM(MSS_WORD) + WSUM(NOP_TS_WORD) + WSUM(NOP_WS_WORD), MSS_WORD, NOP_TS_WORD,
		TS_VALUES, NOP_WS_WORD),
	LAYOUT(16, WSUM(MSS_WORD) + WSUM(SACK_TS_WORD), MSS_WORD, SACK_TS_WORD, TS_VALUES),
	LAYOUT(20, WSUM(MSS_WORD) + WSUM(SACK_TS_WORD) + WSUM(NOP_WS_WORD), MSS_WORD, SACK_TS_WORD,
		TS_VALUES, NOP_WS_WORD),
};

/*
 * Does the IPv6 SYN @p seg lay out as tcp_build() would lay out its SYN-ACK (one
 * segment, the port's VLAN tag or none, a 40-byte header right before TCP: lib/net
 * locates l3 at l2_len), with no payload to drop? And is there room for the largest
 * SYN-ACK? tcp_synack4_fits() is the IPv4 one.
 */
static inline bool
synack6_fits(const struct synq_tcp_seg *seg, const struct rte_tcp_hdr *th, uint16_t l2)
{
	const struct rte_mbuf *m = seg->m;
	uint16_t l3 = sizeof(struct rte_ipv6_hdr);

	return seg->l2_len == l2 && seg->l3_len == l3 && m->nb_segs == 1 &&
	       seg->l4_len == (th->data_off >> 4) * 4 &&
	       (uint32_t)m->buf_len - m->data_off >= l2 + l3 + sizeof(*th) + SYNQ_TCP_OPTS_MAX &&
	       ((const struct rte_ipv6_hdr *)seg->l3)->proto == IPPROTO_TCP;
}

/*
 * The IPv6 SYN-ACK over its SYN, as tcp_synack4_in_place() writes the IPv4 one: the
 * pseudo-header's addresses (RFC 8200 8.1) summed once swapped.
 */
static void
synack6_in_place(struct synq_tcp_seg *seg, const struct synq_iface *ifc, struct rte_tcp_hdr *th,
	uint16_t l2, uint32_t seq, uint32_t ack, uint16_t win, const struct synq_tcp_synack_opts o)
{
	const struct tcp_synack_layout *ly = tcp_synack_layout_of(o);
	struct rte_mbuf *m = seg->m;
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)seg->l3;
	uint8_t *base = rte_pktmbuf_mtod(m, uint8_t *);
	uint64_t sum = tcp_synack_tcp_put(th, ly, seq, ack, win, o);
	uint16_t l4 = (uint16_t)(sizeof(*th) + ly->n);
	uint8_t a[16];

	memcpy(a, ip6->src_addr, 16);
	memcpy(ip6->src_addr, ip6->dst_addr, 16);
	memcpy(ip6->dst_addr, a, 16);
	ip6->vtc_flow = RTE_BE32(6u << 28);
	ip6->payload_len = rte_cpu_to_be_16(l4);
	ip6->hop_limits = TCP_TTL;
	if (ifc->tx_cksum_offload) {
		/* the pseudo-header's sum, as rte_ipv6_phdr_cksum() gives it */
		m->ol_flags = RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_CKSUM;
		th->cksum = synq_cksum_fold(
			synq_cksum_ipv6_phdr(ip6->src_addr, ip6->dst_addr, IPPROTO_TCP, l4));
	} else {
		/* the layout's pseudo-header words are in sum already, its addresses not */
		uint64_t addrs =
			synq_cksum_add(synq_cksum_add(0, ip6->src_addr, 16), ip6->dst_addr, 16);

		m->ol_flags = 0;
		th->cksum = synq_cksum_value(tcp_sum_add64(sum, addrs));
	}
	tcp_synack_eth_put(base, ifc);
	tcp_synack_mbuf_put(m, l2, sizeof(*ip6), (uint16_t)(l2 + sizeof(*ip6) + l4));
}

/*
 * The SYN-ACK of a SYN that does not fit in place, built whole: its peer copied
 * out first. Rare, and out of line so that the common path keeps a small frame.
 */
static __rte_noinline int
synack_whole(struct synq_tcp_seg *seg, const struct synq_iface *ifc, uint32_t seq, uint32_t ack,
	uint16_t win, const struct synq_tcp_synack_opts *o)
{
	const struct rte_tcp_hdr *th = (const struct rte_tcp_hdr *)(seg->l3 + seg->l3_len);
	uint8_t opt[SYNQ_TCP_OPTS_MAX];
	struct tcp_peer p;

	memset(&p, 0, sizeof(p));
	p.family = seg->family;
	if (seg->family == 4) {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)seg->l3;

		memcpy(p.caddr, &ip->src_addr, 4);
		memcpy(p.saddr, &ip->dst_addr, 4);
	} else {
		const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)seg->l3;

		memcpy(p.caddr, ip6->src_addr, 16);
		memcpy(p.saddr, ip6->dst_addr, 16);
	}
	p.cport = th->src_port;
	p.sport = th->dst_port;
	p.cmac = rte_pktmbuf_mtod(seg->m, struct rte_ether_hdr *)->src_addr;
	return tcp_build(seg->m, ifc, &p, seq, ack, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, win, opt,
		synq_tcp_opts_write_synack(opt, o));
}

int
tcp_synack_of_syn(struct synq_tcp_seg *seg, const struct synq_iface *ifc, uint32_t seq,
	uint32_t ack, uint16_t win, const struct synq_tcp_synack_opts *o)
{
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(seg->l3 + seg->l3_len);
	uint16_t l2 =
		sizeof(struct rte_ether_hdr) + (ifc->vlan != 0 ? sizeof(struct rte_vlan_hdr) : 0);

	if (tcp_synack4_fits(seg, ifc)) {
		tcp_synack4_in_place(seg, ifc, seq, ack, win, *o);
		return 0;
	}
	if (seg->family == 6 && synack6_fits(seg, th, l2)) {
		synack6_in_place(seg, ifc, th, l2, seq, ack, win, *o);
		return 0;
	}
	return synack_whole(seg, ifc, seq, ack, win, o);
}

enum synq_tcp_verdict
tcp_reply_rst(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct rte_mbuf *m,
	const struct synq_iface *ifc, const struct tcp_peer *p, const struct rte_tcp_hdr *th,
	uint32_t seg_len)
{
	uint32_t seq, ack;
	uint8_t flags = RTE_TCP_RST_FLAG;

	/*
	 * A token bucket per worker: RSTs answer strangers (closed ports, stray ACKs),
	 * and a flood of those must not be reflected one for one.
	 */
	if (tw != NULL) {
		uint32_t elapsed = tw->now_ms - tw->rst_ms;

		if (elapsed != 0) {
			tw->rst_tokens = (uint32_t)RTE_MIN((uint64_t)TCP_RST_BURST,
				tw->rst_tokens + (uint64_t)elapsed * TCP_RST_PER_S / 1000);
			tw->rst_ms = tw->now_ms;
		}
		if (tw->rst_tokens == 0) {
			synq_counter_inc(ctr, SYNQ_CTR_TCP_RST_RATE_LIMITED);
			return SYNQ_TCP_DROP;
		}
		tw->rst_tokens--;
	}
	/* RFC 9293 3.10.7.1: a reset that the sender will take as being for its segment */
	if (th->tcp_flags & RTE_TCP_ACK_FLAG) {
		seq = rte_be_to_cpu_32(th->recv_ack);
		ack = 0;
	} else {
		seq = 0;
		ack = rte_be_to_cpu_32(th->sent_seq) + seg_len;
		flags |= RTE_TCP_ACK_FLAG;
	}
	if (tcp_build(m, ifc, p, seq, ack, flags, 0, NULL, 0) != 0)
		return SYNQ_TCP_DROP;
	synq_counter_inc(ctr, SYNQ_CTR_TCP_OUT_RSTS);
	synq_counter_inc(ctr, SYNQ_CTR_TCP_OUT_SEGS);
	return SYNQ_TCP_REPLY;
}

enum synq_tcp_verdict
tcp_reply_ack(const struct synq_tcp_worker *tw __rte_unused, struct synq_counters *ctr,
	struct rte_mbuf *m, const struct synq_iface *ifc, const struct tcp_peer *p, uint32_t seq, uint32_t ack,
	bool ts, uint32_t tsval, uint32_t ts_recent, enum synq_counter why)
{
	uint8_t opt[SYNQ_TCP_OPTS_TS_LEN];
	unsigned int n = ts ? synq_tcp_opts_write_ts(opt, tsval, ts_recent) : 0;

	if (tcp_build(m, ifc, p, seq, ack, RTE_TCP_ACK_FLAG, SYNQ_TCP_SYNACK_WINDOW, opt, n) != 0)
		return SYNQ_TCP_DROP;
	if (why != SYNQ_CTR_MAX)
		synq_counter_inc(ctr, why);
	synq_counter_inc(ctr, SYNQ_CTR_TCP_OUT_SEGS);
	return SYNQ_TCP_REPLY;
}

bool
tcp_oow_limited(const struct synq_tcp_worker *tw, struct synq_counters *ctr, uint32_t *last_ms,
	enum synq_counter skipped)
{
	if (tw->now_ms - *last_ms < TCP_INVALID_RATELIMIT_MS) {
		synq_counter_inc(ctr, skipped);
		return true;
	}
	*last_ms = tw->now_ms;
	return false;
}

bool
tcp_challenge_limited(struct synq_tcp_worker *tw, struct synq_counters *ctr, uint32_t limit)
{
	uint32_t s = tw->now_ms / 1000 + 1;

	if (tw->challenge_s != s) {
		tw->challenge_s = s;
		tw->challenge_left = (limit + 1) / 2 + (uint32_t)rte_rand_max(limit);
	}
	if (tw->challenge_left == 0) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_ACK_SKIPPED_CHALLENGE);
		return true;
	}
	tw->challenge_left--;
	return false;
}
