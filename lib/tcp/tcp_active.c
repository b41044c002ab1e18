/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Active open (issue 13): the connections synq opens itself, to a proxy's backends and
 * for health checks (docs/architecture.md, "Active open").
 *
 *   synq_tcp_connect() ... a local port whose replies land on this worker's queue,
 *                          RFC 6528 ISN, a connection in SYN-SENT in the flow table;
 *                          when no port is free, a 4-tuple in TIME-WAIT taken over
 *                          as Linux's tcp_tw_reuse=1 does (timestamps, 1 s)
 *   tcp_active_syn() ..... the SYN (MSS, SACK-permitted, timestamps, window scale),
 *                          first and retransmitted (the timer is tcp_conn.c's:
 *                          RFC 6298 backoff, 1, 3, 7 s, then TIMEDOUT)
 *   tcp_active_input() ... segments to a local port of tcp.local_ports that no
 *                          listener has: SYN-SENT per RFC 9293 3.10.7.3 (an ACK not
 *                          of our SYN: a RST, then once the SYN at once: syn_quick()),
 *                          then the data path
 *
 * Its frames leave through the worker's send_routed (route, neighbour, Ethernet:
 * lib/net), never to the source MAC of a frame as replies to clients do. A connection
 * synq opened is attached from the start: its events go to the app_lcore the session
 * names, the first CONNECTED (or REFUSED, TIMEDOUT), then as any other's. Simultaneous
 * open (a SYN without ACK in SYN-SENT) is refused: counted and dropped.
 */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_tcp.h>

#include "tcp_priv.h"

/*
 * Local ports in use that one connect looks past before it gives up (counted,
 * SynqTcpConnectNoPort): a bound on the work when nearly every port is taken.
 */
#define TCP_PORT_REFUSALS 1024u

/* A peer no connection may go to: RFC 6890's special addresses, IPv4-mapped IPv6. */
static bool
peer_refused(uint8_t family, const uint8_t *a)
{
	static const uint8_t zero12[12];

	/* 0/8 (this network), 127/8 (loopback), 224/4 (multicast), 240/4 and broadcast */
	if (family == 4)
		return a[0] == 0 || a[0] == 127 || a[0] >= 224;
	/* ::/96 (unspecified, loopback, IPv4-compatible), ::ffff:0:0/96, multicast */
	if (memcmp(a, zero12, 12) == 0 || a[0] == 0xff)
		return true;
	return memcmp(a, zero12, 10) == 0 && a[10] == 0xff && a[11] == 0xff;
}

/* The worker's rx queue (index) and address number of our address @p addr. */
static int
source_of(const struct synq_tcp_worker *tw, uint8_t family, const uint8_t *addr, uint8_t *rxq_idx,
	uint8_t *addr_idx)
{
	for (unsigned int i = 0; i < tw->nb_rxq; i++) {
		const struct synq_iface *ifc = tw->rxq[i].iface;
		int k;

		if (family == 4) {
			uint32_t a;

			memcpy(&a, addr, 4);
			k = synq_iface_ipv4_index(ifc, a);
		} else {
			k = synq_iface_ipv6_index(ifc, addr);
		}
		if (k >= 0) {
			*rxq_idx = (uint8_t)i;
			*addr_idx = (uint8_t)k;
			return 0;
		}
	}
	return -EADDRNOTAVAIL;
}

/* What a 4-tuple is to a connect. */
enum tuple_use {
	TUPLE_TAKEN,	/* a listener's port, a connection, or a TIME-WAIT not yet reusable */
	TUPLE_REUSABLE, /* in TIME-WAIT, which a new connection may take over */
	TUPLE_FREE,
};

/*
 * The flow @p k from our address @p ours: free when no listener has the port (its
 * segments would go there first), no connection has it, and nothing is in TIME-WAIT;
 * reusable when TIME-WAIT may be taken over (tcp_time_wait_active_reusable()).
 */
