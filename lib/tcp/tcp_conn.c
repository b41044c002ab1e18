/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data path: connections after promotion, on the worker that owns them (RFC 9293
 * 3.10.7.4 from ESTABLISHED on, RFC 6298 timers, RFC 5681 congestion control, RFC
 * 7323 timestamps). docs/architecture.md, "The data path", has the design.
 *
 * Input changes state only; what a connection must send or tell its application
 * waits in the worker's dirty list until synq_tcp_output(), which runs after each
 * burst, after the commands and after the timers. So one burst of ten segments of a
 * flow gets one ACK, and an application's answer can ride on it.
 *
 *   segment -> RST? SYN? -> ACK field (send queue, RTT, window) -> data in order
 *              (else dropped and re-ACKed) -> FIN
 *   command -> attach, send (to the send queue), close (FIN after it), abort (RST)
 *   timers  -> retransmission (go back to SND.UNA), zero-window probe, idle and
 *              first-byte timeouts, events that found the ring full
 */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ring.h>
#include <rte_tcp.h>

#include "tcp_priv.h"

/* wflags: what the worker has to do for a connection */
#define WF_DIRTY 0x0001	     /* in the dirty list */
#define WF_ACK_NOW 0x0002    /* owes the client an ACK */
#define WF_FIN_QUEUED 0x0004 /* the application closed: FIN after the send queue */
#define WF_ATTACHED 0x0008   /* an application took it: events go to app_lcore */
#define WF_RST_NOW 0x0010    /* owes the client a RST (abort, timeout) */
#define WF_FIN_SENT 0x0020   /* fin_seq is valid */
#define WF_WND_CHECK 0x0040  /* the application consumed: the window may have opened */
#define WF_RTX_ONE 0x0080    /* fast retransmit: SND.UNA's segment once more */
#define WF_PROBE 0x0100	     /* zero window: one byte past it (RFC 9293 3.8.6.1) */
#define WF_CHALLENGE 0x0200  /* the ACK owed is a challenge ACK (RFC 5961) */
#define WF_ACK_DATA 0x0400   /* owes an ACK for data: it waits one poll for an answer */

/* pend: events not yet on the application's ring, in this order */
#define PEND_PEER_CLOSED 0x01
#define PEND_RESET 0x02
#define PEND_CLOSED 0x04

static inline uint32_t
conn_idx(const struct synq_tcp_worker *tw, const struct synq_conn *c)
{
	return synq_conn_index(tw->listeners, c);
}

static inline const struct synq_listener *
conn_listener(const struct synq_tcp_worker *tw, const struct synq_conn *c)
{
	return &tw->listeners->l[c->listener];
}

static void
mark_dirty(struct synq_tcp_worker *tw, struct synq_conn *c)
{
	if (c->wflags & WF_DIRTY)
		return;
	/* the list has room for every connection of the pool: it cannot overflow */
	c->wflags |= WF_DIRTY;
	tw->dirty[tw->nb_dirty++] = conn_idx(tw, c);
}

static bool
is_estab(uint8_t state)
{
	return state == SYNQ_TCP_ESTABLISHED || state == SYNQ_TCP_CLOSE_WAIT;
}

/* Our MSS for data: the client's MSS less the timestamp option (RFC 6691). */
static inline uint32_t
snd_mss(const struct synq_conn *c)
{
	return (uint32_t)c->mss - (c->ts ? 12 : 0);
}

static void
peer_of_conn(const struct synq_conn *c, struct tcp_peer *p)
{
	memset(p, 0, sizeof(*p));
	p->family = c->family;
	memcpy(p->caddr, c->saddr, 16);
	memcpy(p->saddr, c->daddr, 16);
	p->cport = c->sport;
	p->sport = c->dport;
	p->cmac = c->peer_mac;
}

/* Free @p n acknowledged bytes from the head of the send queue. */
static void
sndq_drop(struct synq_conn *c, uint32_t n)
{
	c->sndq_len -= n;
	while (n != 0 && c->sndq != NULL) {
		struct rte_mbuf *m = c->sndq;

		if (m->data_len > n) {
			m->data_off = (uint16_t)(m->data_off + n);
			m->data_len = (uint16_t)(m->data_len - n);
			return;
		}
		n -= m->data_len;
		c->sndq = m->next;
		m->next = NULL;
		m->nb_segs = 1;
		rte_pktmbuf_free_seg(m);
	}
	if (c->sndq == NULL)
		c->sndq_tail = NULL;
}

/*
 * Leave the flow table for good: the send queue goes, the receive queue stays for
 * delivery unless @p drop_rcvq, and the application is told (PEND_CLOSED last).
 */
static void
conn_finish(struct synq_tcp_worker *tw, struct synq_conn *c, bool drop_rcvq)
{
	if (is_estab(c->state))
		tw->curr_estab--;
	c->state = SYNQ_TCP_CLOSED;
	c->rtx_ms = 0;
	c->wflags &= (uint16_t)~(WF_ACK_NOW | WF_FIN_QUEUED | WF_WND_CHECK | WF_RTX_ONE |
		WF_PROBE | WF_CHALLENGE | WF_ACK_DATA);
	rte_pktmbuf_free(c->sndq);
	c->sndq = c->sndq_tail = NULL;
	c->sndq_len = 0;
	if (drop_rcvq) {
		rte_pktmbuf_free(c->rcvq);
		c->rcvq = c->rcvq_tail = NULL;
	}
	synq_flowtab_remove(tw->flows, c);
	tw->flows_of[c->listener]--;
	c->pend |= PEND_CLOSED;
	mark_dirty(tw, c);
}

