/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The proxy app (issue 13): each connection a proxy listener accepts (the client side)
 * is relayed to one of the listener's backends over a connection synq opens itself
 * (synq_app_connect(), the backend side), through the same interface as any app.
 *
 *   - the backend: round_robin (smooth weighted, as nginx's), least_conn (the fewest
 *     connections of this lcore for its weight) or source_hash (a keyed hash of the
 *     client's address over the weights); a REFUSED, TIMEDOUT or CONNECT_FAILED
 *     backend -> the next one in order (a CONNECT_FAILED for synq's own shortage:
 *     SynqProxyConnectLocal, charged to no backend's statistics), while
 *     connect_timeout_ms since the accept has not passed and a backend is left
 *     untried; none left -> the client's RST (SynqProxyNoBackend);
 *   - on CONNECTED, the PROXY protocol header first (v1 or v2, proxy_protocol), then
 *     the bytes both ways, zero-copy: a data event's mbuf of one side is sent on the
 *     other. A send that finds no room in the other side's snd_buf keeps the bytes,
 *     unconsumed: the side they came from has its window shut until the other side's
 *     ACKs make room (as echo does). What waits is bounded by the listener's rcv_buf;
 *   - a FIN on one side closes the other's sending side once what waits is out; a
 *     RESET on one side aborts the other (a backend's, once what it sent before is
 *     out to the client and acknowledged); a FIN or RST the full command outbox refuses
 *     is owed, sent again at every scan (side_shut()); the client's session is
 *     released once both sides are CLOSED, and its pool index names the pair's state
 *     meanwhile.
 *
 * Per pair, a fixed entry of an array sized with the session pool (by the client's
 * index): nothing a client sends makes the state grow. The backend session keeps in
 * app_u64[0] its side and backend, in app_u64[1] the pair's index.
 *
 * Per backend and app lcore, statistics in the listener (synq_backend_stats): each
 * lcore writes its own row, the stats document sums them. The health checks, which
 * take backends down and up: builtin_proxy_check.c; the state both share:
 * proxy_priv.h.
 */

#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "builtin_priv.h"
#include "proxy_priv.h"
#include "synq_proxyproto.h"

int
builtin_proxy_prepare(struct synq_app_lcore *a)
{
	struct synq_proxy *p;
	uint32_t n = RTE_MAX(a->ss->nb, 1u);

	if (a->proxy != NULL)
		return 0;
	p = rte_zmalloc("synq_proxy", sizeof(*p), 0);
	if (p == NULL)
		return -ENOMEM;
	p->pair = rte_zmalloc("synq_proxy_pairs", (size_t)n * sizeof(*p->pair), 0);
	for (unsigned int l = 0; l < PL_MAX; l++)
		p->list[l] = rte_zmalloc("synq_proxy_list", (size_t)n * sizeof(uint32_t), 0);
	if (p->pair == NULL || p->list[PL_CONNECTING] == NULL || p->list[PL_BLOCKED] == NULL ||
		p->list[PL_OWED] == NULL) {
		rte_free(p->pair);
		for (unsigned int l = 0; l < PL_MAX; l++)
			rte_free(p->list[l]);
		rte_free(p);
		return -ENOMEM;
	}
	/* source_hash: a key of this lcore's, so that no client chooses its backend */
	p->hash_key = (uint32_t)rte_rand();
	for (unsigned int li = 0; li < SYNQ_MAX_LISTENERS; li++)
		for (unsigned int b = 0; b < SYNQ_MAX_BACKENDS; b++)
			p->check[li][b].s = NONE;
	proxy_workers_build(&p->workers, a->cfg, a->rss_ports);
	a->proxy = p;
	return 0;
}

void
builtin_proxy_free(struct synq_app_lcore *a)
{
	struct synq_proxy *p = a->proxy;

	if (p == NULL)
		return;
	for (uint32_t i = 0; i < a->ss->nb; i++)
		for (int d = 0; d < 2; d++)
			rte_pktmbuf_free(p->pair[i].side[d].q);
	rte_free(p->pair);
	for (unsigned int l = 0; l < PL_MAX; l++)
		rte_free(p->list[l]);
	rte_free(p);
	a->proxy = NULL;
}

static inline const struct synq_config_proxy *
conf_of(const struct synq_app_lcore *a, const struct proxy_pair *pp)
{
	return &a->ls->l[pp->listener].conf->proxy;
}

static inline struct synq_session *
sess(const struct synq_app_lcore *a, const struct proxy_pair *pp, int d)
{
	return pp->side[d].s == NONE ? NULL : synq_session_at(a->ss, pp->side[d].s);
}

static void
connecting_del(struct synq_proxy *p, struct proxy_pair *pp, uint32_t idx __rte_unused)
{
	proxy_list_del(p, PL_CONNECTING, pp);
}

/* Drop what waits to be sent on side @p sd, counted. */
static void
drop_waiting(struct synq_app_lcore *a, struct proxy_side *sd)
{
	uint64_t n = 0;

	for (const struct rte_mbuf *m = sd->q; m != NULL; m = m->next)
		n += m->data_len;
	synq_counter_add(a->ctr, SYNQ_CTR_PROXY_BYTES_DROPPED, n);
	rte_pktmbuf_free(sd->q);
	sd->q = sd->qt = NULL;
}

/*
 * Side @p d of @p pp is shut by @p how (SHUT_FIN, SHUT_ABORT), the command's result
 * @p rc: one the full outbox refused (-ENOBUFS) is owed, sent again at each scan
 * (owed_send()). Else the FIN or RST would never go: the peer held open to the idle
 * timeout (for ever with idle_timeout_ms 0), a backend never told that its client
 * reset, the pair's sessions held as long.
 */
static void
side_shut(struct synq_app_lcore *a, struct proxy_pair *pp, int d, uint8_t how, int rc)
{
	struct proxy_side *sd = &pp->side[d];

	sd->shut = how;
	sd->owed = 0;
	if (rc != -ENOBUFS)
		return;
	sd->owed = how;
	synq_counter_inc(a->ctr, SYNQ_CTR_PROXY_SHUT_DEFERRED);
	proxy_list_add(a->proxy, PL_OWED, pp, (uint32_t)(pp - a->proxy->pair));
}

/* Abort side @p d of @p pp (a RST), once; what waits for it is dropped. */
static void
side_abort(struct synq_app_lcore *a, struct proxy_pair *pp, int d)
{
	struct proxy_side *sd = &pp->side[d];
	struct synq_session *s = sess(a, pp, d);

	drop_waiting(a, sd);
	/* after our FIN too: its peer may still be sending, to a side that is gone */
	if (s == NULL || sd->shut == SHUT_ABORT || sd->dead)
		return;
	side_shut(a, pp, d, SHUT_ABORT, synq_app_abort(a, s));
}

/*
 * @p len bytes of side @p d dealt with: its window may open. The outbox full: they are
 * counted, but the worker not told (synq_app_consumed()); owed, synq_app_window() at
 * each scan: else the sender's window stays shut until the worker's timer sweep finds
 * it grown (tcp_conn_timers(), once a round of the flow table, 256 slots a tick).
 */
static void
consumed(struct synq_app_lcore *a, struct proxy_pair *pp, int d, uint32_t len)
{
	struct synq_session *s = sess(a, pp, d);

	if (s == NULL || pp->side[d].dead || synq_app_consumed(a, s, len) != -ENOBUFS ||
		pp->side[d].win_owed)
		return;
	pp->side[d].win_owed = 1;
	synq_counter_inc(a->ctr, SYNQ_CTR_PROXY_WINDOW_DEFERRED);
	proxy_list_add(a->proxy, PL_OWED, pp, (uint32_t)(pp - a->proxy->pair));
}

/*
 * The FINs, RSTs and windows owed (side_shut(), consumed()), in turn, while the outbox
 * takes them: at the first it refuses, the rest wait for the next scan (no room for
 * them either); one whose side is gone (its RESET or CLOSED came) is owed no more.
 */
static void
owed_send(struct synq_app_lcore *a)
{
	struct synq_proxy *p = a->proxy;

	/* each pair done is taken out, the last in its place: the list's first is next */
	while (p->nb[PL_OWED] != 0) {
		struct proxy_pair *pp = &p->pair[p->list[PL_OWED][0]];

		for (int d = 0; d < 2; d++) {
			struct proxy_side *sd = &pp->side[d];
			struct synq_session *s = sess(a, pp, d);

			if (sd->win_owed && s != NULL && !sd->dead &&
				synq_app_window(a, s) == -ENOBUFS)
				return;
			sd->win_owed = 0;
			if (sd->owed == 0)
				continue;
			if (s != NULL && !sd->dead &&
				(sd->owed == SHUT_ABORT ? synq_app_abort(a, s)
							: synq_app_close(a, s)) == -ENOBUFS)
				return;
			sd->owed = 0;
		}
		proxy_list_del(p, PL_OWED, pp);
	}
}

/* The client gets a RST: no backend (counted @p ctr). */
static void
give_up(struct synq_app_lcore *a, struct proxy_pair *pp, uint32_t idx, enum synq_counter ctr)
{
	synq_counter_inc(a->ctr, ctr);
	connecting_del(a->proxy, pp, idx);
	side_abort(a, pp, SIDE_BACK);
	side_abort(a, pp, SIDE_CLI);
}

/* Open a connection to backend @p be for pair @p idx; 0, or the client is reset. */
static int
connect_to(struct synq_app_lcore *a, struct proxy_pair *pp, uint32_t idx, unsigned int be)
{
	const struct synq_config_backend *b = &conf_of(a, pp)->backends[be];
	struct synq_session *cs = synq_session_at(a->ss, idx);
	struct synq_session *bs;
	unsigned int worker;
	uint8_t src[16];

	pp->be = (uint8_t)be;
	pp->tries++;
	pp->side[SIDE_BACK].s = NONE;
	if (builtin_proxy_source_of(a, b, cs, NULL, src, &worker) != 0 ||
		synq_app_connect(a, worker, &a->ls->l[pp->listener], b->family, b->addr,
			rte_cpu_to_be_16(b->port), src, &bs) != 0) {
		give_up(a, pp, idx, SYNQ_CTR_PROXY_CONNECT_ERRORS);
		return -1;
	}
	bs->app_u64[0] = SF_BACK | (uint64_t)be << SF_BE_SHIFT;
	bs->app_u64[1] = idx;
	/* a new try: what the client sent so far waits for it */
	pp->side[SIDE_BACK].s = synq_session_index(a->ss, bs);
	pp->side[SIDE_BACK].fin = pp->side[SIDE_BACK].shut = pp->side[SIDE_BACK].dead = 0;
	pp->side[SIDE_BACK].owed = pp->side[SIDE_BACK].win_owed = 0;
	pp->nb_back++;
	a->proxy->active[pp->listener][be]++;
	st_add(&bst(a, pp->listener, be)->active, 1);
	st_add(&bst(a, pp->listener, be)->connects, 1);
	pp->connect_tsc = rte_get_timer_cycles();
	synq_counter_inc(a->ctr, SYNQ_CTR_PROXY_CONNECTS);
	proxy_list_add(a->proxy, PL_CONNECTING, pp, idx);
	return 0;
}

void
builtin_proxy_accepted(struct synq_app_lcore *a, struct synq_session *s)
{
	uint32_t idx = synq_session_index(a->ss, s);
	struct proxy_pair *pp = &a->proxy->pair[idx];
	unsigned int be;

	rte_pktmbuf_free(pp->side[SIDE_CLI].q);
	rte_pktmbuf_free(pp->side[SIDE_BACK].q);
	memset(pp, 0, sizeof(*pp));
	pp->flags = PF_USED;
	pp->listener = s->listener;
	pp->family = s->family;
	pp->start_ms = a->now_ms;
	pp->side[SIDE_CLI].s = idx;
	pp->side[SIDE_BACK].s = NONE;
	s->app_ptr = NULL;
	s->app_u64[0] = 0;
	s->app_u64[1] = idx;
	be = builtin_proxy_pick(a, s->listener, s);
	if (be == NONE) {
		/* every backend down: the client's RST at once, no connect tried */
		synq_counter_inc(a->ctr, SYNQ_CTR_PROXY_ALL_DOWN);
		give_up(a, pp, idx, SYNQ_CTR_PROXY_NO_BACKEND);
		return;
	}
	pp->first = (uint8_t)be;
	connect_to(a, pp, idx, be);
}

/* Whether side @p d can be sent on now. */
static inline bool
side_open(const struct proxy_pair *pp, int d)
{
	const struct proxy_side *sd = &pp->side[d];

	return sd->s != NONE && !sd->shut && !sd->dead &&
	       (d == SIDE_CLI || (pp->flags & PF_CONNECTED));
}

/* @p len bytes handed to side @p d of @p pp: the counters and its backend's. */
static void
count_bytes(struct synq_app_lcore *a, const struct proxy_pair *pp, int d, uint32_t len)
{
	struct synq_backend_stats *st = bst(a, pp->listener, pp->be);

	synq_counter_add(a->ctr,
		d == SIDE_BACK ? SYNQ_CTR_PROXY_BYTES_TO_BACKEND : SYNQ_CTR_PROXY_BYTES_TO_CLIENT,
		len);
	st_add(d == SIDE_BACK ? &st->bytes_to : &st->bytes_from, len);
}

/*
 * Send what waits for side @p d, in order, while its snd_buf has room; each mbuf's
 * bytes are consumed on the other side once handed over. Then, when the other side's
 * FIN came and nothing waits, side @p d's FIN.
 */
static void
drain(struct synq_app_lcore *a, struct proxy_pair *pp, int d)
{
	struct proxy_side *sd = &pp->side[d];
	struct synq_session *s = sess(a, pp, d);
	struct rte_mbuf *m;

	if (!side_open(pp, d))
		return;
	while ((m = sd->q) != NULL) {
		struct rte_mbuf *next = m->next;
		uint32_t len = m->data_len;

		/* no room yet: wait without asking (each refusal would be counted) */
		if (atomic_load_explicit(&s->snd_pending, memory_order_relaxed) + len >
			a->ls->l[s->listener].tcp.snd_buf)
			return;
		m->next = NULL;
		m->nb_segs = 1;
		m->pkt_len = len;
		if (synq_app_send(a, s, m) != 0) {
			m->next = next;
			return;
		}
		sd->q = next;
		if (next == NULL)
			sd->qt = NULL;
		count_bytes(a, pp, d, len);
		consumed(a, pp, !d, len);
	}
	/*
	 * The backend reset: its bytes handed over and acknowledged, then its RST carried
	 * (an abort right after the send would drop what the worker has not sent yet)
	 */
	if (sd->rst_after) {
		if (atomic_load_explicit(&s->snd_pending, memory_order_relaxed) == 0)
			side_abort(a, pp, d);
		return;
	}
	if (pp->side[!d].fin)
		side_shut(a, pp, d, SHUT_FIN, synq_app_close(a, s));
}

static void
block(struct synq_app_lcore *a, struct proxy_pair *pp, uint32_t idx)
{
	proxy_list_add(a->proxy, PL_BLOCKED, pp, idx);
}

/* @p m came on side @p from: to the other side, or kept, unconsumed. */
static void
data(struct synq_app_lcore *a, struct proxy_pair *pp, uint32_t idx, int from, struct rte_mbuf *m)
{
	int d = !from;
	struct proxy_side *sd = &pp->side[d];
	uint32_t len = rte_pktmbuf_pkt_len(m);

	/* the other side is gone, or we ended it: nowhere to go */
	if (sd->shut || sd->dead || (d == SIDE_BACK && sd->s == NONE && pp->side[from].shut)) {
		synq_counter_add(a->ctr, SYNQ_CTR_PROXY_BYTES_DROPPED, len);
		consumed(a, pp, from, len);
		rte_pktmbuf_free(m);
		return;
	}
	if (sd->q == NULL && side_open(pp, d) &&
		atomic_load_explicit(
			&synq_session_at(a->ss, sd->s)->snd_pending, memory_order_relaxed) +
				len <=
			a->ls->l[pp->listener].tcp.snd_buf &&
		synq_app_send(a, synq_session_at(a->ss, sd->s), m) == 0) {
		count_bytes(a, pp, d, len);
		consumed(a, pp, from, len);
		return;
	}
	/* keep it, unconsumed: the sender's window shuts until this side has room */
	if (sd->q == NULL) {
		sd->q = m;
		sd->qt = m;
		while (sd->qt->next != NULL)
			sd->qt = sd->qt->next;
	} else {
		sd->qt = builtin_keep(sd->qt, m);
	}
	if (side_open(pp, d))
		block(a, pp, idx);
}

/* Release the client's session and the pair, once no backend session is left. */
static void
pair_end(struct synq_app_lcore *a, struct proxy_pair *pp, uint32_t idx)
{
	if (!(pp->flags & PF_CLI_GONE) || pp->nb_back != 0)
		return;
	connecting_del(a->proxy, pp, idx);
	proxy_list_del(a->proxy, PL_BLOCKED, pp);
	proxy_list_del(a->proxy, PL_OWED, pp);
	drop_waiting(a, &pp->side[SIDE_CLI]);
	drop_waiting(a, &pp->side[SIDE_BACK]);
	memset(pp, 0, sizeof(*pp));
	synq_app_release(a, synq_session_at(a->ss, idx));
}

/* The PROXY protocol header to the backend, as the listener asks; 0 or -1. */
static int
send_header(struct synq_app_lcore *a, struct proxy_pair *pp, struct synq_session *bs)
{
	const struct synq_session *cs = synq_session_at(a->ss, pp->side[SIDE_CLI].s);
	uint8_t buf[SYNQ_PROXYPROTO_V1_MAX];
	struct synq_proxyproto_addrs ad = {.family = cs->family};
	int n;

	if (conf_of(a, pp)->proxy_protocol == 0)
		return 0;
	memcpy(ad.src, cs->saddr, 16);
	memcpy(ad.dst, cs->daddr, 16);
	ad.sport = cs->sport;
	ad.dport = cs->dport;
	n = conf_of(a, pp)->proxy_protocol == 1 ? synq_proxyproto_v1(buf, sizeof(buf), &ad)
						: synq_proxyproto_v2(buf, sizeof(buf), &ad);
	if (n <= 0 || synq_app_send_copy(a, bs, buf, (size_t)n) != 0)
		return -1;
	return 0;
}

/*
 * A backend connect that failed (REFUSED, TIMEDOUT, CONNECT_FAILED): the next one.
 * @p local: synq's own shortage (CONNECT_FAILED's reason, synq_connect_reason_local()),
 * counted apart and not charged to the backend, whose statistics say what it did.
 */
static void
connect_failed(struct synq_app_lcore *a, struct proxy_pair *pp, uint32_t idx, bool local)
{
	const struct synq_config_proxy *px = conf_of(a, pp);
	unsigned int n = px->nb_backends;
	unsigned int next;

	if (local) {
		/* the try never left synq: not one of the backend's connections either */
		synq_counter_inc(a->ctr, SYNQ_CTR_PROXY_CONNECT_LOCAL);
		st_add(&bst(a, pp->listener, pp->be)->connects, (uint64_t)-1);
	} else {
		synq_counter_inc(a->ctr, SYNQ_CTR_PROXY_CONNECT_FAILED);
		st_add(&bst(a, pp->listener, pp->be)->failed, 1);
	}
	pp->side[SIDE_BACK].dead = 1;
	if (pp->side[SIDE_CLI].shut || pp->side[SIDE_CLI].dead)
		return;
	/*
	 * The next one up: a backend that went down since the pick is passed over. The
	 * walk goes once round from the first backend tried, never to one tried already:
	 * with those after it down, the next one up is the one that just failed, or one
	 * before it (tries alone would let a client's connection try it again, up to
	 * nb_backends connects to a refusing backend)
	 */
	next = builtin_proxy_next_up(a, pp->listener, pp->be);
	if (next == NONE || pp->tries >= n ||
		(next + n - pp->first) % n <= (pp->be + n - pp->first) % n ||
		a->now_ms - pp->start_ms >= px->connect_timeout_ms) {
		give_up(a, pp, idx, SYNQ_CTR_PROXY_NO_BACKEND);
		return;
	}
	synq_counter_inc(a->ctr, SYNQ_CTR_PROXY_FAILOVERS);
	connect_to(a, pp, idx, next);
}

/*
 * A connect time of @p cycles timer cycles into @p st's histogram, in microseconds:
 * bucket floor(log2(us)), 0 and 1 us in bucket 0. Within connect_timeout_ms (600 s at
 * most) the product cannot overflow below 30 GHz.
 */
static void
hist_add(struct synq_backend_stats *st, uint64_t cycles)
{
	uint64_t hz = rte_get_timer_hz();
	uint64_t us = hz == 0 ? 0 : cycles * 1000000 / hz;
	unsigned int b = us < 2 ? 0 : 63u - (unsigned int)__builtin_clzll(us);

	st_add(&st->connect_us[RTE_MIN(b, SYNQ_CONNECT_HIST - 1u)], 1);
}

void
builtin_proxy_event(struct synq_app_lcore *a, const struct synq_app_event *ev)
{
	struct synq_session *s = ev->s;
	uint32_t me = synq_session_index(a->ss, s);
	uint32_t idx = (uint32_t)s->app_u64[1];
	struct proxy_pair *pp = &a->proxy->pair[idx];
	int d = (s->app_u64[0] & SF_BACK) ? SIDE_BACK : SIDE_CLI;
	/* a backend session of an earlier try: only its end matters */
	bool current = pp->side[d].s == me;

	if (s->app_u64[0] & SF_CHECK) {
		builtin_proxy_check_event(a, ev);
		return;
	}
	if (!current) {
		if (ev->kind == SYNQ_EV_DATA)
			rte_pktmbuf_free(ev->m);
		if (ev->kind == SYNQ_EV_CLOSED) {
			unsigned int be = (unsigned int)(s->app_u64[0] >> SF_BE_SHIFT);

			a->proxy->active[pp->listener][be]--;
			st_add(&bst(a, pp->listener, be)->active, (uint64_t)-1);
			synq_app_release(a, s);
			pp->nb_back--;
			pair_end(a, pp, idx);
		}
		return;
	}
	switch (ev->kind) {
	case SYNQ_EV_CONNECTED:
		connecting_del(a->proxy, pp, idx);
		if (pp->side[SIDE_CLI].shut || pp->side[SIDE_CLI].dead) {
			side_abort(a, pp, SIDE_BACK);
			break;
		}
		pp->flags |= PF_CONNECTED;
		synq_counter_inc(a->ctr, SYNQ_CTR_PROXY_CONNECTED);
		st_add(&bst(a, pp->listener, pp->be)->connected, 1);
		hist_add(bst(a, pp->listener, pp->be), rte_get_timer_cycles() - pp->connect_tsc);
		if (send_header(a, pp, s) != 0) {
			give_up(a, pp, idx, SYNQ_CTR_PROXY_CONNECT_ERRORS);
			break;
		}
		drain(a, pp, SIDE_BACK);
		if (pp->side[SIDE_BACK].q != NULL)
			block(a, pp, idx);
		break;
	case SYNQ_EV_REFUSED:
	case SYNQ_EV_TIMEDOUT:
	case SYNQ_EV_CONNECT_FAILED:
		connect_failed(a, pp, idx, synq_connect_reason_local(ev->reason));
		break;
	case SYNQ_EV_DATA:
		data(a, pp, idx, d, ev->m);
		break;
	case SYNQ_EV_PEER_CLOSED:
		pp->side[d].fin = 1;
		/* the other side's FIN once what waits for it is out */
		if (pp->side[!d].q == NULL)
			drain(a, pp, !d);
		break;
	case SYNQ_EV_RESET:
		pp->side[d].dead = 1;
		drop_waiting(a, &pp->side[d]);
		if (sess(a, pp, !d) != NULL && pp->side[!d].shut != SHUT_ABORT &&
			!pp->side[!d].dead)
			synq_counter_inc(a->ctr, SYNQ_CTR_PROXY_RESETS);
		connecting_del(a->proxy, pp, idx);
		if (d == SIDE_BACK && side_open(pp, SIDE_CLI) && pp->side[SIDE_CLI].q != NULL) {
			/*
			 * What the backend sent before its RST and waits here for the
			 * client's snd_buf reaches the client first (HAProxy too forwards
			 * what it read): the client's RST once those bytes are out and
			 * acknowledged (synq_app_abort() would drop what the worker has not
			 * sent yet); held meanwhile as any pair whose data waits, to the
			 * idle timeout. Bytes handed over before the RST came had their
			 * chance to go: the RST at once, what the client's window kept back
			 * dropped with its send queue, as the backend's own were
			 */
			pp->side[SIDE_CLI].rst_after = 1;
			drain(a, pp, SIDE_CLI);
			if (side_open(pp, SIDE_CLI))
				block(a, pp, idx);
			break;
		}
		side_abort(a, pp, !d);
		break;
	case SYNQ_EV_CLOSED:
		pp->side[d].dead = 1;
		drop_waiting(a, &pp->side[d]);
		/* the other side ends too, unless this one's end was a FIN it carries */
		if (!pp->side[d].fin && !pp->side[!d].rst_after)
			side_abort(a, pp, !d);
		if (d == SIDE_BACK) {
			a->proxy->active[pp->listener][pp->be]--;
			st_add(&bst(a, pp->listener, pp->be)->active, (uint64_t)-1);
			pp->side[SIDE_BACK].s = NONE;
			synq_app_release(a, s);
			pp->nb_back--;
		} else {
			pp->flags |= PF_CLI_GONE;
			/* no backend try is pending now: nothing would be left to reset */
			connecting_del(a->proxy, pp, idx);
		}
		pair_end(a, pp, idx);
		break;
	default:
		break;
	}
}

void
builtin_proxy_poll(struct synq_app_lcore *a, uint64_t now_ms)
{
	struct synq_proxy *p = a->proxy;

	for (uint32_t i = 0; i < p->nb[PL_BLOCKED];) {
		struct proxy_pair *pp = &p->pair[p->list[PL_BLOCKED][i]];

		drain(a, pp, SIDE_BACK);
		drain(a, pp, SIDE_CLI);
		if ((pp->side[SIDE_BACK].q == NULL || !side_open(pp, SIDE_BACK)) &&
			((pp->side[SIDE_CLI].q == NULL && !pp->side[SIDE_CLI].rst_after) ||
				!side_open(pp, SIDE_CLI))) {
			/* the last takes its place: the same i holds the next one */
			proxy_list_del(p, PL_BLOCKED, pp);
		} else {
			i++;
		}
	}
	if (now_ms < p->scan_ms)
		return;
	p->scan_ms = now_ms + PROXY_SCAN_MS;
	owed_send(a);
	builtin_proxy_checks_poll(a, now_ms);
	for (uint32_t i = 0; i < p->nb[PL_CONNECTING];) {
		uint32_t idx = p->list[PL_CONNECTING][i];
		struct proxy_pair *pp = &p->pair[idx];

		if (now_ms - pp->start_ms >= conf_of(a, pp)->connect_timeout_ms) {
			/* give_up() takes it off the list: the same i holds the next one */
			st_add(&bst(a, pp->listener, pp->be)->timeouts, 1);
			give_up(a, pp, idx, SYNQ_CTR_PROXY_NO_BACKEND);
			synq_counter_inc(a->ctr, SYNQ_CTR_PROXY_CONNECT_TIMEOUTS);
		} else {
			i++;
		}
	}
}
