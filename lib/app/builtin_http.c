/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The built-in http application: answers every HTTP/1.1 request with the listener's
 * 200 response, pipelined requests in order, bounded in what a client can make it keep.
 *
 * Per session (its app fields):
 *   app_ptr      the input not dealt with yet, unconsumed: mbufs linked by next
 *                (segments and events alike), the first one trimmed to what is left.
 *                Only while the session is paused (below).
 *   app_u64[0]   the flags of builtin_priv.h in bits 0..7, the head buffer + 1 in
 *                bits 8..31 (0: none), the paused entry + 1 in bits 32..63 (0: none)
 *   app_u64[1]   request body bytes still to skip
 *
 * A request head is parsed where it lies, in the event's mbuf. Only a head split
 * across segments is copied, into a head buffer from the lcore's pool
 * (http.head_buffers of SYNQ_HTTP_HEAD_MAX bytes): one buffer a connection at most,
 * given back as soon as the head is complete (the bytes copied past its end are
 * read again from the input), and due within the listener's http_head_timeout_ms
 * of its first byte (nginx's client_header_timeout): then a 408 and a close, as
 * Apache's mod_reqtimeout answers. One /24 (IPv4) or /64 (IPv6) holds at most a
 * quarter of the pool (at least one buffer). When the pool is empty, or the source's
 * share taken, a new partial head gets a 503 and a close: a slowloris host takes at
 * most its share, not the node's memory, and heads that arrive whole (nearly all)
 * need no buffer at all (docs/applications.md says why a 503, not a wait).
 *
 * Back-pressure: before a head is read, snd_buf must have room for the listener's
 * largest response, an error's included (error_status). When it has not (the client
 * pipelines and does not read), the session pauses: its input stays unconsumed, so
 * its window shuts, and it resumes from the poll once the client's ACKs have made
 * room. Never a reset for that.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "builtin_priv.h"
#include "synq_http.h"

/* How often the deadlines of the heads in use are looked at (ms). */
#define HEAD_SCAN_MS 100

#define HEAD_SHIFT 8
#define HEAD_MASK 0xffffffu
#define PAUSE_SHIFT 32

static inline struct synq_app_head *
head_of(struct synq_app_lcore *a, const struct synq_session *s)
{
	uint32_t h = (uint32_t)(s->app_u64[0] >> HEAD_SHIFT) & HEAD_MASK;

	return h == 0 ? NULL : &a->heads[h - 1];
}

static inline uint32_t
paused_of(const struct synq_session *s)
{
	return (uint32_t)(s->app_u64[0] >> PAUSE_SHIFT);
}

static inline void
set_bits(struct synq_session *s, unsigned int shift, uint64_t mask, uint64_t v)
{
	s->app_u64[0] = (s->app_u64[0] & ~(mask << shift)) | (v << shift);
}

/* Are @p x and @p y in one /24 (IPv4) or /64 (IPv6)? */
static bool
same_prefix(const struct synq_session *x, const struct synq_session *y)
{
	return x->family == y->family && memcmp(x->saddr, y->saddr, x->family == 4 ? 3 : 8) == 0;
}

/*
 * Does the /24 or /64 of @p s hold its share of the pool already: a quarter of it (at
 * least one)? Looked at only once that many buffers are taken, so the scan (the
 * buffers in use) costs nothing while the pool is lightly used.
 */
static bool
over_source_cap(struct synq_app_lcore *a, const struct synq_session *s)
{
	uint32_t cap = RTE_MAX(a->nb_heads / 4, 1u), held = 0;

	if (a->nb_heads - a->nb_heads_free < cap)
		return false;
	for (uint32_t i = 0; i < a->nb_heads && held < cap; i++)
		held += a->heads[i].session != UINT32_MAX &&
			same_prefix(synq_session_at(a->ss, a->heads[i].session), s);
	return held >= cap;
}

/*
 * A head buffer for @p s, due at now + the listener's timeout; NULL (counted) when
 * none is free or its source's share is taken.
 */
