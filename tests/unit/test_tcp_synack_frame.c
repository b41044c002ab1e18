/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit test of the SYN-ACK written over its SYN (tcp_synack_of_syn(), lib/tcp/tcp_frame.c).
 *
 * Random SYNs (IPv4 and IPv6, tagged or not, every shape of options: none, MSS only,
 * Linux's, Windows' NOP padded, odd lengths EOL padded, all 40 bytes; IP fields a
 * SYN-ACK must not keep: TOS, id, TTL, flow label; NIC checksum verdicts GOOD, NONE,
 * UNKNOWN, which the SYN-ACK's checksums must not depend on; with and without tx
 * checksum offload; our options in every combination, shifts above 14 clamped) are
 * answered twice: once as they came
 * (written in place) and once with a payload, which the in-place writer refuses, so
 * that tcp_build() builds the frame whole. Both frames must be the same, byte for
 * byte, and equal to the SYN-ACK built here by tests/lib (independent of lib/tcp),
 * with both checksums verifying, or, with offload, left to the NIC as tcp_build()
 * leaves them. A byte changed in a right frame must be seen. The 8 constant layouts
 * of the IPv4 writer are the general writers' bytes and sums, and its inline form
 * (tcp_synack4_fits(), tcp_synack4_in_place()) writes every layout as tests/lib does
 * and refuses what it cannot write in place.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_mbuf.h>

#include "fake_mbuf.h"
#include "synq_cksum.h"
#include "synq_frame.h"
#include "tcp_frame.h"

#define ROUNDS 4000

/* xorshift64*: the same SYNs every run */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dull) >> 32);
}

static void
rnd_bytes(uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)rnd();
}

/* One of the option shapes a SYN carries, in @p opt; returns its length (multiple of 4). */
static size_t
syn_opts(uint8_t *opt, unsigned int shape)
{
	size_t n = 0;

	switch (shape) {
	case 0: /* none */
		return 0;
	case 1: /* MSS only */
		memcpy(opt, (const uint8_t[]){2, 4, 2, 0x18}, 4);
		return 4;
	case 2: /* Linux's */
		return synq_frame_opts_syn(
			opt, (uint16_t)(1000 + rnd() % 9000), (uint8_t)(rnd() % 15), rnd());
	case 3: /* Windows': MSS, NOP, window scale, NOP, NOP, SACK-permitted */
		memcpy(opt, (const uint8_t[]){2, 4, 5, 0xb4, 1, 3, 3, 8, 1, 1, 4, 2}, 12);
		return 12;
	case 4: /* odd: MSS, window scale (3 bytes), EOL padded */
		memcpy(opt, (const uint8_t[]){2, 4, 5, 0xb4, 3, 3, 7, 0}, 8);
		return 8;
	default: /* all 40 bytes: Linux's, an unknown kind of 14 bytes, 6 NOPs */
		n = synq_frame_opts_syn(opt, 1460, 7, rnd());
		opt[n] = 253;
		opt[n + 1] = 14;
		rnd_bytes(opt + n + 2, 12);
		memset(opt + n + 14, 1, 6);
		return 40;
	}
}

struct syn {
	struct synq_frame_tcp t;
	uint8_t cmac[6], smac[6], caddr[16], saddr[16];
	uint8_t opt[SYNQ_FRAME_OPTS_MAX];
	uint8_t data[32];
};

