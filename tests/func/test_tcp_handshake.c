/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Functional tests of the handshake engine (lib/tcp: the SYN table, cookies, the
 * accept queues it fills): SYN-ACKs checked byte by byte, retransmitted SYNs, the
 * final ACK over IPv4 and IPv6, forged and bad ACKs, RSTs of half-open entries (RFC
 * 5961), listen overflows under both queue models, cookies always and when full, no
 * listener, a tiny MSS, the shapes of a final ACK, data on a SYN, blind SYNs, replays
 * of a final ACK. On the harness of harness.h: the real worker, a ring port, frames
 * from the tests' frame library.
 *
 * Order matters once: port 80 sends no cookie until test_cookie_when_full, and
 * test_no_cookie_when_quiet and test_rst rely on that, so they run before it.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_ring.h>

#include "harness.h"
#include "synq_cookie.h"

HARNESS_SETUP(.name = "tcp_handshake");

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

	/* after the promotion the handshake is known as accepted: its final ACK is not
	 * taken for a new one; an altered one is another handshake, and its cookie fails */
	finish_flow(&f);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_ESTAB_SEGS), 1);
	exchange_silent(ack_frame(&f, f.isn + 1, (f.our_isn ^ 0x00800000u) + 1, NULL, 0));
	assert_int_equal(delta(&s, SYNQ_CTR_SYNCOOKIES_FAILED), 4);
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

	/*
	 * Half-open entries hold places too: two of them fill the queue, the ring empty.
	 * A SYN then gets a cookie (FreeBSD's syncache): a spoofed flood that keeps the
	 * queue full of half-open entries locks no real client out.
	 */
	open_flow(&c);
	open_flow(&d);
	snap_take(&s);
	open_flow(&a);
	assert_int_equal(delta(&s, SYNQ_CTR_LISTEN_DROPS), 0);
	assert_int_equal(delta(&s, SYNQ_CTR_SYNCOOKIES_SENT), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_REQ_QFULL_DO_COOKIES), 1);
	assert_int_equal(halfopen(L83), 2);
	finish_flow(&a);
	assert_int_equal(delta(&s, SYNQ_CTR_SYNCOOKIES_RECV), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 1);
	assert_int_equal(bsd_len(L83), 3);
	conn = accept_one(L83);
	check_conn(conn, &a, L83);
	assert_true(conn_info(conn).via_cookie);
	conn_drop(conn);
	assert_int_equal(bsd_len(L83), 2);
	reset_flow(&c);
	reset_flow(&d);
	assert_int_equal(bsd_len(L83), 0);

	/* completed connections still bound the queue: the backlog's worth, then drops */
	open_flow(&c);
	finish_flow(&c);
	open_flow(&d);
	finish_flow(&d);
	snap_take(&s);
	exchange_silent(syn_frame(&b));
	assert_int_equal(delta(&s, SYNQ_CTR_LISTEN_DROPS), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_SYNCOOKIES_SENT), 0);
	assert_int_equal(drain(L83), 2);
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
	/*
	 * and a FIN never completes a handshake from a cookie: it is not looked up in
	 * the replay memory (only a valid cookie is, so that forged ACKs never pay for
	 * the key), it is a segment of no connection
	 */
	exchange_silent(segment(&k, k.isn + 1, k.our_isn + 1, F_ACK | F_FIN, NULL, 0, NULL, 0));
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 2);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_ESTAB_SEGS), 2);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_DROP_NO_CONNECTION), 1);
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
 * 40: a client behind a NAT reuses the 4-tuple of a cookie connection that has ended
 * (the replay memory still holds it): another ISN is another handshake, and connects;
 * the old final ACK, replayed, is still refused.
 */
static void
test_port_reuse_after_cookie(void **state __rte_unused)
{
	struct flow k = flow4(40, 42040, 82, 0x40000000);
	struct flow k2 = flow4(40, 42040, 82, 0x40123456);
	struct synq_session *c;
	struct snap s;

	open_flow(&k);
	finish_flow(&k);
	conn_drop(accept_one(L82));
	snap_take(&s);
	finish_flow(&k);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_ESTAB_SEGS), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 0);
	open_flow(&k2);
	finish_flow(&k2);
	assert_int_equal(delta(&s, SYNQ_CTR_SYNCOOKIES_RECV), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 1);
	c = accept_one(L82);
	check_conn(c, &k2, L82);
	conn_drop(c);
	finish_flow(&k2); /* and the new one is remembered in turn */
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_ESTAB_SEGS), 2);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 1);
}