static enum tuple_use
tuple_use(struct synq_tcp_worker *tw, const struct synq_flow_key *k, const uint8_t *ours)
{
	const struct synq_flowmem_entry *e;

	if (synq_listener_lookup(tw->listeners, k->family, ours, k->dport) != NULL ||
		synq_flowtab_find(tw->flows, k) != NULL)
		return TUPLE_TAKEN;
	if (tw->time_wait == NULL || (e = synq_flowmem_lookup(tw->time_wait, k)) == NULL)
		return TUPLE_FREE;
	return tw->listeners->l[0].tcp.tw_reuse && tcp_time_wait_active_reusable(tw, e)
		       ? TUPLE_REUSABLE
		       : TUPLE_TAKEN;
}

/* The port walk's verdict on one port; true when the walk may stop (a free one). */
static bool
port_seen(struct synq_tcp_worker *tw, struct synq_flow_key *k, const uint8_t *ours, int port,
	int *reusable)
{
	enum tuple_use u;

	k->dport = rte_cpu_to_be_16((uint16_t)port);
	u = tuple_use(tw, k, ours);
	if (u == TUPLE_REUSABLE && *reusable < 0)
		*reusable = port;
	return u == TUPLE_FREE;
}

/*
 * A local port for the flow @p k (all but its dport set), from tcp.local_ports, whose
 * reply lands on the rx queue of @p rxq (its RSS; any port without), its 4-tuple free,
 * or else the first one seen whose TIME-WAIT a new connection may take over (as
 * Linux's __inet_hash_connect(), a free port first: a reuse costs the peer's PAWS
 * its only defence). RFC 6056 3.3.3: the walk starts at a keyed hash of the addresses
 * plus a counter. Returns the port (host order), or -1; *@p reuse tells which.
 */
static int
pick_port(struct synq_tcp_worker *tw, struct synq_flow_key *k, const struct tcp_peer *p,
	const struct synq_tcp_rxq *rxq, bool *reuse)
{
	const struct synq_config_tcp *t = &tw->listeners->l[0].tcp;
	uint16_t lo = t->local_port_lo, hi = t->local_port_hi;
	uint32_t span = (uint32_t)hi - lo + 1;
	struct tcp_peer q = *p;
	uint32_t refused = 0;
	int reusable = -1;
	uint16_t start;
	int port = -1;

	q.sport = 0;
	start = (uint16_t)(lo + (uint32_t)(tcp_tuple_hash(tw, &q) + tw->port_seq++) % span);
	if (rxq->rss != NULL && rxq->rss->reta_size != 0) {
		struct synq_rss_ports it;

		synq_rss_ports_init(&it, rxq->rss, k->family, p->caddr, p->saddr, p->cport, lo, hi,
			start, rxq->queue_id);
		while (refused < TCP_PORT_REFUSALS && (port = synq_rss_ports_next(&it)) >= 0 &&
			!port_seen(tw, k, p->saddr, port, &reusable)) {
			port = -1;
			refused++;
		}
	} else if (rxq->queue_id == 0) {
		/*
		 * No RSS known: with one queue every reply comes to queue 0; with several
		 * whose device cannot tell (net_ring, memif), only queue 0's worker may
		 * connect (docs/architecture.md, "Connections synq opens").
		 */
		for (uint32_t i = 0; i < span && refused < TCP_PORT_REFUSALS; i++, refused++) {
			if (port_seen(tw, k, p->saddr, (int)(lo + (start - lo + i) % span),
				    &reusable)) {
				port = (int)(lo + (start - lo + i) % span);
				break;
			}
		}
	}
	*reuse = port < 0 && reusable >= 0;
	if (*reuse)
		port = reusable;
	if (port >= 0)
		k->dport = rte_cpu_to_be_16((uint16_t)port);
	return port;
}

/*
 * What session @p s asks checked before anything is taken: its fields, its peer, our
 * source address (its rx queue and address number into @p rxq_idx, @p addr_idx), a
 * flow slot of its listener. 0, or a negative errno with *@p why the enum
 * synq_connect_reason its CONNECT_FAILED carries.
 */
