/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The handshake as a listener sees it (RFC 9293 3.5, 3.10.7.2 LISTEN, 3.10.7.4
 * SYN-RECEIVED), with the kernel's two queues (docs/configuration.md, queue_model):
 *
 *   SYN  -> listener? -> accept queue full? drop (ListenOverflows/ListenDrops)
 *        -> SYN table entry (retransmitted SYN: same entry, SYN-ACK again)
 *           or cookie (syncookies 2, or 1 with the table share full)
 *        -> SYN-ACK built in the SYN's own mbuf
 *   ACK  -> table entry with the right numbers, or a valid cookie
 *        -> connection on the listener's accept ring (PassiveOpens)
 *   RST  -> removes the half-open entry it names (EmbryonicRsts)
 *
 * Every other outcome is a named counter.
 */

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_tcp.h>

#include "synq_cksum.h"
#include "synq_mem.h"
#include "tcp_priv.h"

/* Our half of the handshake's options, and the client's, as a SYN carried them. */
struct syn_info {
	uint32_t client_isn;
	struct synq_tcp_opts opts;
};

int
synq_tcp_worker_init(struct synq_tcp_worker *tw, unsigned int lcore_id, struct synq_listeners *ls,
	const uint8_t secret[16], struct rte_mempool *pool, int socket)
{
	uint64_t entries = 0;
	uint8_t isn_key[16];
	struct timespec now;

	memset(tw, 0, sizeof(*tw));
	tw->lcore_id = lcore_id;
	tw->listeners = ls;
	tw->pool = pool;
	for (unsigned int i = 0; i < ls->nb; i++) {
		entries += ls->l[i].syn_share;
		if (ls->l[i].tcp.syncookies != 2)
			tw->syntab_used = true;
		/* the SYN table runs with the largest; each listener's own is applied after */
		tw->max_synack_retries = RTE_MAX(tw->max_synack_retries,
			ls->l[i].tcp.synack_retries);
	}
	if (entries != 0) {
		uint64_t closing = SYNQ_TCP_FLOWS_MIN;
		uint64_t accepted = SYNQ_TCP_FLOWS_MIN;
		uint64_t flows = 0;

		tw->syntab = synq_syntab_create((uint32_t)RTE_MIN(entries, (uint64_t)1 << 24),
			socket);
		for (unsigned int i = 0; i < ls->nb; i++) {
			flows += ls->l[i].tcp.max_flows;
			accepted += ls->l[i].backlog + 1;
		}
		/* TIME-WAIT holds at most half of it (enter_time_wait()) */
		closing += flows;
		tw->closing = synq_syntab_create((uint32_t)RTE_MIN(closing, (uint64_t)1 << 24),
			socket);
		tw->estab = synq_syntab_create((uint32_t)RTE_MIN(accepted, (uint64_t)1 << 24),
			socket);
		tw->flows = synq_flowtab_create((uint32_t)RTE_MIN(flows, (uint64_t)1 << 24),
			ls->conns, socket);
		/* every connection of the pool may be in it at once */
		tw->dirty_cap = ls->nb_conns;
		tw->dirty = synq_mem_alloc("synq_dirty", (size_t)tw->dirty_cap * sizeof(uint32_t),
			socket, ls->eal_mem);
		if (tw->syntab == NULL || tw->closing == NULL || tw->estab == NULL ||
			tw->flows == NULL || tw->dirty == NULL) {
			synq_tcp_worker_free(tw);
			return -ENOMEM;
		}
	}
	synq_cookie_init(&tw->cookie, secret);
	/* RFC 6528: F() keyed with a secret of this node's own */
	if (getrandom(isn_key, sizeof(isn_key), 0) != (ssize_t)sizeof(isn_key))
		return -EIO;
	tw->isn_key = synq_sipkey_load(isn_key);
	clock_gettime(CLOCK_REALTIME, &now);
	tw->unix0_ms = (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
	/* without EAL (unit tests, fuzzing) the TSC rate is unknown: any rate will do */
	tw->hz = rte_get_tsc_hz() != 0 ? rte_get_tsc_hz() : UINT64_C(1000000000);
	tw->hz_ms = RTE_MAX(tw->hz / 1000, (uint64_t)1);
	tw->hz_4us = RTE_MAX(tw->hz / 250000, (uint64_t)1);
	tw->tsc0 = rte_rdtsc();
	tw->rst_tokens = SYNQ_TCP_RST_BURST;
	tw->reorder_rng = tw->tsc0 | 1;
	synq_tcp_clock(tw, tw->tsc0);
	return 0;
}

void
synq_tcp_worker_free(struct synq_tcp_worker *tw)
{
	synq_syntab_free(tw->syntab);
	synq_syntab_free(tw->closing);
	synq_syntab_free(tw->estab);
	synq_flowtab_free(tw->flows);
	if (tw->listeners != NULL)
		synq_mem_free(tw->dirty, tw->listeners->eal_mem);
	tw->syntab = NULL;
	tw->closing = NULL;
	tw->estab = NULL;
	tw->flows = NULL;
	tw->dirty = NULL;
}

void
synq_tcp_clock(struct synq_tcp_worker *tw, uint64_t tsc)
{
	/* divide first: (tsc - tsc0) * 1000 would overflow after 82 days at 2.6 GHz */
	uint64_t ms = (tsc - tw->tsc0) / tw->hz_ms;
	struct timespec wall;

	tw->now_tsc = tsc;
	tw->now_ms = (uint32_t)ms;
	tw->round++;
	/*
	 * Cookie windows follow the wall clock itself (NTP slews and steps included),
	 * not the TSC, so nodes sharing a secret agree on them: a vDSO read per burst.
	 */
	clock_gettime(CLOCK_REALTIME_COARSE, &wall);
	tw->now_s = (uint64_t)wall.tv_sec;
}

/*
 * RFC 6528: ISN = M + F(4-tuple, secret), M a 4 us clock. F's input is the
 * addresses and ports alone, 12 bytes for IPv4 (two SipHash words, not five) and 36
 * for IPv6: the lengths keep the families apart.
 */
static uint32_t
table_isn(const struct synq_tcp_worker *tw, const struct tcp_peer *p)
{
	uint8_t in[36];
	size_t alen = p->family == 4 ? 4 : 16;
	uint64_t ticks = (tw->now_tsc - tw->tsc0) / tw->hz_4us; /* no overflow: divide first */

	memcpy(in, p->caddr, alen);
	memcpy(in + alen, p->saddr, alen);
	memcpy(in + 2 * alen, &p->cport, 2);
	memcpy(in + 2 * alen + 2, &p->sport, 2);
	return (uint32_t)ticks + (uint32_t)(alen == 4 ? synq_siphash24(&tw->isn_key, in, 12)
						    : synq_siphash24(&tw->isn_key, in, 36));
}

static uint16_t
our_mss(uint8_t family)
{
	return family == 4 ? SYNQ_TCP_MSS4 : SYNQ_TCP_MSS6;
}

static void
flow_of(const struct tcp_peer *p, struct synq_cookie_flow *f)
{
	f->family = p->family;
	memcpy(f->saddr, p->caddr, 16);
	memcpy(f->daddr, p->saddr, 16);
	f->sport = p->cport;
	f->dport = p->sport;
}

static void
peer_of(const struct synq_syn_entry *e, const struct synq_iface *ifc, struct tcp_peer *p)
{
	memset(p, 0, sizeof(*p));
	p->family = e->family;
	memcpy(p->caddr, e->saddr, 16);
	if (e->family == 4)
		memcpy(p->saddr, &ifc->ipv4[e->daddr_idx], 4);
	else
		memcpy(p->saddr, ifc->ipv6[e->daddr_idx], 16);
	p->cport = e->sport;
	p->sport = e->dport;
	p->cmac = e->peer_mac;
}

/* A SYN-ACK for @p p: our ISN, the client's, and what we answer to its options. */
static int
send_synack(struct rte_mbuf *m, const struct synq_iface *ifc, const struct tcp_peer *p,
	uint32_t our_isn, uint32_t client_isn, uint8_t client_ws, bool sack, bool ts,
	uint32_t ts_recent, const struct synq_listener *l, uint32_t now_ms)
{
	struct synq_tcp_synack_opts o = {
		.mss = our_mss(p->family),
		/* RFC 7323 2.2: offer a shift only to a client that offered one */
		.wscale = client_ws == SYNQ_TCP_NO_WSCALE ? SYNQ_TCP_NO_WSCALE : l->tcp.window_scale,
		.sack_perm = sack,
		.ts = ts,
		.tsval = now_ms,
		.tsecr = ts_recent,
	};
	uint8_t opt[SYNQ_TCP_OPTS_MAX];
	unsigned int n = synq_tcp_opts_write_synack(opt, &o);

	return tcp_build(m, ifc, p, our_isn, client_isn + 1, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG,
		synq_tcp_synack_window(&l->tcp), opt, n);
}

/*
 * RFC 9293 3.10.7.1 (no listener) and 3.10.7.4 (unacceptable ACK): a reset that
 * the sender will take as being for its segment.
 */
static enum synq_tcp_verdict
send_rst(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct rte_mbuf *m,
	const struct synq_iface *ifc, const struct tcp_peer *p, const struct rte_tcp_hdr *th,
	uint32_t seg_len)
{
	uint32_t seq, ack;
	uint8_t flags = RTE_TCP_RST_FLAG;
	uint8_t th_flags = th->tcp_flags;

	/*
	 * A token bucket per worker: RSTs answer strangers (closed ports, stray ACKs),
	 * and a flood of those must not be reflected one for one.
	 */
	if (tw != NULL) {
		uint32_t elapsed = tw->now_ms - tw->rst_ms;

		if (elapsed != 0) {
			tw->rst_tokens = (uint32_t)RTE_MIN((uint64_t)SYNQ_TCP_RST_BURST,
				tw->rst_tokens + (uint64_t)elapsed * SYNQ_TCP_RST_PER_S / 1000);
			tw->rst_ms = tw->now_ms;
		}
		if (tw->rst_tokens == 0) {
			synq_counter_inc(ctr, SYNQ_CTR_TCP_RST_RATE_LIMITED);
			return SYNQ_TCP_DROP;
		}
		tw->rst_tokens--;
	}

	if (th_flags & RTE_TCP_ACK_FLAG) {
		seq = rte_be_to_cpu_32(th->recv_ack);
		ack = 0;
	} else {
		seq = 0;
		ack = rte_be_to_cpu_32(th->sent_seq) + seg_len;
		flags |= RTE_TCP_ACK_FLAG;
	}
	if (tcp_build(m, ifc, p, seq, ack, flags, 0, NULL, 0) != 0)
		return SYNQ_TCP_DROP;
	synq_counter_inc(ctr, SYNQ_CTR_TCP_OUT_RSTS);
	synq_counter_inc(ctr, SYNQ_CTR_TCP_OUT_SEGS);
	return SYNQ_TCP_REPLY;
}

/*
 * An ACK of where we stand, <SEQ=SND.NXT><ACK=RCV.NXT>: RFC 9293's answer to an
 * unacceptable segment and RFC 5961's challenge ACK.
 */
static enum synq_tcp_verdict
send_ack(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct rte_mbuf *m,
	const struct synq_iface *ifc, const struct tcp_peer *p, const struct synq_syn_entry *e,
	enum synq_counter why)
{
	uint8_t opt[12];
	unsigned int n = 0;

	if (e->flags & SYNQ_SYN_F_TS)
		n = tcp_opt_ts(opt, tw->now_ms, e->ts_recent);
	if (tcp_build(m, ifc, p, e->our_isn + 1, e->client_isn + 1, RTE_TCP_ACK_FLAG,
		    SYNQ_TCP_SYNACK_WINDOW, opt, n) != 0)
		return SYNQ_TCP_DROP;
	synq_counter_inc(ctr, why);
	synq_counter_inc(ctr, SYNQ_CTR_TCP_OUT_SEGS);
	return SYNQ_TCP_REPLY;
}

/* bsd queue model: take one place in the listener's single queue, if there is one. */
static bool
bsd_take(struct synq_listener *l)
{
	if (atomic_fetch_add_explicit(&l->bsd_len, 1, memory_order_relaxed) < l->backlog)
		return true;
	atomic_fetch_sub_explicit(&l->bsd_len, 1, memory_order_relaxed);
	return false;
}

static void
bsd_give(struct synq_listener *l)
{
	if (l->tcp.queue_model == SYNQ_QUEUE_BSD)
		atomic_fetch_sub_explicit(&l->bsd_len, 1, memory_order_relaxed);
}

static void
entry_forget(struct synq_tcp_worker *tw, struct synq_syn_entry *e)
{
	struct synq_listener *l = &tw->listeners->l[e->listener];

	tw->halfopen[e->listener]--;
	bsd_give(l);
	synq_syntab_remove(tw->syntab, e);
}

static enum synq_tcp_verdict
syn_input(struct synq_tcp_worker *tw, struct synq_counters *ctr, const struct synq_iface *ifc,
	struct synq_tcp_seg *seg, struct synq_listener *l, const struct tcp_peer *p,
	const struct synq_syn_key *key, const struct syn_info *si)
{
	unsigned int li = (unsigned int)(l - tw->listeners->l);
	const struct synq_tcp_opts *o = &si->opts;
	/* syncookies 2 keeps no half-open entry: nothing to look up */
	struct synq_syn_entry *e = tw->syntab != NULL && l->tcp.syncookies != 2
		? synq_syntab_lookup(tw->syntab, key) : NULL;
	uint8_t client_ws = o->wscale;
	uint32_t our_isn;

	if (e != NULL) {
		/*
		 * Another ISN on the same 4-tuple: a blind SYN, or a client that started
		 * over. Never take it (anyone who knows the 4-tuple could kill the real
		 * handshake): answer with a challenge ACK (RFC 5961 4.2); a client that
		 * really restarted answers it with the RST that removes the entry.
		 */
		if (e->client_isn != si->client_isn)
			return send_ack(tw, ctr, seg->m, ifc, p, e, SYNQ_CTR_CHALLENGE_ACKS);
		/* A retransmitted SYN: the same entry answers again, with the same ISN. */
		if (o->ts)
			e->ts_recent = o->tsval;
		synq_counter_inc(ctr, SYNQ_CTR_SYN_DUPLICATES);
		if (send_synack(seg->m, ifc, p, e->our_isn, e->client_isn, e->wscale,
			    e->flags & SYNQ_SYN_F_SACK, e->flags & SYNQ_SYN_F_TS, e->ts_recent, l,
			    tw->now_ms) != 0)
			return SYNQ_TCP_DROP;
		synq_counter_inc(ctr, SYNQ_CTR_TCP_OUT_SEGS);
		return SYNQ_TCP_REPLY;
	}

	/*
	 * A full accept queue drops new SYNs, cookies or not: Linux's tcp_conn_request()
	 * does, and it keeps a listener that is not accepting from taking more work.
	 */
	if (synq_listener_accept_full(l)) {
		if (l->tcp.queue_model == SYNQ_QUEUE_LINUX)
			synq_counter_inc(ctr, SYNQ_CTR_LISTEN_OVERFLOWS);
		synq_counter_inc(ctr, SYNQ_CTR_LISTEN_DROPS);
		return SYNQ_TCP_DROP;
	}

	if (l->tcp.syncookies != 2 && tw->halfopen[li] < l->syn_share &&
		(l->tcp.queue_model != SYNQ_QUEUE_BSD || bsd_take(l))) {
		e = synq_syntab_insert(tw->syntab, key, tw->now_ms);
		if (e != NULL) {
			e->client_isn = si->client_isn;
			e->our_isn = table_isn(tw, p);
			e->ts_recent = o->ts ? o->tsval : 0;
			e->mss = o->mss;
			e->listener = (uint16_t)li;
			e->peer_mac = p->cmac;
			e->wscale = o->wscale;
			e->flags |= (o->sack_perm ? SYNQ_SYN_F_SACK : 0) | (o->ts ? SYNQ_SYN_F_TS : 0);
			tw->halfopen[li]++;
			if (send_synack(seg->m, ifc, p, e->our_isn, e->client_isn, e->wscale,
				    o->sack_perm, o->ts, e->ts_recent, l, tw->now_ms) != 0) {
				entry_forget(tw, e);
				return SYNQ_TCP_DROP;
			}
			synq_counter_inc(ctr, SYNQ_CTR_TCP_OUT_SEGS);
			return SYNQ_TCP_REPLY;
		}
		bsd_give(l);
	} else if (l->tcp.queue_model == SYNQ_QUEUE_BSD && l->tcp.syncookies != 2 &&
		tw->halfopen[li] < l->syn_share) {
		/* bsd: the single queue is full (half-open and established): silent drop */
		synq_counter_inc(ctr, SYNQ_CTR_LISTEN_DROPS);
		return SYNQ_TCP_DROP;
	}

	if (l->tcp.syncookies == 0) {
		synq_counter_inc(ctr, SYNQ_CTR_REQ_QFULL_DROP);
		synq_counter_inc(ctr, SYNQ_CTR_LISTEN_DROPS);
		return SYNQ_TCP_DROP;
	}
	if (l->tcp.syncookies == 1)
		synq_counter_inc(ctr, SYNQ_CTR_REQ_QFULL_DO_COOKIES);
	tw->cookie_ms[li] = tw->now_ms;
	tw->cookies_sent[li] = true;

	{
		struct synq_cookie_opts in = {
			.mss = o->mss != 0 ? o->mss : (p->family == 4 ? 536 : 1220),
			.wscale = o->wscale,
			.sack = o->sack_perm,
		}, kept;
		struct synq_cookie_flow f;

		flow_of(p, &f);
		our_isn = synq_cookie_make(&tw->cookie, &f, si->client_isn, &in, tw->now_s, &kept);
		client_ws = kept.wscale;
	}
	if (send_synack(seg->m, ifc, p, our_isn, si->client_isn, client_ws, o->sack_perm, o->ts,
		    o->tsval, l, tw->now_ms) != 0)
		return SYNQ_TCP_DROP;
	synq_counter_inc(ctr, SYNQ_CTR_SYNCOOKIES_SENT);
	synq_counter_inc(ctr, SYNQ_CTR_TCP_OUT_SEGS);
	return SYNQ_TCP_REPLY;
}

static struct synq_conn *
conn_new(struct synq_tcp_worker *tw, const struct synq_tcp_seg *seg,
	const struct synq_iface *ifc, const struct tcp_peer *p, unsigned int li)
{
	struct synq_conn *c;

	c = synq_conn_alloc(tw->listeners);
	if (c == NULL)
		return NULL;
	/* one assignment: the compiler zeroes the rest in whole-line stores */
	*c = (struct synq_conn){
		.family = p->family,
		.sport = p->cport,
		.dport = p->sport,
		.listener = (uint16_t)li,
		.port_id = tw->rxq[seg->rxq_idx].port_id,
		.txq = tw->rxq[seg->rxq_idx].txq,
		.rxq_idx = seg->rxq_idx,
		.daddr_idx = seg->daddr_idx,
		.vlan = ifc->vlan,
		.worker = tw->lcore_id,
		.peer_mac = p->cmac,
		.our_mac = ifc->mac,
		.ack_tsc = tw->now_tsc,
	};
	memcpy(c->saddr, p->caddr, 16);
	memcpy(c->daddr, p->saddr, 16);
	return c;
}

/* What became of a promotion. */
enum publish_rc {
	PUBLISHED,
	RING_FULL,  /* the accept ring filled since the check */
	FLOWS_FULL, /* the flow table, or the listener's share of it */
};

/*
 * Publish @p c. First remember a cookie flow as accepted, so that a repeated final ACK
 * is never taken for a new handshake (a cookie stays valid for up to two windows);
 * then start its TCP state in the flow table, with what the final ACK carried (its
 * data, trimmed out of the mbuf, and its FIN); last put it on the accept ring.
 *
 * @return PUBLISHED, with *@p v the segment's verdict; else nothing is kept, @p c is
 *   freed and the mbuf is as it came.
 */
static enum publish_rc
publish(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct synq_listener *l,
	struct synq_conn *c, struct synq_tcp_seg *seg, const struct synq_syn_key *key,
	const struct rte_tcp_hdr *th, const struct synq_tcp_opts *o, uint16_t data_off,
	uint16_t data_len, bool fin, enum synq_tcp_verdict *v)
{
	struct synq_syn_entry *a;

	/* a client may reuse its port within the 255 s: the new flow replaces the old */
	a = synq_syntab_lookup(tw->estab, key);
	if (a != NULL)
		synq_syntab_remove(tw->estab, a);
	if (data_len != 0) {
		rte_pktmbuf_adj(seg->m, data_off);
		rte_pktmbuf_trim(seg->m, rte_pktmbuf_pkt_len(seg->m) - data_len);
	}
	if (tcp_conn_start(tw, c, th, o, data_len != 0 ? seg->m : NULL, data_len, fin) != 0) {
		if (data_len != 0)
			rte_pktmbuf_prepend(seg->m, data_off);
		synq_conn_free(tw->listeners, c);
		synq_counter_inc(ctr, SYNQ_CTR_FLOW_TABLE_FULL);
		return FLOWS_FULL;
	}
	if (rte_ring_enqueue(l->accept, c) != 0) {
		tcp_conn_unstart(tw, c);
		if (data_len != 0)
			rte_pktmbuf_prepend(seg->m, data_off);
		synq_conn_free(tw->listeners, c);
		return RING_FULL;
	}
	/*
	 * Only a cookie can validate twice: a flow promoted from the SYN table had an
	 * ISN of RFC 6528, which no later ACK turns into a valid cookie. Remember only
	 * those, so the table's room goes where a replay is possible; past the flow
	 * table's TIME-WAIT, for as long as the cookie lives.
	 */
	a = c->via_cookie ? synq_syntab_insert(tw->estab, key, tw->now_ms) : NULL;
	if (a != NULL) {
		a->client_isn = c->client_isn;
		a->our_isn = c->our_isn;
		a->listener = c->listener;
	} else if (c->via_cookie) {
		synq_counter_inc(ctr, SYNQ_CTR_ESTAB_TABLE_FULL);
	}
	synq_counter_inc(ctr, SYNQ_CTR_TCP_PASSIVE_OPENS);
	/* the final ACK's data is the connection's first, delivered like any later */
	synq_counter_add(ctr, SYNQ_CTR_TCP_IN_DATA_BYTES, data_len);
	*v = data_len != 0 ? SYNQ_TCP_CONSUMED : SYNQ_TCP_DROP;
	return PUBLISHED;
}

/*
 * A connection in TIME-WAIT (RFC 9293 3.10.7.4): the closing table holds nothing
 * else. A repeated FIN, or any data, is acknowledged where we stand (our last ACK
 * was lost, the client is still in LAST-ACK); the exact RST ends it early; the rest
 * is dropped. client_isn is RCV.NXT, our_isn our FIN's sequence number.
 */
static enum synq_tcp_verdict
time_wait_input(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct synq_tcp_seg *seg,
	struct synq_syn_entry *e, const struct rte_tcp_hdr *th, uint16_t data_len,
	const struct synq_tcp_opts *o)
{
	const struct synq_iface *ifc = tw->rxq[e->rxq_idx].iface;
	uint8_t opt[12];
	unsigned int n = 0;
	struct tcp_peer p;

	if (th->tcp_flags & RTE_TCP_RST_FLAG) {
		if (rte_be_to_cpu_32(th->sent_seq) == e->client_isn)
			synq_syntab_remove(tw->closing, e);
		else
			synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_RST);
		return SYNQ_TCP_DROP;
	}
	if (data_len == 0 && !(th->tcp_flags & RTE_TCP_FIN_FLAG))
		return SYNQ_TCP_DROP;
	if (o->ts)
		e->ts_recent = o->tsval;
	peer_of(e, ifc, &p);
	if (e->flags & SYNQ_SYN_F_TS)
		n = tcp_opt_ts(opt, tw->now_ms, e->ts_recent);
	if (tcp_build(seg->m, ifc, &p, e->our_isn + 1, e->client_isn, RTE_TCP_ACK_FLAG,
		    SYNQ_TCP_SYNACK_WINDOW, opt, n) != 0)
		return SYNQ_TCP_DROP;
	synq_counter_inc(ctr, SYNQ_CTR_TCP_OUT_SEGS);
	return SYNQ_TCP_REPLY;
}

