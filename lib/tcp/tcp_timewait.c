/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TIME-WAIT (RFC 9293 3.10.7.4): a connection done with both FINs leaves the flow
 * table for the worker's TIME-WAIT memory (synq_flowmem.h), which keeps what its last
 * ACK needs for TCP_TIME_WAIT_MS. A repeated FIN, or any data, is acknowledged where
 * we stand (our last ACK was lost, the client is still in LAST-ACK); the exact RST
 * ends it early; the rest is dropped.
 */

#include <rte_byteorder.h>

#include "tcp_priv.h"

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
		e->peer_mac = c->peer_mac;
		e->ts = c->ts;
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
	if (data_len == 0 && !(th->tcp_flags & RTE_TCP_FIN_FLAG))
		return SYNQ_TCP_DROP;
	if (o->ts)
		e->ts_recent = o->tsval;
	peer_of_key(&e->key, &e->peer_mac, ifc, &p);
	return tcp_reply_ack(tw, ctr, seg->m, ifc, &p, e->snd_nxt, e->rcv_nxt, e->ts,
		e->ts_recent, SYNQ_CTR_MAX);
}
