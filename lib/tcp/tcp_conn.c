/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A connection's life on the worker that owns it (docs/architecture.md, "The data
 * path"): its start at promotion, its end (closed or reset), the receive window it
 * advertises, its timers (RFC 6298 retransmission, zero-window probes, idle and
 * first-byte timeouts) and the commands of its application.
 *
 * Nothing here builds a frame: what a connection must send or tell its application
 * waits in the worker's dirty list until synq_tcp_output() (tcp_output.c).
 */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>

#include "synq_srclimit.h"
#include "tcp_priv.h"

/*
 * Inlined into its one caller, promote() (tcp_handshake.c), by the link-time
 * optimiser: the call and its saved registers were 18 instructions a promotion.
 */
__rte_always_inline int
tcp_conn_start(struct synq_tcp_worker *tw, struct tcp_conn *c, struct synq_tcp_seg *seg,
	uint16_t data_len, bool fin)
{
	const struct synq_listener *l = conn_listener(tw, c);
	uint8_t shift = c->snd_wscale == SYNQ_TCP_NO_WSCALE ? 0 : c->snd_wscale;

	if (tw->flows == NULL || tw->flows_of[c->listener] >= synq_listener_flows(l) ||
		tw->clients_of[c->listener] >= l->tcp.max_flows)
		return -ENOSPC;
	if (synq_flowtab_insert_h(
		    tw->flows, &c->key, tcp_seg_hash(tw, seg, &c->key), conn_idx(tw, c)) != 0)
		return -ENOSPC;
	tw->flows_of[c->listener]++;
	tw->clients_of[c->listener]++;
	tw->curr_estab++;
	c->state = fin ? SYNQ_TCP_CLOSE_WAIT : SYNQ_TCP_ESTABLISHED;
	c->snd_una = c->snd_nxt = c->snd_max = c->our_isn + 1;
	/* RFC 7323 2.2: the window of every segment but a SYN is scaled */
	c->snd_wnd = (uint32_t)rte_be_to_cpu_16(seg->th->rx_win) << shift;
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = seg->ack;
	c->max_snd_wnd = c->snd_wnd;
	c->oow_ms = tw->now_ms - TCP_INVALID_RATELIMIT_MS; /* the first answer may go */
	c->cwnd = TCP_IW * snd_mss(c);
	c->ssthresh = UINT32_MAX;
	c->rcv_nxt = c->client_isn + 1 + data_len + (fin ? 1 : 0);
	/* the SYN-ACK's window, never scaled */
	c->rcv_adv = c->client_isn + 1 + synack_window(&l->tcp);
	c->rto_ms = TCP_RTO_INIT_MS;
	c->last_rx_ms = tw->now_ms;
	c->ts_recent_ms = tw->now_ms;
	/* rcv_mem, snd_mem, rcv_held_nb, the queues: zero already (promote_conn()) */
	c->rcv_prog_ms = c->snd_prog_ms = tw->now_ms;
	c->rcv_ratio = TCP_RATIO_INIT;
	if (data_len != 0) {
		struct rte_mbuf *data = seg->m;

		data->next = NULL;
		c->rcvq = c->rcvq_tail = data;
		tcp_mem_rcv_charge(tw, c, data_len, tcp_truesize(data));
		atomic_store_explicit(&conn_session(tw, c)->rcv_unread, data_len,
			memory_order_relaxed);
	}
	if (fin)
		c->pend |= PEND_PEER_CLOSED;
	if (data_len != 0 || fin) {
		c->wflags |= WF_ACK_NOW;
		mark_dirty(tw, c);
	}
	return 0;
}

void
tcp_conn_unstart(struct synq_tcp_worker *tw, struct tcp_conn *c)
{
	/* nobody saw it: out of the table and the dirty list, the data back to the caller */
	dirty_forget(tw, c);
	conn_disown(tw, conn_idx(tw, c));
	synq_flowtab_remove(tw->flows, c);
	tw->flows_of[c->listener]--;
	tw->clients_of[c->listener]--;
	tw->curr_estab--;
	tcp_mem_release(tw, c);
	c->rcvq = c->rcvq_tail = NULL;
	c->wflags = 0;
	c->pend = 0;
	c->state = SYNQ_TCP_FREE;
}

