/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SYN table without EAL, on a fake millisecond clock: creation limits, IPv4 and
 * IPv6 keys, keys one field apart, a full table, randomized runs against a reference
 * model (with and without timers), the retransmission schedule across the clock's
 * wrap, the sweep's budget, cursor and early stops, expirations that shift entries, the
 * retry limits under pressure, the memory of a table of 2^20 entries (docs/scaling.md),
 * and a timing loop whose result is printed, not checked.
 *
 * The table's hash seed is random, so slot positions differ from run to run; the
 * properties checked here hold for every placement, and the randomized runs use their
 * own fixed-seed generator for the operations.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <rte_common.h>
#include <rte_errno.h>

#include "synq_syntab.h"

#define DPORT 0x5000 /* 80, network order on a little-endian host; any value will do */
#define RTO SYNQ_SYNTAB_RTO_MS

static uint64_t rng = 0x9e3779b97f4a7c15ull;

/* xorshift64*: the operations of the randomized runs, reproducible */
static uint64_t
rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static uint32_t
rnd_below(uint32_t n)
{
	return (uint32_t)((rnd() >> 32) % n);
}

/* the slot array of a table for max entries, computed independently of syntab.c */
static uint32_t
slots_for(uint32_t max)
{
	uint32_t s = 1;

	while (s < 2 * max)
		s <<= 1;
	return s;
}

static struct synq_flow_key
key4(uint32_t addr, uint16_t sport)
{
	struct synq_flow_key k;

	memset(&k, 0, sizeof(k));
	k.saddr[0] = (uint8_t)(addr >> 24);
	k.saddr[1] = (uint8_t)(addr >> 16);
	k.saddr[2] = (uint8_t)(addr >> 8);
	k.saddr[3] = (uint8_t)addr;
	k.sport = sport;
	k.dport = DPORT;
	k.family = 4;
	return k;
}

static struct synq_flow_key
key6(uint32_t low, uint16_t sport)
{
	struct synq_flow_key k;

	memset(&k, 0, sizeof(k));
	k.saddr[0] = 0x20;
	k.saddr[1] = 0x01;
	k.saddr[2] = 0x0d;
	k.saddr[3] = 0xb8;
	k.saddr[12] = (uint8_t)(low >> 24);
	k.saddr[13] = (uint8_t)(low >> 16);
	k.saddr[14] = (uint8_t)(low >> 8);
	k.saddr[15] = (uint8_t)low;
	k.sport = sport;
	k.dport = DPORT;
	k.family = 6;
	return k;
}

/*
 * Key number i of a key space: addresses shared by groups of 7 ports, both families,
 * several daddr and rxq indexes. (group, port) tells i, so the keys are distinct.
 */
static struct synq_flow_key
key_n(uint32_t i)
{
	struct synq_flow_key k = i % 3 == 0 ? key6(i / 7, (uint16_t)(1024 + i % 7)) :
		key4(0x0a000000u + i / 7, (uint16_t)(1024 + i % 7));

	k.daddr_idx = (uint8_t)(i % 2);
	k.rxq_idx = (uint8_t)(i / 2 % 3);
	return k;
}

static bool
entry_has_key(const struct synq_syn_entry *e, const struct synq_flow_key *k)
{
	struct synq_flow_key got;

	synq_syntab_key_of(e, &got);
	return memcmp(&got, k, sizeof(got)) == 0;
}

static struct synq_syntab *
make(uint32_t max)
{
	struct synq_syntab *t = synq_syntab_create(max, 0);

	assert_non_null(t);
	assert_int_equal(synq_syntab_capacity(t), max);
	assert_int_equal(synq_syntab_count(t), 0);
	return t;
}

/* insert key i of key_n(), tagged with i so that its data can be followed as it moves */
static struct synq_syn_entry *
insert_n(struct synq_syntab *t, uint32_t i, uint32_t now)
{
	struct synq_flow_key k = key_n(i);
	struct synq_syn_entry *e;

	assert_null(synq_syntab_lookup(t, &k));
	e = synq_syntab_insert(t, &k, now);
	if (e != NULL) {
		e->client_isn = i;
		e->our_isn = ~i;
		e->ts_recent = i * 7u;
	}
	return e;
}

static void
check_tag(const struct synq_syn_entry *e, uint32_t i)
{
	struct synq_flow_key k = key_n(i);

	assert_non_null(e);
	assert_int_equal(e->client_isn, i);
	assert_int_equal(e->our_isn, ~i);
	assert_int_equal(e->ts_recent, i * 7u);
	assert_true(e->flags & SYNQ_SYN_F_USED);
	assert_true(entry_has_key(e, &k));
}

/*
 * One full sweep at @p now with budget 1 a call, so that it does not depend on how many
 * slots the table lets one call visit; results appended to rt[*nr] and ex[*ne].
 */
static void
sweep(struct synq_syntab *t, uint32_t now, uint8_t max_retries, struct synq_syn_entry **rt,
	unsigned int *nr, struct synq_syn_entry *ex, unsigned int *ne, unsigned int cap)
{
	uint32_t slots = slots_for(synq_syntab_capacity(t));

	for (uint32_t s = 0; s < slots; s++) {
		unsigned int room = cap - RTE_MAX(*nr, *ne);
		uint32_t r;

		assert_true(room > 0);
		r = synq_syntab_timers(t, now, 1, max_retries, rt + *nr, ex + *ne, room);
		*nr += r & 0xffff;
		*ne += r >> 16;
		assert_true((r & 0xffff) <= 1);
	}
}

static void
test_entry_layout(void **state __rte_unused)
{
	assert_int_equal(sizeof(struct synq_syn_entry), 64);
	assert_int_equal(_Alignof(struct synq_syn_entry), 64);
}

