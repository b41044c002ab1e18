/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Functional tests of what the worker charges a connection for the data its
 * application was handed (lib/tcp/tcp_mem.c, the runs of rcv_held[];
 * docs/architecture.md "Memory"): an application that always keeps a byte back (a
 * framing layer waiting for the rest of a message) frees every buffer and is charged
 * one run, however much the client streams; one that keeps the buffers of the bytes it
 * has not consumed is charged at least what those buffers cost, and is stopped at the
 * connection's limit. On the harness of harness.h.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_ring.h>

#include "harness.h"

/* What a full buffer of the worker's pool costs (2 KiB of data, headroom, header). */
#define TRUESIZE 2304u
/* Segments a burst of the second half of test 65. */
#define BURST 8

/*
 * One worker that is its own application lcore, a pool whose budget no test here
 * reaches (20 % of it: about 170 buffers, the connection's limit 2 x 65536 + 64 KiB
 * is 85), port 90 taken by the test; a flow table small enough (max_flows 64: 128
 * slots) for the timers to look at every connection on each tick.
 */
static const char config[] =
	HARNESS_PORT_CONFIG("both")
	"  \"mempool\": { \"mbufs\": 4096, \"cache\": 32, \"conn_share\": 20 },"
	"  \"listeners\": ["
	"    { \"port\": 90, \"rcv_buf\": 65536, \"window_scale\": 0, \"max_flows\": 64 } ] }";

#define L90 0

HARNESS_SETUP(.name = "tcp_mem_held", .config = config);

/* The ACK of the last frame settle() saw. */
static uint32_t last_ack;

/* settle_ack() for the test's own connections. */
static void
settle(void)
{
	settle_ack(false, &last_ack);
}

/*
 * The application's part: every event of @p c, its bytes consumed but the stream's
 * very first (kept back, as a framing layer keeps the start of a message it waits the
 * rest of), every buffer freed. How many bytes came.
 */
static uint32_t
keep_one_byte(struct synq_session *c, uint32_t got)
{
	struct synq_app_event ev;

	while (synq_app_recv_burst(&app, &ev, 1) == 1) {
		uint32_t len = rte_pktmbuf_pkt_len(ev.m);

		assert_int_equal(ev.kind, SYNQ_EV_DATA);
		assert_ptr_equal(ev.s, c);
		assert_int_equal(synq_app_consumed(&app, c, got == 0 ? len - 1 : len), 0);
		got += len;
		rte_pktmbuf_free(ev.m);
	}
	return got;
}

/*
 * 65: the application keeps one byte back and frees every buffer; the client streams
 * 1.4 MB, eight times the connection's limit (2 x 65536 + 64 KiB), a segment at a
 * time, then in bursts. Every byte is taken and acknowledged, nothing is dropped, and
 * the charge is the one buffer whose byte is kept (a burst's at most), not everything
 * since the application last consumed all: before, the charge grew with each segment
 * to the limit, and the client was refused data the application waited for.
 */
static void
test_mem_held_one_byte_back(void **state __rte_unused)
{
	static uint8_t data[1400];
	struct flow f = flow4(65, 47500, 90, 0x65000000);
	struct synq_session *c = established(&f, L90);
	unsigned int base = rte_mempool_in_use_count(frames);
	uint32_t seq = f.isn + 1, got = 0;
	struct snap s;

	snap_take(&s);
	for (unsigned int i = 0; i < 500; i++) {
		data_in(&f, seq, data, sizeof(data));
		settle();
		got = keep_one_byte(c, got);
		seq += sizeof(data);
		assert_int_equal(last_ack, seq);
		/* the charge once the worker saw what was consumed: the last buffer's */
		assert_int_equal(gauge(SYNQ_CTR_MEM_HELD_BYTES), TRUESIZE);
	}
	for (unsigned int b = 0; b < 64; b++) {
		struct rte_mbuf *m[BURST];

		for (unsigned int i = 0; i < BURST; i++)
			m[i] = ack_frame(&f, seq + i * sizeof(data), f.our_isn + 1, data,
				sizeof(data));
		assert_int_equal(rte_ring_enqueue_bulk(rx_ring[0], (void **)m, BURST, NULL),
			BURST);
		settle();
		got = keep_one_byte(c, got);
		seq += BURST * sizeof(data);
		assert_int_equal(last_ack, seq);
		/* the run that holds the byte kept and what came after: a burst at most */
		assert_true(gauge(SYNQ_CTR_MEM_HELD_BYTES) <= BURST * TRUESIZE);
	}
	assert_int_equal(got, (500 + 64 * BURST) * sizeof(data));
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_RCV_MEM_DROPS), 0);
	assert_int_equal(delta(&s, SYNQ_CTR_MEM_PRESSURE_DROPS), 0);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_RCV_WINDOW_DROPS), 0);
	/* the application holds no buffer: nothing of the pool is pinned */
	assert_true(rte_mempool_in_use_count(frames) <= base);
	/* the byte consumed at last: nothing is charged */
	assert_int_equal(synq_app_consumed(&app, c, 1), 0);
	settle();
	assert_int_equal(gauge(SYNQ_CTR_MEM_HELD_BYTES), 0);
	conn_drop(c);
	assert_int_equal(gauge(SYNQ_CTR_MEM_HELD_BYTES), 0);
}