static enum synq_tcp_verdict
ack_input(struct synq_tcp_worker *tw, struct synq_counters *ctr, const struct synq_iface *ifc,
	struct synq_tcp_seg *seg, struct synq_listener *l, const struct tcp_peer *p,
	const struct synq_syn_key *key, const struct rte_tcp_hdr *th, uint16_t doff)
{
	unsigned int li = (unsigned int)(l - tw->listeners->l);
	uint32_t seq = rte_be_to_cpu_32(th->sent_seq);
	uint32_t ack = rte_be_to_cpu_32(th->recv_ack);
	uint16_t data_len = seg->l4_len - doff;
	uint16_t data_off = seg->l2_len + seg->l3_len + doff;
	struct synq_syn_entry *e = tw->syntab != NULL && l->tcp.syncookies != 2
		? synq_syntab_lookup(tw->syntab, key) : NULL;
	struct synq_tcp_opts o;
	struct synq_conn *c;

	if (synq_tcp_opts_parse((const uint8_t *)(th + 1), doff - sizeof(*th), &o) != 0) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_BAD_OPTIONS);
		return SYNQ_TCP_DROP;
	}

	if (e != NULL) {
		enum synq_tcp_verdict v;
		uint32_t off = seq - (e->client_isn + 1);

		/*
		 * RFC 9293 3.10.7.4 in its order. First the sequence number: outside the
		 * window it is answered with an ACK; inside but past ISN + 1 (the client's
		 * pure ACK lost, a later segment first) it is acceptable, its data not kept.
		 */
		if (off >= SYNQ_TCP_SYNACK_WINDOW)
			return send_ack(tw, ctr, seg->m, ifc, p, e, SYNQ_CTR_TCP_OUT_OF_WINDOW);
		/* then the acknowledgment: SND.UNA < SEG.ACK <= SND.NXT, exactly ISN + 1 */
		if (ack != e->our_isn + 1) {
			synq_counter_inc(ctr, SYNQ_CTR_TCP_BAD_ACK);
			return send_rst(tw, ctr, seg->m, ifc, p, th, 0);
		}
		/* bsd: the entry holds its place already; linux: is there room? */
		if (l->tcp.queue_model == SYNQ_QUEUE_LINUX && synq_listener_accept_full(l))
			goto overflow;
		c = conn_new(tw, seg, ifc, p, li);
		if (c == NULL) {
			synq_counter_inc(ctr, SYNQ_CTR_CONN_POOL_EMPTY);
			return SYNQ_TCP_DROP;
		}
		c->client_isn = e->client_isn;
		c->our_isn = e->our_isn;
		/* never below Linux's tcp_min_snd_mss: a tiny MSS is a resource attack
		 * (CVE-2019-11479) */
		c->mss = RTE_MAX(RTE_MIN(e->mss != 0 ? e->mss : (p->family == 4 ? 536 : 1220),
				     our_mss(p->family)), SYNQ_TCP_MIN_MSS);
		c->snd_wscale = e->wscale;
		c->rcv_wscale = e->wscale == SYNQ_TCP_NO_WSCALE ? SYNQ_TCP_NO_WSCALE :
								  l->tcp.window_scale;
		c->sack = e->flags & SYNQ_SYN_F_SACK;
		/* agreed in SYN and SYN-ACK: on for the connection (RFC 7323 3.2) */
		c->ts = e->flags & SYNQ_SYN_F_TS;
		c->ts_recent = o.ts ? o.tsval : e->ts_recent;
		c->syn_tsc = tw->now_tsc - (uint64_t)(tw->now_ms - e->syn_ms) * tw->hz_ms;
		/*
		 * Publish first, remove the entry after: another worker may have filled
		 * the ring since the check, and then the entry must still be there.
		 */
		switch (publish(tw, ctr, l, c, seg, key, th, &o, off == 0 ? data_off : 0,
			off == 0 ? data_len : 0, (th->tcp_flags & RTE_TCP_FIN_FLAG) && off == 0,
			&v)) {
		case PUBLISHED:
			break;
		case RING_FULL:
			goto overflow;
		case FLOWS_FULL:
			/* keep the entry: a later ACK may find room */
			return SYNQ_TCP_DROP;
		}
		/* the entry leaves the SYN table; in bsd it stays counted, now established */
		tw->halfopen[e->listener]--;
		synq_syntab_remove(tw->syntab, e);
		return v;
overflow:
		synq_counter_inc(ctr, SYNQ_CTR_LISTEN_OVERFLOWS);
		synq_counter_inc(ctr, SYNQ_CTR_LISTEN_DROPS);
		if (l->tcp.abort_on_overflow) {
			entry_forget(tw, e);
			return send_rst(tw, ctr, seg->m, ifc, p, th, 0);
		}
		/* keep the entry: its SYN-ACK timer resends, a later ACK may fit */
		return SYNQ_TCP_DROP;
	}

	if (tw->closing != NULL && (e = synq_syntab_lookup(tw->closing, key)) != NULL)
		return time_wait_input(tw, ctr, seg, e, th, data_len, &o);
	/*
	 * A connection from a cookie that has ended (its flow left the flow table): its
	 * final ACK, replayed, must not open it again while the cookie is valid.
	 */
	if (tw->estab != NULL && synq_syntab_lookup(tw->estab, key) != NULL) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_ESTAB_SEGS);
		return SYNQ_TCP_DROP;
	}
	/*
	 * A cookie is looked at only where one may have been sent: always with
	 * syncookies 2; with 1, within two windows of this listener's last cookie
	 * (Linux's tcp_synq_no_recent_overflow()), so that in quiet times no guess can
	 * open a connection.
	 *
	 * RFC 9293 3.10.7.2 answers any other ACK to a listener with a RST. Not here:
	 * in a flood of forged ACKs every one would be answered (up to the RST budget)
	 * while the flow table says for sure that none of them is a connection of ours.
	 * Counted and dropped, as the segments of flows that ended.
	 */
	/*
	 * A FIN never completes a handshake from a cookie: a client sends its pure ACK
	 * first, always, and a FIN with a still-valid cookie is far more likely the end of
	 * a connection synq accepted and forgot (a full table of accepted flows) than a
	 * lost ACK. The price: that rare client retransmits its FIN until it gives up.
	 */
	if (l->tcp.syncookies == 0 || (th->tcp_flags & RTE_TCP_FIN_FLAG) ||
		(l->tcp.syncookies == 1 && (!tw->cookies_sent[li] ||
		tw->now_ms - tw->cookie_ms[li] > 2 * SYNQ_COOKIE_WINDOW_S * 1000))) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_NO_CONNECTION);
		return SYNQ_TCP_DROP;
	}
	{
		struct synq_cookie_opts co;
		struct synq_cookie_flow f;
		enum synq_tcp_verdict v;

		flow_of(p, &f);
		if (!synq_cookie_check(&tw->cookie, &f, seq - 1, ack - 1, tw->now_s, &co)) {
			synq_counter_inc(ctr, SYNQ_CTR_SYNCOOKIES_FAILED);
			return SYNQ_TCP_DROP;
		}
		synq_counter_inc(ctr, SYNQ_CTR_SYNCOOKIES_RECV);
		if (l->tcp.queue_model == SYNQ_QUEUE_LINUX ? synq_listener_accept_full(l)
							   : !bsd_take(l)) {
			if (l->tcp.queue_model == SYNQ_QUEUE_LINUX)
				synq_counter_inc(ctr, SYNQ_CTR_LISTEN_OVERFLOWS);
			synq_counter_inc(ctr, SYNQ_CTR_LISTEN_DROPS);
			if (l->tcp.abort_on_overflow)
				return send_rst(tw, ctr, seg->m, ifc, p, th, 0);
			return SYNQ_TCP_DROP;
		}
		c = conn_new(tw, seg, ifc, p, li);
		if (c == NULL) {
			bsd_give(l);
			synq_counter_inc(ctr, SYNQ_CTR_CONN_POOL_EMPTY);
			return SYNQ_TCP_DROP;
		}
		c->client_isn = seq - 1;
		c->our_isn = ack - 1;
		c->mss = RTE_MIN(co.mss, our_mss(p->family)); /* the table starts at 536 */
		c->snd_wscale = co.wscale;
		c->rcv_wscale = co.wscale == SYNQ_COOKIE_NO_WSCALE ? SYNQ_TCP_NO_WSCALE :
								     l->tcp.window_scale;
		c->sack = co.sack;
		/* an ACK carries timestamps only when both sides agreed to them (RFC 7323) */
		c->ts = o.ts;
		c->ts_recent = o.tsval;
		c->via_cookie = true;
		switch (publish(tw, ctr, l, c, seg, key, th, &o, data_off, data_len, false, &v)) {
		case PUBLISHED:
			return v;
		case FLOWS_FULL:
			bsd_give(l);
			return SYNQ_TCP_DROP;
		case RING_FULL:
			break;
		}
		bsd_give(l);
		synq_counter_inc(ctr, SYNQ_CTR_LISTEN_OVERFLOWS);
		synq_counter_inc(ctr, SYNQ_CTR_LISTEN_DROPS);
		if (l->tcp.abort_on_overflow)
			return send_rst(tw, ctr, seg->m, ifc, p, th, 0);
		return SYNQ_TCP_DROP;
	}
}