static struct synq_app_head *
head_take(struct synq_app_lcore *a, struct synq_session *s)
{
	uint32_t timeout = a->ls->l[s->listener].conf->http_head_timeout_ms;
	struct synq_app_head *h;
	uint32_t i;

	if (a->nb_heads_free == 0) {
		synq_counter_inc(a->ctr, SYNQ_CTR_APP_HTTP_HEAD_POOL_EMPTY);
		return NULL;
	}
	if (over_source_cap(a, s)) {
		synq_counter_inc(a->ctr, SYNQ_CTR_APP_HTTP_HEAD_SOURCE_LIMIT);
		return NULL;
	}
	i = a->heads_free[--a->nb_heads_free];
	h = &a->heads[i];
	h->session = synq_session_index(a->ss, s);
	h->len = 0;
	h->deadline_ms = timeout == 0 ? UINT64_MAX : a->now_ms + timeout;
	set_bits(s, HEAD_SHIFT, HEAD_MASK, i + 1);
	return h;
}

static void
head_put(struct synq_app_lcore *a, struct synq_session *s)
{
	struct synq_app_head *h = head_of(a, s);

	if (h == NULL)
		return;
	h->session = UINT32_MAX;
	a->heads_free[a->nb_heads_free++] = (uint32_t)(h - a->heads);
	set_bits(s, HEAD_SHIFT, HEAD_MASK, 0);
}

/* The last segment of the chain at @p m. */
static struct rte_mbuf *
chain_tail(struct rte_mbuf *m)
{
	while (m->next != NULL)
		m = m->next;
	return m;
}

static void
pause_add(struct synq_app_lcore *a, struct synq_session *s)
{
	struct synq_app_http_paused *p;

	/* paused already: its tail is where it was, only the front was read */
	if (paused_of(s) != 0)
		return;
	p = &a->http_paused[a->nb_http_paused++];
	p->session = synq_session_index(a->ss, s);
	p->tail = chain_tail(s->app_ptr);
	set_bits(s, PAUSE_SHIFT, UINT32_MAX, a->nb_http_paused);
	synq_counter_inc(a->ctr, SYNQ_CTR_APP_HTTP_PAUSED);
}

static void
pause_del(struct synq_app_lcore *a, struct synq_session *s)
{
	uint32_t i = paused_of(s);

	if (i == 0)
		return;
	a->http_paused[i - 1] = a->http_paused[--a->nb_http_paused];
	if (i - 1 < a->nb_http_paused)
		set_bits(synq_session_at(a->ss, a->http_paused[i - 1].session), PAUSE_SHIFT,
			UINT32_MAX, i);
	set_bits(s, PAUSE_SHIFT, UINT32_MAX, 0);
}

/* Every status http_error() may answer with. */
static const int error_status[] = {400, 408, 431, 501, 503};

int
builtin_http_prepare(struct synq_app_lcore *a, unsigned int li)
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
		a->http_resp_len[li][k] = (uint32_t)synq_http_response(
			a->http_resp[li][k], cap, 200, body, blen, keep[k], v10[k]);
		a->http_resp_max[li] = RTE_MAX(a->http_resp_max[li], a->http_resp_len[li][k]);
	}
	/* the room reserved before a head is read: any answer it can get, errors too */
	if (a->ls->l[li].app == SYNQ_APP_METRICS)
		a->http_resp_max[li] = RTE_MAX(a->http_resp_max[li], BUILTIN_METRICS_HEAD_MAX);
	for (unsigned int k = 0; k < RTE_DIM(error_status); k++) {
		char buf[256];

		a->http_resp_max[li] = RTE_MAX(
			a->http_resp_max[li], (uint32_t)synq_http_response(buf, sizeof(buf),
						      error_status[k], NULL, 0, false, false));
	}
	return 0;
}

/* Drop the input that waits, consumed: nothing more of it will be read. */
static void
input_drop(struct synq_app_lcore *a, struct synq_session *s)
{
	uint32_t n = 0;

	for (const struct rte_mbuf *m = s->app_ptr; m != NULL; m = m->next)
		n += m->data_len;
	rte_pktmbuf_free(s->app_ptr);
	s->app_ptr = NULL;
	if (n != 0)
		synq_app_consumed(a, s, n);
}

void
builtin_http_free(struct synq_app_lcore *a, struct synq_session *s)
{
	builtin_metrics_free(a, s);
	head_put(a, s);
	pause_del(a, s);
	rte_pktmbuf_free(s->app_ptr);
	s->app_ptr = NULL;
}

/* An error response and a close; what waits goes. */
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
	head_put(a, s);
}

/* A head synq_http_parse() refused (@p rc): 431 when too large, else 400. */
static void
http_refuse(struct synq_app_lcore *a, struct synq_session *s, enum synq_http_parse_rc rc)
{
	http_error(a, s, rc == SYNQ_HTTP_TOO_LARGE ? 431 : 400);
}

