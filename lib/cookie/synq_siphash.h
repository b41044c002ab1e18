/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_SIPHASH_H
#define SYNQ_SIPHASH_H

/**
 * @file
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012):
 * a keyed 64-bit PRF, fast on the short inputs of TCP 4-tuples. Pure functions,
 * thread safe, header-only. Written from the paper's specification (section 2): four
 * 64-bit words of state initialised from the key and the constants
 * "somepseudorandomlygeneratedbytes", two SipRounds per 8-byte message word, a last
 * word holding the remaining bytes and the length mod 256 in its top byte, then 0xff
 * xored into v2 and four SipRounds. Checked against the reference vectors in
 * tests/unit/test_cookie.c.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>

/** A 128-bit SipHash key as two little-endian 64-bit words. */
struct synq_sipkey {
	uint64_t k0;
	uint64_t k1;
};

#define SYNQ_SIP_ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SYNQ_SIPROUND(v0, v1, v2, v3)                                                              \
	do {                                                                                       \
		v0 += v1;                                                                          \
		v1 = SYNQ_SIP_ROTL(v1, 13);                                                        \
		v1 ^= v0;                                                                          \
		v0 = SYNQ_SIP_ROTL(v0, 32);                                                        \
		v2 += v3;                                                                          \
		v3 = SYNQ_SIP_ROTL(v3, 16);                                                        \
		v3 ^= v2;                                                                          \
		v0 += v3;                                                                          \
		v3 = SYNQ_SIP_ROTL(v3, 21);                                                        \
		v3 ^= v0;                                                                          \
		v2 += v1;                                                                          \
		v1 = SYNQ_SIP_ROTL(v1, 17);                                                        \
		v1 ^= v2;                                                                          \
		v2 = SYNQ_SIP_ROTL(v2, 32);                                                        \
	} while (0)

static inline uint64_t
synq_sip_load_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return rte_le_to_cpu_64(v);
}

/** Load a key from its 16 bytes (k0 = bytes 0..7, k1 = bytes 8..15, little endian). */
static inline struct synq_sipkey
synq_sipkey_load(const uint8_t bytes[16])
{
	return (struct synq_sipkey){
		.k0 = synq_sip_load_le64(bytes), .k1 = synq_sip_load_le64(bytes + 8)};
}

/**
 * SipHash-2-4 of the @p len bytes at @p data under @p key. Inline: where @p len is a
 * constant the compiler unrolls the message loop and the tail.
 */
static inline uint64_t
synq_siphash24(const struct synq_sipkey *key, const void *data, size_t len)
{
	const uint8_t *p = data;
	const uint8_t *end = p + (len & ~(size_t)7);
	uint64_t v0 = key->k0 ^ UINT64_C(0x736f6d6570736575);
	uint64_t v1 = key->k1 ^ UINT64_C(0x646f72616e646f6d);
	uint64_t v2 = key->k0 ^ UINT64_C(0x6c7967656e657261);
	uint64_t v3 = key->k1 ^ UINT64_C(0x7465646279746573);
	uint64_t last = (uint64_t)len << 56;
	uint8_t tail[8] = {0};

	for (; p != end; p += 8) {
		uint64_t m = synq_sip_load_le64(p);

		v3 ^= m;
		SYNQ_SIPROUND(v0, v1, v2, v3);
		SYNQ_SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	memcpy(tail, p, len & 7);
	last |= synq_sip_load_le64(tail);
	v3 ^= last;
	SYNQ_SIPROUND(v0, v1, v2, v3);
	SYNQ_SIPROUND(v0, v1, v2, v3);
	v0 ^= last;

	v2 ^= 0xff;
	SYNQ_SIPROUND(v0, v1, v2, v3);
	SYNQ_SIPROUND(v0, v1, v2, v3);
	SYNQ_SIPROUND(v0, v1, v2, v3);
	SYNQ_SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

#endif /* SYNQ_SIPHASH_H */
