/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_FLOWTAB_H
#define SYNQ_FLOWTAB_H

/**
 * @file
 * A worker's flow table: the connections it carries after promotion, keyed by their
 * flow key (synq_flow_key.h). One per worker lcore, allocated at start, never resized,
 * no locks: open addressing with linear probing and backward-shift deletion, like the
 * keyed tables, but a slot is 8 bytes (32 bits of the key's hash, the object's index),
 * so that the slot array stays in cache while the objects themselves need not: the
 * key is compared in the object, and only when the hash bits agree.
 *
 * The table holds indices into an array of objects that the caller owns (lib/tcp's
 * connections), each beginning with its struct synq_flow_key.
 *
 * Every function is for the owning lcore only, except synq_flowtab_count().
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "synq_flow_key.h"

struct synq_flowtab;

/**
 * A table for up to @p max_flows of the objects of @p stride bytes at @p objs (the slot
 * array is the next power of two >= 2 x max_flows). EAL memory on @p socket when EAL
 * runs, else plain memory (unit tests).
 *
 * @return the table, or NULL (EINVAL for 0 or more than SYNQ_FLOW_TABLE_MAX, ENOMEM).
 */
struct synq_flowtab *synq_flowtab_create(uint32_t max_flows, const void *objs, size_t stride,
	int socket);

void synq_flowtab_free(struct synq_flowtab *t);

/** Objects in the table. Any thread (relaxed). */
uint32_t synq_flowtab_count(const struct synq_flowtab *t);

/** The max_flows the table was created with. */
uint32_t synq_flowtab_capacity(const struct synq_flowtab *t);

/** The object whose key is @p key, or NULL. */
void *synq_flowtab_lookup(const struct synq_flowtab *t, const struct synq_flow_key *key);

/**
 * synq_flowtab_lookup() for the control paths (a connection synq opens, its replies):
 * the per-segment input keeps the only call of synq_flowtab_lookup(), inlined there.
 */
void *synq_flowtab_find(const struct synq_flowtab *t, const struct synq_flow_key *key);

struct tcp_hash_seed;

/**
 * Hash keys with @p seed (the worker's, tcp_hash.h) from now on; the table must be
 * empty. synq_flowtab_lookup_h() then takes the key's hash, tcp_hash(@p seed, key),
 * computed once for every table of the worker (issue 14): the per-segment input's.
 */
void synq_flowtab_seed(struct synq_flowtab *t, const struct tcp_hash_seed *seed);
void *synq_flowtab_lookup_h(const struct synq_flowtab *t, const struct synq_flow_key *key,
	uint64_t h);

/**
 * Add the object at index @p idx, whose key is @p key. The key must not be present
 * (look it up first).
 *
 * @return 0, or -ENOSPC when the table holds max_flows.
 */
int synq_flowtab_insert(struct synq_flowtab *t, const struct synq_flow_key *key, uint32_t idx);

/**
 * synq_flowtab_insert() with the key's hash @p h, tcp_hash() with the seed of
 * synq_flowtab_seed(): the segment's, which its lookup computed (issue 14).
 */
int synq_flowtab_insert_h(struct synq_flowtab *t, const struct synq_flow_key *key, uint64_t h,
	uint32_t idx);

/** Remove the object @p obj; nothing happens when it is not in the table. */
void synq_flowtab_remove(struct synq_flowtab *t, const void *obj);

/**
 * The indices of the objects in the next @p budget slots, continuing where the last
 * call stopped (a cursor sweeps the slots round and round: the timers). Removals move
 * entries backwards, so one may be seen twice in a sweep, or missed once; a timer
 * that is late by one sweep is only late.
 *
 * @return how many indices were written to @p idx (at most @p budget).
 */
unsigned int synq_flowtab_sweep(struct synq_flowtab *t, unsigned int budget, uint32_t *idx);

/** Slots of the table (a power of two, twice max_flows at least): a walk's positions. */
uint32_t synq_flowtab_slots(const struct synq_flowtab *t);

/**
 * The next object of a walk in slot order (the listing of /synq/conns): the index of
 * the first occupied slot at or after *@p pos and before @p end into *@p idx, *@p pos
 * set past it; or false, *@p pos set to @p end. Read-only: a walk resumed after the
 * table changed may miss an entry moved behind it or see one twice (as a sweep).
 */
bool synq_flowtab_next(const struct synq_flowtab *t, uint32_t *pos, uint32_t end, uint32_t *idx);

/**
 * The slot the next synq_flowtab_sweep() starts at: a sweep of a table that is not
 * empty went round (back to slot 0) when it is no greater after the sweep than before.
 */
uint32_t synq_flowtab_cursor(const struct synq_flowtab *t);

#endif /* SYNQ_FLOWTAB_H */
