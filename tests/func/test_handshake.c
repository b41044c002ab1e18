/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Functional test of the handshake engine, the data path, the timers and the
 * application interface, on the harness of harness.h: EAL (--no-pci --no-huge), one
 * port made of rte_rings that the test owns on both ends, the real ports, listeners
 * and runtime, and the worker's poll and tick in between. Frames are built and
 * replies checked with the tests' frame library (tests/lib/synq_frame.h).
 *
 * Every test uses its own client address (198.18.<test>.2 or 2001:2::<test>:2) and
 * leaves no half-open entry and no connection behind, so that the table and ring
 * counts one test relies on are not the previous test's leftovers.
 */

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_ring.h>

#include "harness.h"
#include "synq_cookie.h"

/* Timer sweeps are a budget of slots a tick: enough ticks for several whole sweeps. */
#define TICK_LIMIT 10000

static int
setup(void **state __rte_unused)
{
	static const struct harness_conf hc = {.name = "handshake"};

	return harness_setup(&hc);
}

static int
teardown(void **state __rte_unused)
{
	return harness_teardown();
}

/* 1: a Linux SYN gets one SYN-ACK, checked byte by byte. */
static void
test_synack(void **state __rte_unused)
{
	/* Linux's order, what synq_tcp_opts_write_synack() promises; bytes 8..11: TSval */
	static const uint8_t head[8] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10};
	static const uint8_t tail[8] = {0, 0, 0x30, 0x39, 1, 3, 3, 7};
	struct flow f = flow4(1, 40001, 80, 0x11111111);
	uint32_t entries = table_count();
	struct synq_tcp_opts o;
	struct rte_mbuf *r;
	struct synq_frame_view v;
	struct snap s;

	snap_take(&s);
	r = exchange(syn_frame(&f));
	assert_non_null(r);
	v = check_reply(r, &f);
	assert_int_equal(r->data_len, ETH_LEN + IP4_LEN + TCP_LEN + 20);
	assert_int_equal(v.flags, F_SYN | F_ACK);
	assert_int_equal(v.ack, 0x11111112);
	assert_int_equal(v.win, 65535);
	assert_int_equal(v.doff, TCP_LEN + 20);
	assert_memory_equal(v.th + TCP_LEN, head, sizeof(head));
	assert_memory_equal(v.th + TCP_LEN + 12, tail, sizeof(tail));
	assert_int_equal(synq_tcp_opts_parse(v.th + TCP_LEN, v.doff - TCP_LEN, &o), 0);
	assert_int_equal(o.mss, 1460);
	assert_true(o.sack_perm);
	assert_true(o.ts);
	assert_int_equal(o.tsecr, 12345);
	assert_int_equal(rt.listeners.l[L80].tcp.window_scale, 7);
	assert_int_equal(o.wscale, rt.listeners.l[L80].tcp.window_scale);
	f.our_isn = v.seq;
	rte_pktmbuf_free(r);

	assert_int_equal(delta(&s, SYNQ_CTR_TCP_IN_SEGS), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_SEGS), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_SYNCOOKIES_SENT), 0);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_RSTS), 0);
	/* SynqSynTableEntries is a gauge the timers refresh: read the table itself */
	assert_int_equal(table_count(), entries + 1);
	reset_flow(&f);
	assert_int_equal(table_count(), entries);
}

/* 2: a retransmitted SYN is answered from the same entry: same ISN, no new entry. */
static void
test_retransmitted_syn(void **state __rte_unused)
{
	struct flow f = flow4(2, 40002, 80, 0x22222222);
	uint32_t first, entries = table_count();
	uint32_t before = halfopen(L80);
	struct snap s;

	open_flow(&f);
	first = f.our_isn;
	snap_take(&s);
	open_flow(&f);
	assert_int_equal(f.our_isn, first);
	assert_int_equal(delta(&s, SYNQ_CTR_SYN_DUPLICATES), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_SYNCOOKIES_SENT), 0);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_SEGS), 1);
	assert_int_equal(table_count(), entries + 1);
	assert_int_equal(halfopen(L80), before + 1);
	reset_flow(&f);
}

/* 3: the final ACK promotes the entry to the accept ring, over IPv4 and IPv6. */
static void
test_final_ack(void **state __rte_unused)
{
	struct flow f4 = flow4(3, 40003, 80, 0x33333333);
	/* the client's ISN + 1 wraps: SEG.ACK of the SYN-ACK and SEG.SEQ of the ACK are 0 */
	struct flow f6 = flow6(3, 40003, 80, 0xffffffff);
	uint32_t entries = table_count();
	struct synq_tcp_opts o;
	struct synq_session *c;
	struct snap s;

	snap_take(&s);
	open_flow(&f4);
	finish_flow(&f4);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 1);
	assert_int_equal(table_count(), entries);
	c = accept_one(L80);
	check_conn(c, &f4, L80);
	assert_int_equal(conn_info(c).mss, 1460);
	assert_true(conn_info(c).sack);
	assert_true(conn_info(c).ts);
	assert_int_equal(conn_info(c).ts_recent, f4.tsval + 1); /* the ACK's TSval */
	assert_int_equal(conn_info(c).snd_wscale, 7);
	assert_int_equal(conn_info(c).rcv_wscale, rt.listeners.l[L80].tcp.window_scale);
	assert_false(conn_info(c).via_cookie);
	assert_int_equal(conn_info(c).rcv_queued, 0);
	assert_true(conn_info(c).syn_tsc != 0 && conn_info(c).syn_tsc <= conn_info(c).ack_tsc);
	conn_drop(c);

	/* IPv6: our MSS is 1440, and the client's 1460 is capped to it */
	open_flow_opts(&f6, 1460, 7, &o);
	assert_int_equal(o.mss, SYNQ_TCP_MSS6);
	assert_int_equal(o.wscale, 7);
	finish_flow(&f6);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 2);
	c = accept_one(L80);
	check_conn(c, &f6, L80);
	assert_int_equal(conn_info(c).mss, SYNQ_TCP_MSS6);
	assert_true(conn_info(c).sack);
	assert_true(conn_info(c).ts);
	assert_int_equal(conn_info(c).snd_wscale, 7);
	assert_false(conn_info(c).via_cookie);
	conn_drop(c);
	/* the two SYN-ACKs and the two RSTs of conn_drop(), no more */
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_SEGS), 4);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_RSTS), 2);
	assert_int_equal(table_count(), entries);
}

/*
 * 4: data on the final ACK is acknowledged and kept, in the frame's own mbuf, until
 * an application takes the connection: then it is the first event.
 */