static void
random_syn(struct syn *s, const struct synq_iface *ifc, uint8_t family)
{
	memset(s, 0, sizeof(*s));
	rnd_bytes(s->cmac, 6);
	memcpy(s->smac, ifc->mac.addr_bytes, 6);
	rnd_bytes(s->caddr, 16);
	rnd_bytes(s->saddr, 16);
	s->t.eth.tagged = ifc->vlan != 0;
	s->t.eth.tci = (uint16_t)(ifc->vlan | (rnd() % 8) << 13); /* any priority */
	memcpy(s->t.eth.src, s->cmac, 6);
	memcpy(s->t.eth.dst, s->smac, 6);
	s->t.ip.family = family;
	s->t.ip.src = s->caddr;
	s->t.ip.dst = s->saddr;
	s->t.ip.ttl = (uint8_t)rnd();
	s->t.ip.tos = (uint8_t)rnd();
	s->t.ip.id = (uint16_t)rnd();
	s->t.ip.frag = rnd() % 2 ? SYNQ_FRAME_DF : 0;
	s->t.ip.flow = rnd() & 0xfffff;
	s->t.sport = (uint16_t)rnd();
	s->t.dport = (uint16_t)rnd();
	s->t.seq = rnd();
	s->t.ack = rnd() % 4 == 0 ? rnd() : 0;
	s->t.flags = SYNQ_FRAME_SYN | (rnd() % 4 == 0 ? SYNQ_FRAME_ECE | SYNQ_FRAME_CWR : 0);
	s->t.win = (uint16_t)rnd();
	s->t.urg = rnd() % 8 == 0 ? (uint16_t)rnd() : 0;
	s->t.opt = s->opt;
	s->t.opt_len = syn_opts(s->opt, rnd() % 6);
	rnd_bytes(s->data, sizeof(s->data));
}

/* Put the SYN @p s (with @p data_len bytes of payload) in @p f, located as lib/net does. */
static void
syn_seg(struct fake_mbuf *f, struct synq_tcp_seg *seg, struct syn *s, size_t data_len,
	uint64_t rx_flags)
{
	uint8_t frame[256];
	size_t len;

	s->t.data = data_len != 0 ? s->data : NULL;
	s->t.data_len = data_len;
	len = synq_frame_build_tcp(frame, sizeof(frame), &s->t);
	assert_true(len >= SYNQ_FRAME_MIN);
	fake_mbuf_set(f, frame, (uint16_t)len);
	f->m.ol_flags = rx_flags;
	memset(seg, 0, sizeof(*seg));
	seg->m = &f->m;
	seg->l2_len = s->t.eth.tagged ? 18 : 14;
	seg->l3 = fake_mbuf_data(f) + seg->l2_len;
	seg->l3_len = s->t.ip.family == 4 ? 20 : 40;
	seg->l4_len = (uint16_t)(20 + s->t.opt_len + data_len);
	seg->family = s->t.ip.family;
}

/* The SYN-ACK tcp_build() writes for @p s, built by tests/lib; returns its length. */
static size_t
expected_synack(uint8_t *buf, const struct syn *s, const struct synq_iface *ifc, uint32_t seq,
	uint32_t ack, uint16_t win, const struct synq_tcp_synack_opts *o)
{
	uint8_t opt[SYNQ_TCP_OPTS_MAX];
	struct synq_frame_tcp t = {
		.eth = {.tagged = ifc->vlan != 0, .tci = ifc->vlan},
		.ip = {.family = s->t.ip.family,
			.src = s->saddr,
			.dst = s->caddr,
			.ttl = 64,
			.frag = SYNQ_FRAME_DF},
		.sport = s->t.dport,
		.dport = s->t.sport,
		.seq = seq,
		.ack = ack,
		.flags = SYNQ_FRAME_SYN | SYNQ_FRAME_ACK,
		.win = win,
		.opt = opt,
		.opt_len = synq_tcp_opts_write_synack(opt, o),
	};

	memcpy(t.eth.dst, s->cmac, 6);
	memcpy(t.eth.src, ifc->mac.addr_bytes, 6);
	return synq_frame_build_tcp(buf, 256, &t);
}

/* With tx offload: the checksum fields as tcp_build() leaves them, zeroed for a compare. */
static void
check_offloaded(uint8_t *frame, size_t len, const struct rte_mbuf *m, uint8_t family)
{
	struct synq_frame_view v;
	uint16_t l4;

	assert_int_equal(synq_frame_parse_tcp(frame, len, &v), 0);
	l4 = v.tcp_len;
	assert_int_equal(m->ol_flags,
		family == 4 ? RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_TCP_CKSUM
			    : RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_CKSUM);
	/* the pseudo-header's sum, not complemented: what the NIC starts from */
	assert_int_equal(
		v.cksum, (uint16_t)~synq_frame_cksum_fold(
				 family == 4 ? synq_frame_phdr4(v.ip, SYNQ_FRAME_PROTO_TCP, l4)
					     : synq_frame_phdr6(v.ip, SYNQ_FRAME_PROTO_TCP, l4)));
	if (family == 4) {
		assert_int_equal(synq_bytes_get16(v.ip + 10), 0);
		frame[v.l2_len + 10] = 0xaa; /* as the expected frame's, below */
		frame[v.l2_len + 11] = 0xaa;
	}
	frame[v.th - frame + 16] = 0xaa;
	frame[v.th - frame + 17] = 0xaa;
}

