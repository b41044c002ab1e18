/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The cookie SYNs of a burst (issue 14). tcp_syn_input() decides and counts each in
 * arrival order; an IPv4 one whose record lives until the burst ends (seg->kept: the
 * fast path's array in lib/net/input.c) waits here, its MAC input written straight from
 * the record into the lanes' rows (struct synq_cookie_lanes), and synq_tcp_burst_end()
 * computes the burst's cookies in SIMD lanes (synq_cookie_lanes_make()), then writes
 * their SYN-ACKs over their SYNs. Nothing else
 * of the burst depends on them: deciding set cookie_ms and cookies_sent, and each
 * reply is its frame's own. Any other cookie SYN (IPv6, a frame_input() record on its
 * stack, outside a burst) is answered at once with the same SYN-ACK.
 */

#include <stddef.h>
#include <string.h>

#include "tcp_frame.h"
#include "tcp_priv.h"

/*
 * A burst's records are one bit each of the 64-bit masks (ack_checked, ack_valid,
 * syn_hashed), and synq_cookie_check_burst() checks at most SYNQ_COOKIE_BURST_MAX of
 * them: more records than either would leave the last ones' valid cookies unchecked,
 * failed for good (their bits set as checked), a client's handshake lost.
 */
_Static_assert(SYNQ_TCP_BURST_MAX <= 64 && SYNQ_TCP_BURST_MAX <= SYNQ_COOKIE_BURST_MAX,
	"a burst's records fit the lanes' masks and one call of synq_cookie_check_burst()");

/* tcp_send_synack()'s options for a cookie SYN, our MSS @p mss: no tcp_peer to carry */
static __rte_always_inline struct synq_tcp_synack_opts
cookie_synack_opts(const struct synq_tcp_worker *tw, const struct synq_listener *l,
	const struct synq_cookie_opts *kept, bool ts, uint32_t tsval, uint16_t mss)
{
	return (struct synq_tcp_synack_opts){
		.mss = mss,
		/*
		 * RFC 7323 2.2: offer a shift only to a client that offered one; at most 14
		 * (the config's bound, said here: the writer's clamp and its test for none
		 * then fold away)
		 */
		.wscale = kept->wscale == SYNQ_TCP_NO_WSCALE
				  ? SYNQ_TCP_NO_WSCALE
				  : RTE_MIN(l->tcp.window_scale, (uint8_t)SYNQ_TCP_WSCALE_MAX),
		.sack_perm = kept->sack,
		.ts = ts,
		.tsval = ts ? synq_cookie_tsval(tw->now_ms + kept->ts_off, kept->ts_mac) : 0,
		.tsecr = tsval,
	};
}

/* The SYN-ACK of a cookie SYN that tcp_synack4_fits() not (IPv6, odd frames): aside */
static __rte_noinline int
cookie_synack_other(const struct synq_tcp_worker *tw, struct synq_tcp_seg *seg,
	const struct synq_iface *ifc, const struct synq_listener *l, uint32_t client_isn,
	uint32_t our_isn, const struct synq_cookie_opts *kept, bool ts, uint32_t tsval)
{
	const struct synq_tcp_synack_opts o =
		cookie_synack_opts(tw, l, kept, ts, tsval, our_mss(seg->family));

	return tcp_synack_of_syn(seg, ifc, our_isn, client_isn + 1, synack_window(&l->tcp), &o);
}

/*
 * The SYN-ACK of a cookie SYN over it, not counted: 0, or -ENOSPC. Inline in both its
 * callers, the common IPv4 SYN's write inline in it, its options never in memory
 * (issue 14).
 */
static __rte_always_inline int
cookie_synack_put(const struct synq_tcp_worker *tw, struct synq_tcp_seg *seg,
	const struct synq_iface *ifc, const struct synq_listener *l, uint32_t client_isn,
	uint32_t our_isn, const struct synq_cookie_opts *kept, bool ts, uint32_t tsval)
{
	if (likely(tcp_synack4_fits(seg, ifc))) {
		tcp_synack4_in_place(seg, ifc, our_isn, client_isn + 1, synack_window(&l->tcp),
			cookie_synack_opts(tw, l, kept, ts, tsval, our_mss(4)));
		return 0;
	}
	return cookie_synack_other(tw, seg, ifc, l, client_isn, our_isn, kept, ts, tsval);
}