static int
connect_check(struct synq_tcp_worker *tw, struct synq_counters *ctr, const struct synq_session *s,
	uint8_t *rxq_idx, uint8_t *addr_idx, uint8_t *why)
{
	*why = SYNQ_CONNECT_LOCAL;
	if (tw->send_routed == NULL)
		return -ENOTSUP;
	/* events must have somewhere to go: an application lcore's ring */
	if (s->listener >= tw->listeners->nb || (s->family != 4 && s->family != 6) ||
		s->sport == 0 || s->app_lcore >= RTE_MAX_LCORE ||
		tw->app_rings[s->app_lcore] == NULL)
		return -EINVAL;
	/* a martian, or one of our own addresses (a connection to ourselves) */
	if (peer_refused(s->family, s->saddr) ||
		source_of(tw, s->family, s->saddr, rxq_idx, addr_idx) == 0) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_CONNECT_BAD_ADDR);
		*why = SYNQ_CONNECT_BAD_ADDRESS;
		return -EINVAL;
	}
	/* one of ours, and for IPv6 past duplicate address detection (RFC 4862 5.4: a
	 * tentative address is no source; a duplicate one never again) */
	if (source_of(tw, s->family, s->daddr, rxq_idx, addr_idx) != 0 ||
		(s->family == 6 && !synq_iface_ipv6_usable(tw->rxq[*rxq_idx].iface, *addr_idx))) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_CONNECT_BAD_ADDR);
		*why = SYNQ_CONNECT_BAD_ADDRESS;
		return -EADDRNOTAVAIL;
	}
	if (tw->flows == NULL ||
		tw->flows_of[s->listener] >= synq_listener_flows(&tw->listeners->l[s->listener])) {
		synq_counter_inc(ctr, SYNQ_CTR_FLOW_TABLE_FULL);
		*why = SYNQ_CONNECT_NO_FLOW;
		return -ENOSPC;
	}
	return 0;
}

/*
 * Open the connection session @p s (pool index @p idx) names; 0, or a negative errno
 * with *@p why the enum synq_connect_reason its CONNECT_FAILED carries.
 */
static int
connect_open(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct synq_session *s,
	uint32_t idx, uint8_t *why)
{
	static const struct rte_ether_addr no_mac;
	struct synq_flowmem_entry *tw_prev = NULL;
	const struct synq_listener *l;
	struct synq_flow_key k;
	struct tcp_conn *c;
	struct tcp_peer p;
	uint8_t rxq_idx, addr_idx;
	bool reuse;
	uint64_t f;
	int port;
	int rc = connect_check(tw, ctr, s, &rxq_idx, &addr_idx, why);

	if (rc != 0)
		return rc;
	l = &tw->listeners->l[s->listener];
	memset(&k, 0, sizeof(k));
	memcpy(k.saddr, s->saddr, sizeof(k.saddr));
	if (s->family == 4)
		memset(k.saddr + 4, 0, sizeof(k.saddr) - 4);
	k.sport = s->sport;
	k.family = s->family;
	k.daddr_idx = addr_idx;
	k.rxq_idx = rxq_idx;
	peer_of_key(&k, &no_mac, rxq_iface(tw, rxq_idx), &p);
	port = pick_port(tw, &k, &p, &tw->rxq[rxq_idx], &reuse);
	if (port < 0) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_CONNECT_NO_PORT);
		*why = SYNQ_CONNECT_NO_PORT;
		return -EADDRNOTAVAIL;
	}
	p.sport = k.dport;
	f = tcp_tuple_hash(tw, &p);

	c = conn_at(tw, idx);
	*c = (struct tcp_conn){
		.key = k,
		.our_isn = tcp_table_isn(tw, f),
		.mss = our_mss(s->family),
		.listener = s->listener,
		.snd_wscale = SYNQ_TCP_NO_WSCALE,
		.rcv_wscale = l->tcp.window_scale, /* offered; kept if the peer's SYN-ACK agrees */
		.sack = true,
		.ts = true,
		.ts_off = (uint32_t)(f >> 32),
		.syn_tsc = tw->now_tsc,
		.state = SYNQ_TCP_SYN_SENT,
		.wflags = WF_ACTIVE | WF_ATTACHED | WF_SYN,
		.app_lcore = s->app_lcore,
		.rto_ms = TCP_RTO_INIT_MS,
		.last_rx_ms = tw->now_ms,
		.attach_ms = tw->now_ms,
		.oow_ms = tw->now_ms - TCP_INVALID_RATELIMIT_MS,
		.rcv_ratio = TCP_RATIO_INIT,
		.rcv_prog_ms = tw->now_ms,
		.snd_prog_ms = tw->now_ms,
	};
	/* pick_port() has just seen it: nothing in between removes an entry */
	if (reuse && (tw_prev = synq_flowmem_lookup(tw->time_wait, &k)) != NULL) {
		/*
		 * Linux's tcp_twsk_unique(): the ISN a window past the old connection's
		 * SND.NXT, so the peer tells our new segments from old ones by sequence
		 * number too; the old TSval clock, so our TSvals go on growing past the old
		 * ones, which the peer's PAWS then refuses. TS.Recent is not carried over
		 * (what TIME-WAIT kept a forged segment may have pushed): the SYN-ACK's.
		 */
		c->our_isn = tw_prev->snd_nxt + UINT16_MAX + 2;
		c->ts_off = tw_prev->ts_off;
	}
	c->snd_una = c->our_isn;
	c->snd_nxt = c->snd_max = c->our_isn + 1;
	/* armed now, not when the SYN is built: a SYN that found no mbuf goes at 1 s */
	c->rtx_ms = tw->now_ms + c->rto_ms;
	if (c->rtx_ms == 0)
		c->rtx_ms = 1;
	if (synq_flowtab_insert(tw->flows, &c->key, idx) != 0) {
		c->state = SYNQ_TCP_FREE;
		c->wflags = 0;
		synq_counter_inc(ctr, SYNQ_CTR_FLOW_TABLE_FULL);
		*why = SYNQ_CONNECT_NO_FLOW;
		return -ENOSPC;
	}
	/* the TIME-WAIT taken over goes, now that the connection holds the 4-tuple */
	if (tw_prev != NULL) {
		synq_flowmem_remove(tw->time_wait, tw_prev);
		synq_counter_inc(ctr, SYNQ_CTR_TCP_CONNECT_TW_REUSED);
	}
	tw->flows_of[s->listener]++;
	s->kind = SYNQ_SESSION_TCP_ACTIVE;
	s->worker = (uint16_t)tw->lcore_id;
	s->dport = k.dport;
	atomic_store_explicit(&s->rcv_unread, 0, memory_order_relaxed);
	atomic_store_explicit(&s->snd_pending, 0, memory_order_relaxed);
	conn_own(tw, idx, synq_session_gen(s));
	mark_dirty(tw, c);
	synq_counter_inc(ctr, SYNQ_CTR_TCP_ACTIVE_OPENS);
	return 0;
}

