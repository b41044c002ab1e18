/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the TCP option parser and writers (lib/tcp/tcp_opts.c): real SYNs
 * from Linux and Windows, the RFC 9293 3.2 list rules (EOL, NOP, unknown kinds, bad
 * lengths), clamping of the window scale, every truncation of a SYN's options, a fuzz
 * loop checked against a model parser written here, and the exact bytes of every
 * SYN-ACK shape, of the client SYN and of the timestamps option, with a parse of each.
 *
 * Every parsed buffer is placed twice at the very end of memory it may read: once in
 * a malloc'd block of exactly its size (ASan reports a read past it) and once against
 * a PROT_NONE page (any build faults on a read past it). Both parses must agree.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_common.h>

#include "synq_tcp_opts.h"
#include "synq_guard.h"

/* A real Linux 6.x SYN's options: MSS 1460, SACK-permitted, TS, NOP, window scale 7. */
static const uint8_t linux_syn[] = {
	0x02, 0x04, 0x05, 0xb4,				/* MSS 1460 */
	0x04, 0x02,					/* SACK-permitted */
	0x08, 0x0a, 0x00, 0x01, 0xe2, 0x40, 0x00, 0x00, 0x00, 0x00, /* TS 123456, 0 */
	0x01,						/* NOP */
	0x03, 0x03, 0x07,				/* window scale 7 */
};

/* A Windows SYN's options: MSS, NOP, window scale 8, NOP NOP, SACK-permitted. */
static const uint8_t windows_syn[] = {
	0x02, 0x04, 0x05, 0xb4, 0x01, 0x03, 0x03, 0x08, 0x01, 0x01, 0x04, 0x02,
};

/* The last byte of this page is followed by a PROT_NONE page. */
static struct synq_guard guard;

static int
setup_guard(void **state __rte_unused)
{
	return synq_guard_map(&guard);
}

static int
teardown_guard(void **state __rte_unused)
{
	synq_guard_unmap(&guard);
	return 0;
}

static void
assert_opts_equal(const struct synq_tcp_opts *a, const struct synq_tcp_opts *b)
{
	assert_int_equal(a->mss, b->mss);
	assert_int_equal(a->wscale, b->wscale);
	assert_int_equal(a->sack_perm, b->sack_perm);
	assert_int_equal(a->ts, b->ts);
	if (a->ts) {
		assert_int_equal(a->tsval, b->tsval);
		assert_int_equal(a->tsecr, b->tsecr);
	}
}

/*
 * Parse the @p len bytes at @p bytes from the end of an exact-size malloc'd block and
 * from the end of the guard page; both results must be the same.
 */
static int
parse_tail(const uint8_t *bytes, unsigned int len, struct synq_tcp_opts *out)
{
	uint8_t *heap = malloc(len > 0 ? len : 1);
	uint8_t *hp = heap + (len > 0 ? len : 1) - len;
	uint8_t *gp = synq_guard_tail(&guard, len);
	struct synq_tcp_opts o1, o2;
	int rc1, rc2;

	assert_non_null(heap);
	assert_true(len <= guard.page_size);
	memcpy(hp, bytes, len);
	memcpy(gp, bytes, len);
	memset(&o1, 0xa5, sizeof(o1));
	memset(&o2, 0x5a, sizeof(o2));
	rc1 = synq_tcp_opts_parse(hp, len, &o1);
	rc2 = synq_tcp_opts_parse(gp, len, &o2);
	free(heap);
	assert_true(rc1 == 0 || rc1 == -EINVAL);
	assert_int_equal(rc1, rc2);
	if (rc1 == 0)
		assert_opts_equal(&o1, &o2);
	*out = o1;
	return rc1;
}

static void
expect_opts(const struct synq_tcp_opts *o, uint16_t mss, uint8_t wscale, bool sack, bool ts,
	uint32_t tsval, uint32_t tsecr)
{
	assert_int_equal(o->mss, mss);
	assert_int_equal(o->wscale, wscale);
	assert_int_equal(o->sack_perm, sack);
	assert_int_equal(o->ts, ts);
	if (ts) {
		assert_int_equal(o->tsval, tsval);
		assert_int_equal(o->tsecr, tsecr);
	}
}

static void
test_linux_syn(void **state __rte_unused)
{
	struct synq_tcp_opts o;

	assert_int_equal(parse_tail(linux_syn, sizeof(linux_syn), &o), 0);
	expect_opts(&o, 1460, 7, true, true, 0x0001e240, 0);
}