enum synq_tcp_verdict
tcp_cookie_synack(const struct synq_tcp_worker *tw, struct synq_counters *ctr,
	struct synq_tcp_seg *seg, const struct synq_iface *ifc, const struct synq_listener *l,
	uint32_t client_isn, uint32_t our_isn, const struct synq_cookie_opts *kept, bool ts,
	uint32_t tsval)
{
	if (cookie_synack_put(tw, seg, ifc, l, client_isn, our_isn, kept, ts, tsval) != 0)
		return SYNQ_TCP_DROP;
	synq_counter_inc(ctr, SYNQ_CTR_SYNCOOKIES_SENT);
	synq_counter_inc(ctr, SYNQ_CTR_SYNACKS_SENT);
	synq_counter_inc(ctr, SYNQ_CTR_TCP_OUT_SEGS);
	return SYNQ_TCP_REPLY;
}

/*
 * The words of the lanes come straight from the record: its two IPv4 addresses as one
 * 8-byte load (the client's, then ours: the order of both hashes' inputs), and the
 * ports as the TCP header has them.
 */
_Static_assert(offsetof(struct synq_tcp_seg, daddr4) == offsetof(struct synq_tcp_seg, saddr4) + 4,
	"a record's IPv4 addresses, client's then ours, are 8 bytes in a row");
_Static_assert(offsetof(struct rte_tcp_hdr, dst_port) == offsetof(struct rte_tcp_hdr, src_port) + 2,
	"the TCP header's ports, client's then ours, are 4 bytes in a row");
_Static_assert(SYNQ_TCP_BURST_MAX % SYNQ_SIP_LANES_MAX == 0,
	"the lanes' rows have room for their last group");

static inline const void *
seg_addrs(const struct synq_tcp_seg *seg)
{
	return (const uint8_t *)seg + offsetof(struct synq_tcp_seg, saddr4);
}

bool
tcp_cookie_syn_defer(struct synq_tcp_worker *tw, struct synq_tcp_seg *seg,
	const struct synq_iface *ifc, const struct synq_listener *l, const struct synq_tcp_opts *o)
{
	struct tcp_cookie_syn *cs;
	unsigned int k = tw->nb_cookie_syn;

	if (!seg->kept || !tw->burst_open || k >= SYNQ_TCP_BURST_MAX)
		return false;
	tw->nb_cookie_syn = (uint16_t)(k + 1);
	cs = &tw->cookie_syn[k];
	/* its MAC input, in the lanes' rows: the cookie is made at the burst's end */
	synq_cookie_lanes_syn(&tw->cookie_lanes, &tw->cookie_now, k, seg_addrs(seg),
		&seg->th->src_port, seg->seq, o->mss != 0 ? o->mss : default_mss(4), o->wscale,
		o->sack_perm, &cs->kept);
	cs->seg = seg;
	cs->ifc = ifc;
	cs->l = l;
	cs->tsval = o->tsval;
	cs->ts = o->ts;
	return true;
}

void
synq_tcp_burst_begin(struct synq_tcp_worker *tw, struct synq_tcp_seg *segs, unsigned int n)
{
	tw->burst_open = true;
	tw->nb_cookie_syn = 0;
	synq_cookie_now(&tw->cookie_now, tw->now_s);
	tw->burst_seg = segs;
	tw->burst_n = (uint16_t)RTE_MIN(n, (unsigned int)SYNQ_TCP_BURST_MAX);
	tw->ack_checked = 0;
	tw->ack_nb = 0;
	tw->syn_hashed = 0;
	tw->syn_nb = 0;
}