/* The connection was reset (by the client, a timeout, the retransmissions). */
static void
conn_reset(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct synq_conn *c,
	bool send_rst)
{
	if (is_estab(c->state))
		synq_counter_inc(ctr, SYNQ_CTR_ESTAB_RESETS);
	else
		synq_counter_inc(ctr, SYNQ_CTR_CONN_CLOSE_ABORTED);
	c->pend |= PEND_RESET;
	conn_finish(tw, c, true);
	if (send_rst)
		c->wflags |= WF_RST_NOW;
}

int
tcp_conn_start(struct synq_tcp_worker *tw, struct synq_conn *c, const struct rte_tcp_hdr *th,
	const struct synq_tcp_opts *o, struct rte_mbuf *data, uint16_t data_len, bool fin)
{
	const struct synq_listener *l = conn_listener(tw, c);
	struct synq_syn_key key;
	uint8_t shift = c->snd_wscale == SYNQ_TCP_NO_WSCALE ? 0 : c->snd_wscale;

	if (tw->flows == NULL || tw->flows_of[c->listener] >= l->tcp.max_flows)
		return -ENOSPC;
	synq_flowtab_key_of(c, &key);
	if (synq_flowtab_insert(tw->flows, &key, conn_idx(tw, c)) != 0)
		return -ENOSPC;
	tw->flows_of[c->listener]++;
	tw->curr_estab++;
	c->state = fin ? SYNQ_TCP_CLOSE_WAIT : SYNQ_TCP_ESTABLISHED;
	c->snd_una = c->snd_nxt = c->snd_max = c->our_isn + 1;
	/* RFC 7323 2.2: the window of every segment but a SYN is scaled */
	c->snd_wnd = (uint32_t)rte_be_to_cpu_16(th->rx_win) << shift;
	c->snd_wl1 = rte_be_to_cpu_32(th->sent_seq);
	c->snd_wl2 = rte_be_to_cpu_32(th->recv_ack);
	c->cwnd = SYNQ_TCP_IW * snd_mss(c);
	c->ssthresh = UINT32_MAX;
	c->rcv_nxt = c->client_isn + 1 + data_len + (fin ? 1 : 0);
	/* the SYN-ACK's window, never scaled */
	c->rcv_adv = c->client_isn + 1 + synq_tcp_synack_window(&l->tcp);
	c->rto_ms = SYNQ_TCP_RTO_INIT_MS;
	c->last_rx_ms = tw->now_ms;
	if (o->ts)
		c->ts_recent = o->tsval;
	if (data != NULL) {
		data->next = NULL;
		c->rcvq = c->rcvq_tail = data;
		atomic_store_explicit(&c->rcv_unread, data_len, memory_order_relaxed);
	}
	if (fin)
		c->pend |= PEND_PEER_CLOSED;
	if (data != NULL || fin) {
		c->wflags |= WF_ACK_NOW;
		mark_dirty(tw, c);
	}
	return 0;
}

void
tcp_conn_unstart(struct synq_tcp_worker *tw, struct synq_conn *c)
{
	/* nobody saw it: out of the table and the dirty list, the data back to the caller */
	if (c->wflags & WF_DIRTY) {
		for (uint32_t i = 0; i < tw->nb_dirty; i++)
			if (tw->dirty[i] == conn_idx(tw, c)) {
				tw->dirty[i] = tw->dirty[--tw->nb_dirty];
				break;
			}
	}
	synq_flowtab_remove(tw->flows, c);
	tw->flows_of[c->listener]--;
	tw->curr_estab--;
	c->rcvq = c->rcvq_tail = NULL;
	c->wflags = 0;
	c->pend = 0;
	c->state = 0;
}

/* RFC 6298 2.2-2.3, in ms: srtt kept x 8, rttvar x 4 (the Jacobson/Karels form). */
static void
rtt_sample(struct synq_conn *c, uint32_t r)
{
	if (r == 0)
		r = 1;
	if (c->srtt8 == 0) {
		c->srtt8 = r << 3;
		c->rttvar4 = r << 1;
	} else {
		int32_t delta = (int32_t)r - (int32_t)(c->srtt8 >> 3);

		c->srtt8 = (uint32_t)((int32_t)c->srtt8 + delta);
		if (delta < 0)
			delta = -delta;
		c->rttvar4 = (uint32_t)((int32_t)c->rttvar4 + delta - (int32_t)(c->rttvar4 >> 2));
	}
	c->rto_ms = RTE_MIN(RTE_MAX((c->srtt8 >> 3) + RTE_MAX(c->rttvar4, 1u),
				    (uint32_t)SYNQ_TCP_RTO_MIN_MS),
		(uint32_t)SYNQ_TCP_RTO_MAX_MS);
}

