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

#include "synq_config.h"
#include "synq_stats.h"

/* Our addresses on one port; read-only once the workers run. */
struct synq_iface {
	uint16_t port_id;
	uint16_t vlan; /* 802.1Q id; 0 = untagged */
	struct rte_ether_addr mac;
	uint32_t ipv4[SYNQ_MAX_ADDRS]; /* network byte order */
	unsigned int nb_ipv4;
	/* configured addresses, then the link-local one derived from the MAC */
	uint8_t ipv6[SYNQ_MAX_ADDRS + 1][16];
	unsigned int nb_ipv6;
};

/**
 * Fill @p ifc from the port's config, with @p mac the address the port really uses
 * (configured or the device's) and the link-local IPv6 address derived from it
 * (RFC 4291 appendix A).
 */
void synq_iface_init(struct synq_iface *ifc, uint16_t port_id, const struct synq_config_port *cp,
	const struct rte_ether_addr *mac);

/** True when @p addr (network order) is one of the port's IPv4 addresses. */
bool synq_iface_has_ipv4(const struct synq_iface *ifc, uint32_t addr);

/** True when @p addr is one of the port's IPv6 addresses (link-local included). */
bool synq_iface_has_ipv6(const struct synq_iface *ifc, const uint8_t addr[16]);

/**
 * Handle a burst of frames received on the port of @p ifc.
 *
 * Each frame ends up in exactly one of two arrays: @p tx when a reply was built in
 * it (send it out of the same port), @p drop otherwise (the caller frees it). Every
 * drop is counted in @p ctr under its reason.
 *
 * Thread safety: one caller per @p ctr (the owning lcore); @p ifc is read only.
 *
 * @return the number of frames put in @p tx; *@p nb_drop gets the number in @p drop.
 */
uint16_t synq_net_input(const struct synq_iface *ifc, struct synq_counters *ctr,
	struct rte_mbuf **pkts, uint16_t n, struct rte_mbuf **tx, struct rte_mbuf **drop,
	uint16_t *nb_drop);

/**
 * Build in @p m (empty, from a pool) a gratuitous ARP announcement (RFC 5227 2.3)
 * of the port's IPv4 address number @p addr_idx.
 *
 * @return 0, or -ENOSPC if @p m is too small, -EINVAL for a bad index.
 */
int synq_net_build_garp(const struct synq_iface *ifc, unsigned int addr_idx, struct rte_mbuf *m);

#endif /* SYNQ_NET_H */
