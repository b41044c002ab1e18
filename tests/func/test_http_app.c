/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Functional tests of the applications' side against hostile clients, on the harness
 * with a config of its own: one http listener with small buffers, two head buffers, a
 * one-second head deadline; one hold listener with per-source limits. The test plays
 * the clients and drives the application lcore with synq_app_builtin_poll_at() on a
 * clock of its own.
 */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rte_ring.h>

#include <rte_mempool.h>

#include "harness.h"
#include "synq_frame.h"
#include "synq_http.h"

#define HTTP_PORT 85 /* the harness expects rcv_buf 8192 on 85 */
#define HTTP_LI 0

static const char http_config[] =
	HARNESS_PORT_CONFIG("both")
	"  \"mempool\": { \"mbufs\": 2048, \"cache\": 32 },"
	"  \"http\": { \"head_buffers\": 2 },"
	"  \"listeners\": ["
	"    { \"port\": 85, \"app\": \"http\", \"rcv_buf\": 8192, \"snd_buf\": 4096,"
	"      \"window_scale\": 0, \"http_head_timeout_ms\": 1000 },"
	"    { \"port\": 86, \"app\": \"hold\", \"max_conns_per_source\": 2,"
	"      \"max_conns_per_prefix\": 3 } ] }";

HARNESS_SETUP(.name = "http_app", .config = http_config);

/* What one client saw of its connection. */
struct seen {
	uint32_t hi;	   /* our next sequence number after the data seen */
	unsigned int rst;  /* RSTs */
	unsigned int fin;  /* FINs */
	char data[512];	   /* the start of the data, as it came */
	uint32_t data_len; /* all of it */
};

/* Poll the worker and the application a few rounds; the frames go to their clients. */
static void
pump(uint64_t now_ms, const struct flow *f, struct seen *s, unsigned int nf)
{
	for (unsigned int round = 0; round < 4; round++) {
		struct rte_mbuf *out[32];
		unsigned int n;

		synq_app_builtin_poll_at(&app, now_ms);
		n = poll_idle(out, RTE_DIM(out));
		for (unsigned int i = 0; i < n; i++) {
			struct synq_frame_view v;

			assert_int_equal(
				synq_frame_parse_tcp(rte_pktmbuf_mtod(out[i], const uint8_t *),
					out[i]->pkt_len, &v),
				0);
			for (unsigned int k = 0; k < nf; k++) {
				uint32_t end = v.seq + v.data_len + !!(v.flags & F_FIN);
				uint32_t room = sizeof(s[k].data) -
						RTE_MIN(s[k].data_len, (uint32_t)sizeof(s[k].data));

				if (v.dport != f[k].cport || v.family != f[k].family ||
					memcmp(v.dst, f[k].caddr, 4) != 0)
					continue;
				s[k].rst += !!(v.flags & F_RST);
				s[k].fin += !!(v.flags & F_FIN);
				if (v.data_len != 0 && v.seq == s[k].hi) {
					memcpy(s[k].data + sizeof(s[k].data) - room, v.data,
						RTE_MIN(room, (uint32_t)v.data_len));
					s[k].data_len += v.data_len;
				}
				if ((int32_t)(end - s[k].hi) > 0 && !(v.flags & F_RST))
					s[k].hi = end;
			}
			rte_pktmbuf_free(out[i]);
		}
	}
}

/* The client of @p f connects; the application accepts. */
static void
connect_client(struct flow *f, struct seen *s, uint64_t now_ms)
{
	open_flow(f);
	finish_flow(f);
	memset(s, 0, sizeof(*s));
	s->hi = f->our_isn + 1;
	pump(now_ms, f, s, 1);
}

/*
 * The client of @p f sends @p len bytes at its sequence number @p seq (advanced),
 * acknowledging everything it has seen of ours when @p s, nothing when NULL.
 */
static void
client_send(
	const struct flow *f, uint32_t *seq, const struct seen *s, const void *data, uint32_t len)
{
	uint32_t ack = s != NULL ? s->hi : f->our_isn + 1;

	assert_int_equal(rte_ring_enqueue(rx_ring[0], ack_frame(f, *seq, ack, data, len)), 0);
	*seq += len;
}

