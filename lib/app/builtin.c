/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The built-in applications, a listener's `app`: hold (never accepts), reset (aborts
 * each connection), close (closes it), echo (sends back every byte), http (answers
 * every HTTP/1.1 request with the listener's 200 response: builtin_http.c), proxy
 * (relays each connection to a backend: builtin_proxy.c), metrics (synq's statistics
 * for Prometheus, on http's request handling: builtin_metrics.c). They use
 * nothing but the interface of synq_app.h, as any application would.
 *
 * Per session they keep (its app fields): app_u64[0] flags, app_ptr the bytes
 * waiting: echo's data that found snd_buf full (mbufs linked by next); http's are
 * described in builtin_http.c.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "builtin_priv.h"

static inline enum synq_app
app_of(const struct synq_app_lcore *a, const struct synq_session *s)
{
	return a->ls->l[s->listener].app;
}

/* Drop what a connection keeps: the bytes that wait, its place in the blocked list. */
static void
app_state_free(struct synq_app_lcore *a, struct synq_session *s)
{
	if (app_of(a, s) == SYNQ_APP_HTTP || app_of(a, s) == SYNQ_APP_METRICS)
		builtin_http_free(a, s);
	rte_pktmbuf_free(s->app_ptr);
	s->app_ptr = NULL;
	if (s->app_u64[0] & AF_BLOCKED) {
		uint32_t idx = synq_session_index(a->ss, s);

		for (uint32_t i = 0; i < a->nb_blocked; i++)
			if (a->blocked[i] == idx) {
				a->blocked[i] = a->blocked[--a->nb_blocked];
				break;
			}
	}
	s->app_u64[0] = AF_DEAD;
}

struct rte_mbuf *
builtin_keep(struct rte_mbuf *tail, struct rte_mbuf *m)
{
	/* a chain, a shared or an external buffer: linked as it is */
	if (m->next != NULL || !RTE_MBUF_DIRECT(tail) || rte_mbuf_refcnt_read(tail) != 1 ||
		m->data_len > rte_pktmbuf_tailroom(tail)) {
		tail->next = m;
		while (m->next != NULL)
			m = m->next;
		return m;
	}
	memcpy(rte_pktmbuf_mtod_offset(tail, void *, tail->data_len), rte_pktmbuf_mtod(m, void *),
		m->data_len);
	tail->data_len = (uint16_t)(tail->data_len + m->data_len);
	tail->pkt_len += m->data_len;
	rte_pktmbuf_free(m);
	return tail;
}

/* echo: send what waits, in order, while snd_buf has room. */
static void
echo_drain(struct synq_app_lcore *a, struct synq_session *s)
{
	struct rte_mbuf *m;

	while ((m = s->app_ptr) != NULL) {
		struct rte_mbuf *next = m->next;
		uint32_t len = m->data_len;

		/* no room yet: wait without asking (each refusal would be counted) */
		if (atomic_load_explicit(&s->snd_pending, memory_order_relaxed) + len >
			a->ls->l[s->listener].tcp.snd_buf)
			return;
		m->next = NULL;
		if (synq_app_send(a, s, m) != 0) {
			m->next = next;
			return;
		}
		s->app_ptr = next;
		synq_app_consumed(a, s, len);
	}
	if (s->app_u64[0] & AF_PEER_CLOSED) {
		synq_app_close(a, s);
		s->app_u64[0] |= AF_CLOSING;
	}
}

static void
echo_data(struct synq_app_lcore *a, struct synq_session *s, struct rte_mbuf *m)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);

	if (s->app_u64[0] & (AF_CLOSING | AF_DEAD)) {
		synq_app_consumed(a, s, len);
		rte_pktmbuf_free(m);
		return;
	}
	if (s->app_ptr == NULL && synq_app_send(a, s, m) == 0) {
		synq_app_consumed(a, s, len);
		return;
	}
	/*
	 * No room: keep it, unconsumed, so the client's window shuts until the bytes
	 * before it are acknowledged; a small one goes into the room of the last one kept.
	 */
	if (s->app_ptr == NULL) {
		s->app_ptr = m;
	} else {
		struct rte_mbuf *t = s->app_ptr;

		while (t->next != NULL)
			t = t->next;
		builtin_keep(t, m);
	}
	if (!(s->app_u64[0] & AF_BLOCKED)) {
		s->app_u64[0] |= AF_BLOCKED;
		a->blocked[a->nb_blocked++] = synq_session_index(a->ss, s);
	}
}

