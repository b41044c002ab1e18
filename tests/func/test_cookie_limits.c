/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Functional tests of what a replayed or spoofed segment gets before a connection
 * exists: the replay memory keyed by 4-tuple and both ISNs (no handshake evicts
 * another's), the TSval offset of a duplicate SYN's SYN-ACK, the gap and budget of the
 * ACKs a half-open entry sends, and a valid cookie whose promotion fails, which keeps
 * nothing (lib/tcp/tcp_handshake.c, tcp_synack.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_ring.h>

#include "harness.h"
#include "synq_cookie.h"

/*
 * The TCP tests' config (harness.c) and L86: cookies always, one flow on the worker, one
 * connection a client address (its share taken at the promotion).
 */
static const char limits_config[] =
	HARNESS_TCP_CONFIG ","
			   "    { \"port\": 86, \"syncookies\": 2, \"max_flows\": 1,"
			   "      \"max_conns_per_source\": 1 } ] }";

#define L86 6

HARNESS_SETUP(.name = "cookie_limits", .config = limits_config);

/* Answers a flow may give in @p ms: one, and one more each 500 ms gap. */
static unsigned int
gap_answers(uint64_t t0)
{
	return 1 + (unsigned int)((rte_rdtsc() - t0) * 1000 / rte_get_tsc_hz() / 500);
}

/*
 * Send @p m for the half-open entry of @p f; an answer must be its challenge ACK
 * (our ISN + 1, the client's ISN + 1). 1 if there was one, else 0.
 */
static unsigned int
challenge_answer(struct rte_mbuf *m, const struct flow *f)
{
	struct rte_mbuf *r = exchange(m);

	if (r == NULL)
		return 0;
	check_ack(r, f, f->our_isn + 1, f->isn + 1);
	return 1;
}

static void
sink(struct rte_mbuf *r)
{
	if (r != NULL)
		rte_pktmbuf_free(r);
}

/* Any number of frames out: freed. */
static void
send_drain(struct rte_mbuf *m)
{
	struct rte_mbuf *out[8];

	unsigned int n;

	assert_int_equal(rte_ring_enqueue(rx_ring[0], m), 0);
	synq_worker_poll(worker());
	synq_worker_poll(worker());
	while ((n = rte_ring_dequeue_burst(tx_ring[0], (void **)out, RTE_DIM(out), NULL)) != 0)
		rte_pktmbuf_free_bulk(out, n);
}

/*
 * The replay memory holds every handshake of a 4-tuple: connection k (cookie) ends, a
 * second handshake k2 on the same 4-tuple (NAT port reuse, or an on-path attacker)
 * ends too; k's captured final ACK (with its request), replayed while k's cookie is
 * valid, opens nothing, and neither does k2's.
 */
static void
test_replay_after_port_reuse(void **state __rte_unused)
{
	struct flow k = flow4(90, 42090, 82, 0x90000000);
	struct flow k2 = flow4(90, 42090, 82, 0x90123456);
	static const uint8_t req[] = "GET /transfer?to=mallory HTTP/1.1\r\n\r\n";
	struct snap s;

	open_flow(&k);
	sink(exchange_ack(ack_frame(&k, k.isn + 1, k.our_isn + 1, req, sizeof(req) - 1)));
	conn_drop(accept_one(L82));
	open_flow(&k2);
	finish_flow(&k2);
	conn_drop(accept_one(L82));
	snap_take(&s);
	/* the replay of k's first segment, data and all */
	send_drain(ack_frame(&k, k.isn + 1, k.our_isn + 1, req, sizeof(req) - 1));
	print_message("replayed k: passive opens %" PRIu64 ", estab segs %" PRIu64 "\n",
		delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), delta(&s, SYNQ_CTR_TCP_ESTAB_SEGS));
	if (delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS) != 0)
		conn_drop(accept_one(L82));
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 0);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_ESTAB_SEGS), 1);
	send_drain(ack_frame(&k2, k2.isn + 1, k2.our_isn + 1, NULL, 0));
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 0);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_ESTAB_SEGS), 2);
}

/*
 * A duplicate SYN without timestamps, for an entry whose SYN had them: the SYN-ACK
 * carries timestamps (the entry's flag), with the 4-tuple's ts_off as the first one
 * (not the worker's uptime, and no jump back).
 */
static void
test_dup_syn_no_ts_leaks_uptime(void **state __rte_unused)
{
	struct flow f = flow4(91, 42091, 80, 0x91000000);
	struct synq_tcp_opts o;
	struct rte_mbuf *r;

	open_flow(&f);
	r = exchange(segment(&f, f.isn, 0, F_SYN, NULL, 0, NULL, 0));
	assert_non_null(r);
	{
		struct synq_frame_view v = check_reply(r, &f);

		assert_int_equal(v.flags, F_SYN | F_ACK);
		assert_int_equal(synq_tcp_opts_parse(v.opt, v.opt_len, &o), 0);
	}
	rte_pktmbuf_free(r);
	print_message("first SYN-ACK TSval %u, duplicate's %u\n", f.our_tsval, o.tsval);
	reset_flow(&f);
	assert_true(o.ts);
	assert_true(o.tsval - f.our_tsval < 10000);
}

