/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_TCP_INLINES_H
#define SYNQ_TCP_INLINES_H

/*
 * Small helpers every room of lib/tcp uses (VPP's tcp_inlines.h): sequence number
 * comparisons, sessions and connections by index, the dirty list, who a reply goes to.
 */

#include <string.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "tcp_types.h"

/* Sequence number comparisons, modulo 2^32 (RFC 9293 3.4). */
#define SEQ_LT(a, b) ((int32_t)((a) - (b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((a) - (b)) <= 0)
#define SEQ_GT(a, b) ((int32_t)((a) - (b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((a) - (b)) >= 0)

/* What the mbufs of @p m (a chain) cost: buffers and headers, as Linux's truesize. */
static inline uint32_t
tcp_truesize(const struct rte_mbuf *m)
{
	uint32_t t = 0;

	for (; m != NULL; m = m->next)
		t += (uint32_t)sizeof(*m) + m->priv_size + m->buf_len;
	return t;
}

/* The pool index of @p c: its session's too. */
static inline uint32_t
conn_idx(const struct synq_tcp_worker *tw, const struct tcp_conn *c)
{
	return (uint32_t)(c - tw->conns);
}

static inline struct tcp_conn *
conn_at(const struct synq_tcp_worker *tw, uint32_t idx)
{
	return &tw->conns[idx];
}

/* The session of @p c. */
static inline struct synq_session *
conn_session(const struct synq_tcp_worker *tw, const struct tcp_conn *c)
{
	return synq_session_at(tw->sessions, conn_idx(tw, c));
}

static inline const struct synq_listener *
conn_listener(const struct synq_tcp_worker *tw, const struct tcp_conn *c)
{
	return &tw->listeners->l[c->listener];
}

static inline bool
is_estab(uint8_t state)
{
	return state == SYNQ_TCP_ESTABLISHED || state == SYNQ_TCP_CLOSE_WAIT;
}

/* Our MSS for data: the client's MSS less the timestamp option (RFC 6691). */
static inline uint32_t
snd_mss(const struct tcp_conn *c)
{
	return (uint32_t)c->mss - (c->ts ? SYNQ_TCP_OPTS_TS_LEN : 0);
}

/* Put @p c on the list of connections synq_tcp_output() looks at. */
static inline void
mark_dirty(struct synq_tcp_worker *tw, struct tcp_conn *c)
{
	if (c->wflags & WF_DIRTY)
		return;
	/* the list has room for every connection of the pool: it cannot overflow */
	c->wflags |= WF_DIRTY;
	tw->dirty[tw->nb_dirty++] = conn_idx(tw, c);
}

/* The link slot of tcp_conn's oprev[] / onext[] that list @p o goes through. */
static inline unsigned int
olist_slot(enum tcp_orphan_order o)
{
	return o == TCP_BY_CLOSE ? 0 : 1;
}

/* Take orphan @p c out of its listener's list @p o (wherever it is in it). */
static inline void
olist_unlink(struct synq_tcp_worker *tw, struct tcp_conn *c, enum tcp_orphan_order o)
{
	struct tcp_olist *l = &tw->orphan_list[c->listener][o];
	unsigned int k = olist_slot(o);

	if (c->oprev[k] != TCP_NO_CONN)
		conn_at(tw, c->oprev[k])->onext[k] = c->onext[k];
	else
		l->first = c->onext[k];
	if (c->onext[k] != TCP_NO_CONN)
		conn_at(tw, c->onext[k])->oprev[k] = c->oprev[k];
	else
		l->last = c->oprev[k];
}

/* Put orphan @p c (in no list of @p o's slot) at the end of its listener's list @p o. */
static inline void
olist_append(struct synq_tcp_worker *tw, struct tcp_conn *c, enum tcp_orphan_order o)
{
	struct tcp_olist *l = &tw->orphan_list[c->listener][o];
	unsigned int k = olist_slot(o);
	uint32_t idx = conn_idx(tw, c);

	c->oprev[k] = l->last;
	c->onext[k] = TCP_NO_CONN;
	if (l->last != TCP_NO_CONN)
		conn_at(tw, l->last)->onext[k] = idx;
	else
		l->first = idx;
	l->last = idx;
}

