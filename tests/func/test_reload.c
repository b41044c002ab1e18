/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a reload does to the listeners, on a worker (issue 15, lib/worker/reload.c
 * applies it through these calls): a retune of syncookies keeps the handshakes in
 * progress (a SYN-table entry made at 1 completes at 2); a removed listener refuses
 * new SYNs as no listener while its connection goes on; an added one answers.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"

HARNESS_SETUP(.name = "reload");

/* Listener @p li retuned to syncookies @p sc, as a reload does. */
static void
retune_syncookies(unsigned int li, enum synq_syncookies sc)
{
	struct synq_config_listener cl;
	char err[128];

	memcpy(&cl, rt.listeners.l[li].conf, sizeof(cl));
	cl.backlog = rt.listeners.l[li].backlog;
	cl.tcp.syncookies = sc;
	assert_int_equal(synq_listener_retune(&rt.listeners.l[li], &cl, err, sizeof(err)), 0);
}

/* 1 -> 2 with an entry in the SYN table: its final ACK still opens the connection. */
static void
test_retune_keeps_handshake(void **state __rte_unused)
{
	struct flow f = flow4(1, 40001, 81, 1000);
	struct synq_session *c;
	struct snap s;

	assert_int_equal(rt.listeners.l[1].tcp.syncookies, SYNQ_SYNCOOKIES_WHEN_FULL);
	open_flow(&f);
	assert_int_equal(halfopen(1), 1);
	retune_syncookies(1, SYNQ_SYNCOOKIES_ALWAYS);
	snap_take(&s);
	finish_flow(&f);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_PASSIVE_OPENS), 1);
	assert_int_equal(halfopen(1), 0);
	c = accept_one(1);
	conn_drop(c);
	retune_syncookies(1, SYNQ_SYNCOOKIES_WHEN_FULL);
}

/* Removed: its connection goes on; a new SYN is one to no listener (a RST). */
static void
test_removed_drains(void **state __rte_unused)
{
	static const uint8_t hello[5] = "hello";
	struct flow f = flow4(2, 40002, 85, 2000), g = flow4(2, 40003, 85, 3000);
	struct synq_session *c = established(&f, 5);
	struct rte_mbuf *r, *out[4];
	struct synq_frame_view v;
	unsigned int n;
	struct snap s;

	atomic_store_explicit(&rt.listeners.l[5].removed, true, memory_order_relaxed);
	snap_take(&s);
	data_in(&f, f.isn + 1, hello, sizeof(hello));
	expect_data_event(c, hello, sizeof(hello));
	n = poll_idle(out, RTE_DIM(out)); /* its ACK, when the worker sends one */
	rte_pktmbuf_free_bulk(out, n);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_NO_LISTENER), 0);
	r = exchange(syn_frame(&g));
	v = check_reply(r, &g);
	assert_int_equal(v.flags, F_RST | F_ACK);
	assert_int_equal(v.ack, g.isn + 1);
	rte_pktmbuf_free(r);
	assert_int_equal(delta(&s, SYNQ_CTR_TCP_NO_LISTENER), 1);
	atomic_store_explicit(&rt.listeners.l[5].removed, false, memory_order_relaxed);
	conn_drop(c);
}

/* Added in the next slot: found by the lookup, its handshakes complete. */
static void
test_added_answers(void **state __rte_unused)
{
	static struct synq_config_listener cl; /* outlives the listener, as reload.c's copy */
	struct flow f = flow4(3, 40004, 86, 4000);
	unsigned int nb = rt.listeners.nb;
	struct synq_session *c;
	char err[128];
	int li;

	memcpy(&cl, rt.listeners.l[1].conf, sizeof(cl)); /* L81's defaults */
	cl.port = 86;
	li = synq_listener_add(&rt.listeners, &cl, SOCKET_ID_ANY, err, sizeof(err));
	assert_int_equal(li, (int)nb);
	assert_int_equal(rt.listeners.nb, nb + 1);
	c = established(&f, (unsigned int)li);
	check_conn(c, &f, (unsigned int)li);
	conn_drop(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retune_keeps_handshake),
		cmocka_unit_test(test_removed_drains),
		cmocka_unit_test(test_added_answers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