/*
 * 66: the application consumes half of what it was handed (the first half of the
 * stream) and keeps every buffer that still holds a byte it did not consume: the
 * charge is never below what those buffers cost, whatever the runs, and stays within
 * the connection's limit: 100-byte segments, a buffer each, reach it long before
 * rcv_buf, and the client is refused (its segments dropped, not acknowledged).
 * Consuming everything gives it all back.
 */
static void
test_mem_held_never_under(void **state __rte_unused)
{
	static uint8_t data[100];
	struct flow f = flow4(66, 47600, 90, 0x66000000);
	struct synq_session *c = established(&f, L90);
	struct rte_mbuf *kept[400];
	uint32_t kept_end[400]; /* the stream offset after each kept buffer's last byte */
	unsigned int nb_kept = 0, first = 0;
	uint32_t seq = f.isn + 1, got = 0, consumed = 0;
	struct synq_app_event ev;
	struct snap s;

	snap_take(&s);
	for (unsigned int i = 0; i < 400; i++) {
		data_in(&f, seq, data, sizeof(data));
		settle();
		seq = last_ack;
		while (synq_app_recv_burst(&app, &ev, 1) == 1) {
			assert_int_equal(ev.kind, SYNQ_EV_DATA);
			assert_true(nb_kept < RTE_DIM(kept));
			got += rte_pktmbuf_pkt_len(ev.m);
			kept_end[nb_kept] = got;
			kept[nb_kept++] = ev.m;
		}
		/* consumed up to half of the stream; the buffers wholly before it freed */
		assert_int_equal(synq_app_consumed(&app, c, got / 2 - consumed), 0);
		consumed = got / 2;
		while (first < nb_kept && kept_end[first] <= consumed)
			rte_pktmbuf_free(kept[first++]);
		/* what the buffers still kept cost, at least, is charged */
		assert_true(gauge(SYNQ_CTR_MEM_HELD_BYTES) >= (nb_kept - first) * TRUESIZE);
		assert_true(gauge(SYNQ_CTR_MEM_HELD_BYTES) <= 2 * 65536 + 65536);
	}
	/* the limit was reached: the rest was dropped, unacknowledged */
	assert_true(delta(&s, SYNQ_CTR_TCP_RCV_MEM_DROPS) +
		delta(&s, SYNQ_CTR_TCP_RCV_WINDOW_DROPS) > 0);
	assert_true(got < 400 * sizeof(data));
	assert_int_equal(seq, f.isn + 1 + got);
	/* everything consumed and freed: nothing is charged, and data flows again */
	assert_int_equal(synq_app_consumed(&app, c, got - consumed), 0);
	while (first < nb_kept)
		rte_pktmbuf_free(kept[first++]);
	settle();
	assert_int_equal(gauge(SYNQ_CTR_MEM_HELD_BYTES), 0);
	data_in(&f, seq, data, sizeof(data));
	settle();
	assert_int_equal(last_ack, seq + sizeof(data));
	expect_data_event(c, data, sizeof(data));
	assert_int_equal(synq_app_consumed(&app, c, sizeof(data)), 0);
	conn_drop(c);
	assert_int_equal(gauge(SYNQ_CTR_MEM_HELD_BYTES), 0);
}

/*
 * Every event of the application lcore kept, unconsumed: its buffer at @p kept[@p nb]
 * on, its length added to @p got. The new count of @p kept.
 */
static unsigned int
keep_all(struct rte_mbuf **kept, unsigned int nb, uint32_t *got)
{
	struct synq_app_event ev;

	while (synq_app_recv_burst(&app, &ev, 1) == 1) {
		*got += rte_pktmbuf_pkt_len(ev.m);
		kept[nb++] = ev.m;
	}
	return nb;
}

