/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_NEIGH_H
#define SYNQ_NEIGH_H

/**
 * @file
 * The neighbour table (issue 13): the MAC of a next hop that synq sends to on its own
 * initiative (connections to backends, health checks), resolved by ARP (RFC 826) and
 * neighbour discovery (RFC 4861 section 7.3), for both families in one table keyed by
 * (port, family, address). Replies to clients never look here: they go back to the
 * frame's source MAC.
 *
 * A pure state machine: it sends nothing and reads no clock. The caller passes the time
 * (milliseconds, any monotonic origin) to every call, sends the solicitations the table
 * asks for, hands it what ARP replies and requests and neighbour advertisements say,
 * and sends the packets the table gives back once a next hop resolves. Packets are
 * opaque pointers; the table frees the ones it drops through the callback given to
 * synq_neigh_init(), so it knows nothing of rte_mbuf. Needs no EAL.
 *
 * One table per worker, written by that worker only, with no lock: each worker resolves
 * the next hops of what it sends itself (its active opens land on it by the RSS-aware
 * port choice, so the replies that confirm a neighbour do too). A next hop used by two
 * workers is resolved twice, a few ARP or ND packets more, never a shared write.
 *
 * Bounds: SYNQ_NEIGH_MAX entries, SYNQ_NEIGH_QUEUE packets queued an unresolved entry;
 * entries are created only by synq_neigh_lookup() (what synq itself sends to a next hop
 * on a port's subnet), never by what arrives: an advertisement, ARP reply or request
 * only updates an entry that exists.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "synq_config.h"
#include "synq_stats.h"

/** Entries a table: a worker's next hops (routers, on-link backends). */
#define SYNQ_NEIGH_MAX 256
/** Hash buckets: twice the entries, a power of two. */
#define SYNQ_NEIGH_BUCKETS 512
/** Packets held by an INCOMPLETE entry while it resolves; more are dropped. */
#define SYNQ_NEIGH_QUEUE 3

/* RFC 4861 section 10 constants, in milliseconds or counts. */
#define SYNQ_NEIGH_REACHABLE_MS 30000 /* REACHABLE_TIME */
#define SYNQ_NEIGH_RETRANS_MS 1000    /* RETRANS_TIMER */
#define SYNQ_NEIGH_DELAY_MS 5000      /* DELAY_FIRST_PROBE_TIME */
#define SYNQ_NEIGH_MCAST_SOLICIT 3    /* MAX_MULTICAST_SOLICIT */
#define SYNQ_NEIGH_UCAST_SOLICIT 3    /* MAX_UNICAST_SOLICIT */
/** A FAILED entry refuses packets this long before a new resolution may start. */
#define SYNQ_NEIGH_FAILED_MS 3000
/** A STALE entry nobody sent to for this long is freed (Linux's gc_staletime). */
#define SYNQ_NEIGH_STALE_MS 60000
/** The longest any timer is armed ahead: one further ahead means the clock went back. */
#define SYNQ_NEIGH_LONGEST_MS SYNQ_NEIGH_STALE_MS

/** Address families, as the key holds them. */
#define SYNQ_NEIGH_V4 4
#define SYNQ_NEIGH_V6 6

/** RFC 4861 section 7.3.2 states, and FREE and FAILED. */
enum synq_neigh_state {
	SYNQ_NEIGH_FREE = 0,
	SYNQ_NEIGH_INCOMPLETE, /* solicited multicast, no MAC yet; packets queue */
	SYNQ_NEIGH_REACHABLE,  /* confirmed within SYNQ_NEIGH_REACHABLE_MS */
	SYNQ_NEIGH_STALE,      /* MAC known, not confirmed; used as is */
	SYNQ_NEIGH_DELAY,      /* sent to while STALE; waits for a confirmation */
	SYNQ_NEIGH_PROBE,      /* unicast solicitations to the MAC known */
	SYNQ_NEIGH_FAILED,     /* gave up; refuses packets for SYNQ_NEIGH_FAILED_MS */
};

/** Called with each packet the table drops (queue full, resolution failed). */
typedef void (*synq_neigh_free_t)(void *pkt);

/** One entry; 72 bytes. */
struct synq_neigh_entry {
	uint8_t addr[16];	   /* IPv4 in the first 4 bytes (network order), rest zero */
	uint16_t port;		   /* index into synq_config.ports */
	uint8_t family;		   /* SYNQ_NEIGH_V4 or SYNQ_NEIGH_V6 */
	uint8_t state;		   /* enum synq_neigh_state */
	uint8_t probes;		   /* solicitations sent in this INCOMPLETE or PROBE */
	uint8_t nq;		   /* packets in q */
	uint16_t next;		   /* next entry of the bucket's chain, or SYNQ_NEIGH_NONE */
	struct rte_ether_addr mac; /* valid but in INCOMPLETE and FAILED */
	uint64_t timer;		   /* ms: when the state's timer fires */
	void *q[SYNQ_NEIGH_QUEUE]; /* INCOMPLETE: packets waiting, oldest first */
};

#define SYNQ_NEIGH_NONE UINT16_MAX

