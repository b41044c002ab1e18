/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Functional tests of who is reset when a worker holds all of its memory budget
 * (lib/tcp/tcp_mem.c tcp_mem_victim(), docs/architecture.md "Memory"), on a harness
 * whose connections may hold 1 % of the pool beyond its reserve (about 16 buffers):
 * one host's many small connections that never move, against a legitimate download
 * that does, and against a legitimate slow reader that holds more than any one of
 * them; and, when every connection moves, the largest source. Before, the connections
 * holding more than the mean were reset in sweep order: the legitimate one each time.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ring.h>

#include "harness.h"

/* The attacker's connections, one full segment each: all from one /24. */
#define ATTACKERS 14

/*
 * One worker that is its own application lcore, conn_share 1 (the budget between 14
 * and 17 full buffers), port 90 taken by the test, a flow table small enough (128
 * slots) for the timers to look at every connection on each tick.
 */
static const char config[] =
	HARNESS_PORT_CONFIG("both")
	"  \"mempool\": { \"mbufs\": 2048, \"cache\": 32, \"conn_share\": 1 },"
	"  \"listeners\": ["
	"    { \"port\": 90, \"rcv_buf\": 65536, \"window_scale\": 0, \"max_flows\": 64 } ] }";

#define L90 0

HARNESS_SETUP(.name = "tcp_mem_victim", .config = config);

/* What the clients were sent, by client port (host order). */
static uint32_t data_end[65536]; /* sequence number after the last data byte */
static unsigned int rsts[65536];

/* Poll twice; note and free what was sent. */
static void
settle(void)
{
	for (unsigned int p = 0; p < 2; p++) {
		synq_worker_poll(worker());
		note_sent(data_end, rsts);
	}
}

/* The events of the test's sessions: data freed unconsumed; reset ones released. */
static unsigned int
drain_events(struct synq_session *const *c, unsigned int nb, bool *reset)
{
	struct synq_app_event ev;
	unsigned int closed = 0;

	while (synq_app_recv_burst(&app, &ev, 1) == 1) {
		unsigned int i = 0;

		while (i < nb && c[i] != ev.s)
			i++;
		assert_true(i < nb);
		if (ev.kind == SYNQ_EV_DATA)
			rte_pktmbuf_free(ev.m); /* freed, not consumed: still held for synq */
		else if (ev.kind == SYNQ_EV_RESET)
			reset[i] = true;
		else if (ev.kind == SYNQ_EV_CLOSED) {
			assert_true(reset[i]);
			synq_app_release(&app, ev.s);
			closed++;
		}
	}
	return closed;
}

/* @p nb connections from test @p t's client, each sends @p segs full segments. */
static void
open_holders(uint8_t t, struct flow *f, struct synq_session **c, unsigned int nb,
	unsigned int segs)
{
	static uint8_t big[1400];
	bool reset[ATTACKERS + 1] = {false};

	for (unsigned int i = 0; i < nb; i++) {
		f[i] = flow4(t, (uint16_t)(49000 + i), 90, ((uint32_t)t << 24) + (i << 16));
		c[i] = established(&f[i], L90);
		for (unsigned int k = 0; k < segs; k++)
			assert_int_equal(rte_ring_enqueue(rx_ring[0], ack_frame(&f[i],
				f[i].isn + 1 + k * sizeof(big), f[i].our_isn + 1, big,
				sizeof(big))), 0);
		settle();
	}
	assert_int_equal(drain_events(c, nb, reset), 0);
}

/* Poll (the clock) and tick (the timers) for @p ms. */
static void
run_for(unsigned int ms)
{
	uint64_t end = rte_rdtsc() + rte_get_tsc_hz() * ms / 1000;

	while (rte_rdtsc() < end) {
		synq_worker_poll(worker());
		gauge(SYNQ_CTR_MEM_LEVEL);
	}
}

/*
 * 8 connections from test @p t's client (ports from @p cport, ISNs from @p isn), their
 * next expected ACKs in @p una, that will be sent answers.
 */
