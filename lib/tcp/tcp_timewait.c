/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TIME-WAIT (RFC 9293 3.10.7.4): a connection done with both FINs leaves the flow
 * table for the worker's TIME-WAIT memory (synq_flowmem.h), which keeps what its last
 * ACK needs for TCP_TIME_WAIT_MS. A repeated FIN, or any data, is acknowledged where
 * we stand (our last ACK was lost, the client is still in LAST-ACK); the exact RST
 * ends it early; the rest is dropped.
 *
 * A new connection may take the 4-tuple over as RFC 6191 (and Linux's
 * tcp_timewait_state_process()) allow: its SYN's timestamp newer than TS.Recent, or
 * its ISN past RCV.NXT, and never a timestamp that PAWS would refuse. A client whose
 * ephemeral ports wrap reuses 4-tuples within the 63 s; refusing it (or swallowing
 * its cookie's final ACK) would cut it to a connection per 4-tuple a minute. A SYN
 * the rule refuses gets the TIME-WAIT's ACK (RFC 5961 4.2): a client that really
 * restarted answers it with the exact RST, which ends TIME-WAIT. That ACK, and the
 * one to data, go out at most once an entry per 500 ms (tcp_oow_limited()), the
 * challenge within the worker's budget as well.
 */

#include <rte_byteorder.h>

#include "tcp_priv.h"

/* @p ms in SYNQ_FLOWMEM_TS_STEP_MS steps, rounded up (a reuse waits longer, never less). */
static uint8_t
ts_steps(uint32_t ms)
{
	return (uint8_t)RTE_MIN((ms + SYNQ_FLOWMEM_TS_STEP_MS - 1) / SYNQ_FLOWMEM_TS_STEP_MS, 255u);
}

void
tcp_time_wait_enter(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c)
{
	struct synq_flowmem_entry *e = NULL;

	synq_counter_inc(ctr, SYNQ_CTR_CONN_CLOSED);
	if (tw->time_wait != NULL) {
		/* what an earlier connection of this 4-tuple left goes */
		e = synq_flowmem_lookup(tw->time_wait, &c->key);
		if (e != NULL)
			synq_flowmem_remove(tw->time_wait, e);
		/* like Linux past tcp_max_tw_buckets: no TIME-WAIT when room runs short */
		e = synq_flowmem_count(tw->time_wait) < synq_flowmem_capacity(tw->time_wait) / 2
			? synq_flowmem_insert(tw->time_wait, &c->key, tw->now_ms, TCP_TIME_WAIT_MS)
			: NULL;
	}
	if (e != NULL) {
		e->rcv_nxt = c->rcv_nxt;
		e->snd_nxt = c->fin_seq + 1;
		e->ts_recent = c->ts_recent;
		e->ts_off = c->ts_off;
		e->peer_mac = c->peer_mac;
		e->ts = c->ts;
		e->oow_ms = tw->now_ms - TCP_INVALID_RATELIMIT_MS; /* nothing answered yet */
	} else {
		synq_counter_inc(ctr, SYNQ_CTR_TIME_WAIT_SKIPPED);
	}
	tcp_conn_finish(tw, c, false);
}

enum synq_tcp_verdict
tcp_time_wait_input(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	struct synq_tcp_seg *seg, struct synq_flowmem_entry *e, const struct rte_tcp_hdr *th,
	uint16_t data_len, const struct synq_tcp_opts *o)
{
	const struct synq_iface *ifc = rxq_iface(tw, e->key.rxq_idx);
	struct tcp_peer p;

	if (th->tcp_flags & RTE_TCP_RST_FLAG) {
		if (rte_be_to_cpu_32(th->sent_seq) == e->rcv_nxt)
			synq_flowmem_remove(tw->time_wait, e);
		else
			synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_RST);
		return SYNQ_TCP_DROP;
	}
	if (th->tcp_flags & RTE_TCP_SYN_FLAG) {
		/*
		 * refused by tcp_time_wait_reusable(): its timestamp moves nothing. A
		 * challenge ACK: within the entry's gap and the worker's budget, so a
		 * spoofed stream of SYNs is not reflected 1:1.
		 */
		if (tcp_oow_limited(tw, ctr, &e->oow_ms, SYNQ_CTR_TCP_ACK_SKIPPED_TIME_WAIT) ||
			tcp_challenge_limited(tw, ctr, tw->listeners->l[0].tcp.challenge_ack_limit))
			return SYNQ_TCP_DROP;
		peer_of_key(&e->key, &e->peer_mac, ifc, &p);
		return tcp_reply_ack(tw, ctr, seg->m, ifc, &p, e->snd_nxt, e->rcv_nxt, e->ts,
			tw->now_ms + e->ts_off, e->ts_recent, SYNQ_CTR_TW_SYN_REFUSED);
	}
	if (data_len == 0 && !(th->tcp_flags & RTE_TCP_FIN_FLAG))
		return SYNQ_TCP_DROP;
	/*
	 * A FIN or data: the peer may still be sending, and a connection synq opens takes
	 * the 4-tuple over only 1 s past it (tcp_time_wait_active_reusable()). Whether it
	 * moves TS.Recent or not (a forged TSval far ahead would pin TS.Recent and hide
	 * the peer's own later segments), answered or not (a forged segment answered just
	 * before would hide them too): it only ever delays the reuse.
	 */
	e->ts_moved = ts_steps(tw->now_ms - e->born_ms);
	/* a repeated FIN is always answered (our ACK was lost); data only once a gap */
	if (!(th->tcp_flags & RTE_TCP_FIN_FLAG) &&
		tcp_oow_limited(tw, ctr, &e->oow_ms, SYNQ_CTR_TCP_ACK_SKIPPED_TIME_WAIT))
		return SYNQ_TCP_DROP;
	/* RFC 7323 5.3: TS.Recent never moves backwards */
	if (o->ts && (int32_t)(o->tsval - e->ts_recent) > 0)
		e->ts_recent = o->tsval;
	peer_of_key(&e->key, &e->peer_mac, ifc, &p);
	return tcp_reply_ack(tw, ctr, seg->m, ifc, &p, e->snd_nxt, e->rcv_nxt, e->ts,
		tw->now_ms + e->ts_off, e->ts_recent, SYNQ_CTR_MAX);
}

