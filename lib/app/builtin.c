/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The built-in applications, a listener's `app`: hold (never accepts), reset (aborts
 * each connection), close (closes it), echo (sends back every byte), http (answers
 * every HTTP/1.1 request with the listener's 200 response). They use nothing but the
 * interface of synq_app.h, as any application would.
 *
 * Per session they keep (its app fields): app_u64[0] flags, app_u64[1] the
 * request body bytes still to skip (http), app_ptr the bytes waiting: echo's data
 * that found snd_buf full (mbufs linked by next), http's request head so far (one
 * mbuf used as a buffer).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "synq_app.h"
#include "synq_http.h"

#define AF_CLOSING 0x1	     /* we closed or aborted it: nothing more to send */
#define AF_DEAD 0x2	     /* reset: nothing more to send */
#define AF_BLOCKED 0x4	     /* echo: in a->blocked, waiting for snd_buf room */
#define AF_PEER_CLOSED 0x8   /* echo: close once what waits has gone out */

static inline enum synq_app
app_of(const struct synq_app_lcore *a, const struct synq_session *s)
{
	return a->ls->l[s->listener].app;
}

/* Drop what a connection keeps: the bytes that wait, its place in the blocked list. */
static void
app_state_free(struct synq_app_lcore *a, struct synq_session *s)
{
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
	 * before it are acknowledged. Data events are single segments; a small one is
	 * copied into the room of the last one kept, so that what waits costs about what
	 * its bytes do, not a buffer a segment (the worker counts the buffers it handed
	 * over until everything is consumed, and closes the window on them).
	 */
	if (s->app_ptr == NULL) {
		s->app_ptr = m;
	} else {
		struct rte_mbuf *t = s->app_ptr;

		while (t->next != NULL)
			t = t->next;
		if (m->next == NULL && RTE_MBUF_DIRECT(t) && rte_mbuf_refcnt_read(t) == 1 &&
			m->data_len <= rte_pktmbuf_tailroom(t)) {
			memcpy(rte_pktmbuf_append(t, m->data_len), rte_pktmbuf_mtod(m, void *),
				m->data_len);
			rte_pktmbuf_free(m);
		} else {
			t->next = m;
		}
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

/* The listener's response, built once per lcore: keep-alive, close, 1.0 keep-alive. */
static int
http_prepare(struct synq_app_lcore *a, unsigned int li)
{
	static const bool keep[3] = {true, false, true};
	static const bool v10[3] = {false, false, true};
	const char *body = a->ls->l[li].conf->http_body;
	size_t blen = strlen(body);
	size_t cap = blen + 256;

	for (unsigned int k = 0; k < 3; k++) {
		a->http_resp[li][k] = malloc(cap);
		if (a->http_resp[li][k] == NULL)
			return -ENOMEM;
		a->http_resp_len[li][k] = (uint32_t)synq_http_response(a->http_resp[li][k], cap,
			200, body, blen, keep[k], v10[k]);
	}
	return 0;
}

static void
http_error(struct synq_app_lcore *a, struct synq_session *s, int status)
{
	char buf[256];
	size_t n = synq_http_response(buf, sizeof(buf), status, NULL, 0, false, false);

	synq_counter_inc(a->ctr, SYNQ_CTR_APP_HTTP_ERRORS);
	if (n != 0)
		synq_app_send_copy(a, s, buf, n);
	synq_app_close(a, s);
	s->app_u64[0] |= AF_CLOSING;
}

/* Answer every complete request head in the buffer; keep the start of the next. */
static void
http_serve(struct synq_app_lcore *a, struct synq_session *s, struct rte_mbuf *b)
{
	char *buf = rte_pktmbuf_mtod(b, char *);
	size_t cap = b->buf_len - b->data_off;

	while (b->data_len != 0 && !(s->app_u64[0] & AF_CLOSING)) {
		struct synq_http_req req;
		enum synq_http_parse_rc rc = synq_http_parse(buf, b->data_len, cap, &req);
		unsigned int k;
		uint32_t used, body;

		if (rc == SYNQ_HTTP_MORE)
			return;
		if (rc == SYNQ_HTTP_BAD || rc == SYNQ_HTTP_TOO_LARGE || req.chunked) {
			http_error(a, s, rc == SYNQ_HTTP_TOO_LARGE ? 431 : rc == SYNQ_HTTP_BAD ?
				400 : 501);
			return;
		}
		k = !req.keep_alive ? 1 : req.http10 ? 2 : 0;
		if (synq_app_send_copy(a, s, a->http_resp[s->listener][k],
			    a->http_resp_len[s->listener][k]) != 0) {
			/* no room for even a response: this client asks too fast */
			synq_app_abort(a, s);
			s->app_u64[0] |= AF_CLOSING;
			return;
		}
		synq_counter_inc(a->ctr, SYNQ_CTR_APP_HTTP_REQUESTS);
		if (!req.keep_alive) {
			synq_app_close(a, s);
			s->app_u64[0] |= AF_CLOSING;
		}
		/* the head and as much of the body as is here go; the rest of it later */
		used = req.head_len;
		body = (uint32_t)RTE_MIN(req.body_len, (uint64_t)(b->data_len - used));
		s->app_u64[1] = req.body_len - body;
		used += body;
		memmove(buf, buf + used, b->data_len - used);
		b->data_len = (uint16_t)(b->data_len - used);
		b->pkt_len = b->data_len;
	}
}

static void
http_data(struct synq_app_lcore *a, struct synq_session *s, struct rte_mbuf *m)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);
	struct rte_mbuf *b = s->app_ptr;
	const struct rte_mbuf *seg;

	/* the bytes are copied (or ignored): the window opens at once */
	synq_app_consumed(a, s, len);
	if (s->app_u64[0] & (AF_CLOSING | AF_DEAD)) {
		rte_pktmbuf_free(m);
		return;
	}
	if (b == NULL) {
		b = rte_pktmbuf_alloc(a->pool);
		if (b == NULL) {
			rte_pktmbuf_free(m);
			synq_app_abort(a, s);
			s->app_u64[0] |= AF_CLOSING;
			return;
		}
		s->app_ptr = b;
	}
	for (seg = m; seg != NULL && !(s->app_u64[0] & AF_CLOSING); seg = seg->next) {
		const char *p = rte_pktmbuf_mtod(seg, const char *);
		uint32_t n = seg->data_len;

		while (n != 0 && !(s->app_u64[0] & AF_CLOSING)) {
			uint32_t skip = (uint32_t)RTE_MIN((uint64_t)n, s->app_u64[1]);
			uint32_t room = (uint32_t)(b->buf_len - b->data_off - b->data_len);
			uint32_t take;

			s->app_u64[1] -= skip;
			p += skip;
			n -= skip;
			take = RTE_MIN(n, room);
			if (n != 0 && take == 0) {
				http_error(a, s, 431);
				break;
			}
			memcpy(rte_pktmbuf_mtod(b, char *) + b->data_len, p, take);
			b->data_len = (uint16_t)(b->data_len + take);
			b->pkt_len = b->data_len;
			p += take;
			n -= take;
			http_serve(a, s, b);
		}
	}
	rte_pktmbuf_free(m);
}

