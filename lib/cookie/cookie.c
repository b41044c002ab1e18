/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SYN cookies; the specification is docs/syncookies.md, summed up here.
 *
 * Without timestamps the final ACK brings back exactly 32 bits that we chose (its
 * acknowledgment number minus one) and 32 bits the client chose (its sequence number
 * minus one, the client's ISN). Everything the connection needs must fit in the first
 * 32, and the MAC must be long enough that a blind guess fails: 24 MAC bits make a
 * random ACK pass with probability 2^-24. The 8 bits left carry:
 *
 *   - 1 bit of time: the parity of the 64 s window the cookie was made in. The
 *     checker knows the current window w; parity equal means w, different means w-1,
 *     so one MAC is computed per ACK and a cookie lives 64 to 128 s. A cookie from w-2
 *     has w's parity and fails w's MAC: expiry needs no extra bits.
 *   - 3 bits of MSS, 3 bits of window scale, 1 bit of SACK: what Linux loses when the
 *     client sends no timestamps (it then keeps only the MSS).
 *
 * With timestamps the SYN-ACK's TSval has room too: its low 5 bits carry 5 more bits
 * of the same SipHash, and the final ACK echoes them in its TSecr (Linux puts its
 * options there). An ACK with timestamps must bring them back: 29 bits in all. One
 * without timestamps is checked on the 24 alone; the forger picks, so 2^-24 is the
 * bound against a blind forger, and 2^-29 holds for a guess at a client's ACK that
 * carries timestamps (every Linux, macOS and BSD client).
 *
 * The MAC input holds the client's ISN (unlike Linux's additive cookie, where an ACK
 * with a wrong sequence number can still validate and early bytes be lost), the
 * window number, and the 8 visible bits, so none of them can be changed.
 *
 * Keys: each window w has its own key, derived from the master secret as
 * K_w = SipHash(master, "synq cookie key", w, 0) || SipHash(master, ..., w, 1).
 * The key in use thus changes every window, and the previous window's key stays
 * valid while its cookies live: rotation with overlap, computed locally, identical on
 * every node that shares the master secret, with nothing to coordinate.
 */

#include <stddef.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "synq_cookie.h"

#define COOKIE_T_SHIFT 31
#define COOKIE_MSS_SHIFT 28
#define COOKIE_WS_SHIFT 25
#define COOKIE_SACK_SHIFT 24
#define COOKIE_MAC_MASK 0x00ffffffu
/* the SipHash bits after the cookie's 24: the TSval's SYNQ_COOKIE_TS_BITS */
#define COOKIE_TS_SHIFT 24

/*
 * MSS values clients send (RFC 879's 536, IPv6's 1220 from 1280, tunnels and PPPoE
 * at 1360..1452, Ethernet's 1460 and a jumbo frame's 8960); a client's MSS is rounded
 * down to the next entry, never up.
 */
const uint16_t synq_cookie_mss_table[SYNQ_COOKIE_NB_MSS] = {
	536,
	1220,
	1280,
	1360,
	1400,
	1440,
	1460,
	8960,
};

/*
 * Window scales clients send: none; 0; 2 (older Linux); 4; 6 (macOS, BSD); 7 (Linux);
 * 8 (Windows); 10 (large buffers). Rounding down makes us underestimate the client's
 * window, which slows a transfer but never overruns the client.
 */
const uint8_t synq_cookie_wscale_table[SYNQ_COOKIE_NB_WSCALE] = {
	SYNQ_COOKIE_NO_WSCALE,
	0,
	2,
	4,
	6,
	7,
	8,
	10,
};

/* synq_cookie_wscale_index() of 0..15: the table's entry at or below, "none" aside */
const uint8_t synq_cookie_wscale_index_of[16] = {
	1,
	1,
	2,
	2,
	3,
	3,
	4,
	5,
	6,
	6,
	7,
	7,
	7,
	7,
	7,
	7,
};

