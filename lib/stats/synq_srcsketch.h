/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_SRCSKETCH_H
#define SYNQ_SRCSKETCH_H

/**
 * @file
 * Who is flooding: each worker's sketch of the sources of the SYNs it receives
 * (issue 15), read by telemetry (/synq/syn_sources) as the merge of every worker's
 * last finished window.
 *
 * - Distinct sources: HyperLogLog (Flajolet et al. 2007) of 2^11 registers, every
 *   SYN's source address into it: standard error 1.04 / sqrt(2048), about 2.3 %;
 *   below 2.5 * 2048 the count of empty registers (linear counting) answers instead.
 * - Heavy hitters: Space-Saving (Metwally, Agrawal, El Abbadi 2005) of
 *   SYNQ_SKETCH_SLOTS counters for each of source addresses, IPv4 /24 and IPv6 /48
 *   prefixes, fed a random sample of the SYNs: 1 in k, each sampled SYN weighing k.
 *   k is a power of two: the one that would have kept the previous window to about
 *   SYNQ_SKETCH_SAMPLES samples, doubled within the window each time a quarter of
 *   that more are taken (a flood's first window reaches its k in few samples; a
 *   steady one takes 600 to 1024 samples a window). The gaps between samples are drawn from a
 * generator seeded from getrandom(): a client cannot place its SYNs in (or out of) the sample.
 *   Space-Saving's bound: a listed count exceeds the sampled truth by at most the
 *   smallest counter, itself at most W / SYNQ_SKETCH_SLOTS (W the window's sampled
 *   weight, about its SYNs); a source with more than that is listed. Sampling adds
 *   a relative standard error of sqrt(k / c) to a count c.
 * - Windows: the worker starts a new window every SYNQ_SKETCH_WINDOW_MS
 *   (synq_srcsketch_tick(), from its clock) and publishes the one it finished under a
 *   sequence counter (rte_seqcount): readers copy it, and copy again when the worker
 *   wrote meanwhile. A reader never sees the live window.
 * - Hashes: the HLL register, and the Space-Saving index slots, from a mix of the
 *   address with a random key (the HLL's one for the process, so that the workers'
 *   registers merge; the slots' the sketch's own): no client can aim its sources at
 *   one register or one probe chain. Nothing is allocated after init. An IPv4
 *   source's HLL hash is synq_sketch_hll_mix4(): half of fmix64's work, every SYN.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_seqcount.h>

#define SYNQ_SKETCH_HLL_BITS 11
#define SYNQ_SKETCH_HLL_REGS (1u << SYNQ_SKETCH_HLL_BITS)
#define SYNQ_SKETCH_SLOTS 64			   /* Space-Saving counters of each kind */
#define SYNQ_SKETCH_IDX (4 * SYNQ_SKETCH_SLOTS)	   /* their index's slots, a byte's worth */
#define SYNQ_SKETCH_SAMPLES 1024		   /* samples a window k aims at */
#define SYNQ_SKETCH_STEP (SYNQ_SKETCH_SAMPLES / 4) /* samples before k doubles */
#define SYNQ_SKETCH_SAMPLE_MAX (1u << 16)	   /* the largest k */
#define SYNQ_SKETCH_WINDOW_MS 1000

enum synq_sketch_kind {
	SYNQ_SKETCH_ADDR,  /* source addresses, IPv4 as ::ffff:a.b.c.d */
	SYNQ_SKETCH_V4_24, /* IPv4 /24 prefixes */
	SYNQ_SKETCH_V6_48, /* IPv6 /48 prefixes */
	SYNQ_SKETCH_KINDS,
};

/** An address or prefix: 16 bytes of IPv6, an IPv4 one mapped (RFC 4291 2.5.5.2). */
struct synq_sketch_key {
	uint8_t b[16];
};

/**
 * One kind's Space-Saving summary, by entry: its key, its count (sampled weight:
 * SYNs, estimated), its err (the overestimate it may carry: the count it took over).
 * The counts apart, for the smallest's search.
 */
