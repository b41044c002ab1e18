/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Functional tests of lib/tcp's data path, connections in the flow table: receive in
 * order only, the receive window, sends cut at the MSS, fast retransmit, the close
 * sequences and TIME-WAIT (RFC 9293 3.6), the acceptability of a RST, the ACK riding
 * on the application's answer. On the harness of harness.h; timers are in
 * test_tcp_timers.c.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <rte_ring.h>

#include "harness.h"

HARNESS_SETUP(.name = "tcp_data");

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
		cmocka_unit_test(test_close_time_wait),
		cmocka_unit_test(test_data_in_order),
		cmocka_unit_test(test_data_window),
		cmocka_unit_test(test_data_fast_retransmit),
		cmocka_unit_test(test_data_close),
		cmocka_unit_test(test_data_rst),
		cmocka_unit_test(test_data_ack_rides),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