static void
blank_cksums(uint8_t *frame, size_t len)
{
	struct synq_frame_view v;

	assert_int_equal(synq_frame_parse_tcp(frame, len, &v), 0);
	if (v.family == 4) {
		frame[v.l2_len + 10] = 0xaa;
		frame[v.l2_len + 11] = 0xaa;
	}
	frame[v.th - frame + 16] = 0xaa;
	frame[v.th - frame + 17] = 0xaa;
}

/*
 * The SYN-ACK in @p f against @p exp: with tx offload its checksums left to the NIC
 * (and blanked in @p exp), else both right and the padding zero; then byte for byte.
 */
static void
check_synack(struct fake_mbuf *f, const struct synq_iface *ifc, uint8_t family, uint8_t *exp,
	size_t exp_len)
{
	if (ifc->tx_cksum_offload) {
		check_offloaded(fake_mbuf_data(f), f->m.data_len, &f->m, family);
		blank_cksums(exp, exp_len);
	} else {
		struct synq_frame_view v;

		assert_int_equal(f->m.ol_flags, 0);
		assert_int_equal(synq_frame_parse_tcp(fake_mbuf_data(f), f->m.data_len, &v), 0);
		assert_true(v.ip_cksum_ok);
		assert_true(v.tcp_cksum_ok);
		assert_true(v.pad_zero);
	}
	assert_memory_equal(fake_mbuf_data(f), exp, exp_len);
}

static void
test_random_syns(void **state __rte_unused)
{
	static const uint64_t rx[] = {RTE_MBUF_F_RX_L4_CKSUM_GOOD, RTE_MBUF_F_RX_L4_CKSUM_NONE,
		RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN};
	static struct fake_mbuf fa, fb;

	for (unsigned int r = 0; r < ROUNDS; r++) {
		struct synq_iface ifc = {
			.vlan = (uint16_t)(rnd() % 2 ? 1 + rnd() % 4095 : 0),
			.tx_cksum_offload = rnd() % 4 == 0,
		};
		struct synq_tcp_synack_opts o = {
			.mss = (uint16_t)rnd(),
			.wscale = (uint8_t)(rnd() % 3 == 0 ? SYNQ_TCP_NO_WSCALE : rnd() % 20),
			.sack_perm = rnd() % 2,
			.ts = rnd() % 2,
			.tsval = rnd(),
			.tsecr = rnd(),
		};
		uint32_t seq = rnd(), ack = rnd();
		uint16_t win = (uint16_t)rnd();
		struct synq_tcp_seg sa, sb;
		uint8_t exp[256];
		size_t exp_len;
		struct syn s;

		rnd_bytes(ifc.mac.addr_bytes, 6);
		random_syn(&s, &ifc, rnd() % 2 ? 4 : 6);
		syn_seg(&fa, &sa, &s, 0, rx[rnd() % 3]);
		syn_seg(&fb, &sb, &s, 1 + rnd() % sizeof(s.data), rx[rnd() % 3]);
		assert_int_equal(tcp_synack_of_syn(&sa, &ifc, seq, ack, win, &o), 0);
		assert_int_equal(tcp_synack_of_syn(&sb, &ifc, seq, ack, win, &o), 0);

		/* in place and whole: the same frame, the same mbuf fields */
		assert_int_equal(fa.m.data_len, fb.m.data_len);
		assert_int_equal(fa.m.pkt_len, fa.m.data_len);
		assert_int_equal(fb.m.pkt_len, fb.m.data_len);
		assert_memory_equal(fake_mbuf_data(&fa), fake_mbuf_data(&fb), fa.m.data_len);
		assert_int_equal(fa.m.ol_flags, fb.m.ol_flags);
		assert_int_equal(fa.m.l2_len, fb.m.l2_len);
		assert_int_equal(fa.m.l3_len, fb.m.l3_len);
		assert_int_equal(fa.m.l2_len, ifc.vlan != 0 ? 18 : 14);
		assert_int_equal(fa.m.l3_len, s.t.ip.family == 4 ? 20 : 40);

		/* and what it must be */
		exp_len = expected_synack(exp, &s, &ifc, seq, ack, win, &o);
		assert_int_equal(fa.m.data_len, exp_len);
		check_synack(&fa, &ifc, s.t.ip.family, exp, exp_len);
	}
}

