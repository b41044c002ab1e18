/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Functional tests of what connections may hold (lib/tcp/tcp_mem.c, docs/architecture.md
 * "Memory"), attacks as a hostile client makes them: thousands of in-order 1-byte
 * segments to a listener that never accepts, a small-segment sender's window and its
 * connection's limit, an application's 1-byte sends to a client that never
 * acknowledges, and the window updates of a client without window scaling. On the
 * harness of harness.h.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <rte_cycles.h>
#include <rte_ring.h>

#include "harness.h"

/* Segments a burst of the flood below: the worker's rx burst. */
#define BURST 32

/* The TCP tests' config (harness.c), and a listener whose queue may hold 64 KiB. */
static const char config[] = HARNESS_TCP_CONFIG ","
	"    { \"port\": 86, \"backlog\": 8, \"unaccepted_mem\": 65536 } ] }";

#define L86 6

HARNESS_SETUP(.name = "tcp_mem", .config = config);

/*
 * Poll twice (data, then its ACK one poll later); free what was sent. The right edge
 * (ACK + window) of the last pure ACK goes to @p edge, its ACK to @p ack; how many
 * frames went out.
 */
static unsigned int
settle(uint32_t *ack, uint32_t *edge)
{
	struct rte_mbuf *out[64];
	unsigned int n, total = 0;

	for (unsigned int p = 0; p < 2; p++) {
		synq_worker_poll(worker());
		while ((n = rte_ring_dequeue_burst(tx_ring[0], (void **)out, RTE_DIM(out),
				NULL)) != 0) {
			for (unsigned int i = 0; i < n; i++) {
				struct synq_frame_view v;

				assert_int_equal(synq_frame_parse_tcp(
					rte_pktmbuf_mtod(out[i], const uint8_t *),
					rte_pktmbuf_data_len(out[i]), &v), 0);

				if (ack != NULL)
					*ack = v.ack;
				if (edge != NULL)
					*edge = v.ack + v.win;
			}
			rte_pktmbuf_free_bulk(out, n);
			total += n;
		}
	}
	return total;
}

/*
 * 60: one connection to a listener that never accepts (hold, L80) sends 4000 in-order
 * 1-byte segments, more than the harness's pool of frames (1024) holds: each pinned
 * a buffer before, so the pool ran dry. Now they are collapsed into a few buffers, all
 * acknowledged, a new handshake on the port still completes, and the client's RST gives
 * back everything.
 */
static void
test_mem_hold_tiny_segments(void **state __rte_unused)
{
	static const uint8_t one = 'x';
	struct flow f = flow4(60, 46000, 80, 0x60000000);
	struct flow g = flow4(60, 46001, 80, 0x60100000);
	unsigned int base = rte_mempool_in_use_count(frames);
	uint32_t seq = f.isn + 1, ack = 0;
	struct snap s;

	assert_int_equal(gauge(SYNQ_CTR_MEM_HELD_BYTES), 0);
	open_flow(&f);
	finish_flow(&f);
	snap_take(&s);
	for (unsigned int b = 0; b < 4000 / BURST; b++) {
		struct rte_mbuf *m[BURST];

		for (unsigned int i = 0; i < BURST; i++)
			m[i] = ack_frame(&f, seq++, f.our_isn + 1, &one, 1);
		assert_int_equal(rte_ring_enqueue_bulk(rx_ring[0], (void **)m, BURST, NULL), BURST);
		settle(&ack, NULL);
		/* what the connection holds: a handful of buffers, never a buffer a byte */
		assert_true(rte_mempool_in_use_count(frames) <= base + 4);
	}
	assert_int_equal(ack, seq);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_IN_DATA_BYTES), 4000 / BURST * BURST);
	assert_true(delta(&s, SYNQ_CTR_MEM_COLLAPSED) >= 3990);
	assert_true(gauge(SYNQ_CTR_MEM_HELD_BYTES) <= 4 * 2304);
	/* in the stats: the listener's share, the pools */
	assert_int_equal(atomic_load(&rt.listeners.l[L80].mem_held),
		gauge(SYNQ_CTR_MEM_HELD_BYTES));
	assert_true(atomic_load(&rt.listeners.l[L80].mem_held) != 0);
	{
		json_t *doc = synq_stats_json();
		json_t *pool = json_array_get(json_object_get(doc, "mempools"), 0);
		json_t *ls = synq_listeners_json(&rt.listeners);
		json_t *li = json_array_get(ls, L80);

		assert_non_null(pool);
		assert_int_equal(json_integer_value(json_object_get(pool, "in_use")) +
			json_integer_value(json_object_get(pool, "free")), 2048);
		assert_int_equal(json_integer_value(json_object_get(pool, "reserve")), 368);
		assert_non_null(li);
		assert_int_equal(json_integer_value(json_object_get(li, "mem_held")),
			atomic_load(&rt.listeners.l[L80].mem_held));
		assert_int_equal(json_integer_value(json_object_get(json_object_get(doc,
			"counters"), "SynqMemHeldBytes")), gauge(SYNQ_CTR_MEM_HELD_BYTES));
		json_decref(ls);
		json_decref(doc);
	}
	/* the port still takes a handshake */
	open_flow(&g);
	finish_flow(&g);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 1);
	/* the client leaves: everything comes back */
	exchange_silent(rst_frame(&f, seq));
	assert_int_equal(rte_mempool_in_use_count(frames), base);
	assert_int_equal(gauge(SYNQ_CTR_MEM_HELD_BYTES), 0);
	assert_int_equal(atomic_load(&rt.listeners.l[L80].mem_held), 0);
	reset_flow(&g);
	exchange_silent(rst_frame(&g, g.isn + 1));
	assert_int_equal(drain(L80), 2);
}

