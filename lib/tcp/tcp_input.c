/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * synq_tcp_input(): every TCP segment for one of our addresses. The checks that need
 * no state (length, data offset, checksum, flag combinations), then the listener, then
 * where the flow stands:
 *
 *   a connection of the flow table ........ tcp_established.c
 *   a RST .................................. a half-open entry's or TIME-WAIT's (tcp_handshake.c)
 *   a SYN ................................. the handshake (tcp_handshake.c)
 *   an ACK ................................ a half-open entry, TIME-WAIT, a cookie
 *   no listener ........................... a RST (rate limited)
 */

#include <stddef.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "synq_cksum.h"
#include "tcp_priv.h"

bool
synq_tcp_prefetch_wanted(const struct synq_tcp_worker *tw)
{
	return tw->syntab_used;
}

/*
 * One loop a burst, the seed's words in locals: a record's stores (a bool among them)
 * would make the compiler read the worker's again for every segment, as a call a
 * segment did (issue 14). Not inlined: its own registers keep the hash's constants.
 */
__rte_noinline void
synq_tcp_prefetch_burst(const struct synq_tcp_worker *tw, struct synq_tcp_seg *segs,
	const uint8_t *sel, uint8_t parsed, unsigned int n)
{
	const struct synq_syntab *st = tw->syntab;
	const struct tcp_hash4_consts c = tcp_hash4_consts(&tw->seed);

	if (!tw->syntab_used || st == NULL)
		return;
	for (unsigned int i = 0; i < n; i++) {
		struct synq_tcp_seg *seg = &segs[i];
		uint64_t h;

		if (sel[i] != parsed || !(seg->flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)))
			continue;
		if (likely(seg->family == 4)) {
			uint32_t ports;
			uint16_t idx;

			_Static_assert(offsetof(struct rte_tcp_hdr, dst_port) ==
					       offsetof(struct rte_tcp_hdr, src_port) + 2,
				"the TCP header's ports, client's then ours, are 4 bytes in a row");
			_Static_assert(offsetof(struct synq_tcp_seg, rxq_idx) ==
					       offsetof(struct synq_tcp_seg, daddr_idx) + 1,
				"a record's daddr_idx and rxq_idx are 2 bytes in a row, as in a "
				"flow key");
			/*
			 * the key's hash from the record's words: no key written, the ports
			 * and the two indices one load each (tcp_hash4_terms())
			 */
			memcpy(&ports,
				(const uint8_t *)seg->th + offsetof(struct rte_tcp_hdr, src_port),
				4);
			memcpy(&idx,
				(const uint8_t *)seg + offsetof(struct synq_tcp_seg, daddr_idx), 2);
			h = tcp_hash4_terms(&c, seg->saddr4, ports, idx);
		} else {
			struct synq_flow_key key;

			tcp_key_of_seg(seg, &key);
			h = tcp_hash(&tw->seed, &key);
		}
		synq_syntab_prefetch_h(st, h);
		seg->hash = h;
		seg->hashed = true;
	}
}

/* The sum of the segment's pseudo-header: IPv4's addresses as the IP input read them. */
static uint64_t
l4_phdr_sum(const struct synq_tcp_seg *seg)
{
	if (seg->family == 4)
		return synq_cksum_ipv4_phdr(seg->saddr4, seg->daddr4, IPPROTO_TCP, seg->l4_len);
	const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)seg->l3;

	return synq_cksum_ipv6_phdr(ip6->src_addr, ip6->dst_addr, IPPROTO_TCP, seg->l4_len);
}

/* Is the checksum bad? The NIC's verdict when it gave one, else checked here. */
static bool
csum_bad(const struct synq_tcp_seg *seg, const struct rte_tcp_hdr *th)
{
	uint64_t l4_csum = seg->m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;

	if (l4_csum == RTE_MBUF_F_RX_L4_CKSUM_BAD)
		return true;
	if (l4_csum == RTE_MBUF_F_RX_L4_CKSUM_GOOD || l4_csum == RTE_MBUF_F_RX_L4_CKSUM_NONE)
		return false;
	return synq_cksum_fold(synq_cksum_add(l4_phdr_sum(seg), th, seg->l4_len)) != 0xffff;
}

