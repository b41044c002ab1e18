/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker's flow table; the interface is in synq_flowtab.h.
 *
 * A slot is one 64-bit word: the low 32 bits of the key's hash above, the pool index
 * + 1 below (0: empty). The hash bits give the home slot back without reading the
 * connection (backward-shift deletion needs every moved entry's home), and they sort
 * out almost every other key of a probe chain before its connection is read.
 */

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>

#include "synq_flowtab.h"
#include "synq_mem.h"
#include "tcp_hash.h"

struct synq_flowtab {
	uint32_t mask;
	uint32_t count; /* relaxed atomics: read by the stats */
	uint32_t max;
	uint32_t cursor;
	struct tcp_hash_seed seed;
	uint64_t mul; /* the table's own, for its slots (tcp_hash_slot()): never shared */
	const uint8_t *objs;
	size_t stride;
	bool eal_mem;
	uint64_t slot[];
};

static inline uint32_t
key_hash(const struct synq_flowtab *t, const struct synq_flow_key *k)
{
	return tcp_hash_slot(tcp_hash(&t->seed, k), t->mul);
}

/* The object at index @p idx; its key comes first. */
static inline const struct synq_flow_key *
obj_at(const struct synq_flowtab *t, uint32_t idx)
{
	return (const struct synq_flow_key *)(t->objs + (size_t)idx * t->stride);
}

struct synq_flowtab *
synq_flowtab_create(uint32_t max_flows, const void *objs, size_t stride, int socket)
{
	struct synq_flowtab *t;
	uint32_t slots;
	size_t size;
	bool eal = synq_mem_eal();

	if (max_flows == 0 || max_flows > SYNQ_FLOW_TABLE_MAX) {
		errno = rte_errno = EINVAL;
		return NULL;
	}
	slots = rte_align32pow2(2 * max_flows);
	size = sizeof(*t) + (size_t)slots * sizeof(t->slot[0]);
	t = synq_mem_alloc("synq_flowtab", size, socket, eal);
	if (t == NULL) {
		errno = rte_errno = ENOMEM;
		return NULL;
	}
	t->mask = slots - 1;
	t->max = max_flows;
	t->objs = objs;
	t->stride = stride;
	t->eal_mem = eal;
	tcp_hash_seed_init(&t->seed, t);
	t->mul = tcp_hash_mul_init(t);
	return t;
}

void
synq_flowtab_free(struct synq_flowtab *t)
{
	if (t != NULL)
		synq_mem_free(t, t->eal_mem);
}

uint32_t
synq_flowtab_count(const struct synq_flowtab *t)
{
	return t != NULL ? __atomic_load_n(&t->count, __ATOMIC_RELAXED) : 0;
}

uint32_t
synq_flowtab_capacity(const struct synq_flowtab *t)
{
	return t->max;
}

uint32_t
synq_flowtab_slots(const struct synq_flowtab *t)
{
	return t->mask + 1;
}

bool
synq_flowtab_next(const struct synq_flowtab *t, uint32_t *pos, uint32_t end, uint32_t *idx)
{
	end = RTE_MIN(end, t->mask + 1);
	for (uint32_t i = *pos; i < end; i++)
		if (t->slot[i] != 0) {
			*idx = (uint32_t)t->slot[i] - 1;
			*pos = i + 1;
			return true;
		}
	*pos = end;
	return false;
}

uint32_t
synq_flowtab_cursor(const struct synq_flowtab *t)
{
	return t->cursor;
}

static inline void *
lookup(const struct synq_flowtab *t, const struct synq_flow_key *key, uint32_t h)
{

	for (uint32_t i = h & t->mask;; i = (i + 1) & t->mask) {
		uint64_t s = t->slot[i];

		if (s == 0)
			return NULL;
		if ((uint32_t)(s >> 32) == h) {
			const struct synq_flow_key *o = obj_at(t, (uint32_t)s - 1);

			if (synq_flow_key_equal(o, key))
				return (void *)(uintptr_t)o;
		}
	}
}

void *
synq_flowtab_lookup(const struct synq_flowtab *t, const struct synq_flow_key *key)
{
	return lookup(t, key, key_hash(t, key));
}

void
synq_flowtab_seed(struct synq_flowtab *t, const struct tcp_hash_seed *seed)
{
	t->seed = *seed;
}

void *
synq_flowtab_lookup_h(const struct synq_flowtab *t, const struct synq_flow_key *key, uint64_t h)
{
	return lookup(t, key, tcp_hash_slot(h, t->mul));
}

/* The same, out of line: the per-segment path keeps its one call of the other, which
 * LTO inlines (with three callers it did not: +17 to +20 instructions a flood packet) */
void *
synq_flowtab_find(const struct synq_flowtab *t, const struct synq_flow_key *key)
{
	return lookup(t, key, key_hash(t, key));
}

/* Insert at the slot the key's hash @p h (tcp_hash_slot() of the table's) makes its home. */
static int
insert(struct synq_flowtab *t, uint32_t h, uint32_t idx)
{
	uint32_t i = h & t->mask;

	if (t->count >= t->max)
		return -ENOSPC;
	while (t->slot[i] != 0)
		i = (i + 1) & t->mask;
	t->slot[i] = (uint64_t)h << 32 | (idx + 1);
	__atomic_store_n(&t->count, t->count + 1, __ATOMIC_RELAXED);
	return 0;
}

int
synq_flowtab_insert(struct synq_flowtab *t, const struct synq_flow_key *key, uint32_t idx)
{
	return insert(t, key_hash(t, key), idx);
}

int
synq_flowtab_insert_h(struct synq_flowtab *t, const struct synq_flow_key *key __rte_unused,
	uint64_t hash, uint32_t idx)
{
	/* @p hash is the flow key's (tcp_hash() under the worker's seed), as lookup_h's */
	return insert(t, tcp_hash_slot(hash, t->mul), idx);
}

void
synq_flowtab_remove(struct synq_flowtab *t, const void *obj)
{
	uint32_t want = (uint32_t)(((const uint8_t *)obj - t->objs) / t->stride) + 1;
	uint32_t h = key_hash(t, obj);
	uint32_t i, j;

	for (i = h & t->mask;; i = (i + 1) & t->mask) {
		if (t->slot[i] == 0)
			return;
		if ((uint32_t)t->slot[i] == want)
			break;
	}
	/* backward shift: move up every later entry of the cluster whose home allows it */
	for (j = i;;) {
		uint32_t home;

		j = (j + 1) & t->mask;
		if (t->slot[j] == 0)
			break;
		home = (uint32_t)(t->slot[j] >> 32) & t->mask;
		/* stays if its home lies cyclically in (i, j] */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		t->slot[i] = t->slot[j];
		i = j;
	}
	t->slot[i] = 0;
	__atomic_store_n(&t->count, t->count - 1, __ATOMIC_RELAXED);
}

unsigned int
synq_flowtab_sweep(struct synq_flowtab *t, unsigned int budget, uint32_t *idx)
{
	unsigned int n = 0;
	uint32_t i = t->cursor;

	if (t->count == 0)
		return 0;
	for (unsigned int k = 0; k < budget && k <= t->mask; k++) {
		if (t->slot[i] != 0)
			idx[n++] = (uint32_t)t->slot[i] - 1;
		i = (i + 1) & t->mask;
	}
	t->cursor = i;
	return n;
}