/* The ACK field of an acceptable segment (RFC 9293 3.10.7.4, fifth check). */
static bool
ack_field(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct synq_conn *c,
	const struct rte_tcp_hdr *th, const struct synq_tcp_opts *o, uint32_t seg_len)
{
	uint32_t seq = rte_be_to_cpu_32(th->sent_seq);
	uint32_t ack = rte_be_to_cpu_32(th->recv_ack);
	uint8_t shift = c->snd_wscale == SYNQ_TCP_NO_WSCALE ? 0 : c->snd_wscale;
	uint32_t wnd = (uint32_t)rte_be_to_cpu_16(th->rx_win) << shift;
	uint32_t mss = snd_mss(c);

	if (SEQ_GT(ack, c->snd_max)) {
		/* acknowledges what we never sent: ACK where we stand, drop it */
		synq_counter_inc(ctr, SYNQ_CTR_TCP_ACK_UNSENT);
		c->wflags |= WF_ACK_NOW;
		mark_dirty(tw, c);
		return false;
	}
	if (SEQ_GT(ack, c->snd_una)) {
		uint32_t acked = ack - c->snd_una;
		uint32_t data = RTE_MIN(acked, c->sndq_len);

		sndq_drop(c, data);
		if (data != 0)
			atomic_fetch_sub_explicit(&c->snd_pending, data, memory_order_relaxed);
		c->snd_una = ack;
		if (SEQ_LT(c->snd_nxt, ack))
			c->snd_nxt = ack;
		/* RTT: the echoed timestamp (RFC 7323 4.1), else the one timed segment */
		if (o->ts && o->tsecr != 0 && tw->now_ms - o->tsecr < 60000)
			rtt_sample(c, tw->now_ms - o->tsecr);
		else if (c->rtt_seq != 0 && SEQ_GEQ(ack, c->rtt_seq))
			rtt_sample(c, tw->now_ms - c->rtt_ms);
		if (c->rtt_seq != 0 && SEQ_GEQ(ack, c->rtt_seq))
			c->rtt_seq = 0;
		c->backoff = 0;
		c->dupacks = 0;
		/* RFC 5681 3.1: slow start, then congestion avoidance */
		if (c->cwnd < c->ssthresh)
			c->cwnd += RTE_MIN(acked, mss);
		else
			c->cwnd += RTE_MAX(mss * mss / c->cwnd, 1u);
		c->cwnd = RTE_MIN(c->cwnd, 1u << 30);
		c->rtx_ms = c->snd_una == c->snd_max ? 0 : tw->now_ms + c->rto_ms;
		/* our FIN acknowledged */
		if ((c->wflags & WF_FIN_SENT) && SEQ_GT(ack, c->fin_seq)) {
			switch (c->state) {
			case SYNQ_TCP_FIN_WAIT_1:
				c->state = SYNQ_TCP_FIN_WAIT_2;
				break;
			case SYNQ_TCP_CLOSING:
				c->state = SYNQ_TCP_TIME_WAIT;
				break;
			case SYNQ_TCP_LAST_ACK:
				synq_counter_inc(ctr, SYNQ_CTR_CONN_CLOSED);
				conn_finish(tw, c, false);
				return false;
			default:
				break;
			}
		}
		mark_dirty(tw, c);
	} else if (ack == c->snd_una && seg_len == 0 && wnd == c->snd_wnd &&
		c->snd_max != c->snd_una) {
		/* RFC 5681 3.2: the third duplicate ACK retransmits SND.UNA's segment */
		if (++c->dupacks == 3) {
			uint32_t flight = c->snd_max - c->snd_una;

			c->ssthresh = RTE_MAX(flight / 2, 2 * mss);
			c->cwnd = c->ssthresh;
			c->wflags |= WF_RTX_ONE;
			synq_counter_inc(ctr, SYNQ_CTR_TCP_FAST_RETRANS);
			mark_dirty(tw, c);
		}
	}
	/* the window (RFC 9293 3.10.7.4: SND.WL1/WL2 keep old segments from moving it) */
	if (SEQ_LT(c->snd_wl1, seq) || (c->snd_wl1 == seq && SEQ_LEQ(c->snd_wl2, ack))) {
		if (wnd > c->snd_wnd)
			mark_dirty(tw, c);
		c->snd_wnd = wnd;
		c->snd_wl1 = seq;
		c->snd_wl2 = ack;
	}
	return true;
}

/* In-order bytes for the application: on its ring now, or queued in order. */
static void
deliver(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct synq_conn *c,
	struct rte_mbuf *m, uint16_t len)
{
	atomic_fetch_add_explicit(&c->rcv_unread, len, memory_order_relaxed);
	synq_counter_add(ctr, SYNQ_CTR_TCP_IN_DATA_BYTES, len);
	if ((c->wflags & WF_ATTACHED) && c->rcvq == NULL && c->pend == 0) {
		struct synq_conn_msg ev = {
			.conn = conn_idx(tw, c),
			.kind = SYNQ_EV_DATA,
			.m = m,
		};

		if (rte_ring_enqueue_elem(tw->app_rings[c->app_lcore], &ev, sizeof(ev)) == 0)
			return;
		synq_counter_inc(ctr, SYNQ_CTR_EVENT_RING_FULL);
	}
	m->next = NULL;
	if (c->rcvq_tail != NULL)
		c->rcvq_tail->next = m;
	else
		c->rcvq = m;
	c->rcvq_tail = m;
	mark_dirty(tw, c);
}

/* The client's FIN, in order (RFC 9293 3.10.7.4, eighth check). */
static void
peer_fin(struct synq_tcp_worker *tw, struct synq_conn *c)
{
	c->rcv_nxt++;
	c->pend |= PEND_PEER_CLOSED;
	switch (c->state) {
	case SYNQ_TCP_ESTABLISHED:
		c->state = SYNQ_TCP_CLOSE_WAIT;
		break;
	case SYNQ_TCP_FIN_WAIT_1:
		c->state = SYNQ_TCP_CLOSING;
		break;
	case SYNQ_TCP_FIN_WAIT_2:
		c->state = SYNQ_TCP_TIME_WAIT;
		break;
	default:
		break;
	}
	c->wflags |= WF_ACK_NOW;
	mark_dirty(tw, c);
}