static void
test_windows_syn(void **state __rte_unused)
{
	struct synq_tcp_opts o;

	assert_int_equal(parse_tail(windows_syn, sizeof(windows_syn), &o), 0);
	expect_opts(&o, 1460, 8, true, false, 0, 0);
}

/* An ACK with timestamps only (NOP NOP TS), and with SACK blocks (kind 5) as well. */
static void
test_ack_options(void **state __rte_unused)
{
	static const uint8_t ts_only[] = {
		0x01, 0x01, 0x08, 0x0a, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04,
	};
	static const uint8_t with_sack[] = {
		0x01, 0x01, 0x08, 0x0a, 0x00, 0x00, 0x00, 0x07, 0x80, 0x00, 0x00, 0x01,
		0x01, 0x01, 0x05, 0x0a, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x20, 0x00,
	};
	struct synq_tcp_opts o;

	assert_int_equal(parse_tail(ts_only, sizeof(ts_only), &o), 0);
	expect_opts(&o, 0, SYNQ_TCP_NO_WSCALE, false, true, 0xdeadbeef, 0x01020304);
	assert_int_equal(parse_tail(with_sack, sizeof(with_sack), &o), 0);
	expect_opts(&o, 0, SYNQ_TCP_NO_WSCALE, false, true, 7, 0x80000001);
}

/* No options: nothing is read (not even through a NULL pointer) and all fields reset. */
static void
test_no_options(void **state __rte_unused)
{
	struct synq_tcp_opts o;

	memset(&o, 0xff, sizeof(o));
	assert_int_equal(synq_tcp_opts_parse(NULL, 0, &o), 0);
	expect_opts(&o, 0, SYNQ_TCP_NO_WSCALE, false, false, 0, 0);
	memset(&o, 0x01, sizeof(o));
	assert_int_equal(parse_tail(linux_syn, 0, &o), 0);
	expect_opts(&o, 0, SYNQ_TCP_NO_WSCALE, false, false, 0, 0);
}

/* EOL ends the list: what follows, even malformed, is ignored. */
static void
test_eol_ends_list(void **state __rte_unused)
{
	static const uint8_t early_eol[] = {
		0x02, 0x04, 0x05, 0xb4, 0x00, 0x03, 0x00, 0xff, 0x08, 0x01, 0x03, 0x03, 0x07,
	};
	static const uint8_t eol_first[] = {0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x1e};
	static const uint8_t eol_padding[] = {0x04, 0x02, 0x00, 0x00};
	struct synq_tcp_opts o;

	assert_int_equal(parse_tail(early_eol, sizeof(early_eol), &o), 0);
	expect_opts(&o, 1460, SYNQ_TCP_NO_WSCALE, false, false, 0, 0);
	assert_int_equal(parse_tail(eol_first, sizeof(eol_first), &o), 0);
	expect_opts(&o, 0, SYNQ_TCP_NO_WSCALE, false, false, 0, 0);
	assert_int_equal(parse_tail(eol_padding, sizeof(eol_padding), &o), 0);
	expect_opts(&o, 0, SYNQ_TCP_NO_WSCALE, true, false, 0, 0);
}

static void
test_nop_padding(void **state __rte_unused)
{
	static const uint8_t padded[] = {
		0x01, 0x01, 0x01, 0x02, 0x04, 0x05, 0x78, 0x01, 0x01, 0x01, 0x03, 0x03, 0x02,
		0x01, 0x01, 0x01,
	};
	uint8_t nops[SYNQ_TCP_OPTS_MAX];
	struct synq_tcp_opts o;

	assert_int_equal(parse_tail(padded, sizeof(padded), &o), 0);
	expect_opts(&o, 1400, 2, false, false, 0, 0);
	memset(nops, SYNQ_TCP_OPT_NOP, sizeof(nops));
	assert_int_equal(parse_tail(nops, sizeof(nops), &o), 0);
	expect_opts(&o, 0, SYNQ_TCP_NO_WSCALE, false, false, 0, 0);
}