static enum synq_tcp_verdict
rst_input(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct synq_tcp_seg *seg,
	const struct synq_syn_key *key, const struct rte_tcp_hdr *th)
{
	struct synq_syn_entry *e = tw->syntab != NULL ? synq_syntab_lookup(tw->syntab, key) : NULL;

	if (e == NULL && tw->closing != NULL &&
		(e = synq_syntab_lookup(tw->closing, key)) != NULL) {
		struct synq_tcp_opts none = {.wscale = SYNQ_TCP_NO_WSCALE};

		return time_wait_input(tw, ctr, seg, e, th, 0, &none);
	}
	/*
	 * RFC 5961 3.2: only an exact sequence number resets (no blind injection); one
	 * in the window but not exact gets a challenge ACK, so that a real client whose
	 * numbers moved can answer with the exact RST.
	 */
	if (e != NULL && e->flags & SYNQ_SYN_F_USED) {
		uint32_t off = rte_be_to_cpu_32(th->sent_seq) - (e->client_isn + 1);

		if (off == 0) {
			entry_forget(tw, e);
			synq_counter_inc(ctr, SYNQ_CTR_EMBRYONIC_RSTS);
			return SYNQ_TCP_DROP;
		}
		if (off < SYNQ_TCP_SYNACK_WINDOW) {
			struct tcp_peer p;

			peer_of(e, tw->rxq[e->rxq_idx].iface, &p);
			return send_ack(tw, ctr, seg->m, tw->rxq[e->rxq_idx].iface, &p, e,
				SYNQ_CTR_CHALLENGE_ACKS);
		}
	}
	synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_RST);
	return SYNQ_TCP_DROP;
}

