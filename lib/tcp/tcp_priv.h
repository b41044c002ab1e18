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

/*
 * tcp_build() with @p len bytes of payload after the options, copied from the chain
 * of segments @p src (linked by next) from byte @p off on.
 */
int tcp_build_data(struct rte_mbuf *m, const struct synq_iface *ifc, const struct tcp_peer *p,
	uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win, const uint8_t *opt,
	unsigned int opt_len, const struct rte_mbuf *src, uint32_t off, uint16_t len);

/* NOP NOP + timestamps (RFC 7323 appendix A's layout) at @p buf; returns 12. */
unsigned int tcp_opt_ts(uint8_t *buf, uint32_t tsval, uint32_t tsecr);

/* Sequence number comparisons, modulo 2^32 (RFC 9293 3.4). */
#define SEQ_LT(a, b) ((int32_t)((a) - (b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((a) - (b)) <= 0)
#define SEQ_GT(a, b) ((int32_t)((a) - (b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((a) - (b)) >= 0)

/* tcp_conn.c: the connections of the flow table (the data path) */

/* A segment of @p c, a connection in the flow table that is not closed. */
enum synq_tcp_verdict tcp_conn_input(struct synq_tcp_worker *tw, struct synq_counters *ctr,
	struct synq_tcp_seg *seg, struct synq_conn *c, const struct rte_tcp_hdr *th, uint16_t doff);

/*
 * Start the TCP state of @p c, promoted by the final ACK @p th (its data, @p data_len
 * bytes, already trimmed into @p data, NULL when none; @p fin when it carried a FIN
 * after it), and put it in the flow table. Returns 0, or -ENOSPC when the table (or
 * the listener's share of it) is full: then nothing was changed.
 */
int tcp_conn_start(struct synq_tcp_worker *tw, struct synq_conn *c, const struct rte_tcp_hdr *th,
	const struct synq_tcp_opts *o, struct rte_mbuf *data, uint16_t data_len, bool fin);

/* Undo tcp_conn_start() for a connection that could not be published. */
void tcp_conn_unstart(struct synq_tcp_worker *tw, struct synq_conn *c);

/* The timers of a budget of flow-table slots. */
void tcp_conn_timers(struct synq_tcp_worker *tw, struct synq_counters *ctr);

#endif /* SYNQ_TCP_PRIV_H */
