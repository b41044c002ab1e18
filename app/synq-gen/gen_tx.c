/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frames synq-gen sends: whole Ethernet + IPv4 + TCP frames written into a plain
 * buffer (an mbuf's data, or a pcap record), and the new packets of each mode.
 *
 * Handshake clients keep no per-flow state: the ISN of a SYN is a keyed hash of its
 * source address and port, so a SYN-ACK's acknowledgment number can be checked from
 * the SYN-ACK alone, and the SYN's TSval is the send time (GEN_TS_PER_US ticks a
 * microsecond since the start), which the SYN-ACK echoes in TSecr (RFC 7323 4.3), so
 * the latency needs no table either.
 */

#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "gen.h"
#include "synq_cksum.h"
#include "synq_tcp_opts.h"

/* Linux's SYN: MSS of a 1500-byte MTU, window 64240, shift 7. */
#define SYN_MSS 1460
#define SYN_WINDOW 64240
#define SYN_WSCALE 7
/* Linux's window after the handshake with that shift (64240 >> 7, rounded up). */
#define ACK_WINDOW 502
#define TTL 64

/* splitmix64 (Steele, Lea, Flood 2014): one multiply-xorshift chain, good enough to spoof. */
static inline uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

uint64_t
gen_rand(uint64_t *state)
{
	*state += UINT64_C(0x9e3779b97f4a7c15);
	return mix64(*state);
}

uint32_t
gen_isn(uint64_t key, uint32_t saddr, uint16_t sport)
{
	return (uint32_t)(mix64(key ^ ((uint64_t)saddr << 16 | sport)) >> 32);
}

/*
 * Write the frame of @p s at @p buf (room for GEN_FRAME_MAX bytes) and return its
 * length, at least GEN_FRAME_MIN. With @p offload the IPv4 checksum is left at 0
 * and the TCP one holds the pseudo-header sum, as the NIC expects.
 */
uint16_t
gen_build(uint8_t *buf, const struct gen_l2 *l2, const struct gen_seg *s, bool offload)
{
	uint16_t l2_len = gen_l2_len(l2);
	uint16_t l4_len = (uint16_t)(sizeof(struct rte_tcp_hdr) + s->opt_len);
	uint16_t len = (uint16_t)(l2_len + sizeof(struct rte_ipv4_hdr) + l4_len);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)buf;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(buf + l2_len);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);

	eth->dst_addr = l2->dst;
	eth->src_addr = l2->src;
	if (l2->vlan != 0) {
		struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eth + 1);

		eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_VLAN);
		vh->vlan_tci = rte_cpu_to_be_16(l2->vlan);
		vh->eth_proto = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	} else {
		eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	}

	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + l4_len));
	ip->packet_id = rte_cpu_to_be_16(s->ip_id);
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = TTL;
	ip->next_proto_id = IPPROTO_TCP;
	ip->hdr_checksum = 0;
	ip->src_addr = rte_cpu_to_be_32(s->saddr);
	ip->dst_addr = rte_cpu_to_be_32(s->daddr);

	th->src_port = rte_cpu_to_be_16(s->sport);
	th->dst_port = rte_cpu_to_be_16(s->dport);
	th->sent_seq = rte_cpu_to_be_32(s->seq);
	th->recv_ack = rte_cpu_to_be_32(s->ack);
	th->data_off = (uint8_t)((l4_len / 4) << 4);
	th->tcp_flags = s->flags;
	th->rx_win = rte_cpu_to_be_16(s->win);
	th->cksum = 0;
	th->tcp_urp = 0;
	if (s->opt_len != 0)
		memcpy(th + 1, s->opt, s->opt_len);

	if (offload) {
		th->cksum = rte_ipv4_phdr_cksum(ip, RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM |
			RTE_MBUF_F_TX_TCP_CKSUM);
	} else {
		ip->hdr_checksum = synq_cksum_value(synq_cksum_add(0, ip, sizeof(*ip)));
		th->cksum = synq_cksum_value(synq_cksum_add(
			synq_cksum_ipv4_phdr(ip->src_addr, ip->dst_addr, IPPROTO_TCP, l4_len), th,
			l4_len));
	}
	if (len < GEN_FRAME_MIN) {
		memset(buf + len, 0, GEN_FRAME_MIN - len);
		len = GEN_FRAME_MIN;
	}
	return len;
}