/* Domain separation: the key-derivation input cannot collide with a MAC input. */
static const char kdf_label[8] = {'s', 'y', 'n', 'q', 'k', 'e', 'y', 0};

void
synq_cookie_init(struct synq_cookie_ctx *ctx, const uint8_t secret[16])
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->master = synq_sipkey_load(secret);
	ctx->next_from = UINT32_MAX;
}

void
synq_cookie_rotate(struct synq_cookie_ctx *ctx, const uint8_t secret[16], uint64_t now_s)
{
	uint32_t now_w = synq_cookie_window(now_s);

	/*
	 * A rotation already in force is the master now, from its window on; the master
	 * it replaces keeps the windows before, for the cookies they may still have (the
	 * window before now_w's, when the rotation came in force at now_w). One master
	 * back is enough: a rotation comes in force at the earliest in the window after
	 * it was asked, so the live windows, now_w - 1 and now_w, span at most two
	 * masters when the next one is asked. A rotation still pending is dropped: no
	 * cookie was made with it.
	 */
	if (ctx->next_from <= now_w) {
		ctx->prev_master = ctx->master;
		ctx->master = ctx->next_master;
		ctx->master_from = ctx->next_from;
	}
	ctx->next_master = synq_sipkey_load(secret);
	ctx->next_from = now_w + 1;
	for (unsigned int i = 0; i < 2; i++)
		if (ctx->slot[i].valid && ctx->slot[i].window >= ctx->next_from)
			ctx->slot[i].valid = false;
}

static struct synq_sipkey
derive(const struct synq_sipkey *master, uint32_t window)
{
	struct {
		char label[8];
		uint32_t window;
		uint32_t half;
	} in = {.window = rte_cpu_to_le_32(window)};
	struct synq_sipkey k;

	memcpy(in.label, kdf_label, sizeof(in.label));
	k.k0 = synq_siphash24(master, &in, sizeof(in));
	in.half = rte_cpu_to_le_32(1);
	k.k1 = synq_siphash24(master, &in, sizeof(in));
	return k;
}

/* The key of @p window, derived once per window and cached by its parity. */
static const struct synq_sipkey *
window_key(struct synq_cookie_ctx *ctx, uint32_t window)
{
	struct synq_cookie_slot *s = &ctx->slot[window & 1];

	if (!s->valid || s->window != window) {
		s->key = derive(window >= ctx->next_from     ? &ctx->next_master
				: window >= ctx->master_from ? &ctx->master
							     : &ctx->prev_master,
			window);
		s->window = window;
		s->valid = true;
	}
	return &s->key;
}

/*
 * The MAC input m. IPv4 packs it into 22 bytes, so that SipHash compresses three
 * words instead of seven (on a SYN flood this is a fifth of a cookie SYN's cost):
 *
 *   0      4      8     10     12       16  20   21     22
 *   | cli  | our  | cli | our | client  | w | t8 | fam |
 *   | addr | addr | port| port| ISN     |   |    |  4  |
 *
 * IPv6 uses 48 bytes: both addresses, then ports, ISN, w, the 8 bits and the family
 * at the same relative places, zero padded. The length (22 or 48) is part of
 * SipHash's last word and the family is in both, so no IPv4 input equals an IPv6 one.
 * Ports are in network order, ISN and w little-endian.
 */
static uint64_t
mac64(struct synq_cookie_ctx *ctx, const struct synq_cookie_flow *f, uint32_t client_isn,
	uint32_t window, uint32_t top8)
{
	uint8_t in[48];
	size_t alen = f->family == 6 ? 16 : 4;
	uint8_t *p = in;
	uint32_t isn_le = rte_cpu_to_le_32(client_isn);
	uint32_t w_le = rte_cpu_to_le_32(window);

	memcpy(p, f->saddr, alen);
	p += alen;
	memcpy(p, f->daddr, alen);
	p += alen;
	memcpy(p, &f->sport, 2);
	memcpy(p + 2, &f->dport, 2);
	memcpy(p + 4, &isn_le, 4);
	memcpy(p + 8, &w_le, 4);
	p[12] = (uint8_t)top8;
	p[13] = f->family;
	if (alen == 4) /* constant lengths: the compiler unrolls SipHash for each */
		return synq_siphash24(window_key(ctx, window), in, 22);
	memset(p + 14, 0, sizeof(in) - (2 * 16 + 14));
	return synq_siphash24(window_key(ctx, window), in, 48);
}