static void
test_payload(void **state __rte_unused)
{
	static const uint8_t data[10] = "0123456789";
	struct flow f = flow4(4, 40004, 80, 0x44444444);
	struct synq_app_event ev;
	struct rte_mbuf *m;
	struct synq_session *c;
	struct snap s;

	snap_take(&s);
	open_flow(&f);
	m = ack_frame(&f, f.isn + 1, f.our_isn + 1, data, sizeof(data));
	check_ack(exchange(m), &f, f.our_isn + 1, f.isn + 1 + sizeof(data));
	c = accept_one(L80);
	check_conn(c, &f, L80);
	assert_true(next_event(&ev));
	assert_ptr_equal(ev.s, c);
	assert_int_equal(ev.kind, SYNQ_EV_DATA);
	/* CONSUMED: the very mbuf, trimmed to the data, neither freed nor sent */
	assert_ptr_equal(ev.m, m);
	assert_int_equal(rte_mbuf_refcnt_read(m), 1);
	assert_int_equal(m->nb_segs, 1);
	assert_int_equal(m->pkt_len, sizeof(data));
	assert_int_equal(m->data_len, sizeof(data));
	assert_memory_equal(rte_pktmbuf_mtod(m, const uint8_t *), data, sizeof(data));
	rte_pktmbuf_free(m);
	synq_app_consumed(&app, c, sizeof(data));
	conn_drop(c);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_IN_DATA_BYTES), sizeof(data));

	/* 2 bytes without options: a 56-byte frame, padded to 60; the padding is no data */
	f = flow4(4, 40005, 80, 0x45454545);
	open_flow(&f);
	m = segment(&f, f.isn + 1, f.our_isn + 1, F_ACK | F_PSH, NULL, 0, data, 2);
	assert_int_equal(m->pkt_len, ETH_MIN);
	check_ack(exchange(m), &f, f.our_isn + 1, f.isn + 3);
	c = accept_one(L80);
	check_conn(c, &f, L80);
	assert_true(next_event(&ev));
	assert_ptr_equal(ev.m, m);
	assert_int_equal(m->pkt_len, 2);
	assert_int_equal(m->data_len, 2);
	assert_memory_equal(rte_pktmbuf_mtod(m, const uint8_t *), data, 2);
	rte_pktmbuf_free(m);
	conn_drop(c);
}

/* A reproducible sequence: a failure can be replayed. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 32);
}

/* 5: ACKs that match no entry carry no valid cookie: none gets through. */
static void
test_forged_acks(void **state __rte_unused)
{
	const unsigned int total = 1000;
	struct flow f = flow4(5, 0, 82, 0);
	struct snap s;
	unsigned int sent = 0;

	snap_take(&s);
	while (sent < total) {
		struct rte_mbuf *b[SYNQ_BURST];
		unsigned int n = RTE_MIN(total - sent, (unsigned int)SYNQ_BURST);

		for (unsigned int i = 0; i < n; i++) {
			f.cport = (uint16_t)rnd();
			b[i] = segment(&f, rnd(), rnd(), F_ACK, NULL, 0, NULL, 0);
		}
		assert_int_equal(rte_ring_enqueue_bulk(rx_ring[0], (void **)b, n, NULL), n);
		assert_int_equal(synq_worker_poll(worker()), n);
		sent += n;
	}
	/* dropped, not reset: accepted connections' segments look the same until the
	 * data path tracks them */
	assert_int_equal(rte_ring_count(tx_ring[0]), 0);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_IN_SEGS), total);
	/* a random cookie passes with probability 2^-24: 1000 of them, 6e-5 */
	assert_int_equal(delta(&s, SYNQ_CTR_SYNCOOKIES_FAILED), total);
	assert_int_equal(delta(&s, SYNQ_CTR_SYNCOOKIES_RECV), 0);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 0);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_SEGS), 0);
	assert_int_equal(synq_accept_recv_q(&rt.listeners.l[L82].accept), 0);
}

/*
 * With syncookies 1 and no cookie sent lately, a cookie is not even looked at: a
 * right one made for a SYN that never came opens nothing (Linux's
 * tcp_synq_no_recent_overflow()). Runs before any test makes port 80 send cookies.
 */
static void
test_no_cookie_when_quiet(void **state __rte_unused)
{
	struct flow f = flow4(24, 42007, 80, 0x24000000);
	struct synq_cookie_opts in = {.mss = 1460, .wscale = 7, .sack = true}, kept;
	struct synq_cookie_flow cf = {.family = 4};
	struct synq_cookie_ctx cookie;
	struct timespec wall;
	struct snap s;

	assert_false(cookie_sent(L80));
	/* the worker's secret, and the coarse wall clock its cookies follow */
	synq_cookie_init(&cookie, rt.cookie_secret);
	clock_gettime(CLOCK_REALTIME_COARSE, &wall);
	memcpy(cf.saddr, f.caddr, 4);
	memcpy(cf.daddr, f.saddr, 4);
	cf.sport = rte_cpu_to_be_16(f.cport);
	cf.dport = rte_cpu_to_be_16(f.sport);
	f.our_isn = synq_cookie_make(&cookie, &cf, f.isn, &in, (uint64_t)wall.tv_sec, &kept);
	snap_take(&s);
	exchange_silent(ack_frame(&f, f.isn + 1, f.our_isn + 1, NULL, 0));
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 0);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_DROP_NO_CONNECTION), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_SYNCOOKIES_RECV), 0);
}

/* 6: an ACK that acknowledges something else than our SYN gets a RST; the entry stays. */
static void
test_bad_ack(void **state __rte_unused)
{
	struct flow f = flow4(6, 40006, 80, 0x66666666);
	struct rte_mbuf *r;
	struct snap s;

	open_flow(&f);
	snap_take(&s);
	r = exchange(ack_frame(&f, f.isn + 1, f.our_isn + 2, NULL, 0));
	assert_non_null(r);
	check_rst(r, &f, f.our_isn + 2);
	rte_pktmbuf_free(r);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_BAD_ACK), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_RSTS), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_SEGS), 1);
	/* SND.UNA itself is not acceptable either: SEG.ACK must be above it */
	r = exchange(ack_frame(&f, f.isn + 1, f.our_isn, NULL, 0));
	assert_non_null(r);
	check_rst(r, &f, f.our_isn);
	rte_pktmbuf_free(r);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_BAD_ACK), 2);
	/* the right ACK number with a sequence number outside the window: an ACK of
	 * where we stand (RFC 9293 3.10.7.4), checked before the ACK number */
	r = exchange(ack_frame(&f, f.isn + 1 + 70000, f.our_isn + 1, NULL, 0));
	assert_non_null(r);
	{
		struct synq_frame_view v = check_reply(r, &f);

		assert_int_equal(v.flags, F_ACK);
		assert_int_equal(v.seq, f.our_isn + 1);
		assert_int_equal(v.ack, f.isn + 1);
	}
	rte_pktmbuf_free(r);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_OF_WINDOW), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 0);
	/* RFC 9293 3.10.7.4: the connection stays in SYN-RECEIVED: the right ACK completes */
	finish_flow(&f);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 1);
	conn_drop(accept_one(L80));
}