/*
 * Whether listener @p l, which has "allow" prefixes, answers the client of @p p (issue
 * 15). Out of line: only such listeners' segments come here, and the prefixes' loop
 * kept inline cost every other segment (13 instructions a SYN in synq-bench).
 */
static __rte_noinline bool
tcp_allowed(const struct synq_listener *l, const struct tcp_peer *p)
{
	return synq_listener_allows(l, p->family, p->caddr);
}

/*
 * RFC 9293 3.10.7.2 has no use for these; scanners and floods send them: SYN+FIN,
 * SYN+RST, SYN+ACK, that is a SYN with any of the three (one test, not three).
 */
static inline bool
flags_bad(uint8_t flags)
{
	return (flags & RTE_TCP_SYN_FLAG) &&
	       (flags & (RTE_TCP_FIN_FLAG | RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG));
}

/*
 * Who is flooding (synq_srcsketch.h): every SYN (no ACK: a SYN-ACK answers us) that
 * reached TCP, its checksum good, counted and fed before anything decides it: answered
 * from the table or with a cookie, dropped by an overflow or its flags, or sent a RST
 * for no listener. The operator wants to see the flood, whatever synq did with it,
 * and a scan of closed ports is one too.
 */
static inline bool
syn_seen(uint8_t flags)
{
	return (flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)) == RTE_TCP_SYN_FLAG;
}

enum synq_tcp_verdict
synq_tcp_input(struct synq_tcp_worker *tw, struct synq_counters *ctr, const struct synq_iface *ifc,
	struct synq_tcp_seg *seg)
{
	const struct rte_tcp_hdr *th = (const struct rte_tcp_hdr *)(seg->l3 + seg->l3_len);
	uint16_t doff;

	synq_counter_inc(ctr, SYNQ_CTR_TCP_IN_SEGS);
	if (seg->l4_len < sizeof(*th)) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_MALFORMED);
		return SYNQ_TCP_DROP;
	}
	doff = (uint16_t)((th->data_off >> 4) * 4);
	if (doff < sizeof(*th) || doff > seg->l4_len) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_MALFORMED);
		return SYNQ_TCP_DROP;
	}
	if (csum_bad(seg, th)) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_IN_CSUM_ERRORS);
		return SYNQ_TCP_DROP;
	}
	/* the TCP part of the parsed record: nothing above reads these fields again */
	seg->th = th;
	seg->doff = doff;
	seg->flags = th->tcp_flags;
	seg->seq = rte_be_to_cpu_32(th->sent_seq);
	seg->ack = rte_be_to_cpu_32(th->recv_ack);
	return synq_tcp_input_parsed(tw, ctr, ifc, seg);
}

enum synq_tcp_verdict
synq_tcp_input_parsed(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	const struct synq_iface *ifc, struct synq_tcp_seg *seg)
{
	const struct rte_tcp_hdr *th = seg->th;
	uint16_t doff = seg->doff;
	uint8_t flags = seg->flags;
	struct synq_listener *l;
	struct synq_flow_key key;
	const struct synq_flow_key *k = NULL; /* &key once made: only where a table needs it */
	unsigned int li = 0;

	/*
	 * The SYN's sketch feed (syn_seen()), then the listener; IPv4 through the
	 * worker's index by port (issue 14), its index with it. Neither the key nor the
	 * peer is made before a use for them: a flood SYN answered with a cookie, or a
	 * forged ACK, needs little of either. The family is tested once for both.
	 */
	if (unlikely(tw == NULL)) {
		l = NULL;
	} else if (seg->family == 4) {
		if (syn_seen(flags)) {
			synq_counter_inc(ctr, SYNQ_CTR_SYN_RECV);
			synq_srcsketch_feed4(&tw->sources, seg->saddr4);
		}
		l = synq_listener_lookup4_ports(
			tw->listeners, &tw->lports, seg->daddr4, th->dst_port, &li);
	} else {
		const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)seg->l3;

		if (syn_seen(flags)) {
			synq_counter_inc(ctr, SYNQ_CTR_SYN_RECV);
			synq_srcsketch_feed6(&tw->sources, ip6->src_addr);
		}
		l = synq_listener_lookup(tw->listeners, 6, ip6->dst_addr, th->dst_port);
		if (l != NULL)
			li = synq_listener_index(tw->listeners, l);
	}
	/*
	 * No listener: a RST (RFC 9293 3.10.7.1). Issue 15: a source outside the listener's
	 * "allow" prefixes finds the port as closed, every segment of it: no SYN-ACK, no
	 * cookie, no connection. One test of the pair on the way of every segment.
	 */
	if (unlikely(l == NULL || l->nb_allow != 0)) {
		enum synq_tcp_verdict v;
		struct tcp_peer p;

		tcp_peer_of_seg(seg, &p);
		if (l != NULL) {
			if (tcp_allowed(l, &p))
				goto allowed;
			synq_counter_inc(ctr, SYNQ_CTR_TCP_NOT_ALLOWED);
		} else {
			/* a port of tcp.local_ports: a connection synq opened (tcp_active.c)? */
			if (tw != NULL && tcp_active_input(tw, ctr, ifc, seg, &p, th, doff, &v))
				return v;
			synq_counter_inc(ctr, SYNQ_CTR_TCP_NO_LISTENER);
		}
		if (flags & RTE_TCP_RST_FLAG)
			return SYNQ_TCP_DROP;
		return tcp_reply_rst(tw, ctr, seg->m, ifc, &p, th,
			seg->l4_len - doff + !!(flags & RTE_TCP_SYN_FLAG) +
				!!(flags & RTE_TCP_FIN_FLAG));
	}