/* Answer a complete head at @p head; the body that follows is skipped. */
static void
http_answer(struct synq_app_lcore *a, struct synq_session *s, const char *head,
	const struct synq_http_req *req)
{
	unsigned int k = !req->keep_alive ? 1 : req->http10 ? 2 : 0;

	if (req->chunked) {
		http_error(a, s, 501);
		return;
	}
	if (a->ls->l[s->listener].app == SYNQ_APP_METRICS) {
		int rc = builtin_metrics_answer(a, s, head, req);

		if (rc > 0) {
			http_error(a, s, rc);
		} else if (rc < 0) {
			synq_app_abort(a, s);
			s->app_u64[0] |= AF_CLOSING;
		}
		return;
	}
	/* room was there when the head began, and nothing was sent since */
	if (synq_app_send_copy(
		    a, s, a->http_resp[s->listener][k], a->http_resp_len[s->listener][k]) != 0) {
		/* no mbuf, or the outbox full: the node is out of memory, not the client */
		synq_app_abort(a, s);
		s->app_u64[0] |= AF_CLOSING;
		return;
	}
	synq_counter_inc(a->ctr, SYNQ_CTR_APP_HTTP_REQUESTS);
	s->app_u64[1] = req->body_len;
	if (!req->keep_alive) {
		synq_app_close(a, s);
		s->app_u64[0] |= AF_CLOSING;
	}
}

/* The first @p k bytes of the input are dealt with. */
static void
advance(struct synq_session *s, uint32_t k, uint32_t *done)
{
	struct rte_mbuf *m = s->app_ptr;

	m->data_off = (uint16_t)(m->data_off + k);
	m->data_len = (uint16_t)(m->data_len - k);
	*done += k;
}

/*
 * One step on the first segment of the input, @p n > 0 bytes at @p p, no head
 * buffer in use: skip body bytes, or read a head where it lies.
 *
 * @return false when the session must pause (no room for a response).
 */
static bool
step_in_place(
	struct synq_app_lcore *a, struct synq_session *s, const char *p, uint32_t n, uint32_t *done)
{
	uint32_t cap = a->ls->l[s->listener].tcp.snd_buf;
	uint32_t pending;
	enum synq_http_parse_rc rc;
	struct synq_http_req req;
	struct synq_app_head *h;

	if (s->app_u64[1] != 0) {
		uint32_t k = (uint32_t)RTE_MIN((uint64_t)n, s->app_u64[1]);

		s->app_u64[1] -= k;
		advance(s, k, done);
		return true;
	}
	pending = atomic_load_explicit(&s->snd_pending, memory_order_relaxed);
	if (pending + a->http_resp_max[s->listener] > cap)
		return false;
	rc = synq_http_parse(p, n, SYNQ_HTTP_HEAD_MAX, &req);
	switch (rc) {
	case SYNQ_HTTP_DONE:
		advance(s, req.head_len, done);
		http_answer(a, s, p, &req);
		break;
	case SYNQ_HTTP_MORE:
		h = head_take(a, s);
		if (h == NULL) {
			http_error(a, s, 503);
			break;
		}
		memcpy(h->buf, p, n);
		h->len = n;
		advance(s, n, done);
		break;
	default:
		http_refuse(a, s, rc);
		break;
	}
	return true;
}

/* One step with a head buffer in use: more of its head, @p n > 0 bytes at @p p. */
static void
step_buffered(struct synq_app_lcore *a, struct synq_session *s, struct synq_app_head *h,
	const char *p, uint32_t n, uint32_t *done)
{
	uint32_t k = RTE_MIN(n, SYNQ_HTTP_HEAD_MAX - h->len);
	enum synq_http_parse_rc rc;
	struct synq_http_req req;

	if (k == 0) {
		http_error(a, s, 431);
		return;
	}
	memcpy(h->buf + h->len, p, k);
	rc = synq_http_parse(h->buf, h->len + k, SYNQ_HTTP_HEAD_MAX, &req);
	switch (rc) {
	case SYNQ_HTTP_MORE:
		h->len += k;
		advance(s, k, done);
		break;
	case SYNQ_HTTP_DONE:
		/* the head ends in what was just copied (it did not end before) */
		if (req.head_len <= h->len) {
			http_error(a, s, 400);
			break;
		}
		/* what follows it is read again, in place */
		advance(s, req.head_len - h->len, done);
		http_answer(a, s, h->buf, &req);
		head_put(a, s);
		break;
	default:
		http_refuse(a, s, rc);
		break;
	}
}

