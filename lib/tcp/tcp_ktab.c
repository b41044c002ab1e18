/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The keyed table under the SYN table and the flow memory; tcp_ktab.h has its rules.
 */

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <rte_common.h>
#include <rte_debug.h>
#include <rte_errno.h>
#include <rte_prefetch.h>

#include "synq_mem.h"
#include "tcp_hash.h"
#include "tcp_ktab.h"

/*
 * The slots are bytes: each table above has its own entry type, and an entry is
 * reached here only through its key (a struct synq_flow_key, the first member of every
 * entry type) or copied whole with memcpy(), so that no entry is ever read through a
 * type it does not have (C11 6.5p7).
 */
struct tcp_ktab {
	uint32_t mask;	/* slots - 1 */
	uint32_t count; /* written by the owner, read by anyone: relaxed atomics */
	uint32_t max_entries;
	uint32_t cursor; /* the next slot a sweep visits */
	struct tcp_hash_seed seed;
	uint64_t mul; /* the table's own, for its slots (tcp_hash_slot()): never shared */
	bool eal_mem;
	uint8_t *homes; /* entries a home slot, saturating at 255; after the slots */
	uint8_t slot[] __rte_cache_aligned; /* TCP_KTAB_ENTRY bytes a slot */
};

/* The key of slot @p i: the first bytes of its entry. */
static inline struct synq_flow_key *
key_at(const struct tcp_ktab *t, uint32_t i)
{
	return (struct synq_flow_key *)(uintptr_t)&t->slot[(size_t)i * TCP_KTAB_ENTRY];
}

static inline uint32_t
home_of(const struct tcp_ktab *t, const struct synq_flow_key *k)
{
	return tcp_hash_slot(tcp_hash(&t->seed, k), t->mul) & t->mask;
}

static inline bool
slot_used(const struct tcp_ktab *t, uint32_t i)
{
	return key_at(t, i)->family != 0;
}

static inline void
count_set(struct tcp_ktab *t, uint32_t n)
{
	__atomic_store_n(&t->count, n, __ATOMIC_RELAXED);
}

struct tcp_ktab *
tcp_ktab_create(const char *name, uint32_t max_entries, int socket)
{
	struct tcp_ktab *t;
	uint32_t slots;
	bool eal = synq_mem_eal();

	if (max_entries == 0 || max_entries > SYNQ_FLOW_TABLE_MAX) {
		errno = rte_errno = EINVAL;
		return NULL;
	}
	slots = rte_align32pow2(2 * max_entries);
	t = synq_mem_alloc(name, sizeof(*t) + (size_t)slots * (TCP_KTAB_ENTRY + 1), socket, eal);
	if (t == NULL) {
		errno = rte_errno = ENOMEM;
		return NULL;
	}
	t->mask = slots - 1;
	t->max_entries = max_entries;
	t->homes = &t->slot[(size_t)slots * TCP_KTAB_ENTRY];
	t->eal_mem = eal;
	tcp_hash_seed_init(&t->seed, t);
	t->mul = tcp_hash_mul_init(t);
	return t;
}

void
tcp_ktab_free(struct tcp_ktab *t)
{
	if (t != NULL)
		synq_mem_free(t, t->eal_mem);
}

uint32_t
tcp_ktab_count(const struct tcp_ktab *t)
{
	return __atomic_load_n(&t->count, __ATOMIC_RELAXED);
}

uint32_t
tcp_ktab_capacity(const struct tcp_ktab *t)
{
	return t->max_entries;
}

unsigned int
tcp_ktab_pressure(const struct tcp_ktab *t)
{
	uint64_t n = tcp_ktab_count(t), max = t->max_entries;

	if (n * 2 <= max)
		return 0;
	if (n * 8 > max * 7)
		return 3;
	return n * 4 > max * 3 ? 2 : 1;
}

void
tcp_ktab_seed(struct tcp_ktab *t, const struct tcp_hash_seed *seed)
{
	RTE_ASSERT(t->count == 0);
	t->seed = *seed;
}

uint64_t
tcp_ktab_hash(const struct tcp_ktab *t, const struct synq_flow_key *key)
{
	return tcp_hash(&t->seed, key);
}

void
tcp_ktab_prefetch_h(const struct tcp_ktab *t, uint64_t h)
{
	/* unconditional: a SYN that finds no entry writes one there */
	rte_prefetch0(key_at(t, tcp_hash_slot(h, t->mul) & t->mask));
}

void
tcp_ktab_prefetch(const struct tcp_ktab *t, const struct synq_flow_key *key)
{
	tcp_ktab_prefetch_h(t, tcp_hash(&t->seed, key));
}

void *
tcp_ktab_lookup(struct tcp_ktab *t, const struct synq_flow_key *key)
{
	return tcp_ktab_lookup_h(t, key, tcp_hash(&t->seed, key));
}

void *
tcp_ktab_lookup_h(struct tcp_ktab *t, const struct synq_flow_key *key, uint64_t h)
{
	uint32_t i = tcp_hash_slot(h, t->mul) & t->mask;

	if (t->homes[i] == 0)
		return NULL;
	/* ends: the load factor is at most 1/2, so an empty slot is always ahead */
	for (;; i = (i + 1) & t->mask) {
		struct synq_flow_key *k = key_at(t, i);

		if (k->family == 0)
			return NULL;
		if (synq_flow_key_equal(k, key))
			return k;
	}
}