/* Unknown kinds are skipped by their length; their data is not read as options. */
static void
test_unknown_option_skipped(void **state __rte_unused)
{
	static const uint8_t kind30[] = {0x1e, 0x04, 0xaa, 0xbb, 0x02, 0x04, 0x05, 0xb4};
	/* kind 30 whose data looks like a window scale and an MSS */
	static const uint8_t hiding[] = {
		0x1e, 0x09, 0x03, 0x03, 0x0e, 0x02, 0x04, 0x01, 0x00, 0x04, 0x02,
	};
	/* an empty unknown option (length 2) and a 253 kind at the very end */
	static const uint8_t empty[] = {0x1e, 0x02, 0x03, 0x03, 0x05, 0xfd, 0x02};
	struct synq_tcp_opts o;

	assert_int_equal(parse_tail(kind30, sizeof(kind30), &o), 0);
	expect_opts(&o, 1460, SYNQ_TCP_NO_WSCALE, false, false, 0, 0);
	assert_int_equal(parse_tail(hiding, sizeof(hiding), &o), 0);
	expect_opts(&o, 0, SYNQ_TCP_NO_WSCALE, true, false, 0, 0);
	assert_int_equal(parse_tail(empty, sizeof(empty), &o), 0);
	expect_opts(&o, 0, 5, false, false, 0, 0);
}

/* RFC 7323 2.3: a shift above 14 means 14, and 255 is not taken for "no option". */
static void
test_wscale_clamped(void **state __rte_unused)
{
	static const uint8_t shifts[][2] = {
		{0, 0}, {7, 7}, {14, 14}, {15, 14}, {16, 14}, {0xfe, 14}, {0xff, 14},
	};
	struct synq_tcp_opts o;

	for (unsigned int i = 0; i < RTE_DIM(shifts); i++) {
		const uint8_t ws[] = {0x01, 0x03, 0x03, shifts[i][0]};

		assert_int_equal(parse_tail(ws, sizeof(ws), &o), 0);
		if (o.wscale != shifts[i][1])
			fail_msg("shift %u parsed as %u, want %u", shifts[i][0], o.wscale,
				shifts[i][1]);
	}
}

static void
test_repeated_last_wins(void **state __rte_unused)
{
	static const uint8_t rep[] = {
		0x02, 0x04, 0x05, 0xb4, 0x03, 0x03, 0x02, 0x08, 0x0a, 0x00, 0x00, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x02, 0x02, 0x04, 0x02, 0x18, 0x01, 0x03, 0x03, 0x07, 0x08,
		0x0a, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04,
	};
	struct synq_tcp_opts o;

	assert_int_equal(parse_tail(rep, sizeof(rep), &o), 0);
	expect_opts(&o, 536, 7, false, true, 3, 4);
}

struct bad_case {
	const char *what;
	uint8_t len;
	uint8_t bytes[SYNQ_TCP_OPTS_MAX];
};

static void
test_malformed(void **state __rte_unused)
{
	static const struct bad_case bad[] = {
		{"unknown, length 0", 4, {0x1e, 0x00, 0x01, 0x01}},
		{"MSS, length 0", 4, {0x02, 0x00, 0x05, 0xb4}},
		{"length 0 after NOPs", 4, {0x01, 0x01, 0x1e, 0x00}},
		{"unknown, length 1", 4, {0x1e, 0x01, 0x01, 0x01}},
		{"SACK-permitted, length 1", 2, {0x04, 0x01}},
		{"unknown, length past end", 4, {0x1e, 0x05, 0x00, 0x00}},
		{"unknown, length 255", 8, {0x01, 0x1e, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00}},
		{"TS, length past end", 9, {0x08, 0x0a, 0, 0, 0, 1, 0, 0, 0}},
		{"MSS, length past end", 3, {0x02, 0x04, 0x05}},
		{"kind in last byte", 4, {0x01, 0x01, 0x01, 0x02}},
		{"unknown kind in last byte", 1, {0x1e}},
		{"window scale kind in last byte", 5, {0x02, 0x04, 0x05, 0xb4, 0x03}},
		{"MSS, length 3", 4, {0x02, 0x03, 0x05, 0x01}},
		{"MSS, length 5", 5, {0x02, 0x05, 0x05, 0xb4, 0x00}},
		{"TS, length 8", 8, {0x08, 0x08, 0, 0, 0, 1, 0, 0}},
		{"TS, length 12", 12, {0x08, 0x0c, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}},
		{"window scale, length 4", 4, {0x03, 0x04, 0x07, 0x00}},
		{"window scale, length 2", 4, {0x03, 0x02, 0x01, 0x01}},
		{"SACK-permitted, length 3", 4, {0x04, 0x03, 0x00, 0x01}},
		{"bad option after good ones", 12,
			{0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x01, 0x01, 0x03, 0x04, 0x07, 0x00}},
	};
	struct synq_tcp_opts o;

	for (unsigned int i = 0; i < RTE_DIM(bad); i++) {
		int rc = parse_tail(bad[i].bytes, bad[i].len, &o);

		if (rc != -EINVAL)
			fail_msg("%s: returned %d, want -EINVAL", bad[i].what, rc);
	}
}