/* 7: a RST removes a half-open entry only with the exact sequence number (RFC 5961). */
static void
test_rst(void **state __rte_unused)
{
	struct flow a = flow4(7, 40007, 80, 0x77777777);
	struct flow b = flow4(7, 40008, 80, 0x78787878);
	uint32_t entries = table_count();
	struct rte_mbuf *r;
	struct snap s;

	open_flow(&a);
	snap_take(&s);
	reset_flow(&a);
	assert_int_equal(delta(&s, SYNQ_CTR_EMBRYONIC_RSTS), 1);
	assert_int_equal(table_count(), entries);
	/* the entry is gone: its ACK is a stranger's now (no cookie was sent on this
	 * port lately, so none is looked for) */
	exchange_silent(ack_frame(&a, a.isn + 1, a.our_isn + 1, NULL, 0));
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_DROP_NO_CONNECTION), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 0);
	assert_int_equal(synq_accept_recv_q(&rt.listeners.l[L80].accept), 0);

	open_flow(&b);
	snap_take(&s);
	/* in the window but not exact: a challenge ACK (RFC 5961 3.2), entry kept */
	r = exchange(rst_frame(&b, b.isn + 2));
	assert_non_null(r);
	{
		struct synq_frame_view v = check_reply(r, &b);

		assert_int_equal(v.flags, F_ACK);
		assert_int_equal(v.seq, b.our_isn + 1);
		assert_int_equal(v.ack, b.isn + 1);
	}
	rte_pktmbuf_free(r);
	assert_int_equal(delta(&s, SYNQ_CTR_CHALLENGE_ACKS), 1);
	/* outside the window: dropped */
	exchange_silent(rst_frame(&b, b.isn));
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_DROP_RST), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_EMBRYONIC_RSTS), 0);
	assert_int_equal(table_count(), entries + 1);
	finish_flow(&b);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 1);
	conn_drop(accept_one(L80));
}

/* 8a: linux model, backlog 2: the ring admits 3; then SYNs are dropped. */
static void
test_overflow_syn(void **state __rte_unused)
{
	struct flow f[4];
	struct snap s;

	for (unsigned int i = 0; i < 3; i++) {
		f[i] = flow4(8, (uint16_t)(40010 + i), 80, 0x80000000u + i);
		open_flow(&f[i]);
		finish_flow(&f[i]);
	}
	assert_int_equal(synq_accept_recv_q(&rt.listeners.l[L80].accept), 3);
	f[3] = flow4(8, 40013, 80, 0x80000003u);
	snap_take(&s);
	exchange_silent(syn_frame(&f[3]));
	assert_int_equal(delta(&s, SYNQ_CTR_LISTEN_OVERFLOWS), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_LISTEN_DROPS), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_SYNCOOKIES_SENT), 0);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_SEGS), 0);
	assert_int_equal(drain(L80), 3);
}

/* 8b: abort_on_overflow 0: the ACK that finds the ring full is dropped, the entry kept. */
static void
test_overflow_keep(void **state __rte_unused)
{
	struct flow a = flow4(8, 40020, 84, 0x84000000u);
	struct flow b = flow4(8, 40021, 84, 0x84100000u);
	uint32_t b_isn;
	struct synq_session *c;
	struct snap s;

	open_flow(&a);
	open_flow(&b);
	b_isn = b.our_isn;
	finish_flow(&a); /* backlog 0: one connection fills the ring */
	assert_int_equal(synq_accept_recv_q(&rt.listeners.l[L84].accept), 1);
	snap_take(&s);
	finish_flow(&b);
	assert_int_equal(delta(&s, SYNQ_CTR_LISTEN_OVERFLOWS), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_LISTEN_DROPS), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 0);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_RSTS), 0);
	assert_int_equal(halfopen(L84), 1);
	/* the entry is still there: a retransmitted SYN is answered from it */
	open_flow(&b);
	assert_int_equal(b.our_isn, b_isn);
	assert_int_equal(delta(&s, SYNQ_CTR_SYN_DUPLICATES), 1);
	/* once the application accepts, a later ACK finds room */
	c = accept_one(L84);
	check_conn(c, &a, L84);
	conn_drop(c);
	finish_flow(&b);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 1);
	c = accept_one(L84);
	check_conn(c, &b, L84);
	conn_drop(c);
	assert_int_equal(halfopen(L84), 0);
}

/* 8c: abort_on_overflow 1: the ACK that finds the ring full gets a RST, the entry goes. */
static void
test_overflow_abort(void **state __rte_unused)
{
	struct flow b = flow4(8, 40030, 81, 0x81000000u);
	uint32_t entries = table_count();
	struct rte_mbuf *r;
	struct snap s;

	open_flow(&b); /* while the ring has room */
	for (unsigned int i = 0; i < 3; i++) {
		struct flow a = flow4(8, (uint16_t)(40031 + i), 81, 0x81100000u + i);

		open_flow(&a);
		finish_flow(&a);
	}
	assert_int_equal(synq_accept_recv_q(&rt.listeners.l[L81].accept), 3);
	snap_take(&s);
	r = exchange(ack_frame(&b, b.isn + 1, b.our_isn + 1, NULL, 0));
	assert_non_null(r);
	check_rst(r, &b, b.our_isn + 1);
	rte_pktmbuf_free(r);
	assert_int_equal(delta(&s, SYNQ_CTR_LISTEN_OVERFLOWS), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_LISTEN_DROPS), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_RSTS), 1);
	assert_int_equal(table_count(), entries);
	assert_int_equal(halfopen(L81), 0);
	assert_int_equal(drain(L81), 3);
	/* the entry is gone: with room again, the same ACK is a stranger's (no cookie
	 * sent on this port lately) */
	exchange_silent(ack_frame(&b, b.isn + 1, b.our_isn + 1, NULL, 0));
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_DROP_NO_CONNECTION), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 0);
	assert_int_equal(synq_accept_recv_q(&rt.listeners.l[L81].accept), 0);
}

/* 9: syncookies 2: no entry, the ISN is a cookie, the ACK brings the options back. */
static void
test_cookies_always(void **state __rte_unused)
{
	/* MSS 1450 and shift 9 are not in the cookie tables: 1440 and 8 come back */
	struct flow f = flow4(9, 40009, 82, 0x99999999);
	uint32_t entries = table_count();
	uint32_t cookie;
	struct synq_tcp_opts o;
	struct synq_session *c;
	struct snap s;

	snap_take(&s);
	open_flow_opts(&f, 1450, 9, &o);
	assert_int_equal(o.mss, SYNQ_TCP_MSS4);	/* ours, not the client's */
	assert_int_equal(o.wscale, rt.listeners.l[L82].tcp.window_scale);
	cookie = f.our_isn;
	assert_int_equal(delta(&s, SYNQ_CTR_SYNCOOKIES_SENT), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_REQ_QFULL_DO_COOKIES), 0);
	assert_int_equal(table_count(), entries);
	assert_int_equal(halfopen(L82), 0);
	/* a retransmitted SYN: another cookie SYN-ACK, still no entry to be a duplicate of */
	open_flow_opts(&f, 1450, 9, &o);
	assert_int_equal(delta(&s, SYNQ_CTR_SYNCOOKIES_SENT), 2);
	assert_int_equal(delta(&s, SYNQ_CTR_SYN_DUPLICATES), 0);
	assert_int_equal(table_count(), entries);

	/* a cookie altered in its MAC or in its visible bits fails */
	exchange_silent(ack_frame(&f, f.isn + 1, (f.our_isn ^ 0x00000001u) + 1, NULL, 0));
	exchange_silent(ack_frame(&f, f.isn + 1, (f.our_isn ^ 0x70000000u) + 1, NULL, 0));
	/* so does a right cookie with another client ISN: the MAC covers it */
	exchange_silent(ack_frame(&f, f.isn + 2, f.our_isn + 1, NULL, 0));
	assert_int_equal(delta(&s, SYNQ_CTR_SYNCOOKIES_FAILED), 3);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 0);

	f.our_isn = cookie;
	finish_flow(&f);
	assert_int_equal(delta(&s, SYNQ_CTR_SYNCOOKIES_RECV), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 1);
	c = accept_one(L82);
	check_conn(c, &f, L82);
	assert_true(conn_info(c).via_cookie);
	assert_int_equal(conn_info(c).mss, 1440);
	assert_int_equal(conn_info(c).snd_wscale, 8);
	assert_int_equal(conn_info(c).rcv_wscale, rt.listeners.l[L82].tcp.window_scale);
	assert_true(conn_info(c).sack);
	assert_true(conn_info(c).ts);
	assert_int_equal(conn_info(c).syn_tsc, 0);
	conn_drop(c);

	/* after the promotion the flow is known as accepted: its segments are not
	 * taken for handshakes any more, altered or not */
	exchange_silent(ack_frame(&f, f.isn + 1, (f.our_isn ^ 0x00800000u) + 1, NULL, 0));
	assert_int_equal(delta(&s, SYNQ_CTR_SYNCOOKIES_FAILED), 3);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_ESTAB_SEGS), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 1);
	assert_int_equal(table_count(), entries);
}

