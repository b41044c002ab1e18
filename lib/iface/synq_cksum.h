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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>

/**
 * Add @p len bytes at @p buf (any alignment) to the running sum @p sum: the portable
 * code, and the reference synq_cksum_add() is tested against.
 */
static inline uint64_t
synq_cksum_add_generic(uint64_t sum, const void *buf, size_t len)
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

#if defined(RTE_ARCH_X86_64) && (defined(__GNUC__) || defined(__clang__))
/*
 * @p n words at @p p added to @p s in one add-with-carry chain (ADC is in every
 * x86-64: no dispatch needed), the last carry added end around. That last addition
 * cannot carry again: two words and a carry sum to at most 2^65 - 2 unless both
 * words are all ones and the carry is 1, so a carry out leaves all ones but one at
 * most; all ones with a carry is a state a chain that starts without one never
 * reaches. One instruction a word where the portable code takes three.
 */
static __rte_always_inline uint64_t
cksum_adc32(uint64_t s, const uint8_t *p)
{
	__asm__("addq (%[p]), %[s]\n\t"
		"adcq 8(%[p]), %[s]\n\t"
		"adcq 16(%[p]), %[s]\n\t"
		"adcq 24(%[p]), %[s]\n\t"
		"adcq $0, %[s]"
		: [s] "+r"(s)
		: [p] "r"(p), "m"(*(const uint8_t(*)[32])p)
		: "cc");
	return s;
}

static __rte_always_inline uint64_t
cksum_adc16(uint64_t s, const uint8_t *p)
{
	__asm__("addq (%[p]), %[s]\n\t"
		"adcq 8(%[p]), %[s]\n\t"
		"adcq $0, %[s]"
		: [s] "+r"(s)
		: [p] "r"(p), "m"(*(const uint8_t(*)[16])p)
		: "cc");
	return s;
}

static __rte_always_inline uint64_t
cksum_adc(uint64_t s, uint64_t w)
{
	__asm__("addq %[w], %[s]\n\t"
		"adcq $0, %[s]"
		: [s] "+r"(s)
		: [w] "rm"(w)
		: "cc");
	return s;
}

/**
 * Add @p len bytes at @p buf (any alignment) to the running sum @p sum:
 * synq_cksum_add_generic() in add-with-carry chains, a TCP header of 20 to 60 bytes
 * in one or two chains and a tail.
 *
 * The tail of fewer than 8 bytes is read in 4-, 2- and 1-byte pieces at the offsets
 * they have (never a byte loop), each into 16-bit lanes of its own in one word: a
 * piece starts at an even offset, so its 16-bit lanes are the ones the zero-padded
 * word of the portable code has, and lanes added anywhere in a word give the same
 * one's complement sum (RFC 1071 2(B)). The result is 0 only when the portable one is
 * (all bytes and @p sum zero), so both fold to the same 16 bits.
 */
static __rte_always_inline uint64_t
synq_cksum_add(uint64_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	for (; len >= 64; len -= 64, p += 64)
		sum = cksum_adc32(cksum_adc32(sum, p), p + 32);
	if (len & 32) {
		sum = cksum_adc32(sum, p);
		p += 32;
	}
	if (len & 16) {
		sum = cksum_adc16(sum, p);
		p += 16;
	}
	if (len & 8) {
		uint64_t w;

		memcpy(&w, p, sizeof(w));
		sum = cksum_adc(sum, w);
		p += 8;
	}
	if (len & 7) {
		uint64_t tail = 0;

		if (len & 4) {
			uint32_t w;

			memcpy(&w, p, sizeof(w));
			tail = w;
			p += 4;
		}
		if (len & 2) {
			uint16_t w;

			memcpy(&w, p, sizeof(w));
			tail |= (uint64_t)w << 32;
			p += 2;
		}
		if (len & 1) {
			uint16_t w = 0; /* the byte first, then a zero byte, in memory order */

			memcpy(&w, p, 1);
			tail |= (uint64_t)w << 48;
		}
		sum = cksum_adc(sum, tail);
	}
	return sum;
}
#else
/** Add @p len bytes at @p buf (any alignment) to the running sum @p sum. */
static inline uint64_t
synq_cksum_add(uint64_t sum, const void *buf, size_t len)
{
	return synq_cksum_add_generic(sum, buf, len);
}
#endif

/**
 * Fold @p sum to 16 bits, end-around carries added in: 0xffff for the sum of a
 * segment whose checksum is right (its checksum field included).
 */
static inline uint16_t
synq_cksum_fold(uint64_t sum)
{
	/*
	 * Both halves at once, as Linux's csum_fold() does 32 to 16: the high half of a
	 * word plus the word rotated by half its width is the sum of its halves with the
	 * carry out of the low one added in, end around; 0 only when the word is.
	 */
	uint32_t s = (uint32_t)((sum + (sum << 32 | sum >> 32)) >> 32);

	s += s << 16 | s >> 16;
	return (uint16_t)(s >> 16);
}

/**
 * Does @p sum fold to 0xffff (synq_cksum_fold()), the sum of a segment whose checksum
 * is right? Folded to 32 bits only, then tested for a multiple of 0xffff other than 0
 * with one multiplication instead of the second fold: 0xffff is odd, so multiplying
 * by its inverse modulo 2^32 (0xfffeffff: 0xffff * 0xfffeffff = 2^48 - 2^33 + 1) maps
 * each multiple k * 0xffff of 32 bits (k = 0 .. 0x10001) to k, and every other value
 * beyond 0x10001; minus 1, k = 1 .. 0x10001 are the values below 0x10001.
 */
static inline bool
synq_cksum_ok(uint64_t sum)
{
	uint32_t s = (uint32_t)((sum + (sum << 32 | sum >> 32)) >> 32);

	return (uint32_t)(s * UINT32_C(0xfffeffff) - 1) < UINT32_C(0x10001);
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
