/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SYNQ_COOKIE_H
#define SYNQ_COOKIE_H

/**
 * @file
 * SYN cookies: the server's initial sequence number carries what the final ACK must
 * bring back, so that no state is kept for a SYN. The design, bit layout and
 * reasoning are in docs/syncookies.md; the layout in short:
 *
 *     31   30    28 27    25  24   23                                   0
 *    +---+---------+--------+----+--------------------------------------+
 *    | t |   mss   | wscale |sack|        MAC (24 bits, SipHash-2-4)    |
 *    +---+---------+--------+----+--------------------------------------+
 *
 *    t       parity of the time window the cookie was made in (64 s windows)
 *    mss     index into an 8-entry MSS table (the client's MSS, rounded down)
 *    wscale  index into an 8-entry window-scale table ("none" included)
 *    sack    the client offered SACK
 *    MAC     the low 24 bits of SipHash-2-4 under the window's key of: address
 *            family, both addresses, both ports, the client's ISN, the window
 *            number and the 8 bits above
 *
 * With timestamps, 5 more bits of the same SipHash (bits 24..28) ride in the low bits
 * of the SYN-ACK's TSval, and the final ACK must echo them in its TSecr, as Linux
 * encodes options there: a forged ACK with timestamps passes with odds 2^-29, one
 * without them with 2^-24 (docs/syncookies.md).
 *
 * A context belongs to one worker lcore (no locks, no shared writes); contexts made
 * from the same master secret make and accept the same cookies, on any node.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "synq_siphash.h"

/** Seconds in one cookie time window; a cookie is accepted for 1 to 2 windows. */
#define SYNQ_COOKIE_WINDOW_S 64

/** Entries in the MSS and window-scale tables (3 bits each). */
#define SYNQ_COOKIE_NB_MSS 8
#define SYNQ_COOKIE_NB_WSCALE 8

/** MAC bits in the low bits of a cookie SYN-ACK's TSval (echoed in the ACK's TSecr). */
#define SYNQ_COOKIE_TS_BITS 5
#define SYNQ_COOKIE_TS_MASK ((1u << SYNQ_COOKIE_TS_BITS) - 1)

/** wscale value meaning "the client sent no window scale option". */
#define SYNQ_COOKIE_NO_WSCALE 0xff

/** The 4-tuple of a flow as seen on the wire (addresses and ports in network order). */
struct synq_cookie_flow {
	uint8_t family;	   /* 4 or 6 */
	uint8_t saddr[16]; /* client; IPv4 in the first 4 bytes */
	uint8_t daddr[16]; /* ours */
	uint16_t sport;	   /* client */
	uint16_t dport;	   /* ours */
};

/** The client's SYN options a cookie keeps. */
struct synq_cookie_opts {
	uint16_t mss;	/* as the client sent it, or its family's default (536 / 1220) */
	uint8_t wscale; /* 0..14, or SYNQ_COOKIE_NO_WSCALE */
	bool sack;
	uint8_t ts_mac; /* out: the MAC's SYNQ_COOKIE_TS_BITS for the TSval (in: unused) */
	/*
	 * out: the connection's TSval offset, the MAC's top 32 bits (bits no cookie
	 * shows): the final ACK's check finds it again, so a cookie flow's offset costs no
	 * hash of its own (in: unused)
	 */
	uint32_t ts_off;
};

/** The MSS table, ascending. */
extern const uint16_t synq_cookie_mss_table[SYNQ_COOKIE_NB_MSS];

/** The window-scale table, ascending after "none" at index 0. */
extern const uint8_t synq_cookie_wscale_table[SYNQ_COOKIE_NB_WSCALE];

/** A key and the time window it serves. */
struct synq_cookie_slot {
	uint32_t window;
	bool valid;
	struct synq_sipkey key;
};

