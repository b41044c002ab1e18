/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The built-in metrics application (issue 15): the http app's request handling
 * (builtin_http.c: heads, pipelining, back-pressure, deadlines) with one answer,
 * synq's statistics in the Prometheus text format (lib/stats/prom.c) for GET or HEAD
 * of /metrics or /, a 404 for anything else. Only sources in the listener's "allow"
 * prefixes reach it: the others' SYNs find the port closed (lib/tcp, tcp_input.c).
 *
 * The text (tens of KB) is rendered on the application lcore itself, at most once a
 * second (METRICS_MAX_AGE_MS): a snapshot the requests of that second share, each
 * holding a reference to it while its response goes out. Rendering reads the
 * statistics registry only when no one holds it (synq_stats_json_try()): an
 * application lcore never waits for telemetry. At most METRICS_SNAPS snapshots live
 * on a lcore: past them the newest is served, however old.
 *
 * A response goes out as the client takes it: each pass, as much as its snd_buf has
 * room for, and no more than METRICS_PASS_BYTES for all streams together, so a pass
 * stays short. A client that never reads holds its snd_buf of mbufs and a stream slot
 * (METRICS_STREAMS a lcore: past them 503 and a close) until METRICS_SEND_TIMEOUT_MS,
 * then a RST. While a response streams the session reads no further request: its
 * pipelined input waits unconsumed (the client's window shuts), as the http app's
 * pause does.
 *
 * Per session, besides the http app's fields: AF_STREAMING in app_u64[0] and the
 * stream's index + 1 in app_u64[1] (the body bytes to skip, always 0 here: a request
 * with a body is refused).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_malloc.h>

#include "builtin_priv.h"
#include "synq_http.h"
#include "synq_prom.h"

/* A snapshot serves the requests of this long. */
#define METRICS_MAX_AGE_MS 1000
/* Snapshots alive on one lcore at most: the newest and those streams still send. */
#define METRICS_SNAPS 4
/* Responses streaming on one lcore at once. */
#define METRICS_STREAMS 64
/* Bytes all streams of a lcore send in one pass at most. */
#define METRICS_PASS_BYTES (256 * 1024)
/*
 * A piece sent is at least this long (or the rest): a client that acknowledges a byte
 * at a time must not make an mbuf of every byte (snd_buf counts bytes, not buffers).
 */
#define METRICS_MIN_SEND 2048u
/* A response its client has not taken whole this long after its request: a RST. */
#define METRICS_SEND_TIMEOUT_MS 30000

struct metrics_snap {
	uint32_t refs;	  /* streams sending it */
	uint32_t len;	  /* bytes of text */
	uint64_t made_ms; /* the lcore's clock when it was rendered */
	char *text;	  /* open_memstream()'s buffer, ours */
};

struct metrics_stream {
	struct metrics_snap *snap;
	uint32_t session; /* pool index */
	uint32_t off;	  /* bytes of snap->text sent */
	uint64_t deadline_ms;
	bool close; /* close once sent: the request did not keep the connection alive */
};

struct synq_app_metrics {
	struct metrics_snap *cur; /* the newest, NULL before the first render */
	unsigned int nb_snaps;	  /* cur and every older one a stream still holds */
	uint32_t nb_streams;
	struct metrics_stream streams[METRICS_STREAMS];
};

static void
snap_free(struct metrics_snap *sn)
{
	free(sn->text);
	free(sn);
}

static void
snap_put(struct synq_app_metrics *mx, struct metrics_snap *sn)
{
	if (--sn->refs == 0 && sn != mx->cur) {
		snap_free(sn);
		mx->nb_snaps--;
	}
}

/* The text of synq's statistics now, rendered into a new snapshot; NULL on failure. */
static struct metrics_snap *
render(uint64_t now_ms)
{
	json_t *doc = synq_stats_json_try();
	struct metrics_snap *sn = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (doc == NULL)
		return NULL;
	f = open_memstream(&text, &len);
	if (f != NULL) {
		int rc = synq_prom_write(f, doc);

		if (fclose(f) == 0 && rc == 0 && len < UINT32_MAX)
			sn = malloc(sizeof(*sn));
	}
	json_decref(doc);
	if (sn == NULL) {
		free(text);
		return NULL;
	}
	*sn = (struct metrics_snap){.len = (uint32_t)len, .made_ms = now_ms, .text = text};
	return sn;
}

