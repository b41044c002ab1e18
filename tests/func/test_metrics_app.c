/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Functional tests of the metrics app (issue 15) on the harness: one metrics listener
 * with a small snd_buf whose "allow" holds test 1's and 2's clients (198.18.1.0/24,
 * 198.18.2.2/32). The test plays the clients and drives the application lcore with
 * synq_app_builtin_poll_at() on a clock of its own: a response of tens of KB goes out
 * within snd_buf as the client acknowledges it; requests of one second share a
 * render; a client that never reads is reset after 30 s; a 404; a source outside
 * "allow" gets a RST to its SYN.
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

#include "harness.h"
#include "synq_frame.h"

#define PORT 9100
#define SND_BUF 4096

static const char metrics_config[] =
	HARNESS_PORT_CONFIG("both") "  \"mempool\": { \"mbufs\": 2048, \"cache\": 32 },"
				    "  \"listeners\": ["
				    "    { \"port\": 9100, \"app\": \"metrics\", \"snd_buf\": "
				    "4096, \"window_scale\": 0,"
				    "      \"allow\": [\"198.18.1.0/24\", \"198.18.2.2\"] } ] }";

HARNESS_SETUP(.name = "metrics_app", .config = metrics_config);

/* What one client saw: the first bytes of our data, how much, RSTs, FINs. */
struct seen {
	uint32_t hi; /* our next sequence number after the data seen */
	unsigned int rst;
	unsigned int fin;
	char data[1024];
	uint32_t data_len;
};

/* Poll the worker and the application a few rounds; the client's frames to @p s. */
static void
pump(uint64_t now_ms, const struct flow *f, struct seen *s)
{
	for (unsigned int round = 0; round < 4; round++) {
		struct rte_mbuf *out[32];
		unsigned int n;

		synq_app_builtin_poll_at(&app, now_ms);
		n = poll_idle(out, RTE_DIM(out));
		for (unsigned int i = 0; i < n; i++) {
			struct synq_frame_view v;
			uint32_t end, room;

			assert_int_equal(
				synq_frame_parse_tcp(rte_pktmbuf_mtod(out[i], const uint8_t *),
					out[i]->pkt_len, &v),
				0);
			end = v.seq + v.data_len + !!(v.flags & F_FIN);
			room = sizeof(s->data) - RTE_MIN(s->data_len, (uint32_t)sizeof(s->data));
			if (v.dport == f->cport && memcmp(v.dst, f->caddr, 4) == 0) {
				s->rst += !!(v.flags & F_RST);
				s->fin += !!(v.flags & F_FIN);
				if (v.data_len != 0 && v.seq == s->hi) {
					memcpy(s->data + sizeof(s->data) - room, v.data,
						RTE_MIN(room, (uint32_t)v.data_len));
					s->data_len += v.data_len;
				}
				if ((int32_t)(end - s->hi) > 0 && !(v.flags & F_RST))
					s->hi = end;
			}
			rte_pktmbuf_free(out[i]);
		}
	}
}

static void
connect_client(struct flow *f, struct seen *s, uint64_t now_ms)
{
	open_flow(f);
	finish_flow(f);
	memset(s, 0, sizeof(*s));
	s->hi = f->our_isn + 1;
	pump(now_ms, f, s);
}

/* @p len bytes from the client at *@p seq, acknowledging what it saw (not when !ack). */
static void
client_send(const struct flow *f, uint32_t *seq, const struct seen *s, bool ack, const char *data,
	uint32_t len)
{
	assert_int_equal(
		rte_ring_enqueue(rx_ring[0], ack_frame(f, *seq, ack ? s->hi : f->our_isn + 1,
						     (const uint8_t *)data, len)),
		0);
	*seq += len;
}

/* The client of @p f resets its connection at its sequence number @p seq. */
static void
reset_flow_at(const struct flow *f, uint32_t seq)
{
	assert_int_equal(rte_ring_enqueue(rx_ring[0], rst_frame(f, seq)), 0);
}

/* The response's head length and Content-Length, from the start of what was seen. */
static void
parse_head(const struct seen *s, uint32_t *head, uint32_t *clen)
{
	const char *end =
		memmem(s->data, RTE_MIN(s->data_len, (uint32_t)sizeof(s->data)), "\r\n\r\n", 4);
	const char *cl = memmem(s->data, sizeof(s->data), "Content-Length: ", 16);

	assert_non_null(end);
	assert_non_null(cl);
	*head = (uint32_t)(end + 4 - s->data);
	*clen = (uint32_t)strtoul(cl + 16, NULL, 10);
}

/* Acknowledge until @p want bytes came (at most @p rounds rounds). */
static void
read_until(const struct flow *f, uint32_t *seq, struct seen *s, uint64_t now_ms, uint32_t want)
{
	for (unsigned int k = 0; k < 400 && s->data_len < want; k++) {
		client_send(f, seq, s, true, NULL, 0);
		pump(now_ms, f, s);
	}
}