static void
open_answered(uint8_t t, uint16_t cport, uint32_t isn, struct flow *f, struct synq_session **c,
	uint32_t *una)
{
	for (unsigned int i = 0; i < 8; i++) {
		f[i] = flow4(t, (uint16_t)(cport + i), 90, isn + (i << 16));
		c[i] = established(&f[i], L90);
		una[i] = f[i].our_isn + 1;
	}
}

/* @p segs full segments of answer queued on each of the @p nb connections @p c. */
static void
queue_answers(struct synq_session **c, unsigned int nb, unsigned int segs)
{
	static uint8_t big[1400];

	for (unsigned int i = 0; i < nb; i++)
		for (unsigned int k = 0; k < segs; k++)
			assert_int_equal(synq_app_send_copy(&app, c[i], big, sizeof(big)), 0);
}

/*
 * @p rounds times 100 ms of timers, then each of the first @p nb of the @p nb_all
 * connections @p c that was not reset moves: its client acknowledges a full segment,
 * its application sends one more.
 */
static void
keep_moving(struct flow *f, struct synq_session **c, unsigned int nb_all, bool *reset,
	uint32_t *una, unsigned int nb, unsigned int rounds)
{
	static uint8_t big[1400];

	for (unsigned int round = 0; round < rounds; round++) {
		run_for(100);
		settle();
		drain_events(c, nb_all, reset);
		for (unsigned int i = 0; i < nb; i++) {
			if (reset[i])
				continue;
			una[i] += sizeof(big);
			assert_int_equal(rte_ring_enqueue(rx_ring[0],
				ack_frame(&f[i], f[i].isn + 1, una[i], NULL, 0)), 0);
			settle();
			assert_int_equal(synq_app_send_copy(&app, c[i], big, sizeof(big)), 0);
			settle();
		}
	}
}

/*
 * What the tests before left ends: the pressure they made ends once the level stayed
 * low for TCP_MEM_CALM_MS (3 s), and a new one within it goes on from theirs.
 */
static void
calm_down(void)
{
	run_for(3100);
}

/* The client of each connection that was not reset leaves (the exact RST). */
static void
leave(struct flow *f, struct synq_session **c, bool *reset, unsigned int nb, uint32_t sent)
{
	unsigned int closed = 0, left = 0;

	for (unsigned int i = 0; i < nb; i++) {
		if (reset[i])
			continue;
		exchange_silent(rst_frame(&f[i], f[i].isn + 1 + sent));
		left++;
	}
	closed = drain_events(c, nb, reset);
	settle();
	closed += drain_events(c, nb, reset);
	assert_int_equal(closed, left);
}

/*
 * 72: one host holds 14 connections of one full segment each that its application
 * never consumes; a client of another /24 downloads 160 segments, four at a time,
 * acknowledging each round at once. Each round takes the worker past its budget.
 * Once the host's connections have not moved for a second they are reset (stalled,
 * its /24 the largest), as many as the budget needs; the download, which moves, never
 * is, and completes. Memory returns to nothing once the host leaves. Before, the
 * download held more than the mean and was the one reset.
 */
