/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Functional tests of the worker's memory budget and its pressure levels
 * (lib/tcp/tcp_mem.c, docs/architecture.md "Memory"), on a harness whose connections
 * may hold 1 % of the pool beyond its reserve (mempool.conn_share 1: 16 buffers), and
 * of echo against a client that never acknowledges. Each level is reached as a client
 * reaches it, and counted.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_ring.h>

#include "harness.h"

/* One ring port, one worker, a listener the test takes (port 90), echo on port 91. */
static const char config[] =
	HARNESS_PORT_CONFIG("both")
	"  \"mempool\": { \"mbufs\": 2048, \"cache\": 32, \"conn_share\": 1 },"
	"  \"listeners\": ["
	"    { \"port\": 90, \"rcv_buf\": 65536, \"window_scale\": 0 },"
	"    { \"port\": 91, \"app\": \"echo\", \"rcv_buf\": 4096, \"snd_buf\": 4096,"
	"      \"window_scale\": 0 } ] }";

#define L90 0
#define L91 1

HARNESS_SETUP(.name = "tcp_mem_pressure", .config = config);

/* The ACK of the last frame settle() saw. */
static uint32_t last_ack;

/* settle_ack() for the test's own connections. */
static unsigned int
settle(void)
{
	return settle_ack(false, &last_ack);
}

/*
 * The client of @p f sends @p nb segments of @p len bytes of @p data at *@p seq, one a
 * settle(); the application frees each data event unconsumed, *@p seq past it. How
 * many events.
 */
static unsigned int
unconsumed(const struct flow *f, uint32_t *seq, const uint8_t *data, uint32_t len,
	unsigned int nb)
{
	struct synq_app_event ev;
	unsigned int events = 0;

	for (unsigned int i = 0; i < nb; i++) {
		data_in(f, *seq, data, len);
		settle();
		while (synq_app_recv_burst(&app, &ev, 1) == 1) {
			rte_pktmbuf_free(ev.m);
			events++;
			*seq += len;
		}
	}
	return events;
}

/*
 * 70: a connection whose application consumes nothing gets full segments: held
 * buffers pass 1/2 and 3/4 of the worker's budget, the level steps up (counted), and
 * another connection's window opens no further though its application consumed;
 * past 7/8 new data is dropped; the application's sends to a client that never
 * acknowledges take it past the budget, and the timers reset the connection whose
 * memory has not moved for a second (TCP_MEM_STALL_MS), which gives everything back.
 */
static void
test_mem_pressure_levels(void **state __rte_unused)
{
	static uint8_t big[1400];
	struct flow f = flow4(70, 47000, 90, 0x70000000);
	struct flow g = flow4(70, 47001, 90, 0x70100000);
	struct synq_session *c = established(&f, L90);
	struct synq_session *d = established(&g, L90);
	uint64_t budget = gauge(SYNQ_CTR_MEM_BUDGET_BYTES);
	uint32_t seq = f.isn + 1;
	unsigned int events = 0;
	struct snap s;

	/* 1 % of (2048 - the reserve) buffers of 2304 bytes: between 14 and 17 */
	assert_true(budget > 14 * 2304 && budget < 17 * 2304);
	snap_take(&s);
	/* 13 buffers: past 3/4 */
	events += unconsumed(&f, &seq, big, sizeof(big), 13);
	assert_int_equal(events, 13);
	assert_int_equal(gauge(SYNQ_CTR_MEM_LEVEL), 2);
	assert_int_equal(delta(&s, SYNQ_CTR_MEM_PRESSURE_ENTERED), 2);
	/* the other connection's data is consumed, and its window does not open */
	data_in(&g, g.isn + 1, big, sizeof(big));
	synq_worker_poll(worker());
	expect_data_event(d, big, sizeof(big));
	synq_app_consumed(&app, d, sizeof(big));
	settle();
	assert_int_equal(delta(&s, SYNQ_CTR_MEM_WINDOW_CLAMPED), 1);
	/* past 7/8: dropped */
	events += unconsumed(&f, &seq, big, sizeof(big), 4);
	assert_true(events * 2304 <= budget - budget / 8);
	assert_int_equal(delta(&s, SYNQ_CTR_MEM_PRESSURE_DROPS), 13 + 4 - events);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_RCV_MEM_DROPS), 0);
	/* the application answers a client that acknowledges nothing: past the budget */
	for (unsigned int i = 0; i < 8; i++)
		assert_int_equal(synq_app_send_copy(&app, c, big, sizeof(big)), 0);
	settle();
	for (uint64_t end = rte_rdtsc() + 3 * rte_get_tsc_hz();
		delta(&s, SYNQ_CTR_MEM_PRESSURE_RESETS) == 0 && rte_rdtsc() < end;) {
		synq_worker_poll(worker()); /* the clock */
		gauge(SYNQ_CTR_MEM_LEVEL);
	}
	assert_int_equal(delta(&s, SYNQ_CTR_MEM_PRESSURE_RESETS), 1);
	/* nothing of it consumed or acknowledged for 1 s: stalled */
	assert_int_equal(delta(&s, SYNQ_CTR_MEM_RESET_STALLED), 1);
	assert_true(delta(&s, SYNQ_CTR_MEM_PRESSURE_ENTERED) >= 3);
	synq_app_consumed(&app, c, events * sizeof(big));
	events_to_closed(c, SYNQ_EV_RESET);
	conn_drop(d);
	settle();
	assert_int_equal(gauge(SYNQ_CTR_MEM_HELD_BYTES), 0);
	assert_int_equal(gauge(SYNQ_CTR_MEM_LEVEL), 0);
}