/* 10: syncookies 1: a SYN beyond the listener's table share gets a cookie. */
static void
test_cookie_when_full(void **state __rte_unused)
{
	struct flow f[5];
	struct synq_session *c;
	struct snap s;

	/* one worker: its share is the whole max_syn_backlog */
	assert_int_equal(rt.listeners.l[L80].syn_share, 4);
	if (halfopen(L80) != 0)
		fail_msg("%u half-open entries of port 80 left over", halfopen(L80));
	snap_take(&s);
	for (unsigned int i = 0; i < 5; i++) {
		f[i] = flow4(10, (uint16_t)(40100 + i), 80, 0xa0000000u + i);
		open_flow(&f[i]);
		assert_int_equal(delta(&s, SYNQ_CTR_REQ_QFULL_DO_COOKIES), i < 4 ? 0 : 1);
		assert_int_equal(delta(&s, SYNQ_CTR_SYNCOOKIES_SENT), i < 4 ? 0 : 1);
		assert_int_equal(halfopen(L80), RTE_MIN(i + 1, 4u));
	}
	/* the 5th ISN really is a cookie: its ACK completes without an entry */
	finish_flow(&f[4]);
	assert_int_equal(delta(&s, SYNQ_CTR_SYNCOOKIES_RECV), 1);
	c = accept_one(L80);
	check_conn(c, &f[4], L80);
	assert_true(conn_info(c).via_cookie);
	assert_int_equal(conn_info(c).mss, 1460);
	assert_int_equal(conn_info(c).snd_wscale, 7);
	conn_drop(c);
	for (unsigned int i = 0; i < 4; i++)
		reset_flow(&f[i]);
	assert_int_equal(halfopen(L80), 0);
}

static unsigned int
bsd_len(unsigned int li)
{
	return synq_accept_bsd_len(&rt.listeners.l[li].accept);
}

/* 11: bsd model, backlog 2: one queue for half-open and established together. */
static void
test_bsd(void **state __rte_unused)
{
	struct flow a = flow4(11, 40110, 83, 0xb0000000u);
	struct flow b = flow4(11, 40111, 83, 0xb0000001u);
	struct flow c = flow4(11, 40112, 83, 0xb0000002u);
	struct flow d = flow4(11, 40113, 83, 0xb0000003u);
	struct synq_session *conn;
	struct snap s;

	open_flow(&a);
	finish_flow(&a);
	open_flow(&b);
	finish_flow(&b);
	assert_int_equal(bsd_len(L83), 2);
	snap_take(&s);
	exchange_silent(syn_frame(&c));
	assert_int_equal(delta(&s, SYNQ_CTR_LISTEN_DROPS), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_LISTEN_OVERFLOWS), 0);
	assert_int_equal(delta(&s, SYNQ_CTR_SYNCOOKIES_SENT), 0);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_SEGS), 0);
	/* an accept frees a place */
	assert_int_equal(synq_app_accept(&app, &rt.listeners.l[L83], &conn, 1), 1);
	conn_drop(conn);
	assert_int_equal(bsd_len(L83), 1);
	open_flow(&d);
	assert_int_equal(bsd_len(L83), 2);
	reset_flow(&d);
	assert_int_equal(drain(L83), 1);
	assert_int_equal(bsd_len(L83), 0);

	/* half-open entries hold places too: two of them fill the queue, the ring empty */
	open_flow(&c);
	open_flow(&d);
	snap_take(&s);
	exchange_silent(syn_frame(&a));
	assert_int_equal(delta(&s, SYNQ_CTR_LISTEN_DROPS), 1);
	reset_flow(&c);
	reset_flow(&d);
	assert_int_equal(bsd_len(L83), 0);
}

/* 12: no listener: RFC 9293 3.10.7.1 resets, except for a RST. */
static void
test_no_listener(void **state __rte_unused)
{
	struct flow f = flow4(12, 40120, 9, 0xc0000000u);
	struct rte_mbuf *r;
	struct synq_frame_view v;
	struct snap s;

	snap_take(&s);
	r = exchange(syn_frame(&f));
	assert_non_null(r);
	v = check_reply(r, &f);
	assert_int_equal(r->data_len, ETH_MIN); /* 54 bytes, padded */
	/* no ACK in the SYN: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, SYN counts 1 */
	assert_int_equal(v.flags, F_RST | F_ACK);
	assert_int_equal(v.seq, 0);
	assert_int_equal(v.ack, 0xc0000001u);
	assert_int_equal(v.win, 0);
	assert_int_equal(v.doff, TCP_LEN);
	rte_pktmbuf_free(r);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_RSTS), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_SEGS), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_NO_LISTENER), 1);

	/* an ACK: <SEQ=SEG.ACK><CTL=RST> */
	r = exchange(ack_frame(&f, 5, 0x12345678, NULL, 0));
	assert_non_null(r);
	check_rst(r, &f, 0x12345678);
	rte_pktmbuf_free(r);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_RSTS), 2);

	/* never a RST for a RST */
	exchange_silent(rst_frame(&f, 0xc0000001u));
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_NO_LISTENER), 3);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_RSTS), 2);
}

/* Tick until counter @p id has grown by @p want since @p s; false if it never does. */
static bool
tick_until(const struct snap *s, enum synq_counter id, uint64_t want, uint64_t tsc)
{
	for (unsigned int i = 0; i < TICK_LIMIT; i++) {
		synq_worker_tick(worker(), tsc);
		if (delta(s, id) >= want)
			return true;
	}
	return false;
}