/** One worker's cookie state. */
struct synq_cookie_ctx {
	struct synq_sipkey master;	/* the secret: same on every node behind ECMP */
	struct synq_sipkey next_master; /* replaces master from window next_from on */
	uint32_t next_from;		/* UINT32_MAX: no rotation pending */
	/*
	 * The master before the last rotation that came in force, for the windows before
	 * master_from (0: none): a second rotation may come while cookies of the window
	 * before the first one's still live (synq_cookie_rotate()).
	 */
	struct synq_sipkey prev_master;
	uint32_t master_from;
	struct synq_cookie_slot slot[2]; /* keys of the current and previous window */
};

/**
 * Set up @p ctx with the 16-byte @p secret. Any thread, before the context is used.
 */
void synq_cookie_init(struct synq_cookie_ctx *ctx, const uint8_t secret[16]);

/**
 * Replace the master secret from the window after the one of @p now_s on. Cookies
 * made until then still validate for their whole life: their windows' keys derive
 * from the old secret. A rotation not yet in force is replaced. Nodes that share a
 * secret must rotate to the same one in the same window. Owning lcore only.
 */
void synq_cookie_rotate(struct synq_cookie_ctx *ctx, const uint8_t secret[16], uint64_t now_s);

/** The time window of @p now_s (seconds on the wall clock, shared by all nodes). */
static inline uint32_t
synq_cookie_window(uint64_t now_s)
{
	return (uint32_t)(now_s / SYNQ_COOKIE_WINDOW_S);
}

/**
 * The cookie (our ISN) for a SYN of @p flow with client ISN @p client_isn and options
 * @p in, at time @p now_s. @p kept gets what the cookie encodes: the MSS rounded down
 * to the table, the window scale rounded down, SACK. Owning lcore only.
 */
uint32_t synq_cookie_make(struct synq_cookie_ctx *ctx, const struct synq_cookie_flow *flow,
	uint32_t client_isn, const struct synq_cookie_opts *in, uint64_t now_s,
	struct synq_cookie_opts *kept);

/**
 * Check @p cookie (the final ACK's acknowledgment number minus one) for @p flow with
 * client ISN @p client_isn (its sequence number minus one) at time @p now_s.
 * Owning lcore only.
 *
 * @return true and the options in @p out when valid; false for a forged, tampered or
 *   expired cookie (a random value passes with probability 2^-24). With timestamps,
 *   the caller checks the ACK's TSecr against out->ts_mac (synq_cookie_tsecr_ok()):
 *   2^-29 then.
 */
bool synq_cookie_check(struct synq_cookie_ctx *ctx, const struct synq_cookie_flow *flow,
	uint32_t client_isn, uint32_t cookie, uint64_t now_s, struct synq_cookie_opts *out);

/** Most requests synq_cookie_check_burst() takes a call (its mask's bits), and the lanes
 * of synq_cookie_make_burst() at a time. */
#define SYNQ_COOKIE_BURST_MAX 64

/**
 * One IPv4 request of a burst: a SYN to answer with a cookie, or a final ACK whose
 * cookie to check. The first 12 bytes are the MAC input's (docs/syncookies.md) as they
 * are: addresses and ports as on the wire.
 */
struct synq_cookie_req4 {
	uint8_t saddr[4];    /* client */
	uint8_t daddr[4];    /* ours */
	uint16_t sport;	     /* client, network order */
	uint16_t dport;	     /* ours, network order */
	uint32_t client_isn; /* the SYN's sequence number; the ACK's minus one */
	uint32_t cookie;     /* make: out; check: in (the ACK's acknowledgment number - 1) */
	/* make: in, the SYN's options, then out, what the cookie keeps; check: out if valid */
	struct synq_cookie_opts opts;
};

/**
 * synq_cookie_make() for each of the @p n IPv4 SYNs of
 * @p r at @p now_s: r[i].cookie and r[i].opts are what synq_cookie_make() returns and
 * keeps for them, the MACs computed in SIMD lanes (struct synq_cookie_lanes). Made for
 * the loop over a burst's SYNs: fill the array, one call, build the SYN-ACKs. IPv6
 * SYNs take synq_cookie_make(). Any @p n: the lanes take SYNQ_COOKIE_BURST_MAX at a
 * time. Owning lcore only.
 */