static bool
reorder_hold(struct synq_tcp_worker *tw, const struct synq_iface *ifc, struct synq_tcp_seg *seg)
{
	uint64_t x;

	if (tw->reorder_permille == 0 || tw->held_on)
		return false;
	/* xorshift64: a test knob needs no better */
	x = tw->reorder_rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	tw->reorder_rng = x;
	if (x % 1000 >= tw->reorder_permille)
		return false;
	tw->held_on = true;
	tw->held = *seg;
	tw->held_ifc = ifc;
	tw->held_ms = tw->now_ms;
	return true;
}

/* Handle the segment held back by test.reorder_permille, after a later one. */
static void
reorder_release(struct synq_tcp_worker *tw, struct synq_counters *ctr)
{
	struct synq_tcp_seg seg = tw->held;
	uint16_t permille = tw->reorder_permille;

	tw->held_on = false;
	tw->reorder_permille = 0; /* not held twice */
	/* counted in TcpInSegs when it came: synq_tcp_input() counts it once more */
	synq_counter_add(ctr, SYNQ_CTR_TCP_IN_SEGS, UINT64_MAX);
	if (synq_tcp_input(tw, ctr, tw->held_ifc, &seg) != SYNQ_TCP_CONSUMED)
		rte_pktmbuf_free(seg.m); /* a reply built in it is not sent: a test knob */
	tw->reorder_permille = permille;
}

enum synq_tcp_verdict
tcp_conn_input(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct synq_tcp_seg *seg,
	struct synq_conn *c, const struct rte_tcp_hdr *th, uint16_t doff)
{
	uint32_t seq = rte_be_to_cpu_32(th->sent_seq);
	uint8_t flags = th->tcp_flags;
	uint16_t data_len = (uint16_t)(seg->l4_len - doff);
	bool fin = (flags & RTE_TCP_FIN_FLAG) != 0;
	uint32_t wnd = c->rcv_adv - c->rcv_nxt;
	enum synq_tcp_verdict v = SYNQ_TCP_DROP;
	struct synq_tcp_opts o;
	int32_t off;

	if (synq_tcp_opts_parse((const uint8_t *)(th + 1), doff - sizeof(*th), &o) != 0) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_BAD_OPTIONS);
		return SYNQ_TCP_DROP;
	}
	if (data_len != 0 && reorder_hold(tw, tw->rxq[seg->rxq_idx].iface, seg)) {
		synq_counter_inc(ctr, SYNQ_CTR_TEST_REORDER_HELD);
		return SYNQ_TCP_CONSUMED;
	}
	c->last_rx_ms = tw->now_ms;

	/* RFC 5961 3.2: only the exact RST resets; one in the window is challenged */
	if (flags & RTE_TCP_RST_FLAG) {
		if (seq == c->rcv_nxt) {
			conn_reset(tw, ctr, c, false);
		} else if (seq - c->rcv_nxt < RTE_MAX(wnd, 1u)) {
			synq_counter_inc(ctr, SYNQ_CTR_CHALLENGE_ACKS);
			c->wflags |= WF_ACK_NOW;
			mark_dirty(tw, c);
		} else {
			synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_RST);
		}
		goto out;
	}
	/* RFC 5961 4.2: a SYN on a synchronized connection gets a challenge ACK */
	if (flags & RTE_TCP_SYN_FLAG) {
		synq_counter_inc(ctr, SYNQ_CTR_CHALLENGE_ACKS);
		c->wflags |= WF_ACK_NOW;
		mark_dirty(tw, c);
		goto out;
	}
	if (!(flags & RTE_TCP_ACK_FLAG)) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_NO_CONNECTION);
		goto out;
	}

	/* the sequence number: old, in order, or ahead (RFC 9293 3.10.7.4, first check) */
	off = (int32_t)(seq - c->rcv_nxt);
	if (data_len == 0 && !fin) {
		if (off != 0 && (off < 0 || (uint32_t)off > wnd)) {
			c->wflags |= WF_ACK_NOW;
			mark_dirty(tw, c);
			synq_counter_inc(ctr, SYNQ_CTR_TCP_OUT_OF_WINDOW);
			goto out;
		}
		if (o.ts && off == 0)
			c->ts_recent = o.tsval;
		ack_field(tw, ctr, c, th, &o, 0);
		goto out;
	}
	if (off > 0) {
		/*
		 * A hole before it: in-order receive only. One duplicate ACK for each such
		 * segment (RFC 5681 4.2), not one a burst: three make a client without
		 * SACK retransmit at once.
		 */
		synq_counter_inc(ctr, SYNQ_CTR_TCP_OFO_DROPS);
		if (c->dupacks_owed < 3)
			c->dupacks_owed++;
		c->wflags |= WF_ACK_NOW;
		mark_dirty(tw, c);
		if ((uint32_t)off <= wnd)
			ack_field(tw, ctr, c, th, &o, data_len + fin);
		goto out;
	}
	if ((uint32_t)-off >= (uint32_t)data_len + fin) {
		/* all of it came before: a retransmission whose ACK was lost */
		synq_counter_inc(ctr, SYNQ_CTR_TCP_DUP_DATA);
		c->wflags |= WF_ACK_NOW;
		mark_dirty(tw, c);
		ack_field(tw, ctr, c, th, &o, data_len + fin);
		goto out;
	}
	if (o.ts)
		c->ts_recent = o.tsval;
	if (!ack_field(tw, ctr, c, th, &o, data_len + fin) || c->state == SYNQ_TCP_CLOSED)
		goto out;
	/* in order, perhaps overlapping what came before: the new bytes only */
	{
		uint16_t skip = (uint16_t)-off;
		uint16_t len = (uint16_t)(data_len - skip);
		bool takes_data = c->state == SYNQ_TCP_ESTABLISHED ||
			c->state == SYNQ_TCP_FIN_WAIT_1 || c->state == SYNQ_TCP_FIN_WAIT_2;

		if (len > wnd) {
			/* past the window: the rest comes again when it opens */
			synq_counter_inc(ctr, SYNQ_CTR_TCP_RCV_WINDOW_DROPS);
			len = (uint16_t)wnd;
			fin = false;
		}
		if (len != 0 && takes_data) {
			struct rte_mbuf *m = seg->m;

			rte_pktmbuf_adj(m, (uint16_t)(seg->l2_len + seg->l3_len + doff + skip));
			rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_pkt_len(m) - len));
			c->rcv_nxt += len;
			deliver(tw, ctr, c, m, len);
			v = SYNQ_TCP_CONSUMED;
		}
		/*
		 * Data alone: the ACK waits for the next poll, so that an answer the
		 * application sends meanwhile carries it (a delayed ACK of one poll, not
		 * RFC 1122's 500 ms). Anything else is acknowledged now.
		 */
		if (len != 0 && !fin && len == data_len - skip && !(c->wflags & WF_ACK_DATA)) {
			c->wflags |= WF_ACK_DATA;
			c->ack_round = tw->round;
		} else {
			c->wflags |= WF_ACK_NOW;
		}
		mark_dirty(tw, c);
		if (fin && takes_data)
			peer_fin(tw, c);
	}
