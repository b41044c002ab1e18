/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_TCP_HASH_H
#define SYNQ_TCP_HASH_H

/*
 * The hash of a flow's key, shared by the worker's tables (tcp_ktab.h, synq_flowtab.h):
 * a seeded multiply-xorshift, not SipHash. It is on the path
 * of every SYN and ACK, and its only adversary is someone aiming a flood at one probe
 * chain, who must then guess the random seed, different on every worker and every
 * start. A worker's tables share it (a segment's key hashed once, issue 14), and each
 * takes its slots from it through its own random odd multiplier (tcp_hash_slot()):
 * keys that meet in one table's probe chain, which a sweep's order shows on the wire
 * (the SYN table's SYN-ACK retransmissions go out in slot order), tell nothing of
 * where they lie in another.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_cycles.h>

#include "synq_bytes.h"
#include "synq_flow_key.h"

struct tcp_hash_seed {
	uint64_t w[3];
};

static inline uint64_t
tcp_hash_rotl64(uint64_t v, unsigned int n)
{
	return (v << n) | (v >> (64 - n));
}

/* splitmix64: spreads a weak seed (clock, address) over 64 bits. */
static inline uint64_t
tcp_hash_splitmix64(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/*
 * The seed comes from the kernel's generator; rte_rand() would do, but the unit tests
 * run without EAL. Early in boot, before the kernel pool is ready, getrandom() with
 * GRND_NONBLOCK fails instead of blocking the start: the clock, the TSC and @p salt
 * (the table's address) then give a seed an attacker cannot read off the wire either.
 */
static inline void
tcp_hash_seed_init(struct tcp_hash_seed *seed, const void *salt)
{
	ssize_t n = getrandom(seed->w, sizeof(seed->w), GRND_NONBLOCK);

	if (n != (ssize_t)sizeof(seed->w)) {
		struct timespec ts;
		uint64_t s;

		timespec_get(&ts, TIME_UTC);
		s = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
		s ^= rte_rdtsc() ^ (uint64_t)(uintptr_t)salt;
		for (unsigned int i = 0; i < RTE_DIM(seed->w); i++)
			seed->w[i] = tcp_hash_splitmix64(&s);
	}
}

/*
 * The three key words are each multiplied by a different odd constant after the seed
 * is mixed in (three independent multiplies that overlap in the pipeline); the
 * products are rotated apart, so that high product bits, which depend on every input
 * bit, land in the low bits a mask keeps; then a murmur3-style finaliser spreads every
 * bit over the whole word. Each product is a bijection of its word, so keys that
 * differ in one field never collide in 64 bits.
 */
static inline uint64_t
tcp_hash_term0(uint64_t w0, uint64_t a0)
{
	return (a0 ^ w0) * UINT64_C(0x9e3779b97f4a7c15);
}

/* the second word's term: a seed's constant for every IPv4 key (the word is zero) */
static inline uint64_t
tcp_hash_term1(uint64_t w1, uint64_t a1)
{
	return tcp_hash_rotl64((a1 ^ w1) * UINT64_C(0xc2b2ae3d27d4eb4f), 21);
}

static inline uint64_t
tcp_hash_term2(uint64_t w2, uint64_t rest)
{
	return tcp_hash_rotl64((rest ^ w2) * UINT64_C(0x165667b19e3779f9), 43);
}

static inline uint64_t
tcp_hash_final(uint64_t h)
{
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64_C(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return h;
}

static inline uint64_t
tcp_hash_words(const struct tcp_hash_seed *seed, uint64_t a0, uint64_t a1, uint64_t rest)
{
	return tcp_hash_final(tcp_hash_term0(seed->w[0], a0) ^ tcp_hash_term1(seed->w[1], a1) ^
			      tcp_hash_term2(seed->w[2], rest));
}

/*
 * The key's last word: its 8 bytes from the client's port on (ports as on the wire,
 * family, address and rx queue indices), as one load would read them, the padding byte
 * (never compared) zero. tcp_hash() reads it so, one masked load of the key; a segment
 * with no key yet (tcp_hash4(), tcp_hash4_raw()) builds the same word from its fields.
 */
_Static_assert(offsetof(struct synq_flow_key, sport) == 16 &&
		       offsetof(struct synq_flow_key, dport) == 18 &&
		       offsetof(struct synq_flow_key, family) == 20 &&
		       offsetof(struct synq_flow_key, daddr_idx) == 21 &&
		       offsetof(struct synq_flow_key, rxq_idx) == 22 &&
		       offsetof(struct synq_flow_key, pad) == 23,
	"a flow key's last 8 bytes: ports, family, indices, padding");

#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
#define TCP_HASH_REST_MASK UINT64_C(0x00ffffffffffffff)
#else
#define TCP_HASH_REST_MASK UINT64_C(0xffffffffffffff00)
#endif

/*
 * The same word from @p ports, the 4 bytes of the TCP header's ports (client's, then
 * ours, as on the wire) in one load, @p family, and @p idx, the 2 bytes daddr_idx then
 * rxq_idx in one load.
 */
static inline uint64_t
tcp_hash_rest_raw(uint32_t ports, uint8_t family, uint16_t idx)
{
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	return (uint64_t)ports | (uint64_t)family << 32 | (uint64_t)idx << 40;
#else
	return (uint64_t)ports << 32 | (uint64_t)family << 24 | (uint64_t)idx << 8;
#endif
}

/* The same word from the fields, each as the key holds it (ports in network order). */
static inline uint64_t
tcp_hash_rest(uint16_t sport, uint16_t dport, uint8_t family, uint8_t daddr_idx, uint8_t rxq_idx)
{
	uint8_t pb[4], ib[2] = {daddr_idx, rxq_idx};
	uint32_t ports;
	uint16_t idx;

	memcpy(pb, &sport, 2);
	memcpy(pb + 2, &dport, 2);
	memcpy(&ports, pb, 4);
	memcpy(&idx, ib, 2);
	return tcp_hash_rest_raw(ports, family, idx);
}

static inline uint64_t
tcp_hash(const struct tcp_hash_seed *seed, const struct synq_flow_key *k)
{
	return tcp_hash_words(seed, synq_load64(k->saddr), synq_load64(k->saddr + 8),
		synq_load64((const uint8_t *)k + offsetof(struct synq_flow_key, sport)) &
			TCP_HASH_REST_MASK);
}

/* synq_load64() of an IPv4 address's 4 bytes (as on the wire) and 4 zero bytes */
static inline uint64_t
tcp_hash_addr4(uint32_t saddr)
{
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	return saddr;
#else
	return (uint64_t)saddr << 32;
#endif
}

/*
 * tcp_hash() of an IPv4 flow's key from its fields, without the key: its address
 * words are the 4 bytes of @p saddr (as on the wire) and 12 zero bytes. The same
 * value, for a segment that looks up a table before, or without, ever making its
 * key (issue 14: the burst's prefetch).
 */
static inline uint64_t
tcp_hash4(const struct tcp_hash_seed *seed, uint32_t saddr, uint16_t sport, uint16_t dport,
	uint8_t daddr_idx, uint8_t rxq_idx)
{
	return tcp_hash_words(
		seed, tcp_hash_addr4(saddr), 0, tcp_hash_rest(sport, dport, 4, daddr_idx, rxq_idx));
}

/*
 * tcp_hash4() from a record's words as loaded: @p ports and @p idx as
 * tcp_hash_rest_raw() takes them (two loads, no field shifted apart and back), with
 * the seed's constants for IPv4 keys (tcp_hash4_consts()): a burst's loop keeps them in
 * registers, computed once (issue 14).
 */
struct tcp_hash4_consts {
	uint64_t w0;
	uint64_t t1;   /* tcp_hash_term1(w1, 0): the zero second word's term */
	uint64_t w2_4; /* w2 ^ the family's bits (4): no field of the word shares them */
};

static inline struct tcp_hash4_consts
tcp_hash4_consts(const struct tcp_hash_seed *seed)
{
	return (struct tcp_hash4_consts){
		.w0 = seed->w[0],
		.t1 = tcp_hash_term1(seed->w[1], 0),
		.w2_4 = seed->w[2] ^ tcp_hash_rest_raw(0, 4, 0),
	};
}

static inline uint64_t
tcp_hash4_terms(const struct tcp_hash4_consts *c, uint32_t saddr, uint32_t ports, uint16_t idx)
{
	/* rest ^ w2, the family's bits, or-ed into rest, xor-ed into w2 instead */
	return tcp_hash_final(tcp_hash_term0(c->w0, tcp_hash_addr4(saddr)) ^ c->t1 ^
			      tcp_hash_term2(c->w2_4, tcp_hash_rest_raw(ports, 0, idx)));
}

static inline uint64_t
tcp_hash4_raw(const struct tcp_hash_seed *seed, uint32_t saddr, uint32_t ports, uint16_t idx)
{
	const struct tcp_hash4_consts c = tcp_hash4_consts(seed);

	return tcp_hash4_terms(&c, saddr, ports, idx);
}

/* A table's own multiplier, odd, from the same sources as a seed. */
static inline uint64_t
tcp_hash_mul_init(const void *salt)
{
	struct tcp_hash_seed s;

	tcp_hash_seed_init(&s, salt);
	return s.w[0] | 1;
}

/*
 * The table's 32 bits of the shared hash @p h, its slot in the low ones: the high half
 * of @p h times the table's odd @p mul (multiply-shift), so that two tables of one seed
 * see unrelated slots for the same keys; one multiply a lookup.
 */
static inline uint32_t
tcp_hash_slot(uint64_t h, uint64_t mul)
{
	return (uint32_t)((h * mul) >> 32);
}

#endif /* SYNQ_TCP_HASH_H */