bool
tcp_time_wait_reusable(const struct synq_flowmem_entry *e, uint32_t isn,
	const struct synq_tcp_opts *o)
{
	bool both_ts = e->ts && o->ts;

	/* PAWS (RFC 7323 5.3): an older timestamp is an old duplicate, whatever its ISN */
	if (both_ts && (int32_t)(o->tsval - e->ts_recent) < 0)
		return false;
	/* RFC 6191 3: a newer timestamp; else (RFC 1122 4.2.2.13) an ISN past RCV.NXT */
	return (both_ts && o->tsval != e->ts_recent) || (int32_t)(isn - e->rcv_nxt) > 0;
}

void
tcp_time_wait_reuse(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	struct synq_flowmem_entry *e)
{
	synq_flowmem_remove(tw->time_wait, e);
	synq_counter_inc(ctr, SYNQ_CTR_TW_REUSED);
}

bool
tcp_time_wait_active_reusable(const struct synq_tcp_worker *tw, const struct synq_flowmem_entry *e)
{
	/*
	 * No timestamps, no PAWS to tell the old connection's duplicates from the new
	 * one's segments: TIME-WAIT runs its course. With them, a second since the peer's
	 * last FIN or data (ages are below 2^31 ms: a wrapped clock subtracts right, and
	 * one set back in a test never makes an entry old).
	 */
	return e->ts && (int32_t)(tw->now_ms - e->born_ms) >=
				(int32_t)(e->ts_moved * SYNQ_FLOWMEM_TS_STEP_MS + TCP_TW_REUSE_MS);
}