void
synq_tcp_prefetch4(const struct synq_tcp_worker *tw, uint32_t saddr, uint16_t sport,
	uint16_t dport, uint8_t daddr_idx, uint8_t rxq_idx)
{
	struct synq_syn_key key = {
		.sport = sport,
		.dport = dport,
		.family = 4,
		.daddr_idx = daddr_idx,
		.rxq_idx = rxq_idx,
	};

	if (!tw->syntab_used || tw->syntab == NULL)
		return;
	memcpy(key.saddr, &saddr, 4);
	synq_syntab_prefetch(tw->syntab, &key);
}

/* The sum of the segment's pseudo-header, as its IP header gives it. */
static uint64_t
l4_phdr_sum(const struct synq_tcp_seg *seg)
{
	if (seg->family == 4) {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)seg->l3;

		return synq_cksum_ipv4_phdr(ip->src_addr, ip->dst_addr, IPPROTO_TCP, seg->l4_len);
	}
	const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)seg->l3;

	return synq_cksum_ipv6_phdr(ip6->src_addr, ip6->dst_addr, IPPROTO_TCP, seg->l4_len);
}

enum synq_tcp_verdict
synq_tcp_input(struct synq_tcp_worker *tw, struct synq_counters *ctr, const struct synq_iface *ifc,
	struct synq_tcp_seg *seg)
{
	const struct rte_tcp_hdr *th = (const struct rte_tcp_hdr *)(seg->l3 + seg->l3_len);
	uint64_t l4_csum = seg->m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;
	struct synq_listener *l;
	struct synq_syn_key key;
	struct tcp_peer p;
	uint16_t doff;
	uint8_t flags;
	int bad;

