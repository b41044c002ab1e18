/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The application interface (synq_app.h): accept, events, commands. Every command
 * is one 16-byte message on the owning worker's command ring; when that ring is full
 * the message waits in the lcore's outbox, and from then on every command goes
 * through the outbox until it has drained, so that a connection's commands are
 * never reordered.
 *
 * Which sessions are this lcore's is kept here too (own[], by pool index), written by
 * this lcore alone: a session is ours from synq_app_accept() to synq_app_release(),
 * open until its SYNQ_EV_CLOSED comes out of synq_app_recv_burst(). A command for a
 * session that is not ours (released, or taken since by a connection another lcore
 * accepted or none has yet) or that is closed is refused before it reaches a ring
 * (quietly while the application handles the burst that brought the CLOSED event:
 * the client's data and RST come together, its answer to the data is no misuse):
 * the worker's own check of the generation (lib/tcp) stays the last line, this one
 * gives the application an error to see and a counter to read.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "builtin_priv.h"
#include "synq_app.h"

/* The http app's head pool and paused list, when a listener runs it. */
static int
http_init(struct synq_app_lcore *a)
{
	uint32_t n = a->ls->http_head_buffers;
	bool http = false;

	for (unsigned int i = 0; i < a->ls->nb; i++)
		http |= a->ls->l[i].app == SYNQ_APP_HTTP || a->ls->l[i].app == SYNQ_APP_METRICS;
	if (!http)
		return 0;
	a->heads = rte_zmalloc("synq_http_heads", RTE_MAX(n, 1u) * sizeof(*a->heads), 0);
	a->heads_free = rte_zmalloc("synq_http_free", RTE_MAX(n, 1u) * sizeof(uint32_t), 0);
	a->http_paused = rte_zmalloc(
		"synq_http_paused", (size_t)a->blocked_cap * sizeof(*a->http_paused), 0);
	if (a->heads == NULL || a->heads_free == NULL || a->http_paused == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		a->heads[i].session = UINT32_MAX;
		a->heads_free[i] = n - 1 - i;
	}
	a->nb_heads = a->nb_heads_free = n;
	return 0;
}

int
synq_app_init(struct synq_app_lcore *a, unsigned int lcore_id, struct synq_listeners *ls,
	struct synq_sessions *ss, struct rte_ring *events, struct rte_ring *const *cmd_rings,
	struct rte_mempool *pool, struct synq_counters *ctr)
{
	memset(a, 0, sizeof(*a));
	a->lcore_id = lcore_id;
	a->ls = ls;
	a->ss = ss;
	a->events = events;
	a->cmd_rings = cmd_rings;
	a->pool = pool;
	a->ctr = ctr;
	a->outbox = rte_zmalloc("synq_outbox", SYNQ_APP_OUTBOX * sizeof(*a->outbox), 0);
	a->blocked_cap = RTE_MAX(ss->nb, 1u);
	a->blocked = rte_zmalloc("synq_blocked", (size_t)a->blocked_cap * sizeof(uint32_t), 0);
	a->own = rte_zmalloc("synq_app_own", a->blocked_cap, 0);
	if (a->outbox == NULL || a->blocked == NULL || a->own == NULL || http_init(a) != 0) {
		synq_app_free(a);
		return -ENOMEM;
	}
	return 0;
}

void
synq_app_set_routes(struct synq_app_lcore *a, const struct synq_route_table *routes,
	const struct synq_config *cfg)
{
	a->routes = routes;
	a->cfg = cfg;
}

void
synq_app_set_rss_ports(struct synq_app_lcore *a, uint32_t rss_ports)
{
	a->rss_ports = rss_ports;
}

void
synq_app_free(struct synq_app_lcore *a)
{
	builtin_proxy_free(a);
	builtin_metrics_fini(a);
	rte_free(a->outbox);
	rte_free(a->blocked);
	rte_free(a->own);
	rte_free(a->heads);
	rte_free(a->heads_free);
	rte_free(a->http_paused);
	for (unsigned int l = 0; l < SYNQ_MAX_LISTENERS; l++)
		for (unsigned int k = 0; k < 3; k++)
			free(a->http_resp[l][k]);
	memset(a, 0, sizeof(*a));
}

/* Send what waited, in order, until a ring is full again. */
static void
outbox_flush(struct synq_app_lcore *a)
{
	while (a->out_len != 0) {
		struct synq_app_waiting *w = &a->outbox[a->out_head];

		/* the worker of then: the session may have gone back to the pool since */
		if (rte_ring_enqueue_elem(a->cmd_rings[w->worker], &w->msg, sizeof(w->msg)) != 0)
			return;
		a->out_head = (a->out_head + 1) % SYNQ_APP_OUTBOX;
		a->out_len--;
	}
}

static int
command(struct synq_app_lcore *a, struct synq_session *s, uint16_t kind, struct rte_mbuf *m)
{
	struct synq_app_waiting w = {
		.msg = synq_session_msg(a->ss, s, kind, m),
		.worker = s->worker,
	};

	outbox_flush(a);
	if (a->out_len == 0 &&
		rte_ring_enqueue_elem(a->cmd_rings[w.worker], &w.msg, sizeof(w.msg)) == 0)
		return 0;
	if (a->out_len == SYNQ_APP_OUTBOX)
		return -ENOBUFS;
	synq_counter_inc(a->ctr, SYNQ_CTR_APP_CMD_RING_FULL);
	a->outbox[(a->out_head + a->out_len) % SYNQ_APP_OUTBOX] = w;
	a->out_len++;
	return 0;
}

/*
 * 0 when @p s is ours and open; else counted, and -EPIPE (its SYNQ_EV_CLOSED came:
 * the connection is over, release it) or -ESTALE (not ours: released, or another
 * connection's now).
 */
static int
check_open(struct synq_app_lcore *a, const struct synq_session *s)
{
	uint32_t idx = synq_session_index(a->ss, s);

	if (idx < a->ss->nb && a->own[idx] == SYNQ_APP_OWN_OPEN)
		return 0;
	if (idx < a->ss->nb && a->own[idx] == SYNQ_APP_OWN_CLOSING)
		return -EPIPE;
	if (idx < a->ss->nb && a->own[idx] == SYNQ_APP_OWN_CLOSED) {
		synq_counter_inc(a->ctr, SYNQ_CTR_APP_CMD_CLOSED);
		return -EPIPE;
	}
	synq_counter_inc(a->ctr, SYNQ_CTR_APP_CMD_STALE);
	return -ESTALE;
}

uint16_t
synq_app_accept(
	struct synq_app_lcore *a, struct synq_listener *l, struct synq_session **s, uint16_t n)
{
	uint16_t got;

	/* room for every attach first: an accepted session must reach its worker */
	n = (uint16_t)RTE_MIN((uint32_t)n, SYNQ_APP_OUTBOX - a->out_len);
	got = synq_accept_burst(&l->accept, s, n);
	for (uint16_t i = 0; i < got; i++) {
		/* before the attach: the ring publishes it to the worker */
		s[i]->app_lcore = (uint16_t)a->lcore_id;
		a->own[synq_session_index(a->ss, s[i])] = SYNQ_APP_OWN_OPEN;
		command(a, s[i], SYNQ_CMD_ATTACH, NULL);
	}
	synq_counter_add(a->ctr, SYNQ_CTR_APP_ACCEPTED, got);
	return got;
}

int
synq_app_connect(struct synq_app_lcore *a, unsigned int worker, const struct synq_listener *l,
	uint8_t family, const uint8_t *addr, uint16_t port, const uint8_t *src,
	struct synq_session **out)
{
	unsigned int alen = family == 4 ? 4 : 16;
	struct synq_session *s;

	if ((family != 4 && family != 6) || worker >= RTE_MAX_LCORE ||
		a->cmd_rings[worker] == NULL || l < a->ls->l ||
		l >= a->ls->l + synq_listeners_nb(a->ls))
		return -EINVAL;
	if (a->out_len == SYNQ_APP_OUTBOX)
		return -ENOBUFS;
	s = synq_session_alloc(a->ss);
	if (s == NULL) {
		synq_counter_inc(a->ctr, SYNQ_CTR_CONN_POOL_EMPTY);
		return -ENOMEM;
	}
	/* ours alone until the command publishes it to the worker */
	s->family = family;
	s->kind = SYNQ_SESSION_TCP_ACTIVE;
	s->listener = (uint16_t)(l - a->ls->l);
	s->worker = (uint16_t)worker;
	s->sport = port;
	s->dport = 0;
	memset(s->saddr, 0, sizeof(s->saddr));
	memset(s->daddr, 0, sizeof(s->daddr));
	memcpy(s->saddr, addr, alen);
	memcpy(s->daddr, src, alen);
	atomic_store_explicit(&s->rcv_unread, 0, memory_order_relaxed);
	atomic_store_explicit(&s->snd_pending, 0, memory_order_relaxed);
	s->app_lcore = (uint16_t)a->lcore_id;
	s->app_ptr = NULL;
	s->app_u64[0] = s->app_u64[1] = 0;
	a->own[synq_session_index(a->ss, s)] = SYNQ_APP_OWN_OPEN;
	command(a, s, SYNQ_CMD_CONNECT, NULL);
	*out = s;
	return 0;
}

uint16_t
synq_app_recv_burst(struct synq_app_lcore *a, struct synq_app_event *ev, uint16_t n)
{
	struct synq_session_msg msg[2 * SYNQ_APP_BURST];
	unsigned int got;

	outbox_flush(a);
	/* the last burst has been handled: its CLOSED events are seen */
	for (uint32_t i = 0; i < a->nb_closing; i++)
		if (a->own[a->closing[i]] == SYNQ_APP_OWN_CLOSING)
			a->own[a->closing[i]] = SYNQ_APP_OWN_CLOSED;
	a->nb_closing = 0;
	RTE_BUILD_BUG_ON(RTE_DIM(msg) > RTE_DIM(a->closing));
	got = rte_ring_dequeue_burst_elem(
		a->events, msg, sizeof(msg[0]), RTE_MIN((unsigned int)n, RTE_DIM(msg)), NULL);
	for (unsigned int i = 0; i < got; i++) {
		static const enum synq_counter ctr_of[] = {
			[SYNQ_EV_DATA] = SYNQ_CTR_APP_EV_DATA,
			[SYNQ_EV_PEER_CLOSED] = SYNQ_CTR_APP_EV_PEER_CLOSED,
			[SYNQ_EV_RESET] = SYNQ_CTR_APP_EV_RESET,
			[SYNQ_EV_CLOSED] = SYNQ_CTR_APP_EV_CLOSED,
			[SYNQ_EV_CONNECTED] = SYNQ_CTR_APP_EV_CONNECTED,
			[SYNQ_EV_REFUSED] = SYNQ_CTR_APP_EV_REFUSED,
			[SYNQ_EV_TIMEDOUT] = SYNQ_CTR_APP_EV_TIMEDOUT,
			[SYNQ_EV_CONNECT_FAILED] = SYNQ_CTR_APP_EV_CONNECT_FAILED,
		};

		ev[i].s = synq_session_at(a->ss, msg[i].session);
		ev[i].reason = msg[i].kind == SYNQ_EV_CONNECT_FAILED ? msg[i].reason : 0;
		ev[i].kind = msg[i].kind;
		ev[i].m = msg[i].m;
		if (msg[i].kind < RTE_DIM(ctr_of))
			synq_counter_inc(a->ctr, ctr_of[msg[i].kind]);
		/* the worker keeps nothing of it now: no command may follow */
		if (msg[i].kind == SYNQ_EV_CLOSED && msg[i].session < a->ss->nb &&
			a->own[msg[i].session] == SYNQ_APP_OWN_OPEN) {
			a->own[msg[i].session] = SYNQ_APP_OWN_CLOSING;
			a->closing[a->nb_closing++] = msg[i].session;
		}
	}
	return (uint16_t)got;
}

int
synq_app_send(struct synq_app_lcore *a, struct synq_session *s, struct rte_mbuf *m)
{
	uint32_t len, cap, pending;
	int rc = check_open(a, s);

	/* first: a session not ours may be another lcore's, its fields not ours to read */
	if (rc != 0)
		return rc;
	len = rte_pktmbuf_pkt_len(m);
	cap = a->ls->l[s->listener].tcp.snd_buf;
	pending = atomic_load_explicit(&s->snd_pending, memory_order_relaxed);
	/* the worker only lowers it: a stale read errs on the safe side */
	if (pending + len > cap) {
		synq_counter_inc(a->ctr, SYNQ_CTR_APP_SEND_BLOCKED);
		return -EAGAIN;
	}
	atomic_fetch_add_explicit(&s->snd_pending, len, memory_order_relaxed);
	rc = command(a, s, SYNQ_CMD_SEND, m);
	if (rc != 0)
		atomic_fetch_sub_explicit(&s->snd_pending, len, memory_order_relaxed);
	return rc;
}

int
synq_app_send_copy(struct synq_app_lcore *a, struct synq_session *s, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	struct rte_mbuf *head = NULL, *tail = NULL;
	int rc = check_open(a, s);

	if (rc != 0)
		return rc;
	while (len != 0) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(a->pool);
		uint16_t n;

		if (m == NULL) {
			rte_pktmbuf_free(head);
			return -ENOMEM;
		}
		n = (uint16_t)RTE_MIN(len, (size_t)rte_pktmbuf_tailroom(m));
		memcpy(rte_pktmbuf_append(m, n), p, n);
		p += n;
		len -= n;
		if (head == NULL) {
			head = tail = m;
		} else {
			tail->next = m;
			tail = m;
			head->nb_segs++;
			head->pkt_len += n;
		}
	}
	if (head == NULL)
		return 0;
	rc = synq_app_send(a, s, head);
	if (rc != 0)
		rte_pktmbuf_free(head);
	return rc;
}

