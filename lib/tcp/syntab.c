/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker's SYN table; the interface and its rules are in synq_syntab.h.
 *
 * Layout: one allocation, a 64-byte header followed by the slot array, one cache line
 * a slot. The array has at least twice max_entries slots, so the load factor stays at
 * or below 1/2: linear probes stay short, and there is always an empty slot, which ends
 * every probe and every deletion cluster.
 *
 * Deletion is by backward shift, not tombstones: under a flood entries come and go at
 * line rate, and tombstones would fill the array until every failed lookup (the common
 * case for a SYN) walked all of it. The price is that entries move on deletion, which
 * the interface states, and which the timer sweep has to allow for (see
 * synq_syntab_timers()).
 *
 * Beside the slots, one byte a slot counts the entries whose home that slot is. A
 * lookup whose home count is 0 ends there, without touching a slot: the accepted-flow
 * and closing tables are looked up by every ACK of a flood and are mostly empty, and
 * their slots (64 B each) would not stay in the caches, while the counts (1 B each)
 * do. A count that reaches 255 stays there (a "maybe" forever, never a wrong "no").
 *
 * The hash (tcp_hash.h) is a seeded multiply-xorshift, the seed different on every
 * table and every start.
 */

#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_debug.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>

#include "synq_mem.h"
#include "synq_syntab.h"
#include "tcp_hash.h"

static_assert(sizeof(struct synq_syn_entry) == 64, "a SYN table entry is one 64-byte cache line");

/* The interface's limit: 2^25 slots of 64 bytes, 2 GiB a worker at most. */
#define MAX_ENTRIES (UINT32_C(1) << 24)

/*
 * Retransmission intervals stop doubling here. Only a caller's max_retries above 20
 * reaches it, and it keeps next_ms - now_ms below 2^31, where the wrap-safe
 * comparison (int32_t)(now_ms - next_ms) still sees the timer as in the future.
 */
#define RTO_MAX_SHIFT 20
static_assert(((uint64_t)SYNQ_SYNTAB_RTO_MS << RTO_MAX_SHIFT) < INT32_MAX,
	"retransmission interval must stay below 2^31 ms");

struct synq_syntab {
	uint32_t mask;	/* slots - 1 */
	uint32_t count; /* written by the owner, read by anyone: relaxed atomics */
	uint32_t max_entries;
	uint32_t cursor; /* next slot the timer sweep examines */
	struct tcp_hash_seed seed;
	bool eal_mem; /* from rte_zmalloc_socket (rte_free), else aligned_alloc (free) */
	uint8_t *homes; /* entries a home slot, saturating at 255; after the slots */
	struct synq_syn_entry slot[];
};

/* Home slot of a key (tcp_hash.h). */
static inline uint32_t
home_slot(const struct synq_syntab *t, const uint8_t saddr[16], uint16_t sport, uint16_t dport,
	uint8_t family, uint8_t daddr_idx, uint8_t rxq_idx)
{
	return (uint32_t)tcp_hash(&t->seed, saddr, sport, dport, family, daddr_idx, rxq_idx) &
		t->mask;
}

static inline uint32_t
key_slot(const struct synq_syntab *t, const struct synq_syn_key *k)
{
	return home_slot(t, k->saddr, k->sport, k->dport, k->family, k->daddr_idx, k->rxq_idx);
}

static inline uint32_t
entry_slot(const struct synq_syntab *t, const struct synq_syn_entry *e)
{
	return home_slot(t, e->saddr, e->sport, e->dport, e->family, e->daddr_idx, e->rxq_idx);
}

static inline bool
key_equal(const struct synq_syn_entry *e, const struct synq_syn_key *k)
{
	return memcmp(e->saddr, k->saddr, sizeof(e->saddr)) == 0 && e->sport == k->sport &&
		e->dport == k->dport && e->family == k->family &&
		e->daddr_idx == k->daddr_idx && e->rxq_idx == k->rxq_idx;
}

static inline bool
slot_used(const struct synq_syn_entry *e)
{
	return (e->flags & SYNQ_SYN_F_USED) != 0;
}

static inline void
count_set(struct synq_syntab *t, uint32_t n)
{
	__atomic_store_n(&t->count, n, __ATOMIC_RELAXED);
}

