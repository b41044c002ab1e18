/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The flow memory (TIME-WAIT, replay): each entry is kept for its own lifetime in ms,
 * across the wrap of the 32-bit clock, and the sweep forgets exactly those whose time
 * is up; under pressure (more than 1/2, 3/4, 7/8 full) entries live 1/2, 1/4, 1/8 of
 * their lifetime, and exactly down to the step below; a full memory refuses, then
 * takes again.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <rte_common.h>

#include "synq_flowmem.h"

#define MAX 256

static struct synq_flow_key
key(uint32_t i)
{
	struct synq_flow_key k;

	memset(&k, 0, sizeof(k));
	k.saddr[0] = 198;
	k.saddr[1] = 18;
	k.saddr[2] = (uint8_t)(i >> 8);
	k.saddr[3] = (uint8_t)i;
	k.sport = (uint16_t)(1024 + i % 5);
	k.dport = 80;
	k.family = 4;
	return k;
}

/* Sweep the whole memory at @p now; how many were forgotten. */
static unsigned int
sweep_all(struct synq_flowmem *t, uint32_t now)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < 2 * MAX; i++)
		n += synq_flowmem_expire(t, now, 1);
	return n;
}

static void
test_lifetimes(void **state __rte_unused)
{
	/* near the wrap of the clock: lifetimes must survive it */
	const uint32_t t0 = UINT32_MAX - 1000;
	struct synq_flowmem *t = synq_flowmem_create("t", MAX, 0);

	assert_non_null(t);
	assert_int_equal(synq_flowmem_capacity(t), MAX);
	/* entry i lives 10 * (i + 1) ms */
	for (uint32_t i = 0; i < 100; i++) {
		struct synq_flow_key k = key(i);
		struct synq_flowmem_entry *e;

		assert_null(synq_flowmem_lookup(t, &k));
		e = synq_flowmem_insert(t, &k, t0, 10 * (i + 1));
		assert_non_null(e);
		assert_int_equal(e->born_ms, t0);
		assert_int_equal(e->life_ms, 10 * (i + 1));
		assert_int_equal(e->rcv_nxt, 0);
		e->rcv_nxt = i;
	}
	assert_int_equal(synq_flowmem_count(t), 100);
	for (uint32_t step = 0; step <= 100; step++) {
		uint32_t now = t0 + 10 * step;

		/* at t0 + 10 step, the entries of lifetime <= 10 step are gone, no other */
		assert_int_equal(sweep_all(t, now), step == 0 ? 0 : 1);
		assert_int_equal(synq_flowmem_count(t), 100 - step);
		for (uint32_t i = 0; i < 100; i++) {
			struct synq_flow_key k = key(i);
			struct synq_flowmem_entry *e = synq_flowmem_lookup(t, &k);

			if (10 * (i + 1) <= 10 * step) {
				assert_null(e);
			} else {
				assert_non_null(e);
				assert_int_equal(e->rcv_nxt, i);
			}
		}
	}
	synq_flowmem_free(t);
}

static void
test_full_then_room(void **state __rte_unused)
{
	struct synq_flowmem *t = synq_flowmem_create("t", MAX, 0);
	struct synq_flow_key k;

	for (uint32_t i = 0; i < MAX; i++) {
		k = key(i);
		assert_non_null(synq_flowmem_insert(t, &k, 0, 1000));
	}
	k = key(MAX);
	assert_null(synq_flowmem_insert(t, &k, 0, 1000));
	/* one forgotten by hand, one place */
	k = key(7);
	synq_flowmem_remove(t, synq_flowmem_lookup(t, &k));
	assert_null(synq_flowmem_lookup(t, &k));
	k = key(MAX);
	assert_non_null(synq_flowmem_insert(t, &k, 500, 1000));
	assert_int_equal(synq_flowmem_count(t), MAX);
	synq_flowmem_free(t);
}

/*
 * Find or insert: an entry present comes back as it is, an absent key gets a new
 * entry as synq_flowmem_insert() makes it, in the slot a lookup then finds; a full
 * memory still finds what it holds and refuses the rest.
 */
