/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_TCP_FRAME_H
#define SYNQ_TCP_FRAME_H

/*
 * The SYN-ACK of a SYN, written over the SYN in its own mbuf (tcp_frame.c). Apart from
 * tcp_priv.h, and in public types only, so that lib/tcp's unit tests can hold it
 * against the frame tcp_build() writes for the same SYN.
 */

#include <stdint.h>

#include "synq_iface.h"
#include "synq_tcp.h"
#include "synq_tcp_opts.h"

/*
 * The SYN-ACK answering the SYN @p seg, in @p seg->m: <SEQ=@p seq><ACK=@p ack>, window
 * @p win, options @p o. The same bytes as tcp_build() would write for the SYN's peer:
 * in place when the SYN allows it (one segment, the port's L2 layout, no IPv4 options
 * or IPv6 extension headers, no payload), else built whole by tcp_build(). Returns 0,
 * or -ENOSPC when the mbuf is too small.
 */
int tcp_synack_of_syn(struct synq_tcp_seg *seg, const struct synq_iface *ifc, uint32_t seq,
	uint32_t ack, uint16_t win, const struct synq_tcp_synack_opts *o);

#endif /* SYNQ_TCP_FRAME_H */
