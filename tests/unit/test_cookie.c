/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SipHash-2-4 against the reference vectors, and SYN cookies: round trips for every
 * option combination, window edges, rotation, nodes sharing a secret, tampering of
 * each field, and the rate at which random ACKs pass.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include <rte_common.h>

#include "synq_cookie.h"
#include "synq_siphash.h"

/*
 * SipHash-2-4 reference vectors (the SipHash authors' vectors.h, "vectors_sip64"):
 * key 00 01 .. 0f, message i bytes 00 01 .. i-1, output as 8 little-endian bytes.
 */
static const uint8_t sip_vectors[64][8] = {
	{0x31, 0x0e, 0x0e, 0xdd, 0x47, 0xdb, 0x6f, 0x72}, {0xfd, 0x67, 0xdc, 0x93, 0xc5, 0x39, 0xf8, 0x74},
	{0x5a, 0x4f, 0xa9, 0xd9, 0x09, 0x80, 0x6c, 0x0d}, {0x2d, 0x7e, 0xfb, 0xd7, 0x96, 0x66, 0x67, 0x85},
	{0xb7, 0x87, 0x71, 0x27, 0xe0, 0x94, 0x27, 0xcf}, {0x8d, 0xa6, 0x99, 0xcd, 0x64, 0x55, 0x76, 0x18},
	{0xce, 0xe3, 0xfe, 0x58, 0x6e, 0x46, 0xc9, 0xcb}, {0x37, 0xd1, 0x01, 0x8b, 0xf5, 0x00, 0x02, 0xab},
	{0x62, 0x24, 0x93, 0x9a, 0x79, 0xf5, 0xf5, 0x93}, {0xb0, 0xe4, 0xa9, 0x0b, 0xdf, 0x82, 0x00, 0x9e},
	{0xf3, 0xb9, 0xdd, 0x94, 0xc5, 0xbb, 0x5d, 0x7a}, {0xa7, 0xad, 0x6b, 0x22, 0x46, 0x2f, 0xb3, 0xf4},
	{0xfb, 0xe5, 0x0e, 0x86, 0xbc, 0x8f, 0x1e, 0x75}, {0x90, 0x3d, 0x84, 0xc0, 0x27, 0x56, 0xea, 0x14},
	{0xee, 0xf2, 0x7a, 0x8e, 0x90, 0xca, 0x23, 0xf7}, {0xe5, 0x45, 0xbe, 0x49, 0x61, 0xca, 0x29, 0xa1},
	{0xdb, 0x9b, 0xc2, 0x57, 0x7f, 0xcc, 0x2a, 0x3f}, {0x94, 0x47, 0xbe, 0x2c, 0xf5, 0xe9, 0x9a, 0x69},
	{0x9c, 0xd3, 0x8d, 0x96, 0xf0, 0xb3, 0xc1, 0x4b}, {0xbd, 0x61, 0x79, 0xa7, 0x1d, 0xc9, 0x6d, 0xbb},
	{0x98, 0xee, 0xa2, 0x1a, 0xf2, 0x5c, 0xd6, 0xbe}, {0xc7, 0x67, 0x3b, 0x2e, 0xb0, 0xcb, 0xf2, 0xd0},
	{0x88, 0x3e, 0xa3, 0xe3, 0x95, 0x67, 0x53, 0x93}, {0xc8, 0xce, 0x5c, 0xcd, 0x8c, 0x03, 0x0c, 0xa8},
	{0x94, 0xaf, 0x49, 0xf6, 0xc6, 0x50, 0xad, 0xb8}, {0xea, 0xb8, 0x85, 0x8a, 0xde, 0x92, 0xe1, 0xbc},
	{0xf3, 0x15, 0xbb, 0x5b, 0xb8, 0x35, 0xd8, 0x17}, {0xad, 0xcf, 0x6b, 0x07, 0x63, 0x61, 0x2e, 0x2f},
	{0xa5, 0xc9, 0x1d, 0xa7, 0xac, 0xaa, 0x4d, 0xde}, {0x71, 0x65, 0x95, 0x87, 0x66, 0x50, 0xa2, 0xa6},
	{0x28, 0xef, 0x49, 0x5c, 0x53, 0xa3, 0x87, 0xad}, {0x42, 0xc3, 0x41, 0xd8, 0xfa, 0x92, 0xd8, 0x32},
	{0xce, 0x7c, 0xf2, 0x72, 0x2f, 0x51, 0x27, 0x71}, {0xe3, 0x78, 0x59, 0xf9, 0x46, 0x23, 0xf3, 0xa7},
	{0x38, 0x12, 0x05, 0xbb, 0x1a, 0xb0, 0xe0, 0x12}, {0xae, 0x97, 0xa1, 0x0f, 0xd4, 0x34, 0xe0, 0x15},
	{0xb4, 0xa3, 0x15, 0x08, 0xbe, 0xff, 0x4d, 0x31}, {0x81, 0x39, 0x62, 0x29, 0xf0, 0x90, 0x79, 0x02},
	{0x4d, 0x0c, 0xf4, 0x9e, 0xe5, 0xd4, 0xdc, 0xca}, {0x5c, 0x73, 0x33, 0x6a, 0x76, 0xd8, 0xbf, 0x9a},
	{0xd0, 0xa7, 0x04, 0x53, 0x6b, 0xa9, 0x3e, 0x0e}, {0x92, 0x59, 0x58, 0xfc, 0xd6, 0x42, 0x0c, 0xad},
	{0xa9, 0x15, 0xc2, 0x9b, 0xc8, 0x06, 0x73, 0x18}, {0x95, 0x2b, 0x79, 0xf3, 0xbc, 0x0a, 0xa6, 0xd4},
	{0xf2, 0x1d, 0xf2, 0xe4, 0x1d, 0x45, 0x35, 0xf9}, {0x87, 0x57, 0x75, 0x19, 0x04, 0x8f, 0x53, 0xa9},
	{0x10, 0xa5, 0x6c, 0xf5, 0xdf, 0xcd, 0x9a, 0xdb}, {0xeb, 0x75, 0x09, 0x5c, 0xcd, 0x98, 0x6c, 0xd0},
	{0x51, 0xa9, 0xcb, 0x9e, 0xcb, 0xa3, 0x12, 0xe6}, {0x96, 0xaf, 0xad, 0xfc, 0x2c, 0xe6, 0x66, 0xc7},
	{0x72, 0xfe, 0x52, 0x97, 0x5a, 0x43, 0x64, 0xee}, {0x5a, 0x16, 0x45, 0xb2, 0x76, 0xd5, 0x92, 0xa1},
	{0xb2, 0x74, 0xcb, 0x8e, 0xbf, 0x87, 0x87, 0x0a}, {0x6f, 0x9b, 0xb4, 0x20, 0x3d, 0xe7, 0xb3, 0x81},
	{0xea, 0xec, 0xb2, 0xa3, 0x0b, 0x22, 0xa8, 0x7f}, {0x99, 0x24, 0xa4, 0x3c, 0xc1, 0x31, 0x57, 0x24},
	{0xbd, 0x83, 0x8d, 0x3a, 0xaf, 0xbf, 0x8d, 0xb7}, {0x0b, 0x1a, 0x2a, 0x32, 0x65, 0xd5, 0x1a, 0xea},
	{0x13, 0x50, 0x79, 0xa3, 0x23, 0x1c, 0xe6, 0x60}, {0x93, 0x2b, 0x28, 0x46, 0xe4, 0xd7, 0x06, 0x66},
	{0xe1, 0x91, 0x5f, 0x5c, 0xb1, 0xec, 0xa4, 0x6c}, {0xf3, 0x25, 0x96, 0x5c, 0xa1, 0x6d, 0x62, 0x9f},
	{0x57, 0x5f, 0xf2, 0x8e, 0x60, 0x38, 0x1b, 0xe5}, {0x72, 0x45, 0x06, 0xeb, 0x4c, 0x32, 0x8a, 0x95},
};