void synq_cookie_make_burst(
	struct synq_cookie_ctx *ctx, struct synq_cookie_req4 *r, unsigned int n, uint64_t now_s);

/**
 * synq_cookie_check() for each of the @p n (<= SYNQ_COOKIE_BURST_MAX) IPv4 final ACKs
 * of @p r at @p now_s; the cookies may be of either live window (each lane has its
 * window's key). r[i].opts is set for the valid ones only. Owning lcore only. The mask
 * has 64 bits: past SYNQ_COOKIE_BURST_MAX requests none is checked (all read invalid).
 *
 * @return bit i set when r[i].cookie is valid (the caller still checks the TSecr with
 *   synq_cookie_tsecr_ok() when the ACK has timestamps).
 */
uint64_t synq_cookie_check_burst(
	struct synq_cookie_ctx *ctx, struct synq_cookie_req4 *r, unsigned int n, uint64_t now_s);

/**
 * A burst's IPv4 cookie requests in the layout of SipHash's lanes
 * (synq_siphash24_words()), filled straight from the packets: word j of the MAC input
 * of request i (the 22 bytes of docs/syncookies.md) at w[j][i]: the addresses; the
 * ports and the client's ISN; the window, the cookie's 8 visible bits, the family and
 * SipHash's length byte. No request structure copied into a message, then gathered.
 * synq_cookie_now() once a burst, a request each with synq_cookie_lanes_syn() or
 * _ack() (all of one kind), then synq_cookie_lanes_make() or _check(). Owning lcore
 * only.
 */
/* Entries a row: a burst's, and a last group of lanes from any start below it. */
#define SYNQ_COOKIE_LANES_ROW (SYNQ_COOKIE_BURST_MAX + SYNQ_SIP_LANES_MAX)

struct synq_cookie_lanes {
	uint64_t w[3][SYNQ_COOKIE_LANES_ROW];
	uint64_t sel[SYNQ_COOKIE_LANES_ROW];	/* check: UINT64_MAX, the window before's key */
	uint64_t h[SYNQ_COOKIE_LANES_ROW];	/* out: the MACs */
	uint32_t cookie[SYNQ_COOKIE_BURST_MAX]; /* check: in */
} __rte_aligned(64); /* the rows aligned to the vectors (synq_siphash24_words()) */

/*
 * The window of a burst's requests, apart from the lanes: a caller's local, which the
 * stores into the rows leave in registers.
 */
struct synq_cookie_now {
	uint64_t w2_make;     /* w[2] of a cookie made now, its 7 option bits 0 */
	uint64_t w2_check[2]; /* w[2] of now_w's and of now_w - 1's, 8 bits 0 */
	uint32_t now_w;
	uint32_t old; /* check: some request's cookie is of the window before */
};

/* The MAC input's last word (bytes 16..21 and the length 22): @p window and @p top8. */
static inline uint64_t
synq_cookie_w2(uint32_t window, uint32_t top8)
{
	return (uint64_t)window | (uint64_t)top8 << 32 | (uint64_t)4 << 40 | (uint64_t)22 << 56;
}

/** The window @p t of a burst's lanes at @p now_s. */
static inline void
synq_cookie_now(struct synq_cookie_now *t, uint64_t now_s)
{
	uint32_t w = synq_cookie_window(now_s);

	t->now_w = w;
	t->old = 0;
	t->w2_make = synq_cookie_w2(w, (w & 1) << 7);
	t->w2_check[0] = synq_cookie_w2(w, 0);
	t->w2_check[1] = synq_cookie_w2(w - 1, 0);
}

/* The MAC input's first two words: @p addrs the client's address then ours, @p ports
 * the client's port then ours, as on the wire (8 and 4 bytes). */
static inline void
synq_cookie_lanes_tuple(struct synq_cookie_lanes *b, unsigned int i, const void *addrs,
	const void *ports, uint32_t client_isn)
{
	uint64_t a;
	uint32_t p;

	memcpy(&a, addrs, 8);
	memcpy(&p, ports, 4);
	b->w[0][i] = rte_le_to_cpu_64(a);
	b->w[1][i] = (uint64_t)rte_le_to_cpu_32(p) | (uint64_t)client_isn << 32;
}