static void
test_find_or_insert(void **state __rte_unused)
{
	struct synq_flowmem *t = synq_flowmem_create("t", MAX, 0);
	struct synq_flowmem_entry *e;
	struct synq_flow_key k;

	/* every port of each address: clusters where a probe passes other keys */
	for (uint32_t i = 0; i < MAX; i++) {
		k = key(i);
		e = synq_flowmem_find_or_insert(t, &k, 100 + i, 1000 + i);
		assert_non_null(e);
		assert_memory_equal(&e->key, &k, sizeof(k));
		assert_int_equal(e->born_ms, 100 + i);
		assert_int_equal(e->life_ms, 1000 + i);
		assert_int_equal(e->min_ms, 0);
		assert_int_equal(e->rcv_nxt, 0);
		assert_ptr_equal(synq_flowmem_lookup(t, &k), e);
		e->rcv_nxt = i + 1;
	}
	assert_int_equal(synq_flowmem_count(t), MAX);
	for (uint32_t i = 0; i < MAX; i++) {
		k = key(i);
		e = synq_flowmem_find_or_insert(t, &k, 5000, 7);
		assert_ptr_equal(e, synq_flowmem_lookup(t, &k));
		assert_int_equal(e->born_ms, 100 + i);
		assert_int_equal(e->life_ms, 1000 + i);
		assert_int_equal(e->rcv_nxt, i + 1);
	}
	assert_int_equal(synq_flowmem_count(t), MAX);
	k = key(MAX);
	assert_null(synq_flowmem_find_or_insert(t, &k, 0, 1000));
	assert_null(synq_flowmem_lookup(t, &k));
	assert_int_equal(synq_flowmem_count(t), MAX);
	/* one forgotten, one place, found afterwards */
	k = key(3);
	synq_flowmem_remove(t, synq_flowmem_lookup(t, &k));
	k = key(MAX);
	e = synq_flowmem_find_or_insert(t, &k, 9, 10);
	assert_non_null(e);
	assert_int_equal(e->born_ms, 9);
	assert_ptr_equal(synq_flowmem_find_or_insert(t, &k, 11, 12), e);
	assert_int_equal(e->born_ms, 9);
	assert_int_equal(synq_flowmem_count(t), MAX);
	synq_flowmem_free(t);
}

/*
 * find_or_insert() against a model of the set, on a small table (8 entries in 16
 * slots: clusters wrap past the last slot) through random finds, inserts, removals
 * and sweeps: found exactly when the key is in, the entry the lookup finds after,
 * refused exactly when the key is out and the table full, a found entry untouched.
 */
static void
test_find_or_insert_model(void **state __rte_unused)
{
	enum { SMALL = 8, KEYS = 24 };
	struct synq_flowmem *t = synq_flowmem_create("t", SMALL, 0);
	bool in[KEYS] = {false};
	uint32_t n = 0, rnd = 12345;

	assert_non_null(t);
	for (uint32_t step = 0; step < 200000; step++) {
		uint32_t i, op;
		struct synq_flow_key k;
		struct synq_flowmem_entry *e;

		rnd = rnd * 1103515245u + 12345u;
		i = (rnd >> 8) % KEYS;
		op = (rnd >> 20) % 8;
		k = key(i);
		if (op < 5) {
			struct synq_flowmem_entry *was = synq_flowmem_lookup(t, &k);

			e = synq_flowmem_find_or_insert(t, &k, step, 1u << 30);
			if (in[i]) {
				assert_ptr_equal(e, was);
				assert_int_equal(e->rcv_nxt, i);
			} else if (n == SMALL) {
				assert_null(e);
			} else {
				assert_non_null(e);
				assert_int_equal(e->born_ms, step);
				assert_int_equal(e->rcv_nxt, 0);
				e->rcv_nxt = i;
				in[i] = true;
				n++;
			}
		} else if (op < 7) {
			e = synq_flowmem_lookup(t, &k);
			assert_true((e != NULL) == in[i]);
			if (e != NULL) {
				synq_flowmem_remove(t, e);
				in[i] = false;
				n--;
			}
		} else {
			/* nothing expires: the sweep's cursor moves, no entry does */
			assert_int_equal(synq_flowmem_expire(t, step, 5), 0);
		}
		assert_int_equal(synq_flowmem_count(t), n);
		for (uint32_t j = 0; j < KEYS; j++) {
			k = key(j);
			e = synq_flowmem_lookup(t, &k);
			assert_true((e != NULL) == in[j]);
			if (e != NULL)
				assert_int_equal(e->rcv_nxt, j);
		}
	}
	synq_flowmem_free(t);
}

