/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data path's input: segments of a connection in the flow table (RFC 9293
 * 3.10.7.4 from ESTABLISHED on, RFC 5961 against blind injection, RFC 6298 RTT, RFC
 * 5681 congestion control, RFC 7323 timestamps). docs/architecture.md, "The data
 * path", has the design.
 *
 * Input changes state only; what a connection must send or tell its application
 * waits in the worker's dirty list until synq_tcp_output(), which runs after each
 * burst, after the commands and after the timers. So one burst of ten segments of a
 * flow gets one ACK, and an application's answer can ride on it.
 *
 *   segment -> RST? SYN? -> ACK field (send queue, RTT, window) -> data in order
 *              (else dropped and re-ACKed) -> FIN
 */

#include <string.h>

#include <rte_byteorder.h>
#include <rte_ring.h>

#include "tcp_priv.h"

/* Free @p n acknowledged bytes from the head of the send queue. */
static void
sndq_drop(struct synq_tcp_worker *tw, struct tcp_conn *c, uint32_t n)
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
		tcp_mem_add(tw, c, &c->snd_mem, -(int64_t)tcp_truesize(m));
		rte_pktmbuf_free_seg(m);
	}
	if (c->sndq == NULL)
		c->sndq_tail = NULL;
}

/* RFC 6298 2.2-2.3, in ms: srtt kept x 8, rttvar x 4 (the Jacobson/Karels form). */
void
tcp_rtt_sample(struct tcp_conn *c, uint32_t r)
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
				    (uint32_t)TCP_RTO_MIN_MS),
		(uint32_t)TCP_RTO_MAX_MS);
}

/*
 * New data acknowledged, up to @p ack: the send queue, the RTT, the congestion window,
 * our FIN. False when that ended the connection.
 */
static bool
ack_new(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c,
	const struct synq_tcp_opts *o, uint32_t ack)
{
	uint32_t acked = ack - c->snd_una;
	uint32_t data = RTE_MIN(acked, c->sndq_len);
	uint32_t mss = snd_mss(c), snd_mem = c->snd_mem;

	sndq_drop(tw, c, data);
	if (data != 0)
		atomic_fetch_sub_explicit(&conn_session(tw, c)->snd_pending, data,
			memory_order_relaxed);
	/* what it holds moves (tcp_mem_victim()): a buffer freed, not a byte ACKed */
	if (c->snd_mem < snd_mem)
		c->snd_prog_ms = tw->now_ms;
	c->snd_una = ack;
	if (SEQ_LT(c->snd_nxt, ack))
		c->snd_nxt = ack;
	/* RTT: the echoed timestamp (RFC 7323 4.1), else the one timed segment */
	if (o->ts && o->tsecr != 0 && tw->now_ms - (o->tsecr - c->ts_off) < TCP_TS_RTT_MAX_MS)
		tcp_rtt_sample(c, tw->now_ms - (o->tsecr - c->ts_off));
	else if (c->rtt_seq != 0 && SEQ_GEQ(ack, c->rtt_seq))
		tcp_rtt_sample(c, tw->now_ms - c->rtt_ms);
	if (c->rtt_seq != 0 && SEQ_GEQ(ack, c->rtt_seq))
		c->rtt_seq = 0;
	c->backoff = 0;
	c->dupacks = 0;
	/* RFC 5681 3.1: slow start, then congestion avoidance */
	if (c->cwnd < c->ssthresh)
		c->cwnd += RTE_MIN(acked, mss);
	else
		c->cwnd += RTE_MAX(mss * mss / c->cwnd, 1u);
	c->cwnd = RTE_MIN(c->cwnd, TCP_MAX_WINDOW);
	c->rtx_ms = c->snd_una == c->snd_max ? 0 : tw->now_ms + c->rto_ms;
	/*
	 * an orphan that moved a segment's worth on (its MSS, TCP_ORPHAN_PROGRESS_MIN at
	 * least) is evicted after those that did not; the mark restarts the count
	 */
	if (c->orphan && ack - c->orphan_mark >= RTE_MAX(mss, TCP_ORPHAN_PROGRESS_MIN)) {
		orphan_reclass(tw, c, TCP_EVICT_MOVED);
		c->orphan_mark = ack;
	}
	/* our FIN acknowledged */
	if ((c->wflags & WF_FIN_SENT) && SEQ_GT(ack, c->fin_seq)) {
		switch (c->state) {
		case SYNQ_TCP_FIN_WAIT_1:
			c->state = SYNQ_TCP_FIN_WAIT_2;
			c->fin_wait2_ms = tw->now_ms; /* tcp.fin_timeout_ms from here */
			if (c->orphan) /* the client has every byte: evicted first, oldest first */
				orphan_reclass(tw, c, TCP_EVICT_FIN_WAIT2);
			break;
		case SYNQ_TCP_CLOSING:
			c->state = SYNQ_TCP_TIME_WAIT;
			orphan_end(tw, c); /* neither evicted nor timed out: its last ACK goes */
			break;
		case SYNQ_TCP_LAST_ACK:
			synq_counter_inc(ctr, SYNQ_CTR_CONN_CLOSED);
			tcp_conn_finish(tw, c, false);
			return false;
		default:
			break;
		}
	}
	mark_dirty(tw, c);
	return true;
}

