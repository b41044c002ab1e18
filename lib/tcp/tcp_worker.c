/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The transport's control plane and a worker's clock and timers: the part every
 * worker shares (its connections, one per session), a worker's own state (tables
 * sized from the listeners, the cookie and ISN keys), the clock read once a burst,
 * the timers run between bursts; and what tests and harnesses read or reset.
 */

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>

#include "synq_mem.h"
#include "synq_srclimit.h"
#include "tcp_hash.h"
#include "tcp_priv.h"

/* Without EAL (unit tests, fuzzing, the microbenchmark) the TSC rate is unknown. */
#define TSC_HZ_NO_EAL UINT64_C(1000000000)

struct synq_tcp *
synq_tcp_create(struct synq_listeners *ls, struct synq_sessions *ss,
	const uint8_t secret[SYNQ_COOKIE_SECRET_LEN], int socket)
{
	bool eal = synq_mem_eal();
	struct synq_tcp *tcp = synq_mem_alloc("synq_tcp", sizeof(*tcp), socket, eal);

	if (tcp == NULL)
		goto nomem;
	tcp->listeners = ls;
	tcp->sessions = ss;
	tcp->eal_mem = eal;
	memcpy(tcp->secret, secret, sizeof(tcp->secret));
	if (ss->nb != 0) {
		tcp->conns = synq_mem_alloc("synq_tcp_conns", (size_t)ss->nb * sizeof(*tcp->conns),
			socket, eal);
		tcp->rcv_held = synq_mem_alloc("synq_tcp_rcv_held",
			(size_t)ss->nb * sizeof(*tcp->rcv_held), socket, eal);
		if (tcp->conns == NULL || tcp->rcv_held == NULL) {
			synq_mem_free(tcp->conns, eal);
			synq_mem_free(tcp->rcv_held, eal);
			synq_mem_free(tcp, eal);
			goto nomem;
		}
	}
	return tcp;
nomem:
	rte_errno = ENOMEM;
	return NULL;
}

void
synq_tcp_free(struct synq_tcp *tcp)
{
	if (tcp == NULL)
		return;
	/* what connections still hold: data queued either way */
	for (uint32_t i = 0; tcp->conns != NULL && i < tcp->sessions->nb; i++) {
		rte_pktmbuf_free(tcp->conns[i].sndq);
		rte_pktmbuf_free(tcp->conns[i].rcvq);
	}
	synq_mem_free(tcp->conns, tcp->eal_mem);
	synq_mem_free(tcp->rcv_held, tcp->eal_mem);
	synq_mem_free(tcp, tcp->eal_mem);
}

/* The tables, sized from every listener's share. */
static int
tables_create(struct synq_tcp_worker *tw, uint32_t flowmem_min, int socket)
{
	const struct synq_listeners *ls = tw->listeners;
	uint64_t entries = 0, flows = 0;
	uint64_t memory = flowmem_min != 0 ? flowmem_min : TCP_FLOWS_MIN;

	for (unsigned int i = 0; i < ls->nb; i++) {
		entries += ls->l[i].syn_share;
		flows += synq_listener_flows(&ls->l[i]);
	}
	if (entries == 0)
		return 0;
	tw->syntab = synq_syntab_create((uint32_t)RTE_MIN(entries, SYNQ_FLOW_TABLE_MAX), socket);
	/* TIME-WAIT holds at most half of it (tcp_time_wait_enter()) */
	tw->time_wait = synq_flowmem_create("synq_time_wait",
		(uint32_t)RTE_MIN(memory + flows, SYNQ_FLOW_TABLE_MAX), socket);
	/* as large as TIME-WAIT's: the rate of cookie flows it holds is in tcp_types.h */
	tw->replay = synq_flowmem_create("synq_replay",
		(uint32_t)RTE_MIN(memory + flows, SYNQ_FLOW_TABLE_MAX), socket);
	tw->flows = synq_flowtab_create((uint32_t)RTE_MIN(flows, SYNQ_FLOW_TABLE_MAX), tw->conns,
		sizeof(*tw->conns), socket);
	/* by pool index: every connection of the pool may be dirty at once */
	tw->dirty = synq_mem_alloc("synq_dirty", (size_t)tw->sessions->nb * sizeof(uint32_t),
		socket, tw->tcp->eal_mem);
	tw->owned = synq_mem_alloc("synq_owned", (size_t)tw->sessions->nb * sizeof(uint32_t),
		socket, tw->tcp->eal_mem);
	if (tw->syntab == NULL || tw->time_wait == NULL || tw->replay == NULL ||
		tw->flows == NULL || tw->dirty == NULL || tw->owned == NULL)
		return -ENOMEM;
	/*
	 * One seed for the tables a segment's key is looked up in: its hash is computed
	 * once (synq_tcp_input_parsed()) and taken by each. The replay memory's keys are
	 * others (tcp_replay_key()), hashed with the same seed: once for its lookup and
	 * its insert (ack_of_cookie(), promote()).
	 */
	tcp_hash_seed_init(&tw->seed, tw);
	synq_syntab_seed(tw->syntab, &tw->seed);
	synq_flowmem_seed(tw->time_wait, &tw->seed);
	synq_flowtab_seed(tw->flows, &tw->seed);
	synq_flowmem_seed(tw->replay, &tw->seed);
	return 0;
}

