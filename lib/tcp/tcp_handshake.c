/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The handshake as a listener sees it (RFC 9293 3.5, 3.10.7.2 LISTEN, 3.10.7.4
 * SYN-RECEIVED), with the kernel's two queues (docs/configuration.md, queue_model):
 *
 *   SYN  -> TIME-WAIT of the 4-tuple: RFC 6191 lets it go, or its ACK answers
 *        -> accept queue full? drop (ListenOverflows/ListenDrops)
 *        -> SYN table entry (retransmitted SYN: same entry, SYN-ACK again)
 *           or cookie (syncookies 2, or 1 with the table share full)
 *        -> SYN-ACK built in the SYN's own mbuf
 *   ACK  -> table entry with the right numbers, or a valid cookie
 *        -> promotion: a session on the listener's accept queue, a connection in
 *           the flow table (PassiveOpens)
 *   RST  -> removes the half-open entry it names (EmbryonicRsts)
 *   timers -> SYN-ACK retransmissions, expiry of half-open entries
 *
 * Every other outcome is a named counter.
 */

#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>

#include "synq_srclimit.h"
#include "tcp_frame.h"
#include "tcp_priv.h"

/*
 * The TIME-WAIT entry of @p seg's @p key, or NULL. An empty memory (a flood, no connection
 * ended yet: !@p any, time_wait_any()) is not hashed nor looked up: floods pay nothing.
 */
static inline bool
time_wait_any(const struct synq_tcp_worker *tw)
{
	return tw->time_wait != NULL && synq_flowmem_count(tw->time_wait) != 0;
}

static inline struct synq_flowmem_entry *
time_wait_find(struct synq_tcp_worker *tw, struct synq_tcp_seg *seg,
	const struct synq_flow_key *key, bool any)
{
	return any ? synq_flowmem_lookup_h(tw->time_wait, key, tcp_seg_hash(tw, seg, key)) : NULL;
}

/* The listener's SYN table share has room, and a new entry for the SYN: its SYN-ACK. */
static enum synq_tcp_verdict
syn_to_table(struct synq_tcp_worker *tw, struct synq_counters *ctr, const struct synq_iface *ifc,
	struct synq_tcp_seg *seg, struct synq_listener *l, unsigned int li,
	const struct tcp_peer *p, struct synq_syn_entry *e, uint32_t client_isn,
	const struct synq_tcp_opts *o)
{
	uint64_t f = tcp_tuple_hash_lanes(tw, seg, p); /* with its burst's others */

	e->client_isn = client_isn;
	e->our_isn = tcp_table_isn(tw, f);
	e->ts_recent = o->ts ? o->tsval : 0;
	e->mss = o->mss;
	e->listener = (uint16_t)li;
	e->peer_mac = p->cmac;
	e->wscale = o->wscale;
	e->flags |= (o->sack_perm ? SYNQ_SYN_F_SACK : 0) | (o->ts ? SYNQ_SYN_F_TS : 0);
	e->oow_ms = tw->now_ms - TCP_INVALID_RATELIMIT_MS; /* nothing answered yet */
	tw->halfopen[li]++;
	/* the common IPv4 SYN's inline, as tcp_entry_synack() (its call: 40 instructions) */
	if (likely(tcp_synack4_fits(seg, ifc))) {
		tcp_synack4_in_place(seg, ifc, e->our_isn, client_isn + 1, synack_window(&l->tcp),
			tcp_entry_synack_opts(tw, e, l, (uint32_t)(f >> 32)));
		synq_counter_inc(ctr, SYNQ_CTR_SYNACKS_SENT);
		synq_counter_inc(ctr, SYNQ_CTR_TCP_OUT_SEGS);
	} else if (tcp_entry_synack(tw, ctr, seg->m, seg, ifc, p, e, l, (uint32_t)(f >> 32)) !=
		   SYNQ_TCP_REPLY) {
		tcp_entry_forget(tw, e);
		return SYNQ_TCP_DROP;
	}
	return SYNQ_TCP_REPLY;
}