/* 13: SYN-ACKs are retransmitted 1, 2, 4, 8, 16 s apart; after 5, the entry expires. */
static void
test_timers(void **state __rte_unused)
{
	/* ms after the SYN when each timer fires: 1 + 2 + 4 + 8 + 16 (+ 32: expiry) s */
	static const uint32_t due_ms[] = {1000, 3000, 7000, 15000, 31000, 63000};
	struct synq_worker *w = worker();
	struct flow f = flow4(13, 40130, 80, 0xd0000000u);
	uint64_t hz = rte_get_tsc_hz();
	uint64_t gauge, t0;
	struct synq_tcp_opts o;
	uint32_t isn;
	struct snap s;

	assert_int_equal(rt.listeners.l[L80].tcp.synack_retries, 5);
	synq_worker_tick(w, rte_rdtsc()); /* refresh the gauge */
	gauge = synq_counter_read(synq_stats_lcore(0), SYNQ_CTR_SYN_TABLE_ENTRIES);
	open_flow(&f);
	isn = f.our_isn;
	t0 = rte_rdtsc(); /* after the SYN's poll: t0 + x is at least x after the SYN */
	snap_take(&s);

	/* half an RTO later: whole sweeps of the table, nothing due */
	synq_tcp_clock(w->tcp, t0 + hz / 2);
	assert_false(tick_until(&s, SYNQ_CTR_TCP_SYN_RETRANS, 1, t0 + hz / 2));
	assert_int_equal(rte_ring_count(tx_ring[0]), 0);

	/*
	 * Each timer is re-armed from the time it ran: run timer k 100 ms later than
	 * the one before it was, so that rounding the clock to ms never leaves the next
	 * one short of due.
	 */
	for (unsigned int k = 0; k < RTE_DIM(due_ms) - 1; k++) {
		uint64_t tsc = t0 + (uint64_t)(due_ms[k] + 100 * (k + 1)) * hz / 1000;
		struct rte_mbuf *out[4];
		unsigned int n;

		synq_tcp_clock(w->tcp, tsc);
		if (!tick_until(&s, SYNQ_CTR_TCP_SYN_RETRANS, k + 1, tsc))
			fail_msg("no retransmission %u at %u ms", k + 1, due_ms[k] + 100 * (k + 1));
		n = rte_ring_dequeue_burst(tx_ring[0], (void **)out, RTE_DIM(out), NULL);
		if (n != 1) {
			rte_pktmbuf_free_bulk(out, n);
			fail_msg("retransmission %u: %u frames", k + 1, n);
		}
		check_synack(out[0], &f, &o);
		assert_int_equal(f.our_isn, isn);
		assert_int_equal(o.wscale, 7);
		rte_pktmbuf_free(out[0]);
		assert_int_equal(synq_counter_read(synq_stats_lcore(0),
					 SYNQ_CTR_SYN_TABLE_ENTRIES),
			gauge + 1);
		assert_int_equal(delta(&s, SYNQ_CTR_SYN_TABLE_EXPIRED), 0);
		assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_SEGS), k + 1);
	}

	synq_tcp_clock(w->tcp, t0 + (uint64_t)(due_ms[5] + 600) * hz / 1000);
	if (!tick_until(&s, SYNQ_CTR_SYN_TABLE_EXPIRED, 1, t0 + 64 * hz))
		fail_msg("no expiry at %u ms", due_ms[5] + 600);
	assert_int_equal(rte_ring_count(tx_ring[0]), 0);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_SYN_RETRANS), 5);
	assert_int_equal(delta(&s, SYNQ_CTR_SYN_TABLE_EXPIRED), 1);
	assert_int_equal(synq_counter_read(synq_stats_lcore(0), SYNQ_CTR_SYN_TABLE_ENTRIES),
		gauge);
	assert_int_equal(halfopen(L80), 0);
}

/*
 * A final ACK that comes again (retransmitted, replayed, or the client's first data
 * segment, which carries the same numbers) never makes a second connection: the
 * accepted flow is remembered longer than any cookie lives.
 */
static void
test_no_second_connection(void **state __rte_unused)
{
	static const uint8_t data[] = "GET / HTTP/1.0\r\n\r\n";
	struct flow t = flow4(20, 42000, 80, 0x20000000);
	struct flow k = flow4(20, 42001, 82, 0x20000001);
	struct snap s;

	snap_take(&s);
	open_flow(&t);
	finish_flow(&t);
	conn_drop(accept_one(L80));
	open_flow(&k);
	finish_flow(&k);
	conn_drop(accept_one(L82));
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 2);

	/* the table flow's repeated ACK carries an RFC 6528 ISN: never a valid cookie */
	finish_flow(&t);
	/* the cookie flow is remembered: its repeated ACK and first data are known */
	finish_flow(&k);
	exchange_silent(ack_frame(&k, k.isn + 1, k.our_isn + 1, data, sizeof(data) - 1));
	/* and a FIN never completes a handshake from a cookie */
	exchange_silent(segment(&k, k.isn + 1, k.our_isn + 1, F_ACK | F_FIN, NULL, 0, NULL, 0));
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 2);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_ESTAB_SEGS), 3);
	assert_int_equal(delta(&s, SYNQ_CTR_SYNCOOKIES_RECV), 1);
	assert_int_equal(drain(L80) + drain(L82), 0);
}

/* A client MSS below Linux's tcp_min_snd_mss is raised to it (CVE-2019-11479). */
static void
test_tiny_mss(void **state __rte_unused)
{
	struct flow f = flow4(21, 42002, 80, 0x21000000);
	struct synq_tcp_opts o;
	struct synq_session *c;

	open_flow_opts(&f, 1, 7, &o);
	finish_flow(&f);
	c = accept_one(L80);
	assert_int_equal(conn_info(c).mss, SYNQ_TCP_MIN_MSS);
	conn_drop(c);
}

/*
 * Timestamps agreed in SYN and SYN-ACK stay on even if the final ACK lacks them
 * (RFC 7323 3.2); a FIN on the final ACK goes with a table connection; with a cookie
 * it completes nothing.
 */
static void
test_final_ack_shapes(void **state __rte_unused)
{
	struct flow t = flow4(22, 42003, 80, 0x22000000);
	struct flow k = flow4(22, 42004, 82, 0x22000001);
	struct synq_session *c;

	open_flow(&t);
	/* the FIN is acknowledged at once, and told once an application takes it */
	check_ack(exchange(segment(&t, t.isn + 1, t.our_isn + 1, F_ACK | F_FIN, NULL, 0, NULL,
			  0)), &t, t.our_isn + 1, t.isn + 2);
	c = accept_one(L80);
	assert_true(conn_info(c).ts);
	{
		struct synq_app_event ev;

		assert_true(next_event(&ev));
		assert_int_equal(ev.kind, SYNQ_EV_PEER_CLOSED);
	}
	conn_drop(c);

	open_flow(&k);
	exchange_silent(ack_frame(&k, k.isn + 1, k.our_isn + 1, NULL, 0) /* timestamps */);
	c = accept_one(L82);
	conn_drop(c);
	/* a FIN never completes a handshake from a cookie (the pure ACK came first) */
	k.cport++;
	open_flow(&k);
	exchange_silent(segment(&k, k.isn + 1, k.our_isn + 1, F_ACK | F_FIN, NULL, 0, NULL, 0));
	assert_int_equal(drain(L82), 0);
	/* and without timestamps on the ACK, a cookie connection has none */
	exchange_silent(segment(&k, k.isn + 1, k.our_isn + 1, F_ACK, NULL, 0, NULL, 0));
	c = accept_one(L82);
	assert_false(conn_info(c).ts);
	conn_drop(c);
}