void
tcp_conn_finish(struct synq_tcp_worker *tw, struct tcp_conn *c, bool drop_rcvq)
{
	if (is_estab(c->state))
		tw->curr_estab--;
	orphan_end(tw, c);
	c->state = SYNQ_TCP_CLOSED;
	c->rtx_ms = 0;
	c->wflags &= (uint16_t)~(WF_ACK_NOW | WF_FIN_QUEUED | WF_WND_CHECK | WF_RTX_ONE |
		WF_PROBE | WF_CHALLENGE | WF_ACK_DATA);
	rte_pktmbuf_free(c->sndq);
	c->sndq = c->sndq_tail = NULL;
	c->sndq_len = 0;
	tcp_mem_add(tw, c, &c->snd_mem, -(int64_t)c->snd_mem);
	if (drop_rcvq) {
		rte_pktmbuf_free(c->rcvq);
		c->rcvq = c->rcvq_tail = NULL;
		tcp_mem_rcv_clear(tw, c);
	}
	synq_flowtab_remove(tw->flows, c);
	tw->flows_of[c->listener]--;
	if (!(c->wflags & WF_ACTIVE)) { /* a peer synq connected to took no source's share */
		tw->clients_of[c->listener]--;
		synq_srclimit_put(tw->srclimit, c->listener, c->key.family, c->key.saddr);
	}
	c->pend |= PEND_CLOSED;
	mark_dirty(tw, c);
}

void
tcp_conn_reset(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c,
	bool send_rst)
{
	if (is_estab(c->state))
		synq_counter_inc(ctr, SYNQ_CTR_ESTAB_RESETS);
	else
		synq_counter_inc(ctr, SYNQ_CTR_CONN_CLOSE_ABORTED);
	c->pend |= PEND_RESET;
	tcp_conn_finish(tw, c, true);
	if (send_rst)
		c->wflags |= WF_RST_NOW;
}

/*
 * How far the window may reach past RCV.NXT now: rcv_buf less what the application has
 * not consumed, and what the connection's memory limit leaves at the payload / truesize
 * ratio its segments have shown (Linux's scaling_ratio, here a moving average of every
 * segment, so that a sender of small segments is offered a small window); nothing more
 * under pressure. What the header field can say (@p shift), rounded down to the scale.
 */
static uint32_t
rcv_space_wanted(const struct synq_tcp_worker *tw, const struct tcp_conn *c, uint8_t shift,
	bool pressure)
{
	uint32_t buf = conn_listener(tw, c)->tcp.rcv_buf;
	uint32_t unread = atomic_load_explicit(&conn_session(tw, c)->rcv_unread,
		memory_order_relaxed);
	uint32_t limit = pressure ? tcp_mem_rcv_floor(tw, c) : tcp_mem_rcv_limit(tw, c);
	uint32_t space = buf > unread ? buf - unread : 0;
	uint64_t mem = limit > c->rcv_mem ? (uint64_t)(limit - c->rcv_mem) * c->rcv_ratio >> 8 : 0;

	space = (uint32_t)RTE_MIN((uint64_t)space, mem);
	return RTE_MIN(space >> shift, (uint32_t)TCP_WIN_FIELD_MAX) << shift;
}

/*
 * rcv_space_wanted(); under pressure (windows open no further) only up to what a
 * connection may always hold (TCP_RCV_MEM_MIN), and nothing at the last level.
 */
static uint32_t
rcv_space(const struct synq_tcp_worker *tw, const struct tcp_conn *c, uint8_t shift)
{
	return rcv_space_wanted(tw, c, shift, tw->mem_level >= TCP_MEM_NO_OPEN);
}