static void
test_create_limits(void **state __rte_unused)
{
	static const uint32_t bad[] = {0, (1u << 24) + 1, 1u << 25, UINT32_MAX};
	struct synq_syntab *t;

	for (unsigned int i = 0; i < RTE_DIM(bad); i++) {
		errno = 0;
		rte_errno = 0;
		assert_null(synq_syntab_create(bad[i], 0));
		assert_int_equal(errno, EINVAL);
		assert_int_equal(rte_errno, EINVAL);
	}
	t = make(1);
	synq_syntab_free(t);
	t = make(1000);
	synq_syntab_free(t);
	t = synq_syntab_create(1000, -1); /* SOCKET_ID_ANY */
	assert_non_null(t);
	synq_syntab_free(t);
	synq_syntab_free(NULL);
}

static void
test_insert_lookup_remove(void **state __rte_unused)
{
	struct synq_syntab *t = make(16);
	struct synq_flow_key k4 = key4(0xc6120002, 0x3930), k6 = key6(2, 0x3930), got;
	struct synq_syn_entry *e4, *e6, *e;

	assert_null(synq_syntab_lookup(t, &k4));
	e4 = synq_syntab_insert(t, &k4, 123);
	assert_non_null(e4);
	assert_int_equal(synq_syntab_count(t), 1);
	assert_ptr_equal(synq_syntab_lookup(t, &k4), e4);
	assert_null(synq_syntab_lookup(t, &k6));
	/* what insert fills in, and nothing else */
	assert_memory_equal(e4->key.saddr, k4.saddr, 16);
	assert_int_equal(e4->key.sport, k4.sport);
	assert_int_equal(e4->key.dport, k4.dport);
	assert_int_equal(e4->key.family, 4);
	assert_int_equal(e4->syn_ms, 123);
	assert_int_equal(e4->next_ms, 123 + RTO);
	assert_int_equal(e4->retries, 0);
	assert_int_equal(e4->flags, SYNQ_SYN_F_USED);
	assert_int_equal(e4->client_isn, 0);
	assert_int_equal(e4->mss, 0);
	memset(&got, 0x5a, sizeof(got));
	synq_syntab_key_of(e4, &got);
	assert_memory_equal(&got, &k4, sizeof(got));
	e4->client_isn = 0x11111111;
	e4->mss = 1460;
	e4->wscale = 7;
	e4->flags |= SYNQ_SYN_F_SACK | SYNQ_SYN_F_TS;

	e6 = synq_syntab_insert(t, &k6, 456);
	assert_non_null(e6);
	assert_ptr_not_equal(e6, e4);
	assert_int_equal(synq_syntab_count(t), 2);
	e6->client_isn = 0x66666666;
	assert_ptr_equal(synq_syntab_lookup(t, &k6), e6);
	synq_syntab_key_of(e6, &got);
	assert_memory_equal(&got, &k6, sizeof(got));
	assert_int_equal(e6->key.family, 6);
	assert_int_equal(e6->next_ms, 456 + RTO);

	/* a key whose padding holds garbage is the same key */
	if (sizeof(got) > offsetof(struct synq_flow_key, rxq_idx) + 1) {
		memset(&got, 0xff, sizeof(got));
		memcpy(got.saddr, k4.saddr, 16);
		got.sport = k4.sport;
		got.dport = k4.dport;
		got.family = k4.family;
		got.daddr_idx = k4.daddr_idx;
		got.rxq_idx = k4.rxq_idx;
		e = synq_syntab_lookup(t, &got);
		assert_non_null(e);
		assert_int_equal(e->client_isn, 0x11111111);
	}

	e = synq_syntab_lookup(t, &k4);
	synq_syntab_remove(t, e);
	assert_int_equal(synq_syntab_count(t), 1);
	assert_null(synq_syntab_lookup(t, &k4));
	e6 = synq_syntab_lookup(t, &k6);
	assert_non_null(e6);
	assert_int_equal(e6->client_isn, 0x66666666);

	/* re-inserted: a fresh entry, nothing left of the old one's options */
	e4 = synq_syntab_insert(t, &k4, 789);
	assert_non_null(e4);
	assert_int_equal(e4->flags, SYNQ_SYN_F_USED);
	assert_int_equal(e4->mss, 0);
	assert_int_equal(e4->wscale, 0);
	assert_int_equal(e4->client_isn, 0);
	assert_int_equal(e4->syn_ms, 789);
	assert_int_equal(synq_syntab_count(t), 2);

	synq_syntab_remove(t, synq_syntab_lookup(t, &k6));
	synq_syntab_remove(t, synq_syntab_lookup(t, &k4));
	assert_int_equal(synq_syntab_count(t), 0);
	assert_null(synq_syntab_lookup(t, &k4));
	assert_null(synq_syntab_lookup(t, &k6));
	synq_syntab_free(t);
}

/* base key, then one variant a field: each must be an entry of its own */
static unsigned int
one_field_variants(const struct synq_flow_key *base, unsigned int addr_len,
	struct synq_flow_key *out)
{
	unsigned int n = 0;

	out[n++] = *base;
	for (unsigned int b = 0; b < addr_len; b++) {
		out[n] = *base;
		out[n++].saddr[b] ^= 0x01;
	}
	out[n] = *base;
	out[n++].sport ^= 0x0100;
	out[n] = *base;
	out[n++].dport ^= 0x0001;
	out[n] = *base;
	out[n++].family = base->family == 4 ? 6 : 4;
	out[n] = *base;
	out[n++].daddr_idx ^= 1;
	out[n] = *base;
	out[n++].rxq_idx ^= 1;
	return n;
}