/* Owe the client an ACK now (and count @p why, unless SYNQ_CTR_MAX). */
static void
ack_now(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c,
	enum synq_counter why)
{
	if (why != SYNQ_CTR_MAX)
		synq_counter_inc(ctr, why);
	c->wflags |= WF_ACK_NOW;
	mark_dirty(tw, c);
}

/* tcp_oow_limited() on the connection's own clock of answers */
static bool
oow_limited(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c,
	enum synq_counter skipped)
{
	return tcp_oow_limited(tw, ctr, &c->oow_ms, skipped);
}

/* Answer a refused segment with an ACK of where we stand, within oow_limited(). */
static void
ack_refused(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c,
	enum synq_counter skipped)
{
	if (!oow_limited(tw, ctr, c, skipped))
		ack_now(tw, ctr, c, SYNQ_CTR_MAX);
}

/*
 * A challenge ACK (RFC 5961 3.2, 4.2, 5.2), as Linux's tcp_send_challenge_ack: within
 * the connection's oow_limited(), then within the worker's budget
 * (tcp_challenge_limited()).
 */
static void
challenge_ack(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c)
{
	if (oow_limited(tw, ctr, c, SYNQ_CTR_TCP_ACK_SKIPPED_CHALLENGE) ||
		tcp_challenge_limited(tw, ctr, conn_listener(tw, c)->tcp.challenge_ack_limit))
		return;
	ack_now(tw, ctr, c, SYNQ_CTR_CHALLENGE_ACKS);
}

/*
 * The ACK field of a segment whose sequence number is acceptable (RFC 9293 3.10.7.4,
 * fifth check, with RFC 5961 5.2 first). @p ts_ok: the segment may move TS.Recent
 * (RFC 7323 4.3: it starts at or before RCV.NXT). False when the segment is dropped,
 * or its ACK ended the connection.
 *
 *   SND.UNA - MAX.SND.WND    SND.UNA          SND.MAX
 *   too old: challenged | old: no window | acceptable | unsent: ACKed, dropped
 */