/*
 * Pktgen's 64-byte SYNs carry 6 bytes of TCP payload. Data on a SYN is legal (RFC
 * 9293 3.10.7.2) but synq does not keep it: the SYN-ACK acknowledges the SYN alone,
 * the client sends the bytes again after the handshake, and both paths still work.
 */
static void
test_syn_with_data(void **state __rte_unused)
{
	static const uint8_t junk[6] = {1, 2, 3, 4, 5, 6};
	struct flow t = flow4(23, 42005, 80, 0x23000000);
	struct flow k = flow4(23, 42006, 82, 0x23000001);
	struct synq_tcp_opts o;
	uint8_t opt[SYNQ_FRAME_OPTS_MAX];
	unsigned int n;
	struct rte_mbuf *r;
	struct synq_session *c;

	n = (unsigned int)synq_frame_opts_syn(opt, 1460, 7, t.tsval);
	r = exchange(segment(&t, t.isn, 0, F_SYN, opt, n, junk, sizeof(junk)));
	assert_non_null(r);
	check_synack(r, &t, &o); /* ack = ISN + 1: the data is not acknowledged */
	rte_pktmbuf_free(r);
	finish_flow(&t);
	c = accept_one(L80);
	assert_int_equal(conn_info(c).rcv_queued, 0);
	conn_drop(c);

	n = (unsigned int)synq_frame_opts_syn(opt, 1460, 7, k.tsval);
	r = exchange(segment(&k, k.isn, 0, F_SYN, opt, n, junk, sizeof(junk)));
	assert_non_null(r);
	check_synack(r, &k, &o);
	rte_pktmbuf_free(r);
	finish_flow(&k);
	c = accept_one(L82);
	assert_true(conn_info(c).via_cookie);
	conn_drop(c);
}

/* RFC 5961 4.2: a SYN with another ISN for a half-open 4-tuple changes nothing. */
static void
test_blind_syn(void **state __rte_unused)
{
	struct flow f = flow4(25, 42008, 80, 0x25000000);
	struct flow spoof;
	struct rte_mbuf *r;
	struct snap s;

	open_flow(&f);
	spoof = f;
	spoof.isn = 0xdeadbeef;
	snap_take(&s);
	r = exchange(syn_frame(&spoof));
	assert_non_null(r);
	{
		struct synq_frame_view v = check_reply(r, &f);

		/* a challenge ACK, with the numbers of the real handshake */
		assert_int_equal(v.flags, F_ACK);
		assert_int_equal(v.seq, f.our_isn + 1);
		assert_int_equal(v.ack, f.isn + 1);
	}
	rte_pktmbuf_free(r);
	assert_int_equal(delta(&s, SYNQ_CTR_CHALLENGE_ACKS), 1);
	finish_flow(&f); /* the real client still completes */
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 1);
	conn_drop(accept_one(L80));
}

/* After the application resets a connection, its replayed final ACK opens nothing. */
static void
test_no_replay_after_reset(void **state __rte_unused)
{
	struct flow k = flow4(26, 42009, 82, 0x26000000);
	struct synq_session *c;
	struct rte_mbuf *r;
	struct snap s;

	open_flow(&k);
	finish_flow(&k);
	c = accept_one(L82);
	r = command(c, SYNQ_CMD_ABORT);
	assert_non_null(r);
	{
		struct synq_frame_view v = check_reply(r, &k);

		assert_int_equal(v.flags, F_RST | F_ACK);
		assert_int_equal(v.seq, k.our_isn + 1);
	}
	rte_pktmbuf_free(r);
	events_to_closed(c, 0); /* the application aborted: no reset event, only closed */
	snap_take(&s);
	finish_flow(&k); /* the cookie is still valid: the flow is known, not new */
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 0);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_ESTAB_SEGS), 1);
	assert_int_equal(drain(L82), 0);
}

/*
 * The application closes: FIN; the client acknowledges it and sends its own FIN,
 * which is acknowledged; the flow stays in TIME-WAIT, so a repeated FIN (our ACK lost)
 * is acknowledged again and a replayed final ACK opens nothing.
 */
static void
test_close_time_wait(void **state __rte_unused)
{
	struct flow f = flow4(27, 42010, 80, 0x27000000);
	struct synq_session *c;
	struct rte_mbuf *r;
	struct snap s;

	open_flow(&f);
	finish_flow(&f);
	snap_take(&s);
	c = accept_one(L80);
	r = command(c, SYNQ_CMD_CLOSE);
	assert_non_null(r);
	{
		struct synq_frame_view v = check_reply(r, &f);

		assert_int_equal(v.flags, F_FIN | F_ACK);
		assert_int_equal(v.seq, f.our_isn + 1);
		assert_int_equal(v.ack, f.isn + 1);
	}
	rte_pktmbuf_free(r);
	for (unsigned int round = 0; round < 2; round++) {
		r = exchange(segment(&f, f.isn + 1, f.our_isn + 2, F_ACK | F_FIN, NULL, 0, NULL, 0));
		assert_non_null(r);
		{
			struct synq_frame_view v = check_reply(r, &f);

			assert_int_equal(v.flags, F_ACK);
			assert_int_equal(v.seq, f.our_isn + 2);
			assert_int_equal(v.ack, f.isn + 2);
		}
		rte_pktmbuf_free(r);
	}
	assert_int_equal(delta(&s, SYNQ_CTR_CONN_CLOSED), 1);
	events_to_closed(c, SYNQ_EV_PEER_CLOSED);
	exchange_silent(ack_frame(&f, f.isn + 1, f.our_isn + 1, NULL, 0));
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 0);
	assert_int_equal(drain(L80), 0);
}

/* 30: in order only: a segment past a hole is dropped and answered with a dup ACK. */
static void
test_data_in_order(void **state __rte_unused)
{
	static uint8_t d[300];
	struct flow f = flow4(30, 43000, 85, 0x30000000);
	struct synq_session *c = established(&f, L85);
	struct synq_app_event ev;
	struct synq_frame_view v;
	struct rte_mbuf *r;
	struct snap s;

	for (unsigned int i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)(i * 7);
	snap_take(&s);
	check_ack(exchange_ack(ack_frame(&f, f.isn + 1, f.our_isn + 1, d, 100)), &f, f.our_isn + 1,
		f.isn + 101);
	expect_data_event(c, d, 100);
	/* a hole of 100: dropped, the ACK repeats where we stand */
	check_ack(exchange_ack(ack_frame(&f, f.isn + 201, f.our_isn + 1, d + 200, 100)), &f,
		f.our_isn + 1, f.isn + 101);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_OFO_DROPS), 1);
	assert_false(synq_app_recv_burst(&app, &ev, 1));
	/* the missing bytes, overlapping by 50 bytes already had: the new 50 only */
	check_ack(exchange_ack(ack_frame(&f, f.isn + 51, f.our_isn + 1, d + 50, 100)), &f,
		f.our_isn + 1, f.isn + 151);
	expect_data_event(c, d + 100, 50);
	/* all of it seen before: ACKed again, no event */
	check_ack(exchange_ack(ack_frame(&f, f.isn + 1, f.our_isn + 1, d, 100)), &f, f.our_isn + 1,
		f.isn + 151);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_DUP_DATA), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_IN_DATA_BYTES), 150);
	/* the window: rcv_buf less what the application has not consumed */
	r = exchange_ack(ack_frame(&f, f.isn + 151, f.our_isn + 1, d + 150, 10));
	v = check_reply(r, &f);
	assert_int_equal(v.win, 8192 - 160);
	rte_pktmbuf_free(r);
	expect_data_event(c, d + 150, 10);
	synq_app_consumed(&app, c, 160);
	conn_drop(c);
}