uint16_t
tcp_conn_rcv_window(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c)
{
	uint8_t shift = c->rcv_wscale == SYNQ_TCP_NO_WSCALE ? 0 : c->rcv_wscale;
	uint32_t space, win;

	tcp_mem_rcv_sync(tw, c);
	space = rcv_space_wanted(tw, c, shift, false);
	if (tw->mem_level >= TCP_MEM_NO_OPEN) {
		uint32_t floor = rcv_space(tw, c, shift);

		if (SEQ_GT(c->rcv_nxt + space, c->rcv_adv) && floor < space)
			synq_counter_inc(ctr, SYNQ_CTR_MEM_WINDOW_CLAMPED);
		space = floor;
	}
	/* never behind the edge advertised already (RFC 9293 3.8.6.2.2) */
	if (SEQ_LT(c->rcv_nxt + space, c->rcv_adv))
		space = c->rcv_adv - c->rcv_nxt;
	win = RTE_MIN(space >> shift, (uint32_t)TCP_WIN_FIELD_MAX);
	/* rounded down to the scale: one more unit rather than behind the edge */
	if (SEQ_LT(c->rcv_nxt + (win << shift), c->rcv_adv) && win < TCP_WIN_FIELD_MAX)
		win++;
	c->rcv_adv = c->rcv_nxt + (win << shift);
	return (uint16_t)win;
}

bool
tcp_conn_window_grew(const struct synq_tcp_worker *tw, const struct tcp_conn *c)
{
	uint8_t shift = c->rcv_wscale == SYNQ_TCP_NO_WSCALE ? 0 : c->rcv_wscale;
	uint32_t buf = conn_listener(tw, c)->tcp.rcv_buf;
	/* only an edge the window field can express: else an update every poll */
	uint32_t edge = c->rcv_nxt + rcv_space(tw, c, shift);

	return SEQ_GT(edge, c->rcv_adv) &&
		edge - c->rcv_adv >= RTE_MIN(buf / 2, 2 * (uint32_t)c->mss);
}

/*
 * RFC 9293 3.8.6.1, the persist timer of a shut window, as Linux's tcp_probe_timer:
 * a probe each time it fires, the interval doubling (the RTO, then twice it, up to
 * TCP_RTO_MAX_MS), for as long as the peer answers. TCP_RETRIES probes in a row left
 * unanswered end the connection, and so do TCP_ORPHAN_RETRIES of an orphan, answered
 * or not.
 */
static void
persist_fire(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c)
{
	if (c->probes >= TCP_RETRIES || (c->orphan && c->backoff >= TCP_ORPHAN_RETRIES)) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_ABORT_ON_TIMEOUT);
		tcp_conn_reset(tw, ctr, c, false);
		return;
	}
	c->probes++;
	if (c->backoff < TCP_ORPHAN_RETRIES)
		c->backoff++;
	c->wflags |= WF_PROBE;
	c->rtx_ms = tw->now_ms + RTE_MIN(c->rto_ms << RTE_MIN(c->backoff,
		(uint8_t)TCP_PROBE_BACKOFF_MAX), (uint32_t)TCP_RTO_MAX_MS);
	mark_dirty(tw, c);
}

/*
 * The SYN of a connection synq opened (SYN-SENT) went unanswered: RFC 6298 5.5, the
 * timeout doubles (1, 2, 4 s: SYNs at 0, 1, 3, 7 s); after tcp.syn_retries
 * retransmissions, the last one's timeout too, TIMEDOUT (tcp_active.c sends the SYN).
 */
static void
syn_fire(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c)
{
	if (c->backoff >= conn_listener(tw, c)->tcp.syn_retries) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_CONNECT_TIMEDOUT);
		c->pend |= PEND_TIMEDOUT;
		tcp_conn_finish(tw, c, true);
		return;
	}
	c->backoff++;
	c->rto_ms = RTE_MIN(c->rto_ms * 2, (uint32_t)TCP_RTO_MAX_MS);
	c->rtx_ms = tw->now_ms + c->rto_ms;
	if (c->rtx_ms == 0)
		c->rtx_ms = 1;
	c->wflags |= WF_SYN;
	synq_counter_inc(ctr, SYNQ_CTR_TCP_CONNECT_SYN_RETRANS);
	mark_dirty(tw, c);
}