/*
 * The cookies of the burst's kept pure ACKs from record @p first on, checked in one
 * call of lanes: the first that needs its check pays for the others', which a flood of
 * final ACKs (forged or not) needs next. The MAC is a function of the record and the
 * cookie keys alone, which no segment changes: each result is what synq_cookie_check()
 * would say when its ACK comes, whatever came between. An ACK that never reaches the
 * check (a SYN-table entry, TIME-WAIT, a flow, a listener without cookies) only had
 * its MAC computed in a lane. Each keeps its lane (ack_lane), its MAC there in the
 * worker's lanes (no copy out of them), its cookie checked against it and its options
 * read from the two when it comes. A record already checked is not again: a later call
 * (a record before @p first, out of order) adds lanes after the burst's last.
 */
static __rte_noinline void /* once a burst: not in its callers' per-segment code */
ack_lanes(struct synq_tcp_worker *tw, unsigned int first)
{
	struct synq_cookie_lanes *b = &tw->ack_lanes;
	/* in locals: the stores to the lanes could be the worker's fields to the compiler */
	const struct synq_tcp_seg *segs = tw->burst_seg;
	unsigned int nb = tw->burst_n, from = tw->ack_nb, n = from;
	uint64_t checked = tw->ack_checked;
	uint8_t *lane = tw->ack_lane;
	struct synq_cookie_now t;

	synq_cookie_now(&t, tw->now_s);
	for (unsigned int i = first; i < nb; i++) {
		const struct synq_tcp_seg *seg = &segs[i];

		if (!seg->kept || (checked >> i & 1) ||
			(seg->flags & (RTE_TCP_SYN_FLAG | RTE_TCP_RST_FLAG | RTE_TCP_FIN_FLAG |
					      RTE_TCP_ACK_FLAG)) != RTE_TCP_ACK_FLAG)
			continue;
		synq_cookie_lanes_ack(
			b, &t, n, seg_addrs(seg), &seg->th->src_port, seg->seq - 1, seg->ack - 1);
		lane[i] = (uint8_t)n++;
		checked |= UINT64_C(1) << i;
	}
	tw->ack_checked = checked;
	tw->ack_nb = (uint16_t)n;
	synq_cookie_lanes_check(&tw->cookie, b, &t, from, n);
}

int
tcp_cookie_ack_lanes(
	struct synq_tcp_worker *tw, const struct synq_tcp_seg *seg, struct synq_cookie_opts *co)
{
	unsigned int i;
	uint64_t h;

	if (!seg->kept) /* burst_n is 0 outside a burst */
		return -1;
	i = (unsigned int)(seg - tw->burst_seg);
	if (i >= tw->burst_n)
		return -1;
	if (!(tw->ack_checked >> i & 1))
		ack_lanes(tw, i);
	if (!(tw->ack_checked >> i & 1)) /* not a pure ACK: checked alone */
		return -1;
	h = tw->ack_lanes.h[tw->ack_lane[i]];
	if (!synq_cookie_lanes_valid(seg->ack - 1, h))
		return 0;
	synq_cookie_lanes_opts(seg->ack - 1, h, co);
	return 1;
}

unsigned int
synq_tcp_burst_end(struct synq_tcp_worker *tw, struct synq_counters *ctr, uint16_t *tags,
	enum synq_tcp_verdict *v)
{
	unsigned int n = tw->nb_cookie_syn, sent = 0;