struct synq_sketch_ss {
	uint32_t n;	  /* entries in use */
	uint32_t min_val; /* the smallest count when last searched, at min_at or after */
	uint32_t min_at;
	uint64_t total; /* weight counted */
	uint32_t count[SYNQ_SKETCH_SLOTS];
	uint32_t err[SYNQ_SKETCH_SLOTS];
	uint8_t home[SYNQ_SKETCH_SLOTS]; /* the index slot its key hashes to */
	/*
	 * by hash slot: entry + 1, 0 empty (linear probing), a quarter full at most:
	 * the short clusters keep a flood's takeovers (at a window's start, 1 SYN in 1,
	 * 2, 4 ... sampled) cheap to look up, unlink and link again (issue 14)
	 */
	uint8_t idx[SYNQ_SKETCH_IDX];
	struct synq_sketch_key key[SYNQ_SKETCH_SLOTS];
};

/** A window: the live one a worker fills, and the one it published. */
struct synq_sketch_epoch {
	uint64_t syns;	    /* SYNs fed */
	uint64_t window_ms; /* its length, set when it ends */
	uint32_t sample;    /* the largest k it sampled with */
	struct synq_sketch_ss ss[SYNQ_SKETCH_KINDS];
	uint8_t hll[SYNQ_SKETCH_HLL_REGS];
};

/** A worker's sketch. The worker feeds and ticks it; readers only synq_srcsketch_read(). */
struct synq_srcsketch {
	/* worker: rw */
	struct synq_sketch_epoch live;
	/* random: [0..1] the HLL hash's (the process's), [2..3] the slots' (its own) */
	uint64_t key[4];
	uint64_t hll_mul; /* random, odd: the process's, synq_sketch_hll_mix4()'s multiplier */
	uint64_t home0; /* the slots' hash of a key whose first 8 bytes are 0 (IPv4's), half made */
	uint64_t rng;	/* xorshift64*: the gaps between samples */
	uint32_t k;	/* sample 1 SYN in k */
	uint32_t skip;	/* SYNs until the next sample */
	uint32_t gap;	/* the gap skip was drawn as: live.syns counts it at its end */
	uint32_t samples;   /* since k last changed */
	uint64_t start_tsc; /* the live window's start */
	uint64_t window_tsc;
	uint64_t hz_ms;
	/* worker: w, readers: r, under seq */
	rte_seqcount_t seq;
	struct synq_sketch_epoch pub;
};

/**
 * Set @p s up, empty, its window starting at @p now_tsc, @p hz TSC ticks a second.
 * Control plane.
 *
 * @return 0, or -EIO when getrandom() gave no key.
 */
int synq_srcsketch_init(struct synq_srcsketch *s, uint64_t hz, uint64_t now_tsc);

/* The Space-Saving update of a sampled SYN (srcsketch.c): out of line, 1 SYN in k. */
void synq_srcsketch_sample(struct synq_srcsketch *s, uint8_t family, const uint8_t *addr);

/* End the live window at @p tsc and publish it (srcsketch.c). Owning worker. */
void synq_srcsketch_rotate(struct synq_srcsketch *s, uint64_t tsc);

/* MurmurHash3's 64-bit finalizer: a bijection that spreads every input bit. */
static inline uint64_t
synq_sketch_fmix64(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64_C(0xc4ceb9fe1a85ec53);
	return x ^ (x >> 33);
}

/*
 * The HLL hash of IPv4 address @p a under the process's key @p k0 and random odd
 * @p mul: a keyed multiply, its high half folded into the low, a multiply that
 * carries every bit to the top ones (the register and the rank's first bits).
 * The multiply alone (multiply-shift, its high bits) is a universal hash of the
 * register but not an HLL's: on consecutive addresses, its products an arithmetic
 * progression, the ranks below the register's bits come out regular and the estimate
 * off by up to 60 %; with the fold and the second multiply consecutive, random and
 * byte-swapped sources give fmix64()'s error, 1.04 / sqrt(m) (test_stats_srcsketch:
 * test_hll_keys). Neither multiplier is known outside: a client cannot pick
 * addresses that share a register (a count too low), any more than with fmix64().
 * 7 instructions where fmix64() of the keyed address took 14 (issue 14).
 */
static inline uint64_t
synq_sketch_hll_mix4(uint32_t a, uint64_t k0, uint64_t mul)
{
	uint64_t x = ((uint64_t)a ^ k0) * mul;

	x ^= x >> 32;
	return x * UINT64_C(0xc4ceb9fe1a85ec53);
}

