/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The listing of a worker's connections (synq_tcp_conns_walk(), synq_tcp.h), what
 * Linux's ss -tni reads from its sockets' tcp_info: run on the owning lcore between
 * two bursts, so every field is read as the worker left it, without a lock. The walk
 * goes over the slots of the flow table, then of the TIME-WAIT memory, a budget of
 * slots a call: its cost does not grow with what clients hold. The SYN table's
 * half-open entries are not listed (a flood makes millions): their count is in
 * synq_tcp_worker_info().
 */

#include <string.h>

#include <rte_byteorder.h>

#include "tcp_priv.h"

/* Our address of flow @p k and the peer's, with the ports, into @p r. */
static void
rec_addrs(const struct synq_tcp_worker *tw, const struct synq_flow_key *k,
	struct synq_tcp_conn_rec *r)
{
	const struct synq_iface *ifc = rxq_iface(tw, k->rxq_idx);

	r->family = k->family;
	memcpy(r->remote, k->saddr, sizeof(r->remote));
	if (k->family == 4)
		memcpy(r->local, &ifc->ipv4[k->daddr_idx], 4);
	else
		memcpy(r->local, ifc->ipv6[k->daddr_idx], 16);
	r->lport = rte_be_to_cpu_16(k->dport);
	r->rport = rte_be_to_cpu_16(k->sport);
}

/* The record of connection @p idx of the flow table. */
static void
conn_rec(const struct synq_tcp_worker *tw, uint32_t idx, struct synq_tcp_conn_rec *r)
{
	const struct tcp_conn *c = conn_at(tw, idx);
	const struct synq_session *s = synq_session_at(tw->sessions, idx);
	uint32_t mss = RTE_MAX(snd_mss(c), 1u);

	memset(r, 0, sizeof(*r));
	rec_addrs(tw, &c->key, r);
	r->state = c->state;
	r->listener = c->listener;
	r->flags = (c->wflags & WF_ACTIVE) ? SYNQ_TCP_REC_ACTIVE : 0;
	r->retrans = c->backoff;
	r->mss = (uint16_t)mss;
	/* what the application has not consumed: delivered to its ring, or still queued */
	r->recv_q = atomic_load_explicit(&s->rcv_unread, memory_order_relaxed);
	r->send_q = c->sndq_len;
	/* RFC 6298 in ms, x 8 and x 4: no sample yet while srtt8 is 0 */
	if (c->srtt8 != 0) {
		r->flags |= SYNQ_TCP_REC_RTT;
		r->rtt_us = c->srtt8 * 125u;
		r->rttvar_us = c->rttvar4 * 250u;
	}
	r->rto_ms = c->rto_ms;
	r->cwnd = c->cwnd / mss;
	/* UINT32_MAX until the first loss: ss shows no ssthresh then */
	if (c->ssthresh != UINT32_MAX) {
		r->flags |= SYNQ_TCP_REC_SSTHRESH;
		r->ssthresh = c->ssthresh / mss;
	}
	r->snd_wnd = c->snd_wnd;
	r->rcv_wnd = (int32_t)(c->rcv_adv - c->rcv_nxt) > 0 ? c->rcv_adv - c->rcv_nxt : 0;
}

/* The record of a TIME-WAIT entry: its 4-tuple, nothing else is kept. */
static void
time_wait_rec(const struct synq_tcp_worker *tw, const struct synq_flowmem_entry *e,
	struct synq_tcp_conn_rec *r)
{
	memset(r, 0, sizeof(*r));
	rec_addrs(tw, &e->key, r);
	r->state = SYNQ_TCP_TIME_WAIT;
	r->flags = SYNQ_TCP_REC_TIME_WAIT;
}

/*
 * What a slot of the TIME-WAIT memory costs the walk, in slots of the flow table: a
 * 64-byte entry read for its key, against 8 bytes.
 */
#define TW_SLOT_COST 8u

unsigned int
synq_tcp_conns_walk(const struct synq_tcp_worker *tw, uint32_t *pos, unsigned int budget,
	struct synq_tcp_conn_rec *out, unsigned int max)
{
	uint32_t p = *pos, fslots, last;
	unsigned int n = 0;

	if (tw->flows == NULL || p == SYNQ_TCP_WALK_END) {
		*pos = SYNQ_TCP_WALK_END;
		return 0;
	}
	fslots = synq_flowtab_slots(tw->flows);
	/* both tables hold at most 2^25 slots: the sums stay below 2^32 */
	last = fslots + (tw->time_wait != NULL ? synq_flowmem_slots(tw->time_wait) : 0);
	/* @p budget counts flow-table slots read; a TIME-WAIT slot costs TW_SLOT_COST */
	while (n < max && p < last && budget > 0) {
		if (p < fslots) {
			uint32_t from = p, idx;
			bool hit = synq_flowtab_next(
				tw->flows, &p, p + RTE_MIN(budget, fslots - p), &idx);

			budget -= p - from;
			if (hit)
				conn_rec(tw, idx, &out[n++]);
		} else {
			uint32_t q = p - fslots, from = q;
			uint32_t span = RTE_MIN(RTE_MAX(budget / TW_SLOT_COST, 1u), last - p);
			const struct synq_flowmem_entry *e =
				synq_flowmem_next(tw->time_wait, &q, q + span);

			budget -= RTE_MIN(budget, (q - from) * TW_SLOT_COST);
			p = q + fslots;
			if (e != NULL)
				time_wait_rec(tw, e, &out[n++]);
		}
	}
	*pos = p >= last ? SYNQ_TCP_WALK_END : p;
	return n;
}
