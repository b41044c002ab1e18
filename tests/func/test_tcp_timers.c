/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Functional tests of lib/tcp's timers, on the worker's tick with the engine's clock
 * moved by the test (synq_tcp_clock()): the SYN-ACK retransmission schedule and the
 * expiry of a half-open entry; the retransmission timeout of data and its doubling
 * (RFC 6298 5.5). On the harness of harness.h.
 */

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_ring.h>

#include "harness.h"
#include "synq_listener.h"

/* Timer sweeps are a budget of slots a tick: enough ticks for several whole sweeps. */
#define TICK_LIMIT 10000

HARNESS_SETUP(.name = "tcp_timers");

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

/*
 * synq_tcp_worker_conf.flowmem_min: the TIME-WAIT and replay memories have that many
 * entries beyond the listeners' max_flows (4096 when 0), as a harness that makes a
 * small world per run (tests/fuzz/fuzz_tcp.c) asks.
 */
static void
test_flowmem_min(void **state __rte_unused)
{
	static const char json[] =
		"{ \"ports\": [ { \"name\": \"p0\", \"ipv4\": [\"198.18.0.1\"] } ],"
		"  \"lcores\": [ { \"lcore\": 0, \"role\": \"both\", \"rx\": [ { \"port\": \"p0\" "
		"} ] } ],"
		"  \"listeners\": [ { \"port\": 80, \"max_flows\": 8 }, { \"port\": 81, "
		"\"max_flows\": 24 } ] }";
	static const uint32_t mins[] = {0, 16, 1};
	static const uint8_t secret[SYNQ_COOKIE_SECRET_LEN];
	char err[SYNQ_CONFIG_ERR_LEN];
	struct synq_config cfg;
	struct synq_listeners ls;
	struct synq_sessions ss;
	struct synq_tcp *tcp;

	assert_int_equal(synq_config_parse(json, &cfg, err, sizeof(err)), 0);
	assert_int_equal(synq_listeners_create(&ls, &cfg, 1, SOCKET_ID_ANY, err, sizeof(err)), 0);
	assert_int_equal(synq_sessions_create(&ss, 64, SOCKET_ID_ANY), 0);
	tcp = synq_tcp_create(&ls, &ss, secret, SOCKET_ID_ANY);
	assert_non_null(tcp);
	for (unsigned int i = 0; i < RTE_DIM(mins); i++) {
		struct synq_tcp_worker_conf conf = {.flowmem_min = mins[i]};
		struct synq_tcp_worker *tw = synq_tcp_worker_create(tcp, &conf);
		struct synq_tcp_worker_info info;
		uint32_t want = (mins[i] != 0 ? mins[i] : 4096) + 8 + 24;

		assert_non_null(tw);
		synq_tcp_worker_info(tw, &info);
		assert_int_equal(info.time_wait_max, want);
		assert_int_equal(info.replay_max, want);
		synq_tcp_worker_free(tw);
	}
	synq_tcp_free(tcp);
	synq_sessions_free(&ss);
	synq_listeners_free(&ls);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timers),
		cmocka_unit_test(test_data_send_rto),
		cmocka_unit_test(test_flowmem_min),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