/* The application closes @p f's connection first: it ends in TIME-WAIT. */
static void
close_to_time_wait(struct flow *f, unsigned int li)
{
	struct synq_session *c;
	struct rte_mbuf *r;

	open_flow(f);
	finish_flow(f);
	c = accept_one(li);
	r = command(c, SYNQ_CMD_CLOSE);
	assert_non_null(r);
	rte_pktmbuf_free(r);
	check_ack(exchange(segment(f, f->isn + 1, f->our_isn + 2, F_ACK | F_FIN, NULL, 0, NULL, 0)),
		f, f->our_isn + 2, f->isn + 2);
	events_to_closed(c, SYNQ_EV_PEER_CLOSED);
}

/*
 * A SYN for a 4-tuple in TIME-WAIT that RFC 6191 refuses: the TIME-WAIT's ACK. The
 * entry answers once a 500 ms (the worker's clock is the TSC, read every poll): wait
 * that long first.
 */
static void
expect_tw_refusal(struct rte_mbuf *syn, const struct flow *old)
{
	rte_delay_ms(510);
	check_ack(exchange(syn), old, old->our_isn + 2, old->isn + 2);
}

/*
 * 41: RFC 6191. A new SYN may take over a 4-tuple in TIME-WAIT with a newer timestamp,
 * or without timestamps an ISN past RCV.NXT; an older timestamp (PAWS) or a lower ISN
 * gets the TIME-WAIT's ACK. With cookies always (a client whose ports wrap) and with
 * the SYN table.
 */
static void
test_time_wait_reuse(void **state __rte_unused)
{
	static const uint16_t ports[2] = {82, 80};
	static const unsigned int li[2] = {L82, L80};

	for (unsigned int i = 0; i < 2; i++) {
		struct flow f = flow4(41, (uint16_t)(42041 + i), ports[i], 0x41000000);
		struct flow g = f;
		struct synq_session *c;
		struct snap s;

		f.tsval = 1000000;
		close_to_time_wait(&f, li[i]);
		snap_take(&s);
		/* no timestamps, an ISN not past RCV.NXT (isn + 2): refused */
		expect_tw_refusal(segment(&f, f.isn + 1, 0, F_SYN, NULL, 0, NULL, 0), &f);
		expect_tw_refusal(segment(&f, f.isn - 5000, 0, F_SYN, NULL, 0, NULL, 0), &f);
		/* an ISN past it, but a timestamp older than TS.Recent: PAWS refuses */
		g.isn = f.isn + 100000;
		g.tsval = f.tsval - 1000;
		expect_tw_refusal(syn_frame(&g), &f);
		/* within 500 ms of the last: not answered (no 1:1 reflection of spoofed SYNs) */
		exchange_silent(segment(&f, f.isn + 1, 0, F_SYN, NULL, 0, NULL, 0));
		assert_int_equal(delta(&s, SYNQ_CTR_TCP_ACK_SKIPPED_TIME_WAIT), 1);
		assert_int_equal(delta(&s, SYNQ_CTR_TW_SYN_REFUSED), 3);
		assert_int_equal(delta(&s, SYNQ_CTR_TW_REUSED), 0);
		assert_int_equal(halfopen(li[i]), 0);
		/* a newer timestamp: a new connection, even with a lower ISN */
		g.isn = f.isn - 100000;
		g.tsval = f.tsval + 1000;
		open_flow(&g);
		finish_flow(&g);
		assert_int_equal(delta(&s, SYNQ_CTR_TW_REUSED), 1);
		assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 1);
		c = accept_one(li[i]);
		check_conn(c, &g, li[i]);
		conn_drop(c);

		/* without timestamps, an ISN past RCV.NXT */
		f = flow4(41, (uint16_t)(42043 + i), ports[i], 0x41100000);
		close_to_time_wait(&f, li[i]);
		snap_take(&s);
		g = f;
		g.isn = f.isn + 3;
		{
			struct rte_mbuf *r = exchange(segment(&g, g.isn, 0, F_SYN, NULL, 0, NULL, 0));
			struct synq_frame_view v = check_reply(r, &g);

			assert_int_equal(v.flags, F_SYN | F_ACK);
			assert_int_equal(v.ack, g.isn + 1);
			g.our_isn = v.seq;
			rte_pktmbuf_free(r);
		}
		exchange_silent(segment(&g, g.isn + 1, g.our_isn + 1, F_ACK, NULL, 0, NULL, 0));
		assert_int_equal(delta(&s, SYNQ_CTR_TW_REUSED), 1);
		assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 1);
		conn_drop(accept_one(li[i]));
	}
}

