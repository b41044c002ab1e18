/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Functional tests of the application interface (lib/app over lib/session): what an
 * application lcore gets from synq_app_accept() and its events, and what its commands
 * may still change once a session's last event is out. On the harness of harness.h,
 * whose application lcore the tests play.
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

HARNESS_SETUP(.name = "app");

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

/* Send @p kind (with @p m) about session @p idx of generation @p gen, as a late command. */
static void
stale_command(uint32_t idx, uint16_t gen, uint16_t kind, struct rte_mbuf *m)
{
	struct synq_session_msg msg = {.session = idx, .gen = gen, .kind = kind, .m = m};

	assert_int_equal(rte_ring_enqueue_elem(rt.cmd_rings[0], &msg, sizeof(msg)), 0);
}

/* A 4-byte mbuf to send. */
static struct rte_mbuf *
late_bytes(void)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(frames);

	assert_non_null(m);
	assert_non_null(rte_pktmbuf_append(m, 4));
	memcpy(rte_pktmbuf_mtod(m, char *), "late", 4);
	return m;
}

/* Send @p kind (with @p m) about @p c, as the interface would, past its checks. */
static void
raw_command(struct synq_session *c, uint16_t kind, struct rte_mbuf *m)
{
	stale_command(synq_session_index(&rt.sessions, c), synq_session_gen(c), kind, m);
}

/*
 * 37: a command that reaches the worker after the session's last event
 * (SYNQ_EV_CLOSED) was put on the application's ring changes nothing: no event, no
 * frame, and a send is counted as dropped. The application may well send such
 * commands: it consumes the data of events it took before CLOSED.
 *
 * Checked on the code before the session layer (d315f99, lib/tcp/tcp_conn.c): there
 * this scenario made a second SYNQ_EV_CLOSED. conn_notify() left the connection in
 * SYNQ_TCP_CLOSED with PEND_CLOSED and WF_ATTACHED still set once CLOSED was on the
 * ring, and synq_tcp_command() checked neither a generation nor the state before
 * SYNQ_CMD_WINDOW marked the connection dirty again; the next synq_tcp_output() found
 * PEND_CLOSED and put CLOSED on the ring once more, for a session the application may
 * have released and a new connection taken by then (the send was dropped there too).
 * Now a command finds the connection SYNQ_TCP_FREE and is dropped; the generation
 * half of that check is test_stale_generation's.
 */
static void
test_command_after_closed(void **state __rte_unused)
{
	static uint8_t d[1400];
	struct flow f = flow4(37, 44000, 85, 0x37000000);
	struct synq_session *c = established(&f, L85);
	uint32_t seq = f.isn + 1;
	struct rte_mbuf *out[4];
	struct synq_app_event ev;
	uint64_t refused;
	struct snap s;

	/* 4200 bytes delivered and not consumed: more than half of rcv_buf (8192) */
	for (unsigned int i = 0; i < 3; i++) {
		check_ack(exchange_ack(ack_frame(&f, seq, f.our_isn + 1, d, sizeof(d))), &f,
			f.our_isn + 1, seq + sizeof(d));
		expect_data_event(c, d, sizeof(d));
		seq += sizeof(d);
	}
	/* the client resets it: RESET, then the last event */
	exchange_silent(rst_frame(&f, seq));
	expect_event(c, SYNQ_EV_RESET);
	expect_event(c, SYNQ_EV_CLOSED);

	/*
	 * Before its release, the application deals with the bytes and answers: the
	 * application interface refuses both (the connection is over), and the worker,
	 * given the same commands on its ring, drops them (the last line of defence).
	 */
	snap_take(&s);
	refused = app_counter(SYNQ_CTR_APP_CMD_CLOSED);
	assert_int_equal(synq_app_consumed(&app, c, 3 * sizeof(d)), -EPIPE);
	/* in the burst that brought the CLOSED event: refused, no misuse yet */
	assert_int_equal(app_counter(SYNQ_CTR_APP_CMD_CLOSED) - refused, 0);
	assert_false(next_event(&ev)); /* the burst is handled: now it is */
	assert_int_equal(synq_app_consumed(&app, c, 3 * sizeof(d)), -EPIPE);
	assert_int_equal(synq_app_send_copy(&app, c, "late", 4), -EPIPE);
	assert_int_equal(rte_ring_count(rt.cmd_rings[0]), 0);
	assert_int_equal(app_counter(SYNQ_CTR_APP_CMD_CLOSED) - refused, 2);
	raw_command(c, SYNQ_CMD_WINDOW, NULL);
	raw_command(c, SYNQ_CMD_SEND, late_bytes());
	assert_int_equal(rte_ring_count(rt.cmd_rings[0]), 2);
	assert_int_equal(poll_idle(out, RTE_DIM(out)), 0);
	assert_int_equal(rte_ring_count(rt.cmd_rings[0]), 0);
	assert_false(next_event(&ev));
	assert_int_equal(poll_idle(out, RTE_DIM(out)), 0);
	assert_false(next_event(&ev));
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_SEND_DROPPED), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_SEGS), 0);
	synq_app_release(&app, c);
}