	synq_counter_inc(ctr, SYNQ_CTR_TCP_IN_SEGS);
	if (seg->l4_len < sizeof(*th)) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_MALFORMED);
		return SYNQ_TCP_DROP;
	}
	doff = (uint16_t)((th->data_off >> 4) * 4);
	if (doff < sizeof(*th) || doff > seg->l4_len) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_MALFORMED);
		return SYNQ_TCP_DROP;
	}
	/* Trust the NIC's verdict when it gave one; else check in software. */
	if (l4_csum == RTE_MBUF_F_RX_L4_CKSUM_BAD)
		bad = 1;
	else if (l4_csum == RTE_MBUF_F_RX_L4_CKSUM_GOOD || l4_csum == RTE_MBUF_F_RX_L4_CKSUM_NONE)
		bad = 0;
	else
		bad = synq_cksum_fold(synq_cksum_add(l4_phdr_sum(seg), th, seg->l4_len)) != 0xffff;
	if (bad) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_IN_CSUM_ERRORS);
		return SYNQ_TCP_DROP;
	}

	memset(&p, 0, sizeof(p));
	p.family = seg->family;
	if (seg->family == 4) {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)seg->l3;

		memcpy(p.caddr, &ip->src_addr, 4);
		memcpy(p.saddr, &ip->dst_addr, 4);
	} else {
		const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)seg->l3;

		memcpy(p.caddr, ip6->src_addr, 16);
		memcpy(p.saddr, ip6->dst_addr, 16);
	}
	p.cport = th->src_port;
	p.sport = th->dst_port;
	p.cmac = rte_pktmbuf_mtod(seg->m, struct rte_ether_hdr *)->src_addr;
	flags = th->tcp_flags;

	l = tw != NULL ? synq_listener_lookup(tw->listeners, p.family, p.saddr, p.sport) : NULL;
	if (l == NULL) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_NO_LISTENER);
		if (flags & RTE_TCP_RST_FLAG)
			return SYNQ_TCP_DROP;
		return send_rst(tw, ctr, seg->m, ifc, &p, th,
			seg->l4_len - doff + !!(flags & RTE_TCP_SYN_FLAG) + !!(flags & RTE_TCP_FIN_FLAG));
	}
	/* RFC 9293 3.10.7.2 has no use for these; scanners and floods send them */
	if ((flags & (RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG)) ==
			(RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG) ||
		(flags & (RTE_TCP_SYN_FLAG | RTE_TCP_RST_FLAG)) ==
			(RTE_TCP_SYN_FLAG | RTE_TCP_RST_FLAG) ||
		(flags & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)) ==
			(RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)) {
		synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_BAD_FLAGS);
		return SYNQ_TCP_DROP;
	}

	memset(&key, 0, sizeof(key));
	memcpy(key.saddr, p.caddr, 16);
	key.sport = p.cport;
	key.dport = p.sport;
	key.family = p.family;
	key.daddr_idx = seg->daddr_idx;
	key.rxq_idx = seg->rxq_idx;

	if (tw->flows != NULL) {
		struct synq_conn *c = synq_flowtab_lookup(tw->flows, &key);

		if (c != NULL && c->state != SYNQ_TCP_CLOSED)
			return tcp_conn_input(tw, ctr, seg, c, th, doff);
	}
	if (flags & RTE_TCP_RST_FLAG)
		return rst_input(tw, ctr, seg, &key, th);
	if (flags & RTE_TCP_SYN_FLAG) {
		struct syn_info si = {.client_isn = rte_be_to_cpu_32(th->sent_seq)};

		if (synq_tcp_opts_parse((const uint8_t *)(th + 1), doff - sizeof(*th), &si.opts) !=
			0) {
			synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_BAD_OPTIONS);
			return SYNQ_TCP_DROP;
		}
		return syn_input(tw, ctr, ifc, seg, l, &p, &key, &si);
	}
	if (flags & RTE_TCP_ACK_FLAG)
		return ack_input(tw, ctr, ifc, seg, l, &p, &key, th, doff);
	synq_counter_inc(ctr, SYNQ_CTR_TCP_DROP_NO_CONNECTION);
	return SYNQ_TCP_DROP;
}