/*
 * Every prefix of the Linux SYN's options, as a data offset that claims more than
 * the sender wrote would leave them: a prefix that ends between options parses to
 * the options it holds, one that cuts an option is malformed.
 */
static void
test_linux_syn_truncations(void **state __rte_unused)
{
	struct synq_tcp_opts o;

	for (unsigned int len = 0; len <= sizeof(linux_syn); len++) {
		int rc = parse_tail(linux_syn, len, &o);
		bool whole = len == 0 || len == 4 || len == 6 || len == 16 || len == 17 ||
			len == 20;

		if (!whole) {
			if (rc != -EINVAL)
				fail_msg("prefix of %u bytes: returned %d, want -EINVAL", len, rc);
			continue;
		}
		if (rc != 0)
			fail_msg("prefix of %u bytes: returned %d, want 0", len, rc);
		expect_opts(&o, len >= 4 ? 1460 : 0, len == 20 ? 7 : SYNQ_TCP_NO_WSCALE, len >= 6,
			len >= 16, 0x0001e240, 0);
	}
}

/* The rules of synq_tcp_opts.h, written again independently for the fuzz loop. */
static int
model_parse(const uint8_t *b, unsigned int len, struct synq_tcp_opts *o)
{
	static const uint8_t want_len[256] = {
		[SYNQ_TCP_OPT_MSS] = 4,
		[SYNQ_TCP_OPT_WSCALE] = 3,
		[SYNQ_TCP_OPT_SACK_PERM] = 2,
		[SYNQ_TCP_OPT_TS] = 10,
	};
	unsigned int at = 0;

	memset(o, 0, sizeof(*o));
	o->wscale = SYNQ_TCP_NO_WSCALE;
	for (;;) {
		unsigned int kind, olen;

		if (at >= len || b[at] == SYNQ_TCP_OPT_EOL)
			return 0;
		kind = b[at];
		if (kind == SYNQ_TCP_OPT_NOP) {
			at += 1;
			continue;
		}
		if (at + 1 >= len)
			return -EINVAL;
		olen = b[at + 1];
		if (olen < 2 || at + olen > len)
			return -EINVAL;
		if (want_len[kind] != 0 && olen != want_len[kind])
			return -EINVAL;
		if (kind == SYNQ_TCP_OPT_MSS)
			o->mss = (uint16_t)(b[at + 2] * 256 + b[at + 3]);
		if (kind == SYNQ_TCP_OPT_WSCALE)
			o->wscale = b[at + 2] < 14 ? b[at + 2] : 14;
		if (kind == SYNQ_TCP_OPT_SACK_PERM)
			o->sack_perm = true;
		if (kind == SYNQ_TCP_OPT_TS) {
			o->ts = true;
			o->tsval = 0;
			o->tsecr = 0;
			for (unsigned int k = 0; k < 4; k++) {
				o->tsval = o->tsval * 256 + b[at + 2 + k];
				o->tsecr = o->tsecr * 256 + b[at + 6 + k];
			}
		}
		at += olen;
	}
}

