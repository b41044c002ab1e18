/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_NET_H
#define SYNQ_NET_H

/**
 * @file
 * The host side of a port: parse Ethernet (+802.1Q), answer ARP, ICMP echo, ICMPv6
 * echo and neighbour solicitation for our addresses, hand TCP on, count and drop the
 * rest. Replies are built in place, in the mbuf that brought the request.
 *
 * Needs no EAL: tests drive it with fake mbufs (single segment, any buffer).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "synq_iface.h"
#include "synq_resolve.h"
#include "synq_stats.h"
#include "synq_tcp.h"

/**
 * A token bucket: @c burst replies at once, then one each @c tsc_per_token cycles.
 * Fields are the owning lcore's; read them only in tests.
 */
struct synq_net_bucket {
	uint64_t tsc_per_token; /* TSC cycles that earn one token; 0: no limit */
	uint64_t earned_tsc;	/* the tokens were earned up to this TSC */
	uint32_t tokens;	/* replies that may go now */
	uint32_t burst;		/* the most tokens the bucket holds */
};

/** Neighbour facts one synq_net_input() call keeps: two a frame of a burst. */
#define SYNQ_NET_FACTS 64

/**
 * A worker's own state at the network layer: the budgets of the replies that answer
 * anyone (echo), so that a flood of requests is not reflected one for one. One per
 * worker lcore, written by that lcore only.
 */
struct synq_net_worker {
	uint64_t now_tsc; /* the poll's TSC, from synq_net_clock() */
	uint64_t tsc_hz;  /* TSC cycles a second */
	struct synq_net_bucket echo; /* ICMP and ICMPv6 echo replies, both */
	/* what the ARP and ND messages of the last synq_net_input() call said of their
	 * senders, for the caller to apply and post (its port left for it to fill in);
	 * more are dropped and counted (SynqNeighFactsLost) */
	uint16_t nb_facts;
	struct synq_neigh_fact facts[SYNQ_NET_FACTS];
};

/**
 * Set up @p nw: an echo budget of @p echo_per_s replies a second (0: no limit) and
 * bursts of @p echo_burst (at least 1), full at @p now_tsc, on a TSC of @p tsc_hz
 * (config icmp.echo_per_s and icmp.echo_burst, as Linux's icmp_msgs_per_sec and
 * icmp_msgs_burst).
 */
void synq_net_worker_init(struct synq_net_worker *nw, uint64_t tsc_hz, uint32_t echo_per_s,
	uint32_t echo_burst, uint64_t now_tsc);

/** The time of the next burst: the TSC of the poll. Owning lcore only. */
static inline void
synq_net_clock(struct synq_net_worker *nw, uint64_t tsc)
{
	nw->now_tsc = tsc;
}

/**
 * Handle a burst of frames received on the port of @p ifc, the worker's rx queue
 * number @p rxq_idx; TCP segments go to the worker's handshake engine @p tcp (NULL:
 * no listeners, every segment is answered as for a closed port). @p nw holds the
 * worker's reply budgets (NULL: no budget, for benchmarks and fuzzing only).
 *
 * Each frame ends up in one of two arrays: @p tx when a reply was built in it (send
 * it out of the same port), @p drop when the caller should free it (dropped and
 * counted under its reason, or handled with nothing to send) — or in neither, when a
 * connection kept it (data that came with a final ACK).
 *
 * What ARP requests and replies, neighbour solicitations (their source link-layer
 * option) and advertisements (their target link-layer option; a solicited one without it
 * confirms the MAC held) said of a neighbour, as
 * RFC 826 and RFC 4861 7.2.3 and 7.2.5 allow a host to learn it (a sender that is one
 * station, never a group; an ARP sender whose hardware address is the frame's source),
 * is left in @p nw's facts for the caller: it applies them to the neighbour tables
 * (synq_net_resolve_fact()), which update next hops they hold and create none.
 *
 * Thread safety: one caller per @p ctr, @p nw and @p tcp (the owning lcore); @p ifc
 * is read only.
 *
 * @return the number of frames put in @p tx; *@p nb_drop gets the number in @p drop.
 */
