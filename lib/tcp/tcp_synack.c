/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a listener sends before a connection exists: the SYN-ACKs of half-open entries
 * and of cookies, with our ISN (RFC 6528) and TSval offset (a keyed hash of the
 * 4-tuple), the ACKs of half-open entries, and the SYN table's timers (SYN-ACK
 * retransmissions and expiry), with the budgets that keep a spoofed SYN from being
 * reflected at will. tcp_handshake.c decides; this file builds and sends.
 */

#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>

#include "tcp_frame.h"
#include "tcp_priv.h"

/*
 * F(4-tuple, secret) of RFC 6528. Its input is the addresses and ports alone, 12
 * bytes for IPv4 (two SipHash words, not five) and 36 for IPv6: the lengths keep the
 * families apart. Its low 32 bits offset our ISNs in table mode, its high 32 bits
 * our TSvals (Linux's ts_off): random a 4-tuple, so that TSval tells nothing of the
 * worker's uptime, and the same for every connection of a 4-tuple, so that a client
 * that takes over its own TIME-WAIT (and keeps its TS.Recent) never sees our TSval
 * go back. Cookie mode recomputes it from the 4-tuple alone.
 */
uint64_t
tcp_tuple_hash(const struct synq_tcp_worker *tw, const struct tcp_peer *p)
{
	uint8_t in[36];
	size_t alen = p->family == 4 ? 4 : 16;

	memcpy(in, p->caddr, alen);
	memcpy(in + alen, p->saddr, alen);
	memcpy(in + 2 * alen, &p->cport, 2);
	memcpy(in + 2 * alen + 2, &p->sport, 2);
	return alen == 4 ? synq_siphash24(&tw->isn_key, in, 12)
			 : synq_siphash24(&tw->isn_key, in, 36);
}

void
tcp_replay_key(const struct synq_tcp_worker *tw, const struct synq_flow_key *key,
	uint32_t client_isn, uint32_t our_isn, struct synq_flow_key *rk)
{
	uint8_t in[24];
	uint64_t h, a;

	*rk = *key;
	/* IPv4: the address's 12 unused bytes take both ISNs as they are, no hash */
	if (key->family == 4) {
		memcpy(rk->saddr + 4, &client_isn, 4);
		memcpy(rk->saddr + 8, &our_isn, 4);
		return;
	}
	memcpy(in, key->saddr, 16);
	memcpy(in + 16, &client_isn, 4);
	memcpy(in + 20, &our_isn, 4);
	h = synq_siphash24(&tw->isn_key, in, sizeof(in));
	/*
	 * The address's first 8 bytes XOR a keyed hash of it and the ISNs: two handshakes
	 * of one 4-tuple meet only if their hashes do (2^-64), and the rest of the key (the
	 * address's last 8 bytes, ports, our address) still tells flows apart. One SipHash.
	 */
	memcpy(&a, rk->saddr, sizeof(a));
	a ^= h;
	memcpy(rk->saddr, &a, sizeof(a));
}

/* The TSval offset of @p p's connections (tcp_tuple_hash()). */
uint32_t
tcp_ts_off(const struct synq_tcp_worker *tw, const struct tcp_peer *p)
{
	return (uint32_t)(tcp_tuple_hash(tw, p) >> 32);
}

/*
 * RFC 6528: ISN = M + F(4-tuple, secret), M a 4 us clock, read with the worker's clock
 * once a burst (synq_tcp_clock()), as every SYN of a burst had the same now_tsc anyway.
 */
uint32_t
tcp_table_isn(const struct synq_tcp_worker *tw, uint64_t f)
{
	return tw->now_isn_m + (uint32_t)f;
}

/*
 * A SYN-ACK for @p p: our ISN, the client's, and what we answer to its options. Over
 * the SYN @p syn when it answers one (tcp_synack_of_syn()), else built whole in @p m.
 */
int
tcp_send_synack(struct rte_mbuf *m, struct synq_tcp_seg *syn, const struct synq_iface *ifc,
	const struct tcp_peer *p, uint32_t our_isn, uint32_t client_isn, uint8_t client_ws,
	bool sack, bool ts, uint32_t ts_recent, const struct synq_listener *l, uint32_t tsval)
{
	struct synq_tcp_synack_opts o = {
		.mss = our_mss(p->family),
		/* RFC 7323 2.2: offer a shift only to a client that offered one */
		.wscale =
			client_ws == SYNQ_TCP_NO_WSCALE ? SYNQ_TCP_NO_WSCALE : l->tcp.window_scale,
		.sack_perm = sack,
		.ts = ts,
		.tsval = tsval,
		.tsecr = ts_recent,
	};
	uint8_t opt[SYNQ_TCP_OPTS_MAX];
	unsigned int n;

	if (syn != NULL)
		return tcp_synack_of_syn(
			syn, ifc, our_isn, client_isn + 1, synack_window(&l->tcp), &o);
	n = synq_tcp_opts_write_synack(opt, &o);
	return tcp_build(m, ifc, p, our_isn, client_isn + 1, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG,
		synack_window(&l->tcp), opt, n);
}