/* The client of @p f resets its connection at its sequence number @p seq. */
static void
reset_flow_at(const struct flow *f, uint32_t seq)
{
	assert_int_equal(rte_ring_enqueue(rx_ring[0], rst_frame(f, seq)), 0);
}

/* The session of the client of @p f. */
static struct synq_session *
session_of(const struct flow *f)
{
	for (uint32_t i = 0; i < rt.sessions.nb; i++) {
		struct synq_session *c = &rt.sessions.s[i];

		if (c->sport == rte_cpu_to_be_16(f->cport) && memcmp(c->saddr, f->caddr, 4) == 0 &&
			conn_info(c).state == SYNQ_TCP_ESTABLISHED)
			return c;
	}
	fail_msg("no session for port %u", f->cport);
	return NULL;
}

static const char req[] = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";

/*
 * A client that pipelines 160 requests and does not read its answers: the answers
 * stop when snd_buf is full, the reading pauses (its bytes stay unconsumed: the
 * window shuts), no RST; as the client acknowledges, the answers resume, to the last.
 *
 * Fails on the code before (d96f692..8271e30, builtin.c http_serve()): the answer
 * that did not fit in snd_buf aborted the connection, a RST with 41 answered.
 */
static void
test_pipelining_pauses(void **state __rte_unused)
{
	struct flow f = flow4(50, 45000, HTTP_PORT, 0x50000000);
	uint64_t served = app_counter(SYNQ_CTR_APP_HTTP_REQUESTS);
	uint64_t paused = app_counter(SYNQ_CTR_APP_HTTP_PAUSED);
	static char seg[40 * (sizeof(req) - 1)];
	uint32_t seq = f.isn + 1;
	struct synq_session *c;
	struct seen s;

	for (unsigned int i = 0; i < 40; i++)
		memcpy(seg + i * (sizeof(req) - 1), req, sizeof(req) - 1);
	connect_client(&f, &s, 1000);
	c = session_of(&f);
	for (unsigned int k = 0; k < 4; k++) {
		client_send(&f, &seq, NULL, seg, sizeof(seg));
		pump(1000, &f, &s, 1);
	}
	assert_int_equal(s.rst, 0);
	assert_true(app_counter(SYNQ_CTR_APP_HTTP_REQUESTS) - served < 160);
	assert_true(app_counter(SYNQ_CTR_APP_HTTP_REQUESTS) - served > 0);
	assert_int_equal(app_counter(SYNQ_CTR_APP_HTTP_PAUSED) - paused, 1);
	assert_true(atomic_load(&c->rcv_unread) > 0);
	assert_int_equal(conn_info(c).state, SYNQ_TCP_ESTABLISHED);
	assert_memory_equal(s.data, "HTTP/1.1 200 OK\r\n", 17);

	/* the client reads: everything is answered, in the end nothing is left unread */
	for (unsigned int k = 0; k < 100 && app_counter(SYNQ_CTR_APP_HTTP_REQUESTS) - served < 160;
		k++) {
		client_send(&f, &seq, &s, NULL, 0);
		pump(1000, &f, &s, 1);
	}
	assert_int_equal(app_counter(SYNQ_CTR_APP_HTTP_REQUESTS) - served, 160);
	assert_int_equal(s.rst, 0);
	assert_int_equal(atomic_load(&c->rcv_unread), 0);
	assert_int_equal(app.nb_http_paused, 0);
	/* and the connection still serves */
	client_send(&f, &seq, &s, req, sizeof(req) - 1);
	pump(1000, &f, &s, 1);
	assert_int_equal(app_counter(SYNQ_CTR_APP_HTTP_REQUESTS) - served, 161);
	reset_flow_at(&f, seq);
	pump(1000, &f, &s, 1);
}

/*
 * Slowloris: partial heads take the two head buffers; a third partial head gets a
 * 503 and a close, a head that arrives whole is served without a buffer, a head
 * completed in time is served (its buffer back), and the one still partial after
 * http_head_timeout_ms gets a 408 and a close. The pool is whole again after.
 *
 * Fails on the code before: every partial head took an mbuf of the port's pool and
 * kept it as long as the connection lived (no 503, no 408).
 */