static void
check_variants(const struct synq_flow_key *v, unsigned int n)
{
	struct synq_syntab *t = make(32);
	struct synq_syn_entry *e;
	bool gone[32] = {false};

	/*
	 * In a table of 2 slots holding one key, half the seeds send a variant's lookup to
	 * that key's slot: a comparison that ignores a field is found out.
	 */
	for (unsigned int i = 1; i < n; i++) {
		for (unsigned int trial = 0; trial < 64; trial++) {
			struct synq_syntab *tiny = make(1);

			assert_non_null(synq_syntab_insert(tiny, &v[0], 0));
			assert_null(synq_syntab_lookup(tiny, &v[i]));
			synq_syntab_remove(tiny, synq_syntab_lookup(tiny, &v[0]));
			assert_non_null(synq_syntab_insert(tiny, &v[i], 0));
			assert_null(synq_syntab_lookup(tiny, &v[0]));
			synq_syntab_free(tiny);
		}
	}
	for (unsigned int i = 0; i < n; i++) {
		assert_null(synq_syntab_lookup(t, &v[i]));
		e = synq_syntab_insert(t, &v[i], 0);
		assert_non_null(e);
		e->client_isn = i;
		assert_int_equal(synq_syntab_count(t), i + 1);
	}
	for (unsigned int i = 0; i < n; i++) {
		e = synq_syntab_lookup(t, &v[i]);
		assert_non_null(e);
		assert_int_equal(e->client_isn, i);
		assert_true(entry_has_key(e, &v[i]));
	}
	/* remove them in a scattered order, the others untouched each time */
	for (unsigned int r = 0; r < n; r++) {
		unsigned int victim = (r * 7 + 3) % n;

		e = synq_syntab_lookup(t, &v[victim]);
		assert_non_null(e);
		synq_syntab_remove(t, e);
		gone[victim] = true;
		assert_int_equal(synq_syntab_count(t), n - r - 1);
		for (unsigned int i = 0; i < n; i++) {
			e = synq_syntab_lookup(t, &v[i]);
			if (gone[i]) {
				assert_null(e);
			} else {
				assert_non_null(e);
				assert_int_equal(e->client_isn, i);
			}
		}
	}
	synq_syntab_free(t);
}

static void
test_keys_one_field_apart(void **state __rte_unused)
{
	struct synq_flow_key base, v[32];
	unsigned int n;

	base = key6(0x01020304, 0x3930);
	base.daddr_idx = 2;
	base.rxq_idx = 5;
	n = one_field_variants(&base, 16, v);
	assert_int_equal(n, 22);
	check_variants(v, n);

	base = key4(0xc6120002, 0x3930);
	base.daddr_idx = 1;
	base.rxq_idx = 3;
	n = one_field_variants(&base, 4, v);
	assert_int_equal(n, 10);
	check_variants(v, n);
}

static void
test_full_table(void **state __rte_unused)
{
	static const uint32_t sizes[] = {1, 2, 3, 7, 64, 1000};

	for (unsigned int s = 0; s < RTE_DIM(sizes); s++) {
		uint32_t max = sizes[s];
		struct synq_syntab *t = make(max);
		struct synq_flow_key k;

		for (uint32_t i = 0; i < max; i++) {
			assert_non_null(insert_n(t, i, 0));
			assert_int_equal(synq_syntab_count(t), i + 1);
		}
		assert_null(insert_n(t, max, 0));
		assert_null(insert_n(t, max + 1, 0));
		assert_int_equal(synq_syntab_count(t), max);
		for (uint32_t i = 0; i < max; i++) {
			k = key_n(i);
			check_tag(synq_syntab_lookup(t, &k), i);
		}
		k = key_n(max / 2);
		synq_syntab_remove(t, synq_syntab_lookup(t, &k));
		assert_int_equal(synq_syntab_count(t), max - 1);
		assert_null(synq_syntab_lookup(t, &k));
		assert_non_null(insert_n(t, max, 0));
		assert_int_equal(synq_syntab_count(t), max);
		assert_null(insert_n(t, max / 2, 0));
		assert_int_equal(synq_syntab_count(t), max);

		/* emptied and filled again */
		for (uint32_t i = 0; i <= max; i++) {
			if (i == max / 2)
				continue;
			k = key_n(i);
			check_tag(synq_syntab_lookup(t, &k), i);
			synq_syntab_remove(t, synq_syntab_lookup(t, &k));
		}
		assert_int_equal(synq_syntab_count(t), 0);
		for (uint32_t i = 0; i < max; i++)
			assert_non_null(insert_n(t, i + 5000, 0));
		assert_null(insert_n(t, 4999, 0));
		assert_int_equal(synq_syntab_count(t), max);
		synq_syntab_free(t);
	}
}

#define MODEL_KEYS 3000
#define MODEL_MAX 1000
#define MODEL_OPS 200000

static void
test_random_model(void **state __rte_unused)
{
	struct synq_syntab *t = make(MODEL_MAX);
	static bool present[MODEL_KEYS];
	uint32_t count = 0, full_refusals = 0;

	memset(present, 0, sizeof(present));
	rng = 0x243f6a8885a308d3ull;
	for (uint32_t op = 0; op < MODEL_OPS; op++) {
		uint32_t i = rnd_below(MODEL_KEYS), what = rnd_below(10);
		struct synq_flow_key k = key_n(i);
		struct synq_syn_entry *e = synq_syntab_lookup(t, &k);

		/* every operation starts with a lookup checked against the model */
		if (present[i])
			check_tag(e, i);
		else
			assert_null(e);
		if (what < 4 && !present[i]) {
			e = insert_n(t, i, op);
			if (count < MODEL_MAX) {
				check_tag(e, i);
				present[i] = true;
				count++;
			} else {
				assert_null(e);
				full_refusals++;
			}
		} else if (what >= 7 && present[i]) {
			synq_syntab_remove(t, e);
			present[i] = false;
			count--;
			assert_null(synq_syntab_lookup(t, &k));
		}
		assert_int_equal(synq_syntab_count(t), count);
		if (op % 5000 == 0 || op == MODEL_OPS - 1) {
			for (uint32_t j = 0; j < MODEL_KEYS; j++) {
				k = key_n(j);
				e = synq_syntab_lookup(t, &k);
				if (present[j])
					check_tag(e, j);
				else
					assert_null(e);
			}
		}
	}
	/* the run did reach a full table and refuse inserts there */
	assert_true(full_refusals > 100);
	synq_syntab_free(t);
}

