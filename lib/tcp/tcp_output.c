/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What connections send and tell their applications, after each burst, after the
 * commands and after the timers: the worker's dirty list, connection by connection.
 * Segments are built in fresh mbufs, their payload copied from the send queue (which
 * keeps everything until it is acknowledged); events go on the application lcore's
 * ring in order: data, peer closed, reset, closed. After the last event the
 * connection is handed over: the worker never touches it again, and drops the
 * commands that still come for it (owned[] says so).
 */

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_ring.h>

#include "tcp_priv.h"

/* One segment of @p c into a new mbuf: @p len bytes from @p seq, @p flags. */
static struct rte_mbuf *
conn_segment(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c,
	uint32_t seq, uint32_t len, uint8_t flags)
{
	const struct synq_iface *ifc = rxq_iface(tw, c->key.rxq_idx);
	struct rte_mbuf *m = rte_pktmbuf_alloc(tw->pool);
	uint8_t opt[SYNQ_TCP_OPTS_TS_LEN];
	unsigned int n = 0;
	struct tcp_peer p;
	uint16_t win = 0;

	if (m == NULL)
		return NULL;
	peer_of_key(&c->key, &c->peer_mac, ifc, &p);
	if (!(flags & RTE_TCP_RST_FLAG)) {
		flags |= RTE_TCP_ACK_FLAG;
		win = tcp_conn_rcv_window(tw, ctr, c);
		if (c->ts)
			n = synq_tcp_opts_write_ts(opt, tw->now_ms + c->ts_off, c->ts_recent);
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

/* Our FIN went out with snd_nxt at @p c->fin_seq: the state moves on. */
static void
fin_sent(struct synq_tcp_worker *tw, struct tcp_conn *c)
{
	c->fin_seq = c->snd_nxt;
	c->snd_nxt++;
	if (c->wflags & WF_FIN_SENT)
		return; /* a retransmission */
	c->wflags |= WF_FIN_SENT;
	if (c->state == SYNQ_TCP_ESTABLISHED) {
		c->state = SYNQ_TCP_FIN_WAIT_1;
		tw->curr_estab--;
	} else if (c->state == SYNQ_TCP_CLOSE_WAIT) {
		c->state = SYNQ_TCP_LAST_ACK;
		tw->curr_estab--;
	}
}

/* Data (and the FIN) from SND.NXT, within the windows: up to @p max segments. */
static unsigned int
send_data(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c,
	struct rte_mbuf **out, unsigned int max)
{
	uint32_t mss = snd_mss(c);
	uint32_t data_end = c->snd_una + c->sndq_len;
	unsigned int n = 0;

	while (n < max) {
		uint32_t flight = c->snd_nxt - c->snd_una;
		uint32_t wnd = RTE_MIN(c->snd_wnd, c->cwnd);
		uint32_t can = wnd > flight ? wnd - flight : 0;
		uint32_t len = SEQ_LT(c->snd_nxt, data_end) ? data_end - c->snd_nxt : 0;
		bool fin_due = (c->wflags & WF_FIN_QUEUED) &&
			(!(c->wflags & WF_FIN_SENT) || c->snd_nxt == c->fin_seq);
		uint8_t flags = 0;
		struct rte_mbuf *m;

		if (len == 0 && !(fin_due && c->snd_nxt == data_end))
			break;
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
		if (flags & RTE_TCP_FIN_FLAG)
			fin_sent(tw, c);
		if (SEQ_GT(c->snd_nxt, c->snd_max))
			c->snd_max = c->snd_nxt;
		if (c->rtx_ms == 0)
			c->rtx_ms = tw->now_ms + c->rto_ms;
		if (flags & RTE_TCP_FIN_FLAG)
			break;
	}
	return n;
}

/* RFC 5681 3.2: SND.UNA's segment once more (the fast retransmit). */
static int
send_rtx_one(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c,
	struct rte_mbuf **out)
{
	uint32_t mss = snd_mss(c);
	uint32_t len = RTE_MIN(mss, c->sndq_len);
	bool fin = (c->wflags & WF_FIN_SENT) && c->snd_una + len == c->fin_seq && len < mss;
	int n = 0;

	if (len != 0 || fin) {
		out[0] = conn_segment(tw, ctr, c, c->snd_una, len,
			(uint8_t)(fin ? RTE_TCP_FIN_FLAG : 0));
		if (out[0] == NULL)
			return -1;
		synq_counter_inc(ctr, SYNQ_CTR_TCP_RETRANS_SEGS);
		n = 1;
	}
	c->wflags &= (uint16_t)~WF_RTX_ONE;
	c->rtx_ms = tw->now_ms + c->rto_ms;
	return n;
}

/* Everything @p c has to send now: a RST, or retransmission, data, FIN, the ACK owed. */
static unsigned int
conn_output(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c,
	struct rte_mbuf **out, unsigned int max)
{
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
	if (c->state == SYNQ_TCP_SYN_SENT) {
		/* nothing but the SYN until the SYN-ACK comes (tcp_active.c) */
		if ((c->wflags & WF_SYN) && max != 0 && (m = tcp_active_syn(tw, ctr, c)) != NULL)
			out[n++] = m;
		return n;
	}
	if ((c->wflags & WF_RTX_ONE) && n < max) {
		int r = send_rtx_one(tw, ctr, c, out);

		if (r < 0)
			return n;
		n += (unsigned int)r;
	}
	n += send_data(tw, ctr, c, out + n, max - n);
	if ((c->wflags & WF_PROBE) && n < max) {
		/*
		 * The zero-window probe, as Linux's: an ACK one byte behind SND.UNA, which
		 * the peer answers with its window (RFC 9293 3.10.7.4: an old segment).
		 */
		c->wflags &= (uint16_t)~WF_PROBE;
		m = conn_segment(tw, ctr, c, c->snd_una - 1, 0, 0);
		if (m != NULL) {
			synq_counter_inc(ctr, SYNQ_CTR_TCP_WINDOW_PROBES);
			out[n++] = m;
		}
	}
	if (c->wflags & WF_WND_CHECK) {
		tcp_mem_rcv_sync(tw, c);
		if (tcp_conn_window_grew(tw, c))
			c->wflags |= WF_ACK_NOW;
	}
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
		tcp_time_wait_enter(tw, ctr, c);
	return n;
}

/* What conn_notify() did. */
enum notify_rc {
	NOTIFY_WAIT,	   /* events wait for room on the ring: the connection stays dirty */
	NOTIFY_DONE,	   /* nothing waits (or the attach will deliver it) */
	NOTIFY_HANDED_OVER, /* SYNQ_EV_CLOSED is on the ring: the connection is gone */
};

/* Put @p kind about @p c on its application's ring. */
static bool
notify_one(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c,
	struct rte_ring *r, uint16_t kind, struct rte_mbuf *m)
{
	struct synq_session_msg ev = synq_session_msg(tw->sessions, conn_session(tw, c), kind, m);

	if (kind == SYNQ_EV_CONNECT_FAILED)
		ev.reason = c->connect_why;

	if (rte_ring_enqueue_elem(r, &ev, sizeof(ev)) == 0)
		return true;
	synq_counter_inc(ctr, SYNQ_CTR_EVENT_RING_FULL);
	return false;
}

/*
 * Events for the application, in order: data, peer closed, reset, closed. After
 * SYNQ_EV_CLOSED is on the ring the session is the application's alone: the
 * connection is marked free, and nobody here may touch it again.
 */
static enum notify_rc
conn_notify(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c)
{
	static const uint8_t order[] = {PEND_PEER_CLOSED, PEND_RESET, PEND_REFUSED,
		PEND_TIMEDOUT, PEND_FAILED, PEND_CLOSED};
	static const uint16_t kinds[] = {SYNQ_EV_PEER_CLOSED, SYNQ_EV_RESET, SYNQ_EV_REFUSED,
		SYNQ_EV_TIMEDOUT, SYNQ_EV_CONNECT_FAILED, SYNQ_EV_CLOSED};
	struct rte_ring *r;

	if (!(c->wflags & WF_ATTACHED))
		return NOTIFY_DONE; /* the attach command delivers them */
	r = tw->app_rings[c->app_lcore];
	/* a connection synq opened: CONNECTED before anything else */
	if (c->pend & PEND_CONNECTED) {
		if (!notify_one(tw, ctr, c, r, SYNQ_EV_CONNECTED, NULL))
			return NOTIFY_WAIT;
		c->pend &= (uint8_t)~PEND_CONNECTED;
	}
	while (c->rcvq != NULL) {
		struct rte_mbuf *m = c->rcvq;

		c->rcvq = m->next;
		m->next = NULL;
		if (!notify_one(tw, ctr, c, r, SYNQ_EV_DATA, m)) {
			m->next = c->rcvq;
			c->rcvq = m;
			return NOTIFY_WAIT;
		}
	}
	c->rcvq_tail = NULL;
	for (unsigned int i = 0; i < RTE_DIM(order); i++) {
		if (!(c->pend & order[i]))
			continue;
		if (order[i] == PEND_CLOSED) {
			uint16_t wflags = c->wflags;

			/*
			 * Every write first: once the event is on the ring, the application may
			 * give the session back and another worker take it at once.
			 */
			tcp_mem_release(tw, c); /* with wflags: unaccepted_mem */
			c->state = SYNQ_TCP_FREE;
			c->wflags = 0;
			c->pend = 0;
			if (notify_one(tw, ctr, c, r, kinds[i], NULL)) {
				conn_disown(tw, conn_idx(tw, c)); /* our own array */
				return NOTIFY_HANDED_OVER;
			}
			c->state = SYNQ_TCP_CLOSED;
			c->wflags = wflags;
			c->pend = PEND_CLOSED;
			return NOTIFY_WAIT;
		}
		if (!notify_one(tw, ctr, c, r, kinds[i], NULL))
			return NOTIFY_WAIT;
		c->pend &= (uint8_t)~order[i];
	}
	return NOTIFY_DONE;
}

/* The length of the IP packet at @p m's start, by its header. */
static uint32_t
ip_len(uint8_t family, const struct rte_mbuf *m)
{
	if (family == 4)
		return rte_be_to_cpu_16(rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *)->total_length);
	return (uint32_t)sizeof(struct rte_ipv6_hdr) +
		rte_be_to_cpu_16(rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *)->payload_len);
}