static void
echo_retry(struct synq_app_lcore *a)
{
	for (uint32_t i = 0; i < a->nb_blocked;) {
		struct synq_session *s = synq_session_at(a->ss, a->blocked[i]);

		echo_drain(a, s);
		if (s->app_ptr == NULL) {
			s->app_u64[0] &= ~(uint64_t)AF_BLOCKED;
			a->blocked[i] = a->blocked[--a->nb_blocked];
		} else {
			i++;
		}
	}
}

static void
on_event(struct synq_app_lcore *a, const struct synq_app_event *ev)
{
	struct synq_session *s = ev->s;
	enum synq_app app = app_of(a, s);

	/* metrics: the http app's requests, its own answer (builtin_metrics.c) */
	if (app == SYNQ_APP_METRICS)
		app = SYNQ_APP_HTTP;
	if (app == SYNQ_APP_PROXY) {
		builtin_proxy_event(a, ev);
		return;
	}
	switch (ev->kind) {
	case SYNQ_EV_DATA:
		if (app == SYNQ_APP_ECHO) {
			echo_data(a, s, ev->m);
		} else if (app == SYNQ_APP_HTTP) {
			builtin_http_data(a, s, ev->m);
		} else {
			synq_app_consumed(a, s, rte_pktmbuf_pkt_len(ev->m));
			rte_pktmbuf_free(ev->m);
		}
		break;
	case SYNQ_EV_PEER_CLOSED:
		if (app == SYNQ_APP_HTTP) {
			builtin_http_peer_closed(a, s);
			break;
		}
		if (s->app_u64[0] & (AF_CLOSING | AF_DEAD))
			break;
		if (app == SYNQ_APP_ECHO && s->app_ptr != NULL) {
			s->app_u64[0] |= AF_PEER_CLOSED; /* after what waits */
			break;
		}
		synq_app_close(a, s);
		s->app_u64[0] |= AF_CLOSING;
		break;
	case SYNQ_EV_RESET:
		app_state_free(a, s);
		break;
	case SYNQ_EV_CLOSED:
		app_state_free(a, s);
		synq_app_release(a, s);
		break;
	default:
		break;
	}
}

unsigned int
synq_app_builtin_poll(struct synq_app_lcore *a)
{
	/* divide first: cycles * 1000 would overflow after 82 days at 2.6 GHz */
	return synq_app_builtin_poll_at(a, rte_get_timer_cycles() / (rte_get_timer_hz() / 1000));
}

unsigned int
synq_app_builtin_poll_at(struct synq_app_lcore *a, uint64_t now_ms)
{
	struct synq_app_event ev[SYNQ_APP_BURST];
	unsigned int work = 0;
	uint16_t n;

	if (a->nb_blocked != 0)
		echo_retry(a);
	if (a->heads != NULL)
		builtin_http_poll(a, now_ms);
	a->now_ms = now_ms;
	if (a->proxy != NULL)
		builtin_proxy_poll(a, now_ms);
	if (a->metrics != NULL)
		builtin_metrics_poll(a);
	for (unsigned int i = 0; i < synq_listeners_nb(a->ls); i++) {
		struct synq_listener *l = &a->ls->l[i];
		struct synq_session *s[SYNQ_APP_BURST];

		/* hold: the seeds' listen-not-accept, the ring fills and stays full */
		if (l->app == SYNQ_APP_HOLD)
			continue;
		if ((l->app == SYNQ_APP_HTTP || l->app == SYNQ_APP_METRICS) &&
			a->http_resp[i][0] == NULL && builtin_http_prepare(a, i) != 0)
			continue;
		if (l->app == SYNQ_APP_METRICS && builtin_metrics_prepare(a) != 0)
			continue;
		if (l->app == SYNQ_APP_PROXY && builtin_proxy_prepare(a) != 0)
			continue;
		n = synq_app_accept(a, l, s, RTE_DIM(s));
		work += n;
		for (uint16_t k = 0; k < n; k++) {
			s[k]->app_ptr = NULL;
			s[k]->app_u64[0] = 0;
			s[k]->app_u64[1] = 0;
			if (l->app == SYNQ_APP_RESET) {
				synq_app_abort(a, s[k]);
				s[k]->app_u64[0] = AF_CLOSING;
			} else if (l->app == SYNQ_APP_PROXY) {
				builtin_proxy_accepted(a, s[k]);
			} else if (l->app == SYNQ_APP_CLOSE) {
				synq_app_close(a, s[k]);
				s[k]->app_u64[0] = AF_CLOSING;
			}
		}
	}
	n = synq_app_recv_burst(a, ev, RTE_DIM(ev));
	for (uint16_t i = 0; i < n; i++)
		on_event(a, &ev[i]);
	return work + n;
}
