/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Functional tests of the application interface (lib/app over lib/session): what an
 * application lcore gets from synq_app_accept() and its events, and what its commands
 * may still change once a session's last event is out. On the harness of harness.h,
 * whose application lcore the tests play.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <rte_ring.h>

#include "harness.h"

static int
setup(void **state __rte_unused)
{
	static const struct harness_conf hc = {.name = "app"};

	return harness_setup(&hc);
}

static int
teardown(void **state __rte_unused)
{
	return harness_teardown();
}

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_payload),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
