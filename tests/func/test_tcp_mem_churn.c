/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Functional tests of the memory victim rule (lib/tcp/tcp_mem.c tcp_mem_victim(),
 * docs/architecture.md "Memory") against clients that game it, first written by an
 * attacker-role review: a connection is stalled by the side that holds its memory (a
 * byte its application consumes now and then moves no send queue), and a pressure is
 * not started over by clients that leave and come back (it ends only after
 * TCP_MEM_CALM_MS below 7/8). A budget of about 33 full buffers (conn_share 2), so that
 * level 3 has room for one; the harness ticks the timers after every poll, as
 * lib/worker/runtime.c does.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ring.h>

#include "harness.h"

#define TS 2304u
#define NB 16

static const char config[] =
	"{ \"ports\": [ { \"name\": \"net_ring_func\", \"ipv4\": [\"198.18.0.1\"],"
	"    \"ipv6\": [\"2001:2::1\"], \"rx_desc\": 128, \"tx_desc\": 128 } ],"
	"  \"lcores\": [ { \"lcore\": 0, \"role\": \"both\","
	"    \"rx\": [ { \"port\": \"net_ring_func\", \"queue\": 0 } ] } ],"
	"  \"mempool\": { \"mbufs\": 2048, \"cache\": 32, \"conn_share\": 2 },"
	"  \"listeners\": ["
	"    { \"port\": 90, \"rcv_buf\": 65536, \"window_scale\": 0, \"max_flows\": 64 } ] }";

#define L90 0

static int
setup(void **state __rte_unused)
{
	static const struct harness_conf hc = {.name = "tcp_mem_churn", .config = config};

	return harness_setup(&hc);
}

static int
teardown(void **state __rte_unused)
{
	return harness_teardown();
}

static uint32_t data_end[65536];
static unsigned int rsts[65536];
static uint8_t big[1400];
static uint8_t one[1] = {'x'};

static void
settle(void)
{
	for (unsigned int p = 0; p < 2; p++) {
		synq_worker_poll(worker());
		synq_worker_tick(worker(), rte_rdtsc()); /* as runtime.c: a tick every poll */
		note_sent(data_end, rsts);
	}
}

/*
 * The sessions' events. Data of sessions below @p echo_below is echoed and consumed
 * (the built-in echo app: synq_app_send() then synq_app_consumed()); of the others
 * freed unconsumed (an application that is slow), counted in @p got.
 */
static void
drain_events(struct synq_session *const *c, unsigned int nb, bool *reset, unsigned int echo_below,
	unsigned int *got)
{
	struct synq_app_event ev;

	while (synq_app_recv_burst(&app, &ev, 1) == 1) {
		unsigned int i = 0;

		while (i < nb && c[i] != ev.s)
			i++;
		assert_true(i < nb);
		if (ev.kind == SYNQ_EV_DATA) {
			uint32_t len = rte_pktmbuf_pkt_len(ev.m);

			if (i < echo_below) {
				rte_pktmbuf_free(ev.m); /* read (http) */
				assert_int_equal(synq_app_consumed(&app, ev.s, len), 0);
			} else {
				rte_pktmbuf_free(ev.m);
				if (got != NULL)
					got[i]++;
			}
		} else if (ev.kind == SYNQ_EV_RESET) {
			reset[i] = true;
		} else if (ev.kind == SYNQ_EV_CLOSED) {
			synq_app_release(&app, ev.s);
		}
	}
}

static void
run_for(unsigned int ms)
{
	uint64_t end = rte_rdtsc() + rte_get_tsc_hz() * ms / 1000;

	while (rte_rdtsc() < end) {
		synq_worker_poll(worker());
		gauge(SYNQ_CTR_MEM_LEVEL); /* the timers' tick */
	}
}

static void
show_all(const struct snap *s)
{
	for (unsigned int i = 0; i < SYNQ_CTR_MAX; i++)
		if (delta(s, (enum synq_counter)i) != 0)
			print_message("  %s +%llu\n", synq_counter_name((enum synq_counter)i),
				(unsigned long long)delta(s, (enum synq_counter)i));
}

/* Reset or left: every session of @p c gone, the client told by a RST if it was not. */
static void
cleanup(struct synq_session *const *c, unsigned int nb, bool *reset)
{
	settle();
	drain_events(c, nb, reset, 0, NULL);
	for (unsigned int i = 0; i < nb; i++)
		if (!reset[i] && synq_app_abort(&app, c[i]) == 0)
			reset[i] = true;
	for (unsigned int k = 0; k < 4; k++) {
		settle();
		drain_events(c, nb, reset, 0, NULL);
	}
}