/*
 * The SYN-ACK of the half-open entry @p e, over its SYN @p syn, or in @p m when NULL;
 * our TSval offset @p ts_off; counted. The common IPv4 SYN's inline, its options never
 * in memory (issue 14); any other through tcp_send_synack().
 */
enum synq_tcp_verdict
tcp_entry_synack(const struct synq_tcp_worker *tw, struct synq_counters *ctr, struct rte_mbuf *m,
	struct synq_tcp_seg *syn, const struct synq_iface *ifc, const struct tcp_peer *p,
	const struct synq_syn_entry *e, const struct synq_listener *l, uint32_t ts_off)
{
	if (likely(syn != NULL && tcp_synack4_fits(syn, ifc))) {
		tcp_synack4_in_place(syn, ifc, e->our_isn, e->client_isn + 1,
			synack_window(&l->tcp), tcp_entry_synack_opts(tw, e, l, ts_off));
	} else if (tcp_send_synack(m, syn, ifc, p, e->our_isn, e->client_isn, e->wscale,
			   e->flags & SYNQ_SYN_F_SACK, e->flags & SYNQ_SYN_F_TS, e->ts_recent, l,
			   tw->now_ms + ts_off) != 0) {
		return SYNQ_TCP_DROP;
	}
	synq_counter_inc(ctr, SYNQ_CTR_SYNACKS_SENT);
	synq_counter_inc(ctr, SYNQ_CTR_TCP_OUT_SEGS);
	return SYNQ_TCP_REPLY;
}

/*
 * An ACK of where the half-open entry @p e stands: <SEQ=ISS+1><ACK=IRS+1>. Within the
 * entry's gap (the one its duplicate SYNs share, as Linux's request sockets do) and
 * the worker's challenge-ACK budget: a spoofed stream of SYNs with other ISNs, RSTs or
 * out-of-window ACKs brings at most one ACK an entry per 500 ms, and the worker's
 * tcp.challenge_ack_limit a second in all.
 */
enum synq_tcp_verdict
tcp_entry_ack(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct rte_mbuf *m,
	const struct synq_iface *ifc, const struct tcp_peer *p, struct synq_syn_entry *e,
	enum synq_counter why)
{
	bool ts = e->flags & SYNQ_SYN_F_TS;

	if (tcp_oow_limited(tw, ctr, &e->oow_ms,
		    why == SYNQ_CTR_CHALLENGE_ACKS ? SYNQ_CTR_TCP_ACK_SKIPPED_CHALLENGE
						   : SYNQ_CTR_TCP_ACK_SKIPPED_SYN_RECV) ||
		tcp_challenge_limited(
			tw, ctr, tw->listeners->l[e->listener].tcp.challenge_ack_limit))
		return SYNQ_TCP_DROP;
	return tcp_reply_ack(tw, ctr, m, ifc, p, e->our_isn + 1, e->client_isn + 1, ts,
		ts ? tw->now_ms + tcp_ts_off(tw, p) : 0, e->ts_recent, why);
}

/* Forget a half-open entry that will not be promoted. */
void
tcp_entry_forget(struct synq_tcp_worker *tw, struct synq_syn_entry *e)
{
	tw->halfopen[e->listener]--;
	synq_accept_bsd_give(&tw->listeners->l[e->listener].accept);
	synq_syntab_remove(tw->syntab, e);
}

/* Retransmit the SYN-ACK of @p e into a new mbuf, or NULL. */
static struct rte_mbuf *
synack_again(struct synq_tcp_worker *tw, struct synq_counters *ctr, const struct synq_syn_entry *e)
{
	const struct synq_iface *ifc = rxq_iface(tw, e->key.rxq_idx);
	struct rte_mbuf *m = rte_pktmbuf_alloc(tw->pool);
	struct tcp_peer p;

	if (m == NULL)
		return NULL;
	peer_of_key(&e->key, &e->peer_mac, ifc, &p);
	if (tcp_entry_synack(tw, ctr, m, NULL, ifc, &p, e, &tw->listeners->l[e->listener],
		    e->flags & SYNQ_SYN_F_TS ? tcp_ts_off(tw, &p) : 0) != SYNQ_TCP_REPLY) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	synq_counter_inc(ctr, SYNQ_CTR_TCP_SYN_RETRANS);
	return m;
}