/* the retry limit of the interface, written from its text */
static unsigned int
model_limit(uint32_t count, uint32_t max, unsigned int retries, unsigned int max_retries)
{
	unsigned int drop = 0, floor = max_retries < 2 ? max_retries : 2;

	if (retries == 0)
		return max_retries;
	if ((uint64_t)count * 2 > max)
		drop = 1;
	if ((uint64_t)count * 4 > (uint64_t)max * 3)
		drop = 2;
	if ((uint64_t)count * 8 > (uint64_t)max * 7)
		drop = 3;
	return max_retries < drop + floor ? floor : max_retries - drop;
}

#define TM_KEYS 600
#define TM_MAX 256
#define TM_OPS 100000

struct tm_model {
	bool present;
	uint8_t retries;
	uint32_t next_ms;
};

static bool
due(uint32_t now, uint32_t next)
{
	return (int32_t)(now - next) >= 0;
}

/*
 * Insert, remove, lookup and timer calls at random on a clock that wraps, against a
 * model of every entry's retries and next_ms: each reported retransmission and expiry
 * must be due and allowed, retransmitted entries must still be where the pointer says
 * after the call, and a full sweep must leave nothing due.
 */
static void
test_random_timers_model(void **state __rte_unused)
{
	static struct tm_model m[TM_KEYS];
	struct synq_syntab *t = make(TM_MAX);
	struct synq_syn_entry *rt[16], ex[16], *big_rt[TM_MAX + 1];
	static struct synq_syn_entry big_ex[TM_MAX + 1];
	uint32_t now = UINT32_MAX - 200000, count = 0;
	uint64_t nb_rt = 0, nb_ex = 0;

	memset(m, 0, sizeof(m));
	rng = 0x13198a2e03707344ull;
	for (uint32_t op = 0; op < TM_OPS; op++) {
		uint32_t what = rnd_below(20), i = rnd_below(TM_KEYS);
		struct synq_flow_key k = key_n(i);
		struct synq_syn_entry *e;

		if (what < 7) {
			if (!m[i].present) {
				e = insert_n(t, i, now);
				if (count < TM_MAX) {
					assert_non_null(e);
					m[i] = (struct tm_model){true, 0, now + RTO};
					count++;
				} else {
					assert_null(e);
				}
			}
		} else if (what < 10) {
			if (m[i].present) {
				synq_syntab_remove(t, synq_syntab_lookup(t, &k));
				m[i].present = false;
				count--;
			}
		} else if (what < 13) {
			e = synq_syntab_lookup(t, &k);
			if (m[i].present) {
				check_tag(e, i);
				assert_int_equal(e->retries, m[i].retries);
				assert_int_equal(e->next_ms, m[i].next_ms);
			} else {
				assert_null(e);
			}
		} else {
			unsigned int budget = 1 + rnd_below(64), max_out = 1 + rnd_below(16);
			uint8_t max_retries = (uint8_t)rnd_below(7);
			uint32_t before = count, r, nr, ne;
			static bool seen[TM_KEYS];

			now += rnd_below(1500);
			r = synq_syntab_timers(t, now, budget, max_retries, rt, ex, max_out);
			nr = r & 0xffff;
			ne = r >> 16;
			assert_true(nr <= max_out && ne <= max_out);
			assert_true(nr <= budget);
			for (uint32_t x = 0; x < ne; x++) {
				uint32_t j = ex[x].client_isn;

				assert_true(j < TM_KEYS);
				assert_true(m[j].present);
				assert_true(due(now, m[j].next_ms));
				assert_int_equal(ex[x].retries, m[j].retries);
				assert_true(ex[x].retries >=
					model_limit(before, TM_MAX, ex[x].retries, max_retries));
				k = key_n(j);
				assert_true(entry_has_key(&ex[x], &k));
				assert_null(synq_syntab_lookup(t, &k));
				m[j].present = false;
				count--;
			}
			memset(seen, 0, sizeof(seen));
			for (uint32_t x = 0; x < nr; x++) {
				uint32_t j = rt[x]->client_isn;

				check_tag(rt[x], j);
				assert_false(seen[j]);
				seen[j] = true;
				assert_true(m[j].present);
				assert_true(due(now, m[j].next_ms));
				assert_true(m[j].retries <
					model_limit(count, TM_MAX, m[j].retries, max_retries));
				assert_int_equal(rt[x]->retries, m[j].retries + 1);
				assert_int_equal(rt[x]->next_ms, now + (RTO << rt[x]->retries));
				k = key_n(j);
				assert_ptr_equal(synq_syntab_lookup(t, &k), rt[x]);
				m[j].retries = rt[x]->retries;
				m[j].next_ms = rt[x]->next_ms;
			}
			nb_rt += nr;
			nb_ex += ne;
		}
		assert_int_equal(synq_syntab_count(t), count);

		if (op % 2000 == 1999) {
			unsigned int nr = 0, ne = 0;

			sweep(t, now, 5, big_rt, &nr, big_ex, &ne, TM_MAX + 1);
			for (uint32_t x = 0; x < ne; x++) {
				struct tm_model *mm = &m[big_ex[x].client_isn];

				assert_true(mm->present && due(now, mm->next_ms));
				mm->present = false;
				count--;
			}
			for (uint32_t x = 0; x < nr; x++) {
				struct tm_model *mm = &m[big_rt[x]->client_isn];

				assert_true(mm->present && due(now, mm->next_ms));
				assert_int_equal(big_rt[x]->retries, mm->retries + 1);
				mm->retries = big_rt[x]->retries;
				mm->next_ms = big_rt[x]->next_ms;
			}
			assert_int_equal(synq_syntab_count(t), count);
			/* nothing left behind by the sweep */
			for (uint32_t j = 0; j < TM_KEYS; j++) {
				k = key_n(j);
				e = synq_syntab_lookup(t, &k);
				if (!m[j].present) {
					assert_null(e);
					continue;
				}
				check_tag(e, j);
				assert_false(due(now, e->next_ms));
				assert_int_equal(e->retries, m[j].retries);
				assert_int_equal(e->next_ms, m[j].next_ms);
			}
		}
	}
	assert_true(now < UINT32_MAX - 200000); /* the clock did wrap */
	assert_true(nb_rt > 1000 && nb_ex > 1000);
	synq_syntab_free(t);
}