static bool
ack_field(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c,
	const struct rte_tcp_hdr *th, const struct synq_tcp_opts *o, uint32_t seg_len, bool ts_ok)
{
	uint32_t seq = rte_be_to_cpu_32(th->sent_seq);
	uint32_t ack = rte_be_to_cpu_32(th->recv_ack);
	uint8_t shift = c->snd_wscale == SYNQ_TCP_NO_WSCALE ? 0 : c->snd_wscale;
	uint32_t wnd = (uint32_t)rte_be_to_cpu_16(th->rx_win) << shift;

	if (SEQ_GT(ack, c->snd_max)) {
		/* acknowledges what we never sent: ACK where we stand, drop it */
		synq_counter_inc(ctr, SYNQ_CTR_TCP_ACK_UNSENT);
		ack_refused(tw, ctr, c, SYNQ_CTR_TCP_ACK_SKIPPED_SEQ);
		return false;
	}
	/* RFC 5961 5.2: older than any window the peer can have seen: a blind guess */
	if (SEQ_LT(ack, c->snd_una - c->max_snd_wnd)) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_ACK_TOO_OLD);
		challenge_ack(tw, ctr, c);
		return false;
	}
	/* an old ACK (overtaken by a later one): its data counts, its window and TSval not */
	if (SEQ_LT(ack, c->snd_una))
		return true;
	/* SND.UNA =< SEG.ACK =< SND.MAX: the peer speaks, its timers start again */
	c->last_rx_ms = tw->now_ms;
	c->probes = 0;
	if (ts_ok && c->ts && o->ts) {
		/* PAWS let only a TSval at or after TS.Recent through (RFC 7323 4.3) */
		c->ts_recent = o->tsval;
		c->ts_recent_ms = tw->now_ms;
	}
	if (SEQ_GT(ack, c->snd_una)) {
		if (!ack_new(tw, ctr, c, o, ack))
			return false;
	} else if (ack == c->snd_una && seg_len == 0 && wnd == c->snd_wnd &&
		c->snd_max != c->snd_una) {
		/* RFC 5681 3.2: the third duplicate ACK retransmits SND.UNA's segment */
		if (++c->dupacks == TCP_DUPTHRESH) {
			uint32_t flight = c->snd_max - c->snd_una;

			c->ssthresh = RTE_MAX(flight / 2, 2 * snd_mss(c));
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
		if (c->snd_wnd == 0 && wnd != 0 && c->snd_una == c->snd_max) {
			/* the window opened: the persist timer stops, data takes over */
			c->rtx_ms = 0;
			c->backoff = 0;
		}
		c->snd_wnd = wnd;
		c->max_snd_wnd = RTE_MAX(c->max_snd_wnd, wnd);
		c->snd_wl1 = seq;
		c->snd_wl2 = ack;
	}
	return true;
}

/*
 * In-order bytes for the application: on its ring now, or queued in order (copied into
 * the queue's last buffer when they fit: a queue of small segments costs what their
 * bytes do). False when the connection may hold no more (tcp_mem.c): @p m stays the
 * caller's, nothing changed.
 */
static bool
deliver(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c,
	struct rte_mbuf *m, uint16_t len)
{
	struct synq_session *s = conn_session(tw, c);
	uint32_t ts = tcp_truesize(m);
	bool to_ring = (c->wflags & WF_ATTACHED) && c->rcvq == NULL && c->pend == 0;

	/* the ratio the window is offered at (Linux's scaling_ratio): a moving average */
	c->rcv_ratio = (uint16_t)RTE_MAX(((int32_t)c->rcv_ratio * 7 +
		(int32_t)(((uint32_t)len << 8) / ts)) / 8, 1);
	if (!to_ring && c->rcvq_tail != NULL && tcp_mem_append(c->rcvq_tail, m)) {
		synq_counter_inc(ctr, SYNQ_CTR_MEM_COLLAPSED);
		rte_pktmbuf_free(m);
		ts = 0;
		m = NULL;
	} else if (!tcp_mem_rcv_admit(tw, ctr, c, ts)) {
		return false;
	}
	atomic_fetch_add_explicit(&s->rcv_unread, len, memory_order_relaxed);
	synq_counter_add(ctr, SYNQ_CTR_TCP_IN_DATA_BYTES, len);
	tcp_mem_rcv_charge(tw, c, len, ts);
	if (m == NULL)
		return true;
	if (to_ring) {
		struct synq_session_msg ev = synq_session_msg(tw->sessions, s, SYNQ_EV_DATA, m);

		if (rte_ring_enqueue_elem(tw->app_rings[c->app_lcore], &ev, sizeof(ev)) == 0)
			return true;
		synq_counter_inc(ctr, SYNQ_CTR_EVENT_RING_FULL);
	}
	m->next = NULL;
	if (c->rcvq_tail != NULL)
		c->rcvq_tail->next = m;
	else
		c->rcvq = m;
	c->rcvq_tail = m;
	mark_dirty(tw, c);
	return true;
}