/* A SYN of entry @p e. Out of line: tcp_syn_input() inlined (its call: 28 instructions) */
static __rte_noinline enum synq_tcp_verdict
syn_of_entry(struct synq_tcp_worker *tw, struct synq_counters *ctr, const struct synq_iface *ifc,
	struct synq_tcp_seg *seg, struct synq_listener *l, struct synq_syn_entry *e,
	const struct synq_tcp_opts *o)
{
	struct tcp_peer p;

	tcp_peer_of_seg(seg, &p);
	/*
	 * Another ISN on the same 4-tuple: a blind SYN, or a client that started over.
	 * Never take it (anyone who knows the 4-tuple could kill the real handshake):
	 * answer with a challenge ACK (RFC 5961 4.2); a client that really restarted
	 * answers it with the RST that removes the entry.
	 */
	if (e->client_isn != seg->seq)
		return tcp_entry_ack(tw, ctr, seg->m, ifc, &p, e, SYNQ_CTR_CHALLENGE_ACKS);
	/* A retransmitted SYN: the same entry answers again, with the same ISN. */
	if (o->ts)
		e->ts_recent = o->tsval;
	synq_counter_inc(ctr, SYNQ_CTR_SYN_DUPLICATES);
	if (!tcp_dup_synack_allowed(tw, ctr, e))
		return SYNQ_TCP_DROP;
	return tcp_entry_synack(tw, ctr, seg->m, seg, ifc, &p, e, l,
		e->flags & SYNQ_SYN_F_TS ? tcp_ts_off(tw, &p) : 0);
}

/* A cookie SYN answered now, not in its burst's lanes: IPv6, or outside a burst. */
static __rte_noinline enum synq_tcp_verdict
syn_cookie_now(struct synq_tcp_worker *tw, struct synq_counters *ctr, const struct synq_iface *ifc,
	struct synq_tcp_seg *seg, const struct synq_listener *l, const struct synq_tcp_opts *o)
{
	struct synq_cookie_opts kept, in = {.mss = o->mss != 0 ? o->mss : default_mss(seg->family)};
	struct synq_cookie_flow f;
	struct tcp_peer p;
	uint32_t our_isn;

	in.wscale = o->wscale;
	in.sack = o->sack_perm;
	tcp_peer_of_seg(seg, &p);
	cookie_flow_of(&p, &f);
	our_isn = synq_cookie_make(&tw->cookie, &f, seg->seq, &in, tw->now_s, &kept);
	return tcp_cookie_synack(tw, ctr, seg, ifc, l, seg->seq, our_isn, &kept, o->ts, o->tsval);
}

__rte_always_inline enum synq_tcp_verdict
tcp_syn_input(struct synq_tcp_worker *tw, struct synq_counters *ctr, const struct synq_iface *ifc,
	struct synq_tcp_seg *seg, struct synq_listener *l, unsigned int li,
	const struct synq_flow_key *key)
{
	const struct rte_tcp_hdr *th = seg->th;
	uint32_t client_isn = seg->seq;
	bool table = l->tcp.syncookies != SYNQ_SYNCOOKIES_ALWAYS && tw->syntab != NULL;
	bool tw_any; /* TIME-WAIT holds entries: read once */
	struct synq_flowmem_entry *tw_e;
	struct synq_syn_entry *e;
	struct synq_flow_key kbuf;
	struct tcp_peer p;
	struct synq_tcp_opts o;

	if (synq_tcp_opts_parse((const uint8_t *)(th + 1), seg->doff - sizeof(*th), &o) != 0) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_BAD_OPTIONS);
		return SYNQ_TCP_DROP;
	}
	/*
	 * The key only for a table looked up: the SYN table (syncookies 2 keeps none),
	 * TIME-WAIT when it holds any. A flood's cookie SYN makes no key, no peer.
	 */
	tw_any = time_wait_any(tw);
	if (key == NULL && (table || tw_any))
		key = tcp_key_of_seg(seg, &kbuf);
	e = table ? synq_syntab_lookup_h(tw->syntab, key, tcp_seg_hash(tw, seg, key)) : NULL;
	if (e != NULL)
		return syn_of_entry(tw, ctr, ifc, seg, l, e, &o);
	if ((tw_e = time_wait_find(tw, seg, key, tw_any)) != NULL) {
		if (!tcp_time_wait_reusable(tw_e, client_isn, &o))
			return tcp_time_wait_input(tw, ctr, seg, tw_e, th, 0, &o);
		tcp_time_wait_reuse(tw, ctr, tw_e);
	}

	/*
	 * A full accept queue drops new SYNs, cookies or not: Linux's tcp_conn_request()
	 * does, and it keeps a listener that is not accepting from taking more work.
	 */
	if (synq_accept_full(&l->accept)) {
		if (l->tcp.queue_model == SYNQ_QUEUE_LINUX)
			synq_counter_inc(ctr, SYNQ_CTR_LISTEN_OVERFLOWS);
		synq_counter_inc(ctr, SYNQ_CTR_LISTEN_DROPS);
		return SYNQ_TCP_DROP;
	}

	/*
	 * bsd: a half-open entry takes a place in the single queue. A queue full of them
	 * (a slow spoofed flood keeps it so) answers with cookies, as FreeBSD's syncache
	 * does: the backlog bounds connections, and a full queue of completed ones was
	 * refused above.
	 */
	if (table && tw->halfopen[li] < l->syn_share &&
		(l->tcp.queue_model != SYNQ_QUEUE_BSD || synq_accept_bsd_take(&l->accept))) {
		e = synq_syntab_insert_h(tw->syntab, key, tcp_seg_hash(tw, seg, key), tw->now_ms);
		if (e != NULL) {
			tcp_peer_of_seg(seg, &p);
			return syn_to_table(tw, ctr, ifc, seg, l, li, &p, e, client_isn, &o);
		}
		synq_accept_bsd_give(&l->accept);
	}

	/* syncookies 2 (a flood's listener) first: one test, not two */
	if (l->tcp.syncookies != SYNQ_SYNCOOKIES_ALWAYS) {
		if (l->tcp.syncookies == SYNQ_SYNCOOKIES_NEVER) {
			synq_counter_inc(ctr, SYNQ_CTR_REQ_QFULL_DROP);
			synq_counter_inc(ctr, SYNQ_CTR_LISTEN_DROPS);
			return SYNQ_TCP_DROP;
		}
		if (l->tcp.syncookies == SYNQ_SYNCOOKIES_WHEN_FULL)
			synq_counter_inc(ctr, SYNQ_CTR_REQ_QFULL_DO_COOKIES);
	}
	tw->cookie_ms[li] = tw->now_ms;
	tw->cookies_sent[li] = true;
	/*
	 * Decided: a cookie. Inside a burst an IPv4 SYN's cookie and SYN-ACK wait for the
	 * burst's end, where its cookies are computed in lanes (lib/tcp/tcp_burst.c);
	 * any other now.
	 */
	if (tcp_cookie_syn_defer(tw, seg, ifc, l, &o))
		return SYNQ_TCP_DEFERRED;
	return syn_cookie_now(tw, ctr, ifc, seg, l, &o);
}

