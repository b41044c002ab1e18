/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_TCP_FRAME_H
#define SYNQ_TCP_FRAME_H

/*
 * The SYN-ACK of a SYN, written over the SYN in its own mbuf (tcp_frame.c). Apart from
 * tcp_priv.h, and in public types only, so that lib/tcp's unit tests can hold it
 * against the frame tcp_build() writes for the same SYN.
 *
 * The common SYN (IPv4, one segment, the port's L2 layout, no IP options, no payload:
 * tcp_synack4_fits()) is answered by tcp_synack4_in_place(), inline in the callers of
 * the SYN paths (issue 14): their options never reach memory, our MSS is a constant
 * there, and no call is paid per SYN. Any other SYN goes to tcp_synack_of_syn(), out of
 * line, which answers the common one the same.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "synq_cksum.h"
#include "synq_iface.h"
#include "synq_tcp.h"
#include "synq_tcp_opts.h"
#include "tcp_types.h"

/* Minimum Ethernet frame without FCS; shorter ones are zero padded. */
#define TCP_ETH_MIN_LEN 60

/*
 * The SYN-ACK answering the SYN @p seg, in @p seg->m: <SEQ=@p seq><ACK=@p ack>, window
 * @p win, options @p o. The same bytes as tcp_build() would write for the SYN's peer:
 * in place when the SYN allows it (one segment, the port's L2 layout, no IPv4 options
 * or IPv6 extension headers, no payload), else built whole by tcp_build(). Returns 0,
 * or -ENOSPC when the mbuf is too small.
 */
int tcp_synack_of_syn(struct synq_tcp_seg *seg, const struct synq_iface *ifc, uint32_t seq,
	uint32_t ack, uint16_t win, const struct synq_tcp_synack_opts *o);

/* The SYN-ACK options' largest length: MSS, SACK-permitted, timestamps, window scale. */
#define TCP_SYNACK_OPTS_MAX 20

/*
 * One of the 8 layouts of a SYN-ACK (MSS always; SACK-permitted, timestamps and window
 * scale each or not), as tcp_build() and synq_tcp_opts_write_synack() write it, but
 * for what varies from SYN to SYN: MSS, TSval, TSecr and shift 0, window 0, no
 * addresses, ports or sequence numbers; and the sums of those constant words (RFC 1071:
 * the words as stored, in any order). A SYN-ACK over its SYN copies its layout's bytes
 * and writes and adds only what varies.
 */
struct tcp_synack_layout {
	/* the IPv4 header up to the addresses: 0x45, TOS 0, total length, id 0, DF, TTL,
	 * TCP, checksum 0 */
	uint8_t ip[12];
	/* the TCP header from its data offset: it, SYN|ACK, window, checksum and urgent
	 * pointer 0 */
	uint8_t tcp[8];
	uint8_t opt[TCP_SYNACK_OPTS_MAX]; /* the options, zero padded */
	uint32_t ip_sum;		  /* ip[]'s sum */
	uint32_t tcp_sum;		  /* tcp[] and opt[]'s sum */
	uint32_t ph_sum;		  /* the pseudo-header's protocol and TCP length, summed */
	uint8_t n;			  /* the options' length */
} __rte_aligned(64);

/* Indexed by tcp_synack_layout_of() (tcp_frame.c). */
extern const struct tcp_synack_layout tcp_synack_layouts[8];

/* The layout of the options @p o: timestamps, SACK-permitted, window scale, a bit each. */
static __rte_always_inline const struct tcp_synack_layout *
tcp_synack_layout_of(const struct synq_tcp_synack_opts o)
{
	return &tcp_synack_layouts[(unsigned int)o.ts << 2 | (unsigned int)o.sack_perm << 1 |
				   (o.wscale != SYNQ_TCP_NO_WSCALE)];
}

/*
 * @p sum + the 64-bit word @p w, its carry added back (end around): 2^64 is 1 modulo
 * 2^16 - 1 (RFC 1071), so two 32-bit words are added as one.
 */
static __rte_always_inline uint64_t
tcp_sum_add64(uint64_t sum, uint64_t w)
{
	sum += w;
	return sum + (sum < w);
}

/*
 * The Ethernet header of a SYN-ACK over its SYN at @p base: to where the SYN came from,
 * from the port's MAC, with the port's tag as tcp_build() writes it (no priority).
 */