static void
show(const char *what, const struct snap *s)
{
	print_message("%s: level %u held %u/%u B, resets stalled %u holder %u, "
		"pressure drops %u\n", what, (unsigned int)gauge(SYNQ_CTR_MEM_LEVEL),
		(unsigned int)gauge(SYNQ_CTR_MEM_HELD_BYTES),
		(unsigned int)gauge(SYNQ_CTR_MEM_BUDGET_BYTES),
		(unsigned int)delta(s, SYNQ_CTR_MEM_RESET_STALLED),
		(unsigned int)delta(s, SYNQ_CTR_MEM_RESET_HOLDER),
		(unsigned int)delta(s, SYNQ_CTR_MEM_PRESSURE_DROPS));
}

/*
 * A client (8 connections, one /24) asks for answers and never acknowledges a byte of
 * them: about 20 buffers, 60 % of the budget, that never move. Every 500 ms each
 * connection sends 1 byte, which its application reads and consumes: a receive run let
 * go, progress on the side that holds nothing. Four readers of four other /24s (three
 * segments each, their application slow) hold the rest. The memory that does not move
 * is the attacker's: it is reset first (stalled by its send queue), never the readers.
 */
static void
test_mem_churn_echo_refresh(void **state __rte_unused)
{
	struct flow f[12];
	struct synq_session *c[12];
	bool reset[12] = {false};
	uint32_t cseq[8];
	unsigned int k = 0, nb_atk_reset = 0, nb_rd_reset = 0;
	uint64_t b;
	struct snap s;

	for (unsigned int i = 0; i < 8; i++) {
		f[i] = flow4(120, (uint16_t)(49600 + i), 90, 0xA0000000 + (i << 16));
		c[i] = established(&f[i], L90);
		cseq[i] = f[i].isn + 1;
	}
	for (unsigned int i = 8; i < 12; i++) {
		f[i] = flow4((uint8_t)(121 + i - 8), (uint16_t)(49700 + i), 90,
			0xB0000000 + (i << 16));
		c[i] = established(&f[i], L90);
	}
	settle();
	b = gauge(SYNQ_CTR_MEM_BUDGET_BYTES);
	snap_take(&s);
	/* the answers, leaving room for the readers' 12 buffers and one more */
	while (gauge(SYNQ_CTR_MEM_HELD_BYTES) + 14 * TS <= b) {
		assert_int_equal(synq_app_send_copy(&app, c[k++ % 8], big, sizeof(big)), 0);
		settle();
	}
	show("attacker filled", &s);
	for (unsigned int round = 0; round < 45; round++) {
		run_for(100);
		settle();
		/* 2.1 s on (the attacker stalled by then, were it not for the echo): the readers */
		if (round == 21) {
			for (unsigned int i = 8; i < 12; i++)
				for (unsigned int n = 0; n < 3; n++)
					assert_int_equal(rte_ring_enqueue(rx_ring[0],
						ack_frame(&f[i], f[i].isn + 1 + n * sizeof(big),
						f[i].our_isn + 1, big, sizeof(big))), 0);
			settle();
			drain_events(c, 12, reset, 8, NULL);
			settle();
			show("readers in", &s);
		}
		/* the attacker's byte, consumed: a receive run let go */
		if (round % 5 == 0)
			for (unsigned int i = 0; i < 8; i++) {
				if (reset[i])
					continue;
				assert_int_equal(rte_ring_enqueue(rx_ring[0], ack_frame(&f[i],
					cseq[i], f[i].our_isn + 1, one, 1)), 0);
				cseq[i]++;
				settle();
				drain_events(c, 12, reset, 8, NULL);
				settle();
				gauge(SYNQ_CTR_MEM_LEVEL); /* the tick after the poll (runtime.c) */
			}
		drain_events(c, 12, reset, 8, NULL);
	}
	settle();
	drain_events(c, 12, reset, 8, NULL);
	show("after 4 s", &s);
	for (unsigned int i = 0; i < 8; i++)
		nb_atk_reset += reset[i];
	for (unsigned int i = 8; i < 12; i++)
		nb_rd_reset += reset[i];
	print_message("R1: attacker conns reset %u/8, slow readers reset %u/4\n",
		nb_atk_reset, nb_rd_reset);
	show_all(&s);
	cleanup(c, 12, reset);
	assert_int_equal(gauge(SYNQ_CTR_MEM_HELD_BYTES), 0);
	/* what should hold: the memory that never moved goes first */
	assert_true(nb_atk_reset > 0);
	assert_int_equal(nb_rd_reset, 0);
}