/* synq_tcp_connect(), with *@p why the reason of a failure (enum synq_connect_reason). */
static int
tcp_connect(
	struct synq_tcp_worker *tw, struct synq_counters *ctr, struct synq_session *s, uint8_t *why)
{
	uint32_t idx = synq_session_index(tw->sessions, s);
	int rc;

	*why = SYNQ_CONNECT_LOCAL;
	if (idx >= tw->sessions->nb)
		rc = -EINVAL;
	else if (tw->owned[idx] & TCP_OWNED)
		rc = -EBUSY;
	else
		rc = connect_open(tw, ctr, s, idx, why);
	if (rc != 0)
		synq_counter_inc(ctr, SYNQ_CTR_TCP_CONNECT_FAILED);
	return rc;
}

int
synq_tcp_connect(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct synq_session *s)
{
	uint8_t why;

	return tcp_connect(tw, ctr, s, &why);
}

struct rte_mbuf *
tcp_active_syn(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c)
{
	const struct synq_iface *ifc = rxq_iface(tw, c->key.rxq_idx);
	struct rte_mbuf *m = rte_pktmbuf_alloc(tw->pool);
	uint8_t opt[SYNQ_TCP_OPTS_SYN_LEN];
	unsigned int n;
	struct tcp_peer p;

	if (m == NULL)
		return NULL;
	peer_of_key(&c->key, &c->peer_mac, ifc, &p);
	n = synq_tcp_opts_write_syn(
		opt, our_mss(c->key.family), c->rcv_wscale, tw->now_ms + c->ts_off);
	/* RFC 7323 2.2: the window of a SYN is never scaled */
	if (tcp_build(m, ifc, &p, c->our_isn, 0, RTE_TCP_SYN_FLAG,
		    synack_window(&conn_listener(tw, c)->tcp), opt, n) != 0) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	c->wflags &= (uint16_t)~WF_SYN;
	synq_counter_inc(ctr, SYNQ_CTR_TCP_OUT_SEGS);
	return m;
}