/*
 * One entry inserted at t0, the clock stepped 1 ms at a time with a full sweep each
 * step: retransmissions exactly 1, 3, 7, 15, 31 s after t0, expiry at 63 s, nothing
 * in between, wherever t0 is relative to the clock's wrap.
 */
static void
run_schedule(uint32_t t0, uint8_t max_retries, const uint32_t *rt_at, unsigned int nb_rt,
	uint32_t expire_at)
{
	struct synq_syntab *t = make(4);
	struct synq_flow_key k = key4(0xc6120002, 0x3930);
	struct synq_syn_entry *e = synq_syntab_insert(t, &k, t0), *rt[4], ex[4];
	unsigned int next = 0;
	bool expired = false;

	assert_non_null(e);
	e->client_isn = 42;
	for (uint32_t off = 0; off <= expire_at + 5000; off++) {
		uint32_t now = t0 + off;
		unsigned int nr = 0, ne = 0;

		sweep(t, now, max_retries, rt, &nr, ex, &ne, 4);
		if (nr > 0) {
			assert_int_equal(nr, 1);
			assert_int_equal(ne, 0);
			if (next >= nb_rt || off != rt_at[next])
				fail_msg("t0 %u: retransmission at +%u ms, expected at +%u", t0, off,
					next < nb_rt ? rt_at[next] : expire_at);
			next++;
			assert_int_equal(rt[0]->retries, next);
			assert_int_equal(rt[0]->next_ms, now + (RTO << next));
			assert_int_equal(rt[0]->syn_ms, t0);
			assert_int_equal(rt[0]->client_isn, 42);
			assert_ptr_equal(synq_syntab_lookup(t, &k), rt[0]);
		} else if (ne > 0) {
			assert_int_equal(ne, 1);
			if (off != expire_at || next != nb_rt || expired)
				fail_msg("t0 %u: expiry at +%u ms, expected at +%u", t0, off, expire_at);
			expired = true;
			assert_true(entry_has_key(&ex[0], &k));
			assert_int_equal(ex[0].retries, nb_rt);
			assert_int_equal(ex[0].client_isn, 42);
			assert_int_equal(ex[0].syn_ms, t0);
			assert_null(synq_syntab_lookup(t, &k));
			assert_int_equal(synq_syntab_count(t), 0);
		}
	}
	assert_true(expired);
	synq_syntab_free(t);
}

static void
test_retransmit_schedule(void **state __rte_unused)
{
	static const uint32_t at[] = {1000, 3000, 7000, 15000, 31000};
	static const uint32_t t0s[] = {
		0, 7, UINT32_MAX - 500, UINT32_MAX - 20000, UINT32_MAX, 0x7fffff00u, 0x80000000u - 2000,
	};

	for (unsigned int i = 0; i < RTE_DIM(t0s); i++)
		run_schedule(t0s[i], 5, at, 5, 63000);
	/* fewer retries: the same intervals, expiry one interval after the last */
	run_schedule(UINT32_MAX - 1500, 1, at, 1, 3000);
	run_schedule(UINT32_MAX - 1500, 0, at, 0, 1000);
}

/* next_ms past the wrap while now is not: not due, which a plain <= would get wrong */
static void
test_wrap_compare(void **state __rte_unused)
{
	struct synq_syntab *t = make(4);
	struct synq_flow_key k = key6(9, 9);
	struct synq_syn_entry *e = synq_syntab_insert(t, &k, UINT32_MAX - 10), *rt[4], ex[4];
	unsigned int nr = 0, ne = 0;

	assert_non_null(e);
	assert_int_equal(e->next_ms, RTO - 11);
	sweep(t, UINT32_MAX, 5, rt, &nr, ex, &ne, 4);
	sweep(t, RTO - 12, 5, rt, &nr, ex, &ne, 4);
	assert_int_equal(nr + ne, 0);
	sweep(t, RTO - 11, 5, rt, &nr, ex, &ne, 4);
	assert_int_equal(nr, 1);
	assert_int_equal(rt[0]->next_ms, RTO - 11 + 2 * RTO);
	/* a timer half the clock's range late still fires */
	sweep(t, (uint32_t)(3 * RTO - 11) + (uint32_t)INT32_MAX, 5, rt, &nr, ex, &ne, 4);
	assert_int_equal(nr, 2);
	synq_syntab_free(t);
}

/* number of descents in a sequence of slot pointers: one sweep has at most one */
static unsigned int
descents(struct synq_syn_entry *const *p, unsigned int n)
{
	unsigned int d = 0;

	for (unsigned int i = 1; i < n; i++)
		if (p[i] < p[i - 1])
			d++;
	return d;
}

/*
 * Call number of the first retransmission of the only entry of a fresh table, with
 * budget 1 a call: the cursor starts at slot 0, so this is the entry's slot. Then the
 * entry is made due again after every call: the calls that see it next are exactly one
 * slot array apart.
 */
static uint32_t
slot_and_period(uint32_t max, const struct synq_flow_key *k, uint32_t *period)
{
	struct synq_syntab *t = make(max);
	struct synq_syn_entry *e = synq_syntab_insert(t, k, 0), *rt[1], ex[1];
	uint32_t hits[3], nb = 0, slots = slots_for(max);

	assert_non_null(e);
	for (uint32_t c = 0; c < 3 * slots; c++) {
		e->next_ms = 0;
		e->retries = 0;
		if (synq_syntab_timers(t, 0, 1, 5, rt, ex, 1) != 0) {
			assert_true(nb < 3);
			assert_ptr_equal(rt[0], e);
			hits[nb++] = c;
		}
	}
	assert_int_equal(nb, 3);
	assert_int_equal(hits[2] - hits[1], hits[1] - hits[0]);
	*period = hits[1] - hits[0];
	synq_syntab_free(t);
	return hits[0];
}