int
synq_app_consumed(struct synq_app_lcore *a, struct synq_session *s, uint32_t n)
{
	uint32_t half, old;
	int rc = check_open(a, s);

	if (rc != 0)
		return rc;
	half = a->ls->l[s->listener].tcp.rcv_buf / 2;
	/* never more than was handed: rcv_unread would wrap, and the worker let go of runs */
	old = atomic_load_explicit(&s->rcv_unread, memory_order_relaxed);
	do {
		if (n > old) {
			synq_counter_inc(a->ctr, SYNQ_CTR_APP_CONSUMED_INVALID);
			return -EINVAL;
		}
	} while (!atomic_compare_exchange_weak_explicit(
		&s->rcv_unread, &old, old - n, memory_order_relaxed, memory_order_relaxed));
	/* the window was half shut or more, and opens past half: tell the worker */
	if (old >= half && old - n < half)
		return command(a, s, SYNQ_CMD_WINDOW, NULL);
	return 0;
}

int
synq_app_window(struct synq_app_lcore *a, struct synq_session *s)
{
	int rc = check_open(a, s);

	return rc != 0 ? rc : command(a, s, SYNQ_CMD_WINDOW, NULL);
}

int
synq_app_close(struct synq_app_lcore *a, struct synq_session *s)
{
	int rc = check_open(a, s);

	return rc != 0 ? rc : command(a, s, SYNQ_CMD_CLOSE, NULL);
}

int
synq_app_abort(struct synq_app_lcore *a, struct synq_session *s)
{
	int rc = check_open(a, s);

	return rc != 0 ? rc : command(a, s, SYNQ_CMD_ABORT, NULL);
}

int
synq_app_release(struct synq_app_lcore *a, struct synq_session *s)
{
	uint32_t idx = synq_session_index(a->ss, s);

	/* twice would put it on the free ring twice: two connections on one session */
	if (idx >= a->ss->nb ||
		(a->own[idx] != SYNQ_APP_OWN_CLOSED && a->own[idx] != SYNQ_APP_OWN_CLOSING)) {
		synq_counter_inc(a->ctr, SYNQ_CTR_APP_CMD_STALE);
		return idx < a->ss->nb && a->own[idx] == SYNQ_APP_OWN_OPEN ? -EBUSY : -ESTALE;
	}
	a->own[idx] = SYNQ_APP_OWN_NONE;
	synq_session_free(a->ss, s);
	return 0;
}
