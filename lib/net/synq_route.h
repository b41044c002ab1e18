/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_ROUTE_H
#define SYNQ_ROUTE_H

/**
 * @file
 * Routes for what synq sends itself (issue 13): the next hop of a destination, by
 * longest-prefix match over the configured routes ("routes") and the ports' on-link
 * subnets (ports[].ipv4 / ipv6 with a "/len"). Replies to clients never look here:
 * they go back to the frame's source MAC.
 *
 * Built once at start from the validated config, read-only afterwards: every worker
 * may look up at the same time, with no lock and no write. Needs no EAL.
 *
 * Layout and cost: each family's entries in one array sorted by prefix length, longest
 * first, so the first entry that matches is the longest match. A lookup compares the
 * destination, masked, with each entry until one matches: one AND and compare an entry
 * for IPv4 (16-byte entries, four a cache line), two for IPv6, at most
 * SYNQ_ROUTE_MAX entries. With tens of routes that is tens of nanoseconds, for an
 * active open or a health check, never per packet; a trie (DPDK's rte_lpm) pays off
 * only with thousands of routes.
 */

#include <stdbool.h>
#include <stdint.h>

#include "synq_config.h"

/** Entries of one family at most: every route, and a subnet for every address. */
#define SYNQ_ROUTE_MAX (SYNQ_MAX_ROUTES + SYNQ_MAX_PORTS * SYNQ_MAX_ADDRS)

/** An IPv4 entry; host byte order but @c via. */
struct synq_route_v4 {
	uint32_t net;  /* the prefix, host bits zero */
	uint32_t mask; /* its prefix length as a mask; 0 for /0 */
	uint32_t via;  /* network order: the next hop, or 0 for on-link (next hop = dst) */
	uint16_t port; /* index into synq_config.ports */
	uint8_t src;   /* our address to send from: index into ports[port].ipv4 */
	uint8_t plen;
};

/** An IPv6 entry; the halves of prefix and mask in host byte order. */
struct synq_route_v6 {
	uint64_t net[2];
	uint64_t mask[2];
	uint8_t via[16]; /* the next hop; all zero for on-link (next hop = dst) */
	uint16_t port;	 /* index into synq_config.ports */
	uint8_t src;	 /* our address to send from: index into ports[port].ipv6 */
	uint8_t plen;
};

/** The table: written by synq_route_build() only, then read by anyone. */
struct synq_route_table {
	struct synq_route_v4 v4[SYNQ_ROUTE_MAX]; /* longest prefix first */
	unsigned int nb_v4;
	struct synq_route_v6 v6[SYNQ_ROUTE_MAX]; /* longest prefix first */
	unsigned int nb_v6;
};

/** Where a destination's packets go. */
struct synq_route_hop {
	uint16_t port;	  /* index into synq_config.ports (and synq_ports.port) */
	uint8_t src;	  /* index of our source address among the port's of the family */
	bool onlink;	  /* the destination is on the port's link: @c addr is it */
	uint8_t addr[16]; /* the next hop to resolve: IPv4 in the first 4 bytes, network order */
};

/**
 * Fill @p rt from @p cfg (as synq_config_parse() validated it): one on-link entry for
 * each distinct subnet of a port's addresses (a host address, /32 or /128, has none),
 * the source the first address of the port in that subnet; one entry for each route,
 * its source the port's address whose subnet holds the next hop (the port's first IPv6
 * address for a link-local next hop). Control plane; not thread safe.
 *
 * @return 0, or -EINVAL when @p cfg holds what the parser refuses (a route's port out
 *   of range, a link-local next hop on a port without an IPv6 address).
 */
int synq_route_build(struct synq_route_table *rt, const struct synq_config *cfg);

/**
 * The next hop of IPv4 destination @p dst (network order) into @p hop. The caller
 * passes a unicast destination; the table does not know broadcast from host, nor
 * our own addresses from others. Thread safe (read only).
 *
 * @return 0, or -ENETUNREACH when no entry holds @p dst (@p hop untouched).
 */
int synq_route_lookup4(const struct synq_route_table *rt, uint32_t dst,
	struct synq_route_hop *hop);

/**
 * The next hop of IPv6 destination @p dst, as synq_route_lookup4(). A link-local
 * destination is on every port's link: it has no route unless a port's address gives
 * its subnet (fe80::1/64), never one through a router. Multicast and IPv4-mapped
 * destinations are the caller's to refuse, as broadcast is for IPv4.
 *
 * @return 0, or -ENETUNREACH.
 */
int synq_route_lookup6(
	const struct synq_route_table *rt, const uint8_t dst[16], struct synq_route_hop *hop);

/**
 * Our address to send from towards neighbour @p via (family 4 or 6; IPv4 in the first
 * 4 bytes, network order) on port @p cp: the one whose subnet holds @p via, the
 * longest such; for an IPv6 @p via on no subnet (link-local), the port's first
 * address that is not link-local, else its first. Thread safe.
 *
 * @return the index among the port's addresses of the family, or -1 when it has none.
 */
int synq_route_source(const struct synq_config_port *cp, uint8_t family, const uint8_t *via);

#endif /* SYNQ_ROUTE_H */
