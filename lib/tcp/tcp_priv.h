/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_TCP_PRIV_H
#define SYNQ_TCP_PRIV_H

#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "synq_iface.h"
#include "synq_tcp.h"
#include "synq_tcp_opts.h"

/* Who a reply goes to: everything but the numbers. */
struct tcp_peer {
	uint8_t family;
	uint8_t caddr[16];	      /* the client's address */
	uint8_t saddr[16];	      /* ours */
	uint16_t cport;		      /* network order */
	uint16_t sport;		      /* network order */
	struct rte_ether_addr cmac;   /* the client's next hop */
};

/*
 * Build a whole frame in @p m, from its data offset: Ethernet (with the port's VLAN
 * tag), IPv4 or IPv6, TCP with @p flags, @p seq, @p ack, @p win and the @p opt_len
 * bytes of options at @p opt. Checksums are computed, or left to the NIC when the
 * port offloads them. @p m's old content may be the source of @p p and @p opt only if
 * they were copied out first. Returns 0, or -ENOSPC when @p m is too small.
 */
int tcp_build(struct rte_mbuf *m, const struct synq_iface *ifc, const struct tcp_peer *p,
	uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win, const uint8_t *opt,
	unsigned int opt_len);

/* NOP NOP + timestamps (RFC 7323 appendix A's layout) at @p buf; returns 12. */
unsigned int tcp_opt_ts(uint8_t *buf, uint32_t tsval, uint32_t tsecr);

#endif /* SYNQ_TCP_PRIV_H */