out:
	if (tw->held_on && tw->held.m != seg->m)
		reorder_release(tw, ctr);
	return v;
}

/* Put the connection's TIME-WAIT into the closing table, and leave. */
static void
enter_time_wait(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct synq_conn *c)
{
	struct synq_syn_entry *e = NULL;
	struct synq_syn_key key;

	synq_counter_inc(ctr, SYNQ_CTR_CONN_CLOSED);
	synq_flowtab_key_of(c, &key);
	if (tw->closing != NULL) {
		/* what an earlier connection of this 4-tuple left goes */
		e = synq_syntab_lookup(tw->closing, &key);
		if (e != NULL)
			synq_syntab_remove(tw->closing, e);
		/* like Linux past tcp_max_tw_buckets: no TIME-WAIT when room runs short */
		e = synq_syntab_count(tw->closing) < synq_syntab_capacity(tw->closing) / 2
			? synq_syntab_insert(tw->closing, &key, tw->now_ms) : NULL;
	}
	if (e != NULL) {
		e->client_isn = c->rcv_nxt;
		e->our_isn = c->fin_seq;
		e->ts_recent = c->ts_recent;
		e->listener = c->listener;
		e->peer_mac = c->peer_mac;
		e->flags |= c->ts ? SYNQ_SYN_F_TS : 0;
	} else {
		synq_counter_inc(ctr, SYNQ_CTR_TIME_WAIT_SKIPPED);
	}
	conn_finish(tw, c, false);
}

void
synq_tcp_command(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	const struct synq_conn_msg *msg)
{
	struct synq_conn *c = synq_conn_at(tw->listeners, msg->conn);

	switch (msg->kind) {
	case SYNQ_CMD_ATTACH:
		c->app_lcore = msg->arg;
		c->wflags |= WF_ATTACHED;
		c->attach_ms = tw->now_ms;
		mark_dirty(tw, c);
		break;
	case SYNQ_CMD_SEND: {
		struct rte_mbuf *m = msg->m;
		struct rte_mbuf *last = rte_pktmbuf_lastseg(m);
		uint32_t len = rte_pktmbuf_pkt_len(m);

		if (!is_estab(c->state) || (c->wflags & WF_FIN_QUEUED)) {
			synq_counter_inc(ctr, SYNQ_CTR_TCP_SEND_DROPPED);
			atomic_fetch_sub_explicit(&c->snd_pending, len, memory_order_relaxed);
			rte_pktmbuf_free(m);
			break;
		}
		if (c->sndq_tail != NULL)
			c->sndq_tail->next = m;
		else
			c->sndq = m;
		c->sndq_tail = last;
		c->sndq_len += len;
		mark_dirty(tw, c);
		break;
	}
	case SYNQ_CMD_CLOSE:
		if (is_estab(c->state)) {
			c->wflags |= WF_FIN_QUEUED;
			mark_dirty(tw, c);
		}
		break;
	case SYNQ_CMD_ABORT:
		/* RFC 9293 3.10.5: a RST, and everything queued either way is dropped */
		if (c->state != SYNQ_TCP_CLOSED) {
			conn_reset(tw, ctr, c, true);
			c->pend &= (uint8_t)~PEND_RESET; /* the application knows */
		} else {
			rte_pktmbuf_free(c->rcvq);
			c->rcvq = c->rcvq_tail = NULL;
		}
		break;
	case SYNQ_CMD_WINDOW:
		c->wflags |= WF_WND_CHECK;
		mark_dirty(tw, c);
		break;
	default:
		break;
	}
}

