/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The flow table against a model: random inserts and removals of keys that collide
 * on purpose (many flows of one client address, ports a few apart), after each step
 * every key in the model is found, at its own connection, and keys that were removed
 * are not; the sweep sees every connection; each key field tells flows apart.
 */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rte_common.h>

#include "synq_flowtab.h"

#define MAX 512

/* What the table indexes: objects that start with their key, as lib/tcp's connections. */
struct obj {
	struct synq_flow_key key;
	uint8_t rest[104];
};

static struct obj *conns;

static void
conn_key(unsigned int i, struct synq_flow_key *k)
{
	memset(k, 0, sizeof(*k));
	k->saddr[0] = 198;
	k->saddr[1] = 18;
	k->saddr[3] = (uint8_t)(i % 3);
	k->sport = (uint16_t)(40000 + i);
	k->dport = 80;
	k->family = 4;
}

static void
conn_set(struct obj *c, const struct synq_flow_key *k)
{
	memset(c, 0, sizeof(*c));
	c->key = *k;
}

static uint64_t rng = 0x243f6a8885a308d3ull;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static void
test_model(void **state __rte_unused)
{
	struct synq_flowtab *t = synq_flowtab_create(MAX, conns, sizeof(*conns), -1);
	bool in[MAX] = {false};
	unsigned int count = 0;

	assert_non_null(t);
	for (unsigned int i = 0; i < MAX; i++) {
		struct synq_flow_key k;

		conn_key(i, &k);
		conn_set(&conns[i], &k);
	}
	for (unsigned int step = 0; step < 20000; step++) {
		unsigned int i = rnd() % MAX;
		struct synq_flow_key k;

		conn_key(i, &k);
		if (in[i]) {
			synq_flowtab_remove(t, &conns[i]);
			in[i] = false;
			count--;
		} else {
			assert_int_equal(synq_flowtab_insert(t, &k, i), 0);
			in[i] = true;
			count++;
		}
		assert_int_equal(synq_flowtab_count(t), count);
		if (step % 97 != 0)
			continue;
		for (unsigned int j = 0; j < MAX; j++) {
			conn_key(j, &k);
			if (in[j])
				assert_ptr_equal(synq_flowtab_lookup(t, &k), &conns[j]);
			else
				assert_null(synq_flowtab_lookup(t, &k));
		}
	}
	/* a removal of a connection not in the table changes nothing */
	for (unsigned int j = 0; j < MAX; j++)
		if (!in[j]) {
			synq_flowtab_remove(t, &conns[j]);
			break;
		}
	assert_int_equal(synq_flowtab_count(t), count);
	synq_flowtab_free(t);
}

static void
test_full_and_sweep(void **state __rte_unused)
{
	struct synq_flowtab *t = synq_flowtab_create(MAX, conns, sizeof(*conns), -1);
	unsigned int seen[MAX] = {0};
	uint32_t idx[64];
	struct synq_flow_key k;

	for (unsigned int i = 0; i < MAX; i++) {
		conn_key(i, &k);
		conn_set(&conns[i], &k);
		assert_int_equal(synq_flowtab_insert(t, &k, i), 0);
	}
	conn_key(MAX, &k);
	assert_int_equal(synq_flowtab_insert(t, &k, 0), -ENOSPC);
	/* the slots are the next power of two >= 2 x MAX: one sweep is 2 x MAX slots */
	for (unsigned int round = 0; round < 2 * MAX / 64; round++) {
		unsigned int n = synq_flowtab_sweep(t, 64, idx);

		for (unsigned int i = 0; i < n; i++) {
			assert_true(idx[i] < MAX);
			seen[idx[i]]++;
		}
	}
	for (unsigned int i = 0; i < MAX; i++)
		assert_int_equal(seen[i], 1);
	synq_flowtab_free(t);
}

static void
test_every_field_counts(void **state __rte_unused)
{
	struct synq_flowtab *t = synq_flowtab_create(8, conns, sizeof(*conns), -1);
	struct synq_flow_key k, o;

	conn_key(1, &k);
	k.daddr_idx = 1;
	k.rxq_idx = 2;
	conn_set(&conns[0], &k);
	assert_int_equal(synq_flowtab_insert(t, &k, 0), 0);
	assert_ptr_equal(synq_flowtab_lookup(t, &k), &conns[0]);
	for (unsigned int f = 0; f < 6; f++) {
		o = k;
		switch (f) {
		case 0: o.saddr[15] ^= 1; break;
		case 1: o.sport ^= 1; break;
		case 2: o.dport ^= 1; break;
		case 3: o.family = 6; break;
		case 4: o.daddr_idx ^= 1; break;
		case 5: o.rxq_idx ^= 1; break;
		}
		assert_null(synq_flowtab_lookup(t, &o));
	}
	synq_flowtab_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_full_and_sweep),
		cmocka_unit_test(test_every_field_counts),
	};
	int rc;

	conns = aligned_alloc(64, (MAX + 1) * sizeof(*conns));
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(conns);
	return rc;
}