/* Full: an eighth of the lifetime, down to 7/8; then a quarter down to 3/4; ... */
static void
test_pressure(void **state __rte_unused)
{
	struct synq_flowmem *t = synq_flowmem_create("t", MAX, 0);

	for (uint32_t i = 0; i < MAX; i++) {
		struct synq_flow_key k = key(i);

		assert_non_null(synq_flowmem_insert(t, &k, 0, 8000));
	}
	assert_int_equal(sweep_all(t, 999), 0);
	assert_int_equal(sweep_all(t, 1000), MAX / 8);
	assert_int_equal(synq_flowmem_count(t), MAX * 7 / 8);
	assert_int_equal(sweep_all(t, 1999), 0);
	assert_int_equal(sweep_all(t, 2000), MAX / 8);
	assert_int_equal(synq_flowmem_count(t), MAX * 3 / 4);
	assert_int_equal(sweep_all(t, 3999), 0);
	assert_int_equal(sweep_all(t, 4000), MAX / 4);
	assert_int_equal(synq_flowmem_count(t), MAX / 2);
	/* half full is no pressure: the whole lifetime */
	assert_int_equal(sweep_all(t, 7999), 0);
	assert_int_equal(sweep_all(t, 8000), MAX / 2);
	assert_int_equal(synq_flowmem_count(t), 0);
	synq_flowmem_free(t);
}

/*
 * An entry's min_ms holds under any pressure (the replay memory's entries live as long
 * as the cookie they came from is valid): a full memory keeps them all until then.
 */
static void
test_pressure_floor(void **state __rte_unused)
{
	struct synq_flowmem *t = synq_flowmem_create("t", MAX, 0);

	for (uint32_t i = 0; i < MAX; i++) {
		struct synq_flow_key k = key(i);
		struct synq_flowmem_entry *e = synq_flowmem_insert(t, &k, 0, 8000);

		assert_non_null(e);
		e->min_ms = 6000;
	}
	assert_int_equal(sweep_all(t, 5999), 0);
	assert_int_equal(synq_flowmem_count(t), MAX);
	/* then the pressure rule again: above 1/2 full the floor (more than 8000 / 2),
	 * down to half full, where the whole lifetime holds */
	assert_int_equal(sweep_all(t, 6000), MAX / 2);
	assert_int_equal(sweep_all(t, 8000), MAX / 2);
	synq_flowmem_free(t);
}

/* A sweep goes on where the last stopped: one turn of the cursor sees every entry. */
static void
test_budget(void **state __rte_unused)
{
	struct synq_flowmem *t = synq_flowmem_create("t", MAX, 0);
	unsigned int total = 0, calls = 0;

	for (uint32_t i = 0; i < MAX; i++) {
		struct synq_flow_key k = key(i);

		assert_non_null(synq_flowmem_insert(t, &k, 0, 1));
	}
	while (synq_flowmem_count(t) != 0 && calls < 1000) {
		total += synq_flowmem_expire(t, 5, 16);
		calls++;
	}
	assert_int_equal(total, MAX);
	/* the slots are 2 x MAX: one turn of the cursor is 2 x MAX / 16 calls */
	assert_true(calls <= 2 * MAX / 16 + 1);
	synq_flowmem_free(t);
}

static void
test_limits(void **state __rte_unused)
{
	assert_null(synq_flowmem_create("t", 0, 0));
	assert_null(synq_flowmem_create("t", SYNQ_FLOW_TABLE_MAX + 1, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lifetimes),
		cmocka_unit_test(test_full_then_room),
		cmocka_unit_test(test_find_or_insert),
		cmocka_unit_test(test_find_or_insert_model),
		cmocka_unit_test(test_pressure),
		cmocka_unit_test(test_pressure_floor),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