struct synq_syntab *
synq_syntab_create(uint32_t max_entries, int socket)
{
	struct synq_syntab *t;
	uint32_t slots;
	size_t size;
	bool eal_mem;

	if (max_entries == 0 || max_entries > MAX_ENTRIES) {
		rte_errno = EINVAL;
		errno = EINVAL;
		return NULL;
	}
	slots = rte_align32pow2(2 * max_entries);
	size = sizeof(*t) + (size_t)slots * (sizeof(t->slot[0]) + 1);

	eal_mem = synq_mem_eal();
	t = synq_mem_alloc("synq_syntab", size, socket, eal_mem);
	if (t == NULL) {
		rte_errno = ENOMEM;
		errno = ENOMEM;
		return NULL;
	}
	t->mask = slots - 1;
	t->max_entries = max_entries;
	t->homes = (uint8_t *)&t->slot[slots];
	t->eal_mem = eal_mem;
	tcp_hash_seed_init(&t->seed, t);
	count_set(t, 0);
	return t;
}

void
synq_syntab_free(struct synq_syntab *t)
{
	if (t != NULL)
		synq_mem_free(t, t->eal_mem);
}

uint32_t
synq_syntab_count(const struct synq_syntab *t)
{
	return __atomic_load_n(&t->count, __ATOMIC_RELAXED);
}

uint32_t
synq_syntab_capacity(const struct synq_syntab *t)
{
	return t->max_entries;
}

void
synq_syntab_key_of(const struct synq_syn_entry *e, struct synq_syn_key *key)
{
	/* zeroed first, so that callers may compare keys with memcmp, padding included */
	memset(key, 0, sizeof(*key));
	memcpy(key->saddr, e->saddr, sizeof(key->saddr));
	key->sport = e->sport;
	key->dport = e->dport;
	key->family = e->family;
	key->daddr_idx = e->daddr_idx;
	key->rxq_idx = e->rxq_idx;
}

void
synq_syntab_prefetch(const struct synq_syntab *t, const struct synq_syn_key *key)
{
	/* unconditional: a SYN that finds no entry writes one there */
	rte_prefetch0(&t->slot[key_slot(t, key)]);
}

struct synq_syn_entry *
synq_syntab_lookup(struct synq_syntab *t, const struct synq_syn_key *key)
{
	uint32_t i = key_slot(t, key);

	if (t->homes[i] == 0)
		return NULL;
	/* ends: the load factor is at most 1/2, so an empty slot is always ahead */
	for (;; i = (i + 1) & t->mask) {
		struct synq_syn_entry *e = &t->slot[i];

		if (!slot_used(e))
			return NULL;
		if (key_equal(e, key))
			return e;
	}
}

struct synq_syn_entry *
synq_syntab_insert(struct synq_syntab *t, const struct synq_syn_key *key, uint32_t now_ms)
{
	struct synq_syn_entry *e;
	uint32_t home, i;

	if (t->count >= t->max_entries)
		return NULL;
	home = key_slot(t, key);
	if (t->homes[home] != UINT8_MAX)
		t->homes[home]++;
	for (i = home; slot_used(&t->slot[i]); i = (i + 1) & t->mask)
		;
	e = &t->slot[i];
	/* the whole line: nothing of the slot's previous holder (flags, options) survives */
	memset(e, 0, sizeof(*e));
	memcpy(e->saddr, key->saddr, sizeof(e->saddr));
	e->sport = key->sport;
	e->dport = key->dport;
	e->family = key->family;
	e->daddr_idx = key->daddr_idx;
	e->rxq_idx = key->rxq_idx;
	e->syn_ms = now_ms;
	e->next_ms = now_ms + SYNQ_SYNTAB_RTO_MS;
	e->flags = SYNQ_SYN_F_USED;
	count_set(t, t->count + 1);
	return e;
}

/*
 * Backward-shift deletion: the hole at i is filled by the first later entry of the
 * cluster whose probe passed over i (its home slot is cyclically at or before i), which
 * leaves a new hole where that entry was; repeat until the cluster's end. Every entry
 * then stays reachable from its home slot without tombstones. Entries only ever move
 * towards lower slots (cyclically), and never past the first hole.
 */