/* What became of a promotion. */
enum promote_rc {
	PROMOTED,
	NO_SESSION,  /* the session pool is empty */
	RING_FULL,   /* the accept queue filled since the check */
	FLOWS_FULL,  /* the flow table, or the listener's share of it */
	SRC_LIMITED, /* the client's address or prefix has its share (lib/listener) */
};

/* The session of a new connection: its identity, nothing of the last one's. */
static void
session_init(const struct synq_tcp_worker *tw, struct synq_session *s, const struct tcp_peer *p,
	unsigned int li)
{
	s->family = p->family;
	s->kind = SYNQ_SESSION_TCP_PASSIVE;
	s->listener = (uint16_t)li;
	s->worker = (uint16_t)tw->lcore_id;
	s->sport = p->cport;
	s->dport = p->sport;
	memcpy(s->saddr, p->caddr, sizeof(s->saddr));
	memcpy(s->daddr, p->saddr, sizeof(s->daddr));
	atomic_store_explicit(&s->rcv_unread, 0, memory_order_relaxed);
	atomic_store_explicit(&s->snd_pending, 0, memory_order_relaxed);
	s->app_lcore = 0;
	s->app_ptr = NULL;
	s->app_u64[0] = 0;
	s->app_u64[1] = 0;
}

/*
 * The first half of a promotion of the flow @p key to listener @p li: the client's
 * share of the listener (lib/listener), a session (its identity) and its connection,
 * zeroed but for the key, the listener, the peer's MAC and the final ACK's time. The
 * caller writes what the handshake agreed (ISNs, MSS, scales, SACK, timestamps)
 * straight into the connection, then promote() makes it live, or gives all back.
 *
 * @return the connection, or NULL with *@p rc NO_SESSION or SRC_LIMITED (nothing kept).
 */