uint16_t synq_net_input(const struct synq_iface *ifc, struct synq_counters *ctr,
	struct synq_net_worker *nw, struct synq_tcp_worker *tcp, uint8_t rxq_idx,
	struct rte_mbuf **pkts, uint16_t n, struct rte_mbuf **tx, struct rte_mbuf **drop,
	uint16_t *nb_drop);

/**
 * Build in @p m (empty, from a pool) a gratuitous ARP announcement (RFC 5227 2.3)
 * of the port's IPv4 address number @p addr_idx.
 *
 * @return 0, or -ENOSPC if @p m is too small, -EINVAL for a bad index.
 */
int synq_net_build_garp(const struct synq_iface *ifc, unsigned int addr_idx, struct rte_mbuf *m);

/* mld.c: IPv6 as a host at start, RFC 3810 (MLDv2) and RFC 4862 5.4 (DAD) */

/** The frames synq_net_host6_start() or synq_net_host6_tick() may return at once. */
#define SYNQ_NET_HOST6_MAX_FRAMES (SYNQ_IFACE_MAX_IPV6 + 1)

/**
 * Build in @p m (empty, from a pool) an MLDv2 report (RFC 3810 5.2) to ff02::16 of
 * the solicited-node groups of the port's IPv6 addresses (those not found duplicate),
 * one record each: CHANGE_TO_EXCLUDE_MODE with no source when @p change (a join, 6.1),
 * else MODE_IS_EXCLUDE (an answer to a query, 6.2). Hop limit 1 and a Hop-by-Hop
 * header with the Router Alert option (5); the source is the port's first preferred
 * link-local address, or :: while none is (5.2.13).
 *
 * @return 0, or -ENOSPC if @p m is too small.
 */
int synq_net_build_mld_report(const struct synq_iface *ifc, bool change, struct rte_mbuf *m);

/**
 * Build in @p m (empty, from a pool) the duplicate address detection probe of the
 * port's IPv6 address number @p addr_idx (RFC 4862 5.4.2): a neighbour solicitation
 * from :: to the address's solicited-node group, the address as target, no option.
 *
 * @return 0, or -ENOSPC if @p m is too small, -EINVAL for a bad index.
 */
int synq_net_build_dad_ns(const struct synq_iface *ifc, unsigned int addr_idx, struct rte_mbuf *m);

/**
 * The port's IPv6 start, once its link is up (the first announcement): the first
 * MLD report and one DAD probe per tentative address, frames from @p pool put in
 * @p out (room for SYNQ_NET_HOST6_MAX_FRAMES). Its DAD ends a second later and a
 * second report follows then (RFC 3810 [Robustness Variable] 2), from
 * synq_net_host6_tick(). Does nothing on a port without live state or started
 * already. Only the worker of the port's rx queue 0.
 *
 * @return the number of frames put in @p out.
 */
unsigned int synq_net_host6_start(const struct synq_iface *ifc, struct synq_counters *ctr,
	uint64_t now_tsc, uint64_t tsc_hz, struct rte_mempool *pool, struct rte_mbuf **out);

/**
 * The port's IPv6 timers: its tentative addresses become preferred when their DAD
 * ends with no answer, an address found duplicate is logged (once, error level),
 * the repeated report goes. A few loads when there is nothing to do. Only the worker
 * of the port's rx queue 0.
 *
 * @return the number of frames put in @p out (room for SYNQ_NET_HOST6_MAX_FRAMES).
 */
unsigned int synq_net_host6_tick(const struct synq_iface *ifc, struct synq_counters *ctr,
	uint64_t now_tsc, uint64_t tsc_hz, struct rte_mempool *pool, struct rte_mbuf **out);

#endif /* SYNQ_NET_H */