static const char get[] = "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n";

/*
 * A scrape: the head and the text, tens of KB through a 4 KB snd_buf as the client
 * acknowledges; a second on the same connection within the second shares the render,
 * one after it renders anew. No RST, no FIN (keep-alive).
 */
static void
test_scrape_streams(void **state __rte_unused)
{
	struct flow f = flow4(1, 46000, PORT, 0x61000000);
	uint64_t renders = app_counter(SYNQ_CTR_APP_METRICS_RENDERS);
	uint64_t reqs = app_counter(SYNQ_CTR_APP_METRICS_REQUESTS);
	uint32_t seq = f.isn + 1, head, clen, total;
	struct seen s;

	connect_client(&f, &s, 10000);
	client_send(&f, &seq, &s, true, get, sizeof(get) - 1);
	pump(10000, &f, &s);
	assert_memory_equal(s.data, "HTTP/1.1 200 OK\r\n", 17);
	assert_non_null(memmem(s.data, sizeof(s.data), "version=0.0.4", 13));
	parse_head(&s, &head, &clen);
	assert_true(clen > 10 * SND_BUF);
	/* no more than snd_buf before the client acknowledges */
	assert_true(s.data_len <= SND_BUF);
	read_until(&f, &seq, &s, 10000, head + clen);
	assert_int_equal(s.data_len, head + clen);
	assert_memory_equal(s.data + head, "# HELP synq_info ", 17);
	assert_int_equal(s.rst + s.fin, 0);
	assert_int_equal(app_counter(SYNQ_CTR_APP_METRICS_RENDERS) - renders, 1);

	/* the same second: the same snapshot, byte for byte as long */
	total = s.data_len;
	client_send(&f, &seq, &s, true, get, sizeof(get) - 1);
	read_until(&f, &seq, &s, 10500, total + head + clen);
	assert_int_equal(s.data_len, total + head + clen);
	assert_int_equal(app_counter(SYNQ_CTR_APP_METRICS_RENDERS) - renders, 1);
	/* a second later: rendered anew */
	client_send(&f, &seq, &s, true, get, sizeof(get) - 1);
	pump(11100, &f, &s);
	assert_int_equal(app_counter(SYNQ_CTR_APP_METRICS_RENDERS) - renders, 2);
	assert_int_equal(app_counter(SYNQ_CTR_APP_METRICS_REQUESTS) - reqs, 3);
	assert_int_equal(s.rst, 0);
	reset_flow_at(&f, seq);
	pump(11100, &f, &s);
}

/*
 * "Connection: close" with a request pipelined behind it: the whole text, then our
 * FIN once it is sent; the request behind is dropped, never answered.
 */
static void
test_close_after_text(void **state __rte_unused)
{
	static const char two[] = "GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n"
				  "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n";
	struct flow f = flow4(1, 46005, PORT, 0x66000000);
	uint64_t reqs = app_counter(SYNQ_CTR_APP_METRICS_REQUESTS);
	uint32_t seq = f.isn + 1, head, clen;
	struct seen s;

	connect_client(&f, &s, 40000);
	client_send(&f, &seq, &s, true, two, sizeof(two) - 1);
	pump(40000, &f, &s);
	parse_head(&s, &head, &clen);
	assert_non_null(memmem(s.data, head, "Connection: close\r\n", 19));
	assert_int_equal(s.fin, 0); /* not before the text has gone out */
	read_until(&f, &seq, &s, 40000, head + clen + 1);
	client_send(&f, &seq, &s, true, NULL, 0);
	pump(40000, &f, &s);
	assert_int_equal(s.data_len, head + clen);
	assert_int_equal(s.fin, 1);
	assert_int_equal(s.rst, 0);
	assert_int_equal(app_counter(SYNQ_CTR_APP_METRICS_REQUESTS) - reqs, 1);
	reset_flow_at(&f, seq);
	pump(40000, &f, &s);
}

/* Another target: a 404, the connection kept; a request with a body: 503 and a close. */
static void
test_not_found_and_body(void **state __rte_unused)
{
	static const char other[] = "GET /stats HTTP/1.1\r\nHost: a\r\n\r\n";
	static const char post[] = "POST /metrics HTTP/1.1\r\nContent-Length: 2\r\n\r\nab";
	struct flow f = flow4(2, 46001, PORT, 0x62000000);
	uint64_t nf = app_counter(SYNQ_CTR_APP_METRICS_NOT_FOUND);
	uint64_t busy = app_counter(SYNQ_CTR_APP_METRICS_BUSY);
	uint32_t seq = f.isn + 1;
	struct seen s;

	connect_client(&f, &s, 20000);
	client_send(&f, &seq, &s, true, other, sizeof(other) - 1);
	pump(20000, &f, &s);
	assert_memory_equal(s.data, "HTTP/1.1 404 ", 13);
	assert_int_equal(app_counter(SYNQ_CTR_APP_METRICS_NOT_FOUND) - nf, 1);
	assert_int_equal(s.fin, 0);
	s.data_len = 0;
	memset(s.data, 0, sizeof(s.data));
	client_send(&f, &seq, &s, true, post, sizeof(post) - 1);
	pump(20000, &f, &s);
	assert_memory_equal(s.data, "HTTP/1.1 503 ", 13);
	assert_int_equal(app_counter(SYNQ_CTR_APP_METRICS_BUSY) - busy, 1);
	assert_int_equal(s.fin, 1);
	reset_flow_at(&f, seq);
	pump(20000, &f, &s);
}

