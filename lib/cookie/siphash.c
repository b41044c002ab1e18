/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SipHash-2-4, written from the paper's specification (section 2): four 64-bit
 * words of state initialised from the key and the constants "somepseudorandomly
 * generatedbytes", two SipRounds per 8-byte message word, a last word holding the
 * remaining bytes and the length mod 256 in its top byte, then 0xff xored into v2
 * and four SipRounds.
 */

#include <string.h>

#include <rte_byteorder.h>

#include "synq_siphash.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND(v0, v1, v2, v3)                                                                   \
	do {                                                                                       \
		v0 += v1;                                                                          \
		v1 = ROTL(v1, 13);                                                                 \
		v1 ^= v0;                                                                          \
		v0 = ROTL(v0, 32);                                                                 \
		v2 += v3;                                                                          \
		v3 = ROTL(v3, 16);                                                                 \
		v3 ^= v2;                                                                          \
		v0 += v3;                                                                          \
		v3 = ROTL(v3, 21);                                                                 \
		v3 ^= v0;                                                                          \
		v2 += v1;                                                                          \
		v1 = ROTL(v1, 17);                                                                 \
		v1 ^= v2;                                                                          \
		v2 = ROTL(v2, 32);                                                                 \
	} while (0)

static inline uint64_t
load_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return rte_le_to_cpu_64(v);
}

struct synq_sipkey
synq_sipkey_load(const uint8_t bytes[16])
{
	return (struct synq_sipkey){.k0 = load_le64(bytes), .k1 = load_le64(bytes + 8)};
}

uint64_t
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
		uint64_t m = load_le64(p);

		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	memcpy(tail, p, len & 7);
	last |= load_le64(tail);
	v3 ^= last;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	v0 ^= last;

	v2 ^= 0xff;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}