/*
 * Make @p s the session the pool hands out next: the free ring is FIFO, so the ones
 * ahead of it go behind it.
 */
static void
pool_next(struct synq_session *s)
{
	struct rte_ring *r = rt.sessions.free;
	unsigned int n = rte_ring_count(r);
	void **all = calloc(n, sizeof(*all));
	unsigned int at = n;

	assert_non_null(all);
	assert_int_equal(rte_ring_dequeue_bulk(r, all, n, NULL), n);
	for (unsigned int i = 0; i < n; i++)
		at = all[i] == s ? i : at;
	assert_true(at < n);
	assert_int_equal(rte_ring_enqueue(r, s), 0);
	for (unsigned int i = 0; i < n; i++)
		if (i != at)
			assert_int_equal(rte_ring_enqueue(r, all[i]), 0);
	free(all);
}

/*
 * 38: after synq_app_release(), a message of the session's old generation is
 * dropped: while the session is free, and once a new connection has taken it again,
 * whose state is not the old connection's to change (no data sent, no RST).
 */
static void
test_stale_generation(void **state __rte_unused)
{
	struct flow a = flow4(38, 44001, 85, 0x38000000);
	struct flow b = flow4(38, 44002, 85, 0x38000001);
	struct synq_session *c = established(&a, L85);
	uint32_t idx = synq_session_index(&rt.sessions, c);
	uint16_t gen = synq_session_gen(c);
	struct rte_mbuf *out[4];
	struct synq_app_event ev;
	struct snap s;

	conn_drop(c);
	assert_int_equal(synq_session_gen(c), (uint16_t)(gen + 1));
	snap_take(&s);
	/* the session is free */
	stale_command(idx, gen, SYNQ_CMD_SEND, late_bytes());
	stale_command(idx, gen, SYNQ_CMD_WINDOW, NULL);
	stale_command(idx, gen, SYNQ_CMD_ABORT, NULL);
	assert_int_equal(poll_idle(out, RTE_DIM(out)), 0);
	assert_false(next_event(&ev));
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_SEND_DROPPED), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_SEGS), 0);

	/* the same session, taken again by the next connection */
	pool_next(c);
	assert_ptr_equal(established(&b, L85), c);
	assert_int_equal(synq_session_gen(c), (uint16_t)(gen + 1));
	snap_take(&s);
	stale_command(idx, gen, SYNQ_CMD_SEND, late_bytes());
	stale_command(idx, gen, SYNQ_CMD_CLOSE, NULL);
	stale_command(idx, gen, SYNQ_CMD_ABORT, NULL);
	assert_int_equal(poll_idle(out, RTE_DIM(out)), 0);
	assert_false(next_event(&ev));
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_SEND_DROPPED), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_SEGS), 0);
	assert_int_equal(conn_info(c).state, SYNQ_TCP_ESTABLISHED);
	assert_int_equal(conn_info(c).snd_queued, 0);
	/* and it works: its data is acknowledged and delivered */
	check_ack(exchange_ack(ack_frame(&b, b.isn + 1, b.our_isn + 1, (const uint8_t *)"ok", 2)),
		&b, b.our_isn + 1, b.isn + 3);
	expect_data_event(c, (const uint8_t *)"ok", 2);
	conn_drop(c);
}