struct synq_tcp_worker *
synq_tcp_worker_create(struct synq_tcp *tcp, const struct synq_tcp_worker_conf *conf)
{
	const struct synq_listeners *ls = tcp->listeners;
	struct synq_tcp_worker *tw;
	uint8_t isn_key[16];
	uint64_t src_mul[TCP_SRC_ROWS];
	int rc;

	tw = synq_mem_alloc("synq_tcp_worker", sizeof(*tw), conf->socket, tcp->eal_mem);
	if (tw == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	tw->tcp = tcp;
	tw->listeners = tcp->listeners;
	tw->sessions = tcp->sessions;
	tw->conns = tcp->conns;
	tw->rcv_held = tcp->rcv_held;
	tw->lcore_id = conf->lcore_id;
	tw->pool = conf->pool;
	tw->mem_budget = conf->mem_budget != 0 ? conf->mem_budget : UINT64_MAX;
	tw->app_rings = conf->app_rings;
	memcpy(tw->rxq, conf->rxq, sizeof(tw->rxq));
	tw->nb_rxq = conf->nb_rxq;
	tw->send_routed = conf->send_routed;
	tw->send_arg = conf->send_arg;
	/* every listener's lists of orphans empty: TCP_NO_CONN is all ones */
	memset(tw->orphan_list, 0xff, sizeof(tw->orphan_list));
	for (unsigned int i = 0; i < ls->nb; i++) {
		if (ls->l[i].tcp.syncookies != SYNQ_SYNCOOKIES_ALWAYS)
			tw->syntab_used = true;
		/* the SYN table runs with the largest; each listener's own is applied after */
		tw->max_synack_retries = RTE_MAX(tw->max_synack_retries,
			ls->l[i].tcp.synack_retries);
	}
	rc = tables_create(tw, conf->flowmem_min, conf->socket);
	if (rc == 0)
		rc = synq_srclimit_create(&tw->srclimit, ls, conf->socket);
	/* RFC 6528: F() keyed with a secret of this node's own */
	if (rc == 0 && getrandom(isn_key, sizeof(isn_key), 0) != (ssize_t)sizeof(isn_key))
		rc = -EIO;
	/* the sources' sketch (tcp_mem_victim()): its hashes a client cannot know */
	if (rc == 0 && getrandom(src_mul, sizeof(src_mul), 0) != (ssize_t)sizeof(src_mul))
		rc = -EIO;
	if (rc != 0) {
		synq_tcp_worker_free(tw);
		rte_errno = -rc;
		return NULL;
	}
	synq_cookie_init(&tw->cookie, tcp->secret);
	tw->isn_key = synq_sipkey_load(isn_key);
	for (unsigned int r = 0; r < TCP_SRC_ROWS; r++)
		tw->src_mul[r] = src_mul[r] | 1;
	{
		uint64_t hz = conf->tsc_hz != 0 ? conf->tsc_hz
			: rte_get_tsc_hz() != 0 ? rte_get_tsc_hz() : TSC_HZ_NO_EAL;

		tw->hz_ms = RTE_MAX(hz / 1000, (uint64_t)1);
		tw->hz_4us = RTE_MAX(hz / 250000, (uint64_t)1);
	}
	tw->tsc0 = rte_rdtsc();
	if (synq_srcsketch_init(&tw->sources, tw->hz_ms * 1000, tw->tsc0) != 0) {
		synq_tcp_worker_free(tw);
		rte_errno = EIO;
		return NULL;
	}
	tw->rst_tokens = TCP_RST_BURST;
	tw->rtx_synacks.tokens = TCP_SYNACK_BURST;
	synq_tcp_clock(tw, tw->tsc0);
	return tw;
}

void
synq_tcp_worker_free(struct synq_tcp_worker *tw)
{
	if (tw == NULL)
		return;
	synq_syntab_free(tw->syntab);
	synq_srclimit_free(tw->srclimit);
	synq_flowmem_free(tw->time_wait);
	synq_flowmem_free(tw->replay);
	synq_flowtab_free(tw->flows);
	synq_mem_free(tw->dirty, tw->tcp->eal_mem);
	synq_mem_free(tw->owned, tw->tcp->eal_mem);
	synq_mem_free(tw, tw->tcp->eal_mem);
}

const struct synq_srcsketch *
synq_tcp_worker_sketch(const struct synq_tcp_worker *tw)
{
	return &tw->sources;
}

void
synq_tcp_clock(struct synq_tcp_worker *tw, uint64_t tsc)
{
	/* divide first: (tsc - tsc0) * 1000 would overflow after 82 days at 2.6 GHz */
	uint64_t ms = (tsc - tw->tsc0) / tw->hz_ms;
	struct timespec wall;

	tw->now_tsc = tsc;
	tw->now_ms = (uint32_t)ms;
	/* once a burst, not a SYN: a 64-bit division costs 15 to 90 cycles */
	tw->now_isn_m = (uint32_t)((tsc - tw->tsc0) / tw->hz_4us);
	tw->round++;
	synq_srcsketch_tick(&tw->sources, tsc);
	/*
	 * Cookie windows follow the wall clock itself (NTP slews and steps included),
	 * not the TSC, so nodes sharing a secret agree on them: a vDSO read per burst.
	 */
	clock_gettime(CLOCK_REALTIME_COARSE, &wall);
	tw->now_s = synq_cookie_clock(&tw->cookie_clock, (uint64_t)wall.tv_sec, ms);
}

uint32_t
synq_tcp_worker_rotate_secret(
	struct synq_tcp_worker *tw, const uint8_t secret[SYNQ_COOKIE_SECRET_LEN])
{
	/* the clock of the last burst: the window the worker makes its cookies in now */
	synq_cookie_rotate(&tw->cookie, secret, tw->now_s);
	return tw->cookie.next_from;
}

unsigned int
synq_tcp_timers(struct synq_tcp_worker *tw, struct synq_counters *ctr, struct rte_mbuf **out,
	uint8_t *out_rxq, unsigned int max)
{
	unsigned int n;

	if (tw->syntab == NULL)
		return 0;
	n = tcp_handshake_timers(tw, ctr, out, out_rxq, max);
	synq_flowmem_expire(tw->replay, tw->now_ms, TCP_TIMER_BUDGET);
	synq_flowmem_expire(tw->time_wait, tw->now_ms, TCP_TIMER_BUDGET);
	tcp_conn_timers(tw, ctr);
	synq_counter_set(ctr, SYNQ_CTR_COOKIE_CLOCK_BACK, tw->cookie_clock.steps);
	return n;
}

void
synq_tcp_worker_info(const struct synq_tcp_worker *tw, struct synq_tcp_worker_info *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->halfopen, tw->halfopen, sizeof(out->halfopen));
	memcpy(out->cookies_sent, tw->cookies_sent, sizeof(out->cookies_sent));
	if (tw->syntab == NULL)
		return;
	out->syn_entries = synq_syntab_count(tw->syntab);
	out->flows = synq_flowtab_count(tw->flows);
	out->time_wait = synq_flowmem_count(tw->time_wait);
	out->replay = synq_flowmem_count(tw->replay);
	out->curr_estab = tw->curr_estab;
	out->time_wait_max = synq_flowmem_capacity(tw->time_wait);
	out->replay_max = synq_flowmem_capacity(tw->replay);
}