/** The table index of a client's MSS, rounded down (never up). */
static inline unsigned int
synq_cookie_mss_index(uint16_t mss)
{
	unsigned int i = SYNQ_COOKIE_NB_MSS - 1;

	while (i > 0 && synq_cookie_mss_table[i] > mss)
		i--;
	return i;
}

/* synq_cookie_wscale_index() of the shifts 0..15 (those RFC 7323 allows, and 15). */
extern const uint8_t synq_cookie_wscale_index_of[16];

/** The table index of a client's window scale, rounded down; 0: none. */
static inline unsigned int
synq_cookie_wscale_index(uint8_t ws)
{
	if (ws < RTE_DIM(synq_cookie_wscale_index_of))
		return synq_cookie_wscale_index_of[ws];
	return ws == SYNQ_COOKIE_NO_WSCALE ? 0 : SYNQ_COOKIE_NB_WSCALE - 1;
}

/**
 * Request @p i of the lanes @p b: a cookie for the SYN of @p addrs and @p ports (the
 * client's then ours, as on the wire) with ISN @p client_isn and options @p mss,
 * @p wscale, @p sack (struct synq_cookie_opts's); @p kept gets what the cookie keeps
 * of them (synq_cookie_make()'s), its MAC's bits from synq_cookie_lanes_cookie().
 */
static inline void
synq_cookie_lanes_syn(struct synq_cookie_lanes *b, const struct synq_cookie_now *t, unsigned int i,
	const void *addrs, const void *ports, uint32_t client_isn, uint16_t mss, uint8_t wscale,
	bool sack, struct synq_cookie_opts *kept)
{
	unsigned int mi = synq_cookie_mss_index(mss);
	unsigned int wi = synq_cookie_wscale_index(wscale);

	kept->mss = synq_cookie_mss_table[mi];
	kept->wscale = synq_cookie_wscale_table[wi];
	kept->sack = sack;
	synq_cookie_lanes_tuple(b, i, addrs, ports, client_isn);
	b->w[2][i] = t->w2_make | (uint64_t)(mi << 4 | wi << 1 | (sack ? 1u : 0u)) << 32;
}

/**
 * Request @p i of the lanes @p b: the check of @p cookie, brought by the final ACK of
 * @p addrs and @p ports (as synq_cookie_lanes_syn()'s) with client ISN @p client_isn.
 */
static inline void
synq_cookie_lanes_ack(struct synq_cookie_lanes *b, struct synq_cookie_now *t, unsigned int i,
	const void *addrs, const void *ports, uint32_t client_isn, uint32_t cookie)
{
	/* the parity bit picks now_w or the window before (synq_cookie_check()) */
	uint32_t old = (cookie >> 31) ^ (t->now_w & 1);

	synq_cookie_lanes_tuple(b, i, addrs, ports, client_isn);
	b->w[2][i] = t->w2_check[old] | (uint64_t)(cookie >> 24) << 32;
	b->sel[i] = -(uint64_t)old;
	t->old |= old;
	b->cookie[i] = cookie;
}

/** The cookies of the @p n SYNs of @p b, to be read with synq_cookie_lanes_cookie(). */
void synq_cookie_lanes_make(struct synq_cookie_ctx *ctx, struct synq_cookie_lanes *b,
	const struct synq_cookie_now *t, unsigned int n);

/**
 * The cookie made for request @p i of @p b (synq_cookie_lanes_make()), and the MAC's
 * bits @p kept (synq_cookie_lanes_syn()'s) still lacks: synq_cookie_make()'s.
 */