void *
tcp_ktab_insert(struct tcp_ktab *t, const struct synq_flow_key *key)
{
	return tcp_ktab_insert_h(t, key, tcp_hash(&t->seed, key));
}

void *
tcp_ktab_insert_h(struct tcp_ktab *t, const struct synq_flow_key *key, uint64_t h)
{
	struct synq_flow_key *k;
	uint32_t home, i;

	if (t->count >= t->max_entries)
		return NULL;
	home = tcp_hash_slot(h, t->mul) & t->mask;
	if (t->homes[home] != UINT8_MAX)
		t->homes[home]++;
	for (i = home; slot_used(t, i); i = (i + 1) & t->mask)
		;
	k = key_at(t, i);
	/* the whole line: nothing of the slot's previous holder survives */
	memset(k, 0, TCP_KTAB_ENTRY);
	*k = *key;
	k->pad = 0;
	count_set(t, t->count + 1);
	return k;
}

void *
tcp_ktab_find_or_insert(struct tcp_ktab *t, const struct synq_flow_key *key, bool *found)
{
	return tcp_ktab_find_or_insert_h(t, key, tcp_hash(&t->seed, key), found);
}

void *
tcp_ktab_find_or_insert_h(
	struct tcp_ktab *t, const struct synq_flow_key *key, uint64_t h, bool *found)
{
	struct synq_flow_key *k;
	uint32_t home = tcp_hash_slot(h, t->mul) & t->mask;
	uint32_t i = home;

	/*
	 * One probe does both: a lookup of an absent key ends at the first empty slot of
	 * its cluster, which is where an insert puts it. With no entry of this home, the
	 * walk only looks for that slot.
	 */
	if (t->homes[home] != 0) {
		for (; slot_used(t, i); i = (i + 1) & t->mask) {
			if (synq_flow_key_equal(key_at(t, i), key)) {
				*found = true;
				return key_at(t, i);
			}
		}
	} else {
		for (; slot_used(t, i); i = (i + 1) & t->mask)
			;
	}
	*found = false;
	if (t->count >= t->max_entries)
		return NULL;
	/* as tcp_ktab_insert() */
	if (t->homes[home] != UINT8_MAX)
		t->homes[home]++;
	k = key_at(t, i);
	memset(k, 0, TCP_KTAB_ENTRY);
	*k = *key;
	k->pad = 0;
	count_set(t, t->count + 1);
	return k;
}

/*
 * Backward-shift deletion: the hole at i is filled by the first later entry of the
 * cluster whose probe passed over i (its home slot is cyclically at or before i), which
 * leaves a new hole where that entry was; repeat until the cluster's end. Every entry
 * then stays reachable from its home slot without tombstones. Entries only ever move
 * towards lower slots (cyclically), and never past the first hole.
 */
static void
remove_slot(struct tcp_ktab *t, uint32_t i)
{
	uint32_t j = i;
	uint32_t home = home_of(t, key_at(t, i));

	if (t->homes[home] != UINT8_MAX)
		t->homes[home]--;
	for (;;) {
		j = (j + 1) & t->mask;
		if (!slot_used(t, j))
			break;
		/* distance home -> j at least distance hole -> j: i lies on j's probe path */
		if (((j - home_of(t, key_at(t, j))) & t->mask) >= ((j - i) & t->mask)) {
			memcpy(key_at(t, i), key_at(t, j), TCP_KTAB_ENTRY);
			i = j;
		}
	}
	key_at(t, i)->family = 0;
	count_set(t, t->count - 1);
}

void
tcp_ktab_remove(struct tcp_ktab *t, void *e)
{
	size_t off = (size_t)((uint8_t *)e - t->slot);

	RTE_ASSERT(off % TCP_KTAB_ENTRY == 0 && off / TCP_KTAB_ENTRY <= t->mask &&
		   slot_used(t, (uint32_t)(off / TCP_KTAB_ENTRY)));
	remove_slot(t, (uint32_t)(off / TCP_KTAB_ENTRY));
}

void
tcp_ktab_sweep(struct tcp_ktab *t, unsigned int budget,
	unsigned int (*visit)(void *entry, void *arg), void *arg)
{
	unsigned int left = RTE_MIN(budget, (t->mask + 1) / 2);
	uint32_t i = t->cursor;
	unsigned int v = TCP_KTAB_KEEP;

	while (left > 0 && !(v & TCP_KTAB_LAST)) {
		v = slot_used(t, i) ? visit(key_at(t, i), arg) : TCP_KTAB_KEEP;
		if (v & TCP_KTAB_REMOVE) {
			remove_slot(t, i);
			/*
			 * The shift may have moved a later entry, not yet seen, into slot i:
			 * look at slot i again rather than advance.
			 */
			continue;
		}
		i = (i + 1) & t->mask;
		left--;
	}
	t->cursor = i;
}

uint32_t
tcp_ktab_slots(const struct tcp_ktab *t)
{
	return t->mask + 1;
}

const void *
tcp_ktab_next(const struct tcp_ktab *t, uint32_t *pos, uint32_t end)
{
	end = RTE_MIN(end, t->mask + 1);
	for (uint32_t i = *pos; i < end; i++)
		if (slot_used(t, i)) {
			*pos = i + 1;
			return key_at(t, i);
		}
	*pos = end;
	return NULL;
}