/* Every command of the interface on @p c returns @p rc and reaches no ring. */
static void
all_refused(struct synq_session *c, int rc)
{
	assert_int_equal(synq_app_send_copy(&app, c, "late", 4), rc);
	assert_int_equal(synq_app_close(&app, c), rc);
	assert_int_equal(synq_app_abort(&app, c), rc);
	assert_int_equal(synq_app_consumed(&app, c, 4), rc);
	assert_int_equal(rte_ring_count(rt.cmd_rings[0]), 0);
}

/*
 * 39: an application that keeps a session's pointer past synq_app_release() gets
 * -ESTALE from every command, counted, and nothing reaches the worker: while the
 * session is free, and once a new connection has taken it, until this lcore accepts
 * that one (then the pointer is the new connection's name). A second release is
 * refused (the session is on the free ring once), and so is one before
 * SYNQ_EV_CLOSED (-EBUSY).
 *
 * Fails before the interface kept own[]: each call returned 0 and put a command of
 * the session's current generation on the ring, which the worker applied to the new
 * connection (its reply went out, a RST ended it).
 */
static void
test_stale_pointer(void **state __rte_unused)
{
	struct flow a = flow4(39, 44003, 85, 0x39000000);
	struct flow b = flow4(39, 44004, 85, 0x39000001);
	struct synq_session *c = established(&a, L85);
	unsigned int nfree;
	uint64_t stale;
	struct rte_mbuf *out[4];
	struct synq_app_event ev;
	struct snap s;

	stale = app_counter(SYNQ_CTR_APP_CMD_STALE);
	assert_int_equal(synq_app_release(&app, c), -EBUSY);
	assert_int_equal(app_counter(SYNQ_CTR_APP_CMD_STALE) - stale, 1);
	conn_drop(c);
	nfree = rte_ring_count(rt.sessions.free);
	stale = app_counter(SYNQ_CTR_APP_CMD_STALE);
	all_refused(c, -ESTALE);
	assert_int_equal(synq_app_release(&app, c), -ESTALE);
	assert_int_equal(rte_ring_count(rt.sessions.free), nfree);
	assert_int_equal(app_counter(SYNQ_CTR_APP_CMD_STALE) - stale, 5);

	/* the next connection takes it; no application has accepted that one yet */
	pool_next(c);
	open_flow(&b);
	finish_flow(&b);
	assert_int_equal(rte_ring_count(rt.sessions.free), nfree - 1);
	snap_take(&s);
	stale = app_counter(SYNQ_CTR_APP_CMD_STALE);
	all_refused(c, -ESTALE);
	assert_int_equal(app_counter(SYNQ_CTR_APP_CMD_STALE) - stale, 4);
	assert_int_equal(poll_idle(out, RTE_DIM(out)), 0);
	assert_false(next_event(&ev));
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_SEGS), 0);

	/* accepted: the new connection, untouched and working */
	assert_ptr_equal(accept_one(L85), c);
	assert_int_equal(poll_idle(out, RTE_DIM(out)), 0); /* the attach */
	check_conn(c, &b, L85);
	assert_int_equal(conn_info(c).state, SYNQ_TCP_ESTABLISHED);
	assert_int_equal(conn_info(c).snd_queued, 0);
	check_ack(exchange_ack(ack_frame(&b, b.isn + 1, b.our_isn + 1, (const uint8_t *)"ok", 2)),
		&b, b.our_isn + 1, b.isn + 3);
	expect_data_event(c, (const uint8_t *)"ok", 2);
	assert_int_equal(synq_app_consumed(&app, c, 2), 0);
	conn_drop(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_payload),
		cmocka_unit_test(test_command_after_closed),
		cmocka_unit_test(test_stale_generation),
		cmocka_unit_test(test_stale_pointer),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