/* The window to advertise (never shrinking the right edge, RFC 9293 3.8.6.2.2). */
static uint16_t
rcv_window(const struct synq_tcp_worker *tw, struct synq_conn *c)
{
	uint32_t buf = conn_listener(tw, c)->tcp.rcv_buf;
	uint32_t unread = atomic_load_explicit(&c->rcv_unread, memory_order_relaxed);
	uint8_t shift = c->rcv_wscale == SYNQ_TCP_NO_WSCALE ? 0 : c->rcv_wscale;
	uint32_t space = buf > unread ? buf - unread : 0;
	uint32_t win;

	if (SEQ_LT(c->rcv_nxt + space, c->rcv_adv))
		space = c->rcv_adv - c->rcv_nxt;
	win = RTE_MIN(space >> shift, 65535u);
	/* round down to the scale, and never behind the edge advertised already */
	if (SEQ_LT(c->rcv_nxt + (win << shift), c->rcv_adv) && win < 65535u)
		win++;
	c->rcv_adv = c->rcv_nxt + (win << shift);
	return (uint16_t)win;
}

/* Would an ACK now open the window by enough to be worth it (RFC 9293 3.8.6.2.2)? */
static bool
window_grew(const struct synq_tcp_worker *tw, const struct synq_conn *c)
{
	uint32_t buf = conn_listener(tw, c)->tcp.rcv_buf;
	uint32_t unread = atomic_load_explicit(&c->rcv_unread, memory_order_relaxed);
	uint32_t space = buf > unread ? buf - unread : 0;
	uint32_t edge = c->rcv_nxt + space;

	return SEQ_GT(edge, c->rcv_adv) &&
		edge - c->rcv_adv >= RTE_MIN(buf / 2, 2 * (uint32_t)c->mss);
}

/* One segment of @p c into a new mbuf: @p len bytes from @p seq, @p flags. */
static struct rte_mbuf *
conn_segment(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct synq_conn *c,
	uint32_t seq, uint32_t len, uint8_t flags)
{
	const struct synq_iface *ifc = tw->rxq[c->rxq_idx].iface;
	struct rte_mbuf *m = rte_pktmbuf_alloc(tw->pool);
	uint8_t opt[12];
	unsigned int n = 0;
	struct tcp_peer p;
	uint16_t win = 0;

	if (m == NULL)
		return NULL;
	peer_of_conn(c, &p);
	if (!(flags & RTE_TCP_RST_FLAG)) {
		flags |= RTE_TCP_ACK_FLAG;
		win = rcv_window(tw, c);
		if (c->ts)
			n = tcp_opt_ts(opt, tw->now_ms, c->ts_recent);
	}
	if (tcp_build_data(m, ifc, &p, seq, c->rcv_nxt, flags, win, opt, n, c->sndq,
		    seq - c->snd_una, (uint16_t)len) != 0) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	synq_counter_inc(ctr, SYNQ_CTR_TCP_OUT_SEGS);
	if (flags & RTE_TCP_ACK_FLAG)
		c->wflags &= (uint16_t)~(WF_ACK_NOW | WF_ACK_DATA | WF_WND_CHECK | WF_CHALLENGE);
	return m;
}

/* Data (and the FIN) from SND.NXT, within the windows; the ACK owed. */
static unsigned int
conn_output(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct synq_conn *c,
	struct rte_mbuf **out, unsigned int max)
{
	uint32_t mss = snd_mss(c);
	uint32_t data_end = c->snd_una + c->sndq_len;
	unsigned int n = 0;
	struct rte_mbuf *m;