/* The SYN-ACK came (RFC 9293 3.10.7.3, fifth check): ESTABLISHED with what it offered. */
static void
established(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c,
	const struct rte_tcp_hdr *th, const struct synq_tcp_opts *o)
{
	uint16_t peer_mss = o->mss != 0 ? o->mss : default_mss(c->key.family);

	c->client_isn = rte_be_to_cpu_32(th->sent_seq);
	/* never below Linux's tcp_min_snd_mss (CVE-2019-11479) */
	c->mss = RTE_MAX(RTE_MIN(peer_mss, our_mss(c->key.family)), SYNQ_TCP_MIN_MSS);
	/* RFC 7323 2.2: both shifts only when both sides sent the option */
	if (o->wscale == SYNQ_TCP_NO_WSCALE)
		c->rcv_wscale = SYNQ_TCP_NO_WSCALE;
	else
		c->snd_wscale = o->wscale;
	c->sack = o->sack_perm;
	c->ts = o->ts; /* RFC 7323 3.2: on when the SYN-ACK carries them too */
	if (o->ts) {
		c->ts_recent = o->tsval;
		c->ts_recent_ms = tw->now_ms;
	}
	c->state = SYNQ_TCP_ESTABLISHED;
	tw->curr_estab++;
	c->snd_una = rte_be_to_cpu_32(th->recv_ack);
	c->snd_nxt = c->snd_max = c->snd_una;
	/* RFC 7323 2.2: the SYN-ACK's window is not scaled */
	c->snd_wnd = rte_be_to_cpu_16(th->rx_win);
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = c->client_isn;
	c->snd_wl2 = c->snd_una;
	c->cwnd = TCP_IW * snd_mss(c);
	c->ssthresh = UINT32_MAX;
	c->rcv_nxt = c->client_isn + 1;
	/* our SYN's window, never scaled */
	c->rcv_adv = c->rcv_nxt + synack_window(&conn_listener(tw, c)->tcp);
	c->rtx_ms = 0;
	/*
	 * RFC 6298 5.7: a SYN that had to be sent again leaves the RTO at 3 s; one sent
	 * once gives the first RTT sample (Karn: never a retransmitted one's, nor one after
	 * the quick SYN, which either SYN may answer), as Linux's
	 */
	c->rto_ms = c->backoff != 0 ? TCP_RTO_SYN_FALLBACK_MS : TCP_RTO_INIT_MS;
	if (c->backoff == 0 && !(c->wflags & WF_SYN_QUICK) && tw->now_tsc >= c->syn_tsc &&
		(tw->now_tsc - c->syn_tsc) / tw->hz_ms < TCP_TS_RTT_MAX_MS)
		tcp_rtt_sample(c, (uint32_t)((tw->now_tsc - c->syn_tsc) / tw->hz_ms));
	c->backoff = 0;
	c->last_rx_ms = c->attach_ms = tw->now_ms;
	c->ack_tsc = tw->now_tsc;
	c->pend |= PEND_CONNECTED;
	c->wflags = (uint16_t)((c->wflags & ~WF_SYN) | WF_ACK_NOW);
	mark_dirty(tw, c);
	synq_counter_inc(ctr, SYNQ_CTR_TCP_CONNECT_ESTAB);
}

/*
 * Our RST has just answered an ACK not of our SYN in SYN-SENT: the SYN again at once,
 * once a connection. A Linux peer whose service is gone answers a SYN to a 4-tuple it
 * holds in TIME-WAIT with that TIME-WAIT's ACK (tcp_v4_rcv(): TCP_TW_SYN finds no
 * listener and falls through to the ACK); our RST (RFC 9293 3.10.7.3) clears its
 * TIME-WAIT (RFC 1337's hazard, which Linux accepts by default), and the SYN that
 * follows it finds the 4-tuple free: the peer's RST (REFUSED), or its SYN-ACK, at
 * once, not after the 1 s RTO. The SYN goes in this poll's output, after the RST,
 * which the worker sends with the burst's replies on the same tx queue: no delay is
 * needed for the RST to be there first. The SYN keeps the ISN (a retransmission, as
 * Linux's tcp_retransmit_skb() of a SYN), and the RTO schedule stays (rtx_ms and
 * backoff untouched). Once: a forger of ACKs gets one SYN and one RST a connection
 * more, and the RSTs are the worker's rate-limited replies as before.
 */