/* Take a token of @p b, refilled at @p per_s to TCP_SYNACK_BURST, keeping @p keep. */
static bool
bucket_take(struct tcp_bucket *b, uint32_t now_ms, uint32_t per_s, uint32_t keep)
{
	uint32_t elapsed = now_ms - b->ms;

	if (elapsed != 0) {
		b->tokens = (uint32_t)RTE_MIN(
			(uint64_t)TCP_SYNACK_BURST, b->tokens + (uint64_t)elapsed * per_s / 1000);
		b->ms = now_ms;
	}
	if (b->tokens <= keep)
		return false;
	b->tokens--;
	return true;
}

/*
 * One answer an entry per 500 ms (the gap its challenge ACKs share), and no global
 * budget: the gap already caps answers at one per SYN received, a spoofed source
 * gets as much from a new SYN, and a budget would let an attacker who re-SYNs its
 * spoofed entries starve a real client whose SYN-ACK was lost.
 */
bool
tcp_dup_synack_allowed(
	struct synq_tcp_worker *tw, struct synq_counters *ctr, struct synq_syn_entry *e)
{
	return !tcp_oow_limited(tw, ctr, &e->oow_ms, SYNQ_CTR_SYNACK_DUP_LIMITED);
}

/*
 * Under pressure, may the SYN-ACK of @p e be retransmitted? An entry younger than
 * TCP_SYNACK_YOUNG_MS draws on the whole budget, an older one only on its upper half:
 * a real client's SYN-ACK lost is most likely young, and an old one's client retries
 * its SYN anyway (answered by tcp_dup_synack_allowed()), while a flood's spoofed
 * entries age without an answer.
 */
static bool
rtx_allowed(struct synq_tcp_worker *tw, const struct synq_syn_entry *e)
{
	return bucket_take(&tw->rtx_synacks, tw->now_ms, TCP_SYNACK_RTX_PER_S,
		tw->now_ms - e->syn_ms < TCP_SYNACK_YOUNG_MS ? 0 : TCP_SYNACK_BURST / 2);
}

unsigned int
tcp_handshake_timers(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct rte_mbuf **out,
	uint8_t *out_rxq, unsigned int max)
{
	struct synq_syn_entry *rtx[TCP_TIMER_BUDGET];
	struct synq_syn_entry expired[TCP_TIMER_BUDGET];
	struct synq_flow_key gone[TCP_TIMER_BUDGET];
	unsigned int n = 0, nb_gone = 0;
	bool pressure;
	uint32_t r;

	if (tw->syntab == NULL)
		return 0;
	/*
	 * More than half full, the table is most likely full of spoofed sources: their
	 * retransmissions draw on a budget, so that each spoofed SYN does not bring its
	 * victim 1 + synack_retries SYN-ACKs at the flood's rate. Skipped ones keep their
	 * schedule (they expire on time); the retry limits shrink as well (syntab.c).
	 */
	pressure = synq_syntab_pressure(tw->syntab) != 0;
	r = synq_syntab_timers(tw->syntab, tw->now_ms, TCP_TIMER_BUDGET, tw->max_synack_retries,
		rtx, expired, RTE_MIN(max, (unsigned int)TCP_TIMER_BUDGET));
	for (unsigned int i = 0; i < (r >> 16); i++) {
		tw->halfopen[expired[i].listener]--;
		synq_accept_bsd_give(&tw->listeners->l[expired[i].listener].accept);
		synq_counter_inc(ctr, SYNQ_CTR_SYN_TABLE_EXPIRED);
	}
	/*
	 * Retransmissions; an entry past its own listener's synack_retries (the table
	 * ran with the largest of them) expires here instead. Removing moves entries:
	 * collect first, remove after, by key.
	 */
	for (unsigned int i = 0; i < (r & 0xffff); i++) {
		const struct synq_syn_entry *e = rtx[i];

		if (e->retries > tw->listeners->l[e->listener].tcp.synack_retries) {
			gone[nb_gone++] = e->key;
			continue;
		}
		if (pressure && !rtx_allowed(tw, e)) {
			synq_counter_inc(ctr, SYNQ_CTR_SYNACK_RTX_LIMITED);
			continue;
		}
		out[n] = synack_again(tw, ctr, e);
		if (out[n] != NULL)
			out_rxq[n++] = e->key.rxq_idx;
	}
	for (unsigned int i = 0; i < nb_gone; i++) {
		struct synq_syn_entry *e = synq_syntab_lookup(tw->syntab, &gone[i]);

		if (e == NULL)
			continue;
		tcp_entry_forget(tw, e);
		synq_counter_inc(ctr, SYNQ_CTR_SYN_TABLE_EXPIRED);
	}
	synq_counter_set(ctr, SYNQ_CTR_SYN_TABLE_ENTRIES, synq_syntab_count(tw->syntab));
	return n;
}