static void
test_head_pool_and_deadline(void **state __rte_unused)
{
	struct flow f[4] = {
		flow4(51, 45001, HTTP_PORT, 0x51000000),
		flow4(54, 45002, HTTP_PORT, 0x51000001), /* other /24s: one buffer each */
		flow4(55, 45003, HTTP_PORT, 0x51000002),
		flow4(51, 45004, HTTP_PORT, 0x51000003),
	};
	uint64_t served = app_counter(SYNQ_CTR_APP_HTTP_REQUESTS);
	uint64_t empty = app_counter(SYNQ_CTR_APP_HTTP_HEAD_POOL_EMPTY);
	uint64_t late = app_counter(SYNQ_CTR_APP_HTTP_HEAD_TIMEOUTS);
	uint32_t seq[4];
	struct seen s[4];

	for (unsigned int i = 0; i < 4; i++) {
		connect_client(&f[i], &s[i], 10000);
		seq[i] = f[i].isn + 1;
	}
	assert_int_equal(app.nb_heads_free, 2);
	/* 0 and 1 take the buffers, 2 finds none */
	for (unsigned int i = 0; i < 3; i++) {
		client_send(&f[i], &seq[i], &s[i], req, 18);
		pump(10000, f, s, 4);
	}
	assert_int_equal(app.nb_heads_free, 0);
	assert_int_equal(app_counter(SYNQ_CTR_APP_HTTP_HEAD_POOL_EMPTY) - empty, 1);
	assert_memory_equal(s[2].data, "HTTP/1.1 503 Service Unavailable\r\n", 34);
	assert_int_equal(s[2].fin, 1);
	assert_int_equal(s[0].data_len + s[1].data_len, 0);
	/* a whole head needs no buffer */
	client_send(&f[3], &seq[3], &s[3], req, sizeof(req) - 1);
	pump(10000, f, s, 4);
	assert_memory_equal(s[3].data, "HTTP/1.1 200 OK\r\n", 17);
	assert_int_equal(app_counter(SYNQ_CTR_APP_HTTP_REQUESTS) - served, 1);
	/* 0 completes its head in time, in two pieces, and a second request behind it */
	client_send(&f[0], &seq[0], &s[0], req + 18, 4);
	pump(10500, f, s, 4);
	assert_int_equal(s[0].data_len, 0);
	{
		char rest[2 * sizeof(req)];
		uint32_t n = (uint32_t)(sizeof(req) - 1 - 22);

		memcpy(rest, req + 22, n);
		memcpy(rest + n, req, sizeof(req) - 1);
		client_send(&f[0], &seq[0], &s[0], rest, n + (uint32_t)sizeof(req) - 1);
	}
	pump(10500, f, s, 4);
	assert_int_equal(app_counter(SYNQ_CTR_APP_HTTP_REQUESTS) - served, 3);
	assert_memory_equal(s[0].data, "HTTP/1.1 200 OK\r\n", 17);
	assert_int_equal(app.nb_heads_free, 1);
	/* 1 never completes its head: 408 and a close once its second is over */
	pump(10999, f, s, 4);
	assert_int_equal(s[1].data_len, 0);
	pump(11100, f, s, 4);
	assert_int_equal(app_counter(SYNQ_CTR_APP_HTTP_HEAD_TIMEOUTS) - late, 1);
	assert_memory_equal(s[1].data, "HTTP/1.1 408 Request Timeout\r\n", 30);
	assert_int_equal(s[1].fin, 1);
	assert_int_equal(app.nb_heads_free, 2);
	assert_int_equal(s[0].fin + s[3].fin, 0);
	for (unsigned int i = 0; i < 4; i++) {
		reset_flow_at(&f[i], seq[i]);
		pump(11100, f, s, 4);
	}
}