static void
syn_quick(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct tcp_conn *c)
{
	if (c->wflags & WF_SYN_QUICK)
		return;
	c->wflags |= WF_SYN | WF_SYN_QUICK;
	mark_dirty(tw, c);
	synq_counter_inc(ctr, SYNQ_CTR_TCP_CONNECT_SYN_QUICK);
}

/* A segment to connection @p c in SYN-SENT (RFC 9293 3.10.7.3). */
static enum synq_tcp_verdict
syn_sent_input(struct synq_tcp_worker *tw, struct synq_counters *ctr, const struct synq_iface *ifc,
	struct synq_tcp_seg *seg, struct tcp_conn *c, const struct tcp_peer *p,
	const struct rte_tcp_hdr *th, uint16_t doff)
{
	uint8_t flags = th->tcp_flags;
	uint32_t ack = rte_be_to_cpu_32(th->recv_ack);
	bool ack_ok = false;
	struct synq_tcp_opts o;

	/* first: the ACK, acceptable only if it acknowledges our SYN, nothing more */
	if (flags & RTE_TCP_ACK_FLAG) {
		if (SEQ_LEQ(ack, c->our_isn) || SEQ_GT(ack, c->snd_max)) {
			enum synq_tcp_verdict v;

			synq_counter_inc(ctr, SYNQ_CTR_TCP_CONNECT_BAD_SYNACK);
			if (flags & RTE_TCP_RST_FLAG)
				return SYNQ_TCP_DROP;
			v = tcp_reply_rst(tw, ctr, seg->m, ifc, p, th, 0);
			/* only after a RST that goes: without it the peer's TIME-WAIT stays */
			if (v == SYNQ_TCP_REPLY)
				syn_quick(tw, ctr, c);
			return v;
		}
		ack_ok = true;
	}
	/*
	 * second: a RST counts only with an acceptable ACK (RFC 5961 3.2 for SYN-SENT: the
	 * ACK of our SYN is what a blind attacker cannot guess); REFUSED
	 */
	if (flags & RTE_TCP_RST_FLAG) {
		if (!ack_ok) {
			synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_RST);
			return SYNQ_TCP_DROP;
		}
		synq_counter_inc(ctr, SYNQ_CTR_TCP_CONNECT_REFUSED);
		c->pend |= PEND_REFUSED;
		tcp_conn_finish(tw, c, true);
		return SYNQ_TCP_DROP;
	}
	/* fourth: a SYN; with no ACK a simultaneous open, which synq refuses */
	if (!(flags & RTE_TCP_SYN_FLAG) || !ack_ok) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_CONNECT_BAD_SYNACK);
		return SYNQ_TCP_DROP;
	}
	if (synq_tcp_opts_parse((const uint8_t *)(th + 1), doff - sizeof(*th), &o) != 0) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_BAD_OPTIONS);
		return SYNQ_TCP_DROP;
	}
	/*
	 * Data on the SYN-ACK is not kept (rare, and RFC 9293 lets us): RCV.NXT stays
	 * after the SYN, so the peer sends it again.
	 */
	established(tw, ctr, c, th, &o);
	return SYNQ_TCP_DROP;
}