/* the slot array is the next power of two >= 2 * max_entries; the hash is seeded */
static void
test_slots_and_seed(void **state __rte_unused)
{
	static const uint32_t maxes[] = {1, 2, 3, 48, 64, 1000};
	struct synq_flow_key k = key4(0xc6120002, 0x3930);
	uint32_t period, first, same = 0;

	for (unsigned int i = 0; i < RTE_DIM(maxes); i++) {
		slot_and_period(maxes[i], &k, &period);
		assert_int_equal(period, slots_for(maxes[i]));
	}
	assert_int_equal(slots_for(3), 8);
	assert_int_equal(slots_for(48), 128);
	/* the same key in 8 tables of 1024 slots: not always the same slot */
	first = slot_and_period(512, &k, &period);
	for (unsigned int i = 0; i < 7; i++)
		same += slot_and_period(512, &k, &period) == first;
	assert_true(same < 7);
}

/*
 * What a worker's SYN table of 1M half-open entries takes (docs/scaling.md, "Memory"):
 * 2^21 slots of 64 B and a home count of 1 B each, after a 64-byte header: 130 MiB
 * and 64 B, allocated (and zeroed, so resident) at creation. Measured as the C
 * library's mmapped bytes, which this allocation is (far above its mmap threshold):
 * the figure plus at most the alignment's slack and the page rounding.
 */
static void
test_memory_1m(void **state __rte_unused)
{
	const size_t want = 64 + ((size_t)1 << 21) * (64 + 1);
	struct mallinfo2 before = mallinfo2(), after;
	struct synq_syntab *t = synq_syntab_create(1u << 20, -1);

	assert_non_null(t);
	after = mallinfo2();
	assert_int_equal(want, 136314944);
	assert_int_equal(synq_syntab_capacity(t), 1u << 20);
	/* 0 under an allocator other than the C library's (a sanitizer's): no figure */
	if (after.hblkhd != before.hblkhd) {
		assert_true(after.hblkhd - before.hblkhd >= want);
		assert_true(after.hblkhd - before.hblkhd <= want + 2 * 4096);
	}
	print_message("syntab of 2^20 entries: %zu bytes mmapped (%zu wanted)\n",
		after.hblkhd - before.hblkhd, want);
	synq_syntab_free(t);
}

/*
 * 32 entries in a table of 64 (128 slots): at most half full, so no pressure, and the
 * retries only count the sweeps.
 */
static void
test_budget_and_cursor(void **state __rte_unused)
{
	enum { MAX = 64, N = 32, SLOTS = 128 };
	struct synq_syntab *t = make(MAX);
	struct synq_syn_entry *rt[SLOTS], ex[SLOTS], *first[SLOTS], *all[N];
	struct synq_syn_entry *p0 = NULL;
	unsigned int k0 = 0, total = 0, calls;
	uint32_t r;

	assert_int_equal(slots_for(MAX), SLOTS);
	for (uint32_t i = 0; i < N; i++)
		assert_non_null(insert_n(t, i, 0));

	/* budget 0: nothing examined */
	assert_int_equal(synq_syntab_timers(t, RTO, 0, 5, rt, ex, SLOTS), 0);
	/* max_out 0: nothing handed out, nothing changed */
	assert_int_equal(synq_syntab_timers(t, RTO, 8, 5, rt, ex, 0), 0);

	/*
	 * Budget 1: call c examines slot (cursor + c); a hit at call c lies exactly c - k0
	 * slots after the first hit, at call k0.
	 */
	for (unsigned int c = 0; c < SLOTS; c++) {
		r = synq_syntab_timers(t, RTO, 1, 5, rt, ex, SLOTS);
		assert_int_equal(r >> 16, 0);
		assert_true((r & 0xffff) <= 1);
		first[c] = (r & 0xffff) != 0 ? rt[0] : NULL;
		if (first[c] == NULL)
			continue;
		if (p0 == NULL) {
			p0 = first[c];
			k0 = c;
		}
		assert_int_equal(first[c] - p0, (ptrdiff_t)(c - k0));
		assert_int_equal(first[c]->retries, 1);
		total++;
	}
	assert_int_equal(total, N);
	/* the next sweep starts where the last one stopped: same slots, same calls */
	for (unsigned int c = 0; c < SLOTS; c++) {
		r = synq_syntab_timers(t, 3 * RTO, 1, 5, rt, ex, SLOTS);
		assert_ptr_equal((r & 0xffff) != 0 ? rt[0] : NULL, first[c]);
		if (first[c] != NULL)
			assert_int_equal(first[c]->retries, 2);
	}

	/* budget 10: at most 10 a call, each entry once in 13 calls, in slot order */
	total = 0;
	for (unsigned int c = 0; c < (SLOTS + 9) / 10; c++) {
		r = synq_syntab_timers(t, 7 * RTO, 10, 5, rt, ex, SLOTS);
		assert_true((r & 0xffff) <= 10);
		assert_int_equal(r >> 16, 0);
		for (unsigned int x = 0; x < (r & 0xffff); x++) {
			assert_int_equal(rt[x]->retries, 3);
			all[total++] = rt[x];
		}
	}
	assert_int_equal(total, N);
	assert_true(descents(all, total) <= 1);

	/*
	 * Output full: the call stops there and the next one resumes at the next slot, so
	 * the entries still come in slot order, one sweep, at most one wrap.
	 */
	total = 0;
	for (calls = 0; total < N && calls < 4 * N; calls++) {
		r = synq_syntab_timers(t, 15 * RTO, SLOTS, 5, rt, ex, 5);
		assert_true((r & 0xffff) <= 5);
		assert_int_equal(r >> 16, 0);
		for (unsigned int x = 0; x < (r & 0xffff); x++) {
			assert_int_equal(rt[x]->retries, 4);
			all[total++] = rt[x];
		}
	}
	assert_int_equal(total, N);
	assert_true(descents(all, total) <= 1);

	/* the same with the expired array full */
	total = 0;
	for (calls = 0; total < N && calls < 4 * N; calls++) {
		r = synq_syntab_timers(t, 63 * RTO, SLOTS, 4, rt, ex, 3);
		assert_int_equal(r & 0xffff, 0);
		assert_true((r >> 16) <= 3);
		for (unsigned int x = 0; x < (r >> 16); x++)
			assert_int_equal(ex[x].retries, 4);
		total += r >> 16;
		assert_int_equal(synq_syntab_count(t), N - total);
	}
	assert_int_equal(total, N);
	assert_true(calls >= (N + 2) / 3);

	/* a huge budget neither loops nor hands out an entry twice */
	for (uint32_t i = 0; i < N; i++)
		assert_non_null(insert_n(t, i, 0));
	total = 0;
	for (calls = 0; calls < SLOTS && total < N; calls++) {
		r = synq_syntab_timers(t, RTO, UINT_MAX, 5, rt + total, ex, SLOTS - total);
		assert_int_equal(r >> 16, 0);
		total += r & 0xffff;
	}
	assert_int_equal(total, N);
	for (unsigned int x = 0; x < total; x++)
		for (unsigned int y = 0; y < x; y++)
			assert_ptr_not_equal(rt[x], rt[y]);
	synq_syntab_free(t);
}

