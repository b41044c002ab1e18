/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The cookie SYNs of a burst (issue 14). tcp_syn_input() decides and counts each in
 * arrival order; an IPv4 one whose record lives until the burst ends (seg->kept: the
 * fast path's array in lib/net/input.c) waits here, its cookie request filled straight
 * from the record, and synq_tcp_burst_end() computes the burst's cookies in SIMD lanes
 * (synq_cookie_make_burst()), then writes their SYN-ACKs over their SYNs. Nothing else
 * of the burst depends on them: deciding set cookie_ms and cookies_sent, and each
 * reply is its frame's own. Any other cookie SYN (IPv6, a frame_input() record on its
 * stack, outside a burst) is answered at once with the same SYN-ACK.
 */

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

enum synq_tcp_verdict
tcp_cookie_synack(const struct synq_tcp_worker *tw, struct synq_counters *ctr,
	struct synq_tcp_seg *seg, const struct synq_iface *ifc, const struct synq_listener *l,
	uint32_t client_isn, uint32_t our_isn, const struct synq_cookie_opts *kept, bool ts,
	uint32_t tsval)
{
	/* the common IPv4 SYN's inline, its options never in memory (issue 14) */
	if (likely(tcp_synack4_fits(seg, ifc)))
		tcp_synack4_in_place(seg, ifc, our_isn, client_isn + 1, synack_window(&l->tcp),
			cookie_synack_opts(tw, l, kept, ts, tsval, our_mss(4)));
	else if (cookie_synack_other(tw, seg, ifc, l, client_isn, our_isn, kept, ts, tsval) != 0)
		return SYNQ_TCP_DROP;
	synq_counter_inc(ctr, SYNQ_CTR_SYNCOOKIES_SENT);
	synq_counter_inc(ctr, SYNQ_CTR_SYNACKS_SENT);
	synq_counter_inc(ctr, SYNQ_CTR_TCP_OUT_SEGS);
	return SYNQ_TCP_REPLY;
}

bool
tcp_cookie_syn_defer(struct synq_tcp_worker *tw, struct synq_tcp_seg *seg,
	const struct synq_iface *ifc, const struct synq_listener *l, const struct synq_tcp_opts *o)
{
	struct synq_cookie_req4 *r;
	struct tcp_cookie_syn *cs;

	if (!seg->kept || !tw->burst_open || tw->nb_cookie_syn >= SYNQ_TCP_BURST_MAX)
		return false;
	r = &tw->cookie_req[tw->nb_cookie_syn];
	cs = &tw->cookie_syn[tw->nb_cookie_syn++];
	/* the MAC input's first 12 bytes as on the wire: the record's words, the ports */
	memcpy(r->saddr, &seg->saddr4, 4);
	memcpy(r->daddr, &seg->daddr4, 4);
	r->sport = seg->th->src_port;
	r->dport = seg->th->dst_port;
	r->client_isn = seg->seq;
	r->opts = (struct synq_cookie_opts){
		.mss = o->mss != 0 ? o->mss : default_mss(4),
		.wscale = o->wscale,
		.sack = o->sack_perm,
	};
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
	tw->burst_seg = segs;
	tw->burst_n = (uint16_t)RTE_MIN(n, (unsigned int)SYNQ_TCP_BURST_MAX);
	tw->ack_checked = 0;
	tw->ack_valid = 0;
	tw->syn_hashed = 0;
}

/*
 * The cookies of the burst's kept pure ACKs from record @p first on, checked in one
 * call of lanes: the first that needs its check pays for the others', which a flood of
 * final ACKs (forged or not) needs next. The MAC is a function of the record and the
 * cookie keys alone, which no segment changes: each result is what synq_cookie_check()
 * would say when its ACK comes, whatever came between. An ACK that never reaches the
 * check (a SYN-table entry, TIME-WAIT, a flow, a listener without cookies) only had
 * its MAC computed in a lane.
 */
static void
ack_lanes(struct synq_tcp_worker *tw, unsigned int first)
{
	struct synq_cookie_req4 r[SYNQ_TCP_BURST_MAX];
	uint8_t idx[SYNQ_TCP_BURST_MAX];
	unsigned int n = 0;
	uint64_t valid;

	for (unsigned int i = first; i < tw->burst_n; i++) {
		const struct synq_tcp_seg *seg = &tw->burst_seg[i];

		if (!seg->kept ||
			(seg->flags & (RTE_TCP_SYN_FLAG | RTE_TCP_RST_FLAG | RTE_TCP_FIN_FLAG |
					      RTE_TCP_ACK_FLAG)) != RTE_TCP_ACK_FLAG)
			continue;
		memcpy(r[n].saddr, &seg->saddr4, 4);
		memcpy(r[n].daddr, &seg->daddr4, 4);
		r[n].sport = seg->th->src_port;
		r[n].dport = seg->th->dst_port;
		r[n].client_isn = seg->seq - 1;
		r[n].cookie = seg->ack - 1;
		idx[n++] = (uint8_t)i;
		tw->ack_checked |= UINT64_C(1) << i;
	}
	valid = synq_cookie_check_burst(&tw->cookie, r, n, tw->now_s);
	for (; valid != 0; valid &= valid - 1) {
		unsigned int k = (unsigned int)__builtin_ctzll(valid);

		tw->ack_valid |= UINT64_C(1) << idx[k];
		tw->ack_opts[idx[k]] = r[k].opts;
	}
}