static __rte_always_inline void
tcp_synack_eth_put(uint8_t *base, const struct synq_iface *ifc)
{
	uint64_t src_type;
	uint16_t vlan;

	/* the SYN's source and type as the destination, the type then written over */
	memcpy(&src_type, base + RTE_ETHER_ADDR_LEN, sizeof(src_type));
	memcpy(base, &src_type, sizeof(src_type));
	memcpy(base + RTE_ETHER_ADDR_LEN, &ifc->mac, RTE_ETHER_ADDR_LEN);
	vlan = ifc->vlan;
	if (vlan != 0)
		((struct rte_vlan_hdr *)(base + sizeof(struct rte_ether_hdr)))->vlan_tci =
			rte_cpu_to_be_16(vlan);
}

/*
 * The TCP header and options of a SYN-ACK of layout @p ly over its SYN's @p th, its
 * checksum 0: the layout's bytes first (they overwrite nothing the SYN-ACK takes from
 * the SYN), then what varies. Returns the sum of its words (RFC 1071: the words as
 * stored, in any order), the layout's pseudo-header words included, the addresses not.
 * A swap of two 16-bit halves changes no sum: the ports are added as they were read.
 */
static __rte_always_inline uint64_t
tcp_synack_tcp_put(struct rte_tcp_hdr *th, const struct tcp_synack_layout *ly, uint32_t seq,
	uint32_t ack, uint16_t win, const struct synq_tcp_synack_opts o)
{
	uint8_t *opt = (uint8_t *)(th + 1);
	uint8_t *opt_end = opt + ly->n;
	uint16_t mss_be = rte_cpu_to_be_16(o.mss);
	uint16_t win_be = rte_cpu_to_be_16(win);
	/* sequence and acknowledgment numbers, adjacent: one 8-byte word */
	uint64_t seq_ack = rte_cpu_to_be_64((uint64_t)seq << 32 | ack);
	uint32_t ports;
	uint64_t sum;

	memcpy(&th->data_off, ly->tcp, sizeof(ly->tcp)); /* to the urgent pointer */
	memcpy(opt, ly->opt, sizeof(ly->opt));
	memcpy(&ports, th, sizeof(ports));
	sum = (uint64_t)ly->tcp_sum + ly->ph_sum + ports + win_be + mss_be;
	ports = (ports >> 16) | (ports << 16);
	memcpy(th, &ports, sizeof(ports));
	memcpy(&th->sent_seq, &seq_ack, sizeof(seq_ack));
	sum = tcp_sum_add64(sum, seq_ack);
	memcpy(&th->rx_win, &win_be, sizeof(win_be));
	memcpy(opt + 2, &mss_be, sizeof(mss_be)); /* the MSS option's value */
	if (o.ts) {
		/* after SACK-permitted or two NOPs, and the kind and length: RFC 7323 3.2 */
		uint64_t ts = rte_cpu_to_be_64((uint64_t)o.tsval << 32 | o.tsecr);

		memcpy(opt + 8, &ts, sizeof(ts));
		sum = tcp_sum_add64(sum, ts);
	}
	if (o.wscale != SYNQ_TCP_NO_WSCALE) {
		/* the last byte, the second of its 16-bit word; never above 14 (RFC 7323 2.3) */
		uint8_t shift = RTE_MIN(o.wscale, (uint8_t)SYNQ_TCP_WSCALE_MAX);

		opt_end[-1] = shift;
		sum += rte_cpu_to_be_16(shift);
	}
	return sum;
}

/*
 * The mbuf fields of a SYN-ACK of @p len bytes written over its SYN: at least the
 * Ethernet minimum, whose padding is already zero, the layout's (its options are
 * copied whole, zero padded to 20 bytes, and reach past byte 60).
 */
static __rte_always_inline void
tcp_synack_mbuf_put(struct rte_mbuf *m, uint16_t l2, uint16_t l3, uint16_t len)
{
	RTE_BUILD_BUG_ON(sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr) +
				 sizeof(struct rte_tcp_hdr) + TCP_SYNACK_OPTS_MAX <
			 TCP_ETH_MIN_LEN);
	len = RTE_MAX(len, (uint16_t)TCP_ETH_MIN_LEN);
	m->l2_len = l2;
	m->l3_len = l3;
	m->data_len = len;
	m->pkt_len = len;
}

/*
 * May the SYN-ACK of the IPv4 SYN @p seg be written over it by tcp_synack4_in_place()?
 * When the SYN lays out as tcp_build() would lay out its SYN-ACK: in one segment, with
 * the port's L2 header and a 20-byte IP header right before TCP (lib/net locates l3 at
 * l2_len and takes l3_len from the IHL), and no payload to drop. And when there is
 * room for the largest SYN-ACK. Any other SYN goes to tcp_synack_of_syn().
 */