	tw->burst_open = false;
	tw->burst_n = 0; /* no record is the burst's: the lanes' lookups fall through */
	tw->nb_cookie_syn = 0;
	if (n == 0)
		return 0;
	/* every cookie of the burst in lanes, then every SYN-ACK (issue 14) */
	synq_cookie_lanes_make(&tw->cookie, &tw->cookie_lanes, &tw->cookie_now, n);
	for (unsigned int i = 0; i < n; i++) {
		struct tcp_cookie_syn *cs = &tw->cookie_syn[i];
		uint32_t cookie = synq_cookie_lanes_cookie(&tw->cookie_lanes, i, &cs->kept);
		int rc;

		tags[i] = cs->seg->tag;
		rc = cookie_synack_put(tw, cs->seg, cs->ifc, cs->l, cs->seg->seq, cookie, &cs->kept,
			cs->ts, cs->tsval);
		v[i] = rc == 0 ? SYNQ_TCP_REPLY : SYNQ_TCP_DROP;
		sent += rc == 0;
	}
	/*
	 * tcp_cookie_synack()'s counts, added once for the burst: the same sums; a reader
	 * on another lcore sees them after the loop rather than SYN-ACK by SYN-ACK within
	 * it, as it sees any other counter of the burst at some point of it.
	 */
	synq_counter_add(ctr, SYNQ_CTR_SYNCOOKIES_SENT, sent);
	synq_counter_add(ctr, SYNQ_CTR_SYNACKS_SENT, sent);
	synq_counter_add(ctr, SYNQ_CTR_TCP_OUT_SEGS, sent);
	return n;
}

/*
 * The RFC 6528 hashes (tcp_tuple_hash()) of the burst's kept SYNs from record @p first
 * on, in one call of lanes: their 12-byte inputs as SipHash's two words, the addresses
 * as the record's words and the ports as on the wire, the length in the last. Each
 * record keeps its lane (syn_lane), the hashes written in the worker's syn_h from the
 * burst's first free lane on, as ack_lanes() does.
 */
static __rte_noinline void /* as ack_lanes() */
syn_lanes(struct synq_tcp_worker *tw, unsigned int first)
{
	/* aligned to the vectors: synq_siphash24_words() loads them whole */
	uint64_t w[2][SYNQ_TCP_BURST_MAX + SYNQ_SIP_LANES_MAX] __rte_aligned(64);
	const struct synq_tcp_seg *segs = tw->burst_seg;
	unsigned int nb = tw->burst_n, from = tw->syn_nb, n = 0;
	uint64_t hashed = tw->syn_hashed;
	uint8_t *lane = tw->syn_lane;

	for (unsigned int i = first; i < nb; i++) {
		const struct synq_tcp_seg *seg = &segs[i];
		uint64_t a;
		uint32_t p;

		if (!seg->kept || (hashed >> i & 1) ||
			(seg->flags & (RTE_TCP_SYN_FLAG | RTE_TCP_RST_FLAG | RTE_TCP_FIN_FLAG |
					      RTE_TCP_ACK_FLAG)) != RTE_TCP_SYN_FLAG)
			continue;
		memcpy(&a, seg_addrs(seg), 8);
		/* both ports: from the header's base, not past the field src_port names */
		memcpy(&p, (const uint8_t *)seg->th + offsetof(struct rte_tcp_hdr, src_port), 4);
		w[0][n] = rte_le_to_cpu_64(a);
		w[1][n] = (uint64_t)rte_le_to_cpu_32(p) | (uint64_t)12 << 56;
		lane[i] = (uint8_t)(from + n++);
		hashed |= UINT64_C(1) << i;
	}
	if (n == 0)
		return;
	synq_siphash24_words(&tw->isn_key, NULL, &w[0][0], RTE_DIM(w[0]), 2, n, tw->syn_h + from);
	tw->syn_hashed = hashed;
	tw->syn_nb = (uint16_t)(from + n);
}

uint64_t
tcp_tuple_hash_lanes(
	struct synq_tcp_worker *tw, const struct synq_tcp_seg *seg, const struct tcp_peer *p)
{
	unsigned int i;

	if (!seg->kept) /* burst_n is 0 outside a burst */
		return tcp_tuple_hash(tw, p);
	i = (unsigned int)(seg - tw->burst_seg);
	if (i >= tw->burst_n)
		return tcp_tuple_hash(tw, p);
	if (!(tw->syn_hashed >> i & 1))
		syn_lanes(tw, i);
	if (!(tw->syn_hashed >> i & 1)) /* not a pure SYN */
		return tcp_tuple_hash(tw, p);
	return tw->syn_h[tw->syn_lane[i]];
}
