/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Functional test of the worker's challenge-ACK budget (tcp.challenge_ack_limit,
 * Linux's tcp_challenge_ack_limit), apart from test_tcp_rules.c because a limit of 1
 * a second would starve that file's other tests. On the harness of harness.h.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_ring.h>

#include "harness.h"

/* The listener (port 85, as the TCP tests' L85: its SYN-ACK offers 8192). */
#define LC 0
/* Connections that each send a RST in the window. */
#define NB_CONN 4

static const char challenge_config[] =
	HARNESS_PORT_CONFIG("worker")
	"  \"mempool\": { \"mbufs\": 2048, \"cache\": 32 },"
	"  \"tcp\": { \"challenge_ack_limit\": 1 },"
	"  \"listeners\": [ { \"port\": 85, \"rcv_buf\": 8192, \"window_scale\": 0 } ] }";

HARNESS_SETUP(.name = "tcp_challenge", .config = challenge_config);

/*
 * 70: a limit of 1 is a budget of exactly one challenge ACK a second for the worker:
 * RSTs in the window of four connections in one burst (each connection's own 500 ms
 * limit untouched) get one challenge ACK; the other three are counted. A second
 * later, the budget is there again.
 */
static void
test_challenge_budget(void **state __rte_unused)
{
	struct flow f[NB_CONN];
	struct synq_session *c[NB_CONN];
	struct rte_mbuf *out[8];
	unsigned int n;
	struct snap s;

	for (unsigned int i = 0; i < NB_CONN; i++) {
		f[i] = flow4(70, (uint16_t)(47000 + i), 85, 0x70000000u + (i << 20));
		c[i] = established(&f[i], LC);
	}
	for (unsigned int round = 0; round < 2; round++) {
		snap_take(&s);
		for (unsigned int i = 0; i < NB_CONN; i++)
			assert_int_equal(rte_ring_enqueue(rx_ring[0],
						 rst_frame(&f[i], f[i].isn + 100 + round)),
				0);
		assert_int_equal(synq_worker_poll(worker()), NB_CONN);
		n = rte_ring_dequeue_burst(tx_ring[0], (void **)out, RTE_DIM(out), NULL);
		assert_int_equal(n, 1);
		rte_pktmbuf_free_bulk(out, n);
		assert_int_equal(delta(&s, SYNQ_CTR_CHALLENGE_ACKS), 1);
		assert_int_equal(delta(&s, SYNQ_CTR_TCP_ACK_SKIPPED_CHALLENGE), NB_CONN - 1);
		rte_delay_ms(1100);
	}
	for (unsigned int i = 0; i < NB_CONN; i++)
		conn_drop(c[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_challenge_budget),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