static void
test_mem_victim_stalled_before_bulk(void **state __rte_unused)
{
	static uint8_t big[1400];
	struct flow lf = flow4(72, 48000, 90, 0x72000000);
	struct synq_session *l = established(&lf, L90);
	/* the host's connections, then the download's */
	struct flow af[ATTACKERS];
	struct synq_session *atk[ATTACKERS + 1];
	bool reset[ATTACKERS + 1] = {false};
	unsigned int base = rte_mempool_in_use_count(frames), nb_reset = 0;
	uint32_t end = lf.our_isn + 1 + 160 * sizeof(big);
	struct snap s;

	calm_down();

	open_holders(73, af, atk, ATTACKERS, 1);
	atk[ATTACKERS] = l;
	snap_take(&s);
	data_end[48000] = lf.our_isn + 1;
	for (unsigned int round = 0; round < 40; round++) {
		for (unsigned int k = 0; k < 4; k++)
			assert_int_equal(synq_app_send_copy(&app, l, big, sizeof(big)), 0);
		settle();
		/* the data in flight: the budget is full, the timers look */
		run_for(40);
		settle();
		drain_events(atk, ATTACKERS + 1, reset);
		assert_false(reset[ATTACKERS]);
		exchange_silent(ack_frame(&lf, lf.isn + 1, data_end[48000], NULL, 0));
		assert_int_equal(conn_info(l).state, SYNQ_TCP_ESTABLISHED);
	}
	assert_int_equal(data_end[48000], end);
	assert_int_equal(atomic_load(&l->snd_pending), 0);
	assert_int_equal(rsts[48000], 0);
	for (unsigned int i = 0; i < ATTACKERS; i++)
		if (reset[i]) {
			nb_reset++;
			assert_int_equal(rsts[af[i].cport], 1); /* the client is told */
		}
	assert_true(nb_reset >= 1);
	assert_int_equal(delta(&s, SYNQ_CTR_MEM_PRESSURE_RESETS), nb_reset);
	assert_int_equal(delta(&s, SYNQ_CTR_MEM_RESET_STALLED), nb_reset);
	assert_int_equal(delta(&s, SYNQ_CTR_MEM_RESET_HOLDER), 0);
	/* the host leaves, the download ends: nothing held */
	leave(af, atk, reset, ATTACKERS, sizeof(big));
	conn_drop(l);
	settle();
	assert_int_equal(gauge(SYNQ_CTR_MEM_HELD_BYTES), 0);
	assert_int_equal(gauge(SYNQ_CTR_MEM_LEVEL), 0);
	assert_int_equal(rte_mempool_in_use_count(frames), base);
}

/*
 * 73: everyone is stalled: one host holds 14 connections of one buffer, a slow reader
 * of another /24 four (two segments it has not read, two of an answer its client has
 * not acknowledged). The host holds the most, together: its connections are reset,
 * never the reader's, which then reads, acknowledges and sends again. Before, the
 * reader held more than the mean and was reset.
 */
static void
test_mem_victim_source_sums(void **state __rte_unused)
{
	static uint8_t big[1400];
	/* the host's connections, then the reader's */
	struct flow af[ATTACKERS + 1], *rf = &af[ATTACKERS];
	struct synq_session *atk[ATTACKERS + 1], *r;
	bool reset[ATTACKERS + 1] = {false};
	unsigned int base = rte_mempool_in_use_count(frames), nb_reset = 0;
	struct snap s;

	calm_down();

	open_holders(75, af, atk, ATTACKERS, 1);
	open_holders(74, rf, &atk[ATTACKERS], 1, 2);
	r = atk[ATTACKERS];
	snap_take(&s);
	data_end[rf->cport] = rf->our_isn + 1;
	/* the reader's answer, which its client does not acknowledge: past the budget */
	for (unsigned int k = 0; k < 2; k++)
		assert_int_equal(synq_app_send_copy(&app, r, big, sizeof(big)), 0);
	settle();
	run_for(1500);
	settle();
	drain_events(atk, ATTACKERS + 1, reset);
	assert_false(reset[ATTACKERS]);
	assert_int_equal(conn_info(r).state, SYNQ_TCP_ESTABLISHED);
	for (unsigned int i = 0; i < ATTACKERS; i++)
		nb_reset += reset[i];
	assert_true(nb_reset >= 1);
	assert_int_equal(delta(&s, SYNQ_CTR_MEM_PRESSURE_RESETS), nb_reset);
	assert_int_equal(delta(&s, SYNQ_CTR_MEM_RESET_STALLED), nb_reset);
	assert_true(gauge(SYNQ_CTR_MEM_LEVEL) < 4);
	/* the reader reads and acknowledges: its next segment is taken */
	assert_int_equal(synq_app_consumed(&app, r, 2 * sizeof(big)), 0);
	assert_int_equal(rte_ring_enqueue(rx_ring[0], ack_frame(rf, rf->isn + 1 + 2 * sizeof(big),
		data_end[rf->cport], big, sizeof(big))), 0);
	settle();
	expect_data_event(r, big, sizeof(big));
	assert_int_equal(synq_app_consumed(&app, r, sizeof(big)), 0);
	leave(af, atk, reset, ATTACKERS, sizeof(big));
	assert_int_equal(atomic_load(&r->snd_pending), 0);
	conn_drop(r);
	settle();
	assert_int_equal(gauge(SYNQ_CTR_MEM_HELD_BYTES), 0);
	assert_int_equal(rte_mempool_in_use_count(frames), base);
}