/* The checks above see a wrong byte: any byte of a right frame changed. */
static void
test_wrong_byte_seen(void **state __rte_unused)
{
	static struct fake_mbuf f;

	for (unsigned int r = 0; r < 500; r++) {
		struct synq_iface ifc = {.vlan = (uint16_t)(rnd() % 2 ? 7 : 0)};
		struct synq_tcp_synack_opts o = {.mss = 1460,
			.wscale = 7,
			.sack_perm = true,
			.ts = true,
			.tsval = rnd(),
			.tsecr = rnd()};
		struct synq_frame_view v;
		struct synq_tcp_seg seg;
		uint8_t exp[256];
		size_t exp_len, i;
		struct syn s;
		uint8_t *d;

		rnd_bytes(ifc.mac.addr_bytes, 6);
		random_syn(&s, &ifc, rnd() % 2 ? 4 : 6);
		syn_seg(&f, &seg, &s, 0, RTE_MBUF_F_RX_L4_CKSUM_GOOD);
		assert_int_equal(tcp_synack_of_syn(&seg, &ifc, 1, 2, 3, &o), 0);
		exp_len = expected_synack(exp, &s, &ifc, 1, 2, 3, &o);
		d = fake_mbuf_data(&f);
		assert_memory_equal(d, exp, exp_len);
		i = rnd() % exp_len;
		d[i] ^= (uint8_t)(1 + rnd() % 255);
		assert_memory_not_equal(d, exp, exp_len);
		/*
		 * A changed byte of the IPv4 packet, or of the IPv6 one from its addresses on
		 * (version, class, flow label, length and hop limit are in no checksum), breaks
		 * a checksum too, when the frame still parses.
		 */
		if (i >= (ifc.vlan != 0 ? 18u : 14u) + (s.t.ip.family == 4 ? 0 : 8) &&
			synq_frame_parse_tcp(d, exp_len, &v) == 0 && i < v.l2_len + v.ip_len)
			assert_false(v.ip_cksum_ok && v.tcp_cksum_ok);
	}
}

/*
 * The 8 layouts (tcp_synack_layouts[]) are synq_tcp_opts_write_synack()'s options and
 * tcp_build()'s headers with 0 where a SYN-ACK has its own values, and their sums are
 * synq_cksum_add()'s of those bytes.
 */
static void
test_layouts(void **state __rte_unused)
{
	for (unsigned int i = 0; i < 8; i++) {
		const struct tcp_synack_layout *ly = &tcp_synack_layouts[i];
		const struct synq_tcp_synack_opts o = {
			.ts = i >> 2 & 1,
			.sack_perm = i >> 1 & 1,
			.wscale = i & 1 ? 0 : SYNQ_TCP_NO_WSCALE,
		};
		const uint8_t ip[12] = {0x45, 0, 0, (uint8_t)(40 + ly->n), 0, 0, 0x40, 0, 64, 6};
		const uint8_t tcp[8] = {(uint8_t)((20 + ly->n) / 4 << 4), 0x12};
		uint8_t opt[TCP_SYNACK_OPTS_MAX] = {0};

		assert_ptr_equal(tcp_synack_layout_of(o), ly);
		assert_int_equal(ly->n, synq_tcp_opts_write_synack(opt, &o));
		assert_memory_equal(ly->opt, opt, sizeof(opt));
		assert_memory_equal(ly->ip, ip, sizeof(ip));
		assert_memory_equal(ly->tcp, tcp, sizeof(tcp));
		assert_int_equal(synq_cksum_fold(ly->ip_sum),
			synq_cksum_fold(synq_cksum_add(0, ip, sizeof(ip))));
		assert_int_equal(synq_cksum_fold(ly->tcp_sum),
			synq_cksum_fold(synq_cksum_add(
				synq_cksum_add(0, tcp, sizeof(tcp)), opt, sizeof(opt))));
		assert_int_equal(synq_cksum_fold(ly->ph_sum),
			synq_cksum_fold(synq_cksum_ipv4_phdr(0, 0, 6, (uint16_t)(20 + ly->n))));
	}
}

