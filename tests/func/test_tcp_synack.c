/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Functional tests of the SYN-ACK budgets (lib/tcp/tcp_synack.c) on a harness of its
 * own: one listener with a SYN table of 128 entries, so that a test can fill it past
 * half and see its retransmissions draw on the worker's budget.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_ring.h>

#include "harness.h"

/* Half-open entries the listener takes (its max_syn_backlog, the one worker's share). */
#define TABLE 128
/* Entries the test makes: past half the table, and more than the budget's burst. */
#define FILL 120
/* The budget's burst (TCP_SYNACK_BURST, private to lib/tcp). */
#define BURST 100

static const char config[] =
	"{ \"ports\": [ { \"name\": \"net_ring_func\", \"ipv4\": [\"198.18.0.1\"],"
	"    \"ipv6\": [\"2001:2::1\"], \"rx_desc\": 256, \"tx_desc\": 256 } ],"
	"  \"lcores\": [ { \"lcore\": 0, \"role\": \"worker\","
	"    \"rx\": [ { \"port\": \"net_ring_func\", \"queue\": 0 } ] } ],"
	"  \"mempool\": { \"mbufs\": 2048, \"cache\": 32 },"
	"  \"listeners\": ["
	"    { \"port\": 80, \"app\": \"hold\", \"syncookies\": 1, \"max_syn_backlog\": 128 } ] }";

HARNESS_SETUP(.name = "tcp_synack", .config = config);

/* Free what the worker sent; how many frames. */
static unsigned int
drain_tx(void)
{
	struct rte_mbuf *out[32];
	unsigned int n, total = 0;

	while ((n = rte_ring_dequeue_burst(tx_ring[0], (void **)out, RTE_DIM(out), NULL)) != 0) {
		rte_pktmbuf_free_bulk(out, n);
		total += n;
	}
	return total;
}

/*
 * 50: a SYN table more than half full (most likely spoofed sources) retransmits
 * within the worker's budget (burst 100, 1000 a second): the rest is skipped and
 * counted, and keeps its schedule.
 */
static void
test_rtx_budget_under_pressure(void **state __rte_unused)
{
	static struct flow f[FILL];
	struct synq_worker *w = worker();
	uint64_t hz = rte_get_tsc_hz();
	unsigned int sent = 0;
	uint64_t t0, tsc;
	struct snap s;

	assert_int_equal(rt.listeners.l[0].syn_share, TABLE);
	for (unsigned int i = 0; i < FILL; i++) {
		f[i] = flow4(50, (uint16_t)(45000 + i), 80, 0x50000000u + i);
		open_flow(&f[i]);
	}
	assert_int_equal(halfopen(0), FILL);
	t0 = rte_rdtsc();
	snap_take(&s);
	/* every entry due once, all at one instant: no refill of the budget between */
	tsc = t0 + (uint64_t)1200 * hz / 1000;
	synq_tcp_clock(w->tcp, tsc);
	for (unsigned int i = 0; i < 1000 && delta(&s, SYNQ_CTR_TCP_SYN_RETRANS) +
			delta(&s, SYNQ_CTR_SYNACK_RTX_LIMITED) < FILL; i++) {
		synq_worker_tick(w, tsc);
		sent += drain_tx();
	}
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_SYN_RETRANS), BURST);
	assert_int_equal(delta(&s, SYNQ_CTR_SYNACK_RTX_LIMITED), FILL - BURST);
	assert_int_equal(sent, BURST);
	/* none expired: the skipped ones wait for their next turn */
	assert_int_equal(halfopen(0), FILL);
	for (unsigned int i = 0; i < FILL; i++)
		reset_flow(&f[i]);
	assert_int_equal(halfopen(0), 0);
}

/*
 * 51: under pressure, entries older than 3 s draw only on the upper half of the
 * retransmission budget: the lower half stays for young entries (a real client's
 * SYN-ACK lost), not for a flood's aged spoofed ones.
 */
static void
test_rtx_old_entries_leave_reserve(void **state __rte_unused)
{
	static struct flow f[FILL];
	struct synq_worker *w = worker();
	uint64_t hz = rte_get_tsc_hz();
	unsigned int sent = 0;
	uint64_t tsc;
	struct snap s;

	for (unsigned int i = 0; i < FILL; i++) {
		f[i] = flow4(51, (uint16_t)(46000 + i), 80, 0x51000000u + i);
		open_flow(&f[i]);
	}
	snap_take(&s);
	/* 3.5 s on, all at one instant: every entry old, the budget full again */
	tsc = rte_rdtsc() + (uint64_t)3500 * hz / 1000;
	synq_tcp_clock(w->tcp, tsc);
	for (unsigned int i = 0; i < 1000 && delta(&s, SYNQ_CTR_TCP_SYN_RETRANS) +
			delta(&s, SYNQ_CTR_SYNACK_RTX_LIMITED) < FILL; i++) {
		synq_worker_tick(w, tsc);
		sent += drain_tx();
	}
	print_message("old entries retransmitted %u\n", sent);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_SYN_RETRANS), BURST / 2);
	assert_int_equal(sent, BURST / 2);
	for (unsigned int i = 0; i < FILL; i++)
		reset_flow(&f[i]);
	assert_int_equal(halfopen(0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rtx_budget_under_pressure),
		cmocka_unit_test(test_rtx_old_entries_leave_reserve),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