static __rte_always_inline struct tcp_conn *
promote_conn(struct synq_tcp_worker *tw, struct synq_counters *ctr, unsigned int li,
	const struct tcp_peer *p, const struct synq_flow_key *key, enum promote_rc *rc)
{
	struct synq_session *s;
	struct tcp_conn *c;
	uint32_t idx;

	/* no per-source limits (the common case): not even the call */
	if (tw->srclimit != NULL &&
		synq_srclimit_take(tw->srclimit, ctr, li, p->family, p->caddr) != 0) {
		*rc = SRC_LIMITED;
		return NULL;
	}
	s = synq_session_alloc(tw->sessions);
	if (s == NULL) {
		synq_srclimit_put(tw->srclimit, li, p->family, p->caddr);
		synq_counter_inc(ctr, SYNQ_CTR_CONN_POOL_EMPTY);
		*rc = NO_SESSION;
		return NULL;
	}
	session_init(tw, s, p, li);
	idx = synq_session_index(tw->sessions, s);
	c = conn_at(tw, idx);
	conn_own(tw, idx, synq_session_gen(s));
	/* all zero, then the identity; tcp_conn_start() sets the state */
	conn_zero(c);
	c->key = *key;
	c->listener = (uint16_t)li;
	c->peer_mac = p->cmac;
	c->ack_tsc = tw->now_tsc;
	return c;
}

/*
 * Promote @p c, the connection promote_conn() made, its handshake's fields written:
 * into the flow table with what the final ACK carried (its data, trimmed out of the
 * mbuf, and its FIN, when @p first: the segment starts at the client's ISN + 1), last
 * its session goes on the accept queue.
 *
 * @return PROMOTED, with *@p v the segment's verdict; else nothing is kept (the
 *   session and connection given back) and the mbuf is as it came.
 */
static __rte_always_inline enum promote_rc
promote(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct synq_listener *l,
	struct synq_tcp_seg *seg, const struct synq_flow_key *key, uint16_t doff,
	struct tcp_conn *c, bool first, enum synq_tcp_verdict *v)
{
	uint32_t idx = conn_idx(tw, c);
	struct synq_session *s = synq_session_at(tw->sessions, idx);
	uint16_t data_off = (uint16_t)(seg->l2_len + seg->l3_len + doff);
	uint16_t data_len = first ? (uint16_t)(seg->l4_len - doff) : 0;
	bool fin = first && (seg->flags & RTE_TCP_FIN_FLAG);
	enum promote_rc rc;

	/*
	 * The final ACK's data goes under the same limits as any later segment's (the
	 * listener's for connections not accepted, the worker's budget): refused, it is
	 * not taken and the client sends it again.
	 */
	if (data_len != 0 && !tcp_mem_rcv_admit(tw, ctr, c, tcp_truesize(seg->m))) {
		data_len = 0;
		fin = false;
	}
	if (data_len != 0) {
		rte_pktmbuf_adj(seg->m, data_off);
		rte_pktmbuf_trim(seg->m, rte_pktmbuf_pkt_len(seg->m) - data_len);
	}
	if (tcp_conn_start(tw, c, seg, data_len, fin) != 0) {
		synq_counter_inc(ctr, SYNQ_CTR_FLOW_TABLE_FULL);
		rc = FLOWS_FULL;
		goto undo;
	}
	if (synq_accept_enqueue(&l->accept, s) != 0) {
		tcp_conn_unstart(tw, c);
		rc = RING_FULL;
		goto undo;
	}
	synq_counter_inc(ctr, SYNQ_CTR_TCP_PASSIVE_OPENS);
	/* the final ACK's data is the connection's first, delivered like any later */
	synq_counter_add(ctr, SYNQ_CTR_TCP_IN_DATA_BYTES, data_len);
	*v = data_len != 0 ? SYNQ_TCP_CONSUMED : SYNQ_TCP_DROP;
	return PROMOTED;
undo:
	synq_srclimit_put(tw->srclimit, c->listener, key->family, key->saddr);
	if (data_len != 0)
		rte_pktmbuf_prepend(seg->m, data_off);
	c->state = SYNQ_TCP_FREE;
	conn_disown(tw, idx);
	synq_session_free(tw->sessions, s);
	return rc;
}

/*
 * The accept queue had no room for a completed handshake (ListenOverflows, counted
 * only with @p overflow: the bsd model's own drop is ListenDrops alone). With
 * tcp_abort_on_overflow the client hears a RST; else the ACK is dropped and the
 * client's retransmission (or our SYN-ACK's) tries again.
 */