/*
 * Expirations shift entries back: one not yet seen may land in the slot being
 * visited. A sweep that expires everything must still empty the table. Clusters are
 * common in a table at its maximum load; many tables (many seeds) make it certain that
 * some shift lands there.
 */
static void
test_expire_with_shifts(void **state __rte_unused)
{
	enum { MAX = 16 };
	struct synq_syn_entry *rt[2 * MAX], ex[2 * MAX];

	for (unsigned int trial = 0; trial < 300; trial++) {
		struct synq_syntab *t = make(MAX);
		unsigned int nr = 0, ne = 0;

		for (uint32_t i = 0; i < MAX; i++)
			assert_non_null(insert_n(t, trial * MAX + i, 0));
		sweep(t, 63 * RTO, 0, rt, &nr, ex, &ne, 2 * MAX);
		assert_int_equal(nr, 0);
		assert_int_equal(ne, MAX);
		assert_int_equal(synq_syntab_count(t), 0);
		for (uint32_t i = 0; i < MAX; i++) {
			struct synq_flow_key k = key_n(trial * MAX + i);

			assert_null(synq_syntab_lookup(t, &k));
		}
		synq_syntab_free(t);
	}
}

/*
 * Retransmit pointers survive the expirations later in the same call, whatever budget
 * the call is given: half the entries expire, half retransmit, all in one call.
 */
static void
test_pointers_survive_expiry(void **state __rte_unused)
{
	enum { MAX = 16 };
	struct synq_syn_entry *rt[2 * MAX], ex[2 * MAX];

	for (unsigned int trial = 0; trial < 300; trial++) {
		struct synq_syntab *t = make(MAX);
		unsigned int nr, ne, done_rt = 0, done_ex = 0;
		uint32_t r;

		for (uint32_t i = 0; i < MAX; i++) {
			struct synq_syn_entry *e = insert_n(t, trial * MAX + i, 0);

			assert_non_null(e);
			e->next_ms = 0;
			e->retries = i % 2 == 0 ? 0 : 5;
		}
		for (unsigned int c = 0; c < 4 && done_rt + done_ex < MAX; c++) {
			r = synq_syntab_timers(t, 0, UINT_MAX, 5, rt, ex, 2 * MAX);
			nr = r & 0xffff;
			ne = r >> 16;
			for (unsigned int x = 0; x < ne; x++) {
				struct synq_flow_key k;

				assert_int_equal(ex[x].retries, 5);
				synq_syntab_key_of(&ex[x], &k);
				assert_null(synq_syntab_lookup(t, &k));
			}
			for (unsigned int x = 0; x < nr; x++) {
				struct synq_flow_key k;

				assert_true(rt[x]->flags & SYNQ_SYN_F_USED);
				assert_int_equal(rt[x]->retries, 1);
				assert_int_equal(rt[x]->next_ms, 2 * RTO);
				check_tag(rt[x], rt[x]->client_isn);
				synq_syntab_key_of(rt[x], &k);
				assert_ptr_equal(synq_syntab_lookup(t, &k), rt[x]);
				for (unsigned int y = 0; y < x; y++)
					assert_ptr_not_equal(rt[x], rt[y]);
			}
			done_rt += nr;
			done_ex += ne;
		}
		assert_int_equal(done_rt, MAX / 2);
		assert_int_equal(done_ex, MAX / 2);
		assert_int_equal(synq_syntab_count(t), MAX / 2);
		synq_syntab_free(t);
	}
}

/*
 * The limit under pressure, on a table of 16 filled to n: one due probe entry with
 * @p retries, everything else not due. Returns true when it was retransmitted, false
 * when it expired (it is then inserted again so that n holds).
 */
static bool
probe(struct synq_syntab *t, uint32_t key, uint8_t retries, uint8_t max_retries)
{
	struct synq_flow_key k = key_n(key);
	struct synq_syn_entry *e = synq_syntab_lookup(t, &k), *rt[32], ex[32];
	uint32_t n = synq_syntab_count(t);
	unsigned int nr = 0, ne = 0;

	assert_non_null(e);
	e->retries = retries;
	e->next_ms = 0;
	sweep(t, 0, max_retries, rt, &nr, ex, &ne, 32);
	assert_int_equal(nr + ne, 1);
	if (nr == 1) {
		assert_ptr_equal(rt[0], e);
		assert_int_equal(e->retries, retries + 1);
		assert_int_equal(synq_syntab_count(t), n);
		e->next_ms = RTO;
		return true;
	}
	assert_int_equal(ex[0].retries, retries);
	assert_int_equal(ex[0].client_isn, key);
	assert_int_equal(synq_syntab_count(t), n - 1);
	assert_non_null(insert_n(t, key, 0));
	return false;
}

