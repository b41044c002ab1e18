/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_FLOWTAB_H
#define SYNQ_FLOWTAB_H

/**
 * @file
 * A worker's flow table: the connections it carries after promotion, keyed by the
 * same 4-tuple key as the SYN table (struct synq_syn_key). One per worker lcore,
 * allocated at start, never resized, no locks: open addressing with linear probing and
 * backward-shift deletion, like the SYN table, but a slot is 8 bytes (32 bits of the
 * key's hash, the connection's index in the pool), so that the slot array stays in
 * cache while the connections themselves need not: the key is compared in the
 * connection object, and only when the hash bits agree.
 *
 * Every function is for the owning lcore only, except synq_flowtab_count().
 */

#include <stdint.h>

#include "synq_listener.h"
#include "synq_syntab.h"

struct synq_flowtab;

/**
 * A table for up to @p max_flows connections of the pool @p conns (the slot array is
 * the next power of two >= 2 x max_flows). EAL memory on @p socket when EAL runs,
 * else plain memory (unit tests).
 *
 * @return the table, or NULL (EINVAL for 0 or more than 2^24, ENOMEM).
 */
struct synq_flowtab *synq_flowtab_create(uint32_t max_flows, struct synq_conn *conns, int socket);

void synq_flowtab_free(struct synq_flowtab *t);

/** Connections in the table. Any thread (relaxed). */
uint32_t synq_flowtab_count(const struct synq_flowtab *t);

/** The max_flows the table was created with. */
uint32_t synq_flowtab_capacity(const struct synq_flowtab *t);

/** Fill @p key from the identity of @p c. */
void synq_flowtab_key_of(const struct synq_conn *c, struct synq_syn_key *key);

/** The connection for @p key, or NULL. */
struct synq_conn *synq_flowtab_lookup(const struct synq_flowtab *t, const struct synq_syn_key *key);

/**
 * Add the connection at pool index @p idx, whose identity is @p key's. The key must
 * not be present (look it up first).
 *
 * @return 0, or -ENOSPC when the table holds max_flows.
 */
int synq_flowtab_insert(struct synq_flowtab *t, const struct synq_syn_key *key, uint32_t idx);

/** Remove @p c; nothing happens when it is not in the table. */
void synq_flowtab_remove(struct synq_flowtab *t, const struct synq_conn *c);

/**
 * The pool indices of the connections in the next @p budget slots, continuing where
 * the last call stopped (a cursor sweeps the slots round and round: the timers).
 * Removals move entries backwards, so one may be seen twice in a sweep, or missed
 * once; a timer that is late by one sweep is only late.
 *
 * @return how many indices were written to @p idx (at most @p budget).
 */
unsigned int synq_flowtab_sweep(struct synq_flowtab *t, unsigned int budget, uint32_t *idx);

#endif /* SYNQ_FLOWTAB_H */