allowed:
	/*
	 * An empty flow table (a flood with no connection yet) is not looked up: a SYN or
	 * ACK of no established flow pays nothing for the data path (issue 14). The key
	 * and its hash, once, when a table needs them (tcp_seg_hash()).
	 */
	if (tw->flows != NULL && synq_flowtab_count(tw->flows) != 0) {
		struct tcp_conn *c;

		k = tcp_key_of_seg(seg, &key);
		c = synq_flowtab_lookup_h(tw->flows, k, tcp_seg_hash(tw, seg, k));
		/* RFC 5961 4.2: a connection answers a SYN-ACK, too, with a challenge ACK */
		if (c != NULL && c->state != SYNQ_TCP_CLOSED && c->state != SYNQ_TCP_SYN_SENT &&
			(!flags_bad(flags) ||
				(flags & (RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG |
						 RTE_TCP_RST_FLAG)) == RTE_TCP_SYN_FLAG))
			return tcp_established_input(tw, ctr, seg, c, th, doff);
	}
	/*
	 * A SYN with none of ACK, RST, FIN (a flood's, every one) is neither of the two
	 * cases below: one test takes it past both, to its listener's check (issue 14).
	 */
	if ((flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG | RTE_TCP_RST_FLAG | RTE_TCP_FIN_FLAG)) ==
		RTE_TCP_SYN_FLAG)
		goto syn;
	if (flags_bad(flags)) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_BAD_FLAGS);
		return SYNQ_TCP_DROP;
	}
	if (flags & RTE_TCP_RST_FLAG) {
		if (k == NULL)
			k = tcp_key_of_seg(seg, &key);
		return tcp_rst_input(tw, ctr, seg, k, th);
	}
	/*
	 * issue 15: a listener a reload removed takes no new connection: a SYN of no
	 * connection of its is one to no listener. Its connections (above) and handshakes
	 * in progress (ACKs below) go on.
	 */
	if (flags & RTE_TCP_SYN_FLAG) {
	syn:
		if (unlikely(atomic_load_explicit(&l->removed, memory_order_relaxed))) {
			struct tcp_peer p;

			tcp_peer_of_seg(seg, &p);
			synq_counter_inc(ctr, SYNQ_CTR_TCP_NO_LISTENER);
			return tcp_reply_rst(tw, ctr, seg->m, ifc, &p, th,
				seg->l4_len - doff + 1 + !!(flags & RTE_TCP_FIN_FLAG));
		}
		return tcp_syn_input(tw, ctr, ifc, seg, l, li, k);
	}
	if (flags & RTE_TCP_ACK_FLAG)
		return tcp_ack_input(tw, ctr, ifc, seg, l, li, k);
	synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_NO_CONNECTION);
	return SYNQ_TCP_DROP;
}