int
synq_tcp_conn_info(const struct synq_tcp_worker *tw, const struct synq_session *s,
	struct synq_tcp_conn_info *out)
{
	uint32_t idx = synq_session_index(tw->sessions, s);
	const struct tcp_conn *c = conn_at(tw, idx);
	const struct synq_tcp_rxq *rq;

	if (tw->owned == NULL || !conn_owned(tw, idx, synq_session_gen(s)))
		return -ENOENT;
	rq = &tw->rxq[c->key.rxq_idx];
	*out = (struct synq_tcp_conn_info){
		.state = (enum synq_tcp_state)c->state,
		.client_isn = c->client_isn,
		.our_isn = c->our_isn,
		.mss = c->mss,
		.snd_wscale = c->snd_wscale,
		.rcv_wscale = c->rcv_wscale,
		.sack = c->sack,
		.ts = c->ts,
		.via_cookie = c->via_cookie,
		.ts_recent = c->ts_recent,
		.syn_tsc = c->syn_tsc,
		.ack_tsc = c->ack_tsc,
		.port_id = rq->port_id,
		.rxq_idx = c->key.rxq_idx,
		.peer_mac = c->peer_mac,
		.our_mac = rq->iface->mac,
		.snd_queued = c->sndq_len,
		.rtx_ms = c->rtx_ms,
	};
	for (const struct rte_mbuf *m = c->rcvq; m != NULL; m = m->next)
		out->rcv_queued += rte_pktmbuf_pkt_len(m);
	return 0;
}