static void
test_pressure(void **state __rte_unused)
{
	/* fill level of a 16-entry table -> limit for retransmitted entries, max_retries 5 */
	static const struct {
		uint32_t n;
		unsigned int limit5, limit3, limit2, limit1;
	} lv[] = {
		{1, 5, 3, 2, 1},
		{8, 5, 3, 2, 1},  /* exactly 1/2: not more than half */
		{9, 4, 2, 2, 1},  /* > 1/2 */
		{12, 4, 2, 2, 1}, /* exactly 3/4 */
		{13, 3, 2, 2, 1}, /* > 3/4 */
		{14, 3, 2, 2, 1}, /* exactly 7/8 */
		{15, 2, 2, 2, 1}, /* > 7/8 */
		{16, 2, 2, 2, 1},
	};

	for (unsigned int l = 0; l < RTE_DIM(lv); l++) {
		struct synq_syntab *t = make(16);

		for (uint32_t i = 0; i < lv[l].n; i++)
			assert_non_null(insert_n(t, i, 0));
		for (uint8_t r = 1; r <= 5; r++)
			assert_int_equal(probe(t, 0, r, 5), r < lv[l].limit5);
		for (uint8_t r = 1; r <= 3; r++)
			assert_int_equal(probe(t, 0, r, 3), r < lv[l].limit3);
		for (uint8_t r = 1; r <= 2; r++)
			assert_int_equal(probe(t, 0, r, 2), r < lv[l].limit2);
		/* a limit below the floor is not raised by pressure */
		assert_false(probe(t, 0, 1, 1));
		/* never retransmitted: the full limit at any fill level */
		assert_true(probe(t, 0, 0, 5));
		assert_true(probe(t, 0, 0, 1));
		assert_false(probe(t, 0, 0, 0));
		assert_int_equal(synq_syntab_count(t), lv[l].n);
		synq_syntab_free(t);
	}
}

/* a full table, all fresh: at the first timer every entry retransmits, none expires */
static void
test_pressure_spares_fresh(void **state __rte_unused)
{
	enum { MAX = 16 };
	struct synq_syntab *t = make(MAX);
	struct synq_syn_entry *rt[2 * MAX], ex[2 * MAX];
	unsigned int nr = 0, ne = 0;

	for (uint32_t i = 0; i < MAX; i++)
		assert_non_null(insert_n(t, i, 0));
	sweep(t, RTO - 1, 5, rt, &nr, ex, &ne, 2 * MAX);
	assert_int_equal(nr + ne, 0);
	sweep(t, RTO, 5, rt, &nr, ex, &ne, 2 * MAX);
	assert_int_equal(nr, MAX);
	assert_int_equal(ne, 0);
	/* then retransmitted ones give way: at 3 s (retries 1 < 2) again, at 7 s out */
	nr = 0;
	sweep(t, 3 * RTO, 5, rt, &nr, ex, &ne, 2 * MAX);
	assert_int_equal(nr, MAX);
	assert_int_equal(ne, 0);
	nr = 0;
	sweep(t, 7 * RTO, 5, rt, &nr, ex, &ne, 2 * MAX);
	/* 16 and 15 of 16 are above 7/8 (limit 2); from 14 on the limit is 3 */
	assert_int_equal(ne, 2);
	assert_int_equal(nr, MAX - 2);
	synq_syntab_free(t);
}

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* printed for the record, not checked: machines differ */
static void
test_timing(void **state __rte_unused)
{
	enum { MAX = 65536, PREFILL = MAX / 2, ITER = 1 << 21, NKEYS = 1 << 16 };
	struct synq_syntab *t = make(MAX);
	struct synq_flow_key *keys = malloc(NKEYS * sizeof(*keys));
	unsigned int misses = 0;
	double t0, t1;

	assert_non_null(keys);
	for (uint32_t i = 0; i < PREFILL; i++) {
		struct synq_flow_key k = key4(0x0a000000u + i, 0x1000);

		assert_non_null(synq_syntab_insert(t, &k, 0));
	}
	for (uint32_t i = 0; i < NKEYS; i++)
		keys[i] = key4(0x0b000000u + (uint32_t)rnd_below(1u << 24), (uint16_t)rnd());
	t0 = now_ns();
	for (uint32_t i = 0; i < ITER; i++) {
		const struct synq_flow_key *k = &keys[i & (NKEYS - 1)];
		struct synq_syn_entry *e = synq_syntab_insert(t, k, i);

		if (synq_syntab_lookup(t, k) != e)
			misses++;
		synq_syntab_remove(t, e);
	}
	t1 = now_ns();
	assert_int_equal(misses, 0);
	assert_int_equal(synq_syntab_count(t), PREFILL);
	printf("syntab: %.1f ns per insert+lookup+remove (%u iterations, %u of %u entries held)\n",
		(t1 - t0) / ITER, (unsigned int)ITER, (unsigned int)PREFILL, (unsigned int)MAX);
	free(keys);
	synq_syntab_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_layout),
		cmocka_unit_test(test_create_limits),
		cmocka_unit_test(test_insert_lookup_remove),
		cmocka_unit_test(test_keys_one_field_apart),
		cmocka_unit_test(test_full_table),
		cmocka_unit_test(test_random_model),
		cmocka_unit_test(test_random_timers_model),
		cmocka_unit_test(test_retransmit_schedule),
		cmocka_unit_test(test_wrap_compare),
		cmocka_unit_test(test_slots_and_seed),
		cmocka_unit_test(test_memory_1m),
		cmocka_unit_test(test_budget_and_cursor),
		cmocka_unit_test(test_expire_with_shifts),
		cmocka_unit_test(test_pointers_survive_expiry),
		cmocka_unit_test(test_pressure),
		cmocka_unit_test(test_pressure_spares_fresh),
		cmocka_unit_test(test_timing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