/* The snapshot a request gets now: the newest, rendered anew once it is too old. */
static struct metrics_snap *
snap_get(struct synq_app_lcore *a)
{
	struct synq_app_metrics *mx = a->metrics;
	struct metrics_snap *sn;

	if (mx->cur != NULL && (a->now_ms - mx->cur->made_ms < METRICS_MAX_AGE_MS ||
				       mx->nb_snaps >= METRICS_SNAPS))
		return mx->cur;
	sn = render(a->now_ms);
	if (sn == NULL)
		return mx->cur; /* the registry busy: the last one, if any */
	synq_counter_inc(a->ctr, SYNQ_CTR_APP_METRICS_RENDERS);
	if (mx->cur != NULL && mx->cur->refs == 0) {
		snap_free(mx->cur);
		mx->nb_snaps--;
	}
	mx->cur = sn;
	mx->nb_snaps++;
	return sn;
}

bool
builtin_metrics_streaming(const struct synq_session *s)
{
	return (s->app_u64[0] & AF_STREAMING) != 0;
}

/* Whether the request's method is @p m. */
static bool
method_is(const char *head, const struct synq_http_req *req, const char *m)
{
	return req->method_len == strlen(m) && memcmp(head, m, req->method_len) == 0;
}

/*
 * Whether the request's target is /metrics or / (a query string ignored). Its
 * absolute-form ("http://198.18.0.1:9100/metrics"), which a server must accept (RFC
 * 9112 3.2.2), is read as its path, "/" when empty (RFC 9112 3.3).
 */
static bool
target_ok(const char *head, const struct synq_http_req *req)
{
	const char *t = head + req->target_off;
	size_t n = req->target_len;
	const char *q;

	if (n != 0 && t[0] != '/') {
		size_t k = (n > 7 && strncasecmp(t, "http://", 7) == 0)	   ? 7
			   : (n > 8 && strncasecmp(t, "https://", 8) == 0) ? 8
									   : 0;

		if (k == 0)
			return false;
		while (k < n && t[k] != '/' && t[k] != '?') /* the authority */
			k++;
		t += k;
		n -= k;
		if (n == 0 || t[0] == '?')
			return true;
	}
	q = memchr(t, '?', n);
	if (q != NULL)
		n = (size_t)(q - t);
	return (n == 1 && t[0] == '/') || (n == 8 && memcmp(t, "/metrics", 8) == 0);
}