/*
 * The application lags for one burst (a framing layer: messages of 3000 bytes,
 * the client writes 100-byte segments), then consumes every whole message and frees
 * every buffer but the two holding the 100+ bytes of the message it waits the rest of.
 * The burst's 78 segments went to the third run, which cannot be let go until the
 * consumed position passes its end: the charge stays 78 buffers, the client was refused
 * the rest of the message, and the application could not consume: a deadlock. The
 * partly consumed oldest run is trimmed to what its unconsumed bytes' buffers may cost,
 * and a fourth delivery merges the two oldest runs instead of growing the newest.
 */
static void
test_mem_held_lag_then_keep_tail(void **state __rte_unused)
{
	static uint8_t data[100];
	struct flow f = flow4(67, 47700, 90, 0x67000000);
	struct synq_session *c = established(&f, L90);
	struct rte_mbuf *kept[128];
	unsigned int nb = 0;
	uint32_t seq = f.isn + 1, got = 0, msg = 3000, consumed;
	struct snap s;

	snap_take(&s);
	/* one burst of 80 segments the application does not read yet */
	for (unsigned int i = 0; i < 80; i++) {
		data_in(&f, seq, data, sizeof(data));
		seq += sizeof(data);
	}
	settle();
	seq = last_ack;
	nb = keep_all(kept, nb, &got);
	/* whole messages consumed, their buffers freed; the partial one kept */
	consumed = got / msg * msg;
	assert_int_equal(synq_app_consumed(&app, c, consumed), 0);
	for (unsigned int i = 0; i < nb; i++)
		if ((i + 1) * sizeof(data) <= consumed)
			rte_pktmbuf_free(kept[i]);
	settle();
	/* the app keeps the buffers of got - consumed bytes: about 5 of the burst's 78 */
	assert_true(gauge(SYNQ_CTR_MEM_HELD_BYTES) < 40u * 2304u);
	/* the client sends the rest of the message (it needs 3000 - (got - consumed)) */
	for (unsigned int i = 0; i < 40; i++) {
		data_in(&f, seq, data, sizeof(data));
		settle();
		seq = last_ack;
		nb = keep_all(kept, nb, &got);
	}
	assert_true(got >= consumed + msg);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_RCV_MEM_DROPS), 0);
	for (unsigned int i = 0; i < nb; i++)
		if ((i + 1) * sizeof(data) > consumed)
			rte_pktmbuf_free(kept[i]);
}

/*
 * An application that reports more consumed than it was handed: refused (-EINVAL,
 * counted), nothing applied. Before, rcv_unread wrapped, the worker let go of runs
 * that covered buffers it still held, and rcv_mem could wrap.
 */
static void
test_mem_held_consumed_too_much(void **state __rte_unused)
{
	static uint8_t data[1400];
	struct flow f = flow4(68, 47800, 90, 0x68000000);
	struct synq_session *c = established(&f, L90);
	struct synq_app_event ev;
	uint64_t held, invalid = app_counter(SYNQ_CTR_APP_CONSUMED_INVALID);

	data_in(&f, f.isn + 1, data, sizeof(data));
	settle();
	assert_int_equal(synq_app_recv_burst(&app, &ev, 1), 1);
	held = gauge(SYNQ_CTR_MEM_HELD_BYTES);
	assert_true(held >= TRUESIZE);
	assert_int_equal(synq_app_consumed(&app, c, sizeof(data) + 1), -EINVAL);
	assert_int_equal(app_counter(SYNQ_CTR_APP_CONSUMED_INVALID) - invalid, 1);
	assert_int_equal(atomic_load(&c->rcv_unread), sizeof(data));
	settle();
	assert_int_equal(gauge(SYNQ_CTR_MEM_HELD_BYTES), held);
	assert_int_equal(synq_app_consumed(&app, c, 100), 0);
	assert_int_equal(synq_app_consumed(&app, c, sizeof(data) - 99), -EINVAL);
	assert_int_equal(synq_app_consumed(&app, c, sizeof(data) - 100), 0);
	rte_pktmbuf_free(ev.m);
	settle();
	assert_int_equal(gauge(SYNQ_CTR_MEM_HELD_BYTES), held - TRUESIZE);
	assert_int_equal(app_counter(SYNQ_CTR_APP_CONSUMED_INVALID) - invalid, 2);
	conn_drop(c);
	settle();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem_held_one_byte_back),
		cmocka_unit_test(test_mem_held_never_under),
		cmocka_unit_test(test_mem_held_lag_then_keep_tail),
		cmocka_unit_test(test_mem_held_consumed_too_much),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
