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

enum synq_tcp_verdict
tcp_cookie_synack(const struct synq_tcp_worker *tw, struct synq_counters *ctr,
	struct synq_tcp_seg *seg, const struct synq_iface *ifc, const struct synq_listener *l,
	uint32_t client_isn, uint32_t our_isn, const struct synq_cookie_opts *kept, bool ts,
	uint32_t tsval)
{
	/* tcp_send_synack()'s options, straight over the SYN: no tcp_peer to carry */
	struct synq_tcp_synack_opts o = {
		.mss = our_mss(seg->family),
		/* RFC 7323 2.2: offer a shift only to a client that offered one */
		.wscale = kept->wscale == SYNQ_TCP_NO_WSCALE ? SYNQ_TCP_NO_WSCALE
							     : l->tcp.window_scale,
		.sack_perm = kept->sack,
		.ts = ts,
		.tsval = ts ? synq_cookie_tsval(tw->now_ms + kept->ts_off, kept->ts_mac) : 0,
		.tsecr = tsval,
	};

	if (tcp_synack_of_syn(seg, ifc, our_isn, client_isn + 1, synack_window(&l->tcp), &o) != 0)
		return SYNQ_TCP_DROP;
	synq_counter_inc(ctr, SYNQ_CTR_SYNCOOKIES_SENT);
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
synq_tcp_burst_begin(struct synq_tcp_worker *tw)
{
	tw->burst_open = true;
	tw->nb_cookie_syn = 0;
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