/*
 * A paused session (snd_buf full, the client not reading) then gets 768 1-byte
 * segments: each is copied into the room of the last mbuf kept (builtin_keep(), as
 * echo's), so they hold a buffer or two, not one each. The worker still charges each
 * segment it hands over its truesize until everything is consumed, and so stops
 * taking them at 2 x rcv_buf + 64 KiB (SynqTcpRcvMemDrops). A RST gives all back.
 *
 * Fails on the code before (builtin_http_data() linked every event behind the tail):
 * 32 more mbufs held, one per segment until the worker's SynqTcpRcvMemDrops.
 */
static void
test_paused_small_segments(void **state __rte_unused)
{
	struct flow f = flow4(52, 45100, HTTP_PORT, 0x52000000);
	static char seg[40 * (sizeof(req) - 1)];
	uint32_t seq = f.isn + 1, seq0;
	unsigned int before, after;
	struct snap sn;
	struct seen s;

	for (unsigned int i = 0; i < 40; i++)
		memcpy(seg + i * (sizeof(req) - 1), req, sizeof(req) - 1);
	connect_client(&f, &s, 1000);
	for (unsigned int k = 0; k < 4; k++) {
		client_send(&f, &seq, NULL, seg, sizeof(seg));
		pump(1000, &f, &s, 1);
	}
	assert_int_equal(app.nb_http_paused, 1);
	snap_take(&sn);
	seq0 = seq;
	before = rte_mempool_in_use_count(frames);
	for (unsigned int b = 0; b < 12; b++) {
		for (unsigned int i = 0; i < 64; i++)
			client_send(&f, &seq, NULL, "x", 1);
		pump(1000, &f, &s, 1);
	}
	after = rte_mempool_in_use_count(frames);
	assert_true(after <= before + 2);
	/* what the app cannot save, the worker's charge bounds (then a gap: out of order) */
	assert_true(delta(&sn, SYNQ_CTR_TCP_IN_DATA_BYTES) >= 16);
	assert_int_equal(delta(&sn, SYNQ_CTR_TCP_RCV_MEM_DROPS), 1);
	assert_int_equal(s.rst, 0);
	assert_int_equal(app.nb_http_paused, 1);
	reset_flow_at(&f, seq0 + (uint32_t)delta(&sn, SYNQ_CTR_TCP_IN_DATA_BYTES));
	pump(1000, &f, &s, 1);
	assert_int_equal(app.nb_http_paused, 0);
	assert_true(rte_mempool_in_use_count(frames) <= before);
}

/*
 * A legitimate request and at once the client's RST: DATA, RESET and CLOSED come in
 * one burst. The http app's answer to the data is refused (-EPIPE) but not counted
 * as a misuse: SynqAppCmdClosed stays 0. A command once the burst is handled counts.
 *
 * Fails on the code before: own[] was CLOSED when the burst was dequeued, +3.
 */
static void
test_request_then_rst_not_counted(void **state __rte_unused)
{
	struct flow f = flow4(53, 45200, HTTP_PORT, 0x53000000);
	uint64_t closed = app_counter(SYNQ_CTR_APP_CMD_CLOSED);
	uint32_t seq = f.isn + 1;
	struct synq_session *c;
	struct seen s;

	connect_client(&f, &s, 1000);
	c = session_of(&f);
	client_send(&f, &seq, &s, req, sizeof(req) - 1);
	reset_flow_at(&f, seq);
	pump(1000, &f, &s, 1);
	assert_int_equal(app_counter(SYNQ_CTR_APP_CMD_CLOSED) - closed, 0);
	/* released by the app at its CLOSED event: any command now is a stale one */
	assert_int_equal(synq_app_close(&app, c), -ESTALE);
	assert_int_equal(app_counter(SYNQ_CTR_APP_CMD_CLOSED) - closed, 0);
}

/*
 * A malformed head (a field line without a colon) gets a 400 and a close, whether it
 * is read where it lies (one segment) or in a head buffer (its request line came
 * first, alone): the buffer is given back. (A 431 cannot come from either parse here:
 * a segment holds less than SYNQ_HTTP_HEAD_MAX, and a buffer takes no more than it.)
 */