/*
 * The inline writer of the SYN paths (tcp_synack4_fits(), tcp_synack4_in_place()) on
 * random IPv4 SYNs, every layout of our options, tagged or not, offload or not: the
 * frame tests/lib builds; and it refuses what it cannot write in place (a payload, an
 * IPv6 SYN, the wrong tag, a chain, no room).
 */
static void
test_inline4(void **state __rte_unused)
{
	static struct fake_mbuf f;

	for (unsigned int r = 0; r < ROUNDS; r++) {
		struct synq_iface ifc = {
			.vlan = (uint16_t)(rnd() % 2 ? 1 + rnd() % 4095 : 0),
			.tx_cksum_offload = rnd() % 4 == 0,
		};
		unsigned int layout = r % 8;
		struct synq_tcp_synack_opts o = {
			.mss = (uint16_t)rnd(),
			.wscale = (uint8_t)(layout & 1 ? rnd() % 20 : SYNQ_TCP_NO_WSCALE),
			.sack_perm = layout >> 1 & 1,
			.ts = layout >> 2 & 1,
			.tsval = rnd(),
			.tsecr = rnd(),
		};
		uint32_t seq = rnd(), ack = rnd();
		uint16_t win = (uint16_t)rnd();
		struct synq_tcp_seg seg;
		uint8_t exp[256];
		size_t exp_len;
		struct syn s;

		rnd_bytes(ifc.mac.addr_bytes, 6);
		random_syn(&s, &ifc, 4);
		syn_seg(&f, &seg, &s, 1 + rnd() % sizeof(s.data), RTE_MBUF_F_RX_L4_CKSUM_GOOD);
		assert_false(tcp_synack4_fits(&seg, &ifc)); /* a payload */
		syn_seg(&f, &seg, &s, 0, RTE_MBUF_F_RX_L4_CKSUM_NONE);
		assert_true(tcp_synack4_fits(&seg, &ifc));
		ifc.vlan = ifc.vlan != 0 ? 0 : 5;
		assert_false(tcp_synack4_fits(&seg, &ifc)); /* another L2 layout */
		ifc.vlan = ifc.vlan != 0 ? 0 : s.t.eth.tci & 0xfff;
		f.m.nb_segs = 2;
		assert_false(tcp_synack4_fits(&seg, &ifc));
		f.m.nb_segs = 1;
		f.m.data_off = (uint16_t)(f.m.buf_len - seg.l2_len - 79);
		assert_false(tcp_synack4_fits(&seg, &ifc)); /* no room for 20 bytes of options */
		syn_seg(&f, &seg, &s, 0, RTE_MBUF_F_RX_L4_CKSUM_NONE);
		assert_true(tcp_synack4_fits(&seg, &ifc));
		tcp_synack4_in_place(&seg, &ifc, seq, ack, win, o);

		exp_len = expected_synack(exp, &s, &ifc, seq, ack, win, &o);
		assert_int_equal(f.m.data_len, exp_len);
		assert_int_equal(f.m.pkt_len, exp_len);
		assert_int_equal(f.m.l2_len, ifc.vlan != 0 ? 18 : 14);
		assert_int_equal(f.m.l3_len, 20);
		check_synack(&f, &ifc, 4, exp, exp_len);

		random_syn(&s, &ifc, 6);
		syn_seg(&f, &seg, &s, 0, RTE_MBUF_F_RX_L4_CKSUM_GOOD);
		assert_false(tcp_synack4_fits(&seg, &ifc)); /* IPv6 */
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_syns),
		cmocka_unit_test(test_wrong_byte_seen),
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_inline4),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