static enum synq_tcp_verdict
overflow(struct synq_tcp_worker *tw, struct synq_counters *ctr, const struct synq_iface *ifc,
	struct synq_tcp_seg *seg, const struct synq_listener *l, const struct tcp_peer *p,
	const struct rte_tcp_hdr *th, bool count_overflow)
{
	if (count_overflow)
		synq_counter_inc(ctr, SYNQ_CTR_LISTEN_OVERFLOWS);
	synq_counter_inc(ctr, SYNQ_CTR_LISTEN_DROPS);
	if (l->tcp.abort_on_overflow)
		return tcp_reply_rst(tw, ctr, seg->m, ifc, p, th, 0);
	return SYNQ_TCP_DROP;
}

/*
 * The final ACK of the half-open entry @p e (RFC 9293 3.10.7.4, SYN-RECEIVED). Out of
 * line, as cookie_promote(): with tcp_conn_start() inlined into promote(), it would
 * grow synq_tcp_input_parsed() and cost the SYN paths (syn-table +31 a SYN).
 */
static __rte_noinline enum synq_tcp_verdict
ack_of_entry(struct synq_tcp_worker *tw, struct synq_counters *ctr, const struct synq_iface *ifc,
	struct synq_tcp_seg *seg, struct synq_listener *l, const struct tcp_peer *p,
	const struct synq_flow_key *key, const struct rte_tcp_hdr *th, uint16_t doff,
	const struct synq_tcp_opts *o, struct synq_syn_entry *e)
{
	uint32_t off = seg->seq - (e->client_isn + 1);
	unsigned int li = synq_listener_index(tw->listeners, l);
	enum synq_tcp_verdict v = SYNQ_TCP_DROP;
	enum promote_rc rc;
	struct tcp_conn *c;

	/*
	 * In RFC 9293's order. First the sequence number: outside the window it is
	 * answered with an ACK; inside but past ISN + 1 (the client's pure ACK lost, a
	 * later segment first) it is acceptable, its data not kept.
	 */
	if (off >= SYNQ_TCP_SYNACK_WINDOW)
		return tcp_entry_ack(tw, ctr, seg->m, ifc, p, e, SYNQ_CTR_TCP_OUT_OF_WINDOW);
	/* then the acknowledgment: SND.UNA < SEG.ACK <= SND.NXT, exactly ISN + 1 */
	if (seg->ack != e->our_isn + 1) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_BAD_ACK);
		return tcp_reply_rst(tw, ctr, seg->m, ifc, p, th, 0);
	}
	/*
	 * bsd: the entry holds its place already; linux: is there room? Publish first,
	 * remove the entry after: another worker may have filled the queue since the
	 * check, and then the entry must still be there.
	 */
	if (l->tcp.queue_model == SYNQ_QUEUE_LINUX && synq_accept_full(&l->accept))
		goto overflowed;
	c = promote_conn(tw, ctr, li, p, key, &rc);
	if (c != NULL) {
		c->client_isn = e->client_isn;
		c->our_isn = e->our_isn;
		/* never below Linux's tcp_min_snd_mss: a tiny MSS is a resource attack
		 * (CVE-2019-11479) */
		c->mss = RTE_MAX(
			RTE_MIN(e->mss != 0 ? e->mss : default_mss(p->family), our_mss(p->family)),
			SYNQ_TCP_MIN_MSS);
		c->snd_wscale = e->wscale;
		c->rcv_wscale =
			e->wscale == SYNQ_TCP_NO_WSCALE ? SYNQ_TCP_NO_WSCALE : l->tcp.window_scale;
		c->sack = e->flags & SYNQ_SYN_F_SACK;
		/* agreed in SYN and SYN-ACK: on for the connection (RFC 7323 3.2) */
		c->ts = e->flags & SYNQ_SYN_F_TS;
		c->ts_recent = o->ts ? o->tsval : e->ts_recent;
		c->ts_off = e->flags & SYNQ_SYN_F_TS ? tcp_ts_off(tw, p) : 0;
		c->syn_tsc = tw->now_tsc - (uint64_t)(tw->now_ms - e->syn_ms) * tw->hz_ms;
		rc = promote(tw, ctr, l, seg, key, doff, c, off == 0, &v);
	}
	switch (rc) {
	case PROMOTED:
		break;
	case RING_FULL:
		goto overflowed;
	case SRC_LIMITED:
		tcp_entry_forget(tw, e);
		return tcp_reply_rst(tw, ctr, seg->m, ifc, p, th, 0);
	default:
		/* keep the entry: a later ACK may find room */
		return SYNQ_TCP_DROP;
	}
	/* the entry leaves the SYN table; in bsd it stays counted, now established */
	tw->halfopen[e->listener]--;
	synq_syntab_remove(tw->syntab, e);
	return v;