/* RFC 6298 5.4-5.7: the retransmission timer fired. */
static void
rto_fire(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c)
{
	uint32_t flight = c->snd_max - c->snd_una;
	uint32_t mss = snd_mss(c);

	if (c->state == SYNQ_TCP_SYN_SENT) {
		syn_fire(tw, ctr, c);
		return;
	}
	c->rtx_ms = 0;
	if (flight == 0) {
		/* nothing outstanding: the persist timer of a shut window */
		if (c->snd_wnd == 0 && c->sndq_len != 0)
			persist_fire(tw, ctr, c);
		return;
	}
	synq_counter_inc(ctr, SYNQ_CTR_TCP_TIMEOUTS);
	/* Linux's tcp_write_timeout(): an orphan gets tcp_orphan_retries, not retries2 */
	if (c->backoff >= (c->orphan ? TCP_ORPHAN_RETRIES : TCP_RETRIES)) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_ABORT_ON_TIMEOUT);
		tcp_conn_reset(tw, ctr, c, false);
		return;
	}
	c->backoff++;
	c->ssthresh = RTE_MAX(flight / 2, 2 * mss);
	c->cwnd = mss;
	c->snd_nxt = c->snd_una; /* go back: resend from the first unacknowledged byte */
	c->rtt_seq = 0;		 /* Karn: no sample from a retransmitted segment */
	c->dupacks = 0;
	c->rto_ms = RTE_MIN(c->rto_ms * 2, (uint32_t)TCP_RTO_MAX_MS);
	mark_dirty(tw, c);
}

/* The timeouts of an attached connection, counted from the accept as in Linux. */
static bool
app_timeouts(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c)
{
	const struct synq_config_tcp *t = &conn_listener(tw, c)->tcp;

	/* RFC 9293 lets FIN-WAIT-2 last for ever; Linux's orphans wait tcp_fin_timeout */
	if (c->state == SYNQ_TCP_FIN_WAIT_2 && t->fin_timeout_ms != 0 &&
		tw->now_ms - c->fin_wait2_ms >= t->fin_timeout_ms) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_FIN_WAIT2_TIMEOUTS);
		tcp_conn_reset(tw, ctr, c, true);
		return true;
	}
	/* a server synq connected to may wait for our bytes first: no first-byte rule */
	if (t->first_byte_timeout_ms != 0 && !(c->wflags & WF_ACTIVE) &&
		c->rcv_nxt == c->client_isn + 1 &&
		tw->now_ms - c->attach_ms >= t->first_byte_timeout_ms) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_FIRST_BYTE_TIMEOUTS);
		tcp_conn_reset(tw, ctr, c, true);
		return true;
	}
	if (t->idle_timeout_ms != 0 && tw->now_ms - c->last_rx_ms >= t->idle_timeout_ms &&
		tw->now_ms - c->attach_ms >= t->idle_timeout_ms) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_IDLE_TIMEOUTS);
		tcp_conn_reset(tw, ctr, c, true);
		return true;
	}
	return false;
}

/*
 * tcp.orphan_timeout_ms: an orphan's whole life after the close has a deadline,
 * whatever it waits for and however its client keeps it going (an ACK of a byte now
 * and then restarts every other timer, the persist timer's count of probes included).
 * Each listener's orphans are listed in the order they were closed (TCP_BY_CLOSE), so
 * only the first can be due: O(1) a listener when none is, a budget of resets a call when many are.
 */
static void
orphan_timers(struct synq_tcp_worker *tw, struct synq_counters *ctr)
{
	unsigned int budget = TCP_ORPHAN_TIMER_BUDGET;

	for (unsigned int li = 0; li < synq_listeners_nb(tw->listeners) && budget != 0; li++) {
		uint32_t tmo = tw->listeners->l[li].tcp.orphan_timeout_ms;
		const struct tcp_olist *l = &tw->orphan_list[li][TCP_BY_CLOSE];

		while (tmo != 0 && budget != 0 && l->first != TCP_NO_CONN) {
			struct tcp_conn *c = conn_at(tw, l->first);

			/* signed: a clock read a little earlier than the close is not 49 days on */
			if ((int32_t)(tw->now_ms - c->orphan_ms) < (int32_t)tmo)
				break;
			synq_counter_inc(ctr, SYNQ_CTR_TCP_ORPHAN_TIMEOUTS);
			tcp_conn_reset(tw, ctr, c, true); /* out of the list */
			budget--;
		}
	}
}

/*
 * The worker holds all of its memory budget: the connection tcp_mem_victim() names is
 * reset (stalled ones of the largest sources first), as Linux's tcp_out_of_memory()
 * does to orphans. True when @p c was.
 */
