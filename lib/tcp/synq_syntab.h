/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_SYNTAB_H
#define SYNQ_SYNTAB_H

/**
 * @file
 * A worker's SYN table: the half-open connections it answered with a SYN-ACK, keyed
 * by the 4-tuple, with their SYN-ACK retransmission timers. One per worker lcore,
 * allocated at start on its NUMA node, never resized, no locks, no allocation at
 * packet rate: open addressing with linear probing and backward-shift deletion, one
 * 64-byte cache line an entry.
 *
 * Time is the worker's millisecond clock, passed in (tests use a fake one).
 * Thread safety: every function is for the owning lcore only, except
 * synq_syntab_count() (relaxed read, any thread).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>

#include "synq_flow_key.h"

/** First SYN-ACK retransmission after this many ms; each next one doubles (RFC 6298). */
#define SYNQ_SYNTAB_RTO_MS 1000

#define SYNQ_SYN_F_USED 0x01 /* set by synq_syntab_insert() */
#define SYNQ_SYN_F_SACK 0x02 /* client offered SACK-permitted */
#define SYNQ_SYN_F_TS 0x04   /* client offered timestamps */

/** One half-open connection: what the final ACK and a retransmission need. */
struct synq_syn_entry {
	struct synq_flow_key key;
	uint32_t client_isn;  /* the SYN's sequence number */
	uint32_t our_isn;     /* our SYN-ACK's sequence number */
	uint32_t ts_recent;   /* the client's TSval, when SYNQ_SYN_F_TS */
	uint32_t syn_ms;      /* when the first SYN arrived (worker clock) */
	uint32_t next_ms;     /* when the timer fires next */
	uint16_t mss;	      /* the client's MSS option, 0 if none */
	uint16_t listener;    /* listener index */
	struct rte_ether_addr peer_mac; /* where SYN-ACKs go */
	uint8_t wscale;	      /* the client's shift, or 0xff */
	uint8_t flags;	      /* SYNQ_SYN_F_* */
	uint8_t retries;      /* SYN-ACK retransmissions sent so far */
	uint8_t reserved[2];
	uint32_t oow_ms;      /* the last answer to a segment after the SYN (tcp_oow_limited()) */
} __rte_aligned(64);

struct synq_syntab;

/**
 * Create a table for up to @p max_entries half-open connections (the slot array is
 * the next power of two >= 2 * max_entries, so probes stay short), on NUMA node
 * @p socket. Control plane. EAL memory when EAL runs, else plain memory (the unit
 * tests).
 *
 * @return the table, or NULL with errno / rte_errno set (EINVAL for 0 or more than
 *   2^24 entries, ENOMEM).
 */
struct synq_syntab *synq_syntab_create(uint32_t max_entries, int socket);

/** Free a table. */
void synq_syntab_free(struct synq_syntab *t);

/** Half-open connections held now. */
uint32_t synq_syntab_count(const struct synq_syntab *t);

/** The max_entries the table was created with. */
uint32_t synq_syntab_capacity(const struct synq_syntab *t);

/**
 * How full the table is, in steps: 0 up to half full, 1 above 1/2, 2 above 3/4, 3
 * above 7/8 (the steps of the retry limits below).
 */
unsigned int synq_syntab_pressure(const struct synq_syntab *t);

/** Copy @p e's key to @p key. */
void synq_syntab_key_of(const struct synq_syn_entry *e, struct synq_flow_key *key);

/**
 * Start loading the slot that synq_syntab_lookup() or synq_syntab_insert() of @p key
 * reads first: the caller has other packets to handle meanwhile. A hint, nothing more.
 */
void synq_syntab_prefetch(const struct synq_syntab *t, const struct synq_flow_key *key);

/** The entry for @p key, or NULL. */
struct synq_syn_entry *synq_syntab_lookup(struct synq_syntab *t, const struct synq_flow_key *key);

struct tcp_hash_seed;

/**
 * Hash keys with @p seed (the worker's, tcp_hash.h) from now on; the table must be
 * empty. The _h functions then take the key's hash, tcp_hash(@p seed, key), computed
 * once for every table of the worker (issue 14).
 */
void synq_syntab_seed(struct synq_syntab *t, const struct tcp_hash_seed *seed);
void synq_syntab_prefetch_h(const struct synq_syntab *t, uint64_t h);
struct synq_syn_entry *synq_syntab_lookup_h(struct synq_syntab *t,
	const struct synq_flow_key *key, uint64_t h);
struct synq_syn_entry *synq_syntab_insert_h(struct synq_syntab *t,
	const struct synq_flow_key *key, uint64_t h, uint32_t now_ms);

/**
 * Add an entry for @p key at time @p now_ms: the key copied, syn_ms = now_ms,
 * next_ms = now_ms + SYNQ_SYNTAB_RTO_MS, retries 0, flags SYNQ_SYN_F_USED; the caller
 * fills in the rest. The key must not be present (lookup first).
 *
 * @return the new entry, or NULL when the table holds max_entries already.
 */
struct synq_syn_entry *synq_syntab_insert(struct synq_syntab *t, const struct synq_flow_key *key,
	uint32_t now_ms);

/**
 * Remove @p e (a pointer from lookup or insert; it is invalid afterwards, and other
 * entry pointers may be too: entries move on deletion).
 */
void synq_syntab_remove(struct synq_syntab *t, struct synq_syn_entry *e);

/** What a timer said about an entry. */
enum synq_syn_timer {
	SYNQ_SYN_RETRANSMIT, /* send the SYN-ACK again; retries and next_ms were updated */
	SYNQ_SYN_EXPIRED,    /* out of retries: removed from the table (a copy is given) */
};

/**
 * Run the timers of up to @p budget slots, continuing where the last call stopped (a
 * cursor sweeps the slot array round and round, so every entry is seen once per
 * sweep). An entry is due when next_ms <= @p now_ms (compare with wrap-around:
 * (int32_t)(now_ms - next_ms) >= 0).
 *
 * A due entry with retries < the effective limit is retransmitted: retries++, next_ms
 * = now_ms + (SYNQ_SYNTAB_RTO_MS << retries): intervals of 1, 2, 4, 8, 16 s, so
 * retransmissions 1, 3, 7, 15, 31 s after the SYN and expiry at 63 s. One at
 * or above the limit expires: it is copied to @p expired and removed.
 *
 * The effective limit is @p max_retries while the table is at most half full. Above
 * that, as Linux does for its request queue, entries that have been retransmitted
 * already lose retries first: the limit for an entry with retries >= 1 drops by one
 * when the table is more than 1/2 full, by two above 3/4, by three above 7/8, but
 * never below 2 (an entry never retransmitted keeps the full limit).
 *
 * @param retransmit  out: pointers to entries to retransmit (valid until the next
 *                    remove or insert); at most @p max_out
 * @param expired     out: copies of expired entries; at most @p max_out
 * @return the number of retransmit entries in the low 16 bits and of expired ones in
 *   the high 16 bits. Stops early when either array is full.
 */
uint32_t synq_syntab_timers(struct synq_syntab *t, uint32_t now_ms, unsigned int budget,
	uint8_t max_retries, struct synq_syn_entry **retransmit, struct synq_syn_entry *expired,
	unsigned int max_out);

#endif /* SYNQ_SYNTAB_H */
