/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_FLOWMEM_H
#define SYNQ_FLOWMEM_H

/**
 * @file
 * A worker's memory of flows that have left its flow table, each kept for its own
 * lifetime: connections in TIME-WAIT (with what their last ACK needs), and flows
 * promoted from a cookie (their key and ISNs), so that a replayed final ACK never opens
 * them again. Under pressure entries live shorter: half their lifetime when the
 * memory is more than half full, a quarter above 3/4, an eighth above 7/8 (the SYN
 * table's steps), so that the oldest give way to new flows; never below an entry's
 * min_ms (the replay memory's entries: a cookie's whole life). One table per use and worker lcore, allocated at start, never resized,
 * no locks; the storage is the keyed table of lib/tcp (64-byte entries, a byte a slot
 * that lets a lookup of an absent flow end without touching a slot).
 *
 * Time is the worker's millisecond clock, passed in. Every function is for the
 * owning lcore only, except synq_flowmem_count() (relaxed).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>

#include "synq_flow_key.h"

/** The unit of synq_flowmem_entry.ts_moved: 255 steps outlast TIME-WAIT's 63 s. */
#define SYNQ_FLOWMEM_TS_STEP_MS 256u

/** A remembered flow. */
struct synq_flowmem_entry {
	struct synq_flow_key key;
	uint32_t born_ms;    /* when it was remembered (worker clock) */
	uint32_t life_ms;    /* for how long, without pressure */
	uint32_t min_ms;     /* never shorter, pressure or not (0: an eighth of life_ms) */
	/*
	 * TIME-WAIT: the client's next sequence number (past its FIN), and ours (past our
	 * FIN). Replay: the final ACK's SEQ and ACK (each side's ISN + 1): a final ACK with
	 * other numbers is another handshake (a client behind a NAT reusing the port).
	 */
	uint32_t rcv_nxt;
	uint32_t snd_nxt;
	/* TIME-WAIT only */
	uint32_t ts_recent;  /* the client's last TSval, when ts */
	uint32_t ts_off;     /* our TSval's offset (the connection's) */
	struct rte_ether_addr peer_mac; /* where the ACKs go */
	bool ts;	     /* timestamps on: our ACKs carry them */
	/*
	 * When a FIN or data of the peer last came in TIME-WAIT (whether it moved
	 * ts_recent or not), in SYNQ_FLOWMEM_TS_STEP_MS steps after born_ms, rounded up
	 * and saturated (0: none since the entry was born): the reuse of the 4-tuple by a
	 * connection synq opens waits for 1 s past it (tcp_active.c).
	 */
	uint8_t ts_moved;
	uint32_t oow_ms;     /* the last answer to a refused segment (tcp_oow_limited()) */
} __rte_aligned(64);

struct synq_flowmem;

/**
 * A memory of up to @p max_entries flows, on NUMA node @p socket (EAL memory when EAL
 * runs, else plain). Control plane.
 *
 * @return the table, or NULL with errno and rte_errno set (EINVAL for 0 or more than
 *   SYNQ_FLOW_TABLE_MAX, ENOMEM).
 */
struct synq_flowmem *synq_flowmem_create(const char *name, uint32_t max_entries, int socket);

/** Free a table; NULL is ignored. */
void synq_flowmem_free(struct synq_flowmem *t);

/** Flows remembered now. Any thread (relaxed). */
uint32_t synq_flowmem_count(const struct synq_flowmem *t);

/** The max_entries the table was created with. */
uint32_t synq_flowmem_capacity(const struct synq_flowmem *t);

/** Slots of the memory: the positions of synq_flowmem_next(). */
uint32_t synq_flowmem_slots(const struct synq_flowmem *t);

/**
 * A walk in slot order (the listing of /synq/conns): the entry of the first used slot
 * at or after *@p pos and before @p end, *@p pos set past it; NULL, *@p pos set to
 * @p end, when there is none. Read-only; owning lcore only.
 */
const struct synq_flowmem_entry *synq_flowmem_next(const struct synq_flowmem *t,
	uint32_t *pos, uint32_t end);

/** The entry of @p key, or NULL (one whose time is up but that no sweep removed yet too). */
struct synq_flowmem_entry *synq_flowmem_lookup(struct synq_flowmem *t,
	const struct synq_flow_key *key);

struct tcp_hash_seed;

/**
 * Hash keys with @p seed (the worker's) from now on; the memory must be empty.
 * synq_flowmem_lookup_h() then takes the key's hash, tcp_hash(@p seed, key), computed
 * once for every table of the worker (issue 14).
 */
void synq_flowmem_seed(struct synq_flowmem *t, const struct tcp_hash_seed *seed);
struct synq_flowmem_entry *synq_flowmem_lookup_h(struct synq_flowmem *t,
	const struct synq_flow_key *key, uint64_t h);

/**
 * Remember @p key from @p now_ms for @p lifetime_ms; the rest of the entry is zero, for
 * the caller to fill. The key must not be present (look it up first).
 *
 * @return the entry, or NULL when the table holds max_entries.
 */
struct synq_flowmem_entry *synq_flowmem_insert(struct synq_flowmem *t,
	const struct synq_flow_key *key, uint32_t now_ms, uint32_t lifetime_ms);

/**
 * The entry of @p key as it is, else a new one as synq_flowmem_insert() makes: a
 * lookup and an insert in one probe, the key hashed once.
 *
 * @return the entry, or NULL when @p key is absent and the table holds max_entries.
 */
struct synq_flowmem_entry *synq_flowmem_find_or_insert(struct synq_flowmem *t,
	const struct synq_flow_key *key, uint32_t now_ms, uint32_t lifetime_ms);

/**
 * synq_flowmem_find_or_insert() with the key's hash @p h, tcp_hash() with the seed of
 * synq_flowmem_seed(): a caller that looked the key up first hashes it once.
 */
struct synq_flowmem_entry *synq_flowmem_find_or_insert_h(struct synq_flowmem *t,
	const struct synq_flow_key *key, uint64_t h, uint32_t now_ms, uint32_t lifetime_ms);

/** Forget @p e (other entry pointers may be invalid afterwards: entries move). */
void synq_flowmem_remove(struct synq_flowmem *t, struct synq_flowmem_entry *e);

/**
 * Forget the entries of the next @p budget slots whose time is up at @p now_ms (their
 * lifetime, or the part of it the pressure leaves), continuing where the last call
 * stopped.
 *
 * @return how many were forgotten.
 */
unsigned int synq_flowmem_expire(struct synq_flowmem *t, uint32_t now_ms, unsigned int budget);

#endif /* SYNQ_FLOWMEM_H */