/* The client's FIN, in order (RFC 9293 3.10.7.4, eighth check). */
static void
peer_fin(struct synq_tcp_worker *tw, struct tcp_conn *c)
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
		orphan_end(tw, c); /* neither evicted nor timed out: its last ACK goes */
		break;
	default:
		break;
	}
	c->wflags |= WF_ACK_NOW;
	mark_dirty(tw, c);
}

/*
 * An acceptable segment whose data (@p data_len bytes, from @p skip on new) starts at
 * or before RCV.NXT: the new bytes in order, then its FIN.
 */
static enum synq_tcp_verdict
data_in_order(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct synq_tcp_seg *seg,
	struct tcp_conn *c, uint16_t doff, uint16_t data_len, uint16_t skip, bool fin)
{
	uint32_t wnd = c->rcv_adv - c->rcv_nxt;
	uint16_t len = (uint16_t)(data_len - skip);
	bool takes_data = c->state == SYNQ_TCP_ESTABLISHED || c->state == SYNQ_TCP_FIN_WAIT_1 ||
		c->state == SYNQ_TCP_FIN_WAIT_2;
	enum synq_tcp_verdict v = SYNQ_TCP_DROP;

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
		/* no room for what it costs: dropped, not acknowledged, as if lost */
		if (!deliver(tw, ctr, c, m, len))
			return SYNQ_TCP_DROP;
		c->rcv_nxt += len;
		v = SYNQ_TCP_CONSUMED;
	}
	/*
	 * Data alone: the ACK waits for the next poll, so that an answer the application
	 * sends meanwhile carries it (a delayed ACK of one poll, not RFC 1122's 500 ms).
	 * Anything else is acknowledged now.
	 */
	if (len != 0 && !fin && len == data_len - skip && !(c->wflags & WF_ACK_DATA)) {
		c->wflags |= WF_ACK_DATA;
		c->ack_round = tw->round;
		mark_dirty(tw, c);
	} else {
		ack_now(tw, ctr, c, SYNQ_CTR_MAX);
	}
	if (fin && takes_data)
		peer_fin(tw, c);
	return v;
}

/* RFC 5961 3.2: only the exact RST resets; one in the window is challenged. */
static void
rst_in(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c, uint32_t seq)
{
	uint32_t wnd = c->rcv_adv - c->rcv_nxt;

	if (seq == c->rcv_nxt)
		tcp_conn_reset(tw, ctr, c, false);
	else if (seq - c->rcv_nxt < RTE_MAX(wnd, 1u))
		challenge_ack(tw, ctr, c);
	else
		synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_RST);
}

/*
 * RFC 7323 5.3 R1 (PAWS): a TSval older than TS.Recent is an old duplicate, or a
 * forgery; unless TS.Recent itself is 24 days old (5.5), no longer valid.
 */
static bool
paws_reject(const struct synq_tcp_worker *tw, const struct tcp_conn *c,
	const struct synq_tcp_opts *o)
{
	return c->ts && o->ts && SEQ_LT(o->tsval, c->ts_recent) &&
		tw->now_ms - c->ts_recent_ms < TCP_PAWS_IDLE_MS;
}

