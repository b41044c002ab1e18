/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_RESOLVE_H
#define SYNQ_RESOLVE_H

/**
 * @file
 * Sending what synq originates itself (issue 13: connections to backends, health
 * checks): route lookup (synq_route.h), then the worker's neighbour table
 * (synq_neigh.h), then an Ethernet header and the worker's tx queue of the route's
 * port. Also what the table asks for (ARP requests, neighbour solicitations) and what
 * it is told (the facts ARP and neighbour discovery bring, on this worker's queues or
 * posted by another worker of the same port).
 *
 * One resolver per worker, written by that worker only. Replies to clients never come
 * here: they go back to the frame's source MAC (synq_net.h).
 *
 * Needs no EAL but the mempool the solicitations come from; tests drive it with fake
 * mbufs.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "synq_config.h"
#include "synq_iface.h"
#include "synq_neigh.h"
#include "synq_route.h"
#include "synq_stats.h"

/** synq_neigh_fact.flags: an ARP reply or advertisement solicited by us (S flag). */
#define SYNQ_NEIGH_FACT_SOLICITED 0x01
/** synq_neigh_fact.flags: the sender may replace a MAC known (O flag; ARP always). */
#define SYNQ_NEIGH_FACT_OVERRIDE 0x02
/**
 * synq_neigh_fact.flags: an advertisement without a target link-layer option (the fact's
 * MAC zero): solicited, it confirms the MAC an entry holds (RFC 4861 7.2.5), as a
 * Linux host answers a unicast probe; else it says nothing.
 */
#define SYNQ_NEIGH_FACT_NO_LLADDR 0x04

/**
 * What an ARP or neighbour discovery message said about its sender, as the table takes
 * it (synq_neigh_advert()): the record the worker that received the message applies,
 * then posts to the other workers of the port (RSS puts ARP on one queue and spreads
 * ND by its addresses: the worker that asked is often not the one that hears the
 * answer). 32 bytes, by value on the rings.
 */
struct synq_neigh_fact {
	uint8_t addr[16];	   /* the neighbour: IPv4 in the first 4 bytes, rest zero */
	struct rte_ether_addr mac; /* its link-layer address, a unicast one (zero: NO_LLADDR) */
	uint16_t port;		   /* index into synq_config.ports */
	uint8_t family;		   /* SYNQ_NEIGH_V4 or SYNQ_NEIGH_V6 */
	uint8_t flags;		   /* SYNQ_NEIGH_FACT_* */
	uint8_t pad[6];
};

/**
 * Hand @p n frames to the worker's tx queue of port @p port (index into
 * synq_config.ports); the callee frees what it could not send and counts it.
 */
typedef void (*synq_net_tx_t)(void *arg, uint16_t port, struct rte_mbuf **pkts, uint16_t n);

/** Solicitations one call of synq_net_resolve_timers() sends at most. */
#define SYNQ_RESOLVE_BURST 16

/** A worker's resolver: written by its worker only. */
struct synq_net_resolver {
	struct synq_neigh_table *neigh;	       /* the worker's table */
	const struct synq_route_table *routes; /* shared, read only */
	const struct synq_config *cfg;	       /* the ports' addresses and subnets */
	/* by port index: the port's addresses and MAC, NULL where the worker has no tx queue */
	const struct synq_iface *iface[SYNQ_MAX_PORTS];
	struct rte_mempool *pool;  /* the solicitations' mbufs; NULL: none sent */
	struct synq_counters *ctr; /* the worker's */
	synq_net_tx_t tx;
	void *tx_arg;
	uint64_t now_ms; /* the worker's clock for the table, never going back */
};

