/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/session without EAL: the pool gives every session once and takes it back with
 * a new generation; messages carry the index and the generation; the accept queues
 * count as their model says (linux: backlog + 1 fit, the test is len > backlog; bsd:
 * half-open and established together, exactly backlog).
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <rte_common.h>

#include "synq_accept.h"
#include "synq_session.h"

#define NB 64

static void
test_pool(void **state __rte_unused)
{
	struct synq_sessions ss;
	struct synq_session *got[NB];
	bool seen[NB] = {false};

	assert_int_equal(synq_sessions_create(&ss, NB, 0), 0);
	assert_int_equal(ss.nb, NB);
	for (unsigned int i = 0; i < NB; i++) {
		uint32_t idx;

		got[i] = synq_session_alloc(&ss);
		assert_non_null(got[i]);
		idx = synq_session_index(&ss, got[i]);
		assert_true(idx < NB);
		assert_false(seen[idx]);
		seen[idx] = true;
		assert_ptr_equal(synq_session_at(&ss, idx), got[i]);
		assert_int_equal(synq_session_gen(got[i]), 0);
	}
	/* empty: no session, nothing broken */
	assert_null(synq_session_alloc(&ss));
	for (unsigned int i = 0; i < NB; i++)
		synq_session_free(&ss, got[i]);
	for (unsigned int i = 0; i < NB; i++) {
		struct synq_session *s = synq_session_alloc(&ss);

		/* every one came back, one generation on */
		assert_non_null(s);
		assert_int_equal(synq_session_gen(s), 1);
	}
	synq_sessions_free(&ss);
}

static void
test_empty_pool(void **state __rte_unused)
{
	struct synq_sessions ss;

	/* no listener, no session: a pool of none */
	assert_int_equal(synq_sessions_create(&ss, 0, 0), 0);
	assert_int_equal(ss.nb, 0);
	synq_sessions_free(&ss);
}

/* A message names the session and its generation: after a free it is stale. */
static void
test_message_generation(void **state __rte_unused)
{
	struct synq_sessions ss;
	struct synq_session *s;
	struct synq_session_msg m;

	assert_int_equal(sizeof(struct synq_session_msg), 16);
	assert_int_equal(synq_sessions_create(&ss, 4, 0), 0);
	s = synq_session_alloc(&ss);
	m = synq_session_msg(&ss, s, SYNQ_CMD_CLOSE, NULL);
	assert_int_equal(m.session, synq_session_index(&ss, s));
	assert_int_equal(m.kind, SYNQ_CMD_CLOSE);
	assert_int_equal(m.gen, synq_session_gen(s));
	synq_session_free(&ss, s);
	assert_int_not_equal(m.gen, synq_session_gen(synq_session_at(&ss, m.session)));
	/* the generation wraps at 16 bits and goes on */
	atomic_store(&s->gen, UINT16_MAX);
	synq_session_free(&ss, s);
	assert_int_equal(synq_session_gen(s), 0);
	synq_sessions_free(&ss);
}

/* linux: the accept test is len > backlog, so backlog + 1 fit; bsd_len is not used. */
static void
test_accept_linux(void **state __rte_unused)
{
	struct synq_accept_queue q;
	struct synq_sessions ss;
	struct synq_session *out[8];

	assert_int_equal(synq_sessions_create(&ss, 8, 0), 0);
	assert_int_equal(synq_accept_queue_init(&q, "t_linux", 2, SYNQ_QUEUE_LINUX, 0, false), 0);
	for (unsigned int i = 0; i < 3; i++) {
		assert_false(synq_accept_full(&q));
		assert_int_equal(synq_accept_enqueue(&q, synq_session_alloc(&ss)), 0);
		assert_int_equal(synq_accept_recv_q(&q), i + 1);
	}
	assert_true(synq_accept_full(&q));
	/* the ring itself has backlog + 1 slots: a fourth does not fit */
	assert_int_equal(synq_accept_enqueue(&q, synq_session_alloc(&ss)), -ENOBUFS);
	assert_int_equal(synq_accept_burst(&q, out, RTE_DIM(out)), 3);
	assert_int_equal(synq_accept_recv_q(&q), 0);
	assert_int_equal(synq_accept_bsd_len(&q), 0);
	synq_accept_queue_fini(&q, false);
	synq_sessions_free(&ss);
}

/* bsd: one queue of half-open and established together, exactly backlog. */
static void
test_accept_bsd(void **state __rte_unused)
{
	struct synq_accept_queue q;
	struct synq_sessions ss;
	struct synq_session *out[4];

	assert_int_equal(synq_sessions_create(&ss, 8, 0), 0);
	assert_int_equal(synq_accept_queue_init(&q, "t_bsd", 2, SYNQ_QUEUE_BSD, 0, false), 0);
	/*
	 * Two SYNs take the two places; a third finds none, and takes nothing. The queue
	 * is full of half-open entries, not of connections: not "full" (a SYN gets a
	 * cookie then, as from FreeBSD's syncache).
	 */
	assert_true(synq_accept_bsd_take(&q));
	assert_true(synq_accept_bsd_take(&q));
	assert_false(synq_accept_full(&q));
	assert_false(synq_accept_bsd_take(&q));
	assert_int_equal(synq_accept_bsd_len(&q), 2);
	/* one expires: its place comes back */
	synq_accept_bsd_give(&q);
	assert_false(synq_accept_full(&q));
	/* the other completes: still counted until it is accepted */
	assert_int_equal(synq_accept_enqueue(&q, synq_session_alloc(&ss)), 0);
	assert_int_equal(synq_accept_bsd_len(&q), 1);
	assert_int_equal(synq_accept_burst(&q, out, RTE_DIM(out)), 1);
	assert_int_equal(synq_accept_bsd_len(&q), 0);
	/* completed connections (from cookies: no place taken before) bound the queue */
	for (unsigned int i = 0; i < 2; i++) {
		assert_false(synq_accept_full(&q));
		synq_accept_bsd_add(&q);
		assert_int_equal(synq_accept_enqueue(&q, synq_session_alloc(&ss)), 0);
	}
	assert_true(synq_accept_full(&q));
	assert_int_equal(synq_accept_bsd_len(&q), 2);
	assert_int_equal(synq_accept_burst(&q, out, RTE_DIM(out)), 2);
	assert_int_equal(synq_accept_bsd_len(&q), 0);
	synq_accept_queue_fini(&q, false);
	synq_sessions_free(&ss);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool),
		cmocka_unit_test(test_empty_pool),
		cmocka_unit_test(test_message_generation),
		cmocka_unit_test(test_accept_linux),
		cmocka_unit_test(test_accept_bsd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