/* HLL: the register of hash @p h by its top bits, the rank of its first 1 below them. */
static inline void
synq_sketch_hll_add(uint8_t *regs, uint64_t h)
{
	uint32_t j = (uint32_t)(h >> (64 - SYNQ_SKETCH_HLL_BITS));
	uint8_t r = (uint8_t)(__builtin_clzll((h << SYNQ_SKETCH_HLL_BITS) |
					      (UINT64_C(1) << (SYNQ_SKETCH_HLL_BITS - 1))) +
			      1);

	if (r > regs[j])
		regs[j] = r;
}

/**
 * A SYN from IPv4 address @p saddr (network order). The owning worker, once a SYN:
 * a hash, a register, one decrement and branch, and 1 time in k the Space-Saving
 * update. The window's SYNs are counted a gap at a time (at its sample, and at the
 * window's end the part of the gap run), not one by one (issue 14).
 */
static inline void
synq_srcsketch_feed4(struct synq_srcsketch *s, uint32_t saddr)
{
	synq_sketch_hll_add(s->live.hll, synq_sketch_hll_mix4(saddr, s->key[0], s->hll_mul));
	if (--s->skip == 0)
		synq_srcsketch_sample(s, 4, (const uint8_t *)&saddr);
}

/** A SYN from IPv6 address @p saddr (16 bytes). As synq_srcsketch_feed4(). */
static inline void
synq_srcsketch_feed6(struct synq_srcsketch *s, const uint8_t *saddr)
{
	uint64_t a, b;

	memcpy(&a, saddr, 8);
	memcpy(&b, saddr + 8, 8);
	synq_sketch_hll_add(
		s->live.hll, synq_sketch_fmix64(synq_sketch_fmix64(a ^ s->key[0]) ^ b ^ s->key[1]));
	if (--s->skip == 0)
		synq_srcsketch_sample(s, 6, saddr);
}

/** The worker's clock at @p tsc: a window that has run its length is published. */
static inline void
synq_srcsketch_tick(struct synq_srcsketch *s, uint64_t tsc)
{
	if (tsc - s->start_tsc >= s->window_tsc)
		synq_srcsketch_rotate(s, tsc);
}

/**
 * Copy the window @p s published last into @p out (all zero before the first).
 * Any thread; retries while the worker writes it (once a window).
 */
void synq_srcsketch_read(const struct synq_srcsketch *s, struct synq_sketch_epoch *out);

/** The HLL estimate of the distinct addresses registers @p regs saw. */
uint64_t synq_sketch_hll_estimate(const uint8_t *regs);

/**
 * A heavy hitter of a merged view: its count, and the part of it that may be
 * overestimate (Space-Saving's err: the counts it took over). count - err SYNs are
 * known to be its own; a key that took a counter over with one sample has err
 * nearly all its count.
 */
struct synq_sketch_item {
	struct synq_sketch_key key;
	uint64_t count;
	uint64_t err;
};

/** The merge of windows (of several workers): what telemetry answers from. */
struct synq_sketch_view {
	uint64_t syns;
	uint64_t window_ms; /* the longest of the windows */
	uint32_t sample;    /* the largest k */
	uint32_t nb_epochs, max_epochs;
	uint64_t error[SYNQ_SKETCH_KINDS]; /* the sum of the windows' smallest counters */
	uint32_t n[SYNQ_SKETCH_KINDS];
	struct synq_sketch_item *items[SYNQ_SKETCH_KINDS]; /* max_epochs * SLOTS each */
	uint8_t hll[SYNQ_SKETCH_HLL_REGS];
};

/** An empty view for up to @p max_epochs windows; NULL without memory. Any thread. */
struct synq_sketch_view *synq_sketch_view_create(unsigned int max_epochs);

void synq_sketch_view_free(struct synq_sketch_view *v);

/**
 * Add window @p e: SYNs summed, HLL registers their maximum, entries appended.
 * @return 0, or -ENOSPC past max_epochs.
 */
int synq_sketch_view_add(struct synq_sketch_view *v, const struct synq_sketch_epoch *e);

/**
 * After the last add: equal keys summed (counts and errs), each kind sorted by the
 * SYNs known (count - err), largest first, then by count.
 */
void synq_sketch_view_finish(struct synq_sketch_view *v);

/**
 * @p key as text: an address ("198.18.0.7", "2001:db8::1"), or for the prefix kinds
 * "198.18.0.0/24", "2001:db8:1::/48". @return @p buf.
 */
const char *synq_sketch_key_str(
	enum synq_sketch_kind kind, const struct synq_sketch_key *key, char *buf, size_t len);

#endif /* SYNQ_SRCSKETCH_H */