/*
 * 74: nobody is stalled: eight connections of one host and one of another /24 each
 * hold an answer of full segments (two each, four for the other) whose client
 * acknowledges a segment every 100 ms, and the application sends one more, so that
 * every connection moves (frees a buffer) and the budget stays full. After a second of it, the largest source's
 * connections are reset (SynqMemResetHolder), as many as the budget needs; the other
 * client's, which holds the most of any one connection, is not.
 */
static void
test_mem_victim_holders(void **state __rte_unused)
{
	static uint8_t big[1400];
	struct flow f[9];
	struct synq_session *c[9];
	bool reset[9] = {false};
	uint32_t una[9];
	unsigned int nb_reset = 0;
	struct snap s;

	calm_down();

	for (unsigned int i = 0; i < 9; i++) {
		f[i] = i < 8 ? flow4(76, (uint16_t)(49200 + i), 90, 0x76000000 + (i << 16))
			     : flow4(77, 49300, 90, 0x77000000);
		c[i] = established(&f[i], L90);
		una[i] = f[i].our_isn + 1;
	}
	snap_take(&s);
	for (unsigned int i = 0; i < 9; i++)
		for (unsigned int k = 0; k < (i < 8 ? 2u : 4u); k++)
			assert_int_equal(synq_app_send_copy(&app, c[i], big, sizeof(big)), 0);
	settle();
	keep_moving(f, c, 9, reset, una, 9, 40);
	assert_false(reset[8]);
	assert_int_equal(conn_info(c[8]).state, SYNQ_TCP_ESTABLISHED);
	for (unsigned int i = 0; i < 8; i++)
		nb_reset += reset[i];
	assert_true(nb_reset >= 1);
	assert_int_equal(delta(&s, SYNQ_CTR_MEM_PRESSURE_RESETS), nb_reset);
	assert_int_equal(delta(&s, SYNQ_CTR_MEM_RESET_HOLDER), nb_reset);
	assert_int_equal(delta(&s, SYNQ_CTR_MEM_RESET_STALLED), 0);
	for (unsigned int i = 0; i < 9; i++)
		if (!reset[i])
			conn_drop(c[i]);
	settle();
	assert_int_equal(gauge(SYNQ_CTR_MEM_HELD_BYTES), 0);
}

/*
 * An attacker's 8 connections (one /24) hold 2 segments of answer each and
 * ACK one byte every 100 ms (cheap "progress"); a legitimate client of another /24
 * uploads 2 segments its application is slow to consume (a proxy waiting for its
 * backend, 1.1 s). A byte ACKed was progress: the attacker was never stalled, the
 * legitimate client was reset. Progress is a buffer freed: both are stalled, and the
 * attacker's source holds 8 times more.
 */