static void
on_event(struct synq_app_lcore *a, const struct synq_app_event *ev)
{
	struct synq_session *s = ev->s;
	enum synq_app app = app_of(a, s);

	switch (ev->kind) {
	case SYNQ_EV_DATA:
		if (app == SYNQ_APP_ECHO) {
			echo_data(a, s, ev->m);
		} else if (app == SYNQ_APP_HTTP) {
			http_data(a, s, ev->m);
		} else {
			synq_app_consumed(a, s, rte_pktmbuf_pkt_len(ev->m));
			rte_pktmbuf_free(ev->m);
		}
		break;
	case SYNQ_EV_PEER_CLOSED:
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
	struct synq_app_event ev[SYNQ_APP_BURST];
	unsigned int work = 0;
	uint16_t n;

	if (a->nb_blocked != 0)
		echo_retry(a);
	for (unsigned int i = 0; i < a->ls->nb; i++) {
		struct synq_listener *l = &a->ls->l[i];
		struct synq_session *s[SYNQ_APP_BURST];

		/* hold: the seeds' listen-not-accept, the ring fills and stays full */
		if (l->app == SYNQ_APP_HOLD)
			continue;
		if (l->app == SYNQ_APP_HTTP && a->http_resp[i][0] == NULL &&
			http_prepare(a, i) != 0)
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