/*
 * 61: a sender of 1-byte segments to an application that consumes them is offered a
 * window whose edge stops moving (on main it moved a byte a segment: rcv_buf, 8192,
 * ahead); to one that does not consume, segments past the connection's memory limit
 * (2 x 8192 + 64 KiB: 35 buffers) are dropped unacknowledged, however much window is
 * left; consuming opens it again.
 */
static void
test_mem_small_segments(void **state __rte_unused)
{
	static const uint8_t one = 'y';
	struct flow f = flow4(61, 46100, 85, 0x61000000);
	struct synq_session *c = established(&f, L85);
	uint32_t seq = f.isn + 1, ack = 0, edge = 0, edge20 = 0;
	struct synq_app_event ev;
	unsigned int events = 0;
	struct snap s;

	snap_take(&s);
	for (unsigned int i = 0; i < 60; i++) {
		data_in(&f, seq++, &one, 1);
		synq_worker_poll(worker());
		expect_data_event(c, &one, 1);
		synq_app_consumed(&app, c, 1);
		assert_int_equal(settle(&ack, &edge), 1);
		assert_int_equal(ack, seq);
		if (i == 20)
			edge20 = edge;
	}
	/* the edge stopped: the window shrinks a byte a segment */
	assert_int_equal(edge, edge20);
	assert_true(edge - seq < 8192 - 30);
	/* not consumed: each held buffer counts; 35 fit, then drops */
	for (unsigned int i = 0; i < 60; i++) {
		data_in(&f, seq, &one, 1);
		settle(NULL, NULL);
		while (synq_app_recv_burst(&app, &ev, 1) == 1) {
			assert_int_equal(ev.kind, SYNQ_EV_DATA);
			rte_pktmbuf_free(ev.m);
			events++;
			seq++;
		}
	}
	assert_true(events >= 30 && events <= 36);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_RCV_MEM_DROPS), 60 - events);
	/* consumed: room again */
	synq_app_consumed(&app, c, events);
	assert_int_equal(rte_ring_enqueue(rx_ring[0], ack_frame(&f, seq, f.our_isn + 1, &one, 1)),
		0);
	settle(&ack, NULL);
	assert_int_equal(ack, seq + 1);
	expect_data_event(c, &one, 1);
	synq_app_consumed(&app, c, 1);
	conn_drop(c);
	assert_int_equal(gauge(SYNQ_CTR_MEM_HELD_BYTES), 0);
}

/*
 * 62: the application sends 3000 1-byte answers to a client that acknowledges none:
 * the send queue collapses them into a few buffers (each send its own buffer
 * before), and the application's sends stop at snd_buf bytes as before.
 */
static void
test_mem_send_queue(void **state __rte_unused)
{
	static const uint8_t one = 'z';
	struct flow f = flow4(62, 46200, 85, 0x62000000);
	struct synq_session *c = established(&f, L85);
	struct snap s;

	snap_take(&s);
	for (unsigned int i = 0; i < 3000; i++) {
		assert_int_equal(synq_app_send_copy(&app, c, &one, 1), 0);
		if (i % 64 == 63)
			settle(NULL, NULL);
	}
	settle(NULL, NULL);
	assert_true(delta(&s, SYNQ_CTR_MEM_COLLAPSED) >= 2990);
	assert_true(gauge(SYNQ_CTR_MEM_HELD_BYTES) <= 4 * 2304);
	conn_drop(c);
	assert_int_equal(gauge(SYNQ_CTR_MEM_HELD_BYTES), 0);
}

/*
 * 63: a client without window scaling, idle on a listener with a 256 KiB rcv_buf
 * (hold, L80): the window it can be told is 65535 at most, and it was, in the
 * SYN-ACK. No window update can open it further: none is sent however many sweeps the
 * timers make (on main, one a sweep: the edge wanted never fit in 16 bits).
 */