/*
 * 44: a cookie's final ACK for a 4-tuple in TIME-WAIT (its SYN went elsewhere: another
 * node sharing the secret) takes it over as RFC 6191 lets a SYN; one that the rule
 * refuses is TIME-WAIT's segment, and no cookie is looked at.
 */
static void
test_time_wait_cookie_ack(void **state __rte_unused)
{
	struct flow f = flow4(44, 42070, 82, 0x44000000);
	struct synq_cookie_opts in = {.mss = 1460, .wscale = 7, .sack = true}, kept;
	struct synq_cookie_flow cf = {.family = 4};
	struct synq_cookie_ctx cookie;
	struct timespec wall;
	struct flow g;
	struct snap s;

	f.tsval = 2000000;
	close_to_time_wait(&f, L82);
	synq_cookie_init(&cookie, rt.cookie_secret);
	memcpy(cf.saddr, f.caddr, 4);
	memcpy(cf.daddr, f.saddr, 4);
	cf.sport = rte_cpu_to_be_16(f.cport);
	cf.dport = rte_cpu_to_be_16(f.sport);
	snap_take(&s);
	/* an older timestamp: PAWS, the old connection's; dropped as TIME-WAIT drops it */
	g = f;
	g.isn = f.isn + 100000;
	g.tsval = f.tsval - 5000;
	clock_gettime(CLOCK_REALTIME_COARSE, &wall);
	g.our_isn = synq_cookie_make(&cookie, &cf, g.isn, &in, (uint64_t)wall.tv_sec, &kept);
	g.our_tsval = kept.ts_mac;
	exchange_silent(ack_frame(&g, g.isn + 1, g.our_isn + 1, NULL, 0));
	assert_int_equal(delta(&s, SYNQ_CTR_SYNCOOKIES_RECV), 0);
	assert_int_equal(delta(&s, SYNQ_CTR_TW_REUSED), 0);
	/* a newer one: the cookie decides, and it is valid */
	g.tsval = f.tsval + 5000;
	exchange_silent(ack_frame(&g, g.isn + 1, g.our_isn + 1, NULL, 0));
	assert_int_equal(delta(&s, SYNQ_CTR_SYNCOOKIES_RECV), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_TW_REUSED), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 1);
	conn_drop(accept_one(L82));
}

/*
 * 42: a cookie's final ACK with timestamps must echo the 5 MAC bits of our TSval in its
 * TSecr; our TSvals are offset by a keyed hash of the 4-tuple (not the worker's
 * uptime), the same for every segment of a 4-tuple.
 */
static void
test_ts_cookie_and_offsets(void **state __rte_unused)
{
	struct flow k = flow4(42, 42042, 82, 0x42000000);
	struct flow bad, t[4];
	struct synq_tcp_opts o;
	struct rte_mbuf *r;
	unsigned int far = 0;
	struct snap s;

	snap_take(&s);
	open_flow(&k);
	for (uint32_t bit = 1; bit <= SYNQ_COOKIE_TS_MASK; bit <<= 1) {
		bad = k;
		bad.our_tsval ^= bit;
		exchange_silent(ack_frame(&bad, k.isn + 1, k.our_isn + 1, NULL, 0));
	}
	assert_int_equal(delta(&s, SYNQ_CTR_SYNCOOKIES_TS_FAILED), SYNQ_COOKIE_TS_BITS);
	assert_int_equal(delta(&s, SYNQ_CTR_SYNCOOKIES_FAILED), SYNQ_COOKIE_TS_BITS);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 0);
	finish_flow(&k);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 1);
	conn_drop(accept_one(L82));

	/* four 4-tuples at the same moment: their TSvals are far apart */
	for (unsigned int i = 0; i < RTE_DIM(t); i++) {
		t[i] = flow4(42, (uint16_t)(42050 + i), 80, 0x42100000u + i);
		open_flow(&t[i]);
		if (i != 0 && (uint32_t)(t[i].our_tsval - t[0].our_tsval + 65536) > 131072)
			far++;
	}
	assert_true(far >= 1);
	/* one 4-tuple's later segments go on from its SYN-ACK's TSval */
	bad = t[1];
	bad.isn += 1000;
	r = exchange(syn_frame(&bad));
	assert_non_null(r);
	{
		struct synq_frame_view v = check_reply(r, &t[1]);

		assert_int_equal(v.flags, F_ACK);
		assert_int_equal(synq_tcp_opts_parse(v.opt, v.opt_len, &o), 0);
		assert_true(o.ts);
		assert_true(o.tsval - t[1].our_tsval < 10000);
	}
	rte_pktmbuf_free(r);
	for (unsigned int i = 0; i < RTE_DIM(t); i++)
		reset_flow(&t[i]);
}

