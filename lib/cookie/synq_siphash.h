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

#include <stdbool.h>
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

/** SipHash's four words of state, and its three steps (one message word at a time). */
struct synq_sip_state {
	uint64_t v0, v1, v2, v3;
};

static inline struct synq_sip_state
synq_sip_init(const struct synq_sipkey *key)
{
	return (struct synq_sip_state){
		.v0 = key->k0 ^ UINT64_C(0x736f6d6570736575),
		.v1 = key->k1 ^ UINT64_C(0x646f72616e646f6d),
		.v2 = key->k0 ^ UINT64_C(0x6c7967656e657261),
		.v3 = key->k1 ^ UINT64_C(0x7465646279746573),
	};
}

/* SipHash-2-4's compression of the word @p m: two rounds */
static inline void
synq_sip_word(struct synq_sip_state *s, uint64_t m)
{
	s->v3 ^= m;
	SYNQ_SIPROUND(s->v0, s->v1, s->v2, s->v3);
	SYNQ_SIPROUND(s->v0, s->v1, s->v2, s->v3);
	s->v0 ^= m;
}

/* ... and its finalisation: four rounds */
static inline uint64_t
synq_sip_final(struct synq_sip_state *s)
{
	s->v2 ^= 0xff;
	SYNQ_SIPROUND(s->v0, s->v1, s->v2, s->v3);
	SYNQ_SIPROUND(s->v0, s->v1, s->v2, s->v3);
	SYNQ_SIPROUND(s->v0, s->v1, s->v2, s->v3);
	SYNQ_SIPROUND(s->v0, s->v1, s->v2, s->v3);
	return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
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
	struct synq_sip_state s = synq_sip_init(key);
	uint64_t last = (uint64_t)len << 56;
	uint8_t tail[8] = {0};

	for (; p != end; p += 8)
		synq_sip_word(&s, synq_sip_load_le64(p));
	memcpy(tail, p, len & 7);
	last |= synq_sip_load_le64(tail);
	synq_sip_word(&s, last);
	return synq_sip_final(&s);
}

/*
 * SipHash-2-4 of many messages at once, in SIMD lanes: 4 with AVX2, 8 with AVX-512F.
 * The lanes are independent hashes (one per message), each bit-identical to
 * synq_siphash24(); nothing here changes the function, only how many run together.
 * The implementation is chosen once, at program start, from the CPU's flags
 * (rte_cpu_get_flag_enabled()) and the register states the OS saves (XCR0), and the
 * code for each is compiled with __attribute__((target)), so the build runs on any
 * x86-64 and other CPUs use the scalar loop. lib/cookie/siphash_x.c;
 * docs/syncookies.md, "Hashes in lanes".
 */

/** The implementations of synq_siphash24_many() and synq_siphash24_words(). */
enum synq_sip_impl {
	SYNQ_SIP_AUTO = 0, /* for synq_siphash_select(): the widest the CPU has */
	SYNQ_SIP_SCALAR,   /* synq_siphash24() in a loop: any CPU, and the reference */
	SYNQ_SIP_AVX2,	   /* 4 lanes */
	SYNQ_SIP_AVX512,   /* 8 lanes (AVX-512F: vprolq, 64-bit gathers) */
};

/**
 * Whether this CPU (and build) can run @p impl: the CPU has the instructions and the
 * OS saves their registers (XCR0). SYNQ_SIP_AUTO and scalar: always.
 */
bool synq_siphash_impl_available(enum synq_sip_impl impl);

/**
 * Whether an OS whose XCR0 (xgetbv 0) is @p xcr0 saves the registers @p impl uses:
 * AVX2 the SSE and AVX states, AVX-512 these and the opmask and ZMM states. For
 * synq_siphash_impl_available(), and tests.
 */
bool synq_siphash_xcr0_allows(enum synq_sip_impl impl, uint64_t xcr0);

/**
 * Use @p impl for synq_siphash24_many() and _words() from now on: tests and benchmarks
 * force each in turn; SYNQ_SIP_AUTO goes back to the CPU's widest (the choice made at
 * start).
 * One the CPU lacks is refused. Not thread safe: before the workers run.
 *
 * @return the implementation in force after the call.
 */
enum synq_sip_impl synq_siphash_select(enum synq_sip_impl impl);

/** The implementation synq_siphash24_many() and _words() use now. */
enum synq_sip_impl synq_siphash_impl(void);

/** The name of @p impl ("scalar", "avx2", "avx512", "auto"). */
const char *synq_siphash_impl_name(enum synq_sip_impl impl);

/**
 * out[i] = synq_siphash24(&keys[i * key_step], msgs + i * stride, len) for i < @p n.
 *
 * @p key_step is 1 for a key per message, 0 for one key shared by all (any other
 * value: message i takes keys[i * key_step], as the formula says). The messages
 * have the same length; @p stride (bytes, >= @p len) separates their starts, so they
 * may be fields of an array of structures. No byte outside each message's @p len is
 * read. Every length works in the lanes; 12 (an IPv4 4-tuple) and 22 (the IPv4 cookie
 * MAC input) have code of their own, with the length a constant. @p n is any count;
 * lanes left over at the end hash the last message again and are not stored.
 */
void synq_siphash24_many(const struct synq_sipkey *keys, unsigned int key_step, const void *msgs,
	size_t stride, size_t len, unsigned int n, uint64_t *out);

/**
 * Lanes read and write whole groups: the arrays of synq_siphash24_words() have room
 * for n rounded up to a multiple of this (the widest implementation's lanes).
 */
#define SYNQ_SIP_LANES_MAX 8

/**
 * SipHash-2-4 of @p n messages given as their 64-bit words, laid out for the lanes
 * (transposed): word j of message i is w[j * @p wstride + i], j < @p nw (>= 1). The
 * last word is SipHash's final block as synq_siphash24() makes it: the message's last
 * len % 8 bytes, little endian, and len % 256 in its top byte. So out[i] is
 * synq_siphash24() of message i's bytes, under key[0], or under key[sel[i] != 0] when
 * @p sel is not NULL (sel[i] 0 or UINT64_MAX: all bits one or none).
 *
 * For the hot paths, whose inputs are a few words made straight from the packet
 * (tcp_burst.c, synq_cookie_lanes): no byte copies into messages and out again, no
 * gathers. w's rows, @p sel and @p out are read and written in groups of lanes: each
 * has room for @p n rounded up to SYNQ_SIP_LANES_MAX (the entries past n are read,
 * whatever they hold, and their hashes written, not meaningful). 3 words (the IPv4
 * cookie) and 2 (an IPv4 4-tuple) have code of their own.
 */
void synq_siphash24_words(const struct synq_sipkey *key, const uint64_t *sel, const uint64_t *w,
	size_t wstride, unsigned int nw, unsigned int n, uint64_t *out);

#endif /* SYNQ_SIPHASH_H */