static void
test_mem_victim_cheap_progress(void **state __rte_unused)
{
	struct flow f[9];
	struct synq_session *c[9];
	bool reset[9] = {false};
	uint32_t una[8];
	unsigned int nb_reset = 0;
	struct snap s;

	calm_down();

	open_answered(80, 49400, 0x80000000, f, c, una);
	open_holders(81, &f[8], &c[8], 1, 2);
	run_for(1100);
	snap_take(&s);
	queue_answers(c, 8, 2);
	settle();
	for (unsigned int round = 0; round < 30; round++) {
		run_for(100);
		settle();
		drain_events(c, 9, reset);
		for (unsigned int i = 0; i < 8; i++)
			if (!reset[i])
				exchange_silent(ack_frame(&f[i], f[i].isn + 1, ++una[i], NULL, 0));
	}
	for (unsigned int i = 0; i < 8; i++)
		nb_reset += reset[i];
	assert_true(nb_reset > 0);
	assert_false(reset[8]);
	assert_true(delta(&s, SYNQ_CTR_MEM_RESET_STALLED) > 0);
	for (unsigned int i = 0; i < 9; i++)
		if (!reset[i])
			conn_drop(c[i]);
	settle();
	drain_events(c, 9, reset);
	assert_int_equal(gauge(SYNQ_CTR_MEM_HELD_BYTES), 0);
}

/*
 * An attacker's downloads (one /24, never acknowledged: stalled) fill the send queues
 * to just under the budget (sends are not held to it). Level 3: every segment any
 * client sends that would take the worker past the budget is dropped, and nobody was
 * ever reset (received data cannot reach level 4). The victim rule applies once level
 * 3 has lasted TCP_MEM_STALL_MS.
 */
static void
test_mem_victim_level3_lasts(void **state __rte_unused)
{
	static uint8_t big[1400];
	struct flow f[9], lf = flow4(85, 49800, 90, 0x85000000);
	struct synq_session *c[9], *l;
	bool reset[9] = {false};
	uint64_t b;
	unsigned int k = 0;
	struct snap s;

	calm_down();

	for (unsigned int i = 0; i < 8; i++) {
		f[i] = flow4(84, (uint16_t)(49700 + i), 90, 0x84000000 + (i << 16));
		c[i] = established(&f[i], L90);
	}
	l = established(&lf, L90);
	c[8] = l;
	settle();
	b = gauge(SYNQ_CTR_MEM_BUDGET_BYTES);
	snap_take(&s);
	while (gauge(SYNQ_CTR_MEM_HELD_BYTES) + 2 * 2304 < b) {
		assert_int_equal(synq_app_send_copy(&app, c[k++ % 8], big, sizeof(big)), 0);
		settle();
	}
	if (gauge(SYNQ_CTR_MEM_HELD_BYTES) + 2304 < b) {
		assert_int_equal(synq_app_send_copy(&app, c[k++ % 8], big, sizeof(big)), 0);
		settle();
	}
	assert_int_equal(gauge(SYNQ_CTR_MEM_LEVEL), 3);
	for (unsigned int t = 0; t < 30; t++) {
		/* the legitimate client's upload, retransmitted every 100 ms */
		assert_int_equal(rte_ring_enqueue(rx_ring[0], ack_frame(&lf, lf.isn + 1,
			lf.our_isn + 1, big, sizeof(big))), 0);
		settle();
		run_for(100);
		drain_events(c, 9, reset);
	}
	/* the attacker's stalled connections went, the legitimate upload was taken */
	assert_true(delta(&s, SYNQ_CTR_MEM_RESET_STALLED) > 0);
	assert_false(reset[8]);
	assert_true(gauge(SYNQ_CTR_MEM_LEVEL) < 3);
	for (unsigned int i = 0; i < 9; i++)
		if (!reset[i])
			conn_drop(c[i]);
	settle();
	drain_events(c, 9, reset);
	assert_int_equal(gauge(SYNQ_CTR_MEM_HELD_BYTES), 0);
}

/*
 * A download in flight is given an RTO before it counts as stalled: its client holds 6
 * segments of answer without acknowledging them for 1.5 s (the first was lost: it
 * waits for the retransmission), while 12 attackers of 12 /24s hold one stalled buffer
 * each. The download's source is the largest; stalled after 1 s, it was the one reset.
 * Stalled after 2 s while a retransmission is pending, it completes; the attackers, all
 * stalled and of the sources at least half the largest stalled, go.
 */