/*
 * 31: the window shuts when the application does not consume; data past it is
 * dropped; consuming opens it again with a window update.
 */
static void
test_data_window(void **state __rte_unused)
{
	static uint8_t d[1400];
	struct flow f = flow4(31, 43001, 85, 0x31000000);
	struct synq_session *c = established(&f, L85);
	uint32_t seq = f.isn + 1;
	struct rte_mbuf *r;
	struct synq_frame_view v;
	struct snap s;

	snap_take(&s);
	/* 5 x 1400 = 7000, then 1192 fit, and 208 more do not */
	for (unsigned int i = 0; i < 5; i++) {
		check_ack(exchange_ack(ack_frame(&f, seq, f.our_isn + 1, d, 1400)), &f, f.our_isn + 1,
			seq + 1400);
		seq += 1400;
	}
	r = exchange_ack(ack_frame(&f, seq, f.our_isn + 1, d, 1400));
	v = check_reply(r, &f);
	assert_int_equal(v.ack, seq + 1192);
	assert_int_equal(v.win, 0);
	rte_pktmbuf_free(r);
	seq += 1192;
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_RCV_WINDOW_DROPS), 1);
	for (unsigned int i = 0; i < 6; i++) {
		struct synq_app_event ev;

		assert_true(next_event(&ev));
		rte_pktmbuf_free(ev.m);
	}
	/* consumed: the application's command makes the worker say so */
	synq_app_consumed(&app, c, 8192);
	r = one_out();
	v = check_reply(r, &f);
	assert_int_equal(v.flags, F_ACK);
	assert_int_equal(v.ack, seq);
	assert_int_equal(v.win, 8192);
	rte_pktmbuf_free(r);
	conn_drop(c);
}

/*
 * 32: sends are cut at the MSS (less the timestamp option); unacknowledged, the
 * first segment is sent again after the RTO, then after twice it (RFC 6298 5.5);
 * an ACK of everything stops the timer.
 */
static void
test_data_send_rto(void **state __rte_unused)
{
	static uint8_t d[3000];
	struct synq_worker *w = worker();
	struct flow f = flow4(32, 43002, 85, 0x32000000);
	struct synq_session *c = established(&f, L85);
	struct rte_mbuf *out[8];
	uint64_t hz = rte_get_tsc_hz();
	uint64_t t0 = rte_rdtsc();
	unsigned int n;
	uint32_t off = 0;
	struct snap s;

	for (unsigned int i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)(i * 13 + 1);
	snap_take(&s);
	assert_int_equal(synq_app_send_copy(&app, c, d, sizeof(d)), 0);
	n = poll_idle(out, RTE_DIM(out));
	assert_int_equal(n, 3);
	for (unsigned int i = 0; i < n; i++) {
		struct synq_frame_view v = check_reply(out[i], &f);
		uint16_t len = v.data_len;
		const uint8_t *p = v.data;

		assert_int_equal(v.seq, f.our_isn + 1 + off);
		assert_int_equal(v.ack, f.isn + 1);
		assert_int_equal(len, i < 2 ? 1460 - 12 : 3000 - 2 * 1448);
		assert_memory_equal(p, d + off, len);
		off += len;
	}
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_DATA_BYTES), 3000);
	/* nothing acknowledged: after the first RTO (1 s), the first segment again */
	for (unsigned int k = 0; k < 2; k++) {
		uint64_t tsc = t0 + (uint64_t)(k == 0 ? 1100 : 3300) * hz / 1000;
		struct synq_frame_view v;

		n = 0;
		for (unsigned int i = 0; i < 4096 && n == 0; i++) {
			synq_tcp_clock(w->tcp, tsc);
			synq_worker_tick(w, tsc);
			n = rte_ring_dequeue_burst(tx_ring[0], (void **)out, RTE_DIM(out), NULL);
		}
		assert_int_equal(n, 1); /* the window is one segment after a timeout */
		v = check_reply(out[0], &f);
		assert_int_equal(v.seq, f.our_isn + 1);
		rte_pktmbuf_free(out[0]);
		assert_int_equal(delta(&s, SYNQ_CTR_TCP_TIMEOUTS), k + 1);
		assert_int_equal(delta(&s, SYNQ_CTR_TCP_RETRANS_SEGS), k + 1);
	}
	/* everything acknowledged (the clock as it is now: the engine's is ahead) */
	synq_tcp_clock(w->tcp, t0 + 3300 * hz / 1000);
	assert_int_equal(rte_ring_enqueue(rx_ring[0], ack_frame(&f, f.isn + 1,
		f.our_isn + 1 + 3000, NULL, 0)), 0);
	synq_worker_poll(w);
	assert_int_equal(rte_ring_count(tx_ring[0]), 0);
	assert_int_equal(atomic_load(&c->snd_pending), 0);
	assert_int_equal(conn_info(c).rtx_ms, 0);
	conn_drop(c);
}

/* 33: three duplicate ACKs send the first unacknowledged segment again. */
static void
test_data_fast_retransmit(void **state __rte_unused)
{
	static uint8_t d[4 * 1448];
	struct flow f = flow4(33, 43003, 85, 0x33000000);
	struct synq_session *c = established(&f, L85);
	struct rte_mbuf *out[8];
	unsigned int n;
	struct snap s;

	snap_take(&s);
	assert_int_equal(synq_app_send_copy(&app, c, d, sizeof(d)), 0);
	n = poll_idle(out, RTE_DIM(out));
	assert_int_equal(n, 4);
	rte_pktmbuf_free_bulk(out, n);
	/* the first arrived, the second was lost: three ACKs of the first */
	exchange_silent(ack_frame(&f, f.isn + 1, f.our_isn + 1 + 1448, NULL, 0));
	exchange_silent(ack_frame(&f, f.isn + 1, f.our_isn + 1 + 1448, NULL, 0));
	exchange_silent(ack_frame(&f, f.isn + 1, f.our_isn + 1 + 1448, NULL, 0));
	{
		struct rte_mbuf *r = exchange(ack_frame(&f, f.isn + 1, f.our_isn + 1 + 1448, NULL,
			0));
		struct synq_frame_view v = check_reply(r, &f);
		uint16_t len = v.data_len;

		assert_int_equal(v.seq, f.our_isn + 1 + 1448);
		assert_int_equal(len, 1448);
		rte_pktmbuf_free(r);
	}
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_FAST_RETRANS), 1);
	exchange_silent(ack_frame(&f, f.isn + 1, f.our_isn + 1 + sizeof(d), NULL, 0));
	conn_drop(c);
}