static void
test_malformed_head_400(void **state __rte_unused)
{
	static const char bad[] = "GET / HTTP/1.1\r\nno colon\r\n\r\n";
	struct flow f[2] = {
		flow4(56, 45300, HTTP_PORT, 0x56000000),
		flow4(57, 45301, HTTP_PORT, 0x57000000),
	};
	uint64_t errors = app_counter(SYNQ_CTR_APP_HTTP_ERRORS);
	uint32_t seq[2];
	struct seen s[2];

	for (unsigned int i = 0; i < 2; i++) {
		connect_client(&f[i], &s[i], 20000);
		seq[i] = f[i].isn + 1;
	}
	/* 0: in place */
	client_send(&f[0], &seq[0], &s[0], bad, sizeof(bad) - 1);
	pump(20000, f, s, 2);
	assert_memory_equal(s[0].data, "HTTP/1.1 400 Bad Request\r\n", 26);
	assert_int_equal(s[0].fin, 1);
	/* 1: the request line alone takes a buffer; the bad field comes after */
	client_send(&f[1], &seq[1], &s[1], bad, 16);
	pump(20000, f, s, 2);
	assert_int_equal(app.nb_heads_free, 1);
	assert_int_equal(s[1].data_len, 0);
	client_send(&f[1], &seq[1], &s[1], bad + 16, sizeof(bad) - 1 - 16);
	pump(20000, f, s, 2);
	assert_memory_equal(s[1].data, "HTTP/1.1 400 Bad Request\r\n", 26);
	assert_int_equal(s[1].fin, 1);
	assert_int_equal(app.nb_heads_free, 2);
	assert_int_equal(app_counter(SYNQ_CTR_APP_HTTP_ERRORS) - errors, 2);
	for (unsigned int i = 0; i < 2; i++) {
		reset_flow_at(&f[i], seq[i]);
		pump(20000, f, s, 2);
	}
}

/*
 * The room reserved before a head is read is that of the longest answer it can get:
 * 408, 431 or 503 are longer than the default body's 200.
 *
 * Fails on the code before: only the 200 responses were measured.
 */
static void
test_reserve_fits_errors(void **state __rte_unused)
{
	static const int status[] = {400, 408, 431, 501, 503};
	char buf[256];

	for (unsigned int k = 0; k < RTE_DIM(status); k++)
		assert_true(synq_http_response(buf, sizeof(buf), status[k], NULL, 0, false,
				    false) <= app.http_resp_max[HTTP_LI]);
}

/*
 * One /24 holds at most a quarter of the head pool (here 2: one buffer): its second
 * partial head gets a 503 and a close (SynqAppHttpHeadSourceLimit), and a client of
 * another /24 that pipelines a head straddling two segments still finds a buffer and
 * is served both answers, the connection open.
 *
 * Fails on the code before: the slowloris host took both buffers, and the pipelining
 * client got a 503 and a close in the middle of its stream.
 */
static void
test_head_pool_source_cap(void **state __rte_unused)
{
	struct flow f[3] = {
		flow4(71, 47001, HTTP_PORT, 0x71000000),
		flow4(71, 47002, HTTP_PORT, 0x71000001),
		flow4(72, 47003, HTTP_PORT, 0x72000000),
	};
	uint64_t capped = app_counter(SYNQ_CTR_APP_HTTP_HEAD_SOURCE_LIMIT);
	uint64_t served = app_counter(SYNQ_CTR_APP_HTTP_REQUESTS);
	char first[2 * sizeof(req)];
	uint32_t n = sizeof(req) - 1;
	uint32_t seq[3];
	struct seen s[3];

	for (unsigned int i = 0; i < 3; i++) {
		connect_client(&f[i], &s[i], 20000);
		seq[i] = f[i].isn + 1;
	}
	for (unsigned int i = 0; i < 2; i++) {
		client_send(&f[i], &seq[i], &s[i], "G", 1);
		pump(20000, f, s, 3);
	}
	assert_int_equal(app.nb_heads_free, 1);
	assert_int_equal(app_counter(SYNQ_CTR_APP_HTTP_HEAD_SOURCE_LIMIT) - capped, 1);
	assert_memory_equal(s[1].data, "HTTP/1.1 503 Service Unavailable\r\n", 34);
	assert_int_equal(s[1].fin, 1);
	/* the legitimate client: one request and the start of the next, then the rest */
	memcpy(first, req, n);
	memcpy(first + n, req, 10);
	client_send(&f[2], &seq[2], &s[2], first, n + 10);
	pump(20000, f, s, 3);
	client_send(&f[2], &seq[2], &s[2], req + 10, n - 10);
	pump(20000, f, s, 3);
	assert_int_equal(app_counter(SYNQ_CTR_APP_HTTP_REQUESTS) - served, 2);
	assert_int_equal(s[2].fin, 0);
	assert_int_equal(s[2].rst, 0);
	assert_int_equal(app.nb_heads_free, 1);
	for (unsigned int i = 0; i < 3; i++) {
		reset_flow_at(&f[i], seq[i]);
		pump(20000, f, s, 3);
	}
	assert_int_equal(app.nb_heads_free, 2);
}