/*
 * 43: duplicate SYNs are not reflected at the rate they come: one SYN-ACK an entry per
 * 500 ms, no more. And no global budget an attacker could spend: N spoofed entries
 * re-SYNed once each get their one answer, and a real client whose SYN-ACK was lost
 * still gets its own after them.
 */
static void
test_dup_syn_limits(void **state __rte_unused)
{
	enum { N = 400 };
	static struct flow many[N];
	struct flow f = flow4(43, 42060, 80, 0x43000000);
	struct flow real = flow4(43, 42061, 81, 0x43200000);
	uint64_t answered, limited, t0;
	struct snap s;

	open_flow(&f);
	snap_take(&s);
	open_flow(&f); /* a client's retransmission: answered */
	exchange_silent(syn_frame(&f));
	exchange_silent(syn_frame(&f));
	assert_int_equal(delta(&s, SYNQ_CTR_SYN_DUPLICATES), 3);
	assert_int_equal(delta(&s, SYNQ_CTR_SYNACK_DUP_LIMITED), 2);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_SEGS), 1);
	reset_flow(&f);

	open_flow(&real);
	for (unsigned int i = 0; i < N; i++) {
		many[i] = flow4(43, (uint16_t)(43000 + i), 81, 0x43100000u + i);
		open_flow(&many[i]);
	}
	snap_take(&s);
	t0 = rte_rdtsc();
	for (unsigned int r = 0; r < 2; r++) {
		for (unsigned int i = 0; i < N; i++) {
			struct rte_mbuf *m = exchange(syn_frame(&many[i]));

			if (m != NULL)
				rte_pktmbuf_free(m);
		}
		if (r == 0)
			assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_SEGS), N);
	}
	answered = delta(&s, SYNQ_CTR_TCP_OUT_SEGS);
	limited = delta(&s, SYNQ_CTR_SYNACK_DUP_LIMITED);
	print_message("duplicate SYNs answered %" PRIu64 ", limited %" PRIu64 "\n", answered,
		limited);
	/* the first round all answered, the second within each entry's 500 ms */
	assert_int_equal(answered + limited, 2 * N);
	if ((rte_rdtsc() - t0) * 1000 / rte_get_tsc_hz() < 500)
		assert_int_equal(limited, N);
	/* the real client's retransmitted SYN: its SYN-ACK again */
	open_flow(&real);
	for (unsigned int i = 0; i < N; i++)
		reset_flow(&many[i]);
	reset_flow(&real);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_synack),
		cmocka_unit_test(test_retransmitted_syn),
		cmocka_unit_test(test_final_ack),
		cmocka_unit_test(test_no_cookie_when_quiet),
		cmocka_unit_test(test_forged_acks),
		cmocka_unit_test(test_bad_ack),
		cmocka_unit_test(test_rst),
		cmocka_unit_test(test_overflow_syn),
		cmocka_unit_test(test_overflow_keep),
		cmocka_unit_test(test_overflow_abort),
		cmocka_unit_test(test_cookies_always),
		/* port 80's first cookie: test_no_cookie_when_quiet and test_rst come before */
		cmocka_unit_test(test_cookie_when_full),
		cmocka_unit_test(test_bsd),
		cmocka_unit_test(test_no_listener),
		cmocka_unit_test(test_no_second_connection),
		cmocka_unit_test(test_tiny_mss),
		cmocka_unit_test(test_final_ack_shapes),
		cmocka_unit_test(test_syn_with_data),
		cmocka_unit_test(test_blind_syn),
		cmocka_unit_test(test_no_replay_after_reset),
		cmocka_unit_test(test_port_reuse_after_cookie),
		cmocka_unit_test(test_time_wait_reuse),
		cmocka_unit_test(test_ts_cookie_and_offsets),
		cmocka_unit_test(test_time_wait_cookie_ack),
		cmocka_unit_test(test_dup_syn_limits),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