/* Orphan @p c leaves its eviction class for the end of class @p o. */
static inline void
orphan_reclass(struct synq_tcp_worker *tw, struct tcp_conn *c, enum tcp_orphan_order o)
{
	olist_unlink(tw, c, (enum tcp_orphan_order)c->oclass);
	olist_append(tw, c, o);
	c->oclass = (uint8_t)o;
}

/* @p c leaves the flow table or reaches TIME-WAIT: no longer one of the worker's orphans. */
static inline void
orphan_end(struct synq_tcp_worker *tw, struct tcp_conn *c)
{
	if (!c->orphan)
		return;
	olist_unlink(tw, c, TCP_BY_CLOSE);
	olist_unlink(tw, c, (enum tcp_orphan_order)c->oclass);
	c->orphan = false;
	tw->orphans--;
	tw->orphans_of[c->listener]--;
}

/* Take @p c off the dirty list (a connection that nobody saw, or one forgotten). */
static inline void
dirty_forget(struct synq_tcp_worker *tw, struct tcp_conn *c)
{
	if (!(c->wflags & WF_DIRTY))
		return;
	for (uint32_t i = 0; i < tw->nb_dirty; i++)
		if (tw->dirty[i] == conn_idx(tw, c)) {
			tw->dirty[i] = tw->dirty[--tw->nb_dirty];
			break;
		}
	c->wflags &= (uint16_t)~WF_DIRTY;
}

/* From promotion to handover, connection @p idx is this worker's, for generation @p gen. */
static inline void
conn_own(struct synq_tcp_worker *tw, uint32_t idx, uint16_t gen)
{
	tw->owned[idx] = TCP_OWNED | gen;
}

/*
 * Zero connection @p c, a cache line at a time. One memset (or compound literal) of
 * the whole object compiles to rep stosq, 32 iterations and slow to start on most
 * x86 cores; a memset of a line, to 4 vector stores (GCC 12, release build).
 */
static inline void
conn_zero(struct tcp_conn *c)
{
	uint8_t *p = (uint8_t *)c;

	memset(p, 0, RTE_CACHE_LINE_SIZE);
	memset(p + RTE_CACHE_LINE_SIZE, 0, RTE_CACHE_LINE_SIZE);
	memset(p + 2 * RTE_CACHE_LINE_SIZE, 0, RTE_CACHE_LINE_SIZE);
	memset(p + 3 * RTE_CACHE_LINE_SIZE, 0, RTE_CACHE_LINE_SIZE);
}
_Static_assert(sizeof(struct tcp_conn) == 4 * RTE_CACHE_LINE_SIZE, "conn_zero(): four lines");

static inline void
conn_disown(struct synq_tcp_worker *tw, uint32_t idx)
{
	tw->owned[idx] = 0;
}

/* Does this worker carry connection @p idx of the session's generation @p gen? */
static inline bool
conn_owned(const struct synq_tcp_worker *tw, uint32_t idx, uint16_t gen)
{
	return tw->owned[idx] == (TCP_OWNED | gen);
}

/* Our MSS on a 1500-byte link. */
static inline uint16_t
our_mss(uint8_t family)
{
	return family == 4 ? SYNQ_TCP_MSS4 : SYNQ_TCP_MSS6;
}

/* The MSS to assume for a client that sent none. */
static inline uint16_t
default_mss(uint8_t family)
{
	return family == 4 ? TCP_DEFAULT_MSS4 : TCP_DEFAULT_MSS6;
}

/* The window a SYN-ACK of a listener with @p t offers. */
static inline uint16_t
synack_window(const struct synq_config_tcp *t)
{
	return (uint16_t)(t->rcv_buf < SYNQ_TCP_SYNACK_WINDOW ? t->rcv_buf
							      : SYNQ_TCP_SYNACK_WINDOW);
}