/*
 * Like test_mem_victim_holders: 8 connections of one /24 hold 5 segments of
 * answer each (past the budget: level 4) and move (one segment acknowledged and one
 * more sent every 100 ms). With @p dip, once a second 3 of them leave (RST) and come
 * back at once (3 new connections of the same /24, their answers queued): one timers
 * tick sees the level under 7/8. When that started the pressure over, the holder rule
 * (3 s of pressure) never fired, and a legitimate upload of another /24 (one segment,
 * sent every 100 ms) was dropped all along, 8 s. The pressure goes on through such dips:
 * the holders are reset after about 3 s and the upload is taken, as without the dip
 * (the control). Each starts once the tests before have been calm for 3 s.
 */
static void
flap(bool dip)
{
	struct flow f[9];
	struct synq_session *c[9];
	bool reset[9] = {false};
	unsigned int got[9] = {0}, nb_reset = 0, high = 0, samples = 0, dips = 0, churn = 0;
	uint32_t una[8];
	struct snap s;

	for (unsigned int i = 0; i < 9; i++) {
		f[i] = i < 8 ? flow4(dip ? 130 : 132, (uint16_t)(49800 + i), 90,
				     0xC0000000 + (i << 16))
			     : flow4(dip ? 131 : 133, 49900, 90, 0xD0000000);
		c[i] = established(&f[i], L90);
		if (i < 8)
			una[i] = f[i].our_isn + 1;
	}
	run_for(3100);
	snap_take(&s);
	for (unsigned int i = 0; i < 8; i++)
		for (unsigned int n = 0; n < 5; n++)
			assert_int_equal(synq_app_send_copy(&app, c[i], big, sizeof(big)), 0);
	settle();
	show(dip ? "filled" : "control filled", &s);
	for (unsigned int round = 0; round < 80 && got[8] == 0; round++) {
		run_for(100);
		settle();
		/* the upload, then the level as the timers see it most of the time */
		assert_int_equal(rte_ring_enqueue(rx_ring[0], ack_frame(&f[8], f[8].isn + 1,
			f[8].our_isn + 1, big, sizeof(big))), 0);
		settle();
		samples++;
		high += gauge(SYNQ_CTR_MEM_LEVEL) >= 3;
		drain_events(c, 9, reset, 0, got);
		if (dip && round % 10 == 9) {
			/* 3 of its connections leave (RST), a tick sees the level under 7/8 */
			for (unsigned int i = 0; i < 3; i++)
				if (!reset[i])
					assert_int_equal(rte_ring_enqueue(rx_ring[0],
						rst_frame(&f[i], f[i].isn + 1)), 0);
			settle();
			dips += gauge(SYNQ_CTR_MEM_LEVEL) < 3;
			settle();
			drain_events(c, 9, reset, 0, got);
			/* and come back at once: 3 new connections, their answers queued */
			for (unsigned int i = 0; i < 3; i++) {
				churn++;
				f[i] = flow4(130, (uint16_t)(50000 + churn), 90,
					0xE0000000 + (churn << 16));
				c[i] = established(&f[i], L90);
				reset[i] = false;
				una[i] = f[i].our_isn + 1;
				data_end[f[i].cport] = una[i];
			}
			for (unsigned int i = 0; i < 3; i++)
				for (unsigned int n = 0; n < 5; n++)
					assert_int_equal(synq_app_send_copy(&app, c[i], big,
						sizeof(big)), 0);
			settle();
		}
		for (unsigned int i = 0; i < 8; i++) {
			if (reset[i])
				continue;
			/* the next segment sent (never an ACK of what was not) */
			if ((int32_t)(data_end[f[i].cport] - una[i]) < (int32_t)sizeof(big))
				continue;
			una[i] += sizeof(big);
			assert_int_equal(rte_ring_enqueue(rx_ring[0],
				ack_frame(&f[i], f[i].isn + 1, una[i], NULL, 0)), 0);
			settle();
			assert_int_equal(synq_app_send_copy(&app, c[i], big, sizeof(big)), 0);
			settle();
		}
		drain_events(c, 9, reset, 0, got);
	}
	nb_reset = (unsigned int)delta(&s, SYNQ_CTR_MEM_PRESSURE_RESETS);
	show(dip ? "end" : "control end", &s);
	print_message("%s: level>=3 in %u of %u samples, %u dips, victim resets %u, "
		"upload taken %u\n", dip ? "flap" : "control", high, samples, dips, nb_reset,
		got[8]);
	show_all(&s);
	cleanup(c, 9, (bool[9]){false});
	assert_int_equal(gauge(SYNQ_CTR_MEM_HELD_BYTES), 0);
	assert_true(nb_reset > 0);
	assert_true(got[8] > 0);
	assert_false(reset[8]);
}

static void
test_mem_churn_control(void **state __rte_unused)
{
	flap(false);
}

static void
test_mem_churn_flap(void **state __rte_unused)
{
	flap(true);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem_churn_echo_refresh),
		cmocka_unit_test(test_mem_churn_control),
		cmocka_unit_test(test_mem_churn_flap),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
