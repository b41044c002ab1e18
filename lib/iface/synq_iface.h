/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_IFACE_H
#define SYNQ_IFACE_H

/**
 * @file
 * Our addresses on one port, as the packet handlers need them. Built by the port
 * module at start, read-only afterwards. No EAL needed.
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "synq_config.h"

/* An IPv6 address's state (RFC 4862 5.4), in synq_iface_live.ipv6_state. */
#define SYNQ_IP6_PREFERRED 0 /* usable: answered, a TCP destination and source */
#define SYNQ_IP6_TENTATIVE 1 /* duplicate address detection runs: not used yet */
#define SYNQ_IP6_DUPLICATE 2 /* another node has it: never used */

/* Of the IPv6 addresses, the addresses synq_iface.ipv6 has room for. */
#define SYNQ_IFACE_MAX_IPV6 (SYNQ_MAX_ADDRS + 1)

/*
 * What changes on a port while its workers run: its IPv6 addresses' states and the
 * MLD answer's budget. Shared by every worker of the port (C11 atomics); the
 * start-up fields are the worker's of the port's rx queue 0 alone.
 */
struct synq_iface_live {
	/* SYNQ_IP6_*, as synq_iface.ipv6: rx queue 0's worker turns TENTATIVE into
	 * PREFERRED, any worker TENTATIVE into DUPLICATE (compare and swap, so that
	 * only one of them counts it); read by every worker per packet */
	_Atomic uint8_t ipv6_state[SYNQ_IFACE_MAX_IPV6];
	/* no MLD report answers a query before this TSC: any worker (compare and swap) */
	_Atomic uint64_t mld_answer_tsc;
	/* an address became DUPLICATE and rx queue 0's worker has not logged it yet:
	 * set by the worker that saw it, cleared by rx queue 0's */
	_Atomic bool dup_pending;
	/* rx queue 0's worker only: the start (DAD probes and MLD reports) */
	bool started;	      /* the first report and the probes went out */
	uint8_t reports_left; /* unsolicited reports still to send (RFC 3810 9.1) */
	uint64_t report_tsc;  /* when the next one goes */
	uint64_t dad_end_tsc; /* when the tentative addresses become preferred; 0: done */
	uint32_t dup_logged;  /* bit i: address i's duplication was logged */
	/* this port's share of its worker's gauge SynqIp6Tentative (the sum over the
	 * ports whose rx queue 0 the worker polls) */
	uint32_t tentative_shown;
};

/* Our addresses on one port; read-only once the workers run (but *live). */
struct synq_iface {
	uint16_t port_id;
	uint16_t vlan; /* 802.1Q id; 0 = untagged */
	struct rte_ether_addr mac;
	uint32_t ipv4[SYNQ_MAX_ADDRS]; /* network byte order */
	unsigned int nb_ipv4;
	/* configured addresses, then the link-local one derived from the MAC */
	uint8_t ipv6[SYNQ_IFACE_MAX_IPV6][16];
	unsigned int nb_ipv6;
	bool tx_cksum_offload; /* the port computes IPv4 and TCP checksums on transmit */
	/* the port's changing state (lib/port's); NULL: every address preferred, no
	 * MLD answer budget (unit tests, fuzzing) */
	struct synq_iface_live *live;
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

/**
 * The state (SYNQ_IP6_*) of the port's IPv6 address number @p idx: PREFERRED with no
 * live state. Any worker of the port.
 */
static inline uint8_t
synq_iface_ipv6_state(const struct synq_iface *ifc, unsigned int idx)
{
	if (ifc->live == NULL)
		return SYNQ_IP6_PREFERRED;
	return atomic_load_explicit(&ifc->live->ipv6_state[idx], memory_order_relaxed);
}

/**
 * May the port's IPv6 address number @p idx be used: answered, a TCP destination
 * or source (RFC 4862 5.4: not while tentative, never once duplicate). Any worker.
 */
static inline bool
synq_iface_ipv6_usable(const struct synq_iface *ifc, unsigned int idx)
{
	return synq_iface_ipv6_state(ifc, idx) == SYNQ_IP6_PREFERRED;
}

/**
 * Set up @p live for @p ifc and link them: every IPv6 address tentative when @p dad,
 * else preferred. Control plane, before the workers run.
 */
void synq_iface_live_init(struct synq_iface *ifc, struct synq_iface_live *live, bool dad);

#endif /* SYNQ_IFACE_H */