overflowed:
	/* without abort the entry stays: its SYN-ACK timer resends, a later ACK may fit */
	if (l->tcp.abort_on_overflow)
		tcp_entry_forget(tw, e);
	return overflow(tw, ctr, ifc, seg, l, p, th, true);
}

/*
 * The final ACK of a valid cookie @p co (ack_of_cookie()): unless it replays a
 * handshake already promoted, promote the flow. Out of line, away from the flood
 * paths: inlined into synq_tcp_input_parsed(), its promotion pushed tcp_syn_input()
 * out of it (syn-table +40 instructions a SYN); the forged ACKs of a flood, which
 * fail the cookie, never call it.
 */
static __rte_noinline enum synq_tcp_verdict
cookie_promote(struct synq_tcp_worker *tw, struct synq_counters *ctr, const struct synq_iface *ifc,
	struct synq_tcp_seg *seg, struct synq_listener *l, const struct tcp_peer *p,
	const struct synq_flow_key *key, const struct synq_tcp_opts *o,
	struct synq_flowmem_entry *tw_e, const struct synq_cookie_opts *co)
{
	const struct rte_tcp_hdr *th = seg->th;
	uint32_t seq = seg->seq;
	uint32_t ack = seg->ack;
	unsigned int li = synq_listener_index(tw->listeners, l);
	enum synq_tcp_verdict v = SYNQ_TCP_DROP;
	struct synq_flowmem_entry *a;
	struct synq_flow_key rk;
	uint64_t rk_hash = 0;
	enum promote_rc rc;
	struct tcp_conn *c;

	/*
	 * A valid cookie of a connection that has ended (its flow left the flow table):
	 * its final ACK (or first data, same numbers), replayed, must not open it again
	 * while the cookie is valid. Only the same handshake: a client behind a NAT that
	 * reuses the port brings other ISNs; each handshake has its own entry
	 * (tcp_replay_key()), so none forgets another. Looked up only once the cookie
	 * passed: a flood of forged ACKs never pays for the key.
	 */
	if (tw->replay != NULL) {
		const struct synq_flowmem_entry *r;

		tcp_replay_key(tw, key, seq - 1, ack - 1, &rk);
		rk_hash = tcp_hash(&tw->seed, &rk);
		r = synq_flowmem_lookup_h(tw->replay, &rk, rk_hash);
		if (r != NULL && r->rcv_nxt == seq && r->snd_nxt == ack) {
			synq_counter_inc(ctr, SYNQ_CTR_TCP_ESTAB_SEGS);
			return SYNQ_TCP_DROP;
		}
	}
	synq_counter_inc(ctr, SYNQ_CTR_SYNCOOKIES_RECV);
	if (tw_e != NULL)
		tcp_time_wait_reuse(tw, ctr, tw_e);
	if (synq_accept_full(&l->accept))
		return overflow(
			tw, ctr, ifc, seg, l, p, th, l->tcp.queue_model == SYNQ_QUEUE_LINUX);
	synq_accept_bsd_add(&l->accept);
	c = promote_conn(tw, ctr, li, p, key, &rc);
	if (c != NULL) {
		c->client_isn = seq - 1;
		c->our_isn = ack - 1;
		/* the cookie's table starts at 536 */
		c->mss = RTE_MIN(co->mss, our_mss(p->family));
		c->snd_wscale = co->wscale;
		c->rcv_wscale = co->wscale == SYNQ_COOKIE_NO_WSCALE ? SYNQ_TCP_NO_WSCALE
								    : l->tcp.window_scale;
		c->sack = co->sack;
		/* an ACK carries timestamps only when both sides agreed to them (RFC 7323) */
		c->ts = o->ts;
		c->ts_recent = o->tsval;
		c->ts_off = o->ts ? co->ts_off : 0; /* the cookie's, as its SYN-ACK had it */
		c->via_cookie = true;
		rc = promote(tw, ctr, l, seg, key, seg->doff, c, true, &v);
	}
	switch (rc) {
	case PROMOTED:
		break;
	case RING_FULL:
		synq_accept_bsd_give(&l->accept);
		return overflow(tw, ctr, ifc, seg, l, p, th, true);
	case SRC_LIMITED:
		synq_accept_bsd_give(&l->accept);
		return tcp_reply_rst(tw, ctr, seg->m, ifc, p, th, 0);
	default:
		synq_accept_bsd_give(&l->accept);
		return SYNQ_TCP_DROP;
	}
	/*
	 * Only a cookie can validate twice: a flow promoted from the SYN table had an ISN
	 * of RFC 6528, which no later ACK turns into a valid cookie. Remember only those,
	 * so the memory's room goes where a replay is possible: by its 4-tuple and both
	 * ISNs, so that a repeated final ACK is never taken for a new handshake, and no
	 * later handshake of the 4-tuple evicts it.
	 */
	if (tw->replay != NULL) {
		a = synq_flowmem_find_or_insert_h(
			tw->replay, &rk, rk_hash, tw->now_ms, TCP_REPLAY_MS);
		if (a != NULL) {
			a->born_ms = tw->now_ms;
			a->min_ms = TCP_REPLAY_MS;
			a->rcv_nxt = seq;
			a->snd_nxt = ack;
		} else {
			synq_counter_inc(ctr, SYNQ_CTR_ESTAB_TABLE_FULL);
		}
	}
	return v;
}