	if (c->wflags & WF_RST_NOW) {
		if (max == 0)
			return 0;
		m = conn_segment(tw, ctr, c, c->snd_nxt, 0, RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG);
		c->wflags &= (uint16_t)~WF_RST_NOW;
		if (m == NULL)
			return 0;
		synq_counter_inc(ctr, SYNQ_CTR_TCP_OUT_RSTS);
		out[n++] = m;
		return n;
	}
	if (c->state == SYNQ_TCP_CLOSED)
		return 0;
	if ((c->wflags & WF_RTX_ONE) && n < max) {
		uint32_t len = RTE_MIN(mss, c->sndq_len);
		bool fin = (c->wflags & WF_FIN_SENT) && c->snd_una + len == c->fin_seq &&
			len < mss;

		if (len != 0 || fin) {
			m = conn_segment(tw, ctr, c, c->snd_una, len,
				(uint8_t)(fin ? RTE_TCP_FIN_FLAG : 0));
			if (m == NULL)
				return n;
			synq_counter_inc(ctr, SYNQ_CTR_TCP_RETRANS_SEGS);
			out[n++] = m;
		}
		c->wflags &= (uint16_t)~WF_RTX_ONE;
		c->rtx_ms = tw->now_ms + c->rto_ms;
	}
	while (n < max) {
		uint32_t flight = c->snd_nxt - c->snd_una;
		uint32_t wnd = RTE_MIN(c->snd_wnd, c->cwnd);
		uint32_t can = wnd > flight ? wnd - flight : 0;
		uint32_t len = SEQ_LT(c->snd_nxt, data_end) ? data_end - c->snd_nxt : 0;
		bool fin_due = (c->wflags & WF_FIN_QUEUED) &&
			(!(c->wflags & WF_FIN_SENT) || c->snd_nxt == c->fin_seq);
		uint8_t flags = 0;

		if (len == 0 && !(fin_due && c->snd_nxt == data_end))
			break;
		if ((c->wflags & WF_PROBE) && can == 0 && len != 0) {
			can = 1; /* the zero-window probe */
			synq_counter_inc(ctr, SYNQ_CTR_TCP_WINDOW_PROBES);
		}
		c->wflags &= (uint16_t)~WF_PROBE;
		len = RTE_MIN(RTE_MIN(len, can), mss);
		if (len == 0 && !(fin_due && c->snd_nxt == data_end)) {
			/* the peer's window is shut: probe it when the timer fires */
			if (c->snd_wnd == 0 && flight == 0 && c->rtx_ms == 0)
				c->rtx_ms = tw->now_ms + c->rto_ms;
			break;
		}
		if (fin_due && c->snd_nxt + len == data_end)
			flags |= RTE_TCP_FIN_FLAG;
		if (c->snd_nxt + len == data_end && len != 0)
			flags |= RTE_TCP_PSH_FLAG;
		m = conn_segment(tw, ctr, c, c->snd_nxt, len, flags);
		if (m == NULL)
			break;
		out[n++] = m;
		synq_counter_add(ctr, SYNQ_CTR_TCP_OUT_DATA_BYTES, len);
		if (SEQ_LT(c->snd_nxt, c->snd_max))
			synq_counter_inc(ctr, SYNQ_CTR_TCP_RETRANS_SEGS);
		else if (c->rtt_seq == 0 && !c->ts && len != 0) {
			c->rtt_seq = c->snd_nxt + len; /* Karn: new data only */
			c->rtt_ms = tw->now_ms;
		}
		c->snd_nxt += len;
		if (flags & RTE_TCP_FIN_FLAG) {
			c->fin_seq = c->snd_nxt;
			c->snd_nxt++;
			if (!(c->wflags & WF_FIN_SENT)) {
				c->wflags |= WF_FIN_SENT;
				if (c->state == SYNQ_TCP_ESTABLISHED) {
					c->state = SYNQ_TCP_FIN_WAIT_1;
					tw->curr_estab--;
				} else if (c->state == SYNQ_TCP_CLOSE_WAIT) {
					c->state = SYNQ_TCP_LAST_ACK;
					tw->curr_estab--;
				}
			}
		}
		if (SEQ_GT(c->snd_nxt, c->snd_max))
			c->snd_max = c->snd_nxt;
		if (c->rtx_ms == 0)
			c->rtx_ms = tw->now_ms + c->rto_ms;
		if (flags & RTE_TCP_FIN_FLAG)
			break;
	}
	if ((c->wflags & WF_WND_CHECK) && window_grew(tw, c))
		c->wflags |= WF_ACK_NOW;
	if ((c->wflags & WF_ACK_DATA) && c->ack_round != tw->round)
		c->wflags |= WF_ACK_NOW;
	c->wflags &= (uint16_t)~WF_WND_CHECK;
	if ((c->wflags & WF_ACK_NOW) && n < max) {
		m = conn_segment(tw, ctr, c, c->snd_nxt, 0, 0);
		if (m != NULL)
			out[n++] = m;
	}
	/* the duplicate ACKs owed beyond the one just sent */
	for (; c->dupacks_owed > 1 && n < max; c->dupacks_owed--) {
		m = conn_segment(tw, ctr, c, c->snd_nxt, 0, 0);
		if (m == NULL)
			break;
		out[n++] = m;
	}
	c->dupacks_owed = 0;
	if (c->state == SYNQ_TCP_TIME_WAIT && !(c->wflags & WF_ACK_NOW))
		enter_time_wait(tw, ctr, c);
	return n;
}

/*
 * Events for the application, in order: data, peer closed, reset, closed. False
 * while some wait for room on its ring. After SYNQ_EV_CLOSED is on the ring the
 * connection is the application's alone: this returns true and nobody here may
 * touch it again.
 */
static bool
conn_notify(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct synq_conn *c)
{
	static const uint8_t order[] = {PEND_PEER_CLOSED, PEND_RESET, PEND_CLOSED};
	static const uint16_t kinds[] = {SYNQ_EV_PEER_CLOSED, SYNQ_EV_RESET, SYNQ_EV_CLOSED};
	struct rte_ring *r;
	uint32_t idx = conn_idx(tw, c);

	if (!(c->wflags & WF_ATTACHED))
		return true; /* the attach command delivers them */
	r = tw->app_rings[c->app_lcore];
	while (c->rcvq != NULL) {
		struct rte_mbuf *m = c->rcvq;
		struct synq_conn_msg ev = {.conn = idx, .kind = SYNQ_EV_DATA, .m = m};

		c->rcvq = m->next;
		m->next = NULL;
		if (rte_ring_enqueue_elem(r, &ev, sizeof(ev)) != 0) {
			m->next = c->rcvq;
			c->rcvq = m;
			synq_counter_inc(ctr, SYNQ_CTR_EVENT_RING_FULL);
			return false;
		}
	}
	c->rcvq_tail = NULL;
	for (unsigned int i = 0; i < RTE_DIM(order); i++) {
		struct synq_conn_msg ev = {.conn = idx, .kind = kinds[i]};

		if (!(c->pend & order[i]))
			continue;
		if (order[i] == PEND_CLOSED)
			c->wflags &= (uint16_t)~WF_DIRTY; /* the last write of ours */
		if (rte_ring_enqueue_elem(r, &ev, sizeof(ev)) != 0) {
			c->wflags |= order[i] == PEND_CLOSED ? WF_DIRTY : 0;
			synq_counter_inc(ctr, SYNQ_CTR_EVENT_RING_FULL);
			return false;
		}
		if (order[i] == PEND_CLOSED)
			return true;
		c->pend &= (uint8_t)~order[i];
	}
	return true;
}