/*
 * SYNs with other ISNs for a half-open 4-tuple (blind SYNs, RFC 5961 4.2): a challenge
 * ACK at most once an entry per 500 ms (the clock stands still here: one), the rest
 * counted, not reflected 1:1.
 */
static void
test_other_isn_syns_limited(void **state __rte_unused)
{
	enum { N = 400 };
	struct flow f = flow4(92, 42092, 80, 0x92000000);
	unsigned int answered = 0;
	struct snap s;
	uint64_t t0;

	open_flow(&f);
	snap_take(&s);
	t0 = rte_rdtsc();
	for (unsigned int i = 0; i < N; i++) {
		struct flow g = f;

		g.isn = f.isn + 1000000u * (i + 1);
		answered += challenge_answer(syn_frame(&g), &f);
	}
	print_message("SYNs with other ISNs answered %u of %u\n", answered, N);
	assert_true(answered >= 1 && answered <= gap_answers(t0));
	assert_int_equal(delta(&s, SYNQ_CTR_CHALLENGE_ACKS), answered);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_ACK_SKIPPED_CHALLENGE), N - answered);
	reset_flow(&f);
}

/*
 * RSTs in the window but not exact, and ACKs out of the window, for a half-open entry:
 * one answer an entry per 500 ms between them, the rest counted.
 */
static void
test_rst_and_oow_acks_limited(void **state __rte_unused)
{
	enum { N = 200 };
	struct flow f = flow4(93, 42093, 80, 0x93000000);
	struct flow g = flow4(93, 42094, 80, 0x93100000);
	unsigned int answered = 0;
	struct snap s;
	uint64_t t0;

	open_flow(&f);
	open_flow(&g);
	snap_take(&s);
	t0 = rte_rdtsc();
	for (unsigned int i = 0; i < N; i++)
		answered += challenge_answer(rst_frame(&f, f.isn + 1 + 1000 + i), &f);
	assert_true(answered >= 1 && answered <= gap_answers(t0));
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_ACK_SKIPPED_CHALLENGE), N - answered);
	answered = 0;
	t0 = rte_rdtsc();
	for (unsigned int i = 0; i < N; i++)
		answered += challenge_answer(
			ack_frame(&g, g.isn + 1 + 100000 + i, g.our_isn + 1, NULL, 0), &g);
	assert_true(answered >= 1 && answered <= gap_answers(t0));
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_ACK_SKIPPED_SYN_RECV), N - answered);
	/* both entries still half open: the exact RST ends them */
	reset_flow(&f);
	reset_flow(&g);
}

/*
 * A valid cookie whose promotion fails gives back all it took (lib/tcp/tcp_handshake.c,
 * promote_conn() and promote()): b's final ACK finds L86's one flow taken by a, and is
 * dropped (SynqFlowTableFull) with its session back in the pool and its source's share
 * given back; once a is gone, the same ACK (the cookie still valid) opens b, which its
 * address's share of 1 would refuse had the failed promotion kept it.
 */
static void
test_cookie_promotion_undone(void **state __rte_unused)
{
	struct flow a = flow4(93, 43093, 86, 0x93000000);
	struct flow b = flow4(94, 43094, 86, 0x94000000);
	unsigned int free0 = pool_free();
	struct synq_session *ca, *cb;
	struct snap s;

	snap_take(&s);
	open_flow(&a);
	finish_flow(&a);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 1);
	ca = accept_one(L86);
	check_conn(ca, &a, L86);
	assert_int_equal(pool_free(), free0 - 1);

	open_flow(&b);
	finish_flow(&b);
	assert_int_equal(delta(&s, SYNQ_CTR_SYNCOOKIES_RECV), 2);
	assert_int_equal(delta(&s, SYNQ_CTR_FLOW_TABLE_FULL), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 1);
	assert_int_equal(delta(&s, SYNQ_CTR_SRC_LIMIT_SOURCE), 0);
	assert_int_equal(pool_free(), free0 - 1);
	assert_int_equal(synq_accept_recv_q(&rt.listeners.l[L86].accept), 0);

	conn_drop(ca);
	assert_int_equal(pool_free(), free0);
	finish_flow(&b);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 2);
	assert_int_equal(delta(&s, SYNQ_CTR_SRC_LIMIT_SOURCE), 0);
	assert_int_equal(delta(&s, SYNQ_CTR_FLOW_TABLE_FULL), 1);
	cb = accept_one(L86);
	check_conn(cb, &b, L86);
	assert_true(conn_info(cb).via_cookie);
	conn_drop(cb);
	assert_int_equal(pool_free(), free0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_after_port_reuse),
		cmocka_unit_test(test_dup_syn_no_ts_leaks_uptime),
		cmocka_unit_test(test_other_isn_syns_limited),
		cmocka_unit_test(test_rst_and_oow_acks_limited),
		cmocka_unit_test(test_cookie_promotion_undone),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