/*
 * The absolute-form of the target (RFC 9112 3.2.2: a server must accept it), as a
 * client configured with a proxy may send it: its path counts, "/" when empty.
 */
static void
test_absolute_form(void **state __rte_unused)
{
	static const char abs_head[] =
		"HEAD http://198.18.0.1:9100/metrics?x=1 HTTP/1.1\r\nHost: a\r\n\r\n";
	static const char no_path[] = "HEAD HTTP://a:9100 HTTP/1.1\r\nHost: a\r\n\r\n";
	static const char other[] = "HEAD http://a/stats HTTP/1.1\r\nHost: a\r\n\r\n";
	static const char *const reqs[] = {abs_head, no_path, other};
	static const char *const want[] = {"HTTP/1.1 200 ", "HTTP/1.1 200 ", "HTTP/1.1 404 "};
	struct flow f = flow4(1, 46010, PORT, 0x6a000000);
	uint32_t seq = f.isn + 1;
	struct seen s;

	connect_client(&f, &s, 90000);
	for (unsigned int i = 0; i < RTE_DIM(reqs); i++) {
		uint32_t at = s.data_len;

		client_send(&f, &seq, &s, true, reqs[i], (uint32_t)strlen(reqs[i]));
		pump(90000, &f, &s);
		assert_true(s.data_len > at + 13);
		assert_memory_equal(s.data + at, want[i], 13);
	}
	assert_int_equal(s.rst + s.fin, 0);
	reset_flow_at(&f, seq);
	pump(90000, &f, &s);
}

/*
 * A client that asks and never acknowledges: snd_buf's worth goes out, the stream
 * waits, and 30 s after the request the connection is reset; nothing is left held.
 */
static void
test_never_reads_reset(void **state __rte_unused)
{
	struct flow f = flow4(1, 46002, PORT, 0x63000000);
	uint64_t to = app_counter(SYNQ_CTR_APP_METRICS_SEND_TIMEOUTS);
	uint32_t seq = f.isn + 1;
	struct seen s;

	connect_client(&f, &s, 30000);
	client_send(&f, &seq, &s, false, get, sizeof(get) - 1);
	for (uint64_t t = 30000; t < 59000; t += 7000)
		pump(t, &f, &s);
	assert_true(s.data_len <= SND_BUF);
	assert_int_equal(s.rst, 0);
	pump(60001, &f, &s);
	assert_int_equal(app_counter(SYNQ_CTR_APP_METRICS_SEND_TIMEOUTS) - to, 1);
	assert_int_equal(s.rst, 1);
	pump(60001, &f, &s);
	assert_int_equal(app.metrics != NULL, 1);
}

/* A source outside "allow": its SYN gets a RST, as a closed port's; nothing kept. */
static void
test_outside_allow_rst(void **state __rte_unused)
{
	struct flow f = flow4(3, 46003, PORT, 0x64000000);
	struct flow g = flow4(2, 46004, PORT, 0x65000000);
	struct rte_mbuf *r;
	struct snap sn;

	/* 198.18.2.2 is allowed as a host, 198.18.3.2 is in no prefix */
	snap_take(&sn);
	r = exchange(syn_frame(&f));
	assert_non_null(r);
	{
		struct synq_frame_view v;

		assert_int_equal(
			synq_frame_parse_tcp(rte_pktmbuf_mtod(r, const uint8_t *), r->pkt_len, &v),
			0);
		/* RFC 9293 3.10.7.1: a closed port's answer to a SYN, <SEQ=0><ACK=ISN+1> */
		assert_int_equal(v.flags, F_RST | F_ACK);
		assert_int_equal(v.ack, f.isn + 1);
	}
	rte_pktmbuf_free(r);
	assert_int_equal(delta(&sn, SYNQ_CTR_TCP_NOT_ALLOWED), 1);
	assert_int_equal(delta(&sn, SYNQ_CTR_TCP_NO_LISTENER), 0);
	assert_int_equal(halfopen(0), 0);
	open_flow(&g);
	assert_int_equal(delta(&sn, SYNQ_CTR_TCP_NOT_ALLOWED), 1);
	reset_flow(&g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scrape_streams),
		cmocka_unit_test(test_close_after_text),
		cmocka_unit_test(test_not_found_and_body),
		cmocka_unit_test(test_absolute_form),
		cmocka_unit_test(test_never_reads_reset),
		cmocka_unit_test(test_outside_allow_rst),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