bool
tcp_active_input(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	const struct synq_iface *ifc, struct synq_tcp_seg *seg, const struct tcp_peer *p,
	const struct rte_tcp_hdr *th, uint16_t doff, enum synq_tcp_verdict *v)
{
	const struct synq_config_tcp *t = &tw->listeners->l[0].tcp;
	uint16_t port = rte_be_to_cpu_16(p->sport);
	struct synq_flowmem_entry *e;
	struct synq_flow_key key;
	struct tcp_conn *c;

	if (tw->flows == NULL || tw->listeners->nb == 0 || port < t->local_port_lo ||
		port > t->local_port_hi)
		return false;
	memset(&key, 0, sizeof(key));
	memcpy(key.saddr, p->caddr, 16);
	key.sport = p->cport;
	key.dport = p->sport;
	key.family = p->family;
	key.daddr_idx = seg->daddr_idx;
	key.rxq_idx = seg->rxq_idx;
	c = synq_flowtab_find(tw->flows, &key);
	if (c != NULL && c->state == SYNQ_TCP_SYN_SENT) {
		*v = syn_sent_input(tw, ctr, ifc, seg, c, p, th, doff);
		return true;
	}
	if (c != NULL && c->state != SYNQ_TCP_CLOSED) {
		uint8_t flags = th->tcp_flags;

		/* as synq_tcp_input(): bad combinations dropped, a SYN answered (RFC 5961) */
		if ((flags & (RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG)) ==
				(RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG) ||
			(flags & (RTE_TCP_SYN_FLAG | RTE_TCP_RST_FLAG)) ==
				(RTE_TCP_SYN_FLAG | RTE_TCP_RST_FLAG)) {
			synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_BAD_FLAGS);
			*v = SYNQ_TCP_DROP;
			return true;
		}
		*v = tcp_established_input(tw, ctr, seg, c, th, doff);
		return true;
	}
	if (tw->time_wait != NULL && (e = synq_flowmem_lookup(tw->time_wait, &key)) != NULL) {
		struct synq_tcp_opts o = {.wscale = SYNQ_TCP_NO_WSCALE};

		if (!(th->tcp_flags & RTE_TCP_RST_FLAG) &&
			synq_tcp_opts_parse((const uint8_t *)(th + 1), doff - sizeof(*th), &o) !=
				0) {
			synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_BAD_OPTIONS);
			*v = SYNQ_TCP_DROP;
			return true;
		}
		/*
		 * Its frames were routed: no peer MAC was ever kept (all zeros). TIME-WAIT's
		 * ACK answers in place, to the frame's sender, as a RST to a closed port does.
		 */
		e->peer_mac = p->cmac;
		*v = tcp_time_wait_input(tw, ctr, seg, e, th,
			(th->tcp_flags & RTE_TCP_RST_FLAG) ? 0 : (uint16_t)(seg->l4_len - doff),
			&o);
		return true;
	}
	return false;
}

/*
 * SYNQ_CMD_CONNECT: open the connection the session names (tcp_active.c). When it
 * cannot be, the application still hears of it the usual way, CONNECT_FAILED then
 * CLOSED, from a connection that never was in the flow table.
 */
static void
cmd_connect(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct synq_session *s,
	struct tcp_conn *c)
{
	uint32_t idx = synq_session_index(tw->sessions, s);
	uint8_t why;

	/* carried here already (a repeated command), or events nobody would read */
	if ((tw->owned[idx] & TCP_OWNED) || s->app_lcore >= RTE_MAX_LCORE ||
		tw->app_rings[s->app_lcore] == NULL) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_CONNECT_FAILED);
		return;
	}
	if (tcp_connect(tw, ctr, s, &why) == 0)
		return;
	*c = (struct tcp_conn){
		.state = SYNQ_TCP_CLOSED,
		.listener = s->listener < tw->listeners->nb ? s->listener : 0,
		.pend = PEND_FAILED | PEND_CLOSED,
		.connect_why = why,
		.wflags = WF_ACTIVE | WF_ATTACHED,
		.app_lcore = s->app_lcore,
	};
	conn_own(tw, idx, synq_session_gen(s));
	mark_dirty(tw, c);
}

void
synq_tcp_command(
	struct synq_tcp_worker *tw, struct synq_counters *ctr, const struct synq_session_msg *msg)
{
	if (msg->kind == SYNQ_CMD_CONNECT) {
		struct synq_session *s;

		/* a stale command (the session given back since) opens nothing */
		if (msg->session >= tw->sessions->nb)
			return;
		s = synq_session_at(tw->sessions, msg->session);
		if (synq_session_gen(s) == msg->gen)
			cmd_connect(tw, ctr, s, conn_at(tw, msg->session));
		return;
	}
	tcp_conn_command(tw, ctr, msg);
}