unsigned int
synq_tcp_output(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct rte_mbuf **out,
	uint8_t *out_rxq, unsigned int max)
{
	unsigned int n = 0;
	uint32_t kept = 0;
	uint32_t i;

	for (i = 0; i < tw->nb_dirty; i++) {
		struct synq_conn *c = synq_conn_at(tw->listeners, tw->dirty[i]);
		unsigned int got;
		bool closing;

		if (n == max) {
			tw->dirty[kept++] = tw->dirty[i];
			continue;
		}
		got = conn_output(tw, ctr, c, out + n, max - n);
		for (unsigned int k = 0; k < got; k++)
			out_rxq[n + k] = c->rxq_idx;
		n += got;
		closing = (c->pend & PEND_CLOSED) != 0;
		if (!conn_notify(tw, ctr, c)) {
			tw->dirty[kept++] = tw->dirty[i]; /* the ring is full: next time */
			continue;
		}
		if (closing && (c->wflags & WF_ATTACHED))
			continue; /* handed over: not ours any more */
		/* perhaps more to send than @p max allowed, or an ACK waits: stays */
		if (n == max || (c->wflags & WF_ACK_DATA)) {
			tw->dirty[kept++] = tw->dirty[i];
			continue;
		}
		c->wflags &= (uint16_t)~WF_DIRTY;
	}
	tw->nb_dirty = kept;
	return n;
}

/* RFC 6298 5.4-5.7: the retransmission timer fired. */
static void
rto_fire(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct synq_conn *c)
{
	uint32_t flight = c->snd_max - c->snd_una;
	uint32_t mss = snd_mss(c);

	c->rtx_ms = 0;
	if (flight == 0) {
		/* nothing outstanding: the persist timer of a shut window */
		if (c->snd_wnd == 0 && c->sndq_len != 0) {
			c->wflags |= WF_PROBE;
			c->backoff = (uint8_t)RTE_MIN(c->backoff + 1, 6);
			c->rto_ms = RTE_MIN(c->rto_ms * 2, (uint32_t)SYNQ_TCP_RTO_MAX_MS);
			mark_dirty(tw, c);
		}
		return;
	}
	synq_counter_inc(ctr, SYNQ_CTR_TCP_TIMEOUTS);
	if (c->backoff >= SYNQ_TCP_RETRIES) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_ABORT_ON_TIMEOUT);
		conn_reset(tw, ctr, c, false);
		return;
	}
	c->backoff++;
	c->ssthresh = RTE_MAX(flight / 2, 2 * mss);
	c->cwnd = mss;
	c->snd_nxt = c->snd_una; /* go back: resend from the first unacknowledged byte */
	c->rtt_seq = 0;		 /* Karn: no sample from a retransmitted segment */
	c->dupacks = 0;
	c->rto_ms = RTE_MIN(c->rto_ms * 2, (uint32_t)SYNQ_TCP_RTO_MAX_MS);
	mark_dirty(tw, c);
}

void
tcp_conn_timers(struct synq_tcp_worker *tw, struct synq_counters *ctr)
{
	uint32_t idx[SYNQ_TCP_FLOW_TIMER_BUDGET];
	unsigned int n;

	if (tw->flows == NULL)
		return;
	if (tw->held_on && tw->now_ms - tw->held_ms >= 2)
		reorder_release(tw, ctr);
	n = synq_flowtab_sweep(tw->flows, SYNQ_TCP_FLOW_TIMER_BUDGET, idx);
	for (unsigned int i = 0; i < n; i++) {
		struct synq_conn *c = synq_conn_at(tw->listeners, idx[i]);
		const struct synq_listener *l = conn_listener(tw, c);

		if (c->state == SYNQ_TCP_CLOSED)
			continue;
		if (c->state == SYNQ_TCP_TIME_WAIT) {
			mark_dirty(tw, c); /* its last ACK found no mbuf: again */
			continue;
		}
		/* the timeouts count from the accept: a queued connection waits, as in Linux */
		if (c->wflags & WF_ATTACHED) {
			if (l->tcp.first_byte_timeout_ms != 0 &&
				c->rcv_nxt == c->client_isn + 1 &&
				tw->now_ms - c->attach_ms >= l->tcp.first_byte_timeout_ms) {
				synq_counter_inc(ctr, SYNQ_CTR_TCP_FIRST_BYTE_TIMEOUTS);
				conn_reset(tw, ctr, c, true);
				continue;
			}
			if (l->tcp.idle_timeout_ms != 0 &&
				tw->now_ms - c->last_rx_ms >= l->tcp.idle_timeout_ms &&
				tw->now_ms - c->attach_ms >= l->tcp.idle_timeout_ms) {
				synq_counter_inc(ctr, SYNQ_CTR_TCP_IDLE_TIMEOUTS);
				conn_reset(tw, ctr, c, true);
				continue;
			}
		}
		if (c->rtx_ms != 0 && (int32_t)(tw->now_ms - c->rtx_ms) >= 0)
			rto_fire(tw, ctr, c);
		/* a window the application opened without telling (no WINDOW command) */
		if (window_grew(tw, c)) {
			c->wflags |= WF_WND_CHECK;
			mark_dirty(tw, c);
		}
	}
	synq_counter_set(ctr, SYNQ_CTR_TCP_CURR_ESTAB, tw->curr_estab);
	synq_counter_set(ctr, SYNQ_CTR_FLOW_TABLE_ENTRIES, synq_flowtab_count(tw->flows));
}
