/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_PROXYPROTO_H
#define SYNQ_PROXYPROTO_H

/**
 * @file
 * PROXY protocol headers (HAProxy's doc/proxy-protocol.txt, versions 1 and 2), as the
 * proxy application writes them at the start of a connection to a backend so that the
 * backend sees the client's address and port instead of ours.
 *
 * Encoders only (synq never accepts the protocol): each writes one whole header into
 * the caller's buffer and returns its length; on any error the buffer is left as it
 * was, so a header is never sent half written. No allocation, no locale, nothing but
 * the arguments: any lcore, any number of threads at once.
 */

#include <stddef.h>
#include <stdint.h>

/**
 * Longest version 1 line, CRLF included, that a receiver must accept (spec 2.1, the
 * "PROXY UNKNOWN" worst case): a buffer this long holds any line written here (the
 * longest, TCP6 with two full-length addresses, is SYNQ_PROXYPROTO_V1_TCP6_MAX).
 */
#define SYNQ_PROXYPROTO_V1_MAX 107
#define SYNQ_PROXYPROTO_V1_TCP4_MAX 56	/* spec 2.1: "PROXY TCP4 255.255.255.255 ..." */
#define SYNQ_PROXYPROTO_V1_TCP6_MAX 104 /* spec 2.1: "PROXY TCP6 ffff:...:ffff ..." */

/** Version 2: the 16-byte fixed part, then 12 (TCP over IPv4) or 36 (IPv6) bytes. */
#define SYNQ_PROXYPROTO_V2_HDR_LEN 16
#define SYNQ_PROXYPROTO_V2_TCP4_LEN (SYNQ_PROXYPROTO_V2_HDR_LEN + 12)
#define SYNQ_PROXYPROTO_V2_TCP6_LEN (SYNQ_PROXYPROTO_V2_HDR_LEN + 36)
#define SYNQ_PROXYPROTO_V2_MAX SYNQ_PROXYPROTO_V2_TCP6_LEN

/** The client side of a proxied connection, as the session holds it. */
struct synq_proxyproto_addrs {
	uint8_t family;	 /* 4 or 6 */
	uint8_t src[16]; /* the client's address; IPv4 in the first 4 bytes */
	uint8_t dst[16]; /* the address the client connected to (ours) */
	uint16_t sport;	 /* the client's port, network order */
	uint16_t dport;	 /* the port the client connected to, network order */
};

/**
 * Write the version 1 line "PROXY TCP4|TCP6 <src> <dst> <sport> <dport>\r\n" (spec
 * 2.1): IPv4 in dotted decimal without leading zeros, IPv6 in the canonical text form
 * of RFC 5952 (lower case, no leading zeros, the longest run of two or more zero groups
 * as "::", never a dotted IPv4 tail), ports in decimal. No terminating NUL.
 *
 * @return the length written (at most SYNQ_PROXYPROTO_V1_TCP6_MAX), -EINVAL when
 *         @p a's family is neither 4 nor 6, -ENOSPC when @p size is too small.
 */
int synq_proxyproto_v1(void *buf, size_t size, const struct synq_proxyproto_addrs *a);

/**
 * Write "PROXY UNKNOWN\r\n" (15 bytes, the short form of spec 2.1): the receiver then
 * uses the connection's own addresses. For a connection whose client side cannot be
 * described; not for health checks, which some receivers refuse it for (spec 2.1).
 *
 * @return 15, or -ENOSPC.
 */
int synq_proxyproto_v1_unknown(void *buf, size_t size);

/**
 * Write a version 2 PROXY header (spec 2.2): the 12-byte signature, 0x21 (version 2,
 * command PROXY), 0x11 (TCP over IPv4) or 0x21 (TCP over IPv6), the address length in
 * network order (12 or 36), then source and destination address and port, network
 * order. No TLV.
 *
 * @return SYNQ_PROXYPROTO_V2_TCP4_LEN or SYNQ_PROXYPROTO_V2_TCP6_LEN, -EINVAL for a
 *         family neither 4 nor 6, -ENOSPC when @p size is too small.
 */
int synq_proxyproto_v2(void *buf, size_t size, const struct synq_proxyproto_addrs *a);

/**
 * Write a version 2 LOCAL header (spec 2.2): signature, 0x20 (version 2, command
 * LOCAL), 0x00 (UNSPEC), length 0: the connection is the proxy's own (a health check)
 * and the receiver uses its real endpoints.
 *
 * @return SYNQ_PROXYPROTO_V2_HDR_LEN, or -ENOSPC.
 */
int synq_proxyproto_v2_local(void *buf, size_t size);

#endif /* SYNQ_PROXYPROTO_H */