static bool
mem_reset(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c)
{
	enum tcp_victim why;

	tcp_mem_rcv_sync(tw, c);
	why = tcp_mem_victim(tw, c);
	if (why == TCP_VICTIM_NONE)
		return false;
	synq_counter_inc(ctr, SYNQ_CTR_MEM_PRESSURE_RESETS);
	synq_counter_inc(ctr, why == TCP_VICTIM_STALLED ? SYNQ_CTR_MEM_RESET_STALLED
		: SYNQ_CTR_MEM_RESET_HOLDER);
	tcp_conn_reset(tw, ctr, c, true);
	tcp_mem_level(tw, ctr);
	return true;
}

void
tcp_conn_timers(struct synq_tcp_worker *tw, struct synq_counters *ctr)
{
	uint32_t idx[TCP_FLOW_TIMER_BUDGET];
	uint32_t from, count;
	unsigned int n;

	if (tw->flows == NULL)
		return;
	tcp_mem_level(tw, ctr);
	orphan_timers(tw, ctr);
	from = synq_flowtab_cursor(tw->flows);
	count = synq_flowtab_count(tw->flows);
	n = synq_flowtab_sweep(tw->flows, TCP_FLOW_TIMER_BUDGET, idx);
	for (unsigned int i = 0; i < n; i++) {
		struct tcp_conn *c = conn_at(tw, idx[i]);

		if (c->state == SYNQ_TCP_CLOSED || mem_reset(tw, ctr, c))
			continue;
		if (c->state == SYNQ_TCP_TIME_WAIT) {
			mark_dirty(tw, c); /* its last ACK found no mbuf: again */
			continue;
		}
		/* a queued connection waits, as in Linux: the timeouts start at the accept */
		/* SYN-SENT has its own end: tcp.syn_retries (syn_fire()) */
		if ((c->wflags & WF_ATTACHED) && c->state != SYNQ_TCP_SYN_SENT &&
			app_timeouts(tw, ctr, c))
			continue;
		if (c->rtx_ms != 0 && (int32_t)(tw->now_ms - c->rtx_ms) >= 0)
			rto_fire(tw, ctr, c);
		/* a window the application opened without telling (no WINDOW command) */
		if (c->state != SYNQ_TCP_SYN_SENT && tcp_conn_window_grew(tw, c)) {
			c->wflags |= WF_WND_CHECK;
			mark_dirty(tw, c);
		}
	}
	/* round the table (not one that was empty): the sources' sums are complete */
	if (count != 0 && synq_flowtab_cursor(tw->flows) <= from)
		tcp_mem_sweep_done(tw);
	synq_counter_set(ctr, SYNQ_CTR_TCP_CURR_ESTAB, tw->curr_estab);
	synq_counter_set(ctr, SYNQ_CTR_TCP_ORPHANS, tw->orphans);
	synq_counter_set(ctr, SYNQ_CTR_FLOW_TABLE_ENTRIES, synq_flowtab_count(tw->flows));
	tcp_mem_level(tw, ctr);
	tcp_mem_publish(tw);
	synq_counter_set(ctr, SYNQ_CTR_MEM_LEVEL, tw->mem_level);
	synq_counter_set(ctr, SYNQ_CTR_MEM_HELD_BYTES, tw->mem_held);
	synq_counter_set(ctr, SYNQ_CTR_MEM_BUDGET_BYTES,
		tw->mem_budget == UINT64_MAX ? 0 : tw->mem_budget);
}

/* SYNQ_CMD_SEND: append the chain @p m to the send queue. */
static void
cmd_send(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c,
	struct synq_session *s, struct rte_mbuf *m)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);

	if (!is_estab(c->state) || (c->wflags & WF_FIN_QUEUED)) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_SEND_DROPPED);
		atomic_fetch_sub_explicit(&s->snd_pending, len, memory_order_relaxed);
		rte_pktmbuf_free(m);
		return;
	}
	tcp_mem_sndq_append(tw, ctr, c, m);
	tcp_mem_level(tw, ctr);
	c->sndq_len += len;
	mark_dirty(tw, c);
}

