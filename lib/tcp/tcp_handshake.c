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

/* The cookie's view of @p p: of an IPv4 address only the 4 bytes it reads are copied. */
static void
cookie_flow_of(const struct tcp_peer *p, struct synq_cookie_flow *f)
{
	f->family = p->family;
	if (p->family == 4) {
		memcpy(f->saddr, p->caddr, 4);
		memcpy(f->daddr, p->saddr, 4);
	} else {
		memcpy(f->saddr, p->caddr, 16);
		memcpy(f->daddr, p->saddr, 16);
	}
	f->sport = p->cport;
	f->dport = p->sport;
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
	if (tcp_entry_synack(tw, ctr, seg->m, seg, ifc, p, e, l, (uint32_t)(f >> 32)) !=
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

enum synq_tcp_verdict
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

	if (l->tcp.syncookies == SYNQ_SYNCOOKIES_NEVER) {
		synq_counter_inc(ctr, SYNQ_CTR_REQ_QFULL_DROP);
		synq_counter_inc(ctr, SYNQ_CTR_LISTEN_DROPS);
		return SYNQ_TCP_DROP;
	}
	if (l->tcp.syncookies == SYNQ_SYNCOOKIES_WHEN_FULL)
		synq_counter_inc(ctr, SYNQ_CTR_REQ_QFULL_DO_COOKIES);
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

/*
 * What a completed handshake agreed, for the connection it promotes. The order is for
 * the compound literals that fill it, each leaving some members zero: those only a
 * cookie's sets first, those only an entry's sets last (the one hole among them). The
 * compiler zeroes the whole, then drops the zeroing of what the literal writes at
 * either end; in the order of the members' meaning, ack_of_cookie()'s left the
 * middle, 49 bytes at an odd address, zeroed by rep stosb; now only its last bytes.
 */
struct promotion {
	struct synq_flow_key rk; /* via_cookie: its key in the replay memory */
	uint64_t rk_hash;	 /* ... and its hash (the worker's seed) */
	bool via_cookie;
	uint8_t snd_wscale;
	uint8_t rcv_wscale;
	bool sack;
	uint32_t client_isn;
	uint32_t our_isn;
	uint32_t ts_recent;
	uint32_t ts_off; /* our TSval's offset, when ts */
	uint16_t mss;
	/* what the final ACK carried: its data (offset and length in the frame), a FIN */
	uint16_t data_off;
	uint16_t data_len;
	bool ts;
	bool fin;
	uint64_t syn_tsc;
};

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
 * Promote the flow @p key: a session and its connection, started with what @p pr
 * says. The connection goes into the flow table with what
 * the final ACK carried (its data, trimmed out of the mbuf, and its FIN), last the
 * session goes on the accept queue; a flow from a cookie is remembered then, by its
 * 4-tuple and both ISNs (tcp_replay_key()), so that a repeated final ACK is never
 * taken for a new handshake, and no later handshake of the 4-tuple evicts it.
 *
 * @return PROMOTED, with *@p v the segment's verdict; else nothing is kept and the
 *   mbuf is as it came.
 */
static enum promote_rc
promote(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct synq_listener *l,
	struct synq_tcp_seg *seg, const struct tcp_peer *p, const struct synq_flow_key *key,
	const struct rte_tcp_hdr *th, const struct synq_tcp_opts *o, const struct promotion *pr,
	enum synq_tcp_verdict *v)
{
	unsigned int li = synq_listener_index(tw->listeners, l);
	struct synq_session *s;
	struct synq_flowmem_entry *a;
	enum promote_rc rc;
	struct tcp_conn *c;
	uint16_t data_len = pr->data_len;
	bool fin = pr->fin;

	if (synq_srclimit_take(tw->srclimit, ctr, li, p->family, p->caddr) != 0)
		return SRC_LIMITED;
	s = synq_session_alloc(tw->sessions);
	if (s == NULL) {
		synq_srclimit_put(tw->srclimit, li, p->family, p->caddr);
		synq_counter_inc(ctr, SYNQ_CTR_CONN_POOL_EMPTY);
		return NO_SESSION;
	}
	session_init(tw, s, p, li);
	c = conn_at(tw, synq_session_index(tw->sessions, s));
	conn_own(tw, synq_session_index(tw->sessions, s), synq_session_gen(s));
	/* all zero, then the identity; tcp_conn_start() sets the state */
	conn_zero(c);
	c->key = *key;
	c->client_isn = pr->client_isn;
	c->our_isn = pr->our_isn;
	c->mss = pr->mss;
	c->listener = (uint16_t)li;
	c->snd_wscale = pr->snd_wscale;
	c->rcv_wscale = pr->rcv_wscale;
	c->sack = pr->sack;
	c->ts = pr->ts;
	c->via_cookie = pr->via_cookie;
	c->peer_mac = p->cmac;
	c->syn_tsc = pr->syn_tsc;
	c->ack_tsc = tw->now_tsc;
	c->ts_recent = pr->ts_recent;
	c->ts_off = pr->ts_off;
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
		rte_pktmbuf_adj(seg->m, pr->data_off);
		rte_pktmbuf_trim(seg->m, rte_pktmbuf_pkt_len(seg->m) - data_len);
	}
	if (tcp_conn_start(tw, c, tcp_seg_hash(tw, seg, key), th, o, data_len != 0 ? seg->m : NULL,
		    data_len, fin) != 0) {
		synq_counter_inc(ctr, SYNQ_CTR_FLOW_TABLE_FULL);
		rc = FLOWS_FULL;
		goto undo;
	}
	if (synq_accept_enqueue(&l->accept, s) != 0) {
		tcp_conn_unstart(tw, c);
		rc = RING_FULL;
		goto undo;
	}
	/*
	 * Only a cookie can validate twice: a flow promoted from the SYN table had an ISN
	 * of RFC 6528, which no later ACK turns into a valid cookie. Remember only those,
	 * so the memory's room goes where a replay is possible.
	 */
	if (pr->via_cookie) {
		a = synq_flowmem_find_or_insert_h(
			tw->replay, &pr->rk, pr->rk_hash, tw->now_ms, TCP_REPLAY_MS);
		if (a != NULL) {
			a->born_ms = tw->now_ms;
			a->min_ms = TCP_REPLAY_MS;
			a->rcv_nxt = pr->client_isn + 1;
			a->snd_nxt = pr->our_isn + 1;
		} else {
			synq_counter_inc(ctr, SYNQ_CTR_ESTAB_TABLE_FULL);
		}
	}
	synq_counter_inc(ctr, SYNQ_CTR_TCP_PASSIVE_OPENS);
	/* the final ACK's data is the connection's first, delivered like any later */
	synq_counter_add(ctr, SYNQ_CTR_TCP_IN_DATA_BYTES, data_len);
	*v = data_len != 0 ? SYNQ_TCP_CONSUMED : SYNQ_TCP_DROP;
	return PROMOTED;
undo:
	synq_srclimit_put(tw->srclimit, li, p->family, p->caddr);
	if (data_len != 0)
		rte_pktmbuf_prepend(seg->m, pr->data_off);
	c->state = SYNQ_TCP_FREE;
	conn_disown(tw, synq_session_index(tw->sessions, s));
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

/* The final ACK of the half-open entry @p e (RFC 9293 3.10.7.4, SYN-RECEIVED). */
static enum synq_tcp_verdict
ack_of_entry(struct synq_tcp_worker *tw, struct synq_counters *ctr, const struct synq_iface *ifc,
	struct synq_tcp_seg *seg, struct synq_listener *l, const struct tcp_peer *p,
	const struct synq_flow_key *key, const struct rte_tcp_hdr *th, uint16_t doff,
	const struct synq_tcp_opts *o, struct synq_syn_entry *e)
{
	uint32_t off = seg->seq - (e->client_isn + 1);
	uint16_t data_len = (uint16_t)(seg->l4_len - doff);
	enum synq_tcp_verdict v = SYNQ_TCP_DROP;
	struct promotion pr;

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
	pr = (struct promotion){
		.client_isn = e->client_isn,
		.our_isn = e->our_isn,
		/* never below Linux's tcp_min_snd_mss: a tiny MSS is a resource attack
		 * (CVE-2019-11479) */
		.mss = RTE_MAX(
			RTE_MIN(e->mss != 0 ? e->mss : default_mss(p->family), our_mss(p->family)),
			SYNQ_TCP_MIN_MSS),
		.snd_wscale = e->wscale,
		.rcv_wscale =
			e->wscale == SYNQ_TCP_NO_WSCALE ? SYNQ_TCP_NO_WSCALE : l->tcp.window_scale,
		.sack = e->flags & SYNQ_SYN_F_SACK,
		/* agreed in SYN and SYN-ACK: on for the connection (RFC 7323 3.2) */
		.ts = e->flags & SYNQ_SYN_F_TS,
		.ts_recent = o->ts ? o->tsval : e->ts_recent,
		.ts_off = e->flags & SYNQ_SYN_F_TS ? tcp_ts_off(tw, p) : 0,
		.syn_tsc = tw->now_tsc - (uint64_t)(tw->now_ms - e->syn_ms) * tw->hz_ms,
		.data_off = off == 0 ? (uint16_t)(seg->l2_len + seg->l3_len + doff) : 0,
		.data_len = off == 0 ? data_len : 0,
		.fin = (seg->flags & RTE_TCP_FIN_FLAG) && off == 0,
	};
	/*
	 * bsd: the entry holds its place already; linux: is there room? Publish first,
	 * remove the entry after: another worker may have filled the queue since the
	 * check, and then the entry must still be there.
	 */
	if (l->tcp.queue_model == SYNQ_QUEUE_LINUX && synq_accept_full(&l->accept))
		goto overflowed;
	switch (promote(tw, ctr, l, seg, p, key, th, o, &pr, &v)) {
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
 * An ACK that may carry a cookie: validate it, promote the flow. @p tw_e: the
 * TIME-WAIT entry of the 4-tuple that RFC 6191 lets this new connection take over
 * once the cookie is valid, or NULL.
 */
static enum synq_tcp_verdict
ack_of_cookie(struct synq_tcp_worker *tw, struct synq_counters *ctr, const struct synq_iface *ifc,
	struct synq_tcp_seg *seg, struct synq_listener *l, const struct tcp_peer *p,
	const struct synq_flow_key *key, const struct rte_tcp_hdr *th, uint16_t doff,
	const struct synq_tcp_opts *o, struct synq_flowmem_entry *tw_e)
{
	uint32_t seq = seg->seq;
	uint32_t ack = seg->ack;
	enum synq_tcp_verdict v = SYNQ_TCP_DROP;
	struct synq_cookie_opts co;
	struct synq_cookie_flow f;
	struct synq_flow_key rk;
	uint64_t rk_hash;
	struct promotion pr;
	int valid = tcp_cookie_ack_lanes(tw, seg, &co); /* with its burst's others */

	if (valid < 0) {
		cookie_flow_of(p, &f);
		valid = synq_cookie_check(&tw->cookie, &f, seq - 1, ack - 1, tw->now_s, &co);
	}
	if (!valid) {
		synq_counter_inc(ctr, SYNQ_CTR_SYNCOOKIES_FAILED);
		return SYNQ_TCP_DROP;
	}
	/* with timestamps, the TSecr brings back 5 more MAC bits: 2^-29 a guess */
	if (o->ts && !synq_cookie_tsecr_ok(o->tsecr, co.ts_mac)) {
		synq_counter_inc(ctr, SYNQ_CTR_SYNCOOKIES_TS_FAILED);
		synq_counter_inc(ctr, SYNQ_CTR_SYNCOOKIES_FAILED);
		return SYNQ_TCP_DROP;
	}
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
	} else {
		memset(&rk, 0, sizeof(rk));
		rk_hash = 0;
	}
	synq_counter_inc(ctr, SYNQ_CTR_SYNCOOKIES_RECV);
	if (tw_e != NULL)
		tcp_time_wait_reuse(tw, ctr, tw_e);
	if (synq_accept_full(&l->accept))
		return overflow(
			tw, ctr, ifc, seg, l, p, th, l->tcp.queue_model == SYNQ_QUEUE_LINUX);
	synq_accept_bsd_add(&l->accept);
	pr = (struct promotion){
		.rk = rk,
		.rk_hash = rk_hash,
		.client_isn = seq - 1,
		.our_isn = ack - 1,
		.mss = RTE_MIN(co.mss, our_mss(p->family)), /* the cookie's table starts at 536 */
		.snd_wscale = co.wscale,
		.rcv_wscale = co.wscale == SYNQ_COOKIE_NO_WSCALE ? SYNQ_TCP_NO_WSCALE
								 : l->tcp.window_scale,
		.sack = co.sack,
		/* an ACK carries timestamps only when both sides agreed to them (RFC 7323) */
		.ts = o->ts,
		.ts_recent = o->tsval,
		.ts_off = o->ts ? co.ts_off : 0, /* the cookie's, as its SYN-ACK had it */
		.via_cookie = true,
		.data_off = (uint16_t)(seg->l2_len + seg->l3_len + doff),
		.data_len = (uint16_t)(seg->l4_len - doff),
	};
	switch (promote(tw, ctr, l, seg, p, key, th, o, &pr, &v)) {
	case PROMOTED:
		return v;
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
	/* a flood's forged ACK (its burst: no valid cookie yet): ack_of_cookie()'s drop */
	if (tw->ack_valid == 0 && tcp_cookie_ack_lanes(tw, seg, &co) == 0) {
		synq_counter_inc(ctr, SYNQ_CTR_SYNCOOKIES_FAILED);
		return SYNQ_TCP_DROP;
	}
	tcp_peer_of_seg(seg, &p);
	return ack_of_cookie(tw, ctr, ifc, seg, l, &p, key, th, doff, &o, tw_e);
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