/**
 * Send @p m, an IPv4 or IPv6 packet from its IP header on (its data starts there;
 * checksums done, or asked of the NIC in its ol_flags, by the caller), to @p dst of
 * @p family (SYNQ_NEIGH_V4: its first 4 bytes, network order; SYNQ_NEIGH_V6: 16
 * bytes), the packet's own destination: the route gives the port and next hop, the
 * neighbour table the next hop's MAC; the Ethernet header (with the port's 802.1Q tag)
 * is written in @p m's headroom (m->l2_len set), zero padding added up to the Ethernet
 * minimum, and @p m goes out on the worker's tx queue of that port. An unresolved next
 * hop queues @p m (SYNQ_NEIGH_QUEUE at most a next hop) and a solicitation goes out.
 * Takes @p m in every case. Owning lcore only; not for replies to clients (they go
 * back to the frame's source MAC).
 *
 * @return
 *   - 0: handed to the tx queue (a full tx queue counts its own drop);
 *   - 1: queued until the next hop resolves (sent then, or dropped and counted);
 *   - a negative errno: dropped and counted: -EINVAL a family not 4 or 6, a
 *     destination that is no single host or is loopback (multicast, broadcast,
 *     unspecified, IPv4-mapped, 0.0.0.0/8, 127/8, ::1) or no headroom for the Ethernet header
 *     (SynqRouteBadPacket); -ENETUNREACH no route (SynqRouteNoRoute); -ENXIO the
 *     route's port is not one this worker polls, where it has no tx queue
 *     (SynqRouteNoTxq); the table's errors as synq_neigh_lookup() (-ENOBUFS,
 *     -EHOSTUNREACH, -ENOSPC, -EINVAL), counted by it.
 */
int synq_net_send_routed(
	struct synq_net_resolver *r, struct rte_mbuf *m, uint8_t family, const uint8_t *dst);

/**
 * synq_net_send_routed() for a packet that must leave by port @p via (NULL: any): that
 * of the connection it belongs to, whose replies come back there only. A route that
 * goes out another port drops it: -EXDEV, counted (SynqRouteWrongPort).
 */
int synq_net_send_routed_via(struct synq_net_resolver *r, struct rte_mbuf *m, uint8_t family,
	const uint8_t *dst, const struct synq_iface *via);

/** Set the resolver's clock to @p now_ms unless that is behind it. Owning lcore only. */
static inline void
synq_net_resolve_clock(struct synq_net_resolver *r, uint64_t now_ms)
{
	if (now_ms > r->now_ms)
		r->now_ms = now_ms;
}

/**
 * Run the table's timers at the resolver's clock and send the solicitations they ask
 * for (SYNQ_RESOLVE_BURST at most; the rest stay due). A solicitation with no mbuf,
 * or from a port with no address of the family, is counted (SynqNeighSolicitFailed).
 * Owning lcore only.
 *
 * @return the solicitations handed to the tx queues.
 */
unsigned int synq_net_resolve_timers(struct synq_net_resolver *r);

/**
 * Apply @p fact to the table (synq_neigh_advert(): an existing entry only) and send
 * the packets it held, if the next hop just resolved; a solicited fact without a MAC
 * (SYNQ_NEIGH_FACT_NO_LLADDR) makes an entry that holds one REACHABLE
 * (synq_neigh_confirm()). Owning lcore only.
 *
 * @return the packets released (0 or more), or -ENOENT (no entry: nothing done), or
 *   -EINVAL (a MAC that is no unicast one, counted by the table as SynqNeighBadMac;
 *   or a port this worker does not send on, which no fact a worker posts names).
 */
int synq_net_resolve_fact(struct synq_net_resolver *r, const struct synq_neigh_fact *fact);

/**
 * Build in @p m (empty, from a pool) the solicitation @p sol on the port of @p ifc and
 * @p cp: an ARP request (RFC 826; broadcast, or to @c sol->mac when unicast) from our
 * address on the target's subnet, or a neighbour solicitation (RFC 4861 4.3, 7.2.2)
 * to the target's solicited-node multicast group (unicast to the target when
 * @c sol->unicast) with our source link-layer address option, from our address on
 * the target's subnet (the port's first global one for a link-local target, as
 * synq_route_source()).
 *
 * @return 0, or -ENOSPC when @p m is too small, -EINVAL when the port has no address
 *   of the family, -EADDRNOTAVAIL when that IPv6 source is still tentative or found
 *   duplicate (RFC 4862 5.4: nothing sent; the caller counts SynqNeighSolicitFailed).
 */
int synq_net_build_solicit(const struct synq_iface *ifc, const struct synq_config_port *cp,
	const struct synq_neigh_solicit *sol, struct rte_mbuf *m);

#endif /* SYNQ_RESOLVE_H */