/*
 * 34: the close sequences (RFC 9293 3.6): the client first (CLOSE-WAIT, LAST-ACK),
 * and synq first with data still queued (the FIN rides on the last segment).
 */
static void
test_data_close(void **state __rte_unused)
{
	static const uint8_t d[] = "bye";
	struct flow a = flow4(34, 43004, 85, 0x34000000);
	struct flow b = flow4(34, 43005, 85, 0x34000001);
	struct synq_session *c = established(&a, L85);
	struct rte_mbuf *r;
	struct synq_frame_view v;
	struct snap s;

	snap_take(&s);
	/* the client closes: its FIN acknowledged, the application told */
	check_ack(exchange(segment(&a, a.isn + 1, a.our_isn + 1, F_ACK | F_FIN, NULL, 0, NULL, 0)),
		&a, a.our_isn + 1, a.isn + 2);
	expect_event(c, SYNQ_EV_PEER_CLOSED);
	assert_int_equal(synq_app_close(&app, c), 0);
	r = one_out();
	v = check_reply(r, &a);
	assert_int_equal(v.flags, F_FIN | F_ACK);
	assert_int_equal(v.seq, a.our_isn + 1);
	rte_pktmbuf_free(r);
	/* LAST-ACK: the ACK of our FIN ends it */
	exchange_silent(segment(&a, a.isn + 2, a.our_isn + 2, F_ACK, NULL, 0, NULL, 0));
	expect_event(c, SYNQ_EV_CLOSED);
	synq_app_release(&app, c);
	assert_int_equal(delta(&s, SYNQ_CTR_CONN_CLOSED), 1);

	/* synq closes first, with bytes queued: data + FIN in one segment */
	c = established(&b, L85);
	assert_int_equal(synq_app_send_copy(&app, c, d, 3), 0);
	assert_int_equal(synq_app_close(&app, c), 0);
	r = one_out();
	v = check_reply(r, &b);
	assert_int_equal(v.flags, F_FIN | F_ACK | F_PSH);
	assert_int_equal(v.tcp_len - v.doff, 3);
	rte_pktmbuf_free(r);
	/* FIN-WAIT-1 -> FIN-WAIT-2 -> TIME-WAIT: the client's FIN is acknowledged */
	exchange_silent(segment(&b, b.isn + 1, b.our_isn + 5, F_ACK, NULL, 0, NULL, 0));
	check_ack(exchange(segment(&b, b.isn + 1, b.our_isn + 5, F_ACK | F_FIN, NULL, 0, NULL, 0)),
		&b, b.our_isn + 5, b.isn + 2);
	expect_event(c, SYNQ_EV_PEER_CLOSED);
	expect_event(c, SYNQ_EV_CLOSED);
	synq_app_release(&app, c);
	/* TIME-WAIT acknowledges a repeated FIN */
	check_ack(exchange(segment(&b, b.isn + 1, b.our_isn + 5, F_ACK | F_FIN, NULL, 0, NULL, 0)),
		&b, b.our_isn + 5, b.isn + 2);
	assert_int_equal(delta(&s, SYNQ_CTR_CONN_CLOSED), 2);
}

/* 35: RSTs of a connection: exact resets, in the window is challenged, else dropped. */
static void
test_data_rst(void **state __rte_unused)
{
	struct flow f = flow4(35, 43006, 85, 0x35000000);
	struct synq_session *c = established(&f, L85);
	struct snap s;

	snap_take(&s);
	check_ack(exchange(rst_frame(&f, f.isn + 100)), &f, f.our_isn + 1, f.isn + 1);
	assert_int_equal(delta(&s, SYNQ_CTR_CHALLENGE_ACKS), 1);
	exchange_silent(rst_frame(&f, f.isn - 100));
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_DROP_RST), 1);
	exchange_silent(rst_frame(&f, f.isn + 1));
	assert_int_equal(delta(&s, SYNQ_CTR_ESTAB_RESETS), 1);
	expect_event(c, SYNQ_EV_RESET);
	expect_event(c, SYNQ_EV_CLOSED);
	synq_app_release(&app, c);
	/* gone: a segment of it now belongs to no connection */
	exchange_silent(ack_frame(&f, f.isn + 1, f.our_isn + 1, NULL, 0));
}

/* 36: the ACK of a request waits one poll, and rides on the application's answer. */
static void
test_data_ack_rides(void **state __rte_unused)
{
	static const uint8_t q[4] = "ping";
	static const uint8_t ans[4] = "pong";
	struct flow f = flow4(36, 43007, 85, 0x36000000);
	struct synq_session *c = established(&f, L85);
	struct rte_mbuf *r;
	struct synq_frame_view v;
	uint16_t len;

	exchange_silent(ack_frame(&f, f.isn + 1, f.our_isn + 1, q, sizeof(q)));
	expect_data_event(c, q, sizeof(q));
	assert_int_equal(synq_app_send_copy(&app, c, ans, sizeof(ans)), 0);
	r = one_out();
	v = check_reply(r, &f);
	assert_int_equal(v.ack, f.isn + 1 + sizeof(q));
	assert_int_equal(v.seq, f.our_isn + 1);
	len = v.data_len;
	assert_memory_equal(v.data, ans, sizeof(ans));
	assert_int_equal(len, sizeof(ans));
	rte_pktmbuf_free(r);
	synq_app_consumed(&app, c, sizeof(q));
	conn_drop(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_synack),
		cmocka_unit_test(test_retransmitted_syn),
		cmocka_unit_test(test_final_ack),
		cmocka_unit_test(test_payload),
		cmocka_unit_test(test_no_cookie_when_quiet),
		cmocka_unit_test(test_forged_acks),
		cmocka_unit_test(test_bad_ack),
		cmocka_unit_test(test_rst),
		cmocka_unit_test(test_overflow_syn),
		cmocka_unit_test(test_overflow_keep),
		cmocka_unit_test(test_overflow_abort),
		cmocka_unit_test(test_cookies_always),
		cmocka_unit_test(test_cookie_when_full),
		cmocka_unit_test(test_bsd),
		cmocka_unit_test(test_no_listener),
		/* last: it moves the engine's clock a minute ahead */
		cmocka_unit_test(test_timers),
		cmocka_unit_test(test_no_second_connection),
		cmocka_unit_test(test_tiny_mss),
		cmocka_unit_test(test_final_ack_shapes),
		cmocka_unit_test(test_syn_with_data),
		cmocka_unit_test(test_blind_syn),
		cmocka_unit_test(test_no_replay_after_reset),
		cmocka_unit_test(test_close_time_wait),
		cmocka_unit_test(test_data_in_order),
		cmocka_unit_test(test_data_window),
		cmocka_unit_test(test_data_send_rto),
		cmocka_unit_test(test_data_fast_retransmit),
		cmocka_unit_test(test_data_close),
		cmocka_unit_test(test_data_rst),
		cmocka_unit_test(test_data_ack_rides),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