/* The final ACK of @p f, answered with a RST: refused at promotion. */
static void
refused(struct flow *f)
{
	struct rte_mbuf *r;

	open_flow(f);
	r = exchange(ack_frame(f, f->isn + 1, f->our_isn + 1, NULL, 0));
	assert_non_null(r);
	check_rst(r, f, f->our_isn + 1);
	rte_pktmbuf_free(r);
}

/*
 * Per-source limits on a hold listener (the connections stay): two connections from
 * one address, three from its /24; the next ones get a RST at promotion, counted by
 * reason; another /24 is not concerned; a connection that ends gives its place back.
 *
 * Fails on the code before: no limit, every final ACK promoted.
 */
static void
test_per_source_limits(void **state __rte_unused)
{
	struct flow a[3], b[2], other = flow4(61, 46100, 86, 0x61000000);
	struct snap s;

	for (unsigned int i = 0; i < 3; i++)
		a[i] = flow4(60, (uint16_t)(46000 + i), 86, 0x60000000 + i);
	for (unsigned int i = 0; i < 2; i++) {
		b[i] = flow4(60, (uint16_t)(46010 + i), 86, 0x60000010 + i);
		b[i].caddr[3] = 3; /* 198.18.60.3: the same /24 */
	}
	snap_take(&s);
	for (unsigned int i = 0; i < 2; i++) {
		open_flow(&a[i]);
		finish_flow(&a[i]);
	}
	refused(&a[2]);
	assert_int_equal(delta(&s, SYNQ_CTR_SRC_LIMIT_SOURCE), 1);
	open_flow(&b[0]);
	finish_flow(&b[0]);
	refused(&b[1]);
	assert_int_equal(delta(&s, SYNQ_CTR_SRC_LIMIT_PREFIX), 1);
	open_flow(&other);
	finish_flow(&other);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 4);
	/* a[0] leaves: a[2] fits again (its address has one, the /24 two) */
	reset_flow(&a[0]);
	a[2].isn += 1000;
	open_flow(&a[2]);
	finish_flow(&a[2]);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 5);
	assert_int_equal(
		delta(&s, SYNQ_CTR_SRC_LIMIT_SOURCE) + delta(&s, SYNQ_CTR_SRC_LIMIT_PREFIX), 2);
	assert_int_equal(delta(&s, SYNQ_CTR_SRC_LIMIT_TABLE_FULL), 0);
	reset_flow(&a[1]);
	reset_flow(&a[2]);
	reset_flow(&b[0]);
	reset_flow(&other);
	assert_int_equal(drain(1), 5); /* hold: the five promoted wait, reset, to be taken */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipelining_pauses),
		cmocka_unit_test(test_head_pool_and_deadline),
		cmocka_unit_test(test_head_pool_source_cap),
		cmocka_unit_test(test_paused_small_segments),
		cmocka_unit_test(test_malformed_head_400),
		cmocka_unit_test(test_reserve_fits_errors),
		cmocka_unit_test(test_request_then_rst_not_counted),
		cmocka_unit_test(test_per_source_limits),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