enum synq_tcp_verdict
tcp_established_input(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	struct synq_tcp_seg *seg, struct tcp_conn *c, const struct rte_tcp_hdr *th, uint16_t doff)
{
	uint32_t seq = rte_be_to_cpu_32(th->sent_seq);
	uint8_t flags = th->tcp_flags;
	uint16_t data_len = (uint16_t)(seg->l4_len - doff);
	bool fin = (flags & RTE_TCP_FIN_FLAG) != 0;
	uint32_t wnd = c->rcv_adv - c->rcv_nxt;
	uint32_t ahead = seq - c->rcv_nxt;  /* modulo 2^32: from RCV.NXT on */
	uint32_t behind = c->rcv_nxt - seq; /* modulo 2^32: before RCV.NXT */
	struct synq_tcp_opts o;

	if (synq_tcp_opts_parse((const uint8_t *)(th + 1), doff - sizeof(*th), &o) != 0) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_BAD_OPTIONS);
		return SYNQ_TCP_DROP;
	}
	/* nothing here refreshes the timers: only an acceptable ACK does (ack_field) */
	if (flags & RTE_TCP_RST_FLAG) {
		rst_in(tw, ctr, c, seq);
		return SYNQ_TCP_DROP;
	}
	/* RFC 5961 4.2: a SYN (or SYN-ACK) on a synchronized connection: a challenge ACK */
	if (flags & RTE_TCP_SYN_FLAG) {
		challenge_ack(tw, ctr, c);
		return SYNQ_TCP_DROP;
	}
	if (paws_reject(tw, c, &o)) {
		synq_counter_inc(ctr, SYNQ_CTR_PAWS_ESTAB);
		ack_refused(tw, ctr, c, SYNQ_CTR_TCP_ACK_SKIPPED_PAWS);
		return SYNQ_TCP_DROP;
	}
	if (!(flags & RTE_TCP_ACK_FLAG)) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_NO_CONNECTION);
		return SYNQ_TCP_DROP;
	}

	/* the sequence number: old, in order, or ahead (RFC 9293 3.10.7.4, first check) */
	if (data_len == 0 && !fin) {
		if (ahead != 0 && (SEQ_LT(seq, c->rcv_nxt) || ahead > wnd)) {
			synq_counter_inc(ctr, SYNQ_CTR_TCP_OUT_OF_WINDOW);
			ack_refused(tw, ctr, c, SYNQ_CTR_TCP_ACK_SKIPPED_SEQ);
			return SYNQ_TCP_DROP;
		}
		ack_field(tw, ctr, c, th, &o, 0, ahead == 0);
		return SYNQ_TCP_DROP;
	}
	if (SEQ_GT(seq, c->rcv_nxt)) {
		/*
		 * A hole before it: in-order receive only. One duplicate ACK for each such
		 * segment (RFC 5681 4.2), not one a burst: dupthresh of them make a client
		 * without SACK retransmit at once.
		 */
		if (c->dupacks_owed < TCP_DUPTHRESH)
			c->dupacks_owed++;
		ack_now(tw, ctr, c, SYNQ_CTR_TCP_OFO_DROPS);
		if (ahead <= wnd)
			ack_field(tw, ctr, c, th, &o, data_len + fin, false);
		return SYNQ_TCP_DROP;
	}
	/* from here SEG.SEQ =< RCV.NXT: @p behind is at most 2^31, never a negated INT32_MIN */
	if (behind >= (uint32_t)data_len + fin) {
		/* all of it came before: a retransmission whose ACK was lost */
		ack_now(tw, ctr, c, SYNQ_CTR_TCP_DUP_DATA);
		ack_field(tw, ctr, c, th, &o, data_len + fin, true);
		return SYNQ_TCP_DROP;
	}
	if (!ack_field(tw, ctr, c, th, &o, data_len + fin, true) || c->state == SYNQ_TCP_CLOSED)
		return SYNQ_TCP_DROP;
	c->last_rx_ms = tw->now_ms; /* new bytes in order, under an ACK not refused */
	/* in order, perhaps overlapping what came before: the new bytes only */
	return data_in_order(tw, ctr, seg, c, doff, data_len, (uint16_t)behind, fin);
}
