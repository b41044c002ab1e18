/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_CKSUM_H
#define SYNQ_CKSUM_H

/**
 * @file
 * Internet checksums (RFC 1071) of the frames a port receives and sends, computed
 * in software where the NIC does not.
 *
 * Why not rte_raw_cksum(): it adds 16-bit words one at a time and calls out for the
 * pseudo-header; on a SYN that was about a fifth of all instructions spent. Here
 * 64-bit words are added, their carries counted, and the sum folded once at the end. RFC 1071 2(B)
 * and 2(C): the one's complement sum does not depend on the width of the words
 * added (2^16 = 1 mod 2^16 - 1) nor on the byte order, as long as the result is
 * stored in the order it was computed in; so native loads give the same 16 bits
 * that rte_raw_cksum() does, stored as they are.
 *
 * Header-only and free of EAL: the TCP and IP input and output paths inline it.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>

/** Add @p len bytes at @p buf (any alignment) to the running sum @p sum. */
static inline uint64_t
synq_cksum_add(uint64_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t carries = 0;

	/*
	 * 8 bytes an addition; a carry out of bit 63 is worth 2^64, which is 1 modulo
	 * 2^16 - 1: carries are counted and added back at the end.
	 */
	for (; len >= 8; len -= 8, p += 8) {
		uint64_t w;

		memcpy(&w, p, sizeof(w));
		sum += w;
		carries += sum < w;
	}
	if (len != 0) {
		/*
		 * The last 1 to 7 bytes, zero padded: word boundaries stay where they were,
		 * and an odd last byte is the first byte of a word whose second byte is 0.
		 */
		uint64_t w = 0;

		memcpy(&w, p, len);
		sum += w;
		carries += sum < w;
	}
	sum += carries;
	return sum + (sum < carries);
}

/**
 * Fold @p sum to 16 bits, end-around carries added in: 0xffff for the sum of a
 * segment whose checksum is right (its checksum field included).
 */
static inline uint16_t
synq_cksum_fold(uint64_t sum)
{
	uint32_t hi = (uint32_t)(sum >> 32);
	uint32_t s = (uint32_t)sum + hi;

	s += s < hi; /* 64 to 32 bits, the carry end around */
	/*
	 * 32 to 16 (Linux's csum_fold()): the high half of s + (s rotated by 16) is the
	 * sum of both halves with the carry out of the low half added in; 0 only when s is.
	 */
	s += (s >> 16) | (s << 16);
	return (uint16_t)(s >> 16);
}

/**
 * The sum of the IPv4 pseudo-header (RFC 9293 3.1): @p src and @p dst as they are
 * in the header (network order), protocol @p proto, and @p l4_len bytes of segment.
 */
static inline uint64_t
synq_cksum_ipv4_phdr(uint32_t src, uint32_t dst, uint8_t proto, uint16_t l4_len)
{
	return (uint64_t)src + dst + rte_cpu_to_be_16(proto) + rte_cpu_to_be_16(l4_len);
}

/** The sum of the IPv6 pseudo-header (RFC 8200 8.1); @p src, @p dst 16 bytes each. */
static inline uint64_t
synq_cksum_ipv6_phdr(const void *src, const void *dst, uint8_t proto, uint32_t l4_len)
{
	uint64_t sum = synq_cksum_add(0, src, 16);
	uint64_t rest = (uint64_t)rte_cpu_to_be_32(l4_len) + rte_cpu_to_be_32(proto);

	sum = synq_cksum_add(sum, dst, 16) + rest;
	return sum + (sum < rest); /* the carry out of bit 63, end around */
}

/** The value to store in a checksum field whose segment sums to @p sum (field at 0). */
static inline uint16_t
synq_cksum_value(uint64_t sum)
{
	return (uint16_t)~synq_cksum_fold(sum);
}

#endif /* SYNQ_CKSUM_H */