/*
 * 71: echo, a client that sends 1-byte segments (resending from our last ACK, as a
 * client does) and acknowledges nothing: echo sends snd_buf (4096) back, then keeps
 * what comes (collapsed); the send queue collapses too. What the connection holds
 * stays a few buffers of the pool, the worker stops taking data at its limits
 * (counted), and the client's RST gives everything back.
 */
static void
test_mem_echo_never_acks(void **state __rte_unused)
{
	static const uint8_t one = 'e';
	struct flow f = flow4(71, 47100, 91, 0x71000000);
	unsigned int base = rte_mempool_in_use_count(frames);
	struct synq_frame_view v;
	struct synq_tcp_opts o;
	struct rte_mbuf *r;
	struct snap s;

	r = exchange(syn_frame(&f));
	v = check_reply(r, &f);
	assert_int_equal(v.flags, F_SYN | F_ACK);
	assert_int_equal(synq_tcp_opts_parse(v.opt, v.opt_len, &o), 0);
	f.our_isn = v.seq;
	f.our_tsval = o.tsval;
	rte_pktmbuf_free(r);
	finish_flow(&f);
	settle_ack(true, &last_ack); /* echo accepts and attaches */
	snap_take(&s);
	last_ack = f.isn + 1;
	for (unsigned int b = 0; b < 1500; b++) {
		uint32_t seq = last_ack;

		for (unsigned int i = 0; i < 4; i++)
			data_in(&f, seq++, &one, 1);
		settle_ack(true, &last_ack);
		assert_true(rte_mempool_in_use_count(frames) <= base + 8);
	}
	assert_true(delta(&s, SYNQ_CTR_TCP_IN_DATA_BYTES) > 4096);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_OUT_DATA_BYTES), 4096);
	assert_true(delta(&s, SYNQ_CTR_MEM_COLLAPSED) > 4000);
	assert_true(delta(&s, SYNQ_CTR_MEM_PRESSURE_DROPS) + delta(&s, SYNQ_CTR_TCP_RCV_MEM_DROPS) >
		0);
	assert_true(gauge(SYNQ_CTR_MEM_HELD_BYTES) <= 16 * 2304);
	/* the exact RST: where our last ACK stands */
	exchange_silent(rst_frame(&f, last_ack));
	settle_ack(true, &last_ack);
	assert_int_equal(rte_mempool_in_use_count(frames), base);
	assert_int_equal(gauge(SYNQ_CTR_MEM_HELD_BYTES), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem_pressure_levels),
		cmocka_unit_test(test_mem_echo_never_acks),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