unsigned int
synq_tcp_timers(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct rte_mbuf **out,
	uint8_t *out_rxq, unsigned int max)
{
	struct synq_syn_entry *rtx[SYNQ_TCP_TIMER_BUDGET];
	struct synq_syn_entry expired[SYNQ_TCP_TIMER_BUDGET];
	unsigned int n = 0;
	uint32_t r;

	if (tw->syntab == NULL)
		return 0;
	r = synq_syntab_timers(tw->syntab, tw->now_ms, SYNQ_TCP_TIMER_BUDGET, tw->max_synack_retries, rtx,
		expired, RTE_MIN(max, (unsigned int)SYNQ_TCP_TIMER_BUDGET));
	for (unsigned int i = 0; i < (r >> 16); i++) {
		struct synq_listener *l = &tw->listeners->l[expired[i].listener];

		tw->halfopen[expired[i].listener]--;
		bsd_give(l);
		synq_counter_inc(ctr, SYNQ_CTR_SYN_TABLE_EXPIRED);
	}
	/*
	 * Retransmissions; an entry past its own listener's synack_retries (the table
	 * ran with the largest of them) expires here instead. Removing moves entries:
	 * collect first, remove after.
	 */
	{
		struct synq_syn_key gone[SYNQ_TCP_TIMER_BUDGET];
		unsigned int nb_gone = 0;

		for (unsigned int i = 0; i < (r & 0xffff); i++) {
			struct synq_syn_entry *e = rtx[i];
			struct synq_listener *l = &tw->listeners->l[e->listener];
			const struct synq_iface *ifc = tw->rxq[e->rxq_idx].iface;
			struct tcp_peer p;
			struct rte_mbuf *m;

			if (e->retries > l->tcp.synack_retries) {
				synq_syntab_key_of(e, &gone[nb_gone++]);
				continue;
			}
			m = rte_pktmbuf_alloc(tw->pool);
			if (m == NULL)
				continue;
			peer_of(e, ifc, &p);
			if (send_synack(m, ifc, &p, e->our_isn, e->client_isn, e->wscale,
				    e->flags & SYNQ_SYN_F_SACK, e->flags & SYNQ_SYN_F_TS,
				    e->ts_recent, l, tw->now_ms) != 0) {
				rte_pktmbuf_free(m);
				continue;
			}
			synq_counter_inc(ctr, SYNQ_CTR_TCP_SYN_RETRANS);
			synq_counter_inc(ctr, SYNQ_CTR_TCP_OUT_SEGS);
			out[n] = m;
			out_rxq[n] = e->rxq_idx;
			n++;
		}
		/* by key: a removal moves other entries, so no pointer survives it */
		for (unsigned int i = 0; i < nb_gone; i++) {
			struct synq_syn_entry *e = synq_syntab_lookup(tw->syntab, &gone[i]);

			if (e == NULL)
				continue;
			entry_forget(tw, e);
			synq_counter_inc(ctr, SYNQ_CTR_SYN_TABLE_EXPIRED);
		}
	}
	synq_counter_set(ctr, SYNQ_CTR_SYN_TABLE_ENTRIES, synq_syntab_count(tw->syntab));
	/*
	 * Accepted flows are remembered for 255 s (the timer schedule with 7 rounds),
	 * longer than a cookie lives (128 s): no replay can make a second connection.
	 */
	synq_syntab_timers(tw->estab, tw->now_ms, SYNQ_TCP_TIMER_BUDGET, 7, rtx, expired,
		SYNQ_TCP_TIMER_BUDGET);
	/* TIME-WAIT lasts the SYN-ACK schedule of 5 rounds: 63 s, about Linux's 60 */
	synq_syntab_timers(tw->closing, tw->now_ms, SYNQ_TCP_TIMER_BUDGET, 5, rtx, expired,
		SYNQ_TCP_TIMER_BUDGET);
	tcp_conn_timers(tw, ctr);
	return n;
}