static uint64_t
xorshift64(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * Half the buffers are random bytes; half are built from options of the kinds the
 * parser knows (and some it does not), mostly with the right length, so that both
 * the accepting and the rejecting paths are exercised deep into the list.
 */
static unsigned int
fuzz_buffer(uint64_t *rng, uint8_t *b)
{
	static const uint8_t kinds[] = {0, 1, 1, 2, 3, 4, 5, 8, 30, 254};
	static const uint8_t lens[] = {0, 0, 0, 4, 3, 2, 10, 10, 4, 6};
	unsigned int len = (unsigned int)(xorshift64(rng) % (SYNQ_TCP_OPTS_MAX + 1));
	unsigned int at = 0;

	for (unsigned int i = 0; i < len; i++)
		b[i] = (uint8_t)xorshift64(rng);
	if (xorshift64(rng) & 1)
		return len;
	while (at < len) {
		uint64_t r = xorshift64(rng);
		unsigned int k = (unsigned int)(r % RTE_DIM(kinds));
		unsigned int olen = lens[k];

		/* one option in 16 gets a random length */
		if (((r >> 8) & 15) == 0)
			olen = (unsigned int)((r >> 16) % 13);
		/* EOL is rare, else few lists would reach their end */
		if (kinds[k] == SYNQ_TCP_OPT_EOL && ((r >> 24) & 7) != 0)
			k = 1;
		b[at] = kinds[k];
		if (kinds[k] <= SYNQ_TCP_OPT_NOP) {
			at++;
			continue;
		}
		if (at + 1 < len)
			b[at + 1] = (uint8_t)olen;
		at += olen > 2 ? olen : 2;
	}
	return len;
}

static void
test_fuzz(void **state __rte_unused)
{
	uint64_t rng = 0x5eed5eed12345678u;
	unsigned int ok = 0, bad = 0, with_ts = 0, with_ws = 0;
	uint8_t b[SYNQ_TCP_OPTS_MAX];

	for (unsigned int i = 0; i < 100000; i++) {
		unsigned int len = fuzz_buffer(&rng, b);
		struct synq_tcp_opts got, want;
		int rc = parse_tail(b, len, &got);
		int model_rc = model_parse(b, len, &want);

		if (rc != model_rc)
			fail_msg("iteration %u (len %u): returned %d, model says %d", i, len, rc,
				model_rc);
		if (rc != 0) {
			bad++;
			continue;
		}
		ok++;
		with_ts += got.ts;
		with_ws += got.wscale != SYNQ_TCP_NO_WSCALE;
		assert_true(got.wscale <= SYNQ_TCP_WSCALE_MAX || got.wscale == SYNQ_TCP_NO_WSCALE);
		assert_opts_equal(&got, &want);
	}
	print_message("fuzz: %u parsed (%u with TS, %u with window scale), %u malformed\n", ok,
		with_ts, with_ws, bad);
	/* the generator must reach both outcomes and the options at the end of lists */
	assert_true(ok > 10000);
	assert_true(bad > 10000);
	assert_true(with_ts > 1000);
	assert_true(with_ws > 1000);
}

struct synack_case {
	bool sack;
	bool ts;
	uint8_t wscale;
	uint8_t len;
	uint8_t bytes[20];
};

#define MSS_1460 0x02, 0x04, 0x05, 0xb4
#define TS_BYTES 0x08, 0x0a, 0x11, 0x22, 0x33, 0x44, 0xa1, 0xb2, 0xc3, 0xd4
#define WS_7 0x01, 0x03, 0x03, 0x07

/* Linux's SYN-ACK shapes (tcp_options_write()), byte for byte. */
static const struct synack_case synack_cases[] = {
	{false, false, SYNQ_TCP_NO_WSCALE, 4, {MSS_1460}},
	{false, false, 7, 8, {MSS_1460, WS_7}},
	{true, false, SYNQ_TCP_NO_WSCALE, 8, {MSS_1460, 0x01, 0x01, 0x04, 0x02}},
	{true, false, 7, 12, {MSS_1460, 0x01, 0x01, 0x04, 0x02, WS_7}},
	{false, true, SYNQ_TCP_NO_WSCALE, 16, {MSS_1460, 0x01, 0x01, TS_BYTES}},
	{false, true, 7, 20, {MSS_1460, 0x01, 0x01, TS_BYTES, WS_7}},
	{true, true, SYNQ_TCP_NO_WSCALE, 16, {MSS_1460, 0x04, 0x02, TS_BYTES}},
	{true, true, 7, 20, {MSS_1460, 0x04, 0x02, TS_BYTES, WS_7}},
};

/* Write @p in at an odd address, check its size and what it wrote around, parse it. */
static unsigned int
write_and_parse(const struct synq_tcp_synack_opts *in, uint8_t *out_bytes,
	struct synq_tcp_opts *parsed)
{
	uint8_t buf[1 + SYNQ_TCP_OPTS_MAX + 8];
	unsigned int n;

	memset(buf, 0xcc, sizeof(buf));
	n = synq_tcp_opts_write_synack(buf + 1, in);
	assert_true(n % 4 == 0);
	assert_true(n >= 4 && n <= 20);
	assert_int_equal(buf[0], 0xcc);
	for (unsigned int i = 1 + n; i < sizeof(buf); i++)
		if (buf[i] != 0xcc)
			fail_msg("byte %u after the %u written changed", i - 1 - n, n);
	memcpy(out_bytes, buf + 1, n);
	assert_int_equal(parse_tail(buf + 1, n, parsed), 0);
	return n;
}

static void
test_write_synack(void **state __rte_unused)
{
	for (unsigned int i = 0; i < RTE_DIM(synack_cases); i++) {
		const struct synack_case *c = &synack_cases[i];
		const struct synq_tcp_synack_opts in = {
			.mss = 1460,
			.wscale = c->wscale,
			.sack_perm = c->sack,
			.ts = c->ts,
			.tsval = 0x11223344,
			.tsecr = 0xa1b2c3d4,
		};
		uint8_t got[SYNQ_TCP_OPTS_MAX];
		struct synq_tcp_opts o;
		unsigned int n = write_and_parse(&in, got, &o);

		if (n != c->len || memcmp(got, c->bytes, n) != 0) {
			print_message("sack %d ts %d wscale %u: wrote", c->sack, c->ts, c->wscale);
			for (unsigned int k = 0; k < n; k++)
				print_message(" %02x", got[k]);
			print_message("\n");
			fail_msg("case %u: wrong bytes (length %u, want %u)", i, n, c->len);
		}
		expect_opts(&o, in.mss, in.wscale, in.sack_perm, in.ts, in.tsval, in.tsecr);
	}
}

/* Round trips of edge values: every shift and none, extreme MSS and timestamps. */
static void
test_write_parse_round_trip(void **state __rte_unused)
{
	static const uint16_t mss[] = {1, 536, 1220, 8960, 0xffff};
	static const uint32_t tsv[] = {0, 1, 0x80000000u, 0xffffffffu, 0x01020304};
	struct synq_tcp_opts o;
	uint8_t got[SYNQ_TCP_OPTS_MAX];

	for (unsigned int ws = 0; ws <= SYNQ_TCP_WSCALE_MAX + 1; ws++) {
		for (unsigned int m = 0; m < 4 * RTE_DIM(mss); m++) {
			const struct synq_tcp_synack_opts in = {
				.mss = mss[m % RTE_DIM(mss)],
				.wscale = ws <= SYNQ_TCP_WSCALE_MAX ? ws : SYNQ_TCP_NO_WSCALE,
				.sack_perm = (m / RTE_DIM(mss)) & 1,
				.ts = (m / RTE_DIM(mss)) & 2,
				.tsval = tsv[(m + ws) % RTE_DIM(tsv)],
				.tsecr = tsv[(m + ws + 1) % RTE_DIM(tsv)],
			};

			write_and_parse(&in, got, &o);
			expect_opts(&o, in.mss, in.wscale, in.sack_perm, in.ts, in.tsval, in.tsecr);
		}
	}
}

/*
 * The parser reads Linux's two layouts (SYN: MSS, SACK-permitted, TS, NOP, window
 * scale; ACK: NOP, NOP, TS) on a shortcut. Every single-byte change to either,
 * through all 256 values at every position, and both with one byte cut off, must
 * still parse exactly as the model says: the shortcut may only take what it knows.
 */
static void
test_linux_layouts_vs_model(void **state __rte_unused)
{
	static const uint8_t linux_ack[] = {0x01, 0x01, 0x08, 0x0a, 0x00, 0x01, 0xe2, 0x40,
		0x8a, 0x00, 0x00, 0x01};
	const struct {
		const uint8_t *bytes;
		unsigned int len;
	} layouts[] = {{linux_syn, sizeof(linux_syn)}, {linux_ack, sizeof(linux_ack)}};
	unsigned int cases = 0;

	for (unsigned int l = 0; l < RTE_DIM(layouts); l++) {
		for (unsigned int cut = 0; cut <= 1; cut++) {
			unsigned int len = layouts[l].len - cut;

			for (unsigned int at = 0; at < len; at++) {
				for (unsigned int v = 0; v < 256; v++) {
					uint8_t b[SYNQ_TCP_OPTS_MAX];
					struct synq_tcp_opts got, want;
					int rc, model_rc;

					memcpy(b, layouts[l].bytes, len);
					b[at] = (uint8_t)v;
					rc = parse_tail(b, len, &got);
					model_rc = model_parse(b, len, &want);
					if (rc != model_rc)
						fail_msg("layout %u, len %u, byte %u = %u: returned %d, "
							 "model says %d",
							l, len, at, v, rc, model_rc);
					if (rc == 0)
						assert_opts_equal(&got, &want);
					cases++;
				}
			}
		}
	}
	assert_int_equal(cases, 256 * (20 + 19 + 12 + 11));
}

/* A shift above 14 is never written (RFC 7323 2.3): it goes out as 14. */
/*
 * synq_tcp_opts_parse()'s inline shortcut against the list walk it falls back to,
 * synq_tcp_opts_parse_general(): random blocks of every length, and Linux's two
 * layouts with one to three random bytes changed, each at the end of a guarded page.
 * Same return, and on success every field the same, tsval and tsecr included.
 */
static void
test_shortcut_vs_general(void **state __rte_unused)
{
	static const uint8_t linux_ack[] = {
		0x01, 0x01, 0x08, 0x0a, 0x00, 0x01, 0xe2, 0x40, 0x8a, 0x00, 0x00, 0x01};
	uint64_t rng = 0x0b7d1ff5eed;
	unsigned int shortcut = 0, agreed = 0;

	for (unsigned int i = 0; i < 300000; i++) {
		uint8_t b[SYNQ_TCP_OPTS_MAX];
		unsigned int len, kind = i % 3;
		uint8_t *gp;
		struct synq_tcp_opts fast, gen;
		int rc, rc_gen;

		if (kind == 0) {
			len = (unsigned int)(xorshift64(&rng) % (SYNQ_TCP_OPTS_MAX + 1));
			for (unsigned int k = 0; k < len; k++)
				b[k] = (uint8_t)xorshift64(&rng);
		} else {
			const uint8_t *l = kind == 1 ? linux_syn : linux_ack;
			unsigned int changes = (unsigned int)(xorshift64(&rng) % 4);

			len = kind == 1 ? sizeof(linux_syn) : sizeof(linux_ack);
			memcpy(b, l, len);
			for (unsigned int k = 0; k < changes; k++) {
				uint64_t r = xorshift64(&rng);

				/* small values (kinds, lengths) as often as any */
				b[r % len] = (uint8_t)((r >> 8) & 1 ? (r >> 16) % 12 : r >> 16);
			}
		}
		gp = synq_guard_tail(&guard, len);
		memcpy(gp, b, len);
		memset(&fast, 0xa5, sizeof(fast));
		memset(&gen, 0x5a, sizeof(gen));
		rc = synq_tcp_opts_parse(gp, len, &fast);
		rc_gen = synq_tcp_opts_parse_general(gp, len, &gen);
		if (rc != rc_gen)
			fail_msg("case %u (len %u): %d, the list walk %d", i, len, rc, rc_gen);
		if (rc != 0)
			continue;
		assert_int_equal(fast.mss, gen.mss);
		assert_int_equal(fast.wscale, gen.wscale);
		assert_int_equal(fast.sack_perm, gen.sack_perm);
		assert_int_equal(fast.ts, gen.ts);
		assert_int_equal(fast.tsval, gen.tsval);
		assert_int_equal(fast.tsecr, gen.tsecr);
		agreed++;
		shortcut += (len == 20 || len == 12) && fast.ts &&
			    (memcmp(b, linux_syn, 8) == 0 || memcmp(b, linux_ack, 4) == 0);
	}
	print_message("shortcut vs list walk: %u parsed alike, %u of them Linux layouts\n", agreed,
		shortcut);
	assert_true(shortcut > 20000);
	assert_true(agreed > 100000);
}

static void
test_write_wscale_clamped(void **state __rte_unused)
{
	static const uint8_t want[] = {MSS_1460, 0x01, 0x03, 0x03, 0x0e};
	const struct synq_tcp_synack_opts in = {.mss = 1460, .wscale = 15};
	uint8_t got[SYNQ_TCP_OPTS_MAX];
	struct synq_tcp_opts o;

	assert_int_equal(write_and_parse(&in, got, &o), sizeof(want));
	assert_memory_equal(got, want, sizeof(want));
	assert_int_equal(o.wscale, 14);
}

/* Options written at an odd address (they start at any byte), over 0xcc. */
struct wbuf {
	uint8_t b[1 + SYNQ_TCP_OPTS_MAX + 8];
};

static uint8_t *
wbuf_reset(struct wbuf *w)
{
	memset(w->b, 0xcc, sizeof(w->b));
	return w->b + 1;
}

/* @p n bytes were written at wbuf_reset()'s address and none around them; parse them. */
static void
wbuf_check(const struct wbuf *w, unsigned int n, struct synq_tcp_opts *parsed)
{
	assert_int_equal(w->b[0], 0xcc);
	for (unsigned int i = 1 + n; i < sizeof(w->b); i++)
		if (w->b[i] != 0xcc)
			fail_msg("byte %u after the %u written changed", i - 1 - n, n);
	assert_int_equal(parse_tail(w->b + 1, n, parsed), 0);
}

/* The client SYN's layout: byte for byte a real Linux SYN's, and what the parser reads. */
static void
test_write_syn(void **state __rte_unused)
{
	struct wbuf w;
	struct synq_tcp_opts o;
	uint8_t *at = wbuf_reset(&w);

	assert_int_equal(synq_tcp_opts_write_syn(at, 1460, 7, 123456), SYNQ_TCP_OPTS_SYN_LEN);
	wbuf_check(&w, SYNQ_TCP_OPTS_SYN_LEN, &o);
	assert_int_equal(sizeof(linux_syn), SYNQ_TCP_OPTS_SYN_LEN);
	assert_memory_equal(at, linux_syn, sizeof(linux_syn));
	expect_opts(&o, 1460, 7, true, true, 123456, 0);
}

/* Round trips of edge values: every shift, those above 14 clamped, extreme MSS and TSval. */
static void
test_write_syn_round_trip(void **state __rte_unused)
{
	static const uint16_t mss[] = {0, 1, 536, 1220, 8960, 0xffff};
	static const uint32_t tsv[] = {0, 1, 0x80000000u, 0xffffffffu, 0x01020304};
	struct wbuf w;
	struct synq_tcp_opts o;

	for (unsigned int ws = 0; ws <= 0xff; ws++) {
		for (unsigned int m = 0; m < RTE_DIM(mss); m++) {
			uint32_t tsval = tsv[(ws + m) % RTE_DIM(tsv)];
			uint8_t want_ws = ws <= SYNQ_TCP_WSCALE_MAX ? ws : SYNQ_TCP_WSCALE_MAX;
			uint8_t *at = wbuf_reset(&w);

			assert_int_equal(synq_tcp_opts_write_syn(at, mss[m], (uint8_t)ws, tsval),
				SYNQ_TCP_OPTS_SYN_LEN);
			wbuf_check(&w, SYNQ_TCP_OPTS_SYN_LEN, &o);
			/* the fixed bytes: kinds, lengths, TSecr 0, the NOP */
			assert_memory_equal(at, linux_syn, 2);
			assert_memory_equal(at + 4, linux_syn + 4, 4);
			assert_memory_equal(at + 12, linux_syn + 12, 7);
			assert_int_equal(at[19], want_ws);
			expect_opts(&o, mss[m], want_ws, true, true, tsval, 0);
		}
	}
}

/* NOP NOP + timestamps: RFC 7323 appendix A, byte for byte, and every value back. */
static void
test_write_ts(void **state __rte_unused)
{
	static const uint8_t want[] = {
		0x01, 0x01, 0x08, 0x0a, 0x00, 0x01, 0xe2, 0x40, 0x8a, 0x00, 0x00, 0x01};
	static const uint32_t tsv[] = {0, 1, 0x80000000u, 0xffffffffu, 0x01020304};
	struct wbuf w;
	struct synq_tcp_opts o;
	uint8_t *at = wbuf_reset(&w);

	assert_int_equal(synq_tcp_opts_write_ts(at, 123456, 0x8a000001), SYNQ_TCP_OPTS_TS_LEN);
	wbuf_check(&w, SYNQ_TCP_OPTS_TS_LEN, &o);
	assert_memory_equal(at, want, sizeof(want));
	expect_opts(&o, 0, SYNQ_TCP_NO_WSCALE, false, true, 123456, 0x8a000001);
	for (unsigned int i = 0; i < RTE_DIM(tsv) * RTE_DIM(tsv); i++) {
		uint32_t tsval = tsv[i % RTE_DIM(tsv)];
		uint32_t tsecr = tsv[i / RTE_DIM(tsv)];

		at = wbuf_reset(&w);
		assert_int_equal(synq_tcp_opts_write_ts(at, tsval, tsecr), SYNQ_TCP_OPTS_TS_LEN);
		wbuf_check(&w, SYNQ_TCP_OPTS_TS_LEN, &o);
		assert_memory_equal(at, want, 4);
		expect_opts(&o, 0, SYNQ_TCP_NO_WSCALE, false, true, tsval, tsecr);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux_syn),
		cmocka_unit_test(test_windows_syn),
		cmocka_unit_test(test_ack_options),
		cmocka_unit_test(test_no_options),
		cmocka_unit_test(test_eol_ends_list),
		cmocka_unit_test(test_nop_padding),
		cmocka_unit_test(test_unknown_option_skipped),
		cmocka_unit_test(test_wscale_clamped),
		cmocka_unit_test(test_repeated_last_wins),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_linux_syn_truncations),
		cmocka_unit_test(test_linux_layouts_vs_model),
		cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_shortcut_vs_general),
		cmocka_unit_test(test_write_synack),
		cmocka_unit_test(test_write_parse_round_trip),
		cmocka_unit_test(test_write_wscale_clamped),
		cmocka_unit_test(test_write_syn),
		cmocka_unit_test(test_write_syn_round_trip),
		cmocka_unit_test(test_write_ts),
	};

	return cmocka_run_group_tests(tests, setup_guard, teardown_guard);
}
