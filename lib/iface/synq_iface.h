/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_IFACE_H
#define SYNQ_IFACE_H

/**
 * @file
 * Our addresses on one port, as the packet handlers need them. Built by the port
 * module at start, read-only afterwards. No EAL needed.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "synq_config.h"

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
	bool tx_cksum_offload; /* the port computes IPv4 and TCP checksums on transmit */
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
 * The index of @p addr (network order) among the port's IPv4 addresses, or -1.
 */
int synq_iface_ipv4_index(const struct synq_iface *ifc, uint32_t addr);

/** The index of @p addr among the port's IPv6 addresses (link-local last), or -1. */
int synq_iface_ipv6_index(const struct synq_iface *ifc, const uint8_t addr[16]);

#endif /* SYNQ_IFACE_H */