static void
test_mem_no_wscale_ack_storm(void **state __rte_unused)
{
	struct flow f = flow4(63, 46300, 80, 0x63000000);
	uint8_t opt[SYNQ_FRAME_SYN_OPTS_LEN];
	struct synq_tcp_opts o;
	unsigned int sent = 0;
	struct rte_mbuf *r;

	/* Linux's SYN without its last word (NOP, window scale) */
	synq_frame_opts_syn(opt, 1460, 7, f.tsval);
	r = exchange(segment(&f, f.isn, 0, F_SYN, opt, 16, NULL, 0));
	check_synack(r, &f, &o);
	assert_int_equal(o.wscale, SYNQ_TCP_NO_WSCALE);
	rte_pktmbuf_free(r);
	finish_flow(&f);
	assert_int_equal(rt.listeners.l[L80].tcp.rcv_buf, 262144);
	for (unsigned int i = 0; i < 2000; i++) {
		synq_worker_tick(worker(), rte_rdtsc());
		sent += settle(NULL, NULL);
	}
	assert_int_equal(sent, 0);
	exchange_silent(rst_frame(&f, f.isn + 1));
	assert_int_equal(drain(L80), 1);
}

/*
 * 64: three connections nobody accepts (port 86, unaccepted_mem 64 KiB: 28 buffers)
 * send 12 full segments each: what their listener's queue may hold is taken, the rest
 * dropped unacknowledged and counted; once the application takes one, its data is no
 * longer the queue's and the others may send again.
 */
static void
test_mem_unaccepted(void **state __rte_unused)
{
	static uint8_t big[1400];
	struct flow f[3];
	uint32_t seq[3];
	unsigned int base = rte_mempool_in_use_count(frames);
	struct synq_session *c;
	struct snap s;

	for (unsigned int k = 0; k < 3; k++) {
		f[k] = flow4(64, (uint16_t)(46400 + k), 86, 0x64000000 + (k << 20));
		open_flow(&f[k]);
		finish_flow(&f[k]);
		seq[k] = f[k].isn + 1;
	}
	snap_take(&s);
	for (unsigned int k = 0; k < 3; k++)
		for (unsigned int i = 0; i < 12; i++) {
			uint32_t ack = 0;

			assert_int_equal(rte_ring_enqueue(rx_ring[0], ack_frame(&f[k], seq[k],
				f[k].our_isn + 1, big, sizeof(big))), 0);
			if (settle(&ack, NULL) != 0 && ack == seq[k] + sizeof(big))
				seq[k] = ack;
		}
	assert_true(rte_mempool_in_use_count(frames) <= base + 65536 / 2304);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_UNACCEPTED_MEM_DROPS),
		36 - (seq[0] + seq[1] + seq[2] - f[0].isn - f[1].isn - f[2].isn - 3) / sizeof(big));
	assert_true(delta(&s, SYNQ_CTR_TCP_UNACCEPTED_MEM_DROPS) >= 36 - 65536 / 2304);
	assert_int_equal(seq[2], f[2].isn + 1 + sizeof(big) * 4);
	/* the first one accepted: the third may send */
	assert_int_equal(synq_app_accept(&app, &rt.listeners.l[L86], &c, 1), 1);
	synq_worker_poll(worker()); /* the attach */
	{
		uint32_t ack = 0;

		assert_int_equal(rte_ring_enqueue(rx_ring[0], ack_frame(&f[2], seq[2],
			f[2].our_isn + 1, big, sizeof(big))), 0);
		settle(&ack, NULL);
		assert_int_equal(ack, seq[2] + sizeof(big));
	}
	{
		struct synq_app_event ev;
		uint32_t got = 0;

		while (next_event(&ev)) {
			assert_int_equal(ev.kind, SYNQ_EV_DATA);
			got += rte_pktmbuf_pkt_len(ev.m);
			rte_pktmbuf_free(ev.m);
		}
		assert_int_equal(got, seq[0] - f[0].isn - 1);
		synq_app_consumed(&app, c, got);
	}
	conn_drop(c);
	exchange_silent(rst_frame(&f[1], seq[1]));
	exchange_silent(rst_frame(&f[2], seq[2] + sizeof(big)));
	assert_int_equal(drain(L86), 2);
	assert_int_equal(rte_mempool_in_use_count(frames), base);
	assert_int_equal(gauge(SYNQ_CTR_MEM_HELD_BYTES), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem_hold_tiny_segments),
		cmocka_unit_test(test_mem_small_segments),
		cmocka_unit_test(test_mem_send_queue),
		cmocka_unit_test(test_mem_no_wscale_ack_storm),
		cmocka_unit_test(test_mem_unaccepted),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