/* Deal with the input of @p s as far as snd_buf lets; pause or finish. */
static void
http_run(struct synq_app_lcore *a, struct synq_session *s)
{
	uint32_t done = 0;
	bool room = true;

	while (s->app_ptr != NULL && room && !(s->app_u64[0] & (AF_CLOSING | AF_STREAMING))) {
		struct rte_mbuf *m = s->app_ptr;
		struct synq_app_head *h;

		if (m->data_len == 0) {
			s->app_ptr = m->next;
			m->next = NULL;
			m->nb_segs = 1;
			rte_pktmbuf_free_seg(m);
			continue;
		}
		h = head_of(a, s);
		if (h != NULL)
			step_buffered(
				a, s, h, rte_pktmbuf_mtod(m, const char *), m->data_len, &done);
		else
			room = step_in_place(
				a, s, rte_pktmbuf_mtod(m, const char *), m->data_len, &done);
	}
	if (done != 0)
		synq_app_consumed(a, s, done);
	if (s->app_u64[0] & AF_CLOSING) {
		input_drop(a, s);
		pause_del(a, s);
		return;
	}
	if (s->app_ptr != NULL) {
		pause_add(a, s); /* unconsumed: the client's window shuts */
		return;
	}
	pause_del(a, s);
	if (s->app_u64[0] & AF_PEER_CLOSED) {
		head_put(a, s);
		synq_app_close(a, s);
		s->app_u64[0] |= AF_CLOSING;
	}
}

void
builtin_http_resume(struct synq_app_lcore *a, struct synq_session *s)
{
	http_run(a, s);
}

void
builtin_http_abort(struct synq_app_lcore *a, struct synq_session *s)
{
	synq_app_abort(a, s);
	s->app_u64[0] |= AF_CLOSING;
	input_drop(a, s);
	pause_del(a, s);
	head_put(a, s);
}

void
builtin_http_data(struct synq_app_lcore *a, struct synq_session *s, struct rte_mbuf *m)
{
	if (s->app_u64[0] & (AF_CLOSING | AF_DEAD)) {
		synq_app_consumed(a, s, rte_pktmbuf_pkt_len(m));
		rte_pktmbuf_free(m);
		return;
	}
	if (s->app_ptr != NULL) {
		/* paused: behind what waits, in order, a small segment copied */
		struct synq_app_http_paused *p = &a->http_paused[paused_of(s) - 1];

		p->tail = builtin_keep(p->tail, m);
		return;
	}
	s->app_ptr = m;
	http_run(a, s);
}

void
builtin_http_peer_closed(struct synq_app_lcore *a, struct synq_session *s)
{
	if (s->app_u64[0] & (AF_CLOSING | AF_DEAD))
		return;
	if (s->app_ptr != NULL || (s->app_u64[0] & AF_STREAMING)) {
		/* after the requests that wait, the response that goes out */
		s->app_u64[0] |= AF_PEER_CLOSED;
		return;
	}
	head_put(a, s); /* a head that will never be complete */
	synq_app_close(a, s);
	s->app_u64[0] |= AF_CLOSING;
}

/* 408 and a close for every head past its deadline. */
static void
heads_expire(struct synq_app_lcore *a)
{
	for (uint32_t i = 0; i < a->nb_heads; i++) {
		struct synq_app_head *h = &a->heads[i];
		struct synq_session *s;

		if (h->session == UINT32_MAX || h->deadline_ms > a->now_ms)
			continue;
		s = synq_session_at(a->ss, h->session);
		synq_counter_inc(a->ctr, SYNQ_CTR_APP_HTTP_HEAD_TIMEOUTS);
		http_error(a, s, 408);
		input_drop(a, s);
		pause_del(a, s);
	}
}

void
builtin_http_poll(struct synq_app_lcore *a, uint64_t now_ms)
{
	a->now_ms = now_ms;
	for (uint32_t i = 0; i < a->nb_http_paused;) {
		struct synq_session *s = synq_session_at(a->ss, a->http_paused[i].session);
		uint32_t before = a->nb_http_paused;

		http_run(a, s);
		/* still paused: next one; else the last entry moved here */
		if (a->nb_http_paused == before)
			i++;
	}
	if (a->nb_heads_free == a->nb_heads || now_ms < a->heads_scan_ms)
		return;
	a->heads_scan_ms = now_ms + HEAD_SCAN_MS;
	heads_expire(a);
}