/* Who a reply for the flow @p k goes to: our address number k->daddr_idx on @p ifc. */
static inline void
peer_of_key(const struct synq_flow_key *k, const struct rte_ether_addr *mac,
	const struct synq_iface *ifc, struct tcp_peer *p)
{
	memset(p, 0, sizeof(*p));
	p->family = k->family;
	memcpy(p->caddr, k->saddr, sizeof(p->caddr));
	if (k->family == 4)
		memcpy(p->saddr, &ifc->ipv4[k->daddr_idx], 4);
	else
		memcpy(p->saddr, ifc->ipv6[k->daddr_idx], 16);
	p->cport = k->sport;
	p->sport = k->dport;
	p->cmac = *mac;
}

/* The interface a flow of the worker's rx queue @p rxq_idx uses. */
static inline const struct synq_iface *
rxq_iface(const struct synq_tcp_worker *tw, uint8_t rxq_idx)
{
	return tw->rxq[rxq_idx].iface;
}

/*
 * The hash of @p seg's flow key @p key with the worker's table seed, computed the first
 * time a table needs it (or by the burst's prefetch) and kept in the record: every
 * table of the segment takes the same (issue 14), and a segment that looks up none
 * (a cookie SYN of a flood) computes none.
 */
static inline uint64_t
tcp_seg_hash(
	const struct synq_tcp_worker *tw, struct synq_tcp_seg *seg, const struct synq_flow_key *key)
{
	if (!seg->hashed) {
		seg->hash = tcp_hash(&tw->seed, key);
		seg->hashed = true;
	}
	return seg->hash;
}

/*
 * The flow key of @p seg: the client's address and port, our port, which of our
 * addresses and rx queues. IPv4 writes its 4 address bytes and zeroes the other 12,
 * no copy through a 16-byte address. Made only where a table is looked up: a cookie
 * SYN of a flood needs none (issue 14). @return @p key.
 */
static inline const struct synq_flow_key *
tcp_key_of_seg(const struct synq_tcp_seg *seg, struct synq_flow_key *key)
{
	if (seg->family == 4) {
		uint32_t zero[3] = {0, 0, 0};

		memcpy(key->saddr, &seg->saddr4, 4);
		memcpy(key->saddr + 4, zero, sizeof(zero));
	} else {
		memcpy(key->saddr, ((const struct rte_ipv6_hdr *)seg->l3)->src_addr, 16);
	}
	key->sport = seg->th->src_port;
	key->dport = seg->th->dst_port;
	key->family = seg->family;
	key->daddr_idx = seg->daddr_idx;
	key->rxq_idx = seg->rxq_idx;
	key->pad = 0;
	return key;
}

/*
 * Who @p seg came from and went to: the reply's peer. Made only on the ways that
 * answer or keep something of the flow, not for a cookie SYN whose SYN-ACK is written
 * over it from the record, nor for a segment a check drops (issue 14).
 */
static inline void
tcp_peer_of_seg(const struct synq_tcp_seg *seg, struct tcp_peer *p)
{
	memset(p, 0, sizeof(*p));
	p->family = seg->family;
	if (seg->family == 4) {
		memcpy(p->caddr, &seg->saddr4, 4);
		memcpy(p->saddr, &seg->daddr4, 4);
	} else {
		const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)seg->l3;

		memcpy(p->caddr, ip6->src_addr, 16);
		memcpy(p->saddr, ip6->dst_addr, 16);
	}
	p->cport = seg->th->src_port;
	p->sport = seg->th->dst_port;
	p->cmac = rte_pktmbuf_mtod(seg->m, struct rte_ether_hdr *)->src_addr;
}

/* The cookie's view of @p p: of an IPv4 address only the 4 bytes it reads are copied. */
static inline void
cookie_flow_of(const struct tcp_peer *p, struct synq_cookie_flow *f)
{
	f->family = p->family;
	if (p->family == 4) {
		memcpy(f->saddr, p->caddr, 4);
		memcpy(f->daddr, p->saddr, 4);
	} else {
		memcpy(f->saddr, p->caddr, 16);
		memcpy(f->daddr, p->saddr, 16);
	}
	f->sport = p->cport;
	f->dport = p->sport;
}

#endif /* SYNQ_TCP_INLINES_H */