/*
 * SYNQ_CMD_CLOSE: a FIN after the send queue. The connection is an orphan from now on
 * (the application only waits for its end), the last of its listener's TCP_BY_CLOSE and
 * TCP_EVICT_IDLE on this worker. Past the listener's max_orphans one is reset to make
 * room: the first of TCP_EVICT_FIN_WAIT2, else of TCP_EVICT_IDLE, else of
 * TCP_EVICT_MOVED (see enum tcp_orphan_order). Linux resets the closing connection
 * instead: whoever keeps max_orphans orphans alive would turn every other close into a
 * RST (a response cut short); here a close always goes on with its FIN. With
 * max_orphans 0 no connection may wait: the closing one is reset.
 */
static void
cmd_close(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c)
{
	const struct tcp_olist *l = tw->orphan_list[c->listener];

	/* RFC 9293 3.10.4: a CLOSE in SYN-SENT deletes the connection, nothing sent */
	if (c->state == SYNQ_TCP_SYN_SENT) {
		tcp_conn_finish(tw, c, true);
		return;
	}
	if (!is_estab(c->state) || (c->wflags & WF_FIN_QUEUED))
		return;
	if (tw->orphans_of[c->listener] >= conn_listener(tw, c)->tcp.max_orphans) {
		uint32_t victim = TCP_NO_CONN;

		for (unsigned int o = TCP_EVICT_FIN_WAIT2; o < TCP_ORDERS && victim == TCP_NO_CONN;
			o++)
			victim = l[o].first;
		synq_counter_inc(ctr, SYNQ_CTR_TCP_ABORT_ON_MEMORY);
		tcp_conn_reset(tw, ctr, victim == TCP_NO_CONN ? c : conn_at(tw, victim), true);
		if (victim == TCP_NO_CONN)
			return;
	}
	c->orphan = true;
	c->orphan_ms = tw->now_ms;
	c->orphan_mark = c->snd_una;
	c->oclass = TCP_EVICT_IDLE;
	olist_append(tw, c, TCP_BY_CLOSE);
	olist_append(tw, c, TCP_EVICT_IDLE);
	tw->orphans++;
	tw->orphans_of[c->listener]++;
	c->wflags |= WF_FIN_QUEUED;
	mark_dirty(tw, c);
}

void
tcp_conn_command(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	const struct synq_session_msg *msg)
{
	struct synq_session *s = synq_session_at(tw->sessions, msg->session);
	struct tcp_conn *c = conn_at(tw, msg->session);

	/*
	 * A session whose last event went out (its connection handed over), or one given
	 * back since and perhaps another worker's now: nothing of it is ours to change,
	 * nor to read. Decided by what this worker alone writes.
	 */
	if (msg->session >= tw->sessions->nb || !conn_owned(tw, msg->session, msg->gen)) {
		if (msg->kind == SYNQ_CMD_SEND) {
			synq_counter_inc(ctr, SYNQ_CTR_TCP_SEND_DROPPED);
			rte_pktmbuf_free(msg->m);
		}
		return;
	}
	switch (msg->kind) {
	case SYNQ_CMD_ATTACH:
		c->app_lcore = s->app_lcore;
		tw->unaccepted_mem[c->listener] -= c->rcv_mem;
		c->wflags |= WF_ATTACHED;
		c->attach_ms = tw->now_ms;
		mark_dirty(tw, c);
		break;
	case SYNQ_CMD_SEND:
		cmd_send(tw, ctr, c, s, msg->m);
		break;
	case SYNQ_CMD_CLOSE:
		cmd_close(tw, ctr, c);
		break;
	case SYNQ_CMD_ABORT:
		/* RFC 9293 3.10.5: a RST, and everything queued either way is dropped */
		if (c->state != SYNQ_TCP_CLOSED) {
			/* RFC 9293 3.10.5: in SYN-SENT, nothing to tell the peer */
			tcp_conn_reset(tw, ctr, c, c->state != SYNQ_TCP_SYN_SENT);
			c->pend &= (uint8_t)~PEND_RESET; /* the application knows */
		} else {
			rte_pktmbuf_free(c->rcvq);
			c->rcvq = c->rcvq_tail = NULL;
			tcp_mem_rcv_clear(tw, c);
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