/*
 * An ACK that may carry a cookie: validate it, promote the flow (cookie_promote()).
 * @p tw_e: the TIME-WAIT entry of the 4-tuple that RFC 6191 lets this new connection
 * take over once the cookie is valid, or NULL.
 */
static enum synq_tcp_verdict
ack_of_cookie(struct synq_tcp_worker *tw, struct synq_counters *ctr, const struct synq_iface *ifc,
	struct synq_tcp_seg *seg, struct synq_listener *l, const struct tcp_peer *p,
	const struct synq_flow_key *key, const struct synq_tcp_opts *o,
	struct synq_flowmem_entry *tw_e, int valid, struct synq_cookie_opts *co)
{
	struct synq_cookie_flow f;

	if (valid < 0) { /* not checked in its burst's lanes: alone */
		cookie_flow_of(p, &f);
		valid = synq_cookie_check(
			&tw->cookie, &f, seg->seq - 1, seg->ack - 1, tw->now_s, co);
	}
	if (!valid) {
		synq_counter_inc(ctr, SYNQ_CTR_SYNCOOKIES_FAILED);
		return SYNQ_TCP_DROP;
	}
	/* with timestamps, the TSecr brings back 5 more MAC bits: 2^-29 a guess */
	if (o->ts && !synq_cookie_tsecr_ok(o->tsecr, co->ts_mac)) {
		synq_counter_inc(ctr, SYNQ_CTR_SYNCOOKIES_TS_FAILED);
		synq_counter_inc(ctr, SYNQ_CTR_SYNCOOKIES_FAILED);
		return SYNQ_TCP_DROP;
	}
	return cookie_promote(tw, ctr, ifc, seg, l, p, key, o, tw_e, co);
}

/*
 * May an ACK to listener @p l (index @p li) carry a cookie? Always with syncookies 2;
 * with 1, within two windows of this listener's last cookie on this worker (Linux's
 * tcp_synq_no_recent_overflow()), so that in quiet times no guess can open a
 * connection. A FIN never does (tcp_ack_input()).
 */
static bool
cookie_possible(const struct synq_tcp_worker *tw, const struct synq_listener *l, unsigned int li,
	uint8_t flags)
{
	/*
	 * syncookies 0 sends none, so only a reload that set it (issue 15) finds cookies
	 * of this listener sent within two windows: those handshakes, in progress, go on.
	 */
	if (flags & RTE_TCP_FIN_FLAG)
		return false;
	return l->tcp.syncookies == SYNQ_SYNCOOKIES_ALWAYS ||
	       (tw->cookies_sent[li] &&
		       tw->now_ms - tw->cookie_ms[li] <= 2 * SYNQ_COOKIE_WINDOW_S * 1000);
}