/* Lengths and offload flags of an mbuf holding a gen_build() frame of @p len bytes. */
void
gen_mbuf_set(struct rte_mbuf *m, const struct gen_l2 *l2, uint16_t len, bool offload)
{
	m->data_len = len;
	m->pkt_len = len;
	m->l2_len = gen_l2_len(l2);
	m->l3_len = sizeof(struct rte_ipv4_hdr);
	m->ol_flags = offload ? RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM |
		RTE_MBUF_F_TX_TCP_CKSUM : 0;
}

/*
 * The segment of a new packet of @p mode from @p saddr:@p sport; @p opt (room for
 * 40 bytes) receives its options. SYNs of both kinds look alike on the wire: the
 * server can only tell them apart by what follows the SYN-ACK.
 */
void
gen_flood_seg(struct gen_ctx *c, enum gen_mode mode, uint32_t saddr, uint16_t sport,
	uint32_t now_ts, struct gen_seg *s, uint8_t *opt)
{
	uint64_t r;

	memset(s, 0, sizeof(*s));
	s->saddr = saddr;
	s->daddr = c->a->dst;
	s->sport = sport;
	s->dport = c->a->dport;
	s->ip_id = c->ip_id++;
	s->opt = opt;
	switch (mode) {
	case GEN_SYN:
	case GEN_HANDSHAKE:
		s->seq = gen_isn(c->isn_key, saddr, sport);
		s->flags = RTE_TCP_SYN_FLAG;
		s->win = SYN_WINDOW;
		s->opt_len = synq_tcp_opts_write_syn(opt, SYN_MSS, SYN_WSCALE, now_ts);
		break;
	case GEN_ACK:
		/* what a blind attacker sends at a cookie checker: numbers it cannot know */
		r = gen_rand(&c->rng);
		s->seq = (uint32_t)r;
		s->ack = (uint32_t)(r >> 32);
		s->flags = RTE_TCP_ACK_FLAG;
		s->win = ACK_WINDOW;
		r = gen_rand(&c->rng);
		s->opt_len = synq_tcp_opts_write_ts(opt, (uint32_t)r, (uint32_t)(r >> 32));
		break;
	case GEN_RST:
	default:
		s->seq = (uint32_t)gen_rand(&c->rng);
		s->flags = RTE_TCP_RST_FLAG;
		break;
	}
}

/* Smooth weighted round robin (nginx's): the shares of --mix, evenly interleaved. */
void
gen_wrr_init(struct gen_ctx *c)
{
	c->wrr_total = 0;
	for (unsigned int i = 0; i < GEN_NB_MODES; i++) {
		c->wrr[i] = 0;
		c->wrr_total += (int)c->a->mix[i];
	}
}

static enum gen_mode
wrr_next(struct gen_ctx *c)
{
	unsigned int best = 0;

	for (unsigned int i = 0; i < GEN_NB_MODES; i++) {
		c->wrr[i] += (int)c->a->mix[i];
		if (c->wrr[i] > c->wrr[best])
			best = i;
	}
	c->wrr[best] -= c->wrr_total;
	return (enum gen_mode)best;
}

/*
 * Build @p n new packets into @p pkts (allocated by the caller), their modes into
 * @p modes. Flood sources are random in --src-range; client 4-tuples are unique
 * (addresses first, then ports), so no client SYN ever lands on a flow the server
 * still remembers.
 */
unsigned int
gen_tx_new(struct gen_ctx *c, struct rte_mbuf **pkts, uint8_t *modes, unsigned int n,
	uint32_t now_ts)
{
	const struct gen_args *a = c->a;
	uint8_t opt[SYNQ_TCP_OPTS_MAX];
	struct gen_seg s;

	for (unsigned int i = 0; i < n; i++) {
		enum gen_mode mode = wrr_next(c);
		uint32_t saddr;
		uint16_t sport;
		uint16_t len;

		if (mode == GEN_HANDSHAKE) {
			uint64_t k = c->next_client++;

			saddr = a->clients.base + (uint32_t)(k % a->clients.size);
			sport = (uint16_t)(GEN_SPORT_MIN + (k / a->clients.size) % GEN_SPORT_SPAN);
		} else {
			uint64_t r = gen_rand(&c->rng);

			saddr = a->flood.base + (uint32_t)(r & (a->flood.size - 1));
			sport = (uint16_t)(GEN_SPORT_MIN + (r >> 32) % GEN_SPORT_SPAN);
		}
		gen_flood_seg(c, mode, saddr, sport, now_ts, &s, opt);
		len = gen_build(rte_pktmbuf_mtod(pkts[i], uint8_t *), &c->l2, &s, c->offload);
		gen_mbuf_set(pkts[i], &c->l2, len, c->offload);
		modes[i] = (uint8_t)mode;
	}
	return n;
}