static void
test_mem_victim_download_in_backoff(void **state __rte_unused)
{
	static uint8_t big[1400];
	struct flow f[13], *df = &f[12];
	struct synq_session *c[13];
	bool reset[13] = {false};
	unsigned int nb_reset = 0;
	struct snap s;

	calm_down();

	for (unsigned int i = 0; i < 12; i++)
		open_holders((uint8_t)(100 + i), &f[i], &c[i], 1, 1);
	*df = flow4(112, 49900, 90, 0x90000000);
	c[12] = established(df, L90);
	run_for(1100);
	snap_take(&s);
	data_end[df->cport] = df->our_isn + 1;
	for (unsigned int k = 0; k < 6; k++)
		assert_int_equal(synq_app_send_copy(&app, c[12], big, sizeof(big)), 0);
	settle();
	assert_int_equal(gauge(SYNQ_CTR_MEM_LEVEL), 4);
	for (unsigned int t = 0; t < 15; t++) {
		run_for(100);
		settle();
		drain_events(c, 13, reset);
	}
	assert_false(reset[12]);
	exchange_silent(ack_frame(df, df->isn + 1, data_end[df->cport], NULL, 0));
	assert_int_equal(atomic_load(&c[12]->snd_pending), 0);
	assert_int_equal(conn_info(c[12]).state, SYNQ_TCP_ESTABLISHED);
	for (unsigned int i = 0; i < 12; i++)
		nb_reset += reset[i];
	assert_true(nb_reset >= 1);
	assert_int_equal(delta(&s, SYNQ_CTR_MEM_RESET_STALLED), nb_reset);
	leave(f, c, reset, 12, sizeof(big));
	conn_drop(c[12]);
	settle();
	assert_int_equal(gauge(SYNQ_CTR_MEM_HELD_BYTES), 0);
}

/*
 * Stalled decoys do not shield a larger holder that moves: a host keeps 4 connections
 * of one stalled buffer each (a fifth of what is held), another /24 8 connections that
 * each hold 2 segments of answer and move (a segment acknowledged, one more sent, every
 * 100 ms). Before, any stalled connection switched the holder rule off: the decoys
 * were reset, and renewed, while the holder kept the budget. Too little is stalled to
 * make room: once the pressure lasted TCP_MEM_HOLDER_MS, the largest source's
 * connections are reset, never the decoys.
 */
static void
test_mem_victim_decoys(void **state __rte_unused)
{
	static uint8_t big[1400];
	struct flow f[12];
	struct synq_session *c[12];
	bool reset[12] = {false};
	uint32_t una[12];
	unsigned int nb_reset = 0;
	struct snap s;

	calm_down();

	open_holders(113, &f[8], &c[8], 4, 1);
	open_answered(114, 49500, 0x94000000, f, c, una);
	run_for(1100);
	snap_take(&s);
	queue_answers(c, 8, 2);
	settle();
	keep_moving(f, c, 12, reset, una, 8, 40);
	for (unsigned int i = 8; i < 12; i++)
		assert_false(reset[i]);
	for (unsigned int i = 0; i < 8; i++)
		nb_reset += reset[i];
	assert_true(nb_reset >= 1);
	assert_int_equal(delta(&s, SYNQ_CTR_MEM_RESET_HOLDER), nb_reset);
	assert_int_equal(delta(&s, SYNQ_CTR_MEM_RESET_STALLED), 0);
	leave(&f[8], &c[8], &reset[8], 4, sizeof(big));
	for (unsigned int i = 0; i < 8; i++)
		if (!reset[i])
			conn_drop(c[i]);
	settle();
	drain_events(c, 12, reset);
	assert_int_equal(gauge(SYNQ_CTR_MEM_HELD_BYTES), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem_victim_stalled_before_bulk),
		cmocka_unit_test(test_mem_victim_source_sums),
		cmocka_unit_test(test_mem_victim_holders),
		cmocka_unit_test(test_mem_victim_level3_lasts),
		cmocka_unit_test(test_mem_victim_cheap_progress),
		cmocka_unit_test(test_mem_victim_download_in_backoff),
		cmocka_unit_test(test_mem_victim_decoys),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