static const uint8_t secret_a[16] = "0123456789abcdef";
static const uint8_t secret_b[16] = "fedcba9876543210";

/* A time in the middle of a window far from 0. */
#define T0 ((uint64_t)1795240800 - (uint64_t)1795240800 % SYNQ_COOKIE_WINDOW_S)

static struct synq_cookie_flow
flow4(void)
{
	struct synq_cookie_flow f = {.family = 4, .sport = 0x3930, .dport = 0x5000};

	memcpy(f.saddr, (const uint8_t[]){198, 18, 0, 2}, 4);
	memcpy(f.daddr, (const uint8_t[]){198, 18, 0, 1}, 4);
	return f;
}

static struct synq_cookie_flow
flow6(void)
{
	struct synq_cookie_flow f = {.family = 6, .sport = 0x3930, .dport = 0x5000};

	f.saddr[0] = 0x20;
	f.saddr[1] = 0x01;
	f.saddr[3] = 0x02;
	f.saddr[15] = 2;
	memcpy(f.daddr, f.saddr, 16);
	f.daddr[15] = 1;
	return f;
}

static void
test_siphash_vectors(void **state __rte_unused)
{
	uint8_t key[16], msg[64];
	struct synq_sipkey k;

	for (unsigned int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (unsigned int i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	k = synq_sipkey_load(key);
	for (unsigned int len = 0; len < 64; len++) {
		uint64_t h = synq_siphash24(&k, msg, len);
		uint8_t out[8];

		for (unsigned int b = 0; b < 8; b++)
			out[b] = (uint8_t)(h >> (8 * b));
		if (memcmp(out, sip_vectors[len], 8) != 0)
			fail_msg("SipHash-2-4 vector %u differs", len);
	}
}

static void
check_round_trip(const struct synq_cookie_flow *f, uint16_t mss, uint8_t ws, bool sack)
{
	struct synq_cookie_ctx ctx;
	struct synq_cookie_opts in = {.mss = mss, .wscale = ws, .sack = sack}, kept, out;
	uint32_t isn = 0x12345678u ^ mss ^ ((uint32_t)ws << 16);
	uint32_t c;

	synq_cookie_init(&ctx, secret_a);
	c = synq_cookie_make(&ctx, f, isn, &in, T0 + 10, &kept);
	assert_true(synq_cookie_check(&ctx, f, isn, c, T0 + 11, &out));
	assert_int_equal(out.mss, kept.mss);
	assert_int_equal(out.wscale, kept.wscale);
	assert_int_equal(out.sack, sack);
	/* rounded down, never up; exact where the table has the value */
	assert_true(kept.mss <= RTE_MAX(mss, (uint16_t)536));
	if (ws == SYNQ_COOKIE_NO_WSCALE)
		assert_int_equal(kept.wscale, SYNQ_COOKIE_NO_WSCALE);
	else
		assert_true(kept.wscale <= ws);
	for (unsigned int i = 0; i < SYNQ_COOKIE_NB_MSS; i++)
		if (synq_cookie_mss_table[i] == mss)
			assert_int_equal(kept.mss, mss);
	for (unsigned int i = 1; i < SYNQ_COOKIE_NB_WSCALE; i++)
		if (synq_cookie_wscale_table[i] == ws)
			assert_int_equal(kept.wscale, ws);
}

/* Every option combination, no timestamps needed: MSS, window scale and SACK survive. */
static void
test_round_trip_all_options(void **state __rte_unused)
{
	static const uint16_t msses[] = {100, 535, 536, 537, 1219, 1220, 1280, 1300, 1360, 1400,
		1440, 1452, 1460, 1500, 8960, 9000, 65535};
	struct synq_cookie_flow f4 = flow4(), f6 = flow6();

	for (unsigned int m = 0; m < RTE_DIM(msses); m++) {
		for (unsigned int ws = 0; ws <= 15; ws++) {
			uint8_t w = ws == 15 ? SYNQ_COOKIE_NO_WSCALE : (uint8_t)ws;

			check_round_trip(&f4, msses[m], w, false);
			check_round_trip(&f4, msses[m], w, true);
			check_round_trip(&f6, msses[m], w, false);
			check_round_trip(&f6, msses[m], w, true);
		}
	}
}

/* Made in window w: valid through the end of w+1, refused from w+2 on. */
static void
test_time_window_edges(void **state __rte_unused)
{
	struct synq_cookie_ctx ctx;
	struct synq_cookie_flow f = flow4();
	struct synq_cookie_opts in = {.mss = 1460, .wscale = 7, .sack = true}, kept, out;
	const uint64_t w = SYNQ_COOKIE_WINDOW_S;
	uint32_t c;

	synq_cookie_init(&ctx, secret_a);
	/* made at the first second of a window */
	c = synq_cookie_make(&ctx, &f, 1, &in, T0, &kept);
	assert_true(synq_cookie_check(&ctx, &f, 1, c, T0, &out));
	assert_true(synq_cookie_check(&ctx, &f, 1, c, T0 + w - 1, &out));
	assert_true(synq_cookie_check(&ctx, &f, 1, c, T0 + 2 * w - 1, &out));
	assert_false(synq_cookie_check(&ctx, &f, 1, c, T0 + 2 * w, &out));
	assert_false(synq_cookie_check(&ctx, &f, 1, c, T0 + 3 * w, &out));
	/* made at the last second of a window: still 1 s + one window */
	c = synq_cookie_make(&ctx, &f, 1, &in, T0 + w - 1, &kept);
	assert_true(synq_cookie_check(&ctx, &f, 1, c, T0 + w, &out));
	assert_true(synq_cookie_check(&ctx, &f, 1, c, T0 + 2 * w - 1, &out));
	assert_false(synq_cookie_check(&ctx, &f, 1, c, T0 + 2 * w, &out));
	/* a checker whose clock is a window behind does not accept it (no future) */
	assert_false(synq_cookie_check(&ctx, &f, 1, c, T0 - 1, &out));
}

/*
 * A wall clock stepped back never makes an expired cookie valid again: the cookie
 * clock goes on at the monotonic pace until the wall clock catches up.
 */
static void
test_clock_step_back(void **state __rte_unused)
{
	struct synq_cookie_ctx ctx;
	struct synq_cookie_clock clk = {0};
	struct synq_cookie_flow f = flow4();
	struct synq_cookie_opts in = {.mss = 1460, .wscale = 7, .sack = true}, kept, out;
	const uint64_t w = SYNQ_COOKIE_WINDOW_S;
	uint64_t now;
	uint32_t c;

	synq_cookie_init(&ctx, secret_a);
	now = synq_cookie_clock(&clk, T0, 5000);
	assert_int_equal(now, T0);
	c = synq_cookie_make(&ctx, &f, 1, &in, now, &kept);
	/* 2 windows later, expired; then the wall clock steps back 2 windows */
	now = synq_cookie_clock(&clk, T0 + 2 * w, 5000 + 2 * w * 1000);
	assert_false(synq_cookie_check(&ctx, &f, 1, c, now, &out));
	/* the raw wall clock would validate it again; the cookie clock does not */
	assert_true(synq_cookie_check(&ctx, &f, 1, c, T0, &out));
	now = synq_cookie_clock(&clk, T0, 5000 + 2 * w * 1000 + 1500);
	assert_int_equal(now, T0 + 2 * w + 1);
	assert_false(synq_cookie_check(&ctx, &f, 1, c, now, &out));
	assert_int_equal(clk.steps, 1);
	/* still behind a window later: the floor goes on, one step counted */
	now = synq_cookie_clock(&clk, T0 + w, 5000 + 3 * w * 1000 + 1500);
	assert_int_equal(now, T0 + 3 * w + 1);
	assert_int_equal(clk.steps, 1);
	/* the wall clock caught up and passed: followed again, forward steps at once */
	now = synq_cookie_clock(&clk, T0 + 10 * w, 5000 + 3 * w * 1000 + 2000);
	assert_int_equal(now, T0 + 10 * w);
	now = synq_cookie_clock(&clk, T0 + 9 * w, 5000 + 3 * w * 1000 + 3000);
	assert_int_equal(now, T0 + 10 * w + 1);
	assert_int_equal(clk.steps, 2);
}

/* Two nodes with the same secret accept each other's cookies; another secret does not. */
static void
test_shared_secret_nodes(void **state __rte_unused)
{
	struct synq_cookie_ctx a, b, other;
	struct synq_cookie_flow f = flow6();
	struct synq_cookie_opts in = {.mss = 1440, .wscale = 8, .sack = true}, kept, out;
	uint32_t c;

	synq_cookie_init(&a, secret_a);
	synq_cookie_init(&b, secret_a);
	synq_cookie_init(&other, secret_b);
	c = synq_cookie_make(&a, &f, 77, &in, T0 + 5, &kept);
	assert_true(synq_cookie_check(&b, &f, 77, c, T0 + 70, &out));
	assert_int_equal(out.mss, 1440);
	assert_int_equal(out.wscale, 8);
	assert_false(synq_cookie_check(&other, &f, 77, c, T0 + 70, &out));
}

/* A new secret takes the next window; cookies made before keep their whole life. */
static void
test_rotation_overlap(void **state __rte_unused)
{
	struct synq_cookie_ctx ctx, peer, old_only;
	struct synq_cookie_flow f = flow4();
	struct synq_cookie_opts in = {.mss = 1460, .wscale = 7, .sack = false}, kept, out;
	const uint64_t w = SYNQ_COOKIE_WINDOW_S;
	uint32_t before, after;

	synq_cookie_init(&ctx, secret_a);
	synq_cookie_init(&peer, secret_a);
	synq_cookie_init(&old_only, secret_a);
	before = synq_cookie_make(&ctx, &f, 5, &in, T0 + 10, &kept);
	synq_cookie_rotate(&ctx, secret_b, T0 + 20);
	synq_cookie_rotate(&peer, secret_b, T0 + 30);
	/* the old cookie lives on through its second window */
	assert_true(synq_cookie_check(&ctx, &f, 5, before, T0 + 20, &out));
	assert_true(synq_cookie_check(&ctx, &f, 5, before, T0 + w + 10, &out));
	/* cookies of the next window use the new secret, on both nodes */
	after = synq_cookie_make(&ctx, &f, 5, &in, T0 + w + 10, &kept);
	assert_true(synq_cookie_check(&peer, &f, 5, after, T0 + w + 11, &out));
	assert_false(synq_cookie_check(&old_only, &f, 5, after, T0 + w + 11, &out));
	assert_true(synq_cookie_check(&ctx, &f, 5, after, T0 + 2 * w + 10, &out));
	/* a second rotation: the first, in force by now, becomes the master */
	synq_cookie_rotate(&ctx, secret_a, T0 + 2 * w + 10);
	assert_true(synq_cookie_check(&ctx, &f, 5, after, T0 + 2 * w + 20, &out));
}

/*
 * Two rotations a window apart: a cookie of the window before the first one came in
 * force still validates after the second, on a node that never derived that window's
 * key before the second rotation (a peer behind ECMP; a worker that made no cookie
 * then). With one master kept, the second rotation made the first's secret the master
 * of every window before its own, and the old cookie failed.
 */
static void
test_rotation_twice(void **state __rte_unused)
{
	struct synq_cookie_ctx maker, peer;
	struct synq_cookie_flow f = flow4();
	struct synq_cookie_opts in = {.mss = 1460, .wscale = 7, .sack = false}, kept, out;
	const uint64_t w = SYNQ_COOKIE_WINDOW_S;
	uint32_t old, mid;

	synq_cookie_init(&maker, secret_a);
	synq_cookie_init(&peer, secret_a);
	synq_cookie_rotate(&maker, secret_b, T0 + 10);
	synq_cookie_rotate(&peer, secret_b, T0 + 11);
	/* made in window T0 under A, at its end; the rotation to B is in force at T0 + w */
	old = synq_cookie_make(&maker, &f, 9, &in, T0 + w - 1, &kept);
	/* in window T0 + w: B in force, a rotation back to A asked on both nodes */
	synq_cookie_rotate(&maker, secret_a, T0 + w + 1);
	synq_cookie_rotate(&peer, secret_a, T0 + w + 2);
	mid = synq_cookie_make(&maker, &f, 9, &in, T0 + w + 3, &kept);
	assert_true(synq_cookie_check(&peer, &f, 9, old, T0 + w + 4, &out));
	assert_true(synq_cookie_check(&peer, &f, 9, mid, T0 + w + 5, &out));
	assert_true(synq_cookie_check(&maker, &f, 9, old, T0 + w + 6, &out));
	/* and in window T0 + 2w (A again): the one of T0 + w, under B, lives on */
	assert_true(synq_cookie_check(&peer, &f, 9, mid, T0 + 2 * w + 1, &out));
	assert_false(synq_cookie_check(&peer, &f, 9, old, T0 + 2 * w + 1, &out));
	/* a third rotation at once: B's window still checks under B */
	synq_cookie_rotate(&peer, secret_b, T0 + 2 * w + 2);
	assert_true(synq_cookie_check(&peer, &f, 9, mid, T0 + 2 * w + 3, &out));
}

/* Change any one field and the cookie is refused. */
static void
test_tampering_rejected(void **state __rte_unused)
{
	struct synq_cookie_ctx ctx;
	struct synq_cookie_flow f = flow6(), g;
	struct synq_cookie_opts in = {.mss = 1460, .wscale = 7, .sack = true}, kept, out;
	const uint32_t isn = 0xdeadbeef;
	uint32_t c;

	synq_cookie_init(&ctx, secret_a);
	c = synq_cookie_make(&ctx, &f, isn, &in, T0 + 1, &kept);
	for (unsigned int bit = 0; bit < 32; bit++)
		if (synq_cookie_check(&ctx, &f, isn, c ^ (1u << bit), T0 + 1, &out))
			fail_msg("cookie with bit %u flipped accepted", bit);
	assert_false(synq_cookie_check(&ctx, &f, isn + 1, c, T0 + 1, &out));
	assert_false(synq_cookie_check(&ctx, &f, isn - 1, c, T0 + 1, &out));
	for (unsigned int i = 0; i < 16; i++) {
		g = f;
		g.saddr[i] ^= 0x01;
		assert_false(synq_cookie_check(&ctx, &g, isn, c, T0 + 1, &out));
		g = f;
		g.daddr[i] ^= 0x80;
		assert_false(synq_cookie_check(&ctx, &g, isn, c, T0 + 1, &out));
	}
	g = f;
	g.sport ^= 1;
	assert_false(synq_cookie_check(&ctx, &g, isn, c, T0 + 1, &out));
	g = f;
	g.dport ^= 0x100;
	assert_false(synq_cookie_check(&ctx, &g, isn, c, T0 + 1, &out));
	g = f;
	g.family = 4;
	assert_false(synq_cookie_check(&ctx, &g, isn, c, T0 + 1, &out));
	assert_true(synq_cookie_check(&ctx, &f, isn, c, T0 + 1, &out));
}

/*
 * Random acknowledgment numbers: each passes with probability 2^-24, so 2^22 tries
 * expect 0.25 passes; more than 4 would happen by chance with probability < 1e-4.
 */
static void
test_random_acks_rejected(void **state __rte_unused)
{
	struct synq_cookie_ctx ctx;
	struct synq_cookie_flow f = flow4();
	struct synq_cookie_opts out;
	uint64_t x = 0x9e3779b97f4a7c15u;
	unsigned int passed = 0;

	synq_cookie_init(&ctx, secret_a);
	for (unsigned int i = 0; i < (1u << 22); i++) {
		/* xorshift64: cheap and good enough to spread guesses over 32 bits */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		passed += synq_cookie_check(&ctx, &f, (uint32_t)(x >> 32), (uint32_t)x, T0 + 1, &out);
	}
	print_message("random ACKs accepted: %u of %u\n", passed, 1u << 22);
	assert_true(passed <= 4);
}

/*
 * With timestamps, 5 more MAC bits ride in the SYN-ACK's TSval: the check gives the
 * same bits back, the TSval keeps them in its low bits and is never ahead of the clock,
 * and a random guess of cookie and TSecr passes with odds 2^-29: 2^22 tries expect
 * 1/128 passes.
 */
static void
test_ts_bits(void **state __rte_unused)
{
	static const uint32_t clocks[] = {0, 5, 31, 32, 1000, 0x7fffffe0u, UINT32_MAX};
	struct synq_cookie_ctx ctx;
	struct synq_cookie_flow f = flow4();
	struct synq_cookie_opts in = {.mss = 1460, .wscale = 7, .sack = true}, kept, out;
	uint64_t x = 0x2545f4914f6cdd1du;
	unsigned int passed = 0, seen = 0;

	synq_cookie_init(&ctx, secret_a);
	for (uint32_t isn = 0; isn < 256; isn++) {
		uint32_t c = synq_cookie_make(&ctx, &f, isn, &in, T0, &kept);

		assert_true(kept.ts_mac <= SYNQ_COOKIE_TS_MASK);
		assert_true(synq_cookie_check(&ctx, &f, isn, c, T0 + 1, &out));
		assert_int_equal(out.ts_mac, kept.ts_mac);
		seen |= 1u << kept.ts_mac;
	}
	assert_int_equal(seen, UINT32_MAX); /* all 32 values: bits of the MAC, not constant */
	for (unsigned int i = 0; i < RTE_DIM(clocks); i++)
		for (uint8_t m = 0; m <= SYNQ_COOKIE_TS_MASK; m++) {
			uint32_t v = synq_cookie_tsval(clocks[i], m);

			assert_true(synq_cookie_tsecr_ok(v, m));
			assert_true(clocks[i] - v <= SYNQ_COOKIE_TS_MASK);
		}
	for (unsigned int i = 0; i < (1u << 22); i++) {
		uint32_t isn, cookie;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		isn = (uint32_t)(x >> 32);
		cookie = (uint32_t)x;
		passed += synq_cookie_check(&ctx, &f, isn, cookie, T0 + 1, &out) &&
			synq_cookie_tsecr_ok((uint32_t)(x >> 20), out.ts_mac);
	}
	print_message("random ACKs with timestamps accepted: %u of %u\n", passed, 1u << 22);
	assert_true(passed <= 1);
}

/*
 * SipHash in lanes (synq_siphash24_many()): every implementation this CPU runs is
 * forced in turn and each lane compared with the reference (the vectors) or with the
 * scalar synq_siphash24(); one wrong lane fails. Those the CPU lacks are said skipped.
 */
static const enum synq_sip_impl sip_impls[] = {SYNQ_SIP_SCALAR, SYNQ_SIP_AVX2, SYNQ_SIP_AVX512};

static bool
force_impl(enum synq_sip_impl impl)
{
	if (!synq_siphash_impl_available(impl)) {
		print_message(
			"siphash %s: not on this CPU, skipped\n", synq_siphash_impl_name(impl));
		return false;
	}
	assert_int_equal(synq_siphash_select(impl), impl);
	assert_int_equal(synq_siphash_impl(), impl);
	return true;
}

static uint64_t
xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * Messages packed back to back (stride = length) so that the last one ends on a page
 * followed by an inaccessible one: a lane reading past its message crashes the test.
 */
static uint8_t *
guarded_end(size_t *map_len, uint8_t **map)
{
	long pg = sysconf(_SC_PAGESIZE);

	*map_len = 2 * (size_t)pg;
	*map = mmap(NULL, *map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(*map != MAP_FAILED);
	assert_int_equal(mprotect(*map + pg, (size_t)pg, PROT_NONE), 0);
	return *map + pg;
}

/* The 64 reference vectors through the lanes, each in every lane position. */
static void
test_siphash_many_vectors(void **state __rte_unused)
{
	enum { N = 17 }; /* two AVX-512 groups and one lane left over */
	uint8_t key[16], *map, *end;
	size_t map_len;
	struct synq_sipkey k;

	for (unsigned int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	k = synq_sipkey_load(key);
	end = guarded_end(&map_len, &map);
	for (unsigned int m = 0; m < RTE_DIM(sip_impls); m++) {
		if (!force_impl(sip_impls[m]))
			continue;
		for (unsigned int len = 0; len < 64; len++) {
			uint8_t *msgs = end - N * len;
			uint64_t x = 0x9e3779b97f4a7c15u + len, out[N];

			for (unsigned int pos = 0; pos < N; pos++) {
				/* the vector's message in lane pos, random ones elsewhere */
				for (unsigned int b = 0; b < N * len; b++)
					msgs[b] = (uint8_t)xorshift(&x);
				for (unsigned int b = 0; b < len; b++)
					msgs[pos * len + b] = (uint8_t)b;
				memset(out, 0, sizeof(out));
				synq_siphash24_many(&k, 0, msgs, len, len, N, out);
				for (unsigned int l = 0; l < N; l++) {
					uint64_t want =
						l == pos ? 0
							 : synq_siphash24(&k, msgs + l * len, len);

					if (l == pos)
						for (unsigned int b = 0; b < 8; b++)
							want |= (uint64_t)sip_vectors[len][b]
								<< (8 * b);
					if (out[l] != want)
						fail_msg("siphash %s: vector %u in lane %u of %u: "
							 "lane %u wrong",
							synq_siphash_impl_name(sip_impls[m]), len,
							pos, N, l);
				}
			}
		}
	}
	synq_siphash_select(SYNQ_SIP_AUTO);
	munmap(map, map_len);
}

/*
 * Random keys (shared and one per message), messages of 0 to 64 bytes at strides
 * from packed to padded, counts that are not multiples of the lanes: every lane equals
 * the scalar hash, and nothing is written past out[n - 1].
 */
static void
test_siphash_many_random(void **state __rte_unused)
{
	static const unsigned int counts[] = {1, 2, 3, 4, 5, 7, 8, 9, 16, 31, 33, 64};
	enum { MAXN = 64, MAXSTRIDE = 64 + 13 };
	static uint8_t msgs[MAXN * MAXSTRIDE];
	struct synq_sipkey keys[MAXN];
	uint64_t out[MAXN + 1];
	uint64_t x = 0x2545f4914f6cdd1du;

	for (unsigned int m = 0; m < RTE_DIM(sip_impls); m++) {
		if (!force_impl(sip_impls[m]))
			continue;
		for (size_t len = 0; len <= 64; len++) {
			for (unsigned int c = 0; c < RTE_DIM(counts); c++) {
				unsigned int n = counts[c];
				size_t stride = len + xorshift(&x) % 14;

				for (unsigned int i = 0; i < sizeof(msgs); i++)
					msgs[i] = (uint8_t)xorshift(&x);
				for (unsigned int i = 0; i < MAXN; i++) {
					keys[i].k0 = xorshift(&x);
					keys[i].k1 = xorshift(&x);
				}
				/* key_step 2: keys[i * 2], as the formula says */
				for (unsigned int step = 0; step <= 2; step++) {
					if (step * (n - 1) >= MAXN)
						continue; /* keys[] holds MAXN */
					memset(out, 0xa5, sizeof(out));
					synq_siphash24_many(keys, step, msgs, stride, len, n, out);
					for (unsigned int i = 0; i < n; i++)
						if (out[i] != synq_siphash24(&keys[i * step],
								      msgs + i * stride, len))
							fail_msg("siphash %s: len %zu stride %zu n "
								 "%u "
								 "key_step %u: lane %u wrong",
								synq_siphash_impl_name(
									sip_impls[m]),
								len, stride, n, step, i);
					assert_true(out[n] == UINT64_C(0xa5a5a5a5a5a5a5a5));
				}
			}
		}
	}
	synq_siphash_select(SYNQ_SIP_AUTO);
}

/*
 * synq_siphash24_words(): messages of 0 to 63 bytes made into their words (the last
 * SipHash's final block), the 64 reference vectors among random messages in every lane
 * position, then random keys, one for all or picked a message (sel), counts that are
 * not multiples of the lanes, arrays aligned to the vectors and not: every lane equals
 * synq_siphash24() of the bytes, for every implementation.
 */
static void
words_of(const uint8_t *msg, size_t len, uint64_t *w, size_t wstride, unsigned int i)
{
	uint8_t tail[8] = {0};
	size_t j;

	for (j = 0; j + 8 <= len; j += 8)
		w[j / 8 * wstride + i] = synq_sip_load_le64(msg + j);
	memcpy(tail, msg + j, len - j);
	w[j / 8 * wstride + i] = synq_sip_load_le64(tail) | (uint64_t)len << 56;
}

static void
test_siphash_words(void **state __rte_unused)
{
	static const unsigned int counts[] = {1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 33, 64};
	enum { MAXN = 64, MAXW = 8 };
	/* room for the lanes' last group, and for a start one word past the alignment */
	static uint64_t wbuf[MAXW * MAXN + 8] __rte_aligned(64);
	static uint64_t selbuf[MAXN + 9] __rte_aligned(64);
	static uint64_t outbuf[MAXN + 9] __rte_aligned(64);
	static uint8_t msgs[MAXN][64];
	uint64_t *w = wbuf, *out = outbuf, x = 0x51afd7ed558ccd1du;
	struct synq_sipkey keys[2];
	uint8_t key[16];

	for (unsigned int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (unsigned int m = 0; m < RTE_DIM(sip_impls); m++) {
		if (!force_impl(sip_impls[m]))
			continue;
		/* the vectors: key 00..0f, message 00 01 .. of each length */
		keys[0] = keys[1] = synq_sipkey_load(key);
		w = wbuf;
		out = outbuf;
		for (unsigned int len = 0; len < 64; len++) {
			unsigned int n = 17, pos = (len * 7) % n;

			for (unsigned int i = 0; i < n; i++) {
				for (unsigned int b = 0; b < len; b++)
					msgs[i][b] = i == pos ? (uint8_t)b : (uint8_t)xorshift(&x);
				words_of(msgs[i], len, w, MAXN, i);
			}
			synq_siphash24_words(keys, NULL, w, MAXN, len / 8 + 1, n, out);
			for (unsigned int i = 0; i < n; i++) {
				uint64_t want = synq_siphash24(&keys[0], msgs[i], len);

				if (i == pos) {
					want = 0;
					for (unsigned int b = 0; b < 8; b++)
						want |= (uint64_t)sip_vectors[len][b] << (8 * b);
				}
				if (out[i] != want)
					fail_msg("siphash words %s: vector %u, lane %u wrong",
						synq_siphash_impl_name(sip_impls[m]), len, i);
			}
		}
		/* random */
		for (unsigned int len = 0; len < 64; len++) {
			for (unsigned int c = 0; c < RTE_DIM(counts); c++) {
				unsigned int n = counts[c];

				for (unsigned int k = 0; k < 2; k++) {
					keys[k].k0 = xorshift(&x);
					keys[k].k1 = xorshift(&x);
				}
				for (unsigned int i = 0; i < n; i++)
					for (unsigned int b = 0; b < len; b++)
						msgs[i][b] = (uint8_t)xorshift(&x);
				for (unsigned int t = 0; t < 4; t++) {
					unsigned int pick = t & 1, shift = t >> 1;
					uint64_t *sel = selbuf + shift;

					w = wbuf + shift;
					out = outbuf + shift;
					for (unsigned int i = 0; i < n; i++) {
						words_of(msgs[i], len, w, MAXN, i);
						sel[i] = xorshift(&x) & 1 ? UINT64_MAX : 0;
					}
					synq_siphash24_words(keys, pick ? sel : NULL, w, MAXN,
						len / 8 + 1, n, out);
					for (unsigned int i = 0; i < n; i++) {
						const struct synq_sipkey *k =
							&keys[pick && sel[i] != 0];

						if (out[i] != synq_siphash24(k, msgs[i], len))
							fail_msg("siphash words %s: len %u n %u "
								 "sel %u shift %u: lane %u wrong",
								synq_siphash_impl_name(
									sip_impls[m]),
								len, n, pick, shift, i);
					}
				}
			}
		}
	}
	synq_siphash_select(SYNQ_SIP_AUTO);
}

/*
 * The options' table indices of the lanes (synq_cookie_mss_index(), _wscale_index():
 * a lookup for the shifts) against the rule, every value: the table's largest entry at
 * or below the client's, the first if none; "no window scale" index 0.
 */
static void
test_option_index(void **state __rte_unused)
{
	for (unsigned int mss = 0; mss <= UINT16_MAX; mss++) {
		unsigned int want = 0;

		for (unsigned int i = 0; i < SYNQ_COOKIE_NB_MSS; i++)
			if (synq_cookie_mss_table[i] <= mss)
				want = i;
		if (synq_cookie_mss_index((uint16_t)mss) != want)
			fail_msg("mss %u: index %u, not %u", mss,
				synq_cookie_mss_index((uint16_t)mss), want);
	}
	for (unsigned int ws = 0; ws <= UINT8_MAX; ws++) {
		unsigned int want = 1;

		for (unsigned int i = 1; i < SYNQ_COOKIE_NB_WSCALE; i++)
			if (synq_cookie_wscale_table[i] <= ws)
				want = i;
		if (ws == SYNQ_COOKIE_NO_WSCALE)
			want = 0;
		if (synq_cookie_wscale_index((uint8_t)ws) != want)
			fail_msg("wscale %u: index %u, not %u", ws,
				synq_cookie_wscale_index((uint8_t)ws), want);
	}
}

/* The choice at start is the widest the CPU has; an unavailable one is refused. */
static void
test_siphash_select(void **state __rte_unused)
{
	enum synq_sip_impl best = SYNQ_SIP_SCALAR;

	if (synq_siphash_impl_available(SYNQ_SIP_AVX512))
		best = SYNQ_SIP_AVX512;
	else if (synq_siphash_impl_available(SYNQ_SIP_AVX2))
		best = SYNQ_SIP_AVX2;
	assert_int_equal(synq_siphash_impl(), best);
	print_message("siphash in lanes: %s\n", synq_siphash_impl_name(best));
	assert_int_equal(synq_siphash_select(SYNQ_SIP_SCALAR), SYNQ_SIP_SCALAR);
	if (!synq_siphash_impl_available(SYNQ_SIP_AVX512))
		assert_int_equal(synq_siphash_select(SYNQ_SIP_AVX512), SYNQ_SIP_SCALAR);
	assert_int_equal(synq_siphash_select(SYNQ_SIP_AUTO), best);
}

/*
 * The OS's side of the choice: a CPU with AVX-512 under a kernel (or hypervisor) that
 * does not save the ZMM and opmask states must not run the AVX-512 lanes (they fault).
 */
static void
test_siphash_xcr0(void **state __rte_unused)
{
	assert_true(synq_siphash_xcr0_allows(SYNQ_SIP_SCALAR, 0));
	assert_true(synq_siphash_xcr0_allows(SYNQ_SIP_AUTO, 0));
	assert_false(synq_siphash_xcr0_allows(SYNQ_SIP_AVX2, 0));
	assert_false(synq_siphash_xcr0_allows(SYNQ_SIP_AVX2, 0x3)); /* x87, SSE */
	assert_true(synq_siphash_xcr0_allows(SYNQ_SIP_AVX2, 0x7));
	assert_false(synq_siphash_xcr0_allows(SYNQ_SIP_AVX512, 0x7));
	assert_false(synq_siphash_xcr0_allows(SYNQ_SIP_AVX512, 0x67)); /* no ZMM16-31 */
	assert_false(synq_siphash_xcr0_allows(SYNQ_SIP_AVX512, 0xe3)); /* no AVX */
	assert_true(synq_siphash_xcr0_allows(SYNQ_SIP_AVX512, 0xe7));
	assert_true(synq_siphash_xcr0_allows(SYNQ_SIP_AVX512, 0x2ff));
}

static struct synq_cookie_flow
flow_of(const struct synq_cookie_req4 *r)
{
	struct synq_cookie_flow f = {.family = 4, .sport = r->sport, .dport = r->dport};

	memcpy(f.saddr, r->saddr, 4);
	memcpy(f.daddr, r->daddr, 4);
	return f;
}

static void
random_req(struct synq_cookie_req4 *r, uint64_t *x)
{
	static const uint16_t msses[] = {0, 500, 536, 1220, 1400, 1460, 8960, 9000};
	uint64_t a = xorshift(x), b = xorshift(x);

	memset(r, 0, sizeof(*r));
	memcpy(r->saddr, &a, 4);
	memcpy(r->daddr, (const uint8_t *)&a + 4, 4);
	r->sport = (uint16_t)b;
	r->dport = (uint16_t)(b >> 16);
	r->client_isn = (uint32_t)(b >> 32);
	r->opts.mss = msses[xorshift(x) % RTE_DIM(msses)];
	r->opts.wscale = xorshift(x) % 16 == 15 ? SYNQ_COOKIE_NO_WSCALE : (uint8_t)(*x % 15);
	r->opts.sack = *x & 1;
}

static void
assert_opts_equal(const struct synq_cookie_opts *a, const struct synq_cookie_opts *b)
{
	assert_int_equal(a->mss, b->mss);
	assert_int_equal(a->wscale, b->wscale);
	assert_int_equal(a->sack, b->sack);
	assert_int_equal(a->ts_mac, b->ts_mac);
	assert_int_equal(a->ts_off, b->ts_off);
}

/* The two contexts' key caches are the same (window_key() kept its semantics). */
static void
assert_ctx_equal(const struct synq_cookie_ctx *a, const struct synq_cookie_ctx *b)
{
	assert_memory_equal(&a->master, &b->master, sizeof(a->master));
	assert_memory_equal(&a->next_master, &b->next_master, sizeof(a->next_master));
	assert_int_equal(a->next_from, b->next_from);
	for (unsigned int i = 0; i < 2; i++) {
		assert_int_equal(a->slot[i].valid, b->slot[i].valid);
		if (!a->slot[i].valid)
			continue;
		assert_int_equal(a->slot[i].window, b->slot[i].window);
		assert_memory_equal(&a->slot[i].key, &b->slot[i].key, sizeof(a->slot[i].key));
	}
}

/*
 * make_burst and check_burst lane by lane against synq_cookie_make() and _check(), on
 * a context each (so that their key caches are compared too): bursts of cookies made
 * in two windows, checked in the second (two keys in one burst), with a rotation
 * pending and then in force, some cookies forged (a bit flipped, the ISN changed), and
 * counts that are not multiples of the lanes.
 */
static void
test_cookie_burst(void **state __rte_unused)
{
	static const unsigned int counts[] = {1, 3, 5, 9, 31, 64};
	const uint64_t w = SYNQ_COOKIE_WINDOW_S;
	uint64_t x = 0x0123456789abcdefu;

	for (unsigned int m = 0; m < RTE_DIM(sip_impls); m++) {
		if (!force_impl(sip_impls[m]))
			continue;
		for (unsigned int c = 0; c < RTE_DIM(counts); c++) {
			for (unsigned int rot = 0; rot <= 1; rot++) {
				unsigned int n = counts[c];
				struct synq_cookie_req4 r[SYNQ_COOKIE_BURST_MAX];
				struct synq_cookie_req4 in[SYNQ_COOKIE_BURST_MAX];
				struct synq_cookie_ctx cb, cs; /* burst, scalar */
				bool forged[SYNQ_COOKIE_BURST_MAX];
				uint64_t valid, want = 0;

				synq_cookie_init(&cb, secret_a);
				synq_cookie_init(&cs, secret_a);
				/* the first half made in window T0, the rest in the next */
				for (unsigned int i = 0; i < n; i++)
					random_req(&in[i], &x);
				memcpy(r, in, sizeof(r));
				synq_cookie_make_burst(&cb, r, n / 2, T0 + 10);
				if (rot) { /* a new secret from the next window on */
					synq_cookie_rotate(&cb, secret_b, T0 + 20);
				}
				synq_cookie_make_burst(&cb, r + n / 2, n - n / 2, T0 + w + 10);
				for (unsigned int i = 0; i < n; i++) {
					struct synq_cookie_flow f = flow_of(&in[i]);
					struct synq_cookie_opts kept;
					uint64_t t = i < n / 2 ? T0 + 10 : T0 + w + 10;
					uint32_t ck;

					if (rot && i == n / 2) /* as the burst's context was */
						synq_cookie_rotate(&cs, secret_b, T0 + 20);
					ck = synq_cookie_make(
						&cs, &f, in[i].client_isn, &in[i].opts, t, &kept);
					if (ck != r[i].cookie)
						fail_msg("%s: n %u: cookie %u differs",
							synq_siphash_impl_name(sip_impls[m]), n, i);
					assert_opts_equal(&kept, &r[i].opts);
				}
				assert_ctx_equal(&cb, &cs);
				/* forge one in three: a cookie bit, or the ISN */
				for (unsigned int i = 0; i < n; i++) {
					forged[i] = xorshift(&x) % 3 == 0;
					if (forged[i] && (x & 8))
						r[i].cookie ^= 1u << (x >> 40) % 32;
					else if (forged[i])
						r[i].client_isn++;
					memset(&r[i].opts, 0, sizeof(r[i].opts));
				}
				valid = synq_cookie_check_burst(&cb, r, n, T0 + w + 20);
				for (unsigned int i = 0; i < n; i++) {
					struct synq_cookie_flow f = flow_of(&r[i]);
					struct synq_cookie_opts out;
					bool ok = synq_cookie_check(&cs, &f, r[i].client_isn,
						r[i].cookie, T0 + w + 20, &out);

					if (ok != !!(valid & UINT64_C(1) << i))
						fail_msg("%s: n %u rot %u: check of %u differs",
							synq_siphash_impl_name(sip_impls[m]), n,
							rot, i);
					/* genuine ones pass; a forgery passes with odds 2^-24 */
					assert_true(ok == !forged[i]);
					if (ok) {
						want |= UINT64_C(1) << i;
						assert_opts_equal(&out, &r[i].opts);
					}
				}
				assert_true(valid == want);
				assert_ctx_equal(&cb, &cs);
				/* two windows on, every cookie of the first half has expired */
				if (n / 2 > 0)
					assert_int_equal(synq_cookie_check_burst(
								 &cb, r, n / 2, T0 + 2 * w + 1),
						0);
			}
		}
	}
	synq_siphash_select(SYNQ_SIP_AUTO);
}

/*
 * At window 0 (a wall clock at the epoch: a box without a battery-backed clock before
 * NTP) there is no window -1. A cookie whose parity bit is not 0's used to be checked
 * in window UINT32_MAX, whose key came from next_master, all zero while no rotation is
 * pending: a key anyone can compute, so anyone could forge cookies. Here the forger
 * makes them with an all-zero secret in window UINT32_MAX; the one-at-a-time check and
 * the burst check must both refuse them, and a genuine cookie of window 0 still pass.
 */
static void
test_window_zero_no_wrap(void **state __rte_unused)
{
	static const uint8_t zero[16] = {0};
	struct synq_cookie_ctx victim, forger;
	struct synq_cookie_req4 r[3];
	struct synq_cookie_opts in = {.mss = 1460, .wscale = 7, .sack = true}, kept, out;
	const uint64_t wrap_s = (uint64_t)UINT32_MAX * SYNQ_COOKIE_WINDOW_S + 5;
	struct synq_cookie_flow f;
	uint64_t x = 0x5eed;
	uint32_t c;

	synq_cookie_init(&victim, secret_a);
	synq_cookie_init(&forger, zero);
	for (unsigned int i = 0; i < RTE_DIM(r); i++) {
		random_req(&r[i], &x);
		f = flow_of(&r[i]);
		r[i].cookie = synq_cookie_make(&forger, &f, r[i].client_isn, &in, wrap_s, &kept);
		assert_true(r[i].cookie >> 31); /* UINT32_MAX's parity */
		assert_false(
			synq_cookie_check(&victim, &f, r[i].client_isn, r[i].cookie, 10, &out));
	}
	for (unsigned int m = 0; m < RTE_DIM(sip_impls); m++) {
		if (!force_impl(sip_impls[m]))
			continue;
		assert_int_equal(synq_cookie_check_burst(&victim, r, RTE_DIM(r), 10), 0);
	}
	synq_siphash_select(SYNQ_SIP_AUTO);
	/* window 0's own cookies pass, in either path */
	f = flow_of(&r[0]);
	c = synq_cookie_make(&victim, &f, r[0].client_isn, &in, 10, &kept);
	assert_true(synq_cookie_check(&victim, &f, r[0].client_isn, c, 63, &out));
	r[0].cookie = c;
	assert_int_equal(synq_cookie_check_burst(&victim, r, 1, 63), 1);
}

/*
 * More than SYNQ_COOKIE_BURST_MAX requests: make_burst used to clamp n silently and
 * leave the cookies past the 64th as they were (a SYN-ACK with a zero or stale ISN);
 * every one must be made, as synq_cookie_make() makes it. check_burst's mask has 64
 * bits: those past it are not checked, and so never read as valid.
 */
static void
test_cookie_burst_over_max(void **state __rte_unused)
{
	enum { N = SYNQ_COOKIE_BURST_MAX + 37 };
	static struct synq_cookie_req4 r[N], in[N];
	struct synq_cookie_ctx cb, cs;
	uint64_t x = 0xfeedu;

	for (unsigned int m = 0; m < RTE_DIM(sip_impls); m++) {
		if (!force_impl(sip_impls[m]))
			continue;
		synq_cookie_init(&cb, secret_a);
		synq_cookie_init(&cs, secret_a);
		for (unsigned int i = 0; i < N; i++)
			random_req(&in[i], &x);
		memcpy(r, in, sizeof(r));
		synq_cookie_make_burst(&cb, r, N, T0 + 1);
		for (unsigned int i = 0; i < N; i++) {
			struct synq_cookie_flow f = flow_of(&in[i]);
			struct synq_cookie_opts kept;
			uint32_t c = synq_cookie_make(
				&cs, &f, in[i].client_isn, &in[i].opts, T0 + 1, &kept);

			if (c != r[i].cookie)
				fail_msg("%s: cookie %u of %u not made",
					synq_siphash_impl_name(sip_impls[m]), i, N);
			assert_opts_equal(&kept, &r[i].opts);
		}
		assert_true(synq_cookie_check_burst(&cb, r, N, T0 + 2) == UINT64_MAX);
	}
	synq_siphash_select(SYNQ_SIP_AUTO);
}

/*
 * The lanes as the input path fills them (struct synq_cookie_lanes): cookies of two
 * windows, some forged, checked in passes that start anywhere (a burst's later ACKs
 * after its first ones, lanes not aligned to the vectors): each lane's MAC says what
 * synq_cookie_check() says, with the options it gives.
 */
static void
test_cookie_lanes_passes(void **state __rte_unused)
{
	static struct synq_cookie_lanes b;
	const uint64_t w = SYNQ_COOKIE_WINDOW_S;
	uint64_t x = 0x1f83d9abfb41bd6bu;

	for (unsigned int m = 0; m < RTE_DIM(sip_impls); m++) {
		if (!force_impl(sip_impls[m]))
			continue;
		for (unsigned int round = 0; round < 20; round++) {
			struct synq_cookie_req4 r[SYNQ_COOKIE_BURST_MAX];
			struct synq_cookie_ctx ctx;
			struct synq_cookie_now t;
			unsigned int n = 1 + xorshift(&x) % SYNQ_COOKIE_BURST_MAX, from = 0;

			synq_cookie_init(&ctx, secret_a);
			for (unsigned int i = 0; i < n; i++) {
				random_req(&r[i], &x);
				/* made in the window before or in this one */
				synq_cookie_make_burst(&ctx, &r[i], 1, T0 + (i & 1 ? 0 : w));
				if (xorshift(&x) % 3 == 0)
					r[i].cookie ^= 1u << (x >> 40) % 32;
			}
			synq_cookie_now(&t, T0 + w + 1);
			while (from < n) {
				unsigned int to = from + 1 + xorshift(&x) % (n - from);

				t.old = 0;
				for (unsigned int i = from; i < to; i++)
					synq_cookie_lanes_ack(&b, &t, i, r[i].saddr, &r[i].sport,
						r[i].client_isn, r[i].cookie);
				synq_cookie_lanes_check(&ctx, &b, &t, from, to);
				from = to;
			}
			for (unsigned int i = 0; i < n; i++) {
				struct synq_cookie_flow f = flow_of(&r[i]);
				struct synq_cookie_opts want, got;
				bool ok = synq_cookie_check(
					&ctx, &f, r[i].client_isn, r[i].cookie, T0 + w + 1, &want);

				if (synq_cookie_lanes_valid(r[i].cookie, b.h[i]) != ok)
					fail_msg("%s: round %u, lane %u of %u: valid %d, not %d",
						synq_siphash_impl_name(sip_impls[m]), round, i, n,
						!ok, ok);
				if (!ok)
					continue;
				synq_cookie_lanes_opts(r[i].cookie, b.h[i], &got);
				assert_opts_equal(&got, &want);
			}
		}
	}
	synq_siphash_select(SYNQ_SIP_AUTO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_siphash_vectors),
		cmocka_unit_test(test_round_trip_all_options),
		cmocka_unit_test(test_time_window_edges),
		cmocka_unit_test(test_clock_step_back),
		cmocka_unit_test(test_shared_secret_nodes),
		cmocka_unit_test(test_rotation_overlap),
		cmocka_unit_test(test_rotation_twice),
		cmocka_unit_test(test_tampering_rejected),
		cmocka_unit_test(test_random_acks_rejected),
		cmocka_unit_test(test_ts_bits),
		cmocka_unit_test(test_siphash_select),
		cmocka_unit_test(test_siphash_xcr0),
		cmocka_unit_test(test_siphash_many_vectors),
		cmocka_unit_test(test_siphash_many_random),
		cmocka_unit_test(test_siphash_words),
		cmocka_unit_test(test_option_index),
		cmocka_unit_test(test_cookie_burst),
		cmocka_unit_test(test_cookie_lanes_passes),
		cmocka_unit_test(test_window_zero_no_wrap),
		cmocka_unit_test(test_cookie_burst_over_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