/* The response's head into @p buf: its length, 0 when it does not fit. */
static size_t
response_head(char *buf, size_t cap, uint32_t len, const struct synq_http_req *req)
{
	int n = snprintf(buf, cap,
		"HTTP/1.1 200 OK\r\nServer: synq\r\nContent-Type: " SYNQ_PROM_CONTENT_TYPE
		"\r\nContent-Length: %u\r\n%s\r\n",
		len,
		!req->keep_alive ? "Connection: close\r\n"
		: req->http10	 ? "Connection: keep-alive\r\n"
				 : "");

	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

/* A 404, the connection kept as the request asks. */
static int
not_found(struct synq_app_lcore *a, struct synq_session *s, const struct synq_http_req *req)
{
	static const char body[] = "not found: GET /metrics\n";
	char buf[BUILTIN_METRICS_HEAD_MAX];
	size_t n = synq_http_response(
		buf, sizeof(buf), 404, body, sizeof(body) - 1, req->keep_alive, req->http10);

	synq_counter_inc(a->ctr, SYNQ_CTR_APP_METRICS_NOT_FOUND);
	if (n == 0 || synq_app_send_copy(a, s, buf, n) != 0)
		return -ENOBUFS;
	if (!req->keep_alive) {
		synq_app_close(a, s);
		s->app_u64[0] |= AF_CLOSING;
	}
	return 0;
}

int
builtin_metrics_answer(struct synq_app_lcore *a, struct synq_session *s, const char *head,
	const struct synq_http_req *req)
{
	struct synq_app_metrics *mx = a->metrics;
	bool get = method_is(head, req, "GET");
	char buf[BUILTIN_METRICS_HEAD_MAX];
	struct metrics_stream *st;
	struct metrics_snap *sn;
	size_t n;

	if (req->body_len != 0 || mx->nb_streams == METRICS_STREAMS) {
		synq_counter_inc(a->ctr, SYNQ_CTR_APP_METRICS_BUSY);
		return 503;
	}
	if ((!get && !method_is(head, req, "HEAD")) || !target_ok(head, req))
		return not_found(a, s, req);
	sn = snap_get(a);
	if (sn == NULL) {
		synq_counter_inc(a->ctr, SYNQ_CTR_APP_METRICS_BUSY);
		return 503;
	}
	n = response_head(buf, sizeof(buf), sn->len, req);
	if (n == 0 || synq_app_send_copy(a, s, buf, n) != 0)
		return -ENOBUFS;
	synq_counter_inc(a->ctr, SYNQ_CTR_APP_METRICS_REQUESTS);
	if (!get || sn->len == 0) {
		if (!req->keep_alive) {
			synq_app_close(a, s);
			s->app_u64[0] |= AF_CLOSING;
		}
		return 0;
	}
	st = &mx->streams[mx->nb_streams++];
	*st = (struct metrics_stream){
		.snap = sn,
		.session = synq_session_index(a->ss, s),
		.deadline_ms = a->now_ms + METRICS_SEND_TIMEOUT_MS,
		.close = !req->keep_alive,
	};
	sn->refs++;
	s->app_u64[0] |= AF_STREAMING;
	s->app_u64[1] = mx->nb_streams;
	return 0;
}

/* Stream @p i is over (sent, or its session gone): its slot and reference freed. */
static void
stream_del(struct synq_app_lcore *a, uint32_t i)
{
	struct synq_app_metrics *mx = a->metrics;
	struct synq_session *s = synq_session_at(a->ss, mx->streams[i].session);

	snap_put(mx, mx->streams[i].snap);
	s->app_u64[0] &= ~(uint64_t)AF_STREAMING;
	s->app_u64[1] = 0;
	mx->streams[i] = mx->streams[--mx->nb_streams];
	if (i < mx->nb_streams)
		synq_session_at(a->ss, mx->streams[i].session)->app_u64[1] = i + 1;
}

void
builtin_metrics_free(struct synq_app_lcore *a, struct synq_session *s)
{
	if (builtin_metrics_streaming(s))
		stream_del(a, (uint32_t)s->app_u64[1] - 1);
}

/*
 * Send what room each stream's snd_buf has; end the streams sent whole (closed, or
 * back to reading requests) and those past their deadline (reset).
 */
void
builtin_metrics_poll(struct synq_app_lcore *a)
{
	struct synq_app_metrics *mx = a->metrics;
	uint32_t budget = METRICS_PASS_BYTES;

	for (uint32_t i = 0; i < mx->nb_streams;) {
		struct metrics_stream *st = &mx->streams[i];
		struct synq_session *s = synq_session_at(a->ss, st->session);
		uint32_t cap = a->ls->l[s->listener].tcp.snd_buf;
		uint32_t pending = atomic_load_explicit(&s->snd_pending, memory_order_relaxed);
		uint32_t n = RTE_MIN(st->snap->len - st->off, budget);

		n = RTE_MIN(n, pending < cap ? cap - pending : 0);
		if (n < RTE_MIN(st->snap->len - st->off, METRICS_MIN_SEND))
			n = 0;
		if (n != 0 && synq_app_send_copy(a, s, st->snap->text + st->off, n) == 0) {
			st->off += n;
			budget -= n;
		}
		if (st->off == st->snap->len) {
			bool close = st->close;

			stream_del(a, i);
			if (close) {
				synq_app_close(a, s);
				s->app_u64[0] |= AF_CLOSING;
			}
			/* the requests that wait, or (closing) their bytes dropped */
			builtin_http_resume(a, s);
			continue; /* the last stream moved to i */
		}
		if (a->now_ms >= st->deadline_ms) {
			synq_counter_inc(a->ctr, SYNQ_CTR_APP_METRICS_SEND_TIMEOUTS);
			stream_del(a, i);
			builtin_http_abort(a, s);
			continue;
		}
		i++;
	}
}

int
builtin_metrics_prepare(struct synq_app_lcore *a)
{
	if (a->metrics != NULL)
		return 0;
	a->metrics = rte_zmalloc("synq_metrics", sizeof(*a->metrics), 0);
	return a->metrics != NULL ? 0 : -ENOMEM;
}

void
builtin_metrics_fini(struct synq_app_lcore *a)
{
	struct synq_app_metrics *mx = a->metrics;

	if (mx == NULL)
		return;
	for (uint32_t i = 0; i < mx->nb_streams; i++)
		if (--mx->streams[i].snap->refs == 0 && mx->streams[i].snap != mx->cur)
			snap_free(mx->streams[i].snap);
	if (mx->cur != NULL)
		snap_free(mx->cur);
	rte_free(mx);
	a->metrics = NULL;
}
