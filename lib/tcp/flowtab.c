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
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "synq_flowtab.h"
#include "synq_mem.h"
#include "tcp_hash.h"

#define MAX_FLOWS (UINT32_C(1) << 24)

struct synq_flowtab {
	uint32_t mask;
	uint32_t count; /* relaxed atomics: read by the stats */
	uint32_t max;
	uint32_t cursor;
	struct tcp_hash_seed seed;
	struct synq_conn *conns;
	bool eal_mem;
	uint64_t slot[];
};

static inline uint32_t
key_hash(const struct synq_flowtab *t, const struct synq_syn_key *k)
{
	return (uint32_t)tcp_hash(&t->seed, k->saddr, k->sport, k->dport, k->family,
		k->daddr_idx, k->rxq_idx);
}

static inline bool
conn_has_key(const struct synq_conn *c, const struct synq_syn_key *k)
{
	return c->sport == k->sport && c->dport == k->dport && c->family == k->family &&
		c->daddr_idx == k->daddr_idx && c->rxq_idx == k->rxq_idx &&
		memcmp(c->saddr, k->saddr, sizeof(c->saddr)) == 0;
}

void
synq_flowtab_key_of(const struct synq_conn *c, struct synq_syn_key *key)
{
	memset(key, 0, sizeof(*key));
	memcpy(key->saddr, c->saddr, sizeof(key->saddr));
	key->sport = c->sport;
	key->dport = c->dport;
	key->family = c->family;
	key->daddr_idx = c->daddr_idx;
	key->rxq_idx = c->rxq_idx;
}

struct synq_flowtab *
synq_flowtab_create(uint32_t max_flows, struct synq_conn *conns, int socket)
{
	struct synq_flowtab *t;
	uint32_t slots;
	size_t size;
	bool eal = synq_mem_eal();

	if (max_flows == 0 || max_flows > MAX_FLOWS) {
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
	t->conns = conns;
	t->eal_mem = eal;
	tcp_hash_seed_init(&t->seed, t);
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

struct synq_conn *
synq_flowtab_lookup(const struct synq_flowtab *t, const struct synq_syn_key *key)
{
	uint32_t h = key_hash(t, key);

	for (uint32_t i = h & t->mask;; i = (i + 1) & t->mask) {
		uint64_t s = t->slot[i];

		if (s == 0)
			return NULL;
		if ((uint32_t)(s >> 32) == h) {
			struct synq_conn *c = &t->conns[(uint32_t)s - 1];

			if (conn_has_key(c, key))
				return c;
		}
	}
}

int
synq_flowtab_insert(struct synq_flowtab *t, const struct synq_syn_key *key, uint32_t idx)
{
	uint32_t h = key_hash(t, key);
	uint32_t i = h & t->mask;

	if (t->count >= t->max)
		return -ENOSPC;
	while (t->slot[i] != 0)
		i = (i + 1) & t->mask;
	t->slot[i] = (uint64_t)h << 32 | (idx + 1);
	__atomic_store_n(&t->count, t->count + 1, __ATOMIC_RELAXED);
	return 0;
}

void
synq_flowtab_remove(struct synq_flowtab *t, const struct synq_conn *c)
{
	struct synq_syn_key key;
	uint32_t want = (uint32_t)(c - t->conns) + 1;
	uint32_t h, i, j;

	synq_flowtab_key_of(c, &key);
	h = key_hash(t, &key);
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