static inline uint32_t
synq_cookie_lanes_cookie(
	const struct synq_cookie_lanes *b, unsigned int i, struct synq_cookie_opts *kept)
{
	uint64_t h = b->h[i];

	kept->ts_mac = (uint8_t)(h >> 24 & SYNQ_COOKIE_TS_MASK);
	kept->ts_off = (uint32_t)(h >> 32);
	return (uint32_t)(b->w[2][i] >> 32) << 24 | ((uint32_t)h & 0x00ffffffu);
}

/**
 * The MACs of the ACKs @p from to @p n - 1 of @p b (n <= SYNQ_COOKIE_BURST_MAX), in
 * b->h[]: request i's cookie is valid (what synq_cookie_check() says) when
 * synq_cookie_lanes_valid(its cookie, b->h[i]). A burst may check its ACKs in several
 * calls, each from where the last ended.
 */
void synq_cookie_lanes_check(struct synq_cookie_ctx *ctx, struct synq_cookie_lanes *b,
	const struct synq_cookie_now *t, unsigned int from, unsigned int n);

/** Whether @p cookie is valid, @p h the MAC synq_cookie_lanes_check() made for it. */
static inline bool
synq_cookie_lanes_valid(uint32_t cookie, uint64_t h)
{
	return (((uint32_t)h ^ cookie) & 0x00ffffffu) == 0;
}

/**
 * The options of the valid @p cookie whose MAC is @p h (synq_cookie_lanes_check()):
 * what synq_cookie_check() gives.
 */
static inline void
synq_cookie_lanes_opts(uint32_t cookie, uint64_t h, struct synq_cookie_opts *out)
{
	out->ts_mac = (uint8_t)(h >> 24 & SYNQ_COOKIE_TS_MASK);
	out->ts_off = (uint32_t)(h >> 32);
	out->mss = synq_cookie_mss_table[cookie >> 28 & 7];
	out->wscale = synq_cookie_wscale_table[cookie >> 25 & 7];
	out->sack = cookie >> 24 & 1;
}

/**
 * The seconds cookie windows count: the wall clock (CLOCK_REALTIME, so that nodes that
 * share a secret agree), kept from going backwards. A cookie's life is the window
 * number it carries; a wall clock stepped back by a window or more would make expired
 * cookies valid again (the window parity repeats). Here a step back is not followed:
 * the seconds go on from where they were at the pace of the monotonic clock until the
 * wall clock catches up. A step forward is followed at once (cookies expire sooner,
 * never later). One per worker lcore.
 */
struct synq_cookie_clock {
	uint64_t base_s;  /* the last wall-clock second followed */
	uint64_t base_ms; /* the monotonic ms when it was read */
	uint64_t steps;	  /* steps backwards seen (SynqCookieClockBack) */
	bool behind;	  /* the wall clock is behind now: not followed */
	bool started;
};

/**
 * The cookie seconds for a wall-clock reading @p wall_s at monotonic @p mono_ms (any
 * origin, never decreasing): the larger of the wall clock and the last second
 * followed plus the monotonic time since. Owning lcore only.
 */
uint64_t synq_cookie_clock(struct synq_cookie_clock *c, uint64_t wall_s, uint64_t mono_ms);

/**
 * The TSval of a cookie SYN-ACK: our timestamp clock @p tsval with its low bits
 * replaced by @p ts_mac, never ahead of the clock (at most 2^SYNQ_COOKIE_TS_BITS - 1
 * ms behind), so that the connection's later TSvals never go backwards.
 */
static inline uint32_t
synq_cookie_tsval(uint32_t tsval, uint8_t ts_mac)
{
	uint32_t v = (tsval & ~SYNQ_COOKIE_TS_MASK) | (ts_mac & SYNQ_COOKIE_TS_MASK);

	return (int32_t)(v - tsval) > 0 ? v - (SYNQ_COOKIE_TS_MASK + 1) : v;
}

/** Whether a final ACK's @p tsecr brings back the cookie's @p ts_mac. */
static inline bool
synq_cookie_tsecr_ok(uint32_t tsecr, uint8_t ts_mac)
{
	return (tsecr & SYNQ_COOKIE_TS_MASK) == ts_mac;
}

#endif /* SYNQ_COOKIE_H */