enum synq_tcp_verdict
tcp_ack_input(struct synq_tcp_worker *tw, struct synq_counters *ctr, const struct synq_iface *ifc,
	struct synq_tcp_seg *seg, struct synq_listener *l, unsigned int li,
	const struct synq_flow_key *key)
{
	const struct rte_tcp_hdr *th = seg->th;
	uint16_t doff = seg->doff;
	uint32_t seq = seg->seq;
	struct synq_flowmem_entry *tw_e = NULL;
	struct synq_syn_entry *e;
	struct synq_flow_key kbuf;
	struct synq_cookie_opts co;
	struct tcp_peer p;
	struct synq_tcp_opts o;
	int valid;

	if (synq_tcp_opts_parse((const uint8_t *)(th + 1), doff - sizeof(*th), &o) != 0) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_BAD_OPTIONS);
		return SYNQ_TCP_DROP;
	}
	/* every way on looks up a table or promotes the flow: its key */
	if (key == NULL)
		key = tcp_key_of_seg(seg, &kbuf);
	/*
	 * syncookies 2 makes no entry; entries of this listener still there were made
	 * before a reload set it (issue 15): their handshakes, in progress, go on.
	 */
	e = tw->syntab != NULL &&
			    (l->tcp.syncookies != SYNQ_SYNCOOKIES_ALWAYS || tw->halfopen[li] != 0)
		    ? synq_syntab_lookup_h(tw->syntab, key, tcp_seg_hash(tw, seg, key))
		    : NULL;
	if (e != NULL) {
		tcp_peer_of_seg(seg, &p);
		return ack_of_entry(tw, ctr, ifc, seg, l, &p, key, th, doff, &o, e);
	}
	/*
	 * TIME-WAIT: the segments of the connection that ended there, unless this is a
	 * new connection's final ACK from a cookie, which RFC 6191 lets take the 4-tuple
	 * over (its SYN found no TIME-WAIT: another node's, or an entry made since).
	 */
	if ((tw_e = time_wait_find(tw, seg, key, time_wait_any(tw))) != NULL &&
		!(cookie_possible(tw, l, li, seg->flags) &&
			tcp_time_wait_reusable(tw_e, seq - 1, &o)))
		return tcp_time_wait_input(
			tw, ctr, seg, tw_e, th, (uint16_t)(seg->l4_len - doff), &o);
	/*
	 * RFC 9293 3.10.7.2 answers any other ACK to a listener with a RST. Not here:
	 * in a flood of forged ACKs every one would be answered (up to the RST budget)
	 * while the flow table says for sure that none of them is a connection of ours.
	 * Counted and dropped, as the segments of flows that ended.
	 *
	 * A FIN never completes a handshake from a cookie: a client sends its pure ACK
	 * first, always, and a FIN with a still-valid cookie is far more likely the end of
	 * a connection synq accepted and forgot (a full table of accepted flows) than a
	 * lost ACK. The price: that rare client retransmits its FIN until it gives up.
	 */
	if (!cookie_possible(tw, l, li, seg->flags)) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_NO_CONNECTION);
		return SYNQ_TCP_DROP;
	}
	/* checked with its burst's others; a flood's forged ACK dropped before its peer */
	valid = tcp_cookie_ack_lanes(tw, seg, &co);
	if (valid == 0) {
		synq_counter_inc(ctr, SYNQ_CTR_SYNCOOKIES_FAILED);
		return SYNQ_TCP_DROP;
	}
	tcp_peer_of_seg(seg, &p);
	return ack_of_cookie(tw, ctr, ifc, seg, l, &p, key, &o, tw_e, valid, &co);
}

enum synq_tcp_verdict
tcp_rst_input(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct synq_tcp_seg *seg,
	const struct synq_flow_key *key, const struct rte_tcp_hdr *th)
{
	struct synq_syn_entry *e = tw->syntab != NULL ? synq_syntab_lookup_h(tw->syntab, key,
								tcp_seg_hash(tw, seg, key))
						      : NULL;
	struct synq_flowmem_entry *tw_e;

	if (e == NULL && (tw_e = time_wait_find(tw, seg, key, time_wait_any(tw))) != NULL) {
		struct synq_tcp_opts none = {.wscale = SYNQ_TCP_NO_WSCALE};

		return tcp_time_wait_input(tw, ctr, seg, tw_e, th, 0, &none);
	}
	/*
	 * RFC 5961 3.2: only an exact sequence number resets (no blind injection); one
	 * in the window but not exact gets a challenge ACK, so that a real client whose
	 * numbers moved can answer with the exact RST.
	 */
	if (e != NULL) {
		uint32_t off = seg->seq - (e->client_isn + 1);

		if (off == 0) {
			tcp_entry_forget(tw, e);
			synq_counter_inc(ctr, SYNQ_CTR_EMBRYONIC_RSTS);
			return SYNQ_TCP_DROP;
		}
		if (off < SYNQ_TCP_SYNACK_WINDOW) {
			const struct synq_iface *ifc = rxq_iface(tw, e->key.rxq_idx);
			struct tcp_peer p;

			peer_of_key(&e->key, &e->peer_mac, ifc, &p);
			return tcp_entry_ack(tw, ctr, seg->m, ifc, &p, e, SYNQ_CTR_CHALLENGE_ACKS);
		}
	}
	synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_RST);
	return SYNQ_TCP_DROP;
}