/*
 * The @p n frames of @p c, a connection synq opened, leave through the worker's
 * send_routed (route, neighbour, Ethernet: lib/net), from their IP header on. Returns
 * the enum synq_connect_reason of the path when the send refused one for it (no route,
 * the next hop FAILED), else SYNQ_CONNECT_OK.
 */
static uint8_t
send_routed(struct synq_tcp_worker *tw, struct synq_counters *ctr, const struct tcp_conn *c,
	struct rte_mbuf **m, unsigned int n)
{
	uint8_t why = SYNQ_CONNECT_OK;

	const struct synq_tcp_rxq *rxq = &tw->rxq[c->key.rxq_idx];
	uint16_t l2 = (uint16_t)(sizeof(struct rte_ether_hdr) +
		(rxq->iface->vlan != 0 ? sizeof(struct rte_vlan_hdr) : 0));

	for (unsigned int i = 0; i < n; i++) {
		int rc;

		if (tw->send_routed == NULL || rte_pktmbuf_adj(m[i], l2) == NULL) {
			synq_counter_inc(ctr, SYNQ_CTR_TCP_CONNECT_UNROUTED);
			rte_pktmbuf_free(m[i]);
			continue;
		}
		/* the Ethernet minimum's padding is the callee's to add back, not IP's */
		if (rte_pktmbuf_pkt_len(m[i]) > ip_len(c->key.family, m[i]))
			rte_pktmbuf_trim(m[i], rte_pktmbuf_pkt_len(m[i]) -
				ip_len(c->key.family, m[i]));
		rc = tw->send_routed(tw->send_arg, m[i], c->key.family, c->key.saddr, rxq->port_id);
		if (rc < 0)
			synq_counter_inc(ctr, SYNQ_CTR_TCP_CONNECT_UNROUTED);
		if (rc == -ENETUNREACH)
			why = SYNQ_CONNECT_NO_ROUTE;
		else if (rc == -EHOSTUNREACH)
			why = SYNQ_CONNECT_UNREACHABLE;
	}
	return why;
}