uint64_t
synq_cookie_clock(struct synq_cookie_clock *c, uint64_t wall_s, uint64_t mono_ms)
{
	uint64_t floor_s = c->base_s + (mono_ms - c->base_ms) / 1000;

	if (!c->started || wall_s >= floor_s) {
		c->started = true;
		c->behind = false;
		c->base_s = wall_s;
		c->base_ms = mono_ms;
		return wall_s;
	}
	/* counted once a step: until the wall clock is followed again */
	if (!c->behind)
		c->steps++;
	c->behind = true;
	return floor_s;
}

uint32_t
synq_cookie_make(struct synq_cookie_ctx *ctx, const struct synq_cookie_flow *flow,
	uint32_t client_isn, const struct synq_cookie_opts *in, uint64_t now_s,
	struct synq_cookie_opts *kept)
{
	uint32_t window = synq_cookie_window(now_s);
	unsigned int mi = synq_cookie_mss_index(in->mss);
	unsigned int wi = synq_cookie_wscale_index(in->wscale);
	uint32_t top8 = (window & 1) << 7 | mi << 4 | wi << 1 | (in->sack ? 1 : 0);
	uint64_t h = mac64(ctx, flow, client_isn, window, top8);

	kept->mss = synq_cookie_mss_table[mi];
	kept->wscale = synq_cookie_wscale_table[wi];
	kept->sack = in->sack;
	kept->ts_mac = (uint8_t)((h >> COOKIE_TS_SHIFT) & SYNQ_COOKIE_TS_MASK);
	kept->ts_off = (uint32_t)(h >> 32);
	return top8 << COOKIE_SACK_SHIFT | ((uint32_t)h & COOKIE_MAC_MASK);
}

bool
synq_cookie_check(struct synq_cookie_ctx *ctx, const struct synq_cookie_flow *flow,
	uint32_t client_isn, uint32_t cookie, uint64_t now_s, struct synq_cookie_opts *out)
{
	uint32_t now_w = synq_cookie_window(now_s);
	uint32_t top8 = cookie >> COOKIE_SACK_SHIFT;
	uint32_t window = (cookie >> COOKIE_T_SHIFT) == (now_w & 1) ? now_w : now_w - 1;
	uint64_t h;

	/*
	 * Window 0 (a wall clock at the epoch, before NTP) has no window before it: the
	 * wrap to UINT32_MAX would check the cookie under next_master's key, all zero
	 * while no rotation is pending, a key anyone computes.
	 */
	if (window > now_w)
		return false;
	h = mac64(ctx, flow, client_isn, window, top8);

	if (((uint32_t)h & COOKIE_MAC_MASK) != (cookie & COOKIE_MAC_MASK))
		return false;
	out->ts_mac = (uint8_t)((h >> COOKIE_TS_SHIFT) & SYNQ_COOKIE_TS_MASK);
	out->ts_off = (uint32_t)(h >> 32);
	out->mss = synq_cookie_mss_table[(cookie >> COOKIE_MSS_SHIFT) & 7];
	out->wscale = synq_cookie_wscale_table[(cookie >> COOKIE_WS_SHIFT) & 7];
	out->sack = (cookie >> COOKIE_SACK_SHIFT) & 1;
	return true;
}

/*
 * Bursts: the IPv4 MAC inputs of up to SYNQ_COOKIE_BURST_MAX requests as their three
 * SipHash words, one row a word (struct synq_cookie_lanes), hashed in SIMD lanes
 * (synq_siphash24_words()). Word for word the input mac64() builds, so each lane's MAC
 * is the scalar one.
 */