int
tcp_cookie_ack_lanes(
	struct synq_tcp_worker *tw, const struct synq_tcp_seg *seg, struct synq_cookie_opts *co)
{
	unsigned int i;

	if (!seg->kept || !tw->burst_open)
		return -1;
	i = (unsigned int)(seg - tw->burst_seg);
	if (i >= tw->burst_n)
		return -1;
	if (!(tw->ack_checked >> i & 1))
		ack_lanes(tw, i);
	if (!(tw->ack_checked >> i & 1)) /* not a pure ACK: checked alone */
		return -1;
	if (!(tw->ack_valid >> i & 1))
		return 0;
	*co = tw->ack_opts[i];
	return 1;
}

unsigned int
synq_tcp_burst_end(struct synq_tcp_worker *tw, struct synq_counters *ctr, uint16_t *tags,
	enum synq_tcp_verdict *v)
{
	unsigned int n = tw->nb_cookie_syn;

	tw->burst_open = false;
	tw->nb_cookie_syn = 0;
	if (n == 0)
		return 0;
	/* every cookie of the burst in lanes, then every SYN-ACK (issue 14) */
	synq_cookie_make_burst(&tw->cookie, tw->cookie_req, n, tw->now_s);
	for (unsigned int i = 0; i < n; i++) {
		const struct tcp_cookie_syn *cs = &tw->cookie_syn[i];
		const struct synq_cookie_req4 *r = &tw->cookie_req[i];

		tags[i] = cs->seg->tag;
		v[i] = tcp_cookie_synack(tw, ctr, cs->seg, cs->ifc, cs->l, r->client_isn, r->cookie,
			&r->opts, cs->ts, cs->tsval);
	}
	return n;
}

/*
 * The RFC 6528 hashes (tcp_tuple_hash()) of the burst's kept SYNs from record @p first
 * on, in one call of lanes: their 12-byte inputs, the addresses as the record's words
 * and the ports as on the wire, one every 16 bytes.
 */
static void
syn_lanes(struct synq_tcp_worker *tw, unsigned int first)
{
	uint8_t in[SYNQ_TCP_BURST_MAX][16];
	uint8_t idx[SYNQ_TCP_BURST_MAX];
	uint64_t h[SYNQ_TCP_BURST_MAX];
	unsigned int n = 0;

	for (unsigned int i = first; i < tw->burst_n; i++) {
		const struct synq_tcp_seg *seg = &tw->burst_seg[i];

		if (!seg->kept ||
			(seg->flags & (RTE_TCP_SYN_FLAG | RTE_TCP_RST_FLAG | RTE_TCP_FIN_FLAG |
					      RTE_TCP_ACK_FLAG)) != RTE_TCP_SYN_FLAG)
			continue;
		memcpy(in[n], &seg->saddr4, 4);
		memcpy(in[n] + 4, &seg->daddr4, 4);
		memcpy(in[n] + 8, &seg->th->src_port, 2);
		memcpy(in[n] + 10, &seg->th->dst_port, 2);
		idx[n++] = (uint8_t)i;
	}
	if (n == 0)
		return;
	synq_siphash24_many(&tw->isn_key, 0, in, sizeof(in[0]), 12, n, h);
	for (unsigned int k = 0; k < n; k++) {
		tw->syn_h[idx[k]] = h[k];
		tw->syn_hashed |= UINT64_C(1) << idx[k];
	}
}

uint64_t
tcp_tuple_hash_lanes(
	struct synq_tcp_worker *tw, const struct synq_tcp_seg *seg, const struct tcp_peer *p)
{
	unsigned int i;

	if (!seg->kept || !tw->burst_open)
		return tcp_tuple_hash(tw, p);
	i = (unsigned int)(seg - tw->burst_seg);
	if (i >= tw->burst_n)
		return tcp_tuple_hash(tw, p);
	if (!(tw->syn_hashed >> i & 1))
		syn_lanes(tw, i);
	if (!(tw->syn_hashed >> i & 1)) /* not a pure SYN */
		return tcp_tuple_hash(tw, p);
	return tw->syn_h[i];
}