/** A worker's table: written by its worker only (no lock), never read by others. */
struct synq_neigh_table {
	struct synq_neigh_entry e[SYNQ_NEIGH_MAX];
	uint16_t bucket[SYNQ_NEIGH_BUCKETS]; /* first entry of each chain */
	uint16_t free_head;		     /* free entries, chained by next */
	unsigned int used;		     /* entries not FREE */
	uint64_t next_due;		     /* ms: no timer fires before */
	const struct synq_config *cfg;	     /* the ports' addresses and subnets */
	synq_neigh_free_t free_pkt;
	struct synq_counters *ctr; /* the worker's counters; NULL: none kept */
};

/** A solicitation the caller is to send: ARP request or neighbour solicitation. */
struct synq_neigh_solicit {
	uint16_t port;
	uint8_t family;
	bool unicast;		   /* to @c mac (PROBE); else broadcast / solicited-node */
	uint8_t addr[16];	   /* the target, as the key */
	struct rte_ether_addr mac; /* the destination when @c unicast */
};

/**
 * Empty @p t. @p cfg (validated, read-only for the table's life) gives each port's
 * addresses and subnets; @p free_pkt frees what the table drops; @p ctr, when not
 * NULL, is the worker's counters. Control plane.
 */
void synq_neigh_init(struct synq_neigh_table *t, const struct synq_config *cfg,
	synq_neigh_free_t free_pkt, struct synq_counters *ctr);

/**
 * Free every packet @p t holds queued (counted as SynqNeighUnresolvedDrops) and every
 * entry: before the table is dropped or synq_neigh_init() runs on it again (which
 * frees nothing: it takes memory in any state), or when a port's link changes. The
 * table stays usable. Control plane.
 */
void synq_neigh_flush(struct synq_neigh_table *t);

/**
 * Where to send @p pkt for next hop @p addr (as synq_route_hop.addr) on @p port, at
 * time @p now. Takes @p pkt unless it returns 0.
 *
 * @return
 *   - 0: @p mac is the next hop's; the caller sends @p pkt (a STALE entry enters DELAY,
 *     RFC 4861 7.3.3).
 *   - 1: @p pkt is queued (or, with @p pkt NULL, nothing was); when a new entry was
 *     made, @p sol holds the first multicast solicitation to send and @p *solicit is
 *     true.
 *   - -EINVAL: @p addr is no unicast neighbour of @p port (not on one of its subnets,
 *     IPv6 link-local aside; one of our own addresses; broadcast, multicast,
 *     unspecified); -ENOBUFS: the entry's queue is full; -EHOSTUNREACH: the entry
 *     FAILED lately; -ENOSPC: the table is full. @p pkt was freed and counted.
 */
int synq_neigh_lookup(struct synq_neigh_table *t, uint16_t port, uint8_t family,
	const uint8_t addr[16], void *pkt, uint64_t now, struct rte_ether_addr *mac,
	struct synq_neigh_solicit *sol, bool *solicit);

/**
 * What a neighbour said about itself, by RFC 4861 7.2.5: an advertisement with a
 * target link-layer address (@p solicited and @p override its S and O flags), an ARP
 * reply (solicited when unicast to us, override), or an ARP request or gratuitous ARP
 * from @p addr (not solicited, override: RFC 826 merges the sender's MAC). Only an
 * entry that exists is updated; none is ever created.
 *
 * @param out Receives the packets queued while INCOMPLETE, oldest first, for the
 *   caller to send to @p mac: room for SYNQ_NEIGH_QUEUE.
 * @return how many packets @p out holds (0 or more), -ENOENT when no entry exists
 *   (nothing done), -EINVAL when @p mac is not a unicast address (counted; nothing done).
 */
int synq_neigh_advert(struct synq_neigh_table *t, uint16_t port, uint8_t family,
	const uint8_t addr[16], const struct rte_ether_addr *mac, bool solicited, bool override,
	uint64_t now, void **out);

/**
 * An upper-layer confirmation (RFC 4861 7.3.1): the peer at @p addr acknowledged new
 * data, so an entry with a MAC becomes REACHABLE. No-op otherwise.
 */
void synq_neigh_confirm(struct synq_neigh_table *t, uint16_t port, uint8_t family,
	const uint8_t addr[16], uint64_t now);

/**
 * Run the timers due at @p now: retransmit multicast solicitations (INCOMPLETE) and
 * unicast probes (PROBE) every SYNQ_NEIGH_RETRANS_MS, REACHABLE to STALE, DELAY to
 * PROBE, give up (FAILED, its queued packets freed), free FAILED and idle STALE entries.
 * Returns at once when nothing is due. A clock that went back (a caller's 32-bit
 * milliseconds wrap every 49.7 days) fires at once every timer armed before, rather
 * than when the clock is back where it was.
 *
 * @param sol Receives the solicitations to send, at most @p max; the ones beyond stay
 *   due for the next call.
 * @return how many @p sol holds.
 */
unsigned int synq_neigh_timers(
	struct synq_neigh_table *t, uint64_t now, struct synq_neigh_solicit *sol, unsigned int max);

/** The state of the entry for (port, family, addr), SYNQ_NEIGH_FREE when none. */
enum synq_neigh_state synq_neigh_state(
	const struct synq_neigh_table *t, uint16_t port, uint8_t family, const uint8_t addr[16]);

#endif /* SYNQ_NEIGH_H */