void
synq_tcp_output_discard(struct synq_tcp_worker *tw)
{
	for (uint32_t i = 0; i < tw->nb_dirty; i++) {
		struct tcp_conn *c = conn_at(tw, tw->dirty[i]);

		/* what output would have done; the state itself stays */
		c->wflags &= (uint16_t)~(WF_DIRTY | WF_ACK_NOW | WF_ACK_DATA | WF_RST_NOW |
			WF_RTX_ONE | WF_PROBE | WF_WND_CHECK | WF_CHALLENGE);
		c->rcvq = c->rcvq_tail = NULL;
		tcp_mem_rcv_clear(tw, c);
	}
	tw->nb_dirty = 0;
}

void
synq_tcp_conn_forget(struct synq_tcp_worker *tw, struct synq_session *s)
{
	uint32_t idx = synq_session_index(tw->sessions, s);
	struct tcp_conn *c = conn_at(tw, idx);
	struct synq_flowmem_entry *a;
	struct synq_flow_key rk;

	if (!conn_owned(tw, idx, synq_session_gen(s)))
		return;
	conn_disown(tw, idx);
	tcp_replay_key(tw, &c->key, c->client_isn, c->our_isn, &rk);
	a = synq_flowmem_lookup(tw->replay, &rk);
	if (a != NULL)
		synq_flowmem_remove(tw->replay, a);
	dirty_forget(tw, c);
	if (c->state != SYNQ_TCP_CLOSED && c->state != SYNQ_TCP_FREE) {
		orphan_end(tw, c);
		synq_flowtab_remove(tw->flows, c);
		tw->flows_of[c->listener]--;
		if (!(c->wflags & WF_ACTIVE)) { /* one synq opened took no source's share */
			tw->clients_of[c->listener]--;
			synq_srclimit_put(tw->srclimit, c->listener, c->key.family, c->key.saddr);
		}
		if (is_estab(c->state))
			tw->curr_estab--;
	}
	c->sndq = c->sndq_tail = NULL;
	c->rcvq = c->rcvq_tail = NULL;
	tcp_mem_release(tw, c);
	c->wflags = 0;
	c->state = SYNQ_TCP_FREE;
}

void
synq_tcp_worker_set_send(struct synq_tcp_worker *tw, synq_tcp_send_routed_t fn, void *arg)
{
	tw->send_routed = fn;
	tw->send_arg = arg;
}

void
synq_tcp_worker_set_rss(struct synq_tcp_worker *tw, unsigned int rxq_idx,
	const struct synq_rss *rss)
{
	if (rxq_idx < tw->nb_rxq)
		tw->rxq[rxq_idx].rss = rss;
}