_Static_assert(SYNQ_COOKIE_LANES_ROW % SYNQ_SIP_LANES_MAX == 0,
	"the lanes' rows stay aligned to the vectors");
_Static_assert(offsetof(struct synq_cookie_req4, daddr) == 4 &&
		       offsetof(struct synq_cookie_req4, dport) ==
			       offsetof(struct synq_cookie_req4, sport) + 2,
	"struct synq_cookie_req4's addresses and ports are the MAC input's first 12 bytes");

void
synq_cookie_lanes_make(struct synq_cookie_ctx *ctx, struct synq_cookie_lanes *b,
	const struct synq_cookie_now *t, unsigned int n)
{
	synq_siphash24_words(
		window_key(ctx, t->now_w), NULL, &b->w[0][0], SYNQ_COOKIE_LANES_ROW, 3, n, b->h);
}

void
synq_cookie_lanes_check(struct synq_cookie_ctx *ctx, struct synq_cookie_lanes *b,
	const struct synq_cookie_now *t, unsigned int from, unsigned int n)
{
	struct synq_sipkey keys[2];

	if (from >= n)
		return;
	keys[0] = *window_key(ctx, t->now_w);
	/*
	 * Window 0 (a wall clock at the epoch) has no window before it (synq_cookie_check()):
	 * its "old" cookies are hashed under now_w's key, then given a MAC that fails them.
	 */
	keys[1] = t->old && t->now_w > 0 ? *window_key(ctx, t->now_w - 1) : keys[0];
	synq_siphash24_words(keys, t->old ? b->sel + from : NULL, &b->w[0][from],
		SYNQ_COOKIE_LANES_ROW, 3, n - from, b->h + from);
	if (t->old && t->now_w == 0)
		for (unsigned int i = from; i < n; i++)
			if (b->sel[i] != 0)
				b->h[i] = ~(uint64_t)b->cookie[i];
}

void
synq_cookie_make_burst(
	struct synq_cookie_ctx *ctx, struct synq_cookie_req4 *r, unsigned int n, uint64_t now_s)
{
	struct synq_cookie_lanes b;
	struct synq_cookie_now t;

	/* every SYN gets its cookie: a caller's longer burst goes 64 at a time */
	while (n > 0) {
		unsigned int k = RTE_MIN(n, (unsigned int)SYNQ_COOKIE_BURST_MAX);

		synq_cookie_now(&t, now_s);
		for (unsigned int i = 0; i < k; i++)
			synq_cookie_lanes_syn(&b, &t, i, r[i].saddr, &r[i].sport, r[i].client_isn,
				r[i].opts.mss, r[i].opts.wscale, r[i].opts.sack, &r[i].opts);
		synq_cookie_lanes_make(ctx, &b, &t, k);
		for (unsigned int i = 0; i < k; i++)
			r[i].cookie = synq_cookie_lanes_cookie(&b, i, &r[i].opts);
		r += k;
		n -= k;
	}
}

uint64_t
synq_cookie_check_burst(
	struct synq_cookie_ctx *ctx, struct synq_cookie_req4 *r, unsigned int n, uint64_t now_s)
{
	struct synq_cookie_lanes b;
	struct synq_cookie_now t;
	uint64_t valid = 0;

	n = RTE_MIN(n, (unsigned int)SYNQ_COOKIE_BURST_MAX);
	synq_cookie_now(&t, now_s);
	for (unsigned int i = 0; i < n; i++)
		synq_cookie_lanes_ack(
			&b, &t, i, r[i].saddr, &r[i].sport, r[i].client_isn, r[i].cookie);
	synq_cookie_lanes_check(ctx, &b, &t, 0, n);
	for (unsigned int i = 0; i < n; i++) {
		if (!synq_cookie_lanes_valid(r[i].cookie, b.h[i]))
			continue;
		synq_cookie_lanes_opts(r[i].cookie, b.h[i], &r[i].opts);
		valid |= UINT64_C(1) << i;
	}
	return valid;
}
