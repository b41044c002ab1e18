/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_TCP_KTAB_H
#define SYNQ_TCP_KTAB_H

/*
 * The storage under a worker's SYN table (synq_syntab.h) and flow memory
 * (synq_flowmem.h): a hash table of 64-byte entries, each starting with its flow key,
 * one per worker lcore, allocated at start, never resized, no locks, no allocation
 * at packet rate. Open addressing with linear probing and backward-shift deletion.
 * Private to lib/tcp; the typed tables on top of it say what their entries hold.
 *
 * Layout: one allocation, a header, the slot array, then one byte a slot that counts
 * the entries whose home that slot is. The array has at least twice max_entries
 * slots, so the load factor stays at or below 1/2: linear probes stay short, and
 * there is always an empty slot, which ends every probe and every deletion cluster.
 *
 * Deletion is by backward shift, not tombstones: under a flood entries come and go at
 * line rate, and tombstones would fill the array until every failed lookup (the common
 * case for a SYN) walked all of it. The price is that entries move on deletion: a
 * pointer to an entry is good until the next insert or remove.
 *
 * A lookup whose home count is 0 ends there, without touching a slot: the flow
 * memories are looked up by every ACK of a flood and are mostly empty, and their slots
 * (64 B each) would not stay in the caches, while the counts (1 B each) do. A count
 * that reaches 255 stays there (a "maybe" forever, never a wrong "no").
 *
 * The hash (tcp_hash.h) is seeded, the seed different on every worker and every start;
 * a table's slots come from it through the table's own multiplier (tcp_hash_slot()),
 * so that the tables of one seed do not share their probe chains.
 * Every function is for the owning lcore only, except tcp_ktab_count() (relaxed).
 */

#include <stdbool.h>
#include <stdint.h>

#include "synq_flow_key.h"

/* The size of an entry: one cache line, its first bytes a struct synq_flow_key. */
#define TCP_KTAB_ENTRY 64

struct tcp_ktab;

/*
 * A table for up to @p max_entries entries (1 to SYNQ_FLOW_TABLE_MAX), on NUMA node
 * @p socket: EAL memory when EAL runs, else plain memory. NULL with errno and
 * rte_errno set (EINVAL, ENOMEM).
 */
struct tcp_ktab *tcp_ktab_create(const char *name, uint32_t max_entries, int socket);
void tcp_ktab_free(struct tcp_ktab *t);
uint32_t tcp_ktab_count(const struct tcp_ktab *t);
uint32_t tcp_ktab_capacity(const struct tcp_ktab *t);

/*
 * How full @p t is, in the steps at which its entries give way (the SYN table's
 * retransmitted entries lose retries, the flow memory's entries live shorter): 0 up to
 * half full, 1 above 1/2, 2 above 3/4, 3 above 7/8, as Linux's request queue.
 */
unsigned int tcp_ktab_pressure(const struct tcp_ktab *t);

/* Start loading the slot a lookup or insert of @p key reads first. A hint. */
void tcp_ktab_prefetch(const struct tcp_ktab *t, const struct synq_flow_key *key);

struct tcp_hash_seed;

/*
 * Hash keys with @p seed from now on (the table must be empty): a worker gives its
 * tables one seed, so that a segment's key is hashed once for all of them (issue 14),
 * and the _h functions take that hash, tcp_hash(@p seed, key).
 */
void tcp_ktab_seed(struct tcp_ktab *t, const struct tcp_hash_seed *seed);
uint64_t tcp_ktab_hash(const struct tcp_ktab *t, const struct synq_flow_key *key);
void tcp_ktab_prefetch_h(const struct tcp_ktab *t, uint64_t h);
void *tcp_ktab_lookup_h(struct tcp_ktab *t, const struct synq_flow_key *key, uint64_t h);
void *tcp_ktab_insert_h(struct tcp_ktab *t, const struct synq_flow_key *key, uint64_t h);

/* The entry of @p key, or NULL. */
void *tcp_ktab_lookup(struct tcp_ktab *t, const struct synq_flow_key *key);

/*
 * A new entry for @p key, zeroed but for the key; NULL when the table holds
 * max_entries. The key must not be present (look it up first).
 */
void *tcp_ktab_insert(struct tcp_ktab *t, const struct synq_flow_key *key);

/*
 * The entry of @p key, *@p found true; else a new entry for it as tcp_ktab_insert()
 * makes, *@p found false, or NULL when the table holds max_entries. A lookup and an
 * insert in one probe, the key hashed once.
 */
void *tcp_ktab_find_or_insert(struct tcp_ktab *t, const struct synq_flow_key *key, bool *found);
/* The same with the key's hash @p h (tcp_hash() with the table's seed). */
void *tcp_ktab_find_or_insert_h(
	struct tcp_ktab *t, const struct synq_flow_key *key, uint64_t h, bool *found);

/* Remove @p e (from lookup, insert or a sweep); other entries may move. */
void tcp_ktab_remove(struct tcp_ktab *t, void *e);

/* Slots of the table (a power of two): the positions of tcp_ktab_next(). */
uint32_t tcp_ktab_slots(const struct tcp_ktab *t);

/*
 * The entry of the first used slot at or after *@p pos and before @p end, *@p pos set
 * past it; NULL, *@p pos set to @p end, when there is none. Read-only, for a walk in
 * slot order (the listing of /synq/conns).
 */
const void *tcp_ktab_next(const struct tcp_ktab *t, uint32_t *pos, uint32_t end);

/* What a sweep's visitor says about an entry: a bit set. */
enum tcp_ktab_visit {
	TCP_KTAB_KEEP = 0,   /* leave it */
	TCP_KTAB_REMOVE = 1, /* remove it (an entry shifted into its slot is seen next) */
	TCP_KTAB_LAST = 2,   /* the caller can take no more: the sweep stops after it */
};

/*
 * Visit the entries of the next @p budget slots (at most half the slots a call),
 * continuing where the last sweep stopped: a cursor goes round and round, so every
 * entry is seen once per turn. Pointers to entries kept in this call stay good
 * through the removals of the same call: a removal moves only entries between it and
 * the next empty slot, and the slots not visited (at least half) hold an empty one
 * before the sweep's start. Between calls, a removal just behind the cursor may move
 * an entry from ahead of it to behind it: it is seen a turn later, never twice.
 */
void tcp_ktab_sweep(struct tcp_ktab *t, unsigned int budget,
	unsigned int (*visit)(void *entry, void *arg), void *arg);

#endif /* SYNQ_TCP_KTAB_H */