static void
remove_slot(struct synq_syntab *t, uint32_t i)
{
	uint32_t j = i;
	uint32_t home = entry_slot(t, &t->slot[i]);

	if (t->homes[home] != UINT8_MAX)
		t->homes[home]--;
	for (;;) {
		struct synq_syn_entry *e;

		j = (j + 1) & t->mask;
		e = &t->slot[j];
		if (!slot_used(e))
			break;
		/* distance home -> j at least distance hole -> j: i lies on e's probe path */
		if (((j - entry_slot(t, e)) & t->mask) >= ((j - i) & t->mask)) {
			t->slot[i] = *e;
			i = j;
		}
	}
	t->slot[i].flags = 0;
	count_set(t, t->count - 1);
}

void
synq_syntab_remove(struct synq_syntab *t, struct synq_syn_entry *e)
{
	RTE_ASSERT(e >= t->slot && e <= &t->slot[t->mask] && slot_used(e));
	remove_slot(t, (uint32_t)(e - t->slot));
}

/*
 * Retries allowed for an entry that has had @p retries. Under pressure only entries
 * already retransmitted lose retries: one whose SYN-ACK has gone unanswered is more
 * likely a spoofed source than a fresh one, and a fresh one is what a real client is
 * waiting for. The floor of 2 keeps one more try for a client that lost one
 * SYN-ACK; a caller's max_retries below 2 is kept as is, never raised by pressure.
 */
static inline unsigned int
retry_limit(const struct synq_syntab *t, uint8_t retries, uint8_t max_retries)
{
	uint64_t n = t->count, max = t->max_entries;
	unsigned int drop, least;

	if (retries == 0 || n * 2 <= max)
		return max_retries;
	if (n * 8 > max * 7)
		drop = 3;
	else if (n * 4 > max * 3)
		drop = 2;
	else
		drop = 1;
	least = RTE_MIN(max_retries, 2u);
	return max_retries >= drop + least ? max_retries - drop : least;
}

/*
 * A call examines at most half the slots. The retransmit pointers it hands out must
 * survive the expirations that follow them in the same call. A removal at slot i moves
 * only entries between i and the next empty slot, and the slots not visited in this
 * call (at least slots / 2 >= max_entries of them) hold fewer than max_entries entries,
 * since the one being removed was visited: so an empty slot always lies before the
 * sweep's starting point, and no entry visited earlier in the call moves.
 *
 * Between calls, a synq_syntab_remove() just behind the cursor may shift an entry from
 * ahead of it to behind it: that entry is seen a sweep later. Its timer is late, never
 * lost, and an entry is never seen twice in one sweep, since entries only move back.
 */
uint32_t
synq_syntab_timers(struct synq_syntab *t, uint32_t now_ms, unsigned int budget,
	uint8_t max_retries, struct synq_syn_entry **retransmit, struct synq_syn_entry *expired,
	unsigned int max_out)
{
	unsigned int left = RTE_MIN(budget, (t->mask + 1) / 2);
	unsigned int nr = 0, ne = 0;
	uint32_t i = t->cursor;

	/* both counts must fit their 16 bits of the result */
	max_out = RTE_MIN(max_out, (unsigned int)UINT16_MAX);
	while (left > 0 && nr < max_out && ne < max_out) {
		struct synq_syn_entry *e = &t->slot[i];

		if (slot_used(e) && (int32_t)(now_ms - e->next_ms) >= 0) {
			if (e->retries < retry_limit(t, e->retries, max_retries)) {
				e->retries++;
				e->next_ms = now_ms + ((uint32_t)SYNQ_SYNTAB_RTO_MS
					<< RTE_MIN(e->retries, RTO_MAX_SHIFT));
				retransmit[nr++] = e;
			} else {
				expired[ne++] = *e;
				remove_slot(t, i);
				/*
				 * The shift may have moved a later entry, not yet seen, into
				 * slot i: look at slot i again rather than advance.
				 */
				continue;
			}
		}
		i = (i + 1) & t->mask;
		left--;
	}
	t->cursor = i;
	return nr | (uint32_t)ne << 16;
}