static __rte_always_inline bool
tcp_synack4_fits(const struct synq_tcp_seg *seg, const struct synq_iface *ifc)
{
	const struct rte_mbuf *m = seg->m;
	const struct rte_tcp_hdr *th =
		(const struct rte_tcp_hdr *)(seg->l3 + sizeof(struct rte_ipv4_hdr));
	uint16_t l2 = seg->l2_len;

	return seg->family == 4 && seg->l3_len == sizeof(struct rte_ipv4_hdr) &&
	       l2 == sizeof(struct rte_ether_hdr) +
			       (ifc->vlan != 0 ? sizeof(struct rte_vlan_hdr) : 0) &&
	       m->nb_segs == 1 && seg->l4_len == (th->data_off & 0xf0) >> 2 &&
	       (uint32_t)m->buf_len - m->data_off >=
		       l2 + sizeof(struct rte_ipv4_hdr) + sizeof(*th) + SYNQ_TCP_OPTS_MAX;
}

/*
 * The SYN-ACK of the IPv4 SYN @p seg, which tcp_synack4_fits(), over it, as
 * tcp_synack_of_syn() writes it (inline in the SYN paths, @p o by value: the caller's
 * options stay in registers). Of the 58 to 78 bytes of the frame, the MACs, addresses
 * and ports are the SYN's swapped, the rest is its layout's bytes or written where it
 * lies, nothing copied out first. The checksums are the layout's sums and the varying
 * words', added as they are written, from registers. They are summed anew rather than
 * updated from the SYN's (RFC 1624): the update would have to sum the SYN's changed
 * fields and options (16 + 0 to 40 bytes) to save the pseudo-header's addresses and the
 * ports (12 bytes), and it needs the SYN's checksum known good, which a NIC's
 * RTE_MBUF_F_RX_L4_CKSUM_NONE does not tell. Every field of the IP header but the
 * addresses is written, so that the frame is tcp_build()'s whatever the SYN's held.
 */
static __rte_always_inline void
tcp_synack4_in_place(struct synq_tcp_seg *seg, const struct synq_iface *ifc, uint32_t seq,
	uint32_t ack, uint16_t win, const struct synq_tcp_synack_opts o)
{
	const struct tcp_synack_layout *ly = tcp_synack_layout_of(o);
	struct rte_mbuf *m = seg->m;
	uint8_t *ip = seg->l3;
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + sizeof(struct rte_ipv4_hdr));
	uint16_t l34 = (uint16_t)(sizeof(struct rte_ipv4_hdr) + sizeof(*th) + ly->n);
	uint64_t sum, a;
	uint8_t *base;
	uint16_t l2;

	memcpy(ip, ly->ip, sizeof(ly->ip)); /* to the addresses */
	sum = tcp_synack_tcp_put(th, ly, seq, ack, win, o);
	/* source and destination are adjacent: one 8-byte word, halves swapped */
	memcpy(&a, ip + offsetof(struct rte_ipv4_hdr, src_addr), sizeof(a));
	memcpy(ip + offsetof(struct rte_ipv4_hdr, src_addr), &(uint64_t){(a >> 32) | (a << 32)},
		sizeof(a));
	if (ifc->tx_cksum_offload) {
		/* the pseudo-header's sum, as rte_ipv4_phdr_cksum() gives it; the IP
		 * header's checksum 0 */
		m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_TCP_CKSUM;
		th->cksum = synq_cksum_fold(tcp_sum_add64(ly->ph_sum, a));
	} else {
		uint16_t ck = synq_cksum_value(tcp_sum_add64(ly->ip_sum, a));

		m->ol_flags = 0;
		memcpy(ip + offsetof(struct rte_ipv4_hdr, hdr_checksum), &ck, sizeof(ck));
		th->cksum = synq_cksum_value(tcp_sum_add64(sum, a));
	}
	base = rte_pktmbuf_mtod(m, uint8_t *);
	l2 = seg->l2_len; /* the port's: tcp_synack4_fits() */
	tcp_synack_eth_put(base, ifc);
	tcp_synack_mbuf_put(m, l2, sizeof(struct rte_ipv4_hdr), (uint16_t)(l2 + l34));
}

#endif /* SYNQ_TCP_FRAME_H */