/*
 * The SYN of @p c (SYN-SENT) was refused for the path (@p why): the connect fails now,
 * CONNECT_FAILED with that reason, as Linux's connect() gets EHOSTUNREACH once its
 * neighbour fails (the error a local ICMP carries to tcp_v4_err(), which ends a
 * SYN-SENT socket) and ENETUNREACH with no route. The SYN retransmissions would find
 * the next hop FAILED again (lib/net refuses for SYNQ_NEIGH_FAILED_MS) and end in
 * TIMEDOUT, a peer's silence, which it is not. Segments of a connection past SYN-SENT
 * are lost and retransmitted as any loss: the connection goes on.
 */
static void
connect_unreachable(
	struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c, uint8_t why)
{
	synq_counter_inc(ctr, SYNQ_CTR_TCP_CONNECT_UNREACHABLE);
	c->connect_why = why;
	c->pend |= PEND_FAILED;
	tcp_conn_finish(tw, c, true);
}

bool
synq_tcp_output_pending(const struct synq_tcp_worker *tw)
{
	return tw->nb_dirty != 0;
}

unsigned int
synq_tcp_output(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct rte_mbuf **out,
	uint8_t *out_rxq, unsigned int max)
{
	unsigned int n = 0;
	uint32_t kept = 0;

	for (uint32_t i = 0; i < tw->nb_dirty; i++) {
		struct tcp_conn *c = conn_at(tw, tw->dirty[i]);
		uint8_t rxq_idx = c->key.rxq_idx;
		unsigned int got;
		bool full = false;

		if (n == max) {
			tw->dirty[kept++] = tw->dirty[i];
			continue;
		}
		got = conn_output(tw, ctr, c, out + n, max - n);
		if (c->wflags & WF_ACTIVE) {
			/* routed at once: @p out's room is free again, but it filled it */
			full = got == max - n;
			uint8_t why = send_routed(tw, ctr, c, out + n, got);

			if (why != SYNQ_CONNECT_OK && c->state == SYNQ_TCP_SYN_SENT)
				connect_unreachable(tw, ctr, c, why);
			got = 0;
		}
		for (unsigned int k = 0; k < got; k++)
			out_rxq[n + k] = rxq_idx;
		n += got;
		switch (conn_notify(tw, ctr, c)) {
		case NOTIFY_WAIT:
			tw->dirty[kept++] = tw->dirty[i]; /* the ring is full: next time */
			continue;
		case NOTIFY_HANDED_OVER:
			continue; /* not ours any more */
		case NOTIFY_DONE:
			break;
		}
		/* perhaps more to send than @p max allowed, or an ACK waits: stays */
		if (n == max || full || (c->wflags & WF_ACK_DATA)) {
			tw->dirty[kept++] = tw->dirty[i];
			continue;
		}
		c->wflags &= (uint16_t)~WF_DIRTY;
	}
	tw->nb_dirty = kept;
	return n;
}
